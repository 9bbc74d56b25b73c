//! Edits that keep a site's structure, applied to an assembled [`Site`].
//!
//! `serve` would otherwise assemble the whole model after every change,
//! which takes 50–100 ms on a site of 20,000 pages. Most edits leave the
//! set of pages alone: URLs, translations, aliases and heading ids stay as
//! they were. [`patch`] swaps such documents into the site and resolves
//! their links exactly as [`super::assemble`] does, at one of two levels:
//!
//! - [`Patched::Pages`]: a release's title, text or summary (anything
//!   only the page itself and the teasers that show it read);
//! - [`Patched::Listings`]: a release's date, tags, associations, number
//!   or `updated` as well. The news listings and running numbers are then
//!   made again from the patched pages ([`super::news::index`]), and any
//!   page may show what moved.
//!
//! For anything else it refuses and leaves the site untouched, and the
//! caller assembles from scratch. Pure: no disk, no clock.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

use super::{LinkTarget, LinkTargets, PageId, Site, attach_order};
use crate::parse::{Document, Kind};
use crate::source::FileRole;

/// What a patch changed besides the edited pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Patched {
    /// Nothing: only the edited pages and the teasers that show them.
    Pages,
    /// The news listings and running numbers, made again.
    Listings,
}

/// Replaces the document of each page in `edits` by its edited version.
/// Returns `None`, leaving `site` as it was, when an edit could change
/// the set of pages, their addresses or anything assembled but the news
/// listings, or when it would need a diagnostic (a full assembly reports
/// it).
pub fn patch(site: &mut Site, edits: &[(PageId, Arc<Document>)]) -> Option<Patched> {
    let mut level = Patched::Pages;
    let mut resolved: Vec<Vec<LinkTarget>> = Vec::with_capacity(edits.len());
    // Patches apply only to a site that assembled without errors, so no
    // page lost its address to a conflict.
    let (withheld, conflicted) = (HashMap::default(), HashSet::default());
    // The index of link paths costs a pass over every page: only for links.
    let links = edits
        .iter()
        .any(|(_, doc)| !doc.body.links.is_empty())
        .then(|| LinkTargets::new(&site.pages, &site.translations, &withheld, &conflicted));
    for (id, doc) in edits {
        let before = site.pages.get(id.0)?;
        level = level.max(keeps_structure(&before.doc, doc)?);
        if site.publication.withheld(doc).is_some() {
            return None;
        }
        let (targets, problems) = match &links {
            Some(links) => links.resolve(before, doc),
            None => (Vec::new(), Vec::new()),
        };
        if !problems.is_empty() {
            return None;
        }
        resolved.push(targets);
    }
    let mut before = Vec::with_capacity(edits.len());
    for ((id, doc), targets) in edits.iter().zip(resolved) {
        let page = &mut site.pages[id.0];
        let links = std::mem::replace(&mut page.links, targets);
        before.push((links, std::mem::replace(&mut page.doc, Arc::clone(doc))));
    }
    if level == Patched::Listings {
        let (news, problems) = super::news::index(&site.pages, &site.config);
        // A number now used twice is for a full assembly to report.
        if !problems.is_empty() {
            for ((id, _), (links, doc)) in edits.iter().zip(before) {
                site.pages[id.0].links = links;
                site.pages[id.0].doc = doc;
            }
            return None;
        }
        site.news = news;
    }
    // A title or a date decides the order of pages in a section.
    let edited: Vec<PageId> = edits.iter().map(|(id, _)| *id).collect();
    for section in 0..site.pages.len() {
        if site.pages[section]
            .children
            .iter()
            .any(|c| edited.contains(c))
        {
            let mut children = std::mem::take(&mut site.pages[section].children);
            children.sort_by(|a, b| attach_order(&site.pages[a.0], &site.pages[b.0]));
            site.pages[section].children = children;
        }
    }
    Some(level)
}

/// How far `new` differs from `old`: [`Patched::Pages`] when only in
/// what the page shows of itself (title, summary, body text, subtitle,
/// place, contacts, image, correction, related standards, `extra` and
/// `check` settings), [`Patched::Listings`] when a release's date, tags,
/// associations, number or `updated` changed too; `None` for anything
/// else. Sections and standards always count as structural (slugs, the
/// register).
pub fn keeps_structure(old: &Document, new: &Document) -> Option<Patched> {
    let kinds_allowed = match (&old.kind, &new.kind) {
        (Kind::News(_), Kind::News(_)) => true,
        (Kind::Plain(a), Kind::Plain(b)) => a.role == b.role,
        _ => false,
    };
    let in_register = matches!(old.role, FileRole::Register | FileRole::Standard);
    if !kinds_allowed || in_register {
        return None;
    }
    let heading_ids = |doc: &Document| -> Vec<String> {
        doc.body.headings.iter().map(|h| h.id.clone()).collect()
    };
    if heading_ids(old) != heading_ids(new) {
        return None;
    }
    // Copy what may differ from the old document into the new one; what
    // is left must be equal.
    let mut probe = new.clone();
    probe.common.title = old.common.title.clone();
    probe.common.summary = old.common.summary.clone();
    probe.common.image = old.common.image.clone();
    probe.common.extra = old.common.extra.clone();
    probe.common.check = old.common.check.clone();
    probe.body = old.body.clone();
    // The print fingerprints the file's text, which an edit always changes.
    probe.print = old.print;
    probe.copy_front_matter_text(old);
    match (&mut probe.kind, &old.kind) {
        (Kind::News(edited), Kind::News(before)) => {
            edited.place = before.place.clone();
            edited.subtitle = before.subtitle.clone();
            edited.contact = before.contact.clone();
            edited.related = before.related.clone();
            edited.correction = before.correction.clone();
        }
        (Kind::Plain(edited), Kind::Plain(before)) => {
            edited.conformance = before.conformance;
            edited.prepared = before.prepared.clone();
            edited.reviewed = before.reviewed.clone();
            edited.method = before.method.clone();
            edited.barriers = before.barriers.clone();
        }
        _ => return None,
    }
    if probe == *old {
        return Some(Patched::Pages);
    }
    // What only the news listings and running numbers are made from.
    let (Kind::News(edited), Kind::News(before)) = (&mut probe.kind, &old.kind) else {
        return None;
    };
    edited.associations = before.associations.clone();
    edited.number = before.number;
    probe.common.date = old.common.date.clone();
    probe.common.tags = old.common.tags.clone();
    probe.common.updated = old.common.updated.clone();
    (old.role == FileRole::Release && probe == *old).then_some(Patched::Listings)
}
