//! `cargo perfkit list`: what the store holds: benchmarks, testbeds, commits.

use std::io::Write as _;

use serde_json::{Value, json};

use crate::cli::{Format, Global, ListArgs};
use crate::context::Context;
use crate::error::CliResult;
use crate::exit;
use crate::render::json;
use crate::render::table::{Align, Table};
use crate::render::units::{date, datetime, rfc3339, truncate};
use crate::workspace::Workspace;

/// Lists benchmarks, testbeds and commits with their result counts.
pub fn list(ctx: &mut Context, global: &Global, args: &ListArgs) -> CliResult {
    let ws = Workspace::locate(ctx, global)?;
    let store = ws.store_with_history()?;
    let benchmarks = store.benchmarks()?;
    let testbeds = store.testbeds()?;
    let commits = store.commits()?;
    let here = ws.this_machine().fingerprint;
    let when = |t: Option<perfkit_store::Timestamp>| t.map(datetime).unwrap_or_default();

    let mut b = Table::new(&[
        ("benchmark", Align::Left),
        ("sizes", Align::Left),
        ("results", Align::Right),
        ("last run", Align::Left),
    ]);
    for x in &benchmarks {
        let sizes: Vec<String> = x.sizes.iter().map(u64::to_string).collect();
        b.row(vec![
            x.name.as_str().into(),
            sizes.join(", ").into(),
            x.results.to_string().into(),
            when(x.last_run).into(),
        ]);
    }
    let mut t = Table::new(&[
        ("testbed", Align::Left),
        ("fingerprint", Align::Left),
        ("runs", Align::Right),
        ("results", Align::Right),
        ("last run", Align::Left),
        ("", Align::Left),
    ]);
    for x in &testbeds {
        t.row(vec![
            x.testbed.name.as_str().into(),
            x.testbed.fingerprint.as_str().into(),
            x.runs.to_string().into(),
            x.results.to_string().into(),
            when(x.last_run).into(),
            if x.testbed.fingerprint == here {
                "this machine"
            } else {
                ""
            }
            .into(),
        ]);
    }
    let mut c = Table::new(&[
        ("commit", Align::Left),
        ("date", Align::Left),
        ("subject", Align::Left),
        ("runs", Align::Right),
        ("dirty", Align::Right),
        ("results", Align::Right),
        ("last run", Align::Left),
    ]);
    for x in &commits {
        c.row(vec![
            x.commit.short_sha().into(),
            date(x.commit.author_time).into(),
            truncate(&x.commit.summary, 50).into(),
            x.runs.to_string().into(),
            x.dirty_runs.to_string().into(),
            x.results.to_string().into(),
            when(x.last_run).into(),
        ]);
    }

    match args.format {
        Format::Table | Format::Markdown => {
            let md = args.format == Format::Markdown;
            let color = ctx.color();
            let section = |title: &str, table: &Table| {
                if md {
                    format!("### {title}\n\n{}", table.markdown())
                } else {
                    format!("{title}\n{}", table.text(2, color))
                }
            };
            let text = [
                format!("store {}\n", ws.db),
                section(&format!("benchmarks ({})", benchmarks.len()), &b),
                section(&format!("testbeds ({})", testbeds.len()), &t),
                section(&format!("commits ({})", commits.len()), &c),
            ]
            .join("\n");
            write!(ctx.stdout, "{text}")?;
        }
        Format::Json => {
            let stamp = |t: Option<perfkit_store::Timestamp>| t.map(rfc3339);
            let mut m = json::envelope("list");
            m.insert("store".into(), json!(ws.db.to_string()));
            let list: Vec<Value> = benchmarks
                .iter()
                .map(|x| {
                    json!({
                        "name": x.name,
                        "sizes": x.sizes,
                        "results": x.results,
                        "last_run": stamp(x.last_run),
                    })
                })
                .collect();
            m.insert("benchmarks".into(), Value::Array(list));
            let list: Vec<Value> = testbeds
                .iter()
                .map(|x| {
                    let mut v = json::testbed(&x.testbed);
                    v["runs"] = json!(x.runs);
                    v["results"] = json!(x.results);
                    v["last_run"] = json!(stamp(x.last_run));
                    v["this_machine"] = json!(x.testbed.fingerprint == here);
                    v
                })
                .collect();
            m.insert("testbeds".into(), Value::Array(list));
            let list: Vec<Value> = commits
                .iter()
                .map(|x| {
                    let mut v = json::commit(&x.commit);
                    v["runs"] = json!(x.runs);
                    v["dirty_runs"] = json!(x.dirty_runs);
                    v["results"] = json!(x.results);
                    v["last_run"] = json!(stamp(x.last_run));
                    v
                })
                .collect();
            m.insert("commits".into(), Value::Array(list));
            json::write(&mut ctx.stdout, &Value::Object(m))?;
        }
    }
    Ok(exit::OK)
}
