//! A pipeline that remembers: the engine of `kommhub serve`.
//!
//! A [`Session`] keeps what the last run read, parsed and assembled. After
//! a change it re-reads and re-parses only the files whose text changed.
//! When the edited documents keep the site's structure (same address,
//! date, tags, translations: [`model::patch`]) they are patched into the
//! last model, and only the pages, listings and feeds that show them are
//! rendered again. Any other change re-assembles the whole model (so links,
//! translations, listings and the register are never stale) and renders
//! what differs from the last model. Either way only the output files whose
//! bytes differ from what was written before are written. A template or
//! string change reuses every parsed document; a `site.yaml` change starts
//! from scratch.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tera::Tera;

use crate::config::Lang;
use crate::config::SiteConfig;
use crate::diagnostics::{self, Code, Diagnostic};
use crate::images::{self, Images};
use crate::model;
use crate::model::news::{Listing, RunningNumber};
use crate::model::{Page, PageId, Site};
use crate::parse::Kind;
use crate::parse::{self, Document};
use crate::pipeline::{BuildOptions, load_config};
use crate::render::{self, Content, Selection, ThemeFiles, views};
use crate::site_path::SitePath;
use crate::source::{self, ContentFile, FileRole, SourceTree};

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
    /// The last site written, to find what a change touched and to patch.
    previous: Option<Site>,
    /// What assembling `previous` reported (patching keeps it true).
    model_problems: Vec<Diagnostic>,
    /// The last run succeeded: `previous` is what the parse cache holds
    /// and what the folder shows, so an edit may be patched into it.
    clean: bool,
    /// Render everything next time (first run, theme or config change).
    render_all: bool,
    /// Files (places in `tree.files`) whose text may have changed since
    /// they were parsed; `None` after a full walk, when every file must be
    /// compared.
    touched: Option<Vec<usize>>,
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
            model_problems: Vec::new(),
            clean: false,
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
        let clean = std::mem::replace(&mut self.clean, false);
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
        let walked = self.touched.is_none();
        let fresh = self.parse_changed(&config);
        let parsed = fresh.len();
        if clean && !walked && !self.render_all {
            if let Some(result) = self.patch(&fresh, start) {
                return result;
            }
        }
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
        self.model_problems = model_problems.clone();
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
        let removal = match selection {
            Selection::Only { .. } => Removal::LeftSite,
            Selection::All => Removal::NotProduced,
        };
        let rendered_pages = rendered_count(&site, &selection);
        let (changed, written, removed) = self
            .write(&output, Some(&site), removal)
            .map_err(|error| vec![self.write_problem(&error)])?;
        self.previous = Some(site);
        self.render_all = false;
        self.clean = true;
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

    /// The fast path: patches the edited documents into the last model
    /// and renders what shows them. `None` when the edits cannot be
    /// patched (the model is then untouched and the caller re-assembles).
    fn patch(
        &mut self,
        fresh: &[PathBuf],
        start: Instant,
    ) -> Option<Result<Rebuilt, Vec<Diagnostic>>> {
        // Problems the last assembly found in an edited file may go away
        // or move: only a full assembly can tell.
        if self
            .model_problems
            .iter()
            .any(|problem| fresh.contains(&problem.file))
        {
            return None;
        }
        self.theme.as_ref()?.tera.as_ref()?;
        let mut edits = Vec::with_capacity(fresh.len());
        let site = self.previous.as_ref()?;
        for path in fresh {
            let entry = self.parsed.get(path)?;
            if entry.problems.iter().any(Diagnostic::is_error) {
                return None;
            }
            let document = entry.document.as_ref()?;
            let at = site
                .pages
                .iter()
                .position(|page| page.doc.path.as_os_str() == path.as_os_str())?;
            edits.push((PageId(at), Arc::clone(document)));
        }
        // Only the pages with a role reach the per-language part of every
        // page (`site.roles`); sections, which make the navigation, are
        // never patched.
        let roles_edited = edits.iter().any(|(id, _)| {
            matches!(&site.page(*id).doc.kind, Kind::Plain(plain) if plain.role.is_some())
        });
        let prints_before = roles_edited.then(|| site_prints(site));
        model::patch::patch(self.previous.as_mut()?, &edits)?;
        // From here on the model is patched: a failure below renders
        // everything next time, so the folder cannot stay behind.
        let site = self.previous.as_ref()?;
        let theme = self.theme.as_ref()?;
        let tera = theme.tera.as_ref()?;
        let edited: Vec<PageId> = edits.iter().map(|(id, _)| *id).collect();
        let selection = if prints_before.is_none_or(|before| before == site_prints(site)) {
            showing(site, &edited)
        } else {
            Selection::All
        };
        let (output, render_problems) =
            render::render_selected(site, &theme.files, tera, &selection);
        let mut problems = self.standing_problems();
        problems.extend(render_problems);
        let problems = diagnostics::sorted(problems);
        if problems.iter().any(Diagnostic::is_error) {
            self.render_all = true;
            return Some(Err(problems));
        }
        let rendered_pages = rendered_count(site, &selection);
        let removal = match selection {
            Selection::Only { .. } => Removal::Nothing,
            Selection::All => Removal::NotProduced,
        };
        let written = self.write(&output, None, removal);
        let (changed, written, removed) = match written {
            Ok(counts) => counts,
            Err(error) => {
                self.render_all = true;
                return Some(Err(vec![self.write_problem(&error)]));
            }
        };
        self.clean = true;
        Some(Ok(Rebuilt {
            changed,
            parsed: fresh.len(),
            rendered_pages,
            written,
            removed,
            took: start.elapsed(),
            warnings: problems,
        }))
    }

    /// The problems that stand while no file changes: reading, images,
    /// parsing, assembling and the theme.
    fn standing_problems(&self) -> Vec<Diagnostic> {
        let mut problems = self.source_problems.clone();
        problems.extend(self.image_problems.iter().cloned());
        for entry in self.parsed.values() {
            problems.extend(entry.problems.iter().cloned());
        }
        problems.extend(self.model_problems.iter().cloned());
        if let Some(theme) = &self.theme {
            problems.extend(theme.problems.iter().cloned());
        }
        problems
    }

    fn write_problem(&self, error: &crate::Error) -> Diagnostic {
        Diagnostic::error(
            Code::OutputIo,
            &self.out_dir,
            format!("the preview cannot be written: {error}"),
            "check that the folder is writable and the disk not full",
        )
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
        let (images, image_problems) =
            images::prepare(&self.options.root, &tree.assets, images::Variants::Make);
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
        let mut places = Vec::with_capacity(paths.len());
        // A file saved as a symlink out of the root is left to the walk,
        // which refuses it with an error.
        let site_root = crate::root::SiteRoot::new(&self.options.root).ok();
        for path in paths {
            // Comparing the bytes of paths is much faster than comparing
            // (or hashing) their components, which matters at 20,000 files.
            let at = self
                .tree
                .files
                .iter()
                .position(|f| f.path.as_os_str() == path.as_os_str());
            match at {
                Some(at)
                    if self.options.root.join(path).is_file()
                        && site_root
                            .as_ref()
                            .is_some_and(|root| root.contains(&self.options.root.join(path))) =>
                {
                    places.push((path, at))
                }
                _ => {
                    self.reread_all();
                    return;
                }
            }
        }
        for (path, at) in places {
            match std::fs::read(self.options.root.join(path)) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => {
                        if let Some(touched) = self.touched.as_mut() {
                            touched.push(at);
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

    /// Parses the files whose text changed since they were last parsed;
    /// returns their paths.
    fn parse_changed(&mut self, config: &SiteConfig) -> Vec<PathBuf> {
        // Only files read since the last run can differ; after a full walk
        // every file is compared with what was parsed from it.
        let files: Vec<&ContentFile> = match self.touched.take() {
            Some(mut touched) => {
                touched.sort_unstable();
                touched.dedup();
                touched
                    .iter()
                    .filter_map(|at| self.tree.files.get(*at))
                    .collect()
            }
            None => self.tree.files.iter().collect(),
        };
        let stale: Vec<(&ContentFile, u64)> = files
            .into_iter()
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
        let paths = fresh.iter().map(|(path, _)| path.clone()).collect();
        self.parsed.extend(fresh);
        self.touched = Some(Vec::new());
        paths
    }

    /// Writes the files whose bytes changed and removes those no longer
    /// produced. Returns the changed URLs and the counts.
    fn write(
        &mut self,
        output: &render::Output,
        site: Option<&Site>,
        removal: Removal,
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
        let gone: Vec<SitePath> = match removal {
            Removal::Nothing => Vec::new(),
            Removal::LeftSite => {
                // Only part was rendered: what is gone is what the previous
                // site had and this one has not (pages, listings, assets).
                let before = self.previous.as_ref().map(site_paths).unwrap_or_default();
                let now = site.map(site_paths).unwrap_or_default();
                before
                    .difference(&now)
                    .filter(|p| self.written.contains_key(*p))
                    .cloned()
                    .collect()
            }
            Removal::NotProduced => {
                let produced: HashSet<&SitePath> = output.files.iter().map(|f| &f.path).collect();
                self.written
                    .keys()
                    .filter(|p| !produced.contains(p))
                    .cloned()
                    .collect()
            }
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

/// Which written files a run may remove.
#[derive(Debug, Clone, Copy)]
enum Removal {
    /// Everything written before and not produced now (a full render).
    NotProduced,
    /// The pages, listings and assets the previous site had and the new
    /// one has not (a partial render after re-assembling).
    LeftSite,
    /// None: a patch keeps every address.
    Nothing,
}

/// How many pages and listings `selection` renders.
fn rendered_count(site: &Site, selection: &Selection) -> usize {
    match selection {
        Selection::All => site.pages.len() + site.news.listing_pages().count(),
        Selection::Only {
            pages, listings, ..
        } => pages.len() + listings.len(),
    }
}

/// What shows the patched pages `edited`: the pages themselves, the
/// sections listing them, the home page teasing them, the listings and
/// feeds holding them. Nothing else can differ after a patch.
fn showing(site: &Site, edited: &[PageId]) -> Selection {
    let shows = |ids: &[PageId]| ids.iter().any(|id| edited.contains(id));
    let pages: HashSet<PageId> = site
        .pages
        .iter()
        .filter(|page| {
            edited.contains(&page.id)
                || shows(&page.children)
                || (page.is_home() && shows(latest_news(site, &page.lang)))
        })
        .map(|page| page.id)
        .collect();
    let listings: HashSet<String> = site
        .news
        .listing_pages()
        .filter(|listing| shows(&listing.items))
        .map(|listing| listing.url.clone())
        .collect();
    Selection::Only {
        pages,
        listings,
        register: false,
        feeds: render::news::in_feeds(site, edited),
        site_files: false,
    }
}

/// The releases the home page of `lang` teases.
fn latest_news<'a>(site: &'a Site, lang: &Lang) -> &'a [PageId] {
    site.news
        .newest
        .get(lang)
        .map(|ids| &ids[..ids.len().min(views::LATEST_NEWS)])
        .unwrap_or_default()
}

/// The per-language print of every language, in configured order.
fn site_prints(site: &Site) -> Vec<u64> {
    site.config
        .languages
        .iter()
        .map(|l| site_print(site, &l.code))
        .collect()
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
        || new
            .pages
            .iter()
            .filter(|p| pages.contains(&p.id))
            .any(|p| matches!(p.doc.role, FileRole::Standard | FileRole::Register))
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
        feeds: true,
        site_files: true,
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
        || !render::body::same_inputs(old, before, new, after)
        || translations_differ
        || number(old, before) != number(new, after)
        || !same_items(old, &before.children, new, &after.children)
        || (after.is_home()
            && !same_items(
                old,
                latest_news(old, &before.lang),
                new,
                latest_news(new, &after.lang),
            ))
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
