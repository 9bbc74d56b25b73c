//! A build's files written as render makes them, so that a build holds
//! the model in memory, not the site (issue 17: at 100,000 releases the
//! rendered site no longer fit beside everything else).
//!
//! [`Stream::open`] takes the lock and prepares the staging folder before
//! anything is rendered: as it was (the previous build's files, compared
//! byte for byte), or, for a build that renders only what changed, as a
//! mirror of the published site ([`super::changes::mirror`]). Render's
//! threads then hand each unit's files to [`Stream::put`], which writes the
//! ones whose bytes differ and lets go of the bytes. [`Stream::finish`]
//! writes the precompressed siblings of text files that changed or lack
//! them (reading each file back, while the page cache still holds it),
//! removes what the new site no longer has, and swaps. A failed build never
//! reaches the swap: the published site stays, and the next build puts the
//! staging folder right, as it always does.
//!
//! A changed file's siblings are removed before the file is written, so a
//! build killed at any moment leaves no sibling that disagrees with its
//! file (the next build compresses whatever lacks one).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

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

    /// Writes one file unless the staging folder holds its bytes; a
    /// changed file loses its siblings first. True if written.
    fn write(&self, target: &Path, file: &OutputFile) -> Result<bool, Error> {
        let known = self.existing.contains(target);
        let bytes = super::bytes_of(&file.content, &self.caches)?;
        if known && super::holds(target, &bytes) {
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
        super::put(target, &bytes)?;
        Ok(true)
    }

    /// Compresses, removes and swaps: `all` is every file of the new site
    /// (a file of the site's own named `x.gz` wins over a sibling);
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
        let compressed: Vec<Vec<PathBuf>> = put
            .par_iter()
            .map(|(target, changed)| compress(target, *changed, &self.existing, &outputs))
            .collect::<Result<_, Error>>()?;
        let gone: Vec<PathBuf> = match self.base {
            Base::Staging => {
                let mut keep: HashSet<&PathBuf> = put.iter().map(|(path, _)| path).collect();
                keep.extend(compressed.iter().flatten());
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

/// Writes the siblings of `target` when it gets them and they are
/// missing or its bytes changed; returns the siblings it has.
fn compress(
    target: &Path,
    changed: bool,
    existing: &HashSet<PathBuf>,
    outputs: &HashSet<PathBuf>,
) -> Result<Vec<PathBuf>, Error> {
    let [gz, br] = siblings(target);
    if outputs.contains(&gz) || outputs.contains(&br) {
        return Ok(Vec::new());
    }
    let name = target.to_string_lossy();
    let len = std::fs::metadata(target)
        .map_err(|e| Error::io(target, e))?
        .len();
    if !precompress::wants(&name, usize::try_from(len).unwrap_or(usize::MAX)) {
        return Ok(Vec::new());
    }
    if !changed && existing.contains(&gz) && existing.contains(&br) {
        return Ok(vec![gz, br]);
    }
    let bytes = std::fs::read(target).map_err(|e| Error::io(target, e))?;
    super::put_whole(&gz, &precompress::gzip(&bytes))?;
    super::put_whole(&br, &precompress::brotli(&bytes))?;
    Ok(vec![gz, br])
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
