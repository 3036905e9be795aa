//! `yim decrypt`: the data office's command. It verifies and decrypts
//! bundles, merges them, and writes one CSV per form and per repeat in the
//! layout ODK Central uses (or JSON), all or nothing.
//!
//! The format and the CSV layout are specified in `docs/bundle-format.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json};
use yim_bundle::{
    BundleForm, Identities, Identity, Merged, Merger, Passphrase, Response, Timestamp,
};
use yim_form::{Form, MemFiles, QType};

use crate::{printable, Fatal};

/// What to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// One CSV per form and one per repeat.
    Csv,
    /// One JSON array of response documents per form.
    Json,
}

/// A `yim decrypt` invocation.
#[derive(Debug, PartialEq)]
pub(crate) struct Options {
    /// Identity files (`-i`), as `age-keygen` or `yim keygen` write them.
    pub(crate) identities: Vec<String>,
    /// A file whose first line is the passphrase, for passphrase bundles.
    pub(crate) passphrase_file: Option<String>,
    /// The bundle files.
    pub(crate) bundles: Vec<String>,
    /// The output folder (`-o`); it must not exist yet or be empty.
    pub(crate) out: String,
    /// CSV or JSON.
    pub(crate) format: Format,
    /// Choice labels instead of choice names.
    pub(crate) labels: bool,
    /// A UTF-8 byte order mark at the start of each CSV, for Excel.
    pub(crate) bom: bool,
    /// Cells exactly as answered, without the `'` that keeps spreadsheet
    /// programs from reading an answer as a formula (see [`neutralise`]).
    pub(crate) raw_csv: bool,
}

