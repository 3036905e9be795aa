//! Runtime values and ODK's conversions between them.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::ser::{Serialize, SerializeSeq, Serializer};

use crate::time::{Date, DateTime, Time};
use crate::Ty;

/// A value produced by an expression or stored as an answer.
///
/// Text and lists are reference counted, so handing a value from the engine
/// to an expression (see [`crate::Host::get`]) copies no text.
///
/// Equality treats two NaNs as equal, so that tests and change detection can
/// compare results; the expression operator `=` follows XPath instead.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// No answer.
    #[default]
    Empty,
    /// A boolean, from comparisons and `true()`.
    Bool(bool),
    /// A number; ODK has no separate integer type at run time.
    Num(f64),
    /// Text, including `select_one` answers.
    Str(Arc<str>),
    /// A calendar date.
    Date(Date),
    /// A time of day.
    Time(Time),
    /// A date and time.
    DateTime(DateTime),
    /// The choices of a `select_multiple` answer, in order.
    Multi(Arc<[Arc<str>]>),
    /// The values of a question inside a repeat, one per instance, when seen
    /// from outside that repeat.
    Nodeset(Arc<[Value]>),
}

impl Value {
    /// A text value.
    pub fn str(s: &str) -> Value {
        Value::Str(Arc::from(s))
    }

    /// A `select_multiple` value from its choices.
    pub fn multi<I, S>(choices: I) -> Value
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Value::Multi(choices.into_iter().map(|s| Arc::from(s.as_ref())).collect())
    }

    /// A repeat's values, one per instance.
    pub fn nodeset(values: impl IntoIterator<Item = Value>) -> Value {
        Value::Nodeset(values.into_iter().collect())
    }

    /// Reads an answer stored in ODK's string form, as a question of type
    /// `ty` holds it. The empty string is [`Value::Empty`]; text that does
    /// not fit the type is kept as [`Value::Str`] so nothing is lost.
    pub fn parse_as(ty: Ty, s: &str) -> Value {
        if s.is_empty() {
            return Value::Empty;
        }
        let parsed = match ty {
            Ty::Number | Ty::Integer => parse_number(s).map(Value::Num),
            Ty::Date => parse_date_lenient(s).map(Value::Date),
            Ty::Time => Time::parse_iso(s).map(Value::Time),
            Ty::DateTime => parse_date_time_lenient(s).map(Value::DateTime),
            Ty::Boolean => match s.trim() {
                "true" | "1" => Some(Value::Bool(true)),
                "false" | "0" => Some(Value::Bool(false)),
                _ => None,
            },
            Ty::SelectMultiple => Some(Value::multi(s.split_whitespace())),
            Ty::Repeat | Ty::Group => Some(Value::Empty),
            Ty::Text | Ty::SelectOne | Ty::Geopoint | Ty::Any => None,
        };
        parsed.unwrap_or_else(|| Value::str(s))
    }

    /// XPath `boolean()`: empty text, zero, NaN and empty lists are false.
    pub fn as_bool(&self) -> bool {
        match self {
            Value::Empty => false,
            Value::Bool(b) => *b,
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
            Value::Date(_) | Value::Time(_) | Value::DateTime(_) => true,
            Value::Multi(items) => !items.is_empty(),
            // A node-set is true when it has nodes, whatever they hold.
            Value::Nodeset(items) => !items.is_empty(),
        }
    }

    /// XPath `number()`: text must be a plain decimal number, such as `12`,
    /// `-1.5` or ` 3 `, or the result is NaN; the empty string is NaN.
    ///
    /// As in ODK, dates count days since 1970-01-01 (with the time of day as
    /// a fraction for date-times, in local time), also when they are ISO
    /// text, and times are a fraction of a day.
    pub fn as_num(&self) -> f64 {
        match self {
            Value::Empty => f64::NAN,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Num(n) => *n,
            Value::Str(s) => text_to_num(s),
            Value::Date(d) => f64::from(d.days()),
            Value::Time(t) => f64::from(t.ms_of_day()) / 86_400_000.0,
            Value::DateTime(dt) => dt.local_ms() as f64 / 86_400_000.0,
            Value::Multi(items) => match &items[..] {
                [one] => text_to_num(one),
                _ => f64::NAN,
            },
            Value::Nodeset(items) => items.first().map_or(f64::NAN, Value::as_num),
        }
    }

    /// ODK's string form: integers without `.0`, ISO dates, the choices of a
    /// `select_multiple` separated by spaces, and the first member of a
    /// node-set.
    pub fn to_odk_string(&self) -> String {
        self.as_str().into_owned()
    }

    /// [`Value::to_odk_string`] without copying when the value already is
    /// text.
    pub fn as_str(&self) -> Cow<'_, str> {
        match self {
            Value::Empty => Cow::Borrowed(""),
            Value::Bool(true) => Cow::Borrowed("true"),
            Value::Bool(false) => Cow::Borrowed("false"),
            Value::Num(n) => Cow::Owned(format_number(*n)),
            Value::Str(s) => Cow::Borrowed(s),
            Value::Date(d) => Cow::Owned(d.to_string()),
            Value::Time(t) => Cow::Owned(t.to_string()),
            Value::DateTime(dt) => Cow::Owned(dt.to_string()),
            Value::Multi(items) => match &items[..] {
                [] => Cow::Borrowed(""),
                [one] => Cow::Borrowed(one),
                many => Cow::Owned(many.join(" ")),
            },
            Value::Nodeset(items) => match items.first() {
                Some(first) => first.as_str(),
                None => Cow::Borrowed(""),
            },
        }
    }

    /// True when there is no answer: [`Value::Empty`], empty text, no
    /// choices selected, or a node-set without members.
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Str(s) => s.is_empty(),
            Value::Multi(items) => items.is_empty(),
            Value::Nodeset(items) => items.is_empty(),
            Value::Bool(_)
            | Value::Num(_)
            | Value::Date(_)
            | Value::Time(_)
            | Value::DateTime(_) => false,
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Empty, Value::Empty) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Num(a), Value::Num(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Date(a), Value::Date(b)) => a == b,
            (Value::Time(a), Value::Time(b)) => a == b,
            (Value::DateTime(a), Value::DateTime(b)) => a == b,
            (Value::Multi(a), Value::Multi(b)) => a == b,
            (Value::Nodeset(a), Value::Nodeset(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Value {
        Value::Num(n)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(Arc::from(s))
    }
}

impl From<Date> for Value {
    fn from(d: Date) -> Value {
        Value::Date(d)
    }
}

impl From<Time> for Value {
    fn from(t: Time) -> Value {
        Value::Time(t)
    }
}

impl From<DateTime> for Value {
    fn from(dt: DateTime) -> Value {
        Value::DateTime(dt)
    }
}

/// JSON form: empty is `null`, numbers are numbers (whole numbers without a
/// fraction, NaN and infinities as `null` because JSON cannot hold them),
/// dates and times are ISO strings, `select_multiple` answers and node-sets
/// are arrays.
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Empty => serializer.serialize_none(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Num(n) if !n.is_finite() => serializer.serialize_none(),
            Value::Num(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
                serializer.serialize_i64(*n as i64)
            }
            Value::Num(n) => serializer.serialize_f64(*n),
            Value::Str(s) => serializer.serialize_str(s),
            Value::Date(_) | Value::Time(_) | Value::DateTime(_) => {
                serializer.collect_str(&self.as_str())
            }
            Value::Multi(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items.iter() {
                    seq.serialize_element(&**item)?;
                }
                seq.end()
            }
            Value::Nodeset(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items.iter() {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
    }
}

/// Prints a number as XPath and ODK do: no exponent, no `.0` on whole
/// numbers, `NaN` and `Infinity` spelled out.
pub(crate) fn format_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".to_owned()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else if n == 0.0 {
        // Negative zero prints as plain zero.
        "0".to_owned()
    } else {
        // Rust prints the shortest digits that round-trip, without an
        // exponent and without a fraction on whole numbers.
        n.to_string()
    }
}

