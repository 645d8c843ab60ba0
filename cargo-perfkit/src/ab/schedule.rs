//! How many rounds `ab` runs: `--rounds N`, or as many as fit `--time DUR` after the first.

use std::time::Duration;

use crate::error::CliError;

/// Rounds without `--rounds` or `--time`: about 30 s for a six-benchmark suite with the quick
/// plan, and enough for the paired test (9 degrees of freedom) to see a few percent.
pub const DEFAULT_ROUNDS: u32 = 10;

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

/// `90s`, `2m`, `1.5m`, `500ms`: a number and a unit (ms, s, m or min).
pub fn parse_duration(text: &str) -> Result<Duration, CliError> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let scale = match unit.trim() {
        "ms" => 1e-3,
        "s" => 1.0,
        "m" | "min" => 60.0,
        _ => f64::NAN,
    };
    match number.parse::<f64>() {
        Ok(n) if n > 0.0 && (n * scale).is_finite() => Ok(Duration::from_secs_f64(n * scale)),
        _ => Err(CliError::usage(format!(
            "--time {text}: give a duration with a unit, e.g. --time 90s or --time 2m"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_need_a_unit() {
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration(" 1.5m ").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        for bad in ["90", "s", "-1s", "2h", "0s"] {
            let err = parse_duration(bad).unwrap_err();
            assert!(err.message.contains("--time 90s"), "{bad}: {err}");
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
