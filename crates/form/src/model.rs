//! The resolved form: plain data with public fields.
//!
//! Every element remembers where it was written, so that later phases (the
//! expression checker, the engine's compiler) can point an author at the exact
//! file, line and column. Variants are already applied: nothing here knows
//! whether a question came from a base form or from a province's variant,
//! except through the file named in its location.

use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;

/// A place in a source file: the file as it was named when loading, and a
/// 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    /// The file path, joined and normalised relative to the file that was loaded.
    pub file: Arc<str>,
    /// The line, starting at 1.
    pub line: u32,
    /// The column in characters, starting at 1.
    pub col: u32,
}

impl Loc {
    /// Builds a location from its parts.
    pub fn new(file: impl Into<Arc<str>>, line: u32, col: u32) -> Loc {
        Loc {
            file: file.into(),
            line,
            col,
        }
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// A problem found while loading a form, in plain words for the author.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Where the problem is.
    pub loc: Loc,
    /// What is wrong: lowercase, no trailing period.
    pub message: String,
}

impl Diagnostic {
    /// Builds a diagnostic.
    pub fn new(loc: Loc, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            loc,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.loc, self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// Text shown to people: either one string for every language, or one string
/// per language code (`{th: ชื่อเด็ก, en: Child's name}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text {
    /// The same text in every language.
    Any(String),
    /// Text per language code, in the order the author wrote them.
    Langs(IndexMap<String, String>),
}

/// The language a missing translation is shown in first: the programme's
/// people read Thai first, whatever the form's default language is.
pub const FALLBACK_LANGUAGE: &str = "th";

impl Text {
    /// The text in `lang`, else in Thai ([`FALLBACK_LANGUAGE`]), else in
    /// `fallback` (usually the form's default language), else the first one
    /// written, else "".
    ///
    /// A language that a province adds to the form (`partial_languages`)
    /// may lack some texts; they are shown in Thai.
    pub fn get<'a>(&'a self, lang: &str, fallback: &str) -> &'a str {
        match self {
            Text::Any(s) => s,
            Text::Langs(map) => map
                .get(lang)
                .or_else(|| map.get(FALLBACK_LANGUAGE))
                .or_else(|| map.get(fallback))
                .or_else(|| map.values().next())
                .map(String::as_str)
                .unwrap_or(""),
        }
    }
}

/// An expression exactly as the author wrote it. This crate does not parse
/// expressions; `loc` is where the first character of `src` is in the file,
/// so a parser's offsets inside `src` can be turned into file positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    /// The expression's source text.
    pub src: String,
    /// Where the first character of `src` is.
    pub loc: Loc,
}

/// The kind of a question, using XLSForm's names.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum QType {
    /// `text`: free text.
    Text,
    /// `integer` (or `int`): a whole number.
    Integer,
    /// `decimal`: a number with a fractional part.
    Decimal,
    /// `date`: a calendar date.
    Date,
    /// `time`: a time of day.
    Time,
    /// `datetime` (or `dateTime`): a date and a time.
    DateTime,
    /// `select_one LIST`: one choice from a list.
    SelectOne {
        /// The name of the choice list.
        list: String,
    },
    /// `select_one_case`: picks one case of the form's case list (the
    /// `case:` block's `list`) from the cases on the device. Its answer is
    /// the case's id. Only a follow-up form has one: the question its
    /// `case.pick` names.
    SelectOneCase,
    /// `select_multiple LIST`: any number of choices from a list.
    SelectMultiple {
        /// The name of the choice list.
        list: String,
    },
    /// `note`: a read-only message.
    Note,
    /// `calculate`: a hidden computed value.
    Calculate,
    /// `acknowledge`: a single "OK" box.
    Acknowledge,
    /// `geopoint`: a location.
    Geopoint,
    /// `range`: a number picked on a slider between `start` and `end` in
    /// steps of `step` (see [`Parameters`]).
    Range,
    /// `image`: a photo taken with the camera or chosen from the phone,
    /// made smaller on the phone to `max-pixels` (see [`Parameters`]). The
    /// answer is the photo's file name; the bytes travel beside the answers.
    Image,
    /// `geotrace`: a line of two or more locations, stored as ODK stores
    /// it: points `lat lon alt acc` separated by `;`.
    Geotrace,
    /// `geoshape`: an area bounded by three or more distinct locations,
    /// stored like a trace and closed (the first point again at the end).
    Geoshape,
    /// `rank LIST`: every choice of a list, put in order by the volunteer.
    /// The answer is the choice names in that order, separated by spaces,
    /// as ODK stores it.
    Rank {
        /// The name of the choice list.
        list: String,
    },
    /// `group`: questions shown together.
    Group,
    /// `repeat`: questions filled in once per item (a household member, a visit).
    Repeat,
}

