//! `site`: the per-language part of every page's context, built once per
//! language (and serialised once, by `render`), never per page.

use std::collections::BTreeMap;

use super::page::role_name;
use super::{LanguageView, LinkView, SiteView};
use crate::config::Lang;
use crate::model::{Page, Site};
use crate::parse::Kind;

/// The per-language part of every page's context.
pub fn site_view<'a>(site: &'a Site, lang: &'a Lang) -> SiteView<'a> {
    let config = &site.config;
    let home = site.home(lang);
    SiteView {
        title: config
            .title
            .get(lang)
            .map(String::as_str)
            .unwrap_or_default(),
        description: config
            .description
            .get(lang)
            .map(String::as_str)
            .unwrap_or_default(),
        base_url: &config.base_url,
        noindex: config.noindex,
        home_url: home
            .map(|h| site.href(&h.url))
            .unwrap_or_else(|| site.href("/")),
        default_language: config.default_language().as_str(),
        languages: config
            .languages
            .iter()
            .map(|l| LanguageView {
                code: l.code.as_str(),
                name: &l.name,
            })
            .collect(),
        nav: top_sections(site, home).map(|p| link_to(site, p)).collect(),
        roles: role_links(site, lang),
        sections: top_sections(site, home)
            .map(|p| (p.doc.folder.as_str(), link_to(site, p)))
            .collect(),
        feeds: crate::render::news::feed_links(site, lang)
            .into_iter()
            .chain(crate::render::register::feed_links(site, lang))
            .collect(),
        associations: config.associations.values().collect(),
        accessibility: &config.accessibility,
        extra: &config.extra,
        search_url: None,
        vcards: config
            .contacts
            .keys()
            .map(|key| {
                let url = crate::render::press_kit::vcard_url(key);
                (key.as_str(), site.href(&url))
            })
            .collect(),
    }
}

/// The sections right below a language's home page, in its order.
fn top_sections<'a>(site: &'a Site, home: Option<&'a Page>) -> impl Iterator<Item = &'a Page> {
    home.into_iter()
        .flat_map(|home| &home.children)
        .map(|id| site.page(*id))
        .filter(|p| p.is_section())
}

/// The legal and accessibility pages by role: in `lang` where one is,
/// else in the default language.
fn role_links(site: &Site, lang: &Lang) -> BTreeMap<&'static str, LinkView> {
    let mut roles = BTreeMap::new();
    for page in &site.pages {
        if let Kind::Plain(plain) = &page.doc.kind {
            if let Some(role) = plain.role {
                let name = role_name(role);
                let better = page.lang == *lang
                    || (!roles.contains_key(name) && page.lang == *site.config.default_language());
                if better {
                    roles.insert(name, link_to(site, page));
                }
            }
        }
    }
    roles
}

fn link_to(site: &Site, page: &Page) -> LinkView {
    LinkView {
        title: page.doc.common.title.clone(),
        url: site.href(&page.url),
        lang: page.lang.to_string(),
    }
}
