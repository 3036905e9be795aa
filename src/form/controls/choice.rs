//! Radio buttons and checkboxes.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{search_box, search_key, LONG_LIST};
use crate::engine_bridge::ChoiceView;
use crate::form::state::Question;

/// Radio buttons or checkboxes, one per offered choice. The list is keyed by
/// choice, so picking one never rebuilds the others (focus stays put while
/// moving through the list with the arrow keys).
///
/// The boxes hold no reactive state of their own: each starts as the
/// question is when it is built, one effect for the whole list then sets
/// which are ticked, whether they may be changed and which the search
/// hides, and the list listens for changes and visits once for all of its
/// boxes. A repeat with five choice questions of a few choices each in
/// every entry would otherwise hold three effects and two event handlers
/// per box.
pub(in crate::form) fn choice_list(q: Question, id: String, multiple: bool) -> AnyView {
    let fs = q.fs;
    let path = q.path;
    let filter = RwSignal::new(String::new());
    let searchable = Memo::new(move |_| multiple && q.with_choices(|c| c.len() > LONG_LIST));
    let search = {
        let id = id.clone();
        move || searchable.get().then(|| search_box(&id, filter))
    };
    let list = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        let text = q.text();
        let picked: Vec<&str> = text.split_whitespace().collect();
        let read_only = q.read_only();
        let filter = filter.get();
        // Boxes of choices offered since the last run started as they are
        // now, so the list only needs to be followed, not waited for.
        q.with_choices(|_| ());
        let Some(list) = list.get_untracked() else {
            return;
        };
        let boxes = list.children();
        for i in 0..boxes.length() {
            let Some(label) = boxes.item(i) else {
                continue;
            };
            let Some(input) = label
                .first_element_child()
                .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                continue;
            };
            let on = picked.contains(&input.value().as_str());
            if input.checked() != on {
                input.set_checked(on);
            }
            if input.disabled() != read_only {
                input.set_disabled(read_only);
            }
            let hidden = !filter.is_empty()
                && !on
                && !search_key(&label.text_content().unwrap_or_default()).contains(&filter);
            if label.has_attribute("hidden") != hidden {
                let _ = label.toggle_attribute_with_force("hidden", hidden);
            }
        }
    });
    let change = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let name = input.value();
        if multiple {
            let mut now: Vec<String> = q.untracked(|s| {
                s.text
                    .split_whitespace()
                    .filter(|p| *p != name)
                    .map(str::to_string)
                    .collect()
            });
            if input.checked() {
                now.push(name);
            }
            fs.answer_multi(&path.get(), &now);
        } else {
            fs.answer(&path.get(), &name);
        }
    };
    view! {
        {search}
        // `focusout` is the `blur` of the box that loses focus, which does
        // not bubble up to the list.
        <div
            class="choices"
            node_ref=list
            on:change=change
            on:focusout=move |_| fs.touch(&path.get())
        >
            <For
                each=move || q.choices()
                key=|choice| (choice.name.clone(), choice.label.clone())
                children=move |choice: ChoiceView| {
                    let choice_id = format!("{id}-{}", choice.name);
                    // A box offered later starts as the question and the
                    // search are then.
                    let (checked, read_only) = q.untracked(|s| {
                        (s.text.split_whitespace().any(|p| p == choice.name), s.read_only)
                    });
                    let hidden = filter.with_untracked(|f| {
                        !f.is_empty() && !checked && !search_key(&choice.label).contains(f)
                    });
                    view! {
                        <label class="choice" for=choice_id.clone() hidden=hidden>
                            <input
                                type=if multiple { "checkbox" } else { "radio" }
                                id=choice_id.clone()
                                name=id.clone()
                                value=choice.name
                                disabled=read_only
                                prop:checked=checked
                            />
                            <span>{choice.label}</span>
                        </label>
                    }
                }
            />
        </div>
    }
    .into_any()
}
