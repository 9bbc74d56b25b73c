//! Where a build keeps the bodies it parsed until render asks for them.
//!
//! A build parses every file before it renders any page. Holding each
//! body's HTML and its Markdown in between was about half of the model's
//! memory (ARCHITECTURE.md, "Memory of a build"), and it grows with the
//! archive. So a build writes both into one unnamed file below
//! `.kommhub-cache/` as soon as a file is parsed, and the document keeps
//! only where they lie ([`Text`]). Render, the press kits and the search
//! index read a body back when they need it; the page cache of the system
//! holds them, not the process.
//!
//! `serve` and `check` keep their bodies in memory: `serve` compares and
//! patches them after every save, and neither lives long enough on a
//! large site for the file to pay.
//!
//! The file has no name (`O_TMPFILE` where the system offers it), so it
//! disappears with the process, also when the build is killed. A body
//! that cannot be written stays in memory; one that cannot be read back
//! reads as empty and marks the spill failed ([`Spill::failure`]), and
//! the build stops before it publishes anything.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The folder below the site root that holds the spill file, beside the
/// other caches.
pub const DIR: &str = ".kommhub-cache";

/// One build's file of bodies.
pub struct Spill {
    file: File,
    /// Where the next text goes.
    end: Mutex<u64>,
    /// The first read that failed.
    failed: Mutex<Option<io::Error>>,
}

impl Spill {
    /// A new, empty spill file below `root`'s `.kommhub-cache/`. Refused
    /// when that folder is a symlink: kommhub writes through no links.
    pub fn in_root(root: &Path) -> Result<Arc<Spill>, crate::Error> {
        let dir = root.join(DIR);
        crate::output::refuse_link(&dir)?;
        let io_error = |e| crate::Error::io(&dir, e);
        std::fs::create_dir_all(&dir).map_err(io_error)?;
        let file = tempfile::tempfile_in(&dir).map_err(io_error)?;
        Ok(Arc::new(Spill {
            file,
            end: Mutex::new(0),
            failed: Mutex::new(None),
        }))
    }

    /// Writes `text` at the end of the file; returns where it starts. The
    /// place is taken under the lock, the bytes written outside it, so
    /// both threads of a parse write at once.
    fn put(&self, text: &str) -> io::Result<u64> {
        let length = u64::try_from(text.len()).map_err(io::Error::other)?;
        let at = {
            let mut end = self.end.lock().map_err(|_| io::Error::other("poisoned"))?;
            let at = *end;
            *end += length;
            at
        };
        self.file.write_all_at(text.as_bytes(), at)?;
        Ok(at)
    }

    /// The text of `length` bytes at `at`.
    fn get(&self, at: u64, length: usize) -> io::Result<String> {
        let mut bytes = vec![0; length];
        self.file.read_exact_at(&mut bytes, at)?;
        String::from_utf8(bytes).map_err(io::Error::other)
    }

    /// Why a body could not be read back, if one could not.
    pub fn failure(&self) -> Option<String> {
        let failed = self.failed.lock().ok()?;
        failed.as_ref().map(ToString::to_string)
    }

    fn fail(&self, error: io::Error) {
        if let Ok(mut failed) = self.failed.lock() {
            failed.get_or_insert(error);
        }
    }
}

/// A text a document keeps: in memory, or in the build's [`Spill`].
#[derive(Clone)]
pub struct Text(Place);

#[derive(Clone)]
enum Place {
    Held(Arc<str>),
    Spilled {
        spill: Arc<Spill>,
        at: u64,
        length: usize,
    },
}

impl Text {
    pub fn held(text: String) -> Text {
        Text(Place::Held(text.into()))
    }

    /// The text, read back from the spill if it was written there (an
    /// empty one if that fails; see [`Spill::failure`]).
    pub fn get(&self) -> Arc<str> {
        match &self.0 {
            Place::Held(text) => Arc::clone(text),
            Place::Spilled { spill, at, length } => match spill.get(*at, *length) {
                Ok(text) => text.into(),
                Err(error) => {
                    spill.fail(error);
                    Arc::from("")
                }
            },
        }
    }

    /// The text when it is in memory: `None` once it was spilled.
    pub fn in_memory(&self) -> Option<&Arc<str>> {
        match &self.0 {
            Place::Held(text) => Some(text),
            Place::Spilled { .. } => None,
        }
    }

    /// Moves the text into `spill`; it stays in memory if it cannot be
    /// written (the file system full, say). Empty texts stay.
    pub fn spill_into(&mut self, spill: &Arc<Spill>) {
        let Place::Held(text) = &self.0 else {
            return;
        };
        if text.is_empty() {
            return;
        }
        if let Ok(at) = spill.put(text) {
            let length = text.len();
            self.0 = Place::Spilled {
                spill: Arc::clone(spill),
                at,
                length,
            };
        }
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::held(String::new())
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for Text {}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Place::Held(text) => text.fmt(f),
            Place::Spilled { at, length, .. } => write!(f, "<{length} bytes spilled at {at}>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spilled_text_reads_back_the_same_and_leaves_memory() {
        let root = tempfile::tempdir().unwrap();
        let spill = Spill::in_root(root.path()).unwrap();
        let texts = [
            "<p>Erste Meldung</p>",
            "",
            "<p>Zweite – mit Umlauten: äöü</p>",
        ];
        let mut kept: Vec<Text> = texts.iter().map(|t| Text::held(t.to_string())).collect();
        for text in &mut kept {
            text.spill_into(&spill);
        }
        for (text, written) in kept.iter().zip(texts) {
            assert_eq!(&*text.get(), written);
            assert_eq!(text.in_memory().is_some(), written.is_empty());
        }
        assert_eq!(kept[0], Text::held(texts[0].to_string()));
        assert!(spill.failure().is_none());
        // The file has no name: the cache folder shows nothing of it.
        let listed: Vec<_> = std::fs::read_dir(root.path().join(DIR)).unwrap().collect();
        assert!(listed.is_empty(), "{listed:?}");
    }

    #[test]
    fn a_text_that_cannot_be_read_back_is_empty_and_fails_the_spill() {
        let root = tempfile::tempdir().unwrap();
        let spill = Spill::in_root(root.path()).unwrap();
        let beyond = Text(Place::Spilled {
            spill: Arc::clone(&spill),
            at: 0,
            length: 10,
        });
        assert_eq!(&*beyond.get(), "");
        assert!(spill.failure().is_some());
    }

    #[test]
    fn a_linked_cache_folder_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), root.path().join(DIR)).unwrap();
        assert!(Spill::in_root(root.path()).is_err());
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}
