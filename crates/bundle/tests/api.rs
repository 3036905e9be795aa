//! The library's behaviour at its boundary: sealing, keys, building and
//! merging, as cases of input and expected outcome. Refresh the expected
//! text with `UPDATE_EXPECT=1`.

mod common;

use common::*;
use expect_test::{expect, Expect};
use yim_bundle::{
    build, open, seal, unseal, BundleForm, BundleWriter, Identities, Identity, Manifest,
    ManifestForm, ManifestResponse, Merger, OpenedBundle, Passphrase, Recipient, Recipients,
    Response, Timestamp,
};

/// Shows a result the way a person would read it.
fn show<T>(result: Result<T, yim_bundle::Error>, ok: impl FnOnce(T) -> String) -> String {
    match result {
        Ok(v) => ok(v),
        Err(e) => format!("error ({:?}): {e}", e.kind()),
    }
}

/// Seals a test response changed by `change` to the test key, then opens it.
fn check_seal(change: impl FnOnce(&mut Response), expect: Expect) {
    let mut r = responses().remove(0);
    change(&mut r);
    let text = show(seal(&r, &to(TEST_KEY)), |sealed| {
        show(unseal(&sealed.sealed, &office()), |back| {
            assert_eq!(back, r);
            format!(
                "sealed {} bytes and opened it again",
                if sealed.sealed.len() > 200 {
                    "some"
                } else {
                    "few"
                }
            )
        })
    });
    expect.assert_eq(&text);
}

#[test]
fn sealing_checks_the_response_first() {
    check_seal(|_| {}, expect!["sealed some bytes and opened it again"]);
    check_seal(|r| r.id = "42".into(), expect!["error (InvalidInput): expected the response id to be a UUID in lowercase such as 01890a5d-ac96-774b-bcce-b302099a8057, but found `42`"]);
    check_seal(|r| r.updated = "23/11/2026".into(), expect!["error (InvalidInput): updated: expected a timestamp such as 2026-11-23T09:15:00Z, but found `23/11/2026`"]);
    check_seal(|r| r.form_hash = "abc".into(), expect!["error (InvalidInput): expected the form hash to be a SHA-256 in 64 lowercase hexadecimal digits, but found `abc`"]);
    check_seal(
        |r| r.answers = serde_json::json!([1, 2]),
        expect!["error (InvalidInput): expected the answers to be a JSON object, but found a list"],
    );
    check_seal(
        |r| r.device_id = " ".into(),
        expect!["error (InvalidInput): expected a device id, but found an empty text"],
    );
}

#[test]
fn sealed_responses_open_only_for_their_recipients() {
    let r = responses().remove(0);
    let cases: Vec<(&str, Recipients, Identities, Expect)> = vec![
        (
            "stranger's key",
            to(STRANGER_KEY),
            office(),
            expect!["error (NotAddressed): this response is not addressed to any of your keys"],
        ),
        (
            "no identities",
            to(TEST_KEY),
            Identities::new(),
            expect!["error (NotAddressed): this response cannot be opened without a key or a passphrase"],
        ),
        (
            "passphrase",
            Recipients::Passphrase(passphrase()),
            office(),
            expect!["opened: ด.ญ. มะลิ ใจดี"],
        ),
        (
            "wrong passphrase",
            Recipients::Passphrase(Passphrase::new("som tam".into()).with_work_factor(10)),
            office(),
            expect!["error (NotAddressed): the passphrase does not open this response"],
        ),
        (
            "passphrase without one",
            Recipients::Passphrase(passphrase()),
            [key(TEST_KEY)].into_iter().collect(),
            expect!["error (NotAddressed): this response is protected by a passphrase, but no passphrase was given"],
        ),
        (
            "no recipients",
            Recipients::Keys(vec![]),
            office(),
            expect!["error (InvalidInput): expected at least one recipient (an age public key), but found none"],
        ),
        (
            "empty passphrase",
            Recipients::Passphrase(Passphrase::new(String::new())),
            office(),
            expect!["error (InvalidInput): expected a passphrase, but found an empty one"],
        ),
    ];
    for (what, recipients, identities, expected) in cases {
        let text = show(seal(&r, &recipients), |sealed| {
            show(unseal(&sealed.sealed, &identities), |back| {
                format!("opened: {}", back.answers["child_name"].as_str().unwrap())
            })
        });
        eprintln!("case: {what}");
        expected.assert_eq(&text);
    }
}

