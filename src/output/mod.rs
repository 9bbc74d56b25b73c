//! [`Output`] → `public/` or the preview folder. The only code that
//! writes the site: `build` through [`Stream`], `serve` through [`Preview`].
//!
//! A build is written into a staging folder next to the output folder and
//! swapped in with one exchange (`swap.rs`), so a failed or interrupted
//! build leaves the previous site as it was, readers never meet a missing
//! folder, and files no longer produced disappear. Before anything is
//! written, `claim.rs` decides whether the folder is kommhub's to write;
//! a lock beside it makes a second build wait. The staging folder is not
//! deleted after the swap: it keeps the site of the build before, and the
//! next build only rewrites the files whose bytes differ. Deleting and
//! re-creating thousands of files on every build is what made writing slow
//! (ext4 spends its time looking for free inodes).

pub mod card;
mod changes;
mod claim;
pub mod glyphs;
pub mod precompress;
mod preview;
mod stream;
mod swap;
mod zip;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::Error;
use crate::render::Output;

pub use card::Caches;
pub use claim::{Claim, MARKER, MARKER_TEXT, claim, refuse_link, working_folder};
pub use preview::{Preview, Updated};
pub use stream::{Base, Stream};
pub use zip::bytes_of;

/// What a write changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Where the files of a folder given with `--force-output` were moved.
    pub set_aside: Option<PathBuf>,
    /// Share cards drawn, and taken from the card cache.
    pub cards_drawn: usize,
    pub cards_cached: usize,
}

/// Where a build goes, as the user asked for it.
#[derive(Debug, Clone, Copy)]
pub struct Destination<'a> {
    pub root: &'a Path,
    pub out_dir: &'a Path,
    /// `--force-output`: a non-empty folder kommhub did not write may be
    /// taken over; its files are moved aside, never deleted.
    pub force: bool,
}

/// After a forced swap the staging name holds the files that were in the
/// output folder; they move to `.<name>.before-kommhub` (numbered if
/// taken) and stay there.
pub(super) fn set_aside(claim: &Claim) -> Result<PathBuf, Error> {
    let parent = claim.out_dir.parent().unwrap_or(Path::new("/"));
    let name = claim
        .out_dir
        .file_name()
        .unwrap_or_default()
        .to_string_lossy();
    let mut target = parent.join(format!(".{name}.before-kommhub"));
    let mut number = 2;
    while std::fs::symlink_metadata(&target).is_ok() {
        target = parent.join(format!(".{name}.before-kommhub-{number}"));
        number += 1;
    }
    std::fs::rename(&claim.staging, &target).map_err(|e| Error::io(&claim.staging, e))?;
    Ok(target)
}

/// Makes `dir` (`serve`'s preview) hold exactly `output`: writes files
/// whose bytes differ, leaves equal ones alone and removes files that are
/// no longer produced. Files are made in parallel, share cards and crops
/// too (`caches` keeps them).
pub fn sync(output: &Output, dir: &Path, caches: &Caches) -> Result<WriteReport, Error> {
    let existing = existing_files(dir)?;
    // The marker first: a build killed half-way leaves a folder that the
    // next build still recognises as its own.
    let marker = dir.join(MARKER);
    write_if_changed(&marker, MARKER_TEXT.as_bytes(), existing.contains(&marker))?;
    let mut folders: Vec<PathBuf> = output
        .files
        .iter()
        .filter_map(|f| dir.join(f.path.as_str()).parent().map(Path::to_path_buf))
        .collect();
    folders.sort();
    folders.dedup();
    for folder in &folders {
        if !folder.is_dir() {
            if folder.exists() {
                // A file where a folder must go (an old page became a section).
                std::fs::remove_file(folder).map_err(|e| Error::io(folder, e))?;
            }
            std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
        }
    }
    let mut keep: HashSet<PathBuf> = output
        .files
        .iter()
        .map(|f| dir.join(f.path.as_str()))
        .collect();
    let written: Vec<bool> = output
        .files
        .par_iter()
        .map(|file| write_file(file, dir, &existing, caches))
        .collect::<Result<_, Error>>()?;
    keep.insert(marker);
    let mut removed = 0;
    for stale in existing.difference(&keep) {
        match std::fs::remove_file(stale) {
            // A sibling of a changed file, removed already.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(stale, e)),
            Ok(()) => removed += 1,
        }
    }
    if removed > 0 {
        remove_empty_folders(dir);
    }
    let count = written.iter().filter(|w| **w).count();
    Ok(WriteReport {
        written: count,
        unchanged: written.len() - count,
        removed,
        set_aside: None,
        cards_drawn: caches.drawn(),
        cards_cached: caches.cached(),
    })
}

