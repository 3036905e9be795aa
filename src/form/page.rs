//! A page and the groups and repeats in it, which hold nodes in turn. Long
//! pages and repeats are built a chunk at a time, so that the first screen
//! shows before the rest is built.

use std::sync::Arc;

use leptos::prelude::*;

use super::dom::dom_id;
use super::question::render_question;
use super::Path;
use crate::engine_bridge::{FormSession, InstanceView, NodeKind, NodeView, Page};
use crate::i18n::{Lang, Words as _};

/// About how many questions a page builds before it first shows. A longer
/// page (a form on one page, a draft with 200 household members) builds the
/// rest after the first screen is up, in chunks of about [`LATER_CHUNK`]
/// questions, each in a task of its own after a frame, so that the person
/// can read and tap while the rest is built rather than wait for all of it.
const CHUNK: usize = 100;

/// About how many questions each later chunk builds: larger than the first,
/// since each chunk also costs a frame and the browser's own work on a
/// grown page, but small enough that a tap waits at most for one chunk.
const LATER_CHUNK: usize = 200;

/// Runs `f` in a task of its own once the next frame is on screen.
fn after_next_frame(f: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(f, std::time::Duration::ZERO));
}

/// The number of questions in a view, counting those of its groups and
/// entries.
fn weight(node: &NodeView) -> usize {
    1 + node.children.iter().map(weight).sum::<usize>()
        + node
            .instances
            .iter()
            .flat_map(|entry| &entry.children)
            .map(weight)
            .sum::<usize>()
}

/// The views of `items`, in order: the first chunk now, the others in later
/// tasks (see [`CHUNK`]).
fn progressive(fs: FormSession, items: Vec<NodeView>) -> impl IntoView {
    // The number of items shown after each chunk.
    let mut ends = Vec::new();
    let mut load = 0;
    for (i, item) in items.iter().enumerate() {
        load += weight(item);
        if load >= if ends.is_empty() { CHUNK } else { LATER_CHUNK } {
            ends.push(i + 1);
            load = 0;
        }
    }
    if ends.last() != Some(&items.len()) {
        ends.push(items.len());
    }
    let shown = RwSignal::new(ends[0]);
    show_chunks(shown, Arc::new(ends), 1);
    let items = Arc::new(items);
    view! {
        <For
            each=move || 0..shown.get()
            key=|i: &usize| *i
            children=move |i: usize| render_node(fs, items[i].clone())
        />
    }
}

/// Shows the chunk that ends at `ends[next]` after the next frame, then the
/// following ones, until the page is complete or closed.
fn show_chunks(shown: RwSignal<usize>, ends: Arc<Vec<usize>>, next: usize) {
    let Some(&end) = ends.get(next) else {
        return;
    };
    after_next_frame(move || {
        if shown.try_update(|s| *s = end).is_some() {
            show_chunks(shown, ends, next + 1);
        }
    });
}

/// A page: its heading and its questions.
pub(super) fn render_page(fs: FormSession, page: Page) -> AnyView {
    let mut nodes: Vec<NodeView> = page
        .items
        .iter()
        .filter_map(|name| fs.node_untracked(name))
        .collect();
    if !page.container {
        let items = progressive(fs, nodes);
        return view! {
            <section class="page">
                <h2 id="page-heading" class="sr-only" tabindex="-1">{page_heading_text()}</h2>
                {items}
            </section>
        }
        .into_any();
    }
    let Some(container) = nodes.pop() else {
        return ().into_any();
    };
    if container.kind == NodeKind::Repeat {
        return view! {
            <section class="page">{render_repeat(fs, container, true)}</section>
        }
        .into_any();
    }
    let group = container;
    let path = group.path.clone();
    let state = Memo::new(move |_| {
        fs.node_shallow(&path)
            .map(|n| (fs.shown(&n.label), n.hint.map(|h| fs.shown(&h))))
    });
    let children = progressive(fs, group.children);
    view! {
        <section class="page" data-field=group.path.clone()>
            <h2 id="page-heading" class="page-title" tabindex="-1">
                {move || state.with(|s| s.as_ref().map(|s| s.0.clone()).unwrap_or_default())}
            </h2>
            {move || state.with(|s| s.as_ref().and_then(|s| s.1.clone())).map(|hint| view! { <p class="hint">{hint}</p> })}
            {children}
        </section>
    }
    .into_any()
}

/// A page of loose questions has no title of its own; its heading (for
/// screen readers, which jump to it on Next) names the form's page number.
fn page_heading_text() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    move || lang.get().text().page
}

/// Any node: a question, a nested group or a repeat.
fn render_node(fs: FormSession, node: NodeView) -> AnyView {
    match node.kind {
        NodeKind::Calculate => ().into_any(),
        NodeKind::Group => render_group(fs, node),
        NodeKind::Repeat => render_repeat(fs, node, false),
        _ => render_question(fs, node),
    }
}

fn render_group(fs: FormSession, group: NodeView) -> AnyView {
    let path = group.path.clone();
    let state = Memo::new(move |_| {
        fs.node_shallow(&path)
            .map(|n| (fs.shown(&n.label), n.hint.map(|h| fs.shown(&h)), n.relevant))
    });
    let heading_id = format!("{}-heading", dom_id(&group.path));
    let children = progressive(fs, group.children);
    view! {
        <section
            class="group"
            data-field=group.path.clone()
            aria-labelledby=heading_id.clone()
            hidden=move || !state.with(|s| s.as_ref().is_some_and(|s| s.2))
        >
            <h3 id=heading_id.clone()>{move || state.with(|s| s.as_ref().map(|s| s.0.clone()).unwrap_or_default())}</h3>
            {move || state.with(|s| s.as_ref().and_then(|s| s.1.clone())).map(|hint| view! { <p class="hint">{hint}</p> })}
            {children}
        </section>
    }
    .into_any()
}

/// Catches the number of entries shown up with the repeat's: an entry or two
/// more (the person added one) show at once, many more (a draft opened, a
/// `repeat_count` raised) come a chunk at a time (see [`CHUNK`]).
fn show_entries(fs: FormSession, path: Path, shown: RwSignal<usize>) {
    let len = fs.repeat_len(&path.get());
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
            .entry(&format!("{}[1]", path.get()))
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

fn render_repeat(fs: FormSession, repeat: NodeView, is_page: bool) -> AnyView {
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
    let kept_path = Path::new(&path);
    let shown = RwSignal::new(0);
    show_entries(fs, kept_path, shown);
    // Its first run would only start a second chain of chunks.
    Effect::new(move |ran: Option<()>| {
        fs.track_entries(&kept_path.get());
        if ran.is_some() {
            show_entries(fs, kept_path, shown);
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
