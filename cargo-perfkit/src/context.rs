//! [`Context`]: where a command runs and where its output goes, so that tests can run the
//! whole command line in-process with captured output.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The surroundings of one invocation.
///
/// `env` is what child processes (`cargo test`) inherit and where `NO_COLOR`,
/// `GITHUB_STEP_SUMMARY` and `CARGO` are looked up. perfkit's own settings (`PERFKIT_DB`,
/// `PERFKIT_TESTBED`, `perfkit.toml`, ...) are read by `perfkit::Settings`, from the process
/// environment, exactly as the perf tests read them.
pub struct Context {
    /// The directory the command runs in (it finds the workspace and git from here).
    pub cwd: PathBuf,
    /// The environment for child processes and the variables above.
    pub env: BTreeMap<OsString, OsString>,
    /// Where results go (tables, JSON, markdown).
    pub stdout: Box<dyn Write>,
    /// Where progress, notices and errors go.
    pub stderr: Box<dyn Write>,
    /// Whether stdout is a terminal: colour (unless `NO_COLOR`).
    pub stdout_terminal: bool,
    /// Whether stderr is a terminal: a progress bar instead of plain progress lines.
    pub stderr_terminal: bool,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("cwd", &self.cwd)
            .field("stdout_terminal", &self.stdout_terminal)
            .field("stderr_terminal", &self.stderr_terminal)
            .finish_non_exhaustive()
    }
}

impl Context {
    /// This process: its directory, environment, stdout and stderr.
    pub fn from_process() -> io::Result<Context> {
        Ok(Context {
            cwd: std::env::current_dir()?,
            env: std::env::vars_os().collect(),
            stdout: Box::new(io::stdout()),
            stderr: Box::new(io::stderr()),
            stdout_terminal: io::stdout().is_terminal(),
            stderr_terminal: io::stderr().is_terminal(),
        })
    }

    /// A context in `cwd` whose output is captured (never a terminal, so no colour and no
    /// progress bar). The environment is this process's, without GitHub Actions' variables,
    /// plus `vars`.
    pub fn captured(cwd: &Path, vars: &[(&str, &str)]) -> (Context, Captured) {
        let mut env: BTreeMap<OsString, OsString> = std::env::vars_os()
            .filter(|(k, _)| !matches!(k.to_str(), Some("GITHUB_STEP_SUMMARY" | "GITHUB_ACTIONS")))
            .collect();
        for (k, v) in vars {
            env.insert(k.into(), v.into());
        }
        let captured = Captured::default();
        let ctx = Context {
            cwd: cwd.to_owned(),
            env,
            stdout: Box::new(Sink(captured.stdout.clone())),
            stderr: Box::new(Sink(captured.stderr.clone())),
            stdout_terminal: false,
            stderr_terminal: false,
        };
        (ctx, captured)
    }

    /// A variable of `env`, when set and not empty.
    pub fn var(&self, name: &str) -> Option<String> {
        self.env
            .get(&OsString::from(name))
            .and_then(|v| v.to_str())
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned)
    }

    /// Whether to colour stdout: on a terminal, unless `NO_COLOR` is set.
    pub fn color(&self) -> bool {
        self.stdout_terminal && self.var("NO_COLOR").is_none()
    }
}

/// The output of a [`Context::captured`] invocation.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Captured {
    /// Everything written to stdout so far.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap_or_else(|e| e.into_inner())).into()
    }

    /// Everything written to stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap_or_else(|e| e.into_inner())).into()
    }
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_and_never_with_no_color() {
        let (mut ctx, _) = Context::captured(Path::new("."), &[("NO_COLOR", "")]);
        assert!(!ctx.color(), "captured output is not a terminal");
        ctx.stdout_terminal = true;
        assert!(ctx.color(), "an empty NO_COLOR does not count");
        ctx.env.insert("NO_COLOR".into(), "1".into());
        assert!(!ctx.color());
    }

    #[test]
    fn captured_contexts_never_write_githubs_files() {
        let (ctx, _) = Context::captured(Path::new("."), &[]);
        assert_eq!(ctx.var("GITHUB_STEP_SUMMARY"), None);
    }
}
