//! The upload queue: exported bundles waiting to reach the deployment's
//! intake (`yim serve`), kept in the `uploads` store (schema version 5).
//!
//! A bundle is queued in the transaction that logs its export, with its
//! bytes. The bytes are the bundle exactly as it was made: making the file
//! again encrypts it afresh, which gives a different file with a different
//! SHA-256, and the intake would then keep the same responses twice. So the
//! queue keeps the very bytes until the intake has answered with a receipt
//! for them, and only then lets them go. They are ciphertext for the data
//! office, like the sealed responses they were built from.
//!
//! Each record moves through these states:
//!
//! ```text
//!   Waiting ──claim──► (leased: uploading) ──receipt──► Received
//!      ▲                     │    │
//!      │                     │    └──401/403/413/400──► Rejected ──new code──► Waiting
//!      └──backoff── Failed ◄─┘  (network, 5xx, bad receipt)
//! ```
//!
//! **Invariant**: one bundle is sent by one tab at a time. A tab takes a
//! lease on the record (its tab id and an expiry time) in the transaction
//! that reads it, and another tab leaves a leased record alone until the
//! lease expires; a tab that closed mid-upload never blocks the bundle for
//! longer than [`LEASE_MS`]. The intake stores a bundle under its SHA-256,
//! so a bundle sent twice all the same (the lease expired while the first
//! request was still on its way) is stored once, and both get one receipt.
//!
//! **Invariant**: the bytes are kept until a receipt for their SHA-256 and
//! size is stored; a receipt that names anything else is a failure, and the
//! bundle is sent again.

use indexed_db_futures::prelude::*;
use serde::{Deserialize, Serialize};

use super::db::{commit, idb, writing};
use super::schema::stores;
use super::{ExportRecord, Storage, StorageError};

/// How long a tab's claim on a bundle lasts: longer than an upload may take
/// ([`UPLOAD_TIMEOUT_MS`]), so that a live upload is never taken over.
pub const LEASE_MS: u64 = 150_000;

/// How long one upload may take before it is given up and retried later.
pub const UPLOAD_TIMEOUT_MS: u32 = 120_000;

/// The first wait after a failure; each later one doubles, up to
/// [`MAX_BACKOFF_MS`].
pub const FIRST_BACKOFF_MS: u64 = 10_000;

/// The longest wait between two tries.
pub const MAX_BACKOFF_MS: u64 = 30 * 60_000;

/// One bundle in the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    /// The bundle's id: the id of its entry in the export log.
    pub id: String,
    /// The bundle's file name, as offered for download.
    pub file_name: String,
    /// When the bundle was made, in milliseconds since 1970 (UTC).
    pub made_ms: u64,
    /// The SHA-256 of the bundle's bytes, in lowercase hex: what the
    /// intake's receipt must name.
    pub sha256: String,
    /// The bundle's size in bytes.
    pub size: u64,
    /// The bundle as made; emptied once it was received.
    #[serde(with = "serde_bytes", default)]
    pub bytes: Vec<u8>,
    /// Where it stands.
    pub state: UploadState,
    /// How many tries failed since the last success or new upload code.
    #[serde(default)]
    pub attempts: u32,
    /// When the next try is due, in milliseconds since 1970.
    #[serde(default)]
    pub next_ms: u64,
    /// The tab sending it now, if any.
    #[serde(default)]
    pub lease: Option<Lease>,
}

/// A tab's claim on a bundle it is sending.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// The tab's id (random, one per page load).
    pub tab: String,
    /// When the claim lapses, in milliseconds since 1970.
    pub until_ms: u64,
}

/// Where a bundle stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UploadState {
    /// Made, not sent yet.
    Waiting,
    /// The last try failed for a reason that passes (no network, the
    /// intake down or busy); it is tried again at `next_ms`.
    Failed {
        /// Why.
        problem: Problem,
    },
    /// The intake refused it for a reason that trying again does not fix;
    /// a person has to act (a new upload code, the data office).
    Rejected {
        /// Why.
        problem: Problem,
    },
    /// The intake stored it and answered with this receipt.
    Received {
        /// The intake's receipt.
        receipt: Receipt,
    },
}

