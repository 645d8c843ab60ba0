//! Allocation counting: [`Counting`], a global allocator users install in their test crate.
//!
//! ```
//! #[global_allocator]
//! static ALLOC: perfkit::alloc::Counting = perfkit::alloc::Counting;
//! ```
//!
//! It forwards to the system allocator and, only while a perf test's allocation pass is armed on
//! the current thread, counts calls and bytes. Counting is per thread: allocations made by other
//! threads (a thread pool the routine hands work to, or other tests running in parallel) are not
//! counted, which keeps the figures exact for the routine's own thread.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

/// The counting global allocator. Install it with `#[global_allocator]` (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct Counting;

/// Allocations and bytes counted while armed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Calls to `alloc`, `alloc_zeroed` and `realloc`.
    pub allocs: u64,
    /// Bytes requested by `alloc` and `alloc_zeroed`, plus the growth asked of `realloc`.
    pub bytes: u64,
    /// The most bytes the thread held at once beyond what it held when counting started
    /// (allocations minus deallocations, at their highest): the peak heap of what was counted.
    pub peak_bytes: u64,
}

static INSTALLED: AtomicBool = AtomicBool::new(false);

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static COUNTS: Cell<Counts> = const { Cell::new(Counts { allocs: 0, bytes: 0, peak_bytes: 0 }) };
    /// Bytes allocated minus bytes freed since counting started (negative when the counted
    /// code frees what was allocated before).
    static LIVE: Cell<i64> = const { Cell::new(0) };
}

/// Notes an allocation call (`call`: `alloc`, `alloc_zeroed`, `realloc`) that asked for
/// `bytes` more and changed the bytes held by `live` (negative for a free or a shrink).
fn note(call: bool, bytes: usize, live: i64) {
    INSTALLED.store(true, Ordering::Relaxed);
    // `try_with`: the allocator is also called while thread-locals are being torn down.
    let armed = ARMED.try_with(Cell::get).unwrap_or(false);
    if armed {
        let held = LIVE
            .try_with(|l| {
                l.set(l.get() + live);
                l.get()
            })
            .unwrap_or(0);
        let _ = COUNTS.try_with(|c| {
            let mut v = c.get();
            v.allocs += u64::from(call);
            v.bytes += bytes as u64;
            v.peak_bytes = v.peak_bytes.max(held.max(0) as u64);
            c.set(v);
        });
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the counting
// touches only const-initialised thread-locals, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(true, layout.size(), layout.size() as i64);
        // SAFETY: forwarded from our caller, who upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(true, layout.size(), layout.size() as i64);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(false, 0, -(layout.size() as i64));
        // SAFETY: as for `alloc`; `ptr` came from `System` through us.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(
            true,
            new_size.saturating_sub(layout.size()),
            new_size as i64 - layout.size() as i64,
        );
        // SAFETY: as for `dealloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Whether [`Counting`] is this process's global allocator.
pub fn is_installed() -> bool {
    if !INSTALLED.load(Ordering::Relaxed) {
        // Any allocation through `Counting` sets the flag; make one to find out.
        drop(std::hint::black_box(Box::new(0u64)));
    }
    INSTALLED.load(Ordering::Relaxed)
}

/// Counts the allocations `f` makes on the current thread. Returns `None` when [`Counting`] is
/// not installed.
pub fn count<T>(f: impl FnOnce() -> T) -> (T, Option<Counts>) {
    if !is_installed() {
        return (f(), None);
    }
    struct Disarm;
    impl Drop for Disarm {
        fn drop(&mut self) {
            ARMED.with(|a| a.set(false));
        }
    }
    COUNTS.with(|c| c.set(Counts::default()));
    LIVE.with(|l| l.set(0));
    ARMED.with(|a| a.set(true));
    let disarm = Disarm;
    let out = f();
    drop(disarm);
    (out, Some(COUNTS.with(Cell::get)))
}

/// What to add to a test crate to make allocation budgets work.
pub const HOW_TO_INSTALL: &str = "#[global_allocator]\n\
static ALLOC: perfkit::alloc::Counting = perfkit::alloc::Counting;";
