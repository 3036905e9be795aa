//! From sheets of text to a [`Form`], with a note for every row that does
//! not convert exactly.
//!
//! This module holds the [`Converter`] and the parts that concern the whole
//! form (languages, texts, settings). The sheets have their own modules:
//! `survey` and `choices` read rows, and `names` makes the passes that need
//! the whole question tree (`or_other`, XPath paths, unique names).

use std::collections::HashMap;
use std::sync::Arc;

use indexmap::IndexMap;
use yim_form::{Expr, Form, Loc, Settings, Text};

use crate::columns::{self, Table, CHOICES_ALIASES, SURVEY_ALIASES};
use crate::lang;
use crate::report::{Note, NoteKind};
use crate::sheet::{Row, Sheet};

/// Where a question or one of its expressions came from. Every [`Loc`] in
/// the converted form names an origin by its index (`#12`) instead of a
/// file, so that a problem the expression checker finds points back to a
/// spreadsheet row.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    pub(crate) sheet: String,
    pub(crate) row: u32,
    /// The question's own origin key, for finding it again after renames.
    pub(crate) question: Option<Arc<str>>,
    /// The property (`relevant`, `calculation`, ...), or "" for the question.
    pub(crate) prop: &'static str,
}

/// The state of one conversion: the notes so far, the origins that
/// locations stand for, and what the headers said about languages.
pub(crate) struct Converter {
    pub(crate) notes: Vec<Note>,
    pub(crate) origins: Vec<Origin>,
    /// The form's language codes, in order.
    pub(crate) languages: Vec<String>,
    /// Language as written in a header → its code.
    pub(crate) codes: HashMap<String, String>,
    pub(crate) default_language: String,
    /// Choice names that had to change (spaces) → their new names.
    pub(crate) renamed_choices: HashMap<String, String>,
    /// Names of questions left out, with their rows, for clearer notes when
    /// an expression refers to one.
    pub(crate) left_out: HashMap<String, u32>,
    /// XPath paths that lead to no question, by the location key of the
    /// expression they are in.
    pub(crate) unresolved_paths: HashMap<String, Vec<String>>,
    /// What the entities sheet declares (`entities.rs`).
    pub(crate) entities: crate::entities::Entities,
    /// The choice lists declared for `select_one_from_file` files
    /// (`fromfile.rs`).
    pub(crate) file_lists: crate::fromfile::FileLists,
}

impl Converter {
    pub(crate) fn new() -> Converter {
        Converter {
            notes: Vec::new(),
            origins: Vec::new(),
            languages: Vec::new(),
            codes: HashMap::new(),
            default_language: String::new(),
            renamed_choices: HashMap::new(),
            left_out: HashMap::new(),
            unresolved_paths: HashMap::new(),
            entities: Default::default(),
            file_lists: Default::default(),
        }
    }

    pub(crate) fn note(
        &mut self,
        sheet: &str,
        row: u32,
        kind: NoteKind,
        feature: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.notes
            .push(Note::new(sheet, row, kind, feature, message));
    }

    /// A location that stands for `origin`.
    pub(crate) fn origin(&mut self, origin: Origin) -> Loc {
        self.origins.push(origin);
        Loc::new(format!("#{}", self.origins.len() - 1), 1, 1)
    }

    /// Converts the sheets of a workbook. `stem` (the file name without its
    /// extension) stands in for a missing form id.
    pub(crate) fn convert(&mut self, sheets: &[Sheet], stem: &str) -> Option<Form> {
        let find = |name: &str| {
            sheets
                .iter()
                .find(|s| s.name.trim().eq_ignore_ascii_case(name))
        };
        let Some(survey) = find("survey") else {
            let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
            self.note(
                "file",
                0,
                NoteKind::Unsupported,
                "no survey sheet",
                format!(
                    "expected a sheet called 'survey', but found {}",
                    list_or_none(&names)
                ),
            );
            return None;
        };
        for s in sheets {
            let known = ["survey", "choices", "settings", crate::entities::SHEET]
                .iter()
                .any(|k| s.name.trim().eq_ignore_ascii_case(k));
            if !known && !s.rows.is_empty() {
                let name = s.name.clone();
                self.note(
                    &name,
                    0,
                    NoteKind::Unsupported,
                    format!("sheet {name}"),
                    format!("the sheet '{name}' is not read; Yim reads the survey, choices, settings and entities sheets"),
                );
            }
        }
        let survey = Table::new(survey, SURVEY_ALIASES);
        let choices = find("choices").map(|s| Table::new(s, CHOICES_ALIASES));
        let settings = find("settings").map(|s| Table::new(s, &[]));

        let mut tables = vec![&survey];
        tables.extend(choices.as_ref());
        self.languages(&tables);

        let meta = self.settings(settings.as_ref(), stem);
        let lists = choices
            .as_ref()
            .map(|c| self.choices(c))
            .unwrap_or_default();
        self.entities_sheet(find(crate::entities::SHEET), &survey);
        let mut questions = self.survey(&survey, &lists);
        let mut lists = lists;
        lists.extend(self.file_lists.take());
        let case = self.case_block(&mut questions, &lists);
        self.or_other(&mut questions, &mut lists);
        self.rewrite_paths(&mut questions);
        self.unique_names(&mut questions);
        let answerable = answerable_names(&questions);
        self.label_references(&mut questions, &answerable);

        if questions.is_empty() {
            self.note(
                &survey.sheet,
                0,
                NoteKind::Unsupported,
                "no questions",
                "expected questions on the survey sheet, but none could be converted",
            );
            return None;
        }
        let form_loc = self.origin(Origin {
            sheet: "settings".into(),
            row: meta.row,
            question: None,
            prop: "",
        });
        // `instance_name` names each record in the app's lists. It is
        // written with `${name}` references, as in XLSForm; the engine
        // reports anything it cannot read at the settings row.
        let instance_name = meta.instance_name.clone().map(|src| Expr {
            src,
            loc: self.origin(Origin {
                sheet: "settings".into(),
                row: meta.row,
                question: None,
                prop: "instance_name",
            }),
        });
        Some(Form {
            id: meta.id,
            version: meta.version,
            title: meta.title,
            languages: self.languages.clone(),
            default_language: self.default_language.clone(),
            partial_languages: Vec::new(),
            settings: Settings {
                instance_name,
                ..Settings::default()
            },
            questions,
            choices: lists,
            case,
            extends: None,
            loc: form_loc,
            prop_locs: IndexMap::new(),
        })
    }

