// Prints where the bytes of the app's wasm are: per crate and per function,
// from `twiggy top` over the module as wasm-bindgen leaves it, before
// wasm-opt (which drops the function names that say whose code it is).
// wasm-opt then shrinks the module by a few percent more, so the shares
// here, not the byte counts, are what carries over to the shipped file.
//
//   node scripts/size-report.mjs target/wasm32-unknown-unknown/web-release/yim.wasm [functions]
//
// The module is run through wasm-bindgen first, as the release build does,
// so that the glue wasm-bindgen removes (its descriptors) is not counted.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const input = process.argv[2] ?? 'target/wasm32-unknown-unknown/web-release/yim.wasm';
const topFunctions = Number(process.argv[3] ?? 30);
// Methods of primitive types (`<str>::to_lowercase`) are `core`'s.
const PRIMITIVES = /^(str|char|bool|f32|f64|[iu](8|16|32|64|128|size)|\[)/;

const work = mkdtempSync(join(tmpdir(), 'yim-size-'));
try {
  execFileSync('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', work, input], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const wasm = join(work, `${basename(input, '.wasm')}_bg.wasm`);
  const csv = execFileSync('twiggy', ['top', '--format', 'csv', '-n', '1000000', wasm], {
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  report(parse(csv), readFileSync(wasm));
} finally {
  rmSync(work, { recursive: true, force: true });
}

// twiggy's CSV has a header line and quotes names that hold commas.
function parse(csv) {
  const items = [];
  for (const line of csv.split('\n').slice(1)) {
    if (!line.trim()) continue;
    const match = line.match(/^("(?:[^"]|"")*"|[^,]*),(\d+),/);
    if (!match) continue;
    let name = match[1];
    if (name.startsWith('"')) name = name.slice(1, -1).replaceAll('""', '"');
    items.push({ name, size: Number(match[2]) });
  }
  return items;
}

// The crate an item belongs to, read from its demangled name: the first
// path segment, or for a trait method `<Type as Trait>::f` the type's crate
// (the code is the type's, even when the trait is the standard library's),
// unless the type is a generic parameter (`<F as Trait>`), when the trait's
// crate is the best guess. Items with no
// path are grouped by kind.
function crateOf(name) {
  if (name.includes('"function names" subsection') || name.includes('subsection')) return '(names, dropped by wasm-opt)';
  if (/^data segment/.test(name) || /^data\[\d+\]$/.test(name)) return '(data segments)';
  if (/^(elem|table|type|import|export|global|memory|custom|code)\b/.test(name) || name.includes('section')) {
    return '(module tables)';
  }
  // Crate names carry a disambiguator in brackets: `core[c5930c85a12de822]`.
  let text = name.replace(/\[[0-9a-f]{16}\]/g, '');
  const qualified = text.match(/^<(&(mut )?)?(dyn )?(.+?) as ([^>]+)>::/);
  if (qualified) {
    const [, , , , type, trait] = qualified;
    text = /^[A-Z][A-Za-z0-9]*$/.test(type) || /^&?(mut )?[A-Z]$/.test(type) ? trait : type;
  } else {
    text = text.replace(/^<+/, '').replace(/^&(mut )?/, '').replace(/^(dyn |impl )/, '');
  }
  if (PRIMITIVES.test(text)) return 'core';
  const path = text.match(/^([A-Za-z_][A-Za-z0-9_]*)::/);
  if (path) return path[1];
  return '(no name)';
}

function report(items, wasmBytes) {
  // The name section is what this report reads names from; wasm-opt drops
  // it from the shipped file, so it is listed but not counted.
  const shipped = items.filter((item) => crateOf(item.name) !== '(names, dropped by wasm-opt)');
  const total = shipped.reduce((sum, item) => sum + item.size, 0);
  const byCrate = new Map();
  for (const item of shipped) {
    const crate = crateOf(item.name);
    byCrate.set(crate, (byCrate.get(crate) ?? 0) + item.size);
  }
  const kb = (n) => (n / 1024).toFixed(1).padStart(8) + ' KB';
  const pct = (n) => ((100 * n) / total).toFixed(1).padStart(6) + ' %';
  console.log(
    `wasm before wasm-opt: ${(wasmBytes.length / 1024).toFixed(1)} KB raw, ` +
      `${(gzipSync(wasmBytes, { level: 9 }).length / 1024).toFixed(1)} KB gzip -9`,
  );
  console.log(`code and data counted below: ${(total / 1024).toFixed(1)} KB (the name section is left out)`);
  console.log('');
  console.log(`${'crate'.padEnd(44)}${'size'.padStart(11)}${'share'.padStart(9)}`);
  const crates = [...byCrate].sort((a, b) => b[1] - a[1]);
  for (const [crate, size] of crates) {
    if (size < total / 1000) continue;
    console.log(`${crate.padEnd(44)}${kb(size)}${pct(size)}`);
  }
  const small = crates.filter(([, size]) => size < total / 1000);
  const smallSum = small.reduce((sum, [, size]) => sum + size, 0);
  console.log(`${`(${small.length} crates under 0.1 % each)`.padEnd(44)}${kb(smallSum)}${pct(smallSum)}`);
  console.log('');
  console.log(`${'largest items'.padEnd(90)}${'size'.padStart(11)}${'share'.padStart(9)}`);
  for (const item of shipped.slice(0, topFunctions)) {
    const name = item.name.length > 88 ? item.name.slice(0, 85) + '...' : item.name;
    console.log(`${name.padEnd(90)}${kb(item.size)}${pct(item.size)}`);
  }
}
