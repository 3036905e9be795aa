//! Where form files come from.
//!
//! **Boundary**: the loader never touches the filesystem itself. The CLI hands
//! in [`FsFiles`]; the browser app and the tests hand in [`MemFiles`].

use std::collections::BTreeMap;

/// A source of form, variant and CSV files, by path.
///
/// Paths use `/` as the separator. The loader joins a relative path written in
/// a file (`extends: ../core/child.yaml`) to the directory of that file and
/// normalises `.` and `..` before asking, so implementations receive paths
/// such as `forms/core/child.yaml`.
pub trait Files {
    /// The whole file as UTF-8 text, or a short lowercase reason it cannot be read.
    fn read(&self, path: &str) -> Result<String, String>;
}

/// Files read from the local disk, relative to the current directory.
#[cfg(feature = "fs")]
#[derive(Clone, Copy, Debug, Default)]
pub struct FsFiles;

#[cfg(feature = "fs")]
impl Files for FsFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "the file does not exist".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            std::io::ErrorKind::InvalidData => "the file is not UTF-8 text".to_string(),
            _ => e.to_string().to_lowercase(),
        })
    }
}

/// Files held in memory, keyed by path.
///
/// Keys are normalised the same way as the loader's paths, so
/// `./forms/a.yaml` and `forms/a.yaml` name the same file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemFiles(pub BTreeMap<String, String>);

impl MemFiles {
    /// No files.
    pub fn new() -> MemFiles {
        MemFiles::default()
    }

    /// Adds or replaces a file, returning `self` so files can be chained.
    pub fn with(mut self, path: &str, text: impl Into<String>) -> MemFiles {
        self.insert(path, text);
        self
    }

    /// Adds or replaces a file.
    pub fn insert(&mut self, path: &str, text: impl Into<String>) {
        self.0.insert(normalize(path), text.into());
    }
}

impl Files for MemFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        self.0
            .get(path)
            .or_else(|| self.0.get(&normalize(path)))
            .cloned()
            .ok_or_else(|| "the file does not exist".to_string())
    }
}

/// Whether a path starts at a root: `/srv/forms` or, on Windows, `C:/forms`.
fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/')
        || (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/')
}

/// Joins `rel`, written inside the file `from`, to the directory of `from`.
/// An absolute `rel` is used as it is.
pub(crate) fn join(from: &str, rel: &str) -> String {
    let (from, rel) = (from.replace('\\', "/"), rel.replace('\\', "/"));
    if is_absolute(&rel) {
        return normalize(&rel);
    }
    match from.rfind('/') {
        Some(i) => normalize(&format!("{}/{}", &from[..i], rel)),
        None => normalize(&rel),
    }
}

/// Removes `.` and empty segments and folds `dir/..`, keeping leading `..`
/// segments that climb above the starting directory. Backslashes, as typed
/// on Windows, are read as `/`.
pub(crate) fn normalize(path: &str) -> String {
    let path = path.replace('\\', "/");
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if absolute => {}
                _ => parts.push(".."),
            },
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_paths() {
        let cases = [
            (
                "forms/surin/child.yaml",
                "../core/child.yaml",
                "forms/core/child.yaml",
            ),
            ("child.yaml", "core.yaml", "core.yaml"),
            ("child.yaml", "../core.yaml", "../core.yaml"),
            ("a/b.yaml", "./lists/x.csv", "a/lists/x.csv"),
            ("/srv/a/b.yaml", "../../../c.yaml", "/c.yaml"),
            ("a/b.yaml", "/abs/c.yaml", "/abs/c.yaml"),
            (
                "C:\\forms\\surin\\a.yaml",
                "..\\core\\b.yaml",
                "C:/forms/core/b.yaml",
            ),
            ("C:/forms/a.yaml", "D:/shared/b.yaml", "D:/shared/b.yaml"),
        ];
        for (from, rel, want) in cases {
            assert_eq!(join(from, rel), want, "join({from:?}, {rel:?})");
        }
    }
}
