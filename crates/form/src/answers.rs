//! Answers as a phone stores them and a bundle carries them: a record type of
//! their own, so that the stored shape is written down in one place and does
//! not change when the expression language's run-time values do.
//!
//! The shape is version [`ANSWERS_VERSION`]: one JSON object per response
//! (and per repeat entry), mapping a question's name to its answer; groups
//! add no level, because names are unique in a form. An answer is `null`,
//! `true`/`false`, a number, a text (dates and times as ISO text, answers of
//! a draft that do not fit their question's type as typed), an array of
//! texts for a `select_multiple`, or an array of such objects for a repeat.
//! Drafts on phones, finalized records and bundle format versions 1 and 2
//! all hold this version. A later change of shape gets a new version here,
//! and the reader of this one stays, since records on phones and bundles
//! already sent must still read.
//!
//! It lives in the form format's crate for the reason [`crate::case`] does:
//! the engine writes it, and the app, the bundle and the data office read it,
//! and all of them depend on this crate and none on each other.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The version of the answers' shape that this module reads and writes.
pub const ANSWERS_VERSION: u32 = 1;

/// The answers of one response, or of one repeat entry: question name to
/// answer, in name order (the order the JSON has always had).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AnswerRecord(pub BTreeMap<String, StoredAnswer>);

/// One stored answer. The variants are told apart by their JSON shape alone
/// (no tag is written), exactly as records have always been stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StoredAnswer {
    /// `null`: a number that JSON cannot hold (not a number, infinite).
    Empty,
    /// A yes or no, from a calculation.
    Flag(bool),
    /// A whole number, written without a fraction.
    Whole(i64),
    /// Any other number.
    Number(f64),
    /// Text: a text answer, a `select_one` choice, a date or time in ISO
    /// form, or, in a draft, what was typed when it did not fit.
    Text(String),
    /// A repeat: one record per entry, in order. Listed before [`List`]
    /// so that an array of objects reads as entries.
    ///
    /// [`List`]: StoredAnswer::List
    Entries(Vec<AnswerRecord>),
    /// The choices of a `select_multiple`, or the values a calculation
    /// gathered from a repeat's entries.
    List(Vec<StoredAnswer>),
}

impl StoredAnswer {
    /// A number as it has always been stored: whole numbers below 9×10^15
    /// (where every whole number still has an exact `f64`) without a
    /// fraction, numbers JSON cannot hold as `null`.
    pub fn number(n: f64) -> StoredAnswer {
        if !n.is_finite() {
            StoredAnswer::Empty
        } else if n.fract() == 0.0 && n.abs() < 9.0e15 {
            StoredAnswer::Whole(n as i64)
        } else {
            StoredAnswer::Number(n)
        }
    }
}

impl AnswerRecord {
    /// Reads stored answers. Anything that is not such a record (a value
    /// that is an object, a record that is not an object) is refused with
    /// serde's description of where, and the input is left as it was.
    pub fn from_json(json: &serde_json::Value) -> Result<AnswerRecord, serde_json::Error> {
        AnswerRecord::deserialize(json)
    }

    /// The record as the JSON value that storage and bundles hold.
    pub fn to_json(&self) -> serde_json::Value {
        // Every answer is a JSON value and every key a string, so turning the
        // record into JSON cannot fail; `Null` stands in should it ever do.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}