#[test]
fn keys_and_identity_files() {
    let check = |text: &str, expect: Expect| {
        let out = show(Identity::parse_file(text), |keys| {
            keys.iter()
                .map(|k| k.to_public().to_string())
                .collect::<Vec<_>>()
                .join("\n")
        });
        expect.assert_eq(&out);
    };
    check(
        TEST_KEY,
        expect!["age1e7nsd7h09745s8untxm4jm8p3kwn6j4yryhwmcd5r3xz6ehdzqnsa6sscx"],
    );
    check(
        &format!("{TEST_KEY}\n{STRANGER_KEY}"),
        expect![[r#"
        age1e7nsd7h09745s8untxm4jm8p3kwn6j4yryhwmcd5r3xz6ehdzqnsa6sscx
        age12mrqq5e4qwzt25mmzzwqvwcdjesjm7lnkpkzmsdp23g4khm2gftq8r2066"#]],
    );
    check("# nothing here\n\n", expect!["error (InvalidInput): expected at least one age secret key (AGE-SECRET-KEY-1...), but found none"]);
    check(
        "# a key with one letter changed\nAGE-SECRET-KEY-1QAPWFJS2N4VY0U7WZXSTCFAHJDKY8CZVDMDKA0J9309YSU7Z9PZS9SAGJK\n",
        expect!["error (InvalidInput): line 2: the age secret key is damaged (its checksum does not match)"],
    );
    check(
        "age1e7nsd7h09745s8untxm4jm8p3kwn6j4yryhwmcd5r3xz6ehdzqnsa6sscx\n",
        expect!["error (InvalidInput): line 1: expected an age secret key starting with AGE-SECRET-KEY-1, but found something else"],
    );
    check("age-encryption.org/v1\n-> scrypt abc 18\n", expect!["error (InvalidInput): expected a plain identity file, but found one protected by a passphrase; decrypt it with `age -d` first"]);

    let recipient = |text: &str, expect: Expect| {
        expect.assert_eq(&show(Recipient::parse(text), |r| r.to_string()))
    };
    recipient(
        " age12mrqq5e4qwzt25mmzzwqvwcdjesjm7lnkpkzmsdp23g4khm2gftq8r2066 ",
        expect!["age12mrqq5e4qwzt25mmzzwqvwcdjesjm7lnkpkzmsdp23g4khm2gftq8r2066"],
    );
    recipient("age12mrqq5e4", expect!["error (InvalidInput): the age public key `age12mrqq5e4` has 12 characters, but age public keys have 62"]);
    // Keys a phone cannot seal to: a plugin's, and a point of small order
    // (sealing to it used to stop the program instead of failing).
    recipient(
        "age1yubikey1qgrswpc8qurswpc8qurswpc8qurswpc8qurswpc8qurswpc8qurswaef2y5",
        expect!["error (InvalidInput): the key `age1yubikey1qgrswpc8qurswpc8qurswpc8qurswpc8qurswpc8qurswpc8qurswaef2y5` belongs to the age plugin `yubikey`, which a phone cannot run; expected a plain age public key (age1 and 58 more letters and digits) as `yim keygen` or `age-keygen` make"],
    );
    recipient(
        "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z",
        expect!["error (InvalidInput): the age public key `age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z` is not a usable key (a point of small order, for which encryption would protect nothing); make a new key with `yim keygen`"],
    );
    assert!(
        Recipients::keys(&["age1qyqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqj7vrya"])
            .is_err()
    );

    // A new identity file has age-keygen's three lines and opens what is
    // sealed to its public key.
    let fresh = Identity::generate();
    let file = fresh.to_identity_file(Timestamp::parse("2026-11-23T16:40:04Z").unwrap());
    let lines: Vec<&str> = file.expose().lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], "# created: 2026-11-23T16:40:04Z");
    assert_eq!(lines[1], format!("# public key: {}", fresh.to_public()));
    assert!(lines[2].starts_with("AGE-SECRET-KEY-1"));
    let again = Identity::parse_file(file.expose()).unwrap().remove(0);
    let sealed = seal(&responses()[0], &Recipients::Keys(vec![fresh.to_public()])).unwrap();
    assert_eq!(
        unseal(&sealed.sealed, &[again].into_iter().collect()).unwrap(),
        responses()[0]
    );
}

/// A change to the inputs of `build`: header, forms, sealed responses.
type Change = dyn Fn(
    &mut yim_bundle::BundleHeader,
    &mut Vec<BundleForm>,
    &mut Vec<yim_bundle::SealedResponse>,
);

