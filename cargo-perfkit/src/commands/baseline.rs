//! `cargo perfkit baseline`: a "performance baseline" document for the current commit, in
//! markdown by default: when and where it was measured, and per benchmark its percentiles,
//! throughput, allocations, and budgets with their headroom.

use std::fmt::Write as _;
use std::io::Write as _;

use perfkit::Summary;
use perfkit::report::{format_bytes, format_count, format_throughput};
use perfkit::spec::Throughput;
use perfkit_store::{BudgetOutcome, Record, SeriesKey, ThroughputKind};
use serde_json::{Value, json};

use crate::cli::{BaselineArgs, Format, Global};
use crate::context::Context;
use crate::error::CliResult;
use crate::exit;
use crate::judging::{describe_head, describe_head_metric};
use crate::render::json;
use crate::render::table::{Align, Cell, Paint, Table};
use crate::render::units::{datetime, ns, rfc3339};
use crate::workspace::Workspace;

/// One series of the document.
struct Entry<'a> {
    key: &'a SeriesKey,
    summary: Summary,
    runs: usize,
    newest: Option<&'a Record>,
}

/// Writes the baseline document of the current commit.
pub fn baseline(ctx: &mut Context, global: &Global, args: &BaselineArgs) -> CliResult {
    let ws = Workspace::locate(ctx, global)?;
    let store = ws.store_with_history()?;
    let testbed = ws.testbed(&store)?;
    let git = ws.git();
    let (head, described) = describe_head(&store, &git, &testbed)?;
    let entries: Vec<Entry<'_>> = described
        .iter()
        .filter_map(|(key, d)| {
            Some(Entry {
                key,
                summary: Summary::new(&d.samples).ok()?,
                runs: d.runs,
                newest: Some(&d.newest),
            })
        })
        .collect();
    let commit = &head.commit;

    let mut results = Table::new(&[
        ("benchmark", Align::Left),
        ("p50", Align::Right),
        ("p95", Align::Right),
        ("p99", Align::Right),
        ("throughput", Align::Right),
        ("allocations", Align::Right),
        ("samples", Align::Right),
    ]);
    let mut budgets = Table::new(&[
        ("benchmark", Align::Left),
        ("budget", Align::Left),
        ("limit", Align::Right),
        ("measured", Align::Right),
        ("headroom", Align::Right),
    ]);
    for e in &entries {
        let s = &e.summary;
        results.row(vec![
            e.key.to_string().into(),
            ns(s.median).into(),
            ns(s.p95).into(),
            ns(s.p99).into(),
            throughput(e).unwrap_or_else(|| "-".to_owned()).into(),
            allocations(e).unwrap_or_else(|| "-".to_owned()).into(),
            s.n.to_string().into(),
        ]);
        for b in e.newest.map_or(&[][..], |r| &r.budgets[..]) {
            let measured = estimate(b, s);
            let (room, paint) = headroom(b.limit, measured);
            budgets.row(vec![
                e.key.to_string().into(),
                b.statistic.as_str().into(),
                amount(&b.statistic, b.limit).into(),
                amount(&b.statistic, measured).into(),
                Cell::painted(room, paint),
            ]);
        }
    }

    let load = load_table(&store, &git, &testbed);
    let file_budgets = file_budget_table(&ws.file_budgets);
    let facts = [
        ("date", datetime(head.newest_run)),
        (
            "commit",
            format!(
                "{} {}{}",
                commit.short_sha(),
                commit.summary,
                if head.dirty {
                    " (with uncommitted changes)"
                } else {
                    ""
                }
            ),
        ),
        ("testbed", testbed.name.clone()),
        ("runs", head.runs.to_string()),
    ];
    match args.format {
        Format::Markdown => {
            let mut out = String::from("# Performance baseline\n\n");
            for (k, v) in &facts {
                let _ = writeln!(out, "- **{k}**: {v}");
            }
            let _ = write!(out, "\n## Results\n\n{}", results.markdown());
            if !load.is_empty() {
                let _ = write!(
                    out,
                    "\n## Load tests\n\n{}\nLatency is per successful request; throughput counts \
                     successful requests; both rates are means over the runs' time windows.\n",
                    load.markdown()
                );
            }
            if !budgets.is_empty() {
                let _ = write!(out, "\n## Budgets\n\n{}", budgets.markdown());
            }
            if !file_budgets.is_empty() {
                let _ = write!(
                    out,
                    "\n## Budgets in perfkit.toml\n\n{}\nA test's own attribute wins over these, \
                     statistic by statistic.\n",
                    file_budgets.markdown()
                );
            }
            out.push_str(
                "\nTimes are per iteration; p50 is the median. Headroom is how far the measured \
                 value is below its budget.\n",
            );
            write!(ctx.stdout, "{out}")?;
        }
        Format::Table => {
            let mut out = String::new();
            for (k, v) in &facts {
                let _ = writeln!(out, "{k:<8} {v}");
            }
            let _ = write!(out, "\n{}", results.text(0, ctx.color()));
            if !load.is_empty() {
                let _ = write!(out, "\nload tests\n{}", load.text(0, ctx.color()));
            }
            if !budgets.is_empty() {
                let _ = write!(out, "\n{}", budgets.text(0, ctx.color()));
            }
            if !file_budgets.is_empty() {
                let _ = write!(
                    out,
                    "\nbudgets in perfkit.toml\n{}",
                    file_budgets.text(0, ctx.color())
                );
            }
            write!(ctx.stdout, "{out}")?;
        }
        Format::Json => {
            let mut m = json::envelope("baseline");
            m.insert("measured_at".into(), json!(rfc3339(head.newest_run)));
            m.insert("commit".into(), json::commit(commit));
            m.insert("dirty".into(), json!(head.dirty));
            m.insert("testbed".into(), json::testbed(&testbed));
            m.insert("runs".into(), json!(head.runs));
            let list: Vec<Value> = entries.iter().map(entry_json).collect();
            m.insert("benchmarks".into(), Value::Array(list));
            json::write(&mut ctx.stdout, &Value::Object(m))?;
        }
    }
    Ok(exit::OK)
}

