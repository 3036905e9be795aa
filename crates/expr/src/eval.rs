//! Evaluates a [`Program`] against a [`Host`].
//!
//! Evaluation never fails. As in ODK, what cannot be computed becomes NaN,
//! empty text or false: division by zero is Infinity or NaN, `date('x')` is
//! empty, a choice index out of range is empty.
//!
//! Conversions follow XPath 1.0 with ODK's additions:
//! - to a number: text must be a plain decimal, otherwise an ISO date,
//!   date-time or time counts as days since 1970-01-01 (see
//!   [`Value::as_num`]); empty is NaN, so `'' + 1` is NaN;
//! - `=` and `!=` compare as booleans if either side is one, else as numbers
//!   if either side is a number, date or time, else as text;
//! - `<`, `<=`, `>`, `>=` compare as numbers;
//! - a comparison with a node-set is true when it holds for any member.
//!
//! The common path allocates nothing: text and choice lists are reference
//! counted and compared in place.

use crate::pattern::Pattern;

use crate::compile::{Program, Term, TermId};
use crate::digest::Algorithm;
use crate::func::Func;
use crate::geo;
use crate::parse::BinOp;
use crate::time::{self, Date, DateTime, Time};
use crate::value::{parse_date_lenient, parse_date_time_lenient, parse_number, Value};
use crate::Host;

const MS_PER_DAY: f64 = 86_400_000.0;

impl Program {
    /// Evaluates the expression. Never panics; problems become NaN, empty
    /// text or false, as in ODK.
    pub fn eval(&self, host: &dyn Host) -> Value {
        self.term(self.root, host)
    }

    fn term(&self, id: TermId, host: &dyn Host) -> Value {
        match &self.terms[id.0 as usize] {
            Term::Const(v) => v.clone(),
            Term::Ref(r) => host.get(*r),
            Term::Current => host.current(),
            Term::Neg(t) => Value::Num(-self.term(*t, host).as_num()),
            Term::Bin(op, a, b) => self.bin(*op, *a, *b, host),
            Term::Call(func, start, len) => {
                let start = *start as usize;
                let args = &self.args[start..start + *len as usize];
                self.call(*func, args, host)
            }
            Term::ChoiceName(value, question) => {
                let value = self.term(*value, host);
                let choice = value.as_str();
                let choice = choice.trim();
                if choice.is_empty() {
                    return Value::Empty;
                }
                host.choice_label(*question, choice)
                    .map_or(Value::Empty, Value::from)
            }
            Term::Regex(value, slot) => {
                let value = self.term(*value, host);
                Value::Bool(self.regexes[*slot as usize].is_match(&value.as_str()))
            }
            Term::Field(column) => host.field(*column),
            Term::Lookup {
                list,
                filter,
                column,
                first,
            } => self.lookup(*list, *filter, *column, *first, host),
            Term::IndexedRepeat(field, index) => {
                let values = self.term(*field, host);
                let index = self.term(*index, host).as_num();
                if index.is_nan() || index < 1.0 || index.fract() != 0.0 {
                    return Value::Empty;
                }
                match values {
                    Value::Nodeset(items) => {
                        items.get(index as usize - 1).cloned().unwrap_or_default()
                    }
                    single if index == 1.0 => single,
                    _ => Value::Empty,
                }
            }
        }
    }

    /// Goes through the items of `list` and keeps `column` of those for
    /// which `filter` holds. A number as the filter is a 1-based position,
    /// as in XPath's `item[2]`.
    fn lookup(
        &self,
        list: u32,
        filter: Option<TermId>,
        column: u32,
        first: bool,
        host: &dyn Host,
    ) -> Value {
        let mut found = Vec::new();
        for item in 0..host.list_len(list) {
            if let Some(filter) = filter {
                let here = Item { host, list, item };
                let keep = match self.term(filter, &here) {
                    Value::Num(n) => n == (item + 1) as f64,
                    v => v.as_bool(),
                };
                if !keep {
                    continue;
                }
            }
            let value = host.list_value(list, item, column);
            if first {
                return value;
            }
            found.push(value);
        }
        if first {
            Value::Empty
        } else {
            Value::nodeset(found)
        }
    }

