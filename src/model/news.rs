//! Press releases as a whole: running numbers and the listings readers
//! browse (the paginated news section, archives per year, per tag and per
//! association).
//!
//! Listings are pages without a source file; the model decides their URLs
//! and contents here, once, so templates, feeds and the sitemap agree.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::fmt;

use crate::config::{Lang, SiteConfig};
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::dates::PubDate;
use crate::parse::{Kind, TranslationKey};
use crate::slug::slugify;
use crate::source::FileRole;

use super::{Page, PageId, UrlPath};

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
    pub url: UrlPath,
    /// Site-relative URL of the listing's first page.
    pub first_url: UrlPath,
    /// The releases on this page, newest first.
    pub items: Vec<PageId>,
    /// 1-based page number and the number of pages.
    pub page: usize,
    pub pages: usize,
    pub prev: Option<UrlPath>,
    pub next: Option<UrlPath>,
    /// For the tag index: (name, url, count) per tag.
    pub tags: Vec<(String, UrlPath, usize)>,
}

/// The press releases of the site, per language.
#[derive(Debug, Default)]
pub struct NewsIndex {
    /// Translation key → running number (shared by all languages).
    pub numbers: HashMap<TranslationKey, RunningNumber>,
    /// Listing pages; the first page of [`ListingKind::Section`] is the
    /// section page itself and is not in here.
    pub listings: Vec<Listing>,
    /// Newest first, per language.
    pub newest: BTreeMap<Lang, Vec<PageId>>,
    /// Section page → index in `listings` of its page 1, so that every
    /// page's view finds it without scanning all listings.
    first_pages: HashMap<PageId, usize>,
    /// Per listing, its group of language versions (indices into
    /// `listings`, in the site's language order; itself included).
    versions: Vec<Arc<[usize]>>,
    /// Address → place in `listings`, for [`NewsIndex::listing_at`].
    by_url: HashMap<UrlPath, usize>,
}

impl NewsIndex {
    /// Page 1 of the news section of `section`, rendered as the section page.
    pub fn section_first_page(&self, section: PageId) -> Option<&Listing> {
        let listing = self
            .first_pages
            .get(&section)
            .and_then(|at| self.listings.get(*at))?;
        crate::reads::record(crate::reads::Read::Listing(listing.url.to_string()));
        Some(listing)
    }

    /// The releases of `lang`, newest first (recorded as read).
    pub fn newest(&self, lang: &Lang) -> &[PageId] {
        crate::reads::record(crate::reads::Read::Newest(lang.clone()));
        self.newest.get(lang).map(Vec::as_slice).unwrap_or_default()
    }

    /// The listing page at the site URL `url`, if any.
    pub fn listing_at(&self, url: &str) -> Option<&Listing> {
        self.by_url.get(url).and_then(|at| self.listings.get(*at))
    }

