//! Running one benchmark: through the perf-test runtime ([`crate::execute`]), which measures,
//! prints the result, judges it against its baseline and records it; plus what a benchmark
//! process keeps between benchmarks (ids taken, notes said, failures).

use std::collections::HashSet;
use std::io::Write as _;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, OnceLock};

use super::args::RunMode;
use super::config::{self, Config, Ignored, Throughput};
use super::id;
use crate::measure::{Bencher, Mode};
use crate::runtime::{Routine, Settings, execute, manifest_dir_at_run_time};
use crate::spec::Spec;

/// What `cargo test --benches` (criterion's test mode) tells once.
const TEST_MODE: &str = "criterion test mode (no `--bench`, as under `cargo test --benches`): each benchmark runs \
     once, untimed and unrecorded; `cargo bench` measures them";

#[derive(Debug, Default)]
struct Process {
    /// Names given to benchmarks in history, so no two share one.
    taken: HashSet<String>,
    /// Ignored settings already noted.
    noted: HashSet<&'static str>,
    measured: usize,
    failures: Vec<String>,
}

static PROCESS: Mutex<Option<Process>> = Mutex::new(None);

fn process() -> MutexGuard<'static, Option<Process>> {
    // A benchmark that panicked poisons nothing this state depends on.
    PROCESS.lock().unwrap_or_else(|p| p.into_inner())
}

fn with_process<T>(f: impl FnOnce(&mut Process) -> T) -> T {
    f(process().get_or_insert_with(Process::default))
}

/// Prints that `ignored` is ignored, the first time it is seen in this process.
pub(crate) fn note(ignored: Ignored) {
    note_once(ignored.setting, || {
        format!(
            "criterion's `{}` is ignored: {}",
            ignored.setting, ignored.why
        )
    });
}

/// Prints the note `text()` the first time `key` is seen in this process.
pub(crate) fn note_once(key: &'static str, text: impl FnOnce() -> String) {
    if with_process(|p| p.noted.insert(key)) {
        println!("perfkit: note: {}", text());
    }
}

/// The settings of this process (environment and `perfkit.toml`), read once.
fn settings(manifest_dir: &str) -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| {
        Settings::from_env(Path::new(manifest_dir))
            .unwrap_or_else(|e| panic!("criterion benchmarks: {e}"))
    })
}

/// The crate directory that decides the workspace, its store and its git repository: cargo's
/// `CARGO_MANIFEST_DIR` at run time, else the bench target's at compile time (given by
/// `criterion_group!`), else the current directory.
pub(crate) fn manifest_dir(compiled: Option<&'static str>) -> &'static str {
    static CURRENT: OnceLock<&'static str> = OnceLock::new();
    let fallback = compiled.unwrap_or_else(|| {
        CURRENT.get_or_init(|| {
            leak(
                std::env::current_dir()
                    .map(|d| d.to_string_lossy().into_owned())
                    .unwrap_or_else(|_| ".".to_owned()),
            )
        })
    });
    manifest_dir_at_run_time(fallback)
}

/// [`Spec`] holds `'static` names; a benchmark process names a bounded set of benchmarks.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// One benchmark to run.
pub(crate) struct Run<'a> {
    /// Criterion's full id.
    pub id: String,
    pub mode: RunMode,
    pub quick: bool,
    pub config: Config,
    pub throughput: Option<Throughput>,
    pub manifest_dir: &'static str,
    pub routine: &'a dyn Fn(&mut Bencher),
}

/// Measures (or, in test mode, runs once) one benchmark, prints what it found, and keeps its
/// failure for [`finish`].
pub(crate) fn run(bench: Run<'_>) {
    let mut settings = settings(bench.manifest_dir).clone();
    match bench.mode {
        RunMode::List => return,
        RunMode::Test => {
            settings.mode = Mode::Smoke;
            settings.smoke_reason = TEST_MODE;
        }
        RunMode::Benchmark if bench.quick && settings.mode == Mode::Full => {
            settings.mode = Mode::Quick;
        }
        RunMode::Benchmark => {}
    }
    // Run once (test mode, or a debug build): said as criterion's test mode says it.
    let testing = settings.mode == Mode::Smoke;
    if testing {
        println!("Testing {}", bench.id);
    }
    let mapped = config::map(&bench.config, settings.mode);
    if let Some(threshold) = mapped.threshold {
        settings.rule.threshold = threshold;
    }
    let name = with_process(|p| {
        let name = id::unique(bench.id.clone(), &p.taken);
        p.taken.insert(name.clone());
        name
    });
    let name = leak(name);
    let spec = Spec {
        // The callgrind child is started with `--exact <the path without its first segment>`.
        path: leak(format!("criterion::{name}")),
        name: Some(name),
        manifest_dir: bench.manifest_dir,
        throughput: bench.throughput.and_then(Throughput::to_perfkit),
        samples: mapped.samples,
        warmup_ns: mapped.warmup_ns,
        time_ns: mapped.time_ns,
        alpha: mapped.alpha,
        ..Spec::DEFAULT
    };
    let outcome = execute(&spec, Routine::Closure(bench.routine), &settings);
    print!("{}", outcome.text);
    if testing {
        println!("Success");
    }
    println!();
    let _ = std::io::stdout().flush();
    if let Some(failure) = &outcome.failure {
        eprintln!("error: {failure}");
    }
    with_process(|p| {
        if !outcome.measurements.is_empty() {
            p.measured += 1;
        }
        p.failures.extend(outcome.failure);
    });
}

/// Ends a benchmark process: says how many benchmarks were measured and exits with 1 when any
/// failed (a routine that never called `b.iter`, a confirmed regression under
/// `PERFKIT_GATE=1`, a store that cannot be written).
pub(crate) fn finish() {
    let (measured, failures) = with_process(|p| (p.measured, std::mem::take(&mut p.failures)));
    if measured > 0 {
        println!(
            "perfkit: {measured} benchmark{} measured; `cargo perfkit history` shows them \
             across commits, `cargo perfkit check` gates on them",
            if measured == 1 { "" } else { "s" }
        );
    }
    if !failures.is_empty() {
        eprintln!(
            "error: {} benchmark{} failed:",
            failures.len(),
            if failures.len() == 1 { "" } else { "s" }
        );
        for f in &failures {
            eprintln!("  {}", f.lines().next().unwrap_or_default());
        }
        std::process::exit(1);
    }
}
