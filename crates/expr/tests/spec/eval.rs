//! What expressions evaluate to.

use crate::fixture::{date, date_time, give, time, Form};
use yim_expr::{Ty, Value};

const NAN: f64 = f64::NAN;
const EMPTY: Value = Value::Empty;

#[test]
fn literals_and_arithmetic() {
    let f = Form::standard();
    give(&f, "42", 42.0);
    give(&f, ".5 + 1.", 1.5);
    give(&f, "'text'", "text");
    give(&f, "\"it's\"", "it's");
    give(&f, "1 + 2 * 3", 7.0);
    give(&f, "(1 + 2) * 3", 9.0);
    give(&f, "2 - 1 - 1", 0.0);
    give(&f, "8 div 2 div 2", 2.0);
    give(&f, "10 div 4", 2.5);
    give(&f, "10 mod 3", 1.0);
    give(&f, "-7 mod 3", -1.0);
    give(&f, "7 mod -3", 1.0);
    give(&f, "5.5 mod 2", 1.5);
    give(&f, "-2 * 3", -6.0);
    give(&f, "- -2", 2.0);
    give(&f, "3 - -2", 5.0);
    give(&f, "1 div 0", f64::INFINITY);
    give(&f, "-1 div 0", f64::NEG_INFINITY);
    give(&f, "0 div 0", NAN);
    give(&f, "5 mod 0", NAN);
    give(&f, "${age} + 1", 17.0);
    give(&f, "${amount} * 2", 5.0);
    give(&f, "${total} - 2", 5.0);
}

#[test]
fn coercion_to_number() {
    let f = Form::standard();
    give(&f, "'3' + 4", 7.0);
    give(&f, "' 1.50 ' * 2", 3.0);
    give(&f, "${count_text} * 2", 6.0);
    // Empty is not zero: arithmetic on an unanswered question is NaN.
    give(&f, "'' + 1", NAN);
    give(&f, "${empty} + 1", NAN);
    give(&f, "${blank} + 1", NAN);
    give(&f, "true() + 1", 2.0);
    give(&f, "false() * 5", 0.0);
    give(&f, "-${age}", -16.0);
    give(&f, "-${name}", NAN);
}

#[test]
fn numbers_print_like_odk() {
    let f = Form::standard();
    give(&f, "string(10 div 2)", "5");
    give(&f, "string(1 div 4)", "0.25");
    give(&f, "string(-3)", "-3");
    give(&f, "string(-0)", "0");
    give(&f, "string(1 div 0)", "Infinity");
    give(&f, "string(-1 div 0)", "-Infinity");
    give(&f, "string(0 div 0)", "NaN");
    give(&f, "concat(0.1 + 0.2)", "0.30000000000000004");
    give(&f, "concat(1000000 * 1000000)", "1000000000000");
    give(&f, "string(0.0000001)", "0.0000001");
}

#[test]
fn boolean_operators_and_precedence() {
    let f = Form::standard();
    give(&f, "1 = 1 and 2 = 2 or 1 = 2", true);
    give(&f, "1 = 2 and 2 = 2 or 1 = 1", true);
    give(&f, "1 = 2 or 2 = 2 and 1 = 2", false);
    give(&f, "(1 = 2 or 2 = 2) and 1 = 2", false);
    // Relational operators bind tighter than equality.
    give(&f, "1 < 2 = 2 < 3", true);
    give(&f, "1 + 2 = 3", true);
    give(&f, "1 and 0", false);
    give(&f, "'a' and 'b'", true);
    give(&f, "'' or 0", false);
    give(&f, "'false' and 1", true);
}

#[test]
fn and_or_short_circuit() {
    // The right-hand sides would be true, so only short-circuiting keeps the
    // results false and true.
    let f = Form::standard();
    give(&f, "false() and (1 div 0 > 0)", false);
    give(&f, "true() or (0 div 0 = 0)", true);
}

