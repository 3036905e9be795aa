//! The handle on the app's IndexedDB database and every operation on it.

use std::cell::RefCell;
use std::future::Future;
use std::rc::{Rc, Weak};
use std::task::{Poll, Waker};

use indexed_db_futures::database::Database;
use indexed_db_futures::database::ObjectStoreName;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{
    Transaction, TransactionDurability, TransactionMode, TransactionOptions,
};
use indexed_db_futures::{KeyRange, SerialiseToJs};
use serde_json::json;
use wasm_bindgen::prelude::*;

use yim_form::case::CaseChange;

use super::cases::CaseRecord;
use super::lock::{Cost, DataKey, LockRecord, Pin, LOCK_KEY};
use super::media::Photo;
use super::record::{unlock_label, Body, ExportRecord, FormSource, Response, ResponseMeta, Status};
use super::schema::{self, indexes, stores};
use super::upload::Upload;
use super::StorageError;

/// The app's database. Cloning gives another handle on the same connection.
///
/// The connection opens on first use and reopens by itself: when the
/// browser closes it (iOS does under memory pressure; another tab closes it
/// to upgrade), the operation that finds it closed opens it again and runs
/// once more. Every write is one transaction: it happens completely or not
/// at all.
#[derive(Clone)]
pub struct Storage {
    inner: Rc<Inner>,
}

struct Inner {
    name: String,
    version: u32,
    state: RefCell<State>,
    /// The open connection's event handlers, kept alive with it.
    watched: RefCell<Option<Watched>>,
    /// The data key, while this tab is unlocked; `None` when no PIN is set
    /// or the tab is locked.
    key: RefCell<Option<Rc<Held>>>,
    /// Autosaves refused because the tab held no key (it locked while they
    /// were on their way, or another tab changed the PIN), with the id of
    /// their copy: they are written as soon as the tab is unlocked, so that
    /// nothing typed is lost to the lock.
    /// Drafts refused while locked, with their copy id and the photos
    /// taken for them that were not stored yet.
    parked: RefCell<Vec<(Response, String, Vec<Photo>)>>,
}

/// The data key a tab holds, with the lock it was unwrapped from.
pub(super) struct Held {
    pub(super) key: DataKey,
    key_id: String,
    version: u64,
}

/// What a tab may do about a PIN lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockStatus {
    /// The stored lock, if a PIN is set.
    pub version: Option<u64>,
    /// The idle time, in minutes, when a PIN is set.
    pub idle_minutes: u32,
    /// Whether this tab holds the data key of the stored lock.
    pub unlocked: bool,
    /// Whether this tab holds the key, but of an older version of the lock
    /// (the PIN was changed in another tab).
    pub stale: bool,
}

/// The key a write in this transaction uses, given the stored lock: none
/// when no PIN is set, the held key when it belongs to the stored lock, and
/// a refusal otherwise, so that no tab writes with a key that no longer
/// opens, nor in clear while a PIN is set.
pub(super) fn key_for_write<'a>(
    held: &'a Option<Rc<Held>>,
    lock: Option<&LockRecord>,
) -> Result<Option<&'a DataKey>, StorageError> {
    match (lock, held) {
        (None, _) => Ok(None),
        (Some(lock), Some(held)) if held.key_id == lock.key_id => Ok(Some(&held.key)),
        (Some(_), _) => Err(StorageError::Locked),
    }
}

/// The meta and body to store for `meta` and `body`: encrypted with `key`
/// when a PIN is set.
fn encode(
    meta: ResponseMeta,
    body: Body,
    key: Option<&DataKey>,
) -> Result<(ResponseMeta, Body), StorageError> {
    match key {
        Some(key) => body.lock(meta, key),
        None => Ok((meta, body)),
    }
}

/// A stored meta and body joined back into a response, decrypted with
/// `key` when they were encrypted.
fn join(
    body: Option<Body>,
    meta: ResponseMeta,
    key: Option<&DataKey>,
) -> Result<Response, StorageError> {
    match body {
        Some(body) => {
            let (meta, body) = body.unlock(meta, key)?;
            Body::into_response(Some(body), meta)
        }
        None => Body::into_response(None, meta),
    }
}

enum State {
    Closed,
    Opening(Rc<RefCell<Opening>>),
    Open(Database),
}

/// An open request in flight, shared by everyone waiting for it. The request
/// runs to its end even when nobody waits any more: dropping it half-way
/// would leave a pending upgrade without its upgrade code.
#[derive(Default)]
struct Opening {
    result: Option<Result<Database, StorageError>>,
    blocked: bool,
    wakers: Vec<Waker>,
}

impl Opening {
    fn wake(&mut self) {
        for waker in self.wakers.drain(..) {
            waker.wake();
        }
    }
}

struct Watched {
    db: web_sys::IdbDatabase,
    _on_versionchange: Closure<dyn FnMut(web_sys::Event)>,
    _on_close: Closure<dyn FnMut(web_sys::Event)>,
}

/// How many drafts, finalized and exported responses one form has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Drafts.
    pub drafts: u32,
    /// Finalized responses not exported yet.
    pub finalized: u32,
    /// Exported responses.
    pub exported: u32,
}

thread_local! {
    static APP: Storage = Storage::new(schema::NAME);
}

pub(super) fn idb<T>(result: indexed_db_futures::Result<T>) -> Result<T, StorageError> {
    result.map_err(StorageError::from_idb)
}

/// A read-write transaction on `stores` whose commit waits until the data
/// is on the disk (`durability: "strict"`). Chromium's default only hands it
/// to the operating system, which a phone whose battery dies can lose; a
/// draft is saved at most every half second, so the extra flush is cheap.
pub(super) fn writing<S: ObjectStoreName>(
    db: &Database,
    stores: S,
) -> Result<Transaction<'_>, StorageError> {
    let options = TransactionOptions::new().with_durability(TransactionDurability::Strict);
    idb(db
        .transaction(stores)
        .with_mode(TransactionMode::Readwrite)
        .with_options(options)
        .build())
}

/// Commits `tx`. When the browser aborts the commit, the transaction's own
/// error says why (a full disk aborts the transaction rather than failing
/// any single request), so it is read before the handle is given up.
pub(super) async fn commit(tx: Transaction<'_>) -> Result<(), StorageError> {
    let raw: web_sys::IdbTransaction = tx.as_sys().clone().into();
    match tx.commit().await {
        Ok(()) => Ok(()),
        Err(error) => Err(match raw.error() {
            Some(exception) => StorageError::from_dom(&exception),
            None => StorageError::from_idb(error),
        }),
    }
}

/// How [`Storage::save`] stored a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    /// Under its own id.
    InPlace,
    /// Another tab had changed the response, so its answers were stored as
    /// a new draft instead; the other tab's version is untouched.
    AsCopy {
        /// The copy as stored.
        meta: ResponseMeta,
        /// The conflict that made the copy, for the message to show.
        because: StorageError,
    },
}

