//! The form screen: pages, questions, repeats, and the draft and finalize
//! actions. Components only show the engine's view-model and send answers
//! back through `FormSession`; no rule of the form is evaluated here.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;

use crate::catalog::Catalog;
use crate::drafts::{self, Keeper, Resume, SaveState};
use crate::engine_bridge::{
    self, ChoiceView, FormSession, Forward, InstanceView, NodeView, Page, Problem, Turn,
};
use crate::i18n::Lang;
use crate::storage::StorageError;
use crate::thai_date::display_date;

/// Choice lists longer than this become a dropdown with a search box rather
/// than a column of radio buttons, so that a phone screen stays short.
const LONG_LIST: usize = 10;

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

/// A DOM id for a path. Paths hold only names, `[n]` and `/`, so the
/// mapping is one to one.
fn dom_id(path: &str) -> String {
    let mut id = String::from("q-");
    for c in path.chars() {
        match c {
            '/' => id.push_str("--"),
            '[' => id.push('-'),
            ']' => {}
            c => id.push(c),
        }
    }
    id
}

/// Moves keyboard focus to the first control of the question at `path`,
/// with the question's label just below the sticky header.
fn focus_field(path: &str) {
    let selector = format!(
        "[data-field=\"{}\"]",
        path.replace('\\', "\\\\").replace('"', "\\\"")
    );
    let Ok(Some(field)) = document().query_selector(&selector) else {
        return;
    };
    scroll_below_header(&field);
    if let Ok(Some(control)) = field.query_selector("input, select, textarea, button") {
        focus_without_scrolling(&control);
    }
}

/// Scrolls the page so that `element` starts just below the header, which
/// sticks to the top of the screen and would otherwise cover it (and the
/// label a person came to read).
fn scroll_below_header(element: &web_sys::Element) {
    let header = document()
        .query_selector("header.bar")
        .ok()
        .flatten()
        .map_or(0.0, |header| header.get_bounding_client_rect().bottom());
    let top = element.get_bounding_client_rect().top() + window().scroll_y().unwrap_or(0.0)
        - header
        - 8.0;
    window().scroll_to_with_x_and_y(0.0, top.max(0.0));
}

/// Gives `element` the keyboard focus where it is: the browser's own
/// scrolling on focus knows nothing of the sticky header.
pub fn focus_without_scrolling(element: &web_sys::Element) {
    if let Some(element) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(element) {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = element.focus_with_options(&options);
    }
}

/// Brings the element with this id below the header and focuses it (a list
/// of problems, which screen readers then read out).
fn reveal(id: &str) {
    if let Some(element) = document().get_element_by_id(id) {
        scroll_below_header(&element);
        focus_without_scrolling(&element);
    }
}

/// A control whose text the engine may change: a text box or a text area.
trait TextControl: AsRef<web_sys::Element> {
    fn value(&self) -> String;
    fn set_value(&self, value: &str);
}

impl TextControl for web_sys::HtmlInputElement {
    fn value(&self) -> String {
        web_sys::HtmlInputElement::value(self)
    }
    fn set_value(&self, value: &str) {
        web_sys::HtmlInputElement::set_value(self, value);
    }
}

impl TextControl for web_sys::HtmlTextAreaElement {
    fn value(&self) -> String {
        web_sys::HtmlTextAreaElement::value(self)
    }
    fn set_value(&self, value: &str) {
        web_sys::HtmlTextAreaElement::set_value(self, value);
    }
}

/// Keeps `control` showing `text` as the answer changes (a calculation, a
/// draft reopened, another language), except while it has keyboard focus:
/// what the person is typing is never overwritten under their fingers.
fn mirror<E>(control: NodeRef<E>, text: impl Fn() -> String + 'static)
where
    E: leptos::html::ElementType + 'static,
    E::Output: TextControl + wasm_bindgen::JsCast + Clone + 'static,
{
    Effect::new(move |_| {
        let text = text();
        if let Some(el) = control.get() {
            let focused = document()
                .active_element()
                .is_some_and(|active| &active == el.as_ref());
            if !focused && el.value() != text {
                el.set_value(&text);
            }
        }
    });
}

thread_local! {
    static PATHS: std::cell::RefCell<std::collections::HashSet<&'static str>> = Default::default();
}

/// A `'static` copy of a path, made once per distinct path. Every closure of
/// a question can then copy its path instead of cloning a `String`; the set
/// grows with the number of distinct questions and entries ever shown, not
/// with how often they are shown.
fn intern(path: &str) -> &'static str {
    PATHS.with(|paths| {
        let mut paths = paths.borrow_mut();
        if let Some(&known) = paths.get(path) {
            return known;
        }
        let leaked: &'static str = Box::leak(path.to_string().into_boxed_str());
        paths.insert(leaked);
        leaked
    })
}

