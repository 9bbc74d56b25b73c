//! Press-release outputs besides the release pages: listing pages
//! (paginated section, years, tags, associations), Atom feeds, and the
//! site-wide `sitemap.xml`, `robots.txt` and redirect map.
//!
//! Feeds and the sitemap are written here in Rust rather than as theme
//! templates: their XML must be valid whatever the theme does.

use std::collections::HashMap;

use tera::{Tera, Value};

use super::atom;
use super::body::Bodies;
use super::views::{self, FeedLink, Frame, ListingView, TagLink};
use super::{Content, OutputFile, ThemeFiles, escape_xml};
use crate::config::Lang;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::news::{Listing, ListingKind};
use crate::model::{Page, Site};
use crate::parse::Kind;
use crate::site_path::SitePath;

/// How many releases a feed carries, newest first.
pub const FEED_ENTRIES: usize = 50;

/// The Atom feeds of `lang`: all releases, then one per association.
pub fn feed_links(site: &Site, lang: &Lang) -> Vec<FeedLink> {
    feeds_of(site, lang)
        .into_iter()
        .map(|feed| FeedLink {
            title: feed.title,
            url: site.href(&feed.url),
        })
        .collect()
}

struct Feed<'a> {
    title: String,
    /// Site-relative URL of the feed file.
    url: String,
    /// Site-relative URL of the HTML listing it mirrors.
    listing: String,
    lang: &'a Lang,
    entries: Vec<&'a Page>,
}

fn feeds_of<'a>(site: &'a Site, lang: &'a Lang) -> Vec<Feed<'a>> {
    let newest = site.news.newest(lang);
    if newest.is_empty() {
        return Vec::new();
    }
    let Some(section) = site
        .news
        .listings
        .iter()
        .find(|l| l.lang == *lang && l.kind == ListingKind::Section)
        .map(|l| site.page(l.section))
    else {
        return Vec::new();
    };
    let site_title = site.config.title.get(lang).cloned().unwrap_or_default();
    let mut feeds = vec![Feed {
        title: format!("{} – {} (RSS/Atom)", site_title, section.doc.common.title),
        url: format!("{}/atom.xml", site.config.lang_prefix(lang)),
        listing: section.url.to_string(),
        lang,
        entries: newest
            .iter()
            .take(FEED_ENTRIES)
            .map(|id| site.page(*id))
            .collect(),
    }];
    for listing in site
        .news
        .listings
        .iter()
        .filter(|l| l.lang == *lang && l.page == 1)
    {
        if let ListingKind::Association(key) = &listing.kind {
            let name = site
                .config
                .associations
                .get(key)
                .map(|a| a.name.as_str())
                .unwrap_or(key);
            let entries = newest
                .iter()
                .map(|id| site.page(*id))
                .filter(|p| matches!(&p.doc.kind, Kind::News(n) if n.associations.contains(key)))
                .take(FEED_ENTRIES)
                .collect();
            feeds.push(Feed {
                title: format!("{} – {} (RSS/Atom)", site_title, name),
                url: format!("{}atom.xml", listing.url),
                listing: listing.url.to_string(),
                lang,
                entries,
            });
        }
    }
    feeds
}

/// One listing page (not a section's first page), rendered with
/// `listing.html` (or `section.html` when the theme has none).
pub fn render_listing(
    site: &Site,
    theme: &ThemeFiles,
    tera: &Tera,
    site_values: &HashMap<&Lang, Value>,
    listing: &Listing,
) -> Result<OutputFile, Diagnostic> {
    let template = if tera.contains_template("listing.html") {
        "listing.html"
    } else {
        "section.html"
    };
    let group = alternates_of(site, listing);
    let group = group.as_slice();
    for (_, url) in group {
        crate::reads::record(crate::reads::Read::Listing(url.clone()));
    }
    let mut frame = Frame::new(
        site,
        site_values,
        &listing.lang,
        listing.url.to_string(),
        |other| {
            group
                .iter()
                .find(|(lang, _)| lang == other)
                .map(|(_, url)| url.clone())
        },
    );
    let view = listing_view(site, theme, listing)?;
    frame.linked_data = super::linked_data::other_page(
        site,
        &listing.lang,
        &listing.url,
        "CollectionPage",
        &view.title,
    );
    super::render_index(
        tera,
        theme,
        template,
        &frame.context(&view),
        &listing.url,
        std::path::Path::new("content/news"),
    )
}

