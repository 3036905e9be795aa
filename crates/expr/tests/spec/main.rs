//! The expression language, specified by example.
//!
//! - `eval`: `give(form, "expression", expected)` for every function,
//!   coercion, operator and repeat case;
//! - `errors`: compile errors with the spans they point at;
//! - `parse`: precedence and associativity as S-expressions;
//! - `values`: ISO parsing, printing and JSON of values;
//! - `props`: arbitrary input never panics, and printing round-trips.

mod errors;
mod eval;
mod fixture;
mod parse;
mod props;
mod values;
