//! Helpers shared by the loader's test files.

use std::fs;
use std::path::Path;

use yim_form::MemFiles;

/// Reads every file under `dir` into memory, keyed by its path below
/// `strip` with `/` separators (so diagnostics read `broken/x.yaml:3:5: ...`
/// when `strip` is the crate's `tests/` directory).
pub fn read_tree(dir: &Path, strip: &Path, files: &mut MemFiles) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read_tree(&path, strip, files);
        } else {
            let key = path
                .strip_prefix(strip)
                .unwrap()
                .to_str()
                .unwrap()
                .replace('\\', "/");
            files.insert(&key, fs::read_to_string(&path).unwrap());
        }
    }
}
