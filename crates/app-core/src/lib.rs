//! The volunteer app's workflows, kept apart from the DOM so that `cargo
//! test` runs them natively. The app's components call these functions and
//! show what they return; they decide nothing themselves.
//!
//! - [`finalize`]: the order of finalizing a response (its problems first,
//!   then its data, the seal, and only then the write).
//! - [`reopen`]: which version of a form reopens a stored response, and
//!   the note the form screen shows about it.
//! - [`label`]: the short name that tells drafts apart in a list.
//!
//! **Boundary:** this crate knows nothing of the browser, IndexedDB, leptos
//! or the engine's types; the app passes in plain values and closures.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod finalize;
pub mod label;
pub mod reopen;
