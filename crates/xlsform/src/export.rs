//! From a resolved [`Form`] back to an XLSForm workbook, with a note for
//! every row that XLSForm cannot say exactly.
//!
//! The export works in one pass over a copy of the form: each question is
//! written as a row and, where XLSForm has no word for what it holds (a
//! ready-made check, a translation a province left out, the app's own
//! settings), the copy is changed to what the row says instead, and a note
//! names the row. The changed copy is returned with the workbook: it is
//! exactly what importing the workbook gives back, which the round-trip
//! tests hold the export to.

use std::sync::Arc;

use indexmap::IndexMap;
use rust_xlsxwriter::{Workbook, XlsxError};
use yim_expr::ExprKind;
use yim_form::{CaseBlock, Check, Expr, Form, ListSource, Parameters, QType, Question, Text};

use crate::columns::READ_TEXTS;
use crate::entities::{prefill_lookup, prefilled};
use crate::lang;
use crate::report::{self, Note, NoteKind};
use crate::survey::SURVEY_KEYS;

/// A form written as an XLSForm workbook.
#[derive(Debug)]
pub struct Exported {
    /// The workbook: an `.xlsx` file with the `survey`, `choices` and
    /// `settings` sheets, and an `entities` sheet for a form with cases.
    pub workbook: Vec<u8>,
    /// One note per row that does not say exactly what the form says,
    /// sorted by sheet and row; rows are numbered as a spreadsheet program
    /// shows them (row 1 is the header row).
    pub notes: Vec<Note>,
    /// The form as the workbook expresses it, without locations: the form
    /// with every change the notes describe. Importing the workbook gives
    /// this form back.
    pub form: Form,
}

/// Writes a resolved form (variants applied) as an XLSForm workbook that
/// pyxform converts, for partners who use ODK Collect or KoboToolbox.
///
/// What XLSForm cannot express is reported row by row and written as close
/// as XLSForm allows: ready-made `checks` become a `constraint`, the app's
/// own settings (recipients, province, Thai digits, one page) are left out,
/// and a text missing in a language that a province added is filled with
/// the Thai text the app would show. Fails only when the spreadsheet cannot
/// hold the form (a text longer than a cell's 32,767 characters, more rows
/// than a sheet's 1,048,576).
pub fn export(form: &Form) -> Result<Exported, String> {
    let mut out = form.clone();
    out.strip_locations();
    out.extends = None;
    let mut ex = Exporter {
        languages: out.languages.clone(),
        default: out.default_language.clone(),
        notes: Vec::new(),
        case: out.case.as_ref().map(|c| (c.list.clone(), c.pick.clone())),
        file_lists: file_lists(&out),
    };
    let settings = ex.settings(&mut out);
    let entities = out.case.as_mut().map(|case| ex.entities_sheet(case));
    let mut survey = Sheet::new("survey", ex.survey_headers());
    ex.questions(&mut survey, &mut out.questions);
    ex.empty_file_lists(&mut out);
    let mut choices = Sheet::new("choices", ex.choices_headers(&out));
    for list in out.choices.values_mut() {
        if ex.file_lists.contains_key(&list.name) {
            continue;
        }
        let name = list.name.clone();
        // An address list a province translates only in part would give a
        // note per row; one per list and language says the same.
        let mut filled: IndexMap<String, (u32, usize)> = IndexMap::new();
        for c in Arc::make_mut(&mut list.choices) {
            let row = choices.row();
            choices.set("list_name", &name);
            choices.set("name", &c.name);
            for code in ex.text(&mut choices, "label", &mut c.label) {
                filled.entry(code).or_insert((row, 0)).1 += 1;
            }
            let mut reserved = Vec::new();
            for (k, v) in &c.extra {
                if reserved_choice_column(k) {
                    reserved.push(k.clone());
                } else {
                    choices.set(k, v);
                }
            }
            for k in reserved {
                c.extra.shift_remove(&k);
                ex.note("choices", row, NoteKind::Unsupported, "reserved choice column",
                    format!("the column `{k}` of the choice `{}` has a name XLSForm gives another meaning; it is left out", c.name));
            }
        }
        for (code, (row, count)) in filled {
            let labels = if count == 1 {
                "1 label".to_owned()
            } else {
                format!("{count} labels")
            };
            ex.note("choices", row, NoteKind::Changed, "missing translation",
                format!("{labels} in the list `{name}` (from this row on) have no `{code}` text; the text the app would show instead is written"));
        }
    }
    out.partial_languages.clear();
    let mut book = Workbook::new();
    for sheet in [&survey, &choices, &settings]
        .into_iter()
        .chain(entities.as_ref())
    {
        sheet.write(&mut book)?;
    }
    let bytes = book
        .save_to_buffer()
        .map_err(|e| format!("cannot write the workbook: {e}"))?;
    report::sort(&mut ex.notes);
    Ok(Exported {
        workbook: bytes,
        notes: ex.notes,
        form: out,
    })
}

