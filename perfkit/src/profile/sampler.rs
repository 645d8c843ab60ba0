//! Sampling a routine in-process with `pprof` (SIGPROF on a CPU-time timer: no perf events,
//! which virtual machines often lack).
//!
//! The kernel delivers the timer's signal at most once per scheduler tick, so whatever rate is
//! asked for, about 250 samples per second arrive on a kernel with `HZ=250` (measured here).
//! A profile therefore runs for seconds, not milliseconds, and says how many samples it took.

use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::ProfileError;
use super::harness::{RawFrame, RawStack, RoutineStacks, routine_stacks};

/// The rate asked of the timer. The kernel's tick caps what arrives (see the module doc);
/// asking for more costs nothing and takes what a faster tick gives.
const ASKED_HZ: i32 = 1000;

/// How long to time single calls before profiling, to size a batch.
const ESTIMATE: Duration = Duration::from_millis(50);

/// A batch lasts about this long, so the loop around it costs nothing measurable.
const BATCH: Duration = Duration::from_millis(10);

/// The gap between two samples at the usual 250 Hz tick: a call shorter than this is never
/// caught whole by one sample, only on average over many calls.
pub const SAMPLE_INTERVAL: Duration = Duration::from_millis(4);

/// How long to profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfilePlan {
    /// Profile at least this long (wall time).
    pub time: Duration,
    /// Keep going past `time` until this many samples of the routine were taken (a busy
    /// machine gives the process less CPU time, so fewer samples), up to four times `time`.
    pub min_samples: u64,
}

impl ProfilePlan {
    /// 10 s, at least 2,000 samples: about 2,500 samples at 250 Hz, so a function's share is
    /// known to about ±1 point (binomial standard error at 50%).
    pub const DEFAULT: ProfilePlan = ProfilePlan {
        time: Duration::from_secs(10),
        min_samples: 2_000,
    };

    /// A plan of `time`, asking for as many samples as 200 per second of it give.
    pub fn for_time(time: Duration) -> ProfilePlan {
        ProfilePlan {
            time,
            min_samples: (time.as_secs_f64() * 200.0) as u64,
        }
    }
}

/// What sampling a routine gave, before it is written anywhere.
#[derive(Debug, Clone)]
pub struct Sampled {
    /// The routine's stacks.
    pub stacks: RoutineStacks,
    /// Wall time spent profiling.
    pub elapsed: Duration,
    /// Time of one call of the routine (estimated before profiling).
    pub per_call_ns: f64,
    /// Calls per batch: more than one when a call is shorter than [`BATCH`].
    pub batch: u64,
}

/// The function that runs the routine while it is profiled: its frame separates the harness
/// (below) from the routine (above) on every sampled stack ([`super::harness::MARKER`]).
#[inline(never)]
pub(crate) fn perfkit_profiled_routine(f: &mut dyn FnMut()) {
    f();
    // After the call, so it is not a tail call: the frame must stay on the stack.
    black_box(());
}

/// One profiler per process: pprof's timer and its sample table are global.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Samples `batch` (which runs the routine `k` times inside [`perfkit_profiled_routine`])
/// for as long as `plan` says.
pub fn sample(plan: &ProfilePlan, batch: &mut dyn FnMut(u64)) -> Result<Sampled, ProfileError> {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let start = Instant::now();
    let mut calls = 0u64;
    while calls == 0 || start.elapsed() < ESTIMATE {
        batch(1);
        calls += 1;
    }
    let per_call_ns = start.elapsed().as_nanos() as f64 / calls as f64;
    let k = ((BATCH.as_nanos() as f64 / per_call_ns.max(1.0)) as u64).max(1);
    profile(plan, &mut || batch(k)).map(|(stacks, elapsed)| Sampled {
        stacks,
        elapsed,
        per_call_ns,
        batch: k,
    })
}

#[cfg(unix)]
fn profile(
    plan: &ProfilePlan,
    batch: &mut dyn FnMut(),
) -> Result<(RoutineStacks, Duration), ProfileError> {
    let guard = pprof::ProfilerGuardBuilder::default()
        .frequency(ASKED_HZ)
        .build()
        .map_err(|e| ProfileError::Start(e.to_string()))?;
    let start = Instant::now();
    let mut next_check = plan.time;
    let unresolved = loop {
        batch();
        let elapsed = start.elapsed();
        if elapsed < next_check {
            continue;
        }
        let report = guard
            .report()
            .build_unresolved()
            .map_err(|e| ProfileError::Start(e.to_string()))?;
        let taken: isize = report.data.values().sum();
        if taken as u64 >= plan.min_samples || elapsed >= plan.time * 4 {
            break report;
        }
        next_check = elapsed + Duration::from_secs(1);
    };
    let elapsed = start.elapsed();
    // Stop the timer before resolving symbols, which is slow and not the routine.
    drop(guard);
    let raw: Vec<RawStack> = unresolved
        .data
        .into_iter()
        .map(|(frames, count)| {
            let frames = pprof::Frames::from(frames);
            // pprof: innermost frame first, and within a frame the inlined function first.
            let frames = frames
                .frames
                .iter()
                .rev()
                .flat_map(|symbols| symbols.iter().rev())
                .map(|s| RawFrame {
                    name: s.name.as_ref().map(|_| s.name()),
                    located: s.filename.is_some(),
                })
                .collect();
            RawStack {
                frames,
                count: count.max(0) as u64,
            }
        })
        .collect();
    Ok((routine_stacks(&raw), elapsed))
}

#[cfg(not(unix))]
fn profile(
    _plan: &ProfilePlan,
    _batch: &mut dyn FnMut(),
) -> Result<(RoutineStacks, Duration), ProfileError> {
    Err(ProfileError::Unsupported)
}
