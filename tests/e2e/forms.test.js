// Every form bundled from forms/ opens without a problem: it compiles, its
// pages can be walked with Next to the finalize step, and the browser logs
// no error on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { start, root } from './harness.js';

let app;
before(async () => {
  app = await start();
});
after(async () => {
  await app?.close();
});

/// Every YAML file under forms/; each must appear on the home page as a
/// form (variants included).
function formFiles() {
  const ids = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) ids.push(path);
    }
  };
  walk(join(root, 'forms'));
  return ids;
}

test('every bundled form opens and can be walked to the finalize step', async () => {
  const files = formFiles();
  assert.ok(files.length > 0, 'forms/ holds no form');
  const page = await app.open({ locale: 'en-US' });
  const cards = page.locator('li.card[data-form]');
  // The home page shows its cards once the stored counts have been read.
  await cards.first().waitFor();
  const ids = await cards.evaluateAll((items) => items.map((item) => item.dataset.form));
  const tested = ids.filter((id) => !id.startsWith('e2e-'));
  assert.equal(tested.length, files.length, `forms on the home page: ${tested}; files: ${files}`);
  assert.equal(await page.locator('section.broken').count(), 0, 'a form file did not load');

  // A follow-up form cannot be walked on a phone that follows no child: its
  // first page asks for one of the phone's cases. It must still open
  // cleanly; cases.test.js walks a follow-up with a case on the phone.
  // A province's follow-up form inherits its picker from the form it
  // extends, so a file is a follow-up when it names a picker or extends one.
  const yaml = new Map(files.map((path) => [path, readFileSync(path, 'utf8')]));
  const picks = (path) => {
    const text = yaml.get(path) ?? '';
    const base = text.match(/^extends:\s*(\S+)/m)?.[1];
    return /^\s+pick:\s*\S/m.test(text) || (base !== undefined && picks(join(dirname(path), base)));
  };
  const followUps = new Set(files.filter(picks).map((path) => yaml.get(path).match(/^\s+id:\s*(\S+)/m)?.[1]));
  for (const id of tested) {
    await page.goto(`${app.url}#/form/${encodeURIComponent(id)}`);
    await page.locator(`article.form[data-form="${id}"]`).waitFor();
    assert.equal(await page.locator('.diagnostics').count(), 0, `${id} has problems`);
    if (followUps.has(id)) {
      assert.ok((await page.locator('[data-field]:visible').count()) > 0, `${id}: the first page is empty`);
      continue;
    }
    // The consent on the first page opens the rest of a child record.
    const consent = page.locator('[data-field="consent"] input[value="yes"]');
    if ((await consent.count()) > 0) await consent.check();
    for (let pages = 1; ; pages++) {
      assert.ok((await page.locator('[data-field]:visible').count()) > 0, `${id}: page ${pages} is empty`);
      const next = page.getByRole('button', { name: 'Next' });
      if ((await next.count()) === 0) break;
      await next.click();
      // Next stays on a page with unanswered questions; the walk goes on
      // anyway, as a volunteer may.
      const goOn = page.getByRole('button', { name: 'Go on anyway and come back later' });
      if (await page.locator('#page-problems').isVisible()) await goOn.click();
      assert.ok(pages < 100, `${id}: Next never ends`);
    }
    await page.getByRole('button', { name: 'Finalize' }).click();
    await page.locator('#problems, .done').first().waitFor();
  }
  assert.deepEqual(page.problems, []);
});
