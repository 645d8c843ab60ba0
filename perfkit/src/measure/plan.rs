//! [`Plan`]: how long to warm up, how long to sample, and when the estimate is precise enough.

use std::time::Duration;

/// How a perf test is run, chosen from the build and the `PERFKIT` environment variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Full measurement with budgets enforced (optimised builds).
    Full,
    /// A short plan for a quick signal (`PERFKIT=quick`).
    Quick,
    /// Run the routine once, no timing (debug builds, `PERFKIT=off`).
    Smoke,
    /// Count instructions under callgrind instead of timing (`PERFKIT=instructions`): the
    /// test re-runs itself under Valgrind; see [`super::callgrind`].
    Instructions,
    /// Sample the routine's call stacks instead of timing it ([`crate::profile`]); the
    /// runtime profiles after measuring, when `PERFKIT_PROFILE=1`.
    Profile,
}

/// The sampling plan of one measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// Time spent running the routine before sampling, to reach a steady state.
    pub warmup: Duration,
    /// Cap on the summed duration of the samples.
    pub time_cap: Duration,
    /// Never stop before this many samples, however slow the routine.
    pub min_samples: u32,
    /// Never take more samples than this.
    pub max_samples: u32,
    /// Stop once the median's 95% CI half-width is at most this fraction of the median.
    pub target_precision: f64,
    /// Take exactly this many samples (`samples = N`): no adaptive stop.
    pub fixed_samples: Option<u32>,
}

impl Plan {
    /// The default: about 1 s per test for routines under 1 ms (0.2 s warm-up, 0.8 s sampling),
    /// at least 10 samples for slow routines.
    pub const DEFAULT: Plan = Plan {
        warmup: Duration::from_millis(200),
        time_cap: Duration::from_millis(800),
        min_samples: 10,
        max_samples: 1000,
        target_precision: 0.005,
        fixed_samples: None,
    };

    /// `PERFKIT=quick`: a fifth of the default.
    pub const QUICK: Plan = Plan {
        warmup: Duration::from_millis(40),
        time_cap: Duration::from_millis(160),
        min_samples: 5,
        max_samples: 200,
        target_precision: 0.02,
        fixed_samples: None,
    };

    /// The plan for a mode, with a test's `samples`, `warmup` and `time` overrides applied.
    pub fn new(
        mode: Mode,
        samples: Option<u32>,
        warmup_ns: Option<u64>,
        time_ns: Option<u64>,
    ) -> Plan {
        let mut plan = match mode {
            Mode::Quick => Plan::QUICK,
            Mode::Full | Mode::Smoke | Mode::Instructions | Mode::Profile => Plan::DEFAULT,
        };
        if let Some(n) = samples {
            plan.fixed_samples = Some(n);
            plan.min_samples = n;
            plan.max_samples = n;
        }
        if let Some(ns) = warmup_ns {
            plan.warmup = Duration::from_nanos(ns);
        }
        if let Some(ns) = time_ns {
            plan.time_cap = Duration::from_nanos(ns);
        }
        plan
    }

    /// The duration each sample should last: long enough for the clock (`min_sample_ns`) and
    /// long enough that the time cap holds about `max_samples` samples, so fast routines are
    /// batched into fewer, steadier samples.
    pub fn target_sample_ns(&self, min_sample_ns: f64) -> f64 {
        let share = self.time_cap.as_nanos() as f64 / f64::from(self.max_samples.max(1));
        min_sample_ns.max(share)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_apply() {
        let p = Plan::new(Mode::Full, Some(30), Some(0), Some(2_000_000_000));
        assert_eq!(p.fixed_samples, Some(30));
        assert_eq!((p.min_samples, p.max_samples), (30, 30));
        assert_eq!(p.warmup, Duration::ZERO);
        assert_eq!(p.time_cap, Duration::from_secs(2));
    }

    #[test]
    fn quick_is_shorter_than_default() {
        let q = Plan::new(Mode::Quick, None, None, None);
        assert!(q.time_cap < Plan::DEFAULT.time_cap && q.warmup < Plan::DEFAULT.warmup);
    }

    #[test]
    fn target_sample_respects_the_clock_and_the_cap() {
        let p = Plan::DEFAULT;
        assert_eq!(p.target_sample_ns(50_000.0), 800_000.0);
        assert_eq!(p.target_sample_ns(2_000_000.0), 2_000_000.0);
    }
}
