//! Press releases as a whole: running numbers and the listings readers
//! browse (the paginated news section, archives per year, per tag and per
//! association).
//!
//! Listings are pages without a source file; the model decides their URLs
//! and contents here, once, so templates, feeds and the sitemap agree.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::config::{Lang, SiteConfig};
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::Kind;
use crate::slug::slugify;
use crate::source::FileRole;

use super::{Page, PageId};

/// "12/2025": the release's place among the year's releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RunningNumber {
    pub year: i16,
    pub number: u32,
}

impl fmt::Display for RunningNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.number, self.year)
    }
}

/// What a listing lists.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ListingKind {
    /// The news section itself, page by page.
    Section,
    Year(i16),
    Tag {
        name: String,
        slug: String,
    },
    /// All tags of the language, with their listings.
    TagIndex,
    Association(String),
}

/// A listing page: a slice of releases at its own URL.
#[derive(Debug, Clone)]
pub struct Listing {
    pub kind: ListingKind,
    pub lang: Lang,
    /// The news section page of this language.
    pub section: PageId,
    /// Site-relative URL of this page of the listing.
    pub url: String,
    /// Site-relative URL of the listing's first page.
    pub first_url: String,
    /// The releases on this page, newest first.
    pub items: Vec<PageId>,
    /// 1-based page number and the number of pages.
    pub page: usize,
    pub pages: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// For the tag index: (name, url, count) per tag.
    pub tags: Vec<(String, String, usize)>,
}

/// The press releases of the site, per language.
#[derive(Debug, Default)]
pub struct NewsIndex {
    /// Translation key → running number (shared by all languages).
    pub numbers: HashMap<String, RunningNumber>,
    /// Listing pages; the first page of [`ListingKind::Section`] is the
    /// section page itself and is not in here.
    pub listings: Vec<Listing>,
    /// Newest first, per language.
    pub newest: BTreeMap<Lang, Vec<PageId>>,
    /// Section page → index in `listings` of its page 1, so that every
    /// page's view finds it without scanning all listings.
    first_pages: HashMap<PageId, usize>,
}

impl NewsIndex {
    /// Page 1 of the news section of `section`, rendered as the section page.
    pub fn section_first_page(&self, section: PageId) -> Option<&Listing> {
        let listing = self
            .first_pages
            .get(&section)
            .and_then(|at| self.listings.get(*at))?;
        crate::reads::record(crate::reads::Read::Listing(listing.url.clone()));
        Some(listing)
    }

    /// The releases of `lang`, newest first (recorded as read).
    pub fn newest(&self, lang: &Lang) -> &[PageId] {
        crate::reads::record(crate::reads::Read::Newest(lang.clone()));
        self.newest.get(lang).map(Vec::as_slice).unwrap_or_default()
    }

    /// Every listing page that is rendered with the listing template (all
    /// but the section pages' first pages).
    pub fn listing_pages(&self) -> impl Iterator<Item = &Listing> {
        self.listings
            .iter()
            .filter(|l| !(l.kind == ListingKind::Section && l.page == 1))
    }
}

/// A URL word of listings in a language (`seite`/`page`, …).
pub fn url_word(lang: &Lang, word: &str) -> &'static str {
    match (lang.as_str(), word) {
        ("de", "page") => "seite",
        ("de", "tags") => "themen",
        ("de", "association") => "verband",
        (_, "page") => "page",
        (_, "tags") => "tags",
        _ => "association",
    }
}

fn is_release(page: &Page) -> bool {
    page.doc.role == FileRole::Release
}

/// Numbers every release and builds every listing.
pub fn index(pages: &[Page], config: &SiteConfig) -> (NewsIndex, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let numbers = running_numbers(pages, &mut problems);
    let mut index = NewsIndex {
        numbers,
        ..NewsIndex::default()
    };
    for language in &config.languages {
        let lang = &language.code;
        let Some(section) = pages
            .iter()
            .find(|p| p.doc.role == FileRole::NewsSection && p.lang == *lang)
        else {
            continue;
        };
        let mut releases: Vec<&Page> = pages
            .iter()
            .filter(|p| is_release(p) && p.lang == *lang)
            .collect();
        releases.sort_by(|a, b| newest_first(a, b));
        let ids: Vec<PageId> = releases.iter().map(|p| p.id).collect();
        index.newest.insert(lang.clone(), ids.clone());
        let base = section.url.clone();
        let per_page = config.news_per_page;

        // The section itself; its page 1 is rendered as the section page.
        paginate(
            &mut index.listings,
            ListingKind::Section,
            lang,
            section.id,
            &base,
            &ids,
            per_page,
        );

        let mut years: BTreeMap<i16, Vec<PageId>> = BTreeMap::new();
        let mut tags: BTreeMap<String, (String, Vec<PageId>)> = BTreeMap::new();
        let mut associations: BTreeMap<String, Vec<PageId>> = BTreeMap::new();
        for page in &releases {
            if let Some(date) = &page.doc.common.date {
                years.entry(date.date.year()).or_default().push(page.id);
            }
            for tag in &page.doc.common.tags {
                let slug = slugify(tag);
                if !slug.is_empty() {
                    tags.entry(slug)
                        .or_insert_with(|| (tag.clone(), Vec::new()))
                        .1
                        .push(page.id);
                }
            }
            if let Kind::News(news) = &page.doc.kind {
                for key in &news.associations {
                    associations.entry(key.clone()).or_default().push(page.id);
                }
            }
        }
        for (year, items) in years {
            let url = format!("{base}{year}/");
            paginate(
                &mut index.listings,
                ListingKind::Year(year),
                lang,
                section.id,
                &url,
                &items,
                per_page,
            );
        }
        let tags_url = format!("{base}{}/", url_word(lang, "tags"));
        let mut tag_summary = Vec::new();
        for (slug, (name, items)) in tags {
            let url = format!("{tags_url}{slug}/");
            tag_summary.push((name.clone(), url.clone(), items.len()));
            paginate(
                &mut index.listings,
                ListingKind::Tag { name, slug },
                lang,
                section.id,
                &url,
                &items,
                per_page,
            );
        }
        if !tag_summary.is_empty() {
            index.listings.push(Listing {
                kind: ListingKind::TagIndex,
                lang: lang.clone(),
                section: section.id,
                first_url: tags_url.clone(),
                url: tags_url,
                items: Vec::new(),
                page: 1,
                pages: 1,
                prev: None,
                next: None,
                tags: tag_summary,
            });
        }
        for (key, items) in associations {
            let url = format!("{base}{}/{key}/", url_word(lang, "association"));
            paginate(
                &mut index.listings,
                ListingKind::Association(key),
                lang,
                section.id,
                &url,
                &items,
                per_page,
            );
        }
    }
    index.first_pages = index
        .listings
        .iter()
        .enumerate()
        .filter(|(_, l)| l.kind == ListingKind::Section && l.page == 1)
        .map(|(at, l)| (l.section, at))
        .collect();
    (index, problems)
}

