//! Cases: a form that opens a case, follow-up forms that pick and update
//! it, and what each response does to the case.
//!
//! Each scenario is a list of visits. A visit fills one form on a device
//! that holds the cases made so far, prints what the volunteer sees first
//! (the pre-filled answers and the picker's warning) and the change the
//! response makes, and the change is folded into the device's cases as the
//! app does. The printout is compared with `expect!` (refresh with
//! `UPDATE_EXPECT=1 cargo test -p yim-engine --test cases`).

mod common;
use common::session;
use std::collections::BTreeMap;

use expect_test::{expect, Expect};
use yim_engine::{CaseRow, NodeKind, NodeView, Session};

/// The form that opens a case: the first visit.
const OPEN: &str = r#"
form: {id: first, version: '1', title: First visit, languages: [th, en], default_language: en}
case:
  list: children
  label: concat(${child_name}, ' (', ${nickname}, ')')
  create_if: ${consent} = 'yes'
questions:
  - {name: consent, type: select_one yes_no, label: Consent}
  - {name: child_name, type: text, label: Name, save_to: child_name}
  - {name: nickname, type: text, label: Nickname, save_to: nickname}
  - {name: village, type: text, label: Village, save_to: village}
  - {name: risk_level, type: select_one risk, label: Risk, save_to: risk_level}
  - {name: next_visit, type: date, label: Next visit, save_to: next_visit}
  - {name: case_status, type: select_one status, label: Status, default: open, save_to: status}
  - {name: remark, type: text, label: Remark}
choices:
  yes_no: [{name: 'yes', label: Yes}, {name: 'no', label: No}]
  risk: [{name: low, label: Low}, {name: medium, label: Medium}, {name: high, label: High}]
  status: [{name: open, label: Open}, {name: referred, label: Referred}, {name: closed, label: Closed}]
"#;

/// The follow-up form: picks a case, shows what is known, updates it.
const FOLLOW: &str = r#"
form: {id: follow, version: '1', title: Follow-up, languages: [th, en], default_language: en}
case:
  list: children
  pick: child
  update_if: ${visited} = 'yes'
questions:
  - {name: child, type: select_one_case, label: Child}
  - name: known_village
    type: calculate
    calculation: instance('children')/root/item[name = ${child}]/village
  - {name: note_known, type: note, label: 'Last known village: ${known_village}'}
  - {name: visited, type: select_one yes_no, label: Visited, default: 'yes'}
  - {name: risk_level, type: select_one risk, label: Risk, save_to: risk_level}
  - {name: next_visit, type: date, label: Next visit, save_to: next_visit}
  - {name: case_status, type: select_one status, label: Status, save_to: status}
  - {name: close_reason, type: text, label: Why closed, relevant: "${case_status} = 'closed'", save_to: close_reason}
choices:
  yes_no: [{name: 'yes', label: Yes}, {name: 'no', label: No}]
  risk: [{name: low, label: Low}, {name: medium, label: Medium}, {name: high, label: High}]
  status: [{name: open, label: Open}, {name: referred, label: Referred}, {name: closed, label: Closed}]
"#;

const CASE_ID: &str = "01890a5d-ac96-774b-bcce-b302099a8057";

/// One visit: which form, the case it picks (for a follow-up), and the
/// answers typed after the form shows what it knows.
struct Visit<'a> {
    form: &'a str,
    pick: Option<&'a str>,
    answers: &'a [(&'a str, &'a str)],
}

