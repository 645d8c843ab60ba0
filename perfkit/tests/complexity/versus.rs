//! A [`perfkit::Comparison`] on real timings: two ways to find a duplicate, where the crossover
//! lies, and what the table looks like.

use std::collections::HashSet;

use perfkit::Comparison;

fn data(n: usize) -> Vec<u64> {
    // Distinct values, so both variants scan the whole input.
    (0..n as u64)
        .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15))
        .collect()
}

fn nested_loops(v: &[u64]) -> bool {
    (0..v.len()).any(|i| v[i + 1..].contains(&v[i]))
}

fn hash_set(v: &[u64]) -> bool {
    let mut seen = HashSet::with_capacity(v.len());
    !v.iter().all(|x| seen.insert(x))
}

#[test]
#[ignore = "real timing; run with --release -- --ignored --nocapture"]
fn duplicate_finders_cross_over() {
    let report = Comparison::new("find_duplicates")
        .sizes([8, 32, 128, 512, 2_048, 8_192])
        .setup(data)
        .variant("nested loops", |v| nested_loops(v))
        .variant("hash set", |v| hash_set(v))
        .manifest_dir(env!("CARGO_MANIFEST_DIR"))
        .run();
    println!("{report}");
    if let Some(c) = report.crossover() {
        println!("crossover: {c:?}");
    }
    report.assert_faster_from("hash set", "nested loops", 8_192);
}
