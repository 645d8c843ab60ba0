//! Profiling real routines in-process: fixtures whose shares are known by construction. The
//! shares are asserted with a tolerance many standard errors wide (a share's binomial standard
//! error at 250 samples is under 3.2 points), and the plan keeps sampling until enough samples
//! arrived, so a busy machine makes the test slower, not flaky.

use std::hint::black_box;
use std::time::Duration;

use perfkit::Bencher;
use perfkit::profile::{Profile, ProfilePlan, grown, hottest};

/// Long enough for about 500 samples at 250 Hz; up to four times longer on a busy machine.
const PLAN: ProfilePlan = ProfilePlan {
    time: Duration::from_secs(2),
    min_samples: 500,
};

/// The fewest samples a share is asserted on: its standard error is then at most 3.2 points.
const ENOUGH: u64 = 250;

/// `n` rounds of xorshift the optimiser cannot remove. A `while` loop of plain operators, so
/// that in a debug build no iterator or `wrapping_*` function of std is a frame of its own:
/// each function's own frame holds its work, as in a release build.
macro_rules! spin {
    ($n:expr) => {{
        let n = $n;
        let mut x = black_box(0x9E37_79B9_7F4A_7C15u64);
        let mut i = 0;
        while i < n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            i += 1;
        }
        black_box(x)
    }};
}

#[inline(never)]
fn eighty_percent(units: u64) -> u64 {
    spin!(4 * units)
}

#[inline(never)]
fn twenty_percent(units: u64) -> u64 {
    spin!(units)
}

fn profile(routine: impl FnMut() -> u64) -> Profile {
    let mut b = Bencher::profiling(PLAN);
    let mut routine = routine;
    b.iter(&mut routine);
    let profile = b.take_profile().expect("iter ran").expect("profiled");
    assert!(
        profile.samples() >= ENOUGH,
        "only {} samples in {:?}: the machine gave the test too little CPU time",
        profile.samples(),
        profile.elapsed
    );
    profile
}

/// Issue 15: the function that does 80% of the work is the top entry, within 10 points.
#[test]
fn a_function_doing_80_percent_of_the_work_is_on_top() {
    let p = profile(|| eighty_percent(20_000) ^ twenty_percent(20_000));
    let top = hottest(&p.folded, 10);
    assert!(top[0].name.ends_with("eighty_percent"), "{p}");
    assert!((top[0].self_share - 0.8).abs() <= 0.10, "{p}");
    let second = top.iter().find(|h| h.name.ends_with("twenty_percent"));
    assert!(
        second.is_some_and(|h| (h.self_share - 0.2).abs() <= 0.10),
        "{p}"
    );
    // The harness is folded away: the routine's closure is the root of every stack.
    assert!(
        p.folded
            .stacks()
            .all(|(s, _)| !s.contains("test::run_test")),
        "{}",
        p.folded
    );
}

#[inline(never)]
fn tokenize(units: u64) -> u64 {
    spin!(2 * units)
}

#[inline(never)]
fn parse(units: u64, slowdown: u64) -> u64 {
    spin!(slowdown * units)
}

#[inline(never)]
fn evaluate(units: u64) -> u64 {
    spin!(2 * units)
}

/// Issue 15: the second version makes `parse` 3x slower; the explanation names it first.
#[test]
fn a_function_made_three_times_slower_is_named_first() {
    let version =
        |slowdown: u64| move || tokenize(10_000) ^ parse(10_000, slowdown) ^ evaluate(10_000);
    let base = profile(version(1));
    let head = profile(version(3));
    let g = grown(&base.folded, &head.folded, 5);
    assert!(!g.is_empty(), "base:\n{base}\nhead:\n{head}");
    assert!(g[0].name.ends_with("parse"), "{g:?}");
    // By construction 20% → 43%.
    assert!((g[0].base.self_share - 0.2).abs() <= 0.10, "{g:?}");
    assert!((g[0].head.self_share - 3.0 / 7.0).abs() <= 0.10, "{g:?}");
}

/// Issue 15: a routine far shorter than the gap between samples is profiled in batches, and
/// the profile says so.
#[test]
fn a_short_routine_is_profiled_in_batches_and_says_so() {
    let p = profile(|| twenty_percent(10));
    assert!(p.batch > 1, "{p}");
    let text = p.to_string();
    assert!(text.contains("profiled in batches of"), "{text}");
    assert!(text.contains("samples "), "{text}");
}

