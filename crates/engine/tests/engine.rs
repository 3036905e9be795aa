//! Scenario tests: a form, a script of commands, and the state of every
//! question afterwards, printed one per line and compared with `expect!`
//! (refresh with `UPDATE_EXPECT=1 cargo test -p yim-engine`).
//!
//! A state line reads `path = value`, followed by flags: `hidden` (not
//! relevant), `required`, `ro` (read-only), and `! message` for an error.

mod common;
use common::session;
use expect_test::{expect, Expect};
use yim_engine::{compile, DateTime, NodeKey, NodeKind, NodeView, Properties, Session};
use yim_form::{load, MemFiles};

/// One command of a scenario.
enum Step<'a> {
    Answer(&'a str, &'a str),
    Add(&'a str),
    Remove(&'a str),
    Lang(&'a str),
}
use Step::*;

fn run(s: &mut Session, steps: &[Step]) {
    for step in steps {
        match step {
            Answer(p, v) => {
                s.answer(p, v).unwrap_or_else(|e| panic!("answer {p}: {e}"));
            }
            Add(p) => {
                s.add_repeat(p).unwrap_or_else(|e| panic!("add {p}: {e}"));
            }
            Remove(p) => {
                s.remove_repeat(p)
                    .unwrap_or_else(|e| panic!("remove {p}: {e}"));
            }
            Lang(l) => {
                s.set_language(l);
            }
        }
    }
}

fn dump(s: &Session) -> String {
    let mut out = String::new();
    for item in &s.view().items {
        dump_node(item, &mut out);
    }
    out
}

/// The paths of `keys` as they are now; a key of a removed entry shows as
/// `(removed)`.
fn paths(s: &Session, keys: &[NodeKey]) -> Vec<String> {
    keys.iter()
        .map(|&key| s.path(key).unwrap_or_else(|| "(removed)".to_owned()))
        .collect()
}

fn dump_node(n: &NodeView, out: &mut String) {
    match n.kind {
        NodeKind::Group => {
            line(n, out, String::new());
            n.children.iter().for_each(|c| dump_node(c, out));
        }
        NodeKind::Repeat => {
            line(n, out, format!(" ({} entries)", n.instances.len()));
            for i in &n.instances {
                i.children.iter().for_each(|c| dump_node(c, out));
            }
        }
        _ => line(n, out, format!(" = {}", n.text)),
    }
}

fn line(n: &NodeView, out: &mut String, value: String) {
    out.push_str(&n.path);
    out.push_str(value.trim_end());
    if !n.relevant {
        out.push_str(" hidden");
    }
    if n.required {
        out.push_str(" required");
    }
    if n.read_only
        && !matches!(
            n.kind,
            NodeKind::Group | NodeKind::Repeat | NodeKind::Calculate | NodeKind::Note
        )
    {
        out.push_str(" ro");
    }
    if let Some(e) = &n.error {
        out.push_str(" ! ");
        out.push_str(e);
    }
    out.push('\n');
}

/// Runs a scenario and compares the state afterwards.
fn check(form: &str, steps: &[Step], expect: Expect) {
    let mut s = session(form);
    run(&mut s, steps);
    expect.assert_eq(&dump(&s));
}

const HEAD: &str =
    "form: {id: t, version: '1', title: T, languages: [th, en], default_language: en}\n";

#[test]
fn relevance_hides_and_clears_and_skips_validation() {
    let form = format!(
        "{HEAD}questions:
  - {{name: age, type: integer, label: Age}}
  - {{name: school, type: text, label: School, relevant: '${{age}} >= 6', required: yes}}
  - {{name: why, type: text, label: Why, relevant: '${{school}} = \"none\"'}}
"
    );
    check(
        &form,
        &[],
        expect![[r#"
        age =
        school = hidden required
        why = hidden
    "#]],
    );
    check(
        &form,
        &[Answer("age", "7")],
        expect![[r#"
        age = 7
        school = required ! this question is required
        why = hidden
    "#]],
    );
    check(
        &form,
        &[
            Answer("age", "7"),
            Answer("school", "none"),
            Answer("why", "far"),
            Answer("age", "3"),
        ],
        expect![[r#"
        age = 3
        school = none hidden required
        why = far hidden
    "#]],
    );
    // The hidden answers come back when the question is relevant again.
    let mut s = session(&form);
    run(
        &mut s,
        &[
            Answer("age", "7"),
            Answer("school", "none"),
            Answer("age", "3"),
        ],
    );
    assert_eq!(s.answers_json(), serde_json::json!({"age": 3}));
    run(&mut s, &[Answer("age", "9")]);
    assert_eq!(
        s.answers_json(),
        serde_json::json!({"age": 9, "school": "none"})
    );
}

#[test]
fn calculations_update_in_order_and_report_changes() {
    let form = format!(
        "{HEAD}questions:
  - {{name: dob, type: date, label: Born}}
  - {{name: age, type: calculate, calculation: 'int((today() - ${{dob}}) div 365.25)'}}
  - {{name: is_child, type: calculate, calculation: '${{age}} < 18'}}
  - {{name: note1, type: note, label: 'Child', relevant: '${{is_child}}'}}
  - {{name: other, type: text, label: Other}}
"
    );
    let mut s = session(&form);
    let changes = s.answer("dob", "2015-01-31").unwrap();
    assert_eq!(
        paths(&s, &changes.changed),
        ["dob", "age", "is_child", "note1"]
    );
    expect![[r#"
        dob = 2015-01-31
        age = 11
        is_child = true
        note1 =
        other =
    "#]]
    .assert_eq(&dump(&s));
    // An unrelated answer recomputes nothing else.
    let changes = s.answer("other", "x").unwrap();
    assert_eq!(paths(&s, &changes.changed), ["other"]);
}

#[test]
fn repeats_aggregate_and_resolve_to_the_same_entry() {
    let form = format!(
        "{HEAD}questions:
  - name: children
    type: repeat
    label: Child
    questions:
      - {{name: name, type: text, label: Name}}
      - {{name: child_age, type: integer, label: Age}}
      - {{name: school_age, type: calculate, calculation: '${{child_age}} >= 6 and ${{child_age}} <= 15'}}
      - {{name: school, type: text, label: School, relevant: '${{school_age}}'}}
      - {{name: pos, type: calculate, calculation: 'position(..)'}}
  - {{name: n, type: calculate, calculation: 'count(${{children}})'}}
  - {{name: total, type: calculate, calculation: 'sum(${{child_age}})'}}
  - {{name: named, type: calculate, calculation: 'count-non-empty(${{name}})'}}
"
    );
    check(
        &form,
        &[
            Add("children"),
            Add("children"),
            Add("children"),
            Answer("children[1]/child_age", "4"),
            Answer("children[2]/child_age", "10"),
            Answer("children[3]/child_age", "16"),
            Answer("children[2]/name", "Nok"),
        ],
        expect![[r#"
            children (3 entries)
            children[1]/name =
            children[1]/child_age = 4
            children[1]/school_age = false
            children[1]/school = hidden
            children[1]/pos = 1
            children[2]/name = Nok
            children[2]/child_age = 10
            children[2]/school_age = true
            children[2]/school =
            children[2]/pos = 2
            children[3]/name =
            children[3]/child_age = 16
            children[3]/school_age = false
            children[3]/school = hidden
            children[3]/pos = 3
            n = 3
            total = 30
            named = 1
        "#]],
    );
    // Removing an entry renumbers the later ones and updates the totals.
    check(
        &form,
        &[
            Add("children"),
            Add("children"),
            Add("children"),
            Answer("children[1]/child_age", "4"),
            Answer("children[2]/child_age", "10"),
            Answer("children[3]/child_age", "16"),
            Remove("children[1]"),
        ],
        expect![[r#"
            children (2 entries)
            children[1]/name =
            children[1]/child_age = 10
            children[1]/school_age = true
            children[1]/school =
            children[1]/pos = 1
            children[2]/name =
            children[2]/child_age = 16
            children[2]/school_age = false
            children[2]/school = hidden
            children[2]/pos = 2
            n = 2
            total = 26
            named = 0
        "#]],
    );
}

#[test]
fn repeat_count_drives_entries_and_nested_repeats_stay_separate() {
    let form = format!(
        "{HEAD}questions:
  - {{name: households, type: integer, label: Households}}
  - name: hh
    type: repeat
    label: Household
    repeat_count: '${{households}}'
    questions:
      - {{name: head, type: text, label: Head}}
      - name: member
        type: repeat
        label: Member
        questions:
          - {{name: m_age, type: integer, label: Age}}
      - {{name: hh_total, type: calculate, calculation: 'sum(${{m_age}})'}}
  - {{name: all_total, type: calculate, calculation: 'sum(${{m_age}})'}}
"
    );
    check(
        &form,
        &[
            Answer("households", "2"),
            Add("hh[1]/member"),
            Add("hh[1]/member"),
            Add("hh[2]/member"),
            Answer("hh[1]/member[1]/m_age", "30"),
            Answer("hh[1]/member[2]/m_age", "5"),
            Answer("hh[2]/member[1]/m_age", "70"),
        ],
        expect![[r#"
            households = 2
            hh (2 entries)
            hh[1]/head =
            hh[1]/member (2 entries)
            hh[1]/member[1]/m_age = 30
            hh[1]/member[2]/m_age = 5
            hh[1]/hh_total = 35
            hh[2]/head =
            hh[2]/member (1 entries)
            hh[2]/member[1]/m_age = 70
            hh[2]/hh_total = 70
            all_total = 105
        "#]],
    );
    // Lowering the count drops the last entries.
    check(
        &form,
        &[
            Answer("households", "2"),
            Add("hh[2]/member"),
            Answer("hh[2]/member[1]/m_age", "70"),
            Answer("households", "1"),
        ],
        expect![[r#"
            households = 1
            hh (1 entries)
            hh[1]/head =
            hh[1]/member (0 entries)
            hh[1]/hh_total = 0
            all_total = 0
        "#]],
    );
    let mut s = session(&form);
    assert!(s.add_repeat("hh").is_err(), "a counted repeat has no add");
}

#[test]
fn constraints_types_and_checks_give_messages_in_the_form_language() {
    let form = format!(
        "{HEAD}questions:
  - name: age
    type: integer
    label: Age
    constraint: '. >= 0 and . <= 18'
    constraint_message: {{th: อายุต้องอยู่ระหว่าง 0 ถึง 18 ปี, en: Age must be from 0 to 18}}
  - {{name: id, type: text, label: ID, checks: [thai_id]}}
  - {{name: mail, type: text, label: Mail, checks: [email]}}
  - {{name: score, type: decimal, label: Score, checks: [{{range: {{min: 0, max: 10}}}}]}}
  - {{name: code, type: text, label: Code, checks: [{{regex: '[A-Z]{{2}}[0-9]+'}}]}}
  - {{name: seen, type: date, label: Seen}}
"
    );
    check(
        &form,
        &[
            Answer("age", "25"),
            Answer("id", "1234567890123"),
            Answer("mail", "nobody"),
            Answer("score", "11"),
            Answer("code", "ab12"),
            Answer("seen", "31/11/2026"),
        ],
        expect![[r#"
            age = 25 ! Age must be from 0 to 18
            id = 1234567890123 ! the last digit of this Thai national ID does not match the others, so a digit may be mistyped; check it against the card
            mail = nobody ! expected an e-mail address
            score = 11 ! expected a number from 0 to 10
            code = ab12 ! this answer does not have the expected form
            seen = 31/11/2026 ! expected a date such as 5 March 2025, 5/3/2568 or 2025-03-05, but found '31/11/2026'
        "#]],
    );
    check(
        &form,
        &[
            Lang("th"),
            Answer("age", "1.5"),
            Answer("id", "1101700203450"),
            Answer("mail", "a@b.co"),
            Answer("score", "9.5"),
            Answer("code", "AB12"),
            Answer("seen", "2026-11-23"),
        ],
        expect![[r#"
            age = 1.5 ! ต้องเป็นจำนวนเต็ม แต่ได้รับ '1.5'
            id = 1101700203450
            mail = a@b.co
            score = 9.5
            code = AB12
            seen = 2026-11-23
        "#]],
    );
    check(
        &form,
        &[Lang("th"), Answer("age", "19")],
        expect![[r#"
        age = 19 ! อายุต้องอยู่ระหว่าง 0 ถึง 18 ปี
        id =
        mail =
        score =
        code =
        seen =
    "#]],
    );
}

#[test]
fn typed_answers_accept_thai_digits_and_are_stored_with_ascii_digits() {
    let form = format!(
        "{HEAD}questions:
  - {{name: age, type: integer, label: Age, checks: [{{range: {{min: 0, max: 18}}}}]}}
  - {{name: weight, type: decimal, label: Weight}}
  - {{name: id, type: text, label: ID, checks: [thai_id]}}
  - {{name: phone, type: text, label: Phone, checks: [phone]}}
  - {{name: note, type: text, label: Note}}
  - {{name: at, type: time, label: At}}
  - {{name: seen, type: date, label: Seen}}
  - {{name: place, type: geopoint, label: Place}}
  - {{name: older, type: calculate, calculation: '${{age}} + 1'}}
"
    );
    check(
        &form,
        &[
            Answer("age", "๑๒"),
            Answer("weight", "๓๒.๕"),
            Answer("id", "๑๑๐๑๗๐๐๒๐๓๔๕๐"),
            Answer("phone", "๐๘๑๒๓๔๕๖๗๘"),
            Answer("note", "บ้านเลขที่ ๑๒"),
            Answer("at", "๑๔:๓๐"),
            Answer("seen", "๒๐๒๖-๑๑-๒๓"),
            Answer("place", "๑๕.๑๒ ๑๐๔.๓๒"),
        ],
        expect![[r#"
            age = 12
            weight = 32.5
            id = 1101700203450
            phone = 0812345678
            note = บ้านเลขที่ ๑๒
            at = 14:30:00.000
            seen = 2026-11-23
            place = 15.12 104.32
            older = 13
        "#]],
    );
    // The check digit is checked on Thai digits as well; text that is not a
    // number is kept as typed and reported.
    check(
        &form,
        &[
            Answer("age", "๒๕"),
            Answer("id", "๑๑๐๑๗๐๐๒๐๓๔๕๑"),
            Answer("phone", "๘๑๒๓๔๕๖๗๘"),
            Answer("weight", "๓๒,๕"),
        ],
        expect![[r#"
            age = 25 ! expected a number from 0 to 18
            weight = ๓๒,๕ ! expected a number, but found '๓๒,๕'
            id = 1101700203451 ! the last digit of this Thai national ID does not match the others, so a digit may be mistyped; check it against the card
            phone = 812345678 ! expected a phone number of 9 or 10 digits starting with 0
            note =
            at =
            seen =
            place =
            older = 26
        "#]],
    );
}

#[test]
fn dates_accept_a_thai_month_name_and_a_buddhist_era_year() {
    let form = format!(
        "{HEAD}questions:
  - {{name: a, type: date, label: A}}
  - {{name: b, type: date, label: B}}
  - {{name: c, type: date, label: C}}
  - {{name: d, type: date, label: D}}
  - {{name: e, type: date, label: E}}
  - {{name: f, type: date, label: F}}
  - {{name: g, type: date, label: G}}
  - {{name: days, type: calculate, calculation: \"if(${{a}} = '' or ${{b}} = '', '', ${{b}} - ${{a}})\"}}
"
    );
    check(
        &form,
        &[
            Answer("a", "5 มีนาคม 2568"),
            Answer("b", "5 มี.ค. 2569"),
            Answer("c", "๕ มีนาคม พ.ศ. ๒๕๖๘"),
            Answer("d", "5/3/2568"),
            Answer("e", "2025-03-05"),
            Answer("f", "29 ก.พ. 2568"),
            Answer("g", "5 มีนา 2568"),
        ],
        expect![[r#"
            a = 2025-03-05
            b = 2026-03-05
            c = 2025-03-05
            d = 2025-03-05
            e = 2025-03-05
            f = 29 ก.พ. 2568 ! expected a date such as 5 March 2025, 5/3/2568 or 2025-03-05, but found '29 ก.พ. 2568'
            g = 5 มีนา 2568 ! expected a date such as 5 March 2025, 5/3/2568 or 2025-03-05, but found '5 มีนา 2568'
            days = 365
        "#]],
    );
    check(
        &form,
        &[Lang("th"), Answer("f", "31 เม.ย. 2568")],
        expect![[r#"
            a =
            b =
            c =
            d =
            e =
            f = 31 เม.ย. 2568 ! ต้องเป็นวันที่ เช่น 5 มีนาคม 2568 หรือ 5/3/2568 แต่ได้รับ '31 เม.ย. 2568'
            g =
            days =
        "#]],
    );
}

#[test]
fn format_date_shows_thai_months_and_the_buddhist_era() {
    let form = format!(
        "{HEAD}questions:
  - {{name: dob, type: date, label: Born}}
  - {{name: long, type: calculate, calculation: \"format-date(${{dob}}, '%e %B %EY')\"}}
  - {{name: short, type: calculate, calculation: \"format-date(${{dob}}, '%e %Eb %Ey')\"}}
  - {{name: letter, type: calculate, calculation: \"format-date(${{dob}}, 'วัน%Aที่ %e %B พ.ศ. %EY')\"}}
  - {{name: today_be, type: calculate, calculation: \"format-date(today(), '%d/%m/%EY')\"}}
"
    );
    check(
        &form,
        &[Answer("dob", "2025-03-05")],
        expect![[r#"
            dob = 2025-03-05
            long = 5 มีนาคม 2568
            short = 5 มี.ค. 68
            letter = วันพุธที่ 5 มีนาคม พ.ศ. 2568
            today_be = 23/11/2569
        "#]],
    );
}

#[test]
fn a_third_language_falls_back_to_thai_where_a_text_is_missing() {
    let form = "form:
  id: t
  version: '1'
  title: {th: แบบทดสอบ, en: Test, km: តេស្ត}
  languages: [th, en, km]
  default_language: en
  partial_languages: [km]
questions:
  - name: lang_home
    type: select_one langs
    label: {th: ภาษาที่ใช้ในบ้าน, en: Language at home, km: ភាសានៅផ្ទះ}
    required: yes
  - {name: age, type: integer, label: {th: อายุ, en: Age}, hint: {th: ปีเต็ม, en: Full years}}
choices:
  langs:
    - {name: khmer, label: {th: เขมร, en: Khmer, km: ខ្មែរ}}
    - {name: thai, label: {th: ไทย, en: Thai}}
";
    let mut s = session(form);
    let view = s.view();
    assert_eq!(view.languages, ["th", "en", "km"]);
    assert_eq!(
        (view.language.as_str(), view.title.as_str()),
        ("en", "Test")
    );
    s.set_language("km");
    s.answer("age", "ten").unwrap();
    s.finalize_problems();
    let view = s.view();
    let shown: Vec<String> = view
        .items
        .iter()
        .map(|n| {
            let choices: Vec<&str> = n.choices.iter().map(|c| c.label.as_str()).collect();
            format!(
                "{} | {} | {} | {} | {}",
                n.name,
                n.label,
                n.hint.as_deref().unwrap_or("-"),
                choices.join(", "),
                n.error.as_deref().unwrap_or("-")
            )
        })
        .collect();
    // What has a Khmer text shows it; the rest, built-in messages included,
    // is in Thai and not in the default language (English).
    expect![[r#"
        តេស្ត
        lang_home | ភាសានៅផ្ទះ | - | ខ្មែរ, ไทย | กรุณาตอบคำถามนี้
        age | อายุ | ปีเต็ม |  | ต้องเป็นจำนวนเต็ม แต่ได้รับ 'ten'
    "#]]
    .assert_eq(&format!("{}\n{}\n", view.title, shown.join("\n")));
    // Switching back loses nothing.
    s.set_language("en");
    assert_eq!(s.node("age").unwrap().label, "Age");
    assert_eq!(s.node("age").unwrap().text, "ten");
}

#[test]
fn the_form_view_says_whether_to_show_thai_digits() {
    let plain = session(&format!(
        "{HEAD}questions:\n  - {{name: a, type: integer, label: A}}\n"
    ));
    assert!(!plain.view().thai_digits);
    let thai = session(
        "form: {id: t, version: '1', title: T, settings: {thai_digits: yes}}
questions:
  - {name: a, type: integer, label: A}
",
    );
    let mut thai = thai;
    thai.answer("a", "๔๒").unwrap();
    let view = thai.view();
    assert!(view.thai_digits);
    // The view keeps ASCII digits; the UI shows them in Thai.
    assert_eq!(view.items[0].text, "42");
    assert_eq!(yim_engine::thai::to_thai_digits(&view.items[0].text), "๔๒");
}

#[test]
fn cascading_selects_filter_by_choice_columns() {
    let form = format!(
        "{HEAD}questions:
  - {{name: province, type: select_one provinces, label: Province}}
  - {{name: district, type: select_one districts, label: District, choice_filter: 'province = ${{province}}'}}
choices:
  provinces:
    - {{name: '56', label: Phayao}}
    - {{name: '32', label: Surin}}
  districts:
    - {{name: '5601', label: Mueang Phayao, province: '56'}}
    - {{name: '5602', label: Chun, province: '56'}}
    - {{name: '3201', label: Mueang Surin, province: '32'}}
"
    );
    let mut s = session(&form);
    assert!(s.node("district").unwrap().choices.is_empty());
    s.answer("province", "32").unwrap();
    let names: Vec<String> = s
        .node("district")
        .unwrap()
        .choices
        .into_iter()
        .map(|c| c.label)
        .collect();
    assert_eq!(names, ["Mueang Surin"]);
    s.answer("district", "3201").unwrap();
    // Changing the province leaves an answer that is no longer offered.
    s.answer("province", "56").unwrap();
    assert_eq!(
        s.node("district").unwrap().error.as_deref(),
        Some("this answer is not one of the choices offered")
    );
    assert!(s.answer("province", "99").is_ok());
    assert_eq!(
        s.node("province").unwrap().error.as_deref(),
        Some("expected one of the choices, but found '99'")
    );
}

/// Choice filters as XLSForm authors write them: bare column names in any
/// case, several of them, and a choice offered whatever the other answers.
#[test]
fn choice_filters_name_columns_bare_as_in_xlsform() {
    let form = format!(
        "{HEAD}questions:
  - {{name: governorate, type: select_one gov, label: Governorate}}
  - {{name: district, type: select_one dist, label: District, choice_filter: 'Gov = ${{governorate}}'}}
  - name: community
    type: select_one comm
    label: Community
    choice_filter: \"(Dist = ${{district}} and Gov = ${{governorate}}) or (Gov = 'other')\"
choices:
  gov:
    - {{name: g1, label: Baghdad}}
    - {{name: g2, label: Basra}}
  dist:
    - {{name: d1, label: Karkh, Gov: g1}}
    - {{name: d2, label: Zubair, Gov: g2}}
  comm:
    - {{name: c1, label: Mansour, Dist: d1, Gov: g1}}
    - {{name: c2, label: Safwan, Dist: d2, Gov: g2}}
    - {{name: c3, label: Elsewhere, Gov: other}}
"
    );
    let mut s = session(&form);
    let offered = |s: &Session, name: &str| -> Vec<String> {
        s.node(name)
            .unwrap()
            .choices
            .into_iter()
            .map(|c| c.name)
            .collect()
    };
    assert!(offered(&s, "district").is_empty());
    assert_eq!(offered(&s, "community"), ["c3"]);
    s.answer("governorate", "g2").unwrap();
    assert_eq!(offered(&s, "district"), ["d2"]);
    assert_eq!(offered(&s, "community"), ["c3"]);
    s.answer("district", "d2").unwrap();
    assert_eq!(offered(&s, "community"), ["c2", "c3"]);
    // Changing the governorate filters both lists again.
    s.answer("governorate", "g1").unwrap();
    assert_eq!(offered(&s, "district"), ["d1"]);
    assert_eq!(offered(&s, "community"), ["c3"]);
}

/// `instance('list')/root/item[...]/column`, `jr:itext(...)` and
/// `pulldata()` read the form's own choice lists, labels in the language
/// being shown.
#[test]
fn look_ups_read_the_form_choice_lists() {
    let form = format!(
        "{HEAD}questions:
  - {{name: income, type: select_one seclass, label: Income}}
  - name: class_label
    type: calculate
    calculation: \"jr:itext(instance('seclass')/root/item[name = ${{income}}]/itextId)\"
  - name: class_code
    type: calculate
    calculation: \"instance('seclass')/root/item[name = ${{income}}]/code\"
  - name: allowance
    type: calculate
    calculation: \"pulldata('seclass', 'allowance', 'code', ${{class_code}}) * 2\"
choices:
  seclass:
    - {{name: low, label: {{th: รายได้น้อย, en: Low income}}, code: '1', allowance: '600'}}
    - {{name: high, label: {{th: รายได้สูง, en: High income}}, code: '2', allowance: '0'}}
"
    );
    let mut s = session(&form);
    let value = |s: &Session, name: &str| s.node(name).unwrap().text;
    assert_eq!(value(&s, "class_label"), "");
    s.answer("income", "low").unwrap();
    assert_eq!(value(&s, "class_label"), "Low income");
    assert_eq!(value(&s, "class_code"), "1");
    assert_eq!(value(&s, "allowance"), "1200");
    s.set_language("th");
    assert_eq!(value(&s, "class_label"), "รายได้น้อย");
    s.answer("income", "high").unwrap();
    assert_eq!(value(&s, "class_label"), "รายได้สูง");
    assert_eq!(value(&s, "allowance"), "0");
}

/// XLSForm's metadata `deviceid`, `username` and `end` come from the app
/// through the session's properties, and are empty until it sets them.
#[test]
fn properties_give_the_device_the_volunteer_and_the_finalize_time() {
    let form = format!(
        "{HEAD}questions:
  - {{name: name, type: text, label: Name}}
  - {{name: deviceid, type: calculate, calculation: \"property('deviceid')\"}}
  - {{name: username, type: calculate, calculation: \"property('username')\"}}
  - {{name: end, type: calculate, calculation: \"property('end')\"}}
  - {{name: signed, type: calculate, calculation: \"concat(${{name}}, ' / ', property('username'))\"}}
"
    );
    let mut s = session(&form);
    let value = |s: &Session, name: &str| s.node(name).unwrap().text;
    assert_eq!(value(&s, "deviceid"), "");
    assert_eq!(value(&s, "end"), "");
    s.answer("name", "Nid").unwrap();
    let changes = s.set_properties(Properties {
        device_id: "yim:3f2a9c".to_owned(),
        username: "Somsri".to_owned(),
        end: None,
    });
    assert_eq!(
        paths(&s, &changes.changed),
        ["deviceid", "username", "signed"]
    );
    assert_eq!(value(&s, "deviceid"), "yim:3f2a9c");
    assert_eq!(value(&s, "username"), "Somsri");
    assert_eq!(value(&s, "signed"), "Nid / Somsri");
    assert_eq!(value(&s, "end"), "");
    let end = DateTime::parse_iso("2026-11-23T10:15:00.000+07:00").unwrap();
    s.set_properties(Properties {
        end: Some(end),
        ..s.properties().clone()
    });
    assert_eq!(value(&s, "end"), "2026-11-23T10:15:00.000+07:00");
    assert_eq!(value(&s, "deviceid"), "yim:3f2a9c");
}

/// XLSForm's `trigger`: the calculation runs when the named question
/// changes, and not when the other answers it reads change; a person can
/// still change a triggered question that takes an answer; a draft keeps
/// what the trigger set.
#[test]
fn triggers_recalculate_when_the_named_question_changes() {
    let form = format!(
        "{HEAD}questions:
  - {{name: weight, type: decimal, label: Weight}}
  - {{name: height, type: decimal, label: Height}}
  - {{name: weighed_at_height, type: calculate, calculation: '${{height}}', trigger: '${{weight}}'}}
  - {{name: note, type: text, label: Note, calculation: \"concat('weight ', ${{weight}})\", trigger: '${{weight}}'}}
"
    );
    let mut s = session(&form);
    let value = |s: &Session, name: &str| s.node(name).unwrap().text;
    assert_eq!(value(&s, "weighed_at_height"), "");
    s.answer("height", "100").unwrap();
    assert_eq!(value(&s, "weighed_at_height"), "");
    s.answer("weight", "20").unwrap();
    assert_eq!(value(&s, "weighed_at_height"), "100");
    assert_eq!(value(&s, "note"), "weight 20");
    // Other answers the calculation reads do not run it again.
    s.answer("height", "110").unwrap();
    assert_eq!(value(&s, "weighed_at_height"), "100");
    // The person may change a triggered question that takes an answer.
    s.answer("note", "weighed twice").unwrap();
    assert_eq!(value(&s, "note"), "weighed twice");
    let draft = s.draft_json();
    s.answer("weight", "21").unwrap();
    assert_eq!(value(&s, "weighed_at_height"), "110");
    assert_eq!(value(&s, "note"), "weight 21");
    // A reopened draft holds what the triggers set, not a new run.
    let mut again = session(&form);
    again.load_answers(&draft).unwrap();
    assert_eq!(value(&again, "weighed_at_height"), "100");
    assert_eq!(value(&again, "note"), "weighed twice");
}

#[test]
fn a_trigger_must_name_a_question_beside_it() {
    let form = format!(
        "{HEAD}questions:
  - {{name: a, type: integer, label: A}}
  - name: kids
    type: repeat
    label: Kids
    questions:
      - {{name: b, type: integer, label: B}}
  - {{name: c1, type: calculate, calculation: '1', trigger: '${{b}}'}}
  - {{name: c2, type: calculate, calculation: '1', trigger: 'a'}}
  - {{name: c3, type: calculate, calculation: '1', trigger: '${{kids}}'}}
  - {{name: c4, type: text, label: C4, trigger: '${{a}}'}}
  - {{name: c5, type: calculate, calculation: '1', trigger: '${{nothing}}'}}
"
    );
    let files = MemFiles::new().with("form.yaml", form);
    let (form, diags) = load("form.yaml", &files);
    assert!(diags.is_empty(), "{diags:#?}");
    let (_, diags) = compile(&form.unwrap());
    let messages: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    expect![[r#"
        [
            "form.yaml:9:61: `trigger` must name a question at the same level as `c1` (in the same repeat, or outside every repeat when `c1` is), but `${b}` is not",
            "form.yaml:10:61: `trigger` names questions as `${name}`, but found `a`",
            "form.yaml:11:61: `trigger` names a question whose answer changes, but `${kids}` is a group or repeat",
            "form.yaml:12:49: `trigger` needs a `calculation`: the value to set when the trigger question changes",
            "form.yaml:13:61: in trigger: unknown question `${nothing}`",
        ]
    "#]].assert_debug_eq(&messages);
}

#[test]
fn drafts_round_trip_with_hidden_answers_and_bad_text() {
    let form = format!(
        "{HEAD}questions:
  - {{name: age, type: integer, label: Age}}
  - {{name: school, type: text, label: School, relevant: '${{age}} >= 6'}}
  - name: kids
    type: repeat
    label: Kid
    questions:
      - {{name: kname, type: text, label: Name}}
      - {{name: kage, type: integer, label: Age}}
  - {{name: risks, type: select_multiple risks, label: Risks}}
choices:
  risks:
    - {{name: violence, label: Violence}}
    - {{name: labour, label: Labour}}
"
    );
    let mut s = session(&form);
    run(
        &mut s,
        &[
            Answer("age", "7"),
            Answer("school", "Ban Nong"),
            Answer("age", "3"),
            Add("kids"),
            Add("kids"),
            Answer("kids[2]/kname", "Dao"),
            Answer("kids[2]/kage", "twelve"),
            Answer("risks", "labour violence"),
        ],
    );
    let draft = s.draft_json();
    assert_eq!(
        draft,
        serde_json::json!({"age": 3, "school": "Ban Nong", "kids": [{}, {"kname": "Dao", "kage": "twelve"}], "risks": ["labour", "violence"]})
    );
    let mut t = session(&form);
    let (_, report) = t.load_answers(&draft).unwrap();
    assert!(report.unknown.is_empty());
    assert_eq!(dump(&t), dump(&s));
    assert_eq!(t.draft_json(), draft);
}

#[test]
fn finalize_lists_every_problem_in_form_order() {
    let form = format!(
        "{HEAD}questions:
  - {{name: a, type: text, label: A, required: yes}}
  - name: kids
    type: repeat
    label: Kid
    questions:
      - {{name: kname, type: text, label: Kid name, required: yes, required_message: {{th: ใส่ชื่อ, en: Enter the name}}}}
  - {{name: b, type: integer, label: B, required: '${{a}} != \"\"'}}
"
    );
    let mut s = session(&form);
    run(
        &mut s,
        &[Add("kids"), Add("kids"), Answer("kids[1]/kname", "x")],
    );
    assert!(!s.node("a").unwrap().show_error);
    let problems: Vec<String> = s
        .finalize_problems()
        .into_iter()
        .map(|p| format!("{}: {}: {}", p.path, p.label, p.message))
        .collect();
    assert_eq!(
        problems,
        [
            "a: A: this question is required",
            "kids[2]/kname: Kid name: Enter the name"
        ]
    );
    assert!(s.node("a").unwrap().show_error);
    run(&mut s, &[Answer("a", "yes")]);
    assert_eq!(
        s.problems().len(),
        2,
        "b becomes required once a is answered"
    );
}

#[test]
fn dynamic_defaults_and_read_only() {
    let form = format!(
        "{HEAD}questions:
  - {{name: visit, type: date, label: Visit, default: today()}}
  - {{name: country, type: text, label: Country, default: Thailand, read_only: yes}}
  - {{name: id, type: calculate, calculation: 'once(uuid())'}}
"
    );
    let mut s = session(&form);
    assert_eq!(s.node("visit").unwrap().text, "2026-11-23");
    assert_eq!(s.node("country").unwrap().text, "Thailand");
    assert!(s.answer("country", "Laos").is_err());
    let id = s.node("id").unwrap().text;
    // The first version 4 UUID of the fixed clock's seed, laid out as it was
    // before the uuid crate placed the bits: the same seed gives the same id.
    assert_eq!(id, "0d83b3e2-9a21-487a-94c4-4c79f1fe9d67");
    s.answer("visit", "2026-11-20").unwrap();
    assert_eq!(
        s.node("id").unwrap().text,
        id,
        "once() keeps its first value"
    );
}

#[test]
fn answering_unknown_or_computed_paths_is_refused() {
    let form = format!(
        "{HEAD}questions:
  - {{name: a, type: text, label: A}}
  - {{name: c, type: calculate, calculation: 'concat(${{a}}, \"!\")'}}
  - name: r
    type: repeat
    label: R
    questions:
      - {{name: x, type: text, label: X}}
"
    );
    let mut s = session(&form);
    let errors: Vec<String> = [
        s.answer("nope", "1"),
        s.answer("c", "1"),
        s.answer("r[1]/x", "1"),
        s.answer("x", "1"),
    ]
    .into_iter()
    .map(|r| r.unwrap_err().to_string())
    .collect();
    assert_eq!(
        errors,
        [
            "no question or repeat entry has the path `nope`",
            "`c` is computed by the form and cannot be answered",
            "no question or repeat entry has the path `r[1]/x`",
            "no question or repeat entry has the path `x`",
        ]
    );
}

#[test]
fn labels_show_answers_from_the_same_entry() {
    let form = format!(
        "{HEAD}questions:
  - {{name: child, type: text, label: Child}}
  - {{name: age, type: integer, label: {{th: '${{child}} อายุเท่าไร', en: 'How old is ${{child}}?'}}}}
  - name: kids
    type: repeat
    label: Kid
    questions:
      - {{name: kname, type: text, label: Name}}
      - {{name: kschool, type: text, label: 'Where does ${{kname}} go to school?', hint: 'Household head: ${{child}}'}}
"
    );
    let mut s = session(&form);
    run(
        &mut s,
        &[
            Answer("child", "Dao"),
            Add("kids"),
            Add("kids"),
            Answer("kids[1]/kname", "Nok"),
            Answer("kids[2]/kname", "Fah"),
        ],
    );
    assert_eq!(s.node("age").unwrap().label, "How old is Dao?");
    assert_eq!(
        s.node("kids[2]/kschool").unwrap().label,
        "Where does Fah go to school?"
    );
    assert_eq!(
        s.node("kids[1]/kschool").unwrap().hint.as_deref(),
        Some("Household head: Dao")
    );
    let changes = s.answer("child", "Mali").unwrap();
    let changed = paths(&s, &changes.changed);
    assert!(changed.contains(&"age".to_owned()), "{changed:?}");
    assert!(
        changed.contains(&"kids[1]/kschool".to_owned()),
        "{changed:?}"
    );
    s.set_language("th");
    assert_eq!(s.node("age").unwrap().label, "Mali อายุเท่าไร");
}

/// Walks a full view and checks that `node_shallow` and `entry`, which the
/// app uses to render one group, repeat or entry at a time, give exactly the
/// matching part of it.
fn check_partial_views(s: &Session) -> usize {
    fn walk(s: &Session, n: &NodeView, seen: &mut usize) {
        let mut alone = n.clone();
        alone.children.clear();
        alone.instances.clear();
        assert_eq!(s.node_shallow(&n.path).as_ref(), Some(&alone), "{}", n.path);
        assert_eq!(s.node(&n.path).as_ref(), Some(n), "{}", n.path);
        *seen += 1;
        for c in &n.children {
            walk(s, c, seen);
        }
        for i in &n.instances {
            assert_eq!(s.entry(&i.path).as_ref(), Some(i), "{}", i.path);
            *seen += 1;
            for c in &i.children {
                walk(s, c, seen);
            }
        }
    }
    let mut seen = 0;
    for item in &s.view().items {
        walk(s, item, &mut seen);
    }
    seen
}

#[test]
fn one_node_or_one_entry_alone_matches_the_whole_view() {
    let form = format!(
        "{HEAD}questions:
  - name: home
    type: group
    label: Home
    questions:
      - {{name: size, type: integer, label: Size}}
      - name: members
        type: repeat
        label: Member
        questions:
          - {{name: member, type: text, label: 'Member of ${{size}}'}}
          - name: visits
            type: repeat
            label: Visit
            questions:
              - {{name: day, type: date, label: Day}}
  - {{name: n, type: calculate, calculation: 'count(${{members}})'}}
"
    );
    let mut s = session(&form);
    run(
        &mut s,
        &[
            Answer("size", "3"),
            Add("members"),
            Add("members"),
            Add("members[2]/visits"),
            Add("members[2]/visits"),
            Answer("members[2]/visits[2]/day", "2026-11-20"),
            Remove("members[1]"),
        ],
    );
    // home, size, members, members[1], member, visits, visits[1], day,
    // visits[2], day, n.
    assert_eq!(check_partial_views(&s), 11);
    assert_eq!(s.entry("members[2]"), None);
    assert_eq!(s.entry("size[1]"), None);
    assert_eq!(s.node_shallow("nothing"), None);
}

#[test]
fn a_check_pattern_with_a_syntax_error_is_reported_when_the_form_compiles() {
    let form = format!(
        "{HEAD}questions:
  - {{name: code, type: text, label: Code, checks: [{{regex: '[A-Z'}}]}}
"
    );
    let (form, diags) = load("form.yaml", &MemFiles::new().with("form.yaml", &form));
    assert!(diags.is_empty(), "{diags:#?}");
    let (_, diags) = compile(&form.unwrap());
    let messages: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    expect![[r#"
        [
            "form.yaml:3:51: invalid regular expression in checks: non-empty character class has no closing bracket",
        ]
    "#]]
    .assert_debug_eq(&messages);
}

#[test]
fn each_wrong_thai_id_says_what_is_wrong() {
    let form = format!(
        "{HEAD}questions:
  - {{name: id, type: text, label: ID, checks: [thai_id]}}
"
    );
    let mut out = String::new();
    for lang in ["en", "th"] {
        for typed in [
            "110170020345",
            "11017002034500",
            "1101-70020-345x",
            "1101700203451",
            "1-1017-00203-45-0",
        ] {
            let mut s = session(&form);
            run(&mut s, &[Lang(lang), Answer("id", typed)]);
            out.push_str(&dump(&s));
        }
    }
    expect![[r#"
        id = 110170020345 ! expected 13 digits in a Thai national ID, but found 12
        id = 11017002034500 ! expected 13 digits in a Thai national ID, but found 14
        id = 1101-70020-345x ! expected only digits in a Thai national ID, but found other characters
        id = 1101700203451 ! the last digit of this Thai national ID does not match the others, so a digit may be mistyped; check it against the card
        id = 1-1017-00203-45-0
        id = 110170020345 ! เลขประจำตัวประชาชนต้องมี 13 หลัก แต่กรอกไว้ 12 หลัก
        id = 11017002034500 ! เลขประจำตัวประชาชนต้องมี 13 หลัก แต่กรอกไว้ 14 หลัก
        id = 1101-70020-345x ! เลขประจำตัวประชาชนต้องเป็นตัวเลขเท่านั้น ไม่มีตัวอักษร
        id = 1101700203451 ! เลขประจำตัวประชาชนนี้ไม่ถูกต้อง หลักสุดท้ายไม่ตรงกับเลขหลักอื่น อาจพิมพ์ผิดบางหลัก โปรดตรวจกับบัตรอีกครั้ง
        id = 1-1017-00203-45-0
    "#]]
    .assert_eq(&out);
}

/// A form that names its records with `settings.instance_name`, and one
/// without, which falls back to its first text answer.
fn record_names(settings: &str, steps: &[Step]) -> Option<String> {
    let form = format!(
        "form:
  id: t
  version: '1'
  title: T
{settings}questions:
  - {{name: recorder, type: text, label: Recorder}}
  - name: child
    type: group
    label: Child
    questions:
      - {{name: child_name, type: text, label: Name}}
      - {{name: nickname, type: text, label: Nickname}}
      - {{name: village, type: select_one villages, label: Village}}
  - name: members
    type: repeat
    label: Members
    questions:
      - {{name: member_name, type: text, label: Name}}
choices:
  villages:
    - {{name: v1, label: Ban Nong Bua}}
"
    );
    let mut s = session(&form);
    run(&mut s, steps);
    s.instance_name()
}

#[test]
fn instance_name_names_the_record_in_lists() {
    let named = "  settings:
    instance_name: \"concat(${child_name}, if(${nickname} != '', concat(' (', ${nickname}, ')'), ''), ' ', jr:choice-name(${village}, '${village}'))\"
";
    let steps = [
        Answer("recorder", "Somsri Jaidee"),
        Answer("child_name", "Dao"),
        Answer("nickname", "Nok"),
        Answer("village", "v1"),
    ];
    let out = [
        record_names(named, &[]),
        record_names(named, &steps[..1]),
        record_names(named, &steps[..2]),
        record_names(named, &steps[..3]),
        record_names(named, &steps),
        record_names("", &[]),
        record_names(
            "",
            &[Add("members"), Answer("members[1]/member_name", "Pim")],
        ),
        record_names("", &steps),
        record_names(
            "  settings: {instance_name: \"concat('  ', ${child_name}, '   ', ${nickname})\"}\n",
            &steps,
        ),
    ];
    expect![[r#"
        [
            None,
            None,
            Some(
                "Dao",
            ),
            Some(
                "Dao (Nok)",
            ),
            Some(
                "Dao (Nok) Ban Nong Bua",
            ),
            None,
            None,
            Some(
                "Somsri Jaidee",
            ),
            Some(
                "Dao Nok",
            ),
        ]"#]]
    .assert_eq(&format!("{out:#?}"));
}

#[test]
fn a_broken_instance_name_is_reported_where_it_is_written() {
    let files = MemFiles::new().with(
        "form.yaml",
        "form:
  id: t
  version: '1'
  title: T
  settings:
    instance_name: concat(${child}, ' ',
questions:
  - {name: child_name, type: text, label: Name}
",
    );
    let (form, diags) = load("form.yaml", &files);
    assert!(diags.is_empty(), "{diags:?}");
    let (_, diags) = compile(&form.unwrap());
    let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
    expect![[r#"
        form.yaml:6:27: in instance_name: unknown question `${child}`
        form.yaml:6:41: in instance_name: expected an expression, but found end of expression
        form.yaml:6:41: in instance_name: expected `)` to close the call to `concat` at column 1, but found end of expression"#]]
    .assert_eq(&lines.join("\n"));
}

#[test]
fn a_range_takes_only_its_steps_and_an_image_only_a_safe_file_name() {
    let form = format!(
        "{HEAD}questions:
  - {{name: pain, type: range, label: Pain, parameters: {{start: 0, end: 10, step: 2}}}}
  - {{name: half, type: range, label: Half, parameters: {{start: 0, end: 1, step: 0.1}}}}
  - {{name: photo, type: image, label: Photo}}
  - {{name: seen, type: note, label: 'Seen: ${{pain}} ${{photo}}'}}
"
    );
    check(
        &form,
        &[
            Answer("pain", "4"),
            Answer("half", "0.3"),
            Answer("photo", "photo-0190abcd.jpg"),
        ],
        expect![[r#"
            pain = 4
            half = 0.3
            photo = photo-0190abcd.jpg
            seen =
        "#]],
    );
    check(
        &form,
        &[
            Answer("pain", "5"),
            Answer("half", "1.5"),
            Answer("photo", "../../etc/passwd"),
        ],
        expect![[r#"
            pain = 5 ! expected a number from 0 to 10 in steps of 2, but found '5'
            half = 1.5 ! expected a number from 0 to 1 in steps of 0.1, but found '1.5'
            photo = ../../etc/passwd ! expected the file name of a photo, but found '../../etc/passwd'
            seen =
        "#]],
    );
    // The view tells the app the slider's values and the photo's size.
    let s = session(&form);
    let view = s.view();
    assert_eq!(
        view.items[0].range,
        Some(yim_engine::RangeView {
            start: 0.0,
            end: 10.0,
            step: 2.0
        })
    );
    assert_eq!(view.items[2].max_pixels, Some(1280));
    assert_eq!(view.items[0].max_pixels, None);
}

#[test]
fn removing_an_entry_reports_the_entries_that_moved_and_the_one_gone() {
    let mut s = session(
        "\
form: {id: t, version: '1', title: T}
questions:
  - {name: head, type: text, label: Head}
  - name: people
    type: repeat
    label: People
    questions:
      - {name: pname, type: text, label: Name}
      - name: visits
        type: repeat
        label: Visits
        questions:
          - {name: vdate, type: date, label: Date}
",
    );
    for _ in 0..3 {
        s.add_repeat("people").unwrap();
    }
    s.add_repeat("people[3]/visits").unwrap();
    s.answer("people[3]/pname", "Dao").unwrap();
    let dao = s.key("people[3]/pname").unwrap();
    let gone = s.key("people[2]/pname").unwrap();
    let changes = s.remove_repeat("people[2]").unwrap();
    // The second entry is gone and the third is now the second: every view
    // of either is out of date, while the first entry and the question
    // outside the repeat are not.
    let changed = paths(&s, &changes.changed);
    assert!(
        changed.contains(&"people[2]/pname".to_owned()),
        "{changed:?}"
    );
    assert!(
        changed.contains(&"people[2]/visits[1]/vdate".to_owned()),
        "{changed:?}"
    );
    assert!(changed.contains(&"(removed)".to_owned()), "{changed:?}");
    assert!(
        !changed
            .iter()
            .any(|p| p.starts_with("people[1]/") || p == "head"),
        "{changed:?}"
    );
    let repeats = paths(&s, &changes.repeats);
    assert!(repeats.contains(&"people".to_owned()), "{repeats:?}");
    assert!(
        repeats.contains(&"people[2]/visits".to_owned()),
        "{repeats:?}"
    );
    // A key follows its entry: Dao's name is now the second entry's.
    assert_eq!(s.path(dao).as_deref(), Some("people[2]/pname"));
    assert_eq!(s.key("people[2]/pname"), Some(dao));
    assert_eq!(s.node("people[2]/pname").unwrap().key, dao);
    assert_eq!(s.path(gone), None);
    assert_eq!(s.node("people[2]/pname").unwrap().kind, NodeKind::Text);
    assert_eq!(s.node("people").unwrap().kind, NodeKind::Repeat);
}

#[test]
fn rank_stores_the_choices_in_order_and_selected_at_reads_them() {
    let form = format!(
        "{HEAD}questions:
  - {{name: needs, type: rank needs, label: Needs}}
  - {{name: first, type: calculate, calculation: 'selected-at(${{needs}}, 0)'}}
  - {{name: second, type: calculate, calculation: 'selected-at(${{needs}}, 1)'}}
  - {{name: has_food, type: calculate, calculation: 'selected(${{needs}}, \"food\")'}}
choices:
  needs:
    - {{name: food, label: Food}}
    - {{name: school, label: School}}
    - {{name: health, label: Health}}
"
    );
    check(
        &form,
        &[Answer("needs", "health food school")],
        expect![[r#"
            needs = health food school
            first = health
            second = food
            has_food = true
        "#]],
    );
    // A name that is not a choice, or a choice ranked twice, is kept as
    // typed and reported.
    check(
        &form,
        &[Answer("needs", "health food health")],
        expect![[r#"
            needs = health food health ! expected the choices in order, each once, but found 'health food health'
            first =
            second =
            has_food = false
        "#]],
    );
    check(
        &form,
        &[Lang("th"), Answer("needs", "food bread")],
        expect![[r#"
            needs = food bread ! ต้องเรียงลำดับตัวเลือกที่มีให้ โดยแต่ละตัวเลือกมีครั้งเดียว แต่ได้รับ 'food bread'
            first =
            second =
            has_food = false
        "#]],
    );
}

#[test]
fn traces_and_shapes_are_stored_as_odk_writes_them() {
    let form = format!(
        "{HEAD}questions:
  - {{name: road, type: geotrace, label: Road}}
  - {{name: field, type: geoshape, label: Field}}
"
    );
    // Every point gets its altitude and accuracy; a shape is closed.
    check(
        &form,
        &[
            Answer("road", "15.1 104.3; 15.2 104.4 120 5"),
            Answer("field", "15.1 104.3;15.1 104.4;15.2 104.4"),
        ],
        expect![[r#"
            road = 15.1 104.3 0 0;15.2 104.4 120 5
            field = 15.1 104.3 0 0;15.1 104.4 0 0;15.2 104.4 0 0;15.1 104.3 0 0
        "#]],
    );
    // A shape typed closed is not closed twice; Thai digits are read.
    check(
        &form,
        &[Answer(
            "field",
            "๑๕.๑ ๑๐๔.๓;15.1 104.4;15.2 104.4;15.1 104.3",
        )],
        expect![[r#"
            road =
            field = 15.1 104.3 0 0;15.1 104.4 0 0;15.2 104.4 0 0;15.1 104.3 0 0
        "#]],
    );
    // One point is no line; two distinct points (closed or not) are no
    // area; a point off the globe is no point.
    check(
        &form,
        &[
            Answer("road", "15.1 104.3"),
            Answer("field", "15.1 104.3;15.1 104.4;15.1 104.3"),
        ],
        expect![[r#"
            road = 15.1 104.3 ! expected a line of at least 2 points, each latitude and longitude, separated by ;, but found '15.1 104.3'
            field = 15.1 104.3;15.1 104.4;15.1 104.3 ! expected an area of at least 3 different points, each latitude and longitude, separated by ;, but found '15.1 104.3;15.1 104.4;15.1 104.3'
        "#]],
    );
    check(
        &form,
        &[Answer("road", "95 104.3;15.2 104.4")],
        expect![[r#"
            road = 95 104.3;15.2 104.4 ! expected a line of at least 2 points, each latitude and longitude, separated by ;, but found '95 104.3;15.2 104.4'
            field =
        "#]],
    );
}
