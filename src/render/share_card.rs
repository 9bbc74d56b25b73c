//! The share image of a release: its lead photo cut to 1200 × 630, or a
//! card drawn when it has no photo of its own.
//!
//! A release whose lead image is a raster photo of its bundle, large
//! enough ([`crate::images::shares_well`]), is shared as the middle of
//! that photo in the share size (`foto-1200x630.jpg` beside `foto.jpg`;
//! [`photo`]), which the writer makes. A theme that has
//! `templates/share-card.svg` gets a 1200 × 630 PNG per other release,
//! `share.png` next to the page, which its `og:image` names. The template gets `card` (the title in
//! lines, the date, the running number, the associations) besides `lang`
//! and the strings function `t()`; the writer draws it with resvg in the
//! theme's fonts (`output::card`).

use serde::Serialize;
use tera::{Context, Tera};

use std::sync::Arc;

use super::{Card, Content, Crop, FontSet, OutputFile, ThemeFiles};
use crate::config::Association;
use crate::diagnostics::Diagnostic;
use crate::images::{self, ImageInfo};
use crate::model::{Page, Site};
use crate::parse::Kind;
use crate::site_path::SitePath;

/// The theme's template of the card.
pub const TEMPLATE: &str = "share-card.svg";
/// The card's size in pixels, what link previews ask for.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
/// The longest title line, in characters, and how many lines a card has.
const LINE: usize = 30;
const LINES: usize = 4;

/// `card` in the template.
#[derive(Debug, Serialize)]
pub struct CardView<'a> {
    /// The title in lines of at most 30 characters (at most 4 lines, the
    /// last ending in "…" when the title is longer), escaped for XML.
    pub title_lines: Vec<String>,
    /// ISO date, for `date_local`.
    pub date: Option<String>,
    /// "12/2025".
    pub number: Option<String>,
    pub associations: Vec<&'a Association>,
    /// The site's title in the card's language, escaped for XML.
    pub site_title: String,
}

/// Where a release's card is published (site-relative).
pub fn url(page_url: &str) -> String {
    format!("{page_url}share.png")
}

/// Whether `page` is shared with a card: a release without a raster lead
/// image that shares well, in a theme that draws cards.
pub fn shows_card(site: &Site, page: &Page) -> bool {
    matches!(page.doc.kind, Kind::News(_)) && lead_photo(site, page).is_none()
}

/// A release's lead photo when it is shared as its crop: its site URL and
/// what the model knows of it.
pub fn lead_photo<'a>(site: &'a Site, page: &Page) -> Option<(String, &'a ImageInfo)> {
    if !matches!(page.doc.kind, Kind::News(_)) {
        return None;
    }
    crate::reads::record(crate::reads::Read::Images);
    let url = format!("{}{}", page.url, page.doc.common.image.as_ref()?.src);
    let info = site.images.get(&url)?;
    images::shares_well(info.width, info.height).then_some((url, info))
}

/// The site URL of the share crop of the photo at `photo_url`.
pub fn photo_url(photo_url: &str) -> String {
    let (folder, name) = photo_url.rsplit_once('/').unwrap_or(("", photo_url));
    format!("{folder}/{}", images::share_name(name))
}

/// The share crop of a release's lead photo, when it is shared with one.
pub fn photo(site: &Site, page: &Page) -> Option<OutputFile> {
    let (url, info) = lead_photo(site, page)?;
    let path = SitePath::new(photo_url(&url).trim_start_matches('/')).ok()?;
    Some(OutputFile {
        path,
        content: Content::Crop(Crop {
            original: info.original.clone(),
            digest: info.digest.clone(),
        }),
        origin: None,
    })
}

/// The card file of `page`, when it gets one.
pub fn card(
    site: &Site,
    fonts: &Arc<FontSet>,
    tera: &Tera,
    theme: &ThemeFiles,
    page: &Page,
) -> Option<Result<OutputFile, Diagnostic>> {
    if !shows_card(site, page) {
        return None;
    }
    let path = SitePath::new(url(&page.url).trim_start_matches('/')).ok()?;
    let mut context = Context::new();
    context.insert("lang", page.lang.as_str());
    context.insert("card", &view(site, page));
    let svg = match super::render_template(tera, TEMPLATE, &context) {
        Ok(svg) => svg,
        Err(error) => return Some(Err(super::template_problem(theme, TEMPLATE, &error))),
    };
    Some(Ok(OutputFile {
        path,
        content: Content::Card(Card {
            svg,
            fonts: fonts.clone(),
        }),
        origin: None,
    }))
}

fn view<'a>(site: &'a Site, page: &Page) -> CardView<'a> {
    let associations = match &page.doc.kind {
        Kind::News(news) => news
            .associations
            .iter()
            .filter_map(|key| site.config.associations.get(key))
            .collect(),
        _ => Vec::new(),
    };
    CardView {
        title_lines: lines(&page.doc.common.title)
            .iter()
            .map(|line| super::escape_xml(line))
            .collect(),
        date: page.doc.common.date.as_ref().map(|d| d.iso()),
        number: super::views::running_number(site, page),
        associations,
        site_title: super::escape_xml(
            site.config
                .title
                .get(&page.lang)
                .map(String::as_str)
                .unwrap_or_default(),
        ),
    }
}

/// The theme's font files, not yet read.
pub fn fonts(theme: &ThemeFiles) -> FontSet {
    let files = theme
        .static_files
        .iter()
        .filter(|(_, to)| {
            let name = to.as_str().to_ascii_lowercase();
            [".woff2", ".woff", ".ttf", ".otf"]
                .iter()
                .any(|extension| name.ends_with(extension))
        })
        .map(|(from, _)| from.clone())
        .collect();
    FontSet {
        files,
        ..FontSet::default()
    }
}

/// `title` in lines of at most [`LINE`] characters, broken between
/// words; at most [`LINES`] lines, the last shortened with "…".
fn lines(title: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in title.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= LINE => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.len() > LINES {
        lines.truncate(LINES);
        if let Some(last) = lines.last_mut() {
            let kept: String = last.chars().take(LINE - 1).collect();
            *last = format!("{}…", kept.trim_end());
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_break_between_words_and_long_ones_end_in_an_ellipsis() {
        assert_eq!(
            lines("ITK Rheinland und kdvz Rhein-Erft-Rur besiegeln enge Zusammenarbeit"),
            [
                "ITK Rheinland und kdvz",
                "Rhein-Erft-Rur besiegeln enge",
                "Zusammenarbeit"
            ]
        );
        let long = lines(&"Wort ".repeat(40));
        assert_eq!(long.len(), LINES);
        assert!(long[3].ends_with('…'));
        assert!(long.iter().all(|l| l.chars().count() <= LINE));
    }
}
