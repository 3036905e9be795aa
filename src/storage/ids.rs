//! Ids for responses and exports: UUID version 7 (RFC 9562), whose first 48
//! bits are the Unix time in milliseconds, so that sorting ids sorts records
//! by the time they were made, across devices too.

use std::cell::Cell;

thread_local! {
    /// The time and counter of the last id made here. Ids made within the
    /// same millisecond (a batch import, a fast test) count up in the 12
    /// bits after the version, so that they still sort in the order they
    /// were made (RFC 9562, section 6.2, method 1).
    static LAST: Cell<(u64, u16)> = const { Cell::new((0, 0)) };
}

/// The counter is 12 bits wide.
const COUNTER_MAX: u16 = 0x0fff;

/// A new id, such as `01963f5e-8a4b-7c21-9d3e-5a6b7c8d9e0f`.
pub fn new_id() -> String {
    let mut random = [0u8; 10];
    random_bytes(&mut random);
    let now = js_sys::Date::now() as u64;
    let (ms, counter) = LAST.with(|last| {
        let (last_ms, last_counter) = last.get();
        let next = if now > last_ms {
            // A fresh millisecond starts the counter at a random value below
            // half its range, leaving room to count up.
            (
                now,
                u16::from_be_bytes([random[8], random[9]]) & (COUNTER_MAX >> 1),
            )
        } else if last_counter < COUNTER_MAX {
            // The same millisecond, or a clock that went back: keep the last
            // time and count up, so ids never go backwards.
            (last_ms, last_counter + 1)
        } else {
            (last_ms + 1, 0)
        };
        last.set(next);
        next
    });
    let mut tail = [0u8; 8];
    tail.copy_from_slice(&random[..8]);
    format_v7(ms, counter, tail)
}

/// Lays out a version 7 UUID: 48 bits of milliseconds, the version (7), a
/// 12-bit counter, the variant (`10`), and 62 random bits. The uuid crate
/// places the bits; the counter goes where RFC 9562 puts it (method 1), in
/// the 12 bits after the version.
pub(crate) fn format_v7(ms: u64, counter: u16, random: [u8; 8]) -> String {
    let mut bits = [0u8; 10];
    bits[..2].copy_from_slice(&(counter & COUNTER_MAX).to_be_bytes());
    bits[2..].copy_from_slice(&random);
    uuid::Builder::from_unix_timestamp_millis(ms, &bits)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// Fills `bytes` from the browser's cryptographic generator. Without Web
/// Crypto (which every browser the app supports has) the time-ordered part
/// still separates ids, and `Math.random` fills the rest.
fn random_bytes(bytes: &mut [u8]) {
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(bytes).is_ok());
    if !filled {
        for byte in bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
}
