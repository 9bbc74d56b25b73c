//! The register for machines: `standards.json`, `standards.csv` and an
//! Atom feed of register changes, per language, next to the register page.
//!
//! Part of the render stage. Written in Rust rather than as templates so
//! that the files are valid whatever the theme does. Exports hold one
//! record per standard and version, with stable English field names and
//! ISO 8601 dates; a version not translated into the language appears in
//! the default language (its `language` field says which). The feed lists
//! new versions, adoptions, withdrawals and supersessions by date; its
//! wording comes from the theme's strings.

use serde::Serialize;

use super::pages::string;
use super::{register_page, version_page};
use crate::config::Lang;
use crate::diagnostics::Diagnostic;
use crate::model::register::{RegisteredStandard, StandardVersion};
use crate::model::{Page, Site};
use crate::parse::dates::PubDate;
use crate::render::views::FeedLink;
use crate::render::{Content, OutputFile, ThemeFiles, atom};
use crate::site_path::SitePath;

/// File names below the register page's URL.
pub const JSON_NAME: &str = "standards.json";
pub const CSV_NAME: &str = "standards.csv";
pub const FEED_NAME: &str = "atom.xml";

/// One standard in one version: a JSON object, a CSV row.
#[derive(Debug, Serialize)]
struct Record<'a> {
    id: &'a str,
    version: &'a str,
    /// Language of `title` and `url`.
    language: &'a str,
    title: &'a str,
    status: &'static str,
    /// Whether this is the standard's current version.
    current: bool,
    date: Option<String>,
    adopted: Option<String>,
    effective: Option<String>,
    withdrawn: Option<String>,
    comments_until: Option<String>,
    valid_until: Option<String>,
    supersedes: Option<&'a str>,
    superseded_by: Vec<&'a str>,
    associations: Vec<&'a str>,
    topics: &'a [String],
    legal_basis: &'a [String],
    decided_by: Option<&'a str>,
    decision: Option<&'a str>,
    license: Option<&'a str>,
    changes: Option<&'a str>,
    /// This version's permanent address.
    url: String,
    /// The standard's address, which shows its current version.
    standard_url: Option<String>,
}

/// The CSV header: the JSON field names in the same order.
const COLUMNS: [&str; 23] = [
    "id",
    "version",
    "language",
    "title",
    "status",
    "current",
    "date",
    "adopted",
    "effective",
    "withdrawn",
    "comments_until",
    "valid_until",
    "supersedes",
    "superseded_by",
    "associations",
    "topics",
    "legal_basis",
    "decided_by",
    "decision",
    "license",
    "changes",
    "url",
    "standard_url",
];

impl Record<'_> {
    /// The fields in [`COLUMNS`] order; lists joined with `; `.
    fn csv_fields(&self) -> [String; 23] {
        let text = |value: Option<&str>| value.unwrap_or_default().to_string();
        let list = |values: &[&str]| values.join("; ");
        let strings = |values: &[String]| values.join("; ");
        [
            self.id.to_string(),
            self.version.to_string(),
            self.language.to_string(),
            self.title.to_string(),
            self.status.to_string(),
            self.current.to_string(),
            text(self.date.as_deref()),
            text(self.adopted.as_deref()),
            text(self.effective.as_deref()),
            text(self.withdrawn.as_deref()),
            text(self.comments_until.as_deref()),
            text(self.valid_until.as_deref()),
            text(self.supersedes),
            list(&self.superseded_by),
            list(&self.associations),
            strings(self.topics),
            strings(self.legal_basis),
            text(self.decided_by),
            text(self.decision),
            text(self.license),
            text(self.changes),
            self.url.clone(),
            text(self.standard_url.as_deref()),
        ]
    }
}

fn records<'a>(site: &'a Site, lang: &Lang) -> Vec<Record<'a>> {
    let mut records = Vec::new();
    crate::reads::record(crate::reads::Read::Register);
    for standard in &site.register.standards {
        let standard_url =
            super::standard_target(site, standard, lang).map(|(_, url)| site.permalink(url));
        for (index, version) in standard.versions.iter().enumerate() {
            let page = version_page(site, version, lang);
            let Some(facts) = super::standard_of(page) else {
                continue;
            };
            records.push(Record {
                id: standard.id.as_str(),
                version: version.version.as_str(),
                language: page.lang.as_str(),
                title: &page.doc.common.title,
                status: version.status.key(),
                current: index == standard.current,
                date: page.doc.common.date.as_ref().map(PubDate::iso),
                adopted: facts.adopted.as_ref().map(PubDate::iso),
                effective: facts.effective.as_ref().map(PubDate::iso),
                withdrawn: facts.withdrawn.as_ref().map(PubDate::iso),
                comments_until: facts.comments_until.as_ref().map(PubDate::iso),
                valid_until: facts.valid_until.as_ref().map(PubDate::iso),
                supersedes: facts.supersedes.as_deref().map(str::trim),
                superseded_by: standard
                    .superseded_by
                    .iter()
                    .map(|id| id.as_str())
                    .collect(),
                associations: facts.associations.iter().map(String::as_str).collect(),
                topics: &facts.topics,
                legal_basis: &facts.legal_basis,
                decided_by: facts.decided_by.as_deref(),
                decision: facts.decision.as_deref(),
                license: facts.license.as_deref(),
                changes: facts.changes.as_deref(),
                url: site.permalink(&page.url),
                standard_url: standard_url.clone(),
            });
        }
    }
    records
}

