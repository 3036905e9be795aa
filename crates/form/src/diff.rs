//! How one resolved form differs from another, so that a province and the
//! national office can see what a variant changes (`yim diff A B`, and any
//! other tool that shows a variant beside its base).
//!
//! Both files are loaded the way the app sees them: variants applied and CSV
//! choice lists read. They are then compared by name, since names are
//! unique in a form: questions by question name, choice lists by list name
//! and choices by choice name. Where something was written is ignored, so
//! moving a choice list from YAML into a CSV file, or a question from the
//! national file into a variant, is no difference as long as the result is
//! the same.
//!
//! The result is data ([`Diff`]): its sections hold lines already phrased
//! for people, and its `Display` lays them out as the CLI prints them.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::{Check, Choice, ChoiceList, Diagnostic, Expr, Files, Form, Parameters, Question, Text};

/// Why two forms could not be compared.
#[derive(Debug)]
pub enum CompareError {
    /// One form or both have problems, each listed once (a variant reports
    /// the problems of its base too). A comparison of broken forms would
    /// mislead, so none is made.
    Problems(Vec<Diagnostic>),
    /// The loader gave no form for this path and no reason. It explains
    /// every form it cannot build, so this only guards against a silent gap.
    Unreadable(String),
}

/// Loads the forms at `a` and `b` (variants applied, CSV lists read) and
/// compares them: what `b` adds, removes, moves and changes relative to `a`.
pub fn compare_files(a: &str, b: &str, files: &dyn Files) -> Result<Diff, CompareError> {
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut unreadable = Vec::new();
    let mut forms = Vec::new();
    for path in [a, b] {
        let (form, diags) = crate::load(path, files);
        problems.extend(diags);
        match form {
            Some(f) => forms.push(f),
            None => unreadable.push(path),
        }
    }
    let mut seen = HashSet::new();
    problems.retain(|p| seen.insert(p.to_string()));
    if !problems.is_empty() {
        return Err(CompareError::Problems(problems));
    }
    if let Some(path) = unreadable.first() {
        return Err(CompareError::Unreadable((*path).to_owned()));
    }
    Ok(compare(&forms[0], &forms[1]))
}

/// Everything that differs between two forms, as lines of text grouped by
/// kind. Each line is already phrased for people.
#[derive(Debug, Default, PartialEq)]
pub struct Diff {
    /// Form details: `id: child-core → child-surin`.
    pub details: Vec<String>,
    /// Questions only in the second form: `name (type) in group, after sibling`.
    pub added: Vec<String>,
    /// Questions only in the first form, with where they were.
    pub removed: Vec<String>,
    /// Questions in both whose place changed: `name: was …; now …`.
    pub moved: Vec<String>,
    /// Question name and one line per changed property.
    pub changed: Vec<(String, Vec<String>)>,
    /// Choice lists only in the second form, with a summary of each.
    pub lists_added: Vec<String>,
    /// Choice lists only in the first form, with a summary of each.
    pub lists_removed: Vec<String>,
    /// List name and one line per changed choice.
    pub lists_changed: Vec<(String, Vec<String>)>,
}

impl Diff {
    /// True when the two forms are the same.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Diff::default()
    }
}

impl fmt::Display for Diff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return writeln!(f, "no differences");
        }
        let mut first = true;
        let mut section = |f: &mut fmt::Formatter<'_>,
                           title: &str,
                           mark: &str,
                           items: &[(String, Vec<String>)]| {
            if items.is_empty() {
                return Ok::<(), fmt::Error>(());
            }
            if !first {
                writeln!(f)?;
            }
            first = false;
            writeln!(f, "{title}")?;
            for (item, details) in items {
                writeln!(f, "  {mark} {item}")?;
                details.iter().try_for_each(|d| writeln!(f, "      {d}"))?;
            }
            Ok(())
        };
        let flat = |lines: &[String]| -> Vec<(String, Vec<String>)> {
            lines.iter().map(|l| (l.clone(), Vec::new())).collect()
        };
        section(f, "form details", "~", &flat(&self.details))?;
        section(f, "questions added", "+", &flat(&self.added))?;
        section(f, "questions removed", "-", &flat(&self.removed))?;
        section(f, "questions moved", ">", &flat(&self.moved))?;
        section(f, "questions changed", "~", &self.changed)?;
        section(f, "choice lists added", "+", &flat(&self.lists_added))?;
        section(f, "choice lists removed", "-", &flat(&self.lists_removed))?;
        section(f, "choice lists changed", "~", &self.lists_changed)?;
        let groups = [
            counts(
                "question",
                &[
                    (self.added.len(), "added"),
                    (self.removed.len(), "removed"),
                    (self.moved.len(), "moved"),
                    (self.changed.len(), "changed"),
                ],
            ),
            counts(
                "choice list",
                &[
                    (self.lists_added.len(), "added"),
                    (self.lists_removed.len(), "removed"),
                    (self.lists_changed.len(), "changed"),
                ],
            ),
            counts("form detail", &[(self.details.len(), "changed")]),
        ];
        let groups: Vec<String> = groups.into_iter().flatten().collect();
        writeln!(f)?;
        writeln!(f, "{}", groups.join("; "))
    }
}

