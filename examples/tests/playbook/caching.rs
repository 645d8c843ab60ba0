//! Caching: 20 s of recommendation requests (Zipf-skewed users) served by computing every
//! answer versus through a TTL cache. Each iteration replays the whole stream, the cached
//! version from a cold cache, so its hit rate is the same in every iteration and on any machine;
//! the test records it as the metric `hit_rate` (`cargo perfkit history --metric hit_rate`).

use std::time::Instant;

use perfkit::metric::Better;
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
    // The replay is deterministic, so the hit rate is one value per run: recorded beside the
    // time as a metric of its own, a fall of it is a regression like a slowdown.
    b.metric(
        "hit_rate",
        probe.stats().hit_rate(),
        "fraction",
        Better::Higher,
    );
    b.iter(|| {
        serve_cached(
            black_box(&requests),
            Instant::now(),
            &mut TtlCache::new(TTL),
        )
    });
}
