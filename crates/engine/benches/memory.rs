//! Prints how much memory the engine itself holds for a household repeat of
//! 200 entries of 20 questions, the shape of the browser benchmark's
//! `bench-repeat` form (docs/performance.md): what a `Session` keeps, the
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

/// Twenty questions per entry, as in the browser benchmark's form: text,
/// numbers, a date, choices, relevance that reads other answers of the
/// entry, a calculation, and totals outside the repeat that read every
/// entry.
const FORM: &str = "\
form: {id: rep, version: '1', title: {th: ครัวเรือน, en: Household}, languages: [th, en]}
questions:
  - name: people
    type: repeat
    label: {th: สมาชิก, en: Member}
    questions:
      - {name: m_name, type: text, label: {th: ชื่อ, en: Name}}
      - {name: m_sex, type: select_one sex, label: {th: เพศ, en: Sex}}
      - {name: m_age, type: integer, label: {th: อายุ, en: Age}, constraint: '. >= 0 and . <= 120'}
      - {name: m_birth, type: date, label: {th: วันเกิด, en: Date of birth}}
      - {name: m_relation, type: select_one relation, label: {th: ความสัมพันธ์, en: Relation}}
      - {name: m_school, type: select_one yesno, label: {th: กำลังเรียน, en: In school}, relevant: '${m_age} >= 6'}
      - {name: m_school_name, type: text, label: {th: โรงเรียน, en: School}, relevant: \"${m_school} = 'yes'\"}
      - {name: m_grade, type: integer, label: {th: ชั้น, en: Grade}, relevant: \"${m_school} = 'yes'\"}
      - {name: m_work, type: select_one yesno, label: {th: ทำงาน, en: Works}, relevant: '${m_age} >= 15'}
      - {name: m_income, type: integer, label: {th: รายได้, en: Income}, relevant: \"${m_work} = 'yes'\"}
      - {name: m_phone, type: text, label: {th: โทรศัพท์, en: Phone}}
      - {name: m_disability, type: select_multiple disability, label: {th: ความพิการ, en: Disability}}
      - {name: m_health, type: text, label: {th: สุขภาพ, en: Health}}
      - {name: m_idcard, type: text, label: {th: เลขบัตร, en: ID card}}
      - {name: m_notes, type: text, appearance: multiline, label: {th: หมายเหตุ, en: Notes}}
      - {name: m_weight, type: decimal, label: {th: น้ำหนัก, en: Weight}}
      - {name: m_height, type: decimal, label: {th: ส่วนสูง, en: Height}}
      - {name: m_bmi, type: decimal, label: {th: ดัชนีมวลกาย, en: BMI}, calculation: 'round(${m_weight} div ((${m_height} div 100) * (${m_height} div 100)), 1)'}
      - {name: m_adult, type: calculate, calculation: 'if(${m_age} >= 18, 1, 0)'}
      - {name: m_consent, type: acknowledge, label: {th: ยินยอม, en: Consent}}
  - {name: total_income, type: calculate, calculation: 'sum(${m_income})'}
  - {name: adults, type: calculate, calculation: 'sum(${m_adult})'}
choices:
  sex: [{name: m, label: {th: ชาย, en: Male}}, {name: f, label: {th: หญิง, en: Female}}]
  yesno: [{name: 'yes', label: {th: ใช่, en: 'Yes'}}, {name: 'no', label: {th: ไม่ใช่, en: 'No'}}]
  relation:
    - {name: head, label: {th: หัวหน้า, en: Head}}
    - {name: spouse, label: {th: คู่สมรส, en: Spouse}}
    - {name: child, label: {th: บุตร, en: Child}}
    - {name: grandchild, label: {th: หลาน, en: Grandchild}}
    - {name: parent, label: {th: บิดามารดา, en: Parent}}
    - {name: other, label: {th: อื่น ๆ, en: Other}}
  disability:
    - {name: seeing, label: {th: การมองเห็น, en: Seeing}}
    - {name: hearing, label: {th: การได้ยิน, en: Hearing}}
    - {name: moving, label: {th: การเคลื่อนไหว, en: Moving}}
    - {name: learning, label: {th: การเรียนรู้, en: Learning}}
    - {name: none, label: {th: ไม่มี, en: None}}
";

const ENTRIES: usize = 200;

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

fn main() {
    let (form, diags) = load("rep.yaml", &MemFiles::new().with("rep.yaml", FORM));
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
    reset_peak();
    let base = held();
    let entry = session
        .entry(&format!("people[{ENTRIES}]"))
        .expect("the last entry");
    let entry_view = held() - base;
    drop(entry);
    let base = held();
    let node = session
        .node(&format!("people[{ENTRIES}]/m_relation"))
        .expect("a question of the last entry");
    let node_view = held() - base;
    drop(node);

    println!("engine memory, {ENTRIES} entries of 20 questions (counted allocations)");
    println!("{:<52} {:>12}", "session with no entry", kb(empty));
    println!(
        "{:<52} {:>12}",
        format!("held by {ENTRIES} entries"),
        kb(entries)
    );
    println!("{:<52} {:>12}", "per entry", kb(entries / ENTRIES));
    println!("{:<52} {:>12}", "per question", kb(entries / ENTRIES / 20));
    println!(
        "{:<52} {:>12}",
        "most held above the start while adding",
        kb(adds_peak)
    );
    println!(
        "{:<52} {:>12}",
        "views of one entry (Session::entry)",
        kb(entry_view)
    );
    println!(
        "{:<52} {:>12}",
        "view of one select question (Session::node)",
        kb(node_view)
    );
}