/// Runs `yim decrypt`. True when everything is complete: no export missing,
/// no response with disagreeing copies, every form readable.
pub(crate) fn decrypt(o: &Options) -> Result<bool, Fatal> {
    let identities = identities(o)?;
    let out = Path::new(&o.out);
    // Left over by a run that was killed while writing: decrypted answers
    // in clear, which nobody would otherwise notice or delete.
    let cleaned = remove_unfinished(out)?;
    check_output_folder(out)?;

    // Every bundle is opened before anything is written, so that one bad
    // bundle leaves no output at all rather than a part of it.
    let mut opened = Vec::new();
    let mut failed = 0;
    for path in &o.bundles {
        let result = std::fs::read(path)
            .map_err(|e| io_message(&e))
            .and_then(|bytes| yim_bundle::open(&bytes, &identities).map_err(|e| e.to_string()));
        match result {
            Ok(bundle) => opened.push(bundle),
            Err(message) => {
                eprintln!("{}", printable(&format!("{path}: {message}")));
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(Fatal(format!(
            "nothing was written: {failed} of {} could not be opened",
            count(o.bundles.len(), "bundle file")
        )));
    }

    let mut merger = Merger::new();
    for bundle in opened {
        merger.add(bundle);
    }
    let merged = merger.finish();
    let mut complete = merged.conflicts.is_empty()
        && merged.warnings.is_empty()
        && merged
            .devices
            .iter()
            .all(|d| d.missing.is_empty() && d.reused.is_empty());

    let bundles = if o.bundles.len() == merged.bundles {
        count(merged.bundles, "bundle")
    } else {
        format!(
            "{} ({} different)",
            count(o.bundles.len(), "bundle file"),
            merged.bundles
        )
    };
    let mut report = cleaned;
    report.push(format!(
        "opened {bundles} from {}: {} of {}",
        count(merged.devices.len(), "device"),
        count(merged.responses.len(), "response"),
        count(
            merged
                .responses
                .iter()
                .map(|r| &r.form_id)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            "form"
        ),
    ));
    for id in &merged.repeated_bundles {
        report.push(format!(
            "bundle {id} was given more than once; its responses count once"
        ));
    }
    report.extend(merged.devices.iter().map(ToString::to_string));
    report.extend(merged.warnings.iter().map(ToString::to_string));
    report.extend(merged.conflicts.iter().map(ToString::to_string));

    let (mut files, readable) = render(&merged, o, &mut report);
    if let Some(file) = conflicts_file(&merged) {
        files.push(file);
    }
    complete &= readable;
    write_all(out, &files)?;
    for (name, _, rows) in &files {
        report.push(format!("wrote {} ({rows})", out.join(name).display()));
    }
    // Ids, versions and names come from bundles, which anyone who knows the
    // public keys can make: a line break in a device id would forge a line
    // of this report, an escape sequence would rewrite the terminal.
    for line in report {
        println!("{}", printable(&line));
    }
    Ok(complete)
}

/// The file for the copies that lost a conflict: every left-out copy,
/// whole, with the bundles it came in, so that nothing sent is lost and the
/// data office can put a response right by hand.
fn conflicts_file(merged: &Merged) -> Option<(String, Vec<u8>, String)> {
    if merged.conflicts.is_empty() {
        return None;
    }
    let origins = |c: &yim_bundle::ResponseCopy| -> Vec<Json> {
        c.found_in
            .iter()
            .map(|o| {
                serde_json::json!({
                    "device_id": o.device_id,
                    "sequence": o.sequence,
                    "bundle_id": o.bundle_id,
                })
            })
            .collect()
    };
    let mut left = 0;
    let conflicts: Vec<Json> = merged
        .conflicts
        .iter()
        .map(|c| {
            left += c.left_out.len();
            serde_json::json!({
                "response_id": c.response_id,
                "kept": {"updated": c.kept.updated, "found_in": origins(&c.kept)},
                "left_out": c.left_out.iter().map(|copy| serde_json::json!({
                    "found_in": origins(copy),
                    "response": copy.response,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut data = serde_json::to_vec_pretty(&conflicts).expect("conflicts are JSON");
    data.push(b'\n');
    Some((
        format!("{CONFLICTS}.json"),
        data,
        if left == 1 {
            "1 left-out copy".to_string()
        } else {
            format!("{left} left-out copies")
        },
    ))
}

/// The name of the file of left-out copies, reserved before any form's.
const CONFLICTS: &str = "conflicts";

/// How many random letters and digits end the name of a staging folder.
const STAGING_RANDOM: usize = 6;

/// The prefix of the folder a run writes into before renaming it to the
/// output folder; the output's own name follows, so that one output's
/// leftovers are never taken for another's.
fn staging_prefix(out: &Path) -> String {
    let name = out
        .file_name()
        .map_or_else(|| "out".to_string(), |n| n.to_string_lossy().into_owned());
    format!(".yim-decrypt-{}-", file_name(&name))
}

/// Removes the staging folders that runs for the same output left behind
/// when they were killed, and returns a report line for each.
fn remove_unfinished(out: &Path) -> Result<Vec<String>, Fatal> {
    let parent = parent_of(out);
    let prefix = staging_prefix(out);
    let Ok(entries) = std::fs::read_dir(&parent) else {
        // A parent that cannot be listed cannot be written either; the
        // write reports it.
        return Ok(Vec::new());
    };
    let mut lines = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        // Exactly the prefix and the random letters, so that the leftovers
        // of `out-2` are never taken for those of `out`.
        let ours = name.strip_prefix(&prefix).is_some_and(|random| {
            random.len() == STAGING_RANDOM && random.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        if !is_dir || !ours {
            continue;
        }
        let files = std::fs::read_dir(entry.path()).map_or(0, |e| e.count());
        std::fs::remove_dir_all(entry.path()).map_err(|e| {
            Fatal(format!(
                "{}: an unfinished earlier run left decrypted files here, and they cannot be removed: {}",
                entry.path().display(),
                io_message(&e)
            ))
        })?;
        lines.push(format!(
            "removed {}, left by an earlier run that was stopped while writing ({} of decrypted answers)",
            entry.path().display(),
            count(files, "file")
        ));
    }
    lines.sort();
    Ok(lines)
}

fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn identities(o: &Options) -> Result<Identities, Fatal> {
    let mut ids = Identities::new();
    for path in &o.identities {
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => Fatal(format!(
                "{path}: expected an age identity file (text), but found other bytes"
            )),
            _ => Fatal(format!("{path}: {}", io_message(&e))),
        })?;
        for key in Identity::parse_file(&text).map_err(|e| Fatal(format!("{path}: {e}")))? {
            ids.add(key);
        }
    }
    if let Some(path) = &o.passphrase_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Fatal(format!("{path}: {}", io_message(&e))))?;
        let first = text.lines().next().unwrap_or("").to_string();
        if first.is_empty() {
            return Err(Fatal(format!(
                "{path}: expected a passphrase on the first line, but found an empty line"
            )));
        }
        ids.set_passphrase(Passphrase::new(first));
    }
    Ok(ids)
}

fn check_output_folder(out: &Path) -> Result<(), Fatal> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Fatal(format!(
                    "expected a new or empty folder for the output, but {} already holds files (yim does not mix new results with old ones)",
                    out.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if out.is_file() => Err(Fatal(format!(
            "expected a folder for the output, but {} is a file",
            out.display()
        ))),
        Err(e) => Err(Fatal(format!("{}: {}", out.display(), io_message(&e)))),
    }
}

/// Writes every file into a new private folder next to `out`, then renames
/// it to `out`: either the whole result appears or nothing does.
fn write_all(out: &Path, files: &[(String, Vec<u8>, String)]) -> Result<(), Fatal> {
    let parent = parent_of(out);
    let fail = |e: std::io::Error| {
        Fatal(format!(
            "nothing was written: {}: {}",
            out.display(),
            io_message(&e)
        ))
    };
    let tmp = tempfile::Builder::new()
        .prefix(&staging_prefix(out))
        .rand_bytes(STAGING_RANDOM)
        .tempdir_in(&parent)
        .map_err(fail)?;
    // Decrypted child-protection records: only the current user may read
    // the folder. The rename into place keeps this.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o700))
            .map_err(fail)?;
    }
    for (name, data, _) in files {
        std::fs::write(tmp.path().join(name), data).map_err(fail)?;
    }
    if out.is_dir() {
        // Checked to be empty before decrypting; `remove_dir` refuses
        // anything else, so nothing that appeared since is lost.
        std::fs::remove_dir(out).map_err(fail)?;
    }
    let staged = tmp.keep();
    std::fs::rename(&staged, out).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        fail(e)
    })
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string().to_lowercase(),
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

// ---------------------------------------------------------------------------
// Tables.

/// One output column: a question (or an answer key the form does not know).
struct Column {
    name: String,
    /// For select questions: each choice's label in the form's default language.
    labels: BTreeMap<String, String>,
}

/// One output table: the responses, or the entries of one repeat.
struct Table {
    /// The repeat's name; None for the table of responses.
    repeat: Option<String>,
    columns: Vec<Column>,
}

/// The tables of one form id, across every version its responses use.
struct Schema {
    tables: Vec<Table>,
    by_repeat: BTreeMap<String, usize>,
}

impl Schema {
    fn new() -> Schema {
        Schema {
            tables: vec![Table {
                repeat: None,
                columns: Vec::new(),
            }],
            by_repeat: BTreeMap::new(),
        }
    }

    /// Adds a version's questions in form order: a repeat becomes a table,
    /// groups and notes add nothing, every other question is a column of the
    /// table of its nearest enclosing repeat.
    fn add_form(&mut self, form: &Form) {
        let lang = form.default_language.as_str();
        for w in form.walk() {
            let q = w.question;
            let table = match w.parents.iter().rev().find(|p| p.qtype == QType::Repeat) {
                Some(r) => self.table(&r.name),
                None => 0,
            };
            match &q.qtype {
                QType::Group | QType::Note => {}
                QType::Repeat => {
                    self.table(&q.name);
                }
                other => {
                    let labels = other
                        .list()
                        .and_then(|l| form.choices.get(l))
                        .map(|list| {
                            list.choices
                                .iter()
                                .map(|c| (c.name.clone(), c.label.get(lang, lang).to_string()))
                                .collect()
                        })
                        .unwrap_or_default();
                    self.column(table, &q.name, labels);
                }
            }
        }
    }

    /// The table of repeat `name`, added at the end when it is new.
    fn table(&mut self, name: &str) -> usize {
        if let Some(&t) = self.by_repeat.get(name) {
            return t;
        }
        self.tables.push(Table {
            repeat: Some(name.to_string()),
            columns: Vec::new(),
        });
        self.by_repeat
            .insert(name.to_string(), self.tables.len() - 1);
        self.tables.len() - 1
    }

    /// Adds a column, or the labels it lacks when it exists (the first
    /// version added, the most recent one, names choices first).
    fn column(&mut self, table: usize, name: &str, labels: BTreeMap<String, String>) {
        let columns = &mut self.tables[table].columns;
        match columns.iter_mut().find(|c| c.name == name) {
            Some(c) => {
                for (k, v) in labels {
                    c.labels.entry(k).or_insert(v);
                }
            }
            None => columns.push(Column {
                name: name.to_string(),
                labels,
            }),
        }
    }

    /// Adds a column for every answer key no form version knows, and a
    /// table for every unknown list of objects, so no answer is dropped.
    fn discover(&mut self, table: usize, frame: &Map<String, Json>) {
        for (key, value) in frame {
            let items = match value {
                Json::Array(items) if !items.is_empty() && items.iter().all(Json::is_object) => {
                    Some(items)
                }
                _ => None,
            };
            let known_repeat = self.by_repeat.get(key).copied();
            match (known_repeat, items) {
                (Some(t), Some(items)) => items
                    .iter()
                    .for_each(|i| self.discover(t, i.as_object().unwrap())),
                // An empty repeat has no rows; anything else under a repeat's
                // name (a version where it was a question) gets a column.
                (Some(_), None)
                    if value.is_null() || value.as_array().is_some_and(Vec::is_empty) => {}
                (Some(_), None) => self.column(table, key, BTreeMap::new()),
                (None, Some(items))
                    if !self.tables[table].columns.iter().any(|c| c.name == *key) =>
                {
                    let t = self.table(key);
                    items
                        .iter()
                        .for_each(|i| self.discover(t, i.as_object().unwrap()));
                }
                (None, _) => self.column(table, key, BTreeMap::new()),
            }
        }
    }
}

/// One table's rows, filled while walking the responses.
type Rows = Vec<Vec<String>>;

/// Renders every form's files. Returns (file name, bytes, what it holds) and
/// whether every form could be read.
fn render(
    merged: &Merged,
    o: &Options,
    report: &mut Vec<String>,
) -> (Vec<(String, Vec<u8>, String)>, bool) {
    let mut by_form: BTreeMap<&str, Vec<&Response>> = BTreeMap::new();
    for r in &merged.responses {
        by_form.entry(r.form_id.as_str()).or_default().push(r);
    }
    let forms: BTreeMap<String, &BundleForm> = merged.forms.iter().map(|f| (f.hash(), f)).collect();
    let mut files = Vec::new();
    let mut used_names = std::collections::BTreeSet::new();
    used_names.insert(CONFLICTS.to_string());
    let mut readable = true;
    for (form_id, responses) in by_form {
        let base = unique(&mut used_names, file_name(form_id));
        if o.format == Format::Json {
            let mut data = serde_json::to_vec_pretty(&responses).expect("responses are JSON");
            data.push(b'\n');
            files.push((
                format!("{base}.json"),
                data,
                count(responses.len(), "response"),
            ));
            continue;
        }
        let mut schema = Schema::new();
        for hash in versions_newest_first(&responses) {
            let Some(form) = forms.get(hash) else {
                continue;
            };
            match load(form) {
                Ok(f) => schema.add_form(&f),
                Err(problem) => {
                    readable = false;
                    report.push(format!(
                        "form {} version {}: its resolved form in the bundle cannot be read ({problem}); its columns follow the answers",
                        form.id, form.version
                    ));
                }
            }
        }
        for r in &responses {
            if let Json::Object(answers) = &r.answers {
                schema.discover(0, answers);
            }
        }
        let mut rows: Vec<Rows> = schema.tables.iter().map(|_| Vec::new()).collect();
        for r in &responses {
            let Json::Object(answers) = &r.answers else {
                continue;
            };
            let mut row = frame_row(&schema.tables[0], answers, o.labels);
            row.extend([
                r.id.clone(),
                r.form_version.clone(),
                r.device_id.clone(),
                r.created.clone(),
                r.updated.clone(),
                r.status.clone(),
            ]);
            rows[0].push(row);
            repeat_rows(&schema, answers, &r.id, o.labels, &mut rows);
        }
        for (t, table) in schema.tables.iter().enumerate() {
            let mut header: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
            let (name, what) = match &table.repeat {
                None => {
                    header.extend(
                        [
                            "KEY",
                            "FormVersion",
                            "DeviceID",
                            "Created",
                            "Updated",
                            "Status",
                        ]
                        .map(String::from),
                    );
                    (base.clone(), count(rows[t].len(), "response"))
                }
                Some(repeat) => {
                    header.extend(["PARENT_KEY", "KEY"].map(String::from));
                    (
                        unique(&mut used_names, format!("{base}-{}", file_name(repeat))),
                        count(rows[t].len(), "row"),
                    )
                }
            };
            files.push((
                format!("{name}.csv"),
                csv(&header, &rows[t], o.bom, o.raw_csv),
                what,
            ));
        }
    }
    (files, readable)
}

/// The form hashes the responses use, the version of the most recently
/// updated response first, so that its column order leads.
fn versions_newest_first<'a>(responses: &[&'a Response]) -> Vec<&'a str> {
    let mut latest: BTreeMap<&str, (Option<Timestamp>, &str)> = BTreeMap::new();
    for r in responses {
        let at = (Timestamp::parse(&r.updated).ok(), r.id.as_str());
        let e = latest.entry(r.form_hash.as_str()).or_insert(at);
        if at > *e {
            *e = at;
        }
    }
    let mut hashes: Vec<_> = latest.into_iter().collect();
    hashes.sort_by(|a, b| b.1.cmp(&a.1));
    hashes.into_iter().map(|(h, _)| h).collect()
}

fn load(form: &BundleForm) -> Result<Form, String> {
    let path = format!("forms/{}.yaml", form.hash());
    let files = MemFiles::new().with(&path, form.yaml.clone());
    match yim_form::load(&path, &files) {
        (Some(f), _) => Ok(f),
        (None, diagnostics) => Err(diagnostics
            .first()
            .map_or_else(|| "no form in the file".to_string(), |d| d.message.clone())),
    }
}

fn frame_row(table: &Table, frame: &Map<String, Json>, labels: bool) -> Vec<String> {
    table
        .columns
        .iter()
        .map(|c| cell(frame.get(&c.name), c, labels))
        .collect()
}

/// Adds a row for every repeat entry in `frame`, and for the repeats inside
/// those entries, keyed the way ODK Central keys them.
fn repeat_rows(
    schema: &Schema,
    frame: &Map<String, Json>,
    parent_key: &str,
    labels: bool,
    rows: &mut [Rows],
) {
    for (key, value) in frame {
        let (Some(&t), Json::Array(items)) = (schema.by_repeat.get(key), value) else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let Json::Object(entry) = item else { continue };
            let entry_key = format!("{parent_key}/{key}[{}]", i + 1);
            let mut row = frame_row(&schema.tables[t], entry, labels);
            row.extend([parent_key.to_string(), entry_key.clone()]);
            rows[t].push(row);
            repeat_rows(schema, entry, &entry_key, labels, rows);
        }
    }
}

