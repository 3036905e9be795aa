//! The one place where the app meets `yim-engine`.
//!
//! The engine is plain Rust with no notion of signals: a `Session` takes
//! commands and returns the keys of the nodes whose view changed. This
//! module keeps the session in a `StoredValue` and keeps one trigger per
//! key, so that a command re-renders only the questions it changed, however
//! long the form. Removing an entry is no exception: the engine names every
//! node of the entries that moved or went, so no path is searched here.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use yim_engine::{Changes, Clock, CompiledForm, Date, DateTime, Pager, Properties, Session};
use yim_form::{Diagnostic, Form};

pub use yim_engine::{
    ChoiceView, Forward, InstanceView, NodeKey, NodeKind, NodeView, Page, Problem, Turn,
};

/// Compiles a form for filling. `None` means the form has errors that stop
/// it from being filled; the diagnostics say which.
pub fn compile(form: &Form) -> (Option<Arc<CompiledForm>>, Vec<Diagnostic>) {
    yim_engine::compile(form)
}

/// Compiles a form that the catalog keeps, sharing it instead of copying
/// its choice lists (8,600 address choices in the national form).
pub fn compile_shared(form: &Arc<Form>) -> (Option<Arc<CompiledForm>>, Vec<Diagnostic>) {
    yim_engine::compile_shared(Arc::clone(form))
}

/// The clock of this browser: today's local date, the current instant with
/// the local UTC offset, and fresh random bits for `uuid()`.
pub fn browser_clock() -> Clock {
    let now = js_sys::Date::new_0();
    // getTimezoneOffset is UTC minus local time, so Thailand gives -420.
    let offset = -(now.get_timezone_offset() as i16);
    let today = Date::from_ymd(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .expect("the browser's own date is a valid date");
    Clock {
        today,
        now: DateTime::from_ms(now.get_time() as i64, offset),
        seed: random_seed(),
    }
}

/// Sixty-four random bits from the browser's cryptographic generator.
fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if filled {
        u64::from_le_bytes(bytes)
    } else {
        // Without Web Crypto the time still separates two devices' uuids.
        js_sys::Date::now().to_bits() ^ (js_sys::Math::random().to_bits() << 1)
    }
}

/// The local UTC offset as ISO 8601 text (`+07:00`), added to the value of a
/// `datetime-local` input, which has none, before the engine reads it.
pub fn local_offset() -> String {
    let minutes = -(js_sys::Date::new_0().get_timezone_offset() as i32);
    let sign = if minutes < 0 { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", minutes.abs() / 60, minutes.abs() % 60)
}

/// One response being filled, shared by every component of the form screen.
/// It is `Copy`: every field holds the same handles.
#[derive(Clone, Copy)]
pub struct FormSession {
    session: StoredValue<Session, LocalStorage>,
    /// Fires when the node with a key may look different.
    nodes: StoredValue<HashMap<NodeKey, ArcTrigger>>,
    /// Fires when the list of entries of the repeat with a key changed.
    repeats: StoredValue<HashMap<NodeKey, ArcTrigger>>,
    /// Fires after every command, for views of the whole response (the list
    /// of problems that block finalizing).
    revision: StoredValue<ArcTrigger>,
    /// Where the person is in the form's pages, and which they have seen.
    pager: StoredValue<Pager, LocalStorage>,
    /// Whether the form asks for numbers to be shown with Thai digits
    /// (`settings.thai_digits`); see [`FormSession::shown`].
    thai_digits: bool,
}

/// What the page buttons show, as it is now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nav {
    /// "Page X of Y", among the pages shown.
    pub position: (usize, usize),
    /// Whether Back has somewhere to go.
    pub back: bool,
    /// What the forward button does.
    pub forward: Forward,
    /// Whether "go on anyway" may leave the current page: a later page is
    /// shown and the page's only problems are answers not given yet.
    pub may_skip: bool,
}

impl FormSession {
    /// Starts an empty response in `lang`.
    pub fn new(form: Arc<CompiledForm>, lang: &str) -> FormSession {
        let mut session = Session::new(form, browser_clock());
        session.set_language(lang);
        // What `property('deviceid')` and `property('username')` read (ODK's
        // `deviceid` and `username`): the id every record of this phone
        // carries, and the name the volunteer gave in the app.
        session.set_properties(Properties {
            device_id: crate::storage::settings::device_id(),
            username: crate::storage::settings::volunteer_name().unwrap_or_default(),
            end: None,
        });
        let pager = Pager::new(&session, 0);
        let thai_digits = session.form().form.settings.thai_digits;
        FormSession {
            session: StoredValue::new_local(session),
            nodes: StoredValue::new(HashMap::new()),
            repeats: StoredValue::new(HashMap::new()),
            revision: StoredValue::new(ArcTrigger::new()),
            pager: StoredValue::new_local(pager),
            thai_digits,
        }
    }

