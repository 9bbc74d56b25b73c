//! Runs the stages in order; the table of contents of a build.
//!
//! `site.yaml, content/, themes/<theme>` → [`SiteConfig`] and documents →
//! [`Site`] → [`Output`] → `public/`. Every stage returns its value and its
//! diagnostics; if any diagnostic is an error, nothing is written.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rayon::prelude::*;

use crate::config::{self, SiteConfig};
use crate::diagnostics::{self, Diagnostic};
use crate::model::{self, Publication, Site};
use crate::parse;
use crate::render::{self, Output, ThemeFiles};
use crate::{Error, output};
use crate::{images, search, source};

/// What the user asked for.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Default: `<root>/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of site.yaml (preview deployments).
    pub base_url: Option<String>,
    pub publication: Publication,
}

impl BuildOptions {
    /// A build of `root` as of `build_date`, without preview flags.
    pub fn new(root: impl Into<PathBuf>, build_date: Timestamp) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            publication: Publication::at(build_date),
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// How long each stage took.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub stages: Vec<(&'static str, Duration)>,
}

impl Timings {
    fn measure<T>(&mut self, stage: &'static str, work: impl FnOnce() -> T) -> T {
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
    pub timings: Timings,
    pub images_encoded: usize,
    pub images_cached: usize,
}

/// Why a build failed.
#[derive(Debug)]
pub enum BuildFailure {
    /// Problems in the user's input, all of them, sorted.
    Content(Vec<Diagnostic>),
    /// The disk failed us.
    Io(Error),
}

/// Builds the site and writes it; on any error, writes nothing.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let mut rendered = render_site(options).map_err(BuildFailure::Content)?;
    let out_dir = options.output_dir();
    rendered
        .timings
        .measure("write", || output::write(&rendered.output, &out_dir))
        .map_err(BuildFailure::Io)?;
    Ok(BuildReport {
        pages: rendered.site.pages.len(),
        files: rendered.output.files.len(),
        warnings: rendered.diagnostics,
        next_scheduled: rendered.site.next_scheduled.clone(),
        timings: rendered.timings,
        images_encoded: rendered.images_encoded,
        images_cached: rendered.images_cached,
    })
}

/// Every stage but writing: what `build` would write, in memory.
pub fn render_site(options: &BuildOptions) -> Result<Rendered, Vec<Diagnostic>> {
    let mut timings = Timings::default();
    let config = load_config(&options.root)?;
    let config = match &options.base_url {
        Some(url) => config.with_base_url(url),
        None => config,
    };
    let languages: Vec<_> = config.languages.iter().map(|l| l.code.clone()).collect();
    let (tree, mut problems) =
        timings.measure("walk", || source::read_content(&options.root, &languages));
    let (images, image_problems) =
        timings.measure("images", || images::prepare(&options.root, &tree.assets));
    problems.extend(image_problems);
    let documents = timings.measure("parse", || parse_all(&tree.files, &config, &mut problems));
    let (site, model_problems) = timings.measure("assemble", || {
        model::assemble(
            config,
            documents,
            &tree.assets,
            &images,
            options.publication,
        )
    });
    problems.extend(model_problems);
    let (theme, theme_problems) = render::theme::read(&options.root, &site.config);
    problems.extend(theme_problems);
    let mut output = timings.measure("render", || render_with(&site, &theme, &mut problems));
    if !problems.iter().any(Diagnostic::is_error) {
        let search_problems = timings.measure("search", || search::add_index(&site, &mut output));
        problems.extend(search_problems);
    }
    let problems = diagnostics::sorted(problems);
    if problems.iter().any(Diagnostic::is_error) {
        return Err(problems);
    }
    Ok(Rendered {
        site,
        output,
        diagnostics: problems,
        timings,
        images_encoded: images.encoded,
        images_cached: images.cached,
    })
}

/// The running number the next release of `year` gets: one more than any
/// number in use, drafts and scheduled releases included.
pub fn next_running_number(root: &Path, year: i16) -> Result<u32, Vec<Diagnostic>> {
    let config = load_config(root)?;
    let languages: Vec<_> = config.languages.iter().map(|l| l.code.clone()).collect();
    let (tree, _) = source::read_content(root, &languages);
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
        everything,
    );
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

/// Reads and resolves `site.yaml` below `root`.
pub fn load_config(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(root.join(config::FILE_NAME)).map_err(|error| {
        vec![Diagnostic::error(
            "config/missing",
            config::FILE_NAME,
            format!("site.yaml cannot be read in {}: {error}", root.display()),
            "run kommhub in the site's folder or pass `--root <folder>`",
        )]
    })?;
    config::parse(&text)
}

fn parse_all(
    files: &[source::ContentFile],
    config: &SiteConfig,
    problems: &mut Vec<Diagnostic>,
) -> Vec<std::sync::Arc<parse::Document>> {
    let results: Vec<_> = files
        .par_iter()
        .map(|file| parse::parse_file(file, config))
        .collect();
    let mut documents = Vec::with_capacity(results.len());
    for (document, file_problems) in results {
        problems.extend(file_problems);
        documents.extend(document.map(std::sync::Arc::new));
    }
    documents
}

fn render_with(site: &Site, theme: &ThemeFiles, problems: &mut Vec<Diagnostic>) -> Output {
    if theme.templates.is_empty() {
        return Output::default();
    }
    match render::compile(theme, site) {
        Ok(tera) => {
            let (output, render_problems) = render::render(site, theme, &tera);
            problems.extend(render_problems);
            output
        }
        Err(compile_problems) => {
            problems.extend(compile_problems);
            Output::default()
        }
    }
}
