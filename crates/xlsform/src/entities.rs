//! ODK Entities: the `entities` sheet, the `save_to` column and the entity
//! list a follow-up form picks from become the form's `case:` block, its
//! `save_to`s and its `select_one_case` picker.
//!
//! The sheet is read as pyxform 4.5 reads it (ODK Entities 2024.1 and
//! 2025.1): one row per entity list, with `list_name` (pyxform also takes
//! `dataset`), `label`, `create_if`, `update_if` and `entity_id`. A Yim
//! form opens or follows the cases of one list, so a second list, entities
//! saved from inside a repeat (what 2025.1 adds) and "upserts" (a form that
//! both creates and updates) are noted row by row and left out.
//!
//! **Bounds**: the sheet is one of the workbook's, so the workbook's cell
//! limit bounds it; every pass here is a loop over rows or a walk of the
//! question tree the survey sheet already built, whose depth the survey
//! sheet's rows bound.

use std::collections::HashMap;

use indexmap::IndexMap;
use yim_form::case::{CaseStatus, NEXT_VISIT_PROPERTY, STATUS_PROPERTY};
use yim_form::{CaseBlock, ChoiceList, Expr, Form, QType, Question};

use crate::columns::Table;
use crate::convert::{valid_name, Converter, Origin};
use crate::report::NoteKind;
use crate::sheet::{Row, Sheet};

/// The name of the sheet, as pyxform spells it.
pub(crate) const SHEET: &str = "entities";

/// The columns of the entities sheet that Yim reads.
const KEYS: &[&str] = &["list_name", "label", "create_if", "update_if", "entity_id"];

/// pyxform's other spelling of `list_name`.
const ALIASES: &[(&str, &str)] = &[("dataset", "list_name")];

/// What the entities sheet said, once read.
#[derive(Debug, Default)]
pub(crate) struct Entities {
    /// The one entity list the form opens or updates, when Yim can follow it.
    decl: Option<Declaration>,
    /// Entity lists left out, with their rows, so that a `save_to` naming
    /// one can say why it is left out too.
    left_out: IndexMap<String, u32>,
}

/// One row of the entities sheet that Yim follows.
#[derive(Clone, Debug)]
struct Declaration {
    list: String,
    row: u32,
    label: Option<String>,
    create_if: Option<String>,
    update_if: Option<String>,
    /// For a follow-up form: the survey question that picks the case.
    pick: Option<String>,
}

impl Converter {
    /// Reads the entities sheet, and finds the survey question a follow-up
    /// form picks its entity with. Call before the survey sheet is read.
    pub(crate) fn entities_sheet(&mut self, sheet: Option<&Sheet>, survey: &Table) {
        let Some(sheet) = sheet else { return };
        let t = Table::new(sheet, ALIASES);
        for c in &t.columns {
            if !KEYS.contains(&c.key.as_str()) || c.lang.is_some() {
                self.note(
                    &t.sheet,
                    t.header_row,
                    NoteKind::Unsupported,
                    format!("entities column {}", c.key),
                    format!(
                        "the column '{}' is not one of ODK Entities' (list_name, label, create_if, update_if, entity_id); it is not read",
                        c.header
                    ),
                );
            }
        }
        for row in &t.rows {
            self.entity_row(&t, row, survey);
        }
    }

