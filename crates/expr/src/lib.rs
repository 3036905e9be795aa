//! The XLSForm/ODK expression language used by Yim.
//!
//! An expression such as `${age} >= 15 and selected(${risks}, 'labour')` goes
//! through three phases, one module each:
//!
//! - `lex` turns the source into tokens,
//! - `parse` builds an [`Expr`] tree (with error nodes, so that every syntax
//!   problem is reported, not just the first),
//! - `compile` resolves `${name}` references through a [`Scope`] supplied by
//!   the engine, checks function names, arities and the types it can be sure
//!   of, and produces a [`Program`]: a flat table of terms that evaluates
//!   without walking boxed trees.
//!
//! Evaluation follows ODK's XPath semantics (typed values, coercions, NaN and
//! empty results instead of errors). It needs a [`Host`] that hands out the
//! current answers, the clock and randomness, because this crate performs no
//! I/O of its own and builds for `wasm32-unknown-unknown`.
//!
//! **Boundary:** this crate knows nothing about YAML, forms or the engine's
//! data model. Questions are opaque `u32` ids handed out by the [`Scope`].
//!
//! ```
//! use yim_expr::{compile, Host, RefInfo, Scope, Ty, Value, Date, DateTime};
//!
//! struct Form;
//! impl Scope for Form {
//!     fn resolve(&self, name: &str) -> Option<RefInfo> {
//!         (name == "age").then_some(RefInfo { id: 0, ty: Ty::Integer, repeated: false })
//!     }
//!     fn current(&self) -> Option<Ty> {
//!         None
//!     }
//! }
//!
//! struct Answers;
//! impl Host for Answers {
//!     fn get(&self, _id: u32) -> Value {
//!         Value::Num(16.0)
//!     }
//!     fn current(&self) -> Value {
//!         Value::Empty
//!     }
//!     fn position(&self) -> Option<usize> {
//!         None
//!     }
//!     fn choice_label(&self, _id: u32, _choice: &str) -> Option<String> {
//!         None
//!     }
//!     fn today(&self) -> Date {
//!         Date::from_ymd(2024, 5, 1).unwrap()
//!     }
//!     fn now(&self) -> DateTime {
//!         DateTime::from_ms(0, 0)
//!     }
//!     fn uuid(&self) -> String {
//!         "00000000-0000-4000-8000-000000000000".to_owned()
//!     }
//! }
//!
//! let program = compile("${age} >= 15", &Form).unwrap();
//! assert_eq!(program.deps(), &[0]);
//! assert_eq!(program.eval(&Answers), Value::Bool(true));
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod compile;
mod digest;
mod eval;
mod func;
mod geo;
mod lex;
mod parse;
pub mod pattern;
mod print;
pub mod thai;
mod time;
mod value;

pub use crate::compile::{compile, Program};
pub use crate::func::Func;
pub use crate::parse::{parse, BinOp, Expr, ExprKind, PathStep};
pub use crate::pattern::Pattern;
pub use crate::time::{Date, DateTime, Time};

/// The proleptic Gregorian calendar that [`Date`] and [`DateTime`] count in,
/// the one home of calendar arithmetic: the bundle format's timestamps and
/// the app's date line use it too, so no other crate needs a date library
/// or a copy of these rules.
pub mod calendar {
    pub use crate::time::{civil_from_days, days_from_civil, days_in_month, is_leap};
}
pub use crate::value::Value;

use std::fmt;

/// The names `property()` accepts, as XLSForm's metadata types name them:
/// the phone's id (`deviceid`), the volunteer's name (`username`) and the
/// time the record was finalized (`end`).
pub const PROPERTIES: &[&str] = &["deviceid", "username", "end"];

/// Byte range inside the expression source, used to point errors at the right
/// column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// Creates a span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span that covers both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A problem in an expression: syntax, unknown name, unknown function, arity
/// or type.
///
/// The message is lowercase, has no trailing period and is written for form
/// authors, for example "function `substr` expects 2 or 3 arguments, but
/// found 1".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// Where in the expression source the problem is.
    pub span: Span,
    /// What the problem is.
    pub message: String,
}

impl ExprError {
    pub(crate) fn new(span: Span, message: impl Into<String>) -> ExprError {
        ExprError {
            span,
            message: message.into(),
        }
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprError {}

/// Static type of a referenced question, supplied by the engine at compile
/// time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    /// Free text.
    Text,
    /// A number that may have a fractional part (`decimal`).
    Number,
    /// A whole number (`integer`).
    Integer,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A date with a time of day.
    DateTime,
    /// A yes/no answer (`acknowledge`, or a boolean calculation).
    Boolean,
    /// One choice out of a list.
    SelectOne,
    /// Any number of choices out of a list, space separated in ODK.
    SelectMultiple,
    /// A GPS location.
    Geopoint,
    /// A repeat: only meaningful in `count()`, `position()` and
    /// `indexed-repeat()`.
    Repeat,
    /// A group: has no value of its own.
    Group,
    /// Unknown or untyped, such as a calculation without a declared type.
    Any,
}

impl Ty {
    /// The XLSForm name of the type, used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Ty::Text => "text",
            Ty::Number => "decimal",
            Ty::Integer => "integer",
            Ty::Date => "date",
            Ty::Time => "time",
            Ty::DateTime => "dateTime",
            Ty::Boolean => "boolean",
            Ty::SelectOne => "select_one",
            Ty::SelectMultiple => "select_multiple",
            Ty::Geopoint => "geopoint",
            Ty::Repeat => "repeat",
            Ty::Group => "group",
            Ty::Any => "calculation",
        }
    }
}

