//! Compile errors, each drawn under the part of the source it points at.
//!
//! Refresh the expectations with `UPDATE_EXPECT=1 cargo test -p yim-expr`.

use expect_test::{expect, Expect};
use yim_expr::{compile, Ty, Value};

use crate::fixture::Form;

/// Compiles `src` against the standard form, where `.` is not allowed.
fn check(src: &str, expected: Expect) {
    check_in(&Form::standard(), src, expected);
}

fn check_in(form: &Form, src: &str, expected: Expect) {
    let actual = match compile(src, form) {
        Ok(_) => format!("{src}\nok\n"),
        Err(errors) => {
            let mut out = format!("{src}\n");
            for e in errors {
                let column = src[..e.span.start].chars().count();
                let width = src[e.span.start..e.span.end].chars().count().max(1);
                out.push_str(&format!(
                    "{}{} {}\n",
                    " ".repeat(column),
                    "^".repeat(width),
                    e.message
                ));
            }
            out
        }
    };
    expected.assert_eq(&actual);
}

#[test]
fn valid_expressions_compile() {
    check(
        "${age} >= 15 and selected(${risks}, 'labour')",
        expect![[r#"
            ${age} >= 15 and selected(${risks}, 'labour')
            ok
        "#]],
    );
    check_in(
        &Form::at(Ty::Integer, Value::Empty),
        ". >= 0 and . <= ${age}",
        expect![[r#"
            . >= 0 and . <= ${age}
            ok
        "#]],
    );
}

#[test]
fn syntax() {
    check(
        "1 +",
        expect![[r#"
        1 +
           ^ expected an expression, but found end of expression
    "#]],
    );
    check(
        "${age} > 5 and",
        expect![[r#"
        ${age} > 5 and
                      ^ expected an expression, but found end of expression
    "#]],
    );
    check(
        "1 + * 2",
        expect![[r#"
        1 + * 2
            ^ expected an expression before `*`
    "#]],
    );
    check(
        "${age} 5",
        expect![[r#"
        ${age} 5
               ^ expected an operator, but found the number 5
    "#]],
    );
    check(
        "concat(${name}, 'a'",
        expect![[r#"
        concat(${name}, 'a'
                           ^ expected `)` to close the call to `concat` at column 1, but found end of expression
    "#]],
    );
    check(
        "concat(${name} 'a')",
        expect![[r#"
        concat(${name} 'a')
                       ^^^ expected `,` or `)` after an argument of `concat`, but found text 'a'
    "#]],
    );
    check(
        "((1 + 2)",
        expect![[r#"
        ((1 + 2)
                ^ expected `)` to close `(` at column 1, but found end of expression
    "#]],
    );
    check(
        "(1 + 2))",
        expect![[r#"
        (1 + 2))
               ^ expected an operator, but found `)`
    "#]],
    );
    check(
        "'abc",
        expect![[r#"
        'abc
        ^^^^ expected ' to close the text, but found end of expression
    "#]],
    );
    check(
        "${age",
        expect![[r#"
        ${age
        ^^^^^ expected `}` to close `${`, but found end of expression
    "#]],
    );
    check(
        "${age and ${name} = 'x'",
        expect![[r#"
        ${age and ${name} = 'x'
        ^^^^^ expected `}` to close `${`, but found `$`
    "#]],
    );
    check(
        "${first name} = 'x'",
        expect![[r#"
        ${first name} = 'x'
        ^^^^^^^^^^^^^ question names cannot contain spaces, but found `${first name}`
    "#]],
    );
    check(
        "${}",
        expect![[r#"
        ${}
        ^^^ expected a question name inside `${}`
    "#]],
    );
    check(
        "$age",
        expect![[r#"
        $age
        ^^^^ expected `{` after `$`, write `${age}`
    "#]],
    );
    check(
        "age > 5",
        expect![[r#"
        age > 5
        ^^^ unexpected name `age`; refer to questions as `${age}` and quote text as 'age'
    "#]],
    );
    check(
        "true",
        expect![[r#"
        true
        ^^^^ expected an expression, but found `true`; write `true()`
    "#]],
    );
    check(
        "and 1",
        expect![[r#"
        and 1
        ^^^ expected an expression before `and`
    "#]],
    );
    check(
        "@foo",
        expect![[r#"
        @foo
        ^ unexpected character `@`
         ^^^ unexpected name `foo`; refer to questions as `${foo}` and quote text as 'foo'
    "#]],
    );
    check(
        "${age} == 5",
        expect![[r#"
        ${age} == 5
               ^^ `==` is not an operator, use `=`
    "#]],
    );
    check(
        "${age} <> 5",
        expect![[r#"
        ${age} <> 5
               ^^ `<>` is not an operator, use `!=`
    "#]],
    );
    check(
        "${age} > 1 && ${age} < 5",
        expect![[r#"
        ${age} > 1 && ${age} < 5
                   ^^ `&&` is not an operator, use `and`
    "#]],
    );
    check(
        "${age} > 1 || ${age} < 5",
        expect![[r#"
        ${age} > 1 || ${age} < 5
                   ^^ `||` is not an operator, use `or`
    "#]],
    );
    check(
        "!${consent}",
        expect![[r#"
        !${consent}
        ^ `!` is not an operator, use `not(...)` or `!=`
    "#]],
    );
    check(
        "${age} / 2",
        expect![[r#"
        ${age} / 2
               ^ `/` is not division here, use `div`
    "#]],
    );
    check(
        "${age} | ${name}",
        expect![[r#"
        ${age} | ${name}
               ^ `|` is not supported in expressions, use `or`
    "#]],
    );
    check(
        "",
        expect![[r#"

        ^ expected an expression, but found end of expression
    "#]],
    );
}

#[test]
fn nesting_is_limited() {
    let deep = format!("{}1", "-".repeat(300));
    let errors = compile(&deep, &Form::standard()).err().unwrap_or_default();
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        ["expression is nested too deeply, at most 256 levels are allowed"]
    );

    let parens = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    let errors = compile(&parens, &Form::standard())
        .err()
        .unwrap_or_default();
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        ["expression is nested too deeply, at most 256 levels are allowed"]
    );

    let long = vec!["1"; 300].join(" + ");
    let errors = compile(&long, &Form::standard()).err().unwrap_or_default();
    assert_eq!(errors.len(), 1, "{errors:?}");

    let fine = vec!["${age}"; 200].join(" + ");
    assert!(compile(&fine, &Form::standard()).is_ok());
}

#[test]
fn names() {
    check(
        "${nmae} + 1",
        expect![[r#"
        ${nmae} + 1
        ^^^^^^^ unknown question `${nmae}`, did you mean `${name}`?
    "#]],
    );
    check(
        "${Age} + 1",
        expect![[r#"
        ${Age} + 1
        ^^^^^^ unknown question `${Age}`, did you mean `${age}`?
    "#]],
    );
    check(
        "${nothing_like_it}",
        expect![[r#"
        ${nothing_like_it}
        ^^^^^^^^^^^^^^^^^^ unknown question `${nothing_like_it}`
    "#]],
    );
    check(
        "${a} and ${b} or foo(1, ${c})",
        expect![[r#"
        ${a} and ${b} or foo(1, ${c})
        ^^^^ unknown question `${a}`
                 ^^^^ unknown question `${b}`
                         ^^^ unknown function `foo`
                                ^^^^ unknown question `${c}`
    "#]],
    );
    check(
        ". > 5",
        expect![[r#"
        . > 5
        ^ `.` is only allowed in a constraint
    "#]],
    );
    check(
        "..",
        expect![[r#"
        ..
        ^^ `..` is only allowed in position(..)
    "#]],
    );
}

#[test]
fn functions() {
    check(
        "substring(${name}, 1)",
        expect![[r#"
        substring(${name}, 1)
        ^^^^^^^^^ unknown function `substring`, did you mean `substr`?
    "#]],
    );
    check(
        "lenght(${name})",
        expect![[r#"
        lenght(${name})
        ^^^^^^ unknown function `lenght`, did you mean `string-length`?
    "#]],
    );
    check(
        "string_length(${name})",
        expect![[r#"
        string_length(${name})
        ^^^^^^^^^^^^^ unknown function `string_length`, did you mean `string-length`?
    "#]],
    );
    check(
        "choice-name(${sex}, '${sex}')",
        expect![[r#"
        choice-name(${sex}, '${sex}')
        ^^^^^^^^^^^ unknown function `choice-name`, did you mean `jr:choice-name`?
    "#]],
    );
    check(
        "frobnicate(1)",
        expect![[r#"
        frobnicate(1)
        ^^^^^^^^^^ unknown function `frobnicate`
    "#]],
    );
    check(
        "substr(${name})",
        expect![[r#"
        substr(${name})
        ^^^^^^^^^^^^^^^ function `substr` expects 2 or 3 arguments, but found 1
    "#]],
    );
    check(
        "if(${age} > 5, 'a')",
        expect![[r#"
        if(${age} > 5, 'a')
        ^^^^^^^^^^^^^^^^^^^ function `if` expects 3 arguments, but found 2
    "#]],
    );
    check(
        "true(1)",
        expect![[r#"
        true(1)
        ^^^^^^^ function `true` expects no arguments, but found 1
    "#]],
    );
    check(
        "concat()",
        expect![[r#"
        concat()
        ^^^^^^^^ function `concat` expects at least 1 argument, but found 0
    "#]],
    );
    check(
        "today(1, 2, 3, 4)",
        expect![[r#"
        today(1, 2, 3, 4)
        ^^^^^^^^^^^^^^^^^ function `today` expects no arguments, but found 4
    "#]],
    );
    check(
        "weighted-checklist(1, 2, true(), 1, false())",
        expect![[r#"
        weighted-checklist(1, 2, true(), 1, false())
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ function `weighted-checklist` expects a weight after each condition, but found 5 arguments
    "#]],
    );
    check(
        "position(${age})",
        expect![[r#"
        position(${age})
                 ^^^^^^ `position` expects `..`, but found `${age}`
    "#]],
    );
}

#[test]
fn types() {
    check(
        "${age} + 'abc'",
        expect![[r#"
        ${age} + 'abc'
                 ^^^^^ cannot add text 'abc' to a number
    "#]],
    );
    check(
        "'abc' - ${age}",
        expect![[r#"
        'abc' - ${age}
        ^^^^^ cannot subtract a number from text 'abc'
    "#]],
    );
    check(
        "${age} div 'x'",
        expect![[r#"
        ${age} div 'x'
                   ^^^ cannot divide a number by text 'x'
    "#]],
    );
    check(
        "-'abc'",
        expect![[r#"
        -'abc'
         ^^^^^ cannot negate text 'abc'
    "#]],
    );
    check(
        "${age} + '12' + '' + '2024-01-01'",
        expect![[r#"
        ${age} + '12' + '' + '2024-01-01'
        ok
    "#]],
    );
    check(
        "selected(${name}, 'a')",
        expect![[r#"
            selected(${name}, 'a')
            ok
        "#]],
    );
    check(
        "selected('a b', 'a')",
        expect![[r#"
            selected('a b', 'a')
            ok
        "#]],
    );
    check(
        "count-selected(${dob})",
        expect![[r#"
            count-selected(${dob})
            ok
        "#]],
    );
    check_in(
        &Form::at(Ty::Text, Value::Empty),
        "selected(., 'a')",
        expect![[r#"
            selected(., 'a')
            ok
        "#]],
    );
    check(
        "count(1 + 2)",
        expect![[r#"
        count(1 + 2)
              ^^^^^ `count` expects a question such as `${household_member}`, but found `1 + 2`
    "#]],
    );
    check(
        "sum(concat(${child_age}))",
        expect![[r#"
        sum(concat(${child_age}))
            ^^^^^^^^^^^^^^^^^^^^ `sum` expects a question such as `${amount}`, but found `concat(${child_age})`
    "#]],
    );
    check(
        "sum(${children})",
        expect![[r#"
        sum(${children})
            ^^^^^^^^^^^ `sum` expects a question inside a repeat, but `${children}` is a repeat
    "#]],
    );
    check(
        "count(${household})",
        expect![[r#"
        count(${household})
              ^^^^^^^^^^^^ `count` expects a question inside a repeat, but `${household}` is a group
    "#]],
    );
    check(
        "${children} + 1",
        expect![[r#"
        ${children} + 1
        ^^^^^^^^^^^ `${children}` is a repeat and has no value of its own; use count(${children}) for the number of instances
    "#]],
    );
    check(
        "${household}",
        expect![[r#"
        ${household}
        ^^^^^^^^^^^^ `${household}` is a group and has no value of its own
    "#]],
    );
    check(
        "${child_age} + 1",
        expect![[r#"
        ${child_age} + 1
        ^^^^^^^^^^^^ `${child_age}` is inside a repeat and has one value per instance here; use it inside sum(), count(), max(), join() or indexed-repeat()
    "#]],
    );
    check(
        "string(${child_age})",
        expect![[r#"
        string(${child_age})
               ^^^^^^^^^^^^ `${child_age}` is inside a repeat and has one value per instance here; use it inside sum(), count(), max(), join() or indexed-repeat()
    "#]],
    );
    check(
        "regex(${name}, '[a-')",
        expect![[r#"
        regex(${name}, '[a-')
                       ^^^^^ invalid regular expression: non-empty character class has no closing bracket after dash
    "#]],
    );
    check(
        "regex(${name}, '(?<x')",
        expect![[r#"
        regex(${name}, '(?<x')
                       ^^^^^^ invalid regular expression: expected end of capture group name, but got end of pattern
    "#]],
    );
    check(
        "jr:choice-name(${sex}, 'sex')",
        expect![[r#"
        jr:choice-name(${sex}, 'sex')
                               ^^^^^ `jr:choice-name` expects the question as text such as '${colour}', but found text 'sex'
    "#]],
    );
    check(
        "jr:choice-name(${name}, '${name}')",
        expect![[r#"
        jr:choice-name(${name}, '${name}')
                                ^^^^^^^^^ `jr:choice-name` expects a select_one or select_multiple question, but `${name}` is a text question
    "#]],
    );
    check(
        "jr:choice-name(${sex}, '${sexx}')",
        expect![[r#"
        jr:choice-name(${sex}, '${sexx}')
                               ^^^^^^^^^ unknown question `${sexx}`, did you mean `${sex}`?
    "#]],
    );
    check(
        "format-date('yesterday', '%Y')",
        expect![[r#"
        format-date('yesterday', '%Y')
                    ^^^^^^^^^^^ expected a date such as '2024-05-31', but found text 'yesterday'
    "#]],
    );
    check(
        "indexed-repeat(${child_name}, ${household}, 1)",
        expect![[r#"
        indexed-repeat(${child_name}, ${household}, 1)
                                      ^^^^^^^^^^^^ `indexed-repeat` expects a repeat as its second argument, but found `${household}`
    "#]],
    );
}

/// Look-ups into choice lists: the one path shape ODK forms use, lists and
/// columns that exist, and the arguments `pulldata` needs as text.
#[test]
fn look_ups() {
    check(
        "instance('sclass')/root/item[name = ${sex}]/label",
        expect![[r#"
            instance('sclass')/root/item[name = ${sex}]/label
            ^^^^^^^^^^^^^^^^^^ unknown choice list `sclass`
        "#]],
    );
    check(
        "instance('seclass')/root/item[nmae = ${sex}]/label",
        expect![[r#"
            instance('seclass')/root/item[nmae = ${sex}]/label
                                          ^^^^ the list has no column `nmae`; refer to questions as `${nmae}`
        "#]],
    );
    check(
        "instance('seclass')/root/item[name = ${sex}]/colour",
        expect![[r#"
            instance('seclass')/root/item[name = ${sex}]/colour
                                                         ^^^^^^ the choice list `seclass` has no column `colour`
        "#]],
    );
    check(
        "instance('seclass')/root/item[name = ${sex}]/itextId",
        expect![[r#"
            instance('seclass')/root/item[name = ${sex}]/itextId
                                                         ^^^^^^^ the choice list `seclass` has no column `itextId`; write jr:itext(...) around the path for the label
        "#]],
    );
    check(
        "instance('seclass')/item[name = ${sex}]",
        expect![[r#"
        instance('seclass')/item[name = ${sex}]
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expected a path such as instance('seclass')/root/item[name = ${question}]/label
    "#]],
    );
    check(
        "instance(${name})/root/item/label",
        expect![[r#"
        instance(${name})/root/item/label
        ^^^^^^^^^^^^^^^^^ `instance` expects the name of a choice list as text, such as instance('districts')
    "#]],
    );
    check(
        "instance('seclass')",
        expect![[r#"
        instance('seclass')
        ^^^^^^^^^^^^^^^^^^^ `instance(...)` must be followed by a path, such as instance('districts')/root/item[name = ${district}]/label
    "#]],
    );
    check(
        "jr:itext(instance('seclass')/root/item[name = 'low']/label)",
        expect![[r#"
            jr:itext(instance('seclass')/root/item[name = 'low']/label)
                                                                 ^^^^^ `jr:itext` reads a choice's label: the path ends in `itextId`, but found `label`
        "#]],
    );
    check(
        "jr:itext(${name})",
        expect![[r#"
        jr:itext(${name})
                 ^^^^^^^ `jr:itext` reads a choice's label, as in jr:itext(instance('list')/root/item[name = ${question}]/itextId), but found `${name}`
    "#]],
    );
    check(
        "instance('seclass')/root/item[name = 'low'/label",
        expect![[r#"
            instance('seclass')/root/item[name = 'low'/label
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expected a path such as instance('seclass')/root/item[name = ${question}]/label
                                                      ^ `/` is not division here, use `div`
                                                            ^ expected `]` to close `[` at column 30, but found end of expression
        "#]],
    );
    check(
        "name = 'x'",
        expect![[r#"
        name = 'x'
        ^^^^ unexpected name `name`; refer to questions as `${name}` and quote text as 'name'
    "#]],
    );
    check(
        "${age}[1]",
        expect![[r#"
        ${age}[1]
              ^ expected an operator, but found `[`
              ^ `[` is only allowed after a step of an `instance(...)` path
               ^ expected an operator, but found the number 1
                ^ expected an operator, but found `]`
    "#]],
    );
    check(
        "pulldata(${name}, 'price', 'name', 'mango')",
        expect![[r#"
            pulldata(${name}, 'price', 'name', 'mango')
                     ^^^^^^^ `pulldata` expects the list as text, but found `${name}`
        "#]],
    );
    check(
        "pulldata('fruit', 'price', 'name', 'mango')",
        expect![[r#"
            pulldata('fruit', 'price', 'name', 'mango')
                     ^^^^^^^ unknown choice list `fruit`
        "#]],
    );
    check(
        "pulldata('fruits', 'cost', 'nmae', 'mango')",
        expect![[r#"
            pulldata('fruits', 'cost', 'nmae', 'mango')
                               ^^^^^^ the choice list `fruits` has no column `cost`
                                       ^^^^^^ the choice list `fruits` has no column `nmae`
        "#]],
    );
    check(
        "digest('abc', 'SHA-3')",
        expect![[r#"
        digest('abc', 'SHA-3')
                      ^^^^^^^ `digest` knows MD5, SHA-1, SHA-256, SHA-384 and SHA-512, but found 'SHA-3'
    "#]],
    );
    check(
        "digest('abc', 'SHA-256', 'base32')",
        expect![[r#"
        digest('abc', 'SHA-256', 'base32')
                                 ^^^^^^^^ `digest` writes 'hex' or 'base64', but found 'base32'
    "#]],
    );
    check(
        "property('imei')",
        expect![[r#"
        property('imei')
                 ^^^^^^ `property` expects one of 'deviceid', 'username', 'end', but found text 'imei'
    "#]],
    );
    check(
        "property(${name})",
        expect![[r#"
        property(${name})
                 ^^^^^^^ `property` expects one of 'deviceid', 'username', 'end', but found `${name}`
    "#]],
    );
}
