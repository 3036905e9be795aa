//! The data office's side of Yim: bundles in, tables out.
//!
//! [`decrypt`] verifies and decrypts bundle files, merges them by response
//! id (the rules of [`yim_bundle::Merger`]) and writes one table per form
//! and per repeat, as CSV in the layout ODK Central uses, as Parquet with
//! the same columns typed, or as JSON documents. [`Schema`] is the layout
//! itself, as plain data, for anyone else who lays out answers.
//!
//! **Bounded memory.** Bundles are read as streams, one archive file at a
//! time (one bundle per worker thread), and each response is written to a
//! spill file in the private staging folder as soon as it is decrypted; it
//! counts once its whole bundle has opened. Memory holds, per response
//! id, only what the merge needs to pick a copy: a digest, the time it was
//! updated and where it lies in the spill file (about 200 bytes). Copies
//! that disagree are read back when the merge is decided; rows are written
//! to their files as they are made.
//!
//! [`Cases`] folds the case changes that responses carry into each case's
//! latest state (`cases.csv`), and [`report`] makes one HTML page of a
//! decrypted folder's cases for the working groups.
//!
//! **Boundary:** this crate is native only: it reads and writes files, and
//! Parquet and Arrow must never reach the browser app.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod cases;
mod media;
mod names;
mod report;
mod schema;
mod spill;
mod staging;
mod write;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde_json::Value as Json;
use yim_bundle::{BundleForm, Identities, Merger, Timestamp};

pub use cases::{Case, Cases, COLUMNS_AFTER, COLUMNS_BEFORE, MAX_CASE_BYTES, MAX_CASE_COLUMNS};
pub use names::{file_name, neutralise, reorders, unique};
pub use report::{
    report, Area, Fact, Report, ReportOptions, FIELDS, MAX_CASES, MAX_CELL_BYTES, MAX_OVERDUE_ROWS,
};
pub use schema::{
    load, text, Column, Kind, Layout, Row, Schema, Table, Typed, CASE_KEY, CASE_RESPONSE_KEYS,
    REPEAT_KEYS, RESPONSE_KEYS,
};
pub use staging::{check_output_folder, remove_unfinished, Staging};
pub use write::Cells;

use spill::Index;
use write::{CsvTable, ParquetTable, TableWriter};

/// What to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One CSV per form and one per repeat.
    Csv,
    /// One Parquet file per form and one per repeat: the CSV's columns,
    /// typed.
    Parquet,
    /// One JSON array of response documents per form.
    Json,
}

/// How to write the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// CSV, Parquet or JSON.
    pub format: Format,
    /// How cells are written.
    pub cells: Cells,
}

/// A run that could not finish. Nothing was written.
#[derive(Debug)]
pub struct Error {
    message: String,
    /// One line per bundle file that could not be opened, said before the
    /// message.
    pub bundles: Vec<String>,
}

