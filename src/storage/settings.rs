//! Small settings of this device, kept in localStorage: the device id, the
//! volunteer's display name, the language and the coordinator's upload
//! code for the deployment's intake.
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
/// The key of the upload code (the intake's upload token).
pub const UPLOAD_TOKEN_KEY: &str = "yim.upload-token";

/// The longest upload code accepted; `yim serve token new` makes 43
/// characters.
pub const MAX_UPLOAD_TOKEN: usize = 256;

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

/// The upload code entered on this device, if any. It lets the holder add
/// bundles to the intake and nothing else: it cannot read or list what is
/// there (docs/security.md).
pub fn upload_token() -> Option<String> {
    LocalStorage::get::<String>(UPLOAD_TOKEN_KEY)
        .ok()
        .filter(|token| !token.is_empty())
}

/// Why an upload code was not kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenProblem {
    /// Nothing was typed.
    Empty,
    /// Longer than [`MAX_UPLOAD_TOKEN`], or with characters a token never
    /// has (it goes into an HTTP header).
    Malformed,
    /// The browser would not store it.
    NotStored,
}

/// Keeps the upload code typed in the settings; spaces around it (from a
/// copied message) are dropped.
pub fn set_upload_token(typed: &str) -> Result<(), TokenProblem> {
    let token = typed.trim();
    if token.is_empty() {
        return Err(TokenProblem::Empty);
    }
    if token.len() > MAX_UPLOAD_TOKEN || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(TokenProblem::Malformed);
    }
    LocalStorage::set(UPLOAD_TOKEN_KEY, token).map_err(|_| TokenProblem::NotStored)
}

/// Forgets the upload code.
pub fn forget_upload_token() {
    LocalStorage::delete(UPLOAD_TOKEN_KEY);
}