/// Metadata types: a `calculate` question with exactly this calculation and
/// nothing else is what `yim import` makes of the type, so it goes back as
/// the type, which ODK fills in itself.
const METADATA: &[(&str, &str)] = &[
    ("once(now())", "start"),
    ("once(today())", "today"),
    ("property('end')", "end"),
    ("property('deviceid')", "deviceid"),
    ("property('username')", "username"),
];

struct Exporter {
    languages: Vec<String>,
    default: String,
    notes: Vec<Note>,
    /// The form's case list and, in a follow-up form, its picker.
    case: Option<(String, Option<String>)>,
    /// Choice lists read from a file that go out as `select_*_from_file`,
    /// with the file's name (`file_lists`).
    file_lists: IndexMap<String, String>,
}

/// The choice lists read from a CSV or GeoJSON file that the workbook names
/// by file (`select_one_from_file provinces.csv`) instead of copying their
/// rows: ODK reads such a file attached to the form, and `yim import`
/// declares it again. A list qualifies when a select question uses it (the
/// file is named only on a question's row) and its file's name, without
/// folders, gives back the list's name on import.
fn file_lists(form: &Form) -> IndexMap<String, String> {
    fn used(qs: &[Question], out: &mut Vec<String>) {
        for q in qs {
            if let QType::SelectOne { list } | QType::SelectMultiple { list } = &q.qtype {
                out.push(list.clone());
            }
            used(&q.children, out);
        }
    }
    let mut selected = Vec::new();
    used(&form.questions, &mut selected);
    // In the order the questions first use them, which is the order the
    // import declares them in.
    selected
        .iter()
        .filter_map(|name| {
            let list = form.choices.get(name)?;
            let (_, path) = list.source.file()?;
            let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
            let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
            (stem == list.name).then(|| (list.name.clone(), file.to_owned()))
        })
        .collect()
}

impl Exporter {
    /// The form as the workbook says it has a list read from a file without
    /// its rows, declared by the file's name alone, as the import declares
    /// it; one note per list tells that the file must be attached. The
    /// other lists are the choices sheet's.
    fn empty_file_lists(&mut self, form: &mut Form) {
        // Every other list is written row by row, as the import reads it
        // back: from the choices sheet, not from a file.
        for list in form.choices.values_mut() {
            if !self.file_lists.contains_key(&list.name) {
                list.source = ListSource::Inline;
            }
        }
        for (name, file) in &self.file_lists {
            // The import declares these lists after the choices sheet's.
            let Some(mut list) = form.choices.shift_remove(name) else {
                continue;
            };
            list.choices = Arc::default();
            list.source = match list.source {
                ListSource::Geojson(_) => ListSource::Geojson(file.clone()),
                _ => ListSource::Csv(file.clone()),
            };
            form.choices.insert(name.clone(), list);
            self.notes.push(Note::new("choices", 0, NoteKind::Changed, "choices from a file",
                format!("the list `{name}` is read from {file}, which the workbook names instead of holding its rows; attach {file} to the form in ODK Central or KoboToolbox")));
        }
    }

