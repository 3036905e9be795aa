//! The promise of the spec: a bundle opens with Debian's `age` and `tar`.
//!
//! This runs the shell block that `docs/bundle-format.md` shows under
//! "Opening a bundle without Yim", exactly as written, on the committed
//! `ok-keys` vector, and compares what the standard tools produce with what
//! `yim_bundle::open` reads.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::*;
use yim_bundle::{open, Response};

/// The first `sh` code block after the marker line in the spec.
fn commands_in_spec() -> String {
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/bundle-format.md"
    ))
    .unwrap();
    let (_, after) = spec
        .split_once("runs the next block exactly as written")
        .expect("the spec marks the block of standard commands");
    let (_, block) = after
        .split_once("```sh\n")
        .expect("an sh block follows the marker");
    block.split_once("```").unwrap().0.to_string()
}

#[test]
fn the_specs_commands_open_a_bundle_with_debians_age_and_tar() {
    let commands = commands_in_spec();
    assert!(commands.contains("age -d -i key.txt bundle.yim.age | tar -x -C bundle"));

    let dir = tempfile::tempdir().unwrap();
    let bundle = std::fs::read(format!("{VECTORS}/ok-keys.yim.age")).unwrap();
    std::fs::write(dir.path().join("bundle.yim.age"), &bundle).unwrap();
    std::fs::write(dir.path().join("key.txt"), TEST_KEY).unwrap();

    let out = Command::new("/bin/sh")
        .args(["-e", "-c", &commands])
        .current_dir(dir.path())
        .env("PATH", "/usr/bin:/bin")
        .output()
        .expect("/bin/sh runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "the spec's commands failed ({}); is Debian's age installed at /usr/bin/age?\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );

    let opened = open(&bundle, &office()).unwrap();
    let root = dir.path().join("bundle");

    // The manifest on disk is the one yim reads.
    let manifest: yim_bundle::Manifest =
        serde_json::from_slice(&std::fs::read(root.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest, opened.manifest);

    // `sha256sum` prints exactly the checksums the manifest promises.
    let mut expected = BTreeMap::new();
    for r in &manifest.responses {
        expected.insert(format!("responses/{}.json.age", r.id), r.sha256.clone());
    }
    for f in &manifest.forms {
        expected.insert(format!("forms/{}.yaml", f.hash), f.hash.clone());
    }
    let printed: BTreeMap<String, String> = stdout
        .lines()
        .map(|l| {
            let (sum, path) = l.split_once("  ").unwrap();
            (path.to_string(), sum.to_string())
        })
        .collect();
    assert_eq!(printed, expected);

    // The forms and the responses decrypted by `age` are what yim reads.
    for f in &opened.forms {
        let yaml = std::fs::read_to_string(root.join(format!("forms/{}.yaml", f.hash()))).unwrap();
        assert_eq!(yaml, f.yaml);
    }
    for r in &opened.responses {
        let json = std::fs::read(root.join(format!("responses/{}.json", r.id))).unwrap();
        let mut doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(doc["format_version"], yim_bundle::FORMAT_VERSION);
        doc.as_object_mut().unwrap().remove("format_version");
        let from_age: Response = serde_json::from_value(doc).unwrap();
        assert_eq!(&from_age, r);
    }
    assert_eq!(opened.responses, responses());
}
