use perfkit::perf_test;

#[perf_test(types = [u8])]
fn convert<T: Default, U: From<T>>(b: &mut perfkit::Bencher) {
    b.iter(|| U::from(T::default()));
}

fn main() {}
