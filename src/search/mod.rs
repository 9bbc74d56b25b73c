//! The search stage: the site's pages → a full-text search index per
//! language, served as static files and searched in the browser.
//!
//! Runs after `render` and before `output` (see `pipeline::run_stages`) and
//! never touches the disk: the index comes back as [`OutputFile`]s that
//! `output` writes with everything else. `serve` skips it.
//!
//! What is indexed is decided here, from the model, not by the theme:
//! press releases (title, tags, subtitle, summary, body, date and running
//! number), plain pages (title, summary, body), and each
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
//!   imports; `search(query)` resolves to `{ results, facets }`, each
//!   result with a `score`, its `facets` and `data()` resolving to
//!   `{ url, meta, excerpt, sub_results }`.
//! - `index.json`: the number of pages, the page-chunk size, the lists of
//!   word shards and of vocabulary files, and every page's facets
//!   (`facets.rs`).
//! - `s/<key>.json`: the words whose first characters are `key` (hex of
//!   their UTF-8), each as `[word, stem or "", postings]`, the postings
//!   being pages (as gaps to the previous one) and weights written in two
//!   or three characters a page (`postings_text`); a part of a compound
//!   has a fourth element, `1`. A shard over [`SHARD_BYTES`] is split by one more
//!   character, so a reader loads only the few kilobytes a query needs,
//!   on sites of any size.
//! - `v/<key>.json`: the whole words of four letters or more by their first
//!   characters, without pages: where the browser looks for a word one
//!   typo away from the query's; `e/<key>.json` the same words by their
//!   last characters (the key spells the end backwards). A typo leaves
//!   the start or the end whole, so the files a query word's start
//!   and end lead to hold every word one edit away (`typo_key_depth`).
//! - `p/<n>.json`: [`PAGES_PER_CHUNK`] page: address, title, kind, date,
//!   the plain text for the excerpt and where its headings' sections
//!   start (`anchors`, for sub-results).
//!
//! ## Matching
//!
//! Words are runs of letters and digits (`text::words`), folded
//! (`fold.rs`: lower case, ä → ae, ß → ss, é → e), at least two characters
//! long. Each indexed word carries its Snowball stem (German and English;
//! other languages are not stemmed), spelled folded. German compounds are
//! also indexed under their parts (`compound.rs`). The browser needs no
//! stemmer of its own: a query word matches an indexed word that is the
//! same, or whose stem the query word starts with, give or take an ending
//! of up to five letters and two fewer than the stem has („Kooperationen“
//! finds „Kooperation“, „Mangel“ not „man“); weaker, a
//! word that starts with it („Verwaltung“ finds „Verwaltungsportal“), a
//! part („Zugang“ finds „Onlinezugangsgesetz“), and, when the query word
//! is not itself an indexed word, a word one typo away (for query words of
//! five letters or more).
//! Several words must all match. A page's weight for a word follows BM25
//! (frequency against page length) plus a bonus when the word is in the
//! title; the browser multiplies it by the word's rarity across the index
//! and by how well the word matched.
//!
//! We first used the Pagefind library here. It indexes one page at a time
//! per language and compresses every file at gzip's highest level, which
//! cost 94 s and 8 GB for the 22,000 pages of the 10,000-release benchmark
//! (issue 8); this index takes a few seconds for the same pages.

mod compound;
mod facets;
mod fold;
mod text;

use std::path::PathBuf;

use pagefind_stem::{Algorithm, Stemmer};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::config::Lang;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::register::RegisteredStandard;
use crate::model::{Page, Site};
use crate::parse::Kind;
use crate::parse::dates::PubDate;
use crate::render::theme::Strings;
use crate::render::{Output, OutputFile};
use crate::site_path::SitePath;

use facets::{Facet, PageKind};

/// The folder below the output root that holds one bundle per language.
pub const BUNDLE_DIR: &str = "search-index";

/// Pages per `p/<n>.json`: a page of ten results loads ten small files,
/// not ten chunks of which it needs a tenth each (at 22,000 pages that
/// was 700 kB to 1 MB per query).
pub const PAGES_PER_CHUNK: usize = 1;

/// A word shard larger than this is split by one more character.
pub const SHARD_BYTES: usize = 48 * 1024;

/// A vocabulary file larger than this is split by one more character.
const VOCABULARY_BYTES: usize = 24 * 1024;

/// Words longer than this are not indexed (hashes, long identifiers).
const MAX_WORD_CHARS: usize = 40;

/// Whole words shorter than this are not in the vocabulary files: a typo
/// is looked for only in query words of five letters or more, which are
/// one edit from words of four or more.
const MIN_VOCABULARY_CHARS: usize = 4;

