//! The standards register as readers see it.
//!
//! Part of the render stage and pure like it. From the model's
//! [`Register`](crate::model::register::Register) this module fills what
//! templates get (the views themselves are declared in
//! [`crate::render::views`], the template API): `page.standard` on a
//! standard's page ([`StandardView`]: header facts, version history, the
//! diff to the previous version, supersessions, downloads) and
//! `page.register` on the register page ([`RegisterView`]: the table and
//! its filters). Submodules: `pages`
//! renders the pages that have no file of their own (each standard's
//! current version at the standard's permanent address, one page per filter
//! value so that filtering works without JavaScript), `exports` writes
//! `standards.json`, `standards.csv` and the Atom feed of register changes,
//! and `diff` compares two versions word by word.
//!
//! Languages: a standard not written in the reader's language is listed
//! and linked in the default language, marked with `lang`/`hreflang`.

mod calendar;
mod diff;
mod exports;
mod pages;

use std::collections::BTreeMap;

pub use calendar::calendars;
pub use exports::{exports, feed_links, feeds};
pub use pages::{render_current, render_filter_pages};

use crate::config::Lang;
use crate::model::register::{RegisteredStandard, StandardVersion};
use crate::model::{Page, Site};
use crate::parse::Kind;
use crate::parse::front_matter::{Standard, Status};
use crate::render::body::Bodies;
use crate::render::views::{
    ActiveFilter, DownloadView, FilterGroup, FilterLink, FilterValue, HistoryRow, RegisterRow,
    RegisterView, StandardLink, StandardView, VersionLink,
};
use crate::slug::slugify;
use crate::source::FileRole;

/// A way to narrow the register.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Filter {
    Status(Status),
    Association(String),
    /// By the topic's slug.
    Topic(String),
}

impl Filter {
    fn group(&self) -> &'static str {
        match self {
            Filter::Status(_) => "status",
            Filter::Association(_) => "association",
            Filter::Topic(_) => "topic",
        }
    }

    fn key(&self) -> String {
        match self {
            Filter::Status(status) => status.key().to_string(),
            Filter::Association(key) | Filter::Topic(key) => key.clone(),
        }
    }

    /// `/standards/status/verabschiedet/`, `/en/standards/topic/ozg/`.
    fn url(&self, register_url: &str, lang: &Lang) -> String {
        let german = lang.as_str() == "de";
        let (word, value) = match self {
            Filter::Status(status) => ("status", status_slug(*status, german).to_string()),
            Filter::Association(key) => {
                (if german { "verband" } else { "association" }, slugify(key))
            }
            Filter::Topic(slug) => (if german { "thema" } else { "topic" }, slug.clone()),
        };
        format!("{register_url}{word}/{value}/")
    }

    fn matches(&self, row: &RegisterRow) -> bool {
        match self {
            Filter::Status(status) => row.statuses.contains(status),
            Filter::Association(key) => row.associations.iter().any(|a| a.key == *key),
            Filter::Topic(slug) => row.topics.iter().any(|t| t.key == *slug),
        }
    }
}

/// URL segment of a status's filter page.
fn status_slug(status: Status, german: bool) -> &'static str {
    match (status, german) {
        (Status::Draft, true) => "entwurf",
        (Status::Consultation, true) => "in-kommentierung",
        (Status::Adopted, true) => "verabschiedet",
        (Status::Superseded, true) => "ersetzt",
        (Status::Withdrawn, true) => "zurueckgezogen",
        (status, false) => status.key(),
    }
}

fn standard_of(page: &Page) -> Option<&Standard> {
    match &page.doc.kind {
        Kind::Standard(standard) => Some(standard),
        _ => None,
    }
}

/// The register page of `lang`: `content/standards/_index.<lang>.md`.
pub fn register_page<'a>(site: &'a Site, lang: &Lang) -> Option<&'a Page> {
    // Looked up by translation key: every standard's page asks for it.
    site.translations
        .get(&crate::parse::TranslationKey::register())
        .and_then(|by_lang| by_lang.get(lang))
        .map(|id| site.page(*id))
        .filter(|p| p.doc.role == FileRole::Register)
}

