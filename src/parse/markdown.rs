//! Markdown body → HTML, once per file.
//!
//! pulldown-cmark with tables, footnotes, strikethrough and task lists. On
//! the way through the event stream we give every heading a stable id,
//! turn straight quotes into the language's typographic ones, and replace
//! each internal link `@/path.md#anchor` with a numbered placeholder: the
//! model resolves its target once every page's URL is known, and render
//! puts the address in when it writes the page. Raw HTML and link
//! addresses pass the policy of [`super::raw_html`] here, where their
//! Markdown line is known; what it refuses is left out of the body. An
//! image or link whose path leads out of the page's folder loses its
//! address here and is listed for `parse` to report at its line.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::items::{BodyItem, Collector};
use super::raw_html::{self, HtmlBlock, Problem, Refusal};
use super::spill::{Spill, Text};
use crate::site_path::Written;
use crate::slug::UniqueIds;

/// Quotes to print for straight `"` and `'`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteStyle {
    /// „…“ and ‚…‘
    German,
    /// “…” and ‘…’
    English,
    /// Leave straight quotes alone.
    None,
}

impl QuoteStyle {
    /// The style for a language code; unknown languages keep straight quotes.
    pub fn for_language(code: &str, typographic: bool) -> QuoteStyle {
        match (typographic, code) {
            (false, _) => QuoteStyle::None,
            (true, "de") => QuoteStyle::German,
            (true, "en") => QuoteStyle::English,
            _ => QuoteStyle::None,
        }
    }

    /// (open double, close double, open single, close single)
    fn marks(self) -> Option<(char, char, char, char)> {
        match self {
            QuoteStyle::German => Some(('„', '“', '‚', '‘')),
            QuoteStyle::English => Some(('“', '”', '‘', '’')),
            QuoteStyle::None => None,
        }
    }
}

/// A heading of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// An `@/…` link found in the body, resolved later by the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// Path relative to `content/`, e.g. `news/2025-01-20-kooperation.md`.
    pub target: String,
    pub anchor: Option<String>,
    /// 1-based position in the whole file.
    pub line: usize,
    pub column: usize,
}

/// A Markdown image (absolute or with `..`) or link (with `..`) whose
/// path leads out of the page's folder. Its address is left empty in the
/// HTML, so nothing is looked up and no later stage finds it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscapingPath {
    /// The address as written.
    pub written: String,
    /// An image (`![…](…)`), else a link.
    pub image: bool,
    /// 1-based position in the whole file.
    pub line: usize,
    pub column: usize,
}

/// The rendered body and what the model needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Body {
    /// HTML in which internal link `n` appears as [`link_placeholder`]`(n)`
    /// and images keep their `src` as written.
    pub html: BodyHtml,
    pub headings: Vec<Heading>,
    pub links: Vec<InternalLink>,
    /// Plain text of the first paragraph, for teasers and descriptions.
    pub first_paragraph: String,
    /// Images and links refused because they leave the page's folder.
    pub escaping: Vec<EscapingPath>,
    /// The body's images, links, headings and tables where they are
    /// written, in order.
    pub items: Vec<BodyItem>,
    /// The line of the file the body starts on (0 for a body without a
    /// file).
    pub first_line: usize,
    /// The body as staff wrote it, for the press kit's Markdown copy.
    pub markdown: Text,
}

/// The body's HTML as this stage wrote it, shared so pages without links
/// or images publish it without a copy.
///
/// Only the Markdown stage makes one (its constructor is private to
/// `parse`), so no later stage can put markup of its own in a document:
/// the model keeps data beside the body, and `render::body` makes the
/// page's HTML from both. A build keeps it in its spill file
/// ([`super::spill`]) between parse and render.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BodyHtml(Text);

impl BodyHtml {
    fn new(html: String) -> BodyHtml {
        BodyHtml(Text::held(html))
    }

    /// The HTML, read back from the spill file if it is there.
    pub fn text(&self) -> std::sync::Arc<str> {
        self.0.get()
    }

    /// The HTML when it is in memory (always, but in a build).
    pub fn in_memory(&self) -> Option<&std::sync::Arc<str>> {
        self.0.in_memory()
    }
}

