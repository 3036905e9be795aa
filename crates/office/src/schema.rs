//! The tables of one form id: which columns each table has, in which order,
//! with which type, and how one response becomes rows. This is plain data,
//! so that the command line, the studio or a server can lay out answers the
//! same way and write them wherever they like.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};
use yim_bundle::BundleForm;
use yim_form::{Form, MemFiles, QType};

/// What a column holds, for writers that keep types (Parquet). CSV writes
/// every kind as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text, choices, times of day, locations, and anything whose versions
    /// disagree about its type.
    Text,
    /// An `integer` question.
    Integer,
    /// A `decimal` question.
    Decimal,
    /// A `date` question: `YYYY-MM-DD`.
    Date,
    /// A `datetime` question, or a response's `Created` and `Updated`.
    DateTime,
}

impl Kind {
    fn of(qtype: &QType) -> Kind {
        match qtype {
            QType::Integer => Kind::Integer,
            QType::Decimal | QType::Range => Kind::Decimal,
            QType::Date => Kind::Date,
            QType::DateTime => Kind::DateTime,
            _ => Kind::Text,
        }
    }
}

/// One column of answers: a question, or an answer key that no version of
/// the form knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The question's name, which is the column's header.
    pub name: String,
    /// For select questions: each choice's label in the form's default
    /// language.
    pub labels: BTreeMap<String, String>,
    /// What the column holds.
    pub kind: Kind,
}

/// One table: the responses, or the entries of one repeat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The repeat's name; None for the table of responses.
    pub repeat: Option<String>,
    /// The answer columns, in form order. The key columns follow them (see
    /// [`Table::keys`]).
    pub columns: Vec<Column>,
    /// Which key columns follow the answers.
    pub layout: Layout,
}

/// Which key columns follow a table's answer columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A form's responses: [`RESPONSE_KEYS`].
    Responses,
    /// A form's responses, some of which open or update cases:
    /// [`CASE_RESPONSE_KEYS`].
    CaseVisits,
    /// A repeat's entries: [`REPEAT_KEYS`].
    Repeat,
    /// A table whose every column is in [`Table::columns`], such as the
    /// case table.
    Plain,
}

/// The key and record columns that follow a response's answers, ODK
/// Central's names, and then, for a form whose responses open or update
/// cases, the case's id, so that a visit row joins the case table
/// (`cases.csv`) on it.
pub const CASE_RESPONSE_KEYS: [&str; 7] = [
    "KEY",
    "FormVersion",
    "DeviceID",
    "Created",
    "Updated",
    "Status",
    CASE_KEY,
];

/// The key and record columns that follow a response's answers when no
/// response of the form changed a case: ODK Central's.
pub const RESPONSE_KEYS: &[&str] = CASE_RESPONSE_KEYS.split_at(6).0;

/// The name of the column that holds a visit's case id.
pub const CASE_KEY: &str = "case_id";

/// The columns that follow a repeat entry's answers: the key of the row it
/// belongs to and its own.
pub const REPEAT_KEYS: [&str; 2] = ["PARENT_KEY", "KEY"];

impl Table {
    /// The names of the columns that follow the answers.
    pub fn keys(&self) -> &'static [&'static str] {
        match self.layout {
            Layout::Responses => RESPONSE_KEYS,
            Layout::CaseVisits => &CASE_RESPONSE_KEYS,
            Layout::Repeat => &REPEAT_KEYS,
            Layout::Plain => &[],
        }
    }

    /// The kind of the `i`th key column: the response's times are times.
    pub fn key_kind(&self, i: usize) -> Kind {
        match (self.layout, self.keys()[i]) {
            (Layout::Responses | Layout::CaseVisits, "Created" | "Updated") => Kind::DateTime,
            _ => Kind::Text,
        }
    }

    /// Every header, answers first: what the CSV's first line holds.
    pub fn header(&self) -> Vec<String> {
        self.columns
            .iter()
            .map(|c| c.name.clone())
            .chain(self.keys().iter().map(|k| (*k).to_string()))
            .collect()
    }
}

/// The tables of one form id, across every version its responses use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    /// The table of responses first, then one table per repeat.
    pub tables: Vec<Table>,
    by_repeat: BTreeMap<String, usize>,
}

impl Default for Schema {
    fn default() -> Schema {
        Schema::new()
    }
}

/// One row: the answers of one response or repeat entry (None when there
/// is no answer) and the key columns as text.
#[derive(Clone, Debug, PartialEq)]
pub struct Row<'a> {
    /// Which of [`Schema::tables`] the row belongs to.
    pub table: usize,
    /// One value per answer column.
    pub answers: Vec<Option<&'a Json>>,
    /// One text per key column.
    pub keys: Vec<String>,
}

