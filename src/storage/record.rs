//! The records the app keeps: responses, the sources of the forms they were
//! filled with, and the export log.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Weak};

use serde::{Deserialize, Serialize};

use super::ids;

/// Where a response is in its life. It only moves forward: a draft becomes
/// finalized, a finalized response becomes exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Being filled in; every answer may still change.
    Draft,
    /// Checked by the engine and closed: read-only from now on.
    Finalized,
    /// Finalized and written into at least one export bundle.
    Exported,
}

impl Status {
    /// Every status, in the order a response goes through them.
    pub const ALL: [Status; 3] = [Status::Draft, Status::Finalized, Status::Exported];

    /// The name stored in the database and used in the indexes.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Finalized => "finalized",
            Status::Exported => "exported",
        }
    }

    /// Whether a stored response in status `self` may be overwritten by one
    /// in status `next`. A draft may be saved again or finalized; a finalized
    /// response may only be marked exported, and an exported one exported
    /// again. Everything else would change a closed response.
    pub fn may_become(self, next: Status) -> bool {
        matches!(
            (self, next),
            (Status::Draft, Status::Draft | Status::Finalized)
                | (Status::Finalized, Status::Exported)
                | (Status::Exported, Status::Exported)
        )
    }
}

/// Everything about a response except its answers: what the lists on the
/// home screen show, read without loading any answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseMeta {
    /// A UUID version 7, so that ids sort by the time they were made.
    pub id: String,
    /// The `form:` id of the form.
    pub form_id: String,
    /// The form's `version:` when the response was started.
    pub form_version: String,
    /// The SHA-256 (lowercase hex) of the resolved form the response was
    /// started with, as computed by [`form_hash`]. `None` only for responses
    /// that a version 1 database held, which did not record it.
    pub form_hash: Option<String>,
    /// When the response was started, in milliseconds since 1970 (UTC).
    pub created_ms: u64,
    /// When it was last written, in milliseconds since 1970 (UTC).
    pub updated_ms: u64,
    /// The device that created it (see `settings::device_id`).
    pub device_id: String,
    /// Draft, finalized or exported.
    pub status: Status,
    /// The page the volunteer was on, to reopen a draft where they left it.
    #[serde(default)]
    pub page: u32,
    /// A short text that tells drafts apart in a list, such as the name of
    /// the household; `None` shows only the dates.
    #[serde(default)]
    pub label: Option<String>,
    /// How many times the response was written: 0 before its first write
    /// (and for every response that a version 2 database held), one more
    /// with every write. A response read from the database carries the
    /// revision it was read at, and a write is refused when the stored
    /// revision is another ([`StorageError::Conflict`](super::StorageError)):
    /// another tab wrote it in between, and its answers would be lost.
    #[serde(default)]
    pub revision: u64,
    /// Which opening of a screen last wrote the response: an id that the
    /// form screen gives itself ([`new_id`](super::new_id)) when it opens a
    /// response. The autosave sends a write before the last one has landed,
    /// so a write is also taken when the stored response was last written
    /// by the same screen, whatever its revision: that screen holds all of
    /// it. Reading a response clears this, so that nothing read back can
    /// pass for a write of the screen that wrote it.
    #[serde(default)]
    pub writer: Option<String>,
    /// For a draft that a tab stored as a copy of its own answers because
    /// another tab had changed the response in the meantime, the id of
    /// that response. The copy's label says so in both languages
    /// ([`COPY_MARK`]).
    #[serde(default)]
    pub copied_from: Option<String>,
    /// With a PIN set, the label as the storage keeps it: encrypted with
    /// the data key, while `label` is stored empty (see `lock`). Records
    /// read while the app is unlocked have `label` back and this cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_label: Option<serde_bytes::ByteBuf>,
    /// For a response of a form that opens cases, the id of the case it
    /// opens: a UUID version 7 made when the response is started and kept
    /// with it, so that a draft reopened after a reload still opens the
    /// same case. A random id says nothing about the child, so it is kept
    /// in clear even with a PIN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
}

/// What the label of a copy made by [`Storage::save`](super::Storage::save)
/// starts with. A label is stored once and read in either language, so
/// the mark carries both.
pub const COPY_MARK: &str = "สำเนาจากแท็บอื่น · copy from another tab";

