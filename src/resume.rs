//! Reopening a stored response (`#/response/ID`) with the form version it
//! was started on, then showing it on the form screen: a draft goes on
//! being filled, a finalized response is read-only.

use std::sync::Arc;

use leptos::prelude::*;

use yim_app_core::reopen::{self, Choice, Fallback};

use crate::catalog::Catalog;
use crate::drafts::Resume;
use crate::i18n::{Lang, Words as _};
use crate::storage::{self, Storage, StorageError};

/// Why a stored response could not be opened.
#[derive(Clone, Debug, PartialEq)]
pub enum ResumeError {
    /// Reading it failed.
    Storage(StorageError),
    /// Its form is neither bundled nor kept.
    FormGone,
    /// Its kept form no longer loads.
    FormBroken(String),
    /// It was finalized and sealed for the data office: its answers are no
    /// longer on the phone in a form it can read.
    Sealed,
}

/// Reads the stored response `id` and finds the form to open it with, by
/// the rules of `yim_app_core::reopen`.
pub async fn open_stored(catalog: &Catalog, id: &str) -> Result<Resume, ResumeError> {
    let storage = Storage::app();
    let response = storage.get(id).await.map_err(ResumeError::Storage)?;
    // Showing a sealed response on its form would show an empty form, as if
    // the answers had been lost; say what happened to them instead.
    if response.sealed.is_some() {
        return Err(ResumeError::Sealed);
    }
    let meta = &response.meta;
    crate::published::ready_form(catalog, &meta.form_id).await;
    let bundled = catalog.by_id(&meta.form_id).map(|entry| entry.form.clone());
    let started = reopen::Started {
        version: meta.form_version.clone(),
        hash: meta.form_hash.clone(),
    };
    let published = bundled.as_ref().map(|form| reopen::Published {
        version: &form.version,
        hash: || storage::printed(form).hash.clone(),
    });
    let (hash, otherwise) = match reopen::choose(&started, published) {
        Choice::Published { note } => {
            let form = bundled.ok_or(ResumeError::FormGone)?;
            return Ok(Resume {
                form,
                note,
                response,
            });
        }
        Choice::Kept { hash, otherwise } => (hash, otherwise),
        Choice::Gone => return Err(ResumeError::FormGone),
    };
    if let Some(source) = storage.form(&hash).await.map_err(ResumeError::Storage)? {
        let (form, diagnostics) = source.load();
        return match form {
            Some(form) => Ok(Resume {
                form: Arc::new(form),
                note: Some(reopen::older(&source.version)),
                response,
            }),
            None => Err(ResumeError::FormBroken(
                diagnostics
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            )),
        };
    }
    match (otherwise, bundled) {
        (Fallback::Published(note), Some(form)) => Ok(Resume {
            form,
            note: Some(note),
            response,
        }),
        _ => Err(ResumeError::FormGone),
    }
}

/// The screen for `#/response/ID`: reads the response, then shows it on the
/// form screen, where a draft goes on being filled and a finalized response
/// is read-only.
#[component]
pub fn ResumeScreen(id: String) -> impl IntoView {
    let catalog = expect_context::<Arc<Catalog>>();
    let lang = expect_context::<RwSignal<Lang>>();
    let loaded = LocalResource::new(move || {
        let (catalog, id) = (catalog.clone(), id.clone());
        async move { open_stored(&catalog, &id).await }
    });
    move || match loaded.get() {
        None => view! { <p class="boot">{move || lang.get().text().opening}</p> }.into_any(),
        // The form screen is built once; a language switch reaches it
        // through its own signals, not by building it again.
        Some(Ok(resume)) => untrack(move || {
            let form_id = resume.response.meta.form_id.clone();
            view! { <crate::form::FormScreen id=form_id resume=resume/> }.into_any()
        }),
        Some(Err(error)) => view! {
            <h1>{move || lang.get().text().cannot_open}</h1>
            <p role="alert">{move || resume_error_text(&error, lang.get())}</p>
            <p><a href="#/">{move || lang.get().text().all_forms}</a></p>
        }
        .into_any(),
    }
}

fn resume_error_text(error: &ResumeError, lang: Lang) -> String {
    let t = lang.text();
    match error {
        ResumeError::Storage(error) => error.user_message(lang).to_string(),
        ResumeError::FormGone => t.form_gone.to_string(),
        ResumeError::FormBroken(problems) => format!("{}: {problems}", t.form_gone),
        ResumeError::Sealed => t.response_sealed.to_string(),
    }
}
