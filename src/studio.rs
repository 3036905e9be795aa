//! The form studio: a page where an author opens or writes a YAML form, sees
//! every problem the loader and the expression checker find (with line and
//! column; a click puts the cursor there), and tries the form in the app's
//! own form screen, all in the browser.
//!
//! **Boundary**: the studio only composes what exists. Problems come from
//! `yim_form::load` and the engine's compiler, exactly as `yim lint` reports
//! them; the preview is the app's `FormScreen`, given a catalog that holds
//! the studio's form, so a studio form is filled and saved like a bundled
//! one: its responses and its resolved source are kept on the device by the
//! form screen's own autosave.
//!
//! **Invariant**: the author's text is never rewritten. It is checked as
//! typed, kept on the device as typed, and downloaded as typed.

use std::sync::Arc;
use std::time::Duration;

use gloo_storage::Storage as _;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use yim_form::publish::{DeploymentKey, Publication};
use yim_form::{Diagnostic, Files, Form, MemFiles};

use crate::catalog::{Catalog, Entry};
use crate::engine_bridge;
use crate::form::FormScreen;
use crate::i18n::{Lang, Words as _};

/// How long typing must pause before the text is checked again. Loading and
/// compiling a large form takes a few milliseconds; checking on every key
/// would still make typing stutter on a cheap phone.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// The editor's line height in CSS pixels. It must match
/// `.studio-editor` in `public/studio.css`, so that the line numbers line up
/// with the text and a jump scrolls to the right line.
const LINE_PX: f64 = 24.0;

/// Where the studio keeps the text and its path between visits
/// (localStorage).
const TEXT_KEY: &str = "yim.studio.text";
const PATH_KEY: &str = "yim.studio.path";

/// The path a new or opened file is checked under. It sits next to the
/// bundled forms, so that `extends: ../national/child-core.yaml` and CSV
/// choice lists resolve as they would in the repository.
const DEFAULT_PATH: &str = "studio/form.yaml";

/// The text of a new form: the smallest form that shows something, in both
/// of the app's languages.
const NEW_FORM: &str = "\
form:
  id: my-form
  version: \"1\"
  title: {th: แบบฟอร์มใหม่, en: New form}
  languages: [th, en]

questions:
  - name: child_name
    type: text
    label: {th: ชื่อเด็ก, en: Child's name}
";

/// The link to the studio, for the home screen.
#[component]
pub fn StudioLink() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    view! {
        <p class="studio-link">
            <a href="#/studio">{move || lang.get().studio().link}</a>
            <span class="meta">{move || lang.get().studio().link_hint}</span>
        </p>
    }
}

/// The files a studio form is checked against: the author's text under its
/// path, and every published form and CSV file, so that variants and choice
/// lists resolve without copying them for every check.
struct StudioFiles<'a> {
    path: &'a str,
    text: &'a str,
    published: &'a MemFiles,
}

impl Files for StudioFiles<'_> {
    fn read(&self, path: &str) -> Result<String, String> {
        if path == self.path {
            return Ok(self.text.to_string());
        }
        self.published.read(path)
    }
}

/// What checking one text gives: the form when one could be built, and
/// every problem, sorted by file and place.
#[derive(Clone, Debug, Default, PartialEq)]
struct Checked {
    form: Option<Arc<Form>>,
    problems: Vec<Diagnostic>,
}

/// Loads and compiles `text` as the file `path`, as `yim lint` would.
fn check(path: &str, text: &str, published: &MemFiles) -> Checked {
    let files = StudioFiles {
        path,
        text,
        published,
    };
    let (form, mut problems) = yim_form::load(path, &files);
    if let Some(form) = &form {
        let (_, more) = engine_bridge::compile(form);
        problems.extend(more);
    }
    problems.sort_by(|a, b| {
        (
            a.loc.file.as_ref() != path,
            a.loc.file.as_ref(),
            a.loc.line,
            a.loc.col,
        )
            .cmp(&(
                b.loc.file.as_ref() != path,
                b.loc.file.as_ref(),
                b.loc.line,
                b.loc.col,
            ))
    });
    problems.dedup();
    Checked {
        form: form.map(Arc::new),
        problems,
    }
}

