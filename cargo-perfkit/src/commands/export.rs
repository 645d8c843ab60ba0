//! `cargo perfkit export`: history for other tools, as JSON, CSV, or the Bencher Metric
//! Format (the current commit's medians). Every format exports one metric's series
//! (`--metric`, default `time`); values of time are in ns (`_ns` in the field names), counts in
//! their own unit per iteration (no suffix).

use std::fmt::Write as _;
use std::io::Write as _;

use perfkit::Summary;
use perfkit_store::{DEFAULT_METRIC, HistoryPoint, HistoryQuery, Testbed, ThroughputKind};
use serde_json::{Map, Value, json};

use super::{matches, matching};
use crate::cli::{ExportArgs, ExportFormat, Global};
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::exit;
use crate::judging::describe_head_metric;
use crate::render::json;
use crate::render::units::{date, rfc3339, unit_suffix};
use crate::workspace::Workspace;

/// Writes the history of the benchmarks matching the pattern.
pub fn export(ctx: &mut Context, global: &Global, args: &ExportArgs) -> CliResult {
    let ws = Workspace::locate(ctx, global)?;
    let store = ws.store_with_history()?;
    if args.format == ExportFormat::Bmf {
        return bmf(ctx, &ws, &store, args.pattern.as_deref(), &args.metric);
    }
    // Every testbed, unless one was chosen.
    let testbeds: Vec<Testbed> = if global.testbed.is_some() {
        vec![ws.testbed(&store)?]
    } else {
        store.testbeds()?.into_iter().map(|t| t.testbed).collect()
    };
    let names = matching(
        store.benchmarks()?.into_iter().map(|b| b.name),
        args.pattern.as_deref(),
        &ws,
    )?;
    let mut points: Vec<(&Testbed, HistoryPoint)> = Vec::new();
    for testbed in &testbeds {
        for name in &names {
            let mut query = HistoryQuery::new(name, testbed);
            query.include_dirty = true;
            query.include_samples = false;
            query.metric = &args.metric;
            points.extend(store.history(&query)?.into_iter().map(|p| (testbed, p)));
        }
    }
    match args.format {
        ExportFormat::Json => {
            let mut m = json::envelope("export");
            m.insert("store".into(), json!(ws.db.to_string()));
            m.insert("metric".into(), json!(args.metric));
            let beds: Vec<Value> = testbeds.iter().map(json::testbed).collect();
            m.insert("testbeds".into(), Value::Array(beds));
            let list: Vec<Value> = points
                .iter()
                .map(|(t, p)| point_json(t, p, &args.metric))
                .collect();
            m.insert("results".into(), Value::Array(list));
            json::write(&mut ctx.stdout, &Value::Object(m))?;
        }
        ExportFormat::Csv => write!(ctx.stdout, "{}", csv(&points, &args.metric))?,
        ExportFormat::Bmf => unreachable!("handled above"),
    }
    Ok(exit::OK)
}

/// One result; its summary's fields carry the metric's unit suffix (`median_ns` for time,
/// `median` for counts).
fn point_json(testbed: &Testbed, p: &HistoryPoint, metric: &str) -> Value {
    let r = &p.record;
    let s = &r.summary;
    let u = unit_suffix(metric);
    let mut summary = Map::new();
    summary.insert("n".into(), json!(s.n));
    for (name, value) in [
        ("mean", json!(s.mean)),
        ("sd", json!(s.sd)),
        ("min", json!(s.min)),
        ("max", json!(s.max)),
        ("median", json!(s.median)),
        ("p90", json!(s.p90)),
        ("p95", json!(s.p95)),
        ("p99", json!(s.p99)),
        ("mad", json!(s.mad)),
        ("mean_ci", json!([s.mean_ci_lower, s.mean_ci_upper])),
        ("median_ci", json!([s.median_ci_lower, s.median_ci_upper])),
    ] {
        summary.insert(format!("{name}{u}"), value);
    }
    summary.insert("outliers".into(), json!(s.outliers));
    json!({
        "benchmark": r.benchmark,
        "size": r.size,
        "testbed": testbed.fingerprint,
        "commit": p.commit.as_ref().map(json::commit),
        "dirty": p.dirty,
        "branch": p.branch,
        "run": p.run.get(),
        "started_at": rfc3339(p.started_at),
        "iterations_per_sample": r.iterations_per_sample,
        "metric": r.metric,
        "summary": summary,
        "budgets": r.budgets.iter().map(|b| json!({
            "statistic": b.statistic, "limit": b.limit, "estimate": b.estimate, "passed": b.passed,
        })).collect::<Vec<_>>(),
        "allocations": r.allocations.map(|a| json!({"allocs": a.allocs, "bytes": a.bytes})),
        "throughput": r.throughput.map(|t| json!({
            "kind": t.kind.as_str(), "per_iteration": t.per_iteration,
        })),
        "comparison": r.comparison.as_ref().map(|c| json!({
            "ratio": c.ratio, "ratio_ci": [c.ratio_ci_lower, c.ratio_ci_upper], "p": c.p,
            "verdict": c.verdict,
        })),
    })
}

