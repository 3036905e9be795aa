// Deployment for real: the forms are files on the web host, published with
// `yim publish` and the deployment's recipients, not code in the wasm.
//
// 1. The national child record, filled and finalized on the build that
//    `make serve` makes, is sealed to the data-office key that
//    scripts/setup.sh made for this machine (.yim/office-key.txt): nothing
//    typed stays in clear on the phone, and the exported bundle opens with
//    `yim decrypt` and with Debian's `age` and `tar`.
// 2. A province publishes a changed variant into the served folder while
//    the app is open: after a reload the new version is listed, a draft of
//    the old one opens with its own version, and offline every form is
//    still listed and opens.
// 3. A published file that does not match the index is refused with a
//    clear message when its form is opened (the home page lists it from
//    the index, fetching no form file), and the other forms still open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dist, root, serveDist, launchBrowser, openPage, screenshot } from './harness.js';
import { everythingStored, exportBundle, readCsv, openWithStandardTools } from './office.js';

/// The data-office identity that scripts/setup.sh made for this machine.
const OFFICE_KEY = join(root, '.yim', 'office-key.txt');
const RECIPIENTS = join(root, '.yim', 'recipients.txt');
/// The folders the end-to-end build published (Makefile, test-e2e).
const PUBLISHED = ['forms', 'tests/e2e/forms', 'target/e2e-forms'];

let yim;
before(() => {
  execFileSync('cargo', ['build', '-q', '-p', 'yim-cli'], { cwd: root, stdio: 'inherit' });
  yim = join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'yim');
});

/// Serves a copy of the build whose files can be changed while it runs.
async function serveCopy() {
  const dir = await mkdtemp(join(tmpdir(), 'yim-site-'));
  await cp(dist, dir, { recursive: true });
  const { server, url } = await serveDist(dir);
  return {
    dir,
    url,
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

const card = (page, id) => page.locator(`li.card[data-form="${id}"]`);

test('the national child record is sealed to the set-up key and opens with yim decrypt and with age and tar', async () => {
  const site = await serveCopy();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 740 }, acceptDownloads: true });
    const page = await openPage(context, site.url);
    const recorder = 'สมศรี ทดสอบการส่งออก';
    await card(page, 'child-core').getByRole('link', { name: 'Individual child record (national core)' }).click();
    await page.locator('article.form[data-form="child-core"]').waitFor();
    await page.getByLabel('Name of the person recording').fill(recorder);
    await page.locator('[data-field="recorder_role"]').getByLabel('Village health volunteer').check();
    // The family did not agree: the record ends here, as the form says.
    await page.locator('[data-field="consent"]').getByLabel('No', { exact: true }).check();
    await page.getByRole('button', { name: /^Finalize/ }).click();
    await page.locator('section.done').waitFor();

    const stored = await everythingStored(page);
    const record = stored.raw.responses.find((r) => r.form_id === 'child-core');
    assert.equal(record.status, 'finalized');
    const body = stored.raw.answers.find((b) => b.id === record.id);
    assert.equal(body.sealed?.head, 'age-encryption.org/v1', 'the record is sealed');
    for (const [where, texts] of Object.entries(stored.stores)) {
      for (const t of texts) {
        assert.ok(!t.includes(recorder), `${where} holds the typed name in clear`);
        // The kept form source names every choice; the records must not.
        if (where !== 'forms') assert.ok(!t.includes('health_volunteer'), `${where} holds an answer in clear`);
      }
    }

    await page.goto(`${site.url}#/export`);
    await card(page, 'child-core').locator('.counts').getByText('1 waiting for export').waitFor();
    const dir = await mkdtemp(join(tmpdir(), 'yim-national-'));
    const bundle = await exportBundle(page, dir, () => page.getByRole('button', { name: 'Export', exact: true }).click());
    await screenshot(page, 'deployment-export-en-360');

    const out = join(dir, 'csv');
    const run = spawnSync(yim, ['decrypt', '-i', OFFICE_KEY, '-o', out, bundle.path], { encoding: 'utf8' });
    assert.equal(run.status, 0, `yim decrypt with the set-up key failed:\n${run.stdout}\n${run.stderr}`);
    const rows = await readCsv(join(out, 'child-core.csv'));
    assert.equal(rows.length, 1);
    assert.equal(rows[0].recorder_name, recorder);
    assert.equal(rows[0].recorder_role, 'health_volunteer');
    assert.equal(rows[0].consent, 'no');

    const opened = await openWithStandardTools(bundle.path, OFFICE_KEY);
    const [doc] = Object.values(opened.responses);
    assert.equal(doc.answers.recorder_name, recorder);
    assert.equal(doc.form_id, 'child-core');
    assert.deepEqual(page.problems, []);
  } finally {
    await browser.close();
    await site.stop();
    await site.remove();
  }
});

