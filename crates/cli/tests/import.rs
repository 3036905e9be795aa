//! `yim import` pinned as cases: input files and arguments in, exit status,
//! output and written files out. Refresh the expected output with
//! `UPDATE_EXPECT=1`.

mod common;

use common::run;

use expect_test::{expect, Expect};

/// The real XLSForms of the yim-xlsform tests.
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../xlsform/tests/corpus");

/// Runs `yim` in a fresh folder holding `inputs`, and compares the exit
/// status, stdout, stderr and every file the command wrote with `expect`.
fn check(inputs: &[(&str, &[u8])], args: &[&str], status: i32, expect: &Expect) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, bytes) in inputs {
        std::fs::write(dir.path().join(name), bytes).expect("input written");
    }
    let text = run(dir.path(), args, status);
    let mut written = String::new();
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("folder listed")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !inputs.iter().any(|(i, _)| i == n))
        .collect();
    names.sort();
    for n in names {
        let content = std::fs::read_to_string(dir.path().join(&n)).expect("written file is text");
        written.push_str(&format!("--- {n}\n{content}"));
    }
    expect.assert_eq(&format!("{text}{written}"));
}

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(format!("{CORPUS}/{name}")).expect("corpus file")
}

const VISIT: &[u8] = b"type,name,label,relevant\n\
integer,age,Age,\n\
text,school,School,${age} >= 6\n\
audio,voice,Voice of the child,\n";

#[test]
fn import_writes_the_form_and_reports_what_did_not_convert() {
    check(
        &[("visit.csv", VISIT)],
        &["import", "visit.csv", "-o", "visit.yaml"],
        1,
        &expect![[r#"
            stderr: settings: there is no form_id; the id `visit` is made from the file name
            stderr: settings: there is no version; `1` is used, because Yim stores a version with every record
            stderr: survey!4: unsupported type 'audio' (sound recordings); the question `voice` is left out
            stderr: wrote visit.yaml: 2 questions; 3 notes above
            --- visit.yaml
            # Converted from visit.csv by `yim import`.
            # Not converted, or converted differently (sheet!row as the spreadsheet numbers rows):
            #   settings: there is no form_id; the id `visit` is made from the file name
            #   settings: there is no version; `1` is used, because Yim stores a version with every record
            #   survey!4: unsupported type 'audio' (sound recordings); the question `voice` is left out

            form:
              id: visit
              version: "1"
              title: visit
            questions:
              - name: age
                type: integer
                label: Age
              - name: school
                type: text
                label: School
                relevant: "${age} >= 6"
        "#]],
    );
}

#[test]
fn import_without_output_prints_the_form() {
    let clean = b"survey,,,\n,type,name,label\n,text,who,Your name\nsettings,,,\n,form_id,version,form_title\n,hello,1,Hello\n";
    check(
        &[("hello.csv", clean)],
        &["import", "hello.csv"],
        0,
        &expect![[r#"
            # Converted from hello.csv by `yim import`.
            # Everything in the spreadsheet was converted.

            form:
              id: hello
              version: "1"
              title: Hello
            questions:
              - name: who
                type: text
                label: Your name
        "#]],
    );
}

/// A GeoJSON choice file as ODK's `select_one_from_file` reads it.
const CITIES: &str = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "id": "bkk", "properties": {"title": "Bangkok"},
   "geometry": {"type": "Point", "coordinates": [100.5018, 13.7563]}},
  {"type": "Feature", "id": "cnx", "properties": {"title": "Chiang Mai"},
   "geometry": {"type": "Point", "coordinates": [98.9853, 18.7883]}}
]}"#;

#[test]
fn imported_corpus_forms_lint_clean() {
    let cases = [
        (
            "all-question-types-v2024091201-3.xlsx",
            "wrote all.yaml: 79 questions; 25 notes above",
        ),
        (
            "ifrc-distribution-site-assessment-v1.xlsx",
            "wrote all.yaml: 95 questions; 43 notes above",
        ),
        (
            "socio-economic-survey-v20240515.xlsx",
            "wrote all.yaml: 17 questions; 1 note above",
        ),
    ];
    for (file, last) in cases {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(dir.path().join(file), corpus(file)).expect("input written");
        let out = run(dir.path(), &["import", file, "-o", "all.yaml"], 1);
        assert_eq!(
            out.lines().last(),
            Some(format!("stderr: {last}").as_str()),
            "{file}"
        );
        if file.starts_with("all-question-types") {
            // The `map` question reads its choices from a file that ODK
            // attaches to the form; lint names it until it is put beside
            // the form, as the import's note asks.
            let said = run(dir.path(), &["lint", "all.yaml"], 1);
            assert!(
                said.contains("cannot read `cities.geojson`, the GeoJSON file of the choice list `cities`, expected next to the form file"),
                "{said}"
            );
            std::fs::write(dir.path().join("cities.geojson"), CITIES).expect("file written");
        }
        assert_eq!(run(dir.path(), &["lint", "all.yaml"], 0), "", "{file}");
    }
}

#[test]
fn import_reports_a_legacy_xls_named_xlsx_like_any_workbook() {
    // The IFRC form is a BIFF8 (.xls) file saved with an .xlsx name.
    let bytes = corpus("ifrc-distribution-site-assessment-v1.xlsx");
    assert_eq!(&bytes[..4], &[0xd0, 0xcf, 0x11, 0xe0]);
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("ifrc.xlsx"), bytes).expect("input written");
    let out = run(dir.path(), &["import", "ifrc.xlsx"], 1);
    assert!(
        out.contains("  id: distributionsite_assessment_v1_0\n"),
        "{out}"
    );
}