/// The load tests of the current commit: latency percentiles, throughput and error rate. Empty
/// when the commit has no latency results.
fn load_table(
    store: &perfkit_store::Store,
    git: &perfkit_store::GitContext,
    testbed: &perfkit_store::Testbed,
) -> Table {
    let mut table = Table::new(&[
        ("benchmark", Align::Left),
        ("p50", Align::Right),
        ("p95", Align::Right),
        ("p99", Align::Right),
        ("throughput", Align::Right),
        ("error rate", Align::Right),
        ("requests", Align::Right),
    ]);
    let read = |metric| {
        describe_head_metric(store, git, testbed, metric)
            .ok()
            .map(|(_, d)| d)
    };
    let Some(latency) = read("latency") else {
        return table;
    };
    let mean = |d: Option<&crate::judging::Described>| {
        d.filter(|d| !d.samples.is_empty())
            .map(|d| d.samples.iter().sum::<f64>() / d.samples.len() as f64)
    };
    let throughput = read("throughput").unwrap_or_default();
    let errors = read("error_rate").unwrap_or_default();
    for (key, d) in &latency {
        let Ok(s) = Summary::new(&d.samples) else {
            continue;
        };
        table.row(vec![
            key.to_string().into(),
            ns(s.median).into(),
            ns(s.p95).into(),
            ns(s.p99).into(),
            mean(throughput.get(key))
                .map_or_else(
                    || "-".to_owned(),
                    |t| format!("{}/s", perfkit::report::format_count_si(t)),
                )
                .into(),
            mean(errors.get(key))
                .map_or_else(|| "-".to_owned(), perfkit::report::format_percent)
                .into(),
            s.n.to_string().into(),
        ]);
    }
    table
}

