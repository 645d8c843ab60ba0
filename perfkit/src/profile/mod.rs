//! Profiles: where a perf test's routine spends its time.
//!
//! With `PERFKIT_PROFILE=1` (or `cargo perfkit profile`) a perf test, after its measurement,
//! runs its routine again for a few seconds while `pprof` samples the process's call stacks
//! ([`sampler`]). The frames of the test harness are folded away ([`harness`]), so the
//! stacks start at the user's routine; [`hot`] turns them into each function's share of the
//! samples, and the difference of two profiles into the functions whose share grew; [`flame`]
//! draws flame graphs with `inferno`. Sampling and drawing are IO; folding, shares and growth
//! are pure.
//!
//! ```
//! use perfkit::profile::{Folded, hottest};
//!
//! let folded = Folded::parse("parse;lex 8\nparse 2\n").unwrap();
//! let top = hottest(&folded, 10);
//! assert_eq!(top[0].name, "lex");
//! assert_eq!(top[0].self_share, 0.8);
//! ```

pub mod flame;
mod folded;
pub mod harness;
mod hot;
pub mod sampler;
mod text;

use std::time::Duration;

pub use folded::{Folded, FoldedError};
pub use hot::{Growth, HotFunction, Shares, grown, hottest};
pub use sampler::{ProfilePlan, SAMPLE_INTERVAL};
pub use text::{describe_growth, short_routine_note};

use crate::measure::Allocations;

/// The file name (without extension) of a benchmark's profile at `size`, under
/// `.perfkit/profiles/<short sha>/`: `playbook::parse` at 1000 is `playbook__parse-n1000`.
///
/// ```
/// assert_eq!(perfkit::profile::file_stem("playbook::parse", Some(1000)), "playbook__parse-n1000");
/// assert_eq!(perfkit::profile::file_stem("a/b c", None), "a_b_c");
/// ```
pub fn file_stem(name: &str, size: Option<u64>) -> String {
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
        stem.push_str(&format!("-n{n}"));
    }
    stem
}

/// How many functions a profile lists.
pub const TOP: usize = 10;

/// A routine's profile: its folded stacks and what was learnt while taking them.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The routine's stacks, harness folded away.
    pub folded: Folded,
    /// Samples taken outside the routine (other threads, the harness) and left out.
    pub outside: u64,
    /// Wall time spent sampling.
    pub elapsed: Duration,
    /// Time of one call of the routine, estimated before profiling.
    pub per_call_ns: f64,
    /// Calls per batch of the profiling loop.
    pub batch: u64,
    /// Allocations and bytes per call, and the peak heap of a batch, from the counting
    /// allocator when it is installed.
    pub allocations: Option<Allocations>,
    /// Of the routine's frames, the share without file and line.
    pub unlocated_share: f64,
}

/// Why a routine could not be profiled.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProfileError {
    /// Not a Unix system: pprof samples with SIGPROF.
    #[error("profiling needs a Unix system (it samples with SIGPROF); this one is not")]
    Unsupported,
    /// pprof could not start its timer or read its samples.
    #[error("the profiler could not run: {0}")]
    Start(String),
    /// The binary holds no symbols, so no frame can be named.
    #[error(
        "{unnamed_percent:.0}% of the sampled frames have no name: the test binary's symbols were \
         stripped. Keep them in the profile you test with, in Cargo.toml:\n\n    \
         [profile.release]\n    strip = false\n    debug = \"line-tables-only\"\n\n(`strip = false` \
         keeps function names; `debug = \"line-tables-only\"` also names inlined functions)"
    )]
    SymbolsStripped {
        /// Share of frames without a name, in percent.
        unnamed_percent: f64,
    },
    /// Not one sample landed in the routine.
    #[error(
        "no sample landed in the routine in {elapsed:.1?} ({outside} samples elsewhere in the \
         process): profile longer (`--time 30s`, `PERFKIT_PROFILE_TIME=30s`) or on a less busy \
         machine"
    )]
    NoSamples {
        /// How long it sampled.
        elapsed: Duration,
        /// Samples outside the routine.
        outside: u64,
    },
}