/// Publishes the end-to-end forms again into the served site, with the
/// Phayao variant changed as a province would change it.
async function publishChangedPhayao(site) {
  const work = await mkdtemp(join(tmpdir(), 'yim-forms-'));
  const folders = [];
  for (const [i, folder] of PUBLISHED.entries()) {
    const copy = join(work, String(i));
    await cp(join(root, folder), copy, { recursive: true });
    folders.push(copy);
  }
  const phayao = join(folders[0], 'phayao', 'child-phayao.yaml');
  const text = await readFile(phayao, 'utf8');
  const version = text.match(/version: "([^"]+)"/)[1];
  const next = `${version}-changed`;
  await writeFile(phayao, text.replace(`version: "${version}"`, `version: "${next}"`));
  const run = spawnSync(yim, ['publish', ...folders, '-r', RECIPIENTS, '-o', join(site.dir, 'forms')], { encoding: 'utf8' });
  assert.equal(run.status, 0, `yim publish failed:\n${run.stdout}\n${run.stderr}`);
  await rm(work, { recursive: true, force: true });
  return { version, next };
}

test('a changed province variant published while the app is open is picked up, drafts keep their version, and offline every form opens', async () => {
  const site = await serveCopy();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 740 } });
    const page = await openPage(context, site.url);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

    // A draft of today's Phayao form.
    const phayao = card(page, 'child-phayao');
    const oldVersion = (await phayao.locator('.meta').first().innerText()).replace('Version ', '');
    await phayao.getByRole('link').first().click();
    await page.locator('article.form[data-form="child-phayao"]').waitFor();
    await page.getByLabel('Name of the person recording').fill('Draft on the old version');
    await page.getByRole('status').getByText('Draft kept on this phone').waitFor();
    await page.getByRole('link', { name: 'Yim' }).click();
    await phayao.getByText(`Version ${oldVersion}`).waitFor();

    // The province publishes a change: files copied, no new build.
    const { version, next } = await publishChangedPhayao(site);
    assert.equal(version, oldVersion);
    await page.reload();
    await page.locator('main[data-ready]').waitFor({ timeout: 30_000 });
    await phayao.getByText(`Version ${next}`).waitFor();

    // The draft still opens with the version it was started on.
    await phayao.locator('li.draft').getByRole('link').first().click();
    await page.locator('.version-note').getByText(new RegExp(oldVersion.replace(/[.]/g, '\\.'))).waitFor();
    assert.equal(await page.getByLabel('Name of the person recording').inputValue(), 'Draft on the old version');
    await screenshot(page, 'deployment-old-draft-en-360');

    // Offline: every published form is listed and opens.
    await page.getByRole('link', { name: 'Yim' }).click();
    const ids = await page.locator('li.card[data-form]').evaluateAll((items) => items.map((i) => i.dataset.form));
    await context.setOffline(true);
    await site.stop();
    await page.goto(site.url);
    await page.locator('main[data-ready]').waitFor({ timeout: 30_000 });
    await phayao.getByText(`Version ${next}`).waitFor();
    const offline = await page.locator('li.card[data-form]').evaluateAll((items) => items.map((i) => i.dataset.form));
    assert.deepEqual(offline, ids);
    for (const id of ids) {
      await page.goto(`${site.url}#/form/${encodeURIComponent(id)}`);
      await page.locator(`article.form[data-form="${id}"]`).waitFor();
    }
    assert.equal(await page.locator('section.broken').count(), 0);
    assert.deepEqual(page.problems, []);
  } finally {
    await browser.close();
    await site.remove();
  }
});

test('a published file that does not match the index is refused, and the other forms open', async () => {
  const site = await serveCopy();
  const browser = await launchBrowser();
  try {
    // Somebody edits a form on the host without publishing it again.
    const file = join(site.dir, 'forms', 'phayao', 'child-phayao.yaml');
    await writeFile(file, (await readFile(file, 'utf8')) + '\n# edited by hand\n');
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 740 } });
    // The page's own requests for form files, not the service worker's.
    const fetched = [];
    context.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.includes('/forms/') && !path.endsWith('/index.json') && !request.serviceWorker()) fetched.push(path);
    });
    const page = await openPage(context, site.url);
    // The home page lists every form from the index and fetches none.
    await card(page, 'child-phayao').waitFor();
    assert.equal(await page.locator('section.broken').count(), 0);
    assert.deepEqual(fetched, []);

    // Opening the changed form refuses it with the reason.
    await card(page, 'child-phayao').getByRole('link').first().click();
    const broken = page.locator('section.broken');
    await broken.getByText(/phayao\/child-phayao\.yaml.*changed after it was published/).waitFor();
    assert.equal(await page.locator('article.form').count(), 0);
    assert.ok(fetched.some((path) => path.endsWith('/phayao/child-phayao.yaml')), fetched.join(', '));
    await screenshot(page, 'deployment-mismatch-en-360');

    // Back home, it is listed among the forms that cannot be opened, and the
    // national form, whose files match, opens.
    await page.getByRole('link', { name: 'All forms' }).click();
    await broken.getByText(/phayao\/child-phayao\.yaml.*changed after it was published/).waitFor();
    assert.equal(await card(page, 'child-phayao').count(), 0);
    await card(page, 'child-core').getByRole('link').first().click();
    await page.locator('article.form[data-form="child-core"]').waitFor();
  } finally {
    await browser.close();
    await site.stop();
    await site.remove();
  }
});
