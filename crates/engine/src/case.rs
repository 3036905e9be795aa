//! Cases in a session: the device's cases a follow-up form picks from, the
//! answers a picked case fills in, `instance('children')` lookups of case
//! properties, and the [`CaseChange`] a finalized response makes.
//!
//! The engine keeps no case list of its own. The app reads the device's
//! cases of the form's list and gives them to the session with
//! [`Session::set_cases`]; at finalize it asks for [`Session::case_change`]
//! and stores it with the response.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use yim_expr::{Program, Value};
use yim_form::case::{CaseAction, CaseChange, CaseStatus, STATUS_PROPERTY};
use yim_form::{Diagnostic, Form, QType};

use crate::compile::{compile_one, CompiledForm, ExprScope, Kind, NodeId};
use crate::session::{AnswerError, Session, ROOT};
use crate::validate;
use crate::view::{Changes, ChoiceView};

/// One case on the device, as the app gives it to a session: its id, its
/// label and its latest properties (the result of every change made to it
/// on this device, in time order).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRow {
    /// The case's id, a UUID; the value a `select_one_case` question stores.
    pub id: String,
    /// What people recognise the case by, such as the child's name and
    /// nickname.
    pub label: String,
    /// The case's properties by name, each a text (dates as `YYYY-MM-DD`,
    /// several choices as names separated by spaces).
    pub properties: BTreeMap<String, String>,
}

impl CaseRow {
    /// The case a change that opens one describes, or `None` for a change
    /// that updates a case.
    pub fn opened_by(change: &CaseChange) -> Option<CaseRow> {
        if change.action != CaseAction::Create {
            return None;
        }
        let mut row = CaseRow {
            id: change.id.clone(),
            ..CaseRow::default()
        };
        row.apply(change);
        Some(row)
    }

    /// Folds a later change of this case into it: a new label replaces the
    /// old one, and each property the change wrote replaces its value;
    /// every other property keeps its value. Changes are applied in the
    /// order the responses were finalized.
    pub fn apply(&mut self, change: &CaseChange) {
        if let Some(label) = &change.label {
            self.label = label.clone();
        }
        for (name, value) in &change.properties {
            self.properties.insert(name.clone(), value.clone());
        }
    }

    /// The case's status, when its `status` property holds a known one.
    pub fn status(&self) -> Option<CaseStatus> {
        self.properties
            .get(STATUS_PROPERTY)
            .and_then(|s| CaseStatus::parse(s))
    }
}

/// The columns every case has, in `instance('LIST')/root/item` paths:
/// `name` is the case's id and `label` its label, as in ODK Entities.
pub(crate) const FIXED_COLUMNS: [&str; 2] = ["name", "label"];

/// The form's `case:` block, compiled.
pub(crate) struct CompiledCase {
    /// The `select_one_case` question of a follow-up form.
    pub pick: Option<NodeId>,
    /// The case's label, evaluated at the top level.
    pub label: Option<Program>,
    /// `create_if` or `update_if`: whether the response changes the case.
    pub condition: Option<Program>,
    /// The questions with `save_to` outside repeats, with their property.
    pub saves: Vec<(NodeId, String)>,
    /// The case list's columns that expressions read, numbered in order:
    /// [`FIXED_COLUMNS`], then properties by name.
    pub columns: Vec<String>,
}

/// The list id by which expressions name the case list: one past the
/// form's choice lists, so that the two can never be mistaken.
pub(crate) fn case_list_id(form: &Form) -> u32 {
    form.choices.len() as u32
}

/// The id of a case list column. While the form compiles, a column met for
/// the first time is numbered; afterwards only known columns have one.
pub(crate) fn column_id(
    form: &CompiledForm,
    building: Option<&RefCell<Vec<String>>>,
    column: &str,
) -> Option<u32> {
    match building {
        Some(columns) => {
            let mut columns = columns.borrow_mut();
            let at = match columns.iter().position(|c| c == column) {
                Some(at) => at,
                None => {
                    columns.push(column.to_owned());
                    columns.len() - 1
                }
            };
            Some(at as u32)
        }
        None => form
            .case
            .as_ref()?
            .columns
            .iter()
            .position(|c| c == column)
            .map(|at| at as u32),
    }
}

