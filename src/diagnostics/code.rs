//! The stable codes that name every kind of [`super::Diagnostic`].
//!
//! A code's string (`yaml/unknown-key`) is an interface: it appears in the
//! terminal report, in the JSON of `kommhub check` (`format: 1`), in the
//! `check: { allow: … }` keys of content files and in snapshots, so it never
//! changes once released. Each code is written once, in the table below,
//! with its string, whether a page may silence it and what it means; the
//! enum, [`Code::ALL`], the lookup by string and the list of codes `check`
//! accepts in `check: allow` are all generated from that table, so a code
//! mistyped at a call site does not compile.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// Declares [`Code`] from one row per code:
/// `Variant = "area/name", build | lint, "Description.";`.
/// `lint` marks the codes of `kommhub check` that a page may silence.
macro_rules! codes {
    ($($variant:ident = $text:literal, $kind:ident, $description:literal;)+) => {
        /// The kind of a diagnostic; see the module documentation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $(
                #[doc = $description]
                $variant,
            )+
        }

        impl Code {
            /// Every code, in the order of the table.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            /// The stable string, e.g. `yaml/unknown-key`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)+
                }
            }

            /// What the code means, in one sentence.
            pub const fn description(self) -> &'static str {
                match self {
                    $(Code::$variant => $description,)+
                }
            }

            /// Whether a page may silence findings of this code with
            /// `check: { allow: { code: reason } }`.
            pub const fn silenceable(self) -> bool {
                match self {
                    $(Code::$variant => codes!(@silenceable $kind),)+
                }
            }
        }
    };
    (@silenceable build) => { false };
    (@silenceable lint) => { true };
}

