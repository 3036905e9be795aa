//! The coordinator's export page: finalized, sealed responses leave the
//! phone as one bundle file (docs/bundle-format.md) that only the data
//! office can open.
//!
//! The page shows, per form, how many finalized responses are not exported
//! yet, exports those of one form or of all forms into one bundle, offers
//! the file for download (and, where the browser allows it, for sharing to
//! LINE or e-mail), marks the responses exported and logs the export. Any
//! export in the log can be made again: the same responses, bundle id,
//! sequence number and creation time, from the sealed copies kept on the
//! phone.
//!
//! **Invariant**: exporting never decrypts anything. The phone holds no key;
//! the sealed responses go into the bundle exactly as they were stored when
//! they were finalized.
//!
//! Building a bundle of ten thousand responses takes seconds, so the work is
//! cut into slices of a few tens of milliseconds, with the browser given
//! back control between them to draw the progress bar and take taps.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use yim_bundle::{BundleForm, BundleHeader, BundleWriter, Recipients, SealedResponse};

use crate::catalog::Catalog;
use crate::i18n::{ExportText, Lang, Words as _};
use crate::seal;
use crate::storage::upload::{Problem, Upload, UploadState};
use crate::storage::{self, ExportRecord, ResponseMeta, Status, Storage, StorageError};
use crate::upload::{self as uploader, UploadTick};

/// How long one slice of export work may keep the browser busy, in
/// milliseconds. A frame is 16 ms; a little more than one keeps the
/// progress bar moving without making the export much slower.
const SLICE_MS: f64 = 25.0;

/// How many responses are read from the database in one transaction.
const READ_AHEAD: usize = 100;

/// A form that a bundle can carry: its resolved YAML, as `yim resolve`
/// prints it, and the recipients written in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownForm {
    /// The form for the bundle's `forms/` folder.
    pub form: BundleForm,
    /// Its `settings.recipients`; empty when responses are not sealed.
    pub recipients: Vec<String>,
}

/// The forms responses were filled with, found by their hash: first among
/// the forms bundled with the app, then among the form sources the phone
/// kept when responses were started (an older version of a form that the
/// app no longer bundles).
pub struct Forms {
    known: HashMap<String, Option<KnownForm>>,
}

impl Forms {
    /// The forms of `catalog`, hashed once.
    pub fn new(catalog: &Catalog) -> Forms {
        let known = catalog
            .entries()
            .iter()
            .map(|entry| {
                let form = &entry.form;
                let known = KnownForm {
                    form: BundleForm {
                        id: form.id.clone(),
                        version: form.version.clone(),
                        yaml: yim_form::to_yaml(form),
                    },
                    recipients: form.settings.recipients.clone(),
                };
                (known.form.hash(), Some(known))
            })
            .collect();
        Forms { known }
    }

    /// The form with this hash, or `None` when neither the app nor the
    /// phone has it.
    pub async fn get(
        &mut self,
        storage: &Storage,
        hash: &str,
    ) -> Result<Option<KnownForm>, StorageError> {
        if let Some(known) = self.known.get(hash) {
            return Ok(known.clone());
        }
        let known = storage.form(hash).await?.and_then(|source| {
            // The stored source is the resolved YAML: it loads on its own,
            // and the form's recipients are read from it. A source that no
            // longer loads leaves its responses unexportable, and the page
            // says so, rather than guessing its recipients.
            let (form, _diagnostics) = source.load();
            form.map(|form| KnownForm {
                form: BundleForm {
                    id: source.form_id,
                    version: source.version,
                    yaml: source.yaml,
                },
                recipients: form.settings.recipients,
            })
        });
        self.known.insert(hash.to_string(), known.clone());
        Ok(known)
    }
}

/// The finalized responses of one form that are not exported yet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pending {
    /// The form's id.
    pub form_id: String,
    /// Sealed responses, ready to export, oldest first.
    pub sealed: Vec<ResponseMeta>,
    /// Responses that are not sealed, because the form they were filled
    /// with lists no recipients (or is unknown to this phone). They cannot
    /// be exported: nobody could be allowed to read them.
    pub unsealed: usize,
}

/// The finalized, not yet exported responses of every form, by form id.
pub async fn pending(storage: &Storage, forms: &mut Forms) -> Result<Vec<Pending>, StorageError> {
    let mut by_form: Vec<Pending> = Vec::new();
    for meta in storage.list_status(Status::Finalized).await? {
        let sealed = match &meta.form_hash {
            Some(hash) => forms
                .get(storage, hash)
                .await?
                .is_some_and(|known| !known.recipients.is_empty()),
            None => false,
        };
        let index = match by_form.iter().position(|p| p.form_id == meta.form_id) {
            Some(index) => index,
            None => {
                by_form.push(Pending {
                    form_id: meta.form_id.clone(),
                    ..Pending::default()
                });
                by_form.len() - 1
            }
        };
        let entry = &mut by_form[index];
        if sealed {
            entry.sealed.push(meta);
        } else {
            entry.unsealed += 1;
        }
    }
    for entry in &mut by_form {
        entry.sealed.sort_by(|a, b| a.id.cmp(&b.id));
    }
    by_form.sort_by(|a, b| a.form_id.cmp(&b.form_id));
    Ok(by_form)
}

