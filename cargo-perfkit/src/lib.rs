//! `cargo perfkit`: perfkit's history for people and for CI.
//!
//! The perf tests record every result in the history store, keyed by git commit and testbed.
//! This crate reads that history back: trends commit by commit (`history`), two commits side
//! by side with verdicts (`compare`), a merge gate that exits 1 on a significant regression
//! (`check`), a markdown baseline document (`baseline`), exports for other tools (`export`),
//! criterion's results brought into the same history (`import criterion`), pruning (`gc`)
//! and one self-contained HTML file with plots (`report`). `run` runs `cargo test --release`
//! with recording on and shows this run against its baseline. `ab` builds two revisions and
//! runs their perf tests in alternating rounds: a merge gate that needs no history and no
//! steady machine.
//!
//! It is not the measurement, the statistics or the store: those are `perfkit` and
//! `perfkit-store`: the baseline is the store's one rule and every verdict is perfkit's one judge
//! (`perfkit::compare::judge`, through `perfkit::sides`), exactly as the perf tests decide.
//!
//! Output is a table for people, `--format markdown` for pull requests and GitHub's step
//! summary, and `--format json` for machines, with the versioned schema documented in
//! [`docs/cli-json.md`](https://github.com/perfkit/perfkit/blob/main/cargo-perfkit/docs/cli-json.md).
//! Exit codes are in [`exit`].
//!
//! The binary is a thin shell over [`run`], which tests call in-process:
//!
//! ```no_run
//! use cargo_perfkit::Context;
//! let (mut ctx, out) = Context::captured(std::path::Path::new("."), &[]);
//! let code = cargo_perfkit::run(["cargo-perfkit", "perfkit", "list"], &mut ctx);
//! println!("exit {code}: {}", out.stdout());
//! ```
#![warn(missing_docs)]

mod ab;
mod cargo_test;
mod cli;
mod commands;
mod context;
mod criterion;
mod error;
pub mod exit;
mod explain;
mod judging;
mod render;
mod report;
mod workspace;

use std::ffi::OsString;
use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

pub use context::{Captured, Context};

/// The binary's `main`: runs the command line of this process.
pub fn main() -> ExitCode {
    let mut ctx = match Context::from_process() {
        Ok(ctx) => ctx,
        Err(e) => {
            eprintln!("error: the current directory cannot be read ({e}); cd into your project");
            return ExitCode::from(exit::USAGE);
        }
    };
    ExitCode::from(run(std::env::args_os(), &mut ctx))
}

/// Runs the command line `args` (program name first) in `ctx` and returns the exit code.
///
/// `cargo perfkit ARGS` arrives as `cargo-perfkit perfkit ARGS`; `cargo-perfkit ARGS` without
/// the `perfkit` word is accepted too.
pub fn run<I, T>(args: I, ctx: &mut Context) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    if args.get(1).is_none_or(|a| a != "perfkit") {
        args.insert(1.min(args.len()), "perfkit".into());
    }
    let cli::Cargo::Perfkit(perfkit) = match cli::Cargo::try_parse_from(args) {
        Ok(parsed) => parsed,
        Err(e) => {
            let out: &mut dyn std::io::Write = if e.use_stderr() {
                &mut ctx.stderr
            } else {
                &mut ctx.stdout
            };
            let _ = write!(out, "{e}");
            return if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
        }
    };
    match commands::dispatch(perfkit, ctx) {
        Ok(code) => code,
        Err(e) => {
            if !e.quiet {
                let _ = writeln!(ctx.stderr, "error: {}", e.message);
            }
            e.code
        }
    }
}