impl QType {
    /// Whether a question of this type holds a value of its own: not a
    /// group, repeat or note.
    pub fn holds_value(&self) -> bool {
        !matches!(self, QType::Group | QType::Repeat | QType::Note)
    }

    /// Whether questions of this type hold other questions.
    pub fn is_container(&self) -> bool {
        matches!(self, QType::Group | QType::Repeat)
    }

    /// The choice list a select question draws from.
    pub fn list(&self) -> Option<&str> {
        match self {
            QType::SelectOne { list } | QType::SelectMultiple { list } | QType::Rank { list } => {
                Some(list)
            }
            _ => None,
        }
    }

    /// The type as written in a form file, such as `select_one provinces`.
    pub fn to_source(&self) -> String {
        match self {
            QType::SelectOne { list } => format!("select_one {list}"),
            QType::SelectMultiple { list } => format!("select_multiple {list}"),
            QType::Rank { list } => format!("rank {list}"),
            other => other.keyword().to_string(),
        }
    }

    /// The type's keyword alone, such as `select_one`.
    pub fn keyword(&self) -> &'static str {
        match self {
            QType::Text => "text",
            QType::Integer => "integer",
            QType::Decimal => "decimal",
            QType::Date => "date",
            QType::Time => "time",
            QType::DateTime => "datetime",
            QType::SelectOne { .. } => "select_one",
            QType::SelectOneCase => "select_one_case",
            QType::SelectMultiple { .. } => "select_multiple",
            QType::Note => "note",
            QType::Calculate => "calculate",
            QType::Acknowledge => "acknowledge",
            QType::Geopoint => "geopoint",
            QType::Range => "range",
            QType::Image => "image",
            QType::Geotrace => "geotrace",
            QType::Geoshape => "geoshape",
            QType::Rank { .. } => "rank",
            QType::Group => "group",
            QType::Repeat => "repeat",
        }
    }
}

impl fmt::Display for QType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_source())
    }
}

/// A ready-made validation rule, written under `checks:`.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    /// `email`: an e-mail address.
    Email,
    /// `url`: a web address.
    Url,
    /// `thai_id`: a 13-digit Thai national ID number with a valid check digit.
    ThaiId,
    /// `phone`: a Thai phone number, 9 or 10 digits starting with 0.
    Phone,
    /// `{length: {min, max}}`: the answer's length in characters.
    Length {
        /// Fewest characters allowed.
        min: Option<u64>,
        /// Most characters allowed.
        max: Option<u64>,
    },
    /// `{range: {min, max}}`: a number's smallest and largest allowed values.
    Range {
        /// Smallest value allowed.
        min: Option<f64>,
        /// Largest value allowed.
        max: Option<f64>,
    },
    /// `{regex: PATTERN}`: the whole answer matches this regular expression.
    Regex(String),
}

/// XLSForm's `parameters` column: settings that only some question types
/// take. A range reads `start`, `end` and `step`; an image reads
/// `max-pixels`. Each is `None` when the author left it out, so that a
/// printed form says only what its author wrote.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parameters {
    /// A range's smallest value.
    pub start: Option<f64>,
    /// A range's largest value.
    pub end: Option<f64>,
    /// The distance between two neighbouring values of a range.
    pub step: Option<f64>,
    /// The longest side, in pixels, that a photo is made smaller to.
    pub max_pixels: Option<u32>,
}

/// A range's limits with XLSForm's defaults filled in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RangeLimits {
    /// The smallest value (XLSForm's default is 1).
    pub start: f64,
    /// The largest value (default 10).
    pub end: f64,
    /// The step (default 1).
    pub step: f64,
}

impl RangeLimits {
    /// Whether `value` is one of the range's values: between the limits and
    /// a whole number of steps from `start`. A small tolerance absorbs the
    /// rounding of decimal steps such as 0.1, which binary numbers cannot
    /// hold exactly.
    pub fn contains(&self, value: f64) -> bool {
        if !value.is_finite() || self.step <= 0.0 {
            return false;
        }
        let (lo, hi) = if self.start <= self.end {
            (self.start, self.end)
        } else {
            (self.end, self.start)
        };
        let slack = self.step * 1e-9;
        if value < lo - slack || value > hi + slack {
            return false;
        }
        let steps = (value - self.start) / self.step;
        (steps - steps.round()).abs() < 1e-6
    }