    /// The type of a select question whose list goes out as a file.
    fn file_select_type(&self, qtype: &QType) -> Option<String> {
        let (keyword, list) = match qtype {
            QType::SelectOne { list } => ("select_one_from_file", list),
            QType::SelectMultiple { list } => ("select_multiple_from_file", list),
            _ => return None,
        };
        let file = self.file_lists.get(list)?;
        Some(format!("{keyword} {file}"))
    }

    fn note(&mut self, sheet: &str, row: u32, kind: NoteKind, feature: &str, message: String) {
        self.notes
            .push(Note::new(sheet, row, kind, feature, message));
    }

    /// A text column and its columns per language, in the form's order.
    fn text_headers(&self, key: &str) -> Vec<String> {
        let mut h = vec![key.to_owned()];
        h.extend(
            self.languages
                .iter()
                .map(|code| format!("{key}::{}", lang::header_for(code))),
        );
        h
    }

    /// The survey columns in the order the import reads them, texts with
    /// their columns per language.
    fn survey_headers(&self) -> Vec<String> {
        let mut h = Vec::new();
        for key in SURVEY_KEYS {
            if READ_TEXTS.contains(key) {
                h.extend(self.text_headers(key));
            } else {
                h.push((*key).to_owned());
            }
        }
        h
    }

    fn choices_headers(&self, form: &Form) -> Vec<String> {
        let mut h: Vec<String> = vec!["list_name".into(), "name".into()];
        h.extend(self.text_headers("label"));
        for list in form.choices.values() {
            for c in list.choices.iter() {
                for k in c.extra.keys() {
                    if !h.contains(k) && !reserved_choice_column(k) {
                        h.push(k.clone());
                    }
                }
            }
        }
        h
    }

    /// The settings sheet, and notes for the settings XLSForm has no column
    /// for. The copy of the form loses them, as a re-import would.
    fn settings(&mut self, form: &mut Form) -> Sheet {
        let mut s = Sheet::new(
            "settings",
            [
                "form_id",
                "version",
                "form_title",
                "default_language",
                "instance_name",
                "style",
            ]
            .map(String::from)
            .to_vec(),
        );
        let row = s.row();
        s.set("form_id", &form.id);
        s.set("version", &form.version);
        if !self.languages.is_empty() {
            let default = if self.languages.contains(&self.default) {
                self.default.clone()
            } else {
                self.languages[0].clone()
            };
            s.set("default_language", &lang::header_for(&default));
            form.default_language = default;
            self.default = form.default_language.clone();
        }
        // pyxform reads one title, `form_title`: the default language's.
        // The title per language goes in `label::...` columns beside it,
        // as some forms write it, which `yim import` reads back.
        s.set(
            "form_title",
            form.title.get(&self.default, &self.default).trim(),
        );
        let missing = match &mut form.title {
            Text::Any(t) => {
                *t = t.trim().to_owned();
                Vec::new()
            }
            title => self.text(&mut s, "label", title),
        };
        for code in missing {
            self.note("settings", row, NoteKind::Changed, "missing translation",
                format!("the title has no `{code}` text; the text the app would show instead is written"));
        }
        if let Some(e) = &mut form.settings.instance_name {
            e.src = e.src.trim().to_owned();
            s.set("instance_name", &e.src);
        }
        // Yim shows a page per top-level group, which is what `style: pages`
        // asks of ODK's web forms; without it they show the whole form on
        // one page, which is what `one_page` asks.
        if !form.settings.one_page {
            s.set("style", "pages");
        }
        let st = std::mem::take(&mut form.settings);
        form.settings.instance_name = st.instance_name.clone();
        let mut left_out = |what: &str, why: &str| {
            self.note(
                "settings",
                row,
                NoteKind::Unsupported,
                &format!("setting {what}"),
                format!("the setting `{what}` is left out: {why}"),
            );
        };
        if !st.recipients.is_empty() {
            left_out("recipients", "ODK encrypts with its own RSA keys (`public_key`), not with age keys, so the data office's keys cannot be given to it");
        }
        if st.passphrase {
            left_out("passphrase", "ODK has no passphrase for sending records");
        }
        if let Some(p) = &st.province {
            left_out(
                "province",
                &format!("XLSForm has no setting for it (the form is for `{p}`)"),
            );
        }
        if st.thai_digits {
            left_out(
                "thai_digits",
                "ODK shows numbers with the digits of the phone's language",
            );
        }
        if st.one_page {
            left_out("one_page", "written as no `style`, so ODK's web forms show one page; ODK Collect shows one question at a time");
        }
        s
    }