/// A version's page in `lang`, else in the default language, else any.
fn version_page<'a>(site: &'a Site, version: &StandardVersion, lang: &Lang) -> &'a Page {
    let id = version
        .pages
        .get(lang)
        .or_else(|| version.pages.get(site.config.default_language()))
        .copied()
        .unwrap_or(version.primary);
    site.page(id)
}

/// The standard's address for readers of `lang`: in that language where
/// its current version is translated, else in the default language.
fn standard_target<'a>(
    site: &Site,
    standard: &'a RegisteredStandard,
    lang: &Lang,
) -> Option<(&'a Lang, &'a crate::model::UrlPath)> {
    standard
        .urls
        .get_key_value(lang)
        .or_else(|| standard.urls.get_key_value(site.config.default_language()))
        .or_else(|| standard.urls.iter().next())
}

fn iso(date: Option<&crate::parse::dates::PubDate>) -> Option<String> {
    date.map(|d| d.iso())
}

fn version_link<'a>(site: &'a Site, version: &'a StandardVersion, lang: &Lang) -> VersionLink<'a> {
    let page = version_page(site, version, lang);
    let standard = standard_of(page);
    VersionLink {
        version: version.version.as_str(),
        status: version.status.key(),
        url: site.href(&page.url),
        lang: page.lang.as_str(),
        adopted: iso(standard.and_then(|s| s.adopted.as_ref())),
        comments_until: iso(standard.and_then(|s| s.comments_until.as_ref())),
    }
}

fn standard_link<'a>(
    site: &'a Site,
    standard: &'a RegisteredStandard,
    lang: &Lang,
) -> Option<StandardLink<'a>> {
    let (target_lang, url) = standard_target(site, standard, lang)?;
    let current = standard.current_version();
    let page = match standard.shown_in(target_lang) {
        Some((_, shown)) => site.page(shown),
        None => version_page(site, current, target_lang),
    };
    Some(StandardLink {
        id: standard.id.as_str(),
        title: &page.doc.common.title,
        url: site.href(url),
        lang: page.lang.as_str(),
        status: current.status.key(),
    })
}

fn links_to<'a>(
    site: &'a Site,
    ids: &'a [crate::model::register::StandardId],
    lang: &Lang,
) -> Vec<StandardLink<'a>> {
    ids.iter()
        .filter_map(|id| site.register.get(id))
        .filter_map(|standard| standard_link(site, standard, lang))
        .collect()
}

/// `page.standard` for a standard's page at its version's address.
pub fn standard_view<'a>(
    site: &'a Site,
    page: &'a Page,
    bodies: &Bodies,
) -> Option<StandardView<'a>> {
    build_standard_view(site, page, false, bodies)
}

fn build_standard_view<'a>(
    site: &'a Site,
    page: &'a Page,
    at_standard_url: bool,
    bodies: &Bodies,
) -> Option<StandardView<'a>> {
    let standard = standard_of(page)?;
    let (entry, index) = site.register.locate(page.id)?;
    let lang = &page.lang;
    let version = &entry.versions[index];
    let is_current = index == entry.current;
    let register = register_page(site, lang);
    let register_url = register.map(|r| r.url.as_str());
    let previous = index.checked_sub(1).map(|i| &entry.versions[i]);
    let previous_here = previous
        .and_then(|p| p.pages.get(lang))
        .map(|id| site.page(*id));
    let target = standard_target(site, entry, lang);
    Some(StandardView {
        id: entry.id.as_str(),
        version: version.version.as_str(),
        status: version.status.key(),
        is_current,
        at_standard_url,
        standard_url: target.map(|(_, url)| site.href(url)),
        standard_lang: target.map(|(l, _)| l.as_str()),
        version_url: site.href(&page.url),
        version_permalink: site.permalink(&page.url),
        date: iso(page.doc.common.date.as_ref()),
        adopted: iso(standard.adopted.as_ref()),
        effective: iso(standard.effective.as_ref()),
        withdrawn: iso(standard.withdrawn.as_ref()),
        comments_until: iso(standard.comments_until.as_ref()),
        valid_until: iso(standard.valid_until.as_ref()),
        decided_by: standard.decided_by.as_deref(),
        decision: standard.decision.as_deref(),
        legal_basis: &standard.legal_basis,
        license: standard.license.as_deref(),
        changes: standard.changes.as_deref(),
        topics: topic_links(&standard.topics, register_url, lang),
        current: (!is_current).then(|| version_link(site, entry.current_version(), lang)),
        history: history_rows(site, entry, lang, index),
        previous: previous.map(|p| version_link(site, p, lang)),
        diff: previous_here
            .map(|old| diff::compare(&bodies.of(old), &bodies.of(page)))
            .unwrap_or_default(),
        diff_available: previous_here.is_some(),
        supersedes: links_to(site, &entry.supersedes, lang),
        superseded_by: links_to(site, &entry.superseded_by, lang),
        downloads: downloads(site, page, standard),
        register_url: register_url.map(|url| site.href(url)),
        calendar_url: calendar_url(site, entry, register_url),
    })
}

