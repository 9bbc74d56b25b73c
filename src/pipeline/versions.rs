//! What each input of the last render was, as a number to compare.
//!
//! A unit's reads ([`crate::reads::Read`]) name inputs by what they are in
//! one assembled site; [`Key`] names them by what stays the same between
//! two assemblies (a page by its address, not its position). [`version`]
//! gives each key a fingerprint of everything a view can reach through it,
//! so that "this unit must render again" is exactly "one of its keys has
//! another version now". Positions ([`crate::model::PageId`]) never go into
//! a fingerprint, only the addresses they stand for: inserting a release
//! shifts every position after it but changes no other page.
//!
//! A document is compared by its print ([`crate::parse::Document::print`]),
//! a fingerprint of its file's path and text. Fingerprints use fixed keys,
//! so versions mean the same in the next process: the build cache
//! (`cache.rs`) keeps them on disk.

use std::hash::{BuildHasher, Hash, Hasher};

use foldhash::quality::{FixedState, FoldHasher};
use rustc_hash::FxHashMap;

use rayon::prelude::*;

use crate::model::{LinkTarget, Page, PageId, Site};
use crate::reads::Read;
use crate::render::ThemeFiles;

/// An input, named so that it means the same in the next assembly.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Key {
    /// A page, by its site URL.
    Page(String),
    /// Any other input; never [`Read::Page`].
    Other(Read),
}

impl Key {
    /// The key of `read` in `site`.
    pub fn of(site: &Site, read: Read) -> Key {
        match read {
            Read::Page(id) => Key::Page(site.pages[id.0].url.to_string()),
            other => Key::Other(other),
        }
    }
}

/// An input's fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version(pub u64);

/// What versions are computed from: the site, the theme and the
/// per-language `site` values templates got.
pub struct Sources<'a> {
    pub site: &'a Site,
    pub theme: &'a ThemeFiles,
    pub site_values: &'a crate::render::SiteValues,
}

impl<'a> Sources<'a> {
    pub fn new(
        site: &'a Site,
        theme: &'a ThemeFiles,
        site_values: &'a crate::render::SiteValues,
    ) -> Self {
        Sources {
            site,
            theme,
            site_values,
        }
    }

    fn page(&self, url: &str) -> Option<&'a Page> {
        self.site.page_at(url)
    }

    fn listing(&self, url: &str) -> Option<&'a crate::model::news::Listing> {
        self.site.news.listing_at(url)
    }

    fn standard(&self, id: &str) -> Option<&'a crate::model::register::RegisteredStandard> {
        let id = crate::model::register::StandardId::parse(id).ok()?;
        self.site.register.get(&id)
    }
}

/// The versions of `keys` (`None`: the input no longer exists).
pub fn versions<'k>(
    sources: &Sources,
    keys: impl IntoParallelIterator<Item = &'k Key>,
) -> FxHashMap<Key, Option<Version>> {
    keys.into_par_iter()
        .map(|key| (key.clone(), version(sources, key)))
        .collect()
}

/// The version of one input.
pub fn version(sources: &Sources, key: &Key) -> Option<Version> {
    let site = sources.site;
    let mut hasher = FixedState::default().build_hasher();
    match key {
        Key::Page(url) => page(site, sources.page(url)?, &mut hasher),
        Key::Other(Read::Page(_)) => return None,
        Key::Other(Read::Structure) => structure(site, &mut hasher),
        Key::Other(Read::Redirects) => {
            for redirect in &site.redirects {
                (&redirect.from, &redirect.to).hash(&mut hasher);
            }
        }
        Key::Other(Read::Listing(url)) => {
            let listing = sources.listing(url)?;
            listing.url.hash(&mut hasher);
            urls(site, &listing.items, &mut hasher);
            (listing.page, listing.pages, &listing.prev, &listing.next).hash(&mut hasher);
            (&listing.first_url, &listing.tags).hash(&mut hasher);
        }
        Key::Other(Read::Newest(lang)) => {
            urls(site, site.news.newest.get(lang)?, &mut hasher);
        }
        Key::Other(Read::Register) => {
            for standard in &site.register.standards {
                self::standard(site, standard, &mut hasher);
            }
        }
        Key::Other(Read::Standard(id)) => {
            self::standard(site, sources.standard(id)?, &mut hasher);
        }
        Key::Other(Read::Site(lang)) => sources.site_values.text(lang)?.hash(&mut hasher),
        Key::Other(Read::Template(name)) => template(sources.theme, name, &mut hasher),
        Key::Other(Read::String(lang, key)) => {
            let strings = sources.theme.strings.get(lang.as_str())?;
            strings.get(&**key)?.hash(&mut hasher);
        }
        Key::Other(Read::Images) => {
            let mut images: Vec<_> = site.images.iter().collect();
            images.sort_by(|a, b| a.0.cmp(b.0));
            images.hash(&mut hasher);
        }
        Key::Other(Read::Copies) => copies(site, sources.theme, &mut hasher),
        Key::Other(Read::Asset(plain)) => {
            let copy = sources.theme.assets.get(&**plain);
            copy.map(|copy| copy.path.as_str()).hash(&mut hasher);
        }
    }
    Some(Version(hasher.finish()))
}

