//! Resolves names, checks what can be checked before any answer exists, and
//! lowers the tree into a flat [`Program`].
//!
//! A program is a table of terms that refer to each other by index, with the
//! arguments of all calls in one shared table. Evaluation therefore touches
//! two vectors instead of chasing boxes, and function names are already
//! resolved to [`Func`].

use std::sync::Arc;

use crate::func::{distance, Func};
use crate::parse::{parse, BinOp, Expr, ExprKind, PathStep};
use crate::pattern::Pattern;
use crate::value::{parse_date_time_lenient, parse_number, Value};
use crate::{ExprError, Scope, Span, Ty};

/// A compiled expression, ready to be evaluated any number of times.
#[derive(Clone, Debug)]
pub struct Program {
    pub(crate) terms: Vec<Term>,
    pub(crate) args: Vec<TermId>,
    pub(crate) regexes: Vec<Pattern>,
    pub(crate) root: TermId,
    deps: Vec<u32>,
    uses_current: bool,
    volatile: bool,
}

/// Index of a term in [`Program::terms`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TermId(pub(crate) u32);

#[derive(Clone, Debug)]
pub(crate) enum Term {
    Const(Value),
    Ref(u32),
    Current,
    Neg(TermId),
    Bin(BinOp, TermId, TermId),
    /// A function with its arguments at `args[start..start + len]`.
    Call(Func, u32, u32),
    /// `jr:choice-name(value, '${question}')` with the question resolved.
    ChoiceName(TermId, u32),
    /// `regex(value, 'pattern')` with the pattern compiled into
    /// `regexes[index]`.
    Regex(TermId, u32),
    /// `indexed-repeat(${question}, ${repeat}, index)`: the repeat itself is
    /// only checked, the question's node-set holds the values.
    IndexedRepeat(TermId, TermId),
    /// A column of the list item that a path predicate is looking at.
    Field(u32),
    /// A look-up in a list: `column` of the items for which `filter` holds,
    /// all of them as a node-set, or only the first one's (`pulldata`).
    Lookup {
        list: u32,
        filter: Option<TermId>,
        column: u32,
        first: bool,
    },
}

impl Program {
    /// The distinct question ids the expression reads, in order of first
    /// use, for the engine's dependency graph.
    pub fn deps(&self) -> &[u32] {
        &self.deps
    }

    /// Whether the expression reads `.`.
    ///
    /// `once()` also reads [`crate::Host::current`] but does not count here:
    /// it reads the calculation's own value, which is not a dependency.
    pub fn uses_current(&self) -> bool {
        self.uses_current
    }

    /// Whether the result can change without any answer changing: the
    /// expression calls `now()`, `today()`, `uuid()` or `random()`.
    pub fn is_volatile(&self) -> bool {
        self.volatile
    }
}

/// Compiles `src`, resolving `${name}` references through `scope`.
///
/// Returns every problem found, syntax and meaning alike, ordered by
/// position; not just the first one.
pub fn compile(src: &str, scope: &dyn Scope) -> Result<Program, Vec<ExprError>> {
    let (expr, mut errors) = parse(src);
    let mut c = Compiler {
        src,
        scope,
        errors: Vec::new(),
        terms: Vec::new(),
        args: Vec::new(),
        regexes: Vec::new(),
        deps: Vec::new(),
        uses_current: false,
        volatile: false,
        fields: None,
    };
    let root = c.expr(&expr, Ctx::One);
    errors.append(&mut c.errors);
    if !errors.is_empty() {
        errors.sort_by_key(|e| (e.span.start, e.span.end));
        return Err(errors);
    }
    Ok(Program {
        terms: c.terms,
        args: c.args,
        regexes: c.regexes,
        root,
        deps: c.deps,
        uses_current: c.uses_current,
        volatile: c.volatile,
    })
}

/// Whether a reference directly in this position may yield several values.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// A single value is needed, as in arithmetic.
    One,
    /// Several values are fine: comparisons are true when any value matches
    /// (XPath), and functions such as `concat()` and `max()` take them all.
    Many,
}

