//! `yim`: the command-line tool for form authors and the data office.
//!
//! The binary is glue: arguments become a [`Command`], the command runs on
//! the library crates, and `main` turns failures into a message and an exit
//! status (0 clean, 1 problems found, 2 usage or I/O error).
#![forbid(unsafe_code)]

mod args;
mod decrypt;
mod diff;
mod export;
mod guides;
mod import;
mod intake;
mod keygen;
mod lint;
mod publish;
mod report;

use std::process::ExitCode;

use args::Command;

const USAGE: &str = "\
usage: yim <command> [options]

commands:
  lint PATH...                      check form files (or every form in a folder)
  eval --form FILE [--answers JSON_FILE] [--today YYYY-MM-DD] [--lang LANG] EXPR
                                    evaluate an expression against a form and answers
  resolve FILE                      print a form with its variants applied, as YAML
  diff A B                          show how form B differs from form A (variants applied)
  import FILE.xlsx|FILE.csv [-o FORM.yaml]
                                    convert an XLSForm into a form file, reporting what did not convert
  export-xlsform FORM.yaml -o FORM.xlsx
                                    write a form (variants applied) as an XLSForm for ODK or Kobo,
                                    reporting what XLSForm cannot express
  publish FOLDER... -o OUT [-r RECIPIENTS_FILE]... [--intake URL]
                                    check every form and write them, their CSV lists and an index
                                    for the app to read; every form must end up with recipients
                                    (the deployment's RECIPIENTS_FILE, or its settings.recipients);
                                    --intake names where the app uploads bundles (/api/ when
                                    `yim serve` serves the app too)
  guides FOLDER --css FILE -o OUT   render the Markdown guides of FOLDER (README.md as index.html)
                                    into pages for the app, with their images and the style sheet
  keygen -o FILE                    make a key for the data office and print its public key
  decrypt -i KEY_FILE -o FOLDER [--format csv|parquet|json] [--labels] [--bom] [--raw-csv] BUNDLE...
                                    check, decrypt and merge bundles into one CSV (or Parquet) file per form and repeat
                                    (-i again for more keys; --passphrase-file FILE for a passphrase;
                                    --raw-csv leaves out the ' that stops answers reading as formulas)
  report FOLDER -o FILE.html [--date YYYY-MM-DD] [--by province,district,tambon]
                                    summarise the cases of a folder that decrypt wrote (CSV) as one
                                    HTML page, per area with --by; follow-ups due before --date
                                    (default: today in Thailand) are overdue
";

/// The last line of the usage, after the intake's commands.
const USAGE_HELP: &str = "  help                              show this message\n";

/// An error that stops a command: printed as `yim: message`, exit status 2.
#[derive(Debug)]
pub(crate) struct Fatal(String);

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn main() -> ExitCode {
    // The intake's commands parse their own arguments (intake.rs).
    let argv: Vec<_> = std::env::args_os().skip(1).collect();
    if let Some(name @ ("serve" | "pull")) = argv.first().and_then(|a| a.to_str()) {
        return match intake::run(name, argv[1..].to_vec()) {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("yim: {}", printable(&e.to_string()));
                ExitCode::from(2)
            }
        };
    }
    let command = match args::parse(std::env::args_os().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("yim: {e}\n\n{USAGE}{}{USAGE_HELP}", intake::USAGE);
            return ExitCode::from(2);
        }
    };
    let result = match command {
        Command::Help => {
            print!("{USAGE}{}{USAGE_HELP}", intake::USAGE);
            Ok(true)
        }
        Command::Lint { paths } => lint::lint(&paths),
        Command::Eval {
            form,
            answers,
            today,
            lang,
            expr,
        } => lint::eval(
            &form,
            answers.as_deref(),
            today.as_deref(),
            lang.as_deref(),
            &expr,
        ),
        Command::Resolve { file } => lint::resolve(&file),
        Command::Diff { a, b } => diff::diff(&a, &b),
        Command::Import { file, output } => import::import(&file, output.as_deref()),
        Command::ExportXlsform { file, output } => export::export(&file, &output),
        Command::Keygen { output } => keygen::keygen(&output),
        Command::Publish {
            folders,
            recipients,
            intake,
            output,
        } => publish::publish(&folders, &recipients, intake.as_deref(), &output),
        Command::Decrypt(options) => decrypt::decrypt(&options),
        Command::Guides {
            folder,
            style,
            output,
        } => guides::guides(&folder, &style, &output),
        Command::Report {
            folder,
            output,
            date,
            by,
        } => report::report(&folder, &output, date.as_deref(), by.as_deref()),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("yim: {}", printable(&e.to_string()));
            ExitCode::from(2)
        }
    }
}

/// `text` with every control character (and every character that reorders
/// text, such as U+202E) written as an escape, `\n` or `\u{1b}`, so that a
/// bundle cannot forge report lines or drive the terminal. Thai and other
/// printable text is left as it is.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || reorders(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `c` changes the direction of the text around it; one home for
/// the list, shared with the output file names.
pub(crate) use yim_office::reorders;
