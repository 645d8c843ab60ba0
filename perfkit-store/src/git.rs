//! [`GitContext`]: which commit a run measured, on which branch, whether the tree was dirty,
//! and the first-parent history and merge-bases that baseline selection walks.
//!
//! Discovery never fails: outside a repository, before the first commit, on a detached HEAD or
//! in a shallow clone it still answers, and adds a one-line note saying what it could not
//! determine.

use std::fmt;
use std::path::{Path, PathBuf};

use git2::{ErrorCode, Oid, Repository, StatusOptions};

use crate::error::StoreError;
use crate::model::Commit;

/// What git says about the working tree a run measures.
pub struct GitContext {
    dir: PathBuf,
    repo: Option<Repository>,
    head: Option<Commit>,
    branch: Option<String>,
    dirty: bool,
    shallow: bool,
    notes: Vec<String>,
}

impl fmt::Debug for GitContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitContext")
            .field("repo", &self.repo.as_ref().map(Repository::path))
            .field("head", &self.head)
            .field("branch", &self.branch)
            .field("dirty", &self.dirty)
            .field("shallow", &self.shallow)
            .field("notes", &self.notes)
            .finish()
    }
}

impl GitContext {
    /// Looks for the repository containing `dir` (the tested crate's manifest directory) and
    /// reads HEAD, the branch and the dirty state of tracked files.
    pub fn discover(dir: &Path) -> GitContext {
        let mut ctx = GitContext {
            dir: dir.to_owned(),
            repo: None,
            head: None,
            branch: None,
            dirty: false,
            shallow: false,
            notes: Vec::new(),
        };
        let repo = match Repository::discover(dir) {
            Ok(repo) => repo,
            Err(e) if e.code() == ErrorCode::NotFound => {
                ctx.notes.push(format!(
                    "{} is not in a git repository: results are recorded without a commit",
                    dir.display()
                ));
                return ctx;
            }
            Err(e) => {
                ctx.notes.push(format!(
                    "the git repository around {} cannot be read ({}): results are recorded \
                     without a commit",
                    dir.display(),
                    e.message()
                ));
                return ctx;
            }
        };
        ctx.read_head(&repo);
        ctx.read_dirty(&repo);
        ctx.shallow = repo.is_shallow();
        if ctx.shallow {
            ctx.notes.push(
                "shallow clone: commits before the oldest fetched one are unknown, so no baseline \
                 is searched beyond it"
                    .to_owned(),
            );
        }
        ctx.repo = Some(repo);
        ctx
    }

    fn read_head(&mut self, repo: &Repository) {
        let head = match repo.head() {
            Ok(head) => head,
            Err(e) if e.code() == ErrorCode::UnbornBranch => {
                self.branch = repo
                    .find_reference("HEAD")
                    .ok()
                    .and_then(|r| r.symbolic_target().ok().flatten().map(str::to_owned))
                    .map(|t| t.trim_start_matches("refs/heads/").to_owned());
                self.notes.push(
                    "the repository has no commits yet: results are recorded without a commit"
                        .to_owned(),
                );
                return;
            }
            Err(e) => {
                self.notes.push(format!(
                    "HEAD cannot be read ({}): results are recorded without a commit",
                    e.message()
                ));
                return;
            }
        };
        match head.peel_to_commit() {
            Ok(commit) => self.head = Some(to_commit(&commit)),
            Err(e) => {
                self.notes.push(format!(
                    "HEAD does not point at a commit ({}): results are recorded without a commit",
                    e.message()
                ));
                return;
            }
        }
        if head.is_branch() {
            self.branch = head.shorthand().ok().map(str::to_owned);
        } else if let Some(c) = &self.head {
            self.notes.push(format!(
                "detached HEAD at {}: the branch is unknown",
                c.short_sha()
            ));
        }
    }

    fn read_dirty(&mut self, repo: &Repository) {
        if repo.is_bare() {
            return;
        }
        let mut options = StatusOptions::new();
        options
            .include_untracked(false)
            .include_ignored(false)
            .update_index(false);
        match repo.statuses(Some(&mut options)) {
            Ok(statuses) => {
                // The history database lives in `.perfkit/`; writing it must not make the tree
                // dirty even where nobody added `.perfkit/` to `.gitignore` and tracked it.
                self.dirty = statuses.iter().any(|entry| {
                    let path = entry.path_bytes();
                    !path.split(|b| *b == b'/').any(|part| part == b".perfkit")
                        && entry.status() != git2::Status::CURRENT
                });
            }
            Err(e) => {
                // Unknown counts as dirty, so these results never stand in for the commit.
                self.dirty = true;
                self.notes.push(format!(
                    "the dirty state cannot be read ({}): results are marked dirty",
                    e.message()
                ));
            }
        }
    }

