//! Routines whose growth class is known, each with the sizes it is measured at.
//!
//! Sizes are chosen to be fair to the fit, not to flatter it: each range spans enough growth for
//! the class to show, and the working set stays in L2 (1 MiB per core on the machine these
//! figures come from), where a larger one adds a memory-latency step that is not the algorithm's.
//! The constant lookup ranges further, since it touches one cache line whatever the size.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use perfkit::Bencher;
use perfkit::complexity::Complexity;

/// A routine to classify: `measure(b, n)` prepares an input of size `n` (untimed) and times the
/// routine on it with `b`.
pub struct Routine {
    pub name: &'static str,
    pub expected: Complexity,
    pub sizes: &'static [usize],
    pub measure: fn(&mut Bencher, usize),
}

pub const ROUTINES: [Routine; 8] = [
    Routine {
        name: "constant lookup",
        expected: Complexity::Constant,
        sizes: &[1_000, 4_000, 16_000, 64_000, 256_000, 1_024_000],
        measure: |b, n| time(b, &random(n), |v| v[v.len() / 2]),
    },
    Routine {
        name: "binary search",
        expected: Complexity::Logarithmic,
        // log₂ n from 4.3 to 15.9: the model function rises 3.7×, over at most 250 KiB of u32.
        // Larger arrays made each halving dearer (0.95 ns per step up to 20k elements, 1.7 ns
        // at 1.3M, where the probes miss the caches), a convex curve that the fit read as O(1)
        // in 2 of 5 runs; powers of two were worse still (probes a power of two apart share a
        // cache set and evict each other: 1 and 3 right of 5 in two runs at 2⁸..2²⁰).
        sizes: &[20, 100, 500, 2_500, 12_500, 62_500],
        measure: |b, n| {
            let v: Vec<u32> = (0..n as u32).map(|i| 2 * i).collect();
            // An absent key a third of the way in: a full-depth search every time.
            time(b, &v, |v| v.binary_search(&(2 * (v.len() as u32 / 3) + 1)))
        },
    },
    Routine {
        name: "sum",
        expected: Complexity::Linear,
        // Up to 256 KiB of u64: within L2, so the cost per element stays the same.
        sizes: &[1_000, 2_000, 4_000, 8_000, 16_000, 32_000],
        measure: |b, n| {
            time(b, &random(n), |v| {
                v.iter().fold(0u64, |a, &x| a.wrapping_add(x))
            })
        },
    },
    Routine {
        name: "sort",
        expected: Complexity::Linearithmic,
        // log₂ n from 8 to 16: n log n rises twice as fast as n over the range. At most 256 KiB
        // of u32 (plus the copy being sorted), so the data stays in L2: past it, the cost per
        // comparison steps up (2.5× here between 64k and 256k u64s), a slope of the memory, not
        // of the algorithm, that made the fit read O(n) in 2 of 5 runs.
        sizes: &[250, 1_000, 4_000, 16_000, 64_000],
        measure: |b, n| {
            let input: Vec<u32> = random(n).into_iter().map(|x| x as u32).collect();
            // Each iteration sorts a fresh copy; copying is not timed.
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let mut v = input.clone();
                    let start = Instant::now();
                    v.sort_unstable();
                    total += start.elapsed();
                    black_box(v);
                }
                total
            });
        },
    },
    Routine {
        name: "nested-loop pairs",
        expected: Complexity::Quadratic,
        sizes: &[250, 500, 1_000, 2_000, 4_000],
        measure: |b, n| time(b, &random_below(n, 1_000), |v| equal_pairs(v)),
    },
    Routine {
        name: "triple loop",
        expected: Complexity::Cubic,
        sizes: &[25, 50, 100, 200, 400],
        measure: |b, n| time(b, &random_below(n, 1_000), |v| triples(v)),
    },
    Routine {
        name: "HashMap build",
        expected: Complexity::Linear,
        // Up to 8k entries (a table of 16k buckets, about 280 KiB). From 16k entries on, the
        // cost per insert rose by half (16 to 24 ns), a cache step that read as O(n log n).
        sizes: &[250, 500, 1_000, 2_000, 4_000, 8_000],
        measure: |b, n| {
            time(b, &random(n), |v| {
                v.iter().map(|&x| (x, x)).collect::<HashMap<u64, u64>>()
            })
        },
    },
    Routine {
        name: "subset enumeration",
        expected: Complexity::Exponential,
        sizes: &[10, 12, 14, 16, 18, 20],
        measure: |b, n| time(b, &random_below(n, 100), |v| subsets_summing_to(v, 150)),
    },
];

/// Times `f` on `input` with the input passed through `black_box`, so the compiler can neither
/// see it as a constant nor hoist the work out of the loop.
fn time<I, O>(b: &mut Bencher, input: &I, f: impl Fn(&I) -> O) {
    b.iter_custom(|iters| {
        let start = Instant::now();
        for _ in 0..iters {
            black_box(f(black_box(input)));
        }
        start.elapsed()
    });
}

/// `n` pseudo-random numbers (xorshift64*, fixed seed: every run measures the same data).
fn random(n: usize) -> Vec<u64> {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    (0..n)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x.wrapping_mul(0x2545_f491_4f6c_dd1d)
        })
        .collect()
}

fn random_below(n: usize, bound: u64) -> Vec<u64> {
    random(n).into_iter().map(|x| x % bound).collect()
}

/// O(n²): pairs i < j with equal values.
fn equal_pairs(v: &[u64]) -> usize {
    let mut count = 0;
    for (i, a) in v.iter().enumerate() {
        count += v[i + 1..].iter().filter(|&b| a == b).count();
    }
    count
}

/// O(n³): triples i < j < k whose sum is a multiple of 1024.
fn triples(v: &[u64]) -> usize {
    let mut count = 0;
    for (i, a) in v.iter().enumerate() {
        for (j, b) in v.iter().enumerate().skip(i + 1) {
            let ab = a + b;
            count += v[j + 1..]
                .iter()
                .filter(|&c| (ab + c).is_multiple_of(1024))
                .count();
        }
    }
    count
}

/// O(2ⁿ): every subset, by include/exclude recursion with a running sum (constant work per
/// node of the binary tree of choices).
fn subsets_summing_to(v: &[u64], target: u64) -> u64 {
    fn go(v: &[u64], sum: u64, target: u64) -> u64 {
        match v.split_first() {
            None => u64::from(sum == target),
            Some((&x, rest)) => go(rest, sum + x, target) + go(rest, sum, target),
        }
    }
    go(v, 0, target)
}

#[test]
fn the_routines_compute_what_they_claim() {
    assert_eq!(equal_pairs(&[1, 2, 1, 1]), 3);
    assert_eq!(triples(&[1000, 24, 0, 1024]), 2);
    assert_eq!(subsets_summing_to(&[1, 2, 3], 3), 2);
    assert_eq!(random(3), random(3));
}
