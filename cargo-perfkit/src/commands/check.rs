//! `cargo perfkit check`: the merge gate. The current commit against its baseline, false
//! discoveries controlled across benchmarks; exit 1 on a significant regression.

use std::fmt::Write as _;
use std::io::Write as _;

use perfkit::compare::Verdict;
use perfkit::sides::{Fdr, Judged};
use perfkit_store::{CommitRuns, SeriesKey, Store};
use serde_json::{Value, json};

use crate::cli::{CheckArgs, Format, Global};
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::exit;
use crate::explain::{Sides, explain};
use crate::judging::{Base, Judging, head};
use crate::render::comparison::{ComparisonView, name, noise};
use crate::render::escape;
use crate::render::json;
use crate::render::units::{change, change_ci, probability};
use crate::workspace::Workspace;

/// Judges the current commit; exit 1 when a benchmark regressed.
pub fn check(ctx: &mut Context, global: &Global, args: &CheckArgs) -> CliResult {
    let ws = Workspace::locate(ctx, global)?;
    let store = ws.store_with_history()?;
    let (rule, fdr) = ws.rule(&args.rule, &store)?;
    let testbed = ws.testbed(&store)?;
    let git = ws.git();
    let metric = args.rule.metric.as_str();
    let head = head(&store, &git, &testbed, None, metric)?;
    // Say which results are judged when the tree has uncommitted changes: theirs, or (when
    // none were recorded) the last commit's.
    let tree = match (git.dirty(), head.dirty) {
        (true, true) => Some(format!(
            "note: judging the working tree's uncommitted results (the newest run recorded on \
             the dirty tree at {}), not the last commit's",
            head.commit.short_sha()
        )),
        (true, false) => Some(format!(
            "note: the working tree has uncommitted changes but no results of them; judging \
             the last commit {} (`cargo perfkit run` measures the working tree)",
            head.commit.short_sha()
        )),
        _ => None,
    };
    let base_rev = args.base.as_deref().or(ws.base.as_deref());
    let fdr_mode = if fdr { Fdr::Bh } else { Fdr::None };
    let base = Base::Selected(base_rev);
    let how = (metric, &rule, fdr_mode);
    let judging = Judging::new(&store, &git, &testbed, head, base, true, how)?;
    let view = ComparisonView {
        testbed: &testbed,
        judging: &judging,
        head_label: "head",
        rule,
        fdr,
    };
    let (code, verdict) = match &judging.base {
        None => {
            let notice = format!(
                "no baseline: no commit before {} has results on testbed `{}`{}",
                name(&judging.head),
                testbed.name,
                match base_rev {
                    Some(rev) => format!(" at or before its merge-base with `{rev}`"),
                    None => String::new(),
                }
            );
            if args.require_baseline {
                let why = format!(
                    "check failed: {notice}; record the base commit first (`cargo perfkit run` \
                     there), or drop --require-baseline"
                );
                (exit::REGRESSION, why)
            } else {
                let why = format!(
                    "check passed: {notice}, so nothing can have regressed \
                     (--require-baseline makes this fail)"
                );
                (exit::OK, why)
            }
        }
        Some(base) => gate_verdict("check", &judging.rows, base, &judging.metric),
    };

    if let Some(note) = &tree {
        // On stdout with the table (people read it there); beside the verdict on stderr
        // otherwise, so stdout stays pure markdown or JSON.
        if args.format == Format::Table {
            writeln!(ctx.stdout, "{note}")?;
        } else {
            writeln!(ctx.stderr, "{note}")?;
        }
    }
    let mut extra = serde_json::Map::new();
    extra.insert("tree_note".into(), json!(tree));
    report(ctx, &view, "check", args.format, (code, &verdict), extra)?;
    if args.explain
        && let Some(base) = &judging.base
    {
        let root = perfkit_store::workspace_root(&ws.manifest_dir);
        let sides = Sides {
            base: &base.commit,
            head: &judging.head.commit,
            testbed: &testbed,
            root: &root,
        };
        explain_regressions(ctx, &store, &sides, &judging.rows, args.format)?;
    }
    Ok(code)
}

/// `--explain` of `check` and `ab`: each regression's explanation from stored profiles, on
/// stdout beside a table, else on stderr (stdout stays pure markdown or JSON).
pub(super) fn explain_regressions(
    ctx: &mut Context,
    store: &Store,
    sides: &Sides<'_>,
    rows: &[Judged],
    format: Format,
) -> Result<(), CliError> {
    let keys: Vec<&SeriesKey> = rows
        .iter()
        .filter(|r| r.judgement.verdict() == Verdict::Regression)
        .map(|r| &r.key)
        .collect();
    if keys.is_empty() {
        return Ok(());
    }
    let text = explain(store, sides, &keys)?;
    if format == Format::Table {
        write!(ctx.stdout, "{text}")?;
    } else {
        write!(ctx.stderr, "{text}")?;
    }
    Ok(())
}

