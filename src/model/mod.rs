//! All documents → [`Site`]: the one in-memory model of the website.
//!
//! Assembled once and read-only afterwards. Here pages get their URLs
//! (section slugs per language, German-transliterated page slugs),
//! translations are paired by file name, `@/…` links are resolved to the
//! target's URL in the same language, bundle assets get their places and
//! aliases become redirects. Pure: no disk, no clock.
//!
//! The model holds data and writes no markup: a page keeps the body its
//! document brought (a [`crate::parse::BodyHtml`], which only `parse`
//! can make) and, beside it, where each of its links leads; the images it
//! shows are facts in [`Site::images`]. `render::body` makes the HTML.

pub mod news;
pub mod patch;
pub mod publication;
pub mod register;
mod url_path;
mod urls;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::config::{Lang, SiteConfig};
use crate::diagnostics::{Code, Diagnostic};
use crate::images::{ImageInfo, Images, variant_name};
use crate::parse::dates::PubDate;
use crate::parse::{Document, TranslationKey};
use crate::site_path::SitePath;
use crate::source::history::History;
use crate::source::{AssetFile, FileKind, FileRole};
pub use publication::{Publication, Withheld, WithheldPage};
pub use url_path::UrlPath;

/// Index of a page in [`Site::pages`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct PageId(pub usize);

/// A published page (sections and the home page included).
#[derive(Debug, Clone)]
pub struct Page {
    pub id: PageId,
    /// Shared with the parse cache of `serve`, so assembling again copies
    /// no documents.
    pub doc: Arc<Document>,
    pub lang: Lang,
    /// Site-relative URL with slashes at both ends: `/en/news/kooperation/`.
    pub url: UrlPath,
    /// Where the body's internal links lead: entry `n` for the body's
    /// placeholder `n` ([`crate::parse::markdown::link_placeholder`]).
    pub links: Vec<LinkTarget>,
    /// For sections: the pages and subsections listed, newest first.
    pub children: Vec<PageId>,
    /// Set on synthesised home pages for languages without `_index.<lang>.md`.
    pub synthetic: bool,
    /// When the page's file was last committed, where the site is a git
    /// repository ([`crate::source::history`]); a plain page without
    /// `updated` shows it as its last change ([`Page::updated`]).
    pub committed: Option<PubDate>,
}

impl Page {
    /// A page at `url` with its links not yet resolved and no children.
    fn new(id: PageId, doc: Arc<Document>, url: UrlPath) -> Page {
        Page {
            id,
            lang: doc.name.lang.clone(),
            url,
            links: Vec::new(),
            children: Vec::new(),
            synthetic: doc.path.as_os_str().is_empty(),
            committed: None,
            doc,
        }
    }

    /// When the page last changed, as readers are told: its `updated`,
    /// else, for a plain page, its file's last commit. Releases and
    /// standards say when they changed in their front matter only.
    pub fn updated(&self) -> Option<&PubDate> {
        let committed = match self.doc.role {
            FileRole::Page => self.committed.as_ref(),
            _ => None,
        };
        self.doc.common.updated.as_ref().or(committed)
    }

    pub fn is_section(&self) -> bool {
        self.doc.role.is_section()
    }

    pub fn is_home(&self) -> bool {
        self.doc.role == FileRole::Home
    }
}

/// Where an internal link of a body leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A page of this build, in the linking page's language when it has
    /// one: its site-relative URL and the heading id after `#`, if any.
    Page {
        url: UrlPath,
        anchor: Option<String>,
    },
    /// No page of this build (reported while assembling); the link leads
    /// nowhere.
    Nowhere,
}

/// A file published as it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PublishedAsset {
    pub from: PathBuf,
    pub to: SitePath,
}

/// An old address that must lead to a page.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Redirect {
    /// The alias as written (`/presse/alt/`), which may lack the final
    /// slash or carry a query.
    pub from: String,
    /// Site-relative URL of the page.
    pub to: UrlPath,
}

/// Translation key → language → page, for every placed page.
pub type Translations = HashMap<TranslationKey, BTreeMap<Lang, PageId>>;

