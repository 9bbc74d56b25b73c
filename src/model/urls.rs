//! Where each page lives: the URL scheme of SPEC.md.
//!
//! The default language at the root, others under `/<lang>/`; a folder's
//! URL segment in a language is the `slug` of its `_index.<lang>.md`, else
//! its name transliterated; a page's segment is its `slug`, else its file
//! name (date prefix dropped) transliterated the German way.

use std::cell::RefCell;

use rustc_hash::FxHashMap as HashMap;

use crate::config::{Lang, SiteConfig};
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::{Document, Kind};
use crate::slug::slugify;
use crate::source::{FileKind, FileRole};

use super::UrlPath;

/// The path part of a base URL without trailing slash: `""` or `/hub`.
pub fn base_path(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(base_url);
    match after_scheme.find('/') {
        Some(index) => after_scheme[index..].trim_end_matches('/').to_string(),
        None => String::new(),
    }
}

/// The folder whose section lists `doc`.
pub fn listing_folder(doc: &Document) -> &str {
    match doc.name.kind {
        FileKind::BundleIndex | FileKind::Section => parent_folder(&doc.folder),
        FileKind::Page => &doc.folder,
    }
}

fn parent_folder(folder: &str) -> &str {
    folder
        .rsplit_once('/')
        .map(|(parent, _)| parent)
        .unwrap_or("")
}

/// Gives every language a home page, even without `_index.<lang>.md`, so
/// the language switcher always has somewhere to lead.
pub fn add_missing_homes(config: &SiteConfig, docs: &mut Vec<std::sync::Arc<Document>>) {
    for language in &config.languages {
        let present = docs
            .iter()
            .any(|d| d.role == FileRole::Home && d.name.lang == language.code);
        if !present {
            let title = config
                .title
                .get(&language.code)
                .cloned()
                .unwrap_or_default();
            docs.push(std::sync::Arc::new(Document::synthetic_home(
                language.code.clone(),
                title,
            )));
        }
    }
}

/// Section slugs per folder and language, gathered before any URL is made.
pub struct UrlPlan<'a> {
    config: &'a SiteConfig,
    section_slugs: HashMap<(String, Lang), String>,
    /// Folder URLs made so far, per language: thousands of pages share a
    /// handful of folders.
    folders: RefCell<HashMap<Lang, HashMap<String, UrlPath>>>,
}

impl<'a> UrlPlan<'a> {
    pub fn new(config: &'a SiteConfig, docs: &[std::sync::Arc<Document>]) -> Self {
        let mut section_slugs: HashMap<(String, Lang), String> = docs
            .iter()
            .filter(|d| d.role.is_section())
            .filter_map(|d| {
                let slug = slugify(d.common.slug.as_deref()?);
                (!slug.is_empty()).then(|| ((d.folder.clone(), d.name.lang.clone()), slug))
            })
            .collect();
        // A standard's folder is addressed by its id, whatever its name.
        section_slugs.extend(super::register::folder_slugs(config, docs));
        UrlPlan {
            config,
            section_slugs,
            folders: RefCell::default(),
        }
    }

    /// `/en/news/` for folder `news` in English.
    pub fn folder_url(&self, folder: &str, lang: &Lang) -> UrlPath {
        let known = self
            .folders
            .borrow()
            .get(lang)
            .and_then(|f| f.get(folder).cloned());
        if let Some(url) = known {
            return url;
        }
        let url = self.make_folder_url(folder, lang);
        self.folders
            .borrow_mut()
            .entry(lang.clone())
            .or_default()
            .insert(folder.to_string(), url.clone());
        url
    }

    fn make_folder_url(&self, folder: &str, lang: &Lang) -> UrlPath {
        let mut url = UrlPath::home(self.config, lang);
        let mut path = String::new();
        for segment in folder.split('/').filter(|s| !s.is_empty()) {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(segment);
            let slug = self
                .section_slugs
                .get(&(path.clone(), lang.clone()))
                .cloned()
                .unwrap_or_else(|| slugify(segment));
            url = url.join(&slug);
        }
        url
    }

    /// The URL of a document, or why it cannot have one (`None` when the
    /// reason was reported while parsing: an unusable `slug`).
    pub fn url_of(&self, doc: &Document) -> Result<UrlPath, Option<Diagnostic>> {
        let lang = &doc.name.lang;
        match (&doc.kind, doc.name.kind) {
            (Kind::Section(_), _) => Ok(self.folder_url(&doc.folder, lang)),
            (Kind::Standard(standard), FileKind::Page) => {
                // The version from the front matter, checked by the register.
                let (_, version) = super::register::identify(doc, standard).map_err(Some)?;
                Ok(self
                    .folder_url(&doc.folder, lang)
                    .join(&version.to_string()))
            }
            (_, FileKind::BundleIndex) => {
                let parent = self.folder_url(parent_folder(&doc.folder), lang);
                self.with_slug(doc, parent)
            }
            _ => {
                let folder = self.folder_url(&doc.folder, lang);
                self.with_slug(doc, folder)
            }
        }
    }

    fn with_slug(
        &self,
        doc: &Document,
        folder_url: UrlPath,
    ) -> Result<UrlPath, Option<Diagnostic>> {
        let slug = &doc.segment;
        if slug.is_empty() && doc.common.slug.is_some() {
            return Err(None);
        }
        if slug.is_empty() {
            let (line, column) = doc.position_of("slug");
            return Err(Some(
                Diagnostic::error(
                    Code::UrlEmptySlug,
                    &doc.path,
                    "this page's address would be empty: its name has no letters or digits",
                    "rename the file or set `slug: …` with letters and digits",
                )
                .at(line, column),
            ));
        }
        Ok(folder_url.join(slug))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_is_the_path_part() {
        assert_eq!(base_path("https://hub.example.org"), "");
        assert_eq!(base_path("https://example.org/hub/"), "/hub");
    }
}
