// The browser benchmark behind `make bench` (method and figures in
// docs/performance.md). It serves a release build on 127.0.0.1, drives
// Debian's Chromium through playwright-core with the CPU slowed down four
// times (the DevTools protocol's Emulation.setCPUThrottlingRate), standing in
// for a cheap Android phone, and prints one table.
//
//   node scripts/bench/run.mjs DIST FORMS [--quick] [--trace DIR]
//
// DIST is a release build with the generated forms of FORMS published into
// its forms/ folder (see scripts/bench/forms.mjs); FORMS/imported/ holds the imported XLSForm, if
// any. `--quick` runs every measure with fewer repetitions, for the smoke
// test; `--trace DIR` also writes a Chromium performance trace of each step.
//
// Every time is taken inside the page, with performance.now(), from the
// event that starts the step to the end of the first frame that shows its
// result: a requestAnimationFrame callback, then a message posted from it,
// which the browser delivers only after that frame's style, layout and
// paint. Node's round trips to the browser are never inside a measure.
import { gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, extname, resolve } from 'node:path';
import { loadavg, cpus } from 'node:os';
import { serveDist, launchBrowser } from '../../tests/e2e/harness.js';
import { q1Dependents } from './forms.mjs';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return null;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const quick = args.includes('--quick');
if (quick) args.splice(args.indexOf('--quick'), 1);
const traceDir = flag('--trace');
// `--cpuprofile DIR` writes a JavaScript and wasm CPU profile of each step
// (DevTools' .cpuprofile format); wasm functions have names when the build
// kept them (see docs/performance.md).
const profileDir = flag('--cpuprofile');
// `--only open,typing` runs only some of the steps: throttle, open, typing,
// repeat, draft, real, home, cases, size.
const only = flag('--only')?.split(',');
const step = (name) => !only || only.includes(name);
const [distArg = 'target/bench-dist', formsArg = 'target/bench-forms'] = args;
const dist = resolve(distArg);
const formsDir = resolve(formsArg);

const THROTTLE = 4;
// The targets of the issue "Size and speed", in milliseconds, megabytes and
// kilobytes. The drafts and the imported form have none of their own and are
// held to those of the nearest measure: a draft to the paged form's first
// question, the imported form to the national form's.
const TARGET = {
  paged: 500,
  national: 600,
  home: 500,
  typingAboveBaseline: 10,
  add: 50,
  wasmMemoryMb: 30,
  transferKb: 400,
};
const INPUTS = quick ? 10 : 100;
const ENTRIES = quick ? 20 : 200;
const REPEATS = quick ? 1 : 3;
// The case measures are quick enough to take the median of five runs.
const CASE_REPEATS = quick ? 1 : 5;
// What the picker benchmark types into the search box, letter by letter.
const CASE_QUERIES = quick ? ['ploy'] : ['ploy', 'mali', 'bank'];

// Runs in every page before its own scripts: functions to wait for an element
// and for the frame after it, and a hook that keeps the wasm memory so that
// its size can be read next to the JS heap.
function pageTools() {
  const frameEnd = (resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.now());
    channel.port2.postMessage(0);
  };
  // The end of the next frame.
  const afterFrame = () => new Promise((resolve) => requestAnimationFrame(() => frameEnd(resolve)));
  // The end of the first frame in which `selector` matches an element that
  // passes `test`, checked at the start of every frame.
  const shown = (selector, test = () => true) =>
    new Promise((resolve) => {
      const poll = () => {
        const element = document.querySelector(selector);
        if (element && test(element)) frameEnd(resolve);
        else requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
    });
  // Waits as a person would between two taps: long enough for the work the
  // browser defers after a change (its form scan runs 100 ms later), then
  // until the main thread is idle.
  const settle = () =>
    new Promise((resolve) => setTimeout(() => requestIdleCallback(() => resolve(), { timeout: 1000 }), 150));
  window.__bench = { afterFrame, shown, settle };
  const keep = (result) => {
    const instance = result.instance ?? result;
    if (instance?.exports?.memory) window.__bench.memory = instance.exports.memory;
    return result;
  };
  const streaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = (...a) => streaming.apply(WebAssembly, a).then(keep);
  const plain = WebAssembly.instantiate;
  WebAssembly.instantiate = (...a) => plain.apply(WebAssembly, a).then(keep);
}

