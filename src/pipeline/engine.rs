//! The stages with a memory: what `build`, `check` and `serve` all run.
//!
//! An [`Engine`] keeps what its last run read, parsed, assembled and
//! rendered. `build` and `check` run a fresh one once; `serve` keeps one
//! and runs it after every change. A run re-reads only changed files,
//! re-parses only files whose text changed, patches edited documents into
//! the last model when the edit keeps the site's structure
//! ([`model::patch`]) and assembles again otherwise, and then renders only
//! the output units ([`render::Unit`]) that read an input whose version
//! changed ([`super::versions`]) or that did not exist before. Which units
//! show what is never written down by hand: each unit recorded its reads
//! while it rendered ([`crate::reads`]).
//!
//! A run never writes: it hands the files it made, and the files that
//! are gone, to the one writer ([`crate::output`]).

use std::collections::{BTreeSet, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use tera::Tera;

use super::memory::{Memory, Outcome, Plan, Scope, Survey};
use super::versions::{Key, Sources};
use super::{BuildOptions, Changes, Timings, load_config};
use crate::config::SiteConfig;
use crate::diagnostics::{self, Diagnostic};
use crate::images::{self, Images};
use crate::model::patch::Patched;
use crate::model::{self, PageId, Site};
use crate::parse::spill::Spill;
use crate::parse::{self, Document, Kind};
use crate::reads::Read;
use crate::render::{self, OutputFile, ThemeFiles, Unit};
use crate::site_path::SitePath;
use crate::source::history::History;
use crate::source::{self, ContentFile, SourceTree};

/// What a run is for: it decides how images are treated and whether the
/// engine remembers units for the next run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Write a site once: image variants are encoded.
    Build,
    /// Lint it: variants are planned, not encoded; nothing is written.
    Check,
    /// Keep a preview current: variants encoded, every unit's reads and
    /// files remembered for the next run.
    Serve,
}

/// Where a build's files go as render makes them.
pub type Sink = Arc<dyn Fn(&mut [OutputFile]) + Send + Sync>;

/// What one run produced.
#[derive(Debug, Default)]
pub struct Run {
    /// The files of every unit rendered in this run (all of them on the
    /// first run), sorted by path.
    pub files: Vec<OutputFile>,
    /// Files the last run wrote that no unit makes any more.
    pub removed: Vec<SitePath>,
    /// Every problem that stands, sorted; the run failed if one is an error.
    pub problems: Vec<Diagnostic>,
    /// Documents parsed in this run.
    pub parsed: usize,
    /// Units rendered in this run.
    pub rendered: usize,
    /// Image variants encoded in this run, and taken from the cache.
    pub images_encoded: usize,
    pub images_cached: usize,
    pub timings: Timings,
}

impl Run {
    pub fn failed(&self) -> bool {
        self.problems.iter().any(Diagnostic::is_error)
    }
}

/// What `serve` asks of a run beyond a build's: pages rendered and handed
/// over before the rest, so that the page a browser shows does not wait
/// for the thousands of files a structural edit can reach (a new release
/// moves every later listing page). [`Run`] then holds only the rest.
pub struct Early<'a> {
    /// Site URLs of the pages browsers have open (`/news/`).
    pub shown: &'a [String],
    /// Takes the first files and the files already gone. Called at most
    /// once per run, only while the run has no errors, and not on a run
    /// that has nothing remembered to compare with (the first).
    pub hand_over: &'a mut dyn FnMut(&[OutputFile], &[SitePath]),
}

/// At most this many edited files have their pages rendered first; a
/// larger change (a new site.yaml parses everything) is no edit a person
/// looks at page by page.
const EDITS_FIRST: usize = 16;

/// What the first part of a run handed over.
#[derive(Default)]
struct Handed {
    /// Units rendered first.
    units: HashSet<Unit>,
    /// Remembered units the site lacks, whose files were removed.
    gone: Vec<Unit>,
    files: HashSet<SitePath>,
    removed: HashSet<SitePath>,
}

/// The units to render first, and who takes their files.
type First<'a> = (Vec<Unit>, &'a mut dyn FnMut(&[OutputFile], &[SitePath]));

/// What a serve render works with besides the site.
struct Pass<'a> {
    files: &'a ThemeFiles,
    tera: &'a Tera,
    scope: &'a Scope,
}