    /// `text` as the screen shows it: with Thai digits when the form asks
    /// for them, unchanged otherwise. Only what is shown goes through here;
    /// answers, and what is sent back to the engine, keep ASCII digits, and
    /// the engine reads either kind from what a volunteer types.
    pub fn shown(self, text: &str) -> String {
        if self.thai_digits {
            yim_engine::thai::to_thai_digits(text)
        } else {
            text.to_string()
        }
    }

    /// The form's pages, in order.
    pub fn pages(self) -> Vec<Page> {
        self.session.with_value(|s| s.form().pages().to_vec())
    }

    /// Starts the pages at `page` (a draft reopens where it was left), or
    /// at the nearest page shown; returns the page that shows.
    pub fn start_at(self, page: usize) -> usize {
        let pager = self.session.with_value(|s| Pager::new(s, page));
        let current = pager.current();
        self.pager.set_value(pager);
        current
    }

    /// The page buttons' state; the caller re-runs after every command.
    pub fn nav(self) -> Nav {
        self.revision.with_value(ArcTrigger::track);
        self.session.with_value(|s| {
            self.pager.with_value(|pager| {
                let next = pager.next_shown(s);
                Nav {
                    position: pager.position(s),
                    back: pager.previous_shown(s).is_some(),
                    forward: pager.forward(s),
                    may_skip: next.is_some_and(|_| {
                        s.page_problems(pager.current()).iter().all(|p| p.missing)
                    }),
                }
            })
        })
    }

    /// Next: checks the current page, whose errors show from now on, and
    /// moves on only when it has no problem.
    pub fn next_page(self) -> Turn {
        let result = self.session.try_update_value(|s| {
            self.pager
                .try_update_value(|pager| pager.next(s))
                .expect("the pager lives as long as the session")
        });
        match result {
            Some((changes, turn)) => {
                self.apply(changes);
                turn
            }
            None => Turn::Last,
        }
    }

    /// "Go on anyway": the next page, when the current page may be left
    /// with its missing answers.
    pub fn skip_page(self) -> Option<usize> {
        self.session
            .with_value(|s| self.pager.try_update_value(|pager| pager.skip(s)))
            .flatten()
    }

    /// Back: the previous page shown, without checking this one.
    pub fn back_page(self) -> Option<usize> {
        self.session
            .with_value(|s| self.pager.try_update_value(|pager| pager.back(s)))
            .flatten()
    }

    /// Opens `page` from a problem's link: its errors show.
    pub fn open_page(self, page: usize) -> usize {
        let result = self.session.try_update_value(|s| {
            self.pager
                .try_update_value(|pager| (pager.open(s, page), pager.current()))
        });
        match result.flatten() {
            Some((changes, current)) => {
                self.apply(changes);
                current
            }
            None => page,
        }
    }

    /// The problems of page `page` as they are now; the caller re-runs after
    /// every command.
    pub fn page_problems(self, page: usize) -> Vec<Problem> {
        self.revision.with_value(ArcTrigger::track);
        self.session.with_value(|s| s.page_problems(page))
    }

    /// The record's name for lists (`settings.instance_name`).
    pub fn record_name(self) -> Option<String> {
        self.session.try_with_value(|s| s.instance_name()).flatten()
    }

    /// Subscribes the current reactive scope to the trigger of `key` in
    /// `map`, made on first use.
    fn track_key(map: StoredValue<HashMap<NodeKey, ArcTrigger>>, key: NodeKey) {
        let trigger = map.with_value(|m| m.get(&key).cloned());
        let trigger = trigger.unwrap_or_else(|| {
            let trigger = ArcTrigger::new();
            map.update_value(|m| {
                m.insert(key, trigger.clone());
            });
            trigger
        });
        trigger.track();
    }

    /// Subscribes the current reactive scope to entries being added to or
    /// removed from the repeat at `path`, and to the entry holding it
    /// moving or going.
    pub fn track_entries(self, path: &str) {
        if let Some(key) = self.session.with_value(|s| s.key(path)) {
            FormSession::track_key(self.repeats, key);
        }
    }

