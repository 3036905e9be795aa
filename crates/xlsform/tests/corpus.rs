//! Real XLSForms written by other teams (see `corpus/README.md`), imported
//! and pinned: the form's metadata and languages, its group and repeat
//! structure with question counts, every note of the import report, the
//! notes counted by feature, and the lint result of the printed YAML.
//! Refresh the expectations with `UPDATE_EXPECT=1`.

use std::collections::BTreeMap;
use std::fmt::Write;

use expect_test::{expect_file, ExpectFile};
use yim_form::{MemFiles, Question, Text};

/// Imports `corpus/FILE`, prints a summary and compares it with `expect`.
fn check(file: &str, expect: ExpectFile) {
    let path = format!("{}/tests/corpus/{file}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).expect("corpus file is readable");
    let (form, notes) = yim_xlsform::import(file, &bytes);
    let form = form.expect("the corpus form imports");
    let mut out = String::new();
    let title = match &form.title {
        Text::Any(s) => s.clone(),
        Text::Langs(m) => m.values().next().cloned().unwrap_or_default(),
    };
    let _ = writeln!(
        out,
        "id: {}\nversion: {}\ntitle: {title}",
        form.id, form.version
    );
    let _ = writeln!(
        out,
        "languages: [{}], default {:?}",
        form.languages.join(", "),
        form.default_language
    );
    let walk: Vec<_> = form.walk().collect();
    let count = |kw: &str| {
        walk.iter()
            .filter(|w| w.question.qtype.keyword() == kw)
            .count()
    };
    let leaves = walk
        .iter()
        .filter(|w| !w.question.qtype.is_container())
        .count();
    let _ = writeln!(
        out,
        "questions: {leaves}, groups: {}, repeats: {}, choice lists: {}",
        count("group"),
        count("repeat"),
        form.choices.len()
    );
    let _ = writeln!(out, "\nstructure:");
    structure(&form.questions, 1, &mut out);
    let _ = writeln!(out, "\nnotes ({}):", notes.len());
    for n in &notes {
        let _ = writeln!(out, "  {n}");
    }
    let mut features: BTreeMap<(String, String), usize> = BTreeMap::new();
    for n in &notes {
        *features
            .entry((format!("{:?}", n.kind), n.feature.clone()))
            .or_default() += 1;
    }
    let _ = writeln!(out, "\nby feature:");
    for ((kind, feature), n) in &features {
        let _ = writeln!(out, "  {kind:<11} {feature:<40} {n}");
    }

    // The printed form loads back to the same form and lints clean.
    let yaml = yim_xlsform::to_yaml(&form, &notes, file);
    let files = MemFiles::new().with("form.yaml", yaml);
    let (reloaded, diags) = yim_form::load("form.yaml", &files);
    let mut reloaded = reloaded.expect("the printed form loads");
    reloaded.strip_locations();
    assert_eq!(reloaded, form, "the printed form loads back unchanged");
    let (_, diags2) = yim_engine::load_and_compile("form.yaml", &files);
    let _ = writeln!(out, "\nlint:");
    if diags.is_empty() && diags2.is_empty() {
        let _ = writeln!(out, "  clean");
    }
    for d in diags2 {
        let _ = writeln!(out, "  {d}");
    }
    expect.assert_eq(&out);
}

/// Groups and repeats as an indented tree, each with the number of
/// questions directly inside it.
fn structure(qs: &[Question], depth: usize, out: &mut String) {
    let leaves = qs.iter().filter(|q| !q.qtype.is_container()).count();
    if leaves > 0 {
        let _ = writeln!(out, "{:indent$}{leaves} questions", "", indent = depth * 2);
    }
    for q in qs.iter().filter(|q| q.qtype.is_container()) {
        let _ = writeln!(
            out,
            "{:indent$}{} {}",
            "",
            q.qtype.keyword(),
            q.name,
            indent = depth * 2
        );
        structure(&q.children, depth + 1, out);
    }
}

#[test]
fn all_question_types() {
    check(
        "all-question-types-v2024091201-3.xlsx",
        expect_file!["corpus/all-question-types.expect"],
    );
}

#[test]
fn socio_economic_survey() {
    check(
        "socio-economic-survey-v20240515.xlsx",
        expect_file!["corpus/socio-economic-survey.expect"],
    );
}

#[test]
fn ifrc_distribution_site_assessment() {
    check(
        "ifrc-distribution-site-assessment-v1.xlsx",
        expect_file!["corpus/ifrc-distribution-site-assessment.expect"],
    );
}

/// A session on an imported corpus form: answers in, offered choices and
/// relevance out, as `(path, what)` lines.
fn fill(file: &str, steps: &[(&str, &str)], show: &[&str]) -> String {
    use yim_engine::{compile, Clock, Date, Session};
    let path = format!("{}/tests/corpus/{file}", env!("CARGO_MANIFEST_DIR"));
    let (form, _) = yim_xlsform::import(file, &std::fs::read(path).expect("corpus file"));
    let (compiled, diags) = compile(&form.expect("imports"));
    assert!(diags.is_empty(), "{diags:?}");
    let mut s = Session::new(
        compiled.expect("compiles"),
        Clock::fixed(Date::from_ymd(2026, 1, 1).expect("date")),
    );
    for (path, value) in steps {
        if *value == "+" {
            s.add_repeat(path).expect("repeat added");
        } else {
            s.answer(path, value).expect("answered");
        }
    }
    let mut out = String::new();
    for path in show {
        let n = s.node(path).expect("node exists");
        let choices: Vec<&str> = n.choices.iter().map(|c| c.name.as_str()).collect();
        let _ = writeln!(
            out,
            "{path}: relevant {}, choices [{}]",
            n.relevant,
            choices.join(" ")
        );
    }
    out
}

#[test]
fn imported_forms_work_in_a_session() {
    // Cascading selects through the renamed choice names.
    let out = fill(
        "ifrc-distribution-site-assessment-v1.xlsx",
        &[
            ("district", "District2"),
            ("township", "Township_07"),
            ("fences", "yes"),
        ],
        &["township", "neighbourhood", "close_group"],
    );
    expect_test::expect![[r#"
        township: relevant true, choices [Township_06 Township_07 Township_08 Township_09 Township_10]
        neighbourhood: relevant true, choices [Neighbourhood_13 Neighbourhood_14]
        close_group: relevant false, choices []
    "#]]
    .assert_eq(&out);
    let out = fill(
        "socio-economic-survey-v20240515.xlsx",
        &[
            ("region", "KP"),
            ("internetHH", "1"),
            ("familyMembers", "+"),
            ("familyMembers[1]/healthVisit", "2"),
        ],
        &[
            "district",
            "internetType",
            "se_list",
            "familyMembers[1]/healthFacility",
            "familyMembers[1]/reasonForNoHealthVisit",
        ],
    );
    expect_test::expect![[r#"
        district: relevant true, choices [Arkari ChitralTown Garamchashma Madaklasht Parabeg Shoghore Susum Bang Booni Brep Khot Laspur]
        internetType: relevant true, choices [1 2 3 4 5 6 7]
        se_list: relevant false, choices [1 2 3 4 5 6 7 8]
        familyMembers[1]/healthFacility: relevant false, choices [1 2 3 4 5 6 7]
        familyMembers[1]/reasonForNoHealthVisit: relevant true, choices [1 2 3 4 5 6 7 8 9]
    "#]].assert_eq(&out);
}