/// The metadata to store for a write of `response` over `stored` (`None`
/// for a new response), or why the write is refused.
fn next_meta(
    stored: Option<&ResponseMeta>,
    response: &ResponseMeta,
) -> Result<ResponseMeta, StorageError> {
    let mut next = response.clone();
    if let Some(stored) = stored {
        let same_writer = stored.writer.is_some() && stored.writer == response.writer;
        // The revision is checked before the status: a draft that another
        // tab finalized must give a conflict, so that this tab keeps its
        // answers as a copy rather than being told the draft is closed.
        if !same_writer && stored.revision != response.revision {
            return Err(StorageError::Conflict {
                id: stored.id.clone(),
                based_on: response.revision,
                stored: stored.revision,
            });
        }
        if !stored.status.may_become(response.status) {
            return Err(StorageError::ReadOnly {
                id: stored.id.clone(),
                status: stored.status,
            });
        }
        next.revision = stored.revision + 1;
    } else {
        next.revision = response.revision + 1;
    }
    next.mark_copy();
    Ok(next)
}

/// The key range of every `[form_id, status, updated_ms]` key that starts
/// with `form_id` and `status`: an array sorts after every number, so
/// `[form, status, []]` is above every update time.
fn form_status_range(form_id: &str, status: Status) -> KeyRange<serde_json::Value> {
    KeyRange::Bound(
        json!([form_id, status.as_str()]),
        false,
        json!([form_id, status.as_str(), []]),
        false,
    )
}

fn status_range(status: Status) -> KeyRange<serde_json::Value> {
    KeyRange::Bound(
        json!([status.as_str()]),
        false,
        json!([status.as_str(), []]),
        false,
    )
}

impl Storage {
    /// The app's database (`yim`), shared by every part of the app.
    pub fn app() -> Storage {
        APP.with(Storage::clone)
    }

    /// A handle on the database `name` at the current version. Nothing is
    /// opened until the first operation.
    pub fn new(name: &str) -> Storage {
        Storage::at_version(name, schema::VERSION)
    }

    /// A handle that opens `name` at `version`; the tests use it to build a
    /// database as an older version of the app left it.
    pub(crate) fn at_version(name: &str, version: u32) -> Storage {
        Storage {
            inner: Rc::new(Inner {
                name: name.to_string(),
                version,
                state: RefCell::new(State::Closed),
                watched: RefCell::new(None),
                key: RefCell::new(None),
                parked: RefCell::new(Vec::new()),
            }),
        }
    }

