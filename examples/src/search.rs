//! Search: a product search endpoint over ~50,000 products, investigated as one would in
//! production, step by step, reading p50/p95/p99 at each step.
//!
//! 1. [`Strategy::LikeScan`]: `LIKE '%term%'` filtered and sorted by popularity. `LIKE` with a
//!    leading wildcard cannot use an index, so every request reads every row.
//! 2. [`Strategy::FtsCoveringIndex`]: an FTS5 full-text index finds the matches and a covering
//!    index on popularity ranks them without reading the table. The median drops several-fold,
//!    the tail less: a common word ("boots") has thousands of matches, all gathered into a set
//!    before the first result, and a rare one walks most of the popularity index to fill a page.
//! 3. [`Strategy::FtsRanked`]: the full-text index stores the products in popularity order
//!    (rowid = rank) along with the columns the endpoint returns, so a search reads the first
//!    20 matches and stops, whatever the word. The price: ranks change when popularity does, so
//!    this index is rebuilt when popularity is recomputed (say, nightly) rather than per sale.
//!
//! Shoppers search for common words and for model numbers ("m4821": a handful of matches), so
//! both kinds are in the traffic the perf tests replay.

use rusqlite::{Connection, params};

use crate::rng::{Rng, Zipf};

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The product's id.
    pub id: i64,
    /// The product's name.
    pub name: String,
    /// How popular the product is (higher first).
    pub popularity: i64,
}

/// Results per page, as the endpoint returns them.
pub const PAGE: usize = 20;

const ADJECTIVES: [&str; 16] = [
    "waterproof",
    "vintage",
    "compact",
    "cozy",
    "sturdy",
    "elegant",
    "rustic",
    "modern",
    "classic",
    "premium",
    "foldable",
    "portable",
    "handmade",
    "organic",
    "wireless",
    "minimalist",
];
const MATERIALS: [&str; 12] = [
    "leather", "wool", "cotton", "bamboo", "steel", "ceramic", "walnut", "linen", "denim", "silk",
    "copper", "glass",
];
const COLOURS: [&str; 10] = [
    "crimson", "navy", "olive", "ivory", "charcoal", "teal", "amber", "coral", "mustard",
    "lavender",
];
const NOUNS: [&str; 30] = [
    "boots", "sneakers", "jacket", "scarf", "gloves", "backpack", "umbrella", "kettle", "blender",
    "toaster", "lamp", "pillow", "blanket", "mug", "teapot", "skillet", "ladle", "candle", "clock",
    "mirror", "rug", "stool", "bench", "desk", "shelf", "drawer", "wallet", "hammock", "thermos",
    "notebook",
];
const PHRASES: [&str; 6] = [
    "perfect for everyday use",
    "ships within two days",
    "a customer favourite",
    "built to last for years",
    "easy to clean",
    "backed by our warranty",
];

/// Every word a query may search for: each appears in the catalogue as a whole word, and none
/// is part of another word there, so `LIKE '%term%'` and a full-text match find the same rows.
pub fn terms() -> Vec<&'static str> {
    NOUNS
        .iter()
        .chain(&ADJECTIVES)
        .chain(&MATERIALS)
        .chain(&COLOURS)
        .copied()
        .collect()
}

/// How the endpoint finds and ranks its results: each step of the investigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// `LIKE '%term%'` over name and description, then a sort by popularity: a full scan.
    LikeScan,
    /// An FTS5 index for the matches, a covering index on popularity for the sort.
    FtsCoveringIndex,
    /// An FTS5 index whose rows are in popularity order: the first matches are the results.
    FtsRanked,
}

impl Strategy {
    /// Every strategy, slowest first.
    pub const ALL: [Strategy; 3] = [
        Strategy::LikeScan,
        Strategy::FtsCoveringIndex,
        Strategy::FtsRanked,
    ];

