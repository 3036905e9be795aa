//! The device's location for `geopoint` questions, through the browser's
//! Geolocation API.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Asks the browser for the current position and calls `done` once with
/// ODK's geopoint text (`lat lon altitude accuracy`), or with `Err` when the
/// browser has no location or the person refused.
pub fn current_position(done: impl FnOnce(Result<String, ()>) + 'static) {
    let Some(geolocation) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        done(Err(()));
        return;
    };
    // Only one of the two callbacks ever runs; they share `done`.
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let on_error = {
        let done = done.clone();
        Closure::once_into_js(move |_error: web_sys::PositionError| {
            if let Some(done) = done.borrow_mut().take() {
                done(Err(()));
            }
        })
    };
    let on_success = Closure::once_into_js(move |position: web_sys::Position| {
        let coords = position.coords();
        let text = format!(
            "{} {} {} {}",
            coords.latitude(),
            coords.longitude(),
            coords.altitude().unwrap_or(0.0),
            coords.accuracy()
        );
        if let Some(done) = done.borrow_mut().take() {
            done(Ok(text));
        }
    });
    let started = geolocation.get_current_position_with_error_callback(
        on_success.unchecked_ref(),
        Some(on_error.unchecked_ref()),
    );
    if started.is_err() {
        leptos::logging::error!("the browser refused to look up the location");
    }
}
