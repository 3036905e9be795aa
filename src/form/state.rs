//! The reactive state of one question, which its controls read and set.

use leptos::prelude::*;

use super::Path;
use crate::engine_bridge::{ChoiceView, FormSession, NodeView};

/// What a question shows, as the screen shows it, but its choices: one
/// value, held in one signal. A repeat of 200 entries holds 4,000 of these,
/// and each signal, effect and subscriber list of the reactive graph costs
/// memory of its own, so a question keeps one value rather than one signal
/// per part. The choices have a signal of their own: they change seldom,
/// and a case picker's 2,000 choices are searched by keys made from them,
/// which an answer or an error should not make again.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Shown {
    pub(super) text: String,
    pub(super) label: String,
    pub(super) hint: Option<String>,
    pub(super) relevant: bool,
    pub(super) required: bool,
    pub(super) read_only: bool,
    /// The error as shown: `None` until the question was visited or
    /// finalizing was tried.
    pub(super) error: Option<String>,
    /// What the volunteer should know but that blocks nothing, such as a
    /// picked case that is closed.
    pub(super) warning: Option<String>,
}

impl Shown {
    /// What the screen shows of `node`: texts with the form's digits,
    /// errors only once they are due.
    fn of(fs: FormSession, node: NodeView) -> (Shown, Vec<ChoiceView>) {
        let shown = Shown {
            error: shown_error(fs, &node),
            warning: node.warning.as_deref().map(|w| fs.shown(&sentence(w))),
            label: fs.shown(&node.label),
            hint: node.hint.as_deref().map(|h| fs.shown(h)),
            relevant: node.relevant,
            required: node.required,
            read_only: node.read_only,
            text: node.text,
        };
        (shown, shown_choices(fs, node.choices))
    }
}

/// The reactive state of one question. A single effect per question follows
/// the engine (it re-runs when the engine says the question changed, or
/// when the app's language changes), replaces the question's [`Shown`] only
/// when something in it changed, and then calls the question's `paint`,
/// which sets the parts of the page that every kind of question has (its
/// label, hint, error, required mark, hidden state) in one pass. Typing in
/// an answer that 200 questions depend on thus runs about 200 effects, and
/// the controls' own reactive closures only for the questions whose shown
/// state really changed.
#[derive(Clone, Copy)]
pub(super) struct Question {
    pub(super) fs: FormSession,
    pub(super) path: Path,
    shown: RwSignal<Shown>,
    choices: RwSignal<Vec<ChoiceView>>,
}

impl Question {
    /// The state of the question at `path`, starting from `node`, its view
    /// when the page was built. `paint` sets the page from the state after
    /// every change; the page starts right without it (its first run, once
    /// the question is on the page, finds nothing to change unless
    /// something was answered since `node` was taken).
    pub(super) fn new(
        fs: FormSession,
        path: Path,
        node: NodeView,
        paint: impl Fn(&Shown) + 'static,
    ) -> Question {
        let (now, offered) = Shown::of(fs, node);
        let (shown, choices) = (RwSignal::new(now), RwSignal::new(offered));
        let q = Question {
            fs,
            path,
            shown,
            choices,
        };
        // The required mark's word for screen readers is in the app's
        // language, which may change without the form's.
        let lang = use_context::<RwSignal<crate::i18n::Lang>>();
        Effect::new(move |_| {
            if let Some(lang) = lang {
                lang.track();
            }
            if let Some(node) = fs.node(&path.get()) {
                let (next, offered) = Shown::of(fs, node);
                if choices.with_untracked(|old| *old != offered) {
                    choices.set(offered);
                }
                if shown.with_untracked(|old| *old != next) {
                    shown.set(next);
                }
                shown.with_untracked(&paint);
            }
        });
        q
    }

    /// The shown state as it is now, without subscribing: what a view
    /// that `paint` keeps up to date starts with.
    pub(super) fn untracked<T>(self, part: impl FnOnce(&Shown) -> T) -> T {
        self.shown.with_untracked(part)
    }

    /// Reads the shown state, subscribing to it.
    pub(super) fn with<T>(self, part: impl FnOnce(&Shown) -> T) -> T {
        self.shown.with(part)
    }

    pub(super) fn text(self) -> String {
        self.shown.with(|s| s.text.clone())
    }
    pub(super) fn required(self) -> bool {
        self.shown.with(|s| s.required)
    }
    pub(super) fn read_only(self) -> bool {
        self.shown.with(|s| s.read_only)
    }
    pub(super) fn error(self) -> Option<String> {
        self.shown.with(|s| s.error.clone())
    }
    pub(super) fn warning(self) -> Option<String> {
        self.shown.with(|s| s.warning.clone())
    }
    pub(super) fn choices(self) -> Vec<ChoiceView> {
        self.choices.get()
    }
    /// Reads the offered choices without copying them.
    pub(super) fn with_choices<T>(self, f: impl FnOnce(&[ChoiceView]) -> T) -> T {
        self.choices.with(|c| f(c))
    }
}

/// A question's error as the screen shows it: once the question was visited
/// or finalizing was tried, as a sentence (with the form's digits, since a
/// message such as "between 0 and 17" repeats the form's numbers).
fn shown_error(fs: FormSession, node: &NodeView) -> Option<String> {
    if node.show_error {
        node.error.as_deref().map(|e| fs.shown(&sentence(e)))
    } else {
        None
    }
}

/// The choices as the screen shows them: only their labels take the form's
/// digits, while their names, which are what is stored, stay as written.
fn shown_choices(fs: FormSession, mut choices: Vec<ChoiceView>) -> Vec<ChoiceView> {
    for choice in &mut choices {
        choice.label = fs.shown(&choice.label);
    }
    choices
}

/// The engine writes its own messages in lowercase, as diagnostics are; on
/// screen a message starts with a capital like any sentence. Thai has no
/// case, so Thai text is unchanged.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
