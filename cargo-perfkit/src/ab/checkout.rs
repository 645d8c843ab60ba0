//! Where each side of `ab` is built: a git worktree slot per side (`base`, `head`), each with
//! a target directory of its own.
//!
//! Both sides are built from slots, the working tree too: HEAD's commit is checked out in the
//! `head` slot and the working tree's uncommitted changes are laid on top (tracked changes as
//! `git diff --binary HEAD`, untracked files that are not ignored copied), so the slot holds
//! what the working tree holds, and git in the slot sees it dirty exactly when the working
//! tree is. Why not build the working tree where it is: the checkout's path is compiled into
//! the binary (every perf test holds `env!("CARGO_MANIFEST_DIR")`), and a path of another
//! length shifts the code after it; code layout alone moves a benchmark by 10-25%, so an A/A
//! comparison of the working tree against its own commit found "changes" that only the paths
//! made. `worktrees/base` and `worktrees/head` have paths of one length: identical sources give
//! binaries of one layout that differ only in those path bytes and the build ID hashing them.
//! `--remap-path-prefix` was not chosen: it does not reach `env!` values, so it cannot make the
//! paths equal, and as a rustc flag it would change every dependency's fingerprint. The user's
//! own target directory is not touched: `ab` builds only in the slots.
//!
//! Two checkouts must never share a target directory: cargo names a workspace crate's
//! artifacts the same in both and judges freshness by file times, so one checkout can run the
//! other's test binaries. Each worktree slot (`base`, `head`) therefore has its own target
//! directory, kept between invocations so that dependencies are compiled once per slot, not
//! once per `ab`.
//!
//! Layout under the workspace's target directory:
//! `perfkit/ab/worktrees/<slot>` (the checkout) and `perfkit/ab/targets/<slot>` (its build).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use perfkit_store::Commit;
use serde_json::Value;

use crate::context::Context;
use crate::error::CliError;

/// The cargo workspace around the current directory, as `cargo metadata` sees it.
#[derive(Debug, Clone)]
pub struct CargoWorkspace {
    /// The workspace root (where `Cargo.lock` is).
    pub root: PathBuf,
    /// The target directory of the working tree's builds.
    pub target: PathBuf,
    /// The names of its member packages.
    pub members: Vec<String>,
}

impl CargoWorkspace {
    /// Asks `cargo metadata` in `ctx.cwd`.
    pub fn locate(ctx: &Context) -> Result<CargoWorkspace, CliError> {
        CargoWorkspace::locate_in(ctx, &ctx.cwd, None)
    }

