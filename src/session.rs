//! A pipeline that remembers: the engine of `kommhub serve`.
//!
//! A [`Session`] keeps what the last run read and parsed. After a change it
//! re-reads and re-parses only the files whose text changed, re-assembles
//! the whole model (so links, translations, listings and the register are
//! never stale), re-renders, and writes only the output files whose bytes
//! differ from what it wrote before. A template or string change reuses
//! every parsed document; a `site.yaml` change starts from scratch.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tera::Tera;

use crate::config::Lang;
use crate::config::SiteConfig;
use crate::diagnostics::{self, Diagnostic};
use crate::images::{self, Images};
use crate::model;
use crate::model::news::{Listing, RunningNumber};
use crate::model::{Page, PageId, Site};
use crate::parse::Kind;
use crate::parse::{self, Document};
use crate::pipeline::{BuildOptions, load_config};
use crate::render::{self, Content, Selection, ThemeFiles, views};
use crate::site_path::SitePath;
use crate::source::{self, ContentFile, SourceTree};

/// What changed on disk since the last run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// `site.yaml`: start from scratch.
    pub config: bool,
    /// Templates or translation strings of the theme.
    pub theme: bool,
    /// Files in the theme's `static/`.
    pub statics: bool,
    /// Files below `content/`, relative to the root.
    pub content: BTreeSet<PathBuf>,
}

