//! Prints how long the engine takes on a generated form of 1,000 questions
//! with 500 expressions: compiling, a full evaluation (a new session) and
//! incremental updates. Run with `cargo bench -p yim-engine`.
//!
//! This is a plain timing loop rather than a statistics framework: it
//! reports the median of many runs, which is what the targets are about,
//! and it builds in seconds.

use std::time::{Duration, Instant};

use yim_engine::{compile, Clock, Date, Session};
use yim_form::{load, MemFiles};

/// 500 integer questions, 250 calculations over pairs of them, and 250 text
/// questions whose relevance reads one integer each. Question `q0` is read
/// by 200 of the relevance rules, the worst case for one keystroke.
fn generated_form() -> String {
    let mut y = String::from("form: {id: bench, version: '1', title: Bench}\nquestions:\n");
    for i in 0..500 {
        y.push_str(&format!("  - {{name: q{i}, type: integer, label: Q{i}}}\n"));
    }
    for i in 0..250 {
        y.push_str(&format!("  - {{name: c{i}, type: calculate, calculation: '${{q{}}} + ${{q{}}} * 2'}}\n", 2 * i, 2 * i + 1));
    }
    for i in 0..250 {
        let src = if i < 200 { 0 } else { i };
        y.push_str(&format!("  - {{name: t{i}, type: text, label: T{i}, relevant: '${{q{src}}} > {}'}}\n", i % 7));
    }
    y
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let samples = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    median(samples)
}

fn main() {
    let text = generated_form();
    let files = MemFiles::new().with("bench.yaml", &text);
    let (form, diags) = load("bench.yaml", &files);
    assert!(diags.is_empty(), "{diags:?}");
    let form = form.unwrap();
    let clock = Clock::fixed(Date::from_ymd(2026, 11, 23).unwrap());

    let load_t = time(20, || load("bench.yaml", &files));
    let compile_t = time(50, || compile(&form));
    let (compiled, diags) = compile(&form);
    assert!(diags.is_empty(), "{diags:?}");
    let compiled = compiled.unwrap();
    let full_t = time(50, || Session::new(compiled.clone(), clock));

    let mut s = Session::new(compiled.clone(), clock);
    let mut k = 0u32;
    let one_t = time(2000, || {
        k += 1;
        s.answer("q301", &(k % 10).to_string()).unwrap()
    });
    let wide_t = time(500, || {
        k += 1;
        s.answer("q0", &(k % 10).to_string()).unwrap()
    });

    println!("generated form: {} nodes, {} expressions", compiled.node_count(), compiled.expression_count());
    println!("{:<44} {:>12}", "measure (median)", "time");
    println!("{:<44} {:>12.3?}", "load YAML (1,000 questions)", load_t);
    println!("{:<44} {:>12.3?}", "compile (target < 5 ms)", compile_t);
    println!("{:<44} {:>12.3?}", "full evaluation (new session)", full_t);
    println!("{:<44} {:>12.3?}", "incremental update, 2 dependents (< 50 µs)", one_t);
    println!("{:<44} {:>12.3?}", "incremental update, 200 dependents", wide_t);
}
