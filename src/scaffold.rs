//! `kommhub new`: a correctly named file with its front matter filled in.
//!
//! Pure: given the configuration, the existing running numbers and today's
//! date, [`new_file`] returns the path and text to write. A new release
//! starts as a draft with its running number fixed in the front matter, so
//! the number never changes once it is published. A long title is kept
//! whole in the front matter, but the file name made from it is cut at a
//! word boundary, so `new` never asks the file system for a name too long.
//! A new standard gets the next free id of the register, version 1.0 and
//! status `draft`, in a folder of its own.

use jiff::civil::Date;

use crate::config::{Lang, SiteConfig};
use crate::slug::slugify;
use crate::source::role::{NEWS_FOLDER, STANDARDS_FOLDER};

/// What to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewKind {
    News,
    Page,
    Standard,
}

/// A request for a new file.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    pub kind: NewKind,
    pub title: &'a str,
    pub lang: &'a Lang,
    /// Association key for releases (default: the first in site.yaml).
    pub association: Option<&'a str>,
    pub today: Date,
    /// The running number the release gets (news only).
    pub number: u32,
    /// The id the standard gets (standards only; [`next_standard_id`]).
    pub standard_id: &'a str,
}

/// The id a new standard gets: the register's ids that end in a number
/// give the prefix and width of the one with the highest number, which is
/// counted up (`HUB-STD-0007` → `HUB-STD-0008`); `HUB-STD-0001` for an
/// empty register.
pub fn next_standard_id<'a>(ids: impl IntoIterator<Item = &'a str>) -> String {
    let numbered = ids.into_iter().filter_map(|id| {
        let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let (prefix, number) = id.split_at(id.len() - digits);
        let value: u64 = number.parse().ok()?;
        Some((value, prefix, digits))
    });
    match numbered.max() {
        Some((value, prefix, digits)) => format!("{prefix}{:0digits$}", value + 1),
        None => "HUB-STD-0001".to_string(),
    }
}

/// Why no file could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewError(pub String);

/// The longest file name (without date and `.md`) `new` makes from a
/// title. Addresses stay readable; the title itself is kept whole.
pub const MAX_NAME_CHARS: usize = 80;

/// The file name part made from `title`: its slug, cut after the last
/// whole word that fits in [`MAX_NAME_CHARS`].
fn file_slug(title: &str) -> Result<String, NewError> {
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(NewError(
            "the title needs letters or digits to make a file name".into(),
        ));
    }
    if slug.len() <= MAX_NAME_CHARS {
        return Ok(slug);
    }
    // Slugs are ASCII, so every byte index is a character boundary.
    match slug[..=MAX_NAME_CHARS].rfind('-') {
        Some(end) => Ok(slug[..end].to_string()),
        None => Err(NewError(format!(
            "the title's first word is longer than {MAX_NAME_CHARS} characters, too long for a file name; write a shorter title and put the rest in the text"
        ))),
    }
}

