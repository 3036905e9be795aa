//! Patterns run on `regex-lite` (src/pattern.rs) and ran on `regex` with its
//! Unicode tables before. One shared table of patterns and texts goes
//! through both: every pattern that `Pattern` accepts must match exactly the
//! texts `regex` matched, and the patterns it refuses must be the ones whose
//! meaning depended on Unicode tables (each refusal is listed with its
//! reason). A property test then does the same over generated patterns.

use proptest::prelude::*;
use yim_expr::Pattern;

/// Texts every pattern of the table is tried on, besides its own: ASCII and
/// Thai letters and digits, the characters where Unicode and ASCII rules
/// differ (the Kelvin sign and long s fold with `k` and `s`; U+2000 is a
/// space; δ is a letter), and line breaks.
const PROBES: &[&str] = &[
    "",
    "a",
    "A",
    "abc",
    "ABC",
    "k",
    "K",
    "\u{212A}",
    "s",
    "\u{17F}",
    "0812345678",
    "๐๘๑๒๓๔๕๖๗๘",
    "สมชาย",
    "สมชาย ใจดี",
    "฿",
    "a b",
    "a\tb",
    "a\u{2000}b",
    "δ",
    "a\nb",
    "x_y",
    "1.5",
    "[x]",
    "12345",
    "1-2345-67890-12-3",
    "user@example.org",
    "\u{E00}\u{E3B}\u{E5C}\u{E7F}",
];

/// Patterns that both crates read the same way.
const SAME: &[&str] = &[
    "^[0-9]{5}$",
    "^0[0-9]{9}$",
    "^[A-Z][a-z]+$",
    "b",
    "^b",
    "^$",
    "^[^<>]*$",
    "^(?:[A-Z]{2}[0-9]+)$",
    "[ก-ฮ]+",
    "^[ก-๙ ]+$",
    "^[0-9๐-๙]{13}$",
    "^[0-9]-[0-9]{4}-[0-9]{5}-[0-9]{2}-[0-9]$",
    "a|b|ค",
    "^.{1,3}$",
    "(?s)^.+$",
    "(?m)^b$",
    "\\.",
    "\\[x\\]",
    "[[:digit:]]+",
    "^[[:alpha:]_]+$",
    "[^[:space:]]",
    "\\x{0E01}",
    "^\\p{Thai}+$",
    "\\p{Thai}",
    "^[\\p{Thai} ]+$",
    "^[^\\p{Thai}]+$",
    "\\P{Thai}",
    "^\\P{Thai}+$",
    "[\\p{Thai}0-9]{3}",
    "(?x) ^ [0-9]+ $",
    "^(?-s).$",
    "(a)(b)?",
    "a{2,}",
];

/// Patterns refused, with the start of the reason given to the author.
/// `regex` accepted each of them; each either depends on Unicode tables or
/// is syntax regex-lite does not have.
const REFUSED: &[(&str, &str)] = &[
    ("^\\d{13}$", "\\d is not supported"),
    ("\\D", "\\D is not supported"),
    ("^\\s*$", "\\s is not supported"),
    ("\\S", "\\S is not supported"),
    ("^\\w+$", "\\w is not supported"),
    ("[\\w.]+", "\\w is not supported"),
    ("\\W", "\\W is not supported"),
    ("\\bcat\\b", "word boundaries (\\b)"),
    ("\\B", "word boundaries (\\B)"),
    ("(?i)abc", "case-insensitive matching"),
    ("(?i:k)", "case-insensitive matching"),
    ("a(?mi)b", "case-insensitive matching"),
    ("\\p{L}+", "Unicode classes"),
    ("\\pL", "Unicode classes"),
    ("\\p{Greek}", "Unicode classes"),
    ("[^\\P{Thai}]", "\\P{Thai} inside"),
    ("[a[b]]", "nested character classes are not supported"),
    (
        "^[a-c&&b]$",
        "character class intersection is not supported",
    ),
    ("a(?s)*", "has nothing to repeat"),
    ("^[a-c--b]$", "not supported"),
    ("^[a-c~~b]$", "not supported"),
    ("[[:ก:]]\\d", "\\d is not supported"),
];

fn refusal(pattern: &str) -> String {
    match Pattern::new(pattern) {
        Ok(_) => String::new(),
        Err(reason) => reason,
    }
}

