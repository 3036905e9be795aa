//! Photos in bundles: they come out byte for byte, and a bundle that lists
//! or holds attachments it should not is refused before anything is read.

mod common;

use common::*;
use yim_bundle::{
    open, open_reader, seal, seal_attachment, BundleWriter, ErrorKind, Part, SealedAttachment,
    MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES,
};

/// Bytes that start like a JPEG; the format carries any bytes.
fn photo(seed: u8) -> Vec<u8> {
    [0xff, 0xd8, 0xff, 0xe0]
        .into_iter()
        .chain((0..5000u32).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)))
        .collect()
}

/// A bundle of the two test responses, the second with `attachments`.
fn with_photos(attachments: &[SealedAttachment]) -> Vec<u8> {
    let rs = responses();
    let mut w = BundleWriter::new(&header(1), vec![form()], &to(TEST_KEY)).unwrap();
    w.add(&seal(&rs[0], &to(TEST_KEY)).unwrap()).unwrap();
    w.add_with_attachments(&seal(&rs[1], &to(TEST_KEY)).unwrap(), attachments)
        .unwrap();
    w.finish().unwrap()
}

fn sealed_photo(name: &str, seed: u8) -> SealedAttachment {
    seal_attachment(name, &photo(seed), &to(TEST_KEY)).unwrap()
}

/// What opening a bundle says, as `Kind: message`.
fn refusal(bundle: &[u8]) -> String {
    let e = open(bundle, &office()).unwrap_err();
    format!("{:?}: {e}", e.kind())
}

#[test]
fn photos_come_out_byte_for_byte_and_make_the_bundle_version_3() {
    let bundle = with_photos(&[sealed_photo("face.jpg", 1), sealed_photo("home-2.jpg", 2)]);
    let opened = open(&bundle, &office()).unwrap();
    assert_eq!(opened.manifest.format_version, 3);
    let got: Vec<(&str, &str, &[u8])> = opened
        .attachments
        .iter()
        .map(|a| (a.response_id.as_str(), a.name.as_str(), a.bytes.as_slice()))
        .collect();
    let id = responses()[1].id.clone();
    assert_eq!(
        got,
        vec![
            (id.as_str(), "face.jpg", photo(1).as_slice()),
            (id.as_str(), "home-2.jpg", photo(2).as_slice()),
        ]
    );
    // Without photos the bundle stays at the version older readers know.
    let plain = with_photos(&[]);
    assert_eq!(open(&plain, &office()).unwrap().manifest.format_version, 2);
}

#[test]
fn the_writer_refuses_unsafe_names_too_many_photos_and_huge_ones() {
    for name in [
        "../evil.jpg",
        "a/b.jpg",
        ".hidden",
        "",
        "ภาพ.jpg",
        "a\\b.jpg",
    ] {
        let e = seal_attachment(name, b"x", &to(TEST_KEY)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{name:?}: {e}");
    }
    let long = format!("{}.jpg", "a".repeat(yim_form::MAX_MEDIA_NAME));
    assert!(seal_attachment(&long, b"x", &to(TEST_KEY)).is_err());

    let rs = responses();
    let sealed = seal(&rs[0], &to(TEST_KEY)).unwrap();
    let many: Vec<SealedAttachment> = (0..=MAX_ATTACHMENTS)
        .map(|i| SealedAttachment {
            name: format!("p{i}.jpg"),
            sealed: vec![0],
        })
        .collect();
    let mut w = BundleWriter::new(&header(1), vec![form()], &to(TEST_KEY)).unwrap();
    let e = w.add_with_attachments(&sealed, &many).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "response {}: expected at most {MAX_ATTACHMENTS} attachments, but found {}",
            rs[0].id,
            MAX_ATTACHMENTS + 1
        )
    );
    let huge = SealedAttachment {
        name: "huge.jpg".into(),
        sealed: vec![0; MAX_ATTACHMENT_BYTES as usize + 1],
    };
    let e = w.add_with_attachments(&sealed, &[huge]).unwrap_err();
    assert!(
        e.to_string().contains("expected at most 16777216 bytes"),
        "{e}"
    );
    let twice = [sealed_photo("a.jpg", 1), sealed_photo("a.jpg", 2)];
    assert!(w.add_with_attachments(&sealed, &twice).is_err());
    // Nothing refused was added, so the response can still go in.
    w.add(&sealed).unwrap();
}

#[test]
fn a_manifest_naming_a_path_outside_the_folder_is_refused() {
    let good = with_photos(&[sealed_photo("face.jpg", 1)]);
    for hostile in [
        "../../home/office/.bashrc",
        "/etc/passwd",
        "a/../../b",
        "..",
    ] {
        let forged = rewrap(&good, |files| {
            edit_manifest(files, |m| {
                m["responses"][1]["attachments"][0]["name"] = hostile.into();
            })
        });
        let message = refusal(&forged);
        assert!(
            message.starts_with("Malformed: manifest.json: response ")
                && message.contains("expected an attachment name"),
            "{hostile}: {message}"
        );
    }
}

