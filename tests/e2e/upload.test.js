// The export page uploads to the deployment's intake: `yim serve` serves the
// app, the forms published with `yim publish --intake /api/`, and the
// intake itself from one origin, as docs/deployment.md sets it up.
//
// 1. The coordinator's upload code is entered once in Settings; a record
//    finalized and exported is received with a receipt, the file can still
//    be saved, and `yim pull` then `yim decrypt` give the answers typed.
// 2. The server is killed (SIGKILL) twice while the bundle is on its way:
//    once before it arrived, once after it was stored but before the
//    answer reached the phone. After a restart on the same port and store,
//    the store holds the bundle once with one receipt, and the page shows
//    it received.
// 3. Offline, the bundle waits and says so; back online, it goes by itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dist, root, launchBrowser, openPage, screenshot } from './harness.js';
import { exportBundle, readCsv } from './office.js';

/// The data-office identity and recipients that scripts/setup.sh made.
const OFFICE_KEY = join(root, '.yim', 'office-key.txt');
const RECIPIENTS = join(root, '.yim', 'recipients.txt');

let yim;
let browser;
before(async () => {
  execFileSync('cargo', ['build', '-q', '-p', 'yim-cli'], { cwd: root, stdio: 'inherit' });
  yim = join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'yim');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

function run(args, env = {}) {
  const done = spawnSync(yim, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(done.status, 0, `yim ${args.join(' ')} failed:\n${done.stdout}\n${done.stderr}`);
  return done.stdout;
}

/// A deployment in a temporary folder: the national forms published with
/// the intake's address, an upload and a pull token, and an empty store.
async function deployment() {
  const dir = await mkdtemp(join(tmpdir(), 'yim-upload-'));
  const forms = join(dir, 'forms');
  run(['publish', join(root, 'forms'), '-r', RECIPIENTS, '--intake', '/api/', '-o', forms]);
  const index = JSON.parse(await readFile(join(forms, 'index.json'), 'utf8'));
  assert.equal(index.intake, '/api/');
  const tokens = join(dir, 'tokens.txt');
  const upload = run(['serve', 'token', 'new', 'coordinator-a', '--tokens', tokens]).trim();
  const pull = run(['serve', 'token', 'new', 'office', '--pull', '--tokens', tokens]).trim();
  return { dir, forms, tokens, upload, pull, store: join(dir, 'inbox'), log: [] };
}

/// Starts `yim serve` for `site` on `port` (0: any free one) and resolves
/// once it listens; its log lines are collected in `site.log`.
function serve(site, port = 0) {
  const server = spawn(yim, [
    'serve', '--app', dist, '--forms', site.forms, '--store', site.store,
    '--tokens', site.tokens, '--listen', `127.0.0.1:${port}`,
  ]);
  // A chunk may end in the middle of a line: the rest comes with the next.
  let partial = '';
  server.stderr.on('data', (chunk) => {
    const lines = (partial + String(chunk)).split('\n');
    partial = lines.pop();
    site.log.push(...lines.filter(Boolean));
  });
  return new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const found = out.match(/listening on (http:\/\/127\.0\.0\.1:(\d+))/);
      if (found) resolve({ server, url: `${found[1]}/`, port: Number(found[2]) });
    });
    server.on('exit', (code) => reject(new Error(`yim serve stopped (${code}):\n${site.log.join('\n')}`)));
  });
}

