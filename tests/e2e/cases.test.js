// Cases on the phone, offline: a first visit opens a case, the child shows
// under "children I follow" with the next visit date, a tap starts the
// follow-up with the child picked and what is known filled in, and the
// finalized follow-up changes the case's status on the home page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offlinePhone, screenshot, scrollsSideways } from './harness.js';

test('a first visit opens a case that a follow-up from the home page updates, offline', async () => {
  const { browser, page } = await offlinePhone();
  try {
    const followed = page.getByRole('region', { name: 'Children I follow' });
    assert.equal(await followed.count(), 0, 'a phone that follows nobody shows no list');

    // The first visit.
    await page.getByRole('link', { name: 'First visit test form' }).click();
    await page.getByLabel("Child's name").fill('Mali');
    await page.getByLabel('Nickname').fill('Li');
    await page.getByLabel('Village').fill('Ban Na');
    await page.getByRole('radio', { name: 'High' }).check();
    await page.getByLabel('Next visit').fill('2026-12-20');
    await page.getByRole('button', { name: 'Finalize' }).click();
    await page.getByRole('heading', { name: 'This record is finalized' }).waitFor();

    // The child is on the home page with the next visit date.
    await page.getByRole('link', { name: 'Yim' }).click();
    const child = followed.getByRole('listitem').filter({ hasText: 'Mali (Li)' });
    await child.waitFor();
    await child.getByText('Next visit Sunday 20 December 2026 (B.E. 2569)').waitFor();
    await child.getByText('Status: open · Risk: High').waitFor();
    assert.equal(await scrollsSideways(page), false);
    await screenshot(page, 'cases-home-360');

    // The follow-up starts from the list, with the child picked and the
    // last visit's answers filled in.
    await child.getByRole('link').click();
    await page.getByRole('heading', { name: 'Follow-up test form' }).waitFor();
    assert.match(page.url(), /#\/form\/e2e-case-follow\?case=/);
    // The cases are read after the form opens; the picker then shows the
    // tapped child, and the questions saved to the case start with its values.
    const picked = page.getByRole('combobox', { name: 'Child followed' });
    await page.waitForFunction(
      () => document.querySelector('[data-field="child"] select')?.selectedOptions[0]?.textContent === 'Mali (Li)',
    );
    assert.match(await picked.inputValue(), /^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    await page.locator('[data-field="risk_level"] input:checked').waitFor({ state: 'attached' });
    assert.equal(await page.getByRole('radio', { name: 'High' }).isChecked(), true);
    assert.equal(await page.getByLabel('Next visit').inputValue(), '2026-12-20');
    await screenshot(page, 'cases-follow-up-picker-360');
    await page.getByRole('radio', { name: 'Referred' }).check();
    await page.getByLabel('Next visit').fill('2026-12-27');
    await page.getByRole('button', { name: 'Finalize' }).click();
    await page.getByRole('heading', { name: 'This record is finalized' }).waitFor();

    await page.getByRole('link', { name: 'Yim' }).click();
    await child.getByText('Status: referred · Risk: High').waitFor();
    await child.getByText('Next visit Sunday 27 December 2026 (B.E. 2569)').waitFor();
    await screenshot(page, 'cases-home-after-follow-up-360');
    assert.deepEqual(page.problems, []);
  } finally {
    await browser.close();
  }
});
