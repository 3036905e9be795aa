//! The inbox: sealed bundles and their receipts in one object store, a local
//! folder or an S3-compatible bucket.
//!
//! A bundle is stored under `bundles/<sha256>.age` and its receipt under
//! `receipts/<sha256>.json`, both with create-only puts. The receipt is
//! written after the bundle, so a receipt always names a complete bundle; a
//! crash between the two writes leaves a bundle without a receipt, which the
//! next upload of the same bundle heals. Whoever pulls follows receipts only.

use std::sync::Arc;

use futures::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Error;

/// The first line of every binary age file, which is what a bundle is.
pub const AGE_HEADER: &[u8] = b"age-encryption.org/v1\n";

/// No bundle is larger than this (the highest `--max-bundle-mib`): a receipt
/// that claims more is refused, so a hostile intake cannot make a pull write
/// without end.
pub const MAX_BUNDLE_BYTES: u64 = 1 << 30;

/// At most this many receipts are listed at once: a bound on what one listing
/// costs the server and the client that reads it.
pub const MAX_RECEIPTS: usize = 1_000_000;

/// What the intake answers for a stored bundle: its SHA-256, its size and
/// when it was first received. The same bundle always gets the same receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The SHA-256 of the bundle, 64 lowercase hexadecimal digits.
    pub sha256: String,
    /// The bundle's size in bytes.
    pub size: u64,
    /// When the bundle was first stored, RFC 3339 in UTC.
    pub received: String,
}

impl Receipt {
    /// Reads a receipt and checks that it names a well-formed hash, so that a
    /// receipt can never lead a pull outside the inbox.
    pub fn parse(bytes: &[u8]) -> Result<Receipt, Error> {
        let receipt: Receipt = serde_json::from_slice(bytes)
            .map_err(|e| Error::new(format!("a receipt is not valid: {e}")))?;
        if !is_sha256(&receipt.sha256) {
            return Err(Error::new(format!(
                "expected a receipt to name a SHA-256, but found `{}`",
                receipt.sha256.escape_default()
            )));
        }
        if receipt.size > MAX_BUNDLE_BYTES {
            return Err(Error::new(format!(
                "expected a receipt for at most {MAX_BUNDLE_BYTES} bytes, but found {}",
                receipt.size
            )));
        }
        Ok(receipt)
    }
}

