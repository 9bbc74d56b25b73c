//! Which documents a build publishes: drafts, scheduled and expired pages
//! against a build date that is an input, never the clock; and where the
//! pages it leaves out would live, so `check` can tell a link to one from
//! a broken link without assembling the site a second time.

use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;

use crate::config::SiteConfig;
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

/// A page this build leaves out, and the address it would have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithheldPage {
    /// Site-relative URL: `/presse/entwurf/`.
    pub url: super::UrlPath,
    /// The content file, relative to the root.
    pub path: PathBuf,
    pub reason: Withheld,
}

/// The address each withheld document would have if it were published:
/// made by the URL plan of the published and withheld documents together
/// (a standard's folder is addressed by the id its files name, withheld
/// ones included), as in a build with `--drafts --future --expired`. A
/// document that could have no address (an unusable slug, reported
/// elsewhere) is left out.
pub(crate) fn place_withheld(
    config: &SiteConfig,
    published: &[Arc<Document>],
    withheld: Vec<(Arc<Document>, Withheld)>,
) -> Vec<WithheldPage> {
    if withheld.is_empty() {
        return Vec::new();
    }
    let everything: Vec<Arc<Document>> = published
        .iter()
        .chain(withheld.iter().map(|(doc, _)| doc))
        .cloned()
        .collect();
    let plan = super::urls::UrlPlan::new(config, &everything);
    withheld
        .into_iter()
        .filter_map(|(doc, reason)| {
            Some(WithheldPage {
                url: plan.url_of(&doc).ok()?,
                path: doc.path.clone(),
                reason,
            })
        })
        .collect()
}