codes! {
    // site.yaml
    ConfigInvalid = "config/invalid", build,
        "A setting in site.yaml has a value kommhub cannot use.";
    ConfigMissing = "config/missing", build,
        "There is no readable site.yaml in the site's folder.";
    ConfigSymlinkOutside = "config/symlink-outside", build,
        "The site.yaml file is a link to a place outside the site's folder.";
    ConfigUnsafeTheme = "config/unsafe-theme", build,
        "The theme named in site.yaml is not the name of a folder below themes/.";

    // Reading the site's files
    SourceImpossibleDate = "source/impossible-date", build,
        "A file or folder name starts with a date that does not exist in the calendar.";
    SourceNameTooLong = "source/name-too-long", build,
        "A file name would give the page an address longer than kommhub allows.";
    SourceNoContent = "source/no-content", build,
        "The site has no content/ folder.";
    SourceNotUtf8 = "source/not-utf8", build,
        "A content file is not UTF-8 text.";
    SourceSpecialFile = "source/special-file", build,
        "A pipe, socket or device sits where a regular file is expected, and is skipped.";
    SourceSymlinkOutside = "source/symlink-outside", build,
        "A link in content/ leads outside the site's folder and is not followed.";
    SourceUnreadable = "source/unreadable", build,
        "A file or folder of the site cannot be read.";
    SourceUnsafeAssetPath = "source/unsafe-asset-path", build,
        "A file next to a page has a path that cannot be published safely.";
    ContentControlCharacter = "content/control-character", build,
        "A content file or site.yaml holds an invisible control character.";

    // YAML in site.yaml, front matter and strings files
    YamlDuplicateKey = "yaml/duplicate-key", build,
        "A key is written twice in one YAML block.";
    YamlInvalidValue = "yaml/invalid-value", build,
        "A YAML value is not one of the values the key accepts.";
    YamlMissingKey = "yaml/missing-key", build,
        "A required YAML key is missing.";
    YamlSyntax = "yaml/syntax", build,
        "A YAML block is not valid YAML.";
    YamlTooDeep = "yaml/too-deep", build,
        "A YAML block nests lists or keys deeper than kommhub reads.";
    YamlTooLarge = "yaml/too-large", build,
        "A YAML block is longer than kommhub reads.";
    YamlUnknownKey = "yaml/unknown-key", build,
        "A YAML key is not one kommhub knows, often a typo.";
    YamlWrongType = "yaml/wrong-type", build,
        "A YAML value has the wrong form, such as text where a list belongs.";

    // Front matter
    FrontMatterEmptyTitle = "front-matter/empty-title", build,
        "A page's title is empty.";
    FrontMatterImageAlt = "front-matter/image-alt", build,
        "A page's lead image has no alt text and is not marked decorative.";
    FrontMatterImageCredit = "front-matter/image-credit", build,
        "The lead image of a press release names no photographer or rights holder.";
    FrontMatterMissing = "front-matter/missing", build,
        "A content file does not start with a front matter block.";
    FrontMatterNoAssociation = "front-matter/no-association", build,
        "A page names no publishing association.";
    FrontMatterNoDate = "front-matter/no-date", build,
        "A press release has no date in its front matter or file name.";
    FrontMatterTooLong = "front-matter/too-long", build,
        "A slug, tag or alias would make an address longer than kommhub allows.";
    FrontMatterUnknownReference = "front-matter/unknown-reference", build,
        "The front matter names a key that site.yaml does not define.";
    FrontMatterUnsafeAlias = "front-matter/unsafe-alias", build,
        "An alias is not a path on this site.";
    FrontMatterUnsafePath = "front-matter/unsafe-path", build,
        "An image named in the front matter is not a file in the page's own folder.";
    FrontMatterUnsafeSlug = "front-matter/unsafe-slug", build,
        "A slug is not a single segment of an address.";

    // Markdown bodies
    MarkdownHtmlNotAllowed = "markdown/html-not-allowed", build,
        "A page's body uses an HTML element that pages may not use.";
    MarkdownUnsafeHtml = "markdown/unsafe-html", build,
        "A page's body holds HTML that cannot be read reliably or could run code.";
    MarkdownUnsafeLink = "markdown/unsafe-link", build,
        "A link or image address uses a scheme that could run code or hide content.";
    MarkdownUnsafePath = "markdown/unsafe-path", build,
        "A link or image in a page's body leads to a file outside the site.";

    // Addresses
    UrlAliasConflict = "url/alias-conflict", build,
        "An alias is the address of another page.";
    UrlConflict = "url/conflict", build,
        "Two pages would have the same address.";
    UrlEmptySlug = "url/empty-slug", build,
        "A page's address would be empty because its name has no letters or digits.";

    // Press releases
    NewsDuplicateNumber = "news/duplicate-number", build,
        "Two press releases of one year have the same running number.";

    // The standards register
    StandardBadId = "standard/bad-id", build,
        "A standard's id is not written with letters, digits and hyphens.";
    StandardBadVersion = "standard/bad-version", build,
        "A standard's version is not numbers separated by dots.";
    StandardDateContradictsStatus = "standard/date-contradicts-status", build,
        "A version has a date that its status rules out, such as an adoption date on a draft.";
    StandardDateOrder = "standard/date-order", build,
        "A version's dates are in an impossible order, such as withdrawn before adopted.";
    StandardDownloadMissing = "standard/download-missing", build,
        "A download named by a version is not a file in its folder.";
    StandardDuplicateVersion = "standard/duplicate-version", build,
        "Two files give the same standard the same version in one language.";
    StandardFolder = "standard/folder", build,
        "A standard's file does not lie in a folder of its own below content/standards/.";
    StandardMissingDate = "standard/missing-date", build,
        "A version's status needs a date that the version does not give.";
    StandardMixedFolder = "standard/mixed-folder", build,
        "One folder holds versions of more than one standard.";
    StandardNoVersion = "standard/no-version", build,
        "A standard has no version in one of the site's languages.";
    StandardOlderStillAdopted = "standard/older-still-adopted", build,
        "An older version is still marked adopted although a newer one is in force.";
    StandardSplitFolders = "standard/split-folders", build,
        "The versions of one standard are spread over several folders.";
    StandardSupersedesItself = "standard/supersedes-itself", build,
        "A standard names itself in `supersedes`.";
    StandardTranslationDiffers = "standard/translation-differs", build,
        "A translation of a version disagrees with the original on a fact all languages share.";
    StandardUnknownSupersedes = "standard/unknown-supersedes", build,
        "A standard's `supersedes` names no standard in the register.";
    StandardUrlConflict = "standard/url-conflict", build,
        "A page has the address where a standard shows its current version.";

    // Images
    ImageCache = "image/cache", build,
        "A smaller copy of an image cannot be written to the image cache.";
    ImageUnreadable = "image/unreadable", build,
        "An image cannot be read as JPEG or PNG.";

    // The theme
    ThemeI18nKeyMissing = "theme/i18n-key-missing", build,
        "A strings file of the theme lacks a string the standards register needs.";
    ThemeI18nMissing = "theme/i18n-missing", build,
        "The theme has no readable strings file for a configured language.";
    ThemeMissing = "theme/missing", build,
        "The theme named in site.yaml does not exist.";
    ThemeStringMissing = "theme/string-missing", build,
        "A strings file of the theme lacks the search page's title.";
    ThemeSymlinkOutside = "theme/symlink-outside", build,
        "A link in the theme leads outside the site's folder and is not followed.";
    ThemeTemplateMissing = "theme/template-missing", build,
        "The theme lacks a template that kommhub needs.";
    ThemeUnreadable = "theme/unreadable", build,
        "A file or folder of the theme cannot be read.";
    ThemeUnsafePath = "theme/unsafe-path", build,
        "A static file of the theme has a path that cannot be published.";
    TemplateError = "template/error", build,
        "A template cannot be parsed or fails while rendering a page.";

    // Writing the output
    OutputConflict = "output/conflict", build,
        "Two files would be written to the same place in the output.";
    OutputIo = "output/io", build,
        "The output folder or preview cannot be written.";
    OutputUnsafePath = "output/unsafe-path", build,
        "An address cannot be written safely as a file of the output.";

    // The lints of `kommhub check`, the only codes `check: allow` takes.
    // Their order is kept as it was when check listed them itself: the
    // nearest code suggested for a mistyped key breaks ties by order.
    LinkBroken = "link/broken", lint,
        "An internal link or resource leads to no file of the site.";
    LinkBrokenAnchor = "link/broken-anchor", lint,
        "An internal link names an anchor the target page does not have.";
    LinkUnpublished = "link/unpublished", lint,
        "A link leads to a draft, a scheduled or an expired page.";
    LinkOtherLanguage = "link/other-language", lint,
        "A link leads to another language although the page exists in the linking page's language.";
    TranslationMissing = "translation/missing", lint,
        "A page is not translated into every language.";
    TranslationOutdated = "translation/outdated", lint,
        "A page in the default language changed after its translation.";
    A11yImgAlt = "a11y/img-alt", lint,
        "An image has no alt attribute.";
    A11yImgAltFilename = "a11y/img-alt-filename", lint,
        "An image's alt text is its file name.";
    A11yHeadingOrder = "a11y/heading-order", lint,
        "A heading level is skipped.";
    A11yMultipleH1 = "a11y/multiple-h1", lint,
        "A page has more than one h1.";
    A11yLinkEmpty = "a11y/link-empty", lint,
        "A link has no text a screen reader could read.";
    A11yLinkText = "a11y/link-text", lint,
        "A link text says nothing out of context (\"hier\", \"click here\", a bare address).";
    A11yTableHeaders = "a11y/table-headers", lint,
        "A table has no header cells.";
    A11yLang = "a11y/lang", lint,
        "A page has no lang attribute, or one that is not a configured language.";
    A11yDuplicateTitle = "a11y/duplicate-title", lint,
        "Two pages of one language have the same title.";
    PrivacyExternalResource = "privacy/external-resource", lint,
        "A page, style sheet or SVG loads something from another host.";
    PrivacyStorage = "privacy/storage", lint,
        "A shipped script uses cookies or web storage.";
    PrivacyImageLocation = "privacy/image-location", lint,
        "A photo in content/ carries the GPS position where it was taken.";
    RegisterConsultationClosed = "register/consultation-closed", lint,
        "A standard is still in consultation after its comments_until date.";
    LegalMissingPage = "legal/missing-page", lint,
        "The Impressum, privacy policy, accessibility statement, Leichte Sprache or Gebärdensprache page is missing.";
    LegalNotLinked = "legal/not-linked", lint,
        "A page does not link a page it must link.";
    LegalStatementReview = "legal/statement-review", lint,
        "The accessibility statement was not reviewed in the last 365 days.";
    LegalOutdatedLaw = "legal/outdated-law", lint,
        "A legal page cites the TMG or TTDSG, replaced in 2024 by the DDG and TDDDG.";
    LegalHttps = "legal/https", lint,
        "The base_url in site.yaml is not an https address.";
    CheckAllow = "check/allow", lint,
        "A `check: allow:` entry is unknown, has no reason or silences nothing.";
}