/// Why an upload did not succeed, as data: the page says it in the
/// person's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// The request did not reach the intake or its answer did not come
    /// back (offline, the server stopped, a timeout).
    Network,
    /// The intake answered with an error that passes (5xx, 429, 408).
    Busy {
        /// The HTTP status.
        status: u16,
    },
    /// The intake answered success with a receipt that does not name this
    /// bundle or could not be read.
    BadReceipt,
    /// The upload code was refused (401: unknown or revoked; 403: a code
    /// that may only pull).
    Refused {
        /// The HTTP status.
        status: u16,
    },
    /// The bundle is larger than the intake accepts (413).
    TooLarge,
    /// Any other refusal (400 and other 4xx).
    Other {
        /// The HTTP status.
        status: u16,
    },
}

impl Problem {
    /// The problem an HTTP error status means.
    pub fn of_status(status: u16) -> Problem {
        match status {
            401 | 403 => Problem::Refused { status },
            413 => Problem::TooLarge,
            408 | 429 | 500..=599 => Problem::Busy { status },
            _ => Problem::Other { status },
        }
    }

    /// Whether trying again later may succeed without a person acting.
    pub fn passes(&self) -> bool {
        matches!(
            self,
            Problem::Network | Problem::Busy { .. } | Problem::BadReceipt
        )
    }
}

/// The intake's receipt, as `yim serve` answers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The SHA-256 of the bundle stored.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// When the intake first stored it, RFC 3339 in UTC.
    pub received: String,
}

/// The most bytes of an intake's answer that are read as a receipt: a
/// receipt is about 150 bytes.
pub const MAX_RECEIPT_BYTES: usize = 4096;

impl Receipt {
    /// Reads the intake's answer as a receipt for the bundle with `sha256`
    /// and `size`: bounded, well-formed, and naming exactly this bundle.
    pub fn parse_for(body: &[u8], sha256: &str, size: u64) -> Option<Receipt> {
        if body.len() > MAX_RECEIPT_BYTES {
            return None;
        }
        let receipt: Receipt = serde_json::from_slice(body).ok()?;
        let shaped = receipt.received.len() <= 64
            && receipt
                .received
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '.' | '+'));
        (receipt.sha256 == sha256 && receipt.size == size && shaped).then_some(receipt)
    }
}

/// What one try came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The intake stored the bundle.
    Received(Receipt),
    /// It did not.
    Failed(Problem),
}

/// The wait before try number `attempts + 1`, after `attempts` failures:
/// doubling from [`FIRST_BACKOFF_MS`] up to [`MAX_BACKOFF_MS`], of which a
/// random half (`jitter` from 0 to 1) is added to the other half. The
/// jitter keeps the phones of a district that came back online together
/// from all retrying in the same second.
pub fn backoff_ms(attempts: u32, jitter: f64) -> u64 {
    let doubled = FIRST_BACKOFF_MS.saturating_mul(1u64 << attempts.saturating_sub(1).min(20));
    let full = doubled.min(MAX_BACKOFF_MS);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.5
    };
    full / 2 + ((full / 2) as f64 * jitter) as u64
}

impl Upload {
    /// A new entry for the bundle of `export`, due at once.
    pub fn new(export: &ExportRecord, bytes: Vec<u8>) -> Upload {
        Upload {
            id: export.id.clone(),
            file_name: export.file_name.clone(),
            made_ms: export.created_ms,
            sha256: yim_form::publish::sha256_hex(&bytes),
            size: bytes.len() as u64,
            bytes,
            state: UploadState::Waiting,
            attempts: 0,
            next_ms: export.created_ms,
            lease: None,
        }
    }

    /// Whether `tab` may claim it at `now`: not received or rejected, not
    /// claimed by another tab whose lease still holds, and due (or `now_due`,
    /// when the app just opened or came back online and tries everything
    /// that waits).
    pub fn claimable(&self, tab: &str, now: u64, now_due: bool) -> bool {
        let open = matches!(
            self.state,
            UploadState::Waiting | UploadState::Failed { .. }
        );
        let free = self
            .lease
            .as_ref()
            .is_none_or(|lease| lease.tab == tab || lease.until_ms <= now);
        open && free && (now_due || self.next_ms <= now)
    }

    /// Whether a tab is sending it now.
    pub fn uploading(&self, now: u64) -> bool {
        self.lease
            .as_ref()
            .is_some_and(|lease| lease.until_ms > now)
            && !matches!(self.state, UploadState::Received { .. })
    }

