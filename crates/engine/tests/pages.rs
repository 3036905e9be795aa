//! Page checking, as the form screen uses it: a form, a script of answers
//! and button presses, and a log of what each press did, compared with
//! `expect!` (refresh with `UPDATE_EXPECT=1 cargo test -p yim-engine --test
//! pages`).
//!
//! Each line of the log is one step. After every step it shows the page
//! (`page 2 of 3`, numbered among the shown pages, with the index of the
//! page in the form in brackets), what the forward button does, and the
//! errors the screen shows (`shown:`), that is the errors of visited
//! questions only.

mod common;
use common::session;
use expect_test::{expect, Expect};
use yim_engine::{Forward, NodeView, Pager, Session, Turn};

enum Step<'a> {
    Answer(&'a str, &'a str),
    Add(&'a str),
    Next,
    Skip,
    Back,
    Open(usize),
    Finalize,
}
use Step::*;

fn shown_errors(s: &Session) -> Vec<String> {
    fn walk(n: &NodeView, out: &mut Vec<String>) {
        if n.show_error && n.error.is_some() {
            out.push(n.path.clone());
        }
        n.children.iter().for_each(|c| walk(c, out));
        for entry in &n.instances {
            entry.children.iter().for_each(|c| walk(c, out));
        }
    }
    let mut out = Vec::new();
    s.view().items.iter().for_each(|n| walk(n, &mut out));
    out
}

fn state(s: &Session, pager: &Pager) -> String {
    let (here, total) = pager.position(s);
    let forward = match pager.forward(s) {
        Forward::Next => "Next",
        Forward::Finalize => "Finalize",
    };
    format!(
        "page {here} of {total} [{}], {forward}, shown: [{}]",
        pager.current(),
        shown_errors(s).join(", ")
    )
}