    /// Opens the database `name`, creating or upgrading it as needed.
    pub async fn open(name: &str) -> Result<Storage, StorageError> {
        let storage = Storage::new(name);
        storage.database().await?;
        Ok(storage)
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Closes the connection. The next operation opens it again.
    pub fn close(&self) {
        let state = std::mem::replace(&mut *self.inner.state.borrow_mut(), State::Closed);
        if let State::Open(db) = state {
            self.inner.unwatch();
            db.close();
        }
    }

    /// Deletes the whole database `name`. Open connections of this app
    /// close themselves when asked to (see `watch`).
    pub async fn delete_database(name: &str) -> Result<(), StorageError> {
        let request = Database::delete_by_name(name).map_err(StorageError::from_open)?;
        idb(request.await)
    }

    /// The open connection, opening it first when needed.
    pub(crate) async fn database(&self) -> Result<Database, StorageError> {
        let opening = {
            let mut state = self.inner.state.borrow_mut();
            match &*state {
                State::Open(db) => return Ok(db.clone()),
                State::Opening(opening) => opening.clone(),
                State::Closed => {
                    let opening = Inner::start_opening(&self.inner);
                    *state = State::Opening(opening.clone());
                    opening
                }
            }
        };
        std::future::poll_fn(|cx| {
            let mut opening = opening.borrow_mut();
            if let Some(result) = &opening.result {
                return Poll::Ready(result.clone());
            }
            if opening.blocked {
                return Poll::Ready(Err(StorageError::Blocked));
            }
            opening.wakers.push(cx.waker().clone());
            Poll::Pending
        })
        .await
    }

    /// Runs `op` on the open connection. When the browser closed the
    /// connection under it, it reopens the database and runs `op` once more;
    /// every operation is safe to repeat because each is one transaction
    /// that either happened completely or not at all.
    pub(super) async fn run<T, F, Fut>(&self, op: F) -> Result<T, StorageError>
    where
        F: Fn(Database) -> Fut,
        Fut: Future<Output = Result<T, StorageError>>,
    {
        let db = self.database().await?;
        match op(db.clone()).await {
            Err(StorageError::Closed) => {
                self.inner.forget(db.as_sys());
                let db = self.database().await?;
                op(db).await
            }
            result => result,
        }
    }

    /// Stores a response, replacing the stored one with the same id, and
    /// adds one to its revision. The stored response must be at the
    /// revision `response` was read at, or have been written last by the
    /// same writer (see [`ResponseMeta::writer`]); otherwise another tab
    /// wrote it in between and the write is refused with
    /// [`StorageError::Conflict`]. A finalized or exported response is
    /// never replaced by a draft ([`Status::may_become`]); trying gives
    /// [`StorageError::ReadOnly`]. Either way nothing is written.
    pub async fn put(&self, response: &Response) -> Result<(), StorageError> {
        self.put_many(std::slice::from_ref(response)).await
    }

    /// Stores many responses in one transaction: all of them or none, each
    /// checked as [`Storage::put`] checks it.
    pub async fn put_many(&self, responses: &[Response]) -> Result<(), StorageError> {
        self.write_many(responses, None, None, &[]).await.map(drop)
    }

    /// Stores a finalized response as [`Storage::put`] does and, when it
    /// changed a case, folds that change into the phone's case list
    /// ([`CaseRecord::fold`]) in the same transaction: the response and
    /// its case are both stored or neither is.
    pub async fn put_finalized(
        &self,
        response: &Response,
        case: Option<&CaseChange>,
    ) -> Result<(), StorageError> {
        self.put_finalized_with(response, case, None, &[]).await
    }

    /// Stores a finalized response as [`Storage::put_finalized`] does and,
    /// with `photos`, replaces its photos in the same transaction with
    /// `photos`, sealed to the data office with it, or else stores `taken`,
    /// the photos taken since the draft's last write, as they are: the
    /// response, its case and its photos are all stored, or none is.
    pub async fn put_finalized_with(
        &self,
        response: &Response,
        case: Option<&CaseChange>,
        photos: Option<&[yim_bundle::SealedAttachment]>,
        taken: &[Photo],
    ) -> Result<(), StorageError> {
        let case = case.map(|change| (change, response.meta.id.as_str(), response.meta.updated_ms));
        let taken = if photos.is_some() { &[][..] } else { taken };
        self.write_many(std::slice::from_ref(response), case, photos, taken)
            .await
            .map(drop)
    }

    /// Does the work of [`Storage::put_many`] and gives back the metadata
    /// as stored, with its new revisions; `case` is a change to fold into
    /// the case list in the same transaction, with the id and time of the
    /// response that made it; `photos`, when given, replace the photos of
    /// the one response given with its sealed photos, and `taken` are new
    /// photos of that response, both also in the same transaction.
    async fn write_many(
        &self,
        responses: &[Response],
        case: Option<(&CaseChange, &str, u64)>,
        photos: Option<&[yim_bundle::SealedAttachment]>,
        taken: &[Photo],
    ) -> Result<Vec<ResponseMeta>, StorageError> {
        // The key is taken once, before the transaction: a lock that comes
        // while this write is on its way does not stop it half-way.
        let held = self.held();
        self.run(|db| {
            let held = &held;
            async move {
                // The case store joins the transaction only when a case
                // changes, so that autosaves never wait for it.
                let mut names = vec![stores::RESPONSES, stores::ANSWERS, stores::SETTINGS];
                if case.is_some() {
                    names.push(stores::CASES);
                }
                if photos.is_some() || !taken.is_empty() {
                    names.push(stores::MEDIA);
                }
                let tx = writing(&db, names)?;
                let metas = idb(tx.object_store(stores::RESPONSES))?;
                let bodies = idb(tx.object_store(stores::ANSWERS))?;
                let settings = idb(tx.object_store(stores::SETTINGS))?;
                let lock = idb(settings.get::<LockRecord, _, _>(LOCK_KEY).serde())?;
                let case_store = match case {
                    Some(_) => Some(idb(tx.object_store(stores::CASES))?),
                    None => None,
                };
                let stored_case = match (&case_store, case) {
                    (Some(cases), Some((change, _, _))) => Some(idb(cases
                        .get::<CaseRecord, _, _>(change.id.as_str())
                        .serde())?),
                    _ => None,
                };
                // Every read goes out before the first is awaited, so the
                // checks cost one round trip, not one per response.
                let stored = responses
                    .iter()
                    .map(|response| {
                        idb(metas
                            .get::<ResponseMeta, _, _>(response.meta.id.as_str())
                            .serde())
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                // The lock is read in the transaction that writes, so a PIN
                // set or removed in another tab is seen here.
                let lock = idb(lock.await)?;
                let key = key_for_write(held, lock.as_ref())?;
                let mut written = Vec::with_capacity(responses.len());
                for (stored, response) in stored.into_iter().zip(responses) {
                    let stored = idb(stored.await)?;
                    written.push(next_meta(stored.as_ref(), &response.meta)?);
                }
                // The checks and the writes are in one transaction, and
                // IndexedDB runs one read-write transaction on a store at a
                // time, so no other tab can write between them.
                for (meta, response) in written.iter().zip(responses) {
                    let (meta, body) = encode(meta.clone(), Body::of(response), key)?;
                    // A failed write fails the transaction, which `commit`
                    // reports; its own future need not be awaited.
                    let _meta = idb(metas.put(&meta).serde())?;
                    let _body = idb(bodies.put(&body).serde())?;
                }
                if let (Some(photos), [response]) = (photos, responses) {
                    super::media::replace_sealed(&tx, &response.meta.id, photos)?;
                }
                if let (false, [response]) = (taken.is_empty(), responses) {
                    super::media::put_all(&tx, &response.meta.id, taken, key)?;
                }
                if let (Some(cases), Some(stored), Some((change, response_id, at_ms))) =
                    (&case_store, stored_case, case)
                {
                    let previous = match idb(stored.await)? {
                        Some(previous) => Some(previous.unlock(key)?),
                        None => None,
                    };
                    let mut folded = CaseRecord::fold(previous, change, response_id, at_ms);
                    if folded.responses.last().map(String::as_str) == Some(response_id) {
                        if let Some(response) = responses.iter().find(|r| r.meta.id == response_id)
                        {
                            folded.last_form = Some(response.meta.form_id.clone());
                        }
                    }
                    if let Some(key) = key {
                        folded = folded.lock(key)?;
                    }
                    let _case = idb(cases.put(&folded).serde())?;
                }
                commit(tx).await?;
                Ok(written)
            }
        })
        .await
    }

    /// Stores a response as [`Storage::put`] does, except that a draft that
    /// another tab changed in the meantime is not lost: its answers are
    /// stored as a new draft with the id `copy_id`, marked as a copy
    /// ([`ResponseMeta::copied_from`]), next to the other tab's version. The
    /// autosave writes this way. A response being finalized is not copied:
    /// the conflict is returned and nothing is written, so nothing stale is
    /// finalized or sealed (and a sealed response holds no answers to copy).
    ///
    /// `copy_id` stays the same for every write of one screen until it is
    /// used, so that writes that were on their way when the conflict came
    /// update one copy rather than making one each.
    ///
    /// A write refused because this tab holds no key for the PIN set
    /// ([`StorageError::Locked`]) is kept in memory and written when the tab
    /// is unlocked ([`Storage::unlock`]).
    pub async fn save(&self, response: &Response, copy_id: &str) -> Result<Written, StorageError> {
        self.save_with_photos(response, copy_id, &[]).await
    }

    /// Saves a draft as [`Storage::save`] does, with `photos`, the photos
    /// taken for it since its last write, in the same transaction: the
    /// draft that names a photo and the photo are stored together or not
    /// at all, so a stored draft never names a photo that is not stored,
    /// and no photo is stored for a draft that was not. A draft kept as a
    /// copy takes its photos with it.
    pub async fn save_with_photos(
        &self,
        response: &Response,
        copy_id: &str,
        photos: &[Photo],
    ) -> Result<Written, StorageError> {
        let put = self
            .write_many(std::slice::from_ref(response), None, None, photos)
            .await
            .map(drop);
        let because = match put {
            Ok(()) => return Ok(Written::InPlace),
            Err(StorageError::Locked) => {
                let mut parked = self.inner.parked.borrow_mut();
                // An earlier parked write of the same draft gives way, but
                // its photos stay with the later one, which names them too.
                let mut kept_photos = Vec::new();
                parked.retain_mut(|(kept, _, photos)| {
                    let same = kept.meta.id == response.meta.id;
                    if same {
                        kept_photos.append(photos);
                    }
                    !same
                });
                kept_photos.retain(|kept| !photos.iter().any(|p| p.name == kept.name));
                kept_photos.extend_from_slice(photos);
                parked.push((response.clone(), copy_id.to_string(), kept_photos));
                return Err(StorageError::Locked);
            }
            Err(conflict @ StorageError::Conflict { .. })
                if response.meta.status == Status::Draft =>
            {
                conflict
            }
            Err(error) => return Err(error),
        };
        let mut copy = response.clone();
        copy.meta.id = copy_id.to_string();
        copy.meta.copied_from = Some(response.meta.id.clone());
        copy.meta.revision = 0;
        copy.data = None;
        copy.sealed = None;
        let meta = self
            .write_many(std::slice::from_ref(&copy), None, None, photos)
            .await?
            .pop()
            .ok_or_else(|| StorageError::NotFound {
                id: copy_id.to_string(),
            })?;
        Ok(Written::AsCopy { meta, because })
    }

    /// The response with this id, answers included.
    pub async fn get(&self, id: &str) -> Result<Response, StorageError> {
        let held = self.held();
        let held = &held;
        self.run(|db| async move {
            let tx = idb(db.transaction([stores::RESPONSES, stores::ANSWERS]).build())?;
            let metas = idb(tx.object_store(stores::RESPONSES))?;
            let bodies = idb(tx.object_store(stores::ANSWERS))?;
            let meta = idb(metas.get::<ResponseMeta, _, _>(id).serde())?;
            let body = idb(bodies.get::<Body, _, _>(id).serde())?;
            let (meta, body) = (idb(meta.await)?, idb(body.await)?);
            let meta = meta.ok_or_else(|| StorageError::NotFound { id: id.to_string() })?;
            join(body, meta, held.as_ref().map(|held| &held.key))
        })
        .await
    }

    /// The responses with these ids, answers included, in the order given,
    /// read in one transaction. Export reads a few hundred at a time this
    /// way: one transaction per response costs more than the reading.
    pub async fn get_many(&self, ids: &[String]) -> Result<Vec<Response>, StorageError> {
        let held = self.held();
        let held = &held;
        self.run(|db| async move {
            let tx = idb(db.transaction([stores::RESPONSES, stores::ANSWERS]).build())?;
            let metas = idb(tx.object_store(stores::RESPONSES))?;
            let bodies = idb(tx.object_store(stores::ANSWERS))?;
            // Every read goes out before the first is awaited.
            let requests = ids
                .iter()
                .map(|id| {
                    let meta = idb(metas.get::<ResponseMeta, _, _>(id.as_str()).serde())?;
                    let body = idb(bodies.get::<Body, _, _>(id.as_str()).serde())?;
                    Ok((meta, body))
                })
                .collect::<Result<Vec<_>, StorageError>>()?;
            let mut responses = Vec::with_capacity(ids.len());
            for ((meta, body), id) in requests.into_iter().zip(ids) {
                let (meta, body) = (idb(meta.await)?, idb(body.await)?);
                let meta = meta.ok_or_else(|| StorageError::NotFound { id: id.clone() })?;
                responses.push(join(body, meta, held.as_ref().map(|held| &held.key))?);
            }
            Ok(responses)
        })
        .await
    }

    /// Reads the response with this id, lets `change` edit it, and stores
    /// the result, all in one transaction, so that nothing written in
    /// between is lost. The new status must be one the old may become; a
    /// finalized response keeps its status only to be sealed.
    /// `change` may run twice if the connection had to be reopened.
    pub async fn update(
        &self,
        id: &str,
        change: impl Fn(&mut Response),
    ) -> Result<Response, StorageError> {
        self.update_with_photos(id, change, None).await
    }

    /// Updates a response as [`Storage::update`] does and, when `change`
    /// seals a finalized response, replaces its photos with `photos`,
    /// sealed with it, in the same transaction.
    pub async fn update_with_photos(
        &self,
        id: &str,
        change: impl Fn(&mut Response),
        photos: Option<&[yim_bundle::SealedAttachment]>,
    ) -> Result<Response, StorageError> {
        let held = self.held();
        self.run(|db| {
            let (change, held) = (&change, &held);
            async move {
                let mut names = vec![stores::RESPONSES, stores::ANSWERS, stores::SETTINGS];
                if photos.is_some() {
                    names.push(stores::MEDIA);
                }
                let tx = writing(&db, names)?;
                let metas = idb(tx.object_store(stores::RESPONSES))?;
                let bodies = idb(tx.object_store(stores::ANSWERS))?;
                let settings = idb(tx.object_store(stores::SETTINGS))?;
                let lock = idb(settings.get::<LockRecord, _, _>(LOCK_KEY).serde())?;
                let meta = idb(metas.get::<ResponseMeta, _, _>(id).serde())?;
                let body = idb(bodies.get::<Body, _, _>(id).serde())?;
                let (lock, meta, body) = (idb(lock.await)?, idb(meta.await)?, idb(body.await)?);
                let key = key_for_write(held, lock.as_ref())?;
                let meta = meta.ok_or_else(|| StorageError::NotFound { id: id.to_string() })?;
                let before = meta.status;
                let revision = meta.revision;
                let mut response = join(body, meta, key)?;
                let was_sealed = response.sealed.is_some();
                change(&mut response);
                // The id is the key: an edit that changed it would write a
                // second response instead of updating this one.
                response.meta.id = id.to_string();
                let allowed = if before == response.meta.status {
                    // A finalized response stored in clear (its form had no
                    // recipients then) may only gain its sealed copy.
                    before == Status::Draft
                        || (before == Status::Finalized && !was_sealed && response.sealed.is_some())
                } else {
                    before.may_become(response.meta.status)
                };
                if !allowed {
                    return Err(StorageError::ReadOnly {
                        id: id.to_string(),
                        status: before,
                    });
                }
                // A change made here is a write like any other: a tab that
                // read the response before it must not write over it.
                response.meta.revision = revision + 1;
                response.meta.writer = None;
                response.meta.mark_copy();
                let (meta, body) = encode(response.meta.clone(), Body::of(&response), key)?;
                let _meta = idb(metas.put(&meta).serde())?;
                let _body = idb(bodies.put(&body).serde())?;
                if let (Some(photos), false, true) = (photos, was_sealed, response.sealed.is_some())
                {
                    super::media::replace_sealed(&tx, id, photos)?;
                }
                commit(tx).await?;
                Ok(response)
            }
        })
        .await
    }

    /// Deletes a draft, its answers and its photos. Finalized and exported responses are
    /// not deleted here: they are the programme's records.
    pub async fn delete(&self, id: &str) -> Result<(), StorageError> {
        self.run(|db| async move {
            let tx = writing(&db, [stores::RESPONSES, stores::ANSWERS, stores::MEDIA])?;
            let metas = idb(tx.object_store(stores::RESPONSES))?;
            let bodies = idb(tx.object_store(stores::ANSWERS))?;
            let meta = idb(idb(metas.get::<ResponseMeta, _, _>(id).serde())?.await)?;
            let meta = meta.ok_or_else(|| StorageError::NotFound { id: id.to_string() })?;
            if meta.status != Status::Draft {
                return Err(StorageError::ReadOnly {
                    id: meta.id,
                    status: meta.status,
                });
            }
            let _meta = idb(metas.delete(id).primitive())?;
            let _body = idb(bodies.delete(id).primitive())?;
            super::media::delete_all(&tx, id)?;
            commit(tx).await
        })
        .await
    }

    /// The responses of one form in one status, most recently updated
    /// first, without their answers.
    pub async fn list(
        &self,
        form_id: &str,
        status: Status,
    ) -> Result<Vec<ResponseMeta>, StorageError> {
        let mut list = self
            .run(|db| async move {
                let tx = idb(db.transaction(stores::RESPONSES).build())?;
                let metas = idb(tx.object_store(stores::RESPONSES))?;
                let index = idb(metas.index(indexes::FORM_STATUS))?;
                let request = idb(index
                    .get_all::<ResponseMeta>()
                    .with_query(form_status_range(form_id, status))
                    .serde())?;
                idb(idb(request.await)?.collect::<Result<Vec<_>, _>>())
            })
            .await?;
        list.reverse();
        self.unlock_labels(list)
    }

    /// Every response in one status, of every form, oldest update first;
    /// export reads the finalized ones this way.
    pub async fn list_status(&self, status: Status) -> Result<Vec<ResponseMeta>, StorageError> {
        let list = self
            .run(|db| async move {
                let tx = idb(db.transaction(stores::RESPONSES).build())?;
                let metas = idb(tx.object_store(stores::RESPONSES))?;
                let index = idb(metas.index(indexes::STATUS))?;
                let request = idb(index
                    .get_all::<ResponseMeta>()
                    .with_query(status_range(status))
                    .serde())?;
                idb(idb(request.await)?.collect::<Result<Vec<_>, _>>())
            })
            .await?;
        self.unlock_labels(list)
    }

    /// The labels of `list` decrypted with the held key; without one they
    /// stay hidden.
    fn unlock_labels(&self, list: Vec<ResponseMeta>) -> Result<Vec<ResponseMeta>, StorageError> {
        let held = self.held();
        let key = held.as_ref().map(|held| &held.key);
        list.into_iter()
            .map(|meta| unlock_label(meta, key))
            .collect()
    }

    /// How many responses of one form are in one status, counted by the
    /// index without reading a record.
    pub async fn count(&self, form_id: &str, status: Status) -> Result<u32, StorageError> {
        self.run(|db| async move {
            let tx = idb(db.transaction(stores::RESPONSES).build())?;
            let metas = idb(tx.object_store(stores::RESPONSES))?;
            let index = idb(metas.index(indexes::FORM_STATUS))?;
            idb(idb(index
                .count()
                .with_query(form_status_range(form_id, status))
                .serde())?
            .await)
        })
        .await
    }

    /// The counts of every form in `form_ids`, in the same order, from one
    /// transaction: what the home screen shows.
    pub async fn counts(&self, form_ids: &[&str]) -> Result<Vec<Counts>, StorageError> {
        self.run(|db| async move {
            let tx = idb(db.transaction(stores::RESPONSES).build())?;
            let metas = idb(tx.object_store(stores::RESPONSES))?;
            let index = idb(metas.index(indexes::FORM_STATUS))?;
            let mut requests = Vec::with_capacity(form_ids.len() * 3);
            for form_id in form_ids {
                for status in Status::ALL {
                    requests.push(idb(index
                        .count()
                        .with_query(form_status_range(form_id, status))
                        .serde())?);
                }
            }
            let mut counts = Vec::with_capacity(form_ids.len());
            let mut requests = requests.into_iter();
            while let (Some(drafts), Some(finalized), Some(exported)) =
                (requests.next(), requests.next(), requests.next())
            {
                counts.push(Counts {
                    drafts: idb(drafts.await)?,
                    finalized: idb(finalized.await)?,
                    exported: idb(exported.await)?,
                });
            }
            Ok(counts)
        })
        .await
    }

    /// Every case on the phone, or only those of `list`, with their labels
    /// and properties decrypted. With a PIN set and no key held, an
    /// encrypted case gives [`StorageError::Locked`].
    pub async fn cases(&self, list: Option<&str>) -> Result<Vec<CaseRecord>, StorageError> {
        let stored = self
            .run(|db| async move {
                let tx = idb(db.transaction(stores::CASES).build())?;
                let cases = idb(tx.object_store(stores::CASES))?;
                let request = match list {
                    Some(list) => {
                        let index = idb(cases.index(indexes::CASE_LIST))?;
                        idb(index.get_all::<CaseRecord>().with_query(list).serde())?
                    }
                    None => idb(cases.get_all::<CaseRecord>().serde())?,
                };
                idb(idb(request.await)?.collect::<Result<Vec<_>, _>>())
            })
            .await?;
        let held = self.held();
        let key = held.as_ref().map(|held| &held.key);
        stored.into_iter().map(|case| case.unlock(key)).collect()
    }

    /// Keeps the resolved source of a form, once per hash.
    pub async fn save_form(&self, source: &FormSource) -> Result<(), StorageError> {
        let record = idb(source.serialise_to_js())?;
        self.run(|db| {
            let record = record.clone();
            async move {
                let tx = writing(&db, stores::FORMS)?;
                let forms = idb(tx.object_store(stores::FORMS))?;
                let _put = idb(forms.put(record).primitive())?;
                commit(tx).await
            }
        })
        .await
    }

    /// The kept source of the form with this hash.
    pub async fn form(&self, hash: &str) -> Result<Option<FormSource>, StorageError> {
        self.run(|db| async move {
            let tx = idb(db.transaction(stores::FORMS).build())?;
            let forms = idb(tx.object_store(stores::FORMS))?;
            idb(idb(forms.get::<FormSource, _, _>(hash).serde())?.await)
        })
        .await
    }

    /// Logs an export and marks its responses exported, in one transaction.
    /// Every response must be finalized (or already exported), and the
    /// export's sequence number must be the next one on the device: one
    /// more than the highest in the log. When another tab logged an export
    /// after this one read the log, the number is taken and the export is
    /// refused with [`StorageError::SequenceTaken`], with nothing logged or
    /// marked. The log is read in the transaction that writes to it, so two
    /// exports can never both be logged with one number.
    pub async fn record_export(&self, export: &ExportRecord) -> Result<(), StorageError> {
        self.record_export_queued(export, None).await
    }

    /// [`Storage::record_export`], and in the same transaction puts the
    /// bundle in the upload queue (`upload`), so that a logged export is
    /// never left out of the queue and nothing is queued that was not
    /// logged.
    pub async fn record_export_queued(
        &self,
        export: &ExportRecord,
        upload: Option<&Upload>,
    ) -> Result<(), StorageError> {
        self.run(|db| async move {
            let tx = writing(&db, [stores::RESPONSES, stores::EXPORTS, stores::UPLOADS])?;
            let metas = idb(tx.object_store(stores::RESPONSES))?;
            let exports = idb(tx.object_store(stores::EXPORTS))?;
            let uploads = idb(tx.object_store(stores::UPLOADS))?;
            let logged = idb(exports.get_all::<ExportRecord>().serde())?;
            let stored = export
                .response_ids
                .iter()
                .map(|id| idb(metas.get::<ResponseMeta, _, _>(id.as_str()).serde()))
                .collect::<Result<Vec<_>, _>>()?;
            let next = idb(idb(logged.await)?.collect::<Result<Vec<_>, _>>())?
                .iter()
                .map(|logged| logged.sequence)
                .max()
                .unwrap_or(0)
                + 1;
            let mut marked = Vec::with_capacity(export.response_ids.len());
            for (stored, id) in stored.into_iter().zip(&export.response_ids) {
                let mut meta =
                    idb(stored.await)?.ok_or_else(|| StorageError::NotFound { id: id.clone() })?;
                if !meta.status.may_become(Status::Exported) {
                    return Err(StorageError::ReadOnly {
                        id: meta.id,
                        status: meta.status,
                    });
                }
                meta.status = Status::Exported;
                meta.updated_ms = export.created_ms;
                meta.revision += 1;
                meta.writer = None;
                marked.push(meta);
            }
            if export.sequence != next {
                return Err(StorageError::SequenceTaken {
                    sequence: export.sequence,
                    next,
                });
            }
            for meta in &marked {
                let _put = idb(metas.put(meta).serde())?;
            }
            let _log = idb(exports.put(export).serde())?;
            if let Some(upload) = upload {
                let _queued = idb(uploads.put(upload).serde())?;
            }
            commit(tx).await
        })
        .await
    }

    /// The export log, oldest first (ids sort by time).
    pub async fn exports(&self) -> Result<Vec<ExportRecord>, StorageError> {
        self.run(|db| async move {
            let tx = idb(db.transaction(stores::EXPORTS).build())?;
            let exports = idb(tx.object_store(stores::EXPORTS))?;
            idb(idb(idb(exports.get_all::<ExportRecord>().serde())?.await)?
                .collect::<Result<Vec<_>, _>>())
        })
        .await
    }
}

/// The stores that setting, removing and forgetting the PIN change together.
const PIN_STORES: [&str; 5] = [
    stores::RESPONSES,
    stores::ANSWERS,
    stores::SETTINGS,
    stores::CASES,
    stores::MEDIA,
];

/// The PIN lock (see `lock`). Every change of the lock and of the records
/// it covers happens in one transaction, so a crash or a closed tab leaves
/// either the old state or the new one, never drafts that no key opens.
impl Storage {
    pub(super) fn held(&self) -> Option<Rc<Held>> {
        self.inner.key.borrow().clone()
    }

    fn hold(&self, key: DataKey, lock: &LockRecord) {
        *self.inner.key.borrow_mut() = Some(Rc::new(Held {
            key,
            key_id: lock.key_id.clone(),
            version: lock.version,
        }));
    }

    /// The stored lock, if a PIN is set.
    pub async fn lock_record(&self) -> Result<Option<LockRecord>, StorageError> {
        self.run(|db| async move {
            let tx = idb(db.transaction(stores::SETTINGS).build())?;
            let settings = idb(tx.object_store(stores::SETTINGS))?;
            idb(idb(settings.get::<LockRecord, _, _>(LOCK_KEY).serde())?.await)
        })
        .await
    }

    /// Whether a PIN is set, and whether this tab holds its key.
    pub async fn lock_status(&self) -> Result<LockStatus, StorageError> {
        let lock = self.lock_record().await?;
        let held = self.held();
        Ok(match (lock, held) {
            (None, _) => LockStatus {
                version: None,
                idle_minutes: 0,
                unlocked: true,
                stale: false,
            },
            (Some(lock), held) => {
                let same_key = held.as_ref().is_some_and(|h| h.key_id == lock.key_id);
                LockStatus {
                    version: Some(lock.version),
                    idle_minutes: lock.idle_minutes,
                    unlocked: same_key,
                    stale: same_key && held.is_some_and(|h| h.version != lock.version),
                }
            }
        })
    }

    /// Drops the data key from this tab. Reads of locked records and every
    /// write fail with [`StorageError::Locked`] until [`Storage::unlock`].
    pub fn lock(&self) {
        self.inner.key.borrow_mut().take();
    }

    /// Whether this tab holds a data key.
    pub fn holds_key(&self) -> bool {
        self.inner.key.borrow().is_some()
    }

    /// Sets a PIN with the default Argon2 cost (see [`Storage::set_pin_with`]).
    pub async fn set_pin(&self, pin: &Pin) -> Result<(), StorageError> {
        self.set_pin_with(pin, Cost::DEFAULT).await
    }

    /// Sets a PIN: makes a data key, wraps it for `pin`, and encrypts every
    /// record held in clear, in the transaction that stores the lock. The
    /// tab stays unlocked. Refused with [`StorageError::PinState`] when a
    /// PIN is set already.
    pub async fn set_pin_with(&self, pin: &Pin, cost: Cost) -> Result<(), StorageError> {
        let key = DataKey::random()?;
        // Argon2 runs before the transaction: a transaction left waiting for
        // a second would be committed by the browser under it.
        let lock = LockRecord::new(pin, &key, cost)?;
        self.run(|db| {
            let (lock, key) = (&lock, &key);
            async move {
                let tx = writing(&db, PIN_STORES)?;
                let metas = idb(tx.object_store(stores::RESPONSES))?;
                let bodies = idb(tx.object_store(stores::ANSWERS))?;
                let settings = idb(tx.object_store(stores::SETTINGS))?;
                let cases = idb(tx.object_store(stores::CASES))?;
                let stored = idb(settings.get::<LockRecord, _, _>(LOCK_KEY).serde())?;
                let all_metas = idb(metas.get_all::<ResponseMeta>().serde())?;
                let all_bodies = idb(bodies.get_all::<Body>().serde())?;
                let all_cases = idb(cases.get_all::<CaseRecord>().serde())?;
                if idb(stored.await)?.is_some() {
                    return Err(StorageError::PinState { set: true });
                }
                let all_metas = idb(idb(all_metas.await)?.collect::<Result<Vec<_>, _>>())?;
                let mut all_bodies: std::collections::HashMap<String, Body> =
                    idb(idb(all_bodies.await)?.collect::<Result<Vec<_>, _>>())?
                        .into_iter()
                        .map(|body| (body.id.clone(), body))
                        .collect();
                for meta in all_metas {
                    let Some(body) = all_bodies.remove(&meta.id) else {
                        continue;
                    };
                    let (meta, body) = body.lock(meta, key)?;
                    let _meta = idb(metas.put(&meta).serde())?;
                    let _body = idb(bodies.put(&body).serde())?;
                }
                for case in idb(idb(all_cases.await)?.collect::<Result<Vec<_>, _>>())? {
                    let _case = idb(cases.put(&case.lock(key)?).serde())?;
                }
                // The photos of drafts are encrypted with their answers, so
                // that none is readable in clear once a PIN is set.
                super::media::relock_all(&tx, Some(key)).await?;
                let _lock = idb(settings.put(lock).serde())?;
                commit(tx).await
            }
        })
        .await?;
        self.hold(key, &lock);
        Ok(())
    }

    /// The data key of the stored lock for `pin`. A wrong PIN is counted
    /// in the lock, so that the wait before the next try grows even across
    /// reloads.
    async fn key_for_pin(&self, pin: &Pin) -> Result<(DataKey, LockRecord), StorageError> {
        let lock = self
            .lock_record()
            .await?
            .ok_or(StorageError::PinState { set: false })?;
        let wait_ms = lock.wait_ms(super::now_ms());
        if wait_ms > 0 {
            return Err(StorageError::WrongPin { wait_ms });
        }
        if let Some(key) = lock.unwrap_key(pin)? {
            if lock.failures > 0 {
                self.change_lock(&lock.key_id, |lock| {
                    lock.failures = 0;
                    lock.failed_ms = 0;
                })
                .await?;
            }
            return Ok((key, lock));
        }
        let now = super::now_ms();
        let counted = self
            .change_lock(&lock.key_id, |lock| {
                lock.failures = lock.failures.saturating_add(1);
                lock.failed_ms = now;
            })
            .await?;
        Err(StorageError::WrongPin {
            wait_ms: counted.wait_ms(now),
        })
    }

    /// Changes the stored lock with `change` in one transaction, provided
    /// it still wraps the data key `key_id`.
    async fn change_lock(
        &self,
        key_id: &str,
        change: impl Fn(&mut LockRecord),
    ) -> Result<LockRecord, StorageError> {
        self.run(|db| {
            let change = &change;
            async move {
                let tx = writing(&db, stores::SETTINGS)?;
                let settings = idb(tx.object_store(stores::SETTINGS))?;
                let stored = idb(idb(settings.get::<LockRecord, _, _>(LOCK_KEY).serde())?.await)?;
                let mut lock = match stored {
                    Some(lock) if lock.key_id == key_id => lock,
                    Some(_) => return Err(StorageError::Locked),
                    None => return Err(StorageError::PinState { set: false }),
                };
                change(&mut lock);
                let _put = idb(settings.put(&lock).serde())?;
                commit(tx).await?;
                Ok(lock)
            }
        })
        .await
    }

    /// Unlocks this tab with `pin`, then writes the autosaves that were
    /// refused while it was locked.
    pub async fn unlock(&self, pin: &Pin) -> Result<(), StorageError> {
        let (key, lock) = self.key_for_pin(pin).await?;
        self.hold(key, &lock);
        self.write_parked().await;
        Ok(())
    }

    /// Writes the autosaves kept while the tab was locked. One that still
    /// fails stays kept for the next unlock; a conflict is kept as a copy
    /// by `save` itself.
    async fn write_parked(&self) {
        let parked = std::mem::take(&mut *self.inner.parked.borrow_mut());
        for (response, copy_id, photos) in parked {
            if let Err(error) = self.save_with_photos(&response, &copy_id, &photos).await {
                leptos::logging::warn!("a draft kept while locked was not written: {error}");
                if error != StorageError::Locked {
                    self.inner
                        .parked
                        .borrow_mut()
                        .push((response, copy_id, photos));
                }
            }
        }
    }

    /// How many writes wait for the tab to be unlocked.
    pub fn parked(&self) -> usize {
        self.inner.parked.borrow().len()
    }

    /// Replaces the PIN: the same data key, wrapped for `new` with a new
    /// salt, and the lock's version goes up so that other tabs ask for the
    /// PIN again. No record changes.
    pub async fn change_pin(&self, old: &Pin, new: &Pin) -> Result<(), StorageError> {
        let (key, lock) = self.key_for_pin(old).await?;
        let next = lock.rewrapped(new, &key)?;
        let stored = self
            .change_lock(&lock.key_id, |stored| {
                stored.version = stored.version.max(lock.version) + 1;
                stored.salt = next.salt.clone();
                stored.cost = next.cost;
                stored.wrapped = next.wrapped.clone();
                stored.failures = 0;
                stored.failed_ms = 0;
            })
            .await?;
        self.hold(key, &stored);
        Ok(())
    }

    /// Sets how many idle minutes lock the app.
    pub async fn set_idle_minutes(&self, minutes: u32) -> Result<(), StorageError> {
        let held = self.held().ok_or(StorageError::Locked)?;
        self.change_lock(&held.key_id, |lock| lock.idle_minutes = minutes)
            .await
            .map(drop)
    }

    /// Removes the PIN: every encrypted record is decrypted and the lock is
    /// deleted in one transaction.
    pub async fn remove_pin(&self, pin: &Pin) -> Result<(), StorageError> {
        let (key, lock) = self.key_for_pin(pin).await?;
        self.run(|db| {
            let (key, lock) = (&key, &lock);
            async move {
                let tx = writing(&db, PIN_STORES)?;
                let metas = idb(tx.object_store(stores::RESPONSES))?;
                let bodies = idb(tx.object_store(stores::ANSWERS))?;
                let settings = idb(tx.object_store(stores::SETTINGS))?;
                let cases = idb(tx.object_store(stores::CASES))?;
                let stored = idb(settings.get::<LockRecord, _, _>(LOCK_KEY).serde())?;
                let all_metas = idb(metas.get_all::<ResponseMeta>().serde())?;
                let all_bodies = idb(bodies.get_all::<Body>().serde())?;
                let all_cases = idb(cases.get_all::<CaseRecord>().serde())?;
                match idb(stored.await)? {
                    Some(stored) if stored.key_id == lock.key_id => {}
                    Some(_) => return Err(StorageError::Locked),
                    None => return Err(StorageError::PinState { set: false }),
                }
                let all_metas = idb(idb(all_metas.await)?.collect::<Result<Vec<_>, _>>())?;
                let mut all_bodies: std::collections::HashMap<String, Body> =
                    idb(idb(all_bodies.await)?.collect::<Result<Vec<_>, _>>())?
                        .into_iter()
                        .map(|body| (body.id.clone(), body))
                        .collect();
                for meta in all_metas {
                    let (meta, body) = match all_bodies.remove(&meta.id) {
                        Some(body) => body.unlock(meta, Some(key))?,
                        None => {
                            let meta = unlock_label(meta, Some(key))?;
                            let _meta = idb(metas.put(&meta).serde())?;
                            continue;
                        }
                    };
                    let _meta = idb(metas.put(&meta).serde())?;
                    let _body = idb(bodies.put(&body).serde())?;
                }
                for case in idb(idb(all_cases.await)?.collect::<Result<Vec<_>, _>>())? {
                    let _case = idb(cases.put(&case.unlock(Some(key))?).serde())?;
                }
                // The photos of drafts are decrypted with their answers, so
                // that none stays under a key that is about to be dropped.
                super::media::unlock_all(&tx, key).await?;
                let _lock = idb(settings.delete(LOCK_KEY).primitive())?;
                commit(tx).await
            }
        })
        .await?;
        self.lock();
        Ok(())
    }

    /// For a forgotten PIN: deletes every record that only the PIN could
    /// open (drafts, a finalized record not sealed yet, and the encrypted
    /// cases of the case list) and the lock, in one transaction. Sealed responses, exported ones and the export
    /// log stay. Gives how many records were deleted.
    pub async fn forget_pin(&self) -> Result<u32, StorageError> {
        let deleted = self
            .run(|db| async move {
                let tx = writing(&db, PIN_STORES)?;
                let metas = idb(tx.object_store(stores::RESPONSES))?;
                let bodies = idb(tx.object_store(stores::ANSWERS))?;
                let settings = idb(tx.object_store(stores::SETTINGS))?;
                let cases = idb(tx.object_store(stores::CASES))?;
                let all_metas = idb(metas.get_all::<ResponseMeta>().serde())?;
                let all_bodies = idb(bodies.get_all::<Body>().serde())?;
                let all_cases = idb(cases.get_all::<CaseRecord>().serde())?;
                let locked: std::collections::HashSet<String> =
                    idb(idb(all_bodies.await)?.collect::<Result<Vec<_>, _>>())?
                        .into_iter()
                        .filter(Body::is_locked)
                        .map(|body| body.id)
                        .collect();
                let mut deleted = 0;
                for mut meta in idb(idb(all_metas.await)?.collect::<Result<Vec<_>, _>>())? {
                    if locked.contains(&meta.id) {
                        let _meta = idb(metas.delete(meta.id.as_str()).primitive())?;
                        let _body = idb(bodies.delete(meta.id.as_str()).primitive())?;
                        deleted += 1;
                    } else if meta.sealed_label.take().is_some() {
                        let _meta = idb(metas.put(&meta).serde())?;
                    }
                }
                // A case's name and properties were encrypted with the key
                // that is lost, so its record goes too; the responses that
                // made it keep what was sealed for the data office.
                for case in idb(idb(all_cases.await)?.collect::<Result<Vec<_>, _>>())? {
                    if case.is_locked() {
                        let _case = idb(cases.delete(case.id.as_str()).primitive())?;
                    }
                }
                // The photos of the deleted records go with them, and any
                // other photo encrypted with the lost key, which nothing
                // can open any more; photos sealed for the data office stay.
                super::media::forget_locked(&tx, &locked).await?;
                let _lock = idb(settings.delete(LOCK_KEY).primitive())?;
                commit(tx).await?;
                Ok(deleted)
            })
            .await?;
        self.lock();
        self.inner.parked.borrow_mut().clear();
        Ok(deleted)
    }
}

impl Inner {
    /// Sends the open request and lets it run to its end on its own.
    fn start_opening(this: &Rc<Inner>) -> Rc<RefCell<Opening>> {
        let opening = Rc::new(RefCell::new(Opening::default()));
        let version = this.version;
        let on_blocked = {
            let opening = opening.clone();
            move |_event| {
                let mut opening = opening.borrow_mut();
                opening.blocked = true;
                opening.wake();
                Ok(())
            }
        };
        let request = Database::open(this.name.clone())
            .with_version(version)
            .with_on_blocked(on_blocked)
            .with_on_upgrade_needed_fut(move |event, db| async move {
                // Versions are small whole numbers stored as doubles.
                schema::upgrade(event.old_version() as u32, version, db).await
            });
        let weak = Rc::downgrade(this);
        let slot = opening.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = request.await.map_err(StorageError::from_open);
            match (&result, weak.upgrade()) {
                (Ok(db), Some(inner)) => {
                    Inner::watch(&inner, db);
                    *inner.state.borrow_mut() = State::Open(db.clone());
                }
                (Err(_), Some(inner)) => *inner.state.borrow_mut() = State::Closed,
                // Nobody holds the storage any more: let the connection go.
                (Ok(db), None) => db.clone().close(),
                (Err(_), None) => {}
            }
            let mut slot = slot.borrow_mut();
            slot.result = Some(result);
            slot.wake();
        });
        opening
    }

    /// Closes the connection when another tab asks to upgrade the database,
    /// and forgets it when the browser closes it, so that the next operation
    /// opens a fresh one.
    fn watch(this: &Rc<Inner>, db: &Database) {
        let raw: web_sys::IdbDatabase = db.as_sys().clone().into();
        let weak: Weak<Inner> = Rc::downgrade(this);
        let on_versionchange = Closure::<dyn FnMut(web_sys::Event)>::new({
            let (weak, raw) = (weak.clone(), raw.clone());
            move |_event| {
                raw.close();
                if let Some(inner) = weak.upgrade() {
                    inner.forget(&raw);
                }
            }
        });
        let on_close = Closure::<dyn FnMut(web_sys::Event)>::new({
            let raw = raw.clone();
            move |_event| {
                if let Some(inner) = weak.upgrade() {
                    inner.forget(&raw);
                }
            }
        });
        raw.set_onversionchange(Some(on_versionchange.as_ref().unchecked_ref()));
        raw.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        this.unwatch();
        *this.watched.borrow_mut() = Some(Watched {
            db: raw,
            _on_versionchange: on_versionchange,
            _on_close: on_close,
        });
    }

    /// Removes the handlers of the watched connection, so that they are
    /// never called after they are dropped.
    fn unwatch(&self) {
        if let Some(watched) = self.watched.borrow_mut().take() {
            watched.db.set_onversionchange(None);
            watched.db.set_onclose(None);
        }
    }

    /// Forgets the connection `raw` if it is the current one.
    fn forget(&self, raw: &web_sys::IdbDatabase) {
        let mut state = self.state.borrow_mut();
        if let State::Open(db) = &*state {
            let current: &web_sys::IdbDatabase = db.as_sys();
            if current == raw {
                *state = State::Closed;
            }
        }
    }
}
