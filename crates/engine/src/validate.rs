//! Reading typed answers, and the checks that give a question its error:
//! type, required, constraint and the ready-made `checks:`.

use validator::{ValidateLength, ValidateRange, ValidateUrl};
use yim_expr::thai::to_ascii_digits;
use yim_expr::{Date, DateTime, Time, Ty, Value};
use yim_form::{Check, QType};

use crate::compile::{CompiledCheck, CompiledForm, NodeId};
use crate::session::{Ctx, FrameId, Session};
use crate::words::{self, Words};

/// What is wrong with an answer. Messages are produced in the current
/// language only when a view is built, so switching languages recomputes
/// nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    Required,
    Constraint,
    /// The typed text does not fit the question's type.
    Type,
    /// The answer is not (or no longer) one of the offered choices.
    NotAChoice,
    /// The `checks:` rule at this index failed.
    Check(usize),
    /// A `thai_id` check failed, for this reason.
    ThaiId(ThaiIdFault),
}

/// Why text is not a Thai national ID. Each has its own message, so that a
/// volunteer knows whether a digit is missing or mistyped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ThaiIdFault {
    /// Something other than digits, dashes and spaces.
    NotDigits,
    /// This many digits instead of 13.
    Length(usize),
    /// Thirteen digits whose last one is not the check digit of the others.
    CheckDigit,
}

/// Reads text typed for `node`: the value to store, and the text itself when
/// it does not fit the type (so it is kept, and reported, not dropped).
///
/// Thai digits (๐-๙) are read wherever digits are: numbers, dates, times,
/// locations and the national ID, which are all stored with ASCII digits.
/// A date may also be typed as Thai paperwork writes it, `5 มีนาคม 2568`
/// or `5/3/2568` (see [`Date::parse_written`]); it is stored as ISO
/// `2025-03-05`.
pub(crate) fn parse_answer(
    form: &CompiledForm,
    node: NodeId,
    raw: &str,
) -> (Value, Option<String>) {
    let n = form.node(node);
    if raw.trim().is_empty() && n.qtype != QType::Text {
        return (Value::Empty, None);
    }
    if raw.is_empty() {
        return (Value::Empty, None);
    }
    let ascii = to_ascii_digits(raw.trim());
    let t = ascii.as_ref();
    let parsed = match &n.qtype {
        // A national ID or a phone number is text, but its digits are
        // digits: `๑๒๓...` and `123...` must be the same answer in exported
        // data.
        QType::Text
            if n.checks
                .iter()
                .any(|c| matches!(c, CompiledCheck::ThaiId | CompiledCheck::Phone)) =>
        {
            Some(Value::str(&to_ascii_digits(raw)))
        }
        QType::Text | QType::Note | QType::Calculate => Some(Value::str(raw)),
        // A case id: whether it is one of the device's cases is told by
        // the picker's warning, since the device's list may be out of date.
        QType::SelectOneCase => Some(Value::str(t)),
        QType::Integer => t.parse::<i64>().ok().map(|i| Value::Num(i as f64)),
        QType::Decimal => t
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Value::Num),
        QType::Date => Date::parse_written(t).map(Value::Date),
        QType::Time => Time::parse_iso(t).map(Value::Time),
        QType::DateTime => DateTime::parse_iso(t).map(Value::DateTime),
        QType::SelectOne { .. } => is_choice(form, node, t).then(|| Value::str(t)),
        QType::SelectMultiple { .. } => {
            let picked: Vec<&str> = t.split_whitespace().collect();
            picked
                .iter()
                .all(|c| is_choice(form, node, c))
                .then(|| Value::multi(picked))
        }
        QType::Acknowledge => match t {
            "OK" | "ok" | "1" | "true" | "yes" => Some(Value::str("OK")),
            _ => None,
        },
        QType::Geopoint => parse_geopoint(t).map(|s| Value::str(&s)),
        QType::Range => t
            .parse::<f64>()
            .ok()
            .filter(|v| n.parameters.range().contains(*v))
            .map(Value::Num),
        QType::Image => yim_form::is_media_name(raw).then(|| Value::str(raw)),
        QType::Geotrace => parse_points(t, false).map(|s| Value::str(&s)),
        QType::Geoshape => parse_points(t, true).map(|s| Value::str(&s)),
        QType::Rank { .. } => {
            let ranked: Vec<&str> = t.split_whitespace().collect();
            let mut seen = std::collections::HashSet::with_capacity(ranked.len());
            ranked
                .iter()
                .all(|c| is_choice(form, node, c) && seen.insert(*c))
                .then(|| Value::multi(ranked))
        }
        QType::Group | QType::Repeat => None,
    };
    match parsed {
        Some(v) => (v, None),
        None => (Value::Empty, Some(raw.to_owned())),
    }
}

