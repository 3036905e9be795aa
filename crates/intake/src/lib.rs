//! The intake for sealed bundles: `yim serve` receives them over HTTP and
//! keeps them in a folder or an S3-compatible bucket, and `yim pull` copies
//! them to the data office.
//!
//! The intake never holds a key. It stores ciphertext by its SHA-256 and
//! checks only that an upload is an age file within the size cap, so a
//! server that is broken into gives away who uploaded when, and nothing of
//! what was answered.
//!
//! **Boundary:** this crate is native only. The app (the root package, built
//! for the browser) never depends on it.
//!
//! **Invariant:** a receipt is written only after its bundle, with
//! create-only puts, so a receipt always names a complete bundle and the
//! same bundle uploaded twice is stored once.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod pull;
pub mod server;
pub mod store;
pub mod tokens;

pub use pull::{pull, Pulled, Source};
pub use server::{router, serve, Config, CSP, DEFAULT_MAX_BUNDLE};
pub use store::{Inbox, Receipt, Stored};
pub use tokens::{new_token, Role, Tokens};

/// Why an intake operation failed, as a message for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
}

impl Error {
    pub(crate) fn new(message: String) -> Error {
        Error { message }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// A temporary file untouched for this long belongs to a process that was
/// killed: an intake writes a stored bundle's file in one go once its body
/// is in, and a pull writes its download as it comes, so a live one is
/// never this old.
pub const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Removes the files of `dir` that `is_temporary` names and that nobody has
/// written for [`STALE_AFTER`]: what a kill in the middle of a write leaves.
/// Returns how many were removed. A folder that cannot be read has none.
pub(crate) fn remove_stale(dir: &std::path::Path, is_temporary: impl Fn(&str) -> bool) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age >= STALE_AFTER));
        if stale
            && name.to_str().is_some_and(&is_temporary)
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// Makes ring rustls's provider for TLS, once per process: the HTTP client
/// of `pull` and of the S3 store is built without a provider of its own, so
/// any other HTTP client in the process (a test's) needs this first too.
pub fn install_tls() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // ring's provider is marked deprecated for lacking post-quantum key
    // exchange; aws-lc, which has it, needs cmake and a long C build on
    // every machine that builds the CLI. Classical TLS 1.2/1.3 is what the
    // data office's pull and the S3 client need today.
    #[allow(deprecated)]
    ONCE.call_once(|| {
        // Another part of the process may have installed one first, which
        // serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
