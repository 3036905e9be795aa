//! Regression tests, each named after the defect of issue 17 it guards.
//! Every one failed (or aborted the test run) before its fix.

mod common;

use common::*;
use expect_test::expect;
use yim_bundle::{open, Manifest, ManifestForm, ManifestResponse, Merger, OpenedBundle, Response};

/// A bundle whose archive holds one `manifest.json` entry that claims
/// `size` bytes but carries only `body`, encrypted to the test key the way
/// a forger who knows the public key would.
fn bundle_claiming(size: u64, body: &[u8]) -> Vec<u8> {
    let mut header = tar::Header::new_gnu();
    header.set_path("manifest.json").unwrap();
    header.set_size(size);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    let mut archive = header.as_bytes().to_vec();
    archive.extend_from_slice(body);
    archive.resize(archive.len().div_ceil(512) * 512 + 1024, 0);
    let recipient: age::x25519::Recipient = key(TEST_KEY).to_public().to_string().parse().unwrap();
    age::encrypt(&recipient, &archive).unwrap()
}

#[test]
fn defect_2_huge_tar_entry_size_is_refused() {
    // 2^62 bytes went straight to `Vec::with_capacity` and aborted the
    // process; a size just past the end of the archive must fail as well.
    for (size, expect) in [
        (
            1u64 << 62,
            expect!["Malformed: the archive inside this bundle is damaged: expected at most 100663296 bytes for `manifest.json`, but its header claims 4611686018427387904"],
        ),
        (
            2000,
            expect!["Malformed: the archive inside this bundle is damaged: expected 2000 bytes for `manifest.json`, but the archive ends after 1536"],
        ),
    ] {
        let bundle = bundle_claiming(size, b"{}");
        let e = open(&bundle, &office()).unwrap_err();
        expect.assert_eq(&format!("{:?}: {e}", e.kind()));
    }
}

/// An opened bundle made by hand, to test merging without encryption.
fn opened(device: &str, sequence: u64, rs: Vec<Response>) -> OpenedBundle {
    let f = form();
    OpenedBundle {
        manifest: Manifest {
            format_version: 1,
            bundle_id: format!(
                "019ab0c0-0000-7000-8000-{:04}{:08}",
                device.len(),
                sequence % 100_000_000
            ),
            created: "2026-11-23T10:00:00Z".into(),
            device_id: device.into(),
            sequence,
            forms: vec![ManifestForm {
                id: f.id.clone(),
                version: f.version.clone(),
                hash: f.hash(),
            }],
            responses: rs
                .iter()
                .map(|r| ManifestResponse {
                    id: r.id.clone(),
                    form_id: r.form_id.clone(),
                    form_version: r.form_version.clone(),
                    form_hash: r.form_hash.clone(),
                    sha256: "0".repeat(64),
                    attachments: Vec::new(),
                })
                .collect(),
        },
        forms: vec![f],
        responses: rs,
        attachments: Vec::new(),
    }
}

/// What merging `bundles` reports, one line per fact.
fn merged(bundles: Vec<OpenedBundle>) -> String {
    let mut m = Merger::new();
    for b in bundles {
        m.add(b);
    }
    let merged = m.finish();
    let mut out = String::new();
    for d in &merged.devices {
        out += &format!("{d}\n");
    }
    for w in &merged.warnings {
        out += &format!("{w}\n");
    }
    for c in &merged.conflicts {
        out += &format!("{c}\n");
        for copy in &c.left_out {
            out += &format!(
                "  left out, kept whole: {} {}\n",
                copy.response.updated, copy.response.answers["child_name"]
            );
        }
    }
    out
}

#[test]
fn defect_9_foreign_device_and_unfinished_status_are_reported() {
    let [a, mut b] = <[Response; 2]>::try_from(responses()).unwrap();
    b.device_id = "9b1c".into();
    b.status = "draft".into();
    expect![[r#"
        device 3f2a: have 1
        response 019ab0b2-8c60-7a11-8f00-00000000000b was filled on device 9b1c, but came in device 3f2a's export 1
        response 019ab0b2-8c60-7a11-8f00-00000000000b has status `draft`, but only finalized responses are exported (from device 3f2a export 1)
    "#]]
    .assert_eq(&merged(vec![opened("3f2a", 1, vec![a, b])]));
}

#[test]
fn defect_9_sequence_at_u64_max_does_not_overflow() {
    expect![[r#"
        device 3f2a: have 1, 18446744073709551614-18446744073709551615; missing 2-18446744073709551613
    "#]]
    .assert_eq(&merged(vec![
        opened("3f2a", u64::MAX, vec![]),
        opened("3f2a", u64::MAX - 1, vec![]),
        opened("3f2a", 1, vec![]),
    ]));
}

#[test]
fn defect_9_the_losing_copy_of_a_conflict_is_kept_whole() {
    let a = responses().remove(0);
    let mut a_later = a.clone();
    a_later.updated = "2026-11-24T08:00:00+07:00".into();
    a_later.answers["child_name"] = "ด.ญ. มะลิ (แก้ไข)".into();
    expect![[r#"
        device 3f2a: have 1-2
        response 019ab0b2-8c60-7a11-8f00-00000000000a: 2 different copies; kept the one updated 2026-11-24T08:00:00+07:00 (from device 3f2a export 2), left out the one updated 2026-11-23T09:20:00.000Z (from device 3f2a export 1)
          left out, kept whole: 2026-11-23T09:20:00.000Z "ด.ญ. มะลิ ใจดี"
    "#]]
    .assert_eq(&merged(vec![
        opened("3f2a", 1, vec![a]),
        opened("3f2a", 2, vec![a_later]),
    ]));
}
