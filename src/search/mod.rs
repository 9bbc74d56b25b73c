//! The search stage: the site's pages → a full-text search index per
//! language, served as static files and searched in the browser.
//!
//! Runs after `render` and before `output` (see `pipeline::run_stages`) and
//! never touches the disk: the index comes back as [`OutputFile`]s that
//! `output` writes with everything else. `serve` skips it.
//!
//! What is indexed is decided here, from the model, not by the theme:
//! press releases (title, tags, subtitle, summary, body), plain pages
//! (title, summary, body), and each
//! standard at its permanent address (id, title, summary and the body of
//! the version that address shows). Listings, version pages, redirects and
//! 404 pages are never indexed. Body text comes from the Markdown stage's
//! HTML (`text::html_to_text`), so contacts, boilerplate and navigation
//! of the theme never pollute results.
//!
//! ## The bundle
//!
//! Each language gets its own folder below [`BUNDLE_DIR`], so a search on
//! the English search page can only find English pages:
//!
//! - `engine.js`: the search engine, an ES module the theme's search page
//!   imports; `search(query)` resolves to `{ results }`, each result with a
//!   `score` and `data()` resolving to `{ url, meta, excerpt }`.
//! - `index.json`: the number of pages, the page-chunk size, and the list
//!   of word shards.
//! - `s/<key>.json`: the words whose first characters are `key` (hex of
//!   their UTF-8), each as `[word, stem or "", [page, weight, …]]`, pages
//!   as gaps to the previous one. A shard
//!   over [`SHARD_BYTES`] is split by one more character, so a reader
//!   loads only the few kilobytes a query needs, on sites of any size.
//! - `p/<n>.json`: [`PAGES_PER_CHUNK`] pages each: address, title, kind,
//!   date and the plain text for the excerpt.
//!
//! ## Matching and stemming
//!
//! Words are runs of letters and digits, lower-cased, at least two
//! characters long. Each indexed word carries its Snowball stem (German and
//! English; other languages are not stemmed). The browser needs no stemmer
//! of its own: a query word matches an indexed word that is the same, that
//! starts with it (compounds: „Verwaltung“ finds „Verwaltungsportal“), or
//! whose stem the query word starts with, give or take an ending of up to
//! five letters („Kooperationen“ finds „Kooperation“, stem „kooperation“;
//! „Vereinbarungen“ finds „Vereinbarung“, stem „vereinbar“). Several words
//! must all match. A page's weight for a word follows BM25 (frequency
//! against page length) plus a bonus when the word is in the title; the
//! browser multiplies it by the word's rarity across the index.
//!
//! We first used the Pagefind library here. It indexes one page at a time
//! per language and compresses every file at gzip's highest level, which
//! cost 94 s and 8 GB for the 22,000 pages of the 10,000-release benchmark
//! (issue 8); this index takes a fraction of a second for the same pages.

mod text;

use std::path::PathBuf;

use pagefind_stem::{Algorithm, Stemmer};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::config::Lang;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::register::RegisteredStandard;
use crate::model::{Page, Site};
use crate::parse::Kind;
use crate::render::theme::Strings;
use crate::render::{Output, OutputFile};
use crate::site_path::SitePath;

/// The folder below the output root that holds one bundle per language.
pub const BUNDLE_DIR: &str = "search-index";

/// Pages per `p/<n>.json`: a result list of ten loads at most ten chunks.
pub const PAGES_PER_CHUNK: usize = 10;

/// A word shard larger than this is split by one more character.
pub const SHARD_BYTES: usize = 48 * 1024;

/// Words longer than this are not indexed (hashes, long identifiers).
const MAX_WORD_CHARS: usize = 40;

/// Weight bonus of a word that is in the title, on the scale of BM25's
/// frequency part (which stays below `K1 + 1`).
const TITLE_BONUS: f64 = 1.0;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The search engine the browser runs.
const ENGINE: &str = include_str!("engine.js");

/// Site-relative URL of the bundle of `lang`: `/search-index/de/`.
pub fn bundle_url(lang: &Lang) -> String {
    format!("/{BUNDLE_DIR}/{lang}/")
}

