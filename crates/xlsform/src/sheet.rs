//! Reading the sheets of a workbook (xlsx, xls) or of a CSV file into rows of
//! text, each with the row number a spreadsheet program shows.
//!
//! **Boundary**: this module is the only one that knows about calamine and
//! the csv crate. Everything after it sees [`Sheet`]s of strings.

use std::io::Cursor;

use calamine::{Data, Reader};

/// One row of a sheet: its 1-based number as a spreadsheet shows it, and the
/// text of each cell (empty for empty cells).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Row {
    pub(crate) number: u32,
    pub(crate) cells: Vec<String>,
}

impl Row {
    /// The cell in column `i`, trimmed, or "" past the end of the row.
    pub(crate) fn get(&self, i: usize) -> &str {
        self.cells.get(i).map(|s| s.trim()).unwrap_or("")
    }

    fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
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

/// Every sheet of a workbook, or the reason it cannot be read.
pub(crate) fn read_workbook(bytes: &[u8]) -> Result<Vec<Sheet>, String> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        format!(
            "the file cannot be read as a spreadsheet ({})",
            e.to_string().to_lowercase()
        )
    })?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| {
            format!(
                "the sheet '{name}' cannot be read ({})",
                e.to_string().to_lowercase()
            )
        })?;
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let mut rows = Vec::new();
        for (i, cells) in range.rows().enumerate() {
            // Cells left of the range's first column are empty; keep column
            // indexes absolute so that headers and values line up.
            let mut texts = vec![String::new(); first_col as usize];
            texts.extend(cells.iter().map(cell_text));
            let row = Row {
                number: first_row + i as u32 + 1,
                cells: texts,
            };
            if !row.is_blank() {
                rows.push(row);
            }
        }
        sheets.push(Sheet { name, rows });
    }
    Ok(sheets)
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
        records.push(Row {
            number: line,
            cells: record.iter().map(str::to_owned).collect(),
        });
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
        row.cells.remove(0);
        if !row.is_blank() {
            if let Some(sheet) = sheets.last_mut() {
                sheet.rows.push(row);
            }
        }
    }
    Ok(sheets)
}
