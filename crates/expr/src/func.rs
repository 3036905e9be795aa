//! The function library: names, arities and spelling suggestions.
//!
//! Function names are resolved to [`Func`] once, at compile time, so
//! evaluation dispatches on an enum and never compares strings.

use std::fmt;

macro_rules! functions {
    ($($variant:ident => $name:literal, $min:expr, $max:expr, $doc:literal;)*) => {
        /// A function of the expression language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Func {
            $(#[doc = $doc] $variant,)*
        }

        impl Func {
            /// Every function, in the order of the table.
            pub const ALL: &'static [Func] = &[$(Func::$variant,)*];

            /// The name as written in expressions, such as `count-selected`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Func::$variant => $name,)*
                }
            }

            /// The least and greatest number of arguments; `None` for no
            /// upper limit.
            pub fn arity(self) -> (usize, Option<usize>) {
                match self {
                    $(Func::$variant => ($min, $max),)*
                }
            }
        }
    };
}

const MANY: Option<usize> = None;

const fn up_to(n: usize) -> Option<usize> {
    Some(n)
}

functions! {
    If => "if", 3, up_to(3), "`if(condition, then, else)`";
    Selected => "selected", 2, up_to(2), "`selected(answer, choice)`: whether a choice is selected";
    CountSelected => "count-selected", 1, up_to(1), "`count-selected(answer)`: number of choices selected";
    SelectedAt => "selected-at", 2, up_to(2), "`selected-at(answer, index)`: the choice at a 0-based index";
    ChoiceName => "jr:choice-name", 2, up_to(2), "`jr:choice-name(choice, '${question}')`: the label of a choice";
    Concat => "concat", 1, MANY, "`concat(text, ...)`: joins its arguments";
    Join => "join", 2, MANY, "`join(separator, values, ...)`: joins values with a separator";
    StringLength => "string-length", 1, up_to(1), "`string-length(text)`: number of characters";
    Substr => "substr", 2, up_to(3), "`substr(text, start, end)`: characters from a 0-based start up to an end";
    SubstringBefore => "substring-before", 2, up_to(2), "`substring-before(text, part)`";
    SubstringAfter => "substring-after", 2, up_to(2), "`substring-after(text, part)`";
    Contains => "contains", 2, up_to(2), "`contains(text, part)`";
    StartsWith => "starts-with", 2, up_to(2), "`starts-with(text, prefix)`";
    EndsWith => "ends-with", 2, up_to(2), "`ends-with(text, suffix)`";
    Regex => "regex", 2, up_to(2), "`regex(text, pattern)`: whether the pattern matches somewhere in the text";
    NormalizeSpace => "normalize-space", 1, up_to(1), "`normalize-space(text)`: trims and collapses whitespace";
    Translate => "translate", 3, up_to(3), "`translate(text, from, to)`: replaces characters one for one";
    Coalesce => "coalesce", 2, up_to(2), "`coalesce(a, b)`: `a` unless it is empty, else `b`";
    Not => "not", 1, up_to(1), "`not(condition)`";
    True => "true", 0, up_to(0), "`true()`";
    False => "false", 0, up_to(0), "`false()`";
    Boolean => "boolean", 1, up_to(1), "`boolean(value)`";
    BooleanFromString => "boolean-from-string", 1, up_to(1), "`boolean-from-string(text)`: true for `true` and `1`";
    Number => "number", 1, up_to(1), "`number(value)`";
    String => "string", 1, up_to(1), "`string(value)`";
    Int => "int", 1, up_to(1), "`int(number)`: drops the fraction";
    Round => "round", 1, up_to(2), "`round(number, digits)`";
    Floor => "floor", 1, up_to(1), "`floor(number)`";
    Ceiling => "ceiling", 1, up_to(1), "`ceiling(number)`";
    Abs => "abs", 1, up_to(1), "`abs(number)`";
    Pow => "pow", 2, up_to(2), "`pow(base, exponent)`";
    Sqrt => "sqrt", 1, up_to(1), "`sqrt(number)`";
    Exp => "exp", 1, up_to(1), "`exp(number)`";
    Exp10 => "exp10", 1, up_to(1), "`exp10(number)`";
    Log => "log", 1, up_to(1), "`log(number)`: natural logarithm";
    Log10 => "log10", 1, up_to(1), "`log10(number)`";
    Pi => "pi", 0, up_to(0), "`pi()`";
    Sin => "sin", 1, up_to(1), "`sin(radians)`";
    Cos => "cos", 1, up_to(1), "`cos(radians)`";
    Tan => "tan", 1, up_to(1), "`tan(radians)`";
    Asin => "asin", 1, up_to(1), "`asin(number)`";
    Acos => "acos", 1, up_to(1), "`acos(number)`";
    Atan => "atan", 1, up_to(1), "`atan(number)`";
    Atan2 => "atan2", 2, up_to(2), "`atan2(y, x)`";
    Min => "min", 1, MANY, "`min(values, ...)`: the smallest number";
    Max => "max", 1, MANY, "`max(values, ...)`: the largest number";
    Sum => "sum", 1, up_to(1), "`sum(${question})`: total over the instances of a repeat";
    Count => "count", 1, up_to(1), "`count(${repeat})`: number of instances";
    CountNonEmpty => "count-non-empty", 1, up_to(1), "`count-non-empty(${question})`: number of answered instances";
    IndexedRepeat => "indexed-repeat", 3, up_to(3), "`indexed-repeat(${question}, ${repeat}, index)`: the answer in one repeat instance";
    Checklist => "checklist", 2, MANY, "`checklist(min, max, conditions, ...)`: whether the number of true conditions is within bounds";
    WeightedChecklist => "weighted-checklist", 4, MANY, "`weighted-checklist(min, max, condition, weight, ...)`: whether the weights of true conditions add up to within bounds";
    Position => "position", 0, up_to(1), "`position(..)`: 1-based index of the current repeat instance";
    Today => "today", 0, up_to(0), "`today()`";
    Now => "now", 0, up_to(0), "`now()`";
    Date => "date", 1, up_to(1), "`date(value)`: a date from text or a number of days";
    DateTime => "date-time", 1, up_to(1), "`date-time(value)`: a date and time from text or a number of days";
    DecimalDateTime => "decimal-date-time", 1, up_to(1), "`decimal-date-time(value)`: days since 1970-01-01 with a fraction";
    DecimalTime => "decimal-time", 1, up_to(1), "`decimal-time(time)`: fraction of a day";
    FormatDate => "format-date", 2, up_to(2), "`format-date(date, pattern)`";
    FormatDateTime => "format-date-time", 2, up_to(2), "`format-date-time(date, pattern)`";
    Once => "once", 1, up_to(1), "`once(value)`: keeps the first non-empty value";
    Uuid => "uuid", 0, up_to(1), "`uuid()`: a random identifier; `uuid(n)`: `n` random letters and digits";
    Random => "random", 0, up_to(0), "`random()`: a random number from 0 to 1";
    Randomize => "randomize", 1, up_to(2), "`randomize(values, seed)`: the values shuffled, the same way for the same seed";
    Version => "version", 0, up_to(0), "`version()`: the form's version";
    Property => "property", 1, up_to(1), "`property('deviceid')`: what the app knows about the phone, the volunteer and the record: `deviceid`, `username`, `end`";
    Instance => "instance", 1, up_to(1), "`instance('list')/root/item[name = ${q}]/label`: a look-up in a choice list";
    Itext => "jr:itext", 1, up_to(1), "`jr:itext(instance('list')/root/item[name = ${q}]/itextId)`: a choice's label in the current language";
    Pulldata => "pulldata", 4, up_to(4), "`pulldata('list', 'column', 'key column', key)`: a column of the first choice whose key column holds the key";
    Digest => "digest", 2, up_to(3), "`digest(text, 'SHA-256', 'hex')`: a hash of the text (MD5, SHA-1, SHA-256, SHA-384, SHA-512), in base64 unless `hex` is asked for";
    Base64Decode => "base64-decode", 1, up_to(1), "`base64-decode(text)`: the UTF-8 text encoded in base64";
    Distance => "distance", 1, MANY, "`distance(points)`: metres along a geotrace, a geoshape or several geopoints";
    Area => "area", 1, up_to(1), "`area(geoshape)`: square metres inside a geoshape";
}

