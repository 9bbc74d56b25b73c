//! Edits that keep a site's structure, applied to an assembled [`Site`].
//!
//! `serve` re-assembles the whole model after most changes, which takes
//! most of a second on a site of 20,000 pages. The common edit, a release's
//! title or text, changes nothing any other page depends on: URLs,
//! translations, dates, tags, associations, running numbers, aliases and
//! heading ids stay as they were. [`patch`] swaps such documents into the
//! site and resolves their links exactly as [`super::assemble`] does; for
//! anything else it refuses and leaves the site untouched, and the caller
//! assembles from scratch. Pure: no disk, no clock.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

use super::{LinkTarget, LinkTargets, PageId, Site, attach_order};
use crate::parse::{Document, Kind};
use crate::source::FileRole;

/// Replaces the document of each page in `edits` by its edited version.
/// Returns `None`, leaving `site` as it was, when an edit could change
/// anything but the page itself and the teasers that show it, or when
/// its body would need a diagnostic (a full assembly reports it).
pub fn patch(site: &mut Site, edits: &[(PageId, Arc<Document>)]) -> Option<()> {
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
        if !keeps_structure(&before.doc, doc) {
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
    for ((id, doc), targets) in edits.iter().zip(resolved) {
        let page = &mut site.pages[id.0];
        page.links = targets;
        page.doc = Arc::clone(doc);
    }
    // A title decides the order of pages of the same date in a section.
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
    Some(())
}

/// Whether `new` differs from `old` only in what the page shows of
/// itself: title, summary, body text, subtitle, place, contacts, image,
/// correction, related standards, `extra` and `check` settings. Sections
/// and standards always count as structural (slugs, the register).
pub fn keeps_structure(old: &Document, new: &Document) -> bool {
    let kinds_allowed = match (&old.kind, &new.kind) {
        (Kind::News(_), Kind::News(_)) => true,
        (Kind::Plain(a), Kind::Plain(b)) => a.role == b.role,
        _ => false,
    };
    let in_register = matches!(old.role, FileRole::Register | FileRole::Standard);
    if !kinds_allowed || in_register {
        return false;
    }
    let heading_ids = |doc: &Document| -> Vec<String> {
        doc.body.headings.iter().map(|h| h.id.clone()).collect()
    };
    if heading_ids(old) != heading_ids(new) {
        return false;
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
        _ => return false,
    }
    probe == *old
}
