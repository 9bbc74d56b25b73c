//! Front matter: splitting it off the body, and its typed shape per kind.
//!
//! We split ourselves instead of using pulldown-cmark's metadata blocks,
//! which silently drop a `---` block anywhere in the body. Each kind of
//! content (section, press release, standard, plain page) has its own
//! struct that refuses unknown keys; the keys every kind shares are
//! declared once, in `kind_front_matter!`.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use super::dates::PubDate;
use crate::yaml::{self, HELP_SEPARATOR};

/// Front matter and body of one file, with where each starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line of the first YAML line in the file.
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line of the first body line in the file.
    pub body_line: usize,
}

/// Why a file has no usable front matter: (line, message, help).
pub type SplitError = (usize, String, String);

/// Splits `---\n yaml \n---\n body`. A byte-order mark and CRLF are fine.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err((
            1,
            "this file is empty".to_string(),
            "start it with a front matter block: a line `---`, `title: \"…\"`, and another line `---`".to_string(),
        ));
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err((
            1,
            "the file does not start with front matter".to_string(),
            "make the first line `---`, then the keys (`title: \"…\"`), then a line `---` before the text".to_string(),
        ));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (index, line) in lines.enumerate() {
        if line.trim_end() == "---" {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: index + 3,
            });
        }
        offset += line.len();
    }
    Err((
        1,
        "the front matter is never closed".to_string(),
        "add a line with only `---` after the last front matter key".to_string(),
    ))
}

/// `image:` of any page.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Image {
    pub src: String,
    #[serde(default)]
    pub alt: Option<String>,
    #[serde(default)]
    pub caption: Option<String>,
    #[serde(default)]
    pub credit: Option<String>,
    #[serde(default)]
    pub decorative: bool,
}

/// `correction:` of a press release.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    pub date: PubDate,
    pub text: String,
}

/// `check:` of any page: lints of `kommhub check` this page silences.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSettings {
    /// Code (`a11y/link-text`) → why the finding is right for this page.
    #[serde(default)]
    pub allow: BTreeMap<String, String>,
}

/// The keys every page kind shares.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Common {
    pub title: String,
    pub date: Option<PubDate>,
    pub updated: Option<PubDate>,
    pub summary: Option<String>,
    pub slug: Option<String>,
    pub tags: Vec<String>,
    pub draft: bool,
    pub expires: Option<PubDate>,
    pub aliases: Vec<String>,
    pub image: Option<Image>,
    pub extra: BTreeMap<String, yaml::Value>,
    pub check: CheckSettings,
}

/// Declares a front matter struct with the common keys plus its own, and
/// the struct of only its own keys that the model keeps.
macro_rules! kind_front_matter {
    ($(#[$doc:meta])* $raw:ident => $own:ident { $($(#[$m:meta])* $field:ident : $ty:ty,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $raw {
            title: String,
            #[serde(default)] date: Option<PubDate>,
            #[serde(default)] updated: Option<PubDate>,
            #[serde(default)] summary: Option<String>,
            #[serde(default)] slug: Option<String>,
            #[serde(default)] tags: Vec<String>,
            #[serde(default)] draft: bool,
            #[serde(default)] expires: Option<PubDate>,
            #[serde(default)] aliases: Vec<String>,
            #[serde(default)] image: Option<Image>,
            #[serde(default)] extra: BTreeMap<String, yaml::Value>,
            #[serde(default)] check: CheckSettings,
            $($(#[$m])* $field: $ty,)*
        }

        /// The keys only this kind has.
        #[derive(Debug, Clone, PartialEq)]
        pub struct $own {
            $(pub $field: $ty,)*
        }

        impl $raw {
            /// Separates the shared keys from this kind's own.
            pub fn into_parts(self) -> (Common, $own) {
                let common = Common {
                    title: self.title,
                    date: self.date,
                    updated: self.updated,
                    summary: self.summary,
                    slug: self.slug,
                    tags: self.tags,
                    draft: self.draft,
                    expires: self.expires,
                    aliases: self.aliases,
                    image: self.image,
                    extra: self.extra,
                    check: self.check,
                };
                (common, $own { $($field: self.$field,)* })
            }
        }
    };
}

kind_front_matter! {
    /// A press release in `content/news/`.
    RawNews => News {
        associations: Vec<String>,
        contact: OneOrMany,
        #[serde(default)] place: Option<String>,
        #[serde(default)] subtitle: Option<String>,
        #[serde(default)] related: Vec<String>,
        #[serde(default)] correction: Option<Correction>,
        #[serde(default)] number: Option<u32>,
    }
}

kind_front_matter! {
    /// One version of a standard in `content/standards/<folder>/`.
    RawStandard => Standard {
        id: String,
        version: VersionText,
        status: Status,
        associations: Vec<String>,
        #[serde(default)] adopted: Option<PubDate>,
        #[serde(default)] effective: Option<PubDate>,
        #[serde(default)] withdrawn: Option<PubDate>,
        #[serde(default)] supersedes: Option<String>,
        #[serde(default)] legal_basis: Vec<String>,
        #[serde(default)] topics: Vec<String>,
        #[serde(default)] changes: Option<String>,
        #[serde(default)] comments_until: Option<PubDate>,
        #[serde(default)] decided_by: Option<String>,
        #[serde(default)] decision: Option<String>,
        #[serde(default)] valid_until: Option<PubDate>,
        #[serde(default)] license: Option<String>,
        #[serde(default)] downloads: Vec<String>,
        #[serde(default)] contact: Option<OneOrMany>,
    }
}

kind_front_matter! {
    /// Any other page: about pages, legal pages, Leichte Sprache.
    RawPlain => Plain {
        #[serde(default)] role: Option<Role>,
        #[serde(default)] conformance: Option<Conformance>,
        #[serde(default)] prepared: Option<PubDate>,
        #[serde(default)] reviewed: Option<PubDate>,
        #[serde(default)] method: Option<String>,
        #[serde(default)] barriers: Vec<String>,
    }
}

/// `_index.md` of a folder.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub title: String,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub extra: BTreeMap<String, yaml::Value>,
    #[serde(default)]
    pub check: CheckSettings,
}

/// A single key or a list of keys (`contact: presse-itk` or a list).
#[derive(Debug, Clone, PartialEq)]
pub struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            One(String),
            Many(Vec<String>),
        }
        match Shape::deserialize(deserializer) {
            Ok(Shape::One(one)) => Ok(OneOrMany(vec![one])),
            Ok(Shape::Many(many)) => Ok(OneOrMany(many)),
            Err(_) => Err(serde::de::Error::custom(format!(
                "expected one key or a list of keys{HELP_SEPARATOR}write `contact: presse-itk` or `contact: [presse-itk, presse-kdvz]`{HELP_SEPARATOR}contact:"
            ))),
        }
    }
}

