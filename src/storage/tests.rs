//! The storage layer in a real browser: IndexedDB in headless Chromium.
//!
//! Each test works on its own database, named after the test, deleted
//! before and after. Figures (timings, bytes per response) are printed with
//! `console.log`; run with `-- --nocapture` to see them.

use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde_json::{json, Value};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

use super::db;
use super::schema::{self, stores, V1Response};
use super::*;
use crate::i18n::Lang;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh, empty database for one test.
pub(super) async fn fresh(name: &str) -> Storage {
    Storage::delete_database(name)
        .await
        .expect("deleting a test database");
    Storage::open(name).await.expect("opening a test database")
}

pub(super) async fn finish(storage: Storage) {
    let name = storage.name().to_string();
    storage.close();
    Storage::delete_database(&name)
        .await
        .expect("deleting a test database");
}

fn form(id: &str) -> FormRef {
    FormRef {
        id: id.to_string(),
        version: "2025.1".to_string(),
        hash: format!("{id}-hash"),
    }
}

/// A draft of `form_id` with the given answers, made at `now`.
fn draft(form_id: &str, now: u64, answers: Value) -> Response {
    let mut response = Response::new_draft(&form(form_id), "device-1", now);
    response.answers = answers;
    response
}

/// Milliseconds from the page's high-resolution clock; `Date.now()` only
/// counts whole milliseconds, too coarse for a single save.
fn clock() -> f64 {
    let performance =
        js_sys::Reflect::get(&js_sys::global(), &"performance".into()).expect("performance");
    let now: js_sys::Function = js_sys::Reflect::get(&performance, &"now".into())
        .expect("now")
        .into();
    now.call0(&performance)
        .expect("performance.now()")
        .as_f64()
        .expect("a number")
}

fn since(start: f64) -> f64 {
    clock() - start
}

// --- ids -------------------------------------------------------------------

fn check_v7(ms: u64, counter: u16, random: [u8; 8], expected: &str) {
    assert_eq!(
        ids::format_v7(ms, counter, random),
        expected,
        "ms {ms}, counter {counter}"
    );
}

#[wasm_bindgen_test]
fn ids_lay_out_time_version_counter_and_variant() {
    // RFC 9562 appendix A.6 uses 0x017F22E279B0 ms (2022-02-22 19:22:22 UTC).
    check_v7(
        0x017F_22E2_79B0,
        0x0CC3,
        [0x18, 0xC4, 0xDC, 0x0C, 0x0C, 0x07, 0x39, 0x8F],
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398f",
    );
    check_v7(0, 0, [0; 8], "00000000-0000-7000-8000-000000000000");
    check_v7(
        0xFFFF_FFFF_FFFF,
        0x0FFF,
        [0xFF; 8],
        "ffffffff-ffff-7fff-bfff-ffffffffffff",
    );
}

#[wasm_bindgen_test]
fn ids_made_in_a_row_sort_in_the_order_they_were_made() {
    let made: Vec<String> = (0..5000).map(|_| new_id()).collect();
    let mut sorted = made.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, made, "ids must be unique and ascending");
    for id in &made {
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "7", "version of {id}");
        assert!(
            matches!(&id[19..20], "8" | "9" | "a" | "b"),
            "variant of {id}"
        );
    }
}

// --- records ---------------------------------------------------------------

fn check_becomes(from: Status, to: Status, allowed: bool) {
    assert_eq!(
        from.may_become(to),
        allowed,
        "{} → {}",
        from.as_str(),
        to.as_str()
    );
}

#[wasm_bindgen_test]
fn a_response_only_moves_forward() {
    use Status::*;
    check_becomes(Draft, Draft, true);
    check_becomes(Draft, Finalized, true);
    check_becomes(Draft, Exported, false);
    check_becomes(Finalized, Draft, false);
    check_becomes(Finalized, Finalized, false);
    check_becomes(Finalized, Exported, true);
    check_becomes(Exported, Draft, false);
    check_becomes(Exported, Finalized, false);
    check_becomes(Exported, Exported, true);
}

#[wasm_bindgen_test]
fn the_form_hash_follows_the_resolved_form() {
    let text =
        "form:\n  id: tiny\n  version: \"1\"\n  title: Tiny\nquestions:\n  - name: a\n    type: text\n    label: A\n";
    let load = |text: &str| {
        let files = yim_form::MemFiles(
            [("tiny.yaml".to_string(), text.to_string())]
                .into_iter()
                .collect(),
        );
        yim_form::load("tiny.yaml", &files)
            .0
            .expect("the test form loads")
    };
    let first = form_hash(&load(text));
    assert_eq!(first.len(), 64);
    assert!(
        first
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
        "{first}"
    );
    assert_eq!(
        form_hash(&load(text)),
        first,
        "the same form gives the same hash"
    );
    let changed = text.replace("label: A", "label: B");
    assert_ne!(
        form_hash(&load(&changed)),
        first,
        "a changed label changes the hash"
    );

    // The printing kept for the visit gives the same hash, is made once per
    // form, and never hands one form's text to another.
    let tiny = std::sync::Arc::new(load(text));
    let once = printed(&tiny);
    assert_eq!(once.hash, first);
    assert_eq!(once.yaml, yim_form::to_yaml(&tiny));
    assert!(
        std::rc::Rc::ptr_eq(&once, &printed(&tiny)),
        "printed again instead of kept"
    );
    let other = std::sync::Arc::new(load(&changed));
    assert_eq!(printed(&other).hash, form_hash(&load(&changed)));
    drop(tiny);
    let after_drop = std::sync::Arc::new(load(&changed));
    assert_eq!(printed(&after_drop).hash, form_hash(&load(&changed)));
}

