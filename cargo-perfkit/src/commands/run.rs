//! `cargo perfkit run`: `cargo test --release` with recording on, then this run against its
//! baseline.

use std::io::Write as _;

use perfkit::compare::is_count;
use perfkit::sides::Fdr;
use perfkit_store::{Commit, CommitRuns, DbLocation, HeadRuns, Testbed, Timestamp, candidates};
use serde_json::{Value, json};

use crate::cargo_test::CargoTest;
use crate::cli::{Format, Global, RunArgs};
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::exit;
use crate::judging::{Base, Judging};
use crate::render::comparison::ComparisonView;
use crate::render::json;
use crate::workspace::Workspace;

/// Runs the tests `args.rounds` times, then prints the comparison of the results they recorded
/// with their baseline.
pub fn run(ctx: &mut Context, global: &Global, args: &RunArgs) -> CliResult {
    let ws = Workspace::locate(ctx, global)?;
    let metric = args.rule.metric.as_str();
    // Counts come from a run under callgrind; time from the default run. Another metric
    // (recorded by other tools) has no run mode of its own: its tests run as usual.
    let counting = is_count(metric);
    if counting && args.quick {
        return Err(CliError::usage(
            "--quick shortens the timing plan; it has no meaning with --metric instructions              (counts take a fixed number of iterations): drop one of them",
        ));
    }
    // The commit and tree the tests measure, read before they run: the repository may move
    // on while they do (a commit made meanwhile is not what was measured).
    let git = ws.git();
    let base_rev = args.base.as_deref().or(ws.base.as_deref());
    // A base revision that cannot be used is refused before anything is built or measured,
    // by the rule the tests will select with.
    if let Some(rev) = base_rev {
        candidates(&git, git.head(), git.dirty(), Some(rev)).map_err(|e| {
            CliError::usage(format!(
                "the base revision `{rev}` cannot be used: {e}; nothing was built or measured"
            ))
        })?;
    }
    let mut cargo_args: Vec<String> = Vec::new();
    for p in &args.package {
        cargo_args.extend(["-p".to_owned(), p.clone()]);
    }
    if args.workspace {
        cargo_args.push("--workspace".to_owned());
    }
    cargo_args.extend(args.cargo_args.iter().cloned());

    let db = match &ws.db {
        DbLocation::Sqlite(path) => path.display().to_string(),
        DbLocation::Postgres(url) => url.clone(),
    };
    let mut vars = vec![
        ("PERFKIT_DB".to_owned(), db),
        ("PERFKIT_RECORD".to_owned(), "1".to_owned()),
    ];
    if let Some(name) = &global.testbed {
        vars.push(("PERFKIT_TESTBED".to_owned(), name.clone()));
    }
    if let Some(base) = &args.base {
        vars.push(("PERFKIT_BASELINE".to_owned(), base.clone()));
    }
    if args.quick {
        vars.push(("PERFKIT".to_owned(), "quick".to_owned()));
    }
    if counting {
        vars.push(("PERFKIT".to_owned(), "instructions".to_owned()));
    }

    let start = Timestamp::now();
    let mut passed = true;
    let mut rounds = 0;
    for round in 1..=args.rounds {
        let test = CargoTest {
            args: &cargo_args,
            vars: &vars,
            round: (args.rounds > 1).then_some((round, args.rounds)),
        };
        rounds = round;
        if !test.run(ctx)? {
            passed = false;
            break;
        }
    }
    let failed = || {
        format!(
            "the tests failed{}; their output is above",
            if args.rounds > 1 {
                format!(" in round {rounds} of {}", args.rounds)
            } else {
                String::new()
            }
        )
    };

    let Some(commit) = git.head().cloned() else {
        let _ = writeln!(
            ctx.stderr,
            "the results were recorded without a commit ({}), so there is nothing to compare \
             them with; commit your work in a git repository to get history",
            git.note().unwrap_or_default()
        );
        return finish(passed, failed);
    };
    let Some((testbed, head)) = this_run(&ws, &commit, start, metric)? else {
        let _ = writeln!(
            ctx.stderr,
            "no perf test recorded a result in {} (no #[perf_test] ran, or the tests did not \
             build); nothing to compare",
            ws.db
        );
        return finish(passed, failed);
    };
    let store = ws.store_with_history()?;
    let (rule, fdr) = ws.rule(&args.rule, &store)?;
    let fdr_mode = if fdr { Fdr::Bh } else { Fdr::None };
    let base = Base::Selected(base_rev);
    let how = (metric, &rule, fdr_mode);
    let judging = Judging::new(&store, &git, &testbed, head, base, false, how)?;
    let view = ComparisonView {
        testbed: &testbed,
        judging: &judging,
        head_label: "this run",
        rule,
        fdr,
    };
    match args.format {
        Format::Table => write!(ctx.stdout, "\n{}", view.table(ctx.color()))?,
        Format::Markdown => write!(ctx.stdout, "{}", view.markdown("perfkit run"))?,
        Format::Json => {
            let mut m = view.json("run");
            m.insert("rounds".into(), json!(rounds));
            m.insert("tests_passed".into(), json!(passed));
            json::write(&mut ctx.stdout, &Value::Object(m))?;
        }
    }
    finish(passed, failed)
}

fn finish(passed: bool, failed: impl Fn() -> String) -> CliResult {
    if passed {
        Ok(exit::OK)
    } else {
        Err(CliError::with_code(exit::TESTS_FAILED, failed()))
    }
}

/// The testbed that recorded since `start` and its runs since then: this invocation's.
fn this_run(
    ws: &Workspace,
    commit: &Commit,
    start: Timestamp,
    metric: &str,
) -> Result<Option<(Testbed, CommitRuns)>, CliError> {
    let Some(store) = ws.existing_store()? else {
        return Ok(None);
    };
    let mut fresh: Vec<_> = store
        .testbeds()?
        .into_iter()
        .filter(|t| t.last_run.is_some_and(|l| l >= start))
        .collect();
    // Several testbeds recorded only if the packages were built by different compilers;
    // show the one with the most results.
    fresh.sort_by_key(|t| std::cmp::Reverse(t.results));
    let Some(testbed) = fresh.into_iter().next().map(|t| t.testbed) else {
        return Ok(None);
    };
    let runs = store.head_runs(commit, &testbed, metric, HeadRuns::Since(start))?;
    Ok(runs.map(|runs| (testbed, runs)))
}
