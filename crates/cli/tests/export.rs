//! `yim export-xlsform` pinned as cases: a form file in, exit status and
//! report out, and the workbook it writes read back with `yim import`.
//! Refresh the expected output with `UPDATE_EXPECT=1`.

mod common;

use common::run;

use expect_test::expect;

const FORM: &str = r#"
form:
  id: visit
  version: "3"
  title: {th: การเยี่ยมบ้าน, en: Home visit}
  languages: [th, en]
  settings:
    province: Surin
questions:
  - name: child
    type: text
    label: {th: ชื่อเด็ก, en: Child's name}
    required: yes
  - name: id
    type: text
    label: {th: เลขประจำตัวประชาชน, en: National ID}
    checks: [thai_id]
"#;

#[test]
fn export_writes_a_workbook_that_imports_back_and_reports_what_changed() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("visit.yaml"), FORM).expect("form written");
    let out = run(
        dir.path(),
        &["export-xlsform", "visit.yaml", "-o", "visit.xlsx"],
        1,
    );
    expect![[r#"
        stderr: settings!2: the setting `province` is left out: XLSForm has no setting for it (the form is for `Surin`)
        stderr: survey!3: the checks `thai_id` of `id` are written as a constraint, since XLSForm has no ready-made checks; Yim's messages for them are written as the constraint message
        stderr: wrote visit.xlsx: 2 questions; 2 notes above
    "#]]
    .assert_eq(&out);
    let workbook = std::fs::read(dir.path().join("visit.xlsx")).expect("workbook written");
    assert!(workbook.starts_with(b"PK"), "an xlsx file is a zip archive");
    // The workbook says everything the notes do not mention, so its import
    // has nothing to report.
    let out = run(dir.path(), &["import", "visit.xlsx", "-o", "again.yaml"], 0);
    expect![[r#"
        stderr: wrote again.yaml: 2 questions; everything converted
    "#]]
    .assert_eq(&out);
    let again = std::fs::read_to_string(dir.path().join("again.yaml")).expect("form written");
    assert!(
        again.contains("constraint: \"regex(translate(., '๐๑๒๓๔๕๖๗๘๙- ', '0123456789')"),
        "{again}"
    );
    assert!(
        again.contains("title: {th: การเยี่ยมบ้าน, en: Home visit}"),
        "{again}"
    );
}

#[test]
fn a_form_with_problems_is_not_exported() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(
        dir.path().join("broken.yaml"),
        "form: {id: broken, version: \"1\", title: Broken}\nquestions:\n  - {name: a, type: integer, label: A, relevant: \"${nowhere} > 1\"}\n",
    )
    .expect("form written");
    let out = run(
        dir.path(),
        &["export-xlsform", "broken.yaml", "-o", "broken.xlsx"],
        2,
    );
    expect![[r#"
        stderr: broken.yaml:3:51: in relevant: unknown question `${nowhere}`
        stderr: yim: broken.yaml has problems (above); fix them before exporting it
    "#]]
    .assert_eq(&out);
    assert!(
        !dir.path().join("broken.xlsx").exists(),
        "nothing is written"
    );
}

#[test]
fn export_needs_an_output_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = run(dir.path(), &["export-xlsform", "visit.yaml"], 2);
    assert!(
        out.starts_with("stderr: yim: export-xlsform needs -o FILE.xlsx for the workbook\n"),
        "{out}"
    );
}
