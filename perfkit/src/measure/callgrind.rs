//! Instruction counts under Valgrind's callgrind (`PERFKIT=instructions`).
//!
//! Wall time on a shared machine moves by percents between processes; the instructions a
//! routine executes barely move. So in instructions mode a perf test does not time its routine:
//! it re-executes its own test binary under
//! `valgrind --tool=callgrind --cache-sim=yes --collect-atstart=no --toggle-collect=…`,
//! once per replicate ([`CHILD_RUNS`]) and size, with `--exact <test>` and [`CHILD_ENV`] set.
//! The child (see [`child_size`]) runs the routine once as a warm-up, then [`ITERATIONS`]
//! times inside [`perfkit_callgrind_counted`], the only function whose execution callgrind
//! collects: setup, the harness and every other test are not counted. No client requests are
//! needed (they would take `unsafe` code, which the workspace forbids).
//!
//! The parent reads the output file's `totals:` line ([`Counts::parse`]) and records four
//! metrics per iteration ([`Counts::per_iteration`]): `instructions` (Ir), `l1_misses`
//! (I1mr + D1mr + D1mw), `ll_misses` (ILmr + DLmr + DLmw) and `estimated_cycles`, by the
//! formula gungraun (iai-callgrind) documents:
//!
//! ```text
//! RAM hits  = ILmr + DLmr + DLmw
//! LL hits   = (I1mr + D1mr + D1mw) − RAM hits
//! L1 hits   = (Ir + Dr + Dw) − (I1mr + D1mr + D1mw)
//! estimated cycles = L1 hits + 5 · LL hits + 35 · RAM hits
//! ```
//!
//! The cache geometry is callgrind's guess for this CPU, so results compare within a testbed
//! only, as every result does.
//!
//! Limits: callgrind's collection state is per thread, so only the thread that calls `b.iter`
//! is counted; work the routine hands to other threads (rayon's pool, an async runtime's
//! workers) is not. (`playbook::parallel::rayon` counts about a thousand instructions: the
//! hand-off, not the work.) `iter_custom` routines are counted with their own clock reads.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

/// Iterations counted per child run (after one uncounted warm-up call). Counts hardly vary, so
/// a few iterations suffice; each costs 50–100x its native time under callgrind.
pub const ITERATIONS: u64 = 5;

/// Child processes (replicates) per size: each gives one sample of every metric, so a result
/// holds [`CHILD_RUNS`] samples and its spread is the process-to-process spread (hash seeds,
/// allocator state, environment) that is the whole noise of a count.
pub const CHILD_RUNS: usize = 3;

/// Set in the child's environment: the size to run (empty for an unsized test).
pub const CHILD_ENV: &str = "PERFKIT_CALLGRIND_CHILD";

/// Set in the child's environment when it counts one variant of a
/// [`Comparison`](crate::Comparison): `<variant index> <comparison name>` (the index first, so
/// any name reads back whole).
pub const VARIANT_ENV: &str = "PERFKIT_CALLGRIND_VARIANT";

/// The counted function's name, as `--toggle-collect` matches it (the demangled name contains
/// it; the wildcards cover the module path and the hash).
const TOGGLE: &str = "*perfkit_callgrind_counted*";

/// The metrics recorded in instructions mode, in this order.
pub const METRICS: [&str; 4] = crate::compare::COUNT_METRICS;

/// Runs `counted` with callgrind's collection on: the one function `--toggle-collect` names.
/// `#[inline(never)]` keeps it a function of its own, so its entry and exit are visible; the
/// `dyn` keeps it one function (not one per closure type).
#[inline(never)]
pub fn perfkit_callgrind_counted(counted: &mut dyn FnMut()) {
    counted();
}

