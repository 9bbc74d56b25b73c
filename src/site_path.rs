//! [`SitePath`]: a relative path inside the output folder that can never
//! escape it.
//!
//! Slugs, aliases and bundle assets become output paths. Building them as
//! `SitePath` checks once, at the edge, that no segment is `..`, `.` or
//! empty, so the writer never has to ask again.
//!
//! [`Written`] sorts the paths staff write in content (an image, a
//! download, a link to a bundle file) the same way, before anything is
//! looked up: a path that is absolute or climbs with `..` names no file
//! of the page's folder.

use std::fmt;

/// The longest URL segment (a slug, a tag's slug, a folder or an alias
/// segment) kommhub accepts, in bytes. File systems allow 255 bytes per
/// file or folder name; the bound leaves room for the writer's own
/// suffixes and is far above any readable address.
pub const MAX_SEGMENT_BYTES: usize = 200;

/// A `/`-separated relative path with only normal segments. Read back
/// from disk (the build cache) only through [`SitePath::new`]'s checks.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct SitePath(String);

impl TryFrom<String> for SitePath {
    type Error = String;
    fn try_from(path: String) -> Result<Self, String> {
        SitePath::new(&path).map_err(|refused| format!("not a safe site path: {:?}", refused.0))
    }
}

impl From<SitePath> for String {
    fn from(path: SitePath) -> String {
        path.0
    }
}

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

/// What a path written in content (front matter or Markdown) names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// An address with a scheme (`https:`, `mailto:`, `data:`), `//host`,
    /// an `@/…` content link or only a `#fragment`: not a file path.
    Address,
    /// A path below the folder it is written in: `foto.jpg`, `img/a.png`.
    Relative,
    /// A path from the site's root: `/presse/foto.jpg`.
    Absolute,
    /// A path with a `..` segment (also `%2e%2e`, or after a backslash),
    /// which climbs out of its folder.
    Climbing,
}

impl Written {
    /// Sorts `written`. Query and fragment are not part of the path.
    pub fn of(written: &str) -> Written {
        let written = written.trim();
        let path = written.split(['?', '#']).next().unwrap_or("");
        let has_scheme = path.split_once(':').is_some_and(|(scheme, _)| {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        });
        if has_scheme || path.starts_with("//") || path.is_empty() || written.starts_with("@/") {
            return Written::Address;
        }
        // Browsers read `\` as `/` and `%2e` as `.` in a path.
        let climbs = path.split(['/', '\\']).any(|segment| {
            let segment = segment.to_ascii_lowercase().replace("%2e", ".");
            segment == ".."
        });
        if climbs {
            Written::Climbing
        } else if path.starts_with(['/', '\\']) {
            Written::Absolute
        } else {
            Written::Relative
        }
    }
}

impl fmt::Display for SitePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Decodes `%C3%BC` and friends in a URL path or fragment. A `%` not
/// followed by two hex digits stays as written; bytes that are not UTF-8
/// become U+FFFD.
pub fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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
    fn written_paths_that_leave_their_folder_are_told_apart() {
        for (text, expected) in [
            ("foto.jpg", Written::Relative),
            ("img/karte.png", Written::Relative),
            ("./foto.jpg", Written::Relative),
            ("a..b.pdf", Written::Relative),
            ("../../x.jpg", Written::Climbing),
            ("img/../../x.jpg", Written::Climbing),
            ("%2E%2e/x.jpg", Written::Climbing),
            ("img\\..\\x.jpg", Written::Climbing),
            ("/../x.jpg", Written::Climbing),
            ("/etc/passwd", Written::Absolute),
            ("\\server\\x", Written::Absolute),
            ("https://example.org/../x.jpg", Written::Address),
            ("mailto:a@b.c", Written::Address),
            ("//cdn.example/x.js", Written::Address),
            ("@/news/a.md", Written::Address),
            ("#oben", Written::Address),
            ("foto.jpg?v=..", Written::Relative),
        ] {
            assert_eq!(Written::of(text), expected, "{text}");
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
