//! The whole template API: every value a template sees, and nothing else.
//!
//! Templates never see the model's types; they get the views declared in
//! this module, serialised per page. Fields are documented here because
//! this module is the contract with theme authors: a struct a template can
//! see is declared here and nowhere else. The views are grouped by the
//! template that gets them; every HTML file a template renders also gets
//! the same frame (`lang`, `site`, `alternates`, `switcher`, `canonical`,
//! `x_default`), which one function builds ([`Frame::context`]).
//! Per-language parts that are the same on every page ([`SiteView`]) are
//! built once per language, not per page.
//!
//! The functions that fill the views of every page live beside this file
//! (`frame.rs`, `site.rs`, `page.rs`); the other views are filled where
//! their pages are made (`render::register`, `render::news`,
//! `render::search_page`, the 404 pages in `render`).

mod frame;
mod page;
mod site;

use std::collections::BTreeMap;

use serde::Serialize;

pub use frame::{Frame, switcher};
pub use page::{kind_name, page_summary, page_view, pagination, role_name, running_number};
pub use site::site_view;

use crate::config::{AccessibilityLinks, Association, Contact};
use crate::parse::front_matter::{Image, Status};
use crate::yaml;

// ------------------------------------------------------------------------
// Every rendered HTML file: the frame
//
// `lang` (the language code), `site`, `alternates`, `switcher`, `canonical`
// (this file's absolute address) and `x_default` (the default language's
// version, else the first) come with every page, whichever template renders
// it; `page` differs by template (below). See [`Frame`].

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
    /// A preview build (`build --noindex`): the theme asks search engines
    /// not to index its pages (`<meta name="robots" content="noindex">`).
    pub noindex: bool,
    /// Each press contact's vCard (`.vcf`) by contact key.
    pub vcards: BTreeMap<&'a str, String>,
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

/// `site.feeds`: Atom feeds of this language, for autodiscovery.
#[derive(Debug, Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
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

// ------------------------------------------------------------------------
// Content pages: `page` in home.html, section.html, page.html, news.html,
// accessibility.html, standard.html and register.html

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
    pub content: std::sync::Arc<str>,
    pub tags: &'a [String],
    pub image: Option<&'a Image>,
    /// Where `image.src` is served: relative sources are taken from the
    /// page's bundle folder, `/…` from the site root.
    pub image_url: Option<String>,
    /// For a JPEG or PNG lead image: its responsive variants and the
    /// original offered as a download.
    pub image_set: Option<ImageSetView<'a>>,
    /// The image link previews show (`og:image`), when the page has one.
    pub share_image: Option<ShareImageView>,
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
    /// Press releases: the press kit (ZIP of text, photos, vCards).
    pub press_kit: Option<String>,
    /// Press releases: the correction note shown above the body.
    pub correction: Option<CorrectionView<'a>>,
    /// Press releases: ids of related standards.
    pub related: &'a [String],
    /// For the page with `role: accessibility`: the statement's facts.
    pub statement: Option<StatementView<'a>>,
    /// For a standard's page: its version, history, diff and downloads
    /// (see [`StandardView`]).
    pub standard: Option<StandardView<'a>>,
    /// For the register page (`content/standards/_index*.md`) and its
    /// filter pages: the table and its filters.
    pub register: Option<RegisterView<'a>>,
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

