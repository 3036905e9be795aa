//! Everything the app keeps on the device: drafts, finalized and exported
//! responses, the export log and the sources of the forms responses were
//! filled with, in IndexedDB ([`Storage`]); small settings in localStorage
//! ([`settings`]); the site's storage persistence and quota ([`quota`]);
//! and the service worker that keeps the app usable offline ([`offline`]).
//!
//! **Invariant**: a write is never dropped silently. Every operation either
//! completes in one transaction or returns a [`StorageError`] that says, in
//! the volunteer's language, what happened and what to do; the caller keeps
//! the answers on screen and offers a retry.
//!
//! **Boundary**: this module knows nothing about leptos or the engine. It
//! stores the engine's draft JSON as an opaque value and knows a form only
//! well enough to hash it.

pub mod cases;
mod db;
mod error;
mod ids;
pub mod lock;
mod media;
pub mod offline;
pub mod quota;
mod record;
mod schema;
pub mod settings;
pub mod upload;

#[cfg(test)]
mod cases_tests;
#[cfg(test)]
mod lock_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod upload_tests;

pub use cases::CaseRecord;
pub use db::{Counts, LockStatus, Storage, Written};
pub use error::StorageError;
pub use ids::new_id;
pub use media::{MediaRecord, Photo};
pub use record::{
    form_hash, load_resolved, printed, ExportRecord, FormRef, FormSource, Response, ResponseMeta,
    Status, COPY_MARK,
};

/// The current time in milliseconds since 1970 (UTC), as records store it.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
