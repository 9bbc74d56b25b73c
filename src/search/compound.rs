//! The parts of German compounds, so that „Zugang“ finds
//! „Onlinezugangsgesetz“ and „Mangel“ finds „Fachkräftemangel“.
//!
//! A compound's parts meet at a syllable boundary, which German
//! hyphenation patterns find (`hypher`, TeX's German patterns). Most
//! syllable boundaries are not a part's boundary, though („Ko-ope-ra-ti-on“),
//! so a boundary counts only with evidence:
//! - what follows is a word of the site on its own („…büro“ in
//!   „Bürgerbüro“), or
//! - what comes before is a word of the site, with or without a linking
//!   element -s-, -es-, -n-, -en- („Kooperations|vereinbarung“), or
//! - what comes before ends in the linking -s- or -es- and both sides are
//!   long („Onlinezugangs|gesetz“, even where „Zugang“ is written nowhere
//!   else). Not -n-: too many syllables end in n („Verein|barung“).
//!
//! A compound is indexed under every part that starts at such a boundary
//! and runs to its end: „zugangsgesetz“ and „gesetz“ for
//! „Onlinezugangsgesetz“. The browser matches a query word against the
//! start of a word, so „Zugang“ finds the part „zugangsgesetz“, and
//! „Gesetz“ the part „gesetz“. Parts are marked in the index and rank
//! below whole words.

use hypher::{Lang, hyphenate};

/// Words shorter than this are not split.
const MIN_COMPOUND_CHARS: usize = 8;
/// The shortest first part and the shortest indexed part.
const MIN_HEAD_CHARS: usize = 3;
const MIN_PART_CHARS: usize = 4;
/// A part after a bare linking element, without a known word on either
/// side, must be this long.
const MIN_LINKED_PART_CHARS: usize = 5;
/// Linking elements (Fugenelemente), longest first.
const LINKS: [&str; 4] = ["es", "en", "s", "n"];
/// The linking elements that mark a boundary on their own.
const STRONG_LINKS: [&str; 2] = ["es", "s"];

/// The parts of the lower-case German `word` that start at a part's
/// boundary and run to its end, longest first. `known` says whether a
/// lower-case word is a word of the site on its own.
pub fn parts(word: &str, known: &dyn Fn(&str) -> bool) -> Vec<String> {
    let chars = word.chars().count();
    if chars < MIN_COMPOUND_CHARS || !word.chars().all(char::is_alphabetic) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut at = 0;
    let mut head_chars = 0;
    for syllable in hyphenate(word, Lang::German) {
        if at > 0 {
            let (head, rest) = word.split_at(at);
            let rest_chars = chars - head_chars;
            if head_chars >= MIN_HEAD_CHARS
                && rest_chars >= MIN_PART_CHARS
                && boundary(head, head_chars, rest, rest_chars, known)
            {
                found.push(rest.to_string());
            }
        }
        at += syllable.len();
        head_chars += syllable.chars().count();
    }
    found
}

/// Whether `head|rest` is a boundary between parts.
fn boundary(
    head: &str,
    head_chars: usize,
    rest: &str,
    rest_chars: usize,
    known: &dyn Fn(&str) -> bool,
) -> bool {
    if known(rest) || (head_chars >= MIN_PART_CHARS && known(head)) {
        return true;
    }
    LINKS.iter().any(|link| {
        head.strip_suffix(link).is_some_and(|stem| {
            let stem_chars = head_chars - link.len();
            stem_chars >= MIN_PART_CHARS
                && (known(stem)
                    || (STRONG_LINKS.contains(link) && rest_chars >= MIN_LINKED_PART_CHARS))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(word: &str, vocabulary: &[&str], expected: &[&str]) {
        let known = |w: &str| vocabulary.contains(&w);
        assert_eq!(parts(word, &known), expected, "{word}");
    }

    #[test]
    fn a_linking_element_marks_a_boundary_even_without_a_known_word() {
        check("onlinezugangsgesetz", &[], &["gesetz"]);
        check(
            "onlinezugangsgesetz",
            &["online"],
            &["zugangsgesetz", "gesetz"],
        );
    }

    #[test]
    fn a_known_word_on_either_side_marks_a_boundary() {
        check("fachkräftemangel", &["fachkräfte"], &["mangel"]);
        check(
            "fachkräftemangel",
            &["fach", "mangel"],
            &["kräftemangel", "mangel"],
        );
        check("bürgerbüro", &["bürger"], &["büro"]);
        check(
            "kooperationsvereinbarung",
            &["kooperation"],
            &["vereinbarung"],
        );
    }

    #[test]
    fn syllables_alone_are_no_parts() {
        check("kooperation", &[], &[]);
        check("verwendung", &[], &[]);
        check("digitalisierung", &["digital"], &[]);
        check("vereinbarung", &[], &[]);
        check("kooperationsvereinbarung", &[], &["vereinbarung"]);
    }

    #[test]
    fn short_words_numbers_and_mixed_words_are_not_split() {
        check("gesetz", &["ge"], &[]);
        check("ozg2024gesetz", &["gesetz"], &[]);
    }
}
