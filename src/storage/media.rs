//! Photos kept with a draft: one record per photo in the `media` store,
//! keyed by `[response_id, name]`, so that all the photos of one response
//! are one key range.
//!
//! A photo taken is written in the transaction that writes the draft
//! naming it (`Storage::save_with_photos`), so a stored draft never names a
//! photo that is not stored, and no photo is stored without its draft; a
//! photo replaced or removed from its answer stays until the draft is
//! finalized (only named photos are sealed) or deleted.
//! With a PIN set, a photo's bytes are encrypted with the data key like a
//! record's answers, and the key's record is read in the transaction that
//! writes, as for every other write. Setting, removing or forgetting the
//! PIN changes the photos in the transaction that changes the answers.

use indexed_db_futures::prelude::*;
use indexed_db_futures::KeyRange;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::db::idb;
use super::lock::DataKey;
use super::schema::stores;
use super::{Storage, StorageError};
use yim_bundle::SealedAttachment;

/// One stored photo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaRecord {
    /// The response the photo belongs to.
    pub response_id: String,
    /// The file name the image question's answer holds.
    pub name: String,
    /// The photo's type, `image/jpeg` for photos the app made smaller.
    pub mime: String,
    /// The bytes in clear, when no PIN was set at the time of writing.
    #[serde(default, with = "serde_bytes", skip_serializing_if = "Vec::is_empty")]
    pub bytes: Vec<u8>,
    /// The bytes encrypted with the PIN's data key, when a PIN was set.
    #[serde(default, with = "serde_bytes", skip_serializing_if = "Vec::is_empty")]
    pub locked: Vec<u8>,
    /// The bytes sealed to the data office with the finalized response
    /// (an age file, `yim_bundle::seal_attachment`); then neither `bytes`
    /// nor `locked` is kept.
    #[serde(default, with = "serde_bytes", skip_serializing_if = "Vec::is_empty")]
    pub sealed: Vec<u8>,
}

/// A photo as the app uses it: always in clear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Photo {
    /// The file name the answer holds.
    pub name: String,
    /// The photo's type.
    pub mime: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// What the data key authenticates with a photo, so that encrypted bytes
/// moved to another photo's record do not open there.
fn sealed_for(response_id: &str, name: &str) -> String {
    format!("{response_id}/{name}")
}

/// Every key of one response's photos: an array sorts after every string,
/// so `[id, []]` is above every `[id, name]`.
fn of_response(response_id: &str) -> KeyRange<serde_json::Value> {
    KeyRange::Bound(json!([response_id]), false, json!([response_id, []]), false)
}

fn encode(
    response_id: &str,
    photo: &Photo,
    key: Option<&DataKey>,
) -> Result<MediaRecord, StorageError> {
    let mut record = MediaRecord {
        response_id: response_id.to_string(),
        name: photo.name.clone(),
        mime: photo.mime.clone(),
        bytes: Vec::new(),
        locked: Vec::new(),
        sealed: Vec::new(),
    };
    match key {
        Some(key) => {
            record.locked = key.seal(&sealed_for(response_id, &photo.name), &photo.bytes)?
        }
        None => record.bytes = photo.bytes.clone(),
    }
    Ok(record)
}

fn decode(record: MediaRecord, key: Option<&DataKey>) -> Result<Photo, StorageError> {
    let bytes = if record.locked.is_empty() {
        record.bytes
    } else {
        match key {
            Some(key) => key.open(
                &sealed_for(&record.response_id, &record.name),
                &record.locked,
            )?,
            None => return Err(StorageError::Locked),
        }
    };
    Ok(Photo {
        name: record.name,
        mime: record.mime,
        bytes,
    })
}

impl Storage {
    /// The photos of `response_id` not sealed yet, in the order of their
    /// names.
    pub async fn photos(&self, response_id: &str) -> Result<Vec<Photo>, StorageError> {
        let held = self.held();
        let key = held.as_ref().map(|held| &held.key);
        let ids = [response_id.to_string()];
        let records = self.media_records(&ids).await?;
        records
            .into_iter()
            .flatten()
            .filter(|record| record.sealed.is_empty())
            .map(|record| decode(record, key))
            .collect()
    }

    /// The sealed photos of each response of `ids`, in the order given,
    /// read in one transaction, for an export.
    pub async fn sealed_photos(
        &self,
        ids: &[String],
    ) -> Result<Vec<Vec<SealedAttachment>>, StorageError> {
        let records = self.media_records(ids).await?;
        Ok(records
            .into_iter()
            .map(|of_one| {
                of_one
                    .into_iter()
                    .filter(|record| !record.sealed.is_empty())
                    .map(|record| SealedAttachment {
                        name: record.name,
                        sealed: record.sealed,
                    })
                    .collect()
            })
            .collect())
    }

