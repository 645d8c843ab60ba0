//! Running the user's function for its samples: on the test's own thread, or on a team of
//! threads that call it at the same time (`threads = [...]`, see [`crate::measure::team`]);
//! and once, unmeasured, for a smoke run.

use super::{Routine, call, misuse};
use crate::measure::{Bencher, MetricError, MetricValues, Mode, Plan, Samples, team};

/// The samples of the routine at `size`, on one thread or on a team of `threads` that call it
/// at the same time (each with its own bencher and setup; the team's leader gets the samples).
/// A panic in the routine on any thread is re-raised here with its own payload. The values of
/// the routine's own metrics ([`Bencher::metric`]) come with the samples, every thread's values
/// of a metric together.
pub(super) fn sampled(
    name: &str,
    routine: Routine<'_>,
    plan: Plan,
    mode: Mode,
    size: Option<usize>,
    threads: usize,
) -> Result<(Samples, Vec<MetricValues>), String> {
    let metric_misuse = |e: MetricError| format!("perf test `{name}`: {e}");
    if threads <= 1 {
        let mut b = Bencher::new(plan, mode);
        call(routine, &mut b, size);
        let reported = b.take_metrics().map_err(metric_misuse)?;
        return match (b.iter_calls(), b.take_samples()) {
            (1, Some(samples)) => Ok((samples, reported)),
            (calls, _) => Err(misuse(name, calls)),
        };
    }
    let Some(shared) = routine.for_threads() else {
        return Err(format!(
            "perf test `{name}`: a closure routine runs on one thread, not {threads}"
        ));
    };
    type Joined = (u32, Option<Samples>, Result<Vec<MetricValues>, MetricError>);
    let joined: Vec<std::thread::Result<Joined>> = std::thread::scope(|s| {
        let handles: Vec<_> = team::team(threads)
            .into_iter()
            .map(|member| {
                s.spawn(move || {
                    let mut b = Bencher::in_team(plan, mode, member.clone());
                    let leave = team::LeaveOnDrop(member);
                    call(Routine::from(shared), &mut b, size);
                    drop(leave);
                    (b.iter_calls(), b.take_samples(), b.take_metrics())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join()).collect()
    });
    let mut results = Vec::with_capacity(joined.len());
    let mut aborted = false;
    for result in joined {
        match result {
            Ok(result) => results.push(result),
            Err(payload) if payload.is::<team::Aborted>() => aborted = true,
            Err(payload) => std::panic::resume_unwind(payload),
        }
    }
    if let Some(&(calls, ..)) = results.iter().find(|(calls, ..)| *calls != 1) {
        return Err(misuse(name, calls));
    }
    let mut reported: Vec<MetricValues> = Vec::new();
    let mut leader = None;
    for (_, samples, metrics) in results {
        leader = leader.or(Some(samples));
        for m in metrics.map_err(metric_misuse)? {
            match reported.iter_mut().find(|r| r.info.name == m.info.name) {
                Some(r) if r.info != m.info => {
                    return Err(metric_misuse(MetricError::Redeclared {
                        name: m.info.name.clone(),
                        first: format!("`{}`, {} is better", r.info.unit, r.info.better),
                        second: format!("`{}`, {} is better", m.info.unit, m.info.better),
                    }));
                }
                Some(r) => r.values.extend(m.values),
                None => reported.push(m),
            }
        }
    }
    match leader {
        Some(Some(samples)) if !aborted => Ok((samples, reported)),
        _ => Err(format!(
            "perf test `{name}`: its {threads} threads did not all finish their measurement"
        )),
    }
}

/// Runs the routine once, for debug builds and `PERFKIT=off`: the smallest size only, since a
/// debug build of an O(n²) routine at the largest size can take minutes.
/// With `threads`, the routine runs once on each of that many threads at the same time, so a
/// debug build already exercises the code's thread safety. A misuse of [`Bencher::metric`]
/// fails here too, so a debug build finds it.
pub(super) fn smoke(
    routine: Routine<'_>,
    sizes: &[usize],
    threads: usize,
) -> Result<(), MetricError> {
    let size = sizes.iter().copied().min();
    let run = |routine: Routine<'_>| {
        let mut b = Bencher::new(Plan::DEFAULT, Mode::Smoke);
        call(routine, &mut b, size);
        b.take_metrics().map(drop)
    };
    // A closure (criterion's) runs on this thread alone; `fn` routines on every thread.
    let Some(shared) = routine.for_threads() else {
        return run(routine);
    };
    let once = move || run(Routine::from(shared));
    std::thread::scope(|s| {
        let others: Vec<_> = (1..threads).map(|_| s.spawn(once)).collect();
        let mut result = once();
        for other in others {
            match other.join() {
                Ok(other) => result = result.and(other),
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A closure (criterion's benchmarks) is never moved to other threads: with `threads` it is
    /// refused by name, and a smoke run runs it once, on this thread.
    #[test]
    fn closures_run_on_their_own_thread() {
        let calls = std::cell::Cell::new(0);
        let closure = |b: &mut Bencher| {
            calls.set(calls.get() + 1);
            b.iter(|| 1 + 1);
        };
        let refused = sampled(
            "c",
            Routine::Closure(&closure),
            Plan::QUICK,
            Mode::Quick,
            None,
            2,
        );
        assert_eq!(
            refused.unwrap_err(),
            "perf test `c`: a closure routine runs on one thread, not 2"
        );
        smoke(Routine::Closure(&closure), &[], 4).unwrap();
        assert_eq!(calls.get(), 1);
    }
}