/// One value as CSV text. A `select_multiple` is its choice names joined by
/// spaces (ODK's way), or its labels joined by "; " with `--labels`.
fn cell(value: Option<&Json>, column: &Column, labels: bool) -> String {
    let label = |name: &str| -> String {
        match column.labels.get(name) {
            Some(l) if labels && !l.is_empty() => l.clone(),
            _ => name.to_string(),
        }
    };
    let scalar = |v: &Json| match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    };
    match value {
        None | Some(Json::Null) => String::new(),
        Some(Json::String(s)) if labels && !column.labels.is_empty() => s
            .split_whitespace()
            .map(label)
            .collect::<Vec<_>>()
            .join("; "),
        Some(Json::Array(items)) => {
            let names = items.iter().map(|i| label(&scalar(i)));
            names
                .collect::<Vec<_>>()
                .join(if labels { "; " } else { " " })
        }
        Some(other) => scalar(other),
    }
}

fn csv(header: &[String], rows: &Rows, bom: bool, raw: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut w = csv::Writer::from_writer(out);
    let field = |s: &String| if raw { s.clone() } else { neutralise(s) };
    w.write_record(header.iter().map(field))
        .expect("writing to memory");
    for row in rows {
        w.write_record(row.iter().map(field))
            .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// A cell that a spreadsheet program would read as a formula, with a `'` in
/// front so that it reads as the text it is (OWASP's advice on CSV
/// injection). Anyone who knows the form's public keys can send answers, and
/// answer keys become headers, so headers get the same treatment.
///
/// Excel, LibreOffice and Google Sheets take a cell that starts with `=`,
/// `+`, `-` or `@` as a formula, and some skip a leading tab or carriage
/// return first. Two kinds of such cells are left as they are, because they
/// are common answers and no formula made of them can call a function or
/// open a link: a number (`-5`, `+3.25`), and a phone number written as a
/// sign and groups of digits separated by single spaces (`+66 81 234 5678`).
/// Anything else, such as `-2+3`, `+66-81-234-5678` or `@SUM(A1)`, gets the
/// `'`. `--raw-csv` turns this off for programs that read the CSV as data.
pub(crate) fn neutralise(cell: &str) -> String {
    let Some(first) = cell.chars().next() else {
        return String::new();
    };
    if !matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r') {
        return cell.to_string();
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let inert = match cell.strip_prefix(['+', '-']) {
        Some(rest) => {
            let number = match rest.split_once('.') {
                Some((whole, fraction)) => digits(whole) && digits(fraction),
                None => digits(rest),
            };
            number || rest.split(' ').all(digits)
        }
        None => false,
    };
    if inert {
        cell.to_string()
    } else {
        format!("'{cell}")
    }
}

/// A file name for a form id or repeat name: characters that file systems
/// refuse, and those that reorder text, become `_`; Thai letters stay.
///
/// A name longer than [`MAX_NAME_BYTES`] is cut at a character boundary and
/// ends with the first 8 hexadecimal digits of the SHA-256 of the whole
/// name, so that two long ids that start alike still get two files: file
/// systems refuse names over 255 bytes, and a Thai letter takes 3. A name
/// that Windows reserves for a device (`con`, `nul`, `com1`...), whatever
/// its case or extension, gets a `_` in front.
fn file_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_control() || crate::reorders(c) || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') || windows_reserved(&s) {
        s.insert(0, '_');
    }
    if s.len() > MAX_NAME_BYTES {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(name.as_bytes());
        let mut end = MAX_NAME_BYTES - 9;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('~');
        for b in &hash[..4] {
            s.push_str(&format!("{b:02x}"));
        }
    }
    s
}

