//! One content file → [`Document`]: typed front matter and rendered body.
//!
//! Pure: reads nothing from disk. What can be judged from the file alone
//! (invisible control characters, YAML shape, required keys, image alt
//! text, unsafe slugs and aliases, image and download paths that leave the
//! page's folder, unknown association or contact keys, raw HTML and link
//! addresses the policy of [`raw_html`] refuses) is reported here, at the
//! line and column in the `.md` file.

pub mod dates;
pub mod front_matter;
pub mod items;
pub mod markdown;
mod paths;
pub mod raw_html;
pub mod spill;
mod translation_key;

use std::path::PathBuf;

use crate::config::{Lang, SiteConfig};
use crate::control_chars;
use crate::diagnostics::{Code, Diagnostic};
use crate::site_path::MAX_SEGMENT_BYTES;
use crate::slug::slugify;
use crate::source::{ContentFile, FileKind, FileName, FileRole};
use crate::yaml::{self, YamlError};
use dates::PubDate;
use front_matter::{Common, News, Plain, Standard};
pub use markdown::{Body, BodyHtml};
pub use translation_key::TranslationKey;

/// What kind of content a file is, with the keys only that kind has.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Section(front_matter::Section),
    News(News),
    Standard(Box<Standard>),
    Plain(Plain),
}

/// A parsed content file.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Relative to the site root, for messages.
    pub path: PathBuf,
    /// Folder relative to `content/`.
    pub folder: String,
    pub name: FileName,
    /// What the file is, as the source stage decided.
    pub role: FileRole,
    /// What this file's language versions share.
    pub translation_key: TranslationKey,
    /// What `@/…` links name this file by.
    pub link_path: String,
    /// The page's own address segment: its `slug:`, else its file name,
    /// slugged (the model puts it after the folder's address).
    pub segment: String,
    pub common: Common,
    pub kind: Kind,
    pub body: Body,
    /// An error in this file was reported while parsing it. Later stages
    /// report nothing that follows from it (a template that fails on the
    /// missing date of a release already told it needs one): one root
    /// cause, one error.
    pub has_errors: bool,
    /// A fingerprint of the file's path and text: two documents with the
    /// same print were parsed from the same file with the same text, in
    /// this process or another (the build cache compares them).
    pub print: u64,
    /// The front matter text, to find the line of a key in later messages.
    front_matter: String,
    front_matter_line: usize,
}

impl Document {
    /// A home page for a language that has no `_index.<lang>.md`.
    pub fn synthetic_home(lang: crate::config::Lang, title: String) -> Document {
        let (lang_code, title_bytes) = (lang.to_string(), title.clone());
        Document {
            path: PathBuf::new(),
            folder: String::new(),
            name: FileName {
                kind: FileKind::Section,
                base: "_index".to_string(),
                stem: "_index".to_string(),
                lang,
                date: None,
            },
            role: FileRole::Home,
            translation_key: TranslationKey::home(),
            link_path: String::new(),
            segment: String::new(),
            common: Common {
                title: title.clone(),
                ..Common::default()
            },
            kind: Kind::Section(front_matter::Section {
                title,
                slug: None,
                summary: None,
                aliases: Vec::new(),
                extra: Default::default(),
                check: Default::default(),
            }),
            body: Body::default(),
            has_errors: false,
            print: print_of(&[lang_code.as_bytes(), title_bytes.as_bytes()]),
            front_matter: String::new(),
            front_matter_line: 1,
        }
    }

    /// Takes `other`'s front matter text, by which positions are found,
    /// so two documents can be compared on what they mean.
    pub(crate) fn copy_front_matter_text(&mut self, other: &Document) {
        self.front_matter = other.front_matter.clone();
        self.front_matter_line = other.front_matter_line;
    }

    /// (line, column) in the file of the front matter key `key`, or the
    /// first line of the front matter when it is not written there.
    pub fn position_of(&self, key: &str) -> (usize, usize) {
        match yaml::position_of_key(&self.front_matter, key) {
            (0, _) => (self.front_matter_line.saturating_sub(1).max(1), 1),
            (line, column) => (self.front_matter_line + line - 1, column),
        }
    }

    /// A diagnostic at `value` as written under the front matter key
    /// `key` (the first place on or after the key's line that holds it),
    /// else at the key.
    pub fn problem_at_value(
        &self,
        key: &str,
        value: &str,
        code: Code,
        message: String,
        help: String,
    ) -> Diagnostic {
        let (key_line, _) = yaml::position_of_key(&self.front_matter, key);
        let found = (key_line > 0 && !value.is_empty())
            .then(|| {
                self.front_matter
                    .lines()
                    .enumerate()
                    .skip(key_line - 1)
                    .find_map(|(index, line)| Some((index, line.find(value)?)))
            })
            .flatten();
        match found {
            Some((index, at)) => Diagnostic::error(code, &self.path, message, help)
                .at(self.front_matter_line + index, at + 1),
            None => self.problem_at(key, code, message, help),
        }
    }

