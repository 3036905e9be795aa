//! The two languages Yim itself speaks, and the one rule that maps any
//! language code onto them.
//!
//! A form may be written in any languages (Khmer, Lao, Shan...), but the
//! words Yim adds itself, the app's buttons and the engine's built-in
//! messages, exist in Thai and English only. Every part of Yim that picks
//! those words picks them with [`Lang`], so a code means the same language
//! to the app and to the engine.

/// A language Yim's own words are written in. Thai comes first: it is the
/// answer whenever a code names neither language, since the volunteers who
/// use a third language read Thai too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Thai.
    Th,
    /// English.
    En,
}

impl Lang {
    /// The language code used by forms and by the `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Th => "th",
            Lang::En => "en",
        }
    }

    /// Reads a language code such as `th`, `en-GB` or `TH-th`; `None` when
    /// it names neither language.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("th") {
            Some(Lang::Th)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language of Yim's words next to a form shown in `code`. This is
    /// the one fallback rule: a code that names neither language gets Thai,
    /// except the empty code of a form that declares no languages, whose
    /// text is taken as English, the language of the form format itself.
    pub fn for_code(code: &str) -> Lang {
        if code.is_empty() {
            Lang::En
        } else {
            Lang::from_code(code).unwrap_or(Lang::Th)
        }
    }

    /// Picks a language from a browser's preference list: the first entry
    /// that is Thai or English wins, and Thai is the answer when none is.
    pub fn from_preferences<'a>(preferences: impl IntoIterator<Item = &'a str>) -> Lang {
        preferences
            .into_iter()
            .find_map(Lang::from_code)
            .unwrap_or(Lang::Th)
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn every_code_maps_to_thai_or_english_by_one_rule() {
        for (code, want) in [
            ("th", Lang::Th),
            ("TH-th", Lang::Th),
            ("en", Lang::En),
            ("en-GB", Lang::En),
            ("en_US", Lang::En),
            ("km", Lang::Th),
            ("lo", Lang::Th),
            ("english", Lang::Th),
            ("", Lang::En),
        ] {
            assert_eq!(Lang::for_code(code), want, "{code:?}");
        }
    }

    #[test]
    fn the_first_preference_yim_speaks_wins_and_thai_comes_last() {
        let pick = |list: &[&str]| Lang::from_preferences(list.iter().copied());
        assert_eq!(pick(&["en-US", "th"]), Lang::En);
        assert_eq!(pick(&["th-TH", "en"]), Lang::Th);
        assert_eq!(pick(&["fr-FR", "EN-gb"]), Lang::En);
        assert_eq!(pick(&["fr-FR", "de"]), Lang::Th);
        assert_eq!(pick(&[]), Lang::Th);
        assert_eq!(pick(&["english"]), Lang::Th);
    }
}