impl Profile {
    /// The routine's samples.
    pub fn samples(&self) -> u64 {
        self.folded.samples()
    }

    /// A profile of what [`sampler::sample`] gave, or why it is unusable.
    pub fn from_sampled(
        sampled: sampler::Sampled,
        allocations: Option<Allocations>,
    ) -> Result<Profile, ProfileError> {
        let stacks = sampled.stacks;
        if stacks.unnamed_share > 0.5 {
            return Err(ProfileError::SymbolsStripped {
                unnamed_percent: stacks.unnamed_share * 100.0,
            });
        }
        if stacks.folded.is_empty() {
            return Err(ProfileError::NoSamples {
                elapsed: sampled.elapsed,
                outside: stacks.outside,
            });
        }
        Ok(Profile {
            folded: stacks.folded,
            outside: stacks.outside,
            elapsed: sampled.elapsed,
            per_call_ns: sampled.per_call_ns,
            batch: sampled.batch,
            allocations,
            unlocated_share: stacks.unlocated_share,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::harness::{RawFrame, RawStack, routine_stacks};
    use super::sampler::Sampled;
    use super::*;

    fn sampled(frames: &[&[Option<&str>]]) -> Sampled {
        let raw: Vec<RawStack> = frames
            .iter()
            .map(|names| RawStack {
                frames: names
                    .iter()
                    .map(|n| RawFrame {
                        name: n.map(str::to_owned),
                        located: false,
                    })
                    .collect(),
                count: 10,
            })
            .collect();
        Sampled {
            stacks: routine_stacks(&raw),
            elapsed: Duration::from_secs(1),
            per_call_ns: 1e7,
            batch: 1,
        }
    }

    /// Issue 15: a stripped binary names no frame; the error says how to keep symbols.
    #[test]
    fn stripped_symbols_say_how_to_keep_them() {
        let e = Profile::from_sampled(sampled(&[&[None, None, None], &[None, None]]), None)
            .unwrap_err();
        assert_eq!(
            e,
            ProfileError::SymbolsStripped {
                unnamed_percent: 100.0
            }
        );
        let text = e.to_string();
        assert!(text.contains("strip = false"), "{text}");
        assert!(text.contains("debug = \"line-tables-only\""), "{text}");
    }

    #[test]
    fn no_sample_in_the_routine_says_to_profile_longer() {
        let e =
            Profile::from_sampled(sampled(&[&[Some("main"), Some("other")]]), None).unwrap_err();
        assert!(
            matches!(e, ProfileError::NoSamples { outside: 10, .. }),
            "{e:?}"
        );
        assert!(e.to_string().contains("--time"), "{e}");
    }

    #[test]
    fn missing_line_tables_are_noted() {
        let p = Profile::from_sampled(
            sampled(&[&[Some("main"), Some(harness::MARKER), Some("work")]]),
            None,
        )
        .unwrap();
        assert!(
            p.to_string().contains("debug = \"line-tables-only\""),
            "{p}"
        );
    }

    /// What a profile prints (the hottest functions, memory, notes), on a synthetic profile.
    #[test]
    fn the_block() {
        let profile = Profile {
            folded: Folded::parse(
                "find_dups;insert;probe 1600\nfind_dups;insert;hash 300\nfind_dups 100\n",
            )
            .unwrap(),
            outside: 12,
            elapsed: Duration::from_secs(10),
            per_call_ns: 250_000.0,
            batch: 40,
            allocations: Some(Allocations {
                allocs: 14.0,
                bytes: 1_572_864.0,
                iters: 40,
                peak_bytes: 1_048_576,
            }),
            unlocated_share: 0.0,
        };
        insta::assert_snapshot!(profile.to_string());
    }
}