/// The whole site, ready to render.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    pub pages: Vec<Page>,
    /// Address → page, for [`Site::page_at`].
    page_of_url: HashMap<UrlPath, PageId>,
    /// Translation key → language → page.
    pub translations: Translations,
    pub assets: Vec<PublishedAsset>,
    pub redirects: Vec<Redirect>,
    /// The earliest release withheld because it is dated after the build.
    pub next_scheduled: Option<(Timestamp, PathBuf)>,
    /// The path part of `base_url` (`""` or `/hub`), put before every URL.
    pub base_path: String,
    /// Running numbers and listings of press releases.
    pub news: news::NewsIndex,
    /// The build date and preview flags this site was assembled for.
    pub publication: Publication,
    /// Raster images by the site URL of their original (`/presse/x/foto.jpg`).
    pub images: HashMap<String, ImageInfo>,
    /// The standards register: versions, current versions, supersessions.
    pub register: register::Register,
    /// The pages this build leaves out, with the addresses they would
    /// have (for `check`); nothing renders them.
    pub withheld: Vec<WithheldPage>,
}

impl Site {
    /// The earliest `expires` after the build date among the published
    /// pages: when a build would next take a page offline.
    pub fn next_expiring(&self) -> Option<(Timestamp, PathBuf)> {
        self.pages
            .iter()
            .filter_map(|page| {
                let expires = page.doc.common.expires.as_ref()?;
                (expires.instant > self.publication.build_date)
                    .then(|| (expires.instant, page.doc.path.clone()))
            })
            .min()
    }

    /// The page `id`; the way every view reaches another page, so the
    /// read is recorded ([`crate::reads`]).
    pub fn page(&self, id: PageId) -> &Page {
        crate::reads::record(crate::reads::Read::Page(id));
        &self.pages[id.0]
    }

    /// The page at the site URL `url`, if any (recorded as read).
    pub fn page_at(&self, url: &str) -> Option<&Page> {
        self.page_of_url.get(url).map(|id| self.page(*id))
    }

    /// The home page of `lang` (always present after assembly).
    pub fn home(&self, lang: &Lang) -> Option<&Page> {
        self.translations
            .get(&TranslationKey::home())
            .and_then(|by_lang| by_lang.get(lang))
            .map(|id| self.page(*id))
    }

    /// Every published language version of `page`, in language order.
    pub fn translations_of<'a>(&'a self, page: &'a Page) -> Vec<&'a Page> {
        let Some(by_lang) = self.translations.get(&page.doc.translation_key) else {
            return vec![page];
        };
        self.config
            .languages
            .iter()
            .filter_map(|language| by_lang.get(&language.code))
            .map(|id| self.page(*id))
            .collect()
    }

    /// A site URL as it appears in a link: with the base path.
    pub fn href(&self, url: &str) -> String {
        format!("{}{}", self.base_path, url)
    }

    /// A site URL as an absolute address, for canonical links and feeds.
    pub fn permalink(&self, url: &str) -> String {
        let origin = self.config.base_url.trim_end_matches(&self.base_path);
        format!("{origin}{}{url}", self.base_path)
    }
}

/// Builds the model from every parsed document and asset; `history` is
/// when each content file was last committed (empty outside git).
pub fn assemble(
    config: SiteConfig,
    documents: Vec<Arc<Document>>,
    assets: &[AssetFile],
    images: &Images,
    history: &History,
    publication: Publication,
) -> (Site, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let base_path = urls::base_path(&config.base_url);
    let Sorted {
        mut published,
        withheld,
        withheld_docs,
        next_scheduled,
    } = sort_by_publication(documents, &publication);
    urls::add_missing_homes(&config, &mut published);
    problems.extend(register::screen(&mut published, &config));
    let withheld_pages = publication::place_withheld(&config, &published, withheld_docs);

    let url_plan = urls::UrlPlan::new(&config, &published).with_folders_of(&published);
    let Placed {
        mut pages,
        page_of_url,
        conflicted,
    } = place_pages(published, &url_plan, &mut problems);
    mark_committed(&mut pages, history);
    let derived = derive(
        &pages,
        &page_of_url,
        (&config, &url_plan),
        (assets, images),
        (&withheld, &conflicted),
    );
    attach(&mut pages, derived.links, derived.children, &mut problems);
    problems.extend(derived.problems);
    let (published_assets, image_urls) = derived.assets;
    let site = Site {
        config,
        pages,
        page_of_url,
        translations: derived.translations,
        assets: published_assets,
        redirects: derived.redirects,
        next_scheduled,
        base_path,
        news: derived.news,
        publication,
        register: derived.register,
        images: image_urls,
        withheld: withheld_pages,
    };
    (site, problems)
}

