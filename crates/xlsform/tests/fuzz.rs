//! Property tests: generated and mutated workbooks and CSV files always give
//! notes or a form, never a panic or an abort, and stay within the reader's
//! bounds. `cargo test` runs a few cases; `make fuzz` sets `PROPTEST_CASES`
//! to run many.

#[path = "common/xlsx.rs"]
mod xlsx;

use proptest::prelude::*;
use xlsx::SheetSpec;

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

/// What an import must always give: a form, or a note that says why not.
fn check(name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let (form, notes) = yim_xlsform::import(name, bytes);
    prop_assert!(
        form.is_some() || !notes.is_empty(),
        "neither a form nor a note"
    );
    if let Some(form) = form {
        // The printed form must be text the loader reads back.
        let yaml = yim_xlsform::to_yaml(&form, &notes, name);
        let files = yim_form::MemFiles::new().with("form.yaml", yaml);
        let _ = yim_form::load("form.yaml", &files);
    }
    Ok(())
}

/// A column letter from A to XFD.
fn column() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(&["A", "B", "C", "D", "E"][..]).prop_map(String::from),
        1 => (0u32..16_384).prop_map(|mut n| {
            let mut letters = Vec::new();
            loop {
                letters.push(b'A' + (n % 26) as u8);
                if n < 26 {
                    break;
                }
                n = n / 26 - 1;
            }
            letters.reverse();
            String::from_utf8(letters).unwrap()
        }),
    ]
}

/// A row number, mostly small, sometimes anywhere up to the last row.
fn row() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 1u32..12, 1 => 1u32..=1_048_576]
}

/// Cell text: XLSForm words, expressions, Thai, and anything at all.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(
            &[
                "type",
                "name",
                "label",
                "hint",
                "relevant",
                "constraint",
                "calculation",
                "required",
                "choice_filter",
                "list_name",
                "form_id",
                "version",
                "label::English (en)",
                "label::ไทย (th)",
                "text",
                "integer",
                "decimal",
                "select_one yn",
                "select_multiple yn",
                "begin_group",
                "end_group",
                "begin_repeat",
                "end_repeat",
                "calculate",
                "note",
                "date",
                "yes",
                "no",
                "${a} > 3",
                "selected(${b}, 'y')",
                "if(${a} < 6, 'x', 'y')",
                "a",
                "b",
                "yn",
                "save_to",
                "entity_id",
                "create_if",
                "update_if",
                "${a}",
                "select_one_from_file a.csv",
                "instance('a')/root/item[name=${a}]/b",
            ][..]
        )
        .prop_map(String::from),
        "[a-z_${}()<>=' 0-9:.-]{0,24}",
        any::<String>().prop_map(|s| s.chars().filter(|c| *c != '\u{0}').take(40).collect()),
    ]
}

fn sheet_name() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&["survey", "choices", "settings", "entities", "Sheet1"][..])
}

fn sheets() -> impl Strategy<Value = Vec<(&'static str, Vec<(String, String)>)>> {
    prop::collection::vec(
        (
            sheet_name(),
            prop::collection::vec(((column(), row()), text()), 0..40),
        ),
        1..4,
    )
    .prop_map(|sheets| {
        let mut seen = Vec::new();
        sheets
            .into_iter()
            .filter(|(name, _)| {
                let new = !seen.contains(name);
                seen.push(name);
                new
            })
            .map(|(name, cells)| {
                let mut cells: Vec<(String, String)> = cells
                    .into_iter()
                    .map(|((c, r), t)| (format!("{c}{r}"), t))
                    .collect();
                cells.sort();
                cells.dedup_by(|a, b| a.0 == b.0);
                (name, cells)
            })
            .collect()
    })
}

