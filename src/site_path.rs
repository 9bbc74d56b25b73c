//! [`SitePath`]: a relative path inside the output folder that can never
//! escape it.
//!
//! Slugs, aliases and bundle assets become output paths. Building them as
//! `SitePath` checks once, at the edge, that no segment is `..`, `.` or
//! empty, so the writer never has to ask again.

use std::fmt;

/// The longest URL segment (a slug, a tag's slug, a folder or an alias
/// segment) kommhub accepts, in bytes. File systems allow 255 bytes per
/// file or folder name; the bound leaves room for the writer's own
/// suffixes and is far above any readable address.
pub const MAX_SEGMENT_BYTES: usize = 200;

/// A `/`-separated relative path with only normal segments.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SitePath(String);

/// Why a path was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsafePath(pub String);

impl SitePath {
    /// Accepts `a/b/c.html`; refuses `..`, `.`, empty segments, backslashes
    /// and absolute paths.
    pub fn new(path: &str) -> Result<Self, UnsafePath> {
        let trimmed = path.trim_matches('/');
        let bad = trimmed.is_empty()
            || trimmed.contains('\\')
            || trimmed.contains('\0')
            || trimmed
                .split('/')
                .any(|segment| segment.is_empty() || segment == "." || segment == "..");
        if bad {
            return Err(UnsafePath(path.to_string()));
        }
        Ok(SitePath(trimmed.to_string()))
    }

    /// The `index.html` inside the folder a pretty URL names: `/en/news/` →
    /// `en/news/index.html`; `/` → `index.html`.
    pub fn index_of_url(url: &str) -> Result<Self, UnsafePath> {
        let folder = url.trim_matches('/');
        if folder.is_empty() {
            return Ok(SitePath("index.html".to_string()));
        }
        SitePath::new(&format!("{folder}/index.html"))
    }

    /// A fixed file name written in the code (`"sitemap.xml"`), which
    /// needs no check.
    pub(crate) fn trusted(path: &'static str) -> Self {
        SitePath(path.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// This path with `name` appended as further segments.
    pub fn join(&self, name: &str) -> Result<Self, UnsafePath> {
        SitePath::new(&format!("{}/{}", self.0, name))
    }
}

impl fmt::Display for SitePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_every_way_out() {
        for bad in [
            "..",
            "a/../b",
            "./a",
            "a//b",
            "",
            "/",
            "a\\..\\b",
            "../etc/passwd",
        ] {
            assert!(SitePath::new(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn accepts_normal_paths_and_trims_slashes() {
        assert_eq!(SitePath::new("/en/news/").unwrap().as_str(), "en/news");
        assert_eq!(SitePath::index_of_url("/").unwrap().as_str(), "index.html");
        assert_eq!(
            SitePath::index_of_url("/en/news/").unwrap().as_str(),
            "en/news/index.html"
        );
    }
}
