//! Publishing forms as files that the app reads at run time.
//!
//! A deployment's forms are not compiled into the app. `yim publish` (and
//! the studio) check every form, add the deployment's recipients, and write
//! the form files as their authors wrote them, the CSV lists they name, and
//! an index (`index.json`) that names every form and the SHA-256 of every
//! file. The app reads the index, fetches the files, checks each hash, and
//! loads the forms from them exactly as `yim lint` does.
//!
//! A form's recipients are the deployment's keys (one recipients file for
//! the whole deployment) together with the keys its own
//! `settings.recipients` names, such as a province office's. A form that
//! ends up without any is refused: its records could never be sealed.
//!
//! **Invariant:** [`Index::parse`] accepts only an index that the app can
//! follow safely: bounded in size and count, with relative paths that stay
//! inside the published folder, hashes in the expected shape and keys the
//! app can seal to. Anything else is refused with a message, never a panic.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Diagnostic, Files, Form, Loc, MemFiles, Text};

/// The version of the index layout. The app refuses an index of a newer
/// layout instead of misreading it.
pub const INDEX_FORMAT: u32 = 1;

/// The name of the index file inside the published folder.
pub const INDEX_FILE: &str = "index.json";

/// The largest index the app reads, in bytes.
pub const MAX_INDEX_BYTES: usize = 4 << 20;
/// The most forms an index may name.
pub const MAX_FORMS: usize = 2_000;
/// The most files an index may name.
pub const MAX_FILES: usize = 20_000;
/// The largest single published file, in bytes.
pub const MAX_FILE_BYTES: u64 = 32 << 20;
/// The longest path an index may name, in bytes.
pub const MAX_PATH_BYTES: usize = 512;
/// The most recipients one form may list.
pub const MAX_RECIPIENTS: usize = 64;

/// The longest intake address the index may name, in bytes.
pub const MAX_INTAKE_BYTES: usize = 512;

/// Checks the intake address of a deployment: either a path on the app's
/// own origin (`/api/`), which is what the app's Content-Security-Policy
/// (`connect-src 'self'`) lets it reach when `yim serve` or a reverse proxy
/// serves the app and the intake together, or an absolute `https://`
/// address. Plain `http://` is accepted only for this machine's loopback
/// address, where nothing travels over a network; anywhere else the upload
/// token would cross the network in clear. The address must end in `/`,
/// because the app adds `bundles` to it, and may hold no query, fragment,
/// user name, space or control character.
pub fn check_intake(address: &str) -> Result<(), String> {
    let shown = || -> String {
        address
            .chars()
            .take(80)
            .flat_map(char::escape_debug)
            .collect()
    };
    if address.len() > MAX_INTAKE_BYTES {
        return Err(format!(
            "the intake address is {} bytes, but at most {MAX_INTAKE_BYTES} are allowed",
            address.len()
        ));
    }
    let bad_char = address
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '?' | '#' | '@' | '\\'));
    if bad_char {
        return Err(format!(
            "expected an intake address without spaces, `?`, `#`, `@` or `\\`, but found `{}`",
            shown()
        ));
    }
    if !address.ends_with('/') {
        return Err(format!(
            "expected the intake address to end with `/` (such as `/api/`), but found `{}`",
            shown()
        ));
    }
    let rest = if let Some(rest) = address.strip_prefix("https://") {
        rest
    } else if let Some(rest) = address.strip_prefix("http://") {
        let authority = rest.split('/').next().unwrap_or("");
        // The port, if any, follows the host; an IPv6 host is in brackets.
        let host = match authority.find(']') {
            Some(end) => &authority[..=end],
            None => authority.split(':').next().unwrap_or(""),
        };
        if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
            return Err(format!(
                "expected an https:// intake address (http:// only for 127.0.0.1, localhost or [::1]), but found `{}`",
                shown()
            ));
        }
        rest
    } else if address.starts_with('/') && !address.starts_with("//") {
        return check_intake_path(address).map_err(|()| {
            format!(
                "expected an intake path such as `/api/` without `.` or `..` parts, but found `{}`",
                shown()
            )
        });
    } else {
        return Err(format!(
            "expected an intake address that starts with `/` (on the app's own site) or `https://`, but found `{}`",
            shown()
        ));
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() || check_intake_path(&format!("/{path}")).is_err() {
        return Err(format!(
            "expected an intake address with a host and a path such as `https://example.org/api/`, but found `{}`",
            shown()
        ));
    }
    Ok(())
}

/// A path of an intake address: no `.` or `..` segment and no `//`, so
/// that the address the app reaches is the one a person reads.
fn check_intake_path(path: &str) -> Result<(), ()> {
    if path == "/" {
        return Ok(());
    }
    let inner = path
        .strip_prefix('/')
        .and_then(|p| p.strip_suffix('/'))
        .ok_or(())?;
    if inner
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Err(());
    }
    Ok(())
}