impl Schema {
    /// A schema with the table of responses and no column yet.
    pub fn new() -> Schema {
        Schema {
            tables: vec![Table {
                repeat: None,
                columns: Vec::new(),
                layout: Layout::Responses,
            }],
            by_repeat: BTreeMap::new(),
        }
    }

    /// Adds a version's questions in form order: a repeat becomes a table,
    /// groups and notes add nothing, every other question is a column of the
    /// table of its nearest enclosing repeat. Versions are added newest
    /// first, so the newest version's order leads.
    pub fn add_form(&mut self, form: &Form) {
        let lang = form.default_language.as_str();
        for w in form.walk() {
            let q = w.question;
            let table = match w.parents.iter().rev().find(|p| p.qtype == QType::Repeat) {
                Some(r) => self.table(&r.name),
                None => 0,
            };
            match &q.qtype {
                QType::Group | QType::Note => {}
                QType::Repeat => {
                    self.table(&q.name);
                }
                other => {
                    let labels = other
                        .list()
                        .and_then(|l| form.choices.get(l))
                        .map(|list| {
                            list.choices
                                .iter()
                                .map(|c| (c.name.clone(), c.label.get(lang, lang).to_string()))
                                .collect()
                        })
                        .unwrap_or_default();
                    self.column(table, &q.name, labels, Some(Kind::of(other)));
                }
            }
        }
    }

    /// Ends the table of responses with the [`CASE_KEY`] column, for a form
    /// some of whose responses open or update cases.
    pub fn add_case_column(&mut self) {
        self.tables[0].layout = Layout::CaseVisits;
    }

    /// The table of repeat `name`, added at the end when it is new.
    fn table(&mut self, name: &str) -> usize {
        if let Some(&t) = self.by_repeat.get(name) {
            return t;
        }
        self.tables.push(Table {
            repeat: Some(name.to_string()),
            columns: Vec::new(),
            layout: Layout::Repeat,
        });
        self.by_repeat
            .insert(name.to_string(), self.tables.len() - 1);
        self.tables.len() - 1
    }

    /// Adds a column, or the labels it lacks when it exists (the first
    /// version added, the most recent one, names choices first). A column
    /// whose versions disagree about its type holds text, which any answer
    /// fits. `kind` is None for an answer key found in a response, which
    /// adds a text column when no version has one and changes nothing
    /// otherwise.
    fn column(
        &mut self,
        table: usize,
        name: &str,
        labels: BTreeMap<String, String>,
        kind: Option<Kind>,
    ) {
        let columns = &mut self.tables[table].columns;
        match columns.iter_mut().find(|c| c.name == name) {
            Some(c) => {
                for (k, v) in labels {
                    c.labels.entry(k).or_insert(v);
                }
                if kind.is_some_and(|k| k != c.kind) {
                    c.kind = Kind::Text;
                }
            }
            None => columns.push(Column {
                name: name.to_string(),
                labels,
                kind: kind.unwrap_or(Kind::Text),
            }),
        }
    }

    /// Adds a column for every answer key no form version knows, and a
    /// table for every unknown list of objects, so no answer is dropped.
    /// `frame` is a response's answers (table 0) or a repeat entry.
    pub fn discover(&mut self, table: usize, frame: &Map<String, Json>) {
        for (key, value) in frame {
            let items = match value {
                Json::Array(items) if !items.is_empty() && items.iter().all(Json::is_object) => {
                    Some(items)
                }
                _ => None,
            };
            let known_repeat = self.by_repeat.get(key).copied();
            match (known_repeat, items) {
                (Some(t), Some(items)) => self.discover_all(t, items),
                // An empty repeat has no rows; anything else under a repeat's
                // name (a version where it was a question) gets a column.
                (Some(_), None)
                    if value.is_null() || value.as_array().is_some_and(Vec::is_empty) => {}
                (Some(_), None) => self.column(table, key, BTreeMap::new(), None),
                (None, Some(items))
                    if !self.tables[table].columns.iter().any(|c| c.name == *key) =>
                {
                    let t = self.table(key);
                    self.discover_all(t, items);
                }
                (None, _) => self.column(table, key, BTreeMap::new(), None),
            }
        }
    }

    fn discover_all(&mut self, table: usize, items: &[Json]) {
        for item in items {
            if let Json::Object(entry) = item {
                self.discover(table, entry);
            }
        }
    }

