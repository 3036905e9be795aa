// Offline: after one visit the app opens, shows its forms and saves with the
// network off. A new version of the app and of its forms is picked up on the
// next visit without losing a stored record, and a draft started on the old
// form version still opens with that version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dist, root, serveDist, launchBrowser, screenshot } from './harness.js';

const distV2 = process.env.YIM_DIST_V2 ?? join(root, 'target', 'e2e-dist-v2');
const card = (page, title) => page.locator('li.card', { has: page.getByRole('link', { name: title, exact: true }) });

/// Serves a copy of `from` whose files can be replaced while it runs, on
/// one origin (IndexedDB and the service worker belong to the origin).
async function serveCopy(from) {
  const dir = await mkdtemp(join(tmpdir(), 'yim-dist-'));
  await cp(from, dir, { recursive: true });
  const { server, url } = await serveDist(dir);
  return {
    url,
    /// Puts another build in place, as a deploy does.
    async deploy(next) {
      for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
      await cp(next, dir, { recursive: true });
    },
    /// Takes the network away for good: no new connection, none kept.
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
    async remove() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function openPage(context, url) {
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') page.problems.push(message.text());
  });
  page.on('pageerror', (error) => page.problems.push(String(error)));
  await page.goto(url);
  await page.locator('main[data-ready]').waitFor({ timeout: 30_000 });
  return page;
}

/// Waits until the service worker has stored the app and controls the page.
async function installed(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

async function buildCaches(page) {
  return page.evaluate(async () => {
    const out = {};
    for (const name of await caches.keys()) {
      out[name] = (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname);
    }
    return out;
  });
}

async function reload(page) {
  await page.reload();
  await page.locator('main[data-ready]').waitFor({ timeout: 30_000 });
}

test('after one visit the app opens, fills and saves a form with the network off', async () => {
  const site = await serveCopy(dist);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 740 } });
    const page = await openPage(context, site.url);
    await installed(page);
    const stored = Object.values(await buildCaches(page)).flat();
    for (const file of ['/', '/boot.js', '/manifest.webmanifest', '/icons/icon-192.png']) {
      assert.ok(stored.includes(file), `${file} is not cached: ${stored}`);
    }
    assert.ok(stored.some((file) => file.endsWith('_bg.wasm')), 'the wasm (and the forms in it) is not cached');
    assert.ok(stored.some((file) => file.endsWith('.woff2')), 'the Thai font is not cached');

    await context.setOffline(true);
    await site.stop();
    await reload(page);
    await page.getByRole('link', { name: 'Household test form' }).click();
    await page.getByLabel('Respondent name').fill('Offline');
    await page.getByLabel('Age (years)').fill('9');
    await page.locator('[data-field="school"]').waitFor({ state: 'visible' });
    await page.getByRole('status').getByText('Draft kept on this phone').waitFor();
    await page.getByRole('link', { name: 'Yim' }).click();
    await card(page, 'Household test form').getByText('Drafts 1 · Finalized 0').waitFor();
    // The Thai font came from the cache too.
    await page.getByRole('button', { name: 'ไทย' }).click();
    const fonts = await page.evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family);
    });
    assert.ok(fonts.some((f) => f.includes('Noto Sans Thai')), `loaded fonts: ${fonts}`);
    await screenshot(page, 'home-offline-th-360');
    assert.deepEqual(page.problems, []);
  } finally {
    await browser.close();
    await site.remove();
  }
});

test('a new version is picked up on the next visit, and a draft keeps its form version', async () => {
  const site = await serveCopy(dist);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 740 } });
    const page = await openPage(context, site.url);
    await installed(page);
    const before = Object.keys(await buildCaches(page));
    assert.equal(before.length, 1, `caches: ${before}`);

    await page.getByRole('link', { name: 'Household test form' }).click();
    await page.getByLabel('Respondent name').fill('Started on 2025.1');
    await page.getByLabel('Age (years)').fill('12');
    await page.getByRole('status').getByText('Draft kept on this phone').waitFor();
    await page.getByRole('link', { name: 'Yim' }).click();
    await card(page, 'Household test form').getByText('Version 2025.1').waitFor();

    // A new deploy: the app and the household form change (2025.2 renames
    // the name question and adds a phone number).
    await site.deploy(distV2);
    await reload(page);
    const household = card(page, 'Household test form');
    await household.getByText('Version 2025.2').waitFor();
    await household.getByText('Drafts 1 · Finalized 0').waitFor();
    const after = Object.keys(await buildCaches(page));
    assert.equal(after.length, 1, `the old build is not cleaned up: ${after}`);
    assert.notEqual(after[0], before[0], 'the new build was not stored');

    // The draft opens with the version it was started on.
    await household.locator('li.draft').getByRole('link', { name: /Started on 2025\.1/ }).click();
    await page.locator('.version-note').getByText(/older version of the form .* 2025\.1/).waitFor();
    assert.equal(await page.getByLabel('Respondent name').inputValue(), 'Started on 2025.1');
    assert.equal(await page.getByLabel('Age (years)').inputValue(), '12');
    assert.equal(await page.getByLabel('Phone number').count(), 0);
    await screenshot(page, 'form-older-version-en-360');
    await page.getByLabel('Age (years)').fill('13');
    await page.getByRole('status').getByText('Draft kept on this phone').waitFor();

    // A new response gets the new version.
    await page.getByRole('link', { name: 'Yim' }).click();
    await household.getByRole('link', { name: 'Household test form' }).click();
    await page.getByLabel('Full name of the respondent').waitFor();
    await page.getByLabel('Phone number').waitFor();

    // And the new version works offline too, old draft included.
    await context.setOffline(true);
    await site.stop();
    await page.goto(site.url);
    await page.locator('main[data-ready]').waitFor({ timeout: 30_000 });
    await household.getByText('Version 2025.2').waitFor();
    await household.locator('li.draft').getByRole('link', { name: /Started on 2025\.1/ }).click();
    assert.equal(await page.getByLabel('Age (years)').inputValue(), '13');
    assert.equal(await page.getByLabel('Phone number').count(), 0);
    assert.deepEqual(page.problems, []);
  } finally {
    await browser.close();
    await site.remove();
  }
});