/// What the preview folder holds that the memory does not describe,
/// after a run that handed files over early and then failed.
#[derive(Default)]
struct Unsettled {
    /// Units to render again even if their inputs look unchanged.
    units: Vec<Unit>,
    /// Files handed over; removed unless a unit makes them.
    files: Vec<SitePath>,
}

/// One file's parse, kept while its text is unchanged.
struct Parsed {
    fingerprint: u64,
    document: Option<Arc<Document>>,
    problems: Vec<Diagnostic>,
}

impl Parsed {
    /// A file whose text could not be read when it was to be parsed.
    fn failed(problem: Diagnostic) -> Parsed {
        Parsed {
            fingerprint: 0,
            document: None,
            problems: vec![problem],
        }
    }
}

/// The theme as read, and its templates compiled for the current site.
pub(super) struct Theme {
    pub files: ThemeFiles,
    pub problems: Vec<Diagnostic>,
    tera: Option<Tera>,
}

/// The cached pipeline.
pub struct Engine {
    options: BuildOptions,
    purpose: Purpose,
    config: Option<SiteConfig>,
    tree: SourceTree,
    source_problems: Vec<Diagnostic>,
    /// By the file's path as bytes: hashing and comparing a `Path` walks
    /// its components, which cost an assembly of 20,000 files 8 ms.
    parsed: FxHashMap<OsString, Parsed>,
    images: Images,
    image_problems: Vec<Diagnostic>,
    /// When each content file was last committed, read with every walk
    /// of `content/` (so in `serve` a commit shows after the next walk,
    /// not after a save: saving changes no commit).
    history: History,
    theme: Option<Theme>,
    /// The site of the last successful run; kept alive so the document
    /// identities in `versions` stay unique ([`super::versions`]).
    site: Option<Site>,
    /// The site an assembly replaced, freed once the first part of the
    /// run is handed over ([`free_aside`]).
    retired: Option<Site>,
    model_problems: Vec<Diagnostic>,
    /// The last run succeeded, so an edit may be patched into `site`.
    clean: bool,
    /// What every unit read and made (`serve`, and `build` with its cache).
    memory: Memory,
    /// Whether runs keep `memory` (and file fingerprints) for the next.
    remember: bool,
    /// Takes each rendered unit's files as they are made (a build's
    /// [`crate::output::Stream`]); the run then holds only their paths.
    sink: Option<Sink>,
    /// Where a build keeps its documents' bodies between parse and
    /// render ([`crate::parse::spill`]); `None` keeps them in memory.
    spill: Option<Arc<Spill>>,
    /// The theme settings the resumed memory was rendered with
    /// ([`Engine::resume`]); other settings drop the memory.
    remembered_settings: Option<render::theme::ThemeSettings>,
    /// Files read since they were last parsed; `None` after a full walk,
    /// when every file must be compared.
    touched: Option<BTreeSet<PathBuf>>,
    /// Files were added or removed without a walk: the model must be
    /// assembled, not patched.
    reshaped: bool,
    unsettled: Unsettled,
}

impl Engine {
    pub fn new(options: BuildOptions, purpose: Purpose) -> Self {
        Engine {
            options,
            purpose,
            config: None,
            tree: SourceTree::default(),
            source_problems: Vec::new(),
            parsed: FxHashMap::default(),
            images: Images::default(),
            image_problems: Vec::new(),
            history: History::default(),
            theme: None,
            site: None,
            retired: None,
            model_problems: Vec::new(),
            clean: false,
            memory: Memory::default(),
            remember: purpose == Purpose::Serve,
            remembered_settings: None,
            sink: None,
            spill: None,
            touched: None,
            reshaped: false,
            unsettled: Unsettled::default(),
        }
    }

    /// A build engine that starts from what an earlier build remembered
    /// (the build cache, `cache.rs`), rendered with theme `settings`: its
    /// first run renders only the units whose inputs changed since, and
    /// its [`Run::removed`] names the files of units that are gone.
    pub fn resume(
        options: BuildOptions,
        memory: Memory,
        settings: render::theme::ThemeSettings,
    ) -> Self {
        let mut engine = Engine::new(options, Purpose::Build);
        engine.memory = memory.made_lean();
        engine.remember = true;
        engine.remembered_settings = Some(settings);
        engine
    }

