//! Keeping the response being filled on the phone: its autosave
//! ([`Keeper`]) and what the save line says. Reopening a stored response is
//! `resume`; the drafts list and storage figures are the home screen's.
//!
//! **Boundary**: everything about IndexedDB stays in `storage`; this module
//! decides when to write and what the volunteer sees about it.
//!
//! **Invariant**: a write that fails leaves the answers on screen, says why,
//! and offers to try again; the next change tries again by itself.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::engine_bridge::FormSession;
use crate::i18n::{Lang, Words as _};
use crate::storage::{
    self, quota, FormRef, FormSource, Photo, Response, ResponseMeta, Status, Storage, StorageError,
    Written,
};

/// How long the autosave waits after a change before it writes, so that
/// typing a word costs one write rather than one per letter.
pub const AUTOSAVE_DELAY: Duration = Duration::from_millis(500);

/// How long after a form opens its source is printed and hashed, when its
/// first screen is drawn and the volunteer is still reading it.
const SOURCE_DELAY: Duration = Duration::from_millis(1500);

/// Counts the writes of this visit. Lists and counts read from storage
/// depend on it, so that they are read again after every write.
#[derive(Clone, Copy)]
pub struct Saved(RwSignal<u64>);

impl Saved {
    /// A fresh counter, provided once by the app.
    pub fn new() -> Saved {
        Saved(RwSignal::new(0))
    }

    /// Subscribes the current reactive scope to writes.
    pub fn track(self) {
        self.0.track();
    }

    pub fn bump(self) {
        self.0.try_update(|n| *n += 1);
    }
}

impl Default for Saved {
    fn default() -> Saved {
        Saved::new()
    }
}

/// What the line under the form's title says about saving.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveState {
    /// Nothing written yet in this visit of the screen.
    Quiet,
    /// A write is on its way.
    Saving,
    /// The last write is on the phone.
    Saved,
    /// The last write failed; the answers are still on screen.
    Failed(StorageError),
}

/// A stored response to continue, with the form it was started on.
#[derive(Clone)]
pub struct Resume {
    /// The response as stored.
    pub response: Response,
    /// The form to fill it with: the bundled one when it is the same, or the
    /// source kept when the response was started.
    pub form: Arc<yim_form::Form>,
    /// Set when the form is not the one the app bundles now.
    pub note: Option<VersionNote>,
}

/// Why a response opens with another form than the bundled one; the rules
/// that choose the form are `yim_app_core::reopen`'s.
pub use yim_app_core::reopen::VersionNote;

/// The autosave of one response on the form screen. It is `Copy`; its state
/// lives with the screen.
#[derive(Clone, Copy)]
pub struct Keeper {
    inner: StoredValue<Inner, LocalStorage>,
    /// What the save line shows.
    pub state: RwSignal<SaveState>,
    saved: Saved,
    /// Photos being made smaller: their answers are not set yet, so
    /// finalizing now would seal the response without them.
    pub shrinking: RwSignal<u32>,
}

struct Inner {
    fs: FormSession,
    page: RwSignal<usize>,
    /// The response as last handed to a write (answers and page included).
    response: Response,
    /// The draft JSON and page last handed to a write, to skip writes that
    /// would change nothing; `None` after a failure, so that the next
    /// save writes again.
    sent: Option<(serde_json::Value, usize)>,
    /// Whether the response is in the database (or on its way there).
    stored: bool,
    /// The form the response is filled with.
    form: Arc<yim_form::Form>,
    /// Whether the form's source is in the database (or on its way there).
    source_kept: bool,
    timer: Option<TimeoutHandle>,
    /// Counts writes, so that only the latest one's result is shown.
    writes: u64,
    /// Finalized: nothing is written any more.
    closed: bool,
    /// Where this screen's answers go if another tab changed the response
    /// meanwhile (`Storage::save`); a new one once it is used.
    copy_id: String,
    /// Photos taken on this screen and not written yet: the next write of
    /// the draft stores them in its own transaction.
    photos: Vec<Photo>,
}

/// A write the autosave prepared: its number, the response, the form's
/// source when it is not kept yet, and the photos taken since the last
/// write.
type Prepared = (u64, Response, Option<FormSource>, Vec<Photo>);

