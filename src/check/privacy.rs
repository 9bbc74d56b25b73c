//! Privacy lints: nothing from other hosts, nothing stored on the device.
//!
//! Both associations are public bodies: the site must load nothing from
//! third parties (GDPR; every request hands the reader's address to that
//! host) and store nothing on the reader's device (§ 25 TDDDG). The list
//! of what loads is the browser test's (`tests/browser/lib/site.js`):
//! scripts, style sheets, icons and preloads, images and `srcset`, frames,
//! embeds, objects and media, SVG references, CSS `url()` and `@import`,
//! protocol-relative addresses, in pages, shipped style sheets and SVG
//! files. Shipped scripts (and inline ones) must not touch
//! `document.cookie` or web storage.

use super::links::{Target, resolve, resources};
use super::locate::{Lines, word_offsets};
use super::{At, Fault, Finding, HtmlPage, ShippedText, SiteIndex};
use crate::check::html::{Element, HtmlDoc, TextKind};
use crate::diagnostics::{Code, Diagnostic};

/// Script APIs that store data on the reader's device.
const STORAGE_APIS: &[&str] = &[
    "document.cookie",
    "localStorage",
    "sessionStorage",
    "indexedDB",
];

/// The lints of one page.
pub(crate) fn page(page: &HtmlPage, index: &SiteIndex) -> Vec<Fault> {
    let mut faults = Vec::new();
    for (i, element) in page.doc.elements.iter().enumerate() {
        element_faults(page, i, element, index, &mut faults);
    }
    for (kind, text, offset) in page.doc.raw_texts() {
        let in_body = page
            .body
            .as_ref()
            .is_some_and(|body| body.contains(&offset));
        match kind {
            TextKind::Style => {
                for (at, what, address) in css_references(text) {
                    if is_external(&address, index) {
                        faults.push(external(
                            At::Text {
                                offset: offset + at,
                                needle: address.clone(),
                            },
                            &format!("{what} in <style>"),
                            &address,
                            in_body,
                        ));
                    }
                }
            }
            TextKind::Script => faults.extend(inline_storage(text, offset)),
            _ => {}
        }
    }
    faults
}

/// What element `i` loads from other hosts: through its attributes and
/// through its `style=""`.
fn element_faults(
    page: &HtmlPage,
    i: usize,
    element: &Element,
    index: &SiteIndex,
    faults: &mut Vec<Fault>,
) {
    let at = |address: &str| At::Element {
        index: i,
        needle: Some(address.to_string()),
    };
    for (attribute, address) in resources(element) {
        if is_external(&address, index) {
            faults.push(external(
                at(&address),
                &format!("<{} {attribute}>", element.name),
                &address,
                page.in_body(i),
            ));
        }
    }
    let Some(style) = element.attr("style") else {
        return;
    };
    for (_, what, address) in css_references(style) {
        if is_external(&address, index) {
            faults.push(external(
                at(&address),
                &format!("{what} in style=\"…\""),
                &address,
                page.in_body(i),
            ));
        }
    }
}

/// Each use of a storage API in an inline script that starts at `offset`.
fn inline_storage(text: &str, offset: usize) -> impl Iterator<Item = Fault> {
    storage_uses(text).into_iter().map(move |(at, api)| {
        Fault::error(
            Code::PrivacyStorage,
            At::Text {
                offset: offset + at,
                needle: api.to_string(),
            },
            format!("an inline script uses {api}, which stores data on the reader's device"),
            storage_help(),
        )
    })
}

/// A resource from another host; the help depends on whether the page's
/// body or the theme loads it.
fn external(at: At, what: &str, address: &str, in_body: bool) -> Fault {
    Fault::error(
        Code::PrivacyExternalResource,
        at,
        format!("{what} loads {address} from another host, which learns every reader's address"),
        if in_body {
            "put the file next to the page (a page bundle) and link it by name; show other sites' content (videos, maps, posts) as a plain link".to_string()
        } else {
            "serve the file from the theme's static/ folder and link it with url(path=…)"
                .to_string()
        },
    )
}

/// The help line of every storage finding.
fn storage_help() -> String {
    "remove it: the site stores nothing on the reader's device (§ 25 TDDDG); keep state in the address (query string) instead".to_string()
}