/// Compiles the `case:` block: its label and condition at the top level of
/// the form, the picker, and the questions that save to properties.
pub(crate) fn compile(
    form: &CompiledForm,
    columns: &RefCell<Vec<String>>,
    diags: &mut Vec<Diagnostic>,
) -> Option<CompiledCase> {
    let block = form.form.case.as_ref()?;
    let scope = ExprScope {
        form,
        from: 0,
        current: None,
        choice_columns: &[],
        case_columns: Some(columns),
    };
    let label = block
        .label
        .as_ref()
        .and_then(|e| compile_one(&scope, e, &e.src, "the case label", diags));
    let condition = match (&block.pick, &block.create_if, &block.update_if) {
        (None, Some(e), _) => compile_one(&scope, e, &e.src, "create_if", diags),
        (Some(_), _, Some(e)) => compile_one(&scope, e, &e.src, "update_if", diags),
        _ => None,
    };
    // The loader reports a picker that is missing, of the wrong type or in
    // a repeat; here such a form simply has no picker.
    let pick = block
        .pick
        .as_deref()
        .and_then(|name| form.lookup(name))
        .filter(|&n| {
            let node = form.node(n);
            node.qtype == QType::SelectOneCase && node.scope == 0
        });
    let saves = form
        .form
        .walk()
        .filter_map(|w| {
            let property = w.question.save_to.clone()?;
            let node = form.lookup(&w.question.name)?;
            (form.node(node).scope == 0).then_some((node, property))
        })
        .collect();
    Some(CompiledCase {
        pick,
        label,
        condition,
        saves,
        columns: columns.borrow().clone(),
    })
}

/// The device's cases given to a session, indexed by id.
#[derive(Debug, Default)]
pub(crate) struct CaseState {
    /// The cases in the order the app gave them.
    pub rows: Vec<CaseRow>,
    /// Each case's search text, made once when the cases are given rather
    /// than every time the picker is drawn.
    pub search: Vec<String>,
    /// Each case's position in `rows`, by id.
    pub by_id: HashMap<String, usize>,
    /// Whether the app gave the cases at all: until it does, an unknown
    /// picked id is not reported, since the list is simply not known.
    pub given: bool,
    /// The id of the case a form that opens cases opens.
    pub new_id: Option<String>,
}

impl Session {
    /// Gives the session the device's cases of the form's case list (the
    /// `case:` block's `list`). The app calls it when it opens a form with a
    /// `case:` block, before the volunteer picks. The picker offers these
    /// cases, and `instance('LIST')` lookups read them. Returns what
    /// changed: every expression that reads the list is computed again.
    pub fn set_cases(&mut self, rows: Vec<CaseRow>) -> Changes {
        let by_id = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        self.cases.search = rows.iter().map(search_text).collect();
        self.cases.rows = rows;
        self.cases.by_id = by_id;
        self.cases.given = true;
        // Lookups into the case list are not cells of the graph (the list
        // is not an answer), so every cell is computed again, once, as when
        // the response started.
        let form = std::sync::Arc::clone(&self.form);
        for (id, node) in form.nodes.iter().enumerate() {
            for f in self.frames_of_scope(node.scope) {
                for c in NodeId::new(id).cells() {
                    self.enqueue(c, f);
                }
            }
        }
        if let Some(pick) = form.case.as_ref().and_then(|c| c.pick) {
            self.changed.insert((pick, ROOT));
        }
        self.finish()
    }

    /// The cases given with [`Session::set_cases`].
    pub fn cases(&self) -> &[CaseRow] {
        &self.cases.rows
    }

    /// Sets the id of the case that this response opens, for a form whose
    /// `case:` block has no `pick`. The app makes the id (a UUID v7) when
    /// the response is started and keeps it with the draft, so that a
    /// draft reopened later still opens the same case.
    pub fn set_new_case_id(&mut self, id: &str) {
        self.cases.new_id = Some(id.to_owned());
    }

    /// The id given with [`Session::set_new_case_id`].
    pub fn new_case_id(&self) -> Option<&str> {
        self.cases.new_id.as_deref()
    }

    /// The path of the question that picks the case, in a follow-up form.
    pub fn case_picker(&self) -> Option<String> {
        let pick = self.form.case.as_ref()?.pick?;
        Some(self.path_of(pick, ROOT))
    }

    /// Picks the case `id` in a follow-up form, as if the volunteer chose it
    /// in the picker: what the home page does when a case is tapped. The
    /// case's properties fill the questions that save to them.
    pub fn pick_case(&mut self, id: &str) -> Result<Changes, AnswerError> {
        let path = self
            .case_picker()
            .ok_or_else(|| AnswerError::UnknownPath("case.pick".to_owned()))?;
        self.answer(&path, id)
    }

    /// The case the picker holds, when it is one of the device's cases.
    pub fn picked_case(&self) -> Option<&CaseRow> {
        let pick = self.form.case.as_ref()?.pick?;
        let id = self.slot(pick, ROOT).value.as_str().into_owned();
        self.cases.by_id.get(&id).map(|&i| &self.cases.rows[i])
    }