impl ResponseMeta {
    /// Starts the label of a draft that is a copy with [`COPY_MARK`]. The
    /// autosave works out the label from the answers at every write, so the
    /// mark is put back at every write rather than once.
    pub(crate) fn mark_copy(&mut self) {
        if self.copied_from.is_none() || self.status != Status::Draft {
            return;
        }
        self.label = Some(match self.label.take() {
            Some(label) if label.starts_with(COPY_MARK) => label,
            Some(label) => format!("{COPY_MARK}: {label}"),
            None => COPY_MARK.to_string(),
        });
    }
}

/// A response with its answers.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// Everything but the answers.
    pub meta: ResponseMeta,
    /// Everything typed so far: the engine's draft JSON, with repeats as
    /// arrays of entries. Restoring it with the same form gives back every
    /// answer and every repeat entry.
    pub answers: serde_json::Value,
    /// For a finalized response, the data as the engine produced it at the
    /// moment of finalizing (relevant answers and calculations only); this is
    /// what an export bundle carries. `None` for drafts.
    pub data: Option<serde_json::Value>,
    /// For a finalized response of a form with recipients, the encrypted copy
    /// of its data (an age file, as bytes) that replaces `answers`, `data`
    /// and the label once it is finalized (see `seal.rs`). Export bundles
    /// carry these bytes as they are.
    pub sealed: Option<Vec<u8>>,
    /// For a finalized response of a form with a `case:` block, what it did
    /// to its case, as the engine gave it at the moment of finalizing. It
    /// goes into the sealed document (`seal::document`), so a response kept
    /// in clear until its form has recipients still carries it when it is
    /// sealed later; sealing takes it out of the stored record with the
    /// answers. `None` for drafts and for responses that changed no case.
    pub case: Option<yim_form::case::CaseChange>,
}

impl Response {
    /// A new, empty draft of `form`, made on `device_id` at `now_ms`.
    pub fn new_draft(form: &FormRef, device_id: &str, now_ms: u64) -> Response {
        Response {
            meta: ResponseMeta {
                id: ids::new_id(),
                form_id: form.id.clone(),
                form_version: form.version.clone(),
                form_hash: Some(form.hash.clone()),
                created_ms: now_ms,
                updated_ms: now_ms,
                device_id: device_id.to_string(),
                status: Status::Draft,
                page: 0,
                label: None,
                revision: 0,
                writer: None,
                copied_from: None,
                sealed_label: None,
                case_id: None,
            },
            answers: serde_json::Value::Object(serde_json::Map::new()),
            data: None,
            sealed: None,
            case: None,
        }
    }
}

/// Which form, exactly, a response is filled with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormRef {
    /// The form's id.
    pub id: String,
    /// The form's version.
    pub version: String,
    /// The hash of the resolved form ([`form_hash`]).
    pub hash: String,
}

impl FormRef {
    /// Names the resolved `form`, hashing it.
    pub fn of(form: &yim_form::Form) -> FormRef {
        FormRef {
            id: form.id.clone(),
            version: form.version.clone(),
            hash: form_hash(form),
        }
    }
}

/// The SHA-256, in lowercase hex, of the resolved form printed as YAML.
/// Two builds that bundle the same form give the same hash; any change to a
/// question, a choice or an expression gives another, even when the author
/// forgot to change `version:`.
pub fn form_hash(form: &yim_form::Form) -> String {
    yim_form::publish::form_hash(&yim_form::to_yaml(form))
}

/// A resolved form printed as YAML, and the [`form_hash`] of that text.
#[derive(Debug, PartialEq, Eq)]
pub struct Printed {
    /// The SHA-256 of `yaml`, in lowercase hex.
    pub hash: String,
    /// `yim_form::to_yaml` of the form.
    pub yaml: String,
}

thread_local! {
    /// The forms printed in this visit. The national form prints to 840 KB
    /// of YAML (its address lists), which takes a sixth of a second on a
    /// cheap phone; each form is printed once, however often it is opened.
    /// A `Weak` keeps its allocation until the entry is dropped, so a form
    /// made later cannot take the address of a dropped one and be mistaken
    /// for it.
    static PRINTED: RefCell<Vec<(Weak<yim_form::Form>, Rc<Printed>)>> = const { RefCell::new(Vec::new()) };
}

/// The form printed and hashed: the same text and hash as [`form_hash`],
/// computed once per form for the whole visit.
pub fn printed(form: &Arc<yim_form::Form>) -> Rc<Printed> {
    PRINTED.with(|cache| {
        let mut cache = cache.borrow_mut();
        cache.retain(|(kept, _)| kept.strong_count() > 0);
        if let Some((_, printed)) = cache
            .iter()
            .find(|(kept, _)| std::ptr::eq(kept.as_ptr(), Arc::as_ptr(form)))
        {
            return Rc::clone(printed);
        }
        let yaml = yim_form::to_yaml(form);
        let printed = Rc::new(Printed {
            hash: yim_form::publish::form_hash(&yaml),
            yaml,
        });
        cache.push((Arc::downgrade(form), Rc::clone(&printed)));
        printed
    })
}

