//! Sending exported bundles to the deployment's intake (`yim serve`) when
//! the phone is online.
//!
//! The intake's address comes from the published index (`yim publish
//! --intake`), never from the volunteer; the coordinator's upload code is
//! entered once per phone in the settings (`storage::settings`). The queue
//! itself, with its states, leases and backoff, lives in
//! `storage::upload`; this module decides when to go through it and makes
//! the requests.
//!
//! A pass over the queue runs when the app opens, when the browser says the
//! phone is online again, right after an export, after a new upload code,
//! and when the earliest retry of a failed bundle is due. Opening the app
//! and coming back online try every waiting bundle at once, whatever its
//! backoff said: both mean the reason of the last failure may be gone.
//!
//! **Boundary**: the only HTTP here is one `fetch` per bundle, `POST
//! {intake}bundles` with the bundle as the body and the code in
//! `Authorization: Bearer`, as `yim serve` expects; the answer is read as a
//! receipt only after it was bounded and checked against the bundle's own
//! SHA-256 and size.

use std::cell::RefCell;
use std::time::Duration;

use js_sys::Uint8Array;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestCache, RequestInit, Response};

use crate::storage::upload::{Outcome, Problem, Receipt, Upload, UPLOAD_TIMEOUT_MS};
use crate::storage::{self, settings, Storage};

/// Bumped after every change of the queue that this tab made, so that the
/// export page reads the queue again.
#[derive(Clone, Copy)]
pub struct UploadTick(pub RwSignal<u64>);

#[derive(Default)]
struct Runner {
    intake: Option<String>,
    tick: Option<RwSignal<u64>>,
    running: bool,
    /// Another pass was asked for while one ran; `Some(true)` when it
    /// should try everything that waits.
    again: Option<bool>,
    timer: Option<TimeoutHandle>,
}

thread_local! {
    /// This page load's id, for the leases it takes.
    static TAB: String = storage::new_id();
    static RUNNER: RefCell<Runner> = RefCell::new(Runner::default());
}

/// Starts the uploads of this page: the intake's address (none when the
/// deployment has no intake, and then nothing is ever sent), the signal the
/// export page watches, and a first pass that tries everything waiting.
/// The caller listens for the `online` event and calls [`kick`].
pub fn start(intake: Option<String>, tick: RwSignal<u64>) {
    RUNNER.with(|runner| {
        let mut runner = runner.borrow_mut();
        runner.intake = intake;
        runner.tick = Some(tick);
    });
    kick(true);
}

/// Whether the deployment has an intake.
pub fn has_intake() -> bool {
    RUNNER.with(|runner| runner.borrow().intake.is_some())
}

/// Goes through the queue now. `now_due` tries every waiting bundle, not
/// only those whose retry time has come.
pub fn kick(now_due: bool) {
    let go = RUNNER.with(|runner| {
        let mut runner = runner.borrow_mut();
        if runner.intake.is_none() {
            return false;
        }
        if runner.running {
            runner.again = Some(runner.again.unwrap_or(false) || now_due);
            return false;
        }
        runner.running = true;
        if let Some(timer) = runner.timer.take() {
            timer.clear();
        }
        true
    });
    if go {
        leptos::task::spawn_local(run(now_due));
    }
}

async fn run(mut now_due: bool) {
    loop {
        let next = pass(now_due).await;
        let again = RUNNER.with(|runner| {
            let mut runner = runner.borrow_mut();
            match runner.again.take() {
                Some(due) => Some(due),
                None => {
                    runner.running = false;
                    runner.timer = next.and_then(schedule);
                    None
                }
            }
        });
        match again {
            Some(due) => now_due = due,
            None => return,
        }
    }
}

/// Sets a timer for the next retry, at `at_ms`.
fn schedule(at_ms: u64) -> Option<TimeoutHandle> {
    let wait = at_ms.saturating_sub(storage::now_ms()).max(1_000);
    set_timeout_with_handle(move || kick(false), Duration::from_millis(wait)).ok()
}

fn bump() {
    if let Some(tick) = RUNNER.with(|runner| runner.borrow().tick) {
        tick.try_update(|n| *n += 1);
    }
}

fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// One pass: sends every bundle this tab may claim, and returns when the
/// next retry is due, if any bundle still waits.
async fn pass(now_due: bool) -> Option<u64> {
    let intake = RUNNER.with(|runner| runner.borrow().intake.clone())?;
    // Without a code, or offline, nothing is tried and nothing counts as a
    // failure: the page says what waits for what, and the settings or the
    // `online` event start the next pass.
    let token = settings::upload_token()?;
    if !online() {
        return None;
    }
    let storage = Storage::app();
    let tab = TAB.with(String::clone);
    let queue = match storage.uploads().await {
        Ok(queue) => queue,
        Err(error) => {
            web_sys::console::warn_1(&format!("reading the upload queue: {error}").into());
            return Some(storage::now_ms() + storage::upload::FIRST_BACKOFF_MS);
        }
    };
    for waiting in queue {
        if !waiting.claimable(&tab, storage::now_ms(), now_due) {
            continue;
        }
        let claimed = storage
            .claim_upload(&waiting.id, &tab, storage::now_ms(), now_due)
            .await;
        let Ok(Some(upload)) = claimed else {
            continue;
        };
        bump();
        let outcome = send(&intake, &token, &upload).await;
        let jitter = js_sys::Math::random();
        if let Err(error) = storage
            .finish_upload(&upload.id, outcome, storage::now_ms(), jitter)
            .await
        {
            // The lease lapses by itself, and the bundle is tried again.
            web_sys::console::warn_1(&format!("storing an upload's outcome: {error}").into());
        }
        bump();
    }
    // The earliest time something may change: a retry that comes due, or a
    // lease of another tab that lapses.
    let now = storage::now_ms();
    storage.uploads().await.ok().and_then(|queue| {
        queue
            .iter()
            .filter_map(|upload| match (&upload.state, &upload.lease) {
                (storage::upload::UploadState::Received { .. }, _)
                | (storage::upload::UploadState::Rejected { .. }, _) => None,
                (_, Some(lease)) if lease.until_ms > now => Some(lease.until_ms),
                _ => Some(upload.next_ms),
            })
            .min()
    })
}

/// The address bundles are posted to.
pub fn bundles_url(intake: &str) -> String {
    format!("{intake}bundles")
}

/// Sends one bundle and says how it went.
async fn send(intake: &str, token: &str, upload: &Upload) -> Outcome {
    let Some(window) = web_sys::window() else {
        return Outcome::Failed(Problem::Network);
    };
    let request = (|| {
        let headers = Headers::new().ok()?;
        headers
            .append("Authorization", &format!("Bearer {token}"))
            .ok()?;
        headers
            .append("Content-Type", "application/octet-stream")
            .ok()?;
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&Uint8Array::from(upload.bytes.as_slice()));
        init.set_cache(RequestCache::NoStore);
        // A request that hangs (a dead connection the phone has not noticed)
        // is given up before the lease lapses, and tried again later.
        init.set_signal(Some(&AbortSignal::timeout_with_u32(UPLOAD_TIMEOUT_MS)));
        Some(window.fetch_with_str_and_init(&bundles_url(intake), &init))
    })();
    let Some(request) = request else {
        return Outcome::Failed(Problem::Network);
    };
    let Ok(response) = JsFuture::from(request).await else {
        return Outcome::Failed(Problem::Network);
    };
    let Ok(response) = response.dyn_into::<Response>() else {
        return Outcome::Failed(Problem::Network);
    };
    let status = response.status();
    if !response.ok() {
        return Outcome::Failed(Problem::of_status(status));
    }
    let declared = response
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|n| n.parse::<usize>().ok());
    if declared.is_some_and(|n| n > storage::upload::MAX_RECEIPT_BYTES) {
        return Outcome::Failed(Problem::BadReceipt);
    }
    let body = match response.array_buffer() {
        Ok(promise) => match JsFuture::from(promise).await {
            Ok(buffer) => Uint8Array::new(&buffer).to_vec(),
            Err(_) => return Outcome::Failed(Problem::Network),
        },
        Err(_) => return Outcome::Failed(Problem::Network),
    };
    match Receipt::parse_for(&body, &upload.sha256, upload.size) {
        Some(receipt) => Outcome::Received(receipt),
        None => Outcome::Failed(Problem::BadReceipt),
    }
}
