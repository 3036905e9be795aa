//! Attachments: the photos of a response, each sealed on its own to the
//! same recipients as the response, and carried next to it in a bundle as
//! `media/<response id>/<file name>.age`.
//!
//! A photo is not put inside the response document: the document stays
//! small JSON that lists can read quickly, and each photo stays a standard
//! age file that `age -d` turns back into the very bytes the phone stored.

use serde::{Deserialize, Serialize};

use crate::crypt;
use crate::error::Error;
use crate::keys::{Identities, Recipients};

/// The format version of a bundle whose manifest lists attachments. A
/// bundle without attachments is written as [`FORMAT_VERSION`](crate::FORMAT_VERSION), so that
/// readers that know no photos open everything they can; the response
/// documents inside keep their own version.
pub const MEDIA_FORMAT_VERSION: u32 = 3;

/// The most attachments one response may carry. A form has a handful of
/// photo questions; this bounds what a hostile manifest can make a reader
/// look for.
pub const MAX_ATTACHMENTS: usize = 64;

/// The largest sealed attachment a bundle may hold, in bytes. A photo made
/// smaller on the phone (`max-pixels`, at most 4096) is far below this.
pub const MAX_ATTACHMENT_BYTES: u64 = 16 * 1024 * 1024;

/// One sealed attachment: its file name and its bytes as an age file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedAttachment {
    /// The file name, as the image question's answer holds it
    /// ([`yim_form::is_media_name`]).
    pub name: String,
    /// The age file holding the attachment's bytes.
    pub sealed: Vec<u8>,
}

/// An attachment listed in the manifest under its response; its sealed
/// file is `media/<response id>/<name>.age`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestAttachment {
    /// The file name, as the response's answer names it.
    pub name: String,
    /// The SHA-256 of the sealed file, as `sha256sum` prints it.
    pub sha256: String,
}

/// One attachment of an opened bundle, decrypted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// The response the attachment belongs to.
    pub response_id: String,
    /// The file name, as the response's answer names it.
    pub name: String,
    /// The bytes exactly as the phone stored them.
    pub bytes: Vec<u8>,
}

/// Checks an attachment's file name: the same rule the image question's
/// answer follows, so the name is safe as a file name at the data office.
pub(crate) fn check_name(name: &str) -> Result<(), Error> {
    if yim_form::is_media_name(name) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "expected an attachment name of at most {} ASCII letters, digits, `-`, `_` and `.`, not starting with `.`, but found `{}`",
            yim_form::MAX_MEDIA_NAME,
            name.escape_debug()
        )))
    }
}

/// The archive path of an attachment.
pub(crate) fn path(response_id: &str, name: &str) -> String {
    format!("media/{response_id}/{name}.age")
}

/// Encrypts one attachment of a response to `to`, which should be the
/// recipients the response itself is sealed to.
pub fn seal_attachment(
    name: &str,
    bytes: &[u8],
    to: &Recipients,
) -> Result<SealedAttachment, Error> {
    check_name(name)?;
    let sealed = crypt::encrypt(bytes, to)?;
    if sealed.len() as u64 > MAX_ATTACHMENT_BYTES {
        return Err(Error::invalid(format!(
            "attachment {name}: expected at most {MAX_ATTACHMENT_BYTES} bytes, but found {}",
            sealed.len()
        )));
    }
    Ok(SealedAttachment {
        name: name.to_owned(),
        sealed,
    })
}

/// Decrypts one sealed attachment (the bytes of
/// [`SealedAttachment::sealed`], or a `media/<id>/<name>.age` file of a
/// bundle).
pub fn unseal_attachment(sealed: &[u8], with: &Identities) -> Result<Vec<u8>, Error> {
    crypt::decrypt(sealed, with, "this attachment")
}

/// Checks the attachments a manifest lists for one response: only in a
/// version 2 manifest, at most [`MAX_ATTACHMENTS`], each with a safe name
/// and a SHA-256, no name twice.
pub(crate) fn check_listed(
    format_version: u32,
    response_id: &str,
    listed: &[ManifestAttachment],
) -> Result<(), Error> {
    if listed.is_empty() {
        return Ok(());
    }
    if format_version < MEDIA_FORMAT_VERSION {
        return Err(Error::malformed(format!(
            "response {response_id}: expected no attachments in a bundle of format version {format_version}, but found {}",
            listed.len()
        )));
    }
    if listed.len() > MAX_ATTACHMENTS {
        return Err(Error::malformed(format!(
            "response {response_id}: expected at most {MAX_ATTACHMENTS} attachments, but found {}",
            listed.len()
        )));
    }
    let mut seen = std::collections::HashSet::new();
    for a in listed {
        check_name(&a.name)
            .map_err(|e| Error::malformed(format!("response {response_id}: {e}")))?;
        crate::doc::check_hash("SHA-256", &a.sha256)?;
        if !seen.insert(a.name.as_str()) {
            return Err(Error::malformed(format!(
                "response {response_id}: the attachment {} is listed twice",
                a.name
            )));
        }
    }
    Ok(())
}

/// Whether `path` names an attachment: `media/<uuid>/<safe name>.age`.
pub(crate) fn is_path(path: &str) -> bool {
    split_path(path).is_some()
}

/// The response id and file name of an attachment's path, if `path` names
/// one.
pub(crate) fn split_path(path: &str) -> Option<(&str, &str)> {
    path.strip_prefix("media/")
        .and_then(|p| p.strip_suffix(".age"))
        .and_then(|p| p.split_once('/'))
        .filter(|(id, name)| crate::id::is_uuid(id) && yim_form::is_media_name(name))
}