/// What the compiler learns about a `${name}` reference from the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RefInfo {
    /// Opaque id handed back to [`Host::get`] and listed in
    /// [`Program::deps`].
    pub id: u32,
    /// The referenced question's type.
    pub ty: Ty,
    /// True when the reference can yield several values from the caller's
    /// context: it is inside a repeat that the expression is not inside of.
    /// The engine decides; [`Host::get`] then returns a [`Value::Nodeset`].
    pub repeated: bool,
}

/// Compile-time environment, implemented by the engine.
pub trait Scope {
    /// Looks up `${name}`; `None` when no question has that name.
    fn resolve(&self, name: &str) -> Option<RefInfo>;

    /// The type of `.`, or `None` when `.` is not allowed here (anywhere but
    /// a constraint or a question's own expressions).
    fn current(&self) -> Option<Ty>;

    /// Names that could have been meant; used only to suggest a fix for an
    /// unknown `${name}`. The default suggests nothing.
    fn candidates(&self) -> Vec<String> {
        Vec::new()
    }

    /// The choice list (a list of the form's `choices`, or one read from a
    /// CSV file) called `name`, for `instance('name')/...` and
    /// `pulldata('name', ...)`. The default knows no lists.
    fn list(&self, name: &str) -> Option<u32> {
        let _ = name;
        None
    }

    /// The column `column` of `list`: `name`, `label` or one of its other
    /// columns. [`Host::list_value`] receives the id returned here.
    fn list_column(&self, list: u32, column: &str) -> Option<u32> {
        let _ = (list, column);
        None
    }
}

/// Runtime environment, implemented by the engine.
///
/// Every method is cheap to call and never fails: missing data is
/// [`Value::Empty`].
pub trait Host {
    /// Value of a reference in the caller's context. A reference compiled
    /// with [`RefInfo::repeated`] set returns a [`Value::Nodeset`] with one
    /// member per repeat instance.
    fn get(&self, id: u32) -> Value;

    /// Value of `.`. While a calculation is evaluated this is the
    /// calculation's own current value, which `once()` reads.
    fn current(&self) -> Value;

    /// 1-based index of the innermost repeat instance of the caller, for
    /// `position(..)`; `None` outside any repeat.
    fn position(&self) -> Option<usize>;

    /// Label of `choice` in the choice list of question `id`, in the current
    /// language, for `jr:choice-name(value, '${field}')`.
    fn choice_label(&self, id: u32, choice: &str) -> Option<String>;

    /// Today's date in the user's time zone (the engine has no clock).
    fn today(&self) -> Date;

    /// The current instant with the user's UTC offset.
    fn now(&self) -> DateTime;

    /// A fresh random version 4 UUID in its usual hyphenated form.
    fn uuid(&self) -> String;

    /// A value the app supplies about the phone, the volunteer or the
    /// record, for `property(name)`: one of [`PROPERTIES`]. The default is
    /// empty.
    fn property(&self, name: &str) -> Value {
        let _ = name;
        Value::Empty
    }

    /// The form's version, for `version()`. The default is empty.
    fn form_version(&self) -> String {
        String::new()
    }

    /// The number of items of a list that [`Scope::list`] named.
    fn list_len(&self, list: u32) -> usize {
        let _ = list;
        0
    }

    /// One column of one item (0-based) of a list, as [`Scope::list_column`]
    /// named it; a label in the current language.
    fn list_value(&self, list: u32, item: usize, column: u32) -> Value {
        let _ = (list, item, column);
        Value::Empty
    }

    /// The column of the list item that a path predicate is looking at. The
    /// evaluator supplies it while it goes through a list; a host has nothing
    /// to add.
    fn field(&self, column: u32) -> Value {
        let _ = column;
        Value::Empty
    }

    /// A random number in `[0, 1)` for `random()`.
    ///
    /// The default derives it from the random bits of [`Host::uuid`], so a
    /// host only has to provide one source of randomness.
    fn random(&self) -> f64 {
        let mut bits: u64 = 0;
        let uuid = self.uuid();
        let digits = uuid.chars().filter_map(|c| c.to_digit(16)).enumerate();
        // Digits 12 and 16 hold the fixed version and variant of a version 4
        // UUID, so they carry no randomness and are skipped.
        for (_, digit) in digits.filter(|(i, _)| *i != 12 && *i != 16).take(13) {
            bits = (bits << 4) | u64::from(digit);
        }
        // Thirteen hex digits are 52 bits, exactly the mantissa of an f64,
        // so the division is exact and the result is below 1.
        bits as f64 / (1u64 << 52) as f64
    }
}
