//! Turning argv into a [`Command`].

use std::ffi::OsString;

use lexopt::prelude::*;

/// One invocation of `yim`, fully parsed.
#[derive(Debug, PartialEq)]
pub(crate) enum Command {
    Help,
    Lint { paths: Vec<String> },
    Eval { form: String, answers: Option<String>, today: Option<String>, lang: Option<String>, expr: String },
    Resolve { file: String },
}

pub(crate) fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut p = lexopt::Parser::from_args(args);
    let sub = match p.next().map_err(|e| e.to_string())? {
        Some(Value(v)) => v.string().map_err(|_| "the command is not valid UTF-8".to_owned())?,
        Some(Long("help") | Short('h')) | None => return Ok(Command::Help),
        Some(other) => return Err(other.unexpected().to_string()),
    };
    let mut positional: Vec<String> = Vec::new();
    let (mut form, mut answers, mut today, mut lang) = (None, None, None, None);
    while let Some(arg) = p.next().map_err(|e| e.to_string())? {
        match arg {
            Value(v) => positional.push(v.string().map_err(|_| "an argument is not valid UTF-8".to_owned())?),
            Long("form") if sub == "eval" => form = Some(text(&mut p)?),
            Long("answers") if sub == "eval" => answers = Some(text(&mut p)?),
            Long("today") if sub == "eval" => today = Some(text(&mut p)?),
            Long("lang") if sub == "eval" => lang = Some(text(&mut p)?),
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
                1 => Ok(Command::Eval { form, answers, today, lang, expr: positional.remove(0) }),
                0 => Err("eval needs an expression to evaluate".to_owned()),
                n => Err(format!("eval takes one expression, but found {n} arguments (quote the expression)")),
            }
        }
        "resolve" => match positional.len() {
            1 => Ok(Command::Resolve { file: positional.remove(0) }),
            n => Err(format!("resolve takes one form file, but found {n}")),
        },
        other => Err(format!("unknown command `{other}`")),
    }
}

fn text(p: &mut lexopt::Parser) -> Result<String, String> {
    p.value().map_err(|e| e.to_string())?.string().map_err(|_| "an option value is not valid UTF-8".to_owned())
}
