//! The committed test vectors: `tests/vectors/NAME.yim.age`, each with a
//! sidecar `NAME.expect` that states the expected outcome.
//!
//! A sidecar starts with `#` comments that say what the vector is, then a
//! line `expect: OUTCOME` (`ok`, `wrong key`, `bad MAC`, `truncated`,
//! `hash mismatch`, `unknown version`, `malformed`), then `---` and what
//! opening the vector gives: the contents for `ok`, the message otherwise.
//!
//! The outcome line is the specification and is only ever written by hand
//! or by the generator. The part after `---` is refreshed with
//! `UPDATE_EXPECT=1`. The vectors themselves are made again with
//! `UPDATE_VECTORS=1`; age encryption is randomized, so that changes every
//! byte, and is only needed when the format changes.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::*;
use yim_bundle::{build, open, seal, BundleHeader, ErrorKind, OpenedBundle, Recipients, Response};
use yim_form::answers::AnswerRecord;
use yim_form::case::{CaseAction, CaseChange};

#[test]
fn vectors() {
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        generate();
    }
    let mut names: Vec<String> = std::fs::read_dir(VECTORS)
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".yim.age").map(str::to_string))
        .collect();
    names.sort();
    assert!(
        names.len() >= 15,
        "expected the committed vectors in {VECTORS}, but found {names:?}"
    );
    let office = office();
    let mut failures = Vec::new();
    for name in &names {
        let bytes = std::fs::read(Path::new(VECTORS).join(format!("{name}.yim.age"))).unwrap();
        let sidecar_path = Path::new(VECTORS).join(format!("{name}.expect"));
        let sidecar = std::fs::read_to_string(&sidecar_path)
            .unwrap_or_else(|_| panic!("expected {name}.expect next to {name}.yim.age"));
        let (head, body) = sidecar
            .split_once("\n---\n")
            .unwrap_or((sidecar.trim_end(), ""));
        let expected = head
            .lines()
            .find_map(|l| l.strip_prefix("expect: "))
            .unwrap_or_else(|| panic!("{name}.expect has no `expect:` line"));
        let (outcome, text) = match open(&bytes, &office) {
            Ok(opened) => {
                failures.extend(answers_unread(name, &opened));
                ("ok", describe(&opened))
            }
            Err(e) => (keyword(e.kind()), format!("message: {e}\n")),
        };
        if outcome != expected {
            failures.push(format!(
                "{name}: expected `{expected}`, but found `{outcome}`: {text}"
            ));
            continue;
        }
        if body != text {
            if std::env::var_os("UPDATE_EXPECT").is_some()
                || std::env::var_os("UPDATE_VECTORS").is_some()
            {
                std::fs::write(&sidecar_path, format!("{head}\n---\n{text}")).unwrap();
            } else {
                failures.push(format!(
                    "{name}: the outcome is right, but the details differ (UPDATE_EXPECT=1 refreshes them)\n  expected: {body:?}\n  found:    {text:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The responses of an opened vector whose answers do not read as the
/// stored answers' record type, or do not write back as they were: bundles
/// already sent must keep reading whatever that type becomes.
fn answers_unread(name: &str, b: &OpenedBundle) -> Vec<String> {
    b.responses
        .iter()
        .filter_map(|r| match AnswerRecord::from_json(&r.answers) {
            Ok(record) if record.to_json() == r.answers => None,
            Ok(record) => Some(format!(
                "{name}: response {} writes back as {}, not {}",
                r.id,
                record.to_json(),
                r.answers
            )),
            Err(e) => Some(format!("{name}: response {}: {e}", r.id)),
        })
        .collect()
}

/// The outcome words used in the sidecars.
fn keyword(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::NotAddressed => "wrong key",
        ErrorKind::BadMac => "bad MAC",
        ErrorKind::Truncated => "truncated",
        ErrorKind::HashMismatch => "hash mismatch",
        ErrorKind::UnknownVersion => "unknown version",
        ErrorKind::Malformed => "malformed",
        ErrorKind::InvalidInput => "invalid input",
        _ => "an error kind this test does not know",
    }
}

/// An opened bundle in a few lines: the manifest's facts and every
/// response's answers.
fn describe(b: &OpenedBundle) -> String {
    let m = &b.manifest;
    let mut out = format!(
        "bundle {} from device {}, export {}, made {}\n",
        m.bundle_id, m.device_id, m.sequence, m.created
    );
    for f in &b.forms {
        writeln!(
            out,
            "form {} {} ({} bytes of YAML, hash {})",
            f.id,
            f.version,
            f.yaml.len(),
            f.hash()
        )
        .unwrap();
    }
    for r in &b.responses {
        writeln!(
            out,
            "response {} of {} {}, {}, updated {}: {}",
            r.id, r.form_id, r.form_version, r.status, r.updated, r.answers
        )
        .unwrap();
        if let Some(case) = &r.case {
            writeln!(out, "  case: {}", serde_json::to_string(case).unwrap()).unwrap();
        }
    }
    for a in &b.attachments {
        writeln!(
            out,
            "attachment {} of response {}: {} bytes, SHA-256 {}",
            a.name,
            a.response_id,
            a.bytes.len(),
            yim_form::publish::sha256_hex(&a.bytes)
        )
        .unwrap();
    }
    out
}

// ---------------------------------------------------------------------------
// Making the vectors. Everything is built with the public API where it can
// be; the damaged ones start from a good vector and change it the way a
// broken transfer or a meddler would.

fn generate() {
    let keys = || to(TEST_KEY);
    let good = bundle(&header(1), &responses(), &keys(), &keys());
    write(
        "ok-keys",
        "A bundle of two responses (Thai text, a repeat) addressed to test-key.txt.",
        "ok",
        &good,
    );
    let mut with_case = responses();
    with_case[1].case = Some(CaseChange {
        list: "children".into(),
        id: "019ab0b2-8c60-7a11-8f00-0000000000ca".into(),
        action: CaseAction::Create,
        label: Some("ด.ช. ต้นกล้า (ต้น)".into()),
        properties: [("risk_level", "high"), ("status", "open")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    });
    write(
        "ok-case",
        "The same responses; the second opens a case (format version 2).",
        "ok",
        &bundle(&header(1), &with_case, &keys(), &keys()),
    );
    {
        // A JPEG's first bytes and some more: the format carries any bytes.
        let photo: Vec<u8> = [0xff, 0xd8, 0xff, 0xe0]
            .into_iter()
            .chain((0..2000u32).map(|i| (i * 7 % 251) as u8))
            .collect();
        let rs = responses();
        let mut writer = yim_bundle::BundleWriter::new(&header(1), vec![form()], &keys()).unwrap();
        writer.add(&seal(&rs[0], &keys()).unwrap()).unwrap();
        let attachment = yim_bundle::seal_attachment("child-photo.jpg", &photo, &keys()).unwrap();
        writer
            .add_with_attachments(&seal(&rs[1], &keys()).unwrap(), &[attachment])
            .unwrap();
        write(
            "ok-photo",
            "The same responses; the second carries a photo (format version 3).",
            "ok",
            &writer.finish().unwrap(),
        );
    }
    write(
        "ok-passphrase",
        "The same responses, bundle and sealed responses protected by the test passphrase\n(scrypt work factor 2^10).",
        "ok",
        &bundle(
            &header(2),
            &responses(),
            &Recipients::Passphrase(passphrase()),
            &Recipients::Passphrase(passphrase()),
        ),
    );
    let both = || {
        Recipients::Keys(vec![
            key(STRANGER_KEY).to_public(),
            key(TEST_KEY).to_public(),
        ])
    };
    write(
        "ok-two-recipients",
        "Addressed to stranger-key.txt and test-key.txt; either key opens it.",
        "ok",
        &bundle(&header(3), &responses(), &both(), &both()),
    );
    write(
        "wrong-key",
        "Addressed to stranger-key.txt only.",
        "wrong key",
        &bundle(
            &header(4),
            &responses(),
            &to(STRANGER_KEY),
            &to(STRANGER_KEY),
        ),
    );
    {
        let mut sealed: Vec<_> = responses()
            .iter()
            .map(|r| seal(r, &keys()).unwrap())
            .collect();
        sealed[1] = seal(&responses()[1], &to(STRANGER_KEY)).unwrap();
        let bytes = build(&header(5), vec![form()], &sealed, &keys()).unwrap();
        write(
            "wrong-key-response",
            "The bundle opens with test-key.txt, but its second response is sealed to stranger-key.txt.",
            "wrong key",
            &bytes,
        );
    }

    let header_end = age_header_end(&good);
    let mut bad_mac = good.clone();
    let mac_at = find(&good, b"\n--- ") + 5;
    bad_mac[mac_at] = if bad_mac[mac_at] == b'A' { b'B' } else { b'A' };
    write(
        "bad-mac-header",
        "ok-keys with the first letter of the age header's MAC changed.",
        "bad MAC",
        &bad_mac,
    );
    let mut flipped = good.clone();
    let middle = header_end + (good.len() - header_end) / 2;
    flipped[middle] ^= 0x01;
    write(
        "bad-mac-payload",
        "ok-keys with one bit of the encrypted payload flipped, halfway through.",
        "bad MAC",
        &flipped,
    );
    write(
        "truncated-header",
        "ok-keys cut in the middle of its age header.",
        "truncated",
        &good[..header_end / 2],
    );
    write(
        "truncated-last-chunk",
        "ok-keys without its last 20 bytes. A cut inside the last chunk cannot be\ntold from a change, so age (and yim) report it as a failed MAC.",
        "bad MAC",
        &good[..good.len() - 20],
    );
    {
        // Over 64 KiB of archive, so that the payload has two chunks: then a
        // cut exactly after the first chunk is certain to be a cut.
        let mut big = form();
        big.yaml
            .push_str(&"# padding so that this bundle needs two age chunks\n".repeat(1400));
        let sealed: Vec<_> = responses()
            .into_iter()
            .map(|mut r| {
                r.form_hash = big.hash();
                seal(&r, &keys()).unwrap()
            })
            .collect();
        let bytes = build(&header(6), vec![big], &sealed, &keys()).unwrap();
        let end = age_header_end(&bytes);
        let cut = end + 16 + 64 * 1024 + 16;
        assert!(bytes.len() > cut, "the padded bundle has two chunks");
        write(
            "truncated-chunk",
            "A bundle of two age chunks (64 KiB each at most) cut exactly after the\nfirst chunk, the way a download that stopped between buffers looks.",
            "truncated",
            &bytes[..cut],
        );
    }
    write("empty", "A file of zero bytes.", "truncated", b"");
    write(
        "not-age",
        "A text file that is not an age file at all.",
        "malformed",
        "ชื่อเด็ก,อายุ\nมะลิ,4\n".as_bytes(),
    );

    write(
        "unknown-version",
        "A well-encrypted bundle whose manifest says \"format_version\": 4.",
        "unknown version",
        &rewrap(&good, |files| {
            edit_manifest(files, |m| m["format_version"] = 4.into());
        }),
    );
    write(
        "unknown-version-response",
        "A bundle whose second sealed response says \"format_version\": 3; the\nmanifest's SHA-256 matches the sealed file.",
        "unknown version",
        &rewrap(&good, |files| {
            let mut doc: serde_json::Value = serde_json::to_value(&responses()[1]).unwrap();
            doc["format_version"] = 3.into();
            let sealed = age::encrypt(&key(TEST_KEY).to_public_age(), doc.to_string().as_bytes()).unwrap();
            set_response(files, ID_B, sealed);
        }),
    );
    write(
        "hash-mismatch",
        "The first response's sealed file was replaced by a new sealing of the same\nresponse, so it decrypts, but its SHA-256 is not the one in the manifest.",
        "hash mismatch",
        &rewrap(&good, |files| {
            let again = seal(&responses()[0], &keys()).unwrap().sealed;
            let path = format!("responses/{ID_A}.json.age");
            files.iter_mut().find(|(p, _)| *p == path).unwrap().1 = again;
        }),
    );
    write(
        "swapped-response",
        "The first response's file holds the second response, and the manifest's\nSHA-256 was updated to match: the check of ids inside catches it.",
        "hash mismatch",
        &rewrap(&good, |files| {
            let b = seal(&responses()[1], &keys()).unwrap().sealed;
            set_response(files, ID_A, b);
        }),
    );
    write(
        "unlisted-file",
        "A bundle with one more sealed response that manifest.json does not list.",
        "malformed",
        &rewrap(&good, |files| {
            let mut extra = responses()[0].clone();
            extra.id = "019ab0b2-8c60-7a11-8f00-0000000000ff".into();
            files.push((
                format!("responses/{}.json.age", extra.id),
                seal(&extra, &keys()).unwrap().sealed,
            ));
        }),
    );
}

/// Seals `responses` to `sealed_to` and bundles them to `bundle_to`.
fn bundle(
    header: &BundleHeader,
    responses: &[Response],
    sealed_to: &Recipients,
    bundle_to: &Recipients,
) -> Vec<u8> {
    let sealed: Vec<_> = responses
        .iter()
        .map(|r| seal(r, sealed_to).unwrap())
        .collect();
    build(header, vec![form()], &sealed, bundle_to).unwrap()
}

fn write(name: &str, about: &str, expect: &str, bytes: &[u8]) {
    std::fs::write(Path::new(VECTORS).join(format!("{name}.yim.age")), bytes).unwrap();
    let about: String = about.lines().map(|l| format!("# {l}\n")).collect();
    std::fs::write(
        Path::new(VECTORS).join(format!("{name}.expect")),
        format!("{about}# Made by tests/vectors.rs with the TEST ONLY keys in this folder.\nexpect: {expect}\n---\n"),
    )
    .unwrap();
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap()
}

/// Where the age header ends: after the newline of its `---` MAC line.
fn age_header_end(file: &[u8]) -> usize {
    let mac = find(file, b"\n--- ") + 1;
    mac + file[mac..].iter().position(|&b| b == b'\n').unwrap() + 1
}

/// Puts `sealed` in the file of response `id` and updates its SHA-256.
fn set_response(files: &mut Files, id: &str, sealed: Vec<u8>) {
    let sha = yim_form::publish::sha256_hex(&sealed);
    let path = format!("responses/{id}.json.age");
    files.iter_mut().find(|(p, _)| *p == path).unwrap().1 = sealed;
    edit_manifest(files, |m| {
        for r in m["responses"].as_array_mut().unwrap() {
            if r["id"] == id {
                r["sha256"] = sha.clone().into();
            }
        }
    });
}