fn listing_view<'a>(
    site: &'a Site,
    theme: &ThemeFiles,
    listing: &'a Listing,
) -> Result<ListingView<'a>, Diagnostic> {
    let section = site.page(listing.section);
    let title = listing_title(site, theme, listing)?;
    let feed_url = match &listing.kind {
        ListingKind::Association(_) => Some(site.href(&format!("{}atom.xml", listing.first_url))),
        _ => None,
    };
    Ok(ListingView {
        kind: "listing",
        listing: listing_kind_name(&listing.kind),
        summary: title.clone(),
        title,
        url: site.href(&listing.url),
        permalink: site.permalink(&listing.url),
        content: "",
        pages: listing
            .items
            .iter()
            .map(|id| views::page_summary(site, site.page(*id)))
            .collect(),
        pagination: views::pagination(site, listing),
        tags: listing
            .tags
            .iter()
            .map(|(name, url, count)| TagLink {
                name: name.clone(),
                url: site.href(url),
                count: *count,
            })
            .collect(),
        section_url: site.href(&section.url),
        section_title: &section.doc.common.title,
        feed_url,
    })
}

/// `page.listing`: which kind of listing this is.
fn listing_kind_name(kind: &ListingKind) -> &'static str {
    match kind {
        ListingKind::Section => "section",
        ListingKind::Year(_) => "year",
        ListingKind::Tag { .. } => "tag",
        ListingKind::TagIndex => "tags",
        ListingKind::Association(_) => "association",
    }
}

/// A listing's title from the theme's strings ("Pressemitteilungen 2025"),
/// with "page 2 of 5" after it past the first page.
fn listing_title(site: &Site, theme: &ThemeFiles, listing: &Listing) -> Result<String, Diagnostic> {
    let section_title = site.page(listing.section).doc.common.title.as_str();
    let (key, value): (&str, String) = match &listing.kind {
        ListingKind::Section => ("listing_section", String::new()),
        ListingKind::Year(year) => ("listing_year", year.to_string()),
        ListingKind::Tag { name, .. } => ("listing_tag", name.clone()),
        ListingKind::TagIndex => ("listing_tags", String::new()),
        ListingKind::Association(key) => (
            "listing_association",
            site.config
                .associations
                .get(key)
                .map(|a| a.name.clone())
                .unwrap_or_else(|| key.clone()),
        ),
    };
    let title = fill(theme, &listing.lang, key, section_title, &value)?;
    if listing.page == 1 {
        return Ok(title);
    }
    let page = fill(
        theme,
        &listing.lang,
        "listing_page",
        &listing.page.to_string(),
        &listing.pages.to_string(),
    )?;
    Ok(format!("{title} – {page}"))
}

/// A theme string with `{1}` and `{2}` filled in.
fn fill(
    theme: &ThemeFiles,
    lang: &Lang,
    key: &str,
    first: &str,
    second: &str,
) -> Result<String, Diagnostic> {
    super::theme::string(&theme.strings, lang, key)
        .map(|text| text.replace("{1}", first).replace("{2}", second))
        .ok_or_else(|| {
            Diagnostic::error(
                Code::ThemeI18nKeyMissing,
                theme.dir.join("i18n").join(format!("{lang}.yaml")),
                format!("the string `{key}` is missing; listing pages need it"),
                format!("add `{key}: \"…\"` ({{1}} and {{2}} are filled in)"),
            )
        })
}

/// The language versions of `listing` (itself included), in the site's
/// language order.
fn alternates_of(site: &Site, listing: &Listing) -> Vec<(Lang, String)> {
    site.news
        .versions_of(listing)
        .into_iter()
        .map(|other| (other.lang.clone(), other.url.to_string()))
        .collect()
}

/// The Atom feeds of every language.
pub fn feeds(site: &Site, bodies: &Bodies) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for language in &site.config.languages {
        for feed in feeds_of(site, &language.code) {
            if let Ok(path) = SitePath::new(feed.url.trim_start_matches('/')) {
                files.push(OutputFile {
                    path,
                    content: Content::Bytes(atom(site, &feed, bodies).into_bytes()),
                    origin: None,
                });
            }
        }
    }
    files
}