    /// A diagnostic at the front matter key `key`.
    pub fn problem_at(&self, key: &str, code: Code, message: String, help: String) -> Diagnostic {
        let (line, column) = self.position_of(key);
        Diagnostic::error(code, &self.path, message, help).at(line, column)
    }
}

/// What parsing reads of site.yaml, and nothing else: parsing sees only
/// this, so `serve` may keep every parse when a new site.yaml leaves it
/// unchanged (a new title or menu does not parse 20,000 files again).
#[derive(Debug, Clone, PartialEq)]
pub struct ParseSettings {
    /// Each language's code and whether it wants typographic quotes.
    languages: Vec<(Lang, bool)>,
    /// The associations' keys, in the order site.yaml gives them.
    associations: Vec<String>,
    /// The contacts' keys.
    contacts: Vec<String>,
}

impl ParseSettings {
    pub fn of(config: &SiteConfig) -> Self {
        ParseSettings {
            languages: config
                .languages
                .iter()
                .map(|l| (l.code.clone(), l.typographic_quotes))
                .collect(),
            associations: config.associations.keys().cloned().collect(),
            contacts: config.contacts.keys().cloned().collect(),
        }
    }
}

/// Parses one file. Returns the document when its front matter could be
/// read at all, together with every problem found.
pub fn parse_file(
    file: &ContentFile,
    settings: &ParseSettings,
) -> (Option<Document>, Vec<Diagnostic>) {
    // Invisible control characters are reported once here; the rest of the
    // file is read with them blanked out, so nothing after reports them
    // again and every position stays right.
    let mut problems = control_chars::diagnostics(&file.path, &file.text);
    let text = control_chars::blank_out(&file.text);
    let split = match front_matter::split(&text) {
        Ok(split) => split,
        Err((line, message, help)) => {
            problems.push(
                Diagnostic::error(Code::FrontMatterMissing, &file.path, message, help).at(line, 1),
            );
            return (None, problems);
        }
    };
    let (mut common, kind) = match read_front_matter(file.role, split.yaml) {
        Ok(parts) => parts,
        Err(e) => {
            problems.push(
                Diagnostic::error(e.code, &file.path, e.message, e.help)
                    .at(e.line + split.yaml_line - 1, e.column),
            );
            return (None, problems);
        }
    };
    if common.date.is_none() {
        common.date = date_from_file_name(file, &mut problems);
    }
    let (body, refused) =
        markdown::render(split.body, split.body_line, quote_style(file, settings));
    problems.extend(refused.into_iter().map(|refusal| refusal.at(&file.path)));
    let mut document = Document {
        path: file.path.clone(),
        folder: file.folder.clone(),
        name: file.name.clone(),
        role: file.role,
        translation_key: TranslationKey::of(&file.folder, &file.name.base),
        link_path: file.link_path(),
        segment: String::new(),
        common,
        kind,
        body,
        has_errors: false,
        print: print_of(&[
            file.path.as_os_str().as_encoded_bytes(),
            file.text.as_bytes(),
        ]),
        front_matter: split.yaml.to_string(),
        front_matter_line: split.yaml_line,
    };
    problems.extend(validate(&document, settings));
    problems.extend(paths::refuse_escaping(&mut document));
    document.segment = slugify(document.common.slug.as_deref().unwrap_or(&file.name.stem));
    document.has_errors = problems.iter().any(Diagnostic::is_error);
    (Some(document), problems)
}

/// A fingerprint of `parts`, the same in every process and on every
/// machine (foldhash with fixed keys).
fn print_of(parts: &[&[u8]]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::default().hash_one(parts)
}

/// The front matter read with the struct of the file's role, split into
/// the keys every kind has and the kind's own.
fn read_front_matter(role: FileRole, yaml_text: &str) -> Result<(Common, Kind), YamlError> {
    match role {
        FileRole::Home | FileRole::NewsSection | FileRole::Register | FileRole::Section => {
            yaml::from_str::<front_matter::Section>(yaml_text).map(|s| {
                let common = Common {
                    title: s.title.clone(),
                    summary: s.summary.clone(),
                    slug: s.slug.clone(),
                    aliases: s.aliases.clone(),
                    extra: s.extra.clone(),
                    check: s.check.clone(),
                    ..Common::default()
                };
                (common, Kind::Section(s))
            })
        }
        FileRole::Release => yaml::from_str::<front_matter::RawNews>(yaml_text).map(|raw| {
            let (common, own) = raw.into_parts();
            (common, Kind::News(own))
        }),
        FileRole::Standard => yaml::from_str::<front_matter::RawStandard>(yaml_text).map(|raw| {
            let (common, own) = raw.into_parts();
            (common, Kind::Standard(Box::new(own)))
        }),
        FileRole::Page => yaml::from_str::<front_matter::RawPlain>(yaml_text).map(|raw| {
            let (common, own) = raw.into_parts();
            (common, Kind::Plain(own))
        }),
    }
}

