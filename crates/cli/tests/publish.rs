//! `yim publish`: the check that stands between a deployment's form files
//! and the phones, and the files it writes. Refresh the expected output
//! with `UPDATE_EXPECT=1`.

mod common;

use std::path::Path;

use expect_test::{expect, Expect};
use yim_form::publish::Index;

/// Runs `yim` in `tests/fixtures/publish` and compares the exit status and
/// the output (stderr lines marked).
fn check(args: &[&str], status: i32, expect: &Expect) {
    expect.assert_eq(&run(args, status));
}

/// Runs `yim` as [`check`] does and returns its output.
fn run(args: &[&str], status: i32) -> String {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/publish"
    ));
    common::run(dir, args, status)
}

fn out_dir() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site/forms").to_string_lossy().into_owned();
    (dir, path)
}

#[test]
fn forms_without_recipients_are_not_published() {
    let (dir, out) = out_dir();
    check(
        &["publish", "forms", "-o", &out],
        1,
        &expect![[r#"
            forms/national/core.yaml:1:1: the form `core` has no recipients, so its records could not be sealed; give the deployment a recipients file or list the data office's keys under `settings.recipients`
            stderr: yim: nothing was published
        "#]],
    );
    assert!(!dir.path().join("site").exists(), "nothing is written");
}

#[test]
fn keys_the_app_cannot_seal_to_fail_with_their_place() {
    let (dir, out) = out_dir();
    check(
        &[
            "publish",
            "forms",
            "bad-forms",
            "-r",
            "bad-recipients.txt",
            "-o",
            &out,
        ],
        1,
        &expect![[r#"
            bad-recipients.txt:2:1: the key `age1yubikey1qgrswpc8qurswpc8qurswpc8qurswpc8qurswpc8qurswpc8qurswaef2y5` belongs to the age plugin `yubikey`, which a phone cannot run; expected a plain age public key (age1 and 58 more letters and digits) as `yim keygen` or `age-keygen` make
            bad-recipients.txt:3:3: the age public key `age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z` is not a usable key (a point of small order, for which encryption would protect nothing); make a new key with `yim keygen`
            bad-recipients.txt:4:1: the age public key `age1e7nsd7h09745s8untxm4jm8p3kwn6j4yryhwmcd5r3xz6ehdzqnsa6sscy` has a typo (its checksum does not match)
            bad-forms/plugin.yaml:1:1: the form `plugin` has no recipients, so its records could not be sealed; give the deployment a recipients file or list the data office's keys under `settings.recipients`
            bad-forms/plugin.yaml:7:9: the age public key `age1ur4h5lpmgxu2u9jku0a0r87ydtdqnr0tnsetrlvxvgz3vh6fhqqqzyt4v9` is not a usable key (a point of small order, for which encryption would protect nothing); make a new key with `yim keygen`
            bad-forms/plugin.yaml:9:48: in relevant: unknown question `${b}`
            forms/national/core.yaml:1:1: the form `core` has no recipients, so its records could not be sealed; give the deployment a recipients file or list the data office's keys under `settings.recipients`
            stderr: yim: nothing was published
        "#]],
    );
    assert!(!dir.path().join("site").exists(), "nothing is written");
}

#[test]
fn a_publication_holds_every_form_its_files_and_their_hashes() {
    let (_dir, out) = out_dir();
    let text = run(&["publish", "forms", "-r", "recipients.txt", "-o", &out], 0);
    assert_eq!(
        text.replace(&out, "OUT"),
        "stderr: yim: published 2 forms (3 files) to OUT\n"
    );
    let index_text = std::fs::read_to_string(Path::new(&out).join("index.json")).unwrap();
    // The variant keeps the deployment's key and adds its province's.
    expect![[r#"
        {
          "format": 1,
          "recipients": [
            "age1e7nsd7h09745s8untxm4jm8p3kwn6j4yryhwmcd5r3xz6ehdzqnsa6sscx"
          ],
          "forms": [
            {
              "id": "core-loei",
              "version": "1-loei",
              "title": {
                "en": "Loei",
                "th": "แบบจังหวัดเลย"
              },
              "default_language": "th",
              "province": "Loei",
              "path": "loei/variant.yaml",
              "files": [
                "loei/variant.yaml",
                "national/core.yaml",
                "national/districts.csv"
              ],
              "recipients": [
                "age1e7nsd7h09745s8untxm4jm8p3kwn6j4yryhwmcd5r3xz6ehdzqnsa6sscx",
                "age1pyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyyscxl7ka"
              ],
              "form_hash": "b69521cdbae46f844eb9394039aea0abf04572c3f6555007a603655e74045f73"
            },
            {
              "id": "core",
              "version": "1",
              "title": {
                "en": "Core",
                "th": "แบบหลัก"
              },
              "default_language": "th",
              "path": "national/core.yaml",
              "files": [
                "national/core.yaml",
                "national/districts.csv"
              ],
              "recipients": [
                "age1e7nsd7h09745s8untxm4jm8p3kwn6j4yryhwmcd5r3xz6ehdzqnsa6sscx"
              ],
              "form_hash": "e6a698444fcb4d8410a4922c5207a8cb83dcf9bea871a851d220f7838b52984f"
            }
          ],
          "files": [
            {
              "path": "loei/variant.yaml",
              "sha256": "43172ee3c93fb0aa652882aa774ccdbb5f16cf8b37c7c5129d16797ef7ec3f2d",
              "size": 303
            },
            {
              "path": "national/core.yaml",
              "sha256": "fb02754ac19df5c3f4c2140229c2f4c52618f5477dff9591872f7e30cccbac13",
              "size": 252
            },
            {
              "path": "national/districts.csv",
              "sha256": "b5e853a134523fe4e863163d6630adb23c67323d3481b8e742d486f16e3fdabd",
              "size": 106
            }
          ]
        }
    "#]]
    .assert_eq(&index_text);
    let index = Index::parse(&index_text).unwrap();
    for file in &index.files {
        let bytes = std::fs::read(Path::new(&out).join(&file.path)).unwrap();
        file.verify(&bytes).unwrap();
        // A changed file is refused.
        let mut changed = bytes.clone();
        changed.push(b'\n');
        assert!(file
            .verify(&changed)
            .unwrap_err()
            .contains("changed after it was published"));
    }
    // Publishing again over the same folder gives the same files.
    run(&["publish", "forms", "-r", "recipients.txt", "-o", &out], 0);
    let again = std::fs::read_to_string(Path::new(&out).join("index.json")).unwrap();
    assert_eq!(again, index_text);
}

#[test]
fn an_index_the_app_cannot_follow_safely_is_refused() {
    let good = |form_path: &str, file_path: &str| {
        serde_json::json!({
            "format": 1,
            "forms": [{
                "id": "a", "version": "1", "title": {"*": "A"}, "path": form_path,
                "files": [file_path],
                "recipients": ["age1e7nsd7h09745s8untxm4jm8p3kwn6j4yryhwmcd5r3xz6ehdzqnsa6sscx"],
                "form_hash": "0".repeat(64)
            }],
            "files": [{"path": file_path, "sha256": "0".repeat(64), "size": 10}]
        })
    };
    let check = |value: serde_json::Value, expect: Expect| {
        let shown = match Index::parse(&value.to_string()) {
            Ok(index) => format!("ok: {} forms", index.forms.len()),
            Err(e) => e,
        };
        expect.assert_eq(&shown);
    };
    check(good("a.yaml", "a.yaml"), expect!["ok: 1 forms"]);
    check(
        good("../a.yaml", "../a.yaml"),
        expect!["expected a relative path inside the published folder, but found `../a.yaml`"],
    );
    check(
        good("/etc/a.yaml", "/etc/a.yaml"),
        expect!["expected a relative path inside the published folder, but found `/etc/a.yaml`"],
    );
    check(
        good("a.yaml", "b.yaml"),
        expect!["a.yaml: the form's own file is missing from its files"],
    );
    let mut v = good("a.yaml", "a.yaml");
    v["format"] = 2.into();
    check(
        v,
        expect!["expected a form index of format 1, but found format 2; update the app"],
    );
    let mut v = good("a.yaml", "a.yaml");
    v["forms"][0]["recipients"][0] =
        "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z".into();
    check(v, expect!["a.yaml: the age public key `age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z` is not a usable key (a point of small order, for which encryption would protect nothing); make a new key with `yim keygen`"]);
    let mut v = good("a.yaml", "a.yaml");
    v["forms"][0]["recipients"] = serde_json::json!([]);
    check(
        v,
        expect!["a.yaml: expected 1 to 64 recipients, but found 0"],
    );
    let mut v = good("a.yaml", "a.yaml");
    v["files"][0]["size"] = (u64::MAX).into();
    check(
        v,
        expect!["a.yaml: the file is 18446744073709551615 bytes, but at most 33554432 are allowed"],
    );
    let mut v = good("a.yaml", "a.yaml");
    v["files"][0]["sha256"] = "abc".into();
    check(
        v,
        expect!["a.yaml: expected a SHA-256 in 64 lowercase hexadecimal digits, but found `abc`"],
    );
    // Deeply nested JSON is refused by the parser's own depth limit.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(Index::parse(&deep).is_err());
    let huge = " ".repeat(5 << 20);
    assert!(Index::parse(&huge).unwrap_err().contains("at most"));
}

/// The intake address the index names is where the app sends bundles, with
/// the upload token: only the app's own site, https, or plain http on this
/// machine's loopback are accepted.
#[test]
fn the_intake_address_is_checked_where_the_app_reads_it() {
    let check = |intake: &str, expect: Expect| {
        let value = serde_json::json!({
            "format": 1, "forms": [], "files": [], "intake": intake
        });
        let shown = match Index::parse(&value.to_string()) {
            Ok(index) => format!("ok: {}", index.intake.unwrap_or_default()),
            Err(e) => e,
        };
        expect.assert_eq(&shown);
    };
    check("/api/", expect!["ok: /api/"]);
    check("/yim/api/", expect!["ok: /yim/api/"]);
    check(
        "https://intake.example.org/api/",
        expect!["ok: https://intake.example.org/api/"],
    );
    check(
        "http://127.0.0.1:8080/api/",
        expect!["ok: http://127.0.0.1:8080/api/"],
    );
    check(
        "http://[::1]:8080/api/",
        expect!["ok: http://[::1]:8080/api/"],
    );
    check(
        "http://intake.example.org/api/",
        expect!["expected an https:// intake address (http:// only for 127.0.0.1, localhost or [::1]), but found `http://intake.example.org/api/`"],
    );
    check(
        "http://127.0.0.1.example.org/api/",
        expect!["expected an https:// intake address (http:// only for 127.0.0.1, localhost or [::1]), but found `http://127.0.0.1.example.org/api/`"],
    );
    check(
        "/api",
        expect!["expected the intake address to end with `/` (such as `/api/`), but found `/api`"],
    );
    check(
        "//evil.example.org/api/",
        expect!["expected an intake address that starts with `/` (on the app's own site) or `https://`, but found `//evil.example.org/api/`"],
    );
    check(
        "/api/../forms/",
        expect!["expected an intake path such as `/api/` without `.` or `..` parts, but found `/api/../forms/`"],
    );
    check(
        "https://user@example.org/api/",
        expect!["expected an intake address without spaces, `?`, `#`, `@` or `\\`, but found `https://user@example.org/api/`"],
    );
    check(
        "javascript:alert(1)/",
        expect!["expected an intake address that starts with `/` (on the app's own site) or `https://`, but found `javascript:alert(1)/`"],
    );
    check(
        "https:///api/",
        expect!["expected an intake address with a host and a path such as `https://example.org/api/`, but found `https:///api/`"],
    );
    let long = format!("/{}/", "a".repeat(600));
    check(
        &long,
        expect!["the intake address is 602 bytes, but at most 512 are allowed"],
    );
}

#[test]
fn publish_writes_the_intake_address_into_the_index() {
    let (_dir, out) = out_dir();
    run(
        &[
            "publish",
            "forms",
            "-r",
            "recipients.txt",
            "--intake",
            "/api/",
            "-o",
            &out,
        ],
        0,
    );
    let text = std::fs::read_to_string(Path::new(&out).join("index.json")).unwrap();
    let index = Index::parse(&text).unwrap();
    assert_eq!(index.intake.as_deref(), Some("/api/"));
    check(
        &[
            "publish",
            "forms",
            "-r",
            "recipients.txt",
            "--intake",
            "http://example.org/",
            "-o",
            &out,
        ],
        2,
        &expect![[r#"
            stderr: yim: --intake: expected an https:// intake address (http:// only for 127.0.0.1, localhost or [::1]), but found `http://example.org/`
        "#]],
    );
}

#[test]
fn a_geojson_choice_list_is_published_with_its_form() {
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("forms/places");
    std::fs::create_dir_all(&forms).unwrap();
    std::fs::write(
        forms.join("visit.yaml"),
        "form: {id: places, version: '1', title: Places}\n\
         questions:\n  - {name: school, type: select_one schools, label: School}\n\
         choices:\n  schools: {geojson: schools.geojson}\n",
    )
    .unwrap();
    std::fs::write(
        forms.join("schools.geojson"),
        r#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": "s1", "properties": {"title": "โรงเรียนบ้านนา"}}]}"#,
    )
    .unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/publish/recipients.txt"),
        dir.path().join("recipients.txt"),
    )
    .unwrap();
    let out = dir.path().join("site").to_string_lossy().into_owned();
    common::run(
        dir.path(),
        &["publish", "forms", "-r", "recipients.txt", "-o", &out],
        0,
    );
    let index = Index::parse(&std::fs::read_to_string(Path::new(&out).join("index.json")).unwrap())
        .unwrap();
    let published: Vec<&str> = index.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(published, ["places/schools.geojson", "places/visit.yaml"]);
    assert!(Path::new(&out).join("places/schools.geojson").exists());
}
