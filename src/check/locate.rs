//! Where a finding in the rendered HTML comes from.
//!
//! A fault in a page's body was written in Markdown: [`MarkdownFile`]
//! matches the rendered element to one of the images, links, headings and
//! tables the parse stage recorded with their positions
//! ([`crate::parse::items`]); Markdown is never parsed here. Anything else
//! on a page comes from the theme: [`Templates`] finds, starting from the
//! template render says it used, the template line whose tag looks most
//! like the rendered element (same tag, the same literal attributes). Lines are 1-based, columns count characters from 1; line 0
//! means "somewhere in this file".

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::parse::Body;
use crate::parse::items::{BodyItem, ItemKind};
use crate::render::ThemeFiles;

/// A file and a position in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location {
            file: file.into(),
            line: 0,
            column: 0,
        }
    }
}

/// Offsets → (line, column) in one text.
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// 1-based line and character column of byte `offset` in `text`.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|start| *start <= offset) - 1;
        let start = self.starts[line];
        let column = text
            .get(start..offset)
            .map_or(offset - start, |before| before.chars().count());
        (line + 1, column + 1)
    }
}

/// Offsets of `word` in `text` where it stands alone (no letter or digit
/// right before or after it).
pub fn word_offsets(text: &str, word: &str) -> Vec<usize> {
    let is_word = |c: char| c.is_alphanumeric();
    text.match_indices(word)
        .filter(|(at, _)| {
            let before = text[..*at].chars().next_back();
            let after = text[at + word.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        })
        .map(|(at, _)| at)
        .collect()
}

/// A content file, ready to answer "which line wrote this element?".
#[derive(Debug)]
pub struct MarkdownFile<'a> {
    path: &'a Path,
    /// The file's text, for faults found by a piece of text.
    text: &'a str,
    lines: Lines,
    body_start: usize,
    /// What the parse stage recorded: the body's images, links, headings
    /// and tables where they are written.
    items: &'a [BodyItem],
    used: HashSet<usize>,
    text_uses: HashMap<String, usize>,
}

impl<'a> MarkdownFile<'a> {
    /// The file at `path` with text `text`, whose body parsed to `body`.
    pub fn new(path: &'a Path, text: &'a str, body: &'a Body) -> Self {
        let lines = Lines::new(text);
        let body_start = body
            .first_line
            .checked_sub(1)
            .and_then(|index| lines.starts.get(index).copied())
            .unwrap_or(text.len());
        MarkdownFile {
            path,
            text,
            lines,
            body_start,
            items: &body.items,
            used: HashSet::new(),
            text_uses: HashMap::new(),
        }
    }

    fn at(&self, offset: usize) -> Location {
        let (line, column) = self.lines.position(self.text, offset);
        Location {
            file: self.path.to_path_buf(),
            line,
            column,
        }
    }

    /// Where the body starts: for faults no item explains.
    pub fn body(&self) -> Location {
        let mut location = self.at(self.body_start);
        location.column = 0;
        location
    }

    fn of_kind(&self, kind: ItemKind) -> Vec<usize> {
        (0..self.items.len())
            .filter(|i| self.items[*i].kind == kind)
            .collect()
    }

    fn take(&mut self, index: usize) -> Location {
        self.used.insert(index);
        let item = &self.items[index];
        Location {
            file: self.path.to_path_buf(),
            line: item.line,
            column: item.column,
        }
    }

    /// The `ordinal`-th heading, table or image of the body.
    pub fn nth(&mut self, kind: ItemKind, ordinal: usize) -> Option<Location> {
        let index = *self.of_kind(kind).get(ordinal)?;
        Some(self.take(index))
    }

