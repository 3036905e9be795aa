//! The layout of the IndexedDB database and the code that brings a database
//! of any older version up to the current one.
//!
//! A database is upgraded one version at a time, always through the same
//! steps: a new database runs step 1 and then step 2, and a version 1
//! database runs step 2 alone. The step that turns a version 1 database into
//! a version 2 one is therefore the same code whether the data is real or
//! not, and the tests exercise it on a database filled through step 1.
//!
//! **Invariant**: a step never drops a record. It may move or reshape
//! records, and all of it happens inside the browser's upgrade transaction,
//! so an upgrade that fails half-way leaves the old database untouched.
//!
//! Version 7 (current) adds the `media` store, keyed by
//! `[response_id, name]`, which holds the photos of image questions (see
//! `media::MediaRecord`). Step 7 changes no record: no earlier version
//! stored a photo.
//!
//! Version 6 adds the `cases` store: the phone's case list, one
//! [`CaseRecord`](super::cases::CaseRecord) per case keyed by `id`, with
//! the index `list` on the case's list name. Step 6 only creates it: no
//! earlier version stored what a response did to a case.
//!
//! Version 5 adds the `uploads` store, keyed by `id`: the
//! exported bundles on their way to the deployment's intake, with their
//! bytes until a receipt came back (see `upload`). Step 5 changes no
//! record; bundles exported before it are not queued, since their bytes
//! were never kept.
//!
//! Version 4 adds the `settings` store, keyed by `id`, which
//! holds the PIN lock's record when a PIN is set. With a PIN, a record in
//! `answers` keeps its answers, data and label encrypted in `locked`
//! (see `record::Body`), and a response's metadata keeps its label
//! encrypted in `sealed_label`; records written without a PIN read as
//! before.
//!
//! Version 3 stores what version 2 does; each response's
//! metadata may now hold a `revision`, a `writer` and `copied_from` (see
//! [`ResponseMeta`](super::ResponseMeta)), and a version 2 record, which
//! has none of them, reads as revision 0 with neither. Step 3 changes no
//! record. It is a step all the same because opening the database at a
//! higher version makes every tab still running an older copy of the app
//! close its connection (its `versionchange` handler) and find the database too
//! new, so that no tab writes a response without checking its revision.
//!
//! Version 2:
//! - `responses`: one [`ResponseMeta`](super::ResponseMeta) per response,
//!   keyed by `id`, with the index `form_status_updated` on
//!   `[form_id, status, updated_ms]` (lists and counts per form and status,
//!   newest last) and `status_updated` on `[status, updated_ms]` (every
//!   finalized response, for export).
//! - `answers`: the answers of each response as JSON text, keyed by `id`
//!   (see `record::Body`).
//! - `exports`: the export log, keyed by `id`.
//! - `forms`: resolved form sources, keyed by `hash`.
//!
//! Version 1 kept each response in one record in `responses`, answers
//! included (as a JavaScript object), indexed by `form_id` only.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::KeyPath;
use serde::{Deserialize, Serialize};

use super::record::{Body, ResponseMeta, Status};

/// The database's name for the app.
pub const NAME: &str = "yim";

/// The version this code creates and reads.
pub const VERSION: u32 = 7;

/// The object stores.
pub mod stores {
    /// Response metadata.
    pub const RESPONSES: &str = "responses";
    /// Response answers.
    pub const ANSWERS: &str = "answers";
    /// The export log.
    pub const EXPORTS: &str = "exports";
    /// Resolved form sources.
    pub const FORMS: &str = "forms";
    /// Settings that must change in the same transaction as records: the
    /// PIN lock (`lock::LockRecord`), keyed by `id`.
    pub const SETTINGS: &str = "settings";
    /// The upload queue (`upload::Upload`), keyed by `id`, the bundle's id.
    pub const UPLOADS: &str = "uploads";
    /// The phone's case list (`cases::CaseRecord`), keyed by `id`.
    pub const CASES: &str = "cases";
    /// Photos kept with drafts (`media::MediaRecord`), keyed by
    /// `[response_id, name]`.
    pub const MEDIA: &str = "media";
}

/// The indexes of `responses`.
pub mod indexes {
    /// `[form_id, status, updated_ms]`.
    pub const FORM_STATUS: &str = "form_status_updated";
    /// `[status, updated_ms]`.
    pub const STATUS: &str = "status_updated";
    /// Version 1's index on `form_id`, removed by step 2.
    pub const V1_FORM: &str = "form_id";
    /// The index of `cases` on the case's list name.
    pub const CASE_LIST: &str = "list";
}

/// Runs every step from `old` (0 for a new database) up to `new`.
pub async fn upgrade(old: u32, new: u32, db: Database) -> indexed_db_futures::Result<()> {
    for version in old + 1..=new {
        match version {
            1 => step_1(&db)?,
            2 => step_2(&db).await?,
            3 => step_3(),
            4 => step_4(&db)?,
            5 => step_5(&db)?,
            6 => step_6(&db)?,
            7 => step_7(&db)?,
            // The open call never asks for a version this code has no step
            // for: `VERSION` is the highest step.
            _ => unreachable!("no upgrade step for database version {version}"),
        }
    }
    Ok(())
}

