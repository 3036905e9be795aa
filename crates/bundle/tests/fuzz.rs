//! Property tests for `open`: mutated bundles, and bundles forged with the
//! public key around mutated archives, manifests and response documents,
//! always give an error or a bundle, never a panic or an abort. `cargo test`
//! runs a few cases; `make fuzz` sets `PROPTEST_CASES` to run many.

mod common;

use common::*;
use proptest::prelude::*;
use yim_bundle::{open, Identities};

/// The number of cases: few in `cargo test`, as many as `PROPTEST_CASES`
/// asks for in `make fuzz`.
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// The good bundle every case starts from: two responses to the test key.
const GOOD: &[u8] = include_bytes!("vectors/ok-keys.yim.age");

fn keys() -> Identities {
    [key(TEST_KEY)].into_iter().collect()
}

/// Encrypts `plaintext` to the test key, as anyone who knows the public key
/// can.
fn forge(plaintext: &[u8]) -> Vec<u8> {
    age::encrypt(&key_age().to_public(), plaintext).unwrap()
}

fn sha256(data: &[u8]) -> String {
    yim_form::publish::sha256_hex(data)
}

/// An edit of a byte string: where (0 to 1 of its length) and what.
#[derive(Clone, Debug)]
enum Edit {
    Flip(f64, u8),
    Insert(f64, Vec<u8>),
    Remove(f64, usize),
    Cut(f64),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let at = 0.0..1.0f64;
    let text = prop_oneof![
        prop::collection::vec(any::<u8>(), 1..8),
        prop::sample::select(
            &[
                "{",
                "}",
                "[",
                "]",
                "\"",
                ",",
                ":",
                "null",
                "-1",
                "18446744073709551615",
                "1e999",
                "\"format_version\": 2",
                "\\u0000",
                "\\ud800",
                "ก",
            ][..]
        )
        .prop_map(|s| s.as_bytes().to_vec()),
    ];
    prop::collection::vec(
        prop_oneof![
            (at.clone(), any::<u8>()).prop_map(|(a, b)| Edit::Flip(a, b)),
            (at.clone(), text).prop_map(|(a, b)| Edit::Insert(a, b)),
            (at.clone(), 1usize..64).prop_map(|(a, n)| Edit::Remove(a, n)),
            at.prop_map(Edit::Cut),
        ],
        1..5,
    )
}

fn apply(bytes: &mut Vec<u8>, edits: &[Edit]) {
    for e in edits {
        let place = |a: f64, len: usize| ((a * len as f64) as usize).min(len);
        match e {
            Edit::Flip(a, b) if !bytes.is_empty() => {
                let i = place(*a, bytes.len() - 1);
                bytes[i] ^= b | 1;
            }
            Edit::Flip(..) => {}
            Edit::Insert(a, new) => {
                let i = place(*a, bytes.len());
                bytes.splice(i..i, new.iter().copied());
            }
            Edit::Remove(a, n) => {
                let i = place(*a, bytes.len());
                let end = (i + n).min(bytes.len());
                bytes.drain(i..end);
            }
            Edit::Cut(a) => {
                let i = place(*a, bytes.len());
                bytes.truncate(i);
            }
        }
    }
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn fuzz_changed_bundles_never_open(edits in edits()) {
        // Any change to the bytes of a bundle is caught by age's
        // authentication or header parsing.
        let mut bytes = GOOD.to_vec();
        apply(&mut bytes, &edits);
        let result = open(&bytes, &keys());
        prop_assert!(bytes == GOOD || result.is_err(), "a changed bundle opened");
    }

    #[test]
    fn fuzz_forged_archives_open_or_explain(edits in edits()) {
        let mut tar_bytes = age::decrypt(&key_age(), GOOD).unwrap();
        apply(&mut tar_bytes, &edits);
        let _ = open(&forge(&tar_bytes), &keys());
    }

    #[test]
    fn fuzz_forged_manifests_open_or_explain(edits in edits()) {
        let mut files = unpack(&age::decrypt(&key_age(), GOOD).unwrap());
        let manifest = files.iter_mut().find(|(p, _)| p == "manifest.json").unwrap();
        apply(&mut manifest.1, &edits);
        let _ = open(&forge(&pack(&files)), &keys());
    }

    #[test]
    fn fuzz_forged_response_documents_open_or_explain(which in 0usize..2, edits in edits()) {
        // A response document changed and sealed again, with its checksum
        // in the manifest put right, so that the JSON reaches the parser.
        let mut files = unpack(&age::decrypt(&key_age(), GOOD).unwrap());
        let responses: Vec<usize> = files
            .iter()
            .enumerate()
            .filter(|(_, (p, _))| p.starts_with("responses/"))
            .map(|(i, _)| i)
            .collect();
        let i = responses[which % responses.len()];
        let mut document = age::decrypt(&key_age(), &files[i].1).unwrap();
        apply(&mut document, &edits);
        let sealed = forge(&document);
        let (old, new) = (sha256(&files[i].1), sha256(&sealed));
        files[i].1 = sealed;
        let manifest = files.iter_mut().find(|(p, _)| p == "manifest.json").unwrap();
        manifest.1 = String::from_utf8(manifest.1.clone()).unwrap().replace(&old, &new).into_bytes();
        let _ = open(&forge(&pack(&files)), &keys());
    }
}
