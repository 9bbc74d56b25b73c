//! A build's files written as render makes them, so that a build holds
//! the model in memory, not the site (issue 17: at 100,000 releases the
//! rendered site no longer fit beside everything else).
//!
//! [`Stream::open`] takes the lock and prepares the staging folder before
//! anything is rendered: as it was (the previous build's files, compared
//! byte for byte), or, for a build that renders only what changed, as a
//! mirror of the published site ([`super::changes::mirror`]). Render's
//! threads then hand each unit's files to [`Stream::put`], which writes the
//! ones whose bytes differ, with the precompressed siblings of text files
//! that changed or lack them, made from the bytes in hand, and lets go of
//! the bytes. (Compressing at the end instead meant reading every page
//! back: at 100,000 releases the page cache no longer held them, and the
//! write stage read 12 GB from disk.) [`Stream::finish`] removes what the
//! new site no longer has, and swaps. A failed build never
//! reaches the swap: the published site stays, and the next build puts the
//! staging folder right, as it always does.
//!
//! A changed file's siblings are removed before the file is written, so a
//! build killed at any moment leaves no sibling that disagrees with its
//! file (the next build compresses whatever lacks one).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};

use super::{
    Caches, Claim, Destination, MARKER, MARKER_TEXT, WriteReport, claim, precompress, swap,
};
use crate::Error;
use crate::render::OutputFile;
use crate::site_path::SitePath;

/// What the staging folder starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// Whatever it holds (the build before last): every file is compared.
    Staging,
    /// The published site, mirrored by hard links: a build that renders
    /// only what changed writes those files over it.
    Published,
}

/// An open build: the lock held, the staging folder prepared.
pub struct Stream {
    _lock: swap::Lock,
    claim: Claim,
    base: Base,
    /// The files in the staging folder before this build wrote.
    existing: HashSet<PathBuf>,
    /// Where share cards and crops are kept, and how many cards were drawn.
    caches: Caches,
    /// Each file put: its path and whether its bytes changed.
    put: Mutex<Vec<(PathBuf, bool)>>,
    /// The pairs of siblings written or kept so far.
    siblings: Mutex<Vec<[PathBuf; 2]>>,
    /// The site's own files put so far whose names end like a sibling's
    /// (`daten.csv.gz`). Siblings are written under the read lock and
    /// never where such a file is, and such a file is written under the
    /// write lock: whichever comes first, the site's own file wins, and
    /// siblings are written in parallel.
    own_suffixed: RwLock<HashSet<PathBuf>>,
    /// The first error; later files are not written.
    failed: Mutex<Option<Error>>,
}

impl Stream {
    /// Takes the lock (calling `waiting` if another build holds it),
    /// claims the output folder again under it and prepares the staging
    /// folder from `base`. `first` is the claim made before the build.
    pub fn open(
        destination: Destination,
        first: &Claim,
        base: Base,
        waiting: impl FnOnce(&Path),
    ) -> Result<Stream, Error> {
        if let Some(parent) = first.lock.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let lock = swap::lock(&first.lock, || waiting(&first.lock))?;
        let claim = claim(destination.root, destination.out_dir, destination.force)?;
        let caches = Caches::in_root(destination.root);
        std::fs::create_dir_all(&claim.staging).map_err(|e| Error::io(&claim.staging, e))?;
        let existing = match base {
            Base::Staging => super::existing_files(&claim.staging)?,
            Base::Published => super::changes::mirror(&claim.out_dir, &claim.staging)?,
        };
        // The marker first: a build killed half-way leaves a folder that
        // the next build still recognises as its own.
        let marker = claim.staging.join(MARKER);
        super::write_if_changed(&marker, MARKER_TEXT.as_bytes(), existing.contains(&marker))?;
        Ok(Stream {
            _lock: lock,
            claim,
            base,
            existing,
            caches,
            put: Mutex::new(Vec::new()),
            siblings: Mutex::new(Vec::new()),
            own_suffixed: RwLock::new(HashSet::new()),
            failed: Mutex::new(None),
        })
    }

    /// Writes `files` whose bytes differ from the staging folder's and
    /// empties their contents (their paths stay). Safe to call from many
    /// threads; an error is kept for [`Stream::finish`].
    pub fn put(&self, files: &mut [OutputFile]) {
        for file in files {
            if self.failed.lock().is_ok_and(|failed| failed.is_some()) {
                return;
            }
            let target = self.claim.staging.join(file.path.as_str());
            match self.write(&target, file) {
                Ok(changed) => {
                    if let Ok(mut put) = self.put.lock() {
                        put.push((target, changed));
                    }
                }
                Err(error) => {
                    if let Ok(mut failed) = self.failed.lock() {
                        failed.get_or_insert(error);
                    }
                }
            }
            file.content = crate::render::Content::Bytes(Vec::new());
        }
    }