/// The files to copy to the web host to publish the author's form next to
/// the deployment's published ones, exactly as `yim publish` would write
/// them: the form file and a new index. The problems when it cannot be
/// published (including a form without recipients).
fn publication(path: &str, text: &str, catalog: &Catalog) -> Result<Publication, Vec<Diagnostic>> {
    let mut files = catalog.files().clone();
    files.insert(path, text);
    let sources: Vec<(String, String)> = files.0.keys().map(|p| (p.clone(), p.clone())).collect();
    let keys: Vec<DeploymentKey> = catalog
        .deployment_keys
        .iter()
        .map(|key| DeploymentKey {
            key: key.clone(),
            loc: yim_form::Loc::new("index.json", 1, 1),
        })
        .collect();
    let check = |form: &Form| engine_bridge::compile(form).1;
    match yim_form::publish::publish(&files, &sources, &keys, &check) {
        (Some(mut publication), problems) if problems.is_empty() => {
            // The new index replaces the deployment's, so it keeps the
            // deployment's intake address.
            publication.index.intake = catalog.intake.clone();
            Ok(publication)
        }
        (_, problems) => Err(problems),
    }
}

/// The offset, in UTF-16 code units as a textarea counts them, of 1-based
/// `line` and character column `col` in `text`; past the end of a line or
/// of the text, its end.
fn offset_of(text: &str, line: u32, col: u32) -> u32 {
    let mut offset = 0usize;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line as usize {
            let within: usize = l
                .chars()
                .take(col.saturating_sub(1) as usize)
                .map(char::len_utf16)
                .sum();
            return (offset + within) as u32;
        }
        offset += l.encode_utf16().count() + 1;
    }
    text.encode_utf16().count() as u32
}

