//! A dropdown with a search box, for long choice lists.

use leptos::html;
use leptos::prelude::*;

use super::search_key;
use crate::engine_bridge::ChoiceView;
use crate::form::question::Question;
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
            .filter(|c| f.is_empty() || search_key(&c.label).contains(&f) || c.name == v)
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
    let search_id = format!("{id}-search");
    view! {
        <label class="sr-only" for=search_id.clone()>{move || lang.get().text().search_choices}</label>
        <input
            type="search"
            class="choice-search"
            id=search_id
            placeholder=move || lang.get().text().search_choices
            on:input=move |ev| filter.set(search_key(&event_target_value(&ev)))
        />
        <select
            id=id
            node_ref=select
            aria-describedby=described
            aria-invalid=move || q.error().is_some().then_some("true")
            aria-required=move || q.required().then_some("true")
            disabled=move || q.read_only()
            on:change=move |ev| fs.answer(path, &event_target_value(&ev))
            on:blur=move |_| fs.touch(path)
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
