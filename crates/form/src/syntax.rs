//! YAML text to a node tree, with locations and plain-words syntax errors.
//!
//! marked-yaml gives every node a marker; this module turns markers into
//! [`Loc`]s and fixes up the places where a marker is not where an author
//! would look (the opening quote of a quoted value, the second line of a
//! block mapping), and translates the parser's messages.

use std::sync::Arc;

use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode, Marker};
use marked_yaml::{LoadError, LoaderOptions, Node};

use crate::{Diagnostic, Loc};

/// One file's text, kept to work out exact columns.
pub(crate) struct Source {
    pub(crate) file: Arc<str>,
    text: String,
    // Byte offset of the start of each line, so a line's text is found without
    // scanning the file from the beginning for every node.
    line_starts: Vec<usize>,
}

impl Source {
    pub(crate) fn new(file: &str, text: String) -> Source {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source {
            file: file.into(),
            text,
            line_starts,
        }
    }

    /// The text of a 1-based line, without its line break.
    fn line(&self, line: usize) -> &str {
        let Some(&start) = line.checked_sub(1).and_then(|i| self.line_starts.get(i)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&e| e - 1);
        self.text[start..end].trim_end_matches('\r')
    }

    /// The character at a 1-based line and column, if any.
    fn char_at(&self, line: usize, col: usize) -> Option<char> {
        self.line(line).chars().nth(col.checked_sub(1)?)
    }

    pub(crate) fn at(&self, line: usize, col: usize) -> Loc {
        Loc {
            file: self.file.clone(),
            line: line as u32,
            col: col as u32,
        }
    }

    pub(crate) fn start(&self) -> Loc {
        self.at(1, 1)
    }

    fn marker(&self, m: Option<&Marker>) -> Loc {
        match m {
            Some(m) => self.at(m.line(), m.column()),
            None => self.start(),
        }
    }

    /// Where a key is written.
    pub(crate) fn key_loc(&self, key: &MarkedScalarNode) -> Loc {
        self.marker(key.span().start())
    }

    /// Where a value's first character is. For a quoted scalar that is the
    /// character after the quote, so that an expression's offsets line up with
    /// the file; for a block mapping it is the first key.
    pub(crate) fn loc(&self, node: &Node) -> Loc {
        match node {
            Node::Scalar(s) => self.scalar_loc(s),
            Node::Mapping(m) => self.mapping_loc(m),
            Node::Sequence(s) => self.marker(s.span().start()),
        }
    }

    pub(crate) fn scalar_loc(&self, s: &MarkedScalarNode) -> Loc {
        let Some(m) = s.span().start() else {
            return self.start();
        };
        if s.may_coerce() && s.as_str().is_empty() {
            return self.after_previous_token(m.line(), m.column());
        }
        // Block scalars (`|`, `>`) are already marked at their first content
        // character; quoted ones are marked at the opening quote.
        match self.char_at(m.line(), m.column()) {
            Some('"' | '\'') if !s.may_coerce() => self.at(m.line(), m.column() + 1),
            _ => self.at(m.line(), m.column()),
        }
    }

    /// The place just after the last non-blank character before a position.
    /// An empty value (`name:` with nothing after it) is marked at the next
    /// token, often on the next line; the place where the value is missing,
    /// right after its key's `:`, is more useful.
    fn after_previous_token(&self, line: usize, col: usize) -> Loc {
        let mut limit = col.saturating_sub(1);
        for n in (1..=line).rev() {
            let chars: Vec<char> = self.line(n).chars().take(limit).collect();
            if let Some(i) = chars.iter().rposition(|c| !c.is_whitespace()) {
                return self.at(n, i + 2);
            }
            limit = usize::MAX;
        }
        self.at(line, col)
    }

    pub(crate) fn mapping_loc(&self, m: &MarkedMappingNode) -> Loc {
        // A block mapping's own marker sits after its first key, so the first
        // key is the better place; a flow mapping's marker is its `{`.
        let start = self.marker(m.span().start());
        match m.keys().next().map(|k| self.key_loc(k)) {
            Some(k) if (k.line, k.col) < (start.line, start.col) => k,
            _ => start,
        }
    }
}

/// The deepest nesting of lists and mappings a form file may have. The
/// deepest real form nests about a dozen levels (a question in a group in a
/// repeat in a group); the bound leaves room for far more and keeps the
/// recursive tree builder (and everything that walks the tree after it)
/// well inside the smallest stack we run on, the browser's.
pub(crate) const MAX_DEPTH: usize = 100;