impl Func {
    /// The function called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// Whether the result can change without any answer changing.
    pub fn is_volatile(self) -> bool {
        matches!(
            self,
            Func::Now | Func::Today | Func::Uuid | Func::Random | Func::Property
        )
    }

    /// The arity as an author reads it, such as "2 or 3 arguments".
    pub(crate) fn arity_text(self) -> String {
        fn plural(n: usize) -> &'static str {
            if n == 1 {
                "argument"
            } else {
                "arguments"
            }
        }
        match self.arity() {
            (0, Some(0)) => "no arguments".to_owned(),
            (min, Some(max)) if min == max => format!("{min} {}", plural(min)),
            (min, Some(max)) if max == min + 1 => format!("{min} or {max} arguments"),
            (min, Some(max)) => format!("{min} to {max} arguments"),
            (min, None) => format!("at least {min} {}", plural(min)),
        }
    }

    /// A function the author may have meant when writing the unknown `name`.
    pub(crate) fn suggest(name: &str) -> Option<Func> {
        // Names from other languages that are too far apart to be found by
        // spelling distance.
        let alias = match name {
            "substring" | "mid" => Some(Func::Substr),
            "length" | "len" | "strlen" => Some(Func::StringLength),
            "choice-name" | "choice_name" | "jr:choice_name" => Some(Func::ChoiceName),
            "ceil" => Some(Func::Ceiling),
            "iif" | "ifelse" | "if-else" => Some(Func::If),
            "trim" => Some(Func::NormalizeSpace),
            "ln" => Some(Func::Log),
            "power" => Some(Func::Pow),
            "integer" | "trunc" => Some(Func::Int),
            "is-selected" | "selected-contains" => Some(Func::Selected),
            _ => None,
        };
        if alias.is_some() {
            return alias;
        }
        let normalized = name.replace('_', "-").to_ascii_lowercase();
        if let Some(f) = Func::from_name(&normalized) {
            return Some(f);
        }
        let limit = if normalized.chars().count() <= 4 {
            1
        } else {
            2
        };
        // Compare with the last word too, so that a misspelt `lenght` still
        // finds `string-length`.
        let closeness = |f: Func| {
            let last = f.name().rsplit(['-', ':']).next().unwrap_or("");
            distance(&normalized, f.name()).min(distance(&normalized, last))
        };
        Func::ALL
            .iter()
            .copied()
            .map(|f| (closeness(f), f))
            .filter(|(d, _)| *d <= limit)
            .min_by_key(|(d, _)| *d)
            .map(|(_, f)| f)
    }
}

impl fmt::Display for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Levenshtein distance between two short names, counted in characters.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
