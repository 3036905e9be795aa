// The volunteer's first day: the national form filled in Thai at
// 360 × 740, as a new volunteer would, one test for each thing that tripped one up.
// Screenshots go to tests/e2e/out/first-day-*.png for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { start, field, screenshot, out } from './harness.js';

let app;
before(async () => {
  app = await start();
});
after(async () => {
  await app?.close();
});

const CORE = 'child-core';
const heading = (page) => page.locator('#page-heading');
const nextButton = (page) => page.getByRole('button', { name: 'ถัดไป', exact: true });
const finalizeButton = (page) => page.getByRole('button', { name: 'บันทึกฉบับสมบูรณ์', exact: true });
const goOn = (page) => page.getByRole('button', { name: 'ไปหน้าถัดไปก่อน แล้วค่อยกลับมาตอบ' });

/// A phone in Thai with the national form open on its first page.
async function openCore({ locale = 'th-TH' } = {}) {
  const page = await app.open({ locale });
  if (locale !== 'th-TH') await page.getByRole('button', { name: 'ไทย' }).click();
  await page.goto(`${app.url}#/form/${CORE}`);
  await page.locator(`article.form[data-form="${CORE}"]`).waitFor();
  return page;
}

/// Picks the radio button or checkbox labelled `label` in the question.
async function choose(page, path, label) {
  await field(page, path).getByLabel(label, { exact: true }).check();
}

/// The visit page answered: recorder, role and consent.
async function answerVisit(page, { consent = 'ใช่' } = {}) {
  await field(page, 'recorder_name').locator('input').fill('สมศรี ใจดี');
  await field(page, 'recorder_role').locator('input').first().check();
  await choose(page, 'consent', consent);
}

/// Presses Next until the page titled `title` shows, going on anyway past
/// pages with missing answers.
async function walkTo(page, title) {
  for (let i = 0; i < 20; i++) {
    if ((await heading(page).innerText()) === title) return;
    await nextButton(page).click();
    const stayed = page.locator('#page-problems');
    if (await stayed.isVisible()) await goOn(page).click();
  }
  assert.fail(`never reached the page ${title}`);
}

/// A picture of what the phone shows right now (not the whole page).
async function viewport(page, name) {
  await mkdir(out, { recursive: true });
  await page.screenshot({ path: join(out, `${name}.png`) });
}

/// The bottom of the sticky header, in viewport pixels.
const headerBottom = (page) =>
  page.evaluate(() => document.querySelector('header.bar').getBoundingClientRect().bottom);

test('point 1: Finalize is named for what it does and says where the record is now', async () => {
  // A form without the data office's key: the record stays on the phone.
  const page = await openCore();
  await answerVisit(page, { consent: 'ไม่ใช่' });
  const button = finalizeButton(page);
  await button.waitFor();
  assert.doesNotMatch(await page.locator('nav.nav').innerText(), /ส่ง/);
  await button.click();
  const done = page.locator('section.done');
  await done.waitFor();
  const sealed = (await done.getAttribute('data-sealed')) === 'true';
  const text = await done.innerText();
  assert.match(text, /บันทึกฉบับสมบูรณ์แล้ว/);
  if (sealed) {
    assert.match(text, /มีเพียงสำนักงานข้อมูลที่เปิดอ่านได้/);
    assert.match(text, /ผู้ประสานงานจะส่งออก/);
  } else {
    assert.match(text, /ยังไม่ได้เข้ารหัส/);
    assert.match(text, /เก็บไว้ในเครื่องนี้ก่อน จนกว่าแบบฟอร์มจะมีกุญแจ/);
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'done-heading');
  await screenshot(page, `first-day-1-finalized-${sealed ? 'sealed' : 'not-sealed'}`);

  // A form with the key: sealed for the data office, exported next.
  await page.goto(`${app.url}#/form/e2e-sealed-visit`);
  await page.locator('article.form[data-form="e2e-sealed-visit"]').waitFor();
  await page.getByLabel('ชื่อเด็ก').fill('ดาว');
  await nextButton(page).click();
  await finalizeButton(page).click();
  await done.waitFor();
  assert.equal(await done.getAttribute('data-sealed'), 'true');
  assert.match(await done.innerText(), /เข้ารหัสไว้สำหรับสำนักงานข้อมูลแล้ว มีเพียงสำนักงานข้อมูลที่เปิดอ่านได้/);
  assert.match(await done.innerText(), /ขั้นต่อไป ผู้ประสานงานจะส่งออกข้อมูล/);
  await screenshot(page, 'first-day-1-finalized-sealed');
  await page.getByRole('button', { name: 'English' }).click();
  assert.match(await done.innerText(), /sealed for the data office: only the data office can read it/);
  assert.deepEqual(page.problems, []);
});

