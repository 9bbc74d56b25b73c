//! The frame of every rendered HTML file: what a template gets besides
//! `page`.
//!
//! Content pages, listings, the register's own pages, the search pages and
//! the 404 pages all get their context from [`Frame::context`], so a value
//! every page needs is added here, once (the structured data, which
//! differs by kind of page, is set on the frame by the page's maker). What differs between them is only
//! where their other language versions are, which each kind of page says
//! with a `counterpart` function.

use std::collections::HashMap;

use serde::Serialize;
use tera::{Context, Value};

use super::{AlternateView, SwitcherEntry};
use crate::config::Lang;
use crate::model::Site;

/// The frame of one rendered HTML file, before its `page` is known.
pub struct Frame<'a> {
    site: &'a Site,
    /// Each language's `site` value, serialised once per language.
    site_values: &'a HashMap<&'a Lang, Value>,
    pub lang: &'a Lang,
    /// The file's site-relative URL; its permalink is `canonical`.
    pub url: String,
    pub alternates: Vec<AlternateView<'a>>,
    pub switcher: Vec<SwitcherEntry<'a>>,
    /// The page's structured data (`render::linked_data`), JSON text the
    /// theme prints in a `<script type="application/ld+json">`; empty
    /// where the page has none.
    pub linked_data: String,
}

impl<'a> Frame<'a> {
    /// The frame of the file at `url` in `lang`. `counterpart` gives the
    /// site-relative URL of the same file in another language, where there
    /// is one: those are its alternates and what its switcher links.
    pub fn new(
        site: &'a Site,
        site_values: &'a HashMap<&'a Lang, Value>,
        lang: &'a Lang,
        url: String,
        counterpart: impl Fn(&Lang) -> Option<String>,
    ) -> Frame<'a> {
        let alternates = alternates(site, lang, &url, &counterpart);
        Frame {
            site,
            site_values,
            lang,
            alternates,
            switcher: switcher(site, lang, counterpart),
            url,
            linked_data: String::new(),
        }
    }

    /// The site the frame belongs to.
    pub fn site(&self) -> &'a Site {
        self.site
    }

    /// The context of the file: the frame, and `page` as the template
    /// that renders it expects.
    pub fn context(&self, page: &impl Serialize) -> Context {
        let mut context = Context::new();
        context.insert("lang", self.lang.as_str());
        if let Some(value) = self.site_values.get(self.lang) {
            context.insert_value("site", value.clone());
        }
        context.insert("page", page);
        let canonical = self.site.permalink(&self.url);
        let default = self.site.config.default_language().as_str();
        let x_default = self
            .alternates
            .iter()
            .find(|a| a.lang == default)
            .or(self.alternates.first())
            .map_or_else(|| canonical.clone(), |a| a.permalink.clone());
        context.insert("canonical", &canonical);
        context.insert("x_default", &x_default);
        context.insert("alternates", &self.alternates);
        context.insert("switcher", &self.switcher);
        context.insert("linked_data", &self.linked_data);
        context
    }
}

/// `alternates`, for `hreflang`: the file at `url` in `lang` and its
/// counterparts, in the order of the site's languages.
fn alternates<'a>(
    site: &'a Site,
    lang: &Lang,
    url: &str,
    counterpart: impl Fn(&Lang) -> Option<String>,
) -> Vec<AlternateView<'a>> {
    site.config
        .languages
        .iter()
        .filter_map(|language| {
            let target = if language.code == *lang {
                Some(url.to_string())
            } else {
                counterpart(&language.code)
            };
            target.map(|target| AlternateView {
                lang: language.code.as_str(),
                permalink: site.permalink(&target),
            })
        })
        .collect()
}

/// `switcher`: one entry per other language, leading to the counterpart
/// where there is one, else to that language's home page.
pub fn switcher<'a>(
    site: &'a Site,
    lang: &Lang,
    counterpart: impl Fn(&Lang) -> Option<String>,
) -> Vec<SwitcherEntry<'a>> {
    site.config
        .languages
        .iter()
        .filter(|language| language.code != *lang)
        .map(|language| {
            let same = counterpart(&language.code);
            SwitcherEntry {
                lang: language.code.as_str(),
                name: &language.name,
                translated: same.is_some(),
                url: match same {
                    Some(url) => site.href(&url),
                    None => site
                        .home(&language.code)
                        .map(|home| site.href(&home.url))
                        .unwrap_or_else(|| site.href("/")),
                },
            }
        })
        .collect()
}
