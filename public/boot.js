// Starts the app from a file rather than an inline script, so that the page's
// Content-Security-Policy can forbid inline scripts altogether. Trunk writes
// the hashed names of the generated module and wasm into data attributes.
const tag = document.querySelector('script[data-wasm]');
try {
  const bindings = await import(tag.dataset.js);
  await bindings.default({ module_or_path: tag.dataset.wasm });
} catch (error) {
  // Shown as text, never as HTML, because the message comes from the browser.
  const status = document.getElementById('boot-status');
  if (status) {
    status.textContent = 'โหลดแอปไม่สำเร็จ / the app could not start: ' + error;
  }
  throw error;
}
