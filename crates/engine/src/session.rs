//! A response being filled: frames of slots (one frame per repeat instance),
//! the queue of dirty cells, and the commands the UI sends.

use std::cell::Cell;
use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use yim_expr::{Date, DateTime, Host, Program, Value};
use yim_form::{Choice, QType};

use crate::compile::{CellId, CompiledForm, Default, Kind, NodeId, ScopeId, CHOICE_COLUMN_BASE};
use crate::validate::{self, Fault};
use crate::view::Changes;

/// One entry of a response, or the whole form: the index of its frame in
/// `Session::frames`. A frame is never reused, so an id keeps naming the
/// same entry (alive, or removed) for the whole session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub(crate) struct FrameId(u32);

impl FrameId {
    /// The frame's place in `Session::frames`.
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }
}

impl std::ops::Index<FrameId> for Vec<Frame> {
    type Output = Frame;
    fn index(&self, id: FrameId) -> &Frame {
        &self[id.0 as usize]
    }
}

impl std::ops::IndexMut<FrameId> for Vec<Frame> {
    fn index_mut(&mut self, id: FrameId) -> &mut Frame {
        &mut self[id.0 as usize]
    }
}

/// The clock and the seed for randomness. The engine has neither, so the
/// host (the browser app, the CLI, a test) passes them in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Clock {
    /// Today's date where the volunteer is.
    pub today: Date,
    /// The current instant with the local UTC offset.
    pub now: DateTime,
    /// Seed for `uuid()` and `random()`; the app passes fresh random bits.
    pub seed: u64,
}

impl Clock {
    /// A clock fixed at midnight UTC of `today`, for tests and tools.
    pub fn fixed(today: Date) -> Clock {
        Clock {
            today,
            now: DateTime::from_date(today, 0),
            seed: 0x9e37_79b9_7f4a_7c15,
        }
    }
}

/// What the app knows about the phone, the volunteer and the record: the
/// values of XLSForm's metadata `deviceid`, `username` and `end`, which a
/// form reads with `property('deviceid')`, `property('username')` and
/// `property('end')`. The engine has none of them, so the app passes them
/// in with [`Session::set_properties`]; until it does they are empty.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Properties {
    /// The app's id for this phone, the one it stores with every record.
    pub device_id: String,
    /// The volunteer's name from the app's settings.
    pub username: String,
    /// When the record was finalized; `None` while it is being filled.
    pub end: Option<DateTime>,
}

/// The state of one node in one frame.
#[derive(Clone, Debug, Default)]
pub(crate) struct Slot {
    /// What the person answered, kept even while the question is not
    /// relevant, so that toggling relevance back does not lose typing.
    pub answer: Value,
    /// Text that could not be read as the question's type, kept so nothing
    /// typed is lost and so the UI can show it beside the error.
    pub raw: Option<String>,
    /// The effective value seen by expressions: empty when not relevant.
    pub value: Value,
    pub relevant: bool,
    pub required: bool,
    pub read_only: bool,
    pub fault: Option<Fault>,
    /// Indices of the choices left by `choice_filter`; `None` keeps them all.
    pub choices: Option<Arc<[u32]>>,
    pub touched: bool,
    /// Whether the default answer was applied (or an answer came first).
    pub defaulted: bool,
}

pub(crate) struct Frame {
    pub scope: ScopeId,
    pub parent: Option<FrameId>,
    pub slots: Vec<Slot>,
    /// Instance lists of the repeats directly inside this scope, in the order
    /// of `Scope::repeats`.
    pub repeats: Vec<Vec<FrameId>>,
    pub alive: bool,
}

/// Why an answer was refused. The answer is not stored in these cases,
/// because the question cannot hold one at all; text of the wrong type is
/// stored instead and reported through the question's error.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnswerError {
    /// No question, repeat or instance has this path.
    UnknownPath(String),
    /// The path names a calculation, note, group or repeat.
    NotAnswerable(String),
    /// The question is read-only right now.
    ReadOnly(String),
    /// The repeat's number of entries is set by `repeat_count`.
    CountIsComputed(String),
    /// The answers given to `load_answers` are not a JSON object.
    NotAnObject,
}

