//! `kommhub check`: lints over the site exactly as `build` would write it.
//!
//! The pipeline renders the site in memory (`pipeline::check_input`, which
//! writes nothing) and hands over an [`Input`]: the model, every output
//! file, the theme, the build's own diagnostics and the texts the findings
//! point into. [`run`] is a pure function of it, like every stage after
//! `source`: it parses each HTML page once (`html`), runs the lints of
//! `links`, `a11y`, `privacy`, `legal`, `register` and
//! `translations`, traces every finding back to the Markdown or template
//! line it came from (`locate`, with what the stages recorded: each HTML
//! file's template, page and body range from render, each body's items
//! with positions from parse), applies the `check: { allow: … }` of
//! each page's front matter and returns a [`Report`] that [`report`]
//! prints for people or as JSON for CI.
//!
//! What the lints find is only part of what WCAG asks; the report says so
//! ([`NOT_CHECKED`]) and never claims the site is accessible.

mod a11y;
mod html;
mod legal;
mod links;
mod locate;
mod privacy;
mod register;
pub mod report;
mod translations;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::{Page, PageId, Site, WithheldPage};
use crate::parse::items::ItemKind;
use crate::render::{Content, Output, OutputFile, ThemeFiles};
use crate::site_path::SitePath;
use html::HtmlDoc;
use locate::{ElementShape, Location, MarkdownFile, Templates};
pub use translations::SectionCoverage;

/// What automated checks cannot judge; printed with every report.
pub const NOT_CHECKED: &[&str] = &[
    "whether alt texts, link texts, headings and page titles describe their content well",
    "contrast, colour, zoom, reflow and text spacing in a real browser",
    "keyboard use, focus order and what screen readers announce",
    "reading order, captions and transcripts of media, and PDF or other downloads",
    "whether Leichte Sprache is easy to read and legal texts are complete and correct",
];

/// A text file the site publishes: a style sheet, script or SVG.
#[derive(Debug, Clone)]
pub struct ShippedText {
    pub output: SitePath,
    /// Where it comes from, relative to the root (theme or content).
    pub source: PathBuf,
    pub text: String,
}

/// Everything `check` looks at; made by `pipeline::check_input`.
#[derive(Debug)]
pub struct Input {
    pub site: Site,
    pub output: Output,
    pub theme: ThemeFiles,
    /// What the build itself found, errors included.
    pub build: Vec<Diagnostic>,
    /// Text of each content file by its path relative to the root.
    pub sources: HashMap<PathBuf, String>,
    /// Text of site.yaml.
    pub config_text: String,
    pub shipped: Vec<ShippedText>,
}

/// A finding silenced by a page's front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Silenced {
    pub diagnostic: Diagnostic,
    pub reason: String,
}

/// The outcome of `check`.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The build's diagnostics and the lints' findings, sorted by file and
    /// position; with `--strict`, warnings are errors.
    pub findings: Vec<Diagnostic>,
    pub silenced: Vec<Silenced>,
    pub coverage: Vec<SectionCoverage>,
    /// HTML pages looked at.
    pub pages: usize,
    /// Build date as `YYYY-MM-DD` (Europe/Berlin); empty when unknown.
    pub build_date: String,
    pub strict: bool,
}

impl Report {
    /// A report of a site that could not be rendered at all (site.yaml).
    pub fn of_failure(problems: Vec<Diagnostic>, strict: bool) -> Report {
        let mut report = Report {
            findings: problems,
            strict,
            ..Report::default()
        };
        report.finish();
        report
    }

    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }

    fn finish(&mut self) {
        if self.strict {
            for finding in &mut self.findings {
                finding.severity = Severity::Error;
            }
        }
        self.findings = crate::diagnostics::sorted(std::mem::take(&mut self.findings));
        self.silenced
            .sort_by(|a, b| a.diagnostic.cmp(&b.diagnostic));
        self.silenced.dedup();
    }
}

/// A finding before silencing and merging.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub diagnostic: Diagnostic,
    /// The content file of the page it was seen on, whose front matter may
    /// silence it.
    pub page: Option<PathBuf>,
    /// The address it was seen at, when it comes from a template (the same
    /// fault then shows on many pages).
    pub seen_on: Option<String>,
}

