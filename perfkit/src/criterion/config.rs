//! Criterion's configuration and how it maps onto perfkit's plan and verdict rule. Pure: the
//! notes about ignored settings are collected here and printed by the harness.

use std::time::Duration;

use crate::measure::Mode;
use crate::spec;

/// Work done by one iteration, for throughput per second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throughput {
    /// Bits per iteration (recorded as bytes when a whole number of bytes, else not at all).
    Bits(u64),
    /// Bytes per iteration.
    Bytes(u64),
    /// Bytes per iteration, shown by criterion in powers of 1000 (perfkit records bytes).
    BytesDecimal(u64),
    /// Elements per iteration.
    Elements(u64),
    /// Both; perfkit records the elements (criterion's primary throughput).
    ElementsAndBytes {
        /// Elements per iteration.
        elements: u64,
        /// Bytes per iteration.
        bytes: u64,
    },
}

impl Throughput {
    /// perfkit's throughput: bytes or elements per iteration (none for zero or odd bits).
    pub(crate) fn to_perfkit(self) -> Option<spec::Throughput> {
        let t = match self {
            Throughput::Bits(bits) if bits % 8 == 0 => spec::Throughput::Bytes(bits / 8),
            Throughput::Bits(_) => return None,
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) => spec::Throughput::Bytes(n),
            Throughput::Elements(n) | Throughput::ElementsAndBytes { elements: n, .. } => {
                spec::Throughput::Elements(n)
            }
        };
        match t {
            spec::Throughput::Bytes(0) | spec::Throughput::Elements(0) => None,
            t => Some(t),
        }
    }
}

/// How criterion spreads iterations over samples. perfkit sizes its batches itself, so every
/// mode is accepted and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SamplingMode {
    /// Criterion's choice.
    #[default]
    Auto,
    /// Linearly growing batches.
    Linear,
    /// Equal batches.
    Flat,
}

/// Criterion's plotting backends; perfkit draws no plots while benchmarking
/// (`cargo perfkit report` draws history).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlottingBackend {
    /// gnuplot.
    Gnuplot,
    /// plotters.
    Plotters,
    /// No plots.
    None,
}

/// The scale of a summary plot's axis (accepted and ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AxisScale {
    /// Linear.
    #[default]
    Linear,
    /// Logarithmic.
    Logarithmic,
}

/// A group's plot settings (accepted and ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlotConfiguration {
    summary_scale: AxisScale,
}

impl PlotConfiguration {
    /// The scale of the summary plots' axis.
    #[must_use]
    pub fn summary_scale(mut self, scale: AxisScale) -> PlotConfiguration {
        self.summary_scale = scale;
        self
    }
}

/// The settings that change what perfkit measures or how it judges, as criterion's setters and
/// flags gave them; `None` where nothing was said (perfkit's default then applies).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Config {
    pub sample_size: Option<usize>,
    pub warm_up_time: Option<Duration>,
    pub measurement_time: Option<Duration>,
    pub noise_threshold: Option<f64>,
    pub significance_level: Option<f64>,
}

impl Config {
    /// This (a group's) configuration over `base` (its `Criterion`'s): what the group says
    /// wins, as in criterion.
    pub fn over(&self, base: &Config) -> Config {
        Config {
            sample_size: self.sample_size.or(base.sample_size),
            warm_up_time: self.warm_up_time.or(base.warm_up_time),
            measurement_time: self.measurement_time.or(base.measurement_time),
            noise_threshold: self.noise_threshold.or(base.noise_threshold),
            significance_level: self.significance_level.or(base.significance_level),
        }
    }
}

/// A configuration in perfkit's terms: the perf-test options it amounts to.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Mapped {
    /// `samples = N`.
    pub samples: Option<u32>,
    /// `warmup = ".."`, in ns.
    pub warmup_ns: Option<u64>,
    /// `time = ".."`, in ns.
    pub time_ns: Option<u64>,
    /// `alpha = ..`.
    pub alpha: Option<f64>,
    /// The verdict rule's threshold (a fraction), without gating the benchmark.
    pub threshold: Option<f64>,
}

