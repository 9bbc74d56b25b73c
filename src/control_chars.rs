//! Invisible control characters: the one definition of which characters no
//! page, feed or sitemap may carry.
//!
//! XML 1.0 forbids most C0 control characters and U+FFFE/U+FFFF; one of
//! them in a feed makes the whole file unreadable, and feed readers drop it.
//! HTML calls every control character a parse error. None of them is ever
//! meant: they arrive by copying out of Word or a PDF. So the parse stage
//! refuses them in content and site.yaml ([`lines_with`]), with the line,
//! column and the character's code, and the XML and HTML escaping functions
//! drop whatever still reaches them ([`strip`]), so no input can make a
//! feed ill-formed.

use std::borrow::Cow;

use crate::diagnostics::{Code, Diagnostic};

/// Whether `c` may not appear in any output: a control character other
/// than tab, line feed and carriage return (C0, DEL and C1), or one of the
/// two noncharacters XML 1.0 excludes.
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// `text` without forbidden characters; borrowed when it has none.
pub fn strip(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_forbidden) {
        Cow::Owned(text.chars().filter(|c| !is_forbidden(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// `text` with every forbidden character replaced by as many spaces as it
/// has bytes, so every byte offset, line and column stays where it was for
/// the later stages' messages.
pub fn blank_out(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_forbidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_forbidden(c) {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The code and, where it has a well-known one, the name of `c`:
/// "U+000B (vertical tab)".
pub fn describe(c: char) -> String {
    let name = match c {
        '\0' => Some("null"),
        '\u{7}' => Some("bell"),
        '\u{8}' => Some("backspace"),
        '\u{B}' => Some("vertical tab"),
        '\u{C}' => Some("form feed"),
        '\u{1B}' => Some("escape"),
        '\u{7F}' => Some("delete"),
        '\u{FFFE}' | '\u{FFFF}' => Some("not a character"),
        _ => None,
    };
    match name {
        Some(name) => format!("U+{:04X} ({name})", c as u32),
        None => format!("U+{:04X}", c as u32),
    }
}

/// One line that holds forbidden characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line and column (in characters) of the first one.
    pub line: usize,
    pub column: usize,
    pub first: char,
    /// How many the line holds.
    pub count: usize,
}

/// Every line of `text` that holds forbidden characters.
pub fn lines_with(text: &str) -> Vec<Finding> {
    let mut found: Vec<Finding> = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        let mut hits = line.chars().enumerate().filter(|(_, c)| is_forbidden(*c));
        if let Some((column, first)) = hits.next() {
            found.push(Finding {
                line: index + 1,
                column: column + 1,
                first,
                count: 1 + hits.count(),
            });
        }
    }
    found
}

/// An error for every line of the file `path` that holds forbidden
/// characters.
pub fn diagnostics(path: &std::path::Path, text: &str) -> Vec<Diagnostic> {
    lines_with(text)
        .into_iter()
        .map(|finding| {
            let what = describe(finding.first);
            let message = match finding.count {
                1 => format!("an invisible control character, {what}, is in the text"),
                n => format!("{n} invisible control characters are in this line, the first {what}"),
            };
            Diagnostic::error(
                Code::ContentControlCharacter,
                path,
                message,
                "delete the invisible character (it often comes from copying out of Word or a PDF): delete the text around this column and type it again",
            )
            .at(finding.line, finding.column)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_are_controls_but_tab_and_line_ends_and_the_two_noncharacters() {
        for c in [
            '\0', '\u{8}', '\u{B}', '\u{C}', '\u{1B}', '\u{7F}', '\u{85}',
        ] {
            assert!(is_forbidden(c), "{c:?}");
        }
        assert!(is_forbidden('\u{FFFE}') && is_forbidden('\u{FFFF}'));
        for c in [
            '\t', '\n', '\r', ' ', 'ä', '\u{200F}', '\u{FEFF}', '😀', '\u{FFFD}',
        ] {
            assert!(!is_forbidden(c), "{c:?}");
        }
    }

    #[test]
    fn strip_drops_only_forbidden_characters() {
        assert_eq!(strip("a\0b\u{B}c\u{1B}[0m\u{FFFE}\td"), "abc[0m\td");
        assert!(matches!(strip("fine & <ok>"), Cow::Borrowed(_)));
    }

    #[test]
    fn blank_out_keeps_every_byte_offset() {
        let text = "a\u{85}b\u{FFFF}c\0";
        let blank = blank_out(text);
        assert_eq!(blank.len(), text.len());
        assert_eq!(blank, "a  b   c ");
    }

    #[test]
    fn findings_name_line_column_character_and_count() {
        let found = lines_with("ok\nab\u{B}c\u{1B}\n\n\0");
        assert_eq!(
            found,
            [
                Finding {
                    line: 2,
                    column: 3,
                    first: '\u{B}',
                    count: 2
                },
                Finding {
                    line: 4,
                    column: 1,
                    first: '\0',
                    count: 1
                },
            ]
        );
        assert_eq!(describe('\u{B}'), "U+000B (vertical tab)");
        assert_eq!(describe('\u{85}'), "U+0085");
    }
}
