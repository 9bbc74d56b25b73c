//! The press kit of a release and the vCards of the press contacts.
//!
//! Journalists take a release away: its text to quote, its photos in full
//! size with their credits, and whom to call. Each release (every language
//! version) gets `<slug>.zip` next to its page, made in the release's own
//! render unit, with
//! - `<slug>.md`, the text as Markdown: title, subtitle, dateline and the
//!   body as staff wrote it, links to other pages made absolute;
//! - `<slug>.txt`, the same as plain text (from the rendered body);
//! - its raster photos in full size (the published originals), with
//!   `credits.txt` naming each photo's credit and caption;
//! - one vCard (RFC 6350) per press contact.
//!
//! Every contact in site.yaml also gets `/vcard/<key>.vcf`, which pages
//! link (`site.vcards`). The archive itself is assembled by the writer
//! ([`super::Content::Zip`]), so render reads no photo.

use std::collections::BTreeMap;

use super::content_line::{Lines, text};
use super::{Content, OutputFile, ThemeFiles, ZipEntry};
use crate::config::{Contact, SiteConfig};
use crate::model::{LinkTarget, Page, Site};
use crate::parse::Kind;
use crate::parse::front_matter::News;
use crate::render::body::Bodies;
use crate::site_path::SitePath;

/// The folder of the contacts' vCards, below the site root.
pub const VCARD_FOLDER: &str = "vcard";

/// Where the vCard of the contact `key` is published (site-relative).
pub fn vcard_url(key: &str) -> String {
    format!("/{VCARD_FOLDER}/{key}.vcf")
}

/// Where a release's press kit is published (site-relative), for the
/// release at `url`.
pub fn kit_url(url: &str) -> String {
    format!("{url}{}.zip", slug_of(url))
}

/// The last segment of a page's address: `kooperation` of `/presse/kooperation/`.
fn slug_of(url: &str) -> &str {
    url.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("release")
}

/// The press kit of `page`, when it is a press release.
pub fn press_kit(
    site: &Site,
    theme: &ThemeFiles,
    bodies: &Bodies,
    page: &Page,
) -> Option<OutputFile> {
    let Kind::News(news) = &page.doc.kind else {
        return None;
    };
    let slug = slug_of(&page.url);
    let label = |key: &str| super::theme::string(&theme.strings, &page.lang, key);
    let mut entries = vec![
        text_entry(format!("{slug}.md"), markdown(site, page, news, label)),
        text_entry(
            format!("{slug}.txt"),
            plain_text(site, bodies, page, news, label),
        ),
    ];
    let (photos, credits) = photos(site, page);
    if !photos.is_empty() {
        entries.extend(photos);
        entries.push(text_entry("credits.txt".to_string(), credits));
    }
    for contact in contacts(&site.config, news) {
        entries.push(ZipEntry {
            name: format!("{}.vcf", contact.key),
            content: Content::Bytes(vcard(&site.config, contact).into_bytes()),
        });
    }
    Some(OutputFile {
        path: SitePath::new(kit_url(&page.url).trim_start_matches('/')).ok()?,
        content: Content::Zip(entries),
        origin: None,
    })
}

fn text_entry(name: String, text: String) -> ZipEntry {
    ZipEntry {
        name,
        content: Content::Bytes(text.into_bytes()),
    }
}

fn contacts<'a>(config: &'a SiteConfig, news: &News) -> impl Iterator<Item = &'a Contact> {
    news.contact
        .0
        .iter()
        .filter_map(|key| config.contacts.get(key))
}

/// Place, date and running number: "Neuss, 20. Januar 2025 (1/2025)".
fn dateline(site: &Site, page: &Page, news: &News) -> String {
    let mut line = String::new();
    if let Some(place) = &news.place {
        line.push_str(place);
        line.push_str(", ");
    }
    if let Some(date) = &page.doc.common.date {
        line.push_str(&super::functions::local_date(date.date, page.lang.as_str()));
    }
    if let Some(number) = site.news.numbers.get(&page.doc.translation_key) {
        line.push_str(&format!(" ({number})"));
    }
    line
}

