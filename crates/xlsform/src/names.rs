//! Whole-form passes after the rows are read: `or_other`, XPath paths,
//! unique names, and labels that show answers.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use indexmap::IndexMap;
use yim_form::{Choice, ChoiceList, Loc, QType, Question, Text};

use crate::convert::{valid_name, Converter};
use crate::report::NoteKind;
use crate::xpath::{self, Paths};

impl Converter {
    /// `select_one LIST or_other`: XLSForm adds an `other` choice and a text
    /// question `NAME_other` shown when it is picked.
    pub(crate) fn or_other(
        &mut self,
        list: &mut Vec<Question>,
        lists: &mut IndexMap<String, ChoiceList>,
    ) {
        for q in list.iter_mut() {
            self.or_other(&mut q.children, lists);
        }
        self.insert_others(list, lists);
    }

    fn insert_others(
        &mut self,
        list: &mut Vec<Question>,
        lists: &mut IndexMap<String, ChoiceList>,
    ) {
        let mut i = 0;
        while i < list.len() {
            if list[i].prop_locs.shift_remove("or_other").is_none() {
                i += 1;
                continue;
            }
            let (name, origin) = (list[i].name.clone(), list[i].loc.clone());
            let (sheet, row) = self.row_of(&origin);
            let base = list[i].qtype.list().unwrap_or_default().to_owned();
            let has_other = lists
                .get(&base)
                .is_some_and(|l| l.choices.iter().any(|c| c.name == "other"));
            if !has_other {
                let with = format!("{base}_or_other");
                if !lists.contains_key(&with) {
                    let mut copy = lists[&base].clone();
                    copy.name = with.clone();
                    Arc::make_mut(&mut copy.choices).push(Choice {
                        name: "other".into(),
                        label: Text::Any("Other".into()),
                        extra: IndexMap::new(),
                        loc: origin.clone(),
                    });
                    lists.insert(with.clone(), copy);
                }
                list[i].qtype = match &list[i].qtype {
                    QType::SelectMultiple { .. } => QType::SelectMultiple { list: with },
                    QType::Rank { .. } => QType::Rank { list: with },
                    _ => QType::SelectOne { list: with },
                };
            }
            let other_name = format!("{name}_other");
            let loc = self.question_origin(&sheet, row);
            let mut other = Question::new(other_name.clone(), QType::Text, loc.clone());
            other.label = Some(Text::Any("Specify other.".into()));
            other.relevant = Some(self.expr(
                &loc,
                &sheet,
                row,
                "relevant",
                &format!("selected(${{{name}}}, 'other')"),
            ));
            self.note(
                &sheet,
                row,
                NoteKind::Changed,
                "or_other",
                format!("'or_other' is imported as an `other` choice and the text question `{other_name}`"),
            );
            list.insert(i + 1, other);
            i += 2;
        }
    }

    /// Turns XPath paths into `${name}` and follows renamed choices.
    pub(crate) fn rewrite_paths(&mut self, questions: &mut [Question]) {
        let mut paths = Paths::new();
        fn collect(qs: &[Question], above: &mut Vec<String>, paths: &mut Paths) {
            for q in qs {
                above.push(q.name.clone());
                // The first question of a name wins, as `${name}` does.
                paths.entry(q.name.clone()).or_insert_with(|| above.clone());
                collect(&q.children, above, paths);
                above.pop();
            }
        }
        collect(questions, &mut Vec::new(), &mut paths);
        let renamed = self.renamed_choices.clone();
        let mut found: Vec<(Loc, String)> = Vec::new();
        fn walk(
            qs: &mut [Question],
            above: &mut Vec<String>,
            paths: &Paths,
            renamed: &HashMap<String, String>,
            found: &mut Vec<(Loc, String)>,
        ) {
            for q in qs.iter_mut() {
                above.push(q.name.clone());
                for e in [
                    &mut q.relevant,
                    &mut q.required,
                    &mut q.read_only,
                    &mut q.constraint,
                    &mut q.calculation,
                    &mut q.choice_filter,
                    &mut q.trigger,
                    &mut q.repeat_count,
                ]
                .into_iter()
                .flatten()
                {
                    let r = xpath::rewrite(&e.src, above, paths, renamed);
                    e.src = r.src;
                    for p in r.unresolved {
                        found.push((e.loc.clone(), p));
                    }
                }
                if let Some(d) = &mut q.default {
                    if let Some(new) = renamed.get(d.as_str()) {
                        *d = new.clone();
                    } else if q.qtype.list().is_some() {
                        let parts: Vec<String> = d
                            .split_whitespace()
                            .map(|p| renamed.get(p).cloned().unwrap_or_else(|| p.to_owned()))
                            .collect();
                        *d = parts.join(" ");
                    }
                }
                walk(&mut q.children, above, paths, renamed, found);
                above.pop();
            }
        }
        walk(questions, &mut Vec::new(), &paths, &renamed, &mut found);
        for (loc, path) in found {
            self.unresolved_paths
                .entry(loc.file.to_string())
                .or_default()
                .push(path);
        }
    }

