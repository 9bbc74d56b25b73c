//! The language versions of a page: `alternates` and `switcher`.

use super::{AlternateView, SwitcherEntry};
use crate::model::{Page, Site};

/// `hreflang` alternates of `page`: each translation that exists.
pub fn alternates<'a>(site: &'a Site, page: &'a Page) -> Vec<AlternateView<'a>> {
    site.translations_of(page)
        .into_iter()
        .map(|p| AlternateView {
            lang: p.lang.as_str(),
            permalink: site.permalink(&p.url),
        })
        .collect()
}

/// The language switcher of `page`: its translation, else the other
/// language's home page.
pub fn switcher<'a>(site: &'a Site, page: &'a Page) -> Vec<SwitcherEntry<'a>> {
    let translations = site.translations_of(page);
    site.config
        .languages
        .iter()
        .filter(|l| l.code != page.lang)
        .map(|language| {
            let translation = translations.iter().find(|p| p.lang == language.code);
            let (url, translated) = match translation {
                Some(p) => (site.href(&p.url), true),
                None => (
                    site.home(&language.code)
                        .map(|h| site.href(&h.url))
                        .unwrap_or_else(|| site.href("/")),
                    false,
                ),
            };
            SwitcherEntry {
                lang: language.code.as_str(),
                name: &language.name,
                url,
                translated,
            }
        })
        .collect()
}