/// Waits until `check()` holds, for at most 30 seconds.
async function until(check) {
  for (let waited = 0; !check(); waited += 100) {
    assert.ok(waited < 30_000, `gave up waiting for ${check}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function kill(server) {
  return new Promise((resolve) => {
    server.removeAllListeners('exit');
    server.on('exit', resolve);
    server.kill('SIGKILL');
  });
}

/// The files of the store: bundles and receipts by SHA-256.
async function stored(site) {
  const list = async (folder) => {
    try {
      return (await readdir(join(site.store, folder))).sort();
    } catch {
      return [];
    }
  };
  return { bundles: await list('bundles'), receipts: await list('receipts') };
}

async function phone(url) {
  const context = await browser.newContext({
    locale: 'en-US', viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, acceptDownloads: true,
  });
  return { context, page: await openPage(context, url) };
}

/// Enters the upload code in Settings, as a coordinator does once.
async function enterCode(page, url, token) {
  await page.goto(`${url}#/settings`);
  await page.getByLabel('Upload code from your coordinator').fill(token);
  await page.getByRole('button', { name: 'Save the code' }).click();
  await page.getByText('Upload code saved.').waitFor();
  // The code is kept, but no longer in the page.
  assert.equal(await page.getByLabel('Upload code from your coordinator').inputValue(), '');
  assert.ok(!(await page.content()).includes(token), 'the saved code is not in the page');
  await page.getByText('This phone has an upload code.').waitFor();
}

/// Fills and finalizes the national child record, the family declining.
async function finalizeRecord(page, url, recorder) {
  await page.goto(url);
  await page.locator('li.card[data-form="child-core"]')
    .getByRole('link', { name: 'Individual child record (national core)' }).click();
  await page.locator('article.form[data-form="child-core"]').waitFor();
  await page.getByLabel('Name of the person recording').fill(recorder);
  await page.locator('[data-field="recorder_role"]').getByLabel('Village health volunteer').check();
  await page.locator('[data-field="consent"]').getByLabel('No', { exact: true }).check();
  await page.getByRole('button', { name: /^Finalize/ }).click();
  await page.locator('section.done').waitFor();
}

const exportButton = (page) => page.getByRole('button', { name: 'Export', exact: true });
const uploadLine = (page) => page.locator('.export-log .upload').first();

/// Pulls into a fresh inbox and decrypts what came, returning the rows of
/// the child record and the pulled file names.
async function pullAndDecrypt(site, url) {
  const inbox = join(site.dir, `pulled-${Date.now()}`);
  run(['pull', '--from', url, '-o', inbox], { YIM_PULL_TOKEN: site.pull });
  const files = (await readdir(inbox)).filter((name) => !name.startsWith('.'));
  const out = join(site.dir, `csv-${Date.now()}`);
  run(['decrypt', '-i', OFFICE_KEY, '-o', out, ...files.map((name) => join(inbox, name))]);
  return { files, rows: await readCsv(join(out, 'child-core.csv')) };
}

test('an exported bundle is uploaded, received with its receipt, and pulled and decrypted by the data office', async () => {
  const site = await deployment();
  const { server, url } = await serve(site);
  const { context, page } = await phone(url);
  try {
    await enterCode(page, url, site.upload);
    await screenshot(page, 'upload-settings-en-360');
    const recorder = 'สมใจ ส่งถึงแล้ว';
    await finalizeRecord(page, url, recorder);

    await page.goto(`${url}#/export`);
    // The file can still be saved while it uploads.
    const saved = await exportBundle(page, site.dir, () => exportButton(page).click());
    await uploadLine(page).and(page.locator('[data-upload="received"]')).waitFor({ timeout: 30_000 });
    const line = await uploadLine(page).innerText();
    assert.match(line, /Received by the data office/);
    const sha256 = createHash('sha256').update(await readFile(saved.path)).digest('hex');
    assert.ok(line.includes(sha256), `the receipt names the bundle's SHA-256:\n${line}`);
    await screenshot(page, 'upload-received-en-360');
    // The same page in Thai.
    await page.getByRole('button', { name: 'ไทย' }).click();
    await uploadLine(page).getByText('สำนักงานข้อมูลได้รับแล้ว').waitFor();
    await screenshot(page, 'upload-received-th-360');

    assert.deepEqual(await stored(site), { bundles: [`${sha256}.age`], receipts: [`${sha256}.json`] });
    const { files, rows } = await pullAndDecrypt(site, url);
    assert.equal(files.length, 1);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].recorder_name, recorder);
    assert.equal(rows[0].recorder_role, 'health_volunteer');
    assert.equal(rows[0].consent, 'no');
    // The server logged the upload under the token's holder, never the token.
    assert.ok(site.log.some((l) => / 201 POST \S*bundles coordinator-a:/.test(l)), site.log.join('\n'));
    assert.ok(!site.log.join('\n').includes(site.upload));
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
    await kill(server);
    await rm(site.dir, { recursive: true, force: true });
  }
});

