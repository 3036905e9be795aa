//! RFC 3339 timestamps: checked when a response is sealed or a bundle is
//! built, and compared when two copies of a response disagree.
//!
//! The documents keep the text exactly as the app wrote it (the browser's
//! `Date.prototype.toISOString()`, such as `2026-11-23T09:15:00.000Z`), so
//! this module only parses and compares; it never rewrites a stored time.

use std::cmp::Ordering;
use std::fmt;

use yim_expr::calendar::{civil_from_days, days_from_civil, days_in_month};

use crate::error::Error;

/// A point in time read from an RFC 3339 timestamp such as
/// `2026-11-23T16:15:00+07:00`, ordered by the instant it names (so
/// `09:15:00Z` and `16:15:00+07:00` are equal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Timestamp {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    nanos: i128,
}

impl Timestamp {
    /// Reads an RFC 3339 timestamp: `YYYY-MM-DDTHH:MM:SS`, an optional
    /// fraction of a second, and `Z` or an offset `+HH:MM` / `-HH:MM`.
    pub fn parse(text: &str) -> Result<Timestamp, Error> {
        parse(text).ok_or_else(|| {
            Error::invalid(format!(
                "expected a timestamp such as 2026-11-23T09:15:00Z, but found `{text}`"
            ))
        })
    }

    /// The instant `unix_ms` milliseconds after 1970-01-01T00:00:00Z.
    pub fn from_unix_ms(unix_ms: i64) -> Timestamp {
        Timestamp {
            nanos: i128::from(unix_ms) * 1_000_000,
        }
    }

    /// Milliseconds since 1970-01-01T00:00:00Z, rounded down.
    pub fn unix_ms(&self) -> i64 {
        self.nanos.div_euclid(1_000_000) as i64
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Timestamp) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Timestamp) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Prints the instant in UTC, as `2026-11-23T09:15:00Z`, with milliseconds
/// only when there are some (`2026-11-23T09:15:00.250Z`). This is the form
/// `age-keygen` writes on its `# created:` line.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.unix_ms();
        let (days, ms_of_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
        let (y, m, d) = civil_from_days(days);
        let secs = ms_of_day / 1000;
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )?;
        if ms_of_day % 1000 != 0 {
            write!(f, ".{:03}", ms_of_day % 1000)?;
        }
        f.write_str("Z")
    }
}

fn parse(text: &str) -> Option<Timestamp> {
    let b = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        if digits.iter().all(u8::is_ascii_digit) {
            Some(digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
        } else {
            None
        }
    };
    let sep = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    // The year has four digits and the month is checked first, so both fit
    // the calendar's types.
    if !(1..=12).contains(&month)
        || day < 1
        || day > i64::from(days_in_month(year as i32, month as u32))
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut i = 19;
    let mut frac_nanos: i128 = 0;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        let mut end = start;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == start || end - start > 9 {
            return None;
        }
        let digits = i128::from(num(start..end)?);
        frac_nanos = digits * 10i128.pow((9 - (end - start)) as u32);
        i = end;
    }
    let offset_minutes = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && sep(i + 3, b":") => {
            let (h, m) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            if *sign == b'+' {
                h * 60 + m
            } else {
                -(h * 60 + m)
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month as u32, day as u32);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(Timestamp {
        nanos: i128::from(secs) * 1_000_000_000 + frac_nanos,
    })
}

#[cfg(test)]
mod tests {
    use super::Timestamp;

    fn check(text: &str, expected: Option<&str>) {
        let got = Timestamp::parse(text).ok().map(|t| t.to_string());
        assert_eq!(got.as_deref(), expected, "parsing {text:?}");
    }

    #[test]
    fn timestamps() {
        check("2026-11-23T09:15:00Z", Some("2026-11-23T09:15:00Z"));
        check("2026-11-23T09:15:00.000Z", Some("2026-11-23T09:15:00Z"));
        check("2026-11-23T09:15:00.25Z", Some("2026-11-23T09:15:00.250Z"));
        check("2026-11-23T16:15:00+07:00", Some("2026-11-23T09:15:00Z"));
        check("2026-01-01T01:00:00+07:00", Some("2025-12-31T18:00:00Z"));
        check("2024-02-29T00:00:00Z", Some("2024-02-29T00:00:00Z"));
        check("1969-12-31T23:59:59.999Z", Some("1969-12-31T23:59:59.999Z"));
        check("2025-02-29T00:00:00Z", None);
        check("2026-11-23 09:15:00Z", None);
        check("2026-11-23T09:15:00", None);
        check("2026-11-23T24:00:00Z", None);
        check("2026-11-23T09:15:00.Z", None);
        check("2026-11-23T09:15:00+0700", None);
        check("", None);
        assert_eq!(
            Timestamp::from_unix_ms(0).to_string(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            Timestamp::from_unix_ms(1_795_424_100_000).to_string(),
            "2026-11-23T08:55:00Z"
        );
        let a = Timestamp::parse("2026-11-23T09:15:00.000000001Z").unwrap();
        let b = Timestamp::parse("2026-11-23T16:15:00+07:00").unwrap();
        assert!(a > b);
        assert_eq!(b.unix_ms(), 1_795_425_300_000);
    }
}
