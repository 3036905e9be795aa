//! Radio buttons and checkboxes.

use leptos::prelude::*;

use super::{search_box, search_key, LONG_LIST};
use crate::engine_bridge::ChoiceView;
use crate::form::state::Question;

/// Radio buttons or checkboxes, one per offered choice. The list is keyed by
/// choice, so picking one never rebuilds the others (focus stays put while
/// moving through the list with the arrow keys).
pub(in crate::form) fn choice_list(q: Question, id: String, multiple: bool) -> AnyView {
    let fs = q.fs;
    let path = q.path;
    let choices = Memo::new(move |_| q.choices());
    let picked = Memo::new(move |_| {
        q.text()
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    });
    let filter = RwSignal::new(String::new());
    let searchable = Memo::new(move |_| multiple && choices.with(|c| c.len() > LONG_LIST));
    let search = {
        let id = id.clone();
        move || searchable.get().then(|| search_box(&id, filter))
    };
    view! {
        {search}
        <div class="choices">
            <For
                each=move || choices.get()
                key=|choice| (choice.name.clone(), choice.label.clone())
                children=move |choice: ChoiceView| {
                    let choice_id = format!("{id}-{}", choice.name);
                    let name = choice.name.clone();
                    let hidden_name = choice.name.clone();
                    let lowered = search_key(&choice.label);
                    let checked_name = choice.name.clone();
                    view! {
                        <label
                            class="choice"
                            for=choice_id.clone()
                            hidden=move || {
                                let f = filter.get();
                                !f.is_empty() && !lowered.contains(&f) && !picked.with(|p| p.contains(&hidden_name))
                            }
                        >
                            <input
                                type=if multiple { "checkbox" } else { "radio" }
                                id=choice_id.clone()
                                name=id.clone()
                                value=choice.name.clone()
                                disabled=move || q.read_only()
                                prop:checked=move || picked.with(|p| p.contains(&checked_name))
                                on:change=move |ev| {
                                    if multiple {
                                        let on = event_target_checked(&ev);
                                        let mut now: Vec<String> = picked.get_untracked();
                                        now.retain(|p| p != &name);
                                        if on {
                                            now.push(name.clone());
                                        }
                                        fs.answer_multi(&path.get(), &now);
                                    } else {
                                        fs.answer(&path.get(), &name);
                                    }
                                }
                                on:blur=move |_| fs.touch(&path.get())
                            />
                            <span>{choice.label.clone()}</span>
                        </label>
                    }
                }
            />
        </div>
    }
    .into_any()
}