impl std::fmt::Display for AnswerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnswerError::UnknownPath(p) => {
                write!(f, "no question or repeat entry has the path `{p}`")
            }
            AnswerError::NotAnswerable(p) => {
                write!(f, "`{p}` is computed by the form and cannot be answered")
            }
            AnswerError::ReadOnly(p) => write!(f, "`{p}` is read-only"),
            AnswerError::CountIsComputed(p) => {
                write!(
                    f,
                    "the number of entries of `{p}` is set by its repeat_count"
                )
            }
            AnswerError::NotAnObject => write!(
                f,
                "expected a JSON object of answers, but found something else"
            ),
        }
    }
}

impl std::error::Error for AnswerError {}

/// One response being filled. Every command leaves it consistent: all
/// relevance, values and errors are up to date when the command returns.
pub struct Session {
    pub(crate) form: Arc<CompiledForm>,
    pub(crate) frames: Vec<Frame>,
    pub(crate) lang: String,
    pub(crate) clock: Clock,
    pub(crate) props: Properties,
    rng: Cell<u64>,
    pub(crate) finalize_attempted: bool,
    /// Whether triggers fire: not while a new session computes its first
    /// state or a draft is loaded, since nothing was changed by a person
    /// and a loaded draft already holds what the triggers set.
    pub(crate) triggers_on: bool,
    /// Cells to recompute, ordered by rank so that every cell is computed
    /// after the cells it reads.
    queue: BTreeSet<(u32, FrameId)>,
    /// Rank → cell, the inverse of `CompiledForm::rank`.
    order: Arc<[CellId]>,
    /// Position of each repeat in its scope's `repeats`.
    rep_index: Arc<[u32]>,
    pub(crate) changed: HashSet<(NodeId, FrameId)>,
    structure: HashSet<(NodeId, FrameId)>,
    /// The device's cases, for a form with a `case:` block.
    pub(crate) cases: crate::case::CaseState,
    /// The nodes and repeats of entries that moved up a place or were
    /// removed since the last command finished: their paths changed, or
    /// they are gone, so a view of them is out of date though nothing was
    /// computed for them.
    moved: Vec<(NodeId, FrameId)>,
    moved_repeats: Vec<(NodeId, FrameId)>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("form", &self.form.form.id)
            .field("frames", &self.frames.len())
            .finish()
    }
}

pub(crate) const ROOT: FrameId = FrameId(0);

/// How many triggered calculations one command runs at most.
const MAX_TRIGGERED: usize = 10_000;

impl Session {
    /// Starts an empty response: defaults applied, everything computed.
    pub fn new(form: Arc<CompiledForm>, clock: Clock) -> Session {
        let mut order = vec![CellId::from_dense(0); form.rank.len()];
        for (cell, &rank) in form.rank.iter().enumerate() {
            order[rank as usize] = CellId::from_dense(cell);
        }
        let mut rep_index = vec![0u32; form.nodes.len()];
        for scope in &form.scopes {
            for (i, &r) in scope.repeats.iter().enumerate() {
                rep_index[r.index()] = i as u32;
            }
        }
        let lang = form.form.default_language.clone();
        let mut s = Session {
            form,
            frames: Vec::new(),
            lang,
            clock,
            props: Properties::default(),
            rng: Cell::new(clock.seed | 1),
            finalize_attempted: false,
            triggers_on: false,
            queue: BTreeSet::new(),
            order: order.into(),
            rep_index: rep_index.into(),
            changed: HashSet::new(),
            structure: HashSet::new(),
            cases: crate::case::CaseState::default(),
            moved: Vec::new(),
            moved_repeats: Vec::new(),
        };
        s.new_frame(0, None);
        s.run();
        s.changed.clear();
        s.structure.clear();
        s.triggers_on = true;
        s
    }

    /// The compiled form this response belongs to.
    pub fn form(&self) -> &Arc<CompiledForm> {
        &self.form
    }

    /// Language used for labels and messages in views.
    pub fn language(&self) -> &str {
        &self.lang
    }

    /// Switches the language of labels and messages. Answers are untouched,
    /// but every label changes, so the UI should re-read its whole view.
    /// Calculations are recomputed too, because `jr:choice-name()` gives a
    /// label in the current language.
    pub fn set_language(&mut self, lang: &str) -> Changes {
        self.lang = lang.to_owned();
        let form = Arc::clone(&self.form);
        for (id, node) in form.nodes.iter().enumerate() {
            if node.calculation.is_some() {
                for f in self.frames_of_scope(node.scope) {
                    self.enqueue(NodeId::new(id).cell(Kind::Value), f);
                }
            }
        }
        self.finish()
    }

    /// What the form's `property()` calls read.
    pub fn properties(&self) -> &Properties {
        &self.props
    }

