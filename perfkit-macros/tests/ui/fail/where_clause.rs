use perfkit::perf_test;

#[perf_test(budget = "10ms")]
fn sort()
where
    u8: Ord,
{
}

fn main() {}