// --- errors ----------------------------------------------------------------

fn check_error(name: &str, expected: StorageError) {
    let exception = web_sys::DomException::new_with_message_and_name("the browser's words", name)
        .expect("a DOMException");
    assert_eq!(StorageError::from_dom(&exception), expected, "{name}");
}

#[wasm_bindgen_test]
fn browser_errors_map_to_what_the_volunteer_can_do() {
    check_error("QuotaExceededError", StorageError::QuotaExceeded);
    check_error("InvalidStateError", StorageError::Closed);
    check_error("UnknownError", StorageError::Closed);
    check_error("VersionError", StorageError::TooNew);
    check_error(
        "SecurityError",
        StorageError::Unavailable {
            reason: "the browser's words".to_string(),
        },
    );
    check_error(
        "DataCloneError",
        StorageError::Other {
            name: "DataCloneError".to_string(),
            message: "the browser's words".to_string(),
        },
    );
    assert!(StorageError::QuotaExceeded
        .user_message(Lang::En)
        .contains("storage is full"));
    assert!(StorageError::QuotaExceeded
        .user_message(Lang::Th)
        .contains("พื้นที่"));
    assert!(StorageError::QuotaExceeded.is_retryable());
    assert!(!StorageError::NotFound {
        id: "x".to_string()
    }
    .is_retryable());
}

