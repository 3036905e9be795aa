//! A dropdown with a search box, for long choice lists.

use leptos::html;
use leptos::prelude::*;

use super::{search_box, search_key};
use crate::engine_bridge::ChoiceView;
use crate::form::state::Question;
use crate::i18n::{Lang, Words as _};

/// At most this many options are in a dropdown at once. Building an option
/// costs the phone a few DOM calls, and a case picker can have 2,000 cases:
/// all of them took seconds to show at every keystroke that widened the
/// search (docs/performance.md). Nobody scrolls through more than this on
/// a phone; the search box finds the rest, and a line under the dropdown
/// says how many are not shown.
const SHOWN_OPTIONS: usize = 100;

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
    // What each choice is searched by, made once per list rather than once
    // per choice at every keystroke: a case picker's choices carry more to
    // search by than their label (the child's nickname and village), and a
    // volunteer may have 2,000 of them.
    let keys = Memo::new(move |_| {
        q.choices.with(|choices| {
            choices
                .iter()
                .map(|c| search_key(c.search.as_deref().unwrap_or(&c.label)))
                .collect::<Vec<_>>()
        })
    });
    // The matching choices, at most `SHOWN_OPTIONS` of them (the current
    // answer always among them), and how many match in all.
    let shown = Memo::new(move |_| {
        let f = filter.get();
        let v = value.get();
        keys.with(|keys| {
            q.choices.with(|choices| {
                let mut shown = Vec::new();
                let mut total = 0;
                for (choice, key) in choices.iter().zip(keys) {
                    let answer = choice.name == v;
                    if f.is_empty() || answer || key.contains(&f) {
                        total += 1;
                        if shown.len() < SHOWN_OPTIONS || answer {
                            shown.push(choice.clone());
                        }
                    }
                }
                (shown, total)
            })
        })
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
                each=move || shown.with(|(shown, _)| shown.clone())
                key=|choice| (choice.name.clone(), choice.label.clone())
                children=move |choice: ChoiceView| {
                    view! { <option value=choice.name.clone()>{choice.label.clone()}</option> }
                }
            />
        </select>
        {move || {
            let (shown, total) = shown.with(|(shown, total)| (shown.len(), *total));
            (total > shown).then(|| {
                let text = lang
                    .get()
                    .text()
                    .choices_cut
                    .replace("{shown}", &shown.to_string())
                    .replace("{total}", &total.to_string());
                view! { <p class="hint choices-cut" role="status">{text}</p> }
            })
        }}
    }
    .into_any()
}
