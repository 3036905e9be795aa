//! The PIN lock's keys: a random data key encrypts what the phone would
//! otherwise keep in clear (the answers, data and label of every record not
//! sealed for the data office), and a key derived from the PIN with
//! Argon2id wraps the data key. The lock's record (salt, cost, wrapped key)
//! lives in the database's `settings` store, next to the records it
//! protects, so that setting or removing the PIN and re-encrypting every
//! draft happen in one transaction.
//!
//! Changing the PIN wraps the same data key again, so no draft is touched.
//! A forgotten PIN cannot be recovered: nothing else holds the data key.
//!
//! **Invariant**: the data key and the PIN have their own types with no
//! `Debug` or `Display`, and the data key is wiped from memory when it is
//! dropped (locking drops it).

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

use super::StorageError;

/// The key of the lock's record in the `settings` store.
pub const LOCK_KEY: &str = "lock";

/// The fewest digits a PIN may have. Six digits give a million PINs; with
/// the Argon2 cost below, trying them all offline takes about 20 hours of
/// one desktop core (docs/security.md), against minutes for four digits.
pub const MIN_PIN_DIGITS: usize = 6;

/// The most digits a PIN may have: a bound on what is hashed.
pub const MAX_PIN_DIGITS: usize = 12;

/// The idle times the settings screen offers, in minutes.
pub const IDLE_CHOICES: [u32; 4] = [1, 5, 15, 30];

/// The idle time of a new lock, in minutes.
pub const DEFAULT_IDLE_MINUTES: u32 = 5;

/// Length of the AES-GCM nonce, in bytes.
const NONCE_LEN: usize = 12;

/// What the authentication of a wrapped data key covers besides the key,
/// so that a wrapped key can never be taken for an encrypted answer.
const WRAP_CONTEXT: &[u8] = b"yim lock: data key";

/// How costly Argon2id is for each try of a PIN. The defaults, 19 MiB and
/// two passes, are OWASP's recommended minimum for Argon2id, chosen for a
/// cheap phone: wasm memory never shrinks once grown, so more memory would
/// stay taken for the whole visit, and unlocking already takes about a
/// second with the CPU slowed four times (`tests/e2e/pin.test.js` prints
/// it; docs/security.md has the figures and the offline cost they imply).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cost {
    /// Memory, in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub passes: u32,
}

impl Cost {
    /// The cost every new PIN is set with.
    pub const DEFAULT: Cost = Cost {
        memory_kib: 19 * 1024,
        passes: 2,
    };

    /// The most a stored record may ask for: a record is read back from the
    /// browser's storage, which anything on the phone can change, and must
    /// not make the app allocate without bound.
    const MAX: Cost = Cost {
        memory_kib: 256 * 1024,
        passes: 16,
    };
}

/// A PIN as typed. It has no `Debug`, so it never reaches a log.
pub struct Pin(String);

impl Pin {
    /// The PIN `text` (Thai digits are read as the same digits), or why it
    /// cannot be one: too short, too long or not only digits.
    pub fn new(text: &str) -> Result<Pin, PinProblem> {
        let mut digits = String::with_capacity(text.len());
        for c in text.trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                '๐'..='๙' => digits.push(char::from(b'0' + (c as u32 - '๐' as u32) as u8)),
                _ => return Err(PinProblem::NotDigits),
            }
            if digits.len() > MAX_PIN_DIGITS {
                return Err(PinProblem::TooLong);
            }
        }
        if digits.len() < MIN_PIN_DIGITS {
            return Err(PinProblem::TooShort);
        }
        Ok(Pin(digits))
    }
}

/// Why a text cannot be a PIN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinProblem {
    /// Fewer than [`MIN_PIN_DIGITS`] digits.
    TooShort,
    /// More than [`MAX_PIN_DIGITS`] digits.
    TooLong,
    /// Something other than digits.
    NotDigits,
}

/// The key that encrypts records. No `Debug`; wiped when dropped.
pub struct DataKey([u8; 32]);

impl Drop for DataKey {
    fn drop(&mut self) {
        // Volatile-free wiping is enough here: the point is that a locked
        // tab keeps no copy in its heap, not resistance to a debugger.
        self.0.iter_mut().for_each(|byte| *byte = 0);
        std::hint::black_box(&self.0);
    }
}

impl DataKey {
    /// A new random data key.
    pub fn random() -> Result<DataKey, StorageError> {
        let mut key = [0u8; 32];
        random(&mut key)?;
        Ok(DataKey(key))
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&self.0.into())
    }

    /// Encrypts `plain` for the record `id`: a fresh nonce followed by the
    /// ciphertext. The id is authenticated with it, so that an encrypted
    /// body moved to another record does not open there.
    pub fn seal(&self, id: &str, plain: &[u8]) -> Result<Vec<u8>, StorageError> {
        encrypt(&self.cipher(), id.as_bytes(), plain)
    }

    /// Decrypts what [`DataKey::seal`] made for the record `id`.
    pub fn open(&self, id: &str, sealed: &[u8]) -> Result<Vec<u8>, StorageError> {
        decrypt(&self.cipher(), id.as_bytes(), sealed).ok_or_else(|| StorageError::Unreadable {
            reason: format!("the encrypted answers of response {id} do not open with this key"),
        })
    }
}