/// `page.share_image`: the picture a link preview shows, with absolute
/// address and size (the `og:image` tags).
#[derive(Debug, Serialize)]
pub struct ShareImageView {
    pub url: String,
    pub width: u32,
    pub height: u32,
    /// `image/jpeg` or `image/png`.
    pub media_type: &'static str,
    /// The lead image's `alt` text, else the page's title.
    pub alt: String,
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

/// `page.correction` of a corrected press release.
#[derive(Debug, Serialize)]
pub struct CorrectionView<'a> {
    pub date: String,
    pub text: &'a str,
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

// ------------------------------------------------------------------------
// standard.html: `page.standard`

/// `page.standard` on a standard's page: one version and its standard.
#[derive(Debug, Serialize)]
pub struct StandardView<'a> {
    /// `HUB-STD-0002`.
    pub id: &'a str,
    pub version: &'a str,
    /// `draft`, `consultation`, `adopted`, `superseded` or `withdrawn`;
    /// print it in words with `t(key="status_" ~ status)`.
    pub status: &'static str,
    /// Whether this version is the current one (the highest adopted,
    /// else the highest).
    pub is_current: bool,
    /// True when rendered at the standard's own address, which always
    /// shows the current version; false at the version's own address.
    pub at_standard_url: bool,
    /// The standard's address (its current version), in this language
    /// where the current version is translated, else in `standard_lang`.
    pub standard_url: Option<String>,
    pub standard_lang: Option<&'a str>,
    /// This version's permanent address, link and absolute.
    pub version_url: String,
    pub version_permalink: String,
    /// ISO dates: the text's date ("Fassung"), adoption, entry into force,
    /// withdrawal, end of consultation, end of validity.
    pub date: Option<String>,
    pub adopted: Option<String>,
    pub effective: Option<String>,
    pub withdrawn: Option<String>,
    pub comments_until: Option<String>,
    pub valid_until: Option<String>,
    pub decided_by: Option<&'a str>,
    pub decision: Option<&'a str>,
    pub legal_basis: &'a [String],
    pub license: Option<&'a str>,
    /// What changed in this version, in the editors' words.
    pub changes: Option<&'a str>,
    /// Topics, each linking its filter page of the register.
    pub topics: Vec<FilterLink>,
    /// The current version, when this is not it (for the banner).
    pub current: Option<VersionLink<'a>>,
    /// Every version, newest first.
    pub history: Vec<HistoryRow<'a>>,
    /// The version before this one, if any.
    pub previous: Option<VersionLink<'a>>,
    /// What changed from `previous`, word by word; empty when the previous
    /// version is not written in this language or the text is the same.
    pub diff: Vec<DiffBlock>,
    /// Whether `previous` exists in this language (so a diff was made).
    pub diff_available: bool,
    /// Standards this one replaces, and those that replace it (derived).
    pub supersedes: Vec<StandardLink<'a>>,
    pub superseded_by: Vec<StandardLink<'a>>,
    /// Files offered for download, with size and SHA-256.
    pub downloads: Vec<DownloadView>,
    /// The register page of this language.
    pub register_url: Option<String>,
    /// The register's calendar (`calendar.ics`) of this language, when
    /// this standard has a date in it.
    pub calendar_url: Option<String>,
}

/// A link to one version of a standard.
#[derive(Debug, Clone, Serialize)]
pub struct VersionLink<'a> {
    pub version: &'a str,
    pub status: &'static str,
    pub url: String,
    /// Language of the linked page (differs from the page's when the
    /// version is not translated).
    pub lang: &'a str,
    pub adopted: Option<String>,
    pub comments_until: Option<String>,
}

/// A row of the version history.
#[derive(Debug, Serialize)]
pub struct HistoryRow<'a> {
    pub version: &'a str,
    pub status: &'static str,
    pub url: String,
    pub lang: &'a str,
    pub date: Option<String>,
    pub adopted: Option<String>,
    pub effective: Option<String>,
    pub withdrawn: Option<String>,
    pub changes: Option<&'a str>,
    pub is_current: bool,
    /// The version this page shows.
    pub is_this: bool,
}

/// A link to another standard (its current version).
#[derive(Debug, Clone, Serialize)]
pub struct StandardLink<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub url: String,
    pub lang: &'a str,
    /// Status of its current version.
    pub status: &'static str,
}

/// A file offered with a standard.
#[derive(Debug, Serialize)]
pub struct DownloadView {
    pub name: String,
    pub url: String,
    /// Upper-case file extension: `PDF`, `CSV`.
    pub format: String,
    /// Bytes, and as readers write it in the page's language ("1,2 MB").
    pub size: u64,
    pub size_text: String,
    /// Lower-case hexadecimal SHA-256.
    pub sha256: String,
}

/// One block of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffBlock {
    /// `changed`: a block with at least one insertion or deletion;
    /// `context`: an unchanged heading shown to say where a change is;
    /// `unchanged`: `skipped` unchanged blocks left out.
    pub kind: &'static str,
    /// Whether the block is a heading.
    pub heading: bool,
    pub segments: Vec<Segment>,
    /// For `unchanged`: how many blocks were left out.
    pub skipped: usize,
}

/// A run of text and whether it was kept, inserted or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// `equal`, `insert` or `delete`.
    pub change: &'static str,
    pub text: String,
}

// ------------------------------------------------------------------------
// register.html: `page.register`

/// `page.register` on the register page and its filter pages.
#[derive(Debug, Serialize)]
pub struct RegisterView<'a> {
    /// The standards listed, by id: all, or those the filter selects.
    pub rows: Vec<RegisterRow<'a>>,
    /// How many standards the register holds.
    pub total: usize,
    /// Every filter value with its page and count: `status`,
    /// `association`, `topic`, in that order.
    pub filters: Vec<FilterGroup>,
    /// On a filter page: what it selects.
    pub filter: Option<ActiveFilter>,
    /// The unfiltered register.
    pub url: String,
    pub json_url: String,
    pub csv_url: String,
    pub feed_url: String,
    /// The register's dates as iCalendar, when it has any.
    pub calendar_url: Option<String>,
}