    fn sql(self) -> &'static str {
        match self {
            Strategy::LikeScan => {
                "SELECT id, name, popularity FROM products
                 WHERE name LIKE ?1 OR description LIKE ?1
                 ORDER BY popularity DESC, id LIMIT ?2"
            }
            // The unary `+` keeps SQLite from looking up every match by rowid and sorting them
            // all (its own choice, slower still): it walks the covering index in popularity
            // order, checks each entry against the set of matches, and stops at the page's end.
            Strategy::FtsCoveringIndex => {
                "SELECT id, name, popularity FROM products
                 WHERE +id IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ?1)
                 ORDER BY popularity DESC, id LIMIT ?2"
            }
            Strategy::FtsRanked => {
                "SELECT id, name, popularity FROM products_ranked
                 WHERE products_ranked MATCH ?1
                 ORDER BY rowid LIMIT ?2"
            }
        }
    }

    /// `term` as this strategy's query parameter.
    fn pattern(self, term: &str) -> String {
        match self {
            Strategy::LikeScan => format!("%{term}%"),
            // Quoted, so no word is read as an FTS5 operator.
            Strategy::FtsCoveringIndex | Strategy::FtsRanked => {
                format!("\"{}\"", term.replace('"', "\"\""))
            }
        }
    }

    /// What the strategy needs besides the table (idempotent).
    fn schema(self) -> &'static str {
        match self {
            Strategy::LikeScan => "",
            Strategy::FtsCoveringIndex => {
                "CREATE VIRTUAL TABLE IF NOT EXISTS products_fts USING fts5(
                     name, description, content = 'products', content_rowid = 'id'
                 );
                 INSERT INTO products_fts(products_fts) VALUES ('rebuild');
                 CREATE INDEX IF NOT EXISTS products_by_popularity
                     ON products(popularity DESC, id, name);
                 ANALYZE;"
            }
            // Only name and description are indexed; id and popularity ride along so that a
            // search never reads the products table. The same order as the other strategies'
            // ORDER BY (popularity, then id), so all three return the same page.
            Strategy::FtsRanked => {
                "CREATE VIRTUAL TABLE IF NOT EXISTS products_ranked USING fts5(
                     name, description, id UNINDEXED, popularity UNINDEXED
                 );
                 DELETE FROM products_ranked;
                 INSERT INTO products_ranked (rowid, name, description, id, popularity)
                     SELECT row_number() OVER (ORDER BY popularity DESC, id),
                            name, description, id, popularity
                     FROM products;"
            }
        }
    }
}

/// The products database: the table, plus whatever indexes [`Catalogue::build`] added.
#[derive(Debug)]
pub struct Catalogue {
    conn: Connection,
}

/// Distinct model numbers; each product gets one at random, so one matches about five products.
pub const MODELS: usize = 10_000;

impl Catalogue {
    /// A catalogue of `products` products (deterministic), without indexes. Some words are far
    /// more common than others, so some searches match thousands of products and others few.
    pub fn new(products: usize) -> rusqlite::Result<Catalogue> {
        let mut conn = Connection::open_in_memory()?;
        conn.execute_batch(
            "CREATE TABLE products (
                 id INTEGER PRIMARY KEY,
                 name TEXT NOT NULL,
                 description TEXT NOT NULL,
                 price_cents INTEGER NOT NULL,
                 popularity INTEGER NOT NULL
             );",
        )?;
        let mut rng = Rng::new(0x5EA2C4);
        let (adjective, material, colour, noun) = (
            Zipf::new(ADJECTIVES.len(), 0.8),
            Zipf::new(MATERIALS.len(), 0.8),
            Zipf::new(COLOURS.len(), 0.8),
            Zipf::new(NOUNS.len(), 1.0),
        );
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO products (id, name, description, price_cents, popularity)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for id in 1..=products {
                let (a, m, c, n) = (
                    ADJECTIVES[adjective.sample(&mut rng)],
                    MATERIALS[material.sample(&mut rng)],
                    COLOURS[colour.sample(&mut rng)],
                    NOUNS[noun.sample(&mut rng)],
                );
                let name = format!(
                    "{} {} {} {}",
                    capitalise(a),
                    capitalise(m),
                    capitalise(n),
                    model(rng.below(MODELS)).to_uppercase()
                );
                let description = format!("A {a} {n} made of {m}, in {c}; {}.", rng.pick(&PHRASES));
                let price = 500 + rng.below(50_000) as i64;
                let popularity = rng.below(1_000_000) as i64;
                insert.execute(params![id as i64, name, description, price, popularity])?;
            }
        }
        tx.commit()?;
        Ok(Catalogue { conn })
    }

    /// Adds the indexes that `strategy` needs (none for [`Strategy::LikeScan`]).
    pub fn build(&self, strategy: Strategy) -> rusqlite::Result<()> {
        self.conn.execute_batch(strategy.schema())
    }

    /// The page of most popular products whose name or description contains the word `term`
    /// (after [`Catalogue::build`] for `strategy`).
    pub fn search(&self, strategy: Strategy, term: &str) -> rusqlite::Result<Vec<Hit>> {
        let mut stmt = self.conn.prepare_cached(strategy.sql())?;
        let rows = stmt.query_map(params![strategy.pattern(term), PAGE as i64], hit)?;
        rows.collect()
    }

    /// SQLite's plan for `strategy`'s query, one line per step as `EXPLAIN QUERY PLAN` prints
    /// it: the first thing to read in a slow-endpoint investigation.
    pub fn explain(&self, strategy: Strategy) -> rusqlite::Result<String> {
        let sql = format!("EXPLAIN QUERY PLAN {}", strategy.sql());
        let mut stmt = self.conn.prepare(&sql)?;
        let pattern = strategy.pattern("boots");
        let lines = stmt.query_map(params![pattern, PAGE as i64], |r| r.get::<_, String>(3))?;
        lines
            .collect::<rusqlite::Result<Vec<_>>>()
            .map(|l| l.join("\n"))
    }
}