thread_local! {
    /// The keeper of the form screen that is open, for the lock to flush
    /// before it drops the key.
    static OPEN: std::cell::Cell<Option<Keeper>> = const { std::cell::Cell::new(None) };
    /// Whether persistence was asked for in this visit.
    static ASKED_PERSISTENCE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// What the autosave needs of the PIN lock, once the lock has started.
    static LOCK: std::cell::Cell<Option<LockHooks>> = const { std::cell::Cell::new(None) };
}

/// What the autosave needs to know of the PIN lock. The lock hands these
/// over when the app starts ([`set_lock_hooks`]), because the lock's screens
/// depend on the autosave (they flush it before locking) and the autosave
/// must not depend on them in return.
#[derive(Clone, Copy)]
pub struct LockHooks {
    /// A write was refused because this tab holds no key for the PIN set:
    /// the app locks and asks for the PIN.
    pub refused: fn(),
    /// Whether a PIN is set and this tab is unlocked.
    pub is_on: fn() -> bool,
}

/// Gives the autosave the lock's hooks; called once by the lock at start.
pub fn set_lock_hooks(hooks: LockHooks) {
    LOCK.with(|lock| lock.set(Some(hooks)));
}

fn lock_refused() {
    if let Some(hooks) = LOCK.with(std::cell::Cell::get) {
        (hooks.refused)();
    }
}

fn lock_is_on() -> bool {
    LOCK.with(std::cell::Cell::get)
        .is_some_and(|hooks| (hooks.is_on)())
}

impl Keeper {
    /// Keeps the response filled in `fs`: `resumed` when it was stored
    /// before, a new draft of `form` otherwise. Call it after the stored
    /// answers are loaded into `fs`, inside the form screen's owner: it
    /// saves at once when the page is hidden or closed and when the screen
    /// goes away.
    pub fn new(
        fs: FormSession,
        page: RwSignal<usize>,
        form: Arc<yim_form::Form>,
        resumed: Option<Response>,
    ) -> Keeper {
        let now = storage::now_ms();
        let (mut response, stored) = match resumed {
            Some(response) => (response, true),
            None => {
                // The form's hash is filled in by the first write: printing
                // and hashing a large form would delay its first question.
                let form_ref = FormRef {
                    id: form.id.clone(),
                    version: form.version.clone(),
                    hash: String::new(),
                };
                let mut draft =
                    Response::new_draft(&form_ref, &storage::settings::device_id(), now);
                draft.meta.form_hash = None;
                (draft, false)
            }
        };
        // This screen's writes are told apart from another tab's by this id.
        response.meta.writer = Some(storage::new_id());
        // A form that opens cases gives its case an id when the response is
        // started; it is stored with the draft, so a reload keeps the case.
        let opens_case = form.case.as_ref().is_some_and(|case| case.pick.is_none());
        if opens_case && response.meta.status == Status::Draft {
            let id = response.meta.case_id.get_or_insert_with(storage::new_id);
            fs.set_new_case_id(id);
        }
        let closed = response.meta.status != Status::Draft;
        // What the screen shows right after opening counts as written: only
        // a change makes a write.
        let sent = Some((fs.draft_json(), page.get_untracked()));
        let keeper = Keeper {
            shrinking: RwSignal::new(0),
            inner: StoredValue::new_local(Inner {
                fs,
                page,
                response,
                sent,
                stored,
                form,
                source_kept: false,
                timer: None,
                writes: 0,
                closed,
                copy_id: storage::new_id(),
                photos: Vec::new(),
            }),
            state: RwSignal::new(SaveState::Quiet),
            saved: expect_context::<Saved>(),
        };
        let hidden = window_event_listener(leptos::ev::visibilitychange, move |_| {
            if document().hidden() {
                keeper.save_now(false);
            }
        });
        let pagehide = window_event_listener(leptos::ev::pagehide, move |_| keeper.save_now(false));
        OPEN.with(|open| open.set(Some(keeper)));
        on_cleanup(move || {
            hidden.remove();
            pagehide.remove();
            keeper.save_now(false);
            OPEN.with(|open| {
                if open.get().is_some_and(|kept| kept.state == keeper.state) {
                    open.set(None);
                }
            });
        });
        if !closed {
            keeper.prepare_source_when_idle();
        }
        keeper
    }

    /// Whether the response was finalized (here or before it was opened).
    pub fn is_closed(self) -> bool {
        self.inner
            .try_with_value(|inner| inner.closed)
            .unwrap_or(true)
    }

