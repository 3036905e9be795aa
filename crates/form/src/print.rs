//! Printing a resolved form back as a form file.
//!
//! The output is an ordinary base form (no `extends`): what a province's
//! variant amounts to once applied. It uses the same keys as the input, block
//! style for the question tree and flow style (`{th: ..., en: ...}`) for small
//! mappings, and quotes a value only when YAML would otherwise read it
//! differently.

use std::fmt::Write;

use crate::{Check, Choice, Form, Parameters, Question, Text};

/// Prints a resolved form in the form file format. Loading the result gives
/// the same form again, apart from locations. Every choice list is written
/// out, even one read from a CSV or GeoJSON file, so that the text loads
/// without other files: the app keeps it with the records it was filled
/// with, and bundles carry it to the data office.
pub fn to_yaml(form: &Form) -> String {
    print(form, false)
}

/// Prints a form as [`to_yaml`] does, except that a choice list read from a
/// file is written as `LIST: {csv: FILE}` or `LIST: {geojson: FILE}`, as
/// its author declared it. The result loads only with those files next to
/// it; this is the form an author keeps and edits (`yim import` writes it).
/// Each path is as written in the file that declared the list, so a
/// resolved variant whose base is in another folder names its base's files
/// relative to the base.
pub fn to_yaml_with_files(form: &Form) -> String {
    print(form, true)
}

fn print(form: &Form, keep_files: bool) -> String {
    let mut out = String::new();
    out.push_str("form:\n");
    line(&mut out, 2, "id", &scalar(&form.id));
    line(&mut out, 2, "version", &scalar(&form.version));
    line(&mut out, 2, "title", &text(&form.title));
    if !form.languages.is_empty() {
        let langs: Vec<String> = form.languages.iter().map(|l| scalar(l)).collect();
        line(&mut out, 2, "languages", &format!("[{}]", langs.join(", ")));
        line(
            &mut out,
            2,
            "default_language",
            &scalar(&form.default_language),
        );
    }
    if !form.partial_languages.is_empty() {
        let langs: Vec<String> = form.partial_languages.iter().map(|l| scalar(l)).collect();
        line(
            &mut out,
            2,
            "partial_languages",
            &format!("[{}]", langs.join(", ")),
        );
    }
    if let Some(base) = &form.extends {
        line(&mut out, 2, "based_on", &scalar(base));
    }
    let s = &form.settings;
    if !s.recipients.is_empty()
        || s.passphrase
        || s.one_page
        || s.province.is_some()
        || s.thai_digits
        || s.instance_name.is_some()
    {
        out.push_str("  settings:\n");
        if !s.recipients.is_empty() {
            out.push_str("    recipients:\n");
            for r in &s.recipients {
                let _ = writeln!(out, "      - {}", scalar(r));
            }
        }
        if s.passphrase {
            line(&mut out, 4, "passphrase", "yes");
        }
        if s.one_page {
            line(&mut out, 4, "one_page", "yes");
        }
        if let Some(p) = &s.province {
            line(&mut out, 4, "province", &scalar(p));
        }
        if s.thai_digits {
            line(&mut out, 4, "thai_digits", "yes");
        }
        if let Some(e) = &s.instance_name {
            line(&mut out, 4, "instance_name", &scalar(&e.src));
        }
    }
    if let Some(case) = &form.case {
        out.push_str("case:\n");
        line(&mut out, 2, "list", &scalar(&case.list));
        if let Some(pick) = &case.pick {
            line(&mut out, 2, "pick", &scalar(pick));
        }
        let exprs = [
            ("label", &case.label),
            ("create_if", &case.create_if),
            ("update_if", &case.update_if),
        ];
        for (key, e) in exprs {
            if let Some(e) = e {
                line(&mut out, 2, key, &scalar(&e.src));
            }
        }
    }
    out.push_str("questions:\n");
    questions(&mut out, 2, &form.questions);
    if !form.choices.is_empty() {
        out.push_str("choices:\n");
        for (name, list) in &form.choices {
            if let Some((key, path)) = list.source.file().filter(|_| keep_files) {
                let _ = writeln!(out, "  {}: {{{key}: {}}}", scalar(name), scalar(path));
                continue;
            }
            let _ = writeln!(out, "  {}:", scalar(name));
            for c in list.choices.iter() {
                let _ = writeln!(out, "    - {}", choice(c));
            }
        }
    }
    out
}

fn line(out: &mut String, indent: usize, key: &str, value: &str) {
    let _ = writeln!(out, "{:indent$}{key}: {value}", "");
}

