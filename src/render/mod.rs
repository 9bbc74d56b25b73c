//! Site + theme → [`Output`], in memory.
//!
//! Templates are compiled once ([`compile`]); pages render in parallel
//! through the one shared `Tera` (it is `Send + Sync`). Each page's
//! context holds only its own views plus the per-language [`views::SiteView`],
//! serialised once per language. Pure: the output is a sorted list of
//! paths and contents, written elsewhere ([`crate::output`]).

pub mod assets;
pub mod atom;
pub mod body;
pub mod content_line;
pub mod functions;
pub mod html_walk;
pub mod linked_data;
pub mod news;
pub mod press_kit;
pub mod register;
pub mod search_page;
pub mod share_card;
pub mod theme;
pub mod views;

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use rayon::prelude::*;
use tera::{Context, Tera, Value};

use crate::config::Lang;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Page, Site};
use crate::parse::Kind;
use crate::parse::front_matter::Role;
use crate::reads::{Read, record};
use crate::site_path::SitePath;
use crate::source::FileRole;
pub use theme::ThemeFiles;
use views::{Frame, NotFoundView};

/// What a published file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Rendered in memory.
    Bytes(Vec<u8>),
    /// Copied from this file (static files, bundle assets).
    Copy(PathBuf),
    /// A ZIP archive of these entries, in this order, which the writer
    /// assembles (`output::zip`): render reads no files, and a press kit
    /// holds the photos of its release.
    Zip(Vec<ZipEntry>),
    /// A PNG the writer draws from an SVG (`output::card`), a release's
    /// share card.
    Card(Card),
    /// A release's lead photo cut to the share image's size, which the
    /// writer makes (or takes from the image cache,
    /// [`crate::images::share_crop`]).
    Crop(Crop),
}

/// What a photo's share crop is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crop {
    /// The published original (`ImageInfo::original`).
    pub original: PathBuf,
    /// The SHA-256 of the photo's source, the crop's name in the cache.
    pub digest: String,
}

/// What a share card is drawn from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// The filled-in SVG, with its own width and height.
    pub svg: String,
    /// The fonts it may use, shared by every card of a render.
    pub fonts: std::sync::Arc<FontSet>,
}

/// The theme's font files (WOFF2, WOFF, TTF or OTF) and, once the writer
/// has read them for the first card it draws, the fonts themselves:
/// unpacking WOFF2 costs more than drawing a card.
#[derive(Default)]
pub struct FontSet {
    pub files: Vec<PathBuf>,
    pub loaded: OnceLock<std::sync::Arc<resvg::usvg::fontdb::Database>>,
    /// The SHA-256 of the files' names and bytes, part of every card's
    /// cache key; read once per render.
    pub digest: OnceLock<[u8; 32]>,
    /// The glyphs the writer has drawn for cards in these fonts, each once.
    pub glyphs: crate::output::glyphs::Glyphs,
}

impl PartialEq for FontSet {
    fn eq(&self, other: &Self) -> bool {
        self.files == other.files
    }
}

impl Eq for FontSet {}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontSet")
            .field("files", &self.files)
            .finish()
    }
}

/// One file in a [`Content::Zip`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipEntry {
    /// The file's name in the archive.
    pub name: String,
    pub content: Content,
}

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: SitePath,
    pub content: Content,
    /// For a file rendered from a template: what it was made of.
    pub origin: Option<Origin>,
}

/// What a rendered HTML file was made of, as render knows it; `check`
/// traces its findings with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The template that rendered it, as the theme names it.
    pub template: String,
    /// The content page it shows, if any.
    pub page: Option<crate::model::PageId>,
    /// Where that page's body sits in the file (bytes), when the theme
    /// printed it as it is.
    pub body: Option<std::ops::Range<usize>>,
}

impl Origin {
    fn of_template(template: &str) -> Self {
        Origin {
            template: template.to_string(),
            page: None,
            body: None,
        }
    }
}

/// Every file of the built site, sorted by path.
#[derive(Debug, Default)]
pub struct Output {
    pub files: Vec<OutputFile>,
}

