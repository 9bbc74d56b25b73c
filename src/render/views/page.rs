//! `page` for a content page: the page's own facts, those its kind adds
//! (a release's dateline, a standard's associations, the accessibility
//! statement), the pages it lists, and the summaries listings show.

use super::{
    CorrectionView, ImageSetView, LATEST_NEWS, PageSummary, PageView, PaginationView,
    ShareImageView, StatementView,
};
use crate::config::{Association, Contact};
use crate::model::{Page, Site};
use crate::parse::Kind;
use crate::parse::front_matter::{Conformance, Plain, Role};
use crate::render::body::{self, Bodies};
use crate::render::{register, share_card};
use crate::source::FileRole;

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
    let common = &page.doc.common;
    let parts = KindParts::of(site, page);
    PageView {
        kind: kind_name(page),
        title: &common.title,
        lang: page.lang.as_str(),
        url: site.href(&page.url),
        permalink: site.permalink(&page.url),
        date: common.date.as_ref().map(|d| d.iso()),
        updated: page.updated().map(|d| d.iso()),
        summary: summary_of(page),
        content: bodies.of(page),
        tags: &common.tags,
        image: common.image.as_ref(),
        image_set: common
            .image
            .as_ref()
            .and_then(|image| image_set(site, page, &image.src, bodies.image_sizes())),
        image_url: common
            .image
            .as_ref()
            .map(|image| image_url(site, page, &image.src)),
        share_image: common
            .image
            .as_ref()
            .and_then(|image| share_image(site, page, image))
            .or_else(|| card_image(site, page, bodies)),
        role: parts.role,
        subtitle: parts.subtitle,
        place: parts.place,
        associations: parts.associations,
        contacts: parts.contacts,
        extra: &common.extra,
        pages: listed_pages(site, page),
        latest_news: latest_news(site, page),
        draft: common.draft,
        scheduled: common
            .date
            .as_ref()
            .is_some_and(|d| d.instant > site.publication.build_date),
        pagination: site
            .news
            .section_first_page(page.id)
            .map(|l| pagination(site, l)),
        number: running_number(site, page),
        press_kit: matches!(page.doc.kind, Kind::News(_))
            .then(|| site.href(&crate::render::press_kit::kit_url(&page.url))),
        correction: parts.correction,
        related: parts.related,
        standard: register::standard_view(site, page, bodies),
        register: register::register_view(site, page),
        statement: parts.statement,
    }
}

/// What a page's kind adds to `page`: a press release's dateline,
/// correction and related standards, a standard's associations and
/// contacts, a plain page's role and accessibility statement.
struct KindParts<'a> {
    associations: Vec<&'a Association>,
    contacts: Vec<&'a Contact>,
    subtitle: Option<&'a str>,
    place: Option<&'a str>,
    role: Option<&'static str>,
    correction: Option<CorrectionView<'a>>,
    related: &'a [String],
    statement: Option<StatementView<'a>>,
}

impl<'a> KindParts<'a> {
    fn of(site: &'a Site, page: &'a Page) -> KindParts<'a> {
        let config = &site.config;
        let (associations, contacts): (&[String], &[String]) = match &page.doc.kind {
            Kind::News(news) => (&news.associations, &news.contact.0),
            Kind::Standard(standard) => (
                &standard.associations,
                standard.contact.as_ref().map_or(&[], |c| c.0.as_slice()),
            ),
            Kind::Plain(_) | Kind::Section(_) => (&[], &[]),
        };
        let mut parts = KindParts {
            associations: associations
                .iter()
                .filter_map(|k| config.associations.get(k))
                .collect(),
            contacts: contacts
                .iter()
                .filter_map(|k| config.contacts.get(k))
                .collect(),
            subtitle: None,
            place: None,
            role: None,
            correction: None,
            related: &[],
            statement: None,
        };
        match &page.doc.kind {
            Kind::News(news) => {
                parts.subtitle = news.subtitle.as_deref();
                parts.place = news.place.as_deref();
                parts.related = &news.related;
                parts.correction = news.correction.as_ref().map(|c| CorrectionView {
                    date: c.date.iso(),
                    text: &c.text,
                });
            }
            Kind::Plain(plain) => {
                parts.role = plain.role.map(role_name);
                parts.statement = statement(plain);
            }
            Kind::Standard(_) | Kind::Section(_) => {}
        }
        parts
    }
}

