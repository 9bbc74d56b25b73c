//! Rendered HTML → a flat list of elements and text with byte offsets.
//!
//! The lints read every page of the output, so the parser must be real
//! (tag soup, entities, raw text in `<script>` and `<style>`) and quick:
//! lol_html (Cloudflare's streaming HTML rewriter, already in the tree
//! through Pagefind) tokenises the page and reports each start tag with its
//! position; we keep the elements in document order with their parents, so
//! a lint can ask for an element's text or its ancestors. The byte offset of
//! each start tag is what lets a finding be traced back to the Markdown line
//! or the template it came from. Nothing here knows about lints.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use lol_html::html_content::{Element as LolElement, TextChunk, TextType};
use lol_html::{HtmlRewriter, Settings, doc_text, element};

/// One element of a page.
#[derive(Debug, Clone)]
pub struct Element {
    /// Lower case: `a`, `img`, `h2`.
    pub name: String,
    /// Names in lower case, values with entities decoded.
    pub attrs: Vec<(String, String)>,
    /// Byte offset of the start tag in the page.
    pub offset: usize,
    pub parent: Option<usize>,
    /// Index in [`HtmlDoc::nodes`] of its start and of its end (exclusive).
    pub first: usize,
    pub last: usize,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn has_attr(&self, name: &str) -> bool {
        self.attrs.iter().any(|(n, _)| n == name)
    }

    /// `h1`…`h6` → 1…6.
    pub fn heading_level(&self) -> Option<u8> {
        let mut chars = self.name.chars();
        match (chars.next(), chars.next(), chars.next()) {
            (Some('h'), Some(digit @ '1'..='6'), None) => Some(digit as u8 - b'0'),
            _ => None,
        }
    }

    fn hides_content(&self) -> bool {
        self.attr("aria-hidden")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
            || self.has_attr("hidden")
    }
}

/// What kind of text a text node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Ordinary text, entities decoded.
    Data,
    /// The inside of `<script>`, as written.
    Script,
    /// The inside of `<style>` (and other raw-text elements), as written.
    Style,
    /// `<title>` and `<textarea>`, entities decoded.
    Title,
}

/// A start tag, an end tag or text, in document order.
#[derive(Debug, Clone)]
pub enum Node {
    Open(usize),
    /// The end of an element (also of one closed implicitly).
    Close,
    Text {
        text: String,
        offset: usize,
        kind: TextKind,
    },
}

/// A parsed page.
#[derive(Debug, Clone, Default)]
pub struct HtmlDoc {
    pub elements: Vec<Element>,
    pub nodes: Vec<Node>,
}

#[derive(Default)]
struct Builder {
    doc: HtmlDoc,
    open: Vec<usize>,
}

impl Builder {
    fn start(&mut self, name: String, attrs: Vec<(String, String)>, offset: usize) -> usize {
        let index = self.doc.elements.len();
        self.doc.elements.push(Element {
            name,
            attrs,
            offset,
            parent: self.open.last().copied(),
            first: self.doc.nodes.len(),
            last: self.doc.nodes.len() + 1,
        });
        self.doc.nodes.push(Node::Open(index));
        index
    }

    fn end(&mut self, index: usize) {
        if !self.open.contains(&index) {
            return;
        }
        // Elements closed implicitly (an open `<p>` before `</div>`) end here.
        while let Some(top) = self.open.pop() {
            self.doc.nodes.push(Node::Close);
            self.doc.elements[top].last = self.doc.nodes.len();
            if top == index {
                break;
            }
        }
    }

    fn text(&mut self, chunk: &str, offset: usize, kind: TextKind) {
        if chunk.is_empty() {
            return;
        }
        if let Some(Node::Text {
            text, kind: last, ..
        }) = self.doc.nodes.last_mut()
        {
            if *last == kind {
                text.push_str(chunk);
                return;
            }
        }
        self.doc.nodes.push(Node::Text {
            text: chunk.to_string(),
            offset,
            kind,
        });
    }

    fn finish(mut self) -> HtmlDoc {
        while let Some(top) = self.open.pop() {
            self.doc.nodes.push(Node::Close);
            self.doc.elements[top].last = self.doc.nodes.len();
        }
        for node in &mut self.doc.nodes {
            if let Node::Text {
                text,
                kind: TextKind::Data | TextKind::Title,
                ..
            } = node
            {
                if text.contains('&') {
                    *text = decode_entities(text);
                }
            }
        }
        self.doc
    }
}

