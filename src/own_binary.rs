//! What tells one build of kommhub from another: the version number does
//! not change between two development builds that render differently, so
//! the caches that keep rendered results (`pipeline/cache.rs`, the share
//! cards in `output/card.rs`) key them by a fingerprint of the running
//! executable's bytes, read once per process.

use std::sync::OnceLock;

/// The fingerprint of the running executable, or why it cannot be read.
pub fn print() -> Result<u64, String> {
    static PRINT: OnceLock<Result<u64, String>> = OnceLock::new();
    PRINT
        .get_or_init(|| {
            let bytes = std::env::current_exe()
                .and_then(std::fs::read)
                .map_err(|e| format!("kommhub's own executable cannot be read: {e}"))?;
            Ok(crate::pipeline::fingerprint(&bytes))
        })
        .clone()
}