impl Changes {
    /// Everything, as for the first run.
    pub fn everything() -> Self {
        Changes {
            config: true,
            ..Changes::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.config && !self.theme && !self.statics && self.content.is_empty()
    }

    /// Only stylesheets changed, which a browser can swap without reload.
    pub fn only_css(&self, changed: &[String]) -> bool {
        !self.config
            && !self.theme
            && self.content.is_empty()
            && !changed.is_empty()
            && changed.iter().all(|u| u.ends_with(".css"))
    }
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Rebuilt {
    /// Site URLs whose files were (re)written or removed: `/news/a/`, `/style.css`.
    pub changed: Vec<String>,
    pub parsed: usize,
    /// Pages and listings rendered (the rest of the folder was current).
    pub rendered_pages: usize,
    pub written: usize,
    pub removed: usize,
    pub took: Duration,
    pub warnings: Vec<Diagnostic>,
}

struct Parsed {
    fingerprint: u64,
    document: Option<Arc<Document>>,
    problems: Vec<Diagnostic>,
}

struct Theme {
    files: ThemeFiles,
    problems: Vec<Diagnostic>,
    tera: Option<Tera>,
}

/// The cached pipeline writing into one folder.
pub struct Session {
    options: BuildOptions,
    out_dir: PathBuf,
    config: Option<SiteConfig>,
    tree: SourceTree,
    source_problems: Vec<Diagnostic>,
    parsed: HashMap<PathBuf, Parsed>,
    images: Images,
    image_problems: Vec<Diagnostic>,
    theme: Option<Theme>,
    /// Fingerprints of the bytes last written, by output path.
    written: HashMap<SitePath, u64>,
    /// The last site written, to find what a change touched.
    previous: Option<Site>,
    /// Render everything next time (first run, theme or config change).
    render_all: bool,
    /// Files whose text may have changed since they were parsed; `None`
    /// after a full walk, when every file must be compared.
    touched: Option<HashSet<PathBuf>>,
}

impl Session {
    /// A session that writes into `out_dir`; nothing is read yet.
    pub fn new(options: BuildOptions, out_dir: PathBuf) -> Self {
        Session {
            options,
            out_dir,
            config: None,
            tree: SourceTree::default(),
            source_problems: Vec::new(),
            parsed: HashMap::new(),
            images: Images::default(),
            image_problems: Vec::new(),
            theme: None,
            written: HashMap::new(),
            previous: None,
            render_all: true,
            touched: None,
        }
    }

    pub fn config(&self) -> Option<&SiteConfig> {
        self.config.as_ref()
    }

    /// Brings the output folder up to date with `changes`. On content
    /// errors nothing is written and the folder keeps the last good site.
    pub fn rebuild(&mut self, changes: &Changes) -> Result<Rebuilt, Vec<Diagnostic>> {
        let start = Instant::now();
        let root = self.options.root.clone();
        self.render_all |= changes.config || changes.theme || changes.statics;
        if changes.config || self.config.is_none() {
            let config = load_config(&root)?;
            let config = match &self.options.base_url {
                Some(url) => config.with_base_url(url),
                None => config,
            };
            self.config = Some(config);
            self.parsed.clear();
            self.theme = None;
            self.reread_all();
        } else if !changes.content.is_empty() {
            self.update_content(&changes.content);
        }
        let Some(config) = self.config.clone() else {
            return Err(Vec::new());
        };
        if changes.theme || changes.statics || self.theme.is_none() {
            let (files, problems) = render::theme::read(&root, &config);
            self.theme = Some(Theme {
                files,
                problems,
                tera: None,
            });
        }
        let parsed = self.parse_changed(&config);
        let mut problems: Vec<Diagnostic> = self.source_problems.clone();
        problems.extend(self.image_problems.iter().cloned());
        let mut documents = Vec::with_capacity(self.parsed.len());
        for file in &self.tree.files {
            if let Some(entry) = self.parsed.get(&file.path) {
                problems.extend(entry.problems.iter().cloned());
                documents.extend(entry.document.clone());
            }
        }
        let (site, model_problems) = model::assemble(
            config,
            documents,
            &self.tree.assets,
            &self.images,
            self.options.publication,
        );
        problems.extend(model_problems);
        let Some(theme) = self.theme.as_mut() else {
            return Err(problems);
        };
        problems.extend(theme.problems.iter().cloned());
        if theme.tera.is_none() {
            match render::compile(&theme.files, &site) {
                Ok(tera) => theme.tera = Some(tera),
                Err(compile_problems) => problems.extend(compile_problems),
            }
        }
        let selection = match &self.previous {
            Some(previous) if !self.render_all => dirty(previous, &site),
            _ => Selection::All,
        };
        let output = match &theme.tera {
            Some(tera) => {
                let (output, render_problems) =
                    render::render_selected(&site, &theme.files, tera, &selection);
                problems.extend(render_problems);
                Some(output)
            }
            None => None,
        };
        let problems = diagnostics::sorted(problems);
        if problems.iter().any(Diagnostic::is_error) {
            return Err(problems);
        }
        let Some(output) = output else {
            return Err(problems);
        };
        let partial = matches!(selection, Selection::Only { .. });
        let rendered_pages = match &selection {
            Selection::All => site.pages.len() + site.news.listing_pages().count(),
            Selection::Only {
                pages, listings, ..
            } => pages.len() + listings.len(),
        };
        let (changed, written, removed) = self.write(&output, &site, partial).map_err(|error| {
            vec![Diagnostic::error(
                "output/io",
                &self.out_dir,
                format!("the preview cannot be written: {error}"),
                "check that the folder is writable and the disk not full",
            )]
        })?;
        self.previous = Some(site);
        self.render_all = false;
        Ok(Rebuilt {
            changed,
            parsed,
            rendered_pages,
            written,
            removed,
            took: start.elapsed(),
            warnings: problems,
        })
    }

    fn languages(&self) -> Vec<crate::config::Lang> {
        self.config
            .as_ref()
            .map(|c| c.languages.iter().map(|l| l.code.clone()).collect())
            .unwrap_or_default()
    }

    fn reread_all(&mut self) {
        self.touched = None;
        let (tree, problems) = source::read_content(&self.options.root, &self.languages());
        let (images, image_problems) = images::prepare(&self.options.root, &tree.assets);
        self.tree = tree;
        self.source_problems = problems;
        self.images = images;
        self.image_problems = image_problems;
        let known: HashSet<&PathBuf> = self.tree.files.iter().map(|f| &f.path).collect();
        self.parsed.retain(|path, _| known.contains(path));
    }

    /// The common case, saving one Markdown file that already existed, is
    /// handled by reading just that file; anything else (new, removed or
    /// renamed files, assets) walks `content/` again.
    fn update_content(&mut self, paths: &BTreeSet<PathBuf>) {
        let index: HashMap<PathBuf, usize> = self
            .tree
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.clone(), i))
            .collect();
        let simple = paths
            .iter()
            .all(|p| index.contains_key(p) && self.options.root.join(p).is_file());
        if !simple {
            self.reread_all();
            return;
        }
        for path in paths {
            let Some(&at) = index.get(path) else { continue };
            match std::fs::read(self.options.root.join(path)) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => {
                        if let Some(touched) = self.touched.as_mut() {
                            touched.insert(path.clone());
                        }
                        self.tree.files[at] = ContentFile {
                            text,
                            ..self.tree.files[at].clone()
                        };
                    }
                    Err(_) => {
                        self.reread_all();
                        return;
                    }
                },
                Err(_) => {
                    self.reread_all();
                    return;
                }
            }
        }
    }

    /// Parses the files whose text changed since they were last parsed.
    fn parse_changed(&mut self, config: &SiteConfig) -> usize {
        // Only files read since the last run can differ; after a full walk
        // every file is compared with what was parsed from it.
        let touched = self.touched.take();
        let stale: Vec<(&ContentFile, u64)> = self
            .tree
            .files
            .iter()
            .filter(|file| touched.as_ref().is_none_or(|t| t.contains(&file.path)))
            .map(|file| (file, fingerprint(file.text.as_bytes())))
            .filter(|(file, print)| {
                self.parsed
                    .get(&file.path)
                    .is_none_or(|p| p.fingerprint != *print)
            })
            .collect();
        let fresh: Vec<(PathBuf, Parsed)> = stale
            .par_iter()
            .map(|(file, print)| {
                let (document, problems) = parse::parse_file(file, config);
                let document = document.map(Arc::new);
                (
                    file.path.clone(),
                    Parsed {
                        fingerprint: *print,
                        document,
                        problems,
                    },
                )
            })
            .collect();
        let count = fresh.len();
        self.parsed.extend(fresh);
        self.touched = Some(HashSet::new());
        count
    }

    /// Writes the files whose bytes changed and removes those no longer
    /// produced. Returns the changed URLs and the counts.
    fn write(
        &mut self,
        output: &render::Output,
        site: &Site,
        partial: bool,
    ) -> Result<(Vec<String>, usize, usize), crate::Error> {
        let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
        let mut todo: Vec<(&SitePath, Vec<u8>, u64)> = Vec::new();
        for file in &output.files {
            let bytes = match &file.content {
                Content::Bytes(bytes) => bytes.clone(),
                Content::Copy(from) => {
                    std::fs::read(from).map_err(|e| crate::Error::io(from, e))?
                }
            };
            let print = fingerprint(&bytes);
            if self.written.get(&file.path) != Some(&print)
                || !self.out_dir.join(file.path.as_str()).is_file()
            {
                if let Some(folder) = self.out_dir.join(file.path.as_str()).parent() {
                    folders.insert(folder.to_path_buf());
                }
                todo.push((&file.path, bytes, print));
            }
        }
        for folder in &folders {
            std::fs::create_dir_all(folder).map_err(|e| crate::Error::io(folder, e))?;
        }
        let mut changed = Vec::new();
        for (path, bytes, print) in &todo {
            let target = self.out_dir.join(path.as_str());
            std::fs::write(&target, bytes).map_err(|e| crate::Error::io(&target, e))?;
            self.written.insert((*path).clone(), *print);
            changed.push(url_of(path));
        }
        let gone: Vec<SitePath> = if partial {
            // Only part was rendered: what is gone is what the previous
            // site had and this one has not (pages, listings, assets).
            let before = self.previous.as_ref().map(site_paths).unwrap_or_default();
            let now = site_paths(site);
            before
                .difference(&now)
                .filter(|p| self.written.contains_key(*p))
                .cloned()
                .collect()
        } else {
            let produced: HashSet<&SitePath> = output.files.iter().map(|f| &f.path).collect();
            self.written
                .keys()
                .filter(|p| !produced.contains(p))
                .cloned()
                .collect()
        };
        for path in &gone {
            let target = self.out_dir.join(path.as_str());
            if target.is_file() {
                std::fs::remove_file(&target).map_err(|e| crate::Error::io(&target, e))?;
            }
            self.written.remove(path);
            changed.push(url_of(path));
        }
        changed.sort();
        Ok((changed, todo.len(), gone.len()))
    }
}