/// Seals the finalized responses that are stored in clear because their
/// form had no recipients when they were finalized, once the published form
/// of the same id has some (the deployment's keys). Each keeps the form it
/// was filled with, with those recipients added: that form is kept on the
/// phone under its new hash, which the response then names, so that the
/// bundle carries the form the data office needs to read it.
///
/// Returns how many were sealed. A response that cannot be sealed stays as
/// it was and waits, so nothing is lost; the first error is returned after
/// the others were tried.
pub async fn seal_stranded(
    storage: &Storage,
    catalog: &Catalog,
    forms: &mut Forms,
    now_ms: u64,
) -> Result<usize, ExportError> {
    let mut sealed = 0;
    let mut first_error = None;
    for meta in storage.list_status(Status::Finalized).await? {
        let Some(hash) = meta.form_hash.clone() else {
            continue;
        };
        let Some(known) = forms.get(storage, &hash).await? else {
            continue;
        };
        if !known.recipients.is_empty() {
            continue;
        }
        let Some(keys) = catalog
            .by_id(&meta.form_id)
            .map(|entry| entry.form.settings.recipients.clone())
            .filter(|keys| !keys.is_empty())
        else {
            continue;
        };
        match seal_one(storage, &meta, &known.form, keys, now_ms).await {
            Ok(()) => sealed += 1,
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    match first_error {
        Some(error) => Err(error),
        None => Ok(sealed),
    }
}

async fn seal_one(
    storage: &Storage,
    meta: &ResponseMeta,
    filled_with: &BundleForm,
    keys: Vec<String>,
    now_ms: u64,
) -> Result<(), ExportError> {
    let unknown = || ExportError::UnknownForm {
        id: meta.id.clone(),
        form_id: meta.form_id.clone(),
    };
    let (form, _problems) =
        storage::load_resolved(&filled_with.id, &filled_with.hash(), &filled_with.yaml);
    let mut form = form.ok_or_else(unknown)?;
    form.settings.recipients = keys;
    let form = Arc::new(form);
    let kept = storage::FormSource::of(&form, now_ms);
    let new_hash = kept.hash.clone();
    storage.save_form(&kept).await?;
    let mut response = storage.get(&meta.id).await?;
    if response.sealed.is_some() {
        return Ok(());
    }
    response.meta.form_hash = Some(new_hash);
    let why = |error| match error {
        seal::SealError::Bundle(error) => ExportError::Bundle(error),
        seal::SealError::NoData { id } => ExportError::NotSealed { id },
        seal::SealError::Storage(error) => ExportError::Storage(error),
    };
    // The photos the finalized answers name are sealed as finalizing
    // seals them, and replace the photos kept in clear in the write that
    // seals the answers, so that no photo stays readable on the phone.
    let photos = storage.photos(&meta.id).await?;
    let data = response.data.clone().unwrap_or_default();
    let photos = seal::seal_photos(&form, &data, photos).map_err(why)?;
    let sealed = seal::seal_finalized(&form, response).map_err(why)?;
    storage
        .update_with_photos(
            &meta.id,
            |stored| {
                if stored.sealed.is_none() && stored.meta.status == Status::Finalized {
                    *stored = sealed.clone();
                }
            },
            Some(&photos),
        )
        .await?;
    Ok(())
}

/// Why an export did not happen. Nothing is marked exported then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportError {
    /// The database failed.
    Storage(StorageError),
    /// The bundle format refused something.
    Bundle(yim_bundle::Error),
    /// There is nothing to export.
    Nothing,
    /// A response's form is known neither to the app nor to the phone.
    UnknownForm {
        /// The response's id.
        id: String,
        /// Its form's id.
        form_id: String,
    },
    /// A response that should be sealed is not.
    NotSealed {
        /// The response's id.
        id: String,
    },
    /// A response of an earlier export is no longer on the phone.
    Missing {
        /// The response's id.
        id: String,
    },
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Storage(error) => error.fmt(f),
            ExportError::Bundle(error) => error.fmt(f),
            ExportError::Nothing => {
                f.write_str("expected finalized responses to export, but found none")
            }
            ExportError::UnknownForm { id, form_id } => {
                write!(f, "response {id}: expected the form {form_id} it was filled with, but this phone does not have it")
            }
            ExportError::NotSealed { id } => {
                write!(f, "response {id}: expected it to be encrypted, but it is stored without encryption")
            }
            ExportError::Missing { id } => {
                write!(
                    f,
                    "response {id}: expected it on this phone, but it is no longer stored"
                )
            }
        }
    }
}