    /// Writes one file unless the staging folder holds its bytes, then
    /// its siblings; a changed file loses its siblings first. True if
    /// written.
    fn write(&self, target: &Path, file: &OutputFile) -> Result<bool, Error> {
        let bytes = super::bytes_of(&file.content, &self.caches)?;
        // Held while such a file is written, so no sibling lands on it.
        let own = match named_like_a_sibling(target) {
            true => {
                let mut own = self.own_suffixed.write().map_err(|_| poisoned(target))?;
                own.insert(target.to_path_buf());
                Some(own)
            }
            false => None,
        };
        let changed = self.write_file(target, &bytes)?;
        drop(own);
        self.write_siblings(target, &bytes, changed)?;
        Ok(changed)
    }

    /// Writes `bytes` to `target` unless it holds them; a changed file
    /// loses its siblings first. True if written.
    fn write_file(&self, target: &Path, bytes: &[u8]) -> Result<bool, Error> {
        if self.existing.contains(target) && super::holds(target, bytes) {
            return Ok(false);
        }
        for sibling in siblings(target) {
            if self.existing.contains(&sibling) {
                match std::fs::remove_file(&sibling) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(Error::io(&sibling, e));
                    }
                    _ => {}
                }
            }
        }
        super::put(target, bytes)?;
        Ok(true)
    }

    /// Writes the siblings of `target` when it gets them and they are
    /// missing or its bytes changed, except where the site has a file of
    /// its own by that name.
    fn write_siblings(&self, target: &Path, bytes: &[u8], changed: bool) -> Result<(), Error> {
        if !precompress::wants(&target.to_string_lossy(), bytes.len()) {
            return Ok(());
        }
        let pair = siblings(target);
        let kept = !changed && pair.iter().all(|sibling| self.existing.contains(sibling));
        let made = match kept {
            true => None,
            false => Some([precompress::gzip(bytes), precompress::brotli(bytes)]),
        };
        let own = self.own_suffixed.read().map_err(|_| poisoned(target))?;
        if pair.iter().any(|sibling| own.contains(sibling)) {
            return Ok(());
        }
        if let Some(made) = made {
            for (sibling, compressed) in pair.iter().zip(made) {
                super::put_whole(sibling, &compressed)?;
            }
        }
        drop(own);
        let mut siblings = self.siblings.lock().map_err(|_| poisoned(target))?;
        siblings.push(pair);
        Ok(())
    }

    /// Removes and swaps: `all` is every file of the new site (a file of
    /// the site's own named `x.gz` wins over a sibling, and `x` then gets
    /// no `x.br` either);
    /// `removed`, for a [`Base::Published`] build, the files that are gone.
    pub fn finish(
        self,
        all: &HashSet<SitePath>,
        removed: &[SitePath],
    ) -> Result<WriteReport, Error> {
        if let Some(error) = self.failed.into_inner().ok().flatten() {
            return Err(error);
        }
        let put = self.put.into_inner().unwrap_or_default();
        let dir = &self.claim.staging;
        let outputs: HashSet<PathBuf> = all.iter().map(|p| dir.join(p.as_str())).collect();
        let made = self.siblings.into_inner().unwrap_or_default();
        let made = drop_partners_of_own(made, &outputs)?;
        let gone: Vec<PathBuf> = match self.base {
            Base::Staging => {
                let mut keep: HashSet<&PathBuf> = put.iter().map(|(path, _)| path).collect();
                keep.extend(&made);
                let marker = dir.join(MARKER);
                keep.insert(&marker);
                let stale = self.existing.iter().filter(|f| !keep.contains(f));
                stale.cloned().collect()
            }
            Base::Published => removed
                .iter()
                .map(|path| dir.join(path.as_str()))
                .flat_map(|target| {
                    let siblings = siblings(&target);
                    std::iter::once(target).chain(siblings)
                })
                .filter(|file| !outputs.contains(file))
                .collect(),
        };
        let removed = remove(&gone)?;
        if removed > 0 {
            super::remove_empty_folders(dir);
        }
        swap::publish(dir, &self.claim.out_dir)?;
        let written = put.iter().filter(|(_, changed)| *changed).count();
        let report = WriteReport {
            written,
            unchanged: put.len() - written,
            removed,
            set_aside: None,
            cards_drawn: self.caches.drawn(),
            cards_cached: self.caches.cached(),
        };
        match self.claim.foreign {
            true => Ok(WriteReport {
                set_aside: Some(super::set_aside(&self.claim)?),
                ..report
            }),
            false => Ok(report),
        }
    }
}

