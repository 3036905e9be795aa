//! What the bundle tests share: the published test keys, a resolved form,
//! and responses with Thai text and a repeat.
//!
//! Everything here is TEST ONLY. The keys in `tests/vectors/*-key.txt` are
//! public, so anything encrypted to them is readable by anyone.

#![allow(dead_code)]

use serde_json::json;
use yim_bundle::{
    BundleForm, BundleHeader, Identities, Identity, Passphrase, Recipients, Response,
};

pub const TEST_KEY: &str = include_str!("../vectors/test-key.txt");
pub const STRANGER_KEY: &str = include_str!("../vectors/stranger-key.txt");
/// The passphrase of the passphrase vectors; as public as the keys.
pub const TEST_PASSPHRASE: &str = "test only: kaeng som pla";

/// The folder of the committed vectors.
pub const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");

pub fn key(file: &str) -> Identity {
    Identity::parse_file(file).unwrap().remove(0)
}

pub fn to(file: &str) -> Recipients {
    Recipients::Keys(vec![key(file).to_public()])
}

/// The passphrase with a small scrypt work factor, so that tests stay fast.
pub fn passphrase() -> Passphrase {
    Passphrase::new(TEST_PASSPHRASE.to_string()).with_work_factor(10)
}

/// What the data office holds in the tests: the test key and the passphrase.
pub fn office() -> Identities {
    let mut ids: Identities = [key(TEST_KEY)].into_iter().collect();
    ids.set_passphrase(passphrase());
    ids
}

/// A resolved form as `yim resolve` prints it; this crate only carries and
/// hashes the text.
pub const FORM_YAML: &str = "\
form:
  id: child-visit
  version: 2026.1
  title: {th: เยี่ยมบ้านเด็ก, en: Home visit}
  languages: [th, en]
  default_language: th
  settings:
    recipients: [age1e7nsd7h09745s8untxm4jm8p3kwn6j4yryhwmcd5r3xz6ehdzqnsa6sscx]
questions:
  - name: child_name
    type: text
    label: {th: ชื่อเด็ก, en: Child's name}
  - name: kids
    type: repeat
    label: {th: พี่น้อง, en: Siblings}
    questions:
      - name: kid_age
        type: integer
        label: {th: อายุ, en: Age}
";

pub fn form() -> BundleForm {
    BundleForm {
        id: "child-visit".into(),
        version: "2026.1".into(),
        yaml: FORM_YAML.into(),
    }
}

pub fn response(id: &str, updated: &str, name: &str) -> Response {
    Response {
        id: id.into(),
        form_id: "child-visit".into(),
        form_version: "2026.1".into(),
        form_hash: form().hash(),
        created: "2026-11-23T09:15:00.000Z".into(),
        updated: updated.into(),
        device_id: "3f2a".into(),
        status: "finalized".into(),
        answers: json!({"child_name": name, "kids": [{"kid_age": 4}, {"kid_age": 9}]}),
        case: None,
    }
}

pub const ID_A: &str = "019ab0b2-8c60-7a11-8f00-00000000000a";
pub const ID_B: &str = "019ab0b2-8c60-7a11-8f00-00000000000b";

pub fn responses() -> Vec<Response> {
    vec![
        response(ID_A, "2026-11-23T09:20:00.000Z", "ด.ญ. มะลิ ใจดี"),
        response(ID_B, "2026-11-23T09:40:00.000Z", "ด.ช. ต้นกล้า"),
    ]
}

pub fn header(sequence: u64) -> BundleHeader {
    BundleHeader {
        id: format!("019ab0c0-0000-7000-8000-{sequence:012}"),
        created: "2026-11-23T10:00:00.000Z".into(),
        device_id: "3f2a".into(),
        sequence,
    }
}

// ---------------------------------------------------------------------------
// Changing a good bundle the way a meddler with the public key would.

/// The files of a bundle's archive, in order.
pub type Files = Vec<(String, Vec<u8>)>;

/// The files of a tar archive, in order.
pub fn unpack(tar_bytes: &[u8]) -> Files {
    let mut files = Vec::new();
    let mut archive = tar::Archive::new(tar_bytes);
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().to_string_lossy().into_owned();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
        files.push((path, data));
    }
    files
}

/// A ustar archive of `files`, laid out as the format writes one.
pub fn pack(files: &Files) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut h = tar::Header::new_ustar();
        h.set_path(path).unwrap();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        builder.append(&h, &data[..]).unwrap();
    }
    builder.into_inner().unwrap()
}

/// Decrypts a good bundle with the test key, lets `change` edit its files,
/// and packs and encrypts them again the way the format does.
pub fn rewrap(good: &[u8], change: impl FnOnce(&mut Files)) -> Vec<u8> {
    let mut files = unpack(&age::decrypt(&key_age(), good).unwrap());
    change(&mut files);
    age::encrypt(&key(TEST_KEY).to_public_age(), &pack(&files)).unwrap()
}

pub fn edit_manifest(files: &mut Files, change: impl FnOnce(&mut serde_json::Value)) {
    let (_, data) = files
        .iter_mut()
        .find(|(p, _)| p == "manifest.json")
        .unwrap();
    let mut m: serde_json::Value = serde_json::from_slice(data).unwrap();
    change(&mut m);
    *data = serde_json::to_vec_pretty(&m).unwrap();
}

pub fn key_age() -> age::x25519::Identity {
    TEST_KEY
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .unwrap()
        .parse()
        .unwrap()
}

pub trait ToPublicAge {
    fn to_public_age(&self) -> age::x25519::Recipient;
}

impl ToPublicAge for yim_bundle::Identity {
    fn to_public_age(&self) -> age::x25519::Recipient {
        self.to_public().to_string().parse().unwrap()
    }
}