/// What the app reads first: every published form and every file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// [`INDEX_FORMAT`].
    pub format: u32,
    /// The deployment's own recipients, which every form has; the studio
    /// publishes a new form with them.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// The forms, in path order.
    pub forms: Vec<IndexForm>,
    /// Every published file, in path order.
    pub files: Vec<IndexFile>,
    /// Where the app uploads exported bundles: the intake's API address
    /// (`yim serve`'s `/api/`), ending in `/`. `None` when the deployment
    /// has no intake and coordinators send the files themselves. See
    /// [`check_intake`] for what is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intake: Option<String>,
}

/// One published form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexForm {
    /// The form's `id`.
    pub id: String,
    /// The form's `version`.
    pub version: String,
    /// The form's title by language code; `*` holds a title written once
    /// for every language.
    pub title: BTreeMap<String, String>,
    /// The form's default language, which a title without the reader's
    /// language or Thai falls back to; with it the app lists a form without
    /// loading it. Empty in an index written before it was added.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub default_language: String,
    /// `settings.province`, when the form is a province's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// The form's own file, relative to the published folder.
    pub path: String,
    /// Every file the form is loaded from: its own, the forms it extends and
    /// the CSV lists they name.
    pub files: Vec<String>,
    /// The age public keys its finalized records are sealed to: the
    /// deployment's, then the form's own.
    pub recipients: Vec<String>,
    /// The SHA-256 of the resolved form with these recipients, printed by
    /// [`crate::to_yaml`]: the hash that records and bundles carry.
    pub form_hash: String,
}

/// One published file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexFile {
    /// Its path, relative to the published folder, with `/` separators.
    pub path: String,
    /// The SHA-256 of its bytes, in lowercase hex.
    pub sha256: String,
    /// Its length in bytes.
    pub size: u64,
}

/// A recipient of the whole deployment, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentKey {
    /// The age public key (`age1...`).
    pub key: String,
    /// Its line in the recipients file.
    pub loc: Loc,
}

/// Reads a recipients file in age's format: one public key per line, with
/// blank lines and `#` comments. Every key is checked as `settings.recipients`
/// are; the problems name the file, line and column.
pub fn read_recipients(path: &str, text: &str) -> (Vec<DeploymentKey>, Vec<Diagnostic>) {
    let (mut keys, mut diags) = (Vec::new(), Vec::new());
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let col = line.len() - line.trim_start().len() + 1;
        let loc = Loc::new(
            path,
            u32::try_from(n + 1).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        );
        match crate::check_recipient(trimmed) {
            Ok(()) => keys.push(DeploymentKey {
                key: trimmed.to_string(),
                loc,
            }),
            Err(why) => diags.push(Diagnostic::new(loc, why)),
        }
    }
    (keys, diags)
}

/// The files of a publication: the index and what it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Publication {
    /// The index, to be written last as [`INDEX_FILE`].
    pub index: Index,
    /// Every file the index names, by its published path.
    pub files: BTreeMap<String, String>,
}

impl Publication {
    /// The index as the app reads it: pretty JSON, so that a coordinator can
    /// read which forms and versions a folder holds.
    pub fn index_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.index)
            .unwrap_or_else(|e| unreachable!("an index always serialises: {e}"));
        text.push('\n');
        text
    }
}

