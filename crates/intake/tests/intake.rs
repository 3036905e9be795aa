//! The intake over real HTTP on 127.0.0.1, storing in a local folder: who may
//! upload, what is refused, what is stored once, and pulling.

mod common;

use common::{bundle, files, start, start_in_folder, upload};
use yim_intake::{pull, Inbox, Source};

#[tokio::test]
async fn a_bundle_is_stored_once_and_answered_with_the_same_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_folder(dir.path(), 1 << 20).await;
    let body = bundle(1, 5000);
    let (status, first) = upload(&server.base, Some(&server.upload), body.clone()).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["sha256"], yim_intake::store::sha256_hex(&body));
    assert_eq!(first["size"], body.len() as u64);
    assert!(
        first["received"].as_str().unwrap().ends_with('Z'),
        "{first}"
    );
    let (status, again) = upload(&server.base, Some(&server.upload), body).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(first, again);
    assert_eq!(server.inbox.bundle_count().await.unwrap(), 1);
    assert_eq!(server.inbox.receipts().await.unwrap().len(), 1);
}

#[tokio::test]
async fn concurrent_uploads_of_one_bundle_store_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_folder(dir.path(), 1 << 20).await;
    let body = bundle(7, 20_000);
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (base, token, body) = (server.base.clone(), server.upload.clone(), body.clone());
            tokio::spawn(async move { upload(&base, Some(&token), body).await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        let (status, receipt) = task.await.unwrap();
        assert!(status == 200 || status == 201, "{status} {receipt}");
        answers.push(receipt);
    }
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
    assert_eq!(server.inbox.bundle_count().await.unwrap(), 1);
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_refused_and_not_logged() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_folder(dir.path(), 1 << 20).await;
    let (status, answer) = upload(&server.base, None, bundle(1, 10)).await;
    assert_eq!(status, 401);
    assert_eq!(
        answer["error"],
        "this needs a token: send `Authorization: Bearer TOKEN`"
    );
    let (status, answer) = upload(&server.base, Some("yim_not-a-token"), bundle(1, 10)).await;
    assert_eq!(status, 401);
    assert_eq!(
        answer["error"],
        "the token is not known here (wrong, or revoked)"
    );
    // The data office's pull token cannot upload, and an upload token
    // cannot list what others sent.
    let (status, answer) = upload(&server.base, Some(&server.pull), bundle(1, 10)).await;
    assert_eq!(status, 403);
    assert_eq!(answer["error"], "this token may pull but not upload");
    let listing = common::client()
        .get(format!("{}/api/receipts", server.base))
        .bearer_auth(&server.upload)
        .send()
        .await
        .unwrap();
    assert_eq!(listing.status().as_u16(), 403);
    assert_eq!(server.inbox.bundle_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_revoked_token_is_refused_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_folder(dir.path(), 1 << 20).await;
    let (status, _) = upload(&server.base, Some(&server.upload), bundle(1, 10)).await;
    assert_eq!(status, 201);
    // The operator deletes the coordinator's line.
    let text = std::fs::read_to_string(&server.tokens).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.starts_with("somchai "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&server.tokens, kept).unwrap();
    let (status, answer) = upload(&server.base, Some(&server.upload), bundle(2, 10)).await;
    assert_eq!(status, 401, "{answer}");
    assert_eq!(server.inbox.bundle_count().await.unwrap(), 1);
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_folder(dir.path(), 1000).await;
    let (status, answer) = upload(&server.base, Some(&server.upload), bundle(1, 1001)).await;
    assert_eq!(status, 413);
    assert_eq!(
        answer["error"],
        "the bundle is larger than this intake accepts (1000 bytes at most)"
    );
    // Without a declared length (a chunked body), the cap holds as well.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![Ok(bundle(1, 600)), Ok(vec![0; 600])];
    let response = common::client()
        .post(format!("{}/api/bundles", server.base))
        .bearer_auth(&server.upload)
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    let (status, _) = upload(&server.base, Some(&server.upload), bundle(1, 900)).await;
    assert_eq!(status, 201);
    assert_eq!(server.inbox.bundle_count().await.unwrap(), 1);
}

#[tokio::test]
async fn a_body_that_is_not_an_age_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_folder(dir.path(), 1 << 20).await;
    for body in [
        b"".to_vec(),
        b"name,answer\nsomchai,1\n".to_vec(),
        b"-----BEGIN AGE ENCRYPTED FILE-----\n".to_vec(),
        b"age-encryption.org/v2\n".to_vec(),
    ] {
        let (status, answer) = upload(&server.base, Some(&server.upload), body).await;
        assert_eq!(status, 400);
        assert_eq!(
            answer["error"],
            "expected a bundle (an age file, starting with `age-encryption.org/v1`), but found something else"
        );
    }
    assert_eq!(server.inbox.bundle_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_bundle_left_without_its_receipt_is_completed_by_the_next_upload() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let server = start(
        dir.path(),
        Inbox::open(store.to_str().unwrap()).unwrap(),
        1 << 20,
    )
    .await;
    // What a crash between the two writes leaves behind.
    let body = bundle(3, 100);
    let sha = yim_intake::store::sha256_hex(&body);
    std::fs::create_dir_all(store.join("bundles")).unwrap();
    std::fs::write(store.join(format!("bundles/{sha}.age")), &body).unwrap();
    assert!(server.inbox.receipts().await.unwrap().is_empty());
    let (status, receipt) = upload(&server.base, Some(&server.upload), body).await;
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(receipt["sha256"], sha.as_str());
    assert_eq!(server.inbox.bundle_count().await.unwrap(), 1);
    assert_eq!(server.inbox.receipts().await.unwrap().len(), 1);
}

#[tokio::test]
async fn pull_fetches_only_what_it_lacks_over_http_and_from_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let server = start(
        dir.path(),
        Inbox::open(store.to_str().unwrap()).unwrap(),
        1 << 20,
    )
    .await;
    let (a, b) = (bundle(1, 3000), bundle(2, 4000));
    upload(&server.base, Some(&server.upload), a.clone()).await;
    upload(&server.base, Some(&server.upload), b.clone()).await;
    let http = Source::Http {
        base: server.base.clone(),
        token: server.pull.clone(),
    };
    let inbox = dir.path().join("office");
    let pulled = pull(&http, &inbox).await.unwrap();
    assert_eq!((pulled.new.len(), pulled.already), (2, 0), "{pulled:?}");
    assert!(pulled.failed.is_empty());
    for body in [&a, &b] {
        let name = format!("{}.age", yim_intake::store::sha256_hex(body));
        assert_eq!(&std::fs::read(inbox.join(name)).unwrap(), body);
    }
    let c = bundle(3, 500);
    upload(&server.base, Some(&server.upload), c).await;
    let pulled = pull(&http, &inbox).await.unwrap();
    assert_eq!((pulled.new.len(), pulled.already), (1, 2), "{pulled:?}");
    assert_eq!(files(&inbox).len(), 3);
    // Straight from the intake's folder, into another inbox.
    let other = dir.path().join("office2");
    let from_folder = Source::Store(Inbox::open(store.to_str().unwrap()).unwrap());
    let pulled = pull(&from_folder, &other).await.unwrap();
    assert_eq!((pulled.new.len(), pulled.already), (3, 0));
    assert_eq!(files(&other), files(&inbox));
    // A wrong pull token lists nothing and says why.
    let wrong = Source::Http {
        base: server.base.clone(),
        token: server.upload.clone(),
    };
    let error = pull(&wrong, &other).await.unwrap_err().to_string();
    assert_eq!(
        error,
        "the intake refused the listing (403 Forbidden): this token may upload but not pull"
    );
}

