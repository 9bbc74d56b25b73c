//! The pages a German public body must have, and how they are reached.
//!
//! Impressum (§ 5 DDG, § 18 MStV), Datenschutzerklärung (Art. 13 GDPR) and
//! the Erklärung zur Barrierefreiheit (§ 12b BGG NRW, BITV NRW) must exist
//! in every language and be linked from every page; the statement must have
//! been reviewed in the last 365 days. Information in Leichte Sprache and
//! Deutsche Gebärdensprache (BITV NRW) must exist and be linked from the
//! home page. Legal pages must not cite the TMG or TTDSG, which the DDG
//! and TDDDG replaced on 14 May 2024, and the site must be served over
//! https. Pages are found by their `role:`, not their slug.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use super::links::link_targets;
use super::locate::{Lines, Location, Templates, word_offsets};
use super::{Finding, HtmlPage, SiteIndex};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Page, Site};
use crate::parse::Kind;
use crate::parse::front_matter::Role;
use crate::site_path::SitePath;

/// Laws replaced in 2024, what replaced them, and how to cite it.
const REPLACED_LAWS: &[(&str, &str)] = &[
    (
        "TMG",
        "cite the Digitale-Dienste-Gesetz instead, e.g. § 5 DDG for § 5 TMG",
    ),
    (
        "Telemediengesetz",
        "cite the Digitale-Dienste-Gesetz (DDG) instead",
    ),
    (
        "Telemedia Act",
        "cite the Digital Services Act (Digitale-Dienste-Gesetz, DDG) instead",
    ),
    (
        "TTDSG",
        "cite the TDDDG instead, e.g. § 25 TDDDG for § 25 TTDSG",
    ),
    (
        "Telekommunikation-Telemedien-Datenschutz-Gesetz",
        "cite the Telekommunikation-Digitale-Dienste-Datenschutz-Gesetz (TDDDG) instead",
    ),
];

/// How long an accessibility statement may go without review.
const REVIEW_DAYS: i64 = 365;

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Impressum => "Impressum",
        Role::Privacy => "Datenschutzerklärung (privacy policy)",
        Role::Accessibility => "Erklärung zur Barrierefreiheit (accessibility statement)",
        Role::EasyLanguage => "page in Leichte Sprache",
        Role::SignLanguage => "page in Deutsche Gebärdensprache",
    }
}

fn role_key(role: Role) -> &'static str {
    match role {
        Role::Impressum => "impressum",
        Role::Privacy => "privacy",
        Role::Accessibility => "accessibility",
        Role::EasyLanguage => "easy-language",
        Role::SignLanguage => "sign-language",
    }
}

fn role_of(page: &Page) -> Option<Role> {
    match &page.doc.kind {
        Kind::Plain(plain) => plain.role,
        _ => None,
    }
}

pub(crate) fn check(
    site: &Site,
    pages: &[HtmlPage],
    index: &SiteIndex,
    templates: &Templates,
    sources: &HashMap<PathBuf, String>,
    config_text: &str,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(https(site, config_text));
    let mut by_role: BTreeMap<Role, Vec<&Page>> = BTreeMap::new();
    for page in &site.pages {
        if let Some(role) = role_of(page) {
            by_role.entry(role).or_default().push(page);
        }
    }
    findings.extend(missing_pages(site, &by_role));
    findings.extend(not_linked(site, pages, index, templates, &by_role));
    findings.extend(reviews(site, &by_role));
    findings.extend(outdated_laws(&by_role, sources));
    findings
}

fn https(site: &Site, config_text: &str) -> Option<Finding> {
    let base_url = &site.config.base_url;
    if base_url.to_ascii_lowercase().starts_with("https://") {
        return None;
    }
    let (line, column) = crate::yaml::position_of_key(config_text, "base_url");
    Some(Finding::in_file(
        Diagnostic::error(
            Code::LegalHttps,
            crate::config::FILE_NAME,
            format!("`base_url: {base_url}` is not an https address"),
            "serve the site over https and write `base_url: \"https://…\"`: readers' requests must be encrypted (Art. 32 GDPR)",
        )
        .at(line, column),
    ))
}