/// Compiles the theme's templates and registers kommhub's functions.
pub fn compile(theme: &ThemeFiles, site: &Site) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    functions::register(
        &mut tera,
        theme.strings.clone(),
        theme.assets.clone(),
        &site.config.base_url,
        &site.base_path,
    );
    if let Err(error) = tera.add_raw_templates(theme.templates.iter()) {
        return Err(vec![template_problem(
            theme,
            &failing_template(theme, site),
            &error,
        )]);
    }
    for required in [
        "base.html",
        "page.html",
        "section.html",
        "home.html",
        "404.html",
    ] {
        if !tera.contains_template(required) {
            return Err(vec![Diagnostic::error(
                Code::ThemeTemplateMissing,
                theme.template_path(required),
                format!("the theme has no template `{required}`"),
                "create it; see ARCHITECTURE.md for the templates a theme needs",
            )]);
        }
    }
    Ok(tera)
}

/// Which template a compile error came from, when Tera does not say:
/// the first one that fails to compile on its own (its parents included).
fn failing_template(theme: &ThemeFiles, site: &Site) -> String {
    theme
        .templates
        .keys()
        .find(|name| {
            let mut alone = Tera::new();
            functions::register(
                &mut alone,
                theme.strings.clone(),
                theme.assets.clone(),
                &site.config.base_url,
                &site.base_path,
            );
            let parents: Vec<(&String, &String)> = theme
                .templates
                .iter()
                .filter(|(other, _)| other != name)
                .collect();
            // The others first, so `extends` resolves; then the candidate.
            let others_fine = alone
                .add_raw_templates(parents.iter().map(|(n, s)| (n.as_str(), s.as_str())))
                .is_ok();
            others_fine
                && alone
                    .add_raw_template(name, &theme.templates[*name])
                    .is_err()
        })
        .cloned()
        .unwrap_or_default()
}

/// A part of the site that renders on its own: one content page, one
/// listing page, one standard's current version, or a group of files made
/// together. `serve` keeps, per unit, what it read ([`crate::reads`]) and
/// the files it made, and renders again only the units whose reads changed.
/// Units are named by what stays the same between two assemblies (an
/// address), never by a [`crate::model::PageId`], which is a position.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Unit {
    /// A content page, by its site URL.
    Page(String),
    /// A listing page of press releases (not a section's first page), by URL.
    Listing(String),
    /// The current version of a standard at the standard's own address.
    Standard(String),
    /// The register's filter pages, `standards.json`, `.csv` and its feed.
    Register,
    /// The Atom feeds of press releases.
    Feeds,
    /// `sitemap.xml`.
    Sitemap,
    /// robots.txt, the redirect map and a page per alias.
    Redirects,
    /// The 404 and search pages of every language.
    SitePages,
    /// The theme's static files and the bundle assets, copied as they are.
    Copies,
    /// A release's press kit, by the release's URL: a unit of its own, so
    /// that a template or a string only its page shows does not build
    /// thousands of ZIP archives again.
    PressKit(String),
}

/// What rendering one unit made and read.
#[derive(Debug)]
pub struct UnitOutput {
    pub unit: Unit,
    pub files: Vec<OutputFile>,
    pub reads: crate::reads::Reads,
    pub problems: Vec<Diagnostic>,
}

/// Every unit of `site`, in a stable order.
pub fn units(site: &Site) -> Vec<Unit> {
    // 30,000 addresses copied at 10,000 releases, while `serve`'s staff
    // member waits: on both cores.
    let (mut units, press_kits): (Vec<Unit>, Vec<Unit>) = rayon::join(
        || {
            let pages = site.pages.par_iter();
            pages.map(|page| Unit::Page(page.url.to_string())).collect()
        },
        || {
            let pages = site.pages.par_iter();
            let releases =
                pages.filter(|page| matches!(page.doc.kind, crate::parse::Kind::News(_)));
            releases
                .map(|page| Unit::PressKit(page.url.to_string()))
                .collect()
        },
    );
    units.extend(
        site.news
            .listing_pages()
            .map(|listing| Unit::Listing(listing.url.to_string())),
    );
    for standard in &site.register.standards {
        units.extend(
            standard
                .urls
                .values()
                .map(|url| Unit::Standard(url.to_string())),
        );
    }
    units.extend(press_kits);
    units.extend([
        Unit::Register,
        Unit::Feeds,
        Unit::Sitemap,
        Unit::Redirects,
        Unit::SitePages,
        Unit::Copies,
    ]);
    units
}

