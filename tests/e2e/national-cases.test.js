// The follow-up route with the forms a deployment ships (forms/national):
// a first visit on the national core form with the answers it needs to be
// finalized, the child under "children I follow" with the next visit date,
// a tap that starts the national follow-up form with what the first visit
// recorded already filled in, and the case's new status on the home page.
// All of it offline, at 360 px, every question reached by its label.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offlinePhone, screenshot, scrollsSideways } from './harness.js';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/// The date `days` from today on this machine, as a date input takes it
/// (`YYYY-MM-DD`) and as the home page shows it in English.
function fromToday(days) {
  const date = new Date();
  date.setDate(date.getDate() + days);
  const year = date.getFullYear();
  const iso = `${year}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  const shown = `${WEEKDAYS[date.getDay()]} ${date.getDate()} ${MONTHS[date.getMonth()]} ${year} (B.E. ${year + 543})`;
  return { iso, shown };
}

/// A question's label, followed for a required one by its mark (`*`, which
/// screen readers skip) and " (required)"; this matches exactly that,
/// nothing longer.
function named(label) {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}\\s*\\*?\\s*(\\(required\\))?$`);
}

/// The form on screen, driven as a volunteer does: each question is found by
/// its label, on whichever page holds it, going forward with Next.
function volunteer(page) {
  const next = page.getByRole('button', { name: 'Next', exact: true });
  const goOn = page.getByRole('button', { name: 'Go on anyway and come back later' });
  /// Moves forward page by page until `target` shows.
  async function reach(target) {
    for (let turn = 0; turn < 20; turn++) {
      if (await target.isVisible()) return target;
      await next.click();
      if (await goOn.isVisible()) await goOn.click();
    }
    assert.fail(`never reached ${target}`);
  }
  const group = (label) => page.getByRole('group', { name: named(label) });
  return {
    /// Types into the text or date question labelled `label`.
    async fill(label, text) {
      await (await reach(page.getByLabel(named(label)))).fill(text);
    },
    /// Picks `choices` (one or more labels) in the choice question `label`.
    async choose(label, ...choices) {
      const question = await reach(group(label));
      for (const choice of choices) await question.getByLabel(choice, { exact: true }).check();
    },
    /// Picks `choice` in the single-choice question `label`, which shows a
    /// dropdown or radio buttons depending on how many choices its filter
    /// leaves (the districts of one province, the sub-districts of one
    /// district).
    async select(label, choice) {
      const question = await reach(page.getByRole('combobox', { name: named(label) }).or(group(label)).first());
      if ((await question.evaluate((e) => e.tagName)) === 'SELECT') await question.selectOption({ label: choice });
      else await question.getByLabel(choice, { exact: true }).check();
    },
    group,
    reach,
    /// Goes to the last page and finalizes; on problems, fails with their list.
    async finalize() {
      const finalize = page.getByRole('button', { name: 'Finalize', exact: true });
      for (let turn = 0; turn < 20 && !(await finalize.isVisible()); turn++) {
        await next.click();
        if (await goOn.isVisible()) await goOn.click();
      }
      await finalize.click();
      const done = page.getByRole('heading', { name: 'This record is finalized' });
      const problems = page.locator('#problems');
      await done.or(problems).waitFor();
      if (await problems.isVisible()) assert.fail(`the form did not finalize:\n${await problems.innerText()}`);
    },
  };
}

