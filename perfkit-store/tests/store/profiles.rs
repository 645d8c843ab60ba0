//! Profiles kept with their results (migration 6), on every backend.

use std::num::NonZeroUsize;

use perfkit_store::{ProfileKey, StoredProfile};

use crate::backends::backends;
use crate::support::{fake_commit, record, run_at, testbed, testbed_named};

fn profile(folded: &str) -> StoredProfile {
    StoredProfile {
        folded: folded.to_owned(),
        samples: folded
            .lines()
            .filter_map(|l| l.rsplit_once(' ')?.1.parse::<u64>().ok())
            .sum(),
        peak_bytes: Some(4096),
    }
}

#[test]
fn a_profile_is_read_back_at_its_commit_testbed_benchmark_and_size() {
    for mut store in backends() {
        let tb = testbed();
        let commit = fake_commit(1);
        let mut sized = record("parse", 1);
        sized.size = Some(1000);
        let recorded = store
            .record_run(
                &run_at(Some(commit.clone()), false, &tb),
                &[record("parse", 2), sized],
            )
            .unwrap();
        let key = ProfileKey {
            benchmark: "parse",
            size: Some(1000),
        };
        let p = profile("parse;lex 80\nparse 20\n");
        store.set_profile(recorded.run, key, &p).unwrap();
        assert_eq!(store.profile_at(&commit.sha, &tb, key).unwrap(), Some(p));
        // Another size, another commit, another testbed: none.
        let plain = ProfileKey { size: None, ..key };
        assert_eq!(store.profile_at(&commit.sha, &tb, plain).unwrap(), None);
        let sha2 = fake_commit(2).sha;
        assert_eq!(store.profile_at(&sha2, &tb, key).unwrap(), None);
        let other = testbed_named(Some("other"));
        assert_eq!(store.profile_at(&commit.sha, &other, key).unwrap(), None);
        // Replacing keeps one profile per result.
        let q = profile("parse;lex 1\n");
        store.set_profile(recorded.run, key, &q).unwrap();
        assert_eq!(store.profile_at(&commit.sha, &tb, key).unwrap(), Some(q));
    }
}

#[test]
fn a_profile_needs_its_result() {
    for mut store in backends() {
        let tb = testbed();
        let recorded = store
            .record_run(&run_at(Some(fake_commit(1)), false, &tb), &[record("a", 1)])
            .unwrap();
        let key = ProfileKey {
            benchmark: "b",
            size: None,
        };
        let e = store
            .set_profile(recorded.run, key, &profile("x 1\n"))
            .unwrap_err();
        assert!(e.to_string().contains("no time result of `b`"), "{e}");
    }
}

#[test]
fn the_newest_profile_at_a_commit_wins_and_gc_takes_profiles_with_their_runs() {
    for mut store in backends() {
        let tb = testbed();
        let key = ProfileKey {
            benchmark: "a",
            size: None,
        };
        let old = fake_commit(1);
        for (i, folded) in ["a;old 1\n", "a;new 1\n"].into_iter().enumerate() {
            let run = store
                .record_run(
                    &run_at(Some(old.clone()), false, &tb),
                    &[record("a", i as u64)],
                )
                .unwrap()
                .run;
            store.set_profile(run, key, &profile(folded)).unwrap();
        }
        let newest = store.profile_at(&old.sha, &tb, key).unwrap().unwrap();
        assert_eq!(newest.folded, "a;new 1\n");
        // A newer commit, then prune the old one: its profiles go with its results.
        store
            .record_run(&run_at(Some(fake_commit(2)), false, &tb), &[record("a", 9)])
            .unwrap();
        store.gc(NonZeroUsize::MIN, false).unwrap();
        assert_eq!(store.profile_at(&old.sha, &tb, key).unwrap(), None);
    }
}
