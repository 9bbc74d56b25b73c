//! The whole template API: what templates see, and nothing else.
//!
//! Templates never see the model's types; they get these borrowed views,
//! serialised per page. Fields are documented here because this file is
//! the contract with theme authors. Per-language parts that are the same
//! on every page ([`SiteView`]) are built once per language, not per page.

use std::collections::BTreeMap;

use serde::Serialize;

use super::body::{self, Bodies};
use crate::config::{AccessibilityLinks, Association, Contact};
use crate::model::{Page, Site};
use crate::parse::Kind;
use crate::parse::front_matter::{Conformance, Image, Role};
use crate::source::FileRole;
use crate::yaml;

/// `site`: the same on every page of one language.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Absolute, without trailing slash.
    pub base_url: &'a str,
    /// Link target of this language's home page.
    pub home_url: String,
    pub default_language: &'a str,
    pub languages: Vec<LanguageView<'a>>,
    /// Top-level sections of this language, for the main navigation.
    pub nav: Vec<LinkView>,
    /// Legal and accessibility pages by role (`impressum`, `privacy`,
    /// `accessibility`, `easy_language`, `sign_language`), in this language
    /// where translated, else in the default language.
    pub roles: BTreeMap<&'static str, LinkView>,
    /// Top-level sections of this language by content folder (`news`,
    /// `standards`), so a template can link a particular section.
    pub sections: BTreeMap<&'a str, LinkView>,
    /// Atom feeds of this language (all releases, then per association).
    pub feeds: Vec<FeedLink>,
    pub associations: Vec<&'a Association>,
    pub accessibility: &'a AccessibilityLinks,
    pub extra: &'a BTreeMap<String, yaml::Value>,
    /// This language's search page, when the theme has `search.html`
    /// (see `render::search_page`); link it from the header.
    pub search_url: Option<String>,
}

/// A configured language.
#[derive(Debug, Serialize)]
pub struct LanguageView<'a> {
    pub code: &'a str,
    pub name: &'a str,
}

/// A link with its text.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub title: String,
    pub url: String,
    pub lang: String,
}

/// `page`: the page being rendered (sections and home included).
#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    /// `home`, `section`, `register` (the standards section), `news`,
    /// `standard` or `page`.
    pub kind: &'static str,
    pub title: &'a str,
    pub lang: &'a str,
    /// Link target (with base path).
    pub url: String,
    /// Absolute address.
    pub permalink: String,
    /// ISO date or date-time, for `<time datetime>` and `date_local`.
    pub date: Option<String>,
    pub updated: Option<String>,
    /// The teaser: `summary` from front matter, else the first paragraph.
    pub summary: String,
    /// The rendered body, links resolved. Print it with `| safe`.
    pub content: &'a str,
    pub tags: &'a [String],
    pub image: Option<&'a Image>,
    /// Where `image.src` is served: relative sources are taken from the
    /// page's bundle folder, `/…` from the site root.
    pub image_url: Option<String>,
    /// For a JPEG or PNG lead image: its responsive variants and the
    /// original offered as a download.
    pub image_set: Option<ImageSetView<'a>>,
    pub role: Option<&'static str>,
    pub subtitle: Option<&'a str>,
    pub place: Option<&'a str>,
    pub associations: Vec<&'a Association>,
    pub contacts: Vec<&'a Contact>,
    pub extra: &'a BTreeMap<String, yaml::Value>,
    /// For sections: the listed pages, newest first.
    pub pages: Vec<PageSummary<'a>>,
    /// A draft shown in a preview (`serve --drafts`, `build --drafts`):
    /// templates show an "Entwurf" / "Draft" banner.
    pub draft: bool,
    /// Dated after the build date and shown in a preview: templates show
    /// a "geplant" / "scheduled" banner.
    pub scheduled: bool,
    /// On the home page: the newest press releases of its language
    /// (at most [`LATEST_NEWS`]). Only the home page carries them, so a
    /// changed release does not touch every page of the site.
    pub latest_news: Vec<PageSummary<'a>>,
    /// On the news section: which page of the listing this is.
    pub pagination: Option<PaginationView>,
    /// Press releases: the running number, "12/2025".
    pub number: Option<String>,
    /// Press releases: the correction note shown above the body.
    pub correction: Option<CorrectionView<'a>>,
    /// Press releases: ids of related standards.
    pub related: &'a [String],
    /// For the page with `role: accessibility`: the statement's facts.
    pub statement: Option<StatementView<'a>>,
    /// For a standard's page: its version, history, diff and downloads
    /// (see `render::register::StandardView`).
    pub standard: Option<super::register::StandardView<'a>>,
    /// For the register page (`content/standards/_index*.md`) and its
    /// filter pages: the table and its filters.
    pub register: Option<super::register::RegisterView<'a>>,
}

