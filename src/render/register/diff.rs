//! What changed between two versions of a standard, word by word.
//!
//! Part of rendering the register: the bodies of two versions (their HTML,
//! links resolved) are cut into text blocks (headings, paragraphs, list
//! items, table cells), the blocks are compared with `similar`'s patience
//! diff, and each pair of changed blocks is compared again word by word.
//! The result is data, not markup ([`DiffBlock`], one of the template
//! API's views in `render::views`): the template marks insertions with
//! `<ins>` and deletions with `<del>` and labels them in words, so the
//! change is not told by colour alone. Pure and deterministic (no deadline
//! on the diff).

use similar::{Algorithm, DiffTag, capture_diff_slices};

use crate::render::views::{DiffBlock, Segment};

/// Below this similarity a changed block is shown as deleted and inserted
/// whole: a word diff of two unrelated sentences is unreadable.
const MIN_WORD_DIFF_RATIO: f32 = 0.3;

/// A block of text cut from a body's HTML.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Block {
    heading: bool,
    text: String,
}

/// The word-level comparison of two bodies (HTML); empty when their text
/// is the same.
pub fn compare(old_html: &str, new_html: &str) -> Vec<DiffBlock> {
    let old = blocks(old_html);
    let new = blocks(new_html);
    let ops = capture_diff_slices(Algorithm::Patience, &old, &new);
    if ops.iter().all(|op| op.tag() == DiffTag::Equal) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let last = ops.len().saturating_sub(1);
    for (index, op) in ops.iter().enumerate() {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => {
                let kept = &new[new_range];
                // The heading just above a change says where it is.
                let context = (index < last)
                    .then(|| kept.last().filter(|b| b.heading))
                    .flatten();
                let skipped = kept.len() - usize::from(context.is_some());
                if skipped > 0 {
                    out.push(DiffBlock {
                        kind: "unchanged",
                        heading: false,
                        segments: Vec::new(),
                        skipped,
                    });
                }
                if let Some(heading) = context {
                    out.push(whole(heading, "equal", "context"));
                }
            }
            DiffTag::Delete => {
                out.extend(old[old_range].iter().map(|b| whole(b, "delete", "changed")))
            }
            DiffTag::Insert => {
                out.extend(new[new_range].iter().map(|b| whole(b, "insert", "changed")))
            }
            DiffTag::Replace => {
                let (old_blocks, new_blocks) = (&old[old_range], &new[new_range]);
                for pair in 0..old_blocks.len().max(new_blocks.len()) {
                    match (old_blocks.get(pair), new_blocks.get(pair)) {
                        (Some(a), Some(b)) => out.push(DiffBlock {
                            kind: "changed",
                            heading: b.heading,
                            segments: words(&a.text, &b.text),
                            skipped: 0,
                        }),
                        (Some(a), None) => out.push(whole(a, "delete", "changed")),
                        (None, Some(b)) => out.push(whole(b, "insert", "changed")),
                        (None, None) => {}
                    }
                }
            }
        }
    }
    out
}

fn whole(block: &Block, change: &'static str, kind: &'static str) -> DiffBlock {
    DiffBlock {
        kind,
        heading: block.heading,
        segments: vec![Segment {
            change,
            text: block.text.clone(),
        }],
        skipped: 0,
    }
}