/// Allocations per call and the peak heap come with the profile.
#[test]
fn memory_comes_with_the_profile() {
    let mut b = Bencher::profiling(ProfilePlan {
        time: Duration::from_millis(300),
        min_samples: 0,
    });
    b.iter(|| {
        let v: Vec<u8> = Vec::with_capacity(black_box(4096));
        let w: Vec<u8> = Vec::with_capacity(black_box(1024));
        (v.capacity(), w.capacity())
    });
    let p = b.take_profile().unwrap();
    // Sampling for 300 ms may land no sample in so short a routine on a busy machine: only
    // the memory figures are asserted.
    if let Ok(p) = p {
        let a = p.allocations.expect("the counting allocator is installed");
        assert_eq!(a.allocs, 2.0);
        assert_eq!(a.bytes, 5120.0);
        assert_eq!(a.peak_bytes, 5120);
    }
}

mod recorded {
    //! `PERFKIT_PROFILE=1` end to end: a perf test in a child process (one history session per
    //! process, as under `cargo test`) measures, records, profiles, writes the flame graph and
    //! folded stacks under `.perfkit/profiles/<short sha>/`, and keeps the profile with its
    //! result in the store.

    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::time::Duration;

    use perfkit::__private::{Routine, Spec};
    use perfkit::measure::Mode;
    use perfkit::profile::ProfilePlan;
    use perfkit::{Bencher, History, HistoryConfig, Settings, execute};
    use perfkit_store::{DbLocation, GitContext, ProfileKey, Store};

    const CHILD: &str = "PERFKIT_TEST_PROFILE_CHILD";

    fn sized(b: &mut Bencher, n: usize) {
        b.iter(|| super::eighty_percent(n as u64) ^ super::twenty_percent(n as u64));
    }

    #[test]
    #[ignore = "a child process of `a_profiled_test_writes_its_flame_graph_and_keeps_its_profile`"]
    fn child() {
        let repo = PathBuf::from(std::env::var_os(CHILD).expect("run by the parent test"));
        let mut settings = Settings::isolated(Mode::Quick, repo.join("measure.lock"));
        settings.history = History::Record(HistoryConfig {
            db: DbLocation::Sqlite(repo.join(".perfkit/history.db")),
            base: None,
            testbed: Some("profiled".into()),
        });
        settings.profile = Some(ProfilePlan {
            time: Duration::from_millis(500),
            min_samples: 50,
        });
        let spec = Spec {
            path: "profile::sized",
            manifest_dir: Box::leak(repo.to_string_lossy().into_owned().into_boxed_str()),
            sizes: &[100, 20_000],
            ..Spec::DEFAULT
        };
        let outcome = execute(&spec, Routine::Sized(sized), &settings);
        let report = format!(
            "{}\n--- failure\n{}",
            outcome.text,
            outcome.failure.unwrap_or_default()
        );
        std::fs::write(repo.join("out.txt"), report).unwrap();
    }

    fn git(repo: &Path, args: &[&str]) {
        let out = Command::new("git")
            .args(["-c", "user.name=p", "-c", "user.email=p@example.com"])
            .args(args)
            .current_dir(repo)
            .output()
            .expect("git is installed");
        assert!(out.status.success(), "git {args:?}: {out:?}");
    }

    #[test]
    fn a_profiled_test_writes_its_flame_graph_and_keeps_its_profile() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().to_owned();
        git(&repo, &["init", "-q", "-b", "main"]);
        git(&repo, &["commit", "-q", "--allow-empty", "-m", "A"]);
        let status = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "profile::recorded::child", "--ignored"])
            .env(CHILD, &repo)
            .status()
            .unwrap();
        assert!(status.success());
        let out = std::fs::read_to_string(repo.join("out.txt")).unwrap();
        assert!(out.ends_with("--- failure\n"), "{out}");
        // The largest size is profiled.
        assert!(out.contains("profile profile::sized (n = 20000)"), "{out}");
        assert!(out.contains("eighty_percent"), "{out}");
        let head = GitContext::discover(&repo).head().cloned().unwrap();
        let stem = format!(
            ".perfkit/profiles/{}/profile__sized-n20000",
            head.short_sha()
        );
        assert!(out.contains(&format!("{stem}.svg")), "{out}");
        let svg = std::fs::read_to_string(repo.join(format!("{stem}.svg"))).unwrap();
        assert!(svg.contains("eighty_percent"));
        let folded = std::fs::read_to_string(repo.join(format!("{stem}.folded"))).unwrap();

        let store = Store::open(&repo.join(".perfkit/history.db")).unwrap();
        let key = ProfileKey {
            benchmark: "profile::sized",
            size: Some(20_000),
        };
        let testbeds = store.testbeds().unwrap();
        let stored = testbeds
            .iter()
            .find_map(|t| store.profile_at(&head.sha, &t.testbed, key).unwrap())
            .expect("the profile is kept with the result");
        assert_eq!(stored.folded, folded);
    }
}
