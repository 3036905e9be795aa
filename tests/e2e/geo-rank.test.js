// Traces, shapes and rankings from the volunteer's phone to the data office:
// a trace gets a typed point and the phone's position, a shape gets typed
// points (one removed on the way), a ranking is ordered with its buttons and
// the keyboard; the record is finalized, exported, decrypted with
// `yim decrypt`, and the CSV holds ODK's text for each.
//
// The test form (tests/e2e/forms/geo-rank.yaml) is addressed to the bundle
// crate's published TEST ONLY key, which opens everything here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, screenshot, scrollsSideways } from './harness.js';
import { exportBundle, buildYim, decryptRows } from './office.js';

const FORM_ID = 'e2e-geo-rank';

let app;
let yim;
before(async () => {
  app = await start();
  yim = buildYim();
});
after(async () => {
  await app?.close();
});

/// Adds a typed point to the trace or shape whose legend is `group`.
async function typePoint(group, lat, lon) {
  await group.getByLabel('Latitude').fill(lat);
  await group.getByLabel('Longitude').fill(lon);
  await group.getByRole('button', { name: 'Add this point' }).click();
}

const errorOf = (page, path) => page.locator(`[data-field="${path}"] .error`).innerText();
const items = (list) => list.locator('li').allInnerTexts();

test('a trace, a shape and a ranking reach the data office as ODK writes them', async () => {
  const page = await app.open();
  await page.context().grantPermissions(['geolocation'], { origin: app.url });
  await page.context().setGeolocation({ latitude: 19.17, longitude: 99.9, accuracy: 5 });
  await page.getByRole('link', { name: 'Trace shape and rank test form' }).click();

  // The trace: one typed point and the phone's position.
  const trace = page.getByRole('group', { name: 'Walk to school' });
  await trace.getByText('No points yet').waitFor();
  await typePoint(trace, '19.1', '99.8');
  await trace.getByRole('button', { name: 'Add my current position' }).click();
  await trace.getByText('Point 2: 19.17, 99.9').waitFor();
  assert.deepEqual(
    (await items(trace.locator('ol.points'))).map((t) => t.split('\n')[0]),
    ['Point 1: 19.1, 99.8', 'Point 2: 19.17, 99.9'],
  );

  // The shape: two points are not an area yet; a wrong third point is
  // removed and the right one added.
  const shape = page.getByRole('group', { name: 'Family farm' });
  await typePoint(shape, '19.1', '99.8');
  await typePoint(shape, '19.1', '99.81');
  await shape.getByRole('button', { name: 'Remove point 2' }).click();
  assert.match(await errorOf(page, 'farm'), /at least 3 different points/);
  await typePoint(shape, '19.1', '99.81');
  await typePoint(shape, '19.11', '99.81');
  await shape.getByText('Point 3: 19.11, 99.81').waitFor();
  assert.equal(await errorOf(page, 'farm'), '');
  // The closing point the engine stores is not listed as a fourth point.
  assert.equal(await shape.locator('li.point').count(), 3);

  // The ranking: the choices in the list's order until the volunteer moves
  // one; after a move the focus stays on the moved item's button, so the
  // keyboard moves it again.
  const rank = page.getByRole('group', { name: 'Needs by importance' });
  assert.deepEqual(await rank.locator('.rank-label').allInnerTexts(), ['Food', 'School', 'Health care']);
  await rank.getByText('Not ranked yet').waitFor();
  await rank.getByRole('button', { name: 'Move up Health care' }).click();
  assert.deepEqual(await rank.locator('.rank-label').allInnerTexts(), ['Food', 'Health care', 'School']);
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Move up Health care');
  await page.keyboard.press('Enter');
  await rank.locator('.rank-label').first().getByText('Health care').waitFor();
  assert.deepEqual(await rank.locator('.rank-label').allInnerTexts(), ['Health care', 'Food', 'School']);
  assert.equal(await rank.getByRole('button', { name: 'Move up Health care' }).isDisabled(), true);
  assert.equal(await rank.getByText('Not ranked yet').count(), 0);

  assert.equal(await scrollsSideways(page), false);
  await screenshot(page, 'geo-rank-en-360');

  await page.getByRole('button', { name: 'Finalize' }).click();
  await page.getByRole('heading', { name: 'This record is finalized' }).waitFor();

  // The same controls in Thai, on a new record.
  const th = await app.open({ locale: 'th-TH' });
  await th.getByRole('link', { name: 'แบบทดสอบเส้นทาง พื้นที่ และการเรียงลำดับ' }).click();
  const thRank = th.getByRole('group', { name: 'ความต้องการเรียงตามความสำคัญ' });
  await thRank.getByRole('button', { name: 'เลื่อนลง อาหาร' }).waitFor();
  await th.getByRole('group', { name: 'เส้นทางเดินไปโรงเรียน' }).getByRole('button', { name: 'เพิ่มตำแหน่งปัจจุบันของฉัน' }).waitFor();
  await screenshot(th, 'geo-rank-th-360');

  // Export, and the data office's command line.
  await page.goto(`${app.url}#/export`);
  const card = page.locator(`li.card[data-form="${FORM_ID}"]`);
  await card.locator('.counts').getByText('1 waiting for export').waitFor();
  await page.locator('#export-form').selectOption(FORM_ID);
  const dir = await mkdtemp(join(tmpdir(), 'yim-geo-rank-'));
  const bundle = await exportBundle(page, dir, () => page.getByRole('button', { name: 'Export', exact: true }).click());
  const rows = await decryptRows(yim, bundle.path, join(dir, 'csv'), FORM_ID);
  assert.equal(rows.length, 1);
  const [row] = rows;
  assert.equal(row.walk_to_school, '19.1 99.8 0 0;19.17 99.9 0 5');
  assert.equal(row.farm, '19.1 99.8 0 0;19.1 99.81 0 0;19.11 99.81 0 0;19.1 99.8 0 0');
  assert.equal(row.needs, 'health food school');
  assert.equal(row.first_need, 'health');
  assert.deepEqual(page.problems, []);
});
