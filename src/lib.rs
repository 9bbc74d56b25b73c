//! kommhub: the static site generator of the joint news and standards hub
//! of ITK Rheinland and kdvz Rhein-Erft-Rur.
//!
//! The library holds the whole pipeline so that tests and benchmarks run it
//! in-process; `main.rs` only parses the command line. See ARCHITECTURE.md
//! for the stages and their invariants.

pub mod alloc;
pub mod check;
pub mod config;
pub mod control_chars;
pub mod diagnostics;
pub mod image_metadata;
pub mod images;
pub mod model;
pub mod output;
pub mod own_binary;
pub mod parse;
pub mod pipeline;
pub mod progress;
pub mod reads;
pub mod render;
pub mod root;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site_path;
pub mod slug;
pub mod source;
#[cfg(test)]
pub mod testing;
pub mod yaml;

use std::fmt;
use std::path::{Path, PathBuf};

pub use diagnostics::{Code, Diagnostic, Severity};
pub use pipeline::{BuildFailure, BuildOptions, BuildReport, build, render_site};

/// An infrastructure failure (the disk, not the user's content), or a
/// request kommhub refuses before it writes anything.
#[derive(Debug)]
pub enum Error {
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A usage error: writing here could lose files kommhub did not write
    /// (exit code 2).
    Refused {
        path: PathBuf,
        message: String,
        help: String,
    },
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// What the user can do about it, where kommhub knows.
    pub fn help(&self) -> Option<&str> {
        match self {
            Error::Io { source, .. } => io_help(source.kind()),
            Error::Refused { help, .. } => Some(help),
        }
    }
}

/// The operating system's failures translated into what a user can do.
fn io_help(kind: std::io::ErrorKind) -> Option<&'static str> {
    use std::io::ErrorKind::*;
    Some(match kind {
        PermissionDenied => {
            "kommhub may not write here: check the folder's owner and permissions, or choose \
             another folder with `--output`"
        }
        ReadOnlyFilesystem => "this disk is read-only: choose another folder with `--output`",
        StorageFull | QuotaExceeded => {
            "the disk is full: free some space or choose another disk with `--output`"
        }
        InvalidFilename => {
            "a file or folder name is too long for the file system (255 bytes per name): \
             shorten the slug, tag or file name it comes from"
        }
        NotADirectory | AlreadyExists => {
            "a file is in the way where kommhub needs a folder: choose another folder with \
             `--output`, or move the file"
        }
        _ => return None,
    })
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display())?,
            Error::Refused { path, message, .. } => write!(f, "{}: {message}", path.display())?,
        }
        match self.help() {
            Some(help) => write!(f, "\n  help: {help}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Refused { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_failures_say_what_the_user_can_do() {
        let cases = [
            (std::io::ErrorKind::PermissionDenied, "permissions"),
            (std::io::ErrorKind::ReadOnlyFilesystem, "read-only"),
            (std::io::ErrorKind::StorageFull, "disk is full"),
            (std::io::ErrorKind::InvalidFilename, "255 bytes"),
            (std::io::ErrorKind::NotADirectory, "a file is in the way"),
        ];
        for (kind, words) in cases {
            let error = Error::io(Path::new("/srv/public"), kind.into());
            let shown = error.to_string();
            assert!(shown.starts_with("/srv/public: "), "{shown}");
            assert!(
                shown.contains("\n  help: ") && shown.contains(words),
                "{shown}"
            );
        }
        let other = Error::io(Path::new("x"), std::io::ErrorKind::Interrupted.into());
        assert!(other.help().is_none());
    }
}
