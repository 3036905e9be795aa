//! The community forms in `forms/`, checked the way the app uses them: every
//! file loads and compiles without a problem and speaks both Thai and
//! English, each province variant makes the changes it is meant to, and
//! scripted answers on the national core form give the expected relevance,
//! values and messages.
//!
//! Scenario results are printed one node per line and compared with
//! `expect!` (refresh with `UPDATE_EXPECT=1 cargo test -p yim-engine --test
//! forms`). A line reads `path = value`, followed by flags: `hidden` (not
//! relevant), `required`, and `! message` for an error.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use expect_test::{expect, Expect};
use yim_engine::{load_and_compile, Clock, CompiledForm, Date, NodeKind, NodeView, Session};
use yim_form::{Form, FsFiles, Text};

/// The repository's `forms/` folder, relative to this crate, which is where
/// cargo runs the tests.
const FORMS: &str = "../../forms";
const CORE: &str = "national/child-core.yaml";
const LANGUAGES: [&str; 2] = ["th", "en"];

/// The compiled form `file` (relative to `forms/`), loaded once per test
/// run: the address lists make each load take a moment.
fn compiled(file: &str) -> Arc<CompiledForm> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<CompiledForm>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(form) = cache.lock().unwrap().get(file) {
        return form.clone();
    }
    let path = format!("{FORMS}/{file}");
    let (compiled, diags) = load_and_compile(&path, &FsFiles);
    let problems: Vec<String> = diags.iter().map(ToString::to_string).collect();
    assert!(
        problems.is_empty(),
        "{path} has problems:\n{}",
        problems.join("\n")
    );
    let form = compiled.unwrap_or_else(|| panic!("{path} did not compile"));
    cache.lock().unwrap().insert(file.to_owned(), form.clone());
    form
}