/// A stable entry id: host, date and translation key, not the URL, so
/// a changed slug does not make readers see the release again.
fn entry_id(site: &Site, page: &Page) -> String {
    let host = site
        .config
        .base_url
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(rest))
        .unwrap_or("localhost");
    let date = page
        .doc
        .common
        .date
        .as_ref()
        .map(|d| d.date.to_string())
        .unwrap_or_default();
    format!(
        "tag:{host},{date}:{}:{}",
        page.doc.translation_key, page.lang
    )
}

/// When a page last changed: its `updated` ([`Page::updated`]), else its
/// `date`.
fn updated_of(page: &Page) -> Option<&crate::parse::dates::PubDate> {
    page.updated().or(page.doc.common.date.as_ref())
}

/// The Atom document of one news feed.
fn atom(site: &Site, feed: &Feed, bodies: &Bodies) -> String {
    let updated = feed
        .entries
        .iter()
        .filter_map(|p| updated_of(p))
        .max()
        .map_or_else(|| atom::NEVER.to_string(), atom::rfc3339);
    let own_url = site.permalink(&feed.url);
    atom::write(&atom::Feed {
        lang: feed.lang.to_string(),
        base: Some(format!("{}/", site.config.base_url)),
        title: feed.title.clone(),
        id: own_url.clone(),
        self_link: own_url,
        alternate: site.permalink(&feed.listing),
        updated,
        author: site
            .config
            .title
            .get(feed.lang)
            .cloned()
            .unwrap_or_default(),
        entries: feed
            .entries
            .iter()
            .filter_map(|page| atom_entry(site, page, bodies))
            .collect(),
    })
}

/// A release as a feed entry; `None` for one without a date.
fn atom_entry(site: &Site, page: &Page, bodies: &Bodies) -> Option<atom::Entry> {
    let date = page.doc.common.date.as_ref()?;
    let updated = updated_of(page).unwrap_or(date);
    Some(atom::Entry {
        title: page.doc.common.title.clone(),
        link: atom::Link {
            href: site.permalink(&page.url),
            hreflang: None,
        },
        id: entry_id(site, page),
        published: Some(atom::rfc3339(date)),
        updated: atom::rfc3339(updated),
        categories: page.doc.common.tags.clone(),
        summary: page
            .doc
            .common
            .summary
            .clone()
            .unwrap_or_else(|| page.doc.body.first_paragraph.clone()),
        content: Some(bodies.of(page)),
    })
}

/// The sitemap protocol's limits for one file: 50,000 URLs and 50 MB
/// (a little is kept back for the file's head and tail).
pub const SITEMAP_MAX_URLS: usize = 50_000;
const SITEMAP_MAX_BYTES: usize = 50 * 1000 * 1000 - 1000;

const URLSET_HEAD: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";

/// `sitemap.xml`: every page and listing with its language alternates.
/// A site with more URLs than one file may hold gets `sitemap-1.xml`,
/// `sitemap-2.xml`, … and `sitemap.xml` becomes their index, so robots.txt
/// names the same file either way.
pub fn sitemap(site: &Site) -> Vec<OutputFile> {
    sitemap_in_parts(site, SITEMAP_MAX_URLS)
}

/// [`sitemap`] with at most `max_urls` URLs per file.
pub fn sitemap_in_parts(site: &Site, max_urls: usize) -> Vec<OutputFile> {
    // Escaping works character by character, so the origin is escaped once.
    let origin = escape_xml(&site.permalink(""));
    let mut parts = SitemapParts::new(max_urls);
    let languages = &site.config.languages;
    for page in &site.pages {
        let by_lang = site.translations.get(&page.doc.translation_key);
        let alternates: Vec<(&Lang, &str)> = languages
            .iter()
            .filter_map(|l| {
                let id = by_lang?.get(&l.code)?;
                Some((&l.code, site.pages[id.0].url.as_str()))
            })
            .collect();
        let lastmod = updated_of(page).map(|d| d.date);
        parts.add(|xml| sitemap_entry(xml, &origin, &page.url, lastmod, &alternates));
    }
    for listing in site.news.listing_pages() {
        let alternates: Vec<(&Lang, &str)> = site
            .news
            .versions_of(listing)
            .into_iter()
            .map(|other| (&other.lang, other.url.as_str()))
            .collect();
        parts.add(|xml| sitemap_entry(xml, &origin, &listing.url, None, &alternates));
    }
    parts.finish(&origin)
}