    /// Sets the phone's id, the volunteer's name and the finalize time, and
    /// recomputes whatever reads them. The app calls it when a record is
    /// opened (device id and name) and again just before it finalizes the
    /// record, with `end` set to the current time, so that `end` is stored
    /// with the answers as in ODK.
    pub fn set_properties(&mut self, props: Properties) -> Changes {
        self.props = props;
        // `property()` is volatile, so its cells are among these.
        self.recompute_volatile()
    }

    /// Updates the clock and recomputes whatever uses `today()`, `now()` or
    /// `uuid()`.
    pub fn set_clock(&mut self, clock: Clock) -> Changes {
        self.clock = clock;
        self.recompute_volatile()
    }

    /// Recomputes, in every frame, the cells whose value can change without
    /// any answer changing (the clock, random numbers, the app's properties).
    fn recompute_volatile(&mut self) -> Changes {
        let volatile = self.form.volatile_cells.clone();
        for c in volatile {
            let scope = self.form.node(c.node).scope;
            for f in self.frames_of_scope(scope) {
                self.enqueue(c, f);
            }
        }
        self.finish()
    }

    /// Answers a question with text as typed. Text that does not fit the
    /// question's type is kept and reported as the question's error.
    pub fn answer(&mut self, path: &str, raw: &str) -> Result<Changes, AnswerError> {
        let (node, frame) = self.resolve(path)?;
        let n = self.form.node(node);
        if !n.is_answerable() {
            return Err(AnswerError::NotAnswerable(path.to_owned()));
        }
        if self.slot(node, frame).read_only {
            return Err(AnswerError::ReadOnly(path.to_owned()));
        }
        let (answer, bad) = validate::parse_answer(&self.form, node, raw);
        let slot = self.slot_mut(node, frame);
        let picked_another = slot.answer != answer;
        slot.answer = answer;
        slot.raw = bad;
        slot.touched = true;
        slot.defaulted = true;
        self.enqueue(node.cell(Kind::Value), frame);
        self.enqueue(node.cell(Kind::Valid), frame);
        self.changed.insert((node, frame));
        if picked_another {
            self.prefill_from_case(node);
        }
        Ok(self.finish())
    }

    /// Answers a `select_multiple` question with the chosen choice names.
    pub fn answer_multi(&mut self, path: &str, choices: &[String]) -> Result<Changes, AnswerError> {
        self.answer(path, &choices.join(" "))
    }

    /// Marks a question as visited, so that the UI shows its error.
    pub fn touch(&mut self, path: &str) -> Result<Changes, AnswerError> {
        let (node, frame) = self.resolve(path)?;
        self.mark_touched(node, frame);
        Ok(self.finish())
    }

    /// Marks one node as visited; its view changes only the first time.
    pub(crate) fn mark_touched(&mut self, node: NodeId, frame: FrameId) {
        let slot = self.slot_mut(node, frame);
        if !slot.touched {
            slot.touched = true;
            self.changed.insert((node, frame));
        }
    }

    /// Adds an entry at the end of a repeat; `path` names the repeat, with
    /// the instances around it (`household[2]/children`).
    pub fn add_repeat(&mut self, path: &str) -> Result<Changes, AnswerError> {
        let (node, frame) = self.resolve(path)?;
        let n = self.form.node(node);
        if n.qtype != QType::Repeat {
            return Err(AnswerError::UnknownPath(path.to_owned()));
        }
        if n.repeat_count.is_some() {
            return Err(AnswerError::CountIsComputed(path.to_owned()));
        }
        self.add_instance(node, frame);
        Ok(self.finish())
    }

    /// Removes one entry of a repeat, named with its 1-based index
    /// (`household[2]`). Later entries move up by one.
    pub fn remove_repeat(&mut self, path: &str) -> Result<Changes, AnswerError> {
        let (node, frame, index) = self.resolve_instance(path)?;
        if self.form.node(node).repeat_count.is_some() {
            return Err(AnswerError::CountIsComputed(path.to_owned()));
        }
        self.remove_instance(node, frame, index);
        Ok(self.finish())
    }

    /// Number of entries of a repeat (`household`, `household[1]/children`).
    pub fn repeat_len(&self, path: &str) -> Result<usize, AnswerError> {
        let (node, frame) = self.resolve(path)?;
        let n = self.form.node(node);
        if n.qtype != QType::Repeat {
            return Err(AnswerError::UnknownPath(path.to_owned()));
        }
        Ok(self.instances(node, frame).len())
    }

