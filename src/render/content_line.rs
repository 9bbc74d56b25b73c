//! The content lines of iCalendar (RFC 5545) and vCard (RFC 6350) files,
//! which share one syntax: `NAME;PARAM=VALUE:value`, CRLF after each
//! line, lines longer than 75 octets folded, text values escaped.
//!
//! The register's calendar and the press contacts' vCards are written
//! through [`Lines`] and [`text`], so both follow the rules in one place.

/// Content lines: CRLF after each, folded so no line exceeds 75 octets
/// (a fold is CRLF and a space, never inside a character).
#[derive(Default)]
pub struct Lines(String);

impl Lines {
    pub fn line(&mut self, line: &str) {
        let mut width = 0;
        for c in line.chars() {
            if width + c.len_utf8() > 75 {
                self.0.push_str("\r\n ");
                width = 1;
            }
            self.0.push(c);
            width += c.len_utf8();
        }
        self.0.push_str("\r\n");
    }

    pub fn finish(self) -> String {
        self.0
    }
}

/// A TEXT value: backslash, semicolon, comma and line ends escaped,
/// control characters and those no output may carry dropped.
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if crate::control_chars::is_forbidden(c) || c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut lines = Lines::default();
        let long = format!("SUMMARY:{}", "ä".repeat(60));
        lines.line(&long);
        let out = lines.finish();
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{line:?} has {} octets", line.len());
        }
        assert_eq!(out.replace("\r\n ", ""), format!("{long}\r\n"));
    }

    #[test]
    fn text_values_escape_what_the_rfcs_reserve() {
        assert_eq!(text("a,b;c\\d\ne\u{7}\r"), "a\\,b\\;c\\\\d\\ne");
    }
}
