//! What the intake's tests share: a server on a free port of 127.0.0.1, a
//! tokens file, fake bundles and, for the S3 tests, an S3-compatible server.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use yim_intake::{Config, Inbox, Role, Tokens};

/// An HTTP client, after the TLS provider the intake's own clients use.
pub fn client() -> reqwest::Client {
    yim_intake::install_tls();
    reqwest::Client::new()
}

/// A running intake: its address, its tokens and where it stores.
pub struct Server {
    pub base: String,
    pub upload: String,
    pub pull: String,
    pub tokens: PathBuf,
    pub inbox: Inbox,
    pub task: tokio::task::JoinHandle<()>,
}

/// A tokens file in `dir` with one coordinator's upload token and the data
/// office's pull token.
pub fn tokens(dir: &Path) -> (PathBuf, String, String) {
    let path = dir.join("tokens.txt");
    let upload = yim_intake::new_token(&path, "somchai", Role::Upload).unwrap();
    let pull = yim_intake::new_token(&path, "data-office", Role::Pull).unwrap();
    (path, upload, pull)
}

/// The folder store under `dir`, as `yim serve --store DIR/store` opens it.
pub fn folder_inbox(dir: &Path) -> Inbox {
    Inbox::open(dir.join("store").to_str().unwrap()).unwrap()
}

/// Starts an intake on a free port that stores in a folder under `dir`.
pub async fn start_in_folder(dir: &Path, max_bundle: usize) -> Server {
    start(dir, folder_inbox(dir), max_bundle).await
}

/// Starts an intake on a free port that stores in `inbox`.
pub async fn start(dir: &Path, inbox: Inbox, max_bundle: usize) -> Server {
    let (tokens_path, upload, pull) = tokens(dir);
    let config = Config {
        inbox: inbox.clone(),
        tokens: Tokens::open(&tokens_path).unwrap(),
        app: None,
        forms: None,
        max_bundle,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, yim_intake::router(config))
            .await
            .unwrap();
    });
    Server {
        base,
        upload,
        pull,
        tokens: tokens_path,
        inbox,
        task,
    }
}

/// Bytes that pass the intake's check: an age header and `n` bytes more
/// that differ with `seed`. The intake cannot read what it stores, so it
/// needs no real encryption to be tested.
pub fn bundle(seed: u8, n: usize) -> Vec<u8> {
    let mut bytes = yim_intake::store::AGE_HEADER.to_vec();
    bytes.extend((0..n).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    bytes
}

/// Uploads `body` with `token` (none when `None`): the status and the JSON
/// answer.
pub async fn upload(base: &str, token: Option<&str>, body: Vec<u8>) -> (u16, serde_json::Value) {
    let client = client();
    let mut request = client.post(format!("{base}/api/bundles")).body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("expected JSON, but found {text:?}: {e}"));
    (status, json)
}

/// The files in `dir`, sorted, hidden ones included.
pub fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// An S3-compatible server (moto's, installed by scripts/setup.sh) on a free
/// port of 127.0.0.1, stopped when dropped.
pub struct S3 {
    child: Child,
    pub endpoint: String,
}

impl S3 {
    /// Starts the server and makes the bucket `bucket`. A missing server is
    /// a failure that says how to install it, never a silent skip.
    pub async fn start(bucket: &str) -> S3 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "the S3 tests need moto_server (pip install 'moto[server]', which scripts/setup.sh does): {e}"
                )
            });
        let s3 = S3 {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let client = client();
        let started = Instant::now();
        loop {
            if let Ok(r) = client.put(format!("{}/{bucket}", s3.endpoint)).send().await {
                assert!(r.status().is_success(), "making the bucket: {}", r.status());
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "moto_server did not answer on {} within a minute",
                s3.endpoint
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        s3
    }

    /// The settings `Inbox::open_with_env` reads, as the environment would
    /// give them.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("AWS_ENDPOINT", self.endpoint.as_str()),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ALLOW_HTTP", "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
