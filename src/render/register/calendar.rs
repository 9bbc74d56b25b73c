//! The register's dates as an iCalendar file (RFC 5545), per language,
//! next to the register page: `calendar.ics`.
//!
//! Municipalities put the end of a consultation and the day a standard
//! takes effect into their own calendars; subscribing to this file keeps
//! them current. Each date is an all-day event whose `UID` is made of the
//! standard's id, the version and what happens, so a calendar that
//! subscribed recognises an event again after every build (and in both
//! languages). `DTSTAMP`, which RFC 5545 requires, is the version's own
//! date (its `updated`, else `date`, else the event's day), never the
//! build's, so the file changes only when the register does.
//!
//! Written by hand like the Atom feeds, through
//! [`crate::render::content_line`] (CRLF, lines folded at 75 octets, text
//! values escaped).

use jiff::civil::Date;

use super::pages::string;
use super::{register_page, standard_of, version_page};
use crate::config::Lang;
use crate::diagnostics::Diagnostic;
use crate::model::register::{RegisteredStandard, StandardVersion};
use crate::model::{Page, Site};
use crate::parse::dates::PubDate;
use crate::parse::front_matter::Status;
use crate::render::content_line::{Lines, text};
use crate::render::{Content, OutputFile, ThemeFiles};
use crate::site_path::SitePath;

/// The file name below the register page's URL.
pub const CALENDAR_NAME: &str = "calendar.ics";

/// What happens on a date of the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Happening {
    /// The consultation of a version ends (`comments_until`, while the
    /// version is in consultation).
    CommentsUntil,
    /// The version takes effect (`effective`).
    Effective,
    /// The version stops being valid (`valid_until`).
    ValidUntil,
}

impl Happening {
    /// Part of the event's UID, and of its theme string's key.
    fn key(self) -> &'static str {
        match self {
            Happening::CommentsUntil => "comments-until",
            Happening::Effective => "effective",
            Happening::ValidUntil => "valid-until",
        }
    }

    fn string_key(self) -> &'static str {
        match self {
            Happening::CommentsUntil => "register_calendar_comments_until",
            Happening::Effective => "register_calendar_effective",
            Happening::ValidUntil => "register_calendar_valid_until",
        }
    }
}

/// One date of one version.
struct Event<'a> {
    standard: &'a RegisteredStandard,
    version: &'a StandardVersion,
    happening: Happening,
    day: Date,
}

/// The dates of one standard, in version order.
fn standard_events<'a>(site: &'a Site, standard: &'a RegisteredStandard) -> Vec<Event<'a>> {
    let mut events = Vec::new();
    for version in &standard.versions {
        let Some(facts) = standard_of(site.page(version.primary)) else {
            continue;
        };
        let consultation = (version.status == Status::Consultation)
            .then_some(facts.comments_until.as_ref())
            .flatten();
        let dates = [
            (Happening::CommentsUntil, consultation),
            (Happening::Effective, facts.effective.as_ref()),
            (Happening::ValidUntil, facts.valid_until.as_ref()),
        ];
        for (happening, date) in dates {
            if let Some(date) = date {
                events.push(Event {
                    standard,
                    version,
                    happening,
                    day: date.date,
                });
            }
        }
    }
    events
}

/// Whether a standard has a date in the register's calendar, so its page
/// may link the calendar.
pub fn has_dates(site: &Site, standard: &RegisteredStandard) -> bool {
    !standard_events(site, standard).is_empty()
}

/// Whether the register has any date, so there is a calendar at all
/// (RFC 5545 wants at least one event in a calendar).
pub fn any_dates(site: &Site) -> bool {
    site.register.standards.iter().any(|s| has_dates(site, s))
}

