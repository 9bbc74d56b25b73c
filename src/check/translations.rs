//! Translations: which pages exist in which language.
//!
//! Files that differ only in their language suffix are translations of each
//! other (SPEC.md). For each section (the first folder below `content/`)
//! the report counts how many of its pages exist in each language; each
//! page missing in a language is a warning (an error with `--strict`) at the
//! file that does exist, naming the file to create. A page meant to stay in
//! one language says so with `check: { allow: { translation/missing: "…" } }`.
//!
//! A translation whose default-language page changed after it is
//! outdated (`translation/outdated`, a warning at the translation): in a
//! git repository by the last commit of each file, else by the pages'
//! `updated` (or `date`). The table counts those too.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Finding;
use crate::config::{Lang, Language};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Page, Site};
use crate::parse::{Kind, TranslationKey};

/// How many pages of a section exist in each language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionCoverage {
    /// First folder below `content/`; `""` for the pages at the top.
    pub section: String,
    /// Pages in any language (translations counted once).
    pub pages: usize,
    /// Language code → pages in that language, in the site's order.
    pub languages: Vec<LanguageCoverage>,
}

/// One language's count in a [`SectionCoverage`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguageCoverage {
    pub lang: String,
    pub pages: usize,
    /// Of those, translations older than their default-language page.
    pub outdated: usize,
}

/// Per section: pages in any language, and per language how many exist
/// and how many of those are outdated.
type Counts = BTreeMap<String, (usize, BTreeMap<String, (usize, usize)>)>;

/// Counts each section's pages per language and warns about every page
/// missing in a language and every translation older than its page in
/// the default language (by the files' last commits where the site is a
/// git repository, [`Page::committed`]).
pub(crate) fn check(site: &Site) -> (Vec<SectionCoverage>, Vec<Finding>) {
    let mut groups: BTreeMap<&TranslationKey, Vec<&Page>> = BTreeMap::new();
    for page in site.pages.iter().filter(|p| !p.synthetic) {
        groups
            .entry(&page.doc.translation_key)
            .or_default()
            .push(page);
    }
    // Legal pages missing in a language are `legal/missing-page` errors;
    // Leichte Sprache and Gebärdensprache are German by nature.
    let reported_elsewhere =
        |page: &Page| matches!(&page.doc.kind, Kind::Plain(plain) if plain.role.is_some());
    let default = site.config.default_language();
    let mut sections: Counts = BTreeMap::new();
    let mut findings = Vec::new();
    for versions in groups.values() {
        let Some(first) = versions
            .iter()
            .find(|p| p.lang == *default)
            .or(versions.first())
        else {
            continue;
        };
        let section = first.doc.folder.split('/').next().unwrap_or("").to_string();
        let warn = !versions.iter().any(|p| reported_elsewhere(p));
        let entry = sections.entry(section).or_default();
        entry.0 += 1;
        for language in &site.config.languages {
            match versions.iter().find(|p| p.lang == language.code) {
                Some(version) => {
                    let counts = entry.1.entry(language.code.to_string()).or_default();
                    counts.0 += 1;
                    let older = (first.lang == *default && version.lang != *default)
                        .then(|| outdated(first, version))
                        .flatten();
                    if let Some(finding) = older {
                        counts.1 += 1;
                        findings.push(finding);
                    }
                }
                None if warn => findings.push(missing(first, language, default)),
                None => {}
            }
        }
    }
    (coverage(site, sections), findings)
}

/// When each of two files last changed: by their last commits where both
/// have one (`by_commit`), else by their `updated` (or `date`) front matter.
fn changed(page: &Page, by_commit: bool) -> (Option<i64>, &'static str) {
    if let Some(committed) = page.committed.as_ref().filter(|_| by_commit) {
        return (Some(committed.instant.as_second()), "last commit");
    }
    let common = &page.doc.common;
    let date = common.updated.as_ref().or(common.date.as_ref());
    (date.map(|d| d.instant.as_second()), "`updated`")
}

/// The warning on `translation` when `original` changed after it.
fn outdated(original: &Page, translation: &Page) -> Option<Finding> {
    // One file committed and the other not: compare dates.
    let by_commit = original.committed.is_some() && translation.committed.is_some();
    let (original_time, how) = changed(original, by_commit);
    let (translation_time, _) = changed(translation, by_commit);
    let (original_time, translation_time) = (original_time?, translation_time?);
    if original_time <= translation_time {
        return None;
    }
    // Days, or minutes when both changed on the same day.
    let when = |seconds: i64, format: &str| {
        jiff::Timestamp::from_second(seconds)
            .map(|t| {
                t.to_zoned_datetime(crate::parse::dates::berlin())
                    .strftime(format)
                    .to_string()
            })
            .unwrap_or_default()
    };
    let same_day = when(original_time, "%F") == when(translation_time, "%F");
    let format = if same_day { "%F %H:%M" } else { "%F" };
    let day = |seconds: i64| when(seconds, format);
    Some(Finding::in_file(Diagnostic::warning(
        Code::TranslationOutdated,
        &translation.doc.path,
        format!(
            "{} changed after this translation ({how}: {} against {})",
            original.doc.path.display(),
            day(original_time),
            day(translation_time)
        ),
        format!(
            "bring this translation up to date with {} and commit it; if that change does not concern the translation, say so here with `check: {{ allow: {{ translation/outdated: \"…\" }} }}`",
            original.doc.path.display()
        ),
    )))
}

/// The warning on `first` that it has no version in `language`, naming
/// the file to create.
fn missing(first: &Page, language: &Language, default: &Lang) -> Finding {
    let expected = super::legal::translation_path(first, &language.code, default);
    Finding::in_file(Diagnostic::warning(
        Code::TranslationMissing,
        &first.doc.path,
        format!(
            "there is no {} version of this page ({} is missing)",
            language.name,
            expected.display()
        ),
        format!(
            "translate it into {}; until then the language switcher leads readers to the {} home page",
            expected.display(),
            language.name
        ),
    ))
}

/// The counts per section as the report shows them, every configured
/// language in the site's order.
fn coverage(site: &Site, sections: Counts) -> Vec<SectionCoverage> {
    sections
        .into_iter()
        .map(|(section, (pages, counts))| SectionCoverage {
            section,
            pages,
            languages: site
                .config
                .languages
                .iter()
                .map(|l| {
                    let (pages, outdated) = counts.get(l.code.as_str()).copied().unwrap_or((0, 0));
                    LanguageCoverage {
                        lang: l.code.to_string(),
                        pages,
                        outdated,
                    }
                })
                .collect(),
        })
        .collect()
}
