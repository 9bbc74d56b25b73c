//! `site.yaml` → [`SiteConfig`].
//!
//! The file is first read into a raw serde mirror (`raw`) whose structs
//! refuse unknown keys, then resolved into [`SiteConfig`]: languages in
//! order with the default first, a normalised base URL, contacts checked
//! against the associations. Resolution destructures every raw field by
//! name, so a new key forces a decision here.

mod base_url;
mod raw;

use std::collections::BTreeMap;
use std::fmt;

use indexmap::IndexMap;
use serde::Serialize;

use crate::diagnostics::{Code, Diagnostic};
use crate::yaml;
pub use base_url::{BadBaseUrl, BaseUrl};

/// The file name of the site configuration, relative to the root.
pub const FILE_NAME: &str = "site.yaml";

/// A configured language code such as `de`. Shared, not copied: every
/// page, listing and recorded read carries one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Lang(std::sync::Arc<str>);

impl Lang {
    pub fn new(code: &str) -> Self {
        Lang(code.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One language of the site.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    pub code: Lang,
    /// The language's name in itself ("Deutsch", "English").
    pub name: String,
    /// Whether straight quotes in Markdown become typographic ones.
    pub typographic_quotes: bool,
}

/// A publishing association (Zweckverband).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Association {
    pub key: String,
    pub name: String,
    pub url: String,
    /// Social network name → profile URL, in the order written.
    pub social: IndexMap<String, String>,
    /// The "Über …" paragraph per language.
    pub boilerplate: BTreeMap<Lang, String>,
    /// Where the site publishes the association's logo (a site address
    /// such as `/logos/itk-rheinland.png`), for structured data.
    pub logo: Option<String>,
}

/// A press contact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contact {
    pub key: String,
    pub name: String,
    pub role: String,
    pub email: String,
    pub phone: Option<String>,
    pub association: String,
}

/// Links the accessibility statement needs.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct AccessibilityLinks {
    pub feedback_url: Option<String>,
    pub ombuds_url: Option<String>,
}

/// The resolved site configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteConfig {
    pub title: BTreeMap<Lang, String>,
    pub description: BTreeMap<Lang, String>,
    /// Without trailing slash: `https://hub.example.org`.
    pub base_url: BaseUrl,
    /// Every language, the default first.
    pub languages: Vec<Language>,
    pub theme: String,
    pub news_per_page: usize,
    pub associations: IndexMap<String, Association>,
    pub contacts: IndexMap<String, Contact>,
    pub accessibility: AccessibilityLinks,
    pub extra: BTreeMap<String, yaml::Value>,
    /// A preview build (`build --noindex`, never from site.yaml): search
    /// engines are asked to stay out (robots.txt, and `site.noindex` for
    /// the theme's `<meta name="robots">`).
    pub noindex: bool,
}

impl SiteConfig {
    pub fn default_language(&self) -> &Lang {
        &self.languages[0].code
    }

    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code.as_str() == code)
    }

    /// The URL prefix of a language: `""` for the default, `"/en"` else.
    pub fn lang_prefix(&self, lang: &Lang) -> String {
        if lang == self.default_language() {
            String::new()
        } else {
            format!("/{lang}")
        }
    }

    /// The same configuration with another base URL (`--base-url`),
    /// checked by the same [`BaseUrl::parse`] as site.yaml's.
    pub fn with_base_url(mut self, base_url: &BaseUrl) -> Self {
        self.base_url = base_url.clone();
        self
    }

    /// The same configuration for a preview that search engines must not
    /// index (`--noindex`).
    pub fn noindexed(mut self) -> Self {
        self.noindex = true;
        self
    }
}

/// Parses and resolves the text of `site.yaml`.
pub fn parse(text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
    let invisible = crate::control_chars::diagnostics(std::path::Path::new(FILE_NAME), text);
    if !invisible.is_empty() {
        return Err(invisible);
    }
    let raw: raw::RawSiteConfig = yaml::from_str(text).map_err(|e| {
        vec![Diagnostic::error(e.code, FILE_NAME, e.message, e.help).at(e.line, e.column)]
    })?;
    resolve(raw, text)
}

