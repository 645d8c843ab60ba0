//! Memory-layout randomisation per process, so that layout modes become noise that replicate
//! runs average, instead of a bias that one process carries through all its measurements.
//!
//! Why: where the heap and the stack happen to start moves timings by whole percents (cache
//! set conflicts, alignment, 4K aliasing; Mytkowicz et al., "Producing wrong data without
//! doing anything obviously wrong!", ASPLOS 2009). Here a string-allocation benchmark read
//! about 270 µs in most processes and 322 µs in some, depending on what the heap held before
//! it ran. Stabilizer (Curtsinger & Berger, ASPLOS 2013) re-randomises layout continuously;
//! this does the cheap part once per process: a random heap offset (a block of 0–64 KiB in
//! 16-byte steps allocated and kept before the first measurement) and a random stack pad
//! (0–4 KiB in 16-byte steps below the measured routine's frame).
//!
//! `PERFKIT_LAYOUT=fixed` turns it off (to measure what it changes); `random` or unset turns
//! it on.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// The environment variable that chooses the [`LayoutMode`].
pub const LAYOUT_ENV: &str = "PERFKIT_LAYOUT";

/// The largest heap offset, in bytes. Below glibc's mmap threshold (128 KiB), so the block
/// comes from the heap it is meant to shift.
pub const MAX_HEAP_OFFSET: usize = 64 * 1024;

/// The largest stack pad, in bytes.
pub const MAX_STACK_PAD: usize = 4 * 1024;

/// The granularity of both offsets: the usual allocation alignment, so every step is a
/// layout the allocator could have produced.
const STEP: usize = 16;

/// Whether layout is randomised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LayoutMode {
    /// A random heap offset and stack pad per process (the default).
    #[default]
    Random,
    /// No offset, no pad: the layout the process happens to have.
    Fixed,
}

/// A `PERFKIT_LAYOUT` value that is not a [`LayoutMode`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{LAYOUT_ENV}={value:?} is not a layout mode: set it to `random` (the default) or `fixed`, or unset it"
)]
pub struct LayoutError {
    /// The value found.
    pub value: String,
}

impl LayoutMode {
    /// The mode a `PERFKIT_LAYOUT` value asks for (`None`: unset).
    ///
    /// ```
    /// use perfkit::measure::layout::LayoutMode;
    /// assert_eq!(LayoutMode::parse(None), Ok(LayoutMode::Random));
    /// assert_eq!(LayoutMode::parse(Some("fixed")), Ok(LayoutMode::Fixed));
    /// assert!(LayoutMode::parse(Some("off")).is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// [`LayoutError`] for any value but `random`, `fixed` or an empty one.
    pub fn parse(value: Option<&str>) -> Result<LayoutMode, LayoutError> {
        match value.map(str::trim) {
            None | Some("" | "random") => Ok(LayoutMode::Random),
            Some("fixed") => Ok(LayoutMode::Fixed),
            Some(other) => Err(LayoutError {
                value: other.to_owned(),
            }),
        }
    }

    /// The mode `PERFKIT_LAYOUT` asks for.
    ///
    /// # Errors
    ///
    /// As [`parse`](Self::parse); a value that is not Unicode is reported as such.
    pub fn from_env() -> Result<LayoutMode, LayoutError> {
        match std::env::var(LAYOUT_ENV) {
            Ok(value) => LayoutMode::parse(Some(&value)),
            Err(std::env::VarError::NotPresent) => LayoutMode::parse(None),
            Err(std::env::VarError::NotUnicode(value)) => Err(LayoutError {
                value: value.to_string_lossy().into_owned(),
            }),
        }
    }
}

/// The layout offsets of this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Layout {
    /// Bytes allocated and kept before the first measurement.
    pub heap_offset: usize,
    /// Bytes of stack below the measured routine's frame ([`with_stack_pad`](Self::with_stack_pad)).
    pub stack_pad: usize,
}

impl Layout {
    /// The offsets a 64-bit seed picks: each uniform over its range in 16-byte steps.
    ///
    /// ```
    /// use perfkit::measure::layout::{Layout, MAX_HEAP_OFFSET, MAX_STACK_PAD};
    /// let l = Layout::from_seed(0x1234_5678_9abc_def0);
    /// assert!(l.heap_offset <= MAX_HEAP_OFFSET && l.heap_offset % 16 == 0);
    /// assert!(l.stack_pad <= MAX_STACK_PAD && l.stack_pad % 16 == 0);
    /// ```
    pub fn from_seed(seed: u64) -> Layout {
        let steps = |max: usize, bits: u64| (bits % (max / STEP + 1) as u64) as usize * STEP;
        Layout {
            heap_offset: steps(MAX_HEAP_OFFSET, seed & 0xFFFF_FFFF),
            stack_pad: steps(MAX_STACK_PAD, seed >> 32),
        }
    }

    /// Runs `f` below `stack_pad` more bytes of stack than it would otherwise have.
    ///
    /// ```
    /// use perfkit::measure::layout::Layout;
    /// let layout = Layout { heap_offset: 0, stack_pad: 1024 };
    /// assert_eq!(layout.with_stack_pad(|| 6 * 7), 42);
    /// ```
    pub fn with_stack_pad<R>(&self, f: impl FnOnce() -> R) -> R {
        pad_stack(self.stack_pad, f)
    }
}