    /// A build engine that remembers what it renders, for the build cache.
    pub fn remembering(options: BuildOptions) -> Self {
        let mut engine = Engine::new(options, Purpose::Build);
        engine.memory = Memory::default().made_lean();
        engine.remember = true;
        engine
    }

    /// Hands every unit's files to `sink` as soon as they are rendered,
    /// instead of keeping them for [`Run::files`] (which then holds them
    /// with empty contents).
    pub fn stream_into(&mut self, sink: Sink) {
        self.sink = Some(sink);
    }

    /// Keeps every body this engine parses in `spill` instead of in
    /// memory.
    pub fn spill_into(&mut self, spill: Arc<Spill>) {
        self.spill = Some(spill);
    }

    /// Takes what the engine remembers, leaving it empty.
    pub(super) fn take_memory(&mut self) -> Memory {
        std::mem::take(&mut self.memory)
    }

    pub fn config(&self) -> Option<&SiteConfig> {
        self.config.as_ref()
    }

    /// The site of the last successful run.
    pub fn site(&self) -> Option<&Site> {
        self.site.as_ref()
    }

    pub(super) fn into_parts(self) -> (Option<Site>, Option<Theme>, SourceTree) {
        (self.site, self.theme, self.tree)
    }

    /// When each content file was last committed, as the last walk read it.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Brings everything up to date with `changes`. Fails early only when
    /// site.yaml cannot be read; content problems are in [`Run::problems`],
    /// and a failed run leaves the engine as the last good run left it.
    pub fn run(&mut self, changes: &Changes) -> Result<Run, Vec<Diagnostic>> {
        self.run_early(changes, None)
    }

    /// [`Engine::run`], handing the pages `early` names (and the edited
    /// and the new ones) over first.
    pub fn run_early(
        &mut self,
        changes: &Changes,
        early: Option<Early>,
    ) -> Result<Run, Vec<Diagnostic>> {
        let mut timings = Timings::shown(&self.options.progress);
        let clean = std::mem::replace(&mut self.clean, false);
        let config = match self.config.clone() {
            Some(config) if !changes.config => config,
            _ => timings.measure("walk", || self.reset())?,
        };
        // After a walk every file is compared anyway.
        if !changes.content.is_empty() && self.touched.is_some() {
            timings.measure("walk", || self.update_content(&changes.content));
        }
        if changes.theme || changes.statics || self.theme.is_none() {
            self.read_theme(&config);
        }
        let reshaped = std::mem::take(&mut self.reshaped);
        let walked = self.touched.is_none() || reshaped;
        let fresh = timings.measure("parse", || self.parse_changed(&config));
        if self.purpose == Purpose::Build {
            // A build runs once; `check` quotes the texts and `serve`
            // compares them with the next save.
            self.tree.forget_texts();
        }
        let parsed = fresh.len();
        let patched = match clean && !walked {
            true => timings.measure("patch", || self.patch(&fresh)),
            false => None,
        };
        let (site, scope) = match patched {
            Some((site, edited, Patched::Pages)) => (site, self.scope(edited, changes)),
            // Listings and running numbers moved: any page may show them.
            Some((site, _, Patched::Listings)) => (site, Scope::Everything),
            None => (
                timings.measure("assemble", || self.assemble(config)),
                Scope::Everything,
            ),
        };
        let first = early.map(|early| {
            let wanted = first_wanted(&site, early.shown, &fresh, changes.statics);
            (wanted, early.hand_over)
        });
        let mut run = self.render(site, &scope, &mut timings, first);
        // `serve`'s render frees it sooner; a run without a theme did not.
        free_aside(self.retired.take());
        if let Some(run) = run.as_mut() {
            run.parsed = parsed;
            run.timings = timings;
        }
        run.ok_or_else(|| self.standing_problems())
    }