/// `3 questions added, 2 changed`, leaving out the kinds that did not
/// happen; nothing when none did.
fn counts(noun: &str, kinds: &[(usize, &str)]) -> Option<String> {
    let done: Vec<&(usize, &str)> = kinds.iter().filter(|(n, _)| *n > 0).collect();
    let (first, rest) = done.split_first()?;
    let mut out = format!(
        "{} {noun}{} {}",
        first.0,
        if first.0 == 1 { "" } else { "s" },
        first.1
    );
    for (n, verb) in rest {
        out.push_str(&format!(", {n} {verb}"));
    }
    Some(out)
}

/// Compares two resolved forms: what `b` adds, removes, moves and changes
/// relative to `a`.
pub fn compare(a: &Form, b: &Form) -> Diff {
    let mut report = Diff::default();
    details(a, b, &mut report.details);
    questions(a, b, &mut report);
    choice_lists(a, b, &mut report);
    report
}

// ----- Form details -----

fn details(a: &Form, b: &Form, out: &mut Vec<String>) {
    plain("id", Some(&a.id), Some(&b.id), out);
    plain("version", Some(&a.version), Some(&b.version), out);
    text("title", Some(&a.title), Some(&b.title), out);
    plain(
        "languages",
        Some(&a.languages.join(", ")),
        Some(&b.languages.join(", ")),
        out,
    );
    plain(
        "default_language",
        Some(&a.default_language),
        Some(&b.default_language),
        out,
    );
    let list = |l: &[String]| (!l.is_empty()).then(|| l.join(", "));
    plain(
        "partial_languages",
        list(&a.partial_languages).as_ref(),
        list(&b.partial_languages).as_ref(),
        out,
    );
    plain("based_on", a.extends.as_ref(), b.extends.as_ref(), out);
    let (ra, rb) = (&a.settings.recipients, &b.settings.recipients);
    for key in rb.iter().filter(|k| !ra.contains(k)) {
        out.push(format!("settings.recipients: + {key}"));
    }
    for key in ra.iter().filter(|k| !rb.contains(k)) {
        out.push(format!("settings.recipients: - {key}"));
    }
    let yes_no = |b: bool| if b { "yes".to_owned() } else { "no".to_owned() };
    let (sa, sb) = (&a.settings, &b.settings);
    plain(
        "settings.passphrase",
        Some(&yes_no(sa.passphrase)),
        Some(&yes_no(sb.passphrase)),
        out,
    );
    plain(
        "settings.one_page",
        Some(&yes_no(sa.one_page)),
        Some(&yes_no(sb.one_page)),
        out,
    );
    plain(
        "settings.province",
        sa.province.as_ref(),
        sb.province.as_ref(),
        out,
    );
    plain(
        "settings.thai_digits",
        Some(&yes_no(sa.thai_digits)),
        Some(&yes_no(sb.thai_digits)),
        out,
    );
}

// ----- Questions -----

/// Where a question is: its group or repeat and the question before it.
struct Place<'f> {
    question: &'f Question,
    parent: Option<&'f str>,
    previous: Option<&'f str>,
}

impl Place<'_> {
    fn describe(&self) -> String {
        match (self.parent, self.previous) {
            (Some(p), Some(x)) => format!("in {p}, after {x}"),
            (Some(p), None) => format!("at the start of {p}"),
            (None, Some(x)) => format!("after {x}"),
            (None, None) => "at the start of the form".to_owned(),
        }
    }
}

/// Every question in form order with its place, and an index by name.
fn places(form: &Form) -> (Vec<Place<'_>>, HashMap<&str, usize>) {
    fn walk<'f>(list: &'f [Question], parent: Option<&'f str>, out: &mut Vec<Place<'f>>) {
        let mut previous = None;
        for q in list {
            out.push(Place {
                question: q,
                parent,
                previous,
            });
            walk(&q.children, Some(&q.name), out);
            previous = Some(q.name.as_str());
        }
    }
    let mut out = Vec::new();
    walk(&form.questions, None, &mut out);
    // Names are unique in a form that loaded without problems; should one
    // repeat anyway, the first keeps its place in the index.
    let mut index = HashMap::new();
    for (i, p) in out.iter().enumerate() {
        index.entry(p.question.name.as_str()).or_insert(i);
    }
    (out, index)
}

