//! Git keying and baseline selection in real (temporary) repositories: linear history, a
//! merge, a branch with an explicit base, a dirty tree, a detached HEAD, no repository, a
//! repository without commits, and a shallow clone.

use git2::Oid;
use perfkit_store::{BaselineQuery, Commit, GitContext, Store, StoreError, candidates};

use crate::backends::backends;
use crate::support::{TestRepo, record, run_at, testbed};

/// The commit `sha` as git describes it.
fn commit_of(repo: &TestRepo, sha: &str) -> Commit {
    let c = repo.repo.find_commit(Oid::from_str(sha).unwrap()).unwrap();
    Commit {
        sha: sha.to_owned(),
        parents: c.parent_ids().map(|p| p.to_string()).collect(),
        author_time: c.author().when().seconds(),
        summary: c.summary().unwrap().unwrap_or_default().to_owned(),
    }
}

/// Records one clean (or dirty) run of benchmark `bench` at `sha`.
fn measure(store: &mut Store, repo: &TestRepo, sha: &str, dirty: bool) {
    let run = run_at(Some(commit_of(repo, sha)), dirty, &testbed());
    store.record_run(&run, &[record("bench", 1)]).unwrap();
}

/// The SHA of the baseline `git` gets, by the default rule or against `base`.
fn baseline_sha(store: &Store, git: &GitContext, base: Option<&str>) -> Option<String> {
    let tb = testbed();
    let query = BaselineQuery::new(&tb).benchmark("bench");
    store
        .baseline_for(git, git.head(), git.dirty(), base, &query)
        .unwrap()
        .map(|b| b.commit.sha)
}

#[test]
fn linear_history_takes_the_nearest_ancestor_with_results_never_itself() {
    let mut repo = TestRepo::new();
    let c1 = repo.commit("a.txt", "1");
    let c2 = repo.commit("a.txt", "2");
    let c3 = repo.commit("a.txt", "3");
    let c4 = repo.commit("a.txt", "4");
    for mut store in backends() {
        let git = GitContext::discover(repo.path());
        assert_eq!(git.head().unwrap().sha, c4);
        assert_eq!(git.head().unwrap().parents, vec![c3.clone()]);
        assert!(git.branch().is_some());
        assert!(!git.dirty() && !git.shallow());
        assert_eq!(git.note(), None);
        assert_eq!(
            baseline_sha(&store, &git, None),
            None,
            "an empty store has no baseline"
        );

        measure(&mut store, &repo, &c1, false);
        assert_eq!(baseline_sha(&store, &git, None), Some(c1.clone()));
        measure(&mut store, &repo, &c2, false);
        assert_eq!(baseline_sha(&store, &git, None), Some(c2.clone()));

        // A second clean run at the same commit compares with the parent, not with itself.
        measure(&mut store, &repo, &c4, false);
        assert_eq!(baseline_sha(&store, &git, None), Some(c2.clone()));

        // Dirty results of an ancestor describe no commit and are skipped.
        measure(&mut store, &repo, &c3, true);
        assert_eq!(baseline_sha(&store, &git, None), Some(c2.clone()));

        // An explicit base at the commit itself (merge-base = HEAD) still never picks its own
        // clean results on a clean tree: the runtime and `check` both select this way.
        assert_eq!(baseline_sha(&store, &git, Some("HEAD")), Some(c2.clone()));

        // The runs of earlier commits, for a series' noise: before c2, only c1 has results.
        let tb = testbed();
        let query = BaselineQuery::new(&tb).benchmark("bench");
        let earlier = store.history_before(&git, &c2, 20, &query).unwrap();
        let shas: Vec<&str> = earlier.iter().map(|c| c.commit.sha.as_str()).collect();
        assert_eq!(shas, vec![c1.as_str()]);
        let before_c4 = store.history_before(&git, &c4, 1, &query).unwrap();
        assert_eq!(
            before_c4[0].commit.sha, c2,
            "nearest first, dirty c3 skipped"
        );

        // The first-parent walk and revision resolution.
        let walk: Vec<String> = git.first_parents(&c4).unwrap().collect();
        assert_eq!(walk, vec![c4.clone(), c3.clone(), c2.clone(), c1.clone()]);
        assert_eq!(git.resolve("HEAD~3").unwrap().sha, c1);
        assert_eq!(git.resolve(&c3[..8]).unwrap().sha, c3);
    }
}