/// Parses one file. The top level must be a mapping.
pub(crate) fn parse(src: &Source) -> Result<MarkedMappingNode, Diagnostic> {
    check_depth(src)?;
    let options = LoaderOptions::default()
        .error_on_duplicate_keys(true)
        .prevent_coercion(true);
    match marked_yaml::parse_yaml_with_options(0, &src.text, options) {
        Ok(Node::Mapping(m)) => match second_document(src) {
            Some(loc) => Err(Diagnostic::new(
                loc,
                "a form file holds one YAML document, but a second one starts here; remove this `---` line or move what follows to its own file",
            )),
            None => Ok(m),
        },
        Ok(other) => Err(Diagnostic::new(
            src.loc(&other),
            format!("expected a mapping with `form` at the top of the file, but found {}", describe(&other)),
        )),
        Err(e) => Err(translate(src, e)),
    }
}

/// Refuses nesting deeper than [`MAX_DEPTH`] before the tree is built.
///
/// marked-yaml builds its tree with one level of recursion per level of
/// nesting, so 20,000 levels of `- - - ...` (40 KB of text) overflow the
/// stack. yaml-rust2's event parser, which it is built on, keeps its state
/// on the heap; walking its events first finds the place where the nesting
/// goes too deep without recursing. A syntax error ends the walk: the tree
/// builder stops at the same event and reports it.
fn check_depth(src: &Source) -> Result<(), Diagnostic> {
    use yaml_rust2::parser::{Event, Parser};
    let mut parser = Parser::new_from_str(&src.text);
    let mut depth = 0usize;
    let too_deep = |mark: yaml_rust2::scanner::Marker| {
        Diagnostic::new(
            src.at(mark.line(), mark.col() + 1),
            format!("expected lists and mappings nested at most {MAX_DEPTH} levels deep, but found more here"),
        )
    };
    loop {
        match parser.next_token() {
            Ok((Event::SequenceStart(..), mark)) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(too_deep(mark));
                }
            }
            Ok((Event::MappingStart(..), mark)) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    // A block mapping is marked after its first key; the
                    // key is where an author looks.
                    return Err(match parser.next_token() {
                        Ok((Event::Scalar(..), key)) => too_deep(key),
                        _ => too_deep(mark),
                    });
                }
            }
            Ok((Event::SequenceEnd | Event::MappingEnd, _)) => depth = depth.saturating_sub(1),
            Ok((Event::DocumentEnd | Event::StreamEnd, _)) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

/// Where a second YAML document starts, if the file has one. The parser
/// reads only the first document, so without this check everything after a
/// stray `---` would be silently ignored.
fn second_document(src: &Source) -> Option<Loc> {
    let mut content = false;
    for n in 1..=src.line_starts.len() {
        let line = src.line(n);
        let marker = line == "---" || line.starts_with("--- ") || line == "...";
        if marker && content {
            return Some(src.at(n, 1));
        }
        let trimmed = line.trim_start();
        if !marker && !trimmed.is_empty() && !trimmed.starts_with('#') && !line.starts_with('%') {
            content = true;
        }
    }
    None
}

/// What a node is, for "expected X, but found Y" messages.
pub(crate) fn describe(node: &Node) -> String {
    match node {
        Node::Mapping(_) => "a mapping".into(),
        Node::Sequence(_) => "a list".into(),
        Node::Scalar(s) if is_null(s) => "nothing".into(),
        Node::Scalar(s) => {
            let v = s.as_str();
            let short: String = v.chars().take(40).collect();
            if short.len() < v.len() {
                format!("`{short}...`")
            } else {
                format!("`{short}`")
            }
        }
    }
}

/// Whether a scalar is YAML's null: an unquoted `~`, `null` or nothing.
pub(crate) fn is_null(s: &MarkedScalarNode) -> bool {
    s.may_coerce() && matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL")
}