/// Everything a view can learn about `page` besides other pages: its
/// document (by the print of its file's path and text, which stays the
/// same from one process to the next), address, language, last commit,
/// where its links lead, the addresses of its children and translations,
/// and its running number.
fn page(site: &Site, page: &Page, hasher: &mut FoldHasher<'static>) {
    page.doc.print.hash(hasher);
    (&page.url, &page.lang, page.synthetic, &page.committed).hash(hasher);
    // Whether it is still scheduled: the build date differs from one
    // build to the next (`build` with its cache).
    let build_date = site.publication.build_date;
    let date = page.doc.common.date.as_ref();
    date.is_some_and(|d| d.instant > build_date).hash(hasher);
    for link in &page.links {
        match link {
            LinkTarget::Page { url, anchor } => (url, anchor).hash(hasher),
            LinkTarget::Nowhere => 0u8.hash(hasher),
        }
    }
    urls(site, &page.children, hasher);
    if let Some(by_lang) = site.translations.get(&page.doc.translation_key) {
        for (lang, id) in by_lang {
            (lang, &site.pages[id.0].url).hash(hasher);
        }
    }
    site.news
        .numbers
        .get(&page.doc.translation_key)
        .map(|n| (n.year, n.number))
        .hash(hasher);
}

/// The outline of the site: every page's address, language, dates and
/// translations, and every listing page's address and place in its group.
fn structure(site: &Site, hasher: &mut FoldHasher<'static>) {
    for page in &site.pages {
        (&page.url, &page.lang).hash(hasher);
        (&page.doc.common.date, page.updated()).hash(hasher);
        if let Some(by_lang) = site.translations.get(&page.doc.translation_key) {
            for (lang, id) in by_lang {
                (lang, &site.pages[id.0].url).hash(hasher);
            }
        }
    }
    for listing in site.news.listing_pages() {
        (
            &listing.url,
            &listing.first_url,
            listing.page,
            &listing.lang,
        )
            .hash(hasher);
        listing.kind.hash(hasher);
    }
}

/// The addresses of `ids`, in order.
fn urls(site: &Site, ids: &[PageId], hasher: &mut FoldHasher<'static>) {
    ids.len().hash(hasher);
    for id in ids {
        site.pages[id.0].url.hash(hasher);
    }
}

fn standard(
    site: &Site,
    standard: &crate::model::register::RegisteredStandard,
    hasher: &mut FoldHasher<'static>,
) {
    (standard.id.as_str(), &standard.folder, standard.current).hash(hasher);
    for version in &standard.versions {
        (version.version.as_str(), version.status).hash(hasher);
        for (lang, id) in &version.pages {
            (lang, &site.pages[id.0].url).hash(hasher);
        }
        site.pages[version.primary.0].url.hash(hasher);
    }
    standard.urls.hash(hasher);
    for id in standard.supersedes.iter().chain(&standard.superseded_by) {
        id.as_str().hash(hasher);
    }
    for version in &standard.versions {
        for id in version.pages.values() {
            let page = &site.pages[id.0];
            if let crate::parse::Kind::Standard(facts) = &page.doc.kind {
                for name in &facts.downloads {
                    site.register.download(&standard.folder, name).hash(hasher);
                }
            }
        }
    }
}

/// A template's text and the texts of every template it names in a tag
/// (`extends`, `include`, `import`), and theirs in turn.
fn template(theme: &ThemeFiles, name: &str, hasher: &mut FoldHasher<'static>) {
    let mut seen = vec![name.to_string()];
    let mut at = 0;
    while let Some(current) = seen.get(at).cloned() {
        at += 1;
        let Some(text) = theme.templates.get(&current) else {
            continue;
        };
        (&current, text).hash(hasher);
        for named in named_templates(text) {
            if theme.templates.contains_key(named) && !seen.iter().any(|s| s == named) {
                seen.push(named.to_string());
            }
        }
    }
}

/// Every quoted string inside a `{% … %}` tag of `text`: the names a
/// template can pull other templates in by. A string that is no template's
/// name is left out by the caller.
fn named_templates(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{%") {
        let tag = &rest[open + 2..];
        let close = tag.find("%}").unwrap_or(tag.len());
        let mut inside = &tag[..close];
        while let Some(start) = inside.find(['"', '\'']) {
            let quote = &inside[start..start + 1];
            let after = &inside[start + 1..];
            let Some(end) = after.find(quote) else { break };
            names.push(&after[..end]);
            inside = &after[end + 1..];
        }
        rest = &tag[close..];
    }
    names
}

/// The files copied as they are: where from, where to, and each source's
/// size and modification time (read again on every run).
fn copies(site: &Site, theme: &ThemeFiles, hasher: &mut FoldHasher<'static>) {
    let statics = theme.static_files.iter().map(|(from, to)| (from, to));
    let assets = site.assets.iter().map(|asset| (&asset.from, &asset.to));
    for (from, to) in statics.chain(assets) {
        (from, to.as_str()).hash(hasher);
        if let Ok(meta) = std::fs::metadata(from) {
            (meta.len(), meta.modified().ok()).hash(hasher);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_name_others_in_their_tags_only() {
        let text = r#"{% extends "base.html" %}{% block x %}{% include 'partials/a.html' %}"page.html"{% endblock %}"#;
        assert_eq!(named_templates(text), vec!["base.html", "partials/a.html"]);
    }
}
