//! Loading a theme from `themes/<name>/`: templates, translation strings
//! and static files. One of the few places that read the disk.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

use crate::config::{Lang, SiteConfig};
use crate::diagnostics::Diagnostic;
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
}

/// The string `key` of `lang`, when the theme has it.
pub fn string<'a>(strings: &'a Strings, lang: &Lang, key: &str) -> Option<&'a str> {
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

/// Reads `themes/<config.theme>` below `root`.
pub fn read(root: &Path, config: &SiteConfig) -> (ThemeFiles, Vec<Diagnostic>) {
    let dir = PathBuf::from("themes").join(&config.theme);
    let absolute = root.join(&dir);
    let mut problems = Vec::new();
    let mut theme = ThemeFiles {
        dir: dir.clone(),
        ..ThemeFiles::default()
    };
    if !absolute.is_dir() {
        problems.push(Diagnostic::error(
            "theme/missing",
            "site.yaml",
            format!(
                "the theme `{}` does not exist: there is no folder {}",
                config.theme,
                dir.display()
            ),
            "set `theme:` in site.yaml to a folder below themes/",
        ));
        return (theme, problems);
    }
    let templates = files_below(
        &absolute.join("templates"),
        &dir.join("templates"),
        &mut problems,
    );
    for (path, below) in templates {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                theme.templates.insert(below, text);
            }
            Err(error) => problems.push(Diagnostic::error(
                "theme/unreadable",
                dir.join("templates").join(&below),
                format!("this template cannot be read: {error}"),
                "save it as UTF-8 text",
            )),
        }
    }
    let mut strings = Strings::new();
    for language in &config.languages {
        let relative = dir.join("i18n").join(format!("{}.yaml", language.code));
        let loaded = read_regular(&root.join(&relative))
            .map_err(|error| {
                Diagnostic::error(
                    "theme/i18n-missing",
                    &relative,
                    format!("the theme has no strings for `{}`: {error}", language.code),
                    format!(
                        "create {} with the same keys as the other languages",
                        relative.display()
                    ),
                )
            })
            .and_then(|text| {
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
    problems.extend(missing_strings(&strings, &dir));
    theme.strings = Arc::new(strings);
    let statics = files_below(&absolute.join("static"), &dir.join("static"), &mut problems);
    for (path, below) in statics {
        match SitePath::new(&below) {
            Ok(to) => theme.static_files.push((path, to)),
            Err(_) => problems.push(Diagnostic::error(
                "theme/unsafe-path",
                dir.join("static").join(&below),
                "this file's path cannot be published",
                "rename it to letters, digits, hyphens and dots",
            )),
        }
    }
    (theme, problems)
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
                        "theme/i18n-key-missing",
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

/// Every regular file below `dir`, sorted, with its `/`-separated path
/// below `dir`. Pipes, sockets and devices are never opened (a FIFO would
/// block the build); each is named in a warning, its path shown below
/// `shown`, the site-relative name of `dir`.
fn files_below(dir: &Path, shown: &Path, problems: &mut Vec<Diagnostic>) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let entries = WalkDir::new(dir).sort_by_file_name().into_iter();
    for entry in entries.filter_map(Result::ok) {
        let kind = entry.file_type();
        if kind.is_dir() || crate::source::is_ignored(&entry.file_name().to_string_lossy()) {
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
        if kind.is_file() {
            files.push((entry.path().to_path_buf(), below));
        } else {
            problems.push(crate::source::special_file(&shown.join(&below)));
        }
    }
    files
}

/// The text of `path` when it is a regular file; a pipe or device is
/// refused before it is opened, since reading it could wait forever.
fn read_regular(path: &Path) -> std::io::Result<String> {
    if std::fs::metadata(path)?.is_file() {
        std::fs::read_to_string(path)
    } else {
        Err(std::io::Error::other("it is not a regular file"))
    }
}
