// Sums a CPU profile written by `run.mjs --cpuprofile DIR`: the functions
// with the most time of their own, and those with the most time including
// what they call, so that the cost of a whole subsystem (the engine, the
// reactive graph, DOM calls) shows up in one line.
//
//   node scripts/bench/profile-summary.mjs STEP.cpuprofile [TOP] [FILTER]
//
// FILTER keeps only the functions whose name contains it.
import { readFileSync } from 'node:fs';

const [file, topArg = '25', filter = ''] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Each sample is charged to its leaf (self) and, once per name, to every
// frame above it (total).
const self = new Map();
const total = new Map();
const name = (n) => n.callFrame.functionName || `(${n.callFrame.url.split('/').pop() || 'program'})`;
const deltas = profile.timeDeltas;
let all = 0;
profile.samples.forEach((id, i) => {
  const dt = deltas[i + 1] ?? 0;
  all += dt;
  const leaf = nodes.get(id);
  self.set(name(leaf), (self.get(name(leaf)) ?? 0) + dt);
  const seen = new Set();
  for (let n = leaf; n; n = nodes.get(parent.get(n.id))) {
    const k = name(n);
    if (seen.has(k)) continue;
    seen.add(k);
    total.set(k, (total.get(k) ?? 0) + dt);
  }
});
const top = Number(topArg);
const show = (title, map) => {
  console.log(`${title} (of ${(all / 1000).toFixed(0)} ms sampled)`);
  [...map.entries()]
    .filter(([k]) => k.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([k, us]) => console.log(`${(us / 1000).toFixed(1).padStart(9)} ms  ${k.slice(0, 150)}`));
};
show('self time', self);
show('total time', total);
