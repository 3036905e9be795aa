//! Thai digits and the words of the Thai calendar: month names, weekday
//! names and the Buddhist era.
//!
//! People in Thailand write dates as `5 มีนาคม 2568` or `5 มี.ค. 2568` (day,
//! Thai month, Buddhist-era year), and a Thai keyboard types the digits
//! ๐๑๒๓๔๕๖๗๘๙. Answers are always stored with ASCII digits and dates as ISO
//! 8601; this module is what turns one into the other and back. The
//! calendar arithmetic itself stays in `time`.

use std::borrow::Cow;

/// The Buddhist era (พ.ศ.) counts from 543 BCE: B.E. 2568 is 2025 CE.
pub const BUDDHIST_ERA_OFFSET: i32 = 543;

/// Full Thai month names, January first.
pub const MONTHS: [&str; 12] = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
];

/// Abbreviated Thai month names, as on forms and ID cards.
pub const MONTHS_SHORT: [&str; 12] = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
];

/// Thai weekday names, Sunday first.
pub const WEEKDAYS: [&str; 7] = ["อาทิตย์", "จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์"];

const ENGLISH_MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The first Thai digit, ๐ (U+0E50); the other nine follow it in order.
const THAI_ZERO: u32 = 0x0E50;

/// The value of an ASCII or Thai digit.
pub fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '๐'..='๙' => Some(c as u32 - THAI_ZERO),
        _ => None,
    }
}

/// The text with every Thai digit replaced by its ASCII digit, and nothing
/// else changed. Borrows when there is no Thai digit, which is nearly
/// always.
///
/// ```
/// assert_eq!(yim_expr::thai::to_ascii_digits("๑๒๓ บาท"), "123 บาท");
/// ```
pub fn to_ascii_digits(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| ('๐'..='๙').contains(&c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '๐'..='๙' => char::from(b'0' + (c as u32 - THAI_ZERO) as u8),
                c => c,
            })
            .collect(),
    )
}

/// The text with every ASCII digit replaced by its Thai digit, for showing
/// numbers when a form asks for Thai digits (`settings.thai_digits`).
///
/// ```
/// assert_eq!(yim_expr::thai::to_thai_digits("5 มีนาคม 2568"), "๕ มีนาคม ๒๕๖๘");
/// ```
pub fn to_thai_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(THAI_ZERO + (c as u32 - '0' as u32)).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// The month (1-12) named by `word`: a full or abbreviated Thai name, with
/// or without the dots (`มีนาคม`, `มี.ค.`, `มีค`), or an English name or its
/// first three letters.
pub fn month_from_name(word: &str) -> Option<u32> {
    let bare: String = word
        .chars()
        .filter(|c| *c != '.' && !c.is_whitespace())
        .collect();
    if bare.is_empty() {
        return None;
    }
    let undotted = |s: &str| s.chars().filter(|c| *c != '.').collect::<String>();
    let lower = bare.to_lowercase();
    (0..12)
        .find(|&i| {
            MONTHS[i] == bare
                || undotted(MONTHS_SHORT[i]) == bare
                || ENGLISH_MONTHS[i] == lower
                || (lower.len() == 3 && ENGLISH_MONTHS[i].starts_with(&lower))
        })
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_thai_digit_maps_to_its_ascii_digit_and_back() {
        assert_eq!(to_ascii_digits("๐๑๒๓๔๕๖๗๘๙"), "0123456789");
        assert_eq!(to_thai_digits("0123456789"), "๐๑๒๓๔๕๖๗๘๙");
        assert!(matches!(to_ascii_digits("12 ม.ค."), Cow::Borrowed(_)));
        assert_eq!(digit_value('๗'), Some(7));
        assert_eq!(digit_value('a'), None);
    }

    #[test]
    fn month_names_full_short_and_english() {
        for i in 0..12 {
            assert_eq!(month_from_name(MONTHS[i]), Some(i as u32 + 1));
            assert_eq!(month_from_name(MONTHS_SHORT[i]), Some(i as u32 + 1));
        }
        assert_eq!(month_from_name("มีค"), Some(3));
        assert_eq!(month_from_name("มี.ค"), Some(3));
        assert_eq!(month_from_name("March"), Some(3));
        assert_eq!(month_from_name("mar"), Some(3));
        assert_eq!(month_from_name("มี"), None);
        assert_eq!(month_from_name(""), None);
    }
}
