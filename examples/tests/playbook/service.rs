//! A real HTTP endpoint under load: `/users/search?q=<name>` served by axum on a loopback port
//! the test starts, over a SQLite user directory, in a slow version (`LIKE '%q%'`, a scan of
//! every user per request) and a fast one (an FTS5 index). Each test sends 1,000 concurrent
//! requests at a time, closed loop, a bounded number in all; success must stay at 99% or more.
//!
//! With 1,000 requests in flight and a server that runs one query per core, a request's latency
//! is mostly its wait in the queue: about 1,000 × the query's time ÷ the cores. The budgets
//! leave room for a busy CI machine (several times what a quiet 2-core machine measures), so
//! they catch the scan coming back, not a noisy neighbour.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use perfkit::{Load, perf_test};
use perfkit_examples::service::{Server, get};
use perfkit_examples::users::{Directory, FIRST_NAMES, Version};

const USERS: usize = 20_000;

/// Starts the service in `version`, then searches it for each first name in turn.
fn serve(load: &mut Load, version: Version) {
    let server = Server::start(Directory::new(USERS).unwrap(), version).unwrap();
    let addr = server.addr();
    let next = Arc::new(AtomicUsize::new(0));
    load.run_async(move || {
        let q = FIRST_NAMES[next.fetch_add(1, Ordering::Relaxed) % FIRST_NAMES.len()];
        async move { get(addr, &format!("/users/search?q={q}")).await }
    });
}

#[perf_test(
    concurrency = 1000,
    requests = 4_000,
    timeout = "30s",
    p95 = "10s",
    p99 = "12s",
    max_error_rate = "1%"
)]
fn users_search_like_scan(load: &mut Load) {
    serve(load, Version::LikeScan);
}

#[perf_test(
    concurrency = 1000,
    requests = 4_000,
    p95 = "2s",
    p99 = "3s",
    max_error_rate = "1%",
    min_throughput = "200/s"
)]
fn users_search_fts(load: &mut Load) {
    serve(load, Version::Fts);
}
