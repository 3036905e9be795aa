//! The incremental recomputation must agree with a full one. Random command
//! sequences are applied to a session; afterwards its state must equal that
//! of a fresh session that loads the first one's draft and computes
//! everything from scratch.

use proptest::prelude::*;
use proptest::sample::Index;
use yim_engine::{compile, Clock, Date, NodeKind, NodeView, Session};
use yim_form::{load, MemFiles};

const FORM: &str = r#"
form: {id: inc, version: '1', title: Inc}
questions:
  - {name: n_hh, type: integer, label: Households}
  - {name: flag, type: select_one yn, label: Flag}
  - name: hh
    type: repeat
    label: Household
    repeat_count: '${n_hh}'
    questions:
      - {name: head_age, type: integer, label: Head age, constraint: '. >= 15'}
      - {name: is_elder, type: calculate, calculation: '${head_age} >= 60'}
      - name: kids
        type: repeat
        label: Kids
        relevant: '${flag} = "y"'
        questions:
          - {name: kid_age, type: integer, label: Kid age}
          - {name: school, type: select_one schools, label: School, relevant: '${kid_age} >= 6',
             choice_filter: 'min_age <= ${kid_age}'}
          - {name: kid_pos, type: calculate, calculation: 'position(..)'}
      - {name: kid_total, type: calculate, calculation: 'count(${kids})'}
      - {name: note_old, type: text, label: Note, relevant: '${is_elder} and ${kid_total} > 0', required: yes}
  - {name: elders, type: calculate, calculation: 'count-non-empty(${head_age})'}
  - {name: all_kids, type: calculate, calculation: 'count(${kids})'}
  - {name: summary, type: calculate, calculation: 'concat(${flag}, "/", ${all_kids}, "/", ${elders})'}
  - {name: why, type: text, label: Why, relevant: '${all_kids} > 2 or ${flag} = "n"'}
choices:
  yn:
    - {name: y, label: Yes}
    - {name: n, label: No}
  schools:
    - {name: primary, label: Primary, min_age: '6'}
    - {name: secondary, label: Secondary, min_age: '12'}
"#;

fn fresh() -> Session {
    let files = MemFiles::new().with("inc.yaml", FORM);
    let (form, diags) = load("inc.yaml", &files);
    assert!(diags.is_empty(), "{diags:#?}");
    let (compiled, diags) = compile(&form.unwrap());
    assert!(diags.is_empty(), "{diags:#?}");
    Session::new(
        compiled.unwrap(),
        Clock::fixed(Date::from_ymd(2026, 11, 23).unwrap()),
    )
}

/// Every observable property of every node, one line each.
fn state(s: &Session) -> String {
    fn walk(n: &NodeView, out: &mut String) {
        let choices: Vec<&str> = n.choices.iter().map(|c| c.name.as_str()).collect();
        out.push_str(&format!(
            "{} rel={} req={} ro={} text={:?} value={:?} err={:?} choices={:?}\n",
            n.path,
            n.relevant,
            n.required,
            n.read_only,
            n.text,
            n.value.to_odk_string(),
            n.error,
            choices
        ));
        n.children.iter().for_each(|c| walk(c, out));
        for i in &n.instances {
            i.children.iter().for_each(|c| walk(c, out));
        }
    }
    let mut out = String::new();
    s.view().items.iter().for_each(|n| walk(n, &mut out));
    out
}

/// Every path a command could target right now.
fn targets(s: &Session) -> (Vec<String>, Vec<String>, Vec<String>) {
    let (mut answerable, mut repeats, mut instances) = (Vec::new(), Vec::new(), Vec::new());
    fn walk(n: &NodeView, a: &mut Vec<String>, r: &mut Vec<String>, i: &mut Vec<String>) {
        match n.kind {
            NodeKind::Repeat => {
                if !n.count_fixed {
                    r.push(n.path.clone());
                }
                for inst in &n.instances {
                    if !n.count_fixed {
                        i.push(inst.path.clone());
                    }
                    inst.children.iter().for_each(|c| walk(c, a, r, i));
                }
            }
            NodeKind::Group => n.children.iter().for_each(|c| walk(c, a, r, i)),
            NodeKind::Calculate => {}
            _ => a.push(n.path.clone()),
        }
    }
    s.view()
        .items
        .iter()
        .for_each(|n| walk(n, &mut answerable, &mut repeats, &mut instances));
    (answerable, repeats, instances)
}

const VALUES: &[&str] = &[
    "",
    "0",
    "1",
    "2",
    "3",
    "5",
    "7",
    "13",
    "61",
    "y",
    "y",
    "y",
    "n",
    "primary",
    "secondary",
    "x",
    "2.5",
];

/// One command: which kind (0 to 6 answer, 7 or 8 add an entry, 9 remove
/// one), which of the targets open to it at that moment, and which value.
type Command = (u8, Index, Index);

fn command() -> impl Strategy<Value = Command> {
    (0u8..10, any::<Index>(), any::<Index>())
}

/// The number of command sequences: 100 in `cargo test`, as many as
/// `PROPTEST_CASES` asks for in `make fuzz`.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_commands_match_a_full_recomputation(
        commands in prop::collection::vec(command(), 0..60)
    ) {
        let mut s = fresh();
        let mut log = Vec::new();
        for (kind, target, value) in &commands {
            let (answerable, repeats, instances) = targets(&s);
            match kind {
                0..=6 => {
                    let path = target.get(&answerable);
                    let value = value.get(VALUES);
                    log.push(format!("answer {path} {value:?}"));
                    // Refusals (a read-only question) are part of the test:
                    // they must leave the state as it was.
                    let _ = s.answer(path, value);
                }
                7 | 8 if !repeats.is_empty() => {
                    let path = target.get(&repeats);
                    log.push(format!("add {path}"));
                    s.add_repeat(path).unwrap();
                }
                _ if !instances.is_empty() => {
                    let path = target.get(&instances);
                    log.push(format!("remove {path}"));
                    s.remove_repeat(path).unwrap();
                }
                _ => {}
            }
        }
        let mut full = fresh();
        full.load_answers(&s.draft_json()).unwrap();
        prop_assert_eq!(state(&s), state(&full), "commands:\n{}", log.join("\n"));
    }
}