    /// Finds the languages of the texts and their codes.
    fn languages(&mut self, tables: &[&Table]) {
        for (written, sheet, row) in columns::languages(tables) {
            let (code, guessed) = lang::code_for(&written);
            // A language whose columns are all empty adds nothing but a
            // duty to fill in every text in it.
            let used = tables.iter().any(|t| {
                t.columns
                    .iter()
                    .filter(|c| c.lang.as_deref() == Some(written.as_str()))
                    .any(|c| t.rows.iter().any(|r| !r.get(c.index).is_empty()))
            });
            if !used {
                self.note(
                    &sheet,
                    row,
                    NoteKind::Changed,
                    "language without texts",
                    format!("the language '{written}' has no texts in any column; it is left out"),
                );
                continue;
            }
            if guessed && !self.languages.contains(&code) {
                self.note(
                    &sheet,
                    row,
                    NoteKind::Changed,
                    "language code guessed",
                    format!("the language '{written}' has no code in parentheses, such as '{written} ({code})'; the code `{code}` is used"),
                );
            }
            self.codes.insert(written, code.clone());
            if !self.languages.contains(&code) {
                self.languages.push(code);
            }
        }
        self.default_language = self.languages.first().cloned().unwrap_or_default();
    }

    /// The text of `key` in `row`: one string, or one per language.
    pub(crate) fn text(&mut self, t: &Table, row: &Row, key: &str) -> Option<Text> {
        let plain = t.value(row, key).to_owned();
        if self.languages.is_empty() {
            return (!plain.is_empty()).then_some(Text::Any(plain));
        }
        let mut by_code: IndexMap<String, String> = IndexMap::new();
        for (written, col) in t.translated(key) {
            let Some(code) = self.codes.get(&written) else {
                continue;
            };
            let v = row.get(col);
            if !v.is_empty() && !by_code.contains_key(code) {
                by_code.insert(code.clone(), v.to_owned());
            }
        }
        if by_code.is_empty() {
            return (!plain.is_empty()).then_some(Text::Any(plain));
        }
        let fallback = if !plain.is_empty() {
            None
        } else {
            let from = if by_code.contains_key(&self.default_language) {
                self.default_language.clone()
            } else {
                by_code.keys().next().cloned().unwrap_or_default()
            };
            Some(from)
        };
        let mut missing = Vec::new();
        let mut map = IndexMap::new();
        for code in &self.languages {
            let v = match by_code.get(code) {
                Some(v) => v.clone(),
                None => {
                    missing.push(format!("`{code}`"));
                    match &fallback {
                        Some(from) => by_code[from].clone(),
                        None => plain.clone(),
                    }
                }
            };
            map.insert(code.clone(), v);
        }
        if let (Some(from), false) = (&fallback, missing.is_empty()) {
            let what = key.replace('_', " ");
            self.note(
                &t.sheet,
                row.number,
                NoteKind::Changed,
                "missing translation",
                format!(
                    "the {what} has no {} text; the `{from}` text is used",
                    missing.join(" or ")
                ),
            );
        }
        Some(Text::Langs(map))
    }