    /// One declaration: the form's case list, or a note saying why not.
    fn entity_row(&mut self, t: &Table, row: &Row, survey: &Table) {
        let get = |key: &str| Some(t.value(row, key).trim().to_owned()).filter(|v| !v.is_empty());
        let n = row.number;
        let Some(list) = get("list_name") else {
            if row.cells.iter().any(|(_, v)| !v.trim().is_empty()) {
                self.note(
                    &t.sheet,
                    n,
                    NoteKind::Unsupported,
                    "entity without list_name",
                    "the row has no list_name naming the entity list; it is left out",
                );
            }
            return;
        };
        let left_out = |conv: &mut Converter, feature: &str, why: String| {
            conv.note(&t.sheet, n, NoteKind::Unsupported, feature, why);
            conv.entities.left_out.insert(list.clone(), n);
        };
        if list.starts_with("__") || list.contains('.') || !valid_name(&list) {
            left_out(self, "entity list name", format!("`{list}` is not a valid entity list name (letters, digits, `_` and `-`, not starting with `__`); the entity list is left out, with the save_to columns that name it"));
            return;
        }
        if let Some(first) = self.entities.decl.as_ref().filter(|d| d.list == list) {
            let why = format!(
                "the entity list `{list}` is declared already on entities!{}; this row is left out",
                first.row
            );
            self.note(
                &t.sheet,
                n,
                NoteKind::Unsupported,
                "second entity list",
                why,
            );
            return;
        }
        if let Some(first) = &self.entities.decl {
            let why = format!(
                "a Yim form opens or follows the cases of one list, `{}` (entities!{}); the entity list `{list}` is left out, with the save_to columns that name it",
                first.list, first.row
            );
            left_out(self, "second entity list", why);
            return;
        }
        let mut d = Declaration {
            list: list.clone(),
            row: n,
            label: get("label"),
            create_if: get("create_if"),
            update_if: get("update_if"),
            pick: None,
        };
        match get("entity_id") {
            None => {
                if let Some(u) = d.update_if.take() {
                    self.note(&t.sheet, n, NoteKind::Unsupported, "update_if without entity_id",
                        format!("`update_if` needs an `entity_id` naming the entity to update; without one the form only opens cases, so `{u}` is left out"));
                }
                if d.label.is_none() {
                    left_out(self, "entity without label", format!("a form that opens cases needs a `label`, the expression that names each case; the entity list `{list}` is left out, with the save_to columns"));
                    return;
                }
            }
            Some(id) => {
                let Some((pick, exact)) = picker_row(survey, &list, &id) else {
                    left_out(self, "entity_id", format!("the entity_id `{id}` names no select_one_from_file question of `{list}.csv`; Yim updates the case such a question picks, so the entity list is left out, with the save_to columns"));
                    return;
                };
                if !exact {
                    self.note(&t.sheet, n, NoteKind::Changed, "entity_id",
                        format!("the entity_id `{id}` is not the answer of a select_one_from_file question; Yim updates the case that `{pick}` picks"));
                }
                d.pick = Some(pick);
                if let Some(c) = d.create_if.take() {
                    let why = if d.update_if.is_some() {
                        "the form both updates the entity it is given and creates one when this holds; a Yim follow-up form only updates the case it picks"
                    } else {
                        "with an entity_id the form updates the entity it is given; pyxform asks for `update_if` beside `create_if`, and a Yim follow-up form only updates"
                    };
                    self.note(
                        &t.sheet,
                        n,
                        NoteKind::Unsupported,
                        "create_if with entity_id",
                        format!("`create_if` `{c}` is left out: {why}"),
                    );
                }
            }
        }
        self.entities.decl = Some(d);
    }

    /// A `select_one_from_file` row that picks the case of a follow-up
    /// form, as the `select_one_case` question, or `None` for any other row.
    pub(crate) fn case_picker(
        &mut self,
        t: &Table,
        row: &Row,
        ty: &str,
        name: &str,
    ) -> Option<Question> {
        let d = self.entities.decl.as_ref()?;
        if d.pick.as_deref() != Some(name) {
            return None;
        }
        let file = from_file(ty)?;
        let list = d.list.clone();
        let n = row.number;
        if file_stem(&file) != list {
            self.note(&t.sheet, n, NoteKind::Changed, "case picker list",
                format!("`{file}` is not the file of the entity list `{list}` the form updates; the question picks a case of `{list}`"));
        }
        let params = t.value(row, "parameters");
        if !params.is_empty() {
            self.note(&t.sheet, n, NoteKind::Unsupported, "column parameters",
                format!("the parameters '{params}' are not read: the case picker shows each case's label and stores its id, as ODK does without them"));
        }
        Some(self.question(t, row, name.to_owned(), QType::SelectOneCase, Some(false)))
    }