    /// Evaluates a compiled expression at the top level of the response.
    pub fn evaluate(&self, program: &Program) -> Value {
        program.eval(&Ctx {
            s: self,
            node: None,
            frame: ROOT,
            choice: None,
        })
    }

    // ----- paths -----

    /// Finds the node and frame that a path names.
    pub(crate) fn resolve(&self, path: &str) -> Result<(NodeId, FrameId), AnswerError> {
        let unknown = || AnswerError::UnknownPath(path.to_owned());
        let mut frame = ROOT;
        let mut segments = path.split('/').peekable();
        while let Some(seg) = segments.next() {
            let last = segments.peek().is_none();
            let (name, index) = split_index(seg).ok_or_else(unknown)?;
            let node = self.form.lookup(name).ok_or_else(unknown)?;
            let n = self.form.node(node);
            if n.scope != self.frames[frame].scope {
                return Err(unknown());
            }
            match (index, last) {
                (None, true) => return Ok((node, frame)),
                (Some(i), false) if n.qtype == QType::Repeat => {
                    let list = self.instances(node, frame);
                    frame = *list.get(i.wrapping_sub(1)).ok_or_else(unknown)?;
                }
                _ => return Err(unknown()),
            }
        }
        Err(unknown())
    }

    /// Finds a repeat instance named `repeat[i]`: the repeat, the frame that
    /// holds its list, and the 0-based index.
    pub(crate) fn resolve_instance(
        &self,
        path: &str,
    ) -> Result<(NodeId, FrameId, usize), AnswerError> {
        let unknown = || AnswerError::UnknownPath(path.to_owned());
        let (prefix, last) = match path.rsplit_once('/') {
            Some((p, l)) => (Some(p), l),
            None => (None, path),
        };
        let (name, index) = split_index(last).ok_or_else(unknown)?;
        let index = index.ok_or_else(unknown)?;
        let inner = match prefix {
            Some(p) => format!("{p}/{name}"),
            None => name.to_owned(),
        };
        let (node, frame) = self.resolve(&inner)?;
        if self.form.node(node).qtype != QType::Repeat
            || index == 0
            || index > self.instances(node, frame).len()
        {
            return Err(unknown());
        }
        Ok((node, frame, index - 1))
    }

    /// The path of `node` as seen from `frame`.
    pub(crate) fn path_of(&self, node: NodeId, frame: FrameId) -> String {
        let mut out = self.frame_prefix(frame);
        out.push_str(&self.form.node(node).name);
        out
    }

    /// `household[2]/` for a frame of an instance, `` for the root.
    pub(crate) fn frame_prefix(&self, frame: FrameId) -> String {
        let mut parts = Vec::new();
        let mut f = frame;
        while let Some(parent) = self.frames[f].parent {
            let repeat = self.form.scopes[self.frames[f].scope as usize]
                .repeat
                .unwrap_or(NodeId::new(0));
            let list = self.instances(repeat, parent);
            let index = list.iter().position(|&x| x == f).unwrap_or(0) + 1;
            parts.push(format!("{}[{}]/", self.form.node(repeat).name, index));
            f = parent;
        }
        parts.reverse();
        parts.concat()
    }

    // ----- frames -----

    pub(crate) fn slot(&self, node: NodeId, frame: FrameId) -> &Slot {
        let n = self.form.node(node);
        let f = self.up(frame, n.scope);
        &self.frames[f].slots[n.slot]
    }

    pub(crate) fn slot_mut(&mut self, node: NodeId, frame: FrameId) -> &mut Slot {
        let n = self.form.node(node);
        let (scope, slot) = (n.scope, n.slot);
        let f = self.up(frame, scope);
        &mut self.frames[f].slots[slot]
    }

    /// The frame of `scope` that encloses `frame`.
    pub(crate) fn up(&self, mut frame: FrameId, scope: ScopeId) -> FrameId {
        while self.frames[frame].scope != scope {
            match self.frames[frame].parent {
                Some(p) => frame = p,
                None => break,
            }
        }
        frame
    }

    /// The instances of repeat `node` in the frame that holds its list.
    pub(crate) fn instances(&self, node: NodeId, frame: FrameId) -> &[FrameId] {
        let scope = self.form.node(node).scope;
        let f = self.up(frame, scope);
        &self.frames[f].repeats[self.rep_index[node.index()] as usize]
    }