    fn settings(&mut self, t: Option<&Table>, stem: &str) -> Meta {
        let row = t.and_then(|t| t.rows.first()).cloned();
        let get = |key: &str| match (t, &row) {
            (Some(t), Some(r)) => t.value(r, key).to_owned(),
            _ => String::new(),
        };
        let row_no = row.as_ref().map_or(0, |r| r.number);
        if let (Some(t), Some(r)) = (t, &row) {
            for c in &t.columns {
                let known = matches!(
                    c.key.as_str(),
                    "form_id" | "form_title" | "version" | "default_language" | "instance_name"
                ) || (c.key == "label"
                    && c.lang.as_ref().is_some_and(|l| self.codes.contains_key(l)));
                // Yim trims every cell, which is what pyxform's default
                // `clean_text_values: yes` asks for; a `no` cannot be
                // followed, but nothing is left out for it.
                if c.key == "clean_text_values" {
                    let v = r.get(c.index).trim().to_ascii_lowercase();
                    if !matches!(v.as_str(), "" | "yes" | "true" | "true()" | "1") {
                        self.note(
                            "settings",
                            r.number,
                            NoteKind::Changed,
                            "setting clean_text_values",
                            format!("`clean_text_values: {v}` asks to keep the spaces in texts as typed; Yim trims the ends of every cell"),
                        );
                    }
                    continue;
                }
                // `style: pages` shows a page per question or `field-list`
                // group; Yim shows a page per top-level group, with the
                // questions between groups together, which is what such
                // forms are laid out for. Other themes only change looks.
                let pages = c.key == "style" && r.get(c.index).trim().eq_ignore_ascii_case("pages");
                if !known && !pages && !r.get(c.index).is_empty() {
                    let header = c.header.clone();
                    self.note(
                        "settings",
                        r.number,
                        NoteKind::Unsupported,
                        format!("setting {}", c.key),
                        format!("unsupported setting '{header}'"),
                    );
                }
            }
        }
        let mut id = get("form_id");
        if id.is_empty() {
            id = name_from(stem);
            self.note(
                "settings",
                row_no,
                NoteKind::Changed,
                "form id from file name",
                format!("there is no form_id; the id `{id}` is made from the file name"),
            );
        } else if !valid_name(&id) {
            let fixed = name_from(&id);
            self.note(
                "settings",
                row_no,
                NoteKind::Changed,
                "form id renamed",
                format!("the form_id '{id}' is not a valid Yim name; `{fixed}` is used"),
            );
            id = fixed;
        }
        let mut version = get("version");
        if version.is_empty() {
            version = "1".to_owned();
            self.note(
                "settings",
                row_no,
                NoteKind::Changed,
                "no version",
                "there is no version; `1` is used, because Yim stores a version with every record",
            );
        }
        let mut plain_title = get("form_title");
        if plain_title.is_empty() {
            plain_title = id.clone();
        }
        let default = get("default_language");
        if !default.is_empty() && !self.languages.is_empty() {
            let code = self
                .codes
                .get(&default)
                .cloned()
                .unwrap_or_else(|| lang::code_for(&default).0);
            if self.languages.contains(&code) {
                self.default_language = code;
            } else {
                let first = self.default_language.clone();
                self.note(
                    "settings",
                    row_no,
                    NoteKind::Changed,
                    "default language",
                    format!("the default_language '{default}' has no texts in the form; `{first}` is used"),
                );
            }
        }
        // A title per language (`label::English (en)`), as some forms write
        // it and as `export` does: pyxform reads only `form_title`, but Yim
        // shows the title in the volunteer's language.
        let title = match (t, &row) {
            (Some(t), Some(r)) if !self.languages.is_empty() => self.text(t, r, "label"),
            _ => None,
        };
        let title = match title {
            Some(Text::Langs(map)) => Text::Langs(map),
            _ => Text::Any(plain_title),
        };
        let instance_name = Some(get("instance_name").trim().to_owned()).filter(|s| !s.is_empty());
        Meta {
            id,
            version,
            title,
            instance_name,
            row: row_no,
        }
    }

    /// The sheet and row a location stands for.
    pub(crate) fn row_of(&self, loc: &Loc) -> (String, u32) {
        self.origin_of(loc)
            .map_or(("survey".to_owned(), 0), |o| (o.sheet.clone(), o.row))
    }

    pub(crate) fn origin_of(&self, loc: &Loc) -> Option<&Origin> {
        loc.file
            .strip_prefix('#')
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| self.origins.get(i))
    }
}

/// Metadata from the settings sheet.
struct Meta {
    id: String,
    version: String,
    title: Text,
    /// The `instance_name` expression, when the sheet has one.
    instance_name: Option<String>,
    row: u32,
}

pub(crate) fn a_or_an(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

pub(crate) fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "no sheets".to_owned()
    } else {
        names
            .iter()
            .map(|n| format!("'{n}'"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether `name` follows Yim's name rules.
pub(crate) fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// A valid name made from any text: other characters become `_`.
pub(crate) fn name_from(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// Names of every question that holds an answer or a calculation, the names
/// a label may show.
fn answerable_names(questions: &[yim_form::Question]) -> std::collections::HashSet<String> {
    fn walk(qs: &[yim_form::Question], out: &mut std::collections::HashSet<String>) {
        for q in qs {
            if !q.qtype.is_container() {
                out.insert(q.name.clone());
            }
            walk(&q.children, out);
        }
    }
    let mut out = std::collections::HashSet::new();
    walk(questions, &mut out);
    out
}
