//! [`Output`] → `public/`. The only code that writes the site.
//!
//! Everything is written into a staging folder next to the output folder
//! and swapped in with two renames, so a failed or interrupted build leaves
//! the previous site as it was, and files from earlier builds that are no
//! longer produced disappear.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::Error;
use crate::render::{Content, Output};

/// Writes `output` to `out_dir` via a staging folder and a swap.
pub fn write(output: &Output, out_dir: &Path) -> Result<(), Error> {
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
    for leftover in [&staging, &old] {
        if leftover.exists() {
            std::fs::remove_dir_all(leftover).map_err(|e| Error::io(leftover, e))?;
        }
    }
    std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    let written = write_files(output, &staging);
    if let Err(error) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(error);
    }
    swap(&staging, out_dir, &old)
}

fn write_files(output: &Output, staging: &Path) -> Result<(), Error> {
    let mut folders: Vec<PathBuf> = output
        .files
        .iter()
        .filter_map(|f| {
            staging
                .join(f.path.as_str())
                .parent()
                .map(Path::to_path_buf)
        })
        .collect();
    folders.sort();
    folders.dedup();
    for folder in &folders {
        std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
    }
    output.files.par_iter().try_for_each(|file| {
        let target = staging.join(file.path.as_str());
        match &file.content {
            Content::Bytes(bytes) => {
                std::fs::write(&target, bytes).map_err(|e| Error::io(&target, e))
            }
            Content::Copy(from) => std::fs::copy(from, &target)
                .map(|_| ())
                .map_err(|e| Error::io(from, e)),
        }
    })
}

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
        std::fs::remove_dir_all(old).map_err(|e| Error::io(old, e))?;
    }
    Ok(())
}
