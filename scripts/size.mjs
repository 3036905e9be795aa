// Prints the transfer size of the app shell (wasm + js + css) in a Trunk
// output folder: raw, gzip -9 and brotli at maximum quality, as a server
// with static pre-compression would send them.
import { readdirSync, readFileSync } from 'node:fs';
import { join, extname } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const dir = process.argv[2] ?? 'target/release-dist';
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
