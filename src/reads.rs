//! What an output read while it was rendered.
//!
//! `serve` must re-render exactly the outputs whose inputs changed, and no
//! hand-kept list of "what shows what" could stay true while templates and
//! views grow. So the inputs note themselves: while render makes one output
//! unit it holds a recorder on its thread ([`recording`]), and the places
//! through which a view reaches the rest of the site ([`Site::page`], the
//! per-language site value, a listing, the register, a template, a
//! language's strings) call [`record`]. A view that starts to read another
//! page's field is tracked without anyone touching the incremental code,
//! because it can only reach that page through [`Site::page`].
//!
//! Outside a recording (assembling the model, `check`, `build`), [`record`]
//! costs one thread-local look-up and does nothing.
//!
//! [`Site::page`]: crate::model::Site::page

use std::cell::RefCell;
use std::sync::Arc;

use crate::config::Lang;
use crate::model::PageId;

/// One input an output unit read.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Read {
    /// A page as a whole: its document, address, links, children,
    /// running number and translations.
    Page(PageId),
    /// The outline of the whole site: every page's address, language,
    /// dates and translations, and every listing's address (the sitemap).
    Structure,
    /// The old addresses that lead to pages (aliases).
    Redirects,
    /// One listing page of press releases, by its URL.
    Listing(String),
    /// The newest releases of a language (home page teasers, feeds).
    Newest(Lang),
    /// The standards register as a whole (its list of standards).
    Register,
    /// One standard of the register, by id: its versions, their pages'
    /// addresses, its supersessions and downloads.
    Standard(String),
    /// The per-language part of every page (`site` in templates).
    Site(Lang),
    /// A template, by the theme's name for it.
    Template(Arc<str>),
    /// One translation string of a language, by key: a unit renders
    /// again only when a string it shows changes (a label of the press
    /// page does not build every press kit again).
    String(Lang, Arc<str>),
    /// The sizes of the site's raster images.
    Images,
    /// The static files and bundle assets copied as they are.
    Copies,
    /// The content-hashed name of one static file (`asset()` in a
    /// template), by its plain path (`style.css`).
    Asset(Arc<str>),
}

thread_local! {
    static RECORDER: RefCell<Option<Vec<Read>>> = const { RefCell::new(None) };
    static NAMES: RefCell<rustc_hash::FxHashSet<Arc<str>>> = RefCell::new(Default::default());
    static LANGS: RefCell<Vec<Lang>> = const { RefCell::new(Vec::new()) };
}

/// `text` shared: each thread keeps one copy of every name it has been
/// asked for (translation keys, template and asset names, a few hundred
/// on any theme), so a site's million recorded reads of a string hold no
/// string of their own (at 10,000 releases, 1,000,000 reads of strings).
pub fn name(text: &str) -> Arc<str> {
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if let Some(known) = names.get(text) {
            return Arc::clone(known);
        }
        let new: Arc<str> = text.into();
        names.insert(Arc::clone(&new));
        new
    })
}

/// The language `code`, shared the same way as [`name`].
pub fn lang(code: &str) -> Lang {
    LANGS.with(|langs| {
        let mut langs = langs.borrow_mut();
        if let Some(known) = langs.iter().find(|lang| lang.as_str() == code) {
            return known.clone();
        }
        let new = Lang::new(code);
        langs.push(new.clone());
        new
    })
}

/// Notes that the output being rendered on this thread read `read`.
pub fn record(read: Read) {
    RECORDER.with(|recorder| {
        if let Some(reads) = recorder.borrow_mut().as_mut() {
            reads.push(read);
        }
    });
}

/// Runs `work` without recording: for an output that has recorded a
/// coarse input (the [`Read::Structure`] of the sitemap) and must not add
/// finer ones while it walks every page.
pub fn ignoring<T>(work: impl FnOnce() -> T) -> T {
    let outer = RECORDER.with(|recorder| recorder.borrow_mut().take());
    let value = work();
    RECORDER.with(|recorder| *recorder.borrow_mut() = outer);
    value
}

/// Runs `work` with a recorder on this thread; returns what it read,
/// sorted and without repeats. Work must not hand reads to other threads
/// (rendering one unit is single-threaded).
pub fn recording<T>(work: impl FnOnce() -> T) -> (T, Vec<Read>) {
    let outer = RECORDER.with(|recorder| recorder.borrow_mut().replace(Vec::new()));
    let value = work();
    let mut reads = RECORDER
        .with(|recorder| std::mem::replace(&mut *recorder.borrow_mut(), outer))
        .unwrap_or_default();
    reads.sort_unstable();
    reads.dedup();
    // A unit notes each read as it happens, a page read hundreds of times
    // over; what is kept (for every unit of a run) is only the distinct ones.
    reads.shrink_to_fit();
    (value, reads)
}

