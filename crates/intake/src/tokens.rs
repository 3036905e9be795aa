//! Who may upload and who may pull: a file of token hashes that the operator
//! edits, read again whenever it changes so that revoking a token needs no
//! restart.
//!
//! Each line is `NAME ROLE SHA256`: a name for log lines (a coordinator, or
//! the data office), `upload` or `pull`, and the SHA-256 of the token in
//! lowercase hexadecimal. Blank lines and lines starting with `#` are
//! ignored. Deleting a line (or putting `#` before it) revokes the token.
//! The file holds no token itself, so reading it gives no one the right to
//! upload.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::store::{is_sha256, sha256_hex};
use crate::Error;

/// A tokens file larger than this is refused: far more than any province
/// needs, and a bound on what one re-read costs.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// A presented token longer than this is refused before it is hashed.
pub const MAX_TOKEN_CHARS: usize = 256;

/// What a token allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Uploading bundles (a coordinator's device).
    Upload,
    /// Listing receipts and downloading bundles (the data office).
    Pull,
}

impl Role {
    fn word(self) -> &'static str {
        match self {
            Role::Upload => "upload",
            Role::Pull => "pull",
        }
    }
}

/// The holder of a token, as the tokens file names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    /// The name on the token's line.
    pub name: String,
    /// What the token allows.
    pub role: Role,
}

/// The parsed tokens file: token hash to holder.
pub fn parse(text: &str) -> Result<HashMap<String, Holder>, Error> {
    let mut holders = HashMap::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [name, role, hash] = fields[..] else {
            return Err(Error::new(format!(
                "line {}: expected `NAME ROLE SHA256`, but found {} fields",
                number + 1,
                fields.len()
            )));
        };
        let role = match role {
            "upload" => Role::Upload,
            "pull" => Role::Pull,
            other => {
                return Err(Error::new(format!(
                    "line {}: expected the role `upload` or `pull`, but found `{}`",
                    number + 1,
                    other.escape_default()
                )))
            }
        };
        if !is_sha256(hash) {
            return Err(Error::new(format!(
                "line {}: expected the token's SHA-256 (64 lowercase hexadecimal digits)",
                number + 1
            )));
        }
        holders.insert(
            hash.to_owned(),
            Holder {
                name: name.to_owned(),
                role,
            },
        );
    }
    Ok(holders)
}

/// The tokens file, re-read when its modification time or size changes.
#[derive(Debug)]
pub struct Tokens {
    path: PathBuf,
    cache: Mutex<Cache>,
}

#[derive(Debug, Default)]
struct Cache {
    stamp: Option<(SystemTime, u64)>,
    holders: HashMap<String, Holder>,
}

impl Tokens {
    /// Reads the tokens file at `path`; a missing or broken file is an error
    /// here, so that the server never starts with tokens it cannot read.
    pub fn open(path: impl Into<PathBuf>) -> Result<Tokens, Error> {
        let tokens = Tokens {
            path: path.into(),
            cache: Mutex::new(Cache::default()),
        };
        tokens.reload()?;
        Ok(tokens)
    }

    /// Who holds `token`, if anyone does. A file that became unreadable or
    /// broken since the last read keeps the last good list in force and says
    /// so on the log, rather than locking every device out.
    pub fn holder(&self, token: &str) -> Option<Holder> {
        if token.is_empty() || token.chars().count() > MAX_TOKEN_CHARS {
            return None;
        }
        if let Err(e) = self.reload() {
            eprintln!(
                "yim serve: the tokens file {} could not be read again, the last good one stays in force: {e}",
                self.path.display()
            );
        }
        let hash = sha256_hex(token.as_bytes());
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.holders.get(&hash).cloned()
    }

    fn reload(&self) -> Result<(), Error> {
        let meta = std::fs::metadata(&self.path).map_err(|e| self.error(e))?;
        let stamp = (meta.modified().map_err(|e| self.error(e))?, meta.len());
        {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            if cache.stamp == Some(stamp) {
                return Ok(());
            }
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(Error::new(format!(
                "the tokens file {} is larger than {MAX_FILE_BYTES} bytes",
                self.path.display()
            )));
        }
        let text = std::fs::read_to_string(&self.path).map_err(|e| self.error(e))?;
        let holders =
            parse(&text).map_err(|e| Error::new(format!("in {}: {e}", self.path.display())))?;
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        *cache = Cache {
            stamp: Some(stamp),
            holders,
        };
        Ok(())
    }

    fn error(&self, e: std::io::Error) -> Error {
        Error::new(format!(
            "cannot read the tokens file {}: {e}",
            self.path.display()
        ))
    }
}

/// Makes a fresh random token for `name`, appends its hash to the tokens
/// file at `path` (made if missing) and returns the token, which is shown
/// once and kept nowhere else.
pub fn new_token(path: &Path, name: &str, role: Role) -> Result<String, Error> {
    if name.is_empty()
        || name.chars().any(|c| c.is_whitespace() || c.is_control())
        || name.starts_with('#')
    {
        return Err(Error::new(format!(
            "expected a name without spaces for the token, but found `{}`",
            name.escape_default()
        )));
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret)
        .map_err(|e| Error::new(format!("the system gave no random bytes: {e}")))?;
    let token: String = std::iter::once("yim_".to_owned())
        .chain(secret.iter().map(|b| format!("{b:02x}")))
        .collect();
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(Error::new(format!(
                "cannot read the tokens file {}: {e}",
                path.display()
            )))
        }
    };
    // The file is checked before it is added to, so that a line the server
    // would refuse is found now and not when every device is locked out.
    parse(&existing).map_err(|e| Error::new(format!("in {}: {e}", path.display())))?;
    let mut line = String::new();
    if !existing.is_empty() && !existing.ends_with('\n') {
        line.push('\n');
    }
    line.push_str(&format!(
        "{name} {} {}\n",
        role.word(),
        sha256_hex(token.as_bytes())
    ));
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(line.as_bytes()).map(|()| f))
        .map_err(|e| {
            Error::new(format!(
                "cannot add to the tokens file {}: {e}",
                path.display()
            ))
        })?;
    file.flush().and_then(|()| file.sync_all()).map_err(|e| {
        Error::new(format!(
            "cannot write the tokens file {}: {e}",
            path.display()
        ))
    })?;
    Ok(token)
}
