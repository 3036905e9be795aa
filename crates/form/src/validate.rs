//! Checks of the resolved form as a whole.
//!
//! These run once, after every variant is applied, because a variant can
//! change what is valid: it may add the label a base question lacked, change
//! the form's languages, or remove the only question of a group.

use std::collections::{HashMap, HashSet};

use crate::case::{CaseStatus, NEXT_VISIT_PROPERTY, STATUS_PROPERTY};
use crate::suggest::did_you_mean;
use crate::{Check, Diagnostic, Form, Loc, QType, Question, Text};

pub(crate) fn validate(form: &Form, unreadable_lists: &HashSet<Loc>, diags: &mut Vec<Diagnostic>) {
    let mut v = Validator {
        form,
        diags,
        names: HashMap::new(),
        unreadable_lists,
    };
    v.metadata();
    v.questions(&form.questions);
    v.choice_lists();
    v.case();
}

struct Validator<'a> {
    form: &'a Form,
    diags: &'a mut Vec<Diagnostic>,
    /// Every question name seen so far, with where it was first written.
    names: HashMap<&'a str, &'a Loc>,
    /// CSV lists whose file could not be read; their emptiness is already explained.
    unreadable_lists: &'a HashSet<Loc>,
}

/// Whether `name` can be used as a question, list or form name: a letter or
/// `_` first, then letters, digits, `_`, `-` or `.` (ASCII only, like XML
/// names in XLSForm, so that `${name}` reads the same everywhere).
pub(crate) fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

const NAME_RULE: &str =
    "names start with a letter or `_` and contain only letters, digits, `_`, `-` and `.`";

fn where_first(first: &Loc, here: &Loc) -> String {
    if first.file == here.file {
        format!("line {}", first.line)
    } else {
        format!("{}:{}", first.file, first.line)
    }
}

/// Whether the question has a value for the property `key`.
fn has(q: &Question, key: &str) -> bool {
    match key {
        "repeat_count" => q.repeat_count.is_some(),
        "choice_filter" => q.choice_filter.is_some(),
        "required" => q.required.is_some(),
        "constraint" => q.constraint.is_some(),
        "calculation" => q.calculation.is_some(),
        "trigger" => q.trigger.is_some(),
        "default" => q.default.is_some(),
        "checks" => !q.checks.is_empty(),
        "required_message" => q.required_message.is_some(),
        _ => false,
    }
}

/// The most values a range may offer: a phone's slider is a few hundred
/// pixels wide, so more steps than this cannot be picked one by one.
const MAX_RANGE_STEPS: f64 = 1000.0;

/// "a group", "a repeat" or "a text question", for messages.
fn describe_type(t: &QType) -> String {
    let kind = t.keyword();
    if t.is_container() {
        format!("a {kind}")
    } else {
        format!("{} {kind} question", a_or_an(kind))
    }
}