    /// Reads site.yaml again, and everything below `content/` unless
    /// parsing reads nothing of site.yaml that changed
    /// ([`parse::ParseSettings`]): then the files and their parses stand.
    /// Everything assembled and rendered goes.
    fn reset(&mut self) -> Result<SiteConfig, Vec<Diagnostic>> {
        let config = load_config(&self.options.root)?;
        let config = match &self.options.base_url {
            Some(url) => config.with_base_url(url),
            None => config,
        };
        let config = match self.options.noindex {
            true => config.noindexed(),
            false => config,
        };
        let settings = parse::ParseSettings::of(&config);
        let kept = self.touched.is_some()
            && self
                .config
                .as_ref()
                .is_some_and(|old| parse::ParseSettings::of(old) == settings);
        // A resumed memory was made with this site.yaml (the build cache
        // checks); a reloaded one changes what every unit may show.
        if self.config.replace(config.clone()).is_some() {
            self.memory = Memory::default();
        }
        self.theme = None;
        self.site = None;
        if kept {
            // The model is assembled from scratch: nothing is patched.
            self.reshaped = true;
        } else {
            self.parsed.clear();
            self.reread_all();
        }
        Ok(config)
    }

    fn read_theme(&mut self, config: &SiteConfig) {
        let (files, problems) = render::theme::read(&self.options.root, config);
        // Theme settings reach into every body: with other settings,
        // nothing rendered before stands.
        let old = self.theme.as_ref().map(|old| &old.files.settings);
        let remembered = self.remembered_settings.take();
        if old
            .or(remembered.as_ref())
            .is_some_and(|old| *old != files.settings)
        {
            self.memory = Memory::default();
        }
        self.theme = Some(Theme {
            files,
            problems,
            tera: None,
        });
    }

    fn assemble(&mut self, config: SiteConfig) -> Site {
        // Nothing reads the last site once the model is assembled anew,
        // but freeing it now would take a core from the assembly.
        self.retired = self.site.take();
        let mut documents = Vec::with_capacity(self.parsed.len());
        for file in &self.tree.files {
            if let Some(entry) = self.parsed.get(file.path.as_os_str()) {
                documents.extend(entry.document.clone());
            }
        }
        let (site, problems) = model::assemble(
            config,
            documents,
            &self.tree.assets,
            &self.images,
            &self.history,
            self.options.publication,
        );
        self.model_problems = problems;
        site
    }

    /// Patches the edited documents into the last site and names the
    /// pages edited, taking the site out of the engine; `None` (and the
    /// site untouched) when the edits change its structure.
    fn patch(&mut self, fresh: &[PathBuf]) -> Option<(Site, Vec<Key>, Patched)> {
        // Problems the last assembly found in an edited file may go away
        // or move: only a full assembly can tell.
        if self
            .model_problems
            .iter()
            .any(|problem| fresh.contains(&problem.file))
        {
            return None;
        }
        let site = self.site.as_mut()?;
        let mut edits = Vec::with_capacity(fresh.len());
        for path in fresh {
            let entry = self.parsed.get(path.as_os_str())?;
            let (false, Some(document)) = (
                entry.problems.iter().any(Diagnostic::is_error),
                entry.document.as_ref(),
            ) else {
                return None;
            };
            let at = site
                .pages
                .iter()
                .position(|page| page.doc.path.as_os_str() == path.as_os_str())?;
            edits.push((PageId(at), Arc::clone(document)));
        }
        // Sections make the navigation; a page with a role is linked from
        // every page: both go through a full assembly.
        let structural = edits.iter().any(|(id, _)| {
            let page = &site.pages[id.0];
            page.is_section() || matches!(&page.doc.kind, Kind::Plain(p) if p.role.is_some())
        });
        if structural {
            return None;
        }
        let level = model::patch::patch(site, &edits)?;
        let edited = edits
            .iter()
            .map(|(id, _)| Key::Page(site.pages[id.0].url.to_string()))
            .collect();
        Some((self.site.take()?, edited, level))
    }

    /// What a run that patched `edited` pages into the last site may have
    /// changed: those pages, and the theme's parts if the theme changed.
    fn scope(&self, edited: Vec<Key>, changes: &Changes) -> Scope {
        let mut keys = edited;
        if changes.theme {
            keys.extend(self.memory.keys_where(|key| {
                matches!(
                    key,
                    Key::Other(Read::Template(_) | Read::String(..) | Read::Site(_))
                )
            }));
        }
        if changes.statics {
            keys.push(Key::Other(Read::Copies));
            // A changed style sheet, script or font has a new name, which
            // every page that names it must show.
            keys.extend(
                self.memory
                    .keys_where(|key| matches!(key, Key::Other(Read::Asset(_)))),
            );
        }
        Scope::Only(keys)
    }

