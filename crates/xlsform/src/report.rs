//! The import report: one line per spreadsheet row that did not convert
//! exactly.

use std::fmt;

/// Whether something was left out or converted into something close.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NoteKind {
    /// Yim cannot express it; it is not in the converted form.
    Unsupported,
    /// It is in the converted form, but not exactly as the spreadsheet says
    /// (a renamed question, a guessed language code, a range question that
    /// became a number with limits).
    Changed,
}

/// One line of the import report, such as `survey!12: unsupported type 'range'`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Note {
    /// The sheet the row is on: `survey`, `choices`, `settings`, or another
    /// sheet's name.
    pub sheet: String,
    /// The row as a spreadsheet program numbers it (1 is the header row); for
    /// a CSV file, the line. 0 when the note is about the whole sheet or file.
    pub row: u32,
    /// Left out, or changed.
    pub kind: NoteKind,
    /// A short name for the feature, used to count how often a corpus uses
    /// it: `type range`, `column image`, `setting instance_name`,
    /// `expression instance()`.
    pub feature: String,
    /// What happened, in plain words: lowercase, no trailing period.
    pub message: String,
}

impl Note {
    pub(crate) fn new(
        sheet: &str,
        row: u32,
        kind: NoteKind,
        feature: impl Into<String>,
        message: impl Into<String>,
    ) -> Note {
        Note {
            sheet: sheet.to_owned(),
            row,
            kind,
            feature: feature.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.row == 0 {
            write!(f, "{}: {}", self.sheet, self.message)
        } else {
            write!(f, "{}!{}: {}", self.sheet, self.row, self.message)
        }
    }
}

/// Sorts notes by sheet (`settings`, `survey`, `choices`, then the others),
/// then row, keeping the order they were found within a row.
pub(crate) fn sort(notes: &mut [Note]) {
    fn rank(sheet: &str) -> u8 {
        match sheet {
            "file" => 0,
            "settings" => 1,
            "survey" => 2,
            "choices" => 3,
            _ => 4,
        }
    }
    notes.sort_by(|a, b| (rank(&a.sheet), &a.sheet, a.row).cmp(&(rank(&b.sheet), &b.sheet, b.row)));
}
