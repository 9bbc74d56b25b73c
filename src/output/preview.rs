//! The preview folder of `serve`, kept current file by file.
//!
//! The same writer as a build's: [`super::sync`] makes the folder hold a
//! whole run at first (planted symlinks removed); after that each run
//! hands over only what it rendered and what is gone, and a file is
//! written only when its bytes differ from what the folder holds
//! ([`super::write_if_changed`], which writes through [`super::put`] and
//! so never through a symlink).

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Caches;
use crate::Error;
use crate::render::{Output, OutputFile};
use crate::site_path::SitePath;

/// What one update changed.
#[derive(Debug, Clone, Default)]
pub struct Updated {
    /// Site URLs whose files were written or removed: `/news/a/`, `/style.css`.
    pub changed: Vec<String>,
    pub written: usize,
    pub removed: usize,
}

/// The folder this writer fills, for the site at `root` (whose card
/// cache it shares with builds).
pub struct Preview {
    dir: PathBuf,
    root: PathBuf,
}

impl Preview {
    pub fn new(dir: PathBuf, root: PathBuf) -> Self {
        Preview { dir, root }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Makes the folder hold exactly `files` (the first run): files left
    /// from an earlier session and planted symlinks go.
    pub fn fill(&mut self, files: Vec<OutputFile>) -> Result<Updated, Error> {
        let output = Output { files };
        let caches = Caches::in_root(&self.root);
        let report = super::sync(&output, &self.dir, &caches)?;
        Ok(Updated {
            changed: output.files.iter().map(|f| url_of(&f.path)).collect(),
            written: report.written,
            removed: report.removed,
        })
    }

    /// Writes those of `files` whose bytes differ from the folder's (in
    /// parallel: a new release's share card is drawn here) and removes
    /// `removed`.
    pub fn update(&mut self, files: &[OutputFile], removed: &[SitePath]) -> Result<Updated, Error> {
        let cards = Caches::in_root(&self.root);
        let written: Vec<Option<String>> = files
            .par_iter()
            .map(|file| {
                let target = self.dir.join(file.path.as_str());
                // A symlink is no file of ours: `put` replaces it.
                let ours = std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_file());
                let bytes = super::zip::bytes_of(&file.content, &cards)?;
                let changed = super::write_if_changed(&target, &bytes, ours)?;
                Ok(changed.then(|| url_of(&file.path)))
            })
            .collect::<Result<_, Error>>()?;
        let mut updated = Updated::default();
        updated.changed.extend(written.into_iter().flatten());
        updated.written = updated.changed.len();
        for path in removed {
            let target = self.dir.join(path.as_str());
            if std::fs::symlink_metadata(&target).is_ok() {
                std::fs::remove_file(&target).map_err(|e| Error::io(&target, e))?;
            }
            updated.changed.push(url_of(path));
            updated.removed += 1;
        }
        updated.changed.sort();
        Ok(updated)
    }
}

/// `en/news/a/index.html` → `/en/news/a/`; other files keep their name.
fn url_of(path: &SitePath) -> String {
    let text = path.as_str();
    match text.strip_suffix("index.html") {
        Some(folder) => format!("/{folder}"),
        None => format!("/{text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Content;

    #[test]
    fn urls_of_written_files() {
        assert_eq!(
            url_of(&SitePath::new("en/news/a/index.html").unwrap()),
            "/en/news/a/"
        );
        assert_eq!(url_of(&SitePath::new("index.html").unwrap()), "/");
        assert_eq!(url_of(&SitePath::new("style.css").unwrap()), "/style.css");
    }

    #[test]
    fn an_update_replaces_a_planted_link_instead_of_writing_through_it() {
        let dir = std::env::temp_dir().join(format!("kommhub-preview-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let outside = dir.with_extension("outside");
        std::fs::write(&outside, "keep").unwrap();
        let mut preview = Preview::new(dir.clone(), dir.with_extension("root"));
        preview.fill(Vec::new()).unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("a.txt")).unwrap();
        let file = OutputFile {
            path: SitePath::new("a.txt").unwrap(),
            content: Content::Bytes(b"new".to_vec()),
            origin: None,
        };
        let updated = preview.update(&[file], &[]).unwrap();
        assert_eq!(updated.changed, vec!["/a.txt".to_string()]);
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(dir.join("a.txt")).unwrap(), "new");
        assert!(
            !std::fs::symlink_metadata(dir.join("a.txt"))
                .unwrap()
                .is_symlink()
        );
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_file(&outside);
    }
}