/// Turns the raw mirror into a [`SiteConfig`], one helper per key, and
/// reports every problem at once rather than the first.
fn resolve(raw: raw::RawSiteConfig, text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
    let raw::RawSiteConfig {
        title,
        description,
        base_url,
        default_language,
        languages,
        theme,
        news_per_page,
        associations,
        contacts,
        accessibility,
        extra,
    } = raw;
    let mut problems = Problems {
        text,
        found: Vec::new(),
    };
    let resolved_languages = resolve_languages(&languages, &default_language, &mut problems);
    let title = resolve_title(title, &languages, &mut problems);
    let description = per_language(
        description.unwrap_or_default(),
        "description",
        &languages,
        &mut problems,
    );
    let base_url = resolve_base_url(&base_url, &mut problems);
    let associations = resolve_associations(associations, &languages, &mut problems);
    let contacts = resolve_contacts(contacts.unwrap_or_default(), &associations, &mut problems);
    let accessibility = accessibility
        .map(|a| AccessibilityLinks {
            feedback_url: a.feedback_url,
            ombuds_url: a.ombuds_url,
        })
        .unwrap_or_default();

    let theme = theme.unwrap_or_else(|| "hub".to_string());
    let mut problems = problems.found;
    problems.extend(unsafe_theme(&theme, text));
    let (Some(base_url), true) = (base_url, problems.is_empty()) else {
        return Err(problems);
    };
    Ok(SiteConfig {
        title,
        description,
        base_url,
        languages: resolved_languages,
        theme,
        news_per_page: news_per_page.unwrap_or(10).max(1),
        associations,
        contacts,
        accessibility,
        extra: extra.unwrap_or_default(),
        noindex: false,
    })
}

/// The problems found while resolving, each placed at the line of the
/// key it concerns.
struct Problems<'a> {
    text: &'a str,
    found: Vec<Diagnostic>,
}

impl Problems<'_> {
    /// Records a `config/invalid` error at the first line that holds `key`.
    fn add(&mut self, key: &str, message: String, help: String) {
        let (line, column) = yaml::position_of_key(self.text, key);
        self.found.push(
            Diagnostic::error(Code::ConfigInvalid, FILE_NAME, message, help).at(line, column),
        );
    }
}

/// The configured language codes, comma-separated, for help lines.
fn language_list(languages: &IndexMap<String, raw::RawLanguage>) -> String {
    languages.keys().cloned().collect::<Vec<_>>().join(", ")
}

/// Every configured language with the default moved to the front; the
/// default must be one of them, and each code must look like one.
fn resolve_languages(
    languages: &IndexMap<String, raw::RawLanguage>,
    default_language: &str,
    problems: &mut Problems,
) -> Vec<Language> {
    let mut resolved: Vec<Language> = languages
        .iter()
        .map(|(code, language)| Language {
            code: Lang::new(code),
            name: language.name.clone(),
            typographic_quotes: language.typographic_quotes.unwrap_or(true),
        })
        .collect();
    match resolved
        .iter()
        .position(|l| l.code.as_str() == default_language)
    {
        Some(index) => {
            let default = resolved.remove(index);
            resolved.insert(0, default);
        }
        None => problems.add(
            "default_language",
            format!("`default_language: {default_language}` is not one of `languages`"),
            format!(
                "add `{default_language}` under `languages:` or pick one of: {}",
                language_list(languages)
            ),
        ),
    }
    for code in languages.keys() {
        let valid = !code.is_empty()
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit());
        if !valid {
            problems.add(
                code,
                format!("`{code}` is not a language code"),
                "use a lower-case code such as `de` or `en`".to_string(),
            );
        }
    }
    resolved
}