    /// Renders what the run needs (everything without memory, else the
    /// units [`Memory::plan`] names); commits the new state only when the
    /// run has no errors. `None` when there is no theme.
    fn render(
        &mut self,
        site: Site,
        scope: &Scope,
        timings: &mut Timings,
        first: Option<First>,
    ) -> Option<Run> {
        let compile_problems = self.compile(&site);
        // Out of `self` while it renders, so the engine can be updated
        // meanwhile; its problems stand with the others.
        let theme = self.theme.take()?;
        let mut standing = self.standing_problems();
        standing.extend(theme.problems.iter().cloned());
        let mut run = match theme.tera.as_ref() {
            None => {
                standing.extend(compile_problems);
                self.site = Some(site);
                Run::default()
            }
            Some(tera) if !self.remember => {
                let units = render::units(&site);
                let (output, problems) = timings.measure("render", || {
                    render::render(&site, &theme.files, tera, &units)
                });
                standing.extend(problems);
                self.clean = true;
                let run = Run {
                    rendered: units.len(),
                    files: output.files,
                    ..Run::default()
                };
                self.site = Some(site);
                run
            }
            Some(tera) => {
                let pass = Pass {
                    files: &theme.files,
                    tera,
                    scope,
                };
                self.render_changed(site, &pass, timings, first, &mut standing)
            }
        };
        self.theme = Some(theme);
        run.problems = diagnostics::sorted(standing);
        run.images_encoded = self.images.encoded;
        run.images_cached = self.images.cached;
        Some(run)
    }

    /// `serve`'s render: the units the memory names (those of `first`
    /// rendered and handed over before the rest), committed when the run
    /// has no errors (`problems` gets the units' problems).
    fn render_changed(
        &mut self,
        site: Site,
        pass: &Pass,
        timings: &mut Timings,
        first: Option<First>,
        problems: &mut Vec<Diagnostic>,
    ) -> Run {
        let site_values = timings.measure("values", || render::SiteValues::new(&site, pass.tera));
        let sources = Sources::new(&site, pass.files, &site_values);
        let units = matches!(pass.scope, Scope::Everything)
            .then(|| timings.measure("units", || render::units(&site)));
        // New and gone units: found once, for the first part and the plan.
        let survey = units.map(|units| timings.measure("survey", || self.memory.survey(units)));
        let unsettled = self.unsettled_units(survey.as_ref());
        let sink = self.sink.clone();
        let progress = self.options.progress.clone();
        let render = |units: &[Unit]| {
            progress.expect(units.len());
            let each = |files: &mut [OutputFile]| {
                progress.advance();
                if let Some(sink) = &sink {
                    sink(files);
                }
            };
            render::render_units_into(&site, pass.files, pass.tera, &site_values, units, &each)
        };
        let (mut outputs, handed) = match first {
            Some((wanted, hand_over)) if !problems.iter().any(Diagnostic::is_error) => timings
                .measure("first", || {
                    self.render_first(&wanted, survey.as_ref(), render, hand_over)
                }),
            _ => (Vec::new(), Handed::default()),
        };
        free_aside(self.retired.take());
        let mut plan = timings.measure("plan", || self.memory.plan(&sources, pass.scope, survey));
        plan.dirty.extend(unsettled);
        plan.dirty.retain(|unit| !handed.units.contains(unit));
        plan.dirty.sort();
        plan.dirty.dedup();
        outputs.extend(timings.measure("render", || render(&plan.dirty)));
        let rendered = outputs.len();
        let outcome = timings.measure("record", || self.memory.outcome(&plan, outputs, &sources));
        self.conclude(site, plan, outcome, handed, rendered, problems)
    }

