//! The one Atom writer: news feeds (per language, per association) and
//! the register's feed of changes both describe their feed as a [`Feed`]
//! and hand it to [`write()`].
//!
//! Part of the render stage. Callers decide what a feed says; this module
//! alone decides how Atom is spelled, and escapes every text with
//! [`escape_xml`], so no title, summary or body can make a feed
//! ill-formed. It knows nothing of pages or the model.

use super::escape_xml;
use crate::parse::dates::{PubDate, berlin};

/// The `updated` of a feed with no dated entry.
pub const NEVER: &str = "1970-01-01T00:00:00+00:00";

/// A feed's head and its entries, every time already in RFC 3339.
#[derive(Debug, Clone)]
pub struct Feed {
    /// `xml:lang` of the whole feed.
    pub lang: String,
    /// `xml:base`, when the feed carries one (the news feeds do, the
    /// register's feed does not).
    pub base: Option<String>,
    pub title: String,
    pub id: String,
    /// The feed's own address (`rel="self"`).
    pub self_link: String,
    /// The HTML page the feed mirrors (`rel="alternate"`).
    pub alternate: String,
    pub updated: String,
    pub author: String,
    pub entries: Vec<Entry>,
}

/// One entry. `content` is HTML, shared with the page, as bodies are large.
#[derive(Debug, Clone)]
pub struct Entry {
    pub title: String,
    pub link: Link,
    pub id: String,
    pub published: Option<String>,
    pub updated: String,
    pub categories: Vec<String>,
    pub summary: String,
    pub content: Option<std::sync::Arc<str>>,
}

/// An entry's HTML page, with its language when it differs from the
/// feed's.
#[derive(Debug, Clone)]
pub struct Link {
    pub href: String,
    pub hreflang: Option<String>,
}

