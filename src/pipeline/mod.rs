//! The one pipeline of `build`, `check` and `serve`.
//!
//! `site.yaml, content/, themes/<theme>` → [`SiteConfig`] and documents →
//! [`Site`] → [`Output`] → `public/`. The stages run in an [`Engine`]
//! (`engine.rs`), which `build` and `check` use once and `serve` keeps
//! between runs; this file is what each command asks of it. Every stage
//! returns its value and its diagnostics; if any diagnostic is an error,
//! nothing is written.

mod cache;
mod changes;
mod engine;
mod memory;
mod versions;

pub use changes::{Changes, classify};
pub use engine::{Early, Engine, Purpose, Run, fingerprint};

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rayon::prelude::*;

use crate::config::{self, SiteConfig};
use crate::diagnostics::{self, Code, Diagnostic};
use crate::model::{self, Publication, Site};
use crate::parse;
use crate::parse::spill::Spill;
use crate::render::{self, Output, ThemeFiles};
use crate::root::{Resolved, SiteRoot};
use crate::{Error, output};
use crate::{check, images, search, source};

/// What the user asked for.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Default: `<root>/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of site.yaml (preview deployments); checked
    /// like site.yaml's, by the type.
    pub base_url: Option<config::BaseUrl>,
    pub publication: Publication,
    /// `--force-output`: take over a non-empty output folder kommhub did
    /// not write (its files are moved aside, never deleted).
    pub force_output: bool,
    /// `--noindex`: a preview that search engines must not index.
    pub noindex: bool,
    /// Use and keep the build cache (`cache.rs`); `--no-cache` turns it
    /// off for one build, which still leaves a fresh cache behind.
    pub cache: bool,
    /// Where the stages show how far they are (`build` on a terminal).
    pub progress: crate::progress::Progress,
}

impl BuildOptions {
    /// A build of `root` as of `build_date`, without preview flags.
    pub fn new(root: impl Into<PathBuf>, build_date: Timestamp) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            publication: Publication::at(build_date),
            force_output: false,
            noindex: false,
            cache: true,
            progress: crate::progress::Progress::default(),
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// How long each stage took; each stage also names itself to `progress`
/// as it starts.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub stages: Vec<(&'static str, Duration)>,
    progress: crate::progress::Progress,
}

impl Timings {
    fn shown(progress: &crate::progress::Progress) -> Timings {
        Timings {
            stages: Vec::new(),
            progress: progress.clone(),
        }
    }

    fn measure<T>(&mut self, stage: &'static str, work: impl FnOnce() -> T) -> T {
        self.progress.stage(stage);
        let start = Instant::now();
        let value = work();
        self.stages.push((stage, start.elapsed()));
        value
    }
}

/// A site rendered in memory, not yet written.
#[derive(Debug)]
pub struct Rendered {
    pub site: Site,
    pub output: Output,
    /// Warnings (errors make [`render_site`] fail).
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Timings,
    /// Image variants encoded in this run, and taken from the cache.
    pub images_encoded: usize,
    pub images_cached: usize,
}

/// What a successful build reports.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
    pub next_scheduled: Option<(Timestamp, PathBuf)>,
    /// The earliest `expires` of a published page after the build date.
    pub next_expiring: Option<(Timestamp, PathBuf)>,
    pub timings: Timings,
    pub images_encoded: usize,
    pub images_cached: usize,
    /// Where `--force-output` moved the files that were in the folder.
    pub set_aside: Option<PathBuf>,
    /// One-line notes about the build cache (why it was not used).
    pub notes: Vec<String>,
    /// Units rendered; with a usable build cache only the changed ones.
    pub rendered: usize,
    /// The build cache was used: only changed units were rendered.
    pub resumed: bool,
    /// What the write changed in the published site.
    pub written: output::WriteReport,
}

impl BuildReport {
    /// When a build would next publish or take down a page: the earlier
    /// of the next scheduled release and the next expiry. A schedule that
    /// rebuilds only from then on misses nothing.
    pub fn next_due(&self) -> Option<Timestamp> {
        let scheduled = self.next_scheduled.as_ref().map(|(when, _)| *when);
        let expiring = self.next_expiring.as_ref().map(|(when, _)| *when);
        scheduled.into_iter().chain(expiring).min()
    }
}

