//! A small project depending on this repository's perfkit by path, in a temporary git
//! repository, measured at three commits: `initial`, an unrelated `docs` commit, and one that
//! makes `perf::slowed` 3x slower.
//!
//! The scenario runs once per test binary (a `LazyLock`) and every test reads it. Its release
//! build goes to a target directory shared across runs (`<target>/tmp/perfkit-e2e-fixture`),
//! so perfkit's dependencies are compiled once, not per test run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use cargo_perfkit::Context;

/// What one `cargo perfkit` invocation did.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub code: u8,
    pub stdout: String,
    pub stderr: String,
}

/// The fixture after the scenario: three commits measured, `check` run at two of them.
pub struct Scenario {
    pub dir: tempfile::TempDir,
    /// Full SHAs of `initial`, `docs`, `slow` in that order.
    pub commits: [String; 3],
    /// `cargo perfkit run` at each commit.
    pub runs: [Outcome; 3],
    /// `cargo perfkit check` at the `docs` commit (nothing changed).
    pub check_unchanged: Outcome,
    /// `cargo perfkit check` at the `slow` commit.
    pub check_slowed: Outcome,
}

impl Scenario {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `cargo perfkit ARGS` in the fixture.
    pub fn perfkit(&self, args: &[&str]) -> Outcome {
        perfkit(self.path(), args)
    }
}

pub static SCENARIO: LazyLock<Scenario> = LazyLock::new(build);

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The fixture's target directory, which `cargo perfkit` is given as `CARGO_TARGET_DIR`.
pub fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("perfkit-e2e-fixture")
}

/// Runs `cargo perfkit ARGS` in `dir`, with the fixture's target directory for any cargo it
/// starts.
pub fn perfkit(dir: &Path, args: &[&str]) -> Outcome {
    perfkit_with(dir, args, &[])
}

/// As [`perfkit`], with more environment variables.
pub fn perfkit_with(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Outcome {
    let target = target_dir().display().to_string();
    let mut all = vec![("CARGO_TARGET_DIR", target.as_str())];
    all.extend_from_slice(vars);
    let (mut ctx, out) = Context::captured(dir, &all);
    let mut argv = vec!["cargo-perfkit", "perfkit"];
    argv.extend_from_slice(args);
    let code = cargo_perfkit::run(argv, &mut ctx);
    Outcome {
        code,
        stdout: out.stdout(),
        stderr: out.stderr(),
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

fn head(dir: &Path) -> String {
    let out = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(dir)
        .output()
        .expect("git runs");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The perf tests: 40 fixed samples each after a short warm-up, so a run takes well under a
/// second. `FACTOR` multiplies the work of `slowed`.
fn perf_tests(factor: u64) -> String {
    format!(
        r#"use perfkit::{{black_box, perf_test}};

const FACTOR: u64 = {factor};

#[perf_test(samples = 40, warmup = "20ms", time = "200ms")]
fn steady() {{
    black_box(fixture::work(black_box(2_000)));
}}

#[perf_test(samples = 40, warmup = "20ms", time = "200ms")]
fn slowed() {{
    black_box(fixture::work(black_box(2_000 * FACTOR)));
}}
"#
    )
}

fn commit_and_run(dir: &Path, subject: &str) -> (String, Outcome, Duration) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", subject]);
    let start = Instant::now();
    // Three processes per commit, pooled: a single process can land +25% off on a busy
    // 2-core machine; three rarely all do.
    let run = perfkit(dir, &["run", "--rounds", "3"]);
    let took = start.elapsed();
    assert_eq!(run.code, 0, "cargo perfkit run at `{subject}`: {run:#?}");
    (head(dir), run, took)
}

fn build() -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let library = workspace().join("perfkit").canonicalize().unwrap();
    write(
        d,
        "Cargo.toml",
        &format!(
            r#"[package]
name = "fixture"
version = "0.1.0"
edition = "2024"
publish = false

[workspace]

[dev-dependencies]
perfkit = {{ path = {:?} }}

# Only the fixture's own code is measured: its dependencies (perfkit, SQLite, libgit2) build
# faster at opt-level 1, once per target directory.
[profile.release.package."*"]
opt-level = 1
"#,
            library.display().to_string()
        ),
    );
    // The workspace's lock file pins the same dependency versions as the outer build, and
    // spares a registry lookup. It stays untracked: cargo trims it on the first build, which
    // would make the tree, and so the first results, dirty.
    std::fs::copy(workspace().join("Cargo.lock"), d.join("Cargo.lock")).unwrap();
    write(
        d,
        "src/lib.rs",
        "/// Linear work the optimiser cannot fold: `n` dependent multiply-adds.\n\
         pub fn work(n: u64) -> u64 {\n    \
             let mut acc = 0u64;\n    \
             for i in 0..n {\n        \
                 acc = acc.wrapping_mul(31).wrapping_add(std::hint::black_box(i));\n    \
             }\n    \
             acc\n\
         }\n",
    );
    write(d, "tests/perf.rs", &perf_tests(1));
    // A machine shared with other builds drifts by more than 5% between processes; the
    // planted slowdown is +200%, so a 25% threshold keeps the verdicts unmistakable.
    write(d, "perfkit.toml", "threshold = \"25%\"\n");
    write(d, ".gitignore", "/target\n/.perfkit\n/Cargo.lock\n");
    write(
        d,
        "README.md",
        "A fixture for cargo perfkit's end-to-end tests.\n",
    );
    git(d, &["init", "-q", "-b", "main"]);

    let (c1, r1, t1) = commit_and_run(d, "initial");
    write(
        d,
        "README.md",
        "A fixture for cargo perfkit's end-to-end tests.\n\nDocs only.\n",
    );
    let (c2, r2, t2) = commit_and_run(d, "docs: say what the fixture is");
    let check_unchanged = perfkit(d, &["check"]);
    write(d, "tests/perf.rs", &perf_tests(3));
    let (c3, r3, t3) = commit_and_run(d, "slow down `slowed` 3x");
    let check_slowed = perfkit(d, &["check"]);
    eprintln!(
        "e2e fixture: `cargo perfkit run` took {t1:?} (with the build), {t2:?}, {t3:?}\n\
         check at `docs`: {check_unchanged:#?}\ncheck at `slow`: {check_slowed:#?}"
    );
    Scenario {
        dir,
        commits: [c1, c2, c3],
        runs: [r1, r2, r3],
        check_unchanged,
        check_slowed,
    }
}
