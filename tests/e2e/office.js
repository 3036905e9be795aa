// What the data office does with what a phone exported, shared by the tests
// of the route from a volunteer's phone to the data office: reading every
// record the app stored, saving an exported bundle, reading the CSV that
// `yim decrypt` writes, and opening a bundle with Debian's `age` and `tar`
// as docs/bundle-format.md says.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './harness.js';

/// The bundle crate's published TEST ONLY key, which the e2e test forms
/// are sealed to.
export const TEST_KEY = join(root, 'crates', 'bundle', 'tests', 'vectors', 'test-key.txt');

/// Builds the data office's command line from this workspace and gives the
/// path of the `yim` program.
export function buildYim() {
  execFileSync('cargo', ['build', '-q', '-p', 'yim-cli'], { cwd: root, stdio: 'inherit' });
  return join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'yim');
}

/// Decrypts `bundle` with `yim decrypt` into `out` and returns the rows of
/// form `formId`'s CSV table.
export async function decryptRows(yim, bundle, out, formId) {
  const run = spawnSync(yim, ['decrypt', '-i', TEST_KEY, '-o', out, bundle], { encoding: 'utf8' });
  assert.equal(run.status, 0, `yim decrypt failed:\n${run.stderr}`);
  return readCsv(join(out, `${formId}.csv`));
}

/// Every record of every IndexedDB store of the app, and localStorage and
/// sessionStorage, as text: byte arrays are decoded as UTF-8 so that any
/// answer kept in clear would show.
export function everythingStored(page) {
  return page.evaluate(async () => {
    // Byte arrays become their length, their first 21 bytes (where an age
    // file says what it is) and all their bytes decoded as UTF-8.
    const plain = (value) =>
      JSON.parse(
        JSON.stringify(value, (_key, v) => {
          if (v instanceof Uint8Array || v instanceof ArrayBuffer) {
            const bytes = new Uint8Array(v);
            const decode = (b) => new TextDecoder('utf-8', { fatal: false }).decode(b);
            return { length: bytes.length, head: decode(bytes.slice(0, 21)), text: decode(bytes) };
          }
          return v;
        }),
      );
    const text = (value) => JSON.stringify(plain(value));
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('yim');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const stores = {};
    for (const name of db.objectStoreNames) {
      stores[name] = await new Promise((resolve, reject) => {
        const request = db.transaction(name).objectStore(name).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    db.close();
    return {
      stores: Object.fromEntries(Object.entries(stores).map(([name, records]) => [name, records.map(text)])),
      raw: plain(stores),
      local: text({ ...localStorage }),
      session: text({ ...sessionStorage }),
    };
  });
}

/// Exports from the export page and saves the bundle; returns its path and
/// the name the app gave it.
export async function exportBundle(page, dir, click) {
  const save = page.getByRole('link', { name: 'Save the file' });
  await click();
  await save.waitFor({ timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), save.click()]);
  const name = download.suggestedFilename();
  const path = join(dir, name);
  await download.saveAs(path);
  return { path, name };
}

/// Reads a CSV file written by `yim decrypt` into objects keyed by header.
export async function readCsv(path) {
  const text = await readFile(path, 'utf8');
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

/// The shell block of docs/bundle-format.md that opens a bundle with the
/// standard tools, exactly as the document writes it.
async function standardCommands() {
  const doc = await readFile(join(root, 'docs', 'bundle-format.md'), 'utf8');
  const marker = doc.indexOf('runs the next block exactly as written');
  assert.ok(marker > 0, 'the marked block is in docs/bundle-format.md');
  const block = doc.slice(marker).match(/```sh\n([\s\S]*?)```/);
  assert.ok(block, 'a sh block follows the marker');
  return block[1];
}

/// Opens a bundle with `age` and `tar` as the format document says, in a
/// fresh folder holding `key.txt` and `bundle.yim.age`, and returns the
/// manifest and the responses by id.
export async function openWithStandardTools(bundlePath, key) {
  const dir = await mkdtemp(join(tmpdir(), 'yim-age-'));
  await copyFile(key, join(dir, 'key.txt'));
  await copyFile(bundlePath, join(dir, 'bundle.yim.age'));
  const run = spawnSync('sh', ['-e', '-c', await standardCommands()], { cwd: dir, encoding: 'utf8' });
  assert.equal(run.status, 0, `the standard commands failed:\n${run.stderr}`);
  const folder = join(dir, 'bundle');
  const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'));
  // sha256sum printed the checksums the manifest promises.
  for (const r of manifest.responses) {
    assert.ok(run.stdout.includes(`${r.sha256}  responses/${r.id}.json.age`), `checksum of ${r.id}`);
  }
  for (const f of manifest.forms) {
    assert.ok(run.stdout.includes(`${f.hash}  forms/${f.hash}.yaml`), `checksum of form ${f.id}`);
  }
  const responses = {};
  for (const name of await readdir(join(folder, 'responses'))) {
    if (name.endsWith('.json')) {
      const doc = JSON.parse(await readFile(join(folder, 'responses', name), 'utf8'));
      responses[doc.id] = doc;
    }
  }
  return { manifest, responses };
}