fn missing_pages(site: &Site, by_role: &BTreeMap<Role, Vec<&Page>>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let default = site.config.default_language();
    for role in [
        Role::Impressum,
        Role::Privacy,
        Role::Accessibility,
        Role::EasyLanguage,
        Role::SignLanguage,
    ] {
        let present = by_role.get(&role).map(Vec::as_slice).unwrap_or_default();
        let Some(first) = present
            .iter()
            .find(|p| p.lang == *default)
            .or(present.first())
        else {
            findings.push(Finding {
                diagnostic: Diagnostic::error(
                    Code::LegalMissingPage,
                    crate::source::CONTENT_DIR,
                    format!("the site has no {}", role_label(role)),
                    format!(
                        "create the page below content/ and write `role: {}` in its front matter",
                        role_key(role)
                    ),
                ),
                page: None,
                seen_on: None,
            });
            continue;
        };
        // Leichte Sprache and Gebärdensprache are German by nature: one
        // page is enough. The legal pages must exist in every language.
        if matches!(role, Role::EasyLanguage | Role::SignLanguage) {
            continue;
        }
        for language in &site.config.languages {
            if present.iter().any(|p| p.lang == language.code) {
                continue;
            }
            let expected = translation_path(first, &language.code, default);
            findings.push(Finding::in_file(Diagnostic::error(
                Code::LegalMissingPage,
                &first.doc.path,
                format!(
                    "the {} has no {} version ({} is missing)",
                    role_label(role),
                    language.name,
                    expected.display()
                ),
                format!("translate it into {}", expected.display()),
            )));
        }
    }
    findings
}

/// The file a page's translation into `lang` would be.
pub(crate) fn translation_path(
    page: &Page,
    lang: &crate::config::Lang,
    default: &crate::config::Lang,
) -> PathBuf {
    let folder = page
        .doc
        .path
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let name = if lang == default {
        format!("{}.md", page.doc.name.base)
    } else {
        format!("{}.{lang}.md", page.doc.name.base)
    };
    folder.join(name)
}

/// The output paths of `pages`' HTML files.
fn output_paths(pages: &[&Page]) -> HashSet<String> {
    pages
        .iter()
        .filter_map(|p| SitePath::index_of_url(&p.url).ok())
        .map(|p| p.as_str().to_string())
        .collect()
}

/// The output paths of each of `roles` that some page has.
fn role_paths(
    by_role: &BTreeMap<Role, Vec<&Page>>,
    roles: &[Role],
) -> Vec<(Role, HashSet<String>)> {
    roles
        .iter()
        .filter_map(|role| Some((*role, output_paths(by_role.get(role)?))))
        .collect()
}

/// Every page must link the Impressum, the privacy policy and the
/// accessibility statement; the home page also Leichte Sprache and
/// Gebärdensprache.
fn not_linked(
    site: &Site,
    pages: &[HtmlPage],
    index: &SiteIndex,
    templates: &Templates,
    by_role: &BTreeMap<Role, Vec<&Page>>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let everywhere = role_paths(
        by_role,
        &[Role::Impressum, Role::Privacy, Role::Accessibility],
    );
    let from_home = role_paths(by_role, &[Role::EasyLanguage, Role::SignLanguage]);
    for page in pages {
        let targets = link_targets(page, index);
        for (role, paths) in &everywhere {
            if targets.is_disjoint(paths) {
                findings.push(not_linked_on_page(page, *role, templates));
            }
        }
        let Some(home) = page.page.filter(|p| p.is_home()) else {
            continue;
        };
        if SitePath::index_of_url(&home.url).ok().as_ref() != Some(page.path) {
            continue;
        }
        for (role, paths) in &from_home {
            if targets.is_disjoint(paths) {
                findings.push(not_linked_from_home(site, home, *role, templates, by_role));
            }
        }
    }
    findings
}