/// Word-level segments from `old` to `new`. Spaces between two changes
/// join them, so "der Rat" → "die Kommission" reads as one replacement.
fn words(old: &str, new: &str) -> Vec<Segment> {
    let (old_tokens, new_tokens) = (tokens(old), tokens(new));
    let ops = capture_diff_slices(Algorithm::Patience, &old_tokens, &new_tokens);
    if similarity(&ops, &old_tokens, &new_tokens) < MIN_WORD_DIFF_RATIO {
        return vec![
            Segment {
                change: "delete",
                text: old.to_string(),
            },
            Segment {
                change: "insert",
                text: new.to_string(),
            },
        ];
    }
    let mut runs: Vec<(DiffTag, String)> = Vec::new();
    for op in &ops {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let parts = match tag {
            DiffTag::Equal => vec![(DiffTag::Equal, old_tokens[old_range].concat())],
            DiffTag::Delete => vec![(DiffTag::Delete, old_tokens[old_range].concat())],
            DiffTag::Insert => vec![(DiffTag::Insert, new_tokens[new_range].concat())],
            DiffTag::Replace => vec![
                (DiffTag::Delete, old_tokens[old_range].concat()),
                (DiffTag::Insert, new_tokens[new_range].concat()),
            ],
        };
        runs.extend(parts);
    }
    let mut segments = Vec::new();
    let (mut deleted, mut inserted) = (String::new(), String::new());
    for (index, (tag, text)) in runs.iter().enumerate() {
        match tag {
            DiffTag::Delete => deleted.push_str(text),
            DiffTag::Insert => inserted.push_str(text),
            DiffTag::Equal | DiffTag::Replace => {
                let inside_change = text.trim().is_empty()
                    && !(deleted.is_empty() && inserted.is_empty())
                    && runs
                        .get(index + 1)
                        .is_some_and(|(t, _)| *t != DiffTag::Equal);
                if inside_change {
                    deleted.push_str(text);
                    inserted.push_str(text);
                    continue;
                }
                flush(&mut segments, &mut deleted, &mut inserted);
                segments.push(Segment {
                    change: "equal",
                    text: text.clone(),
                });
            }
        }
    }
    flush(&mut segments, &mut deleted, &mut inserted);
    segments
}

/// The share of words (not spaces) both texts keep, from 0 to 1.
fn similarity(ops: &[similar::DiffOp], old: &[&str], new: &[&str]) -> f32 {
    let words = |tokens: &[&str]| tokens.iter().filter(|t| !t.trim().is_empty()).count();
    let kept: usize = ops
        .iter()
        .filter(|op| op.tag() == DiffTag::Equal)
        .map(|op| words(&old[op.old_range()]))
        .sum();
    match words(old) + words(new) {
        0 => 1.0,
        total => (2 * kept) as f32 / total as f32,
    }
}

/// Words (letters and digits, with `.`, `,`, `-` or `/` inside them, so
/// "2.1" and "E-Akte" stay whole), runs of spaces, and single other
/// characters such as punctuation.
fn tokens(text: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let class = |i: usize| -> u8 {
        let c = chars[i].1;
        let inside_word = matches!(c, '.' | ',' | '-' | '/')
            && i > 0
            && chars[i - 1].1.is_alphanumeric()
            && chars
                .get(i + 1)
                .is_some_and(|(_, next)| next.is_alphanumeric());
        if c.is_alphanumeric() || inside_word {
            0
        } else if c.is_whitespace() {
            1
        } else {
            2
        }
    };
    let mut tokens = Vec::new();
    let mut start = 0;
    for i in 1..chars.len() {
        let (previous, current) = (class(i - 1), class(i));
        if previous != current || current == 2 {
            tokens.push(&text[start..chars[i].0]);
            start = chars[i].0;
        }
    }
    if start < text.len() {
        tokens.push(&text[start..]);
    }
    tokens
}

/// Ends a change: what was deleted, then what was inserted. A side that
/// holds only the joining spaces had no change of its own.
fn flush(segments: &mut Vec<Segment>, deleted: &mut String, inserted: &mut String) {
    for (change, text) in [("delete", deleted), ("insert", inserted)] {
        if !text.trim().is_empty() {
            segments.push(Segment {
                change,
                text: text.clone(),
            });
        }
        text.clear();
    }
}

/// Elements that end a block of text.
const BLOCK_ELEMENTS: [&str; 18] = [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "td",
    "th",
    "tr",
    "table",
    "blockquote",
    "pre",
    "dt",
    "dd",
];

