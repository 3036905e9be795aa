//! Regression tests, each named after the defect of issue 17 it guards.

#[path = "common/xlsx.rs"]
mod xlsx;

use expect_test::expect;
use xlsx::{workbook, SheetSpec};

/// The notes of an import, and the names of the questions it gave.
fn imported(bytes: &[u8]) -> String {
    let (form, notes) = yim_xlsform::import("visit.xlsx", bytes);
    let mut out: String = notes.iter().map(|n| format!("{n}\n")).collect();
    if let Some(form) = form {
        let names: Vec<&str> = form.walk().map(|w| w.question.name.as_str()).collect();
        out += &format!("questions: {}\n", names.join(", "));
    }
    out
}

fn survey(extra: &[(&str, &str)], dimension: Option<&str>) -> Vec<u8> {
    let mut cells: Vec<(String, String)> = [
        ("A1", "type"),
        ("B1", "name"),
        ("C1", "label"),
        ("A2", "text"),
        ("B2", "child_name"),
        ("C2", "Child's name"),
    ]
    .iter()
    .chain(extra)
    .map(|(r, t)| (r.to_string(), t.to_string()))
    .collect();
    cells.sort();
    workbook(&[
        SheetSpec {
            name: "survey",
            dimension,
            cells,
        },
        SheetSpec {
            name: "settings",
            dimension: None,
            cells: vec![
                ("A1".into(), "form_id".into()),
                ("B1".into(), "version".into()),
                ("A2".into(), "visit".into()),
                ("B2".into(), "1".into()),
            ],
        },
    ])
}

#[test]
fn defect_4_a_cell_at_xfd1048576_costs_one_cell() {
    // A value in the last cell a sheet can have made calamine allocate the
    // whole range (512 GB) and abort; A1 plus ZZ100000 took 2.2 GB. Cells
    // are now read one by one and kept sparse.
    let far = survey(&[("XFD1048576", "x")], None);
    assert!(far.len() < 4096, "the hostile workbook is small");
    expect![[r#"
        survey!1048576: the row has no type; it is left out
        questions: child_name
    "#]]
    .assert_eq(&imported(&far));
    expect![[r#"
        survey!100000: the row has no type; it is left out
        questions: child_name
    "#]]
    .assert_eq(&imported(&survey(&[("ZZ100000", "x")], None)));
    // Claiming the whole sheet in `<dimension>` costs nothing either.
    expect![[r#"
        questions: child_name
    "#]]
    .assert_eq(&imported(&survey(&[], Some("A1:XFD1048576"))));
}

#[test]
fn fuzz_finding_a_cell_reference_past_the_last_row_is_a_note() {
    // Found by tests/fuzz.rs: calamine's reference parser multiplies
    // without a check, which panics in debug builds on `A99999999999`.
    let mut cells = vec![("A1".to_string(), "type".to_string())];
    cells.push(("A99999999999".to_string(), "x".to_string()));
    let bytes = workbook(&[SheetSpec {
        name: "survey",
        dimension: None,
        cells,
    }]);
    expect![[r#"
        file: the file cannot be read as a spreadsheet (the reader failed on a damaged part)
    "#]]
    .assert_eq(&imported(&bytes));
}
