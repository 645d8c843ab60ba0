//! `cargo perfkit compare [BASE] [HEAD]`: every benchmark at two commits side by side.

use std::io::Write as _;

use perfkit::sides::Fdr;
use perfkit_store::HeadRuns;
use serde_json::Value;

use crate::cli::{CompareArgs, Format, Global};
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::exit;
use crate::judging::{Base, Judging, head, resolve};
use crate::render::comparison::ComparisonView;
use crate::render::json;
use crate::workspace::Workspace;

/// Compares HEAD (default: the current commit) with BASE (default: its baseline).
pub fn compare(ctx: &mut Context, global: &Global, args: &CompareArgs) -> CliResult {
    let ws = Workspace::locate(ctx, global)?;
    let store = ws.store_with_history()?;
    let (rule, fdr) = ws.rule(&args.rule, &store)?;
    let testbed = ws.testbed(&store)?;
    let git = ws.git();
    let metric = args.rule.metric.as_str();
    let head = head(&store, &git, &testbed, args.head.as_deref(), metric)?;
    let base = match &args.base {
        Some(rev) => {
            let commit = resolve(&git, Some(rev))?;
            let side = store.head_runs(&commit, &testbed, metric, HeadRuns::Clean)?;
            Base::Named(side.ok_or_else(|| {
                CliError::usage(format!(
                    "no results at `{rev}` ({} {}) on testbed `{}`; `cargo perfkit list` shows \
                     the commits that have some",
                    commit.short_sha(),
                    commit.summary,
                    testbed.name
                ))
            })?)
        }
        None => Base::Selected(ws.base.as_deref()),
    };
    let fdr_mode = if fdr { Fdr::Bh } else { Fdr::None };
    let how = (metric, &rule, fdr_mode);
    let judging = Judging::new(&store, &git, &testbed, head, base, true, how)?;
    if judging.base.is_none() {
        writeln!(
            ctx.stderr,
            "no baseline: no earlier commit has results on testbed `{}`, so every benchmark is \
             new",
            testbed.name
        )?;
    }
    let view = ComparisonView {
        testbed: &testbed,
        judging: &judging,
        head_label: "head",
        rule,
        fdr,
    };
    match args.format {
        Format::Table => write!(ctx.stdout, "{}", view.table(ctx.color()))?,
        Format::Markdown => write!(ctx.stdout, "{}", view.markdown("perfkit compare"))?,
        Format::Json => json::write(&mut ctx.stdout, &Value::Object(view.json("compare")))?,
    }
    Ok(exit::OK)
}
