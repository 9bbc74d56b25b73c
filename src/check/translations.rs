//! Translations: which pages exist in which language.
//!
//! Files that differ only in their language suffix are translations of each
//! other (SPEC.md). For each section (the first folder below `content/`)
//! the report counts how many of its pages exist in each language; each
//! page missing in a language is a warning (an error with `--strict`) at the
//! file that does exist, naming the file to create. A page meant to stay in
//! one language says so with `check: { allow: { translation/missing: "…" } }`.

use std::collections::{BTreeMap, BTreeSet};

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
}

/// Counts each section's pages per language and warns about every page
/// missing in a language.
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
    let mut sections: BTreeMap<String, (usize, BTreeMap<String, usize>)> = BTreeMap::new();
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
        let present: BTreeSet<&str> = versions.iter().map(|p| p.lang.as_str()).collect();
        for language in &site.config.languages {
            if present.contains(language.code.as_str()) {
                *entry.1.entry(language.code.to_string()).or_default() += 1;
            } else if warn {
                findings.push(missing(first, language, default));
            }
        }
    }
    (coverage(site, sections), findings)
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
fn coverage(
    site: &Site,
    sections: BTreeMap<String, (usize, BTreeMap<String, usize>)>,
) -> Vec<SectionCoverage> {
    sections
        .into_iter()
        .map(|(section, (pages, counts))| SectionCoverage {
            section,
            pages,
            languages: site
                .config
                .languages
                .iter()
                .map(|l| LanguageCoverage {
                    lang: l.code.to_string(),
                    pages: counts.get(l.code.as_str()).copied().unwrap_or(0),
                })
                .collect(),
        })
        .collect()
}