/// The release as Markdown: the body as written, `@/` links made absolute.
fn markdown<'a>(
    site: &Site,
    page: &Page,
    news: &News,
    label: impl Fn(&str) -> Option<&'a str>,
) -> String {
    let common = &page.doc.common;
    let mut out = format!("# {}\n\n", common.title);
    if let Some(subtitle) = &news.subtitle {
        out.push_str(&format!("*{subtitle}*\n\n"));
    }
    out.push_str(&format!("{}\n\n", dateline(site, page, news)));
    out.push_str(absolute_links(site, page).trim());
    out.push_str("\n\n---\n\n");
    out.push_str(&footer(site, page, news, label));
    out
}

/// The body's Markdown with each `@/…` link's address replaced by the
/// absolute address it leads to (in the order the links were written, as
/// parse numbered them).
fn absolute_links(site: &Site, page: &Page) -> String {
    let mut markdown = page.doc.body.markdown.get().to_string();
    let mut from = 0;
    for (link, target) in page.doc.body.links.iter().zip(&page.links) {
        let written = match &link.anchor {
            Some(anchor) => format!("@/{}#{anchor}", link.target),
            None => format!("@/{}", link.target),
        };
        let LinkTarget::Page { url, anchor } = target else {
            continue;
        };
        let mut address = site.permalink(url);
        if let Some(anchor) = anchor {
            address = format!("{address}#{anchor}");
        }
        if let Some(at) = markdown[from..].find(&written) {
            let at = from + at;
            markdown.replace_range(at..at + written.len(), &address);
            from = at + address.len();
        }
    }
    markdown
}

/// The release as plain text, from its rendered body.
fn plain_text<'a>(
    site: &Site,
    bodies: &Bodies,
    page: &Page,
    news: &News,
    label: impl Fn(&str) -> Option<&'a str>,
) -> String {
    let common = &page.doc.common;
    let mut out = format!("{}\n\n", common.title);
    if let Some(subtitle) = &news.subtitle {
        out.push_str(&format!("{subtitle}\n\n"));
    }
    out.push_str(&format!("{}\n\n", dateline(site, page, news)));
    out.push_str(html_to_text(site, &bodies.of(page)).trim());
    out.push_str("\n\n---\n\n");
    out.push_str(&footer(site, page, news, label));
    out
}

/// The contacts and the release's address, below the text.
fn footer<'a>(
    site: &Site,
    page: &Page,
    news: &News,
    label: impl Fn(&str) -> Option<&'a str>,
) -> String {
    let mut out = String::new();
    if let Some(heading) = label("press_contact") {
        out.push_str(&format!("{heading}:\n\n"));
    }
    for contact in contacts(&site.config, news) {
        out.push_str(&format!(
            "{}, {}\n{}\n",
            contact.name, contact.role, contact.email
        ));
        if let Some(phone) = &contact.phone {
            out.push_str(&format!("{phone}\n"));
        }
        out.push('\n');
    }
    let online = label("online_version").map_or(String::new(), |l| format!("{l}: "));
    out.push_str(&format!("{online}{}\n", site.permalink(&page.url)));
    out
}

/// The page's raster photos (its bundle's JPEG and PNG files, in name
/// order) and the text of `credits.txt`.
fn photos(site: &Site, page: &Page) -> (Vec<ZipEntry>, String) {
    crate::reads::record(crate::reads::Read::Images);
    let here: BTreeMap<&str, &crate::images::ImageInfo> = site
        .images
        .iter()
        .filter_map(|(url, info)| Some((url.strip_prefix(page.url.as_str())?, info)))
        .filter(|(name, _)| !name.contains('/'))
        .collect();
    let lead = page.doc.common.image.as_ref();
    let mut credits = String::new();
    let mut entries = Vec::new();
    for (name, info) in here {
        let described = lead.filter(|image| image.src == name);
        let credit = described.and_then(|image| image.credit.as_deref());
        let caption = described.and_then(|image| image.caption.as_deref().or(image.alt.as_deref()));
        credits.push_str(name);
        credits.push_str(&format!(" ({} × {} px)", info.width, info.height));
        if let Some(credit) = credit {
            credits.push_str(&format!("\n  {credit}"));
        }
        if let Some(caption) = caption {
            credits.push_str(&format!("\n  {caption}"));
        }
        credits.push_str("\n\n");
        entries.push(ZipEntry {
            name: name.to_string(),
            content: Content::Copy(info.original.clone()),
        });
    }
    (entries, credits)
}

