//! Issue 11.5: `PERFKIT_RECORD=0` refused a write-protected store. A perf test that does not
//! record opens the store read-only: it reads its baseline and measures, writing nothing.
//! Root may write anywhere, so when this runs as root the child runs as user 65534 (nobody),
//! as perfkit-store's permission tests do.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use perfkit::__private::{Routine, Spec};
use perfkit::measure::Mode;
use perfkit::{Bencher, History, HistoryConfig, Settings, execute};
use perfkit_store::{DbLocation, GitContext, Machine, Record, Run, Source, Store, StoredSummary};

const CHILD: &str = "PERFKIT_TEST_READ_ONLY_CHILD";

fn steady(b: &mut Bencher) {
    b.iter_custom(|iters| Duration::from_nanos(1000 * iters));
}

#[test]
#[ignore = "a child process of `a_test_that_does_not_record_reads_a_write_protected_store`"]
fn read_only_child() {
    let dir = PathBuf::from(std::env::var_os(CHILD).expect("run by the parent test"));
    let db = PathBuf::from(std::env::var_os("PERFKIT_TEST_DB").unwrap());
    let mut settings = Settings::isolated(Mode::Full, dir.join("measure.lock"));
    settings.history = History::ReadOnly(HistoryConfig {
        db: DbLocation::Sqlite(db),
        base: None,
        testbed: Some("read-only".into()),
    });
    let spec = Spec {
        path: "read_only::steady",
        manifest_dir: Box::leak(dir.to_str().unwrap().into()),
        samples: Some(10),
        ..Spec::DEFAULT
    };
    let outcome = execute(&spec, Routine::Bencher(steady), &settings);
    println!(
        "@@{}",
        outcome
            .failure
            .unwrap_or_else(|| "ok".into())
            .replace('\n', " ")
    );
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_test_that_does_not_record_reads_a_write_protected_store() {
    let dir = tempfile::tempdir().unwrap();
    set_mode(dir.path(), 0o777);
    let store_dir = dir.path().join("store");
    std::fs::create_dir(&store_dir).unwrap();
    let db = store_dir.join("history.db");
    let mut store = Store::open(&db).unwrap();
    let testbed = perfkit_store::Testbed::new(Machine::detect(), "rustc", "release", Some("x"));
    let run = Run::new(
        &GitContext::discover(dir.path()),
        testbed,
        "0.1.0",
        Source::PerfTest,
    );
    let record = Record::new(
        "read_only::steady",
        StoredSummary::default(),
        1,
        vec![1.0; 10],
    );
    store.record_run(&run, &[record]).unwrap();
    drop(store);
    set_mode(&db, 0o444);
    set_mode(&store_dir, 0o555);
    let privileged = std::fs::write(store_dir.join("probe"), "").is_ok();
    let _ = std::fs::remove_file(store_dir.join("probe"));

    let mut cmd = if privileged {
        let exe = dir.path().join("runtime-test");
        std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
        set_mode(&exe, 0o755);
        let mut cmd = Command::new(&exe);
        cmd.current_dir(dir.path()).uid(65534).gid(65534);
        cmd
    } else {
        Command::new(std::env::current_exe().unwrap())
    };
    cmd.args([
        "--exact",
        "read_only::read_only_child",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
        "-q",
    ])
    .env(CHILD, dir.path())
    .env("PERFKIT_TEST_DB", &db);
    let out = cmd
        .output()
        .expect("cannot run the test binary as user 65534");
    set_mode(&store_dir, 0o755);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let said = stdout
        .lines()
        .find_map(|l| l.split("@@").nth(1))
        .unwrap_or_else(|| {
            panic!(
                "the child said nothing: {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    assert_eq!(said, "ok");
    assert!(!store_dir.join("history.db-wal").exists());
}
