//! [`Table`]: rows of cells, written as aligned columns (optionally coloured) or as a
//! GitHub-flavoured markdown table.

use std::fmt::Write as _;

use perfkit::compare::Verdict;

use super::escape;

/// Where a column's text sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text.
    Left,
    /// Numbers.
    Right,
}

/// How a cell stands out: a colour on a terminal, bold in markdown for the alarming ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    /// Bad news (a regression).
    Red,
    /// Good news (an improvement).
    Green,
    /// Worth a look (new, missing).
    Yellow,
}

impl Paint {
    /// The paint of a verdict.
    pub fn verdict(v: Verdict) -> Option<Paint> {
        match v {
            Verdict::Regression => Some(Paint::Red),
            Verdict::Improvement => Some(Paint::Green),
            Verdict::New | Verdict::Missing => Some(Paint::Yellow),
            Verdict::Unchanged => None,
        }
    }

    fn ansi(self) -> &'static str {
        match self {
            Paint::Red => "\x1b[1;31m",
            Paint::Green => "\x1b[32m",
            Paint::Yellow => "\x1b[33m",
        }
    }
}

/// One cell: its text and how it stands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The text.
    pub text: String,
    /// Its paint, if any.
    pub paint: Option<Paint>,
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell { text, paint: None }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::from(text.to_owned())
    }
}

impl Cell {
    /// A painted cell.
    pub fn painted(text: impl Into<String>, paint: Option<Paint>) -> Cell {
        Cell {
            text: text.into(),
            paint,
        }
    }
}

/// A table with a header row.
#[derive(Debug, Clone, Default)]
pub struct Table {
    columns: Vec<(String, Align)>,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table with these columns.
    pub fn new(columns: &[(&str, Align)]) -> Table {
        Table {
            columns: columns.iter().map(|(h, a)| ((*h).to_owned(), *a)).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells are empty, extra ones are dropped).
    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn header(&self) -> Vec<Cell> {
        self.columns
            .iter()
            .map(|(h, _)| Cell::from(h.as_str()))
            .collect()
    }

    /// Aligned columns separated by two spaces, `indent` spaces in, coloured when `color`.
    /// Every cell is escaped for text ([`escape::text`]).
    pub fn text(&self, indent: usize, color: bool) -> String {
        let escaped: Vec<Vec<Cell>> = std::iter::once(self.header())
            .chain(self.rows.iter().cloned())
            .map(|row| {
                row.into_iter()
                    .map(|c| Cell::painted(escape::text(&c.text), c.paint))
                    .collect()
            })
            .collect();
        let width = |col: usize| {
            escaped
                .iter()
                .filter_map(|row| row.get(col))
                .map(|c| c.text.chars().count())
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..self.columns.len()).map(width).collect();
        let mut out = String::new();
        let lines = escaped.iter();
        for cells in lines {
            let mut line = " ".repeat(indent);
            for (col, (_, align)) in self.columns.iter().enumerate() {
                let empty = Cell::from("");
                let cell = cells.get(col).unwrap_or(&empty);
                let pad = widths[col].saturating_sub(cell.text.chars().count());
                let (left, right) = match align {
                    Align::Left => (0, pad),
                    Align::Right => (pad, 0),
                };
                if col > 0 {
                    line.push_str("  ");
                }
                line.push_str(&" ".repeat(left));
                match (cell.paint, color) {
                    (Some(p), true) => {
                        let _ = write!(line, "{}{}\x1b[0m", p.ansi(), cell.text);
                    }
                    _ => line.push_str(&cell.text),
                }
                line.push_str(&" ".repeat(right));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// A GitHub-flavoured markdown table; red cells are bold. Every cell is escaped for
    /// markdown ([`escape::markdown`]).
    pub fn markdown(&self) -> String {
        let escape = escape::markdown;
        let mut out = String::from("|");
        for (h, _) in &self.columns {
            let _ = write!(out, " {} |", escape(h));
        }
        out.push_str("\n|");
        for (_, align) in &self.columns {
            out.push_str(match align {
                Align::Left => ":---|",
                Align::Right => "---:|",
            });
        }
        out.push('\n');
        for row in &self.rows {
            out.push('|');
            for col in 0..self.columns.len() {
                let text = row.get(col).map_or(String::new(), |c| match c.paint {
                    Some(Paint::Red) if !c.text.is_empty() => format!("**{}**", escape(&c.text)),
                    _ => escape(&c.text),
                });
                let _ = write!(out, " {text} |");
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::new(&[("name", Align::Left), ("time", Align::Right)]);
        t.row(vec!["a|b".into(), "1.000 µs".into()]);
        t.row(vec![
            Cell::painted("long name", Some(Paint::Red)),
            "12 ns".into(),
        ]);
        t
    }

    #[test]
    fn columns_align_by_characters_not_bytes() {
        assert_eq!(
            table().text(2, false),
            "  name           time\n  a|b        1.000 µs\n  long name     12 ns\n"
        );
    }

    #[test]
    fn colour_codes_do_not_shift_columns() {
        let text = table().text(0, true);
        assert!(
            text.contains("\x1b[1;31mlong name\x1b[0m     12 ns"),
            "{text:?}"
        );
    }

    /// Issue 11.7: a newline in a name forged a table row; ESC reached the terminal.
    #[test]
    fn names_cannot_forge_rows_or_reach_the_terminal() {
        let mut t = Table::new(&[("name", Align::Left), ("time", Align::Right)]);
        t.row(vec!["x\n  forged  1 ns".into(), "5 ns".into()]);
        t.row(vec!["\x1b[2Jwiped".into(), "6 ns".into()]);
        let text = t.text(0, false);
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(!text.contains('\x1b'), "{text:?}");
        let md = t.markdown();
        assert_eq!(md.lines().count(), 4, "{md}");
        assert!(!md.contains('\x1b'), "{md:?}");
    }

    #[test]
    fn markdown_escapes_pipes_and_bolds_red() {
        assert_eq!(
            table().markdown(),
            "| name | time |\n|:---|---:|\n| a\\|b | 1.000 µs |\n| **long name** | 12 ns |\n"
        );
    }
}