impl Body {
    /// Keeps of the body what a build needs while it renders: the HTML
    /// and Markdown go into the build's spill file, and the items, which
    /// only `check` reads, are let go of.
    pub fn keep_for_build(&mut self, spill: &std::sync::Arc<Spill>) {
        self.html.0.spill_into(spill);
        self.markdown.spill_into(spill);
        self.items = Vec::new();
    }
}

/// What an internal link's `href` holds until render fills it in.
pub fn link_placeholder(index: usize) -> String {
    format!("@link:{index}")
}

/// The Markdown extensions every body is read with.
const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_HEADING_ATTRIBUTES);

/// Renders `markdown`, whose first line is line `first_line` of its file,
/// and returns what the raw-HTML policy refused in it.
pub fn render(markdown: &str, first_line: usize, quotes: QuoteStyle) -> (Body, Vec<Refusal>) {
    let lines = LineIndex::new(markdown, first_line);
    let mut guard = Guard::new(&lines);
    let mut items = Collector::default();
    let mut pass = Pass::new(quotes);
    for (event, range) in Parser::new_ext(markdown, OPTIONS).into_offset_iter() {
        items.observe(&event, range.start);
        let event = guard.screen(event, range.start, pass.events.len());
        if let Some(start) = guard.refused_block.take() {
            pass.events.truncate(start);
        }
        let event = pass.shape(event, range.start, &lines);
        pass.events.push(event);
    }
    let mut body = pass.finish(markdown.len());
    body.items = items.finish(|offset| lines.char_position(markdown, offset));
    body.first_line = first_line;
    body.markdown = Text::held(markdown.to_string());
    (body, guard.refused)
}

/// One walk over a body's events: what is open at the current event, and
/// what has been gathered into the [`Body`] so far.
struct Pass<'m> {
    body: Body,
    events: Vec<Event<'m>>,
    ids: UniqueIds,
    quoter: Quoter,
    /// The open heading's place in `events` and its text so far.
    open_heading: Option<(usize, String)>,
    /// Headings get their ids after the pass, so explicit `{#id}`s anywhere
    /// in the page are reserved before any id is generated.
    pending_headings: Vec<(usize, HeadingLevel, String)>,
    paragraph_depth: usize,
    first_paragraph_done: bool,
    in_code_block: bool,
}

impl<'m> Pass<'m> {
    /// A pass that has seen no event yet.
    fn new(quotes: QuoteStyle) -> Self {
        Pass {
            body: Body::default(),
            events: Vec::new(),
            ids: UniqueIds::default(),
            quoter: Quoter::new(quotes),
            open_heading: None,
            pending_headings: Vec::new(),
            paragraph_depth: 0,
            first_paragraph_done: false,
            in_code_block: false,
        }
    }