test('point 2: drafts are named after the child, also when deleting one', async () => {
  const page = await openCore();
  for (const [first, nick] of [['ดาว', 'นก'], ['เดือน', 'แก้ว']]) {
    await page.goto(`${app.url}#/form/${CORE}`);
    await page.locator(`article.form[data-form="${CORE}"]`).waitFor();
    await answerVisit(page);
    await nextButton(page).click();
    await heading(page).getByText('ข้อมูลเด็ก').waitFor();
    await field(page, 'child_first_name').locator('input').fill(first);
    await field(page, 'child_last_name').locator('input').fill('ใจงาม');
    await field(page, 'nickname').locator('input').fill(nick);
    // The autosave writes half a second after the last change.
    await page.waitForTimeout(800);
    await page.getByText('เก็บฉบับร่างไว้ในเครื่องแล้ว').waitFor();
    await page.locator('a.brand').click();
    await page.locator('main h1').getByText('แบบฟอร์ม').waitFor();
  }
  const names = page.locator(`li.card[data-form="${CORE}"] .draft-name`);
  await names.first().waitFor();
  assert.deepEqual((await names.allInnerTexts()).sort(), ['ดาว ใจงาม (นก)', 'เดือน ใจงาม (แก้ว)']);
  const draft = page.locator(`li.card[data-form="${CORE}"] li.draft`).filter({ hasText: 'ดาว ใจงาม (นก)' });
  await draft.getByRole('button', { name: 'ลบ' }).click();
  const question = draft.getByRole('alertdialog');
  assert.equal(await question.innerText().then((t) => t.split('\n')[0]), 'ลบฉบับร่าง “ดาว ใจงาม (นก)” และคำตอบทั้งหมดหรือไม่');
  await draft.scrollIntoViewIfNeeded();
  await viewport(page, 'first-day-2-delete-named-draft');
  assert.deepEqual(page.problems, []);
});

test('point 3: a new screen starts at the top with focus on its heading', async () => {
  const page = await app.open({ locale: 'th-TH' });
  const surin = page.locator('li.card[data-form="child-surin"] a.card-title');
  await surin.waitFor();
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  assert.ok((await page.evaluate(() => window.scrollY)) > 300, 'the home page is long enough to scroll');
  await surin.click();
  await page.locator('article.form[data-form="child-surin"]').waitFor();
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  assert.match(await page.evaluate(() => document.activeElement.textContent), /สุรินทร์/);
  await viewport(page, 'first-day-3-surin-opens-at-top');

  // Back home, down to the bottom, and into the studio.
  await page.goBack();
  const studio = page.locator('a[href="#/studio"]');
  await studio.waitFor();
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await studio.click();
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  await viewport(page, 'first-day-3-studio-opens-at-top');
  assert.deepEqual(page.problems, []);
});

