//! Small settings of this device, kept in localStorage: the device id, the
//! volunteer's display name and the language.
//!
//! A browser that refuses localStorage (some private modes) still runs the
//! app: reads give nothing, writes are dropped, and the device id lives for
//! the visit only.

use std::cell::RefCell;

use gloo_storage::{LocalStorage, Storage as _};

/// The key of the device id.
pub const DEVICE_KEY: &str = "yim.device";
/// The key of the volunteer's display name.
pub const NAME_KEY: &str = "yim.volunteer";
/// The key of the chosen language; the same key the language switch uses
/// (`i18n`), holding a code such as `th`.
pub const LANGUAGE_KEY: &str = "yim.lang";

thread_local! {
    /// The device id of this visit, when localStorage would not keep one.
    static VISIT_DEVICE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// This device's id: a UUID made the first time the app ran here and kept
/// from then on. Every response records it, so that a data office can tell
/// which phone a response came from without knowing whose it is.
pub fn device_id() -> String {
    if let Ok(id) = LocalStorage::get::<String>(DEVICE_KEY) {
        if !id.is_empty() {
            return id;
        }
    }
    VISIT_DEVICE.with(|visit| {
        let mut visit = visit.borrow_mut();
        if let Some(id) = visit.as_ref() {
            return id.clone();
        }
        let id = super::ids::new_id();
        // When the write fails, the id still holds for the rest of the visit.
        let _ = LocalStorage::set(DEVICE_KEY, &id);
        *visit = Some(id.clone());
        id
    })
}

/// The name the volunteer gave, if any.
pub fn volunteer_name() -> Option<String> {
    LocalStorage::get::<String>(NAME_KEY)
        .ok()
        .filter(|name| !name.trim().is_empty())
}

/// Remembers the volunteer's display name; an empty name forgets it.
pub fn set_volunteer_name(name: &str) {
    let name = name.trim();
    if name.is_empty() {
        LocalStorage::delete(NAME_KEY);
    } else {
        let _ = LocalStorage::set(NAME_KEY, name);
    }
}

/// The remembered language code, if one was chosen.
pub fn language_code() -> Option<String> {
    LocalStorage::get::<String>(LANGUAGE_KEY).ok()
}

/// Remembers the language code.
pub fn set_language_code(code: &str) {
    let _ = LocalStorage::set(LANGUAGE_KEY, code);
}
