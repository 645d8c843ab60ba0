//! Synthetic measurements: a small deterministic PRNG and noisy series of a known class.

use crate::complexity::{Complexity, Point};

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast and good enough for test noise.
#[derive(Debug, Clone)]
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform on (0, 1): never 0, so its logarithm is finite.
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal, by Box–Muller.
    pub(super) fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// A routine of known complexity: time = overhead + coefficient · g(n), in ns.
#[derive(Debug, Clone, Copy)]
pub(super) struct Truth {
    pub class: Complexity,
    pub overhead: f64,
    pub coefficient: f64,
}

impl Truth {
    pub(super) fn time(self, n: usize) -> f64 {
        self.overhead + self.coefficient * self.class.growth(n as f64)
    }

    /// Times at `sizes` with multiplicative log-normal noise of relative size `noise`, each with
    /// the standard error a measurement of that precision would report.
    pub(super) fn measure(self, sizes: &[usize], noise: f64, seed: u64) -> Vec<Point> {
        let mut rng = Rng::new(seed);
        sizes
            .iter()
            .map(|&n| {
                let time = self.time(n) * (noise * rng.normal()).exp();
                Point::new(n, time).with_se(noise * time)
            })
            .collect()
    }
}

/// `count` sizes from `first`, each twice the previous one.
pub(super) fn doubling(first: usize, count: u32) -> Vec<usize> {
    (0..count).map(|k| first << k).collect()
}

#[test]
fn the_generator_is_deterministic_and_roughly_standard_normal() {
    let draw = |seed| {
        let mut rng = Rng::new(seed);
        (0..20_000).map(|_| rng.normal()).collect::<Vec<f64>>()
    };
    let z = draw(7);
    assert_eq!(z, draw(7));
    assert_ne!(z, draw(8));
    let mean = z.iter().sum::<f64>() / z.len() as f64;
    let var = z.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (z.len() - 1) as f64;
    assert!(
        mean.abs() < 0.03 && (var - 1.0).abs() < 0.05,
        "{mean} {var}"
    );
}