/// The pages and listings whose output may differ between `old` and
/// `new`: their document, resolved body, translations, running number or
/// listed pages changed, or the per-language parts of every page did.
fn dirty(old: &Site, new: &Site) -> Selection {
    let changed_languages: HashSet<&Lang> = new
        .config
        .languages
        .iter()
        .map(|l| &l.code)
        .filter(|lang| site_print(old, lang) != site_print(new, lang))
        .collect();
    let old_pages: HashMap<&str, &Page> = old.pages.iter().map(|p| (p.url.as_str(), p)).collect();
    let pages: HashSet<PageId> = new
        .pages
        .iter()
        .filter(|page| {
            changed_languages.contains(&page.lang)
                || old_pages
                    .get(page.url.as_str())
                    .is_none_or(|before| page_changed(old, before, new, page))
        })
        .map(|page| page.id)
        .collect();
    let old_listings: HashMap<&str, &Listing> = old
        .news
        .listing_pages()
        .map(|l| (l.url.as_str(), l))
        .collect();
    let listings: HashSet<String> = new
        .news
        .listing_pages()
        .filter(|listing| {
            changed_languages.contains(&listing.lang)
                || old_listings
                    .get(listing.url.as_str())
                    .is_none_or(|before| listing_changed(old, before, new, listing))
        })
        .map(|listing| listing.url.clone())
        .collect();
    let register = !changed_languages.is_empty()
        || new.pages.iter().filter(|p| pages.contains(&p.id)).any(|p| {
            matches!(p.doc.kind, Kind::Standard(_))
                || p.doc.folder == crate::parse::STANDARDS_FOLDER
        })
        || old.register.standards.len() != new.register.standards.len();
    if std::env::var_os("KOMMHUB_DEBUG_SELECTION").is_some() {
        eprintln!(
            "selection: {} languages changed, {} pages, {} listings, register {register}",
            changed_languages.len(),
            pages.len(),
            listings.len()
        );
    }
    Selection::Only {
        pages,
        listings,
        register,
    }
}

