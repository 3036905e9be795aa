// Prints the transfer size of the app shell (wasm + js + css) in a Trunk
// output folder: raw, gzip -9 and brotli at maximum quality, as a server
// with static pre-compression would send them.
//
//   node scripts/size.mjs DIST [--budget KB]
//
// With `--budget`, it fails when the gzip total is over that many KB: the
// size of a release build is the same on every machine, so unlike the
// benchmark's timings it can be a test (`make test-size`).
import { readdirSync, readFileSync } from 'node:fs';
import { join, extname } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const args = process.argv.slice(2);
const budgetAt = args.indexOf('--budget');
const budget = budgetAt >= 0 ? Number(args.splice(budgetAt, 2)[1]) : null;
if (budget !== null && !(budget > 0)) {
  console.error('size: --budget takes a size in KB, for example --budget 1100');
  process.exit(2);
}
const dir = args[0] ?? 'target/release-dist';
const kinds = new Set(['.wasm', '.js', '.css']);
const rows = [];
for (const name of readdirSync(dir).sort()) {
  if (!kinds.has(extname(name))) continue;
  const bytes = readFileSync(join(dir, name));
  rows.push({
    name,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  });
}
// A folder without a wasm is not a build, and must not pass a budget.
if (!rows.some((row) => row.name.endsWith('.wasm'))) {
  console.error(`size: no .wasm in ${dir}; build it first (make release)`);
  process.exit(2);
}
const kb = (n) => (n / 1024).toFixed(1).padStart(8) + ' KB';
const total = { name: 'total', raw: 0, gzip: 0, brotli: 0 };
for (const row of rows) {
  total.raw += row.raw;
  total.gzip += row.gzip;
  total.brotli += row.brotli;
}
console.log(`${'file'.padEnd(40)}${'raw'.padStart(11)}${'gzip'.padStart(11)}${'brotli'.padStart(11)}`);
for (const row of [...rows, total]) {
  console.log(`${row.name.padEnd(40)}${kb(row.raw)}${kb(row.gzip)}${kb(row.brotli)}`);
}
if (budget !== null) {
  const gzipKb = total.gzip / 1024;
  if (gzipKb > budget) {
    console.error(
      `size: the app a volunteer loads first is ${gzipKb.toFixed(1)} KB gzip, over its budget of ${budget} KB ` +
        '(docs/performance.md says what the budget is and how to find what grew: make size)',
    );
    process.exit(1);
  }
  console.log(`size: ${gzipKb.toFixed(1)} KB gzip, within the budget of ${budget} KB`);
}
