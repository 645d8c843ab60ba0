//! Caching: an expensive lookup (a user's recommendations, scored over the whole catalogue)
//! served for a stream of requests, computed every time versus kept in a cache whose entries
//! expire after a time to live (TTL).
//!
//! What a cache buys depends on the traffic, so the requests follow a realistic skew: a few
//! users come back again and again, most appear once. The cache takes the current time as an
//! argument, so a recorded request stream replays with the same hits on any machine.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

use crate::rng::{Rng, Zipf};

/// Items in the catalogue that every recommendation scores.
pub const CATALOGUE: u64 = 4_000;

/// How many recommendations a lookup returns.
pub const TOP: usize = 5;

/// A user's recommendations: the ids of the `TOP` items that score highest for them.
pub type Recommendations = [u64; TOP];

/// The expensive lookup: scores every catalogue item for `user` and keeps the best `TOP`.
pub fn recommendations(user: u64) -> Recommendations {
    let mut best = [(0u64, 0u64); TOP];
    for item in 0..CATALOGUE {
        let score = affinity(user, item);
        if score > best[TOP - 1].0 {
            let at = best.partition_point(|&(s, _)| s >= score);
            best.copy_within(at..TOP - 1, at + 1);
            best[at] = (score, item);
        }
    }
    best.map(|(_, item)| item)
}

