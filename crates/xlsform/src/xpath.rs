//! Rewriting XPath paths in XLSForm expressions into `${name}` references.
//!
//! XLSForm authors mostly write `${name}`, but some forms use the XPath the
//! `${}` shorthand expands to: relative paths such as `../age` or
//! `current()/../district`, and absolute ones such as `/data/household/age`.
//! Yim's expression language has only `${name}`, and names are unique in a
//! whole Yim form, so a path that leads to one question means `${thatname}`.
//! A path that leads nowhere, or that uses XPath steps with no `${}`
//! equivalent (predicates, `instance(...)`), is left as written for the
//! expression checker to reject, and reported.

use std::collections::HashMap;

/// Where every question is: its name → the names of the groups and repeats
/// around it, outermost first, followed by its own name.
pub(crate) type Paths = HashMap<String, Vec<String>>;

/// The result of rewriting one expression.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Rewritten {
    /// The expression with every path that could be resolved replaced.
    pub(crate) src: String,
    /// Paths that could not be resolved, as written.
    pub(crate) unresolved: Vec<String>,
}

/// Rewrites the paths in `src`, an expression of the question whose path
/// (containers, then its own name) is `here`. String literals equal to a key
/// of `renamed` are replaced by its value (choice names that had to change).
pub(crate) fn rewrite(
    src: &str,
    here: &[String],
    paths: &Paths,
    renamed: &HashMap<String, String>,
) -> Rewritten {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut unresolved = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' || c == '"' {
            let end = (i + 1..chars.len())
                .find(|&j| chars[j] == c)
                .unwrap_or(chars.len());
            let body: String = chars[i + 1..end].iter().collect();
            let body = renamed.get(&body).cloned().unwrap_or(body);
            out.push(c);
            out.push_str(&body);
            if end < chars.len() {
                out.push(c);
            }
            i = end + 1;
            continue;
        }
        if c == '$' && chars.get(i + 1) == Some(&'{') {
            let end = (i..chars.len())
                .find(|&j| chars[j] == '}')
                .map_or(chars.len(), |j| j + 1);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if let Some((len, steps)) = path_at(&chars, i) {
            let written: String = chars[i..i + len].iter().collect();
            match resolve(&steps, here, paths) {
                Some(name) => {
                    out.push_str("${");
                    out.push_str(&name);
                    out.push('}');
                }
                None => {
                    unresolved.push(written.clone());
                    out.push_str(&written);
                }
            }
            i += len;
            continue;
        }
        // Copy a whole name at once, so that a `/` inside a function name
        // such as `jr:choice-name` is never seen as a path.
        if is_name_char(c) {
            while i < chars.len() && (is_name_char(chars[i]) || chars[i] == ':') {
                out.push(chars[i]);
                i += 1;
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    Rewritten {
        src: out,
        unresolved,
    }
}

/// One step of a path.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// The absolute root, `/`.
    Root,
    /// `..`
    Up,
    /// A child's name.
    Child(String),
}

/// A path starting at `i`: its length in characters and its steps. A path
/// is `current()/` or `../` followed by more steps, or `/` followed by a
/// name (an absolute path). A lone `.` or `..`, as in `position(..)`, is
/// not a path to rewrite.
fn path_at(chars: &[char], i: usize) -> Option<(usize, Vec<Step>)> {
    let rest = |j: usize| chars[j.min(chars.len())..].iter().collect::<String>();
    let mut j = i;
    let mut steps = Vec::new();
    let starts_with = |j: usize, s: &str| rest(j).starts_with(s);
    if starts_with(j, "current()/") {
        // `current()` is the question itself, the same context as a path
        // without it.
        j += "current()/".len();
        if !starts_with(j, "..") {
            return None;
        }
    } else if starts_with(j, "../") {
        // A relative path.
    } else if chars[j] == '/' && chars.get(j + 1).is_some_and(|&c| is_name_start(c)) {
        // An absolute path, unless the `/` follows something it could
        // divide, which XPath writes `div` anyway.
        let before = chars[..j].iter().rev().find(|c| !c.is_whitespace());
        if before.is_some_and(|&c| is_name_char(c) || c == ')' || c == ']') {
            return None;
        }
        steps.push(Step::Root);
        j += 1;
    } else {
        return None;
    }
    loop {
        if starts_with(j, "..") {
            steps.push(Step::Up);
            j += 2;
        } else if chars.get(j).is_some_and(|&c| is_name_start(c)) {
            let start = j;
            while chars.get(j).is_some_and(|&c| is_name_char(c)) {
                j += 1;
            }
            steps.push(Step::Child(chars[start..j].iter().collect()));
        } else {
            return None;
        }
        if chars.get(j) == Some(&'/') {
            j += 1;
        } else {
            break;
        }
    }
    // A predicate or a function call after the path is XPath that `${}`
    // cannot say; leave the whole thing to be reported.
    if matches!(chars.get(j), Some('[') | Some('(')) {
        return None;
    }
    Some((j - i, steps))
}

/// The name of the question a path leads to, if it leads to exactly the
/// place where that question is.
fn resolve(steps: &[Step], here: &[String], paths: &Paths) -> Option<String> {
    let mut at: Vec<String> = match steps.first()? {
        // The root element's own name (`data` unless the settings say
        // otherwise) is skipped: there is only one root.
        Step::Root => {
            let Some(Step::Child(_)) = steps.get(1) else {
                return None;
            };
            let mut at = Vec::new();
            for s in &steps[2..] {
                match s {
                    Step::Child(n) => at.push(n.clone()),
                    _ => return None,
                }
            }
            return target(at, paths);
        }
        _ => here.to_vec(),
    };
    for s in steps {
        match s {
            Step::Up => {
                at.pop()?;
            }
            Step::Child(n) => at.push(n.clone()),
            Step::Root => return None,
        }
    }
    target(at, paths)
}

fn target(at: Vec<String>, paths: &Paths) -> Option<String> {
    let name = at.last()?;
    (paths.get(name)? == &at).then(|| name.clone())
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(src: &str, want: &str, unresolved: &[&str]) {
        let mut paths = Paths::new();
        let mut add = |p: &[&str]| {
            let v: Vec<String> = p.iter().map(|s| s.to_string()).collect();
            paths.insert(v.last().unwrap().clone(), v);
        };
        add(&["hh"]);
        add(&["hh", "size"]);
        add(&["hh", "members"]);
        add(&["hh", "members", "age"]);
        add(&["hh", "members", "name"]);
        add(&["district"]);
        let here: Vec<String> = ["hh", "members", "name"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let renamed = HashMap::from([("Township 01".to_owned(), "Township_01".to_owned())]);
        let got = rewrite(src, &here, &paths, &renamed);
        assert_eq!(got.src, want, "{src}");
        assert_eq!(got.unresolved, unresolved, "{src}");
    }

    #[test]
    fn paths_become_names() {
        check("../age > 5", "${age} > 5", &[]);
        check("current()/../age", "${age}", &[]);
        check("../../size * 2", "${size} * 2", &[]);
        check("/data/hh/members/age", "${age}", &[]);
        check("/survey/district = 'x'", "${district} = 'x'", &[]);
        check(
            "position(..) = 1 and . != ''",
            "position(..) = 1 and . != ''",
            &[],
        );
        check("${age} div 2", "${age} div 2", &[]);
        check("'../age' = ${name}", "'../age' = ${name}", &[]);
        check(
            "jr:choice-name(${age}, '${age}')",
            "jr:choice-name(${age}, '${age}')",
            &[],
        );
        check(
            "${district} = 'Township 01'",
            "${district} = 'Township_01'",
            &[],
        );
    }

    #[test]
    fn paths_that_lead_nowhere_are_kept_and_reported() {
        check("../district", "../district", &["../district"]);
        check("/data/age", "/data/age", &["/data/age"]);
        check("../../../../x", "../../../../x", &["../../../../x"]);
        check(
            "instance('c')/root/item[name = 1]/label",
            "instance('c')/root/item[name = 1]/label",
            &[],
        );
    }
}
