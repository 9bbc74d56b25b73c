//! A light reading of YAML's layout, done on the text before serde_yaml
//! sees it, for what serde_yaml cannot tell us.
//!
//! Two questions only: how deep does the text nest (deep flow lists such
//! as `[[[[…` made serde_yaml work for many seconds, so too deep a text is
//! refused before it is parsed), and on which line is the second copy of
//! a key (serde_yaml's duplicate-key error places it at the start of the
//! mapping). This is not a YAML parser: it follows indentation, `- `
//! items, flow brackets, quotes, comments and block scalars (`|`, `>`),
//! which is all both questions need. It never decides whether YAML is
//! valid; serde_yaml does.

/// One line as far as block structure goes.
struct BlockLine<'a> {
    /// 1-based line number.
    number: usize,
    /// 0-based byte column where the line's content starts (its indent).
    indent: usize,
    /// 0-based byte column after any leading `- ` item markers.
    column: usize,
    /// How many `- ` item markers open the line.
    items: usize,
    /// The mapping key the line sets, if it sets one.
    key: Option<&'a str>,
}

/// What a walk over the text knows between lines.
#[derive(Default)]
struct Walker {
    /// Open `[` and `{` of flow collections.
    flow: usize,
    /// The quote character of an open quoted scalar.
    quote: Option<char>,
    /// The indent of the line that opened a block scalar (`|`, `>`):
    /// lines indented deeper are its text, not structure.
    scalar_parent: Option<usize>,
}

/// Where the text nests deeper than `max` levels (block indentation, `- `
/// items and flow brackets together): 1-based line and column.
pub fn too_deep(text: &str, max: usize) -> Option<(usize, usize)> {
    let mut walker = Walker::default();
    let mut columns: Vec<usize> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let (block, beyond) = walker.line(index + 1, line, |block| {
            if let Some(block) = block {
                while columns.last().is_some_and(|top| *top >= block.indent) {
                    columns.pop();
                }
                // Every `- ` marker is a level, and so is the content after it.
                columns.extend((0..block.items).map(|item| block.indent + 2 * item));
                columns.push(block.column);
            }
            max.saturating_sub(columns.len())
        });
        if let Some(block) = block.filter(|_| columns.len() > max) {
            return Some((index + 1, block.column + 1));
        }
        if let Some(byte) = beyond {
            return Some((index + 1, line[..byte].chars().count() + 1));
        }
    }
    None
}

/// Where `key` is written a second time in one block mapping: 1-based
/// line and column of the second copy.
pub fn duplicate_of(text: &str, key: &str) -> Option<(usize, usize)> {
    let mut walker = Walker::default();
    // Open mappings, innermost last: their key column and the keys seen.
    let mut mappings: Vec<(usize, Vec<&str>)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let Some(block) = walker.line(index + 1, line, |_| usize::MAX).0 else {
            continue;
        };
        let Some(found) = block.key else {
            continue;
        };
        // A `- ` item starts a new mapping at its content's column.
        let closes = |column: usize| {
            if block.items > 0 {
                column >= block.indent
            } else {
                column > block.column
            }
        };
        while mappings.last().is_some_and(|(column, _)| closes(*column)) {
            mappings.pop();
        }
        match mappings.last_mut() {
            Some((column, keys)) if *column == block.column => {
                if found == key && keys.contains(&found) {
                    return Some((block.number, block.column + 1));
                }
                keys.push(found);
            }
            _ => mappings.push((block.column, vec![found])),
        }
    }
    None
}

impl Walker {
    /// Reads one line: its block structure when it starts outside flow
    /// collections, quotes and block scalars, and the byte where flow
    /// brackets first nest deeper than `allowed` says for that structure.
    fn line<'a>(
        &mut self,
        number: usize,
        line: &'a str,
        allowed: impl FnOnce(Option<&BlockLine<'a>>) -> usize,
    ) -> (Option<BlockLine<'a>>, Option<usize>) {
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        if let Some(parent) = self.scalar_parent {
            if content.trim().is_empty() || indent > parent {
                return (None, None);
            }
            self.scalar_parent = None;
        }
        let in_block = self.flow == 0 && self.quote.is_none();
        let block = (in_block && !content.is_empty() && !content.starts_with('#'))
            .then(|| block_line(number, indent, content));
        let limit = allowed(block.as_ref());
        (block, self.scan(line, indent, in_block, limit))
    }

