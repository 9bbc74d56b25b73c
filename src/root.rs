//! The site root as a border: kommhub reads nothing that lies outside it.
//!
//! SPEC.md promises that nothing outside `--root` is read, whatever
//! symlinks point where. Every stage that reads the disk (site.yaml, the
//! source walk, the theme) asks [`SiteRoot`] whether a path is inside, so
//! the answer is decided in this one place: a path is inside when its real
//! location, every symlink on the way resolved, lies below the root's real
//! location. A symlink that stays inside is followed like any file; one
//! that leads out is refused by name and its target is never opened, so
//! not even an error message can quote what it points to.

use std::path::{Component, Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic};

/// The site root and its real location.
#[derive(Debug, Clone)]
pub struct SiteRoot {
    given: PathBuf,
    canonical: PathBuf,
}

/// Where a path below the root really lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Inside the root: the real path to read.
    Inside(PathBuf),
    /// The symlink `link` (relative to the root) leads out of the root.
    Outside { link: PathBuf },
    /// Nothing is there, or a symlink points at nothing.
    Missing,
}

impl SiteRoot {
    /// The root at `path`; fails when it does not exist or cannot be read.
    pub fn new(path: &Path) -> std::io::Result<SiteRoot> {
        Ok(SiteRoot {
            given: path.to_path_buf(),
            canonical: path.canonicalize()?,
        })
    }

    /// The root as the user named it.
    pub fn path(&self) -> &Path {
        &self.given
    }

    /// Whether `path` (absolute, or relative to the working directory as
    /// the root is) really lies inside the root. A path that cannot be
    /// resolved is not inside.
    pub fn contains(&self, path: &Path) -> bool {
        path.canonicalize()
            .is_ok_and(|real| real.starts_with(&self.canonical))
    }

    /// Where `relative`, a path below the root such as
    /// `themes/hub/i18n/de.yaml`, really lies. When it leads out, names
    /// the first part of it that does, so the message can point at the
    /// link staff must replace.
    pub fn resolve(&self, relative: &Path) -> Resolved {
        let mut prefix = PathBuf::new();
        let mut real = self.canonical.clone();
        for component in relative.components() {
            let Component::Normal(part) = component else {
                // Only plain names lead somewhere below the root.
                return Resolved::Outside {
                    link: relative.to_path_buf(),
                };
            };
            prefix.push(part);
            match self.given.join(&prefix).canonicalize() {
                Ok(here) if here.starts_with(&self.canonical) => real = here,
                Ok(_) => return Resolved::Outside { link: prefix },
                Err(_) => return Resolved::Missing,
            }
        }
        Resolved::Inside(real)
    }
}

/// The text of `path` when it is a regular file; a pipe or device is
/// refused before it is opened, since reading it could wait forever.
pub fn read_regular(path: &Path) -> std::io::Result<String> {
    if std::fs::metadata(path)?.is_file() {
        std::fs::read_to_string(path)
    } else {
        Err(std::io::Error::other("it is not a regular file"))
    }
}

/// The error for `file`, which is not read because `link` (the file
/// itself or a folder on its way) leads out of the site root. Names both,
/// never the target.
pub fn refused(code: Code, file: &Path, link: &Path) -> Diagnostic {
    let message = if file == link {
        "this is a symlink that leads out of the site root, so it is not read".to_string()
    } else {
        format!(
            "`{}` is a symlink that leads out of the site root, so this file is not read",
            link.display()
        )
    };
    Diagnostic::error(
        code,
        file,
        message,
        "copy the files into the site's folder instead of linking to them (a symlink may only point to another place inside the site)",
    )
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_are_followed_only_while_they_stay_inside() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("themes/hub")).unwrap();
        std::fs::write(root.join("themes/hub/a.yaml"), "a").unwrap();
        symlink(root.join("themes/hub"), root.join("themes/copy")).unwrap();
        symlink(outside.path(), root.join("themes/away")).unwrap();
        symlink(root.join("nothing"), root.join("dangling")).unwrap();
        let site = SiteRoot::new(root).unwrap();

        let inside = site.resolve(Path::new("themes/copy/a.yaml"));
        assert_eq!(
            inside,
            Resolved::Inside(root.canonicalize().unwrap().join("themes/hub/a.yaml"))
        );
        assert_eq!(
            site.resolve(Path::new("themes/away/a.yaml")),
            Resolved::Outside {
                link: PathBuf::from("themes/away")
            }
        );
        assert_eq!(
            site.resolve(Path::new("../x")),
            Resolved::Outside {
                link: PathBuf::from("../x")
            }
        );
        assert_eq!(site.resolve(Path::new("dangling")), Resolved::Missing);
        assert_eq!(site.resolve(Path::new("themes/none")), Resolved::Missing);
        assert!(site.contains(&root.join("themes/copy")));
        assert!(!site.contains(&root.join("themes/away")));
    }

    #[test]
    fn the_message_names_the_link_not_the_target() {
        let d = refused(
            Code::ThemeSymlinkOutside,
            Path::new("themes/hub/i18n/de.yaml"),
            Path::new("themes/hub"),
        );
        assert!(d.message.contains("`themes/hub`"), "{}", d.message);
        assert_eq!(d.file, Path::new("themes/hub/i18n/de.yaml"));
    }
}
