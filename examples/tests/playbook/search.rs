//! Search: a products endpoint over 50,000 products, step by step: `LIKE '%term%'` (a full scan
//! per request), then an FTS5 index with a covering index for the popularity sort, then an FTS5
//! index kept in popularity order. Each iteration serves the next request of a recorded stream
//! of searches (common words and model numbers), so the percentiles are the endpoint's.
//!
//! A sample is one request where perfkit allows it: the full scan takes 200 samples (not the
//! ~100 its time cap holds, so that p99 is not merely the slowest request), the covering-index
//! step gets its hundreds of one-request samples by default. The ranked step's requests are
//! faster than the shortest sample perfkit takes (1000× the cost of reading the clock), so its
//! samples are means of a few dozen requests, and its tail percentiles are those of such batches.

use perfkit::{Bencher, perf_test};
use perfkit_examples::search::{Catalogue, Strategy, traffic};

const PRODUCTS: usize = 50_000;

/// Builds the catalogue and `strategy`'s indexes, prints its query plan, and times `strategy`
/// over the recorded searches.
fn serve(b: &mut Bencher, strategy: Strategy) {
    let catalogue = Catalogue::new(PRODUCTS).unwrap();
    catalogue.build(strategy).unwrap();
    println!(
        "query plan ({strategy:?}):\n{}",
        catalogue.explain(strategy).unwrap()
    );
    let mut requests = traffic(1_000).into_iter().cycle();
    b.iter(|| {
        catalogue
            .search(strategy, &requests.next().unwrap())
            .unwrap()
    });
}

#[perf_test(budget = "150ms", p95 = "250ms", p99 = "300ms", samples = 200)]
fn like_full_scan(b: &mut Bencher) {
    serve(b, Strategy::LikeScan);
}

// No `samples = N`: perfkit sizes batches so that N samples fill the time cap, and 200 would
// make each sample a mean of several requests.
#[perf_test(budget = "25ms", p95 = "50ms", p99 = "80ms")]
fn fts5_covering_index(b: &mut Bencher) {
    serve(b, Strategy::FtsCoveringIndex);
}

#[perf_test(budget = "300us", p95 = "2.5ms", p99 = "3ms")]
fn fts5_ranked(b: &mut Bencher) {
    serve(b, Strategy::FtsRanked);
}
