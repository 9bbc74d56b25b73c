//! kommhub: the static site generator of the joint news and standards hub
//! of ITK Rheinland and kdvz Rhein-Erft-Rur.
//!
//! The library holds the whole pipeline so that tests and benchmarks run it
//! in-process; `main.rs` only parses the command line. See ARCHITECTURE.md
//! for the stages and their invariants.

pub mod check;
pub mod config;
pub mod diagnostics;
pub mod images;
pub mod model;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod render;
pub mod root;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod session;
pub mod site_path;
pub mod slug;
pub mod source;
pub mod yaml;

use std::fmt;
use std::path::{Path, PathBuf};

pub use diagnostics::{Diagnostic, Severity};
pub use pipeline::{BuildFailure, BuildOptions, BuildReport, build, render_site};

/// An infrastructure failure: the disk, not the user's content.
#[derive(Debug)]
pub enum Error {
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
        }
    }
}
