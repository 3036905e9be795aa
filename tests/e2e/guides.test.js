// The guides in Thai (docs/th/, made into pages by `yim guides` at every
// build) open from the home page, read well on a 360 px phone, carry the
// app's Content-Security-Policy, and open again with the network off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { start, screenshot, scrollsSideways, dist } from './harness.js';

let app;
before(async () => {
  app = await start();
});
after(async () => {
  await app?.close();
});

/// Waits until the service worker has stored the app and controls the page.
async function installed(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

const cspOf = (html) => html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1];

test('a guide opens from the home page and again offline', async () => {
  const page = await app.open({ locale: 'th-TH' });
  await installed(page);
  await page.getByRole('link', { name: 'คู่มือ / Guides' }).click();
  await page.getByRole('heading', { level: 1, name: /คู่มือภาษาไทย/ }).waitFor();
  await screenshot(page, 'guides-index-th-360');
  assert.equal(await scrollsSideways(page), false);

  await page.getByRole('link', { name: 'คู่มืออาสาสมัคร' }).first().click();
  await page.getByRole('heading', { level: 1, name: /อาสาสมัคร/ }).waitFor();
  assert.match(page.url(), /\/guides\/volunteer\.html$/);
  // Every screenshot the guide shows has loaded.
  const images = await page.locator('main.guide img').evaluateAll((imgs) =>
    imgs.map((img) => ({ src: img.getAttribute('src'), ok: img.complete && img.naturalWidth > 0 })),
  );
  for (const image of images) assert.ok(image.ok, `${image.src} did not load`);
  assert.equal(await scrollsSideways(page), false);
  await screenshot(page, 'guides-volunteer-th-360');

  // The page may do no more than the app may.
  const indexCsp = cspOf(await readFile(join(dist, 'index.html'), 'utf8'));
  const guideCsp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.ok(indexCsp);
  assert.equal(guideCsp, indexCsp);
  assert.equal(await page.locator('script').count(), 0);
  assert.equal(await page.locator('[style]').count(), 0);

  // With the network off the guide and its pictures come from the cache.
  await page.context().setOffline(true);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: /อาสาสมัคร/ }).waitFor();
  const offlineImages = await page.locator('main.guide img').evaluateAll((imgs) =>
    imgs.map((img) => ({ src: img.getAttribute('src'), ok: img.complete && img.naturalWidth > 0 })),
  );
  for (const image of offlineImages) assert.ok(image.ok, `${image.src} did not load offline`);
  // And the way back to the app works offline too.
  await page.getByRole('link', { name: /กลับไปที่แอป/ }).click();
  await page.locator('main[data-ready]').waitFor({ timeout: 30_000 });
  await page.getByRole('link', { name: 'คู่มือ / Guides' }).waitFor();
  await page.context().setOffline(false);
  assert.deepEqual(page.problems, []);
});
