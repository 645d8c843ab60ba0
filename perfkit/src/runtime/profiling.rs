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
use crate::profile::{Profile, ProfilePlan, file_stem, flame};
use crate::spec::Spec;

/// A routine's profile at one size.
pub(super) struct Profiled {
    size: Option<usize>,
    profile: Profile,
}

/// Samples the routine at its largest size (the size where its cost shows most).
pub(super) fn profile(
    spec: &Spec,
    routine: Routine<'_>,
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
    let mut block = format!("profile {name}{size_label}\n{profile}");

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
        .join(file_stem(name, profiled.size.map(|n| n as u64)));
    let svg_path = root.join(relative.with_extension("svg"));
    let folded_path = root.join(relative.with_extension("folded"));
    let subtitle = format!(
        "{} samples in {:.1} s; harness frames folded away",
        profile.samples(),
        profile.elapsed.as_secs_f64()
    );
    let _ = writeln!(
        block,
        "  flame   {} (folded stacks: {})",
        relative.with_extension("svg").display(),
        relative.with_extension("folded").display()
    );
    // The block is also kept beside the graph: `cargo perfkit profile` prints it from there,
    // since the test harness captures a passing test's output.
    let written = flame::flame_graph(&profile.folded, &format!("{name}{size_label}"), &subtitle)
        .and_then(|svg| {
            std::fs::create_dir_all(svg_path.parent().expect("a file in a directory"))?;
            std::fs::write(&svg_path, svg)?;
            std::fs::write(&folded_path, profile.folded.to_string())?;
            std::fs::write(root.join(relative.with_extension("txt")), &block)
        });
    text.push_str(&block);
    match written {
        Ok(()) => {}
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