    /// Makes a typed column text when one of `frame`'s answers does not fit
    /// its type (an old version's answer, or a forged one), so that a typed
    /// writer drops nothing. Returns the names of the columns it changed.
    pub fn widen(&mut self, table: usize, frame: &Map<String, Json>) -> Vec<String> {
        let mut widened = Vec::new();
        for column in &mut self.tables[table].columns {
            if column.kind == Kind::Text {
                continue;
            }
            if let Some(value) = frame.get(&column.name) {
                if !value.is_null() && Typed::of(value, column.kind).is_none() {
                    column.kind = Kind::Text;
                    widened.push(column.name.clone());
                }
            }
        }
        for (key, value) in frame {
            let (Some(&t), Json::Array(items)) = (self.by_repeat.get(key), value) else {
                continue;
            };
            for item in items {
                if let Json::Object(entry) = item {
                    widened.extend(self.widen(t, entry));
                }
            }
        }
        widened
    }

    /// The rows of one response: its own, then one for every repeat entry,
    /// keyed the way ODK Central keys them (`id/household[1]/visits[2]`).
    /// `record` holds the texts of the response's key columns (see
    /// [`Table::keys`]): its id first.
    pub fn rows<'a>(
        &self,
        answers: &'a Map<String, Json>,
        record: &[&str],
        out: &mut Vec<Row<'a>>,
    ) {
        let keys: Vec<String> = record.iter().map(|s| (*s).to_string()).collect();
        out.push(Row {
            table: 0,
            answers: self.frame(0, answers),
            keys,
        });
        self.repeat_rows(answers, record[0], out);
    }

    fn frame<'a>(&self, table: usize, frame: &'a Map<String, Json>) -> Vec<Option<&'a Json>> {
        self.tables[table]
            .columns
            .iter()
            .map(|c| frame.get(&c.name))
            .collect()
    }

    fn repeat_rows<'a>(
        &self,
        frame: &'a Map<String, Json>,
        parent_key: &str,
        out: &mut Vec<Row<'a>>,
    ) {
        for (key, value) in frame {
            let (Some(&t), Json::Array(items)) = (self.by_repeat.get(key), value) else {
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                let Json::Object(entry) = item else { continue };
                let entry_key = format!("{parent_key}/{key}[{}]", i + 1);
                out.push(Row {
                    table: t,
                    answers: self.frame(t, entry),
                    keys: vec![parent_key.to_string(), entry_key.clone()],
                });
                self.repeat_rows(entry, &entry_key, out);
            }
        }
    }
}

/// One value as text, as the CSV has it. A `select_multiple` is its choice
/// names joined by spaces (ODK's way), or its labels joined by "; " with
/// `labels`.
pub fn text(value: Option<&Json>, column: &Column, labels: bool) -> String {
    let label = |name: &str| -> String {
        match column.labels.get(name) {
            Some(l) if labels && !l.is_empty() => l.clone(),
            _ => name.to_string(),
        }
    };
    let scalar = |v: &Json| match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    };
    match value {
        None | Some(Json::Null) => String::new(),
        Some(Json::String(s)) if labels && !column.labels.is_empty() => s
            .split_whitespace()
            .map(label)
            .collect::<Vec<_>>()
            .join("; "),
        Some(Json::Array(items)) => {
            let names = items.iter().map(|i| label(&scalar(i)));
            names
                .collect::<Vec<_>>()
                .join(if labels { "; " } else { " " })
        }
        Some(other) => scalar(other),
    }
}

/// A typed value, for writers that keep types.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Typed {
    /// A whole number.
    Integer(i64),
    /// A number.
    Decimal(f64),
    /// Days since 1970-01-01.
    Date(i32),
    /// Milliseconds since 1970-01-01T00:00:00Z.
    DateTime(i64),
}

impl Typed {
    /// `value` as `kind`, or None when it does not fit (text never fits a
    /// typed kind: it stays text).
    pub fn of(value: &Json, kind: Kind) -> Option<Typed> {
        match (kind, value) {
            (Kind::Integer, Json::Number(n)) => n.as_i64().map(Typed::Integer),
            (Kind::Decimal, Json::Number(n)) => n.as_f64().map(Typed::Decimal),
            (Kind::Date, Json::String(s)) => {
                let date = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
                let days = date
                    .signed_duration_since(chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?)
                    .num_days();
                i32::try_from(days).ok().map(Typed::Date)
            }
            (Kind::DateTime, Json::String(s)) => yim_bundle::Timestamp::parse(s)
                .ok()
                .map(|t| Typed::DateTime(t.unix_ms())),
            _ => None,
        }
    }
}

