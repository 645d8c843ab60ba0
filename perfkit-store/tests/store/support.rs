//! Shared helpers: deterministic records, a fixed testbed, temporary stores and repositories,
//! and child processes.

use std::path::{Path, PathBuf};
use std::process::Command;

use git2::{Oid, Repository, Signature, Time};
use perfkit_store::{
    Commit, Machine, Record, Run, Source, Store, StoredSummary, Testbed, Timestamp,
};

/// The environment variable that turns a run of this binary into a child process.
pub const CHILD_ENV: &str = "PERFKIT_STORE_TEST_CHILD";

/// A testbed that does not depend on the machine running the tests.
pub fn testbed() -> Testbed {
    testbed_named(None)
}

/// The same machine with a chosen name (a different testbed).
pub fn testbed_named(name: Option<&str>) -> Testbed {
    let machine = Machine {
        cpu: "Test CPU 9000".into(),
        cores: 8,
        os: "linux".into(),
        arch: "x86_64".into(),
    };
    Testbed::new(
        machine,
        "rustc 1.95.0 (59807616e 2026-04-14)",
        "release",
        name,
    )
}

/// `n` deterministic samples for `seed`.
pub fn samples(seed: u64, n: usize) -> Vec<f64> {
    (0..n as u64)
        .map(|i| 100.0 + ((seed.wrapping_mul(31).wrapping_add(i * 7)) % 97) as f64 / 8.0)
        .collect()
}

/// A result of `name` with 100 samples derived from `seed`.
pub fn record(name: &str, seed: u64) -> Record {
    let samples = samples(seed, 100);
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    let summary = StoredSummary {
        n: samples.len() as u64,
        mean,
        median: mean,
        min: samples.iter().copied().fold(f64::INFINITY, f64::min),
        max: samples.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        ..StoredSummary::default()
    };
    Record::new(name, summary, 1_000, samples)
}

/// A fake commit with a SHA derived from `n`.
pub fn fake_commit(n: u64) -> Commit {
    Commit {
        sha: format!("{n:040x}"),
        parents: if n == 0 {
            vec![]
        } else {
            vec![format!("{:040x}", n - 1)]
        },
        author_time: 1_700_000_000 + n as i64 * 60,
        summary: format!("commit {n}"),
    }
}

/// A run at `commit` on `testbed`.
pub fn run_at(commit: Option<Commit>, dirty: bool, testbed: &Testbed) -> Run {
    Run {
        commit,
        testbed: testbed.clone(),
        dirty,
        branch: Some("main".into()),
        started_at: Timestamp::now(),
        perfkit_version: "0.1.0".into(),
        source: Source::PerfTest,
        notes: vec![],
    }
}

/// A store in a fresh temporary directory (kept alive by the returned guard).
pub fn temp_store() -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".perfkit").join("history.db");
    let store = Store::open(&path).unwrap();
    (dir, path, store)
}

/// This test binary, run again as a child in `mode`.
pub fn child(mode: &str) -> Command {
    child_at(&std::env::current_exe().unwrap(), mode)
}

/// A copy of this test binary at `program`, run as a child in `mode`.
pub fn child_at(program: &Path, mode: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.args([
        "--exact",
        "child::entry",
        "--nocapture",
        "--test-threads=1",
        "-q",
    ])
    .env(CHILD_ENV, mode);
    cmd
}

/// A git repository in a temporary directory, built commit by commit.
pub struct TestRepo {
    pub dir: tempfile::TempDir,
    pub repo: Repository,
    clock: i64,
}

impl TestRepo {
    pub fn new() -> TestRepo {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        TestRepo {
            dir,
            repo,
            clock: 1_700_000_000,
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `file` with `content` and commits it on HEAD; returns the SHA.
    pub fn commit(&mut self, file: &str, content: &str) -> String {
        let head = self
            .repo
            .head()
            .ok()
            .map(|h| h.peel_to_commit().unwrap().id());
        let parents: Vec<Oid> = head.into_iter().collect();
        self.commit_with_parents(file, content, &parents)
    }

    /// Like [`commit`](Self::commit) with explicit parents (first parent first), moving HEAD.
    pub fn commit_with_parents(&mut self, file: &str, content: &str, parents: &[Oid]) -> String {
        std::fs::write(self.path().join(file), content).unwrap();
        let mut index = self.repo.index().unwrap();
        index.add_path(Path::new(file)).unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        self.clock += 60;
        let sig = Signature::new("Test", "test@example.com", &Time::new(self.clock, 0)).unwrap();
        let parents: Vec<_> = parents
            .iter()
            .map(|p| self.repo.find_commit(*p).unwrap())
            .collect();
        let parent_refs: Vec<_> = parents.iter().collect();
        let id = self
            .repo
            .commit(Some("HEAD"), &sig, &sig, file, &tree, &parent_refs)
            .unwrap();
        id.to_string()
    }

    /// Creates branch `name` at `sha` (without switching to it).
    pub fn branch(&self, name: &str, sha: &str) {
        let commit = self.repo.find_commit(Oid::from_str(sha).unwrap()).unwrap();
        self.repo.branch(name, &commit, true).unwrap();
    }

    /// Switches to branch `name`, making the working tree match it.
    pub fn switch(&self, name: &str) {
        self.repo.set_head(&format!("refs/heads/{name}")).unwrap();
        self.checkout_head();
    }

    /// Detaches HEAD at `sha`.
    pub fn detach(&self, sha: &str) {
        self.repo
            .set_head_detached(Oid::from_str(sha).unwrap())
            .unwrap();
        self.checkout_head();
    }

    fn checkout_head(&self) {
        let mut opts = git2::build::CheckoutBuilder::new();
        opts.force().remove_untracked(false);
        self.repo.checkout_head(Some(&mut opts)).unwrap();
    }
}