/// The accessibility statement's facts, on the page with that role.
fn statement(plain: &Plain) -> Option<StatementView<'_>> {
    (plain.role == Some(Role::Accessibility)).then(|| StatementView {
        conformance: plain.conformance.map(|c| match c {
            Conformance::Full => "full",
            Conformance::Partial => "partial",
            Conformance::None => "none",
        }),
        prepared: plain.prepared.as_ref().map(|d| d.iso()),
        reviewed: plain.reviewed.as_ref().map(|d| d.iso()),
        method: plain.method.as_deref(),
        barriers: &plain.barriers,
    })
}

/// Where a page's lead image is served: a relative `src` from the page's
/// bundle folder, `/…` from the site root.
fn image_url(site: &Site, page: &Page, src: &str) -> String {
    if src.starts_with('/') {
        site.href(src)
    } else {
        format!("{}{}", site.href(&page.url), src)
    }
}

/// `page.pages` of a section: the first page of its listing where it has
/// one (the news section), else its children.
fn listed_pages<'a>(site: &'a Site, page: &'a Page) -> Vec<PageSummary<'a>> {
    let ids = match site.news.section_first_page(page.id) {
        Some(listing) => &listing.items,
        None => &page.children,
    };
    ids.iter()
        .map(|id| page_summary(site, site.page(*id)))
        .collect()
}

/// `page.latest_news`: on a home page only, its language's newest releases.
fn latest_news<'a>(site: &'a Site, page: &'a Page) -> Vec<PageSummary<'a>> {
    if !page.is_home() {
        return Vec::new();
    }
    site.news
        .newest(&page.lang)
        .iter()
        .take(LATEST_NEWS)
        .map(|id| page_summary(site, site.page(*id)))
        .collect()
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

/// The lead image as link previews show it: a release's crop to the
/// share size (`None` when its photo is too small for one: it is shared
/// with its card), another page's widest variant up to 1440 pixels
/// (previews show about 1200), else the original.
fn share_image(
    site: &Site,
    page: &Page,
    image: &crate::parse::front_matter::Image,
) -> Option<ShareImageView> {
    let url = format!("{}{}", page.url, image.src);
    crate::reads::record(crate::reads::Read::Images);
    let info = site.images.get(&url)?;
    let (folder, name) = url.rsplit_once('/').unwrap_or(("", &url));
    let (address, width, height) = if matches!(page.doc.kind, Kind::News(_)) {
        share_card::lead_photo(site, page)?;
        (
            share_card::photo_url(&url),
            crate::images::SHARE_WIDTH,
            crate::images::SHARE_HEIGHT,
        )
    } else {
        match info.variants.iter().rfind(|v| v.width <= 1440) {
            Some(v) => (
                format!("{folder}/{}", crate::images::variant_name(name, v.width)),
                v.width,
                v.height,
            ),
            None => (url.clone(), info.width, info.height),
        }
    };
    let alt = image
        .alt
        .clone()
        .filter(|alt| !alt.trim().is_empty())
        .unwrap_or_else(|| page.doc.common.title.clone());
    Some(ShareImageView {
        url: site.permalink(&address),
        width,
        height,
        media_type: if info.format == "PNG" {
            "image/png"
        } else {
            "image/jpeg"
        },
        alt,
    })
}

/// A release's share card (`render::share_card`), when the theme draws
/// one and the release has no photo of its own.
fn card_image(site: &Site, page: &Page, bodies: &Bodies) -> Option<ShareImageView> {
    if !matches!(page.doc.kind, Kind::News(_)) {
        return None;
    }
    // Whether the theme has the card's template decides what is shared.
    crate::reads::record(crate::reads::Read::Template(crate::reads::name(
        share_card::TEMPLATE,
    )));
    (bodies.share_cards && share_card::shows_card(site, page)).then(|| ShareImageView {
        url: site.permalink(&share_card::url(&page.url)),
        width: share_card::WIDTH,
        height: share_card::HEIGHT,
        media_type: "image/png",
        alt: page.doc.common.title.clone(),
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