/// The accessibility statement's front matter (EU model statement).
#[derive(Debug, Serialize)]
pub struct StatementView<'a> {
    /// `full`, `partial` or `none`.
    pub conformance: Option<&'static str>,
    /// ISO dates.
    pub prepared: Option<String>,
    pub reviewed: Option<String>,
    pub method: Option<&'a str>,
    pub barriers: &'a [String],
}

/// How many releases [`PageView::latest_news`] holds.
pub const LATEST_NEWS: usize = 5;

/// A page in a listing.
#[derive(Debug, Serialize)]
pub struct PageSummary<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub url: String,
    pub date: Option<String>,
    pub summary: String,
    /// Press releases: the running number, "12/2025".
    pub number: Option<String>,
    /// Press releases: the dateline's place.
    pub place: Option<&'a str>,
}

/// Responsive variants of a raster image (`page.image_set`).
#[derive(Debug, Serialize)]
pub struct ImageSetView<'a> {
    /// The variant to put in `src`.
    pub src: String,
    pub srcset: String,
    /// The theme's `sizes` (`image_sizes` in its `theme.yaml`), the same
    /// value the images of a body get.
    pub sizes: &'a str,
    pub width: u32,
    pub height: u32,
    /// The original file, for the press.
    pub original: String,
    /// "JPEG" or "PNG".
    pub format: &'static str,
    /// Size of the original, e.g. "2.4 MB".
    pub size: String,
}

/// `page.pagination` on listing pages: where this page is and its
/// neighbours (link them with `rel="prev"` / `rel="next"`).
#[derive(Debug, Serialize)]
pub struct PaginationView {
    pub page: usize,
    pub pages: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// `site.feeds`: Atom feeds of this language, for autodiscovery.
#[derive(Debug, Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
}

/// `page.correction` of a corrected press release.
#[derive(Debug, Serialize)]
pub struct CorrectionView<'a> {
    pub date: String,
    pub text: &'a str,
}

/// `alternates`: every language version of this page, for `hreflang`.
#[derive(Debug, Serialize)]
pub struct AlternateView<'a> {
    pub lang: &'a str,
    pub permalink: String,
}

/// `switcher`: one entry per other language.
#[derive(Debug, Serialize)]
pub struct SwitcherEntry<'a> {
    pub lang: &'a str,
    /// The language's name in itself.
    pub name: &'a str,
    pub url: String,
    /// False when the page has no translation and `url` is that
    /// language's home page.
    pub translated: bool,
}

pub fn kind_name(page: &Page) -> &'static str {
    match page.doc.role {
        FileRole::Home => "home",
        FileRole::Register => "register",
        FileRole::NewsSection | FileRole::Section => "section",
        FileRole::Release => "news",
        FileRole::Standard => "standard",
        FileRole::Page => "page",
    }
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Impressum => "impressum",
        Role::Privacy => "privacy",
        Role::Accessibility => "accessibility",
        Role::EasyLanguage => "easy_language",
        Role::SignLanguage => "sign_language",
    }
}

fn summary_of(page: &Page) -> String {
    page.doc
        .common
        .summary
        .clone()
        .unwrap_or_else(|| page.doc.body.first_paragraph.clone())
}