/// RFC 3339 in Berlin time, as Atom wants it.
pub fn rfc3339(date: &PubDate) -> String {
    date.instant
        .to_zoned_datetime(berlin())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// The feed as an Atom document, one element per line.
pub fn write(feed: &Feed) -> String {
    let body: usize = feed
        .entries
        .iter()
        .map(|e| 1024 + e.content.as_deref().map_or(0, str::len) * 6 / 5)
        .sum();
    let mut xml = String::with_capacity(1024 + body);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
    xml.push_str(&escape_xml(&feed.lang));
    xml.push('"');
    if let Some(base) = &feed.base {
        xml.push_str(" xml:base=\"");
        xml.push_str(&escape_xml(base));
        xml.push('"');
    }
    xml.push_str(">\n");
    element(&mut xml, "title", &feed.title);
    element(&mut xml, "id", &feed.id);
    link(
        &mut xml,
        "self",
        "application/atom+xml",
        None,
        &feed.self_link,
    );
    link(&mut xml, "alternate", "text/html", None, &feed.alternate);
    element(&mut xml, "updated", &feed.updated);
    xml.push_str("<author><name>");
    xml.push_str(&escape_xml(&feed.author));
    xml.push_str("</name></author>\n");
    for entry in &feed.entries {
        write_entry(&mut xml, entry);
    }
    xml.push_str("</feed>\n");
    xml
}

fn write_entry(xml: &mut String, entry: &Entry) {
    xml.push_str("<entry>\n");
    element(xml, "title", &entry.title);
    let hreflang = entry.link.hreflang.as_deref();
    link(xml, "alternate", "text/html", hreflang, &entry.link.href);
    element(xml, "id", &entry.id);
    if let Some(published) = &entry.published {
        element(xml, "published", published);
    }
    element(xml, "updated", &entry.updated);
    for term in &entry.categories {
        xml.push_str("<category term=\"");
        xml.push_str(&escape_xml(term));
        xml.push_str("\"/>\n");
    }
    element(xml, "summary", &entry.summary);
    if let Some(content) = &entry.content {
        xml.push_str("<content type=\"html\">");
        xml.push_str(&escape_xml(content));
        xml.push_str("</content>\n");
    }
    xml.push_str("</entry>\n");
}

/// `<name>text</name>` and a line end.
fn element(xml: &mut String, name: &str, text: &str) {
    xml.push('<');
    xml.push_str(name);
    xml.push('>');
    xml.push_str(&escape_xml(text));
    xml.push_str("</");
    xml.push_str(name);
    xml.push_str(">\n");
}

fn link(xml: &mut String, rel: &str, kind: &str, hreflang: Option<&str>, href: &str) {
    xml.push_str("<link rel=\"");
    xml.push_str(rel);
    xml.push_str("\" type=\"");
    xml.push_str(kind);
    xml.push('"');
    if let Some(lang) = hreflang {
        xml.push_str(" hreflang=\"");
        xml.push_str(&escape_xml(lang));
        xml.push('"');
    }
    xml.push_str(" href=\"");
    xml.push_str(&escape_xml(href));
    xml.push_str("\"/>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(title: &str, content: Option<&'static str>) -> Entry {
        Entry {
            title: title.into(),
            link: Link {
                href: "https://example.org/a?x=1&y=2".into(),
                hreflang: Some("en".into()),
            },
            id: "tag:example.org,2026-01-02:a:de".into(),
            published: Some("2026-01-02T10:00:00+01:00".into()),
            updated: "2026-01-03T10:00:00+01:00".into(),
            categories: vec!["R&D <intern>".into(), "\"quoted\"".into()],
            summary: "Tom's <b>summary</b>\u{1}".into(),
            content: content.map(Into::into),
        }
    }

    fn feed() -> Feed {
        Feed {
            lang: "de".into(),
            base: Some("https://example.org/".into()),
            title: "News & <Updates>".into(),
            id: "https://example.org/atom.xml".into(),
            self_link: "https://example.org/atom.xml".into(),
            alternate: "https://example.org/presse/".into(),
            updated: "2026-01-03T10:00:00+01:00".into(),
            author: "Verband \"A\" & B".into(),
            entries: vec![
                entry("First <one> & only", Some("<p>Body &amp; more\u{FFFF}</p>")),
                entry("Second 'two'", None),
            ],
        }
    }

    #[test]
    fn awkward_text_survives_a_round_trip() {
        let xml = write(&feed());
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "feed");
        let child = |node: roxmltree::Node<'_, '_>, name: &str| {
            node.children()
                .find(|n| n.tag_name().name() == name)
                .and_then(|n| n.text())
                .map(str::to_string)
        };
        assert_eq!(child(root, "title").as_deref(), Some("News & <Updates>"));
        let entries: Vec<_> = root
            .children()
            .filter(|n| n.tag_name().name() == "entry")
            .collect();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            child(entries[0], "title").as_deref(),
            Some("First <one> & only")
        );
        assert_eq!(
            child(entries[0], "summary").as_deref(),
            Some("Tom's <b>summary</b>")
        );
        assert_eq!(
            child(entries[0], "content").as_deref(),
            Some("<p>Body &amp; more</p>")
        );
        assert_eq!(child(entries[1], "title").as_deref(), Some("Second 'two'"));
        assert_eq!(child(entries[1], "content"), None);
        let terms: Vec<_> = entries[0]
            .children()
            .filter_map(|n| n.attribute("term"))
            .collect();
        assert_eq!(terms, ["R&D <intern>", "\"quoted\""]);
        let link = entries[0]
            .children()
            .find(|n| n.tag_name().name() == "link")
            .unwrap();
        assert_eq!(
            link.attribute("href"),
            Some("https://example.org/a?x=1&y=2")
        );
        assert_eq!(link.attribute("hreflang"), Some("en"));
    }

    #[test]
    fn base_is_written_only_when_given() {
        let with = write(&feed());
        assert!(with.contains("xml:lang=\"de\" xml:base=\"https://example.org/\">\n"));
        let without = write(&Feed {
            base: None,
            ..feed()
        });
        assert!(without.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"de\">\n"));
    }
}
