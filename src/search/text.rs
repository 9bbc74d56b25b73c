//! Plain text for the search index: rendered body HTML to text (with
//! where each heading's section starts), and text to words.
//!
//! The body HTML comes from our own Markdown stage, so it is well formed;
//! raw HTML that writers put in Markdown goes through the same path and at
//! worst indexes a stray word. The browser side (`engine.js`) splits text
//! into words by the same rule as [`words`], so that the excerpt marks the
//! words the index matched.

/// Elements whose content is not prose.
const SKIPPED: [&str; 3] = ["script", "style", "template"];

/// Inline elements: their tags do not separate words (`<em>Ko</em>operation`).
const INLINE: [&str; 16] = [
    "a", "abbr", "b", "bdi", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark", "s",
    "small", "strong",
];

/// Headings whose sections can be linked: `h2` to `h6` with an `id`.
const ANCHORED: [&str; 5] = ["h2", "h3", "h4", "h5", "h6"];

/// The text of an HTML fragment: tags dropped (block tags become a space),
/// the content of scripts and styles dropped, character references decoded.
/// For each heading with an `id`, `anchors` gets where in `out` its text
/// starts, with the id.
pub fn html_to_text(html: &str, out: &mut String, anchors: &mut Vec<(usize, String)>) {
    let mut rest = html;
    while let Some(start) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        push_text(&rest[..start], out);
        rest = &rest[start..];
        if rest.starts_with('&') {
            let (decoded, used) = character_reference(rest);
            push_text(decoded.as_deref().unwrap_or("&"), out);
            rest = &rest[used..];
            continue;
        }
        let Some(end) = rest.find('>') else {
            // A lone `<` in text.
            push_text("<", out);
            rest = &rest[1..];
            continue;
        };
        let name = tag_name(&rest[1..end]);
        let anchor = ANCHORED
            .iter()
            .any(|h| name.eq_ignore_ascii_case(h))
            .then(|| id_attribute(&rest[1..end]))
            .flatten();
        rest = &rest[end + 1..];
        if let Some(skipped) = SKIPPED.iter().find(|s| name.eq_ignore_ascii_case(s)) {
            let closing = format!("</{skipped}");
            let lower = rest.to_ascii_lowercase();
            rest = match lower.find(&closing) {
                Some(at) => rest[at..].find('>').map_or("", |gt| &rest[at + gt + 1..]),
                None => "",
            };
            push_text(" ", out);
        } else if !INLINE.iter().any(|i| name.eq_ignore_ascii_case(i)) {
            push_text(" ", out);
        }
        if let Some(id) = anchor {
            anchors.push((out.len(), id.to_string()));
        }
    }
    push_text(rest, out);
}

/// `a` of `<a href=…>`, `p` of `</p>`, `br` of `<br/>`.
fn tag_name(inner: &str) -> &str {
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let end = inner
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(inner.len());
    &inner[..end]
}

/// The value of `id="…"` in a tag's inside, as our Markdown stage writes it.
fn id_attribute(inner: &str) -> Option<&str> {
    let start = inner.find(" id=\"")? + 5;
    let length = inner[start..].find('"')?;
    Some(&inner[start..start + length]).filter(|id| !id.is_empty())
}

/// Appends `text`. White space is kept as it is: the browser collapses
/// it when it shows an excerpt, and the index only looks at words.
fn push_text(text: &str, out: &mut String) {
    out.push_str(text);
}

/// The character a reference at the start of `text` stands for, and how
/// many bytes it used; `(None, 1)` when it is not one we know.
fn character_reference(text: &str) -> (Option<String>, usize) {
    // Bytes, not `str`: twelve bytes may end inside a character, and the
    // `;` found is ASCII, so slicing at it is always on a boundary.
    let Some(end) = memchr::memchr(b';', &text.as_bytes()[..text.len().min(12)]) else {
        return (None, 1);
    };
    let name = &text[1..end];
    let decoded = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => name
            .strip_prefix("#x")
            .or_else(|| name.strip_prefix("#X"))
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()))
            .and_then(char::from_u32),
    };
    match decoded {
        Some(c) => (Some(c.to_string()), end + 1),
        None => (None, 1),
    }
}

