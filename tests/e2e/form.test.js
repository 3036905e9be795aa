// Filling a form in the browser: relevance, calculations, constraint
// messages tied to their question, repeats, cascading choices, the language
// switch, the Buddhist-era date, labels that contain HTML, the keyboard, and
// the way to a finalized response.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, field, screenshot, scrollsSideways } from './harness.js';

let app;
before(async () => {
  app = await start();
});
after(async () => {
  await app?.close();
});

/// Opens the household test form in English from the home page.
async function openHousehold(locale = 'en-US') {
  const page = await app.open({ locale });
  const title = locale.startsWith('en') ? 'Household test form' : 'แบบทดสอบครัวเรือน';
  await page.getByRole('link', { name: title }).click();
  await page.locator('article.form').waitFor();
  return page;
}

/// Presses Next and, when the page stays because of unanswered questions,
/// goes on anyway, as a volunteer may.
async function next(page) {
  await page.getByRole('button', { name: 'Next' }).click();
  if (await page.locator('#page-problems').isVisible()) {
    await page.getByRole('button', { name: 'Go on anyway and come back later' }).click();
  }
}

test('relevance and calculations follow the answers live', async () => {
  const page = await openHousehold();
  await page.getByRole('heading', { name: 'About the respondent' }).waitFor();
  assert.equal(await field(page, 'school').isVisible(), false, 'school shows before the age is known');

  await page.getByLabel('Age (years)').fill('10');
  await field(page, 'school').waitFor({ state: 'visible' });
  assert.equal(await page.getByLabel('Age (months)').inputValue(), '120');
  assert.equal(await page.getByLabel('Age (months)').getAttribute('readonly'), '');

  await page.getByLabel('Age (years)').fill('30');
  await field(page, 'school').waitFor({ state: 'hidden' });
  assert.equal(await page.getByLabel('Age (months)').inputValue(), '360');

  await page.getByLabel('Age (years)').fill('7');
  await field(page, 'school').waitFor({ state: 'visible' });
  await screenshot(page, 'form-page-en-360');
  assert.equal(await scrollsSideways(page), false, 'the form page scrolls sideways at 360 px');
  assert.deepEqual(page.problems, []);
});

test('a broken constraint shows the form message beside the question and is announced', async () => {
  const page = await openHousehold();
  const age = page.getByLabel('Age (years)');
  const error = field(page, 'age').locator('.error');
  assert.equal(await error.innerText(), '');

  await age.fill('200');
  await error.getByText('Age must be between 0 and 120').waitFor();
  assert.equal(await age.getAttribute('aria-invalid'), 'true');
  const describedBy = (await age.getAttribute('aria-describedby')).split(' ');
  assert.ok(describedBy.includes(await error.getAttribute('id')), 'the error is not tied to the input');
  assert.equal(await error.getAttribute('aria-live'), 'polite');

  // A required question shows its message once it was visited and left.
  await page.getByLabel('Respondent name').focus();
  await page.getByLabel('Respondent name').blur();
  await field(page, 'respondent').locator('.error').filter({ hasText: /./ }).waitFor();

  await age.fill('45');
  await error.getByText('Age must be between 0 and 120').waitFor({ state: 'detached' });
  assert.equal(await age.getAttribute('aria-invalid'), null);
  await screenshot(page, 'form-errors-en-360');
});

test('dates show in the Buddhist era while the value stays ISO', async () => {
  const page = await openHousehold('th-TH');
  const date = page.getByLabel('วันที่เยี่ยมบ้าน');
  await date.fill('2025-03-05');
  const shown = field(page, 'visit_date').locator('.be-date');
  await shown.getByText('5 มีนาคม พ.ศ. 2568').waitFor();
  assert.equal(await date.inputValue(), '2025-03-05');
  assert.ok((await date.getAttribute('aria-describedby')).includes(await shown.getAttribute('id')));

  await page.getByRole('button', { name: 'English' }).click();
  await shown.getByText('5 March 2025 (B.E. 2568)').waitFor();
  assert.equal(await page.getByLabel('Date of the visit').inputValue(), '2025-03-05');
});

test('a label with HTML in it is shown as text', async () => {
  const page = await openHousehold();
  const label = field(page, 'html_label').locator('label');
  const text = await label.innerText();
  assert.ok(text.includes('<script>window.yimInjected = 1</script>'), `label text: ${text}`);
  assert.ok(text.includes('<img src=x onerror="window.yimInjected = 2">'), `label text: ${text}`);
  assert.equal(await field(page, 'html_label').locator('script, img, b').count(), 0);
  assert.equal(await page.evaluate(() => window.yimInjected), undefined);
  // The input is still tied to the label, whatever the label says.
  await page.getByLabel('<b>not bold</b>', { exact: false }).fill('plain');
});

