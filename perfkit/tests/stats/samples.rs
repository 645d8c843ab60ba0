//! Deterministic sample pairs for the reference tests, and the shape of their reference values.
//!
//! The generator is the one in perfkit/tests/reference/tests.py, operation for operation, so
//! Rust and Python draw identical doubles: SplitMix64, 53-bit uniforms, and approximately
//! normal variates as the sum of 12 uniforms minus 6 (no transcendental functions, whose last
//! bit could differ between libraries).

/// SplitMix64 (Steele, Lea and Flood), the usual seeding generator: tiny and easy to port.
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    pub fn normal(&mut self) -> f64 {
        let mut s = 0.0;
        for _ in 0..12 {
            s += self.uniform();
        }
        s - 6.0
    }
}

/// A distribution to draw one side's samples from.
#[derive(Debug, Clone, Copy)]
pub enum Dist {
    /// `mean + sd * z`.
    Normal { mean: f64, sd: f64 },
    /// `floor((mean + sd * z) / step) * step`: values on a grid, so with ties.
    Grid { mean: f64, sd: f64, step: f64 },
    /// `base * (1 + spread * z²)`: positive and right-skewed, like timings.
    Timing { base: f64, spread: f64 },
}

impl Dist {
    fn draw(self, rng: &mut SplitMix64) -> f64 {
        let z = rng.normal();
        match self {
            Dist::Normal { mean, sd } => mean + sd * z,
            Dist::Grid { mean, sd, step } => ((mean + sd * z) / step).floor() * step,
            Dist::Timing { base, spread } => base * (1.0 + spread * z * z),
        }
    }
}

/// `scipy.stats.ttest_ind(new, baseline, equal_var=False)` and its 95% CI.
#[derive(Debug)]
pub struct WelchRef {
    pub t: f64,
    pub df: f64,
    pub p: f64,
    pub p_greater: f64,
    pub p_less: f64,
    pub difference: f64,
    pub lower: f64,
    pub upper: f64,
}

/// The same on `np.log` of the samples, with the ratio and its CI exponentiated.
#[derive(Debug)]
pub struct LogRef {
    pub t: f64,
    pub df: f64,
    pub p: f64,
    pub ratio: f64,
    pub lower: f64,
    pub upper: f64,
}

/// One generated pair of samples and its reference values.
#[derive(Debug)]
pub struct Pair {
    pub seed: u64,
    pub baseline: (usize, Dist),
    pub new: (usize, Dist),
    pub welch: WelchRef,
    /// `None` when a sample is not positive.
    pub log_welch: Option<LogRef>,
    /// `scipy.stats.mannwhitneyu(new, baseline, method="asymptotic")`.
    pub mw_u: f64,
    pub mw_asymptotic: f64,
    /// `method="exact"`; `None` when the samples have ties.
    pub mw_exact: Option<f64>,
}

impl Pair {
    /// The baseline and new samples, drawn in that order from one generator.
    pub fn samples(&self) -> (Vec<f64>, Vec<f64>) {
        let mut rng = SplitMix64::new(self.seed);
        let baseline = (0..self.baseline.0)
            .map(|_| self.baseline.1.draw(&mut rng))
            .collect();
        let new = (0..self.new.0).map(|_| self.new.1.draw(&mut rng)).collect();
        (baseline, new)
    }
}

/// Relative agreement within `tol`; exact equality covers zeros and infinities.
pub fn close(got: f64, want: f64, tol: f64) -> bool {
    got == want || (got - want).abs() <= tol * got.abs().max(want.abs())
}

/// Proptest's defaults, but failures are kept beside the test file
/// (`perfkit/tests/stats/<module>.proptest-regressions`) rather than in a shared folder.
pub fn proptest_config() -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..Default::default()
    }
}
