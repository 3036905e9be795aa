//! The label of a stored response: a short text that tells drafts apart in
//! a list.

/// The longest label a list shows, in characters.
pub const LABEL_CHARS: usize = 80;

/// The label of a response whose record name (the form's
/// `settings.instance_name`, such as the child's name and place) is `name`,
/// as the form shows it: cut to [`LABEL_CHARS`] characters with `…` after a
/// cut, so that one long name cannot push a list off a phone's screen. A
/// response without a name has no label.
pub fn draft_label(name: Option<String>) -> Option<String> {
    let name = name?;
    // Cut at a character, never inside one: Thai names take three bytes a
    // character.
    Some(match name.char_indices().nth(LABEL_CHARS) {
        Some((end, _)) => format!("{}…", &name[..end]),
        None => name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: Option<&str>, expected: Option<&str>) {
        assert_eq!(
            draft_label(name.map(str::to_string)).as_deref(),
            expected,
            "label of {name:?}"
        );
    }

    #[test]
    fn short_names_are_kept_whole() {
        check(None, None);
        check(Some(""), Some(""));
        check(Some("ด.ช. สมชาย บ้านหนองบัว"), Some("ด.ช. สมชาย บ้านหนองบัว"));
        let exact = "ก".repeat(LABEL_CHARS);
        check(Some(&exact), Some(&exact));
    }

    #[test]
    fn long_names_are_cut_at_a_character() {
        let thai = "ก".repeat(LABEL_CHARS + 1);
        let cut = format!("{}…", "ก".repeat(LABEL_CHARS));
        check(Some(&thai), Some(&cut));
        let mixed = format!("{}{}", "a".repeat(LABEL_CHARS - 1), "ข้อมูล");
        let cut = format!("{}ข…", "a".repeat(LABEL_CHARS - 1));
        check(Some(&mixed), Some(&cut));
    }
}
