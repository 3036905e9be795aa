//! Calendar arithmetic, ISO 8601 parsing and printing, and `format-date`.
//!
//! The conversions use the proleptic Gregorian calendar through the
//! days-from-civil algorithm (counting 400-year eras of 146097 days), so no
//! date library and no time zone database are needed. Time zones are reduced
//! to fixed UTC offsets, which is all ODK stores.

use std::fmt;

const MS_PER_DAY: i64 = 86_400_000;

/// Dates beyond this many days from 1970 (about 270,000 years) are rejected,
/// so every conversion stays far away from integer overflow.
const MAX_DAYS: i64 = 100_000_000;

/// A calendar date, stored as the number of days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i32,
}

/// A time of day with an optional UTC offset, as ODK `time` answers are
/// stored (`14:30:00.000+07:00`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Time {
    ms: u32,
    offset: Option<i16>,
}

/// An instant with the UTC offset it was observed in: milliseconds since
/// 1970-01-01T00:00:00Z plus the offset in minutes used to show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    ms: i64,
    offset: i16,
}

impl Date {
    /// The date `days` days after 1970-01-01 (negative for earlier dates).
    pub fn from_days(days: i32) -> Date {
        Date { days }
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i32 {
        self.days
    }

    /// The date with the given year, month (1-12) and day (1-31), or `None`
    /// when it does not exist, such as 2023-02-29.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        let days = days_from_civil(i64::from(year), month, day);
        Date::checked(days)
    }

    pub(crate) fn checked(days: i64) -> Option<Date> {
        if days.abs() > MAX_DAYS {
            return None;
        }
        Some(Date { days: days as i32 })
    }

    /// The year, month (1-12) and day (1-31).
    pub fn ymd(self) -> (i32, u32, u32) {
        let (y, m, d) = civil_from_days(i64::from(self.days));
        (y as i32, m, d)
    }

    /// Day of the week, 0 for Sunday to 6 for Saturday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday.
        (i64::from(self.days) + 4).rem_euclid(7) as u32
    }

    /// Parses an ISO 8601 calendar date, `YYYY-MM-DD`.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let mut c = Cursor::new(s.trim());
        let date = c.date()?;
        c.end()?;
        Some(date)
    }

    /// Parses a date as people in Thailand type it, with ASCII or Thai
    /// digits:
    ///
    /// - ISO 8601, `2025-03-05` (the year is always the common era here, as
    ///   the browser's date picker writes it);
    /// - day, month name and year: `5 มีนาคม 2568`, `5 มี.ค. 2568`,
    ///   `๕ มี.ค. ๒๕๖๘`, `5 มีนาคม พ.ศ. 2568`, `5 March 2025`;
    /// - day, month and year as numbers: `5/3/2568`, `05-03-2025`,
    ///   `5.3.2568`.
    ///
    /// The year has four digits. It is a Buddhist-era year when it says so
    /// (`พ.ศ.`) or when it is 2400 or later, and a common-era year when it
    /// says so (`ค.ศ.`) or is earlier: B.E. 2400 is 1857 CE, so the two
    /// never meet for the birth dates and visits a form asks about.
    ///
    /// ```
    /// use yim_expr::Date;
    /// let d = Date::parse_written("5 มี.ค. ๒๕๖๘").unwrap();
    /// assert_eq!(d.to_string(), "2025-03-05");
    /// ```
    pub fn parse_written(s: &str) -> Option<Date> {
        let folded = crate::thai::to_ascii_digits(s.trim());
        let s = folded.trim();
        if let Some(date) = Date::parse_iso(s) {
            return Some(date);
        }
        // Split into the leading day, the words in the middle and the
        // trailing year.
        let day_end = s.find(|c: char| !c.is_ascii_digit())?;
        let year_start = s
            .char_indices()
            .rev()
            .find(|(_, c)| !c.is_ascii_digit())
            .map(|(i, c)| i + c.len_utf8())?;
        if day_end == 0 || year_start <= day_end {
            return None;
        }
        let (day, middle, year) = (&s[..day_end], &s[day_end..year_start], &s[year_start..]);
        if day.len() > 2 || year.len() != 4 {
            return None;
        }
        let (day, year): (u32, i32) = (day.parse().ok()?, year.parse().ok()?);
        let (month, era) = written_month(middle)?;
        let be = match era {
            Era::Buddhist => true,
            Era::Common => false,
            Era::Unsaid => year >= 2400,
        };
        let year = if be {
            year - crate::thai::BUDDHIST_ERA_OFFSET
        } else {
            year
        };
        Date::from_ymd(year, month, day)
    }
}

/// What the text between a date's day and year says about the era.
enum Era {
    Buddhist,
    Common,
    Unsaid,
}

