//! Reading form files into the model: base forms, variants and choice lists.
//!
//! Loading happens in two passes. The first reads each file on its own,
//! reporting problems of shape (a misspelt key, a list where a mapping belongs)
//! and applying a variant's operations to its base. The second, in
//! `validate`, looks at the resolved form as a whole (unique names, labels in
//! every language, known choice lists), because a variant may fix or break what
//! its base had.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use indexmap::IndexMap;
use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode};
use marked_yaml::Node;

use crate::files::{join, normalize};
use crate::suggest::did_you_mean;
use crate::syntax::{self, describe, is_null, Source};
use crate::{
    csvlist, geojson, recipient, validate, CaseBlock, Check, Choice, ChoiceList, Diagnostic, Expr,
    Files, Form, ListSource, Loc, Parameters, QType, Question, Settings, Text,
};

const TOP_KEYS: &[&str] = &[
    "form",
    "questions",
    "choices",
    "case",
    "extends",
    "remove",
    "add",
    "override",
    "choice_changes",
];
const VARIANT_KEYS: &[&str] = &["remove", "add", "override", "choice_changes"];
const CASE_KEYS: &[&str] = &["list", "pick", "label", "create_if", "update_if"];
const FORM_KEYS: &[&str] = &[
    "id",
    "version",
    "title",
    "languages",
    "default_language",
    "partial_languages",
    "settings",
    "based_on",
];
const SETTINGS_KEYS: &[&str] = &[
    "recipients",
    "passphrase",
    "one_page",
    "province",
    "thai_digits",
    "instance_name",
];
pub(crate) const QUESTION_KEYS: &[&str] = &[
    "name",
    "type",
    "label",
    "hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
    "default",
    "read_only",
    "choice_filter",
    "trigger",
    "appearance",
    "repeat_count",
    "checks",
    "parameters",
    "save_to",
    "questions",
];
const TYPES: &[&str] = &[
    "text",
    "integer",
    "decimal",
    "date",
    "time",
    "datetime",
    "select_one",
    "select_multiple",
    "select_one_case",
    "note",
    "calculate",
    "acknowledge",
    "geopoint",
    "range",
    "image",
    "group",
    "repeat",
];
const CHECKS: &[&str] = &[
    "email", "url", "thai_id", "phone", "length", "range", "regex",
];
const PARAMETERS: &[&str] = &["start", "end", "step", "max-pixels"];

/// The largest `max-pixels` a form may ask for: a photo of this size is
/// already more than a cheap phone's canvas can hold comfortably.
const MAX_PIXELS_LIMIT: u32 = 4096;

/// XLSForm's recording types, which the app cannot take yet.
pub(crate) const UNSUPPORTED_MEDIA: &[&str] = &["audio", "video", "background-audio", "file"];

/// Why a recording type is refused, the same words for YAML forms and
/// imported workbooks.
pub(crate) fn unsupported_media(kind: &str) -> String {
    format!("the type `{kind}` is not supported: the app takes photos (`image`) but no sound, video or other files; ask for a description in a `text` question instead")
}

const ADD_KEYS: &[&str] = &["after", "before", "inside", "at", "questions"];
const CHOICE_CHANGE_KEYS: &[&str] = &["add", "remove", "relabel"];

/// Loads the form at `path` through `files`, applying its `extends:` chain and
/// reading CSV choice lists, then checks the resolved form as a whole.
///
/// The form is `Some` whenever one could be built, even if there are
/// diagnostics; it is `None` when the file (or a base it extends) cannot be
/// read or is not valid YAML. Diagnostics are sorted by file, line and column.
pub fn load(path: &str, files: &dyn Files) -> (Option<Form>, Vec<Diagnostic>) {
    load_inner(path, files, None)
}

/// The bases loaded by earlier calls of [`load_shared`], so that the forms of
/// one collection that extend the same base read and parse it, and the CSV
/// lists it names, once instead of once per form.
///
/// A cache belongs to one set of files: it must not be used with others,
/// since it keeps what it read from them.
#[derive(Default)]
pub struct LoadCache {
    files: Mutex<HashMap<String, Arc<LoadedFile>>>,
}

impl LoadCache {
    /// An empty cache.
    pub fn new() -> LoadCache {
        LoadCache::default()
    }

    fn get(&self, path: &str) -> Option<Arc<LoadedFile>> {
        self.files.lock().ok()?.get(path).cloned()
    }

    fn put(&self, path: &str, loaded: LoadedFile) {
        if let Ok(mut files) = self.files.lock() {
            files.insert(path.to_string(), Arc::new(loaded));
        }
    }
}

impl std::fmt::Debug for LoadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.files.lock().map(|files| files.len()).unwrap_or(0);
        f.debug_struct("LoadCache").field("files", &count).finish()
    }
}

/// What loading one file gave, before the resolved form is checked as a
/// whole: the form, and the problems and unreadable lists found on the way.
struct LoadedFile {
    form: Option<Form>,
    diags: Vec<Diagnostic>,
    unreadable_lists: Vec<Loc>,
}

/// [`load`], reusing the files that earlier calls with the same `cache`
/// loaded. The result is the same as `load`'s.
pub fn load_shared(
    path: &str,
    files: &dyn Files,
    cache: &LoadCache,
) -> (Option<Form>, Vec<Diagnostic>) {
    load_inner(path, files, Some(cache))
}

fn load_inner(
    path: &str,
    files: &dyn Files,
    cache: Option<&LoadCache>,
) -> (Option<Form>, Vec<Diagnostic>) {
    let mut loader = Loader {
        files,
        cache,
        diags: Vec::new(),
        chain: Vec::new(),
        unreadable_lists: HashSet::new(),
        cycles: 0,
    };
    let path = normalize(path);
    let mut form = loader.load_file(&path, None);
    if let Some(form) = &mut form {
        if form.default_language.is_empty() {
            if let Some(first) = form.languages.first() {
                form.default_language = first.clone();
            }
        }
        validate::validate(form, &loader.unreadable_lists, &mut loader.diags);
    }
    let mut diags = loader.diags;
    diags.sort_by(|a, b| a.loc.cmp(&b.loc));
    diags.dedup();
    (form, diags)
}

struct Loader<'f> {
    files: &'f dyn Files,
    cache: Option<&'f LoadCache>,
    diags: Vec<Diagnostic>,
    /// The files being loaded, outermost first, to catch `extends` cycles.
    chain: Vec<String>,
    /// Where CSV choice lists that could not be read are declared. They are
    /// kept, empty, so that questions using them do not also report a missing
    /// list, and `validate` does not report them as empty.
    unreadable_lists: HashSet<Loc>,
    /// How many `extends` cycles were found so far. A file whose loading
    /// met one is not cached, since the cycle's message depends on where the
    /// loading started.
    cycles: usize,
}

fn entry<'m>(map: &'m MarkedMappingNode, key: &str) -> Option<(&'m MarkedScalarNode, &'m Node)> {
    map.get_key_value(key)
}