#[test]
fn equality_follows_xpath() {
    let f = Form::standard();
    give(&f, "${name} = 'Somchai'", true);
    give(&f, "${name} != 'Somchai'", false);
    give(&f, "'Somchai' = ${name}", true);
    // A number on either side compares numerically.
    give(&f, "${age} = '16'", true);
    give(&f, "${age} = '16.0'", true);
    give(&f, "${count_text} = 3", true);
    give(&f, "'abc' = 0", false);
    give(&f, "'abc' != 0", true);
    // A boolean on either side compares as booleans.
    give(&f, "true() = 'false'", true);
    give(&f, "false() = ''", true);
    give(&f, "${consent} = true()", true);
    give(&f, "${consent} = 'true'", true);
    // Unanswered questions equal the empty text, and no number.
    give(&f, "${empty} = ''", true);
    give(&f, "${blank} = ''", true);
    give(&f, "${empty} = 0", false);
    give(&f, "${empty} != 0", true);
    // NaN equals nothing, itself included.
    give(&f, "0 div 0 = 0 div 0", false);
    give(&f, "0 div 0 != 0 div 0", true);
    // A select_multiple answer compares as its space-separated text.
    give(&f, "${risks} = 'labour violence'", true);
    give(&f, "${risks} = 'labour'", false);
    give(&f, "${sex} = 'female'", true);
}

#[test]
fn relational_comparisons_are_numeric() {
    let f = Form::standard();
    give(&f, "${age} >= 15", true);
    give(&f, "${age} > 16", false);
    give(&f, "${age} <= 16", true);
    give(&f, "${age} < '20'", true);
    give(&f, "'abc' < 'abd'", false);
    give(&f, "'abc' >= 'abc'", false);
    give(&f, "${empty} < 1", false);
    give(&f, "${empty} > -1", false);
    give(&f, "true() > false()", true);
}

#[test]
fn dates_compare_with_dates_and_text() {
    let f = Form::standard();
    give(&f, "${dob} = '2010-03-15'", true);
    give(&f, "'2010-03-15' = ${dob}", true);
    give(&f, "${dob} != '2010-03-16'", true);
    give(&f, "${dob} = 'not a date'", false);
    give(&f, "${dob} < '2011-01-01'", true);
    give(&f, "${dob} > date('2011-01-01')", false);
    give(&f, "today() > ${dob}", true);
    give(&f, "today() = '2024-05-01'", true);
    give(&f, "${visit} > ${dob}", true);
    give(&f, "${visit} > '2024-05-01T09:00:00+07:00'", true);
    give(&f, "${visit} < '2024-05-01T09:00:00+06:00'", true);
    give(&f, "${visit} = '2024-05-01T02:30:00Z'", true);
    give(&f, "${visit} > ${dob}", true);
    give(&f, "${visit} >= '2024-05-01'", true);
    give(&f, "${visit} < '2024-05-02'", true);
    give(&f, "${start} < '09:00'", true);
    give(&f, "${start} = '08:15:00.000'", true);
    give(&f, "${dob} = 14683", true);
}

#[test]
fn date_arithmetic_counts_days() {
    let f = Form::standard();
    give(&f, "today() - ${dob}", 5161.0);
    give(&f, "int((today() - ${dob}) div 365.25)", 14.0);
    give(&f, "date(${dob}) + 30", 14713.0);
    give(&f, "date(date(${dob}) + 30)", date("2010-04-14"));
    give(
        &f,
        "format-date(date(${dob}) + 30, '%Y-%m-%d')",
        "2010-04-14",
    );
    give(&f, "format-date(${dob} + 30, '%Y-%m-%d')", "2010-04-14");
    give(&f, "today() - 1", 19843.0);
    give(&f, "'2024-01-31' - '2024-01-01'", 30.0);
    give(&f, "number(${dob})", 14683.0);
    give(&f, "number('2010-03-15')", 14683.0);
    give(&f, "decimal-date-time('1970-01-02T12:00:00Z')", 1.5);
    give(&f, "decimal-date-time(${dob})", 14683.0);
    // A date-time counts in local time: 09:30 is 0.3958333 of a day.
    give(&f, "round(decimal-date-time(${visit}) - 19844, 5)", 0.39583);
}