/// The month and era between the day and the year of a written date: a
/// month name with an optional era word (` มีนาคม พ.ศ. `), or a month
/// number between two matching separators (`/3/`).
fn written_month(middle: &str) -> Option<(u32, Era)> {
    for sep in ['/', '-', '.'] {
        if let Some(inner) = middle.strip_prefix(sep).and_then(|m| m.strip_suffix(sep)) {
            if (1..=2).contains(&inner.len()) && inner.bytes().all(|b| b.is_ascii_digit()) {
                return Some((inner.parse().ok()?, Era::Unsaid));
            }
            return None;
        }
    }
    let bare: String = middle
        .chars()
        .filter(|c| *c != '.' && *c != ',' && !c.is_whitespace())
        .collect();
    let (name, era) = if let Some(name) = bare.strip_suffix("พศ") {
        (name, Era::Buddhist)
    } else if let Some(name) = bare.strip_suffix("คศ") {
        (name, Era::Common)
    } else {
        (bare.as_str(), Era::Unsaid)
    };
    Some((crate::thai::month_from_name(name)?, era))
}

impl Time {
    /// A time `ms` milliseconds after midnight (taken modulo one day) with
    /// an optional UTC offset in minutes.
    pub fn from_ms_of_day(ms: u32, offset_minutes: Option<i16>) -> Time {
        Time {
            ms: ms % MS_PER_DAY as u32,
            offset: offset_minutes,
        }
    }

    /// Milliseconds since midnight.
    pub fn ms_of_day(self) -> u32 {
        self.ms
    }

    /// The UTC offset in minutes, when the answer carried one.
    pub fn offset_minutes(self) -> Option<i16> {
        self.offset
    }

    /// Parses an ISO 8601 time, `HH:MM`, `HH:MM:SS` or `HH:MM:SS.sss`,
    /// optionally followed by `Z` or an offset such as `+07:00`.
    pub fn parse_iso(s: &str) -> Option<Time> {
        let mut c = Cursor::new(s.trim());
        let ms = c.time()?;
        let offset = c.offset()?;
        c.end()?;
        Some(Time { ms, offset })
    }
}

impl DateTime {
    /// The instant `ms` milliseconds after the epoch, shown at a UTC offset
    /// of `offset_minutes`.
    pub fn from_ms(ms: i64, offset_minutes: i16) -> DateTime {
        let limit = MAX_DAYS * MS_PER_DAY;
        DateTime {
            ms: ms.clamp(-limit, limit),
            offset: offset_minutes,
        }
    }

