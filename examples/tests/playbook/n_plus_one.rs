//! N+1 queries: the blog's listing of its latest posts with their authors, one query per post
//! versus one JOIN.

use std::time::Duration;

use perfkit::measure::Plan;
use perfkit::{Bencher, Comparison, black_box, perf_test};
use perfkit_examples::blog::Blog;

/// Authors and posts in the blog; the archive page lists the latest `LISTED` posts.
const AUTHORS: usize = 100;
const POSTS: usize = 5_000;
const LISTED: usize = 500;

#[perf_test(budget = "15ms", p99 = "80ms")]
fn query_per_post(b: &mut Bencher) {
    let blog = Blog::new(AUTHORS, POSTS).unwrap();
    b.iter(|| blog.latest_n_plus_one(black_box(LISTED)).unwrap());
}

#[perf_test(budget = "2ms", p99 = "40ms")]
fn one_join(b: &mut Bencher) {
    let blog = Blog::new(AUTHORS, POSTS).unwrap();
    b.iter(|| blog.latest_joined(black_box(LISTED)).unwrap());
}

/// The speedup with its confidence interval, from a short listing to the archive page, with the
/// two versions' samples interleaved so the machine's drift falls on both alike.
#[test]
fn join_is_faster() {
    let report = Comparison::new("blog listing")
        .sizes([20, 100, LISTED])
        .setup(|n| (Blog::new(AUTHORS, POSTS).unwrap(), n))
        .variant("query per post", |(blog, n)| {
            blog.latest_n_plus_one(*n).unwrap()
        })
        .variant("one join", |(blog, n)| blog.latest_joined(*n).unwrap())
        .plan(Plan {
            warmup: Duration::from_millis(100),
            time_cap: Duration::from_millis(400),
            ..Plan::DEFAULT
        })
        .run();
    println!("{report}");
    report.assert_faster("one join", "query per post");
}
