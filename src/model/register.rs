//! The standards register: which versions each joint standard has, which
//! one is in force, and what replaces what.
//!
//! Part of the model stage and pure like it. It works in two steps:
//! [`screen`] looks at the standard files before any URL is made (ids and
//! versions well-formed, one file per id, version and language, one folder
//! per standard, status and dates in agreement, `supersedes` naming a known
//! id) and drops the files that could not have a place, so one fault is
//! reported once and at its line; [`assemble`] then builds the
//! [`Register`] from the published pages. The register is read-only
//! afterwards; rendering it (pages, filters, exports, feed) is
//! `render::register`'s job.
//!
//! URLs: a standard's folder gets its id's slug as URL segment
//! ([`folder_slugs`]), so `content/standards/ozg/1.1.md` with
//! `id: HUB-STD-0002` lives at `/standards/hub-std-0002/1.1/` forever, and
//! `/standards/hub-std-0002/` always shows the current version.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use super::{Page, PageId, UrlPath};
use crate::config::{Lang, SiteConfig};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::parse::front_matter::{Standard, Status};
use crate::parse::{Document, Kind, TranslationKey};
use crate::slug::slugify;
use crate::source::AssetFile;
use crate::source::fingerprint::Fingerprint;

/// The id a standard keeps through all its versions: `HUB-STD-0007`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StandardId(String);

