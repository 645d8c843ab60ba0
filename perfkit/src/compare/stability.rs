//! [`estimator_stability`]: how much each run-level [`Estimator`] moves from run to run of the
//! same code, the measure by which the default estimator is chosen.

use super::run_estimate::{Estimator, RunEstimate};
use crate::stats::mean_var;

/// One estimator's behaviour over many runs of the same benchmark.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EstimatorStability {
    /// The estimator.
    pub estimator: Estimator,
    /// Runs that gave an estimate (at least 2 usable samples).
    pub runs: usize,
    /// Standard deviation of the runs' log-locations: the run-to-run spread, about the
    /// relative spread (0.01 ≈ 1%). The smaller, the steadier the estimator. NaN with fewer
    /// than 2 runs.
    pub run_to_run_sd: f64,
    /// The root mean within-run variance: what the runs themselves claim their error is. A
    /// `run_to_run_sd` far above it is between-run variance (τ) the estimator lets through.
    pub within_sd: f64,
}

/// For runs of one benchmark (each run's per-iteration samples), how much each [`Estimator`]
/// varies from run to run, in the order of [`Estimator::ALL`].
///
/// ```
/// use perfkit::compare::{Estimator, estimator_stability};
/// // Three runs whose bodies agree but whose tails differ.
/// let runs = vec![
///     vec![100.0, 101.0, 99.0, 100.0, 100.5, 130.0, 131.0],
///     vec![100.0, 100.5, 99.5, 100.0, 101.0, 99.0, 100.0],
///     vec![100.2, 101.0, 99.0, 100.0, 100.5, 129.0, 128.0],
/// ];
/// let s = estimator_stability(&runs);
/// assert_eq!(s[0].estimator, Estimator::Median);
/// assert_eq!(s[2].estimator, Estimator::FencedMean);
/// assert!(s[0].run_to_run_sd < s[2].run_to_run_sd);
/// ```
pub fn estimator_stability(runs: &[Vec<f64>]) -> Vec<EstimatorStability> {
    Estimator::ALL
        .into_iter()
        .map(|estimator| {
            let estimates: Vec<RunEstimate> = runs
                .iter()
                .filter_map(|x| RunEstimate::with_estimator(x, estimator))
                .collect();
            let y: Vec<f64> = estimates.iter().map(|r| r.log_location).collect();
            let run_to_run_sd = if y.len() >= 2 {
                mean_var(&y).1.sqrt()
            } else {
                f64::NAN
            };
            let within = estimates.iter().map(|r| r.within_var).sum::<f64>();
            EstimatorStability {
                estimator,
                runs: estimates.len(),
                run_to_run_sd,
                within_sd: (within / estimates.len() as f64).sqrt(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_runs_do_not_move() {
        let run: Vec<f64> = (1..=50).map(|i| 100.0 + i as f64).collect();
        for s in estimator_stability(&[run.clone(), run.clone(), run]) {
            assert_eq!(s.runs, 3);
            assert_eq!(s.run_to_run_sd, 0.0);
            assert!(s.within_sd > 0.0);
        }
    }

    #[test]
    fn too_few_runs_give_nan() {
        let s = estimator_stability(&[vec![1.0, 2.0], vec![3.0]]);
        assert_eq!(s[0].runs, 1);
        assert!(s[0].run_to_run_sd.is_nan());
    }
}