test('repeat entries are added, counted and removed after a confirmation', async () => {
  const page = await openHousehold();
  await next(page);
  await page.getByRole('heading', { name: 'Household member', exact: true }).waitFor();
  const count = field(page, 'members').locator('.repeat-count');
  assert.equal(await count.innerText(), 'Entries: 0');

  const add = page.getByRole('button', { name: 'Add Household member' });
  await add.click();
  await add.click();
  await add.click();
  await count.getByText('Entries: 3').waitFor();
  // The keyboard goes to the new entry's first question.
  assert.equal(await page.evaluate(() => document.activeElement.closest('[data-field]')?.dataset.field), 'members[3]/member_name');

  await field(page, 'members[1]/member_name').locator('input').fill('Anong');
  await field(page, 'members[2]/member_name').locator('input').fill('Boon');
  await field(page, 'members[3]/member_name').locator('input').fill('Chai');
  await field(page, 'members[2]/member_sex').getByLabel('Female').check();

  // Removing asks first; cancelling keeps the entry.
  const second = page.locator('[data-instance="members[2]"]');
  await second.getByRole('button', { name: 'Remove' }).click();
  await second.getByText('Remove this entry and all its answers?').waitFor();
  await second.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await count.innerText(), 'Entries: 3');

  await second.getByRole('button', { name: 'Remove' }).click();
  await second.locator('.confirm').getByRole('button', { name: 'Remove' }).click();
  await count.getByText('Entries: 2').waitFor();
  assert.equal(await field(page, 'members[1]/member_name').locator('input').inputValue(), 'Anong');
  assert.equal(await field(page, 'members[2]/member_name').locator('input').inputValue(), 'Chai');
  assert.equal(await field(page, 'members[2]/member_sex').getByLabel('Female').isChecked(), false);
  assert.equal(await page.locator('[data-instance="members[3]"]').count(), 0);
  await screenshot(page, 'form-repeat-en-360');
  assert.deepEqual(page.problems, []);
});

test('repeat_count sets the number of entries, with no add or remove', async () => {
  const page = await openHousehold();
  await next(page);
  await next(page);
  await page.getByRole('heading', { name: 'Follow-up visits' }).waitFor();
  const count = field(page, 'planned').locator('.repeat-count');
  assert.equal(await count.innerText(), 'Entries: 0');
  await page.getByLabel('Number of visits planned').fill('3');
  await count.getByText('Entries: 3').waitFor();
  await field(page, 'planned[2]/planned_date').locator('input[type=date]').fill('2025-06-01');
  await page.getByLabel('Number of visits planned').fill('2');
  await count.getByText('Entries: 2').waitFor();
  assert.equal(await field(page, 'planned[2]/planned_date').locator('input[type=date]').inputValue(), '2025-06-01');
  assert.equal(await field(page, 'planned').getByRole('button', { name: /Add|Remove/ }).count(), 0);
});

test('cascading choices offer only the districts of the chosen province', async () => {
  const page = await openHousehold();
  await next(page);
  await next(page);
  await next(page);
  await page.getByRole('heading', { name: 'Address' }).waitFor();
  const districts = field(page, 'district').locator('label.choice');
  assert.equal(await districts.count(), 0);

  await field(page, 'province').getByLabel('Phayao').check();
  await districts.first().waitFor();
  assert.deepEqual(await districts.allInnerTexts(), ['Mueang Phayao', 'Chun']);

  await field(page, 'province').getByLabel('Lampang').check();
  await field(page, 'district').getByLabel('Mae Mo').check();
  assert.deepEqual(await districts.allInnerTexts(), ['Mueang Lampang', 'Mae Mo']);

  await field(page, 'needs').getByLabel('Food').check();
  await field(page, 'needs').getByLabel('Health care').check();
  await field(page, 'needs').getByLabel('Food').uncheck();
  assert.equal(await field(page, 'needs').getByLabel('Health care').isChecked(), true);
  assert.equal(await field(page, 'needs').getByLabel('Food').isChecked(), false);
});

test('switching the language mid-form keeps every answer', async () => {
  const page = await openHousehold();
  await page.getByLabel('Respondent name').fill('Somchai');
  await page.getByLabel('Age (years)').fill('12');
  await page.getByLabel('School name').fill('Ban Tham School');
  await next(page);
  await page.getByRole('button', { name: 'Add Household member' }).click();
  await field(page, 'members[1]/member_name').locator('input').fill('Anong');
  await field(page, 'members[1]/member_sex').getByLabel('Male', { exact: true }).check();

  await page.getByRole('button', { name: 'ไทย' }).click();
  await page.getByRole('heading', { name: 'สมาชิกในครัวเรือน', exact: true }).waitFor();
  await page.getByRole('button', { name: 'เพิ่มสมาชิกในครัวเรือน' }).waitFor();
  assert.equal(await field(page, 'members[1]/member_name').locator('input').inputValue(), 'Anong');
  assert.equal(await field(page, 'members[1]/member_sex').getByLabel('ชาย').isChecked(), true);
  assert.equal(await field(page, 'members').locator('.repeat-count').innerText(), 'จำนวนรายการ: 1');

  await page.getByRole('button', { name: 'ย้อนกลับ' }).click();
  assert.equal(await page.getByLabel('ชื่อผู้ตอบ').inputValue(), 'Somchai');
  assert.equal(await page.getByLabel('อายุ (ปี)').inputValue(), '12');
  assert.equal(await page.getByLabel('ชื่อโรงเรียน').inputValue(), 'Ban Tham School');
  assert.equal(await page.getByLabel('อายุ (เดือน)').inputValue(), '144');
  await screenshot(page, 'form-page-th-360');

  await page.getByRole('button', { name: 'English' }).click();
  assert.equal(await page.getByLabel('School name').inputValue(), 'Ban Tham School');
  assert.deepEqual(page.problems, []);
});

