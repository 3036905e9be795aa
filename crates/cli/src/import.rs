//! `yim import`: an XLSForm spreadsheet (xlsx, xls or csv) to a Yim form file.

use crate::{printable, Fatal};

/// Converts `file` and writes the form to `output`, or prints it when there
/// is none. The import report goes to stderr, one `sheet!row: ...` line per
/// note; true when there were no notes.
pub(crate) fn import(file: &str, output: Option<&str>) -> Result<bool, Fatal> {
    let bytes =
        std::fs::read(file).map_err(|e| Fatal(format!("cannot read {file}: {}", reason(&e))))?;
    let (form, notes) = yim_xlsform::import(file, &bytes);
    let Some(form) = form else {
        // The notes about the whole file say why there is no form; the
        // others (a missing version, say) no longer matter.
        let why: Vec<&str> = notes
            .iter()
            .filter(|n| {
                matches!(
                    n.feature.as_str(),
                    "unreadable file" | "no survey sheet" | "no questions"
                )
            })
            .map(|n| n.message.as_str())
            .collect();
        return Err(Fatal(format!("{file}: {}", why.join("; "))));
    };
    // Notes quote cells, which may hold any character.
    for n in &notes {
        eprintln!("{}", printable(&n.to_string()));
    }
    let yaml = yim_xlsform::to_yaml(&form, &notes, file_name(file));
    match output {
        Some(out) => {
            std::fs::write(out, yaml)
                .map_err(|e| Fatal(format!("cannot write {out}: {}", reason(&e))))?;
            let questions = form
                .walk()
                .filter(|w| !w.question.qtype.is_container())
                .count();
            let noted = match notes.len() {
                0 => "everything converted".to_owned(),
                1 => "1 note above".to_owned(),
                n => format!("{n} notes above"),
            };
            eprintln!("wrote {out}: {questions} questions; {noted}");
        }
        None => print!("{yaml}"),
    }
    Ok(notes.is_empty())
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string().to_lowercase(),
    }
}
