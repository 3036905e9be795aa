//! `yim export-xlsform`: a form file (variants applied) to an XLSForm
//! workbook for partners who use ODK Collect or KoboToolbox.

use yim_form::FsFiles;

use crate::{printable, Fatal};

/// Loads `file` with its variants, writes it to `output` as an `.xlsx`
/// workbook, and reports on stderr, one `sheet!row: ...` line each, what
/// XLSForm cannot say exactly; true when there was nothing to report. A form
/// with problems is not exported: partners would get a broken form.
pub(crate) fn export(file: &str, output: &str) -> Result<bool, Fatal> {
    let (form, diags) = yim_form::load(file, &FsFiles);
    let more = match &form {
        Some(f) => yim_engine::compile(f).1,
        None => Vec::new(),
    };
    for d in diags.iter().chain(&more) {
        eprintln!("{}", printable(&d.to_string()));
    }
    let form = form.ok_or_else(|| Fatal(format!("{file}: the form could not be read")))?;
    if !diags.is_empty() || !more.is_empty() {
        return Err(Fatal(format!(
            "{file} has problems (above); fix them before exporting it"
        )));
    }
    let exported = yim_xlsform::export(&form).map_err(|e| Fatal(format!("{file}: {e}")))?;
    for n in &exported.notes {
        eprintln!("{}", printable(&n.to_string()));
    }
    std::fs::write(output, &exported.workbook).map_err(|e| {
        Fatal(format!(
            "cannot write {output}: {}",
            e.to_string().to_lowercase()
        ))
    })?;
    let questions = form
        .walk()
        .filter(|w| !w.question.qtype.is_container())
        .count();
    let noted = match exported.notes.len() {
        0 => "everything written as it is".to_owned(),
        1 => "1 note above".to_owned(),
        n => format!("{n} notes above"),
    };
    eprintln!("wrote {output}: {questions} questions; {noted}");
    Ok(exported.notes.is_empty())
}