/// Whether `name` is a file that the folder store was still writing: a name,
/// `#` and a number.
pub fn is_staging(name: &str) -> bool {
    name.rsplit_once('#')
        .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `text` is a SHA-256 as the inbox names them: 64 lowercase
/// hexadecimal digits.
pub fn is_sha256(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The SHA-256 of `bytes` as 64 lowercase hexadecimal digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether the upload was new or a repeat of a bundle already stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    /// The bundle was stored by this upload.
    New,
    /// The bundle was already there; the receipt is the one first given.
    Again,
}

/// Where bundles and receipts are kept.
#[derive(Clone, Debug)]
pub struct Inbox {
    store: Arc<dyn ObjectStore>,
    description: String,
}

impl Inbox {
    /// Opens `spec`: `s3://bucket/prefix` for an S3-compatible bucket (the
    /// endpoint, region and credentials come from the usual `AWS_*`
    /// environment variables), anything else as a local folder, which is
    /// made if it is missing.
    pub fn open(spec: &str) -> Result<Inbox, Error> {
        Inbox::open_with_env(spec, std::env::vars())
    }

    /// [`Inbox::open`] with the `AWS_*` settings taken from `env` instead of
    /// the process's environment (what the tests use, so that several can
    /// run at once).
    pub fn open_with_env(
        spec: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Inbox, Error> {
        if let Some(rest) = spec.strip_prefix("s3://") {
            crate::install_tls();
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(Error::new(format!(
                    "expected s3://BUCKET/PREFIX, but found `{spec}`"
                )));
            }
            let mut builder = AmazonS3Builder::new();
            for (key, value) in env {
                if key.starts_with("AWS_") {
                    if let Ok(key) = key.to_ascii_lowercase().parse() {
                        builder = builder.with_config(key, value);
                    }
                }
            }
            let s3 = builder
                .with_bucket_name(bucket)
                .build()
                .map_err(|e| Error::new(format!("cannot use the bucket `{bucket}`: {e}")))?;
            let prefix = prefix.trim_matches('/');
            let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
                Arc::new(s3)
            } else {
                Arc::new(PrefixStore::new(s3, prefix))
            };
            Ok(Inbox {
                store,
                description: spec.to_owned(),
            })
        } else {
            std::fs::create_dir_all(spec)
                .map_err(|e| Error::new(format!("cannot make the folder `{spec}`: {e}")))?;
            // The folder store writes `NAME#N` and renames it to `NAME` when
            // complete; a kill in between leaves it behind. Listings never
            // show such files and a new write picks another N, so a
            // leftover is never counted nor read; removing it only gives
            // the space back.
            for sub in ["bundles", "receipts"] {
                crate::remove_stale(&std::path::Path::new(spec).join(sub), is_staging);
            }
            let local = LocalFileSystem::new_with_prefix(spec)
                .map_err(|e| Error::new(format!("cannot use the folder `{spec}`: {e}")))?;
            Ok(Inbox {
                store: Arc::new(local),
                description: spec.to_owned(),
            })
        }
    }

    /// Where this inbox is, for log lines and messages.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Stores `bundle` once and returns its receipt. The caller has checked
    /// that it is an age file within the size cap.
    pub async fn put(&self, bundle: bytes::Bytes) -> Result<(Receipt, Stored), Error> {
        let sha256 = sha256_hex(&bundle);
        if let Some(receipt) = self.receipt(&sha256).await? {
            return Ok((receipt, Stored::Again));
        }
        let size = bundle.len() as u64;
        match self
            .store
            .put_opts(&bundle_path(&sha256), PutPayload::from(bundle), create())
            .await
        {
            // A bundle without a receipt is what a crash between the two
            // writes leaves: its bytes are the ones named by its hash, so
            // writing the receipt now completes it.
            Ok(_) | Err(object_store::Error::AlreadyExists { .. }) => {}
            Err(e) => return Err(Error::new(format!("cannot store the bundle: {e}"))),
        }
        let receipt = Receipt {
            sha256: sha256.clone(),
            size,
            received: jiff::Timestamp::now()
                .strftime("%Y-%m-%dT%H:%M:%SZ")
                .to_string(),
        };
        let json = serde_json::to_vec(&receipt).expect("a receipt always serializes");
        match self
            .store
            .put_opts(&receipt_path(&sha256), PutPayload::from(json), create())
            .await
        {
            Ok(_) => Ok((receipt, Stored::New)),
            // Two uploads of one bundle raced; the first receipt written is
            // the one both are answered with.
            Err(object_store::Error::AlreadyExists { .. }) => match self.receipt(&sha256).await? {
                Some(first) => Ok((first, Stored::Again)),
                None => Err(Error::new(
                    "the receipt was written by another upload but cannot be read".to_owned(),
                )),
            },
            Err(e) => Err(Error::new(format!("cannot store the receipt: {e}"))),
        }
    }

    /// The receipt of the bundle whose SHA-256 is `sha256`, if it was received.
    pub async fn receipt(&self, sha256: &str) -> Result<Option<Receipt>, Error> {
        match self.store.get(&receipt_path(sha256)).await {
            Ok(got) => {
                let bytes = got
                    .bytes()
                    .await
                    .map_err(|e| Error::new(format!("cannot read a receipt: {e}")))?;
                Receipt::parse(&bytes).map(Some)
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(Error::new(format!("cannot read a receipt: {e}"))),
        }
    }

    /// Every receipt, oldest first (by the time received, then by hash).
    pub async fn receipts(&self) -> Result<Vec<Receipt>, Error> {
        let metas: Vec<_> = self
            .store
            .list(Some(&Path::from("receipts")))
            .try_collect()
            .await
            .map_err(|e| Error::new(format!("cannot list the receipts: {e}")))?;
        if metas.len() > MAX_RECEIPTS {
            return Err(Error::new(format!(
                "the inbox holds {} receipts, more than the {MAX_RECEIPTS} one listing allows",
                metas.len()
            )));
        }
        let mut receipts = Vec::with_capacity(metas.len());
        for meta in metas {
            let Some(sha256) = meta
                .location
                .filename()
                .and_then(|name| name.strip_suffix(".json"))
                .filter(|name| is_sha256(name))
            else {
                continue;
            };
            if let Some(receipt) = self.receipt(sha256).await? {
                receipts.push(receipt);
            }
        }
        receipts.sort_by(|a, b| (&a.received, &a.sha256).cmp(&(&b.received, &b.sha256)));
        Ok(receipts)
    }

    /// The bytes of a received bundle.
    pub async fn bundle(&self, sha256: &str) -> Result<Option<bytes::Bytes>, Error> {
        if !is_sha256(sha256) {
            return Ok(None);
        }
        match self.store.get(&bundle_path(sha256)).await {
            Ok(got) => got
                .bytes()
                .await
                .map(Some)
                .map_err(|e| Error::new(format!("cannot read a bundle: {e}"))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(Error::new(format!("cannot read a bundle: {e}"))),
        }
    }

    /// The bytes of a received bundle as a stream of chunks, so that a copy
    /// never holds a whole bundle in memory.
    pub async fn bundle_stream(
        &self,
        sha256: &str,
    ) -> Result<Option<futures::stream::BoxStream<'static, Result<bytes::Bytes, Error>>>, Error>
    {
        if !is_sha256(sha256) {
            return Ok(None);
        }
        match self.store.get(&bundle_path(sha256)).await {
            Ok(got) => {
                Ok(Some(Box::pin(got.into_stream().map_err(|e| {
                    Error::new(format!("cannot read a bundle: {e}"))
                }))))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(Error::new(format!("cannot read a bundle: {e}"))),
        }
    }

    /// How many bundles are stored, receipt or not: what the tests use to
    /// show that nothing was stored twice.
    pub async fn bundle_count(&self) -> Result<usize, Error> {
        let metas: Vec<_> = self
            .store
            .list(Some(&Path::from("bundles")))
            .try_collect()
            .await
            .map_err(|e| Error::new(format!("cannot list the bundles: {e}")))?;
        Ok(metas.len())
    }
}

fn create() -> PutOptions {
    PutOptions {
        mode: PutMode::Create,
        ..PutOptions::default()
    }
}

fn bundle_path(sha256: &str) -> Path {
    Path::from(format!("bundles/{sha256}.age"))
}

fn receipt_path(sha256: &str) -> Path {
    Path::from(format!("receipts/{sha256}.json"))
}