fn a_or_an(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

impl<'a> Validator<'a> {
    fn err(&mut self, loc: &Loc, message: impl Into<String>) {
        self.diags.push(Diagnostic::new(loc.clone(), message));
    }

    fn loc(&self, key: &str) -> &'a Loc {
        self.form.prop_locs.get(key).unwrap_or(&self.form.loc)
    }

    /// The problem with a text's languages, if any.
    fn text_problem(&self, text: &Text, what: &str) -> Option<String> {
        self.text_problem_with(text, || what.to_string())
    }

    /// `text_problem` for callers whose description of the text costs a
    /// `format!`: a list of 8,000 address choices checks each label, and
    /// nearly all of them are fine, so the description is only made for a
    /// problem.
    fn text_problem_with(&self, text: &Text, what: impl Fn() -> String) -> Option<String> {
        let Text::Langs(map) = text else {
            return None;
        };
        let langs = &self.form.languages;
        let partial = &self.form.partial_languages;
        // Every language of the form (those with partial translations
        // optional), and no other: the common case, decided without
        // allocating.
        if !langs.is_empty()
            && langs
                .iter()
                .all(|lang| partial.contains(lang) || map.keys().any(|written| written == lang))
            && map.keys().all(|written| langs.contains(written))
        {
            return None;
        }
        let what = what();
        let written: Vec<&str> = map.keys().map(String::as_str).collect();
        if langs.is_empty() {
            return Some(format!(
                "{what} is written per language ({}), but the form declares no `languages`",
                written.join(", ")
            ));
        }
        let missing: Vec<&str> = langs
            .iter()
            .map(String::as_str)
            .filter(|l| !map.contains_key(*l) && !partial.iter().any(|p| p == l))
            .collect();
        if let Some(extra) = written.iter().find(|l| !langs.iter().any(|d| d == *l)) {
            let hint = did_you_mean(extra, missing.iter().copied());
            return Some(format!(
                "{what} has the language `{extra}`, which is not one of the form's languages ({}){hint}",
                langs.join(", ")
            ));
        }
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ");
            return Some(format!(
                "{what} has no {list} text; the form's languages are {}",
                langs.join(", ")
            ));
        }
        None
    }

    fn text(&mut self, text: Option<&Text>, loc: &Loc, what: &str) {
        if let Some(problem) = text.and_then(|t| self.text_problem(t, what)) {
            self.err(loc, problem);
        }
    }

    fn metadata(&mut self) {
        let form = self.form;
        if !form.id.is_empty() && !valid_name(&form.id) {
            self.err(
                self.loc("id"),
                format!("`{}` is not a valid form id; {NAME_RULE}", form.id),
            );
        }
        self.text(Some(&form.title), self.loc("title"), "the form's title");
        if !form.default_language.is_empty() && !form.languages.contains(&form.default_language) {
            let message = if form.languages.is_empty() {
                format!(
                    "the default language is `{}`, but the form declares no `languages`",
                    form.default_language
                )
            } else {
                format!(
                    "the default language `{}` is not one of the form's languages ({})",
                    form.default_language,
                    form.languages.join(", ")
                )
            };
            self.err(self.loc("default_language"), message);
        }
        for lang in &form.partial_languages {
            if !form.languages.contains(lang) {
                self.err(
                    self.loc("partial_languages"),
                    format!(
                        "the partial language `{lang}` is not one of the form's languages ({}); list it in `languages` too",
                        form.languages.join(", ")
                    ),
                );
            } else if *lang == form.default_language || lang == crate::model::FALLBACK_LANGUAGE {
                self.err(
                    self.loc("partial_languages"),
                    format!(
                        "`{lang}` cannot have partial translations: missing texts are shown in it, so it needs every text"
                    ),
                );
            }
        }
    }

    fn questions(&mut self, list: &'a [Question]) {
        for q in list {
            self.question(q);
        }
    }

    fn question(&mut self, q: &'a Question) {
        let name = q.name.as_str();
        let kind = q.qtype.keyword();
        if !valid_name(name) {
            self.err(
                q.loc_of("name"),
                format!("`{name}` is not a valid question name; {NAME_RULE}"),
            );
        }
        if let Some(first) = self.names.insert(name, &q.loc) {
            // Keep the first one as the reference point for later duplicates.
            self.names.insert(name, first);
            let at = where_first(first, &q.loc);
            self.err(
                &q.loc,
                format!("the name `{name}` is already used by the question on {at}; names must be unique in the whole form"),
            );
        }
        match &q.label {
            None if q.qtype != QType::Calculate => {
                self.err(
                    q.loc_of("label"),
                    format!("the question `{name}` has no `label`"),
                );
            }
            Some(Text::Any(s)) if s.trim().is_empty() && q.qtype != QType::Calculate => {
                self.err(
                    q.loc_of("label"),
                    format!("the `label` of `{name}` is empty"),
                );
            }
            _ => {}
        }
        if q.qtype == QType::Calculate && q.calculation.is_none() {
            self.err(
                q.loc_of("calculation"),
                format!("the calculate question `{name}` has no `calculation`"),
            );
        }
        for (text, key) in [
            (&q.label, "label"),
            (&q.hint, "hint"),
            (&q.required_message, "required_message"),
            (&q.constraint_message, "constraint_message"),
        ] {
            self.text(
                text.as_ref(),
                q.loc_of(key),
                &format!("the `{key}` of `{name}`"),
            );
        }
        if q.qtype.is_container() {
            if q.children.is_empty() {
                let at = q.prop_locs.get("questions").unwrap_or(&q.loc);
                self.err(at, format!("the {kind} `{name}` has no questions"));
            }
        } else if !q.children.is_empty() {
            self.err(
                q.loc_of("type"),
                format!("`{name}` holds questions, so it must be a group or a repeat, but its type is `{kind}`"),
            );
        }
        if let Some(list) = q.qtype.list() {
            if !self.form.choices.contains_key(list) {
                let hint = did_you_mean(list, self.form.choices.keys().map(String::as_str));
                self.err(
                    q.loc_of("type"),
                    format!("there is no choice list `{list}`{hint}"),
                );
            }
        }
        self.applicability(q);
        self.parameters(q);
        self.checks(q);
        self.questions(&q.children);
    }

    /// Properties that make no sense for the question's type.
    fn applicability(&mut self, q: &Question) {
        let is_select = q.qtype.list().is_some();
        let container = q.qtype.is_container();
        let rules: [(&str, bool, &str); 9] = [
            ("repeat_count", q.qtype == QType::Repeat, "repeat questions"),
            (
                "choice_filter",
                is_select,
                "select_one, select_multiple and rank questions",
            ),
            ("required", !container, "questions that take an answer"),
            ("constraint", !container, "questions that take an answer"),
            ("calculation", !container, "questions that hold a value"),
            ("trigger", !container, "questions that hold a value"),
            ("default", !container, "questions that take an answer"),
            ("checks", !container, "questions that take an answer"),
            (
                "required_message",
                !container,
                "questions that take an answer",
            ),
        ];
        for (key, allowed, applies_to) in rules {
            if !allowed && has(q, key) {
                self.err(
                    q.loc_of(key),
                    format!(
                        "`{key}` only applies to {applies_to}, but `{}` is {}",
                        q.name,
                        describe_type(&q.qtype)
                    ),
                );
            }
        }
    }

    /// Parameters that the question's type does not read, and range limits
    /// that no slider can show.
    fn parameters(&mut self, q: &Question) {
        let p = &q.parameters;
        let loc = q.loc_of("parameters");
        let is_range = q.qtype == QType::Range;
        let is_image = q.qtype == QType::Image;
        let written = [
            ("start", p.start.is_some(), is_range, "range questions"),
            ("end", p.end.is_some(), is_range, "range questions"),
            ("step", p.step.is_some(), is_range, "range questions"),
            (
                "max-pixels",
                p.max_pixels.is_some(),
                is_image,
                "image questions",
            ),
        ];
        for (key, present, allowed, applies_to) in written {
            if present && !allowed {
                self.err(
                    loc,
                    format!(
                        "the parameter `{key}` only applies to {applies_to}, but `{}` is {}",
                        q.name,
                        describe_type(&q.qtype)
                    ),
                );
            }
        }
        if !is_range {
            return;
        }
        let r = p.range();
        if r.start >= r.end {
            self.err(
                loc,
                format!(
                    "the range `{}` must start below its end, but starts at {} and ends at {}",
                    q.name, r.start, r.end
                ),
            );
        } else if r.step <= 0.0 {
            self.err(
                loc,
                format!(
                    "the step of the range `{}` must be above 0, but is {}",
                    q.name, r.step
                ),
            );
        } else if !r.step_divides() {
            self.err(
                loc,
                format!(
                    "the step {} of the range `{}` does not divide the distance from {} to {}, so the slider could not reach its end",
                    r.step, q.name, r.start, r.end
                ),
            );
        } else if (r.end - r.start) / r.step > MAX_RANGE_STEPS {
            self.err(
                loc,
                format!(
                    "the range `{}` has more than {MAX_RANGE_STEPS} steps, too many to pick on a slider; use an integer or decimal question",
                    q.name
                ),
            );
        }
    }

    fn checks(&mut self, q: &Question) {
        for check in &q.checks {
            let (name, ok, applies_to) = match check {
                Check::Email => ("email", q.qtype == QType::Text, "text questions"),
                Check::Url => ("url", q.qtype == QType::Text, "text questions"),
                Check::ThaiId => ("thai_id", q.qtype == QType::Text, "text questions"),
                Check::Phone => ("phone", q.qtype == QType::Text, "text questions"),
                Check::Regex(_) => ("regex", q.qtype == QType::Text, "text questions"),
                Check::Length { .. } => ("length", q.qtype == QType::Text, "text questions"),
                Check::Range { .. } => (
                    "range",
                    matches!(q.qtype, QType::Integer | QType::Decimal),
                    "integer and decimal questions",
                ),
            };
            // Groups are already reported as not taking checks at all.
            if !ok && !q.qtype.is_container() {
                self.err(
                    q.loc_of("checks"),
                    format!(
                        "the `{name}` check applies to {applies_to}, but `{}` is {}",
                        q.name,
                        describe_type(&q.qtype)
                    ),
                );
            }
        }
    }

    /// The `case:` block and every `save_to`: what a case form must get
    /// right for its cases to be opened, followed and read back.
    fn case(&mut self) {
        let form = self.form;
        let mut saved: HashMap<&str, &Loc> = HashMap::new();
        let mut pickers: Vec<&Question> = Vec::new();
        for walked in form.walk() {
            let q = walked.question;
            if q.qtype == QType::SelectOneCase {
                pickers.push(q);
            }
            let Some(property) = q.save_to.as_deref() else {
                continue;
            };
            let at = q.loc_of("save_to");
            if form.case.is_none() {
                self.err(
                    at,
                    format!("`{}` has `save_to: {property}`, but the form has no `case` block saying which case list it saves to", q.name),
                );
            }
            if !valid_name(property) {
                self.err(
                    at,
                    format!("`{property}` is not a valid case property name; {NAME_RULE}"),
                );
            } else if matches!(property, "name" | "label") {
                // As in ODK Entities: `name` is the case's id and `label`
                // its label in `instance('LIST')` lookups.
                self.err(
                    at,
                    format!("`{property}` is reserved for the case's {}, so it cannot be a property; use another name, such as `child_{property}`", if property == "name" { "id" } else { "label (set with `label` under `case`)" }),
                );
            }
            if !q.qtype.holds_value() {
                self.err(
                    at,
                    format!(
                        "`save_to` only applies to questions that hold a value, but `{}` is {}",
                        q.name,
                        describe_type(&q.qtype)
                    ),
                );
            } else if walked.parents.iter().any(|p| p.qtype == QType::Repeat) {
                self.err(
                    at,
                    format!("`{}` is inside a repeat, so it has one answer per entry; a case property holds one value, so `save_to` cannot be used inside a repeat", q.name),
                );
            }
            if let Some(first) = saved.get(property) {
                let first = where_first(first, at);
                self.err(
                    at,
                    format!("the case property `{property}` is already saved by the question on {first}; each property is saved by one question"),
                );
            } else {
                saved.insert(property, at);
            }
            self.reserved_property(q, property, at);
        }
        let Some(case) = &form.case else {
            for q in pickers {
                self.err(
                    q.loc_of("type"),
                    format!("`{}` is a select_one_case question, but the form has no `case` block naming the case list and `pick: {}`", q.name, q.name),
                );
            }
            return;
        };
        if !case.list.is_empty() && !valid_name(&case.list) {
            self.err(
                case.loc_of("list"),
                format!("`{}` is not a valid case list name; {NAME_RULE}", case.list),
            );
        }
        match &case.pick {
            None => {
                if case.label.is_none() {
                    self.err(
                        &case.loc,
                        "a form that opens cases needs a `label` under `case`, the expression that names each case, such as `concat(${child_name}, ' (', ${nickname}, ')')`",
                    );
                }
                if case.update_if.is_some() {
                    self.err(
                        case.loc_of("update_if"),
                        "`update_if` only applies to a follow-up form, one with `pick`; a form that opens cases uses `create_if`",
                    );
                }
                for q in pickers {
                    self.err(
                        q.loc_of("type"),
                        format!("`{}` is a select_one_case question, but the `case` block has no `pick: {}`; a form that opens cases picks none", q.name, q.name),
                    );
                }
            }
            Some(pick) => {
                if case.create_if.is_some() {
                    self.err(
                        case.loc_of("create_if"),
                        "`create_if` only applies to a form that opens cases; a follow-up form (one with `pick`) uses `update_if`",
                    );
                }
                let found = form.walk().find(|w| w.question.name == *pick);
                match found {
                    None => {
                        let hint =
                            did_you_mean(pick, pickers.iter().map(|q| q.name.as_str()));
                        self.err(
                            case.loc_of("pick"),
                            format!("`pick` names the question `{pick}`, but the form has no such question; the case is picked by a question of type select_one_case{hint}"),
                        );
                    }
                    Some(w) if w.question.qtype != QType::SelectOneCase => self.err(
                        case.loc_of("pick"),
                        format!(
                            "`pick` names `{pick}`, which is {}; the question that picks the case must be of type select_one_case",
                            describe_type(&w.question.qtype)
                        ),
                    ),
                    Some(w) if w.parents.iter().any(|p| p.qtype == QType::Repeat) => self.err(
                        case.loc_of("pick"),
                        format!("`{pick}` is inside a repeat; the question that picks the case must have one answer for the whole form"),
                    ),
                    Some(_) => {}
                }
                for q in pickers.iter().filter(|q| q.name != *pick) {
                    self.err(
                        q.loc_of("type"),
                        format!("`{}` is a select_one_case question, but the case is picked by `{pick}`; a form updates one case", q.name),
                    );
                }
            }
        }
    }

    /// The reserved properties are read by the app and the data office, so
    /// their questions must give values they can read.
    fn reserved_property(&mut self, q: &Question, property: &str, at: &Loc) {
        if property == STATUS_PROPERTY {
            let names: Vec<&str> = CaseStatus::ALL.iter().map(|s| s.name()).collect();
            let QType::SelectOne { list } = &q.qtype else {
                self.err(
                    at,
                    format!(
                        "the case property `status` must be saved by a select_one question whose choices are {}, but `{}` is {}",
                        names.join(", "),
                        q.name,
                        describe_type(&q.qtype)
                    ),
                );
                return;
            };
            if let Some(l) = self.form.choices.get(list) {
                if let Some(bad) = l
                    .choices
                    .iter()
                    .find(|c| CaseStatus::parse(&c.name).is_none())
                {
                    self.err(
                        at,
                        format!(
                            "the case property `status` takes only the choices {}, but the list `{list}` of `{}` has `{}` (at {})",
                            names.join(", "),
                            q.name,
                            bad.name,
                            bad.loc
                        ),
                    );
                }
            }
        } else if property == NEXT_VISIT_PROPERTY && q.qtype != QType::Date {
            self.err(
                at,
                format!(
                    "the case property `next_visit` holds a date, so it must be saved by a date question, but `{}` is {}",
                    q.name,
                    describe_type(&q.qtype)
                ),
            );
        }
    }

    fn choice_lists(&mut self) {
        for (name, list) in &self.form.choices {
            if !valid_name(name) {
                self.err(
                    &list.loc,
                    format!("`{name}` is not a valid choice list name; {NAME_RULE}"),
                );
            }
            if list.choices.is_empty() && !self.unreadable_lists.contains(&list.loc) {
                self.err(
                    &list.loc,
                    format!("the choice list `{name}` has no choices"),
                );
            }
            let mut seen: HashMap<&str, &Loc> = HashMap::with_capacity(list.choices.len());
            // Language problems usually affect every row of a list (a CSV file
            // without a `label::en` column), so each is reported once per list.
            let mut language_problem: Option<(Loc, String, usize)> = None;
            for choice in list.choices.iter() {
                let c = choice.name.as_str();
                if c.chars().any(char::is_whitespace) {
                    self.err(
                        &choice.loc,
                        format!("the choice name `{c}` contains a space; select_multiple answers are stored as names separated by spaces"),
                    );
                }
                if let Some(first) = seen.get(c) {
                    let at = where_first(first, &choice.loc);
                    self.err(
                        &choice.loc,
                        format!(
                            "the choice `{c}` appears twice in the list `{name}` (first on {at})"
                        ),
                    );
                } else {
                    seen.insert(c, &choice.loc);
                }
                if let Some(problem) = self.text_problem_with(&choice.label, || {
                    format!("the label of choice `{c}` in `{name}`")
                }) {
                    match &mut language_problem {
                        Some((_, _, more)) => *more += 1,
                        None => language_problem = Some((choice.loc.clone(), problem, 0)),
                    }
                }
            }
            if let Some((loc, problem, more)) = language_problem {
                let message = match more {
                    0 => problem,
                    1 => format!("{problem} (and so does 1 more choice in this list)"),
                    n => format!("{problem} (and so do {n} more choices in this list)"),
                };
                self.err(&loc, message);
            }
        }
    }
}