impl Finding {
    pub fn in_file(diagnostic: Diagnostic) -> Self {
        Finding {
            page: Some(diagnostic.file.clone()),
            diagnostic,
            seen_on: None,
        }
    }
}

/// A fault a page lint found, before it is traced to its source.
#[derive(Debug, Clone)]
pub(crate) struct Fault {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    pub at: At,
}

/// Where a fault is.
#[derive(Debug, Clone)]
pub(crate) enum At {
    /// An element of the page; `needle` is text that names it in the
    /// source (a URL), tried before the element's own shape.
    Element {
        index: usize,
        needle: Option<String>,
    },
    /// Raw text of the page (an inline script or style sheet) at a byte
    /// offset, and the text to look for in the source.
    Text { offset: usize, needle: String },
}

impl Fault {
    pub fn error(code: Code, at: At, message: String, help: String) -> Self {
        Fault {
            code,
            severity: Severity::Error,
            message,
            help,
            at,
        }
    }

    pub fn warning(code: Code, at: At, message: String, help: String) -> Self {
        Fault {
            severity: Severity::Warning,
            ..Fault::error(code, at, message, help)
        }
    }
}

impl At {
    pub fn element(index: usize) -> Self {
        At::Element {
            index,
            needle: None,
        }
    }
}

/// One HTML page of the output, parsed.
#[derive(Debug)]
pub(crate) struct HtmlPage<'a> {
    pub path: &'a SitePath,
    /// Site-relative URL: `/presse/x/`, `/404.html`.
    pub url: String,
    pub html: &'a str,
    pub doc: HtmlDoc,
    /// The content page shown here, if any.
    pub page: Option<&'a Page>,
    /// Where the page's Markdown body sits in `html`, as render recorded.
    pub body: Option<Range<usize>>,
    /// The template that rendered it, as render recorded.
    pub template: &'a str,
    /// The language the page is in: its content page's, else `<html lang>`.
    pub lang: Option<String>,
}

impl HtmlPage<'_> {
    /// The line of the page's HTML that holds byte `offset`, with the
    /// lines before and after it.
    pub fn lines_at(&self, offset: usize) -> (&str, &str, &str) {
        let html = self.html;
        let offset = offset.min(html.len());
        let start = html[..offset].rfind('\n').map_or(0, |i| i + 1);
        let end = html[offset..].find('\n').map_or(html.len(), |i| offset + i);
        let before = html[..start.saturating_sub(1)]
            .rsplit('\n')
            .next()
            .unwrap_or("");
        let after = html
            .get(end + 1..)
            .and_then(|rest| rest.split('\n').next())
            .unwrap_or("");
        (before, &html[start..end], after)
    }

    /// What [`Templates::element`] compares for element `index`.
    pub fn shape<'s>(&'s self, index: usize, text: Option<&'s str>) -> ElementShape<'s> {
        let element = self.doc.element(index);
        let (before, line, after) = self.lines_at(element.offset);
        ElementShape {
            tag: &element.name,
            attrs: &element.attrs,
            text,
            output_line: line,
            output_before: before,
            output_after: after,
        }
    }

    /// Whether element `index` was written in the page's Markdown.
    pub fn in_body(&self, index: usize) -> bool {
        let offset = self.doc.element(index).offset;
        self.body
            .as_ref()
            .is_some_and(|body| body.contains(&offset))
    }
}

/// What the page lints share: the whole output, indexed.
#[derive(Debug)]
pub(crate) struct SiteIndex<'a> {
    pub site: &'a Site,
    /// Every output path.
    pub files: HashSet<&'a str>,
    /// HTML output path → its ids.
    pub ids: HashMap<&'a str, HashSet<String>>,
    /// HTML output path → the content page it shows.
    pub pages: HashMap<String, PageId>,
    /// HTML output path a withheld page would have → the page (the model
    /// knows where each would live).
    pub unpublished: HashMap<String, &'a WithheldPage>,
    /// `https://host` of base_url, lower case.
    pub origin: String,
}

