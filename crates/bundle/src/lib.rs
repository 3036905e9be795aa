//! Yim's bundle format: responses sealed at rest on the phone, bundles that
//! carry them to the data office, and merging bundles there.
//!
//! The format is specified in `docs/bundle-format.md`. In short:
//!
//! - A **sealed response** is a [`Response`] document (JSON) encrypted with
//!   age to the form's recipients as soon as the response is finalized.
//!   [`seal`] makes one; [`unseal`] opens one with the data office's keys.
//! - A **bundle** is an age file holding a tar archive: `manifest.json`,
//!   the resolved forms as `forms/<hash>.yaml`, and the sealed responses as
//!   `responses/<id>.json.age`, copied without decrypting them, so the
//!   phone that exports needs no key. [`BundleWriter`] and [`build`] make
//!   one; [`open`] verifies and decrypts one, all or nothing.
//! - [`Merger`] combines opened bundles: each response once, a report of
//!   missing exports per device, and responses whose copies disagree.
//!
//! Everything is standard age, so `age -d` and `tar -x` open a bundle
//! without this software.
//!
//! **Boundary**: this crate knows nothing about form structure. It carries
//! the resolved form as YAML text and hashes it; ordering columns and naming
//! choices is the job of whoever reads the form (the `yim` command line).
//!
//! **Invariant**: no I/O and no clock. Files come and go as bytes, and times
//! and ids are passed in, so the same code runs natively and in the browser
//! (`wasm32-unknown-unknown`).
//!
//! ```
//! use yim_bundle::{seal, unseal, Identities, Identity, Recipients, Response};
//!
//! let office = Identity::generate();
//! let to = Recipients::Keys(vec![office.to_public()]);
//! let response = Response {
//!     id: "01890a5d-ac96-774b-bcce-b302099a8057".into(),
//!     form_id: "child-core".into(),
//!     form_version: "2026.1".into(),
//!     form_hash: yim_bundle::form_hash("form: {id: child-core}\n"),
//!     created: "2026-11-23T09:15:00.000Z".into(),
//!     updated: "2026-11-23T09:20:00.000Z".into(),
//!     device_id: "3f2a".into(),
//!     status: "finalized".into(),
//!     answers: serde_json::json!({"child_name": "ด.ญ. มะลิ", "kids": [{"kid_age": 4}]}),
//!     case: None,
//! };
//! let sealed = seal(&response, &to)?;
//! assert!(!String::from_utf8_lossy(&sealed.sealed).contains("มะลิ"));
//!
//! let keys: Identities = [office].into_iter().collect();
//! assert_eq!(unseal(&sealed.sealed, &keys)?, response);
//! # Ok::<(), yim_bundle::Error>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bundle;
mod crypt;
mod doc;
mod error;
mod id;
mod keys;
mod media;
mod merge;
mod seal;
mod time;

pub use bundle::{
    build, form_hash, open, open_reader, BundleForm, BundleHeader, BundleWriter, OpenedBundle,
    Part, MAX_ENTRIES, MAX_ENTRY_BYTES,
};
pub use doc::{
    Manifest, ManifestForm, ManifestResponse, Response, FORMAT_VERSION, OLDEST_FORMAT_VERSION,
};
pub use error::{Error, ErrorKind};
pub use id::new_uuid_v7;
pub use keys::{Identities, Identity, Passphrase, Recipient, Recipients, SecretText};
pub use media::{
    seal_attachment, unseal_attachment, Attachment, ManifestAttachment, SealedAttachment,
    MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES, MEDIA_FORMAT_VERSION,
};
pub use merge::{Conflict, DeviceReport, Merged, Merger, Origin, ResponseCopy, Warning};
pub use seal::{seal, unseal, SealedResponse};
pub use time::Timestamp;
