//! Forms that load cleanly: their resolved YAML, round trips, variants,
//! locations and speed.
//!
//! Every `*.yaml` file under `tests/good/` (except the `*.resolved.yaml`
//! expectations) must load without diagnostics. What [`to_yaml`] prints for it
//! must equal the sibling `NAME.resolved.yaml`, and loading that output must
//! give the same form again. `UPDATE_EXPECT=1` rewrites the expectations.

use std::fs;
use std::path::Path;

use yim_form::{
    load, to_yaml, to_yaml_with_files, Check, Form, ListSource, Loc, MemFiles, QType, Text,
};

mod common;
use common::read_tree;

fn good_files() -> MemFiles {
    let mut files = MemFiles::new();
    read_tree(Path::new("tests/good"), Path::new("tests"), &mut files);
    files
}

/// Loads a form that must have no diagnostics.
fn load_clean(path: &str, files: &MemFiles) -> Form {
    let (form, diagnostics) = load(path, files);
    let listed: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert!(
        diagnostics.is_empty(),
        "{path} has diagnostics:\n{}",
        listed.join("\n")
    );
    form.unwrap_or_else(|| panic!("{path} gave no form"))
}

fn stripped(mut form: Form) -> Form {
    form.strip_locations();
    form
}

/// The form as `to_yaml` says it: every choice list written out, so none is
/// read from a file any more.
fn inlined(mut form: Form) -> Form {
    for list in form.choices.values_mut() {
        list.source = ListSource::Inline;
    }
    form
}

/// Checks one good form: its printed form against the expectation, and the
/// printed form loaded back against the original.
fn check(files: &MemFiles, case: &str) -> Option<String> {
    let form = load_clean(case, files);
    let printed = to_yaml(&form);
    let expected_path = Path::new("tests").join(case.replace(".yaml", ".resolved.yaml"));
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::write(&expected_path, &printed).unwrap();
    } else {
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if printed != expected {
            return Some(format!(
                "--- {case}: printed form differs from {}\n{printed}",
                expected_path.display()
            ));
        }
    }
    let reloaded = load_clean(
        "printed.yaml",
        &MemFiles::new().with("printed.yaml", printed.clone()),
    );
    if stripped(reloaded) != inlined(stripped(form.clone())) {
        return Some(format!(
            "--- {case}: printing and loading again changed the form"
        ));
    }
    // Printed with its files named, a form that extends none loads again
    // from the same place, with its CSV and GeoJSON files, to the same form,
    // sources included.
    if !files.0[case].contains("extends:") {
        let mut beside = files.clone();
        beside.insert(case, to_yaml_with_files(&form));
        let (again, diags) = load(case, &beside);
        if !diags.is_empty() || again.map(stripped) != Some(stripped(form)) {
            return Some(format!(
                "--- {case}: printing with files named and loading again changed the form: {diags:?}"
            ));
        }
    }
    // Printing is stable: the reloaded form prints the same text.
    let reprinted = to_yaml(&load_clean(
        "printed.yaml",
        &MemFiles::new().with("printed.yaml", printed.clone()),
    ));
    (reprinted != printed)
        .then(|| format!("--- {case}: printing the reloaded form gave different text"))
}

