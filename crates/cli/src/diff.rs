//! `yim diff A B`: prints how one resolved form differs from another. The
//! comparison itself is `yim_form::diff`; this is the command's glue.

use yim_form::diff::{compare_files, CompareError};
use yim_form::{Diagnostic, Files};

use crate::Fatal;

/// Prints how form `b` differs from form `a`. True when they are the same,
/// false when they differ; an error when either cannot be loaded cleanly.
pub(crate) fn diff(a: &str, b: &str) -> Result<bool, Fatal> {
    let report = compare(a, b, &yim_form::FsFiles)?;
    print!("{report}");
    Ok(report.is_empty())
}

/// Compares the two forms, printing to stderr the problems that stop it,
/// because a comparison of broken forms would mislead.
fn compare(a: &str, b: &str, files: &dyn Files) -> Result<yim_form::diff::Diff, Fatal> {
    compare_files(a, b, files).map_err(|e| match e {
        CompareError::Problems(problems) => {
            problems.iter().for_each(|p: &Diagnostic| eprintln!("{p}"));
            let n = problems.len();
            Fatal(format!(
                "cannot compare forms with problems; fix the {n} problem{} above first",
                if n == 1 { "" } else { "s" }
            ))
        }
        CompareError::Unreadable(path) => Fatal(format!("{path}: the form could not be read")),
    })
}

#[cfg(test)]
mod tests {
    use yim_form::MemFiles;

    use super::*;

    #[test]
    fn the_command_counts_the_problems_that_stop_a_comparison() {
        let good = "form: {id: a, version: '1', title: A}\nquestions:\n  - {name: q, type: text, label: Q}\n";
        let files = MemFiles::new()
            .with("a.yaml", good)
            .with("b.yaml", good.replace("label: Q", "lable: Q"));
        let err = compare("a.yaml", "b.yaml", &files).unwrap_err();
        assert_eq!(
            err.0,
            "cannot compare forms with problems; fix the 2 problems above first"
        );
        let err = compare("a.yaml", "missing.yaml", &files).unwrap_err();
        assert_eq!(
            err.0,
            "cannot compare forms with problems; fix the 1 problem above first"
        );
        assert!(compare("a.yaml", "a.yaml", &files).unwrap().is_empty());
    }
}
