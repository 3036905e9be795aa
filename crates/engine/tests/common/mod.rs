//! What the engine's scenario tests share: a session of a form written in
//! the test, which must load and compile without a single problem.

use yim_engine::{compile, Clock, Date, Session};
use yim_form::{load, MemFiles};

/// A new response to the form `form`, on a clock fixed at 23 November 2026.
pub fn session(form: &str) -> Session {
    let files = MemFiles::new().with("form.yaml", form);
    let (form, diags) = load("form.yaml", &files);
    assert!(diags.is_empty(), "form problems: {diags:#?}");
    let (compiled, diags) = compile(&form.unwrap());
    assert!(diags.is_empty(), "compile problems: {diags:#?}");
    Session::new(
        compiled.unwrap(),
        Clock::fixed(Date::from_ymd(2026, 11, 23).unwrap()),
    )
}