/// Weight bonus of a word that is in the title, on the scale of BM25's
/// frequency part (which stays below `K1 + 1`).
const TITLE_BONUS: f64 = 1.0;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The search engine the browser runs; [`FOLD_MARK`] in it is replaced by
/// the fold table.
const ENGINE: &str = include_str!("engine.js");
const FOLD_MARK: &str = "/*FOLD*/{}";

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
    /// `[at, id, heading]` of each heading with an id: where in `text`
    /// (UTF-16 units, as the browser counts) its section starts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    anchors: Vec<(usize, String, String)>,
    /// Words that count as in the title, besides the title: a release's
    /// tags and running number, a standard's id.
    #[serde(skip)]
    title_extra: String,
    /// Words found but not shown: a release's date as readers write it.
    #[serde(skip)]
    hidden: String,
    #[serde(skip)]
    facet: Facet,
}

/// The bundle files of every language. `strings` gives the kind labels
/// ("Pressemitteilung") in each language; [`merge`] adds them to the
/// rest of the output. One language after the other, each handed to
/// `sink` as soon as it is made: a build's sink writes the files and
/// keeps only their paths, so no more than one language's index is held
/// at a time, and of its pages' records only one batch (a thousand).
pub fn index(
    site: &Site,
    strings: &Strings,
    sink: &(dyn Fn(&mut [OutputFile]) + Sync),
) -> Vec<OutputFile> {
    index_in_batches(site, strings, sink, BATCH)
}

/// [`index`] with the pages' records made `batch` at a time.
fn index_in_batches(
    site: &Site,
    strings: &Strings,
    sink: &(dyn Fn(&mut [OutputFile]) + Sync),
    batch: usize,
) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for language in &site.config.languages {
        let indexed = indexed(site, &language.code);
        let pages = Pages {
            indexed: &indexed,
            batch,
        };
        bundle(site, strings, &language.code, pages, &mut |mut made| {
            // A build's sink compresses what it writes: in parallel.
            made.par_iter_mut()
                .for_each(|file| sink(std::slice::from_mut(file)));
            files.append(&mut made);
        });
    }
    files
}

/// How many pages' records (with their whole text) are made at a time.
/// Each batch is counted and written before the next is made, so a
/// language of 100,000 pages never holds all its texts at once.
const BATCH: usize = 1000;

/// A page the index shows, at its address with base path.
enum Indexed<'a> {
    Page(&'a Page),
    Standard(&'a RegisteredStandard),
}

/// The pages of one language's index, and how many records are made at
/// a time.
struct Pages<'a, 'b> {
    indexed: &'a [(String, Indexed<'b>)],
    batch: usize,
}

/// The indexed pages of `lang`, by URL (the index must not depend on the
/// order in which pages were read). Only the addresses are made here;
/// the records, batch by batch, in [`bundle`].
fn indexed<'a>(site: &'a Site, lang: &Lang) -> Vec<(String, Indexed<'a>)> {
    let mut indexed: Vec<(String, Indexed)> = site
        .pages
        .par_iter()
        .filter(|page| page.lang == *lang)
        .filter(|page| matches!(page.doc.kind, Kind::News(_) | Kind::Plain(_)))
        .map(|page| (site.href(&page.url), Indexed::Page(page)))
        .collect();
    indexed.extend(site.register.standards.iter().filter_map(|standard| {
        let (Some(url), Some(_)) = (standard.urls.get(lang), standard.shown_in(lang)) else {
            return None;
        };
        Some((site.href(url), Indexed::Standard(standard)))
    }));
    indexed.sort_by(|a, b| a.0.cmp(&b.0));
    indexed
}

/// The records of `batch`, in its order.
fn records(
    site: &Site,
    strings: &Strings,
    lang: &Lang,
    batch: &[(String, Indexed)],
) -> Vec<Record> {
    let label = |key: &str| crate::render::theme::string(strings, lang, key).map(str::to_string);
    batch
        .par_iter()
        .filter_map(|(_, indexed)| match indexed {
            Indexed::Page(page) => match &page.doc.kind {
                Kind::News(news) => Some(news_record(site, page, news, label("press_release"))),
                _ => Some(record(
                    site,
                    page,
                    &page.url,
                    None,
                    page.updated(),
                    None,
                    Facet {
                        kind: PageKind::Page,
                        associations: Vec::new(),
                        year: None,
                    },
                )),
            },
            Indexed::Standard(standard) => standard_record(site, standard, lang, &label),
        })
        .collect()
}

