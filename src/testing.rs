//! What unit tests across the crate share: a small assembled site from
//! files given as text.

use std::path::PathBuf;
use std::sync::Arc;

use crate::images::Images;
use crate::model::{Publication, Site, assemble};
use crate::source::ContentFile;
use crate::source::name::FileName;

/// A site of `(file below content/, text)`, assembled at the start of 2026
/// under the base path `/hub`.
pub fn site(files: &[(&str, &str)]) -> Site {
    let config = crate::config::parse(
        "title: { de: \"Hub\" }\nbase_url: \"https://example.org/hub\"\n\
         default_language: de\nlanguages:\n  de: { name: \"Deutsch\" }\n\
         associations: {}\ncontacts: {}\n",
    )
    .unwrap();
    let documents = files
        .iter()
        .map(|(path, text)| {
            let (folder, file) = path.rsplit_once('/').unwrap_or(("", path));
            let languages: Vec<_> = config.languages.iter().map(|l| l.code.clone()).collect();
            let name = FileName::parse(file, &languages)
                .unwrap()
                .with_bundle_folder(folder.rsplit('/').next().unwrap_or(""));
            let file = ContentFile {
                path: PathBuf::from("content").join(path),
                role: crate::source::FileRole::of(folder, name.kind),
                folder: folder.to_string(),
                name,
                text: text.to_string(),
                unread: false,
            };
            let (doc, problems) =
                crate::parse::parse_file(&file, &crate::parse::ParseSettings::of(&config));
            assert!(problems.is_empty(), "{problems:?}");
            Arc::new(doc.unwrap())
        })
        .collect();
    let build_date = "2026-01-01T00:00:00Z".parse().unwrap();
    let (site, problems) = assemble(
        config,
        documents,
        &[],
        &Images::default(),
        &Default::default(),
        Publication::at(build_date),
    );
    assert!(problems.is_empty(), "{problems:?}");
    site
}