/// The last part of a path, for naming a download.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The studio page.
#[component]
pub fn Studio() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let app_catalog = expect_context::<Arc<Catalog>>();

    let remembered = (
        gloo_storage::LocalStorage::get::<String>(PATH_KEY).ok(),
        gloo_storage::LocalStorage::get::<String>(TEXT_KEY).ok(),
    );
    let (first_path, first_text) = match remembered {
        (Some(p), Some(t)) => (p, t),
        _ => (DEFAULT_PATH.to_string(), NEW_FORM.to_string()),
    };
    let path = RwSignal::new(first_path.clone());
    let text = RwSignal::new(first_text.clone());
    // The text as last loaded from a file or a bundled form, to ask before
    // replacing edits.
    let loaded = StoredValue::new(first_text.clone());
    // The text as last checked; it follows `text` after a pause in typing.
    let settled = RwSignal::new(first_text);
    let checked = {
        let catalog = app_catalog.clone();
        Memo::new(move |_| settled.with(|t| path.with(|p| check(p, t, &catalog.files()))))
    };
    let message = RwSignal::new(None::<&'static str>);

    let timer = StoredValue::new(None::<TimeoutHandle>);
    let edit = move |new: String| {
        text.set(new);
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        let handle =
            set_timeout_with_handle(move || settled.set(text.get_untracked()), DEBOUNCE).ok();
        timer.set_value(handle);
    };
    // Replaces the text at once (a file opened, a form chosen), asking first
    // when that would lose edits.
    let replace = move |new_path: String, new_text: String| {
        let edited = loaded.with_value(|l| text.with_untracked(|t| t != l));
        if edited
            && !window()
                .confirm_with_message(lang.get_untracked().studio().replace)
                .unwrap_or(false)
        {
            return;
        }
        path.set(new_path);
        loaded.set_value(new_text.clone());
        text.set(new_text.clone());
        settled.set(new_text);
        message.set(None);
    };

    // The text is kept on the device as typed: once it settles, and at once
    // when the page is hidden or the studio closed, so that the last
    // keystrokes before a reload are not lost.
    let remember = move |path: String, text: String| {
        // A full localStorage only means the text is not remembered; the
        // editor keeps it, and the author can still download it.
        let _ = gloo_storage::LocalStorage::set(PATH_KEY, path);
        let _ = gloo_storage::LocalStorage::set(TEXT_KEY, text);
    };
    Effect::new(move |_| remember(path.get(), settled.get()));
    // The studio may be closing, its signals already gone; then there is
    // nothing left to keep.
    let flush = move || {
        if let (Some(p), Some(t)) = (path.try_get_untracked(), text.try_get_untracked()) {
            remember(p, t);
        }
    };
    let hidden = window_event_listener_untyped("pagehide", move |_| flush());
    on_cleanup(move || {
        hidden.remove();
        flush();
    });

    // The preview is rebuilt only when the form itself changes, not when a
    // comment or a blank line moves its locations, so that answers typed
    // into the preview survive such edits.
    let preview = RwSignal::new(None::<Arc<Form>>);
    Effect::new(move |_| {
        let next = checked.with(|c| c.form.clone());
        let same = preview.with_untracked(|old| match (old, &next) {
            (Some(old), Some(new)) => stripped(old) == stripped(new),
            (None, None) => true,
            _ => false,
        });
        if !same {
            preview.set(next);
        }
    });

    let area = NodeRef::<html::Textarea>::new();
    let gutter = NodeRef::<html::Div>::new();
    let jump = move |line: u32, col: u32| {
        let Some(area) = area.get_untracked() else {
            return;
        };
        let offset = text.with_untracked(|t| offset_of(t, line, col));
        let _ = area.focus();
        let _ = area.set_selection_range(offset, offset);
        let top = (f64::from(line.saturating_sub(1)) * LINE_PX
            - f64::from(area.client_height()) / 3.0)
            .max(0.0);
        area.set_scroll_top(top as i32);
        if let Some(gutter) = gutter.get_untracked() {
            gutter.set_scroll_top(area.scroll_top());
        }
    };

    let open_file = move |file: web_sys::File| {
        let name = file.name();
        spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(value) => {
                    let body = value.as_string().unwrap_or_default();
                    replace(format!("studio/{}", name.replace(['/', '\\'], "_")), body);
                }
                Err(_) => message.set(Some(lang.get_untracked().studio().not_read)),
            }
        });
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            open_file(file);
        }
        // Choosing the same file again must fire `change` again.
        input.set_value("");
    };
    let dragging = RwSignal::new(false);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|files| files.get(0))
        {
            open_file(file);
        }
    };
    let start_catalog = app_catalog.clone();
    let start_from = move |ev: leptos::ev::Event| {
        let select: web_sys::HtmlSelectElement = event_target(&ev);
        let choice = select.value();
        let chosen = if choice == "new" {
            Some((DEFAULT_PATH.to_string(), NEW_FORM.to_string()))
        } else {
            start_catalog
                .files()
                .0
                .get(&choice)
                .map(|t| (choice.clone(), t.clone()))
        };
        if let Some((p, t)) = chosen {
            replace(p, t);
        }
        select.set_value("");
    };
    let download = move |_| {
        let name = path.with_untracked(|p| file_name(p).to_string());
        text.with_untracked(|t| save_as(&name, t));
    };

    let bundled_options = app_catalog
        .files()
        .0
        .keys()
        .filter(|p| p.ends_with(".yaml") || p.ends_with(".yml"))
        .map(|p| view! { <option value=p.clone()>{p.clone()}</option> })
        .collect_view();
    // Publishing from the studio: the edited form and the new index, to be
    // copied into the published folder on the web host.
    let publish_problems = RwSignal::new(None::<Vec<String>>);
    let publish = {
        let catalog = app_catalog.clone();
        move |_| {
            let (p, t) = (path.get_untracked(), text.get_untracked());
            match publication(&p, &t, &catalog) {
                Ok(publication) => {
                    publish_problems.set(Some(Vec::new()));
                    save_as(file_name(&p), &t);
                    save_as(yim_form::publish::INDEX_FILE, &publication.index_json());
                }
                Err(problems) => {
                    publish_problems.set(Some(problems.iter().map(|d| d.to_string()).collect()))
                }
            }
        }
    };
    let publish_report = move || {
        let w = lang.get().studio();
        publish_problems.get().map(|problems| {
            if problems.is_empty() {
                view! { <p class="studio-ok" role="status">{w.published}<code>{path.get()}</code></p> }
                    .into_any()
            } else {
                let items = problems
                    .into_iter()
                    .map(|p| view! { <li><code>{p}</code></li> })
                    .collect_view();
                view! {
                    <div class="studio-warning" role="alert">
                        <p>{w.not_published}</p>
                        <ul>{items}</ul>
                    </div>
                }
                .into_any()
            }
        })
    };

    let line_count = Memo::new(move |_| text.with(|t| t.split('\n').count()));
    let bad_lines = Memo::new(move |_| {
        let p = path.get();
        checked.with(|c| {
            c.problems
                .iter()
                .filter(|d| d.loc.file.as_ref() == p)
                .map(|d| d.loc.line)
                .collect::<Vec<u32>>()
        })
    });
    let numbers = move || {
        let bad = bad_lines.get();
        (1..=line_count.get())
            .map(|n| {
                let n = n as u32;
                view! { <span class:bad=bad.contains(&n)>{n}</span> }
            })
            .collect_view()
    };

    let problems = move || {
        let w = lang.get().studio();
        let p = path.get();
        let list = checked.with(|c| c.problems.clone());
        if list.is_empty() {
            return view! { <p class="studio-ok">{w.no_problems}</p> }.into_any();
        }
        let items = list
            .into_iter()
            .map(|d| {
                let (line, col) = (d.loc.line, d.loc.col);
                if d.loc.file.as_ref() == p {
                    view! {
                        <li>
                            <button type="button" class="studio-problem" data-line=line.to_string() on:click=move |_| jump(line, col)>
                                <span class="where">{format!("{line}:{col}")}</span>
                                " "
                                <span class="what">{d.message.clone()}</span>
                            </button>
                        </li>
                    }
                    .into_any()
                } else {
                    // A problem in a base form or a CSV file: shown with its
                    // file, but the editor holds only the author's file.
                    view! { <li class="elsewhere"><code>{d.to_string()}</code></li> }.into_any()
                }
            })
            .collect_view();
        view! { <ul class="studio-problems">{items}</ul> }.into_any()
    };

    let preview_view = move || {
        let Some(form) = preview.get() else {
            return view! { <p class="meta">{move || lang.get().studio().no_preview}</p> }
                .into_any();
        };
        let same_id = app_catalog.by_id(&form.id).is_some();
        // The form screen finds forms in the catalog of its context; this
        // one holds only the studio's form and shadows the app's for the
        // preview alone.
        provide_context(Arc::new(Catalog::of(vec![Entry {
            form: form.clone(),
            diagnostics: Vec::new(),
        }])));
        let id = form.id.clone();
        view! {
            {same_id.then(|| view! { <p class="studio-warning">{move || lang.get().studio().same_id}</p> })}
            <FormScreen id=id/>
        }
        .into_any()
    };

    view! {
        <section class="studio">
            <h1>{move || lang.get().studio().title}</h1>
            <p class="meta">{move || lang.get().studio().intro}</p>
            <div class="studio-tools">
                <label class="btn studio-open">
                    {move || lang.get().studio().open_file}
                    <input type="file" class="sr-only" accept=".yaml,.yml,text/yaml,application/yaml" on:change=on_pick/>
                </label>
                <label class="studio-start">
                    <span>{move || lang.get().studio().start_from}</span>
                    <select on:change=start_from>
                        <option value="">{move || lang.get().studio().choose}</option>
                        <option value="new">{move || lang.get().studio().new_form}</option>
                        {bundled_options}
                    </select>
                </label>
                <button type="button" class="btn" on:click=download>{move || lang.get().studio().download}</button>
                <button type="button" class="btn" on:click=publish>{move || lang.get().studio().publish}</button>
            </div>
            {publish_report}
            <p class="meta">{move || lang.get().studio().drop_hint}</p>
            <p class="studio-file"><code>{move || path.get()}</code></p>
            {move || message.get().map(|m| view! { <p class="studio-warning" role="alert">{m}</p> })}
            <div
                class="studio-editor"
                class:dragging=move || dragging.get()
                on:dragover=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <div class="studio-lines" aria-hidden="true" node_ref=gutter>{numbers}</div>
                <textarea
                    node_ref=area
                    aria-label=move || lang.get().studio().editor_label
                    spellcheck="false"
                    autocapitalize="off"
                    autocomplete="off"
                    wrap="off"
                    prop:value=move || text.get()
                    on:input=move |ev| edit(event_target_value(&ev))
                    on:scroll=move |_| {
                        if let (Some(area), Some(gutter)) = (area.get_untracked(), gutter.get_untracked()) {
                            gutter.set_scroll_top(area.scroll_top());
                        }
                    }
                ></textarea>
            </div>
            <section class="studio-report" aria-live="polite">
                <h2>{move || lang.get().studio().problems}</h2>
                {problems}
            </section>
            <section class="studio-preview">
                <h2>{move || lang.get().studio().preview}</h2>
                {preview_view}
            </section>
        </section>
    }
}