    fn questions(&mut self, s: &mut Sheet, qs: &mut [Question]) {
        for q in qs {
            self.question(s, q);
        }
    }

    fn question(&mut self, s: &mut Sheet, q: &mut Question) {
        let row = s.row();
        s.set("name", &q.name);
        if let Some(meta) = metadata(q) {
            s.set("type", meta);
            return;
        }
        // Texts missing in some language, as (property, languages).
        let mut missing: Vec<(&str, Vec<String>)> = Vec::new();
        let ty = match &q.qtype {
            QType::Group => "begin_group".to_owned(),
            QType::Repeat => "begin_repeat".to_owned(),
            // pyxform's spelling; `yim import` reads either.
            QType::DateTime => "dateTime".to_owned(),
            QType::SelectOneCase => self.picker_type(),
            other => self
                .file_select_type(other)
                .unwrap_or_else(|| other.to_source()),
        };
        s.set("type", &ty);
        match &mut q.label {
            Some(label) => missing.push(("label", self.text(s, "label", label))),
            None if q.qtype != QType::Calculate => {
                // XLSForm reads a question without a label as a mistake;
                // the name is what an import would show anyway.
                self.note(
                    "survey",
                    row,
                    NoteKind::Changed,
                    "missing label",
                    format!(
                        "`{}` has no label; its name is written as the label",
                        q.name
                    ),
                );
                s.set("label", &q.name);
                q.label = Some(Text::Any(q.name.clone()));
            }
            None => {}
        }
        for (key, text) in [
            ("hint", &mut q.hint),
            ("required_message", &mut q.required_message),
        ] {
            if let Some(t) = text {
                missing.push((key, self.text(s, key, t)));
            }
        }
        self.checks(row, q);
        if let Some(t) = &mut q.constraint_message {
            missing.push(("constraint_message", self.text(s, "constraint_message", t)));
        }
        self.missing_translations(row, &missing);
        flag(s, "required", &mut q.required);
        flag(s, "read_only", &mut q.read_only);
        let name = q.name.clone();
        for (key, e) in [
            ("relevant", &mut q.relevant),
            ("constraint", &mut q.constraint),
            ("calculation", &mut q.calculation),
            ("choice_filter", &mut q.choice_filter),
            ("trigger", &mut q.trigger),
            ("repeat_count", &mut q.repeat_count),
        ] {
            if let Some(src) = expr_cell(s, key, e) {
                if uses_property(src) {
                    self.note("survey", row, NoteKind::Unsupported, "function property()",
                        format!("the {key} of `{name}` uses `property()`, which ODK does not have; it is written as it is, and ODK will reject it (use a `deviceid`, `username` or `end` question instead)"));
                }
            }
        }
        self.case_columns(s, row, q);
        if let Some(d) = &mut q.default {
            *d = d.trim().to_owned();
            s.set("default", d);
        }
        if let Some(a) = &mut q.appearance {
            *a = a.trim().to_owned();
            s.set("appearance", a);
        }
        if let Some(p) = parameters(&q.parameters) {
            s.set("parameters", &p);
        }
        if q.qtype.is_container() {
            self.questions(s, &mut q.children);
            s.row();
            let end = if q.qtype == QType::Repeat {
                "end_repeat"
            } else {
                "end_group"
            };
            s.set("type", end);
        }
    }

