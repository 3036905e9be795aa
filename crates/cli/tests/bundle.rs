//! `yim keygen` and `yim decrypt` pinned as cases: arguments in, exit status,
//! output and the files written out. Refresh the expected text with
//! `UPDATE_EXPECT=1`.
//!
//! The bundles in `tests/fixtures/bundles/` are committed, so a change that
//! stops old bundles from opening fails here. They are made again from the
//! forms and responses below with `UPDATE_BUNDLES=1`; the keys and the
//! passphrase there are published and TEST ONLY.

use std::path::Path;
use std::process::Command;
use std::sync::Once;

use expect_test::{expect, Expect};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bundles");

/// Runs `yim` in a fresh folder holding a copy of the fixtures and returns
/// its exit status and what it printed, followed by every file it wrote
/// into `out/`. A byte order mark shows as `<BOM>`.
fn run(args: &[&str], prepare: impl FnOnce(&Path)) -> (i32, String) {
    make_fixtures();
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(FIXTURES).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    prepare(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_yim"))
        .args(args)
        .current_dir(dir.path())
        .output()
        .expect("yim runs");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        text += &format!("stderr: {line}\n");
    }
    let written = dir.path().join("out");
    if written.is_dir() {
        let mut names: Vec<_> = std::fs::read_dir(&written)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        for name in names {
            let content = std::fs::read_to_string(written.join(&name)).unwrap();
            text += &format!(
                "== out/{}\n{}",
                name.to_string_lossy(),
                content.replace('\u{feff}', "<BOM>")
            );
        }
    }
    (out.status.code().unwrap_or(-1), text)
}

fn check(args: &[&str], status: i32, expect: Expect) {
    let (code, text) = run(args, |_| {});
    assert_eq!(code, status, "exit status of yim {args:?}, output:\n{text}");
    expect.assert_eq(&text);
}