/// The engine writes its own messages in lowercase, as diagnostics are; on
/// screen a message starts with a capital like any sentence. Thai has no
/// case, so Thai text is unchanged.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The form screen for the form with this id: a new response, or the
/// stored one in `resume`, which opens with the form it was started on.
/// Every change is kept on the phone by a [`Keeper`].
#[component]
pub fn FormScreen(id: String, #[prop(optional)] resume: Option<Resume>) -> impl IntoView {
    let catalog = expect_context::<Arc<Catalog>>();
    let lang = expect_context::<RwSignal<Lang>>();
    let (form, entry_diagnostics) = match (&resume, catalog.by_id(&id)) {
        (Some(resume), _) => (resume.form.clone(), Vec::new()),
        (None, Some(entry)) => (entry.form.clone(), entry.diagnostics.clone()),
        (None, None) => {
            return view! {
                <h1>{move || lang.get().text().form_not_found}</h1>
                <p><a href="#/">{move || lang.get().text().all_forms}</a></p>
            }
            .into_any();
        }
    };
    // A province form may be written in a third language as well (Khmer in
    // Surin, Lao in Loei). Choosing it shows the form's texts in it, with
    // Thai where a text has no translation, while the app's own words stay
    // in the app's language. Switching the app's language in the header
    // takes the form back to that language.
    let form_lang = RwSignal::new(None::<String>);
    let title = {
        let form = form.clone();
        move || {
            let chosen = form_lang.get();
            let code = chosen.as_deref().unwrap_or(lang.get().code());
            let title = form.title.get(code, "th");
            // The title follows the form's digits as its questions do.
            if form.settings.thai_digits {
                yim_engine::thai::to_thai_digits(title)
            } else {
                title.to_string()
            }
        }
    };
    let (compiled, compile_diagnostics) = engine_bridge::compile_shared(&form);
    let mut diagnostics = entry_diagnostics;
    diagnostics.extend(compile_diagnostics);
    let diagnostics_view = (!diagnostics.is_empty()).then(|| {
        let items = diagnostics
            .iter()
            .map(|d| view! { <li><code>{d.to_string()}</code></li> })
            .collect_view();
        view! {
            <details class="diagnostics">
                <summary>{move || lang.get().text().broken_forms_heading}</summary>
                <ul>{items}</ul>
            </details>
        }
    });
    let Some(compiled) = compiled else {
        return view! {
            <h1>{title}</h1>
            {diagnostics_view}
        }
        .into_any();
    };

    let fs = FormSession::new(compiled, lang.get_untracked().code());
    let note = resume.as_ref().and_then(|resume| resume.note.clone());
    let resumed = resume.map(|resume| resume.response);
    if let Some(response) = &resumed {
        fs.load_draft(&response.answers);
    }
    provide_context(fs);
    Effect::new(move |previous: Option<Lang>| {
        let app = lang.get();
        if previous.is_some_and(|p| p != app) {
            form_lang.set(None);
        }
        app
    });
    Effect::new(move |_| {
        let chosen = form_lang.get();
        fs.set_language(chosen.as_deref().unwrap_or(lang.get().code()));
    });
    let extra_languages = form
        .languages
        .iter()
        .any(|code| code != "th" && code != "en");
    let language_choice = extra_languages.then(|| {
        let codes = form.languages.clone();
        let options = codes
            .iter()
            .map(|code| {
                let code = code.clone();
                let selected = {
                    let code = code.clone();
                    move || form_lang.get().unwrap_or_else(|| lang.get().code().to_string()) == code
                };
                view! { <option value=code.clone() selected=selected>{language_name(&code).to_string()}</option> }
            })
            .collect_view();
        let choose = move |ev: leptos::ev::Event| {
            let code = event_target_value(&ev);
            match code.as_str() {
                "th" => {
                    form_lang.set(None);
                    lang.set(Lang::Th);
                }
                "en" => {
                    form_lang.set(None);
                    lang.set(Lang::En);
                }
                _ => form_lang.set(Some(code)),
            }
        };
        view! {
            <label class="form-language">
                <span>{move || lang.get().text().form_language}</span>
                <select on:change=choose>{options}</select>
            </label>
        }
    });

    let pages = Arc::new(fs.pages());
    // A stored draft reopens on the page it was left on (or the nearest one
    // shown, when its answers hide that page now).
    let start = fs.start_at(resumed.as_ref().map_or(0, |r| r.meta.page as usize));
    let current = RwSignal::new(start);
    let keeper = Keeper::new(fs, current, Arc::clone(&form), resumed);
    // Every command and every page turn may change what the draft holds;
    // the keeper writes only when it really did.
    Effect::new(move |_| {
        fs.track_changes();
        current.track();
        keeper.changed();
    });
    // The page buttons follow every answer: an answer may show or hide later
    // pages, or fix the last problem of this one.
    let nav = Memo::new(move |_| {
        current.track();
        fs.nav()
    });

    // The list of every problem shows once Finalize was pressed, and is
    // folded into one line on other pages until the person asks for it
    // again. It follows every answer (and the language), shrinking as the
    // problems are fixed.
    let attempted = RwSignal::new(false);
    let list_open = RwSignal::new(false);
    let problems = Memo::new(move |_| {
        if attempted.get() {
            fs.problems()
        } else {
            Vec::new()
        }
    });
    // Set when Next stayed on this page because of its problems; they show
    // above the questions until the page is left.
    let checked = RwSignal::new(false);
    let page_problems = Memo::new(move |_| {
        if checked.get() {
            fs.page_problems(current.get())
        } else {
            Vec::new()
        }
    });
    // Shows `page`, scrolled to the top, with the keyboard on its heading
    // (screen readers read it out), unless a question is to get the focus.
    let show = move |page: usize, focus_heading: bool| {
        current.set(page);
        checked.set(false);
        list_open.set(false);
        window().scroll_to_with_x_and_y(0.0, 0.0);
        if focus_heading {
            request_animation_frame(|| {
                if let Some(heading) = document().get_element_by_id("page-heading") {
                    focus_without_scrolling(&heading);
                }
            });
        }
    };
    // A finalized response opens read-only.
    let finished = RwSignal::new(keeper.is_closed());
    let save_draft = move |_| keeper.save_now(true);
    // A form with recipients seals the finalized response before it is
    // written, so its answers never reach the phone's storage in clear.
    let sealed_form = crate::seal::seals(&form);
    let sealing_form = StoredValue::new(form.clone());
    let seal_error = RwSignal::new(None::<crate::seal::SealError>);
    let finalize = move || {
        let found = fs.finalize_problems();
        attempted.set(true);
        checked.set(false);
        if found.is_empty() {
            fs.mark_end();
            let response = keeper.finalized(fs.answers_json());
            let response =
                match sealing_form.with_value(|form| crate::seal::seal_finalized(form, response)) {
                    Ok(response) => response,
                    Err(error) => {
                        seal_error.set(Some(error));
                        return;
                    }
                };
            seal_error.set(None);
            // The screen closes only once the finalized response is on the
            // phone; a failed write leaves it open with a retry.
            leptos::task::spawn_local(async move {
                if keeper.store_finalized(response).await.is_ok() {
                    finished.try_set(true);
                    window().scroll_to_with_x_and_y(0.0, 0.0);
                    request_animation_frame(|| {
                        if let Some(done) = document().get_element_by_id("done-heading") {
                            focus_without_scrolling(&done);
                        }
                    });
                }
            });
        } else {
            list_open.set(true);
            request_animation_frame(|| reveal("problems"));
        }
    };
    let next = move || match fs.next_page() {
        Turn::Moved(page) => show(page, true),
        Turn::Stay { .. } => {
            checked.set(true);
            request_animation_frame(|| reveal("page-problems"));
        }
        Turn::Last => finalize(),
    };
    let go_on = move || {
        if let Some(page) = fs.skip_page() {
            show(page, true);
        }
    };
    let back = move || {
        if let Some(page) = fs.back_page() {
            show(page, true);
        }
    };
    // A problem's link opens the question's page, whose errors then show,
    // and takes the keyboard to the question.
    let open_problem = move |problem: &Problem| {
        let path = problem.path.clone();
        match problem.page {
            Some(page) if page != current.get_untracked() => {
                let page = fs.open_page(page);
                show(page, false);
            }
            _ => list_open.set(false),
        }
        request_animation_frame(move || focus_field(&path));
    };

    let progress = move || {
        let t = lang.get().text();
        let (position, total) = nav.get().position;
        // A form on a single page has no progress to show.
        (total > 1).then(|| {
            view! {
                <div class="progress">
                    <span>{fs.shown(&format!("{} {position} {} {total}", t.page, t.of))}</span>
                    <progress max=total.to_string() value=position.to_string() aria-hidden="true"></progress>
                </div>
            }
        })
    };

    let problem_links = move |list: Vec<Problem>| {
        list.into_iter()
            .map(|problem| {
                let text = fs.shown(&format!("{}: {}", problem.label, problem.message));
                view! {
                    <li>
                        <a href="#" on:click=move |ev| {
                            ev.prevent_default();
                            open_problem(&problem);
                        }>{text}</a>
                    </li>
                }
            })
            .collect_view()
    };

    let problems_panel = move || {
        let list = problems.get();
        if list.is_empty() {
            return None;
        }
        let t = lang.get().text();
        if !list_open.get() {
            let count = list.len();
            return Some(
                view! {
                    <p class="problems-folded">
                        <button type="button" class="btn link" on:click=move |_| {
                            list_open.set(true);
                            request_animation_frame(|| reveal("problems"));
                        }>
                            {fs.shown(&format!("{}{count}{}", t.show_problems_before, t.show_problems_after))}
                        </button>
                    </p>
                }
                .into_any(),
            );
        }
        Some(
            view! {
                <section id="problems" class="problems" tabindex="-1" role="alert">
                    <h2>{t.review_problems}</h2>
                    <ul>{problem_links(list)}</ul>
                    <button type="button" class="btn link" on:click=move |_| list_open.set(false)>
                        {t.hide_problems}
                    </button>
                </section>
            }
            .into_any(),
        )
    };

    let page_problems_panel = move || {
        let list = page_problems.get();
        if list.is_empty() {
            return None;
        }
        let t = lang.get().text();
        let all_missing = list.iter().all(|p| p.missing);
        let may_skip = nav.get().may_skip;
        let advice = if all_missing {
            t.missing_later
        } else {
            t.wrong_first
        };
        Some(view! {
            <section id="page-problems" class="problems" tabindex="-1" role="alert">
                <h2>{t.page_problems_heading}</h2>
                <ul>{problem_links(list)}</ul>
                <p class="hint">{advice}</p>
                {may_skip.then(|| view! {
                    <button type="button" class="btn" on:click=move |_| go_on()>{t.go_on_anyway}</button>
                })}
            </section>
        })
    };

    let page_view = {
        let pages = pages.clone();
        move || {
            let index = current.get();
            let page = pages.get(index).cloned();
            untrack(move || page.map(|page| render_page(fs, page)))
        }
    };

    let nav_bar = move || {
        let t = lang.get().text();
        let state = nav.get();
        let back_button = view! {
            <button type="button" class="btn" disabled=!state.back on:click=move |_| back()>{t.back}</button>
        };
        let forward_button = match state.forward {
            Forward::Next => view! {
                <button type="button" class="btn primary" on:click=move |_| next()>{t.next}</button>
            }
            .into_any(),
            Forward::Finalize => view! {
                <button type="button" class="btn primary" on:click=move |_| finalize()>{t.finalize}</button>
            }
            .into_any(),
        };
        // Back has nowhere to go on a form of one page.
        let single = state.position.1 <= 1 && !state.back;
        view! {
            <nav class="nav" aria-label=t.page>
                <div class="nav-inner" class:single=single>{(!single).then_some(back_button)}{forward_button}</div>
            </nav>
        }
    };

    view! {
        <article class="form" data-form=form.id.clone()>
            <div class="form-head">
                <h1 tabindex="-1">{title}</h1>
                {language_choice}
                <Show when=move || !finished.get()>
                    {progress}
                    <button type="button" class="btn" on:click=save_draft>
                        {move || lang.get().text().save_draft}
                    </button>
                </Show>
                {note.map(|note| view! { <p class="version-note">{move || drafts::version_note_text(&note, lang.get())}</p> })}
                <p class="status" role="status">
                    {move || match keeper.state.get() {
                        SaveState::Failed(_) => String::new(),
                        state if !finished.get() => drafts::save_state_text(&state, lang.get()),
                        _ => String::new(),
                    }}
                </p>
                {move || seal_error.get().map(|error| view! {
                    <p class="save-error" role="alert">{error.user_message(lang.get().code())}</p>
                })}
                {move || match keeper.state.get() {
                    // After a conflict this screen's answers are already
                    // kept as a copy, so trying the same write again would
                    // do nothing: the action opens the other tab's version,
                    // and both stay in the drafts list.
                    SaveState::Failed(conflict @ StorageError::Conflict { .. }) => Some(view! {
                        <div class="save-error" role="alert">
                            <p>{conflict.user_message(lang.get().code())}</p>
                            <a class="btn" data-action="open-other-version" href=other_version(&conflict)>
                                {lang.get().text().open_other_version}
                            </a>
                        </div>
                    }.into_any()),
                    SaveState::Failed(error) => Some(view! {
                        <div class="save-error" role="alert">
                            <p>{error.user_message(lang.get().code())}</p>
                            <button type="button" class="btn" on:click=move |_| keeper.save_now(true)>
                                {lang.get().text().try_again}
                            </button>
                        </div>
                    }.into_any()),
                    _ => None,
                }}
            </div>
            <Show
                when=move || !finished.get()
                fallback=move || {
                    let t = lang.get().text();
                    // Say where the record is now and what happens next.
                    let whereabouts = if sealed_form { t.finalized_sealed } else { t.finalized_unsealed };
                    view! {
                        <section class="done" role="status" data-sealed=sealed_form.to_string()>
                            <h2 id="done-heading" tabindex="-1">{t.finalized_note}</h2>
                            <p>{whereabouts}</p>
                            <p><a href="#/">{t.all_forms}</a></p>
                        </section>
                    }
                }
            >
                {problems_panel}
                {page_problems_panel}
                {page_view.clone()}
                {nav_bar}
            </Show>
            {diagnostics_view}
        </article>
    }
    .into_any()
}