impl HtmlDoc {
    /// Parses a whole page. Malformed markup never fails: what was read
    /// until the parser gave up is kept.
    pub fn parse(html: &str) -> HtmlDoc {
        let builder = Rc::new(RefCell::new(Builder::default()));
        let on_element = Rc::clone(&builder);
        let on_text = Rc::clone(&builder);
        let settings = Settings::new()
            .append_element_content_handler(element!("*", move |el: &mut LolElement| {
                let attrs = el
                    .attributes()
                    .iter()
                    .map(|a| (a.name(), decode_entities(&a.value())))
                    .collect();
                let offset = el.source_location().bytes().start;
                let index = on_element.borrow_mut().start(el.tag_name(), attrs, offset);
                if let Some(handlers) = el.end_tag_handlers() {
                    on_element.borrow_mut().open.push(index);
                    let on_end = Rc::clone(&on_element);
                    handlers.push(Box::new(move |_end| {
                        on_end.borrow_mut().end(index);
                        Ok(())
                    }));
                }
                Ok(())
            }))
            .append_document_content_handler(doc_text!(move |chunk: &mut TextChunk| {
                let kind = match chunk.text_type() {
                    TextType::ScriptData => TextKind::Script,
                    TextType::RawText | TextType::PlainText => TextKind::Style,
                    TextType::RCData => TextKind::Title,
                    _ => TextKind::Data,
                };
                let offset = chunk.source_location().bytes().start;
                on_text.borrow_mut().text(chunk.as_str(), offset, kind);
                Ok(())
            }));
        let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
        let fine = rewriter.write(html.as_bytes()).is_ok();
        if fine {
            let _ = rewriter.end();
        } else {
            drop(rewriter);
        }
        let builder = match Rc::try_unwrap(builder) {
            Ok(cell) => cell.into_inner(),
            Err(shared) => std::mem::take(&mut *shared.borrow_mut()),
        };
        builder.finish()
    }

    pub fn element(&self, index: usize) -> &Element {
        &self.elements[index]
    }