    fn new_frame(&mut self, scope: ScopeId, parent: Option<FrameId>) -> FrameId {
        let id = FrameId(u32::try_from(self.frames.len()).expect("fewer than 2^32 entries"));
        let s = &self.form.scopes[scope as usize];
        let slots = s
            .nodes
            .iter()
            .map(|&n| {
                let mut slot = Slot::default();
                if let Some(Default::Literal(text)) = &self.form.node(n).default {
                    let (answer, raw) = validate::parse_answer(&self.form, n, text);
                    slot.answer = answer;
                    slot.raw = raw;
                    slot.defaulted = true;
                }
                slot
            })
            .collect();
        self.frames.push(Frame {
            scope,
            parent,
            slots,
            repeats: vec![Vec::new(); s.repeats.len()],
            alive: true,
        });
        // Every cell of every node in the new frame is computed once.
        let nodes = self.form.scopes[scope as usize].nodes.clone();
        for n in nodes {
            for c in n.cells() {
                self.enqueue(c, id);
            }
        }
        id
    }

    pub(crate) fn add_instance(&mut self, repeat: NodeId, frame: FrameId) -> FrameId {
        let holder = self.up(frame, self.form.node(repeat).scope);
        let inner = self.form.node(repeat).inner.unwrap_or(0);
        let f = self.new_frame(inner, Some(holder));
        let idx = self.rep_index[repeat.index()] as usize;
        self.frames[holder].repeats[idx].push(f);
        self.enqueue(repeat.cell(Kind::Value), holder);
        self.structure.insert((repeat, holder));
        f
    }

    fn remove_instance(&mut self, repeat: NodeId, frame: FrameId, index: usize) {
        let holder = self.up(frame, self.form.node(repeat).scope);
        let idx = self.rep_index[repeat.index()] as usize;
        let removed = self.frames[holder].repeats[idx].remove(index);
        let shifted = self.frames[holder].repeats[idx][index..].to_vec();
        for f in std::iter::once(removed).chain(shifted) {
            self.mark_moved(f);
        }
        self.kill(removed);
        self.enqueue(repeat.cell(Kind::Value), holder);
        self.structure.insert((repeat, holder));
        // Entries after the removed one move up, so whatever uses
        // `position()` inside them is computed again.
        let later: Vec<FrameId> = self.frames[holder].repeats[idx][index..].to_vec();
        let volatile = self.form.volatile_cells.clone();
        for f in later {
            for &c in &volatile {
                if self
                    .form
                    .scope_contains(self.frames[f].scope, self.form.node(c.node).scope)
                {
                    for g in self.frames_below(f, self.form.node(c.node).scope) {
                        self.enqueue(c, g);
                    }
                }
            }
        }
    }

    /// Records every node of entry `frame`, and of the entries inside it,
    /// as moved (see `Session::moved`).
    fn mark_moved(&mut self, frame: FrameId) {
        let scope = self.frames[frame].scope;
        let form = Arc::clone(&self.form);
        for &node in &form.scopes[scope as usize].nodes {
            self.moved.push((node, frame));
            if form.node(node).qtype == QType::Repeat {
                self.moved_repeats.push((node, frame));
                for f in self.instances(node, frame).to_vec() {
                    self.mark_moved(f);
                }
            }
        }
    }

    fn kill(&mut self, frame: FrameId) {
        let f = &mut self.frames[frame];
        f.alive = false;
        f.slots = Vec::new();
        let children: Vec<FrameId> = std::mem::take(&mut f.repeats)
            .into_iter()
            .flatten()
            .collect();
        for c in children {
            self.kill(c);
        }
    }

    /// All live frames of `scope` inside `top` (which must enclose it).
    fn frames_below(&self, top: FrameId, scope: ScopeId) -> Vec<FrameId> {
        let top_scope = self.frames[top].scope;
        // The repeats to descend through, outermost first.
        let mut path = Vec::new();
        let mut s = scope;
        while s != top_scope {
            let sc = &self.form.scopes[s as usize];
            match (sc.repeat, sc.parent) {
                (Some(r), Some(p)) => {
                    path.push(r);
                    s = p;
                }
                _ => return Vec::new(),
            }
        }
        path.reverse();
        let mut frames = vec![top];
        for r in path {
            let idx = self.rep_index[r.index()] as usize;
            frames = frames
                .iter()
                .flat_map(|&f| self.frames[f].repeats[idx].iter().copied())
                .collect();
        }
        frames
    }

