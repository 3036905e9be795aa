//! The choices sheet: rows to choice lists.

use std::collections::HashMap;
use std::sync::Arc;

use indexmap::IndexMap;
use yim_form::{Choice, ChoiceList, ListSource, Text};

use crate::columns::{self, Table};
use crate::convert::{Converter, Origin};
use crate::report::NoteKind;

impl Converter {
    pub(crate) fn choices(&mut self, t: &Table) -> IndexMap<String, ChoiceList> {
        let mut lists: IndexMap<String, ChoiceList> = IndexMap::new();
        let mut first_row: HashMap<(String, String), u32> = HashMap::new();
        // Per list: (row of the first renamed choice, old → new names).
        let mut renames: IndexMap<String, (u32, Vec<(String, String)>)> = IndexMap::new();
        let extra: Vec<&columns::Column> = t
            .columns
            .iter()
            .filter(|c| {
                !matches!(c.key.as_str(), "list_name" | "name" | "label")
                    && !c.key.starts_with("media::")
                    && c.lang.is_none()
            })
            .collect();
        for row in &t.rows {
            let list = t.value(row, "list_name").to_owned();
            let mut name = t.value(row, "name").to_owned();
            if list.is_empty() || name.is_empty() {
                let missing = if list.is_empty() { "list_name" } else { "name" };
                self.note(
                    &t.sheet,
                    row.number,
                    NoteKind::Unsupported,
                    format!("choice without {missing}"),
                    format!("the choice has no {missing}; it is left out"),
                );
                continue;
            }
            for c in &t.columns {
                if c.key.starts_with("media::") && !row.get(c.index).is_empty() {
                    let header = c.header.clone();
                    self.note(
                        &t.sheet,
                        row.number,
                        NoteKind::Unsupported,
                        format!("choice {}", c.key.trim_start_matches("media::")),
                        format!("unsupported column '{header}' (pictures and sounds in choices)"),
                    );
                }
            }
            if name.chars().any(char::is_whitespace) {
                let new: String = name.split_whitespace().collect::<Vec<_>>().join("_");
                let entry = renames
                    .entry(list.clone())
                    .or_insert((row.number, Vec::new()));
                entry.1.push((name.clone(), new.clone()));
                self.renamed_choices.insert(name.clone(), new.clone());
                name = new;
            }
            if let Some(first) = first_row.get(&(list.clone(), name.clone())) {
                let first = *first;
                self.note(
                    &t.sheet,
                    row.number,
                    NoteKind::Unsupported,
                    "duplicate choice",
                    format!("the choice name `{name}` is already used in the list `{list}` on row {first}; this one is left out"),
                );
                continue;
            }
            first_row.insert((list.clone(), name.clone()), row.number);
            let label = match self.text(t, row, "label") {
                Some(l) => l,
                None => {
                    self.note(
                        &t.sheet,
                        row.number,
                        NoteKind::Changed,
                        "choice without label",
                        format!("the choice `{name}` has no label; its name is used as the label"),
                    );
                    Text::Any(name.clone())
                }
            };
            let mut extras = IndexMap::new();
            for c in &extra {
                let v = row.get(c.index);
                if !v.is_empty() {
                    extras.insert(filter_column(&c.header), v.to_owned());
                }
            }
            let loc = self.origin(Origin {
                sheet: t.sheet.clone(),
                row: row.number,
                question: None,
                prop: "",
            });
            let entry = lists.entry(list.clone()).or_insert_with(|| ChoiceList {
                name: list.clone(),
                choices: Default::default(),
                loc: loc.clone(),
                source: ListSource::Inline,
            });
            Arc::make_mut(&mut entry.choices).push(Choice {
                name,
                label,
                extra: extras,
                loc,
            });
        }
        // Filter columns name choices of other lists (a district's
        // `province`), so they follow the renames.
        for list in lists.values_mut() {
            for c in Arc::make_mut(&mut list.choices) {
                for v in c.extra.values_mut() {
                    if let Some(new) = self.renamed_choices.get(v.as_str()) {
                        *v = new.clone();
                    }
                }
            }
        }
        for (list, (row, pairs)) in renames {
            let (old, new) = &pairs[0];
            let more = if pairs.len() > 1 {
                format!(" and {} more", pairs.len() - 1)
            } else {
                String::new()
            };
            self.note(
                &t.sheet,
                row,
                NoteKind::Changed,
                "choice name with spaces",
                format!(
                    "choice names in `{list}` contain spaces, which Yim does not allow; spaces are replaced by `_` (`{old}` becomes `{new}`{more}), in filter columns and expressions too"
                ),
            );
        }
        lists
    }
}

/// The name an extra column of the choices sheet keeps in Yim. Choice
/// filters name these columns bare and XPath names are case-sensitive, so
/// `Gov = ${governorate}` only finds its column when the header keeps its
/// case; only spaces, which no name can hold, become `_`.
fn filter_column(header: &str) -> String {
    header.split_whitespace().collect::<Vec<_>>().join("_")
}
