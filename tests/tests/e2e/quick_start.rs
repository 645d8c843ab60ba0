//! The README's Quick start, done as a newcomer does it: `cargo perfkit` installed from a clone
//! into a temporary root, a new crate outside this repository set up with the README's
//! snippets word for word, committed, then `cargo test --release` and `cargo perfkit run`.
//!
//! Both builds go to a target directory kept across runs (`<target>/tmp/perfkit-e2e-quickstart`),
//! so perfkit's dependencies are compiled once per machine, not once per test run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use super::readme::{blocks, readme, section};

/// The newcomer's own code, which the Quick start's perf tests call. Not from the README: it is
/// what a user has before reading it. `parse` does not allocate (the snippet budgets
/// `max_allocs = 0`).
const LIB_RS: &str = r#"
pub fn search(query: &str) -> Option<usize> {
    const INDEX: [&str; 4] = ["boots", "sandals", "shoes", "socks"];
    INDEX.binary_search(&query).ok()
}

pub fn fixture() -> String {
    "GET /index.html HTTP/1.1 Host: example.com".repeat(10)
}

pub fn parse(input: &str) -> usize {
    input.split(' ').filter(|w| w.starts_with('/')).count()
}

pub fn data(n: usize) -> Vec<u64> {
    (0..n as u64).map(|i| i * 7919 % 1_000).collect()
}

pub fn find_duplicates(v: &[u64]) -> Vec<u64> {
    let mut seen = std::collections::HashSet::new();
    v.iter().copied().filter(|x| !seen.insert(*x)).collect()
}
"#;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

pub(super) fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("perfkit-e2e-quickstart")
}

/// A command with this test's own settings removed: a user's shell has no `PERFKIT_*` set, and
/// builds go to the shared target directory.
pub(super) fn command(program: impl AsRef<std::ffi::OsStr>, dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("CARGO_MANIFEST_DIR");
    for (key, _) in std::env::vars() {
        if key.starts_with("PERFKIT") {
            cmd.env_remove(key);
        }
    }
    cmd
}

pub(super) fn check(what: &str, out: Output) -> Output {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn shell(line: &str, dir: &Path, vars: &[(&str, &Path)]) -> Output {
    let mut cmd = command("sh", dir);
    cmd.args(["-c", line]);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    check(
        &format!("`{line}` in {}", dir.display()),
        cmd.output().unwrap(),
    )
}

#[test]
fn the_readme_quick_start_works_verbatim_in_a_new_crate() {
    let started = Instant::now();
    let readme = readme();
    let quick = section(&readme, "Quick start");
    let sh = blocks(quick, "sh");
    let toml = blocks(quick, "toml");
    let rust = blocks(quick, "rust");
    assert_eq!(
        (sh.len(), toml.len()),
        (2, 1),
        "Quick start blocks: {quick}"
    );
    assert!(rust.len() >= 2, "the perf tests and the allocator: {quick}");

    // The README's layout: the clone of perfkit beside the user's crate. The clone is this
    // repository (a link: `git clone` would fetch the published one, not this tree).
    let home = tempfile::tempdir().unwrap();
    let beside = home.path();
    std::os::unix::fs::symlink(repository(), beside.join("perfkit")).unwrap();
    let root = beside.join("cargo-root");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());

    let mut install = sh[0].lines().filter(|l| !l.trim().is_empty());
    let clone = install.next().unwrap();
    assert!(clone.starts_with("git clone "), "{clone}");
    for line in install {
        // CARGO_INSTALL_ROOT keeps the binary out of this machine's ~/.cargo/bin.
        shell(line, beside, &[("CARGO_INSTALL_ROOT", &root)]);
    }
    let installed = started.elapsed();
    let cargo_perfkit = root.join("bin/cargo-perfkit");
    assert!(
        cargo_perfkit.is_file(),
        "{} was not installed",
        cargo_perfkit.display()
    );

    check(
        "cargo new",
        command(&cargo, beside)
            .args(["new", "--lib", "--vcs", "git", "my-crate"])
            .output()
            .unwrap(),
    );
    let krate = beside.join("my-crate");
    let manifest = krate.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push('\n');
    text.push_str(&toml[0]);
    std::fs::write(&manifest, text).unwrap();
    std::fs::write(krate.join("src/lib.rs"), LIB_RS).unwrap();
    std::fs::create_dir_all(krate.join("tests")).unwrap();
    std::fs::write(krate.join("tests/perf.rs"), rust.join("\n")).unwrap();
    for line in sh[1].lines().filter(|l| !l.trim().is_empty()) {
        shell(line, &krate, &[]);
    }
    // This workspace's lock file pins the versions its own build compiled (cargo trims the
    // rest on the first build), so the shared target directory is reused and no registry
    // lookup is needed.
    std::fs::copy(repository().join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();

    let test = check(
        "cargo test --release -- --show-output",
        command(&cargo, &krate)
            .args(["test", "--release", "--", "--show-output"])
            .output()
            .unwrap(),
    );
    let tested = started.elapsed();
    let stdout = String::from_utf8_lossy(&test.stdout);
    for block in [
        "perf perf::search_is_fast",
        "perf perf::parse_request",
        "perf perf::dedup (n = 16000)",
    ] {
        assert!(stdout.contains(block), "no `{block}` block in:\n{stdout}");
    }

    shell("git add -A && git commit -q -m 'perf tests'", &krate, &[]);
    let run = check(
        "cargo perfkit run",
        command(&cargo_perfkit, &krate)
            .args(["perfkit", "run"])
            .output()
            .unwrap(),
    );
    let table = String::from_utf8_lossy(&run.stdout);
    assert!(table.contains("this run"), "no comparison table:\n{table}");
    for name in [
        "perf::search_is_fast",
        "perf::parse_request",
        "perf::dedup (n = 1000)",
    ] {
        assert!(
            table.contains(name),
            "`{name}` missing from the table:\n{table}"
        );
    }
    assert!(
        krate.join(".perfkit/history.db").is_file(),
        "nothing recorded in the crate's .perfkit/"
    );
    let status = check(
        "git status",
        command("git", &krate)
            .args(["status", "--porcelain"])
            .output()
            .unwrap(),
    );
    assert_eq!(
        String::from_utf8_lossy(&status.stdout),
        "",
        "the Quick start leaves the work tree clean (.perfkit/ ignored)"
    );
    eprintln!(
        "quick start: installed after {installed:?}, tested after {tested:?}, done after {:?}",
        started.elapsed()
    );
}
