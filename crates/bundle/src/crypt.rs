//! The age layer: encrypting to [`Recipients`] and decrypting with
//! [`Identities`], with age's errors turned into messages for people.

use std::io::{self, BufRead, Read, Write};

use crate::error::{Error, ErrorKind};
use crate::keys::{Identities, Recipients};

/// The first line of every binary age v1 file.
const AGE_V1: &[u8] = b"age-encryption.org/v1\n";

/// Encrypts `plaintext` into a binary age file.
pub(crate) fn encrypt(plaintext: &[u8], to: &Recipients) -> Result<Vec<u8>, Error> {
    let mut w = Encrypting::new(to)?;
    w.write_all(plaintext).map_err(write_error)?;
    w.finish()
}

/// An age file being written piece by piece, so that a bundle of ten
/// thousand responses is encrypted as it is built.
pub(crate) struct Encrypting(age::stream::StreamWriter<Vec<u8>>);

impl Encrypting {
    pub(crate) fn new(to: &Recipients) -> Result<Encrypting, Error> {
        to.encryptor()?
            .wrap_output(Vec::new())
            .map(Encrypting)
            .map_err(write_error)
    }

    pub(crate) fn finish(self) -> Result<Vec<u8>, Error> {
        self.0.finish().map_err(write_error)
    }
}

impl Write for Encrypting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Writing into memory only fails when age itself fails, which would be a
/// bug in age; the message says so rather than blaming the input.
pub(crate) fn write_error(e: io::Error) -> Error {
    Error::invalid(format!("the encryption library failed: {e}"))
}

/// Decrypts a binary age file held in memory (a sealed response). `what`
/// names the file in messages: "this bundle" or "this response".
pub(crate) fn decrypt(file: &[u8], with: &Identities, what: &str) -> Result<Vec<u8>, Error> {
    let mut reader = decryptor(file, file, with, what)?;
    let mut plaintext = Vec::with_capacity(file.len());
    reader
        .read_to_end(&mut plaintext)
        .map_err(|e| payload_error(&e, what))?;
    Ok(plaintext)
}

/// Reads the age header from `input` and unlocks it with `with`, returning
/// the reader of the plaintext. `head` is the start of the file (all of it,
/// or the first [`HEAD_BYTES`] of a file read as a stream), which explains
/// a header that cannot be read.
pub(crate) fn decryptor<R: BufRead>(
    input: R,
    head: &[u8],
    with: &Identities,
    what: &str,
) -> Result<age::stream::StreamReader<R>, Error> {
    if head.is_empty() {
        return Err(Error::new(ErrorKind::Truncated, format!("{what} is empty")));
    }
    let decryptor = age::Decryptor::new_buffered(input).map_err(|e| header_error(head, e, what))?;
    if with.is_empty() {
        return Err(Error::new(
            ErrorKind::NotAddressed,
            format!("{what} cannot be opened without a key or a passphrase"),
        ));
    }
    let passphrase = decryptor.is_scrypt();
    decryptor.decrypt(with.iter()).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys if passphrase => Error::new(
            ErrorKind::NotAddressed,
            format!("{what} is protected by a passphrase, but no passphrase was given"),
        ),
        age::DecryptError::NoMatchingKeys => Error::new(
            ErrorKind::NotAddressed,
            format!("{what} is not addressed to any of your keys"),
        ),
        age::DecryptError::DecryptionFailed if passphrase => Error::new(
            ErrorKind::NotAddressed,
            format!("the passphrase does not open {what}"),
        ),
        other => header_error(head, other, what),
    })
}

/// How much of a file read as a stream is kept to explain a header that
/// cannot be read: far more than the header of a file to a few dozen keys.
pub(crate) const HEAD_BYTES: u64 = 1 << 20;

/// Explains a failure while reading the encrypted payload: age authenticates
/// every 64 KiB chunk and marks the last one, so the payload either ended
/// before its last chunk or a chunk was changed.
fn payload_error(e: &io::Error, what: &str) -> Error {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => Error::new(
            ErrorKind::Truncated,
            format!("{what} is cut short: its last part is missing"),
        ),
        _ => Error::new(
            ErrorKind::BadMac,
            format!(
                "{what} was changed or cut short after it was made (part of its content fails authentication)"
            ),
        ),
    }
}

/// The plaintext of an age file read as a stream, which remembers the first
/// failure of the age layer. A reader on top of it (the archive reader)
/// reports such a failure as damage of its own; the age layer's account
/// (cut short, changed) is the true cause, and what is reported.
pub(crate) struct Plaintext<R> {
    inner: age::stream::StreamReader<R>,
    what: &'static str,
    failed: Option<Error>,
}

impl<R: BufRead> Plaintext<R> {
    pub(crate) fn new(inner: age::stream::StreamReader<R>, what: &'static str) -> Plaintext<R> {
        Plaintext {
            inner,
            what,
            failed: None,
        }
    }

    /// Reads what is left, so that the last chunk is authenticated even
    /// when the reader on top stopped early (an archive ends with zero
    /// blocks that it need not read), and returns the age layer's first
    /// failure, if any.
    pub(crate) fn finish(&mut self) -> Result<(), Error> {
        if self.failed.is_none() {
            // An error here is recorded by `read`.
            let _ = io::copy(self, &mut io::sink());
        }
        match self.failed.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl<R: BufRead> Read for Plaintext<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.failed.is_some() {
            return Err(io::Error::other("the encrypted layer failed"));
        }
        self.inner.read(buf).inspect_err(|e| {
            self.failed = Some(payload_error(e, self.what));
        })
    }
}

/// Explains a failure to read or unlock the age header.
fn header_error(file: &[u8], e: age::DecryptError, what: &str) -> Error {
    // age reports a header that ends early as an invalid header or as an I/O
    // error; a header without its final `---` MAC line is certainly cut short.
    let has_mac_line = file.windows(5).any(|w| w == b"\n--- ");
    let is_age = file.starts_with(AGE_V1);
    match e {
        age::DecryptError::InvalidMac => Error::new(
            ErrorKind::BadMac,
            format!("{what} was changed after it was made (its header MAC does not match)"),
        ),
        age::DecryptError::UnknownFormat => Error::new(
            ErrorKind::UnknownVersion,
            format!("expected {what} to be an age v1 file, but found a newer age format"),
        ),
        age::DecryptError::ExcessiveWork { required, .. } => Error::malformed(format!(
            "{what} asks for too much passphrase work (scrypt work factor 2^{required}); it was not made by yim"
        )),
        _ if is_age && !has_mac_line => Error::new(
            ErrorKind::Truncated,
            format!("{what} is cut short inside its age header"),
        ),
        _ if file.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----") => Error::malformed(format!(
            "expected {what} to be a binary age file, but found an armored (text) one; convert it with `age -d` first"
        )),
        _ if !file.starts_with(b"age-encryption.org/") => Error::malformed(format!(
            "expected {what} to be an age encrypted file, but found something else"
        )),
        _ => Error::malformed(format!("{what} has a damaged age header")),
    }
}