    /// Whether `end - start` is a whole number of steps, so that the slider
    /// can reach `end`.
    pub fn step_divides(&self) -> bool {
        self.contains(self.end)
    }
}

/// The longest side of a photo when the form does not say (XLSForm's
/// `max-pixels`): large enough to read a document, small enough for a
/// cheap phone's storage and a bundle sent over a slow line.
pub const DEFAULT_MAX_PIXELS: u32 = 1280;

impl Parameters {
    /// Whether no parameter was written.
    pub fn is_empty(&self) -> bool {
        *self == Parameters::default()
    }

    /// The range's limits, with XLSForm's defaults (1 to 10 in steps of 1)
    /// for those not written.
    pub fn range(&self) -> RangeLimits {
        RangeLimits {
            start: self.start.unwrap_or(1.0),
            end: self.end.unwrap_or(10.0),
            step: self.step.unwrap_or(1.0),
        }
    }

    /// The longest side of a photo, [`DEFAULT_MAX_PIXELS`] unless written.
    pub fn max_pixels(&self) -> u32 {
        self.max_pixels.unwrap_or(DEFAULT_MAX_PIXELS)
    }
}

/// The longest file name a photo may have, in bytes.
pub const MAX_MEDIA_NAME: usize = 100;

/// Whether `name` can name a photo's file on any system the data office
/// uses: ASCII letters, digits, `-`, `_` and `.`, not starting with a dot,
/// at most [`MAX_MEDIA_NAME`] bytes. The answer of an image question is
/// such a name, and the bundle and `yim decrypt` refuse any other, so a
/// hostile response cannot write outside the folder it is given.
pub fn is_media_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_MEDIA_NAME
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// One question (or group, or repeat) of a form.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// The name, unique in the whole form; `${name}` refers to it.
    pub name: String,
    /// The kind of question.
    pub qtype: QType,
    /// The question text.
    pub label: Option<Text>,
    /// Extra help shown under the label.
    pub hint: Option<Text>,
    /// When an answer is required. `required: yes` becomes the expression
    /// `true()`; `no` leaves this empty.
    pub required: Option<Expr>,
    /// The message shown when a required answer is missing.
    pub required_message: Option<Text>,
    /// When the question is shown; hidden questions keep no answer.
    pub relevant: Option<Expr>,
    /// A condition the answer (`.`) must satisfy.
    pub constraint: Option<Expr>,
    /// The message shown when the constraint fails.
    pub constraint_message: Option<Text>,
    /// The expression that computes the value.
    pub calculation: Option<Expr>,
    /// The initial answer, as text.
    pub default: Option<String>,
    /// When the question cannot be edited. `yes` becomes `true()`.
    pub read_only: Option<Expr>,
    /// For select questions: which choices to offer (per choice, with the
    /// choice's extra columns in scope).
    pub choice_filter: Option<Expr>,
    /// XLSForm's `trigger`: the questions (`${name}`, one or more) whose
    /// change sets this question to its `calculation`. Between changes the
    /// value stays as it was set, or as the person changed it.
    pub trigger: Option<Expr>,
    /// A display hint such as `minimal` or `multiline`.
    pub appearance: Option<String>,
    /// For repeats: how many items there are.
    pub repeat_count: Option<Expr>,
    /// Ready-made validation rules.
    pub checks: Vec<Check>,
    /// Settings of ranges and images (XLSForm's `parameters`).
    pub parameters: Parameters,
    /// The case property this question's answer is saved to (ODK Entities'
    /// `save_to`), in a form with a `case:` block. In a follow-up form the
    /// question also starts with the picked case's current value.
    pub save_to: Option<String>,
    /// The questions inside a group or repeat.
    pub children: Vec<Question>,
    /// Where the question is: its `name` key, or the start of its mapping when
    /// it has no name.
    pub loc: Loc,
    /// Where each property's value was written, keyed by property name
    /// (`label`, `type`, `checks`, ...). Overrides in a variant move the
    /// entry to the variant file.
    pub prop_locs: IndexMap<String, Loc>,
}