test('the whole form can be filled with the keyboard alone', async () => {
  const page = await openHousehold();
  await page.getByLabel('Respondent name').focus();
  await page.keyboard.type('Malee');
  await page.keyboard.press('Tab');
  await page.keyboard.type('9');
  assert.equal(await page.getByLabel('Age (years)').inputValue(), '9');
  await field(page, 'school').waitFor({ state: 'visible' });
  // Age (months) is read-only but still reachable; the school follows it.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q-school');

  // Next is a real button: Enter on it turns the page, and the new page's
  // heading takes the focus.
  await page.getByRole('button', { name: 'Next' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Household member', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Add Household member' }).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.type('Dao');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  assert.equal(await field(page, 'members[1]/member_sex').getByLabel('Male', { exact: true }).isChecked(), true);
  await page.keyboard.press('ArrowDown');
  assert.equal(await field(page, 'members[1]/member_sex').getByLabel('Female').isChecked(), true);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q-members-1--member_sex-f');
});

test('finalizing lists the problems, links to each, and then finalizes', async () => {
  const page = await openHousehold();
  await next(page);
  await next(page);
  await next(page);
  await page.getByRole('button', { name: 'Finalize' }).click();

  const problems = page.locator('#problems');
  await problems.waitFor();
  const items = await problems.getByRole('listitem').allInnerTexts();
  assert.equal(items.length, 2, `problems: ${items}`);
  assert.match(items[0], /^Respondent name: /);
  assert.match(items[1], /^The respondent agrees to the record: /);
  // Every error on the current page shows now, untouched or not.
  await field(page, 'consent').locator('.error').filter({ hasText: /./ }).waitFor();

  await problems.getByRole('link', { name: /^Respondent name/ }).click();
  await page.getByRole('heading', { name: 'About the respondent' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'q-respondent');
  await page.keyboard.type('Somchai');
  await field(page, 'respondent').locator('.error').filter({ hasText: /./ }).waitFor({ state: 'detached' });
  // On another page than the one it was asked for on, the list is folded
  // into one line; it follows the answers: the fixed question leaves it.
  const folded = page.locator('.problems-folded button');
  await folded.getByText('Questions that still need attention: 1. Show the list').waitFor();
  await folded.click();
  await problems.waitFor();
  assert.equal(await problems.getByRole('listitem').count(), 1);
  // And it follows the language.
  await page.getByRole('button', { name: 'ไทย' }).click();
  await problems.getByRole('link', { name: /^ผู้ตอบยินยอมให้บันทึกข้อมูล/ }).waitFor();
  await page.getByRole('button', { name: 'English' }).click();

  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('status').getByText('Draft kept').waitFor();

  await next(page);
  await next(page);
  await next(page);
  await page.getByLabel('The respondent agrees to the record').check();
  await page.getByRole('button', { name: 'Finalize' }).click();
  await page.getByRole('heading', { name: 'This record is finalized' }).waitFor();

  await page.getByRole('link', { name: 'All forms' }).click();
  const card = page.locator('li.card', { has: page.getByRole('link', { name: 'Household test form' }) });
  await card.getByText('Drafts 0 · Finalized 1').waitFor();
  assert.deepEqual(page.problems, []);
});

test('a saved draft reopens with its answers', async () => {
  const page = await openHousehold();
  await page.getByLabel('Respondent name').fill('Wichai');
  await page.getByLabel('Age (years)').fill('15');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('link', { name: 'Yim' }).click();
  const card = page.locator('li.card', { has: page.getByRole('link', { name: 'Household test form' }) });
  await card.getByText('Drafts 1 · Finalized 0').waitFor();

  // The form's title starts a new response; the draft is listed under it,
  // named by its first text answer.
  await card.locator('li.draft').getByRole('link', { name: /Wichai/ }).click();
  await page.locator('article.form').waitFor();
  assert.equal(await page.getByLabel('Respondent name').inputValue(), 'Wichai');
  assert.equal(await page.getByLabel('Age (years)').inputValue(), '15');
  await field(page, 'school').waitFor({ state: 'visible' });
});