/// Gives every page the targets of its links (keeping their problems)
/// and every section its children.
fn attach(
    pages: &mut [Page],
    links: Vec<PageLinks>,
    children: Vec<(PageId, Vec<PageId>)>,
    problems: &mut Vec<Diagnostic>,
) {
    for (page, (targets, page_problems)) in pages.iter_mut().zip(links) {
        page.links = targets;
        problems.extend(page_problems);
    }
    for (section, list) in children {
        pages[section.0].children = list;
    }
}

/// What is made from the placed pages alone.
struct Derived {
    translations: Translations,
    news: news::NewsIndex,
    register: register::Register,
    /// Per page, the targets of its links and their problems.
    links: Vec<PageLinks>,
    /// Per section, its pages and subsections in order.
    children: Vec<(PageId, Vec<PageId>)>,
    assets: (Vec<PublishedAsset>, HashMap<String, ImageInfo>),
    redirects: Vec<Redirect>,
    /// The assets' and aliases' problems, then the listings' and the
    /// register's (the links' are in `links`).
    problems: Vec<Diagnostic>,
}

/// Makes everything that only reads the placed pages, on both cores: the
/// news listings (the largest part, itself parallel) beside the register,
/// the translations, the links, the sections' children, the assets and the
/// redirects. `serve` assembles while a staff member waits.
fn derive(
    pages: &[Page],
    page_of_url: &HashMap<UrlPath, PageId>,
    (config, url_plan): (&SiteConfig, &urls::UrlPlan),
    (assets, images): (&[AssetFile], &Images),
    (withheld, conflicted): (&HashMap<String, Withheld>, &HashSet<String>),
) -> Derived {
    // Nested joins leave the parts to whichever core is free: they take
    // from 1 to 7 ms each, and the listings are themselves split.
    let (((news, news_problems), (register, register_problems)), (linked, placed)) = rayon::join(
        || {
            rayon::join(
                || news::index(pages, config),
                || register::assemble(pages, config, assets),
            )
        },
        || {
            rayon::join(
                || links_of(pages, withheld, conflicted),
                || published_files(pages, page_of_url, (config, url_plan), (assets, images)),
            )
        },
    );
    let (translations, links) = linked;
    let (children, assets, redirects, mut problems) = placed;
    problems.extend(news_problems);
    problems.extend(register_problems);
    Derived {
        translations,
        news,
        register,
        links,
        children,
        assets,
        redirects,
        problems,
    }
}

/// The translations paired, and every page's link targets with their
/// problems.
fn links_of(
    pages: &[Page],
    withheld: &HashMap<String, Withheld>,
    conflicted: &HashSet<String>,
) -> (Translations, Vec<PageLinks>) {
    let translations = pair_translations(pages);
    let links = LinkTargets::new(pages, &translations, withheld, conflicted).resolve_all();
    (translations, links)
}

/// The sections' children, and the assets and redirects the site
/// publishes with their problems.
fn published_files(
    pages: &[Page],
    page_of_url: &HashMap<UrlPath, PageId>,
    (config, url_plan): (&SiteConfig, &urls::UrlPlan),
    (assets, images): (&[AssetFile], &Images),
) -> PublishedFiles {
    let mut problems = Vec::new();
    let assets = place_assets(assets, images, pages, url_plan, config, &mut problems);
    let redirects = collect_redirects(pages, page_of_url, &mut problems);
    (children_of(pages), assets, redirects, problems)
}