/// The gate's exit code and verdict on judged `rows` against `base`: passed, or failed naming
/// each regression. Shared by `check` and `ab` (`command`).
/// `metric` names what got worse: `slower` for time, `worse in instructions` for a count.
pub(super) fn gate_verdict(
    command: &str,
    rows: &[Judged],
    base: &CommitRuns,
    metric: &str,
) -> (u8, String) {
    let regressions: Vec<&Judged> = rows
        .iter()
        .filter(|r| r.judgement.verdict() == Verdict::Regression)
        .collect();
    if regressions.is_empty() {
        return (
            exit::OK,
            format!(
                "{command} passed: no significant regression in {} benchmark{}",
                rows.len(),
                if rows.len() == 1 { "" } else { "s" }
            ),
        );
    }
    let worse = if metric == perfkit_store::DEFAULT_METRIC {
        "slower".to_owned()
    } else {
        format!("worse in {metric}")
    };
    let mut why = format!(
        "{command} failed: {} benchmark{} significantly {worse} than at {}:",
        regressions.len(),
        if regressions.len() == 1 {
            " is"
        } else {
            "s are"
        },
        name(base)
    );
    for r in &regressions {
        let _ = write!(
            why,
            "\n  {}: {}",
            escape::text(&r.key.to_string()),
            one_line(r)
        );
    }
    (exit::REGRESSION, why)
}

/// The gate's report in `format` with its exit code and verdict (JSON also gets `extra`),
/// and on GitHub Actions the step summary and an `::error` annotation per regression. Shared
/// by `check` and `ab` (`command`).
pub(super) fn report(
    ctx: &mut Context,
    view: &ComparisonView<'_>,
    command: &str,
    format: Format,
    (code, verdict): (u8, &str),
    extra: serde_json::Map<String, Value>,
) -> Result<(), CliError> {
    let heading = format!("perfkit {command}");
    match format {
        Format::Table => {
            write!(ctx.stdout, "{}", view.table(ctx.color()))?;
            writeln!(ctx.stdout, "\n{verdict}")?;
        }
        Format::Markdown => {
            write!(ctx.stdout, "{}", view.markdown(&heading))?;
            writeln!(ctx.stderr, "{verdict}")?;
        }
        Format::Json => {
            let mut m = view.json(command);
            m.insert("passed".into(), json!(code == exit::OK));
            m.extend(extra);
            m.insert("message".into(), json!(verdict));
            json::write(&mut ctx.stdout, &Value::Object(m))?;
            writeln!(ctx.stderr, "{verdict}")?;
        }
    }
    if let Some(summary) = ctx.var("GITHUB_STEP_SUMMARY") {
        let regressions: Vec<&Judged> = view
            .judging
            .rows
            .iter()
            .filter(|r| r.judgement.verdict() == Verdict::Regression)
            .collect();
        github(ctx, &summary, view, &heading, &regressions, format)?;
    }
    Ok(())
}

/// `+200.4% [+199.8%, +201.0%]  p=1.2e-80 q=2.4e-80  noise: prior`.
fn one_line(r: &Judged) -> String {
    match r.judgement.change() {
        Some(c) => {
            let mut s = format!(
                "{} {}  p={}",
                change(c.ratio),
                change_ci(c.ratio_ci),
                probability(c.p)
            );
            if let Some(q) = c.q {
                let _ = write!(s, " q={}", probability(q));
            }
            let _ = write!(s, "  noise: {}", noise(r));
            s
        }
        None => r.judgement.verdict().to_string(),
    }
}

/// On GitHub Actions: the markdown report appended to the step summary, and an `::error`
/// annotation per regression.
fn github(
    ctx: &mut Context,
    summary: &str,
    view: &ComparisonView<'_>,
    heading: &str,
    regressions: &[&Judged],
    format: Format,
) -> Result<(), CliError> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(summary)
        .map_err(|e| {
            CliError::usage(format!(
                "cannot append to the step summary GITHUB_STEP_SUMMARY={summary}: {e}; unset \
                 GITHUB_STEP_SUMMARY outside GitHub Actions"
            ))
        })?;
    writeln!(file, "{}", view.markdown(heading))
        .map_err(|e| CliError::usage(format!("cannot write the step summary {summary}: {e}")))?;
    // Workflow commands are read from stdout and stderr; keep stdout pure JSON.
    let out: &mut dyn std::io::Write = if format == Format::Json {
        &mut ctx.stderr
    } else {
        &mut ctx.stdout
    };
    for r in regressions {
        writeln!(
            out,
            "::error title={}::{}",
            escape::workflow_property("performance regression"),
            escape::workflow_data(&format!(
                "{} is significantly slower: {}",
                escape::text(&r.key.to_string()),
                one_line(r)
            ))
        )?;
    }
    Ok(())
}
