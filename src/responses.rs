//! Responses held by the app while it is open: one draft per form, and the
//! finalized responses. They live in memory only, so they are lost when the
//! page is closed; the screens say so ("this visit").

use std::collections::HashMap;

use leptos::prelude::*;

/// What this visit holds for one form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormResponses {
    /// The draft being filled, as the engine's draft JSON.
    pub draft: Option<serde_json::Value>,
    /// Finalized responses, as the engine's answers JSON.
    pub finalized: Vec<serde_json::Value>,
}

/// Responses of every form, by form id.
#[derive(Clone, Copy)]
pub struct Responses(RwSignal<HashMap<String, FormResponses>>);

impl Responses {
    /// No responses yet.
    pub fn new() -> Responses {
        Responses(RwSignal::new(HashMap::new()))
    }

    /// How many drafts and finalized responses a form has; reactive.
    pub fn counts(self, form_id: &str) -> (usize, usize) {
        self.0.with(|all| {
            all.get(form_id).map_or((0, 0), |r| {
                (usize::from(r.draft.is_some()), r.finalized.len())
            })
        })
    }

    /// The draft of a form, if one was saved.
    pub fn draft(self, form_id: &str) -> Option<serde_json::Value> {
        self.0
            .with_untracked(|all| all.get(form_id).and_then(|r| r.draft.clone()))
    }

    /// Keeps (or replaces) the form's draft.
    pub fn save_draft(self, form_id: &str, draft: serde_json::Value) {
        self.0
            .update(|all| all.entry(form_id.to_string()).or_default().draft = Some(draft));
    }

    /// Adds a finalized response and drops the form's draft.
    pub fn finalize(self, form_id: &str, answers: serde_json::Value) {
        self.0.update(|all| {
            let entry = all.entry(form_id.to_string()).or_default();
            entry.draft = None;
            entry.finalized.push(answers);
        });
    }
}
