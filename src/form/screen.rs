//! The form screen: the title, the form's language, the page shown, the page
//! buttons, the lists of problems, the draft's save state and the finalize
//! action.

use std::sync::Arc;

use leptos::prelude::*;
use yim_app_core::finalize::{self as workflow, Finalizing, Step};
use yim_bundle::SealedAttachment;
use yim_form::case::CaseChange;
use yim_form::Form;

use super::dom::{focus_field, focus_without_scrolling, reveal};
use super::page::render_page;
use crate::catalog::Catalog;
use crate::drafts::{self, Keeper, Resume, SaveState};
use crate::engine_bridge::{self, FormSession, Forward, Problem, Turn};
use crate::i18n::{Lang, Words as _};
use crate::seal::SealError;
use crate::storage::{Photo, Response, StorageError};

/// The form screen for the form with this id: a new response, or the
/// stored one in `resume`, which opens with the form it was started on.
/// Every change is kept on the phone by a [`Keeper`].
#[component]
pub fn FormScreen(
    id: String,
    #[prop(optional)] resume: Option<Resume>,
    #[prop(optional, into)] case: Option<String>,
) -> impl IntoView {
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
    let new_response = resumed.is_none();
    let keeper = Keeper::new(fs, current, Arc::clone(&form), resumed);
    // The photo questions store their photos under the response's id.
    provide_context(keeper);
    if let Some(block) = &form.case {
        give_cases(fs, block.list.clone(), case.filter(|_| new_response));
    }
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
    let seal_error = RwSignal::new(None::<SealError>);
    // The order of finalizing (problems, then the data, the seal and the
    // write) is `yim_app_core::finalize`'s; this closure shows each outcome.
    // Set when Finalize was pressed while a photo was still being made
    // smaller; the message goes once the photo is in.
    let wait_for_photo = RwSignal::new(false);
    let finalize = move || {
        // A photo being made smaller has no answer yet: finalizing now
        // would seal the response without it, and the photo would be lost.
        if keeper.shrinking.get_untracked() > 0 {
            wait_for_photo.set(true);
            return;
        }
        wait_for_photo.set(false);
        // The photos are read first: reading waits for the phone's storage,
        // and the workflow itself never waits. They are sealed in it with
        // the answers, so no photo stays in clear after finalizing.
        leptos::task::spawn_local(async move {
            let photos = match keeper.response_id() {
                Some(id) => crate::storage::Storage::app().photos(&id).await,
                None => Ok(Vec::new()),
            };
            let photos = match photos {
                // A photo taken since the last write is sealed too: the
                // finalized answers may name it.
                Ok(mut photos) => {
                    photos.extend(keeper.unsaved_photos());
                    photos
                }
                Err(error) => {
                    seal_error.try_set(Some(SealError::Storage(error)));
                    return;
                }
            };
            let Some(step) = sealing_form.try_with_value(|form| {
                workflow::finalize(&mut Closing {
                    fs,
                    keeper,
                    form,
                    photos,
                })
            }) else {
                return;
            };
            attempted.try_set(true);
            checked.try_set(false);
            match step {
                Step::Problems(_) => {
                    list_open.try_set(true);
                    request_animation_frame(|| reveal("problems"));
                }
                Step::NotSealed(error) => {
                    seal_error.try_set(Some(error));
                }
                Step::Store((response, case), photos) => {
                    seal_error.try_set(None);
                    // The screen closes only once the finalized response is
                    // on the phone; a failed write leaves it open with a
                    // retry. The case list gets the response's case change,
                    // and the photos their sealed copies, in the same write.
                    if keeper.store_finalized(response, case, photos).await.is_ok() {
                        finished.try_set(true);
                        window().scroll_to_with_x_and_y(0.0, 0.0);
                        request_animation_frame(|| {
                            if let Some(done) = document().get_element_by_id("done-heading") {
                                focus_without_scrolling(&done);
                            }
                        });
                    }
                }
            }
        });
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
                {move || (wait_for_photo.get() && keeper.shrinking.get() > 0).then(|| view! {
                    <p class="save-error" role="alert">{lang.get().text().finalize_waits_for_photo}</p>
                })}
                {move || seal_error.get().map(|error| view! {
                    <p class="save-error" role="alert">{error.user_message(lang.get())}</p>
                })}
                {move || match keeper.state.get() {
                    // After a conflict this screen's answers are already
                    // kept as a copy, so trying the same write again would
                    // do nothing: the action opens the other tab's version,
                    // and both stay in the drafts list.
                    SaveState::Failed(conflict @ StorageError::Conflict { .. }) => Some(view! {
                        <div class="save-error" role="alert">
                            <p>{conflict.user_message(lang.get())}</p>
                            <a class="btn" data-action="open-other-version" href=other_version(&conflict)>
                                {lang.get().text().open_other_version}
                            </a>
                        </div>
                    }.into_any()),
                    SaveState::Failed(error) => Some(view! {
                        <div class="save-error" role="alert">
                            <p>{error.user_message(lang.get())}</p>
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

/// Finalizing the response open on the screen: its engine session, its
/// autosave and the form it is filled with.
struct Closing<'a> {
    fs: FormSession,
    keeper: Keeper,
    form: &'a Form,
    /// The response's photos not sealed yet, as stored.
    photos: Vec<Photo>,
}

impl Finalizing for Closing<'_> {
    type Problem = Problem;
    /// The response and its case change: sealing takes the change out of
    /// the record with the answers, and the case list still needs it.
    type Record = (Response, Option<CaseChange>);
    type Attachments = Vec<SealedAttachment>;
    type SealError = SealError;

    fn problems(&mut self) -> Vec<Problem> {
        self.fs.finalize_problems()
    }

    fn finalized(&mut self) -> (Response, Option<CaseChange>) {
        self.fs.mark_end();
        let response = self.keeper.finalized(self.fs.answers_json());
        let case = response.case.clone();
        (response, case)
    }

    fn seal(
        &mut self,
        (response, case): (Response, Option<CaseChange>),
    ) -> Result<(Response, Option<CaseChange>), SealError> {
        crate::seal::seal_finalized(self.form, response).map(|sealed| (sealed, case))
    }

    fn seal_attachments(
        &mut self,
        (response, _): &(Response, Option<CaseChange>),
    ) -> Result<Vec<SealedAttachment>, SealError> {
        let data = response.data.as_ref().unwrap_or(&serde_json::Value::Null);
        crate::seal::seal_photos(self.form, data, std::mem::take(&mut self.photos))
    }
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

/// Reads this device's cases of `list` and gives them to the session, then
/// picks `preselected` (the case tapped on the home page) in a new
/// follow-up. The picker's choices are sorted by label, so that a name is
/// found where a volunteer looks for it.
fn give_cases(fs: FormSession, list: String, preselected: Option<String>) {
    leptos::task::spawn_local(async move {
        let cases = match crate::storage::Storage::app().cases(Some(&list)).await {
            Ok(cases) => cases,
            Err(error) => {
                leptos::logging::warn!("the cases of {list} were not read: {error}");
                return;
            }
        };
        let mut rows: Vec<yim_engine::CaseRow> = cases
            .into_iter()
            .map(|case| yim_engine::CaseRow {
                id: case.id,
                label: case.label.unwrap_or_default(),
                properties: case.properties,
            })
            .collect();
        rows.sort_by(|a, b| a.label.cmp(&b.label).then_with(|| a.id.cmp(&b.id)));
        fs.set_cases(rows);
        if let Some(id) = preselected {
            fs.pick_case(&id);
        }
    });
}
