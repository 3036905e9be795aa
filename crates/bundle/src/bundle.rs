//! Bundles: sealed responses, their forms and a manifest, in a tar archive
//! inside one more age layer.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, BufReader, Read};

use crate::crypt::{self, Encrypting};
use crate::doc::{
    check_hash, check_sequence, check_text, Manifest, ManifestForm, ManifestResponse, Response,
    FORMAT_VERSION,
};
use crate::error::{Error, ErrorKind};
use crate::id::{check_uuid, is_sha256, is_uuid, sha256_hex};
use crate::keys::{Identities, Recipients};
use crate::media::{
    self, unseal_attachment, Attachment, ManifestAttachment, SealedAttachment,
    MAX_ATTACHMENT_BYTES, MEDIA_FORMAT_VERSION,
};
use crate::seal::{unseal, SealedResponse};
use crate::time::Timestamp;

/// The archive entry that holds the manifest.
const MANIFEST: &str = "manifest.json";

/// A resolved form as it travels in a bundle: the YAML that `yim resolve`
/// prints (`yim_form::to_yaml`), so the data office can order columns and
/// name choices without having the form files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleForm {
    /// The form's id.
    pub id: String,
    /// The form's version.
    pub version: String,
    /// The resolved form in YAML.
    pub yaml: String,
}

impl BundleForm {
    /// The form's hash: [`form_hash`] of its YAML.
    pub fn hash(&self) -> String {
        form_hash(&self.yaml)
    }
}

/// The hash that identifies a resolved form (see
/// [`yim_form::publish::form_hash`]): responses record it, and the bundle
/// names the form's file after it.
pub use yim_form::publish::form_hash;

/// What a bundle says about itself, besides its contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleHeader {
    /// A new UUID v7 ([`new_uuid_v7`](crate::new_uuid_v7)) for a new
    /// export; the same id when an earlier export is made again.
    pub id: String,
    /// When the export was made, in RFC 3339.
    pub created: String,
    /// The exporting device.
    pub device_id: String,
    /// 1 for the device's first export, one more for every later one.
    pub sequence: u64,
}

/// Builds a bundle piece by piece, encrypting as it goes, so that the app
/// can add ten thousand responses in slices and show progress in between.
///
/// ```
/// use yim_bundle::{open, seal, BundleForm, BundleHeader, BundleWriter, Identities, Identity, Recipients, Response};
///
/// let office = Identity::generate();
/// let to = || Recipients::Keys(vec![office.to_public()]);
/// let form = BundleForm { id: "hello".into(), version: "1".into(), yaml: "form: {id: hello}\n".into() };
/// let response = Response {
///     id: "01890a5d-ac96-774b-bcce-b302099a8057".into(),
///     form_id: "hello".into(),
///     form_version: "1".into(),
///     form_hash: form.hash(),
///     created: "2026-11-23T09:15:00.000Z".into(),
///     updated: "2026-11-23T09:20:00.000Z".into(),
///     device_id: "3f2a".into(),
///     status: "finalized".into(),
///     answers: serde_json::json!({"who": "สมชาย"}),
///     case: None,
/// };
/// let sealed = seal(&response, &to())?;
///
/// let header = BundleHeader {
///     id: "01890a5e-0000-7000-8000-000000000001".into(),
///     created: "2026-11-23T10:00:00.000Z".into(),
///     device_id: "3f2a".into(),
///     sequence: 1,
/// };
/// let mut writer = BundleWriter::new(&header, vec![form], &to())?;
/// writer.add(&sealed)?;
/// let bytes = writer.finish()?;
///
/// let opened = open(&bytes, &[office].into_iter().collect::<Identities>())?;
/// assert_eq!(opened.responses, vec![response]);
/// # Ok::<(), yim_bundle::Error>(())
/// ```
pub struct BundleWriter {
    tar: tar::Builder<Encrypting>,
    manifest: Manifest,
    mtime: u64,
    ids: HashSet<String>,
}

