//! `PERFKIT_PROFILE=1`: after its measurement, a perf test's routine (at its largest size) is
//! sampled ([`crate::profile`]); its flame graph and folded stacks are written under
//! `.perfkit/profiles/<short sha>/`, its hottest functions printed, and its folded stacks kept
//! with the recorded result, so a later regression can be explained.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use perfkit_store::{GitContext, StoredProfile};

use super::history::{self, Series};
use super::settings::Settings;
use super::{Routine, call};
use crate::measure::Bencher;
use crate::profile::{Profile, ProfilePlan, flame};
use crate::spec::Spec;

/// A routine's profile at one size.
pub(super) struct Profiled {
    size: Option<usize>,
    profile: Profile,
}

/// Samples the routine at its largest size (the size where its cost shows most).
pub(super) fn profile(
    spec: &Spec,
    routine: Routine,
    plan: ProfilePlan,
) -> Result<Profiled, String> {
    let name = spec.benchmark_name();
    let size = match routine {
        Routine::Sized(_) => spec.sizes.iter().copied().max(),
        _ => None,
    };
    let mut b = Bencher::profiling(plan);
    call(routine, &mut b, size);
    match b.take_profile() {
        Some(Ok(profile)) => Ok(Profiled { size, profile }),
        Some(Err(e)) => Err(format!("perf test `{name}` could not be profiled: {e}")),
        None => Err(super::misuse(name, b.iter_calls())),
    }
}

/// Writes the flame graph and folded stacks, keeps the profile with the recorded result, and
/// appends its block to `text`.
pub(super) fn keep(
    spec: &Spec,
    settings: &Settings,
    profiled: &Profiled,
    text: &mut String,
) -> Result<(), String> {
    let name = spec.benchmark_name();
    let series = Series::of(spec);
    let profile = &profiled.profile;
    let size_label = profiled
        .size
        .map(|n| format!(" (n = {n})"))
        .unwrap_or_default();
    let _ = writeln!(text, "profile {name}{size_label}");
    text.push_str(&profile.to_string());

    let root = perfkit_store::workspace_root(Path::new(spec.manifest_dir));
    let commit = history::head_commit(&settings.history, series).or_else(|| {
        GitContext::discover(Path::new(spec.manifest_dir))
            .head()
            .cloned()
    });
    let dir_name = commit.map_or_else(|| "no-commit".to_owned(), |c| c.short_sha().to_owned());
    let relative = PathBuf::from(".perfkit")
        .join("profiles")
        .join(dir_name)
        .join(file_stem(name, profiled.size));
    let svg_path = root.join(relative.with_extension("svg"));
    let folded_path = root.join(relative.with_extension("folded"));
    let subtitle = format!(
        "{} samples in {:.1} s; harness frames folded away",
        profile.samples(),
        profile.elapsed.as_secs_f64()
    );
    let written = flame::flame_graph(&profile.folded, &format!("{name}{size_label}"), &subtitle)
        .and_then(|svg| {
            std::fs::create_dir_all(svg_path.parent().expect("a file in a directory"))?;
            std::fs::write(&svg_path, svg)?;
            std::fs::write(&folded_path, profile.folded.to_string())
        });
    match written {
        Ok(()) => {
            let _ = writeln!(
                text,
                "  flame   {} (folded stacks: {})",
                relative.with_extension("svg").display(),
                relative.with_extension("folded").display()
            );
        }
        Err(e) => {
            return Err(format!(
                "perf test `{name}`: cannot write its profile to {}: {e}",
                svg_path.display()
            ));
        }
    }
    let stored = StoredProfile {
        folded: profile.folded.to_string(),
        samples: profile.samples(),
        peak_bytes: profile.allocations.map(|a| a.peak_bytes),
    };
    history::record_profile(&settings.history, series, profiled.size, &stored)
}

/// A file name for a benchmark and size: `playbook::parse` at 1000 is `playbook__parse-n1000`.
pub(crate) fn file_stem(name: &str, size: Option<usize>) -> String {
    let mut stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Some(n) = size {
        let _ = write!(stem, "-n{n}");
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_plain() {
        assert_eq!(
            file_stem("playbook::parse", Some(1000)),
            "playbook__parse-n1000"
        );
        assert_eq!(file_stem("a/b c", None), "a_b_c");
    }
}
