//! Explaining a regression from profiles: for each regressed benchmark, the stored profiles of
//! both sides (kept with their results by `PERFKIT_PROFILE=1` / `cargo perfkit profile`), the
//! functions whose share of the routine grew most, and a differential flame graph. Used by
//! `check --explain`, `ab --explain` and `profile --diff`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use perfkit::profile::{Folded, describe_growth, file_stem, flame, grown};
use perfkit_store::{Commit, ProfileKey, SeriesKey, Store, StoredProfile, Testbed};

use crate::error::CliError;
use crate::render::escape;

/// How many grown functions an explanation lists.
const GROWN: usize = 5;

/// The two commits whose profiles are compared, and where the differential graphs go.
#[derive(Debug)]
pub struct Sides<'a> {
    /// The base commit.
    pub base: &'a Commit,
    /// The head commit.
    pub head: &'a Commit,
    /// The testbed both sides were profiled on.
    pub testbed: &'a Testbed,
    /// The workspace root (`.perfkit/profiles/` is under it).
    pub root: &'a Path,
}

/// The explanation of each series in `keys` (regressed benchmarks), as text: what grew, the
/// differential flame graph's path, or which side lacks a profile and how to take one.
pub fn explain(store: &Store, sides: &Sides<'_>, keys: &[&SeriesKey]) -> Result<String, CliError> {
    let mut text = String::new();
    for key in keys {
        let label = escape::text(&key.to_string());
        let profile_key = ProfileKey {
            benchmark: &key.benchmark,
            size: key.size,
        };
        let base = store.profile_at(&sides.base.sha, sides.testbed, profile_key)?;
        let head = store.profile_at(&sides.head.sha, sides.testbed, profile_key)?;
        let _ = writeln!(
            text,
            "\nexplain {label}: {} → {}",
            sides.base.short_sha(),
            sides.head.short_sha()
        );
        let (base, head) = match (base, head) {
            (Some(b), Some(h)) => (b, h),
            (b, h) => {
                for (missing, commit) in [(b.is_none(), sides.base), (h.is_none(), sides.head)] {
                    if missing {
                        let _ = writeln!(
                            text,
                            "  no profile of it at {} on this testbed: take one there with \
                             `cargo perfkit profile {}` (or `PERFKIT_PROFILE=1 cargo perfkit \
                             run`), or use `cargo perfkit ab {} --explain`, which profiles both \
                             sides",
                            commit.short_sha(),
                            escape::text(&key.benchmark),
                            sides.base.short_sha()
                        );
                    }
                }
                continue;
            }
        };
        let (base_folded, head_folded) = (folded(&base)?, folded(&head)?);
        let growth = grown(&base_folded, &head_folded, GROWN);
        let _ = writeln!(
            text,
            "  functions whose share of the routine grew ({} → {} samples):",
            base.samples, head.samples
        );
        if growth.is_empty() {
            let _ = writeln!(
                text,
                "  none: every function kept or lost share (the routine got slower evenly)"
            );
        } else {
            for line in describe_growth(&growth).lines() {
                let _ = writeln!(text, "  {}", escape::text(line));
            }
        }
        let path = diff_path(sides, key);
        let title = format!(
            "{label}: {} → {}",
            sides.base.short_sha(),
            sides.head.short_sha()
        );
        let subtitle = "red: a larger share of the samples than at the base; blue: smaller";
        let svg = flame::differential_flame_graph(&base_folded, &head_folded, &title, subtitle)
            .map_err(|e| CliError::usage(format!("cannot draw a differential flame graph: {e}")))?;
        write_file(&sides.root.join(&path), &svg)?;
        let _ = writeln!(text, "  differential flame graph: {}", path.display());
    }
    Ok(text)
}

fn folded(p: &StoredProfile) -> Result<Folded, CliError> {
    Folded::parse(&p.folded).map_err(|e| CliError::usage(format!("a stored profile: {e}")))
}

/// `.perfkit/profiles/<head>/<benchmark>-vs-<base>.diff.svg`, relative to the root.
fn diff_path(sides: &Sides<'_>, key: &SeriesKey) -> PathBuf {
    PathBuf::from(".perfkit/profiles")
        .join(sides.head.short_sha())
        .join(format!(
            "{}-vs-{}.diff.svg",
            file_stem(&key.benchmark, key.size),
            sides.base.short_sha()
        ))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(path.parent().expect("a file in a directory"))?;
        std::fs::write(path, bytes)
    };
    write().map_err(|e| {
        CliError::usage(format!(
            "cannot write {}: {e}; check that the directory is writable",
            path.display()
        ))
    })
}
