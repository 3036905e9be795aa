//! The upload queue (`upload`): its states, its backoff, and its records
//! in IndexedDB in headless Chromium, across a reopened connection as after
//! a reload. Each test that touches the database uses its own, deleted
//! before and after.

use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use super::tests::{finish, fresh};
use super::upload::*;
use super::*;

/// Three finalized responses stored in `storage`, and the log entry of an
/// export of them.
async fn exported(storage: &Storage) -> ExportRecord {
    let form = FormRef {
        id: "f".to_string(),
        version: "1".to_string(),
        hash: "f-hash".to_string(),
    };
    let done: Vec<Response> = (0..3)
        .map(|i| {
            let mut response = Response::new_draft(&form, "device-1", i);
            response.answers = json!({ "i": i });
            response.meta.status = Status::Finalized;
            response
        })
        .collect();
    storage.put_many(&done).await.expect("put_many");
    ExportRecord {
        id: new_id(),
        created_ms: 1_000,
        device_id: "device-1".to_string(),
        file_name: "yim-f-1.yim.age".to_string(),
        response_ids: done.iter().map(|r| r.meta.id.clone()).collect(),
        sequence: 1,
        form_ids: vec!["f".to_string()],
    }
}

/// An export of three finalized responses, logged with its bundle queued
/// in one transaction.
async fn queued(storage: &Storage) -> Upload {
    let export = exported(storage).await;
    let upload = Upload::new(&export, bundle());
    storage
        .record_export_queued(&export, Some(&upload))
        .await
        .expect("export and queue");
    upload
}

/// Bytes that look like a bundle to the intake.
fn bundle() -> Vec<u8> {
    b"age-encryption.org/v1\n-> X25519 stand-in\nciphertext".to_vec()
}

fn receipt(upload: &Upload) -> Receipt {
    Receipt {
        sha256: upload.sha256.clone(),
        size: upload.size,
        received: "2026-12-06T10:00:00Z".to_string(),
    }
}

/// The state names of a queue, in order, for compact assertions.
fn states(queue: &[Upload]) -> Vec<&'static str> {
    queue
        .iter()
        .map(|u| match u.state {
            UploadState::Waiting => "waiting",
            UploadState::Failed { .. } => "failed",
            UploadState::Rejected { .. } => "rejected",
            UploadState::Received { .. } => "received",
        })
        .collect()
}

#[wasm_bindgen_test]
fn the_backoff_doubles_up_to_its_cap_with_jitter_in_the_upper_half() {
    // (failures so far, jitter, expected wait in seconds)
    let cases = [
        (1, 0.0, 5),
        (1, 1.0, 10),
        (2, 0.0, 10),
        (2, 1.0, 20),
        (3, 0.5, 30),
        (6, 1.0, 320),
        (8, 1.0, 1_280),
        (9, 1.0, 1_800),
        (40, 1.0, 1_800),
        (u32::MAX, 0.0, 900),
        (1, f64::NAN, 7),
        (1, 7.0, 10),
    ];
    for (attempts, jitter, seconds) in cases {
        assert_eq!(
            backoff_ms(attempts, jitter) / 1_000,
            seconds,
            "after {attempts} failures with jitter {jitter}"
        );
    }
}

#[wasm_bindgen_test]
fn outcomes_move_a_bundle_through_its_states() {
    let export = ExportRecord {
        id: "b1".to_string(),
        created_ms: 1_000,
        device_id: "d".to_string(),
        file_name: "f.yim.age".to_string(),
        response_ids: vec![],
        sequence: 1,
        form_ids: vec![],
    };
    let mut upload = Upload::new(&export, bundle());
    assert_eq!(upload.state, UploadState::Waiting);
    assert_eq!(upload.sha256, yim_form::publish::sha256_hex(&bundle()));
    assert!(upload.claimable("tab-a", 1_000, false));

    // A failure that passes waits for its backoff, unless the app opens or
    // comes back online.
    upload.apply(Outcome::Failed(Problem::Network), 2_000, 0.0);
    assert_eq!(
        upload.state,
        UploadState::Failed {
            problem: Problem::Network
        }
    );
    assert_eq!((upload.attempts, upload.next_ms), (1, 7_000));
    assert!(!upload.claimable("tab-a", 6_999, false));
    assert!(upload.claimable("tab-a", 7_000, false));
    assert!(upload.claimable("tab-a", 2_001, true));
    upload.apply(Outcome::Failed(Problem::of_status(503)), 8_000, 1.0);
    assert_eq!((upload.attempts, upload.next_ms), (2, 28_000));

    // A leased bundle is left to its tab until the lease lapses.
    upload.lease = Some(Lease {
        tab: "tab-a".to_string(),
        until_ms: 100_000,
    });
    assert!(upload.uploading(99_999));
    assert!(!upload.claimable("tab-b", 99_999, true));
    assert!(upload.claimable("tab-a", 99_999, true));
    assert!(upload.claimable("tab-b", 100_000, true));

    // A refusal needs a person: it is not retried by itself.
    upload.apply(Outcome::Failed(Problem::of_status(401)), 30_000, 0.5);
    assert_eq!(
        upload.state,
        UploadState::Rejected {
            problem: Problem::Refused { status: 401 }
        }
    );
    assert_eq!(upload.lease, None);
    assert!(!upload.claimable("tab-a", u64::MAX, true));

    // Received: the bytes go, and a later duplicate outcome changes nothing.
    upload.state = UploadState::Waiting;
    let got = receipt(&upload);
    upload.apply(Outcome::Received(got.clone()), 40_000, 0.5);
    assert_eq!(
        upload.state,
        UploadState::Received {
            receipt: got.clone()
        }
    );
    assert!(upload.bytes.is_empty());
    upload.apply(Outcome::Failed(Problem::Network), 50_000, 0.5);
    assert_eq!(upload.state, UploadState::Received { receipt: got });
    assert!(!upload.claimable("tab-a", u64::MAX, true));
}

