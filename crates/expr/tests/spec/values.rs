//! Values: ISO parsing and printing, conversions and JSON.

use yim_expr::{Date, DateTime, Time, Ty, Value};

use crate::fixture::{date, date_time, time};

#[test]
fn dates_parse_and_print_as_iso() {
    let cases = [
        ("2024-02-29", Some("2024-02-29")),
        (" 2024-01-01 ", Some("2024-01-01")),
        ("1900-03-01", Some("1900-03-01")),
        ("0001-01-01", Some("0001-01-01")),
        ("2023-02-29", None),
        ("1900-02-29", None),
        ("2024-13-01", None),
        ("2024-04-31", None),
        ("24-01-01", None),
        ("2024-1-01", None),
        ("2024-01-01T00:00", None),
        ("", None),
    ];
    for (text, expected) in cases {
        assert_eq!(
            Date::parse_iso(text).map(|d| d.to_string()).as_deref(),
            expected,
            "{text:?}"
        );
    }
    let d = Date::from_ymd(2010, 3, 15).unwrap();
    assert_eq!((d.days(), d.ymd(), d.weekday()), (14683, (2010, 3, 15), 1));
    assert_eq!(Date::from_days(-1).to_string(), "1969-12-31");
    assert_eq!(Date::from_ymd(2023, 2, 29), None);
}

#[test]
fn dates_parse_as_people_in_thailand_write_them() {
    let cases = [
        // Day, Thai month name and Buddhist-era year.
        ("5 มีนาคม 2568", Some("2025-03-05")),
        ("5 มี.ค. 2568", Some("2025-03-05")),
        ("05 มี.ค 2568", Some("2025-03-05")),
        ("5 มีค 2568", Some("2025-03-05")),
        ("5 มีนาคม พ.ศ. 2568", Some("2025-03-05")),
        ("5มีนาคม2568", Some("2025-03-05")),
        ("31 ธ.ค. 2567", Some("2024-12-31")),
        ("29 กุมภาพันธ์ 2567", Some("2024-02-29")),
        ("29 ก.พ. 2568", None),
        // Thai digits, anywhere a digit goes.
        ("๕ มีนาคม ๒๕๖๘", Some("2025-03-05")),
        ("๒๐๒๕-๐๓-๐๕", Some("2025-03-05")),
        ("๕/๓/๒๕๖๘", Some("2025-03-05")),
        // Numbers only: day, month, year.
        ("5/3/2568", Some("2025-03-05")),
        ("05-03-2568", Some("2025-03-05")),
        ("5.3.2568", Some("2025-03-05")),
        // A common-era year, said or plain, and English month names.
        ("5 มีนาคม ค.ศ. 2025", Some("2025-03-05")),
        ("5/3/2025", Some("2025-03-05")),
        ("5 March 2025", Some("2025-03-05")),
        ("5 Mar 2568", Some("2025-03-05")),
        // ISO stays ISO: its year is never read as Buddhist era.
        ("2568-03-05", Some("2568-03-05")),
        // Not dates.
        ("5 มีนา 2568", None),
        ("32 มีนาคม 2568", None),
        ("5 มีนาคม 68", None),
        ("5/13/2568", None),
        ("5/3-2568", None),
        ("มีนาคม 2568", None),
        ("5 มีนาคม", None),
        ("", None),
    ];
    for (text, expected) in cases {
        assert_eq!(
            Date::parse_written(text).map(|d| d.to_string()).as_deref(),
            expected,
            "{text:?}"
        );
    }
}

#[test]
fn times_parse_and_print_as_iso() {
    let cases = [
        ("08:15", Some("08:15:00.000")),
        ("08:15:30.5", Some("08:15:30.500")),
        ("08:15:30.123456", Some("08:15:30.123")),
        ("08:15:30.123+07:00", Some("08:15:30.123+07:00")),
        ("23:59:59Z", Some("23:59:59.000+00:00")),
        ("12:00-0530", Some("12:00:00.000-05:30")),
        ("12:00+07", Some("12:00:00.000+07:00")),
        ("24:00", None),
        ("08:60", None),
        ("8:15", None),
        ("08:15:", None),
        ("08:15:30.", None),
        ("08:15+25:00", None),
    ];
    for (text, expected) in cases {
        assert_eq!(
            Time::parse_iso(text).map(|t| t.to_string()).as_deref(),
            expected,
            "{text:?}"
        );
    }
    let t = Time::parse_iso("01:02:03.004+07:00").unwrap();
    assert_eq!((t.ms_of_day(), t.offset_minutes()), (3_723_004, Some(420)));
}