impl BundleWriter {
    /// Starts a bundle for `forms`, encrypted to `to`. Every response added
    /// later must use one of these forms; forms listed twice are kept once.
    pub fn new(
        header: &BundleHeader,
        forms: Vec<BundleForm>,
        to: &Recipients,
    ) -> Result<BundleWriter, Error> {
        check_uuid("bundle id", &header.id)?;
        let created = Timestamp::parse(&header.created).map_err(|e| e.context("created"))?;
        check_text("device id", &header.device_id)?;
        check_sequence(header.sequence)?;
        let mut writer = BundleWriter {
            tar: tar::Builder::new(Encrypting::new(to)?),
            manifest: Manifest {
                format_version: FORMAT_VERSION,
                bundle_id: header.id.clone(),
                created: header.created.clone(),
                device_id: header.device_id.clone(),
                sequence: header.sequence,
                forms: Vec::new(),
                responses: Vec::new(),
            },
            // The archive's file times are the export time, so that the
            // same export always gives the same archive.
            mtime: u64::try_from(created.unix_ms() / 1000).unwrap_or(0),
            ids: HashSet::new(),
        };
        for form in forms {
            check_text("form id", &form.id)?;
            check_text("form version", &form.version)?;
            let hash = form.hash();
            if writer.manifest.forms.iter().any(|f| f.hash == hash) {
                continue;
            }
            writer.append(&format!("forms/{hash}.yaml"), form.yaml.as_bytes())?;
            writer.manifest.forms.push(ManifestForm {
                id: form.id,
                version: form.version,
                hash,
            });
        }
        Ok(writer)
    }

    /// Adds a sealed response, as stored: it is not decrypted, so the
    /// exporting phone needs no key.
    pub fn add(&mut self, response: &SealedResponse) -> Result<(), Error> {
        self.add_with_attachments(response, &[])
    }

    /// Adds a sealed response and its sealed photos, as stored. A bundle
    /// that carries any attachment is written as format version 3.
    pub fn add_with_attachments(
        &mut self,
        response: &SealedResponse,
        attachments: &[SealedAttachment],
    ) -> Result<(), Error> {
        check_uuid("response id", &response.id)?;
        check_hash("form hash", &response.form_hash)?;
        let known = self.manifest.forms.iter().any(|f| {
            f.hash == response.form_hash
                && f.id == response.form_id
                && f.version == response.form_version
        });
        if !known {
            return Err(Error::invalid(format!(
                "response {}: expected its form {} version {} ({}) among the bundle's forms, but found it missing",
                response.id, response.form_id, response.form_version, response.form_hash
            )));
        }
        let listed: Vec<ManifestAttachment> = attachments
            .iter()
            .map(|a| ManifestAttachment {
                name: a.name.clone(),
                sha256: sha256_hex(&a.sealed),
            })
            .collect();
        // The same checks a reader makes, so that a bundle this writer
        // finishes always opens.
        media::check_listed(MEDIA_FORMAT_VERSION, &response.id, &listed)
            .map_err(|e| Error::invalid(e.to_string()))?;
        if let Some(big) = attachments
            .iter()
            .find(|a| a.sealed.len() as u64 > MAX_ATTACHMENT_BYTES)
        {
            return Err(Error::invalid(format!(
                "response {}: attachment {}: expected at most {MAX_ATTACHMENT_BYTES} bytes, but found {}",
                response.id,
                big.name,
                big.sealed.len()
            )));
        }
        if !self.ids.insert(response.id.clone()) {
            return Err(Error::invalid(format!(
                "response {} was added to the bundle twice",
                response.id
            )));
        }
        self.append(
            &format!("responses/{}.json.age", response.id),
            &response.sealed,
        )?;
        for a in attachments {
            self.append(&media::path(&response.id, &a.name), &a.sealed)?;
        }
        if !listed.is_empty() {
            self.manifest.format_version = MEDIA_FORMAT_VERSION;
        }
        self.manifest.responses.push(ManifestResponse {
            id: response.id.clone(),
            form_id: response.form_id.clone(),
            form_version: response.form_version.clone(),
            form_hash: response.form_hash.clone(),
            sha256: sha256_hex(&response.sealed),
            attachments: listed,
        });
        Ok(())
    }

    /// How many responses were added so far.
    pub fn len(&self) -> usize {
        self.manifest.responses.len()
    }

    /// Whether no response was added yet.
    pub fn is_empty(&self) -> bool {
        self.manifest.responses.is_empty()
    }

    /// Writes the manifest and returns the finished bundle file.
    pub fn finish(mut self) -> Result<Vec<u8>, Error> {
        let manifest = self.manifest.to_json();
        self.append(MANIFEST, &manifest)?;
        let encrypting = self.tar.into_inner().map_err(crypt::write_error)?;
        encrypting.finish()
    }

    fn append(&mut self, path: &str, data: &[u8]) -> Result<(), Error> {
        let mut header = tar::Header::new_ustar();
        header.set_path(path).map_err(crypt::write_error)?;
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(self.mtime);
        header.set_uid(0);
        header.set_gid(0);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        self.tar.append(&header, data).map_err(crypt::write_error)
    }
}