const FIRST_FIELD = 'main [data-field] :is(input, select, textarea)';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const ms = (t) => `${t < 10 ? t.toFixed(1) : t.toFixed(0)} ms`;
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;

const { server, url } = await serveDist(dist);
const browser = await launchBrowser();
const chromiumVersion = browser.version();
const rows = [];
const started = Date.now();
// Other programs on the machine slow every figure down; the load is printed
// with the table so that two runs can be compared fairly.
const loadBefore = loadavg()[0];

function row(measure, result, target = '', ok = null) {
  rows.push({ measure, result, target, ok });
  const mark = ok === null ? '' : ok ? '  ok' : '  MISSED';
  console.error(`  ${measure}: ${result}${mark}`);
}

/// A fresh phone-sized page (its own storage) with the CPU slowed down.
async function phone() {
  const context = await browser.newContext({
    locale: 'th-TH',
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 1,
    hasTouch: true,
    // The service worker would copy the whole build into its cache during
    // the first visit, on the same CPU, and blur the first measures.
    serviceWorkers: 'block',
  });
  await context.addInitScript(pageTools);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(String(error)));
  page.on('console', (m) => m.type() === 'error' && page.problems.push(m.text()));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
  return { context, page, cdp };
}

/// Records a performance trace or a CPU profile of `step` when --trace or
/// --cpuprofile was given.
async function traced(page, name, step) {
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    try {
      return await step();
    } finally {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(join(profileDir, `${name}.cpuprofile`), JSON.stringify(profile));
      await cdp.detach();
    }
  }
  if (!traceDir) return step();
  mkdirSync(traceDir, { recursive: true });
  await browser.startTracing(page, { path: join(traceDir, `${name}.json`), screenshots: false });
  try {
    return await step();
  } finally {
    await browser.stopTracing();
  }
}

/// Loads the app at `hash` and returns the time from the start of the
/// navigation to the end of the first frame that shows `selector`.
async function openAt(page, hash, selector = FIRST_FIELD) {
  await page.goto(url + hash, { waitUntil: 'commit' });
  const waited = page.evaluate(
    (selector) => window.__bench.shown(selector),
    selector,
  );
  return waited;
}

/// A check that the throttling is in force in the page that runs the app:
/// the same loop of work, timed with and without it.
async function throttleCheck() {
  const { context, page, cdp } = await phone();
  await page.goto(url, { waitUntil: 'load' });
  const loop = () =>
    page.evaluate(() => {
      const start = performance.now();
      let x = 0;
      for (let i = 0; i < 3e6; i++) x = (x + i * 7) % 1000003;
      return performance.now() - start + (x < 0 ? 1 : 0);
    });
  const slow = median([await loop(), await loop(), await loop()]);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  const fast = median([await loop(), await loop(), await loop()]);
  await context.close();
  return slow / fast;
}

/// Loads the app at `hash` REPEATS times, each in a fresh page, and returns
/// the median time until `selector` shows. `onPage` runs on each loaded
/// page before it is closed, to check it or to take more from it.
async function freshLoads(name, hash, selector, onPage = async () => {}) {
  const times = [];
  for (let run = 0; run < REPEATS; run++) {
    const { context, page } = await phone();
    times.push(await traced(page, `${name}-${run + 1}`, () => openAt(page, hash, selector)));
    await onPage(page);
    if (page.problems.length) throw new Error(`${name}: ${page.problems.join('; ')}`);
    await context.close();
  }
  return median(times);
}

/// Opens the form `id` REPEATS times, each in a fresh page, and returns the
/// median time to its first question; with `last`, also the median time
/// until that element is there (a long page is built a chunk at a time
/// after its first screen).
async function firstInteractive(id, last = null) {
  const complete = [];
  const selector = `main [data-form="${id}"] ${FIRST_FIELD.replace('main ', '')}`;
  const time = await freshLoads(`open-${id}`, `#/form/${id}`, selector, async (page) => {
    if (last) complete.push(await page.evaluate((last) => window.__bench.shown(last), last));
    const diagnostics = await page.locator('.diagnostics').count();
    if (diagnostics) throw new Error(`the form ${id} opened with problems`);
  });
  return { time, complete: last ? median(complete) : null };
}

