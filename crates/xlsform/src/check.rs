//! Checking the converted expressions with Yim's own expression checker.
//!
//! XLSForm expressions are XPath, and most of them are also valid Yim
//! expressions. Those that are not (look-ups in lists the form does not
//! have, paths that lead nowhere) are left out of the converted form and noted
//! with the checker's reason, so that the form compiles and lints clean.

use std::collections::HashSet;
use std::sync::Arc;

use yim_form::{Form, QType, Question};

use crate::convert::Converter;
use crate::report::NoteKind;

/// Removes every expression the engine rejects, noting each, until the form
/// compiles without expression problems; then notes whatever else remains.
pub(crate) fn check(conv: &mut Converter, form: &mut Form) {
    // Each round removes at least one expression, so this ends; the bound
    // only guards against a checker that keeps finding the same problem.
    for _ in 0..64 {
        let (_, mut diags) = yim_engine::compile(form);
        diags.retain(|d| !crate::fromfile::filter_of_unread_file(conv, form, &d.loc));
        if diags.is_empty() {
            return;
        }
        let mut removed = false;
        let mut done: HashSet<(Arc<str>, &'static str)> = HashSet::new();
        let mut other = Vec::new();
        for d in diags {
            let origin = conv.origin_of(&d.loc).cloned();
            match origin {
                Some(o) if !o.prop.is_empty() && o.question.is_some() => {
                    let key = o.question.clone().unwrap_or_default();
                    if !done.insert((key.clone(), o.prop)) {
                        continue;
                    }
                    let Some(q) = find(&mut form.questions, &key) else {
                        continue;
                    };
                    let Some(src) = take(q, o.prop) else { continue };
                    // A calculate question is nothing without its calculation.
                    let gone = (q.qtype == QType::Calculate && q.calculation.is_none())
                        .then(|| q.name.clone());
                    removed = true;
                    let reason = d
                        .message
                        .strip_prefix(&format!("in {}: ", o.prop))
                        .unwrap_or(&d.message)
                        .to_owned();
                    let paths = conv
                        .unresolved_paths
                        .get(d.loc.file.as_ref())
                        .cloned()
                        .unwrap_or_default();
                    let (feature, why) = explain(&src, &reason, &paths, conv);
                    let extra = if o.prop == "constraint" {
                        " (with its message)"
                    } else {
                        ""
                    };
                    let also = match &gone {
                        Some(name) => {
                            format!("; without it, the calculate question `{name}` is left out too")
                        }
                        None => String::new(),
                    };
                    conv.notes.push(crate::Note::new(
                        &o.sheet,
                        o.row,
                        NoteKind::Unsupported,
                        feature,
                        format!(
                            "the {} `{src}` is left out{extra}: {why}{also}",
                            o.prop.replace('_', " ")
                        ),
                    ));
                    if let Some(name) = gone {
                        remove(&mut form.questions, &key);
                        conv.left_out.insert(name, o.row);
                        prune(conv, &mut form.questions);
                    }
                }
                Some(o) if o.sheet == crate::entities::SHEET && !o.prop.is_empty() => {
                    let Some(src) = crate::entities::take_case_expr(form, o.prop) else {
                        continue;
                    };
                    removed = true;
                    conv.notes.push(crate::Note::new(
                        &o.sheet,
                        o.row,
                        NoteKind::Unsupported,
                        "entity expression",
                        format!(
                            "the {} `{src}` is left out: {}",
                            o.prop.replace('_', " "),
                            d.message
                        ),
                    ));
                }
                _ => other.push(d),
            }
        }
        if !removed {
            for d in other {
                let (sheet, row) = conv.row_of(&d.loc);
                conv.notes.push(crate::Note::new(
                    &sheet,
                    row,
                    NoteKind::Unsupported,
                    "other problem",
                    d.message,
                ));
            }
            return;
        }
    }
}

/// Removes the question whose location key is `key`.
fn remove(qs: &mut Vec<Question>, key: &str) {
    qs.retain(|q| q.loc.file.as_ref() != key);
    for q in qs {
        remove(&mut q.children, key);
    }
}

/// Removes groups and repeats left without questions, noting each.
fn prune(conv: &mut Converter, qs: &mut Vec<Question>) {
    for q in qs.iter_mut() {
        prune(conv, &mut q.children);
    }
    qs.retain(|q| {
        let empty = q.qtype.is_container() && q.children.is_empty();
        if empty {
            let (sheet, row) = conv.row_of(&q.loc);
            let kind = q.qtype.keyword();
            conv.notes.push(crate::Note::new(
                &sheet,
                row,
                NoteKind::Unsupported,
                format!("empty {kind}"),
                format!(
                    "the {kind} `{}` has no questions left; it is left out",
                    q.name
                ),
            ));
        }
        !empty
    });
}

/// The question whose location key is `key`.
fn find<'a>(qs: &'a mut [Question], key: &str) -> Option<&'a mut Question> {
    for q in qs {
        if q.loc.file.as_ref() == key {
            return Some(q);
        }
        if let Some(found) = find(&mut q.children, key) {
            return Some(found);
        }
    }
    None
}

