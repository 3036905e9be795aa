//! The PIN lock in a real browser: what IndexedDB holds with a PIN set,
//! and every change of the lock. Each test works on its own database.

use indexed_db_futures::prelude::*;
use serde_json::json;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

use super::lock::{Cost, Pin};
use super::schema::stores;
use super::*;

/// A cost that keeps the tests fast; the real cost is measured in
/// `the_default_cost_unlocks_in_measured_time`.
pub(super) const CHEAP: Cost = Cost {
    memory_kib: 64,
    passes: 1,
};

/// The typed answer the tests look for in the raw records.
pub(super) const SECRET: &str = "Somchai Jaidee 1-2345-67890-12-3";

async fn fresh(name: &str) -> Storage {
    Storage::delete_database(name).await.expect("delete");
    Storage::open(name).await.expect("open")
}

async fn finish(storage: Storage) {
    let name = storage.name().to_string();
    storage.close();
    Storage::delete_database(&name).await.expect("delete");
}

pub(super) fn pin(text: &str) -> Pin {
    Pin::new(text).unwrap_or_else(|_| panic!("{text} is a PIN"))
}

pub(super) fn form() -> FormRef {
    FormRef {
        id: "child".to_string(),
        version: "1".to_string(),
        hash: "child-hash".to_string(),
    }
}

/// A draft whose answers and label hold [`SECRET`].
fn secret_draft(now: u64) -> Response {
    let mut response = Response::new_draft(&form(), "device-1", now);
    response.answers = json!({ "name": SECRET, "age": 9 });
    response.meta.label = Some(SECRET.to_string());
    response
}

