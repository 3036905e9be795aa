// Responses are kept on the phone: every answer survives the browser being
// killed, a closed database is reopened, a failed write keeps the answers
// on screen and can be retried, deleting a draft asks first, and a
// finalized response is read-only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { start, field, serveDist, screenshot } from './harness.js';

const card = (page, title) => page.locator('li.card', { has: page.getByRole('link', { name: title, exact: true }) });

/// Starts Debian's Chromium on its own, with a profile folder, so that the
/// test can kill the whole browser (every process of it) the way a phone
/// kills an app, and start it again on the same profile.
async function launchWithProfile(profile) {
  const child = spawn(
    process.env.CHROMIUM ?? '/usr/bin/chromium',
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    // Its own process group, so that one signal reaches every process.
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = await new Promise((resolve, reject) => {
    let output = '';
    child.stderr.on('data', (chunk) => {
      output += chunk;
      const found = output.match(/DevTools listening on (ws:\/\/\S+)/);
      if (found) resolve(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`chromium exited with ${code}: ${output}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  return { child, browser, context: browser.contexts()[0] };
}

/// Kills every process of the browser at once, without letting it close
/// anything: no unload, no pagehide, no flush.
async function killBrowser(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGKILL');
  await exited;
}

async function openApp(context, url) {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 740 });
  page.problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') page.problems.push(message.text());
  });
  page.on('pageerror', (error) => page.problems.push(String(error)));
  await page.goto(url);
  await page.locator('main[data-ready]').waitFor({ timeout: 30_000 });
  return page;
}

let served;
before(async () => {
  served = await serveDist();
});
after(async () => {
  await new Promise((resolve) => served?.server.close(resolve));
});

test('every answer is back after the browser is killed a second after typing', async () => {
  const profile = await mkdtemp(join(tmpdir(), 'yim-profile-'));
  try {
    let { child, context } = await launchWithProfile(profile);
    let page = await openApp(context, served.url);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Household test form' }).click();
    await page.getByLabel('Respondent name').fill('Somsri');
    await page.getByLabel('Age (years)').fill('42');
    await page.getByLabel('Date of the visit').fill('2025-03-05');
    await page.getByRole('button', { name: 'Next' }).click();
    const add = page.getByRole('button', { name: 'Add Household member' });
    await add.click();
    await add.click();
    await field(page, 'members[1]/member_name').locator('input').fill('Anong');
    await field(page, 'members[2]/member_name').locator('input').fill('Boon');
    await field(page, 'members[2]/member_sex').getByLabel('Male', { exact: true }).check();
    // No button pressed, no page left: only the autosave has run.
    await page.waitForTimeout(1000);
    await killBrowser(child);

    ({ child, context } = await launchWithProfile(profile));
    page = await openApp(context, served.url);
    const household = card(page, 'Household test form');
    await household.getByText('Drafts 1 · Finalized 0').waitFor();
    await household.locator('li.draft').getByRole('link', { name: /Somsri/ }).click();

    // The draft opens on the page it was left on, with its repeat entries.
    await page.getByRole('heading', { name: 'Household member', exact: true }).waitFor();
    await field(page, 'members').locator('.repeat-count').getByText('Entries: 2').waitFor();
    assert.equal(await field(page, 'members[1]/member_name').locator('input').inputValue(), 'Anong');
    assert.equal(await field(page, 'members[2]/member_name').locator('input').inputValue(), 'Boon');
    assert.equal(await field(page, 'members[2]/member_sex').getByLabel('Male', { exact: true }).isChecked(), true);
    await page.getByRole('button', { name: 'Back' }).click();
    assert.equal(await page.getByLabel('Respondent name').inputValue(), 'Somsri');
    assert.equal(await page.getByLabel('Age (years)').inputValue(), '42');
    assert.equal(await page.getByLabel('Date of the visit').inputValue(), '2025-03-05');
    // The calculation and the relevance follow the restored answers.
    assert.equal(await page.getByLabel('Age (months)').inputValue(), '504');
    assert.deepEqual(page.problems, []);
    await killBrowser(child);
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
});

test('a closed database is reopened, and a full one keeps the answers on screen until a retry', async () => {
  const app = await start();
  try {
    const page = await app.open({ locale: 'en-US' });
    await page.getByRole('link', { name: 'Household test form' }).click();
    await page.getByLabel('Respondent name').fill('Kanya');
    await page.getByRole('status').getByText('Draft kept on this phone').waitFor();

    // Reads the stored answers of every response, beside the app.
    await page.evaluate(() => {
      window.storedDrafts = async () => {
        const db = await new Promise((resolve, reject) => {
          const request = indexedDB.open('yim');
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        const bodies = await new Promise((resolve) => {
          const request = db.transaction('answers').objectStore('answers').getAll();
          request.onsuccess = () => resolve(request.result);
        });
        db.close();
        return bodies.map((body) => JSON.parse(body.answers));
      };
    });

    // The browser closes the database under the app, as iOS Safari does
    // under memory pressure: the next transaction fails with
    // InvalidStateError. The app reopens it and the write still lands.
    await page.evaluate(() => {
      const transaction = IDBDatabase.prototype.transaction;
      window.closedOnce = 0;
      IDBDatabase.prototype.transaction = function (...args) {
        if (window.closedOnce === 0) {
          window.closedOnce = 1;
          throw new DOMException('The database connection is closing.', 'InvalidStateError');
        }
        return transaction.apply(this, args);
      };
    });
    await page.getByLabel('Age (years)').fill('33');
    await page.waitForFunction(() => window.closedOnce === 1);
    await page.waitForFunction(async () => (await storedDrafts()).some((answers) => answers.age === '33'));
    assert.equal(await page.locator('.save-error').count(), 0);

    // Now the phone is full. Chromium offers no way to shrink a site's
    // quota for a test, so the browser's refusal is played by the write
    // itself throwing the error a full disk gives.
    await page.evaluate(() => {
      const put = IDBObjectStore.prototype.put;
      window.full = true;
      IDBObjectStore.prototype.put = function (...args) {
        if (window.full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return put.apply(this, args);
      };
    });
    await page.getByLabel('Date of the visit').fill('2025-04-01');
    const alert = page.locator('.save-error[role="alert"]');
    await alert.getByText("The phone's storage is full").waitFor();
    assert.equal(await page.getByLabel('Respondent name').inputValue(), 'Kanya');
    assert.equal(await page.getByLabel('Age (years)').inputValue(), '33');
    assert.equal(await page.getByLabel('Date of the visit').inputValue(), '2025-04-01');
    await screenshot(page, 'storage-full-en-360');

    // With space again, Try again writes what the screen shows.
    await page.evaluate(() => {
      window.full = false;
    });
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('status').getByText('Draft kept on this phone').waitFor();
    assert.equal(await alert.count(), 0);

    await page.getByRole('link', { name: 'Yim' }).click();
    const household = card(page, 'Household test form');
    await household.getByText('Drafts 1 · Finalized 0').waitFor();
    await household.locator('li.draft').getByRole('link', { name: /Kanya/ }).click();
    assert.equal(await page.getByLabel('Age (years)').inputValue(), '33');
    assert.equal(await page.getByLabel('Date of the visit').inputValue(), '2025-04-01');
    assert.deepEqual(page.problems, []);
  } finally {
    await app.close();
  }
});

test('hiding or leaving the page saves at once, without waiting for the pause in typing', async () => {
  const app = await start();
  try {
    const page = await app.open({ locale: 'en-US' });
    await page.getByRole('link', { name: 'Household test form' }).click();
    await page.evaluate(() => {
      // Notes when the app writes answers.
      const put = IDBObjectStore.prototype.put;
      window.writes = 0;
      IDBObjectStore.prototype.put = function (...args) {
        if (this.name === 'answers') window.writes += 1;
        return put.apply(this, args);
      };
      // Holds back the autosave's 500 ms timer, so that only the page
      // being hidden or left can make the write.
      const setTimeout = window.setTimeout;
      window.setTimeout = function (callback, ms, ...args) {
        return ms === 500 ? 0 : setTimeout.call(this, callback, ms, ...args);
      };
    });
    for (const [name, event] of [
      ['Hidden', 'visibilitychange'],
      ['Leaving', 'pagehide'],
    ]) {
      const before = await page.evaluate(() => window.writes);
      await page.getByLabel('Respondent name').fill(name);
      await page.waitForTimeout(800);
      assert.equal(await page.evaluate(() => window.writes), before, 'the autosave was not held back');
      await page.evaluate((event) => {
        if (event === 'visibilitychange') {
          Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
        }
        window.dispatchEvent(new Event(event));
        delete document.hidden;
      }, event);
      await page.waitForFunction((before) => window.writes > before, before);
    }
    assert.deepEqual(page.problems, []);
  } finally {
    await app.close();
  }
});

test('deleting a draft asks first and then removes it', async () => {
  const app = await start();
  try {
    const page = await app.open({ locale: 'en-US' });
    for (const name of ['First', 'Second']) {
      await page.getByRole('link', { name: 'Household test form' }).click();
      await page.getByLabel('Respondent name').fill(name);
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.getByRole('status').getByText('Draft kept on this phone').waitFor();
      await page.getByRole('link', { name: 'Yim' }).click();
    }
    const household = card(page, 'Household test form');
    await household.getByText('Drafts 2 · Finalized 0').waitFor();
    const first = household.locator('li.draft', { hasText: 'First' });

    await first.getByRole('button', { name: 'Delete' }).click();
    await first.getByText('Delete the draft “First” and all its answers?').waitFor();
    await screenshot(page, 'home-drafts-en-360');
    await first.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await household.locator('li.draft').count(), 2);

    await first.getByRole('button', { name: 'Delete' }).click();
    await first.locator('.confirm').getByRole('button', { name: 'Delete' }).click();
    await household.getByText('Drafts 1 · Finalized 0').waitFor();
    assert.deepEqual(await household.locator('li.draft .draft-name').allInnerTexts(), ['Second']);

    // The storage line says how much the app keeps.
    await page.locator('.storage-usage').getByText(/Storage on this phone: .* used · .* free/).waitFor();
    assert.deepEqual(page.problems, []);
  } finally {
    await app.close();
  }
});

test('a finalized response is kept, read-only, and leaves the drafts', async () => {
  const app = await start();
  try {
    const page = await app.open({ locale: 'en-US' });
    await page.getByRole('link', { name: 'Household test form' }).click();
    await page.getByLabel('Respondent name').fill('Malee');
    await page.getByRole('status').getByText('Draft kept on this phone').waitFor();
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('The respondent agrees to the record').check();
    await page.getByRole('button', { name: 'Finalize' }).click();
    await page.getByRole('heading', { name: 'This record is finalized' }).waitFor();
    await page.getByRole('link', { name: 'All forms' }).click();
    const household = card(page, 'Household test form');
    await household.getByText('Drafts 0 · Finalized 1').waitFor();
    assert.equal(await household.locator('li.draft').count(), 0);

    // Its stored record is finalized and sealed to the data office: the
    // engine's data went into the sealed copy, none stays in clear.
    const stored = await page.evaluate(async () => {
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
      return { metas, bodies };
    });
    assert.equal(stored.metas.length, 1);
    assert.equal(stored.metas[0].status, 'finalized');
    assert.ok(stored.bodies[0].sealed?.length > 200, 'the record is sealed');
    assert.equal(stored.bodies[0].data ?? null, null);
    assert.equal(stored.bodies[0].answers, '{}');
    // Opening it again says it is sealed; nothing can be read or changed.
    await page.goto(`${app.url}#/response/${stored.metas[0].id}`);
    await page.getByRole('alert').filter({ hasText: 'sealed for the data office' }).waitFor();
    assert.equal(await page.getByLabel('Respondent name').count(), 0);
    assert.deepEqual(page.problems, []);
  } finally {
    await app.close();
  }
});
