//! [`TranslationKey`]: what the language versions of one page share.
//!
//! Part of `parse`, which gives every [`super::Document`] its key; the
//! model pairs translations, numbers releases and groups standards by it,
//! and `check` finds a page's other languages with it. A key is made only
//! here, from a file's folder and its name without language suffix, so
//! two spellings of one key cannot arise.

use std::fmt;

use crate::source::role::register_key;

/// Files that differ only in their language suffix share this key:
/// `news/2025-01-20-kooperation` for `news/2025-01-20-kooperation.md`
/// and `news/2025-01-20-kooperation.en.md`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TranslationKey(String);

impl TranslationKey {
    /// The key of the file `base` (its name without language suffix and
    /// extension) in `folder`, relative to `content/` (`""` at the top).
    pub fn of(folder: &str, base: &str) -> TranslationKey {
        if folder.is_empty() {
            TranslationKey(base.to_string())
        } else {
            TranslationKey(format!("{folder}/{base}"))
        }
    }

    /// The key of the home pages (`content/_index*.md`).
    pub fn home() -> TranslationKey {
        TranslationKey::of("", "_index")
    }

    /// The key of the register pages (`content/standards/_index*.md`).
    pub fn register() -> TranslationKey {
        TranslationKey(register_key())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TranslationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_at_the_top_have_no_folder_in_their_key() {
        assert_eq!(TranslationKey::of("", "impressum").as_str(), "impressum");
        assert_eq!(
            TranslationKey::of("news", "2025-01-20-kooperation").to_string(),
            "news/2025-01-20-kooperation"
        );
        assert_eq!(TranslationKey::home().as_str(), "_index");
        assert_eq!(TranslationKey::register().as_str(), "standards/_index");
    }
}
