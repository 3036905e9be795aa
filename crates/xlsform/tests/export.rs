//! `export`: forms written as XLSForm workbooks, converted by pyxform (the
//! converter ODK and KoboToolbox use) and imported again.
//!
//! Every case goes round the same loop through one helper, [`round_trip`]:
//! the form is exported, pyxform's `xls2xform` must convert the workbook
//! without an error, and importing the workbook must give exactly the form
//! the export says it wrote (`Exported::form`). The export's notes, which
//! say where that form differs from the one exported, are pinned with
//! `expect_file!`; refresh them with `UPDATE_EXPECT=1`.
//!
//! pyxform is installed by `scripts/setup.sh`.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use expect_test::{expect, expect_file, ExpectFile};
use yim_engine::{compile, Clock, Date, Session};
use yim_form::{Form, FsFiles, MemFiles};

/// Exports `form`, has pyxform convert the workbook, imports it again and
/// checks that the import gives the exported form. Returns the export's
/// notes, one per line, and the import's notes on the exported workbook.
fn round_trip(name: &str, form: &Form) -> String {
    let exported = yim_xlsform::export(form).expect("the form fits in a workbook");
    let warnings = pyxform_accepts(name, &exported.workbook);
    let file = format!("{name}.xlsx");
    let (again, import_notes) = yim_xlsform::import(&file, &exported.workbook);
    let again = again.expect("the exported workbook imports");
    assert_eq!(
        again, exported.form,
        "{name}: importing the exported workbook gives the form the export wrote"
    );
    let mut out = format!("export notes ({}):\n", exported.notes.len());
    for n in &exported.notes {
        let _ = writeln!(out, "  {n}");
    }
    let _ = writeln!(out, "\npyxform warnings ({}):", warnings.len());
    for w in &warnings {
        let _ = writeln!(out, "  {w}");
    }
    let _ = writeln!(out, "\nimport notes ({}):", import_notes.len());
    for n in &import_notes {
        let _ = writeln!(out, "  {n}");
    }
    out
}

