//! The Yim volunteer app: a Leptos client-side app that lists the bundled
//! forms and lets a volunteer fill one in, offline, in Thai or English.
//!
//! **Boundary**: the app is a thin view over `yim-engine`. Relevance,
//! calculations and validation all come from the engine; components only
//! show its view-model and send answers back. All coupling to the engine's
//! API lives in `engine_bridge`.
//!
//! **Invariant**: form text (labels, hints, choices, messages) is always
//! inserted as text, never parsed as HTML.

#![forbid(unsafe_code)]

mod app;
mod catalog;
mod drafts;
mod engine_bridge;
mod export;
mod follow;
mod form;
mod geo;
mod home;
mod i18n;
mod lock;
mod published;
mod resume;
mod route;
mod seal;
pub mod storage;
mod studio;
mod thai_date;
mod upload;

pub use app::App;

// The unit tests need the DOM and localStorage, so they run in headless
// Chromium rather than in Node.
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Reads the published forms, then mounts the app on the page, replacing
/// the loading line.
pub fn start() {
    console_error_panic_hook::set_once();
    storage::offline::register_service_worker();
    wasm_bindgen_futures::spawn_local(async {
        let catalog = std::sync::Arc::new(published::load().await);
        if let Some(status) = leptos::prelude::document().get_element_by_id("boot-status") {
            status.remove();
        }
        leptos::mount::mount_to_body(
            move || leptos::prelude::view! { <App catalog=catalog.clone()/> },
        );
    });
}
