//! A check that `settings.recipients` are age public keys the app can seal
//! to.
//!
//! age public keys are Bech32 strings (BIP 173) with the human-readable part
//! `age`. Checking them when a form is linted or published catches a
//! mistyped or truncated key long before a volunteer finalizes a record. Two
//! kinds of well-formed keys are refused as well, because the browser cannot
//! seal to them: keys for age plugins (`age1NAME1...`, such as a YubiKey's),
//! which need a plugin program the phone does not have, and the handful of
//! X25519 points of small order, for which the shared secret is zero (age
//! then stops with a panic instead of encrypting).

use bech32::primitives::decode::CheckedHrpstring;
use bech32::Bech32;

const CHARSET: &str = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// The length of a native X25519 age public key: `age1` and 58 characters.
const X25519_LEN: usize = 62;

/// Ok when `key` is a native age X25519 public key that can be sealed to,
/// else a message for the author.
pub fn check(key: &str) -> Result<(), String> {
    if !key.starts_with("age1") {
        return Err(format!(
            "expected an age public key starting with `age1`, but found `{key}`"
        ));
    }
    if key.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "the age public key `{key}` has capital letters; age keys are written in lowercase"
        ));
    }
    // A plugin key has a name between `age1` and its last `1`.
    let sep = key.rfind('1').unwrap_or(3);
    let (hrp, data) = (&key[..sep], &key[sep + 1..]);
    if let Some(c) = data.chars().find(|c| !CHARSET.contains(*c)) {
        return Err(format!(
            "the age public key `{key}` contains `{c}`, which never appears in age keys; check for a typo"
        ));
    }
    if hrp != "age" {
        let plugin = hrp.strip_prefix("age1").unwrap_or(hrp);
        return Err(format!(
            "the key `{key}` belongs to the age plugin `{plugin}`, which a phone cannot run; expected a plain age public key (age1 and 58 more letters and digits) as `yim keygen` or `age-keygen` make"
        ));
    }
    if key.len() != X25519_LEN {
        return Err(format!(
            "the age public key `{key}` has {} characters, but age public keys have {X25519_LEN}",
            key.chars().count()
        ));
    }
    let decoded = CheckedHrpstring::new::<Bech32>(key).map_err(|_| {
        format!("the age public key `{key}` has a typo (its checksum does not match)")
    })?;
    let bytes: Vec<u8> = decoded.byte_iter().collect();
    let point: [u8; 32] = bytes.try_into().map_err(|_| {
        format!("the age public key `{key}` has a typo (its checksum does not match)")
    })?;
    if !contributory(point) {
        return Err(format!(
            "the age public key `{key}` is not a usable key (a point of small order, for which encryption would protect nothing); make a new key with `yim keygen`"
        ));
    }
    Ok(())
}

/// Whether a Diffie-Hellman exchange with the X25519 public key `point`
/// gives a shared secret that depends on the private key. Every private key
/// is clamped to a multiple of 8, so one exchange with any key tells the
/// small-order points (whose result is always zero) from the others.
fn contributory(point: [u8; 32]) -> bool {
    let public = x25519_dalek::PublicKey::from(point);
    x25519_dalek::StaticSecret::from([0x5a; 32])
        .diffie_hellman(&public)
        .was_contributory()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients() {
        // The example key from age's documentation, and the same key with one
        // character changed, cut short, and in capitals.
        let good = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
        assert_eq!(check(good), Ok(()));
        let typo = good.replace("ql3z", "ql3x");
        assert!(check(&typo).unwrap_err().contains("checksum"));
        assert!(check(&good[..40])
            .unwrap_err()
            .contains("has 40 characters"));
        assert!(check(&good.to_uppercase()).is_err());
        assert!(check("age1bad!").unwrap_err().contains("contains `b`"));
        assert!(check("ssh-ed25519 AAAA")
            .unwrap_err()
            .starts_with("expected an age public key"));
    }

    #[test]
    fn keys_the_phone_cannot_seal_to_are_refused() {
        // Well-formed Bech32, but a YubiKey plugin's key.
        let plugin = "age1yubikey1qgrswpc8qurswpc8qurswpc8qurswpc8qurswpc8qurswpc8qurswaef2y5";
        assert!(check(plugin).unwrap_err().contains("age plugin `yubikey`"));
        // The X25519 points of small order: zero, one, and a point of order 8.
        for low in [
            "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z",
            "age1qyqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqj7vrya",
            "age1ur4h5lpmgxu2u9jku0a0r87ydtdqnr0tnsetrlvxvgz3vh6fhqqqzyt4v9",
        ] {
            assert!(
                check(low).unwrap_err().contains("point of small order"),
                "{low}"
            );
        }
        // An ordinary point made of repeated bytes is fine.
        assert_eq!(
            check("age1pyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyyscxl7ka"),
            Ok(())
        );
    }
}
