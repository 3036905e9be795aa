//! Reading the sheets of a workbook (xlsx, xls) or of a CSV file into rows of
//! text, each with the row number a spreadsheet program shows.
//!
//! **Boundary**: this module is the only one that knows about calamine and
//! the csv crate. Everything after it sees [`Sheet`]s of strings.

use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Sheets};

/// One row of a sheet: its 1-based number as a spreadsheet shows it, and
/// its non-empty cells as (0-based column, text), ordered by column.
///
/// The cells are kept sparse, so a row costs what it holds: a workbook that
/// puts one value in column XFD costs one cell, not 16,384.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Row {
    pub(crate) number: u32,
    pub(crate) cells: Vec<(usize, String)>,
}

impl Row {
    /// A row from its cells in column order, with the empty ones left out.
    pub(crate) fn new(number: u32, cells: impl IntoIterator<Item = (usize, String)>) -> Row {
        let mut cells: Vec<(usize, String)> =
            cells.into_iter().filter(|(_, c)| !c.is_empty()).collect();
        cells.sort_by_key(|(i, _)| *i);
        Row { number, cells }
    }

    /// The cell in column `i`, trimmed, or "" when it is empty.
    pub(crate) fn get(&self, i: usize) -> &str {
        match self.cells.binary_search_by_key(&i, |(c, _)| *c) {
            Ok(at) => self.cells[at].1.trim(),
            Err(_) => "",
        }
    }

    fn is_blank(&self) -> bool {
        self.cells.iter().all(|(_, c)| c.trim().is_empty())
    }
}

/// A sheet: its name as written in the workbook and its non-blank rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Sheet {
    pub(crate) name: String,
    pub(crate) rows: Vec<Row>,
}

/// The kind of file, told from its first bytes rather than its name, because
/// spreadsheets are often saved with the wrong extension (a legacy `.xls`
/// named `.xlsx` is common).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Workbook,
    Csv,
}

pub(crate) fn kind_of(bytes: &[u8]) -> Kind {
    // Office Open XML and OpenDocument files are zip archives; legacy Excel
    // files are OLE compound documents.
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE: &[u8] = &[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
    if bytes.starts_with(ZIP) || bytes.starts_with(OLE) {
        Kind::Workbook
    } else {
        Kind::Csv
    }
}

/// The most non-empty cells a workbook may hold, all sheets together.
///
/// The largest XLSForms we know hold about 100,000 cells (a choices sheet
/// with every subdistrict of Thailand); the bound leaves ten times that and
/// keeps a hostile workbook from taking more than a few hundred megabytes.
pub(crate) const MAX_CELLS: usize = 1_000_000;

/// Every sheet of a workbook, or the reason it cannot be read.
///
/// xlsx and xlsb sheets are read cell by cell with calamine's cell readers,
/// so memory follows the cells that hold something: a sheet that claims the
/// range `A1:XFD1048576`, or holds one value there, costs no more than its
/// values. Legacy xls and OpenDocument sheets have no cell reader and are
/// read as calamine ranges.
pub(crate) fn read_workbook(bytes: &[u8]) -> Result<Vec<Sheet>, String> {
    read_workbook_within(bytes, MAX_CELLS)
}

/// [`read_workbook`] with a bound on the cells, so that tests need not
/// write a million cells to reach it.
fn read_workbook_within(bytes: &[u8], max_cells: usize) -> Result<Vec<Sheet>, String> {
    let lower = |e: &dyn std::fmt::Display| e.to_string().to_lowercase();
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("the file cannot be read as a spreadsheet ({})", lower(&e)))?;
    let unreadable = |name: &str, e: &dyn std::fmt::Display| {
        format!("the sheet '{name}' cannot be read ({})", lower(e))
    };
    let mut sheets = Vec::new();
    let mut budget = Budget {
        left: max_cells,
        max: max_cells,
    };
    for name in book.sheet_names() {
        let rows = match &mut book {
            Sheets::Xlsx(x) => {
                let mut reader = x
                    .worksheet_cells_reader(&name)
                    .map_err(|e| unreadable(&name, &e))?;
                let mut cells = Vec::new();
                while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&name, &e))? {
                    budget.take(&name, &mut cells, cell)?;
                }
                rows_of(cells)
            }
            Sheets::Xlsb(x) => {
                let mut reader = x
                    .worksheet_cells_reader(&name)
                    .map_err(|e| unreadable(&name, &e))?;
                let mut cells = Vec::new();
                while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&name, &e))? {
                    budget.take(&name, &mut cells, cell)?;
                }
                rows_of(cells)
            }
            book => {
                let range = book
                    .worksheet_range(&name)
                    .map_err(|e| unreadable(&name, &e))?;
                let mut cells = Vec::new();
                for (row, col, value) in range.used_cells() {
                    let (first_row, first_col) = range.start().unwrap_or((0, 0));
                    let text = cell_text(value);
                    if !text.is_empty() {
                        budget.count(&name)?;
                        cells.push((first_row + row as u32, first_col as usize + col, text));
                    }
                }
                rows_of(cells)
            }
        };
        sheets.push(Sheet { name, rows });
    }
    Ok(sheets)
}