    /// The event as it goes into the body, after noting what it opens,
    /// closes or says; `offset` is where it starts in the Markdown.
    fn shape(&mut self, event: Event<'m>, offset: usize, lines: &LineIndex) -> Event<'m> {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                self.quoter.reset();
                self.open_heading = Some((self.events.len(), String::new()));
                event
            }
            Event::End(TagEnd::Heading(level)) => {
                self.close_heading(level);
                event
            }
            Event::Start(Tag::Link { ref dest_url, .. }) if dest_url.starts_with("@/") => {
                self.internal_link(event, lines.position(offset))
            }
            Event::Start(Tag::Image { .. } | Tag::Link { .. }) => {
                refuse_escaping(event, lines.position(offset), &mut self.body.escaping)
            }
            Event::Start(Tag::Paragraph) => {
                self.quoter.reset();
                self.paragraph_depth += 1;
                event
            }
            Event::End(TagEnd::Paragraph) => {
                self.close_paragraph();
                event
            }
            Event::Start(Tag::Item | Tag::TableCell | Tag::BlockQuote(_)) => {
                self.quoter.reset();
                event
            }
            Event::Start(Tag::CodeBlock(_)) => {
                self.in_code_block = true;
                event
            }
            Event::End(TagEnd::CodeBlock) => {
                self.in_code_block = false;
                event
            }
            Event::Text(text) if !self.in_code_block => {
                let text = self.quoter.apply(&text);
                self.gather_text(&text);
                Event::Text(CowStr::from(text))
            }
            Event::Code(code) => {
                self.quoter.after_word();
                self.gather_text(&code);
                Event::Code(code)
            }
            Event::SoftBreak | Event::HardBreak => {
                self.quoter.after_space();
                self.gather_space();
                event
            }
            other => other,
        }
    }

    /// Keeps the closed heading for naming after the pass, reserving an
    /// explicit `{#id}` now.
    fn close_heading(&mut self, level: HeadingLevel) {
        if let Some((start, text)) = self.open_heading.take() {
            if let Some(Event::Start(Tag::Heading {
                id: Some(explicit), ..
            })) = self.events.get(start)
            {
                self.ids.reserve(explicit);
            }
            self.pending_headings.push((start, level, text));
        }
    }

    /// Ends a paragraph; the first one with text is the teaser.
    fn close_paragraph(&mut self) {
        self.paragraph_depth = self.paragraph_depth.saturating_sub(1);
        if !self.body.first_paragraph.trim().is_empty() {
            self.first_paragraph_done = true;
        }
    }

    /// Records an `@/…` link and puts its numbered placeholder where its
    /// address was.
    fn internal_link(&mut self, event: Event<'m>, (line, column): (usize, usize)) -> Event<'m> {
        let links = &mut self.body.links;
        with_dest(event, |dest_url| {
            let (target, anchor) = match dest_url.split_once('#') {
                Some((target, anchor)) => (target, Some(anchor.to_string())),
                None => (dest_url.as_ref(), None),
            };
            links.push(InternalLink {
                target: target.trim_start_matches("@/").to_string(),
                anchor,
                line,
                column,
            });
            CowStr::from(link_placeholder(links.len() - 1))
        })
    }

    /// Adds text to the open heading and the first paragraph.
    fn gather_text(&mut self, text: &str) {
        if let Some((_, heading_text)) = &mut self.open_heading {
            heading_text.push_str(text);
        }
        if self.paragraph_depth > 0 && !self.first_paragraph_done {
            self.body.first_paragraph.push_str(text);
        }
    }

    /// Adds a line break, as a space, to the first paragraph.
    fn gather_space(&mut self) {
        if self.paragraph_depth > 0 && !self.first_paragraph_done {
            self.body.first_paragraph.push(' ');
        }
    }

    /// Gives every heading its id (the explicit one, else one made from
    /// its text) and writes the body's HTML.
    fn finish(mut self, markdown_len: usize) -> Body {
        for (start, level, text) in self.pending_headings {
            if let Some(Event::Start(Tag::Heading { id, .. })) = self.events.get_mut(start) {
                let final_id = match id {
                    Some(explicit) => explicit.to_string(),
                    None => self.ids.make(&text),
                };
                *id = Some(CowStr::from(final_id.clone()));
                self.body.headings.push(Heading {
                    level: heading_number(level),
                    id: final_id,
                    text: text.trim().to_string(),
                });
            }
        }
        let mut html = String::with_capacity(markdown_len + markdown_len / 4);
        pulldown_cmark::html::push_html(&mut html, self.events.into_iter());
        self.body.html = BodyHtml::new(html);
        self.body.first_paragraph = self.body.first_paragraph.trim().to_string();
        self.body
    }
}

/// Applies the raw-HTML policy to the event stream: records each refusal
/// at its Markdown line and keeps refused markup and addresses out of the
/// body.
struct Guard<'a> {
    lines: &'a LineIndex,
    /// The HTML block being read and the index of its first event.
    block: Option<(usize, HtmlBlock)>,
    /// Set when a refused block ended: its events from this index go.
    refused_block: Option<usize>,
    refused: Vec<Refusal>,
}

impl<'a> Guard<'a> {
    fn new(lines: &'a LineIndex) -> Self {
        Guard {
            lines,
            block: None,
            refused_block: None,
            refused: Vec::new(),
        }
    }