#[test]
fn a_merge_follows_the_first_parent_only() {
    let mut repo = TestRepo::new();
    let a = repo.commit("a.txt", "a");
    repo.branch("feature", &a);
    let b = repo.commit("a.txt", "b");
    repo.branch("main-tip", &b);
    repo.switch("feature");
    let f1 = repo.commit("f.txt", "f1");
    repo.switch("main-tip");
    let b_oid = Oid::from_str(&b).unwrap();
    let f1_oid = Oid::from_str(&f1).unwrap();
    let m = repo.commit_with_parents("a.txt", "merged", &[b_oid, f1_oid]);
    for mut store in backends() {
        let git = GitContext::discover(repo.path());
        assert_eq!(git.head().unwrap().sha, m);
        assert_eq!(git.head().unwrap().parents, vec![b.clone(), f1.clone()]);

        // The merged-in branch's results are not on the first-parent line.
        measure(&mut store, &repo, &f1, false);
        measure(&mut store, &repo, &a, false);
        assert_eq!(baseline_sha(&store, &git, None), Some(a.clone()));
        measure(&mut store, &repo, &b, false);
        assert_eq!(baseline_sha(&store, &git, None), Some(b.clone()));
    }
}

#[test]
fn an_explicit_base_searches_from_the_merge_base() {
    let mut repo = TestRepo::new();
    let a = repo.commit("a.txt", "a");
    let b = repo.commit("a.txt", "b");
    let main = repo.repo.head().unwrap().shorthand().unwrap().to_owned();
    repo.branch("feature", &b);
    let c = repo.commit("a.txt", "c");
    repo.switch("feature");
    let f1 = repo.commit("f.txt", "f1");
    let f2 = repo.commit("f.txt", "f2");
    for mut store in backends() {
        measure(&mut store, &repo, &a, false);
        measure(&mut store, &repo, &c, false);
        measure(&mut store, &repo, &f1, false);

        let git = GitContext::discover(repo.path());
        assert_eq!(git.head().unwrap().sha, f2);
        assert_eq!(git.branch(), Some("feature"));
        // Without a base: the branch's own parent.
        assert_eq!(baseline_sha(&store, &git, None), Some(f1.clone()));
        // Against main: merge-base is b (no results), so a; never main's tip c, nor f1.
        assert_eq!(baseline_sha(&store, &git, Some(&main)), Some(a.clone()));
        measure(&mut store, &repo, &b, false);
        assert_eq!(baseline_sha(&store, &git, Some(&main)), Some(b.clone()));
        // A base given by short SHA or as a relative revision resolves the same way.
        assert_eq!(baseline_sha(&store, &git, Some(&c[..10])), Some(b.clone()));
        assert_eq!(baseline_sha(&store, &git, Some("HEAD~2")), Some(b.clone()));

        let err = candidates(&git, git.head(), git.dirty(), Some("no-such-branch")).unwrap_err();
        assert!(matches!(err, StoreError::UnknownRevision { .. }), "{err:?}");
        assert!(err.to_string().contains("no-such-branch"), "{err}");
    }
}

#[test]
fn a_dirty_tree_prefers_its_own_commits_clean_results() {
    let mut repo = TestRepo::new();
    let _c1 = repo.commit("a.txt", "1");
    let c2 = repo.commit("a.txt", "2");
    let c3 = repo.commit("a.txt", "3");

    // Untracked files, and the history database in .perfkit/, do not make a tree dirty.
    std::fs::write(repo.path().join("new.txt"), "untracked").unwrap();
    std::fs::create_dir(repo.path().join(".perfkit")).unwrap();
    std::fs::write(repo.path().join(".perfkit/history.db"), "x").unwrap();
    assert!(!GitContext::discover(repo.path()).dirty());

    std::fs::write(repo.path().join("a.txt"), "edited").unwrap();
    let git = GitContext::discover(repo.path());
    assert!(git.dirty());
    assert_eq!(git.head().unwrap().sha, c3);

    for mut store in backends() {
        measure(&mut store, &repo, &c2, false);
        measure(&mut store, &repo, &c3, true);
        // C's results from a dirty tree are not C: the ancestor is the baseline.
        assert_eq!(baseline_sha(&store, &git, None), Some(c2.clone()));
        measure(&mut store, &repo, &c3, false);
        assert_eq!(baseline_sha(&store, &git, None), Some(c3.clone()));
    }
}

#[test]
fn a_detached_head_still_keys_by_commit_and_says_the_branch_is_unknown() {
    let mut repo = TestRepo::new();
    let c1 = repo.commit("a.txt", "1");
    let c2 = repo.commit("a.txt", "2");
    let c3 = repo.commit("a.txt", "3");
    repo.detach(&c2);
    let git = GitContext::discover(repo.path());
    assert_eq!(git.head().unwrap().sha, c2);
    assert_eq!(git.branch(), None);
    assert!(!git.dirty());
    let note = git.note().unwrap();
    assert!(
        note.contains("detached HEAD") && note.contains(&c2[..7]),
        "{note}"
    );

    for mut store in backends() {
        measure(&mut store, &repo, &c1, false);
        measure(&mut store, &repo, &c3, false);
        assert_eq!(baseline_sha(&store, &git, None), Some(c1.clone()));
    }
}