    /// Something changed: save in [`AUTOSAVE_DELAY`] unless another change
    /// comes first.
    pub fn changed(self) {
        let Some(previous) = self.inner.try_update_value(|inner| inner.timer.take()) else {
            return;
        };
        if let Some(timer) = previous {
            timer.clear();
        }
        if self.is_closed() {
            return;
        }
        if let Ok(timer) = set_timeout_with_handle(move || self.save_now(false), AUTOSAVE_DELAY) {
            self.inner.update_value(|inner| inner.timer = Some(timer));
        }
    }

    /// Writes now what the screen shows, unless it is what was last
    /// written; `force` writes anyway (the Save draft button, Try again).
    pub fn save_now(self, force: bool) {
        let Some(write) = self
            .inner
            .try_update_value(|inner| Keeper::prepare(inner, force))
            .flatten()
        else {
            return;
        };
        self.write(write, None);
    }

    /// Takes what the screen shows now as the next write, if there is one.
    fn prepare(inner: &mut Inner, force: bool) -> Option<Prepared> {
        if let Some(timer) = inner.timer.take() {
            timer.clear();
        }
        if inner.closed {
            return None;
        }
        let answers = inner.fs.draft_json();
        let page = inner.page.get_untracked();
        let unchanged = inner
            .sent
            .as_ref()
            .is_some_and(|(a, p)| *a == answers && *p == page);
        if unchanged && !force && inner.photos.is_empty() {
            return None;
        }
        inner.response.answers = answers.clone();
        inner.response.meta.page = u32::try_from(page).unwrap_or(u32::MAX);
        inner.response.meta.updated_ms = storage::now_ms();
        inner.response.meta.label = label(inner.fs);
        Keeper::name_form(inner);
        inner.sent = Some((answers, page));
        inner.stored = true;
        inner.writes += 1;
        let source = Keeper::source_to_keep(inner);
        let photos = std::mem::take(&mut inner.photos);
        Some((inner.writes, inner.response.clone(), source, photos))
    }

    /// Keeps `photo`, just taken, for the next write of the draft, which
    /// the caller starts by naming it in the question's answer: the photo
    /// and the draft naming it are then written in one transaction.
    pub fn take_photo(self, photo: Photo) {
        self.inner.try_update_value(|inner| {
            inner.photos.retain(|kept| kept.name != photo.name);
            inner.photos.push(photo);
        });
    }

    /// The photos taken on this screen that no write has stored yet.
    pub fn unsaved_photos(self) -> Vec<Photo> {
        self.inner
            .try_with_value(|inner| inner.photos.clone())
            .unwrap_or_default()
    }

    /// Gives back photos whose write failed, for the next write to try
    /// again; any taken since stay after them.
    fn keep_unsaved(self, mut photos: Vec<Photo>) {
        self.inner.try_update_value(|inner| {
            photos.retain(|p| !inner.photos.iter().any(|kept| kept.name == p.name));
            photos.append(&mut inner.photos);
            inner.photos = photos;
        });
    }

    /// Gives a new draft the hash of its form, before it is first written.
    fn name_form(inner: &mut Inner) {
        if inner.response.meta.form_hash.is_none() {
            inner.response.meta.form_hash = Some(storage::printed(&inner.form).hash.clone());
        }
    }

    /// The form's source, when it is not kept yet; from then on it counts
    /// as kept, and a failed write marks it as not kept again.
    fn source_to_keep(inner: &mut Inner) -> Option<FormSource> {
        (!std::mem::replace(&mut inner.source_kept, true))
            .then(|| FormSource::of(&inner.form, storage::now_ms()))
    }

    /// Prints and hashes the form while the phone has nothing else to do,
    /// so that the first autosave does not pay for it in the middle of
    /// typing. The result is kept for the whole visit.
    fn prepare_source_when_idle(self) {
        let form = self.inner.with_value(|inner| Arc::clone(&inner.form));
        set_timeout(
            move || {
                storage::printed(&form);
            },
            SOURCE_DELAY,
        );
    }