impl Question {
    /// A question with only a name and a type, located at `loc`.
    pub fn new(name: impl Into<String>, qtype: QType, loc: Loc) -> Question {
        Question {
            name: name.into(),
            qtype,
            label: None,
            hint: None,
            required: None,
            required_message: None,
            relevant: None,
            constraint: None,
            constraint_message: None,
            calculation: None,
            default: None,
            read_only: None,
            choice_filter: None,
            trigger: None,
            appearance: None,
            repeat_count: None,
            checks: Vec::new(),
            parameters: Parameters::default(),
            save_to: None,
            children: Vec::new(),
            loc,
            prop_locs: IndexMap::new(),
        }
    }

    /// Where the property `key` was written, else where the question is.
    pub fn loc_of(&self, key: &str) -> &Loc {
        self.prop_locs.get(key).unwrap_or(&self.loc)
    }
}

/// One choice of a choice list.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// The value stored when the choice is picked.
    pub name: String,
    /// What people see.
    pub label: Text,
    /// Other columns, such as `province` for filtering districts, as text.
    pub extra: IndexMap<String, String>,
    /// Where the choice is (its `name` key, or its CSV row at column 1).
    pub loc: Loc,
}

/// A named list of choices for select questions.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceList {
    /// The list's name, as used in `select_one NAME`.
    pub name: String,
    /// The choices in order. They are shared, not copied, between the forms
    /// that extend one base, since an address list holds thousands of them;
    /// `Arc::make_mut` copies them for a form that changes them.
    pub choices: Arc<Vec<Choice>>,
    /// Where the list is named under `choices:`.
    pub loc: Loc,
    /// Where the choices come from, so that printing the form names the
    /// file again instead of writing out its thousands of rows.
    pub source: ListSource,
}

/// Where a choice list's choices are written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ListSource {
    /// In the form file itself, under `choices:`.
    #[default]
    Inline,
    /// In a CSV file, as `LIST: {csv: FILE}`; the path is as the author
    /// wrote it, relative to the form file.
    Csv(String),
    /// In a GeoJSON file, as `LIST: {geojson: FILE}`.
    Geojson(String),
}

impl ListSource {
    /// The key and path of a list read from a file (`("csv", "districts.csv")`),
    /// or `None` for a list written in the form.
    pub fn file(&self) -> Option<(&'static str, &str)> {
        match self {
            ListSource::Inline => None,
            ListSource::Csv(path) => Some(("csv", path)),
            ListSource::Geojson(path) => Some(("geojson", path)),
        }
    }
}

/// Form-wide settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// age public keys (`age1...`) that exported bundles are encrypted to.
    pub recipients: Vec<String>,
    /// Whether exports may also be protected by a passphrase.
    pub passphrase: bool,
    /// Whether the whole form is shown on one page.
    pub one_page: bool,
    /// The province this form is for, if any.
    pub province: Option<String>,
    /// Whether numbers should be shown with Thai digits (๐-๙). Answers are
    /// stored with ASCII digits either way.
    pub thai_digits: bool,
    /// XLSForm's `instance_name`: an expression that names each record in
    /// lists (such as the child's name and village), evaluated at the top
    /// level of the form.
    pub instance_name: Option<Expr>,
}

/// A form's `case:` block: the form opens a case of `list` (the first
/// visit) or, with `pick`, updates the case a question picks (a follow-up).
/// The vocabulary is ODK Entities'.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseBlock {
    /// The case list, such as `children`; the same name in the form that
    /// opens cases and in the forms that follow them up.
    pub list: String,
    /// For a follow-up form: the `select_one_case` question that picks the
    /// case to update. `None` for a form that opens cases.
    pub pick: Option<String>,
    /// The case's label (what people recognise it by), as an expression;
    /// in a follow-up form an optional new label.
    pub label: Option<Expr>,
    /// When the response opens a case; always when absent.
    pub create_if: Option<Expr>,
    /// When the response updates the picked case; always when absent.
    pub update_if: Option<Expr>,
    /// Where the block is: its `case` key.
    pub loc: Loc,
    /// Where each key's value was written (`list`, `pick`, `label`, ...).
    pub prop_locs: IndexMap<String, Loc>,
}

impl CaseBlock {
    /// Where the key `key` was written, else where the block is.
    pub fn loc_of(&self, key: &str) -> &Loc {
        self.prop_locs.get(key).unwrap_or(&self.loc)
    }
}

