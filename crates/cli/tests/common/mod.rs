//! What the CLI's test files share: running `yim` as a person would.

use std::path::Path;
use std::process::Command;

/// Runs `yim` in `dir`, checks the exit status and returns stdout followed
/// by stderr, each stderr line marked.
pub fn run(dir: &Path, args: &[&str], status: i32) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_yim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("yim runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .map(|l| format!("stderr: {l}\n"))
            .collect::<String>()
    );
    assert_eq!(
        out.status.code(),
        Some(status),
        "exit status of yim {args:?}, output:\n{text}"
    );
    text
}
