//! The app shell: header with the language switch, and the current screen.

use std::sync::Arc;

use leptos::prelude::*;

use crate::catalog::Catalog;
use crate::drafts::Saved;
use crate::form::FormScreen;
use crate::home::Home;
use crate::i18n::{initial_language, remember_language, Lang, Words as _};
use crate::lock::{Gate, LockGate, PinScreen, Settings};
use crate::resume::ResumeScreen;
use crate::route::{current_route, Route};
use crate::studio::Studio;

/// The whole app.
#[component]
pub fn App(
    /// The deployment's forms, read before the app is mounted.
    catalog: Arc<Catalog>,
) -> impl IntoView {
    let lang = RwSignal::new(initial_language());
    provide_context(lang);
    let tick = RwSignal::new(0u64);
    provide_context(crate::upload::UploadTick(tick));
    crate::upload::start(catalog.intake.clone(), tick);
    // Back online, every bundle that waits goes at once.
    let online = window_event_listener(leptos::ev::online, move |_| crate::upload::kick(true));
    on_cleanup(move || online.remove());
    provide_context(catalog);
    provide_context(Saved::new());
    let gate = LockGate::provide();

    // The page's own language follows the chosen one, so that screen readers
    // and fonts pick the right pronunciation and shaping.
    Effect::new(move |_| {
        let lang = lang.get();
        remember_language(lang);
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.code());
        }
    });

    let route = RwSignal::new(current_route());
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        route.set(current_route());
        arrive();
    });
    on_cleanup(move || listener.remove());

    // Screens show only while the app is not locked; locking removes them
    // from the page, answers and all. Setting or removing a PIN leaves the
    // screen where it is.
    let locked = Memo::new(move |_| gate.state.get());
    let showing = Memo::new(move |_| matches!(locked.get(), Gate::Off | Gate::Open));
    // Locking may have put the stored response in the address (a new draft
    // is reopened by its id), so the route is read again on unlocking.
    Effect::new(move |_| {
        if showing.get() {
            let now = current_route();
            if route.get_untracked() != now {
                route.set(now);
            }
        }
    });

    view! {
        <header class="bar">
            <a class="brand" href="#/">{move || lang.get().text().app_name}</a>
            <Show when=move || showing.get()>
                <a class="settings-link" href="#/settings">{move || lang.get().text().settings}</a>
            </Show>
            <LanguageSwitch/>
        </header>
        <main data-ready="">
            {move || match locked.get() {
                Gate::Checking => None,
                Gate::Locked => Some(view! { <PinScreen/> }.into_any()),
                Gate::Off | Gate::Open => None,
            }}
            <Show when=move || showing.get()>
                {move || match route.get() {
                    Route::Home => view! { <Home/> }.into_any(),
                    Route::Form(id) => view! { <OpenForm id=id/> }.into_any(),
                    Route::FollowUp { form, case } => {
                        view! { <OpenForm id=form case=case/> }.into_any()
                    }
                    Route::Response(id) => view! { <ResumeScreen id=id/> }.into_any(),
                    Route::Studio => view! { <EveryForm><Studio/></EveryForm> }.into_any(),
                    Route::Export => {
                        view! { <EveryForm><crate::export::ExportScreen/></EveryForm> }.into_any()
                    }
                    Route::Settings => view! { <Settings/> }.into_any(),
                }}
            </Show>
        </main>
    }
}

/// The form screen of the form `id`, once the files it needs are fetched
/// and checked against the published index; when one of them was refused,
/// the reason instead, so that nothing is loaded from a file that does not
/// match. A form opened before in this visit opens at once.
#[component]
fn OpenForm(id: String, #[prop(optional)] case: Option<String>) -> impl IntoView {
    let catalog = expect_context::<Arc<Catalog>>();
    let lang = expect_context::<RwSignal<Lang>>();
    let screen =
        move |catalog: &Catalog, id: String, case: Option<String>| match catalog.refusal(&id) {
            Some(broken) => {
                let title = catalog
                    .indexed(&id)
                    .map(|listing| listing.title(lang.get_untracked().code()).to_string())
                    .unwrap_or_else(|| id.clone());
                let lang = lang.get_untracked();
                view! {
                    <h1>{title}</h1>
                    {crate::home::broken_section(&[broken], lang)}
                    <p><a href="#/">{lang.text().all_forms}</a></p>
                }
                .into_any()
            }
            None => match case {
                Some(case) => view! { <FormScreen id=id case=case/> }.into_any(),
                None => view! { <FormScreen id=id/> }.into_any(),
            },
        };
    if catalog.wanted_by(&id).is_empty() {
        return screen(&catalog, id, case);
    }
    let fetched = LocalResource::new({
        let (catalog, id) = (catalog.clone(), id.clone());
        move || {
            let (catalog, id) = (catalog.clone(), id.clone());
            async move { crate::published::ready_form(&catalog, &id).await }
        }
    });
    (move || match fetched.get() {
        Some(()) => screen(&catalog, id.clone(), case.clone()),
        None => view! { <p class="boot">{lang.get_untracked().text().opening}</p> }.into_any(),
    })
    .into_any()
}

/// A screen that loads every form (the studio, the export page), once
/// every published file is fetched and checked.
#[component]
fn EveryForm(children: ChildrenFn) -> impl IntoView {
    let catalog = expect_context::<Arc<Catalog>>();
    let lang = expect_context::<RwSignal<Lang>>();
    if catalog.wanted_all().is_empty() {
        return children().into_any();
    }
    let fetched = LocalResource::new(move || {
        let catalog = catalog.clone();
        async move { crate::published::ready_all(&catalog).await }
    });
    (move || match fetched.get() {
        Some(()) => children().into_any(),
        None => view! { <p class="boot">{lang.get_untracked().text().opening}</p> }.into_any(),
    })
    .into_any()
}

/// How many frames [`arrive`] waits for a screen's heading: screens that
/// read the phone's storage first (the home page, a stored response) draw
/// it a few frames after the route changed.
const HEADING_FRAMES: u32 = 120;

/// Starts a new screen the way a new page would: at the top, with the
/// keyboard focus on its heading, which screen readers then announce.
/// Without this, a screen opened from far down the home page opens as far
/// down, with its title out of view.
fn arrive() {
    window().scroll_to_with_x_and_y(0.0, 0.0);
    focus_heading(HEADING_FRAMES);
}

/// Focuses the screen's `h1` once it is drawn, trying once a frame.
fn focus_heading(frames_left: u32) {
    request_animation_frame(
        move || match document().query_selector("main h1").ok().flatten() {
            Some(heading) => {
                if !heading.has_attribute("tabindex") {
                    let _ = heading.set_attribute("tabindex", "-1");
                }
                window().scroll_to_with_x_and_y(0.0, 0.0);
                crate::form::focus_without_scrolling(&heading);
            }
            None if frames_left > 0 => focus_heading(frames_left - 1),
            None => {}
        },
    );
}

/// Two buttons, one per language, each written in its own language so that
/// a person who cannot read the current one still finds theirs.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let button = move |choice: Lang, name: &'static str, code: &'static str| {
        view! {
            <button
                type="button"
                lang=code
                aria-pressed=move || if lang.get() == choice { "true" } else { "false" }
                on:click=move |_| lang.set(choice)
            >
                {name}
            </button>
        }
    };
    view! {
        <div class="lang" role="group" aria-label=move || lang.get().text().language>
            {button(Lang::Th, "ไทย", "th")}
            {button(Lang::En, "English", "en")}
        </div>
    }
}
