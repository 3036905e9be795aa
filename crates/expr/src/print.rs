//! Prints an expression tree back as source.
//!
//! The printer adds only the parentheses that precedence requires, so
//! parsing the printed text gives the same tree again.

use std::fmt;

use crate::parse::{Expr, ExprKind, UNARY_PRECEDENCE};

/// Leaves and calls never need parentheses.
const ATOM: u8 = UNARY_PRECEDENCE + 1;

fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Bin(op, _, _) => op.precedence(),
        ExprKind::Neg(_) => UNARY_PRECEDENCE,
        _ => ATOM,
    }
}

fn write_operand(f: &mut fmt::Formatter<'_>, e: &Expr, parens: bool) -> fmt::Result {
    if parens {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Num(n) => f.write_str(&crate::value::format_number(*n)),
            ExprKind::Str(s) => {
                // XPath has no escapes, so pick the quote the text lacks.
                let quote = if s.contains('\'') { '"' } else { '\'' };
                write!(f, "{quote}{s}{quote}")
            }
            ExprKind::Ref(name) => write!(f, "${{{name}}}"),
            ExprKind::Current => f.write_str("."),
            ExprKind::Parent => f.write_str(".."),
            ExprKind::Neg(e) => {
                f.write_str("-")?;
                write_operand(f, e, precedence(e) < UNARY_PRECEDENCE)
            }
            ExprKind::Bin(op, a, b) => {
                let p = op.precedence();
                // Operators are left associative: an equal-precedence
                // operator on the right needs parentheses.
                write_operand(f, a, precedence(a) < p)?;
                write!(f, " {op} ")?;
                write_operand(f, b, precedence(b) <= p)
            }
            ExprKind::Call { name, args, .. } => {
                write!(f, "{name}(")?;
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{arg}")?;
                }
                f.write_str(")")
            }
            ExprKind::Null => f.write_str("null"),
            ExprKind::Field(name) => f.write_str(name),
            ExprKind::Path { start, steps } => {
                write!(f, "{start}")?;
                for step in steps {
                    write!(f, "/{}", step.name)?;
                    if let Some(p) = &step.predicate {
                        write!(f, "[{p}]")?;
                    }
                }
                Ok(())
            }
            // A broken tree prints its parts so tooling can still show them;
            // the result does not parse back into the same tree.
            ExprKind::Error(parts) => {
                f.write_str("<error")?;
                for part in parts {
                    write!(f, " {part}")?;
                }
                f.write_str(">")
            }
        }
    }
}