/// A press release: its tags and running number count as title; its date
/// is found as readers write it („20. Januar 2025“, „20.01.2025“).
fn news_record(
    site: &Site,
    page: &Page,
    news: &crate::parse::front_matter::News,
    label: Option<String>,
) -> Record {
    let common = &page.doc.common;
    let date = common.date.as_ref();
    let facet = Facet {
        kind: PageKind::News,
        associations: sorted(&news.associations),
        year: date.map(|d| d.date.year()),
    };
    let mut record = record(
        site,
        page,
        &page.url,
        label,
        date,
        news.subtitle.as_deref(),
        facet,
    );
    record.title_extra = common.tags.join(" ");
    // „Pressemitteilung 12/2025“, as the listings write it.
    if let Some(number) = site.news.numbers.get(&page.doc.translation_key) {
        record.title_extra.push_str(&format!(" {number}"));
        record.kind = record.kind.map(|kind| format!("{kind} {number}"));
    }
    if let Some(date) = date {
        let day = date.date;
        record.hidden = format!(
            "{} {:02}.{:02}.{}",
            record.date_text.as_deref().unwrap_or_default(),
            day.day(),
            day.month(),
            day.year()
        );
    }
    record
}

fn sorted(keys: &[String]) -> Vec<String> {
    let mut keys = keys.to_vec();
    keys.sort();
    keys.dedup();
    keys
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
    let associations = match &page.doc.kind {
        Kind::Standard(own) => sorted(&own.associations),
        _ => Vec::new(),
    };
    let facet = Facet {
        kind: PageKind::Standard,
        associations,
        year: date.map(|d| d.date.year()),
    };
    let mut record = record(site, page, url, Some(kind), date, None, facet);
    record.title_extra = standard.id.to_string();
    Some(record)
}

/// One page's record: its lead (subtitle, summary) and body as plain text.
fn record(
    site: &Site,
    page: &Page,
    url: &str,
    kind: Option<String>,
    date: Option<&PubDate>,
    subtitle: Option<&str>,
    facet: Facet,
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
    let mut anchors = Vec::new();
    text::html_to_text(&page.doc.body.html.text(), &mut body, &mut anchors);
    body.truncate(body.trim_end().len());
    Record {
        url: site.href(url),
        title: page.doc.common.title.clone(),
        kind,
        date: date.map(|d| d.iso()),
        date_text: date.map(|d| crate::render::functions::local_date(d.date, page.lang.as_str())),
        anchors: anchored_sections(&body, &anchors, &page.doc.body.headings),
        text: body,
        title_extra: String::new(),
        hidden: String::new(),
        facet,
    }
}

/// The anchors of `text` with their headings' text, their places counted
/// in UTF-16 units.
fn anchored_sections(
    text: &str,
    anchors: &[(usize, String)],
    headings: &[crate::parse::markdown::Heading],
) -> Vec<(usize, String, String)> {
    let mut units = 0;
    let mut counted = 0;
    let mut out = Vec::new();
    for (at, id) in anchors {
        let at = (*at).min(text.len());
        if at < counted || !text.is_char_boundary(at) {
            continue;
        }
        units += text[counted..at].encode_utf16().count();
        counted = at;
        let title = headings
            .iter()
            .find(|h| h.id == *id)
            .map(|h| h.text.clone());
        out.push((units, id.clone(), title.unwrap_or_default()));
    }
    out
}

