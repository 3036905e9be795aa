// The volunteer's route in every engine a volunteer may have: Chromium,
// Firefox and WebKit, each through WebDriver (tests/browsers/drivers.js).
// Open the app, open a form, answer every kind of question, leave and come
// back, reload, lose the network and reload, finalize, export the bundle,
// and read it at the data office with `yim decrypt`. What each engine says
// about its storage (persistence, quota) is printed as `storage:` lines,
// which docs/app.md records.
//
// YIM_ENGINES=firefox,webkit runs only some engines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dist, root, out, serveDist } from '../e2e/harness.js';
import { readCsv } from '../e2e/office.js';
import { ENGINES, PHONE, startBrowser, openPhone, waitReady, byLabel, byRole, waitText, tap, pick, inPage, By, Key, until } from './drivers.js';

const engines = (process.env.YIM_ENGINES ?? Object.keys(ENGINES).join(',')).split(',').filter(Boolean);
const yim = join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'yim');
const OFFICE_KEY = join(root, '.yim', 'office-key.txt');
const FORM_ID = 'e2e-types';
/// The second form, sealed to the bundle crate's published TEST ONLY key.
const VISIT_ID = 'e2e-sealed-visit';
const VISIT_TITLE = 'Sealed visit test form';
const TEST_KEY = join(root, 'crates', 'bundle', 'tests', 'vectors', 'test-key.txt');