/// The question whose origin key is `key`, if it is still in the form.
pub(crate) fn find_ref<'q>(qs: &'q [Question], key: &str) -> Option<&'q Question> {
    for q in qs {
        if q.loc.file.as_ref() == key {
            return Some(q);
        }
        if let Some(found) = find_ref(&q.children, key) {
            return Some(found);
        }
    }
    None
}

/// Removes the property `prop` from `q`, returning its source text.
fn take(q: &mut Question, prop: &str) -> Option<String> {
    let slot = match prop {
        "relevant" => &mut q.relevant,
        "required" => &mut q.required,
        "read_only" => &mut q.read_only,
        "constraint" => {
            q.constraint_message = None;
            &mut q.constraint
        }
        "calculation" => &mut q.calculation,
        "choice_filter" => &mut q.choice_filter,
        "trigger" => &mut q.trigger,
        "repeat_count" => &mut q.repeat_count,
        "default" => {
            q.prop_locs.shift_remove("default");
            return q.default.take();
        }
        _ => return None,
    };
    slot.take().map(|e| e.src)
}

/// A feature name for counting, and the reason in plain words.
fn explain(src: &str, reason: &str, paths: &[String], conv: &Converter) -> (String, String) {
    if !paths.is_empty() {
        return (
            "expression XPath path".into(),
            format!(
                "the XPath path `{}` does not lead to a question; Yim refers to questions as `${{name}}`",
                paths[0]
            ),
        );
    }
    for f in [
        "instance(",
        "jr:itext(",
        "pulldata(",
        "indexed-repeat(",
        "digest(",
        "randomize(",
    ] {
        if src.contains(f) && reason.contains(f.trim_end_matches('(')) {
            return (format!("expression {f})"), reason.to_owned());
        }
    }
    if src.contains("instance(") {
        return (
            "expression instance()".into(),
            format!("Yim looks up `instance(...)` paths only in the form's own choice lists, as instance('list')/root/item[...]/column ({reason})"),
        );
    }
    if let Some(name) = unknown_reference(reason) {
        if let Some(row) = conv.left_out.get(&name) {
            return (
                "expression refers to left-out question".into(),
                format!("it refers to `${{{name}}}`, which is left out (survey!{row})"),
            );
        }
    }
    if let Some(f) = reason
        .strip_prefix("unknown function `")
        .and_then(|r| r.split('`').next())
    {
        return (format!("expression {f}()"), reason.to_owned());
    }
    ("expression".into(), reason.to_owned())
}

/// The name in an "unknown question `${name}`" message.
fn unknown_reference(reason: &str) -> Option<String> {
    let rest = reason.split("unknown question `${").nth(1)?;
    Some(rest.split('}').next()?.to_owned())
}
