//! Writing a build that rendered only what changed (the build cache,
//! `pipeline/cache.rs`): the files of every other unit are the published
//! site's, so they are taken from there instead of being written again.
//!
//! The staging folder is first made to hold exactly the published site,
//! by hard links ([`mirror`]): no byte is copied, and a file both folders
//! already share (the same inode) is left alone, so after a build that
//! changed ten files the next one links ten files, not eighty thousand.
//! Then the changed files are written over it and the files that are gone
//! removed, and the folders are swapped as in every build. A linked file
//! is never written through: [`super::put`] replaces a file with a new
//! one, so the published copy stays as it was while the staging folder
//! changes.

use std::collections::{HashMap, HashSet};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use super::{Caches, Claim, Destination, MARKER, Siblings, WriteReport, claim, precompress, swap};
use crate::Error;
use crate::render::Output;
use crate::site_path::SitePath;

/// What a build that rendered only what changed hands the writer.
pub struct Changed<'a> {
    /// The files rendered in this build.
    pub output: &'a Output,
    /// Files of the published site that no unit makes any more.
    pub removed: &'a [SitePath],
    /// Every file of the new site (rendered now or kept), so that a
    /// precompressed sibling never replaces a file of the site's own.
    pub all: &'a HashSet<SitePath>,
}

/// Writes `changed` over the published site via the staging folder and a
/// swap, under the lock; `first` is the claim made before rendering.
pub fn write_changes(
    changed: Changed,
    destination: Destination,
    first: &Claim,
    waiting: impl FnOnce(&Path),
) -> Result<WriteReport, Error> {
    if let Some(parent) = first.lock.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let _lock = swap::lock(&first.lock, || waiting(&first.lock))?;
    let claim = claim(destination.root, destination.out_dir, destination.force)?;
    if claim.foreign {
        return Err(Error::io(
            destination.out_dir,
            std::io::Error::other("the output folder is not the site the build cache describes"),
        ));
    }
    std::fs::create_dir_all(&claim.staging).map_err(|e| Error::io(&claim.staging, e))?;
    let existing = mirror(&claim.out_dir, &claim.staging)?;
    let caches = Caches::in_root(destination.root)?;
    let report = apply(&changed, &claim.staging, &existing, &caches)?;
    swap::publish(&claim.staging, &claim.out_dir)?;
    Ok(report)
}

/// Makes `to` hold exactly the files of `from`, as hard links to them
/// (copies where the file system has no hard links); returns the files
/// of `to`. Symlinks are neither followed nor made.
pub fn mirror(from: &Path, to: &Path) -> Result<HashSet<PathBuf>, Error> {
    let there = identities(to, true)?;
    let wanted = identities(from, false)?;
    let mut folders: Vec<&Path> = wanted.keys().filter_map(|f| f.parent()).collect();
    folders.sort();
    folders.dedup();
    for folder in folders {
        let target = to.join(folder);
        if !target.is_dir() {
            if std::fs::symlink_metadata(&target).is_ok() {
                std::fs::remove_file(&target).map_err(|e| Error::io(&target, e))?;
            }
            std::fs::create_dir_all(&target).map_err(|e| Error::io(&target, e))?;
        }
    }
    wanted
        .par_iter()
        .filter(|(relative, identity)| there.get(*relative) != Some(identity))
        .try_for_each(|(relative, _)| link(&from.join(relative), &to.join(relative)))?;
    let mut stale = false;
    for relative in there.keys().filter(|r| !wanted.contains_key(*r)) {
        let target = to.join(relative);
        std::fs::remove_file(&target).map_err(|e| Error::io(&target, e))?;
        stale = true;
    }
    if stale {
        super::remove_empty_folders(to);
    }
    Ok(wanted
        .into_keys()
        .map(|relative| to.join(relative))
        .collect())
}

/// Device and inode of every file below `dir`, by relative path. With
/// `drop_links`, symlinks there are removed (kommhub writes none).
fn identities(dir: &Path, drop_links: bool) -> Result<HashMap<PathBuf, (u64, u64)>, Error> {
    let mut files = HashMap::new();
    for entry in WalkDir::new(dir).min_depth(1).into_iter() {
        let entry = entry.map_err(|e| Error::io(dir, e.into()))?;
        if entry.path_is_symlink() {
            if drop_links {
                std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let meta = entry
            .metadata()
            .map_err(|e| Error::io(entry.path(), e.into()))?;
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        files.insert(relative.to_path_buf(), (meta.dev(), meta.ino()));
    }
    Ok(files)
}

/// `to` becomes a hard link to `from` (a copy where links fail).
fn link(from: &Path, to: &Path) -> Result<(), Error> {
    if std::fs::symlink_metadata(to).is_ok() {
        std::fs::remove_file(to).map_err(|e| Error::io(to, e))?;
    }
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| Error::io(to, e))
}

/// Writes the changed files into `dir` (which holds the published site)
/// and removes the gone ones, each with its precompressed siblings;
/// share cards and crops come from `caches` or are made.
fn apply(
    changed: &Changed,
    dir: &Path,
    existing: &HashSet<PathBuf>,
    caches: &Caches,
) -> Result<WriteReport, Error> {
    let outputs: HashSet<PathBuf> = changed
        .all
        .iter()
        .map(|path| dir.join(path.as_str()))
        .chain([dir.join(MARKER)])
        .collect();
    let written: Vec<(bool, Vec<PathBuf>)> = changed
        .output
        .files
        .par_iter()
        .map(|file| {
            let bytes = super::bytes_of(&file.content, caches)?;
            super::write_file(
                &file.path,
                &bytes,
                dir,
                existing,
                Siblings::Compressed,
                &outputs,
            )
        })
        .collect::<Result<_, Error>>()?;
    let mut removed = 0;
    for path in changed.removed {
        let target = dir.join(path.as_str());
        let siblings = precompress::SUFFIXES.map(|suffix| {
            let mut name = target.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        });
        let gone = std::iter::once(target).chain(siblings);
        for file in gone.filter(|file| !outputs.contains(file)) {
            match std::fs::remove_file(&file) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&file, e)),
                Ok(()) => removed += 1,
            }
        }
    }
    if removed > 0 {
        super::remove_empty_folders(dir);
    }
    let count = written.iter().filter(|(w, _)| *w).count();
    Ok(WriteReport {
        written: count,
        unchanged: written.len() - count,
        removed,
        set_aside: None,
        cards_drawn: caches.drawn(),
        cards_cached: caches.cached(),
    })
}