    /// Ends `serve`'s run of `site`: the files and removals that were not
    /// handed over early, and the memory committed to `outcome` unless
    /// `problems` (to which the units' problems are added) has an error.
    fn conclude(
        &mut self,
        site: Site,
        plan: Plan,
        mut outcome: Outcome,
        handed: Handed,
        rendered: usize,
        problems: &mut Vec<Diagnostic>,
    ) -> Run {
        problems.extend(outcome.problems.iter().cloned());
        self.settle(&mut outcome.removed, &outcome.files);
        outcome
            .files
            .retain(|file| !handed.files.contains(&file.path));
        outcome
            .removed
            .retain(|path| !handed.removed.contains(path));
        let run = Run {
            files: std::mem::take(&mut outcome.files),
            removed: std::mem::take(&mut outcome.removed),
            rendered,
            ..Run::default()
        };
        // A failed preview keeps showing the last good site, and the memory
        // what that site was made of; what was handed over early is noted.
        if problems.iter().any(Diagnostic::is_error) {
            self.unsettle(handed);
            return run;
        }
        self.memory.commit(plan, outcome);
        self.unsettled = Unsettled::default();
        free_aside(self.site.replace(site));
        self.clean = true;
        run
    }

    /// Renders the units of `wanted` the site has, and the new ones, and
    /// hands their files (and the files of gone units) over, unless one
    /// of them failed.
    fn render_first(
        &self,
        wanted: &[Unit],
        survey: Option<&Survey>,
        render: impl Fn(&[Unit]) -> Vec<render::UnitOutput>,
        hand_over: &mut dyn FnMut(&[OutputFile], &[SitePath]),
    ) -> (Vec<render::UnitOutput>, Handed) {
        let first = self.memory.first(wanted, survey);
        let gone = survey.map_or(&[][..], |survey| &survey.gone);
        let outputs = render(&first);
        let failed = outputs
            .iter()
            .any(|output| output.problems.iter().any(Diagnostic::is_error));
        if failed || (first.is_empty() && gone.is_empty()) {
            return (outputs, Handed::default());
        }
        let files: Vec<OutputFile> = outputs
            .iter()
            .flat_map(|output| output.files.iter().cloned())
            .collect();
        let removed = self.memory.files_of(gone);
        hand_over(&files, &removed);
        let handed = Handed {
            units: first.into_iter().collect(),
            gone: gone.to_vec(),
            files: files.into_iter().map(|file| file.path).collect(),
            removed: removed.into_iter().collect(),
        };
        (outputs, handed)
    }

    /// Units an earlier failed run handed over early, that the site has.
    fn unsettled_units(&self, survey: Option<&Survey>) -> Vec<Unit> {
        let has = self.memory.presence(survey);
        self.unsettled
            .units
            .iter()
            .filter(|unit| has(unit))
            .cloned()
            .collect()
    }

    /// Adds to `removed` the files an earlier failed run handed over for
    /// units that no longer make them.
    fn settle(&self, removed: &mut Vec<SitePath>, files: &[OutputFile]) {
        if self.unsettled.files.is_empty() {
            return;
        }
        let made: HashSet<&SitePath> = files.iter().map(|file| &file.path).collect();
        removed.extend(
            self.unsettled
                .files
                .iter()
                .filter(|path| !made.contains(path) && !self.memory.owns(path))
                .cloned(),
        );
        removed.sort();
        removed.dedup();
    }

    /// Notes what a failed run handed over, for the next run to put right.
    fn unsettle(&mut self, handed: Handed) {
        self.unsettled.files.extend(handed.files);
        self.unsettled.units.extend(handed.units);
        self.unsettled.units.extend(handed.gone);
    }

    /// Compiles the theme's templates for `site` unless they are.
    fn compile(&mut self, site: &Site) -> Vec<Diagnostic> {
        let Some(theme) = self.theme.as_mut() else {
            return Vec::new();
        };
        if theme.tera.is_some() {
            return Vec::new();
        }
        match compile(&theme.files, site) {
            Ok(tera) => {
                theme.tera = Some(tera);
                Vec::new()
            }
            Err(problems) => problems,
        }
    }

    /// The problems that stand while no file changes: reading, images,
    /// parsing, assembling and the theme.
    fn standing_problems(&self) -> Vec<Diagnostic> {
        let mut problems = self.source_problems.clone();
        problems.extend(self.image_problems.iter().cloned());
        // Every parsed file is in the tree (a walk or a removal drops the
        // others), and the problems are sorted later.
        for entry in self.parsed.values() {
            problems.extend(entry.problems.iter().cloned());
        }
        problems.extend(self.model_problems.iter().cloned());
        if let Some(theme) = &self.theme {
            problems.extend(theme.problems.iter().cloned());
        }
        problems
    }

