use perfkit::perf_test;

#[perf_test(types = [u8, Vec<u8>, Vec<u8>])]
fn default<T: Default>(b: &mut perfkit::Bencher) {
    b.iter(T::default);
}

fn main() {}