/// The date prefix of the file (or bundle folder) name, for a document
/// whose front matter has no `date:`; a prefix that names no day is an
/// error.
fn date_from_file_name(file: &ContentFile, problems: &mut Vec<Diagnostic>) -> Option<PubDate> {
    let date = file.name.date.as_deref()?;
    match PubDate::parse(date) {
        Ok(date) => Some(date),
        Err(_) => {
            problems.push(impossible_file_date(file, date));
            None
        }
    }
}

/// The typographic quotes of the file's language, if it wants them.
fn quote_style(file: &ContentFile, settings: &ParseSettings) -> markdown::QuoteStyle {
    settings
        .languages
        .iter()
        .find(|(code, _)| *code == file.name.lang)
        .map(|(code, typographic)| markdown::QuoteStyle::for_language(code.as_str(), *typographic))
        .unwrap_or(markdown::QuoteStyle::None)
}

/// The date prefix of a file or bundle folder name that has the shape of
/// a date but names no day (`2025-02-30-x.md`).
fn impossible_file_date(file: &ContentFile, date: &str) -> Diagnostic {
    let why = dates::impossible(date).unwrap_or_else(|| format!("{date} is not a date"));
    Diagnostic::error(
        Code::SourceImpossibleDate,
        &file.path,
        why,
        "the file name (or its bundle folder's name) starts with this date: rename it with a day that exists, e.g. `2025-02-28-titel.md`",
    )
}

/// Checks that need the file and the configuration, nothing else.
fn validate(doc: &Document, settings: &ParseSettings) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    check_title_slug_aliases(doc, &mut problems);
    check_lengths(doc, &mut problems);
    check_image(doc, &mut problems);
    check_associations(doc, settings, &mut problems);
    if let Kind::News(news) = &doc.kind {
        check_keys(
            doc,
            "contact",
            &news.contact.0,
            &settings.contacts,
            &mut problems,
        );
        // A wrong date in the file name is already reported as such.
        if doc.common.date.is_none() && doc.name.date.is_none() {
            problems.push(doc.problem_at(
                "title",
                Code::FrontMatterNoDate,
                "a press release needs a date".into(),
                "add `date: 2025-01-20` or start the file name with the date (`2025-01-20-titel.md`)".into(),
            ));
        }
    }
    problems
}

/// A title that says something, a slug that is one URL segment, aliases
/// that are paths on this site.
fn check_title_slug_aliases(doc: &Document, problems: &mut Vec<Diagnostic>) {
    if doc.common.title.trim().is_empty() {
        problems.push(doc.problem_at(
            "title",
            Code::FrontMatterEmptyTitle,
            "the title is empty".into(),
            "write the page's title after `title:`".into(),
        ));
    }
    if let Some(slug) = &doc.common.slug {
        let safe = !slug.contains('/') && !slug.contains('\\') && !slugify(slug).is_empty();
        if !safe {
            problems.push(doc.problem_at(
                "slug",
                Code::FrontMatterUnsafeSlug,
                format!("the slug `{slug}` is not a single URL segment"),
                "use letters, digits and hyphens only, e.g. `slug: kooperation`".into(),
            ));
        }
    }
    for alias in &doc.common.aliases {
        let path = alias.split(['?', '#']).next().unwrap_or("");
        if !alias.starts_with('/') || crate::site_path::SitePath::new(path).is_err() {
            problems.push(doc.problem_at(
                "aliases",
                Code::FrontMatterUnsafeAlias,
                format!("the alias `{alias}` is not a path on this site"),
                "write old addresses as paths from the site root, e.g. `/presse/2025/kooperation/`, without `..`".into(),
            ));
        }
    }
}

/// The lead image needs alt text (or `decorative: true`), and a press
/// release's lead image a credit.
fn check_image(doc: &Document, problems: &mut Vec<Diagnostic>) {
    let Some(image) = &doc.common.image else {
        return;
    };
    if image.alt.as_deref().is_none_or(|alt| alt.trim().is_empty()) && !image.decorative {
        problems.push(doc.problem_at(
            "image",
            Code::FrontMatterImageAlt,
            "the image has no `alt` text".into(),
            "describe what the image shows in `alt:`; only a purely decorative image may set `decorative: true` instead".into(),
        ));
    }
    if matches!(doc.kind, Kind::News(_))
        && image.credit.as_deref().is_none_or(|c| c.trim().is_empty())
    {
        problems.push(doc.problem_at(
            "image",
            Code::FrontMatterImageCredit,
            "the lead image of a press release has no `credit`".into(),
            "name the photographer or rights holder in `credit:` (§ 13 UrhG)".into(),
        ));
    }
}

