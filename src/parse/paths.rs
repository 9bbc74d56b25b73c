//! The paths staff write for a page's own files: the front matter
//! `image.src`, a standard's `downloads`, and Markdown images and links.
//!
//! Such a path names a file in the page's folder. One that is absolute or
//! climbs out with `..` is an error at the line it is written on, found
//! before any file is looked up; the value is then dropped from the
//! document, so no later stage (the register, the theme, `check`) reports
//! the same mistake a second time somewhere else.

use super::{Document, Kind};
use crate::diagnostics::{Code, Diagnostic};
use crate::site_path::Written;

/// Reports every path of `doc` that leaves its folder and removes it.
pub(super) fn refuse_escaping(doc: &mut Document) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let image_src = doc.common.image.as_ref().map(|image| image.src.clone());
    if let Some(src) = image_src.filter(|src| leaves_folder(src)) {
        problems.push(doc.problem_at_value(
            "image",
            &src,
            Code::FrontMatterUnsafePath,
            format!("the image `{src}` is not a file in this page's folder"),
            "put the image next to this file (a page with images is a folder with `index.md`) and write only its name, e.g. `src: foto.jpg`".into(),
        ));
        doc.common.image = None;
    }
    let downloads = match &doc.kind {
        Kind::Standard(standard) => standard.downloads.clone(),
        _ => Vec::new(),
    };
    let (escaping, kept): (Vec<String>, Vec<String>) =
        downloads.into_iter().partition(|name| leaves_folder(name));
    for name in &escaping {
        problems.push(doc.problem_at_value(
            "downloads",
            name,
            Code::FrontMatterUnsafePath,
            format!("the download `{name}` is not a file in this standard's folder"),
            "put the file into the folder of this standard and write only its name under `downloads:`".into(),
        ));
    }
    if let Kind::Standard(standard) = &mut doc.kind {
        standard.downloads = kept;
    }
    for path in &doc.body.escaping {
        let (message, help) = if path.image {
            (
                format!(
                    "the image `{}` is not a file in this page's folder",
                    path.written
                ),
                "put the image next to this file (a page with images is a folder with `index.md`) and write only its name, e.g. `![Beschreibung](foto.jpg)`",
            )
        } else {
            (
                format!(
                    "the link `{}` climbs out of this page's folder with `..`",
                    path.written
                ),
                "link another page by its file with `@/`, e.g. `[Text](@/news/2025-01-20-kooperation.md)`; link a file of this page's folder by its name only",
            )
        };
        problems.push(
            Diagnostic::error(Code::MarkdownUnsafePath, &doc.path, message, help)
                .at(path.line, path.column),
        );
    }
    problems
}

/// Whether a front matter path names no file of the page's folder.
/// Addresses (`https://…`) are no paths; `check` judges where they lead.
fn leaves_folder(written: &str) -> bool {
    matches!(Written::of(written), Written::Absolute | Written::Climbing)
}
