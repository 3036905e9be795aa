//! The forms the app can open: those of the deployment's published folder
//! (`forms/index.json`, see `published.rs`), read when the app starts.
//!
//! Loading a form (its YAML, its CSV choice lists, the form it extends)
//! takes a while on a cheap phone: the national core form has 8,600 address
//! choices, and every provincial variant loads it again. So nothing is
//! loaded at start-up. Opening a form loads that form alone; only a screen
//! that lists every form loads them all, once.

use std::sync::{Arc, OnceLock};

use yim_form::{Diagnostic, Form, LoadCache, MemFiles};

/// A form that loaded, ready to list and open.
#[derive(Debug)]
pub struct Entry {
    /// The resolved form (variants applied).
    pub form: Arc<Form>,
    /// Problems the loader found even though the form resolved.
    pub diagnostics: Vec<Diagnostic>,
}

/// A form file that could not be turned into a form, with the reasons.
#[derive(Debug)]
pub struct Broken {
    /// The file's path.
    pub path: String,
    /// Every problem the loader reported.
    pub diagnostics: Vec<Diagnostic>,
}

/// One form file, loaded the first time it is needed.
#[derive(Debug)]
struct Slot {
    path: String,
    /// The form id the file's text declares, read without loading it; `None`
    /// when the quick reading is not sure.
    declared_id: Option<String>,
    /// The recipients the published index gives the form (the
    /// deployment's and the form's own), which replace its
    /// `settings.recipients` once loaded; `None` keeps the form's own.
    recipients: Option<Vec<String>>,
    loaded: OnceLock<Result<Entry, Broken>>,
}

/// Every form of the deployment, in file order.
#[derive(Debug, Default)]
pub struct Catalog {
    /// Why the published forms could not be read at all (offline on the
    /// very first visit, a broken index); `None` when they were.
    pub problem: Option<String>,
    /// The deployment's own recipients, from the published index, with
    /// which the studio publishes a new form.
    pub deployment_keys: Vec<String>,
    /// Where exported bundles are uploaded, from the published index
    /// (`yim publish --intake`); `None` when the deployment has no intake.
    pub intake: Option<String>,
    files: MemFiles,
    /// The files loaded so far. The province variants extend the national
    /// form, so without it each would parse the national form's YAML and
    /// its address CSVs again when the home page lists them all.
    loaded_files: LoadCache,
    slots: Vec<Slot>,
}

impl Catalog {
    /// A catalog of every YAML file of `files`. CSV files are only read
    /// when a form refers to them. Nothing is loaded yet.
    pub fn load(files: &[(&str, &str)]) -> Catalog {
        let slots = files
            .iter()
            .filter(|(path, _)| path.ends_with(".yaml") || path.ends_with(".yml"))
            .map(|(path, text)| Slot {
                path: path.to_string(),
                declared_id: declared_id(text),
                recipients: None,
                loaded: OnceLock::new(),
            })
            .collect();
        let files = MemFiles(
            files
                .iter()
                .map(|(path, text)| (path.to_string(), text.to_string()))
                .collect(),
        );
        Catalog {
            problem: None,
            deployment_keys: Vec::new(),
            intake: None,
            files,
            loaded_files: LoadCache::new(),
            slots,
        }
    }

    /// The forms of a published index, with the files that were fetched and
    /// checked. A form whose files could not all be fetched is listed as
    /// broken with `missing`'s reason, so that it is shown with its problem
    /// instead of disappearing.
    pub fn published(
        index: &yim_form::publish::Index,
        files: MemFiles,
        missing: &[(String, String)],
    ) -> Catalog {
        let slots = index
            .forms
            .iter()
            .map(|form| {
                let why: Vec<Diagnostic> = missing
                    .iter()
                    .filter(|(path, _)| form.files.contains(path))
                    .map(|(path, why)| {
                        // The location names the file already.
                        let why = why
                            .strip_prefix(path.as_str())
                            .and_then(|rest| rest.strip_prefix(": "))
                            .unwrap_or(why);
                        Diagnostic::new(yim_form::Loc::new(path.as_str(), 1, 1), why)
                    })
                    .collect();
                let loaded = OnceLock::new();
                if !why.is_empty() {
                    let _ = loaded.set(Err(Broken {
                        path: form.path.clone(),
                        diagnostics: why,
                    }));
                }
                Slot {
                    path: form.path.clone(),
                    declared_id: Some(form.id.clone()),
                    recipients: Some(form.recipients.clone()),
                    loaded,
                }
            })
            .collect();
        Catalog {
            problem: None,
            deployment_keys: index.recipients.clone(),
            intake: index.intake.clone(),
            files,
            loaded_files: LoadCache::new(),
            slots,
        }
    }

