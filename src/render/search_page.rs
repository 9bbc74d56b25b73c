//! The search page of each language: `/suche/`, `/en/search/`.
//!
//! Part of the render stage and pure like it. A theme that has a
//! `search.html` template gets one search page per language, rendered here
//! (it has no content file), and `site.search_url` to link it from every
//! page. The page itself holds only the form and the texts; the theme's
//! script loads the index of its language ([`crate::search`]) when the
//! reader searches, so no other page loads anything for search.

use std::collections::HashMap;

use tera::{Tera, Value};

use super::views::{FacetLinksView, Frame, LinkView, SearchPageView};
use super::{OutputFile, ThemeFiles};
use crate::config::Lang;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::Site;
use crate::model::news::ListingKind;

/// The template a theme provides to get search pages.
pub const TEMPLATE: &str = "search.html";

/// The i18n string that titles the page (and its breadcrumb).
const TITLE_KEY: &str = "search_title";

/// Site-relative URL of the search page of `lang`: `/suche/` in German,
/// `/<lang>/search/` in other languages.
pub fn url(site: &Site, lang: &Lang) -> String {
    let slug = if lang.as_str() == "de" {
        "suche"
    } else {
        "search"
    };
    format!("{}/{slug}/", site.config.lang_prefix(lang))
}

/// The search page of every language, when the theme has [`TEMPLATE`].
pub fn render_pages(
    site: &Site,
    theme: &ThemeFiles,
    tera: &Tera,
    site_values: &HashMap<&Lang, Value>,
) -> Vec<Result<OutputFile, Diagnostic>> {
    if !tera.contains_template(TEMPLATE) {
        return Vec::new();
    }
    site.config
        .languages
        .iter()
        .map(|language| render_page(site, theme, tera, &language.code, site_values))
        .collect()
}

fn render_page(
    site: &Site,
    theme: &ThemeFiles,
    tera: &Tera,
    lang: &Lang,
    site_values: &HashMap<&Lang, Value>,
) -> Result<OutputFile, Diagnostic> {
    let url = url(site, lang);
    let page = SearchPageView {
        kind: "search",
        title: title(theme, lang)?,
        lang: lang.to_string(),
        url: site.href(&url),
        permalink: site.permalink(&url),
        summary: "",
        bundle_url: site.href(&crate::search::bundle_url(lang)),
        facet_links: facet_links(site, lang),
    };
    // Every language has a search page, each the other's translation.
    let mut frame = Frame::new(site, site_values, lang, url, |other| {
        Some(self::url(site, other))
    });
    frame.linked_data =
        super::linked_data::other_page(site, lang, &frame.url, "SearchResultsPage", &page.title);
    super::render_index(
        tera,
        theme,
        TEMPLATE,
        &frame.context(&page),
        &frame.url,
        std::path::Path::new(crate::config::FILE_NAME),
    )
}

/// The listings per association and per year of `lang`, as the search's
/// filters for readers without JavaScript. Which listings exist is part of
/// the site's outline, recorded as read.
fn facet_links(site: &Site, lang: &Lang) -> Vec<FacetLinksView> {
    crate::reads::record(crate::reads::Read::Structure);
    let mut associations = Vec::new();
    let mut years = Vec::new();
    for listing in &site.news.listings {
        if listing.lang != *lang || listing.page != 1 {
            continue;
        }
        let link = |title: String| LinkView {
            title,
            url: site.href(&listing.first_url),
            lang: lang.to_string(),
        };
        match &listing.kind {
            ListingKind::Association(key) => {
                let name = site.config.associations.get(key).map_or(key, |a| &a.name);
                associations.push(link(name.clone()));
            }
            ListingKind::Year(year) => years.push((*year, link(year.to_string()))),
            _ => {}
        }
    }
    associations.sort_by(|a, b| a.title.cmp(&b.title));
    years.sort_by_key(|(year, _)| std::cmp::Reverse(*year));
    vec![
        FacetLinksView {
            name: "association",
            links: associations,
        },
        FacetLinksView {
            name: "year",
            links: years.into_iter().map(|(_, link)| link).collect(),
        },
    ]
}

/// The page's title: the theme's [`TITLE_KEY`] string of `lang`.
fn title(theme: &ThemeFiles, lang: &Lang) -> Result<String, Diagnostic> {
    super::theme::string(&theme.strings, lang, TITLE_KEY)
        .map(str::to_string)
        .ok_or_else(|| {
            Diagnostic::error(
                Code::ThemeStringMissing,
                theme.dir.join("i18n").join(format!("{lang}.yaml")),
                format!("the theme has a search page but no string `{TITLE_KEY}` for `{lang}`"),
                format!("add `{TITLE_KEY}: \"…\"` to i18n/{lang}.yaml"),
            )
        })
}

/// `site.search_url` of `lang`: the search page's link target, when the
/// theme has one.
pub fn link(site: &Site, tera: &Tera, lang: &Lang) -> Option<String> {
    tera.contains_template(TEMPLATE)
        .then(|| site.href(&url(site, lang)))
}