#[test]
fn repeats_give_node_sets() {
    let f = Form::standard();
    give(&f, "sum(${child_age})", 22.0);
    give(&f, "sum(${no_children})", 0.0);
    // An unanswered instance makes the sum NaN, as in XPath.
    give(&f, "sum(${income})", NAN);
    give(&f, "sum(${age})", 16.0);
    give(&f, "count(${children})", 3.0);
    give(&f, "count(${child_age})", 3.0);
    give(&f, "count(${no_children})", 0.0);
    // A question outside any repeat is one node.
    give(&f, "count(${age})", 1.0);
    give(&f, "count(${empty})", 1.0);
    give(&f, "count-non-empty(${child_name})", 2.0);
    give(&f, "count-non-empty(${income})", 1.0);
    give(&f, "count-non-empty(${name})", 1.0);
    give(&f, "count-non-empty(${empty})", 0.0);
    give(&f, "max(${child_age})", 12.0);
    give(&f, "min(${child_age})", 3.0);
    give(&f, "min(${child_age}, 1)", 1.0);
    give(&f, "max(${no_children})", NAN);
    give(&f, "max(${income})", NAN);
    give(&f, "join(', ', ${child_name})", "Nid, , Ploy");
    give(&f, "concat(${child_name})", "NidPloy");
    give(&f, "indexed-repeat(${child_name}, ${children}, 3)", "Ploy");
    give(&f, "indexed-repeat(${child_age}, ${children}, 1) + 1", 4.0);
    give(&f, "indexed-repeat(${child_name}, ${children}, 4)", EMPTY);
    give(&f, "indexed-repeat(${child_name}, ${children}, 0)", EMPTY);
    give(&f, "indexed-repeat(${child_name}, ${children}, 1.5)", EMPTY);
    // A comparison with a node-set holds when it holds for any member.
    give(&f, "${child_age} = 7", true);
    give(&f, "${child_age} = 8", false);
    give(&f, "${child_age} != 7", true);
    give(&f, "${child_age} > 10", true);
    give(&f, "${child_age} > 12", false);
    give(&f, "10 < ${child_age}", true);
    give(&f, "${child_name} = ''", true);
    give(&f, "${no_children} = 1", false);
    give(&f, "${no_children} != 1", false);
    give(&f, "${child_age} = ${child_age}", true);
    // Compared with a boolean, a node-set is true when it has members.
    give(&f, "${child_age} = true()", true);
    give(&f, "${no_children} = false()", true);
}

#[test]
fn if_and_logic_functions() {
    let f = Form::standard();
    give(&f, "if(${age} >= 18, 'adult', 'child')", "child");
    give(&f, "if('', 1, 2)", 2.0);
    give(&f, "if(${consent}, ${name}, ${empty})", "Somchai");
    give(&f, "not(${consent})", false);
    give(&f, "not('')", true);
    give(&f, "true()", true);
    give(&f, "false()", false);
    give(&f, "boolean('0')", true);
    give(&f, "boolean(0)", false);
    give(&f, "boolean(0 div 0)", false);
    give(&f, "boolean(-1)", true);
    give(&f, "boolean(${empty})", false);
    give(&f, "boolean(${risks})", true);
    give(&f, "boolean(${no_risks})", false);
    give(&f, "boolean(${child_age})", true);
    give(&f, "boolean(${no_children})", false);
    give(&f, "boolean-from-string('true')", true);
    give(&f, "boolean-from-string('TRUE')", true);
    give(&f, "boolean-from-string('1')", true);
    give(&f, "boolean-from-string('yes')", false);
    give(&f, "boolean-from-string('')", false);
    give(&f, "coalesce(${empty}, 'x')", "x");
    give(&f, "coalesce(${blank}, ${age})", 16.0);
    give(&f, "coalesce(${name}, 'x')", "Somchai");
    give(&f, "checklist(1, 2, ${consent}, false(), true())", true);
    give(&f, "checklist(-1, 1, true(), true())", false);
    give(&f, "checklist(3, -1, ${child_age}, true())", true);
    give(
        &f,
        "weighted-checklist(3, -1, true(), 2, false(), 5, true(), 1)",
        true,
    );
    give(&f, "weighted-checklist(3, 3, true(), 2, true(), 5)", false);
}

