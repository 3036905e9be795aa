//! `yim serve` and `yim pull`: glue between argv and `yim-intake`.
//!
//! These two commands parse their own arguments, so that the rest of the
//! command line knows nothing of them beyond their names.

use std::ffi::OsString;
use std::path::PathBuf;

use lexopt::prelude::*;
use yim_intake::{Config, Inbox, Role, Source, Tokens};

use crate::Fatal;

pub(crate) const USAGE: &str =
    "  serve [--store DIR|s3://BUCKET/PREFIX] [--tokens FILE] [--listen ADDR:PORT]
        [--app DIR] [--forms DIR] [--max-bundle-mib N]
                                    receive bundles over HTTP (POST /api/bundles) and keep them in
                                    a folder (./inbox) or a bucket; optionally serve the app too
  serve token new NAME [--pull] [--tokens FILE]
                                    make a token for a coordinator (or, with --pull, the data
                                    office), print it once and add its hash to FILE (tokens.txt)
  pull --from URL|DIR|s3://BUCKET/PREFIX -o INBOX [--token-file FILE]
                                    copy the bundles not yet pulled into INBOX (the pull token from
                                    FILE or YIM_PULL_TOKEN)
";

/// Runs `yim serve …` or `yim pull …`; `args` starts after the command.
pub(crate) fn run(command: &str, args: Vec<OsString>) -> Result<bool, Fatal> {
    let mut p = lexopt::Parser::from_args(args);
    let mut positional = Vec::new();
    let (mut store, mut tokens, mut listen, mut app, mut forms) = (None, None, None, None, None);
    let (mut max_mib, mut pull_role, mut from, mut output, mut token_file) =
        (None, false, None, None, None);
    while let Some(arg) = p.next().map_err(usage)? {
        match arg {
            Value(v) => positional.push(string(v)?),
            Long("store") if command == "serve" => store = Some(text(&mut p)?),
            Long("tokens") if command == "serve" => tokens = Some(text(&mut p)?),
            Long("listen") if command == "serve" => listen = Some(text(&mut p)?),
            Long("app") if command == "serve" => app = Some(text(&mut p)?),
            Long("forms") if command == "serve" => forms = Some(text(&mut p)?),
            Long("max-bundle-mib") if command == "serve" => max_mib = Some(text(&mut p)?),
            Long("pull") if command == "serve" => pull_role = true,
            Long("from") if command == "pull" => from = Some(text(&mut p)?),
            Short('o') | Long("output") if command == "pull" => output = Some(text(&mut p)?),
            Long("token-file") if command == "pull" => token_file = Some(text(&mut p)?),
            other => return Err(usage(other.unexpected())),
        }
    }
    let tokens = PathBuf::from(tokens.unwrap_or_else(|| "tokens.txt".to_owned()));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Fatal(format!("cannot start the runtime: {e}")))?;
    match (command, positional.as_slice()) {
        ("serve", [token, new, name]) if token == "token" && new == "new" => {
            let role = if pull_role { Role::Pull } else { Role::Upload };
            let token = yim_intake::new_token(&tokens, name, role).map_err(fatal)?;
            eprintln!(
                "yim: the token's hash was added to {}; the token is shown this once:",
                tokens.display()
            );
            println!("{token}");
            Ok(true)
        }
        ("serve", []) => {
            let store = store.unwrap_or_else(|| "inbox".to_owned());
            let max_bundle = match max_mib {
                None => yim_intake::DEFAULT_MAX_BUNDLE,
                Some(n) => match n.parse::<usize>() {
                    Ok(n @ 1..=1024) => n << 20,
                    _ => {
                        return Err(Fatal(format!(
                            "expected --max-bundle-mib to be a whole number from 1 to 1024, but found `{n}`"
                        )))
                    }
                },
            };
            let tokens = Tokens::open(&tokens).map_err(|e| {
                Fatal(format!(
                    "{e} (make one with `yim serve token new NAME --tokens {}`)",
                    tokens.display()
                ))
            })?;
            let listen = listen.unwrap_or_else(|| "127.0.0.1:8080".to_owned());
            runtime.block_on(async {
                let inbox = Inbox::open(&store).map_err(fatal)?;
                let listener = tokio::net::TcpListener::bind(&listen)
                    .await
                    .map_err(|e| Fatal(format!("cannot listen on {listen}: {e}")))?;
                let address = listener
                    .local_addr()
                    .map_err(|e| Fatal(format!("cannot listen on {listen}: {e}")))?;
                // The address goes to standard output on its own line, so that
                // a script that asked for port 0 can read which port it got.
                println!("listening on http://{address}");
                eprintln!("yim serve: storing bundles in {}", inbox.description());
                let config = Config {
                    inbox,
                    tokens,
                    app: app.map(PathBuf::from),
                    forms: forms.map(PathBuf::from),
                    max_bundle,
                };
                yim_intake::serve(config, listener)
                    .await
                    .map_err(|e| Fatal(format!("the server stopped: {e}")))
            })?;
            Ok(true)
        }
        ("serve", other) => Err(Fatal(format!(
            "serve takes no arguments besides `token new NAME`, but found {}",
            other.len()
        ))),
        ("pull", []) => {
            let from = from.ok_or_else(|| Fatal("pull needs --from URL|DIR|s3://…".to_owned()))?;
            let output = output.ok_or_else(|| Fatal("pull needs -o INBOX".to_owned()))?;
            let source = if from.starts_with("http://") || from.starts_with("https://") {
                let token = match token_file {
                    Some(file) => std::fs::read_to_string(&file)
                        .map_err(|e| Fatal(format!("cannot read the token file {file}: {e}")))?,
                    None => std::env::var("YIM_PULL_TOKEN").map_err(|_| {
                        Fatal("pulling over HTTP needs the pull token: --token-file FILE or YIM_PULL_TOKEN".to_owned())
                    })?,
                };
                Source::Http {
                    base: from,
                    token: token.trim().to_owned(),
                }
            } else {
                Source::Store(Inbox::open(&from).map_err(fatal)?)
            };
            let pulled = runtime
                .block_on(yim_intake::pull(&source, std::path::Path::new(&output)))
                .map_err(fatal)?;
            println!(
                "pulled {} new bundle(s) into {output}; {} were there already",
                pulled.new.len(),
                pulled.already
            );
            for (sha256, reason) in &pulled.failed {
                eprintln!("yim: {sha256}: {}", crate::printable(reason));
            }
            if pulled.failed.is_empty() {
                Ok(true)
            } else {
                Err(Fatal(format!(
                    "{} bundle(s) could not be pulled; run the pull again to fetch them",
                    pulled.failed.len()
                )))
            }
        }
        ("pull", other) => Err(Fatal(format!(
            "pull takes no arguments besides its options, but found {}",
            other.len()
        ))),
        (other, _) => Err(Fatal(format!("unknown command `{other}`"))),
    }
}

fn fatal(e: yim_intake::Error) -> Fatal {
    Fatal(e.to_string())
}

fn usage(e: impl std::fmt::Display) -> Fatal {
    Fatal(e.to_string())
}

fn string(v: OsString) -> Result<String, Fatal> {
    v.into_string()
        .map_err(|_| Fatal("an argument is not valid UTF-8".to_owned()))
}

fn text(p: &mut lexopt::Parser) -> Result<String, Fatal> {
    string(p.value().map_err(usage)?)
}
