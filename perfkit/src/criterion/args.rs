//! The command line of a criterion benchmark binary (`cargo bench -- <args>`), read as
//! criterion 0.8 reads it. Pure: takes the arguments, returns what they ask.

use std::time::Duration;

use regex::Regex;

use super::config::{BASELINES, Config, Ignored, PLOTS, STATISTICS};

/// What the process was asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunMode {
    /// Measure and record: `cargo bench` (`--bench`), and also a run without `--bench`
    /// (`cargo test --benches`), where perfkit's rule for `cargo test` applies as to perf
    /// tests: a debug build runs each benchmark once, an optimised one measures (so
    /// `cargo perfkit run -- --benches` and `ab` measure criterion suites).
    Benchmark,
    /// `--list`: print each benchmark's id, run nothing.
    List,
    /// `--test`: run each benchmark once, untimed (criterion's test mode).
    Test,
}

/// Which benchmarks run.
#[derive(Debug, Clone)]
pub(crate) enum Filter {
    /// All of them.
    All,
    /// Those whose id the regular expression matches (criterion's positional FILTER).
    Regex(Regex),
    /// The one whose id is this (`--exact`).
    Exact(String),
    /// None (`--ignored`: criterion benchmarks are never ignored tests).
    Nothing,
}

impl Filter {
    pub fn matches(&self, id: &str) -> bool {
        match self {
            Filter::All => true,
            Filter::Regex(re) => re.is_match(id),
            Filter::Exact(exact) => id == exact,
            Filter::Nothing => false,
        }
    }
}

/// The arguments, understood.
#[derive(Debug, Clone)]
pub(crate) struct Args {
    pub mode: RunMode,
    pub filter: Filter,
    /// `--quick`: perfkit's quick plan.
    pub quick: bool,
    /// `--sample-size`, `--warm-up-time`, `--measurement-time`, `--noise-threshold`,
    /// `--significance-level`: the defaults of every group (a group's own setters win).
    pub config: Config,
    /// Flags accepted and ignored, with why.
    pub ignored: Vec<Ignored>,
    /// Arguments criterion would refuse (unknown flags, a second filter): ignored.
    pub unknown: Vec<String>,
}

/// A malformed command line: what was wrong, and what to write instead.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ArgsError {
    /// A flag that needs a value came last.
    #[error("criterion benchmark: `{flag}` needs a value (e.g. `{flag} 10`)")]
    MissingValue {
        /// The flag.
        flag: String,
    },
    /// A value that is not a number where one is needed.
    #[error("criterion benchmark: `{flag} {value}`: {value:?} is not a number")]
    NotANumber {
        /// The flag.
        flag: String,
        /// Its value.
        value: String,
    },
    /// A filter that is not a regular expression.
    #[error(
        "criterion benchmark: the filter {filter:?} is not a regular expression: {reason} \
         (give `--exact` to match an id literally)"
    )]
    BadFilter {
        /// The filter.
        filter: String,
        /// The regex crate's message.
        reason: String,
    },
}

/// Flags that take a value; all others are switches.
const WITH_VALUE: &[&str] = &[
    "--color",
    "--colour",
    "-c",
    "--save-baseline",
    "-s",
    "--baseline",
    "-b",
    "--baseline-lenient",
    "--load-baseline",
    "--format",
    "--profile-time",
    "--sample-size",
    "--warm-up-time",
    "--measurement-time",
    "--nresamples",
    "--noise-threshold",
    "--confidence-level",
    "--significance-level",
    "--plotting-backend",
    "--output-format",
    "--test-threads",
];