fn hit(r: &rusqlite::Row<'_>) -> rusqlite::Result<Hit> {
    Ok(Hit {
        id: r.get(0)?,
        name: r.get(1)?,
        popularity: r.get(2)?,
    })
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The model number `i` as shoppers type it, e.g. `m0042`.
pub fn model(i: usize) -> String {
    format!("m{i:04}")
}

/// A stream of `n` searches: seven in ten are words, a few searched very often and most rarely
/// (Zipf); three in ten are model numbers.
pub fn traffic(n: usize) -> Vec<String> {
    let terms = terms();
    let zipf = Zipf::new(terms.len(), 1.0);
    let mut rng = Rng::new(0x7E2A);
    (0..n)
        .map(|_| {
            if rng.below(10) < 3 {
                model(rng.below(MODELS))
            } else {
                terms[zipf.sample(&mut rng)].to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_term_is_part_of_another_word() {
        let words: Vec<&str> = terms()
            .into_iter()
            .chain(PHRASES.iter().flat_map(|p| p.split(' ')))
            .chain(["a", "made", "of", "in"])
            .collect();
        for t in terms() {
            for w in &words {
                assert!(t == *w || !w.contains(t), "`{t}` is part of `{w}`");
            }
        }
    }

    #[test]
    fn every_strategy_agrees() {
        let catalogue = Catalogue::new(3_000).unwrap();
        let mut searches: Vec<String> = terms().into_iter().map(String::from).collect();
        searches.extend(traffic(200));
        searches.extend(["Mug", "M0042", "nothing-like-this"].map(String::from));
        let slow: Vec<Vec<Hit>> = searches
            .iter()
            .map(|t| catalogue.search(Strategy::LikeScan, t).unwrap())
            .collect();
        for strategy in [Strategy::FtsCoveringIndex, Strategy::FtsRanked] {
            catalogue.build(strategy).unwrap();
            for (term, expected) in searches.iter().zip(&slow) {
                let found = catalogue.search(strategy, term).unwrap();
                assert_eq!(&found, expected, "{strategy:?}, term = {term}");
            }
        }
        assert_eq!(slow[0].len(), PAGE);
        assert!(slow.last().unwrap().is_empty());
    }

    #[test]
    fn results_are_the_most_popular_first() {
        let catalogue = Catalogue::new(2_000).unwrap();
        let hits = catalogue.search(Strategy::LikeScan, "lamp").unwrap();
        assert_eq!(hits.len(), PAGE);
        assert!(hits.windows(2).all(|w| w[0].popularity >= w[1].popularity));
        assert!(hits.iter().all(|h| h.name.contains("Lamp")));
    }

    #[test]
    fn building_twice_is_harmless() {
        let catalogue = Catalogue::new(500).unwrap();
        for strategy in Strategy::ALL {
            catalogue.build(strategy).unwrap();
            catalogue.build(strategy).unwrap();
            assert_eq!(catalogue.search(strategy, "boots").unwrap().len(), PAGE);
        }
    }

    #[test]
    fn only_the_full_scan_reads_the_whole_table() {
        let catalogue = Catalogue::new(500).unwrap();
        let plan = |s| {
            catalogue.build(s).unwrap();
            catalogue.explain(s).unwrap()
        };
        let like = plan(Strategy::LikeScan);
        assert!(
            like.contains("SCAN products") && like.contains("TEMP B-TREE"),
            "{like}"
        );
        let fts = plan(Strategy::FtsCoveringIndex);
        assert!(
            fts.contains("COVERING INDEX products_by_popularity")
                && fts.contains("products_fts")
                && !fts.contains("TEMP B-TREE"),
            "{fts}"
        );
        let ranked = plan(Strategy::FtsRanked);
        assert!(
            ranked.contains("products_ranked") && !ranked.contains("TEMP B-TREE"),
            "{ranked}"
        );
    }

    #[test]
    fn traffic_mixes_common_words_and_model_numbers() {
        let t = traffic(1000);
        let boots = t.iter().filter(|x| *x == "boots").count();
        let rare = t.iter().filter(|x| *x == "lavender").count();
        let models = t
            .iter()
            .filter(|x| x.starts_with('m') && x.len() == 5)
            .count();
        assert!(
            boots > 50 && boots > 5 * rare,
            "boots {boots}, lavender {rare}"
        );
        assert!((250..350).contains(&models), "{models}");
    }
}
