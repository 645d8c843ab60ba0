//! How many rounds `ab` runs: `--rounds N`, or as many as fit `--time DUR` after the first.

use std::time::Duration;

/// Rounds without `--rounds` or `--time`: about 30 s for a six-benchmark suite with the quick
/// plan, and enough for the paired test (9 degrees of freedom) to see a few percent.
pub const DEFAULT_ROUNDS: u32 = 10;

/// Rounds of instruction counts (`--metric instructions` and the other callgrind counts)
/// without `--rounds` or `--time`. A count barely moves between processes (at most 0.03% in
/// the examples, where time moves by percents), so the rounds are not there to average noise
/// away: two would do, but a paired test needs at least [`MIN_ROUNDS`] for a spread to estimate
/// (df = 2). Each round runs every test under callgrind, 50-100x slower than natively, in
/// three processes per test, so more rounds would cost much and tell little.
pub const COUNT_ROUNDS: u32 = MIN_ROUNDS;

/// Fewer rounds leave the paired test too few degrees of freedom to call anything.
pub const MIN_ROUNDS: u32 = 3;

/// A budget never buys more than this many rounds.
pub const MAX_ROUNDS: u32 = 1000;

/// The rounds that fit `budget` when the first took `first` (which counts against it): at
/// least [`MIN_ROUNDS`], even past the budget.
pub fn rounds_that_fit(budget: Duration, first: Duration) -> u32 {
    let per_round = first.as_secs_f64().max(1e-3);
    let fit = (budget.as_secs_f64() / per_round).floor();
    (fit.min(f64::from(MAX_ROUNDS)) as u32).max(MIN_ROUNDS)
}

/// `--time`: a duration in the settings' grammar (`90s`, `1.5 s`, `500ms`), not zero.
pub fn time_budget(text: &str) -> Result<Duration, String> {
    match perfkit::grammar::duration_ns(text) {
        Ok(ns) if ns.value > 0 => Ok(Duration::from_nanos(ns.value)),
        Ok(_) => Err("a time budget must be more than zero, e.g. --time 90s".to_owned()),
        Err(e) => Err(format!("{e}; e.g. --time 90s")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_are_durations_in_the_settings_grammar() {
        assert_eq!(time_budget("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(time_budget("1.5 s"), Ok(Duration::from_millis(1500)));
        assert_eq!(time_budget("500ms"), Ok(Duration::from_millis(500)));
        for bad in ["90", "s", "-1s", "2h", "0s"] {
            let err = time_budget(bad).unwrap_err();
            assert!(err.contains("--time 90s"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_budget_picks_the_rounds() {
        let s = Duration::from_secs;
        assert_eq!(rounds_that_fit(s(60), s(3)), 20);
        assert_eq!(rounds_that_fit(s(60), s(7)), 8);
        assert_eq!(
            rounds_that_fit(s(5), s(3)),
            MIN_ROUNDS,
            "never too few to judge"
        );
        assert_eq!(rounds_that_fit(s(3600), Duration::ZERO), MAX_ROUNDS);
    }
}