#[test]
fn select_functions() {
    let f = Form::standard();
    give(&f, "selected(${risks}, 'labour')", true);
    give(&f, "selected(${risks}, 'violence')", true);
    give(&f, "selected(${risks}, ' violence ')", true);
    give(&f, "selected(${risks}, 'lab')", false);
    give(&f, "selected(${no_risks}, 'labour')", false);
    give(&f, "selected(${sex}, 'female')", true);
    give(&f, "selected(${sex}, 'male')", false);
    give(&f, "selected(${no_risks}, '')", false);
    give(&f, "selected(concat('a', ' b'), 'b')", true);
    give(&f, "count-selected(${risks})", 2.0);
    give(&f, "count-selected(${no_risks})", 0.0);
    give(&f, "count-selected(${sex})", 1.0);
    give(&f, "selected-at(${risks}, 0)", "labour");
    give(&f, "selected-at(${risks}, 1)", "violence");
    give(&f, "selected-at(${risks}, 2)", EMPTY);
    give(&f, "selected-at(${risks}, -1)", EMPTY);
    give(&f, "jr:choice-name(${sex}, '${sex}')", "Female");
    give(&f, "jr:choice-name('male', \"${sex}\")", "Male");
    give(&f, "jr:choice-name('other', '${sex}')", EMPTY);
    give(&f, "jr:choice-name(${empty}, '${sex}')", EMPTY);
    give(
        &f,
        "jr:choice-name(selected-at(${risks}, 0), '${risks}')",
        "Child labour",
    );
    give(&f, "jr:choice-name(${sex}, ${sex})", "Female");
    give(&f, "join('-', ${risks})", "labour-violence");
    give(&f, "join(', ', 'a', 'b', 3)", "a, b, 3");
}

#[test]
fn text_functions() {
    let f = Form::standard();
    give(
        &f,
        "concat('a', 1, true(), ${empty}, ${dob})",
        "a1true2010-03-15",
    );
    give(&f, "concat(${risks})", "labour violence");
    give(&f, "string-length('abc')", 3.0);
    give(&f, "string-length('สวัสดี')", 6.0);
    give(&f, "string-length(${empty})", 0.0);
    give(&f, "string-length(12.5)", 4.0);
    give(&f, "substr('abcdef', 1, 3)", "bc");
    give(&f, "substr('abcdef', 2)", "cdef");
    give(&f, "substr('abc', 5)", "");
    give(&f, "substr('abcdef', -2)", "ef");
    give(&f, "substr('abc', 2, 1)", "");
    give(&f, "substr('abc', 0, 99)", "abc");
    give(&f, "substr('สวัสดี', 0, 2)", "สว");
    give(&f, "substring-before('1999/04/01', '/')", "1999");
    give(&f, "substring-after('1999/04/01', '/')", "04/01");
    give(&f, "substring-before('abc', 'x')", "");
    give(&f, "substring-after('abc', 'x')", "");
    give(&f, "contains(${name}, 'chai')", true);
    give(&f, "contains(${name}, 'x')", false);
    give(&f, "contains('abc', '')", true);
    give(&f, "starts-with(${name}, 'Som')", true);
    give(&f, "starts-with(${name}, 'chai')", false);
    give(&f, "ends-with(${name}, 'chai')", true);
    give(&f, "ends-with(${name}, 'Som')", false);
    give(&f, "normalize-space('  a \t  b  ')", "a b");
    give(&f, "translate('bar', 'abc', 'ABC')", "BAr");
    give(&f, "translate('--aaa--', 'abc-', 'ABC')", "AAA");
    give(&f, "string(${dob})", "2010-03-15");
    give(&f, "string(true())", "true");
    give(&f, "string(${risks})", "labour violence");
}