    fn bool(&self, id: TermId, host: &dyn Host) -> bool {
        self.term(id, host).as_bool()
    }

    fn num(&self, id: TermId, host: &dyn Host) -> f64 {
        self.term(id, host).as_num()
    }

    fn bin(&self, op: BinOp, a: TermId, b: TermId, host: &dyn Host) -> Value {
        match op {
            BinOp::Or => Value::Bool(self.bool(a, host) || self.bool(b, host)),
            BinOp::And => Value::Bool(self.bool(a, host) && self.bool(b, host)),
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                Value::Bool(compare(op, &self.term(a, host), &self.term(b, host)))
            }
            BinOp::Add => Value::Num(self.num(a, host) + self.num(b, host)),
            BinOp::Sub => Value::Num(self.num(a, host) - self.num(b, host)),
            BinOp::Mul => Value::Num(self.num(a, host) * self.num(b, host)),
            BinOp::Div => Value::Num(self.num(a, host) / self.num(b, host)),
            // XPath's `mod` keeps the sign of the dividend, like `%` on f64.
            BinOp::Mod => Value::Num(self.num(a, host) % self.num(b, host)),
        }
    }

    fn call(&self, func: Func, args: &[TermId], host: &dyn Host) -> Value {
        let arg = |i: usize| args.get(i).map_or(Value::Empty, |&t| self.term(t, host));
        let num = |i: usize| arg(i).as_num();
        let math = |f: fn(f64) -> f64| Value::Num(f(num(0)));
        match func {
            Func::If => {
                if arg(0).as_bool() {
                    arg(1)
                } else {
                    arg(2)
                }
            }
            Func::Selected => {
                let (list, choice) = (arg(0), arg(1));
                let choice = choice.as_str();
                let choice = choice.trim();
                Value::Bool(with_choices(&list, |mut choices| {
                    Iterator::any(&mut choices, |c| c == choice)
                }))
            }
            Func::CountSelected => {
                Value::Num(with_choices(&arg(0), |choices| Iterator::count(choices)) as f64)
            }
            Func::SelectedAt => {
                let (list, index) = (arg(0), num(1));
                if index.is_nan() || index < 0.0 {
                    return Value::Empty;
                }
                let found = with_choices(&list, |mut choices| {
                    Iterator::nth(&mut choices, index as usize).map(Value::str)
                });
                found.unwrap_or_default()
            }
            Func::Concat => {
                let mut out = String::new();
                for i in 0..args.len() {
                    match arg(i) {
                        Value::Nodeset(items) => {
                            items.iter().for_each(|v| out.push_str(&v.as_str()))
                        }
                        v => out.push_str(&v.as_str()),
                    }
                }
                Value::from(out)
            }
            Func::Join => {
                let separator = arg(0);
                let separator = separator.as_str();
                let mut out = String::new();
                let mut first = true;
                let mut push = |s: &str| {
                    if !first {
                        out.push_str(&separator);
                    }
                    first = false;
                    out.push_str(s);
                };
                for i in 1..args.len() {
                    match arg(i) {
                        Value::Nodeset(items) => items.iter().for_each(|v| push(&v.as_str())),
                        Value::Multi(items) => items.iter().for_each(|v| push(v)),
                        v => push(&v.as_str()),
                    }
                }
                Value::from(out)
            }
            Func::StringLength => Value::Num(arg(0).as_str().chars().count() as f64),
            Func::Substr => {
                let text = arg(0);
                let text = text.as_str();
                let len = text.chars().count() as i64;
                // Negative positions count from the end; NaN is 0, as a Java
                // integer cast in ODK Collect makes it.
                let position = |n: f64| {
                    let n = if n.is_nan() { 0 } else { n as i64 };
                    if n < 0 {
                        (len + n).max(0)
                    } else {
                        n.min(len)
                    }
                };
                let start = position(num(1));
                let end = if args.len() > 2 {
                    position(num(2))
                } else {
                    len
                };
                if start >= end {
                    return Value::str("");
                }
                let part: String = text
                    .chars()
                    .skip(start as usize)
                    .take((end - start) as usize)
                    .collect();
                Value::from(part)
            }
            Func::SubstringBefore => {
                let (text, part) = (arg(0), arg(1));
                let (text, part) = (text.as_str(), part.as_str());
                Value::str(text.find(&*part).map_or("", |i| &text[..i]))
            }
            Func::SubstringAfter => {
                let (text, part) = (arg(0), arg(1));
                let (text, part) = (text.as_str(), part.as_str());
                Value::str(text.find(&*part).map_or("", |i| &text[i + part.len()..]))
            }
            Func::Contains => text_test(arg(0), arg(1), |t, p| t.contains(p)),
            Func::StartsWith => text_test(arg(0), arg(1), |t, p| t.starts_with(p)),
            Func::EndsWith => text_test(arg(0), arg(1), |t, p| t.ends_with(p)),
            Func::Regex => {
                // Patterns that are literals were compiled in advance; this
                // is a pattern computed at run time. An invalid one matches
                // nothing.
                let (text, pattern) = (arg(0), arg(1));
                let matched =
                    Pattern::new(&pattern.as_str()).is_ok_and(|re| re.is_match(&text.as_str()));
                Value::Bool(matched)
            }
            Func::NormalizeSpace => {
                let text = arg(0);
                let text = text.as_str();
                let words: Vec<&str> = text.split_whitespace().collect();
                Value::from(words.join(" "))
            }
            Func::Translate => {
                let (text, from, to) = (arg(0), arg(1), arg(2));
                let from: Vec<char> = from.as_str().chars().collect();
                let to: Vec<char> = to.as_str().chars().collect();
                let out: String = text
                    .as_str()
                    .chars()
                    .filter_map(|c| match from.iter().position(|&f| f == c) {
                        Some(i) => to.get(i).copied(),
                        None => Some(c),
                    })
                    .collect();
                Value::from(out)
            }
            Func::Coalesce => {
                let first = arg(0);
                if first.as_str().is_empty() {
                    arg(1)
                } else {
                    first
                }
            }
            Func::Not => Value::Bool(!arg(0).as_bool()),
            Func::True => Value::Bool(true),
            Func::False => Value::Bool(false),
            Func::Boolean => Value::Bool(arg(0).as_bool()),
            Func::BooleanFromString => {
                let text = arg(0);
                let text = text.as_str();
                let text = text.trim();
                Value::Bool(text.eq_ignore_ascii_case("true") || text == "1")
            }
            Func::Number => Value::Num(num(0)),
            Func::String => match arg(0) {
                v @ Value::Str(_) => v,
                v => Value::from(v.to_odk_string()),
            },
            Func::Int => math(f64::trunc),
            Func::Round => {
                let x = num(0);
                if args.len() > 1 {
                    Value::Num(round_to(x, num(1)))
                } else {
                    // XPath rounds halves towards positive infinity.
                    Value::Num(if x.is_finite() { (x + 0.5).floor() } else { x })
                }
            }
            Func::Floor => math(f64::floor),
            Func::Ceiling => math(f64::ceil),
            Func::Abs => math(f64::abs),
            Func::Pow => Value::Num(num(0).powf(num(1))),
            Func::Sqrt => math(f64::sqrt),
            Func::Exp => math(f64::exp),
            Func::Exp10 => Value::Num(10f64.powf(num(0))),
            Func::Log => math(f64::ln),
            Func::Log10 => math(f64::log10),
            Func::Pi => Value::Num(std::f64::consts::PI),
            Func::Sin => math(f64::sin),
            Func::Cos => math(f64::cos),
            Func::Tan => math(f64::tan),
            Func::Asin => math(f64::asin),
            Func::Acos => math(f64::acos),
            Func::Atan => math(f64::atan),
            Func::Atan2 => Value::Num(num(0).atan2(num(1))),
            Func::Min | Func::Max => {
                let mut result: Option<f64> = None;
                let mut take = |n: f64| {
                    result = Some(match result {
                        None => n,
                        Some(r) if r.is_nan() || n.is_nan() => f64::NAN,
                        Some(r) if func == Func::Min => r.min(n),
                        Some(r) => r.max(n),
                    });
                };
                for i in 0..args.len() {
                    match arg(i) {
                        Value::Nodeset(items) => items.iter().for_each(|v| take(v.as_num())),
                        v => take(v.as_num()),
                    }
                }
                Value::Num(result.unwrap_or(f64::NAN))
            }
            Func::Sum => match arg(0) {
                Value::Nodeset(items) => Value::Num(items.iter().map(Value::as_num).sum()),
                v => Value::Num(v.as_num()),
            },
            Func::Count => match arg(0) {
                Value::Nodeset(items) => Value::Num(items.len() as f64),
                // A question outside any repeat is a single node, answered
                // or not.
                _ => Value::Num(1.0),
            },
            Func::CountNonEmpty => match arg(0) {
                Value::Nodeset(items) => {
                    Value::Num(items.iter().filter(|v| !v.is_empty()).count() as f64)
                }
                v => Value::Num(if v.is_empty() { 0.0 } else { 1.0 }),
            },
            Func::IndexedRepeat => Value::Empty,
            Func::Checklist => {
                let mut count = 0usize;
                for i in 2..args.len() {
                    match arg(i) {
                        Value::Nodeset(items) => {
                            count += items.iter().filter(|v| v.as_bool()).count()
                        }
                        v => count += usize::from(v.as_bool()),
                    }
                }
                Value::Bool(within(count as f64, num(0), num(1)))
            }
            Func::WeightedChecklist => {
                let mut total = 0.0;
                for pair in args[2.min(args.len())..].chunks(2) {
                    if self.term(pair[0], host).as_bool() {
                        total += pair.get(1).map_or(0.0, |&w| self.term(w, host).as_num());
                    }
                }
                Value::Bool(within(total, num(0), num(1)))
            }
            Func::Position => Value::Num(host.position().map_or(f64::NAN, |p| p as f64)),
            Func::Today => Value::Date(host.today()),
            Func::Now => Value::DateTime(host.now()),
            Func::Date => to_date(&arg(0)).map_or(Value::Empty, Value::Date),
            Func::DateTime => to_date_time(&arg(0)).map_or(Value::Empty, Value::DateTime),
            Func::DecimalDateTime => Value::Num(num(0)),
            Func::DecimalTime => match arg(0) {
                Value::DateTime(dt) => Value::Num(f64::from(dt.ms_of_day()) / MS_PER_DAY),
                Value::Str(s) => Value::Num(
                    Time::parse_iso(&s).map_or(f64::NAN, |t| f64::from(t.ms_of_day()) / MS_PER_DAY),
                ),
                v => Value::Num(v.as_num().rem_euclid(1.0)),
            },
            Func::FormatDate | Func::FormatDateTime => {
                let (value, pattern) = (arg(0), arg(1));
                match local_parts(&value) {
                    Some((date, ms)) => Value::from(time::format(&pattern.as_str(), date, ms)),
                    None => Value::Empty,
                }
            }
            Func::Once => {
                let current = host.current();
                if current.is_empty() {
                    arg(0)
                } else {
                    current
                }
            }
            Func::Uuid if args.is_empty() => Value::from(host.uuid()),
            Func::Uuid => {
                // ODK's `uuid(n)`: n random letters and digits. The length is
                // bounded so that a stray large number cannot stall the phone.
                let n = num(0);
                if n.is_nan() || n < 1.0 {
                    return Value::str("");
                }
                const ALPHABET: &[u8] =
                    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
                let n = (n as usize).min(MAX_UUID_LEN);
                let out: String = (0..n)
                    .map(|_| {
                        let i = (host.random() * ALPHABET.len() as f64) as usize;
                        ALPHABET[i.min(ALPHABET.len() - 1)] as char
                    })
                    .collect();
                Value::from(out)
            }
            Func::Random => Value::Num(host.random()),
            Func::Randomize => {
                let items: Vec<Value> = match arg(0) {
                    Value::Nodeset(items) => items.to_vec(),
                    Value::Multi(items) => items.iter().map(|s| Value::Str(s.clone())).collect(),
                    Value::Empty => Vec::new(),
                    one => vec![one],
                };
                let seed = (args.len() > 1).then(|| num(1));
                Value::nodeset(shuffle(items, seed, host))
            }
            Func::Version => Value::from(host.form_version()),
            Func::Property => host.property(arg(0).as_str().trim()),
            Func::Digest => {
                let Some(algorithm) = Algorithm::parse(&arg(1).as_str()) else {
                    return Value::str("");
                };
                let hex = args.len() > 2 && arg(2).as_str().trim() == "hex";
                Value::from(crate::digest::digest(&arg(0).as_str(), algorithm, hex))
            }
            Func::Base64Decode => {
                Value::from(crate::digest::base64_decode(&arg(0).as_str()).unwrap_or_default())
            }
            Func::Distance | Func::Area => {
                let values: Vec<Value> = (0..args.len()).map(arg).collect();
                let mut texts: Vec<std::borrow::Cow<'_, str>> = Vec::new();
                for v in &values {
                    match v {
                        Value::Nodeset(items) => texts.extend(items.iter().map(|i| i.as_str())),
                        other => texts.push(other.as_str()),
                    }
                }
                match geo::points(texts.iter().map(|t| &**t)) {
                    Some(points) if func == Func::Distance => Value::Num(geo::distance(&points)),
                    Some(points) => Value::Num(geo::area(&points)),
                    None => Value::Num(f64::NAN),
                }
            }
            // These are compiled into their own terms or never reach here
            // (`ChoiceName` without a resolved question compiles to empty,
            // and `instance`, `jr:itext` and `pulldata` become look-ups).
            Func::ChoiceName | Func::Instance | Func::Itext | Func::Pulldata => Value::Empty,
        }
    }
}