/// Renders `all`, every unit of `site` ([`units`]): every page, listing,
/// feed and site file, and the static files and assets to copy.
pub fn render(
    site: &Site,
    theme: &ThemeFiles,
    tera: &Tera,
    all: &[Unit],
) -> (Output, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut files = Vec::with_capacity(site.pages.len() + site.assets.len());
    let site_values = SiteValues::new(site, tera);
    for unit in render_units(site, theme, tera, &site_values, all) {
        files.extend(unit.files);
        problems.extend(unit.problems);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    problems.extend(conflicts(&files));
    files.dedup_by(|a, b| a.path == b.path);
    (Output { files }, problems)
}

/// One error for each path that two files would be written to; `files`
/// sorted by path.
pub fn conflicts(files: &[OutputFile]) -> Vec<Diagnostic> {
    files
        .windows(2)
        .filter(|pair| pair[0].path == pair[1].path)
        .map(|pair| conflict(&pair[1].path))
        .collect()
}

/// The error for two files that would be written to `path`.
pub fn conflict(path: &SitePath) -> Diagnostic {
    Diagnostic::error(
        Code::OutputConflict,
        path.as_str(),
        format!("two files would be written to {path}"),
        "rename the asset or static file, or change the page's slug",
    )
}

/// Renders `units` in parallel, each with a recorder on its thread.
pub fn render_units(
    site: &Site,
    theme: &ThemeFiles,
    tera: &Tera,
    site_values: &SiteValues,
    units: &[Unit],
) -> Vec<UnitOutput> {
    render_units_into(site, theme, tera, site_values, units, &|_| {})
}

/// [`render_units`], handing each unit's files to `each` on the thread
/// that rendered them, right after (a build writes them there and keeps
/// only their paths).
pub fn render_units_into(
    site: &Site,
    theme: &ThemeFiles,
    tera: &Tera,
    site_values: &SiteValues,
    units: &[Unit],
    each: &(dyn Fn(&mut [OutputFile]) + Sync),
) -> Vec<UnitOutput> {
    let context = UnitContext::new(site, theme, tera, site_values);
    let shared = crate::reads::SharedReads::default();
    units
        .par_iter()
        .map(|unit| {
            let ((mut files, problems), reads) = crate::reads::recording(|| context.render(unit));
            each(&mut files);
            UnitOutput {
                unit: unit.clone(),
                files,
                reads: shared.split(reads),
                problems,
            }
        })
        .collect()
}

/// What every unit of one render shares: the per-language site values,
/// the bodies, and where to find a unit's page, listing or standard.
struct UnitContext<'a> {
    site: &'a Site,
    theme: &'a ThemeFiles,
    tera: &'a Tera,
    site_values: HashMap<&'a Lang, Value>,
    bodies: body::Bodies<'a>,
    engine: Engine<'a>,
    /// The theme's fonts for share cards, read once by the writer.
    fonts: std::sync::Arc<FontSet>,
    /// Look-ups made on first use: a run that renders a few units should
    /// not pay for indexing every page.
    standards: OnceLock<StandardsByUrl<'a>>,
}

/// Each standard's address per language → the standard and the language.
type StandardsByUrl<'a> =
    FxHashMap<&'a str, (&'a crate::model::register::RegisteredStandard, &'a Lang)>;

impl<'a> UnitContext<'a> {
    fn new(site: &'a Site, theme: &'a ThemeFiles, tera: &'a Tera, values: &'a SiteValues) -> Self {
        let site_values = values.values.iter().map(|(l, v)| (l, v.clone())).collect();
        UnitContext {
            site,
            theme,
            tera,
            site_values,
            bodies: body::Bodies::new(site, &theme.settings)
                .with_share_cards(theme.templates.contains_key(share_card::TEMPLATE)),
            engine: Engine::new(tera, theme),
            fonts: std::sync::Arc::new(share_card::fonts(theme)),
            standards: OnceLock::new(),
        }
    }