/// The register's calendar, when the standard has dates in it.
fn calendar_url(
    site: &Site,
    entry: &RegisteredStandard,
    register_url: Option<&str>,
) -> Option<String> {
    register_url
        .filter(|_| calendar::has_dates(site, entry))
        .map(|url| site.href(&format!("{url}{}", calendar::CALENDAR_NAME)))
}

/// Every version of the standard, newest first; `index` is the shown one.
fn history_rows<'a>(
    site: &'a Site,
    entry: &'a RegisteredStandard,
    lang: &Lang,
    index: usize,
) -> Vec<HistoryRow<'a>> {
    entry
        .versions
        .iter()
        .enumerate()
        .rev()
        .map(|(i, v)| history_row(site, v, lang, i == entry.current, i == index))
        .collect()
}

fn history_row<'a>(
    site: &'a Site,
    version: &'a StandardVersion,
    lang: &Lang,
    is_current: bool,
    is_this: bool,
) -> HistoryRow<'a> {
    let page = version_page(site, version, lang);
    let standard = standard_of(page);
    HistoryRow {
        version: version.version.as_str(),
        status: version.status.key(),
        url: site.href(&page.url),
        lang: page.lang.as_str(),
        date: iso(page.doc.common.date.as_ref()),
        adopted: iso(standard.and_then(|s| s.adopted.as_ref())),
        effective: iso(standard.and_then(|s| s.effective.as_ref())),
        withdrawn: iso(standard.and_then(|s| s.withdrawn.as_ref())),
        changes: standard.and_then(|s| s.changes.as_deref()),
        is_current,
        is_this,
    }
}

fn topic_links(topics: &[String], register_url: Option<&str>, lang: &Lang) -> Vec<FilterLink> {
    topics
        .iter()
        .filter(|topic| !slugify(topic).is_empty())
        .map(|topic| {
            let filter = Filter::Topic(slugify(topic));
            FilterLink {
                key: filter.key(),
                name: topic.clone(),
                url: register_url
                    .map(|url| filter.url(url, lang))
                    .unwrap_or_default(),
            }
        })
        .collect()
}

fn downloads(site: &Site, page: &Page, standard: &Standard) -> Vec<DownloadView> {
    let folder_url = page.url.parent();
    standard
        .downloads
        .iter()
        .map(|name| name.trim().trim_start_matches("./"))
        .filter_map(|name| {
            let fingerprint = site.register.download(&page.doc.folder, name)?;
            Some(DownloadView {
                name: name.rsplit('/').next().unwrap_or(name).to_string(),
                url: site.href(&format!("{folder_url}{name}")),
                format: name
                    .rsplit_once('.')
                    .map(|(_, ext)| ext.to_ascii_uppercase())
                    .unwrap_or_default(),
                size: fingerprint.size,
                size_text: size_text(fingerprint.size, page.lang.as_str()),
                sha256: fingerprint.sha256.clone(),
            })
        })
        .collect()
}

/// "812 Bytes", "12 kB", "1,2 MB" (decimal comma in German).
fn size_text(bytes: u64, lang: &str) -> String {
    let (value, unit) = match bytes {
        0..1_000 => return format!("{bytes} Bytes"),
        1_000..1_000_000 => (bytes as f64 / 1e3, "kB"),
        1_000_000..1_000_000_000 => (bytes as f64 / 1e6, "MB"),
        _ => (bytes as f64 / 1e9, "GB"),
    };
    let number = if value < 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    };
    let number = if lang == "de" {
        number.replace('.', ",")
    } else {
        number
    };
    format!("{number} {unit}")
}