/// A page's link targets and their problems.
type PageLinks = (Vec<LinkTarget>, Vec<Diagnostic>);

/// The sections' children, the published assets with the image facts by
/// address, the redirects, and the assets' and redirects' problems.
type PublishedFiles = (
    Vec<(PageId, Vec<PageId>)>,
    (Vec<PublishedAsset>, HashMap<String, ImageInfo>),
    Vec<Redirect>,
    Vec<Diagnostic>,
);

/// When each page's file was last committed, from the walk's history.
fn mark_committed(pages: &mut [Page], history: &History) {
    for page in pages {
        page.committed = history
            .get(&page.doc.path)
            .and_then(|seconds| PubDate::from_second(*seconds));
    }
}

/// The documents this build publishes and those it withholds.
struct Sorted {
    published: Vec<Arc<Document>>,
    /// Link path → why the file is left out, so links to it say why.
    withheld: HashMap<String, Withheld>,
    withheld_docs: Vec<(Arc<Document>, Withheld)>,
    /// The earliest release withheld because it is dated after the build.
    next_scheduled: Option<(Timestamp, PathBuf)>,
}

/// Applies the publication rules to every document.
fn sort_by_publication(documents: Vec<Arc<Document>>, publication: &Publication) -> Sorted {
    let mut sorted = Sorted {
        published: Vec::new(),
        withheld: HashMap::default(),
        withheld_docs: Vec::new(),
        next_scheduled: None,
    };
    for doc in documents {
        let Some(reason) = publication.withheld(&doc) else {
            sorted.published.push(doc);
            continue;
        };
        if reason == Withheld::Scheduled && !doc.common.draft {
            if let Some(date) = &doc.common.date {
                if sorted
                    .next_scheduled
                    .as_ref()
                    .is_none_or(|(t, _)| date.instant < *t)
                {
                    sorted.next_scheduled = Some((date.instant, doc.path.clone()));
                }
            }
        }
        sorted.withheld.insert(doc.link_path.clone(), reason);
        sorted.withheld_docs.push((doc, reason));
    }
    sorted
}

/// Translation key → language → page, for every placed page.
fn pair_translations(pages: &[Page]) -> Translations {
    let mut translations: Translations =
        HashMap::with_capacity_and_hasher(pages.len(), Default::default());
    for page in pages {
        let key = &page.doc.translation_key;
        // The key is cloned once per set of language versions, not per page.
        match translations.get_mut(key) {
            Some(versions) => {
                versions.insert(page.lang.clone(), page.id);
            }
            None => {
                let versions = BTreeMap::from([(page.lang.clone(), page.id)]);
                translations.insert(key.clone(), versions);
            }
        }
    }
    translations
}

/// The published documents with their addresses.
struct Placed {
    pages: Vec<Page>,
    /// Address → the page that has it.
    page_of_url: HashMap<UrlPath, PageId>,
    /// Link paths of files left out because another file has their
    /// address: the conflict is reported, links to them are not.
    conflicted: HashSet<String>,
}