test('point 4: before consent the button is Next, and problems show only where asked for', async () => {
  const page = await openCore();
  await nextButton(page).waitFor();
  assert.equal(await finalizeButton(page).count(), 0, 'no Finalize before consent');
  await nextButton(page).click();
  const here = page.locator('#page-problems');
  await here.waitFor();
  assert.equal(await page.locator('#problems').count(), 0, 'no list of the whole form');
  assert.equal(await here.locator('li').count(), 3, await here.innerText());
  assert.equal(await goOn(page).count(), 0, 'no later page to go on to before consent');
  await screenshot(page, 'first-day-4-before-consent');

  await answerVisit(page);
  await here.waitFor({ state: 'detached' });
  await nextButton(page).click();
  await heading(page).getByText('ข้อมูลเด็ก').waitFor();
  assert.equal(await page.locator('.field.invalid').count(), 0, 'no errors on a page just reached');
  assert.equal(await page.locator('#problems, #page-problems').count(), 0);

  // To the last page, going on anyway, then Finalize: the whole list.
  await walkTo(page, 'แผนการช่วยเหลือและติดตาม');
  await finalizeButton(page).click();
  const list = page.locator('#problems');
  await list.waitFor();
  assert.ok((await list.locator('li').count()) > 3);
  await screenshot(page, 'first-day-4-finalize-list');
  // A link opens its page; the list folds into one line there.
  await list.getByRole('link', { name: /^เพศ:/ }).click();
  await heading(page).getByText('ข้อมูลเด็ก').waitFor();
  const folded = page.locator('.problems-folded button');
  await folded.waitFor();
  assert.match(await folded.innerText(), /^ยังมีคำถามที่ต้องแก้ไขอีก \d+ ข้อ ดูรายการ$/);
  assert.ok((await page.locator('.field.invalid').count()) > 0, 'errors show on a visited page');
  await screenshot(page, 'first-day-4-folded-list');
  await folded.click();
  await list.waitFor();
  assert.deepEqual(page.problems, []);
});

test('point 5: Next checks the page and stays, with a way to go on anyway', async () => {
  const page = await openCore();
  await answerVisit(page);
  await nextButton(page).click();
  await heading(page).getByText('ข้อมูลเด็ก').waitFor();
  await nextButton(page).click();
  const here = page.locator('#page-problems');
  await here.waitFor();
  assert.equal(await heading(page).innerText(), 'ข้อมูลเด็ก', 'Next stays on the page');
  assert.match(await here.innerText(), /ชื่อ: กรุณาตอบคำถามนี้/);
  assert.ok((await page.locator('.field.invalid').count()) >= 4);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'page-problems');
  await screenshot(page, 'first-day-5-next-stays');

  // A wrong answer must be corrected first: no going on.
  await choose(page, 'id_status', 'มีเลขประจำตัว 13 หลัก');
  await field(page, 'national_id').locator('input').fill('12345');
  await expectNoGoOn(page);
  await field(page, 'national_id').locator('input').fill('');
  await goOn(page).waitFor();
  await goOn(page).click();
  // Past the child page comes the child's own voice.
  await heading(page).getByText('เสียงของเด็ก ความสนใจ และความรู้สึก').waitFor();
  // Finalize still checks everything: the child page's answers are listed.
  await walkTo(page, 'แผนการช่วยเหลือและติดตาม');
  await finalizeButton(page).click();
  await page.locator('#problems').getByRole('link', { name: /^ชื่อ:/ }).waitFor();
  assert.deepEqual(page.problems, []);
});

async function expectNoGoOn(page) {
  await page.locator('#page-problems').getByText('มีคำตอบที่ไม่ถูกต้อง').waitFor();
  assert.equal(await goOn(page).count(), 0);
}