impl From<StorageError> for ExportError {
    fn from(error: StorageError) -> ExportError {
        ExportError::Storage(error)
    }
}

impl From<yim_bundle::Error> for ExportError {
    fn from(error: yim_bundle::Error) -> ExportError {
        ExportError::Bundle(error)
    }
}

/// Builds the bundle of `responses` under `header`, reading each sealed
/// response from `storage` and handing the browser back control every few
/// tens of milliseconds. `progress` hears how many responses are in so far
/// and how many there are.
///
/// The bundle is encrypted to every recipient of the forms it carries, so
/// that whoever may read one of its responses can also open the bundle.
pub async fn build(
    storage: &Storage,
    forms: &mut Forms,
    header: &BundleHeader,
    responses: &[ResponseMeta],
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<u8>, ExportError> {
    if responses.is_empty() {
        return Err(ExportError::Nothing);
    }
    let mut hashes = BTreeSet::new();
    let mut bundle_forms = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for meta in responses {
        let unknown = || ExportError::UnknownForm {
            id: meta.id.clone(),
            form_id: meta.form_id.clone(),
        };
        let hash = meta.form_hash.as_deref().ok_or_else(unknown)?;
        if !hashes.insert(hash.to_string()) {
            continue;
        }
        let known = forms.get(storage, hash).await?.ok_or_else(unknown)?;
        for key in &known.recipients {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
        bundle_forms.push(known.form);
    }
    let to = Recipients::keys(&keys)?;
    let mut writer = BundleWriter::new(header, bundle_forms, &to)?;

    let total = responses.len();
    progress(0, total);
    let mut done = 0;
    let mut slice_start = now();
    for batch in responses.chunks(READ_AHEAD) {
        let ids: Vec<String> = batch.iter().map(|meta| meta.id.clone()).collect();
        let stored = storage.get_many(&ids).await.map_err(|error| match error {
            StorageError::NotFound { id } => ExportError::Missing { id },
            other => ExportError::Storage(other),
        })?;
        let photos = storage.sealed_photos(&ids).await?;
        for ((meta, stored), photos) in batch.iter().zip(stored).zip(photos) {
            let sealed = stored.sealed.ok_or_else(|| ExportError::NotSealed {
                id: meta.id.clone(),
            })?;
            writer.add_with_attachments(
                &SealedResponse {
                    id: stored.meta.id,
                    form_id: stored.meta.form_id,
                    form_version: stored.meta.form_version,
                    form_hash: stored.meta.form_hash.unwrap_or_default(),
                    sealed,
                },
                &photos,
            )?;
        }
        done += batch.len();
        if now() - slice_start >= SLICE_MS {
            progress(done, total);
            yield_to_browser().await;
            slice_start = now();
        }
    }
    let bytes = writer.finish()?;
    progress(total, total);
    Ok(bytes)
}

/// A bundle that was built, with its log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Built {
    /// The log entry (already stored for a new export).
    pub record: ExportRecord,
    /// The bundle file.
    pub bytes: Vec<u8>,
}

/// How many times an export starts again when another tab took its
/// sequence number. Each start reads the log afresh, so a second try
/// fails only when a third export was logged during the second.
const EXPORT_TRIES: usize = 3;

/// Exports every sealed, finalized response of `form_id` (of every form
/// when `None`) that is not exported yet: builds the bundle, then logs it
/// with the next sequence number and marks its responses exported, in one
/// transaction. The bundle exists before anything is marked, so a failure
/// leaves every response waiting for the next export.
///
/// The number goes into the bundle, so it is chosen before the bundle is
/// built, and checked again when the export is logged
/// ([`Storage::record_export`]). When another tab exported in between, the
/// number is taken and nothing was marked; the export starts again with
/// what is still waiting and the next number (or finds that the other tab
/// exported everything: [`ExportError::Nothing`]).
///
/// With `queue` (the deployment has an intake), the bundle's bytes go into
/// the upload queue in the same transaction (`storage::upload`).
pub async fn export_new(
    storage: &Storage,
    forms: &mut Forms,
    form_id: Option<&str>,
    device_id: &str,
    now_ms: u64,
    queue: bool,
    mut progress: impl FnMut(usize, usize),
) -> Result<Built, ExportError> {
    let mut tries = 1;
    loop {
        match export_once(
            storage,
            forms,
            form_id,
            device_id,
            now_ms,
            queue,
            &mut progress,
        )
        .await
        {
            Err(ExportError::Storage(StorageError::SequenceTaken { .. }))
                if tries < EXPORT_TRIES =>
            {
                tries += 1;
            }
            result => return result,
        }
    }
}

/// One try of [`export_new`].
async fn export_once(
    storage: &Storage,
    forms: &mut Forms,
    form_id: Option<&str>,
    device_id: &str,
    now_ms: u64,
    queue: bool,
    progress: impl FnMut(usize, usize),
) -> Result<Built, ExportError> {
    let mut responses: Vec<ResponseMeta> = pending(storage, forms)
        .await?
        .into_iter()
        .filter(|p| form_id.is_none_or(|id| p.form_id == id))
        .flat_map(|p| p.sealed)
        .collect();
    responses.sort_by(|a, b| a.id.cmp(&b.id));
    if responses.is_empty() {
        return Err(ExportError::Nothing);
    }
    let sequence = storage
        .exports()
        .await?
        .iter()
        .map(|e| e.sequence)
        .max()
        .unwrap_or(0)
        + 1;
    let form_ids: Vec<String> = responses
        .iter()
        .map(|r| r.form_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let header = BundleHeader {
        id: storage::new_id(),
        created: seal::rfc3339(now_ms),
        device_id: device_id.to_string(),
        sequence,
    };
    let bytes = build(storage, forms, &header, &responses, progress).await?;
    let record = ExportRecord {
        id: header.id.clone(),
        created_ms: now_ms,
        device_id: device_id.to_string(),
        file_name: file_name(form_id, device_id, sequence),
        response_ids: responses.iter().map(|r| r.id.clone()).collect(),
        sequence,
        form_ids,
    };
    let upload = queue.then(|| Upload::new(&record, bytes.clone()));
    storage
        .record_export_queued(&record, upload.as_ref())
        .await?;
    Ok(Built { record, bytes })
}

/// Makes an earlier export again from the log: the same responses, in the
/// same order, under the same bundle id, sequence number and creation time,
/// so that the data office sees the very same bundle a second time (the
/// encryption differs, the contents do not). Nothing is written.
pub async fn export_again(
    storage: &Storage,
    forms: &mut Forms,
    record: &ExportRecord,
    progress: impl FnMut(usize, usize),
) -> Result<Built, ExportError> {
    let mut exported: HashMap<String, ResponseMeta> = storage
        .list_status(Status::Exported)
        .await?
        .into_iter()
        .map(|meta| (meta.id.clone(), meta))
        .collect();
    let responses = record
        .response_ids
        .iter()
        .map(|id| {
            exported
                .remove(id)
                .ok_or_else(|| ExportError::Missing { id: id.clone() })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let header = BundleHeader {
        id: record.id.clone(),
        created: seal::rfc3339(record.created_ms),
        device_id: record.device_id.clone(),
        sequence: record.sequence.max(1),
    };
    let bytes = build(storage, forms, &header, &responses, progress).await?;
    Ok(Built {
        record: record.clone(),
        bytes,
    })
}

/// The bundle's file name: `yim-<form>-<device>-<sequence>.yim.age`, with
/// `all` for a bundle of every form and the last eight characters of the
/// device id (its random part). Characters that some file systems or
/// messaging apps refuse become `_`.
pub fn file_name(form_id: Option<&str>, device_id: &str, sequence: u64) -> String {
    let safe = |text: &str| -> String {
        text.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let device: String = {
        let chars: Vec<char> = device_id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        chars[chars.len().saturating_sub(8)..].iter().collect()
    };
    format!(
        "yim-{}-{}-{sequence}.yim.age",
        safe(form_id.unwrap_or("all")),
        safe(&device)
    )
}

/// Milliseconds from the page's high-resolution clock.
fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Lets the browser run everything that waits (drawing, taps) before the
/// export goes on. `scheduler.yield()` (Chrome 129 and later) comes back as
/// soon as that is done; elsewhere a timer does, which browsers hold back
/// by at least 4 ms once timers nest, costing about a second per ten
/// thousand responses.
async fn yield_to_browser() {
    let scheduler = js_sys::Reflect::get(&js_sys::global(), &"scheduler".into())
        .ok()
        .filter(JsValue::is_object);
    let yielded = scheduler.and_then(|scheduler| {
        let function = js_sys::Reflect::get(&scheduler, &"yield".into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()?;
        function
            .call0(&scheduler)
            .ok()?
            .dyn_into::<js_sys::Promise>()
            .ok()
    });
    let promise = yielded.unwrap_or_else(|| {
        js_sys::Promise::new(&mut |resolve, _reject| {
            let scheduled = web_sys::window().is_some_and(|w| {
                w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
                    .is_ok()
            });
            if !scheduled {
                let _ = resolve.call0(&JsValue::NULL);
            }
        })
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

// --- the file: download and share --------------------------------------------

/// The bundle as a file the browser can save or share.
struct BundleFile {
    file: web_sys::File,
    url: String,
}

impl BundleFile {
    fn new(bytes: &[u8], name: &str) -> Result<BundleFile, JsValue> {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let options = web_sys::FilePropertyBag::new();
        // age files have no registered media type; this is the one for
        // "bytes the receiver should save".
        options.set_type("application/octet-stream");
        let file = web_sys::File::new_with_u8_array_sequence_and_options(&parts, name, &options)?;
        let url = web_sys::Url::create_object_url_with_blob(&file)?;
        Ok(BundleFile { file, url })
    }
}

/// Whether the browser can hand `file` to another app (Web Share API level
/// 2). Browsers without `navigator.canShare`, or that refuse this kind of
/// file, get no share button.
fn can_share(file: &web_sys::File) -> bool {
    let navigator = window().navigator();
    let Ok(can_share) = js_sys::Reflect::get(&navigator, &"canShare".into()) else {
        return false;
    };
    let Some(can_share) = can_share.dyn_ref::<js_sys::Function>() else {
        return false;
    };
    can_share
        .call1(&navigator, &share_data(file))
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

fn share_data(file: &web_sys::File) -> JsValue {
    let data = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&data, &"files".into(), &js_sys::Array::of1(file));
    data.into()
}

/// Opens the system's share sheet with `file`. A person who closes it
/// without choosing an app rejects the promise with `AbortError`, which is
/// no failure.
async fn share_file(file: &web_sys::File) -> Result<(), String> {
    let navigator = window().navigator();
    let share = js_sys::Reflect::get(&navigator, &"share".into()).map_err(|e| format!("{e:?}"))?;
    let share = share
        .dyn_into::<js_sys::Function>()
        .map_err(|_| "navigator.share is missing".to_string())?;
    let promise = share
        .call1(&navigator, &share_data(file))
        .map_err(|e| format!("{e:?}"))?;
    match wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise)).await {
        Ok(_) => Ok(()),
        Err(error) => {
            let field = |name: &str| {
                js_sys::Reflect::get(&error, &name.into())
                    .ok()
                    .and_then(|v| v.as_string())
            };
            if field("name").as_deref() == Some("AbortError") {
                Ok(())
            } else {
                Err(field("message").unwrap_or_else(|| format!("{error:?}")))
            }
        }
    }
}

impl Drop for BundleFile {
    fn drop(&mut self) {
        let _ = web_sys::Url::revoke_object_url(&self.url);
    }
}

// --- the page ------------------------------------------------------------------

/// A time stored in milliseconds, as local date and time in the language's
/// usual way (Thai shows the Buddhist era).
fn local_time(ms: u64, lang: Lang) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let locale = match lang {
        Lang::Th => "th-TH",
        Lang::En => "en-GB",
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    String::from(date.to_locale_string(locale, &options))
}

/// What the page knows about the phone's responses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Overview {
    pending: Vec<Pending>,
    exported: HashMap<String, u32>,
    log: Vec<ExportRecord>,
    /// The upload queue by bundle id, without the bundles' bytes.
    uploads: HashMap<String, Upload>,
}

async fn overview(storage: &Storage, catalog: &Catalog) -> Result<Overview, StorageError> {
    let mut forms = Forms::new(catalog);
    // Records finalized before the form had recipients are sealed now, if
    // it has some; one that cannot be sealed stays waiting, and the page
    // counts it as not sealed.
    if let Err(error) = seal_stranded(storage, catalog, &mut forms, storage::now_ms()).await {
        web_sys::console::warn_1(&format!("sealing waiting records: {error}").into());
        if let ExportError::Storage(error) = error {
            return Err(error);
        }
    }
    let mut pending = pending(storage, &mut forms).await?;
    let mut log = storage.exports().await?;
    // Every exported response is in some logged export, so the log names
    // every form that has exported responses; the index counts them without
    // reading ten thousand records.
    let logged: BTreeSet<&str> = log
        .iter()
        .flat_map(|e| e.form_ids.iter().map(String::as_str))
        .collect();
    let logged: Vec<&str> = logged.into_iter().collect();
    let counts = storage.counts(&logged).await?;
    let exported: HashMap<String, u32> = logged
        .iter()
        .zip(counts)
        .filter(|(_, c)| c.exported > 0)
        .map(|(id, c)| (id.to_string(), c.exported))
        .collect();
    // A form whose responses were all exported keeps its card, with
    // nothing waiting.
    for form_id in exported.keys() {
        if !pending.iter().any(|p| &p.form_id == form_id) {
            pending.push(Pending {
                form_id: form_id.clone(),
                ..Pending::default()
            });
        }
    }
    pending.sort_by(|a, b| a.form_id.cmp(&b.form_id));
    log.sort_by(|a, b| {
        b.sequence
            .cmp(&a.sequence)
            .then(b.created_ms.cmp(&a.created_ms))
    });
    let uploads = storage
        .uploads()
        .await?
        .into_iter()
        .map(|mut upload| {
            // The page shows where a bundle stands; its bytes stay in the
            // database.
            upload.bytes = Vec::new();
            (upload.id.clone(), upload)
        })
        .collect();
    Ok(Overview {
        pending,
        exported,
        log,
        uploads,
    })
}

/// Where a bundle's upload stands, in words, with the receipt once it was
/// received. `data-upload` names the state for tests and styles.
fn upload_line(upload: &Upload, w: &'static ExportText, lang: Lang, online: bool) -> impl IntoView {
    let now = storage::now_ms();
    let problem_words = |problem: &Problem| -> String {
        match problem {
            Problem::Network => w.up_network.to_string(),
            Problem::Busy { status } => format!("{} (HTTP {status})", w.up_busy),
            Problem::BadReceipt => w.up_bad_receipt.to_string(),
            Problem::Refused { .. } => w.up_refused.to_string(),
            Problem::TooLarge => w.up_too_large.to_string(),
            Problem::Other { status } => format!("{} (HTTP {status})", w.up_other),
        }
    };
    let waiting_note = || {
        if storage::settings::upload_token().is_none() {
            Some(w.up_no_code)
        } else if !online {
            Some(w.up_offline)
        } else {
            None
        }
    };
    let (kind, lines): (&str, Vec<String>) = match &upload.state {
        UploadState::Received { receipt } => {
            let when = receipt_time(&receipt.received, lang);
            (
                "received",
                vec![
                    w.up_received.to_string(),
                    format!(
                        "{}: {when} · {} KB",
                        w.up_receipt,
                        receipt.size.div_ceil(1024)
                    ),
                    // On a line of its own, so that the long hash wraps
                    // and its name does not.
                    format!("SHA-256: {}", receipt.sha256),
                ],
            )
        }
        _ if upload.uploading(now) => ("uploading", vec![w.up_uploading.to_string()]),
        UploadState::Waiting => {
            let mut lines = vec![w.up_waiting.to_string()];
            lines.extend(waiting_note().map(str::to_string));
            ("waiting", lines)
        }
        UploadState::Failed { problem } => {
            let mut lines = vec![format!("{}: {}", w.up_failed, problem_words(problem))];
            match waiting_note() {
                Some(note) => lines.push(note.to_string()),
                None => lines.push(format!(
                    "{} {}",
                    w.up_retry_at,
                    local_time(upload.next_ms, lang)
                )),
            }
            ("failed", lines)
        }
        UploadState::Rejected { problem } => ("rejected", vec![problem_words(problem)]),
    };
    let alert = matches!(kind, "failed" | "rejected");
    let retry = (kind == "failed").then(|| {
        view! {
            <button type="button" class="btn" on:click=move |_| uploader::kick(true)>{w.up_retry_now}</button>
        }
    });
    view! {
        <div class="upload" data-upload=kind role=if alert { "alert" } else { "status" }>
            {lines.into_iter().map(|line| view! { <p>{line}</p> }).collect_view()}
            {retry}
        </div>
    }
}

/// The receipt's time (RFC 3339, UTC) in local time, or as written when
/// the browser cannot read it.
fn receipt_time(received: &str, lang: Lang) -> String {
    let ms = js_sys::Date::parse(received);
    if ms.is_finite() && ms >= 0.0 {
        local_time(ms as u64, lang)
    } else {
        received.to_string()
    }
}

/// Where an export stands.
#[derive(Clone, Debug, PartialEq)]
enum Job {
    Idle,
    Running { done: usize, total: usize },
    Failed(String),
}

/// The home page's way to the export page.
#[component]
pub fn ExportLink() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    view! {
        <p class="export-link">
            <a href="#/export">{move || lang.get().export().link}</a>
            <span class="meta">{move || lang.get().export().link_hint}</span>
        </p>
    }
}

/// The export page.
#[component]
pub fn ExportScreen() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let catalog = expect_context::<Arc<Catalog>>();

    let state = RwSignal::new(None::<Result<Overview, StorageError>>);
    let choice = RwSignal::new(String::new());
    let job = RwSignal::new(Job::Idle);
    // The finished file: its name and size for the page, the file itself
    // (not `Send`, so kept apart) for saving and sharing.
    let ready = RwSignal::new(None::<(String, usize, String, bool)>);
    let file = StoredValue::new_local(None::<BundleFile>);
    let share_error = RwSignal::new(None::<String>);

    let reload = {
        let catalog = catalog.clone();
        move || {
            let catalog = catalog.clone();
            spawn_local(async move {
                let read = overview(&Storage::app(), &catalog).await;
                state.try_set(Some(read));
            });
        }
    };
    // The page is read again whenever the uploads change the queue, and
    // when the phone goes online or offline (which the waiting bundles'
    // lines tell).
    let tick = expect_context::<UploadTick>().0;
    let online = RwSignal::new(window().navigator().on_line());
    let watch = [
        window_event_listener(leptos::ev::online, move |_| online.set(true)),
        window_event_listener(leptos::ev::offline, move |_| online.set(false)),
    ];
    on_cleanup(move || {
        for handle in watch {
            handle.remove();
        }
    });
    Effect::new({
        let reload = reload.clone();
        move |_| {
            tick.track();
            reload();
        }
    });

    let finish = {
        let reload = reload.clone();
        move |result: Result<Built, ExportError>| {
            match result {
                Ok(built) => match BundleFile::new(&built.bytes, &built.record.file_name) {
                    Ok(bundle) => {
                        let shareable = can_share(&bundle.file);
                        ready.set(Some((
                            built.record.file_name.clone(),
                            built.bytes.len(),
                            bundle.url.clone(),
                            shareable,
                        )));
                        file.set_value(Some(bundle));
                        job.set(Job::Idle);
                    }
                    Err(error) => job.set(Job::Failed(format!("{error:?}"))),
                },
                Err(ExportError::Storage(error)) => job.set(Job::Failed(
                    error.user_message(lang.get_untracked()).to_string(),
                )),
                Err(error) => job.set(Job::Failed(error.to_string())),
            }
            reload();
        }
    };

    let start_export = {
        let (catalog, finish) = (catalog.clone(), finish.clone());
        move |_| {
            if matches!(job.get_untracked(), Job::Running { .. }) {
                return;
            }
            let (catalog, finish) = (catalog.clone(), finish.clone());
            let form_id = choice.get_untracked();
            ready.set(None);
            file.set_value(None);
            share_error.set(None);
            job.set(Job::Running { done: 0, total: 0 });
            spawn_local(async move {
                let storage = Storage::app();
                let mut forms = Forms::new(&catalog);
                let form_id = (!form_id.is_empty()).then_some(form_id.as_str());
                let device = storage::settings::device_id();
                let result = export_new(
                    &storage,
                    &mut forms,
                    form_id,
                    &device,
                    storage::now_ms(),
                    uploader::has_intake(),
                    |done, total| job.set(Job::Running { done, total }),
                )
                .await;
                let made = result.is_ok();
                finish(result);
                if made {
                    uploader::kick(false);
                }
            });
        }
    };

    let start_again = {
        let (catalog, finish) = (catalog.clone(), finish.clone());
        move |record: ExportRecord| {
            if matches!(job.get_untracked(), Job::Running { .. }) {
                return;
            }
            let (catalog, finish) = (catalog.clone(), finish.clone());
            ready.set(None);
            file.set_value(None);
            share_error.set(None);
            job.set(Job::Running {
                done: 0,
                total: record.response_ids.len(),
            });
            spawn_local(async move {
                let storage = Storage::app();
                let mut forms = Forms::new(&catalog);
                let result = export_again(&storage, &mut forms, &record, |done, total| {
                    job.set(Job::Running { done, total })
                })
                .await;
                finish(result);
            });
        }
    };

    let share = move |_| {
        share_error.set(None);
        spawn_local(async move {
            // The file stays in its slot while the share sheet is open; a
            // second handle on it is enough to share it.
            if let Some(shared) = file.with_value(|f| f.as_ref().map(|f| f.file.clone())) {
                if let Err(error) = share_file(&shared).await {
                    share_error.set(Some(error));
                }
            }
        });
    };

    let title_of = {
        let catalog = catalog.clone();
        move |form_id: &str, lang: Lang| -> String {
            catalog
                .by_id(form_id)
                .map(|entry| {
                    entry
                        .form
                        .title
                        .get(lang.code(), &entry.form.default_language)
                        .to_string()
                })
                .unwrap_or_else(|| form_id.to_string())
        }
    };

    let body = move || {
        let lang = lang.get();
        let w = lang.export();
        let Some(state) = state.get() else {
            return view! { <p role="status">{w.loading}</p> }.into_any();
        };
        let overview = match state {
            Ok(overview) => overview,
            Err(error) => {
                return view! { <p class="failed" role="alert">{error.user_message(lang)}</p> }
                    .into_any();
            }
        };
        let running = matches!(job.get(), Job::Running { .. });
        let total: usize = overview.pending.iter().map(|p| p.sealed.len()).sum();
        let all_option = {
            let label = format!("{} ({} {})", w.all_forms, total, w.waiting);
            view! { <option value="" selected=move || choice.get().is_empty()>{label}</option> }
        };
        let options = overview
            .pending
            .iter()
            .filter(|p| !p.sealed.is_empty())
            .map(|p| {
                let id = p.form_id.clone();
                let selected = {
                    let id = id.clone();
                    move || choice.get() == id
                };
                let label = format!(
                    "{} ({} {})",
                    title_of(&p.form_id, lang),
                    p.sealed.len(),
                    w.waiting
                );
                view! { <option value=id selected=selected>{label}</option> }
            })
            .collect_view();
        let cards = overview
            .pending
            .iter()
            .map(|p| {
                let title = title_of(&p.form_id, lang);
                let exported = overview.exported.get(&p.form_id).copied().unwrap_or(0);
                let counts = format!("{} {} · {} {}", p.sealed.len(), w.waiting, exported, w.exported_total);
                let shown = 5;
                let items = p
                    .sealed
                    .iter()
                    .rev()
                    .take(shown)
                    .map(|meta| {
                        view! {
                            <li class="sealed" data-response=meta.id.clone()>
                                {format!("{} · {}", w.sealed_item, local_time(meta.updated_ms, lang))}
                            </li>
                        }
                    })
                    .collect_view();
                let more = (p.sealed.len() > shown).then(|| view! { <li>{format!("{} {}", w.more, p.sealed.len() - shown)}</li> });
                let unsealed = (p.unsealed > 0).then(|| {
                    view! {
                        <div class="no-recipients" role="note">
                            <p>{format!("{}{}{}", w.no_recipients_before, p.unsealed, w.no_recipients_after)}</p>
                            <p>{w.keygen_advice}</p>
                        </div>
                    }
                });
                view! {
                    <li class="card" data-form=p.form_id.clone()>
                        <span class="card-title">{title}</span>
                        <span class="meta counts">{counts}</span>
                        <ul class="meta sealed-list">{items}{more}</ul>
                        {unsealed}
                    </li>
                }
            })
            .collect_view();
        let nothing = (total == 0).then(|| view! { <p class="nothing">{w.nothing}</p> });
        let log_items = overview
            .log
            .iter()
            .map(|record| {
                let forms = record.form_ids.iter().map(|id| title_of(id, lang)).collect::<Vec<_>>().join(", ");
                let line = format!(
                    "{} {} · {} · {} {} · {}",
                    w.sequence,
                    record.sequence,
                    local_time(record.created_ms, lang),
                    record.response_ids.len(),
                    w.responses,
                    forms
                );
                let again = {
                    let record = record.clone();
                    let start_again = start_again.clone();
                    move |_| start_again(record.clone())
                };
                let upload = overview
                    .uploads
                    .get(&record.id)
                    .map(|upload| upload_line(upload, w, lang, online.get() && window().navigator().on_line()));
                view! {
                    <li class="card" data-bundle=record.id.clone() data-sequence=record.sequence.to_string()>
                        <span>{line}</span>
                        <span class="meta"><code>{record.file_name.clone()}</code></span>
                        {upload}
                        <button type="button" class="btn" disabled=running on:click=again>{w.again}</button>
                    </li>
                }
            })
            .collect_view();
        let log_empty = overview
            .log
            .is_empty()
            .then(|| view! { <p>{w.log_empty}</p> });
        view! {
            <section class="export-choose">
                <ul class="cards">{cards}</ul>
                {nothing}
                <label for="export-form">{w.choose}</label>
                <select
                    id="export-form"
                    disabled=running
                    on:change=move |ev| choice.set(event_target_value(&ev))
                >
                    {all_option}
                    {options}
                </select>
                <button
                    type="button"
                    class="btn primary"
                    disabled=running || total == 0
                    on:click=start_export.clone()
                >
                    {w.export}
                </button>
            </section>
            <section class="export-log">
                <h2>{w.log_heading}</h2>
                {log_empty}
                <ul class="cards">{log_items}</ul>
            </section>
        }
        .into_any()
    };

    let status = move || {
        let w = lang.get().export();
        match job.get() {
            Job::Idle => None,
            Job::Running { done, total } => Some(
                view! {
                    <div class="progress export-progress" role="status">
                        <span>{format!("{} {done} / {total}", w.exporting)}</span>
                        <progress max=total.max(1).to_string() value=done.to_string()></progress>
                    </div>
                }
                .into_any(),
            ),
            Job::Failed(message) => Some(
                view! {
                    <div class="failed" role="alert">
                        <p>{w.failed}</p>
                        <p>{message}</p>
                    </div>
                }
                .into_any(),
            ),
        }
    };

    let result = move || {
        let w = lang.get().export();
        ready.get().map(|(name, size, url, shareable)| {
            let share_button = shareable.then(|| {
                view! { <button type="button" class="btn" on:click=share>{w.share}</button> }
            });
            view! {
                <section class="export-ready" role="status">
                    <h2>{w.ready}</h2>
                    <p><code>{name.clone()}</code>{format!(" · {} KB", size.div_ceil(1024))}</p>
                    <a class="btn primary" href=url download=name>{w.save}</a>
                    {share_button}
                    {move || share_error.get().map(|e| view! { <p class="failed" role="alert">{e}</p> })}
                </section>
            }
        })
    };

    view! {
        <article class="export">
            <h1>{move || lang.get().export().heading}</h1>
            <p>{move || lang.get().export().intro}</p>
            {status}
            {result}
            {body}
            <p><a href="#/">{move || lang.get().export().back}</a></p>
        </article>
    }
}

#[cfg(test)]
mod tests;
