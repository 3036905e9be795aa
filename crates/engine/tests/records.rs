//! Stored answers keep reading and keep their shape. The two files in
//! `records/` were written by the engine before answers had a record type of
//! their own (when they were `yim_expr::Value` serialized directly): a draft
//! and the finalized data of one response to `records/form.yaml`, covering
//! every kind of stored answer. Drafts on phones and the data inside bundles
//! already sent look like them, so the engine must read them back and write
//! the very same JSON again.

mod common;

use yim_engine::Session;
use yim_form::answers::{AnswerRecord, StoredAnswer};

fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/records/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn new_session() -> Session {
    let path = format!("{}/tests/records/form.yaml", env!("CARGO_MANIFEST_DIR"));
    common::session(&std::fs::read_to_string(path).unwrap())
}

/// The same commands that produced the fixtures.
fn fill(s: &mut Session) {
    for (path, text) in [
        ("child_name", "ด.ญ. มะลิ \"ใจดี\""),
        ("age", "5"),
        ("weight", "18.5"),
        ("height", "1.1"),
        ("visit", "2026-11-20"),
        ("at", "09:30"),
        ("seen", "2026-11-20T09:30:00+07:00"),
        ("sex", "f"),
        ("needs", "food health"),
    ] {
        s.answer(path, text).unwrap();
    }
    s.add_repeat("household").unwrap();
    s.add_repeat("household").unwrap();
    s.answer("household[1]/member", "Somchai").unwrap();
    s.answer("household[1]/member_age", "40").unwrap();
    s.answer("household[1]/member_needs", "school").unwrap();
    // Text that does not fit its question: a draft keeps it as typed.
    s.answer("household[2]/member_age", "ten").unwrap();
    // An answer that a draft keeps while its question is hidden.
    s.answer("age", "7").unwrap();
    s.answer("school", "Ban Nong").unwrap();
    s.answer("age", "5").unwrap();
}

#[test]
fn the_engine_writes_the_stored_shape_it_always_wrote() {
    let mut s = new_session();
    fill(&mut s);
    // Compared as text, so that a number written with a fraction where
    // there was none, or a key order that moved, shows up too.
    let text = |v: &serde_json::Value| serde_json::to_string(v).unwrap();
    assert_eq!(text(&s.draft_json()), text(&fixture("draft-v1.json")));
    assert_eq!(text(&s.answers_json()), text(&fixture("data-v1.json")));
}

#[test]
fn stored_records_read_as_the_record_type_and_write_back_unchanged() {
    for name in ["draft-v1.json", "data-v1.json"] {
        let json = fixture(name);
        let record = AnswerRecord::from_json(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(record.to_json(), json, "{name}");
    }
    // Each kind of answer reads as the variant that says what it is.
    let data = AnswerRecord::from_json(&fixture("data-v1.json")).unwrap();
    let get = |name: &str| data.0.get(name).unwrap_or_else(|| panic!("{name}"));
    assert_eq!(get("age"), &StoredAnswer::Whole(5));
    assert_eq!(get("weight"), &StoredAnswer::Number(18.5));
    assert_eq!(get("big"), &StoredAnswer::Number(5e18));
    assert_eq!(get("nothing"), &StoredAnswer::Empty);
    assert_eq!(get("adult"), &StoredAnswer::Flag(false));
    assert_eq!(get("visit"), &StoredAnswer::Text("2026-11-20".into()));
    assert_eq!(
        get("needs"),
        &StoredAnswer::List(vec![
            StoredAnswer::Text("food".into()),
            StoredAnswer::Text("health".into())
        ])
    );
    let StoredAnswer::Entries(entries) = get("household") else {
        panic!("household is not a list of entries: {:?}", get("household"));
    };
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1], AnswerRecord::default());
}

#[test]
fn a_stored_draft_reopens_as_it_was_left() {
    let mut s = new_session();
    let (_, report) = s.load_answers(&fixture("draft-v1.json")).unwrap();
    assert!(report.unknown.is_empty(), "{report:?}");
    assert!(report.computed.is_empty(), "{report:?}");
    let text = |v: &serde_json::Value| serde_json::to_string(v).unwrap();
    assert_eq!(text(&s.draft_json()), text(&fixture("draft-v1.json")));
    assert_eq!(text(&s.answers_json()), text(&fixture("data-v1.json")));
}

#[test]
fn what_is_not_an_answer_record_is_refused_with_a_reason() {
    for bad in [
        serde_json::json!([1, 2]),
        serde_json::json!("text"),
        serde_json::json!({"age": {"years": 5}}),
    ] {
        let err = AnswerRecord::from_json(&bad).unwrap_err();
        assert!(!err.to_string().is_empty(), "{bad}");
    }
}