/// A version number written as text, so `1.10` stays `1.10`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionText(pub String);

impl<'de> Deserialize<'de> for VersionText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = yaml::Value::deserialize(deserializer)?;
        match value {
            yaml::Value::String(text) => Ok(VersionText(text)),
            other => Err(serde::de::Error::custom(format!(
                "the version must be written in quotes{HELP_SEPARATOR}write `version: \"{}\"`: without quotes YAML reads 1.10 as the number 1.1{HELP_SEPARATOR}version:",
                match other {
                    yaml::Value::Number(n) => n.to_string(),
                    _ => "1.0".to_string(),
                }
            ))),
        }
    }
}

/// Where a standard is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Draft,
    Consultation,
    Adopted,
    Superseded,
    Withdrawn,
}

impl Status {
    /// Every status, in lifecycle order.
    pub const ALL: [Status; 5] = [
        Status::Draft,
        Status::Consultation,
        Status::Adopted,
        Status::Superseded,
        Status::Withdrawn,
    ];

    /// The key written in front matter and exports: `adopted`.
    pub fn key(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Consultation => "consultation",
            Status::Adopted => "adopted",
            Status::Superseded => "superseded",
            Status::Withdrawn => "withdrawn",
        }
    }
}

impl<'de> Deserialize<'de> for Status {
    /// An unknown status names every valid one (and the German labels
    /// editors may have in mind).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Status::ALL
            .into_iter()
            .find(|s| s.key() == text.trim())
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "`{text}` is not a status{HELP_SEPARATOR}use one of: draft (Entwurf), consultation (in Kommentierung), adopted (verabschiedet), superseded (ersetzt), withdrawn (zurückgezogen){HELP_SEPARATOR}status:"
                ))
            })
    }
}

/// What a plain page is, so checks and the theme find it by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Impressum,
    Privacy,
    Accessibility,
    EasyLanguage,
    SignLanguage,
}

/// Conformance claimed by the accessibility statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Conformance {
    Full,
    Partial,
    None,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_both_parts_and_their_lines() {
        let s = split("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!((s.yaml_line, s.body_line), (2, 4));
        assert_eq!(s.body, "Body\n");
    }

    #[test]
    fn split_accepts_bom_and_crlf() {
        let s = split("\u{feff}---\r\ntitle: A\r\n---\r\nBody").unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn split_keeps_a_later_rule_in_the_body() {
        let s = split("---\ntitle: A\n---\nOne\n\n---\n\nTwo\n").unwrap();
        assert_eq!(s.body, "One\n\n---\n\nTwo\n");
    }

    #[test]
    fn split_errors() {
        assert_eq!(split("").unwrap_err().1, "this file is empty");
        assert_eq!(
            split("title: A\n").unwrap_err().1,
            "the file does not start with front matter"
        );
        assert_eq!(
            split("---\ntitle: A\n").unwrap_err().1,
            "the front matter is never closed"
        );
    }

    #[test]
    fn unquoted_version_gets_a_helpful_error() {
        let e = yaml::from_str::<RawStandard>(
            "title: T\nid: HUB-STD-1\nversion: 1.10\nstatus: draft\nassociations: [a]\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
        assert!(e.help.contains("version: \"1.1\""), "{}", e.help);
    }
}
