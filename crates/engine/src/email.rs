//! The `email` check: an address as the HTML standard defines a valid
//! e-mail address (what a browser's `<input type=email>` accepts), with an
//! internationalised domain allowed, and the lengths of RFC 5321.
//!
//! This is the rule of `validator`'s `ValidateEmail`, which the engine used
//! before; validator runs it with the `regex` crate, and those regular
//! expressions were the only thing that still brought `regex` and its
//! Unicode tables into the app's download. The rule is small enough to
//! state as character tests. `tests/checks.rs` runs a shared table of
//! addresses through both and checks that they accept and refuse exactly
//! the same ones.

use std::net::IpAddr;

/// The longest local part (before the `@`) and domain, in characters
/// (RFC 5321, 4.5.3.1).
const MAX_LOCAL: usize = 64;
const MAX_DOMAIN: usize = 255;

/// Whether `text` is an e-mail address.
pub fn email_ok(text: &str) -> bool {
    // The domain is what follows the last `@`; the local part may not hold
    // one, since `@` is not among its characters.
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    if local.chars().count() > MAX_LOCAL || domain.chars().count() > MAX_DOMAIN {
        return false;
    }
    if local.is_empty() || !local.chars().all(local_char) {
        return false;
    }
    domain_ok(domain) || idna::domain_to_ascii(domain).is_ok_and(|ascii| domain_ok(&ascii))
}

/// The characters of a local part: ASCII letters, digits and the
/// punctuation the HTML standard lists.
fn local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c)
}

/// A host name of dot-separated labels, or an address literal.
fn domain_ok(domain: &str) -> bool {
    domain.split('.').all(label_ok) || literal_ok(domain)
}

/// A label: 1 to 63 ASCII letters, digits and hyphens, starting and ending
/// with a letter or digit.
fn label_ok(label: &str) -> bool {
    let bytes = label.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// An address literal: an IPv4 or IPv6 address in brackets at the end of
/// the domain (SMTP, RFC 5321 4.1.3). As in validator, only the bracketed
/// part at the end is read: what comes before the last `[` is not looked
/// at, so `x[127.0.0.1]` passes as well.
fn literal_ok(domain: &str) -> bool {
    let Some(inside) = domain.strip_suffix(']') else {
        return false;
    };
    let Some((_, address)) = inside.rsplit_once('[') else {
        return false;
    };
    !address.is_empty()
        && address
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        && address.parse::<IpAddr>().is_ok()
}