/// `page.register` for the register page of its language.
pub fn register_view<'a>(site: &'a Site, page: &'a Page) -> Option<RegisterView<'a>> {
    (page.doc.role == FileRole::Register).then(|| build_register_view(site, page, None))
}

fn build_register_view<'a>(
    site: &'a Site,
    register: &'a Page,
    filter: Option<&Filter>,
) -> RegisterView<'a> {
    let lang = &register.lang;
    let all = rows(site, lang, &register.url);
    let total = all.len();
    let filters = filter_groups(site, &all, lang, &register.url, filter);
    let active = filter.map(|f| ActiveFilter {
        group: f.group(),
        key: f.key(),
        name: filters
            .iter()
            .flat_map(|g| &g.values)
            .find(|v| v.active)
            .map(|v| v.name.clone())
            .unwrap_or_else(|| f.key()),
    });
    let rows = all
        .into_iter()
        .filter(|row| filter.is_none_or(|f| f.matches(row)))
        .collect();
    RegisterView {
        rows,
        total,
        filters,
        filter: active,
        url: site.href(&register.url),
        json_url: site.href(&format!("{}{}", register.url, exports::JSON_NAME)),
        csv_url: site.href(&format!("{}{}", register.url, exports::CSV_NAME)),
        feed_url: site.href(&format!("{}{}", register.url, exports::FEED_NAME)),
        calendar_url: calendar::any_dates(site)
            .then(|| site.href(&format!("{}{}", register.url, calendar::CALENDAR_NAME))),
    }
}

/// Every standard's current version as readers of `lang` see it.
fn rows<'a>(site: &'a Site, lang: &Lang, register_url: &str) -> Vec<RegisterRow<'a>> {
    crate::reads::record(crate::reads::Read::Register);
    site.register
        .standards
        .iter()
        .filter_map(|entry| row(site, entry, lang, register_url))
        .collect()
}

/// One standard's row: title and topics in the reader's language where
/// possible; dates and associations are the current version's.
fn row<'a>(
    site: &'a Site,
    entry: &'a RegisteredStandard,
    lang: &Lang,
    register_url: &str,
) -> Option<RegisterRow<'a>> {
    let current = entry.current_version();
    let (target_lang, url) = standard_target(site, entry, lang)?;
    let page = match entry.shown_in(target_lang) {
        Some((_, shown)) => site.page(shown),
        None => version_page(site, current, target_lang),
    };
    let shown = standard_of(page)?;
    let facts_page = version_page(site, current, lang);
    let standard = standard_of(facts_page)?;
    let associations = association_links(site, standard, register_url, lang);
    let topics = topic_links(&shown.topics, Some(register_url), lang);
    // A draft or consultation above the current version is news for
    // readers: they may comment on it.
    let pending = entry.versions[entry.current + 1..]
        .iter()
        .rev()
        .find(|v| matches!(v.status, Status::Draft | Status::Consultation));
    let mut statuses = vec![current.status];
    statuses.extend(pending.map(|v| v.status));
    Some(RegisterRow {
        id: entry.id.as_str(),
        title: &page.doc.common.title,
        lang: page.lang.as_str(),
        url: site.href(url),
        version: current.version.as_str(),
        status: current.status.key(),
        inactive: matches!(current.status, Status::Superseded | Status::Withdrawn),
        date: iso(facts_page.doc.common.date.as_ref()),
        adopted: iso(standard.adopted.as_ref()),
        effective: iso(standard.effective.as_ref()),
        withdrawn: iso(standard.withdrawn.as_ref()),
        comments_until: iso(standard.comments_until.as_ref()),
        association_keys: keys(&associations),
        topic_keys: keys(&topics),
        associations,
        topics,
        superseded_by: links_to(site, &entry.superseded_by, lang),
        pending: pending.map(|v| version_link(site, v, lang)),
        status_keys: statuses
            .iter()
            .map(|s| s.key())
            .collect::<Vec<_>>()
            .join(" "),
        statuses,
    })
}