/// Why a build failed.
#[derive(Debug)]
pub enum BuildFailure {
    /// Problems in the user's input, all of them, sorted.
    Content(Vec<Diagnostic>),
    /// The disk failed us, or the output folder is not kommhub's to write
    /// ([`Error::Refused`], a usage error).
    Io(Error),
}

/// Builds the site and writes it; on any error the output folder stays as
/// it was (the staging folder may hold part of the new site). With the
/// build cache ([`BuildOptions::cache`], `cache.rs`), renders only what
/// changed since the last build and keeps the published files of the rest.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let out_dir = options.output_dir();
    let destination = output::Destination {
        root: &options.root,
        out_dir: &out_dir,
        force: options.force_output,
    };
    // Refused before the work, so a wrong `--output` costs no time.
    let claimed =
        output::claim(destination.root, &out_dir, destination.force).map_err(BuildFailure::Io)?;
    let mut notes = Vec::new();
    // The steps before the engine's own timings begin, shown first.
    let mut opening = Vec::new();
    let start = Instant::now();
    let (cache, resumed) = open_cache(options, &mut notes);
    opening.push(("load", start.elapsed()));
    let base = match resumed {
        Some(_) => output::Base::Published,
        None => output::Base::Staging,
    };
    let waiting = |lock: &Path| {
        eprintln!(
            "note: another build is writing this site; waiting for it to finish ({})",
            lock.display()
        );
    };
    let start = Instant::now();
    let stream = output::Stream::open(destination, &claimed, base, waiting);
    opening.push(("staging", start.elapsed()));
    let spill = open_spill(options, &mut notes);
    let (mut rendered, kept, stream) = streamed(
        options,
        (resumed, spill.clone()),
        stream.map_err(BuildFailure::Io)?,
    )?;
    if let Some(why) = spill.and_then(|spill| spill.failure()) {
        let lost = std::io::Error::other(format!("a parsed body could not be read back: {why}"));
        return Err(BuildFailure::Io(Error::io(
            &options.root.join(crate::parse::spill::DIR),
            lost,
        )));
    }
    // From here until the new cache is saved, no cache describes the
    // output folder: a build killed in between leaves none to trust.
    if let Some(cache) = &cache {
        cache.forget();
    }
    rendered.timings.stages.splice(0..0, opening);
    let removed = kept.removed.as_deref().unwrap_or_default();
    let written = rendered
        .timings
        .measure("write", || stream.finish(&kept.all, removed))
        .map_err(BuildFailure::Io)?;
    if let Some(cache) = &cache {
        let saved = rendered.timings.measure("cache", || {
            cache.save(&kept.memory, &kept.settings, &kept.search)
        });
        if let Err(why) = saved {
            notes.push(format!("the build cache could not be saved: {why}"));
            cache.forget();
        }
    }
    Ok(BuildReport {
        pages: rendered.site.pages.len(),
        files: kept.all.len(),
        warnings: rendered.diagnostics,
        next_scheduled: rendered.site.next_scheduled.clone(),
        next_expiring: rendered.site.next_expiring(),
        timings: rendered.timings,
        images_encoded: rendered.images_encoded,
        images_cached: rendered.images_cached,
        set_aside: written.set_aside.clone(),
        notes,
        rendered: kept.rendered,
        resumed: kept.removed.is_some(),
        written,
    })
}

/// The build cache of this build, and what it resumes (`None` without a
/// usable cache, with the reason in `notes`).
fn open_cache(
    options: &BuildOptions,
    notes: &mut Vec<String>,
) -> (Option<cache::Cache>, Option<cache::Resumed>) {
    let text = match read_config_text(&options.root) {
        Ok(text) => text,
        // The engine reports site.yaml's problem.
        Err(_) => return (None, None),
    };
    let cache = match cache::Cache::of(options, &text) {
        Ok(cache) => cache,
        Err(why) => {
            notes.push(format!("the build cache is off: {why}"));
            return (None, None);
        }
    };
    let resumed = match options.cache {
        true => cache
            .load()
            .map_err(|why| notes.push(format!("{why} ({}); rendering everything", cache.shown())))
            .ok(),
        false => None,
    };
    (Some(cache), resumed)
}