    /// The instant at local midnight of `date` at the given offset.
    pub fn from_date(date: Date, offset_minutes: i16) -> DateTime {
        let local = i64::from(date.days) * MS_PER_DAY;
        DateTime::from_ms(local - i64::from(offset_minutes) * 60_000, offset_minutes)
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub fn ms(self) -> i64 {
        self.ms
    }

    /// The UTC offset in minutes.
    pub fn offset_minutes(self) -> i16 {
        self.offset
    }

    /// Milliseconds since 1970-01-01T00:00:00 in local time, that is with
    /// the offset applied.
    pub fn local_ms(self) -> i64 {
        self.ms + i64::from(self.offset) * 60_000
    }

    /// The local calendar date.
    pub fn date(self) -> Date {
        Date {
            days: self.local_ms().div_euclid(MS_PER_DAY) as i32,
        }
    }

    /// Milliseconds since local midnight.
    pub fn ms_of_day(self) -> u32 {
        self.local_ms().rem_euclid(MS_PER_DAY) as u32
    }

    /// Parses an ISO 8601 date and time such as `2024-05-01T14:30:00.000+07:00`.
    /// Without an offset the time is taken to be UTC.
    pub fn parse_iso(s: &str) -> Option<DateTime> {
        let mut c = Cursor::new(s.trim());
        let date = c.date()?;
        if !c.eat(b'T') && !c.eat(b' ') {
            return None;
        }
        let ms = c.time()?;
        let offset = c.offset()?.unwrap_or(0);
        c.end()?;
        let local = i64::from(date.days) * MS_PER_DAY + i64::from(ms);
        Some(DateTime::from_ms(
            local - i64::from(offset) * 60_000,
            offset,
        ))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write_year(f, y)?;
        write!(f, "-{m:02}-{d:02}")
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_time(f, self.ms)?;
        match self.offset {
            Some(offset) => write_offset(f, offset),
            None => Ok(()),
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T", self.date())?;
        write_time(f, self.ms_of_day())?;
        write_offset(f, self.offset)
    }
}

fn write_year(f: &mut fmt::Formatter<'_>, y: i32) -> fmt::Result {
    if y < 0 {
        write!(f, "-{:04}", -i64::from(y))
    } else {
        write!(f, "{y:04}")
    }
}

fn write_time(f: &mut fmt::Formatter<'_>, ms: u32) -> fmt::Result {
    let (h, min, s, milli) = split_ms(ms);
    write!(f, "{h:02}:{min:02}:{s:02}.{milli:03}")
}

fn write_offset(f: &mut fmt::Formatter<'_>, offset: i16) -> fmt::Result {
    let sign = if offset < 0 { '-' } else { '+' };
    let abs = offset.unsigned_abs();
    write!(f, "{sign}{:02}:{:02}", abs / 60, abs % 60)
}

fn split_ms(ms: u32) -> (u32, u32, u32, u32) {
    (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// Whether `year` of the proleptic Gregorian calendar has 29 February.
pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days in `month` (1-12) of `year`, or 0 for a month that
/// does not exist.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
///
/// Years are shifted to start in March so that the leap day is the last day
/// of the year; then a year has a closed-form day count and 400-year eras
/// repeat exactly.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]: the year, month (1-12) and day
/// (1-31) of the day `days` days after 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A byte cursor over an ISO 8601 string.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Cursor<'a> {
        Cursor {
            bytes: s.as_bytes(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn end(&self) -> Option<()> {
        (self.pos == self.bytes.len()).then_some(())
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut value = 0u32;
        for _ in 0..n {
            let b = self.peek().filter(u8::is_ascii_digit)?;
            value = value * 10 + u32::from(b - b'0');
            self.pos += 1;
        }
        Some(value)
    }

    fn date(&mut self) -> Option<Date> {
        let year = self.digits(4)?;
        if !self.eat(b'-') {
            return None;
        }
        let month = self.digits(2)?;
        if !self.eat(b'-') {
            return None;
        }
        let day = self.digits(2)?;
        Date::from_ymd(year as i32, month, day)
    }

    fn time(&mut self) -> Option<u32> {
        let h = self.digits(2)?;
        if !self.eat(b':') {
            return None;
        }
        let m = self.digits(2)?;
        let mut s = 0;
        let mut ms = 0;
        if self.eat(b':') {
            s = self.digits(2)?;
            if self.eat(b'.') {
                // Keep milliseconds; further digits are accepted and dropped.
                let start = self.pos;
                let mut scale = 100;
                while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
                    ms += u32::from(b - b'0') * scale;
                    scale /= 10;
                    self.pos += 1;
                }
                if self.pos == start {
                    return None;
                }
            }
        }
        // 24:00:00 is the end of a day in ISO 8601; ODK never writes it.
        if h > 23 || m > 59 || s > 59 {
            return None;
        }
        Some(((h * 60 + m) * 60 + s) * 1000 + ms)
    }

    /// `Z`, `+HH:MM`, `+HHMM`, `+HH` or nothing.
    fn offset(&mut self) -> Option<Option<i16>> {
        if self.eat(b'Z') {
            return Some(Some(0));
        }
        let sign = if self.eat(b'+') {
            1
        } else if self.eat(b'-') {
            -1
        } else {
            return Some(None);
        };
        let h = self.digits(2)?;
        let m = if self.eat(b':') || self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.digits(2)?
        } else {
            0
        };
        if h > 23 || m > 59 {
            return None;
        }
        Some(Some(sign * (h * 60 + m) as i16))
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// Formats a local date and time with ODK's `format-date` patterns, plus
/// Thai ones: `%B` (มีนาคม), `%Eb` (มี.ค.), `%A` (พุธ), `%EY` (the
/// Buddhist-era year, 2568) and `%Ey` (its last two digits, 68).
///
/// Unknown `%` patterns are copied as they are, which is what ODK Collect
/// does too.
pub(crate) fn format(pattern: &str, date: Date, ms_of_day: u32) -> String {
    use crate::thai;
    use std::fmt::Write;

    let (y, m, d) = date.ymd();
    let (h, min, s, milli) = split_ms(ms_of_day);
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // Writing to a String cannot fail, so the results are ignored.
        let _ = match chars.next() {
            // `%E` picks the Thai alternative of the next pattern, as the
            // th_TH locale of the C library does for the era.
            Some('E') => match chars.next() {
                Some('Y') => write!(out, "{}", y + thai::BUDDHIST_ERA_OFFSET),
                Some('y') => write!(
                    out,
                    "{:02}",
                    (y + thai::BUDDHIST_ERA_OFFSET).rem_euclid(100)
                ),
                Some('b') => write!(out, "{}", thai::MONTHS_SHORT[(m - 1) as usize]),
                Some(other) => write!(out, "%E{other}"),
                None => write!(out, "%E"),
            },
            Some('B') => write!(out, "{}", thai::MONTHS[(m - 1) as usize]),
            Some('A') => write!(out, "{}", thai::WEEKDAYS[date.weekday() as usize]),
            Some('Y') => write!(out, "{y:04}"),
            Some('y') => write!(out, "{:02}", y.rem_euclid(100)),
            Some('m') => write!(out, "{m:02}"),
            Some('n') => write!(out, "{m}"),
            Some('b') => write!(out, "{}", MONTHS[(m - 1) as usize]),
            Some('d') => write!(out, "{d:02}"),
            Some('e') => write!(out, "{d}"),
            Some('a') => write!(out, "{}", WEEKDAYS[date.weekday() as usize]),
            Some('H') => write!(out, "{h:02}"),
            Some('h') => write!(out, "{h}"),
            Some('M') => write!(out, "{min:02}"),
            Some('S') => write!(out, "{s:02}"),
            Some('3') => write!(out, "{milli:03}"),
            Some('%') => write!(out, "%"),
            Some(other) => write!(out, "%{other}"),
            None => write!(out, "%"),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        // Every day across several 400-year eras maps back to itself.
        for days in -800_000..800_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
