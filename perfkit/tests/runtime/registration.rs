//! `run`, the function the generated test calls: tests sharing a name are refused before
//! anything is measured, and its panics point at the caller (the user's test), not at perfkit.

use std::panic::{self, PanicHookInfo, UnwindSafe};
use std::sync::{Arc, Mutex};
use std::thread;

use perfkit::__private::{Routine, Spec, run};
use perfkit::Bencher;

/// A routine that never calls `b.iter`: in a debug build the smoke run calls it once and
/// passes; in an optimised build `run` fails it as misuse before anything is measured or
/// recorded. Either way the test is registered.
fn no_iter(_: &mut Bencher) {}

fn spec(path: &'static str, name: Option<&'static str>) -> Spec {
    Spec {
        path,
        name,
        manifest_dir: env!("CARGO_MANIFEST_DIR"),
        ..Spec::DEFAULT
    }
}

/// Where a panic on this thread happened, and its message.
#[derive(Debug)]
struct Panic {
    message: String,
    file: String,
    line: u32,
}

/// Runs `f`, returning its panic. The hook is process-wide: panics of other threads (other
/// tests) go to the hook that was there before.
fn panic_of(f: impl FnOnce() + UnwindSafe) -> Option<Panic> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;
    let previous: Arc<Hook> = Arc::new(panic::take_hook());
    let location: Arc<Mutex<Option<(String, u32)>>> = Arc::default();
    let this_thread = thread::current().id();
    {
        let previous = Arc::clone(&previous);
        let location = Arc::clone(&location);
        panic::set_hook(Box::new(move |info| {
            if thread::current().id() == this_thread {
                let at = info.location().map(|l| (l.file().to_owned(), l.line()));
                *location.lock().unwrap() = at;
            } else {
                previous(info);
            }
        }));
    }
    let result = panic::catch_unwind(f);
    drop(panic::take_hook());
    panic::set_hook(Box::new(move |info| previous(info)));
    let payload = result.err()?;
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    let (file, line) = location.lock().unwrap().take()?;
    Some(Panic {
        message,
        file,
        line,
    })
}

/// Issue 11: two tests with one `name` shared a series and judged each other; the second now
/// fails, naming both, and the panic points here rather than into perfkit's runtime.
#[test]
fn a_second_test_with_the_same_name_fails_naming_both_at_the_callers_line() {
    let first = spec("registration::first", Some("registration/shared"));
    let second = spec("registration::second", Some("registration/shared"));
    let routine = Routine::Bencher(no_iter);
    let _ = panic_of(|| run(&first, routine));
    let (caught, call_line) = (panic_of(|| run(&second, routine)), line!());
    let second = caught.expect("the second test with the name fails");
    assert!(
        second.message.contains("`registration::first`")
            && second.message.contains("`registration::second`")
            && second.message.contains("`registration/shared`"),
        "{}",
        second.message
    );
    assert_eq!((second.file.as_str(), second.line), (file!(), call_line));
}

/// Issue 11: `#[test]` above `#[perf_test]` registered the test twice; the copy that starts
/// second fails and says which attribute to remove.
#[test]
fn a_test_started_twice_says_to_remove_the_extra_test_attribute() {
    let twice = spec("registration::twice", None);
    let _ = panic_of(|| run(&twice, Routine::Bencher(no_iter)));
    let again = panic_of(|| run(&twice, Routine::Bencher(no_iter))).expect("the copy fails");
    assert!(
        again
            .message
            .contains("`registration::twice` is registered twice")
            && again.message.contains("Remove that `#[test]`"),
        "{}",
        again.message
    );
    assert_eq!(again.file, file!());
}
