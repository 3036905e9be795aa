//! The survey sheet: rows to a question tree.

use std::collections::HashSet;
use std::sync::Arc;

use indexmap::IndexMap;
use yim_form::{ChoiceList, Expr, Loc, Parameters, QType, Question, Text};

use crate::columns::Table;
use crate::convert::{a_or_an, Converter, Origin};
use crate::report::NoteKind;
use crate::sheet::Row;

/// The survey columns Yim reads, in the order `export` writes them.
pub(crate) const SURVEY_KEYS: &[&str] = &[
    "type",
    "name",
    "label",
    "hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
    "default",
    "read_only",
    "choice_filter",
    "trigger",
    "appearance",
    "repeat_count",
    "parameters",
    "save_to",
];

/// What a survey row's `type` says.
#[derive(Clone, Debug, PartialEq)]
enum RowType {
    Question(QType),
    BeginGroup,
    BeginRepeat,
    BeginLoop,
    End(&'static str),
    /// `range`: a number picked on a slider.
    Range,
    /// `barcode`: text typed by hand.
    Barcode,
    /// `start`, `today`: a value fixed when the form is opened.
    Fixed(&'static str),
    /// Metadata a browser can never read (`imei`, `phonenumber`): a
    /// calculate that stays empty, so the column keeps its place in the
    /// data, with the reason.
    Blank(&'static str),
    /// `select_one_from_file FILE`: choices from a file attached to the
    /// ODK form, which the workbook does not hold (`fromfile.rs`).
    FromFile,
    /// An XLSForm type Yim does not have, with a short reason.
    Unsupported(&'static str),
    Unknown,
}

impl Converter {
    pub(crate) fn survey(
        &mut self,
        t: &Table,
        lists: &IndexMap<String, ChoiceList>,
    ) -> Vec<Question> {
        struct Frame {
            q: Question,
            row: u32,
            /// A loop: everything inside is left out with it.
            skip: bool,
        }
        let mut top: Vec<Question> = Vec::new();
        let mut stack: Vec<Frame> = Vec::new();
        let sheet = t.sheet.clone();
        for row in &t.rows {
            let ty = t.value(row, "type").to_owned();
            let name = t.value(row, "name").to_owned();
            if ty.is_empty() {
                self.note(
                    &sheet,
                    row.number,
                    NoteKind::Unsupported,
                    "row without type",
                    "the row has no type; it is left out",
                );
                continue;
            }
            let (row_type, list, or_other) = parse_type(&ty);
            if let Some(frame) = stack.iter().rev().find(|f| f.skip) {
                let begun = frame.row;
                match row_type {
                    RowType::End(_) => {}
                    _ => {
                        self.note(
                            &sheet,
                            row.number,
                            NoteKind::Unsupported,
                            "inside loop",
                            format!("left out with the loop begun on row {begun}"),
                        );
                        if matches!(
                            row_type,
                            RowType::BeginGroup | RowType::BeginRepeat | RowType::BeginLoop
                        ) {
                            stack.push(Frame {
                                q: Question::new("", QType::Group, Loc::default()),
                                row: row.number,
                                skip: true,
                            });
                        }
                        continue;
                    }
                }
            }
            match row_type {
                RowType::End(which) => {
                    let Some(frame) = stack.pop() else {
                        self.note(
                            &sheet,
                            row.number,
                            NoteKind::Unsupported,
                            "unmatched end",
                            format!("'{ty}' has no matching begin; it is ignored"),
                        );
                        continue;
                    };
                    if frame.skip {
                        continue;
                    }
                    let kind = frame.q.qtype.keyword();
                    if which != kind {
                        let begun = frame.row;
                        self.note(
                            &sheet,
                            row.number,
                            NoteKind::Changed,
                            "mismatched end",
                            format!(
                                "'{ty}' closes the {kind} `{}` begun on row {begun}",
                                frame.q.name
                            ),
                        );
                    }
                    self.close(
                        frame.q,
                        frame.row,
                        &sheet,
                        &mut stack.last_mut().map(|f| &mut f.q),
                        &mut top,
                    );
                }
                RowType::BeginLoop => {
                    self.note(
                        &sheet,
                        row.number,
                        NoteKind::Unsupported,
                        "type begin_loop",
                        format!(
                            "unsupported type '{ty}'; the loop and everything in it are left out"
                        ),
                    );
                    stack.push(Frame {
                        q: Question::new("", QType::Group, Loc::default()),
                        row: row.number,
                        skip: true,
                    });
                }
                RowType::BeginGroup | RowType::BeginRepeat => {
                    let qtype = if row_type == RowType::BeginRepeat {
                        QType::Repeat
                    } else {
                        QType::Group
                    };
                    let name = if name.is_empty() {
                        let made = format!("{}_{}", qtype.keyword(), row.number);
                        self.note(
                            &sheet,
                            row.number,
                            NoteKind::Changed,
                            "container without name",
                            format!("the {} has no name; it is called `{made}`", qtype.keyword()),
                        );
                        made
                    } else {
                        name
                    };
                    let q = self.question(t, row, name, qtype, None);
                    stack.push(Frame {
                        q,
                        row: row.number,
                        skip: false,
                    });
                }
                other => {
                    if name.is_empty() {
                        self.note(
                            &sheet,
                            row.number,
                            NoteKind::Unsupported,
                            "question without name",
                            "the row has no name; it is left out",
                        );
                        continue;
                    }
                    let q = match self.case_picker(t, row, &ty, &name) {
                        Some(q) => Some(q),
                        None => self.leaf(t, row, &ty, other, list, or_other, name.clone(), lists),
                    };
                    let Some(q) = q else {
                        self.left_out.insert(name, row.number);
                        continue;
                    };
                    match stack.last_mut() {
                        Some(f) => f.q.children.push(q),
                        None => top.push(q),
                    }
                }
            }
        }
        while let Some(frame) = stack.pop() {
            if frame.skip {
                continue;
            }
            let begun = frame.row;
            let kind = frame.q.qtype.keyword();
            self.note(
                &sheet,
                begun,
                NoteKind::Changed,
                "unclosed container",
                format!(
                    "the {kind} `{}` is never closed; it ends at the end of the sheet",
                    frame.q.name
                ),
            );
            self.close(
                frame.q,
                begun,
                &sheet,
                &mut stack.last_mut().map(|f| &mut f.q),
                &mut top,
            );
        }
        top
    }

    /// Puts a finished group or repeat into its parent, unless it is empty.
    fn close(
        &mut self,
        q: Question,
        row: u32,
        sheet: &str,
        parent: &mut Option<&mut Question>,
        top: &mut Vec<Question>,
    ) {
        if q.children.is_empty() {
            let kind = q.qtype.keyword();
            self.note(
                sheet,
                row,
                NoteKind::Unsupported,
                format!("empty {kind}"),
                format!(
                    "the {kind} `{}` has no questions left; it is left out",
                    q.name
                ),
            );
            return;
        }
        match parent {
            Some(p) => p.children.push(q),
            None => top.push(q),
        }
    }

    /// Converts a question row (not a group or repeat), or notes why it is
    /// left out.
    #[allow(clippy::too_many_arguments)]
    fn leaf(
        &mut self,
        t: &Table,
        row: &Row,
        ty: &str,
        row_type: RowType,
        list: Option<String>,
        or_other: bool,
        name: String,
        lists: &IndexMap<String, ChoiceList>,
    ) -> Option<Question> {
        let sheet = t.sheet.clone();
        let n = row.number;
        let keyword = ty.split_whitespace().next().unwrap_or("").to_lowercase();
        let params = t.value(row, "parameters").to_owned();
        let qtype = match row_type {
            RowType::Question(q) => q,
            RowType::Range => QType::Range,
            RowType::Barcode => {
                self.note(
                    &sheet,
                    n,
                    NoteKind::Changed,
                    "type barcode",
                    "unsupported type 'barcode'; imported as a text question, so the code is typed instead of scanned",
                );
                QType::Text
            }
            RowType::Fixed(expr) => {
                self.note(
                    &sheet,
                    n,
                    NoteKind::Changed,
                    format!("type {keyword}"),
                    if expr.starts_with("property(") {
                        format!("metadata type '{keyword}' is imported as a calculate question with `{expr}`, which the app fills in")
                    } else {
                        format!("metadata type '{keyword}' is imported as a calculate question with `{expr}`")
                    },
                );
                // ODK never shows a metadata question, so its label and hint
                // are only notes to the author and are not carried over.
                let loc = self.question_origin(&sheet, n);
                let mut q = Question::new(name, QType::Calculate, loc.clone());
                self.leftovers(t, row, &["type", "name", "label", "hint"], "calculate");
                q.calculation = Some(self.expr(&loc, &sheet, n, "calculation", expr));
                return Some(q);
            }
            RowType::Blank(why) => {
                self.note(
                    &sheet,
                    n,
                    NoteKind::Changed,
                    format!("type {keyword}"),
                    format!("metadata type '{keyword}' is imported as a calculate question that stays empty ({why}), so the column keeps its place in the data"),
                );
                let loc = self.question_origin(&sheet, n);
                let mut q = Question::new(name, QType::Calculate, loc.clone());
                self.leftovers(t, row, &["type", "name", "label", "hint"], "calculate");
                q.calculation = Some(self.expr(&loc, &sheet, n, "calculation", "''"));
                return Some(q);
            }
            RowType::FromFile => {
                return self.file_select_question(t, row, ty, name, lists);
            }
            RowType::Unsupported(why) => {
                self.note(
                    &sheet,
                    n,
                    NoteKind::Unsupported,
                    format!("type {keyword}"),
                    format!("unsupported type '{ty}' ({why}); the question `{name}` is left out"),
                );
                return None;
            }
            RowType::Unknown => {
                self.note(
                    &sheet,
                    n,
                    NoteKind::Unsupported,
                    "unknown type",
                    format!("unknown type '{ty}'; the question `{name}` is left out"),
                );
                return None;
            }
            RowType::BeginGroup | RowType::BeginRepeat | RowType::BeginLoop | RowType::End(_) => {
                unreachable!("handled by the caller")
            }
        };
        let qtype = match (qtype, list) {
            (QType::SelectOne { .. }, Some(l))
            | (QType::SelectMultiple { .. }, Some(l))
            | (QType::Rank { .. }, Some(l))
                if !lists.contains_key(&l) =>
            {
                self.note(
                    &sheet,
                    n,
                    NoteKind::Unsupported,
                    "missing choice list",
                    format!("there is no choice list `{l}` on the choices sheet; the question `{name}` is left out"),
                );
                return None;
            }
            (QType::SelectOne { .. }, None)
            | (QType::SelectMultiple { .. }, None)
            | (QType::Rank { .. }, None) => {
                self.note(
                    &sheet,
                    n,
                    NoteKind::Unsupported,
                    "select without list",
                    format!("'{ty}' names no choice list; the question `{name}` is left out"),
                );
                return None;
            }
            (QType::SelectOne { .. }, Some(list)) => QType::SelectOne { list },
            (QType::SelectMultiple { .. }, Some(list)) => QType::SelectMultiple { list },
            (QType::Rank { .. }, Some(list)) => QType::Rank { list },
            (q, _) => q,
        };
        if qtype == QType::Calculate && t.value(row, "calculation").is_empty() {
            self.note(
                &sheet,
                n,
                NoteKind::Unsupported,
                "calculate without calculation",
                format!("the calculate question `{name}` has no calculation; it is left out"),
            );
            return None;
        }
        let parameters = if matches!(qtype, QType::Range | QType::Image) {
            let (parameters, unread) = parameters(&params);
            for part in unread {
                self.note(
                    &sheet,
                    n,
                    NoteKind::Unsupported,
                    "column parameters",
                    format!("unsupported parameter '{part}' of the {keyword} question `{name}`; it is left out"),
                );
            }
            parameters
        } else {
            if !params.is_empty() {
                self.note(
                    &sheet,
                    n,
                    NoteKind::Unsupported,
                    "column parameters",
                    format!("unsupported parameters '{params}'"),
                );
            }
            Parameters::default()
        };
        let mut q = self.question(t, row, name, qtype, Some(or_other));
        q.parameters = parameters;
        Some(q)
    }

    pub(crate) fn question_origin(&mut self, sheet: &str, row: u32) -> Loc {
        let idx = self.origins.len();
        let key: Arc<str> = Arc::from(format!("#{idx}"));
        self.origins.push(Origin {
            sheet: sheet.to_owned(),
            row,
            question: Some(key.clone()),
            prop: "",
        });
        Loc::new(key, 1, 1)
    }

    pub(crate) fn expr(
        &mut self,
        question: &Loc,
        sheet: &str,
        row: u32,
        prop: &'static str,
        src: &str,
    ) -> Expr {
        // A boolean cell reads as `TRUE` or `FALSE`; in an expression column
        // the author means the value, not an XPath path of that name.
        let src = match src.to_ascii_lowercase().as_str() {
            "true" => "true()",
            "false" => "false()",
            _ => src,
        };
        let loc = self.origin(Origin {
            sheet: sheet.to_owned(),
            row,
            question: Some(question.file.clone()),
            prop,
        });
        Expr {
            src: src.to_owned(),
            loc,
        }
    }

    /// Builds a question of `qtype` from the columns of `row`. `or_other` is
    /// `Some` for leaf questions (carrying the row's `or_other` flag) and
    /// `None` for groups and repeats.
    pub(crate) fn question(
        &mut self,
        t: &Table,
        row: &Row,
        name: String,
        qtype: QType,
        or_other: Option<bool>,
    ) -> Question {
        let sheet = t.sheet.clone();
        let n = row.number;
        let kind = qtype.keyword();
        let container = qtype.is_container();
        let loc = self.question_origin(&sheet, n);
        let mut q = Question::new(name.clone(), qtype.clone(), loc.clone());
        q.label = self.text(t, row, "label");
        q.hint = self.text(t, row, "hint");
        if q.label.is_none() && qtype != QType::Calculate {
            self.note(
                &sheet,
                n,
                NoteKind::Changed,
                "missing label",
                format!("the {kind} `{name}` has no label; its name is used as the label"),
            );
            q.label = Some(Text::Any(name.clone()));
        }
        let mut used: Vec<&str> = vec![
            "type",
            "name",
            "label",
            "hint",
            "relevant",
            "appearance",
            "read_only",
        ];
        let relevant = t.value(row, "relevant");
        if !relevant.is_empty() {
            q.relevant = Some(self.expr(&loc, &sheet, n, "relevant", relevant));
        }
        let appearance = t.value(row, "appearance");
        if !appearance.is_empty() {
            q.appearance = Some(appearance.to_owned());
        }
        q.read_only = self.flag(t, row, "read_only", &loc);
        if container {
            if qtype == QType::Repeat {
                used.push("repeat_count");
                let count = t.value(row, "repeat_count");
                if !count.is_empty() {
                    q.repeat_count = Some(self.expr(&loc, &sheet, n, "repeat_count", count));
                }
            }
        } else {
            used.extend([
                "required",
                "required_message",
                "constraint",
                "constraint_message",
                "calculation",
                "trigger",
                "default",
                "parameters",
                "save_to",
            ]);
            // Checked against the entities sheet once the whole survey is
            // read (`entities.rs`).
            let save_to = t.value(row, "save_to").trim();
            if !save_to.is_empty() {
                q.save_to = Some(save_to.to_owned());
            }
            q.required = self.flag(t, row, "required", &loc);
            q.required_message = self.text(t, row, "required_message");
            let constraint = t.value(row, "constraint");
            if !constraint.is_empty() {
                q.constraint = Some(self.expr(&loc, &sheet, n, "constraint", constraint));
            }
            q.constraint_message = self.text(t, row, "constraint_message");
            let calculation = t.value(row, "calculation");
            if !calculation.is_empty() {
                q.calculation = Some(self.expr(&loc, &sheet, n, "calculation", calculation));
            }
            let trigger = t.value(row, "trigger");
            if !trigger.is_empty() {
                q.trigger = Some(self.expr(&loc, &sheet, n, "trigger", trigger));
            }
            let default = t.value(row, "default");
            if !default.is_empty() {
                q.default = Some(default.to_owned());
                q.prop_locs.insert(
                    "default".into(),
                    self.expr(&loc, &sheet, n, "default", default).loc,
                );
            }
            if qtype.list().is_some() {
                used.push("choice_filter");
                let filter = t.value(row, "choice_filter");
                if !filter.is_empty() {
                    q.choice_filter = Some(self.expr(&loc, &sheet, n, "choice_filter", filter));
                }
            }
            if or_other == Some(true) {
                // Marked for `or_other` expansion once every list is known.
                q.prop_locs.insert("or_other".into(), loc.clone());
            }
        }
        self.leftovers(t, row, &used, kind);
        q
    }

    /// `required` and `read_only`: `yes` is `true()`, `no` is nothing, any
    /// other value is an expression.
    fn flag(&mut self, t: &Table, row: &Row, key: &'static str, loc: &Loc) -> Option<Expr> {
        let v = t.value(row, key);
        match v.to_ascii_lowercase().as_str() {
            "" | "no" | "false" | "false()" | "0" => None,
            "yes" | "true" | "true()" | "1" => {
                Some(self.expr(loc, &t.sheet, row.number, key, "true()"))
            }
            _ => Some(self.expr(loc, &t.sheet, row.number, key, v)),
        }
    }

    /// Notes every non-empty cell of `row` in a column that was not read.
    fn leftovers(&mut self, t: &Table, row: &Row, used: &[&str], kind: &str) {
        let mut seen: HashSet<String> = HashSet::new();
        for c in &t.columns {
            if used.contains(&c.key.as_str())
                || row.get(c.index).is_empty()
                || !seen.insert(c.key.clone())
            {
                continue;
            }
            let key = c.key.clone();
            let header = if c.lang.is_some() {
                key.clone()
            } else {
                c.header.clone()
            };
            if SURVEY_KEYS.contains(&key.as_str()) {
                self.note(
                    &t.sheet,
                    row.number,
                    NoteKind::Unsupported,
                    format!("{key} on {kind}"),
                    format!(
                        "'{header}' does not apply to {} {kind}; it is left out",
                        a_or_an(kind)
                    ),
                );
            } else {
                let why = match key.as_str() {
                    k if k.starts_with("media::") => " (pictures, sounds and videos)",
                    "guidance_hint" => " (hints for the person reviewing the data)",
                    _ => "",
                };
                self.note(
                    &t.sheet,
                    row.number,
                    NoteKind::Unsupported,
                    format!("column {}", key.trim_start_matches("media::")),
                    format!("unsupported column '{header}'{why}"),
                );
            }
        }
    }
}

/// The parameters of a `range` (`start=1 end=10 step=1`) or `image`
/// (`max-pixels=1280`) question, and the parts that could not be read. A
/// range's values are kept as written, so that lint can say what is wrong
/// with limits no slider can show.
fn parameters(params: &str) -> (Parameters, Vec<String>) {
    let mut out = Parameters::default();
    let mut unread = Vec::new();
    for part in params.split([';', ',', ' ']).filter(|p| !p.is_empty()) {
        let read = part.split_once('=').and_then(|(k, v)| {
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            let number = || v.parse::<f64>().ok().filter(|n| n.is_finite());
            match k.as_str() {
                "start" => out.start = Some(number()?),
                "end" => out.end = Some(number()?),
                "step" => out.step = Some(number()?),
                "max-pixels" => out.max_pixels = Some(v.parse::<u32>().ok().filter(|n| *n > 0)?),
                _ => return None,
            }
            Some(())
        });
        if read.is_none() {
            unread.push(part.to_owned());
        }
    }
    (out, unread)
}

/// Reads a survey `type` cell: the row type, the choice list for selects, and
/// whether `or_other` follows.
fn parse_type(ty: &str) -> (RowType, Option<String>, bool) {
    let words: Vec<&str> = ty.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let l: Vec<&str> = lower.iter().map(String::as_str).collect();
    // Two-word spellings (`begin group`, `select one`) read like their
    // underscore forms.
    let (head, rest): (String, &[&str]) = match l.as_slice() {
        ["begin" | "end", second, ..] if matches!(*second, "group" | "repeat" | "loop") => {
            (format!("{}_{}", l[0], second), &words[2..])
        }
        ["select", "one", ..] => ("select_one".into(), &words[2..]),
        ["select", "multiple", ..] => ("select_multiple".into(), &words[2..]),
        ["select", "all", "that", "apply", ..] => ("select_multiple".into(), &words[4..]),
        [first, ..] => ((*first).to_owned(), &words[1..]),
        [] => (String::new(), &[]),
    };
    let list = rest.first().map(|s| (*s).to_owned());
    let or_other = rest
        .get(1)
        .is_some_and(|w| w.eq_ignore_ascii_case("or_other"))
        || (rest.len() >= 3
            && rest[1].eq_ignore_ascii_case("or")
            && rest[2].eq_ignore_ascii_case("other"));
    let select = |one: bool| {
        let list = String::new();
        if one {
            RowType::Question(QType::SelectOne { list })
        } else {
            RowType::Question(QType::SelectMultiple { list })
        }
    };
    let t = match head.as_str() {
        "begin_group" => RowType::BeginGroup,
        "begin_repeat" => RowType::BeginRepeat,
        "begin_loop" => RowType::BeginLoop,
        "end_group" => RowType::End("group"),
        "end_repeat" => RowType::End("repeat"),
        "end_loop" => RowType::End("loop"),
        "text" | "string" => RowType::Question(QType::Text),
        "integer" | "int" => RowType::Question(QType::Integer),
        "decimal" => RowType::Question(QType::Decimal),
        "date" => RowType::Question(QType::Date),
        "time" => RowType::Question(QType::Time),
        "datetime" => RowType::Question(QType::DateTime),
        "note" => RowType::Question(QType::Note),
        "calculate" => RowType::Question(QType::Calculate),
        "acknowledge" | "trigger" => RowType::Question(QType::Acknowledge),
        "geopoint" | "gps" | "location" => RowType::Question(QType::Geopoint),
        "select_one" => select(true),
        "select_multiple" => select(false),
        "range" => RowType::Range,
        "barcode" => RowType::Barcode,
        "start" => RowType::Fixed("once(now())"),
        "today" => RowType::Fixed("once(today())"),
        "select_one_from_file" | "select_multiple_from_file" => RowType::FromFile,
        "select_one_external" => RowType::Unsupported("choices from an external file"),
        "rank" => RowType::Question(QType::Rank {
            list: String::new(),
        }),
        "image" | "photo" => RowType::Question(QType::Image),
        "audio" | "background-audio" => RowType::Unsupported("sound recordings"),
        "video" => RowType::Unsupported("videos"),
        "file" => RowType::Unsupported("file attachments"),
        "geotrace" => RowType::Question(QType::Geotrace),
        "geoshape" => RowType::Question(QType::Geoshape),
        "start-geopoint" | "background-geopoint" => {
            RowType::Unsupported("locations recorded in the background")
        }
        "xml-external" | "csv-external" => RowType::Unsupported("external data files"),
        // The app supplies these through the session's properties.
        "end" => RowType::Fixed("property('end')"),
        "deviceid" => RowType::Fixed("property('deviceid')"),
        "username" => RowType::Fixed("property('username')"),
        "imei" | "subscriberid" | "simserial" | "phonenumber" => {
            RowType::Blank("Android no longer gives it to apps and a browser never could")
        }
        "email" => RowType::Blank(
            "a browser does not tell the volunteer's e-mail address; `username` gives the name the volunteer set",
        ),
        "audit" => {
            RowType::Unsupported("metadata: Yim keeps no log of how each question was answered")
        }
        _ => RowType::Unknown,
    };
    let list = if matches!(head.as_str(), "select_one" | "select_multiple" | "rank") {
        list
    } else {
        None
    };
    (t, list, or_other)
}
