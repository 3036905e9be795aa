// The data office's summary page (`yim report`), opened as the working
// groups open it: in a browser on a 360 px phone and on a desktop, with no
// network. The decrypted folder is written here as `yim decrypt` writes it
// (crates/cli/tests/cases.rs checks that part and the exact counts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, out, serveDist, launchBrowser, screenshot, scrollsSideways } from './harness.js';

let yim;
let site;
let browser;
const AREAS = [
  ['พะเยา', 'บ้านตุ่น'],
  ['พะเยา', 'แม่กา'],
  ['เลย', 'นาด้วง'],
];
const LEVELS = ['high', 'medium', 'low'];
const RISKS = ['violence neglect', 'dropout', 'neglect', 'labour dropout', 'substances'];
const STATUSES = ['open', 'referred', 'open', 'closed'];
const AGENCIES = ['pmj', 'health', 'school', ''];
const OUTCOMES = ['waiting', 'helped', 'waiting'];
/// A name that would run a script if the page let it become markup.
const HOSTILE = 'ด.ญ. <img src=x onerror="window.__ran=1">ฝน';

/// A folder as `yim decrypt` writes it for a form with cases: cases.csv and
/// the visits table with its case_id column.
async function decryptedFolder() {
  const dir = join(await mkdtemp(join(tmpdir(), 'yim-report-')), 'results');
  await mkdir(dir);
  const quote = (s) => `"${String(s).replaceAll('"', '""')}"`;
  const cases = ['case_id,list,label,status,next_visit,province,referral_agency,referral_status,risk_level,risks,subdistrict,created,last_visit,visits,devices,responses,create_received'];
  const visits = ['risk_level,next_visit,visit_date,KEY,FormVersion,DeviceID,Created,Updated,Status,case_id'];
  for (let i = 0; i < 24; i++) {
    const id = `01938a00-0000-7000-8000-${String(i).padStart(12, '0')}`;
    const [province, tambon] = AREAS[i % AREAS.length];
    const label = i === 5 ? HOSTILE : `เด็กคนที่ ${i + 1}`;
    const next = `2026-${i % 2 ? '11' : '12'}-${String(1 + (i % 27)).padStart(2, '0')}`;
    const agency = AGENCIES[i % AGENCIES.length];
    const months = 1 + (i % 3);
    cases.push(
      [id, 'children', quote(label), STATUSES[i % 4], next, province, agency, agency ? OUTCOMES[i % 3] : '',
        LEVELS[i % 3], RISKS[i % RISKS.length], tambon, '2026-09-01T03:00:00.000Z',
        '2026-11-20T03:00:00.000Z', months, 'aa01', id, 'yes'].join(','),
    );
    for (let m = 0; m < months; m++) {
      const day = `2026-${String(9 + m).padStart(2, '0')}-${String(1 + i).padStart(2, '0')}`;
      visits.push([LEVELS[i % 3], next, day, `019ab0b2-8c60-7a11-8f00-${String(i * 10 + m).padStart(12, '0')}`,
        '1', 'aa01', `${day}T02:00:00.000Z`, `${day}T03:00:00.000Z`, 'finalized', id].join(','));
    }
  }
  await writeFile(join(dir, 'cases.csv'), cases.join('\n') + '\n');
  await writeFile(join(dir, 'child-follow-up.csv'), visits.join('\n') + '\n');
  return dir;
}

before(async () => {
  execFileSync('cargo', ['build', '-q', '-p', 'yim-cli'], { cwd: root, stdio: 'inherit' });
  yim = join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'yim');
  const dir = await decryptedFolder();
  execFileSync(yim, ['report', dir, '-o', join(dir, 'report.html'), '--date', '2026-11-25', '--by', 'province,tambon']);
  site = await serveDist(dir);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.server.close(resolve));
});

for (const [width, height] of [[360, 740], [1280, 900]]) {
  test(`the report reads at ${width} px without a script or the network`, async () => {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${site.url}report.html`);
    assert.deepEqual(requests, [`${site.url}report.html`], 'the page asks for nothing else');
    assert.equal(await page.evaluate(() => window.__ran), undefined, 'no markup from the data ran');
    assert.equal(await page.evaluate(() => document.scripts.length), 0);
    await page.getByText(HOSTILE).first().waitFor();
    assert.equal(await scrollsSideways(page), false, `the page fits ${width} px`);
    const overdue = await page.locator('[data-count="all:overdue"]').textContent();
    assert.match(overdue, /^[1-9][0-9]*$/);
    assert.ok(await page.getByRole('heading', { name: /จังหวัดพะเยา · ตำบลบ้านตุ่น/ }).isVisible());
    await screenshot(page, `report-${width}`);
    // What a person sees first, and the first area's charts: the whole
    // page is too tall to read as one picture.
    await page.screenshot({ path: join(out, `report-${width}-first-screen.png`) });
    await page.locator('section').nth(1).scrollIntoViewIfNeeded();
    await page.evaluate(() => document.querySelectorAll('section')[1].scrollIntoView());
    await page.screenshot({ path: join(out, `report-${width}-province.png`) });
    await context.close();
  });
}