fn translate(src: &Source, e: LoadError) -> Diagnostic {
    match e {
        LoadError::TopLevelMustBeMapping(m) => {
            let found = match src.char_at(m.line(), m.column()) {
                Some('-' | '[') => "a list",
                _ => "a single value",
            };
            Diagnostic::new(
                src.marker(Some(&m)),
                format!("expected a mapping with `form` at the top of the file, but found {found}"),
            )
        }
        LoadError::TopLevelMustBeSequence(m) => {
            Diagnostic::new(src.marker(Some(&m)), "expected a list at the top of the file")
        }
        LoadError::UnexpectedAnchor(m) => {
            // The marker is on the value after the anchor; point at the `&`.
            let line = src.line(m.line());
            let col = line
                .chars()
                .take(m.column().saturating_sub(1))
                .collect::<Vec<_>>()
                .iter()
                .rposition(|&c| c == '&')
                .map_or(m.column(), |i| i + 1);
            Diagnostic::new(
                src.at(m.line(), col),
                "anchors (`&name`) are not supported in form files; write the value out in full",
            )
        }
        LoadError::MappingKeyMustBeScalar(m) => Diagnostic::new(
            src.marker(Some(&m)),
            "a key must be a plain name, but found a list or mapping used as a key",
        ),
        LoadError::UnexpectedTag(m) => Diagnostic::new(
            src.marker(Some(&m)),
            "YAML tags (such as `!!str`) are not supported in form files; put the value in quotes instead",
        ),
        LoadError::DuplicateKey(inner) => {
            let first = src.key_loc(&inner.prev_key);
            Diagnostic::new(
                src.key_loc(&inner.key),
                format!(
                    "the key `{}` appears twice in this mapping (first on line {})",
                    inner.key.as_str(),
                    first.line
                ),
            )
        }
        LoadError::ScanError(m, scan) => translate_scan(src, &m, scan.info()),
    }
}

fn translate_scan(src: &Source, m: &Marker, info: &str) -> Diagnostic {
    let here = src.marker(Some(m));
    if info.contains("tab") {
        return Diagnostic::new(
            find_tab(src, m).unwrap_or(here),
            "a tab character is used for indentation; YAML needs spaces",
        );
    }
    let line_start = || {
        let line = src.line(m.line());
        let col = line.chars().take_while(|c| *c == ' ').count() + 1;
        src.at(m.line(), col)
    };
    let (loc, message) = if info.contains("did not find expected key")
        || info.contains("did not find expected '-' indicator")
    {
        (
            line_start(),
            "this line is not indented like the lines above it".to_string(),
        )
    } else if info.contains("mapping values are not allowed") {
        (
            here,
            "a `:` followed by a space is not allowed here; check the indentation, or put the text in quotes"
                .to_string(),
        )
    } else if info.contains("illegal placement of ':'") {
        (
            here,
            "unexpected `:` here; a `[` or `{` above may not be closed".to_string(),
        )
    } else if info.contains("expected ',' or '}'") {
        (
            here,
            "expected `,` or `}` to continue or close the `{` mapping".to_string(),
        )
    } else if info.contains("expected ',' or ']'") {
        (
            here,
            "expected `,` or `]` to continue or close the `[` list".to_string(),
        )
    } else if info.contains("invalid indentation in quoted scalar")
        || info.contains("quoted scalar, found unexpected end of stream")
    {
        (
            here,
            "the quoted text that starts here is not closed".to_string(),
        )
    } else if info.contains("unknown escape character") {
        (
            here,
            "unknown `\\` escape in double-quoted text; use single quotes, or write a backslash as `\\\\`"
                .to_string(),
        )
    } else if info.contains("found unknown anchor") {
        (
            here,
            "aliases (`*name`) are not supported in form files; write the value out in full"
                .to_string(),
        )
    } else if let Some(c) = info
        .strip_prefix("unexpected character: `")
        .and_then(|r| r.chars().next())
    {
        (
            here,
            format!("a value cannot start with `{c}`; put the text in quotes"),
        )
    } else {
        (here, format!("this is not valid YAML ({info})"))
    };
    Diagnostic::new(loc, message)
}

/// The tab nearest to a tab-related error: on the marker's line at or before
/// the marker, else the first one after it.
fn find_tab(src: &Source, m: &Marker) -> Option<Loc> {
    let line = src.line(m.line());
    if let Some(i) = line
        .chars()
        .take(m.column())
        .collect::<Vec<_>>()
        .iter()
        .rposition(|&c| c == '\t')
    {
        return Some(src.at(m.line(), i + 1));
    }
    for n in m.line() + 1..=src.line_starts.len() {
        if let Some(i) = src.line(n).chars().position(|c| c == '\t') {
            return Some(src.at(n, i + 1));
        }
    }
    None
}