/// The longest text `uuid(n)` makes.
const MAX_UUID_LEN: usize = 4096;

/// ODK's `randomize()`: the "inside-out" Fisher-Yates shuffle. With a seed
/// the random numbers come from the Park-Miller generator (the "minimal
/// standard" 16807 multiplier modulo 2³¹ − 1), as in ODK Collect and Enketo,
/// so the same seed gives the same order everywhere.
fn shuffle(items: Vec<Value>, seed: Option<f64>, host: &dyn Host) -> Vec<Value> {
    const MODULUS: i64 = 2_147_483_647;
    let mut state = seed.map(|s| {
        // A seed is an integer; a fraction is dropped, as `int()` would.
        let s = if s.is_finite() { s.trunc() } else { 0.0 };
        let mut state = (s % MODULUS as f64) as i64;
        if state <= 0 {
            state += MODULUS - 1;
        }
        state
    });
    let mut next = || match state.as_mut() {
        Some(state) => {
            *state = *state * 16_807 % MODULUS;
            (*state - 1) as f64 / (MODULUS - 1) as f64
        }
        None => host.random(),
    };
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let j = ((next() * (i + 1) as f64) as usize).min(i);
        if j == i {
            out.push(item);
        } else {
            let moved = std::mem::replace(&mut out[j], item);
            out.push(moved);
        }
    }
    out
}