/// XPath's number syntax: optional whitespace, an optional minus, digits
/// with an optional fraction. Anything else, the empty string included, is
/// not a number.
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    let body = t.strip_prefix('-').unwrap_or(t);
    let mut digits = 0;
    let mut dots = 0;
    for b in body.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => dots += 1,
            _ => return None,
        }
    }
    if digits == 0 || dots > 1 {
        return None;
    }
    t.parse().ok()
}

/// A number from text: a decimal, or else an ISO date, date-time or time.
fn text_to_num(s: &str) -> f64 {
    if let Some(n) = parse_number(s) {
        return n;
    }
    if let Some(d) = Date::parse_iso(s) {
        return f64::from(d.days());
    }
    if let Some(dt) = DateTime::parse_iso(s) {
        return Value::DateTime(dt).as_num();
    }
    match Time::parse_iso(s) {
        Some(t) => Value::Time(t).as_num(),
        None => f64::NAN,
    }
}

/// A date from a date or date-time string, as `date()` accepts them.
pub(crate) fn parse_date_lenient(s: &str) -> Option<Date> {
    Date::parse_iso(s).or_else(|| DateTime::parse_iso(s).map(DateTime::date))
}

/// A date-time from a date-time or date string (a date means its midnight
/// in UTC).
pub(crate) fn parse_date_time_lenient(s: &str) -> Option<DateTime> {
    DateTime::parse_iso(s).or_else(|| Date::parse_iso(s).map(|d| DateTime::from_date(d, 0)))
}
