//! What part a content file plays in the site, decided once from where it
//! lies and what it is called.
//!
//! SPEC.md gives two folders below `content/` a meaning of their own:
//! `news/` holds press releases and `standards/` the standards register.
//! This module is the only place that knows their names; every later stage
//! matches on [`FileRole`] instead of comparing folder names.

use super::name::FileKind;

/// The folder below `content/` that holds press releases. Named here only
/// so `kommhub new` knows where to write one.
pub const NEWS_FOLDER: &str = "news";
/// The folder below `content/` that holds the standards register (named
/// outside this module only so `kommhub new` knows where to write one).
pub const STANDARDS_FOLDER: &str = "standards";

/// The part a content file plays, from its folder and file name alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// `content/_index*.md`: the home page of its language.
    Home,
    /// `content/news/_index*.md`: the section that lists press releases.
    NewsSection,
    /// `content/standards/_index*.md`: the register of standards.
    Register,
    /// Any other `_index*.md`: the section of its folder.
    Section,
    /// Any other file below `content/news/`: a press release.
    Release,
    /// Any other file below `content/standards/`: one version of a standard.
    Standard,
    /// Anything else: a plain page.
    Page,
}

impl FileRole {
    /// The role of a file named like `kind` in `folder` (relative to
    /// `content/`, `/`-separated, `""` at the top). A section file is a
    /// section wherever it lies; any other file below `news/` or
    /// `standards/`, at any depth, belongs to that folder's kind.
    pub fn of(folder: &str, kind: FileKind) -> FileRole {
        let top = folder.split('/').next().unwrap_or("");
        match (kind, folder, top) {
            (FileKind::Section, "", _) => FileRole::Home,
            (FileKind::Section, NEWS_FOLDER, _) => FileRole::NewsSection,
            (FileKind::Section, STANDARDS_FOLDER, _) => FileRole::Register,
            (FileKind::Section, _, _) => FileRole::Section,
            (_, _, NEWS_FOLDER) => FileRole::Release,
            (_, _, STANDARDS_FOLDER) => FileRole::Standard,
            _ => FileRole::Page,
        }
    }

    /// Whether the file is an `_index*.md`, which lists its folder.
    pub fn is_section(self) -> bool {
        matches!(
            self,
            FileRole::Home | FileRole::NewsSection | FileRole::Register | FileRole::Section
        )
    }
}

/// The translation key of the register page (`content/standards/_index*.md`).
pub fn register_key() -> String {
    format!("{STANDARDS_FOLDER}/_index")
}

/// Whether `folder` is a folder of its own directly below `standards/`,
/// where a standard's files must lie (`standards/hub-std-0001`).
pub fn is_standard_folder(folder: &str) -> bool {
    folder
        .strip_prefix(STANDARDS_FOLDER)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|name| !name.is_empty() && !name.contains('/'))
}

/// Whether `folder` lies anywhere below `standards/` (not the register's
/// own folder): files there are downloads of a standard.
pub fn is_below_register(folder: &str) -> bool {
    folder
        .strip_prefix(STANDARDS_FOLDER)
        .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Lang;
    use crate::source::FileName;

    /// The role of `path` (relative to `content/`) as the source stage
    /// decides it, with the file-name grammar applied first.
    fn check(path: &str, expected: FileRole) {
        let (folder, file) = path.rsplit_once('/').unwrap_or(("", path));
        let languages = [Lang::new("de"), Lang::new("en")];
        let name = FileName::parse(file, &languages).unwrap();
        assert_eq!(FileRole::of(folder, name.kind), expected, "{path}");
    }

    #[test]
    fn roles_from_paths() {
        use FileRole::*;
        check("_index.md", Home);
        check("_index.en.md", Home);
        check("news/_index.md", NewsSection);
        check("news/_index.en.md", NewsSection);
        check("news/2025-01-20-x.md", Release);
        check("news/2025-01-20-x.en.md", Release);
        check("news/x/index.md", Release);
        check("news/2025/_index.md", Section);
        check("standards/_index.md", Register);
        check("standards/hub-std-0001/1.0.md", Standard);
        check("standards/hub-std-0001/1.0.en.md", Standard);
        check("standards/1.0.md", Standard);
        check("ueber/_index.md", Section);
        check("ueber/index.md", Page);
        check("ueber/team.md", Page);
        check("impressum.md", Page);
        check("newsletter/a.md", Page);
        check("standardsx/a.md", Page);
    }

    #[test]
    fn sections_are_the_index_files() {
        use FileRole::*;
        for role in [Home, NewsSection, Register, Section] {
            assert!(role.is_section(), "{role:?}");
        }
        for role in [Release, Standard, Page] {
            assert!(!role.is_section(), "{role:?}");
        }
    }

    #[test]
    fn standard_folders() {
        assert!(is_standard_folder("standards/hub-std-0001"));
        assert!(!is_standard_folder("standards"));
        assert!(!is_standard_folder("standards/"));
        assert!(!is_standard_folder("standards/a/b"));
        assert!(!is_standard_folder("standardsx/a"));
        assert!(is_below_register("standards/a/b"));
        assert!(!is_below_register("standards"));
        assert!(!is_below_register("news/a"));
        assert_eq!(register_key(), "standards/_index");
    }
}