/// `page` for a page's own template; its body comes from `bodies`.
pub fn page_view<'a>(site: &'a Site, page: &'a Page, bodies: &'a Bodies) -> PageView<'a> {
    let config = &site.config;
    let (associations, contacts, subtitle, place, role) = match &page.doc.kind {
        Kind::News(news) => (
            news.associations.as_slice(),
            news.contact.0.as_slice(),
            news.subtitle.as_deref(),
            news.place.as_deref(),
            None,
        ),
        Kind::Standard(standard) => (
            standard.associations.as_slice(),
            standard
                .contact
                .as_ref()
                .map(|c| c.0.as_slice())
                .unwrap_or(&[]),
            None,
            None,
            None,
        ),
        Kind::Plain(plain) => (&[][..], &[][..], None, None, plain.role.map(role_name)),
        Kind::Section(_) => (&[][..], &[][..], None, None, None),
    };
    PageView {
        kind: kind_name(page),
        title: &page.doc.common.title,
        lang: page.lang.as_str(),
        url: site.href(&page.url),
        permalink: site.permalink(&page.url),
        date: page.doc.common.date.as_ref().map(|d| d.iso()),
        updated: page.doc.common.updated.as_ref().map(|d| d.iso()),
        summary: summary_of(page),
        content: bodies.of(page),
        tags: &page.doc.common.tags,
        image: page.doc.common.image.as_ref(),
        image_set: page
            .doc
            .common
            .image
            .as_ref()
            .and_then(|image| image_set(site, page, &image.src, bodies.image_sizes())),
        image_url: page.doc.common.image.as_ref().map(|image| {
            if image.src.starts_with('/') {
                site.href(&image.src)
            } else {
                format!("{}{}", site.href(&page.url), image.src)
            }
        }),
        role,
        subtitle,
        place,
        associations: associations
            .iter()
            .filter_map(|k| config.associations.get(k))
            .collect(),
        contacts: contacts
            .iter()
            .filter_map(|k| config.contacts.get(k))
            .collect(),
        extra: &page.doc.common.extra,
        pages: match site.news.section_first_page(page.id) {
            Some(listing) => listing
                .items
                .iter()
                .map(|id| page_summary(site, site.page(*id)))
                .collect(),
            None => page
                .children
                .iter()
                .map(|id| page_summary(site, site.page(*id)))
                .collect(),
        },
        latest_news: if page.is_home() {
            site.news
                .newest(&page.lang)
                .iter()
                .take(LATEST_NEWS)
                .map(|id| page_summary(site, site.page(*id)))
                .collect()
        } else {
            Vec::new()
        },
        draft: page.doc.common.draft,
        scheduled: page
            .doc
            .common
            .date
            .as_ref()
            .is_some_and(|d| d.instant > site.publication.build_date),
        pagination: site
            .news
            .section_first_page(page.id)
            .map(|l| pagination(site, l)),
        number: running_number(site, page),
        correction: match &page.doc.kind {
            Kind::News(news) => news.correction.as_ref().map(|c| CorrectionView {
                date: c.date.iso(),
                text: &c.text,
            }),
            _ => None,
        },
        related: match &page.doc.kind {
            Kind::News(news) => &news.related,
            _ => &[],
        },
        standard: super::register::standard_view(site, page, bodies),
        register: super::register::register_view(site, page),
        statement: match &page.doc.kind {
            Kind::Plain(plain) if plain.role == Some(Role::Accessibility) => Some(StatementView {
                conformance: plain.conformance.map(|c| match c {
                    Conformance::Full => "full",
                    Conformance::Partial => "partial",
                    Conformance::None => "none",
                }),
                prepared: plain.prepared.as_ref().map(|d| d.iso()),
                reviewed: plain.reviewed.as_ref().map(|d| d.iso()),
                method: plain.method.as_deref(),
                barriers: &plain.barriers,
            }),
            _ => None,
        },
    }
}