/// Maps criterion's settings onto perfkit's: `sample_size` is a fixed sample count (perf
/// tests' `samples`), `warm_up_time` the warm-up, `measurement_time` the cap on sampling time,
/// `significance_level` the alpha and `noise_threshold` the threshold of the verdict. Under the
/// quick plan (`PERFKIT=quick`, `--quick`) the sampling settings give way to it: a suite's
/// `measurement_time(3s)` would otherwise make a quick run as slow as a full one.
pub(crate) fn map(config: &Config, mode: Mode) -> Mapped {
    let sampling = mode != Mode::Quick;
    let ns = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    Mapped {
        samples: config
            .sample_size
            .filter(|_| sampling)
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        warmup_ns: config.warm_up_time.filter(|_| sampling).map(ns),
        time_ns: config.measurement_time.filter(|_| sampling).map(ns),
        alpha: config.significance_level,
        threshold: config.noise_threshold,
    }
}

/// A criterion setting that perfkit accepts and ignores, with why (printed once per process).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ignored {
    /// The setter or flag, as the user wrote it.
    pub setting: &'static str,
    /// Why it has no effect here.
    pub why: &'static str,
}

pub(crate) const PLOTS: &str =
    "perfkit draws no plots while benchmarking; `cargo perfkit report` draws the history";
pub(crate) const STATISTICS: &str = "perfkit's intervals are its own (the median's from order \
     statistics, the change's from perfkit's run-level test on log-times), not bootstrapped";
pub(crate) const BASELINES: &str = "perfkit compares with the baseline commit in history \
     (PERFKIT_BASELINE=<revision> chooses another)";
pub(crate) const SAMPLING_MODE: &str = "perfkit sizes its batches itself";

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config {
            sample_size: Some(10),
            warm_up_time: Some(Duration::from_millis(500)),
            measurement_time: Some(Duration::from_secs(3)),
            noise_threshold: Some(0.02),
            significance_level: Some(0.05),
        }
    }

    #[test]
    fn full_runs_map_every_setting() {
        assert_eq!(
            map(&config(), Mode::Full),
            Mapped {
                samples: Some(10),
                warmup_ns: Some(500_000_000),
                time_ns: Some(3_000_000_000),
                alpha: Some(0.05),
                threshold: Some(0.02),
            }
        );
    }

    #[test]
    fn quick_runs_keep_the_quick_plan_and_the_verdict_rule() {
        let m = map(&config(), Mode::Quick);
        assert_eq!((m.samples, m.warmup_ns, m.time_ns), (None, None, None));
        assert_eq!((m.alpha, m.threshold), (Some(0.05), Some(0.02)));
    }

    #[test]
    fn nothing_said_maps_to_perfkits_defaults() {
        assert_eq!(map(&Config::default(), Mode::Full), Mapped::default());
    }

    #[test]
    fn a_group_overrides_its_criterion() {
        let base = config();
        let group = Config {
            measurement_time: Some(Duration::from_secs(1)),
            ..Config::default()
        };
        let merged = group.over(&base);
        assert_eq!(merged.measurement_time, Some(Duration::from_secs(1)));
        assert_eq!(merged.sample_size, Some(10));
    }

    #[test]
    fn throughputs_map_to_bytes_or_elements() {
        use spec::Throughput as P;
        assert_eq!(Throughput::Bytes(64).to_perfkit(), Some(P::Bytes(64)));
        assert_eq!(
            Throughput::BytesDecimal(64).to_perfkit(),
            Some(P::Bytes(64))
        );
        assert_eq!(Throughput::Bits(64).to_perfkit(), Some(P::Bytes(8)));
        assert_eq!(Throughput::Bits(7).to_perfkit(), None);
        assert_eq!(Throughput::Elements(3).to_perfkit(), Some(P::Elements(3)));
        let both = Throughput::ElementsAndBytes {
            elements: 3,
            bytes: 96,
        };
        assert_eq!(both.to_perfkit(), Some(P::Elements(3)));
        assert_eq!(Throughput::Bytes(0).to_perfkit(), None);
    }
}