/// One page's use of one word.
#[derive(Debug, Clone, Copy)]
struct Posting {
    page: u32,
    /// Uses on the page, up to 65,535: eight bytes a posting, and a
    /// language of 100,000 pages has about 30 million of them.
    count: u16,
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

/// The bundle of one language, handed to `out` in parts. The pages'
/// records are made, counted and written a batch at a time, and let go
/// of before the word lists are made: their text is the largest part.
fn bundle(
    site: &Site,
    strings: &Strings,
    lang: &Lang,
    pages: Pages,
    out: &mut dyn FnMut(Vec<OutputFile>),
) {
    let folder = format!("{BUNDLE_DIR}/{lang}");
    let mut counted = WordCount::with_capacity(pages.indexed.len());
    let mut facets: Vec<Facet> = Vec::with_capacity(pages.indexed.len());
    for batch in pages.indexed.chunks(pages.batch) {
        let records = records(site, strings, lang, batch);
        counted.add_records(&records);
        page_files(&folder, facets.len(), &records, out);
        facets.extend(records.into_iter().map(|record| record.facet));
    }
    let mut files = Vec::new();
    let vocabulary = counted.vocabulary();
    let entries = counted.entries(lang);
    let mut shards = Vec::new();
    shard(&entries, 2, SHARD_BYTES, &mut shards);
    drop(entries);
    let mut shard_keys = Vec::with_capacity(shards.len());
    for (key, shard) in shards {
        files.push(file(&folder, &format!("s/{key}.json"), shard.into_bytes()));
        shard_keys.push(key);
    }
    let (heads, ends) = vocabulary_files(&folder, vocabulary, &mut files);
    let label = |kind: PageKind| {
        crate::render::theme::string(strings, lang, kind.label_key())
            .unwrap_or(kind.key())
            .to_string()
    };
    let association = |key: &str| {
        site.config
            .associations
            .get(key)
            .map_or_else(|| key.to_string(), |a| a.name.clone())
    };
    let meta = serde_json::json!({
        "format": 3,
        "language": lang.as_str(),
        "pages": facets.len(),
        "chunk": PAGES_PER_CHUNK,
        "shards": shard_keys,
        "vocabulary": heads,
        "vocabulary_ends": ends,
        "facets": facets::table(&facets, &label, &association),
    });
    files.push(file(&folder, "index.json", meta.to_string().into_bytes()));
    let engine = ENGINE.replacen(FOLD_MARK, &fold::table_json(), 1);
    files.push(file(&folder, "engine.js", engine.into_bytes()));
    out(files.into_iter().flatten().collect());
}

/// The `p/<n>.json` files of `records`, whose first is page `first` of
/// the language, made in parallel and handed to `out` together.
fn page_files(
    folder: &str,
    first: usize,
    records: &[Record],
    out: &mut dyn FnMut(Vec<OutputFile>),
) {
    let first = first / PAGES_PER_CHUNK;
    let made = records
        .par_chunks(PAGES_PER_CHUNK)
        .enumerate()
        .map(|(n, chunk)| {
            let json = serde_json::to_vec(chunk).unwrap_or_default();
            file(folder, &format!("p/{}.json", first + n), json)
        });
    out(made.flatten().collect());
}

/// The vocabulary files of `words` (sorted): `v/<key>.json` by the words'
/// first characters and `e/<key>.json` by their last characters (the key
/// is the hex of the word's end read backwards). One edit leaves a word's
/// start or its end as it was, so the browser finds every word one typo
/// away from a query word in the files its start and its end lead to
/// (see [`typo_key_depth`]). Gives the keys of both.
fn vocabulary_files(
    folder: &str,
    words: Vec<Entry>,
    files: &mut Vec<Option<OutputFile>>,
) -> (Vec<String>, Vec<String>) {
    let mut keys = (Vec::new(), Vec::new());
    let [starts, ends] = vocabulary_lists(words, VOCABULARY_BYTES);
    for (lists, folder_name, keys) in [(starts, "v", &mut keys.0), (ends, "e", &mut keys.1)] {
        for (key, list) in lists {
            files.push(file(
                folder,
                &format!("{folder_name}/{key}.json"),
                list.into_bytes(),
            ));
            keys.push(key);
        }
    }
    keys
}

/// The vocabulary's lists by the words' starts and by their ends, each
/// as (key, JSON), split where a list grows over `limit` bytes.
fn vocabulary_lists(words: Vec<Entry>, limit: usize) -> [Vec<(String, String)>; 2] {
    let mut ends: Vec<Entry> = words
        .iter()
        .map(|entry| Entry {
            word: entry.word.chars().rev().collect(),
            json: entry.json.clone(),
        })
        .collect();
    ends.sort_by(|a, b| a.word.cmp(&b.word).then_with(|| a.json.cmp(&b.json)));
    let stays = |entry: &Entry, depth: usize| typo_key_depth(entry.word.chars().count()) <= depth;
    // Ends are keyed by one letter at first: two would make hundreds of
    // files of a few words on a small site.
    [(words, 2), (ends, 1)].map(|(entries, depth)| {
        let mut lists = Vec::new();
        let entries: Vec<&Entry> = entries.iter().collect();
        shard_by(&entries, depth, limit, &stays, &mut lists);
        lists
    })
}

/// How many characters of its start (and of its end) may choose the
/// vocabulary file of a word of `chars` characters: two, and in words of
/// seven or more as many as stay under half the word. In a word of five
/// or more the two keys then never touch the same letter or two
/// neighbours, so one edit (a letter changed, added, dropped, or two
/// swapped) leaves one of them whole in the query word; a word of four is
/// one edit from a query word of five only by a letter added, which
/// leaves one whole too.
fn typo_key_depth(chars: usize) -> usize {
    (chars.saturating_sub(1) / 2).max(2)
}

/// Every indexable word of one language's records with the pages that
/// use it, and each page's length in words.
struct WordCount {
    /// Folded word → one lower-case spelling of it (for stemming and
    /// hyphenation, which need the real letters) and its postings, pages
    /// ascending.
    words: FxHashMap<String, (String, Vec<Posting>)>,
    /// Words per page (indexable or not), by page number.
    lengths: Vec<usize>,
}

impl WordCount {
    fn with_capacity(pages: usize) -> WordCount {
        WordCount {
            words: FxHashMap::default(),
            lengths: Vec::with_capacity(pages),
        }
    }

