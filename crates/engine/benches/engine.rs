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
        y.push_str(&format!(
            "  - {{name: c{i}, type: calculate, calculation: '${{q{}}} + ${{q{}}} * 2'}}\n",
            2 * i,
            2 * i + 1
        ));
    }
    for i in 0..250 {
        let src = if i < 200 { 0 } else { i };
        y.push_str(&format!(
            "  - {{name: t{i}, type: text, label: T{i}, relevant: '${{q{src}}} > {}'}}\n",
            i % 7
        ));
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

    // Adding entries to a 20-question repeat whose totals are summed outside
    // it: the cost of entry 200 should be the cost of entry 1.
    let mut r = String::from("form: {id: rep, version: '1', title: Rep}\nquestions:\n  - name: people\n    type: repeat\n    label: Person\n    questions:\n");
    for i in 0..18 {
        r.push_str(&format!(
            "      - {{name: p{i}, type: integer, label: P{i}}}\n"
        ));
    }
    r.push_str("      - {name: p_sum, type: calculate, calculation: '${p0} + ${p1}'}\n");
    r.push_str("      - {name: p_note, type: text, label: Note, relevant: '${p_sum} > 3'}\n");
    r.push_str("  - {name: total, type: calculate, calculation: 'sum(${p_sum})'}\n  - {name: n, type: calculate, calculation: 'count(${people})'}\n");
    let files_r = MemFiles::new().with("rep.yaml", &r);
    let (rep_form, diags) = load("rep.yaml", &files_r);
    assert!(diags.is_empty(), "{diags:?}");
    let (rep, diags) = compile(&rep_form.unwrap());
    assert!(diags.is_empty(), "{diags:?}");
    let rep = rep.unwrap();
    let mut adds: Vec<Vec<Duration>> = vec![Vec::new(); 200];
    for _ in 0..20 {
        let mut s = Session::new(rep.clone(), clock);
        for slot in adds.iter_mut() {
            let start = Instant::now();
            std::hint::black_box(s.add_repeat("people").unwrap());
            slot.push(start.elapsed());
        }
    }

    // A look-up into a list the size of Thailand's sub-districts (7,436
    // ตำบล): each change of the key goes through the whole list once.
    let mut l = String::from("form: {id: look, version: '1', title: Look}\nquestions:\n");
    l.push_str("  - {name: code, type: text, label: Code}\n");
    l.push_str("  - {name: place, type: calculate, calculation: \"instance('areas')/root/item[name = ${code}]/label\"}\n");
    l.push_str("  - {name: zip, type: calculate, calculation: \"pulldata('areas', 'zip', 'name', ${code})\"}\n");
    l.push_str("choices:\n  areas:\n");
    for i in 0..7500 {
        l.push_str(&format!(
            "    - {{name: a{i}, label: Area {i}, zip: '{}'}}\n",
            10000 + i
        ));
    }
    let files_l = MemFiles::new().with("look.yaml", &l);
    let (look_form, diags) = load("look.yaml", &files_l);
    assert!(diags.is_empty(), "{diags:?}");
    let (look, diags) = compile(&look_form.unwrap());
    assert!(diags.is_empty(), "{diags:?}");
    let mut s = Session::new(look.unwrap(), clock);
    let look_t = time(200, || {
        k += 1;
        s.answer("code", &format!("a{}", k % 7500)).unwrap()
    });
    assert!(s.node("zip").unwrap().text.starts_with('1'));

    println!(
        "generated form: {} nodes, {} expressions",
        compiled.node_count(),
        compiled.expression_count()
    );
    println!("{:<44} {:>12}", "measure (median)", "time");
    println!("{:<44} {:>12.3?}", "load YAML (1,000 questions)", load_t);
    println!("{:<44} {:>12.3?}", "compile (target < 5 ms)", compile_t);
    println!("{:<44} {:>12.3?}", "full evaluation (new session)", full_t);
    println!(
        "{:<44} {:>12.3?}",
        "incremental update, 2 dependents (< 50 µs)", one_t
    );
    println!(
        "{:<44} {:>12.3?}",
        "incremental update, 200 dependents", wide_t
    );
    println!(
        "{:<44} {:>12.3?}",
        "answer read by 2 look-ups in 7,500 choices", look_t
    );
    for entry in [1, 50, 100, 200] {
        let label = format!("add entry {entry} of a 20-question repeat");
        println!("{:<44} {:>12.3?}", label, median(adds[entry - 1].clone()));
    }
}
