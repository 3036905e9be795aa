//! Regression tests, each named after the defect of issue 17 it guards.
//! Every one failed (or aborted the test run) before its fix.

mod common;

use common::*;
use expect_test::expect;
use yim_bundle::open;

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
            expect!["Malformed: the archive inside this bundle is damaged: expected at most 1536 bytes for `manifest.json`, but its header claims 4611686018427387904"],
        ),
        (
            2000,
            expect!["Malformed: the archive inside this bundle is damaged: expected at most 1536 bytes for `manifest.json`, but its header claims 2000"],
        ),
    ] {
        let bundle = bundle_claiming(size, b"{}");
        let e = open(&bundle, &office()).unwrap_err();
        expect.assert_eq(&format!("{:?}: {e}", e.kind()));
    }
}

