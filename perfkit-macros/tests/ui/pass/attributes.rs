//! Other attributes pass through to the generated test.
use perfkit::perf_test;

/// A doc comment.
#[ignore = "slow"]
#[perf_test(budget = "1ms")]
fn ignored() {}

#[perf_test(budget = "1ms")]
#[should_panic(expected = "boom")]
fn should_panic() {
    panic!("boom");
}

#[cfg(any())]
#[perf_test(budget = "not even parsed")]
fn configured_out() {}

#[perf_test(budget = "1ms")]
#[cfg_attr(all(), allow(unused_variables))]
fn cfg_attr(b: &mut perfkit::Bencher) {
    let unused = 1;
    b.iter(|| 1);
}

#[perf_test(budget = "1ms")]
fn inner_attributes() {
    #![allow(unused_variables)]
    let unused = 1;
}

fn main() {}