/// Whether `address` leads to another host.
fn is_external(address: &str, index: &SiteIndex) -> bool {
    resolve(address, "/", index) == Target::External
}

/// Each photo in `content/` that names the place it was taken. The site
/// publishes it without (`crate::image_metadata`), but the file in the
/// repository still has it, and whoever can read the repository can read
/// the position.
pub(crate) fn photo_locations(site: &crate::model::Site) -> Vec<Finding> {
    let sources: std::collections::BTreeSet<&std::path::Path> = site
        .images
        .values()
        .filter(|info| info.had_location)
        .map(|info| info.source.as_path())
        .collect();
    sources
        .into_iter()
        .map(|source| {
            Finding::in_file(Diagnostic::warning(
                Code::PrivacyImageLocation,
                source,
                "this photo names the GPS position where it was taken; the published copies leave it out, but the file in the repository keeps it",
                "remove the position from the file before committing it (in the photo's properties, or `exiftool -gps:all= file.jpg`), and switch off location in the camera app",
            ))
        })
        .collect()
}

/// Style sheets, scripts and SVG files the site ships.
pub(crate) fn shipped(files: &[ShippedText], index: &SiteIndex) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in files {
        let name = file.output.as_str().to_ascii_lowercase();
        let lines = Lines::new(&file.text);
        let at = |offset: usize, diagnostic: Diagnostic| {
            let (line, column) = lines.position(&file.text, offset);
            Finding {
                diagnostic: diagnostic.at(line, column),
                page: None,
                seen_on: None,
            }
        };
        if name.ends_with(".css") {
            for (offset, what, address) in css_references(&file.text) {
                if is_external(&address, index) {
                    findings.push(at(
                        offset,
                        Diagnostic::error(
                            Code::PrivacyExternalResource,
                            &file.source,
                            format!("{what} loads {address} from another host, which learns every reader's address"),
                            "copy the file (a font, an image) into the theme's static/ folder and refer to it by a path",
                        ),
                    ));
                }
            }
        } else if name.ends_with(".js") || name.ends_with(".mjs") {
            for (offset, api) in storage_uses(&file.text) {
                findings.push(at(
                    offset,
                    Diagnostic::error(
                        Code::PrivacyStorage,
                        &file.source,
                        format!("the script uses {api}, which stores data on the reader's device"),
                        storage_help(),
                    ),
                ));
            }
        } else if name.ends_with(".svg") {
            for (what, address) in svg_references(&file.text) {
                if is_external(&address, index) {
                    let offset = file.text.find(&address).unwrap_or(0);
                    findings.push(at(
                        offset,
                        Diagnostic::error(
                            Code::PrivacyExternalResource,
                            &file.source,
                            format!("{what} in the SVG loads {address} from another host"),
                            "embed the referenced file in the SVG or ship it with the site",
                        ),
                    ));
                }
            }
        }
    }
    findings
}

fn svg_references(text: &str) -> Vec<(String, String)> {
    let doc = HtmlDoc::parse(text);
    let mut found = Vec::new();
    for element in &doc.elements {
        for (attribute, address) in resources(element) {
            found.push((format!("<{} {attribute}>", element.name), address));
        }
        if let Some(style) = element.attr("style") {
            found.extend(
                css_references(style)
                    .into_iter()
                    .map(|(_, what, address)| (what.to_string(), address)),
            );
        }
    }
    for (kind, text, _) in doc.raw_texts() {
        if kind == TextKind::Style {
            found.extend(
                css_references(text)
                    .into_iter()
                    .map(|(_, what, address)| (what.to_string(), address)),
            );
        }
    }
    found
}

