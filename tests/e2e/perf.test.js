// A generated 1,000-question form (tests/e2e/big-form.js): opening it and
// typing into it must stay quick, because an answer only re-renders the
// questions the engine says it changed. The figures are printed; the limits
// are loose enough for a busy two-core machine running a debug build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './harness.js';

let app;
before(async () => {
  app = await start();
});
after(async () => {
  await app?.close();
});

/// Types 1 to 9 into `q1` and returns the time from each input event to the
/// next painted frame, in milliseconds.
function typingLatencies(page) {
  return page.evaluate(async () => {
    const input = document.querySelector('[data-field="q1"] input');
    const times = [];
    for (let k = 1; k <= 9; k++) {
      const started = performance.now();
      input.value = String(k);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      times.push(performance.now() - started);
    }
    return times;
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const [title, fields, openLimit] of [
  ['Big test form', 51, 3000],
  ['Big test form on one page', 1021, 6000],
]) {
  test(`${title}: opens, answers and switches language quickly`, async () => {
    const page = await app.open({ locale: 'en-US' });
    const opening = Date.now();
    await page.getByRole('link', { name: title, exact: true }).click();
    await page.locator('[data-field="q1"] input').waitFor();
    const openMs = Date.now() - opening;
    // A long page shows its first screen, then builds the rest a chunk at a
    // time.
    await page.waitForFunction((n) => document.querySelectorAll('[data-field]').length >= n, fields);
    assert.equal(await page.locator('[data-field]').count(), fields);
    assert.equal(await page.locator('.diagnostics').count(), 0, 'the generated form has problems');

    const latencies = await typingLatencies(page);
    await page.locator('[data-field="q2"]').waitFor({ state: 'visible' });
    // The last answer, 9, reaches the total through its group's subtotal.
    const total = page.locator('[data-field="total"] input');
    if ((await total.count()) > 0) assert.equal(await total.inputValue(), '9');

    const switching = Date.now();
    await page.getByRole('button', { name: 'ไทย' }).click();
    await page.getByText('คำถาม 1', { exact: true }).waitFor();
    const switchMs = Date.now() - switching;

    console.log(
      `${title}: ${fields} fields on the page, open ${openMs} ms, ` +
        `typing ${latencies.map((t) => t.toFixed(0)).join('/')} ms (median ${median(latencies).toFixed(0)}), ` +
        `language switch ${switchMs} ms`,
    );
    assert.ok(openMs < openLimit, `opening took ${openMs} ms`);
    assert.ok(median(latencies) < 100, `typing took ${latencies} ms`);
    assert.deepEqual(page.problems, []);
  });
}