/// A form without locations, for telling whether two checks built the same
/// form.
fn stripped(form: &Form) -> Form {
    let mut form = form.clone();
    form.strip_locations();
    form
}

/// Offers `text` as a download called `name`, exactly as typed.
fn save_as(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/yaml");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(link) = document().create_element("a") {
        if let Ok(link) = link.dyn_into::<web_sys::HtmlAnchorElement>() {
            link.set_href(&url);
            link.set_download(name);
            link.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn offsets_count_utf16_units_like_a_textarea() {
        let text = "ab\nชื่อ: x\n😀z\n";
        assert_eq!(offset_of(text, 1, 1), 0);
        assert_eq!(offset_of(text, 2, 1), 3);
        assert_eq!(offset_of(text, 2, 5), 7);
        assert_eq!(offset_of(text, 3, 2), 13);
        assert_eq!(offset_of(text, 9, 1), text.encode_utf16().count() as u32);
    }

    #[wasm_bindgen_test]
    fn checking_reports_loader_and_expression_problems_in_order() {
        let text = "form: {id: t, version: '1', title: T}\nquestions:\n  - {name: a, type: integer, label: A}\n  - {name: b, type: text, lable: B, relevant: '${aa} > 1'}\n";
        let checked = check(DEFAULT_PATH, text, &MemFiles::new());
        let lines: Vec<String> = checked
            .problems
            .iter()
            .map(|d| format!("{}:{} {}", d.loc.line, d.loc.col, d.message))
            .collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines.iter().all(|l| l.starts_with("4:")), "{lines:?}");
        assert!(checked.form.is_some());
    }

    #[wasm_bindgen_test]
    fn a_variant_resolves_against_the_published_forms() {
        let published = MemFiles::new().with(
            "national/base.yaml",
            "form: {id: base, version: '1', title: B}\nquestions:\n  - {name: a, type: text, label: A}\n",
        );
        let text =
            "extends: ../national/base.yaml\nform:\n  id: studio-variant\n  version: \"1-s\"\n";
        let checked = check(DEFAULT_PATH, text, &published);
        let ours: Vec<&Diagnostic> = checked
            .problems
            .iter()
            .filter(|d| d.loc.file.as_ref() == DEFAULT_PATH)
            .collect();
        assert!(ours.is_empty(), "{ours:?}");
        assert_eq!(
            checked.form.map(|f| f.id.clone()),
            Some("studio-variant".to_string())
        );
    }

    #[wasm_bindgen_test]
    fn the_studio_publishes_what_yim_publish_would() {
        let base = "form: {id: base, version: '1', title: B}\nquestions:\n  - {name: a, type: text, label: A}\n";
        let text =
            "extends: ../national/base.yaml\nform:\n  id: studio-variant\n  version: \"1-s\"\n";
        let files = [("national/base.yaml", base)];
        // Without the deployment's keys, nothing can be published.
        let catalog = Catalog::load(&files);
        let problems = publication("loei/variant.yaml", text, &catalog).unwrap_err();
        assert!(
            problems
                .iter()
                .any(|d| d.message.contains("has no recipients")),
            "{problems:?}"
        );
        // With them, the new index names the edited form with the keys and
        // the hash of its text, next to the forms published before.
        let mut catalog = Catalog::load(&files);
        let key = "age1e7nsd7h09745s8untxm4jm8p3kwn6j4yryhwmcd5r3xz6ehdzqnsa6sscx";
        catalog.deployment_keys = vec![key.to_string()];
        let published = publication("loei/variant.yaml", text, &catalog).expect("publishable");
        let ids: Vec<&str> = published
            .index
            .forms
            .iter()
            .map(|f| f.id.as_str())
            .collect();
        assert_eq!(ids, ["studio-variant", "base"]);
        assert_eq!(published.index.forms[0].recipients, [key]);
        let file = published.index.file("loei/variant.yaml").expect("listed");
        assert_eq!(file.verify(text.as_bytes()), Ok(()));
        assert_eq!(published.files["loei/variant.yaml"], text);
    }
}
