//! Sequential versus parallel: verifying the checksums of a batch of uploaded files, one file
//! after another versus spread over every core with `rayon`. Each file is independent of the
//! others, so the work divides with no coordination beyond collecting the results.

use rayon::prelude::*;

use crate::rng::Rng;

/// One uploaded file and the CRC-32 its uploader declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// The CRC-32 (IEEE) the uploader sent along.
    pub declared_crc: u32,
}

/// `files` uploads of `size` bytes each (deterministic); every seventh one is corrupted, so its
/// declared checksum no longer matches.
pub fn uploads(files: usize, size: usize) -> Vec<Upload> {
    let mut rng = Rng::new(0xF11E5);
    (0..files)
        .map(|i| {
            let mut bytes: Vec<u8> = (0..size.div_ceil(8))
                .flat_map(|_| rng.next_u64().to_le_bytes())
                .take(size)
                .collect();
            let declared_crc = crc32(&bytes);
            if i % 7 == 3 && !bytes.is_empty() {
                let at = rng.below(bytes.len());
                bytes[at] ^= 0x20;
            }
            Upload {
                bytes,
                declared_crc,
            }
        })
        .collect()
}

/// The CRC-32 (IEEE 802.3, as zlib and PNG compute it) of `bytes`.
pub fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |crc, &b| {
        CRC_TABLE[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8)
    })
}

/// The byte-at-a-time lookup table of the reflected polynomial 0xEDB88320.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// Whether each upload's bytes match its declared checksum, one file after another.
pub fn verify_sequential(uploads: &[Upload]) -> Vec<bool> {
    uploads
        .iter()
        .map(|u| crc32(&u.bytes) == u.declared_crc)
        .collect()
}

/// The same verdicts, with the files spread over rayon's thread pool (one thread per core).
pub fn verify_parallel(uploads: &[Upload]) -> Vec<bool> {
    uploads
        .par_iter()
        .map(|u| crc32(&u.bytes) == u.declared_crc)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn both_versions_agree() {
        let batch = uploads(100, 1000);
        let verdicts = verify_sequential(&batch);
        assert_eq!(verdicts, verify_parallel(&batch));
        let expected: Vec<bool> = (0..100).map(|i| i % 7 != 3).collect();
        assert_eq!(verdicts, expected);
    }
}