    /// The language versions of `listing` (itself included), in the
    /// site's language order: the same section page, year, association
    /// or tag index in every language that has it. A tag's listing has
    /// no other language version.
    pub fn versions_of<'a>(&'a self, listing: &'a Listing) -> Vec<&'a Listing> {
        let group = self
            .by_url
            .get(&listing.url)
            .and_then(|at| self.versions.get(*at));
        match group {
            Some(group) => group.iter().map(|at| &self.listings[*at]).collect(),
            None => vec![listing],
        }
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

/// Whether the page is a press release.
fn is_release(page: &Page) -> bool {
    page.doc.role == FileRole::Release
}

/// Numbers every release and builds every listing. The languages' listings
/// and the running numbers are made in parallel: `serve` makes them again
/// after a release's date or tags changed, while a staff member waits.
pub fn index(pages: &[Page], config: &SiteConfig) -> (NewsIndex, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    // The listings, the longest part, start at once; the numbers wait
    // for a free core.
    let (languages, numbers) = rayon::join(
        || {
            config
                .languages
                .par_iter()
                .filter_map(|language| language_listings(pages, config, &language.code))
                .collect::<Vec<_>>()
        },
        || running_numbers(pages, &mut problems),
    );
    let mut index = NewsIndex {
        numbers,
        ..NewsIndex::default()
    };
    for (lang, newest, listings) in languages {
        index.newest.insert(lang, newest);
        index.listings.extend(listings);
    }
    let listings = &index.listings;
    (index.by_url, index.versions) = rayon::join(
        || {
            let urls = listings.iter().enumerate();
            urls.map(|(at, l)| (l.url.clone(), at)).collect()
        },
        || versions(listings),
    );
    index.first_pages = index
        .listings
        .iter()
        .enumerate()
        .filter(|(_, l)| l.kind == ListingKind::Section && l.page == 1)
        .map(|(at, l)| (l.section, at))
        .collect();
    (index, problems)
}

/// One language's releases, newest first, and its listings; `None` when
/// the language has no news section.
fn language_listings(
    pages: &[Page],
    config: &SiteConfig,
    lang: &Lang,
) -> Option<(Lang, Vec<PageId>, Vec<Listing>)> {
    let section = pages
        .iter()
        .find(|p| p.doc.role == FileRole::NewsSection && p.lang == *lang)?;
    let releases = releases_newest_first(pages, lang);
    let ids: Vec<PageId> = releases.iter().map(|p| p.id).collect();
    let mut listings = Vec::new();
    let mut out = LanguageListings {
        listings: &mut listings,
        lang,
        section: section.id,
        base: &section.url,
        per_page: config.news_per_page,
    };
    // The section itself; its page 1 is rendered as the section page.
    out.paginate(ListingKind::Section, &section.url, &ids);
    let groups = Groups::of(&releases);
    out.years(groups.years);
    out.tags(groups.tags);
    out.associations(groups.associations);
    Some((lang.clone(), ids, listings))
}

/// Per listing, the listings that are its language versions. Listings
/// are made language by language in the site's order, so each group's
/// indices come in that order.
fn versions(listings: &[Listing]) -> Vec<Arc<[usize]>> {
    let mut groups: HashMap<VersionKey<'_>, Vec<usize>> = HashMap::default();
    for (at, listing) in listings.iter().enumerate() {
        groups.entry(version_key(listing)).or_default().push(at);
    }
    let shared: HashMap<VersionKey<'_>, Arc<[usize]>> = groups
        .into_iter()
        .map(|(key, group)| (key, group.into()))
        .collect();
    listings
        .iter()
        .map(|listing| Arc::clone(&shared[&version_key(listing)]))
        .collect()
}

/// What a listing's language versions have in common: its kind, what
/// tells listings of that kind apart, and its page number. Borrowed from
/// the listing, so comparing keys allocates nothing.
type VersionKey<'a> = (std::mem::Discriminant<ListingKind>, KindDetail<'a>, usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum KindDetail<'a> {
    None,
    Year(i16),
    Association(&'a str),
    /// A tag's listing has no other language version.
    Tag(&'a Lang, &'a str),
}

fn version_key(listing: &Listing) -> VersionKey<'_> {
    let detail = match &listing.kind {
        ListingKind::Section | ListingKind::TagIndex => KindDetail::None,
        ListingKind::Year(year) => KindDetail::Year(*year),
        ListingKind::Association(key) => KindDetail::Association(key),
        ListingKind::Tag { slug, .. } => KindDetail::Tag(&listing.lang, slug),
    };
    (std::mem::discriminant(&listing.kind), detail, listing.page)
}

/// The releases of one language, newest first.
fn releases_newest_first<'p>(pages: &'p [Page], lang: &Lang) -> Vec<&'p Page> {
    let releases = pages.iter().filter(|p| is_release(p) && p.lang == *lang);
    by_date(releases, Order::NewestFirst)
}

/// Which way [`by_date`] sorts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    OldestFirst,
    NewestFirst,
}

/// Releases by date, one date in translation-key order. They are sorted
/// by keys copied into one array (the date and the key's text): that is
/// faster than reaching into two documents for every comparison, at
/// 10,000 releases while `serve` assembles.
fn by_date<'p>(releases: impl Iterator<Item = &'p Page>, order: Order) -> Vec<&'p Page> {
    let mut keyed: Vec<(Option<PubDate>, &str, &Page)> = releases
        .map(|page| {
            let key = page.doc.translation_key.as_str();
            (page.doc.common.date.clone(), key, page)
        })
        .collect();
    keyed.sort_by(|(a, a_key, _), (b, b_key, _)| {
        let dates = match order {
            Order::OldestFirst => a.cmp(b),
            Order::NewestFirst => b.cmp(a),
        };
        dates.then_with(|| a_key.cmp(b_key))
    });
    keyed.into_iter().map(|(_, _, page)| page).collect()
}