    /// The commit checked out; `None` outside a repository or before the first commit.
    pub fn head(&self) -> Option<&Commit> {
        self.head.as_ref()
    }

    /// The branch checked out; `None` on a detached HEAD or outside a repository.
    pub fn branch(&self) -> Option<&str> {
        self.branch.as_deref()
    }

    /// Whether tracked files differ from HEAD (untracked files and `.perfkit/` do not count).
    pub fn dirty(&self) -> bool {
        self.dirty
    }

    /// Whether the repository is a shallow clone.
    pub fn shallow(&self) -> bool {
        self.shallow
    }

    /// What could not be determined, one line each; empty when everything is known.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The notes as one line, for printing beside a result; `None` when there are none.
    pub fn note(&self) -> Option<String> {
        (!self.notes.is_empty()).then(|| self.notes.join("; "))
    }

    /// The repository's working directory (or git directory when bare), if there is one.
    pub fn repo_dir(&self) -> Option<&Path> {
        self.repo.as_ref().map(|r| r.workdir().unwrap_or(r.path()))
    }

    fn repo(&self, what: &str) -> Result<&Repository, StoreError> {
        self.repo.as_ref().ok_or_else(|| StoreError::NoRepository {
            what: what.to_owned(),
            dir: self.dir.clone(),
        })
    }

    /// The commit a revision names: a branch, tag, full or short SHA, `HEAD~3`, ...
    pub fn resolve(&self, rev: &str) -> Result<Commit, StoreError> {
        let repo = self.repo(&format!("resolving `{rev}`"))?;
        let unknown = |e: git2::Error| StoreError::UnknownRevision {
            rev: rev.to_owned(),
            cause: e.message().to_owned(),
        };
        let commit = repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(unknown)?;
        Ok(to_commit(&commit))
    }

    /// The best common ancestor of two commits given by full SHA; `None` when they share none.
    pub fn merge_base(&self, a: &str, b: &str) -> Result<Option<Commit>, StoreError> {
        let repo = self.repo("a merge-base")?;
        let (a, b) = (oid(a)?, oid(b)?);
        match repo.merge_base(a, b) {
            Ok(base) => {
                let commit = repo
                    .find_commit(base)
                    .map_err(git_err("reading the merge-base"))?;
                Ok(Some(to_commit(&commit)))
            }
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(git_err("finding the merge-base")(e)),
        }
    }

    /// The full SHAs of `from` and its first-parent ancestors, nearest first.
    ///
    /// The walk ends at a root commit, or where the clone is shallow and the parent is missing.
    pub fn first_parents(&self, from: &str) -> Result<FirstParents<'_>, StoreError> {
        let repo = self.repo("first-parent history")?;
        Ok(FirstParents {
            repo,
            next: Some(oid(from)?),
        })
    }
}

/// The first-parent ancestry of a commit, nearest first; see [`GitContext::first_parents`].
pub struct FirstParents<'r> {
    repo: &'r Repository,
    next: Option<Oid>,
}

impl fmt::Debug for FirstParents<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FirstParents")
            .field("next", &self.next)
            .finish()
    }
}

impl Iterator for FirstParents<'_> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        let id = self.next.take()?;
        // A missing object is the edge of a shallow clone: history simply ends there.
        let commit = self.repo.find_commit(id).ok()?;
        self.next = commit.parent_id(0).ok();
        Some(id.to_string())
    }
}

fn to_commit(commit: &git2::Commit<'_>) -> Commit {
    Commit {
        sha: commit.id().to_string(),
        parents: commit.parent_ids().map(|p| p.to_string()).collect(),
        author_time: commit.author().when().seconds(),
        summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default()).into_owned(),
    }
}

fn oid(sha: &str) -> Result<Oid, StoreError> {
    Oid::from_str(sha).map_err(|e| StoreError::UnknownRevision {
        rev: sha.to_owned(),
        cause: e.message().to_owned(),
    })
}

fn git_err(op: &str) -> impl Fn(git2::Error) -> StoreError + '_ {
    move |source| StoreError::Git {
        op: op.to_owned(),
        source,
    }
}
