//! Turns expression source into tokens.
//!
//! The lexer never stops at a problem: it reports it, skips the offending
//! characters and goes on, so the parser still sees the rest.

use std::fmt;

use crate::{ExprError, Span};

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Tok<'a> {
    /// `12`, `1.5`, `.5`.
    Num(f64),
    /// `'text'` or `"text"`, without the quotes.
    Str(&'a str),
    /// `${name}`, without the braces.
    Ref(&'a str),
    /// A name such as `concat`, `jr:choice-name`, `and` or `div`.
    Name(&'a str),
    Dot,
    DotDot,
    LParen,
    RParen,
    /// `[` and `]`, around the predicate of an `instance(...)` path.
    LBracket,
    RBracket,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Pipe,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Eof,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Token<'a> {
    pub(crate) tok: Tok<'a>,
    pub(crate) span: Span,
}

impl fmt::Display for Tok<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Num(n) => write!(f, "the number {n}"),
            Tok::Str(s) => write!(f, "text '{s}'"),
            Tok::Ref(name) => write!(f, "`${{{name}}}`"),
            Tok::Name(name) => write!(f, "`{name}`"),
            Tok::Dot => f.write_str("`.`"),
            Tok::DotDot => f.write_str("`..`"),
            Tok::LParen => f.write_str("`(`"),
            Tok::RParen => f.write_str("`)`"),
            Tok::LBracket => f.write_str("`[`"),
            Tok::RBracket => f.write_str("`]`"),
            Tok::Comma => f.write_str("`,`"),
            Tok::Plus => f.write_str("`+`"),
            Tok::Minus => f.write_str("`-`"),
            Tok::Star => f.write_str("`*`"),
            Tok::Slash => f.write_str("`/`"),
            Tok::Pipe => f.write_str("`|`"),
            Tok::Eq => f.write_str("`=`"),
            Tok::Ne => f.write_str("`!=`"),
            Tok::Lt => f.write_str("`<`"),
            Tok::Le => f.write_str("`<=`"),
            Tok::Gt => f.write_str("`>`"),
            Tok::Ge => f.write_str("`>=`"),
            Tok::Eof => f.write_str("end of expression"),
        }
    }
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

pub(crate) fn lex<'a>(src: &'a str, errors: &mut Vec<ExprError>) -> Vec<Token<'a>> {
    let mut tokens = Vec::new();
    let bytes = src.as_bytes();
    let mut pos = 0;
    while pos < src.len() {
        let c = src[pos..].chars().next().unwrap_or(' ');
        let start = pos;
        let len = c.len_utf8();
        let next = bytes.get(pos + 1).copied();
        let (tok, end) = match c {
            c if c.is_whitespace() => {
                pos += len;
                continue;
            }
            '0'..='9' => number(src, start),
            '.' if next.is_some_and(|b| b.is_ascii_digit()) => number(src, start),
            '.' if next == Some(b'.') => (Tok::DotDot, start + 2),
            '.' => (Tok::Dot, start + 1),
            '\'' | '"' => match src[start + 1..].find(c) {
                Some(close) => (
                    Tok::Str(&src[start + 1..start + 1 + close]),
                    start + close + 2,
                ),
                None => {
                    errors.push(ExprError::new(
                        Span::new(start, src.len()),
                        format!("expected {c} to close the text, but found end of expression"),
                    ));
                    (Tok::Str(&src[start + 1..]), src.len())
                }
            },
            '$' => reference(src, start, errors),
            c if is_name_start(c) => {
                let mut end = start + len;
                let mut colon = false;
                for (i, ch) in src[end..].char_indices() {
                    if is_name_char(ch) {
                        end = start + len + i + ch.len_utf8();
                    } else if ch == ':'
                        && !colon
                        && src[start + len + i + 1..]
                            .chars()
                            .next()
                            .is_some_and(is_name_start)
                    {
                        // One namespace prefix, as in `jr:choice-name`.
                        colon = true;
                        end = start + len + i + 1;
                    } else {
                        break;
                    }
                }
                (Tok::Name(&src[start..end]), end)
            }
            '(' => (Tok::LParen, start + 1),
            ')' => (Tok::RParen, start + 1),
            '[' => (Tok::LBracket, start + 1),
            ']' => (Tok::RBracket, start + 1),
            ',' => (Tok::Comma, start + 1),
            '+' => (Tok::Plus, start + 1),
            '-' => (Tok::Minus, start + 1),
            '*' => (Tok::Star, start + 1),
            '/' => (Tok::Slash, start + 1),
            '|' if next == Some(b'|') => {
                errors.push(ExprError::new(
                    Span::new(start, start + 2),
                    "`||` is not an operator, use `or`",
                ));
                (Tok::Name("or"), start + 2)
            }
            '|' => (Tok::Pipe, start + 1),
            '&' if next == Some(b'&') => {
                errors.push(ExprError::new(
                    Span::new(start, start + 2),
                    "`&&` is not an operator, use `and`",
                ));
                (Tok::Name("and"), start + 2)
            }
            '=' if next == Some(b'=') => {
                errors.push(ExprError::new(
                    Span::new(start, start + 2),
                    "`==` is not an operator, use `=`",
                ));
                (Tok::Eq, start + 2)
            }
            '=' => (Tok::Eq, start + 1),
            '!' if next == Some(b'=') => (Tok::Ne, start + 2),
            '<' if next == Some(b'=') => (Tok::Le, start + 2),
            '<' if next == Some(b'>') => {
                errors.push(ExprError::new(
                    Span::new(start, start + 2),
                    "`<>` is not an operator, use `!=`",
                ));
                (Tok::Ne, start + 2)
            }
            '<' => (Tok::Lt, start + 1),
            '>' if next == Some(b'=') => (Tok::Ge, start + 2),
            '>' => (Tok::Gt, start + 1),
            '!' => {
                errors.push(ExprError::new(
                    Span::new(start, start + 1),
                    "`!` is not an operator, use `not(...)` or `!=`",
                ));
                pos += 1;
                continue;
            }
            other => {
                errors.push(ExprError::new(
                    Span::new(start, start + len),
                    format!("unexpected character `{other}`"),
                ));
                pos += len;
                continue;
            }
        };
        tokens.push(Token {
            tok,
            span: Span::new(start, end),
        });
        pos = end;
    }
    tokens.push(Token {
        tok: Tok::Eof,
        span: Span::new(src.len(), src.len()),
    });
    tokens
}