/// Version 1: one store of whole responses.
fn step_1(db: &Database) -> indexed_db_futures::Result<()> {
    let responses = db
        .create_object_store(stores::RESPONSES)
        .with_key_path(KeyPath::One("id"))
        .build()?;
    responses
        .create_index(indexes::V1_FORM, KeyPath::One("form_id"))
        .build()?;
    Ok(())
}

/// A response as version 1 stored it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct V1Response {
    /// UUID version 7.
    pub id: String,
    /// The form's id.
    pub form_id: String,
    /// The form's version.
    pub form_version: String,
    /// The device that made it.
    pub device_id: String,
    /// Draft, finalized or exported.
    pub status: Status,
    /// Started, in ms since 1970.
    pub created_ms: u64,
    /// Last written, in ms since 1970.
    pub updated_ms: u64,
    /// The engine's draft JSON, stored as a JavaScript object.
    pub answers: serde_json::Value,
}

impl V1Response {
    /// The same response in version 2's layout. Version 1 did not record
    /// the form's hash, the page or a label.
    pub fn into_v2(self) -> (ResponseMeta, Body) {
        let meta = ResponseMeta {
            id: self.id.clone(),
            form_id: self.form_id,
            form_version: self.form_version,
            form_hash: None,
            created_ms: self.created_ms,
            updated_ms: self.updated_ms,
            device_id: self.device_id,
            status: self.status,
            page: 0,
            label: None,
            revision: 0,
            writer: None,
            copied_from: None,
            sealed_label: None,
            case_id: None,
        };
        let body = Body {
            id: self.id,
            answers: self.answers.to_string(),
            data: None,
            sealed: None,
            locked: None,
            case: None,
        };
        (meta, body)
    }
}

/// Version 2: answers move to their own store, the indexes list by form and
/// status, and the export log and form sources get stores.
async fn step_2(db: &Database) -> indexed_db_futures::Result<()> {
    let answers = db
        .create_object_store(stores::ANSWERS)
        .with_key_path(KeyPath::One("id"))
        .build()?;
    db.create_object_store(stores::EXPORTS)
        .with_key_path(KeyPath::One("id"))
        .build()?;
    db.create_object_store(stores::FORMS)
        .with_key_path(KeyPath::One("hash"))
        .build()?;

    // The upgrade transaction is reached through a store it created; the
    // existing `responses` store belongs to the same transaction.
    let upgrade = answers.transaction();
    let responses = upgrade.object_store(stores::RESPONSES)?;
    responses.delete_index(indexes::V1_FORM)?;
    responses
        .create_index(
            indexes::FORM_STATUS,
            KeyPath::from(["form_id", "status", "updated_ms"]),
        )
        .build()?;
    responses
        .create_index(indexes::STATUS, KeyPath::from(["status", "updated_ms"]))
        .build()?;

    // A cursor walks the old records one at a time, so that a phone with
    // thousands of responses never holds all their answers in memory.
    let Some(mut cursor) = responses.open_cursor().serde()?.await? else {
        return Ok(());
    };
    while let Some(old) = cursor.next_record_ser::<V1Response>().await? {
        let (meta, body) = old.into_v2();
        // Requests go out when they are built. A failed one fails the
        // upgrade transaction, and with it the whole upgrade.
        let _moved = answers.put(&body).serde()?;
        cursor.update(&meta).serde()?.await?;
    }
    Ok(())
}

/// Version 3: responses carry a revision. Records are read as they are
/// (a missing revision is 0), so there is nothing to move; see the module
/// documentation for why the version changes anyway.
fn step_3() {}

/// Version 4: the `settings` store for the PIN lock.
fn step_4(db: &Database) -> indexed_db_futures::Result<()> {
    db.create_object_store(stores::SETTINGS)
        .with_key_path(KeyPath::One("id"))
        .build()?;
    Ok(())
}

/// Version 5: the `uploads` store for the upload queue.
fn step_5(db: &Database) -> indexed_db_futures::Result<()> {
    db.create_object_store(stores::UPLOADS)
        .with_key_path(KeyPath::One("id"))
        .build()?;
    Ok(())
}

/// Version 6: the `cases` store for the phone's case list.
fn step_6(db: &Database) -> indexed_db_futures::Result<()> {
    let cases = db
        .create_object_store(stores::CASES)
        .with_key_path(KeyPath::One("id"))
        .build()?;
    cases
        .create_index(indexes::CASE_LIST, KeyPath::One("list"))
        .build()?;
    Ok(())
}

/// Version 7: the `media` store for photos.
fn step_7(db: &Database) -> indexed_db_futures::Result<()> {
    db.create_object_store(stores::MEDIA)
        .with_key_path(KeyPath::from(["response_id", "name"]))
        .build()?;
    Ok(())
}