    /// The image rendered as the `ordinal`-th `<img>` of the body with
    /// `src` (perhaps a resized variant of the file written).
    pub fn image(&mut self, ordinal: usize, src: &str) -> Location {
        let wanted = image_key(src);
        let images = self.of_kind(ItemKind::Image);
        let by_order = images
            .get(ordinal)
            .copied()
            .filter(|i| image_key(&self.items[*i].dest) == wanted);
        let by_name = images
            .iter()
            .copied()
            .find(|i| !self.used.contains(i) && image_key(&self.items[*i].dest) == wanted);
        match by_order.or(by_name).or(images.get(ordinal).copied()) {
            Some(index) => self.take(index),
            None => self.text(&wanted).unwrap_or_else(|| self.body()),
        }
    }

    /// The link with `href` (as rendered) and `text`, the `ordinal`-th
    /// link of the body: found by its destination, else its text, else its
    /// place among the links (`@/…` links are rendered with the target's
    /// address).
    pub fn link(&mut self, href: &str, text: &str, ordinal: usize) -> Location {
        let links = self.of_kind(ItemKind::Link);
        let unused = |i: &usize| !self.used.contains(i);
        let by_dest = links
            .iter()
            .copied()
            .filter(unused)
            .find(|i| same_destination(href, &self.items[*i].dest));
        let wanted = text.to_lowercase();
        let by_text = links
            .iter()
            .copied()
            .filter(unused)
            .find(|i| !wanted.is_empty() && self.items[*i].text.to_lowercase() == wanted);
        let by_order = links.get(ordinal).copied().filter(unused);
        match by_dest.or(by_text).or(by_order) {
            Some(index) => self.take(index),
            None => self
                .text(href)
                .or_else(|| self.text(text))
                .unwrap_or_else(|| self.body()),
        }
    }

    /// The next place in the body where `needle` is written (each call
    /// with the same needle finds the next one).
    pub fn text(&mut self, needle: &str) -> Option<Location> {
        if needle.trim().is_empty() {
            return None;
        }
        let body = &self.text[self.body_start..];
        let nth = self.text_uses.entry(needle.to_string()).or_insert(0);
        let found = body
            .match_indices(needle)
            .nth(*nth)
            .or_else(|| body.match_indices(needle).next())?;
        *nth += 1;
        Some(self.at(self.body_start + found.0))
    }
}

/// `foto-960w.jpg`, `/presse/x/foto.jpg` and `foto.jpg` all name `foto.jpg`.
fn image_key(src: &str) -> String {
    let path = src.split(['?', '#']).next().unwrap_or(src);
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, extension)) => {
            let stem = match stem.rsplit_once('-') {
                Some((base, width))
                    if width.len() > 1
                        && width.ends_with('w')
                        && width[..width.len() - 1].chars().all(|c| c.is_ascii_digit()) =>
                {
                    base
                }
                _ => stem,
            };
            format!("{stem}.{extension}")
        }
        None => name.to_string(),
    }
}

fn same_destination(href: &str, dest: &str) -> bool {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with("@/") {
        return false;
    }
    href == dest || {
        let dest = dest.trim_start_matches("./");
        !dest.is_empty() && href.ends_with(dest)
    }
}

/// The theme's templates, ready to answer "which line wrote this tag?".
#[derive(Debug)]
pub struct Templates<'a> {
    list: Vec<TemplateText<'a>>,
    dir: PathBuf,
}

#[derive(Debug)]
struct TemplateText<'a> {
    name: &'a str,
    text: &'a str,
    lower: String,
    lines: Lines,
}

impl<'a> Templates<'a> {
    pub fn new(theme: &'a ThemeFiles) -> Self {
        Templates {
            list: theme
                .templates
                .iter()
                .map(|(name, text)| TemplateText {
                    name,
                    text,
                    lower: text.to_ascii_lowercase(),
                    lines: Lines::new(text),
                })
                .collect(),
            dir: theme.dir.join("templates"),
        }
    }

    fn at(&self, index: usize, offset: usize) -> Location {
        let template = &self.list[index];
        let (line, column) = template.lines.position(template.text, offset);
        Location {
            file: self.dir.join(template.name),
            line,
            column,
        }
    }

