//! Structured data: the JSON-LD (schema.org) block of every page.
//!
//! Search engines and the link previews of other sites read a page's
//! `<script type="application/ld+json">`. It is written here, in Rust and
//! through serde_json, so it is valid JSON whatever a title holds; the
//! theme only prints the text (`linked_data` in every page's context, see
//! [`super::views::Frame`]). A browser never runs such a script, so the
//! site's Content-Security-Policy needs no exception for it.
//!
//! What each page says: a press release is a `NewsArticle` published and
//! written by its associations (`GovernmentOrganization`s, both are public
//! bodies); a standard's version is a `DigitalDocument` with its id,
//! version, status and dates; a home page names the hub (`WebSite`) and
//! the associations; every other page is a `WebPage` (a `CollectionPage`
//! for sections and listings), and every page below a home carries a
//! `BreadcrumbList` with the same steps as the theme's breadcrumb.
//! The properties used are checked against a pinned copy of schema.org's
//! vocabulary by `tests/testsuite/share.rs`.

use serde_json::{Map, Value, json};

use super::views::{PageView, StandardView};
use crate::config::{Association, Lang};
use crate::model::Site;

/// schema.org's address, the `@context` of every block.
const CONTEXT: &str = "https://schema.org";

/// The JSON-LD of a content page (or a standard's current version, or a
/// register filter page, which are rendered from a [`PageView`] too).
pub fn content_page(site: &Site, lang: &Lang, url: &str, view: &PageView) -> String {
    let mut graph = Vec::new();
    let main = match view.kind {
        "home" => {
            graph.push(web_site(site, lang));
            graph.extend(organisations(site, site.config.associations.values()));
            None
        }
        "news" => Some(news_article(site, lang, view)),
        "standard" => view
            .standard
            .as_ref()
            .map(|s| standard(site, lang, view, s)),
        "section" | "register" => Some(web_page(site, lang, "CollectionPage", view)),
        _ => Some(web_page(site, lang, "WebPage", view)),
    };
    graph.extend(main);
    graph.extend(breadcrumbs(site, lang, url, view.title));
    script(graph)
}

/// The JSON-LD of a page that shows no content file of its own (a listing
/// page, a search page): what it is and where it sits.
pub fn other_page(site: &Site, lang: &Lang, url: &str, kind: &str, title: &str) -> String {
    let mut page = Map::new();
    page.insert("@type".into(), kind.into());
    page.insert("name".into(), title.into());
    page.insert("url".into(), site.permalink(url).into());
    page.insert("inLanguage".into(), lang.as_str().into());
    page.insert("isPartOf".into(), web_site_reference(site, lang));
    let mut graph = vec![Value::Object(page)];
    graph.extend(breadcrumbs(site, lang, url, title));
    script(graph)
}