/// One page as the index keeps it, and as `p/<n>.json` delivers it.
#[derive(Debug, Serialize)]
struct Record {
    /// Link target with base path.
    url: String,
    title: String,
    /// "Pressemitteilung", "Standard HUB-STD-0001 · in Kraft".
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    /// ISO date and the same date as readers write it.
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_text: Option<String>,
    /// Subtitle, summary and body as plain text, for the excerpt.
    text: String,
    /// Words that count as in the title, besides the title: a release's
    /// tags, a standard's id.
    #[serde(skip)]
    title_extra: String,
}

/// Builds the index of every language and adds its files to `output`,
/// keeping it sorted. `strings` gives the kind labels ("Pressemitteilung")
/// in each language. A file that collides with the bundle is an error.
pub fn add_index(site: &Site, strings: &Strings, output: &mut Output) -> Vec<Diagnostic> {
    merge(output, index(site, strings))
}

/// The bundle files of every language.
pub fn index(site: &Site, strings: &Strings) -> Vec<OutputFile> {
    let languages: Vec<&Lang> = site.config.languages.iter().map(|l| &l.code).collect();
    languages
        .par_iter()
        .flat_map_iter(|lang| {
            let records = records(site, strings, lang);
            bundle(lang, &records)
        })
        .collect()
}

/// The indexed pages of `lang`, by URL (the index must not depend on the
/// order in which pages were read).
fn records(site: &Site, strings: &Strings, lang: &Lang) -> Vec<Record> {
    let label = |key: &str| crate::render::theme::string(strings, lang, key).map(str::to_string);
    let mut records: Vec<Record> = site
        .pages
        .iter()
        .filter(|page| page.lang == *lang)
        .filter_map(|page| {
            let common = &page.doc.common;
            Some(match &page.doc.kind {
                // A release's tags are its keywords: they count as title.
                Kind::News(news) => record(
                    site,
                    page,
                    &page.url,
                    label("press_release"),
                    common.date.as_ref(),
                    news.subtitle.as_deref(),
                    common.tags.join(" "),
                ),
                Kind::Plain(_) => record(
                    site,
                    page,
                    &page.url,
                    None,
                    common.updated.as_ref(),
                    None,
                    String::new(),
                ),
                _ => return None,
            })
        })
        .collect();
    records.extend(
        site.register
            .standards
            .iter()
            .filter_map(|standard| standard_record(site, standard, lang, &label)),
    );
    records.sort_by(|a, b| a.url.cmp(&b.url));
    records
}

