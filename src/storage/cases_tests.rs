//! The case list in a real browser: folded in the transaction that stores
//! the finalized response, read by list, encrypted with the PIN, and added
//! to a database of the previous version. Each test works on its own
//! database.

use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;
use yim_form::case::{CaseAction, CaseChange, CaseStatus};

use super::lock_tests::{form, pin, raw, CHEAP, SECRET};
use super::schema::{self, stores};
use super::tests::{at_old_version, finish, fresh, write_raw};
use super::*;

const CASE: &str = "01890a5d-ac96-774b-bcce-b302099a8057";

/// A finalized response made at `now`, in clear.
fn finalized(now: u64) -> Response {
    let mut response = Response::new_draft(&form(), "device-1", now);
    response.meta.status = Status::Finalized;
    response.answers = json!({ "name": SECRET });
    response.data = Some(json!({ "name": SECRET }));
    response
}

fn change(case: &str, action: CaseAction, properties: &[(&str, &str)]) -> CaseChange {
    CaseChange {
        list: "children".into(),
        id: case.into(),
        action,
        label: Some(SECRET.into()),
        properties: properties
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

#[wasm_bindgen_test]
async fn a_finalize_stores_its_case_and_follow_ups_update_it() {
    let storage = fresh("yim-test-cases-fold").await;
    let first = finalized(10);
    let opened = change(
        CASE,
        CaseAction::Create,
        &[("next_visit", "2026-12-10"), ("risk_level", "high")],
    );
    storage
        .put_finalized(&first, Some(&opened))
        .await
        .expect("finalize the first visit");
    let second = finalized(20);
    let referred = change(CASE, CaseAction::Update, &[("status", "referred")]);
    storage
        .put_finalized(&second, Some(&referred))
        .await
        .expect("finalize the follow-up");
    // A response that opens no case leaves the list alone.
    storage
        .put_finalized(&finalized(30), None)
        .await
        .expect("finalize without a case");
    let other = change(
        "01890a5d-ac96-774b-bcce-b302099a8058",
        CaseAction::Create,
        &[],
    );
    let mut elders = other.clone();
    elders.list = "elders".into();
    storage
        .put_finalized(&finalized(40), Some(&elders))
        .await
        .expect("a case of another list");

    let children = storage.cases(Some("children")).await.expect("read");
    assert_eq!(children.len(), 1);
    let case = &children[0];
    assert_eq!(case.id, CASE);
    assert_eq!(case.label.as_deref(), Some(SECRET));
    assert_eq!(case.status(), CaseStatus::Referred);
    assert_eq!(case.next_visit.as_deref(), Some("2026-12-10"));
    assert_eq!(case.risk_level.as_deref(), Some("high"));
    assert_eq!(case.last_visit_ms, 20);
    assert_eq!(
        case.responses,
        [first.meta.id.clone(), second.meta.id.clone()]
    );
    // The home page starts the follow-up of this form's province.
    assert_eq!(
        case.last_form.as_deref(),
        Some(second.meta.form_id.as_str())
    );
    assert_eq!(storage.cases(None).await.expect("read all").len(), 2);
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn a_refused_finalize_leaves_the_case_as_it_was() {
    let storage = fresh("yim-test-cases-refused").await;
    let first = finalized(10);
    storage
        .put_finalized(&first, Some(&change(CASE, CaseAction::Create, &[])))
        .await
        .expect("finalize");
    // Finalizing the same response again is refused (a finalized response
    // is read-only), and its case change with it.
    let mut again = first.clone();
    again.meta.revision = 1;
    let closed = change(CASE, CaseAction::Update, &[("status", "closed")]);
    assert!(matches!(
        storage.put_finalized(&again, Some(&closed)).await,
        Err(StorageError::ReadOnly { .. })
    ));
    let cases = storage.cases(None).await.expect("read");
    assert_eq!(cases[0].status(), CaseStatus::Open);
    assert_eq!(cases[0].responses.len(), 1);
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn with_a_pin_a_case_s_name_is_encrypted_and_forgetting_drops_it() {
    let storage = fresh("yim-test-cases-pin").await;
    storage
        .put_finalized(
            &finalized(10),
            Some(&change(CASE, CaseAction::Create, &[("name", SECRET)])),
        )
        .await
        .expect("finalize in clear");
    assert!(raw(&storage, stores::CASES).await.contains(SECRET));

    storage
        .set_pin_with(&pin("246810"), CHEAP)
        .await
        .expect("set");
    assert!(
        !raw(&storage, stores::CASES).await.contains(SECRET),
        "setting the PIN encrypts the case stored in clear"
    );
    let later = "01890a5d-ac96-774b-bcce-b302099a8059";
    storage
        .put_finalized(
            &finalized(20),
            Some(&change(
                later,
                CaseAction::Create,
                &[("next_visit", "2026-12-08")],
            )),
        )
        .await
        .expect("finalize with a PIN");
    let stored = raw(&storage, stores::CASES).await;
    assert!(
        !stored.contains(SECRET),
        "a case written with a PIN is encrypted"
    );
    assert!(
        stored.contains("2026-12-08"),
        "the date the list sorts by stays"
    );
    let read = storage.cases(None).await.expect("read unlocked");
    assert!(read
        .iter()
        .all(|case| case.label.as_deref() == Some(SECRET)));

    storage.lock();
    assert_eq!(storage.cases(None).await, Err(StorageError::Locked));
    storage.unlock(&pin("246810")).await.expect("unlock");
    storage.remove_pin(&pin("246810")).await.expect("remove");
    assert!(raw(&storage, stores::CASES).await.contains(SECRET));

    storage
        .set_pin_with(&pin("135790"), CHEAP)
        .await
        .expect("set again");
    storage.lock();
    storage.forget_pin().await.expect("forget");
    assert_eq!(storage.cases(None).await, Ok(Vec::new()));
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn upgrading_from_version_4_adds_the_case_list_and_keeps_every_response() {
    let name = "yim-test-upgrade-4";
    let (old, db) = at_old_version(name, 4).await;
    let response = finalized(5);
    // The response as version 4 stored it, written around the storage
    // layer so that no code of the later versions takes part.
    let body = json!({"id": response.meta.id, "answers": response.answers.to_string(),
        "data": response.data.as_ref().map(|d| d.to_string())});
    write_raw(&db, &response.meta, &body).await;
    assert!(!db.object_store_names().any(|n| n == stores::CASES));
    old.close();

    let storage = Storage::open(name)
        .await
        .expect("upgrade to the current version");
    let db = storage.database().await.expect("open");
    assert_eq!(db.version() as u32, schema::VERSION);
    assert!(db.object_store_names().any(|n| n == stores::CASES));
    let read = storage
        .get(&response.meta.id)
        .await
        .expect("the response is there");
    assert_eq!(read.answers, response.answers);
    assert_eq!(storage.cases(None).await, Ok(Vec::new()));
    storage
        .put_finalized(&finalized(6), Some(&change(CASE, CaseAction::Create, &[])))
        .await
        .expect("a case after the upgrade");
    assert_eq!(
        storage.cases(Some("children")).await.expect("read").len(),
        1
    );
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn a_response_kept_in_clear_keeps_its_case_change_locked_and_unlocked() {
    let storage = fresh("yim-test-cases-stranded").await;
    let mut response = finalized(10);
    let opened = change(CASE, CaseAction::Create, &[("name", SECRET)]);
    response.case = Some(opened.clone());
    storage
        .put_finalized(&response, response.case.as_ref())
        .await
        .expect("finalize");
    storage
        .set_pin_with(&pin("246810"), CHEAP)
        .await
        .expect("set");
    assert!(!raw(&storage, stores::ANSWERS).await.contains(SECRET));
    let read = storage.get(&response.meta.id).await.expect("read");
    assert_eq!(read.case, Some(opened));
    finish(storage).await;
}
