//! `yim report`: one self-contained HTML page that summarises the cases of
//! a decrypted folder, for the tambon and province working groups.
//!
//! The page is read where there may be no network and no time to learn a
//! tool: it holds its style inline, draws its charts as inline SVG made
//! here, needs no script and no font of its own (Thai is shown with the
//! system's fonts), and gives every figure as a number next to its bar.
//!
//! **Input.** The folder `yim decrypt` wrote as CSV: `cases.csv` (each
//! case's latest state) and every table of responses with a `case_id`
//! column (the visits). A figure is read from the columns [`FIELDS`] names
//! for it: first the case's own properties, then the case's latest visit
//! that answered it, so that a figure the forms do not save in the case
//! (the risk types, say) still counts.
//!
//! **Bounds.** At most [`MAX_CASES`] cases, and cells of at most
//! [`MAX_CELL_BYTES`] each; a folder beyond them is refused, not cut.
//! Memory holds, per case, only the few figures the report shows.
//!
//! Every text from the data reaches the page through `html_escape`, so a
//! child's name that holds markup is shown as written, never run.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};

use crate::Error;

/// At most this many cases in one report.
pub const MAX_CASES: usize = 1_000_000;

/// At most this many bytes in one cell of a table read.
pub const MAX_CELL_BYTES: usize = yim_form::case::MAX_VALUE_BYTES;

/// A figure of the report, read from one of several columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fact {
    /// The province the child lives in.
    Province,
    /// The district (อำเภอ).
    District,
    /// The sub-district (ตำบล).
    Tambon,
    /// The risks found, as space-separated choice names.
    RiskTypes,
    /// The overall risk level: low, medium or high.
    RiskLevel,
    /// The date of the next visit, `YYYY-MM-DD`.
    NextVisit,
    /// The case's status: open, referred or closed.
    Status,
    /// The agency the child was referred to.
    ReferralAgency,
    /// The referral's status, where a form asks for one.
    ReferralStatus,
    /// What the agency reported back, in the volunteer's words: a
    /// referral without a status is "reported back" when it has some.
    ReferralFeedback,
}

/// Which columns each figure is read from, tried in order: the names the
/// national forms give their questions and case properties. A form that
/// names them otherwise is reported by adding its names here.
pub const FIELDS: [(Fact, &[&str]); 10] = [
    (Fact::Province, &["province"]),
    (Fact::District, &["district"]),
    (Fact::Tambon, &["tambon", "subdistrict"]),
    (Fact::RiskTypes, &["risks", "risk_types"]),
    (Fact::RiskLevel, &["risk_level"]),
    (Fact::NextVisit, &["next_visit"]),
    (Fact::Status, &["status", "case_status"]),
    (Fact::ReferralAgency, &["referral_agency", "lead_agency"]),
    (Fact::ReferralStatus, &["referral_status"]),
    (Fact::ReferralFeedback, &["referral_feedback"]),
];

/// At most this many overdue children are named in one area's list, the
/// longest overdue first: a longer list is not read, and the page would
/// grow with every case of a province.
pub const MAX_OVERDUE_ROWS: usize = 100;

/// The column a visit's date is read from; without it, the visit's
/// `Updated` time in Thailand.
const VISIT_DATE: &str = "visit_date";

/// The areas a report can be divided by, in the order of `--by`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    /// One section per province.
    Province,
    /// One section per district.
    District,
    /// One section per sub-district.
    Tambon,
}

impl Area {
    /// Reads an area from its name in `--by`.
    pub fn parse(name: &str) -> Option<Area> {
        match name {
            "province" => Some(Area::Province),
            "district" => Some(Area::District),
            "tambon" => Some(Area::Tambon),
            _ => None,
        }
    }

    fn fact(self) -> Fact {
        match self {
            Area::Province => Fact::Province,
            Area::District => Fact::District,
            Area::Tambon => Fact::Tambon,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Area::Province => "จังหวัด",
            Area::District => "อำเภอ",
            Area::Tambon => "ตำบล",
        }
    }
}

/// What to report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportOptions {
    /// The day the report is made for: a follow-up whose date is before it
    /// is overdue.
    pub date: NaiveDate,
    /// The areas to divide the report by, outermost first; empty for the
    /// whole folder only.
    pub by: Vec<Area>,
}