    /// Fills the questions that save to case properties with the values of
    /// the case just picked, as answers the volunteer can change. A property
    /// the case lacks empties its question, so that nothing of a case picked
    /// before stays behind.
    pub(crate) fn prefill_from_case(&mut self, node: NodeId) {
        let Some(case) = self.form.case.as_ref() else {
            return;
        };
        if case.pick != Some(node) {
            return;
        }
        let form = std::sync::Arc::clone(&self.form);
        // The picker's value is computed when the command finishes; the
        // answer just given is already in place.
        let id = self.slot(node, ROOT).answer.as_str().into_owned();
        let Some(row) = self
            .cases
            .by_id
            .get(&id)
            .map(|&i| self.cases.rows[i].clone())
        else {
            return;
        };
        let saves = form.case.as_ref().map_or(&[][..], |c| &c.saves[..]);
        for (target, property) in saves {
            let n = form.node(*target);
            if !n.is_answerable() || *target == node {
                continue;
            }
            let text = row.properties.get(property).map_or("", String::as_str);
            let (answer, raw) = validate::parse_answer(&form, *target, text);
            let slot = self.slot_mut(*target, ROOT);
            slot.answer = answer;
            slot.raw = raw;
            slot.defaulted = true;
            self.enqueue(target.cell(Kind::Value), ROOT);
            self.enqueue(target.cell(Kind::Valid), ROOT);
            self.changed.insert((*target, ROOT));
        }
    }

    /// A warning for the picker, shown without blocking finalize: the
    /// picked case is closed (the volunteer may reopen it by setting its
    /// status), or it is not among the device's cases.
    pub(crate) fn case_warning(&self, node: NodeId) -> Option<String> {
        let case = self.form.case.as_ref()?;
        if case.pick != Some(node) {
            return None;
        }
        let value = &self.slot(node, ROOT).value;
        if value.is_empty() {
            return None;
        }
        let words = crate::words::for_code(&self.lang);
        match self.picked_case() {
            Some(row) if row.status() == Some(CaseStatus::Closed) => {
                Some(words.case_closed.to_owned())
            }
            None if self.cases.given => Some(words.case_missing.to_owned()),
            _ => None,
        }
    }

    /// The picker's choices: every case given, with its label, in the order
    /// the app gave them.
    pub(crate) fn case_choices(&self) -> Vec<ChoiceView> {
        self.cases
            .rows
            .iter()
            .zip(&self.cases.search)
            .map(|(row, search)| ChoiceView {
                name: row.id.clone(),
                label: row.label.clone(),
                search: Some(search.clone()),
            })
            .collect()
    }

    /// What this response does to its case, for the app to store with it at
    /// finalize. `None` when the form has no `case:` block, when its
    /// `create_if` or `update_if` is false, when a follow-up has no case
    /// picked, or when a form that opens cases was given no id with
    /// [`Session::set_new_case_id`].
    ///
    /// The change holds the label (when the form computes a non-empty one)
    /// and every relevant, non-empty answer of a question with `save_to`,
    /// as text. A property left empty keeps the value it had.
    pub fn case_change(&self) -> Option<CaseChange> {
        let case = self.form.case.as_ref()?;
        let block = self.form.form.case.as_ref()?;
        if let Some(condition) = &case.condition {
            if !self.evaluate(condition).as_bool() {
                return None;
            }
        }
        let (action, id) = match case.pick {
            Some(pick) => {
                let id = self.slot(pick, ROOT).value.as_str().trim().to_owned();
                (CaseAction::Update, Some(id).filter(|id| !id.is_empty())?)
            }
            None if block.pick.is_some() => return None,
            None => (CaseAction::Create, self.cases.new_id.clone()?),
        };
        let label = case
            .label
            .as_ref()
            .map(|p| self.evaluate(p).as_str().trim().to_owned())
            .filter(|l| !l.is_empty());
        let properties = case
            .saves
            .iter()
            .filter_map(|(node, property)| {
                let slot = self.slot(*node, ROOT);
                let value = slot.value.to_odk_string();
                (slot.relevant && !value.is_empty()).then(|| (property.clone(), value))
            })
            .collect();
        Some(CaseChange {
            list: block.list.clone(),
            id,
            action,
            label,
            properties,
        })
    }

    /// The number of cases, for `instance('LIST')` lookups.
    pub(crate) fn case_list_len(&self) -> usize {
        self.cases.rows.len()
    }

    /// One column of one case, for `instance('LIST')` lookups.
    pub(crate) fn case_list_value(&self, item: usize, column: u32) -> Value {
        let Some(row) = self.cases.rows.get(item) else {
            return Value::Empty;
        };
        match column {
            0 => Value::str(&row.id),
            1 => Value::str(&row.label),
            _ => self
                .form
                .case
                .as_ref()
                .and_then(|c| c.columns.get(column as usize))
                .and_then(|name| row.properties.get(name))
                .map_or(Value::Empty, |v| Value::str(v)),
        }
    }
}

/// What the picker's search matches: the label and every property's value,
/// so that a child is found by name, nickname or village whatever the form
/// calls those properties.
fn search_text(row: &CaseRow) -> String {
    let mut out = row.label.clone();
    for value in row.properties.values() {
        out.push(' ');
        out.push_str(value);
    }
    out
}
