//! Caching: 20 s of recommendation requests (Zipf-skewed users) served by computing every
//! answer versus through a TTL cache. Each iteration replays the whole stream, the cached
//! version from a cold cache, so its hit rate is the same in every iteration and on any machine.

use std::time::Instant;

use perfkit::{Bencher, black_box, perf_test};
use perfkit_examples::cache::{TTL, TtlCache, serve_cached, serve_uncached, traffic};

#[perf_test(budget = "250ms", p99 = "400ms")]
fn uncached(b: &mut Bencher) {
    let requests = traffic();
    b.iter(|| serve_uncached(black_box(&requests)));
}

#[perf_test(budget = "120ms", p99 = "300ms")]
fn ttl_cache(b: &mut Bencher) {
    let requests = traffic();
    let mut probe = TtlCache::new(TTL);
    serve_cached(&requests, Instant::now(), &mut probe);
    let stats = probe.stats();
    println!(
        "ttl cache: {} requests, {} hits, {} misses: hit rate {:.1}%",
        requests.len(),
        stats.hits,
        stats.misses,
        100.0 * stats.hit_rate()
    );
    b.iter(|| {
        serve_cached(
            black_box(&requests),
            Instant::now(),
            &mut TtlCache::new(TTL),
        )
    });
}
