//! The regular expressions of forms: `regex(text, pattern)` in expressions
//! and `checks: [{regex: ...}]` in the engine both go through [`Pattern`].
//!
//! Patterns run on `regex-lite`, which matches code point by code point
//! without Unicode tables: the full `regex` crate's tables were the largest
//! single part of the app's download. The two crates read most patterns the
//! same way; where they would not, the pattern is refused here with a
//! message that says what to write instead, so that a pattern either means
//! in the app exactly what it meant with `regex` or does not compile at all.
//! The places where they differ are the classes and assertions whose
//! meaning `regex` takes from Unicode and `regex-lite` from ASCII:
//!
//! - `\d`, `\s`, `\w` and their negations (`regex` counts Thai digits `๐-๙`
//!   as `\d`, `regex-lite` does not),
//! - word boundaries `\b`, `\B`, `\<`, `\>`,
//! - case-insensitive matching `(?i)` (`regex` folds `K` with the Kelvin
//!   sign, `regex-lite` folds ASCII letters only),
//! - Unicode classes `\p{...}` and `\P{...}`, which `regex-lite` does not
//!   know. `\p{Thai}`, the one a Thai form needs, is still accepted: it is
//!   written out as the code points of the Thai script before compiling.
//!
//! `crates/expr/tests/pattern.rs` runs a shared table of patterns and texts
//! through both crates and checks that every pattern accepted here matches
//! exactly what `regex` matched, and that the refused ones are the ones
//! listed above.

use std::fmt;

/// The code points of the Thai script (Unicode's `Script=Thai`): the
/// letters, vowels, tone marks and digits, not the baht sign U+0E3F, which
/// belongs to no script. Written without brackets so that it can stand
/// inside a class as well as make one.
const THAI: &str = r"\x{0E01}-\x{0E3A}\x{0E40}-\x{0E5B}";

/// The longest pattern accepted, in bytes. Patterns come from form authors
/// and, through `regex()` with a computed pattern, from answers; a bound
/// keeps a pasted page of text from becoming a matcher that takes seconds
/// to build on a phone.
pub const MAX_PATTERN_LEN: usize = 1_000;

/// A compiled pattern. It matches anywhere in the text unless anchored.
#[derive(Clone)]
pub struct Pattern(regex_lite::Regex);

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.0.as_str()).finish()
    }
}

impl Pattern {
    /// Compiles `pattern`, or says in one line why it is refused.
    pub fn new(pattern: &str) -> Result<Pattern, String> {
        if pattern.len() > MAX_PATTERN_LEN {
            return Err(format!(
                "the pattern is {} bytes long, more than the {MAX_PATTERN_LEN} allowed",
                pattern.len()
            ));
        }
        let written = rewrite(pattern)?;
        regex_lite::Regex::new(&written)
            .map(Pattern)
            .map_err(|e| reason(&e.to_string()))
    }

    /// Whether the pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text)
    }
}

/// The pattern as `regex-lite` should read it: `\p{Thai}` written out, and
/// every construct whose meaning depends on Unicode tables refused.
///
/// The scan only has to know escapes and group flags: a backslash always
/// takes the next character with it, and `(?` starts the only syntax that
/// can turn on case-insensitive matching. It errs on the side of refusing:
/// `(?i` in an `(?x)` comment is refused too, and so are the escapes above
/// inside a class, whatever they would mean there.
fn rewrite(pattern: &str) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len());
    let mut in_class = false;
    let mut chars = pattern.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                let Some((_, next)) = chars.next() else {
                    // A trailing backslash: regex-lite gives the reason.
                    out.push(c);
                    break;
                };
                match next {
                    'd' | 'D' => return Err(refused(next, "[0-9], or [0-9๐-๙] to allow Thai digits too")),
                    's' | 'S' => return Err(refused(next, "[ \\t\\n] or the spaces you mean")),
                    'w' | 'W' => return Err(refused(next, "[A-Za-z0-9_], adding the letters you mean, such as ก-ฮ")),
                    'b' | 'B' | '<' | '>' => {
                        return Err(format!(
                            "word boundaries (\\{next}) are not supported: anchor the pattern with ^ and $ instead"
                        ))
                    }
                    'p' | 'P' => {
                        let rest = &pattern[at + 2..];
                        if rest.starts_with("{Thai}") {
                            for _ in 0.."{Thai}".len() {
                                chars.next();
                            }
                            match (next, in_class) {
                                ('p', true) => out.push_str(THAI),
                                ('p', false) => {
                                    out.push('[');
                                    out.push_str(THAI);
                                    out.push(']');
                                }
                                ('P', false) => {
                                    out.push_str("[^");
                                    out.push_str(THAI);
                                    out.push(']');
                                }
                                _ => {
                                    return Err("\\P{Thai} inside [...] is not supported: write [^...] around \\p{Thai} instead"
                                        .to_owned())
                                }
                            }
                            continue;
                        }
                        return Err(format!(
                            "Unicode classes such as \\{next}{{...}} are not supported, except \\p{{Thai}}: write the range you mean, such as [ก-ฮ]"
                        ));
                    }
                    _ => {
                        out.push(c);
                        out.push(next);
                    }
                }
            }
            // An ASCII class such as `[:digit:]` inside a class is copied
            // whole, so that its `]` does not end the outer class.
            '[' if in_class && pattern[at + 1..].starts_with(':') => {
                out.push(c);
                if let Some(len) = pattern[at + 1..].find(":]") {
                    // `len` counts bytes; the class is copied char by char.
                    let class = &pattern[at + 1..at + 1 + len + 2];
                    for _ in class.chars() {
                        if let Some((_, inner)) = chars.next() {
                            out.push(inner);
                        }
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A `]` or `^]` right after the opening bracket is a literal.
                if let Some(&(_, '^')) = chars.peek() {
                    out.push('^');
                    chars.next();
                }
                if let Some(&(_, ']')) = chars.peek() {
                    out.push(']');
                    chars.next();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '(' if !in_class && pattern[at + 1..].starts_with('?') => {
                let flags: String = pattern[at + 2..]
                    .chars()
                    .take_while(|f| f.is_ascii_alphabetic() || *f == '-')
                    .collect();
                if flags.contains('i') {
                    return Err(
                        "case-insensitive matching (?i) is not supported: list both cases, such as [Aa]"
                            .to_owned(),
                    );
                }
                // `(?s)*` repeats nothing: regex calls it an error, while
                // regex-lite would accept it.
                let after = &pattern[at + 2 + flags.len()..];
                if after.starts_with(')') && after[1..].starts_with(['*', '+', '?', '{']) {
                    return Err(format!(
                        "the repetition after (?{flags}) has nothing to repeat"
                    ));
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

fn refused(class: char, instead: &str) -> String {
    format!("\\{class} is not supported, since it would also match digits, spaces or letters of other scripts: write {instead}")
}

/// The one-line reason from a `regex-lite` error, which otherwise prints the
/// pattern with a caret on several lines.
fn reason(text: &str) -> String {
    let line = text
        .lines()
        .rev()
        .find_map(|line| line.trim().strip_prefix("error: "))
        .map(str::to_owned)
        .unwrap_or_else(|| text.lines().last().unwrap_or("").trim().to_owned());
    line.trim_end_matches('.').to_owned()
}
