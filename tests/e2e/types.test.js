// Each question type gets its native control, and what the control sends
// is read by the engine without an error.
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

const errorOf = (page, path) => field(page, path).locator('.error').innerText();

test('every question type has the right control', async () => {
  const page = await app.open({ locale: 'en-US' });
  await page.getByRole('link', { name: 'Question types test form' }).click();
  // `one_page: yes` shows everything at once, with no Next button.
  await field(page, 'inner').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Next' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Finalize' }).count(), 1);

  const weight = page.getByLabel('Weight (kg)');
  assert.equal(await weight.getAttribute('inputmode'), 'decimal');
  await weight.fill('12.5');
  await weight.blur();
  assert.equal(await errorOf(page, 'weight'), '');
  await weight.fill('twelve');
  await weight.blur();
  assert.notEqual(await errorOf(page, 'weight'), '');
  assert.equal(await weight.inputValue(), 'twelve', 'a wrong entry is kept, not cleared');
  await weight.fill('12.5');

  const time = page.getByLabel('Arrival time');
  assert.equal(await time.getAttribute('type'), 'time');
  await time.fill('09:30');
  await time.blur();
  assert.equal(await errorOf(page, 'visit_time'), '');
  assert.equal(await time.inputValue(), '09:30');

  const when = page.getByLabel('Appointment');
  assert.equal(await when.getAttribute('type'), 'datetime-local');
  await when.fill('2025-03-05T14:00');
  await when.blur();
  assert.equal(await errorOf(page, 'visit_at'), '');
  assert.equal(await when.inputValue(), '2025-03-05T14:00');

  const story = page.getByLabel('What happened');
  assert.equal(await story.evaluate((e) => e.tagName), 'TEXTAREA');
  await story.fill('line one\nline two');
  assert.equal(await story.inputValue(), 'line one\nline two');

  await field(page, 'bmi_note').getByText('The weight is recorded in kilograms').waitFor();
  assert.equal(await field(page, 'bmi_note').locator('input').count(), 0);

  await page.getByLabel('Latitude').fill('19.17');
  await page.getByLabel('Longitude').fill('99.9');
  await page.getByLabel('Longitude').blur();
  assert.equal(await errorOf(page, 'home'), '');
  await page.getByLabel('Latitude').fill('191.7');
  await page.getByLabel('Latitude').blur();
  assert.notEqual(await errorOf(page, 'home'), '');
  await page.getByRole('button', { name: 'Use my location' }).waitFor();

  const agree = page.getByLabel('I have read the terms');
  assert.equal(await agree.getAttribute('type'), 'checkbox');
  await agree.check();

  // Twelve choices: a dropdown with a search box rather than twelve radios.
  const favourite = page.getByLabel('Favourite fruit');
  assert.equal(await favourite.evaluate((e) => e.tagName), 'SELECT');
  assert.equal(await favourite.locator('option').count(), 13);
  await field(page, 'favourite').getByRole('searchbox').fill('man');
  assert.deepEqual(await favourite.locator('option').allInnerTexts(), ['— choose —', 'Mango', 'Mangosteen']);
  await favourite.selectOption('mangosteen');
  await field(page, 'favourite').getByRole('searchbox').fill('');
  assert.equal(await favourite.inputValue(), 'mangosteen');

  // A long list of checkboxes gets a search box that hides the others.
  const grown = field(page, 'grown');
  await grown.getByLabel('Banana').check();
  await grown.getByRole('searchbox').fill('ma');
  assert.deepEqual(await grown.locator('label.choice:visible').allInnerTexts(), ['Mango', 'Mangosteen', 'Banana', 'Tamarind']);
  await grown.getByLabel('Mango', { exact: true }).check();
  assert.equal(await grown.getByLabel('Banana').isChecked(), true);

  await page.getByRole('heading', { name: 'A nested group' }).waitFor();
  assert.equal(await scrollsSideways(page), false);
  await screenshot(page, 'form-types-en-360');

  await page.getByLabel('Latitude').fill('19.17');
  await page.getByRole('button', { name: 'Finalize' }).click();
  await page.getByRole('heading', { name: 'This record is finalized' }).waitFor();
  assert.deepEqual(page.problems, []);
});
