//! Choice lists kept in CSV files, such as the list of Thai districts.
//!
//! The header names the columns: `name`, then either `label` or one
//! `label::LANG` column per language, then any number of extra columns (such
//! as `province`) that a `choice_filter` can use. Problems are reported at
//! `file:line:1` of the CSV file.

use std::sync::Arc;

use indexmap::IndexMap;

use crate::{Choice, Diagnostic, Loc, Text};

/// Reads the choices of a CSV file, reporting every bad row. `None` means the
/// header is unusable, so no row could be read.
pub(crate) fn parse(path: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Option<Vec<Choice>> {
    let file: Arc<str> = path.into();
    let at = |line: u64| Loc {
        file: file.clone(),
        line: line as u32,
        col: 1,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.push(Diagnostic::new(at(line_of(&e).unwrap_or(1)), describe(&e)));
            return None;
        }
    };
    let mut name_col = None;
    let mut label_col = None;
    let mut lang_cols: Vec<(String, usize)> = Vec::new();
    let mut extra_cols: Vec<(String, usize)> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let mut header_ok = true;
    for (i, column) in header.iter().enumerate() {
        let column = column.trim();
        if column.is_empty() {
            diags.push(Diagnostic::new(
                at(1),
                format!("column {} has no name in the header", i + 1),
            ));
            header_ok = false;
            continue;
        }
        if seen.contains(&column) {
            diags.push(Diagnostic::new(
                at(1),
                format!("the column `{column}` appears twice in the header"),
            ));
            header_ok = false;
            continue;
        }
        seen.push(column);
        if column == "name" {
            name_col = Some(i);
        } else if column == "label" {
            label_col = Some(i);
        } else if let Some(lang) = column.strip_prefix("label::") {
            lang_cols.push((lang.trim().to_string(), i));
        } else {
            extra_cols.push((column.to_string(), i));
        }
    }
    let columns = seen
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if name_col.is_none() {
        diags.push(Diagnostic::new(
            at(1),
            format!("expected a `name` column in the header, but found only {columns}"),
        ));
        header_ok = false;
    }
    if label_col.is_none() && lang_cols.is_empty() {
        diags.push(Diagnostic::new(
            at(1),
            format!("expected a `label` column (or `label::th`, `label::en`, ...) in the header, but found only {columns}"),
        ));
        header_ok = false;
    }
    if label_col.is_some() && !lang_cols.is_empty() {
        diags.push(Diagnostic::new(
            at(1),
            "use either one `label` column or `label::LANG` columns, not both",
        ));
        header_ok = false;
    }
    let (Some(name_col), true) = (name_col, header_ok) else {
        return None;
    };
    let width = header.len();
    let mut lines = Lines {
        text: text.as_bytes(),
        pos: 0,
        line: 1,
    };
    let mut choices = Vec::new();
    // One record is read into again and again: the address lists have
    // thousands of rows, and a new record for each was a good part of
    // loading them.
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                // The reader has moved past the row it could not read.
                diags.push(Diagnostic::new(at(line_of(&e).unwrap_or(1)), describe(&e)));
                continue;
            }
        }
        let line = record
            .position()
            .map_or(1, |p| lines.line_at(p.byte() as usize));
        if record.len() != width {
            diags.push(Diagnostic::new(
                at(line),
                format!(
                    "expected {width} fields like the header, but found {} in this row",
                    record.len()
                ),
            ));
            continue;
        }
        let name = record[name_col].trim();
        if name.is_empty() {
            diags.push(Diagnostic::new(at(line), "this row has no `name`"));
            continue;
        }
        let label = match label_col {
            Some(i) => Text::Any(record[i].to_string()),
            // Empty cells are left out, so a missing translation is reported
            // as such once the form's languages are known.
            None => {
                let mut texts = IndexMap::with_capacity(lang_cols.len());
                for (lang, i) in &lang_cols {
                    if !record[*i].trim().is_empty() {
                        texts.insert(lang.clone(), record[*i].to_string());
                    }
                }
                Text::Langs(texts)
            }
        };
        if matches!(&label, Text::Any(s) if s.trim().is_empty()) {
            diags.push(Diagnostic::new(
                at(line),
                format!("the choice `{name}` has no label"),
            ));
            continue;
        }
        let mut extra = IndexMap::with_capacity(extra_cols.len());
        for (column, i) in &extra_cols {
            extra.insert(column.clone(), record[*i].to_string());
        }
        choices.push(Choice {
            name: name.to_string(),
            label,
            extra,
            loc: at(line),
        });
    }
    Some(choices)
}

fn line_of(e: &csv::Error) -> Option<u64> {
    e.position().map(|p| p.line())
}

fn describe(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "this row is not valid UTF-8 text; save the file as CSV UTF-8".to_string()
        }
        _ => format!(
            "this row cannot be read as CSV ({})",
            e.to_string().to_lowercase()
        ),
    }
}

/// Line numbers from byte offsets. The csv crate's own line count is off by
/// one for files with Windows line endings (as Excel writes them), so lines
/// are counted here. Offsets only grow, so each byte is looked at once.
struct Lines<'t> {
    text: &'t [u8],
    pos: usize,
    line: u64,
}

impl Lines<'_> {
    /// The line of the first character of a record that the reader places at
    /// `byte`; the reader may place it on the line break before the record.
    fn line_at(&mut self, byte: usize) -> u64 {
        let mut start = byte.min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start < self.pos {
            return self.line;
        }
        self.line += self.text[self.pos..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.pos = start;
        self.line
    }
}
