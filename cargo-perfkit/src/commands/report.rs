//! `cargo perfkit report [PATTERN]`: one self-contained HTML file with the plots people look
//! at: the latest commit against its baseline, each benchmark's history and distributions,
//! growth with n.

use std::io::Write as _;

use perfkit::compare::configured_rule;

use super::matching;
use crate::cli::{Global, ReportArgs};
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::exit;
use crate::report::{data, page};
use crate::workspace::Workspace;

/// Writes the report of every benchmark matching the pattern.
pub fn report(ctx: &mut Context, global: &Global, args: &ReportArgs) -> CliResult {
    let ws = Workspace::locate(ctx, global)?;
    let store = ws.store_with_history()?;
    // The settings' rule (PERFKIT_ALPHA, PERFKIT_THRESHOLD, perfkit.toml) for the metric, as
    // `check` uses it.
    let info = store.metric_info(&args.metric)?;
    let rule = configured_rule(&info, ws.rule, ws.count_rule);
    let testbed = ws.testbed(&store)?;
    let git = ws.git();
    let names = matching(
        store.benchmarks()?.into_iter().map(|b| b.name),
        args.pattern.as_deref(),
        &ws,
    )?;
    let base = args.base.as_deref().or(ws.base.as_deref());
    let found = data::collect(
        &store,
        &git,
        &testbed,
        &names,
        args.pattern.as_deref(),
        base,
        (&args.metric, &rule),
    )?;
    let out = match &args.out {
        Some(path) if path.is_absolute() => path.clone(),
        Some(path) => ctx.cwd.join(path),
        None => perfkit_store::workspace_root(&ws.manifest_dir)
            .join("target")
            .join("perfkit")
            .join("report.html"),
    };
    let html =
        page::document(&found, &command(args)).map_err(|e| CliError::usage(e.to_string()))?;
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| cannot_write(&out, &e))?;
    }
    std::fs::write(&out, html).map_err(|e| cannot_write(&out, &e))?;
    writeln!(
        ctx.stdout,
        "wrote {} ({} benchmark{})",
        out.display(),
        found.benchmarks.len(),
        if found.benchmarks.len() == 1 { "" } else { "s" }
    )?;
    if args.open {
        open(ctx, &out)?;
    }
    Ok(exit::OK)
}

fn cannot_write(path: &std::path::Path, e: &std::io::Error) -> CliError {
    CliError::usage(format!(
        "cannot write the report to {} ({e}); choose another file with --out",
        path.display()
    ))
}

/// The command line that writes this report again (the workspace's settings apply as before).
fn command(args: &ReportArgs) -> String {
    let mut cmd = String::from("cargo perfkit report");
    if let Some(p) = &args.pattern {
        cmd.push_str(&format!(" '{p}'"));
    }
    if let Some(b) = &args.base {
        cmd.push_str(&format!(" --base '{b}'"));
    }
    cmd
}

/// Opens the file in the desktop's browser; a machine without one gets a notice, not an error
/// (the file is written).
fn open(ctx: &mut Context, path: &std::path::Path) -> Result<(), CliError> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(opener)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        writeln!(
            ctx.stderr,
            "note: could not open it with `{opener}` ({e}); open {} in a browser",
            path.display()
        )?;
    }
    Ok(())
}
