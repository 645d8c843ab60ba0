//! Flame graphs of folded stacks, drawn by `inferno`: one profile's, and the differential one
//! of two profiles (the head's stacks, coloured by how their share changed from the base).

use std::io;

use inferno::{differential, flamegraph};

use super::Folded;

/// An interactive SVG flame graph of `folded`.
pub fn flame_graph(folded: &Folded, title: &str, subtitle: &str) -> io::Result<Vec<u8>> {
    let mut options = options(title, subtitle);
    let lines = folded.lines();
    let mut svg = Vec::new();
    flamegraph::from_lines(&mut options, lines.iter().map(String::as_str), &mut svg)?;
    Ok(svg)
}

/// A differential flame graph: the head's stacks, red where a stack's share grew since the
/// base and blue where it shrank (inferno's differential folding, counts normalised so two
/// profiles of different lengths compare by share).
pub fn differential_flame_graph(
    base: &Folded,
    head: &Folded,
    title: &str,
    subtitle: &str,
) -> io::Result<Vec<u8>> {
    let mut folded = Vec::new();
    differential::from_readers(
        differential::Options {
            normalize: true,
            strip_hex: false,
        },
        base.to_string().as_bytes(),
        head.to_string().as_bytes(),
        &mut folded,
    )?;
    let text = String::from_utf8_lossy(&folded).into_owned();
    let mut options = options(title, subtitle);
    let mut svg = Vec::new();
    flamegraph::from_lines(&mut options, text.lines(), &mut svg)?;
    Ok(svg)
}

fn options<'a>(title: &str, subtitle: &str) -> flamegraph::Options<'a> {
    let mut options = flamegraph::Options::default();
    options.title = title.to_owned();
    options.subtitle = Some(subtitle.to_owned());
    options.count_name = "samples".to_owned();
    // Same input, same SVG: colours from the function names, not a random generator.
    options.hash = true;
    options.deterministic = true;
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_both_kinds() {
        let base = Folded::parse("run;lex 1\nrun;eval 3\n").unwrap();
        let head = Folded::parse("run;lex 6\nrun;eval 4\n").unwrap();
        let svg = String::from_utf8(flame_graph(&head, "t", "s").unwrap()).unwrap();
        assert!(svg.contains("<svg") && svg.contains("lex"), "{svg}");
        let diff = differential_flame_graph(&base, &head, "t", "s").unwrap();
        let diff = String::from_utf8(diff).unwrap();
        assert!(diff.contains("<svg") && diff.contains("eval"), "{diff}");
    }
}
