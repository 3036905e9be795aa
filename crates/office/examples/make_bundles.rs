//! Makes bundles for the data office's benchmark (`make bench-office`):
//! `make_bundles DIR BUNDLES RESPONSES_PER_BUNDLE` writes
//! `DIR/bundle-NNNNN.yim.age` and the TEST ONLY key that opens them,
//! `DIR/test-only-key.txt`.
//!
//! The form is a realistic home visit: 30 text questions, an integer, a
//! date, a choice and a repeat of three household members. Bundles come
//! from 100 devices, each with its exports numbered from 1, and every
//! response is sealed on its own as the app seals it, so opening them costs
//! what it costs with real exports.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;
use yim_bundle::{seal, BundleForm, BundleHeader, BundleWriter, Identity, Recipients, Response};

const QUESTIONS: usize = 30;
const DEVICES: usize = 100;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, bundles, per_bundle] = args.as_slice() else {
        eprintln!("usage: make_bundles DIR BUNDLES RESPONSES_PER_BUNDLE");
        std::process::exit(2);
    };
    let dir = std::path::PathBuf::from(dir);
    let bundles: usize = bundles.parse().expect("BUNDLES is a number");
    let per_bundle: usize = per_bundle
        .parse()
        .expect("RESPONSES_PER_BUNDLE is a number");
    std::fs::create_dir_all(&dir).unwrap();

    let office = Identity::generate();
    std::fs::write(
        dir.join("test-only-key.txt"),
        office
            .to_identity_file(yim_bundle::Timestamp::from_unix_ms(0))
            .expose(),
    )
    .unwrap();
    let public = office.to_public();
    let form = form();

    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let b = next.fetch_add(1, Ordering::Relaxed);
                if b >= bundles {
                    break;
                }
                let to = Recipients::Keys(vec![public.clone()]);
                let header = BundleHeader {
                    id: format!("019ab0c0-0000-7000-8000-{b:012}"),
                    created: "2026-11-23T10:00:00.000Z".into(),
                    device_id: format!("dev{:02}", b % DEVICES),
                    sequence: (b / DEVICES + 1) as u64,
                };
                let mut writer = BundleWriter::new(&header, vec![form.clone()], &to).unwrap();
                for i in 0..per_bundle {
                    let n = b * per_bundle + i;
                    let sealed = seal(&response(n, &form, &header.device_id), &to).unwrap();
                    writer.add(&sealed).unwrap();
                }
                let bytes = writer.finish().unwrap();
                std::fs::write(dir.join(format!("bundle-{b:05}.yim.age")), bytes).unwrap();
            });
        }
    });
}

fn form() -> BundleForm {
    let mut yaml = String::from(
        "form:\n  id: home-visit\n  version: '1'\n  title: {th: เยี่ยมบ้าน, en: Home visit}\n  languages: [th, en]\n  default_language: th\nchoices:\n  risk:\n    - {name: low, label: {th: ต่ำ, en: Low}}\n    - {name: high, label: {th: สูง, en: High}}\nquestions:\n",
    );
    for q in 1..=QUESTIONS {
        writeln!(
            yaml,
            "  - {{name: q{q}, type: text, label: {{th: คำถามที่ {q}, en: Question {q}}}}}"
        )
        .unwrap();
    }
    yaml.push_str("  - {name: child_age, type: integer, label: {th: อายุเด็ก, en: Child's age}}\n");
    yaml.push_str("  - {name: visit_date, type: date, label: {th: วันที่เยี่ยม, en: Visit date}}\n");
    yaml.push_str("  - {name: risk, type: select_one risk, label: {th: ความเสี่ยง, en: Risk}}\n");
    yaml.push_str(
        "  - name: members\n    type: repeat\n    label: {th: สมาชิก, en: Member}\n    questions:\n",
    );
    yaml.push_str("      - {name: member_name, type: text, label: {th: ชื่อ, en: Name}}\n");
    yaml.push_str("      - {name: member_age, type: integer, label: {th: อายุ, en: Age}}\n");
    BundleForm {
        id: "home-visit".into(),
        version: "1".into(),
        yaml,
    }
}

fn response(n: usize, form: &BundleForm, device: &str) -> Response {
    let mut answers = serde_json::Map::new();
    for q in 1..=QUESTIONS {
        answers.insert(
            format!("q{q}"),
            json!(format!("คำตอบที่ {q} ของแบบสอบถามหมายเลข {n}")),
        );
    }
    answers.insert("child_age".into(), json!(n % 18));
    answers.insert(
        "visit_date".into(),
        json!(format!("2026-11-{:02}", n % 28 + 1)),
    );
    answers.insert(
        "risk".into(),
        json!(if n.is_multiple_of(7) { "high" } else { "low" }),
    );
    answers.insert(
        "members".into(),
        json!([
            {"member_name": "นางสมศรี ใจดี", "member_age": 41},
            {"member_name": "ด.ญ. มะลิ ใจดี", "member_age": 9},
            {"member_name": "ด.ช. ต้นกล้า ใจดี", "member_age": 4}
        ]),
    );
    Response {
        id: format!("019ab0b2-8c60-7a11-8f00-{n:012}"),
        form_id: "home-visit".into(),
        form_version: "1".into(),
        form_hash: form.hash(),
        created: "2026-11-23T09:15:00.000Z".into(),
        updated: "2026-11-23T09:20:00.000Z".into(),
        device_id: device.into(),
        status: "finalized".into(),
        answers: answers.into(),
        case: None,
    }
}
