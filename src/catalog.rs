//! The forms the app can open: those of the deployment's published folder
//! (`forms/index.json`, see `published.rs`), read when the app starts.
//!
//! Loading a form (its YAML, its CSV choice lists, the form it extends)
//! takes a while on a cheap phone: the national core form has 8,600 address
//! choices, and every provincial variant loads it again. So nothing is
//! loaded at start-up. Opening a form loads that form alone. The home page
//! lists the published forms from what the index says of them (id, version,
//! title, province), so it loads none; only a screen that needs every form
//! itself (the export page, the case list) loads them all, once.
//!
//! A published form's files are not even fetched at start-up: the index
//! says enough to list the forms, and `published.rs` fetches and checks
//! the files a form needs when a screen needs it ([`Catalog::wanted_by`],
//! [`Catalog::receive`]). Only files whose hash matched the index are ever
//! handed to the loader; a form that would need any other file is not
//! loaded, and a form with a refused file is broken with the reason.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use yim_form::publish::{Index, IndexFile, IndexForm};
use yim_form::{Diagnostic, Form, LoadCache, MemFiles, Text};

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
    /// What the published index says of the form, enough to list it
    /// without loading it; `None` for forms that did not come from an index.
    listing: Option<Listing>,
    /// Every published file the form is loaded from (its own, the form it
    /// extends, their CSV lists), as the index names them; empty for forms
    /// that did not come from an index, whose files are all at hand.
    needs: Vec<String>,
    loaded: OnceLock<Result<Entry, Broken>>,
}

/// A form as the home page lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Listing {
    /// The form's id.
    pub id: String,
    /// The form's version.
    pub version: String,
    /// The form's title, by language.
    pub title: Text,
    /// The language the title falls back to after Thai: the form's default
    /// language.
    pub default_language: String,
    /// `settings.province`, when the form is a province's.
    pub province: Option<String>,
}

impl Listing {
    fn of(form: &Form) -> Listing {
        Listing {
            id: form.id.clone(),
            version: form.version.clone(),
            title: form.title.clone(),
            default_language: form.default_language.clone(),
            province: form.settings.province.clone(),
        }
    }

    /// What the index says of `form`, when that is enough to show its title
    /// as the loaded form would in every language. A title written per
    /// language without Thai falls back to the form's default language,
    /// which an index written before it carried it lacks; such a form is
    /// loaded.
    fn from_index(form: &IndexForm) -> Option<Listing> {
        let title = match form.title.get("*") {
            Some(any) => Text::Any(any.clone()),
            None if form.title.contains_key(yim_form::FALLBACK_LANGUAGE)
                || form.title.contains_key(&form.default_language) =>
            {
                Text::Langs(
                    form.title
                        .iter()
                        .map(|(lang, text)| (lang.clone(), text.clone()))
                        .collect(),
                )
            }
            None => return None,
        };
        Some(Listing {
            id: form.id.clone(),
            version: form.version.clone(),
            title,
            default_language: form.default_language.clone(),
            province: form.province.clone(),
        })
    }