    pub(crate) fn frames_of_scope(&self, scope: ScopeId) -> Vec<FrameId> {
        self.frames_below(ROOT, scope)
    }

    // ----- recomputation -----

    pub(crate) fn enqueue(&mut self, cell: CellId, frame: FrameId) {
        self.queue.insert((self.form.rank[cell.dense()], frame));
    }

    /// Recomputes every dirty cell and returns what changed.
    pub(crate) fn finish(&mut self) -> Changes {
        self.run();
        let mut changed: Vec<(NodeId, FrameId)> = self
            .changed
            .drain()
            .filter(|&(_, f)| self.frames[f].alive)
            .chain(self.moved.drain(..))
            .collect();
        changed.sort_unstable();
        changed.dedup();
        let mut structure: Vec<(NodeId, FrameId)> = self
            .structure
            .drain()
            .filter(|&(_, f)| self.frames[f].alive)
            .chain(self.moved_repeats.drain(..))
            .collect();
        structure.sort_unstable();
        structure.dedup();
        Changes {
            changed: changed
                .into_iter()
                .map(|(n, f)| self.key_of(n, f))
                .collect(),
            repeats: structure
                .into_iter()
                .map(|(n, f)| self.key_of(n, f))
                .collect(),
        }
    }

    pub(crate) fn run(&mut self) {
        // Triggers that set each other's sources could go on for ever; a
        // command stops firing them after this many.
        let mut fired = 0usize;
        while let Some((rank, frame)) = self.queue.pop_first() {
            if !self.frames[frame].alive {
                continue;
            }
            let c = self.order[rank as usize];
            if self.compute(c, frame) {
                let node = c.node;
                self.changed.insert((node, frame));
                if c.kind == Kind::Value && self.triggers_on && fired < MAX_TRIGGERED {
                    fired += self.fire_triggers(node, frame);
                }
                let src_scope = self.form.node(node).scope;
                let form = Arc::clone(&self.form);
                for &dep in &form.dependents[c.dense()] {
                    let dep_scope = form.node(dep.node).scope;
                    if dep_scope == src_scope {
                        self.queue.insert((form.rank[dep.dense()], frame));
                    } else {
                        let common = form.common_scope(dep_scope, src_scope);
                        let top = self.up(frame, common);
                        for f in self.frames_below(top, dep_scope) {
                            self.queue.insert((form.rank[dep.dense()], f));
                        }
                    }
                }
            }
        }
    }

    /// Runs the calculations that `node`'s change triggers, in its frame,
    /// and stores each result as the triggered question's answer. Returns
    /// how many ran.
    fn fire_triggers(&mut self, node: NodeId, frame: FrameId) -> usize {
        let form = Arc::clone(&self.form);
        let targets = &form.triggered[node.index()];
        let frame = self.up(frame, form.node(node).scope);
        for &t in targets {
            let n = form.node(t);
            let Some(p) = &n.on_trigger else { continue };
            let value = p.eval(&Ctx {
                s: self,
                node: Some(t),
                frame,
                choice: None,
            });
            let value = validate::coerce(n.ty, value);
            let slot = self.slot_mut(t, frame);
            slot.answer = value;
            slot.raw = None;
            slot.defaulted = true;
            self.enqueue(t.cell(Kind::Value), frame);
            self.enqueue(t.cell(Kind::Valid), frame);
        }
        targets.len()
    }