fn questions(out: &mut String, indent: usize, list: &[Question]) {
    for q in list {
        // The first property shares the line with the list's `-`.
        let _ = writeln!(out, "{:indent$}- name: {}", "", scalar(&q.name));
        let inner = indent + 2;
        line(out, inner, "type", &scalar(&q.qtype.to_source()));
        let texts = [("label", &q.label), ("hint", &q.hint)];
        for (key, t) in texts {
            if let Some(t) = t {
                line(out, inner, key, &text(t));
            }
        }
        let exprs = [
            ("required", &q.required),
            ("relevant", &q.relevant),
            ("constraint", &q.constraint),
            ("calculation", &q.calculation),
            ("read_only", &q.read_only),
            ("choice_filter", &q.choice_filter),
            ("trigger", &q.trigger),
            ("repeat_count", &q.repeat_count),
        ];
        for (key, e) in exprs {
            if let Some(e) = e {
                // `required: yes` and `read_only: yes` load as `true()`.
                let flag = matches!(key, "required" | "read_only") && e.src == "true()";
                line(
                    out,
                    inner,
                    key,
                    &if flag {
                        "yes".to_string()
                    } else {
                        scalar(&e.src)
                    },
                );
            }
        }
        let messages = [
            ("required_message", &q.required_message),
            ("constraint_message", &q.constraint_message),
        ];
        for (key, t) in messages {
            if let Some(t) = t {
                line(out, inner, key, &text(t));
            }
        }
        if let Some(d) = &q.default {
            line(out, inner, "default", &scalar(d));
        }
        if let Some(a) = &q.appearance {
            line(out, inner, "appearance", &scalar(a));
        }
        if !q.parameters.is_empty() {
            line(out, inner, "parameters", &parameters(&q.parameters));
        }
        if let Some(property) = &q.save_to {
            line(out, inner, "save_to", &scalar(property));
        }
        if !q.checks.is_empty() {
            let checks: Vec<String> = q.checks.iter().map(check).collect();
            line(out, inner, "checks", &format!("[{}]", checks.join(", ")));
        }
        if !q.children.is_empty() {
            let _ = writeln!(out, "{:inner$}questions:", "");
            questions(out, inner + 2, &q.children);
        }
    }
}

/// The parameters as a flow mapping, such as `{start: 0, end: 10, step: 1}`.
pub(crate) fn parameters(p: &Parameters) -> String {
    let mut parts = Vec::new();
    let numbers = [("start", p.start), ("end", p.end), ("step", p.step)];
    for (key, v) in numbers {
        if let Some(v) = v {
            parts.push(format!("{key}: {v}"));
        }
    }
    if let Some(v) = p.max_pixels {
        parts.push(format!("max-pixels: {v}"));
    }
    format!("{{{}}}", parts.join(", "))
}

fn text(t: &Text) -> String {
    match t {
        Text::Any(s) => scalar(s),
        Text::Langs(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(l, s)| format!("{}: {}", scalar(l), scalar(s)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

fn choice(c: &Choice) -> String {
    let mut parts = vec![
        format!("name: {}", scalar(&c.name)),
        format!("label: {}", text(&c.label)),
    ];
    for (k, v) in &c.extra {
        parts.push(format!("{}: {}", scalar(k), scalar(v)));
    }
    format!("{{{}}}", parts.join(", "))
}

fn check(c: &Check) -> String {
    fn limits<T: std::fmt::Display>(name: &str, min: &Option<T>, max: &Option<T>) -> String {
        let mut parts = Vec::new();
        if let Some(v) = min {
            parts.push(format!("min: {v}"));
        }
        if let Some(v) = max {
            parts.push(format!("max: {v}"));
        }
        format!("{{{name}: {{{}}}}}", parts.join(", "))
    }
    match c {
        Check::Email => "email".into(),
        Check::Url => "url".into(),
        Check::ThaiId => "thai_id".into(),
        Check::Phone => "phone".into(),
        Check::Length { min, max } => limits("length", min, max),
        Check::Range { min, max } => limits("range", min, max),
        Check::Regex(r) => format!("{{regex: {}}}", quoted(r)),
    }
}

/// A scalar, plain when that reads back as the same string in both block and
/// flow context, else double-quoted.
fn scalar(s: &str) -> String {
    if plain_is_safe(s) {
        s.to_string()
    } else {
        quoted(s)
    }
}

fn plain_is_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    // This loader reads every value as text, but other YAML tools and people
    // read `yes`, `1.0` or `2026-01-31` as a boolean, a number or a date, so
    // such values are quoted to show they are text.
    if looks_typed(s) {
        return false;
    }
    if first.is_whitespace() || s.ends_with(char::is_whitespace) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    !s.chars()
        .any(|c| c.is_control() || matches!(c, ',' | '[' | ']' | '{' | '}' | '\u{feff}'))
}

fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether YAML 1.1 or 1.2 would read an unquoted `s` as something other than
/// a string: null, a boolean, a number or a date.
fn looks_typed(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "~" | "null"
            | "y"
            | "n"
            | "yes"
            | "no"
            | "true"
            | "false"
            | "on"
            | "off"
            | ".inf"
            | "-.inf"
            | "+.inf"
            | ".nan"
    ) {
        return true;
    }
    let digits = lower.trim_start_matches(['+', '-']);
    let numeric = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits.chars().any(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, '.' | '_' | ':' | 'x' | 'o' | '+' | '-'));
    let date = s.len() >= 10
        && s.as_bytes()[..10].iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    numeric || date
}
