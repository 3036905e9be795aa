//! Keys, passphrases and the identity file.
//!
//! Secret material lives only in [`Identity`], [`Passphrase`] and
//! [`SecretText`]. None of them implements `Debug` or `Display`, so a secret
//! cannot end up in a log line or an error message by accident; reading one
//! takes an explicit call such as [`SecretText::expose`].

use std::fmt;
use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};

use crate::error::Error;
use crate::time::Timestamp;

/// A data office's private key: an age X25519 identity (`AGE-SECRET-KEY-1...`).
///
/// It opens bundles and sealed responses addressed to its [`Recipient`].
pub struct Identity(age::x25519::Identity);

impl Identity {
    /// A new random key.
    pub fn generate() -> Identity {
        Identity(age::x25519::Identity::generate())
    }

    /// Reads one secret key written as `AGE-SECRET-KEY-1...`.
    ///
    /// The message never repeats the text it was given, because a nearly
    /// correct secret key is still secret.
    pub fn parse(text: &str) -> Result<Identity, Error> {
        let text = text.trim();
        if !text.starts_with("AGE-SECRET-KEY-1") {
            return Err(Error::invalid(
                "expected an age secret key starting with AGE-SECRET-KEY-1, but found something else",
            ));
        }
        age::x25519::Identity::from_str(text)
            .map(Identity)
            .map_err(|_| {
                Error::invalid("the age secret key is damaged (its checksum does not match)")
            })
    }

    /// Reads every key in an identity file, in the format `age-keygen` writes:
    /// one `AGE-SECRET-KEY-1...` per line, with blank lines and `#` comments
    /// allowed. Messages point at the line, never at the key itself.
    pub fn parse_file(text: &str) -> Result<Vec<Identity>, Error> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.starts_with("age-encryption.org/")
            || text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----")
        {
            return Err(Error::invalid(
                "expected a plain identity file, but found one protected by a passphrase; decrypt it with `age -d` first",
            ));
        }
        let mut keys = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            keys.push(
                Identity::parse(line).map_err(|e| e.context(format_args!("line {}", n + 1)))?,
            );
        }
        if keys.is_empty() {
            return Err(Error::invalid(
                "expected at least one age secret key (AGE-SECRET-KEY-1...), but found none",
            ));
        }
        Ok(keys)
    }

    /// The public key that bundles for this identity are encrypted to.
    pub fn to_public(&self) -> Recipient {
        Recipient(self.0.to_public())
    }

    /// The identity file for this key, exactly as `age-keygen` writes it:
    /// a `# created:` line with `created` in RFC 3339, a `# public key:`
    /// line, and the secret key.
    pub fn to_identity_file(&self, created: Timestamp) -> SecretText {
        SecretText(SecretString::from(format!(
            "# created: {created}\n# public key: {}\n{}\n",
            self.to_public(),
            self.0.to_string().expose_secret()
        )))
    }
}

/// A public key (`age1...`) that bundles and sealed responses are encrypted to.
/// Forms list these under `settings.recipients`.
#[derive(Clone)]
pub struct Recipient(age::x25519::Recipient);

impl Recipient {
    /// Reads a public key written as `age1...`.
    ///
    /// Keys for age plugins and X25519 points of small order are refused
    /// with the same messages `yim lint` gives, because sealing to them
    /// fails (or, for a small-order point, stops the program) only at the
    /// moment a volunteer finalizes a record.
    pub fn parse(text: &str) -> Result<Recipient, Error> {
        yim_form::check_recipient(text.trim()).map_err(Error::invalid)?;
        age::x25519::Recipient::from_str(text.trim())
            .map(Recipient)
            .map_err(|_| {
                Error::invalid(format!(
                "expected an age public key (age1 and 58 more letters and digits), but found `{}`",
                text.trim()
            ))
            })
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Recipient({})", self.0)
    }
}

impl PartialEq for Recipient {
    fn eq(&self, other: &Recipient) -> bool {
        self.to_string() == other.to_string()
    }
}

impl Eq for Recipient {}

/// A passphrase for teams without keys (age's scrypt recipient).
///
/// Every file encrypted with a passphrase costs one scrypt run to open,
/// chosen by default to take about a second on the device that encrypts;
/// see `docs/bundle-format.md` for what that means for sealed responses.
pub struct Passphrase {
    secret: SecretString,
    work_factor: Option<u8>,
}

impl Passphrase {
    /// A passphrase. An empty one is refused when it is used.
    pub fn new(passphrase: String) -> Passphrase {
        Passphrase {
            secret: SecretString::from(passphrase),
            work_factor: None,
        }
    }

    /// Sets scrypt's work factor to 2^`log_n` (1 to 30) instead of the one
    /// that takes about a second on this device. Files are still opened by
    /// anyone with the passphrase; a lower factor makes guessing it cheaper.
    pub fn with_work_factor(mut self, log_n: u8) -> Passphrase {
        self.work_factor = Some(log_n.clamp(1, 30));
        self
    }

    fn is_empty(&self) -> bool {
        self.secret.expose_secret().is_empty()
    }

    pub(crate) fn recipient(&self) -> Result<age::scrypt::Recipient, Error> {
        if self.is_empty() {
            return Err(Error::invalid(
                "expected a passphrase, but found an empty one",
            ));
        }
        let mut r = age::scrypt::Recipient::new(self.secret.clone());
        if let Some(log_n) = self.work_factor {
            r.set_work_factor(log_n);
        }
        Ok(r)
    }

    fn identity(&self) -> age::scrypt::Identity {
        age::scrypt::Identity::new(self.secret.clone())
    }
}

