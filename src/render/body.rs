//! A page's body as HTML: the one place where it is made.
//!
//! The Markdown stage leaves internal links as numbered placeholders and
//! images with their `src` as written; the model finds where each link
//! leads ([`LinkTarget`]) and what each bundle image is ([`Site::images`]).
//! [`html`] puts the two together: it fills in the links' addresses and
//! gives every image of the page's bundle its variants, width, height and
//! the theme's `sizes` ([`ThemeSettings::image_sizes`], the value the
//! theme's own image templates get as `page.image_set.sizes`). Pages,
//! feeds, the register's diff and `check` all read the body through here;
//! [`Bodies`] keeps each page's body once per render. Pure.

use std::sync::{Arc, OnceLock};

use super::escape_attribute;
use super::theme::ThemeSettings;
use crate::images::{ImageInfo, variant_name};
use crate::model::{LinkTarget, Page, Site};

/// The body of `page` as it appears in its page and its feed entry.
/// Shares the parsed text when there is nothing to fill in.
pub fn html(site: &Site, page: &Page, image_sizes: &str) -> Arc<str> {
    let parsed = page.doc.body.html.text();
    let linked = fill_links(&parsed, &hrefs(site, &page.links));
    let text = linked.as_deref().unwrap_or(&parsed);
    match responsive_images(text, page, site, image_sizes) {
        Some(with_images) => with_images.into(),
        None => linked.map_or(parsed, Arc::from),
    }
}

/// The `href` of each link target, in order.
fn hrefs(site: &Site, links: &[LinkTarget]) -> Vec<String> {
    links
        .iter()
        .map(|link| match link {
            LinkTarget::Page { url, anchor } => match anchor {
                Some(anchor) => format!("{}#{anchor}", site.href(url)),
                None => site.href(url),
            },
            LinkTarget::Nowhere => String::from("#"),
        })
        .collect()
}