fn open(answers: &'static [(&'static str, &'static str)]) -> Visit<'static> {
    Visit {
        form: OPEN,
        pick: None,
        answers,
    }
}

fn follow(answers: &'static [(&'static str, &'static str)]) -> Visit<'static> {
    Visit {
        form: FOLLOW,
        pick: Some(CASE_ID),
        answers,
    }
}

/// Every question's shown text, and the picker's warning.
fn shown(s: &Session) -> String {
    let mut out = String::new();
    for n in &s.view().items {
        line(n, &mut out);
    }
    out
}

fn line(n: &NodeView, out: &mut String) {
    let value = match n.kind {
        NodeKind::Note => n.label.clone(),
        _ => n.text.clone(),
    };
    out.push_str(&format!("  {} = {value}", n.name));
    if !n.relevant {
        out.push_str(" (hidden)");
    }
    if let Some(w) = &n.warning {
        out.push_str(&format!(" ⚠ {w}"));
    }
    out.push('\n');
}

/// Runs the visits in order on one device and prints each one.
fn check(visits: &[Visit], expect: Expect) {
    let mut device: BTreeMap<String, CaseRow> = BTreeMap::new();
    let mut out = String::new();
    for (i, visit) in visits.iter().enumerate() {
        let mut s = session(visit.form);
        s.set_cases(device.values().cloned().collect());
        match visit.pick {
            Some(id) => {
                s.pick_case(id).unwrap();
            }
            None => s.set_new_case_id(CASE_ID),
        }
        out.push_str(&format!("visit {}, shown:\n{}", i + 1, shown(&s)));
        for (path, value) in visit.answers {
            s.answer(path, value).unwrap();
        }
        let change = s.case_change();
        match &change {
            Some(c) => out.push_str(&format!(
                "  change: {}\n",
                serde_json::to_string(c).unwrap()
            )),
            None => out.push_str("  change: none\n"),
        }
        if let Some(change) = change {
            match CaseRow::opened_by(&change) {
                Some(row) => {
                    device.insert(row.id.clone(), row);
                }
                None => device.get_mut(&change.id).unwrap().apply(&change),
            }
        }
    }
    for row in device.values() {
        let properties: Vec<String> = row
            .properties
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        out.push_str(&format!(
            "case {} \"{}\": {}\n",
            row.id,
            row.label,
            properties.join(", ")
        ));
    }
    expect.assert_eq(&out);
}

#[test]
fn a_case_is_opened_updated_twice_in_order_closed_and_flagged_when_closed() {
    check(
        &[
            open(&[
                ("consent", "yes"),
                ("child_name", "มะลิ ใจดี"),
                ("nickname", "มะลิ"),
                ("village", "บ้านโนนสูง"),
                ("risk_level", "high"),
                ("next_visit", "2026-12-13"),
                ("remark", "not saved to the case"),
            ]),
            follow(&[("risk_level", "medium"), ("next_visit", "2026-12-20")]),
            follow(&[("case_status", "referred")]),
            follow(&[
                ("case_status", "closed"),
                ("close_reason", "safe with aunt"),
            ]),
            follow(&[]),
        ],
        expect![[r#"
            visit 1, shown:
              consent = 
              child_name = 
              nickname = 
              village = 
              risk_level = 
              next_visit = 
              case_status = open
              remark = 
              change: {"list":"children","id":"01890a5d-ac96-774b-bcce-b302099a8057","action":"create","label":"มะลิ ใจดี (มะลิ)","properties":{"child_name":"มะลิ ใจดี","next_visit":"2026-12-13","nickname":"มะลิ","risk_level":"high","status":"open","village":"บ้านโนนสูง"}}
            visit 2, shown:
              child = 01890a5d-ac96-774b-bcce-b302099a8057
              known_village = บ้านโนนสูง
              note_known = Last known village: บ้านโนนสูง
              visited = yes
              risk_level = high
              next_visit = 2026-12-13
              case_status = open
              close_reason =  (hidden)
              change: {"list":"children","id":"01890a5d-ac96-774b-bcce-b302099a8057","action":"update","properties":{"next_visit":"2026-12-20","risk_level":"medium","status":"open"}}
            visit 3, shown:
              child = 01890a5d-ac96-774b-bcce-b302099a8057
              known_village = บ้านโนนสูง
              note_known = Last known village: บ้านโนนสูง
              visited = yes
              risk_level = medium
              next_visit = 2026-12-20
              case_status = open
              close_reason =  (hidden)
              change: {"list":"children","id":"01890a5d-ac96-774b-bcce-b302099a8057","action":"update","properties":{"next_visit":"2026-12-20","risk_level":"medium","status":"referred"}}
            visit 4, shown:
              child = 01890a5d-ac96-774b-bcce-b302099a8057
              known_village = บ้านโนนสูง
              note_known = Last known village: บ้านโนนสูง
              visited = yes
              risk_level = medium
              next_visit = 2026-12-20
              case_status = referred
              close_reason =  (hidden)
              change: {"list":"children","id":"01890a5d-ac96-774b-bcce-b302099a8057","action":"update","properties":{"close_reason":"safe with aunt","next_visit":"2026-12-20","risk_level":"medium","status":"closed"}}
            visit 5, shown:
              child = 01890a5d-ac96-774b-bcce-b302099a8057 ⚠ this case is closed; save this visit only if the case needs following again, and set its status
              known_village = บ้านโนนสูง
              note_known = Last known village: บ้านโนนสูง
              visited = yes
              risk_level = medium
              next_visit = 2026-12-20
              case_status = closed
              close_reason = safe with aunt
              change: {"list":"children","id":"01890a5d-ac96-774b-bcce-b302099a8057","action":"update","properties":{"close_reason":"safe with aunt","next_visit":"2026-12-20","risk_level":"medium","status":"closed"}}
            case 01890a5d-ac96-774b-bcce-b302099a8057 "มะลิ ใจดี (มะลิ)": child_name=มะลิ ใจดี, close_reason=safe with aunt, next_visit=2026-12-20, nickname=มะลิ, risk_level=medium, status=closed, village=บ้านโนนสูง
        "#]],
    );
}

#[test]
fn false_conditions_change_nothing() {
    check(
        &[
            open(&[("consent", "no"), ("child_name", "ดาว")]),
            open(&[
                ("consent", "yes"),
                ("child_name", "ดาว"),
                ("risk_level", "low"),
            ]),
            follow(&[("visited", "no"), ("risk_level", "high")]),
        ],
        expect![[r#"
            visit 1, shown:
              consent = 
              child_name = 
              nickname = 
              village = 
              risk_level = 
              next_visit = 
              case_status = open
              remark = 
              change: none
            visit 2, shown:
              consent = 
              child_name = 
              nickname = 
              village = 
              risk_level = 
              next_visit = 
              case_status = open
              remark = 
              change: {"list":"children","id":"01890a5d-ac96-774b-bcce-b302099a8057","action":"create","label":"ดาว ()","properties":{"child_name":"ดาว","risk_level":"low","status":"open"}}
            visit 3, shown:
              child = 01890a5d-ac96-774b-bcce-b302099a8057
              known_village = 
              note_known = Last known village: 
              visited = yes
              risk_level = low
              next_visit = 
              case_status = open
              close_reason =  (hidden)
              change: none
            case 01890a5d-ac96-774b-bcce-b302099a8057 "ดาว ()": child_name=ดาว, risk_level=low, status=open
        "#]],
    );
}

#[test]
fn the_picker_offers_the_devices_cases_with_their_search_text() {
    let mut s = session(FOLLOW);
    assert_eq!(s.case_picker().as_deref(), Some("child"));
    let rows: Vec<CaseRow> = (0..2_000)
        .map(|i| CaseRow {
            id: format!("case-{i}"),
            label: format!("เด็ก {i}"),
            properties: BTreeMap::from([
                ("nickname".to_string(), format!("น้อง{i}")),
                ("village".to_string(), format!("หมู่ {}", i % 12)),
            ]),
        })
        .collect();
    s.set_cases(rows);
    let picker = s.node("child").unwrap();
    assert_eq!(picker.kind, NodeKind::SelectOneCase);
    assert_eq!(picker.choices.len(), 2_000);
    let last = &picker.choices[1_999];
    assert_eq!(
        (last.name.as_str(), last.label.as_str()),
        ("case-1999", "เด็ก 1999")
    );
    assert_eq!(last.search.as_deref(), Some("เด็ก 1999 น้อง1999 หมู่ 7"));
    // Another case's values replace the first one's, and a property the
    // second case lacks leaves its question empty.
    s.pick_case("case-5").unwrap();
    assert_eq!(s.node("known_village").unwrap().text, "หมู่ 5");
    assert_eq!(s.picked_case().unwrap().label, "เด็ก 5");
    // An id the device does not hold is kept, and told.
    s.answer("child", "gone").unwrap();
    assert_eq!(s.node("known_village").unwrap().text, "");
    s.set_language("th");
    assert_eq!(
        s.node("child").unwrap().warning.as_deref(),
        Some("ไม่พบเคสนี้ในเครื่องนี้")
    );
    assert_eq!(s.case_change().unwrap().id, "gone");
}

#[test]
fn a_new_case_needs_its_id_and_a_form_without_a_case_block_changes_none() {
    let mut s = session(OPEN);
    s.answer("consent", "yes").unwrap();
    assert_eq!(s.case_change(), None, "no id was given");
    s.set_new_case_id(CASE_ID);
    assert_eq!(s.new_case_id(), Some(CASE_ID));
    assert_eq!(s.case_change().unwrap().id, CASE_ID);
    let mut plain = session(
        "form: {id: p, version: '1', title: P}\nquestions:\n  - {name: a, type: text, label: A}\n",
    );
    plain.set_cases(Vec::new());
    assert_eq!(plain.case_change(), None);
    assert_eq!(plain.case_picker(), None);
    assert!(plain.pick_case(CASE_ID).is_err());
}