    /// The `entities` sheet for the form's `case:` block, in ODK Entities'
    /// words: a form that opens cases declares the list and the label; a
    /// follow-up names the entity to update with `entity_id`, the picker's
    /// answer, as pyxform expects of an update.
    fn entities_sheet(&mut self, case: &mut CaseBlock) -> Sheet {
        let mut s = Sheet::new(
            "entities",
            ["list_name", "label", "create_if", "update_if", "entity_id"]
                .map(String::from)
                .to_vec(),
        );
        s.row();
        s.set("list_name", &case.list);
        for (key, e) in [
            ("label", &mut case.label),
            ("create_if", &mut case.create_if),
            ("update_if", &mut case.update_if),
        ] {
            expr_cell(&mut s, key, e);
        }
        if let Some(pick) = &case.pick {
            s.set("entity_id", &format!("${{{pick}}}"));
        }
        s
    }

    /// The case picker's type: ODK picks an entity from the list's CSV
    /// file, which ODK Central attaches to the form under the list's name.
    fn picker_type(&self) -> String {
        let list = self.case.as_ref().map_or("", |(l, _)| l.as_str());
        format!("select_one_from_file {list}.csv")
    }

    /// A question's `save_to`, and in a follow-up form what makes ODK start
    /// it with the picked case's value, as Yim does: a calculation that looks
    /// the property up, run when the picker changes. A calculated question
    /// starts with nothing in either.
    fn case_columns(&mut self, s: &mut Sheet, row: u32, q: &mut Question) {
        let Some(property) = &q.save_to else { return };
        s.set("save_to", property);
        let Some((list, Some(pick))) = &self.case else {
            return;
        };
        if !prefilled(q) {
            return;
        }
        if q.calculation.is_none() && q.trigger.is_none() {
            s.set("calculation", &prefill_lookup(list, pick, property));
            s.set("trigger", &format!("${{{pick}}}"));
        } else {
            self.note("survey", row, NoteKind::Changed, "save_to with trigger",
                format!("`{}` has its own trigger, so in ODK it does not start with the picked case's `{property}` as it does in Yim", q.name));
        }
    }

    /// Ready-made checks become one `constraint`, joined to the author's
    /// own with `and`.
    fn checks(&mut self, row: u32, q: &mut Question) {
        if q.checks.is_empty() {
            return;
        }
        // Yim's messages go with the checks, unless the author's own
        // constraint is there too: one message must then do for both, and
        // the author's (or ODK's own) is the one that fits.
        let own = q.constraint.is_some() || q.constraint_message.is_some();
        let mut parts: Vec<String> = q
            .constraint
            .iter()
            .map(|e| e.src.trim().to_owned())
            .collect();
        let mut names = Vec::new();
        let mut messages: IndexMap<String, Vec<String>> = IndexMap::new();
        let codes = if self.languages.is_empty() {
            vec![String::new()]
        } else {
            self.languages.clone()
        };
        for c in std::mem::take(&mut q.checks) {
            let (name, expr) = check_constraint(&c);
            names.push(format!("`{name}`"));
            parts.push(expr);
            for code in &codes {
                messages
                    .entry(code.clone())
                    .or_default()
                    .push(yim_engine::check_message(&c, code));
            }
        }
        let src = if parts.len() == 1 {
            parts.remove(0)
        } else {
            parts
                .iter()
                .map(|p| format!("({p})"))
                .collect::<Vec<_>>()
                .join(" and ")
        };
        let message = match (&q.constraint_message, own) {
            (Some(_), _) => "the question's constraint message is shown when one fails",
            (None, true) => "ODK shows its own message when one fails, since the question's own constraint has none",
            (None, false) => "Yim's messages for them are written as the constraint message",
        };
        if !own {
            let mut joined = messages.into_iter().map(|(code, m)| (code, m.join("; ")));
            q.constraint_message = Some(if self.languages.is_empty() {
                Text::Any(joined.next().map(|(_, m)| m).unwrap_or_default())
            } else {
                Text::Langs(joined.collect())
            });
        }
        self.note(
            "survey",
            row,
            NoteKind::Changed,
            "checks",
            format!(
                "the checks {} of `{}` are written as a constraint, since XLSForm has no ready-made checks; {message}",
                names.join(", "),
                q.name
            ),
        );
        q.constraint = Some(Expr {
            src,
            loc: Default::default(),
        });
    }

