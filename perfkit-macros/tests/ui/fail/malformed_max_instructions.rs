use perfkit::perf_test;

#[perf_test(max_instructions = "1.2X")]
fn parse_is_cheap() {}

fn main() {}