/// One language's releases, newest first, grouped the ways the archive
/// listings list them.
#[derive(Default)]
struct Groups {
    years: BTreeMap<i16, Vec<PageId>>,
    /// Tag slug → the tag as first written, and its releases.
    tags: BTreeMap<String, (String, Vec<PageId>)>,
    /// Association key → its releases.
    associations: BTreeMap<String, Vec<PageId>>,
}

impl Groups {
    /// Sorts each release into its year, its tags and its associations.
    fn of(releases: &[&Page]) -> Groups {
        let mut groups = Groups::default();
        // Thousands of releases share a few hundred tags and a few
        // associations: each tag is slugged once, each list allocated
        // once, and a release only pushes its id.
        let mut tags = TagLists::default();
        let mut associations: HashMap<&str, Vec<PageId>> = HashMap::default();
        for page in releases {
            if let Some(date) = &page.doc.common.date {
                groups
                    .years
                    .entry(date.date.year())
                    .or_default()
                    .push(page.id);
            }
            for tag in &page.doc.common.tags {
                tags.push(tag, page.id);
            }
            if let Kind::News(news) = &page.doc.kind {
                for key in &news.associations {
                    associations.entry(key).or_default().push(page.id);
                }
            }
        }
        groups.tags = tags
            .lists
            .into_iter()
            .map(|(slug, name, ids)| (slug, (name, ids)))
            .collect();
        groups.associations = associations
            .into_iter()
            .map(|(key, ids)| (key.to_string(), ids))
            .collect();
        groups
    }
}

/// The releases of each tag slug, in the order they were pushed, named
/// by the tag as first written.
#[derive(Default)]
struct TagLists<'a> {
    /// Tag as written → its slug's list (`None`: the tag slugs to nothing).
    of_tag: HashMap<&'a str, Option<usize>>,
    of_slug: HashMap<String, usize>,
    /// Slug, name, releases.
    lists: Vec<(String, String, Vec<PageId>)>,
}

impl<'a> TagLists<'a> {
    fn push(&mut self, tag: &'a str, id: PageId) {
        let (of_slug, lists) = (&mut self.of_slug, &mut self.lists);
        let at = *self.of_tag.entry(tag).or_insert_with(|| {
            let slug = slugify(tag);
            if slug.is_empty() {
                return None;
            }
            let at = *of_slug.entry(slug.clone()).or_insert_with(|| {
                lists.push((slug, tag.to_string(), Vec::new()));
                lists.len() - 1
            });
            Some(at)
        });
        if let Some(at) = at {
            self.lists[at].2.push(id);
        }
    }
}

/// Where one language's listings go, and what all of them share.
struct LanguageListings<'a> {
    listings: &'a mut Vec<Listing>,
    lang: &'a Lang,
    /// The language's news section page.
    section: PageId,
    /// The news section's URL, which begins every listing's URL.
    base: &'a UrlPath,
    per_page: usize,
}