/// The view of the host while a path predicate looks at one list item:
/// bare names read that item's columns, everything else is the host's.
struct Item<'h> {
    host: &'h dyn Host,
    list: u32,
    item: usize,
}

impl Host for Item<'_> {
    fn get(&self, id: u32) -> Value {
        self.host.get(id)
    }
    fn current(&self) -> Value {
        self.host.current()
    }
    fn position(&self) -> Option<usize> {
        self.host.position()
    }
    fn choice_label(&self, id: u32, choice: &str) -> Option<String> {
        self.host.choice_label(id, choice)
    }
    fn today(&self) -> Date {
        self.host.today()
    }
    fn now(&self) -> DateTime {
        self.host.now()
    }
    fn uuid(&self) -> String {
        self.host.uuid()
    }
    fn random(&self) -> f64 {
        self.host.random()
    }
    fn form_version(&self) -> String {
        self.host.form_version()
    }
    fn property(&self, name: &str) -> Value {
        self.host.property(name)
    }
    fn list_len(&self, list: u32) -> usize {
        self.host.list_len(list)
    }
    fn list_value(&self, list: u32, item: usize, column: u32) -> Value {
        self.host.list_value(list, item, column)
    }
    fn field(&self, column: u32) -> Value {
        self.host.list_value(self.list, self.item, column)
    }
}

