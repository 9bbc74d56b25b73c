//! One walk over a rendered body's HTML, text and tags in order: what the
//! press kit's plain text and the register's version comparison both read
//! out of the Markdown stage's HTML (which kommhub itself wrote, so a tag
//! never holds a `>` in an attribute: pulldown-cmark escapes it).

/// One piece of the HTML.
pub enum Piece<'a> {
    /// Text between tags, as written (character references not decoded).
    Text(&'a str),
    /// A tag: its inner text (`a href="…"`), its name in lower case, and
    /// whether it closes (`</p>`).
    Tag {
        inner: &'a str,
        name: String,
        closing: bool,
    },
}

/// Calls `each` for every piece of `html`, in order. A `<` without a `>`
/// after it is text, to the end.
pub fn walk<'a>(html: &'a str, mut each: impl FnMut(Piece<'a>)) {
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        each(Piece::Text(&rest[..start]));
        let inner = &rest[start + 1..start + end];
        rest = &rest[start + end + 1..];
        let name = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let closing = inner.starts_with('/');
        each(Piece::Tag {
            inner,
            name,
            closing,
        });
    }
    each(Piece::Text(rest));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_tags_come_in_order_and_an_open_bracket_stays_text() {
        let mut seen = Vec::new();
        walk("a<P class=x>b</p>c < d", |piece| {
            seen.push(match piece {
                Piece::Text(text) => format!("text {text}"),
                Piece::Tag { name, closing, .. } => format!("tag {name} {closing}"),
            })
        });
        assert_eq!(
            seen,
            [
                "text a",
                "tag p false",
                "text b",
                "tag p true",
                "text c < d"
            ]
        );
    }
}