/// Builds a whole bundle at once: [`BundleWriter`] for callers that have
/// every response at hand.
pub fn build(
    header: &BundleHeader,
    forms: Vec<BundleForm>,
    responses: &[SealedResponse],
    to: &Recipients,
) -> Result<Vec<u8>, Error> {
    let mut writer = BundleWriter::new(header, forms, to)?;
    for r in responses {
        writer.add(r)?;
    }
    writer.finish()
}

/// A bundle that opened: every check passed and every response decrypted.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenedBundle {
    /// The manifest as written.
    pub manifest: Manifest,
    /// The forms, in the manifest's order.
    pub forms: Vec<BundleForm>,
    /// The responses, decrypted, in the manifest's order.
    pub responses: Vec<Response>,
    /// The responses' photos, decrypted, in the manifest's order.
    pub attachments: Vec<Attachment>,
}

/// At most this many files in a bundle's archive: far more than a phone
/// exports at once, and a bound on what opening a bundle remembers per file
/// (a hash and a few ids) until its manifest, the last file, is read.
pub const MAX_ENTRIES: usize = 200_000;

/// At most this many bytes in one file of a bundle's archive. The largest
/// files are resolved forms with long choice lists (a few MB) and the
/// manifest (about 330 bytes per response); one file at a time is held in
/// memory, so this bounds the memory of opening a bundle.
pub const MAX_ENTRY_BYTES: u64 = 96 << 20;

/// Verifies and decrypts a bundle held in memory, all or nothing: [`open_reader`],
/// with the responses collected in the manifest's order.
pub fn open(bundle: &[u8], with: &Identities) -> Result<OpenedBundle, Error> {
    let mut responses = Vec::new();
    let mut attachments = Vec::new();
    let mut opened = open_reader(bundle, with, |part| match part {
        Part::Response(r) => responses.push(r),
        Part::Attachment(a) => attachments.push(a),
    })?;
    let order: HashMap<&str, usize> = opened
        .manifest
        .responses
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    responses.sort_by_key(|r| order.get(r.id.as_str()).copied());
    // An attachment's place: its response's, then its place in the list
    // under that response. The bundle opened, so every attachment is listed.
    let places: HashMap<(&str, &str), (usize, usize)> = opened
        .manifest
        .responses
        .iter()
        .enumerate()
        .flat_map(|(i, r)| {
            r.attachments
                .iter()
                .enumerate()
                .map(move |(j, a)| ((r.id.as_str(), a.name.as_str()), (i, j)))
        })
        .collect();
    attachments.sort_by_key(|a| {
        places
            .get(&(a.response_id.as_str(), a.name.as_str()))
            .copied()
    });
    opened.responses = responses;
    opened.attachments = attachments;
    Ok(opened)
}

/// Verifies and decrypts a bundle read as a stream, one archive file at a
/// time, so that memory holds the largest file of the bundle (at most
/// [`MAX_ENTRY_BYTES`]) rather than the bundle.
///
/// The outer age layer must open with `with` and authenticate to its end;
/// the archive must hold `manifest.json` of a known format version and
/// exactly the files it lists, at most [`MAX_ENTRIES`]; every file's
/// SHA-256 must match the manifest; every sealed response must open with
/// `with` and hold the response the manifest names, and every sealed
/// attachment (at most [`MAX_ATTACHMENT_BYTES`]) must open with `with`.
/// The first problem found is returned and nothing else, the same problem
/// that a reading of the whole bundle before any check would find first.
///
/// Each response and each attachment is handed to `each` as soon as it is
/// decrypted, in the archive's order, *before* the manifest (the archive's
/// last file) is read: it counts only if this function then returns `Ok`.
/// A caller that writes them as they come must be able to take them back
/// when it returns an error, for a bundle that is cut short or changed
/// near its end. The returned bundle has the manifest and the forms, and
/// no responses or attachments.
pub fn open_reader(
    bundle: impl Read,
    with: &Identities,
    mut each: impl FnMut(Part),
) -> Result<OpenedBundle, Error> {
    let mut bundle = bundle;
    let mut head = Vec::new();
    (&mut bundle)
        .take(crypt::HEAD_BYTES)
        .read_to_end(&mut head)
        .map_err(|e| Error::malformed(format!("this bundle could not be read: {e}")))?;
    let input = BufReader::new(io::Cursor::new(head.as_slice()).chain(bundle));
    let reader = crypt::decryptor(input, &head, with, "this bundle")?;
    let mut plaintext = crypt::Plaintext::new(reader, "this bundle");
    let read = read_archive(&mut plaintext, with, &mut each);
    // A failure of the age layer comes first, whatever the archive reader
    // made of it, and a bundle that is not authenticated to its last byte
    // is not opened even when its archive looked complete.
    plaintext.finish()?;
    read?.check()
}

