//! The home screen: every published form, grouped by province.

use std::sync::Arc;

use leptos::prelude::*;

use crate::catalog::{province_name, Broken, Catalog};
use leptos::task::spawn_local;

use crate::drafts::Saved;
use crate::export::ExportLink;
use crate::follow::FollowedCases;
use crate::i18n::{Lang, Words as _};
use crate::route::Route;
use crate::storage::{self, quota, ResponseMeta, Status, Storage, StorageError};
use crate::studio::StudioLink;

/// Lists the forms with their title, version and how many drafts and
/// finalized responses this phone holds, the drafts to continue under each
/// form, and how much storage the app uses.
#[component]
pub fn Home() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let catalog = expect_context::<Arc<Catalog>>();
    let saved = expect_context::<Saved>();
    let overview = {
        let catalog = catalog.clone();
        LocalResource::new(move || {
            saved.track();
            let catalog = catalog.clone();
            async move { overview(&catalog).await }
        })
    };
    move || {
        let lang = lang.get();
        let t = lang.text();
        // The screen waits for the stored counts (a few milliseconds), so
        // that it never shows a wrong count first.
        let Some(overview) = overview.get() else {
            return view! { <p class="boot">{t.opening}</p> }.into_any();
        };
        let (overview, failure) = match overview {
            Ok(overview) => (overview, None),
            Err(error) => (Overview::default(), Some(error)),
        };
        let failure = failure
            .map(|error| view! { <p class="error" role="alert">{error.user_message(lang)}</p> });
        let drafts_of = |form_id: &str| -> Vec<_> {
            overview
                .drafts
                .iter()
                .filter(|meta| meta.form_id == form_id)
                .cloned()
                .collect()
        };
        let groups = catalog
            .by_province()
            .into_iter()
            .map(|(province, listings)| {
                let heading = province
                    .as_deref()
                    .map_or(t.national, |p| province_name(p, lang))
                    .to_string();
                let items = listings
                    .into_iter()
                    .map(|form| {
                        let title = form.title(lang.code()).to_string();
                        let href = Route::Form(form.id.clone()).to_hash();
                        let stored = overview.counts.get(&form.id).copied().unwrap_or_default();
                        // Exported responses are finalized ones that also left the phone in a bundle.
                        let counts = format!(
                            "{} {} · {} {}",
                            t.drafts,
                            stored.drafts,
                            t.finalized,
                            stored.finalized + stored.exported
                        );
                        let drafts = drafts_of(&form.id);
                        let drafts = (!drafts.is_empty()).then(|| draft_list(drafts, lang));
                        view! {
                            <li class="card" data-form=form.id.clone()>
                                <a class="card-title" href=href>{title}</a>
                                <span class="meta">{format!("{} {}", t.version, form.version)}</span>
                                <span class="meta counts">{counts}</span>
                                {drafts}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <section class="province">
                        <h2>{heading}</h2>
                        <ul class="cards">{items}</ul>
                    </section>
                }
            })
            .collect_view();
        let broken = catalog.broken();
        let broken = (!broken.is_empty()).then(|| broken_section(&broken, lang));
        let unavailable = catalog.problem.clone().map(|why| {
            view! { <p class="error" role="alert">{format!("{} {why}", t.forms_unavailable)}</p> }
        });
        let empty = (catalog.problem.is_none() && catalog.listings().is_empty())
            .then(|| view! { <p>{t.no_forms}</p> });
        // Drafts whose form the app no longer bundles still open, with the
        // form source kept when they were started.
        let orphans: Vec<_> = overview
            .drafts
            .iter()
            .filter(|meta| !catalog.lists(&meta.form_id))
            .cloned()
            .collect();
        let orphans = (!orphans.is_empty()).then(|| {
            view! {
                <section class="province">
                    <h2>{t.other_drafts_heading}</h2>
                    {draft_list(orphans, lang)}
                </section>
            }
        });
        view! {
            <h1>{t.forms_heading}</h1>
            <GuidesLink/>
            <FollowedCases/>
            {failure}
            {unavailable}
            {empty}
            {groups}
            {orphans}
            {broken}
            <ExportLink/>
            <StudioLink/>
            <StorageUsage/>
        }
        .into_any()
    }
}

/// The link to the guides in Thai (docs/th/), which every build carries as
/// pages in `guides/` and the service worker keeps for offline use. It names
/// both languages whatever the app's language, since the guides are in Thai.
#[component]
fn GuidesLink() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    view! {
        <p class="guides-link">
            <a href="guides/index.html">"คู่มือ / Guides"</a>
            <span class="meta">{move || lang.get().text().guides_hint}</span>
        </p>
    }
}

/// Everything the home screen shows from storage, read in one go.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overview {
    /// Drafts, finalized and exported responses per form id.
    pub counts: std::collections::HashMap<String, storage::Counts>,
    /// Every draft, most recently changed first.
    pub drafts: Vec<ResponseMeta>,
}

