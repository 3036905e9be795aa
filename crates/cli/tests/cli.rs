//! The CLI's behaviour pinned as cases: arguments in, exit status and output
//! out. Refresh the expected output with `UPDATE_EXPECT=1`.

mod common;

use std::path::Path;

use expect_test::{expect, Expect};

/// Runs `yim` in the fixtures folder and compares `status`, stdout and stderr.
fn check(args: &[&str], status: i32, expect: &Expect) {
    let fixtures = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"));
    expect.assert_eq(&common::run(fixtures, args, status));
}

#[test]
fn lint_clean_files_prints_nothing() {
    check(&["lint", "good.yaml", "variant.yaml"], 0, &expect![[""]]);
}

#[test]
fn lint_reports_every_expression_problem_with_its_place() {
    check(
        &["lint", "bad-expressions.yaml"],
        1,
        &expect![[r#"
            bad-expressions.yaml:13:16: in relevant: unknown question `${agee}`, did you mean `${age}`?
            bad-expressions.yaml:16:19: these expressions depend on each other in a cycle: ${a} → ${b} → ${a}
            bad-expressions.yaml:22:19: in calculation: function `substr` expects 2 or 3 arguments, but found 1
            bad-expressions.yaml:26:16: in relevant: `.` is only allowed in a constraint
            bad-expressions.yaml:29:13: the label shows `${nobody}`, but no question has that name
            bad-expressions.yaml:9:18: warning: the constraint of `age` has no constraint_message, so a wrong answer only reads "this answer is not allowed"
        "#]],
    );
}

#[test]
fn lint_usage_errors_exit_2() {
    check(
        &["lint"],
        2,
        &expect![[r#"
            stderr: yim: lint needs at least one file or folder
            stderr: 
            stderr: usage: yim <command> [options]
            stderr: 
            stderr: commands:
            stderr:   lint PATH...                      check form files (or every form in a folder)
            stderr:   eval --form FILE [--answers JSON_FILE] [--today YYYY-MM-DD] [--lang LANG] EXPR
            stderr:                                     evaluate an expression against a form and answers
            stderr:   resolve FILE                      print a form with its variants applied, as YAML
            stderr:   diff A B                          show how form B differs from form A (variants applied)
            stderr:   import FILE.xlsx|FILE.csv [-o FORM.yaml]
            stderr:                                     convert an XLSForm into a form file, reporting what did not convert
            stderr:   export-xlsform FORM.yaml -o FORM.xlsx
            stderr:                                     write a form (variants applied) as an XLSForm for ODK or Kobo,
            stderr:                                     reporting what XLSForm cannot express
            stderr:   publish FOLDER... -o OUT [-r RECIPIENTS_FILE]... [--intake URL]
            stderr:                                     check every form and write them, their CSV lists and an index
            stderr:                                     for the app to read; every form must end up with recipients
            stderr:                                     (the deployment's RECIPIENTS_FILE, or its settings.recipients);
            stderr:                                     --intake names where the app uploads bundles (/api/ when
            stderr:                                     `yim serve` serves the app too)
            stderr:   guides FOLDER --css FILE -o OUT   render the Markdown guides of FOLDER (README.md as index.html)
            stderr:                                     into pages for the app, with their images and the style sheet
            stderr:   keygen -o FILE                    make a key for the data office and print its public key
            stderr:   decrypt -i KEY_FILE -o FOLDER [--format csv|parquet|json] [--labels] [--bom] [--raw-csv] BUNDLE...
            stderr:                                     check, decrypt and merge bundles into one CSV (or Parquet) file per form and repeat
            stderr:                                     (-i again for more keys; --passphrase-file FILE for a passphrase;
            stderr:                                     --raw-csv leaves out the ' that stops answers reading as formulas)
            stderr:   report FOLDER -o FILE.html [--date YYYY-MM-DD] [--by province,district,tambon]
            stderr:                                     summarise the cases of a folder that decrypt wrote (CSV) as one
            stderr:                                     HTML page, per area with --by; follow-ups due before --date
            stderr:                                     (default: today in Thailand) are overdue
            stderr:   serve [--store DIR|s3://BUCKET/PREFIX] [--tokens FILE] [--listen ADDR:PORT]
            stderr:         [--app DIR] [--forms DIR] [--max-bundle-mib N]
            stderr:                                     receive bundles over HTTP (POST /api/bundles) and keep them in
            stderr:                                     a folder (./inbox) or a bucket; optionally serve the app too
            stderr:   serve token new NAME [--pull] [--tokens FILE]
            stderr:                                     make a token for a coordinator (or, with --pull, the data
            stderr:                                     office), print it once and add its hash to FILE (tokens.txt)
            stderr:   pull --from URL|DIR|s3://BUCKET/PREFIX -o INBOX [--token-file FILE]
            stderr:                                     copy the bundles not yet pulled into INBOX (the pull token from
            stderr:                                     FILE or YIM_PULL_TOKEN)
            stderr:   help                              show this message
            stderr: 
        "#]],
    );
    check(
        &["lint", "missing.yaml"],
        2,
        &expect![[r#"
        stderr: yim: missing.yaml: no such file or folder
    "#]],
    );
}

#[test]
fn eval_uses_answers_and_repeats() {
    let base = [
        "eval",
        "--form",
        "good.yaml",
        "--answers",
        "answers.json",
        "--today",
        "2026-11-23",
    ];
    let cases: &[(&str, Expect)] = &[
        ("sum(${kid_age})", expect![["15\n"]]),
        ("count(${kids})", expect![["2\n"]]),
        ("${age} >= 6 and ${school} != ''", expect![["true\n"]]),
        (
            "concat(${school}, ' / ', format-date(today(), '%Y'))",
            expect![["\"Ban Nong Bua / 2026\"\n"]],
        ),
    ];
    for (expr, expected) in cases {
        let mut args = base.to_vec();
        args.push(expr);
        check(&args, 0, expected);
    }
}

#[test]
fn eval_reports_expression_errors_with_columns() {
    check(
        &["eval", "--form", "good.yaml", "${agee} + 1"],
        1,
        &expect![[r#"
        <expression>:1:1: unknown question `${agee}`, did you mean `${age}`?
    "#]],
    );
}

#[test]
fn resolve_prints_the_variant_applied() {
    check(
        &["resolve", "variant.yaml"],
        0,
        &expect![[r#"
        form:
          id: fixture-variant
          version: 1-v
          title: {th: แบบทดสอบ, en: Fixture}
          languages: [th, en]
          default_language: th
          based_on: fixture-good
        questions:
          - name: age
            type: integer
            label: {th: อายุ, en: Age}
          - name: village
            type: text
            label: {th: หมู่บ้าน, en: Village}
          - name: kids
            type: repeat
            label: {th: เด็ก, en: Child}
            questions:
              - name: kid_age
                type: integer
                label: {th: อายุเด็ก, en: Child's age}
    "#]],
    );
}

#[test]
fn lint_warns_of_rules_without_a_message_but_passes() {
    check(
        &["lint", "no-message.yaml"],
        0,
        &expect![[r#"
        no-message.yaml:9:13: warning: the `checks` pattern of `phone` has no constraint_message, so a wrong answer only reads "this answer does not have the expected form"
        no-message.yaml:13:18: warning: the constraint of `age` has no constraint_message, so a wrong answer only reads "this answer is not allowed"
    "#]],
    );
}

#[test]
fn lint_reports_a_follow_up_whose_case_list_no_linted_form_opens() {
    check(
        &["lint", "case-open.yaml", "case-follow.yaml"],
        1,
        &expect![[r#"
            case-follow.yaml:3:9: no form linted with this one opens cases of the list `kids` (the forms linted open `children`)
        "#]],
    );
    check(
        &["lint", "case-follow.yaml"],
        1,
        &expect![[r#"
        case-follow.yaml:3:9: no form linted with this one opens cases of the list `kids`; lint this form together with the form that opens the cases
    "#]],
    );
}

#[test]
fn the_national_and_province_forms_lint_cleanly_together() {
    check(&["lint", "../../../../forms"], 0, &expect![[""]]);
}