    /// The title in `lang`, falling back as the loaded form's would.
    pub fn title(&self, lang: &str) -> &str {
        self.title.get(lang, &self.default_language)
    }
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
    /// The files at hand: for a published catalog, those fetched so far
    /// whose hash matched the index, and no other.
    files: Mutex<MemFiles>,
    /// Every file the published index names, with its hash, fetched or not.
    published: Vec<IndexFile>,
    /// The published files that were fetched and refused, with why.
    refused: Mutex<BTreeMap<String, String>>,
    /// The index the page started with, against which every file is
    /// checked; `None` for a catalog not read from an index.
    started_on: Option<Index>,
    /// Whether the host now serves another index than `started_on`: the
    /// forms were published again while the page was open.
    republished: AtomicBool,
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
                listing: None,
                needs: Vec::new(),
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
            files: Mutex::new(files),
            slots,
            ..Catalog::default()
        }
    }

    /// The forms of a published index, none of whose files is fetched yet:
    /// [`Catalog::receive`] hands them over once fetched and checked.
    pub fn published(index: &Index) -> Catalog {
        let slots = index
            .forms
            .iter()
            .map(|form| Slot {
                path: form.path.clone(),
                declared_id: Some(form.id.clone()),
                recipients: Some(form.recipients.clone()),
                listing: Listing::from_index(form),
                needs: form.files.clone(),
                loaded: OnceLock::new(),
            })
            .collect();
        Catalog {
            deployment_keys: index.recipients.clone(),
            intake: index.intake.clone(),
            published: index.files.clone(),
            started_on: Some(index.clone()),
            slots,
            ..Catalog::default()
        }
    }

    /// The published files that the forms `pick` chooses need and that
    /// were not fetched yet, in the index's order.
    fn wanted(&self, pick: impl Fn(&Slot) -> bool) -> Vec<IndexFile> {
        let files = self.files();
        let refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
        let needed: Vec<&String> = self
            .slots
            .iter()
            .filter(|slot| slot.loaded.get().is_none() && pick(slot))
            .flat_map(|slot| &slot.needs)
            .collect();
        self.published
            .iter()
            .filter(|file| needed.contains(&&file.path))
            .filter(|file| !files.0.contains_key(&file.path) && !refused.contains_key(&file.path))
            .cloned()
            .collect()
    }

    /// What must be fetched before [`Catalog::by_id`] can open the form
    /// `id`: the files of every form that may be it.
    pub fn wanted_by(&self, id: &str) -> Vec<IndexFile> {
        self.wanted(|slot| may_be(slot, id))
    }

    /// What must be fetched before every form can be loaded (the export
    /// page, the case list, the studio).
    pub fn wanted_all(&self) -> Vec<IndexFile> {
        self.wanted(|_| true)
    }

    /// What the home page must fetch to list every form: the files of the
    /// forms whose index entry does not say enough to list them.
    pub fn wanted_to_list(&self) -> Vec<IndexFile> {
        self.wanted(|slot| slot.listing.is_none())
    }

    /// Takes fetched files: the text of each file whose hash matched the
    /// index, or why it was refused (could not be fetched, did not match).
    /// A form that needs a refused file is broken with the reason, so that
    /// it is shown with its problem instead of disappearing.
    pub fn receive(&self, fetched: Vec<(String, Result<String, String>)>) {
        let mut refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
        {
            let mut files = self.files();
            for (path, checked) in fetched {
                match checked {
                    Ok(text) => files.insert(&path, text),
                    Err(why) => {
                        refused.insert(path, why);
                    }
                }
            }
        }
        for slot in &self.slots {
            let why: Vec<Diagnostic> = slot
                .needs
                .iter()
                .filter_map(|path| Some((path, refused.get(path)?)))
                .map(|(path, why)| {
                    // The location names the file already.
                    let why = why
                        .strip_prefix(path.as_str())
                        .and_then(|rest| rest.strip_prefix(": "))
                        .unwrap_or(why);
                    Diagnostic::new(yim_form::Loc::new(path.as_str(), 1, 1), why)
                })
                .collect();
            if !why.is_empty() {
                let _ = slot.loaded.set(Err(Broken {
                    path: slot.path.clone(),
                    diagnostics: why,
                }));
            }
        }
    }

    /// Compares the index the host serves now, read again after a file was
    /// refused, with the one the page started with. When they differ, the
    /// forms were published again while the page was open: the refused
    /// file is most likely the new version of a file, not one changed by
    /// hand, and [`Catalog::republished`] says so from then on. Nothing of
    /// the new index is loaded: its files are checked only after a reload.
    pub fn compare_index(&self, now: &Index) {
        if self
            .started_on
            .as_ref()
            .is_some_and(|started| started != now)
        {
            self.republished.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the forms were published again since the page started, so
    /// that a refused file calls for a reload rather than for alarm.
    pub fn republished(&self) -> bool {
        self.republished.load(Ordering::Relaxed)
    }

    /// Why the form `id` cannot be opened, when a file it needs was refused.
    pub fn refusal(&self, id: &str) -> Option<&Broken> {
        self.slots
            .iter()
            .filter(|slot| may_be(slot, id))
            .find_map(|slot| slot.loaded.get()?.as_ref().err())
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

    /// What the index says of the form `id`, whether it loads or not.
    pub fn indexed(&self, id: &str) -> Option<&Listing> {
        self.slots
            .iter()
            .filter_map(|slot| slot.listing.as_ref())
            .find(|listing| listing.id == id)
    }

    /// Every file at hand, by path, for the studio's variants to extend:
    /// for a published catalog, those fetched and checked so far.
    pub fn files(&self) -> MutexGuard<'_, MemFiles> {
        // A panic while the lock was held cannot leave the map half
        // written (inserting is one call), so its files are still good.
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A catalog of forms that are loaded already (the studio's preview).
    pub fn of(entries: Vec<Entry>) -> Catalog {
        let slots = entries
            .into_iter()
            .map(|entry| Slot {
                path: String::new(),
                declared_id: Some(entry.form.id.clone()),
                recipients: None,
                listing: None,
                needs: Vec::new(),
                loaded: OnceLock::from(Ok(entry)),
            })
            .collect();
        Catalog {
            slots,
            ..Catalog::default()
        }
    }

    /// The form of `slot`, loading it the first time; `None` while a file
    /// it needs has not been fetched and checked, so that no form is ever
    /// loaded from a file that is not at hand.
    fn loaded<'a>(&'a self, slot: &'a Slot) -> Option<&'a Result<Entry, Broken>> {
        if let Some(loaded) = slot.loaded.get() {
            return Some(loaded);
        }
        let files = self.files();
        if !slot.needs.iter().all(|path| files.0.contains_key(path)) {
            return None;
        }
        Some(slot.loaded.get_or_init(|| {
            let (form, diagnostics) =
                yim_form::load_shared(&slot.path, &*files, &self.loaded_files);
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
        }))
    }

    /// The forms that load, in file order. This loads every form.
    pub fn entries(&self) -> Vec<&Entry> {
        self.slots
            .iter()
            .filter_map(|slot| self.loaded(slot)?.as_ref().ok())
            .collect()
    }

    /// The files that do not load, so that authors see them listed with
    /// their problems instead of the forms silently disappearing. This loads
    /// every form that did not come from a published index.
    ///
    /// A published form is not loaded to find out: `yim publish` writes no
    /// index when any form has a problem, and the app loads only files whose
    /// hash matches the index, so such a form fails only when one of its
    /// files is missing, which is known when the catalog is made.
    pub fn broken(&self) -> Vec<&Broken> {
        self.slots
            .iter()
            .filter_map(|slot| match &slot.listing {
                Some(_) => slot.loaded.get()?.as_ref().err(),
                None => self.loaded(slot)?.as_ref().err(),
            })
            .collect()
    }

    /// The forms that load, in file order, as the home page lists them.
    /// Published forms are listed from their index and not loaded (see
    /// [`Catalog::broken`] for why that gives the same list); the others
    /// are loaded.
    pub fn listings(&self) -> Vec<Listing> {
        self.slots
            .iter()
            .filter_map(|slot| match (&slot.listing, slot.loaded.get()) {
                (_, Some(Err(_))) => None,
                (Some(listing), _) => Some(listing.clone()),
                (None, _) => self
                    .loaded(slot)?
                    .as_ref()
                    .ok()
                    .map(|entry| Listing::of(&entry.form)),
            })
            .collect()
    }

    /// Whether a form with this id is listed, loading no published form.
    pub fn lists(&self, id: &str) -> bool {
        self.listings().iter().any(|listing| listing.id == id)
    }

    /// The first form with this id, loading only the files that may hold
    /// it: the ones whose text declares it, and the ones not read quickly.
    pub fn by_id(&self, id: &str) -> Option<&Entry> {
        self.slots
            .iter()
            .filter(|slot| may_be(slot, id))
            .filter_map(|slot| self.loaded(slot)?.as_ref().ok())
            .find(|entry| entry.form.id == id)
    }

    /// The forms grouped by province: forms without a province come first
    /// under `None` (shown as "National"), then each province in the order
    /// its first form appears.
    pub fn by_province(&self) -> Vec<(Option<String>, Vec<Listing>)> {
        let mut groups: Vec<(Option<String>, Vec<Listing>)> = vec![(None, Vec::new())];
        for listing in self.listings() {
            match groups
                .iter_mut()
                .find(|(name, _)| *name == listing.province)
            {
                Some((_, list)) => list.push(listing),
                None => groups.push((listing.province.clone(), vec![listing])),
            }
        }
        groups.retain(|(_, list)| !list.is_empty());
        groups
    }
}

/// Whether `slot` may hold the form `id`: it declares that id, or its id
/// was not read quickly.
fn may_be(slot: &Slot, id: &str) -> bool {
    slot.declared_id
        .as_deref()
        .is_none_or(|declared| declared == id)
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

    use yim_form::publish::{Index, IndexFile, IndexForm};

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

    fn index_form(
        id: &str,
        title: &[(&str, &str)],
        default_language: &str,
        province: Option<&str>,
    ) -> IndexForm {
        IndexForm {
            id: id.to_string(),
            version: "1".to_string(),
            title: title
                .iter()
                .map(|(lang, text)| (lang.to_string(), text.to_string()))
                .collect(),
            default_language: default_language.to_string(),
            province: province.map(str::to_string),
            path: format!("{id}.yaml"),
            files: vec![format!("{id}.yaml")],
            recipients: Vec::new(),
            form_hash: String::new(),
        }
    }

    fn index_file(id: &str) -> IndexFile {
        IndexFile {
            path: format!("{id}.yaml"),
            sha256: "0".repeat(64),
            size: 0,
        }
    }

    fn paths(files: &[IndexFile]) -> Vec<&str> {
        files.iter().map(|file| file.path.as_str()).collect()
    }

    #[wasm_bindgen_test]
    fn a_published_form_is_fetched_when_it_is_opened_and_a_refused_file_breaks_it() {
        // `v` extends `a`, so opening it needs both files.
        const V: &str = "extends: a.yaml\nform: {id: v, version: '2', title: V}\n";
        let mut v = index_form("v", &[("*", "V")], "", None);
        v.files = vec!["a.yaml".to_string(), "v.yaml".to_string()];
        let index = Index {
            format: yim_form::publish::INDEX_FORMAT,
            recipients: Vec::new(),
            forms: vec![index_form("a", &[("*", "A")], "", None), v],
            files: ["a", "v"].map(index_file).to_vec(),
            intake: None,
        };
        let catalog = Catalog::published(&index);
        // Listing needs no file, and nothing loads before its files are in.
        assert!(catalog.wanted_to_list().is_empty());
        assert!(catalog.lists("a") && catalog.lists("v"));
        assert!(catalog.by_id("a").is_none());
        assert!(catalog.entries().is_empty());
        assert_eq!(loaded(&catalog), Vec::<&str>::new());
        assert_eq!(paths(&catalog.wanted_by("a")), ["a.yaml"]);
        assert_eq!(paths(&catalog.wanted_by("v")), ["a.yaml", "v.yaml"]);
        assert_eq!(paths(&catalog.wanted_all()), ["a.yaml", "v.yaml"]);

        // The base arrives checked; `v`'s own file was changed on the host.
        let why = "v.yaml: expected the SHA-256 1 as the form index says, but found 2; the file was changed after it was published";
        catalog.receive(vec![
            ("a.yaml".to_string(), Ok(A.to_string())),
            ("v.yaml".to_string(), Err(why.to_string())),
        ]);
        assert!(catalog.wanted_all().is_empty());
        assert_eq!(catalog.by_id("a").map(|e| e.form.id.as_str()), Some("a"));
        assert!(catalog.by_id("v").is_none());
        let refusal = catalog.refusal("v").expect("the form is refused");
        assert_eq!(refusal.path, "v.yaml");
        assert_eq!(
            refusal
                .diagnostics
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>(),
            ["v.yaml:1:1: expected the SHA-256 1 as the form index says, but found 2; the file was changed after it was published"]
        );
        assert!(catalog.refusal("a").is_none());
        // Once refused, the home page lists it among the broken forms.
        assert!(!catalog.lists("v"));
        let broken: Vec<&str> = catalog.broken().iter().map(|b| b.path.as_str()).collect();
        assert_eq!(broken, ["v.yaml"]);
        // The file that did not match is never handed to the loader.
        assert!(!catalog.files().0.contains_key("v.yaml"));

        // When both files match, the variant opens on its base.
        let catalog = Catalog::published(&index);
        catalog.receive(vec![
            ("a.yaml".to_string(), Ok(A.to_string())),
            ("v.yaml".to_string(), Ok(V.to_string())),
        ]);
        let opened = catalog.by_id("v").expect("the variant loads");
        assert_eq!(
            (opened.form.version.as_str(), opened.form.questions.len()),
            ("2", 1)
        );
        assert_eq!(loaded(&catalog), ["v.yaml"]);
    }

    #[wasm_bindgen_test]
    fn a_refused_file_is_tampered_under_the_same_index_and_republished_under_a_new_one() {
        let index = Index {
            format: yim_form::publish::INDEX_FORMAT,
            recipients: Vec::new(),
            forms: vec![index_form("a", &[("*", "A")], "", None)],
            files: vec![index_file("a")],
            intake: None,
        };
        let refuse = |catalog: &Catalog| {
            catalog.receive(vec![(
                "a.yaml".to_string(),
                Err("a.yaml: the file was changed after it was published".to_string()),
            )]);
        };

        // The host still serves the index the page started with: the file
        // really changed after publishing, and the refusal stands.
        let catalog = Catalog::published(&index);
        refuse(&catalog);
        catalog.compare_index(&index.clone());
        assert!(!catalog.republished());
        assert!(catalog.refusal("a").is_some());

        // The host serves a new index, with another hash for the file: the
        // forms were published again, yet the file is still not loaded.
        let mut now = index.clone();
        now.files[0].sha256 = "1".repeat(64);
        now.forms[0].version = "2".to_string();
        let catalog = Catalog::published(&index);
        refuse(&catalog);
        catalog.compare_index(&now);
        assert!(catalog.republished());
        assert!(catalog.refusal("a").is_some());
        assert!(catalog.by_id("a").is_none());
        assert!(!catalog.files().0.contains_key("a.yaml"));

        // A catalog read from no index has nothing to compare.
        let catalog = Catalog::load(&[]);
        catalog.compare_index(&now);
        assert!(!catalog.republished());
    }

    #[wasm_bindgen_test]
    fn the_home_page_lists_published_forms_from_the_index_without_loading_them() {
        // The index gives `e` another Thai title than its file: a listing
        // that loaded the form would show the file's.
        const E: &str = "form: {id: e, version: '1', title: {th: แบบ E, en: E}}\nquestions:\n  - {name: x, type: text, label: X}\n";
        const F: &str = "form: {id: f, version: '1', title: {en: F, lo: F-lo}, settings: {province: Loei}}\nquestions:\n  - {name: y, type: text, label: Y}\n";
        let index = Index {
            format: yim_form::publish::INDEX_FORMAT,
            recipients: Vec::new(),
            forms: vec![
                index_form("e", &[("en", "E"), ("th", "แบบ E ตามดัชนี")], "", None),
                // Without Thai, and without the default language that an
                // older index lacks, the fallback needs the form itself.
                index_form("f", &[("en", "F"), ("lo", "F-lo")], "", Some("Loei")),
                index_form("g", &[("*", "G")], "", Some("Loei")),
                // Without Thai but with its default language, the title
                // falls back to that language, as the loaded form's would.
                index_form("h", &[("en", "H"), ("fr", "H-fr")], "fr", None),
            ],
            files: ["e", "f", "g", "h"].map(index_file).to_vec(),
            intake: None,
        };
        let catalog = Catalog::published(&index);
        // Only the form whose index entry does not say enough is fetched
        // to list the forms.
        assert_eq!(paths(&catalog.wanted_to_list()), ["f.yaml"]);
        catalog.receive(vec![
            ("e.yaml".to_string(), Ok(E.to_string())),
            ("f.yaml".to_string(), Ok(F.to_string())),
            (
                "g.yaml".to_string(),
                Err("g.yaml: could not be fetched".to_string()),
            ),
        ]);
        let listed: Vec<(String, String, Option<String>)> = catalog
            .listings()
            .iter()
            .map(|l| (l.id.clone(), l.title("th").to_string(), l.province.clone()))
            .collect();
        assert_eq!(
            listed,
            [
                ("e".to_string(), "แบบ E ตามดัชนี".to_string(), None),
                ("f".to_string(), "F".to_string(), Some("Loei".to_string())),
                ("h".to_string(), "H-fr".to_string(), None),
            ]
        );
        // Only the form whose title needed it was loaded, and the form with
        // a missing file is listed as broken, not loaded.
        assert_eq!(loaded(&catalog), ["f.yaml", "g.yaml"]);
        assert!(catalog.lists("e"));
        assert!(!catalog.lists("g"));
        let broken: Vec<&str> = catalog.broken().iter().map(|b| b.path.as_str()).collect();
        assert_eq!(broken, ["g.yaml"]);
        let groups: Vec<(Option<String>, usize)> = catalog
            .by_province()
            .into_iter()
            .map(|(province, list)| (province, list.len()))
            .collect();
        assert_eq!(groups, [(None, 2), (Some("Loei".to_string()), 1)]);
        assert_eq!(loaded(&catalog), ["f.yaml", "g.yaml"]);
        // Opening the form loads it.
        assert_eq!(
            catalog.by_id("e").map(|e| e.form.version.as_str()),
            Some("1")
        );
        assert_eq!(loaded(&catalog), ["e.yaml", "f.yaml", "g.yaml"]);
    }
}
