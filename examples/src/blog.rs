//! N+1 queries: a blog's post listing that asks the database for each post's author one post at
//! a time (one query for the posts, then one per post), versus one query that joins them.
//!
//! Both versions run their queries the way everyday code does, with `query_row`/`prepare` per
//! call, so each query pays SQLite's parse and plan. The database is in memory, so no query pays
//! a network round trip: against a database server the gap is far wider.

use rusqlite::{Connection, params};

use crate::rng::Rng;

/// One line of the listing: a post and the name of its author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The post's id.
    pub post_id: i64,
    /// The post's title.
    pub title: String,
    /// The name of the post's author.
    pub author: String,
}

/// A blog: authors and their posts in an in-memory SQLite database.
#[derive(Debug)]
pub struct Blog {
    conn: Connection,
}

const FIRST_NAMES: [&str; 8] = [
    "Ada", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Niklaus", "Radia",
];
const LAST_NAMES: [&str; 8] = [
    "Lovelace", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Wirth", "Perlman",
];
const TOPICS: [&str; 8] = [
    "indexes",
    "caching",
    "latency",
    "allocators",
    "queues",
    "profiling",
    "locks",
    "batching",
];

impl Blog {
    /// A blog with `authors` authors and `posts` posts spread over them at random
    /// (deterministic: the same arguments give the same blog).
    pub fn new(authors: usize, posts: usize) -> rusqlite::Result<Blog> {
        let mut conn = Connection::open_in_memory()?;
        conn.execute_batch(
            "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
             CREATE TABLE posts (
                 id INTEGER PRIMARY KEY,
                 author_id INTEGER NOT NULL REFERENCES authors(id),
                 title TEXT NOT NULL,
                 published INTEGER NOT NULL
             );
             CREATE INDEX posts_by_published ON posts(published);",
        )?;
        let mut rng = Rng::new(0xB10C);
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare("INSERT INTO authors (id, name) VALUES (?1, ?2)")?;
            for id in 1..=authors {
                let name = format!("{} {} #{id}", rng.pick(&FIRST_NAMES), rng.pick(&LAST_NAMES));
                insert.execute(params![id as i64, name])?;
            }
            let mut insert = tx.prepare(
                "INSERT INTO posts (id, author_id, title, published) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for id in 1..=posts {
                let author = 1 + rng.below(authors.max(1));
                let title = format!("Notes on {} ({id})", rng.pick(&TOPICS));
                // Publication times in random order, so the listing's ORDER BY does real work.
                let published = rng.below(1_000_000_000) as i64;
                insert.execute(params![id as i64, author as i64, title, published])?;
            }
        }
        tx.commit()?;
        Ok(Blog { conn })
    }

    /// The latest `limit` posts with their authors, the N+1 way: one query for the posts, then
    /// one query per post for its author's name.
    pub fn latest_n_plus_one(&self, limit: usize) -> rusqlite::Result<Vec<Listed>> {
        let mut posts = self
            .conn
            .prepare("SELECT id, title, author_id FROM posts ORDER BY published DESC LIMIT ?1")?;
        let rows = posts.query_map([limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut listed = Vec::with_capacity(limit);
        for row in rows {
            let (post_id, title, author_id) = row?;
            let author = self.conn.query_row(
                "SELECT name FROM authors WHERE id = ?1",
                [author_id],
                |r| r.get(0),
            )?;
            listed.push(Listed {
                post_id,
                title,
                author,
            });
        }
        Ok(listed)
    }

    /// The same listing with one query that joins each post to its author.
    pub fn latest_joined(&self, limit: usize) -> rusqlite::Result<Vec<Listed>> {
        let mut stmt = self.conn.prepare(
            "SELECT p.id, p.title, a.name
             FROM posts p JOIN authors a ON a.id = p.author_id
             ORDER BY p.published DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(Listed {
                post_id: r.get(0)?,
                title: r.get(1)?,
                author: r.get(2)?,
            })
        })?;
        rows.collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_versions_agree() {
        let blog = Blog::new(20, 500).unwrap();
        for limit in [0, 1, 50, 500, 1000] {
            let slow = blog.latest_n_plus_one(limit).unwrap();
            assert_eq!(slow, blog.latest_joined(limit).unwrap(), "limit = {limit}");
            assert_eq!(slow.len(), limit.min(500));
        }
    }

    #[test]
    fn listing_is_newest_first_with_each_posts_own_author() {
        let blog = Blog::new(3, 40).unwrap();
        let listed = blog.latest_joined(40).unwrap();
        let published: Vec<i64> = listed
            .iter()
            .map(|l| {
                blog.conn
                    .query_row(
                        "SELECT published FROM posts WHERE id = ?1",
                        [l.post_id],
                        |r| r.get(0),
                    )
                    .unwrap()
            })
            .collect();
        assert!(published.windows(2).all(|w| w[0] >= w[1]));
        let authors: std::collections::HashSet<&str> =
            listed.iter().map(|l| l.author.as_str()).collect();
        assert_eq!(authors.len(), 3, "{authors:?}");
    }
}