/// Gives every document its address; of two that want the same address,
/// one error names both, blamed on the one whose own `slug:` claims it,
/// and the other keeps the address (so links to it still resolve).
fn place_pages(
    published: Vec<Arc<Document>>,
    url_plan: &urls::UrlPlan,
    problems: &mut Vec<Diagnostic>,
) -> Placed {
    let mut placed = Placed {
        pages: Vec::with_capacity(published.len()),
        page_of_url: HashMap::with_capacity_and_hasher(published.len(), Default::default()),
        conflicted: HashSet::default(),
    };
    // The addresses are made on both cores; which page keeps a contested
    // one is decided in the documents' order.
    let urls: Vec<_> = published
        .par_iter()
        .map(|doc| url_plan.url_of(doc))
        .collect();
    for (doc, url) in published.into_iter().zip(urls) {
        let url = match url {
            Ok(url) => url,
            Err(problem) => {
                problems.extend(problem);
                continue;
            }
        };
        let Some(&PageId(index)) = placed.page_of_url.get(&url) else {
            let id = PageId(placed.pages.len());
            placed.page_of_url.insert(url.clone(), id);
            placed.pages.push(Page::new(id, doc, url));
            continue;
        };
        let first = &placed.pages[index].doc;
        let (blamed, kept) = if first.common.slug.is_some() && doc.common.slug.is_none() {
            (Arc::clone(first), doc)
        } else {
            (doc, Arc::clone(first))
        };
        problems.push(url_conflict(&blamed, &kept, &url));
        placed.conflicted.insert(blamed.link_path.clone());
        if !Arc::ptr_eq(&kept, &placed.pages[index].doc) {
            placed.pages[index] = Page::new(PageId(index), kept, url);
        }
    }
    placed
}

/// Two files want `url`: the error is on `blamed`, at its `slug:` when
/// it has one.
fn url_conflict(blamed: &Document, kept: &Document, url: &UrlPath) -> Diagnostic {
    let message = format!(
        "this page and {} both want the address {url}",
        kept.path.display()
    );
    let help = "give one of them another `slug:` in its front matter, or rename the file";
    if blamed.common.slug.is_some() {
        blamed.problem_at("slug", Code::UrlConflict, message, help.to_string())
    } else {
        Diagnostic::error(Code::UrlConflict, &blamed.path, message, help)
    }
}

/// Finds the page an `@/…` link names, in the linking page's language.
struct LinkTargets<'a> {
    pages: &'a [Page],
    translations: &'a Translations,
    by_link_path: HashMap<&'a str, PageId>,
    withheld: &'a HashMap<String, Withheld>,
    conflicted: &'a HashSet<String>,
}

impl<'a> LinkTargets<'a> {
    fn new(
        pages: &'a [Page],
        translations: &'a Translations,
        withheld: &'a HashMap<String, Withheld>,
        conflicted: &'a HashSet<String>,
    ) -> Self {
        let mut by_link_path = HashMap::with_capacity_and_hasher(pages.len(), Default::default());
        by_link_path.extend(
            pages
                .iter()
                .filter(|p| !p.synthetic)
                .map(|p| (p.doc.link_path.as_str(), p.id)),
        );
        LinkTargets {
            pages,
            translations,
            by_link_path,
            withheld,
            conflicted,
        }
    }

    /// Every page's link targets and problems, by page (in parallel: no
    /// page's links depend on another's).
    fn resolve_all(&self) -> Vec<PageLinks> {
        self.pages
            .par_iter()
            .map(|page| self.resolve(page, &page.doc))
            .collect()
    }

    /// Where each internal link of `doc`, the document of `page` (or its
    /// edited version), leads, and the problems.
    fn resolve(&self, page: &Page, doc: &Document) -> (Vec<LinkTarget>, Vec<Diagnostic>) {
        let mut problems = Vec::new();
        let mut targets = Vec::with_capacity(doc.body.links.len());
        for link in &doc.body.links {
            let at = |code, message: String, help: String| {
                Diagnostic::error(code, &doc.path, message, help).at(link.line, link.column)
            };
            let target = link.target.trim_start_matches("./").trim_start_matches('/');
            let Some(named) = self.by_link_path.get(target) else {
                targets.push(LinkTarget::Nowhere);
                if let Some((code, message, help)) = self.why_missing(target) {
                    problems.push(at(code, message, help));
                }
                continue;
            };
            let named = &self.pages[named.0];
            let target_page = self
                .translations
                .get(&named.doc.translation_key)
                .and_then(|by_lang| by_lang.get(&page.lang))
                .map(|id| &self.pages[id.0])
                .unwrap_or(named);
            if let Some(anchor) = &link.anchor {
                if let Some((message, help)) = missing_anchor(target_page, anchor) {
                    problems.push(at(Code::LinkBrokenAnchor, message, help));
                }
            }
            targets.push(LinkTarget::Page {
                url: target_page.url.clone(),
                anchor: link.anchor.clone(),
            });
        }
        (targets, problems)
    }