/// The text blocks of a body's HTML, whitespace collapsed, entities decoded.
fn blocks(html: &str) -> Vec<Block> {
    use crate::render::html_walk::{Piece, walk};
    let mut blocks = Vec::new();
    let mut text = String::new();
    let mut heading = false;
    walk(html, |piece| match piece {
        Piece::Text(html_text) => push_text(&mut text, html_text),
        Piece::Tag { name, closing, .. } => {
            if BLOCK_ELEMENTS.contains(&name.as_str()) || name == "br" {
                end_block(&mut blocks, &mut text, heading);
                heading =
                    !closing && matches!(name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
            }
        }
    });
    end_block(&mut blocks, &mut text, heading);
    blocks
}

fn end_block(blocks: &mut Vec<Block>, text: &mut String, heading: bool) {
    let trimmed = text.trim();
    if !trimmed.is_empty() {
        blocks.push(Block {
            heading,
            text: trimmed.to_string(),
        });
    }
    text.clear();
}

/// Appends HTML text, decoding the entities pulldown-cmark writes and
/// collapsing whitespace.
fn push_text(out: &mut String, html_text: &str) {
    let decoded = html_text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    for c in decoded.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(blocks: &[DiffBlock]) -> String {
        blocks
            .iter()
            .map(|b| match b.kind {
                "unchanged" => format!("… {} …", b.skipped),
                _ => b
                    .segments
                    .iter()
                    .map(|s| match s.change {
                        "insert" => format!("[+{}]", s.text),
                        "delete" => format!("[-{}]", s.text),
                        _ => s.text.clone(),
                    })
                    .collect::<String>(),
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }

    fn check(old: &str, new: &str, expected: &str) {
        assert_eq!(show(&compare(old, new)), expected);
    }

    #[test]
    fn html_is_cut_into_decoded_blocks() {
        let b = blocks(
            "<h2 id=\"a\">Ziele &amp; Zweck</h2>\n<p>Ein <em>kurzer</em>\nText.</p><ul><li>eins</li><li>zwei</li></ul>",
        );
        let texts: Vec<(&str, bool)> = b.iter().map(|b| (b.text.as_str(), b.heading)).collect();
        assert_eq!(
            texts,
            [
                ("Ziele & Zweck", true),
                ("Ein kurzer Text.", false),
                ("eins", false),
                ("zwei", false)
            ]
        );
    }

    #[test]
    fn tokens_keep_numbers_and_compounds_whole() {
        assert_eq!(
            tokens("WCAG 2.1, E-Akte: ja."),
            ["WCAG", " ", "2.1", ",", " ", "E-Akte", ":", " ", "ja", "."]
        );
        assert!(tokens("").is_empty());
    }

    #[test]
    fn same_text_gives_no_diff() {
        assert!(compare("<p>Gleich.</p>", "<p>Gleich.</p>").is_empty());
    }

    #[test]
    fn changed_words_are_marked_within_the_paragraph() {
        check(
            "<p>Formulare müssen mit der Tastatur bedienbar sein.</p>",
            "<p>Formulare müssen vollständig mit der Tastatur bedienbar sein.</p>",
            "Formulare müssen [+vollständig ]mit der Tastatur bedienbar sein.",
        );
        check(
            "<p>Es gilt WCAG 2.1 in Stufe AA.</p>",
            "<p>Es gilt WCAG 2.2 in Stufe AA.</p>",
            "Es gilt WCAG [-2.1][+2.2] in Stufe AA.",
        );
    }

    #[test]
    fn neighbouring_changed_words_read_as_one_replacement() {
        check(
            "<p>Darüber entscheidet der Rat bis Ende Juni.</p>",
            "<p>Darüber entscheidet die Kommission bis Ende Juni.</p>",
            "Darüber entscheidet [-der Rat][+die Kommission] bis Ende Juni.",
        );
    }

    #[test]
    fn unchanged_blocks_are_counted_and_the_heading_above_a_change_is_kept() {
        check(
            "<p>Eins.</p><p>Zwei.</p><h2>Drei</h2><p>Alt.</p>",
            "<p>Eins.</p><p>Zwei.</p><h2>Drei</h2><p>Neu.</p>",
            "… 2 … | Drei | [-Alt][+Neu].",
        );
        check(
            "<p>Weg damit.</p><p>Bleibt.</p>",
            "<p>Bleibt.</p>",
            "[-Weg damit.] | … 1 …",
        );
    }

    #[test]
    fn punctuation_is_not_part_of_the_changed_word() {
        check(
            "<p>Antworten kommen als JSON.</p>",
            "<p>Antworten kommen als JSON oder XML.</p>",
            "Antworten kommen als JSON[+ oder XML].",
        );
    }

    #[test]
    fn unrelated_text_is_replaced_whole() {
        check(
            "<p>Alles anders.</p>",
            "<p>Völlig neuer Wortlaut hier.</p>",
            "[-Alles anders.][+Völlig neuer Wortlaut hier.]",
        );
    }
}
