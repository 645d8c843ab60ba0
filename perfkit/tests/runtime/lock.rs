//! Perf tests in separate processes never measure at the same time.
//!
//! The test re-runs this test binary three times as children (selected by an environment
//! variable); each child holds the measurement lock for 150 ms and writes when it entered and
//! left. The intervals must not overlap.

use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use perfkit::measure::MeasureLock;

const CHILD: &str = "PERFKIT_TEST_LOCK_CHILD";

fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

#[test]
#[ignore = "a child process of `processes_take_turns`, not a test of its own"]
fn lock_child() {
    let out =
        std::path::PathBuf::from(std::env::var_os(CHILD).expect("run by processes_take_turns"));
    let lock = MeasureLock::acquire(&out.with_file_name("history.db.lock"));
    assert!(lock.note.is_none(), "{:?}", lock.note);
    let entered = now_ns();
    std::thread::sleep(Duration::from_millis(150));
    let left = now_ns();
    drop(lock);
    std::fs::write(&out, format!("{entered} {left}")).unwrap();
}

#[test]
fn processes_take_turns() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..3)
        .map(|i| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "lock::lock_child",
                    "--ignored",
                    "--test-threads=1",
                ])
                .env(CHILD, dir.path().join(format!("child-{i}")))
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let mut spans: Vec<(u128, u128)> = (0..3)
        .map(|i| {
            let text = std::fs::read_to_string(dir.path().join(format!("child-{i}"))).unwrap();
            let (a, b) = text.split_once(' ').unwrap();
            (a.parse().unwrap(), b.parse().unwrap())
        })
        .collect();
    spans.sort();
    for w in spans.windows(2) {
        assert!(w[0].1 <= w[1].0, "measurements overlapped: {spans:?}");
    }
}