    /// Notes the texts of a survey row that some language lacks.
    fn missing_translations(&mut self, row: u32, missing: &[(&str, Vec<String>)]) {
        let mut by_lang: IndexMap<&str, Vec<String>> = IndexMap::new();
        for (key, codes) in missing {
            for code in codes {
                by_lang.entry(code).or_default().push(key.replace('_', " "));
            }
        }
        for (code, what) in by_lang {
            self.note(
                "survey",
                row,
                NoteKind::Changed,
                "missing translation",
                format!(
                    "the {} {} no `{code}` text; the text the app would show instead is written",
                    what.join(" and "),
                    if what.len() == 1 { "has" } else { "have" }
                ),
            );
        }
    }

    /// Writes a text in its column, or in a column per language, and
    /// returns the languages it lacked. A text a language lacks (in a
    /// language a province added) is written with the text the app shows
    /// instead, Thai first ([`Text::get`]), since an import fills a missing
    /// translation anyway.
    fn text(&mut self, s: &mut Sheet, key: &str, text: &mut Text) -> Vec<String> {
        let Text::Langs(map) = text else {
            if let Text::Any(t) = text {
                *t = t.trim().to_owned();
                s.set(key, t);
            }
            return Vec::new();
        };
        if self.languages.is_empty() {
            let t = text.get("", &self.default).trim().to_owned();
            s.set(key, &t);
            *text = Text::Any(t);
            return Vec::new();
        }
        let mut filled = IndexMap::new();
        let mut missing = Vec::new();
        for code in &self.languages {
            let own = map.get(code).map(|v| v.trim()).filter(|v| !v.is_empty());
            let v = match own {
                Some(v) => v.to_owned(),
                None => {
                    missing.push(code.clone());
                    [yim_form::FALLBACK_LANGUAGE, self.default.as_str()]
                        .iter()
                        .filter_map(|c| map.get(*c))
                        .chain(map.values())
                        .map(|v| v.trim())
                        .find(|v| !v.is_empty())
                        .unwrap_or("")
                        .to_owned()
                }
            };
            s.set(&format!("{key}::{}", lang::header_for(code)), &v);
            filled.insert(code.clone(), v);
        }
        *text = Text::Langs(filled);
        missing
    }
}

/// Whether a choice's extra column has a header that the choices sheet
/// reads as something else: the choice itself, its label, or its media.
fn reserved_choice_column(key: &str) -> bool {
    key.contains("::")
        || matches!(
            key.to_ascii_lowercase().as_str(),
            "list_name" | "name" | "value" | "label" | "image" | "big-image" | "audio" | "video"
        )
}

/// The metadata type `q` stands for, when it is a bare metadata calculate.
fn metadata(q: &Question) -> Option<&'static str> {
    let calc = q.calculation.as_ref()?.src.trim();
    let (_, ty) = METADATA.iter().find(|(src, _)| *src == calc)?;
    let bare = q.qtype == QType::Calculate
        && q.label.is_none()
        && q.hint.is_none()
        && q.required.is_none()
        && q.relevant.is_none()
        && q.constraint.is_none()
        && q.default.is_none()
        && q.read_only.is_none()
        && q.trigger.is_none()
        && q.appearance.is_none()
        && q.checks.is_empty();
    bare.then_some(*ty)
}

