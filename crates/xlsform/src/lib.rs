//! Converting XLSForm spreadsheets into Yim forms.
//!
//! [`import`] reads an XLSForm (an `.xlsx` or legacy `.xls` workbook, or a
//! CSV file) from bytes and builds a [`yim_form::Form`]: the `survey` sheet
//! becomes the question tree, `choices` the choice lists, `settings` the
//! form's id, version, title and default language, and `entities` (ODK
//! Entities) the form's `case:` block, with the `save_to` column and the
//! follow-up form's `select_one_from_file` picker. Multilingual columns such
//! as `label::English (en)` become per-language texts.
//!
//! Whatever Yim cannot express is left out and reported as a [`Note`] naming
//! the sheet and row (`survey!12: unsupported type 'range' ...`); whatever is
//! converted but not exactly (a renamed question, a guessed language code) is
//! reported too. Nothing is dropped silently. Every expression of the result
//! has passed Yim's expression checker, so the printed form lints clean
//! except for the names the report asks the author to change.
//!
//! [`export`] goes the other way: it writes a resolved form (variants
//! applied) as an `.xlsx` XLSForm that pyxform converts, for partners who
//! use ODK Collect or KoboToolbox, and reports row by row what XLSForm
//! cannot say exactly (ready-made checks become a constraint, the app's own
//! settings are left out). It also returns the form as the workbook says
//! it, which is what importing the workbook gives back.
//!
//! **Bounds**: xlsx and xlsb sheets are read cell by cell and kept sparse,
//! so a sheet costs what it holds, whatever range it claims; a workbook may
//! hold at most 1,000,000 cells with a value. Legacy xls and OpenDocument
//! sheets are read whole by calamine (an xls sheet has at most 65,536 rows
//! and 256 columns).
//!
//! **Boundary**: this crate does no file or network I/O. It takes the file's
//! bytes and name, so that the browser can use it as well as the command line.
//!
//! ```
//! let csv = "type,name,label,relevant\n\
//!            integer,age,Age,\n\
//!            text,school,School,${age} >= 6\n\
//!            range,stars,Stars,\n\
//!            audio,voice,Voice,\n";
//! let (form, notes) = yim_xlsform::import("visit.csv", csv.as_bytes());
//! let form = form.unwrap();
//! assert_eq!(form.questions.len(), 3);
//! assert_eq!(form.questions[1].relevant.as_ref().unwrap().src, "${age} >= 6");
//! assert_eq!(form.questions[2].qtype, yim_form::QType::Range);
//! assert!(notes.iter().any(|n| n.to_string()
//!     == "survey!5: unsupported type 'audio' (sound recordings); the question `voice` is left out"));
//! let yaml = yim_xlsform::to_yaml(&form, &notes, "visit.csv");
//! assert!(yaml.contains("  - name: school\n"));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod check;
mod choices;
mod columns;
mod convert;
mod entities;
mod export;
mod fromfile;
mod lang;
mod names;
mod report;
mod sheet;
mod survey;
mod xpath;

pub use export::{export, Exported};
pub use report::{Note, NoteKind};
use yim_form::Form;

/// Converts an XLSForm into a Yim form.
///
/// `file_name` is used for the form id when the settings sheet has none; the
/// format (xlsx, xls, or CSV) is told from the bytes. Returns the form
/// whenever there is a survey sheet, and every note, sorted by sheet and row.
/// Locations in the returned form are empty: print it with [`to_yaml`] and
/// load the text to get file positions.
pub fn import(file_name: &str, bytes: &[u8]) -> (Option<Form>, Vec<Note>) {
    let sheets = match sheet::kind_of(bytes) {
        sheet::Kind::Workbook => read_workbook_contained(bytes),
        sheet::Kind::Csv => sheet::read_csv(bytes),
    };
    let sheets = match sheets {
        Ok(s) => s,
        Err(message) => {
            return (
                None,
                vec![Note::new(
                    "file",
                    0,
                    NoteKind::Unsupported,
                    "unreadable file",
                    message,
                )],
            )
        }
    };
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let mut conv = convert::Converter::new();
    let mut form = conv.convert(&sheets, stem);
    if let Some(form) = &mut form {
        check::check(&mut conv, form);
        form.strip_locations();
    }
    let mut notes = conv.notes;
    report::sort(&mut notes);
    (form, notes)
}

/// Reads a workbook with any panic inside calamine contained.
///
/// calamine is a large parser of hostile input, and some of its arithmetic
/// on cell references overflows (a panic in debug builds) on references past
/// the last row. A panic inside it is reported like any other unreadable
/// file. (Only the command line imports today, and its panics unwind; a
/// browser build with `panic = "abort"` would not be protected by this.)
fn read_workbook_contained(bytes: &[u8]) -> Result<Vec<sheet::Sheet>, String> {
    let read = std::panic::AssertUnwindSafe(|| sheet::read_workbook(bytes));
    std::panic::catch_unwind(read).unwrap_or_else(|_| {
        Err(
            "the file cannot be read as a spreadsheet (the reader failed on a damaged part)"
                .to_owned(),
        )
    })
}

/// Prints a converted form as a Yim form file, headed by comments that name
/// the source and list every note, so that the author sees what to finish
/// by hand when opening the file.
pub fn to_yaml(form: &Form, notes: &[Note], source: &str) -> String {
    let mut out = format!("# Converted from {source} by `yim import`.\n");
    if notes.is_empty() {
        out.push_str("# Everything in the spreadsheet was converted.\n");
    } else {
        out.push_str("# Not converted, or converted differently (sheet!row as the spreadsheet numbers rows):\n");
        for n in notes {
            // A note may quote a cell that holds line breaks; keep each on
            // one comment line.
            let line = n.to_string().replace(['\r', '\n'], " ");
            out.push_str("#   ");
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(&yim_form::to_yaml_with_files(form));
    out
}