/// Types into `q1` of a 1,000-question form: a `2` after the `1` already
/// there, then Backspace, and so on, so that every keystroke changes `q1`
/// between 1 and 12 and with it all 200 rules that read it. Every dependent
/// on the page is checked after each keystroke: all 200 on the form on one
/// page, the 10 of the first page on the paged form. With `field` set to a
/// question nothing depends on, it gives the cost of a keystroke itself.
async function inputLatency(id, field = 'q1') {
  const { context, page } = await phone();
  await openAt(page, `#/form/${id}`, `[data-field="${field}"] input`);
  // A form on one page is built a chunk at a time after its first screen.
  if (id.endsWith('one-page')) await page.evaluate(() => window.__bench.shown('[data-field="q999"] input'));
  const dependents = field === 'q1' ? q1Dependents() : { shown: [], computed: [] };
  await page.evaluate(({ shown, computed, typed }) => {
    // The elements are looked up once, so the check inside each measure
    // costs a few property reads.
    const field = (name) => document.querySelector(`[data-field="${name}"]`);
    const watch = {
      shown: shown.map(field).filter(Boolean),
      computed: computed
        .map((name) => [Number(name.slice(1)), field(name)?.querySelector('input')])
        .filter(([, e]) => e),
    };
    if (shown.length && (!watch.shown.length || !watch.computed.length)) {
      throw new Error('no dependent of q1 is on the page');
    }
    window.__watched = watch.shown.length + watch.computed.length;
    const state = (window.__latency = { times: [], work: [], pending: null, wrong: [] });
    // The keydown's timeStamp is when the browser received the key, before
    // any script ran; the measure ends after the frame that follows the
    // input event. Part of that time the page only waits for the screen's
    // next frame (up to 16.7 ms at 60 Hz); the work is the time spent
    // handling the key (the app's handler and the updates it wakes, which
    // run before the input event reaches the window) plus the frame's own
    // time, from its requestAnimationFrame to its end.
    let keyAt = 0;
    let handledAt = 0;
    document.addEventListener('keydown', (e) => (keyAt = e.timeStamp), true);
    window.addEventListener('input', () => (handledAt = performance.now()));
    document.addEventListener(
      'input',
      () => {
        const from = keyAt;
        const q1 = Number(document.querySelector(`[data-field="${typed}"] input`).value);
        state.pending = new Promise((resolve) =>
          requestAnimationFrame(() => {
            const frameAt = performance.now();
            const stale = [];
            for (const e of watch.shown) if (!e.isConnected || e.hidden !== !(q1 > 9)) stale.push(e.dataset.field);
            for (const [n, e] of watch.computed) if (!e.isConnected || e.value !== String(q1 * 2 + n)) stale.push(`c${n}`);
            const channel = new MessageChannel();
            channel.port1.onmessage = () => {
              const end = performance.now();
              state.times.push(end - from);
              state.work.push(handledAt - from + (end - frameAt));
              if (stale.length) state.wrong.push(`q1=${q1}: ${stale.length} not updated, e.g. ${stale[0]}`);
              resolve();
            };
            channel.port2.postMessage(0);
          }),
        );
      },
      true,
    );
  }, { ...dependents, typed: field });
  await page.locator(`[data-field="${field}"] input`).click();
  await page.keyboard.press('1');
  await page.evaluate(() => window.__latency.pending);
  await page.evaluate(() => {
    window.__latency.times = [];
    window.__latency.work = [];
  });
  await traced(page, `input-latency-${id}-${field}`, async () => {
    for (let k = 0; k < INPUTS; k++) {
      await page.keyboard.press(k % 2 === 0 ? '2' : 'Backspace');
      await page.evaluate(async () => {
        await window.__latency.pending;
        await window.__bench.settle();
      });
    }
  });
  const { times, work, wrong, watched } = await page.evaluate(() => ({ ...window.__latency, watched: window.__watched }));
  if (times.length !== INPUTS) throw new Error(`expected ${INPUTS} measured inputs, but found ${times.length}`);
  if (wrong.length) throw new Error(`dependents did not follow q1: ${wrong.slice(0, 3).join('; ')}`);
  if (page.problems.length) throw new Error(page.problems.join('; '));
  await context.close();
  return {
    median: median(times),
    p95: percentile(times, 95),
    workMedian: median(work),
    workP95: percentile(work, 95),
    times,
    watched,
  };
}