/// Who a bundle or a sealed response is encrypted to.
///
/// age allows either public keys or one passphrase in a file, never both,
/// and so does this type.
pub enum Recipients {
    /// One or more public keys; every one of them can open the file.
    Keys(Vec<Recipient>),
    /// A passphrase.
    Passphrase(Passphrase),
}

impl Recipients {
    /// The public keys written as text, such as a form's
    /// `settings.recipients`; the first one that is not a key is reported.
    pub fn keys<S: AsRef<str>>(keys: &[S]) -> Result<Recipients, Error> {
        keys.iter()
            .map(|k| Recipient::parse(k.as_ref()))
            .collect::<Result<_, _>>()
            .map(Recipients::Keys)
    }

    /// An age encryptor for these recipients.
    pub(crate) fn encryptor(&self) -> Result<age::Encryptor, Error> {
        match self {
            Recipients::Keys(keys) if keys.is_empty() => Err(Error::invalid(
                "expected at least one recipient (an age public key), but found none",
            )),
            Recipients::Keys(keys) => {
                age::Encryptor::with_recipients(keys.iter().map(|k| &k.0 as &dyn age::Recipient))
                    .map_err(|e| encrypt_error(&e, "the recipients"))
            }
            Recipients::Passphrase(p) => {
                let r = p.recipient()?;
                age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
                    .map_err(|e| encrypt_error(&e, "the passphrase"))
            }
        }
    }
}

/// Explains why age would not encrypt to `what` ("the recipients" or "the
/// passphrase") in this crate's words.
///
/// age's own `Display` for its errors is never called: it looks its messages
/// up in age's translations, and that one call links the translation
/// machinery (fluent, language tables and age's message files in every
/// language, about a tenth of the app's wasm before `wasm-opt`) into the
/// browser app, which shows these messages in English like the rest of this
/// crate's errors anyway (docs/performance.md).
fn encrypt_error(e: &age::EncryptError, what: &str) -> Error {
    let why = match e {
        age::EncryptError::MissingRecipients => {
            "expected at least one recipient (an age public key), but found none".to_string()
        }
        age::EncryptError::MixedRecipientAndPassphrase => {
            "a passphrase cannot be combined with other recipients".to_string()
        }
        age::EncryptError::IncompatibleRecipients { .. } => {
            "some of them declare that they cannot be combined with the others".to_string()
        }
        age::EncryptError::InvalidRecipientLabels(_) => {
            "one of them declares a label that age does not allow".to_string()
        }
        age::EncryptError::EncryptedIdentities(_) => {
            "an encrypted identity among them could not be opened".to_string()
        }
        age::EncryptError::Io(io) => format!("writing the age header failed: {io}"),
        _ => "age refused them for a reason this version of yim does not know".to_string(),
    };
    Error::invalid(format!("{what} cannot be used: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every refusal age can give gets a message of its own; none of them
    /// goes through age's `Display`.
    #[test]
    fn encrypt_errors_are_explained_in_this_crates_words() {
        let cases = [
            (
                age::EncryptError::MissingRecipients,
                "the recipients cannot be used: expected at least one recipient (an age public key), but found none",
            ),
            (
                age::EncryptError::MixedRecipientAndPassphrase,
                "the recipients cannot be used: a passphrase cannot be combined with other recipients",
            ),
            (
                age::EncryptError::IncompatibleRecipients {
                    l_labels: ["postquantum".to_string()].into(),
                    r_labels: Default::default(),
                },
                "the recipients cannot be used: some of them declare that they cannot be combined with the others",
            ),
            (
                age::EncryptError::InvalidRecipientLabels(["bad label".to_string()].into()),
                "the recipients cannot be used: one of them declares a label that age does not allow",
            ),
            (
                age::EncryptError::EncryptedIdentities(age::DecryptError::NoMatchingKeys),
                "the recipients cannot be used: an encrypted identity among them could not be opened",
            ),
            (
                age::EncryptError::Io(std::io::Error::other("disk full")),
                "the recipients cannot be used: writing the age header failed: disk full",
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(
                encrypt_error(&error, "the recipients").to_string(),
                expected
            );
        }
    }
}

/// The keys and passphrase the data office tries when opening a file.
#[derive(Default)]
pub struct Identities {
    keys: Vec<age::x25519::Identity>,
    passphrase: Option<age::scrypt::Identity>,
}

impl Identities {
    /// No keys and no passphrase yet.
    pub fn new() -> Identities {
        Identities::default()
    }

    /// Adds a private key.
    pub fn add(&mut self, identity: Identity) {
        self.keys.push(identity.0);
    }

    /// Adds a passphrase to try on passphrase-protected files.
    ///
    /// Opening refuses files whose scrypt work factor is more than 16 times
    /// what takes about a second here, so a hostile file cannot make the
    /// data office's computer work for hours.
    pub fn set_passphrase(&mut self, passphrase: Passphrase) {
        self.passphrase = Some(passphrase.identity());
    }

    /// Whether there is nothing to try.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.passphrase.is_none()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &dyn age::Identity> {
        self.keys
            .iter()
            .map(|k| k as &dyn age::Identity)
            .chain(self.passphrase.iter().map(|p| p as &dyn age::Identity))
    }
}

impl FromIterator<Identity> for Identities {
    fn from_iter<I: IntoIterator<Item = Identity>>(iter: I) -> Identities {
        Identities {
            keys: iter.into_iter().map(|i| i.0).collect(),
            passphrase: None,
        }
    }
}

/// Text that holds a secret, such as an identity file. It is wiped from
/// memory when dropped and has no `Debug` or `Display`.
pub struct SecretText(SecretString);

impl SecretText {
    /// The secret text itself, for writing it where it belongs.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}