    /// The form's `case:` block, with every `save_to` checked against it;
    /// what cannot be kept is noted and left out.
    pub(crate) fn case_block(
        &mut self,
        questions: &mut [Question],
        lists: &IndexMap<String, ChoiceList>,
    ) -> Option<CaseBlock> {
        if let Some(d) = self.entities.decl.clone() {
            if let Some(pick) = &d.pick {
                if !picker_is_usable(questions, pick, false) {
                    self.note(SHEET, d.row, NoteKind::Unsupported, "case picker",
                        format!("the question `{pick}` that picks the entity is left out or inside a repeat; the entity list `{}` is left out, with the save_to columns, and a question that picks from it keeps the entity's id as text", d.list));
                    self.entities.left_out.insert(d.list.clone(), d.row);
                    self.entities.decl = None;
                    demote_pickers(questions);
                }
            }
        }
        let mut saved = HashMap::new();
        self.save_tos(questions, false, lists, &mut saved);
        let d = self.entities.decl.clone()?;
        let origin = |conv: &mut Converter, prop: &'static str| {
            conv.origin(Origin {
                sheet: SHEET.to_owned(),
                row: d.row,
                question: None,
                prop,
            })
        };
        let expr = |conv: &mut Converter, prop: &'static str, src: &Option<String>| {
            src.clone().map(|src| Expr {
                src,
                loc: origin(conv, prop),
            })
        };
        Some(CaseBlock {
            list: d.list.clone(),
            pick: d.pick.clone(),
            label: expr(self, "label", &d.label),
            create_if: expr(self, "create_if", &d.create_if),
            update_if: expr(self, "update_if", &d.update_if),
            loc: origin(self, ""),
            prop_locs: IndexMap::new(),
        })
    }

    fn save_tos(
        &mut self,
        qs: &mut [Question],
        in_repeat: bool,
        lists: &IndexMap<String, ChoiceList>,
        saved: &mut HashMap<String, u32>,
    ) {
        for q in qs {
            if let Some(raw) = q.save_to.take() {
                q.save_to = self.save_to(q, &raw, in_repeat, lists, saved);
            }
            let repeat = in_repeat || q.qtype == QType::Repeat;
            self.save_tos(&mut q.children, repeat, lists, saved);
        }
    }

    /// The case property `q` saves to, or `None` with a note.
    fn save_to(
        &mut self,
        q: &mut Question,
        raw: &str,
        in_repeat: bool,
        lists: &IndexMap<String, ChoiceList>,
        saved: &mut HashMap<String, u32>,
    ) -> Option<String> {
        let (sheet, row) = self.row_of(&q.loc);
        let (list, property) = match raw.split_once('#') {
            Some((l, p)) => (Some(l.trim()), p.trim()),
            None => (None, raw),
        };
        let why = self.save_to_problem(q, list, property, in_repeat);
        if let Some(why) = why {
            self.note(
                &sheet,
                row,
                NoteKind::Unsupported,
                "save_to",
                format!("`save_to: {raw}` is left out: {why}"),
            );
            return None;
        }
        let property = self.property_meaning(q, property, &sheet, row, lists);
        if let Some(first) = saved.get(&property) {
            self.note(&sheet, row, NoteKind::Unsupported, "save_to",
                format!("`save_to: {raw}` is left out: the property `{property}` is already saved by survey!{first}, and each property is saved by one question"));
            return None;
        }
        saved.insert(property.clone(), row);
        self.prefill(q, &property, &sheet, row);
        Some(property)
    }

    /// Why a `save_to` cannot be kept, if it cannot.
    fn save_to_problem(
        &self,
        q: &Question,
        list: Option<&str>,
        property: &str,
        in_repeat: bool,
    ) -> Option<String> {
        let left = &self.entities.left_out;
        let Some(d) = &self.entities.decl else {
            let named = list.and_then(|l| left.get(l).map(|r| (l, *r)));
            return Some(
                match named.or_else(|| left.iter().next().map(|(l, r)| (l.as_str(), *r))) {
                    Some((l, r)) => format!("the entity list `{l}` (entities!{r}) is left out"),
                    None => "the form has no entities sheet naming the entity list it saves to"
                        .to_owned(),
                },
            );
        };
        if let Some(l) = list {
            if l != d.list {
                return Some(match left.get(l) {
                    Some(r) => format!("the entity list `{l}` (entities!{r}) is left out"),
                    None => format!("the entities sheet names no entity list `{l}`"),
                });
            }
        }
        let lower = property.to_ascii_lowercase();
        Some(if property.contains('#') {
            "write the property alone, or `list#property` with one `#`".to_owned()
        } else if lower == "name" || lower == "label" {
            format!(
                "`{property}` is reserved for the case's {}, in ODK Entities as in Yim",
                if lower == "name" {
                    "id"
                } else {
                    "label, which the entities sheet's `label` sets"
                }
            )
        } else if property.starts_with("__") {
            "names starting with `__` are reserved for ODK's own entity properties".to_owned()
        } else if !valid_name(property) {
            format!("`{property}` is not a valid property name (a letter or `_` first, then letters, digits, `_`, `-` or `.`)")
        } else if in_repeat {
            "the question is inside a repeat, so it has one answer per entry; a Yim case property holds one value (entities saved from a repeat, as ODK Entities 2025.1 allows, are not supported)".to_owned()
        } else if !q.qtype.holds_value() {
            format!("a {} holds no value to save", q.qtype.keyword())
        } else {
            return None;
        })
    }

    /// The property a question saves to: as written, unless Yim gives the
    /// name a meaning the question cannot fill (the case's status, the date
    /// of the next visit), in which case it is saved under another name.
    fn property_meaning(
        &mut self,
        q: &Question,
        property: &str,
        sheet: &str,
        row: u32,
        lists: &IndexMap<String, ChoiceList>,
    ) -> String {
        let meaning = if property == STATUS_PROPERTY {
            let statuses = match &q.qtype {
                QType::SelectOne { list } => lists.get(list).is_some_and(|l| {
                    l.choices
                        .iter()
                        .all(|c| CaseStatus::parse(&c.name).is_some())
                }),
                _ => false,
            };
            (!statuses).then_some(
                "the case's status, which only a select_one with the choices open, referred and closed can save",
            )
        } else if property == NEXT_VISIT_PROPERTY {
            (q.qtype != QType::Date).then_some("the date of the next visit, which the home page sorts cases by and only a date question can save")
        } else {
            None
        };
        let Some(meaning) = meaning else {
            return property.to_owned();
        };
        let renamed = format!("odk_{property}");
        self.note(sheet, row, NoteKind::Changed, "save_to reserved property",
            format!("Yim reads the case property `{property}` as {meaning}; `{}` cannot, so its answer is saved to `{renamed}`", q.name));
        renamed
    }

    /// In a follow-up form, the ODK way to start a question with the picked
    /// case's value (a `calculation` looking the property up, triggered by
    /// the picker) is what `save_to` already does in Yim, so it is dropped;
    /// any other question that a person answers starts differently than in
    /// ODK, which is noted. A calculated question is never pre-filled.
    fn prefill(&mut self, q: &mut Question, property: &str, sheet: &str, row: u32) {
        let Some(d) = &self.entities.decl else { return };
        let Some(pick) = &d.pick else { return };
        if !prefilled(q) {
            return;
        }
        let lookup = squeeze(&prefill_lookup(&d.list, pick, property));
        let trigger = squeeze(&format!("${{{pick}}}"));
        let same =
            |e: &Option<Expr>, want: &str| e.as_ref().is_some_and(|e| squeeze(&e.src) == want);
        if same(&q.calculation, &lookup) && same(&q.trigger, &trigger) {
            q.calculation = None;
            q.trigger = None;
        } else {
            self.note(sheet, row, NoteKind::Changed, "save_to starts with the case's value",
                format!("in Yim `{}` starts with the picked case's `{property}`, which the volunteer may change; in ODK it did not", q.name));
        }
    }
}

