//! Registers the service worker (`sw.js`) that keeps the app working
//! without a network after one visit.

use wasm_bindgen_futures::JsFuture;

/// The service worker's script, beside `index.html`; its scope is the
/// folder the app is served from.
const SCRIPT: &str = "sw.js";

/// Registers the service worker in the background. A browser without
/// service workers (or a page served over plain http from another machine,
/// which is not a secure context) runs the app as before, online only; a
/// failed registration is logged as a warning, because the app itself works.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let container = navigator.service_worker();
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(error) = JsFuture::from(container.register(SCRIPT)).await {
            let message = js_sys::Reflect::get(&error, &"message".into())
                .ok()
                .and_then(|message| message.as_string())
                .unwrap_or_else(|| format!("{error:?}"));
            web_sys::console::warn_1(
                &format!("the offline copy of the app could not be set up: {message}").into(),
            );
        }
    });
}