/// Runs `xls2xform` on the workbook and fails with pyxform's own message
/// unless it converts. ODK Validate (a Java program) is not run; pyxform's
/// own checks always are.
/// Returns pyxform's warnings, one per line.
fn pyxform_accepts(name: &str, workbook: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temporary folder");
    let xlsx = dir.path().join(format!("{name}.xlsx"));
    std::fs::write(&xlsx, workbook).expect("workbook written");
    let xml = dir.path().join(format!("{name}.xml"));
    let run = Command::new("xls2xform")
        .arg("--json")
        .arg("--skip_validate")
        .arg(&xlsx)
        .arg(&xml)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run xls2xform ({e}); pyxform is installed by scripts/setup.sh")
        });
    // pyxform writes its JSON answer to standard output or, when it logs
    // warnings, among them; the answer is the line that starts with `{`.
    let said = format!(
        "{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let answer: serde_json::Value = said
        .lines()
        .filter(|l| l.starts_with('{'))
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("{name}: xls2xform gave no JSON answer:\n{said}"));
    // 100 is "Ok!", 101 "Ok with warnings."; anything else is an error.
    assert!(
        answer["code"] == 100 || answer["code"] == 101,
        "{name}: pyxform rejects the exported workbook: {answer}"
    );
    assert!(xml.exists(), "{name}: pyxform wrote no XForm");
    answer["warnings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| w.as_str())
        .flat_map(str::lines)
        .map(str::to_owned)
        .collect()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A form file of the repository, loaded with its variants applied.
fn form_file(path: &str) -> Form {
    let full = repo().join(path);
    let full = full.to_str().expect("UTF-8 path");
    let (form, diags) = yim_form::load(full, &FsFiles);
    assert!(diags.is_empty(), "{path}: {diags:?}");
    form.expect("the form loads")
}

/// A corpus workbook imported, then taken round again.
fn corpus(file: &str, expect: ExpectFile) {
    let path = format!("{}/tests/corpus/{file}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).expect("corpus file is readable");
    let (form, _) = yim_xlsform::import(file, &bytes);
    let stem = file.trim_end_matches(".xlsx");
    expect.assert_eq(&round_trip(stem, &form.expect("the corpus form imports")));
}

#[test]
fn corpus_all_question_types() {
    corpus(
        "all-question-types-v2024091201-3.xlsx",
        expect_file!["export/all-question-types.expect"],
    );
}

#[test]
fn corpus_socio_economic_survey() {
    corpus(
        "socio-economic-survey-v20240515.xlsx",
        expect_file!["export/socio-economic-survey.expect"],
    );
}

#[test]
fn corpus_ifrc_distribution_site_assessment() {
    corpus(
        "ifrc-distribution-site-assessment-v1.xlsx",
        expect_file!["export/ifrc-distribution-site-assessment.expect"],
    );
}

#[test]
fn national_core_form() {
    let form = form_file("forms/national/child-core.yaml");
    expect_file!["export/child-core.expect"].assert_eq(&round_trip("child-core", &form));
}

/// The follow-up form goes to ODK Entities' words and back: its `case:`
/// block is the `entities` sheet with `entity_id` naming the picker, the
/// picker selects from the entity list's CSV file, and every `save_to`
/// starts with the picked case's value through a triggered look-up.
#[test]
fn national_follow_up_form() {
    let form = form_file("forms/national/child-follow-up.yaml");
    let out = round_trip("child-follow-up", &form);
    expect_file!["export/child-follow-up.expect"].assert_eq(&out);
    let exported = yim_xlsform::export(&form).expect("exports");
    let mut stripped = form.clone();
    stripped.strip_locations();
    assert_eq!(
        exported.form.case, stripped.case,
        "the case block is exported whole"
    );
    assert_eq!(
        exported.form.question("child").map(|q| &q.qtype),
        Some(&yim_form::QType::SelectOneCase)
    );
    assert_eq!(
        exported
            .form
            .question("case_status")
            .and_then(|q| q.save_to.as_deref()),
        Some("status")
    );
}

/// A province variant is exported resolved, with the language it adds
/// (Khmer, translated in part) filled in with the texts the app shows.
#[test]
fn province_variant() {
    let form = form_file("forms/surin/child-surin.yaml");
    assert!(form.extends.is_some(), "the Surin form is a variant");
    let out = round_trip("child-surin", &form);
    // The address lists give one note per list, not one per choice.
    assert!(out.lines().count() < 400, "{out}");
    expect_file!["export/child-surin.expect"].assert_eq(&out);
}

/// Every form of the deployment exports, and its workbook imports to the
/// form the export wrote. pyxform runs on two of them above (it takes
/// seconds per form with the address lists); the others share their lists
/// and differ only in the questions a province adds.
#[test]
fn every_deployed_form_comes_back_as_exported() {
    let mut out = String::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(repo().join("forms"))
        .expect("forms/ is listed")
        .flat_map(|d| {
            std::fs::read_dir(d.expect("entry").path())
                .into_iter()
                .flatten()
        })
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 2, "{paths:?}");
    for path in paths {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        let (form, diags) = yim_form::load(path.to_str().expect("UTF-8 path"), &FsFiles);
        assert!(diags.is_empty(), "{name}: {diags:?}");
        let form = form.expect("loads");
        let exported = yim_xlsform::export(&form).expect("exports");
        let (again, _) = yim_xlsform::import(&name, &exported.workbook);
        assert_eq!(again.as_ref(), Some(&exported.form), "{name}");
        let _ = writeln!(out, "{name}: {} notes", exported.notes.len());
    }
    expect![[r#"
        child-kalasin.yaml: 14 notes
        child-lampang.yaml: 13 notes
        child-loei.yaml: 174 notes
        child-core.yaml: 12 notes
        child-follow-up.yaml: 0 notes
        child-follow-up-phayao.yaml: 1 notes
        child-phayao.yaml: 13 notes
        child-surin.yaml: 174 notes
        child-trang.yaml: 13 notes
        child-ubon.yaml: 14 notes
    "#]]
    .assert_eq(&out);
}

/// Everything a Yim form can hold that XLSForm can say too comes back
/// exactly, with no note.
#[test]
fn what_xlsform_can_say_comes_back_unchanged() {
    let yaml = r#"
form:
  id: visit
  version: "2026-01"
  title: {th: การเยี่ยมบ้าน, en: Home visit}
  languages: [th, en]
  default_language: th
  settings:
    instance_name: "concat(${child}, ' ', ${village})"
questions:
  - name: started
    type: calculate
    calculation: once(now())
  - name: phone_id
    type: calculate
    calculation: property('deviceid')
  - name: child
    type: text
    label: {th: ชื่อเด็ก, en: Child's name}
    hint: Given name only
    required: yes
    required_message: {th: กรุณากรอกชื่อ, en: Enter the name}
    appearance: multiline
  - name: age
    type: integer
    label: {th: อายุ, en: Age}
    constraint: ". >= 0 and . < 18"
    constraint_message: {th: อายุ 0-17 ปี, en: Age 0 to 17}
    default: "5"
  - name: province
    type: select_one provinces
    label: {th: จังหวัด, en: Province}
  - name: village
    type: select_one villages
    label: {th: หมู่บ้าน, en: Village}
    choice_filter: province = ${province}
    relevant: ${age} > 1
  - name: visited
    type: dateTime
    label: {th: เวลาเยี่ยม, en: Time of visit}
    read_only: ${age} > 10
  - name: last_change
    type: datetime
    label: {th: แก้ไขล่าสุด, en: Last change}
    calculation: now()
    trigger: ${child}
  - name: members
    type: repeat
    label: {th: สมาชิก, en: Members}
    repeat_count: ${age}
    questions:
      - name: member
        type: group
        label: {th: สมาชิก, en: Member}
        appearance: field-list
        questions:
          - name: member_name
            type: text
            label: {th: ชื่อ, en: Name}
          - name: seen
            type: acknowledge
            label: {th: พบแล้ว, en: Seen}
  - name: place
    type: geopoint
    label: {th: ตำแหน่ง, en: Location}
  - name: done
    type: note
    label: {th: "ขอบคุณ ${child}", en: "Thank you ${child}"}
choices:
  provinces:
    - {name: "30", label: {th: นครราชสีมา, en: Nakhon Ratchasima}}
    - {name: "32", label: {th: สุรินทร์, en: Surin}}
  villages:
    - {name: v1, label: {th: บ้านหนึ่ง, en: Village one}, province: "30"}
    - {name: v2, label: {th: บ้านสอง, en: Village two}, province: "32"}
"#;
    let files = MemFiles::new().with("visit.yaml", yaml.to_owned());
    let (form, diags) = yim_form::load("visit.yaml", &files);
    assert!(diags.is_empty(), "{diags:?}");
    let mut form = form.expect("loads");
    let (_, diags) = compile(&form);
    assert!(diags.is_empty(), "{diags:?}");
    let out = round_trip("visit", &form);
    expect![[r#"
        export notes (0):

        pyxform warnings (3):
          Language 'English (en)' is missing the survey hint column.
          Language 'Thai (th)' is missing the survey hint column.
          Language 'default' is missing the survey columns constraint_message, label, required_message.

        import notes (2):
          survey!2: metadata type 'start' is imported as a calculate question with `once(now())`
          survey!3: metadata type 'deviceid' is imported as a calculate question with `property('deviceid')`, which the app fills in
    "#]]
    .assert_eq(&out);
    let exported = yim_xlsform::export(&form).expect("exports");
    form.strip_locations();
    assert_eq!(exported.form, form, "nothing changed on the way");
}

/// The app's own settings and a title per language are reported on the
/// settings row; checks become constraints, reported on their rows.
#[test]
fn what_xlsform_cannot_say_is_reported_by_row() {
    let yaml = r#"
form:
  id: contact
  version: "1"
  title: {th: ติดต่อ, en: Contact}
  languages: [th, en, km]
  partial_languages: [km]
  settings:
    recipients: [age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p]
    passphrase: yes
    province: Surin
    thai_digits: yes
    one_page: yes
questions:
  - name: phone
    type: text
    label: {th: โทรศัพท์, en: Phone, km: ទូរស័ព្ទ}
    checks: [phone]
  - name: id
    type: text
    label: {th: เลขประจำตัวประชาชน, en: National ID}
    hint: {th: 13 หลัก, en: 13 digits}
    checks: [thai_id]
  - name: age
    type: integer
    label: {th: อายุ, en: Age, km: អាយុ}
    constraint: ". != 99"
    constraint_message: {th: ไม่ใช่ 99, en: Not 99, km: មិនមែន 99}
    checks: [{range: {min: 0, max: 120}}]
  - name: who
    type: calculate
    calculation: concat(property('username'), '@', ${phone})
"#;
    let files = MemFiles::new().with("contact.yaml", yaml.to_owned());
    let (form, diags) = yim_form::load("contact.yaml", &files);
    assert!(diags.is_empty(), "{diags:?}");
    let form = form.expect("loads");
    expect![[r#"
        export notes (11):
          settings!2: the title has no `km` text; the text the app would show instead is written
          settings!2: the setting `recipients` is left out: ODK encrypts with its own RSA keys (`public_key`), not with age keys, so the data office's keys cannot be given to it
          settings!2: the setting `passphrase` is left out: ODK has no passphrase for sending records
          settings!2: the setting `province` is left out: XLSForm has no setting for it (the form is for `Surin`)
          settings!2: the setting `thai_digits` is left out: ODK shows numbers with the digits of the phone's language
          settings!2: the setting `one_page` is left out: written as no `style`, so ODK's web forms show one page; ODK Collect shows one question at a time
          survey!2: the checks `phone` of `phone` are written as a constraint, since XLSForm has no ready-made checks; Yim's messages for them are written as the constraint message
          survey!3: the checks `thai_id` of `id` are written as a constraint, since XLSForm has no ready-made checks; Yim's messages for them are written as the constraint message
          survey!3: the label and hint have no `km` text; the text the app would show instead is written
          survey!4: the checks `range` of `age` are written as a constraint, since XLSForm has no ready-made checks; the question's constraint message is shown when one fails
          survey!5: the calculation of `who` uses `property()`, which ODK does not have; it is written as it is, and ODK will reject it (use a `deviceid`, `username` or `end` question instead)

        pyxform warnings (0):

        import notes (0):
    "#]]
    .assert_eq(&round_trip("contact", &form));
}

/// The constraints written for checks accept and refuse what the checks
/// do, in Yim's engine: the same answers give an error in both forms.
#[test]
fn checks_written_as_constraints_judge_answers_alike() {
    let yaml = r#"
form: {id: checks, version: "1", title: Checks}
questions:
  - {name: id, type: text, label: ID, checks: [thai_id]}
  - {name: phone, type: text, label: Phone, checks: [phone]}
  - {name: mail, type: text, label: Mail, checks: [email]}
  - {name: web, type: text, label: Web, checks: [url]}
  - {name: code, type: text, label: Code, checks: [{regex: "[A-Z]{2}-[0-9]+"}]}
  - {name: nick, type: text, label: Nick, checks: [{length: {min: 2, max: 5}}]}
  - {name: score, type: decimal, label: Score, checks: [{range: {min: -1.5, max: 10}}]}
"#;
    let files = MemFiles::new().with("checks.yaml", yaml.to_owned());
    let (form, diags) = yim_form::load("checks.yaml", &files);
    assert!(diags.is_empty(), "{diags:?}");
    let form = form.expect("loads");
    let exported = yim_xlsform::export(&form).expect("exports");
    pyxform_accepts("checks", &exported.workbook);
    let session = |f: &Form| {
        let (c, d) = compile(f);
        assert!(d.is_empty(), "{d:?}");
        Session::new(
            c.expect("compiles"),
            Clock::fixed(Date::from_ymd(2026, 1, 1).expect("date")),
        )
    };
    let mut with_checks = session(&form);
    let mut with_constraints = session(&exported.form);
    let answers: &[(&str, &[&str])] = &[
        (
            "id",
            &[
                "1101700230708",
                "1-1017-00230-70-8",
                "1 1017 00230 70 8",
                "๑๑๐๑๗๐๐๒๓๐๗๐๘",
                "1101700230705",
                "110170023070",
                "11017002307081",
                "abcdefghijklm",
            ],
        ),
        (
            "phone",
            &[
                "0812345678",
                "021234567",
                "๐๘๑๒๓๔๕๖๗๘",
                "812345678",
                "08123456789",
                "08-1234567",
            ],
        ),
        (
            "mail",
            &[
                "a@b.co",
                "somchai@example.org",
                "a@b",
                "no at sign",
                "a b@c.d",
                "a@@b.c",
            ],
        ),
        (
            "web",
            &[
                "https://example.org/x",
                "http://a.b",
                "example.org",
                "https://",
            ],
        ),
        ("code", &["AB-12", "ab-12", "xAB-12", "AB-12x", "AB-"]),
        ("nick", &["ab", "abcde", "a", "abcdef", "ไทย"]),
        ("score", &["-1.5", "0", "10", "10.01", "-2"]),
    ];
    let mut out = String::new();
    for (q, values) in answers {
        for v in *values {
            with_checks.answer(q, v).expect("answered");
            with_constraints.answer(q, v).expect("answered");
            let a = with_checks.node(q).expect("node").error.is_some();
            let b = with_constraints.node(q).expect("node").error.is_some();
            let _ = writeln!(
                out,
                "{q} {v:?}: {}{}",
                if a { "refused" } else { "accepted" },
                if a == b { "" } else { " by the check only" }
            );
        }
    }
    expect![[r#"
        id "1101700230708": accepted
        id "1-1017-00230-70-8": accepted
        id "1 1017 00230 70 8": accepted
        id "๑๑๐๑๗๐๐๒๓๐๗๐๘": accepted
        id "1101700230705": refused
        id "110170023070": refused
        id "11017002307081": refused
        id "abcdefghijklm": refused
        phone "0812345678": accepted
        phone "021234567": accepted
        phone "๐๘๑๒๓๔๕๖๗๘": accepted
        phone "812345678": refused
        phone "08123456789": refused
        phone "08-1234567": refused
        mail "a@b.co": accepted
        mail "somchai@example.org": accepted
        mail "a@b": accepted
        mail "no at sign": refused
        mail "a b@c.d": refused
        mail "a@@b.c": refused
        web "https://example.org/x": accepted
        web "http://a.b": accepted
        web "example.org": refused
        web "https://": refused
        code "AB-12": accepted
        code "ab-12": refused
        code "xAB-12": refused
        code "AB-12x": refused
        code "AB-": refused
        nick "ab": accepted
        nick "abcde": accepted
        nick "a": refused
        nick "abcdef": refused
        nick "ไทย": accepted
        score "-1.5": accepted
        score "0": accepted
        score "10": accepted
        score "10.01": refused
        score "-2": refused
    "#]]
    .assert_eq(&out);
}

/// A text longer than a spreadsheet cell holds (32,767 characters) cannot be
/// written; the export says which cell instead of cutting the text.
#[test]
fn a_text_too_long_for_a_cell_is_an_error_not_a_cut() {
    let long = "ก".repeat(40_000);
    let yaml = format!(
        "form: {{id: long, version: \"1\", title: Long}}\nquestions:\n  - {{name: a, type: note, label: {long}}}\n"
    );
    let files = MemFiles::new().with("long.yaml", yaml);
    let (form, diags) = yim_form::load("long.yaml", &files);
    assert!(diags.is_empty(), "{diags:?}");
    let err = yim_xlsform::export(&form.expect("loads")).expect_err("the cell is too long");
    expect!["cannot write survey!2: a text is longer than the 32,767 characters a cell holds"]
        .assert_eq(&err);
}

/// A choice column whose header the choices sheet reads as something else
/// (`image` is a picture there) is left out and reported, so that the
/// workbook still imports to the form the export says it wrote.
#[test]
fn a_choice_column_xlsform_reserves_is_reported() {
    let yaml = r#"
form: {id: pick, version: "1", title: Pick}
questions:
  - {name: fruit, type: select_one fruits, label: Fruit}
choices:
  fruits:
    - {name: mango, label: Mango, image: mango, season: hot}
    - {name: durian, label: Durian, season: rainy}
"#;
    let files = MemFiles::new().with("pick.yaml", yaml.to_owned());
    let (form, diags) = yim_form::load("pick.yaml", &files);
    assert!(diags.is_empty(), "{diags:?}");
    expect![[r#"
        export notes (1):
          choices!2: the column `image` of the choice `mango` has a name XLSForm gives another meaning; it is left out

        pyxform warnings (0):

        import notes (0):
    "#]].assert_eq(&round_trip("pick", &form.expect("loads")));
}
