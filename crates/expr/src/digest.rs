//! `digest()` and `base64-decode()`, over the RustCrypto hash crates and
//! the `base64` crate.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

/// The hash algorithms ODK's `digest()` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Algorithm {
    /// The algorithm as ODK names it (`MD5`, `SHA-1`, `SHA-256`, `SHA-384`,
    /// `SHA-512`), in any case.
    pub(crate) fn parse(name: &str) -> Option<Algorithm> {
        Some(match name.trim().to_ascii_uppercase().as_str() {
            "MD5" => Algorithm::Md5,
            "SHA-1" => Algorithm::Sha1,
            "SHA-256" => Algorithm::Sha256,
            "SHA-384" => Algorithm::Sha384,
            "SHA-512" => Algorithm::Sha512,
            _ => return None,
        })
    }
}

/// The hash of `data`'s UTF-8 bytes, as lowercase hex when `hex` is true,
/// else as standard base64 (ODK's default).
pub(crate) fn digest(data: &str, algorithm: Algorithm, hex: bool) -> String {
    let bytes = data.as_bytes();
    let hash: Vec<u8> = match algorithm {
        Algorithm::Md5 => Md5::digest(bytes).to_vec(),
        Algorithm::Sha1 => Sha1::digest(bytes).to_vec(),
        Algorithm::Sha256 => Sha256::digest(bytes).to_vec(),
        Algorithm::Sha384 => Sha384::digest(bytes).to_vec(),
        Algorithm::Sha512 => Sha512::digest(bytes).to_vec(),
    };
    if hex {
        hash.iter().map(|b| format!("{b:02x}")).collect()
    } else {
        STANDARD.encode(hash)
    }
}

/// The text that `encoded` holds in base64, or `None` when it is not base64
/// or not UTF-8 text (ODK gives empty text then).
pub(crate) fn base64_decode(encoded: &str) -> Option<String> {
    let bytes = STANDARD.decode(encoded.trim()).ok()?;
    String::from_utf8(bytes).ok()
}
