//! The reactive state of one question, which its controls read and set.

use leptos::prelude::*;

use super::Path;
use crate::engine_bridge::{ChoiceView, FormSession, NodeView};

/// The reactive state of one question: one signal per part that a control
/// shows. A single effect per question follows the engine (it re-runs when
/// the engine says the question changed) and sets only the parts that
/// really changed, so an answer that only hides a question wakes the one
/// control that hides it. Typing in an answer that 200 questions depend on
/// then wakes about 200 effects, not the dozen of each of those questions.
#[derive(Clone, Copy)]
pub(super) struct Question {
    pub(super) fs: FormSession,
    pub(super) path: Path,
    text: RwSignal<String>,
    label: RwSignal<String>,
    hint: RwSignal<Option<String>>,
    relevant: RwSignal<bool>,
    required: RwSignal<bool>,
    read_only: RwSignal<bool>,
    /// The error as shown: `None` until the question was visited or
    /// finalizing was tried.
    error: RwSignal<Option<String>>,
    /// What the volunteer should know but that blocks nothing, such as a
    /// picked case that is closed.
    warning: RwSignal<Option<String>>,
    pub(super) choices: RwSignal<Vec<ChoiceView>>,
}

impl Question {
    /// The state of the question at `path`, starting from `node`, its view
    /// when the page was built.
    pub(super) fn new(fs: FormSession, path: Path, node: &NodeView) -> Question {
        let q = Question {
            fs,
            path,
            text: RwSignal::new(node.text.clone()),
            label: RwSignal::new(fs.shown(&node.label)),
            hint: RwSignal::new(node.hint.as_deref().map(|h| fs.shown(h))),
            relevant: RwSignal::new(node.relevant),
            required: RwSignal::new(node.required),
            read_only: RwSignal::new(node.read_only),
            error: RwSignal::new(shown_error(fs, node)),
            warning: RwSignal::new(shown_warning(fs, node)),
            choices: RwSignal::new(shown_choices(fs, node.choices.clone())),
        };
        // The first run also catches up with anything answered since `node`
        // was taken.
        Effect::new(move |_| {
            if let Some(node) = fs.node(&path.get()) {
                q.update(node);
            }
        });
        q
    }

    fn update(self, node: NodeView) {
        fn put<T: PartialEq + Send + Sync + 'static>(part: RwSignal<T>, value: T) {
            if part.with_untracked(|old| *old != value) {
                part.set(value);
            }
        }
        let fs = self.fs;
        put(self.error, shown_error(fs, &node));
        put(self.warning, shown_warning(fs, &node));
        put(self.text, node.text);
        put(self.label, fs.shown(&node.label));
        put(self.hint, node.hint.as_deref().map(|h| fs.shown(h)));
        put(self.relevant, node.relevant);
        put(self.required, node.required);
        put(self.read_only, node.read_only);
        put(self.choices, shown_choices(fs, node.choices));
    }

    pub(super) fn text(self) -> String {
        self.text.get()
    }
    pub(super) fn label(self) -> String {
        self.label.get()
    }
    pub(super) fn hint(self) -> Option<String> {
        self.hint.get()
    }
    pub(super) fn relevant(self) -> bool {
        self.relevant.get()
    }
    pub(super) fn required(self) -> bool {
        self.required.get()
    }
    pub(super) fn read_only(self) -> bool {
        self.read_only.get()
    }
    pub(super) fn error(self) -> Option<String> {
        self.error.get()
    }
    pub(super) fn warning(self) -> Option<String> {
        self.warning.get()
    }
    pub(super) fn choices(self) -> Vec<ChoiceView> {
        self.choices.get()
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

/// A question's warning as the screen shows it, as a sentence with the
/// form's digits; unlike an error it shows at once, since it blocks nothing.
fn shown_warning(fs: FormSession, node: &NodeView) -> Option<String> {
    node.warning.as_deref().map(|w| fs.shown(&sentence(w)))
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