    fn page(&self, url: &str) -> Option<&'a Page> {
        self.site.page_at(url)
    }

    fn listing(&self, url: &str) -> Option<&'a crate::model::news::Listing> {
        self.site.news.listing_at(url)
    }

    fn standard(
        &self,
        url: &str,
    ) -> Option<(&'a crate::model::register::RegisteredStandard, &'a Lang)> {
        let site = self.site;
        let standards = self.standards.get_or_init(|| {
            site.register
                .standards
                .iter()
                .flat_map(|s| {
                    s.urls
                        .iter()
                        .map(move |(lang, url)| (url.as_str(), (s, lang)))
                })
                .collect()
        });
        standards.get(url).copied()
    }

    /// The files of `unit` and the template errors met on the way. Every
    /// templated file of a language reads that language's `site`.
    fn render(&self, unit: &Unit) -> (Vec<OutputFile>, Vec<Diagnostic>) {
        let site = self.site;
        let results = match unit {
            Unit::Page(url) => self.content_page(url),
            Unit::Listing(url) => self.listing_page(url),
            Unit::Standard(url) => self.current_version(url),
            Unit::Register => self.register_files(),
            Unit::Feeds => news::feeds(site, &self.bodies)
                .into_iter()
                .map(Ok)
                .collect(),
            Unit::Sitemap => {
                record(Read::Structure);
                crate::reads::ignoring(|| news::sitemap(site))
                    .into_iter()
                    .map(Ok)
                    .collect()
            }
            Unit::Redirects => {
                record(Read::Redirects);
                let mut files = vec![news::robots(site), news::redirect_map(site)];
                files.extend(redirect_pages(site));
                files.into_iter().map(Ok).collect()
            }
            Unit::SitePages => {
                self.every_language();
                let mut files = site_pages(site, self.theme, self.tera, &self.site_values);
                files.extend(press_kit::vcards(&site.config).into_iter().map(Ok));
                files
            }
            Unit::Copies => {
                record(Read::Copies);
                copies(site, self.theme).into_iter().map(Ok).collect()
            }
            Unit::PressKit(url) => self.press_kit(url),
        };
        let mut files = Vec::new();
        let mut problems = Vec::new();
        for result in results {
            match result {
                Ok(file) => files.push(file),
                Err(problem) => problems.push(problem),
            }
        }
        (files, problems)
    }

    fn every_language(&self) {
        for language in &self.site.config.languages {
            record(Read::Site(language.code.clone()));
        }
    }

    fn content_page(&self, url: &str) -> Vec<Result<OutputFile, Diagnostic>> {
        let Some(page) = self.page(url) else {
            return Vec::new();
        };
        record(Read::Page(page.id));
        record(Read::Site(page.lang.clone()));
        let site_values = &self.site_values;
        let mut files = match render_page(self.site, &self.engine, page, site_values, &self.bodies)
        {
            // The page's own file has an error, reported at its line; a
            // template failing on what is wrong there is no second fault.
            Err(_) if page.doc.has_errors => Vec::new(),
            result => vec![result],
        };
        if self.bodies.share_cards {
            let fonts = &self.fonts;
            files.extend(share_card::card(
                self.site, fonts, self.tera, self.theme, page,
            ));
        }
        files.extend(share_card::photo(self.site, page).map(Ok));
        files
    }

    /// A release's press kit: its document, body, photos and contacts.
    fn press_kit(&self, url: &str) -> Vec<Result<OutputFile, Diagnostic>> {
        let Some(page) = self.page(url) else {
            return Vec::new();
        };
        record(Read::Page(page.id));
        press_kit::press_kit(self.site, self.theme, &self.bodies, page)
            .map(Ok)
            .into_iter()
            .collect()
    }

    fn listing_page(&self, url: &str) -> Vec<Result<OutputFile, Diagnostic>> {
        let Some(listing) = self.listing(url) else {
            return Vec::new();
        };
        record(Read::Listing(listing.url.to_string()));
        record(Read::Site(listing.lang.clone()));
        vec![news::render_listing(
            self.site,
            self.theme,
            self.tera,
            &self.site_values,
            listing,
        )]
    }

    fn current_version(&self, url: &str) -> Vec<Result<OutputFile, Diagnostic>> {
        let Some((standard, lang)) = self.standard(url) else {
            return Vec::new();
        };
        record(Read::Site(lang.clone()));
        vec![register::render_current(
            self.site,
            self.theme,
            self.tera,
            &self.site_values,
            &self.bodies,
            standard,
            lang,
            url,
        )]
    }

    fn register_files(&self) -> Vec<Result<OutputFile, Diagnostic>> {
        self.every_language();
        let site = self.site;
        let mut results = register::render_filter_pages(
            site,
            self.theme,
            self.tera,
            &self.site_values,
            &self.bodies,
        );
        results.extend(register::exports(site).into_iter().map(Ok));
        let (feeds, problems) = register::feeds(site, self.theme);
        results.extend(feeds.into_iter().map(Ok));
        results.extend(problems.into_iter().map(Err));
        let (calendars, problems) = register::calendars(site, self.theme);
        results.extend(calendars.into_iter().map(Ok));
        results.extend(problems.into_iter().map(Err));
        results
    }
}

