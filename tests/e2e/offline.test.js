// Offline: after one visit the app opens, shows its forms and saves with the
// network off. A new version of a form, published on the host, is picked up
// on the next visit without losing a stored record, and a draft started on
// the old form version still opens with that version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dist, root, serveDist, launchBrowser, openPage, screenshot } from './harness.js';

/// Version 2025.2 of the household test form (tests/e2e/offline-forms.js).
const formsV2 = process.env.YIM_FORMS_V2 ?? join(root, 'target', 'e2e-forms-v2');
const card = (page, title) => page.locator('li.card', { has: page.getByRole('link', { name: title, exact: true }) });

/// Serves a copy of `from` whose files can be replaced while it runs, on
/// one origin (IndexedDB and the service worker belong to the origin).
async function serveCopy(from) {
  const dir = await mkdtemp(join(tmpdir(), 'yim-dist-'));
  await cp(from, dir, { recursive: true });
  const { server, url } = await serveDist(dir);
  return {
    url,
    /// Publishes the test forms again with version 2025.2 of the household
    /// form, as a coordinator publishes a changed form on the host.
    async publishV2() {
      const work = await mkdtemp(join(tmpdir(), 'yim-forms-'));
      await cp(join(root, 'tests', 'e2e', 'forms'), work, { recursive: true });
      await copyFile(join(formsV2, 'household.yaml'), join(work, 'household.yaml'));
      const yim = join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'yim');
      const folders = [join(root, 'forms'), work, join(root, 'target', 'e2e-forms')];
      const recipients = join(root, '.yim', 'recipients.txt');
      const run = spawnSync(yim, ['publish', ...folders, '-r', recipients, '-o', join(dir, 'forms')], { encoding: 'utf8' });
      assert.equal(run.status, 0, `yim publish failed:\n${run.stdout}\n${run.stderr}`);
      await rm(work, { recursive: true, force: true });
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
    assert.ok(stored.some((file) => file.endsWith('_bg.wasm')), 'the wasm is not cached');
    assert.ok(stored.includes('/forms/index.json'), 'the published forms are not cached');
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
    const builds = async () => Object.keys(await buildCaches(page)).filter((name) => name.startsWith('yim-v1-'));
    const before = await builds();
    assert.equal(before.length, 1, `caches: ${before}`);

    await page.getByRole('link', { name: 'Household test form' }).click();
    await page.getByLabel('Respondent name').fill('Started on 2025.1');
    await page.getByLabel('Age (years)').fill('12');
    await page.getByRole('status').getByText('Draft kept on this phone').waitFor();
    await page.getByRole('link', { name: 'Yim' }).click();
    await card(page, 'Household test form').getByText('Version 2025.1').waitFor();

    // The household form changes on the host (2025.2 renames the name
    // question and adds a phone number); the app itself stays the same.
    await site.publishV2();
    await reload(page);
    const household = card(page, 'Household test form');
    await household.getByText('Version 2025.2').waitFor();
    await household.getByText('Drafts 1 · Finalized 0').waitFor();
    assert.deepEqual(await builds(), before, 'the same build serves the new form');

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
