//! Loading a theme from `themes/<name>/`: templates, translation strings,
//! static files and the settings of `theme.yaml`. One of the few places
//! that read the disk.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

use super::assets::{self, Assets};
use crate::config::{Lang, SiteConfig};
use crate::diagnostics::{Code, Diagnostic};
use crate::root::{Resolved, SiteRoot};
use crate::site_path::SitePath;
use crate::yaml;

/// Translation strings: language → key → text.
pub type Strings = HashMap<String, BTreeMap<String, String>>;

/// A theme read from disk, before Tera compiles it.
#[derive(Debug, Clone, Default)]
pub struct ThemeFiles {
    /// Site-root-relative path of the theme folder, for messages.
    pub dir: PathBuf,
    /// Template name (path below `templates/`) → source.
    pub templates: BTreeMap<String, String>,
    pub strings: Arc<Strings>,
    /// Files of `static/` and where they are published.
    pub static_files: Vec<(PathBuf, SitePath)>,
    /// The content-hashed copies of its style sheets, scripts and fonts
    /// ([`super::assets`]), which `asset()` in templates names.
    pub assets: Arc<Assets>,
    pub settings: ThemeSettings,
}

/// What a theme decides that kommhub's own code writes too, from the
/// theme's `theme.yaml` (optional; every key has a default).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ThemeSettings {
    /// The `sizes` attribute of every responsive image: how wide the
    /// theme shows it. The images of a body get it from `render::body`,
    /// the theme's own templates as `page.image_set.sizes`, so both agree.
    pub image_sizes: String,
}

impl Default for ThemeSettings {
    /// What browsers assume without `sizes`: as wide as the window.
    fn default() -> ThemeSettings {
        ThemeSettings {
            image_sizes: "100vw".to_string(),
        }
    }
}

/// `theme.yaml` as written.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    image_sizes: Option<String>,
}

/// The string `key` of `lang`, when the theme has it.
pub fn string<'a>(strings: &'a Strings, lang: &Lang, key: &str) -> Option<&'a str> {
    crate::reads::record(crate::reads::Read::String(
        lang.clone(),
        crate::reads::name(key),
    ));
    strings
        .get(lang.as_str())
        .and_then(|by_key| by_key.get(key))
        .map(String::as_str)
}

impl ThemeFiles {
    /// Path of a template relative to the site root, for messages.
    pub fn template_path(&self, name: &str) -> PathBuf {
        self.dir.join("templates").join(name)
    }
}

/// Reads `themes/<config.theme>` below `root`. Only what lies inside the
/// root is read ([`crate::root`]): a theme folder, template, strings file
/// or static file that is a symlink out of it is an error and stays
/// unopened.
pub fn read(root: &Path, config: &SiteConfig) -> (ThemeFiles, Vec<Diagnostic>) {
    let dir = PathBuf::from("themes").join(&config.theme);
    let mut problems = Vec::new();
    let mut theme = ThemeFiles {
        dir: dir.clone(),
        ..ThemeFiles::default()
    };
    let Some((site_root, absolute)) = theme_folder(root, config, &dir, &mut problems) else {
        return (theme, problems);
    };
    let templates = dir.join("templates");
    for (path, below) in files_below(
        &site_root,
        &absolute.join("templates"),
        &templates,
        &mut problems,
    ) {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                theme.templates.insert(below, text);
            }
            Err(error) => problems.push(Diagnostic::error(
                Code::ThemeUnreadable,
                templates.join(&below),
                format!("this template cannot be read: {error}"),
                "save it as UTF-8 text",
            )),
        }
    }
    theme.settings = read_settings(&site_root, &dir, &mut problems);
    let strings = read_strings(&site_root, &dir, config, &mut problems);
    problems.extend(missing_strings(&strings, &dir));
    theme.strings = Arc::new(strings);
    let statics = dir.join("static");
    for (path, below) in files_below(
        &site_root,
        &absolute.join("static"),
        &statics,
        &mut problems,
    ) {
        match SitePath::new(&below) {
            Ok(to) => theme.static_files.push((path, to)),
            Err(_) => problems.push(Diagnostic::error(
                Code::ThemeUnsafePath,
                statics.join(&below),
                "this file's path cannot be published",
                "rename it to letters, digits, hyphens and dots",
            )),
        }
    }
    theme.assets = Arc::new(fingerprint_statics(
        &theme.static_files,
        &dir,
        &mut problems,
    ));
    (theme, problems)
}