/// The file a build keeps its parsed bodies in; `None`, with the reason
/// in `notes`, keeps them in memory.
fn open_spill(options: &BuildOptions, notes: &mut Vec<String>) -> Option<Arc<Spill>> {
    Spill::in_root(&options.root)
        .map_err(|why| notes.push(format!("parsed bodies stay in memory: {why}")))
        .ok()
}

/// [`render_kept`] with every file going into `stream` as it is made;
/// hands the stream back for [`output::Stream::finish`].
fn streamed(
    options: &BuildOptions,
    (resumed, spill): (Option<cache::Resumed>, Option<Arc<Spill>>),
    stream: output::Stream,
) -> Result<(Rendered, Kept, output::Stream), BuildFailure> {
    let stream = std::sync::Arc::new(stream);
    let into = std::sync::Arc::clone(&stream);
    let sink: engine::Sink = std::sync::Arc::new(move |files| into.put(files));
    let (rendered, kept) =
        render_kept(options, (resumed, spill), sink).map_err(BuildFailure::Content)?;
    // The engine and its sink are gone with `render_kept`, and with them
    // every other handle on the stream.
    let stream = std::sync::Arc::into_inner(stream).ok_or_else(|| {
        let held = std::io::Error::other("the render stage still holds the output stream");
        BuildFailure::Io(Error::io(&options.output_dir(), held))
    })?;
    Ok((rendered, kept, stream))
}

/// What a build keeps besides its files: the engine's memory for the
/// cache, and what the writer needs when only changes were rendered.
struct Kept {
    /// The engine's memory as the cache stores it: compact, and made
    /// before the search stage so the two do not share the peak.
    memory: memory::Stored,
    settings: render::theme::ThemeSettings,
    /// The search index's files.
    search: Vec<crate::site_path::SitePath>,
    /// Every file of the site, rendered in this build or kept.
    all: std::collections::HashSet<crate::site_path::SitePath>,
    /// `Some` when only changes were rendered: the files that are gone.
    removed: Option<Vec<crate::site_path::SitePath>>,
    rendered: usize,
}

/// [`render_site`] with an engine that remembers what each unit read,
/// resumed from the build cache when there is one (then only changed
/// units render), handing every file to `sink` as it is made; `output`
/// keeps their paths.
fn render_kept(
    options: &BuildOptions,
    (resumed, spill): (Option<cache::Resumed>, Option<Arc<Spill>>),
    sink: engine::Sink,
) -> Result<(Rendered, Kept), Vec<Diagnostic>> {
    let (mut engine, old_search) = match resumed {
        Some(resumed) => {
            let engine = Engine::resume(options.clone(), resumed.memory, resumed.settings);
            (engine, Some(resumed.search))
        }
        None => (Engine::remembering(options.clone()), None),
    };
    engine.stream_into(std::sync::Arc::clone(&sink));
    if let Some(spill) = spill {
        engine.spill_into(spill);
    }
    let run = engine.run(&Changes::everything())?;
    let memory = engine.take_memory().into_stored();
    let mut done = searched(engine, run, &*sink)?;
    let search = done.search;
    let mut all: std::collections::HashSet<_> = memory.files().cloned().collect();
    all.extend(search.iter().cloned());
    let removed = old_search.map(|old_search| {
        let mut removed = std::mem::take(&mut done.run.removed);
        removed.extend(old_search);
        removed.retain(|path| !all.contains(path));
        removed.sort();
        removed.dedup();
        removed
    });
    let kept = Kept {
        memory,
        settings: done.settings,
        search,
        all,
        removed,
        rendered: done.run.rendered,
    };
    Ok((done.rendered, kept))
}

/// A finished run with its search index added.
struct Searched {
    rendered: Rendered,
    /// The theme settings the run rendered with.
    settings: render::theme::ThemeSettings,
    /// The search index's paths.
    search: Vec<crate::site_path::SitePath>,
    /// What else the run reported (its files and timings are in `rendered`).
    run: Run,
}

