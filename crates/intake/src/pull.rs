//! `yim pull`: copies the bundles not yet pulled from an intake (over HTTP
//! with a pull token, or straight from its folder or bucket) into a local
//! inbox folder that `yim decrypt` reads.
//!
//! Only bundles named by a receipt are pulled, so a bundle still being
//! uploaded is never taken. Each one is written to a hidden temporary file in
//! the inbox, checked against its receipt's size and SHA-256, and renamed to
//! `SHA256.age` only when complete: an interrupted pull leaves no partial
//! file, and the next pull fetches what is missing. A bundle whose file is
//! already in the inbox counts as pulled.

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

use futures::TryStreamExt;

use crate::store::{Inbox, Receipt, MAX_RECEIPTS};
use crate::Error;

/// The receipts listing read over HTTP is refused past this size: room for
/// [`MAX_RECEIPTS`] receipts of about a hundred bytes each.
pub const MAX_LISTING_BYTES: usize = MAX_RECEIPTS * 160;

/// Where bundles are pulled from.
#[derive(Debug)]
pub enum Source {
    /// An intake's address (`https://…`, or `http://` on the machine itself)
    /// and the data office's pull token.
    Http {
        /// The address the intake answers at, without `/api`.
        base: String,
        /// The pull token.
        token: String,
    },
    /// The intake's storage itself, a folder or an `s3://` bucket.
    Store(Inbox),
}

/// What one pull did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pulled {
    /// Bundles copied by this pull.
    pub new: Vec<Receipt>,
    /// Bundles that were already in the inbox.
    pub already: usize,
    /// Bundles that could not be copied, with the reason; the next pull
    /// tries them again.
    pub failed: Vec<(String, String)>,
}

/// Pulls every bundle that `source` has a receipt for and `inbox` lacks.
pub async fn pull(source: &Source, inbox: &Path) -> Result<Pulled, Error> {
    std::fs::create_dir_all(inbox)
        .map_err(|e| Error::new(format!("cannot make the folder {}: {e}", inbox.display())))?;
    // A pull that was killed leaves its download's temporary file, which
    // no reader takes for a bundle (bundles are `SHA256.age`).
    crate::remove_stale(inbox, is_partial);
    let client = match source {
        Source::Http { .. } => {
            crate::install_tls();
            Some(
                reqwest::Client::builder()
                    .build()
                    .map_err(|e| Error::new(format!("cannot start the HTTP client: {e}")))?,
            )
        }
        Source::Store(_) => None,
    };
    let receipts = match (source, &client) {
        (Source::Http { base, token }, Some(client)) => list_http(client, base, token).await?,
        (Source::Store(store), _) => store.receipts().await?,
        (Source::Http { .. }, None) => unreachable!("an HTTP source always has a client"),
    };
    let mut pulled = Pulled::default();
    for receipt in receipts {
        let target = inbox.join(format!("{}.age", receipt.sha256));
        if target.exists() {
            pulled.already += 1;
            continue;
        }
        let result = match (source, &client) {
            (Source::Http { base, token }, Some(client)) => {
                fetch_http(client, base, token, &receipt, inbox, &target).await
            }
            (Source::Store(store), _) => fetch_store(store, &receipt, inbox, &target).await,
            (Source::Http { .. }, None) => unreachable!("an HTTP source always has a client"),
        };
        match result {
            Ok(()) => pulled.new.push(receipt),
            Err(e) => pulled.failed.push((receipt.sha256.clone(), e.to_string())),
        }
    }
    Ok(pulled)
}

fn url(base: &str, rest: &str) -> String {
    format!("{}/api/{rest}", base.trim_end_matches('/'))
}

