//! Property tests: mutated expressions, and expressions nested or chained
//! past the parser's bound, always give a program or errors, never a panic
//! or an abort, whatever the evaluation. `cargo test` runs a few cases;
//! `make fuzz` sets `PROPTEST_CASES` to run many. (`tests/spec/props.rs`
//! holds the generated ones.)

#[path = "spec/fixture.rs"]
#[allow(dead_code)]
mod fixture;

use fixture::Form;
use proptest::prelude::*;
use yim_expr::{compile, parse, Ty, Value};

/// The number of cases: few in `cargo test`, as many as `PROPTEST_CASES`
/// asks for in `make fuzz`.
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Expressions as authors write them, the starting points of mutations.
const GOOD: &[&str] = &[
    "${age} >= 6 and ${name} != ''",
    "if(${age} < 6, 'young', if(${age} < 13, 'school', 'teen'))",
    "sum(${child_age}) div count(${children})",
    "selected(${risks}, 'violence') or count-selected(${risks}) > 2",
    "format-date(date(${dob}), '%Y-%m-%d')",
    "concat(${name}, ' (', string(${age}), ')')",
    "regex(., '^[0-9]{13}$') and string-length(.) = 13",
    "decimal-date-time(today()) - decimal-date-time(${dob}) > 365.25 * 18",
    "indexed-repeat(${child_age}, ${children}, position(..))",
    "round(-${age} * 1.5e3 mod 7, 2)",
    "jr:itext(instance('seclass')/root/item[name = ${sex} and code > 1]/itextId)",
    "pulldata('fruits', 'price', 'name', ${name}) * 2 + distance('0 0;0 1')",
    "if(selected('a b', 'b'), digest(${name}, 'SHA-256', 'hex'), null)",
    "selected-at(join(' ', randomize(${child_name}, 7)), 0)",
];

fn forms() -> [Form; 2] {
    [
        Form::standard(),
        Form::at(Ty::SelectMultiple, Value::multi(["a"])),
    ]
}

/// Compiles and, when that works, evaluates `src` against every form.
fn check(src: &str) {
    let _ = parse(src);
    for form in forms() {
        if let Ok(program) = compile(src, &form) {
            let _ = program.eval(&form);
        }
    }
}

#[derive(Clone, Debug)]
enum Edit {
    Insert(f64, String),
    Remove(f64, usize),
    Duplicate(f64, usize, usize),
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(
            &[
                "(",
                ")",
                "${",
                "}",
                "'",
                "\"",
                ",",
                ".",
                "..",
                "/",
                "-",
                "+",
                "*",
                "div",
                "mod",
                "and",
                "or",
                "not(",
                "=",
                "!=",
                "<=",
                "[",
                "]",
                "@",
                "|",
                "$",
                "1e308",
                "-0",
                "9999999999999999999",
                "ก",
                " ",
                "count(",
                "if(",
                "${age}",
                "null",
                "/root/item[",
                "instance('seclass')",
                "/label",
                "randomize(",
            ][..]
        )
        .prop_map(String::from),
        any::<String>().prop_map(|s| s.chars().take(6).collect()),
    ]
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let at = 0.0..1.0f64;
    prop::collection::vec(
        prop_oneof![
            (at.clone(), piece()).prop_map(|(a, p)| Edit::Insert(a, p)),
            (at.clone(), 1usize..10).prop_map(|(a, n)| Edit::Remove(a, n)),
            (at, 1usize..20, 1usize..400).prop_map(|(a, n, times)| Edit::Duplicate(a, n, times)),
        ],
        1..6,
    )
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let place = |a: f64, len: usize| ((a * len as f64) as usize).min(len);
        match e {
            Edit::Insert(a, p) => {
                let i = place(*a, chars.len());
                chars.splice(i..i, p.chars());
            }
            Edit::Remove(a, n) => {
                let i = place(*a, chars.len());
                let end = (i + n).min(chars.len());
                chars.drain(i..end);
            }
            Edit::Duplicate(a, n, times) => {
                // Repeating a piece many times builds deep nesting and long
                // chains, the inputs that exhaust stacks.
                let i = place(*a, chars.len());
                let end = (i + n).min(chars.len());
                let copy: Vec<char> = chars[i..end].repeat(*times);
                chars.splice(end..end, copy);
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(config(100))]

    #[test]
    fn fuzz_mutated_expressions_compile_or_explain(which in 0usize..GOOD.len(), edits in edits()) {
        check(&apply(GOOD[which], &edits));
    }

    #[test]
    fn fuzz_nesting_past_the_bound_is_an_error(
        open in prop::sample::select(&["(", "-", "not(", "if(1,", "concat(", "${a}+", "1 and ", "-("][..]),
        depth in 200usize..20_000,
    ) {
        let src = format!("{}1{}", open.repeat(depth), ")".repeat(depth * open.matches('(').count()));
        let (_, errors) = parse(&src);
        check(&src);
        // Up to 256 levels may be fine; far past it must be an error.
        prop_assert!(depth < 300 || !errors.is_empty(), "{} levels of `{}` parsed", depth, open);
    }
}
