//! [`UrlPath`]: where a page or listing lives on the site.
//!
//! Part of the model, and only the model makes one from text: `urls.rs`
//! from the language, the section slugs and the page's slug, `news.rs`
//! for the listing pages. So every address has slashes at both ends
//! (`/en/news/kooperation/`), and no later stage checks that again.
//! Render, `check`, search and the pipeline read it as a `&str` (it
//! dereferences to one) or step up to its [`UrlPath::parent`] (a
//! standard's address, a version's download folder); the addresses
//! they make themselves (such as feeds, files, the search page) stay
//! strings, as do the keys of `Site::images`, which are files, not pretty
//! URLs.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use crate::config::{Lang, SiteConfig};

/// A site-relative address without base path, with slashes at both ends:
/// `/` for the default language's home page, `/en/news/kooperation/`.
///
/// It hashes, compares and orders as its text, so maps keyed by it are
/// read with a `&str`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UrlPath(String);

impl UrlPath {
    /// The address of `lang`'s home page: `/`, or `/en/` for a language
    /// other than the default one.
    pub(in crate::model) fn home(config: &SiteConfig, lang: &Lang) -> UrlPath {
        // `lang_prefix` is empty or `/<lang>`, never ends with a slash.
        UrlPath(format!("{}/", config.lang_prefix(lang)))
    }

    /// This address with `segment` and a slash added:
    /// `/en/news/` and `2025` give `/en/news/2025/`.
    pub(in crate::model) fn join(&self, segment: &str) -> UrlPath {
        // Assembly joins some 100,000 segments: no formatting machinery.
        let mut joined = String::with_capacity(self.0.len() + segment.len() + 1);
        joined.push_str(&self.0);
        joined.push_str(segment);
        joined.push('/');
        UrlPath(joined)
    }

    /// The address one segment up: `/standards/hub-std-0002/1.1/` gives
    /// `/standards/hub-std-0002/`; `/` stays `/`.
    pub fn parent(&self) -> UrlPath {
        let trimmed = self.0.trim_end_matches('/');
        match trimmed.rfind('/') {
            Some(index) => UrlPath(trimmed[..=index].to_string()),
            None => UrlPath("/".to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for UrlPath {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for UrlPath {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UrlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for UrlPath {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for UrlPath {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> UrlPath {
        UrlPath(text.to_string())
    }

    #[test]
    fn join_adds_a_segment_and_a_slash() {
        assert_eq!(path("/en/news/").join("2025"), "/en/news/2025/");
        assert_eq!(path("/").join("impressum").as_str(), "/impressum/");
    }

    #[test]
    fn parent_drops_the_last_segment() {
        assert_eq!(
            path("/standards/hub-std-1/1.0/").parent(),
            "/standards/hub-std-1/"
        );
        assert_eq!(path("/en/standards/x/2/").parent(), "/en/standards/x/");
        assert_eq!(path("/en/").parent(), "/");
        assert_eq!(path("/").parent(), "/");
    }
}
