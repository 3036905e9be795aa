// Shared set-up for the end-to-end tests: a small static file server over the
// Trunk output in dist/, and Debian's Chromium driven by playwright-core.
// Nothing here downloads a browser; the tests use /usr/bin/chromium.
import { createServer } from 'node:http';
import { readFile, stat, mkdir } from 'node:fs/promises';
import { join, extname, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
export const dist = process.env.YIM_DIST ?? join(root, 'dist');
export const out = join(here, 'out');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/// Serves `dir` on a free port of 127.0.0.1 and resolves to the server and its
/// base URL. Unknown paths get index.html, as a static host for an app would.
export async function serveDist(dir = dist) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    let file = join(dir, path);
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    } catch {
      file = join(dir, 'index.html');
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': types[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { server, url: `http://127.0.0.1:${port}/` };
}

/// Launches headless Chromium from Debian's package.
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/// Opens `url` in a new page of `context` (the one `start` made, or one a
/// test made itself for its own storage, network or service worker) once
/// the app has started there. The page records console errors and uncaught
/// exceptions in `page.problems`, so that a test can assert there were none.
export async function openPage(context, url) {
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') page.problems.push(message.text());
  });
  page.on('pageerror', (error) => page.problems.push(String(error)));
  await page.goto(url);
  // The app replaces the loading line once the wasm has started.
  await page.locator('main[data-ready]').waitFor({ timeout: 30_000 });
  return page;
}

/// A phone-sized page of the app in English, in a browser of its own, taken
/// off the network once the service worker holds the build and the
/// published forms, with the server stopped and the app reloaded from the
/// worker's caches: from here on the test runs offline. The caller closes
/// the browser.
export async function offlinePhone() {
  const { server, url } = await serveDist();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 740 }, hasTouch: true });
    const page = await openPage(context, url);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await page.reload();
    await page.locator('main[data-ready]').waitFor({ timeout: 30_000 });
    return { browser, page };
  } catch (error) {
    await browser.close();
    server.close();
    throw error;
  }
}

/// Starts the server and the browser once for a test file and returns a
/// helper that opens a fresh phone-sized page. Every page records console
/// errors and Content-Security-Policy violations so that a test can assert
/// there were none.
export async function start() {
  const { server, url } = await serveDist();
  const browser = await launchBrowser();
  const contexts = [];
  return {
    url,
    async open({ locale = 'en-US', width = 360, height = 740, path = '' } = {}) {
      const context = await browser.newContext({
        locale,
        viewport: { width, height },
        deviceScaleFactor: 1,
        hasTouch: true,
      });
      contexts.push(context);
      return openPage(context, url + path);
    },
    async close() {
      for (const context of contexts) await context.close();
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/// Saves a screenshot under tests/e2e/out/ for a person to look at.
export async function screenshot(page, name) {
  await mkdir(out, { recursive: true });
  // The header and the page buttons stick to the screen's edges; from the
  // top, a full-page picture shows them where a person first sees them.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
}

/// The question whose answer is stored under `path` (the form's own path,
/// such as `/child/name`): the element the app marks with `data-field`.
export const field = (page, path) => page.locator(`[data-field="${path}"]`);

/// True when the page is wider than its viewport, which a phone user would
/// have to scroll sideways to read.
export function scrollsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

/// The answers of the first stored draft of form `formId`, read straight
/// from IndexedDB as the app saved them, or null when there is none yet.
export function storedAnswers(page, formId) {
  return page.evaluate(async (formId) => {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('yim');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = (store) =>
      new Promise((resolve) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
      });
    const metas = (await all('responses')).filter((m) => m.form_id === formId);
    const bodies = await all('answers');
    db.close();
    const body = bodies.find((b) => b.id === metas[0]?.id);
    return body ? JSON.parse(body.answers) : null;
  }, formId);
}

/// Finds `name` anywhere in stored answers (answers sit inside their groups).
export function findAnswer(answers, name) {
  if (answers && typeof answers === 'object') {
    if (name in answers) return answers[name];
    for (const value of Object.values(answers)) {
      const found = findAnswer(value, name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
