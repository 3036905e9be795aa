//! Loading many forms through one [`LoadCache`] gives each the same form and
//! the same diagnostics as loading it alone, in whatever order the forms are
//! loaded, and reads a shared base and its CSV lists only once.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

use yim_form::{load, load_shared, Diagnostic, Files, Form, LoadCache, MemFiles};

mod common;
use common::read_tree;

fn yaml_paths(files: &MemFiles) -> Vec<String> {
    files
        .0
        .keys()
        .filter(|k| k.ends_with(".yaml") && !k.ends_with(".resolved.yaml"))
        .cloned()
        .collect()
}

type Loaded = (Option<Form>, Vec<Diagnostic>);

/// Loads every YAML file of `files`, bases included, alone and then through
/// one cache in file order and another in the reverse order, and compares.
fn same_through_cache(files: &MemFiles) -> usize {
    let paths = yaml_paths(files);
    let alone: BTreeMap<&str, Loaded> =
        paths.iter().map(|p| (p.as_str(), load(p, files))).collect();
    for order in [paths.clone(), paths.iter().rev().cloned().collect()] {
        let cache = LoadCache::new();
        for path in &order {
            let shared = load_shared(path, files, &cache);
            let expected = &alone[path.as_str()];
            assert_eq!(
                shared.1, expected.1,
                "the diagnostics of {path} differ when loaded through the cache"
            );
            assert!(
                shared.0 == expected.0,
                "the form {path} differs when loaded through the cache"
            );
        }
    }
    paths.len()
}

#[test]
fn broken_forms_give_the_same_diagnostics_through_the_cache() {
    let mut files = MemFiles::new();
    read_tree(Path::new("tests/broken"), Path::new("tests"), &mut files);
    assert!(same_through_cache(&files) > 40);
}

#[test]
fn good_forms_resolve_the_same_through_the_cache() {
    let mut files = MemFiles::new();
    read_tree(Path::new("tests/good"), Path::new("tests"), &mut files);
    assert_eq!(same_through_cache(&files), 6);
}

#[test]
fn the_bundled_forms_resolve_the_same_through_the_cache() {
    let root = Path::new("../..");
    let mut files = MemFiles::new();
    read_tree(&root.join("forms"), root, &mut files);
    assert!(same_through_cache(&files) >= 4);
}

/// Files that count how often each path is read.
struct Counting {
    files: MemFiles,
    reads: RefCell<BTreeMap<String, usize>>,
}

impl Files for Counting {
    fn read(&self, path: &str) -> Result<String, String> {
        *self.reads.borrow_mut().entry(path.to_string()).or_default() += 1;
        self.files.read(path)
    }
}

#[test]
fn a_shared_base_and_its_csv_list_are_read_once() {
    let mut files = MemFiles::new()
        .with(
            "core/child.yaml",
            "form: {id: child, title: Child, version: 1, languages: [en]}\n\
             questions:\n\
             - {name: village, type: select_one villages, label: Village}\n\
             choices:\n  villages: {csv: villages.csv}\n",
        )
        .with(
            "core/villages.csv",
            "name,label\nban_a,Ban A\nban_b,Ban B\n",
        );
    for province in ["loei", "trang", "surin"] {
        files.insert(
            &format!("{province}/child.yaml"),
            format!(
                "extends: ../core/child.yaml\nform: {{id: child-{province}, version: 1}}\n\
                 add:\n- after: village\n  questions:\n  - {{name: school, type: text, label: School}}\n"
            ),
        );
    }
    let counting = Counting {
        files,
        reads: RefCell::default(),
    };
    let cache = LoadCache::new();
    for province in ["loei", "trang", "surin"] {
        let (form, diagnostics) = load_shared(&format!("{province}/child.yaml"), &counting, &cache);
        assert_eq!(diagnostics, Vec::new());
        let form = form.unwrap();
        assert_eq!(form.id, format!("child-{province}"));
        assert_eq!(form.choices["villages"].choices.len(), 2);
    }
    let reads = counting.reads.borrow();
    assert_eq!(reads["core/child.yaml"], 1);
    assert_eq!(reads["core/villages.csv"], 1);
    assert_eq!(reads["loei/child.yaml"], 1);
}
