//! [`Output`] → `public/`. The only code that writes the site.
//!
//! A build is written into a staging folder next to the output folder and
//! swapped in with renames, so a failed or interrupted build leaves the
//! previous site as it was and files no longer produced disappear. The
//! staging folder is not deleted after the swap: it keeps the site of the
//! build before, and the next build only rewrites the files whose bytes
//! differ. Deleting and re-creating thousands of files on every build is
//! what made writing slow (ext4 spends its time looking for free inodes).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::Error;
use crate::render::{Content, Output};

/// What a write changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Writes `output` to `out_dir` via the staging folder and a swap.
pub fn write(output: &Output, out_dir: &Path) -> Result<WriteReport, Error> {
    let parent = out_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".to_string());
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let staging = parent.join(format!(".{name}.staging"));
    let old = parent.join(format!(".{name}.old"));
    if old.exists() {
        // Left by a swap that was interrupted half-way.
        std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
    }
    std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    let report = sync(output, &staging)?;
    swap(&staging, out_dir, &old)?;
    Ok(report)
}

/// Makes `dir` hold exactly `output`: writes files whose bytes differ,
/// leaves equal ones alone and removes files that are no longer produced.
pub fn sync(output: &Output, dir: &Path) -> Result<WriteReport, Error> {
    let existing: HashSet<PathBuf> = WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect();
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
    let written: Vec<bool> = output
        .files
        .par_iter()
        .map(|file| {
            let target = dir.join(file.path.as_str());
            let known = existing.contains(&target);
            match &file.content {
                Content::Bytes(bytes) => write_if_changed(&target, bytes, known),
                Content::Copy(from) => {
                    let bytes = std::fs::read(from).map_err(|e| Error::io(from, e))?;
                    write_if_changed(&target, &bytes, known)
                }
            }
        })
        .collect::<Result<_, _>>()?;
    let keep: HashSet<PathBuf> = output
        .files
        .iter()
        .map(|f| dir.join(f.path.as_str()))
        .collect();
    let mut removed = 0;
    for stale in existing.difference(&keep) {
        std::fs::remove_file(stale).map_err(|e| Error::io(stale, e))?;
        removed += 1;
    }
    if removed > 0 {
        remove_empty_folders(dir);
    }
    let count = written.iter().filter(|w| **w).count();
    Ok(WriteReport {
        written: count,
        unchanged: written.len() - count,
        removed,
    })
}

/// Writes `bytes` unless `target` already holds exactly them; true if written.
fn write_if_changed(target: &Path, bytes: &[u8], known: bool) -> Result<bool, Error> {
    if known {
        let same_size = std::fs::metadata(target).is_ok_and(|m| m.len() == bytes.len() as u64);
        if same_size && std::fs::read(target).is_ok_and(|old| old == bytes) {
            return Ok(false);
        }
    }
    std::fs::write(target, bytes).map_err(|e| Error::io(target, e))?;
    Ok(true)
}

fn remove_empty_folders(dir: &Path) {
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

/// `out_dir` becomes `staging`'s content; the previous `out_dir` becomes
/// the next build's staging folder.
fn swap(staging: &Path, out_dir: &Path, old: &Path) -> Result<(), Error> {
    let had_previous = out_dir.exists();
    if had_previous {
        std::fs::rename(out_dir, old).map_err(|e| Error::io(out_dir, e))?;
    }
    if let Err(error) = std::fs::rename(staging, out_dir) {
        if had_previous {
            let _ = std::fs::rename(old, out_dir);
        }
        return Err(Error::io(out_dir, error));
    }
    if had_previous {
        std::fs::rename(old, staging).map_err(|e| Error::io(old, e))?;
    }
    Ok(())
}