/// Whether a follow-up form's `save_to` question starts with the picked
/// case's value in Yim: every question a person answers does, which is
/// one without a calculation, or whose calculation runs on a trigger.
pub(crate) fn prefilled(q: &Question) -> bool {
    q.qtype != QType::Calculate && (q.calculation.is_none() || q.trigger.is_some())
}

/// The expression ODK forms use to read a property of the case the picker
/// holds, as `export` writes it for a follow-up form's `save_to`s.
pub(crate) fn prefill_lookup(list: &str, pick: &str, property: &str) -> String {
    format!("instance('{list}')/root/item[name=${{{pick}}}]/{property}")
}

/// Removes a case expression that the engine rejects, returning its source
/// text, for the expression check; `prop` is `label`, `create_if` or
/// `update_if`.
pub(crate) fn take_case_expr(form: &mut Form, prop: &str) -> Option<String> {
    let case = form.case.as_mut()?;
    let slot = match prop {
        "label" => &mut case.label,
        "create_if" => &mut case.create_if,
        "update_if" => &mut case.update_if,
        _ => return None,
    };
    slot.take().map(|e| e.src)
}

/// An expression without its spaces and with one kind of quote, to compare
/// two spellings of the same look-up.
fn squeeze(src: &str) -> String {
    src.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '"' { '\'' } else { c })
        .collect()
}

