//! `yim report`: the data office's summary page. The work is
//! `yim_office::report`'s: this reads the date and the areas from the
//! arguments and the clock, and writes the page.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, FixedOffset, NaiveDate};
use yim_office::{Area, ReportOptions};

use crate::{printable, Fatal};

/// Runs `yim report`. Always true: a report has nothing to be incomplete
/// about beyond what its summary says.
pub(crate) fn report(
    folder: &str,
    output: &str,
    date: Option<&str>,
    by: Option<&str>,
) -> Result<bool, Fatal> {
    let date = match date {
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            Fatal(format!(
                "expected --date as YYYY-MM-DD, such as 2026-12-06, but found `{text}`"
            ))
        })?,
        None => today_in_thailand()?,
    };
    let by = match by {
        None => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|name| {
                Area::parse(name.trim()).ok_or_else(|| {
                    Fatal(format!(
                        "expected --by to name province, district or tambon, but found `{name}`"
                    ))
                })
            })
            .collect::<Result<_, _>>()?,
    };
    let report = yim_office::report(Path::new(folder), &ReportOptions { date, by })
        .map_err(|e| Fatal(e.to_string()))?;
    std::fs::write(output, &report.html).map_err(|e| Fatal(format!("{output}: {e}")))?;
    for line in report.summary {
        println!("{}", printable(&line));
    }
    println!("wrote {output}");
    Ok(true)
}

/// The day it is in Thailand (UTC+7 all year), where the working groups
/// read the report.
fn today_in_thailand() -> Result<NaiveDate, Fatal> {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| Fatal("the system clock is before 1970".to_owned()))?
        .as_secs();
    let thailand = FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
    DateTime::from_timestamp(i64::try_from(seconds).unwrap_or(i64::MAX), 0)
        .map(|t| t.with_timezone(&thailand).date_naive())
        .ok_or_else(|| Fatal("the system clock is out of range".to_owned()))
}
