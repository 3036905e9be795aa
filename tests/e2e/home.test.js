// The home page: forms grouped by province, titles in the chosen language,
// the language remembered, a 360 px phone layout, and a page that runs under
// its strict Content-Security-Policy without a single violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, screenshot, scrollsSideways } from './harness.js';

let app;
before(async () => {
  app = await start();
});
after(async () => {
  await app?.close();
});

test('lists forms by province with title, version and counts', async () => {
  const page = await app.open({ locale: 'en-US' });
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.getByRole('heading', { level: 1, name: 'Forms' }).waitFor();

  const national = page.locator('section.province', { has: page.getByRole('heading', { name: 'National' }) });
  const household = national.locator('li.card', { has: page.getByRole('link', { name: 'Household test form' }) });
  assert.match(await household.innerText(), /Version 2025\.1/);
  assert.match(await household.innerText(), /Drafts 0 · Finalized 0/);

  const phayao = page.locator('section.province', { has: page.getByRole('heading', { name: 'Phayao' }) });
  assert.equal(await phayao.getByRole('link', { name: 'Phayao home visit' }).count(), 1);
  assert.equal(await national.getByRole('link', { name: 'Phayao home visit' }).count(), 0);

  assert.equal(await scrollsSideways(page), false, 'the home page scrolls sideways at 360 px');
  await screenshot(page, 'home-en-360');
  assert.deepEqual(page.problems, []);
});

test('shows Thai when the browser prefers neither Thai nor English, and remembers a switch', async () => {
  const page = await app.open({ locale: 'fr-FR' });
  assert.equal(await page.locator('html').getAttribute('lang'), 'th');
  await page.getByRole('heading', { level: 1, name: 'แบบฟอร์ม' }).waitFor();
  await page.getByRole('link', { name: 'แบบทดสอบครัวเรือน' }).waitFor();
  await page.getByRole('heading', { name: 'พะเยา' }).waitFor();
  await screenshot(page, 'home-th-360');

  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('link', { name: 'Household test form' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'), 'true');

  await page.reload();
  await page.locator('main[data-ready]').waitFor();
  await page.getByRole('link', { name: 'Household test form' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.deepEqual(page.problems, []);
});

test('the page forbids inline scripts and still starts', async () => {
  const page = await app.open({ locale: 'th-TH' });
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|https?:/);
  assert.equal(await page.locator('script:not([src])').count(), 0, 'an inline script is on the page');
  // An inline script injected now must be refused by the policy.
  const ran = await page.evaluate(async () => {
    window.inlineRan = false;
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true';
    document.body.append(script);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return window.inlineRan;
  });
  assert.equal(ran, false);
  // The font is the bundled Noto Sans Thai, loaded from this site.
  const fonts = await page.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family);
  });
  assert.ok(fonts.some((f) => f.includes('Noto Sans Thai')), `loaded fonts: ${fonts}`);
  assert.deepEqual(page.problems.filter((p) => !p.includes('Content Security Policy')), []);
});