/// What [`open_reader`] hands over as it decrypts the archive's files.
// A part is made once and moved straight into the caller's function,
// never kept in bulk, so the size of a response costs nothing here, and a
// box would cost an allocation for every response.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// A response, decrypted.
    Response(Response),
    /// A photo of a response, decrypted.
    Attachment(Attachment),
}

/// A sealed response as it was read: what the manifest is checked against
/// once it comes.
struct Sealed {
    sha256: String,
    /// (id, form id, form version, form hash) of the response inside, or
    /// why it did not open.
    opened: Result<[String; 4], Error>,
}

/// What the archive held, before the manifest was checked.
struct Archived {
    manifest: Option<Vec<u8>>,
    forms: BTreeMap<String, Vec<u8>>,
    responses: BTreeMap<String, Sealed>,
    /// Sealed attachments by path: their SHA-256, and why one did not open.
    media: BTreeMap<String, (String, Result<(), Error>)>,
}

/// Reads the archive one file at a time: forms are kept, responses and
/// attachments are decrypted, handed to `each` and remembered by their
/// hash (and a response by its ids).
fn read_archive(
    plaintext: impl Read,
    with: &Identities,
    each: &mut impl FnMut(Part),
) -> Result<Archived, Error> {
    let damaged =
        |e: io::Error| Error::malformed(format!("the archive inside this bundle is damaged: {e}"));
    let mut read = Archived {
        manifest: None,
        forms: BTreeMap::new(),
        responses: BTreeMap::new(),
        media: BTreeMap::new(),
    };
    let mut count = 0;
    let mut archive = tar::Archive::new(plaintext);
    for entry in archive.entries().map_err(damaged)? {
        let mut entry = entry.map_err(damaged)?;
        let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        match entry.header().entry_type() {
            // Someone who unpacked a bundle and packed it again with `tar`
            // adds folders; they carry nothing.
            tar::EntryType::Directory => continue,
            tar::EntryType::Regular => {}
            other => {
                return Err(Error::malformed(format!(
                    "expected only files in this bundle, but `{path}` is a {other:?} entry"
                )))
            }
        }
        let path = path.strip_prefix("./").unwrap_or(&path).to_string();
        if !is_bundle_path(&path) {
            return Err(Error::malformed(format!(
                "expected only manifest.json, forms/, responses/ and media/ in this bundle, but found `{path}`"
            )));
        }
        if media::is_path(&path) && entry.size() > MAX_ATTACHMENT_BYTES {
            return Err(Error::malformed(format!(
                "expected at most {MAX_ATTACHMENT_BYTES} bytes for the attachment `{path}`, but its header claims {}",
                entry.size()
            )));
        }
        count += 1;
        if count > MAX_ENTRIES {
            return Err(Error::malformed(format!(
                "expected at most {MAX_ENTRIES} files in this bundle, but found more"
            )));
        }
        // The size comes from the header, which a forger writes: memory is
        // set aside only as bytes arrive, and never past the bound.
        let size = entry.size();
        if size > MAX_ENTRY_BYTES {
            return Err(damaged(io::Error::other(format!(
                "expected at most {MAX_ENTRY_BYTES} bytes for `{path}`, but its header claims {size}"
            ))));
        }
        let mut data = Vec::with_capacity(size.min(64 << 10) as usize);
        (&mut entry)
            .take(size)
            .read_to_end(&mut data)
            .map_err(damaged)?;
        if data.len() as u64 != size {
            return Err(damaged(io::Error::other(format!(
                "expected {size} bytes for `{path}`, but the archive ends after {}",
                data.len()
            ))));
        }
        let twice = || Error::malformed(format!("this bundle holds `{path}` twice"));
        if path == MANIFEST {
            if read.manifest.replace(data).is_some() {
                return Err(twice());
            }
        } else if path.starts_with("forms/") {
            if read.forms.contains_key(&path) {
                return Err(twice());
            }
            read.forms.insert(path, data);
        } else if let Some((response_id, name)) = media::split_path(&path) {
            if read.media.contains_key(&path) {
                return Err(twice());
            }
            let opened = unseal_attachment(&data, with).map(|bytes| {
                each(Part::Attachment(Attachment {
                    response_id: response_id.to_owned(),
                    name: name.to_owned(),
                    bytes,
                }));
            });
            let sha256 = sha256_hex(&data);
            read.media.insert(path, (sha256, opened));
        } else {
            if read.responses.contains_key(&path) {
                return Err(twice());
            }
            let opened = unseal(&data, with).map(|response| {
                let ids = [
                    response.id.clone(),
                    response.form_id.clone(),
                    response.form_version.clone(),
                    response.form_hash.clone(),
                ];
                each(Part::Response(response));
                ids
            });
            let sha256 = sha256_hex(&data);
            read.responses.insert(path, Sealed { sha256, opened });
        }
    }
    Ok(read)
}