/// The site `engine` made in `run`, with the search index added (each of
/// its files handed to `sink`), or every problem when the run or the
/// index failed.
fn searched(
    engine: Engine,
    mut run: Run,
    sink: &(dyn Fn(&mut [render::OutputFile]) + Sync),
) -> Result<Searched, Vec<Diagnostic>> {
    if run.failed() {
        return Err(run.problems);
    }
    let (site, theme, _) = engine.into_parts();
    let (Some(site), Some(theme)) = (site, theme) else {
        return Err(run.problems);
    };
    let mut output = Output {
        files: std::mem::take(&mut run.files),
    };
    let (search, problems) = add_search(&site, &theme.files, &mut run, &mut output, sink)?;
    let rendered = Rendered {
        site,
        output,
        diagnostics: problems,
        timings: std::mem::take(&mut run.timings),
        images_encoded: run.images_encoded,
        images_cached: run.images_cached,
    };
    Ok(Searched {
        rendered,
        settings: theme.files.settings,
        search,
        run,
    })
}

/// Adds the search index to `output`, each of its files handed to `sink`
/// first; returns the index's paths and every problem of the run, sorted,
/// or those problems when one is an error.
fn add_search(
    site: &Site,
    theme: &ThemeFiles,
    run: &mut Run,
    output: &mut Output,
    sink: &(dyn Fn(&mut [render::OutputFile]) + Sync),
) -> Result<(Vec<crate::site_path::SitePath>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let index = run
        .timings
        .measure("search", || search::index(site, &theme.strings, sink));
    let paths = index.iter().map(|file| file.path.clone()).collect();
    let found = search::merge(output, index);
    let problems = std::mem::take(&mut run.problems);
    let problems = diagnostics::sorted(problems.into_iter().chain(found).collect());
    match problems.iter().any(Diagnostic::is_error) {
        true => Err(problems),
        false => Ok((paths, problems)),
    }
}

/// Every stage but writing: what `build` would write, in memory.
pub fn render_site(options: &BuildOptions) -> Result<Rendered, Vec<Diagnostic>> {
    let mut engine = Engine::new(options.clone(), Purpose::Build);
    let run = engine.run(&Changes::everything())?;
    Ok(searched(engine, run, &|_| {})?.rendered)
}

/// What `kommhub check` lints: the site exactly as `build` would render it,
/// also when the build has errors, with the texts findings point into.
/// Writes nothing. Fails only when site.yaml cannot be read.
pub fn check_input(options: &BuildOptions) -> Result<(check::Input, Timings), Vec<Diagnostic>> {
    let mut engine = Engine::new(options.clone(), Purpose::Check);
    let run = engine.run(&Changes::everything())?;
    let (site, theme, tree) = engine.into_parts();
    let (Some(site), Some(theme)) = (site, theme) else {
        return Err(run.problems);
    };
    let output = Output { files: run.files };
    let theme = theme.files;
    let shipped = shipped_texts(&options.root, &output, &theme, &site);
    let config_text = read_config_text(&options.root).unwrap_or_default();
    let sources = tree
        .files
        .into_iter()
        .map(|file| (file.path, file.text))
        .collect();
    Ok((
        check::Input {
            site,
            output,
            theme,
            build: run.problems,
            sources,
            config_text,
            shipped,
        },
        run.timings,
    ))
}

/// The text of every style sheet, script and SVG file in the output: the
/// copied ones read from the theme and content folders, the rendered ones
/// as they are.
fn shipped_texts(
    root: &Path,
    output: &Output,
    theme: &ThemeFiles,
    site: &Site,
) -> Vec<check::ShippedText> {
    let sources: std::collections::HashMap<&PathBuf, PathBuf> = theme
        .static_files
        .iter()
        .map(|(from, to)| (from, theme.dir.join("static").join(to.as_str())))
        .chain(site.assets.iter().map(|asset| {
            let relative = asset
                .from
                .strip_prefix(root)
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| asset.from.clone());
            (&asset.from, relative)
        }))
        .collect();
    // A fingerprinted copy says what its plain file says (its addresses
    // aside), so it is read once, as the plain file.
    let copies: std::collections::HashSet<&str> = theme
        .assets
        .values()
        .map(|copy| copy.path.as_str())
        .collect();
    output
        .files
        .iter()
        .filter(|file| !copies.contains(file.path.as_str()))
        .filter(|file| {
            let name = file.path.as_str().to_ascii_lowercase();
            [".css", ".js", ".mjs", ".svg"]
                .iter()
                .any(|ext| name.ends_with(ext))
        })
        .filter_map(|file| {
            let (source, text) = match &file.content {
                render::Content::Bytes(bytes) => (
                    PathBuf::from(file.path.as_str()),
                    String::from_utf8_lossy(bytes).into_owned(),
                ),
                render::Content::Copy(from) => (
                    sources.get(from).cloned().unwrap_or_else(|| from.clone()),
                    String::from_utf8_lossy(&std::fs::read(from).ok()?).into_owned(),
                ),
                // Archives are no style sheets or scripts.
                render::Content::Zip(_) | render::Content::Card(_) | render::Content::Crop(_) => {
                    return None;
                }
            };
            Some(check::ShippedText {
                output: file.path.clone(),
                source,
                text,
            })
        })
        .collect()
}

