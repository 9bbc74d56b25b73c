//! What tells one build of kommhub from another: the version number does
//! not change between two development builds that render differently, so
//! the caches that keep rendered results (`pipeline/cache.rs`, the share
//! cards in `output/card.rs`) key them by a fingerprint of the running
//! executable's bytes, read once per process.

use std::io::Read;
use std::sync::OnceLock;

/// How much of the executable is read at a time. It is read piece by
/// piece, not whole: a release build with line tables is about 100 MB,
/// which was most of a small site's peak memory.
const PIECE: usize = 1 << 20;

/// The fingerprint of the running executable, or why it cannot be read.
pub fn print() -> Result<u64, String> {
    static PRINT: OnceLock<Result<u64, String>> = OnceLock::new();
    PRINT
        .get_or_init(|| {
            std::env::current_exe()
                .and_then(std::fs::File::open)
                .and_then(fingerprint)
                .map_err(|e| format!("kommhub's own executable cannot be read: {e}"))
        })
        .clone()
}

/// The fingerprints of `reader`'s pieces of [`PIECE`] bytes, folded into
/// one. Each piece is read whole before it is hashed, so the result
/// does not depend on how the reads happen to return.
fn fingerprint(mut reader: impl Read) -> std::io::Result<u64> {
    let mut piece = Vec::with_capacity(PIECE);
    let mut folded = Vec::new();
    loop {
        piece.clear();
        (&mut reader).take(PIECE as u64).read_to_end(&mut piece)?;
        folded.extend(crate::pipeline::fingerprint(&piece).to_le_bytes());
        if piece.len() < PIECE {
            return Ok(crate::pipeline::fingerprint(&folded));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out at most `step` bytes a read.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn the_fingerprint_is_the_same_however_the_reads_return() {
        let bytes: Vec<u8> = (0..PIECE * 2 + 77).map(|n| (n % 251) as u8).collect();
        let whole = fingerprint(&bytes[..]).unwrap();
        for step in [1000, 4096, PIECE - 1, PIECE + 5] {
            let trickled = Trickle {
                bytes: &bytes,
                step,
            };
            assert_eq!(fingerprint(trickled).unwrap(), whole, "step {step}");
        }
        let mut other = bytes.clone();
        other[PIECE + 3] ^= 1;
        assert_ne!(fingerprint(&other[..]).unwrap(), whole);
        assert_ne!(fingerprint(&bytes[..PIECE]).unwrap(), whole);
    }
}
