//! `yim lint`, `yim eval` and `yim resolve`: the commands for form authors.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use yim_engine::{compile, load_and_compile, Clock, Date, Session};
use yim_form::{CaseBlock, Diagnostic, FsFiles};

use crate::{printable, Fatal};

/// Lints every form file named or found in the folders named. Prints each
/// problem once as `file:line:col: message`; true when there were none.
pub(crate) fn lint(paths: &[String]) -> Result<bool, Fatal> {
    let mut files = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if path.is_dir() {
            collect(path, &mut files).map_err(|e| Fatal(format!("cannot read folder {p}: {e}")))?;
        } else if path.exists() {
            files.push(path.to_path_buf());
        } else {
            return Err(Fatal(format!("{p}: no such file or folder")));
        }
    }
    // A variant reports its base form's problems too; print each once.
    let mut seen = BTreeSet::new();
    let mut clean = true;
    let mut case_blocks = Vec::new();
    for file in &files {
        let name = file.to_string_lossy().into_owned();
        let (problems, warnings, case) = check_file(&name);
        case_blocks.extend(case);
        for d in problems {
            clean = false;
            let line = d.to_string();
            if seen.insert(line.clone()) {
                // A form file may hold any character in a name it quotes.
                println!("{}", printable(&line));
            }
        }
        // Warnings are printed but do not fail the check: the form works,
        // it only speaks less clearly than it could.
        for d in warnings {
            let line = format!("{}: warning: {}", d.loc, d.message);
            if seen.insert(line.clone()) {
                println!("{line}");
            }
        }
    }
    for d in unknown_case_lists(&case_blocks) {
        clean = false;
        println!("{}", printable(&d.to_string()));
    }
    if files.is_empty() {
        eprintln!("yim: no form files (*.yaml, *.yml) found");
    }
    Ok(clean)
}

/// All problems of one file, and its warnings, with the loader or compiler
/// contained: a bug that panics is reported as a problem of that file, and
/// linting goes on.
fn check_file(name: &str) -> (Vec<Diagnostic>, Vec<Diagnostic>, Option<CaseBlock>) {
    let owned = name.to_owned();
    match std::panic::catch_unwind(move || {
        let (compiled, problems) = load_and_compile(&owned, &FsFiles);
        let warnings = compiled
            .as_ref()
            .map_or_else(Vec::new, |c| unexplained_rules(&c.form));
        let case = compiled.and_then(|c| c.form.case.clone());
        (problems, warnings, case)
    }) {
        Ok(found) => found,
        Err(cause) => {
            let what = cause
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| cause.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            let problem = Diagnostic::new(
                yim_form::Loc::new(name, 1, 1),
                format!("internal error while checking this file, please report it: {what}"),
            );
            (vec![problem], Vec::new(), None)
        }
    }
}

/// Follow-up forms whose case list no form linted with them opens: their
/// picker would offer no case. Forms are linted together when they are
/// published together, so the form that opens the cases must be among the
/// files or folders named.
fn unknown_case_lists(blocks: &[CaseBlock]) -> Vec<Diagnostic> {
    let opened: BTreeSet<&str> = blocks
        .iter()
        .filter(|b| b.pick.is_none())
        .map(|b| b.list.as_str())
        .collect();
    let mut out = Vec::new();
    for block in blocks.iter().filter(|b| b.pick.is_some()) {
        if block.list.is_empty() || opened.contains(block.list.as_str()) {
            continue;
        }
        let hint = if opened.is_empty() {
            "; lint this form together with the form that opens the cases".to_string()
        } else {
            let names: Vec<String> = opened.iter().map(|l| format!("`{l}`")).collect();
            format!(" (the forms linted open {})", names.join(", "))
        };
        out.push(Diagnostic::new(
            block.loc_of("list").clone(),
            format!(
                "no form linted with this one opens cases of the list `{}`{hint}",
                block.list
            ),
        ));
    }
    out
}