#[wasm_bindgen_test]
async fn a_closed_connection_fails_with_closed() {
    let storage = fresh("yim-test-closed-error").await;
    let db = storage.database().await.expect("open");
    db.clone().close();
    let error = db
        .transaction(stores::RESPONSES)
        .build()
        .map_err(StorageError::from_idb)
        .expect_err("closed");
    assert_eq!(error, StorageError::Closed);
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn a_transaction_the_browser_aborts_reports_the_browser_s_reason() {
    // A full disk aborts the whole transaction at commit time rather than
    // failing one request; a second `add` of the same key does the same with
    // a `ConstraintError`, which a test can provoke.
    let storage = fresh("yim-test-abort").await;
    let db = storage.database().await.expect("open");
    let tx = db::writing(&db, stores::FORMS).expect("tx");
    let forms = tx.object_store(stores::FORMS).expect("store");
    let source = FormSource {
        hash: "h".to_string(),
        form_id: "f".to_string(),
        version: "1".to_string(),
        yaml: String::new(),
        saved_ms: 0,
    };
    let _first = forms.add(&source).serde().expect("add");
    let _second = forms.add(&source).serde().expect("add");
    let error = db::commit(tx)
        .await
        .expect_err("the second add aborts the transaction");
    assert!(
        matches!(&error, StorageError::Other { name, .. } if name == "ConstraintError"),
        "{error:?}"
    );
    assert_eq!(
        storage.form("h").await.expect("form"),
        None,
        "nothing of the aborted transaction is kept"
    );
    finish(storage).await;
}

// --- the lifecycle of a response -------------------------------------------

#[wasm_bindgen_test]
async fn put_get_update_finalize_and_delete() {
    let storage = fresh("yim-test-lifecycle").await;
    let answers = json!({
        "respondent": "สมศรี",
        "age": 42,
        "members": [{"member_name": "a", "member_sex": "f"}, {"member_name": "b", "member_sex": "m"}],
        "tags": ["x", "y"],
    });
    let mut response = draft("household", 1_000, answers.clone());
    response.meta.page = 2;
    response.meta.label = Some("บ้านเลขที่ 12".to_string());
    storage.put(&response).await.expect("put");
    // Every write adds one to the revision.
    response.meta.revision = 1;
    assert_eq!(
        storage.get(&response.meta.id).await.expect("get"),
        response,
        "what was put comes back"
    );

    // Saving again replaces the draft.
    response.answers["age"] = json!(43);
    response.meta.updated_ms = 2_000;
    storage.put(&response).await.expect("put again");
    assert_eq!(
        storage.get(&response.meta.id).await.expect("get").answers["age"],
        json!(43)
    );
    assert_eq!(
        storage
            .count("household", Status::Draft)
            .await
            .expect("count"),
        1
    );

    // Finalizing through update keeps the answers and adds the data.
    let finalized = storage
        .update(&response.meta.id, |r| {
            r.meta.status = Status::Finalized;
            r.meta.updated_ms = 3_000;
            r.data = Some(json!({"respondent": "สมศรี", "age": 43}));
        })
        .await
        .expect("finalize");
    assert_eq!(
        finalized.answers,
        storage.get(&response.meta.id).await.expect("get").answers
    );
    assert_eq!(
        storage
            .count("household", Status::Draft)
            .await
            .expect("count"),
        0
    );
    assert_eq!(
        storage
            .count("household", Status::Finalized)
            .await
            .expect("count"),
        1
    );
    let listed = storage
        .list("household", Status::Finalized)
        .await
        .expect("list");
    assert_eq!(listed, vec![finalized.meta.clone()]);

    // A finalized response is read-only: a late autosave, an edit and a
    // delete are all refused, and the stored response is unchanged. (The
    // autosave is based on the finalized revision; from an older one it
    // would be a conflict, see the defect 5 tests.)
    response.meta.revision = finalized.meta.revision;
    let read_only = StorageError::ReadOnly {
        id: response.meta.id.clone(),
        status: Status::Finalized,
    };
    assert_eq!(
        storage.put(&response).await,
        Err(read_only.clone()),
        "a draft over a finalized response"
    );
    assert_eq!(
        storage
            .update(&response.meta.id, |r| r.meta.page = 9)
            .await
            .map(|_| ()),
        Err(read_only.clone())
    );
    assert_eq!(storage.delete(&response.meta.id).await, Err(read_only));
    assert_eq!(
        storage.get(&response.meta.id).await.expect("get"),
        finalized
    );

    // A draft can be deleted, and is gone afterwards.
    let other = draft("household", 4_000, json!({"respondent": "x"}));
    storage.put(&other).await.expect("put");
    storage.delete(&other.meta.id).await.expect("delete");
    assert_eq!(
        storage.get(&other.meta.id).await,
        Err(StorageError::NotFound {
            id: other.meta.id.clone()
        })
    );
    assert_eq!(
        storage.delete(&other.meta.id).await,
        Err(StorageError::NotFound {
            id: other.meta.id.clone()
        })
    );
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn sealed_bytes_and_data_come_back_unchanged() {
    let storage = fresh("yim-test-sealed").await;
    let mut response = draft(
        "household",
        1,
        json!({"a": 1.5, "big": 12345678901234567_u64, "text": "ก\u{0e49}"}),
    );
    response.meta.status = Status::Finalized;
    response.data = Some(json!({"a": 1.5}));
    response.sealed = Some((0..=255).collect());
    storage.put(&response).await.expect("put");
    response.meta.revision = 1;
    assert_eq!(storage.get(&response.meta.id).await.expect("get"), response);
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn put_many_writes_all_or_nothing() {
    let storage = fresh("yim-test-put-many").await;
    let mut closed = draft("f", 1, json!({}));
    closed.meta.status = Status::Finalized;
    storage.put(&closed).await.expect("put");

    let mut batch: Vec<Response> = (0..20)
        .map(|i| draft("f", 10 + i, json!({ "i": i })))
        .collect();
    let mut reopened = closed.clone();
    reopened.meta.status = Status::Draft;
    reopened.meta.revision = 1;
    batch.push(reopened);
    assert_eq!(
        storage.put_many(&batch).await,
        Err(StorageError::ReadOnly {
            id: closed.meta.id.clone(),
            status: Status::Finalized
        })
    );
    assert_eq!(
        storage.count("f", Status::Draft).await.expect("count"),
        0,
        "nothing of the failed batch was kept"
    );

    batch.pop();
    storage.put_many(&batch).await.expect("put_many");
    assert_eq!(storage.count("f", Status::Draft).await.expect("count"), 20);
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn lists_and_counts_are_per_form_and_status_newest_first() {
    let storage = fresh("yim-test-lists").await;
    let mut all = Vec::new();
    for (i, (form_id, status)) in [
        ("a", Status::Draft),
        ("b", Status::Draft),
        ("a", Status::Finalized),
        ("a", Status::Draft),
        ("ab", Status::Draft),
        ("a", Status::Exported),
    ]
    .into_iter()
    .enumerate()
    {
        let mut response = draft(form_id, 100 + i as u64, json!({}));
        response.meta.status = status;
        all.push(response);
    }
    storage.put_many(&all).await.expect("put_many");
    let ids = |list: Vec<ResponseMeta>| list.into_iter().map(|meta| meta.id).collect::<Vec<_>>();
    assert_eq!(
        ids(storage.list("a", Status::Draft).await.expect("list")),
        vec![all[3].meta.id.clone(), all[0].meta.id.clone()]
    );
    assert_eq!(
        ids(storage.list("ab", Status::Draft).await.expect("list")),
        vec![all[4].meta.id.clone()]
    );
    assert_eq!(
        ids(storage.list("c", Status::Draft).await.expect("list")),
        Vec::<String>::new()
    );
    assert_eq!(
        storage.counts(&["a", "b", "c"]).await.expect("counts"),
        vec![
            Counts {
                drafts: 2,
                finalized: 1,
                exported: 1
            },
            Counts {
                drafts: 1,
                finalized: 0,
                exported: 0
            },
            Counts::default(),
        ]
    );
    assert_eq!(
        ids(storage.list_status(Status::Finalized).await.expect("list")),
        vec![all[2].meta.id.clone()]
    );
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn an_export_is_logged_and_marks_its_responses() {
    let storage = fresh("yim-test-exports").await;
    let mut done: Vec<Response> = (0..3).map(|i| draft("f", i, json!({ "i": i }))).collect();
    for response in &mut done {
        response.meta.status = Status::Finalized;
    }
    let open = draft("f", 9, json!({}));
    storage.put_many(&done).await.expect("put_many");
    storage.put(&open).await.expect("put");

    let export = ExportRecord {
        id: new_id(),
        created_ms: 50,
        device_id: "device-1".to_string(),
        file_name: "yim-f.age".to_string(),
        response_ids: done.iter().map(|r| r.meta.id.clone()).collect(),
        sequence: 1,
        form_ids: vec!["f".to_string()],
    };
    storage.record_export(&export).await.expect("record_export");
    assert_eq!(
        storage.exports().await.expect("exports"),
        vec![export.clone()]
    );
    assert_eq!(
        storage.counts(&["f"]).await.expect("counts"),
        vec![Counts {
            drafts: 1,
            finalized: 0,
            exported: 3
        }]
    );

    // A draft cannot go into an export, and the failed export leaves no trace.
    let mut bad = export.clone();
    bad.id = new_id();
    bad.response_ids = vec![open.meta.id.clone()];
    assert_eq!(
        storage.record_export(&bad).await,
        Err(StorageError::ReadOnly {
            id: open.meta.id.clone(),
            status: Status::Draft
        })
    );
    assert_eq!(storage.exports().await.expect("exports").len(), 1);
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn form_sources_are_kept_by_hash() {
    let storage = fresh("yim-test-forms").await;
    let source = FormSource {
        hash: "abc".to_string(),
        form_id: "f".to_string(),
        version: "1".to_string(),
        yaml: "form:\n  id: f\n".to_string(),
        saved_ms: 7,
    };
    assert_eq!(storage.form("abc").await.expect("form"), None);
    storage.save_form(&source).await.expect("save_form");
    storage
        .save_form(&source)
        .await
        .expect("saving twice is harmless");
    assert_eq!(storage.form("abc").await.expect("form"), Some(source));
    finish(storage).await;
}

// --- the connection --------------------------------------------------------

#[wasm_bindgen_test]
async fn reopens_when_the_browser_closed_the_database() {
    let storage = fresh("yim-test-reopen").await;
    let first = draft("f", 1, json!({"a": 1}));
    storage.put(&first).await.expect("put");

    // Close the connection behind the storage's back, as iOS does under
    // memory pressure; the next write still lands.
    storage.database().await.expect("open").close();
    let second = draft("f", 2, json!({"a": 2}));
    storage
        .put(&second)
        .await
        .expect("put after the browser closed the database");
    assert_eq!(storage.count("f", Status::Draft).await.expect("count"), 2);
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn another_tab_upgrading_closes_this_connection() {
    let name = "yim-test-versionchange";
    let storage = fresh(name).await;
    storage.put(&draft("f", 1, json!({}))).await.expect("put");
    // A newer version of the app in another tab opens the database at a
    // higher version; this connection must let go instead of blocking it.
    let request =
        indexed_db_futures::database::Database::open(name).with_version(schema::VERSION + 1);
    let newer = request.await.expect("the upgrade is not blocked");
    assert_eq!(newer.version() as u32, schema::VERSION + 1);
    newer.close();
    // This (older) app now finds a database that is too new for it.
    assert_eq!(
        storage.count("f", Status::Draft).await,
        Err(StorageError::TooNew)
    );
    finish(storage).await;
}

// --- two tabs on one phone (issue 17) --------------------------------------

/// A second handle on the database `name`: its own connection, as another
/// tab of the same app has.
fn other_tab(name: &str) -> Storage {
    Storage::new(name)
}

#[wasm_bindgen_test]
async fn defect_5_a_stale_tab_cannot_overwrite_a_newer_draft() {
    let name = "yim-test-defect-5-overwrite";
    let tab_a = fresh(name).await;
    let tab_b = other_tab(name);
    let started = draft("household", 1, json!({"name": "สมศรี"}));
    tab_a.put(&started).await.expect("put");

    // Both tabs open the draft; A saves first, then B saves what it holds.
    let mut in_a = tab_a.get(&started.meta.id).await.expect("get in A");
    let mut in_b = tab_b.get(&started.meta.id).await.expect("get in B");
    in_a.answers = json!({"name": "สมศรี", "age": 42});
    tab_a.put(&in_a).await.expect("A saves");
    in_b.answers = json!({"name": "สมศรี", "phone": "0812345678"});
    assert_eq!(
        tab_b.put(&in_b).await,
        Err(StorageError::Conflict {
            id: started.meta.id.clone(),
            based_on: 1,
            stored: 2
        }),
        "B's stale write is refused"
    );
    assert_eq!(
        tab_a.get(&started.meta.id).await.expect("get").answers,
        json!({"name": "สมศรี", "age": 42}),
        "A's answers are still stored"
    );
    tab_b.close();
    finish(tab_a).await;
}

#[wasm_bindgen_test]
async fn defect_5_a_stale_tab_cannot_finalize() {
    let name = "yim-test-defect-5-finalize";
    let tab_a = fresh(name).await;
    let tab_b = other_tab(name);
    let started = draft("household", 1, json!({"name": "สมศรี"}));
    tab_a.put(&started).await.expect("put");

    let mut in_a = tab_a.get(&started.meta.id).await.expect("get in A");
    let mut in_b = tab_b.get(&started.meta.id).await.expect("get in B");
    in_a.answers = json!({"name": "สมศรี", "age": 42});
    tab_a.put(&in_a).await.expect("A saves");
    // B finalizes (and would seal) the answers it holds, which miss A's.
    in_b.meta.status = Status::Finalized;
    in_b.data = Some(json!({"name": "สมศรี"}));
    in_b.sealed = Some(vec![1, 2, 3]);
    let conflict = StorageError::Conflict {
        id: started.meta.id.clone(),
        based_on: 1,
        stored: 2,
    };
    assert_eq!(tab_b.put(&in_b).await, Err(conflict.clone()));
    // Saving the way the form screen does makes no copy of a response being
    // finalized: sealed bytes hold no answers to copy.
    assert_eq!(
        tab_b.save(&in_b, &new_id()).await,
        Err(conflict),
        "B's stale finalize is refused"
    );
    assert_eq!(
        tab_a
            .count("household", Status::Draft)
            .await
            .expect("count"),
        1,
        "no copy was made"
    );
    let stored = tab_a.get(&started.meta.id).await.expect("get");
    assert_eq!(stored.meta.status, Status::Draft, "nothing was finalized");
    assert_eq!(stored.sealed, None, "nothing was sealed");
    assert_eq!(stored.answers, json!({"name": "สมศรี", "age": 42}));
    tab_b.close();
    finish(tab_a).await;
}

#[wasm_bindgen_test]
async fn defect_5_the_stale_tab_keeps_its_answers_as_a_copy() {
    let name = "yim-test-defect-5-copy";
    let tab_a = fresh(name).await;
    let tab_b = other_tab(name);
    let mut started = draft("household", 1, json!({"name": "สมศรี"}));
    started.meta.label = Some("สมศรี".to_string());
    tab_a.put(&started).await.expect("put");

    // Each tab's form screen claims the draft it opened, as `Keeper` does.
    let claim = |mut response: Response| {
        response.meta.writer = Some(new_id());
        response
    };
    let mut in_a = claim(tab_a.get(&started.meta.id).await.expect("get in A"));
    let mut in_b = claim(tab_b.get(&started.meta.id).await.expect("get in B"));
    in_a.answers = json!({"name": "สมศรี", "age": 42});
    assert_eq!(tab_a.save(&in_a, &new_id()).await, Ok(Written::InPlace));
    // A's next autosave leaves before the first has landed, based on the
    // same revision: it is A's own, so it is taken.
    in_a.answers["age"] = json!(43);
    assert_eq!(tab_a.save(&in_a, &new_id()).await, Ok(Written::InPlace));

    // B saves what it holds: it becomes a copy, and A's draft stays.
    in_b.answers = json!({"name": "สมศรี", "phone": "0812345678"});
    let copy_id = new_id();
    let Ok(Written::AsCopy { meta, because }) = tab_b.save(&in_b, &copy_id).await else {
        panic!("expected B's answers to be kept as a copy");
    };
    assert_eq!(
        because,
        StorageError::Conflict {
            id: started.meta.id.clone(),
            based_on: 1,
            stored: 3
        }
    );
    assert_eq!(meta.id, copy_id);
    assert_eq!(meta.copied_from.as_deref(), Some(started.meta.id.as_str()));
    assert_eq!(meta.status, Status::Draft);
    assert_eq!(
        meta.label.as_deref(),
        Some(format!("{COPY_MARK}: สมศรี").as_str())
    );
    // A write of B's that was already on its way lands in the same copy.
    in_b.answers["phone"] = json!("0899999999");
    assert!(matches!(
        tab_b.save(&in_b, &copy_id).await,
        Ok(Written::AsCopy { meta, .. }) if meta.id == copy_id
    ));
    // From then on B writes to the copy, which keeps its mark.
    in_b.meta = meta;
    in_b.meta.label = Some("สมศรี".to_string());
    in_b.answers["phone"] = json!("0811111111");
    assert_eq!(tab_b.save(&in_b, &new_id()).await, Ok(Written::InPlace));

    let original = tab_a.get(&started.meta.id).await.expect("get");
    assert_eq!(original.answers, json!({"name": "สมศรี", "age": 43}));
    let copy = tab_a.get(&copy_id).await.expect("get the copy");
    assert_eq!(copy.answers, json!({"name": "สมศรี", "phone": "0811111111"}));
    assert_eq!(copy.meta.label, Some(format!("{COPY_MARK}: สมศรี")));
    assert_eq!(copy.meta.writer, None, "reading clears the writer");
    assert_eq!(
        tab_a
            .count("household", Status::Draft)
            .await
            .expect("count"),
        2,
        "both versions, and only one copy"
    );
    tab_b.close();
    finish(tab_a).await;
}

#[wasm_bindgen_test]
fn conflicts_are_explained_in_both_languages() {
    let conflict = StorageError::Conflict {
        id: "r".to_string(),
        based_on: 1,
        stored: 2,
    };
    assert_eq!(
        conflict.to_string(),
        "expected the response r at revision 1, but found revision 2, written by another tab"
    );
    assert!(conflict
        .user_message(Lang::En)
        .contains("copy from another tab"));
    assert!(conflict.user_message(Lang::Th).contains("สำเนาจากแท็บอื่น"));
    assert!(!conflict.is_retryable());
    let taken = StorageError::SequenceTaken {
        sequence: 3,
        next: 4,
    };
    assert_eq!(
        taken.to_string(),
        "expected export number 3 to be the next on this device, but found 4 next"
    );
    assert!(taken.user_message(Lang::En).contains("export again"));
    assert!(taken.is_retryable());
}

#[wasm_bindgen_test]
async fn defect_6_a_sequence_number_is_logged_once() {
    let storage = fresh("yim-test-defect-6-log").await;
    let mut done: Vec<Response> = (0..2).map(|i| draft("f", i, json!({ "i": i }))).collect();
    for response in &mut done {
        response.meta.status = Status::Finalized;
    }
    storage.put_many(&done).await.expect("put_many");
    let export = |response: &Response| ExportRecord {
        id: new_id(),
        created_ms: 50,
        device_id: "device-1".to_string(),
        file_name: "yim-f.age".to_string(),
        response_ids: vec![response.meta.id.clone()],
        sequence: 1,
        form_ids: vec!["f".to_string()],
    };
    // Two tabs numbered their bundles from the same log: both say 1.
    storage
        .record_export(&export(&done[0]))
        .await
        .expect("the first export");
    assert_eq!(
        storage.record_export(&export(&done[1])).await,
        Err(StorageError::SequenceTaken {
            sequence: 1,
            next: 2
        }),
        "a second export numbered 1"
    );
    let numbers: Vec<u64> = storage
        .exports()
        .await
        .expect("exports")
        .iter()
        .map(|e| e.sequence)
        .collect();
    assert_eq!(numbers, vec![1]);
    assert_eq!(
        storage.counts(&["f"]).await.expect("counts"),
        vec![Counts {
            drafts: 0,
            finalized: 1,
            exported: 1
        }],
        "the refused export marked nothing"
    );
    finish(storage).await;
}

// --- upgrading from version 1 ----------------------------------------------

/// Stores a response's metadata and body as an older version of the app
/// wrote them, around the storage layer, so that no current code takes part.
pub(super) async fn write_raw(
    db: &indexed_db_futures::database::Database,
    meta: &impl serde::Serialize,
    body: &impl serde::Serialize,
) {
    let tx = db
        .transaction([stores::RESPONSES, stores::ANSWERS])
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("tx");
    let metas = tx.object_store(stores::RESPONSES).expect("store");
    let bodies = tx.object_store(stores::ANSWERS).expect("store");
    metas.put(meta).serde().expect("put").await.expect("put");
    bodies.put(body).serde().expect("put").await.expect("put");
    tx.commit().await.expect("commit");
}

/// The database `name`, made afresh at the older `version` as that version
/// of the app left it, and its open connection.
pub(super) async fn at_old_version(
    name: &str,
    version: u32,
) -> (Storage, indexed_db_futures::database::Database) {
    Storage::delete_database(name).await.expect("delete");
    let old = Storage::at_version(name, version);
    let db = old.database().await.expect("open at an older version");
    assert_eq!(db.version() as u32, version);
    (old, db)
}

#[wasm_bindgen_test]
async fn upgrading_from_version_1_keeps_every_record() {
    let name = "yim-test-upgrade";
    let (old, db) = at_old_version(name, 1).await;
    let records: Vec<V1Response> = (0..300)
        .map(|i| V1Response {
            id: format!("{:08}-0000-7000-8000-000000000000", i),
            form_id: ["child-core", "household"][i % 2].to_string(),
            form_version: "2024.2".to_string(),
            device_id: "old-phone".to_string(),
            status: [Status::Draft, Status::Finalized, Status::Exported][i % 3],
            created_ms: 1_700_000_000_000 + i as u64,
            updated_ms: 1_700_000_100_000 + i as u64,
            answers: json!({"name": format!("คน {i}"), "age": i, "members": [{"n": i}, {"n": i + 1}]}),
        })
        .collect();
    {
        let tx = db
            .transaction(stores::RESPONSES)
            .with_mode(TransactionMode::Readwrite)
            .build()
            .expect("tx");
        let store = tx.object_store(stores::RESPONSES).expect("store");
        for record in &records {
            store.put(record).serde().expect("put").await.expect("put");
        }
        tx.commit().await.expect("commit");
    }
    old.close();

    let storage = Storage::open(name)
        .await
        .expect("upgrade to the current version");
    assert_eq!(
        storage.database().await.expect("open").version() as u32,
        schema::VERSION
    );
    for record in &records {
        let (meta, _) = record.clone().into_v2();
        let response = storage
            .get(&record.id)
            .await
            .expect("every record is there");
        assert_eq!(response.meta, meta);
        assert_eq!(response.meta.form_hash, None);
        assert_eq!(response.answers, record.answers, "answers of {}", record.id);
    }
    for form_id in ["child-core", "household"] {
        for status in Status::ALL {
            let expected = records
                .iter()
                .filter(|r| r.form_id == form_id && r.status == status)
                .count();
            assert_eq!(
                storage.count(form_id, status).await.expect("count") as usize,
                expected
            );
            assert_eq!(
                storage.list(form_id, status).await.expect("list").len(),
                expected
            );
        }
    }
    // The upgraded database takes new responses like a new one.
    storage
        .put(&draft("household", 1, json!({})))
        .await
        .expect("put after the upgrade");
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn upgrading_from_version_2_reads_every_response_at_revision_0() {
    let name = "yim-test-upgrade-2";
    let (old, db) = at_old_version(name, 2).await;
    // A response as version 2 of the app stored it: no revision, writer or
    // copy.
    let id = "00000001-0000-7000-8000-000000000000";
    let meta = json!({
        "id": id, "form_id": "household", "form_version": "2025.1",
        "form_hash": "h", "created_ms": 1, "updated_ms": 2,
        "device_id": "old-phone", "status": "draft", "page": 3, "label": "สมศรี",
    });
    let body = json!({"id": id, "answers": "{\"name\":\"สมศรี\"}", "data": null});
    write_raw(&db, &meta, &body).await;
    old.close();

    let storage = Storage::open(name).await.expect("upgrade to version 3");
    assert_eq!(
        storage.database().await.expect("open").version() as u32,
        schema::VERSION
    );
    let mut response = storage.get(id).await.expect("the response is there");
    assert_eq!(response.meta.revision, 0);
    assert_eq!(response.meta.writer, None);
    assert_eq!(response.meta.copied_from, None);
    assert_eq!(response.meta.page, 3);
    assert_eq!(response.answers, json!({"name": "สมศรี"}));
    // A write based on revision 0 is taken; one based on a revision the
    // response never had is not.
    response.answers = json!({"name": "สมศรี", "age": 42});
    storage.put(&response).await.expect("a write at revision 0");
    assert_eq!(storage.get(id).await.expect("get").meta.revision, 1);
    response.meta.revision = 7;
    assert!(matches!(
        storage.put(&response).await,
        Err(StorageError::Conflict { stored: 1, .. })
    ));
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn every_older_version_upgrades_to_one_that_keeps_photos() {
    for version in 1..schema::VERSION {
        let name = format!("yim-test-upgrade-media-{version}");
        let (old, db) = at_old_version(&name, version).await;
        // From version 2 on, a draft as that version stored it stays.
        let id = "00000002-0000-7000-8000-000000000000";
        if version >= 2 {
            let meta = json!({
                "id": id, "form_id": "household", "form_version": "2025.1",
                "form_hash": "h", "created_ms": 1, "updated_ms": 2,
                "device_id": "old-phone", "status": "draft", "page": 0,
            });
            let body = json!({"id": id, "answers": "{\"name\":\"สมศรี\"}", "data": null});
            write_raw(&db, &meta, &body).await;
        }
        old.close();
        let storage = Storage::open(&name).await.expect("upgrade");
        assert_eq!(
            storage.database().await.expect("open").version() as u32,
            schema::VERSION,
            "from version {version}"
        );
        let mut response = if version >= 2 {
            storage.get(id).await.expect("the draft is there")
        } else {
            draft("household", 1, json!({}))
        };
        response.answers = json!({"photo": "p.jpg"});
        let photo = Photo {
            name: "p.jpg".to_string(),
            mime: "image/jpeg".to_string(),
            bytes: vec![0xff, 0xd8, version as u8],
        };
        storage
            .save_with_photos(&response, &new_id(), std::slice::from_ref(&photo))
            .await
            .expect("a draft with a photo after the upgrade");
        assert_eq!(
            storage.photos(&response.meta.id).await.expect("photos"),
            vec![photo],
            "from version {version}"
        );
        finish(storage).await;
    }
}

// --- settings and quota ----------------------------------------------------

#[wasm_bindgen_test]
fn the_device_id_is_made_once_and_kept() {
    use gloo_storage::Storage as _;
    // The key is not deleted first: the id is also kept for the whole visit
    // in memory, so once another test of this run has asked for it, a
    // deleted key would not be written again and the test would depend on
    // the order the tests run in.
    let first = settings::device_id();
    assert_eq!(settings::device_id(), first);
    assert_eq!(
        gloo_storage::LocalStorage::get::<String>(settings::DEVICE_KEY).ok(),
        Some(first)
    );
    settings::set_volunteer_name("  นางสาว ใจดี ");
    assert_eq!(settings::volunteer_name().as_deref(), Some("นางสาว ใจดี"));
    settings::set_volunteer_name("");
    assert_eq!(settings::volunteer_name(), None);
}

fn check_bytes(bytes: f64, expected: &str) {
    assert_eq!(quota::format_bytes(bytes), expected, "{bytes}");
}

#[wasm_bindgen_test]
fn byte_counts_read_like_a_phone_shows_them() {
    check_bytes(0.0, "0 B");
    check_bytes(999.0, "999 B");
    check_bytes(1_000.0, "1.0 KB");
    check_bytes(3_456.0, "3.5 KB");
    check_bytes(12_345_678.0, "12 MB");
    check_bytes(2_100_000_000.0, "2.1 GB");
}

#[wasm_bindgen_test]
async fn the_browser_reports_usage_and_quota() {
    let estimate = quota::estimate().await.expect("Chromium estimates storage");
    assert!(estimate.quota > 0.0, "{estimate:?}");
    assert!(estimate.available() <= estimate.quota);
    // Headless Chromium answers without asking anyone; either answer is
    // valid, but it must answer.
    assert!(quota::request_persistence().await.is_some());
    assert!(quota::is_persisted().await.is_some());
}

// --- volume and the benchmark ----------------------------------------------

/// Answers like a 200-question form's: text, numbers, dates, choices and a
/// repeat of household members.
fn answers_of_200_questions(seed: usize) -> Value {
    let mut answers = serde_json::Map::new();
    for q in 0..190 {
        let value = match q % 5 {
            0 => json!(format!("คำตอบที่ {q} ของแบบฟอร์มที่ {seed}")),
            1 => json!(q * 7 + seed),
            2 => json!("2025-03-14"),
            3 => json!("choice_b"),
            _ => json!(["choice_a", "choice_c"]),
        };
        answers.insert(format!("q{q:03}"), value);
    }
    let members: Vec<Value> =
        (0..5).map(|m| json!({"member_name": format!("สมาชิก {m}"), "member_age": 30 + m, "member_sex": "f"})).collect();
    answers.insert("members".to_string(), Value::Array(members));
    Value::Object(answers)
}

/// Chromium updates its usage figure lazily; a short pause after the writes
/// lets it settle.
async fn usage_after_settling() -> f64 {
    let pause = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 500);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(pause).await;
    quota::estimate().await.expect("estimate").usage
}

#[wasm_bindgen_test]
async fn ten_thousand_responses_listed_by_form_and_status() {
    let storage = fresh("yim-test-10k").await;
    let forms = ["child-core", "child-phayao", "household", "child-surin"];
    let statuses = [
        Status::Draft,
        Status::Finalized,
        Status::Finalized,
        Status::Exported,
        Status::Finalized,
    ];
    let usage_before = usage_after_settling().await;
    let start = clock();
    for batch in 0..10 {
        let responses: Vec<Response> = (0..1000)
            .map(|i| {
                let n = batch * 1000 + i;
                let mut response = draft(
                    forms[n % forms.len()],
                    1_700_000_000_000 + n as u64,
                    json!({"respondent": format!("ผู้ตอบ {n}"), "age": n % 90, "village": "บ้านใหม่", "members": [{"member_name": "ก", "member_sex": "f"}]}),
                );
                response.meta.status = statuses[n % statuses.len()];
                response
            })
            .collect();
        storage.put_many(&responses).await.expect("put_many");
    }
    let write_ms = since(start);
    let bytes_per_response = (usage_after_settling().await - usage_before) / 10_000.0;

    let start = clock();
    let list = storage
        .list("household", Status::Finalized)
        .await
        .expect("list");
    let list_ms = since(start);
    // Forms and status slots cycle with different periods (4 and 5), so
    // each of the 20 pairs holds 500 responses; finalized has three slots.
    assert_eq!(list.len(), 1500);
    assert!(
        list.windows(2).all(|w| w[0].updated_ms >= w[1].updated_ms),
        "newest first"
    );
    assert!(list
        .iter()
        .all(|meta| meta.form_id == "household" && meta.status == Status::Finalized));

    let start = clock();
    let counts = storage.counts(&forms).await.expect("counts");
    let counts_ms = since(start);
    assert_eq!(
        counts,
        vec![
            Counts {
                drafts: 500,
                finalized: 1500,
                exported: 500
            };
            4
        ]
    );

    let start = clock();
    let finalized = storage.list_status(Status::Finalized).await.expect("list");
    let all_finalized_ms = since(start);
    assert_eq!(finalized.len(), 6000);

    console_log!("storage: wrote 10000 small responses in 10 transactions: {write_ms:.0} ms");
    console_log!("storage: listed 1500 of 10000 by form and status: {list_ms:.1} ms");
    console_log!("storage: listed all 6000 finalized of 10000: {all_finalized_ms:.1} ms");
    console_log!("storage: counted 4 forms x 3 statuses over 10000: {counts_ms:.1} ms");
    console_log!(
        "storage: about {bytes_per_response:.0} bytes per small response (estimate delta / count)"
    );
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn benchmark_saving_a_200_question_draft() {
    let storage = fresh("yim-test-bench-200").await;
    let mut response = draft("big", 1, answers_of_200_questions(0));
    assert!(response.answers.as_object().expect("an object").len() > 190);
    // The form screen's autosave writes as one writer (see `Keeper`).
    response.meta.writer = Some(new_id());
    storage.put(&response).await.expect("first save");

    // An autosave writes the whole draft again after every change.
    let mut times = Vec::new();
    for round in 1..=30 {
        response.answers["q001"] = json!(round);
        response.meta.updated_ms = 1 + round as u64;
        let start = clock();
        storage.put(&response).await.expect("autosave");
        times.push(since(start));
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let worst = times[times.len() - 1];
    assert_eq!(
        storage.get(&response.meta.id).await.expect("get").answers["q001"],
        json!(30)
    );

    let usage_before = usage_after_settling().await;
    let many: Vec<Response> = (0..500)
        .map(|i| draft("big", 10 + i, answers_of_200_questions(i as usize)))
        .collect();
    storage.put_many(&many).await.expect("put_many");
    let bytes_per_response = (usage_after_settling().await - usage_before) / 500.0;
    let json_bytes = many[0].answers.to_string().len();

    console_log!("storage: saved a 200-question draft: median {median:.1} ms, worst {worst:.1} ms over 30 saves");
    console_log!(
        "storage: about {bytes_per_response:.0} bytes per 200-question response ({json_bytes} bytes of answers as JSON)"
    );
    finish(storage).await;
}