    /// Asks `cargo metadata` in `dir`, with `target` as `CARGO_TARGET_DIR` if given.
    fn locate_in(
        ctx: &Context,
        dir: &Path,
        target: Option<&Path>,
    ) -> Result<CargoWorkspace, CliError> {
        let cargo = ctx.var("CARGO").unwrap_or_else(|| "cargo".to_owned());
        let mut command = Command::new(&cargo);
        command
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(dir)
            .env_clear()
            .envs(&ctx.env);
        if let Some(target) = target {
            command.env("CARGO_TARGET_DIR", target);
        }
        let out = command.output().map_err(|e| {
            CliError::usage(format!(
                "cannot start `{cargo} metadata` ({e}); install Rust with cargo, or set CARGO \
                     to the cargo binary"
            ))
        })?;
        if !out.status.success() {
            return Err(CliError::usage(format!(
                "`cargo metadata` failed in {}: {}; run `cargo perfkit ab` inside a cargo \
                 workspace",
                dir.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        let v: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
            CliError::usage(format!(
                "`cargo metadata` printed something unexpected: {e}"
            ))
        })?;
        let path = |key: &str| v[key].as_str().map(PathBuf::from);
        let members = v["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect();
        match (path("workspace_root"), path("target_directory")) {
            (Some(root), Some(target)) => Ok(CargoWorkspace {
                root,
                target,
                members,
            }),
            _ => Err(CliError::usage(
                "`cargo metadata` named no workspace root or target directory; update cargo",
            )),
        }
    }
}

/// Holds the worktree slots of this workspace for one `ab` until dropped: a second `ab` in
/// the same workspace waits instead of checking out another revision under the first one's
/// running binaries.
#[derive(Debug)]
pub struct SlotLock {
    _file: std::fs::File,
}

/// Takes the slots' lock (`<target>/perfkit/ab/slots.lock`), saying on stderr when it has to
/// wait for another `ab`.
pub fn lock_slots(ctx: &mut Context, ws: &CargoWorkspace) -> Result<SlotLock, CliError> {
    let path = ws.target.join("perfkit").join("ab").join("slots.lock");
    let cannot = |e: std::io::Error| {
        CliError::usage(format!(
            "cannot lock {} ({e}); check that the target directory is writable",
            path.display()
        ))
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(cannot)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(cannot)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            writeln!(
                ctx.stderr,
                "waiting for another `cargo perfkit ab` in this workspace to finish (it holds {})",
                path.display()
            )?;
            file.lock().map_err(cannot)?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(cannot(e)),
    }
    Ok(SlotLock { _file: file })
}

/// A side's source tree, ready to build.
#[derive(Debug, Clone)]
pub struct Checkout {
    /// Where `cargo test` runs for this side (the current directory's counterpart).
    pub cwd: PathBuf,
    /// `CARGO_TARGET_DIR` for its builds.
    pub target: PathBuf,
}

/// What a slot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// The commit as committed.
    Commit,
    /// The commit (HEAD) with the working tree's uncommitted changes on top.
    WorkingTree,
}

/// Checks `commit` out in the worktree slot `slot` (`base` or `head`) of the repository at
/// `repo`, creating or moving it, lays the working tree's changes on top for
/// [`Content::WorkingTree`], and returns where to build it.
pub fn worktree(
    ctx: &Context,
    repo: &Path,
    ws: &CargoWorkspace,
    slot: &str,
    commit: &Commit,
    content: Content,
) -> Result<Checkout, CliError> {
    let root = ws.target.join("perfkit").join("ab");
    let tree = root.join("worktrees").join(slot);
    let target = root.join("targets").join(slot);
    let reusable = tree.join(".git").exists()
        && common_dir(ctx, &tree)
            .ok()
            .is_some_and(|dir| Some(dir) == common_dir(ctx, repo).ok());
    if reusable {
        git(
            ctx,
            &tree,
            &["checkout", "--quiet", "--detach", "--force", &commit.sha],
        )?;
        git(ctx, &tree, &["clean", "-fdq"])?;
    } else {
        if tree.exists() {
            std::fs::remove_dir_all(&tree).map_err(|e| {
                CliError::usage(format!(
                    "cannot remove the stale worktree {}: {e}; delete it by hand",
                    tree.display()
                ))
            })?;
        }
        // Forget worktrees whose directories are gone (an earlier slot removed above).
        git(ctx, repo, &["worktree", "prune"])?;
        let tree_arg = tree.display().to_string();
        git(
            ctx,
            repo,
            &[
                "worktree",
                "add",
                "--quiet",
                "--detach",
                "--force",
                &tree_arg,
                &commit.sha,
            ],
        )?;
    }
    if tree.join(".gitmodules").exists() {
        git(
            ctx,
            &tree,
            &["submodule", "update", "--init", "--recursive", "--quiet"],
        )?;
    }
    if content == Content::WorkingTree {
        overlay_changes(ctx, repo, &tree, &root.join(format!("{slot}.patch")))?;
    }
    let rel = |p: &Path| p.strip_prefix(repo).map(Path::to_owned).unwrap_or_default();
    copy_untracked_lock_file(ctx, &ws.root.join("Cargo.lock"), &tree.join(rel(&ws.root)))?;
    let cwd = match rel(&ctx.cwd) {
        r if r.as_os_str().is_empty() => tree,
        r if tree.join(&r).is_dir() => tree.join(r),
        // The directory does not exist at this revision: build from the checkout's root.
        _ => tree,
    };
    if !target.exists() {
        seed(ctx, ws, &cwd, &target, &root.join("targets"));
    }
    Ok(Checkout { cwd, target })
}

/// Makes the slot `tree` (checked out at the working tree's HEAD) hold the working tree of
/// `repo`: its tracked changes, staged or not, applied from `git diff --binary HEAD` (written
/// to `patch`), and its untracked files that are not ignored copied.
fn overlay_changes(ctx: &Context, repo: &Path, tree: &Path, patch: &Path) -> Result<(), CliError> {
    let diff = git_bytes(
        ctx,
        repo,
        &[
            "diff",
            "--ignore-submodules=dirty",
            "--binary",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--no-relative",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "HEAD",
        ],
    )?;
    if !diff.is_empty() {
        std::fs::write(patch, diff).map_err(|e| cannot_copy(patch, tree, &e))?;
        let patch_arg = patch.display().to_string();
        git(
            ctx,
            tree,
            &["apply", "--binary", "--whitespace=nowarn", &patch_arg],
        )?;
    }
    let untracked = git(
        ctx,
        repo,
        &["ls-files", "-z", "--others", "--exclude-standard"],
    )?;
    for rel in untracked.split('\0').filter(|r| !r.is_empty()) {
        let (from, to) = (repo.join(rel), tree.join(rel));
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).map_err(|e| cannot_copy(&from, tree, &e))?;
        }
        std::fs::copy(&from, &to).map_err(|e| cannot_copy(&from, tree, &e))?;
    }
    Ok(())
}

