//! The home screen: every published form, grouped by province.

use std::sync::Arc;

use leptos::prelude::*;

use crate::app::Route;
use crate::catalog::{province_name, Catalog};
use crate::drafts::{self, Overview, Saved, StorageUsage};
use crate::export::ExportLink;
use crate::i18n::Lang;
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
            async move { drafts::overview(&catalog).await }
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
        let failure = failure.map(
            |error| view! { <p class="error" role="alert">{error.user_message(lang.code())}</p> },
        );
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
            .map(|(province, entries)| {
                let heading = province.map_or(t.national, |p| province_name(p, lang)).to_string();
                let items = entries
                    .into_iter()
                    .map(|entry| {
                        let form = &entry.form;
                        let title = form.title.get(lang.code(), &form.default_language).to_string();
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
                        let drafts = (!drafts.is_empty()).then(|| drafts::draft_list(drafts, lang));
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
        let broken = (!broken.is_empty()).then(|| {
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
                    <h2>{t.broken_forms_heading}</h2>
                    <ul>{items}</ul>
                </section>
            }
        });
        let unavailable = catalog.problem.clone().map(|why| {
            view! { <p class="error" role="alert">{format!("{} {why}", t.forms_unavailable)}</p> }
        });
        let empty = (catalog.problem.is_none() && catalog.entries().is_empty())
            .then(|| view! { <p>{t.no_forms}</p> });
        // Drafts whose form the app no longer bundles still open, with the
        // form source kept when they were started.
        let orphans: Vec<_> = overview
            .drafts
            .iter()
            .filter(|meta| catalog.by_id(&meta.form_id).is_none())
            .cloned()
            .collect();
        let orphans = (!orphans.is_empty()).then(|| {
            view! {
                <section class="province">
                    <h2>{t.other_drafts_heading}</h2>
                    {drafts::draft_list(orphans, lang)}
                </section>
            }
        });
        view! {
            <h1>{t.forms_heading}</h1>
            <GuidesLink/>
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
