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