/// Why instructions could not be counted.
#[derive(Debug, thiserror::Error)]
pub enum CallgrindError {
    /// Valgrind supports other platforms, but perfkit's counting is set up for these only.
    #[error(
        "instruction counts (PERFKIT=instructions) are not supported here ({os}/{arch}): they \
         need Valgrind on Linux x86_64 or aarch64; use the default timing mode on this machine"
    )]
    NotSupported {
        /// `std::env::consts::OS`.
        os: &'static str,
        /// `std::env::consts::ARCH`.
        arch: &'static str,
    },
    /// `valgrind` is not on `PATH`.
    #[error(
        "instruction counts need Valgrind, and `valgrind` was not found on PATH: install the \
         `valgrind` package (`apt-get install valgrind` on Debian/Ubuntu), or run without \
         PERFKIT=instructions / --metric instructions"
    )]
    ValgrindMissing,
    /// Valgrind or the test binary could not be started.
    #[error("cannot start `valgrind` on {}: {source}", exe.display())]
    Spawn {
        /// The test binary.
        exe: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The child run failed (the routine panicked under Valgrind, or Valgrind refused).
    #[error("the run under callgrind failed ({status}); its output ends with:\n{output}")]
    ChildFailed {
        /// The exit status.
        status: String,
        /// The last lines of its stdout and stderr.
        output: String,
    },
    /// The output file is missing or unreadable.
    #[error("cannot read callgrind's output {}: {source}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The output file lacks an event the metrics need, or a number is not a number.
    #[error("callgrind's output is not as expected: {what}")]
    Malformed {
        /// What was wrong.
        what: String,
    },
    /// The toggled function never ran: the test did not reach `b.iter*`, or the test name
    /// matched no test.
    #[error(
        "callgrind counted nothing: the routine never ran inside perfkit's counted function \
         (is `{test}` the test's name as `cargo test -- --exact` sees it?)"
    )]
    NothingCounted {
        /// The test name passed to the child.
        test: String,
    },
}

/// Callgrind's totals for the counted function (every event of `--cache-sim=yes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Instructions executed (I1 cache reads).
    pub ir: u64,
    /// Data reads.
    pub dr: u64,
    /// Data writes.
    pub dw: u64,
    /// I1 read misses.
    pub i1mr: u64,
    /// D1 read misses.
    pub d1mr: u64,
    /// D1 write misses.
    pub d1mw: u64,
    /// LL instruction read misses.
    pub ilmr: u64,
    /// LL data read misses.
    pub dlmr: u64,
    /// LL data write misses.
    pub dlmw: u64,
}

impl Counts {
    /// Reads the `events:` header and the `totals:` line (or `summary:` when there is no
    /// `totals:`) of a callgrind output file.
    pub fn parse(text: &str) -> Result<Counts, CallgrindError> {
        let malformed = |what: String| CallgrindError::Malformed { what };
        let line = |key: &str| {
            text.lines()
                .rev()
                .find_map(|l| l.strip_prefix(key))
                .map(str::split_whitespace)
        };
        let events: Vec<&str> = line("events:")
            .ok_or_else(|| malformed("no `events:` line".into()))?
            .collect();
        let values: Vec<u64> = line("totals:")
            .or_else(|| line("summary:"))
            .ok_or_else(|| malformed("no `totals:` or `summary:` line".into()))?
            .map(|v| v.parse::<u64>())
            .collect::<Result<_, _>>()
            .map_err(|e| malformed(format!("a total is not a count: {e}")))?;
        let get = |name: &str| {
            events
                .iter()
                .position(|e| *e == name)
                // Callgrind leaves out trailing zeros of a cost line.
                .map(|i| values.get(i).copied().unwrap_or(0))
                .ok_or_else(|| {
                    malformed(format!(
                        "no `{name}` event (events: {}); was --cache-sim=yes given?",
                        events.join(" ")
                    ))
                })
        };
        Ok(Counts {
            ir: get("Ir")?,
            dr: get("Dr")?,
            dw: get("Dw")?,
            i1mr: get("I1mr")?,
            d1mr: get("D1mr")?,
            d1mw: get("D1mw")?,
            ilmr: get("ILmr")?,
            dlmr: get("DLmr")?,
            dlmw: get("DLmw")?,
        })
    }

    /// L1 misses: I1mr + D1mr + D1mw.
    pub fn l1_misses(&self) -> u64 {
        self.i1mr + self.d1mr + self.d1mw
    }

    /// Last-level misses (RAM hits): ILmr + DLmr + DLmw.
    pub fn ll_misses(&self) -> u64 {
        self.ilmr + self.dlmr + self.dlmw
    }

    /// gungraun's estimate: L1 hits + 5 · LL hits + 35 · RAM hits (see the module doc).
    pub fn estimated_cycles(&self) -> u64 {
        let accesses = self.ir + self.dr + self.dw;
        let l1_hits = accesses.saturating_sub(self.l1_misses());
        let ll_hits = self.l1_misses().saturating_sub(self.ll_misses());
        l1_hits + 5 * ll_hits + 35 * self.ll_misses()
    }

