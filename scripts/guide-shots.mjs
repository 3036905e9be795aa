// Makes the screenshots of the guides in Thai (docs/th/img/*.png) from the
// current build, so that they can be made again whenever the screens change:
//
//   make guide-shots          (builds dist/ first)
//   node scripts/guide-shots.mjs DIST_FOLDER [OUT_FOLDER]
//
// It drives Debian's Chromium at 360 px, as a volunteer's phone, through the
// screens the guides describe: the home page, filling a form, a draft, a
// finalized (sealed) record, numbers in Thai digits, the export page, the
// language and storage lines, and the app with the network off. Each
// picture is one phone screen (360 x 740), not a whole long page, so that
// it reads like what the volunteer sees. The build must hold the real forms
// (the national form and Kalasin's); dist/ does.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { serveDist, launchBrowser, root } from '../tests/e2e/harness.js';

const dist = resolve(process.argv[2] ?? join(root, 'dist'));
const out = resolve(process.argv[3] ?? join(root, 'docs', 'th', 'img'));

const field = (page, path) => page.locator(`[data-field="${path}"]`);

/// Saves what the phone's screen shows, with `target` scrolled to the top of
/// it (below the sticky header) when one is given.
async function shot(page, name, target) {
  if (target) {
    await target.evaluate((el) => {
      const top = el.getBoundingClientRect().top + window.scrollY;
      const header = document.querySelector('header')?.getBoundingClientRect().height ?? 0;
      window.scrollTo(0, Math.max(0, top - header - 8));
    });
  } else {
    await page.evaluate(() => window.scrollTo(0, 0));
  }
  // Fonts and the scroll settle before the picture is taken.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300);
  const path = join(out, `${name}.png`);
  await page.screenshot({ path });
  console.log(`guide-shots: ${path}`);
}

async function installed(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

async function home(page) {
  await page.getByRole('link', { name: 'ยิ้ม' }).or(page.getByRole('link', { name: 'Yim' })).first().click();
  await page.locator('.card').first().waitFor();
}

/// Answers the first page of the national form (the visit and consent).
async function firstPage(page, consent) {
  await field(page, 'recorder_name').locator('input').fill('สมศรี ใจดี');
  await field(page, 'recorder_role').locator('input').first().check();
  await field(page, 'consent').getByLabel(consent, { exact: true }).check();
}

async function main() {
  await mkdir(out, { recursive: true });
  const { server, url } = await serveDist(dist);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({
      locale: 'th-TH',
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 1,
      hasTouch: true,
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(url);
    await page.locator('main[data-ready]').waitFor({ timeout: 60_000 });
    await page.locator('.card').first().waitFor();
    await installed(page);

    // The home page: the guides' link, the forms by province.
    await shot(page, 'home');

    // Filling the national form: the first page, kept as a draft.
    await page.locator('.card[data-form="child-core"] a.card-title').click();
    await page.locator('article.form[data-form="child-core"]').waitFor();
    await firstPage(page, 'ใช่');
    await page.getByRole('button', { name: 'ถัดไป', exact: true }).click();
    await field(page, 'child_first_name').locator('input').fill('ด.ญ. ฝน');
    await field(page, 'child_last_name').locator('input').fill('ใจงาม');
    await field(page, 'nickname').locator('input').fill('ฝน');
    const dob = field(page, 'dob');
    await dob.getByLabel(/หรือพิมพ์วันที่/).fill('5 มีนาคม 2560');
    await dob.getByLabel(/หรือพิมพ์วันที่/).press('Tab');
    await dob.locator('.be-date').getByText('พ.ศ. 2560').waitFor();
    await page.getByRole('status').getByText('เก็บฉบับร่างไว้ในเครื่องแล้ว').waitFor();
    await shot(page, 'form-filling');
    await shot(page, 'form-date', dob);

    // A page's problems when Next is pressed too early.
    await page.getByRole('button', { name: 'ถัดไป', exact: true }).click();
    await page.locator('#page-problems').waitFor();
    await shot(page, 'form-problems', page.locator('#page-problems'));

    // The draft on the home page.
    await page.getByRole('button', { name: 'บันทึกฉบับร่าง' }).click();
    await home(page);
    const card = page.locator('.card[data-form="child-core"]');
    await card.getByText('ฝน').first().waitFor();
    await shot(page, 'drafts', card);

    // Numbers in Thai digits: Kalasin's form asks for them.
    await page.locator('.card[data-form="child-kalasin"] a.card-title').click();
    await page.locator('article.form[data-form="child-kalasin"]').waitFor();
    await firstPage(page, 'ใช่');
    await page.getByRole('button', { name: 'ถัดไป', exact: true }).click();
    const kalasinDob = field(page, 'dob');
    await kalasinDob.getByLabel(/หรือพิมพ์วันที่/).fill('5 มีนาคม 2560');
    await kalasinDob.getByLabel(/หรือพิมพ์วันที่/).press('Tab');
    await kalasinDob.locator('.be-date').getByText('พ.ศ. ๒๕๖๐').waitFor();
    await shot(page, 'thai-digits', field(page, 'id_status'));
    await page.getByRole('button', { name: 'บันทึกฉบับร่าง' }).click();
    await home(page);

    // Finalizing: a record without consent is complete after its first
    // page, and is sealed to the data office's key.
    await page.locator('.card[data-form="child-core"] a.card-title').click();
    await page.locator('article.form[data-form="child-core"]').waitFor();
    await firstPage(page, 'ไม่ใช่');
    await page.getByRole('button', { name: 'บันทึกฉบับสมบูรณ์' }).click();
    await page.locator('.done[data-sealed="true"]').waitFor();
    await shot(page, 'finalized');
    await home(page);

    // The export page, for coordinators.
    await page.getByRole('link', { name: 'ส่งออกข้อมูล' }).click();
    await page.locator('.export').waitFor();
    await page.locator('.export select, .export .btn').first().waitFor();
    await shot(page, 'export');
    await home(page);

    // The language and how much of the phone the app uses.
    await shot(page, 'storage', page.locator('.storage, [class*="storage"]').first());

    // With the network off the app still opens, with its forms and drafts.
    await context.setOffline(true);
    server.close();
    await page.reload();
    await page.locator('main[data-ready]').waitFor({ timeout: 60_000 });
    await page.locator('.card').first().waitFor();
    await shot(page, 'offline', page.locator('.card[data-form="child-core"]'));
  } finally {
    await browser.close();
    server.close();
  }
}

await main();