/// Runs `f` over the choices in a select answer without copying them: a
/// `select_multiple` list, or text with space-separated choices.
fn with_choices<R>(value: &Value, f: impl FnOnce(&mut dyn Iterator<Item = &str>) -> R) -> R {
    match value {
        Value::Multi(items) => f(&mut items.iter().map(|s| &**s)),
        Value::Nodeset(items) => match items.first() {
            Some(first) => with_choices(first, f),
            None => f(&mut std::iter::empty()),
        },
        other => f(&mut other.as_str().split_whitespace()),
    }
}

fn text_test(text: Value, part: Value, test: fn(&str, &str) -> bool) -> Value {
    Value::Bool(test(&text.as_str(), &part.as_str()))
}

/// Whether `n` is within `min` and `max`, where a negative bound means no
/// bound, as `checklist()` defines.
fn within(n: f64, min: f64, max: f64) -> bool {
    (min < 0.0 || n >= min) && (max < 0.0 || n <= max)
}

/// Rounds to `digits` decimal places, halves away from zero, on the decimal
/// digits the number prints with, so that `round(1.005, 2)` is 1.01 as an
/// author expects, although 1.005 is slightly below that in binary.
fn round_to(x: f64, digits: f64) -> f64 {
    if !x.is_finite() || digits.is_nan() {
        return if digits.is_nan() { f64::NAN } else { x };
    }
    let digits = digits.trunc().clamp(-308.0, 308.0) as i32;
    if digits < 0 {
        let scale = 10f64.powi(-digits);
        return (x / scale).round() * scale;
    }
    let text = format!("{}", x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let keep = digits as usize;
    if frac.len() <= keep {
        return x;
    }
    let mut kept = format!("{int}.{}", &frac[..keep]);
    let round_up = frac.as_bytes()[keep] >= b'5';
    let mut value: f64 = kept.parse().unwrap_or(f64::NAN);
    if round_up {
        value += 10f64.powi(-digits);
        // Re-print so the result has no binary noise such as 1.0100000000000002.
        kept = format!("{value:.keep$}");
        value = kept.parse().unwrap_or(value);
    }
    value.copysign(x)
}

/// Compares two values with an XPath comparison operator.
fn compare(op: BinOp, a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Nodeset(xs), Value::Nodeset(ys)) => {
            xs.iter().any(|x| ys.iter().any(|y| compare(op, x, y)))
        }
        // A node-set compared with a boolean is first turned into one.
        (Value::Nodeset(_), Value::Bool(_)) | (Value::Bool(_), Value::Nodeset(_)) => {
            scalar(op, &Value::Bool(a.as_bool()), &Value::Bool(b.as_bool()))
        }
        (Value::Nodeset(xs), y) => xs.iter().any(|x| compare(op, x, y)),
        (x, Value::Nodeset(ys)) => ys.iter().any(|y| compare(op, x, y)),
        _ => scalar(op, a, b),
    }
}

