//! `select_one_from_file` and `select_multiple_from_file` rows that read
//! their choices from a CSV or GeoJSON file attached to the ODK form.
//!
//! The workbook does not hold the file, so the import declares a choice
//! list that names it (`cities: {geojson: cities.geojson}`) and tells the
//! author to put the file next to the form; Yim reads it when the form is
//! loaded, as ODK does when the form is opened. A row that names an ODK
//! entity list is the case picker instead (`entities.rs`).

use std::sync::Arc;

use indexmap::IndexMap;
use yim_form::{ChoiceList, Form, ListSource, Loc, QType, Question};

use crate::check::find_ref;

use crate::columns::Table;
use crate::convert::{name_from, Converter, Origin};
use crate::report::NoteKind;
use crate::sheet::Row;

/// The choice lists declared for files, in the order the survey first
/// names them.
#[derive(Default)]
pub(crate) struct FileLists {
    lists: IndexMap<String, ChoiceList>,
}

impl FileLists {
    /// The lists, to be added to the choices sheet's own.
    pub(crate) fn take(&mut self) -> IndexMap<String, ChoiceList> {
        std::mem::take(&mut self.lists)
    }
}

/// Whether a problem the engine found at `loc` is in the choice filter of a
/// question whose list is read from a file the import does not have: the
/// filter names the file's columns, which the engine cannot know until the
/// file is next to the form, so the filter is kept for lint to check then.
pub(crate) fn filter_of_unread_file(conv: &Converter, form: &Form, loc: &Loc) -> bool {
    let Some(origin) = conv.origin_of(loc) else {
        return false;
    };
    let Some(key) = origin.question.as_deref() else {
        return false;
    };
    if origin.prop != "choice_filter" {
        return false;
    }
    let Some(list) = find_ref(&form.questions, key).and_then(|q| q.qtype.list()) else {
        return false;
    };
    form.choices
        .get(list)
        .is_some_and(|l| l.source.file().is_some() && l.choices.is_empty())
}

impl Converter {
    /// The question of a `select_*_from_file FILE` row, choosing from a list
    /// declared for `FILE`, or `None` (with the reason noted) when Yim
    /// cannot read such a file. `lists` are the choices sheet's lists, whose
    /// names the new list must not take.
    pub(crate) fn file_select_question(
        &mut self,
        t: &Table,
        row: &Row,
        ty: &str,
        name: String,
        lists: &IndexMap<String, ChoiceList>,
    ) -> Option<Question> {
        let n = row.number;
        let mut words = ty.split_whitespace();
        let keyword = words.next().unwrap_or_default().to_ascii_lowercase();
        let multiple = keyword == "select_multiple_from_file";
        let Some(file) = words.next() else {
            self.note(
                &t.sheet,
                n,
                NoteKind::Unsupported,
                format!("type {keyword}"),
                format!("'{ty}' names no file to read the choices from; the question `{name}` is left out"),
            );
            return None;
        };
        let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
        let source = match ext.to_ascii_lowercase().as_str() {
            "csv" => ListSource::Csv(file.to_owned()),
            "geojson" => ListSource::Geojson(file.to_owned()),
            "xml" => {
                self.note(
                    &t.sheet,
                    n,
                    NoteKind::Unsupported,
                    format!("type {keyword}"),
                    format!("unsupported type '{ty}' (Yim reads choices from CSV and GeoJSON files, not XML files); the question `{name}` is left out. Save the choices as {stem}.csv with the columns name and label, and write the question as `{keyword} {stem}.csv`"),
                );
                return None;
            }
            _ => {
                self.note(
                    &t.sheet,
                    n,
                    NoteKind::Unsupported,
                    format!("type {keyword}"),
                    format!("unsupported type '{ty}' (Yim reads choices from .csv and .geojson files); the question `{name}` is left out"),
                );
                return None;
            }
        };
        let list = self.file_list(t, n, stem, source, lists);
        let (kind, columns) = match &self.file_lists.lists[&list].source {
            ListSource::Geojson(_) => ("geojson", ("id", "title")),
            _ => ("csv", ("name", "label")),
        };
        let select = if multiple {
            "select_multiple"
        } else {
            "select_one"
        };
        self.note(
            &t.sheet,
            n,
            NoteKind::Changed,
            format!("type {keyword}"),
            format!("'{ty}' is imported as `{select} {list}`, with the list declared as `{list}: {{{kind}: {file}}}`; put {file} next to the form, since the workbook does not hold it"),
        );
        self.file_parameters(t, row, columns);
        let qtype = if multiple {
            QType::SelectMultiple { list }
        } else {
            QType::SelectOne { list }
        };
        Some(self.question(t, row, name, qtype, Some(false)))
    }

    /// The name of the list declared for a file: the list already declared
    /// for it, or a new one named after the file's stem, made a valid name
    /// and unique against every other list.
    fn file_list(
        &mut self,
        t: &Table,
        n: u32,
        stem: &str,
        source: ListSource,
        lists: &IndexMap<String, ChoiceList>,
    ) -> String {
        if let Some(list) = self.file_lists.lists.values().find(|l| l.source == source) {
            return list.name.clone();
        }
        let base = name_from(stem);
        let taken =
            |name: &str| lists.contains_key(name) || self.file_lists.lists.contains_key(name);
        let mut name = base.clone();
        let mut k = 2;
        while taken(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        if name != stem {
            self.note(
                &t.sheet,
                n,
                NoteKind::Changed,
                "file list name",
                if base == stem {
                    format!("the choice list for the file is called `{name}`, since the list `{stem}` is already on the choices sheet")
                } else {
                    format!("the choice list for the file is called `{name}`, since `{stem}` is not a valid Yim name")
                },
            );
        }
        let loc = self.origin(Origin {
            sheet: t.sheet.clone(),
            row: n,
            question: None,
            prop: "",
        });
        self.file_lists.lists.insert(
            name.clone(),
            ChoiceList {
                name: name.clone(),
                choices: Arc::default(),
                loc,
                source,
            },
        );
        name
    }

    /// ODK's `value=` and `label=` parameters choose which columns (or
    /// GeoJSON properties) hold each choice's name and label. Yim reads
    /// fixed ones, so any other choice is noted with what to change in the
    /// file. `value` and `label` are the columns Yim reads.
    fn file_parameters(&mut self, t: &Table, row: &Row, (value, label): (&str, &str)) {
        let params = t.value(row, "parameters").to_owned();
        for part in params.split([';', ',', ' ']).filter(|p| !p.is_empty()) {
            let (key, column) = part.split_once('=').unwrap_or((part, ""));
            let (key, column) = (key.trim().to_ascii_lowercase(), column.trim());
            let fixed = match key.as_str() {
                "value" => value,
                "label" => label,
                _ => {
                    self.note(
                        &t.sheet,
                        row.number,
                        NoteKind::Unsupported,
                        "column parameters",
                        format!("unsupported parameter '{part}'"),
                    );
                    continue;
                }
            };
            if column != fixed {
                self.note(
                    &t.sheet,
                    row.number,
                    NoteKind::Unsupported,
                    "column parameters",
                    format!("the parameter '{part}' is not read: Yim takes each choice's {key} from `{fixed}`, so rename `{column}` to `{fixed}` in the file"),
                );
            }
        }
    }
}