    fn languages(&self) -> Vec<crate::config::Lang> {
        self.config
            .as_ref()
            .map(|c| c.languages.iter().map(|l| l.code.clone()).collect())
            .unwrap_or_default()
    }

    fn reread_all(&mut self) {
        self.touched = None;
        // A build reads each text when it parses it: it holds no texts.
        let texts = match self.purpose {
            Purpose::Build => source::Texts::Later,
            Purpose::Check | Purpose::Serve => source::Texts::Now,
        };
        let (tree, problems) = source::read_content(&self.options.root, &self.languages(), texts);
        let variants = match self.purpose {
            Purpose::Check => images::Variants::Plan,
            Purpose::Build | Purpose::Serve => images::Variants::Make,
        };
        let (images, image_problems) = images::prepare(&self.options.root, &tree.assets, variants);
        self.tree = tree;
        self.source_problems = problems;
        self.images = images;
        self.history = source::history::last_changes(&self.options.root).unwrap_or_default();
        self.image_problems = image_problems;
        let known: HashSet<&OsStr> = self.tree.files.iter().map(|f| f.path.as_os_str()).collect();
        self.parsed
            .retain(|path, _| known.contains(path.as_os_str()));
    }

    /// Reads what changed below `content/`: a saved Markdown file again, a
    /// new one into its place in walk order, and a removed one out. Anything
    /// else (assets, bundles, a file in a new folder, a file the last walk
    /// had a problem with) walks `content/` again.
    fn update_content(&mut self, paths: &BTreeSet<PathBuf>) {
        let walk_knows = |path: &PathBuf| self.source_problems.iter().any(|p| p.file == *path);
        if paths.iter().any(walk_knows) {
            return self.reread_all();
        }
        let mut steps = Vec::with_capacity(paths.len());
        for path in paths {
            match self.content_step(path) {
                Some(step) => steps.push(step),
                None => return self.reread_all(),
            }
        }
        for step in steps {
            match step {
                Step::Saved(path, text) => {
                    let same =
                        |f: &&mut source::ContentFile| f.path.as_os_str() == path.as_os_str();
                    if let Some(file) = self.tree.files.iter_mut().find(same) {
                        file.text = text;
                    }
                    self.touch(path);
                }
                Step::Added(file) => {
                    let at = source::walk_position(&self.tree.files, &file.path);
                    self.touch(file.path.clone());
                    self.tree.files.insert(at, file);
                    self.reshaped = true;
                }
                Step::Removed(path) => {
                    // By bytes, as in `content_step`.
                    let path = path.as_os_str();
                    self.tree.files.retain(|f| f.path.as_os_str() != path);
                    self.parsed.remove(path);
                    self.reshaped = true;
                }
                Step::Nothing => {}
            }
        }
    }

    /// What one changed path below `content/` asks for; `None`: a walk.
    fn content_step(&self, path: &PathBuf) -> Option<Step> {
        let root = &self.options.root;
        let full = root.join(path);
        // Comparing the bytes of paths is much faster than comparing
        // (or hashing) their components, which matters at 20,000 files.
        let known = self
            .tree
            .files
            .iter()
            .find(|f| f.path.as_os_str() == path.as_os_str());
        let exists = std::fs::symlink_metadata(&full).is_ok();
        match (known, exists) {
            // A file saved as a symlink out of the root is left to the
            // walk, which refuses it with an error.
            (Some(_), true) => {
                source::read_saved(root, path).map(|text| Step::Saved(path.clone(), text))
            }
            (Some(file), false) if file.name.kind != source::FileKind::BundleIndex => {
                Some(Step::Removed(path.clone()))
            }
            (None, true) => {
                source::read_new(root, path, &self.languages(), &self.tree).map(Step::Added)
            }
            // Gone before it was read (an editor's or `sed -i`'s temporary
            // file): nothing the tree knows is at or below it.
            (None, false) if !self.tree_has_under(path) => Some(Step::Nothing),
            _ => None,
        }
    }

    /// Whether a content file or asset the tree knows is `path` or lies
    /// below it (a removed folder).
    fn tree_has_under(&self, path: &Path) -> bool {
        let files = self.tree.files.iter().map(|f| &f.path);
        let assets = self.tree.assets.iter().map(|a| &a.path);
        files.chain(assets).any(|known| known.starts_with(path))
    }

