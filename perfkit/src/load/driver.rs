//! The driver of synchronous request routines: one thread per worker, in a scope, so the
//! routine may borrow the test's setup (a client, a pool).
//!
//! Each worker takes the next request number from a shared counter, so the run sends exactly
//! `requests` requests whatever the workers' speeds. In an open loop the number sets the due
//! time; the worker sleeps until then and latency runs from it. A panic in a routine stops the
//! other workers before their next request and is returned with its message.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::plan::{Arrival, LoadPlan};
use super::tally::{Outcome, Tally, WorkerPanic, panic_message};

/// What the workers share during one phase.
pub(crate) struct Phase {
    pub plan: LoadPlan,
    pub start: Instant,
    next: AtomicU64,
    halt: AtomicBool,
}

impl Phase {
    pub fn new(plan: LoadPlan) -> Phase {
        Phase {
            plan,
            start: Instant::now(),
            next: AtomicU64::new(0),
            halt: AtomicBool::new(false),
        }
    }

    /// The next request to send and when it is due (`None`: closed loop, send now); `None`
    /// when the phase is over (enough requests, past its duration, or halted).
    pub fn claim(&self) -> Option<(u64, Option<Instant>)> {
        if self.halt.load(Ordering::Relaxed) {
            return None;
        }
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        if self.plan.requests.is_some_and(|n| i >= n) {
            return None;
        }
        let due = match self.plan.arrival {
            Arrival::Closed => None,
            Arrival::Open { interval } => {
                let offset = interval.as_secs_f64() * i as f64;
                Some(self.start + Duration::from_secs_f64(offset))
            }
        };
        let at = due.unwrap_or_else(Instant::now);
        if let Some(d) = self.plan.duration
            && at.duration_since(self.start) >= d
        {
            return None;
        }
        Some((i, due))
    }

    /// Stops every worker before its next request.
    pub fn halt(&self) {
        self.halt.store(true, Ordering::Relaxed);
    }

    /// Records a finished request sent at `sent` (due at `due` in an open loop).
    pub fn record(
        &self,
        tally: &mut Tally,
        due: Option<Instant>,
        sent: Instant,
        done: Instant,
        outcome: Outcome,
    ) {
        let timeout = self.plan.timeout;
        let took = done.duration_since(sent);
        let outcome = match outcome {
            Outcome::Ok if took > timeout => Outcome::Err(timed_out(timeout)),
            other => other,
        };
        if due.is_some_and(|due| sent.duration_since(due) > timeout) {
            tally.late();
        }
        let from = due.unwrap_or(sent);
        tally.record(
            done.duration_since(self.start),
            done.duration_since(from),
            outcome,
        );
    }
}

/// The error of a request slower than the timeout.
pub(crate) fn timed_out(timeout: Duration) -> String {
    format!("timed out after {timeout:?}")
}

/// Runs one phase of `plan` with `request` cloned into each worker; the merged tally and the
/// phase's length, or the first worker's panic.
pub(crate) fn run_phase<F, T, E>(
    plan: LoadPlan,
    request: &F,
) -> Result<(Tally, Duration), WorkerPanic>
where
    F: FnMut() -> Result<T, E> + Clone + Send,
    E: std::fmt::Display,
{
    let phase = Phase::new(plan);
    let results: Vec<Result<Tally, WorkerPanic>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..plan.concurrency)
            .map(|worker| {
                let mut request = request.clone();
                let phase = &phase;
                scope.spawn(move || work(phase, worker, &mut request))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker panics are caught in `work`"))
            .collect()
    });
    let elapsed = phase.start.elapsed();
    let mut merged = Tally::new();
    for result in results {
        merged.merge(result?);
    }
    Ok((merged, elapsed))
}

fn work<F, T, E>(phase: &Phase, worker: u32, request: &mut F) -> Result<Tally, WorkerPanic>
where
    F: FnMut() -> Result<T, E>,
    E: std::fmt::Display,
{
    let mut tally = Tally::new();
    while let Some((_, due)) = phase.claim() {
        if let Some(wait) = due.and_then(|due| due.checked_duration_since(Instant::now())) {
            std::thread::sleep(wait);
        }
        let sent = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(&mut *request));
        let done = Instant::now();
        let outcome = match result {
            Ok(Ok(_)) => Outcome::Ok,
            Ok(Err(e)) => Outcome::Err(e.to_string()),
            Err(payload) => {
                phase.halt();
                return Err(WorkerPanic {
                    worker,
                    workers: phase.plan.concurrency,
                    message: panic_message(&*payload),
                });
            }
        };
        phase.record(&mut tally, due, sent, done, outcome);
    }
    Ok(tally)
}
