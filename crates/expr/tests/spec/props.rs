//! Properties over generated input: nothing panics, and printing a tree
//! then parsing it gives the same tree.

use proptest::prelude::*;
use yim_expr::{compile, parse, BinOp, Expr, ExprKind, Func, Span, Ty, Value};

use crate::fixture::Form;

const OPS: [BinOp; 13] = [
    BinOp::Or,
    BinOp::And,
    BinOp::Eq,
    BinOp::Ne,
    BinOp::Lt,
    BinOp::Le,
    BinOp::Gt,
    BinOp::Ge,
    BinOp::Add,
    BinOp::Sub,
    BinOp::Mul,
    BinOp::Div,
    BinOp::Mod,
];

const NAMES: [&str; 8] = [
    "age",
    "name",
    "risks",
    "dob",
    "child_age",
    "children",
    "missing",
    "อายุ",
];

fn node(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        (0u32..100_000, 0u32..4)
            .prop_map(|(n, scale)| node(ExprKind::Num(f64::from(n) / f64::from(1 << scale)))),
        "[a-z \"]{0,6}".prop_map(|s| node(ExprKind::Str(s))),
        "[a-z ']{0,6}".prop_map(|s| node(ExprKind::Str(s))),
        prop::sample::select(&NAMES[..]).prop_map(|n| node(ExprKind::Ref(n.to_owned()))),
        Just(node(ExprKind::Current)),
        Just(node(ExprKind::Parent)),
    ]
}

fn tree() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(6, 48, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| node(ExprKind::Neg(Box::new(e)))),
            (prop::sample::select(&OPS[..]), inner.clone(), inner.clone())
                .prop_map(|(op, a, b)| node(ExprKind::Bin(op, Box::new(a), Box::new(b)))),
            (
                prop::sample::select(Func::ALL),
                prop::collection::vec(inner, 0..4)
            )
                .prop_map(|(f, args)| {
                    node(ExprKind::Call {
                        name: f.name().to_owned(),
                        name_span: Span::default(),
                        args,
                    })
                }),
        ]
    })
}

/// Source-like text: mostly the characters expressions are made of.
fn source() -> impl Strategy<Value = String> {
    prop_oneof![
        "[${}()'\"., a-z0-9+*/=<>!:_|&-]{0,40}",
        "(\\$\\{(age|risks|child_age|dob|name)\\}|[0-9]+|'[a-z]*'|[-+*=<>(),. ]|and|or|div|mod|selected|count|concat|if|sum|date|format-date|today\\(\\)|\\.\\.|\\.){0,16}",
        any::<String>(),
    ]
}

fn forms() -> [Form; 2] {
    [
        Form::standard(),
        Form::at(Ty::SelectMultiple, Value::multi(["a"])),
    ]
}

/// The number of cases: 400 in `cargo test`, as many as `PROPTEST_CASES`
/// asks for in `make fuzz`.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Typed dates come from people: any text, Thai letters, digits of both
    /// scripts and separators mixed, gives a date or nothing, and a date it
    /// gives prints as ISO and parses back to itself.
    #[test]
    fn written_dates_never_panic_and_round_trip(
        text in "[0-9๐-๙ /.\\-ก-๛a-zA-Z]{0,24}",
    ) {
        if let Some(date) = yim_expr::Date::parse_written(&text) {
            let iso = date.to_string();
            prop_assert_eq!(yim_expr::Date::parse_written(&iso), Some(date));
        }
    }

    #[test]
    fn arbitrary_source_never_panics(src in source()) {
        for form in forms() {
            if let Ok(program) = compile(&src, &form) {
                let _ = program.eval(&form);
            }
        }
    }

    #[test]
    fn printing_round_trips(expr in tree()) {
        let printed = expr.to_string();
        let (parsed, errors) = parse(&printed);
        prop_assert!(errors.is_empty(), "`{}` does not parse: {:?}", printed, errors);
        prop_assert_eq!(parsed.sexp(), expr.sexp(), "printed as `{}`", printed);
        for form in forms() {
            if let Ok(program) = compile(&printed, &form) {
                let _ = program.eval(&form);
            }
        }
    }
}
