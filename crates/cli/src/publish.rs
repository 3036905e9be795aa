//! `yim publish`: a deployment's forms as the files the app reads at run
//! time (`yim_form::publish`).

use std::path::{Path, PathBuf};

use yim_form::publish::{self, DeploymentKey, INDEX_FILE};
use yim_form::MemFiles;

use crate::Fatal;

/// Checks every form under `folders` with the deployment's `recipients`
/// files and, when nothing is wrong, writes the forms, their CSV lists and
/// `index.json` into `out`. Problems are printed as `file:line:col:
/// message` and nothing is written; true when the forms were published.
pub(crate) fn publish(
    folders: &[String],
    recipients: &[String],
    intake: Option<&str>,
    out: &str,
) -> Result<bool, Fatal> {
    // The address is checked before any form, as the app will check it, so
    // that a mistyped one never reaches the phones.
    if let Some(intake) = intake {
        publish::check_intake(intake).map_err(|why| Fatal(format!("--intake: {why}")))?;
    }
    let mut files = MemFiles::new();
    let mut sources: Vec<(String, String)> = Vec::new();
    for folder in folders {
        let root = Path::new(folder);
        if !root.is_dir() {
            return Err(Fatal(format!(
                "expected a folder of forms, but {folder} is not a folder"
            )));
        }
        let mut found = Vec::new();
        collect(root, &mut found)
            .map_err(|e| Fatal(format!("cannot read folder {folder}: {e}")))?;
        for path in found {
            let source = slashed(&path);
            let published = slashed(path.strip_prefix(root).unwrap_or(&path));
            if let Some((other, _)) = sources.iter().find(|(_, p)| *p == published) {
                return Err(Fatal(format!(
                    "{source} and {other} would both be published as {published}"
                )));
            }
            let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidData => Fatal(format!(
                    "{source}: expected UTF-8 text, but found other bytes"
                )),
                _ => Fatal(format!("{source}: {e}")),
            })?;
            files.insert(&source, text);
            sources.push((source, published));
        }
    }

    let mut keys: Vec<DeploymentKey> = Vec::new();
    let mut problems = Vec::new();
    for file in recipients {
        let text =
            std::fs::read_to_string(file).map_err(|e| Fatal(format!("cannot read {file}: {e}")))?;
        let (mut found, mut diags) = publish::read_recipients(file, &text);
        if found.is_empty() && diags.is_empty() {
            diags.push(yim_form::Diagnostic::new(
                yim_form::Loc::new(file.as_str(), 1, 1),
                "expected at least one age public key (age1...), but found none",
            ));
        }
        keys.append(&mut found);
        problems.append(&mut diags);
    }

    let check = |form: &yim_form::Form| yim_engine::compile(form).1;
    let (publication, mut diags) = publish::publish(&files, &sources, &keys, &check);
    problems.append(&mut diags);
    for problem in &problems {
        println!("{problem}");
    }
    let Some(mut publication) = publication.filter(|_| problems.is_empty()) else {
        eprintln!("yim: nothing was published");
        return Ok(false);
    };
    publication.index.intake = intake.map(str::to_owned);

    let out = Path::new(out);
    for (path, text) in &publication.files {
        write_atomically(&out.join(path), text.as_bytes())?;
    }
    // The index goes last: until it is replaced, the app keeps reading the
    // previous publication, whose files are all still there.
    write_atomically(&out.join(INDEX_FILE), publication.index_json().as_bytes())?;
    eprintln!(
        "yim: published {} forms ({} files) to {}",
        publication.index.forms.len(),
        publication.files.len(),
        out.display()
    );
    Ok(true)
}

/// Writes `bytes` to a temporary file beside `path` and renames it into
/// place, so that a web server never serves a half-written file.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Fatal> {
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)
        .map_err(|e| Fatal(format!("cannot make folder {}: {e}", folder.display())))?;
    let mut temp = tempfile::NamedTempFile::new_in(folder)
        .map_err(|e| Fatal(format!("cannot write in {}: {e}", folder.display())))?;
    std::io::Write::write_all(&mut temp, bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
    #[cfg(unix)]
    {
        // A web server reads these files as another user.
        use std::os::unix::fs::PermissionsExt;
        let _ = temp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    temp.persist(path)
        .map_err(|e| Fatal(format!("{}: {}", path.display(), e.error)))?;
    Ok(())
}

/// A path with `/` separators, as form files name each other.
fn slashed(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            std::path::Component::ParentDir => Some("..".to_string()),
            std::path::Component::RootDir => Some(String::new()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The form files (YAML) and choice lists (CSV, GeoJSON) below `dir`, skipping
/// hidden entries such as editor swap files.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if matches!(
            path.extension().and_then(|x| x.to_str()),
            Some("yaml" | "yml" | "csv" | "geojson")
        ) {
            out.push(path);
        }
    }
    Ok(())
}