    /// The template as a whole: `preferred` if the theme has it, else
    /// `base.html`.
    pub fn whole(&self, preferred: &str) -> Location {
        let name = if self.list.iter().any(|t| t.name == preferred) {
            preferred
        } else {
            "base.html"
        };
        Location::file(self.dir.join(name))
    }

    /// The first line that holds `needle` literally, preferring
    /// `preferred`, then `base.html`.
    pub fn literal(&self, preferred: &str, needle: &str) -> Option<Location> {
        if needle.is_empty() {
            return None;
        }
        let needle = needle.to_ascii_lowercase();
        let index = self.ranked(preferred).into_iter().find_map(|index| {
            self.list[index]
                .lower
                .find(&needle)
                .map(|offset| (index, offset))
        })?;
        Some(self.at(index.0, index.1))
    }

    /// `preferred` and the templates it extends, innermost first.
    pub fn chain(&self, preferred: &str) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut name = preferred.to_string();
        while let Some(index) = self.list.iter().position(|t| t.name == name) {
            if chain.contains(&index) {
                break;
            }
            chain.push(index);
            let Some(parent) = extended(self.list[index].text) else {
                break;
            };
            name = parent;
        }
        chain
    }

    /// The first line of `preferred` or a template it extends that holds
    /// `needle` literally.
    pub fn literal_in_chain(&self, preferred: &str, needle: &str) -> Option<Location> {
        let needle = needle.to_ascii_lowercase();
        self.chain(preferred).into_iter().find_map(|index| {
            let offset = self.list[index].lower.find(&needle)?;
            Some(self.at(index, offset))
        })
    }

    /// Template indices: `preferred` and the templates it extends first,
    /// outermost first, then `base.html`, then the rest. A line a page's
    /// template shares with the one it extends is most often the frame
    /// every page has (menus, footers), which the outer one writes.
    fn ranked(&self, preferred: &str) -> Vec<usize> {
        let mut chain = self.chain(preferred);
        chain.reverse();
        let mut order: Vec<usize> = (0..self.list.len()).collect();
        order.sort_by_key(|i| {
            let in_chain = chain.iter().position(|c| c == i).unwrap_or(usize::MAX);
            (in_chain, self.list[*i].name != "base.html", *i)
        });
        order
    }

    /// The tag in the templates most like the rendered element: the same
    /// name on a template line whose literal parts (Tera tags removed)
    /// appear in order on the element's output line, with the most
    /// attributes written the same way and the same text after it. Ties go
    /// to `preferred`, then `base.html`.
    pub fn element(&self, preferred: &str, element: &ElementShape) -> Location {
        let opening = format!("<{}", element.tag);
        let output = (
            element.output_before.to_lowercase(),
            element.output_line.to_lowercase(),
            element.output_after.to_lowercase(),
        );
        let mut best: Option<(i64, usize, usize, usize)> = None;
        for (rank, index) in self.ranked(preferred).into_iter().enumerate() {
            let template = &self.list[index];
            for (offset, _) in template.lower.match_indices(&opening) {
                let next = template.lower[offset + opening.len()..].chars().next();
                if !next.is_some_and(|c| c.is_whitespace() || c == '>' || c == '/') {
                    continue;
                }
                let line_start = template.lower[..offset].rfind('\n').map_or(0, |i| i + 1);
                let score = context_match(&template.lower, line_start, &output)
                    + similarity(&template.lower[offset..], element.attrs, element.text);
                if best.is_none_or(|(top, top_rank, _, _)| {
                    score > top || (score == top && rank < top_rank)
                }) {
                    best = Some((score, rank, index, offset));
                }
            }
        }
        match best {
            Some((_, _, index, offset)) => self.at(index, offset),
            None => self.whole(preferred),
        }
    }
}

