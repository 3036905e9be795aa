//! Sealing and exporting in a real browser: IndexedDB and Web Crypto in
//! headless Chromium, checked by opening what was made with the published
//! TEST ONLY key of the bundle crate.
//!
//! Each test works on its own database, deleted before and after. The
//! ten-thousand-response run prints its timings with `console.log`; run with
//! `-- --nocapture` to see them.

use serde_json::{json, Value};
use wasm_bindgen_test::{console_log, wasm_bindgen_test};
use yim_bundle::{Identities, Identity};

use super::*;
use crate::seal::{seal_finalized, SealError};
use crate::storage::{FormRef, Response};

/// The bundle crate's published TEST ONLY key; its public key is the
/// recipient of the test forms below.
const TEST_KEY: &str = include_str!("../../crates/bundle/tests/vectors/test-key.txt");
/// Another published TEST ONLY key, which must not open anything here.
const STRANGER_KEY: &str = include_str!("../../crates/bundle/tests/vectors/stranger-key.txt");

const SEALED_FORM: &str = "form:
  id: t-sealed
  version: '1'
  title: {th: ทดสอบ, en: Sealed test}
  languages: [th, en]
  default_language: th
  settings:
    recipients: [age1e7nsd7h09745s8untxm4jm8p3kwn6j4yryhwmcd5r3xz6ehdzqnsa6sscx]
questions:
  - {name: child_name, type: text, label: {th: ชื่อเด็ก, en: Child's name}}
  - name: kids
    type: repeat
    label: {th: เด็ก, en: Child}
    questions:
      - {name: kid_age, type: integer, label: {th: อายุ, en: Age}}
";

const OTHER_SEALED_FORM: &str = "form:
  id: t-other
  version: '2'
  title: {th: อีกแบบ, en: Other sealed test}
  languages: [th, en]
  default_language: th
  settings:
    recipients: [age1e7nsd7h09745s8untxm4jm8p3kwn6j4yryhwmcd5r3xz6ehdzqnsa6sscx]
questions:
  - {name: note, type: text, label: {th: บันทึก, en: Note}}
";

const OPEN_FORM: &str = "form:
  id: t-open
  version: '1'
  title: {th: ไม่มีกุญแจ, en: No recipients}
  languages: [th, en]
  default_language: th
questions:
  - {name: note, type: text, label: {th: บันทึก, en: Note}}
";

fn catalog() -> Catalog {
    Catalog::load(&[
        ("a.yaml", SEALED_FORM),
        ("b.yaml", OTHER_SEALED_FORM),
        ("c.yaml", OPEN_FORM),
    ])
}

fn form<'a>(catalog: &'a Catalog, id: &str) -> &'a yim_form::Form {
    &catalog
        .by_id(id)
        .unwrap_or_else(|| panic!("test form {id} loads"))
        .form
}

fn office() -> Identities {
    Identity::parse_file(TEST_KEY)
        .expect("the test key reads")
        .into_iter()
        .collect()
}

/// A response of `form` finalized at `now` with `data` as its finalized
/// data and `draft` as its draft JSON.
fn finalized(form: &yim_form::Form, now: u64, data: Value) -> Response {
    let mut response = Response::new_draft(&FormRef::of(form), "device-0123456789abcdef", now);
    response.meta.status = Status::Finalized;
    response.meta.updated_ms = now + 60_000;
    response.meta.label = Some(format!("label {now}"));
    response.answers = json!({ "draft": data.clone() });
    response.data = Some(data);
    response
}

async fn fresh(name: &str) -> Storage {
    Storage::delete_database(name)
        .await
        .expect("deleting a test database");
    Storage::open(name).await.expect("opening a test database")
}

async fn finish(storage: Storage) {
    let name = storage.name().to_string();
    storage.close();
    Storage::delete_database(&name)
        .await
        .expect("deleting a test database");
}

