//! The search stage: rendered pages → a full-text search index per language.
//!
//! Runs after `render` and before `output` (see `pipeline::render_site`),
//! as a stage of its own because it is the slowest part of a large build
//! and a preview server may skip it. It reads the rendered HTML in memory
//! and never touches the disk: the index files come back as
//! [`OutputFile`]s that `output` writes with everything else.
//!
//! The index is built by [Pagefind](https://pagefind.app) used as a
//! library. Pagefind stems German and English words (Snowball), splits the
//! index into small chunks that the browser fetches only for the words
//! searched, and ships the WebAssembly and JavaScript that search them, so
//! the site serves its search itself and loads nothing from other hosts.
//!
//! What is indexed is decided here, from the model, not by the theme:
//! press releases, plain pages, and each standard's current version at the
//! standard's permanent address. Listings, version pages, redirects and
//! 404 pages are never handed to the indexer. Within a page the theme
//! marks the region to index with `data-pagefind-body` (else the whole
//! `<body>` counts) and adds `data-pagefind-meta` / `data-pagefind-filter`
//! attributes for dates and a standard's id and status.
//!
//! Each language gets its own bundle below [`BUNDLE_DIR`] (`pagefind/de/`,
//! `pagefind/en/`), so a search on the English search page can only find
//! English pages. The languages are indexed in parallel.

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::Lang;
use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::parse::Kind;
use crate::render::{Content, Output, OutputFile};
use crate::site_path::SitePath;

/// The folder below the output root that holds one bundle per language.
pub const BUNDLE_DIR: &str = "pagefind";

/// Site-relative URL of the bundle of `lang`: `/pagefind/de/`.
pub fn bundle_url(lang: &Lang) -> String {
    format!("/{BUNDLE_DIR}/{lang}/")
}

/// One page to index: where readers find it and its rendered HTML.
#[derive(Debug)]
struct Document<'a> {
    /// Link target with base path, as search results link it.
    href: String,
    /// Output path, for messages.
    path: &'a SitePath,
    html: &'a [u8],
}

/// Builds the index of every language from the rendered `output` and adds
/// its files to `output`, keeping it sorted. Problems (a page the indexer
/// cannot read, a file that collides with the bundle) come back as
/// diagnostics.
pub fn add_index(site: &Site, output: &mut Output) -> Vec<Diagnostic> {
    let (files, mut problems) = index(site, output);
    problems.extend(merge(output, files));
    problems
}

/// The index files of every language, from the rendered `output`.
pub fn index(site: &Site, output: &Output) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let by_language = indexable(site, output);
    let results: Vec<(Vec<OutputFile>, Vec<Diagnostic>)> = by_language
        .par_iter()
        .map(|(lang, documents)| index_language(lang, documents))
        .collect();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for (language_files, language_problems) in results {
        files.extend(language_files);
        problems.extend(language_problems);
    }
    (files, problems)
}

/// The pages to index per language, in the order of the configured
/// languages and, within one, by URL (the index must not depend on the
/// order in which pages rendered).
fn indexable<'a>(site: &Site, output: &'a Output) -> Vec<(Lang, Vec<Document<'a>>)> {
    let html_by_path: HashMap<&str, (&'a SitePath, &'a [u8])> = output
        .files
        .iter()
        .filter_map(|file| match &file.content {
            Content::Bytes(bytes) if file.path.as_str().ends_with(".html") => {
                Some((file.path.as_str(), (&file.path, bytes.as_slice())))
            }
            _ => None,
        })
        .collect();
    let mut urls: Vec<(&Lang, &str)> = site
        .pages
        .iter()
        .filter(|page| matches!(page.doc.kind, Kind::News(_) | Kind::Plain(_)))
        .map(|page| (&page.lang, page.url.as_str()))
        .collect();
    for standard in &site.register.standards {
        urls.extend(standard.urls.iter().map(|(lang, url)| (lang, url.as_str())));
    }
    urls.sort_by(|a, b| a.1.cmp(b.1));
    site.config
        .languages
        .iter()
        .map(|language| {
            let documents = urls
                .iter()
                .filter(|(lang, _)| **lang == language.code)
                .filter_map(|(_, url)| {
                    let path = SitePath::index_of_url(url).ok()?;
                    let (path, html) = html_by_path.get(path.as_str())?;
                    Some(Document {
                        href: site.href(url),
                        path,
                        html,
                    })
                })
                .collect();
            (language.code.clone(), documents)
        })
        .collect()
}

