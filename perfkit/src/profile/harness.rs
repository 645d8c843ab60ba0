//! Folding the harness away: of each sampled stack, only the frames above the routine's
//! marker are the user's code. Pure: raw stacks in, [`Folded`] stacks and what was dropped out.

use super::Folded;

/// The function that runs the routine while it is profiled (never inlined). Every sample of
/// the routine has it on its stack; the frames below it are the test harness, `main` and
/// perfkit's sampling loop, the frames above it are the routine.
pub const MARKER: &str = "perfkit_profiled_routine";

/// Whether `name` (demangled, hash removed) is the marker function.
fn is_marker(name: &str) -> bool {
    name == MARKER
        || name
            .strip_suffix(MARKER)
            .is_some_and(|path| path.ends_with("::"))
}

/// One frame of a sampled stack, as the unwinder resolved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFrame {
    /// The demangled name; `None` when the binary holds no symbol for the address.
    pub name: Option<String>,
    /// Whether a file and line were found (the binary has line tables).
    pub located: bool,
}

/// A sampled stack, root first, with the samples that caught it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawStack {
    /// Outermost frame first.
    pub frames: Vec<RawFrame>,
    /// Samples.
    pub count: u64,
}

/// The routine's stacks, and what the folding saw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoutineStacks {
    /// The frames above the marker, harness frames dropped.
    pub folded: Folded,
    /// Samples without the marker: other threads (tests running in parallel), or the
    /// harness between batches.
    pub outside: u64,
    /// Of all frames sampled, the share without a name (stripped symbols), 0..=1.
    pub unnamed_share: f64,
    /// Of the routine's frames, the share without file and line (no line tables: inlined
    /// functions are then folded into their callers), 0..=1.
    pub unlocated_share: f64,
}

/// A frame that belongs to perfkit's or the standard library's call plumbing between the
/// marker and the user's code, not to the user's code.
fn plumbing(name: &str) -> bool {
    name.starts_with("perfkit::")
        || name.starts_with("core::ops::function::")
        || name.starts_with("<alloc::boxed::Box<F,A> as core::ops::function::Fn")
        || name == "core::hint::black_box"
        || name == "std::hint::black_box"
}

/// A frame of the unwinder itself, which runs in the signal handler on top of the
/// interrupted code (pprof drops the handler's frame but, when they are not inlined, not
/// these).
fn unwinder(name: &str) -> bool {
    name.starts_with("backtrace::") || name.starts_with("pprof::") || name.starts_with("<pprof::")
}

/// The demangled name without the symbol hash (`::h0123456789abcdef`), which differs between
/// builds and would keep one function of two commits apart.
pub fn clean_name(name: &str) -> &str {
    match name.rsplit_once("::h") {
        Some((head, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            head
        }
        _ => name,
    }
}

/// Keeps of each stack the frames above the last [`MARKER`] frame, without perfkit's
/// plumbing; a sample taken in the marker's own loop is `[perfkit loop]`.
pub fn routine_stacks(raw: &[RawStack]) -> RoutineStacks {
    let mut out = RoutineStacks::default();
    let (mut frames, mut unnamed) = (0u64, 0u64);
    let (mut routine_frames, mut unlocated) = (0u64, 0u64);
    for stack in raw {
        frames += stack.frames.len() as u64 * stack.count;
        unnamed += stack.frames.iter().filter(|f| f.name.is_none()).count() as u64 * stack.count;
        let marker = stack
            .frames
            .iter()
            .rposition(|f| f.name.as_deref().is_some_and(|n| is_marker(clean_name(n))));
        let Some(at) = marker else {
            out.outside += stack.count;
            continue;
        };
        let mut above = &stack.frames[at + 1..];
        while let [rest @ .., leaf] = above
            && leaf
                .name
                .as_deref()
                .is_some_and(|n| unwinder(clean_name(n)))
        {
            above = rest;
        }
        let mut names: Vec<&str> = Vec::new();
        for frame in above {
            let name = frame.name.as_deref().map_or("[unknown]", clean_name);
            if plumbing(name) {
                continue;
            }
            routine_frames += stack.count;
            if !frame.located {
                unlocated += stack.count;
            }
            names.push(name);
        }
        if names.is_empty() {
            names.push("[perfkit loop]");
        }
        out.folded.add(&names, stack.count);
    }
    out.unnamed_share = ratio(unnamed, frames);
    out.unlocated_share = ratio(unlocated, routine_frames);
    out
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(names: &[&str], count: u64) -> RawStack {
        RawStack {
            frames: names
                .iter()
                .map(|n| RawFrame {
                    name: (*n != "?").then(|| n.to_string()),
                    located: true,
                })
                .collect(),
            count,
        }
    }

    #[test]
    fn keeps_the_routine_above_the_marker_without_plumbing() {
        let raw = [
            stack(
                &[
                    "main",
                    "test::run_test",
                    "perfkit::runtime::run",
                    "perfkit::profile::sampler::perfkit_profiled_routine::h0123456789abcdef",
                    "perfkit::measure::bencher::Bencher::iter::{{closure}}",
                    "core::ops::function::FnMut::call_mut",
                    "playbook::parse::{{closure}}",
                    "playbook::lex::h00000000000000ff",
                    "backtrace::backtrace::trace_unsynchronized",
                    "<pprof::backtrace::backtrace_rs::Trace as pprof::backtrace::Trace>::trace",
                    "backtrace::backtrace::libunwind::trace",
                ],
                3,
            ),
            stack(&["main", "perfkit_profiled_routine"], 1),
            stack(&["main", "test::run_test", "other_test"], 2),
        ];
        let r = routine_stacks(&raw);
        assert_eq!(
            r.folded.to_string(),
            "[perfkit loop] 1\nplaybook::parse::{{closure}};playbook::lex 3\n"
        );
        assert_eq!(r.outside, 2);
        assert_eq!(r.unnamed_share, 0.0);
    }

    #[test]
    fn counts_frames_without_names() {
        let raw = [stack(&["?", "?", "main"], 2), stack(&["?", "main"], 1)];
        let r = routine_stacks(&raw);
        assert!(r.folded.is_empty());
        assert_eq!(r.outside, 3);
        assert!((r.unnamed_share - 5.0 / 8.0).abs() < 1e-12);
    }

    #[test]
    fn a_name_that_only_looks_hashed_is_kept() {
        assert_eq!(clean_name("a::hello"), "a::hello");
        assert_eq!(clean_name("a::b::h0123456789abcdef"), "a::b");
    }
}
