//! The form screen: pages, questions, repeats, and the draft and finalize
//! actions. Components only show the engine's view-model and send answers
//! back through `FormSession`; no rule of the form is evaluated here.
//!
//! Each part lives in its own file, so that a new control or a change to one
//! part touches one file: [`screen`] holds the screen with its page buttons,
//! problem lists and finalize action; [`page`] a page with its groups and
//! repeats; [`question`] one question, which picks its control from
//! [`controls`]; [`state`] the question's reactive state that the controls
//! share; [`dom`] the ids, focus and scrolling. They import one another
//! downwards only, in that order.

mod controls;
mod dom;
mod page;
mod question;
mod screen;
mod state;

pub use dom::focus_without_scrolling;
pub use screen::FormScreen;

use leptos::prelude::*;

/// A question's or repeat's path, held by the view that shows it and freed
/// with that view. It is `Copy`, so that every closure of a question takes
/// it without cloning a `String`.
#[derive(Clone, Copy)]
pub(crate) struct Path(StoredValue<String>);

impl Path {
    fn new(path: &str) -> Path {
        Path(StoredValue::new(path.to_string()))
    }

    /// The path as text. A handler can run once more after its view is
    /// gone: when the lock screen replaces the form, the focused input is
    /// blurred as it leaves the page. The path of a view that is gone names
    /// no node (the engine finds nothing at an empty path), so that late
    /// event does nothing instead of stopping the app.
    pub(crate) fn get(self) -> String {
        self.0.try_get_value().unwrap_or_default()
    }
}