    /// A catalog without forms, because the published ones could not be
    /// read; `problem` says why. Stored drafts still open with the form
    /// sources kept on the phone.
    pub fn unavailable(problem: String) -> Catalog {
        Catalog {
            problem: Some(problem),
            ..Catalog::default()
        }
    }

    /// Every published file, by path, for the studio's variants to extend.
    pub fn files(&self) -> &MemFiles {
        &self.files
    }

    /// A catalog of forms that are loaded already (the studio's preview).
    pub fn of(entries: Vec<Entry>) -> Catalog {
        let slots = entries
            .into_iter()
            .map(|entry| Slot {
                path: String::new(),
                declared_id: Some(entry.form.id.clone()),
                recipients: None,
                loaded: OnceLock::from(Ok(entry)),
            })
            .collect();
        Catalog {
            problem: None,
            deployment_keys: Vec::new(),
            intake: None,
            files: MemFiles::new(),
            loaded_files: LoadCache::new(),
            slots,
        }
    }

    fn loaded<'a>(&'a self, slot: &'a Slot) -> &'a Result<Entry, Broken> {
        slot.loaded.get_or_init(|| {
            let (form, diagnostics) =
                yim_form::load_shared(&slot.path, &self.files, &self.loaded_files);
            match form {
                // A form with problems may still resolve; it stays listed and
                // its problems are shown when it is opened.
                Some(mut form) => {
                    if let Some(keys) = &slot.recipients {
                        form.settings.recipients = keys.clone();
                    }
                    Ok(Entry {
                        form: Arc::new(form),
                        diagnostics,
                    })
                }
                None => Err(Broken {
                    path: slot.path.clone(),
                    diagnostics,
                }),
            }
        })
    }

    /// The forms that load, in file order. This loads every form.
    pub fn entries(&self) -> Vec<&Entry> {
        self.slots
            .iter()
            .filter_map(|slot| self.loaded(slot).as_ref().ok())
            .collect()
    }

    /// The files that do not load, so that authors see them listed with
    /// their problems instead of the forms silently disappearing. This loads
    /// every form.
    pub fn broken(&self) -> Vec<&Broken> {
        self.slots
            .iter()
            .filter_map(|slot| self.loaded(slot).as_ref().err())
            .collect()
    }

    /// The first form with this id, loading only the files that may hold
    /// it: the ones whose text declares it, and the ones not read quickly.
    pub fn by_id(&self, id: &str) -> Option<&Entry> {
        self.slots
            .iter()
            .filter(|slot| {
                slot.declared_id
                    .as_deref()
                    .is_none_or(|declared| declared == id)
            })
            .filter_map(|slot| self.loaded(slot).as_ref().ok())
            .find(|entry| entry.form.id == id)
    }

    /// The forms grouped by province: forms without a province come first
    /// under `None` (shown as "National"), then each province in the order
    /// its first form appears.
    pub fn by_province(&self) -> Vec<(Option<&str>, Vec<&Entry>)> {
        let mut groups: Vec<(Option<&str>, Vec<&Entry>)> = vec![(None, Vec::new())];
        for entry in self.entries() {
            let province = entry.form.settings.province.as_deref();
            match groups.iter_mut().find(|(name, _)| *name == province) {
                Some((_, list)) => list.push(entry),
                None => groups.push((province, vec![entry])),
            }
        }
        groups.retain(|(_, list)| !list.is_empty());
        groups
    }
}

/// The form id that a form file declares (`form:` then `id:`, in block or
/// flow style), read from its text without parsing it. `None` whenever the
/// text is laid out in any other way, so that the file is then loaded to
/// find out; a wrong id here would hide a form.
fn declared_id(text: &str) -> Option<String> {
    let mut lines = text.lines();
    let header = lines.find(|line| line.starts_with("form:"))?;
    let rest = header["form:".len()..].trim();
    let value = if rest.starts_with('{') {
        // `form: {id: child-core, version: ...}` on one line.
        let inner = rest.strip_prefix('{')?;
        let first = inner.split(',').next()?.trim();
        first.strip_prefix("id:")?
    } else if rest.is_empty() || rest.starts_with('#') {
        // The first key of the indented block must be `id:`.
        let line = lines.find(|line| {
            let trimmed = line.trim_start();
            !trimmed.is_empty() && !trimmed.starts_with('#')
        })?;
        if !line.starts_with(' ') {
            return None;
        }
        line.trim_start().strip_prefix("id:")?
    } else {
        return None;
    };
    let value = value.trim().trim_end_matches('}').trim();
    let unquoted = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value);
    let plain = !unquoted.is_empty()
        && unquoted
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    plain.then(|| unquoted.to_string())
}