#[test]
fn resolved_forms() {
    let files = good_files();
    let cases: Vec<&String> = files
        .0
        .keys()
        .filter(|k| k.ends_with(".yaml") && !k.ends_with(".resolved.yaml"))
        .collect();
    assert!(cases.len() >= 4, "found only {} good forms", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| check(&files, case))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn names(form: &Form) -> Vec<String> {
    form.questions.iter().map(|q| q.name.clone()).collect()
}

fn child_names(form: &Form, parent: &str) -> Vec<String> {
    form.question(parent)
        .unwrap()
        .children
        .iter()
        .map(|q| q.name.clone())
        .collect()
}

fn choice_names(form: &Form, list: &str) -> Vec<String> {
    form.choices[list]
        .choices
        .iter()
        .map(|c| c.name.clone())
        .collect()
}

#[test]
fn variant_operations() {
    let files = good_files();
    let core = load_clean("good/national/child-core.yaml", &files);
    let surin = load_clean("good/surin/child-surin.yaml", &files);

    // Metadata overrides the base; settings merge key by key.
    assert_eq!(surin.id, "child-surin");
    assert_eq!(surin.version, "2026.1-surin.1");
    assert_eq!(surin.title.get("en", "th"), "Child record, Surin");
    assert_eq!(surin.languages, ["th", "en"]);
    assert_eq!(surin.extends.as_deref(), Some("child-core"));
    assert_eq!(surin.settings.province.as_deref(), Some("Surin"));
    assert!(surin.settings.one_page);
    assert!(surin.settings.passphrase, "inherited from the base");
    assert_eq!(surin.settings.recipients, core.settings.recipients);

    // `at: start` and `at: end`, `before`, and `remove` at the top level.
    assert_eq!(
        names(&surin),
        [
            "volunteer",
            "consent",
            "child",
            "address",
            "household_size",
            "household",
            "school",
            "risks",
            "weight",
            "visit_time",
            "visit_start",
            "contact_email",
            "referral_note",
            "notes",
            "follow_up",
        ]
    );
    // `after`, including after a question the same variant adds.
    assert_eq!(
        child_names(&surin, "child"),
        [
            "child_name",
            "national_id",
            "dob",
            "age",
            "sex",
            "nationality",
            "khmer_speaker",
            "khmer_fluency"
        ]
    );
    // `inside` appends at the end of a repeat.
    assert_eq!(
        child_names(&surin, "household"),
        ["member_name", "member_age", "relation", "member_phone"]
    );

    // `override` replaces properties, and `null` (or `~`) removes them.
    let child_name = surin.question("child_name").unwrap();
    assert_eq!(
        child_name.label.as_ref().unwrap().get("en", "th"),
        "Child's full name"
    );
    assert_eq!(
        child_name.hint.as_ref().unwrap().get("th", "th"),
        "ตามบัตรประชาชน"
    );
    assert!(child_name.required.is_some(), "untouched properties stay");
    assert_eq!(
        child_name.checks,
        [Check::Length {
            min: Some(2),
            max: Some(80)
        }]
    );
    assert!(surin.question("national_id").unwrap().hint.is_none());
    let notes = surin.question("notes").unwrap();
    assert!(notes.read_only.is_none() && notes.appearance.is_none());
    assert_eq!(notes.qtype, QType::Text);

    // Whole lists are replaced or added; `choice_changes` edit a list in place.
    assert_eq!(
        choice_names(&surin, "nationalities"),
        ["thai", "cambodian", "other"]
    );
    assert_eq!(choice_names(&surin, "fluency"), ["some", "fluent"]);
    assert_eq!(
        choice_names(&surin, "risk_types"),
        ["labour", "neglect", "begging"]
    );
    let labour = &surin.choices["risk_types"].choices[0];
    assert_eq!(labour.label.get("en", "th"), "Child labour");
    // Lists the variant does not mention are the base's, CSV lists included.
    assert_eq!(surin.choices["districts"], core.choices["districts"]);
}

#[test]
fn chain_of_three() {
    let files = good_files();
    let town = load_clean("good/surin/child-surin-town.yaml", &files);
    assert_eq!(town.id, "child-surin-town");
    assert_eq!(town.extends.as_deref(), Some("child-surin"));
    assert_eq!(
        town.title.get("en", "th"),
        "Child record, Surin",
        "the middle form's title"
    );
    assert!(!town.settings.one_page, "overridden again");
    assert_eq!(town.settings.province.as_deref(), Some("Surin"));
    assert!(town.question("follow_up").is_none() && town.question("location").is_none());
    assert!(
        town.question("khmer_fluency").is_some(),
        "the middle form's additions stay"
    );
    assert!(
        town.question("substance_use").is_none(),
        "the middle form's removals stay"
    );
    assert_eq!(
        child_names(&town, "child").last().map(String::as_str),
        Some("community")
    );
    let volunteer = town.question("volunteer").unwrap();
    assert_eq!(volunteer.required.as_ref().unwrap().src, "true()");
    assert!(volunteer.hint.is_some());
}

/// The text in `files` at a location, to the end of its line.
fn text_at<'a>(files: &'a MemFiles, loc: &Loc) -> &'a str {
    let text = &files.0[&*loc.file];
    let line = text.lines().nth(loc.line as usize - 1).unwrap();
    let start: usize = line
        .chars()
        .take(loc.col as usize - 1)
        .map(char::len_utf8)
        .sum();
    &line[start..]
}