#[test]
fn date_times_parse_and_print_as_iso() {
    let cases = [
        (
            "2024-05-01T09:30:00.000+07:00",
            Some("2024-05-01T09:30:00.000+07:00"),
        ),
        ("2024-05-01T09:30Z", Some("2024-05-01T09:30:00.000+00:00")),
        ("2024-05-01 09:30:00", Some("2024-05-01T09:30:00.000+00:00")),
        (
            "2024-05-01T23:30:00-05:00",
            Some("2024-05-01T23:30:00.000-05:00"),
        ),
        (
            "1969-12-31T23:59:59.999Z",
            Some("1969-12-31T23:59:59.999+00:00"),
        ),
        ("2024-05-01", None),
        ("2024-05-01T", None),
        ("2024-05-01T09:30:00+07:00x", None),
    ];
    for (text, expected) in cases {
        assert_eq!(
            DateTime::parse_iso(text).map(|t| t.to_string()).as_deref(),
            expected,
            "{text:?}"
        );
    }
    let dt = DateTime::parse_iso("2024-05-01T07:00:00+07:00").unwrap();
    assert_eq!(dt.ms(), 1_714_521_600_000);
    assert_eq!(dt.date(), Date::from_ymd(2024, 5, 1).unwrap());
    assert_eq!(dt.ms_of_day(), 7 * 3_600_000);
    let late = DateTime::parse_iso("2024-05-01T23:30:00-05:00").unwrap();
    assert_eq!(late.date().to_string(), "2024-05-01");
    assert_eq!(
        DateTime::from_date(Date::from_days(0), 420).to_string(),
        "1970-01-01T00:00:00.000+07:00"
    );
}

#[test]
fn answers_parse_by_type() {
    let cases = [
        (Ty::Integer, "12", Value::Num(12.0)),
        (Ty::Number, "-2.5", Value::Num(-2.5)),
        (Ty::Number, "abc", Value::str("abc")),
        (Ty::Text, "12", Value::str("12")),
        (Ty::Text, "", Value::Empty),
        (Ty::Date, "2024-05-01", date("2024-05-01")),
        (Ty::Date, "2024-05-01T10:00:00+07:00", date("2024-05-01")),
        (Ty::Time, "10:00", time("10:00")),
        (
            Ty::DateTime,
            "2024-05-01T10:00:00+07:00",
            date_time("2024-05-01T10:00:00+07:00"),
        ),
        (
            Ty::DateTime,
            "2024-05-01",
            date_time("2024-05-01T00:00:00Z"),
        ),
        (Ty::Boolean, "true", Value::Bool(true)),
        (Ty::Boolean, "0", Value::Bool(false)),
        (Ty::SelectOne, "a", Value::str("a")),
        (Ty::SelectMultiple, " a  b ", Value::multi(["a", "b"])),
        (Ty::Any, "x", Value::str("x")),
    ];
    for (ty, text, expected) in cases {
        assert_eq!(Value::parse_as(ty, text), expected, "{ty:?} {text:?}");
    }
}

#[test]
fn conversions() {
    let cases: [(Value, bool, f64, &str, bool); 14] = [
        (Value::Empty, false, f64::NAN, "", true),
        (Value::str(""), false, f64::NAN, "", true),
        (Value::str("0"), true, 0.0, "0", false),
        (Value::str("abc"), true, f64::NAN, "abc", false),
        (Value::Bool(true), true, 1.0, "true", false),
        (Value::Num(0.0), false, 0.0, "0", false),
        (Value::Num(f64::NAN), false, f64::NAN, "NaN", false),
        (Value::Num(-2.50), true, -2.5, "-2.5", false),
        (
            Value::Num(1e21),
            true,
            1e21,
            "1000000000000000000000",
            false,
        ),
        (date("1970-01-11"), true, 10.0, "1970-01-11", false),
        (time("06:00"), true, 0.25, "06:00:00.000", false),
        (Value::multi(["a", "b"]), true, f64::NAN, "a b", false),
        (Value::multi(["7"]), true, 7.0, "7", false),
        (
            Value::nodeset([Value::Num(3.0), Value::Num(4.0)]),
            true,
            3.0,
            "3",
            false,
        ),
    ];
    for (value, boolean, number, text, empty) in cases {
        assert_eq!(value.as_bool(), boolean, "as_bool {value:?}");
        let n = value.as_num();
        assert!(
            n == number || (n.is_nan() && number.is_nan()),
            "as_num {value:?}: {n}"
        );
        assert_eq!(value.to_odk_string(), text, "to_odk_string {value:?}");
        assert_eq!(value.is_empty(), empty, "is_empty {value:?}");
    }
    assert!(Value::nodeset([]).is_empty());
    assert!(Value::multi::<[&str; 0], &str>([]).is_empty());
}

#[test]
fn json() {
    let cases = [
        (Value::Empty, "null"),
        (Value::Bool(false), "false"),
        (Value::Num(3.0), "3"),
        (Value::Num(-2.5), "-2.5"),
        (Value::Num(f64::NAN), "null"),
        (Value::Num(f64::INFINITY), "null"),
        (Value::str("สวัสดี \"x\""), r#""สวัสดี \"x\"""#),
        (date("2024-05-01"), r#""2024-05-01""#),
        (time("10:00+07:00"), r#""10:00:00.000+07:00""#),
        (
            date_time("2024-05-01T10:00:00+07:00"),
            r#""2024-05-01T10:00:00.000+07:00""#,
        ),
        (Value::multi(["a", "b"]), r#"["a","b"]"#),
        (
            Value::nodeset([Value::Num(1.0), Value::Empty, Value::str("x")]),
            r#"[1,null,"x"]"#,
        ),
    ];
    for (value, expected) in cases {
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            expected,
            "{value:?}"
        );
    }
}