/// `calendar.ics` of every language with a register page, when the
/// register has dates; a missing theme string is an error in its i18n
/// file.
pub fn calendars(site: &Site, theme: &ThemeFiles) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let mut events: Vec<Event> = site
        .register
        .standards
        .iter()
        .flat_map(|standard| standard_events(site, standard))
        .collect();
    events.sort_by(|a, b| {
        (
            a.day,
            a.standard.id.as_str(),
            &a.version.version,
            a.happening,
        )
            .cmp(&(
                b.day,
                b.standard.id.as_str(),
                &b.version.version,
                b.happening,
            ))
    });
    let (mut files, mut problems) = (Vec::new(), Vec::new());
    if events.is_empty() {
        return (files, problems);
    }
    for language in &site.config.languages {
        let Some(register) = register_page(site, &language.code) else {
            continue;
        };
        let path = SitePath::new(&format!(
            "{}{CALENDAR_NAME}",
            register.url.trim_start_matches('/')
        ));
        match (calendar(site, theme, register, &events), path) {
            (Ok(text), Ok(path)) => files.push(OutputFile {
                path,
                content: Content::Bytes(text.into_bytes()),
                origin: None,
            }),
            (Err(problem), _) => problems.push(problem),
            (_, Err(_)) => {}
        }
    }
    (files, problems)
}

/// The calendar of the register page's language.
fn calendar(
    site: &Site,
    theme: &ThemeFiles,
    register: &Page,
    events: &[Event],
) -> Result<String, Diagnostic> {
    let lang = &register.lang;
    let mut out = Lines::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line(&format!(
        "PRODID:-//kommhub//{}//{}",
        host(site),
        lang.as_str().to_uppercase()
    ));
    out.line("CALSCALE:GREGORIAN");
    out.line("METHOD:PUBLISH");
    out.line(&format!(
        "X-WR-CALNAME:{}",
        text(&calendar_name(site, theme, lang)?)
    ));
    for event in events {
        write_event(&mut out, site, theme, lang, event)?;
    }
    out.line("END:VCALENDAR");
    Ok(out.finish())
}

fn calendar_name(site: &Site, theme: &ThemeFiles, lang: &Lang) -> Result<String, Diagnostic> {
    let title = site.config.title.get(lang).cloned().unwrap_or_default();
    Ok(format!(
        "{title}: {}",
        string(theme, lang, "register_calendar_title")?
    ))
}

fn write_event(
    out: &mut Lines,
    site: &Site,
    theme: &ThemeFiles,
    lang: &Lang,
    event: &Event,
) -> Result<(), Diagnostic> {
    let page = version_page(site, event.version, lang);
    let what = string(theme, lang, event.happening.string_key())?;
    let version_word = string(theme, lang, "version")?;
    let id = event.standard.id.as_str();
    let version = event.version.version.as_str();
    let title = &page.doc.common.title;
    let next_day = event.day.tomorrow().unwrap_or(event.day);
    out.line("BEGIN:VEVENT");
    out.line(&format!(
        "UID:{}-{version}-{}@{}",
        event.standard.id.slug(),
        event.happening.key(),
        host(site)
    ));
    out.line(&format!("DTSTAMP:{}", stamp(page, event.day)));
    out.line(&format!("DTSTART;VALUE=DATE:{}", basic(event.day)));
    out.line(&format!("DTEND;VALUE=DATE:{}", basic(next_day)));
    out.line(&format!(
        "SUMMARY:{}",
        text(&format!("{what}: {title} ({id}, {version_word} {version})"))
    ));
    let url = site.permalink(&page.url);
    out.line(&format!("DESCRIPTION:{}", text(&format!("{title}\n{url}"))));
    out.line(&format!("URL:{url}"));
    if page.lang != *lang {
        out.line(&format!("X-KOMMHUB-LANGUAGE:{}", page.lang));
    }
    out.line("TRANSP:TRANSPARENT");
    out.line("END:VEVENT");
    Ok(())
}

/// The host of the site's address, for UIDs and the product id.
fn host(site: &Site) -> &str {
    let url = site.config.base_url.as_str();
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

/// `DTSTAMP`: when the version's text last changed, in UTC.
fn stamp(page: &Page, day: Date) -> String {
    let common = &page.doc.common;
    match common.updated.as_ref().or(common.date.as_ref()) {
        Some(PubDate { instant, .. }) => instant.strftime("%Y%m%dT%H%M%SZ").to_string(),
        None => format!("{}T000000Z", basic(day)),
    }
}

/// `20260331`: a DATE value.
fn basic(day: Date) -> String {
    day.strftime("%Y%m%d").to_string()
}