    /// The event as it may reach the body; `index` is its place in it.
    fn screen<'e>(&mut self, event: Event<'e>, offset: usize, index: usize) -> Event<'e> {
        match event {
            Event::Start(Tag::HtmlBlock) => {
                self.block = Some((index + 1, HtmlBlock::default()));
                event
            }
            Event::Html(ref html) => {
                match &mut self.block {
                    Some((_, block)) => block.push(html, offset),
                    None => return self.inline(event, offset),
                }
                event
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((start, block)) = self.block.take() {
                    let found = block.check();
                    if !found.is_empty() {
                        self.refused_block = Some(start);
                    }
                    self.record(found);
                }
                event
            }
            Event::InlineHtml(_) => self.inline(event, offset),
            Event::Start(Tag::Link { ref dest_url, .. }) if dest_url.starts_with("@/") => event,
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                with_dest(event, |url| self.address(url, offset))
            }
            other => other,
        }
    }

    /// A piece of inline HTML, or nothing when it is refused.
    fn inline<'e>(&mut self, event: Event<'e>, offset: usize) -> Event<'e> {
        let (Event::InlineHtml(html) | Event::Html(html)) = &event else {
            return event;
        };
        let found = raw_html::check_html(html);
        if found.is_empty() {
            return event;
        }
        self.record(found.into_iter().map(|(at, p)| (offset + at, p)).collect());
        Event::Text(CowStr::Borrowed(""))
    }

    /// A link or image address, or an empty one when it is refused.
    fn address<'e>(&mut self, url: CowStr<'e>, offset: usize) -> CowStr<'e> {
        match raw_html::check_url(&url) {
            None => url,
            Some(problem) => {
                self.record(vec![(offset, problem)]);
                CowStr::Borrowed("")
            }
        }
    }

    fn record(&mut self, found: Vec<(usize, Problem)>) {
        for (offset, problem) in found {
            let (line, column) = self.lines.position(offset);
            self.refused.push(Refusal {
                line,
                column,
                problem,
            });
        }
    }
}

/// Empties the address of an image that is not a file of the page's
/// folder (absolute, or climbing with `..`) and of a link that climbs out
/// of it, and lists it in `escaping`; anything else passes unchanged.
fn refuse_escaping<'a>(
    event: Event<'a>,
    (line, column): (usize, usize),
    escaping: &mut Vec<EscapingPath>,
) -> Event<'a> {
    let (image, dest_url) = match &event {
        Event::Start(Tag::Image { dest_url, .. }) => (true, dest_url),
        Event::Start(Tag::Link { dest_url, .. }) => (false, dest_url),
        _ => return event,
    };
    let refused = match Written::of(dest_url) {
        Written::Climbing => true,
        Written::Absolute => image,
        Written::Address | Written::Relative => false,
    };
    if !refused {
        return event;
    }
    escaping.push(EscapingPath {
        written: dest_url.to_string(),
        image,
        line,
        column,
    });
    with_dest(event, |_| CowStr::Borrowed(""))
}

/// The start of a link or image with its address passed through `change`;
/// any other event unchanged.
fn with_dest<'e>(event: Event<'e>, change: impl FnOnce(CowStr<'e>) -> CowStr<'e>) -> Event<'e> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: change(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: change(dest_url),
            title,
            id,
        }),
        other => other,
    }
}

/// The number of a heading level, 1 to 6.
fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Byte offset → (line, column) in the file.
struct LineIndex {
    starts: Vec<usize>,
    first_line: usize,
    text_len: usize,
}

impl LineIndex {
    fn new(text: &str, first_line: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            starts,
            first_line,
            text_len: text.len(),
        }
    }

    /// The 0-based line holding `offset` (clamped to the text), where
    /// that line starts, and the clamped offset.
    fn locate(&self, offset: usize) -> (usize, usize, usize) {
        let offset = offset.min(self.text_len);
        let line = self.starts.partition_point(|start| *start <= offset) - 1;
        (line, self.starts[line], offset)
    }

    fn position(&self, offset: usize) -> (usize, usize) {
        let (line, start, offset) = self.locate(offset);
        (self.first_line + line, offset - start + 1)
    }

    /// Like [`LineIndex::position`], with the column counted in
    /// characters of `text` (the text this index was made of).
    fn char_position(&self, text: &str, offset: usize) -> (usize, usize) {
        let (line, start, offset) = self.locate(offset);
        let column = text
            .get(start..offset)
            .map_or(offset - start, |before| before.chars().count());
        (self.first_line + line, column + 1)
    }
}

