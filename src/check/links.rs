//! Links and anchors in the rendered output, content and templates alike.
//!
//! The model already checks `@/…` links while it resolves them; here every
//! `href` and `src` of every page is followed as a browser would (relative
//! paths, the base path, the site's own absolute address) to a file of the
//! output: a link that leads nowhere, to an anchor the target lacks, to a
//! page this build leaves out, or to another language although the page
//! exists in the linking page's language is reported.

use std::collections::HashSet;

use super::{At, Fault, HtmlPage, SiteIndex};
use crate::diagnostics::Code;
use crate::model::Withheld;
use crate::site_path::percent_decode;

/// Where an address leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A path on this site (base path removed, percent-decoded) and the
    /// fragment.
    Internal {
        path: String,
        fragment: Option<String>,
    },
    /// A path on this host that lies outside the site's base path.
    OutsideBase,
    /// Another host: the address as written.
    External,
    /// `mailto:`, `tel:`, `data:`, `javascript:` or an empty address.
    Other,
}

/// `https://host:port` of an absolute address, lower case; `""` when it
/// has none.
pub(crate) fn origin(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return String::new();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    format!("{scheme}://{authority}").to_ascii_lowercase()
}

/// The `host:port` part of an origin.
fn host_of(origin: &str) -> &str {
    origin.split_once("://").map_or(origin, |(_, host)| host)
}

/// Where `href`, written on the page at `page_url`, leads.
pub(crate) fn resolve(href: &str, page_url: &str, index: &SiteIndex) -> Target {
    let href = href.trim();
    if href.is_empty() {
        return Target::Other;
    }
    let (before, fragment) = match href.split_once('#') {
        Some((before, fragment)) => (before, Some(percent_decode(fragment))),
        None => (href, None),
    };
    let before = before.split('?').next().unwrap_or("");
    let absolute_path = match path_on_host(before, page_url, index) {
        Ok(path) => path,
        Err(elsewhere) => return elsewhere,
    };
    let normalised = normalise(&absolute_path);
    let base = index.site.base_path.as_str();
    let path = if base.is_empty() {
        normalised
    } else if normalised == base {
        "/".to_string()
    } else {
        match normalised.strip_prefix(base) {
            Some(rest) if rest.starts_with('/') => rest.to_string(),
            _ => return Target::OutsideBase,
        }
    };
    Target::Internal {
        path: percent_decode(&path),
        fragment,
    }
}

/// The absolute path on the site's host that an address without query
/// and fragment names (base path included, not yet normalised); else
/// where it leads instead: another host, or no page at all.
fn path_on_host(before: &str, page_url: &str, index: &SiteIndex) -> Result<String, Target> {
    let has_scheme = before.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    if before.is_empty() {
        Ok(format!("{}{}", index.site.base_path, page_url))
    } else if has_scheme || before.starts_with("//") {
        let lower = before.to_ascii_lowercase();
        if !(lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("//"))
        {
            return Err(Target::Other);
        }
        let rest = before.split_once("//").map_or("", |(_, rest)| rest);
        let (authority, path) = match rest.find('/') {
            Some(slash) => (&rest[..slash], &rest[slash..]),
            None => (rest, "/"),
        };
        if !authority.eq_ignore_ascii_case(host_of(&index.origin)) {
            return Err(Target::External);
        }
        Ok(path.to_string())
    } else if before.starts_with('/') {
        Ok(before.to_string())
    } else {
        let folder = match page_url.rfind('/') {
            Some(slash) => &page_url[..=slash],
            None => "/",
        };
        Ok(format!("{}{folder}{before}", index.site.base_path))
    }
}