    /// Each of [`METRICS`] divided by `iterations`.
    pub fn per_iteration(&self, iterations: u64) -> [(&'static str, f64); 4] {
        let per = |v: u64| v as f64 / iterations.max(1) as f64;
        [
            (METRICS[0], per(self.ir)),
            (METRICS[1], per(self.l1_misses())),
            (METRICS[2], per(self.ll_misses())),
            (METRICS[3], per(self.estimated_cycles())),
        ]
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Ir {} Dr {} Dw {} I1mr {} D1mr {} D1mw {} ILmr {} DLmr {} DLmw {}",
            self.ir,
            self.dr,
            self.dw,
            self.i1mr,
            self.d1mr,
            self.d1mw,
            self.ilmr,
            self.dlmr,
            self.dlmw
        )
    }
}

/// The environment variable that names the case a child counts, for a test that is several
/// benchmarks (`types`, `args`): each child runs the whole test function, and counts only this
/// one of its cases.
pub const CASE_ENV: &str = "PERFKIT_CALLGRIND_CASE";

/// In a child run: the benchmark name of the case to count.
pub fn child_case() -> Option<String> {
    std::env::var(CASE_ENV).ok()
}

/// In a child run: `Some(size)` (`Some(None)` for an unsized test) when this process is one
/// that a perf test started under callgrind, `None` otherwise.
pub fn child_size() -> Option<Option<usize>> {
    let value = std::env::var(CHILD_ENV).ok()?;
    Some(value.trim().parse().ok())
}

/// In a child run that counts a variant of a [`Comparison`](crate::Comparison): the variant's
/// index and the comparison's name; `None` otherwise.
pub fn child_variant() -> Option<(usize, String)> {
    let value = std::env::var(VARIANT_ENV).ok()?;
    let (index, name) = value.split_once(' ')?;
    Some((index.parse().ok()?, name.to_owned()))
}

/// Whether this platform can count: Linux on x86_64 or aarch64, with `valgrind` on `PATH`.
pub fn check_supported() -> Result<(), CallgrindError> {
    use std::env::consts::{ARCH, OS};
    if OS != "linux" || !matches!(ARCH, "x86_64" | "aarch64") {
        return Err(CallgrindError::NotSupported { os: OS, arch: ARCH });
    }
    match Command::new("valgrind").arg("--version").output() {
        Ok(out) if out.status.success() => Ok(()),
        Ok(_) => Err(CallgrindError::ValgrindMissing),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(CallgrindError::ValgrindMissing),
        Err(source) => Err(CallgrindError::Spawn {
            exe: "valgrind".into(),
            source,
        }),
    }
}

/// For test suites that need Valgrind: `true` when callgrind can count here; `false` (after
/// printing why) when Valgrind is missing or the platform is not supported, unless `CI=true`
/// or `PERFKIT_REQUIRE_TOOLS=1` require it (CI installs Valgrind, so there the tests must run):
/// then it panics with the reason.
///
/// # Panics
///
/// As said, and when `valgrind --version` cannot be started for another reason.
#[doc(hidden)]
pub fn available_for_tests() -> bool {
    match check_supported() {
        Ok(()) => true,
        Err(e @ (CallgrindError::ValgrindMissing | CallgrindError::NotSupported { .. })) => {
            let required = std::env::var("CI").is_ok_and(|v| v == "true")
                || std::env::var("PERFKIT_REQUIRE_TOOLS").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "Valgrind is required here (CI or PERFKIT_REQUIRE_TOOLS=1): {e}"
            );
            println!("skipped: {e}");
            false
        }
        Err(e) => panic!("{e}"),
    }
}

/// The name libtest gives the test at `path` (`module_path!()::fn_name`): the path without its
/// crate.
pub fn test_name(path: &str) -> &str {
    path.split_once("::").map_or(path, |(_, rest)| rest)
}

/// Runs test `test` of this test binary once under callgrind, counting its case named `case`
/// at `size`, and returns the counts of its [`ITERATIONS`] counted iterations.
pub fn count(test: &str, case: &str, size: Option<usize>) -> Result<Counts, CallgrindError> {
    count_in_child(test, case, size, None)
}

/// Runs test `test` once under callgrind, counting only variant `index` of its
/// [`Comparison`](crate::Comparison) called `comparison`, at `size`.
pub fn count_variant(
    test: &str,
    size: usize,
    comparison: &str,
    index: usize,
) -> Result<Counts, CallgrindError> {
    // The case is for perf tests; a comparison's test runs none, so none is named.
    count_in_child(test, "", Some(size), Some(format!("{index} {comparison}")))
}

