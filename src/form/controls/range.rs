//! A range: a number picked on a slider.

use leptos::prelude::*;
use yim_engine::RangeView;

use crate::form::state::Question;
use crate::i18n::{Lang, Words as _};

/// A slider from the range's start to its end in its steps, with the value
/// shown next to it in the form's digits. The browser's slider moves with
/// the arrow keys, Page Up and Page Down, Home and End, and screen readers
/// read its value; until the person moves it there is no answer, which the
/// line next to it says, so a slider resting at its start is never taken
/// for an answer.
pub(in crate::form) fn range_input(
    q: Question,
    id: String,
    range: RangeView,
    described: impl Fn() -> Option<String> + Send + Sync + 'static,
) -> AnyView {
    let lang = expect_context::<RwSignal<Lang>>();
    let fs = q.fs;
    let path = q.path;
    let value_id = format!("{id}-value");
    let shown = move || {
        let text = q.text();
        if text.is_empty() {
            lang.get().text().not_answered.to_string()
        } else {
            fs.shown(&text)
        }
    };
    view! {
        <div class="range">
            <input
                type="range"
                id=id.clone()
                min=range.start.to_string()
                max=range.end.to_string()
                step=range.step.to_string()
                aria-describedby=described
                aria-valuetext=shown
                aria-invalid=move || q.error().is_some().then_some("true")
                disabled=move || q.read_only()
                prop:value=move || {
                    let text = q.text();
                    if text.is_empty() { range.start.to_string() } else { text }
                }
                on:input=move |ev| fs.answer(&path.get(), &event_target_value(&ev))
                on:blur=move |_| fs.touch(&path.get())
            />
            <output for=id id=value_id class="range-value" aria-live="polite">{shown}</output>
            <button
                type="button"
                class="btn link"
                hidden=move || q.text().is_empty() || q.read_only()
                on:click=move |_| fs.answer(&path.get(), "")
            >
                {move || lang.get().text().clear_answer}
            </button>
        </div>
    }
    .into_any()
}
