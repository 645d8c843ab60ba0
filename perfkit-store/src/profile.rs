//! [`StoredProfile`]: a result's profile as the store keeps it (migration 6): the routine's
//! folded call stacks, deflate-compressed, with their sample count and the peak heap.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

/// The profile of one result: which functions the routine's samples landed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProfile {
    /// Folded stacks (`caller;callee count` per line, root first), the harness folded away.
    pub folded: String,
    /// Samples in the stacks.
    pub samples: u64,
    /// Peak heap of a batch of calls, in bytes, when the counting allocator was installed.
    pub peak_bytes: Option<u64>,
}

/// Which result a profile belongs to: the newest result of `benchmark` at `size` whose metric
/// is `time`, in the run or at the commit asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileKey<'a> {
    /// The benchmark's name.
    pub benchmark: &'a str,
    /// Its size, for sized benchmarks.
    pub size: Option<u64>,
}

/// Folded stacks repeat long function paths line after line: deflate shrinks them about
/// tenfold.
pub(crate) fn compress(text: &str) -> Vec<u8> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
    encoder
        .write_all(text.as_bytes())
        .expect("writing to a Vec cannot fail");
    encoder.finish().expect("writing to a Vec cannot fail")
}

/// The text [`compress`] compressed; `Err` says what is wrong with the bytes.
pub(crate) fn decompress(bytes: &[u8]) -> Result<String, String> {
    let mut text = String::new();
    DeflateDecoder::new(bytes)
        .read_to_string(&mut text)
        .map_err(|e| format!("a stored profile cannot be decompressed: {e}"))?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compresses_and_back() {
        let text = "routine;parse;lex 12\nroutine;parse 3\n".repeat(50);
        let bytes = compress(&text);
        assert!(bytes.len() < text.len() / 10, "{} bytes", bytes.len());
        assert_eq!(decompress(&bytes).unwrap(), text);
        assert!(decompress(b"not deflate").is_err());
    }
}