impl StandardId {
    /// Letters, digits and `-`, `_`, `.`, starting with a letter or digit.
    pub fn parse(text: &str) -> Result<StandardId, String> {
        let text = text.trim();
        let valid = text.starts_with(|c: char| c.is_ascii_alphanumeric())
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if valid {
            Ok(StandardId(text.to_string()))
        } else {
            Err(format!("`{text}` is not a standard id"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL segment of the standard: `HUB-STD-0007` → `hub-std-0007`.
    pub fn slug(&self) -> String {
        slugify(&self.0)
    }
}

impl fmt::Display for StandardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A version number such as `1.10`, ordered by its numbers: 1.2 < 1.9 <
/// 1.10 < 2.0. Trailing zeros do not count (`2` and `2.0` are the same
/// number), but the text is kept as written for URLs and display.
#[derive(Debug, Clone)]
pub struct Version {
    text: String,
    numbers: Vec<u64>,
}

impl Version {
    /// Numbers separated by dots: `1`, `1.0`, `2.10.1`.
    pub fn parse(text: &str) -> Result<Version, String> {
        let text = text.trim();
        let numbers: Option<Vec<u64>> = text
            .split('.')
            .map(|part| {
                (!part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
                    .then(|| part.parse().ok())
                    .flatten()
            })
            .collect();
        match numbers {
            Some(numbers) if !text.is_empty() => Ok(Version {
                text: text.to_string(),
                numbers,
            }),
            _ => Err(format!("`{text}` is not a version number")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The numbers without trailing zeros: what identifies the version.
    pub fn significant(&self) -> &[u64] {
        let keep = self
            .numbers
            .iter()
            .rposition(|n| *n != 0)
            .map_or(0, |last| last + 1);
        &self.numbers[..keep]
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.significant()
            .cmp(other.significant())
            .then_with(|| self.text.cmp(&other.text))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// One version of a standard, in every language it is written in.
#[derive(Debug, Clone)]
pub struct StandardVersion {
    pub version: Version,
    pub status: Status,
    /// This version's page per language.
    pub pages: BTreeMap<Lang, PageId>,
    /// The page whose facts count where translations could differ: the
    /// default language's, else the first language's.
    pub primary: PageId,
}

/// A standard: its id and every version.
#[derive(Debug, Clone)]
pub struct RegisteredStandard {
    pub id: StandardId,
    /// Folder below `content/` that holds its files.
    pub folder: String,
    /// Every version, oldest first in numeric order.
    pub versions: Vec<StandardVersion>,
    /// Index in `versions` of the current version ([`current_of`]).
    pub current: usize,
    /// Site-relative URL of the standard per language in which any of its
    /// versions is written: `/standards/hub-std-0002/`. It never changes
    /// and shows the current version ([`RegisteredStandard::shown_in`]).
    pub urls: BTreeMap<Lang, UrlPath>,
    /// Ids this standard replaces, as its versions name them.
    pub supersedes: Vec<StandardId>,
    /// Ids of the standards that name this one in `supersedes` (derived,
    /// never written).
    pub superseded_by: Vec<StandardId>,
}

impl RegisteredStandard {
    pub fn current_version(&self) -> &StandardVersion {
        &self.versions[self.current]
    }

    /// The version the standard's address in `lang` shows, and its page:
    /// the current version, or, where that is not translated into `lang`,
    /// the newest version that is (its page then says which is current).
    pub fn shown_in(&self, lang: &Lang) -> Option<(usize, PageId)> {
        let current = self.current_version();
        match current.pages.get(lang) {
            Some(page) => Some((self.current, *page)),
            None => self
                .versions
                .iter()
                .enumerate()
                .rev()
                .find_map(|(index, v)| v.pages.get(lang).map(|page| (index, *page))),
        }
    }
}

/// Every standard of the site, ordered by id. Render reads it through
/// its methods, which record the read ([`crate::reads`]); code that walks
/// `standards` while rendering records it itself.
#[derive(Debug, Clone, Default)]
pub struct Register {
    pub standards: Vec<RegisteredStandard>,
    /// Page → (index in `standards`, index in its `versions`).
    by_page: HashMap<PageId, (usize, usize)>,
    by_id: HashMap<StandardId, usize>,
    /// Size and checksum of each download, by (folder, file name).
    downloads: HashMap<(String, String), Fingerprint>,
}

impl Register {
    pub fn is_empty(&self) -> bool {
        crate::reads::record(crate::reads::Read::Register);
        self.standards.is_empty()
    }

    pub fn get(&self, id: &StandardId) -> Option<&RegisteredStandard> {
        crate::reads::record(crate::reads::Read::Standard(id.as_str().to_string()));
        self.by_id.get(id).map(|index| &self.standards[*index])
    }

    /// The standard and the index of the version that `page` shows.
    pub fn locate(&self, page: PageId) -> Option<(&RegisteredStandard, usize)> {
        let (standard, version) = self.by_page.get(&page)?;
        let standard = &self.standards[*standard];
        crate::reads::record(crate::reads::Read::Standard(
            standard.id.as_str().to_string(),
        ));
        Some((standard, *version))
    }

    /// Size and checksum of the file `name` in a standard's `folder`.
    /// Not recorded: a standard's downloads belong to its
    /// [`crate::reads::Read::Standard`], read before them.
    pub fn download(&self, folder: &str, name: &str) -> Option<&Fingerprint> {
        self.downloads.get(&(folder.to_string(), name.to_string()))
    }
}

/// The current version among versions in numeric order: the highest
/// adopted one, else the highest one. `None` only when there is none.
pub fn current_of(statuses: &[Status]) -> Option<usize> {
    statuses
        .iter()
        .rposition(|status| *status == Status::Adopted)
        .or_else(|| statuses.len().checked_sub(1))
}

/// The date key a status needs, and why.
fn required_date(status: Status) -> Option<(&'static str, &'static str)> {
    match status {
        Status::Draft => None,
        Status::Consultation => Some((
            "comments_until",
            "the last day comments are accepted, e.g. `comments_until: 2025-09-30`",
        )),
        Status::Adopted => Some((
            "adopted",
            "the day the standard was adopted, e.g. `adopted: 2025-11-25`",
        )),
        Status::Superseded => Some((
            "adopted",
            "the day this version was adopted (it was in force before it was replaced), e.g. `adopted: 2025-11-25`",
        )),
        Status::Withdrawn => Some((
            "withdrawn",
            "the day the standard was withdrawn, e.g. `withdrawn: 2026-04-30`",
        )),
    }
}

/// The id and version of a standard's file, or the one problem that
/// keeps it out of the register (reported at its line).
pub fn identify(doc: &Document, standard: &Standard) -> Result<(StandardId, Version), Diagnostic> {
    if !crate::source::role::is_standard_folder(&doc.folder) {
        return Err(doc.problem_at(
            "id",
            Code::StandardFolder,
            "a standard's files must lie in a folder of their own directly below content/standards/".into(),
            format!(
                "move this file to content/standards/<name>/, e.g. content/standards/{}/",
                slugify(&standard.id)
            ),
        ));
    }
    let id = StandardId::parse(&standard.id).map_err(|message| {
        doc.problem_at(
            "id",
            Code::StandardBadId,
            message,
            "write the id with letters, digits and hyphens, e.g. `id: HUB-STD-0007`".into(),
        )
    })?;
    let version = Version::parse(&standard.version.0).map_err(|message| {
        doc.problem_at(
            "version",
            Code::StandardBadVersion,
            message,
            "write numbers separated by dots in quotes, e.g. `version: \"1.10\"`".into(),
        )
    })?;
    Ok((id, version))
}

/// The URL segment of each standard's folder is its id's slug, in every
/// language: `((folder, lang), slug)`. The first file of a folder decides.
pub fn folder_slugs(
    config: &SiteConfig,
    docs: &[std::sync::Arc<Document>],
) -> Vec<((String, Lang), String)> {
    let mut seen: HashSet<&str> = HashSet::default();
    let mut slugs = Vec::new();
    for doc in docs {
        let Kind::Standard(standard) = &doc.kind else {
            continue;
        };
        let Ok((id, _)) = identify(doc, standard) else {
            continue;
        };
        if seen.insert(doc.folder.as_str()) {
            for language in &config.languages {
                slugs.push(((doc.folder.clone(), language.code.clone()), id.slug()));
            }
        }
    }
    slugs
}

/// One standard file seen by [`screen`].
struct Entry<'a> {
    doc: &'a Document,
    standard: &'a Standard,
    id: StandardId,
    version: Version,
}

/// Checks every standard file against the others, before URLs are made.
/// Files that cannot have a place (a malformed id or version, a second file
/// for the same id, version and language) are removed from `docs`.
pub fn screen(docs: &mut Vec<std::sync::Arc<Document>>, config: &SiteConfig) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut rejected: HashSet<PathBuf> = HashSet::default();
    let mut entries: Vec<Entry> = Vec::new();
    for doc in docs.iter() {
        let Kind::Standard(standard) = &doc.kind else {
            continue;
        };
        match identify(doc, standard) {
            Ok((id, version)) => {
                problems.extend(status_problems(doc, standard));
                entries.push(Entry {
                    doc,
                    standard,
                    id,
                    version,
                });
            }
            Err(problem) => {
                problems.push(problem);
                rejected.insert(doc.path.clone());
            }
        }
    }
    entries.sort_by(|a, b| a.doc.path.cmp(&b.doc.path));
    problems.extend(duplicates(&entries, &mut rejected));
    problems.extend(folder_problems(&entries));
    problems.extend(supersedes_problems(&entries));
    problems.extend(translation_problems(&entries, config));
    docs.retain(|doc| !rejected.contains(&doc.path));
    problems
}

/// A status without the date it needs, or a date the status contradicts.
fn status_problems(doc: &Document, standard: &Standard) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let status = standard.status;
    if let Some((key, what)) = required_date(status) {
        let present = match key {
            "adopted" => standard.adopted.is_some(),
            "withdrawn" => standard.withdrawn.is_some(),
            _ => standard.comments_until.is_some(),
        };
        if !present {
            problems.push(doc.problem_at(
                "status",
                Code::StandardMissingDate,
                format!("the status `{}` needs the date `{key}:`", status.key()),
                format!("add `{key}:` with {what}"),
            ));
        }
    }
    if standard.adopted.is_some() && matches!(status, Status::Draft | Status::Consultation) {
        problems.push(doc.problem_at(
            "adopted",
            Code::StandardDateContradictsStatus,
            format!(
                "a version in status `{}` cannot have been adopted",
                status.key()
            ),
            "remove `adopted:`, or set `status: adopted` if the version was adopted".into(),
        ));
    }
    if standard.withdrawn.is_some() && status != Status::Withdrawn {
        problems.push(doc.problem_at(
            "withdrawn",
            Code::StandardDateContradictsStatus,
            format!("a version in status `{}` is not withdrawn", status.key()),
            "remove `withdrawn:`, or set `status: withdrawn`".into(),
        ));
    }
    if let (Some(adopted), Some(withdrawn)) = (&standard.adopted, &standard.withdrawn) {
        if withdrawn.instant < adopted.instant {
            problems.push(doc.problem_at(
                "withdrawn",
                Code::StandardDateOrder,
                format!(
                    "the standard is withdrawn ({withdrawn}) before it was adopted ({adopted})"
                ),
                "check both dates".into(),
            ));
        }
    }
    problems
}

/// A second file for the same id, version and language.
fn duplicates(entries: &[Entry], rejected: &mut HashSet<PathBuf>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut first: HashMap<(&StandardId, &[u64], &Lang), &Entry> = HashMap::default();
    for entry in entries {
        let key = (&entry.id, entry.version.significant(), &entry.doc.name.lang);
        match first.get(&key) {
            Some(earlier) => {
                problems.push(entry.doc.problem_at(
                    "version",
                    Code::StandardDuplicateVersion,
                    format!(
                        "{} version {} is already in {}",
                        entry.id,
                        entry.version,
                        earlier.doc.path.display()
                    ),
                    "give this file the next version number, or remove one of the two files".into(),
                ));
                rejected.insert(entry.doc.path.clone());
            }
            None => {
                first.insert(key, entry);
            }
        }
    }
    problems
}

/// Versions of one id in several folders; several ids in one folder.
fn folder_problems(entries: &[Entry]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut folder_of: HashMap<&StandardId, &Entry> = HashMap::default();
    let mut id_of: HashMap<&str, &Entry> = HashMap::default();
    for entry in entries {
        let folder = entry.doc.folder.as_str();
        match folder_of.get(&entry.id) {
            Some(first) if first.doc.folder != folder => {
                problems.push(entry.doc.problem_at(
                    "id",
                    Code::StandardSplitFolders,
                    format!(
                        "{} already has versions in content/{}/ ({})",
                        entry.id,
                        first.doc.folder,
                        first.doc.path.display()
                    ),
                    format!(
                        "keep every version of a standard in one folder: move this file to content/{}/",
                        first.doc.folder
                    ),
                ));
                continue;
            }
            Some(_) => {}
            None => {
                folder_of.insert(&entry.id, entry);
            }
        }
        match id_of.get(folder) {
            Some(first) if first.id != entry.id => problems.push(entry.doc.problem_at(
                "id",
                Code::StandardMixedFolder,
                format!(
                    "this folder holds {} ({}), not {}",
                    first.id,
                    first.doc.path.display(),
                    entry.id
                ),
                "give each standard a folder of its own below content/standards/".into(),
            )),
            Some(_) => {}
            None => {
                id_of.insert(folder, entry);
            }
        }
    }
    problems
}

/// `supersedes` must name another standard of the register.
fn supersedes_problems(entries: &[Entry]) -> Vec<Diagnostic> {
    let known: BTreeSet<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    let known_list: Vec<String> = known.iter().map(|id| id.to_string()).collect();
    let mut problems = Vec::new();
    for entry in entries {
        let Some(named) = &entry.standard.supersedes else {
            continue;
        };
        let named = named.trim();
        if named == entry.id.as_str() {
            problems.push(entry.doc.problem_at(
                "supersedes",
                Code::StandardSupersedesItself,
                format!("{named} cannot supersede itself"),
                "a new version replaces the old one by its higher number; `supersedes` names another standard".into(),
            ));
        } else if !known.contains(named) {
            let help = match crate::yaml::nearest(named, &known_list) {
                Some(best) => format!("did you mean `{best}`?"),
                None if known_list.is_empty() => {
                    "remove `supersedes:`; the register has no other standard".into()
                }
                None => format!(
                    "name one of the standards in the register: {}",
                    known_list.join(", ")
                ),
            };
            problems.push(entry.doc.problem_at(
                "supersedes",
                Code::StandardUnknownSupersedes,
                format!("`supersedes: {named}` names no standard in the register"),
                help,
            ));
        }
    }
    problems
}

/// Translations of one version must agree on its facts: id, version,
/// status and dates are the same in every language.
fn translation_problems(entries: &[Entry], config: &SiteConfig) -> Vec<Diagnostic> {
    let mut groups: BTreeMap<&TranslationKey, Vec<&Entry>> = BTreeMap::new();
    for entry in entries {
        groups
            .entry(&entry.doc.translation_key)
            .or_default()
            .push(entry);
    }
    let default = config.default_language();
    let mut problems = Vec::new();
    for group in groups.values() {
        let Some(reference) = group
            .iter()
            .find(|e| e.doc.name.lang == *default)
            .or(group.first())
        else {
            continue;
        };
        for entry in group.iter().filter(|e| e.doc.path != reference.doc.path) {
            let (a, b) = (entry.standard, reference.standard);
            let differences = [
                ("id", entry.id.as_str() != reference.id.as_str()),
                (
                    "version",
                    entry.version.as_str() != reference.version.as_str(),
                ),
                ("status", a.status != b.status),
                ("adopted", a.adopted != b.adopted),
                ("effective", a.effective != b.effective),
                ("withdrawn", a.withdrawn != b.withdrawn),
                ("supersedes", a.supersedes != b.supersedes),
            ];
            for (key, _) in differences.iter().filter(|(_, differs)| *differs) {
                problems.push(entry.doc.problem_at(
                    key,
                    Code::StandardTranslationDiffers,
                    format!(
                        "`{key}` differs from {}, of which this file is a translation",
                        reference.doc.path.display()
                    ),
                    format!("`{key}` is a fact of the version, the same in every language: copy it from there"),
                ));
            }
        }
    }
    problems
}

/// Builds the register from the published pages (after [`screen`]).
pub fn assemble(
    pages: &[Page],
    config: &SiteConfig,
    assets: &[AssetFile],
) -> (Register, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut register = Register::default();
    for (id, versions) in versions_by_id(pages) {
        let versions: Vec<StandardVersion> = versions
            .into_iter()
            .map(|(version, ids)| standard_version(version, &ids, pages, config))
            .collect();
        if let Some(standard) = registered(id, versions, pages) {
            register.standards.push(standard);
        }
    }
    link_supersessions(&mut register);
    for (index, standard) in register.standards.iter().enumerate() {
        register.by_id.insert(standard.id.clone(), index);
        for (version_index, version) in standard.versions.iter().enumerate() {
            for page in version.pages.values() {
                register.by_page.insert(*page, (index, version_index));
            }
        }
    }
    problems.extend(url_conflicts(&register, pages));
    problems.extend(older_adopted_versions(&register, pages));
    register.downloads = downloads(&register, pages, assets, &mut problems);
    (register, problems)
}

/// The pages of every standard file with a readable id and version, by
/// id and version.
fn versions_by_id(pages: &[Page]) -> BTreeMap<StandardId, BTreeMap<Version, Vec<PageId>>> {
    let mut by_id: BTreeMap<StandardId, BTreeMap<Version, Vec<PageId>>> = BTreeMap::new();
    for page in pages {
        let Kind::Standard(standard) = &page.doc.kind else {
            continue;
        };
        let Ok((id, version)) = identify(&page.doc, standard) else {
            continue;
        };
        let versions = by_id.entry(id).or_default();
        // `2` and `2.0` are one version; [`screen`] reported the second.
        let key = versions
            .keys()
            .find(|v| v.significant() == version.significant())
            .cloned()
            .unwrap_or(version);
        versions.entry(key).or_default().push(page.id);
    }
    by_id
}

/// One standard with its versions, current version, addresses and the
/// ids it supersedes; `None` when it has no version to show.
fn registered(
    id: StandardId,
    versions: Vec<StandardVersion>,
    pages: &[Page],
) -> Option<RegisteredStandard> {
    let statuses: Vec<Status> = versions.iter().map(|v| v.status).collect();
    let current = current_of(&statuses)?;
    let folder = pages[versions[current].primary.0].doc.folder.clone();
    let urls = versions
        .iter()
        .flat_map(|v| &v.pages)
        .map(|(lang, page)| (lang.clone(), pages[page.0].url.parent()))
        .collect();
    let mut supersedes: Vec<StandardId> = versions
        .iter()
        .flat_map(|v| v.pages.values())
        .filter_map(|page| match &pages[page.0].doc.kind {
            Kind::Standard(s) => s.supersedes.as_deref(),
            _ => None,
        })
        .filter_map(|named| StandardId::parse(named).ok())
        .filter(|named| *named != id)
        .collect();
    supersedes.sort();
    supersedes.dedup();
    Some(RegisteredStandard {
        id,
        folder,
        versions,
        current,
        urls,
        supersedes,
        superseded_by: Vec::new(),
    })
}

/// One version of a standard: its pages per language, the primary one
/// (default language first) and its status.
fn standard_version(
    version: Version,
    ids: &[PageId],
    pages: &[Page],
    config: &SiteConfig,
) -> StandardVersion {
    let pages_by_lang: BTreeMap<Lang, PageId> = ids
        .iter()
        .map(|id| (pages[id.0].lang.clone(), *id))
        .collect();
    let primary = config
        .languages
        .iter()
        .find_map(|l| pages_by_lang.get(&l.code))
        .or(ids.first())
        .copied()
        .unwrap_or(PageId(0));
    let status = match &pages[primary.0].doc.kind {
        Kind::Standard(s) => s.status,
        _ => Status::Draft,
    };
    StandardVersion {
        version,
        status,
        pages: pages_by_lang,
        primary,
    }
}

/// Derives `superseded_by` from every `supersedes`.
fn link_supersessions(register: &mut Register) {
    let mut by: BTreeMap<StandardId, Vec<StandardId>> = BTreeMap::new();
    for standard in &register.standards {
        for named in &standard.supersedes {
            by.entry(named.clone())
                .or_default()
                .push(standard.id.clone());
        }
    }
    for standard in &mut register.standards {
        if let Some(successors) = by.remove(&standard.id) {
            standard.superseded_by = successors;
        }
    }
}

/// The standard's own address must not be taken by another page (an
/// `_index.md` in its folder, a page with that slug).
fn url_conflicts(register: &Register, pages: &[Page]) -> Vec<Diagnostic> {
    let taken: HashMap<&str, &Page> = pages.iter().map(|p| (p.url.as_str(), p)).collect();
    let mut problems = Vec::new();
    for standard in &register.standards {
        for url in standard.urls.values() {
            if let Some(page) = taken.get(url.as_str()) {
                problems.push(Diagnostic::error(
                    Code::StandardUrlConflict,
                    &page.doc.path,
                    format!(
                        "this page has the address {url}, where {} shows its current version",
                        standard.id
                    ),
                    "give this page another `slug:`, or move it out of the standard's folder",
                ));
            }
        }
    }
    problems
}

/// Only one version of a standard can be in force: an older version still
/// marked `adopted` below a newer adopted one is most likely an oversight.
fn older_adopted_versions(register: &Register, pages: &[Page]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for standard in &register.standards {
        let current = standard.current_version();
        if current.status != Status::Adopted {
            continue;
        }
        for version in &standard.versions[..standard.current] {
            if version.status != Status::Adopted {
                continue;
            }
            let doc = &pages[version.primary.0].doc;
            let mut problem = doc.problem_at(
                "status",
                Code::StandardOlderStillAdopted,
                format!(
                    "version {} is still `adopted`, but version {} is adopted and in force",
                    version.version, current.version
                ),
                "set `status: superseded` on the older version".into(),
            );
            problem.severity = Severity::Warning;
            problems.push(problem);
        }
    }
    problems
}

/// The fingerprint of every file named in `downloads`; a name that is not
/// a file in the standard's folder is an error at `downloads:`.
fn downloads(
    register: &Register,
    pages: &[Page],
    assets: &[AssetFile],
    problems: &mut Vec<Diagnostic>,
) -> HashMap<(String, String), Fingerprint> {
    let available: HashMap<(&str, &str), &AssetFile> = assets
        .iter()
        .map(|a| ((a.folder.as_str(), a.relative.as_str()), a))
        .collect();
    let mut found = HashMap::default();
    for standard in &register.standards {
        for version in &standard.versions {
            for page in version.pages.values() {
                let doc = &pages[page.0].doc;
                let Kind::Standard(s) = &doc.kind else {
                    continue;
                };
                for name in &s.downloads {
                    let name = name.trim().trim_start_matches("./");
                    match available
                        .get(&(doc.folder.as_str(), name))
                        .and_then(|a| a.fingerprint.as_ref())
                    {
                        Some(fingerprint) => {
                            found.insert(
                                (doc.folder.clone(), name.to_string()),
                                fingerprint.clone(),
                            );
                        }
                        None => problems.push(doc.problem_at(
                            "downloads",
                            Code::StandardDownloadMissing,
                            format!("the download `{name}` is not a file in content/{}/", doc.folder),
                            "put the file next to this one, or correct its name under `downloads:`".into(),
                        )),
                    }
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn versions_are_ordered_by_their_numbers() {
        let mut versions = [v("2.0"), v("1.10"), v("1.2"), v("1.9"), v("1")];
        versions.sort();
        let texts: Vec<&str> = versions.iter().map(Version::as_str).collect();
        assert_eq!(texts, ["1", "1.2", "1.9", "1.10", "2.0"]);
        assert!(v("1.2") < v("1.10") && v("1.10") < v("2.0"));
    }

    #[test]
    fn trailing_zeros_name_the_same_version_but_text_is_kept() {
        assert_eq!(v("2").significant(), v("2.0").significant());
        assert_ne!(v("2"), v("2.0"));
        assert_eq!(v("2.0").as_str(), "2.0");
        assert_eq!(v("0").significant(), &[] as &[u64]);
    }

    #[test]
    fn malformed_versions_are_refused() {
        for bad in [
            "",
            "1.",
            ".1",
            "1..2",
            "v1",
            "1.0-rc",
            "1,0",
            "99999999999999999999",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ids_are_checked_and_slugged() {
        let id = StandardId::parse("HUB-STD-0007").unwrap();
        assert_eq!(id.slug(), "hub-std-0007");
        for bad in ["", "-X", "HUB STD", "HUB/STD", "../x"] {
            assert!(StandardId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn current_is_the_highest_adopted_else_the_highest() {
        use Status::*;
        assert_eq!(current_of(&[Superseded, Adopted, Consultation]), Some(1));
        assert_eq!(current_of(&[Adopted, Adopted, Draft]), Some(1));
        assert_eq!(current_of(&[Draft, Consultation]), Some(1));
        assert_eq!(current_of(&[Withdrawn]), Some(0));
        assert_eq!(current_of(&[]), None);
    }
}