#[test]
fn regex_searches_anywhere_unless_anchored() {
    let f = Form::standard();
    give(&f, "regex(${name}, '^[A-Z][a-z]+$')", true);
    give(&f, "regex('abc', 'b')", true);
    give(&f, "regex('abc', '^b')", false);
    give(&f, "regex('0812345678', '^0[0-9]{9}$')", true);
    give(&f, "regex('081234567', '^0[0-9]{9}$')", false);
    give(&f, "regex('สมชาย', '^\\p{Thai}+$')", true);
    give(&f, "regex(${empty}, '^$')", true);
    // A pattern computed at run time; an invalid one matches nothing.
    give(&f, "regex('abc', concat('^', 'a'))", true);
    give(&f, "regex('abc', concat('(', ''))", false);
}

#[test]
fn number_functions() {
    let f = Form::standard();
    give(&f, "number('12')", 12.0);
    give(&f, "number(' 12.5 ')", 12.5);
    give(&f, "number('-.5')", -0.5);
    give(&f, "number('')", NAN);
    give(&f, "number('1e3')", NAN);
    give(&f, "number('+1')", NAN);
    give(&f, "number('abc')", NAN);
    give(&f, "number(true())", 1.0);
    give(&f, "number(${risks})", NAN);
    give(&f, "int(3.7)", 3.0);
    give(&f, "int(-3.7)", -3.0);
    give(&f, "int('12.9')", 12.0);
    give(&f, "int('')", NAN);
    give(&f, "round(2.5)", 3.0);
    give(&f, "round(-2.5)", -2.0);
    give(&f, "round(2.4)", 2.0);
    give(&f, "round(1.005, 2)", 1.01);
    give(&f, "round(2.345, 1)", 2.3);
    give(&f, "round(-1.25, 1)", -1.3);
    give(&f, "round(1234.5678, -2)", 1200.0);
    give(&f, "round(3.14159, 0)", 3.0);
    give(&f, "round(7, 2)", 7.0);
    give(&f, "round(0 div 0, 2)", NAN);
    give(&f, "floor(-1.5)", -2.0);
    give(&f, "ceiling(1.2)", 2.0);
    give(&f, "abs(-4)", 4.0);
    give(&f, "pow(2, 10)", 1024.0);
    give(&f, "pow(4, 0.5)", 2.0);
    give(&f, "sqrt(16)", 4.0);
    give(&f, "sqrt(-1)", NAN);
    give(&f, "exp(0)", 1.0);
    give(&f, "exp10(2)", 100.0);
    give(&f, "log(1)", 0.0);
    give(&f, "log10(1000)", 3.0);
    give(&f, "pi()", std::f64::consts::PI);
    give(&f, "sin(0)", 0.0);
    give(&f, "cos(0)", 1.0);
    give(&f, "tan(0)", 0.0);
    give(&f, "asin(1)", std::f64::consts::FRAC_PI_2);
    give(&f, "acos(1)", 0.0);
    give(&f, "atan(0)", 0.0);
    give(&f, "atan2(1, 0)", std::f64::consts::FRAC_PI_2);
    give(&f, "max(1, 5, 3)", 5.0);
    give(&f, "min(4, '2', 3)", 2.0);
    give(&f, "max(1, '')", NAN);
}