#[test]
fn locations_name_the_defining_file() {
    let files = good_files();
    let town = load_clean("good/surin/child-surin-town.yaml", &files);
    let at = |name: &str| town.question(name).unwrap().loc.clone();
    assert_eq!(
        at("consent").to_string(),
        "good/national/child-core.yaml:14:5"
    );
    assert_eq!(&*at("khmer_speaker").file, "good/surin/child-surin.yaml");
    assert_eq!(&*at("community").file, "good/surin/child-surin-town.yaml");
    assert_eq!(text_at(&files, &at("dob")), "name: dob");
    // An overridden property points at the override; the rest at the base.
    let child_name = town.question("child_name").unwrap();
    assert_eq!(
        &*child_name.loc_of("label").file,
        "good/surin/child-surin.yaml"
    );
    assert_eq!(
        &*child_name.loc_of("required").file,
        "good/national/child-core.yaml"
    );
    assert_eq!(
        &*town.prop_locs["id"].file,
        "good/surin/child-surin-town.yaml"
    );
    // Choices from CSV point at their row.
    let district = &town.choices["districts"].choices[8];
    assert_eq!(
        district.loc.to_string(),
        "good/national/thai-areas/districts.csv:10:1"
    );
    assert_eq!(district.label.get("en", "th"), "Mueang Trang \"city\"");
    assert_eq!(district.extra["province"], "92");
    assert_eq!(
        town.choices["districts"].choices[0].label.get("en", "th"),
        "Mueang Surin, town"
    );
}

#[test]
fn expression_locations() {
    let files = good_files();
    let core = load_clean("good/national/child-core.yaml", &files);
    let cases = [
        // A double-quoted expression starts after its quote.
        ("dob", core.question("dob").unwrap().constraint.clone()),
        ("age", core.question("age").unwrap().calculation.clone()),
        // A plain one starts at its first character.
        (
            "district",
            core.question("district").unwrap().choice_filter.clone(),
        ),
        (
            "household",
            core.question("household").unwrap().repeat_count.clone(),
        ),
        // `required: yes` points at the `yes`.
        (
            "consent",
            core.question("consent").unwrap().required.clone(),
        ),
    ];
    for (name, expr) in cases {
        let expr = expr.unwrap_or_else(|| panic!("{name} has no expression"));
        let at = text_at(&files, &expr.loc);
        let wanted = if expr.src == "true()" {
            "yes"
        } else {
            expr.src.as_str()
        };
        assert!(
            at.starts_with(wanted),
            "{name}: {} points at {at:?}, not {wanted:?}",
            expr.loc
        );
    }
    // A block scalar starts on its first content line.
    let mem = MemFiles::new().with(
        "f.yaml",
        "form: {id: f, version: '1', title: F}\nquestions:\n  - name: a\n    type: calculate\n    calculation: |\n      1 +\n      2\n",
    );
    let form = load_clean("f.yaml", &mem);
    let calc = form.questions[0].calculation.as_ref().unwrap();
    assert_eq!(calc.src, "1 +\n2\n");
    assert_eq!(calc.loc.to_string(), "f.yaml:6:7");
}

#[test]
fn walk_is_depth_first_with_parents() {
    let files = good_files();
    let core = load_clean("good/national/child-core.yaml", &files);
    let walked: Vec<(String, Vec<String>)> = core
        .walk()
        .map(|w| {
            (
                w.question.name.clone(),
                w.parents.iter().map(|p| p.name.clone()).collect(),
            )
        })
        .take(4)
        .collect();
    let want = [
        ("consent", vec![]),
        ("child", vec![]),
        ("child_name", vec!["child"]),
        ("national_id", vec!["child"]),
    ];
    let want: Vec<(String, Vec<String>)> = want
        .iter()
        .map(|(n, p)| (n.to_string(), p.iter().map(|s| s.to_string()).collect()))
        .collect();
    assert_eq!(walked, want);
    assert_eq!(core.walk().count(), 26);
    assert_eq!(core.walk().filter(|w| w.parents.len() == 1).count(), 12);
}

#[test]
fn text_falls_back() {
    let t = Text::Langs(
        [
            ("th".to_string(), "ชื่อ".to_string()),
            ("en".to_string(), "Name".to_string()),
        ]
        .into(),
    );
    assert_eq!(t.get("en", "th"), "Name");
    assert_eq!(t.get("lo", "th"), "ชื่อ");
    assert_eq!(t.get("lo", "km"), "ชื่อ");
    assert_eq!(Text::Any("x".into()).get("en", "th"), "x");
    assert_eq!(Text::Langs(Default::default()).get("en", "th"), "");
}