    /// Applies the outcome of a try made at `now`, with `jitter` for the
    /// wait before the next one. A bundle that was received stays received,
    /// whatever a later, duplicate try says.
    pub fn apply(&mut self, outcome: Outcome, now: u64, jitter: f64) {
        self.lease = None;
        if matches!(self.state, UploadState::Received { .. }) {
            return;
        }
        match outcome {
            Outcome::Received(receipt) => {
                self.state = UploadState::Received { receipt };
                self.bytes = Vec::new();
                self.attempts = 0;
            }
            Outcome::Failed(problem) if problem.passes() => {
                self.attempts = self.attempts.saturating_add(1);
                self.next_ms = now.saturating_add(backoff_ms(self.attempts, jitter));
                self.state = UploadState::Failed { problem };
            }
            Outcome::Failed(problem) => {
                self.attempts = self.attempts.saturating_add(1);
                self.state = UploadState::Rejected { problem };
            }
        }
    }
}

impl Storage {
    /// Every bundle of the queue, oldest first (ids sort by time).
    pub async fn uploads(&self) -> Result<Vec<Upload>, StorageError> {
        self.run(|db| async move {
            let tx = idb(db.transaction(stores::UPLOADS).build())?;
            let uploads = idb(tx.object_store(stores::UPLOADS))?;
            idb(idb(idb(uploads.get_all::<Upload>().serde())?.await)?
                .collect::<Result<Vec<_>, _>>())
        })
        .await
    }

    /// Claims the bundle `id` for `tab` at `now`, when
    /// [`Upload::claimable`] allows it: the lease is written in the
    /// transaction that read the record, so two tabs never both hold it.
    /// Returns the bundle to send, or `None`.
    pub async fn claim_upload(
        &self,
        id: &str,
        tab: &str,
        now: u64,
        now_due: bool,
    ) -> Result<Option<Upload>, StorageError> {
        self.run(|db| async move {
            let tx = writing(&db, stores::UPLOADS)?;
            let uploads = idb(tx.object_store(stores::UPLOADS))?;
            let Some(mut upload) = idb(idb(uploads.get::<Upload, _, _>(id).serde())?.await)? else {
                return Ok(None);
            };
            if !upload.claimable(tab, now, now_due) {
                return Ok(None);
            }
            upload.lease = Some(Lease {
                tab: tab.to_string(),
                until_ms: now.saturating_add(LEASE_MS),
            });
            let _put = idb(uploads.put(&upload).serde())?;
            commit(tx).await?;
            Ok(Some(upload))
        })
        .await
    }

    /// Stores the outcome of `tab`'s try of bundle `id` (see
    /// [`Upload::apply`]) and returns the record as stored.
    pub async fn finish_upload(
        &self,
        id: &str,
        outcome: Outcome,
        now: u64,
        jitter: f64,
    ) -> Result<Option<Upload>, StorageError> {
        self.run(|db| {
            let outcome = outcome.clone();
            async move {
                let tx = writing(&db, stores::UPLOADS)?;
                let uploads = idb(tx.object_store(stores::UPLOADS))?;
                let Some(mut upload) = idb(idb(uploads.get::<Upload, _, _>(id).serde())?.await)?
                else {
                    return Ok(None);
                };
                upload.apply(outcome, now, jitter);
                let _put = idb(uploads.put(&upload).serde())?;
                commit(tx).await?;
                Ok(Some(upload))
            }
        })
        .await
    }

    /// Puts every rejected bundle back in the queue, due at `now`, in one
    /// transaction: a person acted on the refusal (a new upload code).
    /// Returns how many.
    pub async fn requeue_rejected(&self, now: u64) -> Result<usize, StorageError> {
        self.run(|db| async move {
            let tx = writing(&db, stores::UPLOADS)?;
            let uploads = idb(tx.object_store(stores::UPLOADS))?;
            let all = idb(idb(idb(uploads.get_all::<Upload>().serde())?.await)?
                .collect::<Result<Vec<_>, _>>())?;
            let mut requeued = 0;
            for mut upload in all {
                if matches!(upload.state, UploadState::Rejected { .. }) {
                    upload.state = UploadState::Waiting;
                    upload.attempts = 0;
                    upload.next_ms = now;
                    upload.lease = None;
                    let _put = idb(uploads.put(&upload).serde())?;
                    requeued += 1;
                }
            }
            commit(tx).await?;
            Ok(requeued)
        })
        .await
    }
}
