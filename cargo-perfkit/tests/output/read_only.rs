//! Issue 11.5: every command that only reads works on a write-protected store in a
//! write-protected directory. Root may write anywhere, so when this runs as root the binary
//! runs as user 65534 (nobody), as perfkit-store's own permission tests do.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use crate::support::project;

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Makes every directory under `dir` enterable and every file readable by anyone.
fn open_up(dir: &Path) {
    set_mode(dir, 0o755);
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            open_up(&path);
        } else {
            set_mode(&path, 0o644);
        }
    }
}

#[test]
fn reading_commands_work_on_a_write_protected_store() {
    let p = project();
    open_up(p.path());
    let store_dir = p.db.parent().unwrap();
    set_mode(&p.db, 0o444);
    set_mode(store_dir, 0o555);
    let privileged = std::fs::write(store_dir.join("probe"), "").is_ok();
    let _ = std::fs::remove_file(store_dir.join("probe"));

    // The unprivileged user runs a world-readable copy of the binary, with a home whose git
    // configuration trusts a repository owned by root.
    let tools = tempfile::tempdir().unwrap();
    let exe = tools.path().join("cargo-perfkit");
    std::fs::copy(env!("CARGO_BIN_EXE_cargo-perfkit"), &exe).unwrap();
    std::fs::write(tools.path().join(".gitconfig"), "[safe]\n\tdirectory = *\n").unwrap();
    open_up(tools.path());
    set_mode(&exe, 0o755);

    let db = p.db.display().to_string();
    for args in [
        &["list"][..],
        &["history"],
        &["export", "--format", "csv"],
        &["check"],
        &["compare", "HEAD~1", "HEAD"],
        &["baseline"],
    ] {
        let mut cmd = Command::new(&exe);
        cmd.arg("perfkit")
            .args(args)
            .args(["--db", &db, "--testbed", "snapshot"])
            .current_dir(p.path())
            .env("HOME", tools.path())
            .env_remove("PERFKIT_DB")
            .env_remove("GITHUB_STEP_SUMMARY")
            .env_remove("GITHUB_ACTIONS");
        if privileged {
            cmd.uid(65534).gid(65534);
        }
        let out = cmd
            .output()
            .expect("cannot run cargo-perfkit as user 65534");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?} exited {:?}: {stderr}",
            out.status.code()
        );
        assert!(!stderr.contains("cannot write"), "{args:?}: {stderr}");
        assert!(!out.stdout.is_empty(), "{args:?} printed nothing");
    }
    assert!(!store_dir.join("history.db-wal").exists());
    set_mode(store_dir, 0o755);
}
