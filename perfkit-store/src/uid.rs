//! A run's stable id ([`new_run_uid`]): what `cargo perfkit sync` matches runs by, so that a
//! run copied between stores is the same run in both and copying it again adds nothing.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A fresh run uid: 128 random bits as 32 lowercase hex digits.
///
/// From the operating system's random source; where there is none, from std's per-process
/// random hash keys mixed with the time, the process and a counter, so two processes on two
/// machines never draw the same uid in practice (the uid is unique in a store by index, so a
/// collision would be refused, never merged).
pub(crate) fn new_run_uid() -> String {
    let mut bytes = [0u8; 16];
    let from_os = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok();
    if !from_os {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        for (i, half) in bytes.chunks_exact_mut(8).enumerate() {
            let mut h = RandomState::new().build_hasher();
            h.write_u128(nanos);
            h.write_u32(std::process::id());
            h.write_u64(count);
            h.write_usize(i);
            half.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_are_32_hex_digits_and_differ() {
        let a = new_run_uid();
        let b = new_run_uid();
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, b);
    }
}
