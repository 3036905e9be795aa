//! The forms bundled into the app at build time, loaded once at start-up.

use std::sync::Arc;

use yim_form::{Diagnostic, Form, MemFiles};

include!(concat!(env!("OUT_DIR"), "/forms_index.rs"));

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

/// Every bundled form, in file order.
#[derive(Debug, Default)]
pub struct Catalog {
    /// The forms that loaded.
    pub entries: Vec<Entry>,
    /// The files that did not load. Authors see them listed with their
    /// problems instead of the forms silently disappearing.
    pub broken: Vec<Broken>,
}

impl Catalog {
    /// Loads every YAML file of `files` as a form. CSV files are only read
    /// when a form refers to them.
    pub fn load(files: &[(&str, &str)]) -> Catalog {
        let mem = MemFiles(
            files
                .iter()
                .map(|(path, text)| (path.to_string(), text.to_string()))
                .collect(),
        );
        let mut catalog = Catalog::default();
        for (path, _) in files
            .iter()
            .filter(|(path, _)| path.ends_with(".yaml") || path.ends_with(".yml"))
        {
            let (form, diagnostics) = yim_form::load(path, &mem);
            match form {
                // A form with problems may still resolve; it stays listed and
                // its problems are shown when it is opened.
                Some(form) => catalog.entries.push(Entry {
                    form: Arc::new(form),
                    diagnostics,
                }),
                None => catalog.broken.push(Broken {
                    path: path.to_string(),
                    diagnostics,
                }),
            }
        }
        catalog
    }

    /// The forms bundled into this build.
    pub fn bundled() -> Catalog {
        Catalog::load(FORM_FILES)
    }

    /// The form with this id, if one was bundled.
    pub fn by_id(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.form.id == id)
    }

    /// The forms grouped by province: forms without a province come first
    /// under `None` (shown as "National"), then each province in the order
    /// its first form appears.
    pub fn by_province(&self) -> Vec<(Option<&str>, Vec<&Entry>)> {
        let mut groups: Vec<(Option<&str>, Vec<&Entry>)> = vec![(None, Vec::new())];
        for entry in &self.entries {
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