/// What [`Templates::element`] compares: the rendered element.
#[derive(Debug)]
pub struct ElementShape<'a> {
    pub tag: &'a str,
    pub attrs: &'a [(String, String)],
    /// For links: their text.
    pub text: Option<&'a str>,
    /// The line of the output the element starts on, and the lines
    /// before and after it.
    pub output_line: &'a str,
    pub output_before: &'a str,
    pub output_after: &'a str,
}

/// How well the template lines around `line_start` (lower case text) match
/// the output lines around the element: its own line counts fully, the
/// neighbours half, so identical lines in different places are told apart.
fn context_match(template: &str, line_start: usize, output: &(String, String, String)) -> i64 {
    let line_end = template[line_start..]
        .find('\n')
        .map_or(template.len(), |i| line_start + i);
    let before = template[..line_start.saturating_sub(1)]
        .rsplit('\n')
        .next()
        .unwrap_or("");
    let after = template
        .get(line_end + 1..)
        .and_then(|rest| rest.split('\n').next())
        .unwrap_or("");
    skeleton_match(&template[line_start..line_end], &output.1)
        + skeleton_match(before, &output.0).max(0) / 2
        + skeleton_match(after, &output.2).max(0) / 2
}

/// How well a template line's literal parts (between Tera tags) match an
/// output line, in order: characters matched, minus those not found.
fn skeleton_match(template_line: &str, output_line: &str) -> i64 {
    let mut score = 0i64;
    let mut rest = output_line;
    let mut literal = template_line;
    let mut fragments = Vec::new();
    while let Some(start) = literal.find(['{']) {
        let (before, after) = literal.split_at(start);
        fragments.push(before);
        let close = if after.starts_with("{{") {
            "}}"
        } else if after.starts_with("{%") {
            "%}"
        } else if after.starts_with("{#") {
            "#}"
        } else {
            fragments.pop();
            fragments.push(&literal[..start + 1]);
            literal = &literal[start + 1..];
            continue;
        };
        literal = after.find(close).map_or("", |end| &after[end + 2..]);
    }
    fragments.push(literal);
    for fragment in fragments {
        let fragment = fragment.trim();
        if fragment.is_empty() {
            continue;
        }
        let length = fragment.chars().count() as i64;
        match rest.find(fragment) {
            Some(at) => {
                score += 2 * length;
                rest = &rest[at + fragment.len()..];
            }
            None => score -= length,
        }
    }
    score
}

/// How much the template tag at the start of `template` (lower case)
/// looks like an element with `attrs` and `text`.
fn similarity(template: &str, attrs: &[(String, String)], text: Option<&str>) -> i64 {
    let tag = tag_text(template);
    let mut score = 0;
    for (name, value) in attrs {
        let value = value.to_ascii_lowercase();
        if tag.contains(&format!("{name}=\"{value}\"")) {
            score += 3;
        } else if value.len() > 2 && tag.contains(&value) {
            score += 2;
        } else if tag.contains(&format!("{name}=")) || tag.contains(&format!(" {name}")) {
            score += 1;
        }
    }
    if let Some(text) = text.filter(|t| !t.is_empty()) {
        if template[tag.len()..]
            .trim_start()
            .starts_with(&text.to_lowercase())
        {
            score += 3;
        }
    }
    score
}

/// The template named by `{% extends "…" %}`, if any.
fn extended(text: &str) -> Option<String> {
    let at = text.find("{% extends")?;
    let rest = &text[at + "{% extends".len()..];
    let quote = rest.find(['"', '\''])?;
    let mark = rest[quote..].chars().next()?;
    let name = rest[quote + 1..].split(mark).next()?;
    Some(name.to_string())
}