struct Compiler<'a> {
    src: &'a str,
    scope: &'a dyn Scope,
    errors: Vec<ExprError>,
    terms: Vec<Term>,
    args: Vec<TermId>,
    regexes: Vec<Pattern>,
    deps: Vec<u32>,
    uses_current: bool,
    volatile: bool,
    /// The list whose columns bare names stand for, inside the predicate of
    /// an `instance(...)` path.
    fields: Option<u32>,
}

impl Compiler<'_> {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(ExprError::new(span, message));
    }

    fn push(&mut self, term: Term) -> TermId {
        self.terms.push(term);
        TermId((self.terms.len() - 1) as u32)
    }

    /// The expression as the author wrote it, for messages.
    fn describe(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Num(n) => format!("the number {}", crate::value::format_number(*n)),
            ExprKind::Str(s) => format!("text '{s}'"),
            _ => {
                let text = self.src.get(e.span.start..e.span.end).unwrap_or("").trim();
                if text.chars().count() > 40 {
                    let short: String = text.chars().take(37).collect();
                    format!("`{short}...`")
                } else {
                    format!("`{text}`")
                }
            }
        }
    }

    fn expr(&mut self, e: &Expr, ctx: Ctx) -> TermId {
        match &e.kind {
            ExprKind::Num(n) => self.push(Term::Const(Value::Num(*n))),
            ExprKind::Str(s) => self.push(Term::Const(Value::Str(Arc::from(s.as_str())))),
            ExprKind::Ref(name) => match self.resolve(name, e.span) {
                Some(info) => {
                    match info.ty {
                        Ty::Repeat => self.error(
                            e.span,
                            format!(
                                "`${{{name}}}` is a repeat and has no value of its own; use count(${{{name}}}) for the number of instances"
                            ),
                        ),
                        Ty::Group => {
                            self.error(e.span, format!("`${{{name}}}` is a group and has no value of its own"))
                        }
                        _ if info.repeated && ctx == Ctx::One => self.error(
                            e.span,
                            format!(
                                "`${{{name}}}` is inside a repeat and has one value per instance here; use it inside sum(), count(), max(), join() or indexed-repeat()"
                            ),
                        ),
                        _ => {}
                    }
                    self.reference(info.id)
                }
                None => self.push(Term::Const(Value::Empty)),
            },
            ExprKind::Current => {
                if self.scope.current().is_none() {
                    self.error(e.span, "`.` is only allowed in a constraint");
                }
                self.uses_current = true;
                self.push(Term::Current)
            }
            ExprKind::Parent => {
                self.error(e.span, "`..` is only allowed in position(..)");
                self.push(Term::Const(Value::Empty))
            }
            ExprKind::Neg(operand) => {
                if let ExprKind::Str(s) = &operand.kind {
                    if parse_number(s).is_none() {
                        self.error(operand.span, format!("cannot negate text '{s}'"));
                    }
                }
                let t = self.expr(operand, Ctx::One);
                self.push(Term::Neg(t))
            }
            ExprKind::Bin(op, a, b) => {
                let ctx = match op {
                    BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                        Ctx::Many
                    }
                    _ => Ctx::One,
                };
                if matches!(
                    op,
                    BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod
                ) {
                    self.check_arithmetic(*op, a, true);
                    self.check_arithmetic(*op, b, false);
                }
                let a = self.expr(a, ctx);
                let b = self.expr(b, ctx);
                self.push(Term::Bin(*op, a, b))
            }
            ExprKind::Call {
                name,
                name_span,
                args,
            } => self.call(e, name, *name_span, args),
            ExprKind::Null => self.push(Term::Const(Value::nodeset(std::iter::empty()))),
            ExprKind::Field(name) => {
                let column = self
                    .fields
                    .and_then(|list| self.scope.list_column(list, name));
                match column {
                    Some(column) => self.push(Term::Field(column)),
                    None => {
                        self.error(
                            e.span,
                            format!("the list has no column `{name}`; refer to questions as `${{{name}}}`"),
                        );
                        self.push(Term::Const(Value::Empty))
                    }
                }
            }
            ExprKind::Path { start, steps } => self.path(e, start, steps, false),
            ExprKind::Error(parts) => {
                for part in parts {
                    self.expr(part, Ctx::Many);
                }
                self.push(Term::Const(Value::Empty))
            }
        }
    }

    /// `instance('list')/root/item[predicate]/column`, the one shape of path
    /// that ODK forms use to read their own choice lists. Inside
    /// `jr:itext(...)` (`itext`), the last step is `itextId` and means the
    /// label in the current language.
    fn path(&mut self, e: &Expr, start: &Expr, steps: &[PathStep], itext: bool) -> TermId {
        let list_name = match &start.kind {
            ExprKind::Call { args, .. } => match args.as_slice() {
                [Expr {
                    kind: ExprKind::Str(name),
                    ..
                }] => Some(name.trim().to_owned()),
                _ => None,
            },
            _ => None,
        };
        let Some(list_name) = list_name else {
            self.error(
                start.span,
                "`instance` expects the name of a choice list as text, such as instance('districts')",
            );
            return self.push(Term::Const(Value::Empty));
        };
        let Some(list) = self.scope.list(&list_name) else {
            self.error(start.span, format!("unknown choice list `{list_name}`"));
            return self.push(Term::Const(Value::Empty));
        };
        let shape = steps.len() == 3
            && steps[0].name == "root"
            && steps[0].predicate.is_none()
            && steps[1].name == "item"
            && steps[2].predicate.is_none();
        if !shape {
            self.error(
                e.span,
                format!("expected a path such as instance('{list_name}')/root/item[name = ${{question}}]/label"),
            );
            return self.push(Term::Const(Value::Empty));
        }
        let last = &steps[2];
        let column_name = if itext {
            if last.name != "itextId" {
                self.error(
                    last.span,
                    format!("`jr:itext` reads a choice's label: the path ends in `itextId`, but found `{}`", last.name),
                );
                return self.push(Term::Const(Value::Empty));
            }
            "label"
        } else {
            last.name.as_str()
        };
        let Some(column) = self.scope.list_column(list, column_name) else {
            let hint = if column_name == "itextId" {
                "; write jr:itext(...) around the path for the label"
            } else {
                ""
            };
            self.error(
                last.span,
                format!("the choice list `{list_name}` has no column `{column_name}`{hint}"),
            );
            return self.push(Term::Const(Value::Empty));
        };
        let filter = steps[1].predicate.as_ref().map(|p| {
            let outer = self.fields.replace(list);
            let t = self.expr(p, Ctx::Many);
            self.fields = outer;
            t
        });
        self.push(Term::Lookup {
            list,
            filter,
            column,
            first: false,
        })
    }

    /// `pulldata('list', 'column', 'key column', key)`: the list and its
    /// columns must be written as text, so they are checked here.
    fn pulldata(&mut self, args: &[Expr]) -> TermId {
        let literal = |e: &Expr| match &e.kind {
            ExprKind::Str(s) => Some(s.trim().to_owned()),
            _ => None,
        };
        let mut fail = false;
        let mut names = Vec::new();
        for (arg, what) in args[..3].iter().zip(["list", "column", "key column"]) {
            match literal(arg) {
                Some(name) => names.push(name),
                None => {
                    let found = self.describe(arg);
                    self.error(
                        arg.span,
                        format!("`pulldata` expects the {what} as text, but found {found}"),
                    );
                    fail = true;
                }
            }
        }
        if fail {
            return self.fallback(args);
        }
        let Some(list) = self.scope.list(&names[0]) else {
            self.error(args[0].span, format!("unknown choice list `{}`", names[0]));
            return self.fallback(args);
        };
        let mut columns = Vec::new();
        for (i, name) in names.iter().enumerate().skip(1) {
            match self.scope.list_column(list, name) {
                Some(c) => columns.push(c),
                None => {
                    self.error(
                        args[i].span,
                        format!("the choice list `{}` has no column `{name}`", names[0]),
                    );
                    fail = true;
                }
            }
        }
        if fail {
            return self.fallback(args);
        }
        let key = self.expr(&args[3], Ctx::One);
        let field = self.push(Term::Field(columns[1]));
        let filter = self.push(Term::Bin(BinOp::Eq, field, key));
        self.push(Term::Lookup {
            list,
            filter: Some(filter),
            column: columns[0],
            first: true,
        })
    }

    /// Flags a text literal used as a number: it is NaN at run time, which
    /// is never what the author meant.
    fn check_arithmetic(&mut self, op: BinOp, operand: &Expr, left: bool) {
        let ExprKind::Str(s) = &operand.kind else {
            return;
        };
        // Empty text is a common stand-in for "no value" and gives NaN as
        // ODK does, so only text with content is certainly wrong.
        if s.is_empty() || parse_number(s).is_some() || parse_date_time_lenient(s).is_some() {
            return;
        }
        let message = match (op, left) {
            (BinOp::Add, _) => format!("cannot add text '{s}' to a number"),
            (BinOp::Sub, true) => format!("cannot subtract a number from text '{s}'"),
            (BinOp::Sub, false) => format!("cannot subtract text '{s}' from a number"),
            (BinOp::Mul, _) => format!("cannot multiply text '{s}' with a number"),
            (BinOp::Div, true) => format!("cannot divide text '{s}' by a number"),
            (BinOp::Div, false) => format!("cannot divide a number by text '{s}'"),
            _ => format!("cannot use text '{s}' with `{op}`, it needs numbers"),
        };
        self.error(operand.span, message);
    }

    fn resolve(&mut self, name: &str, span: Span) -> Option<crate::RefInfo> {
        if name.is_empty() || name.contains(' ') {
            // The lexer has already reported the malformed reference.
            return None;
        }
        let info = self.scope.resolve(name);
        if info.is_none() {
            let mut message = format!("unknown question `${{{name}}}`");
            let best = self
                .scope
                .candidates()
                .into_iter()
                .map(|c| (distance(&name.to_lowercase(), &c.to_lowercase()), c))
                .filter(|(d, c)| *d <= 2.min(c.chars().count() / 2))
                .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            if let Some((_, suggestion)) = best {
                message.push_str(&format!(", did you mean `${{{suggestion}}}`?"));
            }
            self.error(span, message);
        }
        info
    }

    fn reference(&mut self, id: u32) -> TermId {
        if !self.deps.contains(&id) {
            self.deps.push(id);
        }
        self.push(Term::Ref(id))
    }

    fn call(&mut self, call: &Expr, name: &str, name_span: Span, args: &[Expr]) -> TermId {
        let Some(func) = Func::from_name(name) else {
            let mut message = format!("unknown function `{name}`");
            if let Some(suggestion) = Func::suggest(name) {
                message.push_str(&format!(", did you mean `{suggestion}`?"));
            }
            self.error(name_span, message);
            return self.fallback(args);
        };
        let (min, max) = func.arity();
        if args.len() < min || max.is_some_and(|max| args.len() > max) {
            self.error(
                call.span,
                format!(
                    "function `{name}` expects {}, but found {}",
                    func.arity_text(),
                    args.len()
                ),
            );
            return self.fallback(args);
        }
        // Without a seed, `randomize` shuffles differently each time.
        if func.is_volatile() || (func == Func::Randomize && args.len() == 1) {
            self.volatile = true;
        }
        match func {
            Func::ChoiceName => return self.choice_name(func, args),
            Func::Instance => {
                self.error(
                    call.span,
                    "`instance(...)` must be followed by a path, such as instance('districts')/root/item[name = ${district}]/label",
                );
                return self.fallback(args);
            }
            Func::Itext => {
                if let ExprKind::Path { start, steps } = &args[0].kind {
                    return self.path(&args[0], start, steps, true);
                }
                let found = self.describe(&args[0]);
                self.error(
                    args[0].span,
                    format!("`jr:itext` reads a choice's label, as in jr:itext(instance('list')/root/item[name = ${{question}}]/itextId), but found {found}"),
                );
                return self.fallback(args);
            }
            Func::Pulldata => return self.pulldata(args),
            Func::Property => {
                let known = match &args[0].kind {
                    ExprKind::Str(name) => crate::PROPERTIES.contains(&name.trim()),
                    _ => false,
                };
                if !known {
                    let found = self.describe(&args[0]);
                    self.error(
                        args[0].span,
                        format!(
                            "`property` expects one of {}, but found {found}",
                            crate::PROPERTIES
                                .iter()
                                .map(|p| format!("'{p}'"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                    return self.fallback(args);
                }
            }
            Func::Digest => {
                if let ExprKind::Str(algorithm) = &args[1].kind {
                    if crate::digest::Algorithm::parse(algorithm).is_none() {
                        self.error(
                            args[1].span,
                            format!("`digest` knows MD5, SHA-1, SHA-256, SHA-384 and SHA-512, but found '{algorithm}'"),
                        );
                    }
                }
                if let Some(ExprKind::Str(encoding)) = args.get(2).map(|a| &a.kind) {
                    if !matches!(encoding.as_str(), "hex" | "base64") {
                        self.error(
                            args[2].span,
                            format!("`digest` writes 'hex' or 'base64', but found '{encoding}'"),
                        );
                    }
                }
            }
            Func::Regex => {
                if let ExprKind::Str(pattern) = &args[1].kind {
                    match Pattern::new(pattern) {
                        Ok(regex) => {
                            self.regexes.push(regex);
                            let slot = (self.regexes.len() - 1) as u32;
                            let value = self.expr(&args[0], Ctx::One);
                            return self.push(Term::Regex(value, slot));
                        }
                        Err(message) => {
                            self.error(
                                args[1].span,
                                format!("invalid regular expression: {message}"),
                            );
                            return self.fallback(args);
                        }
                    }
                }
            }
            Func::Count | Func::Sum | Func::CountNonEmpty => {
                let t = self.nodeset(func, &args[0]);
                return self.call_term(func, vec![t]);
            }
            Func::IndexedRepeat => {
                let field = self.nodeset(func, &args[0]);
                self.check_repeat(&args[1]);
                let index = self.expr(&args[2], Ctx::One);
                return self.push(Term::IndexedRepeat(field, index));
            }
            Func::Position => {
                if let Some(arg) = args.first() {
                    if arg.kind != ExprKind::Parent {
                        let found = self.describe(arg);
                        self.error(
                            arg.span,
                            format!("`position` expects `..`, but found {found}"),
                        );
                        self.expr(arg, Ctx::Many);
                    }
                }
                return self.call_term(func, Vec::new());
            }
            Func::WeightedChecklist if !args.len().is_multiple_of(2) => {
                self.error(
                    call.span,
                    format!(
                        "function `{name}` expects a weight after each condition, but found {} arguments",
                        args.len()
                    ),
                );
            }
            Func::Date
            | Func::DateTime
            | Func::DecimalDateTime
            | Func::FormatDate
            | Func::FormatDateTime => {
                if let ExprKind::Str(s) = &args[0].kind {
                    if parse_number(s).is_none() && parse_date_time_lenient(s).is_none() {
                        self.error(
                            args[0].span,
                            format!("expected a date such as '2024-05-31', but found text '{s}'"),
                        );
                    }
                }
            }
            _ => {}
        }
        let ctx = |i: usize| match func {
            Func::Concat
            | Func::Min
            | Func::Max
            | Func::Boolean
            | Func::Not
            | Func::Distance
            | Func::Area => Ctx::Many,
            Func::Randomize if i == 0 => Ctx::Many,
            Func::Join | Func::Checklist if i > 0 => Ctx::Many,
            Func::Checklist | Func::WeightedChecklist if i > 1 => Ctx::Many,
            _ => Ctx::One,
        };
        let terms = args
            .iter()
            .enumerate()
            .map(|(i, arg)| self.expr(arg, ctx(i)))
            .collect();
        self.call_term(func, terms)
    }

    fn call_term(&mut self, func: Func, terms: Vec<TermId>) -> TermId {
        let start = self.args.len() as u32;
        let len = terms.len() as u32;
        self.args.extend(terms);
        self.push(Term::Call(func, start, len))
    }

    /// Compiles the arguments of a call that is already known to be wrong,
    /// so that problems inside them are reported too.
    fn fallback(&mut self, args: &[Expr]) -> TermId {
        for arg in args {
            self.expr(arg, Ctx::Many);
        }
        self.push(Term::Const(Value::Empty))
    }

    /// Arguments of `count()`, `sum()` and `count-non-empty()`: a reference,
    /// which may yield one value per repeat instance.
    fn nodeset(&mut self, func: Func, arg: &Expr) -> TermId {
        let ExprKind::Ref(name) = &arg.kind else {
            let found = self.describe(arg);
            let example = if func == Func::Count {
                "${household_member}"
            } else {
                "${amount}"
            };
            self.error(
                arg.span,
                format!("`{func}` expects a question such as `{example}`, but found {found}"),
            );
            return self.expr(arg, Ctx::Many);
        };
        let Some(info) = self.resolve(name, arg.span) else {
            return self.push(Term::Const(Value::Empty));
        };
        match info.ty {
            Ty::Repeat if func == Func::Count => {}
            Ty::Repeat | Ty::Group => {
                let what = if info.ty == Ty::Repeat {
                    "repeat"
                } else {
                    "group"
                };
                self.error(
                    arg.span,
                    format!("`{func}` expects a question inside a repeat, but `${{{name}}}` is a {what}"),
                );
            }
            _ => {}
        }
        self.reference(info.id)
    }

    fn check_repeat(&mut self, arg: &Expr) {
        let ok = match &arg.kind {
            ExprKind::Ref(name) => match self.resolve(name, arg.span) {
                Some(info) => info.ty == Ty::Repeat,
                None => return,
            },
            _ => false,
        };
        if !ok {
            let found = self.describe(arg);
            self.error(
                arg.span,
                format!(
                    "`indexed-repeat` expects a repeat as its second argument, but found {found}"
                ),
            );
        }
    }

    /// `jr:choice-name(value, '${question}')`: XLSForm writes the question
    /// as text; a bare `${question}` is accepted as well.
    fn choice_name(&mut self, func: Func, args: &[Expr]) -> TermId {
        let target = &args[1];
        let name = match &target.kind {
            ExprKind::Str(s) => s
                .trim()
                .strip_prefix("${")
                .and_then(|s| s.strip_suffix('}')),
            ExprKind::Ref(name) => Some(name.as_str()),
            _ => None,
        };
        let value = self.expr(&args[0], Ctx::One);
        let Some(name) = name else {
            let found = self.describe(target);
            self.error(
                target.span,
                format!("`{func}` expects the question as text such as '${{colour}}', but found {found}"),
            );
            return self.push(Term::Const(Value::Empty));
        };
        let Some(info) = self.resolve(name, target.span) else {
            return self.push(Term::Const(Value::Empty));
        };
        if !matches!(info.ty, Ty::SelectOne | Ty::SelectMultiple) {
            self.error(
                target.span,
                format!(
                    "`{func}` expects a select_one or select_multiple question, but `${{{name}}}` is a {} question",
                    info.ty.name()
                ),
            );
        }
        // The label depends on the language, not on this question's answer,
        // so the question is not a dependency.
        self.push(Term::ChoiceName(value, info.id))
    }
}
