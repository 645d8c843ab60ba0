//! An allocation budget without the counting allocator fails and shows the two lines to add.

use perfkit::__private::{Routine, Spec};
use perfkit::measure::Mode;
use perfkit::{Settings, execute};

fn allocates() {
    std::hint::black_box(vec![1u8; 16]);
}

#[test]
fn the_failure_shows_how_to_install_it() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings::isolated(Mode::Full, dir.path().join("lock"));
    let spec = Spec {
        path: "e2e::needs_counting",
        max_allocs: Some(1),
        ..Spec::DEFAULT
    };
    let out = execute(&spec, Routine::Plain(allocates), &settings);
    let failure = out
        .failure
        .expect("an allocation budget cannot be checked without counting");
    assert!(
        failure.contains("`e2e::needs_counting` has an allocation budget"),
        "{failure}"
    );
    assert!(
        failure.contains(
            "#[global_allocator]\nstatic ALLOC: perfkit::alloc::Counting = perfkit::alloc::Counting;"
        ),
        "{failure}"
    );
    assert!(
        out.measurements.is_empty(),
        "nothing is measured before the allocator is there"
    );
}