fn is_temporal(v: &Value) -> bool {
    matches!(v, Value::Date(_) | Value::DateTime(_) | Value::Time(_))
}

fn scalar(op: BinOp, a: &Value, b: &Value) -> bool {
    if let Some((x, y)) = instants(a, b) {
        return match op {
            BinOp::Eq => x == y,
            BinOp::Ne => x != y,
            BinOp::Lt => x < y,
            BinOp::Le => x <= y,
            BinOp::Gt => x > y,
            BinOp::Ge => x >= y,
            _ => false,
        };
    }
    let equal = || {
        if matches!(a, Value::Bool(_)) || matches!(b, Value::Bool(_)) {
            a.as_bool() == b.as_bool()
        } else if matches!(a, Value::Num(_))
            || matches!(b, Value::Num(_))
            || is_temporal(a)
            || is_temporal(b)
        {
            a.as_num() == b.as_num()
        } else {
            a.as_str() == b.as_str()
        }
    };
    match op {
        BinOp::Eq => equal(),
        BinOp::Ne => !equal(),
        BinOp::Lt => a.as_num() < b.as_num(),
        BinOp::Le => a.as_num() <= b.as_num(),
        BinOp::Gt => a.as_num() > b.as_num(),
        BinOp::Ge => a.as_num() >= b.as_num(),
        _ => false,
    }
}