#[test]
fn outside_a_repository_results_are_recorded_without_a_commit() {
    let dir = tempfile::tempdir().unwrap();
    let git = GitContext::discover(dir.path());
    assert_eq!(git.head(), None);
    assert_eq!(git.branch(), None);
    assert!(git.note().unwrap().contains("not in a git repository"));

    for mut store in backends() {
        let tb = testbed();
        let run =
            perfkit_store::Run::new(&git, tb.clone(), "0.1.0", perfkit_store::Source::PerfTest);
        assert_eq!(run.notes, git.notes());
        store.record_run(&run, &[record("bench", 1)]).unwrap();
        store.record_run(&run, &[record("bench", 2)]).unwrap();
        assert_eq!(baseline_sha(&store, &git, None), None);
        let history = store
            .history(&perfkit_store::HistoryQuery::new("bench", &tb))
            .unwrap();
        assert_eq!(history.len(), 2);
        assert!(history.iter().all(|p| p.commit.is_none()));
        assert!(store.commits().unwrap().is_empty());

        // Without a commit there is nothing to compare, even when a base is named.
        assert_eq!(
            candidates(&git, git.head(), git.dirty(), Some("main"))
                .unwrap()
                .count(),
            0
        );
        let err = git.resolve("main").unwrap_err();
        assert!(matches!(err, StoreError::NoRepository { .. }), "{err:?}");
        assert!(err.to_string().contains("not in one"), "{err}");
    }
}

#[test]
fn a_repository_without_commits_records_without_a_commit() {
    let repo = TestRepo::new();
    std::fs::write(repo.path().join("a.txt"), "staged").unwrap();
    let mut index = repo.repo.index().unwrap();
    index.add_path(std::path::Path::new("a.txt")).unwrap();
    index.write().unwrap();
    let git = GitContext::discover(repo.path());
    assert_eq!(git.head(), None);
    assert!(git.branch().is_some(), "the unborn branch still has a name");
    assert!(git.note().unwrap().contains("no commits yet"));
    for mut store in backends() {
        let run =
            perfkit_store::Run::new(&git, testbed(), "0.1.0", perfkit_store::Source::PerfTest);
        store.record_run(&run, &[record("bench", 1)]).unwrap();
        assert_eq!(baseline_sha(&store, &git, None), None);
    }
}

#[test]
fn a_shallow_clone_searches_only_the_fetched_history() {
    let mut origin = TestRepo::new();
    let c1 = origin.commit("a.txt", "1");
    let c2 = origin.commit("a.txt", "2");
    let c3 = origin.commit("a.txt", "3");
    let c4 = origin.commit("a.txt", "4");
    let clone = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "2"])
        .arg(format!("file://{}", origin.path().display()))
        .arg(clone.path().join("c"))
        .status()
        .unwrap();
    assert!(status.success());
    let path = clone.path().join("c");

    let git = GitContext::discover(&path);
    assert!(git.shallow());
    assert_eq!(git.head().unwrap().sha, c4);
    assert!(git.note().unwrap().contains("shallow clone"));
    let walk: Vec<String> = git.first_parents(&c4).unwrap().collect();
    assert_eq!(walk, vec![c4.clone(), c3.clone()]);

    for mut store in backends() {
        measure(&mut store, &origin, &c1, false);
        measure(&mut store, &origin, &c2, false);
        // c2 has results, but the clone does not know c2 is an ancestor.
        assert_eq!(baseline_sha(&store, &git, None), None);
        measure(&mut store, &origin, &c3, false);
        assert_eq!(baseline_sha(&store, &git, None), Some(c3.clone()));
    }
}

#[test]
fn unrelated_histories_have_no_merge_base_to_compare_against() {
    let mut repo = TestRepo::new();
    let a = repo.commit("a.txt", "a");
    // An orphan branch: HEAD on a branch that does not exist yet, so the commit has no parent.
    repo.repo.set_head("refs/heads/lonely").unwrap();
    repo.commit("b.txt", "b");
    repo.detach(&a);
    let git = GitContext::discover(repo.path());
    let err = candidates(&git, git.head(), git.dirty(), Some("lonely")).unwrap_err();
    assert!(
        matches!(err, StoreError::NoMergeBase { shallow: false, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("no common ancestor"), "{err}");
}
