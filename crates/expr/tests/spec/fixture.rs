//! A small form that is both the compile-time [`Scope`] and the run-time
//! [`Host`] of the tests.

use yim_expr::{compile, Date, DateTime, Host, RefInfo, Scope, Time, Ty, Value};

pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub repeated: bool,
    pub value: Value,
}

pub struct Form {
    pub fields: Vec<Field>,
    /// The type and value of `.`, when `.` is allowed.
    pub current: Option<(Ty, Value)>,
    pub position: Option<usize>,
}

pub fn date(s: &str) -> Value {
    Value::Date(Date::parse_iso(s).expect("test dates are valid"))
}

pub fn date_time(s: &str) -> Value {
    Value::DateTime(DateTime::parse_iso(s).expect("test date-times are valid"))
}

pub fn time(s: &str) -> Value {
    Value::Time(Time::parse_iso(s).expect("test times are valid"))
}

fn nums(ns: &[f64]) -> Value {
    Value::nodeset(ns.iter().map(|&n| Value::Num(n)))
}

impl Form {
    /// A household visit: one child, Somchai, with siblings in a repeat.
    pub fn standard() -> Form {
        let field = |name, ty, value| Field {
            name,
            ty,
            repeated: false,
            value,
        };
        let repeated = |name, ty, value| Field {
            name,
            ty,
            repeated: true,
            value,
        };
        Form {
            fields: vec![
                field("age", Ty::Integer, Value::Num(16.0)),
                field("amount", Ty::Number, Value::Num(2.5)),
                field("name", Ty::Text, Value::str("Somchai")),
                field("empty", Ty::Text, Value::Empty),
                field("blank", Ty::Text, Value::str("")),
                field("count_text", Ty::Text, Value::str("3")),
                field(
                    "risks",
                    Ty::SelectMultiple,
                    Value::multi(["labour", "violence"]),
                ),
                field(
                    "no_risks",
                    Ty::SelectMultiple,
                    Value::multi::<[&str; 0], &str>([]),
                ),
                field("sex", Ty::SelectOne, Value::str("female")),
                field("dob", Ty::Date, date("2010-03-15")),
                field(
                    "visit",
                    Ty::DateTime,
                    date_time("2024-05-01T09:30:00.000+07:00"),
                ),
                field("start", Ty::Time, time("08:15:00")),
                field("consent", Ty::Boolean, Value::Bool(true)),
                field("total", Ty::Any, Value::Num(7.0)),
                field("location", Ty::Geopoint, Value::str("18.79 98.98 300 5")),
                field("household", Ty::Group, Value::Empty),
                repeated(
                    "children",
                    Ty::Repeat,
                    Value::nodeset([Value::Empty, Value::Empty, Value::Empty]),
                ),
                repeated("child_age", Ty::Integer, nums(&[3.0, 7.0, 12.0])),
                repeated(
                    "child_name",
                    Ty::Text,
                    Value::nodeset([Value::str("Nid"), Value::str(""), Value::str("Ploy")]),
                ),
                repeated(
                    "child_risks",
                    Ty::SelectMultiple,
                    Value::nodeset([Value::multi(["labour"])]),
                ),
                repeated("no_children", Ty::Integer, Value::nodeset([])),
                repeated(
                    "income",
                    Ty::Number,
                    Value::nodeset([Value::Num(100.0), Value::Empty]),
                ),
            ],
            current: None,
            position: Some(2),
        }
    }

    /// The same form, evaluated for a question whose answer is `value`.
    pub fn at(ty: Ty, value: Value) -> Form {
        Form {
            current: Some((ty, value)),
            ..Form::standard()
        }
    }

    fn field(&self, id: u32) -> Option<&Field> {
        self.fields.get(id as usize)
    }
}

/// One choice list: its name, its column names, and its items' values.
pub type List = (
    &'static str,
    &'static [&'static str],
    &'static [&'static [&'static str]],
);

/// The form's choice lists, for `instance(...)` look-ups and `pulldata`:
/// (list name, column names, items). `name` and `label` come first, as the
/// engine numbers them.
pub const LISTS: &[List] = &[
    (
        "seclass",
        &["name", "label", "code"],
        &[
            &["low", "Low income", "1"],
            &["middle", "Middle income", "2"],
            &["high", "High income", "3"],
        ],
    ),
    (
        "fruits",
        &["name", "label", "price"],
        &[
            &["mango", "Mango", "30"],
            &["durian", "Durian", "120"],
            &["mango", "Mango (late)", "25"],
        ],
    ),
];

impl Scope for Form {
    fn resolve(&self, name: &str) -> Option<RefInfo> {
        let id = self.fields.iter().position(|f| f.name == name)?;
        let f = &self.fields[id];
        Some(RefInfo {
            id: id as u32,
            ty: f.ty,
            repeated: f.repeated,
        })
    }

    fn current(&self) -> Option<Ty> {
        self.current.as_ref().map(|(ty, _)| *ty)
    }

    fn candidates(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.name.to_owned()).collect()
    }

    fn list(&self, name: &str) -> Option<u32> {
        LISTS.iter().position(|l| l.0 == name).map(|i| i as u32)
    }

    fn list_column(&self, list: u32, column: &str) -> Option<u32> {
        let columns = LISTS.get(list as usize)?.1;
        columns.iter().position(|c| *c == column).map(|i| i as u32)
    }
}

impl Host for Form {
    fn get(&self, id: u32) -> Value {
        self.field(id).map_or(Value::Empty, |f| f.value.clone())
    }

    fn current(&self) -> Value {
        self.current
            .as_ref()
            .map_or(Value::Empty, |(_, v)| v.clone())
    }

    fn position(&self) -> Option<usize> {
        self.position
    }

    fn choice_label(&self, id: u32, choice: &str) -> Option<String> {
        let label = match (self.field(id)?.name, choice) {
            ("sex", "female") => "Female",
            ("sex", "male") => "Male",
            ("risks", "labour") => "Child labour",
            ("risks", "violence") => "Violence at home",
            _ => return None,
        };
        Some(label.to_owned())
    }

    fn today(&self) -> Date {
        Date::from_ymd(2024, 5, 1).expect("valid date")
    }

    fn now(&self) -> DateTime {
        DateTime::parse_iso("2024-05-01T09:45:30.250+07:00").expect("valid date-time")
    }

    fn uuid(&self) -> String {
        "8f14e45f-ceea-467f-a0e6-4b2a5c6d7e8f".to_owned()
    }

    fn form_version(&self) -> String {
        "2024.05".to_owned()
    }

    fn list_len(&self, list: u32) -> usize {
        LISTS.get(list as usize).map_or(0, |l| l.2.len())
    }

    fn list_value(&self, list: u32, item: usize, column: u32) -> Value {
        LISTS
            .get(list as usize)
            .and_then(|l| l.2.get(item))
            .and_then(|row| row.get(column as usize))
            .map_or(Value::Empty, |v| Value::str(v))
    }
}

/// Evaluates `src` against `form` and checks the result.
#[track_caller]
pub fn give(form: &Form, src: &str, expected: impl Into<Value>) {
    let program = match compile(src, form) {
        Ok(program) => program,
        Err(errors) => panic!("`{src}` does not compile: {errors:?}"),
    };
    let expected = expected.into();
    let actual = program.eval(form);
    assert_eq!(
        actual, expected,
        "`{src}` gave {actual:?} instead of {expected:?}"
    );
}