/// A deterministic stand-in for a model's score of `item` for `user`.
fn affinity(user: u64, item: u64) -> u64 {
    let mut z = user.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ item.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    for _ in 0..4 {
        z = (z ^ (z >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    }
    z
}

/// Hits and misses of a cache so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that had to compute the value (absent or expired).
    pub misses: u64,
}

impl CacheStats {
    /// The share of lookups answered from the cache, in `[0, 1]` (0 before any lookup).
    pub fn hit_rate(&self) -> f64 {
        let total = self.hits + self.misses;
        if total == 0 {
            0.0
        } else {
            self.hits as f64 / total as f64
        }
    }
}

/// A map whose entries expire `ttl` after they were computed. Expired entries are swept out
/// whenever the map has doubled since the last sweep, so memory stays proportional to the
/// entries that are still fresh.
#[derive(Debug)]
pub struct TtlCache<K, V> {
    ttl: Duration,
    entries: HashMap<K, (V, Instant)>,
    sweep_at: usize,
    stats: CacheStats,
}

impl<K: Hash + Eq + Clone, V: Clone> TtlCache<K, V> {
    /// An empty cache whose entries live for `ttl`.
    pub fn new(ttl: Duration) -> TtlCache<K, V> {
        TtlCache {
            ttl,
            entries: HashMap::new(),
            sweep_at: 1024,
            stats: CacheStats::default(),
        }
    }

    /// The value for `key`: from the cache when it was computed less than the TTL before `now`,
    /// otherwise from `compute`, remembered from `now` on.
    pub fn get_or_insert_with(&mut self, key: &K, now: Instant, compute: impl FnOnce() -> V) -> V {
        if let Some((value, at)) = self.entries.get(key)
            && now.saturating_duration_since(*at) < self.ttl
        {
            self.stats.hits += 1;
            return value.clone();
        }
        self.stats.misses += 1;
        let value = compute();
        if self.entries.len() >= self.sweep_at {
            let ttl = self.ttl;
            self.entries
                .retain(|_, (_, at)| now.saturating_duration_since(*at) < ttl);
            self.sweep_at = (2 * self.entries.len()).max(1024);
        }
        self.entries.insert(key.clone(), (value.clone(), now));
        value
    }

    /// Hits and misses so far.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// Entries held, fresh or not yet swept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache holds no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One request to the recommendations endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// Who asks.
    pub user: u64,
    /// When, since the start of the stream.
    pub at: Duration,
}

/// The traffic that the perf tests replay: 20 s at 100 requests per second from 10,000 users,
/// where how often a user comes back falls off as 1/rank (Zipf), so a few are hot, most cold.
pub fn traffic() -> Vec<Request> {
    const USERS: usize = 10_000;
    const REQUESTS: u64 = 2_000;
    const EVERY: Duration = Duration::from_millis(10);
    let zipf = Zipf::new(USERS, 1.0);
    let mut rng = Rng::new(0xCAC4E);
    // Ranks are shuffled onto user ids, so hot users are not simply the smallest ids.
    (0..REQUESTS)
        .map(|i| Request {
            user: (zipf.sample(&mut rng) as u64).wrapping_mul(0x9E37_79B9) % 1_000_003,
            at: EVERY * i as u32,
        })
        .collect()
}

/// The time to live of the cached recommendations.
pub const TTL: Duration = Duration::from_secs(10);

/// Serves every request by computing the recommendations; returns a checksum of the answers.
pub fn serve_uncached(requests: &[Request]) -> u64 {
    requests
        .iter()
        .map(|r| checksum(&recommendations(r.user)))
        .fold(0, u64::wrapping_add)
}

/// Serves every request through `cache`, as if the stream started at `start`; returns the same
/// checksum as [`serve_uncached`].
pub fn serve_cached(
    requests: &[Request],
    start: Instant,
    cache: &mut TtlCache<u64, Recommendations>,
) -> u64 {
    requests
        .iter()
        .map(|r| {
            let answer =
                cache.get_or_insert_with(&r.user, start + r.at, || recommendations(r.user));
            checksum(&answer)
        })
        .fold(0, u64::wrapping_add)
}

fn checksum(items: &Recommendations) -> u64 {
    items
        .iter()
        .fold(0, |acc, &i| acc.wrapping_mul(31).wrapping_add(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_versions_agree() {
        let requests = traffic();
        let mut cache = TtlCache::new(TTL);
        let cached = serve_cached(&requests, Instant::now(), &mut cache);
        assert_eq!(serve_uncached(&requests), cached);
        let stats = cache.stats();
        assert_eq!(stats.hits + stats.misses, requests.len() as u64);
        assert!((0.3..0.7).contains(&stats.hit_rate()), "{stats:?}");
    }

    #[test]
    fn recommendations_are_the_top_scores() {
        for user in [0, 1, 42, 999_999] {
            let mut all: Vec<(u64, u64)> = (0..CATALOGUE).map(|i| (affinity(user, i), i)).collect();
            all.sort_unstable_by(|a, b| b.cmp(a));
            let expected: Vec<u64> = all[..TOP].iter().map(|&(_, i)| i).collect();
            assert_eq!(recommendations(user).to_vec(), expected, "user {user}");
        }
    }

    #[test]
    fn entries_expire_after_the_ttl() {
        let t0 = Instant::now();
        let mut cache = TtlCache::new(Duration::from_secs(10));
        let mut computed = 0;
        let mut get = |cache: &mut TtlCache<&str, u32>, at: u64| {
            cache.get_or_insert_with(&"k", t0 + Duration::from_secs(at), || {
                computed += 1;
                computed
            })
        };
        assert_eq!(get(&mut cache, 0), 1);
        assert_eq!(get(&mut cache, 9), 1);
        assert_eq!(get(&mut cache, 10), 2, "expired exactly at the TTL");
        assert_eq!(get(&mut cache, 15), 2);
        assert_eq!(cache.stats(), CacheStats { hits: 2, misses: 2 });
        assert_eq!(cache.stats().hit_rate(), 0.5);
    }

    #[test]
    fn expired_entries_are_swept() {
        let t0 = Instant::now();
        let mut cache = TtlCache::new(Duration::from_secs(1));
        for key in 0..100_000u64 {
            let now = t0 + Duration::from_millis(key);
            cache.get_or_insert_with(&key, now, || key);
        }
        // At most about two TTLs' worth of entries (1,000 each) survive between sweeps.
        assert!(cache.len() <= 2_048, "{}", cache.len());
        assert!(!cache.is_empty());
    }
}