/// A page: its heading and its questions.
fn render_page(fs: FormSession, page: Page) -> AnyView {
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
fn render_node(fs: FormSession, node: NodeView) -> AnyView {
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

/// The reactive state of one question: one signal per part that a control
/// shows. A single effect per question follows the engine (it re-runs when
/// the engine says the question changed) and sets only the parts that
/// really changed, so an answer that only hides a question wakes the one
/// control that hides it. Typing in an answer that 200 questions depend on
/// then wakes about 200 effects, not the dozen of each of those questions.
#[derive(Clone, Copy)]
struct Question {
    fs: FormSession,
    path: &'static str,
    text: RwSignal<String>,
    label: RwSignal<String>,
    hint: RwSignal<Option<String>>,
    relevant: RwSignal<bool>,
    required: RwSignal<bool>,
    read_only: RwSignal<bool>,
    /// The error as shown: `None` until the question was visited or
    /// finalizing was tried.
    error: RwSignal<Option<String>>,
    choices: RwSignal<Vec<ChoiceView>>,
}

impl Question {
    /// The state of the question at `path`, starting from `node`, its view
    /// when the page was built.
    fn new(fs: FormSession, path: &'static str, node: &NodeView) -> Question {
        let q = Question {
            fs,
            path,
            text: RwSignal::new(node.text.clone()),
            label: RwSignal::new(fs.shown(&node.label)),
            hint: RwSignal::new(node.hint.as_deref().map(|h| fs.shown(h))),
            relevant: RwSignal::new(node.relevant),
            required: RwSignal::new(node.required),
            read_only: RwSignal::new(node.read_only),
            error: RwSignal::new(shown_error(fs, node)),
            choices: RwSignal::new(shown_choices(fs, node.choices.clone())),
        };
        // The first run also catches up with anything answered since `node`
        // was taken.
        Effect::new(move |_| {
            if let Some(node) = fs.node(path) {
                q.update(node);
            }
        });
        q
    }

    fn update(self, node: NodeView) {
        fn put<T: PartialEq + Send + Sync + 'static>(part: RwSignal<T>, value: T) {
            if part.with_untracked(|old| *old != value) {
                part.set(value);
            }
        }
        let fs = self.fs;
        put(self.error, shown_error(fs, &node));
        put(self.text, node.text);
        put(self.label, fs.shown(&node.label));
        put(self.hint, node.hint.as_deref().map(|h| fs.shown(h)));
        put(self.relevant, node.relevant);
        put(self.required, node.required);
        put(self.read_only, node.read_only);
        put(self.choices, shown_choices(fs, node.choices));
    }

    fn text(self) -> String {
        self.text.get()
    }
    fn label(self) -> String {
        self.label.get()
    }
    fn hint(self) -> Option<String> {
        self.hint.get()
    }
    fn relevant(self) -> bool {
        self.relevant.get()
    }
    fn required(self) -> bool {
        self.required.get()
    }
    fn read_only(self) -> bool {
        self.read_only.get()
    }
    fn error(self) -> Option<String> {
        self.error.get()
    }
    fn choices(self) -> Vec<ChoiceView> {
        self.choices.get()
    }
}

/// A question's error as the screen shows it: once the question was visited
/// or finalizing was tried, as a sentence (with the form's digits, since a
/// message such as "between 0 and 17" repeats the form's numbers).
fn shown_error(fs: FormSession, node: &NodeView) -> Option<String> {
    if node.show_error {
        node.error.as_deref().map(|e| fs.shown(&sentence(e)))
    } else {
        None
    }
}

/// The choices as the screen shows them: only their labels take the form's
/// digits, while their names, which are what is stored, stay as written.
fn shown_choices(fs: FormSession, mut choices: Vec<ChoiceView>) -> Vec<ChoiceView> {
    for choice in &mut choices {
        choice.label = fs.shown(&choice.label);
    }
    choices
}

/// Text for matching a search against choice labels: lower case, with Thai
/// digits read as ASCII, so that `๑` finds a label showing `1` and `1` one
/// showing `๑`, whichever digits the form shows and the keyboard types.
fn search_key(text: &str) -> String {
    yim_engine::thai::to_ascii_digits(&text.to_lowercase()).into_owned()
}

fn render_question(fs: FormSession, node: NodeView) -> AnyView {
    let lang = expect_context::<RwSignal<Lang>>();
    let path = intern(&node.path);
    let q = Question::new(fs, path, &node);
    let id = dom_id(path);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let extra_id = format!("{id}-extra");
    let kind = node.kind;
    let long = node.appearance.as_deref().is_some_and(|a| {
        a.split_whitespace()
            .any(|w| matches!(w, "minimal" | "autocomplete" | "search"))
    });
    let described = {
        let (hint_id, error_id, extra_id) = (hint_id.clone(), error_id.clone(), extra_id.clone());
        move || {
            let mut ids = Vec::new();
            if q.hint().is_some() {
                ids.push(hint_id.as_str());
            }
            if kind == "date" && !q.text().is_empty() {
                ids.push(extra_id.as_str());
            }
            if q.error().is_some() {
                ids.push(error_id.as_str());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let hint = {
        let hint_id = hint_id.clone();
        move || {
            q.hint()
                .map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })
        }
    };
    let required_mark = move || {
        q.required().then(|| {
            view! {
                <span class="required-mark" aria-hidden="true">"*"</span>
                <span class="sr-only">{move || format!(" ({})", lang.get().text().required)}</span>
            }
        })
    };
    let label = {
        let id = id.clone();
        move || view! { <label for=id.clone()>{move || q.label()}{required_mark}</label> }
    };

    let control = match kind {
        "note" => {
            return view! {
                <div class="field note" data-field=path hidden=move || !q.relevant()>
                    <p class="label">{move || q.label()}</p>
                    {hint}
                    {move || Some(q.text()).filter(|t| !t.is_empty()).map(|t| view! { <p class="calc-value">{fs.shown(&t)}</p> })}
                </div>
            }
            .into_any();
        }
        "select_one" => {
            let list_is_long = Memo::new(move |_| long || q.choices.with(|c| c.len() > LONG_LIST));
            let id = id.clone();
            let described = described.clone();
            let hint = hint.clone();
            (move || {
                if list_is_long.get() {
                    view! {
                        {label.clone()()}
                        {hint.clone()}
                        {dropdown(q, id.clone(), described.clone())}
                    }
                    .into_any()
                } else {
                    view! {
                        <fieldset aria-describedby=described.clone()>
                            <legend>{move || q.label()}{required_mark}</legend>
                            {hint.clone()}
                            {choice_list(q, id.clone(), false)}
                        </fieldset>
                    }
                    .into_any()
                }
            })
            .into_any()
        }
        "select_multiple" => view! {
            <fieldset aria-describedby=described.clone()>
                <legend>{move || q.label()}{required_mark}</legend>
                {hint.clone()}
                {choice_list(q, id.clone(), true)}
            </fieldset>
        }
        .into_any(),
        "acknowledge" => view! {
            {hint.clone()}
            <label class="choice" for=id.clone()>
                <input
                    type="checkbox"
                    id=id.clone()
                    aria-describedby=described.clone()
                    aria-invalid=move || q.error().is_some().then_some("true")
                    disabled=move || q.read_only()
                    prop:checked=move || q.text() == "OK"
                    on:change=move |ev| fs.answer(path, if event_target_checked(&ev) { "OK" } else { "" })
                    on:blur=move |_| fs.touch(path)
                />
                <span>{move || q.label()}{required_mark}</span>
            </label>
        }
        .into_any(),
        "geopoint" => view! {
            <fieldset aria-describedby=described.clone()>
                <legend>{move || q.label()}{required_mark}</legend>
                {hint.clone()}
                {geopoint(q, id.clone())}
            </fieldset>
        }
        .into_any(),
        _ => view! {
            {label.clone()()}
            {hint.clone()}
            {text_input(q, kind, node.appearance.as_deref(), id.clone(), described.clone())}
        }
        .into_any(),
    };

    let be_date = (kind == "date").then(|| {
        view! {
            <p class="be-date" id=extra_id.clone()>
                {move || display_date(&q.text(), lang.get()).map(|d| fs.shown(&d)).unwrap_or_default()}
            </p>
        }
    });
    // A date may also be typed as Thai paperwork writes it, `5 มีนาคม 2568`
    // or `๕/๓/๒๕๖๘`: the engine reads it and stores the ISO date, which the
    // picker and the line above then show back. It is read when the
    // volunteer leaves the box, so half a date is never reported as wrong.
    let typed_date = (kind == "date" && !node.read_only).then(|| {
        let fs = q.fs;
        let path = q.path;
        let typed_id = format!("{id}-typed");
        view! {
            <div class="typed-date">
                <label for=typed_id.clone()>{move || lang.get().text().typed_date}</label>
                <input
                    type="text"
                    id=typed_id
                    autocomplete="off"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        if !value.trim().is_empty() {
                            fs.answer(path, &value);
                            fs.touch(path);
                        }
                    }
                />
            </div>
        }
    });

    view! {
        <div class="field" class:invalid=move || q.error().is_some() data-field=path hidden=move || !q.relevant()>
            {control}
            {be_date}
            {typed_date}
            <p class="error" id=error_id aria-live="polite">{move || q.error().unwrap_or_default()}</p>
        </div>
    }
    .into_any()
}

/// A text-like input. Numbers use a text input with a numeric keyboard, so
/// that what the person typed reaches the engine unchanged and a wrong entry
/// gets the form's own message rather than being silently cleared by the
/// browser.
fn text_input(
    q: Question,
    kind: &'static str,
    appearance: Option<&str>,
    id: String,
    described: impl Fn() -> Option<String> + Clone + Send + Sync + 'static,
) -> AnyView {
    let fs = q.fs;
    let path = q.path;
    let to_input = move |text: String| -> String {
        match kind {
            // The engine writes times and date-times in full ISO 8601; the
            // browser's pickers take minutes precision without an offset.
            "time" => text.get(..5).map(str::to_string).unwrap_or(text),
            "datetime" => text.get(..16).map(str::to_string).unwrap_or(text),
            // Numbers, and any value the person cannot edit (a calculated
            // one), are shown back with the form's digits. The engine reads
            // Thai and ASCII digits alike, so editing a number shown as `๑๒`
            // stores `12`. Free text the person can edit stays exactly as
            // typed: changing its digits would change the answer.
            "integer" | "decimal" => fs.shown(&text),
            _ if q.read_only() => fs.shown(&text),
            _ => text,
        }
    };
    let from_input = move |value: String| -> String {
        match kind {
            "datetime" if !value.is_empty() => format!("{value}{}", engine_bridge::local_offset()),
            _ => value,
        }
    };
    let multiline = kind == "text"
        && appearance.is_some_and(|a| a.split_whitespace().any(|w| w == "multiline"));
    if multiline {
        let area = NodeRef::<html::Textarea>::new();
        mirror(area, move || {
            let text = q.text();
            if q.read_only() {
                fs.shown(&text)
            } else {
                text
            }
        });
        return view! {
            <textarea
                id=id
                node_ref=area
                aria-describedby=described
                aria-invalid=move || q.error().is_some().then_some("true")
                aria-required=move || q.required().then_some("true")
                readonly=move || q.read_only()
                on:input=move |ev| fs.answer(path, &event_target_value(&ev))
                on:blur=move |_| fs.touch(path)
            ></textarea>
        }
        .into_any();
    }
    let (input_type, inputmode) = match kind {
        "integer" => ("text", Some("numeric")),
        "decimal" => ("text", Some("decimal")),
        "date" => ("date", None),
        "time" => ("time", None),
        "datetime" => ("datetime-local", None),
        _ => ("text", None),
    };
    let input = NodeRef::<html::Input>::new();
    mirror(input, move || to_input(q.text()));
    view! {
        <input
            type=input_type
            id=id
            node_ref=input
            inputmode=inputmode
            autocomplete="off"
            aria-describedby=described
            aria-invalid=move || q.error().is_some().then_some("true")
            aria-required=move || q.required().then_some("true")
            readonly=move || q.read_only()
            on:input=move |ev| fs.answer(path, &from_input(event_target_value(&ev)))
            on:blur=move |_| {
                fs.touch(path);
                // Show the answer as the engine reads it once the person
                // leaves the field (for example `1.` becomes `1`).
                if let (Some(Some(el)), Some(node)) = (input.try_get_untracked(), fs.node_untracked(path)) {
                    let text = to_input(node.text);
                    if el.value() != text {
                        el.set_value(&text);
                    }
                }
            }
        />
    }
    .into_any()
}

/// Radio buttons or checkboxes, one per offered choice. The list is keyed by
/// choice, so picking one never rebuilds the others (focus stays put while
/// moving through the list with the arrow keys).
fn choice_list(q: Question, id: String, multiple: bool) -> AnyView {
    let lang = expect_context::<RwSignal<Lang>>();
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
    let search_id = format!("{id}-search");
    let search = move || {
        searchable.get().then(|| {
            let search_id = search_id.clone();
            view! {
                <label class="sr-only" for=search_id.clone()>{move || lang.get().text().search_choices}</label>
                <input
                    type="search"
                    class="choice-search"
                    id=search_id
                    placeholder=move || lang.get().text().search_choices
                    on:input=move |ev| filter.set(search_key(&event_target_value(&ev)))
                />
            }
        })
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
                                        fs.answer_multi(path, &now);
                                    } else {
                                        fs.answer(path, &name);
                                    }
                                }
                                on:blur=move |_| fs.touch(path)
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

/// A native dropdown for long lists, with a search box that narrows the
/// options (the current answer always stays in the list).
fn dropdown(
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

/// Latitude and longitude typed in, or filled from the device's location.
/// The answer is ODK's `lat lon [alt [accuracy]]` text.
fn geopoint(q: Question, id: String) -> AnyView {
    let lang = expect_context::<RwSignal<Lang>>();
    let fs = q.fs;
    let path = q.path;
    let part = move |i: usize| {
        q.text()
            .split_whitespace()
            .nth(i)
            .map(str::to_string)
            .unwrap_or_default()
    };
    let lat_ref = NodeRef::<html::Input>::new();
    let lon_ref = NodeRef::<html::Input>::new();
    for (i, input) in [(0, lat_ref), (1, lon_ref)] {
        mirror(input, move || part(i));
    }
    let send = move || {
        let lat = lat_ref
            .get_untracked()
            .map(|e| e.value())
            .unwrap_or_default();
        let lon = lon_ref
            .get_untracked()
            .map(|e| e.value())
            .unwrap_or_default();
        let joined = format!("{} {}", lat.trim(), lon.trim());
        fs.answer(path, joined.trim());
    };
    let locating = RwSignal::new(None::<&'static str>);
    let locate = move |_| {
        let t = lang.get_untracked().text();
        locating.set(Some(t.locating));
        crate::geo::current_position(move |result| match result {
            Ok(text) => {
                locating.set(None);
                fs.answer(path, &text);
            }
            Err(()) => locating.set(Some(lang.get_untracked().text().location_failed)),
        });
    };
    let lat_id = format!("{id}-lat");
    let lon_id = format!("{id}-lon");
    view! {
        <div class="geo">
            <div>
                <label for=lat_id.clone()>{move || lang.get().text().latitude}</label>
                <input type="text" inputmode="decimal" id=lat_id node_ref=lat_ref readonly=move || q.read_only()
                    on:input=move |_| send() on:blur=move |_| fs.touch(path) />
            </div>
            <div>
                <label for=lon_id.clone()>{move || lang.get().text().longitude}</label>
                <input type="text" inputmode="decimal" id=lon_id node_ref=lon_ref readonly=move || q.read_only()
                    on:input=move |_| send() on:blur=move |_| fs.touch(path) />
            </div>
        </div>
        <button type="button" class="btn" id=id disabled=move || q.read_only() on:click=locate>
            {move || lang.get().text().use_my_location}
        </button>
        <p class="hint" aria-live="polite">{move || locating.get().unwrap_or_default()}</p>
    }
    .into_any()
}

/// A language's name in that language, for the form-language choice; a code
/// Yim does not know is shown as it is written in the form.
fn language_name(code: &str) -> &str {
    match code {
        "th" => "ไทย",
        "en" => "English",
        "km" => "ខ្មែរ (Khmer)",
        "lo" => "ລາວ (Lao)",
        "hmn" => "Hmoob (Hmong)",
        "ms" => "Bahasa Melayu",
        "my" => "မြန်မာ (Burmese)",
        other => other,
    }
}

/// Where the other tab's version of a draft opens, after a conflict kept
/// this screen's answers as a copy: the response the conflict names.
fn other_version(conflict: &StorageError) -> String {
    match conflict {
        StorageError::Conflict { id, .. } => crate::route::Route::Response(id.clone()).to_hash(),
        _ => crate::route::Route::Home.to_hash(),
    }
}