    /// Why no page has the link path `target`: the code, message and help
    /// of the error, or `None` when the target lost its address to another
    /// file (that conflict is the one error to fix).
    fn why_missing(&self, target: &str) -> Option<(Code, String, String)> {
        if self.conflicted.contains(target) {
            return None;
        }
        Some(match self.withheld.get(target) {
            Some(reason) => (
                Code::LinkUnpublished,
                format!(
                    "the link target @/{target} is {} and so not part of this build",
                    match reason {
                        Withheld::Draft => "a draft",
                        Withheld::Scheduled => "scheduled for later",
                        Withheld::Expired => "expired",
                    }
                ),
                "remove the link until the target is published".to_string(),
            ),
            None => (
                Code::LinkBroken,
                format!("the link target @/{target} does not exist"),
                "write the path of a file below content/, e.g. `@/news/2025-01-20-kooperation.md`"
                    .to_string(),
            ),
        })
    }
}

/// The message and help when `target` has no heading `anchor`.
fn missing_anchor(target: &Page, anchor: &str) -> Option<(String, String)> {
    let ids: Vec<String> = target
        .doc
        .body
        .headings
        .iter()
        .map(|h| h.id.clone())
        .collect();
    if ids.iter().any(|id| id == anchor) {
        return None;
    }
    let help = match crate::yaml::nearest(anchor, &ids) {
        Some(best) => format!("did you mean `#{best}`?"),
        None if ids.is_empty() => {
            "the target has no headings; link to the page without `#…`".to_string()
        }
        None => format!(
            "the target's headings are: {}",
            ids.iter()
                .map(|i| format!("#{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let message = format!(
        "{} has no heading with the id `{anchor}`",
        target.doc.path.display()
    );
    Some((message, help))
}

/// Every section's pages and subsections in the same language, newest
/// first, then by title.
fn children_of(pages: &[Page]) -> Vec<(PageId, Vec<PageId>)> {
    let mut sections: HashMap<(&str, &Lang), PageId> = HashMap::default();
    for page in pages.iter().filter(|p| p.is_section()) {
        sections.insert((page.doc.folder.as_str(), &page.lang), page.id);
    }
    let mut children: HashMap<PageId, Vec<PageId>> = HashMap::default();
    for page in pages.iter().filter(|p| !p.is_home()) {
        let parent_folder = urls::listing_folder(&page.doc);
        if let Some(section) = sections.get(&(parent_folder, &page.lang)) {
            children.entry(*section).or_default().push(page.id);
        }
    }
    let mut children: Vec<(PageId, Vec<PageId>)> = children.into_iter().collect();
    for (_, list) in &mut children {
        list.sort_by(|a, b| attach_order(&pages[a.0], &pages[b.0]));
    }
    children
}

/// The order of a section's children: newest first, then by title.
fn attach_order(a: &Page, b: &Page) -> std::cmp::Ordering {
    b.doc
        .common
        .date
        .cmp(&a.doc.common.date)
        .then_with(|| a.doc.common.title.cmp(&b.doc.common.title))
        .then_with(|| a.url.cmp(&b.url))
}

/// Publishes each asset next to every language version of the page bundle
/// or section its folder belongs to.
fn place_assets(
    assets: &[AssetFile],
    images: &Images,
    pages: &[Page],
    plan: &urls::UrlPlan,
    config: &SiteConfig,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<PublishedAsset>, HashMap<String, ImageInfo>) {
    let mut image_urls = HashMap::default();
    let bundle_urls = bundle_urls(pages);
    let bundle_folders: HashSet<&str> = assets
        .iter()
        .map(|asset| asset.folder.as_str())
        .filter(|folder| bundle_urls.contains_key(folder))
        .collect();
    let mut placed = Vec::new();
    for asset in assets {
        let urls: Vec<UrlPath> = match bundle_urls.get(asset.folder.as_str()) {
            Some(urls) => urls.iter().map(|u| (*u).clone()).collect(),
            None if bundle_folders.contains(asset.folder.as_str()) => continue,
            None => config
                .languages
                .iter()
                .map(|l| plan.folder_url(&asset.folder, &l.code))
                .collect(),
        };
        let image = images.by_source.get(&asset.absolute);
        for url in urls {
            if let Some(info) = image {
                image_urls.insert(format!("{url}{}", asset.relative), info.clone());
                placed.extend(variants_at(asset, info, &url));
            }
            match SitePath::new(&format!(
                "{}{}",
                url.trim_start_matches('/'),
                asset.relative
            )) {
                // A photo is published without its revealing metadata.
                Ok(to) => placed.push(PublishedAsset {
                    from: image.map_or_else(|| asset.absolute.clone(), |i| i.original.clone()),
                    to,
                }),
                Err(_) => problems.push(Diagnostic::error(
                    Code::SourceUnsafeAssetPath,
                    &asset.path,
                    "this file's path cannot be published safely",
                    "rename the file to letters, digits, hyphens and dots",
                )),
            }
        }
    }
    placed.sort();
    placed.dedup();
    (placed, image_urls)
}

/// Bundle folder → the URL of each language version of its page.
fn bundle_urls(pages: &[Page]) -> HashMap<&str, Vec<&UrlPath>> {
    let mut bundle_urls: HashMap<&str, Vec<&UrlPath>> = HashMap::default();
    for page in pages {
        if page.doc.name.kind == FileKind::BundleIndex {
            bundle_urls
                .entry(page.doc.folder.as_str())
                .or_default()
                .push(&page.url);
        }
    }
    bundle_urls
}

/// The responsive variants of an image asset, published beside its copy
/// at `url`.
fn variants_at<'a>(
    asset: &'a AssetFile,
    info: &'a ImageInfo,
    url: &'a str,
) -> impl Iterator<Item = PublishedAsset> + 'a {
    info.variants.iter().filter_map(move |variant| {
        let name = variant_name(&asset.relative, variant.width);
        let to = SitePath::new(&format!("{}{name}", url.trim_start_matches('/'))).ok()?;
        Some(PublishedAsset {
            from: variant.file.clone(),
            to,
        })
    })
}

/// Each page's aliases as redirects to it; an alias that is a page's own
/// address, or that two pages claim, is an error.
fn collect_redirects(
    pages: &[Page],
    page_of_url: &HashMap<UrlPath, PageId>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Redirect> {
    let mut redirects: Vec<Redirect> = Vec::new();
    let mut seen: HashMap<String, PathBuf> = HashMap::default();
    for page in pages {
        for alias in &page.doc.common.aliases {
            // Unsafe aliases were reported while parsing.
            let path = alias.split(['?', '#']).next().unwrap_or("");
            if !alias.starts_with('/') || SitePath::new(path).is_err() {
                continue;
            }
            let as_url = format!("/{}/", path.trim_matches('/'));
            if let Some(owner) = page_of_url
                .get(as_url.as_str())
                .map(|id| &pages[id.0].doc.path)
            {
                let (line, column) = page.doc.position_of("aliases");
                problems.push(
                    Diagnostic::error(
                        Code::UrlAliasConflict,
                        &page.doc.path,
                        format!("the alias {alias} is the address of {}", owner.display()),
                        "remove the alias; a page's own address cannot redirect elsewhere",
                    )
                    .at(line, column),
                );
                continue;
            }
            if let Some(owner) = seen.insert(alias.clone(), page.doc.path.clone()) {
                let (line, column) = page.doc.position_of("aliases");
                problems.push(
                    Diagnostic::error(
                        Code::UrlAliasConflict,
                        &page.doc.path,
                        format!("the alias {alias} is also claimed by {}", owner.display()),
                        "keep the alias on one page only",
                    )
                    .at(line, column),
                );
                continue;
            }
            redirects.push(Redirect {
                from: alias.clone(),
                to: page.url.clone(),
            });
        }
    }
    redirects.sort();
    redirects
}