/// JS heap after a garbage collection, and the size of the wasm memory.
async function memory(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const { wasm, nodes } = await page.evaluate(() => ({
    wasm: window.__bench.memory?.buffer.byteLength ?? 0,
    nodes: document.getElementsByTagName('*').length,
  }));
  return { js: heap.usedSize, wasm, nodes };
}

/// Adds ENTRIES entries to the 20-question repeat by clicking its Add
/// button, timing each from the click to the frame that shows the entry.
async function repeatAdds(context, page, cdp) {
  await openAt(page, '#/form/bench-repeat', 'section.repeat[data-field="people"] > button.btn');
  const before = await memory(page, cdp);
  const times = await traced(page, 'repeat-adds', () =>
    page.evaluate(async (entries) => {
      const add = document.querySelector('section.repeat[data-field="people"] > button.btn');
      const times = [];
      for (let k = 1; k <= entries; k++) {
        const start = performance.now();
        add.click();
        const end = await window.__bench.afterFrame();
        const shown = document.querySelectorAll('[data-field="people"] .instance').length;
        if (shown !== k) throw new Error(`after adding entry ${k}, ${shown} entries are on the page`);
        if (!document.querySelector(`[data-field="people[${k}]/m_consent"] input`)) {
          throw new Error(`entry ${k} has no last question`);
        }
        times.push(end - start);
        await window.__bench.settle();
      }
      return times;
    }, ENTRIES),
  );
  const after = await memory(page, cdp);
  return { times, before, after };
}

/// Answers the name, age and sex of every entry, keeps the draft, and opens
/// it again from the home page; returns the time from the tap on the draft
/// to the frame that shows the last entry's answers.
async function reopenRepeatDraft(context, page) {
  await page.evaluate(async (entries) => {
    const set = (selector, value) => {
      const input = document.querySelector(selector);
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    };
    for (let k = 1; k <= entries; k++) {
      set(`[data-field="people[${k}]/m_name"] input`, `Person ${k}`);
      set(`[data-field="people[${k}]/m_age"] input`, String(k % 90));
      document.querySelector(`[data-field="people[${k}]/m_sex"] input[value="${k % 2 ? 'f' : 'm'}"]`).click();
    }
    await window.__bench.afterFrame();
  }, ENTRIES);
  return reopen(
    page,
    'bench-repeat',
    ['[data-field="people[1]/m_name"] input', 'Person 1'],
    [`[data-field="people[${ENTRIES}]/m_name"] input`, `Person ${ENTRIES}`],
  );
}

/// Leaves the form for the home page (which keeps the draft), waits for the
/// draft to be listed, then taps it and times the reopening until `selector`
/// shows `value`.
async function reopen(page, formId, [selector, value], [lastSelector, lastValue]) {
  await page.evaluate(() => (location.hash = '#/'));
  const link = page.locator(`li.card[data-form="${formId}"] li.draft a.draft-open`);
  await link.waitFor({ timeout: 60_000 });
  const times = [];
  for (let run = 0; run < REPEATS; run++) {
    if (run > 0) {
      await page.evaluate(() => (location.hash = '#/'));
      await link.waitFor({ timeout: 60_000 });
    }
    const time = await traced(page, `reopen-${formId}-${run + 1}`, () =>
      page.evaluate(
        async ({ formId, selector, value, lastSelector, lastValue }) => {
          const start = performance.now();
          document.querySelector(`li.card[data-form="${formId}"] li.draft a.draft-open`).click();
          const first = await window.__bench.shown(selector, (input) => input.value === value);
          const last = await window.__bench.shown(lastSelector, (input) => input.value === lastValue);
          return [first - start, last - start];
        },
        { formId, selector, value, lastSelector, lastValue },
      ),
    );
    times.push(time);
  }
  return { first: median(times.map((t) => t[0])), last: median(times.map((t) => t[1])) };
}

