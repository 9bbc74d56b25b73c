//! Which documents a build publishes: drafts, scheduled and expired pages
//! against a build date that is an input, never the clock.

use jiff::Timestamp;

use crate::parse::Document;

/// What the user asked for on the command line, plus the build date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publication {
    pub build_date: Timestamp,
    /// `--drafts`: include pages with `draft: true`.
    pub drafts: bool,
    /// `--future`: include pages dated after the build date.
    pub future: bool,
    /// `--expired`: include pages whose `expires` date has passed.
    pub expired: bool,
}

/// Why a document is left out of this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    Draft,
    Scheduled,
    Expired,
}

impl Publication {
    /// A build as of `build_date` with no preview flags.
    pub fn at(build_date: Timestamp) -> Self {
        Publication {
            build_date,
            drafts: false,
            future: false,
            expired: false,
        }
    }

    /// `None` when `doc` is published, else why not.
    pub fn withheld(&self, doc: &Document) -> Option<Withheld> {
        let common = &doc.common;
        if common.draft && !self.drafts {
            return Some(Withheld::Draft);
        }
        if common
            .date
            .as_ref()
            .is_some_and(|d| d.instant > self.build_date)
            && !self.future
        {
            return Some(Withheld::Scheduled);
        }
        if common
            .expires
            .as_ref()
            .is_some_and(|e| e.instant <= self.build_date)
            && !self.expired
        {
            return Some(Withheld::Expired);
        }
        None
    }
}