    fn touch(&mut self, path: PathBuf) {
        if let Some(touched) = self.touched.as_mut() {
            touched.insert(path);
        }
    }

    /// Parses the files whose text changed since they were last parsed;
    /// returns their paths.
    fn parse_changed(&mut self, config: &SiteConfig) -> Vec<PathBuf> {
        let files: Vec<&ContentFile> = match self.touched.take() {
            Some(touched) => touched
                .iter()
                .filter_map(|path| {
                    let bytes = path.as_os_str();
                    self.tree.files.iter().find(|f| f.path.as_os_str() == bytes)
                })
                .collect(),
            None => self.tree.files.iter().collect(),
        };
        let remember = self.remember;
        let settings = parse::ParseSettings::of(config);
        let root = &self.options.root;
        let fresh: Vec<(PathBuf, Parsed)> = files
            .par_iter()
            .filter_map(|file| {
                let read;
                let file = match file.unread {
                    true => match file.read(root) {
                        Ok(with_text) => {
                            read = with_text;
                            &read
                        }
                        Err(problem) => return Some((file.path.clone(), Parsed::failed(problem))),
                    },
                    false => *file,
                };
                let print = if remember {
                    fingerprint(file.text.as_bytes())
                } else {
                    0
                };
                let known = self.parsed.get(file.path.as_os_str());
                if known.is_some_and(|p| p.fingerprint == print) && remember {
                    return None;
                }
                let (mut document, problems) = parse::parse_file(file, &settings);
                if let (Some(document), Some(spill)) = (&mut document, &self.spill) {
                    document.body.keep_for_build(spill);
                }
                let parsed = Parsed {
                    fingerprint: print,
                    document: document.map(Arc::new),
                    problems,
                };
                Some((file.path.clone(), parsed))
            })
            .collect();
        let paths = fresh.iter().map(|(path, _)| path.clone()).collect();
        self.parsed.extend(
            fresh
                .into_iter()
                .map(|(path, parsed)| (path.into_os_string(), parsed)),
        );
        self.touched = Some(BTreeSet::new());
        paths
    }
}

/// What a changed path below `content/` asks of the source tree.
enum Step {
    Saved(PathBuf, String),
    Added(ContentFile),
    Removed(PathBuf),
    Nothing,
}

/// Frees a site on another thread: 20,000 pages take 15 ms to free,
/// which the preview need not wait for. On two cores that thread takes
/// one from whatever runs beside it, so `serve` frees the site an
/// assembly replaced only after the pages a staff member waits for.
fn free_aside(site: Option<Site>) {
    if let Some(site) = site {
        std::thread::spawn(move || drop(site));
    }
}

/// The units showing the pages browsers have open and the edited pages,
/// and the copied files when a static file changed.
fn first_wanted(site: &Site, shown: &[String], fresh: &[PathBuf], statics: bool) -> Vec<Unit> {
    let mut urls: Vec<String> = shown.to_vec();
    if fresh.len() <= EDITS_FIRST {
        let edited = site.pages.iter().filter(|page| {
            let path = page.doc.path.as_os_str();
            fresh.iter().any(|fresh| fresh.as_os_str() == path)
        });
        urls.extend(edited.map(|page| page.url.to_string()));
    }
    let mut units: Vec<Unit> = urls
        .into_iter()
        .flat_map(|url| {
            [
                Unit::Page(url.clone()),
                Unit::Listing(url.clone()),
                Unit::Standard(url),
            ]
        })
        .collect();
    // A changed style sheet, script or font goes with them: the open page
    // rendered first names its new copy.
    if statics {
        units.push(Unit::Copies);
    }
    units
}

/// Compiles the theme for `site`.
fn compile(theme: &ThemeFiles, site: &Site) -> Result<Tera, Vec<Diagnostic>> {
    // Without a language's strings file (missing, broken or refused, each
    // already an error) every template would only repeat that error once
    // per string it uses.
    let strings_missing = theme.strings.len() < site.config.languages.len();
    if theme.templates.is_empty() || strings_missing {
        return Err(Vec::new());
    }
    render::compile(theme, site)
}

/// A fast fingerprint of bytes, to notice changes (not for security).
pub fn fingerprint(bytes: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::default().hash_one(bytes)
}
