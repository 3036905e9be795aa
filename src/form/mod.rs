//! The form screen: pages, questions, repeats, and the draft and finalize
//! actions. Components only show the engine's view-model and send answers
//! back through `FormSession`; no rule of the form is evaluated here.
//!
//! Each part lives in its own file, so that a new control or a change to one
//! part touches one file: [`screen`] holds the screen with its page buttons,
//! problem lists and finalize action; [`page`] a page and its groups;
//! [`repeat`] a repeat and its entries; [`question`] one question, which
//! picks its control from [`controls`]; [`dom`] the ids, focus and scrolling
//! that these share.

mod controls;
mod dom;
mod page;
mod question;
mod repeat;
mod screen;

pub use dom::focus_without_scrolling;
pub use screen::FormScreen;

thread_local! {
    static PATHS: std::cell::RefCell<std::collections::HashSet<&'static str>> = Default::default();
}

/// A `'static` copy of a path, made once per distinct path. Every closure of
/// a question can then copy its path instead of cloning a `String`; the set
/// grows with the number of distinct questions and entries ever shown, not
/// with how often they are shown.
fn intern(path: &str) -> &'static str {
    PATHS.with(|paths| {
        let mut paths = paths.borrow_mut();
        if let Some(&known) = paths.get(path) {
            return known;
        }
        let leaked: &'static str = Box::leak(path.to_string().into_boxed_str());
        paths.insert(leaked);
        leaked
    })
}