/// Every form file below `forms/`, as a path relative to it, in path order.
fn form_files() -> Vec<String> {
    fn collect(dir: &Path, out: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("forms/ is readable")
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                collect(&path, out);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            ) {
                let relative = path.strip_prefix(FORMS).expect("below forms/");
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    collect(Path::new(FORMS), &mut out);
    out
}

/// Every text a person can see, with a description of where it is.
fn texts(form: &Form) -> Vec<(String, &Text)> {
    let mut out = vec![("title".to_owned(), &form.title)];
    for walked in form.walk() {
        let q = walked.question;
        let props = [
            ("label", &q.label),
            ("hint", &q.hint),
            ("required_message", &q.required_message),
            ("constraint_message", &q.constraint_message),
        ];
        for (key, text) in props {
            if let Some(t) = text {
                out.push((format!("{} of {}", key, q.name), t));
            }
        }
    }
    for list in form.choices.values() {
        for c in list.choices.iter() {
            out.push((
                format!("label of choice {} in {}", c.name, list.name),
                &c.label,
            ));
        }
    }
    out
}

#[test]
fn every_form_compiles_cleanly_in_thai_and_english() {
    let mut summary = String::new();
    for file in form_files() {
        let compiled = compiled(&file);
        let form = &compiled.form;
        let mut untranslated = Vec::new();
        for (place, text) in texts(form) {
            // Thai and English everywhere; a province's third language
            // only where it has a translation.
            let complete = match text {
                Text::Langs(map) => {
                    LANGUAGES
                        .iter()
                        .all(|l| map.get(*l).is_some_and(|s| !s.trim().is_empty()))
                        && map.keys().all(|l| form.languages.contains(l))
                        && map.values().all(|s| !s.trim().is_empty())
                }
                Text::Any(_) => false,
            };
            if !complete {
                untranslated.push(place);
            }
        }
        assert_eq!(
            untranslated,
            Vec::<String>::new(),
            "{file}: texts without both th and en"
        );
        assert_eq!(form.languages[..2], LANGUAGES, "{file}");
        assert_eq!(form.languages[2..], form.partial_languages, "{file}");
        assert_eq!(form.default_language, "th", "{file}");
        let questions = form.walk().count();
        let choices: usize = form.choices.values().map(|l| l.choices.len()).sum();
        summary.push_str(&format!(
            "{file}: {} {}, {} for {}{}, {questions} questions, {} lists, {choices} choices\n",
            form.id,
            form.version,
            form.extends
                .as_deref()
                .map_or("national".to_owned(), |b| format!("extends {b}")),
            form.settings
                .province
                .as_deref()
                .unwrap_or("every province"),
            form.partial_languages
                .iter()
                .map(|l| format!(" (also in {l})"))
                .collect::<String>(),
            form.choices.len(),
        ));
    }
    expect![[r#"
        kalasin/child-kalasin.yaml: child-kalasin 2026.2-kalasin.1, extends child-core for Kalasin, 134 questions, 47 lists, 8697 choices
        lampang/child-lampang.yaml: child-lampang 2026.2-lampang.1, extends child-core for Lampang, 139 questions, 49 lists, 8708 choices
        loei/child-loei.yaml: child-loei 2026.2-loei.1, extends child-core for Loei (also in lo), 140 questions, 49 lists, 8710 choices
        national/child-core.yaml: child-core 2026.2, national for every province, 136 questions, 47 lists, 8696 choices
        national/child-follow-up.yaml: child-follow-up 2026.2, national for every province, 42 questions, 7 lists, 35 choices
        phayao/child-follow-up-phayao.yaml: child-follow-up-phayao 2026.2-phayao.1, extends child-follow-up for Phayao, 45 questions, 8 lists, 41 choices
        phayao/child-phayao.yaml: child-phayao 2026.2-phayao.1, extends child-core for Phayao, 140 questions, 49 lists, 8710 choices
        surin/child-surin.yaml: child-surin 2026.2-surin.1, extends child-core for Surin (also in km), 139 questions, 49 lists, 8706 choices
        trang/child-trang.yaml: child-trang 2026.2-trang.1, extends child-core for Trang, 140 questions, 49 lists, 8709 choices
        ubon/child-ubon.yaml: child-ubon 2026.2-ubon.1, extends child-core for Ubon Ratchathani, 141 questions, 49 lists, 8708 choices
    "#]].assert_eq(&summary);
}

/// What a variant changes relative to the core form: the questions and
/// choice lists it adds and removes, by name and in form order.
fn check_variant(file: &str, expect: Expect) {
    let core = compiled(CORE);
    let variant = compiled(file);
    let names = |f: &Form| {
        f.walk()
            .map(|w| w.question.name.clone())
            .collect::<Vec<_>>()
    };
    let (before, after) = (names(&core.form), names(&variant.form));
    let mut out = format!(
        "{} {} ({})\n",
        variant.form.id,
        variant.form.version,
        variant
            .form
            .settings
            .province
            .as_deref()
            .unwrap_or("no province")
    );
    for name in after.iter().filter(|n| !before.contains(n)) {
        out.push_str(&format!("+ {name}\n"));
    }
    for name in before.iter().filter(|n| !after.contains(n)) {
        out.push_str(&format!("- {name}\n"));
    }
    for list in variant
        .form
        .choices
        .keys()
        .filter(|l| !core.form.choices.contains_key(*l))
    {
        out.push_str(&format!("+ list {list}\n"));
    }
    for (name, list) in &variant.form.choices {
        let Some(base) = core.form.choices.get(name) else {
            continue;
        };
        for c in list
            .choices
            .iter()
            .filter(|c| !base.choices.iter().any(|b| b.name == c.name))
        {
            out.push_str(&format!("+ choice {name}/{}\n", c.name));
        }
        for c in base
            .choices
            .iter()
            .filter(|b| !list.choices.iter().any(|c| c.name == b.name))
        {
            out.push_str(&format!("- choice {name}/{}\n", c.name));
        }
    }
    expect.assert_eq(&out);
}

#[test]
fn variants_resolve_with_their_local_changes() {
    check_variant(
        "surin/child-surin.yaml",
        expect![[r#"
            child-surin 2026.2-surin.1 (Surin)
            + home_language
            + home_language_other
            + understands_thai
            + list home_languages
            + list thai_understanding
            + choice work_types/sugarcane
            + choice dropout_reasons/seasonal_migration
        "#]],
    );
    check_variant(
        "phayao/child-phayao.yaml",
        expect![[r#"
            child-phayao 2026.2-phayao.1 (Phayao)
            + legal_status
            + crosses_border
            + ethnicity
            + ethnicity_other
            + list legal_statuses
            + list ethnic_groups
            + choice dropout_reasons/language
        "#]],
    );
    check_variant(
        "kalasin/child-kalasin.yaml",
        expect![[r#"
            child-kalasin 2026.2-kalasin.1 (Kalasin)
            - home_location
            - heavy_debt
            + choice agencies/district_team
        "#]],
    );
    check_variant(
        "lampang/child-lampang.yaml",
        expect![[r#"
        child-lampang 2026.2-lampang.1 (Lampang)
        + breathing_problems
        + parent_work_place
        + parent_contact
        + list work_places
        + list contact_frequencies
        + choice work_types/ceramics
        + choice plan_actions/contact_parents
    "#]],
    );
    check_variant(
        "loei/child-loei.yaml",
        expect![[r#"
        child-loei 2026.2-loei.1 (Loei)
        + home_language
        + home_language_other
        + crosses_border
        + border_reasons
        + list home_languages
        + list border_reasons
        + choice work_types/harvest
        + choice work_types/border_carrying
        + choice dropout_reasons/seasonal_migration
    "#]],
    );
    check_variant(
        "ubon/child-ubon.yaml",
        expect![[r#"
        child-ubon 2026.2-ubon.1 (Ubon Ratchathani)
        + home_language
        + home_language_other
        + seasonal_work
        + seasonal_months
        + seasonal_school_note
        + list home_languages
        + list seasonal_work
        + choice work_types/sugarcane
        + choice dropout_reasons/seasonal_migration
    "#]],
    );
    check_variant(
        "trang/child-trang.yaml",
        expect![[r#"
        child-trang 2026.2-trang.1 (Trang)
        + community
        + maniq_registration_note
        + child_work_help
        + night_work_note
        + list communities
        + list child_work_help
        + choice income_sources/fishing
        + choice work_types/rubber
        + choice work_types/seafood
    "#]],
    );
}

// ----- Scenarios on the core form -----

/// One command of a scenario.
#[derive(Clone, Copy)]
enum Step<'a> {
    Answer(&'a str, &'a str),
    Add(&'a str),
    Lang(&'a str),
}
use Step::*;

/// A session on `file`, with today fixed at 2026-11-23.
fn session(file: &str) -> Session {
    Session::new(
        compiled(file),
        Clock::fixed(Date::from_ymd(2026, 11, 23).unwrap()),
    )
}

fn run(s: &mut Session, steps: &[Step]) {
    for step in steps {
        match step {
            Answer(p, v) => {
                s.answer(p, v).unwrap_or_else(|e| panic!("answer {p}: {e}"));
            }
            Add(p) => {
                s.add_repeat(p).unwrap_or_else(|e| panic!("add {p}: {e}"));
            }
            Lang(l) => {
                s.set_language(l);
            }
        }
    }
}

fn dump(n: &NodeView, out: &mut String) {
    let value = match n.kind {
        NodeKind::Group => String::new(),
        NodeKind::Repeat => format!(" ({} entries)", n.instances.len()),
        _ => format!(" = {}", n.text),
    };
    out.push_str(&n.path);
    out.push_str(value.trim_end());
    if !n.relevant {
        out.push_str(" hidden");
    }
    if n.required {
        out.push_str(" required");
    }
    if let Some(e) = &n.error {
        out.push_str(" ! ");
        out.push_str(e);
    }
    out.push('\n');
    n.children.iter().for_each(|c| dump(c, out));
    for i in &n.instances {
        i.children.iter().for_each(|c| dump(c, out));
    }
}

/// Runs a scenario on `file` and compares the state of the nodes named in
/// `show` (a group or repeat shows everything inside it).
fn check_on(file: &str, steps: &[Step], show: &[&str], expect: Expect) {
    let mut s = session(file);
    run(&mut s, steps);
    let mut out = String::new();
    for path in show {
        let node = s.node(path).unwrap_or_else(|| panic!("no node {path}"));
        dump(&node, &mut out);
    }
    expect.assert_eq(&out);
}

fn check(steps: &[Step], show: &[&str], expect: Expect) {
    check_on(CORE, steps, show, expect);
}

/// The answers that open the form: the visit and the consent.
const START: &[Step] = &[
    Answer("recorder_name", "Malee"),
    Answer("recorder_role", "volunteer"),
    Answer("consent", "yes"),
];

/// The opening answers followed by `steps`.
fn with<'a>(steps: &[Step<'a>]) -> Vec<Step<'a>> {
    START.iter().chain(steps).copied().collect()
}

#[test]
fn nothing_but_the_visit_page_until_consent_is_given() {
    check(
        &[],
        &["visit", "child", "plan"],
        expect![[r#"
            visit
            visit_date = 2026-11-23 required
            recorder_name = required ! กรุณาตอบคำถามนี้
            recorder_role = required ! กรุณาตอบคำถามนี้
            consent = required ! กรุณาตอบคำถามนี้
            no_consent_note = hidden
            child hidden
            child_first_name = hidden required
            child_last_name = hidden
            nickname = hidden
            id_status = hidden required
            national_id = hidden required
            dob = hidden required
            dob_estimated = no hidden
            age_years = hidden
            adult_note = hidden
            sex = hidden required
            nationality = thai hidden required
            nationality_other = hidden required
            birth_registered = hidden
            plan hidden
            family_needs = hidden required
            family_words = hidden
            plan_actions = hidden required
            lead_agency = hidden required
            agency_contact = hidden
            next_visit = hidden required
            plan_agreed_family = hidden required
            plan_agreed_child = hidden required
            plan_disagreement = hidden
            referred = hidden
            referral_agency = hidden required
            referral_date = hidden required
            referral_consent = hidden required
            referral_no_consent_note = hidden
            referral_feedback = hidden
            case_status = open hidden
            plan_notes = hidden
        "#]],
    );
    check(
        &[Answer("consent", "no")],
        &["visit", "risk"],
        expect![[r#"
        visit
        visit_date = 2026-11-23 required
        recorder_name = required ! กรุณาตอบคำถามนี้
        recorder_role = required ! กรุณาตอบคำถามนี้
        consent = no required
        no_consent_note =
        risk hidden
        risks = hidden required
        violence hidden
        violence_types = hidden required
        violence_by = hidden required
        violence_frequency = hidden required
        lives_with_perpetrator = hidden required
        neglect hidden
        neglect_types = hidden required
        left_alone = hidden
        labour hidden
        work_types = hidden required
        work_hours = hidden
        work_hazardous = hidden required
        labour_law_note = hidden
        dropout hidden
        dropout_reasons = hidden required
        last_grade = hidden
        wants_to_return = hidden required
        substances hidden
        substance_users = hidden required
        substance_types = hidden required
        exploitation hidden
        exploitation_types = hidden required
        risk_other = hidden required
        immediate_danger = hidden required
        urgent = hidden
        urgent_note = hidden
        risk_level = hidden required
    "#]],
    );
}

#[test]
fn age_is_counted_in_full_years_from_the_date_of_birth() {
    let cases = [
        "2016-11-23", // tenth birthday today
        "2016-11-24", // tenth birthday tomorrow
        "2016-02-29", // born on a leap day
        "2008-11-23", // eighteen today: no longer a child
        "2026-11-23", // born today
        "2026-11-24", // tomorrow: not allowed
    ];
    let mut out = String::new();
    for dob in cases {
        let mut s = session(CORE);
        run(&mut s, &with(&[Answer("dob", dob)]));
        let age = s.node("age_years").unwrap();
        let dob_node = s.node("dob").unwrap();
        let adult = s.node("adult_note").unwrap().relevant;
        out.push_str(&format!(
            "{dob}: age {}{}{}\n",
            age.text,
            if adult { ", adult note" } else { "" },
            dob_node
                .error
                .map(|e| format!(" ! {e}"))
                .unwrap_or_default()
        ));
    }
    expect![[r#"
        2016-11-23: age 10
        2016-11-24: age 9
        2016-02-29: age 10
        2008-11-23: age 18, adult note
        2026-11-23: age 0
        2026-11-24: age -1 ! วันเกิดต้องไม่อยู่ในอนาคต
    "#]]
    .assert_eq(&out);
}

#[test]
fn a_four_year_old_gets_the_early_years_page_and_no_question_of_agreeing() {
    // Typed as a volunteer would: a Thai month and a Buddhist-era year.
    let steps = with(&[
        Answer("dob", "12 มิ.ย. 2565"),
        Answer("child_heard", "too_young"),
        Answer("feelings", "well"),
        Answer("development_concerns", "speaking"),
        Answer("plan_agreed_family", "yes"),
    ]);
    check(
        &steps,
        &[
            "dob",
            "age_years",
            "voice",
            "early_years",
            "plan_agreed_child",
        ],
        expect![[r#"
            dob = 2022-06-12 required
            age_years = 4
            voice
            child_heard = too_young required
            child_wishes = hidden
            child_strengths =
            child_interests =
            trusted_adult =
            feelings = well required
            feelings_signs = hidden
            self_harm_note = hidden
            early_years
            development_screened = required ! กรุณาตอบคำถามนี้
            development_concerns = speaking required
            development_note =
            vaccinations =
            play_and_talk =
            plan_agreed_child = hidden required
        "#]],
    );
}

#[test]
fn a_twelve_year_old_is_heard_and_asked_about_the_plan() {
    let steps = with(&[
        Answer("dob", "2014-01-20"),
        Answer("child_heard", "alone"),
        Answer("child_wishes", "อยากเรียนต่อ ม.1 และอยากเล่นฟุตบอล"),
        Answer("child_strengths", "sport friends"),
        Answer("feelings", "unhappy"),
        Answer("feelings_signs", "sleep self_harm"),
        Answer("family_needs", "school_costs none"),
        Answer("plan_agreed_family", "partly"),
        Answer("plan_agreed_child", "yes"),
    ]);
    check(
        &steps,
        &["early_years", "voice", "plan"],
        expect![[r#"
            early_years hidden
            development_screened = hidden required
            development_concerns = hidden required
            development_note = hidden
            vaccinations = hidden
            play_and_talk = hidden
            voice
            child_heard = alone required
            child_wishes = อยากเรียนต่อ ม.1 และอยากเล่นฟุตบอล
            child_strengths = sport friends
            child_interests =
            trusted_adult =
            feelings = unhappy required
            feelings_signs = sleep self_harm
            self_harm_note =
            plan
            family_needs = school_costs none required ! เลือก "ไม่ต้องการความช่วยเหลือ" ร่วมกับข้ออื่นไม่ได้
            family_words =
            plan_actions = required ! กรุณาตอบคำถามนี้
            lead_agency = required ! กรุณาตอบคำถามนี้
            agency_contact =
            next_visit = required ! กรุณาตอบคำถามนี้
            plan_agreed_family = partly required
            plan_agreed_child = yes required
            plan_disagreement =
            referred =
            referral_agency = hidden required
            referral_date = hidden required
            referral_consent = hidden required
            referral_no_consent_note = hidden
            referral_feedback = hidden
            case_status = open
            plan_notes =
        "#]],
    );
}

#[test]
fn a_ten_year_old_not_in_school_gets_the_drop_out_questions() {
    let steps = with(&[
        Answer("dob", "2016-05-10"),
        Answer("school_enrolled", "no"),
        Answer("risks", "neglect"),
    ]);
    check(
        &steps,
        &["age_years", "education", "risk"],
        expect![[r#"
        age_years = 10
        education
        school_enrolled = no required
        school_level = hidden required
        school_name = hidden
        attendance = hidden required
        compulsory_age = true
        out_of_school = true
        out_of_school_note =
        risk
        risks = neglect required
        violence hidden
        violence_types = hidden required
        violence_by = hidden required
        violence_frequency = hidden required
        lives_with_perpetrator = hidden required
        neglect
        neglect_types = required ! กรุณาตอบคำถามนี้
        left_alone =
        labour hidden
        work_types = hidden required
        work_hours = hidden
        work_hazardous = hidden required
        labour_law_note = hidden
        dropout
        dropout_reasons = required ! กรุณาตอบคำถามนี้
        last_grade =
        wants_to_return = required ! กรุณาตอบคำถามนี้
        substances hidden
        substance_users = hidden required
        substance_types = hidden required
        exploitation hidden
        exploitation_types = hidden required
        risk_other = hidden required
        immediate_danger = required ! กรุณาตอบคำถามนี้
        urgent = false
        urgent_note = hidden
        risk_level = required ! กรุณาตอบคำถามนี้
    "#]],
    );
    // Enrolled and attending: the drop-out page goes away again.
    let steps = with(&[
        Answer("dob", "2016-05-10"),
        Answer("school_enrolled", "yes"),
        Answer("attendance", "regular"),
        Answer("risks", "neglect"),
    ]);
    check(
        &steps,
        &["out_of_school", "out_of_school_note", "dropout"],
        expect![[r#"
        out_of_school = false
        out_of_school_note = hidden
        dropout hidden
        dropout_reasons = hidden required
        last_grade = hidden
        wants_to_return = hidden required
    "#]],
    );
    // A four-year-old out of school is below compulsory school age.
    let steps = with(&[Answer("dob", "2022-01-15"), Answer("school_enrolled", "no")]);
    check(
        &steps,
        &["age_years", "compulsory_age", "out_of_school", "dropout"],
        expect![[r#"
        age_years = 4
        compulsory_age = false
        out_of_school = false
        dropout hidden
        dropout_reasons = hidden required
        last_grade = hidden
        wants_to_return = hidden required
    "#]],
    );
}

#[test]
fn cascading_selects_narrow_province_district_and_sub_district() {
    let mut s = session(CORE);
    run(&mut s, &with(&[]));
    let offered = |s: &Session, path: &str| -> String {
        let node = s.node(path).unwrap();
        let names: Vec<String> = node
            .choices
            .iter()
            .map(|c| format!("{} {}", c.name, c.label))
            .collect();
        format!("{path}: {} offered: {}\n", names.len(), names.join(", "))
    };
    let mut out = String::new();
    out.push_str(&format!(
        "provinces: {}\n",
        s.node("province").unwrap().choices.len()
    ));
    out.push_str(&offered(&s, "district"));
    run(&mut s, &[Answer("province", "56")]);
    out.push_str(&offered(&s, "district"));
    run(&mut s, &[Answer("district", "5603"), Lang("en")]);
    out.push_str(&offered(&s, "subdistrict"));
    run(
        &mut s,
        &[Answer("subdistrict", "560301"), Answer("province", "32")],
    );
    let mut nodes = String::new();
    for path in ["province", "district", "subdistrict"] {
        dump(&s.node(path).unwrap(), &mut nodes);
    }
    out.push_str(&nodes);
    expect![[r#"
        provinces: 77
        district: 0 offered: 
        district: 9 offered: 5601 เมืองพะเยา, 5602 จุน, 5603 เชียงคำ, 5604 เชียงม่วน, 5605 ดอกคำใต้, 5606 ปง, 5607 แม่ใจ, 5608 ภูซาง, 5609 ภูกามยาว
        subdistrict: 10 offered: 560301 Yuan, 560306 Nam Waen, 560307 Wiang, 560308 Fai Kwang, 560309 Chedi Kham, 560310 Rom Yen, 560311 Chiang Ban, 560312 Mae Lao, 560313 Ang Thong, 560314 Thung Pha Suk
        province = 32 required
        district = 5603 required ! this answer is not one of the choices offered
        subdistrict = 560301 required
    "#]].assert_eq(&out);
}

#[test]
fn household_members_count_into_totals_and_income_per_person() {
    let steps = with(&[
        Answer("lives_with", "grandparents"),
        Answer("caregiver_name", "Bua Kaew"),
        Answer("caregiver_relation", "grandparent"),
        Answer("caregiver_age", "67"),
        Add("household"),
        Add("household"),
        Add("household"),
        Answer("household[1]/member_name", "Bua Kaew"),
        Answer("household[1]/member_relation", "grandparent"),
        Answer("household[1]/member_age", "67"),
        Answer("household[2]/member_name", "Dao"),
        Answer("household[2]/member_relation", "sibling"),
        Answer("household[2]/member_age", "6"),
        Answer("household[3]/member_name", "Somchai"),
        Answer("household[3]/member_relation", "uncle_aunt"),
        Answer("household[3]/member_age", "41"),
        Answer("income_sources", "farming allowance"),
        Answer("monthly_income", "9000"),
    ]);
    check(
        &steps,
        &[
            "elderly_caregiver_note",
            "household_total",
            "household_children",
            "household_elders",
            "livelihood",
        ],
        expect![[r#"
            elderly_caregiver_note =
            household_total = 4
            household_children = 2
            household_elders = 1
            livelihood
            income_sources = farming allowance required
            monthly_income = 9000
            income_per_person = 2250
            low_income_note =
            heavy_debt =
            welfare_received =
            housing_tenure = required ! กรุณาตอบคำถามนี้
            housing_condition =
            housing_problems =
        "#]],
    );
    // "No income" cannot be combined with a source, and leaves nothing to divide.
    let steps = with(&[Answer("income_sources", "none farming")]);
    check(
        &steps,
        &[
            "income_sources",
            "monthly_income",
            "income_per_person",
            "low_income_note",
        ],
        expect![[r#"
        income_sources = none farming required ! เลือก "ไม่มีรายได้" ร่วมกับข้ออื่นไม่ได้
        monthly_income = hidden
        income_per_person = 0
        low_income_note =
    "#]],
    );
    let steps = with(&[Answer("income_sources", "none")]);
    check(
        &steps,
        &[
            "income_sources",
            "monthly_income",
            "income_per_person",
            "low_income_note",
        ],
        expect![[r#"
        income_sources = none required
        monthly_income = hidden
        income_per_person = 0
        low_income_note =
    "#]],
    );
}

#[test]
fn risks_open_their_follow_up_questions_and_urgent_cases_must_be_high_risk() {
    let steps = with(&[
        Answer("dob", "2013-03-01"),
        Answer("risks", "violence labour"),
        Answer("violence_types", "physical sexual"),
        Answer("work_types", "family_farm"),
        Answer("immediate_danger", "no"),
        Answer("risk_level", "medium"),
    ]);
    check(
        &steps,
        &["risk"],
        expect![[r#"
        risk
        risks = violence labour required
        violence
        violence_types = physical sexual required
        violence_by = required ! กรุณาตอบคำถามนี้
        violence_frequency = required ! กรุณาตอบคำถามนี้
        lives_with_perpetrator = required ! กรุณาตอบคำถามนี้
        neglect hidden
        neglect_types = hidden required
        left_alone = hidden
        labour
        work_types = family_farm required
        work_hours =
        work_hazardous = required ! กรุณาตอบคำถามนี้
        labour_law_note = hidden
        dropout hidden
        dropout_reasons = hidden required
        last_grade = hidden
        wants_to_return = hidden required
        substances hidden
        substance_users = hidden required
        substance_types = hidden required
        exploitation hidden
        exploitation_types = hidden required
        risk_other = hidden required
        immediate_danger = no required
        urgent = true
        urgent_note =
        risk_level = medium required ! เด็กอยู่ในอันตรายหรือถูกแสวงประโยชน์ ต้องประเมินเป็นความเสี่ยงสูง
    "#]],
    );
    // Help on the family farm alone is not employment; work in a shop at 13 is.
    let steps = with(&[
        Answer("dob", "2013-03-01"),
        Answer("risks", "labour"),
        Answer("work_types", "family_farm shop"),
    ]);
    check(
        &steps,
        &["labour"],
        expect![[r#"
        labour
        work_types = family_farm shop required
        work_hours =
        work_hazardous = required ! กรุณาตอบคำถามนี้
        labour_law_note =
    "#]],
    );
    // "No risk found" stands alone, and leaves nothing to assess.
    let steps = with(&[Answer("risks", "none violence")]);
    check(
        &steps,
        &["risks", "immediate_danger", "risk_level"],
        expect![[r#"
        risks = none violence required ! เลือก "ไม่พบความเสี่ยง" ร่วมกับข้ออื่นไม่ได้
        immediate_danger = hidden required
        risk_level = hidden required
    "#]],
    );
    let steps = with(&[Answer("risks", "none")]);
    check(
        &steps,
        &["risks", "immediate_danger", "risk_level"],
        expect![[r#"
        risks = none required
        immediate_danger = hidden required
        risk_level = hidden required
    "#]],
    );
}

#[test]
fn the_next_visit_is_not_in_the_past_and_soon_for_high_risk() {
    let mut out = String::new();
    for (level, date) in [
        ("low", "2026-11-22"),
        ("low", "2026-11-23"),
        ("low", "2027-01-15"),
        ("high", "2026-11-30"),
        ("high", "2026-12-01"),
    ] {
        let mut s = session(CORE);
        run(
            &mut s,
            &with(&[
                Answer("risks", "neglect"),
                Answer("risk_level", level),
                Answer("next_visit", date),
            ]),
        );
        let node = s.node("next_visit").unwrap();
        out.push_str(&format!(
            "{level} {date}{}\n",
            node.error.map(|e| format!(" ! {e}")).unwrap_or_default()
        ));
    }
    expect![[r#"
        low 2026-11-22 ! วันนัดต้องไม่เป็นวันที่ผ่านมาแล้ว และถ้าความเสี่ยงสูงต้องเยี่ยมภายใน 7 วัน
        low 2026-11-23
        low 2027-01-15
        high 2026-11-30
        high 2026-12-01 ! วันนัดต้องไม่เป็นวันที่ผ่านมาแล้ว และถ้าความเสี่ยงสูงต้องเยี่ยมภายใน 7 วัน
    "#]]
    .assert_eq(&out);
}

#[test]
fn identity_questions_check_the_thai_id_and_follow_the_language() {
    let steps = with(&[
        Answer("id_status", "has_id"),
        Answer("national_id", "1101700203451"),
        Answer("nationality", "other"),
    ]);
    check(
        &steps,
        &[
            "id_status",
            "national_id",
            "nationality",
            "nationality_other",
        ],
        expect![[r#"
            id_status = has_id required
            national_id = 1101700203451 required ! เลขประจำตัวประชาชนนี้ไม่ถูกต้อง หลักสุดท้ายไม่ตรงกับเลขหลักอื่น อาจพิมพ์ผิดบางหลัก โปรดตรวจกับบัตรอีกครั้ง
            nationality = other required
            nationality_other = required ! กรุณาตอบคำถามนี้
        "#]],
    );
    let mut steps = with(&[
        Answer("id_status", "has_id"),
        Answer("national_id", "1101700203450"),
        Answer("child_first_name", ""),
    ]);
    steps.push(Lang("en"));
    check(
        &steps,
        &["national_id", "child_first_name"],
        expect![[r#"
        national_id = 1101700203450 required
        child_first_name = required ! this question is required
    "#]],
    );
}

// ----- Scenarios on the province variants -----

#[test]
fn surin_asks_for_the_home_language_and_starts_in_surin() {
    let steps = with(&[Answer("dob", "2019-06-01"), Answer("home_language", "kui")]);
    check_on(
        "surin/child-surin.yaml",
        &steps,
        &[
            "home_language",
            "home_language_other",
            "understands_thai",
            "province",
        ],
        expect![[r#"
        home_language = kui required
        home_language_other = hidden required
        understands_thai =
        province = 32 required
    "#]],
    );
    // The province is answered already, so the district list starts narrowed
    // to Surin's seventeen districts.
    let mut s = session("surin/child-surin.yaml");
    run(&mut s, START);
    let districts: Vec<String> = s
        .node("district")
        .unwrap()
        .choices
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(districts.len(), 17, "{districts:?}");
    assert!(
        districts.iter().all(|d| d.starts_with("32")),
        "{districts:?}"
    );
}

#[test]
fn phayao_asks_non_thai_children_for_their_legal_status() {
    let steps = with(&[
        Answer("nationality", "stateless"),
        Answer("ethnicity", "other"),
    ]);
    check_on(
        "phayao/child-phayao.yaml",
        &steps,
        &[
            "nationality",
            "legal_status",
            "crosses_border",
            "ethnicity",
            "ethnicity_other",
        ],
        expect![[r#"
            nationality = stateless required
            legal_status = required ! กรุณาตอบคำถามนี้
            crosses_border =
            ethnicity = other
            ethnicity_other = required ! กรุณาตอบคำถามนี้
        "#]],
    );
    let steps = with(&[Answer("nationality", "thai")]);
    check_on(
        "phayao/child-phayao.yaml",
        &steps,
        &["legal_status", "crosses_border"],
        expect![[r#"
        legal_status = hidden required
        crosses_border = hidden
    "#]],
    );
}

#[test]
fn kalasin_requires_a_phone_number_and_has_no_home_location() {
    check_on(
        "kalasin/child-kalasin.yaml",
        &with(&[]),
        &["address"],
        expect![[r#"
            address
            province = 46 required
            district = required ! กรุณาตอบคำถามนี้
            subdistrict = required ! กรุณาตอบคำถามนี้
            house_address =
            village =
            contact_phone = required ! ต้องมีเบอร์โทรศัพท์สำหรับการติดตามของ อพม.
        "#]],
    );
    let s = session("kalasin/child-kalasin.yaml");
    assert!(s.node("home_location").is_none());
    assert!(s.node("heavy_debt").is_none());
}

/// The page titles, the first question of the child page and its error, in
/// the session's current language.
fn titles_and_first_question(s: &Session) -> String {
    let view = s.view();
    let mut out = format!("[{}] {}\n", view.language, view.title);
    for item in &view.items {
        out.push_str(&format!("{}: {}\n", item.name, item.label));
    }
    let child = s.node("child").unwrap();
    let first = &child.children[0];
    out.push_str(&format!(
        "{} = {} | {}",
        first.label,
        first.text,
        first.error.as_deref().unwrap_or("-")
    ));
    out.push('\n');
    out
}

#[test]
fn loei_switches_to_lao_and_back_without_losing_answers() {
    let mut s = session("loei/child-loei.yaml");
    run(
        &mut s,
        &with(&[
            Answer("child_first_name", "ดวงใจ"),
            Answer("dob", "๑๒ ม.ค. ๒๕๕๘"),
            Answer("home_language", "lao"),
            Answer("crosses_border", "yes"),
            Answer("border_reasons", "trade relatives"),
        ]),
    );
    let before = s.answers_json();
    assert_eq!(s.view().languages, ["th", "en", "lo"]);
    s.set_language("lo");
    // Page titles and what the province added are in Lao; the core's
    // questions have no Lao text and are shown in Thai.
    let shown = titles_and_first_question(&s);
    let home = s.node("home_language").unwrap();
    expect![[r#"
        [lo] ແບບບັນທຶກຂໍ້ມູນເດັກລາຍບຸກຄົນ ແຂວງເລີຍ
        visit: ການຢ້ຽມຢາມເຮືອນຄັ້ງນີ້
        child: ຂໍ້ມູນເດັກ
        voice: ສຽງຂອງເດັກ ຄວາມສົນໃຈ ແລະ ຄວາມຮູ້ສຶກ
        education: ການສຶກສາ
        health: ສຸຂະພາບ ແລະ ຄວາມພິການ
        early_years: ພັດທະນາການເດັກກ່ອນໄວຮຽນ
        address: ທີ່ຢູ່ປັດຈຸບັນ
        family: ຄອບຄົວ ແລະ ຜູ້ດູແລ
        livelihood: ລາຍຮັບ ແລະ ທີ່ຢູ່ອາໄສ
        risk: ສະຖານະການຄວາມສ່ຽງ
        support: ຜູ້ທີ່ຊ່ວຍເຫຼືອເດັກຢູ່ແລ້ວ
        plan: ແຜນການຊ່ວຍເຫຼືອ ແລະ ຕິດຕາມ
        ชื่อ = ดวงใจ | -
    "#]]
    .assert_eq(&shown);
    assert_eq!(home.label, "ພາສາທີ່ເວົ້າຢູ່ເຮືອນ");
    assert_eq!(home.choices[1].label, "ລາວ");
    s.set_language("th");
    assert_eq!(s.answers_json(), before);
    assert_eq!(s.node("dob").unwrap().text, "2015-01-12");
    assert_eq!(s.node("home_language").unwrap().label, "ภาษาที่ใช้พูดในบ้าน");
}

#[test]
fn surin_offers_khmer_for_its_own_questions_and_thai_for_the_rest() {
    let mut s = session("surin/child-surin.yaml");
    run(&mut s, &with(&[Answer("home_language", "khmer")]));
    s.set_language("km");
    let view = s.view();
    let child = s.node("child").unwrap();
    let home = s.node("home_language").unwrap();
    let shown = format!(
        "{}\n{}\n{}: {}\n{}\n",
        view.title,
        child.label,
        home.label,
        home.choices
            .iter()
            .map(|c| c.label.as_str())
            .collect::<Vec<_>>()
            .join(" / "),
        s.node("sex").unwrap().label,
    );
    expect![[r#"
        កំណត់ត្រាព័ត៌មានកុមារម្នាក់ៗ ខេត្តសុរិន្ទ
        ព័ត៌មានអំពីកុមារ
        ភាសាដែលនិយាយនៅផ្ទះ: ខ្មែរខាងជើង (ខ្មែរសុរិន្ទ) / កួយ / អ៊ីសាន (ឡាវ) / ថៃកណ្តាល / ផ្សេងៗ
        เพศ
    "#]]
    .assert_eq(&shown);
}

#[test]
fn the_new_provinces_start_in_their_province_and_main_district() {
    let mut out = String::new();
    for (file, steps) in [
        (
            "lampang/child-lampang.yaml",
            vec![
                Answer("parents_situation", "working_away"),
                Answer("parent_work_place", "abroad"),
            ],
        ),
        (
            "loei/child-loei.yaml",
            vec![Answer("crosses_border", "yes")],
        ),
        (
            "ubon/child-ubon.yaml",
            vec![
                Answer("dob", "2016-05-10"),
                Answer("seasonal_work", "child_goes"),
                Answer("seasonal_months", "๔"),
            ],
        ),
        (
            "trang/child-trang.yaml",
            vec![
                Answer("dob", "2014-05-10"),
                Answer("id_status", "none"),
                Answer("community", "maniq"),
                Answer("child_work_help", "rubber_night seafood"),
            ],
        ),
    ] {
        let mut s = session(file);
        run(&mut s, &with(&steps));
        let province = s.node("province").unwrap();
        let district = s.node("district").unwrap();
        let added: Vec<String> = [
            "parent_work_place",
            "parent_contact",
            "breathing_problems",
            "border_reasons",
            "seasonal_months",
            "seasonal_school_note",
            "maniq_registration_note",
            "night_work_note",
        ]
        .iter()
        .filter_map(|name| s.node(name))
        .map(|n| {
            let state = if n.relevant {
                n.text.clone()
            } else {
                "hidden".to_owned()
            };
            format!("{}={}", n.name, state)
        })
        .collect();
        out.push_str(&format!(
            "{}: {} {} | {}\n",
            s.view().id,
            province.text,
            district.text,
            added.join(" ")
        ));
    }
    expect![[r#"
        child-lampang: 52 5201 | parent_work_place=abroad parent_contact= breathing_problems=
        child-loei: 42 4201 | border_reasons=
        child-ubon: 34 3401 | seasonal_months=4 seasonal_school_note=
        child-trang: 92 9201 | maniq_registration_note= night_work_note=
    "#]]
    .assert_eq(&out);
}

// ----- Record names, pages and messages -----

#[test]
fn records_are_named_after_the_child_and_the_place() {
    let mut out = String::new();
    // The follow-up forms (the national one and the provinces' variants of
    // it) are named after the case they pick; the case tests
    // (tests/cases.rs) cover them.
    let first_visits = form_files().into_iter().filter(|f| {
        compiled(f)
            .form
            .case
            .as_ref()
            .is_none_or(|case| case.pick.is_none())
    });
    for file in first_visits {
        let mut s = session(&file);
        let mut names = vec![s.instance_name()];
        run(&mut s, START);
        names.push(s.instance_name());
        run(
            &mut s,
            &[
                Answer("child_first_name", "ดาว"),
                Answer("child_last_name", "ใจงาม"),
            ],
        );
        names.push(s.instance_name());
        run(
            &mut s,
            &[
                Answer("nickname", "นก"),
                Answer("province", "56"),
                Answer("district", "5603"),
                Answer("subdistrict", "560301"),
            ],
        );
        names.push(s.instance_name());
        let names: Vec<&str> = names.iter().map(|n| n.as_deref().unwrap_or("-")).collect();
        out.push_str(&format!("{file}: {}\n", names.join(" | ")));
    }
    expect![[r#"
        kalasin/child-kalasin.yaml: - | - | ดาว ใจงาม | ดาว ใจงาม (นก) · หย่วน
        lampang/child-lampang.yaml: - | - | ดาว ใจงาม | ดาว ใจงาม (นก) · หย่วน
        loei/child-loei.yaml: - | - | ดาว ใจงาม | ดาว ใจงาม (นก) · หย่วน
        national/child-core.yaml: - | - | ดาว ใจงาม | ดาว ใจงาม (นก) · หย่วน
        phayao/child-phayao.yaml: - | - | ดาว ใจงาม | ดาว ใจงาม (นก) · หย่วน
        surin/child-surin.yaml: - | - | ดาว ใจงาม | ดาว ใจงาม (นก) · หย่วน
        trang/child-trang.yaml: - | - | ดาว ใจงาม | ดาว ใจงาม (นก) · หย่วน
        ubon/child-ubon.yaml: - | - | ดาว ใจงาม | ดาว ใจงาม (นก) · หย่วน
    "#]]
    .assert_eq(&out);
}

#[test]
fn the_first_page_checks_consent_and_empty_pages_are_skipped() {
    use yim_engine::{Pager, Turn};
    let mut s = session(CORE);
    let mut pager = Pager::new(&s, 0);
    let shown = |s: &Session, pager: &Pager| -> String {
        let names: Vec<String> = pager
            .shown(s)
            .iter()
            .map(|&p| s.form().pages()[p].items.join("+"))
            .collect();
        format!("{:?} {}", pager.forward(s), names.join(", "))
    };
    let mut out = format!("start: {}\n", shown(&s, &pager));
    let turn = pager.next(&mut s).1;
    let Turn::Stay { problems, skip_to } = turn else {
        panic!("expected Next to stay on the consent page, but found {turn:?}");
    };
    let names: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    out.push_str(&format!(
        "next: stays, {names:?}, go on anyway: {skip_to:?}\n"
    ));
    run(&mut s, START);
    out.push_str(&format!("consent given: {}\n", shown(&s, &pager)));
    run(&mut s, &[Answer("dob", "2019-06-01")]);
    out.push_str(&format!("date of birth: {}\n", shown(&s, &pager)));
    let mut s = session(CORE);
    run(
        &mut s,
        &[
            Answer("recorder_name", "Malee"),
            Answer("recorder_role", "volunteer"),
            Answer("consent", "no"),
        ],
    );
    out.push_str(&format!(
        "consent refused: {}\n",
        shown(&s, &Pager::new(&s, 0))
    ));
    expect![[r#"
        start: Next visit
        next: stays, ["recorder_name", "recorder_role", "consent"], go on anyway: None
        consent given: Next visit, child, voice, health, address, family, livelihood, risk, support, plan
        date of birth: Next visit, child, voice, education, health, address, family, livelihood, risk, support, plan
        consent refused: Finalize visit
    "#]]
    .assert_eq(&out);
}

/// Every constraint and every `checks:` pattern in the shipped forms says
/// what is expected in both languages, since the built-in message ("this
/// answer does not have the expected form") cannot know the rule.
#[test]
fn every_constraint_and_pattern_has_its_own_message() {
    let mut missing = Vec::new();
    for file in form_files() {
        let compiled = compiled(&file);
        for walked in compiled.form.walk() {
            let q = walked.question;
            let pattern = q
                .checks
                .iter()
                .any(|c| matches!(c, yim_form::Check::Regex(_)));
            if (q.constraint.is_some() || pattern) && q.constraint_message.is_none() {
                missing.push(format!("{file}: {}", q.name));
            }
        }
    }
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "constraints without a message"
    );
}