/// The 404 page and the search page of every language.
fn site_pages(
    site: &Site,
    theme: &ThemeFiles,
    tera: &Tera,
    site_values: &HashMap<&Lang, Value>,
) -> Vec<Result<OutputFile, Diagnostic>> {
    let mut results = search_page::render_pages(site, theme, tera, site_values);
    for language in &site.config.languages {
        results.push(render_not_found(
            site,
            theme,
            tera,
            &language.code,
            site_values,
        ));
    }
    results
}

/// The theme's static files and the bundle assets, copied as they are,
/// and the content-hashed copies of the theme's styles, scripts and fonts.
fn copies(site: &Site, theme: &ThemeFiles) -> Vec<OutputFile> {
    let statics = theme.static_files.iter().map(|(from, to)| (from, to));
    let assets = site.assets.iter().map(|asset| (&asset.from, &asset.to));
    let mut files: Vec<OutputFile> = statics
        .chain(assets)
        .map(|(from, to)| OutputFile {
            path: to.clone(),
            content: Content::Copy(from.clone()),
            origin: None,
        })
        .collect();
    for (from, to) in &theme.static_files {
        let Some(copy) = theme.assets.get(to.as_str()) else {
            continue;
        };
        files.push(OutputFile {
            path: copy.path.clone(),
            content: match &copy.rewritten {
                Some(bytes) => Content::Bytes(bytes.clone()),
                None => Content::Copy(from.clone()),
            },
            origin: None,
        });
    }
    files
}

/// `site` for the templates of `lang`.
fn site_value<'a>(site: &'a Site, tera: &Tera, lang: &'a Lang) -> views::SiteView<'a> {
    let mut view = views::site_view(site, lang);
    view.search_url = search_page::link(site, tera, lang);
    view
}

/// `site` of every language, made once per run: the value templates get,
/// and its JSON text, which the engine compares between runs.
pub struct SiteValues {
    values: HashMap<Lang, Value>,
    texts: HashMap<Lang, String>,
}

impl SiteValues {
    pub fn new(site: &Site, tera: &Tera) -> Self {
        let mut values = HashMap::new();
        let mut texts = HashMap::new();
        for language in &site.config.languages {
            // The text comes from the view, whose order is fixed (fields,
            // `BTreeMap`s); a Tera map's order is not.
            let view = site_value(site, tera, &language.code);
            let text = serde_json::to_string(&view).unwrap_or_default();
            let value = Value::from_serializable(&view);
            values.insert(language.code.clone(), value);
            texts.insert(language.code.clone(), text);
        }
        SiteValues { values, texts }
    }

    /// The JSON text of `lang`'s `site`.
    pub fn text(&self, lang: &Lang) -> Option<&str> {
        self.texts.get(lang).map(String::as_str)
    }
}

/// Renders `template` with `context`, recording the read.
pub(crate) fn render_template(
    tera: &Tera,
    template: &str,
    context: &Context,
) -> Result<String, tera::Error> {
    crate::reads::record(crate::reads::Read::Template(crate::reads::name(template)));
    tera.render(template, context)
}
/// The template a theme is expected to have for `page`; `template_for`
/// falls back when it has not.
fn preferred_template(page: &Page) -> &'static str {
    let statement = matches!(
        &page.doc.kind,
        Kind::Plain(plain) if plain.role == Some(Role::Accessibility)
    );
    match page.doc.role {
        FileRole::Home => "home.html",
        FileRole::Register => "register.html",
        FileRole::NewsSection | FileRole::Section => "section.html",
        FileRole::Release => "news.html",
        FileRole::Standard => "standard.html",
        FileRole::Page if statement => "accessibility.html",
        FileRole::Page => "page.html",
    }
}