impl Archived {
    /// Checks what was read against the manifest, in the manifest's order.
    fn check(mut self) -> Result<OpenedBundle, Error> {
        let manifest = match self.manifest.take() {
            Some(json) => Manifest::from_json(&json)?,
            None => {
                return Err(Error::malformed(
                    "expected manifest.json in this bundle, but found none",
                ))
            }
        };
        let mut forms = Vec::with_capacity(manifest.forms.len());
        for f in &manifest.forms {
            let path = format!("forms/{}.yaml", f.hash);
            let data = self.forms.remove(&path).ok_or_else(|| not_held(&path))?;
            check_sha256(&path, &f.hash, &sha256_hex(&data))?;
            let yaml = String::from_utf8(data).map_err(|_| {
                Error::malformed(format!(
                    "{path}: expected UTF-8 text, but found other bytes"
                ))
            })?;
            forms.push(BundleForm {
                id: f.id.clone(),
                version: f.version.clone(),
                yaml,
            });
        }
        let mut ids = HashSet::new();
        for r in &manifest.responses {
            if !ids.insert(&r.id) {
                return Err(Error::malformed(format!(
                    "manifest.json lists response {} twice",
                    r.id
                )));
            }
            let path = format!("responses/{}.json.age", r.id);
            let sealed = self
                .responses
                .remove(&path)
                .ok_or_else(|| not_held(&path))?;
            check_sha256(&path, &r.sha256, &sealed.sha256)?;
            let [id, form_id, form_version, form_hash] = sealed
                .opened
                .map_err(|e| e.context(format_args!("response {}", r.id)))?;
            let claimed = (&r.id, &r.form_id, &r.form_version, &r.form_hash);
            if claimed != (&id, &form_id, &form_version, &form_hash) {
                return Err(Error::new(
                    ErrorKind::HashMismatch,
                    format!(
                        "{path}: expected response {} of form {} version {}, but found response {id} of form {form_id} version {form_version}",
                        r.id, r.form_id, r.form_version
                    ),
                ));
            }
            for a in &r.attachments {
                let path = media::path(&r.id, &a.name);
                let (sha256, opened) = self.media.remove(&path).ok_or_else(|| not_held(&path))?;
                check_sha256(&path, &a.sha256, &sha256)?;
                opened.map_err(|e| {
                    e.context(format_args!("response {} attachment {}", r.id, a.name))
                })?;
            }
        }
        // Sorted paths, as a reading of the whole archive would list them:
        // `forms/` before `media/` before `responses/`.
        if let Some(extra) = self
            .forms
            .keys()
            .chain(self.media.keys())
            .chain(self.responses.keys())
            .next()
        {
            return Err(Error::malformed(format!(
                "this bundle holds `{extra}`, which manifest.json does not list"
            )));
        }
        Ok(OpenedBundle {
            manifest,
            forms,
            responses: Vec::new(),
            attachments: Vec::new(),
        })
    }
}

/// Whether `path` is one of the names a bundle may hold.
fn is_bundle_path(path: &str) -> bool {
    path == MANIFEST
        || path
            .strip_prefix("forms/")
            .and_then(|p| p.strip_suffix(".yaml"))
            .is_some_and(is_sha256)
        || path
            .strip_prefix("responses/")
            .and_then(|p| p.strip_suffix(".json.age"))
            .is_some_and(is_uuid)
        || media::is_path(path)
}

fn not_held(path: &str) -> Error {
    Error::malformed(format!(
        "manifest.json lists `{path}`, but this bundle does not hold it"
    ))
}

fn check_sha256(path: &str, expected: &str, found: &str) -> Result<(), Error> {
    if found == expected {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::HashMismatch,
            format!("{path}: expected SHA-256 {expected}, but found {found}"),
        ))
    }
}