/// Reads the static files that get a content-hashed copy and names the
/// copies. Only files the walk accepted (inside the root) are read.
fn fingerprint_statics(
    files: &[(PathBuf, SitePath)],
    dir: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Assets {
    let mut read = Vec::new();
    for (path, to) in files {
        if !assets::is_fingerprinted(to.as_str()) {
            continue;
        }
        match std::fs::read(path) {
            Ok(bytes) => read.push((to.clone(), bytes)),
            Err(error) => problems.push(Diagnostic::error(
                Code::ThemeUnreadable,
                dir.join("static").join(to.as_str()),
                format!("this static file cannot be read: {error}"),
                "check that the file is readable",
            )),
        }
    }
    assets::fingerprint(&read)
}

/// The site root and the real path of the theme folder `dir`, when it
/// exists inside the root; else the reason, in `problems`.
fn theme_folder(
    root: &Path,
    config: &SiteConfig,
    dir: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<(SiteRoot, PathBuf)> {
    let site_root = match SiteRoot::new(root) {
        Ok(site_root) => site_root,
        Err(error) => {
            problems.push(Diagnostic::error(
                Code::ThemeUnreadable,
                dir,
                format!("the site root cannot be read: {error}"),
                "check that the folder exists and is readable",
            ));
            return None;
        }
    };
    match site_root.resolve(dir) {
        Resolved::Inside(real) if real.is_dir() => Some((site_root, real)),
        Resolved::Outside { link } => {
            problems.push(crate::root::refused(SYMLINK_OUTSIDE, dir, &link));
            None
        }
        _ => {
            problems.push(Diagnostic::error(
                Code::ThemeMissing,
                "site.yaml",
                format!(
                    "the theme `{}` does not exist: there is no folder {}",
                    config.theme,
                    dir.display()
                ),
                "set `theme:` in site.yaml to a folder below themes/",
            ));
            None
        }
    }
}

/// The code of a theme file that is not read because it leads out of the
/// site root.
const SYMLINK_OUTSIDE: Code = Code::ThemeSymlinkOutside;

/// `theme.yaml`, when the theme has one and it lies inside the root;
/// the defaults otherwise.
fn read_settings(
    site_root: &SiteRoot,
    dir: &Path,
    problems: &mut Vec<Diagnostic>,
) -> ThemeSettings {
    let relative = dir.join("theme.yaml");
    let text = match site_root.resolve(&relative) {
        Resolved::Missing => return ThemeSettings::default(),
        Resolved::Outside { link } => Err(crate::root::refused(SYMLINK_OUTSIDE, &relative, &link)),
        Resolved::Inside(path) => crate::root::read_regular(&path).map_err(|error| {
            Diagnostic::error(
                Code::ThemeUnreadable,
                &relative,
                format!("the theme's settings cannot be read: {error}"),
                "save it as UTF-8 text",
            )
        }),
    };
    let raw = text.and_then(|text| {
        yaml::from_str::<RawSettings>(&text).map_err(|e| {
            Diagnostic::error(e.code, &relative, e.message, e.help).at(e.line, e.column)
        })
    });
    match raw {
        Ok(RawSettings { image_sizes }) => ThemeSettings {
            image_sizes: image_sizes.unwrap_or_else(|| ThemeSettings::default().image_sizes),
        },
        Err(problem) => {
            problems.push(problem);
            ThemeSettings::default()
        }
    }
}

/// `i18n/<lang>.yaml` of every language, each read only when it lies
/// inside the root: a YAML error quotes the file, so a file from outside
/// must never reach the parser.
fn read_strings(
    site_root: &SiteRoot,
    dir: &Path,
    config: &SiteConfig,
    problems: &mut Vec<Diagnostic>,
) -> Strings {
    let mut strings = Strings::new();
    for language in &config.languages {
        let relative = dir.join("i18n").join(format!("{}.yaml", language.code));
        let missing = |reason: String| {
            Diagnostic::error(
                Code::ThemeI18nMissing,
                &relative,
                format!("the theme has no strings for `{}`: {reason}", language.code),
                format!(
                    "create {} with the same keys as the other languages",
                    relative.display()
                ),
            )
        };
        let text = match site_root.resolve(&relative) {
            Resolved::Inside(path) => {
                crate::root::read_regular(&path).map_err(|error| missing(error.to_string()))
            }
            Resolved::Outside { link } => {
                Err(crate::root::refused(SYMLINK_OUTSIDE, &relative, &link))
            }
            Resolved::Missing => Err(missing("there is no such file".to_string())),
        };
        let loaded = text.and_then(|text| {
            yaml::from_str::<BTreeMap<String, String>>(&text).map_err(|e| {
                Diagnostic::error(e.code, &relative, e.message, e.help).at(e.line, e.column)
            })
        });
        match loaded {
            Ok(map) => {
                strings.insert(language.code.to_string(), map);
            }
            Err(problem) => problems.push(problem),
        }
    }
    strings
}

/// A key present in one language's strings but not another's is an error
/// in the file that lacks it, found before any page is rendered.
fn missing_strings(strings: &Strings, dir: &Path) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut languages: Vec<&String> = strings.keys().collect();
    languages.sort();
    for lang in &languages {
        for other in &languages {
            for key in strings[*other].keys() {
                if !strings[*lang].contains_key(key) {
                    problems.push(Diagnostic::error(
                        Code::ThemeI18nKeyMissing,
                        dir.join("i18n").join(format!("{lang}.yaml")),
                        format!("the string `{key}` is missing here but exists in {other}.yaml"),
                        format!("add `{key}: \"…\"` in this language"),
                    ));
                }
            }
        }
    }
    problems
}

/// Every regular file below `dir` (the real path of `shown`, which names
/// it in messages), sorted, with its `/`-separated path below `dir`.
/// Symlinks are followed while they stay inside the root; one that leads
/// out is an error and is neither read nor walked into. Pipes, sockets and
/// devices are never opened (a FIFO would block the build); each is named
/// in a warning.
fn files_below(
    site_root: &SiteRoot,
    dir: &Path,
    shown: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let Ok(entry) = entry else { continue };
        if entry.depth() > 0 && crate::source::is_ignored(&entry.file_name().to_string_lossy()) {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let below = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if entry.path_is_symlink() && !site_root.contains(entry.path()) {
            let file = shown.join(&below);
            problems.push(crate::root::refused(SYMLINK_OUTSIDE, &file, &file));
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let kind = entry.file_type();
        if kind.is_file() {
            files.push((entry.path().to_path_buf(), below));
        } else if !kind.is_dir() {
            problems.push(crate::source::special_file(&shown.join(&below)));
        }
    }
    files
}
