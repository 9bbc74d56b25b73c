//! Accessibility lints on the rendered HTML.
//!
//! What markup alone can tell about WCAG 2.1 (EN 301 549, BITV NRW):
//! images without a text alternative or with their file name as one
//! (1.1.1), skipped heading levels and more than one `h1` (1.3.1, 2.4.6),
//! links without text or with text that says nothing out of context
//! (2.4.4), tables without header cells (1.3.1), a missing or wrong
//! `lang` (3.1.1) and page titles used twice (2.4.2). Whether an alt text
//! or a heading is *good* no lint can judge; the report says so.

use std::collections::HashMap;

use super::html::collapse_white_space;
use super::locate::Templates;
use super::{At, Fault, Finding, HtmlPage, SiteIndex};
use crate::diagnostics::{Code, Diagnostic};

/// Link texts that say nothing about the target, German and English.
const VAGUE_LINK_TEXTS: &[&str] = &[
    "hier",
    "hier klicken",
    "klicken sie hier",
    "klick hier",
    "mehr",
    "mehr lesen",
    "mehr erfahren",
    "mehr dazu",
    "mehr informationen",
    "weiter",
    "weiterlesen",
    "link",
    "dieser link",
    "diesen link",
    "details",
    "here",
    "click here",
    "click",
    "more",
    "read more",
    "learn more",
    "more info",
    "more information",
    "continue",
    "continue reading",
    "this",
    "this link",
    "link here",
];

const IMAGE_EXTENSIONS: &[&str] = &[
    ".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".avif", ".bmp", ".tif", ".tiff",
];

/// The lints of one page.
pub(crate) fn page(page: &HtmlPage, index: &SiteIndex) -> Vec<Fault> {
    let mut faults = Vec::new();
    lang(page, index, &mut faults);
    images(page, &mut faults);
    headings(page, &mut faults);
    links(page, &mut faults);
    tables(page, &mut faults);
    faults
}

fn lang(page: &HtmlPage, index: &SiteIndex, faults: &mut Vec<Fault>) {
    let Some(html) = page.doc.named("html").next() else {
        return;
    };
    let configured: Vec<&str> = index
        .site
        .config
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .collect();
    let list = configured.join(", ");
    match page.doc.element(html).attr("lang").map(str::trim) {
        None | Some("") => faults.push(Fault::error(
            Code::A11yLang,
            At::element(html),
            "the page does not say its language: <html> has no lang attribute".to_string(),
            "write <html lang=\"{{ lang }}\"> in the template, so screen readers pronounce the page right".to_string(),
        )),
        Some(lang) => {
            let primary = lang.split('-').next().unwrap_or(lang).to_ascii_lowercase();
            if !configured.contains(&primary.as_str()) {
                faults.push(Fault::error(
                    Code::A11yLang,
                    At::element(html),
                    format!("<html lang=\"{lang}\"> is not a language of the site ({list})"),
                    "write <html lang=\"{{ lang }}\"> in the template".to_string(),
                ));
            } else if let Some(content) = page.page.filter(|p| p.lang.as_str() != primary) {
                faults.push(Fault::error(
                    Code::A11yLang,
                    At::element(html),
                    format!(
                        "the page is in `{}` ({}) but says <html lang=\"{lang}\">",
                        content.lang,
                        content.doc.path.display()
                    ),
                    "write <html lang=\"{{ lang }}\"> in the template".to_string(),
                ));
            }
        }
    }
}

fn images(page: &HtmlPage, faults: &mut Vec<Fault>) {
    for i in page.doc.named("img") {
        let element = page.doc.element(i);
        let src = element.attr("src").unwrap_or_default();
        let name = file_name(src);
        match element.attr("alt") {
            None => faults.push(Fault::error(
                Code::A11yImgAlt,
                At::element(i),
                format!("the image {name} has no alt text"),
                if page.in_body(i) {
                    format!("describe what the image shows: in Markdown ![Die Unterzeichnenden bei der Vertragsunterzeichnung]({name}), in HTML alt=\"…\"; only a purely decorative image gets an empty alt text")
                } else {
                    "give the <img> an alt attribute: a description, or alt=\"\" if it is purely decorative".to_string()
                },
            )),
            Some(alt) if is_file_name(alt, &name) => faults.push(Fault::error(
                Code::A11yImgAltFilename,
                At::element(i),
                format!("the alt text of the image {name} is its file name (\"{}\")", alt.trim()),
                "write what the image shows, as you would tell someone on the phone".to_string(),
            )),
            Some(_) => {}
        }
    }
}

fn file_name(src: &str) -> String {
    let path = src.split(['?', '#']).next().unwrap_or(src);
    path.rsplit('/').next().unwrap_or(path).to_string()
}