/// Path below the root and the file's text.
pub fn new_file(config: &SiteConfig, request: &NewRequest) -> Result<(String, String), NewError> {
    let slug = file_slug(request.title)?;
    if config.language(request.lang.as_str()).is_none() {
        return Err(NewError(format!(
            "`{}` is not a language of this site; use one of: {}",
            request.lang,
            config
                .languages
                .iter()
                .map(|l| l.code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let suffix = if request.lang == config.default_language() {
        String::new()
    } else {
        format!(".{}", request.lang)
    };
    let name = FileParts {
        slug: &slug,
        suffix: &suffix,
        title: &request.title.replace('\\', "\\\\").replace('"', "\\\""),
        german: request.lang.as_str() == "de",
    };
    match request.kind {
        NewKind::Page => Ok(page_file(&name)),
        NewKind::News => release_file(config, request, &name),
        NewKind::Standard => Ok(standard_file(config, request, &name)),
    }
}

/// What every new file is made from.
struct FileParts<'a> {
    /// The file name part made from the title.
    slug: &'a str,
    /// `""` for the default language, else `.<lang>`.
    suffix: &'a str,
    /// The title, escaped for a double-quoted YAML string.
    title: &'a str,
    /// Hints in German, else in English.
    german: bool,
}

/// A plain page at the top of `content/`.
fn page_file(name: &FileParts) -> (String, String) {
    let FileParts {
        slug,
        suffix,
        title,
        german,
    } = name;
    let (summary_hint, body) = if *german {
        (
            "Kurzer Anrisstext für Übersichten und Suchmaschinen",
            "Text der Seite. Zwischenüberschriften beginnen mit `## `.",
        )
    } else {
        (
            "Short teaser for listings and search engines",
            "The page's text. Subheadings start with `## `.",
        )
    };
    (
        format!("content/{slug}{suffix}.md"),
        format!("---\ntitle: \"{title}\"\n# summary: \"{summary_hint}\"\n---\n\n{body}\n"),
    )
}

/// A press release in the news folder, dated today, a draft with its
/// running number fixed.
fn release_file(
    config: &SiteConfig,
    request: &NewRequest,
    name: &FileParts,
) -> Result<(String, String), NewError> {
    let FileParts {
        slug,
        suffix,
        title,
        german,
    } = name;
    let association = release_association(config, request.association)?;
    let contact = config
        .contacts
        .values()
        .find(|c| c.association == association)
        .or_else(|| config.contacts.values().next())
        .map(|c| c.key.clone())
        .ok_or_else(|| NewError("site.yaml names no press contact under `contacts:`".into()))?;
    let date = request.today;
    let (body, place_hint, subtitle_hint) = if *german {
        (
            "**Erster Absatz:** Wer hat was wann und wo getan, und warum ist es wichtig?\n\n## Zwischenüberschrift\n\nWeiterer Text.",
            "Ort der Meldung",
            "Unterzeile",
        )
    } else {
        (
            "**First paragraph:** who did what, when and where, and why does it matter?\n\n## Subheading\n\nMore text.",
            "Place of the release",
            "Subtitle",
        )
    };
    Ok((
        format!("content/{NEWS_FOLDER}/{date}-{slug}{suffix}.md"),
        format!(
            "---\ntitle: \"{title}\"\ndate: {date}\nnumber: {number}\n# Remove the next line when the release may be published.\ndraft: true\nassociations: [{association}]\ncontact: {contact}\ntags: []\n# place: \"{place_hint}\"\n# subtitle: \"{subtitle_hint}\"\n# image: {{ src: \"bild.jpg\", alt: \"…\", caption: \"…\", credit: \"Foto: …\" }}\n---\n\n{body}\n",
            number = request.number,
        ),
    ))
}

/// Version 1.0 of a new standard, in its own folder of the register: a
/// draft with every key the register needs (and `draft: true`, so it stays
/// off the site until its editors are ready).
fn standard_file(config: &SiteConfig, request: &NewRequest, name: &FileParts) -> (String, String) {
    let FileParts {
        slug,
        suffix,
        title,
        german,
    } = name;
    let associations: Vec<&str> = config.associations.keys().map(String::as_str).collect();
    let (body, changes, topics_hint) = if *german {
        (
            "## Zweck\n\nWofür gilt der Standard, und für wen?\n\n## Regelungen\n\nText des Standards.",
            "Erste Fassung.",
            "Themen, z. B. Informationssicherheit",
        )
    } else {
        (
            "## Purpose\n\nWhat does the standard cover, and for whom?\n\n## Rules\n\nThe standard's text.",
            "First version.",
            "Topics, e.g. information security",
        )
    };
    (
        format!("content/{STANDARDS_FOLDER}/{slug}/1.0{suffix}.md"),
        format!(
            "---\ntitle: \"{title}\"\nid: {id}\nversion: \"1.0\"\nstatus: draft\ndate: {date}\n# Remove the next line when the draft may appear in the register.\ndraft: true\nassociations: [{associations}]\nchanges: \"{changes}\"\n# topics: [\"{topics_hint}\"]\n# legal_basis: [\"OZG\"]\n# comments_until: YYYY-MM-DD   (with status: consultation)\n---\n\n{body}\n",
            id = request.standard_id,
            date = request.today,
            associations = associations.join(", "),
        ),
    )
}

/// The association a release names: the one asked for, which site.yaml
/// must define, else the first in site.yaml.
fn release_association(config: &SiteConfig, asked: Option<&str>) -> Result<String, NewError> {
    match asked {
        Some(key) if config.associations.contains_key(key) => Ok(key.to_string()),
        Some(key) => Err(NewError(format!(
            "`{key}` is not an association in site.yaml; use one of: {}",
            config
                .associations
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        None => config
            .associations
            .keys()
            .next()
            .cloned()
            .ok_or_else(|| NewError("site.yaml names no association".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_standard_id_counts_up_the_highest() {
        assert_eq!(next_standard_id([]), "HUB-STD-0001");
        assert_eq!(
            next_standard_id(["HUB-STD-0002", "HUB-STD-0010", "HUB-STD-0003"]),
            "HUB-STD-0011"
        );
        assert_eq!(next_standard_id(["X-9", "ohne-nummer"]), "X-10");
        assert_eq!(next_standard_id(["HUB-STD-0999"]), "HUB-STD-1000");
    }

    #[test]
    fn long_titles_are_cut_at_a_word_boundary() {
        assert_eq!(file_slug("Neue Straße").unwrap(), "neue-strasse");
        let long = "Wort ".repeat(100);
        let slug = file_slug(&long).unwrap();
        assert!(slug.len() <= MAX_NAME_CHARS, "{slug}");
        assert!(slug.ends_with("wort") && !slug.ends_with('-'), "{slug}");
        assert_eq!(slug.len(), 79);
        let exact = format!("{} b", "a".repeat(MAX_NAME_CHARS));
        assert_eq!(file_slug(&exact).unwrap(), "a".repeat(MAX_NAME_CHARS));
        let one_word = "x".repeat(300);
        assert!(file_slug(&one_word).unwrap_err().0.contains("first word"));
    }
}