    /// Wakes exactly the components whose view a command changed.
    fn apply(self, changes: Changes) {
        let notify = |map: StoredValue<HashMap<NodeKey, ArcTrigger>>, keys: &[NodeKey]| {
            let triggers: Vec<ArcTrigger> =
                map.with_value(|m| keys.iter().filter_map(|k| m.get(k).cloned()).collect());
            for trigger in triggers {
                trigger.notify();
            }
        };
        notify(self.nodes, &changes.changed);
        notify(self.repeats, &changes.repeats);
        self.revision.with_value(ArcTrigger::notify);
    }

    /// Wakes every node, for changes that touch every label or error.
    fn notify_all(self) {
        let triggers: Vec<ArcTrigger> = self.nodes.with_value(|m| m.values().cloned().collect());
        for trigger in triggers {
            trigger.notify();
        }
        self.revision.with_value(ArcTrigger::notify);
    }

    /// The current view of the node at `path`, reading the trigger so that
    /// the caller re-runs when it changes.
    pub fn node(self, path: &str) -> Option<NodeView> {
        let view = self.session.with_value(|s| s.node(path))?;
        FormSession::track_key(self.nodes, view.key);
        Some(view)
    }

    /// The current view of a node without subscribing to it; `None` also
    /// once the form is closed.
    pub fn node_untracked(self, path: &str) -> Option<NodeView> {
        self.session.try_with_value(|s| s.node(path)).flatten()
    }

    /// The current view of a group or repeat without its questions or
    /// entries, reading the trigger so that the caller re-runs when it
    /// changes. Its cost does not grow with what the node holds.
    pub fn node_shallow(self, path: &str) -> Option<NodeView> {
        let view = self.session.with_value(|s| s.node_shallow(path))?;
        FormSession::track_key(self.nodes, view.key);
        Some(view)
    }

    /// The number of entries of the repeat at `path`, without subscribing
    /// (see [`FormSession::track_entries`]).
    pub fn repeat_len(self, path: &str) -> usize {
        self.session.with_value(|s| s.repeat_len(path).unwrap_or(0))
    }

    /// The view of one repeat entry (`household[2]`), without subscribing.
    pub fn entry(self, path: &str) -> Option<InstanceView> {
        self.session.with_value(|s| s.entry(path))
    }

    /// Answers a question with the text as typed.
    pub fn answer(self, path: &str, raw: &str) {
        let result = self.session.try_update_value(|s| s.answer(path, raw));
        self.finish(result);
    }

    /// Answers a `select_multiple` question with the chosen names.
    pub fn answer_multi(self, path: &str, names: &[String]) {
        let result = self
            .session
            .try_update_value(|s| s.answer_multi(path, names));
        self.finish(result);
    }

    /// Marks a question as visited, so its error shows.
    ///
    /// Leaving the form removes the focused control, and the browser then
    /// sends it a blur after the form is gone: that visit is simply
    /// dropped.
    pub fn touch(self, path: &str) {
        if let Some(result) = self.session.try_update_value(|s| s.touch(path)) {
            self.finish(Some(result));
        }
    }

    /// Adds an entry at the end of the repeat at `path`.
    pub fn add_entry(self, path: &str) {
        let result = self.session.try_update_value(|s| s.add_repeat(path));
        self.finish(result);
    }

    /// Removes the repeat entry at `path` (`household[2]`).
    ///
    /// The entries after it move up one place, so the path of each of their
    /// questions now names another entry. The views of a repeat's entries
    /// are kept by path; the engine names the nodes of the removed entry and
    /// of those that moved, which wakes exactly the views that now show
    /// another entry (or none).
    pub fn remove_entry(self, path: &str) {
        let result = self.session.try_update_value(|s| s.remove_repeat(path));
        self.finish(result);
    }

    fn finish(self, result: Option<Result<Changes, yim_engine::AnswerError>>) {
        match result {
            Some(Ok(changes)) => self.apply(changes),
            // The controls only offer commands the engine accepts (read-only
            // questions are read-only inputs, fixed repeats have no buttons),
            // so a refusal is a bug worth seeing in the console.
            Some(Err(error)) => leptos::logging::error!("{error}"),
            None => leptos::logging::error!("the form was closed while it was being answered"),
        }
    }

