//! Precedence, associativity and printing.

use yim_expr::parse;

#[track_caller]
fn check(src: &str, sexp: &str) {
    let (expr, errors) = parse(src);
    assert!(errors.is_empty(), "`{src}`: {errors:?}");
    assert_eq!(expr.sexp(), sexp, "`{src}`");
}

#[track_caller]
fn check_print(src: &str, printed: &str) {
    let (expr, errors) = parse(src);
    assert!(errors.is_empty(), "`{src}`: {errors:?}");
    assert_eq!(expr.to_string(), printed, "`{src}`");
}

#[test]
fn precedence_follows_xpath() {
    check("1 + 2 * 3", "(+ 1 (* 2 3))");
    check("1 * 2 + 3", "(+ (* 1 2) 3)");
    check("${a} or ${b} and ${c}", "(or ${a} (and ${b} ${c}))");
    check("${a} and ${b} or ${c}", "(or (and ${a} ${b}) ${c})");
    check("${a} = ${b} < ${c}", "(= ${a} (< ${b} ${c}))");
    check("${a} < ${b} + 1", "(< ${a} (+ ${b} 1))");
    check("${a} = 1 and ${b} != 2", "(and (= ${a} 1) (!= ${b} 2))");
    check("-2 * 3", "(* (neg 2) 3)");
    check("- ${a} div 2", "(div (neg ${a}) 2)");
    check("--1", "(neg (neg 1))");
    check("5 div -1", "(div 5 (neg 1))");
}

#[test]
fn binary_operators_are_left_associative() {
    check("1 - 2 - 3", "(- (- 1 2) 3)");
    check("8 div 2 mod 3", "(mod (div 8 2) 3)");
    check("1 < 2 <= 3 > 4 >= 5", "(>= (> (<= (< 1 2) 3) 4) 5)");
    check("${a} = ${b} != ${c}", "(!= (= ${a} ${b}) ${c})");
}

#[test]
fn tokens() {
    check(".5 + 1. + 10", "(+ (+ 0.5 1) 10)");
    check("${x}div${y}", "(div ${x} ${y})");
    check("${a}-1", "(- ${a} 1)");
    check("${อายุ} > 5", "(> ${อายุ} 5)");
    check("${a.b-c_d}", "${a.b-c_d}");
    check("'say \"hi\"'", "'say \"hi\"'");
    check(
        "jr:choice-name(${x}, '${x}')",
        "(jr:choice-name() ${x} '${x}')",
    );
    check("count-selected(.)", "(count-selected() .)");
    check("position(..)", "(position() ..)");
    check("true()", "(true())");
    check("  1\n+\t2 ", "(+ 1 2)");
}

#[test]
fn printing_adds_only_needed_parentheses() {
    check_print("(1 + 2) * 3", "(1 + 2) * 3");
    check_print("1 + (2 * 3)", "1 + 2 * 3");
    check_print("1 - (2 - 3)", "1 - (2 - 3)");
    check_print("(1 - 2) - 3", "1 - 2 - 3");
    check_print("((1))", "1");
    check_print("-(1 + 2)", "-(1 + 2)");
    check_print("- -1", "--1");
    check_print("\"it's\"", "\"it's\"");
    check_print(
        "if(${a}=1,'x',concat(.,'y'))",
        "if(${a} = 1, 'x', concat(., 'y'))",
    );
    check_print("${a} or ${b} and ${c}", "${a} or ${b} and ${c}");
    check_print("(${a} or ${b}) and ${c}", "(${a} or ${b}) and ${c}");
}