/// Constraints and `checks:` patterns without a `constraint_message`. A
/// volunteer who breaks one reads only "this answer is not allowed" or
/// "this answer does not have the expected form", while the rule itself
/// could say what is expected (a phone number of 9 or 10 digits starting
/// with 0). The ready-made checks (`thai_id`, `range`, ...) have messages
/// of their own and are not reported.
fn unexplained_rules(form: &yim_form::Form) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for walked in form.walk() {
        let q = walked.question;
        if q.constraint_message.is_some() {
            continue;
        }
        if let Some(rule) = &q.constraint {
            out.push(Diagnostic::new(
                rule.loc.clone(),
                format!(
                    "the constraint of `{}` has no constraint_message, so a wrong answer only reads \"this answer is not allowed\"",
                    q.name
                ),
            ));
        }
        if q.checks
            .iter()
            .any(|c| matches!(c, yim_form::Check::Regex(_)))
        {
            out.push(Diagnostic::new(
                q.loc_of("checks").clone(),
                format!(
                    "the `checks` pattern of `{}` has no constraint_message, so a wrong answer only reads \"this answer does not have the expected form\"",
                    q.name
                ),
            ));
        }
    }
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let path = e.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if matches!(
            path.extension().and_then(|x| x.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

/// Evaluates `expr` against a form and (optionally) answers and prints the
/// result as JSON.
pub(crate) fn eval(
    form: &str,
    answers: Option<&str>,
    today: Option<&str>,
    lang: Option<&str>,
    expr: &str,
) -> Result<bool, Fatal> {
    let (compiled, diags) = load_and_compile(form, &FsFiles);
    for d in &diags {
        eprintln!("{d}");
    }
    let compiled = compiled.ok_or_else(|| Fatal(format!("{form}: the form could not be read")))?;
    let today = match today {
        Some(t) => Date::parse_iso(t)
            .ok_or_else(|| Fatal(format!("expected --today as YYYY-MM-DD, but found '{t}'")))?,
        None => system_today(),
    };
    let mut session = Session::new(compiled.clone(), Clock::fixed(today));
    if let Some(l) = lang {
        session.set_language(l);
    }
    if let Some(path) = answers {
        let text =
            std::fs::read_to_string(path).map_err(|e| Fatal(format!("cannot read {path}: {e}")))?;
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Fatal(format!("{path}: not valid JSON: {e}")))?;
        let (_, report) = session
            .load_answers(&json)
            .map_err(|e| Fatal(format!("{path}: {e}")))?;
        for key in report.unknown {
            eprintln!("{path}: warning: no question `{key}` in this form; its answer was ignored");
        }
    }
    match compiled.compile_expression(expr) {
        Ok(program) => {
            let value = session.evaluate(&program);
            println!(
                "{}",
                serde_json::to_string(&value).unwrap_or_else(|_| "null".to_owned())
            );
            Ok(true)
        }
        Err(errors) => {
            for e in errors {
                let col = expr[..e.span.start.min(expr.len())].chars().count() + 1;
                println!("<expression>:1:{col}: {}", e.message);
            }
            Ok(false)
        }
    }
}

/// Prints the resolved form as YAML; problems go to stderr.
pub(crate) fn resolve(file: &str) -> Result<bool, Fatal> {
    let (form, diags) = yim_form::load(file, &FsFiles);
    let mut clean = diags.is_empty();
    for d in &diags {
        eprintln!("{d}");
    }
    let form = form.ok_or_else(|| Fatal(format!("{file}: the form could not be read")))?;
    let (_, more) = compile(&form);
    for d in &more {
        eprintln!("{d}");
    }
    clean &= more.is_empty();
    print!("{}", yim_form::to_yaml(&form));
    Ok(clean)
}

/// Today's date in UTC from the system clock; the CLI is the one place that
/// may read it.
fn system_today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Date::from_days((secs / 86_400) as i32)
}