fn cannot_copy(what: &Path, tree: &Path, e: &std::io::Error) -> CliError {
    CliError::usage(format!(
        "cannot copy {} into the worktree {}: {e}; check that the target directory is \
         writable",
        what.display(),
        tree.display()
    ))
}

/// Starts a new slot's target directory as a copy of a release build (the working tree's,
/// else another slot's, from `targets`) with every workspace member cleaned out
/// (`cargo clean -p`): dependencies, whose sources are the same in every checkout, are not
/// compiled again, and the workspace's own crates are built from this checkout's sources
/// alone (the trap above is about those). Best effort: when anything fails the directory is
/// removed and the slot builds from scratch.
fn seed(ctx: &Context, ws: &CargoWorkspace, cwd: &Path, target: &Path, targets: &Path) {
    let slots = ["head", "base"].map(|slot| targets.join(slot));
    let release = std::iter::once(ws.target.as_path())
        .chain(slots.iter().map(|t| t.as_path()).filter(|t| *t != target))
        .map(|t| t.join("release"))
        .find(|r| r.is_dir());
    let Some(release) = release else { return };
    if !cfg!(unix) {
        return;
    }
    let seeded = (|| -> Result<(), CliError> {
        std::fs::create_dir_all(target)?;
        // `cp -a` keeps the files' times, by which cargo decides what is fresh.
        let copied = Command::new("cp")
            .arg("-a")
            .arg(&release)
            .arg(target.join("release"))
            .stderr(Stdio::null())
            .status()?;
        if !copied.success() {
            return Err(CliError::usage("cp -a failed"));
        }
        let members = CargoWorkspace::locate_in(ctx, cwd, Some(target))?.members;
        if members.is_empty() {
            return Ok(());
        }
        let cargo = ctx.var("CARGO").unwrap_or_else(|| "cargo".to_owned());
        let mut clean = Command::new(cargo);
        clean
            .args(["clean", "--quiet", "--release"])
            .current_dir(cwd)
            .env_clear()
            .envs(&ctx.env)
            .env("CARGO_TARGET_DIR", target)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for m in &members {
            clean.args(["-p", m]);
        }
        if clean.status()?.success() {
            Ok(())
        } else {
            Err(CliError::usage("cargo clean failed"))
        }
    })();
    if seeded.is_err() {
        let _ = std::fs::remove_dir_all(target);
    }
}

/// A `Cargo.lock` the repository does not track (usual for libraries) is copied from the
/// working tree, so both sides build the same dependency versions, offline.
fn copy_untracked_lock_file(ctx: &Context, lock: &Path, root: &Path) -> Result<(), CliError> {
    if !lock.is_file() {
        return Ok(());
    }
    let tracked = git(ctx, root, &["ls-files", "--", "Cargo.lock"])?;
    if tracked.trim().is_empty() {
        std::fs::copy(lock, root.join("Cargo.lock")).map_err(|e| cannot_copy(lock, root, &e))?;
    }
    Ok(())
}

/// The repository's shared git directory, as seen from `dir`.
fn common_dir(ctx: &Context, dir: &Path) -> Result<PathBuf, CliError> {
    let out = git(
        ctx,
        dir,
        &["rev-parse", "--path-format=absolute", "--git-common-dir"],
    )?;
    let path = PathBuf::from(out.trim());
    Ok(path.canonicalize().unwrap_or(path))
}