#[test]
fn an_archive_entry_that_climbs_out_of_media_is_refused() {
    let good = with_photos(&[sealed_photo("face.jpg", 1)]);
    let id = &responses()[1].id;
    let forged = rewrap(&good, |files| {
        for (path, _) in files.iter_mut() {
            if path.starts_with("media/") {
                // tar's own path setter refuses `..`; a forger writes bytes.
                *path = format!("media/{id}/face.jpg.age");
            }
        }
    });
    // The same name again opens: the check is on the name, not the bytes.
    assert!(open(&forged, &office()).is_ok());
    let tar_bytes = age::decrypt(&key_age(), &good).unwrap();
    let mut raw = tar_bytes.clone();
    let at = raw
        .windows(6)
        .position(|w| w == b"media/")
        .expect("the archive holds the photo");
    let climbing = format!("media/{id}/../../x.age");
    raw[at..at + 100].fill(0);
    raw[at..at + climbing.len()].copy_from_slice(climbing.as_bytes());
    // The header's checksum covers the name: write it again.
    let header_start = at - at % 512;
    let mut header = tar::Header::new_old();
    header
        .as_mut_bytes()
        .copy_from_slice(&raw[header_start..header_start + 512]);
    header.set_cksum();
    raw[header_start..header_start + 512].copy_from_slice(header.as_bytes());
    let forged = age::encrypt(&key(TEST_KEY).to_public_age(), &raw).unwrap();
    let message = refusal(&forged);
    assert!(
        message.contains("but found `media/") && message.contains("../../x.age"),
        "{message}"
    );
}

#[test]
fn attachments_in_a_version_2_manifest_and_photos_not_listed_are_refused() {
    let good = with_photos(&[sealed_photo("face.jpg", 1)]);
    let old = rewrap(&good, |files| {
        edit_manifest(files, |m| m["format_version"] = 2.into())
    });
    assert!(
        refusal(&old).contains("expected no attachments in a bundle of format version 2"),
        "{}",
        refusal(&old)
    );
    let unlisted = rewrap(&good, |files| {
        edit_manifest(files, |m| {
            m["responses"][1]
                .as_object_mut()
                .unwrap()
                .remove("attachments");
        })
    });
    assert!(
        refusal(&unlisted).contains("which manifest.json does not list"),
        "{}",
        refusal(&unlisted)
    );
}

#[test]
fn an_attachment_entry_claiming_more_than_the_limit_is_refused_before_reading() {
    let good = with_photos(&[sealed_photo("face.jpg", 1)]);
    let id = responses()[1].id.clone();
    let big = rewrap(&good, |files| {
        for (path, data) in files.iter_mut() {
            if *path == format!("media/{id}/face.jpg.age") {
                *data = vec![0; MAX_ATTACHMENT_BYTES as usize + 1];
            }
        }
    });
    let message = refusal(&big);
    assert!(
        message.contains("expected at most 16777216 bytes for the attachment"),
        "{message}"
    );
}

/// What a streamed opening handed over, as `response <id>` and
/// `photo <response id>/<name> <byte count>` lines in the archive's order.
fn streamed(bundle: &[u8]) -> (Result<(), String>, Vec<String>) {
    let mut handed = Vec::new();
    let result = open_reader(bundle, &office(), |part| {
        handed.push(match part {
            Part::Response(r) => format!("response {}", r.id),
            Part::Attachment(a) => {
                format!("photo {}/{} {}", a.response_id, a.name, a.bytes.len())
            }
        })
    });
    (result.map(|_| ()).map_err(|e| e.to_string()), handed)
}

#[test]
fn a_streamed_bundle_hands_over_each_photo_as_it_is_decrypted() {
    let bundle = with_photos(&[sealed_photo("face.jpg", 1), sealed_photo("home-2.jpg", 2)]);
    let (result, handed) = streamed(&bundle);
    assert_eq!(result, Ok(()));
    let [first, second] = [&responses()[0].id, &responses()[1].id];
    let size = photo(1).len();
    let mut expected = vec![
        format!("response {first}"),
        format!("response {second}"),
        format!("photo {second}/face.jpg {size}"),
        format!("photo {second}/home-2.jpg {size}"),
    ];
    let mut got = handed.clone();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    // What `open_reader` returns has no photos: they were handed over.
    let opened = open_reader(bundle.as_slice(), &office(), |_| ()).unwrap();
    assert!(opened.attachments.is_empty());
    assert_eq!(opened.manifest.responses[1].attachments.len(), 2);
}

#[test]
fn a_streamed_bundle_changed_after_its_photos_does_not_open() {
    // Two photos of this size end the archive but for the manifest and
    // the archive's end, all in age's last 64 KiB chunk (the bundle is
    // about 133 KB): changing a byte of that chunk fails the bundle only
    // after both photos were decrypted and handed over.
    let big = |name: &str| {
        let bytes: Vec<u8> = (0..61_375u32).map(|i| (i % 253) as u8).collect();
        seal_attachment(name, &bytes, &to(TEST_KEY)).unwrap()
    };
    let bundle = with_photos(&[big("face.jpg"), big("home-2.jpg")]);
    assert_eq!(streamed(&bundle).0, Ok(()));
    let mut changed = bundle.clone();
    let at = changed.len() - 20;
    changed[at] ^= 1;
    let (result, handed) = streamed(&changed);
    assert_eq!(
        result,
        Err("this bundle was changed or cut short after it was made (part of its content fails authentication)".to_string())
    );
    let photos = handed.iter().filter(|h| h.starts_with("photo ")).count();
    assert_eq!(photos, 2, "{handed:?}");
}