/// Writes an expression in its column, trimmed as the cell is read back,
/// and returns what was written.
fn expr_cell<'e>(s: &mut Sheet, key: &str, e: &'e mut Option<Expr>) -> Option<&'e str> {
    let e = e.as_mut()?;
    e.src = e.src.trim().to_owned();
    s.set(key, &e.src);
    Some(&e.src)
}

/// `required` and `read_only`: `true()` is written `yes`, as authors write
/// it; `false()` is the same as no value.
fn flag(s: &mut Sheet, key: &str, e: &mut Option<Expr>) {
    let Some(expr) = e else { return };
    let src = expr.src.trim().to_owned();
    match src.to_ascii_lowercase().as_str() {
        "true()" | "true" | "yes" | "1" => {
            s.set(key, "yes");
            expr.src = "true()".into();
        }
        "false()" | "false" | "no" | "0" | "" => *e = None,
        _ => {
            s.set(key, &src);
            expr.src = src;
        }
    }
}

/// Whether an expression calls `property()`, the app's own function.
fn uses_property(src: &str) -> bool {
    fn walk(e: &yim_expr::Expr) -> bool {
        match &e.kind {
            ExprKind::Call { name, args, .. } => name == "property" || args.iter().any(walk),
            ExprKind::Neg(a) => walk(a),
            ExprKind::Bin(_, a, b) => walk(a) || walk(b),
            ExprKind::Path { start, steps } => {
                walk(start)
                    || steps
                        .iter()
                        .filter_map(|s| s.predicate.as_deref())
                        .any(walk)
            }
            ExprKind::Error(parts) => parts.iter().any(walk),
            _ => false,
        }
    }
    src.contains("property") && walk(&yim_expr::parse(src).0)
}

/// A check's name and the XPath constraint that accepts what it accepts.
fn check_constraint(c: &Check) -> (&'static str, String) {
    // Answers typed with Thai digits are the same answers as with ASCII
    // digits, in Yim's checks and so in these constraints.
    let thai = yim_expr::thai::to_thai_digits("0123456789");
    let ascii = |of: &str| format!("translate({of}, '{thai}', '0123456789')");
    let num = |x: f64| yim_expr::Value::Num(x).to_odk_string();
    match c {
        // The spaces are spelled out rather than `\s`, which Yim's own
        // patterns refuse, so that the exported form imports back.
        Check::Email => (
            "email",
            "regex(., '^[^@ \\t\\n\\r]+@[^@ \\t\\n\\r]+$')".into(),
        ),
        Check::Url => (
            "url",
            "regex(., '^[a-zA-Z][a-zA-Z0-9+.-]*://[^ \\t\\n\\r]+$')".into(),
        ),
        Check::Phone => ("phone", format!("regex({}, '^0[0-9]{{8,9}}$')", ascii("."))),
        Check::ThaiId => {
            // The ID is printed with dashes and spaces between its digits;
            // the last digit checks the twelve before it, weighted 13 to 2.
            let digits = format!("translate(., '{thai}- ', '0123456789')");
            let sum: Vec<String> = (0..12)
                .map(|i| format!("substr({digits}, {i}, {}) * {}", i + 1, 13 - i))
                .collect();
            (
                "thai_id",
                format!(
                    "regex({digits}, '^[0-9]{{13}}$') and (11 - ({}) mod 11) mod 10 = number(substr({digits}, 12, 13))",
                    sum.join(" + ")
                ),
            )
        }
        Check::Length { min, max } => {
            let mut p = Vec::new();
            if let Some(m) = min {
                p.push(format!("string-length(.) >= {m}"));
            }
            if let Some(m) = max {
                p.push(format!("string-length(.) <= {m}"));
            }
            ("length", join_and(p))
        }
        Check::Range { min, max } => {
            let mut p = Vec::new();
            if let Some(m) = min {
                p.push(format!(". >= {}", num(*m)));
            }
            if let Some(m) = max {
                p.push(format!(". <= {}", num(*m)));
            }
            ("range", join_and(p))
        }
        Check::Regex(pattern) => {
            // `regex()` finds the pattern anywhere; the check matches the
            // whole answer. XPath strings have no escapes, so the quote is
            // the one the pattern lacks.
            let quote = if pattern.contains('\'') { '"' } else { '\'' };
            ("regex", format!("regex(., {quote}^(?:{pattern})${quote})"))
        }
    }
}

