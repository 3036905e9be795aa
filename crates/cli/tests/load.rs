//! The intake under load on loopback: 1,000 uploads of 100 KB bundles from
//! 50 concurrent clients to a `yim serve` process storing in a folder. It
//! prints throughput, p50/p99 latency and the server's peak memory, then
//! checks that every bundle was stored exactly once.
//!
//! A benchmark, not part of `make test`: `make bench-intake` runs it on an
//! optimised build (docs/performance.md has the figures).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const UPLOADS: usize = 1_000;
const CLIENTS: usize = 50;
const SIZE: usize = 100 * 1024;

/// The server's peak resident memory (VmHWM) in KiB, from /proc.
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn bundle(n: usize) -> Vec<u8> {
    let mut bytes = b"age-encryption.org/v1\n".to_vec();
    let seed = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut x = seed;
    while bytes.len() < SIZE {
        // xorshift: bytes that differ per bundle and do not compress.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes.truncate(SIZE);
    bytes
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: make bench-intake"]
async fn load_1000_uploads_from_50_clients() {
    let dir = tempfile::tempdir().unwrap();
    let token_out = Command::new(env!("CARGO_BIN_EXE_yim"))
        .args(["serve", "token", "new", "load", "--tokens", "tokens.txt"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(token_out.status.success());
    let token = String::from_utf8(token_out.stdout)
        .unwrap()
        .trim()
        .to_owned();
    let mut server = Command::new(env!("CARGO_BIN_EXE_yim"))
        .args(["serve", "--store", "store", "--tokens", "tokens.txt"])
        .args(["--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    let idle_kib = peak_kib(server.id());

    yim_intake::install_tls();
    let client = reqwest::Client::new();
    let bodies: Arc<Vec<Vec<u8>>> = Arc::new((0..UPLOADS).map(bundle).collect());
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (client, base, token) = (client.clone(), base.clone(), token.clone());
            let (bodies, next) = (bodies.clone(), next.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= UPLOADS {
                        return latencies;
                    }
                    let sent = Instant::now();
                    let response = client
                        .post(format!("{base}/api/bundles"))
                        .bearer_auth(&token)
                        .body(bodies[i].clone())
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(response.status().as_u16(), 201);
                    let _ = response.bytes().await.unwrap();
                    latencies.push(sent.elapsed());
                }
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let peak = peak_kib(server.id());

    // Every bundle once more: all answered 200, nothing stored twice.
    for (i, body) in bodies.iter().enumerate().step_by(10) {
        let response = client
            .post(format!("{base}/api/bundles"))
            .bearer_auth(&token)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "bundle {i}");
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let count = |sub: &str| {
        std::fs::read_dir(dir.path().join("store").join(sub))
            .unwrap()
            .count()
    };
    assert_eq!(latencies.len(), UPLOADS);
    assert_eq!(count("bundles"), UPLOADS, "bundles stored");
    assert_eq!(count("receipts"), UPLOADS, "receipts stored");

    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let secs = elapsed.as_secs_f64();
    println!(
        "intake: {UPLOADS} uploads of {} KB from {CLIENTS} clients in {secs:.2} s",
        SIZE / 1024
    );
    println!(
        "intake: throughput {:.0} uploads/s, {:.1} MB/s",
        UPLOADS as f64 / secs,
        (UPLOADS * SIZE) as f64 / secs / 1e6
    );
    println!(
        "intake: latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3
    );
    println!(
        "intake: server peak memory (VmHWM) {} KiB, {} KiB when idle",
        peak.map_or("?".to_owned(), |k| k.to_string()),
        idle_kib.map_or("?".to_owned(), |k| k.to_string())
    );
    println!(
        "intake: stored {} bundles and {} receipts; 100 repeats stored nothing",
        count("bundles"),
        count("receipts")
    );
}