    /// Counts the words of title, title extras, hidden words and text of
    /// `records`, the pages after those counted so far. A word of joined
    /// numbers („12/2025“) also counts as each of its numbers; words
    /// joined by hyphens („Online-Dienste“) also count as one word
    /// („onlinedienste“), as readers write them too.
    fn add_records(&mut self, records: &[Record]) {
        let mut folded = String::new();
        let first = u32::try_from(self.lengths.len()).unwrap_or(u32::MAX);
        for (page, record) in (first..).zip(records) {
            let mut length = 0;
            for (part, in_title) in [
                (&record.title, true),
                (&record.title_extra, true),
                (&record.hidden, false),
                (&record.text, false),
            ] {
                length += self.add_text(part, &mut folded, page, in_title);
            }
            self.lengths.push(length);
        }
    }

    /// Counts the words of one text of `page`; returns how many there were.
    fn add_text(&mut self, text: &str, folded: &mut String, page: u32, in_title: bool) -> usize {
        let mut length = 0;
        // The hyphenated chain being read: where it starts and ends.
        let mut chain: Option<(usize, usize)> = None;
        let mut joined = String::new();
        for (at, word) in text::words(text) {
            length += 1;
            self.add(word, folded, page, in_title);
            // Joined numbers start with a digit; most words do not.
            if word.as_bytes().first().is_some_and(u8::is_ascii_digit) && word.contains(['.', '/'])
            {
                for number in word.split(['.', '/']) {
                    self.add(number, folded, page, in_title);
                }
            }
            chain = match chain {
                Some((start, end)) if at == end + 1 && text.as_bytes()[end] == b'-' => {
                    Some((start, at + word.len()))
                }
                _ => {
                    self.add_chain(text, chain, &mut joined, folded, page, in_title);
                    Some((at, at + word.len()))
                }
            };
        }
        self.add_chain(text, chain, &mut joined, folded, page, in_title);
        length
    }

    /// Counts `text[start..end]` without its hyphens as one word, when it
    /// has any.
    fn add_chain(
        &mut self,
        text: &str,
        chain: Option<(usize, usize)>,
        joined: &mut String,
        folded: &mut String,
        page: u32,
        in_title: bool,
    ) {
        let Some(words) = chain.map(|(start, end)| &text[start..end]) else {
            return;
        };
        if words.contains('-') {
            joined.clear();
            joined.extend(words.split('-'));
            self.add(joined, folded, page, in_title);
        }
    }

    /// One use of `word` on `page`, when it is indexable.
    fn add(&mut self, word: &str, folded: &mut String, page: u32, in_title: bool) {
        if !indexable(word) {
            return;
        }
        folded.clear();
        fold::push_folded(word, folded);
        // One lookup per word: a page's posting is the last one of the
        // word while the page is being read.
        match self.words.get_mut(folded.as_str()) {
            Some((_, postings)) => match postings.last_mut() {
                Some(last) if last.page == page => {
                    last.count = last.count.saturating_add(1);
                    last.in_title |= in_title;
                }
                _ => postings.push(Posting::new(page, in_title)),
            },
            None => {
                let lower = word.to_lowercase();
                self.words
                    .insert(folded.clone(), (lower, vec![Posting::new(page, in_title)]));
            }
        }
    }

    /// The whole words of [`MIN_VOCABULARY_CHARS`] or more letters, as
    /// entries of the vocabulary files (a JSON string each), sorted.
    fn vocabulary(&self) -> Vec<Entry> {
        let mut words: Vec<Entry> = self
            .words
            .keys()
            .filter(|w| {
                w.chars().count() >= MIN_VOCABULARY_CHARS && w.chars().all(char::is_alphabetic)
            })
            .map(|w| Entry {
                json: serde_json::to_string(w).unwrap_or_default(),
                word: w.clone(),
            })
            .collect();
        words.sort_by(|a, b| a.word.cmp(&b.word));
        words
    }