/// The bundle of one language: Pagefind's index, its search script and the
/// WebAssembly with this language's stemmer.
fn index_language(lang: &Lang, documents: &[Document]) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let failed = |message: String| {
        Diagnostic::error(
            "search/index",
            format!("{BUNDLE_DIR}/{lang}"),
            format!("the search index for `{lang}` could not be built: {message}"),
            "this is a fault in kommhub or the search library, not in your content; please report it",
        )
    };
    // Pagefind's API is async; a runtime of our own on this thread drives
    // it (the page parsing runs on the runtime's blocking pool).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return (Vec::new(), vec![failed(error.to_string())]),
    };
    match runtime.block_on(build_bundle(lang, documents)) {
        Ok((files, problems)) => (files, problems),
        Err(error) => (Vec::new(), vec![failed(error)]),
    }
}

async fn build_bundle(
    lang: &Lang,
    documents: &[Document<'_>],
) -> Result<(Vec<OutputFile>, Vec<Diagnostic>), String> {
    let options = pagefind::options::PagefindServiceConfig::builder()
        .force_language(lang.to_string())
        .build();
    let mut index =
        pagefind::api::PagefindIndex::new(Some(options)).map_err(|error| format!("{error:#}"))?;
    let mut problems = Vec::new();
    for document in documents {
        let html = String::from_utf8_lossy(document.html).into_owned();
        if let Err(error) = index
            .add_html_file(None, Some(document.href.clone()), html)
            .await
        {
            problems.push(Diagnostic::warning(
                "search/page",
                document.path.as_str(),
                format!("this page is missing from the search index: {error:#}"),
                "check the page's template for broken HTML",
            ));
        }
    }
    let bundle = index
        .get_files()
        .await
        .map_err(|error| format!("{error:#}"))?;
    let stemmer = PathBuf::from(format!("wasm.{lang}.pagefind"));
    let has_stemmer = bundle.iter().any(|file| file.filename == stemmer);
    let mut files = Vec::new();
    for file in bundle {
        if !is_needed(&file.filename, has_stemmer) {
            continue;
        }
        let name = file.filename.to_string_lossy().replace('\\', "/");
        match SitePath::new(&format!("{BUNDLE_DIR}/{lang}/{name}")) {
            Ok(path) => files.push(OutputFile {
                path,
                content: Content::Bytes(file.contents),
            }),
            Err(_) => problems.push(Diagnostic::error(
                "search/index",
                format!("{BUNDLE_DIR}/{lang}"),
                format!("the search library produced a file with an unsafe name: {name}"),
                "use plain language codes in site.yaml",
            )),
        }
    }
    Ok((files, problems))
}

/// Whether a file of Pagefind's bundle is used by the theme's search page.
/// Pagefind also writes ready-made search interfaces (`pagefind-ui.js`,
/// `pagefind-modular-ui.js`, `pagefind-component-ui.js`, their styles) and
/// a highlighter; the hub theme has its own accessible search page and
/// uses only the search API (`pagefind.js`, its worker, the index and the
/// WebAssembly), so the rest is not published. The generic WebAssembly
/// (`wasm.unknown.pagefind`, no stemming) is needed only for a language
/// that Pagefind has no stemmer for.
fn is_needed(name: &std::path::Path, has_stemmer: bool) -> bool {
    let name = name.to_string_lossy();
    !((has_stemmer && name == "wasm.unknown.pagefind")
        || name.starts_with("pagefind-ui.")
        || name.starts_with("pagefind-modular-ui.")
        || name.starts_with("pagefind-component-ui.")
        || name.starts_with("pagefind-highlight.")
        || name.starts_with("playground"))
}

/// Adds `files` to `output` and restores its order; a path that a page,
/// static file or asset already uses is an error.
fn merge(output: &mut Output, files: Vec<OutputFile>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let taken: std::collections::HashSet<SitePath> = output
        .files
        .iter()
        .filter(|file| file.path.as_str().starts_with(BUNDLE_DIR))
        .map(|file| file.path.clone())
        .collect();
    for file in files {
        if taken.contains(&file.path) {
            problems.push(Diagnostic::error(
                "output/conflict",
                PathBuf::from(file.path.as_str()),
                format!(
                    "{} is part of the search index, but another file would be written there too",
                    file.path
                ),
                format!("rename the page, static file or asset below `{BUNDLE_DIR}/`"),
            ));
            continue;
        }
        output.files.push(file);
    }
    output.files.sort_by(|a, b| a.path.cmp(&b.path));
    problems
}
