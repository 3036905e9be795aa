//! Loading, compiling and filling never panic, whatever the author wrote.
//! The national core form is corrupted in many small ways (characters of
//! expressions replaced, swapped or cut), and every copy must either compile
//! with diagnostics or run a session through a few answers.

use yim_engine::{load_and_compile, Clock, Date, Session};
use yim_form::MemFiles;

const CORE: &str = include_str!("../../../forms/national/child-core.yaml");

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Characters that matter to the expression language.
const NOISE: &[&str] = &[
    "$", "{", "}", "(", ")", "'", "\"", ".", ",", " ", "and", "or", "div", "-", "=", "<", "[", "]",
    ":", "\\", "๑", "${x}", "${", "",
];

fn corrupt(rng: &mut Rng) -> String {
    let mut lines: Vec<String> = CORE.lines().map(str::to_owned).collect();
    let targets: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            [
                "relevant:",
                "constraint:",
                "calculation:",
                "choice_filter:",
                "required:",
                "repeat_count:",
                "default:",
            ]
            .iter()
            .any(|k| l.contains(k))
        })
        .map(|(i, _)| i)
        .collect();
    for _ in 0..1 + rng.below(3) {
        let i = targets[rng.below(targets.len())];
        let chars: Vec<char> = lines[i].chars().collect();
        let at = rng.below(chars.len());
        let cut = (at + rng.below(4)).min(chars.len());
        let mut s: String = chars[..at].iter().collect();
        s.push_str(NOISE[rng.below(NOISE.len())]);
        s.extend(&chars[cut..]);
        lines[i] = s;
    }
    lines.join("\n")
}

#[test]
fn corrupted_expressions_never_panic() {
    let areas = |name: &str| {
        std::fs::read_to_string(format!(
            "{}/../../forms/national/areas/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let base = MemFiles::new()
        .with("forms/national/areas/provinces.csv", areas("provinces.csv"))
        .with("forms/national/areas/districts.csv", areas("districts.csv"))
        .with(
            "forms/national/areas/subdistricts.csv",
            areas("subdistricts.csv"),
        );
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut with_problems = 0;
    for _ in 0..60 {
        let text = corrupt(&mut rng);
        let mut files = base.clone();
        files.insert("forms/national/child-core.yaml", text);
        let (compiled, diags) = load_and_compile("forms/national/child-core.yaml", &files);
        if !diags.is_empty() {
            with_problems += 1;
        }
        let Some(compiled) = compiled else { continue };
        let mut s = Session::new(
            compiled,
            Clock::fixed(Date::from_ymd(2026, 11, 23).unwrap()),
        );
        for path in [
            "consent",
            "dob",
            "age_years",
            "risks",
            "province",
            "school_enrolled",
        ] {
            for v in ["yes", "2015-02-03", "12", "violence labour", "10", ""] {
                let _ = s.answer(path, v);
            }
        }
        let _ = s.finalize_problems();
        let _ = s.draft_json();
    }
    // Most corruptions must be caught; a few land in harmless places
    // (inside a string literal, for example).
    assert!(
        with_problems > 30,
        "only {with_problems} of 60 corrupted forms reported a problem"
    );
}