/// A standard at its permanent address in `lang`, with the version that
/// address shows; `None` when the standard has no page in `lang`.
fn standard_record(
    site: &Site,
    standard: &RegisteredStandard,
    lang: &Lang,
    label: &dyn Fn(&str) -> Option<String>,
) -> Option<Record> {
    let (Some(url), Some((shown, page))) = (standard.urls.get(lang), standard.shown_in(lang))
    else {
        return None;
    };
    let page = &site.pages[page.0];
    let status = standard.versions[shown].status;
    let kind = [
        label("standard"),
        Some(standard.id.to_string()),
        label(&format!("status_{}", status.key())),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let date = page.doc.common.date.as_ref();
    Some(record(
        site,
        page,
        url,
        Some(kind),
        date,
        None,
        standard.id.to_string(),
    ))
}

/// One page's record: its lead (subtitle, summary) and body as plain text.
fn record(
    site: &Site,
    page: &Page,
    url: &str,
    kind: Option<String>,
    date: Option<&crate::parse::dates::PubDate>,
    subtitle: Option<&str>,
    title_extra: String,
) -> Record {
    let mut body = String::new();
    for lead in [subtitle, page.doc.common.summary.as_deref()]
        .into_iter()
        .flatten()
    {
        body.push_str(lead);
        body.push('\n');
    }
    // Only the text counts: link addresses and image markup, which
    // render adds to the parsed body, are dropped with the tags anyway.
    text::html_to_text(&page.doc.body.html, &mut body);
    body.truncate(body.trim_end().len());
    Record {
        url: site.href(url),
        title: page.doc.common.title.clone(),
        kind,
        date: date.map(|d| d.iso()),
        date_text: date.map(|d| crate::render::functions::local_date(d.date, page.lang.as_str())),
        text: body,
        title_extra,
    }
}

/// One page's use of one word.
#[derive(Debug, Clone, Copy)]
struct Posting {
    page: u32,
    count: u32,
    in_title: bool,
}

impl Posting {
    fn new(page: u32, in_title: bool) -> Self {
        Posting {
            page,
            count: 1,
            in_title,
        }
    }
}

/// The bundle of one language.
fn bundle(lang: &Lang, records: &[Record]) -> Vec<OutputFile> {
    let counted = WordCount::of(records);
    let entries = counted.entries(lang);
    let mut files = Vec::new();
    let mut shards = Vec::new();
    shard(&entries, 2, SHARD_BYTES, &mut shards);
    let folder = format!("{BUNDLE_DIR}/{lang}");
    for (key, shard) in &shards {
        files.push(file(
            &folder,
            &format!("s/{key}.json"),
            shard.clone().into_bytes(),
        ));
    }
    for (n, chunk) in records.chunks(PAGES_PER_CHUNK).enumerate() {
        let json = serde_json::to_vec(chunk).unwrap_or_default();
        files.push(file(&folder, &format!("p/{n}.json"), json));
    }
    let meta = serde_json::json!({
        "format": 1,
        "language": lang.as_str(),
        "pages": records.len(),
        "chunk": PAGES_PER_CHUNK,
        "shards": shards.iter().map(|(key, _)| key).collect::<Vec<_>>(),
    });
    files.push(file(&folder, "index.json", meta.to_string().into_bytes()));
    files.push(file(&folder, "engine.js", ENGINE.as_bytes().to_vec()));
    files.into_iter().flatten().collect()
}

/// Every indexable word of one language's records with the pages that
/// use it, and each page's length in words.
struct WordCount {
    /// Lower-cased word → its postings, pages ascending.
    words: FxHashMap<String, Vec<Posting>>,
    /// Words per page (indexable or not), by page number.
    lengths: Vec<usize>,
}

impl WordCount {
    /// Counts the words of title, title extras and text of every record.
    fn of(records: &[Record]) -> WordCount {
        let mut counted = WordCount {
            words: FxHashMap::default(),
            lengths: Vec::with_capacity(records.len()),
        };
        let mut lower = String::new();
        for (page, record) in (0u32..).zip(records) {
            let mut length = 0;
            for (part, in_title) in [
                (&record.title, true),
                (&record.title_extra, true),
                (&record.text, false),
            ] {
                for (_, word) in text::words(part) {
                    length += 1;
                    if !indexable(word) {
                        continue;
                    }
                    lower.clear();
                    push_lowercase(word, &mut lower);
                    counted.add(&lower, page, in_title);
                }
            }
            counted.lengths.push(length);
        }
        counted
    }

    /// One use of a lower-cased word on `page`.
    fn add(&mut self, lower: &str, page: u32, in_title: bool) {
        // One lookup per word: a page's posting is the last one of the
        // word while the page is being read.
        match self.words.get_mut(lower) {
            Some(postings) => match postings.last_mut() {
                Some(last) if last.page == page => {
                    last.count += 1;
                    last.in_title |= in_title;
                }
                _ => postings.push(Posting::new(page, in_title)),
            },
            None => {
                self.words
                    .insert(lower.to_string(), vec![Posting::new(page, in_title)]);
            }
        }
    }

    /// The words as index entries with their stems and weights, sorted by
    /// word.
    fn entries(self, lang: &Lang) -> Vec<Entry> {
        let lengths = self.lengths;
        let average = lengths.iter().sum::<usize>() as f64 / lengths.len().max(1) as f64;
        let stemmer = stemmer(lang);
        let mut entries: Vec<Entry> = self
            .words
            .into_iter()
            .map(|(word, postings)| {
                let stem = match &stemmer {
                    Some(stemmer) => stemmer.stem(&word).into_owned(),
                    None => word.clone(),
                };
                let mut previous = 0;
                let weights: Vec<u32> = postings
                    .iter()
                    .flat_map(|p| {
                        let gap = p.page - previous;
                        previous = p.page;
                        [gap, weight(p, lengths[p.page as usize], average)]
                    })
                    .collect();
                Entry {
                    json: entry_json(&word, &stem, &weights),
                    word,
                }
            })
            .collect();
        entries.sort_by(|a, b| a.word.cmp(&b.word));
        entries
    }
}

/// Appends the lower-cased `word`.
fn push_lowercase(word: &str, out: &mut String) {
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// One indexed word and its JSON entry `["word","stem",[gap,weight,…]]`:
/// pages ascending, each as the difference to the one before (the first
/// to 0), so that numbers stay short.
struct Entry {
    word: String,
    json: String,
}

/// Whether a word is long enough to index and not too long.
fn indexable(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some() && chars.next().is_some() && word.chars().count() <= MAX_WORD_CHARS
}

/// The Snowball stemmer of the language, if it has one here.
fn stemmer(lang: &Lang) -> Option<Stemmer> {
    match lang.as_str().split('-').next() {
        Some("de") => Some(Stemmer::create(Algorithm::German)),
        Some("en") => Some(Stemmer::create(Algorithm::English)),
        _ => None,
    }
}

/// BM25's frequency part against the page length, plus the title bonus,
/// in tenths (1 to about 32) for compact JSON: ranking needs no more.
fn weight(posting: &Posting, length: usize, average: f64) -> u32 {
    let count = f64::from(posting.count);
    let norm = 1.0 - B + B * length as f64 / average.max(1.0);
    let mut weight = count * (K1 + 1.0) / (count + K1 * norm);
    if posting.in_title {
        weight += TITLE_BONUS;
    }
    ((weight * 10.0).round() as u32).max(1)
}

/// The JSON of one entry; the stem is left empty when it is the word.
fn entry_json(word: &str, stem: &str, weights: &[u32]) -> String {
    let stem = if stem == word { "" } else { stem };
    serde_json::to_string(&(word, stem, weights)).unwrap_or_default()
}

/// Groups sorted `entries` into shards by their first `depth` characters;
/// a group over `limit` bytes is split by one more character (its words of
/// exactly `depth` characters stay in a shard of their own).
fn shard(entries: &[Entry], depth: usize, limit: usize, out: &mut Vec<(String, String)>) {
    let mut start = 0;
    while start < entries.len() {
        let key = prefix(&entries[start].word, depth);
        let end = start
            + entries[start..]
                .iter()
                .take_while(|e| prefix(&e.word, depth) == key)
                .count();
        let group = &entries[start..end];
        let size: usize = group.iter().map(|e| e.json.len() + 1).sum();
        if size > limit && depth < MAX_WORD_CHARS {
            let short = group
                .iter()
                .take_while(|e| e.word.chars().count() <= depth)
                .count();
            if short > 0 {
                out.push((hex(key), join(&group[..short])));
            }
            shard(&group[short..], depth + 1, limit, out);
        } else {
            out.push((hex(key), join(group)));
        }
        start = end;
    }
}

/// The first `depth` characters of `word`.
fn prefix(word: &str, depth: usize) -> &str {
    word.char_indices()
        .nth(depth)
        .map_or(word, |(at, _)| &word[..at])
}

/// The hex of `text`'s UTF-8, a shard's file name.
fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The entries as one JSON array, one entry per line.
fn join(entries: &[Entry]) -> String {
    let mut json = String::from("[");
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            json.push_str(",\n");
        }
        json.push_str(&entry.json);
    }
    json.push(']');
    json
}