/// Serves a copy of the test build that can be taken off the network, on
/// an origin of its own (IndexedDB and the service worker belong to it).
async function serveCopy() {
  const dir = await mkdtemp(join(tmpdir(), 'yim-dist-'));
  await cp(dist, dir, { recursive: true });
  const { server, url } = await serveDist(dir);
  return {
    url,
    /// No new connection, none kept: the phone has lost the network.
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/// A screenshot of the screen, for a person to look at: from the top of the
/// page, or with `element` in the middle.
async function screenshot(driver, name, element) {
  await mkdir(out, { recursive: true });
  if (element) await driver.executeScript("arguments[0].scrollIntoView({ block: 'center' })", element);
  else await driver.executeScript('window.scrollTo(0, 0)');
  await writeFile(join(out, `${name}.png`), await driver.takeScreenshot(), 'base64');
}

/// Reloads the page as the browser's reload button does. WebDriver's own
/// refresh is not that in Firefox: there it skips the service worker, like
/// a forced reload, and finds no server once the network is gone.
async function reload(driver) {
  const main = await driver.findElement(By.css('main'));
  await driver.executeScript('location.reload()');
  await driver.wait(until.stalenessOf(main), 60_000);
  await waitReady(driver);
}

/// What the engine tells the app about its storage.
function storageFigures(driver) {
  return inPage(
    driver,
    `if (!navigator.storage) return { api: false };
     const { usage, quota } = await navigator.storage.estimate();
     return { api: true, persisted: await navigator.storage.persisted(), usage, quota };`,
  );
}

const field = (driver, path) => driver.findElement(By.css(`[data-field="${path}"]`));

/// Waits for the form's last question, which shows once the form is laid out
/// (the app marks itself ready before it has read the draft).
const formShown = (driver) => driver.wait(until.elementLocated(By.css('[data-field="inner"]')), 60_000);

/// Every answer of the route, read back from the controls.
async function answersOnScreen(driver) {
  const value = async (label) => (await byLabel(driver, label)).getAttribute('value');
  const grown = field(driver, 'grown');
  return {
    weight: await value('Weight (kg)'),
    time: await value('Arrival time'),
    when: await value('Appointment'),
    story: await (await byLabel(driver, 'What happened')).getAttribute('value'),
    latitude: await value('Latitude'),
    longitude: await value('Longitude'),
    agree: await (await byLabel(driver, 'I have read the terms')).isSelected(),
    favourite: await value('Favourite fruit'),
    banana: await (await byLabel(grown, 'Banana')).isSelected(),
    mango: await (await byLabel(grown, 'Mango')).isSelected(),
    inner: await value('Question in the group'),
  };
}

const EXPECTED = {
  weight: '12.5',
  time: '09:30',
  when: '2025-03-05T14:00',
  story: 'line one\nline two',
  latitude: '19.17',
  longitude: '99.9',
  agree: true,
  favourite: 'mangosteen',
  banana: true,
  mango: true,
  inner: 'ตอบในกลุ่ม',
};

/// Waits for the browser to finish saving `name` into `dir` and returns
/// its path.
async function downloaded(dir, name, timeout = 60_000) {
  const path = join(dir, name);
  const deadline = Date.now() + timeout;
  for (;;) {
    // Firefox and Chromium write under a temporary name and rename at the
    // end, so a file with the final name is complete once its size holds.
    const size = await stat(path).then((s) => s.size, () => 0);
    if (size > 0) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      if ((await stat(path)).size === size) return path;
    }
    if (Date.now() > deadline) throw new Error(`${name} is not in ${dir}: ${await readdir(dir)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/// Exports the finalized records of `formId` from the export page and saves
/// the file; returns its path. There is no share sheet in these desktop
/// engines, so the save link is what the volunteer has, and no share
/// button may promise otherwise.
async function exportForm(driver, engine, formId, downloads) {
  await tap(driver, driver.findElement(By.css('a.brand')));
  await tap(driver, byRole(driver, 'link', 'Export'));
  await tap(driver, driver.wait(until.elementLocated(By.css(`#export-form option[value="${formId}"]`)), 60_000));
  await tap(driver, byRole(driver, 'button', 'Export'));
  const save = await byRole(driver, 'link', 'Save the file');
  const name = await save.getAttribute('download');
  assert.ok(name.startsWith(`yim-${formId}-`), name);
  const canShare = await driver.executeScript(
    "return typeof navigator.canShare === 'function' && typeof navigator.share === 'function'",
  );
  const share = await driver.findElements(By.xpath("//button[starts-with(normalize-space(.), 'Share the file')]"));
  if (!canShare) assert.equal(share.length, 0, 'no share button without a share sheet');
  await screenshot(driver, `browsers-${engine}-export-${formId}-en-360`);
  await tap(driver, save);
  return downloaded(downloads, name);
}

/// Reads `bundles` with `yim decrypt` and `keys`; returns the CSV folder.
function decrypt(bundles, keys, csv) {
  const args = ['decrypt', ...keys.flatMap((k) => ['-i', k]), '-o', csv, ...bundles];
  const run = spawnSync(yim, args, { encoding: 'utf8' });
  assert.equal(run.status, 0, `yim decrypt failed:\n${run.stdout}\n${run.stderr}`);
  return csv;
}

for (const engine of engines) {
  test(`${engine}: the volunteer's route, from a first visit to the data office`, async () => {
    const site = await serveCopy();
    const downloads = await mkdtemp(join(tmpdir(), `yim-${engine}-downloads-`));
    const browser = await startBrowser(engine, downloads);
    const driver = browser.driver;
    const started = Date.now();
    // Where the route got to, printed when it fails.
    const steps = [];
    const step = (name) => steps.push(`${((Date.now() - started) / 1000).toFixed(1)} s ${name}`);
    try {
      await openPhone(driver, engine, site.url);
      step('the app opened');
      const width = await driver.executeScript('return window.innerWidth');
      assert.equal(width, PHONE.width, 'the page is as wide as a phone');
      await tap(driver, byRole(driver, 'button', 'English'));

      // The service worker takes over this first visit, so that the next
      // one works without the network.
      await driver.wait(
        () => driver.executeScript('return navigator.serviceWorker && navigator.serviceWorker.controller !== null'),
        120_000,
        'the service worker never controlled the page',
      );
      const first = await storageFigures(driver);
      step('the service worker controls the page');

      await tap(driver, byRole(driver, 'link', 'Question types test form'));
      await formShown(driver);

      // Typed answers: the engine gets what the keyboard sends.
      await (await byLabel(driver, 'Weight (kg)')).sendKeys('12.5');
      // The Enter key, not a typed "\n", which WebKitGTK's driver drops.
      await (await byLabel(driver, 'What happened')).sendKeys('line one', Key.ENTER, 'line two');
      await (await byLabel(driver, 'Latitude')).sendKeys('19.17');
      await (await byLabel(driver, 'Longitude')).sendKeys('99.9');
      await (await byLabel(driver, 'Question in the group')).sendKeys('ตอบในกลุ่ม');
      // Pickers.
      await pick(driver, await byLabel(driver, 'Arrival time'), '09:30');
      await pick(driver, await byLabel(driver, 'Appointment'), '2025-03-05T14:00');
      // A checkbox, a dropdown narrowed by its search box, and a long list
      // of checkboxes narrowed by its own.
      await tap(driver, byLabel(driver, 'I have read the terms'));
      await field(driver, 'favourite').findElement(By.css('input[type=search]')).sendKeys('man');
      const favourite = await byLabel(driver, 'Favourite fruit');
      await driver.wait(async () => (await favourite.findElements(By.css('option'))).length === 3, 10_000);
      const offered = [];
      for (const option of await favourite.findElements(By.css('option'))) offered.push(await option.getText());
      assert.deepEqual(offered, ['— choose —', 'Mango', 'Mangosteen']);
      await tap(driver, favourite.findElement(By.css('option[value="mangosteen"]')));
      const grown = field(driver, 'grown');
      await tap(driver, byLabel(grown, 'Banana'));
      await grown.findElement(By.css('input[type=search]')).sendKeys('ma');
      await tap(driver, byLabel(grown, 'Mango'));
      await tap(driver, byLabel(driver, 'Weight (kg)'));

      await waitText(driver, '[role=status]', 'Draft kept on this phone');
      // The app asks for persistent storage once a draft is kept.
      await driver.sleep(500);
      const kept = await storageFigures(driver);
      step('the draft was kept');
      const canShare = await driver.executeScript(
        "return typeof navigator.canShare === 'function' && typeof navigator.share === 'function'",
      );
      console.log(
        `storage: ${engine}: first visit ${JSON.stringify(first)}; after a draft ${JSON.stringify(kept)}; share sheet ${canShare}`,
      );
      if (kept.api) assert.ok(kept.quota > 0, `${engine} gives no quota`);
      assert.equal(await driver.executeScript('return document.documentElement.scrollWidth > window.innerWidth'), false);
      await screenshot(driver, `browsers-${engine}-form-en-360`);
      await screenshot(driver, `browsers-${engine}-choices-en-360`, await field(driver, 'favourite'));

      // Leave the form and come back to it from the home page.
      await tap(driver, driver.findElement(By.css('a.brand')));
      const draft = await driver.wait(
        async () => (await driver.findElements(By.css(`li.card li.draft a`)))[0],
        60_000,
        'the draft is not on the home page',
      );
      await screenshot(driver, `browsers-${engine}-home-en-360`);
      await tap(driver, draft);
      await formShown(driver);
      assert.deepEqual(await answersOnScreen(driver), EXPECTED, 'after leaving and coming back');
      const address = await driver.getCurrentUrl();
      assert.match(address, /#\/response\//);
      step('came back to the draft');

      // Reload.
      await reload(driver);
      await formShown(driver);
      assert.equal(await driver.getCurrentUrl(), address);
      assert.deepEqual(await answersOnScreen(driver), EXPECTED, 'after a reload');
      step('reloaded');

      // The network goes; the app still opens, draft included.
      await site.stop();
      await reload(driver);
      await formShown(driver);
      assert.deepEqual(await answersOnScreen(driver), EXPECTED, 'after an offline reload');
      step('reloaded offline');

      // Finalize: sealed for the data office on the phone.
      await tap(driver, byRole(driver, 'button', 'Finalize'));
      await byRole(driver, 'heading', 'This record is finalized');
      await waitText(driver, 'main', 'only the data office can read it');
      step('finalized');

      // Export, still offline, and read at the data office.
      const bundle = await exportForm(driver, engine, FORM_ID, downloads);
      step('exported');
      const rows = await readCsv(join(decrypt([bundle], [OFFICE_KEY], join(downloads, 'types')), `${FORM_ID}.csv`));
      assert.equal(rows.length, 1);
      const columns = ['weight', 'visit_time', 'visit_at', 'story', 'home', 'agree', 'favourite', 'grown', 'inner'];
      assert.deepEqual(
        Object.fromEntries(columns.map((c) => [c, rows[0][c]])),
        {
          weight: '12.5',
          visit_time: '09:30:00.000',
          visit_at: '2025-03-05T14:00:00.000+00:00',
          story: 'line one\nline two',
          home: '19.17 99.9',
          agree: 'OK',
          favourite: 'mangosteen',
          grown: 'banana mango',
          inner: 'ตอบในกลุ่ม',
        },
      );
      // The kinds of question the first form has not: a whole number, one
      // choice of a few (radio buttons), a date typed as Thai paperwork
      // writes it, and a repeat, on a form of two pages. Still offline.
      await tap(driver, driver.findElement(By.css('a.brand')));
      await tap(driver, byRole(driver, 'link', VISIT_TITLE));
      await driver.wait(until.elementLocated(By.css('[data-field="child_name"]')), 60_000);
      await (await byLabel(driver, "Child's name")).sendKeys('ด.ญ. มะลิ ใจดี');
      await (await byLabel(driver, "Child's age (years)")).sendKeys('9');
      await tap(driver, byLabel(field(driver, 'sex'), 'Female'));
      await tap(driver, byLabel(field(driver, 'needs'), 'Food'));
      await (await byLabel(driver, 'Or type the date')).sendKeys('20/11/2569');
      await tap(driver, byLabel(driver, "Child's name"));
      const date = await byLabel(driver, 'Date of the visit');
      await driver.wait(async () => (await date.getAttribute('value')) === '2026-11-20', 10_000, 'the typed date');
      await tap(driver, byRole(driver, 'button', 'Next'));
      await byRole(driver, 'heading', 'Sibling');
      await tap(driver, byRole(driver, 'button', 'Add Sibling'));
      const sibling = (name) =>
        driver.wait(until.elementLocated(By.css(`[data-field="siblings[1]/${name}"] input`)), 10_000);
      await (await sibling('sibling_name')).sendKeys('ด.ช. สมชาย ใจดี');
      await (await sibling('sibling_age')).sendKeys('12');
      await tap(driver, byRole(driver, 'button', 'Finalize'));
      await byRole(driver, 'heading', 'This record is finalized');
      // The data office reads this phone's two bundles together: the
      // second alone would lack the first of the phone's sequence.
      const second = await exportForm(driver, engine, VISIT_ID, downloads);
      const visits = decrypt([bundle, second], [OFFICE_KEY, TEST_KEY], join(downloads, 'visits'));
      const [visit] = await readCsv(join(visits, `${VISIT_ID}.csv`));
      assert.deepEqual(
        ['child_name', 'child_age', 'age_months', 'sex', 'needs', 'visit_date'].map((c) => visit[c]),
        ['ด.ญ. มะลิ ใจดี', '9', '108', 'f', 'food', '2026-11-20'],
      );
      const siblings = await readCsv(join(visits, `${VISIT_ID}-siblings.csv`));
      assert.deepEqual(
        siblings.map((r) => [r.sibling_name, r.sibling_age]),
        [['ด.ช. สมชาย ใจดี', '12']],
      );
      step('the second form exported');

      // Thai, as most volunteers read it, with the font from the cache.
      await tap(driver, byRole(driver, 'button', 'ไทย'));
      await tap(driver, driver.findElement(By.css('a.brand')));
      await byRole(driver, 'heading', 'แบบฟอร์ม');
      await screenshot(driver, `browsers-${engine}-home-th-360`);
      console.log(`route: ${engine}: ${((Date.now() - started) / 1000).toFixed(1)} s in the browser`);
    } catch (error) {
      console.log(`${engine} got to:\n${steps.join('\n')}`);
      if (browser.log.length) console.log(`${engine} driver said:\n${browser.log.join('').slice(-4000)}`);
      throw error;
    } finally {
      await browser.quit();
      await site.stop().catch(() => {});
      await site.remove();
      await rm(downloads, { recursive: true, force: true });
    }
  });
}
