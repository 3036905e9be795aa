//! Shows ISO 8601 dates the way Thai paperwork writes them: day, Thai month
//! name and the Buddhist-era year (CE + 543). Only the display changes; the
//! stored answer stays ISO.

// The Thai month and weekday names and the Buddhist era live with the
// engine's calendar, which reads dates typed the same way.
use yim_engine::thai::{BUDDHIST_ERA_OFFSET, MONTHS as THAI_MONTHS, WEEKDAYS as THAI_WEEKDAYS};

use crate::i18n::Lang;

const ENGLISH_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Days of the week from Sunday, as `yim_engine::Date::weekday` counts them.
const ENGLISH_WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Formats an ISO date (`YYYY-MM-DD`, optionally followed by a time) for
/// display: `วันพุธที่ 5 มีนาคม พ.ศ. 2568` in Thai, `Wednesday 5 March 2025
/// (B.E. 2568)` in English. The month is a word and the weekday is named, so
/// the line can be checked against a calendar and never read month first,
/// whatever order the browser's date box uses. Returns `None` for text that
/// is not a valid ISO date, so that a half-typed value shows nothing rather
/// than something wrong.
pub fn display_date(iso: &str, lang: Lang) -> Option<String> {
    let (year, month, day) = parse_iso_date(iso)?;
    let be = year + BUDDHIST_ERA_OFFSET;
    let index = usize::try_from(month - 1).ok()?;
    let weekday = usize::try_from(yim_engine::Date::from_ymd(year, month, day)?.weekday()).ok()?;
    Some(match lang {
        Lang::Th => format!(
            "วัน{}ที่ {day} {} พ.ศ. {be}",
            THAI_WEEKDAYS[weekday % 7],
            THAI_MONTHS[index]
        ),
        Lang::En => format!(
            "{} {day} {} {year} (B.E. {be})",
            ENGLISH_WEEKDAYS[weekday % 7],
            ENGLISH_MONTHS[index]
        ),
    })
}

/// Splits `YYYY-MM-DD` into numbers, checking the month and the day against
/// the length of that month (leap years included).
fn parse_iso_date(iso: &str) -> Option<(i32, u32, u32)> {
    let date = iso.get(..10)?;
    let rest = &iso[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    let bytes = date.as_bytes();
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    fn digits(s: &str) -> Option<&str> {
        s.bytes().all(|b| b.is_ascii_digit()).then_some(s)
    }
    let year: i32 = digits(&date[..4])?.parse().ok()?;
    let month: u32 = digits(&date[5..7])?.parse().ok()?;
    let day: u32 = digits(&date[8..10])?.parse().ok()?;
    // The engine's calendar knows which days exist.
    yim_engine::Date::from_ymd(year, month, day).map(|_| (year, month, day))
}

#[cfg(test)]
mod tests {
    use super::display_date;
    use crate::i18n::Lang;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn check(iso: &str, lang: Lang, expected: Option<&str>) {
        assert_eq!(
            display_date(iso, lang).as_deref(),
            expected,
            "display of {iso:?} in {lang:?}"
        );
    }

    #[wasm_bindgen_test]
    fn dates_show_in_the_buddhist_era() {
        check("2025-03-05", Lang::Th, Some("วันพุธที่ 5 มีนาคม พ.ศ. 2568"));
        check(
            "2025-03-05",
            Lang::En,
            Some("Wednesday 5 March 2025 (B.E. 2568)"),
        );
        check("2024-12-31", Lang::Th, Some("วันอังคารที่ 31 ธันวาคม พ.ศ. 2567"));
        check(
            "2024-02-29",
            Lang::Th,
            Some("วันพฤหัสบดีที่ 29 กุมภาพันธ์ พ.ศ. 2567"),
        );
        check(
            "2024-01-01T08:30:00",
            Lang::Th,
            Some("วันจันทร์ที่ 1 มกราคม พ.ศ. 2567"),
        );
        // The day the issue was found: a date box showed it as 12/06/2026.
        check("2026-06-12", Lang::Th, Some("วันศุกร์ที่ 12 มิถุนายน พ.ศ. 2569"));
        check("2023-02-29", Lang::Th, None);
        check("1900-02-29", Lang::Th, None);
        check(
            "2000-02-29",
            Lang::En,
            Some("Tuesday 29 February 2000 (B.E. 2543)"),
        );
        check("2025-13-01", Lang::Th, None);
        check("2025-3-5", Lang::Th, None);
        check("", Lang::Th, None);
        check("๒๕๖๘-๐๓-๐๕", Lang::Th, None);
    }
}
