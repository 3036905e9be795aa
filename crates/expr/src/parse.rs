//! Builds an expression tree from tokens.
//!
//! Binary operators are parsed by precedence climbing with XPath 1.0's
//! levels, from loosest to tightest: `or`, `and`, `=` `!=`, `<` `<=` `>`
//! `>=`, `+` `-`, `*` `div` `mod`, unary `-`. All binary operators are left
//! associative.
//!
//! Syntax errors do not stop the parser: the broken part becomes an
//! [`ExprKind::Error`] node that keeps whatever could be parsed inside it, so
//! that the compiler still reports unknown names and functions there.

use std::fmt;

use crate::lex::{lex, Tok, Token};
use crate::{ExprError, Span};

/// An expression tree, as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it is in the source.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number literal such as `15` or `2.5`.
    Num(f64),
    /// A text literal, without its quotes.
    Str(String),
    /// A question reference `${name}`, holding the name.
    Ref(String),
    /// `.`, the answer of the question the expression belongs to.
    Current,
    /// `..`, only meaningful in `position(..)`.
    Parent,
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation.
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// A function call.
    Call {
        /// The function name as written, such as `jr:choice-name`.
        name: String,
        /// Where the name is, for errors about the function itself.
        name_span: Span,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// `null`: in XPath a path to a node that does not exist, so an empty
    /// node-set. ODK forms write it for "no value", as in
    /// `if(${ok}, ${amount}, null)`.
    Null,
    /// A bare name inside the predicate of a path, such as `name` in
    /// `instance('districts')/root/item[name = ${district}]`: that column of
    /// the item being considered.
    Field(String),
    /// A path into a list: `instance('districts')/root/item[...]/label`,
    /// the call to `instance` followed by its steps.
    Path {
        /// The call that starts the path.
        start: Box<Expr>,
        /// The steps after it, in order.
        steps: Vec<PathStep>,
    },
    /// Something that could not be parsed, with the parts around it that
    /// could. A tree with such a node always comes with an error.
    Error(Vec<Expr>),
}

/// One `/name[predicate]` step of a [`ExprKind::Path`].
#[derive(Clone, Debug, PartialEq)]
pub struct PathStep {
    /// The step's name, such as `item` or `label`.
    pub name: String,
    /// Where the name is.
    pub span: Span,
    /// The condition in brackets, if any.
    pub predicate: Option<Box<Expr>>,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `div`
    Div,
    /// `mod`
    Mod,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "div",
            BinOp::Mod => "mod",
        }
    }

    /// Binding strength: a higher number binds tighter.
    pub(crate) fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Eq | BinOp::Ne => 3,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div | BinOp::Mod => 6,
        }
    }
}

impl fmt::Display for BinOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// Unary minus binds tighter than every binary operator.
pub(crate) const UNARY_PRECEDENCE: u8 = 7;

/// Trees taller than this are reported instead of parsed, so that hostile
/// input cannot exhaust the stack of the parser, the compiler, the printer or
/// the evaluator, which all recurse over the tree. Long chains such as
/// `${a} + ${b} + ...` count too, because they nest to the left.
const MAX_HEIGHT: usize = 256;

/// Parses an expression, returning its tree and every syntax error found.
///
/// The tree is always returned; when there are errors it contains
/// [`ExprKind::Error`] nodes where the source could not be understood.
pub fn parse(src: &str) -> (Expr, Vec<ExprError>) {
    let mut errors = Vec::new();
    let tokens = lex(src, &mut errors);
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
        too_deep: false,
        predicates: 0,
        errors,
    };
    let (mut expr, _) = parser.expr(0);
    if parser.peek() != Tok::Eof {
        // Keep parsing after the stray token so the rest is checked too.
        let mut parts = vec![expr];
        while parser.peek() != Tok::Eof {
            let token = parser.token();
            parser.error(
                token.span,
                format!("expected an operator, but found {}", token.tok),
            );
            if matches!(token.tok, Tok::RParen | Tok::RBracket | Tok::Comma) {
                parser.bump();
            } else {
                parts.push(parser.expr(0).0);
            }
        }
        let span = parts[0].span.to(parts[parts.len() - 1].span);
        expr = Expr {
            kind: ExprKind::Error(parts),
            span,
        };
    }
    (expr, parser.errors)
}

struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    pos: usize,
    /// How many `prefix` calls are active: bounds the recursion while
    /// descending, before any height is known.
    depth: usize,
    too_deep: bool,
    /// How many path predicates (`[...]`) are open: inside one a bare name
    /// is a column of the list item, not a mistake.
    predicates: usize,
    errors: Vec<ExprError>,
}