async fn list_http(
    client: &reqwest::Client,
    base: &str,
    token: &str,
) -> Result<Vec<Receipt>, Error> {
    let mut response = client
        .get(url(base, "receipts"))
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| Error::new(format!("cannot reach the intake at {base}: {e}")))?;
    let status = response.status();
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Error::new(format!("the receipts could not be read: {e}")))?
    {
        if body.len() + chunk.len() > MAX_LISTING_BYTES {
            return Err(Error::new(format!(
                "the receipts listing is larger than {MAX_LISTING_BYTES} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    if !status.is_success() {
        return Err(Error::new(format!(
            "the intake refused the listing ({status}): {}",
            server_message(&body)
        )));
    }
    let values: Vec<serde_json::Value> = serde_json::from_slice(&body)
        .map_err(|e| Error::new(format!("the receipts listing is not valid: {e}")))?;
    values
        .into_iter()
        .map(|v| Receipt::parse(v.to_string().as_bytes()))
        .collect()
}

/// The `error` of an intake's JSON answer, or a short note of what came.
fn server_message(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
        .unwrap_or_else(|| format!("an answer of {} bytes without a message", body.len()))
}

/// Whether `name` is the temporary file of a download ([`Partial`]).
pub fn is_partial(name: &str) -> bool {
    name.starts_with(".pulling-") && name.ends_with(".part")
}

/// Writes a bundle chunk by chunk into a temporary file in `inbox`, checking
/// its size as it goes and its hash at the end, and renames it into place.
struct Partial {
    file: tempfile::NamedTempFile,
    hasher: Sha256,
    written: u64,
    expected: u64,
}

impl Partial {
    fn new(inbox: &Path, receipt: &Receipt) -> Result<Partial, Error> {
        let file = tempfile::Builder::new()
            .prefix(".pulling-")
            .suffix(".part")
            .tempfile_in(inbox)
            .map_err(|e| Error::new(format!("cannot write in {}: {e}", inbox.display())))?;
        Ok(Partial {
            file,
            hasher: Sha256::new(),
            written: 0,
            expected: receipt.size,
        })
    }

    fn write(&mut self, chunk: &[u8]) -> Result<(), Error> {
        self.written += chunk.len() as u64;
        if self.written > self.expected {
            return Err(Error::new(format!(
                "the bundle is longer than its receipt says ({} bytes)",
                self.expected
            )));
        }
        self.hasher.update(chunk);
        self.file
            .write_all(chunk)
            .map_err(|e| Error::new(format!("cannot write the bundle: {e}")))
    }

    fn finish(self, receipt: &Receipt, target: &Path) -> Result<(), Error> {
        if self.written != self.expected {
            return Err(Error::new(format!(
                "expected {} bytes, but found {}",
                self.expected, self.written
            )));
        }
        let hash: String = self
            .hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if hash != receipt.sha256 {
            return Err(Error::new(format!(
                "expected the SHA-256 {}, but found {hash}",
                receipt.sha256
            )));
        }
        self.file
            .as_file()
            .sync_all()
            .map_err(|e| Error::new(format!("cannot write the bundle: {e}")))?;
        self.file.persist_noclobber(target).map_err(|e| {
            Error::new(format!(
                "cannot name the bundle {}: {}",
                target.display(),
                e.error
            ))
        })?;
        Ok(())
    }
}

async fn fetch_http(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    receipt: &Receipt,
    inbox: &Path,
    target: &Path,
) -> Result<(), Error> {
    let mut response = client
        .get(url(base, &format!("bundles/{}", receipt.sha256)))
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| Error::new(format!("cannot reach the intake at {base}: {e}")))?;
    if !response.status().is_success() {
        let status = response.status();
        let body = response.bytes().await.unwrap_or_default();
        let body = &body[..body.len().min(64 << 10)];
        return Err(Error::new(format!(
            "the intake refused the bundle ({status}): {}",
            server_message(body)
        )));
    }
    let mut partial = Partial::new(inbox, receipt)?;
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Error::new(format!("the download broke off: {e}")))?
    {
        partial.write(&chunk)?;
    }
    partial.finish(receipt, target)
}

async fn fetch_store(
    store: &Inbox,
    receipt: &Receipt,
    inbox: &Path,
    target: &Path,
) -> Result<(), Error> {
    let mut chunks = store
        .bundle_stream(&receipt.sha256)
        .await?
        .ok_or_else(|| Error::new("the receipt names a bundle that is not stored".to_owned()))?;
    let mut partial = Partial::new(inbox, receipt)?;
    while let Some(chunk) = chunks.try_next().await? {
        partial.write(&chunk)?;
    }
    partial.finish(receipt, target)
}