    /// The words as index entries with their stems and weights, and in
    /// German the parts of compounds, sorted by word (a whole word before
    /// the part spelled the same).
    fn entries(self, lang: &Lang) -> Vec<Entry> {
        let lengths = self.lengths;
        let average = lengths.iter().sum::<usize>() as f64 / lengths.len().max(1) as f64;
        let weighted: Vec<Weighted> = self
            .words
            .into_iter()
            .map(|(folded, (lower, postings))| Weighted {
                pages: postings
                    .iter()
                    .map(|p| (p.page, weight(p, lengths[p.page as usize], average)))
                    .collect(),
                folded,
                lower,
            })
            .collect();
        let parts = if lang.as_str().split('-').next() == Some("de") {
            compound_parts(&weighted)
        } else {
            Vec::new()
        };
        let stemmer = stemmer(lang);
        let stem = |lower: &str| match &stemmer {
            Some(stemmer) => fold::folded_stem(lower, &stemmer.stem(lower)),
            None => fold::folded(lower),
        };
        let mut entries: Vec<(bool, Entry)> = weighted
            .iter()
            .map(|w| (false, w))
            .chain(parts.iter().map(|w| (true, w)))
            .map(|(part, w)| {
                let json = entry_json(&w.folded, &stem(&w.lower), &w.pages, part);
                (
                    part,
                    Entry {
                        word: w.folded.clone(),
                        json,
                    },
                )
            })
            .collect();
        entries.sort_by(|(a_part, a), (b_part, b)| a.word.cmp(&b.word).then(a_part.cmp(b_part)));
        entries.into_iter().map(|(_, entry)| entry).collect()
    }
}

/// A word (or part) with its pages and their weights, pages ascending.
struct Weighted {
    folded: String,
    lower: String,
    pages: Vec<(u32, u32)>,
}

/// The parts of the compounds among `words`, each with the pages of the
/// compounds it is part of (a page's best weight among them). A part is
/// checked against the site's own words (`compound::parts`).
fn compound_parts(words: &[Weighted]) -> Vec<Weighted> {
    let known_words: FxHashSet<&str> = words
        .iter()
        .filter(|w| w.folded.len() >= 4)
        .map(|w| w.folded.as_str())
        .collect();
    let known = |lower: &str| {
        lower.chars().count() >= 4 && known_words.contains(fold::folded(lower).as_str())
    };
    let mut parts: FxHashMap<String, (String, Vec<(u32, u32)>)> = FxHashMap::default();
    for word in words {
        for part in compound::parts(&word.lower, &known) {
            let entry = parts
                .entry(fold::folded(&part))
                .or_insert_with(|| (part, Vec::new()));
            entry.1.extend_from_slice(&word.pages);
        }
    }
    parts
        .into_iter()
        .map(|(folded, (lower, mut pages))| {
            // Best weight first within a page, then one posting per page.
            pages.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            pages.dedup_by_key(|p| p.0);
            Weighted {
                folded,
                lower,
                pages,
            }
        })
        .collect()
}

/// One indexed word and its JSON entry `["word","stem","postings"]`
/// (with a fourth element `1` for a part of compounds).
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
fn entry_json(word: &str, stem: &str, pages: &[(u32, u32)], part: bool) -> String {
    let stem = if stem == word { "" } else { stem };
    let postings = postings_text(pages);
    let json = if part {
        serde_json::to_string(&(word, stem, postings, 1))
    } else {
        serde_json::to_string(&(word, stem, postings))
    };
    json.unwrap_or_default()
}

/// Pages and weights as text, two characters for most pages (JSON numbers
/// took five or six, and the shards of common words were twice the size):
/// per page, the gap to the page before (the first page's to 0) in digits
/// of 32, least significant first, each but the last one marked by adding
/// 32; then the weight as one digit (at most 63).
fn postings_text(pages: &[(u32, u32)]) -> String {
    let mut out = String::with_capacity(pages.len() * 2);
    let mut previous = 0;
    for &(page, weight) in pages {
        let mut gap = page - previous;
        previous = page;
        while gap >= 32 {
            out.push(facets::digit(32 + gap % 32));
            gap /= 32;
        }
        out.push(facets::digit(gap));
        out.push(facets::digit(weight.min(63)));
    }
    out
}

/// Groups sorted `entries` into shards by their first `depth` characters;
/// a group over `limit` bytes is split by one more character (its words of
/// exactly `depth` characters stay in a shard of their own).
fn shard(entries: &[Entry], depth: usize, limit: usize, out: &mut Vec<(String, String)>) {
    let entries: Vec<&Entry> = entries.iter().collect();
    shard_by(&entries, depth, limit, &|_, _| false, out);
}

/// [`shard`], where a group that is split also keeps the entries that
/// `stays` says go no deeper than `depth` (besides the words of `depth`
/// characters) in the shard of its own key.
fn shard_by(
    entries: &[&Entry],
    depth: usize,
    limit: usize,
    stays: &dyn Fn(&Entry, usize) -> bool,
    out: &mut Vec<(String, String)>,
) {
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
            let (kept, deeper): (Vec<&Entry>, Vec<&Entry>) = group
                .iter()
                .partition(|e| e.word.chars().count() <= depth || stays(e, depth));
            if !kept.is_empty() {
                out.push((hex(key), join(&kept)));
            }
            shard_by(&deeper, depth + 1, limit, stays, out);
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
fn join(entries: &[&Entry]) -> String {
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
pub fn merge(output: &mut Output, files: Vec<OutputFile>) -> Vec<Diagnostic> {
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

    fn entry(word: &str, pages: &[(u32, u32)]) -> Entry {
        Entry {
            word: word.to_string(),
            json: entry_json(word, word, pages, false),
        }
    }

    /// Records are made, counted and written a batch at a time; the
    /// pages' numbers, the word lists and every file must not depend on
    /// where the batches end.
    #[test]
    fn the_index_is_the_same_whatever_the_batch() {
        let mut files = Vec::new();
        for n in 0..8 {
            files.push((
                format!("seiten/seite-{n}.md"),
                format!(
                    "---\ntitle: \"Seite {n}\"\nsummary: \"Thema {}\"\n---\n\n\
                     Die Verwaltung digitalisiert Antrag {n} mit Online-Diensten.\n",
                    n % 3
                ),
            ));
        }
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let site = crate::testing::site(&files);
        let strings = Strings::default();
        let whole = index_in_batches(&site, &strings, &|_| {}, BATCH);
        let pages = whole
            .iter()
            .filter(|f| f.path.as_str().contains("/p/"))
            .count();
        assert_eq!(
            pages,
            8,
            "{:?}",
            whole.iter().map(|f| f.path.as_str()).collect::<Vec<_>>()
        );
        for batch in [1, 2, 3] {
            assert!(
                index_in_batches(&site, &strings, &|_| {}, batch) == whole,
                "batch {batch}"
            );
        }
    }

    #[test]
    fn a_posting_takes_eight_bytes_and_its_count_stops_at_the_top() {
        assert_eq!(std::mem::size_of::<Posting>(), 8);
        let mut counted = WordCount::with_capacity(1);
        let mut folded = String::new();
        for _ in 0..70_000 {
            counted.add("Verwaltung", &mut folded, 0, false);
        }
        assert_eq!(counted.words["verwaltung"].1[0].count, u16::MAX);
    }

    #[test]
    fn an_entry_names_its_stem_only_when_it_differs() {
        assert_eq!(
            entry_json("kooperation", "kooperation", &[(0, 12), (3, 20)], false),
            r#"["kooperation","","0C3K"]"#
        );
        assert_eq!(
            entry_json("vereinbarungen", "vereinbar", &[(5, 9)], false),
            r#"["vereinbarungen","vereinbar","59"]"#
        );
        assert_eq!(
            entry_json("\"x\"", "\"x\"", &[], false),
            r#"["\"x\"","",""]"#
        );
    }

    #[test]
    fn pages_are_gaps_and_a_part_of_compounds_is_marked() {
        assert_eq!(
            entry_json("gesetz", "", &[(2, 10), (7, 14), (8, 9)], true),
            r#"["gesetz","","2A5E19",1]"#
        );
        // A gap of 32 or more takes more digits, all but the last marked
        // by 32: 40 = 8 + 1·32 → 32 + 8 ("e"), 1; 1000 = 8 + 31·32.
        assert_eq!(postings_text(&[(40, 3)]), "e13");
        assert_eq!(postings_text(&[(1000, 70)]), "eV_", "weights stop at 63");
    }

    #[test]
    fn shards_are_keyed_by_the_hex_of_the_first_two_characters() {
        let entries = [
            entry("ab", &[(0, 1)]),
            entry("abc", &[(0, 1)]),
            entry("öl", &[(0, 1)]),
        ];
        let mut shards = Vec::new();
        shard(&entries, 2, 10_000, &mut shards);
        let keys: Vec<_> = shards.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(keys, ["6162", "c3b66c"]);
        assert_eq!(
            shards[0].1,
            "[[\"ab\",\"\",\"01\"],\n[\"abc\",\"\",\"01\"]]"
        );
    }

    #[test]
    fn a_large_shard_is_split_by_one_more_character_keeping_every_word() {
        let words = [
            "di", "die", "dienst", "dienste", "digital", "digitale", "dx",
        ];
        let entries: Vec<_> = words
            .iter()
            .map(|w| entry(w, &[(0, 10), (1, 10)]))
            .collect();
        let mut shards = Vec::new();
        shard(&entries, 2, 40, &mut shards);
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
            let parsed: Vec<(String, String, String)> =
                serde_json::from_str(json).unwrap_or_default();
            assert!(!parsed.is_empty(), "{key}");
            for (word, _, _) in parsed {
                assert!(hex(&word).starts_with(key.as_str()), "{word} in {key}");
            }
        }
    }

    /// Every word one edit away from `word`: a letter changed (to x),
    /// added (an x), dropped, or two neighbours swapped, at any place.
    fn one_edit_from(word: &str) -> Vec<String> {
        let letters: Vec<char> = word.chars().collect();
        let text = |chars: &[char]| chars.iter().collect::<String>();
        let mut out = Vec::new();
        for at in 0..=letters.len() {
            let mut added = letters.clone();
            added.insert(at, 'x');
            out.push(text(&added));
            if at < letters.len() {
                let mut changed = letters.clone();
                changed[at] = if letters[at] == 'x' { 'y' } else { 'x' };
                out.push(text(&changed));
                let mut dropped = letters.clone();
                dropped.remove(at);
                out.push(text(&dropped));
            }
            if at + 1 < letters.len() {
                let mut swapped = letters.clone();
                swapped.swap(at, at + 1);
                out.push(text(&swapped));
            }
        }
        out
    }

    /// Words with many neighbours one edit away.
    const TYPO_WORDS: [&str; 27] = [
        "verwaltung",
        "verwalten",
        "verein",
        "vereinbarung",
        "vertrag",
        "verteilen",
        "versand",
        "vorgang",
        "vorlage",
        "zugang",
        "zugriff",
        "zeitung",
        "meldung",
        "werbung",
        "heizung",
        "reifen",
        "greifen",
        "teilung",
        "dienst",
        "dienste",
        "strasse",
        "trasse",
        "masse",
        "kasse",
        "nutzen",
        "netzen",
        "verweisen",
    ];

    /// Whether the browser finds `word` for `probe` in `lists`: in the
    /// files it loads (engine.js, `typoFiles`), those whose key the probe
    /// starts with, no deeper than a word one letter longer may be filed,
    /// and no kept list above where one a letter shorter may be, but the
    /// deepest.
    fn leads_to(lists: &[(String, String)], probe: &str, word: &str) -> bool {
        let chars = probe.chars().count();
        let mut chain: Vec<&(String, String)> = lists
            .iter()
            .filter(|(key, _)| hex(probe).starts_with(key.as_str()))
            .collect();
        chain.sort_by_key(|(key, _)| key.len());
        let deepest = chain.last().map(|(key, _)| key.len());
        chain.iter().any(|(key, json)| {
            let depth = key.len() / 2;
            depth <= typo_key_depth(chars + 1)
                && (depth >= typo_key_depth(chars - 1) || Some(key.len()) == deepest)
                && serde_json::from_str::<Vec<String>>(json)
                    .unwrap_or_default()
                    .iter()
                    .any(|w| w == word)
        })
    }

    #[test]
    fn every_word_one_edit_away_is_in_the_files_its_start_or_end_leads_to() {
        let mut sorted: Vec<&str> = TYPO_WORDS.to_vec();
        sorted.sort_unstable();
        let entries = sorted
            .iter()
            .map(|w| Entry {
                word: w.to_string(),
                json: serde_json::to_string(w).unwrap_or_default(),
            })
            .collect();
        // So small a limit that lists split by three and four letters.
        let [starts, ends] = vocabulary_lists(entries, 40);
        assert!(starts.iter().any(|(key, _)| key.len() >= 8), "{starts:?}");
        assert!(ends.iter().any(|(key, _)| key.len() >= 6), "{ends:?}");
        let mut tried = 0;
        for word in TYPO_WORDS {
            for typo in one_edit_from(word) {
                if typo.chars().count() < 5 {
                    continue;
                }
                tried += 1;
                let backwards: String = typo.chars().rev().collect();
                assert!(
                    leads_to(&starts, &typo, word) || leads_to(&ends, &backwards, word),
                    "{typo} does not lead to {word}"
                );
            }
        }
        assert!(tried > 500, "{tried}");
    }

    #[test]
    fn the_start_and_end_keys_of_a_word_leave_a_letter_between_them() {
        assert_eq!(typo_key_depth(4), 2);
        assert_eq!(typo_key_depth(5), 2);
        assert_eq!(typo_key_depth(6), 2);
        assert_eq!(typo_key_depth(7), 3);
        for chars in 5..40 {
            assert!(2 * typo_key_depth(chars) < chars, "{chars}");
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