fn problems(list: &[yim_engine::Problem]) -> String {
    list.iter()
        .map(|p| {
            let kind = if p.missing { "missing" } else { "wrong" };
            match p.page {
                Some(page) => format!("{} ({kind}, page [{page}])", p.path),
                None => format!("{} ({kind})", p.path),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs the script and compares the log.
fn check(form: &str, steps: &[Step], expect: Expect) {
    let mut s = session(form);
    let mut pager = Pager::new(&s, 0);
    let mut log = format!("start: {}\n", state(&s, &pager));
    for step in steps {
        let what = match step {
            Answer(path, value) => {
                s.answer(path, value).unwrap();
                format!("answer {path} = {value:?}")
            }
            Add(path) => {
                s.add_repeat(path).unwrap();
                format!("add {path}")
            }
            Next => match pager.next(&mut s).1 {
                Turn::Moved(page) => format!("next: moved to [{page}]"),
                Turn::Last => "next: last page, ready to finalize".to_string(),
                Turn::Stay {
                    problems: list,
                    skip_to,
                } => format!(
                    "next: stays with {}; go on anyway: {}",
                    problems(&list),
                    skip_to.map_or("no".to_string(), |p| format!("to [{p}]"))
                ),
            },
            Skip => match pager.skip(&s) {
                Some(page) => format!("go on anyway: moved to [{page}]"),
                None => "go on anyway: refused".to_string(),
            },
            Back => match pager.back(&s) {
                Some(page) => format!("back: moved to [{page}]"),
                None => "back: nowhere".to_string(),
            },
            Open(page) => {
                pager.open(&mut s, *page);
                format!("open [{page}]")
            }
            Finalize => {
                let (_, list) = pager.finalize(&mut s);
                format!("finalize: [{}]", problems(&list))
            }
        };
        // A page's problems are exactly the problems of the whole response
        // that are on that page.
        for page in 0..s.form().pages().len() {
            let mut all = s.problems();
            all.retain(|p| p.page == Some(page));
            assert_eq!(s.page_problems(page), all, "page {page} after {what}");
        }
        log.push_str(&format!("{what}\n    {}\n", state(&s, &pager)));
    }
    expect.assert_eq(&log);
}

/// A consent page that opens the rest, a page whose questions all depend on
/// a later answer, and a page of loose questions at the end.
const FORM: &str = "\
form: {id: t, version: '1', title: T}
questions:
  - name: start
    type: group
    label: Start
    questions:
      - {name: recorder, type: text, label: Recorder, required: yes}
      - {name: consent, type: select_one yn, label: Consent, required: yes}
  - name: child
    type: group
    label: Child
    relevant: \"${consent} = 'y'\"
    questions:
      - {name: child_name, type: text, label: Name, required: yes}
      - {name: age, type: integer, label: Age, constraint: '. < 18'}
  - name: school
    type: group
    label: School
    relevant: \"${consent} = 'y'\"
    questions:
      - {name: enrolled, type: select_one yn, label: Enrolled, relevant: '${age} >= 3', required: yes}
      - {name: school_note, type: note, label: Note, relevant: \"${enrolled} = 'n'\"}
  - {name: total, type: calculate, calculation: '${age} * 12'}
  - {name: plan, type: text, label: Plan, relevant: \"${consent} = 'y'\"}
  - {name: remark, type: text, label: Remark, relevant: \"${consent} = 'y'\"}
choices:
  yn:
    - {name: y, label: Yes}
    - {name: n, label: No}
";

#[test]
fn before_consent_next_checks_the_first_page_and_stays() {
    check(
        FORM,
        &[
            Next,
            Skip,
            Answer("recorder", "Somsri"),
            Next,
            Answer("consent", "y"),
        ],
        expect![[r#"
            start: page 1 of 1 [0], Next, shown: []
            next: stays with recorder (missing, page [0]), consent (missing, page [0]); go on anyway: no
                page 1 of 1 [0], Next, shown: [recorder, consent]
            go on anyway: refused
                page 1 of 1 [0], Next, shown: [recorder, consent]
            answer recorder = "Somsri"
                page 1 of 1 [0], Next, shown: [consent]
            next: stays with consent (missing, page [0]); go on anyway: no
                page 1 of 1 [0], Next, shown: [consent]
            answer consent = "y"
                page 1 of 3 [0], Next, shown: []
        "#]],
    );
}

#[test]
fn answering_consent_opens_the_later_pages_and_skips_empty_ones() {
    check(
        FORM,
        &[
            Answer("recorder", "Somsri"),
            Answer("consent", "y"),
            Next,
            Next,
            Skip,
            Back,
            Answer("age", "7"),
            Next,
        ],
        expect![[r#"
            start: page 1 of 1 [0], Next, shown: []
            answer recorder = "Somsri"
                page 1 of 1 [0], Next, shown: []
            answer consent = "y"
                page 1 of 3 [0], Next, shown: []
            next: moved to [1]
                page 2 of 3 [1], Next, shown: []
            next: stays with child_name (missing, page [1]); go on anyway: to [3]
                page 2 of 3 [1], Next, shown: [child_name]
            go on anyway: moved to [3]
                page 3 of 3 [3], Finalize, shown: [child_name]
            back: moved to [1]
                page 2 of 3 [1], Next, shown: [child_name]
            answer age = "7"
                page 2 of 4 [1], Next, shown: [child_name]
            next: stays with child_name (missing, page [1]); go on anyway: to [2]
                page 2 of 4 [1], Next, shown: [child_name]
        "#]],
    );
}

#[test]
fn a_wrong_answer_cannot_be_skipped() {
    check(
        FORM,
        &[
            Answer("recorder", "Somsri"),
            Answer("consent", "y"),
            Next,
            Answer("age", "25"),
            Next,
            Skip,
            Answer("age", ""),
            Skip,
        ],
        expect![[r#"
            start: page 1 of 1 [0], Next, shown: []
            answer recorder = "Somsri"
                page 1 of 1 [0], Next, shown: []
            answer consent = "y"
                page 1 of 3 [0], Next, shown: []
            next: moved to [1]
                page 2 of 3 [1], Next, shown: []
            answer age = "25"
                page 2 of 4 [1], Next, shown: [age]
            next: stays with child_name (missing, page [1]), age (wrong, page [1]); go on anyway: no
                page 2 of 4 [1], Next, shown: [child_name, age]
            go on anyway: refused
                page 2 of 4 [1], Next, shown: [child_name, age]
            answer age = ""
                page 2 of 3 [1], Next, shown: [child_name]
            go on anyway: moved to [3]
                page 3 of 3 [3], Finalize, shown: [child_name]
        "#]],
    );
}

#[test]
fn consent_refused_finalizes_from_the_first_page() {
    check(
        FORM,
        &[
            Answer("consent", "n"),
            Next,
            Answer("recorder", "Somsri"),
            Next,
        ],
        expect![[r#"
            start: page 1 of 1 [0], Next, shown: []
            answer consent = "n"
                page 1 of 1 [0], Next, shown: []
            next: stays with recorder (missing, page [0]); go on anyway: no
                page 1 of 1 [0], Next, shown: [recorder]
            answer recorder = "Somsri"
                page 1 of 1 [0], Finalize, shown: []
            next: last page, ready to finalize
                page 1 of 1 [0], Finalize, shown: []
        "#]],
    );
}

#[test]
fn finalize_lists_everything_but_shows_errors_only_on_visited_pages() {
    // The school page appears only once the age is known; the age is
    // answered from the last page, so the school page is never visited.
    check(
        FORM,
        &[
            Answer("recorder", "Somsri"),
            Answer("consent", "y"),
            Next,
            Answer("child_name", "Dao"),
            Next,
            Answer("age", "7"),
            Finalize,
            Open(2),
        ],
        expect![[r#"
            start: page 1 of 1 [0], Next, shown: []
            answer recorder = "Somsri"
                page 1 of 1 [0], Next, shown: []
            answer consent = "y"
                page 1 of 3 [0], Next, shown: []
            next: moved to [1]
                page 2 of 3 [1], Next, shown: []
            answer child_name = "Dao"
                page 2 of 3 [1], Next, shown: []
            next: moved to [3]
                page 3 of 3 [3], Finalize, shown: []
            answer age = "7"
                page 4 of 4 [3], Finalize, shown: []
            finalize: [enrolled (missing, page [2])]
                page 4 of 4 [3], Finalize, shown: []
            open [2]
                page 3 of 4 [2], Next, shown: [enrolled]
        "#]],
    );
}

#[test]
fn a_repeat_page_checks_every_entry() {
    let form = "\
form: {id: t, version: '1', title: T}
questions:
  - {name: head, type: text, label: Head}
  - name: members
    type: repeat
    label: Members
    questions:
      - {name: member, type: text, label: Name, required: yes}
      - {name: age, type: integer, label: Age, constraint: '. < 120'}
  - {name: remark, type: text, label: Remark}
";
    check(
        form,
        &[
            Next,
            Add("members"),
            Add("members"),
            Answer("members[2]/member", "Pim"),
            Answer("members[2]/age", "130"),
            Next,
            Answer("members[2]/age", "13"),
            Next,
            Skip,
        ],
        expect![[r#"
            start: page 1 of 3 [0], Next, shown: []
            next: moved to [1]
                page 2 of 3 [1], Next, shown: []
            add members
                page 2 of 3 [1], Next, shown: []
            add members
                page 2 of 3 [1], Next, shown: []
            answer members[2]/member = "Pim"
                page 2 of 3 [1], Next, shown: []
            answer members[2]/age = "130"
                page 2 of 3 [1], Next, shown: [members[2]/age]
            next: stays with members[1]/member (missing, page [1]), members[2]/age (wrong, page [1]); go on anyway: no
                page 2 of 3 [1], Next, shown: [members[1]/member, members[2]/age]
            answer members[2]/age = "13"
                page 2 of 3 [1], Next, shown: [members[1]/member]
            next: stays with members[1]/member (missing, page [1]); go on anyway: to [2]
                page 2 of 3 [1], Next, shown: [members[1]/member]
            go on anyway: moved to [2]
                page 3 of 3 [2], Finalize, shown: [members[1]/member]
        "#]],
    );
}