/// The files a site's pages, listings and assets occupy.
fn site_paths(site: &Site) -> HashSet<SitePath> {
    site.pages
        .iter()
        .map(|p| p.url.as_str())
        .chain(site.news.listing_pages().map(|l| l.url.as_str()))
        .filter_map(|url| SitePath::index_of_url(url).ok())
        .chain(site.assets.iter().map(|a| a.to.clone()))
        .collect()
}

/// What every page of a language shows from the rest of the site.
fn site_print(site: &Site, lang: &Lang) -> u64 {
    fingerprint(format!("{:?}", views::site_view(site, lang)).as_bytes())
}

/// Whether a page shows anything different: its document (unchanged
/// documents are the same shared value between runs), its resolved body,
/// its translations, its running number or the pages it lists.
fn page_changed(old: &Site, before: &Page, new: &Site, after: &Page) -> bool {
    let translations_differ = {
        let (a, b) = (old.translations_of(before), new.translations_of(after));
        a.len() != b.len()
            || a.iter()
                .zip(&b)
                .any(|(x, y)| x.lang != y.lang || x.url != y.url)
    };
    !Arc::ptr_eq(&before.doc, &after.doc)
        || (!Arc::ptr_eq(&before.html, &after.html) && before.html != after.html)
        || translations_differ
        || number(old, before) != number(new, after)
        || !same_items(old, &before.children, new, &after.children)
}