    /// Starts a write. Writes start in the order they were prepared, and
    /// IndexedDB runs transactions on the same store in the order they
    /// began, so the latest state always lands last.
    fn write(self, (number, response, source, photos): Prepared, then: Option<Box<dyn FnOnce()>>) {
        if !self.told_of_copy() {
            self.state.try_set(SaveState::Saving);
        }
        let storage = Storage::app();
        if let Some(source) = source {
            // The form's source goes first, in its own transaction: a draft
            // needs it only when it is reopened after the form changed.
            let storage = storage.clone();
            spawn_local(async move {
                if let Err(error) = storage.save_form(&source).await {
                    leptos::logging::warn!("the form's source was not kept: {error}");
                    self.inner
                        .try_update_value(|inner| inner.source_kept = false);
                }
            });
        }
        let saved = self.saved;
        let copy_id = self.inner.with_value(|inner| inner.copy_id.clone());
        spawn_local(async move {
            let result = storage.save_with_photos(&response, &copy_id, &photos).await;
            saved.bump();
            let latest = self
                .inner
                .try_with_value(|inner| inner.writes == number)
                .unwrap_or(false);
            match result {
                Ok(written) => {
                    if let Written::AsCopy { meta, because } = written {
                        self.moved_to(meta, because);
                    } else {
                        if latest && !self.told_of_copy() {
                            self.state.try_set(SaveState::Saved);
                        }
                        self.name_in_address();
                    }
                    ask_persistence_once();
                    if let Some(then) = then {
                        then();
                    }
                }
                Err(error) => {
                    // The tab holds no key for the PIN set: storage keeps
                    // this write for the unlock, and the app locks.
                    if error == StorageError::Locked {
                        lock_refused();
                    } else {
                        // Storage kept nothing: the photos wait for the next
                        // write, which names them too.
                        self.keep_unsaved(photos);
                    }
                    self.inner.try_update_value(|inner| {
                        inner.sent = None;
                        // The copy's id was taken by a tab that changed the
                        // copy too: the next write makes a new copy.
                        if matches!(error, StorageError::Conflict { .. }) {
                            inner.copy_id = storage::new_id();
                        }
                    });
                    if latest {
                        self.state.try_set(SaveState::Failed(error));
                    }
                }
            }
        });
    }

    /// With a PIN set, the address of a new draft's screen names the
    /// response once it is stored, so that a reload (or unlocking after one)
    /// reopens this draft rather than a blank form.
    fn name_in_address(self) {
        let new_draft = matches!(
            crate::route::current_route(),
            crate::route::Route::Form(_) | crate::route::Route::FollowUp { .. }
        );
        if !lock_is_on() || !new_draft {
            return;
        }
        if let Some(id) = self
            .inner
            .try_with_value(|inner| inner.response.meta.id.clone())
        {
            crate::route::replace_url(&crate::route::Route::Response(id).to_hash());
        }
    }

    /// Another tab changed the response, and this screen's answers were
    /// stored as the draft `copy`: the screen goes on writing to the copy,
    /// and says what happened.
    fn moved_to(self, copy: ResponseMeta, because: StorageError) {
        let url = crate::route::Route::Response(copy.id.clone()).to_hash();
        let moved = self.inner.try_update_value(|inner| {
            // Writes that were already on their way land in the same copy
            // and report it again; only the first moves the screen.
            let moved = inner.response.meta.id != copy.id;
            if moved {
                inner.response.meta = copy;
                inner.copy_id = storage::new_id();
            }
            moved
        });
        if moved == Some(true) {
            crate::route::replace_url(&url);
        }
        self.state.try_set(SaveState::Failed(because));
    }

    /// Whether the save line tells of a copy made after a conflict; that
    /// stays on screen, since the volunteer is now filling in the copy.
    fn told_of_copy(self) -> bool {
        self.state
            .try_with_untracked(|state| {
                matches!(state, SaveState::Failed(StorageError::Conflict { .. }))
            })
            .unwrap_or(false)
    }

    /// The finalized response: what the screen shows, closed, with the
    /// engine's `data`. Nothing is written until [`Keeper::store_finalized`].
    pub fn finalized(self, data: serde_json::Value) -> Response {
        self.inner.with_value(|inner| {
            let mut response = inner.response.clone();
            response.answers = inner.fs.draft_json();
            response.meta.page = u32::try_from(inner.page.get_untracked()).unwrap_or(u32::MAX);
            response.meta.label = label(inner.fs);
            if response.meta.form_hash.is_none() {
                response.meta.form_hash = Some(storage::printed(&inner.form).hash.clone());
            }
            response.meta.status = Status::Finalized;
            response.meta.updated_ms = storage::now_ms();
            response.data = Some(data);
            response.case = inner.fs.case_change();
            response
        })
    }