test('point 6: a page whose questions are all hidden is skipped', async () => {
  const page = await openCore();
  await answerVisit(page);
  await nextButton(page).click();
  await heading(page).getByText('ข้อมูลเด็ก').waitFor();
  const progress = page.locator('.progress span');
  const before = await progress.innerText();
  const voice = 'เสียงของเด็ก ความสนใจ และความรู้สึก';
  await nextButton(page).click();
  await goOn(page).click();
  await heading(page).getByText(voice).waitFor();
  await nextButton(page).click();
  await goOn(page).click();
  // No date of birth: the education page has nothing to show.
  await heading(page).getByText('สุขภาพและความพิการ').waitFor();
  for (const back of [voice, 'ข้อมูลเด็ก']) {
    await page.getByRole('button', { name: 'ย้อนกลับ' }).click();
    await heading(page).getByText(back).waitFor();
  }
  await field(page, 'dob').locator('input[type=date]').fill('2019-06-01');
  await page.waitForFunction((b) => document.querySelector('.progress span').textContent !== b, before);
  assert.match(before, /^หน้า 2 จาก 10$/);
  assert.match(await progress.innerText(), /^หน้า 2 จาก 11$/);
  await nextButton(page).click();
  await goOn(page).click();
  await heading(page).getByText(voice).waitFor();
  await nextButton(page).click();
  await goOn(page).click();
  await heading(page).getByText('การศึกษา').waitFor();
  await screenshot(page, 'first-day-6-education-once-dob-known');
  assert.deepEqual(page.problems, []);
});

test('point 7: each wrong national ID says what is wrong', async () => {
  const page = await openCore();
  await answerVisit(page);
  await nextButton(page).click();
  await choose(page, 'id_status', 'มีเลขประจำตัว 13 หลัก');
  const input = field(page, 'national_id').locator('input');
  const error = field(page, 'national_id').locator('.error');
  const cases = [
    ['12345', 'เลขประจำตัวประชาชนต้องมี 13 หลัก แต่กรอกไว้ 5 หลัก'],
    ['110170020345ก', 'เลขประจำตัวประชาชนต้องเป็นตัวเลขเท่านั้น ไม่มีตัวอักษร'],
    ['1101700203451', 'เลขประจำตัวประชาชนนี้ไม่ถูกต้อง หลักสุดท้ายไม่ตรงกับเลขหลักอื่น อาจพิมพ์ผิดบางหลัก โปรดตรวจกับบัตรอีกครั้ง'],
  ];
  for (const [typed, message] of cases) {
    await input.fill(typed);
    await input.blur();
    await error.getByText(message, { exact: true }).waitFor();
  }
  await field(page, 'national_id').evaluate((f) => f.scrollIntoView({ block: 'center' }));
  await viewport(page, 'first-day-7-check-digit');
  await input.fill('1101700203450');
  await error.getByText(/./).waitFor({ state: 'detached' });
  assert.deepEqual(page.problems, []);
});

test('point 8: a wrong phone number is told the rule, not a generic message', async () => {
  const page = await openCore();
  await answerVisit(page);
  await walkTo(page, 'ที่อยู่ปัจจุบัน');
  const input = field(page, 'contact_phone').locator('input');
  await input.fill('081-234-5678');
  await input.blur();
  const error = field(page, 'contact_phone').locator('.error');
  await error.getByText('เบอร์โทรศัพท์ต้องเป็นตัวเลข 9 หรือ 10 หลัก ขึ้นต้นด้วย 0 ไม่มีขีดหรือช่องว่าง เช่น 0812345678').waitFor();
  assert.doesNotMatch(await error.innerText(), /รูปแบบคำตอบไม่ถูกต้อง/);
  await field(page, 'contact_phone').evaluate((f) => f.scrollIntoView({ block: 'center' }));
  await viewport(page, 'first-day-8-phone-message');
  assert.deepEqual(page.problems, []);
});