/// An intake whose bundle downloads break off half-way, as a dropped
/// connection does: the pull fails for that bundle, leaves no partial file,
/// and the next pull from a sound intake completes it.
#[tokio::test]
async fn a_pull_interrupted_half_way_leaves_no_partial_file() {
    use axum::routing::get;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let server = start(
        dir.path(),
        Inbox::open(store.to_str().unwrap()).unwrap(),
        1 << 20,
    )
    .await;
    let body = bundle(5, 200_000);
    let (_, receipt) = upload(&server.base, Some(&server.upload), body.clone()).await;
    let listing = serde_json::json!([receipt]).to_string();
    let half = body[..body.len() / 2].to_vec();
    let broken = axum::Router::new()
        .route("/api/receipts", get(move || async move { listing }))
        .route(
            "/api/bundles/{sha}",
            get(move || async move {
                // Half the bundle goes out at once; a moment later the
                // connection drops, after the headers and that half arrived.
                let chunks = futures::stream::unfold(Some(half), |state| async move {
                    match state {
                        Some(half) => Some((Ok::<_, std::io::Error>(half), None)),
                        None => {
                            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                            Some((Err(std::io::Error::other("the connection dropped")), None))
                        }
                    }
                });
                axum::body::Body::from_stream(chunks)
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let broken_base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, broken).await.unwrap() });

    let inbox = dir.path().join("office");
    let source = Source::Http {
        base: broken_base,
        token: server.pull.clone(),
    };
    let pulled = pull(&source, &inbox).await.unwrap();
    assert!(pulled.new.is_empty());
    assert_eq!(pulled.failed.len(), 1, "{pulled:?}");
    assert!(
        pulled.failed[0].1.starts_with("the download broke off"),
        "{pulled:?}"
    );
    assert!(files(&inbox).is_empty(), "{:?}", files(&inbox));

    let sound = Source::Http {
        base: server.base.clone(),
        token: server.pull.clone(),
    };
    let pulled = pull(&sound, &inbox).await.unwrap();
    assert_eq!(pulled.new.len(), 1);
    let name = format!("{}.age", receipt["sha256"].as_str().unwrap());
    assert_eq!(files(&inbox), std::slice::from_ref(&name));
    assert_eq!(std::fs::read(inbox.join(name)).unwrap(), body);
}