fn join_and(parts: Vec<String>) -> String {
    if parts.is_empty() {
        "true()".to_owned()
    } else {
        parts.join(" and ")
    }
}

/// One sheet being written: its headers in order and its rows of cells by
/// header. Only columns that hold a value are written.
struct Sheet {
    name: &'static str,
    headers: Vec<String>,
    rows: Vec<Vec<(usize, String)>>,
}

impl Sheet {
    fn new(name: &'static str, headers: Vec<String>) -> Sheet {
        Sheet {
            name,
            headers,
            rows: Vec::new(),
        }
    }

    /// Starts a row; returns its number as a spreadsheet shows it.
    fn row(&mut self) -> u32 {
        self.rows.push(Vec::new());
        u32::try_from(self.rows.len() + 1).unwrap_or(u32::MAX)
    }

    /// Sets a cell of the current row; an empty value is no cell.
    fn set(&mut self, header: &str, value: &str) {
        if value.is_empty() {
            return;
        }
        let col = match self.headers.iter().position(|h| h == header) {
            Some(i) => i,
            None => {
                self.headers.push(header.to_owned());
                self.headers.len() - 1
            }
        };
        if let Some(row) = self.rows.last_mut() {
            row.push((col, value.to_owned()));
        }
    }

    fn write(&self, book: &mut Workbook) -> Result<(), String> {
        let fail = |row: usize, e: XlsxError| {
            let why = match e {
                XlsxError::MaxStringLengthExceeded => {
                    "a text is longer than the 32,767 characters a cell holds".to_owned()
                }
                XlsxError::RowColumnLimitError => {
                    "the sheet would need more rows than the 1,048,576 a sheet holds".to_owned()
                }
                other => other.to_string().trim_end_matches('.').to_lowercase(),
            };
            format!("cannot write {}!{}: {why}", self.name, row + 1)
        };
        let used: Vec<usize> = (0..self.headers.len())
            .filter(|i| *i < 2 || self.rows.iter().any(|r| r.iter().any(|(c, _)| c == i)))
            .collect();
        let ws = book.add_worksheet();
        ws.set_name(self.name).map_err(|e| fail(0, e))?;
        for (out, &col) in used.iter().enumerate() {
            ws.write_string(0, out as u16, &self.headers[col])
                .map_err(|e| fail(0, e))?;
        }
        for (i, row) in self.rows.iter().enumerate() {
            let r = u32::try_from(i + 1)
                .map_err(|_| format!("the sheet {} has too many rows", self.name))?;
            for (col, value) in row {
                let Some(out) = used.iter().position(|c| c == col) else {
                    continue;
                };
                ws.write_string(r, out as u16, value)
                    .map_err(|e| fail(i + 1, e))?;
            }
        }
        Ok(())
    }
}

/// A range's and an image's settings in XLSForm's `parameters` column
/// (`start=0 end=10 step=2`, `max-pixels=1280`), which pyxform and the
/// import both read; `None` when the form gives none.
fn parameters(p: &Parameters) -> Option<String> {
    let parts: Vec<String> = [
        p.start.map(|n| format!("start={n}")),
        p.end.map(|n| format!("end={n}")),
        p.step.map(|n| format!("step={n}")),
        p.max_pixels.map(|n| format!("max-pixels={n}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}
