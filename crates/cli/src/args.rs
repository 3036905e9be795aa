//! Turning argv into a [`Command`].

use std::ffi::OsString;

use lexopt::prelude::*;

/// One invocation of `yim`, fully parsed.
#[derive(Debug, PartialEq)]
pub(crate) enum Command {
    Help,
    Lint {
        paths: Vec<String>,
    },
    Eval {
        form: String,
        answers: Option<String>,
        today: Option<String>,
        lang: Option<String>,
        expr: String,
    },
    Resolve {
        file: String,
    },
    Import {
        file: String,
        output: Option<String>,
    },
    ExportXlsform {
        file: String,
        output: String,
    },
    Diff {
        a: String,
        b: String,
    },
    Keygen {
        output: String,
    },
    Publish {
        folders: Vec<String>,
        recipients: Vec<String>,
        intake: Option<String>,
        output: String,
    },
    Decrypt(crate::decrypt::Options),
    Report {
        folder: String,
        output: String,
        date: Option<String>,
        by: Option<String>,
    },
    Guides {
        folder: String,
        style: String,
        output: String,
    },
}

pub(crate) fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut p = lexopt::Parser::from_args(args);
    let sub = match p.next().map_err(|e| e.to_string())? {
        Some(Value(v)) => v
            .string()
            .map_err(|_| "the command is not valid UTF-8".to_owned())?,
        Some(Long("help") | Short('h')) | None => return Ok(Command::Help),
        Some(other) => return Err(other.unexpected().to_string()),
    };
    let mut positional: Vec<String> = Vec::new();
    let (mut form, mut answers, mut today, mut lang) = (None, None, None, None);
    let mut output = None;
    let mut recipients = Vec::new();
    let mut intake = None;
    let (mut identities, mut passphrase_file, mut format, mut labels, mut bom) =
        (Vec::new(), None, None, false, false);
    let mut raw_csv = false;
    let mut style = None;
    let (mut date, mut by) = (None, None);
    while let Some(arg) = p.next().map_err(|e| e.to_string())? {
        match arg {
            Value(v) => positional.push(
                v.string()
                    .map_err(|_| "an argument is not valid UTF-8".to_owned())?,
            ),
            Long("form") if sub == "eval" => form = Some(text(&mut p)?),
            Long("answers") if sub == "eval" => answers = Some(text(&mut p)?),
            Long("today") if sub == "eval" => today = Some(text(&mut p)?),
            Long("lang") if sub == "eval" => lang = Some(text(&mut p)?),
            Short('o') | Long("output")
                if matches!(
                    sub.as_str(),
                    "import"
                        | "export-xlsform"
                        | "keygen"
                        | "decrypt"
                        | "publish"
                        | "guides"
                        | "report"
                ) =>
            {
                output = Some(text(&mut p)?)
            }
            Short('i') | Long("identity") if sub == "decrypt" => identities.push(text(&mut p)?),
            Short('r') | Long("recipients") if sub == "publish" => recipients.push(text(&mut p)?),
            Long("intake") if sub == "publish" => intake = Some(text(&mut p)?),
            Long("passphrase-file") if sub == "decrypt" => passphrase_file = Some(text(&mut p)?),
            Long("format") if sub == "decrypt" => format = Some(text(&mut p)?),
            Long("labels") if sub == "decrypt" => labels = true,
            Long("bom") if sub == "decrypt" => bom = true,
            Long("raw-csv") if sub == "decrypt" => raw_csv = true,
            Long("css") if sub == "guides" => style = Some(text(&mut p)?),
            Long("date") if sub == "report" => date = Some(text(&mut p)?),
            Long("by") if sub == "report" => by = Some(text(&mut p)?),
            Long("help") | Short('h') => return Ok(Command::Help),
            other => return Err(other.unexpected().to_string()),
        }
    }
    match sub.as_str() {
        "help" => Ok(Command::Help),
        "lint" if positional.is_empty() => Err("lint needs at least one file or folder".to_owned()),
        "lint" => Ok(Command::Lint { paths: positional }),
        "eval" => {
            let form = form.ok_or("eval needs --form FILE")?;
            match positional.len() {
                1 => Ok(Command::Eval {
                    form,
                    answers,
                    today,
                    lang,
                    expr: positional.remove(0),
                }),
                0 => Err("eval needs an expression to evaluate".to_owned()),
                n => Err(format!(
                    "eval takes one expression, but found {n} arguments (quote the expression)"
                )),
            }
        }
        "resolve" => match positional.len() {
            1 => Ok(Command::Resolve {
                file: positional.remove(0),
            }),
            n => Err(format!("resolve takes one form file, but found {n}")),
        },
        "diff" => match <[String; 2]>::try_from(positional) {
            Ok([a, b]) => Ok(Command::Diff { a, b }),
            Err(p) => Err(format!("diff takes two form files, but found {}", p.len())),
        },
        "import" => match positional.len() {
            1 => Ok(Command::Import {
                file: positional.remove(0),
                output,
            }),
            n => Err(format!(
                "import takes one spreadsheet (.xlsx, .xls or .csv), but found {n}"
            )),
        },
        "export-xlsform" => match (output, <[String; 1]>::try_from(positional)) {
            (None, _) => Err("export-xlsform needs -o FILE.xlsx for the workbook".to_owned()),
            (Some(output), Ok([file])) => Ok(Command::ExportXlsform { file, output }),
            (Some(_), Err(p)) => Err(format!(
                "export-xlsform takes one form file, but found {}",
                p.len()
            )),
        },
        "keygen" => match (output, positional.len()) {
            (Some(output), 0) => Ok(Command::Keygen { output }),
            (None, _) => Err("keygen needs -o FILE for the new key".to_owned()),
            (Some(_), n) => Err(format!(
                "keygen takes no arguments besides -o FILE, but found {n}"
            )),
        },
        "publish" => match (output, positional.is_empty()) {
            (None, _) => Err("publish needs -o FOLDER for the published forms".to_owned()),
            (Some(_), true) => Err("publish needs at least one folder of forms".to_owned()),
            (Some(output), false) => Ok(Command::Publish {
                folders: positional,
                recipients,
                intake,
                output,
            }),
        },
        "decrypt" => {
            let out = output.ok_or("decrypt needs -o FOLDER for the results")?;
            if identities.is_empty() && passphrase_file.is_none() {
                return Err("decrypt needs -i KEY_FILE (or --passphrase-file FILE)".to_owned());
            }
            if positional.is_empty() {
                return Err("decrypt needs at least one bundle file".to_owned());
            }
            let format = match format.as_deref() {
                None | Some("csv") => crate::decrypt::Format::Csv,
                Some("parquet") => crate::decrypt::Format::Parquet,
                Some("json") => crate::decrypt::Format::Json,
                Some(other) => {
                    return Err(format!(
                        "expected --format csv, parquet or json, but found `{other}`"
                    ))
                }
            };
            let bundles = positional;
            Ok(Command::Decrypt(crate::decrypt::Options {
                identities,
                passphrase_file,
                bundles,
                out,
                format,
                labels,
                bom,
                raw_csv,
            }))
        }
        "report" => match (output, <[String; 1]>::try_from(positional)) {
            (None, _) => Err("report needs -o FILE for the HTML page".to_owned()),
            (Some(output), Ok([folder])) => Ok(Command::Report {
                folder,
                output,
                date,
                by,
            }),
            (_, Err(p)) => Err(format!(
                "report takes one folder that yim decrypt wrote, but found {}",
                p.len()
            )),
        },
        "guides" => match (output, style, <[String; 1]>::try_from(positional)) {
            (None, _, _) => Err("guides needs -o FOLDER for the pages".to_owned()),
            (_, None, _) => Err("guides needs --css FILE for the pages' style sheet".to_owned()),
            (Some(output), Some(style), Ok([folder])) => Ok(Command::Guides {
                folder,
                style,
                output,
            }),
            (_, _, Err(p)) => Err(format!(
                "guides takes one folder of guides, but found {}",
                p.len()
            )),
        },
        other => Err(format!("unknown command `{other}`")),
    }
}

fn text(p: &mut lexopt::Parser) -> Result<String, String> {
    p.value()
        .map_err(|e| e.to_string())?
        .string()
        .map_err(|_| "an option value is not valid UTF-8".to_owned())
}