/// Seals with `seal_finalized` and checks the outcome against `expected`:
/// `None` for a response that must come back unchanged, or the answers the
/// test key must find inside.
fn check_seal(form: &yim_form::Form, response: Response, expected: Option<Value>) {
    let sealed = seal_finalized(form, response.clone()).expect("sealing");
    let Some(answers) = expected else {
        assert_eq!(sealed, response, "the response should come back unchanged");
        return;
    };
    let bytes = sealed.sealed.clone().expect("a sealed copy");
    assert_eq!(sealed.answers, json!({}), "the draft answers are removed");
    assert_eq!(sealed.data, None, "the finalized data is removed");
    assert_eq!(sealed.meta.label, None, "the label is removed");
    let mut kept = response.meta.clone();
    kept.label = None;
    kept.page = 0;
    assert_eq!(sealed.meta, kept, "everything else stays readable");
    let text = String::from_utf8_lossy(&bytes);
    for needle in ["มะลิ", "child_name", "kid_age"] {
        assert!(
            !text.contains(needle),
            "{needle} is readable in the sealed bytes"
        );
    }

    let document = yim_bundle::unseal(&bytes, &office()).expect("the test key opens it");
    assert_eq!(document.answers, answers);
    assert_eq!(document.id, response.meta.id);
    assert_eq!(document.form_hash, crate::storage::form_hash(form));
    assert_eq!(
        document.created,
        crate::seal::rfc3339(response.meta.created_ms)
    );
    assert_eq!(
        document.updated,
        crate::seal::rfc3339(response.meta.updated_ms)
    );
    assert_eq!(document.status, "finalized");
    let stranger: Identities = Identity::parse_file(STRANGER_KEY)
        .expect("reads")
        .into_iter()
        .collect();
    let refused =
        yim_bundle::unseal(&bytes, &stranger).expect_err("a stranger's key must not open it");
    assert_eq!(refused.kind(), yim_bundle::ErrorKind::NotAddressed);
}

#[wasm_bindgen_test]
fn finalized_responses_of_forms_with_recipients_are_sealed() {
    let catalog = catalog();
    let sealed_form = form(&catalog, "t-sealed");
    let data = json!({"child_name": "ด.ญ. มะลิ ใจดี", "kids": [{"kid_age": 4}, {"kid_age": 9}]});
    check_seal(
        sealed_form,
        finalized(sealed_form, 1_795_425_300_250, data.clone()),
        Some(data.clone()),
    );

    // A draft stays in clear so that it can be continued.
    let mut draft = finalized(sealed_form, 1_795_425_300_000, data.clone());
    draft.meta.status = Status::Draft;
    draft.data = None;
    check_seal(sealed_form, draft, None);

    // A form without recipients cannot seal: the response is kept as it is.
    let open_form = form(&catalog, "t-open");
    check_seal(
        open_form,
        finalized(open_form, 1_795_425_300_000, json!({"note": "x"})),
        None,
    );

    // A finalized response without its finalized data is refused rather
    // than sealed with the draft's answers.
    let mut no_data = finalized(sealed_form, 1, data);
    no_data.data = None;
    let id = no_data.meta.id.clone();
    assert_eq!(
        seal_finalized(sealed_form, no_data),
        Err(SealError::NoData { id: id.clone() })
    );
    assert_eq!(
        SealError::NoData { id: id.clone() }.to_string(),
        format!("response {id}: expected the finalized answers to encrypt, but found none")
    );
}

#[wasm_bindgen_test]
fn the_case_change_is_sealed_with_the_answers_and_not_kept_in_clear() {
    let catalog = catalog();
    let sealed_form = form(&catalog, "t-sealed");
    let change = yim_form::case::CaseChange {
        list: "children".into(),
        id: "01890a5d-ac96-774b-bcce-b302099a8057".into(),
        action: yim_form::case::CaseAction::Create,
        label: Some("ด.ญ. มะลิ ใจดี".into()),
        properties: [("status".to_string(), "referred".to_string())].into(),
    };
    let mut response = finalized(sealed_form, 1_795_425_300_250, json!({"child_name": "มะลิ"}));
    response.case = Some(change.clone());
    let sealed = seal_finalized(sealed_form, response).expect("sealing");
    assert_eq!(sealed.case, None, "the record keeps no copy of the change");
    let bytes = sealed.sealed.expect("a sealed copy");
    assert!(!String::from_utf8_lossy(&bytes).contains("มะลิ"));
    let document = yim_bundle::unseal(&bytes, &office()).expect("the test key opens it");
    assert_eq!(document.case, Some(change.clone()));

    // A form without recipients keeps the change with the response in
    // clear, so that sealing it later (`seal_stranded`) still carries it.
    let open_form = form(&catalog, "t-open");
    let mut stranded = finalized(open_form, 1_795_425_300_000, json!({"note": "x"}));
    stranded.case = Some(change.clone());
    let kept = seal_finalized(open_form, stranded).expect("kept as it is");
    assert_eq!(kept.case, Some(change));
}

