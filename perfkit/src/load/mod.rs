//! Load tests: a request routine run by many workers, closed loop or at a fixed arrival rate,
//! with per-request latency in an HDR histogram, throughput and error rate.
//!
//! A load test is a perf test of the form `fn(load: &mut perfkit::Load)`: the body sets up what
//! the requests need (a server, a client, a pool), then hands one request to [`Load::run`] (or
//! [`Load::run_async`] with the `tokio` feature), which runs the whole load: warm-up, then the
//! measured phase. Its results are three metrics of the test's benchmark, each recorded, judged
//! against its baseline and budgeted like time: `latency` (ns per successful request),
//! `throughput` (successful requests per second, higher is better) and `error_rate` (the share
//! of failed requests).
//!
//! ```no_run
//! use perfkit::perf_test;
//!
//! #[perf_test(concurrency = 8, requests = 2_000, p99 = "20ms", max_error_rate = "1%")]
//! fn lookup_under_load(load: &mut perfkit::Load) {
//!     let table: Vec<u64> = (0..10_000).collect();            // setup: not measured
//!     load.run(|| match table.binary_search(&4_321) {         // one request, per worker
//!         Ok(i) => Ok(i),
//!         Err(_) => Err("not found"),
//!     });
//! }
//! ```
//!
//! - [`plan`]: workers, arrival (closed or open loop), when phases end, the timeout.
//! - `driver` (threads) and `tokio_driver` (tasks): run a phase, one [`Tally`] per worker.
//! - [`tally`]: what the workers saw, merged into a [`LoadReport`].

mod driver;
pub mod plan;
pub mod tally;
#[cfg(feature = "tokio")]
mod tokio_driver;

use std::time::Duration;

pub use plan::{Arrival, LoadPlan};
pub use tally::{LoadReport, Outcome, Tally, WorkerPanic};

/// Handed to a load test; runs the request routine given to one of its `run` methods.
///
/// Call one `run` method, once: it runs the whole load (warm-up, then the measured phase), so
/// code before it is setup, done once and not measured.
#[derive(Debug)]
pub struct Load {
    plan: LoadPlan,
    calls: u32,
    result: Option<Result<LoadReport, WorkerPanic>>,
}

impl Load {
    /// A handle that runs `plan`.
    pub fn new(plan: LoadPlan) -> Load {
        Load {
            plan,
            calls: 0,
            result: None,
        }
    }

    /// How long one request may take before it counts as an error (`timeout = "5s"`, default
    /// 10 s). A synchronous routine cannot be interrupted: give this to the client as its
    /// connect and read timeout, so that a server that does not answer cannot hang the test.
    pub fn timeout(&self) -> Duration {
        self.plan.timeout
    }

    /// The plan this handle runs.
    pub fn plan(&self) -> &LoadPlan {
        &self.plan
    }

    /// Runs the load with `request` as one request: `Ok` is a success, `Err` a failure (its
    /// message is shown). Each worker gets its own clone of the closure, on its own thread, so
    /// a closure that borrows the setup (`|| client.get(&url)`) works when what it borrows is
    /// `Sync`. A request slower than [`timeout`](Self::timeout) counts as an error.
    pub fn run<F, T, E>(&mut self, request: F)
    where
        F: FnMut() -> Result<T, E> + Clone + Send,
        E: std::fmt::Display,
    {
        self.calls += 1;
        if self.calls > 1 {
            return;
        }
        let plan = self.plan;
        self.result = Some(phases(plan, |phase| driver::run_phase(phase, &request)));
    }

    /// [`run`](Self::run) for an async request: `request` makes one request's future, which
    /// runs as part of a Tokio task per worker on a multi-threaded runtime of the driver's
    /// own, and is cancelled at the timeout.
    ///
    /// ```no_run
    /// # async fn get(_: &str) -> Result<(), std::io::Error> { Ok(()) }
    /// #[perfkit::perf_test(concurrency = 100, duration = "2s")]
    /// fn api(load: &mut perfkit::Load) {
    ///     load.run_async(|| get("http://127.0.0.1:8080/"));
    /// }
    /// ```
    #[cfg(feature = "tokio")]
    pub fn run_async<F, Fut, T, E>(&mut self, request: F)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: std::fmt::Display + Send + 'static,
    {
        self.calls += 1;
        if self.calls > 1 {
            return;
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("perfkit-load")
            .build()
            .expect("a Tokio runtime for the load test");
        let request = std::sync::Arc::new(request);
        let plan = self.plan;
        self.result = Some(phases(plan, |phase| {
            tokio_driver::run_phase(&runtime, phase, &request)
        }));
    }

    /// How many times a `run` method was called (exactly once is correct).
    pub fn calls(&self) -> u32 {
        self.calls
    }

    /// The measured phase's report, or the panic that stopped it; `None` before `run`.
    pub fn take_result(&mut self) -> Option<Result<LoadReport, WorkerPanic>> {
        self.result.take()
    }
}

/// The warm-up (dropped), then the measured phase.
fn phases(
    plan: LoadPlan,
    mut run: impl FnMut(LoadPlan) -> Result<(Tally, Duration), WorkerPanic>,
) -> Result<LoadReport, WorkerPanic> {
    if let Some(warmup) = plan.warmup_phase() {
        run(warmup)?;
    }
    let (tally, elapsed) = run(plan)?;
    Ok(tally.into_report(elapsed))
}
