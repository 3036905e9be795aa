//! A page and the groups in it. Long pages are built a chunk at a time, so
//! that the first screen shows before the rest is built.

use std::sync::Arc;

use leptos::prelude::*;

use super::dom::dom_id;
use super::question::render_question;
use super::repeat::render_repeat;
use crate::engine_bridge::{FormSession, NodeView, Page};
use crate::i18n::Lang;

/// About how many questions a page builds before it first shows. A longer
/// page (a form on one page, a draft with 200 household members) builds the
/// rest after the first screen is up, in chunks of about [`LATER_CHUNK`]
/// questions, each in a task of its own after a frame, so that the person
/// can read and tap while the rest is built rather than wait for all of it.
pub(super) const CHUNK: usize = 100;

/// About how many questions each later chunk builds: larger than the first,
/// since each chunk also costs a frame and the browser's own work on a
/// grown page, but small enough that a tap waits at most for one chunk.
pub(super) const LATER_CHUNK: usize = 200;

/// Runs `f` in a task of its own once the next frame is on screen.
pub(super) fn after_next_frame(f: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(f, std::time::Duration::ZERO));
}

/// The number of questions in a view, counting those of its groups and
/// entries.
pub(super) fn weight(node: &NodeView) -> usize {
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
    if container.kind == "repeat" {
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
pub(super) fn render_node(fs: FormSession, node: NodeView) -> AnyView {
    match node.kind {
        "calculate" => ().into_any(),
        "group" => render_group(fs, node),
        "repeat" => render_repeat(fs, node, false),
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
