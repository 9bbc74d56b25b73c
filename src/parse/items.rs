//! Where a body's images, links, headings and tables are written.
//!
//! `markdown.rs` shows every pulldown-cmark event to a `Collector` as
//! the parser hands it over, before the raw-HTML policy or the quote
//! rules change anything, so each [`BodyItem`] holds the address and text
//! as staff wrote them and its line and column in the file. Raw HTML is
//! scanned for the same four elements. `check` reads these to trace a
//! finding in the rendered page back to the Markdown line; it never parses
//! Markdown itself.

use pulldown_cmark::{Event, Tag, TagEnd};

/// What a body holds that a lint may point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Image,
    Link,
    Heading,
    Table,
}

/// An image, link, heading or table of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyItem {
    pub kind: ItemKind,
    /// The address as written (images and links), else empty.
    pub dest: String,
    /// The text inside it (a link's text, an image's alt, a heading),
    /// white space collapsed.
    pub text: String,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

/// Gathers items while the body's events go by; offsets are in the body.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    /// (item, byte offset in the body)
    found: Vec<(BodyItem, usize)>,
    /// Items whose text is still being read.
    open: Vec<usize>,
}

impl Collector {
    /// Notes `event`, which starts at byte `offset` of the body.
    pub fn observe(&mut self, event: &Event, offset: usize) {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                self.open(ItemKind::Image, dest_url, offset)
            }
            Event::Start(Tag::Link { dest_url, .. }) => self.open(ItemKind::Link, dest_url, offset),
            Event::Start(Tag::Heading { .. }) => self.open(ItemKind::Heading, "", offset),
            Event::Start(Tag::Table(_)) => self.push(ItemKind::Table, "", offset),
            Event::End(TagEnd::Image | TagEnd::Link | TagEnd::Heading(_)) => {
                self.open.pop();
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(last) = self.open.last() {
                    self.found[*last].0.text.push_str(text);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => self.raw_html(html, offset),
            _ => {}
        }
    }

    fn push(&mut self, kind: ItemKind, dest: &str, offset: usize) {
        let item = BodyItem {
            kind,
            dest: dest.to_string(),
            text: String::new(),
            line: 0,
            column: 0,
        };
        self.found.push((item, offset));
    }

    fn open(&mut self, kind: ItemKind, dest: &str, offset: usize) {
        self.open.push(self.found.len());
        self.push(kind, dest, offset);
    }

    /// Images, links, tables and headings written as HTML tags.
    fn raw_html(&mut self, html: &str, offset: usize) {
        let lower = html.to_ascii_lowercase();
        for (at, _) in lower.match_indices('<') {
            let rest = &lower[at + 1..];
            let name_end = rest
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(rest.len());
            let (kind, attribute) = match &rest[..name_end] {
                "img" => (ItemKind::Image, "src"),
                "a" => (ItemKind::Link, "href"),
                "table" => (ItemKind::Table, ""),
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => (ItemKind::Heading, ""),
                _ => continue,
            };
            let tag_end = rest.find('>').map_or(html.len(), |end| at + 1 + end);
            let tag = &html[at..tag_end.min(html.len())];
            let dest = attribute_value(tag, attribute).unwrap_or_default();
            self.push(kind, &dest, offset + at);
        }
    }

    /// The items in body order, placed by `position` (body offset → line
    /// and character column in the file).
    pub fn finish(self, position: impl Fn(usize) -> (usize, usize)) -> Vec<BodyItem> {
        let mut found = self.found;
        found.sort_by_key(|(_, offset)| *offset);
        found
            .into_iter()
            .map(|(mut item, offset)| {
                (item.line, item.column) = position(offset);
                item.text = item.text.split_whitespace().collect::<Vec<_>>().join(" ");
                item
            })
            .collect()
    }
}

/// The value of `name="…"` (or `'…'`, or unquoted) in a start tag's text.
fn attribute_value(tag: &str, name: &str) -> Option<String> {
    if name.is_empty() {
        return None;
    }
    let lower = tag.to_ascii_lowercase();
    let at = lower
        .match_indices(name)
        .find(|(at, _)| lower[at + name.len()..].trim_start().starts_with('='))?
        .0;
    let rest = tag[at + name.len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next()?;
    if quote == '"' || quote == '\'' {
        rest[1..].split(quote).next().map(str::to_string)
    } else {
        rest.split(|c: char| c.is_whitespace() || c == '>')
            .next()
            .map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_in_any_quoting() {
        assert_eq!(
            attribute_value("<img alt=x SRC = 'a.png'>", "src").as_deref(),
            Some("a.png")
        );
        assert_eq!(
            attribute_value("<a href=/x/>", "href").as_deref(),
            Some("/x/")
        );
        assert_eq!(attribute_value("<a>", "href"), None);
    }
}