impl<'a> Parser<'a> {
    fn token(&self) -> Token<'a> {
        // The token list always ends with `Eof`, and `bump` never moves past it.
        self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn peek(&self) -> Tok<'a> {
        self.token().tok
    }

    fn bump(&mut self) -> Token<'a> {
        let token = self.token();
        if token.tok != Tok::Eof {
            self.pos += 1;
        }
        token
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(ExprError::new(span, message));
    }

    fn infix(&self) -> Option<BinOp> {
        Some(match self.peek() {
            Tok::Name("or") => BinOp::Or,
            Tok::Name("and") => BinOp::And,
            Tok::Eq => BinOp::Eq,
            Tok::Ne => BinOp::Ne,
            Tok::Lt => BinOp::Lt,
            Tok::Le => BinOp::Le,
            Tok::Gt => BinOp::Gt,
            Tok::Ge => BinOp::Ge,
            Tok::Plus => BinOp::Add,
            Tok::Minus => BinOp::Sub,
            Tok::Star => BinOp::Mul,
            Tok::Slash => BinOp::Div,
            Tok::Pipe => BinOp::Or,
            Tok::Name("div") => BinOp::Div,
            Tok::Name("mod") => BinOp::Mod,
            _ => return None,
        })
    }

    /// Parses operators that bind at least as tightly as `min`, returning
    /// the tree and its height.
    fn expr(&mut self, min: u8) -> (Expr, usize) {
        let (mut lhs, mut height) = self.prefix();
        while let Some(op) = self.infix() {
            if op.precedence() < min {
                break;
            }
            let token = self.bump();
            match token.tok {
                Tok::Slash => self.error(token.span, "`/` is not division here, use `div`"),
                Tok::Pipe => {
                    self.error(token.span, "`|` is not supported in expressions, use `or`")
                }
                _ => {}
            }
            let (rhs, rhs_height) = self.expr(op.precedence() + 1);
            height = height.max(rhs_height) + 1;
            let span = lhs.span.to(rhs.span);
            lhs = Expr {
                kind: ExprKind::Bin(op, Box::new(lhs), Box::new(rhs)),
                span,
            };
            if height > MAX_HEIGHT {
                return self.too_deep(lhs.span);
            }
        }
        (lhs, height)
    }

    /// Reports excessive nesting once and skips the rest of the source.
    fn too_deep(&mut self, span: Span) -> (Expr, usize) {
        if !self.too_deep {
            self.too_deep = true;
            self.error(
                span,
                format!("expression is nested too deeply, at most {MAX_HEIGHT} levels are allowed"),
            );
        }
        while self.peek() != Tok::Eof {
            self.bump();
        }
        (
            Expr {
                kind: ExprKind::Error(Vec::new()),
                span,
            },
            1,
        )
    }

    fn leaf(&mut self, kind: ExprKind) -> Expr {
        let token = self.bump();
        Expr {
            kind,
            span: token.span,
        }
    }

    fn prefix(&mut self) -> (Expr, usize) {
        if self.too_deep {
            let span = self.token().span;
            return (
                Expr {
                    kind: ExprKind::Error(Vec::new()),
                    span,
                },
                1,
            );
        }
        if self.depth >= MAX_HEIGHT {
            let span = self.token().span;
            return self.too_deep(span);
        }
        self.depth += 1;
        let (expr, height) = self.prefix_inner();
        self.depth -= 1;
        if height > MAX_HEIGHT {
            return self.too_deep(expr.span);
        }
        (expr, height)
    }

    fn prefix_inner(&mut self) -> (Expr, usize) {
        let token = self.token();
        let expr = match token.tok {
            Tok::Num(n) => self.leaf(ExprKind::Num(n)),
            Tok::Str(s) => self.leaf(ExprKind::Str(s.to_owned())),
            Tok::Ref(name) => self.leaf(ExprKind::Ref(name.to_owned())),
            Tok::Dot => self.leaf(ExprKind::Current),
            Tok::DotDot => self.leaf(ExprKind::Parent),
            Tok::Minus => {
                self.bump();
                let (operand, height) = self.expr(UNARY_PRECEDENCE);
                let span = token.span.to(operand.span);
                return (
                    Expr {
                        kind: ExprKind::Neg(Box::new(operand)),
                        span,
                    },
                    height + 1,
                );
            }
            Tok::LParen => {
                self.bump();
                // Parentheses leave no node behind, but they still cost a
                // level of recursion while parsing.
                let (inner, height) = self.expr(0);
                self.close(token.span, "`(`");
                return (inner, height + 1);
            }
            Tok::Name(name)
                if self
                    .tokens
                    .get(self.pos + 1)
                    .is_some_and(|t| t.tok == Tok::LParen) =>
            {
                let (call, height) = self.call(name, token.span);
                if name == "instance" && self.peek() == Tok::Slash {
                    return self.path(call, height);
                }
                return (call, height);
            }
            Tok::Name("null") => self.leaf(ExprKind::Null),
            Tok::Name(name @ ("and" | "or" | "div" | "mod")) => {
                // Left for the operator loop, which reports nothing, so
                // report the missing operand here.
                self.error(
                    token.span,
                    format!("expected an expression before `{name}`"),
                );
                Expr {
                    kind: ExprKind::Error(Vec::new()),
                    span: Span::new(token.span.start, token.span.start),
                }
            }
            Tok::Name(name) if self.predicates > 0 => self.leaf(ExprKind::Field(name.to_owned())),
            Tok::Name(name) => {
                self.bump();
                let message = match name {
                    "true" | "false" => format!("expected an expression, but found `{name}`; write `{name}()`"),
                    _ => format!("unexpected name `{name}`; refer to questions as `${{{name}}}` and quote text as '{name}'"),
                };
                self.error(token.span, message);
                Expr {
                    kind: ExprKind::Error(Vec::new()),
                    span: token.span,
                }
            }
            Tok::RParen | Tok::RBracket | Tok::Comma | Tok::Eof => {
                self.error(
                    token.span,
                    format!("expected an expression, but found {}", token.tok),
                );
                Expr {
                    kind: ExprKind::Error(Vec::new()),
                    span: Span::new(token.span.start, token.span.start),
                }
            }
            Tok::Plus
            | Tok::Star
            | Tok::Slash
            | Tok::Eq
            | Tok::Ne
            | Tok::Lt
            | Tok::Le
            | Tok::Gt
            | Tok::Ge => {
                // The operator loop of the caller consumes the operator, so
                // `* 3` still parses its right-hand side.
                self.error(
                    token.span,
                    format!("expected an expression before {}", token.tok),
                );
                Expr {
                    kind: ExprKind::Error(Vec::new()),
                    span: Span::new(token.span.start, token.span.start),
                }
            }
            Tok::LBracket => {
                self.bump();
                self.error(
                    token.span,
                    "`[` is only allowed after a step of an `instance(...)` path",
                );
                Expr {
                    kind: ExprKind::Error(Vec::new()),
                    span: token.span,
                }
            }
            Tok::Pipe => {
                self.bump();
                self.error(token.span, "`|` is not supported in expressions");
                Expr {
                    kind: ExprKind::Error(Vec::new()),
                    span: token.span,
                }
            }
        };
        (expr, 1)
    }

    /// Expects the `)` that closes something opened at `open`.
    fn close(&mut self, open: Span, what: &str) {
        if self.too_deep {
            // The rest of the source was skipped, so every pending `)` is
            // missing; one error about the nesting says enough.
            return;
        }
        let token = self.token();
        if token.tok == Tok::RParen {
            self.bump();
        } else {
            self.error(
                token.span,
                format!(
                    "expected `)` to close {what} at column {}, but found {}",
                    open.start + 1,
                    token.tok
                ),
            );
        }
    }

    fn call(&mut self, name: &'a str, name_span: Span) -> (Expr, usize) {
        self.bump();
        self.bump();
        let mut args = Vec::new();
        let mut height = 0;
        if self.peek() == Tok::RParen {
            let close = self.bump();
            let span = name_span.to(close.span);
            return (
                Expr {
                    kind: ExprKind::Call {
                        name: name.to_owned(),
                        name_span,
                        args,
                    },
                    span,
                },
                1,
            );
        }
        loop {
            let (arg, arg_height) = self.expr(0);
            height = height.max(arg_height);
            args.push(arg);
            if self.too_deep {
                break;
            }
            match self.peek() {
                Tok::Comma => {
                    self.bump();
                }
                Tok::RParen => {
                    self.bump();
                    break;
                }
                Tok::Eof => {
                    self.close(name_span, &format!("the call to `{name}`"));
                    break;
                }
                other => {
                    let span = self.token().span;
                    self.error(
                        span,
                        format!(
                            "expected `,` or `)` after an argument of `{name}`, but found {other}"
                        ),
                    );
                    // Skip to the end of the call so that the rest of the
                    // arguments are not mistaken for what follows it.
                    self.skip_to_close();
                    break;
                }
            }
        }
        let end = self.tokens[self.pos.saturating_sub(1)].span;
        let span = name_span.to(end);
        (
            Expr {
                kind: ExprKind::Call {
                    name: name.to_owned(),
                    name_span,
                    args,
                },
                span,
            },
            height + 1,
        )
    }

    /// The steps after `instance('list')`: `/name` or `/name[predicate]`,
    /// as many as are written.
    fn path(&mut self, start: Expr, height: usize) -> (Expr, usize) {
        let mut steps = Vec::new();
        let mut height = height;
        let mut span = start.span;
        while self.peek() == Tok::Slash {
            self.bump();
            let token = self.token();
            let Tok::Name(name) = token.tok else {
                self.error(
                    token.span,
                    format!("expected a name after `/`, but found {}", token.tok),
                );
                break;
            };
            self.bump();
            span = span.to(token.span);
            let mut predicate = None;
            if self.peek() == Tok::LBracket {
                let open = self.bump();
                self.predicates += 1;
                let (inner, inner_height) = self.expr(0);
                self.predicates -= 1;
                height = height.max(inner_height + 1);
                if self.too_deep {
                    return (
                        Expr {
                            kind: ExprKind::Error(Vec::new()),
                            span,
                        },
                        1,
                    );
                }
                let close = self.token();
                if close.tok == Tok::RBracket {
                    self.bump();
                    span = span.to(close.span);
                } else {
                    self.error(
                        close.span,
                        format!(
                            "expected `]` to close `[` at column {}, but found {}",
                            open.span.start + 1,
                            close.tok
                        ),
                    );
                }
                predicate = Some(Box::new(inner));
            }
            steps.push(PathStep {
                name: name.to_owned(),
                span: token.span,
                predicate,
            });
        }
        (
            Expr {
                kind: ExprKind::Path {
                    start: Box::new(start),
                    steps,
                },
                span,
            },
            height + 1,
        )
    }

    fn skip_to_close(&mut self) {
        let mut open = 0usize;
        loop {
            match self.bump().tok {
                Tok::LParen => open += 1,
                Tok::RParen if open == 0 => return,
                Tok::RParen => open -= 1,
                Tok::Eof => return,
                _ => {}
            }
        }
    }
}

