//! The PIN lock as the volunteer sees it: the settings screen that sets,
//! changes and removes the PIN, the PIN screen shown instead of everything
//! else while the app is locked, and the idle timer that locks it.
//!
//! **Invariant**: while the app is locked, no screen that shows answers is
//! in the page: the app's `main` holds the PIN screen only, and this tab
//! holds no data key (`Storage::lock`). Before it locks, the open form's
//! unsaved answers are handed to a write that took the key when it started,
//! and a write refused for want of a key is kept and written at the next
//! unlock (`Storage::save`), so that locking never loses what was typed.
//!
//! Tabs: each tab holds its own key and locks on its own. A tab that sets,
//! changes, removes or forgets the PIN writes [`ANNOUNCE_KEY`] in
//! localStorage; the other tabs get a `storage` event, read the lock again
//! and ask for the PIN when their key no longer belongs to it. The check
//! that matters is in storage, though: every write reads the lock in its
//! own transaction and is refused when the tab's key is not the lock's.

use std::cell::RefCell;
use std::time::Duration;

use gloo_storage::{LocalStorage, Storage as _};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{Lang, Text, Words as _};
use crate::storage::lock::{Pin, PinProblem, DEFAULT_IDLE_MINUTES, IDLE_CHOICES};
use crate::storage::settings::{self, TokenProblem};
use crate::storage::{Storage, StorageError};
use crate::upload;

/// The localStorage key a tab writes after changing the lock, so that the
/// other tabs look at it again.
pub const ANNOUNCE_KEY: &str = "yim.lock";

/// Where the app is with the lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// The lock is being read, just after the app opened.
    Checking,
    /// No PIN is set.
    Off,
    /// A PIN is set and this tab has no key: only the PIN screen shows.
    Locked,
    /// A PIN is set and this tab is unlocked.
    Open,
}

/// The app's lock state and idle timer, provided once by the app.
#[derive(Clone, Copy)]
pub struct LockGate {
    /// Where the app is with the lock.
    pub state: RwSignal<Gate>,
    /// The idle time of the stored lock, in minutes.
    pub idle_minutes: RwSignal<u32>,
    timer: StoredValue<Option<TimeoutHandle>, leptos::prelude::LocalStorage>,
}

thread_local! {
    /// The app's gate, for the autosave, which learns of a lock from a
    /// refused write outside any component.
    static GATE: RefCell<Option<LockGate>> = const { RefCell::new(None) };
}

impl LockGate {
    /// Makes the gate, provides it as context, reads the stored lock and
    /// starts watching for activity and for other tabs.
    pub fn provide() -> LockGate {
        let gate = LockGate {
            state: RwSignal::new(Gate::Checking),
            idle_minutes: RwSignal::new(DEFAULT_IDLE_MINUTES),
            timer: StoredValue::new_local(None),
        };
        provide_context(gate);
        GATE.with(|slot| *slot.borrow_mut() = Some(gate));
        crate::drafts::set_lock_hooks(crate::drafts::LockHooks { refused, is_on });
        gate.recheck();
        // Any touch or key press counts as use and starts the idle time
        // again.
        let listeners = [
            window_event_listener(leptos::ev::pointerdown, move |_| gate.touch()),
            window_event_listener(leptos::ev::keydown, move |_| gate.touch()),
            window_event_listener(leptos::ev::input, move |_| gate.touch()),
            window_event_listener(leptos::ev::touchstart, move |_| gate.touch()),
        ];
        let other_tab = window_event_listener(leptos::ev::storage, move |event| {
            if event.key().as_deref() == Some(ANNOUNCE_KEY) {
                gate.recheck();
            }
        });
        on_cleanup(move || {
            for listener in listeners {
                listener.remove();
            }
            other_tab.remove();
        });
        gate
    }