/// A per-language value of `key`, keeping only configured languages and
/// reporting any other.
fn per_language(
    map: IndexMap<String, String>,
    key: &str,
    languages: &IndexMap<String, raw::RawLanguage>,
    problems: &mut Problems,
) -> BTreeMap<Lang, String> {
    let mut out = BTreeMap::new();
    for (code, value) in map {
        if languages.contains_key(&code) {
            out.insert(Lang::new(&code), value);
        } else {
            problems.add(
                key,
                format!("`{key}` has a value for `{code}`, which is not a configured language"),
                format!("use one of: {}", language_list(languages)),
            );
        }
    }
    out
}

/// The site title, which every configured language must have.
fn resolve_title(
    title: IndexMap<String, String>,
    languages: &IndexMap<String, raw::RawLanguage>,
    problems: &mut Problems,
) -> BTreeMap<Lang, String> {
    let title = per_language(title, "title", languages, problems);
    for language in languages.keys() {
        if !title.contains_key(&Lang::new(language)) {
            problems.add(
                "title",
                format!("`title` has no value for the language `{language}`"),
                format!("add `{language}: \"…\"` to `title`"),
            );
        }
    }
    title
}

/// `base_url`, checked by [`BaseUrl::parse`]; `None` after a problem.
fn resolve_base_url(base_url: &str, problems: &mut Problems) -> Option<BaseUrl> {
    match BaseUrl::parse(base_url) {
        Ok(url) => Some(url),
        Err(bad) => {
            problems.add(
                "base_url",
                format!("`base_url: {base_url}` {}", bad.problem),
                bad.help,
            );
            None
        }
    }
}

/// The associations in the order written, with their boilerplate per
/// configured language.
fn resolve_associations(
    associations: IndexMap<String, raw::RawAssociation>,
    languages: &IndexMap<String, raw::RawLanguage>,
    problems: &mut Problems,
) -> IndexMap<String, Association> {
    let mut resolved = IndexMap::new();
    for (key, association) in associations {
        let raw::RawAssociation {
            name,
            url,
            social,
            boilerplate,
            logo,
        } = association;
        let boilerplate = per_language(
            boilerplate.unwrap_or_default(),
            "boilerplate",
            languages,
            problems,
        );
        let logo = logo.filter(|logo| site_address(logo, &key, "logo", problems));
        resolved.insert(
            key.clone(),
            Association {
                key,
                name,
                url,
                social: social.unwrap_or_default(),
                boilerplate,
                logo,
            },
        );
    }
    resolved
}

/// Whether `address` (the value of `key` in the entry `entry`) is an
/// address on this site: starting with `/`, without `..` or a query; else
/// an error at the entry's line.
fn site_address(address: &str, entry: &str, key: &str, problems: &mut Problems) -> bool {
    let fine = address.starts_with('/')
        && !address.starts_with("//")
        && !address.split('/').any(|segment| segment == "..")
        && !address.contains(['?', '#', '\\']);
    if !fine {
        problems.add(
            entry,
            format!("`{key}: {address}` of `{entry}` is not an address on this site"),
            format!("write the file's address from the site root, e.g. `{key}: /logos/name.png`"),
        );
    }
    fine
}

/// The press contacts in the order written; each must name a configured
/// association.
fn resolve_contacts(
    contacts: IndexMap<String, raw::RawContact>,
    associations: &IndexMap<String, Association>,
    problems: &mut Problems,
) -> IndexMap<String, Contact> {
    let mut resolved = IndexMap::new();
    for (key, contact) in contacts {
        let raw::RawContact {
            name,
            role,
            email,
            phone,
            association,
        } = contact;
        if !associations.contains_key(&association) {
            let known: Vec<String> = associations.keys().cloned().collect();
            problems.add(
                &key,
                format!(
                    "contact `{key}` names the association `{association}`, which is not under `associations`"
                ),
                match yaml::nearest(&association, &known) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("use one of: {}", known.join(", ")),
                },
            );
        }
        resolved.insert(
            key.clone(),
            Contact {
                key,
                name,
                role,
                email,
                phone,
                association,
            },
        );
    }
    resolved
}