fn template_for(page: &Page, tera: &Tera) -> &'static str {
    let preferred = preferred_template(page);
    match preferred {
        _ if tera.contains_template(preferred) => preferred,
        "register.html" => "section.html",
        _ => "page.html",
    }
}

fn render_page(
    site: &Site,
    engine: &Engine,
    page: &Page,
    site_values: &HashMap<&Lang, Value>,
    bodies: &body::Bodies,
) -> Result<OutputFile, Diagnostic> {
    let template = template_for(page, engine.tera);
    let translations = site.translations_of(page);
    let frame = Frame::new(
        site,
        site_values,
        &page.lang,
        page.url.to_string(),
        |other| {
            translations
                .iter()
                .find(|p| p.lang == *other)
                .map(|p| p.url.to_string())
        },
    );
    let view = views::page_view(site, page, bodies);
    engine.render_page(template, frame, view, page)
}

/// What renders a content page: the compiled templates, the theme they
/// came from, and whether the page's body may be marked to learn where it
/// lands ([`marks_bodies`]).
pub(crate) struct Engine<'a> {
    pub tera: &'a Tera,
    pub theme: &'a ThemeFiles,
    pub marks: bool,
}

impl Engine<'_> {
    pub fn new<'a>(tera: &'a Tera, theme: &'a ThemeFiles) -> Engine<'a> {
        Engine {
            tera,
            theme,
            marks: marks_bodies(theme),
        }
    }

    /// Renders `template` in `frame` with `view` as `page` into the
    /// `index.html` of the frame's URL, recording the template, the page
    /// shown and where its body landed. The frame gets the page's
    /// structured data here, from the view the template sees.
    pub fn render_page(
        &self,
        template: &str,
        mut frame: Frame,
        view: views::PageView,
        page: &Page,
    ) -> Result<OutputFile, Diagnostic> {
        frame.linked_data = linked_data::content_page(frame.site(), frame.lang, &frame.url, &view);
        let frame = &frame;
        let (html, body) = self
            .render_marked(template, frame, view)
            .map_err(|error| template_problem(self.theme, template, &error))?;
        let origin = Origin {
            template: template.to_string(),
            page: Some(page.id),
            body,
        };
        index_file(&frame.url, &page.doc.path, html, origin)
    }

    /// The page, and the byte range of its body in it. The body is
    /// rendered between two marks that are taken out again; when the
    /// theme did anything but print it once as it is (the marks are not
    /// found once each around the body), the page is rendered again
    /// without them and its body's place is not known.
    fn render_marked(
        &self,
        template: &str,
        frame: &Frame,
        view: views::PageView,
    ) -> Result<(String, Option<std::ops::Range<usize>>), tera::Error> {
        let mut view = view;
        let body = std::sync::Arc::clone(&view.content);
        if self.marks && !body.trim().is_empty() {
            view.content = format!("{BODY_START}{body}{BODY_END}").into();
            let mut context = frame.context(&view);
            let html = render_template(self.tera, template, &context)?;
            if let Some(found) = unmark(&html, &body) {
                return Ok((found.0, Some(found.1)));
            }
            view.content = body;
            // Only `page` differs from the marked attempt.
            context.insert("page", &view);
            return Ok((render_template(self.tera, template, &context)?, None));
        }
        Ok((
            render_template(self.tera, template, &frame.context(&view))?,
            None,
        ))
    }
}

/// Marks around a page's body while it renders (private-use characters,
/// which no text of kommhub's own carries).
const BODY_START: char = '\u{E000}';
const BODY_END: char = '\u{E001}';

/// Whether the theme prints `page.content` only as it is: every use is
/// followed by `| safe`, `}}` or `%}` (an `if`), so marks around the body
/// cannot change what a filter computes from it (a length, a word count).
pub(crate) fn marks_bodies(theme: &ThemeFiles) -> bool {
    theme.templates.values().all(|text| {
        text.match_indices("page.content").all(|(at, name)| {
            let rest = text[at + name.len()..].trim_start();
            match rest.strip_prefix('|') {
                Some(filter) => filter
                    .trim_start()
                    .strip_prefix("safe")
                    .is_some_and(|after| after.trim_start().starts_with("}}")),
                None => rest.starts_with("}}") || rest.starts_with("%}"),
            }
        })
    })
}