/// The start tag at the beginning of `text`, up to its `>`, skipping Tera
/// expressions and statements inside it.
fn tag_text(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'{' && i + 1 < bytes.len() && (bytes[i + 1] == b'{' || bytes[i + 1] == b'%')
        {
            let close = if bytes[i + 1] == b'{' { "}}" } else { "%}" };
            match text[i + 2..].find(close) {
                Some(end) => {
                    i += 2 + end + 2;
                    continue;
                }
                None => return text,
            }
        }
        if bytes[i] == b'>' {
            return &text[..=i];
        }
        i += 1;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_characters() {
        let text = "ä\nxäy z";
        let lines = Lines::new(text);
        let z = text.find('z').unwrap();
        assert_eq!(lines.position(text, z), (2, 5));
    }

    #[test]
    fn words_stand_alone() {
        assert_eq!(word_offsets("TMG, ETMG, TMGx, (TMG)", "TMG"), vec![0, 18]);
    }

    #[test]
    fn markdown_items_have_file_positions() {
        let text = "---\ntitle: A\n---\n\n## Eins\n\nSiehe [hier](/x/) und ![](foto.jpg).\n\n<table><tr><td>1</td></tr></table>\n";
        let split = crate::parse::front_matter::split(text).unwrap();
        let body = crate::parse::markdown::render(
            split.body,
            split.body_line,
            crate::parse::markdown::QuoteStyle::None,
        )
        .0;
        let path = Path::new("content/a.md");
        let mut file = MarkdownFile::new(path, text, &body);
        assert_eq!(file.body().line, 4);
        assert_eq!(file.nth(ItemKind::Heading, 0).unwrap().line, 5);
        let link = file.link("/x/", "hier", 0);
        assert_eq!((link.line, link.column), (7, 7));
        let image = file.image(0, "/a/foto-480w.jpg");
        assert_eq!((image.line, image.column), (7, 23));
        assert_eq!(file.nth(ItemKind::Table, 0).unwrap().line, 9);
    }

    #[test]
    fn skeletons_prefer_the_line_that_wrote_the_output() {
        let output = "          <li><a href=\"https://www.itk.example\">www.itk.example</a></li>";
        let list = skeleton_match(
            "          <li><a href=\"{{ association.url }}\">{{ association.url | replace(from=\"https://\", to=\"\") }}</a></li>",
            output,
        );
        let card = skeleton_match(
            "        <h3><a href=\"{{ item.url }}\">{{ item.title }}</a></h3>",
            output,
        );
        assert!(list > card, "{list} {card}");
    }

    #[test]
    fn a_line_the_template_shares_with_its_parent_is_blamed_on_the_parent() {
        let mut theme = ThemeFiles::default();
        let line = "<li><a href=\"{{ item.url }}\">{{ item.title }}</a></li>\n";
        theme.templates.insert(
            "base.html".to_string(),
            format!(
                "<main>{{% block content %}}{{% endblock content %}}</main>\n<ul>\n{line}</ul>\n"
            ),
        );
        theme.templates.insert(
            "search.html".to_string(),
            format!("{{% extends \"base.html\" %}}\n{{% block content %}}<ul>\n{line}</ul>{{% endblock content %}}\n"),
        );
        let templates = Templates::new(&theme);
        let attrs = [("href".to_string(), "/x/".to_string())];
        let shape = ElementShape {
            tag: "a",
            attrs: &attrs,
            text: Some("X"),
            output_line: "<li><a href=\"/x/\">X</a></li>",
            output_before: "<ul>",
            output_after: "</ul>",
        };
        let found = templates.element("search.html", &shape);
        assert!(found.file.ends_with("base.html"), "{found:?}");
        assert_eq!(found.line, 3);
    }

    #[test]
    fn tag_text_skips_tera() {
        assert_eq!(
            tag_text("<a href=\"{{ x > 1 }}\"{% if y %} class=\"c\"{% endif %}>t</a>"),
            "<a href=\"{{ x > 1 }}\"{% if y %} class=\"c\"{% endif %}>"
        );
    }

    #[test]
    fn image_keys_ignore_variants() {
        assert_eq!(image_key("/p/foto-960w.jpg"), "foto.jpg");
        assert_eq!(image_key("foto.jpg"), "foto.jpg");
        assert_eq!(image_key("a-b.png"), "a-b.png");
    }
}
