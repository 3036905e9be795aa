//! A check that `settings.recipients` are well-formed age public keys.
//!
//! age public keys are Bech32 strings (BIP 173) with the human-readable part
//! `age` (or `age1NAME` for plugin keys). Checking the Bech32 checksum here
//! catches a mistyped or truncated key when the form is linted, long before a
//! coordinator tries to export data to it.

const CHARSET: &str = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// The length of a native X25519 age public key: `age1` and 58 characters.
const X25519_LEN: usize = 62;

/// Ok when `key` is a well-formed age public key, else a message for the author.
pub(crate) fn check(key: &str) -> Result<(), String> {
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
    let sep = key.rfind('1').unwrap_or(3);
    let (hrp, data) = (&key[..sep], &key[sep + 1..]);
    let mut values = Vec::with_capacity(data.len());
    for c in data.chars() {
        match CHARSET.find(c) {
            Some(v) => values.push(v as u32),
            None => {
                return Err(format!(
                    "the age public key `{key}` contains `{c}`, which never appears in age keys; check for a typo"
                ))
            }
        }
    }
    if hrp == "age" && key.len() != X25519_LEN {
        return Err(format!(
            "the age public key `{key}` has {} characters, but age public keys have {X25519_LEN}",
            key.chars().count()
        ));
    }
    if data.len() < 6 || polymod(hrp, &values) != 1 {
        return Err(format!(
            "the age public key `{key}` has a typo (its checksum does not match)"
        ));
    }
    Ok(())
}

/// The Bech32 checksum function over the expanded human-readable part and the
/// data values; a valid string gives 1.
fn polymod(hrp: &str, values: &[u32]) -> u32 {
    const GEN: [u32; 5] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    let expanded = hrp
        .bytes()
        .map(|b| u32::from(b >> 5))
        .chain(std::iter::once(0))
        .chain(hrp.bytes().map(|b| u32::from(b & 31)));
    let mut chk: u32 = 1;
    for v in expanded.chain(values.iter().copied()) {
        let top = chk >> 25;
        chk = ((chk & 0x1ff_ffff) << 5) ^ v;
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
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
}
