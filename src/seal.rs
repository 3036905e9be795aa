//! Sealing at rest: a finalized response of a form that lists recipients
//! (`settings.recipients`, the data office's age public keys) is encrypted
//! to them before it is stored, with `yim_bundle::seal`, so that nobody
//! holding the phone can read its answers any more.
//!
//! What stays readable is what the lists and the export page need: the id,
//! the form's id, version and hash, the times, the status and the device.
//! The answers, the draft JSON and the label (which is taken from an answer,
//! such as the household's name) are removed from the stored record.
//!
//! A form without recipients cannot be sealed: its finalized responses are
//! kept as they are, in clear, and the export page tells the coordinator to
//! ask the data office for a key (docs/authoring.md, "For the data office").
//! Refusing to finalize would only push volunteers back to paper.

use std::fmt;

use yim_bundle::{Recipients, Response as Document, SealedAttachment, SealedResponse, Timestamp};
use yim_form::Form;

use crate::i18n::Lang;
use crate::storage::{self, Response, Status};

/// Whether finalized responses of `form` are sealed: it lists at least one
/// recipient.
pub fn seals(form: &Form) -> bool {
    !form.settings.recipients.is_empty()
}

/// The recipients written in a form's `settings.recipients`.
pub fn recipients(keys: &[String]) -> Result<Recipients, yim_bundle::Error> {
    Recipients::keys(keys)
}

/// Seals a response that is being finalized with `form`, ready to be stored
/// in place of the one given; every other response comes back unchanged.
///
/// The sealed document holds the finalized data (the engine's answers at the
/// moment of finalizing, repeats as arrays of entries). The returned record
/// keeps no answer: `answers` is an empty object, `data`, `label` and `case` are
/// gone, and `sealed` holds the age file. When sealing fails, nothing should
/// be stored: the caller keeps the answers on screen and reports the error.
pub fn seal_finalized(form: &Form, mut response: Response) -> Result<Response, SealError> {
    if response.meta.status != Status::Finalized || !seals(form) {
        return Ok(response);
    }
    let to = recipients(&form.settings.recipients)?;
    let sealed = seal(&response, form, &to)?;
    // A response of an older database has no hash; the form it is being
    // finalized with is the one it was filled with.
    response.meta.form_hash = Some(sealed.form_hash);
    response.meta.label = None;
    response.meta.page = 0;
    response.answers = serde_json::Value::Object(serde_json::Map::new());
    response.data = None;
    // The case change names the child; the sealed copy carries it, and the
    // case list keeps the case, so the record keeps no copy in clear.
    response.case = None;
    response.sealed = Some(sealed.sealed);
    Ok(response)
}

/// The response document (docs/bundle-format.md, "Responses") of a
/// finalized response, before it is sealed.
pub fn document(response: &Response, form: &Form) -> Result<Document, SealError> {
    let meta = &response.meta;
    let Some(data) = response.data.clone() else {
        // Sealing the draft JSON instead would carry answers that the form's
        // relevance hides; better to say plainly that something is missing.
        return Err(SealError::NoData {
            id: meta.id.clone(),
        });
    };
    Ok(Document {
        id: meta.id.clone(),
        form_id: meta.form_id.clone(),
        form_version: meta.form_version.clone(),
        form_hash: meta
            .form_hash
            .clone()
            .unwrap_or_else(|| storage::form_hash(form)),
        created: rfc3339(meta.created_ms),
        updated: rfc3339(meta.updated_ms),
        device_id: meta.device_id.clone(),
        status: Status::Finalized.as_str().to_string(),
        answers: data,
        case: response.case.clone(),
    })
}

/// Seals the photos of a response being finalized with `form` to the same
/// recipients as its answers. Only the photos that the finalized `data`
/// names are sealed: a photo of a question that relevance hid, or one
/// replaced before finalizing, is not sent.
pub fn seal_photos(
    form: &Form,
    data: &serde_json::Value,
    photos: Vec<storage::Photo>,
) -> Result<Vec<SealedAttachment>, SealError> {
    if photos.is_empty() || !seals(form) {
        return Ok(Vec::new());
    }
    let named = texts(data);
    let to = recipients(&form.settings.recipients)?;
    photos
        .into_iter()
        .filter(|photo| named.contains(&photo.name.as_str()))
        .map(|photo| Ok(yim_bundle::seal_attachment(&photo.name, &photo.bytes, &to)?))
        .collect()
}

/// Every text value in answers JSON, at any depth (repeats are arrays of
/// objects).
fn texts(data: &serde_json::Value) -> Vec<&str> {
    match data {
        serde_json::Value::String(text) => vec![text.as_str()],
        serde_json::Value::Array(items) => items.iter().flat_map(texts).collect(),
        serde_json::Value::Object(map) => map.values().flat_map(texts).collect(),
        _ => Vec::new(),
    }
}

fn seal(response: &Response, form: &Form, to: &Recipients) -> Result<SealedResponse, SealError> {
    Ok(yim_bundle::seal(&document(response, form)?, to)?)
}

/// A time stored in milliseconds since 1970, as the bundle format writes
/// times (RFC 3339 in UTC, such as `2026-11-23T09:15:00.250Z`).
pub fn rfc3339(ms: u64) -> String {
    Timestamp::from_unix_ms(i64::try_from(ms).unwrap_or(i64::MAX)).to_string()
}

/// Why a finalized response could not be sealed. Nothing is stored then:
/// the answers stay on screen and the volunteer is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SealError {
    /// The finalized response carries no finalized data to seal.
    NoData {
        /// The response's id.
        id: String,
    },
    /// The bundle format refused the response or the recipients.
    Bundle(yim_bundle::Error),
    /// The photos to seal could not be read from the phone's storage.
    Storage(storage::StorageError),
}

impl fmt::Display for SealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SealError::NoData { id } => write!(
                f,
                "response {id}: expected the finalized answers to encrypt, but found none"
            ),
            SealError::Bundle(error) => error.fmt(f),
            SealError::Storage(error) => error.fmt(f),
        }
    }
}

impl SealError {
    /// What the volunteer reads, in `lang`, followed by the technical
    /// reason for whoever supports them.
    pub fn user_message(&self, lang: Lang) -> String {
        let what = if lang == Lang::En {
            "The answers could not be encrypted, so the form was not finalized. Your answers are still on screen and saved as a draft. Show this message to your coordinator:"
        } else {
            "เข้ารหัสคำตอบไม่สำเร็จ จึงยังไม่ได้ยืนยันแบบฟอร์ม คำตอบยังอยู่บนหน้าจอและเก็บเป็นฉบับร่างแล้ว กรุณาแจ้งข้อความนี้แก่ผู้ประสานงาน:"
        };
        format!("{what} {self}")
    }
}

impl std::error::Error for SealError {}

impl From<yim_bundle::Error> for SealError {
    fn from(error: yim_bundle::Error) -> SealError {
        SealError::Bundle(error)
    }
}