/// A file of the bundle. `None` is unreachable in practice: names are hex,
/// digits and fixed words, and site.yaml admits only language codes of
/// lower-case letters, digits and `-`.
fn file(folder: &str, name: &str, bytes: Vec<u8>) -> Option<OutputFile> {
    Some(OutputFile {
        path: SitePath::new(&format!("{folder}/{name}")).ok()?,
        content: crate::render::Content::Bytes(bytes),
        origin: None,
    })
}

/// Adds `files` to `output` and restores its order; a path that a page,
/// static file or asset already uses is an error.
fn merge(output: &mut Output, files: Vec<OutputFile>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let taken: std::collections::HashSet<SitePath> = output
        .files
        .iter()
        .filter(|file| file.path.as_str().starts_with(BUNDLE_DIR))
        .map(|file| file.path.clone())
        .collect();
    for file in files {
        if taken.contains(&file.path) {
            problems.push(Diagnostic::error(
                Code::OutputConflict,
                PathBuf::from(file.path.as_str()),
                format!(
                    "{} is part of the search index, but another file would be written there too",
                    file.path
                ),
                format!("rename the page, static file or asset below `{BUNDLE_DIR}/`"),
            ));
            continue;
        }
        output.files.push(file);
    }
    output.files.sort_by(|a, b| a.path.cmp(&b.path));
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(word: &str, postings: &[u32]) -> Entry {
        Entry {
            word: word.to_string(),
            json: entry_json(word, word, postings),
        }
    }

    #[test]
    fn an_entry_names_its_stem_only_when_it_differs() {
        assert_eq!(
            entry_json("kooperation", "kooperation", &[0, 12, 3, 20]),
            r#"["kooperation","",[0,12,3,20]]"#
        );
        assert_eq!(
            entry_json("vereinbarungen", "vereinbar", &[5, 9]),
            r#"["vereinbarungen","vereinbar",[5,9]]"#
        );
        assert_eq!(entry_json("\"x\"", "\"x\"", &[]), r#"["\"x\"","",[]]"#);
    }

    #[test]
    fn shards_are_keyed_by_the_hex_of_the_first_two_characters() {
        let entries = [
            entry("ab", &[0, 1]),
            entry("abc", &[0, 1]),
            entry("öl", &[0, 1]),
        ];
        let mut shards = Vec::new();
        shard(&entries, 2, 10_000, &mut shards);
        let keys: Vec<_> = shards.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(keys, ["6162", "c3b66c"]);
        assert_eq!(shards[0].1, "[[\"ab\",\"\",[0,1]],\n[\"abc\",\"\",[0,1]]]");
    }

    #[test]
    fn a_large_shard_is_split_by_one_more_character_keeping_every_word() {
        let words = [
            "di", "die", "dienst", "dienste", "digital", "digitale", "dx",
        ];
        let entries: Vec<_> = words.iter().map(|w| entry(w, &[0, 10, 1, 10])).collect();
        let mut shards = Vec::new();
        shard(&entries, 2, 60, &mut shards);
        let keys: Vec<_> = shards.iter().map(|(key, _)| key.clone()).collect();
        // "di" alone, then "die…" and "dig…" (split again where still too
        // large), "dx" needs no split.
        assert_eq!(keys.first().map(String::as_str), Some(hex("di").as_str()));
        assert!(keys.contains(&hex("dx")), "{keys:?}");
        assert!(keys.iter().all(|k| k.starts_with(&hex("d"))));
        let joined: String = shards.iter().map(|(_, json)| json.as_str()).collect();
        for word in words {
            assert_eq!(
                joined.matches(&format!("[\"{word}\"")).count(),
                1,
                "{word} in {joined}"
            );
        }
        // Every word's shard key is a prefix of the word.
        for (key, json) in &shards {
            let parsed: Vec<(String, String, Vec<u32>)> =
                serde_json::from_str(json).unwrap_or_default();
            assert!(!parsed.is_empty(), "{key}");
            for (word, _, _) in parsed {
                assert!(hex(&word).starts_with(key.as_str()), "{word} in {key}");
            }
        }
    }

    #[test]
    fn weights_grow_with_frequency_shrink_with_length_and_favour_titles() {
        let once = Posting::new(0, false);
        let thrice = Posting { count: 3, ..once };
        let titled = Posting::new(0, true);
        assert!(weight(&thrice, 100, 100.0) > weight(&once, 100, 100.0));
        assert!(weight(&once, 50, 100.0) > weight(&once, 200, 100.0));
        assert!(weight(&titled, 100, 100.0) > weight(&thrice, 100, 100.0));
        assert_eq!(weight(&once, 100, 100.0), 10);
    }

    #[test]
    fn german_and_english_are_stemmed_other_languages_not() {
        let de = stemmer(&Lang::new("de")).map(|s| s.stem("vereinbarungen").into_owned());
        assert_eq!(de.as_deref(), Some("vereinbar"));
        let en = stemmer(&Lang::new("en")).map(|s| s.stem("agreements").into_owned());
        assert_eq!(en.as_deref(), Some("agreement"));
        assert!(stemmer(&Lang::new("tr")).is_none());
    }
}
