//! The two JSON documents of the format: a response and the manifest.
//!
//! Both carry `format_version` as their first field. Reading checks it before
//! anything else, so a document from a newer version of the format is
//! reported as such instead of as a list of unknown fields.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use yim_form::case::CaseChange;

use crate::error::{Error, ErrorKind};
use crate::id::{check_uuid, is_sha256};
use crate::media::{ManifestAttachment, MEDIA_FORMAT_VERSION};
use crate::time::Timestamp;

/// The version of the format this crate writes: of every response
/// document, and of a bundle without attachments ([`MEDIA_FORMAT_VERSION`]
/// is that of a bundle with them).
pub const FORMAT_VERSION: u32 = 2;

/// The oldest version this crate still reads. Version 2 only added fields
/// (a response's `case`), so a version 1 document reads as a version 2
/// document without them.
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// One response: the clear record the volunteer's answers belong to, and the
/// answers themselves. This is what [`seal`](crate::seal) encrypts and what
/// [`unseal`](crate::unseal) and [`open`](crate::open) give back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// The response's id: a UUID, version 7 when made by the app.
    pub id: String,
    /// The form's id.
    pub form_id: String,
    /// The form's version.
    pub form_version: String,
    /// The SHA-256 of the resolved form the response was filled in with (see
    /// [`form_hash`](crate::form_hash)).
    pub form_hash: String,
    /// When the response was started, in RFC 3339.
    pub created: String,
    /// When the response was last changed, in RFC 3339. When two copies of
    /// a response disagree, the data office keeps the later one.
    pub updated: String,
    /// The device that filled in the response.
    pub device_id: String,
    /// The response's status when it was sealed; the app writes `finalized`.
    pub status: String,
    /// The answers: an object mapping question names to values, a repeat to
    /// an array of such objects, a `select_multiple` to an array of choice
    /// names; groups add no level. Its shape is that of
    /// [`yim_form::answers::AnswerRecord`], which the engine writes and
    /// which reads it back; it is kept here as JSON so that reading a bundle
    /// never depends on more than the object the format promises.
    pub answers: Json,
    /// What the response did to a case (a child followed over time), when
    /// its form opens or updates one. Added in format version 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseChange>,
}

/// The response document as it is written: `format_version` first.
#[derive(Serialize)]
struct ResponseOut<'a> {
    format_version: u32,
    #[serde(flatten)]
    response: &'a Response,
}

impl Response {
    /// Checks everything the format promises about a response.
    pub(crate) fn check(&self) -> Result<(), Error> {
        check_uuid("response id", &self.id)?;
        check_text("form id", &self.form_id)?;
        check_text("form version", &self.form_version)?;
        check_hash("form hash", &self.form_hash)?;
        Timestamp::parse(&self.created).map_err(|e| e.context("created"))?;
        Timestamp::parse(&self.updated).map_err(|e| e.context("updated"))?;
        check_text("device id", &self.device_id)?;
        check_text("status", &self.status)?;
        if let Some(case) = &self.case {
            check_uuid("case id", &case.id)?;
            case.check_bounds().map_err(Error::invalid)?;
        }
        if !self.answers.is_object() {
            return Err(Error::invalid(format!(
                "expected the answers to be a JSON object, but found {}",
                json_kind(&self.answers)
            )));
        }
        Ok(())
    }

    /// The document's bytes: pretty-printed JSON with a final newline.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(&ResponseOut {
            format_version: FORMAT_VERSION,
            response: self,
        })
        .expect("a response is always valid JSON");
        out.push(b'\n');
        out
    }

    /// Reads a response document, version first.
    pub(crate) fn from_json(bytes: &[u8]) -> Result<Response, Error> {
        let mut doc = versioned(bytes, "response", FORMAT_VERSION)?;
        doc.remove("format_version");
        let response: Response = serde_json::from_value(Json::Object(doc))
            .map_err(|e| Error::malformed(format!("the response document is not valid: {e}")))?;
        response
            .check()
            .map_err(|e| Error::malformed(e.to_string()))?;
        Ok(response)
    }
}

/// The table of contents of a bundle: `manifest.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The format version the bundle was written in: from
    /// [`OLDEST_FORMAT_VERSION`] to [`FORMAT_VERSION`] in a bundle that opened.
    pub format_version: u32,
    /// The bundle's id: a UUID, version 7 when made by the app. Exporting
    /// the same bundle again from the export log keeps its id.
    pub bundle_id: String,
    /// When the bundle was made, in RFC 3339.
    pub created: String,
    /// The device that made the bundle.
    pub device_id: String,
    /// The bundle's place among the device's exports: 1 for the first, and
    /// one more for every export after it.
    pub sequence: u64,
    /// The forms the responses were filled in with.
    pub forms: Vec<ManifestForm>,
    /// The responses, in the order they were added.
    pub responses: Vec<ManifestResponse>,
}

