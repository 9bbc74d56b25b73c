//! Folding: the one spelling under which the index keeps a word and the
//! browser looks a query word up, so that readers find „Bürgerbüro“ by
//! typing `buergerbuero` and „Straße“ by `strasse`, and the other way round.
//!
//! Folding lower-cases, writes ä, ö, ü as ae, oe, ue and ß as ss (the German
//! way, as slugs do), and takes the accents off other Latin letters (é → e,
//! ø → o). Because the index and the query are both folded, `ue` in a query
//! finds ü in a text and ü in a query finds `ue`; nothing is ever unfolded.
//!
//! The browser folds with the same table: [`table_json`] is written into
//! `engine.js` at build time, so the rule lives here only.

/// The Latin letters with diacritics that are folded besides ä, ö, ü, ß:
/// Latin-1 Supplement to Latin Extended-B.
const LATIN: std::ops::RangeInclusive<char> = '\u{c0}'..='\u{24f}';

/// Appends the folded `word`.
pub fn push_folded(word: &str, out: &mut String) {
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        return;
    }
    for c in word.chars().flat_map(char::to_lowercase) {
        match folded_char(c) {
            Some(text) => out.push_str(text),
            None => out.push(c),
        }
    }
}

/// The folded `word` as a new string.
pub fn folded(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 4);
    push_folded(word, &mut out);
    out
}

/// What a lower-case character folds to, when it is not itself.
fn folded_char(c: char) -> Option<&'static str> {
    match c {
        'ä' => Some("ae"),
        'ö' => Some("oe"),
        'ü' => Some("ue"),
        'ß' => Some("ss"),
        c if LATIN.contains(&c) => {
            let plain = deunicode::deunicode_char(c)?;
            let letters = !plain.is_empty() && plain.bytes().all(|b| b.is_ascii_lowercase());
            letters.then_some(plain)
        }
        _ => None,
    }
}

/// The fold table for the browser: a JSON object from each lower-case
/// character that folds to what it folds to.
pub fn table_json() -> String {
    let table: std::collections::BTreeMap<String, &str> = LATIN
        .chain(['ß'])
        .flat_map(char::to_lowercase)
        .filter_map(|c| folded_char(c).map(|f| (c.to_string(), f)))
        .collect();
    serde_json::to_string(&table).unwrap_or_else(|_| "{}".to_string())
}

/// A Snowball stem in the folded spelling of its word.
///
/// The German stemmer writes ä, ö, ü as a, o, u and ß as ss, so its stem
/// of „Bürgerbüros“ (`burgerburo`) is not a prefix of the folded word
/// (`buergerbueros`). The stem is a prefix of the lower-case word letter by
/// letter, though; that prefix, folded, is the stem the browser can compare
/// with a folded query. A stem that is not such a prefix (English `happi`
/// of `happy`) is folded as it is.
pub fn folded_stem(lower: &str, stem: &str) -> String {
    let mut rest = stem;
    let mut end = 0;
    for (at, c) in lower.char_indices() {
        if rest.is_empty() {
            break;
        }
        let plain = match c {
            'ä' => "a",
            'ö' => "o",
            'ü' => "u",
            'ß' => "ss",
            _ => &lower[at..at + c.len_utf8()],
        };
        match rest.strip_prefix(plain) {
            Some(after) => {
                rest = after;
                end = at + c.len_utf8();
            }
            None => return folded(stem),
        }
    }
    if rest.is_empty() {
        folded(&lower[..end])
    } else {
        folded(stem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn umlauts_and_sharp_s_are_written_out_and_case_is_dropped() {
        assert_eq!(folded("Bürgerbüro"), "buergerbuero");
        assert_eq!(folded("STRASSE"), "strasse");
        assert_eq!(folded("Straße"), "strasse");
        assert_eq!(folded("Öffentlich"), "oeffentlich");
        assert_eq!(folded("Fachkräftemangel"), "fachkraeftemangel");
        // What readers type without umlauts is already folded.
        assert_eq!(folded("Fachkraeftemangel"), "fachkraeftemangel");
    }

    #[test]
    fn other_accents_are_taken_off_and_other_scripts_kept() {
        assert_eq!(folded("Café"), "cafe");
        assert_eq!(folded("Øresund"), "oresund");
        assert_eq!(folded("Ærø"), "aero");
        assert_eq!(folded("Łódź"), "lodz");
        assert_eq!(folded("Καλημέρα"), "καλημέρα");
        assert_eq!(folded("12/2025"), "12/2025");
    }

    #[test]
    fn the_browser_table_holds_every_folded_letter() {
        let table: std::collections::BTreeMap<String, String> =
            serde_json::from_str(&table_json()).unwrap_or_default();
        assert_eq!(table.get("ä").map(String::as_str), Some("ae"));
        assert_eq!(table.get("é").map(String::as_str), Some("e"));
        assert_eq!(table.get("ß").map(String::as_str), Some("ss"));
        assert!(!table.contains_key("a") && !table.contains_key("É"));
        for (from, to) in &table {
            assert_eq!(&folded(from), to);
        }
    }

    #[test]
    fn stems_are_spelled_like_their_folded_words() {
        assert_eq!(folded_stem("bürgerbüros", "burgerburo"), "buergerbuero");
        assert_eq!(folded_stem("straßen", "strass"), "strass");
        assert_eq!(folded_stem("vereinbarungen", "vereinbar"), "vereinbar");
        assert_eq!(folded_stem("happy", "happi"), "happi");
    }
}
