//! Language columns: `label::English (en)` → the language code `en`.

/// The language code for the language part of a column header, and whether
/// the code was guessed (not written in parentheses or as a bare code).
pub(crate) fn code_for(header_lang: &str) -> (String, bool) {
    let lang = header_lang.trim();
    // `English (en)`: XLSForm's recommended form; the code is in parentheses.
    if let Some(open) = lang.rfind('(') {
        if let Some(inner) = lang[open + 1..].strip_suffix(')') {
            let inner = inner.trim();
            if looks_like_code(inner) {
                return (inner.to_owned(), false);
            }
        }
    }
    // A header that is already a code, such as `label::th` (the form used in
    // Yim's own CSV choice lists).
    if looks_like_code(lang) && lang.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
        return (lang.to_owned(), false);
    }
    let key = lang.to_lowercase();
    if let Some((_, code)) = NAMES.iter().find(|(name, _)| *name == key) {
        return ((*code).to_owned(), true);
    }
    // An unknown name becomes a code made of its words, so that the texts
    // are still kept apart per language.
    let slug: Vec<String> = key
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let slug = if slug.is_empty() {
        "lang".to_owned()
    } else {
        slug.join("-")
    };
    (slug, true)
}

/// The name a column header gives the language `code`, as in
/// `label::Thai (th)`: the English name from the table below when it has
/// one (people reading ODK's language menu know these), else the code, so
/// that [`code_for`] reads the same code back in either case.
pub(crate) fn header_for(code: &str) -> String {
    match NAMES.iter().find(|(_, c)| *c == code) {
        Some((name, _)) => {
            let mut chars = name.chars();
            let first: String = chars
                .next()
                .map(|c| c.to_uppercase().collect())
                .unwrap_or_default();
            format!("{first}{} ({code})", chars.as_str())
        }
        None => format!("{code} ({code})"),
    }
}

/// A BCP 47-like tag: a 2–3 letter language, then optional `-` subtags.
fn looks_like_code(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Language names as forms write them (in English and in the language
/// itself), lowercased, with their ISO 639-1 code (639-3 where there is none).
const NAMES: &[(&str, &str)] = &[
    ("english", "en"),
    ("french", "fr"),
    ("français", "fr"),
    ("francais", "fr"),
    ("thai", "th"),
    ("ไทย", "th"),
    ("ภาษาไทย", "th"),
    ("spanish", "es"),
    ("español", "es"),
    ("espanol", "es"),
    ("portuguese", "pt"),
    ("português", "pt"),
    ("portugues", "pt"),
    ("arabic", "ar"),
    ("العربية", "ar"),
    ("swahili", "sw"),
    ("kiswahili", "sw"),
    ("hindi", "hi"),
    ("हिन्दी", "hi"),
    ("bengali", "bn"),
    ("bangla", "bn"),
    ("urdu", "ur"),
    ("chinese", "zh"),
    ("中文", "zh"),
    ("russian", "ru"),
    ("русский", "ru"),
    ("lao", "lo"),
    ("ລາວ", "lo"),
    ("khmer", "km"),
    ("ខ្មែរ", "km"),
    ("burmese", "my"),
    ("myanmar", "my"),
    ("vietnamese", "vi"),
    ("tiếng việt", "vi"),
    ("indonesian", "id"),
    ("bahasa indonesia", "id"),
    ("malay", "ms"),
    ("bahasa melayu", "ms"),
    ("german", "de"),
    ("deutsch", "de"),
    ("italian", "it"),
    ("italiano", "it"),
    ("dutch", "nl"),
    ("nederlands", "nl"),
    ("turkish", "tr"),
    ("türkçe", "tr"),
    ("persian", "fa"),
    ("farsi", "fa"),
    ("dari", "prs"),
    ("pashto", "ps"),
    ("amharic", "am"),
    ("somali", "so"),
    ("hausa", "ha"),
    ("yoruba", "yo"),
    ("igbo", "ig"),
    ("nepali", "ne"),
    ("tagalog", "tl"),
    ("filipino", "fil"),
    ("ukrainian", "uk"),
    ("polish", "pl"),
    ("japanese", "ja"),
    ("日本語", "ja"),
    ("korean", "ko"),
    ("한국어", "ko"),
    ("greek", "el"),
    ("hebrew", "he"),
    ("kinyarwanda", "rw"),
    ("tigrinya", "ti"),
    ("oromo", "om"),
    ("haitian creole", "ht"),
    ("kurdish", "ku"),
    ("tetum", "tet"),
    ("karen", "kar"),
    ("shan", "shn"),
    ("hmong", "hmn"),
];

#[cfg(test)]
mod tests {
    use super::{code_for, header_for};

    #[test]
    fn headers_read_back_as_their_codes() {
        for code in ["th", "en", "km", "lo", "pt-BR", "shn"] {
            assert_eq!(
                code_for(&header_for(code)),
                (code.to_owned(), false),
                "{code}"
            );
        }
        assert_eq!(header_for("th"), "Thai (th)");
    }

    #[test]
    fn codes_from_headers() {
        let cases = [
            ("English (en)", "en", false),
            ("Français (fr)", "fr", false),
            ("Thai (th)", "th", false),
            ("Portuguese (pt-BR)", "pt-BR", false),
            ("th", "th", false),
            ("English", "en", true),
            ("Français", "fr", true),
            ("ไทย", "th", true),
            ("Local language", "local-language", true),
            ("Local (language)", "local-language", true),
        ];
        for (header, code, guessed) in cases {
            assert_eq!(code_for(header), (code.to_owned(), guessed), "{header}");
        }
    }
}