    /// Reads the stored lock and puts the app in the matching state: locked
    /// when a PIN is set and this tab's key is not the current lock's.
    pub fn recheck(self) {
        spawn_local(async move {
            let storage = Storage::app();
            match storage.lock_status().await {
                Ok(status) => match status.version {
                    None => {
                        storage.lock();
                        self.set(Gate::Off);
                    }
                    Some(_) => {
                        self.idle_minutes.try_set(status.idle_minutes);
                        let current = status.unlocked && !status.stale;
                        match self.state.get_untracked() {
                            Gate::Checking if !current => self.set(Gate::Locked),
                            Gate::Checking | Gate::Off if current => self.set(Gate::Open),
                            Gate::Open | Gate::Off if !current => self.lock_now(),
                            _ => {}
                        }
                    }
                },
                // Without a readable database there is nothing to lock; the
                // screens report the storage error themselves.
                Err(error) => {
                    leptos::logging::warn!("the PIN lock could not be read: {error}");
                    if self.state.get_untracked() == Gate::Checking {
                        self.set(Gate::Off);
                    }
                }
            }
        });
    }

    fn set(self, gate: Gate) {
        if self.state.get_untracked() != gate {
            self.state.try_set(gate);
        }
        self.touch();
    }

    /// The volunteer did something: the idle time starts again.
    pub fn touch(self) {
        if let Some(Some(timer)) = self.timer.try_update_value(Option::take) {
            timer.clear();
        }
        if self.state.get_untracked() != Gate::Open {
            return;
        }
        let minutes = u64::from(self.idle_minutes.get_untracked().max(1));
        if let Ok(timer) =
            set_timeout_with_handle(move || self.lock_now(), Duration::from_secs(minutes * 60))
        {
            self.timer.try_update_value(|slot| *slot = Some(timer));
        }
    }

    /// Locks the app now: the open form's answers are written first, the
    /// address is made to name the response so that unlocking reopens it,
    /// then the key is dropped and the PIN screen replaces every screen.
    pub fn lock_now(self) {
        if matches!(self.state.get_untracked(), Gate::Locked | Gate::Checking) {
            return;
        }
        if let Some(id) = crate::drafts::flush_open() {
            let route = crate::route::Route::Response(id);
            if crate::route::current_route() != route {
                crate::route::replace_url(&route.to_hash());
            }
        }
        // The flush's write took the key when it started; tasks run in the
        // order they were spawned, so the key is dropped after that.
        spawn_local(async move {
            Storage::app().lock();
            self.set(Gate::Locked);
        });
    }
}

/// A write was refused because this tab holds no key for the stored lock:
/// the app locks and asks for the PIN.
pub fn refused() {
    if let Some(gate) = GATE.with(|slot| *slot.borrow()) {
        gate.lock_now();
    }
}

/// Whether a PIN is set and this tab is unlocked.
pub fn is_on() -> bool {
    GATE.with(|slot| *slot.borrow())
        .is_some_and(|gate| gate.state.get_untracked() == Gate::Open)
}

/// Tells the other tabs that the lock changed.
fn announce() {
    let _ = LocalStorage::set(ANNOUNCE_KEY, crate::storage::new_id());
}

/// The words for why a text is not a PIN.
fn problem_text(problem: PinProblem, t: &Text) -> &'static str {
    match problem {
        PinProblem::TooShort => t.pin_too_short,
        PinProblem::TooLong => t.pin_too_long,
        PinProblem::NotDigits => t.pin_not_digits,
    }
}

/// What the screen says about a failed PIN operation.
fn error_text(error: &StorageError, lang: Lang) -> String {
    let t = lang.text();
    match error {
        StorageError::WrongPin { wait_ms } if *wait_ms > 0 => format!(
            "{} {} {} {}",
            error.user_message(lang),
            t.wait_before,
            wait_ms.div_ceil(1000),
            t.seconds
        ),
        _ => error.user_message(lang).to_string(),
    }
}