/// A page without a link to the page of `role`, placed at the footer of
/// its template (else the end of its body, else the template).
fn not_linked_on_page(page: &HtmlPage, role: Role, templates: &Templates) -> Finding {
    let location = templates
        .literal_in_chain(page.template, "</footer>")
        .or_else(|| templates.literal_in_chain(page.template, "</body>"))
        .unwrap_or_else(|| templates.whole(page.template));
    Finding {
        diagnostic: Diagnostic::error(
            Code::LegalNotLinked,
            &location.file,
            format!("the page does not link the {}", role_label(role)),
            format!(
                "link it from every page, e.g. in the footer: <a href=\"{{{{ site.roles.{}.url }}}}\">…</a>",
                role_key(role).replace('-', "_")
            ),
        )
        .at(location.line, location.column),
        page: page.page.map(|p| p.doc.path.clone()),
        seen_on: Some(page.url.clone()),
    }
}

/// A home page without a link to the page of `role`, on the home page's
/// file (or the home template when the home page has no file).
fn not_linked_from_home(
    site: &Site,
    home: &Page,
    role: Role,
    templates: &Templates,
    by_role: &BTreeMap<Role, Vec<&Page>>,
) -> Finding {
    let location = if home.synthetic {
        templates.whole("home.html")
    } else {
        Location::file(&home.doc.path)
    };
    let example = by_role
        .get(&role)
        .and_then(|p| p.first())
        .map(|p| p.doc.link_path.clone())
        .unwrap_or_default();
    Finding {
        diagnostic: Diagnostic::error(
            Code::LegalNotLinked,
            &location.file,
            format!(
                "the home page {} does not link the {}",
                site.href(&home.url),
                role_label(role)
            ),
            format!(
                "link it from the home page, e.g. [{}](@/{example}) in its text",
                site_title_of(role)
            ),
        ),
        page: Some(home.doc.path.clone()),
        seen_on: None,
    }
}

/// The link text the help line suggests for a page of `role`.
fn site_title_of(role: Role) -> &'static str {
    match role {
        Role::EasyLanguage => "Leichte Sprache",
        Role::SignLanguage => "Gebärdensprache",
        _ => "…",
    }
}

fn reviews(site: &Site, by_role: &BTreeMap<Role, Vec<&Page>>) -> Vec<Finding> {
    let today = site
        .publication
        .build_date
        .to_zoned_datetime(crate::parse::dates::berlin())
        .date();
    let mut findings = Vec::new();
    for page in by_role
        .get(&Role::Accessibility)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let Kind::Plain(plain) = &page.doc.kind else {
            continue;
        };
        let diagnostic = match &plain.reviewed {
            None => {
                let (line, column) = page.doc.position_of("title");
                Diagnostic::error(
                    Code::LegalStatementReview,
                    &page.doc.path,
                    "the accessibility statement has no `reviewed:` date".to_string(),
                    "review the statement against the site and write the date, e.g. `reviewed: 2026-11-20`",
                )
                .at(line, column)
            }
            Some(reviewed) => {
                let days = today.duration_since(reviewed.date).as_secs() / 86_400;
                if days <= REVIEW_DAYS {
                    continue;
                }
                let (line, column) = page.doc.position_of("reviewed");
                Diagnostic::error(
                    Code::LegalStatementReview,
                    &page.doc.path,
                    format!(
                        "the accessibility statement was last reviewed on {}, {days} days before the build date; it must be reviewed at least every {REVIEW_DAYS} days",
                        reviewed.date
                    ),
                    "check the statement against the site, update its barriers, and set `reviewed:` to the day of the review",
                )
                .at(line, column)
            }
        };
        findings.push(Finding::in_file(diagnostic));
    }
    findings
}

fn outdated_laws(
    by_role: &BTreeMap<Role, Vec<&Page>>,
    sources: &HashMap<PathBuf, String>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for role in [Role::Impressum, Role::Privacy, Role::Accessibility] {
        for page in by_role.get(&role).map(Vec::as_slice).unwrap_or_default() {
            let Some(text) = sources.get(&page.doc.path) else {
                continue;
            };
            let lines = Lines::new(text);
            for (law, help) in REPLACED_LAWS {
                for offset in word_offsets(text, law) {
                    let (line, column) = lines.position(text, offset);
                    findings.push(Finding::in_file(
                        Diagnostic::error(
                            Code::LegalOutdatedLaw,
                            &page.doc.path,
                            format!(
                                "the {} cites the {law}, which was replaced on 14 May 2024",
                                role_label(role)
                            ),
                            *help,
                        )
                        .at(line, column),
                    ));
                }
            }
        }
    }
    findings
}