/// A form listed in the manifest; its resolved YAML is `forms/<hash>.yaml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestForm {
    /// The form's id.
    pub id: String,
    /// The form's version.
    pub version: String,
    /// The SHA-256 of the resolved YAML, which is also the file's checksum.
    pub hash: String,
}

/// A response listed in the manifest; its sealed file is
/// `responses/<id>.json.age`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestResponse {
    /// The response's id.
    pub id: String,
    /// The form's id.
    pub form_id: String,
    /// The form's version.
    pub form_version: String,
    /// The hash of the form, one of the manifest's `forms`.
    pub form_hash: String,
    /// The SHA-256 of the sealed file, as `sha256sum` prints it.
    pub sha256: String,
    /// The response's photos, sealed next to it (format version 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<ManifestAttachment>,
}

impl Manifest {
    /// Reads `manifest.json`, version first, and checks every field.
    pub(crate) fn from_json(bytes: &[u8]) -> Result<Manifest, Error> {
        let doc = versioned(bytes, "bundle", MEDIA_FORMAT_VERSION)?;
        let manifest: Manifest = serde_json::from_value(Json::Object(doc))
            .map_err(|e| Error::malformed(format!("manifest.json is not valid: {e}")))?;
        manifest
            .check()
            .map_err(|e| Error::malformed(format!("manifest.json: {e}")))?;
        Ok(manifest)
    }

    pub(crate) fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).expect("a manifest is always valid JSON");
        out.push(b'\n');
        out
    }

    fn check(&self) -> Result<(), Error> {
        check_uuid("bundle id", &self.bundle_id)?;
        Timestamp::parse(&self.created).map_err(|e| e.context("created"))?;
        check_text("device id", &self.device_id)?;
        check_sequence(self.sequence)?;
        for f in &self.forms {
            check_text("form id", &f.id)?;
            check_text("form version", &f.version)?;
            check_hash("form hash", &f.hash)?;
        }
        for r in &self.responses {
            check_uuid("response id", &r.id)?;
            check_hash("SHA-256", &r.sha256)?;
            let listed = self
                .forms
                .iter()
                .any(|f| f.hash == r.form_hash && f.id == r.form_id && f.version == r.form_version);
            if !listed {
                return Err(Error::malformed(format!(
                    "response {}: expected its form {} version {} ({}) among the bundle's forms, but found it missing",
                    r.id, r.form_id, r.form_version, r.form_hash
                )));
            }
            crate::media::check_listed(self.format_version, &r.id, &r.attachments)?;
        }
        Ok(())
    }
}

/// Parses a JSON object and checks its `format_version`, from
/// [`OLDEST_FORMAT_VERSION`] to `newest`, before anything else.
fn versioned(
    bytes: &[u8],
    what: &str,
    newest: u32,
) -> Result<serde_json::Map<String, Json>, Error> {
    let doc: Json = serde_json::from_slice(bytes).map_err(|e| {
        Error::malformed(format!(
            "expected a {what} document in JSON, but it is not valid JSON: {e}"
        ))
    })?;
    let Json::Object(doc) = doc else {
        return Err(Error::malformed(format!(
            "expected a {what} document to be a JSON object, but found {}",
            json_kind(&doc)
        )));
    };
    match doc.get("format_version") {
        Some(v)
            if v.as_u64().is_some_and(|v| {
                (u64::from(OLDEST_FORMAT_VERSION)..=u64::from(newest)).contains(&v)
            }) =>
        {
            Ok(doc)
        }
        Some(v) => Err(Error::new(
            ErrorKind::UnknownVersion,
            format!(
                "expected {what} format version {OLDEST_FORMAT_VERSION} to {newest}, but found {v}; a newer version of yim may read it"
            ),
        )),
        None => Err(Error::malformed(format!(
            "expected a {what} document with a format_version, but found none"
        ))),
    }
}

pub(crate) fn check_sequence(sequence: u64) -> Result<(), Error> {
    if sequence == 0 {
        return Err(Error::invalid(
            "expected a sequence number of 1 or more, but found 0",
        ));
    }
    Ok(())
}

pub(crate) fn check_text(what: &str, text: &str) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::invalid(format!(
            "expected a {what}, but found an empty text"
        )));
    }
    Ok(())
}

pub(crate) fn check_hash(what: &str, hash: &str) -> Result<(), Error> {
    if !is_sha256(hash) {
        return Err(Error::invalid(format!(
            "expected the {what} to be a SHA-256 in 64 lowercase hexadecimal digits, but found `{hash}`"
        )));
    }
    Ok(())
}

fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "true or false",
        Json::Number(_) => "a number",
        Json::String(_) => "a text",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}
