//! The clock: how much reading it costs and how fine it is, measured once per process.

use std::sync::OnceLock;
use std::time::Instant;

/// What calibration found about `Instant::now()` on this machine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    /// Median cost of one `Instant::now()` call, in nanoseconds.
    pub cost_ns: f64,
    /// Smallest non-zero difference between two consecutive readings, in nanoseconds.
    pub resolution_ns: f64,
}

impl Clock {
    /// The calibration for this process (measured on first use, then cached).
    pub fn get() -> Clock {
        static CLOCK: OnceLock<Clock> = OnceLock::new();
        *CLOCK.get_or_init(Clock::calibrate)
    }

    /// Measures the clock: 10,000 back-to-back readings, twice, keeping the cheaper round so a
    /// preemption in one round does not inflate the figures.
    pub fn calibrate() -> Clock {
        let round = || {
            const READS: usize = 10_000;
            let mut stamps = Vec::with_capacity(READS);
            for _ in 0..READS {
                stamps.push(Instant::now());
            }
            let mut gaps: Vec<f64> = stamps
                .windows(2)
                .map(|w| w[1].duration_since(w[0]).as_nanos() as f64)
                .collect();
            gaps.sort_by(f64::total_cmp);
            let cost = gaps[gaps.len() / 2];
            let resolution = gaps.iter().copied().find(|&g| g > 0.0).unwrap_or(1.0);
            Clock {
                cost_ns: cost,
                resolution_ns: resolution,
            }
        };
        let (a, b) = (round(), round());
        if a.cost_ns <= b.cost_ns { a } else { b }
    }

    /// The shortest sample worth taking: long enough that reading the clock twice and its
    /// granularity stay below 0.1% of it.
    pub fn min_sample_ns(&self) -> f64 {
        1000.0 * (2.0 * self.cost_ns + self.resolution_ns).max(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_is_positive_and_finite() {
        let c = Clock::calibrate();
        assert!(c.cost_ns.is_finite() && c.cost_ns >= 0.0);
        assert!(c.resolution_ns.is_finite() && c.resolution_ns >= 1.0);
        assert!(c.min_sample_ns() >= 1000.0);
    }
}