/// Fills the 500 answerable questions of the 1,000-question form on one
/// page, keeps the draft and times its reopening.
async function reopenBigDraft() {
  const { context, page } = await phone();
  await openAt(page, '#/form/bench-1000-one-page', '[data-field="q999"] input');
  await page.evaluate(async () => {
    for (let n = 1; n <= 999; n += 2) {
      const input = document.querySelector(`[data-field="q${n}"] input`);
      input.value = String(n);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    await window.__bench.afterFrame();
  });
  const time = await reopen(
    page,
    'bench-1000-one-page',
    ['[data-field="q1"] input', '1'],
    ['[data-field="q999"] input', '999'],
  );
  if (page.problems.length) throw new Error(page.problems.join('; '));
  await context.close();
  return time;
}

/// The largest form file (by size) in `dir`, with the form id it declares.
function largestForm(dir) {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') }))
    .sort((a, b) => b.text.length - a.text.length);
  if (!files.length) return null;
  const id = files[0].text.match(/^form:\s*\n\s+id:\s*(\S+)/m)?.[1];
  return id ? { file: files[0].file, id } : null;
}

/// The transfer size of the app shell (wasm + js + css), gzip -9.
function shellSize() {
  let gzip = 0;
  for (const name of readdirSync(dist)) {
    if (!['.wasm', '.js', '.css'].includes(extname(name))) continue;
    gzip += gzipSync(readFileSync(join(dist, name)), { level: 9 }).length;
  }
  return gzip;
}

/// The transfer size of the published forms (forms/ of the build: every
/// form, CSV list and the index), each file gzip -9 as a server sends it.
function publishedFormsSize() {
  let gzip = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else gzip += gzipSync(readFileSync(join(dir, entry.name)), { level: 9 }).length;
    }
  };
  walk(join(dist, 'forms'));
  return gzip;
}

/// Nicknames as volunteers write them: many Thai children go by a short
/// name in Latin letters, which is also what the picker benchmark types
/// (real key events exist for Latin letters, not for Thai ones).
const NICKNAMES = ['Ploy', 'Mali', 'Bank', 'Boss', 'Fah', 'Nook', 'Mint', 'Beam', 'Kaew', 'Dao', 'Oil', 'Pim'];
const VILLAGES = ['บ้านห้วยทราย', 'บ้านดอนมูล', 'บ้านนาจาน', 'บ้านปางมดแดง', 'บ้านสันป่าม่วง', 'บ้านร่องคำ', 'บ้านหนองเล็ง', 'บ้านแม่ใส'];

/// A case record as the app's storage keeps it (src/storage/cases.rs), no
/// PIN set, with the properties the national core form and its follow-up
/// save (forms/national/child-core.yaml, the `save_to`s), so that the list
/// and the picker's search read records of the size a phone holds.
function benchCase(i) {
  const id = `0190${String(i).padStart(4, '0')}-0000-7000-8000-000000000000`;
  const day = 1 + (i % 28);
  const month = 11 + (i % 3);
  const next = month > 12 ? `2027-01-${String(day).padStart(2, '0')}` : `2026-${month}-${String(day).padStart(2, '0')}`;
  const status = ['open', 'referred', 'closed'][i % 3];
  const risk = ['low', 'medium', 'high'][i % 3];
  const first = `เด็กหญิง${['สมใจ', 'มะลิ', 'ดวงดาว', 'ปราณี', 'สุดา'][i % 5]} ${i}`;
  const last = ['ใจดี', 'ศรีสุข', 'บุญมา', 'แก้วมณี'][i % 4];
  const nickname = `${NICKNAMES[i % NICKNAMES.length]}${i % 7 === 0 ? '' : ` ${i % 50}`}`;
  const properties = {
    first_name: first,
    last_name: last,
    nickname,
    dob: `20${String(10 + (i % 14)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
    sex: i % 2 ? 'female' : 'male',
    subdistrict: String(560101 + (i % 30)),
    village: VILLAGES[i % VILLAGES.length],
    risk_level: risk,
    plan_actions: ['home_visit', 'home_visit school_contact', 'refer_social welfare'][i % 3],
    lead_agency: ['pmj', 'shelter', 'local_government'][i % 3],
    next_visit: next,
    status,
  };
  if (status === 'referred') Object.assign(properties, { referral_agency: 'pmj', referral_date: '2026-11-02', referral_consent: 'yes' });
  return {
    id,
    list: 'children',
    status,
    next_visit: next,
    risk_level: risk,
    last_visit_ms: 1_760_000_000_000 + i,
    responses: [`0190${String(i).padStart(4, '0')}-0000-7000-8000-00000000000${i % 10}`],
    label: `${first} ${last} (${nickname})`,
    properties,
  };
}

/// A phone with `count` cases stored: the app makes its database at the
/// first visit, then the cases are written into its `cases` store in one
/// transaction, as the records `src/storage/cases.rs` keeps.
async function phoneWithCases(count) {
  const { context, page } = await phone();
  await page.goto(url + '#/', { waitUntil: 'load' });
  await page.evaluate(() => window.__bench.shown('main a.card-title'));
  const records = Array.from({ length: count }, (_, i) => benchCase(i));
  await page.evaluate(
    (records) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('yim');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('cases', 'readwrite');
          const store = tx.objectStore('cases');
          for (const record of records) store.put(record);
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    records,
  );
  return { context, page };
}

/// The home page with `count` cases stored on the phone: each load is timed
/// until the first case of "children I follow" is drawn.
async function casesHome(count) {
  const { context, page } = await phoneWithCases(count);
  const times = [];
  let drawn = 0;
  for (let run = 0; run < CASE_REPEATS; run++) {
    // A new query string makes each load a real navigation, not a change
    // of the fragment in the page already open.
    times.push(
      await traced(page, `cases-home-${run + 1}`, async () => {
        await page.goto(`${url}?run=${run}#/`, { waitUntil: 'commit' });
        return page.evaluate(() => window.__bench.shown('main li.case'));
      }),
    );
    drawn = await page.locator('main li.case').count();
  }
  if (page.problems.length) throw new Error(`cases: ${page.problems.join('; ')}`);
  await context.close();
  return { time: median(times), times, count, drawn };
}