/// The lock's record: everything needed to get the data key back from the
/// PIN, and the device's idle time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockRecord {
    /// Always [`LOCK_KEY`]; the store's key.
    pub id: String,
    /// A random id of the data key. A tab that holds a key with another id
    /// (the PIN was removed and set again in another tab) must not write
    /// with it.
    pub key_id: String,
    /// One more at every change of the PIN, so that other tabs notice the
    /// change and ask for the PIN again.
    pub version: u64,
    /// Argon2id's salt.
    pub salt: ByteBuf,
    /// Argon2id's cost.
    pub cost: Cost,
    /// The data key encrypted with the key derived from the PIN.
    pub wrapped: ByteBuf,
    /// Minutes without a touch or a key press after which the app locks.
    pub idle_minutes: u32,
    /// Wrong PINs typed since the last right one; from the third on, each
    /// makes the next try wait longer ([`LockRecord::wait_ms`]).
    #[serde(default)]
    pub failures: u32,
    /// When the last wrong PIN was typed, in ms since 1970.
    #[serde(default)]
    pub failed_ms: u64,
}

impl LockRecord {
    /// A new lock for `pin` around `key`.
    pub fn new(pin: &Pin, key: &DataKey, cost: Cost) -> Result<LockRecord, StorageError> {
        let mut salt = vec![0u8; 16];
        random(&mut salt)?;
        let mut key_id = [0u8; 16];
        random(&mut key_id)?;
        let wrapped = wrap(pin, &salt, cost, key)?;
        Ok(LockRecord {
            id: LOCK_KEY.to_string(),
            // Sixteen random bytes written as 32 lowercase hex digits.
            key_id: uuid::Uuid::from_bytes(key_id).simple().to_string(),
            version: 1,
            salt: ByteBuf::from(salt),
            cost,
            wrapped: ByteBuf::from(wrapped),
            idle_minutes: DEFAULT_IDLE_MINUTES,
            failures: 0,
            failed_ms: 0,
        })
    }

    /// The data key, if `pin` is the right PIN; `Ok(None)` when it is not.
    pub fn unwrap_key(&self, pin: &Pin) -> Result<Option<DataKey>, StorageError> {
        let kek = derive(pin, &self.salt, self.cost)?;
        let cipher = Aes256Gcm::new(&kek.0.into());
        let Some(plain) = decrypt(&cipher, WRAP_CONTEXT, &self.wrapped) else {
            return Ok(None);
        };
        let key: [u8; 32] = plain.try_into().map_err(|_| StorageError::Unreadable {
            reason: "the PIN settings hold a data key of the wrong length".to_string(),
        })?;
        Ok(Some(DataKey(key)))
    }

    /// The same lock with `key` wrapped for a new PIN, a new salt and the
    /// next version.
    pub fn rewrapped(&self, pin: &Pin, key: &DataKey) -> Result<LockRecord, StorageError> {
        let mut salt = vec![0u8; 16];
        random(&mut salt)?;
        let wrapped = wrap(pin, &salt, Cost::DEFAULT, key)?;
        Ok(LockRecord {
            version: self.version + 1,
            salt: ByteBuf::from(salt),
            cost: Cost::DEFAULT,
            wrapped: ByteBuf::from(wrapped),
            failures: 0,
            failed_ms: 0,
            ..self.clone()
        })
    }

    /// How long, from `now_ms`, the next try must wait: nothing after one
    /// or two wrong PINs, 5 s after the third, doubling with every further
    /// one up to 15 minutes.
    pub fn wait_ms(&self, now_ms: u64) -> u64 {
        if self.failures < 3 {
            return 0;
        }
        let delay = 5_000u64.saturating_mul(1 << (self.failures - 3).min(8));
        let delay = delay.min(15 * 60 * 1000);
        (self.failed_ms + delay).saturating_sub(now_ms)
    }
}

/// A key derived from the PIN. No `Debug`; wiped when dropped.
struct Kek([u8; 32]);

impl Drop for Kek {
    fn drop(&mut self) {
        self.0.iter_mut().for_each(|byte| *byte = 0);
        std::hint::black_box(&self.0);
    }
}

fn derive(pin: &Pin, salt: &[u8], cost: Cost) -> Result<Kek, StorageError> {
    let unreadable = |what: String| StorageError::Unreadable {
        reason: format!("the PIN settings are damaged: {what}"),
    };
    if cost.memory_kib > Cost::MAX.memory_kib || cost.passes > Cost::MAX.passes {
        return Err(unreadable(format!(
            "Argon2 asks for {} KiB and {} passes",
            cost.memory_kib, cost.passes
        )));
    }
    let params = argon2::Params::new(cost.memory_kib, cost.passes, 1, Some(32))
        .map_err(|e| unreadable(e.to_string()))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = [0u8; 32];
    argon
        .hash_password_into(pin.0.as_bytes(), salt, &mut out)
        .map_err(|e| unreadable(e.to_string()))?;
    Ok(Kek(out))
}

fn wrap(pin: &Pin, salt: &[u8], cost: Cost, key: &DataKey) -> Result<Vec<u8>, StorageError> {
    let kek = derive(pin, salt, cost)?;
    encrypt(&Aes256Gcm::new(&kek.0.into()), WRAP_CONTEXT, &key.0)
}

fn encrypt(cipher: &Aes256Gcm, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, StorageError> {
    let mut nonce = [0u8; NONCE_LEN];
    random(&mut nonce)?;
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad })
        .map_err(|_| StorageError::Unreadable {
            reason: "encryption failed".to_string(),
        })?;
    let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

fn decrypt(cipher: &Aes256Gcm, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < NONCE_LEN {
        return None;
    }
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad })
        .ok()
}

/// Fills `bytes` from the browser's CSPRNG. Unlike ids, keys and nonces
/// never fall back to a weaker source: without one, no PIN can be set.
fn random(bytes: &mut [u8]) -> Result<(), StorageError> {
    getrandom::getrandom(bytes).map_err(|e| StorageError::Other {
        name: "NoRandom".to_string(),
        message: e.to_string(),
    })
}