/// Runs every lint. `strict` turns warnings into errors.
pub fn run(input: &Input, strict: bool) -> Report {
    let site = &input.site;
    let templates = Templates::new(&input.theme);
    let pages = html_pages(input);
    let index = site_index(input, &pages);
    let (findings, coverage) = lint(input, &pages, &index, &templates);
    let mut report = silence(site, findings);
    report.findings.extend(input.build.iter().cloned());
    report.coverage = coverage;
    report.pages = pages.len();
    report.build_date = site
        .publication
        .build_date
        .to_zoned_datetime(crate::parse::dates::berlin())
        .date()
        .to_string();
    report.strict = strict;
    report.finish();
    report
}

/// Every HTML file of the output, parsed, but the alias redirects.
fn html_pages(input: &Input) -> Vec<HtmlPage<'_>> {
    let site = &input.site;
    let redirects: HashSet<String> = site
        .redirects
        .iter()
        .filter_map(|r| SitePath::index_of_url(&r.from).ok())
        .map(|p| p.as_str().to_string())
        .collect();
    input
        .output
        .files
        .par_iter()
        .filter(|file| file.path.as_str().ends_with(".html"))
        .filter(|file| !redirects.contains(file.path.as_str()))
        .filter_map(|file| match &file.content {
            Content::Bytes(bytes) => std::str::from_utf8(bytes).ok().map(|html| (file, html)),
            Content::Copy(_) | Content::Zip(_) | Content::Card(_) | Content::Crop(_) => None,
        })
        .map(|(file, html)| html_page(site, file, html))
        .collect()
}

/// The output indexed once for all page lints.
fn site_index<'a>(input: &'a Input, pages: &'a [HtmlPage]) -> SiteIndex<'a> {
    let site = &input.site;
    SiteIndex {
        site,
        files: input.output.files.iter().map(|f| f.path.as_str()).collect(),
        ids: pages
            .iter()
            .map(|page| (page.path.as_str(), page.doc.ids()))
            .collect(),
        pages: input
            .output
            .files
            .iter()
            .filter_map(|file| Some((file.path.as_str().to_string(), file.origin.as_ref()?.page?)))
            .collect(),
        unpublished: site
            .withheld
            .iter()
            .filter_map(|u| Some((SitePath::index_of_url(&u.url).ok()?.as_str().to_string(), u)))
            .collect(),
        origin: links::origin(&site.config.base_url),
    }
}

/// What every lint finds, traced to its source line, and the
/// translation coverage per section.
fn lint(
    input: &Input,
    pages: &[HtmlPage],
    index: &SiteIndex,
    templates: &Templates,
) -> (Vec<Finding>, Vec<SectionCoverage>) {
    let site = &input.site;
    let mut findings: Vec<Finding> = pages
        .par_iter()
        .flat_map_iter(|page| {
            let mut faults = links::page(page, index);
            faults.extend(a11y::page(page, index));
            faults.extend(privacy::page(page, index));
            trace(page, faults, templates, &input.sources)
        })
        .collect();
    findings.extend(a11y::duplicate_titles(pages, templates));
    findings.extend(privacy::shipped(&input.shipped, index));
    findings.extend(privacy::photo_locations(site));
    findings.extend(legal::check(
        site,
        pages,
        index,
        templates,
        &input.sources,
        &input.config_text,
    ));
    findings.extend(register::check(site));
    let (coverage, missing) = translations::check(site);
    findings.extend(missing);
    (findings, coverage)
}

/// An HTML file of the output, parsed, with what render recorded about
/// it: its template, the page it shows and where that page's body sits.
fn html_page<'a>(site: &'a Site, file: &'a OutputFile, html: &'a str) -> HtmlPage<'a> {
    let doc = HtmlDoc::parse(html);
    let origin = file.origin.as_ref();
    let page = origin.and_then(|o| o.page).map(|id| site.page(id));
    let path = &file.path;
    let url = match path.as_str().strip_suffix("index.html") {
        Some(folder) => format!("/{folder}"),
        None => format!("/{}", path.as_str()),
    };
    let html_lang = doc
        .named("html")
        .next()
        .and_then(|i| doc.element(i).attr("lang").map(str::to_string));
    HtmlPage {
        path,
        url,
        html,
        template: origin.map_or("base.html", |o| o.template.as_str()),
        lang: page.map(|p| p.lang.to_string()).or(html_lang),
        page,
        body: origin.and_then(|o| o.body.clone()),
        doc,
    }
}

