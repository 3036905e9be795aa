// A slider and a photo, from the phone to the data office: a form with a
// cascading choice list (a bare column name in its filter), a range moved
// with the keyboard and a photo is filled in Chromium at 360 px, finalized,
// exported and decrypted with `yim decrypt`; the photo the data office gets
// is byte for byte the one the page stored.
//
// The test form (tests/e2e/forms/media-visit.yaml) is addressed to the
// bundle crate's published TEST ONLY key, which opens everything here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, field, screenshot, scrollsSideways, storedAnswers, findAnswer } from './harness.js';
import { TEST_KEY, buildYim, exportBundle, readCsv } from './office.js';

const FORM_ID = 'e2e-media-visit';
const FORM_TITLE = 'Photo and slider test form';

let app;
let yim;
before(async () => {
  app = await start();
  yim = buildYim();
});
after(async () => {
  await app?.close();
});

/// A 1600 × 1000 PNG drawn by the page itself, so that the test needs no
/// image file and the app has a picture to make smaller.
async function picture(page) {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 1600;
    canvas.height = 1000;
    const c = canvas.getContext('2d');
    c.fillStyle = '#3a7'; c.fillRect(0, 0, 1600, 1000);
    c.fillStyle = '#fc3'; c.fillRect(200, 150, 900, 600);
    c.fillStyle = '#c33'; c.beginPath(); c.arc(1200, 500, 250, 0, 2 * Math.PI); c.fill();
    return canvas.toDataURL('image/png').split(',')[1];
  });
  return Buffer.from(base64, 'base64');
}

/// Every photo record the page stored, with its bytes as a plain array and
/// the size the browser decodes the bytes to.
function storedPhotos(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('yim');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const records = await new Promise((resolve) => {
      const request = db.transaction('media').objectStore('media').getAll();
      request.onsuccess = () => resolve(request.result);
    });
    db.close();
    const out = [];
    for (const r of records) {
      const bytes = r.bytes ? new Uint8Array(r.bytes) : new Uint8Array();
      let size = null;
      if (bytes.length) {
        const bitmap = await createImageBitmap(new Blob([bytes], { type: r.mime }));
        size = [bitmap.width, bitmap.height];
      }
      out.push({
        response_id: r.response_id,
        name: r.name,
        mime: r.mime,
        bytes: Array.from(bytes),
        sealed: r.sealed ? new Uint8Array(r.sealed).length : 0,
        size,
      });
    }
    return out;
  });
}