impl Expr {
    /// The tree as an S-expression without spans, such as
    /// `(+ 1 (* 2 ${x}))`, for tests and tooling.
    pub fn sexp(&self) -> String {
        let mut out = String::new();
        self.write_sexp(&mut out);
        out
    }

    fn write_sexp(&self, out: &mut String) {
        match &self.kind {
            ExprKind::Num(n) => out.push_str(&crate::value::format_number(*n)),
            ExprKind::Str(s) => {
                out.push('\'');
                out.push_str(s);
                out.push('\'');
            }
            ExprKind::Ref(name) => {
                out.push_str("${");
                out.push_str(name);
                out.push('}');
            }
            ExprKind::Current => out.push('.'),
            ExprKind::Parent => out.push_str(".."),
            ExprKind::Neg(e) => {
                out.push_str("(neg ");
                e.write_sexp(out);
                out.push(')');
            }
            ExprKind::Bin(op, a, b) => {
                out.push('(');
                out.push_str(op.symbol());
                out.push(' ');
                a.write_sexp(out);
                out.push(' ');
                b.write_sexp(out);
                out.push(')');
            }
            ExprKind::Call { name, args, .. } => {
                out.push('(');
                out.push_str(name);
                out.push_str("()");
                for arg in args {
                    out.push(' ');
                    arg.write_sexp(out);
                }
                out.push(')');
            }
            ExprKind::Null => out.push_str("null"),
            ExprKind::Field(name) => out.push_str(name),
            ExprKind::Path { start, steps } => {
                out.push_str("(path ");
                start.write_sexp(out);
                for step in steps {
                    out.push_str(" /");
                    out.push_str(&step.name);
                    if let Some(p) = &step.predicate {
                        out.push('[');
                        p.write_sexp(out);
                        out.push(']');
                    }
                }
                out.push(')');
            }
            ExprKind::Error(parts) => {
                out.push_str("(error");
                for part in parts {
                    out.push(' ');
                    part.write_sexp(out);
                }
                out.push(')');
            }
        }
    }
}
