//! Evaluating the expressions a form checks on every answer allocates
//! nothing: values are reference counted and compared in place.
//!
//! This file is its own test binary because it installs a counting global
//! allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use yim_expr::{compile, Ty, Value};

#[path = "spec/fixture.rs"]
#[allow(dead_code)]
mod fixture;

use fixture::Form;

struct Counting;

thread_local! {
    /// Allocations made by this thread while counting is switched on; other
    /// threads of the test harness are not counted.
    static COUNT: Cell<Option<usize>> = const { Cell::new(None) };
}

fn note_allocation() {
    // `try_with` fails only while the thread is being torn down.
    let _ = COUNT.try_with(|c| c.set(c.get().map(|n| n + 1)));
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counter is a const-initialised thread local without a destructor, so
// touching it never allocates or re-enters the allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Counts the allocations `f` makes on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    COUNT.with(|c| c.set(Some(0)));
    f();
    COUNT.with(|c| c.replace(None)).unwrap_or(0)
}

#[test]
fn common_expressions_evaluate_without_allocating() {
    let cases = [
        "${age} >= 15 and selected(${risks}, 'labour')",
        "${name} = 'Somchai' or ${sex} != 'male'",
        "if(${age} > 10, 'older', 'younger')",
        "count-selected(${risks}) >= 2 and not(selected(${risks}, 'other'))",
        "${dob} < today() and ${dob} = '2010-03-15'",
        "sum(${child_age}) > 10 and count(${child_age}) = 3 and ${child_age} = 7",
        "string-length(${name}) > 3 and contains(${name}, 'chai')",
        "regex(${name}, '^[A-Z][a-z]+$')",
        "coalesce(${empty}, ${name})",
        "${visit} > ${dob}",
        ". >= 0 and . <= 120",
    ];
    let form = Form::at(Ty::Integer, Value::Num(16.0));
    // Sanity check that counting works at all.
    assert!(allocations(|| drop(std::hint::black_box(vec![1u8; 16]))) > 0);
    for src in cases {
        let program = compile(src, &form).unwrap_or_else(|e| panic!("`{src}`: {e:?}"));
        // The first evaluation may warm up caches, such as the regex pool.
        let expected = program.eval(&form);
        let count = allocations(|| {
            for _ in 0..100 {
                assert_eq!(std::hint::black_box(program.eval(&form)), expected);
            }
        });
        assert_eq!(
            count, 0,
            "`{src}` allocated {count} times in 100 evaluations"
        );
    }
}