    /// Computes one cell in one frame; true when its result changed.
    fn compute(&mut self, c: CellId, frame: FrameId) -> bool {
        let node = c.node;
        let form = Arc::clone(&self.form);
        let n = form.node(node);
        let frame = self.up(frame, n.scope);
        let ctx = Ctx {
            s: self,
            node: Some(node),
            frame,
            choice: None,
        };
        match c.kind {
            Kind::Relevant => {
                let parent = n.parent.is_none_or(|p| self.slot(p, frame).relevant);
                let own = n.relevant.as_ref().is_none_or(|p| p.eval(&ctx).as_bool());
                let v = parent && own;
                replace(&mut self.slot_mut(node, frame).relevant, v)
            }
            Kind::Value => {
                let slot = self.slot(node, frame);
                let relevant = slot.relevant;
                let v = if n.qtype == QType::Repeat {
                    // A repeat that is not relevant has no entries as far as
                    // expressions are concerned, like any hidden question.
                    Value::Num(if relevant {
                        self.instances(node, frame).len() as f64
                    } else {
                        0.0
                    })
                } else if let Some(p) = &n.calculation {
                    if relevant {
                        validate::coerce(n.ty, p.eval(&ctx))
                    } else {
                        Value::Empty
                    }
                } else {
                    if !slot.defaulted && relevant {
                        if let Some(Default::Dynamic(p)) = &n.default {
                            let d = validate::coerce(n.ty, p.eval(&ctx));
                            let s = self.slot_mut(node, frame);
                            s.answer = d;
                            s.defaulted = true;
                        }
                    }
                    let slot = self.slot(node, frame);
                    if relevant {
                        slot.answer.clone()
                    } else {
                        Value::Empty
                    }
                };
                let slot = self.slot_mut(node, frame);
                if slot.value == v {
                    false
                } else {
                    slot.value = v;
                    true
                }
            }
            Kind::Required => {
                let v = n.required.as_ref().is_some_and(|p| p.eval(&ctx).as_bool());
                replace(&mut self.slot_mut(node, frame).required, v)
            }
            Kind::ReadOnly => {
                let v = n.calculation.is_some()
                    || n.read_only.as_ref().is_some_and(|p| p.eval(&ctx).as_bool());
                replace(&mut self.slot_mut(node, frame).read_only, v)
            }
            Kind::Valid => {
                let fault = validate::check(self, node, frame);
                let slot = self.slot_mut(node, frame);
                if slot.fault == fault {
                    false
                } else {
                    slot.fault = fault;
                    true
                }
            }
            Kind::Choices => {
                let Some(filter) = &n.choice_filter else {
                    return false;
                };
                let list = form.list(n.list.unwrap_or(0));
                let kept: Vec<u32> = list
                    .choices
                    .iter()
                    .enumerate()
                    .filter(|(_, choice)| {
                        filter
                            .eval(&Ctx {
                                s: self,
                                node: Some(node),
                                frame,
                                choice: Some(choice),
                            })
                            .as_bool()
                    })
                    .map(|(i, _)| i as u32)
                    .collect();
                let slot = self.slot_mut(node, frame);
                if slot.choices.as_deref() == Some(&kept[..]) {
                    false
                } else {
                    slot.choices = Some(kept.into());
                    true
                }
            }
            Kind::Label => !n.label_refs.is_empty(),
            Kind::Count => {
                let Some(p) = &n.repeat_count else {
                    return false;
                };
                let wanted = p.eval(&ctx).as_num();
                // A count that is not a number (an unanswered question) means
                // no entries; a huge one is capped so a typo cannot freeze
                // the phone.
                let wanted = if wanted.is_finite() && wanted > 0.0 {
                    (wanted as usize).min(MAX_REPEAT_COUNT)
                } else {
                    0
                };
                let have = self.instances(node, frame).len();
                for _ in have..wanted {
                    self.add_instance(node, frame);
                }
                for i in (wanted..have).rev() {
                    self.remove_instance(node, frame, i);
                }
                have != wanted
            }
        }
    }