fn questions(a: &Form, b: &Form, report: &mut Diff) {
    let (pa, ia) = places(a);
    let (pb, ib) = places(b);
    for p in &pb {
        if !ia.contains_key(p.question.name.as_str()) {
            report.added.push(format!(
                "{} ({}) {}",
                p.question.name,
                p.question.qtype,
                p.describe()
            ));
        }
    }
    for p in &pa {
        if !ib.contains_key(p.question.name.as_str()) {
            report.removed.push(format!(
                "{} ({}) was {}",
                p.question.name,
                p.question.qtype,
                p.describe()
            ));
        }
    }
    let moved = moved(&pa, &pb, &ia, &ib);
    for p in &pb {
        let name = p.question.name.as_str();
        let Some(&i) = ia.get(name) else { continue };
        let before = &pa[i];
        if moved.contains(name) {
            report.moved.push(format!(
                "{name}: was {}; now {}",
                before.describe(),
                p.describe()
            ));
        }
        let mut lines = Vec::new();
        properties(before.question, p.question, &mut lines);
        if !lines.is_empty() {
            report.changed.push((name.to_owned(), lines));
        }
    }
}

/// The questions in both forms whose position changed: those now in another
/// group or repeat, and those whose order among the siblings they kept
/// changed. Among siblings, the longest run kept in the same order counts as
/// staying put, so moving one question does not also report its neighbours,
/// and adding or removing a neighbour moves nothing.
fn moved<'f>(
    pa: &[Place<'f>],
    pb: &[Place<'f>],
    ia: &HashMap<&str, usize>,
    ib: &HashMap<&str, usize>,
) -> HashSet<&'f str> {
    let mut out = HashSet::new();
    let mut groups: Vec<Siblings<'f>> = Vec::new();
    for p in pa {
        let name = p.question.name.as_str();
        if let Some(&j) = ib.get(name) {
            if pb[j].parent == p.parent {
                siblings(&mut groups, p.parent).1.push(name);
            } else {
                out.insert(name);
            }
        }
    }
    for p in pb {
        let name = p.question.name.as_str();
        if let Some(&j) = ia.get(name) {
            if pa[j].parent == p.parent {
                siblings(&mut groups, p.parent).2.push(name);
            }
        }
    }
    for (_, before, after) in &groups {
        let kept = longest_common(before, after);
        out.extend(after.iter().filter(|n| !kept.contains(*n)).copied());
    }
    out
}

/// A group (None: the top level) and the questions it keeps, in the order
/// of the first form and of the second.
type Siblings<'f> = (Option<&'f str>, Vec<&'f str>, Vec<&'f str>);

fn siblings<'g, 'f>(
    groups: &'g mut Vec<Siblings<'f>>,
    parent: Option<&'f str>,
) -> &'g mut Siblings<'f> {
    let i = match groups.iter().position(|(p, _, _)| *p == parent) {
        Some(i) => i,
        None => {
            groups.push((parent, Vec::new(), Vec::new()));
            groups.len() - 1
        }
    };
    &mut groups[i]
}

