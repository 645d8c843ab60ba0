//! Running `cargo test --release` as a child process, with progress: a bar on a terminal,
//! plain numbered lines otherwise.
//!
//! Everything the child prints goes to stderr (stdout is kept for the report, so that
//! `--format json` stays parseable). On a terminal the child's chatter is replaced by the bar,
//! and shown only when the tests fail.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::context::Context;
use crate::error::CliError;

/// One `cargo test --release` invocation.
#[derive(Debug, Clone)]
pub struct CargoTest<'a> {
    /// Arguments after `cargo test --release`.
    pub args: &'a [String],
    /// Variables set for the child on top of the context's environment.
    pub vars: &'a [(String, String)],
    /// `round 2/3`, shown with the progress.
    pub round: Option<(u32, u32)>,
}

enum Line {
    Out(String),
    Err(String),
}

/// How far the tests got, from libtest's output.
#[derive(Debug, Default)]
struct Progress {
    total: u64,
    done: u64,
}

impl Progress {
    /// Reads a line of libtest's stdout; `Some(test line)` when a test finished.
    fn read<'l>(&mut self, line: &'l str) -> Option<&'l str> {
        if let Some(n) = line
            .strip_prefix("running ")
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse::<u64>().ok())
        {
            self.total += n;
            return None;
        }
        if line.starts_with("test ") && line.contains(" ... ") && !line.starts_with("test result:")
        {
            self.done += 1;
            return Some(line);
        }
        None
    }
}

/// Whether a line of cargo's stderr is its own status chatter (`Compiling x`, `Running y`).
fn is_status(line: &str) -> bool {
    const VERBS: &[&str] = &[
        "Compiling",
        "Checking",
        "Finished",
        "Running",
        "Doc-tests",
        "Fresh",
        "Downloading",
        "Downloaded",
        "Updating",
        "Locking",
        "Adding",
        "Blocking",
        "Building",
        "Executable",
        "Packaging",
        "Unpacking",
    ];
    let word = line.trim_start().split(' ').next().unwrap_or("");
    VERBS.contains(&word)
}

impl CargoTest<'_> {
    /// Runs the tests to the end; `Ok(true)` when they passed.
    pub fn run(&self, ctx: &mut Context) -> Result<bool, CliError> {
        let cargo = ctx.var("CARGO").unwrap_or_else(|| "cargo".to_owned());
        let mut child = Command::new(&cargo)
            .args(["test", "--release"])
            .args(self.args)
            .current_dir(&ctx.cwd)
            .env_clear()
            .envs(&ctx.env)
            .envs(self.vars.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                CliError::usage(format!(
                    "cannot start `{cargo} test` ({e}); install Rust with cargo, or set CARGO to \
                     the cargo binary"
                ))
            })?;
        let (tx, rx) = mpsc::channel();
        let readers = [
            pump(child.stdout.take(), tx.clone(), Line::Out),
            pump(child.stderr.take(), tx, Line::Err),
        ];
        let bar = ctx.stderr_terminal.then(|| self.bar());
        let prefix = self
            .round
            .map(|(i, n)| format!("round {i}/{n} "))
            .unwrap_or_default();
        let mut progress = Progress::default();
        let mut transcript = Vec::new();
        let mut in_failures = false;
        for line in rx {
            match line {
                Line::Out(text) => {
                    let finished = progress.read(&text).map(str::to_owned);
                    in_failures |= text == "failures:";
                    match (&bar, finished) {
                        (Some(bar), Some(test)) => {
                            show_counts(bar, &progress);
                            bar.set_message(test);
                        }
                        (Some(bar), None) => {
                            show_counts(bar, &progress);
                            if in_failures || text.starts_with("test result: FAILED") {
                                transcript.push(text);
                            }
                        }
                        (None, Some(test)) => {
                            let _ = writeln!(
                                ctx.stderr,
                                "{prefix}[{}/{}] {test}",
                                progress.done,
                                progress.total.max(progress.done)
                            );
                        }
                        (None, None) => {
                            if !text.trim().is_empty() && !text.starts_with("running ") {
                                let _ = writeln!(ctx.stderr, "{text}");
                            }
                        }
                    }
                }
                Line::Err(text) => match &bar {
                    Some(bar) if is_status(&text) => bar.set_message(text.trim().to_owned()),
                    Some(_) => transcript.push(text),
                    None => {
                        let _ = writeln!(ctx.stderr, "{prefix}{}", text.trim_start());
                    }
                },
            }
        }
        for reader in readers {
            let _ = reader.join();
        }
        let status = child
            .wait()
            .map_err(|e| CliError::usage(format!("`{cargo} test` could not be waited for: {e}")))?;
        if let Some(bar) = bar {
            bar.finish_and_clear();
            if !status.success() {
                for line in &transcript {
                    let _ = writeln!(ctx.stderr, "{line}");
                }
            }
        }
        Ok(status.success())
    }

    /// A spinner while cargo builds; [`show_counts`] turns it into a bar once tests run.
    fn bar(&self) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} {prefix}{wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        if let Some((i, n)) = self.round {
            bar.set_prefix(format!("round {i}/{n} "));
        }
        bar.set_message("building (cargo test --release)");
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }
}

/// Shows the tests counted so far as a bar (switching from the spinner at the first count).
fn show_counts(bar: &ProgressBar, progress: &Progress) {
    let total = progress.total.max(progress.done);
    if total == 0 {
        return;
    }
    if bar.length() == Some(0) {
        let template = "{spinner} {prefix}[{bar:25}] {pos}/{len} {wide_msg}";
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
    }
    bar.set_length(total);
    bar.set_position(progress.done);
}

/// Forwards the lines of `stream` to `tx` from a thread of its own.
fn pump<R: Read + Send + 'static>(
    stream: Option<R>,
    tx: mpsc::Sender<Line>,
    wrap: fn(String) -> Line,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let Some(stream) = stream else { return };
        let mut reader = BufReader::new(stream);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let text = String::from_utf8_lossy(&buf);
                    let text = text.trim_end_matches(['\n', '\r']).to_owned();
                    if tx.send(wrap(text)).is_err() {
                        break;
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_follows_libtest() {
        let mut p = Progress::default();
        assert_eq!(p.read("running 2 tests"), None);
        assert_eq!(p.read("test a::b ... ok"), Some("test a::b ... ok"));
        assert_eq!(p.read("test result: ok. 2 passed; 0 failed"), None);
        assert_eq!(p.read("running 1 test"), None);
        assert_eq!((p.total, p.done), (3, 1));
    }

    #[test]
    fn cargo_status_lines() {
        assert!(is_status("   Compiling perfkit v0.1.0"));
        assert!(is_status(
            "     Running tests/perf.rs (target/release/deps/perf-1)"
        ));
        assert!(!is_status("error[E0425]: cannot find value `x`"));
    }
}
