//! The driver of async request routines: one Tokio task per worker on a multi-threaded runtime
//! of its own, sharing [`Phase`] with the threaded driver, so both count, schedule and record
//! alike. Unlike a thread, a task can be cancelled: a request is dropped at the timeout.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::driver::{Phase, timed_out};
use super::plan::LoadPlan;
use super::tally::{Outcome, Tally, WorkerPanic, panic_message};

/// Runs one phase of `plan` on `runtime`, each worker a task calling `request` in a loop.
pub(crate) fn run_phase<F, Fut, T, E>(
    runtime: &tokio::runtime::Runtime,
    plan: LoadPlan,
    request: &Arc<F>,
) -> Result<(Tally, Duration), WorkerPanic>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    let phase = Arc::new(Phase::new(plan));
    let results: Vec<Result<Tally, WorkerPanic>> = runtime.block_on(async {
        let handles: Vec<_> = (0..plan.concurrency)
            .map(|_| tokio::spawn(work(Arc::clone(&phase), Arc::clone(request))))
            .collect();
        let mut results = Vec::with_capacity(handles.len());
        for (worker, handle) in (0u32..).zip(handles) {
            results.push(match handle.await {
                Ok(tally) => Ok(tally),
                Err(e) => {
                    phase.halt();
                    let message = match e.try_into_panic() {
                        Ok(payload) => panic_message(&*payload),
                        Err(e) => e.to_string(),
                    };
                    Err(WorkerPanic {
                        worker,
                        workers: plan.concurrency,
                        message,
                    })
                }
            });
        }
        results
    });
    let elapsed = phase.start.elapsed();
    let mut merged = Tally::new();
    for result in results {
        merged.merge(result?);
    }
    Ok((merged, elapsed))
}

async fn work<F, Fut, T, E>(phase: Arc<Phase>, request: Arc<F>) -> Tally
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    E: std::fmt::Display,
{
    // A panic unwinds out of this task; `run_phase` sees it at the join and halts the rest.
    struct HaltOnPanic<'a>(&'a Phase);
    impl Drop for HaltOnPanic<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.halt();
            }
        }
    }
    let _guard = HaltOnPanic(&phase);
    let mut tally = Tally::new();
    let timeout = phase.plan.timeout;
    while let Some((_, due)) = phase.claim() {
        if let Some(due) = due {
            tokio::time::sleep_until(due.into()).await;
        }
        let sent = Instant::now();
        let outcome = match tokio::time::timeout(timeout, request()).await {
            Ok(Ok(_)) => Outcome::Ok,
            Ok(Err(e)) => Outcome::Err(e.to_string()),
            Err(_) => Outcome::Err(timed_out(timeout)),
        };
        phase.record(&mut tally, due, sent, Instant::now(), outcome);
    }
    tally
}