/// Whether two lists of pages show the same: same URLs, same documents
/// (by identity) and same running numbers, compared without allocating.
fn same_items(old: &Site, before: &[PageId], new: &Site, after: &[PageId]) -> bool {
    before.len() == after.len()
        && before.iter().zip(after).all(|(a, b)| {
            let (a, b) = (old.page(*a), new.page(*b));
            a.url == b.url && Arc::ptr_eq(&a.doc, &b.doc) && number(old, a) == number(new, b)
        })
}

/// Whether a listing page shows anything different.
fn listing_changed(old: &Site, before: &Listing, new: &Site, after: &Listing) -> bool {
    before.page != after.page
        || before.pages != after.pages
        || before.tags != after.tags
        || !same_items(old, &before.items, new, &after.items)
}

/// `en/news/a/index.html` → `/en/news/a/`; other files keep their name.
fn url_of(path: &SitePath) -> String {
    let text = path.as_str();
    match text.strip_suffix("index.html") {
        Some(folder) => format!("/{folder}"),
        None => format!("/{text}"),
    }
}

/// A fast fingerprint of bytes, to notice changes (not for security).
fn fingerprint(bytes: &[u8]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// Sorts relative paths of changed files into [`Changes`].
pub fn classify(root: &Path, theme: &str, paths: &[PathBuf], ignored: &[PathBuf]) -> Changes {
    let mut changes = Changes::default();
    let theme_dir = Path::new("themes").join(theme);
    for path in paths {
        let relative = path.strip_prefix(root).unwrap_or(path);
        if ignored.iter().any(|i| relative.starts_with(i)) {
            continue;
        }
        let name = relative
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if source::is_ignored(&name)
            || relative
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        {
            continue;
        }
        if relative == Path::new(crate::config::FILE_NAME) {
            changes.config = true;
        } else if relative.starts_with(source::CONTENT_DIR) {
            changes.content.insert(relative.to_path_buf());
        } else if relative.starts_with(theme_dir.join("static")) {
            changes.statics = true;
        } else if relative.starts_with(&theme_dir) {
            changes.theme = true;
        }
    }
    changes
}

/// Every problem of a failed run, rendered for the terminal.
pub fn report(problems: &[Diagnostic]) -> String {
    diagnostics::render_report(problems)
}

/// A page's running number, if it is a press release.
fn number(site: &Site, page: &Page) -> Option<RunningNumber> {
    site.news.numbers.get(&page.doc.translation_key).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_sorted_by_where_they_happen() {
        let root = Path::new("/site");
        let paths: Vec<PathBuf> = [
            "/site/content/news/a.md",
            "/site/content/news/.a.md.swp",
            "/site/themes/hub/templates/base.html",
            "/site/themes/hub/static/style.css",
            "/site/public/index.html",
            "/site/.kommhub-serve/x.html",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let changes = classify(root, "hub", &paths, &[PathBuf::from("public")]);
        assert_eq!(
            changes.content,
            BTreeSet::from([PathBuf::from("content/news/a.md")])
        );
        assert!(changes.theme && changes.statics && !changes.config);
    }

    #[test]
    fn urls_of_written_files() {
        assert_eq!(
            url_of(&SitePath::new("en/news/a/index.html").unwrap()),
            "/en/news/a/"
        );
        assert_eq!(url_of(&SitePath::new("index.html").unwrap()), "/");
        assert_eq!(url_of(&SitePath::new("style.css").unwrap()), "/style.css");
    }
}
