//! The private folder a run writes into before renaming it to the output
//! folder, so that either the whole result appears or nothing does.
//!
//! A run holds an advisory lock on `<staging folder>.lock` for its whole
//! life, taken before the folder exists. A later run that finds a staging
//! folder for the same output removes it only when it can take that lock:
//! then the run that made it is dead (the system releases a dead process's
//! locks), and its folder holds decrypted answers nobody would otherwise
//! notice or delete. A folder whose lock is held belongs to a live run and
//! is left alone.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::names::file_name;
use crate::{count, io_message, Error};

/// How many random letters and digits end the name of a staging folder.
const STAGING_RANDOM: usize = 6;

/// The ending of the lock file next to a staging folder.
const LOCK: &str = ".lock";

/// The prefix of a staging folder's name; the output's own name follows, so
/// that one output's leftovers are never taken for another's.
fn staging_prefix(out: &Path) -> String {
    let name = out
        .file_name()
        .map_or_else(|| "out".to_string(), |n| n.to_string_lossy().into_owned());
    format!(".yim-decrypt-{}-", file_name(&name))
}

/// The folder `out` is made in.
pub(crate) fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Removes the staging folders that runs for the same output left behind
/// when they were killed, and returns a report line for each, and for each
/// folder left alone because its run is still going.
pub fn remove_unfinished(out: &Path) -> Result<Vec<String>, Error> {
    let parent = parent_of(out);
    let prefix = staging_prefix(out);
    let Ok(entries) = std::fs::read_dir(&parent) else {
        // A parent that cannot be listed cannot be written either; the
        // write reports it.
        return Ok(Vec::new());
    };
    let mut lines = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        // Exactly the prefix and the random letters, so that the leftovers
        // of `out-2` are never taken for those of `out`.
        let ours = name.strip_prefix(&prefix).is_some_and(|random| {
            random.len() == STAGING_RANDOM && random.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        if !is_dir || !ours {
            continue;
        }
        let lock_path = parent.join(format!("{name}{LOCK}"));
        // No lock file: a run of an older yim, or one killed before it
        // could lock; either way nobody is writing there.
        let lock = match std::fs::OpenOptions::new().write(true).open(&lock_path) {
            Ok(file) => match file.try_lock() {
                Ok(()) => Some(file),
                Err(std::fs::TryLockError::WouldBlock) => {
                    lines.push(format!(
                        "left {} alone: a yim decrypt that is still running writes there",
                        entry.path().display()
                    ));
                    continue;
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(Error::new(format!(
                        "{}: cannot tell whether a running yim decrypt still uses it: {}",
                        lock_path.display(),
                        io_message(&e)
                    )))
                }
            },
            Err(_) => None,
        };
        let files = std::fs::read_dir(entry.path()).map_or(0, |e| e.count());
        std::fs::remove_dir_all(entry.path()).map_err(|e| {
            Error::new(format!(
                "{}: an unfinished earlier run left decrypted files here, and they cannot be removed: {}",
                entry.path().display(),
                io_message(&e)
            ))
        })?;
        if lock.is_some() {
            // Removed while still locked, so no other run takes it for a
            // live one's in between.
            let _ = std::fs::remove_file(&lock_path);
        }
        lines.push(format!(
            "removed {}, left by an earlier run that was stopped while writing ({} of decrypted answers)",
            entry.path().display(),
            count(files, "file")
        ));
    }
    lines.sort();
    Ok(lines)
}

/// Checks that `out` is a new or empty folder.
pub fn check_output_folder(out: &Path) -> Result<(), Error> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::new(format!(
                    "expected a new or empty folder for the output, but {} already holds files (yim does not mix new results with old ones)",
                    out.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if out.is_file() => Err(Error::new(format!(
            "expected a folder for the output, but {} is a file",
            out.display()
        ))),
        Err(e) => Err(Error::new(format!("{}: {}", out.display(), io_message(&e)))),
    }
}

/// A live run's staging folder. Dropping it removes the folder, so that a
/// run that fails leaves no decrypted answers behind.
pub struct Staging {
    dir: PathBuf,
    lock_path: PathBuf,
    /// Held for the run's life; closing it releases the lock.
    _lock: File,
    placed: bool,
}

impl Staging {
    /// Makes a new private staging folder next to `out`: the lock file
    /// first, locked, then the folder, so that no other run ever sees the
    /// folder without its lock held.
    pub fn create(out: &Path) -> Result<Staging, Error> {
        let parent = parent_of(out);
        let fail = |e: std::io::Error| {
            Error::new(format!(
                "nothing was written: {}: {}",
                out.display(),
                io_message(&e)
            ))
        };
        let (lock, lock_path) = tempfile::Builder::new()
            .prefix(&staging_prefix(out))
            .rand_bytes(STAGING_RANDOM)
            .suffix(LOCK)
            .tempfile_in(&parent)
            .map_err(fail)?
            .keep()
            .map_err(|e| fail(e.error))?;
        lock.lock().map_err(fail)?;
        let name = lock_path.to_string_lossy();
        let dir = PathBuf::from(name.strip_suffix(LOCK).unwrap_or(&name));
        let mut builder = std::fs::DirBuilder::new();
        // Decrypted child-protection records: only the current user may
        // read the folder. The rename into place keeps this.
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        if let Err(e) = builder.create(&dir) {
            let _ = std::fs::remove_file(&lock_path);
            return Err(fail(e));
        }
        Ok(Staging {
            dir,
            lock_path,
            _lock: lock,
            placed: false,
        })
    }

    /// The folder to write into.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Renames the folder to `out`, which was checked to be missing or
    /// empty.
    pub fn place(mut self, out: &Path) -> Result<(), Error> {
        let fail = |e: std::io::Error| {
            Error::new(format!(
                "nothing was written: {}: {}",
                out.display(),
                io_message(&e)
            ))
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o700))
                .map_err(fail)?;
        }
        if out.is_dir() {
            // Checked to be empty before decrypting; `remove_dir` refuses
            // anything else, so nothing that appeared since is lost.
            std::fs::remove_dir(out).map_err(fail)?;
        }
        std::fs::rename(&self.dir, out).map_err(fail)?;
        self.placed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        // Still locked here: the lock file goes before the lock does.
        let _ = std::fs::remove_file(&self.lock_path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_runs_folder_is_left_alone_and_a_dead_runs_folder_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let live = Staging::create(&out).unwrap();
        std::fs::write(live.path().join("a.csv"), "x\n").unwrap();
        // A killed run's folder: its lock file is there, but nobody holds it.
        let dead = dir.path().join(".yim-decrypt-out-Dead01");
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dir.path().join(".yim-decrypt-out-Dead01.lock"), "").unwrap();
        std::fs::write(dead.join("a.csv"), "x\n").unwrap();

        let lines = remove_unfinished(&out).unwrap();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines
            .iter()
            .any(|l| l.starts_with("left ") && l.contains("still running")));
        assert!(lines
            .iter()
            .any(|l| l.starts_with("removed ") && l.contains("Dead01")));
        assert!(live.path().join("a.csv").is_file());
        assert!(!dead.exists());
        assert!(!dir.path().join(".yim-decrypt-out-Dead01.lock").exists());

        // Once placed, nothing of the staging is left but the output.
        live.place(&out).unwrap();
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["out"]);
    }
}