#[test]
fn date_functions() {
    let f = Form::standard();
    give(&f, "today()", date("2024-05-01"));
    give(&f, "now()", date_time("2024-05-01T09:45:30.250+07:00"));
    give(&f, "date('2024-02-29')", date("2024-02-29"));
    give(&f, "date(concat('2023-02-', '29'))", EMPTY);
    give(&f, "date(19723)", date("2024-01-01"));
    give(&f, "date(19723.9)", date("2024-01-01"));
    give(&f, "date('19723')", date("2024-01-01"));
    give(&f, "date(${visit})", date("2024-05-01"));
    give(&f, "date('2024-05-01T23:30:00-05:00')", date("2024-05-01"));
    give(&f, "date(${name})", EMPTY);
    give(&f, "date(${empty})", EMPTY);
    give(&f, "date(1 div 0)", EMPTY);
    give(&f, "date-time(0)", date_time("1970-01-01T00:00:00Z"));
    give(&f, "date-time(1.5)", date_time("1970-01-02T12:00:00Z"));
    give(
        &f,
        "date-time('2024-05-01')",
        date_time("2024-05-01T00:00:00Z"),
    );
    give(
        &f,
        "date-time(${visit})",
        date_time("2024-05-01T09:30:00+07:00"),
    );
    give(&f, "decimal-time('12:00:00')", 0.5);
    give(&f, "decimal-time(${start})", 8.25 / 24.0);
    give(&f, "decimal-time(${visit})", 9.5 / 24.0);
    give(&f, "format-date(${dob}, '%d/%m/%Y')", "15/03/2010");
    give(&f, "format-date(${dob}, '%e %b %y, %a')", "15 Mar 10, Mon");
    give(&f, "format-date(${dob}, '%n/%e')", "3/15");
    give(
        &f,
        "format-date('2024-12-05', '%Y%m%d %q 100%%')",
        "20241205 %q 100%",
    );
    // Thai month and weekday names and the Buddhist era.
    give(&f, "format-date(${dob}, '%e %B %EY')", "15 มีนาคม 2553");
    give(&f, "format-date(${dob}, '%e %Eb %Ey')", "15 มี.ค. 53");
    give(
        &f,
        "format-date(${dob}, 'วัน%Aที่ %e %B พ.ศ. %EY')",
        "วันจันทร์ที่ 15 มีนาคม พ.ศ. 2553",
    );
    give(&f, "format-date('2024-12-31', '%d/%m/%EY')", "31/12/2567");
    give(
        &f,
        "format-date('2025-01-01', '%e %B %EY %Ex %E')",
        "1 มกราคม 2568 %Ex %E",
    );
    give(
        &f,
        "int(format-date(${dob}, '%EY')) - int(format-date(${dob}, '%Y'))",
        543.0,
    );
    give(&f, "format-date(${name}, '%Y')", EMPTY);
    give(&f, "format-date(${empty}, '%Y')", EMPTY);
    give(
        &f,
        "format-date-time(${visit}, '%Y-%m-%d %H:%M:%S.%3')",
        "2024-05-01 09:30:00.000",
    );
    give(&f, "format-date-time(now(), '%h:%M:%S.%3')", "9:45:30.250");
    give(&f, "format-date-time(${start}, '%H:%M')", "08:15");
    give(&f, "format-date-time(${dob}, '%H:%M')", "00:00");
}

#[test]
fn host_provided_functions() {
    let f = Form::standard();
    give(&f, "position(..)", 2.0);
    give(&f, "position()", 2.0);
    let outside = Form {
        position: None,
        ..Form::standard()
    };
    give(&outside, "position(..)", NAN);
    give(&f, "uuid()", "8f14e45f-ceea-467f-a0e6-4b2a5c6d7e8f");
    give(&f, "random() >= 0 and random() < 1", true);
}

#[test]
fn current_answer_and_once() {
    let f = Form::at(Ty::Integer, Value::Num(5.0));
    give(&f, ". > 3", true);
    give(&f, ". + 1", 6.0);
    give(&f, "once(concat('a', 'b'))", 5.0);
    let blank = Form::at(Ty::Text, Value::Empty);
    give(&blank, "once(concat('a', 'b'))", "ab");
    give(
        &blank,
        "once(uuid())",
        "8f14e45f-ceea-467f-a0e6-4b2a5c6d7e8f",
    );
    let multi = Form::at(Ty::SelectMultiple, Value::multi(["a", "c"]));
    give(&multi, "selected(., 'c')", true);
    give(&multi, "count-selected(.) = 2", true);
    let time_now = Form::at(Ty::Time, time("23:59:00"));
    give(&time_now, ". > '12:00'", true);
}