/// The longest common subsequence of two lists of names, as a set. Sibling
/// lists are short, so the quadratic table is fine.
fn longest_common<'n>(a: &[&'n str], b: &[&'n str]) -> HashSet<&'n str> {
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, HashSet::new());
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.insert(a[i]);
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// One line per property that differs, in the order of the form format's
/// property table.
fn properties(a: &Question, b: &Question, out: &mut Vec<String>) {
    if a.qtype != b.qtype {
        out.push(format!("type: {} → {}", a.qtype, b.qtype));
    }
    text("label", a.label.as_ref(), b.label.as_ref(), out);
    text("hint", a.hint.as_ref(), b.hint.as_ref(), out);
    flag("required", &a.required, &b.required, out);
    text(
        "required_message",
        a.required_message.as_ref(),
        b.required_message.as_ref(),
        out,
    );
    expr("relevant", &a.relevant, &b.relevant, out);
    expr("constraint", &a.constraint, &b.constraint, out);
    text(
        "constraint_message",
        a.constraint_message.as_ref(),
        b.constraint_message.as_ref(),
        out,
    );
    expr("calculation", &a.calculation, &b.calculation, out);
    plain("default", a.default.as_ref(), b.default.as_ref(), out);
    flag("read_only", &a.read_only, &b.read_only, out);
    expr("choice_filter", &a.choice_filter, &b.choice_filter, out);
    expr("trigger", &a.trigger, &b.trigger, out);
    plain(
        "appearance",
        a.appearance.as_ref(),
        b.appearance.as_ref(),
        out,
    );
    expr("repeat_count", &a.repeat_count, &b.repeat_count, out);
    if a.parameters != b.parameters {
        let show = |p: &Parameters| {
            if p.is_empty() {
                "(none)".to_owned()
            } else {
                crate::print::parameters(p)
            }
        };
        out.push(format!(
            "parameters: {} → {}",
            show(&a.parameters),
            show(&b.parameters)
        ));
    }
    if a.checks != b.checks {
        let list = |c: &[Check]| {
            if c.is_empty() {
                "(none)".to_owned()
            } else {
                format!("[{}]", c.iter().map(check).collect::<Vec<_>>().join(", "))
            }
        };
        out.push(format!("checks: {} → {}", list(&a.checks), list(&b.checks)));
    }
}

// ----- Choice lists -----

fn choice_lists(a: &Form, b: &Form, report: &mut Diff) {
    for (name, list) in &b.choices {
        if !a.choices.contains_key(name) {
            report
                .lists_added
                .push(format!("{name}: {}", summary(list)));
        }
    }
    for (name, list) in &a.choices {
        if !b.choices.contains_key(name) {
            report
                .lists_removed
                .push(format!("{name}: {}", summary(list)));
        }
    }
    for (name, after) in &b.choices {
        let Some(before) = a.choices.get(name) else {
            continue;
        };
        let lines = choices(before, after);
        if !lines.is_empty() {
            report.lists_changed.push((name.clone(), lines));
        }
    }
}

/// `5 choices: khmer, kui, isan, thai, other`, or only the count for a long
/// list such as the sub-districts.
fn summary(list: &ChoiceList) -> String {
    const SHOWN: usize = 12;
    let n = list.choices.len();
    let noun = if n == 1 { "choice" } else { "choices" };
    if n > SHOWN {
        return format!("{n} {noun}");
    }
    let names: Vec<&str> = list.choices.iter().map(|c| c.name.as_str()).collect();
    format!("{n} {noun}: {}", names.join(", "))
}

fn choices(a: &ChoiceList, b: &ChoiceList) -> Vec<String> {
    let mut out = Vec::new();
    let by_name = |l: &ChoiceList| -> HashMap<String, usize> {
        l.choices
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect()
    };
    let (ia, ib) = (by_name(a), by_name(b));
    for c in b.choices.iter() {
        if !ia.contains_key(&c.name) {
            out.push(format!("+ {}: {}", c.name, all_languages(&c.label)));
        }
    }
    for c in a.choices.iter() {
        if !ib.contains_key(&c.name) {
            out.push(format!("- {}: {}", c.name, all_languages(&c.label)));
        }
    }
    for c in b.choices.iter() {
        if let Some(&i) = ia.get(&c.name) {
            changed_choice(&a.choices[i], c, &mut out);
        }
    }
    let kept_a: Vec<&str> = a
        .choices
        .iter()
        .filter(|c| ib.contains_key(&c.name))
        .map(|c| c.name.as_str())
        .collect();
    let kept_b: Vec<&str> = b
        .choices
        .iter()
        .filter(|c| ia.contains_key(&c.name))
        .map(|c| c.name.as_str())
        .collect();
    if kept_a != kept_b {
        out.push("the order of the choices changed".to_owned());
    }
    out
}

fn changed_choice(a: &Choice, b: &Choice, out: &mut Vec<String>) {
    let mut lines = Vec::new();
    text("label", Some(&a.label), Some(&b.label), &mut lines);
    for (column, value) in &b.extra {
        plain(column, a.extra.get(column), Some(value), &mut lines);
    }
    for (column, value) in &a.extra {
        if !b.extra.contains_key(column) {
            plain(column, Some(value), None, &mut lines);
        }
    }
    out.extend(lines.into_iter().map(|l| format!("~ {} {l}", b.name)));
}

// ----- Values -----

/// `key: old → new` when the values differ; `(none)` stands for a value that
/// is not there.
fn plain(key: &str, a: Option<&String>, b: Option<&String>, out: &mut Vec<String>) {
    if a != b {
        out.push(format!(
            "{key}: {} → {}",
            show(a.map(String::as_str)),
            show(b.map(String::as_str))
        ));
    }
}

fn expr(key: &str, a: &Option<Expr>, b: &Option<Expr>, out: &mut Vec<String>) {
    let (a, b) = (
        a.as_ref().map(|e| e.src.as_str()),
        b.as_ref().map(|e| e.src.as_str()),
    );
    if a != b {
        out.push(format!("{key}: {} → {}", show(a), show(b)));
    }
}

/// `required` and `read_only` load `yes` as `true()` and `no` as nothing;
/// they are shown the way authors write them.
fn flag(key: &str, a: &Option<Expr>, b: &Option<Expr>, out: &mut Vec<String>) {
    let written = |e: &Option<Expr>| match e {
        None => "no".to_owned(),
        Some(e) if e.src == "true()" => "yes".to_owned(),
        Some(e) => one_line(&e.src),
    };
    let (a, b) = (written(a), written(b));
    if a != b {
        out.push(format!("{key}: {a} → {b}"));
    }
}

/// A text that differs, one line per language whose text differs. A text
/// written once for every language counts as that text in each language.
fn text(key: &str, a: Option<&Text>, b: Option<&Text>, out: &mut Vec<String>) {
    if a == b {
        return;
    }
    let mut langs: Vec<&str> = Vec::new();
    for t in [a, b].into_iter().flatten() {
        if let Text::Langs(map) = t {
            for lang in map.keys() {
                if !langs.contains(&lang.as_str()) {
                    langs.push(lang);
                }
            }
        }
    }
    if langs.is_empty() {
        fn any(t: Option<&Text>) -> Option<&str> {
            match t {
                Some(Text::Any(s)) => Some(s),
                _ => None,
            }
        }
        out.push(format!("{key}: {} → {}", show(any(a)), show(any(b))));
        return;
    }
    let in_lang = |t: Option<&Text>, lang: &str| -> Option<String> {
        match t? {
            Text::Any(s) => Some(s.clone()),
            Text::Langs(map) => map.get(lang).cloned(),
        }
    };
    for lang in langs {
        let (x, y) = (in_lang(a, lang), in_lang(b, lang));
        if x != y {
            out.push(format!(
                "{key} [{lang}]: {} → {}",
                show(x.as_deref()),
                show(y.as_deref())
            ));
        }
    }
}

/// Every language of a text on one line: `ขอทาน / Begging`.
fn all_languages(t: &Text) -> String {
    match t {
        Text::Any(s) => one_line(s),
        Text::Langs(map) => map
            .values()
            .map(|s| one_line(s))
            .collect::<Vec<_>>()
            .join(" / "),
    }
}

fn show(v: Option<&str>) -> String {
    match v {
        None => "(none)".to_owned(),
        Some("") => "\"\"".to_owned(),
        Some(s) => one_line(s),
    }
}

/// Expressions written over several lines (`|` blocks) are shown on one line,
/// with each run of spaces and line breaks as one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A check as it is written in a form file.
fn check(c: &Check) -> String {
    fn limits<T: fmt::Display>(name: &str, min: &Option<T>, max: &Option<T>) -> String {
        let parts: Vec<String> = [("min", min), ("max", max)]
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}: {v}")))
            .collect();
        format!("{{{name}: {{{}}}}}", parts.join(", "))
    }
    match c {
        Check::Email => "email".to_owned(),
        Check::Url => "url".to_owned(),
        Check::ThaiId => "thai_id".to_owned(),
        Check::Phone => "phone".to_owned(),
        Check::Length { min, max } => limits("length", min, max),
        Check::Range { min, max } => limits("range", min, max),
        Check::Regex(r) => format!("{{regex: '{}'}}", r.replace('\'', "''")),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use crate::MemFiles;

    use super::*;

    /// Compares `b.yaml` (which may extend `a.yaml`) with `a.yaml`.
    fn check(a: &str, b: &str, expect: Expect) {
        let files = MemFiles::new().with("a.yaml", a).with("b.yaml", b);
        let report = compare_files("a.yaml", "b.yaml", &files).unwrap_or_else(|e| panic!("{e:?}"));
        expect.assert_eq(&report.to_string());
    }

    const BASE: &str = "\
form:
  id: core
  version: '1'
  title: {th: แบบบันทึก, en: Record}
  languages: [th, en]
questions:
  - name: child
    type: group
    label: {th: เด็ก, en: Child}
    questions:
      - {name: first_name, type: text, label: {th: ชื่อ, en: Name}, required: yes}
      - {name: dob, type: date, label: {th: วันเกิด, en: Born}}
      - {name: sex, type: select_one sex, label: {th: เพศ, en: Sex}}
  - {name: phone, type: text, label: {th: โทร, en: Phone}, checks: [{regex: '^0[0-9]{8,9}$'}]}
  - {name: risks, type: select_multiple risk_types, label: {th: ความเสี่ยง, en: Risks}}
  - {name: notes, type: text, label: {th: บันทึก, en: Notes}}
choices:
  sex:
    - {name: m, label: {th: ชาย, en: Male}}
    - {name: f, label: {th: หญิง, en: Female}}
  risk_types:
    - {name: labour, label: {th: แรงงาน, en: Labour}}
    - {name: neglect, label: {th: ถูกทอดทิ้ง, en: Neglect}}
    - {name: other, label: {th: อื่น ๆ, en: Other}}
";

    #[test]
    fn identical_forms_have_no_differences() {
        check(
            BASE,
            BASE,
            expect![[r#"
            no differences
        "#]],
        );
    }

    #[test]
    fn a_variant_lists_every_kind_of_change() {
        let variant = "\
extends: a.yaml
form:
  id: core-surin
  version: '1-surin.1'
  title: {th: แบบบันทึก สุรินทร์, en: 'Record, Surin'}
  settings: {province: Surin}
remove: [notes]
add:
  - after: dob
    questions:
      - {name: language, type: select_one languages, label: {th: ภาษา, en: Language}}
override:
  first_name:
    label: {th: ชื่อ-นามสกุล, en: Full name}
    required: '${dob} != \"\"'
  phone:
    checks: ~
    hint: {th: 10 หลัก, en: 10 digits}
choices:
  languages:
    - {name: khmer, label: {th: เขมร, en: Khmer}}
    - {name: kui, label: {th: กูย, en: Kui}}
choice_changes:
  risk_types:
    remove: [other]
    relabel:
      labour: {th: แรงงานเด็ก, en: Child labour}
    add:
      - {name: begging, label: {th: ขอทาน, en: Begging}}
";
        check(
            BASE,
            variant,
            expect![[r#"
                form details
                  ~ id: core → core-surin
                  ~ version: 1 → 1-surin.1
                  ~ title [th]: แบบบันทึก → แบบบันทึก สุรินทร์
                  ~ title [en]: Record → Record, Surin
                  ~ based_on: (none) → core
                  ~ settings.province: (none) → Surin

                questions added
                  + language (select_one languages) in child, after dob

                questions removed
                  - notes (text) was after risks

                questions changed
                  ~ first_name
                      label [th]: ชื่อ → ชื่อ-นามสกุล
                      label [en]: Name → Full name
                      required: yes → ${dob} != ""
                  ~ phone
                      hint [th]: (none) → 10 หลัก
                      hint [en]: (none) → 10 digits
                      checks: [{regex: '^0[0-9]{8,9}$'}] → (none)

                choice lists added
                  + languages: 2 choices: khmer, kui

                choice lists changed
                  ~ risk_types
                      + begging: ขอทาน / Begging
                      - other: อื่น ๆ / Other
                      ~ labour label [th]: แรงงาน → แรงงานเด็ก
                      ~ labour label [en]: Labour → Child labour

                1 question added, 1 removed, 2 changed; 1 choice list added, 1 changed; 6 form details changed
            "#]],
        );
    }

    #[test]
    fn moves_report_only_the_question_that_moved() {
        // `sex` goes first inside the group and `phone` into the group; the
        // siblings they leave behind keep their order and are not reported.
        let moved = BASE
            .replace(
                "      - {name: first_name",
                "      - {name: sex, type: select_one sex, label: {th: เพศ, en: Sex}}\n      - {name: first_name",
            )
            .replacen("      - {name: sex, type: select_one sex, label: {th: เพศ, en: Sex}}\n  - {name: phone", "  - {name: phone", 1)
            .replace(
                "  - {name: phone, type: text, label: {th: โทร, en: Phone}, checks: [{regex: '^0[0-9]{8,9}$'}]}\n",
                "",
            )
            .replace(
                "      - {name: dob, type: date, label: {th: วันเกิด, en: Born}}\n",
                "      - {name: dob, type: date, label: {th: วันเกิด, en: Born}}\n      - {name: phone, type: text, label: {th: โทร, en: Phone}, checks: [{regex: '^0[0-9]{8,9}$'}]}\n",
            );
        check(
            BASE,
            &moved,
            expect![[r#"
                questions moved
                  > sex: was in child, after dob; now at the start of child
                  > phone: was after child; now in child, after dob

                2 questions moved
            "#]],
        );
    }

    #[test]
    fn type_changes_columns_and_removed_lists_are_shown() {
        let changed = BASE
            .replace("type: select_one sex", "type: text")
            .replace(
                "  sex:\n    - {name: m, label: {th: ชาย, en: Male}}\n    - {name: f, label: {th: หญิง, en: Female}}\n",
                "",
            )
            .replace("{name: labour, label: {th: แรงงาน, en: Labour}}", "{name: labour, label: {th: แรงงาน, en: Labour}, group: work}")
            .replace("languages: [th, en]", "languages: [th, en]\n  settings: {passphrase: yes}");
        check(
            BASE,
            &changed,
            expect![[r#"
                form details
                  ~ settings.passphrase: no → yes

                questions changed
                  ~ sex
                      type: select_one sex → text

                choice lists removed
                  - sex: 2 choices: m, f

                choice lists changed
                  ~ risk_types
                      ~ labour group: (none) → work

                1 question changed; 1 choice list removed, 1 changed; 1 form detail changed
            "#]],
        );
    }

    /// How many problems stopped a comparison.
    fn problems(result: Result<Diff, CompareError>) -> usize {
        match result {
            Err(CompareError::Problems(p)) => p.len(),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn forms_with_problems_are_not_compared() {
        let files = MemFiles::new().with("a.yaml", BASE).with(
            "b.yaml",
            BASE.replace("label: {th: ชื่อ, en: Name}", "lable: x"),
        );
        assert_eq!(problems(compare_files("a.yaml", "b.yaml", &files)), 2);
        // The base's problems, reported by both loads, count once.
        let broken = BASE.replace("label: {th: ชื่อ, en: Name}", "lable: x");
        let chain = MemFiles::new()
            .with("a.yaml", broken)
            .with("b.yaml", "extends: a.yaml\nform: {id: other}\n");
        assert_eq!(problems(compare_files("a.yaml", "b.yaml", &chain)), 2);
        assert_eq!(problems(compare_files("a.yaml", "missing.yaml", &files)), 1);
    }

    /// The real province variants against the national form they extend.
    /// The guide for authors (docs/authoring.md) shows these same outputs.
    #[test]
    fn province_variants_against_the_core_form() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
        let guide = std::fs::read_to_string(format!("{root}docs/authoring.md"))
            .expect("the guide is readable");
        // Each output must also appear in the guide, after the command that
        // makes it, so that the guide cannot fall behind the forms.
        let compare = |base: &str, variant: &str| {
            let core = format!("{root}forms/national/{base}");
            let path = format!("{root}forms/{variant}");
            let output = compare_files(&core, &path, &crate::FsFiles)
                .unwrap_or_else(|e| panic!("{e:?}"))
                .to_string();
            let shown = format!("$ yim diff forms/national/{base} forms/{variant}\n{output}```");
            assert!(
                guide.contains(&shown),
                "docs/authoring.md does not show:\n{shown}"
            );
            output
        };
        let run = |variant: &str| compare("child-core.yaml", variant);
        expect![[r#"
            form details
              ~ id: child-core → child-surin
              ~ version: 2026.2 → 2026.2-surin.1
              ~ title [th]: แบบบันทึกข้อมูลเด็กรายบุคคล (ฉบับกลาง) → แบบบันทึกข้อมูลเด็กรายบุคคล จังหวัดสุรินทร์
              ~ title [en]: Individual child record (national core) → Individual child record, Surin
              ~ title [km]: (none) → កំណត់ត្រាព័ត៌មានកុមារម្នាក់ៗ ខេត្តសុរិន្ទ
              ~ languages: th, en → th, en, km
              ~ partial_languages: (none) → km
              ~ based_on: (none) → child-core
              ~ settings.province: (none) → Surin

            questions added
              + home_language (select_one home_languages) in child, after nationality_other
              + home_language_other (text) in child, after home_language
              + understands_thai (select_one thai_understanding) in child, after home_language_other

            questions changed
              ~ visit
                  label [km]: (none) → ការសួរសុខទុក្ខតាមផ្ទះលើកនេះ
              ~ child
                  label [km]: (none) → ព័ត៌មានអំពីកុមារ
              ~ voice
                  label [km]: (none) → សំឡេង ចំណាប់អារម្មណ៍ និងអារម្មណ៍របស់កុមារ
              ~ education
                  label [km]: (none) → ការអប់រំ
              ~ health
                  label [km]: (none) → សុខភាព និងពិការភាព
              ~ early_years
                  label [km]: (none) → ការលូតលាស់របស់កុមារតូច
              ~ address
                  label [km]: (none) → អាសយដ្ឋានបច្ចុប្បន្ន
              ~ province
                  default: (none) → 32
              ~ family
                  label [km]: (none) → គ្រួសារ និងអ្នកថែទាំ
              ~ livelihood
                  label [km]: (none) → ប្រាក់ចំណូល និងលំនៅដ្ឋាន
              ~ risk
                  label [km]: (none) → ស្ថានភាពហានិភ័យ
              ~ support
                  label [km]: (none) → អ្នកដែលកំពុងជួយកុមាររួចហើយ
              ~ plan
                  label [km]: (none) → ផែនការជួយ និងតាមដាន
              ~ plan_actions
                  hint [th]: เลือกได้มากกว่าหนึ่งข้อ → เลือกได้มากกว่าหนึ่งข้อ หากเด็กไม่เข้าใจภาษาไทย ให้ประสานครูที่พูดภาษาถิ่นของเด็กได้
                  hint [en]: Choose all that apply. → Choose all that apply. If the child does not understand Thai, involve a teacher who speaks the home language.

            choice lists added
              + home_languages: 5 choices: khmer, kui, isan, thai, other
              + thai_understanding: 3 choices: well, some, little

            choice lists changed
              ~ work_types
                  + sugarcane: ตัดอ้อยรับจ้างตามฤดูกาล / Seasonal sugarcane cutting
              ~ dropout_reasons
                  + seasonal_migration: ย้ายตามพ่อแม่ไปทำงานตามฤดูกาล / Travels with parents for seasonal work

            3 questions added, 14 changed; 2 choice lists added, 2 changed; 9 form details changed
        "#]].assert_eq(&run("surin/child-surin.yaml"));
        expect![[r#"
            form details
              ~ id: child-core → child-phayao
              ~ version: 2026.2 → 2026.2-phayao.1
              ~ title [th]: แบบบันทึกข้อมูลเด็กรายบุคคล (ฉบับกลาง) → แบบบันทึกข้อมูลเด็กรายบุคคล จังหวัดพะเยา
              ~ title [en]: Individual child record (national core) → Individual child record, Phayao
              ~ based_on: (none) → child-core
              ~ settings.province: (none) → Phayao

            questions added
              + legal_status (select_one legal_statuses) in child, after nationality_other
              + crosses_border (select_one yes_no) in child, after legal_status
              + ethnicity (select_one ethnic_groups) in child, after birth_registered
              + ethnicity_other (text) in child, after ethnicity

            questions changed
              ~ birth_registered
                  label [th]: เด็กได้รับการแจ้งเกิดและมีสูติบัตรหรือไม่ → เด็กได้รับการแจ้งเกิดหรือมีสูติบัตรหรือหนังสือรับรองการเกิดฉบับใดฉบับหนึ่งหรือไม่
                  label [en]: Was the child's birth registered (birth certificate)? → Was the child's birth registered, or does the child have any birth certificate?
              ~ province
                  default: (none) → 56

            choice lists added
              + legal_statuses: 5 choices: highland_card, zero_card, migrant_documented, undocumented, verifying
              + ethnic_groups: 8 choices: khon_mueang, tai_lue, hmong, mien, lahu, akha, khmu, other

            choice lists changed
              ~ nationalities
                  ~ stateless label [th]: ไร้สัญชาติหรือยังไม่ได้รับการพิสูจน์สัญชาติ → ยังไม่ได้สัญชาติไทยหรือไร้สัญชาติ
                  ~ stateless label [en]: Stateless or nationality not yet verified → No Thai nationality yet or stateless
              ~ dropout_reasons
                  + language: ไม่เข้าใจภาษาไทยที่ใช้สอน / Does not understand the Thai used in class

            4 questions added, 2 changed; 2 choice lists added, 2 changed; 6 form details changed
        "#]].assert_eq(&run("phayao/child-phayao.yaml"));
        expect![[r#"
            form details
              ~ id: child-core → child-kalasin
              ~ version: 2026.2 → 2026.2-kalasin.1
              ~ title [th]: แบบบันทึกข้อมูลเด็กรายบุคคล (ฉบับกลาง) → แบบบันทึกข้อมูลเด็กรายบุคคล จังหวัดกาฬสินธุ์
              ~ title [en]: Individual child record (national core) → Individual child record, Kalasin
              ~ based_on: (none) → child-core
              ~ settings.province: (none) → Kalasin
              ~ settings.thai_digits: no → yes

            questions removed
              - home_location (geopoint) was in address, after contact_phone
              - heavy_debt (select_one yes_no_unknown) was in livelihood, after low_income_note

            questions changed
              ~ province
                  default: (none) → 46
              ~ contact_phone
                  required: no → yes
                  required_message [th]: (none) → ต้องมีเบอร์โทรศัพท์สำหรับการติดตามของ อพม.
                  required_message [en]: (none) → A phone number is needed for follow-up by the volunteers
              ~ agency_contact
                  label [th]: ชื่อและเบอร์โทรของผู้รับผิดชอบ → ชื่อ อพม. หรือเจ้าหน้าที่ผู้รับผิดชอบ และเบอร์โทร
                  label [en]: Name and phone number of the person responsible → Name and phone number of the volunteer or officer responsible

            choice lists changed
              ~ recorder_roles
                  ~ volunteer label [th]: อาสาสมัครในชุมชน → อาสาสมัครพัฒนาสังคมและความมั่นคงของมนุษย์ (อพม.)
                  ~ volunteer label [en]: Community volunteer → Social development volunteer
              ~ agencies
                  + district_team: ทีมสหวิชาชีพระดับอำเภอ / District multidisciplinary team

            2 questions removed, 3 changed; 2 choice lists changed; 7 form details changed
        "#]].assert_eq(&run("kalasin/child-kalasin.yaml"));
        for variant in [
            "lampang/child-lampang.yaml",
            "loei/child-loei.yaml",
            "ubon/child-ubon.yaml",
            "trang/child-trang.yaml",
        ] {
            run(variant);
        }
        // A province's follow-up form extends the national follow-up form.
        expect![[r#"
            form details
              ~ id: child-follow-up → child-follow-up-phayao
              ~ version: 2026.2 → 2026.2-phayao.1
              ~ title [th]: แบบติดตามเด็ก (ฉบับกลาง) → แบบติดตามเด็ก จังหวัดพะเยา
              ~ title [en]: Child follow-up visit (national) → Child follow-up visit, Phayao
              ~ based_on: (none) → child-follow-up
              ~ settings.province: (none) → Phayao

            questions added
              + last_legal_status (calculate) in known, after child_label
              + legal_status (select_one legal_statuses) in now, after situation
              + crossed_border (select_one yes_no) in now, after legal_status

            choice lists added
              + legal_statuses: 5 choices: highland_card, zero_card, migrant_documented, undocumented, verifying

            choice lists changed
              ~ referral_agencies
                  + anti_trafficking: ศูนย์ปฏิบัติการป้องกันและปราบปรามการค้ามนุษย์จังหวัดพะเยา (ศปคม.) / Phayao anti-trafficking operations centre

            3 questions added; 1 choice list added, 1 changed; 6 form details changed
        "#]]
        .assert_eq(&compare(
            "child-follow-up.yaml",
            "phayao/child-follow-up-phayao.yaml",
        ));
    }
}