/// A report: the page, and a line each for the person who made it.
#[derive(Debug)]
pub struct Report {
    /// The HTML page.
    pub html: String,
    /// What was read, a line each.
    pub summary: Vec<String>,
}

/// What the report keeps of one case.
#[derive(Debug, Default)]
struct CaseFacts {
    label: String,
    facts: BTreeMap<Fact, String>,
    /// Figures from the latest visit that answered each, with its time.
    from_visits: BTreeMap<Fact, (i64, String)>,
    /// Visits per month, `YYYY-MM`.
    months: BTreeMap<String, usize>,
}

impl CaseFacts {
    fn get(&self, fact: Fact) -> &str {
        self.facts
            .get(&fact)
            .or_else(|| self.from_visits.get(&fact).map(|(_, v)| v))
            .map_or("", String::as_str)
    }
}

/// Reads the decrypted folder `dir` and makes the report.
pub fn report(dir: &Path, options: &ReportOptions) -> Result<Report, Error> {
    let cases_path = dir.join(format!("{}.csv", crate::cases::FILE));
    if !cases_path.is_file() {
        return Err(Error::new(format!(
            "{}: expected the cases.csv that `yim decrypt` writes for forms with cases, but found no such file",
            cases_path.display()
        )));
    }
    let mut cases: BTreeMap<String, CaseFacts> = BTreeMap::new();
    read_csv(&cases_path, |columns, row| {
        let id = cell(row, &columns.case_id).to_string();
        if id.is_empty() {
            return Ok(());
        }
        if cases.len() >= MAX_CASES {
            return Err(format!(
                "expected at most {MAX_CASES} cases, but found more"
            ));
        }
        let mut case = CaseFacts {
            label: cell(row, &columns.label).to_string(),
            ..CaseFacts::default()
        };
        for (fact, at) in &columns.facts {
            let v = cell(row, at);
            if !v.is_empty() {
                case.facts.insert(*fact, v.to_string());
            }
        }
        cases.insert(id, case);
        Ok(())
    })?;

    // Every other table with a case id holds visits.
    let mut tables: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::new(format!("{}: {}", dir.display(), crate::io_message(&e))))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv") && *p != cases_path)
        .collect();
    tables.sort();
    let (mut visits, mut unknown) = (0usize, 0usize);
    for path in &tables {
        read_csv(path, |columns, row| {
            let id = cell(row, &columns.case_id);
            if id.is_empty() {
                return Ok(());
            }
            let Some(case) = cases.get_mut(id) else {
                unknown += 1;
                return Ok(());
            };
            visits += 1;
            let updated = chrono::DateTime::parse_from_rfc3339(cell(row, &columns.updated))
                .ok()
                .map(|t| t.with_timezone(&thailand()));
            let day = NaiveDate::parse_from_str(cell(row, &columns.visit_date), "%Y-%m-%d")
                .ok()
                .or(updated.map(|t| t.date_naive()));
            if let Some(day) = day {
                *case
                    .months
                    .entry(format!("{:04}-{:02}", day.year(), day.month()))
                    .or_default() += 1;
            }
            let at = updated.map_or(i64::MIN, |t| t.timestamp_millis());
            for (fact, places) in &columns.facts {
                let v = cell(row, places);
                if v.is_empty() {
                    continue;
                }
                let e = case
                    .from_visits
                    .entry(*fact)
                    .or_insert((i64::MIN, String::new()));
                if at >= e.0 {
                    *e = (at, v.to_string());
                }
            }
            Ok(())
        })?;
    }

    let mut summary = vec![format!(
        "read {} and {} from {}",
        crate::count(cases.len(), "case"),
        crate::count(visits, "visit"),
        crate::count(tables.len() + 1, "table")
    )];
    if unknown > 0 {
        summary.push(format!(
            "{} name a case that cases.csv does not hold; they are left out",
            crate::count(unknown, "visit")
        ));
    }
    Ok(Report {
        html: page(&cases, options),
        summary,
    })
}