    /// The media records of each response of `ids`, every read sent before
    /// the first is awaited.
    async fn media_records(&self, ids: &[String]) -> Result<Vec<Vec<MediaRecord>>, StorageError> {
        self.run(|db| async move {
            let tx = idb(db.transaction(stores::MEDIA).build())?;
            let media = idb(tx.object_store(stores::MEDIA))?;
            let requests = ids
                .iter()
                .map(|id| {
                    idb(media
                        .get_all::<MediaRecord>()
                        .with_query(of_response(id))
                        .serde())
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mut out = Vec::with_capacity(ids.len());
            for request in requests {
                let records = idb(request.await)?;
                out.push(records.map(idb).collect::<Result<Vec<_>, _>>()?);
            }
            Ok(out)
        })
        .await
    }
}

/// Removes every photo of `response_id` in the transaction `tx`, which must
/// cover the `media` store; deleting a draft calls it in its own
/// transaction, so a draft and its photos go together.
pub(super) fn delete_all(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    response_id: &str,
) -> Result<(), StorageError> {
    let media = idb(tx.object_store(stores::MEDIA))?;
    let _delete = idb(media.delete(of_response(response_id)).serde())?;
    Ok(())
}

/// Replaces every photo of `response_id` with `sealed`, the photos sealed
/// to the data office, in the transaction `tx` that stores the finalized
/// response, so that the response and its photos are sealed together or
/// not at all. Requests on one store run in the order they are made, so
/// the removal comes before the new records.
pub(super) fn replace_sealed(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    response_id: &str,
    sealed: &[SealedAttachment],
) -> Result<(), StorageError> {
    let media = idb(tx.object_store(stores::MEDIA))?;
    let _delete = idb(media.delete(of_response(response_id)).serde())?;
    for photo in sealed {
        let record = MediaRecord {
            response_id: response_id.to_string(),
            name: photo.name.clone(),
            mime: "application/age".to_string(),
            bytes: Vec::new(),
            locked: Vec::new(),
            sealed: photo.sealed.clone(),
        };
        let _put = idb(media.put(&record).serde())?;
    }
    Ok(())
}

/// Stores `photos` of `response_id`, replacing any of the same name, in the
/// transaction `tx` that writes the draft naming them, encrypted with `key`
/// when a PIN is set.
pub(super) fn put_all(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    response_id: &str,
    photos: &[Photo],
    key: Option<&DataKey>,
) -> Result<(), StorageError> {
    let media = idb(tx.object_store(stores::MEDIA))?;
    for photo in photos {
        let _put = idb(media.put(&encode(response_id, photo, key)?).serde())?;
    }
    Ok(())
}

/// Every media record, read in the transaction `tx`.
async fn all_records(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
) -> Result<Vec<MediaRecord>, StorageError> {
    let media = idb(tx.object_store(stores::MEDIA))?;
    let records = idb(idb(media.get_all::<MediaRecord>().serde())?.await)?;
    records.map(idb).collect()
}

/// Encrypts with `key` every photo kept in clear, in the transaction `tx`
/// that sets the PIN. Sealed photos stay as they are: only the data office
/// can open them.
pub(super) async fn relock_all(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    key: Option<&DataKey>,
) -> Result<(), StorageError> {
    let media = idb(tx.object_store(stores::MEDIA))?;
    for record in all_records(tx).await? {
        if !record.sealed.is_empty() || !record.locked.is_empty() {
            continue;
        }
        let response_id = record.response_id.clone();
        let photo = decode(record, None)?;
        let _put = idb(media.put(&encode(&response_id, &photo, key)?).serde())?;
    }
    Ok(())
}

/// Decrypts with `key` every photo encrypted with it, in the transaction
/// `tx` that removes the PIN.
pub(super) async fn unlock_all(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    key: &DataKey,
) -> Result<(), StorageError> {
    let media = idb(tx.object_store(stores::MEDIA))?;
    for record in all_records(tx).await? {
        if record.locked.is_empty() {
            continue;
        }
        let response_id = record.response_id.clone();
        let photo = decode(record, Some(key))?;
        let _put = idb(media.put(&encode(&response_id, &photo, None)?).serde())?;
    }
    Ok(())
}

/// For a forgotten PIN, in the transaction `tx` that deletes the records
/// only the PIN could open (`deleted`, by response id): removes their
/// photos, and every other photo encrypted with the lost key. Photos in
/// clear or sealed for the data office stay.
pub(super) async fn forget_locked(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    deleted: &std::collections::HashSet<String>,
) -> Result<(), StorageError> {
    let media = idb(tx.object_store(stores::MEDIA))?;
    for record in all_records(tx).await? {
        let unsealed = record.sealed.is_empty();
        if !record.locked.is_empty() || (unsealed && deleted.contains(&record.response_id)) {
            let _delete = idb(media
                .delete(KeyRange::Only(json!([record.response_id, record.name])))
                .serde())?;
        }
    }
    Ok(())
}