/// Publishes the forms of `files`.
///
/// `sources` pairs the path of every file under which `files` holds it
/// (and under which problems are reported) with its path in the published
/// folder; every YAML file among them is a form. `keys` are the
/// deployment's recipients. `check` is run on every resolved form, with
/// its recipients added, for the problems the form format alone does not
/// see (the engine's expression checks).
///
/// Returns the publication only when there were no problems at all: a
/// deployment must never receive half of a change.
pub fn publish(
    files: &MemFiles,
    sources: &[(String, String)],
    keys: &[DeploymentKey],
    check: &dyn Fn(&Form) -> Vec<Diagnostic>,
) -> (Option<Publication>, Vec<Diagnostic>) {
    let published: BTreeMap<&str, &str> = sources
        .iter()
        .map(|(source, out)| (source.as_str(), out.as_str()))
        .collect();
    let mut diags = Vec::new();
    let mut forms = Vec::new();
    let mut used: BTreeSet<String> = BTreeSet::new();
    for (source, out) in sources {
        if !(source.ends_with(".yaml") || source.ends_with(".yml")) {
            continue;
        }
        let recording = Recording {
            inner: files,
            read: RefCell::new(BTreeSet::new()),
        };
        let (form, mut problems) = crate::load(source, &recording);
        let Some(mut form) = form else {
            diags.append(&mut problems);
            continue;
        };
        let mut recipients: Vec<String> = keys.iter().map(|k| k.key.clone()).collect();
        for key in &form.settings.recipients {
            if !recipients.contains(key) {
                recipients.push(key.clone());
            }
        }
        if recipients.is_empty() {
            problems.push(Diagnostic::new(
                form.loc.clone(),
                format!(
                    "the form `{}` has no recipients, so its records could not be sealed; give the deployment a recipients file or list the data office's keys under `settings.recipients`",
                    form.id
                ),
            ));
        }
        if recipients.len() > MAX_RECIPIENTS {
            problems.push(Diagnostic::new(
                form.loc.clone(),
                format!(
                    "the form `{}` has {} recipients, but at most {MAX_RECIPIENTS} are allowed",
                    form.id,
                    recipients.len()
                ),
            ));
        }
        form.settings.recipients = recipients;
        problems.extend(check(&form));
        let mut form_files = Vec::new();
        for read in recording.read.into_inner() {
            match published.get(read.as_str()) {
                Some(out) => form_files.push(out.to_string()),
                None => problems.push(Diagnostic::new(
                    form.loc.clone(),
                    format!(
                        "the form reads `{read}`, which is outside the folders being published"
                    ),
                )),
            }
        }
        if !problems.is_empty() {
            diags.append(&mut problems);
            continue;
        }
        used.extend(form_files.iter().cloned());
        form_files.sort();
        forms.push(IndexForm {
            id: form.id.clone(),
            version: form.version.clone(),
            title: title(&form.title),
            default_language: form.default_language.clone(),
            province: form.settings.province.clone(),
            path: out.clone(),
            files: form_files,
            recipients: form.settings.recipients.clone(),
            form_hash: form_hash(&crate::to_yaml(&form)),
        });
    }
    let mut seen: BTreeMap<&str, &IndexForm> = BTreeMap::new();
    for form in &forms {
        if let Some(first) = seen.insert(form.id.as_str(), form) {
            diags.push(Diagnostic::new(
                Loc::new(source_of(sources, &form.path), 1, 1),
                format!(
                    "the form id `{}` is also used by {}; every published form needs its own id",
                    form.id, first.path
                ),
            ));
        }
    }
    if !diags.is_empty() {
        diags.sort_by(|a, b| a.loc.cmp(&b.loc));
        diags.dedup();
        return (None, diags);
    }
    let mut out_files = BTreeMap::new();
    let mut index_files = Vec::new();
    for (source, out) in sources {
        if !used.contains(out) {
            continue;
        }
        // A form read it through `files`, so it is there.
        let Ok(text) = files.read(source) else {
            continue;
        };
        index_files.push(IndexFile {
            path: out.clone(),
            sha256: sha256_hex(text.as_bytes()),
            size: text.len() as u64,
        });
        out_files.insert(out.clone(), text);
    }
    index_files.sort_by(|a, b| a.path.cmp(&b.path));
    forms.sort_by(|a, b| a.path.cmp(&b.path));
    let index = Index {
        format: INDEX_FORMAT,
        recipients: keys.iter().map(|k| k.key.clone()).collect(),
        forms,
        files: index_files,
        intake: None,
    };
    (
        Some(Publication {
            index,
            files: out_files,
        }),
        Vec::new(),
    )
}

fn source_of(sources: &[(String, String)], out: &str) -> String {
    sources
        .iter()
        .find(|(_, o)| o == out)
        .map(|(s, _)| s.clone())
        .unwrap_or_else(|| out.to_string())
}

fn title(text: &Text) -> BTreeMap<String, String> {
    match text {
        Text::Any(s) => BTreeMap::from([("*".to_string(), s.clone())]),
        Text::Langs(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    }
}

/// The hash that identifies a resolved form: the SHA-256 of its YAML text
/// (UTF-8, exactly as [`crate::to_yaml`] prints it), in 64 lowercase
/// hexadecimal digits. The published index, the phone's records and the
/// bundles all name a form by it, so this is the one place that says how it
/// is computed.
pub fn form_hash(resolved_yaml: &str) -> String {
    sha256_hex(resolved_yaml.as_bytes())
}

/// Whether `text` is a SHA-256 written as 64 lowercase hexadecimal digits,
/// as [`sha256_hex`] writes it.
pub fn is_sha256(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The SHA-256 of `bytes` in lowercase hex, the way `sha256sum` prints it:
/// the hash of published files, of sealed responses in a bundle and (by
/// [`form_hash`]) of resolved forms.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Remembers which files a form was loaded from.
struct Recording<'a> {
    inner: &'a dyn Files,
    read: RefCell<BTreeSet<String>>,
}

impl Files for Recording<'_> {
    fn read(&self, path: &str) -> Result<String, String> {
        let text = self.inner.read(path)?;
        self.read.borrow_mut().insert(crate::files::normalize(path));
        Ok(text)
    }
}

