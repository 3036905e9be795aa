//! Puts bundle files into an intake's store as `yim serve` would have
//! received them, bundle and receipt, so that the data office's benchmark
//! (`scripts/bench/office.sh`) can time `yim pull` from a folder or a bucket
//! without first uploading a thousand bundles over HTTP.
//!
//!     stage_store STORE BUNDLE...
//!
//! STORE is what `yim serve --store` takes: a folder, or `s3://bucket/prefix`
//! with the endpoint and credentials in the usual `AWS_*` variables.

use std::process::ExitCode;

use yim_intake::store::{Inbox, Stored};

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(spec) = args.next() else {
        eprintln!("usage: stage_store STORE BUNDLE...");
        return ExitCode::from(2);
    };
    let inbox = match Inbox::open(&spec) {
        Ok(inbox) => inbox,
        Err(e) => {
            eprintln!("stage_store: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (mut new, mut again) = (0usize, 0usize);
    for path in args {
        // One bundle at a time: the store's `put` takes the whole body, as
        // the intake does after capping its size.
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("stage_store: cannot read {path}: {e}");
                return ExitCode::FAILURE;
            }
        };
        match inbox.put(bytes.into()).await {
            Ok((_, Stored::New)) => new += 1,
            Ok((_, Stored::Again)) => again += 1,
            Err(e) => {
                eprintln!("stage_store: {path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    eprintln!("stage_store: {new} bundles stored, {again} already there");
    ExitCode::SUCCESS
}
