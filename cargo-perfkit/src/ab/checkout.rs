//! Where each side of `ab` is built: the working tree itself, or a git worktree of the
//! revision with a target directory of its own.
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
    /// `CARGO_TARGET_DIR` for its builds; `None`: the working tree's own.
    pub target: Option<PathBuf>,
}

/// The working tree as it is, built where the user builds it.
pub fn working_tree(ctx: &Context) -> Checkout {
    Checkout {
        cwd: ctx.cwd.clone(),
        target: None,
    }
}

/// Checks `commit` out in the worktree slot `slot` (`base` or `head`) of the repository at
/// `repo`, creating or moving it, and returns where to build it.
pub fn worktree(
    ctx: &Context,
    repo: &Path,
    ws: &CargoWorkspace,
    slot: &str,
    commit: &Commit,
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
    let rel = |p: &Path| p.strip_prefix(repo).map(Path::to_owned).unwrap_or_default();
    copy_untracked_lock_file(ctx, &ws.root.join("Cargo.lock"), &tree.join(rel(&ws.root)))?;
    let cwd = match rel(&ctx.cwd) {
        r if r.as_os_str().is_empty() => tree,
        r if tree.join(&r).is_dir() => tree.join(r),
        // The directory does not exist at this revision: build from the checkout's root.
        _ => tree,
    };
    if !target.exists() {
        seed(ctx, ws, &cwd, &target);
    }
    Ok(Checkout {
        cwd,
        target: Some(target),
    })
}

/// Starts a new slot's target directory as a copy of the working tree's release build with
/// every workspace member cleaned out (`cargo clean -p`): dependencies, whose sources are the
/// same in every checkout, are not compiled again, and the workspace's own crates are built
/// from this checkout's sources alone (the trap above is about those). Best effort: when
/// anything fails the directory is removed and the slot builds from scratch.
fn seed(ctx: &Context, ws: &CargoWorkspace, cwd: &Path, target: &Path) {
    let release = ws.target.join("release");
    if !cfg!(unix) || !release.is_dir() {
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
        std::fs::copy(lock, root.join("Cargo.lock")).map_err(|e| {
            CliError::usage(format!(
                "cannot copy {} into the worktree {}: {e}",
                lock.display(),
                root.display()
            ))
        })?;
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
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
