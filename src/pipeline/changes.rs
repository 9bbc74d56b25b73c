//! What changed on disk, sorted by what it means for a run.
//!
//! `serve` hears of changed paths from the file watcher; [`classify`]
//! turns them into [`Changes`], which tell the [`super::Engine`] what to
//! read again.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::source;

/// What changed on disk since the last run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// `site.yaml`: start from scratch.
    pub config: bool,
    /// Templates or translation strings of the theme.
    pub theme: bool,
    /// Files in the theme's `static/`.
    pub statics: bool,
    /// Files below `content/`, relative to the root.
    pub content: BTreeSet<PathBuf>,
}

impl Changes {
    /// Everything, as for the first run.
    pub fn everything() -> Self {
        Changes {
            config: true,
            ..Changes::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.config && !self.theme && !self.statics && self.content.is_empty()
    }

    /// Only stylesheets changed, which a browser can swap without reload.
    pub fn only_css(&self, changed: &[String]) -> bool {
        !self.config
            && !self.theme
            && self.content.is_empty()
            && !changed.is_empty()
            && changed.iter().all(|u| u.ends_with(".css"))
    }
}

/// Sorts relative paths of changed files into [`Changes`].
pub fn classify(root: &Path, theme: &str, paths: &[PathBuf], ignored: &[PathBuf]) -> Changes {
    let mut changes = Changes::default();
    let theme_dir = Path::new("themes").join(theme);
    for path in paths {
        let relative = path.strip_prefix(root).unwrap_or(path);
        if ignored.iter().any(|i| relative.starts_with(i)) {
            continue;
        }
        let name = relative
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if source::is_ignored(&name)
            || relative
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        {
            continue;
        }
        if relative == Path::new(crate::config::FILE_NAME) {
            changes.config = true;
        } else if relative.starts_with(source::CONTENT_DIR) {
            changes.content.insert(relative.to_path_buf());
        } else if relative.starts_with(theme_dir.join("static")) {
            changes.statics = true;
        } else if relative.starts_with(&theme_dir) {
            changes.theme = true;
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_sorted_by_where_they_happen() {
        let root = Path::new("/site");
        let paths: Vec<PathBuf> = [
            "/site/content/news/a.md",
            "/site/content/news/.a.md.swp",
            "/site/themes/hub/templates/base.html",
            "/site/themes/hub/static/style.css",
            "/site/public/index.html",
            "/site/.kommhub-serve/x.html",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let changes = classify(root, "hub", &paths, &[PathBuf::from("public")]);
        assert_eq!(
            changes.content,
            BTreeSet::from([PathBuf::from("content/news/a.md")])
        );
        assert!(changes.theme && changes.statics && !changes.config);
    }
}