impl Code {
    /// The codes a page may silence with `check: { allow: … }`: the lints
    /// of `kommhub check`.
    pub fn silenceable_codes() -> impl Iterator<Item = Code> {
        Code::ALL.iter().copied().filter(|code| code.silenceable())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Codes sort by their strings, so reports keep the order they had when
/// codes were plain text.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A string that is no code of kommhub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode;

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a code of kommhub")
    }
}

impl std::error::Error for UnknownCode {}

impl FromStr for Code {
    type Err = UnknownCode;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == text)
            .ok_or(UnknownCode)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// The codes `check::CODES` listed before codes were an enum, in its
    /// order; `check: allow` keys in content depend on exactly this set.
    const FORMER_CHECK_CODES: &[&str] = &[
        "link/broken",
        "link/broken-anchor",
        "link/unpublished",
        "link/other-language",
        "translation/missing",
        // Added with issue 19.
        "translation/outdated",
        "a11y/img-alt",
        "a11y/img-alt-filename",
        "a11y/heading-order",
        "a11y/multiple-h1",
        "a11y/link-empty",
        "a11y/link-text",
        "a11y/table-headers",
        "a11y/lang",
        "a11y/duplicate-title",
        "privacy/external-resource",
        "privacy/storage",
        // Added with issue 19.
        "privacy/image-location",
        "register/consultation-closed",
        "legal/missing-page",
        "legal/not-linked",
        "legal/statement-review",
        "legal/outdated-law",
        "legal/https",
        "check/allow",
    ];

    #[test]
    fn every_code_string_is_unique() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code} is listed twice");
        }
    }

    #[test]
    fn every_code_string_is_area_slash_name() {
        let part = |text: &str| {
            !text.is_empty()
                && !text.starts_with('-')
                && !text.ends_with('-')
                && text
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        for code in Code::ALL {
            let shape = code.as_str().split_once('/');
            assert!(
                shape.is_some_and(|(area, name)| part(area) && part(name)),
                "{code} is not `area/name`"
            );
        }
    }

    #[test]
    fn every_code_round_trips_through_its_string() {
        for &code in Code::ALL {
            assert_eq!(code.as_str().parse::<Code>(), Ok(code));
            assert_eq!(code.to_string(), code.as_str());
        }
        assert_eq!("link/brokn".parse::<Code>(), Err(UnknownCode));
        assert_eq!("".parse::<Code>(), Err(UnknownCode));
    }

    #[test]
    fn silenceable_codes_are_the_former_check_codes_in_their_order() {
        let silenceable: Vec<&str> = Code::silenceable_codes().map(Code::as_str).collect();
        assert_eq!(silenceable, FORMER_CHECK_CODES);
    }

    #[test]
    fn every_description_is_one_sentence() {
        for code in Code::ALL {
            let text = code.description();
            assert!(
                text.starts_with(|c: char| c.is_uppercase()),
                "{code}: {text}"
            );
            assert!(text.ends_with('.'), "{code}: {text}");
            assert!(!text.trim_end_matches('.').contains(". "), "{code}: {text}");
        }
    }

    #[test]
    fn codes_sort_by_their_strings() {
        let mut codes = Code::ALL.to_vec();
        codes.sort();
        let strings: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        let mut sorted = strings.clone();
        sorted.sort_unstable();
        assert_eq!(strings, sorted);
    }
}