/// The Thai name of one of the programme's provinces, for the Thai UI. Forms
/// name provinces in English (`province: Phayao`); an unknown name is shown
/// as written.
pub fn province_name(province: &str, lang: crate::i18n::Lang) -> &str {
    const THAI_NAMES: [(&str, &str); 7] = [
        ("Phayao", "พะเยา"),
        ("Lampang", "ลำปาง"),
        ("Loei", "เลย"),
        ("Kalasin", "กาฬสินธุ์"),
        ("Surin", "สุรินทร์"),
        ("Ubon Ratchathani", "อุบลราชธานี"),
        ("Trang", "ตรัง"),
    ];
    if lang == crate::i18n::Lang::Th {
        if let Some((_, thai)) = THAI_NAMES
            .iter()
            .find(|(english, _)| english.eq_ignore_ascii_case(province))
        {
            return thai;
        }
    }
    province
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{declared_id, Catalog};

    fn check(text: &str, expected: Option<&str>) {
        assert_eq!(declared_id(text).as_deref(), expected, "{text}");
    }

    #[wasm_bindgen_test]
    fn the_declared_id_is_read_only_when_the_layout_is_plain() {
        check(
            "form:\n  id: child-core\n  version: '1'\n",
            Some("child-core"),
        );
        check(
            "# A comment.\nextends: ../a.yaml\n\nform:\n  # the id\n  id: \"child-phayao\"\n",
            Some("child-phayao"),
        );
        check(
            "form: {id: t, version: '1', title: T}\nquestions: []\n",
            Some("t"),
        );
        check("form: {id: 'bench'}\n", Some("bench"));
        // Anything else is loaded to find out.
        check("form:\n  version: '1'\n  id: later\n", None);
        check("form: {version: '1', id: later}\n", None);
        check("form:\n  id: two words\n", None);
        check("form:\n  id: x # a comment\n", None);
        check("form:\nid: not-indented\n", None);
        check("questions: []\n", None);
    }

    const A: &str =
        "form: {id: a, version: '1', title: A}\nquestions:\n  - {name: x, type: text, label: X}\n";
    const B: &str = "form:\n  id: b\n  version: '1'\n  title: B\nquestions:\n  - {name: y, type: text, label: Y}\n";
    // Its id cannot be read without loading it.
    const C: &str = "form:\n  version: '1'\n  id: c\n  title: C\nquestions:\n  - {name: z, type: text, label: Z}\n";
    const BROKEN: &str = "form: {id: d, version: '1', title: D\nquestions: [\n";

    fn loaded(catalog: &Catalog) -> Vec<&str> {
        catalog
            .slots
            .iter()
            .filter(|slot| slot.loaded.get().is_some())
            .map(|slot| slot.path.as_str())
            .collect()
    }

    #[wasm_bindgen_test]
    fn opening_a_form_loads_that_form_and_the_files_not_read_quickly() {
        let files = [
            ("a.yaml", A),
            ("b.yaml", B),
            ("c.yaml", C),
            ("d.yaml", BROKEN),
        ];
        let catalog = Catalog::load(&files);
        assert_eq!(loaded(&catalog), Vec::<&str>::new());
        assert_eq!(
            catalog.by_id("b").map(|e| e.form.title.get("en", "en")),
            Some("B")
        );
        assert_eq!(loaded(&catalog), ["b.yaml"]);
        assert_eq!(catalog.by_id("c").map(|e| e.form.id.as_str()), Some("c"));
        assert_eq!(loaded(&catalog), ["b.yaml", "c.yaml"]);
        assert!(catalog.by_id("d").is_none());
        assert!(catalog.by_id("nothing").is_none());
        // Listing every form loads the rest, and the broken file is listed.
        let ids: Vec<&str> = catalog
            .entries()
            .iter()
            .map(|e| e.form.id.as_str())
            .collect();
        assert_eq!(ids, ["a", "b", "c"]);
        let broken: Vec<&str> = catalog.broken().iter().map(|b| b.path.as_str()).collect();
        assert_eq!(broken, ["d.yaml"]);
        assert_eq!(loaded(&catalog), ["a.yaml", "b.yaml", "c.yaml", "d.yaml"]);
    }
}
