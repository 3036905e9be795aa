//! The Yim form format: YAML form files, their variants (`extends:`) and CSV
//! choice lists, loaded into a plain-data [`Form`] where every element knows
//! its file, line and column.
//!
//! **Boundary**: this crate knows nothing about evaluating expressions. It keeps
//! each expression as the text the author wrote, with the location of its
//! first character, and leaves parsing to `yim-expr`.
//!
//! **Invariant**: loading never fails. [`load`] returns a form whenever one can
//! be built, together with every problem it found, each located.
//!
//! **Bounds**: lists and mappings may nest at most 100 levels deep. Deeper
//! nesting is reported before the YAML tree is built, because building it
//! recurses once per level.
//!
//! ```
//! use yim_form::{load, to_yaml, MemFiles};
//!
//! let files = MemFiles::new().with(
//!     "forms/hello.yaml",
//!     "form: {id: hello, version: '1', title: Hello}\n\
//!      questions:\n  - {name: who, type: text, label: Your name, required: yes}\n",
//! );
//! let (form, diagnostics) = load("forms/hello.yaml", &files);
//! assert!(diagnostics.is_empty());
//! let form = form.unwrap();
//! assert_eq!(form.questions[0].required.as_ref().unwrap().src, "true()");
//! assert!(to_yaml(&form).contains("name: who"));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod answers;
pub mod case;
mod csvlist;
pub mod diff;
mod files;
mod geojson;
mod lang;
mod load;
mod model;
mod print;
pub mod publish;
mod recipient;
mod suggest;
mod syntax;
mod validate;

#[cfg(feature = "fs")]
pub use files::FsFiles;
pub use files::{Files, MemFiles};
pub use lang::Lang;
pub use load::{load, load_shared, LoadCache};
pub use model::{
    is_media_name, CaseBlock, Check, Choice, ChoiceList, Diagnostic, Expr, Form, ListSource, Loc,
    Parameters, QType, Question, RangeLimits, Settings, Text, Walk, Walked, DEFAULT_MAX_PIXELS,
    FALLBACK_LANGUAGE, MAX_MEDIA_NAME,
};
pub use print::{to_yaml, to_yaml_with_files};
pub use recipient::check as check_recipient;