#[test]
fn decrypt_writes_one_csv_per_form_and_per_repeat() {
    check(
        &[
            "decrypt",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "3f2a-1.yim.age",
        ],
        0,
        expect![[r#"
            opened 1 bundle from 1 device: 2 responses of 1 form
            device 3f2a: have 1
            wrote out/child-visit.csv (2 responses)
            wrote out/child-visit-household.csv (2 rows)
            wrote out/child-visit-visits.csv (2 rows)
            == out/child-visit-household.csv
            member_name,PARENT_KEY,KEY
            นางสมศรี ใจดี,019ab0b2-8c60-7a11-8f00-00000000000a,019ab0b2-8c60-7a11-8f00-00000000000a/household[1]
            นายสมชาย ใจดี,019ab0b2-8c60-7a11-8f00-00000000000a,019ab0b2-8c60-7a11-8f00-00000000000a/household[2]
            == out/child-visit-visits.csv
            visit_date,PARENT_KEY,KEY
            2026-11-01,019ab0b2-8c60-7a11-8f00-00000000000a/household[1],019ab0b2-8c60-7a11-8f00-00000000000a/household[1]/visits[1]
            2026-11-15,019ab0b2-8c60-7a11-8f00-00000000000a/household[1],019ab0b2-8c60-7a11-8f00-00000000000a/household[1]/visits[2]
            == out/child-visit.csv
            child_name,age,province,needs,age_group,KEY,FormVersion,DeviceID,Created,Updated,Status
            ด.ญ. มะลิ ใจดี,4,phayao,food health,young,019ab0b2-8c60-7a11-8f00-00000000000a,1,3f2a,2026-11-20T02:00:00.000Z,2026-11-20T03:00:00.000Z,finalized
            "ด.ช. ต้นกล้า ""ตัวเล็ก"", น้องชาย",9,loei,,school,019ab0b2-8c60-7a11-8f00-00000000000b,1,3f2a,2026-11-20T02:00:00.000Z,2026-11-20T04:00:00.000Z,finalized
        "#]],
    );
}

#[test]
fn decrypt_merges_repeated_and_overlapping_bundles() {
    // The same bundle twice and a later one that carries response b again:
    // every response once, and the newest form version leads the columns.
    check(
        &[
            "decrypt",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "3f2a-1.yim.age",
            "3f2a-1.yim.age",
            "3f2a-2.yim.age",
        ],
        0,
        expect![[r#"
            opened 3 bundle files (2 different) from 1 device: 3 responses of 1 form
            bundle 019ab0c0-0000-7000-8000-00003f2a0001 was given more than once; its responses count once
            device 3f2a: have 1-2
            wrote out/child-visit.csv (3 responses)
            wrote out/child-visit-household.csv (2 rows)
            wrote out/child-visit-visits.csv (2 rows)
            == out/child-visit-household.csv
            member_name,PARENT_KEY,KEY
            นางสมศรี ใจดี,019ab0b2-8c60-7a11-8f00-00000000000a,019ab0b2-8c60-7a11-8f00-00000000000a/household[1]
            นายสมชาย ใจดี,019ab0b2-8c60-7a11-8f00-00000000000a,019ab0b2-8c60-7a11-8f00-00000000000a/household[2]
            == out/child-visit-visits.csv
            visit_date,PARENT_KEY,KEY
            2026-11-01,019ab0b2-8c60-7a11-8f00-00000000000a/household[1],019ab0b2-8c60-7a11-8f00-00000000000a/household[1]/visits[1]
            2026-11-15,019ab0b2-8c60-7a11-8f00-00000000000a/household[1],019ab0b2-8c60-7a11-8f00-00000000000a/household[1]/visits[2]
            == out/child-visit.csv
            child_name,age,phone,province,needs,age_group,KEY,FormVersion,DeviceID,Created,Updated,Status
            ด.ญ. มะลิ ใจดี,4,,phayao,food health,young,019ab0b2-8c60-7a11-8f00-00000000000a,1,3f2a,2026-11-20T02:00:00.000Z,2026-11-20T03:00:00.000Z,finalized
            "ด.ช. ต้นกล้า ""ตัวเล็ก"", น้องชาย",9,,loei,,school,019ab0b2-8c60-7a11-8f00-00000000000b,1,3f2a,2026-11-20T02:00:00.000Z,2026-11-20T04:00:00.000Z,finalized
            ด.ญ. ใบเตย,7,0812345678,phayao,school,school,019ab0b2-8c60-7a11-8f00-00000000000c,2,3f2a,2026-11-20T02:00:00.000Z,2026-11-21T05:00:00.000Z,finalized
        "#]],
    );
}

#[test]
fn decrypt_reports_missing_exports_and_disagreeing_copies() {
    check(
        &[
            "decrypt",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "3f2a-4.yim.age",
            "9b1c-1.yim.age",
            "3f2a-1.yim.age",
            "3f2a-2.yim.age",
        ],
        1,
        expect![[r#"
            opened 4 bundles from 2 devices: 4 responses of 1 form
            device 3f2a: have 1-2, 4; missing 3
            device 9b1c: have 1
            response 019ab0b2-8c60-7a11-8f00-00000000000a: 2 different copies; kept the one updated 2026-11-23T08:30:00+07:00 (from device 3f2a export 4), left out the one updated 2026-11-20T03:00:00.000Z (from device 3f2a export 1)
            wrote out/child-visit.csv (4 responses)
            wrote out/child-visit-household.csv (2 rows)
            wrote out/child-visit-visits.csv (2 rows)
            == out/child-visit-household.csv
            member_name,PARENT_KEY,KEY
            นางสมศรี ใจดี,019ab0b2-8c60-7a11-8f00-00000000000a,019ab0b2-8c60-7a11-8f00-00000000000a/household[1]
            นายสมชาย ใจดี,019ab0b2-8c60-7a11-8f00-00000000000a,019ab0b2-8c60-7a11-8f00-00000000000a/household[2]
            == out/child-visit-visits.csv
            visit_date,PARENT_KEY,KEY
            2026-11-01,019ab0b2-8c60-7a11-8f00-00000000000a/household[1],019ab0b2-8c60-7a11-8f00-00000000000a/household[1]/visits[1]
            2026-11-15,019ab0b2-8c60-7a11-8f00-00000000000a/household[1],019ab0b2-8c60-7a11-8f00-00000000000a/household[1]/visits[2]
            == out/child-visit.csv
            child_name,age,province,needs,age_group,phone,old_field,KEY,FormVersion,DeviceID,Created,Updated,Status
            ด.ญ. มะลิ ใจดี,5,phayao,food health,young,,,019ab0b2-8c60-7a11-8f00-00000000000a,1,3f2a,2026-11-20T02:00:00.000Z,2026-11-23T08:30:00+07:00,finalized
            "ด.ช. ต้นกล้า ""ตัวเล็ก"", น้องชาย",9,loei,,school,,,019ab0b2-8c60-7a11-8f00-00000000000b,1,3f2a,2026-11-20T02:00:00.000Z,2026-11-20T04:00:00.000Z,finalized
            ด.ญ. ใบเตย,7,phayao,school,school,0812345678,,019ab0b2-8c60-7a11-8f00-00000000000c,2,3f2a,2026-11-20T02:00:00.000Z,2026-11-21T05:00:00.000Z,finalized
            "น้องฟ้า
            บรรทัดที่สอง",3,loei,health,young,,kept,019ab0b2-8c60-7a11-8f00-00000000000d,2,9b1c,2026-11-20T02:00:00.000Z,2026-11-22T06:00:00.000Z,finalized
        "#]],
    );
}

#[test]
fn decrypt_keeps_answers_whose_form_cannot_be_read() {
    check(
        &[
            "decrypt",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "old-form.yim.age",
        ],
        1,
        expect![[r#"
            opened 1 bundle from 1 device: 1 response of 1 form
            device 5e5e: have 1
            form old-form version 0.9: its resolved form in the bundle cannot be read (expected `,` or `}` to continue or close the `{` mapping); its columns follow the answers
            wrote out/old-form.csv (1 response)
            wrote out/old-form-pets.csv (2 rows)
            == out/old-form-pets.csv
            kind,age,PARENT_KEY,KEY
            แมว,,019ab0b2-8c60-7a11-8f00-00000000000f,019ab0b2-8c60-7a11-8f00-00000000000f/pets[1]
            หมา,2,019ab0b2-8c60-7a11-8f00-00000000000f,019ab0b2-8c60-7a11-8f00-00000000000f/pets[2]
            == out/old-form.csv
            name,KEY,FormVersion,DeviceID,Created,Updated,Status
            ลำดวน,019ab0b2-8c60-7a11-8f00-00000000000f,0.9,5e5e,2026-11-20T02:00:00.000Z,2026-11-22T08:00:00.000Z,finalized
        "#]],
    );
}

#[test]
fn decrypt_with_labels_and_a_byte_order_mark() {
    check(
        &[
            "decrypt",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "--labels",
            "--bom",
            "3f2a-1.yim.age",
        ],
        0,
        expect![[r#"
            opened 1 bundle from 1 device: 2 responses of 1 form
            device 3f2a: have 1
            wrote out/child-visit.csv (2 responses)
            wrote out/child-visit-household.csv (2 rows)
            wrote out/child-visit-visits.csv (2 rows)
            == out/child-visit-household.csv
            <BOM>member_name,PARENT_KEY,KEY
            นางสมศรี ใจดี,019ab0b2-8c60-7a11-8f00-00000000000a,019ab0b2-8c60-7a11-8f00-00000000000a/household[1]
            นายสมชาย ใจดี,019ab0b2-8c60-7a11-8f00-00000000000a,019ab0b2-8c60-7a11-8f00-00000000000a/household[2]
            == out/child-visit-visits.csv
            <BOM>visit_date,PARENT_KEY,KEY
            2026-11-01,019ab0b2-8c60-7a11-8f00-00000000000a/household[1],019ab0b2-8c60-7a11-8f00-00000000000a/household[1]/visits[1]
            2026-11-15,019ab0b2-8c60-7a11-8f00-00000000000a/household[1],019ab0b2-8c60-7a11-8f00-00000000000a/household[1]/visits[2]
            == out/child-visit.csv
            <BOM>child_name,age,province,needs,age_group,KEY,FormVersion,DeviceID,Created,Updated,Status
            ด.ญ. มะลิ ใจดี,4,พะเยา,อาหาร; สุขภาพ,young,019ab0b2-8c60-7a11-8f00-00000000000a,1,3f2a,2026-11-20T02:00:00.000Z,2026-11-20T03:00:00.000Z,finalized
            "ด.ช. ต้นกล้า ""ตัวเล็ก"", น้องชาย",9,เลย,,school,019ab0b2-8c60-7a11-8f00-00000000000b,1,3f2a,2026-11-20T02:00:00.000Z,2026-11-20T04:00:00.000Z,finalized
        "#]],
    );
}

#[test]
fn decrypt_to_json() {
    check(
        &[
            "decrypt",
            "--format",
            "json",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "3f2a-1.yim.age",
        ],
        0,
        expect![[r#"
            opened 1 bundle from 1 device: 2 responses of 1 form
            device 3f2a: have 1
            wrote out/child-visit.json (2 responses)
            == out/child-visit.json
            [
              {
                "id": "019ab0b2-8c60-7a11-8f00-00000000000a",
                "form_id": "child-visit",
                "form_version": "1",
                "form_hash": "8110a2a2b409ad5dbf958d1b8b5163b924053ac6ad22f0ce98b6d814c0df6727",
                "created": "2026-11-20T02:00:00.000Z",
                "updated": "2026-11-20T03:00:00.000Z",
                "device_id": "3f2a",
                "status": "finalized",
                "answers": {
                  "age": 4,
                  "age_group": "young",
                  "child_name": "ด.ญ. มะลิ ใจดี",
                  "household": [
                    {
                      "member_name": "นางสมศรี ใจดี",
                      "visits": [
                        {
                          "visit_date": "2026-11-01"
                        },
                        {
                          "visit_date": "2026-11-15"
                        }
                      ]
                    },
                    {
                      "member_name": "นายสมชาย ใจดี"
                    }
                  ],
                  "needs": [
                    "food",
                    "health"
                  ],
                  "province": "phayao"
                }
              },
              {
                "id": "019ab0b2-8c60-7a11-8f00-00000000000b",
                "form_id": "child-visit",
                "form_version": "1",
                "form_hash": "8110a2a2b409ad5dbf958d1b8b5163b924053ac6ad22f0ce98b6d814c0df6727",
                "created": "2026-11-20T02:00:00.000Z",
                "updated": "2026-11-20T04:00:00.000Z",
                "device_id": "3f2a",
                "status": "finalized",
                "answers": {
                  "age": 9,
                  "age_group": "school",
                  "child_name": "ด.ช. ต้นกล้า \"ตัวเล็ก\", น้องชาย",
                  "needs": [],
                  "province": "loei"
                }
              }
            ]
        "#]],
    );
}

#[test]
fn decrypt_with_a_passphrase() {
    check(
        &[
            "decrypt",
            "--passphrase-file",
            "passphrase.txt",
            "-o",
            "out",
            "77aa-1.yim.age",
        ],
        0,
        expect![[r#"
            opened 1 bundle from 1 device: 1 response of 1 form
            device 77aa: have 1
            wrote out/child-visit.csv (1 response)
            wrote out/child-visit-household.csv (0 rows)
            wrote out/child-visit-visits.csv (0 rows)
            == out/child-visit-household.csv
            member_name,PARENT_KEY,KEY
            == out/child-visit-visits.csv
            visit_date,PARENT_KEY,KEY
            == out/child-visit.csv
            child_name,age,province,needs,age_group,KEY,FormVersion,DeviceID,Created,Updated,Status
            ด.ช. ภูผา,11,,,school,019ab0b2-8c60-7a11-8f00-00000000000e,1,77aa,2026-11-20T02:00:00.000Z,2026-11-22T07:00:00.000Z,finalized
        "#]],
    );
    check(
        &[
            "decrypt",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "77aa-1.yim.age",
        ],
        2,
        expect![[r#"
        stderr: 77aa-1.yim.age: this bundle is protected by a passphrase, but no passphrase was given
        stderr: yim: nothing was written: 1 of 1 bundle file could not be opened
    "#]],
    );
}

#[test]
fn decrypt_writes_nothing_when_any_bundle_is_bad() {
    check(
        &[
            "decrypt",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "3f2a-1.yim.age",
            "stranger.yim.age",
            "tampered.yim.age",
            "truncated.yim.age",
            "missing.yim.age",
        ],
        2,
        expect![[r#"
            stderr: stranger.yim.age: this bundle is not addressed to any of your keys
            stderr: tampered.yim.age: this bundle was changed or cut short after it was made (part of its content fails authentication)
            stderr: truncated.yim.age: this bundle is cut short inside its age header
            stderr: missing.yim.age: no such file
            stderr: yim: nothing was written: 4 of 5 bundle files could not be opened
        "#]],
    );
}

#[test]
fn decrypt_never_mixes_with_earlier_output() {
    let (code, text) = run(
        &[
            "decrypt",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "3f2a-1.yim.age",
        ],
        |dir| {
            std::fs::create_dir(dir.join("out")).unwrap();
            std::fs::write(dir.join("out/old.csv"), "KEY\n").unwrap();
        },
    );
    assert_eq!(code, 2);
    expect![[r#"
        stderr: yim: expected a new or empty folder for the output, but out already holds files (yim does not mix new results with old ones)
        == out/old.csv
        KEY
    "#]].assert_eq(&text);
    // An empty folder is fine: it is replaced by the result, which only its
    // owner can read.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_yim"))
        .args(["decrypt", "-i", "office-key.txt", "3f2a-1.yim.age", "-o"])
        .arg(dir.path().join("out"))
        .current_dir(FIXTURES)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0), "{status:?}");
    assert!(dir.path().join("out/child-visit.csv").is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("out"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}

#[test]
fn decrypt_usage_errors() {
    let usage_error = |args: &[&str], expect: Expect| {
        let (code, text) = run(args, |_| {});
        assert_eq!(code, 2);
        expect.assert_eq(text.lines().next().unwrap_or(""));
    };
    usage_error(
        &["decrypt", "-o", "out", "3f2a-1.yim.age"],
        expect!["stderr: yim: decrypt needs -i KEY_FILE (or --passphrase-file FILE)"],
    );
    usage_error(
        &["decrypt", "-i", "office-key.txt", "3f2a-1.yim.age"],
        expect!["stderr: yim: decrypt needs -o FOLDER for the results"],
    );
    usage_error(
        &["decrypt", "-i", "office-key.txt", "-o", "out"],
        expect!["stderr: yim: decrypt needs at least one bundle file"],
    );
    usage_error(
        &[
            "decrypt",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "--format",
            "xlsx",
            "3f2a-1.yim.age",
        ],
        expect!["stderr: yim: expected --format csv or json, but found `xlsx`"],
    );
    check(
        &[
            "decrypt",
            "-i",
            "stranger.yim.age",
            "-o",
            "out",
            "3f2a-1.yim.age",
        ],
        2,
        expect![[r#"
        stderr: yim: stranger.yim.age: expected an age identity file (text), but found other bytes
    "#]],
    );
}

#[test]
fn keygen_writes_an_age_identity_file() {
    let dir = tempfile::tempdir().unwrap();
    let yim = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_yim"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = yim(&["keygen", "-o", "key.txt"]);
    assert_eq!(out.status.code(), Some(0));
    let public = String::from_utf8(out.stdout).unwrap();
    let file = std::fs::read_to_string(dir.path().join("key.txt")).unwrap();
    let lines: Vec<&str> = file.lines().collect();
    // The same three lines as age-keygen: when, the public key, the secret key.
    assert_eq!(lines.len(), 3, "{file}");
    assert!(
        lines[0].starts_with("# created: 20") && lines[0].ends_with('Z'),
        "{file}"
    );
    assert_eq!(
        format!("{}\n", lines[1].strip_prefix("# public key: ").unwrap()),
        public
    );
    assert!(public.starts_with("age1") && public.len() == 63);
    assert!(lines[2].starts_with("AGE-SECRET-KEY-1"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("key.txt"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Debian's age-keygen reads the file and finds the same public key.
    let age = Command::new("/usr/bin/age-keygen")
        .args(["-y", "key.txt"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(age.stdout).unwrap(), public);

    // An existing file, key or not, is never replaced.
    let again = yim(&["keygen", "-o", "key.txt"]);
    assert_eq!(again.status.code(), Some(2));
    expect![[r#"
        yim: expected a new file for the key, but key.txt already exists (yim never overwrites a key)
    "#]].assert_eq(&String::from_utf8(again.stderr).unwrap());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("key.txt")).unwrap(),
        file
    );

    let usage = yim(&["keygen"]);
    assert_eq!(usage.status.code(), Some(2));
    expect!["yim: keygen needs -o FILE for the new key"].assert_eq(
        String::from_utf8(usage.stderr)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    );
}

// ---------------------------------------------------------------------------
// The fixtures.

static FIXTURES_MADE: Once = Once::new();

/// Makes the fixture bundles again when `UPDATE_BUNDLES` is set; otherwise
/// the committed ones are used as they are.
fn make_fixtures() {
    if std::env::var_os("UPDATE_BUNDLES").is_none() {
        return;
    }
    FIXTURES_MADE.call_once(fixtures::write_all);
}

mod fixtures {
    use serde_json::{json, Value};
    use yim_bundle::{
        build, seal, BundleForm, BundleHeader, Identity, Passphrase, Recipients, Response,
    };

    use super::FIXTURES;

    fn read(name: &str) -> String {
        std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
    }

    fn key(name: &str) -> Recipients {
        Recipients::Keys(vec![Identity::parse_file(&read(name))
            .unwrap()
            .remove(0)
            .to_public()])
    }

    fn passphrase() -> Recipients {
        let text = read("passphrase.txt");
        Recipients::Passphrase(Passphrase::new(text.trim_end().to_string()).with_work_factor(10))
    }

    /// A source form resolved the way the app resolves it before export.
    fn form(file: &str) -> BundleForm {
        let files = yim_form::MemFiles::new().with(file, read(file));
        let (form, diagnostics) = yim_form::load(file, &files);
        assert!(diagnostics.is_empty(), "{file}: {diagnostics:?}");
        let form = form.unwrap();
        BundleForm {
            id: form.id.clone(),
            version: form.version.clone(),
            yaml: yim_form::to_yaml(&form),
        }
    }

    fn response(
        n: char,
        form: &BundleForm,
        device: &str,
        updated: &str,
        answers: Value,
    ) -> Response {
        Response {
            id: format!("019ab0b2-8c60-7a11-8f00-00000000000{n}"),
            form_id: form.id.clone(),
            form_version: form.version.clone(),
            form_hash: form.hash(),
            created: "2026-11-20T02:00:00.000Z".into(),
            updated: updated.into(),
            device_id: device.into(),
            status: "finalized".into(),
            answers,
        }
    }

    fn bundle(
        name: &str,
        device: &str,
        sequence: u64,
        forms: &[&BundleForm],
        responses: &[Response],
        to: fn() -> Recipients,
    ) {
        let sealed: Vec<_> = responses.iter().map(|r| seal(r, &to()).unwrap()).collect();
        let header = BundleHeader {
            id: format!("019ab0c0-0000-7000-8000-{:0>8}{sequence:04}", device),
            created: format!("2026-11-2{sequence}T10:00:00.000Z"),
            device_id: device.into(),
            sequence,
        };
        let forms = forms.iter().map(|f| (*f).clone()).collect();
        let bytes = build(&header, forms, &sealed, &to()).unwrap();
        std::fs::write(format!("{FIXTURES}/{name}"), bytes).unwrap();
    }

    pub(super) fn write_all() {
        let v1 = form("child-visit-v1.yaml");
        let v2 = form("child-visit-v2.yaml");
        let office = || key("office-key.txt");
        let a = response(
            'a',
            &v1,
            "3f2a",
            "2026-11-20T03:00:00.000Z",
            json!({
                "child_name": "ด.ญ. มะลิ ใจดี", "age": 4, "province": "phayao", "needs": ["food", "health"],
                "age_group": "young",
                "household": [
                    {"member_name": "นางสมศรี ใจดี", "visits": [{"visit_date": "2026-11-01"}, {"visit_date": "2026-11-15"}]},
                    {"member_name": "นายสมชาย ใจดี"}
                ]
            }),
        );
        let b = response(
            'b',
            &v1,
            "3f2a",
            "2026-11-20T04:00:00.000Z",
            json!({"child_name": "ด.ช. ต้นกล้า \"ตัวเล็ก\", น้องชาย", "age": 9, "province": "loei", "needs": [], "age_group": "school"}),
        );
        let c = response(
            'c',
            &v2,
            "3f2a",
            "2026-11-21T05:00:00.000Z",
            json!({"child_name": "ด.ญ. ใบเตย", "age": 7, "phone": "0812345678", "province": "phayao", "needs": ["school"], "age_group": "school"}),
        );
        let mut a_changed = a.clone();
        a_changed.updated = "2026-11-23T08:30:00+07:00".into();
        a_changed.answers["age"] = 5.into();
        let d = response(
            'd',
            &v2,
            "9b1c",
            "2026-11-22T06:00:00.000Z",
            json!({"child_name": "น้องฟ้า\nบรรทัดที่สอง", "age": 3, "province": "loei", "needs": ["health"], "old_field": "kept", "age_group": "young"}),
        );
        let e = response(
            'e',
            &v1,
            "77aa",
            "2026-11-22T07:00:00.000Z",
            json!({"child_name": "ด.ช. ภูผา", "age": 11, "age_group": "school"}),
        );

        bundle(
            "3f2a-1.yim.age",
            "3f2a",
            1,
            &[&v1],
            &[a.clone(), b.clone()],
            office,
        );
        bundle(
            "3f2a-2.yim.age",
            "3f2a",
            2,
            &[&v1, &v2],
            &[b.clone(), c],
            office,
        );
        bundle("3f2a-4.yim.age", "3f2a", 4, &[&v1], &[a_changed], office);
        bundle("9b1c-1.yim.age", "9b1c", 1, &[&v2], &[d], office);
        bundle("77aa-1.yim.age", "77aa", 1, &[&v1], &[e], passphrase);
        bundle(
            "stranger.yim.age",
            "5e5e",
            1,
            &[&v1],
            std::slice::from_ref(&a),
            || key("stranger-key.txt"),
        );

        // A form text that no version of yim reads as a form, and answers
        // with a list no form question describes.
        let unreadable = BundleForm {
            id: "old-form".into(),
            version: "0.9".into(),
            yaml: "form: {id: old-form\n".into(),
        };
        let f = response(
            'f',
            &unreadable,
            "5e5e",
            "2026-11-22T08:00:00.000Z",
            json!({"name": "ลำดวน", "pets": [{"kind": "แมว"}, {"kind": "หมา", "age": 2}]}),
        );
        bundle("old-form.yim.age", "5e5e", 1, &[&unreadable], &[f], office);

        let good = std::fs::read(format!("{FIXTURES}/3f2a-1.yim.age")).unwrap();
        let mut tampered = good.clone();
        let middle = good.len() / 2;
        tampered[middle] ^= 0x20;
        std::fs::write(format!("{FIXTURES}/tampered.yim.age"), tampered).unwrap();
        std::fs::write(format!("{FIXTURES}/truncated.yim.age"), &good[..100]).unwrap();
    }
}