/// A standard's associations, each linking its filter page.
fn association_links(
    site: &Site,
    standard: &Standard,
    register_url: &str,
    lang: &Lang,
) -> Vec<FilterLink> {
    standard
        .associations
        .iter()
        .filter_map(|key| site.config.associations.get(key))
        .map(|association| FilterLink {
            key: association.key.clone(),
            name: association.name.clone(),
            url: Filter::Association(association.key.clone()).url(register_url, lang),
        })
        .collect()
}

fn keys(links: &[FilterLink]) -> String {
    links
        .iter()
        .map(|l| l.key.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every value each filter can take in `rows`, with counts.
fn filter_groups(
    site: &Site,
    rows: &[RegisterRow],
    lang: &Lang,
    register_url: &str,
    active: Option<&Filter>,
) -> Vec<FilterGroup> {
    let value = |filter: Filter, name: String| {
        let count = rows.iter().filter(|row| filter.matches(row)).count();
        FilterValue {
            key: filter.key(),
            name,
            url: site.href(&filter.url(register_url, lang)),
            count,
            active: active == Some(&filter),
        }
    };
    let statuses = Status::ALL
        .into_iter()
        .filter(|s| rows.iter().any(|row| row.statuses.contains(s)))
        .map(|s| value(Filter::Status(s), s.key().to_string()))
        .collect();
    let associations = site
        .config
        .associations
        .values()
        .filter(|a| {
            rows.iter()
                .any(|row| row.associations.iter().any(|l| l.key == a.key))
        })
        .map(|a| value(Filter::Association(a.key.clone()), a.name.clone()))
        .collect();
    let mut topics: BTreeMap<String, String> = BTreeMap::new();
    for topic in rows.iter().flat_map(|row| &row.topics) {
        topics
            .entry(topic.key.clone())
            .or_insert_with(|| topic.name.clone());
    }
    let topics = topics
        .into_iter()
        .map(|(slug, name)| value(Filter::Topic(slug), name))
        .collect();
    vec![
        FilterGroup {
            group: "status",
            values: statuses,
        },
        FilterGroup {
            group: "association",
            values: associations,
        },
        FilterGroup {
            group: "topic",
            values: topics,
        },
    ]
}

/// Every filter page of `lang`'s register.
fn filters_of(site: &Site, register: &Page) -> Vec<Filter> {
    crate::reads::record(crate::reads::Read::Register);
    let rows = rows(site, &register.lang, &register.url);
    let mut filters: Vec<Filter> = Status::ALL
        .into_iter()
        .filter(|s| rows.iter().any(|row| row.statuses.contains(s)))
        .map(Filter::Status)
        .collect();
    for row in &rows {
        filters.extend(
            row.associations
                .iter()
                .map(|a| Filter::Association(a.key.clone())),
        );
        filters.extend(row.topics.iter().map(|t| Filter::Topic(t.key.clone())));
    }
    filters.sort();
    filters.dedup();
    filters
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_readers_write_them() {
        assert_eq!(size_text(812, "de"), "812 Bytes");
        assert_eq!(size_text(1_234, "de"), "1,2 kB");
        assert_eq!(size_text(1_234, "en"), "1.2 kB");
        assert_eq!(size_text(45_600, "de"), "46 kB");
        assert_eq!(size_text(2_500_000, "en"), "2.5 MB");
    }

    #[test]
    fn filter_urls_speak_the_language() {
        let de = Lang::new("de");
        let en = Lang::new("en");
        assert_eq!(
            Filter::Status(Status::Withdrawn).url("/standards/", &de),
            "/standards/status/zurueckgezogen/"
        );
        assert_eq!(
            Filter::Status(Status::Consultation).url("/en/standards/", &en),
            "/en/standards/status/consultation/"
        );
        assert_eq!(
            Filter::Association("kdvz-rer".into()).url("/standards/", &de),
            "/standards/verband/kdvz-rer/"
        );
        assert_eq!(
            Filter::Topic("e-akte".into()).url("/en/standards/", &en),
            "/en/standards/topic/e-akte/"
        );
    }
}