test('point 9: a problem link leaves room for the header above its question', async () => {
  const page = await openCore();
  await answerVisit(page);
  await walkTo(page, 'แผนการช่วยเหลือและติดตาม');
  await finalizeButton(page).click();
  const list = page.locator('#problems');
  await list.waitFor();
  // The list's heading is below the header, not under it.
  const listTop = await list.locator('h2').evaluate((h) => h.getBoundingClientRect().top);
  assert.ok(listTop >= (await headerBottom(page)), `the heading is at ${listTop}`);
  await viewport(page, 'first-day-9-problem-list');
  // The sex question is far down the child page.
  await list.getByRole('link', { name: /^เพศ:/ }).click();
  await heading(page).getByText('ข้อมูลเด็ก').waitFor();
  await page.waitForFunction(() => document.activeElement?.closest('[data-field="sex"]'));
  const labelTop = await field(page, 'sex').locator('legend').evaluate((l) => l.getBoundingClientRect().top);
  const bottom = await headerBottom(page);
  assert.ok(labelTop >= bottom, `the label is at ${labelTop}, under the header ending at ${bottom}`);
  assert.ok(labelTop < bottom + 60, `the label is at ${labelTop}, far below the header`);
  await viewport(page, 'first-day-9-question-below-header');
  assert.deepEqual(page.problems, []);
});

test('point 10: the export page speaks plainly to the coordinator', async () => {
  const page = await openCore();
  await answerVisit(page, { consent: 'ไม่ใช่' });
  await finalizeButton(page).click();
  await page.locator('section.done').waitFor();
  await page.goto(`${app.url}#/export`);
  const main = page.locator('main');
  await page.getByRole('heading', { name: 'ส่งออกข้อมูล' }).waitFor();
  await page.locator('li.card').first().waitFor();
  for (const lang of ['ไทย', 'English']) {
    await page.getByRole('button', { name: lang }).click();
    const text = await main.innerText();
    for (const technical of ['settings.recipients', 'yim keygen', 'age1', 'office-key']) {
      assert.ok(!text.includes(technical), `${lang}: the page shows ${technical}`);
    }
  }
  await page.getByRole('button', { name: 'ไทย' }).click();
  const intro = await page.locator('article.export > p').first().innerText();
  // The intro says which records are sealed, so the box about records
  // that are not does not contradict it.
  assert.match(intro, /ของแบบฟอร์มที่มีกุญแจของสำนักงานข้อมูลจะเข้ารหัสไว้ มีเพียงสำนักงานข้อมูลที่เปิดอ่านได้/);
  const unsealed = page.locator('.no-recipients');
  if ((await unsealed.count()) > 0) {
    assert.match(await unsealed.innerText(), /ยังไม่ได้เข้ารหัส/);
    assert.match(await unsealed.innerText(), /โปรดแจ้งสำนักงานข้อมูลให้เพิ่มกุญแจ/);
  }
  await screenshot(page, 'first-day-10-export-th');
  await page.getByRole('button', { name: 'English' }).click();
  await screenshot(page, 'first-day-10-export-en');
  assert.deepEqual(page.problems, []);
});

test('point 11: a date is also shown the Thai way, month in words, next to the box', async () => {
  // A phone whose browser speaks American English puts the month first in
  // the date box; the line under it cannot be misread.
  const page = await openCore({ locale: 'en-US' });
  const input = field(page, 'visit_date').locator('input[type=date]');
  await input.fill('2026-06-12');
  const line = field(page, 'visit_date').locator('.be-date');
  await line.getByText('วันศุกร์ที่ 12 มิถุนายน พ.ศ. 2569', { exact: true }).waitFor();
  const gap = await page.evaluate(() => {
    const box = document.querySelector('[data-field="visit_date"] input').getBoundingClientRect();
    const text = document.querySelector('[data-field="visit_date"] .be-date').getBoundingClientRect();
    return text.top - box.bottom;
  });
  assert.ok(gap >= 0 && gap < 24, `the line is ${gap} px below the box`);
  assert.equal(
    await input.getAttribute('aria-describedby').then((ids) => ids.includes('-extra')),
    true,
    'screen readers read the line with the box',
  );
  await viewport(page, 'first-day-11-date-th');
  await page.getByRole('button', { name: 'English' }).click();
  await line.getByText('Friday 12 June 2026 (B.E. 2569)', { exact: true }).waitFor();
  assert.deepEqual(page.problems, []);
});