    /// Switches the language of labels, hints, choices and messages.
    pub fn set_language(self, lang: &str) {
        let switched = self.session.try_update_value(|s| {
            let switched = s.language() != lang;
            s.set_language(lang);
            switched
        });
        if switched == Some(true) {
            self.notify_all();
        }
    }

    /// Records now as the time of finalizing, which `property('end')` reads
    /// (ODK's `end`). Called just before the answers are taken for the
    /// finalized record, so the time travels with them.
    pub fn mark_end(self) {
        let changes = self.session.try_update_value(|s| {
            let mut props = s.properties().clone();
            props.end = Some(browser_clock().now);
            s.set_properties(props)
        });
        if let Some(changes) = changes {
            self.apply(changes);
        }
    }

    /// Tries to finalize: the problems that block finalizing are returned
    /// (none means it may be finalized), and the errors of the pages seen
    /// so far show from now on.
    pub fn finalize_problems(self) -> Vec<Problem> {
        let result = self.session.try_update_value(|s| {
            self.pager
                .try_with_value(|pager| pager.finalize(s))
                .expect("the pager lives as long as the session")
        });
        match result {
            Some((changes, problems)) => {
                self.apply(changes);
                problems
            }
            None => Vec::new(),
        }
    }

    /// The problems that block finalizing, as they are now; the caller
    /// re-runs after every command.
    pub fn problems(self) -> Vec<Problem> {
        self.revision.with_value(ArcTrigger::track);
        self.session.with_value(|s| s.problems())
    }

    /// Subscribes the current reactive scope to every command, for the
    /// autosave (which then checks whether the answers really changed).
    pub fn track_changes(self) {
        self.revision.with_value(ArcTrigger::track);
    }

    /// The response's data, relevant answers and calculations only.
    pub fn answers_json(self) -> serde_json::Value {
        self.session.with_value(|s| s.answers_json())
    }

    /// Gives the session the device's cases of its form's case list.
    pub fn set_cases(self, rows: Vec<yim_engine::CaseRow>) {
        // The cases are read after the screen opens; a screen closed
        // meanwhile simply has nobody to give them to.
        if let Some(changes) = self.session.try_update_value(|s| s.set_cases(rows)) {
            self.apply(changes);
        }
    }

    /// Picks the case `id`, as the home page does when a case is tapped:
    /// the questions that save to its properties start with their values.
    pub fn pick_case(self, id: &str) {
        match self.session.try_update_value(|s| s.pick_case(id)) {
            Some(Ok(changes)) => self.apply(changes),
            Some(Err(error)) => leptos::logging::error!("{error}"),
            None => {}
        }
    }

    /// Sets the id of the case this response opens (a form that opens
    /// cases).
    pub fn set_new_case_id(self, id: &str) {
        self.session.try_update_value(|s| s.set_new_case_id(id));
    }

    /// What this response does to its case, at finalize.
    pub fn case_change(self) -> Option<yim_form::case::CaseChange> {
        self.session.with_value(|s| s.case_change())
    }

    /// Everything typed so far, for a draft.
    pub fn draft_json(self) -> serde_json::Value {
        self.session.with_value(|s| s.draft_json())
    }