test('a server killed while a bundle is on its way gets it exactly once after a restart', async () => {
  const site = await deployment();
  let { server, url, port } = await serve(site);
  const { context, page } = await phone(url);
  try {
    await enterCode(page, url, site.upload);
    const recorder = 'ทดสอบ เซิร์ฟเวอร์ดับ';
    await finalizeRecord(page, url, recorder);

    // First try: the server dies before the bundle reaches it.
    let held = 0;
    await page.route('**/api/bundles', async (route) => {
      held += 1;
      if (held === 1) {
        await kill(server);
        await route.continue();
      } else {
        // Second try: the server stores the bundle, then dies before its
        // answer reaches the phone.
        const answer = await route.fetch();
        assert.equal(answer.status(), 201);
        await kill(server);
        await route.abort('connectionreset');
      }
    });
    await page.goto(`${url}#/export`);
    await exportButton(page).click();
    await uploadLine(page).and(page.locator('[data-upload="failed"]')).waitFor({ timeout: 30_000 });
    assert.match(await uploadLine(page).innerText(), /Upload failed: the intake server could not be reached/);
    await screenshot(page, 'upload-failed-en-360');
    assert.deepEqual(await stored(site), { bundles: [], receipts: [] });

    ({ server } = await serve(site, port));
    // Opening the app again tries the bundle at once.
    await page.reload();
    await until(() => held === 2);
    await uploadLine(page).and(page.locator('[data-upload="failed"]')).waitFor({ timeout: 30_000 });
    const afterSecond = await stored(site);
    assert.equal(afterSecond.bundles.length, 1, 'the second try was stored');

    await page.unroute('**/api/bundles');
    ({ server } = await serve(site, port));
    await page.reload();
    await uploadLine(page).and(page.locator('[data-upload="received"]')).waitFor({ timeout: 30_000 });
    const final = await stored(site);
    assert.deepEqual(final, afterSecond, 'the bundle is stored once, with one receipt');
    assert.equal(final.receipts.length, 1);
    assert.ok(site.log.some((l) => / 200 POST \S*bundles coordinator-a:/.test(l)), `the third try was answered with the first receipt:\n${site.log.join('\n')}`);
    const { files, rows } = await pullAndDecrypt(site, url);
    assert.equal(files.length, 1);
    assert.deepEqual(rows.map((r) => r.recorder_name), [recorder]);
  } finally {
    await context.close();
    await kill(server);
    await rm(site.dir, { recursive: true, force: true });
  }
});

test('offline, the bundle waits and says so; back online it goes by itself', async () => {
  const site = await deployment();
  const { server, url } = await serve(site);
  const { context, page } = await phone(url);
  try {
    await enterCode(page, url, site.upload);
    await finalizeRecord(page, url, 'ออฟไลน์ รอส่ง');
    await page.goto(`${url}#/export`);
    await page.locator('.export-choose').waitFor();
    await context.setOffline(true);
    await exportButton(page).click();
    await uploadLine(page).and(page.locator('[data-upload="waiting"]')).waitFor({ timeout: 30_000 });
    assert.match(await uploadLine(page).innerText(), /This phone is offline\. The file goes by itself/);
    await screenshot(page, 'upload-offline-en-360');
    await page.getByRole('button', { name: 'ไทย' }).click();
    await uploadLine(page).getByText('ไฟล์จะส่งเองเมื่อกลับมาออนไลน์').waitFor();
    await screenshot(page, 'upload-offline-th-360');
    assert.deepEqual(await stored(site), { bundles: [], receipts: [] });

    await context.setOffline(false);
    await uploadLine(page).and(page.locator('[data-upload="received"]')).waitFor({ timeout: 30_000 });
    const now = await stored(site);
    assert.equal(now.bundles.length, 1);
    assert.equal(now.receipts.length, 1);
  } finally {
    await context.close();
    await kill(server);
    await rm(site.dir, { recursive: true, force: true });
  }
});
