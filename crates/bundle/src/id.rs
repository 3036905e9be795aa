//! Identifiers: UUID v7 for bundles and responses, SHA-256 in hex for files.

use crate::error::Error;

/// A new UUID version 7 (RFC 9562) for a bundle or a response, made at
/// `unix_ms` milliseconds after 1970-01-01T00:00:00Z.
///
/// The first 48 bits are the time, so ids sort in the order they were made
/// (the data office's rows come out in the order volunteers started them);
/// the other 74 bits that are not version or variant are random, from the
/// operating system or, in the browser, from `crypto.getRandomValues`. The
/// clock is passed in so that callers and tests decide what "now" is.
pub fn new_uuid_v7(unix_ms: u64) -> Result<String, Error> {
    let mut random = [0u8; 10];
    getrandom::getrandom(&mut random).map_err(|e| {
        Error::invalid(format!(
            "expected the system to provide random numbers, but it failed: {e}"
        ))
    })?;
    Ok(uuid_v7(unix_ms, random))
}

/// The UUID v7 for a time and ten random bytes, as lowercase hyphenated text.
/// The uuid crate lays it out: 48 bits of milliseconds, the version, and the
/// random bits around the variant.
pub(crate) fn uuid_v7(unix_ms: u64, random: [u8; 10]) -> String {
    uuid::Builder::from_unix_timestamp_millis(unix_ms, &random)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// Whether `text` is a UUID written the canonical way: 36 characters,
/// lowercase hexadecimal digits in groups of 8-4-4-4-12. Any version is
/// accepted; the format only needs ids that are unique and safe as file names.
/// The uuid crate also reads braces, URNs, the form without hyphens and
/// upper case, so a text is canonical only when it is what the crate writes
/// back.
pub(crate) fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && uuid::Uuid::try_parse(text).is_ok_and(|id| {
            let mut buffer = uuid::Uuid::encode_buffer();
            id.hyphenated().encode_lower(&mut buffer) == text
        })
}

/// Checks that `id` is a canonical UUID, naming `what` in the message.
pub(crate) fn check_uuid(what: &str, id: &str) -> Result<(), Error> {
    if is_uuid(id) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "expected the {what} to be a UUID in lowercase such as 01890a5d-ac96-774b-bcce-b302099a8057, but found `{id}`"
        )))
    }
}

// The SHA-256 helpers are the form format's, so that a form's hash is
// computed and checked the same way on the phone, in publishing and here.
pub(crate) use yim_form::publish::{is_sha256, sha256_hex};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v7_layout() {
        // The example of RFC 9562, appendix A.6: 2022-02-22T19:22:22Z.
        let id = uuid_v7(
            0x017F22E279B0,
            [0xCC, 0xC3, 0x98, 0xC4, 0xDC, 0x0C, 0x0C, 0x07, 0x39, 0x8F],
        );
        assert_eq!(id, "017f22e2-79b0-7cc3-98c4-dc0c0c07398f");
        assert!(is_uuid(&id));
        let fresh = new_uuid_v7(0x017F22E279B0).unwrap();
        assert!(fresh.starts_with("017f22e2-79b0-7") && is_uuid(&fresh));
        assert!(matches!(&fresh[19..20], "8" | "9" | "a" | "b"));
        assert!(!is_uuid("017F22E2-79B0-7CC3-98C4-DC0C0C07398F"));
        assert!(!is_uuid("../../etc/passwd"));
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