/// `12`, `12.`, `12.5` or `.5`; XPath has no exponents.
fn number(src: &str, start: usize) -> (Tok<'_>, usize) {
    let bytes = src.as_bytes();
    let mut end = start;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    if end < bytes.len() && bytes[end] == b'.' && bytes.get(end + 1) != Some(&b'.') {
        end += 1;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
    }
    // The text is digits with at most one dot, which always parses.
    let value = src[start..end].parse().unwrap_or(f64::NAN);
    (Tok::Num(value), end)
}

/// `${name}`.
fn reference<'a>(src: &'a str, start: usize, errors: &mut Vec<ExprError>) -> (Tok<'a>, usize) {
    let rest = &src[start + 1..];
    if rest.chars().next().is_some_and(is_name_start) {
        // `$age`: almost certainly `${age}` without braces.
        let len = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
        let name = &rest[..len];
        let end = start + 1 + len;
        errors.push(ExprError::new(
            Span::new(start, end),
            format!("expected `{{` after `$`, write `${{{name}}}`"),
        ));
        return (Tok::Ref(name), end);
    }
    if !rest.starts_with('{') {
        errors.push(ExprError::new(
            Span::new(start, start + 1),
            "expected `{` after `$`, as in `${name}`",
        ));
        return (Tok::Ref(""), start + 1);
    }
    let name_start = start + 2;
    // A reference ends at `}`; stop early at characters that cannot be in a
    // name so that a missing brace does not swallow the rest.
    let body = &src[name_start..];
    let stop = body
        .char_indices()
        .find(|&(_, c)| !is_name_char(c) && c != ' ')
        .map_or(body.len(), |(i, _)| i);
    if body[stop..].starts_with('}') {
        let name = &body[..stop];
        let end = name_start + stop + 1;
        if name.trim().is_empty() {
            errors.push(ExprError::new(
                Span::new(start, end),
                "expected a question name inside `${}`",
            ));
        } else if name.contains(' ') {
            errors.push(ExprError::new(
                Span::new(start, end),
                format!("question names cannot contain spaces, but found `${{{name}}}`"),
            ));
        }
        (Tok::Ref(name.trim()), end)
    } else {
        // Keep only the first word as the name: after a missing brace the
        // following words are more likely operators than part of the name.
        let first = body[..stop].split(' ').next().unwrap_or("");
        let end = name_start + first.len();
        let found = match body[stop..].chars().next() {
            Some(c) => format!("`{c}`"),
            None => "end of expression".to_owned(),
        };
        errors.push(ExprError::new(
            Span::new(start, end),
            format!("expected `}}` to close `${{`, but found {found}"),
        ));
        (Tok::Ref(first), end)
    }
}
