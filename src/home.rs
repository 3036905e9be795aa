//! The home screen: every bundled form, grouped by province.

use std::sync::Arc;

use leptos::prelude::*;

use crate::app::Route;
use crate::catalog::{province_name, Catalog};
use crate::i18n::Lang;
use crate::responses::Responses;

/// Lists the forms with their title, version and how many drafts and
/// finalized responses this visit holds (they are kept in memory only).
#[component]
pub fn Home() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let catalog = expect_context::<Arc<Catalog>>();
    let responses = expect_context::<Responses>();
    move || {
        let lang = lang.get();
        let t = lang.text();
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
                        let (drafts, finalized) = responses.counts(&form.id);
                        let counts = format!("{} {drafts} · {} {finalized} · {}", t.drafts, t.finalized, t.this_visit);
                        view! {
                            <li class="card" data-form=form.id.clone()>
                                <a class="card-title" href=href>{title}</a>
                                <span class="meta">{format!("{} {}", t.version, form.version)}</span>
                                <span class="meta counts">{counts}</span>
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
        let broken = (!catalog.broken.is_empty()).then(|| {
            let items = catalog
                .broken
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
        let empty = catalog
            .entries
            .is_empty()
            .then(|| view! { <p>{t.no_forms}</p> });
        view! {
            <h1>{t.forms_heading}</h1>
            {empty}
            {groups}
            {broken}
        }
    }
}
