//! Loading never panics, whatever the text: mangled copies of a good form
//! must each give a form or at least one diagnostic.

use yim_form::{load, MemFiles};

/// A small deterministic generator (xorshift), so failures can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn mangled_forms_never_panic() {
    let original = std::fs::read_to_string("tests/good/national/child-core.yaml").unwrap();
    let provinces =
        std::fs::read_to_string("tests/good/national/thai-areas/provinces.csv").unwrap();
    let districts =
        std::fs::read_to_string("tests/good/national/thai-areas/districts.csv").unwrap();
    let chars: Vec<char> = original.chars().collect();
    // Characters that matter to YAML, plus a Thai letter and a tab.
    let noise = [
        '\t', ' ', ':', '-', '{', '}', '[', ']', '"', '\'', '&', '*', '!', '|', '>', '#', '\n',
        'ก', ',', '?',
    ];
    let mut rng = Rng(0x5eed_2026);
    for round in 0..400 {
        let mut text = chars.clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(text.len());
            match rng.below(3) {
                0 => {
                    text.remove(at);
                }
                1 => text.insert(at, noise[rng.below(noise.len())]),
                _ => text[at] = noise[rng.below(noise.len())],
            }
        }
        let text: String = text.into_iter().collect();
        let files = MemFiles::new()
            .with("form.yaml", text.clone())
            .with("thai-areas/provinces.csv", provinces.clone())
            .with("thai-areas/districts.csv", districts.clone());
        let result = std::panic::catch_unwind(|| load("form.yaml", &files));
        let (form, diagnostics) =
            result.unwrap_or_else(|_| panic!("round {round} panicked on:\n{text}"));
        assert!(
            form.is_some() || !diagnostics.is_empty(),
            "round {round} gave neither a form nor a diagnostic"
        );
        for d in &diagnostics {
            assert!(d.loc.line >= 1 && d.loc.col >= 1, "round {round}: {d}");
        }
    }
}

#[test]
fn defect_3_deeply_nested_yaml_is_refused() {
    // 20,000 levels of `- - - ...` (40 KB) overflowed the stack of the YAML
    // tree builder; flow lists nest through the same builder. Each case is
    // refused at the first value past the bound, before the tree is built.
    let cases = [
        (
            format!("form: {{id: deep}}\nquestions:\n  {}x\n", "- ".repeat(20_000)),
            "form.yaml:3:201: expected lists and mappings nested at most 100 levels deep, but found more here",
        ),
        (
            format!("form: {{id: deep}}\nquestions: {}{}\n", "[".repeat(200), "]".repeat(200)),
            "form.yaml:2:111: expected lists and mappings nested at most 100 levels deep, but found more here",
        ),
        (
            format!("form: {{id: deep}}\nquestions:\n{}", (0..150).map(|n| format!("{}- a:\n", "  ".repeat(n))).collect::<String>()),
            "form.yaml:52:101: expected lists and mappings nested at most 100 levels deep, but found more here",
        ),
    ];
    for (text, expected) in cases {
        let files = MemFiles::new().with("form.yaml", text);
        let (form, diagnostics) = load("form.yaml", &files);
        let found: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
        assert!(form.is_none());
        assert_eq!(found, [expected]);
    }
}