/// The words of `text` with their byte offsets: maximal runs of letters
/// and digits, where a `.` or `/` between two ASCII digits joins (running
/// numbers „12/2025“, dates „20.01.2025“, versions „1.0“ are one word).
/// Words are not lower-cased here. ASCII bytes are judged without
/// decoding; other characters by `char::is_alphanumeric`.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut at = 0;
    // Whether the character at `i` belongs to a word, and its length.
    let word_char = move |i: usize| -> (bool, usize) {
        let b = bytes[i];
        if b.is_ascii() {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric(), c.len_utf8())
        }
    };
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let (is_word, length) = word_char(at);
            if is_word {
                break;
            }
            at += length;
        }
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        while at < bytes.len() {
            let (is_word, length) = word_char(at);
            if !is_word {
                let joins = matches!(bytes[at], b'.' | b'/')
                    && bytes[at - 1].is_ascii_digit()
                    && bytes.get(at + 1).is_some_and(u8::is_ascii_digit);
                if !joins {
                    break;
                }
            }
            at += length;
        }
        Some((start, &text[start..at]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text with white space runs shown as one space.
    fn text(html: &str) -> String {
        let mut out = String::new();
        html_to_text(html, &mut out, &mut Vec::new());
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn tags_go_and_blocks_separate_words() {
        assert_eq!(
            text(
                "<h2 id=\"x\">Ziele</h2>\n<p>Die <em>Ko</em>operation &amp; mehr.</p><ul><li>eins</li><li>zwei</li></ul>"
            ),
            "Ziele Die Kooperation & mehr. eins zwei"
        );
    }

    #[test]
    fn scripts_and_styles_are_not_text() {
        assert_eq!(
            text("<p>vor</p><script>let a = '<p>';</script><STYLE>p{}</STYLE><p>nach</p>"),
            "vor nach"
        );
    }

    #[test]
    fn character_references_are_decoded_and_unknown_ones_kept() {
        assert_eq!(
            text("&#8222;Zitat&#x201C; &copy; a&b &lt;"),
            "„Zitat“ &copy; a&b <"
        );
    }

    /// Found by the property test: a release body `&ẞtraße` renders as
    /// `&amp;ẞtraße`, whose twelfth byte is inside the `ß`; looking for the
    /// `;` in the first twelve bytes sliced the text there and panicked.
    #[test]
    fn a_reference_followed_by_multibyte_letters_does_not_panic() {
        assert_eq!(text("<p>&amp;ẞtraße&amp;</p>"), "&ẞtraße&");
        assert_eq!(text("&ßßßßßßßß;"), "&ßßßßßßßß;");
    }

    #[test]
    fn a_lone_angle_bracket_is_text() {
        assert_eq!(text("3 < 4"), "3 < 4");
    }

    #[test]
    fn numbers_joined_by_a_dot_or_slash_are_one_word() {
        let found: Vec<_> = words("Nr. 12/2025 vom 20.01.2025, Version 1.0. Ende/Anfang 3/")
            .map(|(_, w)| w)
            .collect();
        assert_eq!(
            found,
            [
                "Nr",
                "12/2025",
                "vom",
                "20.01.2025",
                "Version",
                "1.0",
                "Ende",
                "Anfang",
                "3"
            ]
        );
    }

    #[test]
    fn headings_with_ids_are_noted_where_their_text_starts() {
        let mut out = String::new();
        let mut anchors = Vec::new();
        html_to_text(
            "<p>Vorweg.</p><h2 id=\"ziele\">Ziele</h2><p>Mehr.</p><h3>Ohne</h3><h3 class=\"x\" id=\"wege\">Wege</h3>",
            &mut out,
            &mut anchors,
        );
        let starts: Vec<_> = anchors
            .iter()
            .map(|(at, id)| (&out[*at..*at + 4], id.as_str()))
            .collect();
        assert_eq!(starts, [("Ziel", "ziele"), ("Wege", "wege")]);
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let found: Vec<_> = words("Das OZG-Änderungsgesetz (2024), § 5: ok").collect();
        assert_eq!(
            found,
            [
                (0, "Das"),
                (4, "OZG"),
                (8, "Änderungsgesetz"),
                (26, "2024"),
                (36, "5"),
                (39, "ok")
            ]
        );
    }
}