impl Error {
    fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            bundles: Vec::new(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// A run that finished: the report for the data office, and whether
/// everything is complete (no export missing, no response with disagreeing
/// copies, every form readable).
#[derive(Debug)]
pub struct Outcome {
    /// The report, a line each. Ids and names in it come from bundles:
    /// print them through an escape for control characters.
    pub report: Vec<String>,
    /// Whether nothing needs a look.
    pub complete: bool,
}

/// The name of the file of left-out copies, reserved before any form's.
const CONFLICTS: &str = "conflicts";

/// Verifies, decrypts and merges `bundles`, and writes the tables into
/// `out`, a new or empty folder, all or nothing.
pub fn decrypt(
    bundles: &[String],
    identities: &Identities,
    out: &Path,
    settings: &Settings,
) -> Result<Outcome, Error> {
    // Left over by a run that was killed while writing: decrypted answers
    // in clear, which nobody would otherwise notice or delete.
    let cleaned = remove_unfinished(out)?;
    check_output_folder(out)?;
    let staging = Staging::create(out)?;
    let fail = |e: std::io::Error| {
        Error::new(format!(
            "nothing was written: {}: {}",
            out.display(),
            io_message(&e)
        ))
    };

    // Every bundle is opened before any table is written, so that one bad
    // bundle leaves no output at all rather than a part of it.
    let mut index = Index::create(&staging.path().join(spill::FILE)).map_err(fail)?;
    let mut merger = Merger::new();
    let mut failed: Vec<(usize, String)> = Vec::new();
    let mut spill_error = None;
    let mut photos = media::Media::default();
    // Photos wait here until their bundle has opened: one that fails
    // after some of its photos were decrypted leaves none in the output.
    let pending_dir = staging.path().join(media::PENDING);
    std::fs::create_dir(&pending_dir).map_err(fail)?;
    let mut pending: HashMap<usize, Vec<media::Pending>> = HashMap::new();
    spill::open_all(
        bundles,
        identities,
        &pending_dir,
        |i, opened| match opened {
            spill::Opened::Response(response) => {
                if spill_error.is_none() {
                    if let Err(e) = index.spill(i, response) {
                        spill_error = Some(e);
                    }
                }
            }
            spill::Opened::Photo(photo) => pending.entry(i).or_default().push(photo),
            spill::Opened::Bundle(Ok(bundle)) => {
                let waiting = pending.remove(&i).unwrap_or_default();
                if spill_error.is_none() {
                    let placed = photos
                        .place(staging.path(), waiting)
                        .and_then(|()| index.commit(i, bundle, &mut merger));
                    if let Err(e) = placed {
                        spill_error = Some(e);
                    }
                } else {
                    media::discard(waiting);
                }
            }
            spill::Opened::Bundle(Err(message)) => {
                media::discard(pending.remove(&i).unwrap_or_default());
                index.discard(i);
                failed.push((i, message));
            }
        },
    );
    if !failed.is_empty() {
        failed.sort();
        let mut e = Error::new(format!(
            "nothing was written: {} of {} could not be opened",
            failed.len(),
            count(bundles.len(), "bundle file")
        ));
        e.bundles = failed
            .into_iter()
            .map(|(i, m)| format!("{}: {m}", bundles[i]))
            .collect();
        return Err(e);
    }
    if let Some(e) = spill_error {
        return Err(fail(e));
    }

    let merged = merger.finish();
    let decided = index.decide().map_err(fail)?;
    let mut complete = decided.conflicts.is_empty()
        && decided.warnings.is_empty()
        && photos.notes.is_empty()
        && merged
            .devices
            .iter()
            .all(|d| d.missing.is_empty() && d.reused.is_empty());

    let bundle_count = if bundles.len() == merged.bundles {
        count(merged.bundles, "bundle")
    } else {
        format!(
            "{} ({} different)",
            count(bundles.len(), "bundle file"),
            merged.bundles
        )
    };
    let forms_used: BTreeSet<&str> = decided.kept.iter().map(|k| index.form_id(k)).collect();
    let mut report = cleaned;
    report.push(format!(
        "opened {bundle_count} from {}: {} of {}",
        count(merged.devices.len(), "device"),
        count(decided.kept.len(), "response"),
        count(forms_used.len(), "form"),
    ));
    for id in &merged.repeated_bundles {
        report.push(format!(
            "bundle {id} was given more than once; its responses count once"
        ));
    }
    report.extend(merged.devices.iter().map(ToString::to_string));
    report.extend(decided.warnings.iter().map(ToString::to_string));
    report.extend(decided.conflicts.iter().map(ToString::to_string));
    report.extend(photos.notes.iter().cloned());

    let (mut files, readable) = render(
        &index,
        &decided.kept,
        &merged.forms,
        settings,
        staging.path(),
        &mut report,
    )
    .map_err(fail)?;
    complete &= readable;
    if let Some((name, data, what)) = conflicts_file(&decided.conflicts) {
        std::fs::write(staging.path().join(&name), data).map_err(fail)?;
        files.push((name, what));
    }
    if photos.written > 0 {
        files.push((
            format!("{}/", media::FOLDER),
            count(photos.written, "photo"),
        ));
    }
    index.remove().map_err(fail)?;
    std::fs::remove_dir_all(&pending_dir).map_err(fail)?;
    staging.place(out)?;
    for (name, what) in &files {
        report.push(format!("wrote {} ({what})", out.join(name).display()));
    }
    Ok(Outcome { report, complete })
}

/// The file for the copies that lost a conflict: every left-out copy,
/// whole, with the bundles it came in, so that nothing sent is lost and the
/// data office can put a response right by hand.
fn conflicts_file(conflicts: &[yim_bundle::Conflict]) -> Option<(String, Vec<u8>, String)> {
    if conflicts.is_empty() {
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
    let conflicts: Vec<Json> = conflicts
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

/// One form's output while it is written.
struct FormOut {
    schema: Schema,
    /// One writer per table (CSV, Parquet), or the JSON file.
    writers: Vec<Box<dyn TableWriter>>,
    json: Option<std::io::BufWriter<std::fs::File>>,
    /// Rows written per table, or responses for JSON.
    rows: Vec<usize>,
}

/// Writes every form's files into `dir`, reading the kept copies back from
/// the spill file in id order. Returns (file name, what it holds) and
/// whether every form could be read.
fn render(
    index: &Index,
    kept: &[spill::Kept],
    forms: &[BundleForm],
    settings: &Settings,
    dir: &Path,
    report: &mut Vec<String>,
) -> std::io::Result<(Vec<(String, String)>, bool)> {
    let by_hash: BTreeMap<String, &BundleForm> = forms.iter().map(|f| (f.hash(), f)).collect();

    // The form versions each form id's kept responses use, the version of
    // the most recently updated response first, so that its column order
    // leads.
    let mut versions: BTreeMap<&str, BTreeMap<&str, (Option<Timestamp>, &str)>> = BTreeMap::new();
    for k in kept {
        let at = (k.updated, k.id.as_ref());
        let e = versions
            .entry(index.form_id(k))
            .or_default()
            .entry(index.form_hash(k))
            .or_insert(at);
        if at > *e {
            *e = at;
        }
    }
    let mut readable = true;
    let mut schemas: BTreeMap<&str, Schema> = BTreeMap::new();
    for (form_id, hashes) in &versions {
        let mut hashes: Vec<_> = hashes.iter().collect();
        hashes.sort_by(|a, b| b.1.cmp(a.1));
        let mut schema = Schema::new();
        if settings.format != Format::Json {
            for (hash, _) in hashes {
                let Some(form) = by_hash.get(*hash) else {
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
        }
        schemas.insert(form_id, schema);
    }

    // First reading: columns for answers no version knows, which forms
    // carry cases, and (for Parquet) types that some answer does not fit.
    let mut has_cases = false;
    if settings.format != Format::Json {
        let mut widened: BTreeMap<(&str, String), ()> = BTreeMap::new();
        for k in kept {
            let response = index.read(k)?;
            let form_id = index.form_id(k);
            let schema = schemas
                .get_mut(form_id)
                .expect("every kept form has a schema");
            if response.case.is_some() {
                schema.add_case_column();
                has_cases = true;
            }
            if let Json::Object(answers) = &response.answers {
                schema.discover(0, answers);
                if settings.format == Format::Parquet {
                    for column in schema.widen(0, answers) {
                        widened.insert((form_id, column), ());
                    }
                }
            }
        }
        for (form_id, column) in widened.into_keys() {
            report.push(format!(
                "form {form_id}: some answers to {column} do not fit its type; its Parquet column holds text"
            ));
        }
    }

    // File names, in form order, each form's repeats after it.
    let mut used = BTreeSet::new();
    used.insert(CONFLICTS.to_string());
    if has_cases {
        used.insert(cases::FILE.to_string());
    }
    let extension = match settings.format {
        Format::Csv => "csv",
        Format::Parquet => "parquet",
        Format::Json => "json",
    };
    let mut files = Vec::new();
    let mut outs: BTreeMap<&str, FormOut> = BTreeMap::new();
    for (form_id, schema) in schemas {
        let base = unique(&mut used, file_name(form_id));
        let mut out = FormOut {
            writers: Vec::new(),
            json: None,
            rows: vec![0; schema.tables.len()],
            schema,
        };
        if settings.format == Format::Json {
            let name = format!("{base}.json");
            let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join(&name))?);
            std::io::Write::write_all(&mut w, b"[")?;
            out.json = Some(w);
            files.push((name, form_id, None));
        } else {
            for (t, table) in out.schema.tables.iter().enumerate() {
                let name = match &table.repeat {
                    None => base.clone(),
                    Some(repeat) => unique(&mut used, format!("{base}-{}", file_name(repeat))),
                };
                let name = format!("{name}.{extension}");
                let path = dir.join(&name);
                out.writers.push(match settings.format {
                    Format::Parquet => {
                        Box::new(ParquetTable::create(&path, table, settings.cells.labels)?)
                    }
                    _ => Box::new(CsvTable::create(&path, table, settings.cells)?),
                });
                files.push((name, form_id, Some(t)));
            }
        }
        outs.insert(form_id, out);
    }

    // Second reading: the rows, as they come. The responses that changed
    // a case are noted by their place in `kept`, to be read a third time in
    // time order.
    let mut case_visits: Vec<usize> = Vec::new();
    for (i, k) in kept.iter().enumerate() {
        let response = index.read(k)?;
        if has_cases && response.case.is_some() {
            case_visits.push(i);
        }
        let out = outs
            .get_mut(index.form_id(k))
            .expect("every kept form has an output");
        if let Some(w) = &mut out.json {
            // Each document is indented as one element of the array that
            // `serde_json::to_vec_pretty` would print, so the file reads
            // the same as when it was made in memory.
            let pretty = serde_json::to_string_pretty(&response).map_err(std::io::Error::other)?;
            let sep: &[u8] = if out.rows[0] == 0 { b"\n" } else { b",\n" };
            std::io::Write::write_all(w, sep)?;
            for (i, line) in pretty.lines().enumerate() {
                if i > 0 {
                    std::io::Write::write_all(w, b"\n")?;
                }
                std::io::Write::write_all(w, b"  ")?;
                std::io::Write::write_all(w, line.as_bytes())?;
            }
            out.rows[0] += 1;
            continue;
        }
        let Json::Object(answers) = &response.answers else {
            continue;
        };
        let mut rows = Vec::new();
        let record = [
            response.id.as_str(),
            &response.form_version,
            &response.device_id,
            &response.created,
            &response.updated,
            &response.status,
            response.case.as_ref().map_or("", |c| c.id.as_str()),
        ];
        let keys = out.schema.tables[0].keys().len();
        out.schema.rows(answers, &record[..keys], &mut rows);
        for row in &rows {
            out.writers[row.table].row(&out.schema.tables[row.table], row)?;
            out.rows[row.table] += 1;
        }
    }

    let mut written = Vec::new();
    let mut counts: BTreeMap<(&str, Option<usize>), usize> = BTreeMap::new();
    for (form_id, out) in outs {
        if let Some(mut w) = out.json {
            std::io::Write::write_all(&mut w, b"\n]\n")?;
            w.into_inner().map_err(|e| e.into_error())?;
            counts.insert((form_id, None), out.rows[0]);
            continue;
        }
        for (t, w) in out.writers.into_iter().enumerate() {
            w.finish()?;
            counts.insert((form_id, Some(t)), out.rows[t]);
        }
    }
    for (name, form_id, table) in files {
        let n = counts.get(&(form_id, table)).copied().unwrap_or(0);
        let what = match table {
            None | Some(0) => count(n, "response"),
            Some(_) => count(n, "row"),
        };
        written.push((name, what));
    }
    if has_cases {
        let name = format!("{}.{extension}", cases::FILE);
        let n = write_cases(index, kept, &mut case_visits, settings, &dir.join(&name))?;
        written.push((name, count(n, "case")));
    }
    Ok((written, readable))
}

/// Folds the case changes of the responses at `visits` (places in `kept`)
/// into the case table, in time order, and writes it to `path`. Returns the
/// number of cases.
fn write_cases(
    index: &Index,
    kept: &[spill::Kept],
    visits: &mut [usize],
    settings: &Settings,
    path: &Path,
) -> std::io::Result<usize> {
    // Time order of `updated`, ties broken by response id, so that the
    // same bundles give the same table whatever order they were given in.
    visits.sort_by(|&a, &b| (kept[a].updated, &kept[a].id).cmp(&(kept[b].updated, &kept[b].id)));
    let mut cases = Cases::new();
    for &i in visits.iter() {
        let response = index.read(&kept[i])?;
        cases.apply(&response).map_err(std::io::Error::other)?;
    }
    let table = cases.table();
    let mut writer: Box<dyn TableWriter> = match settings.format {
        Format::Parquet => Box::new(ParquetTable::create(path, &table, false)?),
        _ => Box::new(CsvTable::create(path, &table, settings.cells)?),
    };
    cases.rows(|row| writer.row(&table, row))?;
    writer.finish()?;
    Ok(cases.iter().count())
}

pub(crate) fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string().to_lowercase(),
    }
}

pub(crate) fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