    /// Makes names unique in the whole form, as Yim requires. XLSForm only
    /// needs them unique among siblings, and a group often shares its name
    /// with the question inside it; the group is renamed then, because
    /// `${name}` means the question.
    pub(crate) fn unique_names(&mut self, questions: &mut [Question]) {
        struct Seen {
            key: Arc<str>,
            container: bool,
            kind: &'static str,
        }
        let mut by_name: IndexMap<String, Vec<Seen>> = IndexMap::new();
        fn collect(qs: &[Question], out: &mut IndexMap<String, Vec<Seen>>) {
            for q in qs {
                out.entry(q.name.clone()).or_default().push(Seen {
                    key: q.loc.file.clone(),
                    container: q.qtype.is_container(),
                    kind: q.qtype.keyword(),
                });
                collect(&q.children, out);
            }
        }
        collect(questions, &mut by_name);
        let mut taken: HashSet<String> = by_name.keys().cloned().collect();
        let mut renames: HashMap<Arc<str>, String> = HashMap::new();
        for (name, seen) in &by_name {
            if !valid_name(name) {
                let (sheet, row) = self.row_of(&Loc::new(seen[0].key.clone(), 1, 1));
                self.note(
                    &sheet,
                    row,
                    NoteKind::Unsupported,
                    "invalid name",
                    format!("`{name}` is not a valid Yim name (English letters, digits, `_`, `-` and `.`, starting with a letter or `_`); rename it in the form"),
                );
            }
            if seen.len() < 2 {
                continue;
            }
            let keep = seen.iter().position(|s| !s.container).unwrap_or(0);
            let (_, keep_row) = self.row_of(&Loc::new(seen[keep].key.clone(), 1, 1));
            for (i, s) in seen.iter().enumerate() {
                if i == keep {
                    continue;
                }
                let base = if s.container {
                    format!("{name}_{}", s.kind)
                } else {
                    name.clone()
                };
                let what = if s.container { s.kind } else { "question" };
                let mut new = base.clone();
                let mut n = 2;
                while taken.contains(&new) {
                    new = format!("{base}_{n}");
                    n += 1;
                }
                taken.insert(new.clone());
                let (sheet, row) = self.row_of(&Loc::new(s.key.clone(), 1, 1));
                self.note(
                    &sheet,
                    row,
                    NoteKind::Changed,
                    "duplicate name",
                    format!(
                        "the name `{name}` is also used on row {keep_row}, and Yim needs names unique in the whole form; this {what} is called `{new}`"
                    ),
                );
                renames.insert(s.key.clone(), new);
            }
        }
        fn apply(qs: &mut [Question], renames: &HashMap<Arc<str>, String>) {
            for q in qs {
                if let Some(new) = renames.get(&q.loc.file) {
                    q.name = new.clone();
                }
                apply(&mut q.children, renames);
            }
        }
        apply(questions, &renames);
    }

    /// Labels and hints may show answers with `${name}`, which Yim fills in
    /// as ODK does. A name that is not a question with an answer (a group,
    /// a repeat, or nothing) cannot be filled in, so it is reported and
    /// written as plain text without the `${}` around it.
    pub(crate) fn label_references(
        &mut self,
        questions: &mut [Question],
        answerable: &std::collections::HashSet<String>,
    ) {
        for q in questions.iter_mut() {
            for key in ["label", "hint"] {
                let text = if key == "label" {
                    &mut q.label
                } else {
                    &mut q.hint
                };
                let Some(text) = text else { continue };
                let texts: Vec<&mut String> = match text {
                    Text::Any(s) => vec![s],
                    Text::Langs(m) => m.values_mut().collect(),
                };
                let mut unknown = Vec::new();
                for t in texts {
                    while let Some(r) = first_unknown_reference(t, answerable) {
                        let name = r[2..r.len() - 1].to_owned();
                        *t = t.replacen(&r, &name, 1);
                        unknown.push(r);
                    }
                }
                if let Some(r) = unknown.first() {
                    let (sheet, row) = self.row_of(&q.loc);
                    self.note(
                        &sheet,
                        row,
                        NoteKind::Unsupported,
                        format!("answer in {key}"),
                        format!("the {key} shows `{r}`, which is not a question with an answer; it is kept as plain text"),
                    );
                }
            }
            self.label_references(&mut q.children, answerable);
        }
    }
}

/// The first `${name}` in a text that names no answerable question.
fn first_unknown_reference(
    text: &str,
    answerable: &std::collections::HashSet<String>,
) -> Option<String> {
    let mut from = 0;
    while let Some(start) = text[from..].find("${").map(|s| s + from) {
        let end = text[start..].find('}')? + start;
        let name = text[start + 2..end].trim();
        if !answerable.contains(name) {
            return Some(text[start..=end].to_owned());
        }
        from = end + 1;
    }
    None
}