/// Reads a resolved form as it came in a bundle, or says why it cannot be
/// read (its columns then follow the answers).
pub fn load(form: &BundleForm) -> Result<Form, String> {
    let path = format!("forms/{}.yaml", form.hash());
    let files = MemFiles::new().with(&path, form.yaml.clone());
    match yim_form::load(&path, &files) {
        (Some(f), _) => Ok(f),
        (None, diagnostics) => Err(diagnostics
            .first()
            .map_or_else(|| "no form in the file".to_string(), |d| d.message.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(yaml: &str) -> Schema {
        let form = BundleForm {
            id: "t".into(),
            version: "1".into(),
            yaml: yaml.into(),
        };
        let mut s = Schema::new();
        s.add_form(&load(&form).unwrap());
        s
    }

    const FORM: &str = "form: {id: t, version: '1', title: T}\nquestions:\n  - {name: n, type: integer, label: N}\n  - {name: d, type: date, label: D}\n  - name: kids\n    type: repeat\n    label: K\n    questions:\n      - {name: w, type: decimal, label: W}\n";

    #[test]
    fn columns_take_their_type_from_the_form_and_repeats_become_tables() {
        let s = schema(FORM);
        let kinds: Vec<_> = s
            .tables
            .iter()
            .map(|t| {
                (
                    t.repeat.clone(),
                    t.columns
                        .iter()
                        .map(|c| (c.name.clone(), c.kind))
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                (
                    None,
                    vec![("n".into(), Kind::Integer), ("d".into(), Kind::Date)]
                ),
                (Some("kids".into()), vec![("w".into(), Kind::Decimal)]),
            ]
        );
        assert_eq!(s.tables[0].key_kind(3), Kind::DateTime);
        assert_eq!(s.tables[1].header(), ["w", "PARENT_KEY", "KEY"]);
    }

    #[test]
    fn discovering_answers_keeps_the_forms_types_and_adds_text_columns() {
        let mut s = schema(FORM);
        let answers = json!({"n": 4, "extra": 1, "kids": [{"w": 2.5, "x": "y"}]});
        s.discover(0, answers.as_object().unwrap());
        let kinds: Vec<Vec<_>> = s
            .tables
            .iter()
            .map(|t| {
                t.columns
                    .iter()
                    .map(|c| (c.name.as_str(), c.kind))
                    .collect()
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                vec![
                    ("n", Kind::Integer),
                    ("d", Kind::Date),
                    ("extra", Kind::Text)
                ],
                vec![("w", Kind::Decimal), ("x", Kind::Text)],
            ]
        );
    }

    #[test]
    fn an_answer_that_does_not_fit_makes_its_column_text() {
        let mut s = schema(FORM);
        let fits = json!({"n": 4, "d": "2026-11-01", "kids": [{"w": 2.5}]});
        assert!(s.widen(0, fits.as_object().unwrap()).is_empty());
        let odd = json!({"n": 4.5, "kids": [{"w": "heavy"}]});
        assert_eq!(s.widen(0, odd.as_object().unwrap()), ["n", "w"]);
        assert_eq!(s.tables[0].columns[0].kind, Kind::Text);
        assert_eq!(s.tables[0].columns[1].kind, Kind::Date);
        assert_eq!(s.tables[1].columns[0].kind, Kind::Text);
    }

    #[test]
    fn typed_values() {
        let cases = [
            (json!(4), Kind::Integer, Some(Typed::Integer(4))),
            (json!(4.5), Kind::Integer, None),
            (json!("4"), Kind::Integer, None),
            (json!(4.5), Kind::Decimal, Some(Typed::Decimal(4.5))),
            (json!("1970-01-02"), Kind::Date, Some(Typed::Date(1))),
            (json!("2026-02-30"), Kind::Date, None),
            (
                json!("1970-01-01T07:00:01+07:00"),
                Kind::DateTime,
                Some(Typed::DateTime(1000)),
            ),
            (json!("yesterday"), Kind::DateTime, None),
        ];
        for (value, kind, expected) in cases {
            assert_eq!(Typed::of(&value, kind), expected, "{value} as {kind:?}");
        }
    }

    #[test]
    fn rows_are_keyed_like_odk_central() {
        let s = schema(FORM);
        let answers = json!({"n": 1, "kids": [{"w": 1.5}, {"w": 2}]});
        let mut rows = Vec::new();
        s.rows(
            answers.as_object().unwrap(),
            &["r1", "1", "dev", "c", "u", "finalized"],
            &mut rows,
        );
        let keys: Vec<_> = rows.iter().map(|r| (r.table, r.keys.clone())).collect();
        assert_eq!(
            keys,
            vec![
                (
                    0,
                    vec!["r1", "1", "dev", "c", "u", "finalized"]
                        .into_iter()
                        .map(String::from)
                        .collect()
                ),
                (1, vec!["r1".to_string(), "r1/kids[1]".to_string()]),
                (1, vec!["r1".to_string(), "r1/kids[2]".to_string()]),
            ]
        );
        assert_eq!(rows[0].answers, vec![Some(&json!(1)), None]);
    }
}