/// Turns a page's faults into findings at their Markdown or template line.
fn trace(
    page: &HtmlPage,
    faults: Vec<Fault>,
    templates: &Templates,
    sources: &HashMap<PathBuf, String>,
) -> Vec<Finding> {
    if faults.is_empty() {
        return Vec::new();
    }
    let source = page.page.and_then(|p| {
        sources
            .get(&p.doc.path)
            .map(|text| (p.doc.path.as_path(), text.as_str()))
    });
    let mut markdown = source.and_then(|(path, text)| {
        let body = &page.page?.doc.body;
        Some(MarkdownFile::new(path, text, body))
    });
    let mut findings = Vec::with_capacity(faults.len());
    for fault in faults {
        let location = match (&fault.at, markdown.as_mut()) {
            (At::Element { index, needle }, Some(markdown)) if page.in_body(*index) => {
                in_markdown(page, *index, needle.as_deref(), markdown)
            }
            (At::Text { offset, needle }, Some(markdown))
                if page.body.as_ref().is_some_and(|b| b.contains(offset)) =>
            {
                markdown.text(needle).unwrap_or_else(|| markdown.body())
            }
            (At::Element { index, needle }, _) => {
                in_templates(page, *index, needle.as_deref(), templates)
            }
            (At::Text { needle, .. }, _) => templates
                .literal(page.template, needle)
                .unwrap_or_else(|| templates.whole(page.template)),
        };
        let from_template =
            markdown.is_none() || source.is_none_or(|(path, _)| path != location.file);
        let diagnostic = Diagnostic {
            file: location.file,
            line: location.line,
            column: location.column,
            severity: fault.severity,
            code: fault.code,
            message: fault.message,
            help: fault.help,
        };
        findings.push(Finding {
            diagnostic,
            page: page.page.map(|p| p.doc.path.clone()),
            seen_on: from_template.then(|| page.url.clone()),
        });
    }
    findings
}

/// Where in the Markdown an element of the page's body was written: by
/// its text, else by its kind and place among the body's elements.
fn in_markdown(
    page: &HtmlPage,
    index: usize,
    needle: Option<&str>,
    markdown: &mut MarkdownFile,
) -> Location {
    if let Some(found) = needle.and_then(|n| markdown.text(n)) {
        return found;
    }
    let element = page.doc.element(index);
    let ordinal = |matches: &dyn Fn(&html::Element) -> bool| {
        page.doc.elements[..index]
            .iter()
            .enumerate()
            .filter(|(i, e)| matches(e) && page.in_body(*i))
            .count()
    };
    match element.name.as_str() {
        "img" => markdown.image(
            ordinal(&|e| e.name == "img"),
            element.attr("src").unwrap_or_default(),
        ),
        "a" => markdown.link(
            element.attr("href").unwrap_or_default(),
            &page.doc.visible_text(index),
            ordinal(&|e| e.name == "a" && !e.attr("href").is_some_and(|h| h.starts_with('#'))),
        ),
        "table" => markdown
            .nth(ItemKind::Table, ordinal(&|e| e.name == "table"))
            .or_else(|| markdown.text("<table"))
            .unwrap_or_else(|| markdown.body()),
        _ if element.heading_level().is_some() => markdown
            .nth(ItemKind::Heading, ordinal(&|e| e.heading_level().is_some()))
            .unwrap_or_else(|| markdown.body()),
        _ => markdown.body(),
    }
}

/// The template line an element outside the body comes from.
fn in_templates(
    page: &HtmlPage,
    index: usize,
    needle: Option<&str>,
    templates: &Templates,
) -> Location {
    if let Some(found) = needle.and_then(|n| templates.literal(page.template, n)) {
        return found;
    }
    let element = page.doc.element(index);
    let text = (element.name == "a").then(|| page.doc.visible_text(index));
    templates.element(page.template, &page.shape(index, text.as_deref()))
}