/// Runs `git ARGS` in `dir`; its stdout, or an error with git's own message.
fn git(ctx: &Context, dir: &Path, args: &[&str]) -> Result<String, CliError> {
    git_bytes(ctx, dir, args).map(|out| String::from_utf8_lossy(&out).into_owned())
}

/// [`git`], with stdout as git wrote it (a patch of files that are not UTF-8).
fn git_bytes(ctx: &Context, dir: &Path, args: &[&str]) -> Result<Vec<u8>, CliError> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(&ctx.env)
        .output()
        .map_err(|e| {
            CliError::usage(format!(
                "cannot start git ({e}); `cargo perfkit ab` checks revisions out with git: \
                 install it"
            ))
        })?;
    if !out.status.success() {
        return Err(CliError::usage(format!(
            "`git {}` failed in {}: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "Ada")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_COMMITTER_NAME", "Ada")
            .env("GIT_COMMITTER_EMAIL", "ada@example.com")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn the_head_slot_holds_the_working_tree_with_its_uncommitted_changes() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().canonicalize().unwrap();
        let write = |rel: &str, text: &[u8]| {
            let path = repo.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(".gitignore", b"/target\n/ignored.txt\n");
        write("src/lib.rs", b"pub fn a() {}\n");
        write("src/gone.rs", b"pub fn gone() {}\n");
        write("staged.rs", b"old\n");
        write("latin1.txt", b"caf\xe9\n");
        run_git(&repo, &["init", "-q", "-b", "main"]);
        run_git(&repo, &["add", "-A"]);
        run_git(&repo, &["commit", "-q", "-m", "initial"]);
        let sha = run_git(&repo, &["rev-parse", "HEAD"]).trim().to_owned();

        write("src/lib.rs", b"pub fn b() {}\n");
        std::fs::remove_file(repo.join("src/gone.rs")).unwrap();
        write("staged.rs", b"new\n");
        run_git(&repo, &["add", "staged.rs"]);
        write("latin1.txt", b"na\xefve caf\xe9\n");
        write("new/untracked.rs", b"pub fn new() {}\n");
        write("ignored.txt", b"not copied\n");

        let (ctx, _out) = Context::captured(&repo, &[]);
        let ws = CargoWorkspace {
            root: repo.clone(),
            target: repo.join("target"),
            members: Vec::new(),
        };
        let commit = Commit {
            sha,
            parents: Vec::new(),
            author_time: 0,
            summary: "initial".to_owned(),
        };
        let slot = worktree(&ctx, &repo, &ws, "head", &commit, Content::WorkingTree).unwrap();
        let tree = repo.join("target/perfkit/ab/worktrees/head");
        assert_eq!(slot.cwd, tree);
        assert_eq!(slot.target, repo.join("target/perfkit/ab/targets/head"));
        let read = |rel: &str| std::fs::read(tree.join(rel)).ok();
        assert_eq!(read("src/lib.rs").as_deref(), Some(&b"pub fn b() {}\n"[..]));
        assert_eq!(read("src/gone.rs"), None, "a deleted file is deleted");
        assert_eq!(read("staged.rs").as_deref(), Some(&b"new\n"[..]));
        assert_eq!(
            read("latin1.txt").as_deref(),
            Some(&b"na\xefve caf\xe9\n"[..])
        );
        assert_eq!(
            read("new/untracked.rs").as_deref(),
            Some(&b"pub fn new() {}\n"[..])
        );
        assert_eq!(read("ignored.txt"), None, "ignored files stay out");
        // The slot is dirty at the working tree's commit, as the working tree is.
        let head = run_git(&tree, &["rev-parse", "HEAD"]);
        assert_eq!(head.trim(), commit.sha);
        let status = run_git(&tree, &["status", "--porcelain", "--untracked-files=no"]);
        assert!(status.contains("src/lib.rs"), "{status}");

        // Reused for the commit itself: the changes are gone.
        worktree(&ctx, &repo, &ws, "head", &commit, Content::Commit).unwrap();
        assert_eq!(read("src/lib.rs").as_deref(), Some(&b"pub fn a() {}\n"[..]));
        assert_eq!(read("new/untracked.rs"), None);
        let status = run_git(&tree, &["status", "--porcelain"]);
        assert!(status.is_empty(), "{status}");
    }
}
