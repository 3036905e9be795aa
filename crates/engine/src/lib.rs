//! The Yim form engine.
//!
//! [`compile`] turns a resolved [`yim_form::Form`] into a [`CompiledForm`]:
//! every `${name}` resolved, every expression compiled once, and a static
//! graph of *cells* (a node's relevance, value, required, read-only, error,
//! offered choices and repeat count) in topological order. A [`Session`]
//! holds one response. After each command (answer, add or remove a repeat
//! entry) it recomputes only the cells that read what changed, in rank
//! order, and returns the keys of the nodes whose view changed.
//!
//! **Boundary:** the engine does no I/O and knows nothing about the DOM,
//! IndexedDB or leptos. The clock and the seed for randomness come in
//! through [`Clock`].
//!
//! **Invariant:** a session is consistent after every command; there is no
//! "recompute" step for callers to forget.
//!
//! ```
//! use yim_engine::{compile, Clock, Session};
//! use yim_expr::Date;
//! use yim_form::{load, MemFiles};
//!
//! let files = MemFiles::new().with("f.yaml", "\
//! form: {id: f, version: '1', title: F}
//! questions:
//!   - {name: age, type: integer, label: Age}
//!   - {name: school, type: text, label: School, relevant: '${age} >= 6'}
//! ");
//! let (form, diags) = load("f.yaml", &files);
//! assert!(diags.is_empty(), "{diags:?}");
//! let (compiled, diags) = compile(&form.unwrap());
//! assert!(diags.is_empty(), "{diags:?}");
//! let mut s = Session::new(compiled.unwrap(), Clock::fixed(Date::from_ymd(2026, 1, 1).unwrap()));
//! assert!(!s.node("school").unwrap().relevant);
//! let changes = s.answer("age", "7").unwrap();
//! let school = s.key("school").unwrap();
//! assert!(changes.changed.contains(&school));
//! assert!(s.node("school").unwrap().relevant);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod answers;
mod case;
mod compile;
mod email;
mod pages;
mod session;
mod validate;
mod view;
mod words;

pub use answers::LoadReport;
pub use case::CaseRow;
pub use compile::{compile, compile_shared, CompiledForm};
pub use email::email_ok;
pub use pages::{Forward, Page, Pager, Turn};
pub use session::{AnswerError, Clock, Properties, Session, MAX_REPEAT_COUNT};
pub use validate::{check_message, thai_id_ok};
pub use view::{
    Changes, ChoiceView, FormView, InstanceView, NodeKey, NodeKind, NodeView, Problem, RangeView,
};
pub use yim_expr::{thai, Date, DateTime, Value};

/// Loads and compiles a form in one step, returning every diagnostic from
/// both phases sorted by place.
pub fn load_and_compile(
    path: &str,
    files: &dyn yim_form::Files,
) -> (
    Option<std::sync::Arc<CompiledForm>>,
    Vec<yim_form::Diagnostic>,
) {
    let (form, mut diags) = yim_form::load(path, files);
    let Some(form) = form else {
        return (None, diags);
    };
    let (compiled, more) = compile_shared(std::sync::Arc::new(form));
    diags.extend(more);
    diags.sort_by(|a, b| {
        (a.loc.file.as_ref(), a.loc.line, a.loc.col).cmp(&(
            b.loc.file.as_ref(),
            b.loc.line,
            b.loc.col,
        ))
    });
    diags.dedup_by(|a, b| a.loc == b.loc && a.message == b.message);
    (compiled, diags)
}
