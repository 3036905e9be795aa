//! Embeds the form files into the app, so that the app needs no server at
//! run time: the generated `forms_index.rs` holds one `(path, text)` pair per
//! YAML and CSV file, in path order, such as
//! `("forms/national/child.yaml", "form: ...")`.
//!
//! The files come from `forms/`, or from the folders listed in the
//! `YIM_FORMS` environment variable (separated by `:`), which the
//! end-to-end tests use to add their own test forms to a separate build.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    println!("cargo:rerun-if-env-changed=YIM_FORMS");
    let folders = std::env::var("YIM_FORMS").unwrap_or_else(|_| "forms".to_string());

    let mut files = Vec::new();
    for folder in folders.split(':').filter(|f| !f.is_empty()) {
        // Cargo rescans a folder given here, so adding, editing or removing a
        // form file rebuilds the app.
        println!("cargo:rerun-if-changed={folder}");
        collect(&root.join(folder), &mut files);
    }
    files.sort();
    files.dedup();

    let mut out = String::from(
        "/// Every bundled form file: its path from the repository root and its text.\n",
    );
    out.push_str("pub static FORM_FILES: &[(&str, &str)] = &[\n");
    for file in &files {
        // Keys are paths from the repository root with `/` separators, the
        // same paths the form loader asks for when it follows `extends:`.
        let relative = file
            .strip_prefix(&root)
            .expect("collected under the package root");
        let key = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        writeln!(
            out,
            "    ({key:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .expect("writing to a String");
    }
    out.push_str("];\n");

    let dest = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("forms_index.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

/// Collects form files (YAML and CSV) below `dir`, skipping hidden entries
/// such as editor swap files. A missing folder contributes nothing.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(&path, files);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "csv")
        ) {
            files.push(path);
        }
    }
}
