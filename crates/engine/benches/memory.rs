//! Prints how much memory the engine itself holds for a household repeat of
//! 200 entries of 20 questions, the browser benchmark's `bench-repeat` form
//! (docs/performance.md): what a `Session` keeps, the
//! high-water mark while the entries are added, and what the views of one
//! entry cost while they are handed to the app. Run with
//! `cargo bench -p yim-engine --bench memory`.
//!
//! The app's wasm memory after 200 entries is the engine's share plus the
//! screen's (signals, effects and the state kept per element); this figure
//! is the engine's share alone, counted exactly by a counting allocator
//! rather than estimated.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use yim_engine::{compile, Clock, Date, Session};
use yim_form::{load, MemFiles};

/// The system allocator, counting the bytes held now and the most held
/// since the last [`Counting::reset_peak`].
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on unchanged to the system allocator; the
// counters are only read.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let held = HELD.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(held, Ordering::Relaxed);
        // SAFETY: the caller's layout, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's pointer and layout, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let held = HELD.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                - layout.size();
            PEAK.fetch_max(held, Ordering::Relaxed);
        } else {
            HELD.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: the caller's pointer, layout and size, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn held() -> usize {
    HELD.load(Ordering::Relaxed)
}

fn reset_peak() {
    PEAK.store(held(), Ordering::Relaxed);
}

fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// The browser benchmark's repeat form, which `scripts/bench/forms.mjs`
/// writes (`make bench-dist` runs it): reading the same file keeps the two
/// figures about the same form.
const FORM: &str = "target/bench-forms/bench-repeat.yaml";

const ENTRIES: usize = 200;

/// The bytes that what `make` returns holds while it is alive.
fn held_by<T>(make: impl FnOnce() -> Option<T>) -> usize {
    let base = held();
    let made = make().expect("the last entry and its questions exist");
    let bytes = held() - base;
    drop(made);
    bytes
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let Ok(text) = std::fs::read_to_string(format!("{root}/{FORM}")) else {
        // `cargo bench -p yim-engine` runs this with the timings; on a
        // clean clone it says what to run rather than failing them.
        println!("engine memory: not measured, {FORM} is missing (run `node scripts/bench/forms.mjs target/bench-forms` first)");
        return;
    };
    let (form, diags) = load("rep.yaml", &MemFiles::new().with("rep.yaml", &text));
    assert!(diags.is_empty(), "{diags:?}");
    let (compiled, diags) = compile(&form.expect("the form loads"));
    assert!(diags.is_empty(), "{diags:?}");
    let compiled = compiled.expect("the form compiles");
    let clock = Clock::fixed(Date::from_ymd(2026, 12, 6).expect("a valid date"));

    let before = held();
    let mut session = Session::new(compiled, clock);
    session.set_language("th");
    let empty = held() - before;
    reset_peak();
    let start = held();
    for _ in 0..ENTRIES {
        std::hint::black_box(
            session
                .add_repeat("people")
                .expect("the repeat takes entries"),
        );
    }
    let entries = held() - start;
    let adds_peak = peak() - start;

    // What one entry's views cost while the app holds them (a new entry is
    // rendered from `Session::entry`), and what the view of the last
    // question of an entry costs, as the app asks for it after each change.
    let entry_view = held_by(|| session.entry(&format!("people[{ENTRIES}]")));
    let node_view = held_by(|| session.node(&format!("people[{ENTRIES}]/m_relation")));

    println!("engine memory, {ENTRIES} entries of 20 questions (counted allocations)");
    let rows = [
        ("session with no entry".to_owned(), empty),
        (format!("held by {ENTRIES} entries"), entries),
        ("per entry".to_owned(), entries / ENTRIES),
        ("per question".to_owned(), entries / ENTRIES / 20),
        (
            "most held above the start while adding".to_owned(),
            adds_peak,
        ),
        ("views of one entry (Session::entry)".to_owned(), entry_view),
        (
            "view of one select question (Session::node)".to_owned(),
            node_view,
        ),
    ];
    for (measure, bytes) in rows {
        println!("{measure:<52} {:>12}", kb(bytes));
    }
}