    pub(crate) fn next_random(&self) -> u64 {
        // xorshift64*: small, fast, and good enough for identifiers that
        // also carry the seed's randomness from the host.
        let mut x = self.rng.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng.set(x);
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// The most entries `repeat_count` may ask for.
pub const MAX_REPEAT_COUNT: usize = 1000;

fn replace(place: &mut bool, v: bool) -> bool {
    let changed = *place != v;
    *place = v;
    changed
}

/// Splits `name[3]` into `("name", Some(3))`.
fn split_index(seg: &str) -> Option<(&str, Option<usize>)> {
    match seg.strip_suffix(']') {
        Some(rest) => {
            let (name, index) = rest.split_once('[')?;
            Some((name, Some(index.parse().ok()?)))
        }
        None => Some((seg, None)),
    }
}

/// The evaluation context of one expression: which node, which frame, and
/// for a choice filter, which choice.
pub(crate) struct Ctx<'a> {
    pub s: &'a Session,
    pub node: Option<NodeId>,
    pub frame: FrameId,
    pub choice: Option<&'a Choice>,
}

impl Host for Ctx<'_> {
    fn get(&self, id: u32) -> Value {
        if id >= CHOICE_COLUMN_BASE {
            let Some(choice) = self.choice else {
                return Value::Empty;
            };
            let Some(node) = self.node else {
                return Value::Empty;
            };
            let columns = &self.s.form.node(node).choice_columns;
            return match columns
                .get((id - CHOICE_COLUMN_BASE) as usize)
                .map(String::as_str)
            {
                Some("name") => Value::str(&choice.name),
                Some(col) => choice
                    .extra
                    .get(col)
                    .map_or(Value::Empty, |v| Value::str(v)),
                None => Value::Empty,
            };
        }
        let s = self.s;
        let form = &s.form;
        let id = NodeId::from_expr(id);
        let target = form.node(id);
        let here = s.frames[self.frame].scope;
        if target.qtype == QType::Repeat {
            if form.scope_contains(target.scope, here) {
                let n = s.slot(id, self.frame).value.as_num() as usize;
                return Value::nodeset((0..n).map(|_| Value::Empty));
            }
        } else if form.scope_contains(target.scope, here) {
            return s.slot(id, self.frame).value.clone();
        }
        // The target is inside repeat instances that do not enclose us: all
        // of them under the innermost scope we share.
        let common = form.common_scope(target.scope, here);
        let top = s.up(self.frame, common);
        let frames = s.frames_below(top, target.scope);
        if target.qtype == QType::Repeat {
            let n: usize = frames
                .iter()
                .map(|&f| s.frames[f].slots[target.slot].value.as_num() as usize)
                .sum();
            return Value::nodeset((0..n).map(|_| Value::Empty));
        }
        Value::nodeset(
            frames
                .iter()
                .map(|&f| s.frames[f].slots[target.slot].value.clone()),
        )
    }

    fn current(&self) -> Value {
        match self.node {
            Some(n) => self.s.slot(n, self.frame).value.clone(),
            None => Value::Empty,
        }
    }

    fn position(&self) -> Option<usize> {
        let parent = self.s.frames[self.frame].parent?;
        let scope = self.s.frames[self.frame].scope;
        let repeat = self.s.form.scopes[scope as usize].repeat?;
        self.s
            .instances(repeat, parent)
            .iter()
            .position(|&f| f == self.frame)
            .map(|i| i + 1)
    }

    fn form_version(&self) -> String {
        self.s.form.form.version.clone()
    }

    fn property(&self, name: &str) -> Value {
        let props = &self.s.props;
        match name {
            "deviceid" if !props.device_id.is_empty() => Value::str(&props.device_id),
            "username" if !props.username.is_empty() => Value::str(&props.username),
            "end" => props.end.map_or(Value::Empty, Value::DateTime),
            _ => Value::Empty,
        }
    }

    fn list_len(&self, list: u32) -> usize {
        if list == crate::case::case_list_id(&self.s.form.form) {
            return self.s.case_list_len();
        }
        self.s
            .form
            .form
            .choices
            .get_index(list as usize)
            .map_or(0, |(_, l)| l.choices.len())
    }

    fn list_value(&self, list: u32, item: usize, column: u32) -> Value {
        let form = &self.s.form;
        if list == crate::case::case_list_id(&form.form) {
            return self.s.case_list_value(item, column);
        }
        let Some(choice) = form
            .form
            .choices
            .get_index(list as usize)
            .and_then(|(_, l)| l.choices.get(item))
        else {
            return Value::Empty;
        };
        match column {
            0 => Value::str(&choice.name),
            1 => Value::str(choice.label.get(&self.s.lang, &form.form.default_language)),
            _ => form
                .list_columns
                .get(list as usize)
                .and_then(|cols| cols.get(column as usize))
                .and_then(|col| choice.extra.get(col))
                .map_or(Value::Empty, |v| Value::str(v)),
        }
    }

    fn choice_label(&self, id: u32, choice: &str) -> Option<String> {
        let list = self.s.form.node(NodeId::from_expr(id)).list?;
        let c = self
            .s
            .form
            .list(list)
            .choices
            .iter()
            .find(|c| c.name == choice)?;
        Some(
            c.label
                .get(&self.s.lang, &self.s.form.form.default_language)
                .to_owned(),
        )
    }

    fn today(&self) -> Date {
        self.s.clock.today
    }

    fn now(&self) -> DateTime {
        self.s.clock.now
    }

    fn uuid(&self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.s.next_random().to_be_bytes());
        bytes[8..].copy_from_slice(&self.s.next_random().to_be_bytes());
        // The uuid crate puts version 4 and the RFC 9562 variant in their
        // fixed places; the bits come from the session, whose seed the host
        // passes in, so a test's ids are the same on every run.
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }
}