/// `html` without the body marks, and the body's range in it, when the
/// marks stand once each around exactly `body`.
fn unmark(html: &str, body: &str) -> Option<(String, std::ops::Range<usize>)> {
    let width = BODY_START.len_utf8();
    let start = html.find(BODY_START)?;
    let end = start + width + body.len();
    let once = |mark: char, from: usize| !html[from..].contains(mark);
    if html.get(start + width..end)? != body
        || !html[end..].starts_with(BODY_END)
        || !once(BODY_START, start + width)
        || !once(BODY_END, end + width)
    {
        return None;
    }
    let mut out = String::with_capacity(html.len() - 2 * width);
    out.push_str(&html[..start]);
    out.push_str(body);
    out.push_str(&html[end + width..]);
    Some((out, start..start + body.len()))
}

/// Renders `template` into the `index.html` of the pretty URL `url`;
/// `source` names the file a URL that cannot be written comes from.
pub(crate) fn render_index(
    tera: &Tera,
    theme: &ThemeFiles,
    template: &str,
    context: &Context,
    url: &str,
    source: &std::path::Path,
) -> Result<OutputFile, Diagnostic> {
    let html = render_template(tera, template, context)
        .map_err(|error| template_problem(theme, template, &error))?;
    index_file(url, source, html, Origin::of_template(template))
}

/// `html` as the `index.html` of the pretty URL `url`.
fn index_file(
    url: &str,
    source: &std::path::Path,
    html: String,
    origin: Origin,
) -> Result<OutputFile, Diagnostic> {
    let path = SitePath::index_of_url(url).map_err(|_| {
        Diagnostic::error(
            Code::OutputUnsafePath,
            source,
            format!("the address {url} cannot be written safely"),
            "use letters, digits and hyphens in slugs, tags, ids and language codes",
        )
    })?;
    Ok(OutputFile {
        path,
        content: Content::Bytes(html.into_bytes()),
        origin: Some(origin),
    })
}

fn not_found_url(site: &Site, lang: &Lang) -> String {
    format!("{}/404.html", site.config.lang_prefix(lang))
}

/// The 404 page of `lang`, at `<lang prefix>/404.html`, which servers
/// answer a missing address with.
fn render_not_found(
    site: &Site,
    theme: &ThemeFiles,
    tera: &Tera,
    lang: &Lang,
    site_values: &HashMap<&Lang, Value>,
) -> Result<OutputFile, Diagnostic> {
    let url = not_found_url(site, lang);
    let mut frame = Frame::new(site, site_values, lang, url.clone(), |other| {
        Some(not_found_url(site, other))
    });
    // Another language's 404 page is no translation of the address that
    // was not found: the switcher leads to each language's home page.
    frame.switcher = views::switcher(site, lang, |_| None);
    let page = NotFoundView {
        kind: "404",
        title: "",
        summary: "",
        url: site.href(&url),
        permalink: site.permalink(&url),
    };
    let html = render_template(tera, "404.html", &frame.context(&page))
        .map_err(|error| template_problem(theme, "404.html", &error))?;
    let path = SitePath::new(url.trim_start_matches('/')).map_err(|_| {
        Diagnostic::error(
            Code::OutputUnsafePath,
            "site.yaml",
            "a language code makes an unsafe path",
            "use plain language codes",
        )
    })?;
    Ok(OutputFile {
        path,
        content: Content::Bytes(html.into_bytes()),
        origin: Some(Origin::of_template("404.html")),
    })
}

/// A small HTML page per alias that sends readers on to the page.
fn redirect_pages(site: &Site) -> Vec<OutputFile> {
    site.redirects
        .iter()
        .filter(|r| !r.from.contains(['?', '#']))
        .filter_map(|redirect| {
            let path = SitePath::index_of_url(&redirect.from).ok()?;
            let target = escape_attribute(&site.permalink(&redirect.to));
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{target}</title>\n<link rel=\"canonical\" href=\"{target}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n<body>\n<p><a href=\"{target}\">{target}</a></p>\n</body>\n</html>\n",
                lang = site.config.default_language(),
            );
            Some(OutputFile {
                path,
                content: Content::Bytes(html.into_bytes()),
                origin: None,
            })
        })
        .collect()
}