/// The file a `select_one_from_file` type names, if the type is one.
fn from_file(ty: &str) -> Option<String> {
    let mut words = ty.split_whitespace();
    let head = words.next()?;
    if !head.eq_ignore_ascii_case("select_one_from_file") {
        return None;
    }
    words.next().map(str::to_owned)
}

/// `children.csv` → `children`.
fn file_stem(file: &str) -> &str {
    file.rsplit_once('.').map_or(file, |(s, _)| s)
}

/// The survey question that picks the entity a follow-up form updates:
/// the question `entity_id` names as `${q}` when it selects from a file
/// (`exact`), else the first one that selects from the list's own CSV file.
fn picker_row(survey: &Table, list: &str, entity_id: &str) -> Option<(String, bool)> {
    let named = entity_id
        .trim()
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .map(str::trim);
    let rows = survey.rows.iter().filter_map(|r| {
        let file = from_file(survey.value(r, "type"))?;
        let name = survey.value(r, "name").trim().to_owned();
        (!name.is_empty()).then_some((name, file))
    });
    let mut first_of_list = None;
    for (name, file) in rows {
        if Some(name.as_str()) == named {
            return Some((name, true));
        }
        if first_of_list.is_none() && file_stem(&file) == list {
            first_of_list = Some(name);
        }
    }
    first_of_list.map(|n| (n, false))
}

/// Whether the picker `pick` is in the form, outside any repeat.
fn picker_is_usable(qs: &[Question], pick: &str, in_repeat: bool) -> bool {
    qs.iter().any(|q| {
        (q.name == pick && q.qtype == QType::SelectOneCase && !in_repeat)
            || picker_is_usable(&q.children, pick, in_repeat || q.qtype == QType::Repeat)
    })
}

/// A picker without a case list keeps its answer, the entity's id, as text.
fn demote_pickers(qs: &mut [Question]) {
    for q in qs {
        if q.qtype == QType::SelectOneCase {
            q.qtype = QType::Text;
        }
        demote_pickers(&mut q.children);
    }
}
