use perfkit::perf_test;

#[perf_test(types = [u8, u64])]
fn default(b: &mut perfkit::Bencher) {
    b.iter(|| 1);
}

fn main() {}