/// The national follow-up form's case picker with `count` cases on the
/// phone: the time from the navigation until the picker offers the cases,
/// then, for each keystroke typed into its search box (real key events),
/// the time from the keydown to the end of the first frame after it. That
/// frame's list is checked against the list once the page has settled, so
/// a keystroke whose filtering finished only in a later frame is reported
/// as an error instead of a time too short.
async function casesPicker(count) {
  const { context, page } = await phoneWithCases(count);
  const select = '[data-field="child"] select';
  const opens = [];
  for (let run = 0; run < CASE_REPEATS; run++) {
    opens.push(
      await traced(page, `cases-picker-open-${run + 1}`, async () => {
        await page.goto(`${url}?run=${run}#/form/child-follow-up`, { waitUntil: 'commit' });
        // The dropdown shows at most 100 options (src/form/controls/dropdown.rs),
        // the rest behind its search box.
        return page.evaluate(
          ({ select, options }) => window.__bench.shown(select, (e) => e.options.length >= options),
          { select, options: Math.min(count, 100) + 1 },
        );
      }),
    );
  }
  await page.evaluate((select) => {
    const list = document.querySelector(select);
    const state = (window.__search = { times: [], shown: [], pending: null });
    let keyAt = 0;
    document.addEventListener('keydown', (e) => (keyAt = e.timeStamp), true);
    document.addEventListener(
      'input',
      () => {
        const from = keyAt;
        state.pending = new Promise((resolve) =>
          requestAnimationFrame(() => {
            const options = list.options.length;
            const channel = new MessageChannel();
            channel.port1.onmessage = () => {
              state.times.push(performance.now() - from);
              state.shown.push(options);
              resolve();
            };
            channel.port2.postMessage(0);
          }),
        );
      },
      true,
    );
  }, select);
  const search = page.locator('[data-field="child"] input.choice-search');
  await search.click();
  // Each name typed letter by letter, then erased: the list narrows, then
  // widens again to every case.
  const keys = [];
  for (const name of CASE_QUERIES) keys.push(...name.split(''), ...name.split('').map(() => 'Backspace'));
  const wrong = [];
  await traced(page, 'cases-picker-search', async () => {
    for (const key of keys) {
      await page.keyboard.press(key);
      const { shown, settled } = await page.evaluate(async (select) => {
        await window.__search.pending;
        await window.__bench.settle();
        return { shown: window.__search.shown.at(-1), settled: document.querySelector(select).options.length };
      }, select);
      if (shown !== settled) wrong.push(`${key}: ${shown} options in the frame, ${settled} once settled`);
    }
  });
  const { times, shown } = await page.evaluate(() => window.__search);
  if (times.length !== keys.length) throw new Error(`expected ${keys.length} measured keys, but found ${times.length}`);
  if (wrong.length) throw new Error(`the picker's list was not filtered in the measured frame: ${wrong.slice(0, 3).join('; ')}`);
  if (page.problems.length) throw new Error(`cases picker: ${page.problems.join('; ')}`);
  await context.close();
  return {
    open: median(opens),
    opens,
    median: median(times),
    p95: percentile(times, 95),
    keys: keys.length,
    narrowest: Math.min(...shown) - 1,
  };
}

