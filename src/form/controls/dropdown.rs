//! A dropdown with a search box, for long choice lists.

use leptos::html;
use leptos::prelude::*;

use super::{search_box, search_key};
use crate::engine_bridge::ChoiceView;
use crate::form::state::Question;
use crate::i18n::Lang;

/// A native dropdown for long lists, with a search box that narrows the
/// options (the current answer always stays in the list).
pub(in crate::form) fn dropdown(
    q: Question,
    id: String,
    described: impl Fn() -> Option<String> + Send + Sync + 'static,
) -> AnyView {
    let lang = expect_context::<RwSignal<Lang>>();
    let fs = q.fs;
    let path = q.path;
    let filter = RwSignal::new(String::new());
    let value = Memo::new(move |_| q.text());
    let shown = Memo::new(move |_| {
        let f = filter.get();
        let v = value.get();
        q.choices()
            .into_iter()
            .filter(|c| {
                // A case picker's choice carries more to search by than
                // its label (the child's nickname and village).
                let text = c.search.as_deref().unwrap_or(&c.label);
                f.is_empty() || c.name == v || search_key(text).contains(&f)
            })
            .collect::<Vec<_>>()
    });
    let select = NodeRef::<html::Select>::new();
    // The selected option is set after the options are in place.
    Effect::new(move |_| {
        let v = value.get();
        shown.track();
        if let Some(el) = select.get() {
            if el.value() != v {
                el.set_value(&v);
            }
        }
    });
    view! {
        {search_box(&id, filter)}
        <select
            id=id
            node_ref=select
            aria-describedby=described
            aria-invalid=move || q.error().is_some().then_some("true")
            aria-required=move || q.required().then_some("true")
            disabled=move || q.read_only()
            on:change=move |ev| fs.answer(&path.get(), &event_target_value(&ev))
            on:blur=move |_| fs.touch(&path.get())
        >
            <option value="">{move || lang.get().text().select_placeholder}</option>
            <For
                each=move || shown.get()
                key=|choice| (choice.name.clone(), choice.label.clone())
                children=move |choice: ChoiceView| {
                    view! { <option value=choice.name.clone()>{choice.label.clone()}</option> }
                }
            />
        </select>
    }
    .into_any()
}
