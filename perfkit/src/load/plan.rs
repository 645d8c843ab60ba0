//! [`LoadPlan`]: how many workers, how requests arrive, when warm-up and measurement end, and
//! how long one request may take.

use std::time::Duration;

use crate::measure::Mode;
use crate::spec::LoadSpec;

/// How requests arrive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arrival {
    /// Each worker sends its next request when its last one returns (`concurrency = N`
    /// alone). Latency runs from the send; a slow response delays the requests behind it,
    /// which are then never sent at the time they would have been (coordinated omission), so
    /// a stall shows as one slow request rather than as every request it held up.
    Closed,
    /// Request `i` is due at `start + i × interval` whatever came before (`rate = "500/s"`),
    /// taken by the next free worker. Latency runs from the due time, not the send, so time a
    /// request spent waiting behind a stall counts: HdrHistogram's correction for coordinated
    /// omission, as wrk2 applies it.
    Open {
        /// The time between two due requests.
        interval: Duration,
    },
}

/// Everything the load driver needs to know about one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadPlan {
    /// Workers (threads, or Tokio tasks for async routines); in an open loop, the most
    /// requests in flight at once.
    pub concurrency: u32,
    /// How requests arrive.
    pub arrival: Arrival,
    /// The measured phase ends after this many requests...
    pub requests: Option<u64>,
    /// ...or after this long, whichever comes first (at least one of the two is set).
    pub duration: Option<Duration>,
    /// The warm-up phase (same load, results dropped) lasts this long at most...
    pub warmup: Duration,
    /// ...and this many requests at most.
    pub warmup_requests: Option<u64>,
    /// A request slower than this is an error; async requests are cancelled at it.
    pub timeout: Duration,
}

/// Workers of an open loop when `concurrency` is not given: enough to keep sending while a
/// few dozen requests are in flight.
pub const DEFAULT_OPEN_CONCURRENCY: u32 = 32;

/// The measured phase when neither `requests` nor `duration` is given.
pub const DEFAULT_DURATION: Duration = Duration::from_secs(5);

/// The warm-up when `warmup` is not given (also capped at a tenth of `requests`).
pub const DEFAULT_WARMUP: Duration = Duration::from_millis(500);

/// The request timeout when `timeout` is not given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// `PERFKIT=quick` caps the measured phase at this.
pub const QUICK_DURATION: Duration = Duration::from_secs(1);

impl LoadPlan {
    /// The plan of a test's load options under `mode`, with `warmup_ns` from the test's
    /// `warmup` option. The macro has already refused a spec without `concurrency` or `rate`;
    /// a closed loop without one gets one worker.
    pub fn new(spec: &LoadSpec, warmup_ns: Option<u64>, mode: Mode) -> LoadPlan {
        let arrival = match spec.rate_per_s {
            Some(rate) => Arrival::Open {
                interval: Duration::from_secs_f64(1.0 / rate),
            },
            None => Arrival::Closed,
        };
        let concurrency = spec.concurrency.unwrap_or(match arrival {
            Arrival::Closed => 1,
            Arrival::Open { .. } => DEFAULT_OPEN_CONCURRENCY,
        });
        let mut duration = spec.duration_ns.map(Duration::from_nanos);
        if spec.requests.is_none() && duration.is_none() {
            duration = Some(DEFAULT_DURATION);
        }
        let mut warmup = warmup_ns.map_or(DEFAULT_WARMUP, Duration::from_nanos);
        if mode == Mode::Quick {
            duration = Some(duration.map_or(QUICK_DURATION, |d| d.min(QUICK_DURATION)));
            warmup = warmup.min(QUICK_DURATION / 5);
        }
        LoadPlan {
            concurrency: concurrency.max(1),
            arrival,
            requests: spec.requests,
            duration,
            warmup,
            warmup_requests: spec.requests.map(|n| n / 10),
            timeout: spec
                .timeout_ns
                .map_or(DEFAULT_TIMEOUT, Duration::from_nanos),
        }
    }

    /// The plan of a debug build or `PERFKIT=off`: one request, one worker, no warm-up.
    pub fn smoke(timeout: Duration) -> LoadPlan {
        LoadPlan {
            concurrency: 1,
            arrival: Arrival::Closed,
            requests: Some(1),
            duration: None,
            warmup: Duration::ZERO,
            warmup_requests: Some(0),
            timeout,
        }
    }

    /// The warm-up phase as a plan of its own; `None` when there is none.
    pub(crate) fn warmup_phase(&self) -> Option<LoadPlan> {
        if self.warmup.is_zero() || self.warmup_requests == Some(0) {
            return None;
        }
        Some(LoadPlan {
            requests: self.warmup_requests,
            duration: Some(self.warmup),
            ..*self
        })
    }

    /// One line for the report: `closed loop, 64 workers, 2000 requests`.
    pub fn describe(&self) -> String {
        let arrival = match self.arrival {
            Arrival::Closed => "closed loop".to_owned(),
            Arrival::Open { interval } => format!(
                "open loop at {}/s",
                crate::report::format_count_si(1.0 / interval.as_secs_f64())
            ),
        };
        let workers = match self.concurrency {
            1 => "1 worker".to_owned(),
            n => format!("{n} workers"),
        };
        let until = match (self.requests, self.duration) {
            (Some(n), Some(d)) => format!("{n} requests or {d:?}, whichever first"),
            (Some(n), None) => format!("{n} requests"),
            (None, Some(d)) => format!("{d:?}"),
            (None, None) => String::new(),
        };
        format!("{arrival}, {workers}, {until}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_what_is_not_given() {
        let closed = LoadPlan::new(
            &LoadSpec {
                concurrency: Some(8),
                ..LoadSpec::DEFAULT
            },
            None,
            Mode::Full,
        );
        assert_eq!(closed.arrival, Arrival::Closed);
        assert_eq!(closed.duration, Some(DEFAULT_DURATION));
        assert_eq!(
            (closed.warmup, closed.timeout),
            (DEFAULT_WARMUP, DEFAULT_TIMEOUT)
        );
        let open = LoadPlan::new(
            &LoadSpec {
                rate_per_s: Some(500.0),
                requests: Some(1000),
                ..LoadSpec::DEFAULT
            },
            Some(0),
            Mode::Full,
        );
        assert_eq!(
            open.arrival,
            Arrival::Open {
                interval: Duration::from_millis(2)
            }
        );
        assert_eq!(open.concurrency, DEFAULT_OPEN_CONCURRENCY);
        assert_eq!((open.requests, open.duration), (Some(1000), None));
        assert_eq!(open.warmup_phase(), None);
    }

    #[test]
    fn quick_mode_caps_the_run() {
        let spec = LoadSpec {
            concurrency: Some(2),
            duration_ns: Some(30_000_000_000),
            ..LoadSpec::DEFAULT
        };
        let plan = LoadPlan::new(&spec, None, Mode::Quick);
        assert_eq!(plan.duration, Some(QUICK_DURATION));
        assert!(plan.warmup <= QUICK_DURATION / 5);
    }
}