test('a slider moved with the keyboard and a photo reach the data office intact', async () => {
  const page = await app.open();
  await page.getByRole('link', { name: FORM_TITLE }).click();
  await page.locator('article.form').waitFor();
  await page.getByLabel("Child's name").fill('ด.ญ. ดาว ใจงาม');

  // The districts offered follow the province through the bare column name.
  await field(page, 'province').getByLabel('Nan').check();
  const districts = field(page, 'district');
  await districts.getByLabel('Pua').waitFor();
  assert.equal(await districts.getByLabel('Chiang Kham').count(), 0, 'a Phayao district is not offered for Nan');
  await districts.getByLabel('Pua').check();

  // The slider has no answer until it is moved, then follows the keys.
  const slider = page.getByRole('slider', { name: 'Level of worry' });
  const shown = field(page, 'worry').locator('output');
  assert.equal(await shown.innerText(), 'Not chosen yet');
  await slider.focus();
  for (const key of ['ArrowRight', 'ArrowRight', 'End', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft']) {
    await page.keyboard.press(key);
  }
  assert.equal(await shown.innerText(), '7');
  assert.equal(await slider.inputValue(), '7');
  await field(page, 'worry').scrollIntoViewIfNeeded();
  await screenshot(page, 'media-slider-en-360');

  // A photo "taken": 1600 × 1000 pixels, stored as a JPEG of at most 640.
  await page.getByLabel('Photo of the home').setInputFiles({
    name: 'home.png',
    mimeType: 'image/png',
    buffer: await picture(page),
  });
  await field(page, 'home_photo').locator('img.photo-preview').waitFor();
  await screenshot(page, 'media-photo-en-360');
  assert.equal(await scrollsSideways(page), false, 'nothing is wider than the phone');

  // The autosave names the photo and stores it in the same write.
  let answers = null;
  for (let i = 0; i < 50 && !findAnswer(answers, 'home_photo'); i++) {
    await page.waitForTimeout(100);
    answers = await storedAnswers(page, FORM_ID);
  }
  const name = findAnswer(answers, 'home_photo');
  assert.match(name ?? '', /^[0-9a-f-]{36}\.jpg$/, `stored answers: ${JSON.stringify(answers)}`);
  assert.equal(findAnswer(answers, 'worry'), 7);
  const before = (await storedPhotos(page)).filter((p) => p.name === name);
  assert.equal(before.length, 1, 'the photo is in the media store');
  const photo = before[0];
  assert.equal(photo.mime, 'image/jpeg');
  assert.deepEqual(photo.bytes.slice(0, 3), [0xff, 0xd8, 0xff], 'a JPEG');
  assert.deepEqual(photo.size, [640, 400], 'made smaller to max-pixels, keeping its shape');
  const storedBytes = Buffer.from(photo.bytes);

  await page.getByRole('button', { name: 'Finalize' }).click();
  await page.locator('section.done').waitFor();
  // Once finalized, only the sealed copy of the photo is on the phone.
  const after = (await storedPhotos(page)).filter((p) => p.response_id === photo.response_id);
  assert.deepEqual(
    after.map((p) => [p.name, p.bytes.length, p.sealed > storedBytes.length]),
    [[name, 0, true]],
  );

  await page.goto(app.url);
  await page.getByRole('link', { name: 'Export', exact: true }).click();
  await page.locator('#export-form').selectOption(FORM_ID);
  const dir = await mkdtemp(join(tmpdir(), 'yim-media-'));
  const bundle = await exportBundle(page, dir, () => page.getByRole('button', { name: 'Export', exact: true }).click());

  const out = join(dir, 'csv');
  const run = spawnSync(yim, ['decrypt', '-i', TEST_KEY, '-o', out, bundle.path], { encoding: 'utf8' });
  assert.equal(run.status, 0, `yim decrypt failed:\n${run.stderr}\n${run.stdout}`);
  const rows = await readCsv(join(out, `${FORM_ID}.csv`));
  assert.equal(rows.length, 1);
  const row = rows[0];
  assert.equal(row.province, 'nan');
  assert.equal(row.district, 'pua');
  assert.equal(row.worry, '7');
  assert.equal(row.home_photo, name);
  const written = await readFile(join(out, 'media', row.KEY, name));
  assert.ok(written.equals(storedBytes), 'the photo file is byte for byte what the page stored');
  assert.deepEqual(page.problems, []);
});

test('finalize waits for a photo that is still being made smaller', async () => {
  const page = await app.open();
  // The browser's JPEG encoding is held back for two seconds, as on a slow
  // phone, so that Finalize is pressed while the photo has no answer yet.
  await page.evaluate(() => {
    const toBlob = HTMLCanvasElement.prototype.toBlob;
    HTMLCanvasElement.prototype.toBlob = function (callback, ...rest) {
      toBlob.call(this, (blob) => setTimeout(() => callback(blob), 2000), ...rest);
    };
  });
  await page.getByRole('link', { name: FORM_TITLE }).click();
  await page.locator('article.form').waitFor();
  await page.getByLabel("Child's name").fill('ด.ช. ต้น ใจดี');
  await field(page, 'province').getByLabel('Nan').check();
  await field(page, 'district').getByLabel('Pua').check();
  await page.getByLabel('Photo of the home').setInputFiles({
    name: 'home.png',
    mimeType: 'image/png',
    buffer: await picture(page),
  });
  await page.getByRole('button', { name: 'Finalize' }).click();
  await page.getByRole('alert').filter({ hasText: 'A photo is still being saved' }).waitFor();
  assert.equal(await page.locator('section.done').count(), 0, 'the form is not finalized without its photo');

  // Once the photo is in, the message goes and Finalize seals it with the answers.
  await field(page, 'home_photo').locator('img.photo-preview').waitFor();
  await page.getByRole('alert').filter({ hasText: 'A photo is still being saved' }).waitFor({ state: 'detached' });
  let name;
  for (let i = 0; i < 50 && !name; i++) {
    await page.waitForTimeout(100);
    name = findAnswer(await storedAnswers(page, FORM_ID), 'home_photo');
  }
  assert.match(name ?? '', /^[0-9a-f-]{36}\.jpg$/, 'the draft names the photo');
  await page.getByRole('button', { name: 'Finalize' }).click();
  await page.locator('section.done').waitFor();
  const photos = await storedPhotos(page);
  assert.deepEqual(
    photos.map((p) => [p.name, p.bytes.length, p.sealed > 0]),
    [[name, 0, true]],
    'the photo is sealed with the finalized response',
  );
  assert.deepEqual(page.problems, []);
});
