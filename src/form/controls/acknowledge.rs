//! A box the person ticks to say they have read or done something.

use leptos::prelude::*;

use crate::form::state::Question;

/// A checkbox that answers `OK` when ticked and nothing when not, labelled
/// with the question's own label (and `mark`, the required mark after it).
pub(in crate::form) fn acknowledge(
    q: Question,
    id: String,
    described: impl Fn() -> Option<String> + Send + Sync + 'static,
    mark: impl IntoView + 'static,
) -> AnyView {
    let fs = q.fs;
    let path = q.path;
    view! {
        <label class="choice" for=id.clone()>
            <input
                type="checkbox"
                id=id.clone()
                aria-describedby=described
                aria-invalid=move || q.error().is_some().then_some("true")
                disabled=move || q.read_only()
                prop:checked=move || q.text() == "OK"
                on:change=move |ev| fs.answer(&path.get(), if event_target_checked(&ev) { "OK" } else { "" })
                on:blur=move |_| fs.touch(&path.get())
            />
            <span>{move || q.label()}{mark}</span>
        </label>
    }
    .into_any()
}