/// Resolves `.` and `..` segments; keeps a trailing slash.
fn normalise(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = path.split('/').collect();
    for (i, segment) in parts.iter().enumerate() {
        match *segment {
            "" | "." if i + 1 < parts.len() => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let joined = segments.join("/");
    format!("/{}", joined.trim_start_matches('/'))
}

/// The output file a site path is served from: `/a/` → `a/index.html`;
/// a folder without its slash is served too (servers redirect it).
pub(crate) fn served_by(path: &str, files: &HashSet<&str>) -> Option<String> {
    let relative = path.trim_start_matches('/');
    if relative.is_empty() {
        return files
            .contains("index.html")
            .then(|| "index.html".to_string());
    }
    if relative.ends_with('/') {
        let index = format!("{relative}index.html");
        return files.contains(index.as_str()).then_some(index);
    }
    if files.contains(relative) {
        return Some(relative.to_string());
    }
    let index = format!("{relative}/index.html");
    files.contains(index.as_str()).then_some(index)
}

/// The output files the page's `<a>` elements lead to.
pub(crate) fn link_targets(page: &HtmlPage, index: &SiteIndex) -> HashSet<String> {
    page.doc
        .named("a")
        .filter_map(|i| page.doc.element(i).attr("href"))
        .filter_map(|href| match resolve(href, &page.url, index) {
            Target::Internal { path, .. } => served_by(&path, &index.files),
            _ => None,
        })
        .collect()
}

/// Addresses an element loads (not navigates to): `(attribute, address)`.
pub(crate) fn resources(element: &super::html::Element) -> Vec<(&'static str, String)> {
    let mut found: Vec<(&'static str, String)> = Vec::new();
    let mut add = |attribute: &'static str| {
        if let Some(value) = element.attr(attribute) {
            if !value.trim().is_empty() {
                found.push((attribute, value.trim().to_string()));
            }
        }
    };
    match element.name.as_str() {
        "script" | "img" | "source" | "iframe" | "frame" | "audio" | "track" | "embed" => {
            add("src")
        }
        "video" => {
            add("src");
            add("poster");
        }
        "object" => add("data"),
        "input"
            if element
                .attr("type")
                .is_some_and(|t| t.eq_ignore_ascii_case("image")) =>
        {
            add("src")
        }
        "image" | "use" | "feimage" => {
            add("href");
            add("xlink:href");
        }
        "link" => {
            let rel = element.attr("rel").unwrap_or_default().to_ascii_lowercase();
            if rel.split_whitespace().any(|r| LOADING_RELS.contains(&r)) {
                add("href");
            }
        }
        _ => {}
    }
    for attribute in ["srcset", "imagesrcset"] {
        if let Some(set) = element.attr(attribute) {
            for candidate in set.split(',') {
                if let Some(url) = candidate.split_whitespace().next() {
                    found.push((attribute, url.to_string()));
                }
            }
        }
    }
    found
}

/// `<link rel>` values that make the browser fetch the address.
pub(crate) const LOADING_RELS: &[&str] = &[
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "apple-touch-icon-precomposed",
    "mask-icon",
    "preload",
    "modulepreload",
    "prefetch",
    "prerender",
    "preconnect",
    "dns-prefetch",
    "manifest",
];

/// Every link and resource of one page.
pub(crate) fn page(page: &HtmlPage, index: &SiteIndex) -> Vec<Fault> {
    let mut faults = Vec::new();
    for (i, element) in page.doc.elements.iter().enumerate() {
        let navigates = matches!(element.name.as_str(), "a" | "area" | "link");
        if navigates {
            if let Some(href) = element.attr("href") {
                check_link(page, index, i, href, &mut faults);
            }
        }
        for (attribute, address) in resources(element) {
            if element.name == "link" && attribute == "href" {
                continue;
            }
            let target = resolve(&address, &page.url, index);
            if let Some(fault) = missing(page, index, i, &address, &target, Some(attribute)) {
                faults.push(fault);
            }
        }
    }
    faults
}

/// One navigating link: it must lead to a file, to an anchor that file
/// has, and to the page in the linking page's language when there is one.
fn check_link(page: &HtmlPage, index: &SiteIndex, i: usize, href: &str, faults: &mut Vec<Fault>) {
    let target = resolve(href, &page.url, index);
    if let Some(fault) = missing(page, index, i, href, &target, None) {
        faults.push(fault);
        return;
    }
    let Target::Internal { path, fragment } = target else {
        return;
    };
    let Some(file) = served_by(&path, &index.files) else {
        return;
    };
    if let Some(fragment) = &fragment {
        faults.extend(broken_anchor(index, i, href, &path, &file, fragment));
    }
    faults.extend(other_language(page, index, i, href, &file, fragment));
}

/// A link to an anchor (other than `#top`) that its target file lacks.
fn broken_anchor(
    index: &SiteIndex,
    i: usize,
    href: &str,
    path: &str,
    file: &str,
    fragment: &str,
) -> Option<Fault> {
    let ids = index.ids.get(file)?;
    if fragment.is_empty() || fragment.eq_ignore_ascii_case("top") || ids.contains(fragment) {
        return None;
    }
    let mut known: Vec<String> = ids.iter().cloned().collect();
    known.sort();
    let help = match crate::yaml::nearest(fragment, &known) {
        Some(best) => format!("did you mean `#{best}`?"),
        None => "link to an id the target page has, or to the page without `#…`".to_string(),
    };
    Some(Fault::error(
        Code::LinkBrokenAnchor,
        At::element(i),
        format!(
            "the link {href} names the anchor `#{fragment}`, which {} does not have",
            shown(path, index)
        ),
        help,
    ))
}

/// An `<a>` without `hreflang` or `lang` that leads to a page in another
/// language although that page has a version in the linking page's.
fn other_language(
    page: &HtmlPage,
    index: &SiteIndex,
    i: usize,
    href: &str,
    file: &str,
    fragment: Option<String>,
) -> Option<Fault> {
    let element = page.doc.element(i);
    if element.name != "a" || element.has_attr("hreflang") || element.has_attr("lang") {
        return None;
    }
    let (Some(lang), Some(target)) = (&page.lang, index.pages.get(file)) else {
        return None;
    };
    let target = index.site.page(*target);
    if target.lang.as_str() == lang {
        return None;
    }
    let better = index
        .site
        .translations
        .get(&target.doc.translation_key)
        .and_then(|by_lang| by_lang.iter().find(|(l, _)| l.as_str() == lang))
        .map(|(_, id)| index.site.page(*id))?;
    let mut better_href = index.site.href(&better.url);
    if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
        better_href.push('#');
        better_href.push_str(&fragment);
    }
    Some(Fault::warning(
        Code::LinkOtherLanguage,
        At::element(i),
        format!(
            "the link {href} leads to the {} page although it exists in this page's language ({lang})",
            target.lang
        ),
        format!(
            "link to {better_href} instead; in Markdown, `@/…` links choose the right language by themselves"
        ),
    ))
}

/// A link or resource that leads to no file of the output.
fn missing(
    page: &HtmlPage,
    index: &SiteIndex,
    i: usize,
    address: &str,
    target: &Target,
    attribute: Option<&str>,
) -> Option<Fault> {
    let what = match attribute {
        Some(attribute) => format!("<{} {attribute}> loads {address}", page.doc.element(i).name),
        None => format!("the link {address} leads"),
    };
    match target {
        Target::OutsideBase => Some(Fault::error(
            Code::LinkBroken,
            At::element(i),
            format!("{what} outside the site (its addresses start with {})", index.site.base_path),
            "write links with `@/…` in Markdown, or with `url(path=…)` in templates, so the base path is added".to_string(),
        )),
        Target::Internal { path, .. } if served_by(path, &index.files).is_none() => {
            let as_index = crate::site_path::SitePath::index_of_url(path).ok();
            let withheld = as_index.and_then(|p| index.unpublished.get(p.as_str()));
            Some(match withheld {
                Some(unpublished) => Fault::error(
                    Code::LinkUnpublished,
                    At::element(i),
                    format!(
                        "{what} to {}, which is {} and so not part of this build",
                        unpublished.path.display(),
                        match unpublished.reason {
                            Withheld::Draft => "a draft",
                            Withheld::Scheduled => "scheduled for later",
                            Withheld::Expired => "expired",
                        }
                    ),
                    "remove the link until the target is published, or publish the target first".to_string(),
                ),
                None => Fault::error(
                    Code::LinkBroken,
                    At::element(i),
                    if *path == address.split(['?', '#']).next().unwrap_or(address) {
                        format!("{what} to a page or file this site does not have")
                    } else {
                        format!("{what} to {path}, which this site does not have")
                    },
                    "correct the address; in Markdown, link other pages with `@/path/to/file.md` so a moved page is noticed".to_string(),
                ),
            })
        }
        _ => None,
    }
}

/// The content file shown at a path, for messages, else the path.
fn shown(path: &str, index: &SiteIndex) -> String {
    served_by(path, &index.files)
        .and_then(|file| index.pages.get(&file))
        .map(|id| index.site.page(*id).doc.path.display().to_string())
        .unwrap_or_else(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised() {
        assert_eq!(normalise("/a/./b/../c/"), "/a/c/");
        assert_eq!(normalise("/a/b/../../.."), "/");
        assert_eq!(normalise("/"), "/");
        assert_eq!(normalise("/x.html"), "/x.html");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/b%C3%BCro/%"), "/büro/%");
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin("https://Hub.example.org/hub"),
            "https://hub.example.org"
        );
        assert_eq!(origin("nope"), "");
    }

    #[test]
    fn served_files() {
        let files: HashSet<&str> = ["index.html", "a/index.html", "style.css"]
            .into_iter()
            .collect();
        assert_eq!(served_by("/", &files).as_deref(), Some("index.html"));
        assert_eq!(served_by("/a", &files).as_deref(), Some("a/index.html"));
        assert_eq!(served_by("/a/", &files).as_deref(), Some("a/index.html"));
        assert_eq!(
            served_by("/style.css", &files).as_deref(),
            Some("style.css")
        );
        assert_eq!(served_by("/b/", &files), None);
    }
}