test('the national forms: a first visit opens a case that the follow-up from the home page updates, offline', async () => {
  const { browser, page } = await offlinePhone();
  try {
    const followed = page.getByRole('region', { name: 'Children I follow' });
    assert.equal(await followed.count(), 0, 'a phone that follows nobody shows no list');

    // The first visit, with the answers the core form requires. A high
    // risk asks for a visit within seven days.
    const firstVisit = fromToday(5);
    await page.getByRole('link', { name: 'Individual child record (national core)' }).click();
    await page.locator('article.form[data-form="child-core"]').waitFor();
    const form = volunteer(page);
    await form.fill('Name of the person recording', 'Somsri Jaidee');
    await form.choose('Role of the person recording', 'Community volunteer');
    await form.choose('Do the child and the caregiver agree to this record?', 'Yes');
    await form.fill('First name', 'Mali');
    await form.fill('Family name', 'Srisuk');
    await form.fill('Nickname', 'Ploy');
    await form.choose('Does the child have a 13-digit ID number?', 'Applying for one');
    await form.fill('Date of birth', '2016-05-10');
    await form.choose('Sex', 'Female');
    await form.choose('Did you talk with the child directly?', 'Yes, with the child alone');
    await form.choose('How has the child mostly felt during the past month?', 'Mostly happy or at ease');
    await form.choose('Is the child enrolled in a school or learning centre now?', 'Yes');
    await form.choose('Level', 'Primary');
    await form.choose('Attendance during the past month', 'Attends regularly');
    await form.choose("The child's general health", 'Healthy');
    await form.choose('Does the child have a disability?', 'No');
    await form.select('Province', 'Phayao');
    await form.select('District', 'Mueang Phayao');
    await form.select('Sub-district', 'Wiang');
    await form.fill('Village or community name', 'Ban Huai Sai');
    await form.choose('Who does the child live with now?', 'Grandparents');
    await form.fill('Full name of the main caregiver', 'Boonma Srisuk');
    await form.choose('Relation to the child', 'Grandparent');
    await form.choose("The household's sources of income", 'Farming');
    await form.choose('Housing tenure', 'Owned by the family');
    await form.choose('Risks found for the child or the family', 'Neglect');
    await form.choose('Kind of neglect', 'Not enough food');
    await form.choose('Is the child left alone overnight?', 'No');
    await form.choose('Is the child in danger and in need of help right now?', 'No');
    await form.choose('Overall level of risk', 'High (urgent help)');
    await form.choose('Agencies or people already helping the child and the family', 'Teacher or school');
    await form.choose('What help does the family say it needs?', 'Food');
    await form.choose('What will be done next', 'Follow-up home visits');
    await form.select('Lead agency', 'Provincial social development office');
    await form.fill('Date of the next visit', firstVisit.iso);
    await form.choose('Does the caregiver agree with this plan?', 'Agrees');
    await form.choose('Does the child agree with this plan?', 'Agrees');
    await form.finalize();

    // The child is on the home page with the next visit date.
    await page.getByRole('link', { name: 'Yim' }).click();
    const child = followed.getByRole('listitem').filter({ hasText: 'Mali Srisuk (Ploy)' });
    await child.waitFor();
    await child.getByText(`Next visit ${firstVisit.shown}`).waitFor();
    await child.getByText('Status: open · Risk: High (urgent help)').waitFor();
    assert.equal(await scrollsSideways(page), false);
    await screenshot(page, 'national-cases-home-360');

    // A tap starts the follow-up with the child picked; what the first
    // visit recorded shows, and the questions saved to the case start with
    // its answers.
    await child.getByRole('link').click();
    await page.locator('article.form[data-form="child-follow-up"]').waitFor();
    assert.match(page.url(), /#\/form\/child-follow-up\?case=/);
    const picker = page.getByRole('combobox', { name: named('The child you follow') });
    await page.waitForFunction(
      () => document.querySelector('[data-field="child"] select')?.selectedOptions[0]?.textContent === 'Mali Srisuk (Ploy)',
    );
    assert.match(await picker.inputValue(), /^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    const follow = volunteer(page);
    await follow.fill('Name of the person recording', 'Somsri Jaidee');
    await follow.choose('Did you meet the child this time?', 'Yes');
    const known = await follow.reach(page.getByText(/^Child: Mali Srisuk \(Ploy\) · village: /));
    assert.equal(
      (await known.innerText()).replace(/\s+/g, ' '),
      `Child: Mali Srisuk (Ploy) · village: Ban Huai Sai · visit planned for ${firstVisit.iso}`,
    );
    await screenshot(page, 'national-cases-follow-up-known-360');
    await follow.choose('What happened: Follow-up home visits', 'Done');
    const risk = await follow.reach(follow.group('Overall level of risk now'));
    assert.equal(await risk.getByLabel('High (urgent help)', { exact: true }).isChecked(), true);
    const plan = follow.group('What will be done next');
    assert.equal(await plan.getByLabel('Follow-up home visits', { exact: true }).isChecked(), true);
    assert.equal(await page.getByLabel(named('Date of the next visit')).inputValue(), firstVisit.iso);
    const status = follow.group("Status of the child's case");
    assert.equal(await status.getByLabel('Open (keep following)', { exact: true }).isChecked(), true);
    await screenshot(page, 'national-cases-follow-up-prefilled-360');

    // The new situation: less urgent, referred, seen again in two weeks.
    const secondVisit = fromToday(14);
    await follow.choose('Overall level of risk now', 'Medium (follow closely)');
    await follow.choose("Status of the child's case", 'Referred (waiting for the agency)');
    await follow.fill('Date of the next visit', secondVisit.iso);
    await follow.finalize();

    await page.getByRole('link', { name: 'Yim' }).click();
    await child.getByText('Status: referred · Risk: Medium (follow closely)').waitFor();
    await child.getByText(`Next visit ${secondVisit.shown}`).waitFor();
    assert.equal(await scrollsSideways(page), false);
    await screenshot(page, 'national-cases-home-after-follow-up-360');
    assert.deepEqual(page.problems, []);
  } finally {
    await browser.close();
  }
});
