//! A ranking: every offered choice, in the volunteer's order.

use leptos::prelude::*;

use crate::engine_bridge::ChoiceView;
use crate::form::state::Question;
use crate::i18n::{Lang, Words as _};

/// The choices in the order the answer gives, then any offered choice the
/// answer does not name yet (a choice filter may offer more later), in the
/// list's order. Names the answer has that are no longer offered are left
/// out: the engine reports them as the question's error.
fn ordered(answer: &str, offered: &[ChoiceView]) -> Vec<ChoiceView> {
    let mut out: Vec<ChoiceView> = answer
        .split_whitespace()
        .filter_map(|name| offered.iter().find(|c| c.name == name).cloned())
        .collect();
    for c in offered {
        if !out.iter().any(|o| o.name == c.name) {
            out.push(c.clone());
        }
    }
    out
}

/// The choices as a numbered list, each with "move up" and "move down"
/// buttons (ordinary buttons, so the keyboard and screen readers reach
/// them; no dragging is needed). Moving an item answers with the whole
/// order; "use this order" answers with the order as shown, for a volunteer
/// who agrees with it. After a move the focus follows the moved item, so
/// pressing the same button again moves it further.
pub(in crate::form) fn rank(q: Question, id: String) -> AnyView {
    let lang = expect_context::<RwSignal<Lang>>();
    let fs = q.fs;
    let path = q.path;
    let order = Memo::new(move |_| ordered(&q.text(), &q.choices()));
    let button_id = {
        let id = id.clone();
        move |name: &str, dir: &str| format!("{id}-{name}-{dir}")
    };
    let answer = move |now: &[ChoiceView]| {
        let names: Vec<String> = now.iter().map(|c| c.name.clone()).collect();
        fs.answer_multi(&path.get(), &names);
    };
    let shift = {
        let button_id = button_id.clone();
        move |from: usize, up: bool| {
            let mut now = order.get_untracked();
            let to = if up {
                from.checked_sub(1)
            } else {
                Some(from + 1)
            };
            let Some(to) = to.filter(|&t| t < now.len()) else {
                return;
            };
            now.swap(from, to);
            // The item's own button may be disabled at the end of the list,
            // so the focus then goes to its other button.
            let at_edge = if up { to == 0 } else { to + 1 == now.len() };
            let dir = match (up, at_edge) {
                (true, false) | (false, true) => "up",
                _ => "down",
            };
            let target = button_id(&now[to].name, dir);
            answer(&now);
            fs.touch(&path.get());
            request_animation_frame(move || {
                if let Some(el) = document().get_element_by_id(&target) {
                    use wasm_bindgen::JsCast;
                    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
            });
        }
    };
    let unanswered = move || q.text().trim().is_empty();
    view! {
        <ol class="rank" id=id.clone()>
            {move || {
                let t = lang.get().text();
                let now = order.get();
                let last = now.len().saturating_sub(1);
                now.into_iter()
                    .enumerate()
                    .map(|(i, choice)| {
                        let (up, down) = (shift.clone(), shift.clone());
                        let label = choice.label.clone();
                        view! {
                            <li class="rank-item">
                                <span class="rank-label">{label.clone()}</span>
                                <button type="button" class="btn small" id=button_id(&choice.name, "up")
                                    aria-label=format!("{} {label}", t.move_up)
                                    disabled=move || q.read_only() || i == 0
                                    on:click=move |_| up(i, true)>
                                    "↑"
                                </button>
                                <button type="button" class="btn small" id=button_id(&choice.name, "down")
                                    aria-label=format!("{} {label}", t.move_down)
                                    disabled=move || q.read_only() || i == last
                                    on:click=move |_| down(i, false)>
                                    "↓"
                                </button>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ol>
        {move || unanswered().then(|| view! {
            <p class="hint">{move || lang.get().text().not_ranked}</p>
            <button type="button" class="btn" disabled=move || q.read_only()
                on:click=move |_| {
                    answer(&order.get_untracked());
                    fs.touch(&path.get());
                }>
                {move || lang.get().text().keep_order}
            </button>
        })}
    }
    .into_any()
}
