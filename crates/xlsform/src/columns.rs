//! Column headers: which property each column holds, and in which language.

use std::collections::HashMap;

use crate::sheet::{Row, Sheet};

/// One column of a sheet's header row.
#[derive(Clone, Debug)]
pub(crate) struct Column {
    /// The column's position in the row.
    pub(crate) index: usize,
    /// The property, normalised: `label`, `required_message`, `media::image`.
    pub(crate) key: String,
    /// The language part of the header as written (`English (en)`), if any.
    pub(crate) lang: Option<String>,
    /// The header exactly as written, trimmed.
    pub(crate) header: String,
}

/// A sheet with its header row read.
#[derive(Clone, Debug)]
pub(crate) struct Table {
    pub(crate) sheet: String,
    pub(crate) header_row: u32,
    pub(crate) columns: Vec<Column>,
    pub(crate) rows: Vec<Row>,
}

/// Properties that can be written once per language.
pub(crate) const TRANSLATABLE: &[&str] = &[
    "label",
    "hint",
    "guidance_hint",
    "constraint_message",
    "required_message",
    "media::image",
    "media::big-image",
    "media::audio",
    "media::video",
];

impl Table {
    /// Reads the header row (the first row) of `sheet`.
    pub(crate) fn new(sheet: &Sheet, aliases: &[(&str, &str)]) -> Table {
        let mut rows = sheet.rows.clone();
        let header = if rows.is_empty() {
            None
        } else {
            Some(rows.remove(0))
        };
        let header_row = header.as_ref().map_or(1, |h| h.number);
        let columns = header
            .map(|h| {
                h.cells
                    .iter()
                    .filter(|(_, c)| !c.trim().is_empty())
                    .map(|(index, c)| parse_header(*index, c.trim(), aliases))
                    .collect()
            })
            .unwrap_or_default();
        Table {
            sheet: sheet.name.clone(),
            header_row,
            columns,
            rows,
        }
    }

    /// The column holding `key` with no language, if any.
    pub(crate) fn plain(&self, key: &str) -> Option<usize> {
        self.columns
            .iter()
            .find(|c| c.key == key && c.lang.is_none())
            .map(|c| c.index)
    }

    /// The value of `key` (with no language) in `row`, or "".
    pub(crate) fn value<'r>(&self, row: &'r Row, key: &str) -> &'r str {
        self.plain(key).map_or("", |i| row.get(i))
    }

    /// The columns of `key` written per language, as (language as written,
    /// column).
    pub(crate) fn translated(&self, key: &str) -> Vec<(String, usize)> {
        self.columns
            .iter()
            .filter(|c| c.key == key)
            .filter_map(|c| c.lang.clone().map(|l| (l, c.index)))
            .collect()
    }
}

fn parse_header(index: usize, header: &str, aliases: &[(&str, &str)]) -> Column {
    let (mut key, mut lang) = match header.split_once("::") {
        Some((k, rest)) => (k.to_owned(), Some(rest.to_owned())),
        None => (header.to_owned(), None),
    };
    // `media::image::English (en)` and `bind::relevant` name their property
    // in two parts.
    let lower = key.to_lowercase();
    if matches!(
        lower.as_str(),
        "media" | "bind" | "control" | "body" | "instance"
    ) {
        if let Some(rest) = lang.take() {
            let (second, l) = match rest.split_once("::") {
                Some((s, l)) => (s.to_owned(), Some(l.to_owned())),
                None => (rest, None),
            };
            key = format!("{lower}::{second}");
            lang = l;
        }
    }
    let mut key = normalize(&key);
    // Old forms write `label:English` with a single colon.
    if lang.is_none() {
        if let Some(pos) = header.find(':') {
            let k = normalize(&header[..pos]);
            if TRANSLATABLE.contains(&k.as_str())
                || matches!(k.as_str(), "image" | "audio" | "video")
            {
                key = k;
                lang = Some(header[pos + 1..].to_owned());
            }
        }
    }
    let key = aliases
        .iter()
        .find(|(from, _)| *from == key)
        .map_or(key, |(_, to)| (*to).to_owned());
    let lang = lang.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty());
    Column {
        index,
        key,
        lang,
        header: header.to_owned(),
    }
}

/// Lowercase, with spaces as `_`, so `Required Message` reads as `required_message`.
fn normalize(key: &str) -> String {
    key.trim()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
}

/// Other spellings of survey columns that pyxform accepts.
pub(crate) const SURVEY_ALIASES: &[(&str, &str)] = &[
    ("caption", "label"),
    ("relevance", "relevant"),
    ("bind::relevant", "relevant"),
    ("bind::required", "required"),
    ("bind::constraint", "constraint"),
    ("bind::calculate", "calculation"),
    ("bind::readonly", "read_only"),
    ("bind::jr:constraintmsg", "constraint_message"),
    ("bind::jr:requiredmsg", "required_message"),
    ("jr:constraintmsg", "constraint_message"),
    ("jr:requiredmsg", "required_message"),
    ("readonly", "read_only"),
    ("jr:count", "repeat_count"),
    ("control::jr:count", "repeat_count"),
    ("control::appearance", "appearance"),
    ("image", "media::image"),
    ("big-image", "media::big-image"),
    ("audio", "media::audio"),
    ("video", "media::video"),
];

/// Other spellings of choices columns.
pub(crate) const CHOICES_ALIASES: &[(&str, &str)] = &[
    ("value", "name"),
    ("image", "media::image"),
    ("big-image", "media::big-image"),
    ("audio", "media::audio"),
    ("video", "media::video"),
];

/// The properties whose texts Yim keeps, so whose languages become the
/// form's languages.
pub(crate) const READ_TEXTS: &[&str] = &["label", "hint", "constraint_message", "required_message"];

/// Every distinct language written in the headers of `tables`, in order of
/// first appearance, with the first table and column index that has it.
pub(crate) fn languages(tables: &[&Table]) -> Vec<(String, String, u32)> {
    let mut seen: HashMap<String, ()> = HashMap::new();
    let mut out = Vec::new();
    for t in tables {
        for c in &t.columns {
            if let Some(l) = &c.lang {
                if READ_TEXTS.contains(&c.key.as_str()) && seen.insert(l.clone(), ()).is_none() {
                    out.push((l.clone(), t.sheet.clone(), t.header_row));
                }
            }
        }
    }
    out
}