/// Decides for each straight quote whether it opens or closes, from the
/// character before it (and, for `'`, the one after).
struct Quoter {
    marks: Option<(char, char, char, char)>,
    previous: Option<char>,
    single_open: bool,
}

impl Quoter {
    fn new(style: QuoteStyle) -> Self {
        Quoter {
            marks: style.marks(),
            previous: None,
            single_open: false,
        }
    }

    /// A new block starts: the next quote opens.
    fn reset(&mut self) {
        self.previous = None;
        self.single_open = false;
    }

    fn after_word(&mut self) {
        self.previous = Some('x');
    }

    fn after_space(&mut self) {
        self.previous = Some(' ');
    }

    fn apply(&mut self, text: &str) -> String {
        let Some((open2, close2, open1, close1)) = self.marks else {
            self.previous = text.chars().last().or(self.previous);
            return text.to_string();
        };
        if !text.bytes().any(|b| b == b'"' || b == b'\'') {
            self.previous = text.chars().last().or(self.previous);
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len() + 4);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            // Only asked for quotes: a per-character string search was a
            // tenth of a large build's time.
            let opens = || {
                self.previous
                    .is_none_or(|p| p.is_whitespace() || "([{-–—/„“‚‘«»".contains(p))
            };
            let replaced = match c {
                '"' if opens() => open2,
                '"' => close2,
                '\'' => {
                    let next_is_word = chars.peek().is_some_and(|n| n.is_alphanumeric());
                    if opens() && next_is_word {
                        self.single_open = true;
                        open1
                    } else if self.single_open && !next_is_word {
                        self.single_open = false;
                        close1
                    } else {
                        '’'
                    }
                }
                other => other,
            };
            out.push(replaced);
            self.previous = Some(replaced);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;

    fn html(markdown: &str, style: QuoteStyle) -> String {
        render(markdown, 1, style).0.html.text().to_string()
    }

    #[test]
    fn images_and_links_out_of_the_folder_lose_their_address() {
        let body = render(
            "![Karte](karte.png) ![A](../../x.jpg)\n\n![B](/etc/x.png) [Seite](/presse/)\n\n[PDF](../a/b.pdf) [Web](https://example.org/../x)\n",
            7,
            QuoteStyle::None,
        )
        .0;
        let found: Vec<(&str, bool, usize, usize)> = body
            .escaping
            .iter()
            .map(|e| (e.written.as_str(), e.image, e.line, e.column))
            .collect();
        assert_eq!(
            found,
            [
                ("../../x.jpg", true, 7, 21),
                ("/etc/x.png", true, 9, 1),
                ("../a/b.pdf", false, 11, 1)
            ]
        );
        assert!(
            body.html.text().contains("<img src=\"karte.png\""),
            "{}",
            body.html.text()
        );
        assert!(!body.html.text().contains("x.jpg"), "{}", body.html.text());
        assert!(!body.html.text().contains("/etc/"), "{}", body.html.text());
        assert!(!body.html.text().contains("b.pdf"), "{}", body.html.text());
        assert!(
            body.html.text().contains("href=\"/presse/\""),
            "{}",
            body.html.text()
        );
    }

    #[test]
    fn german_quotes_never_english() {
        assert_eq!(
            html("Er sagte \"Hallo\" und 'tschüss'.", QuoteStyle::German),
            "<p>Er sagte „Hallo“ und ‚tschüss‘.</p>\n"
        );
        assert_eq!(
            html("\"**Fett**\" und geht's", QuoteStyle::German),
            "<p>„<strong>Fett</strong>“ und geht’s</p>\n"
        );
    }

    #[test]
    fn english_quotes_and_apostrophes() {
        assert_eq!(
            html("She said \"hi\", it's 'fine'.", QuoteStyle::English),
            "<p>She said “hi”, it’s ‘fine’.</p>\n"
        );
    }

    #[test]
    fn code_and_no_style_keep_straight_quotes() {
        assert_eq!(
            html("`\"a\"` \"b\"", QuoteStyle::None),
            "<p><code>\"a\"</code> \"b\"</p>\n"
        );
        assert!(html("```\n\"x\"\n```\n", QuoteStyle::German).contains("\"x\""));
        assert_eq!(
            html("`\"a\"` \"b\"", QuoteStyle::German),
            "<p><code>\"a\"</code> „b“</p>\n"
        );
    }

    #[test]
    fn headings_get_unique_german_ids() {
        let body = render(
            "## Über uns\n\n## Über uns\n\n## Ziele {#ziele}\n",
            1,
            QuoteStyle::German,
        )
        .0;
        let ids: Vec<_> = body.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["ueber-uns", "ueber-uns-1", "ziele"]);
        assert!(body.html.text().contains("<h2 id=\"ueber-uns-1\">"));
    }