#[wasm_bindgen_test]
fn file_names() {
    let check = |form: Option<&str>, device: &str, sequence: u64, expected: &str| {
        assert_eq!(file_name(form, device, sequence), expected);
    };
    check(
        Some("child-core"),
        "01963f5e-8a4b-7c21-9d3e-5a6b7c8d9e0f",
        1,
        "yim-child-core-7c8d9e0f-1.yim.age",
    );
    check(
        None,
        "01963f5e-8a4b-7c21-9d3e-5a6b7c8d9e0f",
        12,
        "yim-all-7c8d9e0f-12.yim.age",
    );
    check(
        Some("แบบ/ฟอร์ม x"),
        "3f2a",
        3,
        "yim-__________x-3f2a-3.yim.age",
    );
}

/// Opens a bundle with the test key and returns its manifest and the
/// answers of its responses, by id.
fn open(bytes: &[u8]) -> (yim_bundle::Manifest, Vec<(String, Value)>) {
    let opened = yim_bundle::open(bytes, &office()).expect("the test key opens the bundle");
    let answers = opened
        .responses
        .into_iter()
        .map(|r| (r.id, r.answers))
        .collect();
    (opened.manifest, answers)
}

#[wasm_bindgen_test]
async fn exports_are_logged_numbered_and_can_be_made_again() {
    let storage = fresh("yim-test-export").await;
    let catalog = catalog();
    let (a, b, c) = (
        form(&catalog, "t-sealed"),
        form(&catalog, "t-other"),
        form(&catalog, "t-open"),
    );
    let seal = |form, now, data| seal_finalized(form, finalized(form, now, data)).expect("sealing");
    let first = vec![
        seal(
            a,
            1_000,
            json!({"child_name": "มะลิ", "kids": [{"kid_age": 4}]}),
        ),
        seal(a, 2_000, json!({"child_name": "สมชาย", "kids": []})),
        seal(b, 3_000, json!({"note": "บ้านเลขที่ 5"})),
    ];
    let unsealed = finalized(c, 4_000, json!({"note": "in clear"}));
    let mut draft = finalized(a, 5_000, json!({}));
    draft.meta.status = Status::Draft;
    storage.put_many(&first).await.expect("put_many");
    storage
        .put_many(&[unsealed.clone(), draft])
        .await
        .expect("put_many");

    let mut forms = Forms::new(&catalog);
    let waiting = pending(&storage, &mut forms).await.expect("pending");
    let summary: Vec<(&str, usize, usize)> = waiting
        .iter()
        .map(|p| (p.form_id.as_str(), p.sealed.len(), p.unsealed))
        .collect();
    assert_eq!(
        summary,
        vec![("t-open", 0, 1), ("t-other", 1, 0), ("t-sealed", 2, 0)]
    );

    // Nothing of a form without waiting responses.
    assert_eq!(
        export_new(
            &storage,
            &mut forms,
            Some("t-open"),
            "dev-1",
            10_000,
            false,
            |_, _| {}
        )
        .await,
        Err(ExportError::Nothing)
    );

    // The first export: one form only.
    let mut seen = Vec::new();
    let one = export_new(
        &storage,
        &mut forms,
        Some("t-sealed"),
        "dev-1",
        1_795_425_300_000,
        false,
        |done, total| seen.push((done, total)),
    )
    .await
    .expect("export");
    assert_eq!(seen.first(), Some(&(0, 2)));
    assert_eq!(seen.last(), Some(&(2, 2)));
    assert_eq!(one.record.sequence, 1);
    assert_eq!(one.record.form_ids, vec!["t-sealed".to_string()]);
    assert_eq!(
        one.record.file_name,
        file_name(Some("t-sealed"), "dev-1", 1)
    );
    let (manifest, answers) = open(&one.bytes);
    assert_eq!(manifest.bundle_id, one.record.id);
    assert_eq!(manifest.sequence, 1);
    assert_eq!(manifest.device_id, "dev-1");
    assert_eq!(manifest.created, "2026-11-23T09:15:00Z");
    assert_eq!(
        answers,
        vec![
            (
                first[0].meta.id.clone(),
                json!({"child_name": "มะลิ", "kids": [{"kid_age": 4}]})
            ),
            (
                first[1].meta.id.clone(),
                json!({"child_name": "สมชาย", "kids": []})
            ),
        ]
    );
    assert_eq!(
        storage.exports().await.expect("log"),
        vec![one.record.clone()]
    );
    assert_eq!(
        storage
            .count("t-sealed", Status::Exported)
            .await
            .expect("count"),
        2
    );
    assert_eq!(
        storage
            .count("t-sealed", Status::Finalized)
            .await
            .expect("count"),
        0
    );

    // The second export takes what is left, with the next number; the
    // response without recipients stays behind.
    let two = export_new(
        &storage,
        &mut forms,
        None,
        "dev-1",
        1_795_425_400_000,
        false,
        |_, _| {},
    )
    .await
    .expect("export");
    assert_eq!(two.record.sequence, 2);
    assert_eq!(two.record.response_ids, vec![first[2].meta.id.clone()]);
    assert_eq!(
        open(&two.bytes).1,
        vec![(first[2].meta.id.clone(), json!({"note": "บ้านเลขที่ 5"}))]
    );
    assert_eq!(
        storage
            .get(&unsealed.meta.id)
            .await
            .expect("get")
            .meta
            .status,
        Status::Finalized
    );
    assert_eq!(
        export_new(
            &storage,
            &mut forms,
            None,
            "dev-1",
            1_795_425_500_000,
            false,
            |_, _| {}
        )
        .await,
        Err(ExportError::Nothing)
    );

    // Made again, the first export is the same bundle: id, number, time,
    // responses. Nothing new is logged.
    let again = export_again(&storage, &mut forms, &one.record, |_, _| {})
        .await
        .expect("again");
    assert_ne!(
        again.bytes, one.bytes,
        "age encrypts with a fresh key each time"
    );
    assert_eq!(open(&again.bytes), open(&one.bytes));
    assert_eq!(storage.exports().await.expect("log").len(), 2);
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn an_export_that_fails_marks_nothing() {
    let storage = fresh("yim-test-export-fails").await;
    let catalog = catalog();
    let a = form(&catalog, "t-sealed");
    // Finalized without a sealed copy, as an older app would have stored it.
    let plain = finalized(a, 1_000, json!({"child_name": "มะลิ"}));
    storage.put(&plain).await.expect("put");
    let mut forms = Forms::new(&catalog);
    assert_eq!(
        export_new(
            &storage,
            &mut forms,
            None,
            "dev-1",
            10_000,
            false,
            |_, _| {}
        )
        .await,
        Err(ExportError::NotSealed {
            id: plain.meta.id.clone()
        })
    );
    assert_eq!(storage.exports().await.expect("log"), Vec::new());
    assert_eq!(
        storage.get(&plain.meta.id).await.expect("get").meta.status,
        Status::Finalized
    );
    finish(storage).await;
}

/// Runs two futures at once, as two tabs of the app run side by side, and
/// gives both results.
async fn both<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    use std::task::Poll;
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    let (mut from_a, mut from_b) = (None, None);
    std::future::poll_fn(|cx| {
        if from_a.is_none() {
            if let Poll::Ready(out) = a.as_mut().poll(cx) {
                from_a = Some(out);
            }
        }
        if from_b.is_none() {
            if let Poll::Ready(out) = b.as_mut().poll(cx) {
                from_b = Some(out);
            }
        }
        if from_a.is_some() && from_b.is_some() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    (
        from_a.expect("the first is done"),
        from_b.expect("the second is done"),
    )
}

#[wasm_bindgen_test]
async fn defect_6_two_exports_at_once_get_different_sequence_numbers() {
    let name = "yim-test-defect-6-export";
    let tab_a = fresh(name).await;
    // The second tab has its own connection to the same database.
    let tab_b = Storage::new(name);
    let catalog = catalog();
    let (a, b) = (form(&catalog, "t-sealed"), form(&catalog, "t-other"));
    let sealed = [
        seal_finalized(a, finalized(a, 1_000, json!({"child_name": "มะลิ"}))).expect("sealing"),
        seal_finalized(b, finalized(b, 2_000, json!({"note": "บ้าน 5"}))).expect("sealing"),
    ];
    tab_a.put_many(&sealed).await.expect("put_many");

    // The coordinator taps Export in both tabs, one form in each.
    let (mut forms_a, mut forms_b) = (Forms::new(&catalog), Forms::new(&catalog));
    let (one, two) = both(
        export_new(
            &tab_a,
            &mut forms_a,
            Some("t-sealed"),
            "dev-1",
            10_000,
            false,
            |_, _| {},
        ),
        export_new(
            &tab_b,
            &mut forms_b,
            Some("t-other"),
            "dev-1",
            10_000,
            false,
            |_, _| {},
        ),
    )
    .await;
    let (one, two) = (one.expect("export in A"), two.expect("export in B"));
    let mut numbers = vec![one.record.sequence, two.record.sequence];
    numbers.sort_unstable();
    assert_eq!(numbers, vec![1, 2], "each export has a number of its own");
    // Each bundle carries the number its log entry has.
    for built in [&one, &two] {
        let (manifest, answers) = open(&built.bytes);
        assert_eq!(manifest.sequence, built.record.sequence);
        assert_eq!(answers.len(), 1);
    }
    let mut logged: Vec<u64> = tab_a
        .exports()
        .await
        .expect("log")
        .iter()
        .map(|e| e.sequence)
        .collect();
    logged.sort_unstable();
    assert_eq!(logged, vec![1, 2]);
    tab_b.close();
    finish(tab_a).await;
}

/// Ten thousand finalized responses exported into one bundle, timed: what a
/// coordinator waits for. Sealing is timed on a hundred responses, which
/// are then stored again under new ids up to ten thousand: export neither
/// opens nor checks what is inside a sealed response, so it costs the same
/// as ten thousand distinct ones (and sealing them all would keep the page
/// busy for longer than the test runner waits for it).
#[wasm_bindgen_test]
async fn ten_thousand_responses() {
    const N: usize = 10_000;
    const SEALED: usize = 100;
    let storage = fresh("yim-test-export-10k").await;
    let catalog = catalog();
    let a = form(&catalog, "t-sealed");

    let start = now();
    let sample: Vec<Response> = (0..SEALED)
        .map(|i| {
            let data = json!({
                "child_name": format!("ด.ญ. มะลิ ใจดี หมายเลข {i}"),
                "kids": [{"kid_age": i % 17}, {"kid_age": (i + 5) % 17}],
            });
            seal_finalized(a, finalized(a, 1_795_000_000_000 + i as u64, data)).expect("sealing")
        })
        .collect();
    let sealing = (now() - start) / SEALED as f64;

    let start = now();
    let mut ids = Vec::with_capacity(N);
    for chunk in 0..N / 1_000 {
        let batch: Vec<Response> = (0..1_000)
            .map(|i| {
                let mut copy = sample[i % SEALED].clone();
                if chunk > 0 || i >= SEALED {
                    copy.meta.id = crate::storage::new_id();
                }
                copy
            })
            .collect();
        ids.extend(batch.iter().map(|r| r.meta.id.clone()));
        storage.put_many(&batch).await.expect("put_many");
    }
    let storing = now() - start;

    let mut forms = Forms::new(&catalog);
    let mut slices = 0;
    let start = now();
    let built = export_new(
        &storage,
        &mut forms,
        None,
        "dev-1",
        1_795_425_300_000,
        false,
        |_, _| slices += 1,
    )
    .await
    .expect("export");
    let exporting = now() - start;
    ids.sort();
    assert_eq!(built.record.response_ids, ids);
    assert_eq!(
        storage
            .count("t-sealed", Status::Exported)
            .await
            .expect("count"),
        N as u32
    );
    console_log!(
        "{N} responses: sealing {sealing:.2} ms each, storing {:.1} s, export {:.1} s in {slices} slices, bundle {} KB",
        storing / 1000.0,
        exporting / 1000.0,
        built.bytes.len() / 1024,
    );
    finish(storage).await;
}

/// The open test form once the deployment's key reached it.
const OPEN_FORM_WITH_KEY: &str = "form:
  id: t-open
  version: '1'
  title: {th: ไม่มีกุญแจ, en: No recipients}
  languages: [th, en]
  default_language: th
  settings:
    recipients: [age1e7nsd7h09745s8untxm4jm8p3kwn6j4yryhwmcd5r3xz6ehdzqnsa6sscx]
questions:
  - {name: note, type: text, label: {th: บันทึก, en: Note}}
";

#[wasm_bindgen_test]
async fn a_response_finalized_without_recipients_is_sealed_once_they_appear() {
    let storage = fresh("yim-test-stranded").await;
    let before = catalog();
    let open_form = form(&before, "t-open");
    let stranded = finalized(
        open_form,
        4_000,
        json!({"note": "บ้านเลขที่ 9", "photo": "p1.jpg"}),
    );
    // The phone keeps the form a response was started with.
    let arc = std::sync::Arc::new(open_form.clone());
    storage
        .save_form(&storage::FormSource::of(&arc, 4_000))
        .await
        .expect("save_form");
    // The photo its answers name is kept in clear with it, as a form
    // without recipients keeps everything.
    let photo = storage::Photo {
        name: "p1.jpg".to_string(),
        mime: "image/jpeg".to_string(),
        bytes: vec![0xff, 0xd8, 0xff, 0xe0, 1, 2, 3],
    };
    storage
        .put_finalized_with(&stranded, None, None, std::slice::from_ref(&photo))
        .await
        .expect("put");

    // While the form has no recipients, nothing can be sealed.
    let mut forms = Forms::new(&before);
    assert_eq!(
        seal_stranded(&storage, &before, &mut forms, 5_000).await,
        Ok(0)
    );
    let waiting = pending(&storage, &mut forms).await.expect("pending");
    assert_eq!(waiting[0].unsealed, 1);

    // The deployment published its key: the record is sealed, once.
    let after = Catalog::load(&[("c.yaml", OPEN_FORM_WITH_KEY)]);
    let mut forms = Forms::new(&after);
    assert_eq!(
        seal_stranded(&storage, &after, &mut forms, 6_000).await,
        Ok(1)
    );
    assert_eq!(
        seal_stranded(&storage, &after, &mut forms, 7_000).await,
        Ok(0)
    );
    let stored = storage.get(&stranded.meta.id).await.expect("get");
    assert_eq!(stored.meta.status, Status::Finalized);
    assert_eq!(stored.answers, json!({}), "no answer stays in clear");
    assert_eq!(stored.data, None);
    let document =
        yim_bundle::unseal(stored.sealed.as_deref().expect("sealed"), &office()).expect("opens");
    assert_eq!(
        document.answers,
        json!({"note": "บ้านเลขที่ 9", "photo": "p1.jpg"})
    );
    // Its photo was sealed with it, in the same write: none stays in clear.
    assert_eq!(
        storage.photos(&stranded.meta.id).await.expect("photos"),
        vec![]
    );
    let sealed_photos = storage
        .sealed_photos(std::slice::from_ref(&stranded.meta.id))
        .await
        .expect("sealed photos");
    assert_eq!(sealed_photos[0].len(), 1, "{sealed_photos:?}");
    // It names the form it was filled with, keys added, which the phone keeps.
    let hash = stored.meta.form_hash.clone().expect("a hash");
    assert_ne!(Some(&hash), stranded.meta.form_hash.as_ref());
    assert_eq!(document.form_hash, hash);
    assert!(storage.form(&hash).await.expect("form").is_some());

    // It is exported like any other sealed record.
    let waiting = pending(&storage, &mut forms).await.expect("pending");
    assert_eq!((waiting[0].sealed.len(), waiting[0].unsealed), (1, 0));
    let built = export_new(
        &storage,
        &mut forms,
        None,
        "dev-1",
        1_795_425_300_000,
        false,
        |_, _| {},
    )
    .await
    .expect("export");
    assert_eq!(
        open(&built.bytes).1,
        vec![(
            stranded.meta.id.clone(),
            json!({"note": "บ้านเลขที่ 9", "photo": "p1.jpg"})
        )]
    );
    let opened = yim_bundle::open(&built.bytes, &office()).expect("opens");
    assert_eq!(
        opened
            .attachments
            .iter()
            .map(|a| (a.name.as_str(), a.bytes.as_slice()))
            .collect::<Vec<_>>(),
        vec![("p1.jpg", photo.bytes.as_slice())],
        "the photo comes out byte for byte"
    );
    finish(storage).await;
}