/// `standards.json` and `standards.csv` of every language with a register
/// page.
pub fn exports(site: &Site) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for language in &site.config.languages {
        let Some(register) = register_page(site, &language.code) else {
            continue;
        };
        let records = records(site, &language.code);
        let json = serde_json::to_string_pretty(&records).map(|mut text| {
            text.push('\n');
            text
        });
        if let (Ok(json), Some(path)) = (json, file_path(register, JSON_NAME)) {
            files.push(OutputFile {
                path,
                content: Content::Bytes(json.into_bytes()),
                origin: None,
            });
        }
        if let Some(path) = file_path(register, CSV_NAME) {
            files.push(OutputFile {
                path,
                content: Content::Bytes(csv(&records).into_bytes()),
                origin: None,
            });
        }
    }
    files
}

fn file_path(register: &Page, name: &str) -> Option<SitePath> {
    SitePath::new(&format!("{}{name}", register.url.trim_start_matches('/'))).ok()
}

/// RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote
/// or line break in double quotes (quotes doubled).
fn csv(records: &[Record]) -> String {
    let mut out = String::new();
    push_csv_line(&mut out, COLUMNS.iter().map(|c| c.to_string()));
    for record in records {
        push_csv_line(&mut out, record.csv_fields().into_iter());
    }
    out
}

fn push_csv_line(out: &mut String, fields: impl Iterator<Item = String>) {
    for (index, field) in fields.enumerate() {
        if index > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\n', '\r']) || field.starts_with(' ') || field.ends_with(' ')
        {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

/// The register's Atom feed of `lang`, for autodiscovery (`site.feeds`).
pub fn feed_links(site: &Site, lang: &Lang) -> Vec<FeedLink> {
    register_page(site, lang)
        .filter(|_| !site.register.is_empty())
        .map(|register| FeedLink {
            title: feed_title(site, register),
            url: site.href(&format!("{}{FEED_NAME}", register.url)),
        })
        .into_iter()
        .collect()
}

fn feed_title(site: &Site, register: &Page) -> String {
    let site_title = site
        .config
        .title
        .get(&register.lang)
        .cloned()
        .unwrap_or_default();
    format!("{site_title} – {} (Atom)", register.doc.common.title)
}

/// Something that happened in the register on a day.
struct Event<'a> {
    date: &'a PubDate,
    standard: &'a RegisteredStandard,
    version: &'a StandardVersion,
    kind: EventKind<'a>,
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum EventKind<'a> {
    /// A version's text was published (its `date`).
    Version,
    Adopted,
    Withdrawn,
    /// The version replaces another standard (at its adoption).
    Supersedes(&'a str),
}

impl EventKind<'_> {
    fn fragment(&self) -> String {
        match self {
            EventKind::Version => "version".into(),
            EventKind::Adopted => "adopted".into(),
            EventKind::Withdrawn => "withdrawn".into(),
            EventKind::Supersedes(id) => format!("supersedes-{}", id.to_ascii_lowercase()),
        }
    }

    /// The entry's Atom category.
    fn category(&self) -> &'static str {
        match self {
            EventKind::Version => "version",
            EventKind::Adopted => "adopted",
            EventKind::Withdrawn => "withdrawn",
            EventKind::Supersedes(_) => "supersedes",
        }
    }
}

/// Every dated change, newest first. The facts are the language-neutral
/// ones of each version's primary file.
fn events<'a>(site: &'a Site) -> Vec<Event<'a>> {
    let mut events = Vec::new();
    crate::reads::record(crate::reads::Read::Register);
    for standard in &site.register.standards {
        for version in &standard.versions {
            let page = site.page(version.primary);
            let Some(facts) = super::standard_of(page) else {
                continue;
            };
            let mut push = |date: Option<&'a PubDate>, kind| {
                if let Some(date) = date {
                    events.push(Event {
                        date,
                        standard,
                        version,
                        kind,
                    });
                }
            };
            push(page.doc.common.date.as_ref(), EventKind::Version);
            push(facts.adopted.as_ref(), EventKind::Adopted);
            push(facts.withdrawn.as_ref(), EventKind::Withdrawn);
            if let Some(replaced) = facts
                .supersedes
                .as_deref()
                .and_then(|id| crate::model::register::StandardId::parse(id).ok())
                .and_then(|id| site.register.get(&id))
            {
                push(
                    facts.adopted.as_ref().or(page.doc.common.date.as_ref()),
                    EventKind::Supersedes(replaced.id.as_str()),
                );
            }
        }
    }
    events.sort_by(|a, b| {
        b.date
            .instant
            .cmp(&a.date.instant)
            .then_with(|| a.standard.id.cmp(&b.standard.id))
            .then_with(|| b.version.version.cmp(&a.version.version))
            .then_with(|| a.kind.cmp(&b.kind))
    });
    events
}

