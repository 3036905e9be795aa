// One draft open in two tabs of one browser (issue 17, defect 5): what is
// typed in either tab survives. The tab that saves second keeps its answers
// as a copy and says so; a tab holding an older version cannot finalize it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, openPage, screenshot } from './harness.js';

const card = (page, title) => page.locator('li.card', { has: page.getByRole('link', { name: title, exact: true }) });

/// Opens another tab of the same browser profile on `url`, as a volunteer
/// does with "open in new tab".
const secondTab = (first, url) => openPage(first.context(), url);

/// Every stored response, its metadata and its answers, read beside the app.
function stored(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('yim');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const read = (store) =>
      new Promise((resolve) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
      });
    const [metas, bodies] = [await read('responses'), await read('answers')];
    db.close();
    return metas.map((meta) => ({
      ...meta,
      answers: JSON.parse(bodies.find((body) => body.id === meta.id).answers),
    }));
  });
}

async function waitUntilStored(page, check) {
  for (let i = 0; i < 100; i++) {
    const responses = await stored(page);
    if (check(responses)) return responses;
    await page.waitForTimeout(100);
  }
  assert.fail(`the stored responses never matched: ${JSON.stringify(await stored(page))}`);
}

/// Waits until the field shows `value`, as a screen that is being replaced
/// shows the old one for a moment.
async function valueBecomes(field, value) {
  for (let i = 0; i < 100; i++) {
    if ((await field.inputValue().catch(() => null)) === value) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`the field never showed ${value}`);
}

/// Starts a household draft in `page` and gives its id once it is stored.
async function startDraft(page, name) {
  await page.getByRole('link', { name: 'Household test form' }).click();
  await page.getByLabel('Respondent name').fill(name);
  await page.getByRole('status').getByText('Draft kept on this phone').waitFor();
  const [draft] = await stored(page);
  return draft.id;
}

test('one draft typed in two tabs keeps the answers of both', async () => {
  const app = await start();
  try {
    const tabA = await app.open({ locale: 'en-US' });
    const id = await startDraft(tabA, 'Somsri');
    const tabB = await secondTab(tabA, `${app.url}#/response/${id}`);
    assert.equal(await tabB.getByLabel('Respondent name').inputValue(), 'Somsri');

    // A saves first; B, still holding the draft without A's answer, saves
    // after it.
    await tabA.getByLabel('Age (years)').fill('42');
    await waitUntilStored(tabA, (all) => all.some((r) => r.answers.age === 42));
    await tabB.getByLabel('Date of the visit').fill('2025-03-05');
    const told = tabB.locator('.save-error[role="alert"]');
    await told.getByText(/changed in another tab.*copy from another tab/).waitFor();
    await screenshot(tabB, 'tabs-copy-en-360');

    // Both are kept: A's draft as A left it, and B's answers as a copy.
    let all = await waitUntilStored(tabA, (all) => all.length === 2);
    const original = all.find((r) => r.id === id);
    const copy = all.find((r) => r.id !== id);
    assert.deepEqual(
      [original.answers.age, original.answers.visit_date ?? null],
      [42, null],
    );
    assert.deepEqual([copy.answers.age ?? null, copy.answers.visit_date], [null, '2025-03-05']);
    assert.equal(copy.copied_from, id);
    assert.match(copy.label, /^สำเนาจากแท็บอื่น · copy from another tab: Somsri/);

    // B goes on saving into its copy; A's draft does not change.
    await tabB.getByLabel('Age (years)').fill('7');
    all = await waitUntilStored(tabA, (all) => all.some((r) => r.id === copy.id && r.answers.age === 7));
    assert.equal(all.length, 2);
    assert.equal(all.find((r) => r.id === id).answers.age, 42);
    await told.getByText(/copy from another tab/).waitFor();

    // The save line's action opens the other tab's version; the copy stays,
    // and the browser's Back button returns to it.
    await told.getByRole('link', { name: "Open the other tab's version (your copy stays in the drafts list)" }).click();
    await valueBecomes(tabB.getByLabel('Age (years)'), '42');
    assert.ok(tabB.url().endsWith(`#/response/${id}`), tabB.url());
    await tabB.goBack();
    await valueBecomes(tabB.getByLabel('Age (years)'), '7');
    assert.equal((await stored(tabA)).length, 2);

    // The address is the copy's now, so that a reload opens it.
    assert.ok(tabB.url().endsWith(`#/response/${copy.id}`), tabB.url());
    await tabB.reload();
    await tabB.locator('main[data-ready]').waitFor();
    assert.equal(await tabB.getByLabel('Age (years)').inputValue(), '7');
    assert.equal(await tabB.getByLabel('Date of the visit').inputValue(), '2025-03-05');

    // The home page lists both, the copy marked as such.
    await tabA.getByRole('link', { name: 'Yim' }).click();
    const household = card(tabA, 'Household test form');
    await household.getByText('Drafts 2 · Finalized 0').waitFor();
    await household.locator('li.draft', { hasText: 'copy from another tab' }).waitFor();
    assert.deepEqual(tabA.problems, []);
    assert.deepEqual(tabB.problems, []);
  } finally {
    await app.close();
  }
});

test('a tab holding an older version of a draft cannot finalize it', async () => {
  const app = await start();
  try {
    const tabA = await app.open({ locale: 'en-US' });
    const id = await startDraft(tabA, 'Malee');
    const tabB = await secondTab(tabA, `${app.url}#/response/${id}`);
    // Holds back B's autosave timer, so that Finalize is B's first write.
    await tabB.evaluate(() => {
      const setTimeout = window.setTimeout;
      window.setTimeout = function (callback, ms, ...args) {
        return ms === 500 ? 0 : setTimeout.call(this, callback, ms, ...args);
      };
    });

    await tabA.getByLabel('Age (years)').fill('42');
    await waitUntilStored(tabA, (all) => all.some((r) => r.answers.age === 42));
    for (let i = 0; i < 3; i++) await tabB.getByRole('button', { name: 'Next' }).click();
    await tabB.getByLabel('The respondent agrees to the record').check();
    await tabB.getByRole('button', { name: 'Finalize' }).click();

    // B is told, stays on the form with its answers, and nothing is
    // finalized or sealed; its answers are kept as a copy.
    await tabB.locator('.save-error[role="alert"]').getByText(/changed in another tab/).waitFor();
    assert.equal(await tabB.getByRole('heading', { name: 'This form has been finalized' }).count(), 0);
    assert.equal(await tabB.getByLabel('The respondent agrees to the record').isChecked(), true);
    const all = await waitUntilStored(tabA, (all) => all.length === 2);
    assert.deepEqual(
      all.map((r) => r.status),
      ['draft', 'draft'],
    );
    assert.equal(all.find((r) => r.id === id).answers.age, 42);
    assert.equal(all.find((r) => r.id !== id).copied_from, id);
    assert.deepEqual(tabA.problems, []);
    assert.deepEqual(tabB.problems, []);
  } finally {
    await app.close();
  }
});