/// `url(…)` and `@import "…"` in CSS: (offset, what, address).
pub(crate) fn css_references(css: &str) -> Vec<(usize, &'static str, String)> {
    let text = blank_comments(css, false);
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    for (at, _) in lower.match_indices("url(") {
        let rest = text[at + 4..].trim_start();
        let address = match rest.chars().next() {
            Some(quote @ ('"' | '\'')) => rest[1..].split(quote).next().unwrap_or(""),
            _ => rest.split(')').next().unwrap_or("").trim(),
        };
        found.push((at, "CSS url()", address.to_string()));
    }
    for (at, _) in lower.match_indices("@import") {
        let rest = text[at + 7..].trim_start();
        if let Some(quote @ ('"' | '\'')) = rest.chars().next() {
            let address = rest[1..].split(quote).next().unwrap_or("");
            found.push((at, "CSS @import", address.to_string()));
        }
    }
    found.sort_by_key(|(at, _, _)| *at);
    found
}

/// Where a script names a storage API (outside comments and strings).
fn storage_uses(script: &str) -> Vec<(usize, &'static str)> {
    let code = blank_comments(script, true);
    let mut found: Vec<(usize, &'static str)> = STORAGE_APIS
        .iter()
        .flat_map(|api| {
            let offsets = if api.contains('.') {
                code.match_indices(api).map(|(at, _)| at).collect()
            } else {
                word_offsets(&code, api)
            };
            offsets.into_iter().map(move |at| (at, *api))
        })
        .collect();
    found.sort();
    found
}

/// Where [`blank_comments`] is in the text.
#[derive(Clone, Copy, PartialEq)]
enum Reading {
    Code,
    Quoted(char),
    LineComment,
    BlockComment,
}

/// The text with comments (and, for scripts, string contents) replaced by
/// spaces, so offsets stay valid and only code is searched.
fn blank_comments(text: &str, script: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut state = Reading::Code;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        state = match state {
            Reading::Code => code_char(c, chars.peek().copied(), script, &mut out),
            Reading::Quoted(quote) => {
                if c == '\\' {
                    blank(&mut out, c);
                    if let Some(next) = chars.next() {
                        blank(&mut out, next);
                    }
                    state
                } else if c == quote {
                    out.push(c);
                    Reading::Code
                } else {
                    blank(&mut out, c);
                    state
                }
            }
            Reading::LineComment => {
                blank(&mut out, c);
                if c == '\n' { Reading::Code } else { state }
            }
            Reading::BlockComment => {
                blank(&mut out, c);
                if c == '*' && chars.peek() == Some(&'/') {
                    if let Some(slash) = chars.next() {
                        blank(&mut out, slash);
                    }
                    Reading::Code
                } else {
                    state
                }
            }
        };
    }
    out
}

/// One character of code, kept; a comment's or (in scripts) string's
/// opening starts that state.
fn code_char(c: char, next: Option<char>, script: bool, out: &mut String) -> Reading {
    match (c, next) {
        ('/', Some('*')) => {
            blank(out, c);
            Reading::BlockComment
        }
        ('/', Some('/')) if script => {
            blank(out, c);
            Reading::LineComment
        }
        ('"' | '\'' | '`', _) if script => {
            out.push(c);
            Reading::Quoted(c)
        }
        _ => {
            out.push(c);
            Reading::Code
        }
    }
}

/// Spaces as wide as `c` in UTF-8; a line end stays, so lines keep their
/// numbers.
fn blank(out: &mut String, c: char) {
    if c == '\n' {
        out.push('\n');
    } else {
        out.extend(std::iter::repeat_n(' ', c.len_utf8()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_references_skip_comments() {
        let css = "/* url(https://a.example/x) */ body { background: url( 'https://b.example/y.png' ) }\n@import \"https://c.example/z.css\";\n@import url(/local.css);";
        let found: Vec<_> = css_references(css)
            .into_iter()
            .map(|(_, w, a)| (w, a))
            .collect();
        assert_eq!(
            found,
            [
                ("CSS url()", "https://b.example/y.png".to_string()),
                ("CSS @import", "https://c.example/z.css".to_string()),
                ("CSS url()", "/local.css".to_string()),
            ]
        );
    }

    #[test]
    fn storage_in_code_not_in_comments_or_strings() {
        let js = "// no localStorage here\nconst s = 'localStorage';\nwindow.localStorage.setItem('a', 1);\n/* document.cookie */ document.cookie = 'x=1';";
        let found = storage_uses(js);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(&js[found[0].0..found[0].0 + 12], "localStorage");
        assert_eq!(found[1].1, "document.cookie");
    }
}