impl LanguageListings<'_> {
    /// Splits `items` into pages of `per_page` at `url`, `url/seite/2/`, …
    fn paginate(&mut self, kind: ListingKind, url: &UrlPath, items: &[PageId]) {
        let (lang, per_page) = (self.lang, self.per_page);
        let pages = items.len().div_ceil(per_page).max(1);
        // Each address is made once and cloned for its neighbours' links.
        let mut urls = vec![url.clone()];
        if pages > 1 {
            let word = url.join(url_word(lang, "page"));
            urls.extend((2..=pages).map(|page| word.join(&page.to_string())));
        }
        for (at, page_url) in urls.iter().enumerate() {
            let start = (at * per_page).min(items.len());
            let end = (start + per_page).min(items.len());
            self.listings.push(Listing {
                kind: kind.clone(),
                lang: lang.clone(),
                section: self.section,
                url: page_url.clone(),
                first_url: url.clone(),
                items: items[start..end].to_vec(),
                page: at + 1,
                pages,
                prev: at.checked_sub(1).map(|before| urls[before].clone()),
                next: urls.get(at + 1).cloned(),
                tags: Vec::new(),
            });
        }
    }

    /// One archive per year: `/news/2025/`.
    fn years(&mut self, years: BTreeMap<i16, Vec<PageId>>) {
        for (year, items) in years {
            let url = self.base.join(&year.to_string());
            self.paginate(ListingKind::Year(year), &url, &items);
        }
    }

    /// One listing per tag (`/news/themen/<slug>/`) and, when there is
    /// any tag, the index of all tags.
    fn tags(&mut self, tags: BTreeMap<String, (String, Vec<PageId>)>) {
        let tags_url = self.base.join(url_word(self.lang, "tags"));
        let mut tag_summary = Vec::new();
        for (slug, (name, items)) in tags {
            let url = tags_url.join(&slug);
            tag_summary.push((name.clone(), url.clone(), items.len()));
            self.paginate(ListingKind::Tag { name, slug }, &url, &items);
        }
        if tag_summary.is_empty() {
            return;
        }
        self.listings.push(Listing {
            kind: ListingKind::TagIndex,
            lang: self.lang.clone(),
            section: self.section,
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

    /// One listing per association: `/news/verband/<key>/`.
    fn associations(&mut self, associations: BTreeMap<String, Vec<PageId>>) {
        for (key, items) in associations {
            let url = self
                .base
                .join(url_word(self.lang, "association"))
                .join(&key);
            self.paginate(ListingKind::Association(key), &url, &items);
        }
    }
}

/// Running numbers per year in date order. A release may fix its number
/// with `number:` (written by `kommhub new`), so inserting an older release
/// later does not renumber published ones; releases without a number take
/// the smallest free numbers of their year in date order. The years are
/// numbered in parallel: none depends on another.
fn running_numbers(
    pages: &[Page],
    problems: &mut Vec<Diagnostic>,
) -> HashMap<TranslationKey, RunningNumber> {
    let mut by_year: BTreeMap<i16, Vec<&Page>> = BTreeMap::new();
    for page in one_release_per_key(pages).into_values() {
        if let Some(date) = &page.doc.common.date {
            by_year.entry(date.date.year()).or_default().push(page);
        }
    }
    let years: Vec<(i16, Vec<&Page>)> = by_year.into_iter().collect();
    let numbered: Vec<_> = years
        .into_par_iter()
        .map(|(year, list)| {
            let list = by_date(list.into_iter(), Order::OldestFirst);
            let mut year_problems = Vec::new();
            let numbers = number_year(year, &list, &mut year_problems);
            (numbers, year_problems)
        })
        .collect();
    let count = numbered.iter().map(|(numbers, _)| numbers.len()).sum();
    let mut numbers = HashMap::with_capacity_and_hasher(count, Default::default());
    for (year_numbers, year_problems) in numbered {
        numbers.extend(year_numbers);
        problems.extend(year_problems);
    }
    numbers
}

/// One release per translation key, the one whose path sorts first (the
/// default language's), since all languages share the number.
fn one_release_per_key(pages: &[Page]) -> HashMap<&TranslationKey, &Page> {
    let mut releases: HashMap<&TranslationKey, &Page> = HashMap::default();
    for page in pages.iter().filter(|p| is_release(p)) {
        let key = &page.doc.translation_key;
        let better = match releases.get(key) {
            None => true,
            // Language versions share a folder: their names decide, and
            // comparing bytes is cheaper than comparing components.
            Some(existing) => page.doc.path.as_os_str() < existing.doc.path.as_os_str(),
        };
        if better {
            releases.insert(key, page);
        }
    }
    releases
}

/// Numbers one year's releases, given in date order: explicit numbers
/// first (a number used twice is an error), then the smallest free ones.
fn number_year(
    year: i16,
    list: &[&Page],
    problems: &mut Vec<Diagnostic>,
) -> Vec<(TranslationKey, RunningNumber)> {
    let mut numbers = Vec::with_capacity(list.len());
    let mut taken: HashMap<u32, &Page> = HashMap::default();
    for page in list {
        let Some(number) = explicit_number(page) else {
            continue;
        };
        if let Some(other) = taken.insert(number, page) {
            problems.push(page.doc.problem_at(
                "number",
                Code::NewsDuplicateNumber,
                format!(
                    "the number {number}/{year} is also used by {}",
                    other.doc.path.display()
                ),
                "remove `number:` from one of them; kommhub then numbers it by date".to_string(),
            ));
        }
        numbers.push((
            page.doc.translation_key.clone(),
            RunningNumber { year, number },
        ));
    }
    let mut next = 1;
    for page in list {
        if explicit_number(page).is_some() {
            continue;
        }
        while taken.contains_key(&next) {
            next += 1;
        }
        taken.insert(next, page);
        numbers.push((
            page.doc.translation_key.clone(),
            RunningNumber { year, number: next },
        ));
    }
    numbers
}

/// The number a release fixes with `number:`, if any.
fn explicit_number(page: &Page) -> Option<u32> {
    match &page.doc.kind {
        Kind::News(news) => news.number,
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "title: { de: \"Hub\", en: \"Hub\" }\nbase_url: \"https://hub.example.org/\"\ndefault_language: de\nlanguages:\n  en: { name: English }\n  de: { name: Deutsch }\nassociations:\n  itk: { name: ITK, url: \"https://itk.example\" }\n";

    /// The listings `fill` makes in `lang`'s news section, `per_page` to
    /// a page; `fill` gets the section's address.
    fn made(
        config: &SiteConfig,
        lang: &str,
        per_page: usize,
        fill: impl FnOnce(&mut LanguageListings, &UrlPath),
    ) -> Vec<Listing> {
        let lang = Lang::new(lang);
        let base = UrlPath::home(config, &lang).join("news");
        let mut listings = Vec::new();
        let mut out = LanguageListings {
            listings: &mut listings,
            lang: &lang,
            section: PageId(0),
            base: &base,
            per_page,
        };
        fill(&mut out, &base);
        listings
    }

    /// Every listing of one language: two section pages, a year, a tag.
    fn listings_of(config: &SiteConfig, lang: &str, tag: &str) -> Vec<Listing> {
        made(config, lang, 1, |out, base| {
            out.paginate(ListingKind::Section, base, &[PageId(1), PageId(2)]);
            out.years(BTreeMap::from([(2025, vec![PageId(1)])]));
            let tags = BTreeMap::from([(tag.to_string(), (tag.to_string(), vec![PageId(2)]))]);
            out.tags(tags);
        })
    }

    #[test]
    fn pages_split_the_items_and_link_their_neighbours() {
        let config = crate::config::parse(CONFIG).unwrap();
        let listings = made(&config, "en", 2, |out, base| {
            let items: Vec<PageId> = (1..=5).map(PageId).collect();
            out.paginate(ListingKind::Section, base, &items);
            out.paginate(ListingKind::Year(2024), &base.join("2024"), &[]);
        });
        let seen: Vec<_> = listings
            .iter()
            .map(|l| {
                let link = |url: &Option<UrlPath>| url.as_ref().map(|u| u.to_string());
                let items: Vec<usize> = l.items.iter().map(|id| id.0).collect();
                (
                    l.url.to_string(),
                    items,
                    (l.page, l.pages),
                    link(&l.prev),
                    link(&l.next),
                )
            })
            .collect();
        let some = |url: &str| Some(url.to_string());
        assert_eq!(
            seen,
            [
                (
                    "/en/news/".into(),
                    vec![1, 2],
                    (1, 3),
                    None,
                    some("/en/news/page/2/")
                ),
                (
                    "/en/news/page/2/".into(),
                    vec![3, 4],
                    (2, 3),
                    some("/en/news/"),
                    some("/en/news/page/3/")
                ),
                (
                    "/en/news/page/3/".into(),
                    vec![5],
                    (3, 3),
                    some("/en/news/page/2/"),
                    None
                ),
                // A listing with nothing in it still has its first page.
                ("/en/news/2024/".into(), vec![], (1, 1), None, None),
            ]
        );
        assert!(listings.iter().take(3).all(|l| l.first_url == "/en/news/"));
    }

    #[test]
    fn listings_pair_with_their_language_versions_and_tags_stand_alone() {
        let config = crate::config::parse(CONFIG).unwrap();
        let mut listings = listings_of(&config, "de", "digitalisierung");
        listings.extend(listings_of(&config, "en", "digitalisation"));
        let index = NewsIndex {
            by_url: listings
                .iter()
                .enumerate()
                .map(|(at, l)| (l.url.clone(), at))
                .collect(),
            versions: versions(&listings),
            listings,
            ..NewsIndex::default()
        };
        let urls = |url: &str| -> Vec<String> {
            let listing = index.listing_at(url).unwrap();
            let versions = index.versions_of(listing);
            versions.iter().map(|l| l.url.to_string()).collect()
        };
        assert_eq!(
            urls("/news/seite/2/"),
            ["/news/seite/2/", "/en/news/page/2/"]
        );
        assert_eq!(urls("/en/news/2025/"), ["/news/2025/", "/en/news/2025/"]);
        assert_eq!(urls("/en/news/tags/"), ["/news/themen/", "/en/news/tags/"]);
        assert_eq!(
            urls("/news/themen/digitalisierung/"),
            ["/news/themen/digitalisierung/"]
        );
    }
}