/// The Atom feed of register changes of every language with a register
/// page; a missing theme string is an error in its i18n file.
pub fn feeds(site: &Site, theme: &ThemeFiles) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    if site.register.is_empty() {
        return (files, problems);
    }
    let events = events(site);
    for language in &site.config.languages {
        let Some(register) = register_page(site, &language.code) else {
            continue;
        };
        match atom(site, theme, register, &events) {
            Ok(xml) => {
                if let Some(path) = file_path(register, FEED_NAME) {
                    files.push(OutputFile {
                        path,
                        content: Content::Bytes(xml.into_bytes()),
                        origin: None,
                    });
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    (files, problems)
}

/// The Atom document of the register's changes in the register page's
/// language.
fn atom(
    site: &Site,
    theme: &ThemeFiles,
    register: &Page,
    events: &[Event],
) -> Result<String, Diagnostic> {
    let version_word = string(theme, &register.lang, "version")?;
    let feed_url = site.permalink(&format!("{}{FEED_NAME}", register.url));
    let updated = events
        .iter()
        .map(|e| e.date)
        .max_by_key(|d| d.instant)
        .map_or_else(|| atom::NEVER.to_string(), atom::rfc3339);
    let author = site
        .config
        .associations
        .values()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let entries = events
        .iter()
        .map(|event| atom_entry(site, theme, &register.lang, &version_word, event))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(atom::write(&atom::Feed {
        lang: register.lang.to_string(),
        base: None,
        title: feed_title(site, register),
        id: feed_url.clone(),
        self_link: feed_url,
        alternate: site.permalink(&register.url),
        updated,
        author,
        entries,
    }))
}

/// One register change as a feed entry, linking the version's page in
/// `lang` or, untranslated, in the language it has.
fn atom_entry(
    site: &Site,
    theme: &ThemeFiles,
    lang: &Lang,
    version_word: &str,
    event: &Event,
) -> Result<atom::Entry, Diagnostic> {
    let word = |key: &str| string(theme, lang, key);
    let page = version_page(site, event.version, lang);
    let what = match &event.kind {
        EventKind::Version => word("register_event_version")?,
        EventKind::Adopted => word("status_adopted")?,
        EventKind::Withdrawn => word("status_withdrawn")?,
        EventKind::Supersedes(other) => {
            format!("{} {other}", word("register_event_supersedes")?)
        }
    };
    let title = format!(
        "{} {version_word} {}: {what}",
        event.standard.id, event.version.version
    );
    let mut summary = page.doc.common.title.clone();
    if let (EventKind::Version, Some(changes)) = (
        &event.kind,
        super::standard_of(page).and_then(|s| s.changes.as_deref()),
    ) {
        summary.push_str(" – ");
        summary.push_str(changes);
    }
    let href = site.permalink(&page.url);
    Ok(atom::Entry {
        title,
        id: format!("{href}#{}", event.kind.fragment()),
        link: atom::Link {
            href,
            hreflang: (page.lang != *lang).then(|| page.lang.to_string()),
        },
        published: None,
        updated: atom::rfc3339(event.date),
        categories: vec![event.kind.category().to_string()],
        summary,
        content: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let mut out = String::new();
        push_csv_line(
            &mut out,
            ["a", "b,c", "say \"hi\"", "two\nlines", " padded", "ä"]
                .into_iter()
                .map(String::from),
        );
        assert_eq!(
            out,
            "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded\",ä\r\n"
        );
    }

    #[test]
    fn csv_columns_are_the_json_fields_in_order() {
        let topics = vec!["OZG".to_string()];
        let record = Record {
            id: "HUB-STD-0001",
            version: "1.0",
            language: "de",
            title: "T",
            status: "adopted",
            current: true,
            date: None,
            adopted: Some("2025-11-25".into()),
            effective: None,
            withdrawn: None,
            comments_until: None,
            valid_until: None,
            supersedes: None,
            superseded_by: vec![],
            associations: vec!["itk"],
            topics: &topics,
            legal_basis: &[],
            decided_by: None,
            decision: None,
            license: None,
            changes: None,
            url: "https://x/".into(),
            standard_url: None,
        };
        let json = serde_json::to_string(&record).unwrap();
        let mut at = 0;
        for column in COLUMNS {
            let found = json[at..]
                .find(&format!("\"{column}\":"))
                .unwrap_or_else(|| panic!("{column} out of order in {json}"));
            at += found;
        }
        assert_eq!(record.csv_fields()[7], "2025-11-25");
    }
}