/// The `[[budget]]` entries of perfkit.toml: one row per benchmark pattern and statistic.
fn file_budget_table(entries: &[perfkit::FileBudget]) -> Table {
    let mut table = Table::new(&[
        ("benchmark", Align::Left),
        ("budget", Align::Left),
        ("limit", Align::Right),
    ]);
    for e in entries {
        let mut row = |statistic: &str, limit: String| {
            table.row(vec![
                e.benchmark.as_str().into(),
                statistic.into(),
                limit.into(),
            ]);
        };
        for b in &e.time {
            row(b.stat.name(), ns(b.limit_ns as f64));
        }
        if let Some(max) = e.max_error_rate {
            row("error_rate", perfkit::report::format_percent(max));
        }
        if let Some(min) = e.min_throughput {
            row(
                "throughput (min)",
                format!("{}/s", perfkit::report::format_count_si(min)),
            );
        }
    }
    table
}

/// The budgeted statistic of the pooled samples; a count from the newest run for allocations.
fn estimate(b: &BudgetOutcome, s: &Summary) -> f64 {
    match b.statistic.as_str() {
        "median" | "p50" => s.median,
        "mean" => s.mean,
        "p90" => s.p90,
        "p95" => s.p95,
        "p99" => s.p99,
        "max" => s.max,
        _ => b.estimate,
    }
}

fn amount(statistic: &str, v: f64) -> String {
    match statistic {
        "allocs" => format_count(v),
        "bytes" => format_bytes(v),
        "error_rate" => perfkit::report::format_percent(v),
        "throughput" => format!("{}/s", perfkit::report::format_count_si(v)),
        _ => ns(v),
    }
}

/// `91% left`, or `over by 12%` (painted red).
fn headroom(limit: f64, measured: f64) -> (String, Option<Paint>) {
    if measured <= limit {
        let left = if limit > 0.0 {
            (limit - measured) / limit * 100.0
        } else {
            0.0
        };
        (format!("{left:.0}% left"), None)
    } else if limit > 0.0 {
        let over = (measured - limit) / limit * 100.0;
        (format!("over by {over:.0}%"), Some(Paint::Red))
    } else {
        ("over".to_owned(), Some(Paint::Red))
    }
}

fn throughput(e: &Entry<'_>) -> Option<String> {
    let t = e.newest?.throughput?;
    let amount = match t.kind {
        ThroughputKind::Bytes => Throughput::Bytes(t.per_iteration),
        ThroughputKind::Elements => Throughput::Elements(t.per_iteration),
    };
    Some(format_throughput(amount, e.summary.median))
}

fn allocations(e: &Entry<'_>) -> Option<String> {
    let a = e.newest?.allocations?;
    Some(format!(
        "{} ({})",
        format_count(a.allocs),
        format_bytes(a.bytes)
    ))
}

fn entry_json(e: &Entry<'_>) -> Value {
    let s = &e.summary;
    let newest = e.newest;
    let budgets: Vec<Value> = newest
        .map_or(&[][..], |r| &r.budgets[..])
        .iter()
        .map(|b| {
            let measured = estimate(b, s);
            json!({
                "statistic": b.statistic,
                "limit": b.limit,
                "estimate": measured,
                "headroom": if b.limit > 0.0 { Some((b.limit - measured) / b.limit) } else { None },
                "passed": measured <= b.limit,
            })
        })
        .collect();
    json!({
        "name": e.key.benchmark,
        "size": e.key.size,
        "p50_ns": s.median,
        "p95_ns": s.p95,
        "p99_ns": s.p99,
        "mean_ns": s.mean,
        "samples": s.n,
        "runs": e.runs,
        "throughput": newest.and_then(|r| r.throughput).map(|t| json!({
            "kind": t.kind.as_str(),
            "per_iteration": t.per_iteration,
            "per_second": t.per_iteration as f64 / (s.median / 1e9),
        })),
        "allocations": newest.and_then(|r| r.allocations).map(|a| json!({
            "allocs": a.allocs,
            "bytes": a.bytes,
        })),
        "budgets": budgets,
    })
}