#[tokio::test]
async fn the_app_is_served_with_its_content_security_policy() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(dist.join("forms")).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>Yim</title>").unwrap();
    std::fs::write(dist.join("forms/index.json"), "{}").unwrap();
    let (tokens, _, _) = common::tokens(dir.path());
    let config = yim_intake::Config {
        inbox: common::folder_inbox(dir.path()),
        tokens: yim_intake::Tokens::open(&tokens).unwrap(),
        app: Some(dist),
        forms: None,
        max_bundle: 1000,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, yim_intake::router(config))
            .await
            .unwrap()
    });
    let client = common::client();
    for (path, body) in [
        ("/", "<!doctype html><title>Yim</title>"),
        ("/forms/index.json", "{}"),
    ] {
        let response = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(
            response.headers()["content-security-policy"],
            yim_intake::CSP,
            "{path}"
        );
        assert_eq!(response.text().await.unwrap(), body);
    }
    let api = client
        .get(format!("{base}/api/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status().as_u16(), 404);
    assert_eq!(api.headers()["cache-control"], "no-store");
}

/// The header the server sends is the policy the app declares in its page.
#[test]
fn the_policy_is_the_one_in_index_html() {
    let page =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../index.html")).unwrap();
    let needle = format!("content=\"{}\"", yim_intake::CSP);
    assert!(
        page.contains(&needle),
        "index.html's policy differs from yim_intake::CSP"
    );
}

#[test]
fn a_receipt_that_could_lead_a_pull_astray_is_refused() {
    let sha = "a".repeat(64);
    let cases = [
        (
            r#"{"sha256":"../../etc/passwd","size":1,"received":"2026-12-06T00:00:00Z"}"#
                .to_owned(),
            "expected a receipt to name a SHA-256, but found `../../etc/passwd`",
        ),
        (
            format!(r#"{{"sha256":"{sha}","size":1073741825,"received":"2026-12-06T00:00:00Z"}}"#),
            "expected a receipt for at most 1073741824 bytes, but found 1073741825",
        ),
    ];
    for (text, expected) in cases {
        let error = yim_intake::Receipt::parse(text.as_bytes()).unwrap_err();
        assert_eq!(error.to_string(), expected);
    }
}

#[test]
fn a_broken_tokens_file_is_refused_with_its_line() {
    let cases = [
        ("somchai upload\n", "line 1: expected `NAME ROLE SHA256`, but found 2 fields"),
        (
            "# office\nsomchai admin 0000000000000000000000000000000000000000000000000000000000000000\n",
            "line 2: expected the role `upload` or `pull`, but found `admin`",
        ),
        (
            "somchai upload 00\n",
            "line 1: expected the token's SHA-256 (64 lowercase hexadecimal digits)",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(
            yim_intake::tokens::parse(text).unwrap_err().to_string(),
            expected
        );
    }
}