/// Reads `args` (without the program name).
pub(crate) fn parse(args: &[String]) -> Result<Args, ArgsError> {
    let (mut test, mut list, mut exact, mut ignored_only, mut quick) =
        (false, false, false, false, false);
    let mut filter: Option<String> = None;
    let mut config = Config::default();
    let mut ignored = Vec::new();
    let mut unknown = Vec::new();
    let mut ignore = |setting: &'static str, why: &'static str| {
        if !ignored.iter().any(|i: &Ignored| i.setting == setting) {
            ignored.push(Ignored { setting, why });
        }
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let value = if WITH_VALUE.contains(&flag) {
            match inline.or_else(|| rest.next().cloned()) {
                Some(v) => v,
                None => return Err(ArgsError::MissingValue { flag: flag.into() }),
            }
        } else {
            String::new()
        };
        let number = || {
            value.parse::<f64>().map_err(|_| ArgsError::NotANumber {
                flag: flag.into(),
                value: value.clone(),
            })
        };
        let seconds = || number().map(Duration::from_secs_f64);
        match flag {
            "--bench" => {}
            "--test" => test = true,
            "--list" => list = true,
            "--exact" => exact = true,
            "--ignored" => ignored_only = true,
            "--quick" => quick = true,
            "--sample-size" => config.sample_size = Some(number()? as usize),
            "--warm-up-time" => config.warm_up_time = Some(seconds()?),
            "--measurement-time" => config.measurement_time = Some(seconds()?),
            "--noise-threshold" => config.noise_threshold = Some(number()?),
            "--significance-level" => config.significance_level = Some(number()?),
            "--nresamples" | "--confidence-level" => ignore("--nresamples", STATISTICS),
            "--save-baseline" | "-s" | "--baseline" | "-b" | "--baseline-lenient"
            | "--load-baseline" | "--discard-baseline" => ignore("--baseline", BASELINES),
            "--noplot" | "-n" | "--plotting-backend" => ignore("--plotting-backend", PLOTS),
            "--profile-time" => ignore(
                "--profile-time",
                "`cargo perfkit profile` samples a benchmark and draws its flame graph",
            ),
            // Presentation and libtest's own flags: nothing to do or say.
            "--color" | "--colour" | "-c" | "--format" | "--output-format" | "--verbose" | "-v"
            | "--quiet" | "--nocapture" | "--show-output" | "--include-ignored"
            | "--test-threads" | "-V" | "--version" => {}
            _ if flag.starts_with('-') || filter.is_some() => unknown.push(arg.clone()),
            _ => filter = Some(arg.clone()),
        }
    }
    let mode = if list {
        RunMode::List
    } else if test {
        RunMode::Test
    } else {
        RunMode::Benchmark
    };
    let filter = match filter {
        _ if ignored_only => Filter::Nothing,
        None => Filter::All,
        Some(f) if exact => Filter::Exact(f),
        Some(f) => Filter::Regex(Regex::new(&f).map_err(|e| ArgsError::BadFilter {
            filter: f.clone(),
            reason: e.to_string(),
        })?),
    };
    Ok(Args {
        mode,
        filter,
        quick,
        config,
        ignored,
        unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_line(line: &str) -> Args {
        let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        parse(&args).unwrap()
    }

    #[test]
    fn cargo_bench_measures_and_test_runs_once() {
        assert_eq!(parse_line("--bench").mode, RunMode::Benchmark);
        // `cargo test --benches`: the build decides, as for perf tests.
        assert_eq!(parse_line("").mode, RunMode::Benchmark);
        assert_eq!(parse_line("--bench --test").mode, RunMode::Test);
        assert_eq!(parse_line("--test").mode, RunMode::Test);
        assert_eq!(parse_line("--bench --list").mode, RunMode::List);
    }

    #[test]
    fn the_filter_is_a_regex_unless_exact() {
        let a = parse_line("--bench ^encode_.*/3$");
        assert!(a.filter.matches("encode_slice/3"));
        assert!(!a.filter.matches("encode_slice/30"));
        let a = parse_line("--bench u64 --exact");
        assert!(!a.filter.matches("u64[0]/itoa"));
        assert!(
            parse_line("--exact u64[0]/itoa")
                .filter
                .matches("u64[0]/itoa")
        );
        // Criterion's filter matches anywhere in the id, like a substring.
        assert!(parse_line("itoa").filter.matches("u64[0]/itoa"));
        assert!(!parse_line("--ignored itoa").filter.matches("u64[0]/itoa"));
    }

    #[test]
    fn value_flags_take_their_value_in_both_spellings() {
        let a = parse_line("--bench --sample-size 20 --measurement-time=2.5 --warm-up-time 1 x");
        assert_eq!(a.config.sample_size, Some(20));
        assert_eq!(a.config.measurement_time, Some(Duration::from_millis(2500)));
        assert_eq!(a.config.warm_up_time, Some(Duration::from_secs(1)));
        assert!(a.filter.matches("x") && !a.filter.matches("y"));
        // `--save-baseline main` must not read `main` as the filter.
        assert!(
            parse_line("--bench --save-baseline main")
                .filter
                .matches("y")
        );
    }

    #[test]
    fn unknown_and_unsupported_flags_are_noted_once() {
        let a = parse_line("--bench --frobnicate --nresamples 10 --confidence-level 0.9 --xyz");
        let settings: Vec<&str> = a.ignored.iter().map(|i| i.setting).collect();
        assert_eq!(settings, ["--nresamples"]);
        assert_eq!(a.unknown, ["--frobnicate", "--xyz"]);
        assert_eq!(a.mode, RunMode::Benchmark);
    }

    #[test]
    fn libtest_flags_pass_silently() {
        // What callgrind's child run and nextest-like runners pass.
        let a = parse_line("--exact g/f --include-ignored --test-threads=1 --nocapture");
        assert!(a.ignored.is_empty() && a.unknown.is_empty());
        assert!(a.filter.matches("g/f"));
    }

    #[test]
    fn mistakes_name_the_flag() {
        let err = |line: &str| {
            let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
            parse(&args).unwrap_err().to_string()
        };
        assert!(err("--bench --sample-size").contains("`--sample-size` needs a value"));
        assert!(err("--sample-size ten").contains("\"ten\" is not a number"));
        assert!(err("--bench (").contains("is not a regular expression"));
    }
}
