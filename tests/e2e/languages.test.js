// A province form in a third language: Surin's child record is written in
// Khmer as well as Thai and English. The volunteer switches the form to
// Khmer and back without losing an answer; texts without a Khmer
// translation show in Thai, and the app's own words stay in its language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, screenshot } from './harness.js';

let app;
before(async () => {
  app = await start();
});
after(async () => {
  await app?.close();
});

test('a province form switches to its third language and back without losing answers', async () => {
  const page = await app.open({ locale: 'th-TH' });
  await page.goto(`${app.url}#/form/child-surin`);
  await page.locator('article.form[data-form="child-surin"]').waitFor();
  await page.getByLabel('ชื่อผู้บันทึก').fill('สมศรี ใจดี');
  const choice = page.getByLabel('ภาษาของแบบฟอร์ม');
  assert.deepEqual(
    await choice.locator('option').allInnerTexts(),
    ['ไทย', 'English', 'ខ្មែរ (Khmer)'],
  );

  await choice.selectOption('km');
  // The page title Surin translated is in Khmer; a core question without
  // Khmer text stays in Thai, and so do the app's own buttons.
  await page.getByRole('heading', { name: 'ការសួរសុខទុក្ខតាមផ្ទះលើកនេះ' }).waitFor();
  await page.getByRole('heading', { name: 'កំណត់ត្រាព័ត៌មានកុមារម្នាក់ៗ ខេត្តសុរិន្ទ' }).waitFor();
  assert.equal(await page.getByLabel('ชื่อผู้บันทึก').inputValue(), 'สมศรี ใจดี');
  await page.getByRole('button', { name: 'บันทึกฉบับร่าง' }).waitFor();
  await screenshot(page, 'form-third-language-km-360');

  await choice.selectOption('th');
  await page.getByRole('heading', { name: 'การเยี่ยมบ้านครั้งนี้' }).waitFor();
  assert.equal(await page.getByLabel('ชื่อผู้บันทึก').inputValue(), 'สมศรี ใจดี');

  // English through the form's choice switches the app too.
  await choice.selectOption('en');
  await page.getByRole('button', { name: 'Save draft' }).waitFor();
  assert.equal(await page.getByLabel('Name of the person recording').inputValue(), 'สมศรี ใจดี');
  assert.deepEqual(page.problems, []);
});

test('a form in Thai and English only offers no form-language choice', async () => {
  const page = await app.open({ locale: 'en-US' });
  await page.goto(`${app.url}#/form/child-core`);
  await page.locator('article.form[data-form="child-core"]').waitFor();
  assert.equal(await page.getByLabel('Language of the form').count(), 0);
});
