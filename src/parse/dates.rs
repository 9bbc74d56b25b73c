//! Dates in front matter: `2025-01-20`, `2025-01-20T10:00`, or with an
//! offset. Times without an offset are Europe/Berlin, where both
//! associations publish.

use std::fmt;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};
use serde::{Deserialize, Deserializer};

use crate::yaml::HELP_SEPARATOR;

/// The time zone of dates written without an offset. Looked up once:
/// reading it from the bundled database on every date was a measurable
/// part of parsing.
pub fn berlin() -> TimeZone {
    static BERLIN: std::sync::LazyLock<TimeZone> =
        std::sync::LazyLock::new(|| TimeZone::get("Europe/Berlin").unwrap_or(TimeZone::UTC));
    BERLIN.clone()
}

/// A point in time from front matter, remembering whether a time was given.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PubDate {
    pub instant: Timestamp,
    /// The calendar date in Berlin, what readers see.
    pub date: Date,
    pub has_time: bool,
}

impl PubDate {
    /// The instant `seconds` after 1970 (a commit's time), with its
    /// calendar date in Berlin; `None` outside the calendar's range.
    pub fn from_second(seconds: i64) -> Option<PubDate> {
        let instant = Timestamp::from_second(seconds).ok()?;
        Some(PubDate {
            instant,
            date: instant.to_zoned_datetime(berlin()).date(),
            has_time: true,
        })
    }

    /// Parses the forms allowed in front matter and file names.
    pub fn parse(text: &str) -> Result<PubDate, String> {
        let text = text.trim();
        let berlin = berlin();
        let date_only = text.len() == 10;
        if let Some(date) = date_only.then(|| text.parse::<Date>().ok()).flatten() {
            let instant = date
                .to_zoned_datetime(berlin.clone())
                .map_err(|e| e.to_string())?
                .timestamp();
            return Ok(PubDate {
                instant,
                date,
                has_time: false,
            });
        }
        let zoned: Result<ZonedDateTime, _> = if let Ok(ts) = text.parse::<Timestamp>() {
            Ok(ts.to_zoned_datetime(berlin.clone()))
        } else {
            text.parse::<DateTime>()
                .map_err(|e| e.to_string())
                .and_then(|dt| {
                    dt.to_zoned_datetime(berlin.clone())
                        .map_err(|e| e.to_string())
                })
        };
        let zoned = zoned.map_err(|_| match impossible(text) {
            Some(why) => format!("{why}{HELP_SEPARATOR}correct the day or the month{HELP_SEPARATOR}{text}"),
            None => format!("`{text}` is not a date{HELP_SEPARATOR}write a date as 2025-01-20, or with a time as 2025-01-20T10:00:00+01:00{HELP_SEPARATOR}{text}"),
        })?;
        let in_berlin = zoned.timestamp().to_zoned_datetime(berlin);
        Ok(PubDate {
            instant: zoned.timestamp(),
            date: in_berlin.date(),
            has_time: true,
        })
    }

    /// ISO 8601 for `<time datetime>` and feeds: the date alone, or the
    /// instant with Berlin's offset.
    pub fn iso(&self) -> String {
        if self.has_time {
            self.instant
                .to_zoned_datetime(berlin())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        } else {
            self.date.to_string()
        }
    }
}

/// The months' English names; messages and English dates use them.
pub const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Why a text shaped like `YYYY-MM-DD…` names no day of the calendar
/// ("2025-02-30 does not exist: February 2025 has 28 days"); `None` when
/// it has another shape or the day exists.
pub fn impossible(text: &str) -> Option<String> {
    let date = text.get(..10)?;
    let mut parts = date.split('-');
    let year: i16 = parts.next().filter(|p| p.len() == 4)?.parse().ok()?;
    let month: i8 = parts.next().filter(|p| p.len() == 2)?.parse().ok()?;
    let day: i8 = parts.next().filter(|p| p.len() == 2)?.parse().ok()?;
    if !(1..=12).contains(&month) {
        return Some(format!("{date} does not exist: a year has 12 months"));
    }
    let days = Date::new(year, month, 1).ok()?.days_in_month();
    let name = MONTHS_EN[usize::try_from(month - 1).ok()?];
    (day < 1 || day > days).then(|| format!("{date} does not exist: {name} {year} has {days} days"))
}

impl fmt::Display for PubDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for PubDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PubDate::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_only_is_midnight_in_berlin() {
        let d = PubDate::parse("2025-01-20").unwrap();
        assert_eq!(d.instant.to_string(), "2025-01-19T23:00:00Z");
        assert_eq!(d.iso(), "2025-01-20");
    }

    #[test]
    fn offsets_are_kept_and_shown_in_berlin_time() {
        let d = PubDate::parse("2025-07-01T08:00:00Z").unwrap();
        assert_eq!(d.iso(), "2025-07-01T10:00:00+02:00");
        let local = PubDate::parse("2025-07-01T10:00").unwrap();
        assert_eq!(local.instant, d.instant);
    }

    #[test]
    fn impossible_days_and_months_are_named() {
        let check = |text: &str, expected: Option<&str>| {
            assert_eq!(impossible(text).as_deref(), expected, "{text}");
        };
        check(
            "2025-02-30",
            Some("2025-02-30 does not exist: February 2025 has 28 days"),
        );
        check(
            "2024-02-30T10:00",
            Some("2024-02-30 does not exist: February 2024 has 29 days"),
        );
        check("2024-02-29", None);
        check(
            "2025-04-31",
            Some("2025-04-31 does not exist: April 2025 has 30 days"),
        );
        check(
            "2025-13-01",
            Some("2025-13-01 does not exist: a year has 12 months"),
        );
        check(
            "2025-01-00",
            Some("2025-01-00 does not exist: January 2025 has 31 days"),
        );
        check("morgen", None);
        let e = PubDate::parse("2025-02-30").unwrap_err();
        assert!(e.starts_with("2025-02-30 does not exist"), "{e}");
    }

    #[test]
    fn nonsense_is_refused_with_help() {
        let e = PubDate::parse("Mitte März").unwrap_err();
        assert!(e.contains("is not a date"));
    }
}