/// `name.gz` and `name.br` beside `target`.
fn siblings(target: &Path) -> [PathBuf; 2] {
    precompress::SUFFIXES.map(|suffix| {
        let mut name = target.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    })
}

/// Whether `target` is named like a sibling (`….gz`, `….br`).
fn named_like_a_sibling(target: &Path) -> bool {
    let name = target.as_os_str().as_encoded_bytes();
    precompress::SUFFIXES
        .iter()
        .any(|suffix| name.ends_with(suffix.as_bytes()))
}

fn poisoned(target: &Path) -> Error {
    Error::io(
        target,
        std::io::Error::other("another writer thread failed"),
    )
}

/// `siblings` less the siblings whose partner is a file of the site's own
/// (`daten.csv.br` where the site has `daten.csv.gz`), which are removed:
/// a file gets both siblings or neither. A sibling that is itself one of
/// `outputs` is the site's file and stays.
fn drop_partners_of_own(
    siblings: Vec<[PathBuf; 2]>,
    outputs: &HashSet<PathBuf>,
) -> Result<Vec<PathBuf>, Error> {
    let mut kept = Vec::with_capacity(2 * siblings.len());
    for pair in siblings {
        match pair.iter().any(|sibling| outputs.contains(sibling)) {
            false => kept.extend(pair),
            true => {
                for sibling in pair.iter().filter(|s| !outputs.contains(*s)) {
                    match std::fs::remove_file(sibling) {
                        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                            return Err(Error::io(sibling, e));
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    Ok(kept)
}

/// Removes `files` (a file already gone is no error); how many went.
fn remove(files: &[PathBuf]) -> Result<usize, Error> {
    let mut removed = 0;
    for file in files {
        match std::fs::remove_file(file) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(file, e)),
            Ok(()) => removed += 1,
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Content, OutputFile};

    fn file(path: &str, bytes: &[u8]) -> OutputFile {
        OutputFile {
            path: SitePath::new(path).unwrap(),
            content: Content::Bytes(bytes.to_vec()),
            origin: None,
        }
    }

    /// Builds `files`, put one after the other in that order, into a new
    /// site's output folder and gives the published file names.
    fn published(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Vec<String>) {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let destination = || Destination {
            root: root.path(),
            out_dir: &out,
            force: false,
        };
        let first = claim(root.path(), &out, false).unwrap();
        let stream = Stream::open(destination(), &first, Base::Staging, |_| {}).unwrap();
        let all: HashSet<SitePath> = files
            .iter()
            .map(|(path, _)| SitePath::new(path).unwrap())
            .collect();
        for (path, bytes) in files {
            stream.put(&mut [file(path, bytes)]);
        }
        stream.finish(&all, &[]).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name != MARKER)
            .collect();
        names.sort();
        (root, names)
    }

    #[test]
    fn siblings_are_made_from_the_bytes_put() {
        let table = "jahr;wert\n".repeat(200);
        let (root, names) = published(&[("daten.csv", table.as_bytes()), ("klein.csv", b"a;b\n")]);
        assert_eq!(
            names,
            ["daten.csv", "daten.csv.br", "daten.csv.gz", "klein.csv"]
        );
        let gz = std::fs::read(root.path().join("public/daten.csv.gz")).unwrap();
        let mut unpacked = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut unpacked)
            .unwrap();
        assert_eq!(unpacked, table);
    }

    #[test]
    fn a_file_of_the_sites_own_named_like_a_sibling_wins_in_either_order() {
        let table = "jahr;wert\n".repeat(200);
        let own: &[u8] = b"not made by kommhub";
        let orders: [[(&str, &[u8]); 2]; 2] = [
            [("daten.csv", table.as_bytes()), ("daten.csv.gz", own)],
            [("daten.csv.gz", own), ("daten.csv", table.as_bytes())],
        ];
        for files in orders {
            let (root, names) = published(&files);
            assert_eq!(names, ["daten.csv", "daten.csv.gz"], "{:?}", files[0].0);
            let kept = std::fs::read(root.path().join("public/daten.csv.gz")).unwrap();
            assert_eq!(kept, own, "{:?}", files[0].0);
        }
    }
}
