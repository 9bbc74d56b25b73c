//! Where each page lives: the URL scheme of SPEC.md.
//!
//! The default language at the root, others under `/<lang>/`; a folder's
//! URL segment in a language is the `slug` of its `_index.<lang>.md`, else
//! its name transliterated; a page's segment is its `slug`, else its file
//! name (date prefix dropped) transliterated the German way.

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

/// Section slugs per folder and language, and (when asked for) the URL
/// of every folder a document lives in, gathered before any URL is made.
/// It changes no more after that, so threads share it.
pub struct UrlPlan<'a> {
    config: &'a SiteConfig,
    section_slugs: HashMap<(String, Lang), String>,
    /// Folder → its URL in each language, in the site's language order:
    /// thousands of pages share a handful of folders.
    folders: HashMap<String, Vec<UrlPath>>,
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
            folders: HashMap::default(),
        }
    }

    /// The plan with the URLs of the folders `docs` live in made ahead:
    /// for the many documents of an assembly, not the few withheld ones.
    pub fn with_folders_of(mut self, docs: &[std::sync::Arc<Document>]) -> Self {
        self.folders = self.document_folders(docs);
        self
    }

    /// The URLs of the folders `url_of` asks for. Documents come folder
    /// by folder, so comparing with the last one skips most look-ups.
    fn document_folders(&self, docs: &[std::sync::Arc<Document>]) -> HashMap<String, Vec<UrlPath>> {
        let mut folders: HashMap<String, Vec<UrlPath>> = HashMap::default();
        let mut last = None;
        for doc in docs {
            if last == Some(doc.folder.as_str()) {
                continue;
            }
            for folder in [doc.folder.as_str(), parent_folder(&doc.folder)] {
                if folders.contains_key(folder) {
                    continue;
                }
                let urls = self.config.languages.iter();
                let urls = urls
                    .map(|l| self.make_folder_url(folder, &l.code))
                    .collect();
                folders.insert(folder.to_string(), urls);
            }
            last = Some(doc.folder.as_str());
        }
        folders
    }

    /// `/en/news/` for folder `news` in English.
    pub fn folder_url(&self, folder: &str, lang: &Lang) -> UrlPath {
        match self.known_folder(folder, lang) {
            Some(url) => url.clone(),
            None => self.make_folder_url(folder, lang),
        }
    }

    /// The URL [`UrlPlan::with_folders_of`] made for `folder` in `lang`.
    fn known_folder(&self, folder: &str, lang: &Lang) -> Option<&UrlPath> {
        let at = self.config.languages.iter().position(|l| l.code == *lang)?;
        self.folders.get(folder)?.get(at)
    }

    /// `folder`'s URL in `lang` with `segment` added, borrowing the folder's
    /// URL when it is known.
    fn in_folder(&self, folder: &str, lang: &Lang, segment: &str) -> UrlPath {
        match self.known_folder(folder, lang) {
            Some(url) => url.join(segment),
            None => self.make_folder_url(folder, lang).join(segment),
        }
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
                Ok(self.in_folder(&doc.folder, lang, &version.to_string()))
            }
            (_, FileKind::BundleIndex) => self.with_slug(doc, parent_folder(&doc.folder)),
            _ => self.with_slug(doc, &doc.folder),
        }
    }

    /// The URL of `doc` in `folder`, named by its segment.
    fn with_slug(&self, doc: &Document, folder: &str) -> Result<UrlPath, Option<Diagnostic>> {
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
        Ok(self.in_folder(folder, &doc.name.lang, slug))
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