fn thailand() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// Where the columns the report reads lie in one table, found once from
/// its header: each is a list of places, tried in order.
struct Columns {
    case_id: Vec<usize>,
    label: Vec<usize>,
    updated: Vec<usize>,
    visit_date: Vec<usize>,
    facts: Vec<(Fact, Vec<usize>)>,
}

impl Columns {
    fn new(header: &[String]) -> Columns {
        let find = |names: &[&str]| -> Vec<usize> {
            names
                .iter()
                .filter_map(|n| header.iter().position(|h| h == n))
                .collect()
        };
        Columns {
            case_id: find(&[crate::CASE_KEY]),
            label: find(&["label"]),
            updated: find(&["Updated"]),
            visit_date: find(&[VISIT_DATE]),
            facts: FIELDS.iter().map(|(f, names)| (*f, find(names))).collect(),
        }
    }
}

/// The first non-empty cell among the places `at`.
fn cell<'a>(row: &'a csv::StringRecord, at: &[usize]) -> &'a str {
    at.iter()
        .filter_map(|&i| row.get(i))
        .map(str::trim)
        .find(|v| !v.is_empty())
        .unwrap_or("")
}

/// Reads a CSV table row by row, with where its columns lie (its header
/// read with a byte order mark removed). A table without a `case_id`
/// column (a repeat's, a form without cases) is not read further. Says
/// which file and line when a row cannot be read or a cell is too long.
fn read_csv(
    path: &Path,
    mut each: impl FnMut(&Columns, &csv::StringRecord) -> Result<(), String>,
) -> Result<(), Error> {
    let failed = |m: String| Error::new(format!("{}: {m}", path.display()));
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| failed(e.to_string()))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| failed(e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let columns = Columns::new(&header);
    if columns.case_id.is_empty() {
        return Ok(());
    }
    let mut row = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut row) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => return Err(failed(e.to_string())),
        }
        let line = row.position().map_or(0, |p| p.line());
        if row.iter().any(|c| c.len() > MAX_CELL_BYTES) {
            return Err(failed(format!(
                "line {line}: expected cells of at most {MAX_CELL_BYTES} bytes, but found a longer one"
            )));
        }
        each(&columns, &row).map_err(|m| failed(format!("line {line}: {m}")))?;
    }
}

/// Thai words for the values the case format reserves; other values are
/// shown as the folder holds them (choice labels when decrypted with
/// `--labels`).
fn shown(value: &str) -> &str {
    match value {
        "" => "ไม่ระบุ",
        "low" => "ต่ำ",
        "medium" => "ปานกลาง",
        "high" => "สูง",
        "open" => "ติดตามอยู่",
        "referred" => "ส่งต่อแล้ว",
        "closed" => "ปิดแล้ว",
        "waiting" => "รอผล",
        "reported" => "หน่วยงานแจ้งผลแล้ว",
        other => other,
    }
}

/// A referral's status: the one a form asks for, else whether the agency
/// has reported back (the national forms record what it said).
fn referral_status(case: &CaseFacts) -> &str {
    match (
        case.get(Fact::ReferralStatus),
        case.get(Fact::ReferralFeedback),
    ) {
        ("", "") => "waiting",
        ("", _) => "reported",
        (status, _) => status,
    }
}

const LEVELS: [&str; 4] = ["high", "medium", "low", ""];
const STATUSES: [&str; 3] = ["open", "referred", "closed"];