    #[test]
    fn internal_links_become_placeholders_with_file_positions() {
        let body = render(
            "Text\n\nSee [it](@/news/a.md#ziele).\n",
            5,
            QuoteStyle::English,
        )
        .0;
        assert_eq!(
            body.links,
            [InternalLink {
                target: "news/a.md".into(),
                anchor: Some("ziele".into()),
                line: 7,
                column: 5,
            }]
        );
        assert!(body.html.text().contains("href=\"@link:0\""));
    }

    #[test]
    fn tables_footnotes_strikethrough_tasks() {
        let out = html(
            "|a|b|\n|-|-|\n|1|2|\n\n~~x~~ [^1]\n\n[^1]: n\n\n- [x] done\n",
            QuoteStyle::None,
        );
        for needle in [
            "<table>",
            "<del>x</del>",
            "footnote-definition",
            "type=\"checkbox\"",
        ] {
            assert!(out.contains(needle), "{needle} in {out}");
        }
    }

    #[test]
    fn refused_html_and_links_are_reported_at_their_lines_and_left_out() {
        let (body, refused) = render(
            "Text <abbr title=\"x\">A</abbr>\n\n<div>\n<img src=x\nonerror=alert(1)>\n</div>\n\n[x](javascript:alert(1)) <script>a</script>\n",
            5,
            QuoteStyle::None,
        );
        let places: Vec<_> = refused
            .iter()
            .map(|r| (r.line, r.column, r.problem.code))
            .collect();
        assert_eq!(
            places,
            [
                (9, 1, Code::MarkdownUnsafeHtml),
                (12, 1, Code::MarkdownUnsafeLink),
                (12, 26, Code::MarkdownUnsafeHtml),
            ]
        );
        assert!(
            body.html.text().contains("<abbr title=\"x\">A</abbr>"),
            "{}",
            body.html.text()
        );
        for gone in ["onerror", "javascript", "<script", "<img"] {
            assert!(
                !body.html.text().contains(gone),
                "{gone} in {}",
                body.html.text()
            );
        }
    }

    #[test]
    fn images_links_headings_and_tables_are_recorded_where_written() {
        use crate::parse::items::ItemKind;
        let body = render(
            "## Über [uns](/u/)\n\näö ![Karte „x“](karte.png)\n\n|a|\n|-|\n|1|\n\n<p><img src='r.jpg'> <a href=\"../x/\">x</a></p>\n",
            4,
            QuoteStyle::German,
        )
        .0;
        let found: Vec<_> = body
            .items
            .iter()
            .map(|i| (i.kind, i.dest.as_str(), i.text.as_str(), i.line, i.column))
            .collect();
        assert_eq!(
            found,
            [
                (ItemKind::Heading, "", "Über", 4, 1),
                (ItemKind::Link, "/u/", "uns", 4, 9),
                (ItemKind::Image, "karte.png", "Karte „x“", 6, 4),
                (ItemKind::Table, "", "", 8, 1),
                (ItemKind::Image, "r.jpg", "", 12, 4),
                (ItemKind::Link, "../x/", "", 12, 22),
            ]
        );
        assert_eq!(body.first_line, 4);
    }

    #[test]
    fn first_paragraph_is_plain_text() {
        let body = render(
            "## H\n\nErster **Absatz**\nweiter.\n\nZweiter.\n",
            1,
            QuoteStyle::German,
        )
        .0;
        assert_eq!(body.first_paragraph, "Erster Absatz weiter.");
    }
}
