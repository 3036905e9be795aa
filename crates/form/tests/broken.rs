//! Broken forms and the exact diagnostics they give.
//!
//! Every `*.yaml` file directly inside `tests/broken/` is loaded; its
//! diagnostics, one `file:line:col: message` per line, must equal the sibling
//! `.expected` file. Files in subdirectories are bases and CSV lists that the
//! cases refer to. Run with `UPDATE_EXPECT=1` to rewrite the expectations, then
//! review the diff by hand.

use std::fs;
use std::path::Path;

use yim_form::{load, MemFiles};

mod common;
use common::read_tree;

fn check(files: &MemFiles, case: &str, expected_path: &Path) -> Option<String> {
    let (_, diagnostics) = load(case, files);
    let actual: String = diagnostics.iter().map(|d| format!("{d}\n")).collect();
    if actual.is_empty() {
        return Some(format!(
            "--- {case}\na broken form loaded without any diagnostic"
        ));
    }
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::write(expected_path, &actual).unwrap();
        return None;
    }
    let expected = fs::read_to_string(expected_path).unwrap_or_default();
    (actual != expected).then(|| format!("--- {case}\nexpected:\n{expected}actual:\n{actual}"))
}

#[test]
fn broken_forms() {
    let mut files = MemFiles::new();
    read_tree(Path::new("tests/broken"), Path::new("tests"), &mut files);
    let mut cases: Vec<String> = files
        .0
        .keys()
        .filter(|k| k.ends_with(".yaml") && k.matches('/').count() == 1)
        .cloned()
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 20,
        "expected at least 20 broken forms, found {}",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let expected = Path::new("tests").join(case.replace(".yaml", ".expected"));
            check(&files, case, &expected)
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