/// The per-language part of every page's context.
pub fn site_view<'a>(site: &'a Site, lang: &'a crate::config::Lang) -> SiteView<'a> {
    let config = &site.config;
    let home = site.home(lang);
    let nav = home
        .map(|home| {
            home.children
                .iter()
                .map(|id| site.page(*id))
                .filter(|p| p.is_section())
                .map(|p| link_to(site, p))
                .collect()
        })
        .unwrap_or_default();
    let sections = home
        .map(|home| {
            home.children
                .iter()
                .map(|id| site.page(*id))
                .filter(|p| p.is_section())
                .map(|p| (p.doc.folder.as_str(), link_to(site, p)))
                .collect()
        })
        .unwrap_or_default();
    let mut roles = BTreeMap::new();
    for page in &site.pages {
        if let Kind::Plain(plain) = &page.doc.kind {
            if let Some(role) = plain.role {
                let name = role_name(role);
                let better = page.lang == *lang
                    || (!roles.contains_key(name) && page.lang == *config.default_language());
                if better {
                    roles.insert(name, link_to(site, page));
                }
            }
        }
    }
    SiteView {
        title: config
            .title
            .get(lang)
            .map(String::as_str)
            .unwrap_or_default(),
        description: config
            .description
            .get(lang)
            .map(String::as_str)
            .unwrap_or_default(),
        base_url: &config.base_url,
        home_url: home
            .map(|h| site.href(&h.url))
            .unwrap_or_else(|| site.href("/")),
        default_language: config.default_language().as_str(),
        languages: config
            .languages
            .iter()
            .map(|l| LanguageView {
                code: l.code.as_str(),
                name: &l.name,
            })
            .collect(),
        nav,
        roles,
        sections,
        feeds: super::news::feed_links(site, lang)
            .into_iter()
            .chain(super::register::feed_links(site, lang))
            .collect(),
        associations: config.associations.values().collect(),
        accessibility: &config.accessibility,
        extra: &config.extra,
        search_url: None,
    }
}

pub fn page_summary<'a>(site: &'a Site, page: &'a Page) -> PageSummary<'a> {
    PageSummary {
        kind: kind_name(page),
        title: &page.doc.common.title,
        url: site.href(&page.url),
        date: page.doc.common.date.as_ref().map(|d| d.iso()),
        summary: summary_of(page),
        number: running_number(site, page),
        place: match &page.doc.kind {
            Kind::News(news) => news.place.as_deref(),
            _ => None,
        },
    }
}

/// The variants of a page's image `src`, when it is a raster image of the
/// page's bundle. Parse has already refused a `src` that is absolute or
/// climbs out of the folder, so `src` is relative to the page.
fn image_set<'a>(site: &Site, page: &Page, src: &str, sizes: &'a str) -> Option<ImageSetView<'a>> {
    let url = format!("{}{src}", page.url);
    crate::reads::record(crate::reads::Read::Images);
    let info = site.images.get(&url)?;
    Some(ImageSetView {
        src: body::default_variant(&url, info, &site.base_path),
        srcset: body::srcset(&url, info, &site.base_path),
        sizes,
        width: info.width,
        height: info.height,
        original: site.href(&url),
        format: info.format,
        size: human_size(info.bytes),
    })
}

/// "840 KB", "2.4 MB".
fn human_size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    } else {
        format!("{} KB", bytes.div_ceil(1000))
    }
}

/// The pagination of a listing page, with link targets.
pub fn pagination(site: &Site, listing: &crate::model::news::Listing) -> PaginationView {
    PaginationView {
        page: listing.page,
        pages: listing.pages,
        prev: listing.prev.as_deref().map(|u| site.href(u)),
        next: listing.next.as_deref().map(|u| site.href(u)),
    }
}

/// "12/2025" for a press release.
pub fn running_number(site: &Site, page: &Page) -> Option<String> {
    site.news
        .numbers
        .get(&page.doc.translation_key)
        .filter(|_| matches!(page.doc.kind, Kind::News(_)))
        .map(|n| n.to_string())
}

fn link_to(site: &Site, page: &Page) -> LinkView {
    LinkView {
        title: page.doc.common.title.clone(),
        url: site.href(&page.url),
        lang: page.lang.to_string(),
    }
}

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