fn newest_first(a: &Page, b: &Page) -> std::cmp::Ordering {
    b.doc
        .common
        .date
        .cmp(&a.doc.common.date)
        .then_with(|| a.doc.translation_key.cmp(&b.doc.translation_key))
}

/// Splits `items` into pages of `per_page` at `base`, `base/seite/2/`, …
fn paginate(
    listings: &mut Vec<Listing>,
    kind: ListingKind,
    lang: &Lang,
    section: PageId,
    base: &str,
    items: &[PageId],
    per_page: usize,
) {
    let pages = items.len().div_ceil(per_page).max(1);
    let url_of = |page: usize| {
        if page == 1 {
            base.to_string()
        } else {
            format!("{base}{}/{page}/", url_word(lang, "page"))
        }
    };
    for page in 1..=pages {
        let start = (page - 1) * per_page;
        let end = (start + per_page).min(items.len());
        listings.push(Listing {
            kind: kind.clone(),
            lang: lang.clone(),
            section,
            url: url_of(page),
            first_url: base.to_string(),
            items: items[start.min(end)..end].to_vec(),
            page,
            pages,
            prev: (page > 1).then(|| url_of(page - 1)),
            next: (page < pages).then(|| url_of(page + 1)),
            tags: Vec::new(),
        });
    }
}

/// Running numbers per year in date order. A release may fix its number
/// with `number:` (written by `kommhub new`), so inserting an older release
/// later does not renumber published ones; releases without a number take
/// the smallest free numbers of their year in date order.
fn running_numbers(
    pages: &[Page],
    problems: &mut Vec<Diagnostic>,
) -> HashMap<String, RunningNumber> {
    // One entry per translation key: the default-language page if present.
    let mut releases: BTreeMap<&str, &Page> = BTreeMap::new();
    for page in pages.iter().filter(|p| is_release(p)) {
        let key = page.doc.translation_key.as_str();
        let better = match releases.get(key) {
            None => true,
            Some(existing) => page.doc.path < existing.doc.path,
        };
        if better {
            releases.insert(key, page);
        }
    }
    let mut by_year: BTreeMap<i16, Vec<&Page>> = BTreeMap::new();
    for page in releases.values() {
        if let Some(date) = &page.doc.common.date {
            by_year.entry(date.date.year()).or_default().push(page);
        }
    }
    let mut numbers = HashMap::new();
    for (year, mut list) in by_year {
        list.sort_by(|a, b| {
            a.doc
                .common
                .date
                .cmp(&b.doc.common.date)
                .then_with(|| a.doc.translation_key.cmp(&b.doc.translation_key))
        });
        let mut taken: HashMap<u32, &Page> = HashMap::new();
        for page in &list {
            if let Some(number) = explicit_number(page) {
                if let Some(other) = taken.insert(number, page) {
                    problems.push(
                        page.doc.problem_at(
                            "number",
                            Code::NewsDuplicateNumber,
                            format!(
                                "the number {number}/{year} is also used by {}",
                                other.doc.path.display()
                            ),
                            "remove `number:` from one of them; kommhub then numbers it by date"
                                .to_string(),
                        ),
                    );
                }
                numbers.insert(
                    page.doc.translation_key.clone(),
                    RunningNumber { year, number },
                );
            }
        }
        let mut next = 1;
        for page in &list {
            if explicit_number(page).is_some() {
                continue;
            }
            while taken.contains_key(&next) {
                next += 1;
            }
            taken.insert(next, page);
            numbers.insert(
                page.doc.translation_key.clone(),
                RunningNumber { year, number: next },
            );
        }
    }
    numbers
}

fn explicit_number(page: &Page) -> Option<u32> {
    match &page.doc.kind {
        Kind::News(news) => news.number,
        _ => None,
    }
}
