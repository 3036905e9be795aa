//! Names and cells that reach the data office's files and spreadsheets:
//! file names made from ids that anyone who knows the public keys can
//! choose, and CSV cells that a spreadsheet must not read as formulas.

use std::collections::BTreeSet;

/// Whether `c` changes the direction of the text around it (U+202E, for
/// instance, shows `exe.txt` as `txt.exe`), which makes a line or a file
/// name read differently from what it is.
pub fn reorders(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A cell that a spreadsheet program would read as a formula, with a `'` in
/// front so that it reads as the text it is (OWASP's advice on CSV
/// injection). Anyone who knows the form's public keys can send answers, and
/// answer keys become headers, so headers get the same treatment.
///
/// Excel, LibreOffice and Google Sheets take a cell that starts with `=`,
/// `+`, `-` or `@` as a formula, and some skip a leading tab or carriage
/// return first. Two kinds of such cells are left as they are, because they
/// are common answers and no formula made of them can call a function or
/// open a link: a number (`-5`, `+3.25`), and a phone number written as a
/// sign and groups of digits separated by single spaces (`+66 81 234 5678`).
/// Anything else, such as `-2+3`, `+66-81-234-5678` or `@SUM(A1)`, gets the
/// `'`. `--raw-csv` turns this off for programs that read the CSV as data.
pub fn neutralise(cell: &str) -> String {
    let Some(first) = cell.chars().next() else {
        return String::new();
    };
    if !matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r') {
        return cell.to_string();
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let inert = match cell.strip_prefix(['+', '-']) {
        Some(rest) => {
            let number = match rest.split_once('.') {
                Some((whole, fraction)) => digits(whole) && digits(fraction),
                None => digits(rest),
            };
            number || rest.split(' ').all(digits)
        }
        None => false,
    };
    if inert {
        cell.to_string()
    } else {
        format!("'{cell}")
    }
}

/// A file name for a form id or repeat name: characters that file systems
/// refuse, and those that reorder text, become `_`; Thai letters stay.
///
/// A name longer than [`MAX_NAME_BYTES`] is cut at a character boundary and
/// ends with the first 8 hexadecimal digits of the SHA-256 of the whole
/// name, so that two long ids that start alike still get two files: file
/// systems refuse names over 255 bytes, and a Thai letter takes 3. A name
/// that Windows reserves for a device (`con`, `nul`, `com1`...), whatever
/// its case or extension, gets a `_` in front.
pub fn file_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_control() || reorders(c) || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') || windows_reserved(&s) {
        s.insert(0, '_');
    }
    if s.len() > MAX_NAME_BYTES {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(name.as_bytes());
        let mut end = MAX_NAME_BYTES - 9;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('~');
        for b in &hash[..4] {
            s.push_str(&format!("{b:02x}"));
        }
    }
    s
}

/// The longest file name part made from one id, in bytes. A repeat's file
/// joins two parts and adds `-`, a `_2` to tell names apart and `.csv`,
/// which stays well under the 255 bytes file systems allow.
const MAX_NAME_BYTES: usize = 100;

/// Whether Windows reserves `name` for a device: `con`, `prn`, `aux`,
/// `nul`, `com0`-`com9` and `lpt0`-`lpt9` (with superscript digits too), in
/// any case, alone or before a dot, and with trailing spaces.
fn windows_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").trim_end_matches(' ');
    let lower = stem.to_lowercase();
    if matches!(lower.as_str(), "con" | "prn" | "aux" | "nul") {
        return true;
    }
    let mut chars = lower.chars();
    let head: String = chars.by_ref().take(3).collect();
    let digit: Vec<char> = chars.collect();
    (head == "com" || head == "lpt")
        && matches!(digit.as_slice(), [d] if d.is_ascii_digit() || matches!(d, '¹' | '²' | '³'))
}

/// `name`, or `name_2`, `name_3`... when an earlier file took it.
pub fn unique(used: &mut BTreeSet<String>, name: String) -> String {
    let mut candidate = name.clone();
    let mut n = 1;
    while !used.insert(candidate.to_lowercase()) {
        n += 1;
        candidate = format!("{name}_{n}");
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::{file_name, neutralise};

    #[test]
    fn formula_cells_get_a_quote_and_numbers_and_phone_numbers_do_not() {
        let cases = [
            ("=1+1", "'=1+1"),
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("+cmd", "'+cmd"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            ("+", "'+"),
            ("-5", "-5"),
            ("+3.25", "+3.25"),
            ("-0.5", "-0.5"),
            ("-.5", "'-.5"),
            ("+66 81 234 5678", "+66 81 234 5678"),
            ("+66  81", "'+66  81"),
            ("+66 81 ", "'+66 81 "),
            ("+66-81-234-5678", "'+66-81-234-5678"),
            ("+66 (81) 234", "'+66 (81) 234"),
            ("-1e5", "'-1e5"),
            ("081 234 5678", "081 234 5678"),
            ("สมชาย - ใจดี", "สมชาย - ใจดี"),
            ("", ""),
        ];
        for (cell, expected) in cases {
            assert_eq!(neutralise(cell), expected, "for {cell:?}");
        }
    }

    #[test]
    fn file_names_are_short_and_never_a_windows_device() {
        let thai = "ก".repeat(60);
        let cases = [
            ("child-visit", "child-visit".to_string()),
            ("nul", "_nul".to_string()),
            ("CON", "_CON".to_string()),
            ("aux.visit", "_aux.visit".to_string()),
            ("com1", "_com1".to_string()),
            ("LPT9", "_LPT9".to_string()),
            ("com¹", "_com¹".to_string()),
            ("nul ", "_nul ".to_string()),
            ("console", "console".to_string()),
            ("com10", "com10".to_string()),
            ("a/b", "a_b".to_string()),
            (".hidden", "_.hidden".to_string()),
            // 60 Thai letters are 180 bytes: cut to 30 letters (90 bytes) and a hash.
            (thai.as_str(), format!("{}~6b46960a", "ก".repeat(30))),
        ];
        for (name, expected) in cases {
            assert_eq!(file_name(name), expected, "for {name:?}");
            assert!(file_name(name).len() <= 100);
        }
    }
}