fn is_choice(form: &CompiledForm, node: NodeId, name: &str) -> bool {
    form.node(node)
        .list
        .is_some_and(|l| form.list(l).choices.iter().any(|c| c.name == name))
}

/// ODK geopoints are `latitude longitude [altitude [accuracy]]`.
fn parse_geopoint(t: &str) -> Option<String> {
    let parts: Vec<f64> = t
        .split_whitespace()
        .map(|p| p.parse::<f64>().ok())
        .collect::<Option<_>>()?;
    if !(2..=4).contains(&parts.len()) || parts.iter().any(|p| !p.is_finite()) {
        return None;
    }
    if !(-90.0..=90.0).contains(&parts[0]) || !(-180.0..=180.0).contains(&parts[1]) {
        return None;
    }
    Some(
        parts
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// ODK's traces and shapes: points `lat lon [alt [accuracy]]` separated by
/// `;`, written back with all four numbers as ODK writes them. A trace needs
/// two points. A shape needs three distinct points and is stored closed,
/// its first point again at the end, whether or not it was typed closed.
pub(crate) fn parse_points(t: &str, shape: bool) -> Option<String> {
    let mut points: Vec<String> = Vec::new();
    for part in t.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let point = parse_geopoint(part)?;
        let mut numbers: Vec<&str> = point.split(' ').collect();
        numbers.resize(4, "0");
        points.push(numbers.join(" "));
    }
    // Two points are the same place when their latitude and longitude are.
    let place = |p: &str| p.split(' ').take(2).collect::<Vec<_>>().join(" ");
    if shape {
        if points.len() > 1 && points.first().map(|p| place(p)) == points.last().map(|p| place(p)) {
            points.pop();
        }
        let distinct: std::collections::HashSet<String> = points.iter().map(|p| place(p)).collect();
        if distinct.len() < 3 {
            return None;
        }
        points.push(points[0].clone());
    } else if points.len() < 2 {
        return None;
    }
    Some(points.join(";"))
}

/// Turns a calculation's result into the question's type, as ODK stores a
/// calculated value in the question's data type.
pub(crate) fn coerce(ty: Ty, v: Value) -> Value {
    match ty {
        Ty::Integer | Ty::Number => match v {
            Value::Empty => Value::Empty,
            v => {
                let n = v.as_num();
                if n.is_nan() {
                    Value::Empty
                } else if ty == Ty::Integer {
                    Value::Num(n.trunc())
                } else {
                    Value::Num(n)
                }
            }
        },
        Ty::Date => match v {
            Value::Date(_) | Value::Empty => v,
            Value::DateTime(dt) => Value::Date(dt.date()),
            Value::Num(n) if n.is_finite() => Value::Date(Date::from_days(n.floor() as i32)),
            Value::Str(s) => Date::parse_iso(&s).map_or(Value::Empty, Value::Date),
            _ => Value::Empty,
        },
        Ty::Text | Ty::SelectOne => match v {
            Value::Str(_) | Value::Empty => v,
            other => {
                let s = other.as_str();
                if s.is_empty() {
                    Value::Empty
                } else {
                    Value::str(&s)
                }
            }
        },
        _ => v,
    }
}

/// The error of `node` in `frame`, computed from its current state.
pub(crate) fn check(s: &Session, node: NodeId, frame: FrameId) -> Option<Fault> {
    let n = s.form.node(node);
    if matches!(n.qtype, QType::Group | QType::Repeat | QType::Note) {
        return None;
    }
    let slot = s.slot(node, frame);
    if !slot.relevant {
        return None;
    }
    if slot.raw.is_some() {
        return Some(Fault::Type);
    }
    if slot.value.is_empty() {
        return slot.required.then_some(Fault::Required);
    }
    if let (
        QType::SelectOne { .. } | QType::SelectMultiple { .. } | QType::Rank { .. },
        Some(kept),
    ) = (&n.qtype, &slot.choices)
    {
        let list = s.form.list(n.list.unwrap_or(0));
        let offered = |name: &str| kept.iter().any(|&i| list.choices[i as usize].name == name);
        let ok = match &slot.value {
            Value::Multi(items) => items.iter().all(|c| offered(c)),
            v => offered(&v.as_str()),
        };
        if !ok {
            return Some(Fault::NotAChoice);
        }
    }
    for (i, c) in n.checks.iter().enumerate() {
        if let CompiledCheck::ThaiId = c {
            if let Some(why) = thai_id_fault(&slot.value.as_str()) {
                return Some(Fault::ThaiId(why));
            }
        } else if !passes(c, &slot.value) {
            return Some(Fault::Check(i));
        }
    }
    if let Some(p) = &n.constraint {
        if !p
            .eval(&Ctx {
                s,
                node: Some(node),
                frame,
                choice: None,
            })
            .as_bool()
        {
            return Some(Fault::Constraint);
        }
    }
    None
}

fn passes(check: &CompiledCheck, v: &Value) -> bool {
    let text = v.as_str();
    match check {
        CompiledCheck::Email => crate::email::email_ok(&text),
        CompiledCheck::Url => text.validate_url(),
        CompiledCheck::ThaiId => thai_id_ok(&text),
        CompiledCheck::Phone => phone_ok(&text),
        CompiledCheck::Length { min, max } => text.as_ref().validate_length(*min, *max, None),
        CompiledCheck::Range { min, max } => {
            let n = v.as_num();
            !n.is_nan() && n.validate_range(*min, *max, None, None)
        }
        CompiledCheck::Regex(re) => re.is_match(&text),
    }
}

/// A Thai national ID has 13 digits; the last is a check digit: eleven minus
/// the sum of the first twelve digits weighted 13 down to 2, modulo 11, with
/// 10 and 11 wrapping to 0 and 1. The digits may be ASCII or Thai, and
/// dashes and spaces between them are allowed, as the ID is printed
/// `1-2345-67890-12-3` on the card.
pub fn thai_id_ok(text: &str) -> bool {
    thai_id_fault(text).is_none()
}

/// Why `text` is not a Thai national ID, or `None` when it is one.
pub(crate) fn thai_id_fault(text: &str) -> Option<ThaiIdFault> {
    let Some(digits) = text
        .chars()
        .filter(|c| *c != '-' && *c != ' ')
        .map(yim_expr::thai::digit_value)
        .collect::<Option<Vec<u32>>>()
    else {
        return Some(ThaiIdFault::NotDigits);
    };
    if digits.len() != 13 {
        return Some(ThaiIdFault::Length(digits.len()));
    }
    let sum: u32 = digits[..12]
        .iter()
        .enumerate()
        .map(|(i, d)| d * (13 - i as u32))
        .sum();
    ((11 - sum % 11) % 10 != digits[12]).then_some(ThaiIdFault::CheckDigit)
}

/// A Thai phone number: 9 digits (a landline) or 10 (a mobile), starting
/// with 0, with ASCII or Thai digits and nothing else.
fn phone_ok(text: &str) -> bool {
    let digits: Option<Vec<u32>> = text.chars().map(yim_expr::thai::digit_value).collect();
    digits.is_some_and(|d| (9..=10).contains(&d.len()) && d[0] == 0)
}

/// The message for a fault, in `lang`, using the author's messages first.
pub(crate) fn message(s: &Session, node: NodeId, fault: Fault, raw: Option<&str>) -> String {
    let n = s.form.node(node);
    let lang = s.lang.as_str();
    let fallback = s.form.form.default_language.as_str();
    let w = words::for_code(lang);
    match fault {
        Fault::Required => match &n.required_message {
            Some(t) => t.get(lang, fallback).to_owned(),
            None => w.required.to_owned(),
        },
        Fault::Constraint => match &n.constraint_message {
            Some(t) => t.get(lang, fallback).to_owned(),
            None => w.constraint.to_owned(),
        },
        Fault::NotAChoice => w.not_a_choice.to_owned(),
        Fault::Type => {
            let expected = match n.qtype {
                QType::Integer => w.expected_integer,
                QType::Decimal => w.expected_decimal,
                QType::Date => w.expected_date,
                QType::Time => w.expected_time,
                QType::DateTime => w.expected_datetime,
                QType::SelectOne { .. } | QType::SelectMultiple { .. } => w.expected_choice,
                QType::Rank { .. } => w.expected_ranking,
                QType::Geotrace => w.expected_line,
                QType::Geoshape => w.expected_area,
                QType::Geopoint => w.expected_location,
                QType::Acknowledge => w.expected_ok,
                QType::Image => w.expected_photo,
                QType::Range => {
                    let r = n.parameters.range();
                    let expected = (w.expected_range)(r.start, r.end, r.step);
                    return (w.but_found)(&expected, raw.unwrap_or(""));
                }
                _ => w.expected_other,
            };
            (w.but_found)(expected, raw.unwrap_or(""))
        }
        Fault::ThaiId(why) => {
            if let Some(t) = &n.constraint_message {
                return t.get(lang, fallback).to_owned();
            }
            match why {
                ThaiIdFault::NotDigits => w.thai_id_not_digits.to_owned(),
                ThaiIdFault::Length(count) => (w.thai_id_length)(count),
                ThaiIdFault::CheckDigit => w.thai_id_check_digit.to_owned(),
            }
        }
        Fault::Check(i) => {
            if let Some(t) = &n.constraint_message {
                return t.get(lang, fallback).to_owned();
            }
            check_message(&n.checks[i].source(), lang)
        }
    }
}

/// The built-in message for an answer that fails `check`, in `lang` (Thai
/// for every language but English, as [`yim_form::Lang::for_code`] says).
/// The app shows it when the question has no `constraint_message`;
/// `yim export-xlsform` writes it as the constraint message of the
/// constraint a check becomes.
pub fn check_message(check: &Check, lang: &str) -> String {
    let w = words::for_code(lang);
    match check {
        Check::Email => w.check_email.to_owned(),
        Check::Url => w.check_url.to_owned(),
        Check::Phone => w.check_phone.to_owned(),
        Check::ThaiId => w.check_thai_id.to_owned(),
        Check::Length { min, max } => {
            (w.check_length)(&bounds(w, min.map(|m| m as f64), max.map(|m| m as f64)))
        }
        Check::Range { min, max } => (w.check_range)(&bounds(w, *min, *max)),
        Check::Regex(_) => w.check_pattern.to_owned(),
    }
}

fn bounds(w: &Words, min: Option<f64>, max: Option<f64>) -> String {
    let f = |x: f64| Value::Num(x).to_odk_string();
    match (min, max) {
        (Some(a), Some(b)) => (w.between)(&f(a), &f(b)),
        (Some(a), None) => (w.at_least)(&f(a)),
        (None, Some(b)) => (w.at_most)(&f(b)),
        (None, None) => String::new(),
    }
}