/// Replaces `@link:N` in `href` attributes with `hrefs[N]`, in one pass;
/// `None` when there is nothing to replace.
fn fill_links(html: &str, hrefs: &[String]) -> Option<String> {
    if hrefs.is_empty() {
        return None;
    }
    const MARK: &str = "href=\"@link:";
    let mut out = String::with_capacity(html.len() + hrefs.len() * 32);
    let mut rest = html;
    while let Some(start) = rest.find(MARK) {
        let after = &rest[start + MARK.len()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        let index: Option<usize> = after[..digits].parse().ok();
        match index.and_then(|i| hrefs.get(i)) {
            Some(href) => {
                out.push_str(&rest[..start]);
                out.push_str("href=\"");
                out.push_str(&escape_attribute(href));
                rest = &after[digits..];
            }
            None => {
                out.push_str(&rest[..start + MARK.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Turns relative `<img src>` in a body into site paths, and raster
/// images with variants into responsive ones with width and height;
/// `None` when the body has no image.
fn responsive_images(html: &str, page: &Page, site: &Site, sizes: &str) -> Option<String> {
    const MARK: &str = "<img src=\"";
    if !html.contains(MARK) {
        return None;
    }
    let base_path = &site.base_path;
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(start) = rest.find(MARK) {
        let after = &rest[start + MARK.len()..];
        let Some(end) = after.find('"') else { break };
        let src = &after[..end];
        out.push_str(&rest[..start]);
        match bundle_url(page, src) {
            Some(url) => match record_images(&site.images).get(&url) {
                Some(info) => out.push_str(&format!(
                    "<img src=\"{}\" srcset=\"{}\" sizes=\"{}\" width=\"{}\" height=\"{}\"",
                    default_variant(&url, info, base_path),
                    srcset(&url, info, base_path),
                    escape_attribute(sizes),
                    info.width,
                    info.height
                )),
                None => out.push_str(&format!("<img src=\"{base_path}{url}\"")),
            },
            None => out.push_str(&format!("<img src=\"{src}\"")),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// The site URL of an image `src` written relative to `page`; `None` for
/// addresses (`https:`, `/…`, `#…`) and an empty `src`, which stay as
/// written.
fn bundle_url(page: &Page, src: &str) -> Option<String> {
    let relative =
        !src.contains(':') && !src.starts_with('/') && !src.starts_with('#') && !src.is_empty();
    relative.then(|| format!("{}{src}", page.url))
}

/// The `srcset` of an image at `url`: every variant and the original.
pub fn srcset(url: &str, info: &ImageInfo, base_path: &str) -> String {
    let (folder, name) = url.rsplit_once('/').unwrap_or(("", url));
    let mut parts: Vec<String> = info
        .variants
        .iter()
        .map(|v| {
            format!(
                "{base_path}{folder}/{} {}w",
                variant_name(name, v.width),
                v.width
            )
        })
        .collect();
    parts.push(format!("{base_path}{url} {}w", info.width));
    parts.join(", ")
}

/// The variant to put in `src`: the widest up to 960 pixels, else the
/// original.
pub fn default_variant(url: &str, info: &ImageInfo, base_path: &str) -> String {
    let (folder, name) = url.rsplit_once('/').unwrap_or(("", url));
    info.variants
        .iter()
        .rfind(|v| v.width <= 960)
        .map(|v| format!("{base_path}{folder}/{}", variant_name(name, v.width)))
        .unwrap_or_else(|| format!("{base_path}{url}"))
}

/// The site's image sizes, recorded as read ([`crate::reads`]).
fn record_images(
    images: &rustc_hash::FxHashMap<String, crate::images::ImageInfo>,
) -> &rustc_hash::FxHashMap<String, crate::images::ImageInfo> {
    crate::reads::record(crate::reads::Read::Images);
    images
}

/// Each page's body, made at most once per render (unless a build spilled
/// it) and shared by its page, its feed entries and the register's diff. Safe to read from the
/// threads that render pages in parallel.
pub struct Bodies<'a> {
    site: &'a Site,
    image_sizes: &'a str,
    made: Vec<OnceLock<Arc<str>>>,
    /// Whether the theme draws share cards (`share-card.svg`), which
    /// releases without a photo of their own are shared with.
    pub share_cards: bool,
}

impl<'a> Bodies<'a> {
    pub fn new(site: &'a Site, settings: &'a ThemeSettings) -> Bodies<'a> {
        Bodies {
            site,
            image_sizes: &settings.image_sizes,
            made: (0..site.pages.len()).map(|_| OnceLock::new()).collect(),
            share_cards: false,
        }
    }

    /// The same, knowing whether the theme draws share cards.
    pub fn with_share_cards(mut self, share_cards: bool) -> Self {
        self.share_cards = share_cards;
        self
    }

    /// The body of `page`, a page of this render's site. A body a build
    /// keeps in its spill file is made again for each reader and never
    /// kept here: holding every page's body until render ends is what
    /// the spill saves.
    pub fn of(&self, page: &Page) -> Arc<str> {
        crate::reads::record(crate::reads::Read::Page(page.id));
        if page.doc.body.html.in_memory().is_none() {
            return html(self.site, page, self.image_sizes);
        }
        let made = &self.made[page.id.0];
        Arc::clone(made.get_or_init(|| html(self.site, page, self.image_sizes)))
    }

    /// The theme's `sizes` for responsive images.
    pub fn image_sizes(&self) -> &'a str {
        self.image_sizes
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;
    use crate::images::Variant;

    const SIZES: &str = "(min-width: 64em) 44rem, 100vw";

    fn site(files: &[(&str, &str)]) -> Site {
        crate::testing::site(files)
    }

    /// The body of the page at `url`.
    fn body_at(site: &Site, url: &str) -> String {
        let page = site.pages.iter().find(|p| p.url == url).unwrap();
        html(site, page, SIZES).to_string()
    }

    #[test]
    fn links_get_the_address_of_their_target() {
        let site = site(&[
            ("ziel.md", "---\ntitle: Ziel\n---\n## Anfahrt\n"),
            (
                "start.md",
                "---\ntitle: Start\n---\n[hin](@/ziel.md) und [dort](@/ziel.md#anfahrt)\n",
            ),
        ]);
        let body = body_at(&site, "/start/");
        assert!(body.contains("<a href=\"/hub/ziel/\">hin</a>"), "{body}");
        assert!(
            body.contains("<a href=\"/hub/ziel/#anfahrt\">dort</a>"),
            "{body}"
        );
    }

    #[test]
    fn bundle_images_get_variants_and_the_themes_sizes() {
        let mut site = site(&[(
            "fotos/index.md",
            "---\ntitle: Fotos\n---\n![Karte](karte.jpg)\n",
        )]);
        let variant = Variant {
            width: 480,
            height: 240,
            file: PathBuf::from("cache/karte-480w.jpg"),
        };
        let info = ImageInfo {
            width: 1200,
            height: 600,
            bytes: 1,
            format: "JPEG",
            variants: vec![variant],
            original: PathBuf::from("content/fotos/karte.jpg"),
            source: PathBuf::from("content/fotos/karte.jpg"),
            digest: String::new(),
            had_location: false,
        };
        site.images.insert("/fotos/karte.jpg".to_string(), info);
        assert_eq!(
            body_at(&site, "/fotos/"),
            "<p><img src=\"/hub/fotos/karte-480w.jpg\" \
             srcset=\"/hub/fotos/karte-480w.jpg 480w, /hub/fotos/karte.jpg 1200w\" \
             sizes=\"(min-width: 64em) 44rem, 100vw\" width=\"1200\" height=\"600\" \
             alt=\"Karte\" /></p>\n"
        );
    }

    #[test]
    fn an_image_without_facts_keeps_its_address() {
        let site = site(&[(
            "fotos/index.md",
            "---\ntitle: Fotos\n---\n![Plan](plan.svg) ![Logo](https://example.org/l.png)\n",
        )]);
        assert_eq!(
            body_at(&site, "/fotos/"),
            "<p><img src=\"/hub/fotos/plan.svg\" alt=\"Plan\" /> \
             <img src=\"https://example.org/l.png\" alt=\"Logo\" /></p>\n"
        );
    }

    #[test]
    fn a_body_with_nothing_to_fill_in_is_shared_not_copied() {
        let site = site(&[("text.md", "---\ntitle: Text\n---\nNur Text.\n")]);
        let page = site.pages.iter().find(|p| p.url == "/text/").unwrap();
        assert!(Arc::ptr_eq(
            &html(&site, page, SIZES),
            &page.doc.body.html.text()
        ));
    }
}
