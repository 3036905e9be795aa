//! Opening a bundle as a stream: responses are handed over as they are
//! decrypted, and a bundle cut short or changed anywhere gives an error, so
//! that a caller that kept what it was handed can drop it.

mod common;

use common::*;
use expect_test::expect;
use yim_bundle::{build, open, open_reader, seal, Part, Response};

/// A bundle of 300 responses with long answers: about 450 KB, so seven of
/// age's 64 KiB chunks, and a cut in its middle falls after many responses.
fn large() -> &'static (Vec<u8>, Vec<Response>) {
    static LARGE: std::sync::OnceLock<(Vec<u8>, Vec<Response>)> = std::sync::OnceLock::new();
    LARGE.get_or_init(make_large)
}

fn make_large() -> (Vec<u8>, Vec<Response>) {
    let to = to(TEST_KEY);
    let responses: Vec<Response> = (0..300)
        .map(|i| {
            let id = format!("019ab0b2-8c60-7a11-8f00-{i:012}");
            response(&id, "2026-11-23T09:20:00.000Z", &"ด.ญ. มะลิ ใจดี ".repeat(20))
        })
        .collect();
    let sealed: Vec<_> = responses.iter().map(|r| seal(r, &to).unwrap()).collect();
    let bundle = build(&header(1), vec![form()], &sealed, &to).unwrap();
    (bundle, responses)
}

#[test]
fn a_streamed_bundle_hands_over_every_response_in_order() {
    let (bundle, responses) = large();
    assert!(bundle.len() > 6 * 65_536, "{} bytes", bundle.len());
    let mut handed = Vec::new();
    let opened = open_reader(bundle.as_slice(), &office(), |part| match part {
        Part::Response(r) => handed.push(r),
        Part::Attachment(a) => panic!("no attachment was sealed, but {} came", a.name),
    })
    .unwrap();
    assert_eq!(&handed, responses);
    assert!(opened.responses.is_empty());
    assert_eq!(opened.manifest.responses.len(), 300);
    assert_eq!(opened.forms, vec![form()]);
    assert_eq!(&open(bundle, &office()).unwrap().responses, responses);
}

#[test]
fn a_bundle_cut_short_after_responses_were_handed_over_does_not_open() {
    let (bundle, _) = large();
    // Cut inside a chunk, at a chunk's end (age's payload starts after the
    // header with a 16-byte nonce; each full chunk is 64 KiB and a 16-byte
    // tag), and just before the end, where only the manifest is missing.
    let header_end = bundle.windows(5).position(|w| w == b"\n--- ").unwrap();
    let header_end = header_end
        + bundle[header_end + 1..]
            .iter()
            .position(|&b| b == b'\n')
            .unwrap()
        + 2;
    let chunk_end = header_end + 16 + 3 * (65_536 + 16);
    for (cut, expect) in [
        (
            bundle.len() / 2,
            expect!["BadMac: this bundle was changed or cut short after it was made (part of its content fails authentication)"],
        ),
        (
            chunk_end,
            expect!["Truncated: this bundle is cut short: its last part is missing"],
        ),
        (
            bundle.len() - 1,
            expect!["BadMac: this bundle was changed or cut short after it was made (part of its content fails authentication)"],
        ),
    ] {
        let mut handed = 0;
        let e = open_reader(&bundle[..cut], &office(), |_| handed += 1).unwrap_err();
        expect.assert_eq(&format!("{:?}: {e}", e.kind()));
        // The cuts fall after a third of the responses or later.
        assert!(handed >= 90, "cut at {cut}: only {handed} responses came before the error");
    }
}

#[test]
fn a_changed_byte_anywhere_makes_the_whole_bundle_fail() {
    let (bundle, _) = large();
    // A byte of the last chunk is read only after every response was handed
    // over: the error still comes, and the caller drops them.
    for (at, all) in [(bundle.len() / 3, false), (bundle.len() - 20, true)] {
        let mut changed = bundle.clone();
        changed[at] ^= 1;
        let mut handed = 0;
        let e = open_reader(changed.as_slice(), &office(), |_| handed += 1).unwrap_err();
        assert_eq!(handed == 300, all, "changed at {at}: {handed} handed over");
        expect!["BadMac: this bundle was changed or cut short after it was made (part of its content fails authentication)"]
            .assert_eq(&format!("{:?}: {e}", e.kind()));
    }
}