/// The forms that cannot be opened, each file with its problems, so that
/// authors see them instead of the forms silently disappearing.
pub fn broken_section(broken: &[&Broken], lang: Lang) -> impl IntoView {
    let items = broken
        .iter()
        .map(|broken| {
            let problems = broken
                .diagnostics
                .iter()
                .map(|d| view! { <li>{d.to_string()}</li> })
                .collect_view();
            view! {
                <li>
                    <code>{broken.path.clone()}</code>
                    <ul>{problems}</ul>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="broken">
            <h2>{lang.text().broken_forms_heading}</h2>
            <ul>{items}</ul>
        </section>
    }
}

/// Reads the counts of the catalog's forms and every draft.
pub async fn overview(catalog: &Catalog) -> Result<Overview, StorageError> {
    let storage = Storage::app();
    let listings = catalog.listings();
    let ids: Vec<&str> = listings.iter().map(|listing| listing.id.as_str()).collect();
    let counts = storage.counts(&ids).await?;
    let mut drafts = storage.list_status(Status::Draft).await?;
    drafts.reverse();
    Ok(Overview {
        counts: ids.iter().map(|id| id.to_string()).zip(counts).collect(),
        drafts,
    })
}

/// The drafts of one form (or of forms the app no longer bundles), each a
/// link that reopens it and a Delete button that asks first.
pub fn draft_list(drafts: Vec<ResponseMeta>, lang: Lang) -> impl IntoView {
    let t = lang.text();
    let items = drafts
        .into_iter()
        .map(|meta| {
            let confirming = RwSignal::new(false);
            let failed = RwSignal::new(None::<StorageError>);
            let saved = expect_context::<Saved>();
            let id = meta.id.clone();
            let delete = move |_| {
                let id = id.clone();
                spawn_local(async move {
                    match Storage::app().delete(&id).await {
                        Ok(()) => saved.bump(),
                        Err(error) => {
                            failed.try_set(Some(error));
                        }
                    }
                });
            };
            let name = meta.label.clone().unwrap_or_else(|| t.untitled_draft.to_string());
            // The question names the draft, so that the volunteer deletes
            // the child's record they mean to.
            let question = match &meta.label {
                Some(label) => format!("{}“{label}”{}", t.delete_named_draft_before, t.delete_named_draft_after),
                None => t.delete_draft_confirm.to_string(),
            };
            let when = format_time(meta.updated_ms, lang);
            let href = crate::route::Route::Response(meta.id.clone()).to_hash();
            view! {
                <li class="draft" data-response=meta.id.clone()>
                    <a class="draft-open" href=href>
                        <span class="draft-name">{name}</span>
                        <span class="meta">{format!("{} {when}", t.changed)}</span>
                    </a>
                    <Show when=move || !confirming.get()>
                        <button type="button" class="btn danger" on:click=move |_| confirming.set(true)>{t.delete}</button>
                    </Show>
                    <Show when=move || confirming.get()>
                        <div class="confirm" role="alertdialog" aria-label=question.clone()>
                            <span>{question.clone()}</span>
                            <button type="button" class="btn danger primary" on:click=delete.clone()>{t.delete}</button>
                            <button type="button" class="btn" on:click=move |_| confirming.set(false)>{t.cancel}</button>
                        </div>
                    </Show>
                    {move || failed.get().map(|error| view! { <p class="error" role="alert">{error.user_message(lang)}</p> })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="drafts" aria-label=t.drafts_heading>{items}</ul> }
}

/// A time in the reader's language, such as `14:32, 5 Mar 2025`; Thai shows
/// the Buddhist era, as Thai readers expect.
pub fn format_time(ms: u64, lang: Lang) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let options = js_sys::Object::new();
    for (key, value) in [
        ("day", "numeric"),
        ("month", "short"),
        ("year", "numeric"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
    ] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    let locale = match lang {
        Lang::Th => "th-TH",
        Lang::En => "en-GB",
    };
    String::from(date.to_locale_string(locale, &options))
}

/// How much the phone holds for the app, and whether the browser may clear
/// it by itself.
#[component]
pub fn StorageUsage() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let saved = expect_context::<Saved>();
    let figures = LocalResource::new(move || {
        saved.track();
        async move { (quota::estimate().await, quota::is_persisted().await) }
    });
    move || {
        let t = lang.get().text();
        figures.get().and_then(|(estimate, persisted)| {
            let estimate = estimate?;
            let kept = match persisted {
                Some(true) => t.persisted,
                Some(false) => t.not_persisted,
                None => "",
            };
            Some(view! {
                <p class="meta storage-usage">
                    {format!(
                        "{}: {} {} · {} {}. {kept}",
                        t.storage_label,
                        quota::format_bytes(estimate.usage),
                        t.used,
                        quota::format_bytes(estimate.available()),
                        t.free,
                    )}
                </p>
            })
        })
    }
}
