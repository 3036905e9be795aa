//! The intake storing in an S3-compatible bucket: moto's server, started on
//! 127.0.0.1 by the test. Two intake processes share the bucket, as they
//! would behind a load balancer.

mod common;

use common::{bundle, start, upload, S3};
use yim_intake::{pull, Inbox, Source};

#[tokio::test]
async fn two_intakes_share_one_bucket_and_store_each_bundle_once() {
    let s3 = S3::start("yim-inbox").await;
    let dir = tempfile::tempdir().unwrap();
    let open = || Inbox::open_with_env("s3://yim-inbox/province/chiang-mai", s3.env()).unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    std::fs::create_dir_all(&one).unwrap();
    std::fs::create_dir_all(&two).unwrap();
    let first = start(&one, open(), 1 << 20).await;
    let second = start(&two, open(), 1 << 20).await;

    let body = bundle(9, 50_000);
    let (status, a) = upload(&first.base, Some(&first.upload), body.clone()).await;
    assert_eq!(status, 201, "{a}");
    // The same bundle through the other process: stored already, same receipt.
    let (status, b) = upload(&second.base, Some(&second.upload), body.clone()).await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(a, b);
    let (status, _) = upload(&second.base, Some(&second.upload), bundle(10, 10)).await;
    assert_eq!(status, 201);
    // Refusals do not depend on the store.
    let (status, _) = upload(&first.base, Some("wrong"), bundle(11, 10)).await;
    assert_eq!(status, 401);
    let (status, _) = upload(&first.base, Some(&first.upload), b"not age".to_vec()).await;
    assert_eq!(status, 400);
    assert_eq!(first.inbox.bundle_count().await.unwrap(), 2);

    // The data office pulls over HTTP, then straight from the bucket into a
    // second inbox; both get the same two bundles.
    let inbox = dir.path().join("office");
    let pulled = pull(
        &Source::Http {
            base: first.base.clone(),
            token: first.pull.clone(),
        },
        &inbox,
    )
    .await
    .unwrap();
    assert_eq!(
        (pulled.new.len(), pulled.already, pulled.failed.len()),
        (2, 0, 0)
    );
    let name = format!("{}.age", a["sha256"].as_str().unwrap());
    assert_eq!(std::fs::read(inbox.join(&name)).unwrap(), body);
    let pulled = pull(&Source::Store(open()), &inbox).await.unwrap();
    assert_eq!((pulled.new.len(), pulled.already), (0, 2));
    let other = dir.path().join("office2");
    let pulled = pull(&Source::Store(open()), &other).await.unwrap();
    assert_eq!(pulled.new.len(), 2);
    assert_eq!(common::files(&other), common::files(&inbox));
}
