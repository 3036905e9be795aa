//! Cases at the data office: `yim decrypt` adds each visit's case id and
//! folds the case changes of every bundle into `cases.csv`; `yim report`
//! summarises the decrypted folder as one HTML page. Bundles are made here
//! with `yim_bundle`, sealed to the published TEST ONLY office key of
//! `tests/fixtures/bundles/`. Refresh the expected text with
//! `UPDATE_EXPECT=1`.

mod common;
mod sealing;

use std::collections::BTreeMap;
use std::path::Path;

use expect_test::{expect, expect_file};
use serde_json::json;
use yim_bundle::{BundleForm, BundleHeader, Recipients, Response};
use yim_form::case::{CaseAction, CaseChange};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn office() -> Recipients {
    sealing::recipients(&format!("{FIXTURES}/bundles/office-key.txt"))
}

fn form(file: &str) -> BundleForm {
    sealing::resolved(&format!("{FIXTURES}/cases"), file)
}

const CASE_1: &str = "01938a00-0000-7000-8000-000000000001";
const CASE_2: &str = "01938a00-0000-7000-8000-000000000002";
const CASE_3: &str = "01938a00-0000-7000-8000-000000000003";

/// One visit: response `n` of `form` from `device`, finalized at
/// `updated`, which creates or updates `case` with `properties` (which
/// are also its answers, as `save_to` questions make them).
fn visit(
    n: u8,
    form: &BundleForm,
    device: &str,
    updated: &str,
    case: (&str, CaseAction, Option<&str>),
    properties: &[(&str, &str)],
) -> Response {
    let properties: BTreeMap<String, String> = properties
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut answers = serde_json::Map::new();
    for (k, v) in &properties {
        let name = if k == "status" { "case_status" } else { k };
        answers.insert(name.to_string(), json!(v));
    }
    Response {
        id: format!("019ab0b2-8c60-7a11-8f00-0000000000{n:02}"),
        form_id: form.id.clone(),
        form_version: form.version.clone(),
        form_hash: form.hash(),
        created: "2026-11-01T01:00:00.000Z".into(),
        updated: updated.into(),
        device_id: device.into(),
        status: "finalized".into(),
        answers: answers.into(),
        case: Some(CaseChange {
            list: "children".into(),
            id: case.0.into(),
            action: case.1,
            label: case.2.map(String::from),
            properties,
        }),
    }
}

/// Writes bundle `sequence` of `device` into `dir` and returns its name.
fn bundle(dir: &Path, device: &str, sequence: u64, responses: &[Response]) -> String {
    let header = BundleHeader {
        id: format!("019ab0c0-0000-7000-8000-0000{device}{sequence:04}"),
        created: "2026-11-25T10:00:00.000Z".into(),
        device_id: device.into(),
        sequence,
    };
    let forms = [form("first-visit.yaml"), form("follow-up.yaml")];
    let bytes = sealing::sealed_bundle(&header, &[&forms[0], &forms[1]], responses, &office());
    let name = format!("{device}-{sequence}.yim.age");
    std::fs::write(dir.join(&name), bytes).unwrap();
    name
}

/// Two volunteers' phones: `aa01` opens two cases and later sends a visit
/// it made before `bb02`'s, again with one of its earlier responses;
/// `bb02` follows case 1 up and updates case 3, whose first visit has not
/// arrived. Returns the bundle file names, in the order they are given.
fn two_devices(dir: &Path) -> Vec<String> {
    let first = form("first-visit.yaml");
    let follow = form("follow-up.yaml");
    use CaseAction::{Create, Update};
    let opened_2 = visit(
        2,
        &first,
        "aa01",
        "2026-11-03T03:00:00.000Z",
        (CASE_2, Create, Some("ด.ช. ต้นกล้า <script>alert(1)</script>")),
        &[
            ("province", "เลย"),
            ("subdistrict", "นาด้วง"),
            ("risks", "dropout"),
            ("risk_level", "low"),
            ("next_visit", "2026-11-20"),
            ("status", "open"),
        ],
    );
    vec![
        bundle(
            dir,
            "aa01",
            1,
            &[
                visit(
                    1,
                    &first,
                    "aa01",
                    "2026-11-02T03:00:00.000Z",
                    (CASE_1, Create, Some("ด.ญ. มะลิ ใจดี (มะลิ)")),
                    &[
                        ("province", "พะเยา"),
                        ("subdistrict", "บ้านตุ่น"),
                        ("risks", "violence neglect"),
                        ("risk_level", "high"),
                        ("referral_agency", "pmj"),
                        ("referral_status", "waiting"),
                        ("next_visit", "2026-11-09"),
                        ("status", "open"),
                    ],
                ),
                opened_2.clone(),
            ],
        ),
        bundle(
            dir,
            "bb02",
            1,
            &[
                visit(
                    3,
                    &follow,
                    "bb02",
                    "2026-11-10T17:00:00+07:00",
                    (CASE_1, Update, None),
                    &[
                        ("risk_level", "medium"),
                        ("referral_status", "helped"),
                        ("next_visit", "2026-11-24"),
                        ("status", "referred"),
                    ],
                ),
                visit(
                    4,
                    &follow,
                    "bb02",
                    "2026-11-12T03:00:00.000Z",
                    (CASE_3, Update, None),
                    &[
                        ("province", "พะเยา"),
                        ("subdistrict", "บ้านตุ่น"),
                        ("risks", "neglect"),
                        ("risk_level", "medium"),
                        ("next_visit", "2026-12-01"),
                        ("status", "open"),
                    ],
                ),
            ],
        ),
        // Sent after bb02's, but made before it: its values lose to the
        // later visit's, whatever order the bundles come in.
        bundle(
            dir,
            "aa01",
            2,
            &[
                opened_2,
                visit(
                    5,
                    &follow,
                    "aa01",
                    "2026-11-06T03:00:00.000Z",
                    (CASE_1, Update, None),
                    &[("risk_level", "high"), ("next_visit", "2026-11-08")],
                ),
            ],
        ),
    ]
}