/// A whole form, with every variant applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    /// The form's identifier; stored with every record.
    pub id: String,
    /// The form's version; stored with every record.
    pub version: String,
    /// The form's title.
    pub title: Text,
    /// Language codes the texts are written in (such as `th`, `en`).
    pub languages: Vec<String>,
    /// The language shown first; one of `languages` (empty when none are declared).
    pub default_language: String,
    /// The languages of `languages` whose translations may be incomplete,
    /// such as a local language a province adds; a missing text is shown in
    /// Thai. Every other language must have every text.
    pub partial_languages: Vec<String>,
    /// Form-wide settings.
    pub settings: Settings,
    /// The top-level questions.
    pub questions: Vec<Question>,
    /// The choice lists by name, in the order they were written.
    pub choices: IndexMap<String, ChoiceList>,
    /// What the form does to a case, if anything (its `case:` block).
    pub case: Option<CaseBlock>,
    /// The id of the form this one was made from with `extends:`, for
    /// information only.
    pub extends: Option<String>,
    /// Where the form is: its `form` key, or the start of the file.
    pub loc: Loc,
    /// Where each metadata value was written (`id`, `title`, `languages`,
    /// `settings.recipients`, ...).
    pub prop_locs: IndexMap<String, Loc>,
}

/// One step of [`Form::walk`]: a question and the groups and repeats around it.
#[derive(Clone, Debug)]
pub struct Walked<'a> {
    /// The question.
    pub question: &'a Question,
    /// The groups and repeats that contain it, outermost first.
    pub parents: Vec<&'a Question>,
}

/// The iterator returned by [`Form::walk`].
#[derive(Debug)]
pub struct Walk<'a> {
    // Each frame is a parent (None for the top level) and the questions still
    // to visit at that level; frames mirror the parents of the next question.
    stack: Vec<(Option<&'a Question>, std::slice::Iter<'a, Question>)>,
}

impl<'a> Iterator for Walk<'a> {
    type Item = Walked<'a>;

    fn next(&mut self) -> Option<Walked<'a>> {
        loop {
            let (_, iter) = self.stack.last_mut()?;
            match iter.next() {
                Some(question) => {
                    let parents = self.stack.iter().filter_map(|(p, _)| *p).collect();
                    if !question.children.is_empty() {
                        self.stack.push((Some(question), question.children.iter()));
                    }
                    return Some(Walked { question, parents });
                }
                None => {
                    self.stack.pop();
                }
            }
        }
    }
}

impl Form {
    /// Every question depth-first in form order (a group comes before its
    /// children), each with the groups and repeats around it.
    pub fn walk(&self) -> Walk<'_> {
        Walk {
            stack: vec![(None, self.questions.iter())],
        }
    }

    /// The question called `name`, anywhere in the form. This walks the form;
    /// build a map once when looking up many names.
    pub fn question(&self, name: &str) -> Option<&Question> {
        self.walk().map(|w| w.question).find(|q| q.name == name)
    }

    /// Sets every location to the default, so that two forms can be compared
    /// for content alone (for example a form and its printed-and-reloaded copy).
    pub fn strip_locations(&mut self) {
        fn strip_question(q: &mut Question) {
            q.loc = Loc::default();
            q.prop_locs.clear();
            for e in [
                &mut q.required,
                &mut q.relevant,
                &mut q.constraint,
                &mut q.calculation,
                &mut q.read_only,
                &mut q.choice_filter,
                &mut q.trigger,
                &mut q.repeat_count,
            ]
            .into_iter()
            .flatten()
            {
                e.loc = Loc::default();
            }
            q.children.iter_mut().for_each(strip_question);
        }
        self.loc = Loc::default();
        self.prop_locs.clear();
        if let Some(e) = &mut self.settings.instance_name {
            e.loc = Loc::default();
        }
        if let Some(case) = &mut self.case {
            case.loc = Loc::default();
            case.prop_locs.clear();
            for e in [&mut case.label, &mut case.create_if, &mut case.update_if]
                .into_iter()
                .flatten()
            {
                e.loc = Loc::default();
            }
        }
        self.questions.iter_mut().for_each(strip_question);
        for list in self.choices.values_mut() {
            list.loc = Loc::default();
            for c in Arc::make_mut(&mut list.choices) {
                c.loc = Loc::default();
            }
        }
    }
}