/// How many more non-empty cells the workbook may hold.
struct Budget {
    left: usize,
    max: usize,
}

impl Budget {
    fn count(&mut self, sheet: &str) -> Result<(), String> {
        match self.left.checked_sub(1) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => Err(format!(
                "expected at most {} cells with a value in the workbook, but the sheet '{sheet}' goes past that",
                self.max
            )),
        }
    }

    /// Keeps a streamed cell when it holds something.
    fn take(
        &mut self,
        sheet: &str,
        cells: &mut Vec<(u32, usize, String)>,
        cell: calamine::Cell<DataRef<'_>>,
    ) -> Result<(), String> {
        let (row, col) = cell.get_position();
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if !text.is_empty() {
            self.count(sheet)?;
            cells.push((row, col as usize, text));
        }
        Ok(())
    }
}

/// Groups (0-based row, 0-based column, text) cells into non-blank rows,
/// ordered by row; a cell given twice keeps its last value.
fn rows_of(mut cells: Vec<(u32, usize, String)>) -> Vec<Row> {
    cells.sort_by_key(|(r, c, _)| (*r, *c));
    cells.dedup_by(|later, earlier| {
        let same = (later.0, later.1) == (earlier.0, earlier.1);
        if same {
            std::mem::swap(&mut earlier.2, &mut later.2);
        }
        same
    });
    let mut rows: Vec<Row> = Vec::new();
    for (r, c, text) in cells {
        let number = r.saturating_add(1);
        match rows.last_mut() {
            Some(row) if row.number == number => row.cells.push((c, text)),
            _ => rows.push(Row {
                number,
                cells: vec![(c, text)],
            }),
        }
    }
    rows.retain(|r| !r.is_blank());
    rows
}

/// A cell as the text an author sees: whole numbers without a fraction
/// (`1`, not `1.0`), booleans as XLSForm writes them, dates in ISO form.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(d) => {
            let (y, mo, da, h, mi, s, _) = d.to_ymd_hms_milli();
            if d.is_duration() || (h, mi, s) != (0, 0, 0) {
                format!("{y:04}-{mo:02}-{da:02}T{h:02}:{mi:02}:{s:02}")
            } else {
                format!("{y:04}-{mo:02}-{da:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The sheets of a CSV file.
///
/// Two layouts are read. In pyxform's multi-sheet layout the first column
/// holds a sheet name (`survey`, `choices`, `settings`) on the row that starts
/// each sheet, and the rows of that sheet follow with an empty first column.
/// Any other CSV file is the `survey` sheet alone. Row numbers are the
/// file's line numbers of the records.
pub(crate) fn read_csv(bytes: &[u8]) -> Result<Vec<Sheet>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        "the file is neither a spreadsheet (xlsx, xls) nor UTF-8 text (a CSV file)".to_owned()
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("the CSV file cannot be read ({e})"))?;
        let line = record.position().map(|p| p.line() as u32).unwrap_or(0);
        records.push(Row::new(line, record.iter().map(str::to_owned).enumerate()));
    }
    records.retain(|r| !r.is_blank());
    let multi = records.first().is_some_and(|r| {
        matches!(
            r.get(0).to_ascii_lowercase().as_str(),
            "survey" | "choices" | "settings"
        )
    });
    if !multi {
        return Ok(vec![Sheet {
            name: "survey".to_owned(),
            rows: records,
        }]);
    }
    let mut sheets: Vec<Sheet> = Vec::new();
    for mut row in records {
        let first = row.get(0).to_owned();
        if !first.is_empty() {
            sheets.push(Sheet {
                name: first,
                rows: Vec::new(),
            });
        }
        // The first column names the sheet; the sheet's own columns start
        // after it.
        row.cells.retain(|(i, _)| *i > 0);
        row.cells.iter_mut().for_each(|(i, _)| *i -= 1);
        if !row.is_blank() {
            if let Some(sheet) = sheets.last_mut() {
                sheet.rows.push(row);
            }
        }
    }
    Ok(sheets)
}

// The tests' xlsx writer, shared with the integration tests.
#[cfg(test)]
#[path = "../tests/common/xlsx.rs"]
mod xlsx;

#[cfg(test)]
mod tests {
    use super::read_workbook_within;
    use super::xlsx;

    #[test]
    fn defect_4_a_workbook_with_too_many_cells_is_refused() {
        // The bound counts cells with a value across every sheet; with a
        // bound of 5, the survey's 6 cells are one too many.
        let bytes = xlsx::xlsform(&[("text", "a", "A")]);
        let cases = [
            (6 + 4, "ok: survey 2 rows, settings 2 rows"),
            (5, "expected at most 5 cells with a value in the workbook, but the sheet 'survey' goes past that"),
        ];
        for (max, expected) in cases {
            let found = match read_workbook_within(&bytes, max) {
                Ok(sheets) => {
                    let parts: Vec<String> = sheets
                        .iter()
                        .map(|s| format!("{} {} rows", s.name, s.rows.len()))
                        .collect();
                    format!("ok: {}", parts.join(", "))
                }
                Err(e) => e,
            };
            assert_eq!(found, expected, "with at most {max} cells");
        }
    }
}
