//! How much the browser lets the app keep, and whether it may throw it away.
//!
//! Browsers may evict a site's data when the device runs short of space,
//! unless the site's storage is persistent. The app asks for persistence once
//! there is something worth keeping, and shows how much space it uses.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The site's storage use and limit, in bytes, as the browser estimates
/// them (browsers round and pad these figures on purpose).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Bytes used by this site: IndexedDB, caches and the service worker.
    pub usage: f64,
    /// Bytes this site may use in all.
    pub quota: f64,
}

impl Estimate {
    /// The bytes still free for this site.
    pub fn available(&self) -> f64 {
        (self.quota - self.usage).max(0.0)
    }
}

/// The browser's storage manager, when it has one (it needs a secure
/// context: https, or http on localhost).
fn manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    let has = js_sys::Reflect::has(&navigator, &"storage".into()).unwrap_or(false);
    has.then(|| navigator.storage())
}

/// Awaits a promise that resolves to a boolean.
async fn boolean(promise: Result<js_sys::Promise, wasm_bindgen::JsValue>) -> Option<bool> {
    JsFuture::from(promise.ok()?).await.ok()?.as_bool()
}

/// Asks the browser to keep the site's data even when space runs short.
/// `Some(true)` means it will; `Some(false)` that it declined (Chromium
/// decides by how much the site is used, Firefox asks the person); `None`
/// that the browser has no such setting.
pub async fn request_persistence() -> Option<bool> {
    boolean(manager()?.persist()).await
}

/// Whether the site's data is already persistent.
pub async fn is_persisted() -> Option<bool> {
    boolean(manager()?.persisted()).await
}

/// The site's storage use and limit; `None` when the browser does not say.
pub async fn estimate() -> Option<Estimate> {
    let value = JsFuture::from(manager()?.estimate().ok()?).await.ok()?;
    let estimate: web_sys::StorageEstimate = value.unchecked_into();
    Some(Estimate {
        usage: estimate.get_usage()?,
        quota: estimate.get_quota()?,
    })
}

/// A byte count for people: `512 B`, `3.4 KB`, `12 MB`, `1.2 GB`, with
/// 1 KB = 1000 bytes as phones show storage.
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000.0 {
        return format!("{} B", bytes.max(0.0).round());
    }
    let mut value = bytes / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if value < 10.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}
