//! The file-name grammar of SPEC.md.
//!
//! `[YYYY-MM-DD-]name[.lang].md`, where `lang` counts only when it is a
//! configured language (`1.0.md` is version `1.0` in the default language),
//! `_index` names a section and `index` a page bundle.

use crate::config::Lang;

/// What a Markdown file describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `_index.md`: the section of its folder.
    Section,
    /// `index.md`: a page bundle named after its folder.
    BundleIndex,
    /// Any other `.md`.
    Page,
}

/// A parsed Markdown file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName {
    pub kind: FileKind,
    /// The name without language suffix and `.md`, date prefix included
    /// (`2025-01-20-kooperation`): what translations share.
    pub base: String,
    /// The name without date prefix: what the default slug is made from.
    pub stem: String,
    pub lang: Lang,
    /// `YYYY-MM-DD` from a date prefix.
    pub date: Option<String>,
}

impl FileName {
    /// For a bundle's `index.md`, the date and name its folder gives
    /// (`2025-03-18-workshop/index.md` → date 2025-03-18, stem `workshop`).
    pub fn with_bundle_folder(mut self, folder_name: &str) -> Self {
        if self.kind == FileKind::BundleIndex {
            match split_date_prefix(folder_name) {
                Some((date, rest)) => {
                    self.date = Some(date.to_string());
                    self.stem = rest.to_string();
                }
                None => self.stem = folder_name.to_string(),
            }
        }
        self
    }

    /// `None` when the file is not Markdown. `languages[0]` is the default.
    pub fn parse(file_name: &str, languages: &[Lang]) -> Option<FileName> {
        let without_md = file_name.strip_suffix(".md")?;
        let default = languages
            .first()
            .cloned()
            .unwrap_or_else(|| Lang::new("de"));
        let (base, lang) = match without_md.rsplit_once('.') {
            Some((base, suffix)) if languages.iter().any(|l| l.as_str() == suffix) => {
                (base, Lang::new(suffix))
            }
            _ => (without_md, default),
        };
        if base.is_empty() {
            return None;
        }
        let kind = match base {
            "_index" => FileKind::Section,
            "index" => FileKind::BundleIndex,
            _ => FileKind::Page,
        };
        let (date, stem) = match split_date_prefix(base) {
            Some((date, rest)) if kind == FileKind::Page => (Some(date.to_string()), rest),
            _ => (None, base),
        };
        Some(FileName {
            kind,
            base: base.to_string(),
            stem: stem.to_string(),
            lang,
            date,
        })
    }
}

/// `2025-01-20-kooperation` → (`2025-01-20`, `kooperation`).
pub fn split_date_prefix(name: &str) -> Option<(&str, &str)> {
    let bytes = name.as_bytes();
    if bytes.len() < 11 {
        return None;
    }
    let shape = bytes[..10].iter().enumerate().all(|(i, b)| match i {
        4 | 7 => *b == b'-',
        _ => b.is_ascii_digit(),
    });
    (shape && bytes[10] == b'-' && bytes.len() > 11).then(|| (&name[..10], &name[11..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs() -> Vec<Lang> {
        vec![Lang::new("de"), Lang::new("en")]
    }

    fn check(file: &str, expected: Option<(FileKind, &str, &str, &str, Option<&str>)>) {
        let parsed = FileName::parse(file, &langs());
        let actual = parsed.as_ref().map(|n| {
            (
                n.kind,
                n.base.as_str(),
                n.stem.as_str(),
                n.lang.as_str(),
                n.date.as_deref(),
            )
        });
        assert_eq!(actual, expected, "{file}");
    }

    #[test]
    fn grammar_cases() {
        use FileKind::*;
        check(
            "kooperation.md",
            Some((Page, "kooperation", "kooperation", "de", None)),
        );
        check(
            "kooperation.en.md",
            Some((Page, "kooperation", "kooperation", "en", None)),
        );
        check(
            "2025-01-20-kooperation.en.md",
            Some((
                Page,
                "2025-01-20-kooperation",
                "kooperation",
                "en",
                Some("2025-01-20"),
            )),
        );
        check("1.0.md", Some((Page, "1.0", "1.0", "de", None)));
        check("1.10.en.md", Some((Page, "1.10", "1.10", "en", None)));
        check(
            "_index.en.md",
            Some((Section, "_index", "_index", "en", None)),
        );
        check(
            "index.md",
            Some((BundleIndex, "index", "index", "de", None)),
        );
        check(
            "notes.fr.md",
            Some((Page, "notes.fr", "notes.fr", "de", None)),
        );
        check("foto.jpg", None);
        check(".md", None);
        check(
            "2025-01-20.md",
            Some((Page, "2025-01-20", "2025-01-20", "de", None)),
        );
    }
}