/// The text of the script element: one `@graph`, with `<` written as
/// `\u003c`, so no title can end the script element early.
fn script(graph: Vec<Value>) -> String {
    let document = json!({ "@context": CONTEXT, "@graph": graph });
    serde_json::to_string(&document)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

fn news_article(site: &Site, lang: &Lang, view: &PageView) -> Value {
    let publishers: Vec<Value> = organisations(site, view.associations.iter().copied()).collect();
    let mut article = Map::new();
    article.insert("@type".into(), "NewsArticle".into());
    article.insert("@id".into(), format!("{}#article", view.permalink).into());
    article.insert("headline".into(), view.title.into());
    describe(&mut article, site, lang, view);
    article.insert("author".into(), publishers.clone().into());
    article.insert("publisher".into(), publishers.into());
    if let Some(number) = &view.number {
        article.insert("identifier".into(), number.as_str().into());
    }
    if !view.tags.is_empty() {
        article.insert("keywords".into(), view.tags.join(", ").into());
    }
    Value::Object(article)
}

fn standard(site: &Site, lang: &Lang, view: &PageView, standard: &StandardView) -> Value {
    let mut document = Map::new();
    document.insert("@type".into(), "DigitalDocument".into());
    document.insert("@id".into(), format!("{}#document", view.permalink).into());
    document.insert("name".into(), view.title.into());
    describe(&mut document, site, lang, view);
    document.insert("identifier".into(), standard.id.into());
    document.insert("version".into(), standard.version.into());
    document.insert("creativeWorkStatus".into(), standard.status.into());
    let dates = [
        ("dateCreated", &standard.date),
        ("datePublished", &standard.adopted),
        ("expires", &standard.valid_until),
    ];
    for (key, date) in dates {
        if let Some(date) = date {
            document.insert(key.into(), date.as_str().into());
        }
    }
    if let Some(license) = standard.license {
        document.insert("license".into(), license.into());
    }
    let publishers: Vec<Value> = organisations(site, view.associations.iter().copied()).collect();
    if !publishers.is_empty() {
        document.insert("publisher".into(), publishers.into());
    }
    Value::Object(document)
}

/// A plain page, a section or the register.
fn web_page(site: &Site, lang: &Lang, kind: &str, view: &PageView) -> Value {
    let mut page = Map::new();
    page.insert("@type".into(), kind.into());
    page.insert("name".into(), view.title.into());
    describe(&mut page, site, lang, view);
    Value::Object(page)
}

/// What every content page's main item says about itself: address,
/// summary, language, dates and lead image.
fn describe(item: &mut Map<String, Value>, site: &Site, lang: &Lang, view: &PageView) {
    item.insert("url".into(), view.permalink.as_str().into());
    item.insert("mainEntityOfPage".into(), view.permalink.as_str().into());
    if !view.summary.is_empty() {
        item.insert("description".into(), view.summary.as_str().into());
    }
    item.insert("inLanguage".into(), view.lang.into());
    if let Some(date) = &view.date {
        item.insert("datePublished".into(), date.as_str().into());
    }
    if let Some(modified) = view.updated.as_ref().or(view.date.as_ref()) {
        item.insert("dateModified".into(), modified.as_str().into());
    }
    if let Some(image) = &view.share_image {
        item.insert("image".into(), image_object(image));
    }
    item.insert("isPartOf".into(), web_site_reference(site, lang));
}

fn image_object(image: &super::views::ShareImageView) -> Value {
    json!({
        "@type": "ImageObject",
        "url": image.url,
        "width": image.width,
        "height": image.height,
        "caption": image.alt,
    })
}

/// The hub itself, on its home pages.
fn web_site(site: &Site, lang: &Lang) -> Value {
    let mut web_site = Map::new();
    web_site.insert("@type".into(), "WebSite".into());
    web_site.insert("@id".into(), web_site_id(site, lang).into());
    web_site.insert("name".into(), site_title(site, lang).into());
    web_site.insert("url".into(), home_permalink(site, lang).into());
    web_site.insert("inLanguage".into(), lang.as_str().into());
    if let Some(description) = site.config.description.get(lang) {
        web_site.insert("description".into(), description.as_str().into());
    }
    let publishers: Vec<Value> = site
        .config
        .associations
        .values()
        .map(|a| json!({ "@id": organisation_id(site, a) }))
        .collect();
    web_site.insert("publisher".into(), publishers.into());
    Value::Object(web_site)
}

/// `isPartOf`: the hub of `lang`, by name and address.
fn web_site_reference(site: &Site, lang: &Lang) -> Value {
    json!({
        "@type": "WebSite",
        "@id": web_site_id(site, lang),
        "name": site_title(site, lang),
        "url": home_permalink(site, lang),
    })
}

fn web_site_id(site: &Site, lang: &Lang) -> String {
    format!("{}#website", home_permalink(site, lang))
}

fn site_title<'a>(site: &'a Site, lang: &Lang) -> &'a str {
    site.config
        .title
        .get(lang)
        .map(String::as_str)
        .unwrap_or_default()
}

/// The absolute address of `lang`'s home page.
fn home_permalink(site: &Site, lang: &Lang) -> String {
    site.permalink(&format!("{}/", site.config.lang_prefix(lang)))
}

/// Each association as a `GovernmentOrganization`: both are public bodies
/// (Zweckverbände) under German law.
fn organisations<'a>(
    site: &'a Site,
    associations: impl Iterator<Item = &'a Association> + 'a,
) -> impl Iterator<Item = Value> + 'a {
    associations.map(move |association| {
        let mut organisation = Map::new();
        organisation.insert("@type".into(), "GovernmentOrganization".into());
        organisation.insert("@id".into(), organisation_id(site, association).into());
        organisation.insert("name".into(), association.name.as_str().into());
        organisation.insert("url".into(), association.url.as_str().into());
        if let Some(logo) = &association.logo {
            organisation.insert("logo".into(), site.permalink(logo).into());
        }
        let profiles: Vec<&str> = association.social.values().map(String::as_str).collect();
        if !profiles.is_empty() {
            organisation.insert("sameAs".into(), profiles.into());
        }
        Value::Object(organisation)
    })
}

/// An association's node id: below the hub's address, as the hub
/// describes it (the association's own site may describe itself too).
fn organisation_id(site: &Site, association: &Association) -> String {
    format!("{}#org-{}", site.permalink("/"), association.key)
}

/// The breadcrumb of a page below a home page: the home page, the top
/// section the page lies in (as the theme's main navigation names it), the
/// page. None for a home page.
fn breadcrumbs(site: &Site, lang: &Lang, url: &str, title: &str) -> Option<Value> {
    // The home page's and the sections' titles and addresses are part of
    // `site` (its navigation), which every page already reads; reading
    // them again here must not tie the page to those pages' bodies.
    let steps = crate::reads::ignoring(|| {
        let home = site.home(lang)?;
        if home.url.as_str() == url {
            return None;
        }
        let mut steps = vec![(home.doc.common.title.clone(), site.permalink(&home.url))];
        let sections = home.children.iter().map(|id| site.page(*id));
        for section in sections.filter(|p| p.is_section()) {
            let inside = url.starts_with(section.url.as_str()) && section.url.as_str() != url;
            if inside {
                steps.push((
                    section.doc.common.title.clone(),
                    site.permalink(&section.url),
                ));
            }
        }
        steps.push((title.to_string(), site.permalink(url)));
        Some(steps)
    })?;
    let items: Vec<Value> = steps
        .into_iter()
        .enumerate()
        .map(|(i, (name, item))| {
            json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": item })
        })
        .collect();
    Some(json!({ "@type": "BreadcrumbList", "itemListElement": items }))
}
