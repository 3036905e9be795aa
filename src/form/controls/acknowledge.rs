//! A box the person ticks to say they have read or done something.

use leptos::prelude::*;

use crate::form::state::Question;

/// A checkbox that answers `OK` when ticked and nothing when not, labelled
/// with `label`, the question's own label and required mark, which the
/// question keeps up to date, as it does the box's `aria-describedby`
/// (`described` is what it starts with).
pub(in crate::form) fn acknowledge(
    q: Question,
    id: String,
    described: Option<String>,
    label: impl IntoView + 'static,
) -> AnyView {
    let fs = q.fs;
    let path = q.path;
    view! {
        <label class="choice" for=id.clone()>
            <input
                type="checkbox"
                id=id.clone()
                data-described=""
                aria-describedby=described
                aria-invalid=move || q.error().is_some().then_some("true")
                disabled=move || q.read_only()
                prop:checked=move || q.text() == "OK"
                on:change=move |ev| fs.answer(&path.get(), if event_target_checked(&ev) { "OK" } else { "" })
                on:blur=move |_| fs.touch(&path.get())
            />
            <span class="label-text">{label}</span>
        </label>
    }
    .into_any()
}