/// The vCard (RFC 6350, version 4.0) of a press contact: a press office
/// is an organisation's function, so `KIND:org` with the association as
/// `ORG`, the role as `TITLE`, address, telephone and the association's
/// website.
pub fn vcard(config: &SiteConfig, contact: &Contact) -> String {
    let association = config.associations.get(&contact.association);
    let mut out = Lines::default();
    out.line("BEGIN:VCARD");
    out.line("VERSION:4.0");
    out.line("KIND:org");
    out.line(&format!("FN:{}", text(&contact.name)));
    if let Some(association) = association {
        out.line(&format!("ORG:{}", text(&association.name)));
    }
    out.line(&format!("TITLE:{}", text(&contact.role)));
    out.line(&format!("EMAIL;TYPE=work:{}", text(&contact.email)));
    if let Some(phone) = &contact.phone {
        let digits: String = phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        out.line(&format!("TEL;VALUE=uri;TYPE=\"work,voice\":tel:{digits}"));
    }
    if let Some(association) = association {
        out.line(&format!("URL:{}", association.url));
    }
    out.line("END:VCARD");
    out.finish()
}

/// Every press contact's vCard at [`vcard_url`].
pub fn vcards(config: &SiteConfig) -> Vec<OutputFile> {
    config
        .contacts
        .values()
        .filter_map(|contact| {
            Some(OutputFile {
                path: SitePath::new(vcard_url(&contact.key).trim_start_matches('/')).ok()?,
                content: Content::Bytes(vcard(config, contact).into_bytes()),
                origin: None,
            })
        })
        .collect()
}

/// Plain text of a rendered body: paragraphs and headings apart by a
/// blank line, list items on lines of their own, a link's address after
/// its text, character references decoded.
fn html_to_text(site: &Site, html: &str) -> String {
    use super::html_walk::{Piece, walk};
    let mut out = String::new();
    let mut href: Option<String> = None;
    walk(html, |piece| match piece {
        // The line ends between block tags are the HTML's layout, not text.
        Piece::Text(text) if text.trim().is_empty() && text.contains('\n') => {}
        Piece::Text(text) => out.push_str(&decode(text)),
        Piece::Tag {
            inner,
            name,
            closing,
        } => match (name.as_str(), closing) {
            (
                "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "blockquote"
                | "table" | "figure",
                true,
            ) => out.push_str("\n\n"),
            ("li" | "tr" | "figcaption", true) | ("br", _) => out.push('\n'),
            ("li", false) => out.push_str("– "),
            ("td" | "th", true) => out.push('\t'),
            ("a", false) => href = attribute(inner, "href").map(|h| absolute(site, &h)),
            ("a", true) => {
                if let Some(address) = href.take() {
                    out.push_str(&format!(" <{address}>"));
                }
            }
            _ => {}
        },
    });
    // At most one blank line in a row.
    let mut tidy = String::with_capacity(out.len());
    for line in out.lines().map(str::trim_end) {
        if line.is_empty() && tidy.ends_with("\n\n") {
            continue;
        }
        tidy.push_str(line);
        tidy.push('\n');
    }
    tidy
}

/// The value of `name="…"` in a tag's text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = tag[start..].find('"')?;
    Some(decode(&tag[start..start + end]))
}

/// A link target of the body as an absolute address.
fn absolute(site: &Site, href: &str) -> String {
    match href.strip_prefix(site.base_path.as_str()) {
        Some(path) if href.starts_with('/') => site.permalink(path),
        _ => href.to_string(),
    }
}

/// Text with `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;` and numeric
/// references decoded (what the Markdown stage writes).
fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|end| *end < 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let reference = &rest[1..end];
        let decoded = match reference {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => reference
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| reference.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_decoded_and_stray_ampersands_kept() {
        assert_eq!(
            decode("a &amp; b &#39;c&#x27; &lt;d&gt; & e"),
            "a & b 'c' <d> & e"
        );
    }

    #[test]
    fn a_kit_is_named_after_its_release() {
        assert_eq!(
            kit_url("/presse/kooperation/"),
            "/presse/kooperation/kooperation.zip"
        );
        assert_eq!(vcard_url("presse-itk"), "/vcard/presse-itk.vcf");
    }
}