static LAYOUT: OnceLock<Layout> = OnceLock::new();

/// Randomises this process's layout once, as `PERFKIT_LAYOUT` asks, and returns it: the first
/// call allocates and keeps the heap offset; later calls return the same [`Layout`]. Call it
/// before the first measurement (and before any setup whose allocations should land behind
/// the offset), then measure inside [`Layout::with_stack_pad`].
///
/// # Errors
///
/// [`LayoutError`] when `PERFKIT_LAYOUT` holds an unknown value (nothing is changed then).
pub fn randomise() -> Result<Layout, LayoutError> {
    let mode = LayoutMode::from_env()?;
    Ok(*LAYOUT.get_or_init(|| {
        let layout = match mode {
            LayoutMode::Random => Layout::from_seed(seed()),
            LayoutMode::Fixed => Layout::default(),
        };
        if layout.heap_offset > 0 {
            // Kept for the life of the process: every later allocation lands behind it.
            let block: &'static mut [u8] = vec![1u8; layout.heap_offset].leak();
            std::hint::black_box(block);
        }
        layout
    }))
}

/// A seed that differs between processes: std's per-process random hash keys, mixed with the
/// time and the process id (no new dependency).
fn seed() -> u64 {
    let mut h = RandomState::new().build_hasher();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    h.write_u128(nanos);
    h.write_u32(std::process::id());
    h.finish()
}

/// Frames of 256 bytes, then one of the remainder: a stack pad without `alloca` or unsafe.
fn pad_stack<R>(bytes: usize, f: impl FnOnce() -> R) -> R {
    if bytes >= 256 {
        return frame::<256, R>(bytes - 256, f);
    }
    match bytes / STEP {
        0 => f(),
        1 => frame::<16, R>(0, f),
        2 => frame::<32, R>(0, f),
        3 => frame::<48, R>(0, f),
        4 => frame::<64, R>(0, f),
        5 => frame::<80, R>(0, f),
        6 => frame::<96, R>(0, f),
        7 => frame::<112, R>(0, f),
        8 => frame::<128, R>(0, f),
        9 => frame::<144, R>(0, f),
        10 => frame::<160, R>(0, f),
        11 => frame::<176, R>(0, f),
        12 => frame::<192, R>(0, f),
        13 => frame::<208, R>(0, f),
        14 => frame::<224, R>(0, f),
        _ => frame::<240, R>(0, f),
    }
}

/// One frame holding `N` bytes that the optimiser must keep (its address escapes before and
/// after the call below it), then `rest` more bytes of pad, then `f`.
#[inline(never)]
fn frame<const N: usize, R>(rest: usize, f: impl FnOnce() -> R) -> R {
    let pad = [0u8; N];
    std::hint::black_box(&pad);
    let result = pad_stack(rest, f);
    std::hint::black_box(&pad);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The address of a local in a frame called through `with_stack_pad`.
    #[inline(never)]
    fn stack_address(layout: Layout) -> usize {
        layout.with_stack_pad(|| {
            let here = 0u8;
            std::hint::black_box(&here) as *const u8 as usize
        })
    }

    #[test]
    fn the_pad_moves_the_stack_by_at_least_its_size() {
        let bare = stack_address(Layout::default());
        for pad in [16, 240, 256, 1000, MAX_STACK_PAD] {
            let padded = stack_address(Layout {
                heap_offset: 0,
                stack_pad: pad,
            });
            // The stack grows down on every target perfkit runs on.
            assert!(bare - padded >= pad, "pad {pad}: {bare:#x} - {padded:#x}");
            assert!(
                bare - padded <= 2 * pad + 4096,
                "pad {pad}: {bare:#x} - {padded:#x}"
            );
        }
    }

    #[test]
    fn seeds_cover_both_ranges() {
        let layouts: Vec<Layout> = (0..2000u64)
            .map(|i| Layout::from_seed(i.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
            .collect();
        assert!(layouts.iter().all(|l| l.heap_offset <= MAX_HEAP_OFFSET));
        assert!(layouts.iter().all(|l| l.stack_pad <= MAX_STACK_PAD));
        assert!(layouts.iter().any(|l| l.heap_offset > MAX_HEAP_OFFSET / 2));
        assert!(layouts.iter().any(|l| l.stack_pad > MAX_STACK_PAD / 2));
        assert_eq!(Layout::from_seed(0), Layout::default());
    }

    #[test]
    fn seeds_differ_between_calls() {
        assert_ne!(seed(), seed());
    }

    #[test]
    fn unknown_modes_are_named_in_the_error() {
        let e = LayoutMode::parse(Some("randomise")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "PERFKIT_LAYOUT=\"randomise\" is not a layout mode: set it to `random` (the \
             default) or `fixed`, or unset it"
        );
        assert_eq!(LayoutMode::parse(Some(" fixed ")), Ok(LayoutMode::Fixed));
    }

    #[test]
    fn randomise_is_done_once_per_process() {
        // Whatever PERFKIT_LAYOUT says in this test process, the second call repeats the first.
        if let Ok(first) = randomise() {
            assert_eq!(randomise(), Ok(first));
        }
    }
}