/// `IMG_1234.jpg`, `foto-2025-01` for `foto-2025-01.png`, `bild.png`.
fn is_file_name(alt: &str, file: &str) -> bool {
    let alt = alt.trim().to_lowercase();
    if alt.is_empty() {
        return false;
    }
    let file = file.to_lowercase();
    let stem = file
        .rsplit_once('.')
        .map_or(file.as_str(), |(stem, _)| stem);
    let machine_like = stem.contains(['-', '_']) || stem.chars().any(|c| c.is_ascii_digit());
    IMAGE_EXTENSIONS.iter().any(|ext| alt.ends_with(ext))
        || alt == file
        || (alt == stem && machine_like)
        || (!alt.contains(' ') && image_stem_matches(&alt, stem))
}

/// A resized variant's stem (`foto-960w`) still names the file `foto`.
fn image_stem_matches(alt: &str, stem: &str) -> bool {
    let base = stem
        .rsplit_once('-')
        .filter(|(_, width)| {
            width.ends_with('w') && width[..width.len() - 1].chars().all(|c| c.is_ascii_digit())
        })
        .map_or(stem, |(base, _)| base);
    base != stem && alt == base && base.contains(['-', '_'])
}

fn headings(page: &HtmlPage, faults: &mut Vec<Fault>) {
    let mut previous = 0u8;
    let mut first_h1: Option<String> = None;
    for (i, element) in page.doc.elements.iter().enumerate() {
        let Some(level) = element.heading_level() else {
            continue;
        };
        if page.doc.hidden(i) {
            continue;
        }
        let text = page.doc.visible_text(i);
        if level > previous + 1 {
            let message = if previous == 0 {
                format!(
                    "the page's first heading „{text}“ is an h{level}; it should start with an h1"
                )
            } else {
                format!(
                    "the heading „{text}“ is an h{level} right after an h{previous}: level h{} is skipped",
                    previous + 1
                )
            };
            let help = if page.in_body(i) {
                format!(
                    "make it an h{}: in Markdown `{} {text}`; choose heading levels by structure, not by size",
                    previous + 1,
                    "#".repeat(usize::from(previous) + 1)
                )
            } else {
                format!(
                    "make it an h{} in the template; choose heading levels by structure, not by size",
                    previous + 1
                )
            };
            faults.push(Fault::warning(
                Code::A11yHeadingOrder,
                At::element(i),
                message,
                help,
            ));
        }
        if level == 1 {
            match &first_h1 {
                None => first_h1 = Some(text.clone()),
                Some(first) => faults.push(Fault::warning(
                    Code::A11yMultipleH1,
                    At::element(i),
                    format!("the page has a second h1 „{text}“ (the first is „{first}“)"),
                    if page.in_body(i) {
                        format!("the template shows the title as the h1 already: write `## {text}` in Markdown")
                    } else {
                        "keep one h1 per page, the page's title".to_string()
                    },
                )),
            }
        }
        previous = level;
    }
}

fn links(page: &HtmlPage, faults: &mut Vec<Fault>) {
    for i in page.doc.named("a") {
        let element = page.doc.element(i);
        let Some(href) = element.attr("href") else {
            continue;
        };
        if page.doc.hidden(i) {
            continue;
        }
        let name = page.doc.accessible_name(i);
        if name.is_empty() {
            faults.push(Fault::error(
                Code::A11yLinkEmpty,
                At::element(i),
                format!("the link to {href} has no text a screen reader could read"),
                "write the link text between the brackets, [Jahresbericht 2025](…); a linked image needs an alt text that names the target".to_string(),
            ));
            continue;
        }
        let plain = plain_words(&name);
        if VAGUE_LINK_TEXTS.contains(&plain.as_str()) {
            faults.push(Fault::warning(
                Code::A11yLinkText,
                At::element(i),
                format!("the link text „{name}“ says nothing about where it leads"),
                "name the target in the link text, e.g. [Jahresbericht 2025 (PDF)](…) instead of „hier“ or „mehr“: screen reader users often hear links out of context".to_string(),
            ));
        } else if is_bare_address(&name) {
            faults.push(Fault::warning(
                Code::A11yLinkText,
                At::element(i),
                format!("the link text is a bare address („{name}“)"),
                "name the target in words, e.g. [Landesbeauftragte für Datenschutz NRW](https://www.ldi.nrw.de): addresses are read out letter by letter".to_string(),
            ));
        }
    }
}

/// Lower case, without punctuation and arrows at either end.
fn plain_words(text: &str) -> String {
    collapse_white_space(
        text.to_lowercase()
            .trim_matches(|c: char| !c.is_alphanumeric()),
    )
}

