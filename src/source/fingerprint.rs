//! Size and SHA-256 of the files a standard offers for download.
//!
//! Part of the source stage because it reads the disk: the standards
//! register shows each download with its size and checksum, so readers can
//! check that the file they got is the one the associations published. Only
//! files below `content/standards/` are measured; images elsewhere are not
//! read twice.

use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::diagnostics::{Code, Diagnostic};

/// What a downloadable file is: its length and checksum.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint {
    /// Bytes.
    pub size: u64,
    /// Lower-case hexadecimal SHA-256 of the content.
    pub sha256: String,
}

impl Fingerprint {
    /// The fingerprint of `bytes`.
    pub fn of(bytes: &[u8]) -> Fingerprint {
        let digest = Sha256::digest(bytes);
        let mut sha256 = String::with_capacity(64);
        for byte in digest.iter() {
            // Writing to a String cannot fail.
            let _ = write!(sha256, "{byte:02x}");
        }
        Fingerprint {
            size: bytes.len() as u64,
            sha256,
        }
    }
}

/// Whether files in `folder` (relative to `content/`) are downloads of a
/// standard: anything below `standards/`.
pub fn is_download_folder(folder: &str) -> bool {
    super::role::is_below_register(folder)
}

/// The fingerprint of the asset at `path` when it lies in a standard's
/// folder; a read failure becomes a diagnostic at `relative`.
pub fn of_download(
    folder: &str,
    path: &Path,
    relative: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<Fingerprint> {
    if !is_download_folder(folder) {
        return None;
    }
    match std::fs::read(path) {
        Ok(bytes) => Some(Fingerprint::of(&bytes)),
        Err(error) => {
            problems.push(Diagnostic::error(
                Code::SourceUnreadable,
                relative,
                format!("this file cannot be read: {error}"),
                "check the file's permissions",
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        let fingerprint = Fingerprint::of(b"abc");
        assert_eq!(fingerprint.size, 3);
        assert_eq!(
            fingerprint.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn only_standard_folders_hold_downloads() {
        assert!(is_download_folder("standards/ozg"));
        assert!(!is_download_folder("standards"));
        assert!(!is_download_folder("standardsx/a"));
        assert!(!is_download_folder("news/2025-01-20-a"));
    }
}