/// Two values as instants in milliseconds, when one is a date-time and the
/// other can be read as one. Comparing instants rather than local days keeps
/// `${visit} < '2024-05-01T09:00:00+06:00'` right across UTC offsets; a date
/// is taken as midnight at the date-time's offset.
fn instants(a: &Value, b: &Value) -> Option<(i64, i64)> {
    let offset = match (a, b) {
        (Value::DateTime(dt), _) | (_, Value::DateTime(dt)) => dt.offset_minutes(),
        _ => return None,
    };
    let instant = |v: &Value| match v {
        Value::DateTime(dt) => Some(dt.ms()),
        Value::Date(d) => Some(DateTime::from_date(*d, offset).ms()),
        Value::Str(s) => DateTime::parse_iso(s)
            .or_else(|| Date::parse_iso(s).map(|d| DateTime::from_date(d, offset)))
            .map(DateTime::ms),
        _ => None,
    };
    Some((instant(a)?, instant(b)?))
}

/// `date()`: from a date, the date part of a date-time, a number of days or
/// ISO text.
fn to_date(v: &Value) -> Option<Date> {
    match v {
        Value::Date(d) => Some(*d),
        Value::DateTime(dt) => Some(dt.date()),
        Value::Num(n) => days_to_date(*n),
        Value::Str(s) => match parse_number(s) {
            Some(n) => days_to_date(n),
            None => parse_date_lenient(s),
        },
        Value::Nodeset(items) => items.first().and_then(to_date),
        _ => None,
    }
}

fn days_to_date(n: f64) -> Option<Date> {
    if !n.is_finite() {
        return None;
    }
    Date::checked(n.floor() as i64)
}

/// `date-time()`: numbers are days since 1970-01-01, dates are midnight,
/// both in UTC because no other offset is known.
fn to_date_time(v: &Value) -> Option<DateTime> {
    match v {
        Value::DateTime(dt) => Some(*dt),
        Value::Date(d) => Some(DateTime::from_date(*d, 0)),
        Value::Num(n) => days_to_date_time(*n),
        Value::Str(s) => match parse_number(s) {
            Some(n) => days_to_date_time(n),
            None => parse_date_time_lenient(s),
        },
        Value::Nodeset(items) => items.first().and_then(to_date_time),
        _ => None,
    }
}

fn days_to_date_time(n: f64) -> Option<DateTime> {
    days_to_date(n)?;
    Some(DateTime::from_ms((n * MS_PER_DAY).round() as i64, 0))
}

/// The local date and time of day that `format-date` prints.
fn local_parts(v: &Value) -> Option<(Date, u32)> {
    match v {
        Value::Date(d) => Some((*d, 0)),
        Value::DateTime(dt) => Some((dt.date(), dt.ms_of_day())),
        Value::Time(t) => Some((Date::from_days(0), t.ms_of_day())),
        Value::Num(_) | Value::Str(_) => {
            if let Value::Str(s) = v {
                if let Some(t) = Time::parse_iso(s) {
                    return Some((Date::from_days(0), t.ms_of_day()));
                }
            }
            let dt = to_date_time(v)?;
            Some((dt.date(), dt.ms_of_day()))
        }
        Value::Nodeset(items) => items.first().and_then(local_parts),
        _ => None,
    }
}