/// The gzip size of the forms this build publishes only for the benchmark.
function benchFormsSize() {
  const texts = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith('.yaml')) texts.push(readFileSync(join(dir, entry.name)));
    }
  };
  walk(formsDir);
  return gzipSync(Buffer.concat(texts), { level: 9 }).length;
}

try {
  if (step('throttle')) {
    const slowdown = await throttleCheck();
    console.error(`CPU throttling ${THROTTLE}x (a loop of work runs ${slowdown.toFixed(1)}x slower in the page)`);
  }

  if (step('open')) {
    const paged = await firstInteractive('bench-1000');
    row(
      '1,000 questions, 500 rules, paged: first question interactive',
      ms(paged.time),
      `≤ ${TARGET.paged} ms`,
      paged.time <= TARGET.paged,
    );
    const one = await firstInteractive('bench-1000-one-page', '[data-field="q999"] input');
    // The issue sets no target for the form on one page, the worst case.
    row('1,000 questions, 500 rules, one page: first question interactive', ms(one.time));
    row('  all 1,000 questions built', ms(one.complete));
  }

  if (step('typing')) {
    const baseline = await inputLatency('bench-1000', 'q3');
    row(
      `typing in an answer nothing reads, paged (${INPUTS} keys): median / p95`,
      `${ms(baseline.median)} / ${ms(baseline.p95)}`,
    );
    row(
      '  of which work (handling the key, then the frame): median / p95',
      `${ms(baseline.workMedian)} / ${ms(baseline.workP95)}`,
    );
    for (const [id, where] of [
      ['bench-1000', 'paged'],
      ['bench-1000-one-page', 'one page'],
    ]) {
      const latency = await inputLatency(id);
      row(
        `typing in an answer 200 rules read, ${where} (${latency.watched} of them rendered, ${INPUTS} keys): median / p95`,
        `${ms(latency.median)} / ${ms(latency.p95)}`,
      );
      row(
        '  of which work (handling the key, then the frame): median / p95',
        `${ms(latency.workMedian)} / ${ms(latency.workP95)}`,
      );
      // The target is the app's own cost: the same keystroke's time above
      // that of the key nobody reads, both typed in this run, so that the
      // browser's share and the machine's load cancel out.
      const above = latency.p95 - baseline.p95;
      row(
        '  p95 above the baseline key, same run',
        ms(above),
        `≤ ${TARGET.typingAboveBaseline} ms`,
        above <= TARGET.typingAboveBaseline,
      );
    }
  }

  if (step('repeat')) {
    const { context, page, cdp } = await phone();
    const adds = await repeatAdds(context, page, cdp);
    const at = (k) => adds.times[Math.min(k, ENTRIES) - 1];
    const picks = quick ? [1, 10, ENTRIES] : [1, 50, 100, 200];
    const first10 = median(adds.times.slice(0, 10));
    const last10 = median(adds.times.slice(-10));
    const slowest = Math.max(...adds.times);
    row(
      `add repeat entry ${picks.join(' / ')} (20 questions each)`,
      picks.map((k) => ms(at(k))).join(' / '),
      `≤ ${TARGET.add} ms each`,
      picks.every((k) => at(k) <= TARGET.add),
    );
    row(
      `slowest of ${ENTRIES} adds; median of the first 10 vs the last 10`,
      `${ms(slowest)}; ${ms(first10)} vs ${ms(last10)}`,
      `≤ ${TARGET.add} ms, no growth`,
      slowest <= TARGET.add && last10 < first10 * 1.5 + 2,
    );
    row(
      `memory after ${ENTRIES} entries: JS heap / wasm memory / DOM elements`,
      `${mb(adds.after.js)} / ${mb(adds.after.wasm)} / ${adds.after.nodes}`,
      `(empty form: ${mb(adds.before.js)} / ${mb(adds.before.wasm)})`,
    );
    row(
      `wasm memory after ${ENTRIES} entries`,
      mb(adds.after.wasm),
      `≤ ${TARGET.wasmMemoryMb} MB`,
      adds.after.wasm <= TARGET.wasmMemoryMb * 1024 * 1024,
    );
    if (step('draft')) {
      const reopened = await reopenRepeatDraft(context, page);
      row(
        `open a saved draft: ${ENTRIES} entries, ${3 * ENTRIES} answers: first question interactive`,
        ms(reopened.first),
        `≤ ${TARGET.paged} ms`,
        reopened.first <= TARGET.paged,
      );
      row(`  all ${ENTRIES} entries built`, ms(reopened.last));
    }
    if (page.problems.length) throw new Error(page.problems.join('; '));
    await context.close();
  }

  if (step('draft')) {
    const big = await reopenBigDraft();
    row(
      'open a saved draft: 1,000 questions, 500 answers, one page: first question interactive',
      ms(big.first),
      `≤ ${TARGET.paged} ms`,
      big.first <= TARGET.paged,
    );
    row('  all 1,000 questions built', ms(big.last));
  }

  if (step('real')) {
  const real = [['child-core', 'national core form (8,600 address choices)']];
  const imported = largestForm(join(formsDir, 'imported'));
  if (imported) real.push([imported.id, `largest imported XLSForm (${imported.file})`]);
  for (const [id, title] of real) {
    const { time } = await firstInteractive(id);
    row(`${title}: first question interactive`, ms(time), `≤ ${TARGET.national} ms`, time <= TARGET.national);
  }
  }

  if (step('home')) {
    // The page a volunteer starts from: it lists every form of the build,
    // so it loads them all, province variants and benchmark forms included.
    const card = 'main a.card-title';
    let forms = 0;
    const time = await freshLoads('home', '#/', card, async (page) => {
      forms = await page.locator(card).count();
    });
    row(
      `home page: the list of the build's ${forms} forms shown`,
      ms(time),
      `≤ ${TARGET.home} ms`,
      time <= TARGET.home,
    );
  }

  if (step('cases')) {
    const cases = await casesHome(2000);
    row(
      `home page with ${cases.count} cases on the phone: first screenful of "children I follow" shown (median of ${cases.times.length})`,
      ms(cases.time),
      `≤ ${TARGET.home} ms`,
      cases.time <= TARGET.home,
    );
    row(`  cases drawn on that first screen (the rest behind "show more")`, String(cases.drawn));
    const picker = await casesPicker(2000);
    row(
      `follow-up form with ${cases.count} cases: the picker offers the cases (median of ${picker.opens.length})`,
      ms(picker.open),
      '< 1,000 ms',
      picker.open < 1000,
    );
    row(
      `picker search over ${cases.count} cases (${picker.keys} keys): keydown to the filtered list shown, median / p95`,
      `${ms(picker.median)} / ${ms(picker.p95)}`,
      '< 100 ms',
      picker.p95 < 100,
    );
    row(`  options in the picker after the narrowest search`, String(picker.narrowest));
  }

  if (step('size')) {
  const shell = shellSize();
  row(
    'transfer size of the app a volunteer loads first, wasm + js + css, gzip -9 (no form in it)',
    kb(shell),
    `≤ ${TARGET.transferKb} KB`,
    shell <= TARGET.transferKb * 1024,
  );
  row(
    'transfer size of the published forms (forms/), gzip -9 per file',
    kb(publishedFormsSize()),
    `(bench forms: ${kb(benchFormsSize())} of it)`,
  );
  }
} finally {
  await browser.close();
  await new Promise((resolve) => server.close(resolve));
}

const widths = [
  Math.max(...rows.map((r) => r.measure.length), 7),
  Math.max(...rows.map((r) => r.result.length), 6),
  Math.max(...rows.map((r) => r.target.length), 6),
];
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(
  `\nYim in headless Chromium ${chromiumVersion}, CPU throttled ${THROTTLE}x, 360 x 740, ` +
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} cores, ` +
    `load average ${loadBefore.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after`,
);
console.log(line(['measure', 'result', 'target']) + ' ok?');
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line([r.measure, r.result, r.target]) + (r.ok === null ? '' : r.ok ? ' yes' : ' NO'));
console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s in the browser)`);
