//! `yim keygen`: a new key for the data office.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use yim_bundle::{Identity, Timestamp};

use crate::Fatal;

/// Writes a new age identity file to `out`, in the format `age-keygen`
/// writes, readable by its owner only, and prints its public key on
/// standard output so it can go straight into a form's `recipients`.
///
/// An existing file is never replaced: losing a data office's key makes
/// every bundle made for it unreadable for good.
pub(crate) fn keygen(out: &str) -> Result<bool, Fatal> {
    let identity = Identity::generate();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // age-keygen writes whole seconds; so does this.
    let created = Timestamp::from_unix_ms(i64::try_from(now).unwrap_or(0) * 1000);
    let text = identity.to_identity_file(created);

    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(out).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Fatal(format!(
            "expected a new file for the key, but {out} already exists (yim never overwrites a key)"
        )),
        std::io::ErrorKind::NotFound => Fatal(format!("{out}: the folder does not exist")),
        _ => Fatal(format!("{out}: {e}")),
    })?;
    if let Err(e) = file
        .write_all(text.expose().as_bytes())
        .and_then(|()| file.sync_all())
    {
        // A key file that was cut short is worse than none: remove it.
        drop(file);
        let _ = std::fs::remove_file(out);
        return Err(Fatal(format!("{out}: {e}")));
    }
    println!("{}", identity.to_public());
    Ok(true)
}
