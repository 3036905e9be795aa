//! The crate's one error type.
//!
//! Every failure, from a mistyped key to a bundle cut short in transit, is an
//! [`Error`]: a kind that code can branch on and a message written for the
//! person at the keyboard. Messages are lowercase, name what was expected and
//! what was found, and never contain key material or answers.

use std::fmt;

/// What went wrong, for code that needs to react differently to each case.
///
/// The message of the [`Error`] that carries the kind is what people read;
/// the kind is for programs (the app shows "ask the data office for the right
/// key" only for [`ErrorKind::NotAddressed`], for instance).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// None of the given keys (or the passphrase) opens the file: it was
    /// encrypted for someone else. Opening a bundle with a stranger's key
    /// gives "this bundle is not addressed to any of your keys".
    NotAddressed,
    /// The file was changed after it was made: age's header MAC or the
    /// authentication tag of a payload chunk does not match. Flipping one
    /// byte of a bundle gives this. A cut inside the last chunk of a file
    /// also gives this, because it cannot be told apart from a change.
    BadMac,
    /// The file ends early in a way that is certain to be a cut: inside the
    /// age header, or exactly where a further chunk should start.
    Truncated,
    /// A checksum in the manifest does not match the file it describes, or a
    /// sealed response holds another response than the manifest says.
    HashMismatch,
    /// The bundle or response uses a format version this software does not
    /// know, such as `"format_version": 2`, or a newer age format.
    UnknownVersion,
    /// The file decrypts but is not a well-formed bundle or response: not an
    /// age file at all, a damaged archive, a missing or invalid manifest.
    Malformed,
    /// The caller handed in something that cannot go into a bundle: an id
    /// that is not a UUID, a timestamp that is not RFC 3339, no recipients,
    /// a key that is not an age key.
    InvalidInput,
}

/// An error from sealing, opening, building or reading keys.
///
/// Its [`Display`](fmt::Display) is the whole message, with context first,
/// such as `response 01890a5d-ac96-774b-bcce-b302099a8057: this response is
/// not addressed to any of your keys`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidInput, message)
    }

    pub(crate) fn malformed(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Malformed, message)
    }

    /// Puts `context` in front of the message, joined with ": ".
    pub(crate) fn context(self, context: impl fmt::Display) -> Error {
        Error {
            kind: self.kind,
            message: format!("{context}: {}", self.message),
        }
    }

    /// What went wrong, for code that reacts to particular cases.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