/// The running number the next release of `year` gets: one above the
/// highest of that year, drafts and scheduled releases included.
pub fn next_running_number(root: &Path, year: i16) -> Result<u32, Vec<Diagnostic>> {
    let site = everything(root)?;
    Ok(site
        .news
        .numbers
        .values()
        .filter(|n| n.year == year)
        .map(|n| n.number)
        .max()
        .unwrap_or(0)
        + 1)
}

/// The id the next new standard gets ([`crate::scaffold::next_standard_id`]),
/// drafts included.
pub fn next_standard_id(root: &Path) -> Result<String, Vec<Diagnostic>> {
    let site = everything(root)?;
    let ids = site.register.standards.iter().map(|s| s.id.as_str());
    Ok(crate::scaffold::next_standard_id(ids))
}

/// The model of the site with every page, drafts, scheduled and expired
/// ones included, for what `kommhub new` must not collide with.
fn everything(root: &Path) -> Result<Site, Vec<Diagnostic>> {
    let config = load_config(root)?;
    let languages: Vec<_> = config.languages.iter().map(|l| l.code.clone()).collect();
    let (tree, _) = source::read_content(root, &languages, source::Texts::Now);
    let mut ignored = Vec::new();
    let documents = parse_all(&tree.files, &config, &mut ignored);
    let everything = Publication {
        build_date: Timestamp::UNIX_EPOCH,
        drafts: true,
        future: true,
        expired: true,
    };
    let (site, _) = model::assemble(
        config,
        documents,
        &tree.assets,
        &images::Images::default(),
        &source::history::History::default(),
        everything,
    );
    Ok(site)
}

/// Reads and resolves `site.yaml` below `root`.
pub fn load_config(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
    config::parse(&read_config_text(root)?)
}

/// The text of `site.yaml`, when it lies inside the root: a site.yaml
/// that is a symlink out of it is refused without being opened.
fn read_config_text(root: &Path) -> Result<String, Vec<Diagnostic>> {
    let missing = |error: String| {
        vec![Diagnostic::error(
            Code::ConfigMissing,
            config::FILE_NAME,
            format!("site.yaml cannot be read in {}: {error}", root.display()),
            "run kommhub in the site's folder or pass `--root <folder>`",
        )]
    };
    let site_root = SiteRoot::new(root).map_err(|error| missing(error.to_string()))?;
    match site_root.resolve(Path::new(config::FILE_NAME)) {
        Resolved::Inside(path) => {
            crate::root::read_regular(&path).map_err(|error| missing(error.to_string()))
        }
        Resolved::Outside { link } => Err(vec![crate::root::refused(
            Code::ConfigSymlinkOutside,
            Path::new(config::FILE_NAME),
            &link,
        )]),
        Resolved::Missing => Err(missing("there is no such file".to_string())),
    }
}

fn parse_all(
    files: &[source::ContentFile],
    config: &SiteConfig,
    problems: &mut Vec<Diagnostic>,
) -> Vec<std::sync::Arc<parse::Document>> {
    let settings = parse::ParseSettings::of(config);
    let results: Vec<_> = files
        .par_iter()
        .map(|file| parse::parse_file(file, &settings))
        .collect();
    let mut documents = Vec::with_capacity(results.len());
    for (document, file_problems) in results {
        problems.extend(file_problems);
        documents.extend(document.map(std::sync::Arc::new));
    }
    documents
}