#[test]
fn building_checks_its_inputs() {
    let sealed: Vec<_> = responses()
        .iter()
        .map(|r| seal(r, &to(TEST_KEY)).unwrap())
        .collect();
    let check = |change: &Change, expect: Expect| {
        let (mut h, mut forms, mut rs) = (header(1), vec![form()], sealed.clone());
        change(&mut h, &mut forms, &mut rs);
        let text = show(build(&h, forms, &rs, &to(TEST_KEY)), |bytes| {
            show(open(&bytes, &office()), |b| {
                format!("{} forms, {} responses", b.forms.len(), b.responses.len())
            })
        });
        expect.assert_eq(&text);
    };
    check(&|_, _, _| {}, expect!["1 forms, 2 responses"]);
    check(&|_, f, _| f.push(form()), expect!["1 forms, 2 responses"]);
    check(&|_, _, r| r.clear(), expect!["1 forms, 0 responses"]);
    check(
        &|h, _, _| h.sequence = 0,
        expect!["error (InvalidInput): expected a sequence number of 1 or more, but found 0"],
    );
    check(&|h, _, _| h.id = "bundle-1".into(), expect!["error (InvalidInput): expected the bundle id to be a UUID in lowercase such as 01890a5d-ac96-774b-bcce-b302099a8057, but found `bundle-1`"]);
    check(&|_, f, _| f.clear(), expect!["error (InvalidInput): response 019ab0b2-8c60-7a11-8f00-00000000000a: expected its form child-visit version 2026.1 (dbc797fca8c7b701806edbf301236a414c46eae4057e9b6b3148f07253f71ca9) among the bundle's forms, but found it missing"]);
    check(&|_, _, r| r.push(r[0].clone()), expect!["error (InvalidInput): response 019ab0b2-8c60-7a11-8f00-00000000000a was added to the bundle twice"]);

    // The writer takes responses one at a time, for progress in the app.
    let mut w = BundleWriter::new(&header(1), vec![form()], &to(TEST_KEY)).unwrap();
    assert!(w.is_empty());
    for s in &sealed {
        w.add(s).unwrap();
    }
    assert_eq!(w.len(), 2);
    assert_eq!(
        open(&w.finish().unwrap(), &office()).unwrap().responses,
        responses()
    );
}

/// An opened bundle made by hand, to test merging without encryption.
fn opened(device: &str, sequence: u64, rs: Vec<Response>) -> OpenedBundle {
    let f = form();
    OpenedBundle {
        manifest: Manifest {
            format_version: 1,
            bundle_id: format!("019ab0c0-0000-7000-8000-{:04}{sequence:08}", device.len()),
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

fn check_merge(bundles: Vec<OpenedBundle>, expect: &Expect) {
    let mut m = Merger::new();
    for b in bundles {
        m.add(b);
    }
    let merged = m.finish();
    let mut out = format!("{} bundles, {} forms\n", merged.bundles, merged.forms.len());
    for id in &merged.repeated_bundles {
        out += &format!("given more than once: {id}\n");
    }
    for d in &merged.devices {
        out += &format!("{d}\n");
    }
    for c in &merged.conflicts {
        out += &format!("{c}\n");
    }
    for r in &merged.responses {
        out += &format!("{} {}\n", &r.id[30..], r.answers["child_name"]);
    }
    expect.assert_eq(&out);
}

#[test]
fn merging_is_idempotent_and_reports_gaps_and_conflicts() {
    let [a, b] = <[Response; 2]>::try_from(responses()).unwrap();
    let mut a_later = a.clone();
    a_later.updated = "2026-11-24T08:00:00+07:00".into();
    a_later.answers["child_name"] = "ด.ญ. มะลิ ใจดี (แก้ไข)".into();

    check_merge(
        vec![
            opened("3f2a", 1, vec![a.clone(), b.clone()]),
            opened("3f2a", 1, vec![a.clone(), b.clone()]),
        ],
        &expect![[r#"
            1 bundles, 1 forms
            given more than once: 019ab0c0-0000-7000-8000-000400000001
            device 3f2a: have 1
            00000a "ด.ญ. มะลิ ใจดี"
            00000b "ด.ช. ต้นกล้า"
        "#]],
    );
    check_merge(
        vec![
            opened("3f2a", 6, vec![b.clone()]),
            opened("3f2a", 1, vec![a.clone()]),
            opened("3f2a", 2, vec![a.clone(), b.clone()]),
            opened("3f2a", 4, vec![]),
            opened("3f2a", 3, vec![]),
            opened("9b", 2, vec![]),
        ],
        &expect![[r#"
            6 bundles, 1 forms
            device 3f2a: have 1-4, 6; missing 5
            device 9b: have 2; missing 1
            00000a "ด.ญ. มะลิ ใจดี"
            00000b "ด.ช. ต้นกล้า"
        "#]],
    );
    // The later copy wins whichever order the bundles come in.
    let later_wins = expect![[r#"
        2 bundles, 1 forms
        device 3f2a: have 1-2
        response 019ab0b2-8c60-7a11-8f00-00000000000a: 2 different copies; kept the one updated 2026-11-24T08:00:00+07:00 (from device 3f2a export 2), left out the one updated 2026-11-23T09:20:00.000Z (from device 3f2a export 1)
        00000a "ด.ญ. มะลิ ใจดี (แก้ไข)"
    "#]];
    check_merge(
        vec![
            opened("3f2a", 1, vec![a.clone()]),
            opened("3f2a", 2, vec![a_later.clone()]),
        ],
        &later_wins,
    );
    check_merge(
        vec![
            opened("3f2a", 2, vec![a_later.clone()]),
            opened("3f2a", 1, vec![a.clone()]),
        ],
        &later_wins,
    );
}
