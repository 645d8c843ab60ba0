//! Runs each workload of the fixture once, each behind a function of its own, so that callgrind
//! can count each one's instructions (scripts/error-rates/planted-work.sh).

use std::collections::BTreeMap;
use std::hint::black_box;

#[inline(never)]
fn cpu_loop() {
    black_box(fixture::cpu_loop());
}

#[inline(never)]
fn hash_set() {
    black_box(fixture::hash_set());
}

#[inline(never)]
fn sort(input: Vec<u64>) {
    black_box(fixture::sort(input));
}

#[inline(never)]
fn btree_lookup(input: &(BTreeMap<u64, u64>, Vec<u64>)) {
    black_box(fixture::btree_lookup(input));
}

#[inline(never)]
fn string_alloc() {
    black_box(fixture::string_alloc());
}

#[inline(never)]
fn tiny_sum(input: &[u64]) {
    black_box(fixture::tiny_sum(input));
}

fn main() {
    let sort_input = fixture::sort_input();
    let btree_input = fixture::btree_input();
    let sum_input = fixture::sum_input();
    cpu_loop();
    hash_set();
    sort(sort_input);
    btree_lookup(&btree_input);
    string_alloc();
    tiny_sum(&sum_input);
}
