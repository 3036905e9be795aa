//! The `email` check is stated in src/email.rs rather than taken from
//! validator (whose rule runs on the `regex` crate). One shared table of
//! texts goes through both, and each must give the outcome the table
//! states: the two accept and refuse exactly the same addresses.

use validator::ValidateEmail;
use yim_engine::email_ok;

/// Each text with whether it is an e-mail address.
const EMAILS: &[(&str, bool)] = &[
    ("somchai@example.org", true),
    ("somchai.jaidee@moe.go.th", true),
    ("a@b", true),
    ("A.B-C_D+tag@EXAMPLE.co.th", true),
    ("!#$%&'*+/=?^_`{|}~-@example.org", true),
    ("first..last@example.org", true),
    (".dot@example.org", true),
    ("user@sub-domain.example", true),
    ("user@123.example", true),
    ("user@example.org.", false),
    ("user@.example.org", false),
    ("user@example..org", false),
    ("user@-example.org", false),
    ("user@example-.org", false),
    ("user@exa_mple.org", false),
    ("", false),
    ("@", false),
    ("user", false),
    ("user@", false),
    ("@example.org", false),
    ("us er@example.org", false),
    ("user@exa mple.org", false),
    ("\"quoted\"@example.org", false),
    ("user(comment)@example.org", false),
    ("a@b@example.org", false),
    ("user@@example.org", false),
    ("ผู้ใช้@example.org", false),
    ("user@ตัวอย่าง.ไทย", true),
    ("user@กระทรวง.th", true),
    ("user@bücher.de", true),
    ("user@xn--12c1fe0br.xn--o3cw4h", true),
    ("user@xn--.org", false),
    ("user@ex\u{200D}ample.org", false),
    ("user@\u{FF45}xample.org", true),
    ("user@[127.0.0.1]", true),
    ("user@[::1]", true),
    ("user@[IPv6:::1]", false),
    ("user@[256.0.0.1]", false),
    ("user@[127.0.0.1", false),
    ("user@127.0.0.1]", false),
    ("user@x[127.0.0.1]", true),
    ("user@[1.2.3.4]]", false),
    ("user@[]", false),
    ("user@[1.2.3.4][::1]", true),
    ("user@example.org\n", false),
    ("user\n@example.org", false),
    ("user@EXAMPLE.ORG", true),
];

fn lengths() -> Vec<(String, bool)> {
    let label = "a".repeat(63);
    vec![
        (format!("{}@example.org", "a".repeat(64)), true),
        (format!("{}@example.org", "a".repeat(65)), false),
        (format!("user@{label}.org"), true),
        (format!("user@{}a.org", label), false),
        (format!("user@{}", [label.as_str(); 4].join(".")), true),
        (
            format!("user@{}.{}", [label.as_str(); 4].join("."), "a"),
            false,
        ),
        (format!("user@{}", ["ก"; 60].concat() + ".th"), false),
        (format!("{}@example.org", "ก".repeat(64)), false),
    ]
}

#[test]
fn the_email_check_accepts_and_refuses_what_validator_does() {
    let long = lengths();
    let table = EMAILS
        .iter()
        .map(|(text, ok)| (*text, *ok))
        .chain(long.iter().map(|(text, ok)| (text.as_str(), *ok)));
    let mut wrong = Vec::new();
    for (text, expected) in table {
        let by_validator = text.validate_email();
        let by_engine = email_ok(text);
        if by_validator != expected || by_engine != expected {
            wrong.push(format!(
                "{text:?}: table {expected}, validator {by_validator}, engine {by_engine}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
