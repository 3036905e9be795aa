// Dates and digits as Thai people write them: a date typed as
// `5 มีนาคม 2568` (Buddhist era, Thai month name) and a national ID typed in
// Thai digits are read by the engine, shown back as understood, and stored
// as an ISO date and ASCII digits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, field, screenshot, storedAnswers, findAnswer } from './harness.js';

let app;
before(async () => {
  app = await start();
});
after(async () => {
  await app?.close();
});

test('a date typed in Thai and an ID in Thai digits are stored as ISO and ASCII', async () => {
  const page = await app.open({ locale: 'th-TH' });
  await page.goto(`${app.url}#/form/child-core`);
  await page.locator('article.form[data-form="child-core"]').waitFor();
  await field(page, 'recorder_name').locator('input').fill('สมศรี ใจดี');
  await field(page, 'recorder_role').locator('input').first().check();
  await field(page, 'consent').getByLabel('ใช่', { exact: true }).check();
  await page.getByRole('button', { name: 'ถัดไป', exact: true }).click();
  await field(page, 'child_first_name').waitFor();

  const dob = field(page, 'dob');
  await dob.getByLabel(/หรือพิมพ์วันที่/).fill('5 มีนาคม 2568');
  await dob.getByLabel(/หรือพิมพ์วันที่/).press('Tab');
  // The picker and the line under it show what was understood.
  await dob.locator('.be-date').getByText('5 มีนาคม พ.ศ. 2568').waitFor();
  assert.equal(await dob.locator('input[type=date]').inputValue(), '2025-03-05');

  await field(page, 'id_status').locator('input').first().check();
  await field(page, 'national_id').locator('input').fill('๑๑๐๑๗๐๐๒๐๓๔๕๐');
  await field(page, 'national_id').locator('input').press('Tab');
  assert.equal(await field(page, 'national_id').locator('.error').innerText(), '');
  await screenshot(page, 'thai-date-and-digits-th-360');

  // Autosave writes half a second after the last change.
  let draft = null;
  for (let i = 0; i < 20 && findAnswer(draft, 'national_id') === undefined; i++) {
    await page.waitForTimeout(250);
    draft = await storedAnswers(page, 'child-core');
  }
  assert.equal(findAnswer(draft, 'dob'), '2025-03-05');
  assert.equal(findAnswer(draft, 'national_id'), '1101700203450');
  assert.deepEqual(page.problems, []);
});
