//! [`Folded`]: sampled call stacks in the folded format flame-graph tools share
//! (`root;caller;callee 42`, one stack per line, root first).

use std::collections::BTreeMap;
use std::fmt;

/// Call stacks, root first, each with the number of samples that caught it.
///
/// ```
/// use perfkit::profile::Folded;
///
/// let folded = Folded::parse("main;parse 3\nmain;parse;lex 1\n").unwrap();
/// assert_eq!(folded.samples(), 4);
/// assert_eq!(folded.to_string(), "main;parse 3\nmain;parse;lex 1\n");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Folded {
    stacks: BTreeMap<String, u64>,
}

/// A line of folded stacks that is not `frames count`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "line {line} of the folded stacks is not `frame;frame;... count`: `{text}` (a file written \
     by perfkit or `inferno-collapse-*` has this form; was it edited?)"
)]
pub struct FoldedError {
    /// The line number, from 1.
    pub line: usize,
    /// The line.
    pub text: String,
}

impl Folded {
    /// No stacks.
    pub fn new() -> Folded {
        Folded::default()
    }

    /// Adds `count` samples of the stack `frames` (root first). A `;` inside a frame's name
    /// would split it, so it becomes `:`; an empty stack is not added.
    pub fn add<S: AsRef<str>>(&mut self, frames: &[S], count: u64) {
        if frames.is_empty() || count == 0 {
            return;
        }
        let key = frames
            .iter()
            .map(|f| f.as_ref().replace([';', '\n'], ":"))
            .collect::<Vec<_>>()
            .join(";");
        *self.stacks.entry(key).or_default() += count;
    }

    /// Reads folded stacks (`a;b;c 12` per line; blank lines are skipped).
    pub fn parse(text: &str) -> Result<Folded, FoldedError> {
        let mut folded = Folded::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end();
            if line.is_empty() {
                continue;
            }
            let bad = || FoldedError {
                line: i + 1,
                text: line.to_owned(),
            };
            let (stack, count) = line.rsplit_once(' ').ok_or_else(bad)?;
            let count: u64 = count.parse().map_err(|_| bad())?;
            if stack.is_empty() {
                return Err(bad());
            }
            *folded.stacks.entry(stack.to_owned()).or_default() += count;
        }
        Ok(folded)
    }

    /// Every stack (frames joined by `;`, root first) with its samples, in text order.
    pub fn stacks(&self) -> impl Iterator<Item = (&str, u64)> {
        self.stacks.iter().map(|(k, &v)| (k.as_str(), v))
    }

    /// How many samples the stacks hold.
    pub fn samples(&self) -> u64 {
        self.stacks.values().sum()
    }

    /// Whether no sample was taken.
    pub fn is_empty(&self) -> bool {
        self.stacks.is_empty()
    }

    /// The lines, for [`inferno`]'s readers.
    pub fn lines(&self) -> Vec<String> {
        self.stacks
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect()
    }
}

impl fmt::Display for Folded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (stack, count) in &self.stacks {
            writeln!(f, "{stack} {count}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_merges_equal_stacks() {
        let mut f = Folded::new();
        f.add(&["main", "a;b"], 2);
        f.add(&["main", "a:b"], 1);
        f.add::<&str>(&[], 5);
        assert_eq!(f.to_string(), "main;a:b 3\n");
        assert_eq!(Folded::parse(&f.to_string()).unwrap(), f);
    }

    #[test]
    fn a_line_without_a_count_is_named() {
        let e = Folded::parse("main;a 1\nmain;b x\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(e.text, "main;b x");
    }
}
