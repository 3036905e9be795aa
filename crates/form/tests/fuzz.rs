//! Property tests: generated and mutated form files always give a form or
//! diagnostics with a place, never a panic or an abort (a stack overflow
//! from deep nesting included). `cargo test` runs a few cases; `make fuzz`
//! sets `PROPTEST_CASES` to run many.

use proptest::prelude::*;
use yim_form::{load, MemFiles};

/// The number of cases: few in `cargo test`, as many as `PROPTEST_CASES`
/// asks for in `make fuzz`.
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

const CORE: &str = include_str!("good/national/child-core.yaml");
const SURIN: &str = include_str!("good/surin/child-surin.yaml");
const TRICKY: &str = include_str!("good/tricky.yaml");
const PROVINCES: &str = include_str!("good/national/thai-areas/provinces.csv");
const DISTRICTS: &str = include_str!("good/national/thai-areas/districts.csv");

/// Loads `text` as `surin/form.yaml` next to the national core form and its
/// lists, and checks what every load must give.
fn check(text: &str, csv: Option<&str>) -> Result<(), TestCaseError> {
    let files = MemFiles::new()
        .with("surin/form.yaml", text.to_string())
        .with("national/child-core.yaml", CORE.to_string())
        .with(
            "national/thai-areas/provinces.csv",
            csv.unwrap_or(PROVINCES).to_string(),
        )
        .with("national/thai-areas/districts.csv", DISTRICTS.to_string());
    let (form, diagnostics) = load("surin/form.yaml", &files);
    prop_assert!(
        form.is_some() || !diagnostics.is_empty(),
        "neither a form nor a diagnostic"
    );
    for d in &diagnostics {
        prop_assert!(d.loc.line >= 1 && d.loc.col >= 1, "no place: {}", d);
    }
    if let Some(form) = form {
        // What the printer makes of it must load again.
        let printed = yim_form::to_yaml(&form);
        let again = MemFiles::new().with("printed.yaml", printed);
        let _ = load("printed.yaml", &again);
    }
    Ok(())
}

/// An edit of a text: where (0 to 1 of its length) and what.
#[derive(Clone, Debug)]
enum Edit {
    Insert(f64, String),
    Remove(f64, usize),
    Replace(f64, String),
    Duplicate(f64, usize),
}

/// Pieces that matter to YAML and to the form format.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(
            &[
                "\n",
                "  ",
                "- ",
                ": ",
                "{",
                "}",
                "[",
                "]",
                ",",
                "#",
                "&a ",
                "*a",
                "!!str ",
                "|\n",
                ">\n",
                "'",
                "\"",
                "\t",
                "---\n",
                "? ",
                "~",
                "null",
                "ก",
                "questions:",
                "name: x",
                "type: repeat",
                "type: group",
                "remove: [x]",
                "extends: ../national/child-core.yaml",
                "\\u0e01",
                "\u{feff}",
                "\r\n",
                "%YAML 1.2\n",
            ][..]
        )
        .prop_map(String::from),
        "[a-z_:{}\\[\\], \n-]{1,8}",
        any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ]
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let at = 0.0..1.0f64;
    prop::collection::vec(
        prop_oneof![
            (at.clone(), piece()).prop_map(|(a, p)| Edit::Insert(a, p)),
            (at.clone(), 1usize..40).prop_map(|(a, n)| Edit::Remove(a, n)),
            (at.clone(), piece()).prop_map(|(a, p)| Edit::Replace(a, p)),
            (at, 1usize..200).prop_map(|(a, n)| Edit::Duplicate(a, n)),
        ],
        1..6,
    )
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let place = |a: f64, len: usize| ((a * len as f64) as usize).min(len);
        match e {
            Edit::Insert(a, p) => {
                let i = place(*a, chars.len());
                chars.splice(i..i, p.chars());
            }
            Edit::Remove(a, n) => {
                let i = place(*a, chars.len());
                let end = (i + n).min(chars.len());
                chars.drain(i..end);
            }
            Edit::Replace(a, p) => {
                let i = place(*a, chars.len());
                let end = (i + p.chars().count()).min(chars.len());
                chars.splice(i..end, p.chars());
            }
            Edit::Duplicate(a, n) => {
                let i = place(*a, chars.len());
                let end = (i + n).min(chars.len());
                let copy: Vec<char> = chars[i..end].to_vec();
                chars.splice(end..end, copy);
            }
        }
    }
    chars.into_iter().collect()
}

/// Nesting of every kind YAML has, to any depth: block lists and mappings
/// on one line or indented, flow lists and mappings.
fn nesting() -> impl Strategy<Value = String> {
    prop::collection::vec(0u8..5, 0..400).prop_map(|levels| {
        let mut text = String::from("form: {id: deep, version: '1'}\nquestions:\n");
        let mut indent = 2;
        let mut closers = String::new();
        let mut line = " ".repeat(indent);
        for l in levels {
            match l {
                0 => line.push_str("- "),
                1 => line.push_str("a: "),
                2 => {
                    text.push_str(&line);
                    text.push_str("- b:\n");
                    indent += 2;
                    line = " ".repeat(indent);
                }
                3 => {
                    line.push('[');
                    closers.insert(0, ']');
                }
                _ => {
                    line.push_str("{c: ");
                    closers.insert(0, '}');
                }
            }
        }
        text.push_str(&line);
        text.push('x');
        text.push_str(&closers);
        text.push('\n');
        text
    })
}

proptest! {
    #![proptest_config(config(40))]

    #[test]
    fn fuzz_mutated_forms_load_or_explain(base in 0usize..3, edits in edits()) {
        let original = [CORE, SURIN, TRICKY][base];
        check(&apply(original, &edits), None)?;
    }

    #[test]
    fn fuzz_mutated_csv_lists_load_or_explain(edits in edits()) {
        check(SURIN, Some(&apply(PROVINCES, &edits)))?;
    }

    #[test]
    fn fuzz_arbitrary_text_loads_or_explains(pieces in prop::collection::vec(piece(), 0..60)) {
        check(&pieces.concat(), None)?;
    }

    #[test]
    fn fuzz_deep_nesting_loads_or_explains(text in nesting()) {
        check(&text, None)?;
    }
}