    /// Follows quotes, comments, flow brackets and block scalar markers
    /// through one line; returns the byte where more than `limit` flow
    /// collections are first open.
    fn scan(&mut self, line: &str, indent: usize, in_block: bool, limit: usize) -> Option<usize> {
        let mut beyond = None;
        let mut at_value = in_block;
        let mut previous = ' ';
        let mut chars = line
            .char_indices()
            .skip_while(|(_, c)| *c == ' ')
            .peekable();
        while let Some((byte, c)) = chars.next() {
            match (self.quote, c) {
                (Some('"'), '\\') => {
                    chars.next();
                }
                (Some('\''), '\'') if chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                    chars.next();
                }
                (Some(open), _) if c == open => self.quote = None,
                (Some(_), _) => {}
                (None, '#') if previous.is_whitespace() => break,
                (None, '"' | '\'') if self.flow > 0 || at_value => self.quote = Some(c),
                (None, '[' | '{') if self.flow > 0 || at_value => {
                    self.flow += 1;
                    if self.flow > limit && beyond.is_none() {
                        beyond = Some(byte);
                    }
                }
                (None, ']' | '}') if self.flow > 0 => self.flow -= 1,
                (None, '|' | '>') if self.flow == 0 && at_value => {
                    self.scalar_parent = Some(indent);
                    break;
                }
                _ => {}
            }
            // In block context a value starts after `- ` and `: `.
            let next_is_space = chars.peek().is_none_or(|(_, n)| *n == ' ');
            at_value = self.flow == 0
                && self.quote.is_none()
                && (c == ' ' && at_value || matches!(c, '-' | ':') && next_is_space);
            previous = c;
        }
        beyond
    }
}

/// The `- ` markers and the key of a line that starts in block context.
fn block_line(number: usize, indent: usize, content: &str) -> BlockLine<'_> {
    let mut rest = content;
    let mut column = indent;
    let mut items = 0;
    while rest == "-" || rest.starts_with("- ") {
        let after = rest[1..].trim_start_matches(' ');
        column += rest.len() - after.len();
        rest = after;
        items += 1;
    }
    BlockLine {
        number,
        indent,
        column,
        items,
        key: key_of(rest),
    }
}

/// `title` of `title: A`, `"title": A` or `title:`; `None` for a line
/// that sets no key.
fn key_of(rest: &str) -> Option<&str> {
    if let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) {
        let inner = &rest[1..];
        let end = inner.find(quote)?;
        let after = &inner[end + 1..];
        return (after == ":" || after.starts_with(": ")).then(|| &inner[..end]);
    }
    if rest.starts_with(['[', '{', '#', '|', '>']) {
        return None;
    }
    let end = rest
        .find(": ")
        .or_else(|| rest.strip_suffix(':').map(str::len))?;
    Some(rest[..end].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_nesting_is_measured_where_it_gets_too_deep() {
        let deep = format!("title: {}{}\n", "[".repeat(40), "]".repeat(40));
        assert_eq!(too_deep(&deep, 32), Some((1, 8 + 31)));
        let fine = format!("title: {}{}\n", "[".repeat(10), "]".repeat(10));
        assert_eq!(too_deep(&fine, 32), None);
    }

    #[test]
    fn block_nesting_counts_too() {
        let mut deep = String::new();
        for level in 0..40 {
            deep.push_str(&format!("{}k{level}:\n", "  ".repeat(level)));
        }
        assert_eq!(too_deep(&deep, 32), Some((33, 65)));
        assert_eq!(too_deep("- - - a\n", 32), None);
        assert_eq!(too_deep(&"- ".repeat(40), 32).map(|p| p.0), Some(1));
    }

    #[test]
    fn brackets_in_text_quotes_comments_and_block_scalars_do_not_nest() {
        let brackets = "[".repeat(40);
        for text in [
            format!("title: \"{brackets}\"\n"),
            format!("title: '{brackets}'\n"),
            format!("title: a {brackets}\n"),
            format!("title: a # {brackets}\n"),
            format!("summary: |\n  {brackets}\n  more\ntitle: b\n"),
        ] {
            assert_eq!(too_deep(&text, 32), None, "{text}");
        }
    }

    #[test]
    fn the_second_copy_of_a_key_is_found() {
        assert_eq!(duplicate_of("title: A\ntitle: B\n", "title"), Some((2, 1)));
        let nested = "image:\n  src: a.jpg\n  alt: x\ntitle: A\nextra:\n  alt: y\n  alt: z\n";
        assert_eq!(duplicate_of(nested, "alt"), Some((7, 3)));
        let items = "- title: A\n  date: x\n- title: B\n  title: C\n";
        assert_eq!(duplicate_of(items, "title"), Some((4, 3)));
        let quoted = "\"title\": A\nsummary: |\n  title: not a key\n'title': B\n";
        assert_eq!(duplicate_of(quoted, "title"), Some((4, 1)));
    }

    #[test]
    fn same_key_in_different_mappings_is_no_duplicate() {
        let text = "a:\n  x: 1\nb:\n  x: 2\n- x: 1\n- x: 2\n";
        assert_eq!(duplicate_of(text, "x"), None);
    }
}