fn null(node: &Node) -> bool {
    matches!(node, Node::Scalar(s) if is_null(s))
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "true" | "on" => Some(true),
        "no" | "false" | "off" => Some(false),
        _ => None,
    }
}

fn a_or_an(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

impl Loader<'_> {
    fn err(&mut self, loc: Loc, message: impl Into<String>) {
        self.diags.push(Diagnostic::new(loc, message));
    }

    /// Loads one file and the bases it extends, through the cache when
    /// there is one.
    fn load_file(&mut self, path: &str, from: Option<&Loc>) -> Option<Form> {
        // Both problems found here are told from the file that asked for
        // this one, so they are found again for every asker, never cached.
        if let Some(i) = self.chain.iter().position(|p| p == path) {
            self.cycles += 1;
            let mut names: Vec<&str> = self.chain[i..].iter().map(String::as_str).collect();
            names.push(path);
            let loc = from.cloned().unwrap_or_else(|| Loc::new(path, 1, 1));
            self.err(
                loc,
                format!("`extends` goes round in a circle: {}", names.join(" → ")),
            );
            return None;
        }
        let cached = self.cache.and_then(|cache| cache.get(path));
        if let Some(loaded) = cached {
            self.diags.extend(loaded.diags.iter().cloned());
            self.unreadable_lists
                .extend(loaded.unreadable_lists.iter().cloned());
            return loaded.form.clone();
        }
        let text = match self.files.read(path) {
            Ok(text) => text,
            Err(e) => {
                let loc = from.cloned().unwrap_or_else(|| Loc::new(path, 1, 1));
                self.err(loc, format!("cannot read `{path}`: {e}"));
                return None;
            }
        };
        // Only bases are kept: a form loaded for itself is not asked for
        // again by the same collection, and keeping it would hold a second
        // copy of every form in memory.
        let Some(cache) = self.cache.filter(|_| from.is_some()) else {
            return self.read_file(path, text);
        };
        let diags_before = self.diags.len();
        let lists_before = self.unreadable_lists.clone();
        let cycles_before = self.cycles;
        let form = self.read_file(path, text);
        // A cycle met further down is reported as seen from where the
        // loading started, so a file that met one is loaded again next time.
        if self.cycles == cycles_before {
            cache.put(
                path,
                LoadedFile {
                    form: form.clone(),
                    diags: self.diags[diags_before..].to_vec(),
                    unreadable_lists: self
                        .unreadable_lists
                        .difference(&lists_before)
                        .cloned()
                        .collect(),
                },
            );
        }
        form
    }

    /// Parses the text of the file at `path` and builds its form, loading
    /// the base it extends.
    fn read_file(&mut self, path: &str, text: String) -> Option<Form> {
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let src = Source::new(path, text);
        let root = match syntax::parse(&src) {
            Ok(root) => root,
            Err(d) => {
                self.diags.push(d);
                return None;
            }
        };
        self.unknown_keys(&src, &root, TOP_KEYS, "top-level key");
        self.chain.push(path.to_string());
        let form = match entry(&root, "extends") {
            Some((key, value)) => {
                let target = self.string(&src, value, "the path of the base form");
                let base = target.and_then(|t| {
                    let base_path = join(path, &t);
                    self.load_file(&base_path, Some(&src.loc(value)))
                });
                base.map(|base| self.variant(&src, &root, key, base))
            }
            None => Some(self.base(&src, &root)),
        };
        self.chain.pop();
        form
    }

    // ----- Shapes -----

    fn unknown_keys(
        &mut self,
        src: &Source,
        map: &MarkedMappingNode,
        allowed: &[&str],
        what: &str,
    ) {
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                let hint = did_you_mean(key.as_str(), allowed.iter().copied());
                self.err(
                    src.key_loc(key),
                    format!("unknown {what} `{}`{hint}", key.as_str()),
                );
            }
        }
    }

    fn mapping<'n>(
        &mut self,
        src: &Source,
        node: &'n Node,
        expected: &str,
    ) -> Option<&'n MarkedMappingNode> {
        match node {
            Node::Mapping(m) => Some(m),
            other => {
                self.err(
                    src.loc(other),
                    format!("expected {expected}, but found {}", describe(other)),
                );
                None
            }
        }
    }

    fn sequence<'n>(&mut self, src: &Source, node: &'n Node, expected: &str) -> Option<&'n [Node]> {
        match node {
            Node::Sequence(s) => Some(s.as_slice()),
            other => {
                self.err(
                    src.loc(other),
                    format!("expected {expected}, but found {}", describe(other)),
                );
                None
            }
        }
    }

    /// A non-empty scalar.
    fn string(&mut self, src: &Source, node: &Node, what: &str) -> Option<String> {
        match node {
            Node::Scalar(s) if !is_null(s) => Some(s.as_str().to_string()),
            other => {
                self.err(
                    src.loc(other),
                    format!("expected {what}, but found {}", describe(other)),
                );
                None
            }
        }
    }

    fn text(&mut self, src: &Source, node: &Node) -> Option<Text> {
        const EXPECTED: &str = "a text, or a mapping of language codes to texts";
        match node {
            Node::Scalar(s) if !is_null(s) => Some(Text::Any(s.as_str().to_string())),
            Node::Mapping(m) if !m.is_empty() => {
                let mut out = IndexMap::new();
                for (lang, value) in m.iter() {
                    if null(value) {
                        // `{th: ..., en: Child record, Surin}` reads `Surin` as
                        // a third language with no text: a comma ends a text
                        // inside braces unless the text is quoted.
                        self.err(
                            src.key_loc(lang),
                            format!(
                                "`{}` has no text after it; if a text contains a comma, put the text in quotes",
                                lang.as_str()
                            ),
                        );
                    } else if let Some(t) =
                        self.string(src, value, &format!("the `{}` text", lang.as_str()))
                    {
                        out.insert(lang.as_str().to_string(), t);
                    }
                }
                Some(Text::Langs(out))
            }
            Node::Mapping(m) => {
                self.err(
                    src.mapping_loc(m),
                    format!("expected {EXPECTED}, but found an empty mapping"),
                );
                None
            }
            other => {
                self.err(
                    src.loc(other),
                    format!("expected {EXPECTED}, but found {}", describe(other)),
                );
                None
            }
        }
    }

    fn expr(&mut self, src: &Source, node: &Node) -> Option<Expr> {
        match node {
            Node::Scalar(s) => Some(Expr {
                src: s.as_str().to_string(),
                loc: src.scalar_loc(s),
            }),
            other => {
                self.err(
                    src.loc(other),
                    format!("expected an expression, but found {}", describe(other)),
                );
                None
            }
        }
    }

    fn flag(&mut self, src: &Source, node: &Node, what: &str) -> Option<bool> {
        match node {
            Node::Scalar(s) if parse_bool(s.as_str()).is_some() => parse_bool(s.as_str()),
            other => {
                self.err(
                    src.loc(other),
                    format!(
                        "expected yes or no for `{what}`, but found {}",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    // ----- Base forms -----

    fn base(&mut self, src: &Source, root: &MarkedMappingNode) -> Form {
        let mut form = Form {
            id: String::new(),
            version: String::new(),
            title: Text::Any(String::new()),
            languages: Vec::new(),
            default_language: String::new(),
            partial_languages: Vec::new(),
            settings: Settings::default(),
            questions: Vec::new(),
            choices: IndexMap::new(),
            case: None,
            extends: None,
            loc: src.start(),
            prop_locs: IndexMap::new(),
        };
        match entry(root, "form") {
            Some((key, value)) => {
                form.loc = src.key_loc(key);
                self.meta(src, &mut form, value, false);
                let given = |field: &str| value.as_mapping().is_some_and(|m| m.contains_key(field));
                for field in ["id", "version", "title"] {
                    if value.as_mapping().is_some() && !given(field) {
                        self.err(form.loc.clone(), format!("the form has no `{field}`"));
                    }
                }
            }
            None => self.err(
                src.start(),
                "the file has no `form` section with the form's `id`, `version` and `title`",
            ),
        }
        match entry(root, "questions") {
            Some((key, value)) => {
                form.questions = self.questions(src, value);
                if matches!(value, Node::Sequence(s) if s.is_empty()) {
                    self.err(src.key_loc(key), "the form has no questions");
                }
            }
            None => self.err(form.loc.clone(), "the form has no `questions`"),
        }
        if let Some((_, value)) = entry(root, "choices") {
            self.choice_lists(src, value, &mut form.choices);
        }
        if let Some((key, value)) = entry(root, "case") {
            self.case(src, key, value, &mut form.case);
        }
        for key in root.keys() {
            if VARIANT_KEYS.contains(&key.as_str()) {
                self.err(
                    src.key_loc(key),
                    format!("`{}` can only be used in a variant, a form file that starts from another with `extends`", key.as_str()),
                );
            }
        }
        form
    }

    /// Applies the `form:` section. In a variant each key overrides the base's
    /// value, and `settings` are merged key by key.
    fn meta(&mut self, src: &Source, form: &mut Form, node: &Node, variant: bool) {
        let Some(map) = self.mapping(
            src,
            node,
            "a mapping of form details (`id`, `version`, `title`, ...)",
        ) else {
            return;
        };
        for (key, value) in map.iter() {
            let k = key.as_str();
            let loc = src.loc(value);
            let ok = match k {
                "id" => self
                    .string(src, value, "the form's id")
                    .map(|s| form.id = s)
                    .is_some(),
                "version" => self
                    .string(src, value, "the form's version")
                    .map(|s| form.version = s)
                    .is_some(),
                "title" => self.text(src, value).map(|t| form.title = t).is_some(),
                "languages" => self
                    .languages(src, value)
                    .map(|l| form.languages = l)
                    .is_some(),
                "default_language" => self
                    .string(src, value, "a language code")
                    .map(|s| form.default_language = s)
                    .is_some(),
                "partial_languages" => self
                    .languages(src, value)
                    .map(|l| form.partial_languages = l)
                    .is_some(),
                "settings" => {
                    self.settings(src, form, value);
                    false
                }
                "based_on" if variant => {
                    self.err(
                        src.key_loc(key),
                        "`based_on` is filled in from `extends` in a variant; remove it",
                    );
                    false
                }
                "based_on" => self
                    .string(src, value, "a form id")
                    .map(|s| form.extends = Some(s))
                    .is_some(),
                _ => {
                    let hint = did_you_mean(k, FORM_KEYS.iter().copied());
                    self.err(src.key_loc(key), format!("unknown form detail `{k}`{hint}"));
                    false
                }
            };
            if ok {
                form.prop_locs.insert(k.to_string(), loc);
            }
        }
    }

    fn languages(&mut self, src: &Source, node: &Node) -> Option<Vec<String>> {
        let items = self.sequence(src, node, "a list of language codes such as `[th, en]`")?;
        let mut out: Vec<String> = Vec::new();
        for item in items {
            if let Some(code) = self.string(src, item, "a language code") {
                if out.contains(&code) {
                    self.err(
                        src.loc(item),
                        format!("the language `{code}` is listed twice"),
                    );
                } else {
                    out.push(code);
                }
            }
        }
        Some(out)
    }

    fn settings(&mut self, src: &Source, form: &mut Form, node: &Node) {
        let Some(map) = self.mapping(src, node, "a mapping of settings") else {
            return;
        };
        for (key, value) in map.iter() {
            let k = key.as_str();
            let loc = src.loc(value);
            let ok = match k {
                "recipients" => self
                    .recipients(src, value)
                    .map(|r| form.settings.recipients = r)
                    .is_some(),
                "passphrase" => self
                    .flag(src, value, k)
                    .map(|b| form.settings.passphrase = b)
                    .is_some(),
                "one_page" => self
                    .flag(src, value, k)
                    .map(|b| form.settings.one_page = b)
                    .is_some(),
                "thai_digits" => self
                    .flag(src, value, k)
                    .map(|b| form.settings.thai_digits = b)
                    .is_some(),
                "province" if null(value) => {
                    form.settings.province = None;
                    form.prop_locs.shift_remove("settings.province");
                    false
                }
                "province" => self
                    .string(src, value, "a province name")
                    .map(|s| form.settings.province = Some(s))
                    .is_some(),
                // A variant removes its base's record name with `null`.
                "instance_name" if null(value) => {
                    form.settings.instance_name = None;
                    form.prop_locs.shift_remove("settings.instance_name");
                    false
                }
                "instance_name" => self
                    .expr(src, value)
                    .map(|e| form.settings.instance_name = Some(e))
                    .is_some(),
                _ => {
                    let hint = did_you_mean(k, SETTINGS_KEYS.iter().copied());
                    self.err(src.key_loc(key), format!("unknown setting `{k}`{hint}"));
                    false
                }
            };
            if ok {
                form.prop_locs.insert(format!("settings.{k}"), loc);
            }
        }
    }

    fn recipients(&mut self, src: &Source, node: &Node) -> Option<Vec<String>> {
        let items = self.sequence(src, node, "a list of age public keys (`age1...`)")?;
        let mut out = Vec::new();
        for item in items {
            if let Some(key) = self.string(src, item, "an age public key (`age1...`)") {
                match recipient::check(&key) {
                    Ok(()) => out.push(key),
                    Err(why) => self.err(src.loc(item), why),
                }
            }
        }
        Some(out)
    }

    // ----- Questions -----

    fn questions(&mut self, src: &Source, node: &Node) -> Vec<Question> {
        let Some(items) = self.sequence(src, node, "a list of questions") else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| self.question(src, item))
            .collect()
    }

    /// One question. Returns `None`, after reporting why, when it has no
    /// usable name or type; its properties and children are still checked.
    fn question(&mut self, src: &Source, node: &Node) -> Option<Question> {
        let map = self.mapping(src, node, "a mapping of question properties")?;
        let map_loc = src.mapping_loc(map);
        let (name, loc) = match entry(map, "name") {
            Some((key, value)) => (self.string(src, value, "a question name"), src.key_loc(key)),
            None => {
                self.err(map_loc.clone(), "this question has no `name`");
                (None, map_loc)
            }
        };
        let qtype = match entry(map, "type") {
            Some((_, value)) => self.qtype(src, value),
            None => {
                if let Some(name) = &name {
                    self.err(loc.clone(), format!("the question `{name}` has no `type`"));
                }
                None
            }
        };
        let mut q = Question::new(
            name.clone().unwrap_or_default(),
            qtype.clone().unwrap_or(QType::Text),
            loc,
        );
        for field in ["name", "type"] {
            if let Some((_, value)) = entry(map, field) {
                q.prop_locs.insert(field.to_string(), src.loc(value));
            }
        }
        let mut malformed = false;
        for (key, value) in map.iter() {
            match key.as_str() {
                "name" | "type" => {}
                "questions" => {
                    // A group whose questions cannot be read is left out
                    // rather than reported again as having none.
                    malformed |= !matches!(value, Node::Sequence(_));
                    let children = self.questions(src, value);
                    match &qtype {
                        Some(t) if !t.is_container() => self.err(
                            src.key_loc(key),
                            format!(
                                "only group and repeat questions can have `questions`, but `{}` is {} {} question",
                                q.name,
                                a_or_an(t.keyword()),
                                t.keyword()
                            ),
                        ),
                        _ => {
                            q.children = children;
                            q.prop_locs.insert("questions".into(), src.key_loc(key));
                        }
                    }
                }
                _ => self.property(src, &mut q, key, value),
            }
        }
        if name.is_none() || qtype.is_none() || malformed {
            return None;
        }
        Some(q)
    }

    fn qtype(&mut self, src: &Source, node: &Node) -> Option<QType> {
        let written = self.string(src, node, "a question type such as `text`")?;
        let loc = src.loc(node);
        let words: Vec<&str> = written.split_whitespace().collect();
        let simple = |w: &str| {
            Some(match w {
                "text" => QType::Text,
                "integer" | "int" => QType::Integer,
                "decimal" => QType::Decimal,
                "date" => QType::Date,
                "time" => QType::Time,
                "datetime" | "dateTime" => QType::DateTime,
                "note" => QType::Note,
                "calculate" => QType::Calculate,
                "acknowledge" => QType::Acknowledge,
                "select_one_case" => QType::SelectOneCase,
                "geopoint" => QType::Geopoint,
                "range" => QType::Range,
                "image" => QType::Image,
                "geotrace" => QType::Geotrace,
                "geoshape" => QType::Geoshape,
                "group" => QType::Group,
                "repeat" => QType::Repeat,
                _ => return None,
            })
        };
        let message = match words.as_slice() {
            [kw @ ("select_one" | "select_multiple" | "rank"), list] => {
                let list = list.to_string();
                return Some(match *kw {
                    "select_one" => QType::SelectOne { list },
                    "select_multiple" => QType::SelectMultiple { list },
                    _ => QType::Rank { list },
                });
            }
            [kw @ ("select_one" | "select_multiple" | "rank")] => {
                format!("`{kw}` needs the name of a choice list, as in `{kw} provinces`")
            }
            [kw @ ("select_one" | "select_multiple" | "rank"), ..] => {
                format!("expected `{kw} LIST` with one list name, but found `{written}`")
            }
            [w] if simple(w).is_some() => return simple(w),
            [w, ..] if simple(w).is_some() => {
                format!("the type `{w}` takes no list name, but found `{written}`")
            }
            [w, ..] if UNSUPPORTED_MEDIA.contains(w) => unsupported_media(w),
            [w, ..] if w.starts_with("begin") || w.starts_with("end") => {
                "there is no `begin group` or `end group` in YAML forms; write one question with `type: group` (or `repeat`) and list its `questions` inside it".to_string()
            }
            [w, ..] if w.starts_with("select_one_from_file") || w.starts_with("select_multiple_from_file") => {
                "declare a CSV choice list under `choices:` as `LIST: {csv: FILE}`, then use `select_one LIST`".to_string()
            }
            _ => {
                let first = words.first().copied().unwrap_or("");
                let hint = did_you_mean(first, TYPES.iter().copied());
                format!("unknown question type `{written}`{hint} (the types are {})", TYPES.join(", "))
            }
        };
        self.err(loc, message);
        None
    }

    /// Sets one property of a question from its YAML value. A null value
    /// removes the property, which is how a variant's `override` deletes one.
    fn property(&mut self, src: &Source, q: &mut Question, key: &MarkedScalarNode, value: &Node) {
        let k = key.as_str();
        let is_null = null(value);
        let ok = match k {
            "label" | "hint" | "required_message" | "constraint_message" => {
                let text = if is_null { None } else { self.text(src, value) };
                let slot = match k {
                    "label" => &mut q.label,
                    "hint" => &mut q.hint,
                    "required_message" => &mut q.required_message,
                    _ => &mut q.constraint_message,
                };
                let ok = is_null || text.is_some();
                if ok {
                    *slot = text;
                }
                ok
            }
            "required" | "read_only" => {
                let flag = match value {
                    Node::Scalar(s) if !is_null => match parse_bool(s.as_str()) {
                        Some(true) => Some(Some(Expr {
                            src: "true()".into(),
                            loc: src.scalar_loc(s),
                        })),
                        Some(false) => Some(None),
                        None => self.expr(src, value).map(Some),
                    },
                    _ if is_null => Some(None),
                    _ => self.expr(src, value).map(Some),
                };
                let slot = if k == "required" {
                    &mut q.required
                } else {
                    &mut q.read_only
                };
                match flag {
                    Some(v) => {
                        *slot = v;
                        true
                    }
                    None => false,
                }
            }
            "relevant" | "constraint" | "calculation" | "choice_filter" | "trigger"
            | "repeat_count" => {
                let e = if is_null { None } else { self.expr(src, value) };
                let slot = match k {
                    "relevant" => &mut q.relevant,
                    "constraint" => &mut q.constraint,
                    "calculation" => &mut q.calculation,
                    "choice_filter" => &mut q.choice_filter,
                    "trigger" => &mut q.trigger,
                    _ => &mut q.repeat_count,
                };
                let ok = is_null || e.is_some();
                if ok {
                    *slot = e;
                }
                ok
            }
            "default" | "appearance" => {
                let s = match value {
                    _ if is_null => None,
                    Node::Scalar(s) => Some(s.as_str().to_string()),
                    other => {
                        self.err(
                            src.loc(other),
                            format!(
                                "expected a text value for `{k}`, but found {}",
                                describe(other)
                            ),
                        );
                        return;
                    }
                };
                if k == "default" {
                    q.default = s;
                } else {
                    q.appearance = s;
                }
                true
            }
            "parameters" => {
                if is_null {
                    q.parameters = Parameters::default();
                    true
                } else {
                    match self.parameters(src, value) {
                        Some(p) => {
                            q.parameters = p;
                            true
                        }
                        None => false,
                    }
                }
            }
            "save_to" => {
                let name = match value {
                    _ if is_null => None,
                    Node::Scalar(s) => Some(s.as_str().trim().to_string()),
                    other => {
                        self.err(
                            src.loc(other),
                            format!(
                                "expected the name of a case property for `save_to`, but found {}",
                                describe(other)
                            ),
                        );
                        return;
                    }
                };
                q.save_to = name;
                true
            }
            "checks" => {
                if is_null {
                    q.checks.clear();
                    true
                } else if let Some(items) =
                    self.sequence(src, value, "a list of checks such as `[email]`")
                {
                    q.checks = items.iter().filter_map(|c| self.check(src, c)).collect();
                    true
                } else {
                    false
                }
            }
            _ => {
                let hint = did_you_mean(k, QUESTION_KEYS.iter().copied());
                self.err(
                    src.key_loc(key),
                    format!("unknown question property `{k}`{hint}"),
                );
                return;
            }
        };
        // A removed property keeps the place that removed it, so that a
        // question left without a label is reported at the `null`.
        if ok {
            q.prop_locs.insert(k.to_string(), src.loc(value));
        }
    }

    /// The `parameters` mapping, such as `{start: 0, end: 10, step: 1}` for
    /// a range or `{max-pixels: 1280}` for an image. Whether they fit the
    /// question's type is checked with the resolved form, since a variant
    /// may change the type.
    fn parameters(&mut self, src: &Source, node: &Node) -> Option<Parameters> {
        let map = self.mapping(
            src,
            node,
            "a mapping of parameters such as `{start: 0, end: 10, step: 1}`",
        )?;
        let mut out = Parameters::default();
        let mut ok = true;
        for (key, value) in map.iter() {
            let k = key.as_str();
            let text = match value {
                Node::Scalar(s) => s.as_str().trim().to_string(),
                other => {
                    self.err(
                        src.loc(other),
                        format!("expected a number for `{k}`, but found {}", describe(other)),
                    );
                    ok = false;
                    continue;
                }
            };
            match k {
                "start" | "end" | "step" => {
                    match text.parse::<f64>().ok().filter(|v| v.is_finite()) {
                        Some(v) => {
                            let slot = match k {
                                "start" => &mut out.start,
                                "end" => &mut out.end,
                                _ => &mut out.step,
                            };
                            *slot = Some(v);
                        }
                        None => {
                            self.err(
                                src.loc(value),
                                format!("expected a number for `{k}`, but found `{text}`"),
                            );
                            ok = false;
                        }
                    }
                }
                "max-pixels" | "max_pixels" => match text
                    .parse::<u32>()
                    .ok()
                    .filter(|v| (1..=MAX_PIXELS_LIMIT).contains(v))
                {
                    Some(v) => out.max_pixels = Some(v),
                    None => {
                        self.err(
                            src.loc(value),
                            format!("expected a whole number of pixels from 1 to {MAX_PIXELS_LIMIT} for `max-pixels`, but found `{text}`"),
                        );
                        ok = false;
                    }
                },
                other => {
                    let hint = did_you_mean(other, PARAMETERS.iter().copied());
                    self.err(
                        src.key_loc(key),
                        format!(
                            "unknown parameter `{other}`{hint} (the parameters are {})",
                            PARAMETERS.join(", ")
                        ),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    fn check(&mut self, src: &Source, node: &Node) -> Option<Check> {
        let unknown = |name: &str| {
            let hint = did_you_mean(name, CHECKS.iter().copied());
            format!(
                "unknown check `{name}`{hint} (the checks are {})",
                CHECKS.join(", ")
            )
        };
        match node {
            Node::Scalar(s) => {
                let message = match s.as_str() {
                    "email" => return Some(Check::Email),
                    "url" => return Some(Check::Url),
                    "thai_id" => return Some(Check::ThaiId),
                    "phone" => return Some(Check::Phone),
                    "length" => {
                        "the `length` check needs limits, as in `{length: {min: 1, max: 10}}`"
                            .to_string()
                    }
                    "range" => {
                        "the `range` check needs limits, as in `{range: {min: 0, max: 120}}`"
                            .to_string()
                    }
                    "regex" => {
                        "the `regex` check needs a pattern, as in `{regex: '^[0-9]+$'}`".to_string()
                    }
                    other => unknown(other),
                };
                self.err(src.scalar_loc(s), message);
                None
            }
            Node::Mapping(m) if m.len() == 1 => {
                let (key, value) = m.iter().next()?;
                let name = key.as_str();
                match name {
                    "length" => {
                        let (min, max) = self.limits(
                            src,
                            value,
                            name,
                            |s| s.parse::<u64>().ok(),
                            "a whole number",
                        )?;
                        Some(Check::Length { min, max })
                    }
                    "range" => {
                        let (min, max) = self.limits(
                            src,
                            value,
                            name,
                            |s| s.parse::<f64>().ok().filter(|v| v.is_finite()),
                            "a number",
                        )?;
                        Some(Check::Range { min, max })
                    }
                    "regex" => self
                        .string(src, value, "a regular expression")
                        .map(Check::Regex),
                    "email" | "url" | "thai_id" | "phone" => {
                        self.err(
                            src.key_loc(key),
                            format!("the `{name}` check takes no settings; write it as `{name}`"),
                        );
                        None
                    }
                    other => {
                        self.err(src.key_loc(key), unknown(other));
                        None
                    }
                }
            }
            Node::Mapping(m) => {
                self.err(
                    src.mapping_loc(m),
                    format!("expected one check per list item, such as `{{length: {{max: 10}}}}`, but found {} keys", m.len()),
                );
                None
            }
            other => {
                self.err(
                    src.loc(other),
                    format!(
                        "expected a check such as `email`, but found {}",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    /// The `{min, max}` of a `length` or `range` check.
    fn limits<T: PartialOrd + Copy>(
        &mut self,
        src: &Source,
        node: &Node,
        check: &str,
        parse: impl Fn(&str) -> Option<T>,
        kind: &str,
    ) -> Option<(Option<T>, Option<T>)> {
        let map = self.mapping(
            src,
            node,
            &format!("the `{check}` limits as `{{min: ..., max: ...}}`"),
        )?;
        self.unknown_keys(src, map, &["min", "max"], &format!("`{check}` limit"));
        let get = |this: &mut Self, key: &str| -> Result<Option<T>, ()> {
            match entry(map, key) {
                None => Ok(None),
                Some((_, Node::Scalar(s))) if parse(s.as_str().trim()).is_some() => {
                    Ok(parse(s.as_str().trim()))
                }
                Some((_, v)) => {
                    this.err(
                        src.loc(v),
                        format!("expected {kind} for `{key}`, but found {}", describe(v)),
                    );
                    Err(())
                }
            }
        };
        let min = get(self, "min");
        let max = get(self, "max");
        let (Ok(min), Ok(max)) = (min, max) else {
            return None;
        };
        match (min, max) {
            (None, None) => {
                self.err(
                    src.mapping_loc(map),
                    format!("the `{check}` check needs `min`, `max` or both"),
                );
                None
            }
            (Some(lo), Some(hi)) if lo > hi => {
                self.err(
                    src.mapping_loc(map),
                    format!("the `{check}` check's `min` is larger than its `max`"),
                );
                None
            }
            limits => Some(limits),
        }
    }

    // ----- Choice lists -----

    fn choice_lists(&mut self, src: &Source, node: &Node, out: &mut IndexMap<String, ChoiceList>) {
        let Some(map) = self.mapping(src, node, "a mapping of choice list names to their choices")
        else {
            return;
        };
        for (key, value) in map.iter() {
            if let Some(list) = self.choice_list(src, key, value) {
                out.insert(list.name.clone(), list);
            }
        }
    }

    fn choice_list(
        &mut self,
        src: &Source,
        key: &MarkedScalarNode,
        node: &Node,
    ) -> Option<ChoiceList> {
        let loc = src.key_loc(key);
        let mut source = ListSource::Inline;
        let choices = match node {
            Node::Sequence(items) => items.iter().filter_map(|c| self.choice(src, c)).collect(),
            Node::Mapping(m) if m.contains_key("csv") || m.contains_key("geojson") => {
                // The file is next to the form (or where its relative path
                // says): a CSV file of rows, or a GeoJSON file of features
                // as ODK's `select_one_from_file` reads them.
                let kind = if m.contains_key("csv") {
                    "csv"
                } else {
                    "geojson"
                };
                self.unknown_keys(src, m, &[kind], "choice file key");
                let (_, value) = entry(m, kind)?;
                let what = if kind == "csv" {
                    "the path of a CSV file"
                } else {
                    "the path of a GeoJSON file"
                };
                let rel = self.string(src, value, what)?;
                let path = join(&src.file, &rel);
                source = if kind == "csv" {
                    ListSource::Csv(rel.clone())
                } else {
                    ListSource::Geojson(rel.clone())
                };
                let choices = match self.files.read(&path) {
                    Ok(text) if kind == "csv" => csvlist::parse(&path, &text, &mut self.diags),
                    Ok(text) => geojson::parse(&path, &text, &mut self.diags),
                    Err(e) => {
                        // An imported form names a file that ODK kept
                        // beside the form, so the message says where the
                        // file is looked for.
                        let kind = if kind == "csv" { "CSV" } else { "GeoJSON" };
                        let place = if rel.contains('/') {
                            "in the folder its path names, relative to the form file"
                        } else {
                            "next to the form file"
                        };
                        self.err(
                            src.loc(value),
                            format!(
                                "cannot read `{path}`, the {kind} file of the choice list `{}`, expected {place}: {e}",
                                key.as_str()
                            ),
                        );
                        None
                    }
                };
                choices.unwrap_or_else(|| {
                    self.unreadable_lists.insert(loc.clone());
                    Vec::new()
                })
            }
            other => {
                self.err(
                    src.loc(other),
                    format!(
                        "expected a list of choices, `{{csv: FILE}}` or `{{geojson: FILE}}`, but found {}",
                        describe(other)
                    ),
                );
                return None;
            }
        };
        Some(ChoiceList {
            name: key.as_str().to_string(),
            choices: choices.into(),
            loc,
            source,
        })
    }

    fn choice(&mut self, src: &Source, node: &Node) -> Option<Choice> {
        let map = self.mapping(src, node, "a mapping with the choice's `name` and `label`")?;
        let map_loc = src.mapping_loc(map);
        let (name, loc) = match entry(map, "name") {
            Some((key, value)) => match value {
                // Choice names are often numbers (`1`, `2`), so any scalar will do.
                Node::Scalar(s) if !is_null(s) => (s.as_str().to_string(), src.key_loc(key)),
                other => {
                    self.err(
                        src.loc(other),
                        format!("expected a choice name, but found {}", describe(other)),
                    );
                    return None;
                }
            },
            None => {
                self.err(map_loc, "this choice has no `name`");
                return None;
            }
        };
        let mut label = None;
        let mut extra = IndexMap::new();
        for (key, value) in map.iter() {
            match key.as_str() {
                "name" => {}
                "label" => label = self.text(src, value),
                column => match value {
                    Node::Scalar(s) => {
                        extra.insert(column.to_string(), s.as_str().to_string());
                    }
                    other => self.err(
                        src.loc(other),
                        format!(
                            "expected a text value for the column `{column}`, but found {}",
                            describe(other)
                        ),
                    ),
                },
            }
        }
        let label = match label {
            Some(label) => label,
            None => {
                if !map.contains_key("label") {
                    let typo = crate::suggest::closest("label", extra.keys().map(String::as_str));
                    let hint = typo
                        .map(|t| format!("; is `{t}` meant to be `label`?"))
                        .unwrap_or_default();
                    self.err(
                        loc.clone(),
                        format!("the choice `{name}` has no `label`{hint}"),
                    );
                }
                Text::Any(name.clone())
            }
        };
        Some(Choice {
            name,
            label,
            extra,
            loc,
        })
    }

    // ----- Cases -----

    /// Reads a `case:` block into `slot`. In a variant each key overrides
    /// the base's, so a province can change the label or the conditions
    /// and keep the rest; `case: null` removes the block.
    fn case(
        &mut self,
        src: &Source,
        key: &MarkedScalarNode,
        node: &Node,
        slot: &mut Option<CaseBlock>,
    ) {
        if null(node) {
            *slot = None;
            return;
        }
        let Some(map) = self.mapping(
            src,
            node,
            "a mapping of case details (`list`, `label`, `pick`, `create_if`, `update_if`)",
        ) else {
            return;
        };
        self.unknown_keys(src, map, CASE_KEYS, "case key");
        let block = slot.get_or_insert_with(|| CaseBlock {
            list: String::new(),
            pick: None,
            label: None,
            create_if: None,
            update_if: None,
            loc: src.key_loc(key),
            prop_locs: IndexMap::new(),
        });
        block.loc = src.key_loc(key);
        for (k, value) in map.iter() {
            let name = k.as_str();
            let ok = match name {
                "list" => self
                    .string(src, value, "the name of a case list such as `children`")
                    .map(|s| block.list = s.trim().to_string())
                    .is_some(),
                "pick" if null(value) => {
                    block.pick = None;
                    true
                }
                "pick" => self
                    .string(src, value, "the name of the question that picks the case")
                    .map(|s| block.pick = Some(s.trim().to_string()))
                    .is_some(),
                "label" | "create_if" | "update_if" => {
                    let e = if null(value) {
                        None
                    } else {
                        match self.expr(src, value) {
                            Some(e) => Some(e),
                            None => continue,
                        }
                    };
                    match name {
                        "label" => block.label = e,
                        "create_if" => block.create_if = e,
                        _ => block.update_if = e,
                    }
                    true
                }
                _ => false,
            };
            if ok {
                block.prop_locs.insert(name.to_string(), src.loc(value));
            }
        }
        if block.list.is_empty() {
            let loc = block.loc.clone();
            self.err(
                loc,
                "the `case` block has no `list`; name the case list, as in `list: children`",
            );
        }
    }

    // ----- Variants -----

    fn variant(
        &mut self,
        src: &Source,
        root: &MarkedMappingNode,
        extends: &MarkedScalarNode,
        base: Form,
    ) -> Form {
        let mut form = base;
        let base_id = form.id.clone();
        if let Some((key, _)) = entry(root, "questions") {
            self.err(
                src.key_loc(key),
                "a variant cannot list `questions`; use `add`, `remove` and `override` to change the base form's questions",
            );
        }
        let mut own_id = false;
        if let Some((key, value)) = entry(root, "form") {
            form.loc = src.key_loc(key);
            let before = form.prop_locs.get("id").cloned();
            self.meta(src, &mut form, value, true);
            own_id = form.prop_locs.get("id") != before.as_ref();
        }
        if !own_id {
            self.err(
                src.key_loc(extends),
                format!("a variant needs its own `id` under `form`, so that its records are not mixed up with those of `{base_id}`"),
            );
        } else if form.id == base_id {
            self.err(
                form.prop_locs["id"].clone(),
                format!("a variant needs an `id` different from its base form's (`{base_id}`)"),
            );
        }
        form.extends = Some(base_id);
        if let Some((_, value)) = entry(root, "choices") {
            self.choice_lists(src, value, &mut form.choices);
        }
        if let Some((_, value)) = entry(root, "choice_changes") {
            self.choice_changes(src, value, &mut form);
        }
        if let Some((key, value)) = entry(root, "case") {
            self.case(src, key, value, &mut form.case);
        }
        let removed = match entry(root, "remove") {
            Some((_, value)) => self.remove(src, value, &mut form),
            None => HashSet::new(),
        };
        if let Some((_, value)) = entry(root, "add") {
            self.add(src, value, &mut form, &removed);
        }
        if let Some((_, value)) = entry(root, "override") {
            self.overrides(src, value, &mut form, &removed);
        }
        form
    }

    fn unknown_question(
        &mut self,
        loc: Loc,
        what: &str,
        name: &str,
        form: &Form,
        removed: &HashSet<String>,
    ) {
        let hint = if removed.contains(name) {
            "; it is removed by this variant".to_string()
        } else {
            did_you_mean(name, form.walk().map(|w| w.question.name.as_str()))
        };
        self.err(loc, format!("there is no question `{name}` {what}{hint}"));
    }

    fn remove(&mut self, src: &Source, node: &Node, form: &mut Form) -> HashSet<String> {
        let mut removed = HashSet::new();
        let Some(items) = self.sequence(src, node, "a list of question names") else {
            return removed;
        };
        let names: HashSet<&str> = form.walk().map(|w| w.question.name.as_str()).collect();
        let mut unknown = Vec::new();
        for item in items {
            if let Some(name) = self.string(src, item, "a question name") {
                if names.contains(name.as_str()) {
                    removed.insert(name);
                } else {
                    unknown.push((src.loc(item), name));
                }
            }
        }
        drop(names);
        for (loc, name) in unknown {
            self.unknown_question(loc, "to remove", &name, form, &HashSet::new());
        }
        // The names inside removed groups are collected too, so that a later
        // operation naming one of them can say it was removed.
        fn prune(list: &mut Vec<Question>, removed: &HashSet<String>, gone: &mut HashSet<String>) {
            list.retain(|q| {
                if removed.contains(&q.name) {
                    collect(q, gone);
                    false
                } else {
                    true
                }
            });
            for q in list {
                prune(&mut q.children, removed, gone);
            }
        }
        fn collect(q: &Question, gone: &mut HashSet<String>) {
            gone.insert(q.name.clone());
            q.children.iter().for_each(|c| collect(c, gone));
        }
        let mut gone = HashSet::new();
        prune(&mut form.questions, &removed, &mut gone);
        gone
    }

    fn add(&mut self, src: &Source, node: &Node, form: &mut Form, removed: &HashSet<String>) {
        let Some(items) = self.sequence(
            src,
            node,
            "a list of additions, each with `after`, `before`, `inside` or `at` and `questions`",
        ) else {
            return;
        };
        let mut plan = Plan::default();
        for item in items {
            let Some(map) = self.mapping(
                src,
                item,
                "a mapping with `after`, `before`, `inside` or `at`, and `questions`",
            ) else {
                continue;
            };
            self.unknown_keys(src, map, ADD_KEYS, "addition key");
            let anchors: Vec<(&MarkedScalarNode, &Node)> = map
                .iter()
                .filter(|(k, _)| matches!(k.as_str(), "after" | "before" | "inside" | "at"))
                .collect();
            let questions = match entry(map, "questions") {
                Some((_, value)) => self.questions(src, value),
                None => {
                    self.err(src.mapping_loc(map), "this addition has no `questions`");
                    continue;
                }
            };
            let [(key, value)] = anchors.as_slice() else {
                let message = if anchors.is_empty() {
                    "this addition needs one of `after`, `before`, `inside` or `at` to say where the questions go".to_string()
                } else {
                    let names: Vec<String> = anchors
                        .iter()
                        .map(|(k, _)| format!("`{}`", k.as_str()))
                        .collect();
                    format!("this addition needs only one of `after`, `before`, `inside` or `at`, but found {}", names.join(" and "))
                };
                self.err(src.mapping_loc(map), message);
                continue;
            };
            let Some(target) = self.string(src, value, "a question name") else {
                continue;
            };
            let anchor = Anchor {
                name: target.clone(),
                loc: src.loc(value),
                questions,
            };
            match key.as_str() {
                "after" => plan.after.entry(target).or_default().push(anchor),
                "before" => plan.before.entry(target).or_default().push(anchor),
                "inside" => plan.inside.entry(target).or_default().push(anchor),
                _ => match target.as_str() {
                    "start" => plan.start.push(anchor),
                    "end" => plan.end.push(anchor),
                    other => self.err(
                        anchor.loc,
                        format!("expected `start` or `end` for `at`, but found `{other}`"),
                    ),
                },
            }
        }
        let base = std::mem::take(&mut form.questions);
        let mut out = Vec::with_capacity(base.len());
        for anchor in std::mem::take(&mut plan.start) {
            for q in anchor.questions {
                emit(q, &mut plan, &mut out, &mut self.diags);
            }
        }
        for q in base {
            emit(q, &mut plan, &mut out, &mut self.diags);
        }
        for anchor in std::mem::take(&mut plan.end) {
            for q in anchor.questions {
                emit(q, &mut plan, &mut out, &mut self.diags);
            }
        }
        form.questions = out;
        let leftovers = [
            ("to add after", plan.after),
            ("to add before", plan.before),
            ("to add inside", plan.inside),
        ];
        for (what, map) in leftovers {
            for anchor in map.into_values().flatten() {
                self.unknown_question(anchor.loc, what, &anchor.name, form, removed);
            }
        }
    }

    fn overrides(&mut self, src: &Source, node: &Node, form: &mut Form, removed: &HashSet<String>) {
        let Some(map) = self.mapping(
            src,
            node,
            "a mapping of question names to the properties to change",
        ) else {
            return;
        };
        // Paths (child indexes from the top) are found once, so that each
        // override is a direct step down rather than a search of the form.
        let mut paths: HashMap<String, Vec<usize>> = HashMap::new();
        fn index(
            list: &[Question],
            prefix: &mut Vec<usize>,
            paths: &mut HashMap<String, Vec<usize>>,
        ) {
            for (i, q) in list.iter().enumerate() {
                prefix.push(i);
                paths
                    .entry(q.name.clone())
                    .or_insert_with(|| prefix.clone());
                index(&q.children, prefix, paths);
                prefix.pop();
            }
        }
        index(&form.questions, &mut Vec::new(), &mut paths);
        for (key, value) in map.iter() {
            let Some(path) = paths.get(key.as_str()) else {
                self.unknown_question(src.key_loc(key), "to override", key.as_str(), form, removed);
                continue;
            };
            let Some(props) = self.mapping(src, value, "a mapping of the properties to change")
            else {
                continue;
            };
            let mut q = &mut form.questions[path[0]];
            for &i in &path[1..] {
                q = &mut q.children[i];
            }
            for (pk, pv) in props.iter() {
                match pk.as_str() {
                    "name" => self.err(
                        src.key_loc(pk),
                        "`override` cannot rename a question; remove it and add a new one instead",
                    ),
                    "questions" => self.err(
                        src.key_loc(pk),
                        "`override` cannot change the questions inside a group; use `add` and `remove` instead",
                    ),
                    "type" => {
                        if let Some(t) = self.qtype(src, pv) {
                            q.qtype = t;
                            q.prop_locs.insert("type".into(), src.loc(pv));
                        }
                    }
                    _ => self.property(src, q, pk, pv),
                }
            }
        }
    }

    fn choice_changes(&mut self, src: &Source, node: &Node, form: &mut Form) {
        let Some(map) = self.mapping(src, node, "a mapping of choice list names to their changes")
        else {
            return;
        };
        for (key, value) in map.iter() {
            let name = key.as_str();
            if !form.choices.contains_key(name) {
                let hint = did_you_mean(name, form.choices.keys().map(String::as_str));
                self.err(
                    src.key_loc(key),
                    format!("there is no choice list `{name}` to change{hint}"),
                );
                continue;
            }
            let Some(changes) =
                self.mapping(src, value, "a mapping with `add`, `remove` or `relabel`")
            else {
                continue;
            };
            self.unknown_keys(src, changes, CHOICE_CHANGE_KEYS, "choice change");
            let list = &mut form.choices[name];
            // The list as it now stands is this variant's doing, so problems
            // with it (such as every choice removed) point here.
            list.loc = src.key_loc(key);
            // A changed list is no longer what its file says, so a printed
            // form writes its choices out.
            list.source = ListSource::Inline;
            if let Some((_, value)) = entry(changes, "remove") {
                if let Some(items) = self.sequence(src, value, "a list of choice names") {
                    let mut gone = HashSet::new();
                    for item in items {
                        let Some(choice) = self.string(src, item, "a choice name") else {
                            continue;
                        };
                        if list.choices.iter().any(|c| c.name == choice) {
                            gone.insert(choice);
                        } else {
                            let hint =
                                did_you_mean(&choice, list.choices.iter().map(|c| c.name.as_str()));
                            self.err(
                                src.loc(item),
                                format!(
                                    "the list `{name}` has no choice `{choice}` to remove{hint}"
                                ),
                            );
                        }
                    }
                    Arc::make_mut(&mut list.choices).retain(|c| !gone.contains(&c.name));
                }
            }
            if let Some((_, value)) = entry(changes, "relabel") {
                if let Some(relabels) =
                    self.mapping(src, value, "a mapping of choice names to their new labels")
                {
                    for (ck, cv) in relabels.iter() {
                        let Some(text) = self.text(src, cv) else {
                            continue;
                        };
                        match Arc::make_mut(&mut list.choices)
                            .iter_mut()
                            .find(|c| c.name == ck.as_str())
                        {
                            Some(choice) => {
                                choice.label = text;
                                choice.loc = src.key_loc(ck);
                            }
                            None => {
                                let hint = did_you_mean(
                                    ck.as_str(),
                                    list.choices.iter().map(|c| c.name.as_str()),
                                );
                                self.err(
                                    src.key_loc(ck),
                                    format!(
                                        "the list `{name}` has no choice `{}` to relabel{hint}",
                                        ck.as_str()
                                    ),
                                );
                            }
                        }
                    }
                }
            }
            if let Some((_, value)) = entry(changes, "add") {
                if let Some(items) = self.sequence(src, value, "a list of choices") {
                    let added: Vec<Choice> =
                        items.iter().filter_map(|c| self.choice(src, c)).collect();
                    Arc::make_mut(&mut form.choices[name].choices).extend(added);
                }
            }
        }
    }
}

/// Questions a variant adds, and the question they are placed next to.
struct Anchor {
    name: String,
    loc: Loc,
    questions: Vec<Question>,
}

/// A variant's additions, keyed by the question they are placed next to.
/// Entries are taken out as they are placed, so what is left afterwards names
/// questions that do not exist.
#[derive(Default)]
struct Plan {
    before: HashMap<String, Vec<Anchor>>,
    after: HashMap<String, Vec<Anchor>>,
    inside: HashMap<String, Vec<Anchor>>,
    start: Vec<Anchor>,
    end: Vec<Anchor>,
}

/// Places `q` in `out` with whatever goes before, inside and after it. Added
/// questions go through here too, so one addition may be placed next to a
/// question added by another.
fn emit(mut q: Question, plan: &mut Plan, out: &mut Vec<Question>, diags: &mut Vec<Diagnostic>) {
    if let Some(anchors) = plan.before.remove(&q.name) {
        for a in anchors {
            for nq in a.questions {
                emit(nq, plan, out, diags);
            }
        }
    }
    let children = std::mem::take(&mut q.children);
    let mut new_children = Vec::with_capacity(children.len());
    for c in children {
        emit(c, plan, &mut new_children, diags);
    }
    if let Some(anchors) = plan.inside.remove(&q.name) {
        for a in anchors {
            if q.qtype.is_container() {
                for nq in a.questions {
                    emit(nq, plan, &mut new_children, diags);
                }
            } else {
                diags.push(Diagnostic::new(
                    a.loc,
                    format!(
                        "`{}` is {} {} question, so questions cannot be added inside it; only groups and repeats hold questions",
                        q.name,
                        a_or_an(q.qtype.keyword()),
                        q.qtype.keyword()
                    ),
                ));
            }
        }
    }
    q.children = new_children;
    let after = plan.after.remove(&q.name);
    out.push(q);
    for a in after.into_iter().flatten() {
        for nq in a.questions {
            emit(nq, plan, out, diags);
        }
    }
}