/// A page's `check: allow:` entries, by the page's path.
type Allows<'a> = HashMap<&'a Path, (&'a Page, &'a BTreeMap<String, String>)>;

/// Applies each page's `check: allow:`, merges a template fault seen on
/// many pages into one finding, and reports allow entries that are
/// unknown, without a reason or unused.
fn silence(site: &Site, findings: Vec<Finding>) -> Report {
    let mut allows: Allows = HashMap::new();
    for page in &site.pages {
        if !page.doc.common.check.allow.is_empty() {
            allows.insert(&page.doc.path, (page, &page.doc.common.check.allow));
        }
    }
    let mut used: HashSet<(PathBuf, Code)> = HashSet::new();
    let mut report = Report::default();
    let mut merged: BTreeMap<Diagnostic, Vec<String>> = BTreeMap::new();
    for finding in findings {
        let allowed = finding.page.as_deref().and_then(|page| {
            let (_, allow) = allows.get(page)?;
            let reason = allow.get(finding.diagnostic.code.as_str())?;
            (!reason.trim().is_empty()).then(|| (page.to_path_buf(), reason.clone()))
        });
        if let Some((page, reason)) = allowed {
            used.insert((page, finding.diagnostic.code));
            report.silenced.push(Silenced {
                diagnostic: finding.diagnostic,
                reason,
            });
            continue;
        }
        let seen = merged.entry(finding.diagnostic).or_default();
        if let Some(url) = finding.seen_on {
            seen.push(url);
        }
    }
    report.findings.extend(
        merged
            .into_iter()
            .map(|(diagnostic, urls)| with_pages_seen(site, diagnostic, urls)),
    );
    report.findings.extend(judge_allows(&allows, &used));
    report
}

/// A template fault's message with the page it was seen on, or how many
/// pages and one of them.
fn with_pages_seen(site: &Site, mut diagnostic: Diagnostic, mut urls: Vec<String>) -> Diagnostic {
    urls.sort();
    urls.dedup();
    match urls.as_slice() {
        [] => {}
        [one] => diagnostic
            .message
            .push_str(&format!(" (on {})", site.href(one))),
        [first, ..] => diagnostic.message.push_str(&format!(
            " (on {} pages, e.g. {})",
            urls.len(),
            site.href(first)
        )),
    }
    diagnostic
}

/// The problems of the allow entries themselves: a key that is no
/// silenceable code, an entry without a reason, one that silenced nothing.
fn judge_allows(allows: &Allows, used: &HashSet<(PathBuf, Code)>) -> Vec<Diagnostic> {
    let known: Vec<String> = Code::silenceable_codes()
        .map(|code| code.to_string())
        .collect();
    let mut problems = Vec::new();
    for (path, (page, allow)) in allows {
        for (key, reason) in *allow {
            let (line, column) = page.doc.position_of(key);
            let problem = |message: String, help: String, severity: Severity| Diagnostic {
                file: path.to_path_buf(),
                line,
                column,
                severity,
                code: Code::CheckAllow,
                message,
                help,
            };
            let Some(code) = key.parse::<Code>().ok().filter(|code| code.silenceable()) else {
                let help = match crate::yaml::nearest(key, &known) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "name one of the codes kommhub check reports, e.g. `a11y/link-text`"
                        .to_string(),
                };
                problems.push(problem(
                    format!("`{key}` is not a code of kommhub check"),
                    help,
                    Severity::Warning,
                ));
                continue;
            };
            if reason.trim().is_empty() {
                problems.push(problem(
                    format!("`{code}` is allowed without a reason"),
                    format!("say why the finding is right for this page: `{code}: \"…\"`"),
                    Severity::Error,
                ));
            } else if !used.contains(&(path.to_path_buf(), code)) {
                problems.push(problem(
                    format!("`{code}` is allowed but this page has no such finding"),
                    "remove the entry, so a new fault of this kind is not hidden".to_string(),
                    Severity::Warning,
                ));
            }
        }
    }
    problems
}