    /// Indices of every element named `name`, in document order.
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.elements
            .iter()
            .enumerate()
            .filter(move |(_, e)| e.name == name)
            .map(|(i, _)| i)
    }

    /// Indices of the elements inside element `index`, in document order.
    pub fn descendants(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        let element = &self.elements[index];
        self.nodes[element.first + 1..element.last.saturating_sub(1).max(element.first + 1)]
            .iter()
            .filter_map(|node| match node {
                Node::Open(child) => Some(*child),
                _ => None,
            })
    }

    /// Whether element `index` or one of its ancestors is hidden from
    /// assistive technology.
    pub fn hidden(&self, index: usize) -> bool {
        let mut current = Some(index);
        while let Some(i) = current {
            if self.elements[i].hides_content() {
                return true;
            }
            current = self.elements[i].parent;
        }
        false
    }

    /// Every `id` (and `<a name>`) of the page: the anchors links may name.
    pub fn ids(&self) -> HashSet<String> {
        self.elements
            .iter()
            .flat_map(|e| {
                let name = (e.name == "a").then(|| e.attr("name")).flatten();
                e.attr("id").into_iter().chain(name)
            })
            .map(str::to_string)
            .collect()
    }

    /// The text a reader perceives inside an element: its text, the `alt`
    /// of its images and the `aria-label` of its parts, without what is
    /// hidden from assistive technology; white space collapsed.
    pub fn visible_text(&self, index: usize) -> String {
        let element = &self.elements[index];
        let mut out = String::new();
        let mut hidden_until: Option<usize> = None;
        for position in element.first + 1..element.last.saturating_sub(1) {
            if hidden_until.is_some_and(|end| position < end) {
                continue;
            }
            hidden_until = None;
            match &self.nodes[position] {
                Node::Open(child) => {
                    let child = &self.elements[*child];
                    if child.hides_content() {
                        hidden_until = Some(child.last);
                        continue;
                    }
                    if let Some(label) = child.attr("aria-label") {
                        out.push(' ');
                        out.push_str(label);
                        hidden_until = Some(child.last);
                        continue;
                    }
                    if child.name == "img" {
                        if let Some(alt) = child.attr("alt") {
                            out.push(' ');
                            out.push_str(alt);
                        }
                    }
                }
                Node::Text {
                    text,
                    kind: TextKind::Data,
                    ..
                } => out.push_str(text),
                _ => {}
            }
        }
        collapse_white_space(&out)
    }

    /// The accessible name of a link or button, as far as markup alone
    /// tells: `aria-label`, the text of `aria-labelledby`, the visible
    /// text, else `title`.
    pub fn accessible_name(&self, index: usize) -> String {
        let element = &self.elements[index];
        if let Some(label) = element.attr("aria-label") {
            let label = collapse_white_space(label);
            if !label.is_empty() {
                return label;
            }
        }
        if let Some(ids) = element.attr("aria-labelledby") {
            let named: Vec<String> = ids
                .split_whitespace()
                .filter_map(|id| self.elements.iter().position(|e| e.attr("id") == Some(id)))
                .map(|labelled| self.visible_text(labelled))
                .collect();
            let label = collapse_white_space(&named.join(" "));
            if !label.is_empty() {
                return label;
            }
        }
        let text = self.visible_text(index);
        if !text.is_empty() {
            return text;
        }
        element
            .attr("title")
            .map(collapse_white_space)
            .unwrap_or_default()
    }

    /// The text of the first `<title>`.
    pub fn title(&self) -> Option<String> {
        let index = self.named("title").next()?;
        let element = &self.elements[index];
        let text: String = self.nodes[element.first + 1..element.last.saturating_sub(1)]
            .iter()
            .filter_map(|node| match node {
                Node::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        Some(collapse_white_space(&text))
    }

    /// Inline scripts and style sheets: (kind, text, byte offset).
    pub fn raw_texts(&self) -> impl Iterator<Item = (TextKind, &str, usize)> {
        self.nodes.iter().filter_map(|node| match node {
            Node::Text { text, offset, kind }
                if matches!(kind, TextKind::Script | TextKind::Style) =>
            {
                Some((*kind, text.as_str(), *offset))
            }
            _ => None,
        })
    }
}

/// Runs of white space become one space; ends trimmed.
pub fn collapse_white_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes the character references kommhub's output and hand-written
/// HTML use: the five XML ones, `&nbsp;`, and numeric ones. Others stay
/// as written.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|end| {
            let name = &after[..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .map(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').map(|dec| dec.parse::<u32>().ok()))
                    .flatten()
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
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
    fn elements_have_parents_offsets_and_decoded_attributes() {
        let html = "<p>Hi <a href=\"&#x2F;x&#x2F;?a=1&amp;b=2\">there</a></p><img src=\"a.png\">";
        let doc = HtmlDoc::parse(html);
        let names: Vec<_> = doc.elements.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["p", "a", "img"]);
        let a = doc.element(1);
        assert_eq!(a.attr("href"), Some("/x/?a=1&b=2"));
        assert_eq!(a.parent, Some(0));
        assert_eq!(&html[a.offset..a.offset + 2], "<a");
        assert_eq!(doc.element(2).parent, None);
        assert_eq!(doc.visible_text(1), "there");
    }

    #[test]
    fn accessible_name_skips_hidden_parts_and_reads_alt_and_labels() {
        let doc = HtmlDoc::parse(
            "<a href=\"/\"><svg aria-hidden=\"true\"><text>X</text></svg><span>Website</span> <img src=\"i.png\" alt=\"ITK\"></a>\
             <a href=\"/\" aria-label=\"Start\">»</a><a href=\"/\"><img src=\"x.png\" alt=\"\"></a>",
        );
        assert_eq!(doc.accessible_name(0), "Website ITK");
        let second = doc.named("a").nth(1).unwrap();
        assert_eq!(doc.accessible_name(second), "Start");
        let third = doc.named("a").nth(2).unwrap();
        assert_eq!(doc.accessible_name(third), "");
    }

    #[test]
    fn scripts_and_styles_are_raw_text() {
        let doc = HtmlDoc::parse(
            "<title>A &amp; B</title><script>if (a < b) localStorage.x = 1;</script><style>@import url(x.css);</style>",
        );
        assert_eq!(doc.title().as_deref(), Some("A & B"));
        let raw: Vec<_> = doc
            .raw_texts()
            .map(|(k, t, _)| (k, t.to_string()))
            .collect();
        assert_eq!(
            raw[0],
            (TextKind::Script, "if (a < b) localStorage.x = 1;".into())
        );
        assert_eq!(raw[1], (TextKind::Style, "@import url(x.css);".into()));
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a &amp; b &#39;c&#x27; &bogus; &"),
            "a & b 'c' &bogus; &"
        );
    }
}