/// `theme:` names a folder below `themes/`: one plain name, so it can
/// never lead out of that folder (or the root) with `..`, `/` or an
/// absolute path.
fn unsafe_theme(theme: &str, text: &str) -> Option<Diagnostic> {
    let plain = !theme.is_empty()
        && theme != "."
        && theme != ".."
        && !theme.contains(['/', '\\', '\0'])
        && theme.trim() == theme;
    if plain {
        return None;
    }
    let (line, column) = yaml::position_of_key(text, "theme");
    Some(
        Diagnostic::error(
            Code::ConfigUnsafeTheme,
            FILE_NAME,
            format!("`theme: {theme}` is not the name of a folder below themes/"),
            "write only the folder's name, e.g. `theme: hub` for themes/hub/; a theme must lie inside the site's folder",
        )
        .at(line, column),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title: { de: \"Hub\", en: \"Hub\" }\nbase_url: \"https://hub.example.org/\"\ndefault_language: de\nlanguages:\n  en: { name: English }\n  de: { name: Deutsch }\nassociations:\n  itk: { name: ITK, url: \"https://itk.example\" }\n";

    #[test]
    fn default_language_comes_first_and_base_url_loses_its_slash() {
        let config = parse(MINIMAL).unwrap();
        assert_eq!(config.default_language().as_str(), "de");
        assert_eq!(config.languages[1].code.as_str(), "en");
        assert_eq!(config.base_url.as_str(), "https://hub.example.org");
        assert_eq!(config.lang_prefix(&Lang::new("en")), "/en");
        assert_eq!(config.lang_prefix(&Lang::new("de")), "");
    }

    #[test]
    fn unknown_key_names_the_key_and_suggests() {
        let text = MINIMAL.replace("title:", "titel:");
        let problems = parse(&text).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].message, "unknown key `titel`");
        assert!(problems[0].help.starts_with("did you mean `title`?"));
        assert_eq!((problems[0].line, problems[0].column), (1, 1));
    }

    #[test]
    fn default_language_must_be_configured() {
        let text = MINIMAL.replace("default_language: de", "default_language: fr");
        let problems = parse(&text).unwrap_err();
        assert_eq!(problems[0].line, 3);
        assert!(problems[0].message.contains("fr"));
    }

    #[test]
    fn theme_must_be_a_folder_name_below_themes() {
        for bad in ["../../../x", "/etc", "a/b", "..", "", "a\\b"] {
            let text = format!("{MINIMAL}theme: \"{}\"\n", bad.replace('\\', "\\\\"));
            let problems = parse(&text).unwrap_err();
            assert_eq!(problems[0].code, Code::ConfigUnsafeTheme, "{bad:?}");
            assert_eq!(problems[0].line, 9, "{bad:?}");
        }
        let text = format!("{MINIMAL}theme: eigenes\n");
        assert_eq!(parse(&text).unwrap().theme, "eigenes");
    }

    #[test]
    fn an_association_logo_is_an_address_on_this_site() {
        let with = |logo: &str| {
            MINIMAL.replace(
                "url: \"https://itk.example\"",
                &format!("url: \"https://itk.example\", logo: \"{logo}\""),
            )
        };
        let config = parse(&with("/logos/itk.png")).unwrap();
        assert_eq!(
            config.associations["itk"].logo.as_deref(),
            Some("/logos/itk.png")
        );
        for bad in [
            "logos/itk.png",
            "https://other.example/itk.png",
            "//other.example/x.png",
            "/a/../../x.png",
        ] {
            let problems = parse(&with(bad)).unwrap_err();
            assert_eq!(problems[0].code, Code::ConfigInvalid, "{bad}");
            assert_eq!(problems[0].line, 8, "{bad}");
        }
    }

    #[test]
    fn contact_with_unknown_association_is_refused() {
        let text = format!(
            "{MINIMAL}contacts:\n  presse: {{ name: A, role: B, email: a@b.c, association: itj }}\n"
        );
        let problems = parse(&text).unwrap_err();
        assert!(problems[0].help.contains("`itk`"), "{}", problems[0].help);
    }
}