    /// Restores a draft into this fresh response.
    pub fn load_draft(self, draft: &serde_json::Value) {
        let result = self
            .session
            .try_update_value(|s| s.load_answers(draft).map(|(changes, _report)| changes));
        self.finish(result);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use leptos::prelude::*;
    use wasm_bindgen_test::wasm_bindgen_test;
    use yim_form::MemFiles;

    use super::FormSession;

    const FORM: &str = "\
form: {id: t, version: '1', title: T, languages: [th, en]}
questions:
  - {name: age, type: integer, label: {th: อายุ, en: Age}}
  - {name: school, type: text, label: {th: โรงเรียน, en: School}, relevant: '${age} >= 6'}
  - {name: other, type: text, label: {th: อื่น ๆ, en: Other}}
";

    /// Runs `command` on a fresh session after subscribing one memo per
    /// question, and checks which memos ran again.
    /// A session of the form `text` in English, in a fresh reactive owner,
    /// which the caller keeps for as long as it uses the session.
    fn open(text: &str) -> (Owner, FormSession) {
        let owner = Owner::new();
        owner.set();
        let (form, diagnostics) = yim_form::load("t.yaml", &MemFiles::new().with("t.yaml", text));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let (compiled, diagnostics) = super::compile(&form.expect("the test form loads"));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let fs = FormSession::new(compiled.expect("the test form compiles"), "en");
        (owner, fs)
    }

    fn check(command: impl FnOnce(FormSession), expected_reruns: &[&str]) {
        let (_owner, fs) = open(FORM);
        let mut runs = BTreeMap::new();
        let mut memos = Vec::new();
        for path in ["age", "school", "other"] {
            let count = Arc::new(AtomicUsize::new(0));
            runs.insert(path, count.clone());
            let memo = Memo::new(move |_| {
                count.fetch_add(1, Ordering::SeqCst);
                fs.node(path).map(|n| (n.label, n.relevant, n.text))
            });
            memo.get();
            memos.push(memo);
        }
        command(fs);
        for memo in &memos {
            memo.get();
        }
        let reran: Vec<&str> = runs
            .iter()
            .filter(|(_, count)| count.load(Ordering::SeqCst) > 1)
            .map(|(path, _)| *path)
            .collect();
        assert_eq!(reran, expected_reruns);
    }

    #[wasm_bindgen_test]
    fn an_answer_wakes_only_the_questions_it_changes() {
        check(|fs| fs.answer("other", "x"), &["other"]);
        check(|fs| fs.answer("age", "7"), &["age", "school"]);
        check(|fs| fs.touch("other"), &["other"]);
    }

    #[wasm_bindgen_test]
    fn odk_metadata_reads_this_phone_and_the_time_of_finalizing() {
        let text = "\
form: {id: meta, version: '1', title: M}
questions:
  - {name: device, type: calculate, calculation: \"property('deviceid')\"}
  - {name: who, type: calculate, calculation: \"property('username')\"}
  - {name: finished, type: calculate, calculation: \"property('end')\"}
";
        crate::storage::settings::set_volunteer_name("Malee");
        let (_owner, fs) = open(text);
        let answers = fs.answers_json();
        assert_eq!(
            answers["device"],
            crate::storage::settings::device_id().as_str()
        );
        assert_eq!(answers["who"], "Malee");
        assert_eq!(answers["finished"], serde_json::Value::Null);
        fs.mark_end();
        let end = fs.answers_json()["finished"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        // An ISO date and time, as `now()` gives it.
        assert!(end.len() >= 19 && end.as_bytes()[10] == b'T', "{end}");
        crate::storage::settings::set_volunteer_name("");
    }

    #[wasm_bindgen_test]
    fn removing_an_entry_wakes_the_views_that_now_show_another_entry() {
        let text = "\
form: {id: r, version: '1', title: R}
questions:
  - {name: head, type: text, label: Head}
  - name: people
    type: repeat
    label: People
    questions:
      - {name: pname, type: text, label: Name}
";
        let (_owner, fs) = open(text);
        for (i, name) in ["Dao", "Fah", "Nid"].into_iter().enumerate() {
            fs.add_entry("people");
            fs.answer(&format!("people[{}]/pname", i + 1), name);
        }
        // One memo per path, as the views of a repeat's entries are kept.
        let paths = [
            "head",
            "people[1]/pname",
            "people[2]/pname",
            "people[3]/pname",
        ];
        let runs: Vec<Arc<AtomicUsize>> = paths.iter().map(|_| Arc::default()).collect();
        let memos: Vec<Memo<Option<String>>> = paths
            .iter()
            .zip(&runs)
            .map(|(&path, count)| {
                let count = Arc::clone(count);
                Memo::new(move |_| {
                    count.fetch_add(1, Ordering::SeqCst);
                    fs.node(path).map(|n| n.text)
                })
            })
            .collect();
        let shown: Vec<Option<String>> = memos.iter().map(|m| m.get()).collect();
        assert_eq!(shown[2].as_deref(), Some("Fah"));
        fs.remove_entry("people[2]");
        let shown: Vec<Option<String>> = memos.iter().map(|m| m.get()).collect();
        let reran: Vec<&str> = paths
            .iter()
            .zip(&runs)
            .filter(|(_, count)| count.load(Ordering::SeqCst) > 1)
            .map(|(path, _)| *path)
            .collect();
        assert_eq!(reran, ["people[2]/pname", "people[3]/pname"]);
        assert_eq!(shown[2].as_deref(), Some("Nid"));
        assert_eq!(shown[3], None);
    }

    #[wasm_bindgen_test]
    fn a_language_switch_wakes_every_question() {
        check(|fs| fs.set_language("th"), &["age", "other", "school"]);
        check(|fs| fs.set_language("en"), &[]);
    }
}