/// Every record of `store` as the browser holds it, as JSON text (bytes
/// show as their numbers), read around the storage layer.
pub(super) async fn raw(storage: &Storage, store: &str) -> String {
    let db = storage.database().await.expect("open");
    let tx = db.transaction(store).build().expect("transaction");
    let records = tx.object_store(store).expect("store");
    let all = records
        .get_all::<JsValue>()
        .primitive()
        .expect("get_all")
        .await
        .expect("read")
        .collect::<Result<Vec<_>, _>>()
        .expect("records");
    all.iter()
        .map(|value| {
            js_sys::JSON::stringify(value)
                .map(String::from)
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn raw_everything(storage: &Storage) -> String {
    format!(
        "{}\n{}",
        raw(storage, stores::RESPONSES).await,
        raw(storage, stores::ANSWERS).await
    )
}

#[wasm_bindgen_test]
fn a_pin_is_six_to_twelve_digits_and_thai_digits_count() {
    assert!(Pin::new("12345").is_err());
    assert!(Pin::new("123456").is_ok());
    assert!(Pin::new("๑๒๓๔๕๖").is_ok());
    assert!(Pin::new("12345a").is_err());
    assert!(Pin::new("1234567890123").is_err());
}

#[wasm_bindgen_test]
async fn with_a_pin_the_raw_records_hold_no_answer_and_the_key_opens_them() {
    let storage = fresh("yim-test-pin-at-rest").await;
    let before = secret_draft(1);
    storage.put(&before).await.expect("put in clear");
    assert!(raw_everything(&storage).await.contains(SECRET));

    storage
        .set_pin_with(&pin("246810"), CHEAP)
        .await
        .expect("set");
    assert!(
        !raw_everything(&storage).await.contains(SECRET),
        "setting the PIN encrypts the draft that was stored in clear"
    );
    let later = secret_draft(2);
    storage.put(&later).await.expect("put with a PIN");
    assert!(
        !raw_everything(&storage).await.contains(SECRET),
        "a draft written with a PIN is encrypted"
    );
    let read = storage.get(&later.meta.id).await.expect("get");
    assert_eq!(read.answers, later.answers);
    assert_eq!(read.meta.label.as_deref(), Some(SECRET));
    let listed = storage.list_status(Status::Draft).await.expect("list");
    assert!(listed
        .iter()
        .all(|meta| meta.label.as_deref() == Some(SECRET)));

    // Locked: nothing is read or written.
    storage.lock();
    assert_eq!(storage.get(&later.meta.id).await, Err(StorageError::Locked));
    assert_eq!(
        storage.put(&secret_draft(3)).await,
        Err(StorageError::Locked)
    );
    assert_eq!(
        storage.unlock(&pin("135790")).await,
        Err(StorageError::WrongPin { wait_ms: 0 })
    );
    storage.unlock(&pin("246810")).await.expect("unlock");
    let read = storage.get(&before.meta.id).await.expect("get");
    assert_eq!(read.answers, before.answers);
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn changing_the_pin_keeps_the_drafts_and_refuses_the_old_pin() {
    let storage = fresh("yim-test-pin-change").await;
    let draft = secret_draft(1);
    storage.put(&draft).await.expect("put");
    storage
        .set_pin_with(&pin("111111"), CHEAP)
        .await
        .expect("set");
    assert_eq!(
        storage.change_pin(&pin("999999"), &pin("222222")).await,
        Err(StorageError::WrongPin { wait_ms: 0 }),
        "a change needs the current PIN"
    );
    storage
        .change_pin(&pin("111111"), &pin("222222"))
        .await
        .expect("change");
    assert_eq!(
        storage
            .lock_record()
            .await
            .expect("read")
            .map(|l| l.version),
        Some(2)
    );
    storage.lock();
    assert!(matches!(
        storage.unlock(&pin("111111")).await,
        Err(StorageError::WrongPin { .. })
    ));
    storage.unlock(&pin("222222")).await.expect("new PIN");
    assert_eq!(
        storage.get(&draft.meta.id).await.expect("get").answers,
        draft.answers
    );
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn removing_the_pin_stores_the_drafts_in_clear_again() {
    let storage = fresh("yim-test-pin-remove").await;
    let draft = secret_draft(1);
    storage.put(&draft).await.expect("put");
    storage
        .set_pin_with(&pin("123456"), CHEAP)
        .await
        .expect("set");
    assert_eq!(
        storage.remove_pin(&pin("654321")).await,
        Err(StorageError::WrongPin { wait_ms: 0 })
    );
    storage.remove_pin(&pin("123456")).await.expect("remove");
    assert!(raw_everything(&storage).await.contains(SECRET));
    assert_eq!(storage.lock_record().await.expect("read"), None);
    // Another tab, which never held a key, reads it.
    let other = Storage::new(storage.name());
    let read = other.get(&draft.meta.id).await.expect("get");
    assert_eq!(read.answers, draft.answers);
    assert_eq!(read.meta.label.as_deref(), Some(SECRET));
    other.close();
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn a_forgotten_pin_loses_the_drafts_only() {
    let storage = fresh("yim-test-pin-forgot").await;
    let draft = secret_draft(1);
    storage.put(&draft).await.expect("put draft");
    let mut sealed = Response::new_draft(&form(), "device-1", 2);
    sealed.meta.status = Status::Finalized;
    sealed.sealed = Some(vec![1, 2, 3, 4]);
    storage.put(&sealed).await.expect("put sealed");
    let export = ExportRecord {
        id: new_id(),
        created_ms: 3,
        device_id: "device-1".to_string(),
        file_name: "bundle.age".to_string(),
        response_ids: vec![sealed.meta.id.clone()],
        sequence: 1,
        form_ids: vec!["child".to_string()],
    };
    storage.record_export(&export).await.expect("export");
    storage
        .set_pin_with(&pin("123456"), CHEAP)
        .await
        .expect("set");
    storage.lock();

    assert_eq!(storage.forget_pin().await, Ok(1));
    assert_eq!(
        storage.get(&draft.meta.id).await,
        Err(StorageError::NotFound {
            id: draft.meta.id.clone()
        })
    );
    let kept = storage.get(&sealed.meta.id).await.expect("sealed stays");
    assert_eq!(kept.sealed, Some(vec![1, 2, 3, 4]));
    assert_eq!(kept.meta.status, Status::Exported);
    assert_eq!(storage.exports().await.expect("log").len(), 1);
    assert_eq!(storage.lock_record().await.expect("read"), None);
    // With no PIN any more, drafts are written in clear.
    storage.put(&secret_draft(4)).await.expect("put");
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn wrong_pins_make_the_next_try_wait() {
    let storage = fresh("yim-test-pin-wait").await;
    storage
        .set_pin_with(&pin("123456"), CHEAP)
        .await
        .expect("set");
    storage.lock();
    for _ in 0..2 {
        assert_eq!(
            storage.unlock(&pin("000000")).await,
            Err(StorageError::WrongPin { wait_ms: 0 })
        );
    }
    let Err(StorageError::WrongPin { wait_ms }) = storage.unlock(&pin("000000")).await else {
        panic!("expected a wrong PIN");
    };
    assert!(
        wait_ms > 4_000,
        "after the third wrong PIN the next waits, got {wait_ms}"
    );
    // Even the right PIN waits its turn; the count is in the database, so a
    // reload does not reset it.
    let reloaded = Storage::new(storage.name());
    assert!(matches!(
        reloaded.unlock(&pin("123456")).await,
        Err(StorageError::WrongPin { wait_ms }) if wait_ms > 0
    ));
    reloaded.close();
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn another_tab_s_pin_change_never_corrupts_this_tab_s_drafts() {
    let name = "yim-test-pin-tabs";
    let first = fresh(name).await;
    let second = Storage::new(name);
    first
        .set_pin_with(&pin("123456"), CHEAP)
        .await
        .expect("set");

    // The second tab holds no key: its write is refused and kept, and goes
    // in once it is unlocked.
    let typed = secret_draft(1);
    assert_eq!(
        second.save(&typed, &new_id()).await,
        Err(StorageError::Locked)
    );
    assert_eq!(second.parked(), 1);
    second.unlock(&pin("123456")).await.expect("unlock");
    assert_eq!(second.parked(), 0);
    assert_eq!(
        first.get(&typed.meta.id).await.expect("get").answers,
        typed.answers
    );

    // A changed PIN keeps the data key: the second tab's writes still open.
    first
        .change_pin(&pin("123456"), &pin("654321"))
        .await
        .expect("change");
    let status = second.lock_status().await.expect("status");
    assert!(status.unlocked && status.stale, "the other tab notices");
    let more = secret_draft(2);
    second.put(&more).await.expect("same key");
    assert_eq!(
        first.get(&more.meta.id).await.expect("get").answers,
        more.answers
    );

    // Removed and set again: a new data key, so the second tab's key must
    // not write, in clear or encrypted.
    first.remove_pin(&pin("654321")).await.expect("remove");
    first
        .set_pin_with(&pin("111111"), CHEAP)
        .await
        .expect("set again");
    assert_eq!(
        second.put(&secret_draft(3)).await,
        Err(StorageError::Locked)
    );
    assert!(!second.lock_status().await.expect("status").unlocked);
    assert_eq!(
        first.get(&more.meta.id).await.expect("still opens").answers,
        more.answers
    );
    second.close();
    finish(first).await;
}

#[wasm_bindgen_test]
async fn the_default_cost_unlocks_in_measured_time() {
    let storage = fresh("yim-test-pin-cost").await;
    let now = || {
        let performance =
            js_sys::Reflect::get(&js_sys::global(), &"performance".into()).expect("performance");
        let now: js_sys::Function = js_sys::Reflect::get(&performance, &"now".into())
            .expect("now")
            .into();
        now.call0(&performance)
            .expect("now()")
            .as_f64()
            .expect("a number")
    };
    let start = now();
    storage.set_pin(&pin("123456")).await.expect("set");
    let set_ms = now() - start;
    storage.lock();
    let start = now();
    storage.unlock(&pin("123456")).await.expect("unlock");
    let unlock_ms = now() - start;
    console_log!(
        "storage: PIN with Argon2id {} KiB, {} passes: set {set_ms:.0} ms, unlock {unlock_ms:.0} ms",
        Cost::DEFAULT.memory_kib,
        Cost::DEFAULT.passes
    );
    assert!(storage.holds_key());
    finish(storage).await;
}

/// A photo's bytes: a JPEG's first bytes, then [`SECRET`], so that the raw
/// records can be searched for it.
fn photo(name: &str) -> Photo {
    let mut bytes = vec![0xff, 0xd8, 0xff, 0xe0];
    bytes.extend_from_slice(SECRET.as_bytes());
    Photo {
        name: name.to_string(),
        mime: "image/jpeg".to_string(),
        bytes,
    }
}

/// Whether the raw `media` store holds [`SECRET`]'s bytes. `raw` shows a
/// byte array as JSON shows a `Uint8Array`, `{"0":255,"1":216,...}`, so the
/// bytes are the numbers after each `":`.
async fn media_holds_secret(storage: &Storage) -> bool {
    let text = raw(storage, stores::MEDIA).await;
    let numbers: Vec<&str> = text
        .split("\":")
        .skip(1)
        .map(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap_or("")
        })
        .collect();
    let secret: Vec<String> = SECRET.bytes().map(|b| b.to_string()).collect();
    numbers.join(",").contains(&secret.join(","))
}

/// `draft` naming `photos`, saved with them in one write.
async fn save_with(storage: &Storage, draft: &Response, photos: &[Photo]) {
    storage
        .save_with_photos(draft, &new_id(), photos)
        .await
        .expect("save with photos");
}

fn names(photos: Vec<Photo>) -> Vec<String> {
    photos.into_iter().map(|p| p.name).collect()
}

#[wasm_bindgen_test]
async fn photos_are_kept_with_their_draft_encrypted_under_a_pin_and_deleted_with_it() {
    let storage = fresh("yim-test-photos").await;
    let draft = secret_draft(1);
    let other = secret_draft(2);
    let id = draft.meta.id.as_str();
    save_with(&storage, &draft, &[photo("b.jpg"), photo("a.jpg")]).await;
    save_with(&storage, &other, &[photo("c.jpg")]).await;
    assert!(media_holds_secret(&storage).await, "in clear without a PIN");
    assert_eq!(
        names(storage.photos(id).await.expect("read")),
        ["a.jpg", "b.jpg"]
    );

    // Replaced under the same name.
    let mut again = photo("a.jpg");
    again.bytes.push(1);
    let stored = storage.get(id).await.expect("get");
    save_with(&storage, &stored, std::slice::from_ref(&again)).await;
    assert_eq!(
        storage.photos(id).await.expect("read"),
        vec![again.clone(), photo("b.jpg")]
    );

    // Deleting the draft removes its photos and no other response's.
    storage.delete(id).await.expect("delete");
    assert!(storage.photos(id).await.expect("read").is_empty());
    assert_eq!(
        names(storage.photos(&other.meta.id).await.expect("read")),
        ["c.jpg"]
    );

    // With a PIN, a photo written is encrypted, opens with the key, and a
    // locked tab neither reads one nor stores one: the draft and its photo
    // wait together for the unlock.
    storage.delete(&other.meta.id).await.expect("delete");
    storage
        .set_pin_with(&pin("246810"), CHEAP)
        .await
        .expect("set");
    let locked = secret_draft(3);
    save_with(&storage, &locked, &[photo("d.jpg")]).await;
    assert!(!media_holds_secret(&storage).await, "encrypted with a PIN");
    assert_eq!(
        storage.photos(&locked.meta.id).await.expect("read"),
        vec![photo("d.jpg")]
    );
    storage.lock();
    assert_eq!(
        storage.photos(&locked.meta.id).await,
        Err(StorageError::Locked)
    );
    let waiting = secret_draft(4);
    assert_eq!(
        storage
            .save_with_photos(&waiting, &new_id(), &[photo("e.jpg")])
            .await,
        Err(StorageError::Locked)
    );
    assert_eq!(storage.parked(), 1);
    storage.unlock(&pin("246810")).await.expect("unlock");
    assert_eq!(storage.parked(), 0);
    assert_eq!(
        storage.photos(&waiting.meta.id).await.expect("read"),
        vec![photo("e.jpg")],
        "the photo was written with its draft at the unlock"
    );
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn a_draft_and_the_photo_it_names_are_stored_together_or_not_at_all() {
    let storage = fresh("yim-test-photo-tx").await;
    // A response finalized in another tab: a draft write of it is refused,
    // and the photo taken for that write must not be stored either.
    let mut finalized = secret_draft(1);
    finalized.meta.status = Status::Finalized;
    finalized.data = Some(json!({ "name": SECRET }));
    storage.put(&finalized).await.expect("put");
    let mut stale = finalized.clone();
    stale.meta.status = Status::Draft;
    stale.meta.revision = 1;
    stale.data = None;
    stale.answers = json!({ "photo": "f.jpg" });
    assert!(storage
        .save_with_photos(&stale, &new_id(), &[photo("f.jpg")])
        .await
        .is_err());
    assert_eq!(
        storage.photos(&finalized.meta.id).await.expect("read"),
        vec![],
        "no photo is stored for a write that failed"
    );

    // A draft changed in another tab: the answers on screen are kept as a
    // copy, and the photo they name goes with the copy.
    let draft = secret_draft(2);
    storage.put(&draft).await.expect("put");
    let mut elsewhere = draft.clone();
    elsewhere.meta.revision = 1;
    elsewhere.meta.writer = Some("another tab".to_string());
    storage.put(&elsewhere).await.expect("the other tab writes");
    let mut mine = draft.clone();
    mine.answers = json!({ "photo": "g.jpg" });
    let copy_id = new_id();
    let written = storage
        .save_with_photos(&mine, &copy_id, &[photo("g.jpg")])
        .await
        .expect("kept as a copy");
    assert!(matches!(written, Written::AsCopy { .. }), "{written:?}");
    assert_eq!(
        names(storage.photos(&copy_id).await.expect("read")),
        ["g.jpg"]
    );
    assert_eq!(storage.photos(&draft.meta.id).await.expect("read"), vec![]);
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn setting_removing_and_forgetting_the_pin_change_the_photos_with_the_answers() {
    let storage = fresh("yim-test-photo-pin").await;
    let draft = secret_draft(1);
    let id = draft.meta.id.as_str();
    save_with(&storage, &draft, &[photo("a.jpg")]).await;
    // A finalized response sealed for the data office, with its photo
    // sealed too: only the office can open it, whatever the PIN does.
    let mut sealed = secret_draft(2);
    sealed.meta.status = Status::Finalized;
    sealed.answers = json!({});
    sealed.sealed = Some(b"age-encryption.org/v1 sealed answers".to_vec());
    let sealed_photo = yim_bundle::SealedAttachment {
        name: "s.jpg".to_string(),
        sealed: b"age-encryption.org/v1 sealed photo".to_vec(),
    };
    storage
        .put_finalized_with(
            &sealed,
            None,
            Some(std::slice::from_ref(&sealed_photo)),
            &[],
        )
        .await
        .expect("put sealed");
    assert!(media_holds_secret(&storage).await);

    // Setting a PIN encrypts the photo with the answers.
    storage
        .set_pin_with(&pin("135790"), CHEAP)
        .await
        .expect("set");
    assert!(
        !media_holds_secret(&storage).await,
        "no photo is readable in clear once a PIN is set"
    );
    assert_eq!(
        storage.photos(id).await.expect("read"),
        vec![photo("a.jpg")]
    );

    // Changing it keeps the data key: the photo opens with the new PIN.
    storage
        .change_pin(&pin("135790"), &pin("975310"))
        .await
        .expect("change");
    storage.lock();
    storage.unlock(&pin("975310")).await.expect("unlock");
    assert_eq!(
        storage.photos(id).await.expect("read"),
        vec![photo("a.jpg")]
    );

    // Removing it decrypts the photo: nothing is left under a dropped key.
    storage.remove_pin(&pin("975310")).await.expect("remove");
    assert!(!storage.holds_key());
    assert_eq!(
        storage.photos(id).await.expect("read"),
        vec![photo("a.jpg")]
    );
    assert!(media_holds_secret(&storage).await);

    // Forgetting it deletes the photo exactly when it deletes the draft;
    // the sealed photo stays for the export.
    storage
        .set_pin_with(&pin("135790"), CHEAP)
        .await
        .expect("set again");
    storage.lock();
    assert_eq!(storage.forget_pin().await.expect("forget"), 1);
    assert!(matches!(
        storage.get(id).await,
        Err(StorageError::NotFound { .. })
    ));
    assert_eq!(storage.photos(id).await.expect("read"), vec![]);
    assert!(!raw(&storage, stores::MEDIA).await.contains(id));
    assert_eq!(
        storage
            .sealed_photos(std::slice::from_ref(&sealed.meta.id))
            .await
            .expect("sealed"),
        vec![vec![sealed_photo]]
    );
    finish(storage).await;
}
