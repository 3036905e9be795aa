//! A repeat: its entries, the button that adds one and the confirmation that
//! removes one.

use leptos::prelude::*;

use super::dom::dom_id;
use super::intern;
use super::page::{after_next_frame, render_node, weight, CHUNK, LATER_CHUNK};
use crate::engine_bridge::{FormSession, InstanceView, NodeView};
use crate::i18n::Lang;

/// Catches the number of entries shown up with the repeat's: an entry or two
/// more (the person added one) show at once, many more (a draft opened, a
/// `repeat_count` raised) come a chunk at a time (see [`CHUNK`]).
fn show_entries(fs: FormSession, path: &'static str, shown: RwSignal<usize>) {
    let len = fs.repeat_len(path);
    let Some(now) = shown.try_get_untracked() else {
        return;
    };
    if now >= len {
        if now > len {
            shown.set(len);
        }
        return;
    }
    let next = if len - now <= 2 {
        len
    } else {
        let per_entry = fs
            .entry(&format!("{path}[1]"))
            .map_or(1, |entry| entry.children.iter().map(weight).sum::<usize>())
            .max(1);
        let chunk = if now == 0 { CHUNK } else { LATER_CHUNK };
        (now + (chunk / per_entry).max(1)).min(len)
    };
    shown.set(next);
    if next < len {
        after_next_frame(move || show_entries(fs, path, shown));
    }
}

pub(super) fn render_repeat(fs: FormSession, repeat: NodeView, is_page: bool) -> AnyView {
    let lang = expect_context::<RwSignal<Lang>>();
    let path = repeat.path.clone();
    let state = {
        let path = path.clone();
        Memo::new(move |_| {
            fs.node_shallow(&path).map(|n| {
                let hint = n.hint.map(|h| fs.shown(&h));
                (fs.shown(&n.label), hint, n.relevant, n.count_fixed)
            })
        })
    };
    let label = move || state.with(|s| s.as_ref().map(|s| s.0.clone()).unwrap_or_default());
    let fixed = move || state.with(|s| s.as_ref().is_some_and(|s| s.3));
    let count = {
        let path = path.clone();
        move || {
            fs.track_entries(&path);
            fs.repeat_len(&path)
        }
    };
    // Entries are kept by path, so adding entry 200 renders that entry
    // alone. Removing one moves the later entries up a place: their views
    // stay, and the bridge wakes their questions to show the entries that
    // moved in. Many entries at once are shown a chunk at a time.
    let static_path = intern(&path);
    let shown = RwSignal::new(0);
    show_entries(fs, static_path, shown);
    // Its first run would only start a second chain of chunks.
    Effect::new(move |ran: Option<()>| {
        fs.track_entries(static_path);
        if ran.is_some() {
            show_entries(fs, static_path, shown);
        }
    });
    let entry_paths = {
        let path = path.clone();
        move || {
            let shown = shown.get();
            fs.track_entries(&path);
            (1..=fs.repeat_len(&path).min(shown))
                .map(|i| format!("{path}[{i}]"))
                .collect::<Vec<_>>()
        }
    };
    let entries = view! {
        <For
            each=entry_paths
            key=|entry: &String| entry.clone()
            children=move |entry: String| {
                fs.entry(&entry).map(|instance| render_instance(fs, instance, label, fixed))
            }
        />
    };
    let add = {
        let path = path.clone();
        move |_| {
            fs.add_entry(&path);
            // Take the keyboard to the new entry's first question. The entry
            // is found by the id of its heading, which costs the same with
            // 200 entries as with one.
            let heading = format!(
                "{}-heading",
                dom_id(&format!("{path}[{}]", fs.repeat_len(&path)))
            );
            request_animation_frame(move || {
                let entry = document()
                    .get_element_by_id(&heading)
                    .and_then(|h| h.closest(".instance").ok().flatten());
                if let Some(entry) = entry {
                    if let Ok(Some(control)) = entry.query_selector("input, select, textarea") {
                        if let Ok(control) =
                            wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(control)
                        {
                            let _ = control.focus();
                        }
                    }
                }
            });
        }
    };
    let heading = if is_page {
        view! { <h2 id="page-heading" class="page-title" tabindex="-1">{label}</h2> }.into_any()
    } else {
        view! { <h3>{label}</h3> }.into_any()
    };
    view! {
        <section class="repeat" data-field=path.clone() hidden=move || !state.with(|s| s.as_ref().is_some_and(|s| s.2))>
            {heading}
            {move || state.with(|s| s.as_ref().and_then(|s| s.1.clone())).map(|hint| view! { <p class="hint">{hint}</p> })}
            <p class="repeat-count" aria-live="polite">
                {move || fs.shown(&format!("{}: {}", lang.get().text().entries, count()))}
            </p>
            {entries}
            <Show when=move || !fixed()>
                <button type="button" class="btn" on:click=add.clone()>
                    {move || {
                        let t = lang.get().text();
                        format!("{}{}{}", t.add, t.add_joiner, label())
                    }}
                </button>
            </Show>
        </section>
    }
    .into_any()
}

fn render_instance(
    fs: FormSession,
    instance: InstanceView,
    label: impl Fn() -> String + Copy + Send + Sync + 'static,
    fixed: impl Fn() -> bool + Copy + Send + Sync + 'static,
) -> AnyView {
    let lang = expect_context::<RwSignal<Lang>>();
    let confirming = RwSignal::new(false);
    let heading_id = format!("{}-heading", dom_id(&instance.path));
    let index = instance.index;
    let path = instance.path.clone();
    let remove = move |_| {
        confirming.set(false);
        fs.remove_entry(&path);
    };
    let children = instance
        .children
        .into_iter()
        .map(|child| render_node(fs, child))
        .collect_view();
    view! {
        <div class="instance" data-instance=instance.path.clone() role="group" aria-labelledby=heading_id.clone()>
            <div class="instance-head">
                <h3 id=heading_id.clone()>{move || fs.shown(&format!("{} {index}", label()))}</h3>
                <Show when=move || !fixed() && !confirming.get()>
                    <button type="button" class="btn danger" on:click=move |_| confirming.set(true)>
                        {move || lang.get().text().remove}
                    </button>
                </Show>
            </div>
            <Show when=move || confirming.get()>
                <div class="confirm" role="alertdialog" aria-label=move || lang.get().text().remove_confirm>
                    <span>{move || lang.get().text().remove_confirm}</span>
                    <button type="button" class="btn danger primary" on:click=remove.clone()>
                        {move || lang.get().text().remove}
                    </button>
                    <button type="button" class="btn" on:click=move |_| confirming.set(false)>
                        {move || lang.get().text().cancel}
                    </button>
                </div>
            </Show>
            {children}
        </div>
    }
    .into_any()
}