/// Escapes text for a double-quoted HTML attribute. Characters no page may
/// carry ([`crate::control_chars`]) are dropped: the parse stage refuses
/// them in content, and this keeps any that arrive another way (site.yaml,
/// a theme's strings) out of every page and feed.
pub fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if crate::control_chars::is_forbidden(c) => {}
            other => out.push(other),
        }
    }
    out
}

/// Escapes text for XML content and attributes: the one escaping function
/// of every XML file kommhub writes (feeds, sitemap), so none can be
/// ill-formed whatever text reaches it.
pub fn escape_xml(text: &str) -> String {
    escape_attribute(text).replace('\'', "&apos;")
}

/// A Tera error as a diagnostic at the template's file, line and column.
pub(crate) fn template_problem(
    theme: &ThemeFiles,
    template: &str,
    error: &tera::Error,
) -> Diagnostic {
    use std::error::Error as _;
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let mut message = report.message().to_string();
            let mut source = error.source();
            while let Some(inner) = source {
                message.push_str(": ");
                message.push_str(&inner.to_string());
                source = inner.source();
            }
            Diagnostic::error(
                Code::TemplateError,
                theme.template_path(report.filename()),
                message,
                "fix the template at this line; the message says what Tera expected",
            )
            .at(span.start_line, span.start_col + 1)
        }
        _ => {
            // Errors found while compiling carry their report as text:
            // "error: what\n --> name.html:3:17\n …".
            let text = error.to_string();
            let what = text
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ");
            let location = text
                .lines()
                .find_map(|line| line.trim_start().strip_prefix("--> "))
                .and_then(|place| {
                    let mut parts = place.rsplitn(3, ':');
                    let column: usize = parts.next()?.trim().parse().ok()?;
                    let line: usize = parts.next()?.trim().parse().ok()?;
                    Some((parts.next()?.to_string(), line, column))
                });
            let (name, line, column) = location.unwrap_or((template.to_string(), 0, 0));
            Diagnostic::error(
                Code::TemplateError,
                theme.template_path(&name),
                what.to_string(),
                "fix the template at this line; the message says what Tera expected",
            )
            .at(line, column)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme_with(template: &str) -> ThemeFiles {
        let mut theme = ThemeFiles::default();
        theme
            .templates
            .insert("page.html".to_string(), template.to_string());
        theme
    }

    #[test]
    fn bodies_are_marked_only_where_the_theme_prints_them_as_they_are() {
        for (template, marks) in [
            ("{{ page.content | safe }}", true),
            (
                "{% if page.content %}<div>{{ page.content|safe }}</div>{% endif %}",
                true,
            ),
            ("{{ page.content | striptags | truncate(length=9) }}", false),
            ("{{ page.content | length }}", false),
        ] {
            assert_eq!(marks_bodies(&theme_with(template)), marks, "{template}");
        }
    }

    #[test]
    fn the_body_is_found_between_its_marks_and_the_marks_go() {
        let body = "<p>Text</p>";
        let html = format!("<main>{BODY_START}{body}{BODY_END}</main>");
        let (clean, range) = unmark(&html, body).unwrap();
        assert_eq!(clean, "<main><p>Text</p></main>");
        assert_eq!(&clean[range], body);
        let twice = format!("{html}{BODY_START}{body}{BODY_END}");
        assert_eq!(unmark(&twice, body), None);
        let changed = format!("<main>{BODY_START}<p>Tex</p>{BODY_END}</main>");
        assert_eq!(unmark(&changed, body), None);
    }

    #[test]
    fn escaping_drops_characters_xml_forbids_and_escapes_markup() {
        assert_eq!(
            escape_xml("Tom & \"Jerry\" <b> 'x' ]]>\0\u{B}\u{1B}\u{FFFE}\u{FFFF}\u{85}"),
            "Tom &amp; &quot;Jerry&quot; &lt;b&gt; &apos;x&apos; ]]&gt;"
        );
        assert_eq!(escape_attribute("a\u{7}b\tc\nd"), "ab\tc\nd");
        assert_eq!(
            escape_xml("😀 \u{200F}שלום\u{200E}"),
            "😀 \u{200F}שלום\u{200E}"
        );
    }
}