/// The CSV header of `metric`: the value columns carry its unit suffix (`median_ns` for time).
fn csv_header(metric: &str) -> String {
    let u = unit_suffix(metric);
    let values = [
        "mean",
        "median",
        "median_ci_lower",
        "median_ci_upper",
        "p90",
        "p95",
        "p99",
        "min",
        "max",
        "sd",
    ]
    .map(|v| format!("{v}{u}"))
    .join(",");
    format!(
        "benchmark,size,testbed,commit,commit_date,subject,dirty,branch,run,started_at,n,\
         {values},outliers,ratio,verdict"
    )
}

fn csv(points: &[(&Testbed, HistoryPoint)], metric: &str) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut out = format!("{}\n", csv_header(metric));
    for (t, p) in points {
        let r = &p.record;
        let s = &r.summary;
        let c = p.commit.as_ref();
        let cells = [
            field(&r.benchmark),
            r.size.map(|n| n.to_string()).unwrap_or_default(),
            field(&t.name),
            c.map(|c| c.sha.clone()).unwrap_or_default(),
            c.map(|c| date(c.author_time)).unwrap_or_default(),
            field(c.map_or("", |c| c.summary.as_str())),
            p.dirty.to_string(),
            field(p.branch.as_deref().unwrap_or("")),
            p.run.to_string(),
            rfc3339(p.started_at),
            s.n.to_string(),
            s.mean.to_string(),
            s.median.to_string(),
            s.median_ci_lower.to_string(),
            s.median_ci_upper.to_string(),
            s.p90.to_string(),
            s.p95.to_string(),
            s.p99.to_string(),
            s.min.to_string(),
            s.max.to_string(),
            s.sd.to_string(),
            s.outliers.to_string(),
            r.comparison
                .as_ref()
                .map(|c| c.ratio.to_string())
                .unwrap_or_default(),
            field(r.comparison.as_ref().map_or("", |c| c.verdict.as_str())),
        ];
        let _ = writeln!(out, "{}", cells.join(","));
    }
    out
}

/// Bencher Metric Format: `{"name": {"latency": {"value", "lower_value", "upper_value"}}}`
/// for every series of the current commit, in ns, with the median's 95% CI; and throughput
/// per second where declared. A measure holds those three numbers and nothing else (BMF has no
/// unit field), so the unit is in the measure's name: `throughput` is Bencher's built-in
/// operations per second (elements), bytes per second go to a measure `bytes-per-second`.
/// A count is its own measure, named as Bencher's callgrind adapters name theirs
/// ([`bmf_measure`]), and has no throughput.
fn bmf(
    ctx: &mut Context,
    ws: &Workspace,
    store: &perfkit_store::Store,
    pattern: Option<&str>,
    metric: &str,
) -> CliResult {
    let testbed = ws.testbed(store)?;
    let git = ws.git();
    let (_, described) = describe_head_metric(store, &git, &testbed, metric)?;
    let mut out = Map::new();
    for (key, pooled) in &described {
        if !matches(pattern, &key.benchmark) {
            continue;
        }
        let Ok(s) = Summary::new(&pooled.samples) else {
            continue;
        };
        let mut measures = Map::new();
        measures.insert(
            bmf_measure(metric),
            json!({
                "value": s.median,
                "lower_value": s.median_ci.lower,
                "upper_value": s.median_ci.upper,
            }),
        );
        if let (Some(t), DEFAULT_METRIC) = (pooled.newest.throughput, metric) {
            let per_second = |ns: f64| t.per_iteration as f64 * 1e9 / ns;
            let measure = match t.kind {
                ThroughputKind::Bytes => "bytes-per-second",
                ThroughputKind::Elements => "throughput",
            };
            measures.insert(
                measure.into(),
                json!({
                    "value": per_second(s.median),
                    "lower_value": per_second(s.median_ci.upper),
                    "upper_value": per_second(s.median_ci.lower),
                }),
            );
        }
        let name = match key.size {
            Some(n) => format!("{}/{n}", key.benchmark),
            None => key.benchmark.clone(),
        };
        out.insert(name, Value::Object(measures));
    }
    if out.is_empty() && pattern.is_some() {
        return Err(CliError::usage(format!(
            "no benchmark of the current commit matches `{}`",
            pattern.unwrap_or_default()
        )));
    }
    json::write(&mut ctx.stdout, &Value::Object(out))?;
    Ok(exit::OK)
}

/// The BMF measure of `metric`: `latency` for time; a count's name in kebab case
/// (`instructions`, `estimated-cycles`, `l1-misses`, `ll-misses`), the slugs Bencher uses for
/// callgrind's counts.
fn bmf_measure(metric: &str) -> String {
    match metric {
        DEFAULT_METRIC => "latency".to_owned(),
        m => m.replace('_', "-"),
    }
}