/// A PIN field: digits on a phone's number pad, never shown, never
/// remembered by the browser.
fn pin_field(id: &'static str, label: &'static str, value: RwSignal<String>) -> impl IntoView {
    secret_field(id, label, value, true)
}

/// A labelled field for a secret that is typed or pasted: a PIN (`digits`,
/// on the number pad) or the intake's upload code.
fn secret_field(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    digits: bool,
) -> impl IntoView {
    view! {
        <div class="pin-field">
            <label for=id>{label}</label>
            <input
                id=id
                type="password"
                inputmode=digits.then_some("numeric")
                autocomplete="off"
                autocapitalize="off"
                spellcheck="false"
                maxlength=if digits { "24" } else { "256" }
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}

/// The screen shown instead of every other while the app is locked.
#[component]
pub fn PinScreen() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let gate = expect_context::<LockGate>();
    let pin = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let forgetting = RwSignal::new(false);

    let unlock = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let lang = lang.get_untracked();
        let typed = match Pin::new(&pin.get_untracked()) {
            Ok(typed) => typed,
            Err(problem) => {
                error.set(Some(problem_text(problem, lang.text()).to_string()));
                return;
            }
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = Storage::app().unlock(&typed).await;
            busy.try_set(false);
            match result {
                Ok(()) => {
                    pin.try_set(String::new());
                    gate.set(Gate::Open);
                }
                Err(StorageError::PinState { set: false }) => gate.recheck(),
                Err(failure) => {
                    pin.try_set(String::new());
                    error.try_set(Some(error_text(&failure, lang)));
                }
            }
        });
    };

    let forget = move |_| {
        busy.set(true);
        spawn_local(async move {
            let result = Storage::app().forget_pin().await;
            busy.try_set(false);
            match result {
                Ok(deleted) => {
                    announce();
                    leptos::logging::log!("forgotten PIN: {deleted} records deleted");
                    // The screen the app was locked on may show a draft that
                    // is gone now: the app opens on the list of forms.
                    crate::route::replace_url(&crate::route::Route::Home.to_hash());
                    gate.set(Gate::Off);
                }
                Err(failure) => {
                    error.try_set(Some(error_text(&failure, lang.get_untracked())));
                }
            }
        });
    };

    view! {
        <section class="pin-screen" aria-labelledby="pin-heading">
            <h1 id="pin-heading" tabindex="-1">{move || lang.get().text().locked_heading}</h1>
            <form class="pin-form" on:submit=unlock>
                {move || pin_field("unlock-pin", lang.get().text().pin_label, pin)}
                <button type="submit" class="btn primary" disabled=move || busy.get()>
                    {move || if busy.get() { lang.get().text().checking_pin } else { lang.get().text().unlock }}
                </button>
            </form>
            {move || error.get().map(|text| view! { <p class="error" role="alert">{text}</p> })}
            <Show
                when=move || forgetting.get()
                fallback=move || view! {
                    <button type="button" class="btn link" on:click=move |_| forgetting.set(true)>
                        {move || lang.get().text().forgot_pin}
                    </button>
                }
            >
                <div class="confirm forgot" role="alertdialog" aria-labelledby="forgot-text">
                    <p id="forgot-text">{move || lang.get().text().forgot_explain}</p>
                    <button type="button" class="btn danger primary" disabled=move || busy.get() on:click=forget>
                        {move || lang.get().text().forgot_confirm}
                    </button>
                    <button type="button" class="btn" on:click=move |_| forgetting.set(false)>
                        {move || lang.get().text().cancel}
                    </button>
                </div>
            </Show>
        </section>
    }
}

