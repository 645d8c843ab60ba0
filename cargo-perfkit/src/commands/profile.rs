//! `cargo perfkit profile [PATTERN]`: `cargo test --release` with `PERFKIT_PROFILE=1`, so each
//! matching perf test, after its measurement, samples its routine (the largest size of a sized
//! test), writes a flame graph and folded stacks under `.perfkit/profiles/<short sha>/`, and
//! keeps the profile with its recorded result; then the hottest functions of each. With
//! `--diff BASE`, also what grew since BASE's stored profiles.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use perfkit_store::{DbLocation, SeriesKey};

use crate::cargo_test::CargoTest;
use crate::cli::{Global, ProfileArgs};
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::exit;
use crate::explain::{Sides, explain};
use crate::render::escape;
use crate::workspace::Workspace;

/// Profiles the matching perf tests and prints what each found.
pub fn profile(ctx: &mut Context, global: &Global, args: &ProfileArgs) -> CliResult {
    let ws = Workspace::locate(ctx, global)?;
    let git = ws.git();
    let base = match &args.diff {
        Some(rev) => Some(git.resolve(rev).map_err(|e| {
            CliError::usage(format!("--diff {rev}: {e}; nothing was built or profiled"))
        })?),
        None => None,
    };
    let mut cargo_args: Vec<String> = Vec::new();
    for p in &args.package {
        cargo_args.extend(["-p".to_owned(), p.clone()]);
    }
    if args.workspace {
        cargo_args.push("--workspace".to_owned());
    }
    // cargo test's TESTNAME: a substring of the test's path, as for `cargo test PATTERN`.
    cargo_args.extend(args.pattern.iter().cloned());
    cargo_args.extend(args.cargo_args.iter().cloned());
    let db = match &ws.db {
        DbLocation::Sqlite(path) => path.display().to_string(),
        DbLocation::Postgres(url) => url.clone(),
    };
    let mut vars = vec![
        ("PERFKIT_DB".to_owned(), db),
        ("PERFKIT_RECORD".to_owned(), "1".to_owned()),
        ("PERFKIT_PROFILE".to_owned(), "1".to_owned()),
    ];
    if let Some(time) = &args.time {
        vars.push(("PERFKIT_PROFILE_TIME".to_owned(), time.clone()));
    }
    if let Some(name) = &global.testbed {
        vars.push(("PERFKIT_TESTBED".to_owned(), name.clone()));
    }

    let started = SystemTime::now();
    let passed = CargoTest {
        args: &cargo_args,
        vars: &vars,
        round: None,
    }
    .run(ctx)?;
    let root = perfkit_store::workspace_root(&ws.manifest_dir);
    let dir = root.join(".perfkit/profiles").join(
        git.head()
            .map_or_else(|| "no-commit".to_owned(), |c| c.short_sha().to_owned()),
    );
    let written = written_since(&dir, started);
    for (_, block) in &written {
        write!(ctx.stdout, "{block}")?;
    }
    if !passed {
        return Err(CliError::with_code(
            exit::TESTS_FAILED,
            "the tests failed (a profile that could not be taken fails its test, saying why); \
             their output is above",
        ));
    }
    if written.is_empty() {
        let what = match &args.pattern {
            Some(p) => format!("no perf test matches `{}`", escape::text(p)),
            None => "no perf test ran".to_owned(),
        };
        return Err(CliError::usage(format!(
            "{what}, so nothing was profiled: the pattern filters test names as `cargo test \
             PATTERN` does (`cargo perfkit list` shows the benchmarks recorded so far); check \
             -p and the pattern"
        )));
    }
    if let (Some(base), Some(head)) = (&base, git.head()) {
        let store = ws.store_with_history()?;
        let testbed = ws.testbed(&store)?;
        let keys: Vec<SeriesKey> = written.iter().filter_map(|(key, _)| key.clone()).collect();
        let keys: Vec<&SeriesKey> = keys.iter().collect();
        let sides = Sides {
            base,
            head,
            testbed: &testbed,
            root: &root,
        };
        write!(ctx.stdout, "{}", explain(&store, &sides, &keys)?)?;
    }
    Ok(exit::OK)
}

/// The profile blocks written into `dir` since `started`, by file name, each with the series
/// it profiled (read from its first line: `profile NAME` or `profile NAME (n = N)`).
fn written_since(dir: &Path, started: SystemTime) -> Vec<(Option<SeriesKey>, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .filter(|p| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .is_ok_and(|m| m >= started)
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|block| (series_of(&block), block))
        .collect()
}

/// The series a profile block names on its first line.
fn series_of(block: &str) -> Option<SeriesKey> {
    let first = block.lines().next()?.strip_prefix("profile ")?;
    match first.rsplit_once(" (n = ") {
        Some((name, n)) => Some(SeriesKey {
            benchmark: name.to_owned(),
            size: Some(n.strip_suffix(')')?.parse().ok()?),
        }),
        None => Some(SeriesKey {
            benchmark: first.to_owned(),
            size: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_series_of_a_block() {
        let key = series_of("profile a::b (n = 64000)\n  samples 2,500 ...\n").unwrap();
        assert_eq!((key.benchmark.as_str(), key.size), ("a::b", Some(64000)));
        let key = series_of("profile a::b\n").unwrap();
        assert_eq!((key.benchmark.as_str(), key.size), ("a::b", None));
        assert!(series_of("something else").is_none());
    }
}