/// A generated form with `n` questions in groups of ten, and a variant that
/// touches every tenth question.
fn large_form(n: usize) -> MemFiles {
    let mut base = String::from(
        "form: {id: big, version: '1', title: {th: ใหญ่, en: Big}, languages: [th, en]}\nquestions:\n",
    );
    for g in 0..n / 10 {
        base.push_str(&format!("  - name: g{g}\n    type: group\n    label: {{th: กลุ่ม {g}, en: Group {g}}}\n    questions:\n"));
        for i in 0..9 {
            base.push_str(&format!(
                "      - {{name: q{g}_{i}, type: select_one yn, label: {{th: ข้อ {i}, en: Item {i}}}, relevant: \"${{q{g}_0}} = 'y'\"}}\n"
            ));
        }
    }
    base.push_str("choices:\n  yn:\n    - {name: y, label: {th: ใช่, en: Yes}}\n    - {name: n, label: {th: ไม่, en: No}}\n");
    let mut variant = String::from("extends: big.yaml\nform: {id: big-variant}\nremove: [");
    let removed: Vec<String> = (0..n / 10).map(|g| format!("q{g}_8")).collect();
    variant.push_str(&removed.join(", "));
    variant.push_str("]\nadd:\n");
    for g in 0..n / 10 {
        variant.push_str(&format!(
            "  - after: q{g}_3\n    questions: [{{name: extra{g}, type: text, label: {{th: เพิ่ม, en: Extra}}}}]\n"
        ));
    }
    variant.push_str("override:\n");
    for g in 0..n / 10 {
        variant.push_str(&format!("  q{g}_1: {{hint: {{th: คำแนะนำ, en: Hint}}}}\n"));
    }
    MemFiles::new()
        .with("big.yaml", base)
        .with("big-variant.yaml", variant)
}

#[test]
fn large_forms_and_their_variants_load() {
    // How long this takes is measured by `cargo bench -p yim-engine` ("load
    // YAML (1,000 questions)"), not asserted here: a timed test fails on a
    // busy machine without anything being wrong.
    let files = large_form(1000);
    let base = load_clean("big.yaml", &files);
    let variant = load_clean("big-variant.yaml", &files);
    assert_eq!(base.walk().count(), 1000);
    assert_eq!(variant.walk().count(), 1000);
    assert_eq!(variant.questions[5].children[4].name, "extra5");
}

#[cfg(feature = "fs")]
#[test]
fn fs_files_read_the_same_forms() {
    let mem = load_clean("good/surin/child-surin-town.yaml", &good_files());
    let (disk, diagnostics) = load("tests/good/surin/child-surin-town.yaml", &yim_form::FsFiles);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let disk = disk.unwrap();
    assert_eq!(
        disk.question("consent").unwrap().loc.to_string(),
        "tests/good/national/child-core.yaml:14:5"
    );
    assert_eq!(stripped(disk), stripped(mem));
    let (none, diagnostics) = load("tests/good/no-such-file.yaml", &yim_form::FsFiles);
    assert!(none.is_none());
    assert_eq!(
        diagnostics[0].to_string(),
        "tests/good/no-such-file.yaml:1:1: cannot read `tests/good/no-such-file.yaml`: the file does not exist"
    );
}

/// The full examples in `docs/form-format.md` (the form, the variant and the
/// variant that adds a language) load without diagnostics, next to the
/// national form and its CSV lists.
#[test]
fn documented_examples_load() {
    let doc = fs::read_to_string("../../docs/form-format.md").unwrap();
    let blocks: Vec<&str> = doc
        .split("```yaml\n")
        .skip(1)
        .map(|b| &b[..b.find("```").unwrap()])
        .filter(|b| b.starts_with("form:") || b.starts_with("extends:"))
        .collect();
    assert_eq!(
        blocks.len(),
        3,
        "expected the full example, the variant example and the language example"
    );
    let mut files = good_files();
    let find = |word: &str| *blocks.iter().find(|b| b.contains(word)).unwrap();
    files.insert("good/national/doc-example.yaml", blocks[0]);
    files.insert("good/surin/doc-variant.yaml", find("khmer_speaker"));
    let example = load_clean("good/national/doc-example.yaml", &files);
    assert_eq!(example.questions.len(), 7);
    let variant = load_clean("good/surin/doc-variant.yaml", &files);
    assert!(variant.question("khmer_speaker").is_some());
    assert_eq!(variant.extends.as_deref(), Some("child-core"));
    files.insert("good/surin/doc-language.yaml", find("partial_languages"));
    let khmer = load_clean("good/surin/doc-language.yaml", &files);
    assert_eq!(khmer.languages, ["th", "en", "km"]);
    assert_eq!(khmer.partial_languages, ["km"]);
    let label = khmer
        .question("child_name")
        .unwrap()
        .label
        .as_ref()
        .unwrap();
    assert_eq!(label.get("km", "th"), "ឈ្មោះកុមារ");
    // A text without Khmer is shown in Thai.
    let dob = khmer.question("dob").unwrap().label.as_ref().unwrap();
    assert_eq!(dob.get("km", "th"), dob.get("th", "th"));
    // The printed form keeps the partial language, so it loads again.
    let printed = yim_form::to_yaml(&khmer);
    assert!(printed.contains("  partial_languages: [km]\n"), "{printed}");
    files.insert("good/surin/doc-language.resolved.yaml", printed);
    load_clean("good/surin/doc-language.resolved.yaml", &files);
}
