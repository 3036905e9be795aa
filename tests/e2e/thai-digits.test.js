// A form that asks for Thai digits (Kalasin's, `settings.thai_digits: yes`)
// shows its numbers with them: labels, notes, the Buddhist-era date line,
// calculated values and numbers typed in. Volunteers still type either kind,
// and the stored answers keep ASCII digits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, field, screenshot, scrollsSideways, storedAnswers, findAnswer } from './harness.js';

let app;
before(async () => {
  app = await start();
});
after(async () => {
  await app?.close();
});

const THAI = '๐๑๒๓๔๕๖๗๘๙';
const thai = (text) => String(text).replace(/[0-9]/g, (d) => THAI[Number(d)]);

/// Full years between 5 March 2017 and today, as the form calculates them.
function ageToday() {
  const now = new Date();
  const beforeBirthday = now.getMonth() + 1 < 3 || (now.getMonth() + 1 === 3 && now.getDate() < 5);
  return now.getFullYear() - 2017 - (beforeBirthday ? 1 : 0);
}

test('a form with thai_digits shows Thai digits and stores ASCII', async () => {
  const page = await app.open({ locale: 'th-TH' });
  await page.goto(`${app.url}#/form/child-kalasin`);
  await page.locator('article.form[data-form="child-kalasin"]').waitFor();

  // A note's number: the hotline, shown when consent is refused.
  await field(page, 'consent').getByLabel('ไม่ใช่', { exact: true }).check();
  await field(page, 'no_consent_note').getByText('สายด่วน ๑๓๐๐').waitFor();
  assert.equal(await field(page, 'no_consent_note').getByText('1300').count(), 0);

  await field(page, 'recorder_name').locator('input').fill('สมศรี ใจดี');
  await field(page, 'recorder_role').locator('input').first().check();
  await field(page, 'consent').getByLabel('ใช่', { exact: true }).check();
  await page.getByRole('button', { name: 'ถัดไป', exact: true }).click();
  await field(page, 'child_first_name').waitFor();

  // A label's number, reached by the label as the screen shows it.
  await page.getByText('เด็กมีเลขประจำตัว ๑๓ หลักหรือไม่').waitFor();
  await field(page, 'child_first_name').locator('input').fill('ด.ญ. ฝน');

  // The date line and the age calculated from it.
  const dob = field(page, 'dob');
  await dob.getByLabel(/หรือพิมพ์วันที่/).fill('5 มีนาคม 2560');
  await dob.getByLabel(/หรือพิมพ์วันที่/).press('Tab');
  await dob.locator('.be-date').getByText('๕ มีนาคม พ.ศ. ๒๕๖๐').waitFor();
  // The browser's date box keeps the ISO date it needs.
  assert.equal(await dob.locator('input[type=date]').inputValue(), '2017-03-05');
  const age = page.getByLabel('อายุ (ปีเต็ม คำนวณจากวันเกิด)');
  await page.waitForFunction(
    ([expected]) => document.querySelector('[data-field="age_years"] input')?.value === expected,
    [thai(ageToday())],
  );
  assert.equal(await age.inputValue(), thai(ageToday()));
  await screenshot(page, 'thai-digits-child-th-360');

  // Go on to the family page; the pages between keep their unanswered
  // questions for later.
  const caregiverAge = page.getByLabel('อายุของผู้ดูแลหลัก (ปี)');
  for (let i = 0; i < 10 && !(await caregiverAge.isVisible()); i++) {
    await page.getByRole('button', { name: 'ถัดไป', exact: true }).click();
    if (await page.locator('#page-problems').isVisible()) {
      await page.getByRole('button', { name: 'ไปหน้าถัดไปก่อน แล้วค่อยกลับมาตอบ' }).click();
    }
  }
  // A number typed with ASCII digits is shown back in Thai digits once the
  // volunteer leaves the box, and one typed in Thai digits stays so.
  await caregiverAge.fill('45');
  await caregiverAge.press('Tab');
  assert.equal(await caregiverAge.inputValue(), '๔๕');
  // The range check's message repeats the form's numbers in its digits.
  await caregiverAge.fill('๑๒๐');
  await caregiverAge.press('Tab');
  await field(page, 'caregiver_age').locator('.error').getByText(/๑๐/).waitFor();
  await caregiverAge.fill('๔๗');
  await caregiverAge.press('Tab');
  assert.equal(await field(page, 'caregiver_age').locator('.error').innerText(), '');
  await screenshot(page, 'thai-digits-family-th-360');
  assert.equal(await scrollsSideways(page), false);

  // Autosave writes half a second after the last change.
  let draft = null;
  for (let i = 0; i < 20 && findAnswer(draft, 'caregiver_age') !== 47; i++) {
    await page.waitForTimeout(250);
    draft = await storedAnswers(page, 'child-kalasin');
  }
  // Numbers are stored as JSON numbers, dates as ISO text (a draft keeps
  // what was typed; calculated values are made again when it opens).
  assert.equal(findAnswer(draft, 'caregiver_age'), 47);
  assert.equal(findAnswer(draft, 'dob'), '2017-03-05');
  assert.doesNotMatch(JSON.stringify(draft), /[๐-๙]/);
  assert.deepEqual(page.problems, []);
});

test('a form without thai_digits keeps ASCII digits', async () => {
  const page = await app.open({ locale: 'th-TH' });
  await page.goto(`${app.url}#/form/child-core`);
  await page.locator('article.form[data-form="child-core"]').waitFor();
  await field(page, 'consent').getByLabel('ไม่ใช่', { exact: true }).check();
  await field(page, 'no_consent_note').getByText('สายด่วน 1300').waitFor();
  assert.deepEqual(page.problems, []);
});