/// Writes one file of the output into `dir` unless it holds its bytes
/// already; returns whether it was written.
fn write_file(
    file: &crate::render::OutputFile,
    dir: &Path,
    existing: &HashSet<PathBuf>,
    caches: &Caches,
) -> Result<bool, Error> {
    let target = dir.join(file.path.as_str());
    let known = existing.contains(&target);
    let bytes = bytes_of(&file.content, caches)?;
    let same = known && holds(&target, &bytes);
    if !same {
        put(&target, &bytes)?;
    }
    Ok(!same)
}

/// The files below `dir`, in one walk that also removes every symlink
/// (the link, not what it points to): kommhub writes none, and writing
/// through one would put files outside the output folder.
pub(super) fn existing_files(dir: &Path) -> Result<HashSet<PathBuf>, Error> {
    let mut files = HashSet::new();
    for entry in WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path_is_symlink() {
            std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        } else if entry.file_type().is_file() {
            files.insert(entry.into_path());
        }
    }
    Ok(files)
}

/// Writes `bytes` unless `target` already holds exactly them; true if written.
pub(super) fn write_if_changed(target: &Path, bytes: &[u8], known: bool) -> Result<bool, Error> {
    if known && holds(target, bytes) {
        return Ok(false);
    }
    put(target, bytes)?;
    Ok(true)
}

/// Whether the file at `target` holds exactly `bytes`.
pub(super) fn holds(target: &Path, bytes: &[u8]) -> bool {
    let same_size = std::fs::metadata(target).is_ok_and(|m| m.len() == bytes.len() as u64);
    same_size && std::fs::read(target).is_ok_and(|old| old == bytes)
}

/// Writes `bytes` to `target` under a temporary name first, so `target`
/// is never half-written. A temporary file left by a killed build is not
/// the build's, and the next one removes it.
pub(super) fn put_whole(target: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut partial = target.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    put(&partial, bytes)?;
    std::fs::rename(&partial, target).map_err(|e| Error::io(target, e))
}

/// Writes `bytes` to `target`, creating its folder, as a new file: what
/// was at `target` is removed first, never written through. It may be a
/// symlink (which kommhub never writes), or a hard link to the published
/// site's file ([`changes::mirror`]).
pub(super) fn put(target: &Path, bytes: &[u8]) -> Result<(), Error> {
    if std::fs::symlink_metadata(target).is_ok() {
        std::fs::remove_file(target).map_err(|e| Error::io(target, e))?;
    }
    if let Some(folder) = target.parent() {
        if !folder.is_dir() {
            // A file where a folder must go (an old page became a section);
            // another thread may have made the folder meanwhile.
            if std::fs::symlink_metadata(folder).is_ok_and(|m| !m.is_dir()) {
                std::fs::remove_file(folder).map_err(|e| Error::io(folder, e))?;
            }
            std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
        }
    }
    std::fs::write(target, bytes).map_err(|e| Error::io(target, e))
}

pub(super) fn remove_empty_folders(dir: &Path) {
    let mut folders: Vec<PathBuf> = WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.path().to_path_buf())
        .collect();
    // Deepest first, so a parent is empty once its children are gone.
    folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
    for folder in folders {
        let _ = std::fs::remove_dir(folder);
    }
}