/// Releases and standards name at least one association, each defined in
/// site.yaml.
fn check_associations(doc: &Document, settings: &ParseSettings, problems: &mut Vec<Diagnostic>) {
    let associations: &Vec<String> = match &doc.kind {
        Kind::News(news) => &news.associations,
        Kind::Standard(standard) => &standard.associations,
        _ => return,
    };
    check_keys(
        doc,
        "associations",
        associations,
        &settings.associations,
        problems,
    );
    if associations.is_empty() {
        problems.push(doc.problem_at(
            "associations",
            Code::FrontMatterNoAssociation,
            "no publishing association is named".into(),
            format!(
                "write e.g. `associations: [{}]`",
                settings
                    .associations
                    .first()
                    .map(String::as_str)
                    .unwrap_or("itk-rheinland")
            ),
        ));
    }
}

/// Whether a slugified value is too long to be one folder name.
fn too_long(segment: &str) -> bool {
    segment.len() > MAX_SEGMENT_BYTES
}

/// The message for a `what` (slug, tag, …) whose segment is too long.
fn too_long_message(what: &str, value: &str) -> String {
    format!(
        "the {what} `{}…` makes an address segment of {} characters; at most {MAX_SEGMENT_BYTES} are allowed",
        value.chars().take(40).collect::<String>(),
        value.len()
    )
}

/// The error at front matter `key` for a `what` whose segment `value` is
/// too long.
fn too_long_at(doc: &Document, key: &str, what: &str, value: &str) -> Diagnostic {
    doc.problem_at(
        key,
        Code::FrontMatterTooLong,
        too_long_message(what, value),
        too_long_help(what),
    )
}

/// The help line for a `what` whose segment is too long.
fn too_long_help(what: &str) -> String {
    format!(
        "shorten the {what} to at most {MAX_SEGMENT_BYTES} characters (it becomes a folder name, and file systems allow 255 bytes per name)"
    )
}

/// Slugs, tags and aliases become folder names in the output; one longer
/// than [`MAX_SEGMENT_BYTES`] would fail as an OS error while writing.
fn check_lengths(doc: &Document, problems: &mut Vec<Diagnostic>) {
    check_own_segment_length(doc, problems);
    for tag in &doc.common.tags {
        let tag = slugify(tag);
        if too_long(&tag) {
            problems.push(too_long_at(doc, "tags", "tag", &tag));
        }
    }
    for alias in &doc.common.aliases {
        if let Some(segment) = alias.split(['/', '?', '#']).find(|s| too_long(s)) {
            problems.push(doc.problem_at(
                "aliases",
                Code::FrontMatterTooLong,
                too_long_message("alias", segment),
                too_long_help("alias's segment"),
            ));
        }
    }
}

/// The page's own address segment: its `slug:`, else (but for sections)
/// its file name.
fn check_own_segment_length(doc: &Document, problems: &mut Vec<Diagnostic>) {
    match &doc.common.slug {
        Some(slug) => {
            let slug = slugify(slug);
            if too_long(&slug) {
                problems.push(too_long_at(doc, "slug", "slug", &slug));
            }
        }
        None if doc.name.kind != FileKind::Section => {
            let stem = slugify(&doc.name.stem);
            if too_long(&stem) {
                problems.push(Diagnostic::error(
                    Code::SourceNameTooLong,
                    &doc.path,
                    too_long_message("file name", &stem),
                    format!("{}, or set a shorter `slug:`", too_long_help("file name")),
                ));
            }
        }
        None => {}
    }
}

/// Every key in `used` must be one of `known` (defined in site.yaml).
fn check_keys(
    doc: &Document,
    field: &str,
    used: &[String],
    known: &[String],
    problems: &mut Vec<Diagnostic>,
) {
    for key in used {
        if !known.contains(key) {
            let help = match yaml::nearest(key, known) {
                Some(best) => format!("did you mean `{best}`? Keys are defined in site.yaml"),
                None => format!(
                    "use one of the keys defined in site.yaml: {}",
                    known.join(", ")
                ),
            };
            problems.push(doc.problem_at(
                field,
                Code::FrontMatterUnknownReference,
                format!("`{key}` in `{field}` is not defined in site.yaml"),
                help,
            ));
        }
    }
}
