//! Finding duplicates: comparing every pair (O(n²)) versus remembering what was seen (O(n)).

use std::collections::HashSet;

/// `n` pseudo-random values where about one in ten appears twice (deterministic per `n`).
pub fn data(n: usize) -> Vec<u64> {
    // SplitMix64: a fixed, dependency-free sequence so every run measures the same input.
    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ n as u64;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut v: Vec<u64> = (0..n).map(|_| next()).collect();
    for i in (0..n).step_by(10) {
        let j = (next() % n as u64) as usize;
        v[i] = v[j];
    }
    v
}

/// Every value that occurs more than once, in order of its second occurrence, by comparing each
/// element with all earlier ones: O(n²) comparisons, no allocation beyond the result.
pub fn find_duplicates_nested(values: &[u64]) -> Vec<u64> {
    let mut dups = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let seen_before = values[..i].contains(v);
        if seen_before && !dups.contains(v) {
            dups.push(*v);
        }
    }
    dups
}

/// The same result with a hash set of values seen so far: O(n) expected time.
pub fn find_duplicates_hashed(values: &[u64]) -> Vec<u64> {
    let mut seen = HashSet::with_capacity(values.len());
    let mut reported = HashSet::new();
    let mut dups = Vec::new();
    for v in values {
        if !seen.insert(*v) && reported.insert(*v) {
            dups.push(*v);
        }
    }
    dups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_versions_agree() {
        for n in [0, 1, 10, 1000, 5000] {
            let v = data(n);
            assert_eq!(
                find_duplicates_nested(&v),
                find_duplicates_hashed(&v),
                "n = {n}"
            );
        }
    }

    #[test]
    fn finds_planted_duplicates() {
        let v = [3, 1, 3, 2, 1, 3];
        assert_eq!(find_duplicates_hashed(&v), vec![3, 1]);
        assert!(!find_duplicates_hashed(&data(1000)).is_empty());
    }
}