#[test]
fn import_usage_and_file_errors_exit_2() {
    check(
        &[],
        &["import", "missing.xlsx"],
        2,
        &expect![[r#"
        stderr: yim: cannot read missing.xlsx: no such file
    "#]],
    );
    check(
        &[("bad.xlsx", b"PK\x03\x04garbage")],
        &["import", "bad.xlsx"],
        2,
        &expect![[r#"
        stderr: yim: bad.xlsx: the file cannot be read as a spreadsheet (cannot detect file format)
    "#]],
    );
    check(
        &[("notes.csv", b"type,name,label\n")],
        &["import", "notes.csv"],
        2,
        &expect![[r#"
        stderr: yim: notes.csv: expected questions on the survey sheet, but none could be converted
    "#]],
    );
    // Usage errors print the whole usage after the message; only the message
    // is pinned here, since other commands add lines to the usage.
    let cases = [
        (
            vec!["import"],
            "stderr: yim: import takes one spreadsheet (.xlsx, .xls or .csv), but found 0",
        ),
        (
            vec!["import", "a.xlsx", "b.xlsx"],
            "stderr: yim: import takes one spreadsheet (.xlsx, .xls or .csv), but found 2",
        ),
        (
            vec!["import", "a.xlsx", "-o"],
            "stderr: yim: missing argument for option '-o'",
        ),
        (
            vec!["lint", "-o", "x.yaml", "a.yaml"],
            "stderr: yim: invalid option '-o'",
        ),
    ];
    for (args, first) in cases {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let out = run(dir.path(), &args, 2);
        assert_eq!(out.lines().next(), Some(first), "{args:?}");
    }
}

// The xlsx writer of the yim-xlsform tests, for hostile workbooks.
#[path = "../../xlsform/tests/common/xlsx.rs"]
mod xlsx;

#[test]
fn defect_4_a_workbook_claiming_cell_xfd1048576_imports() {
    // 1.6 KB that made calamine allocate 512 GB and abort `yim import`.
    let mut cells: Vec<(String, String)> = [
        ("A1", "type"),
        ("B1", "name"),
        ("C1", "label"),
        ("A2", "text"),
        ("B2", "child_name"),
        ("C2", "Child's name"),
        ("XFD1048576", "x"),
    ]
    .iter()
    .map(|(r, t)| (r.to_string(), t.to_string()))
    .collect();
    cells.sort();
    let bytes = xlsx::workbook(&[xlsx::SheetSpec {
        name: "survey",
        dimension: Some("A1:XFD1048576"),
        cells,
    }]);
    check(
        &[("far.xlsx", &bytes)],
        &["import", "far.xlsx", "-o", "far.yaml"],
        1,
        &expect![[r#"
            stderr: settings: there is no form_id; the id `far` is made from the file name
            stderr: settings: there is no version; `1` is used, because Yim stores a version with every record
            stderr: survey!1048576: the row has no type; it is left out
            stderr: wrote far.yaml: 1 questions; 3 notes above
            --- far.yaml
            # Converted from far.xlsx by `yim import`.
            # Not converted, or converted differently (sheet!row as the spreadsheet numbers rows):
            #   settings: there is no form_id; the id `far` is made from the file name
            #   settings: there is no version; `1` is used, because Yim stores a version with every record
            #   survey!1048576: the row has no type; it is left out

            form:
              id: far
              version: "1"
              title: far
            questions:
              - name: child_name
                type: text
                label: Child's name
        "#]],
    );
}