impl Index {
    /// Reads an index as the app fetched it, refusing anything it could not
    /// follow safely (see the module's invariant).
    pub fn parse(text: &str) -> Result<Index, String> {
        if text.len() > MAX_INDEX_BYTES {
            return Err(format!(
                "the form index is {} bytes, but at most {MAX_INDEX_BYTES} are allowed",
                text.len()
            ));
        }
        let index: Index =
            serde_json::from_str(text).map_err(|e| format!("the form index is not valid: {e}"))?;
        if index.format != INDEX_FORMAT {
            return Err(format!(
                "expected a form index of format {INDEX_FORMAT}, but found format {}; update the app",
                index.format
            ));
        }
        if index.forms.len() > MAX_FORMS || index.files.len() > MAX_FILES {
            return Err(format!(
                "the form index names {} forms and {} files, but at most {MAX_FORMS} and {MAX_FILES} are allowed",
                index.forms.len(),
                index.files.len()
            ));
        }
        if index.recipients.len() > MAX_RECIPIENTS {
            return Err(format!(
                "the form index names {} deployment recipients, but at most {MAX_RECIPIENTS} are allowed",
                index.recipients.len()
            ));
        }
        for key in &index.recipients {
            crate::check_recipient(key)?;
        }
        if let Some(intake) = &index.intake {
            check_intake(intake)?;
        }
        let mut known = BTreeSet::new();
        for file in &index.files {
            check_path(&file.path)?;
            if !is_sha256(&file.sha256) {
                return Err(format!(
                    "{}: expected a SHA-256 in 64 lowercase hexadecimal digits, but found `{}`",
                    file.path, file.sha256
                ));
            }
            if file.size > MAX_FILE_BYTES {
                return Err(format!(
                    "{}: the file is {} bytes, but at most {MAX_FILE_BYTES} are allowed",
                    file.path, file.size
                ));
            }
            if !known.insert(file.path.as_str()) {
                return Err(format!("{}: the file is listed twice", file.path));
            }
        }
        for form in &index.forms {
            check_path(&form.path)?;
            if !form.files.contains(&form.path) {
                return Err(format!(
                    "{}: the form's own file is missing from its files",
                    form.path
                ));
            }
            for file in &form.files {
                if !known.contains(file.as_str()) {
                    return Err(format!(
                        "{}: the form needs {file}, which the index does not list",
                        form.path
                    ));
                }
            }
            if form.recipients.is_empty() || form.recipients.len() > MAX_RECIPIENTS {
                return Err(format!(
                    "{}: expected 1 to {MAX_RECIPIENTS} recipients, but found {}",
                    form.path,
                    form.recipients.len()
                ));
            }
            for key in &form.recipients {
                crate::check_recipient(key).map_err(|why| format!("{}: {why}", form.path))?;
            }
            if !is_sha256(&form.form_hash) {
                return Err(format!(
                    "{}: expected the form hash to be a SHA-256, but found `{}`",
                    form.path, form.form_hash
                ));
            }
        }
        Ok(index)
    }

    /// The index entry of the file at `path`.
    pub fn file(&self, path: &str) -> Option<&IndexFile> {
        self.files.iter().find(|f| f.path == path)
    }
}

impl IndexFile {
    /// Checks fetched bytes against the index: their length and their hash.
    pub fn verify(&self, bytes: &[u8]) -> Result<(), String> {
        if bytes.len() as u64 != self.size {
            return Err(format!(
                "{}: expected {} bytes as the form index says, but found {}; the file was changed after it was published",
                self.path,
                self.size,
                bytes.len()
            ));
        }
        let found = sha256_hex(bytes);
        if found != self.sha256 {
            return Err(format!(
                "{}: expected the SHA-256 {} as the form index says, but found {found}; the file was changed after it was published",
                self.path, self.sha256
            ));
        }
        Ok(())
    }
}

/// A published path must stay inside the published folder: relative, with
/// `/` separators, no empty, `.` or `..` segment, and no control character.
fn check_path(path: &str) -> Result<(), String> {
    let bad = path.is_empty()
        || path.len() > MAX_PATH_BYTES
        || path.starts_with('/')
        || path.contains('\\')
        || path.contains(':')
        || path.chars().any(char::is_control)
        || path
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..");
    if bad {
        let shown: String = path.chars().take(80).flat_map(char::escape_debug).collect();
        return Err(format!(
            "expected a relative path inside the published folder, but found `{shown}`"
        ));
    }
    Ok(())
}
