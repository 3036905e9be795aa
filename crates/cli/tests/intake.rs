//! `yim serve` and `yim pull` as processes: tokens made on the command line,
//! bundles uploaded over HTTP, the server killed in the middle of an upload
//! and started again, and the data office's pull and decrypt at the end.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bundles");

fn yim(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("yim runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `yim serve` on a free port of 127.0.0.1: the process and its address.
fn serve(dir: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yim"))
        .args(["serve", "--store", "store", "--tokens", "tokens.txt"])
        .args(["--listen", "127.0.0.1:0", "--max-bundle-mib", "1"])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("yim serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("expected the address, but found {line:?}"))
        .to_owned();
    (child, base)
}

fn token(dir: &Path, name: &str, pull: bool) -> String {
    let mut args = vec!["serve", "token", "new", name, "--tokens", "tokens.txt"];
    if pull {
        args.push("--pull");
    }
    let (status, out, err) = yim(dir, &args);
    assert_eq!(status, 0, "{err}");
    assert!(err.contains("shown this once"), "{err}");
    let token = out.trim().to_owned();
    assert!(token.starts_with("yim_") && token.len() == 68, "{token}");
    token
}

fn client() -> reqwest::Client {
    yim_intake::install_tls();
    reqwest::Client::new()
}

async fn upload(base: &str, token: &str, body: Vec<u8>) -> (u16, serde_json::Value) {
    let response = client()
        .post(format!("{base}/api/bundles"))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap())
}

fn stored(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("store/bundles"))
        .map(|d| {
            d.map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bundle_is_delivered_once_across_a_killed_server_then_pulled_and_decrypted() {
    let dir = tempfile::tempdir().unwrap();
    let upload_token = token(dir.path(), "somchai", false);
    let pull_token = token(dir.path(), "data-office", true);
    std::fs::write(dir.path().join("pull-token.txt"), format!("{pull_token}\n")).unwrap();
    let tokens = std::fs::read_to_string(dir.path().join("tokens.txt")).unwrap();
    assert!(!tokens.contains(&upload_token) && !tokens.contains(&pull_token));
    assert_eq!(tokens.lines().count(), 2);

    let first = std::fs::read(Path::new(FIXTURES).join("3f2a-1.yim.age")).unwrap();
    let second = std::fs::read(Path::new(FIXTURES).join("3f2a-2.yim.age")).unwrap();
    let (mut server, base) = serve(dir.path());
    let (status, receipt) = upload(&base, &upload_token, first.clone()).await;
    assert_eq!(status, 201, "{receipt}");

    // The second bundle goes up slowly; the server is killed half-way.
    let half = second[..second.len() / 2].to_vec();
    let slow = futures::stream::unfold(Some(half), |state| async move {
        match state {
            Some(half) => Some((Ok::<_, std::io::Error>(half), None)),
            None => {
                tokio::time::sleep(Duration::from_secs(30)).await;
                None
            }
        }
    });
    let pending = tokio::spawn({
        let (base, token, length) = (base.clone(), upload_token.clone(), second.len());
        async move {
            client()
                .post(format!("{base}/api/bundles"))
                .bearer_auth(token)
                .header("content-length", length)
                .body(reqwest::Body::wrap_stream(slow))
                .send()
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(
        pending.await.unwrap().is_err(),
        "the upload should have broken off"
    );
    assert_eq!(stored(dir.path()).len(), 1, "{:?}", stored(dir.path()));

    // What a kill while the folder store was writing would leave: the file
    // it writes before renaming (`NAME#N`), once from long ago and once
    // fresh, and a killed pull's download in the inbox. None may count;
    // the old ones are removed at the next start.
    let sha1 = yim_intake::store::sha256_hex(&first);
    let sha2 = yim_intake::store::sha256_hex(&second);
    let bundles = dir.path().join("store/bundles");
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let leftovers = [
        (bundles.join(format!("{sha2}.age#1")), true),
        (bundles.join(format!("{sha2}.age#2")), false),
        (inbox.join(".pulling-killed.part"), true),
        (inbox.join(".pulling-live.part"), false),
    ];
    for (path, old) in &leftovers {
        std::fs::write(path, &second[..second.len() / 2]).unwrap();
        if *old {
            let long_ago = std::time::SystemTime::now() - Duration::from_secs(24 * 3600);
            std::fs::File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(long_ago)
                .unwrap();
        }
    }

    // After a restart the phone sends both again, as its queue would.
    let (mut server, base) = serve(dir.path());
    assert_eq!(
        stored(dir.path()),
        [format!("{sha1}.age"), format!("{sha2}.age#2")],
        "the old leftover is removed at start, the fresh one left alone"
    );
    let (status, again) = upload(&base, &upload_token, first).await;
    assert_eq!((status, &again), (200, &receipt));
    let (status, receipt2) = upload(&base, &upload_token, second.clone()).await;
    assert_eq!(status, 201, "{receipt2}");
    assert_eq!(receipt2["sha256"], sha2);
    assert_eq!(receipt2["size"], second.len());
    assert_eq!(
        std::fs::read(bundles.join(format!("{sha2}.age"))).unwrap(),
        second,
        "the stored bundle is the one sent, whole"
    );
    let (status, _) = upload(&base, &upload_token, b"not a bundle".to_vec()).await;
    assert_eq!(status, 400);
    let (status, answer) = upload(&base, &upload_token, vec![b'a'; (1 << 20) + 1]).await;
    assert_eq!(status, 413, "{answer}");
    assert_eq!(
        stored(dir.path()),
        [
            format!("{sha1}.age"),
            format!("{sha2}.age"),
            format!("{sha2}.age#2")
        ]
    );
    let receipts = std::fs::read_dir(dir.path().join("store/receipts")).unwrap();
    assert_eq!(receipts.count(), 2);

    let base_arg = base.clone();
    let pull = move |dir: &Path| {
        yim(
            dir,
            &[
                "pull",
                "--from",
                &base_arg,
                "--token-file",
                "pull-token.txt",
                "-o",
                "inbox",
            ],
        )
    };
    let (status, out, err) = tokio::task::block_in_place(|| pull(dir.path()));
    assert_eq!(status, 0, "{err}");
    assert_eq!(
        out,
        "pulled 2 new bundle(s) into inbox; 0 were there already\n"
    );
    let (status, out, _) = tokio::task::block_in_place(|| pull(dir.path()));
    assert_eq!(status, 0);
    assert_eq!(
        out,
        "pulled 0 new bundle(s) into inbox; 2 were there already\n"
    );
    let mut in_inbox: Vec<String> = std::fs::read_dir(&inbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    in_inbox.sort();
    assert_eq!(
        in_inbox,
        [
            ".pulling-live.part".to_owned(),
            format!("{sha1}.age"),
            format!("{sha2}.age")
        ]
    );
    assert_eq!(
        std::fs::read(inbox.join(format!("{sha2}.age"))).unwrap(),
        second
    );
    server.kill().unwrap();
    server.wait().unwrap();

    std::fs::copy(
        Path::new(FIXTURES).join("office-key.txt"),
        dir.path().join("office-key.txt"),
    )
    .unwrap();
    let mut args = vec!["decrypt", "-i", "office-key.txt", "-o", "out"];
    let mut pulled: Vec<String> = std::fs::read_dir(dir.path().join("inbox"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".age"))
        .map(|name| format!("inbox/{name}"))
        .collect();
    pulled.sort();
    args.extend(pulled.iter().map(String::as_str));
    let (status, out, err) = yim(dir.path(), &args);
    assert_eq!(status, 0, "{out}{err}");
    let answers: String = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap_or_default())
        .collect();
    assert!(answers.contains("ด.ญ. มะลิ ใจดี"), "{answers}");
}

#[test]
fn usage_errors_of_serve_and_pull() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (&["pull", "-o", "inbox"], "yim: pull needs --from URL|DIR|s3://…\n"),
        (
            &["pull", "--from", "http://127.0.0.1:9", "-o", "inbox"],
            "yim: pulling over HTTP needs the pull token: --token-file FILE or YIM_PULL_TOKEN\n",
        ),
        (
            &["serve", "--tokens", "missing.txt"],
            "yim: cannot read the tokens file missing.txt: No such file or directory (os error 2) (make one with `yim serve token new NAME --tokens missing.txt`)\n",
        ),
        (
            &["serve", "token", "new", "two words"],
            "yim: expected a name without spaces for the token, but found `two words`\n",
        ),
        (
            &["serve", "--max-bundle-mib", "0"],
            "yim: expected --max-bundle-mib to be a whole number from 1 to 1024, but found `0`\n",
        ),
    ];
    for (args, expected) in cases {
        let (status, _, err) = yim(dir.path(), args);
        assert_eq!((status, err.as_str()), (2, expected), "{args:?}");
    }
}
