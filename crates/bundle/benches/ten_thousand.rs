//! How long the bundle format takes for 10,000 responses, natively:
//! sealing, building, opening and merging. Run with
//! `cargo bench -p yim-bundle`.
//!
//! It also leaves the bundle, its form and a TEST ONLY key in
//! `target/tmp/yim-bench/`, and prints the `yim decrypt` command that turns
//! the bundle into CSV, so that the command line can be timed on the same data.

use std::fmt::Write as _;
use std::time::Instant;

use serde_json::json;
use yim_bundle::{
    open, seal, BundleForm, BundleHeader, BundleWriter, Identities, Identity, Merger, Recipients,
    Response,
};

const RESPONSES: usize = 10_000;
const QUESTIONS: usize = 30;

fn main() {
    let office = Identity::generate();
    let to = || Recipients::Keys(vec![office.to_public()]);

    // A form of 30 text questions and a repeat of household members.
    let mut yaml = String::from(
        "form:\n  id: bench\n  version: '1'\n  title: {th: ทดสอบความเร็ว, en: Benchmark}\n  languages: [th, en]\n  default_language: th\nquestions:\n",
    );
    for q in 1..=QUESTIONS {
        writeln!(
            yaml,
            "  - {{name: q{q}, type: text, label: {{th: คำถามที่ {q}, en: Question {q}}}}}"
        )
        .unwrap();
    }
    yaml.push_str(
        "  - name: members\n    type: repeat\n    label: {th: สมาชิก, en: Member}\n    questions:\n",
    );
    yaml.push_str("      - {name: member_name, type: text, label: {th: ชื่อ, en: Name}}\n");
    yaml.push_str("      - {name: member_age, type: integer, label: {th: อายุ, en: Age}}\n");
    let form = BundleForm {
        id: "bench".into(),
        version: "1".into(),
        yaml,
    };

    let responses: Vec<Response> = (0..RESPONSES)
        .map(|i| {
            let mut answers = serde_json::Map::new();
            for q in 1..=QUESTIONS {
                answers.insert(
                    format!("q{q}"),
                    json!(format!("คำตอบที่ {q} ของแบบสอบถามหมายเลข {i}")),
                );
            }
            answers.insert(
                "members".into(),
                json!([
                    {"member_name": "นางสมศรี ใจดี", "member_age": 41},
                    {"member_name": "ด.ญ. มะลิ ใจดี", "member_age": 9},
                    {"member_name": "ด.ช. ต้นกล้า ใจดี", "member_age": 4}
                ]),
            );
            Response {
                id: format!("019ab0b2-8c60-7a11-8f00-{i:012}"),
                form_id: "bench".into(),
                form_version: "1".into(),
                form_hash: form.hash(),
                created: "2026-11-23T09:15:00.000Z".into(),
                updated: "2026-11-23T09:20:00.000Z".into(),
                device_id: "3f2a".into(),
                status: "finalized".into(),
                answers: answers.into(),
                case: None,
            }
        })
        .collect();

    let t = Instant::now();
    let sealed: Vec<_> = responses.iter().map(|r| seal(r, &to()).unwrap()).collect();
    let seal_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let header = BundleHeader {
        id: "019ab0c0-0000-7000-8000-000000000001".into(),
        created: "2026-11-23T10:00:00.000Z".into(),
        device_id: "3f2a".into(),
        sequence: 1,
    };
    let mut writer = BundleWriter::new(&header, vec![form.clone()], &to()).unwrap();
    for s in &sealed {
        writer.add(s).unwrap();
    }
    let bundle = writer.finish().unwrap();
    let build_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let ids: Identities = Identity::parse_file(&identity_file(&office))
        .unwrap()
        .into_iter()
        .collect();
    let opened = open(&bundle, &ids).unwrap();
    let open_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let mut merger = Merger::new();
    merger.add(opened);
    let merged = merger.finish();
    let merge_s = t.elapsed().as_secs_f64();
    assert_eq!(merged.responses.len(), RESPONSES);

    println!("{RESPONSES} responses of {QUESTIONS} questions and a repeat of 3, natively:");
    println!("  seal each response:  {seal_s:.2} s");
    println!(
        "  build the bundle:    {build_s:.2} s ({:.1} MB)",
        bundle.len() as f64 / 1e6
    );
    println!("  open and verify:     {open_s:.2} s");
    println!("  merge:               {merge_s:.2} s");

    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("yim-bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bench.yim.age"), &bundle).unwrap();
    std::fs::write(dir.join("test-only-key.txt"), identity_file(&office)).unwrap();
    let out = dir.join("out");
    let _ = std::fs::remove_dir_all(&out);
    println!(
        "  to time the CSV export: time yim decrypt -i {} -o {} {}",
        dir.join("test-only-key.txt").display(),
        out.display(),
        dir.join("bench.yim.age").display()
    );
}

/// The identity file of the key made for this run only.
fn identity_file(office: &Identity) -> String {
    office
        .to_identity_file(yim_bundle::Timestamp::from_unix_ms(0))
        .expose()
        .to_string()
}
