//! Escaping of text perfkit does not control (benchmark, testbed and branch names, commit
//! subjects), one function per output kind; every renderer of that kind calls it.
//!
//! - [`text`]: terminal and plain-text output. A control character (newline, ESC, ...) would
//!   forge a table row or reach the terminal as a command; it is shown as a Rust escape
//!   (`\n`, `\u{1b}`) instead, and a backslash as `\\`, so the escaped form is unambiguous.
//!   GitHub Actions reads workflow commands from any line of a step's output that starts
//!   with `::` after blanks, so a name that would start a line that way has its first `:`
//!   shown as `\u{3a}`.
//! - [`markdown`]: pull-request comments and step summaries. [`text`]'s escapes (a newline
//!   would end a table row), then a backslash before every character markdown or HTML would
//!   act on (`|` ends a cell, `<` opens a tag, `*`, `_`, `~`, `` ` `` format). Brackets are
//!   left alone: GitHub links bare URLs anyway, and `[a](b)` forges no row or tag.
//!   [`markdown_code`] writes a code span that no backtick inside can close.
//! - [`html`]: the HTML report (element text and quoted attribute values, SVG included).
//!   [`text`]'s escapes (a control character has no business in a page either), then the five
//!   characters HTML acts on as entities, so a name is always text and never markup.
//! - [`workflow_data`] and [`workflow_property`]: the message and properties of a GitHub
//!   workflow command (`::error title=...::message`), escaped as the runner expects.

use std::fmt::Write as _;

/// `s` for a terminal or plain text: control characters and the backslash escaped, and no
/// line can start a workflow command.
///
/// ```text
/// "a\nb" -> "a\\nb"    "\x1b[2J" -> "\\u{1b}[2J"    "::error::x" -> "\\u{3a}:error::x"
/// ```
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_bidi_control(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    let blanks = out.len() - out.trim_start().len();
    if out[blanks..].starts_with("::") {
        out.replace_range(blanks..=blanks, "\\u{3a}");
    }
    out
}

/// Characters that reorder the text around them on display ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// `s` for GitHub-flavoured markdown (a table cell, a heading, a sentence).
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in text(s).chars() {
        if matches!(c, '\\' | '|' | '<' | '>' | '*' | '_' | '~' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `s` as a markdown code span: fenced by more backticks than any run inside it, with
/// [`text`]'s escapes (a code span cannot hold a line break).
pub fn markdown_code(s: &str) -> String {
    let s = text(s);
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{fence}{s}{fence}")
    } else {
        format!("{fence} {s} {fence}")
    }
}

/// `s` as HTML text or a double- or single-quoted attribute value.
///
/// ```text
/// "<b>&\"'" -> "&lt;b&gt;&amp;&quot;&#39;"
/// ```
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in text(s).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The message of a workflow command (`::error::MESSAGE`).
pub fn workflow_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property of a workflow command (`::error title=PROPERTY::...`).
pub fn workflow_property(s: &str) -> String {
    workflow_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_control_characters_and_leading_workflow_commands() {
        assert_eq!(text("app::parse"), "app::parse");
        assert_eq!(text("ünïcødé ✓"), "ünïcødé ✓");
        assert_eq!(text("a\nb\tc\r"), "a\\nb\\tc\\r");
        assert_eq!(text("\x1b[2Jgone"), "\\u{1b}[2Jgone");
        assert_eq!(text("back\\slash"), "back\\\\slash");
        assert_eq!(text("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(text("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(text("::error::forged"), "\\u{3a}:error::forged");
        assert_eq!(text("  ::warning::x"), "  \\u{3a}:warning::x");
        assert_eq!(text("x\n::error::forged"), "x\\n::error::forged");
    }

    #[test]
    fn markdown_cannot_end_a_cell_or_open_a_tag() {
        assert_eq!(markdown("a|b"), "a\\|b");
        assert_eq!(
            markdown("x\n| forged | row |"),
            "x\\\\n\\| forged \\| row \\|"
        );
        assert_eq!(markdown("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(markdown("hash_set"), "hash\\_set");
    }

    #[test]
    fn code_spans_are_fenced_past_any_backtick_inside() {
        assert_eq!(markdown_code("snapshot"), "`snapshot`");
        assert_eq!(markdown_code("a`b"), "`` a`b ``");
        assert_eq!(markdown_code("x\ny"), "`x\\ny`");
    }

    #[test]
    fn html_is_always_text() {
        assert_eq!(
            html("<img src=x onerror=\"a('&')\">"),
            "&lt;img src=x onerror=&quot;a(&#39;&amp;&#39;)&quot;&gt;"
        );
        assert_eq!(html("a\nb"), "a\\nb");
    }

    #[test]
    fn workflow_commands_are_escaped() {
        assert_eq!(workflow_data("50% slower\nnow"), "50%25 slower%0Anow");
        assert_eq!(workflow_property("a:b,c"), "a%3Ab%2Cc");
    }
}