/// The settings screen (`#/settings`): the PIN, and how soon the app locks.
#[component]
pub fn Settings() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let gate = expect_context::<LockGate>();
    let message = RwSignal::new(None::<&'static str>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let (first, second, current, removing) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let clear = move || {
        for field in [first, second, current, removing] {
            field.try_set(String::new());
        }
    };

    // Reads both new fields, or says what is wrong with them.
    let new_pin = move || -> Option<Pin> {
        let t = lang.get_untracked().text();
        let typed = first.get_untracked();
        match Pin::new(&typed) {
            Err(problem) => {
                error.set(Some(problem_text(problem, t).to_string()));
                None
            }
            Ok(_) if typed.trim() != second.get_untracked().trim() => {
                error.set(Some(t.pin_mismatch.to_string()));
                None
            }
            Ok(pin) => Some(pin),
        }
    };
    let current_pin = move |field: RwSignal<String>| -> Option<Pin> {
        match Pin::new(&field.get_untracked()) {
            Ok(pin) => Some(pin),
            Err(problem) => {
                error.set(Some(
                    problem_text(problem, lang.get_untracked().text()).to_string(),
                ));
                None
            }
        }
    };
    // Runs one PIN operation, then says how it went.
    let run = move |done: &'static str,
                    then: Gate,
                    op: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), StorageError>>>,
    >| {
        busy.set(true);
        error.set(None);
        message.set(None);
        spawn_local(async move {
            let result = op.await;
            busy.try_set(false);
            match result {
                Ok(()) => {
                    clear();
                    announce();
                    message.try_set(Some(done));
                    gate.set(then);
                    gate.recheck();
                }
                Err(failure) => {
                    error.try_set(Some(error_text(&failure, lang.get_untracked())));
                }
            }
        });
    };

    let set_pin = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(pin) = new_pin() else { return };
        let done = lang.get_untracked().text().pin_set_done;
        run(
            done,
            Gate::Open,
            Box::pin(async move { Storage::app().set_pin(&pin).await }),
        );
    };
    let change_pin = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(old) = current_pin(current) else {
            return;
        };
        let Some(new) = new_pin() else { return };
        let done = lang.get_untracked().text().pin_changed;
        run(
            done,
            Gate::Open,
            Box::pin(async move { Storage::app().change_pin(&old, &new).await }),
        );
    };
    let remove_pin = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(old) = current_pin(removing) else {
            return;
        };
        let done = lang.get_untracked().text().pin_removed;
        run(
            done,
            Gate::Off,
            Box::pin(async move { Storage::app().remove_pin(&old).await }),
        );
    };
    let choose_idle = move |ev: leptos::ev::Event| {
        let Ok(minutes) = event_target_value(&ev).parse::<u32>() else {
            return;
        };
        spawn_local(async move {
            match Storage::app().set_idle_minutes(minutes).await {
                Ok(()) => {
                    gate.idle_minutes.try_set(minutes);
                    gate.touch();
                }
                Err(failure) => {
                    error.try_set(Some(error_text(&failure, lang.get_untracked())));
                }
            }
        });
    };

    view! {
        <section class="settings">
            <h1 tabindex="-1">{move || lang.get().text().settings}</h1>
            <h2>{move || lang.get().text().pin_heading}</h2>
            {move || message.get().map(|text| view! { <p class="done-note" role="status">{text}</p> })}
            {move || error.get().map(|text| view! { <p class="error" role="alert">{text}</p> })}
            {move || {
                let t = lang.get().text();
                if gate.state.get() == Gate::Off {
                    view! {
                        <div class="pin-off">
                            <p>{t.pin_intro}</p>
                            <p class="warning" role="note">{t.pin_warning}</p>
                            <form class="pin-form" on:submit=set_pin>
                                {pin_field("new-pin", t.new_pin, first)}
                                {pin_field("repeat-pin", t.repeat_pin, second)}
                                <button type="submit" class="btn primary" disabled=move || busy.get()>{t.set_pin}</button>
                            </form>
                        </div>
                    }
                    .into_any()
                } else {
                    let idle = gate.idle_minutes.get_untracked();
                    view! {
                        <div class="pin-on">
                            <p>{t.pin_on}</p>
                            <p class="warning" role="note">{t.pin_warning}</p>
                            <div class="pin-field">
                                <label for="idle-minutes">{t.idle_label}</label>
                                <select id="idle-minutes" on:change=choose_idle>
                                    {IDLE_CHOICES.iter().map(|minutes| view! {
                                        <option value=minutes.to_string() selected=*minutes == idle>
                                            {format!("{minutes} {}", t.minutes)}
                                        </option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <p><button type="button" class="btn" on:click=move |_| gate.lock_now()>{t.lock_now}</button></p>
                            <form class="pin-form" on:submit=change_pin>
                                <h3>{t.change_pin}</h3>
                                {pin_field("current-pin", t.current_pin, current)}
                                {pin_field("new-pin", t.new_pin, first)}
                                {pin_field("repeat-pin", t.repeat_pin, second)}
                                <button type="submit" class="btn primary" disabled=move || busy.get()>{t.change_pin}</button>
                            </form>
                            <form class="pin-form" on:submit=remove_pin>
                                <h3>{t.remove_pin}</h3>
                                <p>{t.remove_pin_note}</p>
                                {pin_field("remove-pin", t.current_pin, removing)}
                                <button type="submit" class="btn danger" disabled=move || busy.get()>{t.remove_pin}</button>
                            </form>
                        </div>
                    }
                    .into_any()
                }
            }}
            <UploadCode/>
            <p><a href="#/">{move || lang.get().text().all_forms}</a></p>
        </section>
    }
}

/// The settings' section for the upload code, shown when the deployment
/// has an intake. The field is emptied as soon as the code is saved, so the
/// code stays in the page only while it is typed; the page then says only
/// whether a code is kept, never which.
#[component]
fn UploadCode() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let typed = RwSignal::new(String::new());
    let have = RwSignal::new(settings::upload_token().is_some());
    let message = RwSignal::new(None::<&'static str>);
    let error = RwSignal::new(None::<&'static str>);

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = lang.get_untracked().text();
        message.set(None);
        match settings::set_upload_token(&typed.get_untracked()) {
            Ok(()) => {
                typed.set(String::new());
                have.set(true);
                error.set(None);
                message.set(Some(t.upload_saved));
                // A bundle refused for its code is sent again with the new
                // one, and everything that waits goes now.
                spawn_local(async move {
                    if let Err(failure) = Storage::app()
                        .requeue_rejected(crate::storage::now_ms())
                        .await
                    {
                        web_sys::console::warn_1(
                            &format!("putting refused uploads back: {failure}").into(),
                        );
                    }
                    upload::kick(true);
                });
            }
            Err(problem) => error.set(Some(match problem {
                TokenProblem::Empty => t.upload_empty,
                TokenProblem::Malformed => t.upload_malformed,
                TokenProblem::NotStored => t.upload_not_stored,
            })),
        }
    };
    let forget = move |_| {
        settings::forget_upload_token();
        have.set(false);
        error.set(None);
        message.set(Some(lang.get_untracked().text().upload_forgotten));
    };

    view! {
        <Show when=upload::has_intake>
            <section class="upload-code">
                <h2>{move || lang.get().text().upload_heading}</h2>
                <p>{move || lang.get().text().upload_intro}</p>
                {move || message.get().map(|text| view! { <p class="done-note" role="status">{text}</p> })}
                {move || error.get().map(|text| view! { <p class="error" role="alert">{text}</p> })}
                <p class="meta">
                    {move || {
                        let t = lang.get().text();
                        if have.get() { t.upload_have } else { t.upload_none }
                    }}
                </p>
                <form class="pin-form" on:submit=save>
                    {move || secret_field("upload-token", lang.get().text().upload_label, typed, false)}
                    <button type="submit" class="btn primary">{move || lang.get().text().upload_save}</button>
                </form>
                <Show when=move || have.get()>
                    <p>
                        <button type="button" class="btn" on:click=forget>
                            {move || lang.get().text().upload_forget}
                        </button>
                    </p>
                </Show>
            </section>
        </Show>
    }
}
