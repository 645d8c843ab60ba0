//! Every function form #[perf_test] drives.
use perfkit::perf_test;

#[perf_test]
fn plain() {}

#[perf_test(budget = "1ms")]
fn plain_returning_unit() -> () {}

#[perf_test(budget = "1ms")]
pub fn public(b: &mut perfkit::Bencher) {
    b.iter(|| 1 + 1);
}

#[perf_test(budget = "1ms")]
pub(crate) fn fully_qualified_bencher(_: &mut ::perfkit::Bencher) {}

#[perf_test(budget = "1ms")]
fn anonymous_lifetime(b: &'_ mut perfkit::Bencher) {
    b.iter(|| 1 + 1);
}

#[perf_test(sizes = [1, 2, 4])]
fn sized(b: &mut perfkit::Bencher, n: usize) {
    b.iter(|| n * 2);
}

#[perf_test(sizes = [1, 2])]
fn sized_with_patterns(mut b: &mut perfkit::Bencher, _n: usize) {
    b = &mut *b;
    b.iter(|| 1);
}

#[perf_test(budget = "1ms")]
fn r#loop() {}

#[perf_test(budget = "1ms", p99 = "5ms")]
async fn async_plain() {
    std::future::ready(1).await;
}

mod nested {
    // Used only by the generated test, which a non-test build drops.
    #[allow(unused_imports)]
    use perfkit::{Bencher, perf_test};

    #[perf_test(budget = "1ms")]
    fn imported_bencher(b: &mut Bencher) {
        b.iter(|| 1);
    }
}

fn main() {}