/// What `yim` printed and then every file it wrote into `out/`.
fn run_and_list(dir: &Path, args: &[&str], status: i32) -> String {
    let mut text = common::run(dir, args, status);
    let out = dir.join("out");
    if out.is_dir() {
        let mut names: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            let content = std::fs::read_to_string(out.join(&name)).unwrap();
            text += &format!("== out/{name}\n{content}");
        }
    }
    text
}

/// The arguments of `yim decrypt` of `bundles` into `out/`, `options`
/// first.
fn decrypt<'a>(options: &[&'a str], bundles: &'a [String]) -> Vec<&'a str> {
    let mut args = vec!["decrypt"];
    args.extend_from_slice(options);
    args.extend(["-i", "office-key.txt", "-o", "out"]);
    args.extend(bundles.iter().map(String::as_str));
    args
}

fn key_file(dir: &Path) {
    std::fs::copy(
        format!("{FIXTURES}/bundles/office-key.txt"),
        dir.join("office-key.txt"),
    )
    .unwrap();
}

#[test]
fn visits_from_two_devices_merge_into_one_case_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    key_file(dir.path());
    let bundles = two_devices(dir.path());
    let text = run_and_list(dir.path(), &decrypt(&[], &bundles), 0);
    expect![[r#"
        opened 3 bundles from 2 devices: 5 responses of 2 forms
        device aa01: have 1-2
        device bb02: have 1
        wrote out/child-first.csv (2 responses)
        wrote out/child-follow-up.csv (3 responses)
        wrote out/cases.csv (3 cases)
        == out/cases.csv
        case_id,list,label,status,next_visit,province,referral_agency,referral_status,risk_level,risks,subdistrict,created,last_visit,visits,devices,responses,create_received
        01938a00-0000-7000-8000-000000000001,children,ด.ญ. มะลิ ใจดี (มะลิ),referred,2026-11-24,พะเยา,pmj,helped,medium,violence neglect,บ้านตุ่น,2026-11-02T03:00:00.000Z,2026-11-10T17:00:00+07:00,3,aa01 bb02,019ab0b2-8c60-7a11-8f00-000000000001 019ab0b2-8c60-7a11-8f00-000000000005 019ab0b2-8c60-7a11-8f00-000000000003,yes
        01938a00-0000-7000-8000-000000000002,children,ด.ช. ต้นกล้า <script>alert(1)</script>,open,2026-11-20,เลย,,,low,dropout,นาด้วง,2026-11-03T03:00:00.000Z,2026-11-03T03:00:00.000Z,1,aa01,019ab0b2-8c60-7a11-8f00-000000000002,yes
        01938a00-0000-7000-8000-000000000003,children,,open,2026-12-01,พะเยา,,,medium,neglect,บ้านตุ่น,,2026-11-12T03:00:00.000Z,1,bb02,019ab0b2-8c60-7a11-8f00-000000000004,no
        == out/child-first.csv
        child_name,province,subdistrict,risks,risk_level,referral_agency,referral_status,next_visit,case_status,KEY,FormVersion,DeviceID,Created,Updated,Status,case_id
        ,พะเยา,บ้านตุ่น,violence neglect,high,pmj,waiting,2026-11-09,open,019ab0b2-8c60-7a11-8f00-000000000001,1,aa01,2026-11-01T01:00:00.000Z,2026-11-02T03:00:00.000Z,finalized,01938a00-0000-7000-8000-000000000001
        ,เลย,นาด้วง,dropout,low,,,2026-11-20,open,019ab0b2-8c60-7a11-8f00-000000000002,1,aa01,2026-11-01T01:00:00.000Z,2026-11-03T03:00:00.000Z,finalized,01938a00-0000-7000-8000-000000000002
        == out/child-follow-up.csv
        child,province,subdistrict,risks,risk_level,referral_agency,referral_status,next_visit,case_status,KEY,FormVersion,DeviceID,Created,Updated,Status,case_id
        ,,,,medium,,helped,2026-11-24,referred,019ab0b2-8c60-7a11-8f00-000000000003,1,bb02,2026-11-01T01:00:00.000Z,2026-11-10T17:00:00+07:00,finalized,01938a00-0000-7000-8000-000000000001
        ,พะเยา,บ้านตุ่น,neglect,medium,,,2026-12-01,open,019ab0b2-8c60-7a11-8f00-000000000004,1,bb02,2026-11-01T01:00:00.000Z,2026-11-12T03:00:00.000Z,finalized,01938a00-0000-7000-8000-000000000003
        ,,,,high,,,2026-11-08,,019ab0b2-8c60-7a11-8f00-000000000005,1,aa01,2026-11-01T01:00:00.000Z,2026-11-06T03:00:00.000Z,finalized,01938a00-0000-7000-8000-000000000001
    "#]]
    .assert_eq(&text);

    // The same bundles in another order, one of them twice: the same case
    // table, byte for byte, and the repeated response counts once.
    let again = tempfile::tempdir().unwrap();
    key_file(again.path());
    for name in &bundles {
        std::fs::copy(dir.path().join(name), again.path().join(name)).unwrap();
    }
    let shuffled = [2, 1, 0, 2].map(|i| bundles[i].clone());
    common::run(again.path(), &decrypt(&[], &shuffled), 0);
    let cases = |d: &Path| std::fs::read_to_string(d.join("out/cases.csv")).unwrap();
    assert_eq!(cases(again.path()), cases(dir.path()));
    expect_file!["fixtures/cases/cases.csv"].assert_eq(&cases(dir.path()));
}

#[test]
fn cases_in_parquet_keep_dates_as_dates() {
    let dir = tempfile::tempdir().unwrap();
    key_file(dir.path());
    let bundles = two_devices(dir.path());
    common::run(dir.path(), &decrypt(&["--format", "parquet"], &bundles), 0);
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            r#"
import duckdb
print(duckdb.sql("SELECT typeof(next_visit), typeof(created), typeof(visits), typeof(risk_level) FROM 'cases.parquet' LIMIT 1").fetchall())
print(duckdb.sql("SELECT case_id, next_visit, visits, create_received FROM 'cases.parquet' ORDER BY case_id").fetchall())
print(duckdb.sql("SELECT count(*) FROM 'child-follow-up.parquet' v JOIN 'cases.parquet' c USING (case_id) WHERE c.status = 'referred'").fetchall())
"#,
        ])
        .current_dir(dir.path().join("out"))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python3 with duckdb (installed by scripts/setup.sh) failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    expect![[r#"
        [('DATE', 'TIMESTAMP WITH TIME ZONE', 'BIGINT', 'VARCHAR')]
        [('01938a00-0000-7000-8000-000000000001', datetime.date(2026, 11, 24), 3, 'yes'), ('01938a00-0000-7000-8000-000000000002', datetime.date(2026, 11, 20), 1, 'yes'), ('01938a00-0000-7000-8000-000000000003', datetime.date(2026, 12, 1), 1, 'no')]
        [(2,)]
    "#]]
    .assert_eq(&String::from_utf8_lossy(&out.stdout));
}

#[test]
fn cases_with_too_many_properties_are_refused_and_nothing_is_written() {
    // Each change stays within what a bundle may carry (1,000 properties),
    // but together they would make a case table of 1,200 columns.
    let dir = tempfile::tempdir().unwrap();
    key_file(dir.path());
    let first = form("first-visit.yaml");
    let many = |from: usize| -> Vec<(String, String)> {
        (from..from + 600)
            .map(|i| (format!("p{i:04}"), "x".to_string()))
            .collect()
    };
    let hostile: Vec<Response> = [(1, CASE_1, 0), (2, CASE_2, 600)]
        .into_iter()
        .map(|(n, case, from)| {
            let props = many(from);
            let refs: Vec<(&str, &str)> = props
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            visit(
                n,
                &first,
                "aa01",
                &format!("2026-11-0{n}T03:00:00.000Z"),
                (case, CaseAction::Create, None),
                &refs,
            )
        })
        .collect();
    let names = [bundle(dir.path(), "aa01", 1, &hostile)];
    let text = run_and_list(dir.path(), &decrypt(&[], &names), 2);
    expect![[r#"
        stderr: yim: nothing was written: out: expected cases with at most 1000 different properties, but response 019ab0b2-8c60-7a11-8f00-000000000002 brings more
    "#]]
    .assert_eq(&text);
}

/// The text of the element marked `data-count="MARK"`, or a note that
/// there is none.
fn marked(html: &str, mark: &str) -> String {
    let start = format!("data-count=\"{mark}\">");
    match html.find(&start) {
        Some(i) => html[i + start.len()..]
            .split('<')
            .next()
            .unwrap_or("")
            .to_string(),
        None => format!("no element marked {mark}"),
    }
}

#[test]
fn the_report_counts_cases_per_province_and_tambon() {
    let dir = tempfile::tempdir().unwrap();
    key_file(dir.path());
    let bundles = two_devices(dir.path());
    common::run(dir.path(), &decrypt(&[], &bundles), 0);
    let text = common::run(
        dir.path(),
        &[
            "report",
            "out",
            "-o",
            "report.html",
            "--date",
            "2026-11-25",
            "--by",
            "province,tambon",
        ],
        0,
    );
    expect![[r#"
        read 3 cases and 5 visits from 3 tables
        wrote report.html
    "#]]
    .assert_eq(&text);
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();

    // Every figure, for the whole folder and for each area: case 1 and
    // case 3 live in บ้านตุ่น (พะเยา), case 2 in นาด้วง (เลย); case 1 is
    // referred and its follow-up was due on the 24th, case 2's on the 20th.
    let marks = [
        "all:cases",
        "all:status:open",
        "all:status:referred",
        "all:status:closed",
        "all:overdue",
        "all:level:high",
        "all:level:medium",
        "all:level:low",
        "all:risk:neglect",
        "all:risk:neglect:medium",
        "all:risk:violence:medium",
        "all:risk:dropout:low",
        "all:visits:2026-11",
        "all:referral:pmj:helped",
        "พะเยา:cases",
        "พะเยา:overdue",
        "พะเยา/บ้านตุ่น:cases",
        "พะเยา/บ้านตุ่น:visits:2026-11",
        "เลย:cases",
        "เลย/นาด้วง:overdue",
        "เลย/นาด้วง:level:low",
    ];
    let found: String = marks
        .iter()
        .map(|m| format!("{m} = {}\n", marked(&html, m)))
        .collect();
    expect![[r#"
        all:cases = 3
        all:status:open = 2
        all:status:referred = 1
        all:status:closed = 0
        all:overdue = 2
        all:level:high = 0
        all:level:medium = 2
        all:level:low = 1
        all:risk:neglect = 2
        all:risk:neglect:medium = 2
        all:risk:violence:medium = 1
        all:risk:dropout:low = 1
        all:visits:2026-11 = 5
        all:referral:pmj:helped = 1
        พะเยา:cases = 2
        พะเยา:overdue = 1
        พะเยา/บ้านตุ่น:cases = 2
        พะเยา/บ้านตุ่น:visits:2026-11 = 4
        เลย:cases = 1
        เลย/นาด้วง:overdue = 1
        เลย/นาด้วง:level:low = 1
    "#]]
    .assert_eq(&found);

    // A child's name is shown as written, never as markup, and the page
    // needs nothing from the network.
    assert!(html.contains("ด.ช. ต้นกล้า &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script"));
    assert!(!html.contains("http://") && !html.contains("https://"));
}

#[test]
fn the_report_refuses_a_folder_without_cases_and_a_bad_date() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let text = common::run(dir.path(), &["report", "out", "-o", "r.html"], 2);
    let text2 = common::run(
        dir.path(),
        &["report", "out", "-o", "r.html", "--date", "25/11/2026"],
        2,
    );
    expect![[r#"
        stderr: yim: out/cases.csv: expected the cases.csv that `yim decrypt` writes for forms with cases, but found no such file
        stderr: yim: expected --date as YYYY-MM-DD, such as 2026-12-06, but found `25/11/2026`
    "#]]
    .assert_eq(&(text + &text2));
    assert!(!dir.path().join("r.html").exists());
}