/// [`count`] with [`VARIANT_ENV`] set to `variant` when given.
fn count_in_child(
    test: &str,
    case: &str,
    size: Option<usize>,
    variant: Option<String>,
) -> Result<Counts, CallgrindError> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let exe = std::env::current_exe().map_err(|source| CallgrindError::Spawn {
        exe: "the test binary".into(),
        source,
    })?;
    let out_file = std::env::temp_dir().join(format!(
        "perfkit-callgrind-{}-{}.out",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--cache-sim=yes")
        .arg("--collect-atstart=no")
        .arg(format!("--toggle-collect={TOGGLE}"))
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(&exe)
        .args(["--exact", test, "--include-ignored", "--test-threads=1"])
        .env(CHILD_ENV, size.map(|n| n.to_string()).unwrap_or_default())
        .env(CASE_ENV, case)
        .envs(variant.map(|v| (VARIANT_ENV, v)))
        .output()
        .map_err(|source| match source.kind() {
            io::ErrorKind::NotFound => CallgrindError::ValgrindMissing,
            _ => CallgrindError::Spawn {
                exe: exe.clone(),
                source,
            },
        })?;
    let text = std::fs::read_to_string(&out_file);
    let _ = std::fs::remove_file(&out_file);
    if !output.status.success() {
        return Err(CallgrindError::ChildFailed {
            status: output.status.to_string(),
            output: tail(&output.stdout, &output.stderr),
        });
    }
    let counts = Counts::parse(&text.map_err(|source| CallgrindError::Unreadable {
        path: out_file.clone(),
        source,
    })?)?;
    if counts.ir == 0 {
        return Err(CallgrindError::NothingCounted {
            test: test.to_owned(),
        });
    }
    Ok(counts)
}

/// The last lines of a child's output, for a failure message.
fn tail(stdout: &[u8], stderr: &[u8]) -> String {
    const LINES: usize = 20;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(stdout),
        String::from_utf8_lossy(stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(LINES)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_names_drop_the_crate() {
        assert_eq!(
            test_name("perfkit_examples::search::linear"),
            "search::linear"
        );
        assert_eq!(test_name("solo"), "solo");
    }

    #[test]
    fn estimated_cycles_follow_gungraun() {
        let c = Counts {
            ir: 1000,
            dr: 300,
            dw: 100,
            i1mr: 10,
            d1mr: 20,
            d1mw: 5,
            ilmr: 2,
            dlmr: 3,
            dlmw: 1,
        };
        // L1 hits 1400 − 35 = 1365; LL hits 35 − 6 = 29; RAM 6.
        assert_eq!(c.estimated_cycles(), 1365 + 5 * 29 + 35 * 6);
        assert_eq!(c.l1_misses(), 35);
        assert_eq!(c.ll_misses(), 6);
    }

    /// A real output: `valgrind --tool=callgrind --cache-sim=yes --collect-atstart=no
    /// --toggle-collect=*perfkit_callgrind_counted* …` on the runtime tests' `callgrind::child_n`
    /// (5 × 10 000 rounds of a multiply-add). Its totals leave out the trailing zeros.
    #[test]
    fn a_real_output_file_parses_into_metrics() {
        let text = include_str!("../../tests/fixtures/callgrind.out");
        let counts = Counts::parse(text).unwrap();
        assert_eq!(
            counts,
            Counts {
                ir: 350_087,
                dr: 50_018,
                dw: 50_021,
                i1mr: 3,
                d1mr: 1,
                d1mw: 0,
                ilmr: 3,
                dlmr: 0,
                dlmw: 0,
            }
        );
        let per = counts.per_iteration(5);
        assert_eq!(per[0], ("instructions", 350_087.0 / 5.0));
        assert_eq!(per[1], ("l1_misses", 4.0 / 5.0));
        assert_eq!(per[2], ("ll_misses", 3.0 / 5.0));
        // L1 hits 450 126 − 4, LL hits 4 − 3, RAM hits 3.
        assert_eq!(
            per[3],
            ("estimated_cycles", (450_122.0 + 5.0 + 105.0) / 5.0)
        );
    }

    #[test]
    fn a_missing_event_says_cache_sim() {
        let err = Counts::parse("events: Ir\ntotals: 100\n").unwrap_err();
        assert!(err.to_string().contains("--cache-sim=yes"), "{err}");
    }
}