/// The longest file name part made from one id, in bytes. A repeat's file
/// joins two parts and adds `-`, a `_2` to tell names apart and `.csv`,
/// which stays well under the 255 bytes file systems allow.
const MAX_NAME_BYTES: usize = 100;

/// Whether Windows reserves `name` for a device: `con`, `prn`, `aux`,
/// `nul`, `com0`-`com9` and `lpt0`-`lpt9` (with superscript digits too), in
/// any case, alone or before a dot, and with trailing spaces.
fn windows_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").trim_end_matches(' ');
    let lower = stem.to_lowercase();
    if matches!(lower.as_str(), "con" | "prn" | "aux" | "nul") {
        return true;
    }
    let mut chars = lower.chars();
    let head: String = chars.by_ref().take(3).collect();
    let digit: Vec<char> = chars.collect();
    (head == "com" || head == "lpt")
        && matches!(digit.as_slice(), [d] if d.is_ascii_digit() || matches!(d, '¹' | '²' | '³'))
}

/// `name`, or `name_2`, `name_3`... when an earlier file took it.
fn unique(used: &mut std::collections::BTreeSet<String>, name: String) -> String {
    let mut candidate = name.clone();
    let mut n = 1;
    while !used.insert(candidate.to_lowercase()) {
        n += 1;
        candidate = format!("{name}_{n}");
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::{file_name, neutralise};

    #[test]
    fn formula_cells_get_a_quote_and_numbers_and_phone_numbers_do_not() {
        let cases = [
            ("=1+1", "'=1+1"),
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("+cmd", "'+cmd"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            ("+", "'+"),
            ("-5", "-5"),
            ("+3.25", "+3.25"),
            ("-0.5", "-0.5"),
            ("-.5", "'-.5"),
            ("+66 81 234 5678", "+66 81 234 5678"),
            ("+66  81", "'+66  81"),
            ("+66 81 ", "'+66 81 "),
            ("+66-81-234-5678", "'+66-81-234-5678"),
            ("+66 (81) 234", "'+66 (81) 234"),
            ("-1e5", "'-1e5"),
            ("081 234 5678", "081 234 5678"),
            ("สมชาย - ใจดี", "สมชาย - ใจดี"),
            ("", ""),
        ];
        for (cell, expected) in cases {
            assert_eq!(neutralise(cell), expected, "for {cell:?}");
        }
    }

    #[test]
    fn file_names_are_short_and_never_a_windows_device() {
        let thai = "ก".repeat(60);
        let cases = [
            ("child-visit", "child-visit".to_string()),
            ("nul", "_nul".to_string()),
            ("CON", "_CON".to_string()),
            ("aux.visit", "_aux.visit".to_string()),
            ("com1", "_com1".to_string()),
            ("LPT9", "_LPT9".to_string()),
            ("com¹", "_com¹".to_string()),
            ("nul ", "_nul ".to_string()),
            ("console", "console".to_string()),
            ("com10", "com10".to_string()),
            ("a/b", "a_b".to_string()),
            (".hidden", "_.hidden".to_string()),
            // 60 Thai letters are 180 bytes: cut to 30 letters (90 bytes) and a hash.
            (thai.as_str(), format!("{}~6b46960a", "ก".repeat(30))),
        ];
        for (name, expected) in cases {
            assert_eq!(file_name(name), expected, "for {name:?}");
            assert!(file_name(name).len() <= 100);
        }
    }
}
