//! `yim decrypt`: the data office's command. The work is `yim_office`'s:
//! this reads the keys, hands the bundles over and prints the report.
//!
//! The format and the table layout are specified in `docs/bundle-format.md`.

use std::path::Path;

use yim_bundle::{Identities, Identity, Passphrase};
use yim_office::{Cells, Settings};

pub(crate) use yim_office::Format;

use crate::{printable, Fatal};

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
    /// CSV, Parquet or JSON.
    pub(crate) format: Format,
    /// Choice labels instead of choice names.
    pub(crate) labels: bool,
    /// A UTF-8 byte order mark at the start of each CSV, for Excel.
    pub(crate) bom: bool,
    /// Cells exactly as answered, without the `'` that keeps spreadsheet
    /// programs from reading an answer as a formula
    /// ([`yim_office::neutralise`]).
    pub(crate) raw_csv: bool,
}

/// Runs `yim decrypt`. True when everything is complete: no export missing,
/// no response with disagreeing copies, every form readable.
pub(crate) fn decrypt(o: &Options) -> Result<bool, Fatal> {
    let identities = identities(o)?;
    let settings = Settings {
        format: o.format,
        cells: Cells {
            labels: o.labels,
            bom: o.bom,
            raw_csv: o.raw_csv,
        },
    };
    // Ids, versions and names come from bundles, which anyone who knows the
    // public keys can make: a line break in a device id would forge a line
    // of this report, an escape sequence would rewrite the terminal.
    match yim_office::decrypt(&o.bundles, &identities, Path::new(&o.out), &settings) {
        Ok(outcome) => {
            for line in outcome.report {
                println!("{}", printable(&line));
            }
            Ok(outcome.complete)
        }
        Err(e) => {
            for line in &e.bundles {
                eprintln!("{}", printable(line));
            }
            Err(Fatal(e.to_string()))
        }
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

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string().to_lowercase(),
    }
}