/// A pasted address: `https://…`, or `www.…` with a path. A bare domain
/// (`www.itk-rheinland.de`) names the website it leads to and passes.
fn is_bare_address(text: &str) -> bool {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let with_scheme = ["http://", "https://", "ftp://"]
        .iter()
        .any(|scheme| lower.starts_with(scheme));
    let with_path = lower
        .strip_prefix("www.")
        .is_some_and(|rest| rest.trim_end_matches('/').contains('/'));
    !text.contains(char::is_whitespace) && (with_scheme || with_path)
}

fn tables(page: &HtmlPage, faults: &mut Vec<Fault>) {
    for i in page.doc.named("table") {
        let element = page.doc.element(i);
        let layout = element.attr("role").is_some_and(|r| {
            r.eq_ignore_ascii_case("presentation") || r.eq_ignore_ascii_case("none")
        });
        if layout {
            continue;
        }
        let has_header = page
            .doc
            .descendants(i)
            .any(|child| page.doc.element(child).name == "th");
        if !has_header {
            faults.push(Fault::error(
                Code::A11yTableHeaders,
                At::element(i),
                "the table has no header cells (<th>), so screen readers cannot say which column or row a value belongs to".to_string(),
                if page.in_body(i) {
                    "write it as a Markdown table, whose first line is the header row (| Name | Wert |, then | --- | --- |), or use <th> for the header cells".to_string()
                } else {
                    "use <th scope=\"col\"> for the header cells in the template".to_string()
                },
            ));
        }
    }
}

/// Page titles used by more than one page of the same language.
pub(crate) fn duplicate_titles(pages: &[HtmlPage], templates: &Templates) -> Vec<Finding> {
    let mut first: HashMap<(String, String), &HtmlPage> = HashMap::new();
    let mut ordered: Vec<&HtmlPage> = pages.iter().collect();
    ordered.sort_by(|a, b| a.path.cmp(b.path));
    let mut findings = Vec::new();
    for page in ordered {
        let Some(title) = page.doc.title().filter(|t| !t.is_empty()) else {
            continue;
        };
        let key = (page.lang.clone().unwrap_or_default(), title.clone());
        let Some(earlier) = first.get(&key) else {
            first.insert(key, page);
            continue;
        };
        if same_content(page, earlier) {
            // A standard's address shows its current version: one document.
            continue;
        }
        let other = earlier
            .page
            .map(|p| format!("{} ({})", earlier.url, p.doc.path.display()))
            .unwrap_or_else(|| earlier.url.clone());
        let message = format!("the page title „{title}“ is also the title of {other}");
        let help = "give each page a title of its own, so readers can tell tabs, bookmarks and search results apart".to_string();
        let own_file = page.page.filter(|p| !p.synthetic);
        let finding = match own_file {
            Some(content) => {
                let (line, column) = content.doc.position_of("title");
                Finding::in_file(
                    Diagnostic::warning(Code::A11yDuplicateTitle, &content.doc.path, message, help)
                        .at(line, column),
                )
            }
            None => {
                let location = match page.doc.named("title").next() {
                    Some(index) => templates.element(page.template, &page.shape(index, None)),
                    None => templates.whole(page.template),
                };
                Finding {
                    diagnostic: Diagnostic::warning(
                        Code::A11yDuplicateTitle,
                        &location.file,
                        message,
                        help,
                    )
                    .at(location.line, location.column),
                    page: page.page.map(|p| p.doc.path.clone()),
                    seen_on: Some(page.url.clone()),
                }
            }
        };
        findings.push(finding);
    }
    findings
}

/// Two addresses showing the same content page (a standard's address and
/// its current version's).
fn same_content(a: &HtmlPage, b: &HtmlPage) -> bool {
    matches!((a.page, b.page), (Some(x), Some(y)) if x.id == y.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_as_alt_text() {
        assert!(is_file_name("IMG_1234.JPG", "IMG_1234.JPG"));
        assert!(is_file_name("foto-2025-01", "foto-2025-01.png"));
        assert!(is_file_name("bild.png", "x.png"));
        assert!(is_file_name("termin-foto", "termin-foto-960w.jpg"));
        assert!(!is_file_name("Karte", "karte.png"));
        assert!(!is_file_name("Die Unterzeichnenden", "foto.jpg"));
    }

    #[test]
    fn vague_texts_ignore_case_and_arrows() {
        assert_eq!(plain_words("  Weiterlesen » "), "weiterlesen");
        assert_eq!(plain_words("→ Click here!"), "click here");
        assert!(VAGUE_LINK_TEXTS.contains(&plain_words("Mehr …").as_str()));
    }

    #[test]
    fn bare_addresses() {
        assert!(is_bare_address("https://www.ldi.nrw.de"));
        assert!(is_bare_address("www.ldi.nrw.de/datenschutz/"));
        assert!(!is_bare_address("www.ldi.nrw.de"));
        assert!(!is_bare_address("presse@itk.example"));
        assert!(!is_bare_address("Website der LDI"));
    }
}