#[wasm_bindgen_test]
fn http_statuses_are_sorted_into_passing_and_refused() {
    let cases = [
        (401, false),
        (403, false),
        (413, false),
        (400, false),
        (404, false),
        (408, true),
        (429, true),
        (500, true),
        (503, true),
    ];
    for (status, passes) in cases {
        assert_eq!(Problem::of_status(status).passes(), passes, "HTTP {status}");
    }
    assert_eq!(Problem::of_status(413), Problem::TooLarge);
}

#[wasm_bindgen_test]
fn only_a_bounded_receipt_for_this_very_bundle_is_accepted() {
    let sha = "a".repeat(64);
    let good = format!(r#"{{"sha256":"{sha}","size":10,"received":"2026-12-06T10:00:00Z"}}"#);
    assert!(Receipt::parse_for(good.as_bytes(), &sha, 10).is_some());
    // Another bundle, another size, no receipt at all, hostile text.
    assert!(Receipt::parse_for(good.as_bytes(), &"b".repeat(64), 10).is_none());
    assert!(Receipt::parse_for(good.as_bytes(), &sha, 11).is_none());
    assert!(Receipt::parse_for(b"<html>proxy login</html>", &sha, 10).is_none());
    let script = good.replace("2026-12-06T10:00:00Z", "<script>alert(1)</script>");
    assert!(Receipt::parse_for(script.as_bytes(), &sha, 10).is_none());
    let padded = format!("{good}{}", " ".repeat(MAX_RECEIPT_BYTES));
    assert!(Receipt::parse_for(padded.as_bytes(), &sha, 10).is_none());
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(Receipt::parse_for(deep.as_bytes(), &sha, 10).is_none());
}

#[wasm_bindgen_test]
async fn a_queued_bundle_keeps_its_bytes_across_a_reload_until_received() {
    let name = "yim-test-upload-queue";
    let storage = fresh(name).await;
    let upload = queued(&storage).await;

    // A reload: a new connection reads the same queue, bytes and all.
    storage.close();
    let storage = Storage::open(name).await.expect("reopening");
    let queue = storage.uploads().await.expect("uploads");
    assert_eq!(queue, vec![upload.clone()]);

    // One tab claims it; another tab does not get it while the lease holds.
    let claimed = storage
        .claim_upload(&upload.id, "tab-a", 2_000, true)
        .await
        .expect("claim")
        .expect("claimable");
    assert_eq!(claimed.bytes, bundle());
    assert_eq!(
        storage
            .claim_upload(&upload.id, "tab-b", 2_001, true)
            .await
            .expect("claim"),
        None
    );
    // The tab died mid-upload: once its lease lapses, another tab sends it.
    let lapsed = 2_000 + LEASE_MS;
    let again = storage
        .claim_upload(&upload.id, "tab-b", lapsed, true)
        .await
        .expect("claim");
    assert!(again.is_some(), "a lapsed lease is taken over");

    let failed = storage
        .finish_upload(&upload.id, Outcome::Failed(Problem::Network), lapsed, 0.0)
        .await
        .expect("finish")
        .expect("stored");
    assert_eq!(failed.bytes, bundle(), "a failed bundle keeps its bytes");
    storage
        .finish_upload(
            &upload.id,
            Outcome::Received(receipt(&upload)),
            lapsed + 1,
            0.0,
        )
        .await
        .expect("finish");

    storage.close();
    let storage = Storage::open(name).await.expect("reopening");
    let queue = storage.uploads().await.expect("uploads");
    assert_eq!(states(&queue), ["received"]);
    assert!(queue[0].bytes.is_empty(), "received bytes are let go");
    assert_eq!(
        queue[0].state,
        UploadState::Received {
            receipt: receipt(&upload)
        }
    );
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn an_export_that_is_refused_queues_nothing() {
    let storage = fresh("yim-test-upload-atomic").await;
    let export = exported(&storage).await;
    // A number another tab took: the log refuses it, and the queue entry
    // of the same transaction is not written either.
    let mut taken = export.clone();
    taken.sequence = 2;
    let upload = Upload::new(&taken, bundle());
    assert!(matches!(
        storage.record_export_queued(&taken, Some(&upload)).await,
        Err(StorageError::SequenceTaken { .. })
    ));
    assert_eq!(storage.uploads().await.expect("uploads"), vec![]);
    assert_eq!(storage.exports().await.expect("exports"), vec![]);
    finish(storage).await;
}

#[wasm_bindgen_test]
async fn a_new_upload_code_puts_refused_bundles_back_in_one_transaction() {
    let storage = fresh("yim-test-upload-requeue").await;
    let upload = queued(&storage).await;
    storage
        .claim_upload(&upload.id, "tab-a", 2_000, true)
        .await
        .expect("claim");
    storage
        .finish_upload(
            &upload.id,
            Outcome::Failed(Problem::Refused { status: 401 }),
            3_000,
            0.5,
        )
        .await
        .expect("finish");
    assert_eq!(
        states(&storage.uploads().await.expect("uploads")),
        ["rejected"]
    );
    assert_eq!(storage.requeue_rejected(4_000).await.expect("requeue"), 1);
    let queue = storage.uploads().await.expect("uploads");
    assert_eq!(states(&queue), ["waiting"]);
    assert_eq!((queue[0].attempts, queue[0].next_ms), (0, 4_000));
    assert_eq!(queue[0].bytes, bundle());
    assert_eq!(storage.requeue_rejected(5_000).await.expect("requeue"), 0);
    finish(storage).await;
}