    /// The id of the response this screen fills in.
    pub fn response_id(self) -> Option<String> {
        self.inner
            .try_with_value(|inner| inner.response.meta.id.clone())
    }

    /// Writes the finalized response, and in the same transaction folds
    /// what it did to its case (`case`) into the phone's case list and,
    /// when it is sealed, replaces its photos with `photos`, sealed with
    /// it; from then on nothing else is written. On failure the screen
    /// stays open with its answers and photos, and the error says why.
    pub async fn store_finalized(
        self,
        response: Response,
        case: Option<yim_form::case::CaseChange>,
        photos: Vec<yim_bundle::SealedAttachment>,
    ) -> Result<(), StorageError> {
        // No autosave may start after this point.
        let source = self
            .inner
            .try_update_value(|inner| {
                if let Some(timer) = inner.timer.take() {
                    timer.clear();
                }
                inner.closed = true;
                Keeper::source_to_keep(inner)
            })
            .flatten();
        self.state.try_set(SaveState::Saving);
        let storage = Storage::app();
        if let Some(source) = &source {
            if let Err(error) = storage.save_form(source).await {
                leptos::logging::warn!("the form's source was not kept: {error}");
            }
        }
        // A response sealed with photos loses its photos in clear in the
        // write that stores it; one that is not sealed keeps them as they
        // are, like its answers, with those taken since the last write.
        let sealed = response.sealed.is_some().then_some(photos.as_slice());
        let taken = self.unsaved_photos();
        let result = storage
            .put_finalized_with(&response, case.as_ref(), sealed, &taken)
            .await;
        if result.is_ok() {
            self.inner.try_update_value(|inner| inner.photos.clear());
        }
        self.saved.bump();
        match &result {
            Ok(()) => {
                self.state.try_set(SaveState::Quiet);
                ask_persistence_once();
            }
            Err(error) => {
                // Still a draft: autosave resumes, and the form source is
                // kept for the next try.
                self.inner.try_update_value(|inner| {
                    inner.closed = false;
                    inner.sent = None;
                    inner.source_kept = false;
                });
                self.state.try_set(SaveState::Failed(error.clone()));
                // Another tab changed the draft: nothing was finalized, and
                // the answers on screen are stored at once as a copy.
                if matches!(error, StorageError::Conflict { .. }) {
                    self.save_now(true);
                }
            }
        }
        result
    }
}

/// A short text that tells drafts apart in a list: the record's name as the
/// form defines it (`settings.instance_name`, such as the child's name and
/// place), cut to a list's width by `yim_app_core::label`.
fn label(fs: FormSession) -> Option<String> {
    // The name is only ever shown, so it takes the form's digits.
    yim_app_core::label::draft_label(fs.record_name().map(|name| fs.shown(&name)))
}

/// Writes what the open form screen shows, if it differs from what was last
/// written, and gives the id of its response once it is stored: the lock
/// calls this before it drops the key, so the write takes the key with it.
pub fn flush_open() -> Option<String> {
    let keeper = OPEN.with(std::cell::Cell::get)?;
    keeper.save_now(false);
    keeper
        .inner
        .try_with_value(|inner| inner.stored.then(|| inner.response.meta.id.clone()))
        .flatten()
}

/// Asks the browser once per visit to keep the app's data, after the first
/// successful write: only then is there something worth keeping.
fn ask_persistence_once() {
    if ASKED_PERSISTENCE.with(|asked| asked.replace(true)) {
        return;
    }
    spawn_local(async {
        let _ = quota::request_persistence().await;
    });
}

/// The note on a form screen that opened a response with another version
/// of the form than the bundled one.
pub fn version_note_text(note: &VersionNote, lang: Lang) -> String {
    let t = lang.text();
    match note {
        VersionNote::Older { version } => format!("{} {version}", t.older_version_note),
        VersionNote::Current { started } => format!(
            "{} {started}. {}",
            t.started_version, t.current_version_note
        ),
    }
}

/// What the save line says.
pub fn save_state_text(state: &SaveState, lang: Lang) -> String {
    let t = lang.text();
    match state {
        SaveState::Quiet => String::new(),
        SaveState::Saving => t.saving.to_string(),
        SaveState::Saved => t.draft_saved.to_string(),
        SaveState::Failed(error) => error.user_message(lang).to_string(),
    }
}