/// What one unit read, split in two: the reads it shares with many
/// units (templates, strings, assets, the per-language site value and
/// the other site-wide inputs), kept once for every unit that read
/// exactly them ([`SharedReads`]), and its own (pages, listings,
/// standards). At 10,000 releases 57,000 units make 1.4 million reads,
/// a million of them of strings; the shared part comes in a few hundred
/// kinds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    shared: Arc<[Read]>,
    own: Vec<Read>,
}

impl Reads {
    /// Every read, the shared ones first; each once.
    pub fn iter(&self) -> impl Iterator<Item = &Read> {
        self.shared.iter().chain(&self.own)
    }

    /// The shared part, which the same set of another unit shares.
    pub fn shared(&self) -> &Arc<[Read]> {
        &self.shared
    }

    /// The unit's own reads.
    pub fn own(&self) -> &[Read] {
        &self.own
    }
}

/// The shared parts of one render's [`Reads`], each kept once.
#[derive(Default)]
pub struct SharedReads(std::sync::Mutex<rustc_hash::FxHashSet<Arc<[Read]>>>);

impl SharedReads {
    /// `reads` (sorted, without repeats) split into their shared part,
    /// taken from the ones seen before when another unit read the same,
    /// and their own.
    pub fn split(&self, reads: Vec<Read>) -> Reads {
        let (shared, own): (Vec<Read>, Vec<Read>) = reads.into_iter().partition(is_site_wide);
        let shared = match self.0.lock() {
            Ok(mut known) => match known.get(shared.as_slice()) {
                Some(same) => Arc::clone(same),
                None => {
                    let new: Arc<[Read]> = shared.into();
                    known.insert(Arc::clone(&new));
                    new
                }
            },
            Err(_) => shared.into(),
        };
        Reads { shared, own }
    }
}

/// Whether `read` is one that many units make alike.
fn is_site_wide(read: &Read) -> bool {
    !matches!(read, Read::Page(_) | Read::Listing(_) | Read::Standard(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_kept_only_while_recording() {
        record(Read::Structure);
        let ((), reads) = recording(|| {
            record(Read::Register);
            record(Read::Page(PageId(3)));
            record(Read::Register);
        });
        assert_eq!(reads, vec![Read::Page(PageId(3)), Read::Register]);
        let ((), none) = recording(|| {});
        assert!(none.is_empty());
    }

    #[test]
    fn a_nested_recording_keeps_the_outer_one() {
        let (inner, outer) = recording(|| {
            record(Read::Structure);
            let ((), inner) = recording(|| record(Read::Images));
            ignoring(|| record(Read::Redirects));
            record(Read::Copies);
            inner
        });
        assert_eq!(inner, vec![Read::Images]);
        assert_eq!(outer, vec![Read::Structure, Read::Copies]);
    }

    #[test]
    fn names_and_languages_are_shared_not_copied() {
        let (first, again) = (name("press_release"), name("press_release"));
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(&*name("standard"), "standard");
        assert!(!Arc::ptr_eq(&first, &name("standard")));
        let de = lang("de");
        assert_eq!(de, Lang::new("de"));
        assert!(std::ptr::eq(de.as_str(), lang("de").as_str()));
        assert_ne!(lang("en"), de);
    }

    #[test]
    fn units_that_read_the_same_site_wide_inputs_share_them() {
        let shared = SharedReads::default();
        let page = |n| Read::Page(PageId(n));
        let template = Read::Template(name("page.html"));
        let string = Read::String(lang("de"), name("press_release"));
        let first = shared.split(vec![page(1), template.clone(), string.clone()]);
        let second = shared.split(vec![page(2), template.clone(), string.clone()]);
        let other = shared.split(vec![page(3), template.clone()]);
        assert!(Arc::ptr_eq(first.shared(), second.shared()));
        assert!(!Arc::ptr_eq(first.shared(), other.shared()));
        assert_eq!(first.own(), [page(1)]);
        let all: Vec<&Read> = second.iter().collect();
        assert_eq!(all, [&template, &string, &page(2)]);
    }
}