/// The resolved source of a form that a response was started with, kept so
/// that the response can be reopened with exactly that form after the app
/// bundles a newer one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormSource {
    /// [`form_hash`] of the form; the key.
    pub hash: String,
    /// The form's id.
    pub form_id: String,
    /// The form's version.
    pub version: String,
    /// The resolved form as YAML (`yim_form::to_yaml`), with variants
    /// applied and choice lists inlined, so it loads without other files.
    pub yaml: String,
    /// When it was first kept, in milliseconds since 1970 (UTC).
    pub saved_ms: u64,
}

impl FormSource {
    /// The source of the resolved `form`, hashed, kept at `now_ms`.
    pub fn of(form: &Arc<yim_form::Form>, now_ms: u64) -> FormSource {
        let printed = printed(form);
        FormSource {
            hash: printed.hash.clone(),
            form_id: form.id.clone(),
            version: form.version.clone(),
            yaml: printed.yaml.clone(),
            saved_ms: now_ms,
        }
    }

    /// Which form this is.
    pub fn form_ref(&self) -> FormRef {
        FormRef {
            id: self.form_id.clone(),
            version: self.version.clone(),
            hash: self.hash.clone(),
        }
    }

    /// Loads the kept form back. The source is a resolved form, so it needs
    /// no other file; `None` (with the loader's problems) means it no longer
    /// loads, for example after the form format changed.
    pub fn load(&self) -> (Option<yim_form::Form>, Vec<yim_form::Diagnostic>) {
        load_resolved(&self.form_id, &self.hash, &self.yaml)
    }
}

/// Loads a resolved form printed as YAML (a kept source, or the form a
/// bundle carries), which needs no other file, under a path that names it
/// in the loader's problems.
pub fn load_resolved(
    form_id: &str,
    hash: &str,
    yaml: &str,
) -> (Option<yim_form::Form>, Vec<yim_form::Diagnostic>) {
    let path = format!("kept/{form_id}/{hash}.yaml");
    let files = yim_form::MemFiles::new().with(&path, yaml);
    yim_form::load(&path, &files)
}

/// One export: which responses went into which bundle, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRecord {
    /// A UUID version 7.
    pub id: String,
    /// When the bundle was made, in milliseconds since 1970 (UTC).
    pub created_ms: u64,
    /// The device that made it.
    pub device_id: String,
    /// The bundle's file name, as offered for download.
    pub file_name: String,
    /// The ids of the responses in the bundle.
    pub response_ids: Vec<String>,
    /// The export's number on this device: 1 for the first, one more for
    /// every later one. The log is the only place it is kept, so the entry
    /// is written in the transaction that checks the number is still the
    /// next one (`Storage::record_export`): two tabs exporting at once
    /// never log one number twice.
    #[serde(default)]
    pub sequence: u64,
    /// The ids of the forms whose responses the bundle holds.
    #[serde(default)]
    pub form_ids: Vec<String>,
}

/// How the answers of a response are stored: apart from its
/// [`ResponseMeta`], in the `answers` store, so that listing thousands of
/// responses never reads their answers. Answers are kept as JSON text,
/// which keeps numbers and key order exactly as the engine wrote them and is
/// cheaper to store than the same data as JavaScript objects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Body {
    pub id: String,
    pub answers: String,
    #[serde(default)]
    pub data: Option<String>,
    #[serde(default)]
    pub sealed: Option<serde_bytes::ByteBuf>,
    /// With a PIN set, `answers` and `data` encrypted together with the
    /// data key ([`Locked`]); `answers` is then empty and `data` `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked: Option<serde_bytes::ByteBuf>,
    /// [`Response::case`]; with a PIN set it is encrypted in `locked`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<yim_form::case::CaseChange>,
}

/// What [`Body::locked`] holds once decrypted.
#[derive(Serialize, Deserialize)]
struct Locked {
    answers: String,
    data: Option<String>,
    #[serde(default)]
    case: Option<yim_form::case::CaseChange>,
}

/// What the authentication of an encrypted label covers: the response's id
/// and a suffix, so that a label can never be taken for answers.
fn label_context(id: &str) -> String {
    format!("{id}#label")
}