/// One standard in the register table (its current version).
#[derive(Debug, Serialize)]
pub struct RegisterRow<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// Language of the title and the linked page.
    pub lang: &'a str,
    pub url: String,
    pub version: &'a str,
    pub status: &'static str,
    /// Superseded or withdrawn: listed, but no longer in force.
    pub inactive: bool,
    pub date: Option<String>,
    pub adopted: Option<String>,
    pub effective: Option<String>,
    pub withdrawn: Option<String>,
    pub comments_until: Option<String>,
    pub associations: Vec<FilterLink>,
    pub topics: Vec<FilterLink>,
    /// Space-separated keys for the filter script's data attributes.
    pub association_keys: String,
    pub topic_keys: String,
    pub superseded_by: Vec<StandardLink<'a>>,
    /// A newer version in draft or consultation, above the current one.
    pub pending: Option<VersionLink<'a>>,
    /// Space-separated statuses the status filter finds the row by: the
    /// current version's and the pending version's.
    pub status_keys: String,
    /// Not for templates: the statuses themselves, which the register's
    /// filters select rows by.
    #[serde(skip)]
    pub(crate) statuses: Vec<Status>,
}

/// The values of one filter.
#[derive(Debug, Serialize)]
pub struct FilterGroup {
    /// `status`, `association` or `topic`.
    pub group: &'static str,
    pub values: Vec<FilterValue>,
}

/// A filter value, its page and how many standards it selects.
#[derive(Debug, Serialize)]
pub struct FilterValue {
    pub key: String,
    /// For statuses the key (translate it); else the name.
    pub name: String,
    pub url: String,
    pub count: usize,
    /// Whether this page shows this value.
    pub active: bool,
}

/// A filter value as a link (a topic, an association).
#[derive(Debug, Clone, Serialize)]
pub struct FilterLink {
    /// The value in data attributes: status key, association key, topic slug.
    pub key: String,
    pub name: String,
    /// Its filter page; empty where the language has no register page.
    pub url: String,
}

/// What a filter page selects.
#[derive(Debug, Clone, Serialize)]
pub struct ActiveFilter {
    pub group: &'static str,
    pub key: String,
    pub name: String,
}

// ------------------------------------------------------------------------
// listing.html: `page` on listing pages

/// What `listing.html` gets as `page`.
#[derive(Debug, Serialize)]
pub struct ListingView<'a> {
    pub kind: &'static str,
    /// `section`, `year`, `tag`, `tags` or `association`.
    pub listing: &'static str,
    pub title: String,
    pub summary: String,
    pub url: String,
    pub permalink: String,
    pub content: &'static str,
    pub pages: Vec<PageSummary<'a>>,
    pub pagination: PaginationView,
    /// On the tag index: every tag with its listing and count.
    pub tags: Vec<TagLink>,
    /// The section's link, to lead back.
    pub section_url: String,
    pub section_title: &'a str,
    /// On association listings: its Atom feed.
    pub feed_url: Option<String>,
}

/// On the tag index: a tag, its listing and how many releases carry it.
#[derive(Debug, Serialize)]
pub struct TagLink {
    pub name: String,
    pub url: String,
    pub count: usize,
}

// ------------------------------------------------------------------------
// search.html: `page` on the search pages

/// What `search.html` gets as `page`.
#[derive(Debug, Serialize)]
pub struct SearchPageView {
    /// `search`.
    pub kind: &'static str,
    /// The `search_title` string of this language.
    pub title: String,
    pub lang: String,
    /// Link target (with base path) and absolute address of this page.
    pub url: String,
    pub permalink: String,
    pub summary: &'static str,
    /// Where this language's search index lives (link target with base
    /// path, ending in `/`): the theme's script imports `engine.js` from
    /// there.
    pub bundle_url: String,
    /// The search's filters as plain links, for readers without
    /// JavaScript: `association` (each association's releases) and `year`
    /// (the archive of each year), newest year first.
    pub facet_links: Vec<FacetLinksView>,
}

/// One filter of the search as links to the listings that show it.
#[derive(Debug, Serialize)]
pub struct FacetLinksView {
    /// `association` or `year`.
    pub name: &'static str,
    pub links: Vec<LinkView>,
}

// ------------------------------------------------------------------------
// 404.html: `page` on the 404 pages

/// What the 404 template gets as `page`.
#[derive(Debug, Serialize)]
pub struct NotFoundView {
    pub kind: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub url: String,
    pub permalink: String,
}