/// Checks that `pattern` means the same in both crates, or is refused by
/// both (a syntax error): never accepted with a different meaning.
fn same_meaning(pattern: &str, texts: &[&str]) -> Result<(), String> {
    let full = regex::Regex::new(pattern);
    let lite = Pattern::new(pattern);
    match (&full, &lite) {
        (_, Err(_)) => Ok(()),
        (Err(e), Ok(_)) => Err(format!(
            "{pattern:?}: regex refused it ({e}), Pattern accepted it"
        )),
        (Ok(full), Ok(lite)) => {
            for text in texts.iter().chain(PROBES) {
                if full.is_match(text) != lite.is_match(text) {
                    return Err(format!(
                        "{pattern:?} on {text:?}: regex says {}, Pattern says {}",
                        full.is_match(text),
                        lite.is_match(text)
                    ));
                }
            }
            Ok(())
        }
    }
}

#[test]
fn the_patterns_both_read_the_same_way_match_the_same_texts() {
    for pattern in SAME {
        assert!(
            Pattern::new(pattern).is_ok(),
            "{pattern:?} is refused: {}",
            refusal(pattern)
        );
        same_meaning(pattern, &[]).unwrap();
    }
}

#[test]
fn the_patterns_whose_meaning_depends_on_unicode_tables_are_refused_with_a_reason() {
    for (pattern, reason) in REFUSED {
        // `a(?s)*` was an error with regex too; every other one here
        // compiled with regex.
        if *pattern != "a(?s)*" {
            assert!(
                regex::Regex::new(pattern).is_ok(),
                "regex refused {pattern:?}"
            );
        }
        let got = refusal(pattern);
        assert!(
            got.contains(reason),
            "{pattern:?}: expected a reason with {reason:?}, but found {got:?}"
        );
    }
}

#[test]
fn thai_is_exactly_the_thai_script() {
    // Every code point of the Thai block and around it, one by one.
    let full = regex::Regex::new("^\\p{Thai}$").unwrap();
    let lite = Pattern::new("^\\p{Thai}$").unwrap();
    for code in 0x0D80..=0x0F00u32 {
        let c = char::from_u32(code).unwrap().to_string();
        assert_eq!(full.is_match(&c), lite.is_match(&c), "U+{code:04X}");
    }
}

#[test]
fn a_pattern_too_long_is_refused() {
    let long = "a".repeat(yim_expr::pattern::MAX_PATTERN_LEN + 1);
    assert!(refusal(&long).contains("more than the 1000 allowed"));
}

/// Pieces of patterns, the constructs authors write and the ones refused.
const ATOMS: &[&str] = &[
    "a",
    "b",
    "A",
    "k",
    "ก",
    "ข",
    "๑",
    "1",
    "0",
    " ",
    ".",
    "[a-c]",
    "[^a]",
    "[ก-ฮ]",
    "[0-9]",
    "[๐-๙]",
    "\\d",
    "\\w",
    "\\s",
    "\\b",
    "\\p{Thai}",
    "\\P{Thai}",
    "[\\p{Thai}a]",
    "(?i)",
    "(?s)",
    "(?m)",
    "^",
    "$",
    "|",
    "(",
    ")",
    "(?:",
    "*",
    "+",
    "?",
    "{2}",
    "{1,3}",
    "\\.",
    "[[:alpha:]]",
    "\\x{212A}",
    "-",
];

const TEXT_CHARS: &[char] = &[
    'a', 'b', 'A', 'B', 'k', 'K', '\u{212A}', 's', '\u{17F}', 'ก', 'ข', 'ฮ', '๑', '1', '0', ' ',
    '\t', '\n', '\u{2000}', 'δ', '_', '.', '฿',
];

proptest! {
    #[test]
    fn generated_patterns_accepted_mean_what_they_meant(
        atoms in prop::collection::vec(prop::sample::select(ATOMS), 1..8),
        texts in prop::collection::vec(
            prop::collection::vec(prop::sample::select(TEXT_CHARS), 0..6)
                .prop_map(|cs| cs.into_iter().collect::<String>()),
            1..6,
        ),
    ) {
        let pattern = atoms.concat();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        if let Err(problem) = same_meaning(&pattern, &texts) {
            prop_assert!(false, "{}", problem);
        }
    }
}