impl Body {
    pub fn of(response: &Response) -> Body {
        Body {
            id: response.meta.id.clone(),
            answers: response.answers.to_string(),
            data: response.data.as_ref().map(|data| data.to_string()),
            sealed: response.sealed.clone().map(serde_bytes::ByteBuf::from),
            locked: None,
            case: response.case.clone(),
        }
    }

    /// Whether the body holds answers only the data key can read, which a
    /// forgotten PIN loses: a sealed response never does.
    pub fn is_locked(&self) -> bool {
        self.locked.is_some()
    }

    /// Encrypts the answers and data of a body and the label of its meta
    /// with `key`. A sealed response is left as it is: its answers are
    /// already in its sealed copy, readable only by the data office, and a
    /// forgotten PIN must never cost it.
    pub fn lock(
        mut self,
        mut meta: ResponseMeta,
        key: &super::lock::DataKey,
    ) -> Result<(ResponseMeta, Body), super::StorageError> {
        if self.sealed.is_some() || self.locked.is_some() {
            return Ok((meta, self));
        }
        let inner = Locked {
            answers: std::mem::take(&mut self.answers),
            data: self.data.take(),
            case: self.case.take(),
        };
        let plain = serde_json::to_vec(&inner).map_err(|e| super::StorageError::Unreadable {
            reason: e.to_string(),
        })?;
        self.locked = Some(serde_bytes::ByteBuf::from(key.seal(&self.id, &plain)?));
        if let Some(label) = meta.label.take() {
            let sealed = key.seal(&label_context(&meta.id), label.as_bytes())?;
            meta.sealed_label = Some(serde_bytes::ByteBuf::from(sealed));
        }
        Ok((meta, self))
    }

    /// Decrypts what [`Body::lock`] encrypted. Without a key, a locked body
    /// gives [`StorageError::Locked`](super::StorageError::Locked).
    pub fn unlock(
        mut self,
        meta: ResponseMeta,
        key: Option<&super::lock::DataKey>,
    ) -> Result<(ResponseMeta, Body), super::StorageError> {
        let meta = unlock_label(meta, key)?;
        let Some(locked) = self.locked.take() else {
            return Ok((meta, self));
        };
        let key = key.ok_or(super::StorageError::Locked)?;
        let plain = key.open(&self.id, &locked)?;
        let inner: Locked =
            serde_json::from_slice(&plain).map_err(|e| super::StorageError::Unreadable {
                reason: format!("the decrypted answers of response {}: {e}", self.id),
            })?;
        self.answers = inner.answers;
        self.data = inner.data;
        self.case = inner.case;
        Ok((meta, self))
    }
}

/// The meta with its label decrypted, when it has an encrypted one and
/// `key` is given; without a key the label stays hidden.
pub(crate) fn unlock_label(
    mut meta: ResponseMeta,
    key: Option<&super::lock::DataKey>,
) -> Result<ResponseMeta, super::StorageError> {
    if let (Some(sealed), Some(key)) = (&meta.sealed_label, key) {
        let plain = key.open(&label_context(&meta.id), sealed)?;
        meta.label = Some(String::from_utf8_lossy(&plain).into_owned());
        meta.sealed_label = None;
    }
    Ok(meta)
}

impl Body {
    /// Joins the body back to its meta. A body that is missing (which only
    /// a write interrupted outside a transaction could cause) or unreadable
    /// is an error rather than an empty response, so that a volunteer never
    /// reopens a draft that silently lost its answers.
    pub fn into_response(
        body: Option<Body>,
        meta: ResponseMeta,
    ) -> Result<Response, super::StorageError> {
        let unreadable = |what: &str, error: serde_json::Error| super::StorageError::Unreadable {
            reason: format!(
                "the {what} of response {} are not valid JSON: {error}",
                meta.id
            ),
        };
        let Some(body) = body else {
            return Err(super::StorageError::Unreadable {
                reason: format!(
                    "expected the answers of response {}, but found none",
                    meta.id
                ),
            });
        };
        let answers = serde_json::from_str(&body.answers).map_err(|e| unreadable("answers", e))?;
        let data = match body.data {
            Some(text) => Some(serde_json::from_str(&text).map_err(|e| unreadable("data", e))?),
            None => None,
        };
        Ok(Response {
            // What is read back belongs to no screen until one claims it.
            meta: ResponseMeta {
                writer: None,
                sealed_label: None,
                ..meta
            },
            answers,
            data,
            sealed: body.sealed.map(serde_bytes::ByteBuf::into_vec),
            case: body.case,
        })
    }
}