/// The sitemap's files as they fill up.
struct SitemapParts {
    done: Vec<String>,
    current: String,
    urls: usize,
    max_urls: usize,
}

impl SitemapParts {
    fn new(max_urls: usize) -> Self {
        SitemapParts {
            done: Vec::new(),
            current: String::from(URLSET_HEAD),
            urls: 0,
            max_urls: max_urls.max(1),
        }
    }

    /// Adds one `<url>` that `write` appends, in a new file when the
    /// current one is full.
    fn add(&mut self, write: impl FnOnce(&mut String)) {
        let mut entry = String::new();
        write(&mut entry);
        if self.urls == self.max_urls || self.current.len() + entry.len() > SITEMAP_MAX_BYTES {
            let full = std::mem::replace(&mut self.current, String::from(URLSET_HEAD));
            self.done.push(full + "</urlset>\n");
            self.urls = 0;
        }
        self.current.push_str(&entry);
        self.urls += 1;
    }

    /// One `sitemap.xml`, or the parts and their index.
    fn finish(mut self, origin: &str) -> Vec<OutputFile> {
        let last = self.current + "</urlset>\n";
        let file = |path: SitePath, xml: String| OutputFile {
            path,
            content: Content::Bytes(xml.into_bytes()),
            origin: None,
        };
        if self.done.is_empty() {
            return vec![file(SitePath::trusted("sitemap.xml"), last)];
        }
        self.done.push(last);
        let mut index = String::from(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        let mut files = Vec::with_capacity(self.done.len() + 1);
        for (at, xml) in self.done.into_iter().enumerate() {
            let name = format!("sitemap-{}.xml", at + 1);
            // A name made here from a number: always a safe path.
            let Ok(path) = SitePath::new(&name) else {
                continue;
            };
            index.push_str(&format!("<sitemap><loc>{origin}/{name}</loc></sitemap>\n"));
            files.push(file(path, xml));
        }
        index.push_str("</sitemapindex>\n");
        files.push(file(SitePath::trusted("sitemap.xml"), index));
        files
    }
}

/// One `<url>` of the sitemap; alternates only when there are two or more.
fn sitemap_entry(
    xml: &mut String,
    origin: &str,
    url: &str,
    lastmod: Option<jiff::civil::Date>,
    alternates: &[(&Lang, &str)],
) {
    use std::fmt::Write as _;
    let _ = write!(xml, "<url><loc>{origin}{}</loc>", escape_xml(url));
    if let Some(lastmod) = lastmod {
        let _ = write!(xml, "<lastmod>{lastmod}</lastmod>");
    }
    if alternates.len() > 1 {
        for (lang, href) in alternates {
            let _ = write!(
                xml,
                "<xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{origin}{}\"/>",
                escape_xml(href)
            );
        }
    }
    xml.push_str("</url>\n");
}

/// `robots.txt`, naming the sitemap; for a preview (`--noindex`), keeping
/// every crawler out.
pub fn robots(site: &Site) -> OutputFile {
    let text = match site.config.noindex {
        true => "User-agent: *\nDisallow: /\n".to_string(),
        false => format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            site.permalink("/sitemap.xml")
        ),
    };
    OutputFile {
        path: SitePath::trusted("robots.txt"),
        content: Content::Bytes(text.into_bytes()),
        origin: None,
    }
}

/// `redirects.map`: every alias as an nginx `map` entry, including old
/// addresses with query strings that no static file can answer.
pub fn redirect_map(site: &Site) -> OutputFile {
    let mut text = String::from(
        "# kommhub: old addresses → new ones. Use in nginx:\n#   map $request_uri $kommhub_redirect { default \"\"; include /path/to/redirects.map; }\n#   if ($kommhub_redirect) { return 301 $kommhub_redirect; }\n",
    );
    for redirect in &site.redirects {
        text.push_str(&format!(
            "\"{}\" \"{}\";\n",
            redirect.from.replace('"', "%22"),
            site.permalink(&redirect.to).replace('"', "%22")
        ));
    }
    OutputFile {
        path: SitePath::trusted("redirects.map"),
        content: Content::Bytes(text.into_bytes()),
        origin: None,
    }
}