const STYLE: &str = "
body{font-family:system-ui,'Noto Sans Thai','Leelawadee UI','Tahoma',sans-serif;margin:0;padding:12px;color:#1d2433;background:#fff;line-height:1.5}
h1{font-size:1.4rem;margin:0 0 4px}h2{font-size:1.2rem;border-bottom:2px solid #2a6f97;padding-bottom:4px;margin-top:28px}
h3{font-size:1rem;margin:18px 0 6px}.en{color:#5b6475;font-weight:normal;font-size:.85em}
.tiles{display:flex;flex-wrap:wrap;gap:8px}.tile{border:1px solid #cfd6e0;border-radius:8px;padding:6px 10px;min-width:7rem}
.tile b{display:block;font-size:1.5rem}.overdue b{color:#b42318}
table{border-collapse:collapse;width:100%;max-width:48rem}th,td{padding:3px 6px;text-align:left;vertical-align:middle;border-bottom:1px solid #e4e8ee}
td.n{text-align:right;font-variant-numeric:tabular-nums;width:3.5rem}td.bar{width:45%}
td.bar svg{display:block;width:100%;height:14px}.wide{overflow-x:auto}
svg.months{display:block;max-width:100%;height:auto}
@media print{body{padding:0}h2{break-before:page}}
";

fn page(cases: &BTreeMap<String, CaseFacts>, options: &ReportOptions) -> String {
    let mut h = String::new();
    let date = options.date;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"th\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>รายงานการติดตามเด็ก {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>รายงานการติดตามเด็ก <span class=\"en\">Child follow-up report</span></h1>\n\
         <p>ณ วันที่ <time datetime=\"{date}\">{}</time> · เด็ก <span data-count=\"all:cases\">{}</span> คน</p>\n",
        esc(&thai_date(date)),
        esc(&thai_date(date)),
        cases.len()
    );
    let all: Vec<&CaseFacts> = cases.values().collect();
    section(&mut h, "all", "ทุกพื้นที่", "All areas", &all, date);

    // One section per area, outermost first: a province, then its tambons.
    for depth in 1..=options.by.len() {
        let levels = &options.by[..depth];
        let mut groups: BTreeMap<Vec<&str>, Vec<&CaseFacts>> = BTreeMap::new();
        for case in cases.values() {
            let key = levels.iter().map(|a| case.get(a.fact())).collect();
            groups.entry(key).or_default().push(case);
        }
        for (key, members) in groups {
            let title = levels
                .iter()
                .zip(&key)
                .map(|(a, v)| format!("{}{}", a.name(), shown(v)))
                .collect::<Vec<_>>()
                .join(" · ");
            let id = key.iter().map(|v| shown(v)).collect::<Vec<_>>().join("/");
            section(&mut h, &id, &title, "", &members, date);
        }
    }
    h.push_str("</body>\n</html>\n");
    h
}

fn thai_date(d: NaiveDate) -> String {
    format!(
        "{} {} {}",
        d.day(),
        yim_expr::thai::MONTHS[d.month0() as usize],
        d.year() + yim_expr::thai::BUDDHIST_ERA_OFFSET
    )
}

/// One area's figures. `id` marks every count (`data-count="ID:what"`),
/// so that a reader (or a test) can find each one.
fn section(h: &mut String, id: &str, title: &str, en: &str, cases: &[&CaseFacts], date: NaiveDate) {
    let mark = |what: &str| attr(&format!("{id}:{what}")).into_owned();
    let _ = writeln!(h, "<section data-area=\"{}\">", attr(id));
    let _ = write!(h, "<h2>{}", esc(title));
    if !en.is_empty() {
        let _ = write!(h, " <span class=\"en\">{}</span>", esc(en));
    }
    h.push_str("</h2>\n");

    let overdue: Vec<(&CaseFacts, NaiveDate)> = {
        let mut o: Vec<_> = cases
            .iter()
            .filter(|c| c.get(Fact::Status) != "closed")
            .filter_map(|c| {
                NaiveDate::parse_from_str(c.get(Fact::NextVisit), "%Y-%m-%d")
                    .ok()
                    .filter(|d| *d < date)
                    .map(|d| (*c, d))
            })
            .collect();
        o.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.label.cmp(&b.0.label)));
        o
    };
    let by_status = |s: &str| cases.iter().filter(|c| c.get(Fact::Status) == s).count();
    h.push_str("<div class=\"tiles\">\n");
    let mut tile = |class: &str, label: &str, what: &str, n: usize| {
        let _ = writeln!(
            h,
            "<div class=\"tile {class}\">{}<b data-count=\"{}\">{n}</b></div>",
            esc(label),
            mark(what)
        );
    };
    tile("", "เด็กทั้งหมด", "cases", cases.len());
    for s in STATUSES {
        tile("", shown(s), &format!("status:{s}"), by_status(s));
    }
    tile("overdue", "เลยกำหนดเยี่ยม", "overdue", overdue.len());
    h.push_str("</div>\n");

    // Children by risk level, then by risk type and level.
    h.push_str("<h3>เด็กตามระดับความเสี่ยง <span class=\"en\">Children by risk level</span></h3>\n");
    let rows: Vec<(String, usize, String)> = LEVELS
        .iter()
        .map(|l| {
            let n = cases
                .iter()
                .filter(|c| c.get(Fact::RiskLevel) == *l)
                .count();
            (shown(l).to_string(), n, mark(&format!("level:{l}")))
        })
        .collect();
    bars(h, &rows);

    h.push_str(
        "<h3>เด็กตามประเภทความเสี่ยง <span class=\"en\">Children by risk type and level</span></h3>\n",
    );
    let mut types: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for c in cases {
        let level = LEVELS
            .iter()
            .position(|l| *l == c.get(Fact::RiskLevel))
            .unwrap_or(3);
        let risks: BTreeSet<&str> = c.get(Fact::RiskTypes).split_whitespace().collect();
        for r in risks {
            types.entry(r).or_default()[level] += 1;
        }
    }
    if types.is_empty() {
        h.push_str("<p>ไม่มีข้อมูลความเสี่ยง</p>\n");
    } else {
        h.push_str("<div class=\"wide\"><table>\n<tr><th>ประเภท</th><th></th>");
        for l in LEVELS {
            let _ = write!(h, "<th>{}</th>", esc(shown(l)));
        }
        h.push_str("<th>รวม</th></tr>\n");
        let most = types.values().map(|v| v.iter().sum()).max().unwrap_or(0);
        for (risk, counts) in &types {
            let total: usize = counts.iter().sum();
            let _ = write!(
                h,
                "<tr><th scope=\"row\">{}</th><td class=\"bar\">",
                esc(risk)
            );
            stacked_bar(h, counts, most);
            h.push_str("</td>");
            for (l, n) in LEVELS.iter().zip(counts) {
                let _ = write!(
                    h,
                    "<td class=\"n\" data-count=\"{}\">{n}</td>",
                    mark(&format!("risk:{risk}:{l}"))
                );
            }
            let _ = writeln!(
                h,
                "<td class=\"n\" data-count=\"{}\">{total}</td></tr>",
                mark(&format!("risk:{risk}"))
            );
        }
        h.push_str("</table></div>\n");
    }

    // Visits per month.
    h.push_str("<h3>การเยี่ยมรายเดือน <span class=\"en\">Visits per month</span></h3>\n");
    let mut months: BTreeMap<&str, usize> = BTreeMap::new();
    for c in cases {
        for (m, n) in &c.months {
            *months.entry(m).or_default() += n;
        }
    }
    if months.is_empty() {
        h.push_str("<p>ยังไม่มีการเยี่ยม</p>\n");
    } else {
        month_chart(h, &months, &mark);
    }

    // Overdue follow-ups.
    h.push_str("<h3>เลยกำหนดเยี่ยม <span class=\"en\">Overdue follow-ups</span></h3>\n");
    if overdue.is_empty() {
        h.push_str("<p>ไม่มีเด็กที่เลยกำหนดเยี่ยม</p>\n");
    } else {
        if overdue.len() > MAX_OVERDUE_ROWS {
            let _ = writeln!(
                h,
                "<p>{MAX_OVERDUE_ROWS} คนที่เลยกำหนดนานที่สุด จาก {} คน (รายชื่อทั้งหมดอยู่ใน cases.csv)</p>",
                overdue.len()
            );
        }
        h.push_str("<div class=\"wide\"><table>\n<tr><th>เด็ก</th><th>นัดเยี่ยม</th><th>เลยมา (วัน)</th><th>ความเสี่ยง</th><th>สถานะ</th></tr>\n");
        for (c, d) in overdue.iter().take(MAX_OVERDUE_ROWS) {
            let _ = writeln!(
                h,
                "<tr data-overdue=\"{}\"><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
                attr(&c.label),
                esc(&c.label),
                esc(&thai_date(*d)),
                (date - *d).num_days(),
                esc(shown(c.get(Fact::RiskLevel))),
                esc(shown(c.get(Fact::Status)))
            );
        }
        h.push_str("</table></div>\n");
    }

    // Referrals by agency and what the agency reported.
    h.push_str("<h3>การส่งต่อตามหน่วยงานและผล <span class=\"en\">Referrals by agency and status</span></h3>\n");
    let mut referrals: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for c in cases {
        let agency = c.get(Fact::ReferralAgency);
        if !agency.is_empty() {
            *referrals
                .entry(agency)
                .or_default()
                .entry(referral_status(c))
                .or_default() += 1;
        }
    }
    if referrals.is_empty() {
        h.push_str("<p>ยังไม่มีการส่งต่อ</p>\n");
    } else {
        let rows: Vec<(String, usize, String)> = referrals
            .iter()
            .flat_map(|(agency, statuses)| {
                statuses.iter().map(move |(s, n)| {
                    (
                        format!("{} · {}", agency, shown(s)),
                        *n,
                        mark(&format!("referral:{agency}:{s}")),
                    )
                })
            })
            .collect();
        bars(h, &rows);
    }
    h.push_str("</section>\n");
}

const COLOURS: [&str; 4] = ["#b42318", "#dc8a00", "#2a6f97", "#98a2b3"];

/// A table of labelled bars, each with its count; `rows` are (label,
/// count, mark).
fn bars(h: &mut String, rows: &[(String, usize, String)]) {
    let most = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    h.push_str("<table>\n");
    for (label, n, mark) in rows {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td class=\"bar\"><svg viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\"><rect width=\"{:.1}\" height=\"10\" fill=\"#2a6f97\"/></svg></td><td class=\"n\" data-count=\"{mark}\">{n}</td></tr>",
            esc(label),
            100.0 * *n as f64 / most as f64
        );
    }
    h.push_str("</table>\n");
}

/// One bar split by risk level, high first.
fn stacked_bar(h: &mut String, counts: &[usize; 4], most: usize) {
    h.push_str("<svg viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\">");
    let mut x = 0.0;
    for (n, colour) in counts.iter().zip(COLOURS) {
        let w = 100.0 * *n as f64 / most.max(1) as f64;
        if w > 0.0 {
            let _ = write!(
                h,
                "<rect x=\"{x:.1}\" width=\"{w:.1}\" height=\"10\" fill=\"{colour}\"/>"
            );
        }
        x += w;
    }
    h.push_str("</svg>");
}

/// A column per month, its count above it and the month under it, in Thai
/// (`พ.ย. 69`).
fn month_chart(h: &mut String, months: &BTreeMap<&str, usize>, mark: &dyn Fn(&str) -> String) {
    const COL: usize = 44;
    const HIGH: f64 = 100.0;
    let most = months.values().copied().max().unwrap_or(1).max(1);
    let width = COL * months.len();
    let _ = write!(
        h,
        "<svg class=\"months\" width=\"{width}\" viewBox=\"0 0 {width} 150\" role=\"img\" aria-label=\"การเยี่ยมรายเดือน\">"
    );
    for (i, (month, n)) in months.iter().enumerate() {
        let height = HIGH * *n as f64 / most as f64;
        let x = i * COL;
        let top = 20.0 + HIGH - height;
        let _ = write!(
            h,
            "<rect x=\"{}\" y=\"{top:.1}\" width=\"{}\" height=\"{height:.1}\" fill=\"#2a6f97\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\">{n}</text>\
             <text x=\"{}\" y=\"140\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            x + 6,
            COL - 12,
            x + COL / 2,
            top - 4.0,
            x + COL / 2,
            esc(&short_month(month))
        );
    }
    h.push_str("</svg>\n<table>\n");
    for (month, n) in months {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td class=\"n\" data-count=\"{}\">{n}</td></tr>",
            esc(&short_month(month)),
            mark(&format!("visits:{month}"))
        );
    }
    h.push_str("</table>\n");
}

/// `2026-11` as `พ.ย. 69`.
fn short_month(month: &str) -> String {
    let parsed = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d");
    match parsed {
        Ok(d) => format!(
            "{} {:02}",
            yim_expr::thai::MONTHS_SHORT[d.month0() as usize],
            (d.year() + yim_expr::thai::BUDDHIST_ERA_OFFSET) % 100
        ),
        Err(_) => month.to_string(),
    }
}
