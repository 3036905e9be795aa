// The PIN lock at 360 px: with a PIN set, what IndexedDB holds does not show
// what was typed; a reload or the idle time shows the PIN screen and nothing
// else; the right PIN brings the draft back; a forgotten PIN loses the
// drafts but not the PIN-less rest. Also prints how long unlocking takes,
// with the CPU slowed four times as on a cheap phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, screenshot, scrollsSideways } from './harness.js';

const NAME = 'Somchai Jaidee';
const PIN = '246810';

/// Everything in the app's database, as text, read beside the app.
function rawDatabase(page) {
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
    const text = [];
    for (const store of db.objectStoreNames) {
      for (const record of await read(store)) {
        // Bytes as text too, so that an answer kept as UTF-8 bytes shows.
        text.push(
          JSON.stringify(record, (key, value) =>
            value instanceof Uint8Array ? new TextDecoder().decode(value) : value,
          ),
        );
      }
    }
    db.close();
    return text.join('\n');
  });
}

/// How many responses the app's database holds.
function countResponses(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('yim');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const count = await new Promise((resolve) => {
      const request = db.transaction('responses').objectStore('responses').count();
      request.onsuccess = () => resolve(request.result);
    });
    db.close();
    return count;
  });
}

async function setPin(page) {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('note').getByText(/forget the PIN.*lost.*sealed are never lost/).waitFor();
  await screenshot(page, 'pin-settings-en-360');
  assert.equal(await page.getByLabel('New PIN (6–12 digits)').getAttribute('inputmode'), 'numeric');
  await page.getByLabel('New PIN (6–12 digits)').fill(PIN);
  await page.getByLabel('Type the new PIN again').fill('246811');
  await page.getByRole('button', { name: 'Set PIN' }).click();
  await page.getByRole('alert').getByText('The two PINs are not the same.').waitFor();
  await page.getByLabel('Type the new PIN again').fill(PIN);
  await page.getByRole('button', { name: 'Set PIN' }).click();
  await page.getByRole('status').getByText('PIN set.').waitFor();
}

async function startDraft(page) {
  await page.getByRole('link', { name: 'Yim' }).click();
  await page.getByRole('link', { name: 'Household test form' }).click();
  await page.getByLabel('Respondent name').fill(NAME);
  await page.getByRole('status').getByText('Draft kept on this phone').waitFor();
}

async function unlock(page, pin) {
  await page.getByLabel('PIN', { exact: true }).fill(pin);
  await page.getByRole('button', { name: 'Unlock' }).click();
}

test('with a PIN a draft is encrypted at rest and comes back after the PIN', async () => {
  const app = await start();
  try {
    const page = await app.open({ locale: 'en-US' });
    await setPin(page);
    await startDraft(page);
    const raw = await rawDatabase(page);
    assert.ok(raw.includes('household'), 'the raw read sees the records');
    assert.ok(!raw.includes(NAME), 'the typed answer is not in IndexedDB');

    await page.reload();
    await page.getByRole('heading', { name: 'Enter your PIN to unlock' }).waitFor();
    assert.ok(!(await page.content()).includes(NAME), 'nothing typed is in the page');
    assert.equal(await page.getByLabel('PIN', { exact: true }).getAttribute('inputmode'), 'numeric');
    await screenshot(page, 'pin-locked-en-360');
    assert.equal(await scrollsSideways(page), false);

    await unlock(page, '000000');
    await page.getByRole('alert').getByText('That PIN is not right.').waitFor();
    await unlock(page, PIN);
    const name = page.getByLabel('Respondent name');
    await name.waitFor();
    assert.equal(await name.inputValue(), NAME);
    assert.deepEqual(page.problems, []);
  } finally {
    await app.close();
  }
});

test('the idle time locks the screen, keeps what was typed and hides it', async () => {
  const app = await start();
  try {
    const page = await app.open({ locale: 'th-TH' });
    // The page's clock is faked from here on, so that a minute passes at once.
    await page.clock.install();
    await page.reload();
    await page.locator('main[data-ready]').waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await setPin(page);
    await page.getByLabel('Lock after no use for').selectOption('1');
    await startDraft(page);
    // Typed just before the lock, not yet saved by the autosave.
    await page.getByLabel('Age (years)').fill('42');
    await page.clock.fastForward(61_000);
    await page.getByRole('heading', { name: 'Enter your PIN to unlock' }).waitFor();
    const html = await page.content();
    assert.ok(!html.includes(NAME) && !html.includes('Respondent name'), 'the form left the page');
    await page.getByRole('button', { name: 'ไทย' }).click();
    await page.getByRole('heading', { name: 'ใส่รหัส PIN เพื่อปลดล็อก' }).waitFor();
    await screenshot(page, 'pin-locked-th-360');
    await page.getByRole('button', { name: 'English' }).click();

    await unlock(page, PIN);
    await page.getByLabel('Respondent name').waitFor();
    assert.equal(await page.getByLabel('Respondent name').inputValue(), NAME);
    assert.equal(await page.getByLabel('Age (years)').inputValue(), '42');
    assert.deepEqual(page.problems, []);
  } finally {
    await app.close();
  }
});

test('a forgotten PIN deletes the drafts after saying so, and the app opens without one', async () => {
  const app = await start();
  try {
    const page = await app.open({ locale: 'en-US' });
    await setPin(page);
    await startDraft(page);
    await page.reload();
    await page.getByRole('button', { name: 'Forgot PIN' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText(/cannot be opened again.*Sealed responses and the export log stay/).waitFor();
    await screenshot(page, 'pin-forgot-en-360');
    await dialog.getByRole('button', { name: 'Delete the drafts and remove the PIN' }).click();
    await page.getByRole('link', { name: 'Household test form' }).waitFor();
    assert.equal(await countResponses(page), 0, 'no draft is left');
    assert.equal(await page.locator('li.draft').count(), 0);
    await page.reload();
    await page.getByRole('link', { name: 'Household test form' }).waitFor();
    assert.deepEqual(page.problems, []);
  } finally {
    await app.close();
  }
});

test('unlocking at the default Argon2 cost, with the CPU slowed four times', async () => {
  const app = await start();
  try {
    const page = await app.open({ locale: 'en-US' });
    await setPin(page);
    await page.reload();
    await page.getByRole('heading', { name: 'Enter your PIN to unlock' }).waitFor();
    const cdp = await page.context().newCDPSession(page);
    const figures = [];
    for (const rate of [1, 4]) {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate });
      await page.getByLabel('PIN', { exact: true }).fill(PIN);
      const started = Date.now();
      await page.getByRole('button', { name: 'Unlock' }).click();
      await page.getByRole('link', { name: 'Settings' }).waitFor();
      figures.push(`${rate}x: ${Date.now() - started} ms`);
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('button', { name: 'Lock now' }).click();
      await page.getByRole('heading', { name: 'Enter your PIN to unlock' }).waitFor();
    }
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    console.log(`pin: unlock (click to unlocked screen) ${figures.join(', ')}`);
  } finally {
    await app.close();
  }
});
