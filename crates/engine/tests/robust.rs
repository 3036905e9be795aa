//! Loading, compiling and filling never panic, whatever the author wrote.
//! The national core form is corrupted in many small ways (characters of
//! expressions replaced, swapped or cut), and every copy must either compile
//! with diagnostics or run a session through a few answers.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use yim_engine::{load_and_compile, Clock, Date, Session};
use yim_form::MemFiles;

const CORE: &str = include_str!("../../../forms/national/child-core.yaml");

/// Characters that matter to the expression language.
const NOISE: &[&str] = &[
    "$", "{", "}", "(", ")", "'", "\"", ".", ",", " ", "and", "or", "div", "-", "=", "<", "[", "]",
    ":", "\\", "๑", "${x}", "${", "",
];

/// One corruption of an expression line: which of the lines that hold
/// expressions, where in it (0 to 1 of its length), how many characters
/// are cut there, and which noise goes in their place.
type Corruption = (prop::sample::Index, f64, usize, prop::sample::Index);

fn corruptions() -> impl Strategy<Value = Vec<Corruption>> {
    prop::collection::vec(
        (
            any::<prop::sample::Index>(),
            0.0..1.0f64,
            0usize..4,
            any::<prop::sample::Index>(),
        ),
        1..4,
    )
}

fn corrupt(edits: &[Corruption]) -> String {
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
    for (line, at, cut, noise) in edits {
        let i = targets[line.index(targets.len())];
        let chars: Vec<char> = lines[i].chars().collect();
        let at = ((at * chars.len() as f64) as usize).min(chars.len());
        let cut = (at + cut).min(chars.len());
        let mut s: String = chars[..at].iter().collect();
        s.push_str(noise.get::<&str>(NOISE));
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
    // The runner's generator is seeded the same way on every run, so a
    // failure reproduces; the count of caught corruptions below is a
    // property of all 60 together, which is why the cases are drawn here
    // rather than one by one in a `proptest!` block.
    let mut runner = TestRunner::deterministic();
    let strategy = corruptions();
    let mut with_problems = 0;
    for _ in 0..60 {
        let edits = strategy.new_tree(&mut runner).unwrap().current();
        let text = corrupt(&edits);
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
