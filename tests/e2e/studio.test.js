// The form studio: an author pastes a form with a mistake, sees the problem
// with its line and column, jumps to it, fixes it, and fills the rendered
// form; the download keeps the text exactly as typed; a file dropped on the
// editor opens; a bundled form is a starting point. All under the page's
// strict Content-Security-Policy, at phone size.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { start, screenshot, scrollsSideways } from './harness.js';

let app;
before(async () => {
  app = await start();
});
after(async () => {
  await app?.close();
});

// `lable` on line 10 is the deliberate mistake; the comment and the blank
// line are there to show that the download keeps them.
const BROKEN = `# A form for trying the studio.
form:
  id: studio-test
  version: "1"
  title: {th: แบบทดสอบสตูดิโอ, en: Studio test}
  languages: [th, en]

questions:
  - name: pet
    lable: {th: ชื่อสัตว์เลี้ยง, en: Pet's name}
    type: text
  - name: legs
    type: integer
    label: {th: จำนวนขา, en: Number of legs}
    constraint: ". <= 8"
`;
const FIXED = BROKEN.replace('lable:', 'label:');

/// Opens the studio from the home page's link, with a fresh editor.
async function openStudio() {
  const page = await app.open({ locale: 'en-US' });
  await page.getByRole('link', { name: 'Form studio' }).click();
  await page.getByRole('heading', { level: 1, name: 'Form studio' }).waitFor();
  return page;
}

/// Replaces the editor's text as a paste would.
async function paste(page, text) {
  const editor = page.getByLabel("The form's YAML text");
  await editor.fill(text);
  return editor;
}

test('a pasted form with a mistake shows the problem, jumps to it, and renders once fixed', async () => {
  const page = await openStudio();

  // Text that is not valid YAML gives no form at all, only its problem.
  let editor = await paste(page, FIXED.replace('    type: text', '\ttype: text'));
  await page.locator('.studio-problem', { hasText: '11:1 a tab character is used for indentation' }).waitFor();
  await page.getByText('No preview yet: fix the problems above first').waitFor();

  editor = await paste(page, BROKEN);

  const problem = page.locator('.studio-problem', { hasText: 'lable' });
  await problem.waitFor();
  assert.match(await problem.innerText(), /^10:5 unknown question property `lable`; did you mean `label`\?/);
  assert.ok((await page.locator('.studio-lines span.bad').allInnerTexts()).includes('10'), 'line 10 is not marked');

  await problem.click();
  const caret = await editor.evaluate((area) => [area.selectionStart, document.activeElement === area]);
  assert.deepEqual(caret, [FIXED.split('\n').slice(0, 9).join('\n').length + 1 + 4, true]);
  await screenshot(page, 'studio-problem-en-360');

  await paste(page, FIXED);
  await page.getByText('No problems found').waitFor();
  const preview = page.locator('.studio-preview');
  await preview.getByRole('heading', { name: 'Studio test' }).waitFor();
  await preview.getByLabel("Pet's name").fill('Mali');
  await preview.getByLabel('Number of legs').fill('12');
  await preview.locator('[data-field="legs"] .error').getByText(/./).waitFor();
  await preview.getByLabel('Number of legs').fill('4');
  assert.equal(await preview.getByLabel("Pet's name").inputValue(), 'Mali');
  assert.equal(await page.locator('.studio-lines span').count(), FIXED.split('\n').length);

  // Saving a draft of the studio's form keeps the form's source on the
  // device, so that the response can be reopened with exactly this form.
  await preview.getByRole('button', { name: 'Save draft' }).click();
  const kept = await page.waitForFunction(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open('yim');
        open.onsuccess = () => {
          const get = open.result.transaction('forms').objectStore('forms').getAll();
          get.onsuccess = () => {
            const form = get.result.find((f) => f.form_id === 'studio-test');
            open.result.close();
            resolve(form ? form.yaml : null);
          };
        };
      }),
  );
  assert.match(await kept.jsonValue(), /name: pet\n/);
  await screenshot(page, 'studio-preview-en-360');
  assert.equal(await scrollsSideways(page), false, 'the studio scrolls sideways at 360 px');
  assert.deepEqual(page.problems, []);
});

test('the download is the text as typed, and the text is still there after a reload', async () => {
  const page = await openStudio();
  await paste(page, FIXED);
  await page.locator('.studio-preview').getByRole('heading', { name: 'Studio test' }).waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download YAML' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'form.yaml');
  assert.equal(await readFile(await download.path(), 'utf8'), FIXED);

  await page.reload();
  await page.locator('main[data-ready]').waitFor();
  assert.equal(await page.getByLabel("The form's YAML text").inputValue(), FIXED);

  // Leaving the studio keeps the text too, and closes it without an error.
  await page.getByRole('link', { name: 'Yim' }).click();
  await page.getByRole('heading', { level: 1, name: 'Forms' }).waitFor();
  assert.deepEqual(page.problems, []);
});

test('a file dropped on the editor or picked opens, and a bundled form is a starting point', async () => {
  const page = await openStudio();
  page.on('dialog', (dialog) => dialog.accept());
  const dropped = FIXED.replace('studio-test', 'dropped-form').replace('Studio test', 'Dropped form');
  const transfer = await page.evaluateHandle((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'pets.yaml', { type: 'application/yaml' }));
    return data;
  }, dropped);
  await page.locator('.studio-editor').dispatchEvent('drop', { dataTransfer: transfer });
  await page.locator('.studio-file').getByText('studio/pets.yaml').waitFor();
  await page.locator('.studio-preview').getByRole('heading', { name: 'Dropped form' }).waitFor();

  const picked = FIXED.replace('studio-test', 'picked-form').replace('Studio test', 'Picked form');
  await page
    .locator('.studio-open input[type=file]')
    .setInputFiles({ name: 'picked.yml', mimeType: 'application/yaml', buffer: Buffer.from(picked) });
  await page.locator('.studio-file').getByText('studio/picked.yml').waitFor();
  await page.locator('.studio-preview').getByRole('heading', { name: 'Picked form' }).waitFor();

  await page.getByLabel('Start from').selectOption('household.yaml');
  await page.locator('.studio-preview').getByRole('heading', { name: 'Household test form' }).waitFor();
  assert.match(await page.getByLabel("The form's YAML text").inputValue(), /^form:|\nform:/);
  assert.deepEqual(page.problems, []);
});
