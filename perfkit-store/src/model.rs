//! The records that key a result: the [`Commit`] measured, the [`Run`] that measured it, and
//! when ([`Timestamp`]). The result itself is a [`Record`](crate::Record).

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::git::GitContext;
use crate::testbed::Testbed;

/// A git commit as history needs it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Commit {
    /// The full 40-hex-digit SHA.
    pub sha: String,
    /// The parents' full SHAs, first parent first (empty for a root commit).
    pub parents: Vec<String>,
    /// The author time, in seconds since the Unix epoch.
    pub author_time: i64,
    /// The first line of the message.
    pub summary: String,
}

impl Commit {
    /// The first seven hex digits, as `git log --oneline` shows them.
    ///
    /// ```
    /// let c = perfkit_store::Commit {
    ///     sha: "3f2a91c0d4b6a8e0f1c2d3e4f5a6b7c8d9e0f1a2".into(),
    ///     parents: vec![],
    ///     author_time: 0,
    ///     summary: "init".into(),
    /// };
    /// assert_eq!(c.short_sha(), "3f2a91c");
    /// ```
    pub fn short_sha(&self) -> &str {
        &self.sha[..self.sha.len().min(7)]
    }
}

/// A point in time, in milliseconds since the Unix epoch (UTC).
///
/// Milliseconds rather than seconds because several runs of one commit can start within a
/// second, and the newest of them must be told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// Now, from the system clock (a clock before 1970 reads as the epoch).
    pub fn now() -> Timestamp {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        Timestamp(ms)
    }

    /// The timestamp `ms` milliseconds after the epoch.
    pub fn from_unix_ms(ms: i64) -> Timestamp {
        Timestamp(ms)
    }

    /// Milliseconds since the epoch.
    pub fn unix_ms(self) -> i64 {
        self.0
    }

    /// How long before `now` this was, in words: `just now`, `5 minutes ago`, `2 days ago`.
    ///
    /// ```
    /// use perfkit_store::Timestamp;
    /// let then = Timestamp::from_unix_ms(0);
    /// assert_eq!(then.ago(Timestamp::from_unix_ms(2 * 86_400_000 + 5)), "2 days ago");
    /// ```
    pub fn ago(self, now: Timestamp) -> String {
        let secs = (now.0 - self.0).max(0) / 1000;
        let (n, unit) = match secs {
            0..60 => return "just now".to_owned(),
            60..3_600 => (secs / 60, "minute"),
            3_600..86_400 => (secs / 3_600, "hour"),
            _ => (secs / 86_400, "day"),
        };
        format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
    }
}

/// Where a run's results came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// A `#[perf_test]` run by `cargo test`.
    PerfTest,
    /// Results imported from criterion's output.
    Criterion,
    /// A source written by a newer perfkit; kept as stored.
    Other(String),
}

impl Source {
    /// The name stored in the database.
    pub fn as_str(&self) -> &str {
        match self {
            Source::PerfTest => "perf_test",
            Source::Criterion => "criterion",
            Source::Other(name) => name,
        }
    }

    /// Reads a stored name back.
    pub fn parse(name: &str) -> Source {
        match name {
            "perf_test" => Source::PerfTest,
            "criterion" => Source::Criterion,
            other => Source::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One process's measurements at one commit on one testbed: the key shared by its results.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The commit measured; `None` outside a repository or before the first commit.
    pub commit: Option<Commit>,
    /// The machine and toolchain that measured.
    pub testbed: Testbed,
    /// Whether tracked files differed from the commit, so the results do not describe it.
    pub dirty: bool,
    /// The branch checked out; `None` on a detached HEAD or outside a repository.
    pub branch: Option<String>,
    /// When the run started.
    pub started_at: Timestamp,
    /// The version of perfkit that measured.
    pub perfkit_version: String,
    /// What produced the results.
    pub source: Source,
    /// What git could not determine, in one line each (see [`GitContext::notes`]).
    pub notes: Vec<String>,
}

impl Run {
    /// A run starting now, keyed by what `git` found.
    pub fn new(git: &GitContext, testbed: Testbed, perfkit_version: &str, source: Source) -> Run {
        Run {
            commit: git.head().cloned(),
            testbed,
            dirty: git.dirty(),
            branch: git.branch().map(str::to_owned),
            started_at: Timestamp::now(),
            perfkit_version: perfkit_version.to_owned(),
            source,
            notes: git.notes().to_vec(),
        }
    }
}
