// Sums a Chromium performance trace (written by `run.mjs --trace DIR`) by
// what the page's main thread spent its time on: script, style, layout,
// paint, garbage collection, and the rest.
//
//   node scripts/bench/trace-summary.mjs TRACE.json [TOP]
//
// It reads only the renderer that ran the app (the one with the most
// script time), and counts each top-level task's own slices, so that nested
// events are not counted twice.
import { readFileSync } from 'node:fs';

const [file, topArg = '15'] = process.argv.slice(2);
const trace = JSON.parse(readFileSync(file, 'utf8'));
const events = (trace.traceEvents ?? trace).filter((e) => e.ph === 'X' && e.dur !== undefined);

// The main thread of each renderer is named CrRendererMain.
const mains = new Set(
  (trace.traceEvents ?? trace)
    .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .map((e) => `${e.pid}:${e.tid}`),
);
const byThread = new Map();
for (const e of events) {
  const key = `${e.pid}:${e.tid}`;
  if (!mains.has(key)) continue;
  if (!byThread.has(key)) byThread.set(key, []);
  byThread.get(key).push(e);
}
let main = null;
let best = -1;
for (const [key, list] of byThread) {
  const script = list.filter((e) => e.name === 'FunctionCall' || e.name === 'v8.callFunction').reduce((a, e) => a + e.dur, 0);
  if (script > best) {
    best = script;
    main = list;
  }
}
if (!main) throw new Error('no renderer main thread in the trace');
main.sort((a, b) => a.ts - b.ts || b.dur - a.dur);

// Self time of every event name: its duration minus its children's.
const self = new Map();
const stack = [];
for (const e of main) {
  while (stack.length && stack[stack.length - 1].end <= e.ts) stack.pop();
  const parent = stack[stack.length - 1];
  if (parent) parent.children += e.dur;
  const frame = { e, end: e.ts + e.dur, children: 0, top: !parent };
  stack.push(frame);
  e.frame = frame;
}
for (const e of main) {
  const own = e.dur - e.frame.children;
  self.set(e.name, (self.get(e.name) ?? 0) + Math.max(0, own));
}
// Top-level slices are the tasks the thread ran.
const tasks = main.filter((e) => e.frame.top);
const busy = tasks.reduce((a, e) => a + e.dur, 0);
const span = main.length ? main[main.length - 1].ts + main[main.length - 1].dur - main[0].ts : 0;
console.log(`main thread: ${(busy / 1000).toFixed(0)} ms busy in ${tasks.length} tasks over ${(span / 1000).toFixed(0)} ms; longest task ${(Math.max(0, ...tasks.map((e) => e.dur)) / 1000).toFixed(1)} ms`);
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg));
for (const [name, us] of rows) console.log(`${(us / 1000).toFixed(1).padStart(9)} ms  ${name}`);