fn spec(sheets: &[(&'static str, Vec<(String, String)>)]) -> Vec<SheetSpec<'static>> {
    sheets
        .iter()
        .map(|(name, cells)| SheetSpec {
            name,
            dimension: None,
            cells: cells.clone(),
        })
        .collect()
}

/// An edit of a byte string: (where, from 0 to 1 of its length, what).
#[derive(Clone, Debug)]
enum Edit {
    Flip(f64, u8),
    Insert(f64, Vec<u8>),
    Remove(f64, usize),
    Cut(f64),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let at = 0.0..1.0f64;
    prop::collection::vec(
        prop_oneof![
            (at.clone(), any::<u8>()).prop_map(|(a, b)| Edit::Flip(a, b)),
            (at.clone(), prop::collection::vec(any::<u8>(), 1..8))
                .prop_map(|(a, b)| Edit::Insert(a, b)),
            (at.clone(), 1usize..16).prop_map(|(a, n)| Edit::Remove(a, n)),
            at.prop_map(Edit::Cut),
        ],
        1..6,
    )
}

fn apply(bytes: &mut Vec<u8>, edits: &[Edit]) {
    for e in edits {
        let place = |a: f64, len: usize| ((a * len as f64) as usize).min(len);
        match e {
            Edit::Flip(a, b) if !bytes.is_empty() => {
                let i = place(*a, bytes.len() - 1);
                bytes[i] ^= b | 1;
            }
            Edit::Flip(..) => {}
            Edit::Insert(a, new) => {
                let i = place(*a, bytes.len());
                bytes.splice(i..i, new.iter().copied());
            }
            Edit::Remove(a, n) => {
                let i = place(*a, bytes.len());
                let end = (i + n).min(bytes.len());
                bytes.drain(i..end);
            }
            Edit::Cut(a) => {
                let i = place(*a, bytes.len());
                bytes.truncate(i);
            }
        }
    }
}

/// A small but complete XLSForm, the starting point of the mutations.
fn good_xlsform() -> Vec<(String, String)> {
    let mut survey: Vec<(String, String)> = Vec::new();
    let rows = [
        ["type", "name", "label", "relevant"],
        ["integer", "age", "อายุ", ""],
        ["select_one yn", "school", "ไปโรงเรียน", "${age} >= 6"],
        ["begin_repeat", "kids", "Kids", ""],
        ["text", "kid_name", "Name", ""],
        ["end_repeat", "", "", ""],
    ];
    for (r, cells) in rows.iter().enumerate() {
        for (c, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                survey.push((
                    format!("{}{}", (b'A' + c as u8) as char, r + 1),
                    text.to_string(),
                ));
            }
        }
    }
    let choices = vec![
        ("A1".into(), "list_name".into()),
        ("B1".into(), "name".into()),
        ("C1".into(), "label".into()),
        ("A2".into(), "yn".into()),
        ("B2".into(), "y".into()),
        ("C2".into(), "ใช่".into()),
    ];
    xlsx::parts(&[
        SheetSpec {
            name: "survey",
            dimension: Some("A1:D6"),
            cells: survey,
        },
        SheetSpec {
            name: "choices",
            dimension: None,
            cells: choices,
        },
    ])
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn fuzz_generated_workbooks_import_or_explain(sheets in sheets()) {
        check("gen.xlsx", &xlsx::workbook(&spec(&sheets)))?;
    }

    #[test]
    fn fuzz_workbooks_with_mutated_xml_import_or_explain(
        part in 0usize..6,
        edits in edits(),
    ) {
        let mut parts = good_xlsform();
        let part = part % parts.len();
        let mut xml = parts[part].1.clone().into_bytes();
        apply(&mut xml, &edits);
        parts[part].1 = String::from_utf8_lossy(&xml).into_owned();
        check("mutated.xlsx", &xlsx::zip(&parts))?;
    }

    #[test]
    fn fuzz_mutated_workbook_bytes_import_or_explain(edits in edits()) {
        let mut bytes = xlsx::zip(&good_xlsform());
        apply(&mut bytes, &edits);
        check("mutated.xlsx", &bytes)?;
    }

    #[test]
    fn fuzz_csv_files_import_or_explain(
        rows in prop::collection::vec(prop::collection::vec(text(), 0..6), 0..12),
        edits in edits(),
    ) {
        let mut bytes: Vec<u8> = rows
            .iter()
            .map(|r| r.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes();
        check("gen.csv", &bytes)?;
        apply(&mut bytes, &edits);
        check("mutated.csv", &bytes)?;
    }
}
