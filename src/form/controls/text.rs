//! Text, numbers, dates and times typed in.

use leptos::html;
use leptos::prelude::*;

use super::mirror;
use crate::engine_bridge::{self, NodeKind};
use crate::form::state::Question;

/// A text-like input. Numbers use a text input with a numeric keyboard, so
/// that what the person typed reaches the engine unchanged and a wrong entry
/// gets the form's own message rather than being silently cleared by the
/// browser.
pub(in crate::form) fn text_input(
    q: Question,
    kind: NodeKind,
    appearance: Option<&str>,
    id: String,
    described: impl Fn() -> Option<String> + Clone + Send + Sync + 'static,
) -> AnyView {
    let fs = q.fs;
    let path = q.path;
    let to_input = move |text: String| -> String {
        match kind {
            // The engine writes times and date-times in full ISO 8601; the
            // browser's pickers take minutes precision without an offset.
            NodeKind::Time => text.get(..5).map(str::to_string).unwrap_or(text),
            NodeKind::DateTime => text.get(..16).map(str::to_string).unwrap_or(text),
            // Numbers, and any value the person cannot edit (a calculated
            // one), are shown back with the form's digits. The engine reads
            // Thai and ASCII digits alike, so editing a number shown as `๑๒`
            // stores `12`. Free text the person can edit stays exactly as
            // typed: changing its digits would change the answer.
            NodeKind::Integer | NodeKind::Decimal => fs.shown(&text),
            _ if q.read_only() => fs.shown(&text),
            _ => text,
        }
    };
    let from_input = move |value: String| -> String {
        match kind {
            NodeKind::DateTime if !value.is_empty() => {
                format!("{value}{}", engine_bridge::local_offset())
            }
            _ => value,
        }
    };
    let multiline = kind == NodeKind::Text
        && appearance.is_some_and(|a| a.split_whitespace().any(|w| w == "multiline"));
    if multiline {
        let area = NodeRef::<html::Textarea>::new();
        mirror(area, move || {
            let text = q.text();
            if q.read_only() {
                fs.shown(&text)
            } else {
                text
            }
        });
        return view! {
            <textarea
                id=id
                node_ref=area
                aria-describedby=described
                aria-invalid=move || q.error().is_some().then_some("true")
                aria-required=move || q.required().then_some("true")
                readonly=move || q.read_only()
                on:input=move |ev| fs.answer(&path.get(), &event_target_value(&ev))
                on:blur=move |_| fs.touch(&path.get())
            ></textarea>
        }
        .into_any();
    }
    let (input_type, inputmode) = match kind {
        NodeKind::Integer => ("text", Some("numeric")),
        NodeKind::Decimal => ("text", Some("decimal")),
        NodeKind::Date => ("date", None),
        NodeKind::Time => ("time", None),
        NodeKind::DateTime => ("datetime-local", None),
        _ => ("text", None),
    };
    let input = NodeRef::<html::Input>::new();
    mirror(input, move || to_input(q.text()));
    view! {
        <input
            type=input_type
            id=id
            node_ref=input
            inputmode=inputmode
            autocomplete="off"
            aria-describedby=described
            aria-invalid=move || q.error().is_some().then_some("true")
            aria-required=move || q.required().then_some("true")
            readonly=move || q.read_only()
            on:input=move |ev| fs.answer(&path.get(), &from_input(event_target_value(&ev)))
            on:blur=move |_| {
                fs.touch(&path.get());
                // Show the answer as the engine reads it once the person
                // leaves the field (for example `1.` becomes `1`).
                if let (Some(Some(el)), Some(node)) = (input.try_get_untracked(), fs.node_untracked(&path.get())) {
                    let text = to_input(node.text);
                    if el.value() != text {
                        el.set_value(&text);
                    }
                }
            }
        />
    }
    .into_any()
}
