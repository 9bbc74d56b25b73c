//! The search stage: one index per language below `search-index/`,
//! holding press releases, plain pages and each standard's current version
//! at its permanent address, and nothing else (no listings, version pages,
//! redirects or 404 pages); the search page of a theme that has one.

use std::collections::BTreeSet;

use kommhub::Code;

use crate::support::{TestSite, news};

const NEWS_DE: &str = "---\ntitle: Presse\n---\n";
const NEWS_EN: &str = "---\ntitle: News\nslug: news\n---\n";

/// A site with releases, a plain page, a standard in two versions and an
/// alias, in German and English.
fn site() -> TestSite {
    TestSite::new()
        .file("content/_index.en.md", "---\ntitle: Home\n---\nWelcome.\n")
        .file("content/news/_index.md", NEWS_DE)
        .file("content/news/_index.en.md", NEWS_EN)
        .file(
            "content/news/2025-01-20-kooperation.md",
            "---\ntitle: \"Enge Zusammenarbeit\"\nassociations: [itk]\ncontact: presse\naliases: [\"/alt/kooperation/\"]\n---\n\nBeide Verbände unterzeichnen eine Kooperation.\n",
        )
        .file(
            "content/news/2025-01-20-kooperation.en.md",
            "---\ntitle: \"Close cooperation\"\nassociations: [itk]\ncontact: presse\n---\n\nBoth associations sign an agreement.\n",
        )
        .file("content/news/2025-02-01-nur-deutsch.md", &news("Nur auf Deutsch", "date: 2025-02-01\n"))
        .file("content/impressum.md", "---\ntitle: Impressum\n---\nAngaben nach § 5 DDG.\n")
        .file("content/standards/_index.md", "---\ntitle: Standards\n---\nDas Register.\n")
        .file(
            "content/standards/ozg/1.0.md",
            "---\ntitle: \"OZG-Schnittstelle\"\nid: HUB-STD-0001\nversion: \"1.0\"\nstatus: superseded\nadopted: 2025-03-01\nassociations: [itk]\n---\n\nDie erste Fassung.\n",
        )
        .file(
            "content/standards/ozg/1.1.md",
            "---\ntitle: \"OZG-Schnittstelle\"\nid: HUB-STD-0001\nversion: \"1.1\"\nstatus: adopted\nadopted: 2025-09-01\nassociations: [itk]\n---\n\nDie geltende Fassung.\n",
        )
}

/// The pages in the search index of `lang`, read from its page chunks.
fn indexed(site: &TestSite, lang: &str) -> Vec<serde_json::Value> {
    let meta = meta(site, lang);
    let pages = meta["pages"].as_u64().expect("pages") as usize;
    let chunk = meta["chunk"].as_u64().expect("chunk") as usize;
    let mut found = Vec::new();
    for n in 0..pages.div_ceil(chunk) {
        let text = site.read(&format!("public/search-index/{lang}/p/{n}.json"));
        let records: Vec<serde_json::Value> = serde_json::from_str(&text).expect("chunk");
        found.extend(records);
    }
    assert_eq!(found.len(), pages, "{meta}");
    found
}

fn indexed_urls(site: &TestSite, lang: &str) -> BTreeSet<String> {
    indexed(site, lang)
        .iter()
        .map(|record| record["url"].as_str().expect("url").to_string())
        .collect()
}

fn meta(site: &TestSite, lang: &str) -> serde_json::Value {
    serde_json::from_str(&site.read(&format!("public/search-index/{lang}/index.json")))
        .expect("index.json")
}

/// Every whole word's entry `[word, stem, postings]` of the word shards
/// of `lang`.
fn words(site: &TestSite, lang: &str) -> Vec<(String, String, Vec<u32>)> {
    entries(site, lang)
        .into_iter()
        .filter(|(_, _, _, part)| !part)
        .map(|(word, stem, postings, _)| (word, stem, postings))
        .collect()
}

/// Every entry of the word shards of `lang`, with whether it is a part of
/// compounds (`[word, stem, postings, 1]`).
fn entries(site: &TestSite, lang: &str) -> Vec<(String, String, Vec<u32>, bool)> {
    let meta = meta(site, lang);
    let mut found = Vec::new();
    for key in meta["shards"].as_array().expect("shards") {
        let key = key.as_str().expect("key");
        let text = site.read(&format!("public/search-index/{lang}/s/{key}.json"));
        let entries: Vec<serde_json::Value> = serde_json::from_str(&text).expect("shard");
        for entry in entries {
            found.push((
                entry[0].as_str().expect("word").to_string(),
                entry[1].as_str().expect("stem").to_string(),
                postings(entry[2].as_str().expect("postings")),
                entry.get(3).is_some(),
            ));
        }
    }
    found
}

/// Postings as `[gap, weight, gap, weight, …]`, read from their text:
/// per page the gap in digits of 32 (least significant first, all but the
/// last plus 32), then the weight as one digit.
fn postings(text: &str) -> Vec<u32> {
    let alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
    let digit = |c: char| alphabet.find(c).expect("digit") as u32;
    let mut out = Vec::new();
    let mut chars = text.chars();
    while let Some(first) = chars.next() {
        let (mut gap, mut scale, mut d) = (0, 1, digit(first));
        while d >= 32 {
            gap += (d - 32) * scale;
            scale *= 32;
            d = digit(chars.next().expect("more digits"));
        }
        gap += d * scale;
        out.push(gap);
        out.push(digit(chars.next().expect("weight")));
    }
    out
}

/// The pages (by address) of `word`'s entry, whole word or part.
fn pages_of(site: &TestSite, lang: &str, word: &str, part: bool) -> BTreeSet<String> {
    let urls: Vec<String> = indexed(site, lang)
        .iter()
        .map(|r| r["url"].as_str().unwrap_or_default().to_string())
        .collect();
    let Some((_, _, postings, _)) = entries(site, lang)
        .into_iter()
        .find(|(w, _, _, p)| w == word && *p == part)
    else {
        return BTreeSet::new();
    };
    let mut page = 0;
    postings
        .chunks(2)
        .map(|pair| {
            page += pair[0] as usize;
            urls[page].clone()
        })
        .collect()
}

#[test]
fn each_language_gets_its_own_index_and_the_engine() {
    let site = site().built();
    for lang in ["de", "en"] {
        let meta = meta(&site, lang);
        assert_eq!(meta["language"], lang, "{meta}");
        assert_eq!(meta["format"], 3, "{meta}");
        let engine = site.read(&format!("public/search-index/{lang}/engine.js"));
        assert!(engine.contains("export async function search"), "{lang}");
        assert!(!words(&site, lang).is_empty(), "{lang}");
    }
}

#[test]
fn german_words_carry_their_stems_and_english_words_theirs() {
    let site = site().built();
    let de = words(&site, "de");
    let stem = |entries: &[(String, String, Vec<u32>)], word: &str| {
        entries
            .iter()
            .find(|(w, _, _)| w == word)
            .map(|(_, stem, _)| stem.clone())
            .unwrap_or_else(|| panic!("{word} is not indexed"))
    };
    assert_eq!(stem(&de, "kooperation"), "", "its own stem");
    assert_eq!(stem(&de, "unterzeichnen"), "unterzeichn");
    let en = words(&site, "en");
    assert_eq!(stem(&en, "associations"), "associ");
    // German words are not in the English index and the other way round.
    assert!(!en.iter().any(|(w, _, _)| w == "kooperation"));
    assert!(!de.iter().any(|(w, _, _)| w == "agreement"));
}

/// Issue 20: readers type umlauts as ae/oe/ue and ß as ss, and look for a
/// part of a compound.
fn german_site() -> TestSite {
    TestSite::new()
        .file("content/news/_index.md", NEWS_DE)
        .file(
            "content/news/2025-01-20-ozg.md",
            "---\ntitle: \"Das Onlinezugangsgesetz\"\nassociations: [itk]\ncontact: presse\n---\n\nIm Bürgerbüro an der Straße hilft das Gesetz gegen den Fachkräftemangel.\n\n## Online-Dienste {#dienste}\n\nMehr Fachkräfte, weniger Mangel.\n",
        )
        .file("content/news/2025-03-02-zweite.md", &news("Zweite Meldung", "date: 2025-03-02\n"))
}

#[test]
fn words_are_indexed_folded_so_umlauts_and_sharp_s_meet_their_spellings() {
    let site = german_site().built();
    let words: BTreeSet<String> = words(&site, "de").into_iter().map(|(w, _, _)| w).collect();
    for folded in [
        "buergerbuero",
        "strasse",
        "fachkraeftemangel",
        "onlinezugangsgesetz",
        // „Online-Dienste“, as readers also write it.
        "onlinedienste",
    ] {
        assert!(words.contains(folded), "{folded} in {words:?}");
    }
    assert!(
        !words.iter().any(|w| w.contains(['ä', 'ö', 'ü', 'ß'])),
        "{words:?}"
    );
}

#[test]
fn vocabulary_files_list_words_by_their_start_and_by_their_end() {
    let site = german_site().built();
    let meta = meta(&site, "de");
    let read = |folder: &str, key: &str| -> Vec<String> {
        serde_json::from_str(&site.read(&format!("public/search-index/de/{folder}/{key}.json")))
            .expect("vocabulary file")
    };
    // „strasse“ by „st“ and by its last letter „e“; the browser finds
    // „strase“ in the first, „tsrasse“ and „trasse“ in the second.
    let starts = meta["vocabulary"].as_array().expect("vocabulary");
    assert!(starts.iter().any(|k| k == "7374"), "{meta}");
    assert!(read("v", "7374").contains(&"strasse".to_string()));
    let ends = meta["vocabulary_ends"].as_array().expect("ends");
    assert!(ends.iter().any(|k| k == "65"), "{meta}");
    assert!(read("e", "65").contains(&"strasse".to_string()));
    assert!(!read("e", "65").contains(&"gesetz".to_string()));
}

#[test]
fn compounds_are_also_indexed_under_their_parts_marked_as_parts() {
    let site = german_site().built();
    // „Onlinezugangs|gesetz“ (linking s), „Fachkräfte|mangel“ (both words
    // of the page on their own).
    assert_eq!(
        pages_of(&site, "de", "gesetz", true),
        BTreeSet::from(["/news/ozg/".to_string()])
    );
    assert_eq!(
        pages_of(&site, "de", "mangel", true),
        BTreeSet::from(["/news/ozg/".to_string()])
    );
    // The whole word „Mangel“ has an entry of its own.
    assert!(!pages_of(&site, "de", "mangel", false).is_empty());
    assert!(pages_of(&site, "de", "fachkraeftemangel", true).is_empty());
}

#[test]
fn a_release_is_found_by_its_date_year_and_running_number() {
    let site = german_site().built();
    let release = BTreeSet::from(["/news/ozg/".to_string()]);
    for word in ["1/2025", "januar", "20.01.2025"] {
        assert_eq!(pages_of(&site, "de", word, false), release, "{word}");
    }
    assert_eq!(pages_of(&site, "de", "2025", false).len(), 2);
}

#[test]
fn a_heading_with_an_id_gives_the_place_of_its_section() {
    let site = german_site().built();
    let record = indexed(&site, "de")
        .into_iter()
        .find(|r| r["url"] == "/news/ozg/")
        .expect("release");
    let anchor = &record["anchors"][0];
    assert_eq!(anchor[1], "dienste", "{record}");
    assert_eq!(anchor[2], "Online-Dienste", "{record}");
    let text: Vec<u16> = record["text"]
        .as_str()
        .unwrap_or_default()
        .encode_utf16()
        .collect();
    let at = anchor[0].as_u64().unwrap_or_default() as usize;
    assert_eq!(String::from_utf16_lossy(&text[at..at + 6]), "Online");
}

#[test]
fn every_page_carries_its_kind_associations_and_year_as_facets() {
    let site = site().built();
    let facets = &meta(&site, "de")["facets"];
    let kinds: Vec<&str> = facets["kind"]
        .as_array()
        .expect("kinds")
        .iter()
        .filter_map(|k| k[0].as_str())
        .collect();
    assert_eq!(kinds, ["news", "standard", "page"], "{facets}");
    let width = facets["width"].as_u64().expect("width") as usize;
    let pages = facets["pages"].as_str().expect("pages");
    let urls: Vec<String> = indexed(&site, "de")
        .iter()
        .map(|r| r["url"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(pages.len(), urls.len() * width);
    let alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
    let combo = |url: &str| {
        let at = urls.iter().position(|u| u == url).expect("url");
        let number = pages[at * width..(at + 1) * width]
            .chars()
            .fold(0, |n, c| n * 64 + alphabet.find(c).unwrap_or(0));
        facets["combos"][number].clone()
    };
    // [kind, [associations], year] as places in the lists.
    assert_eq!(combo("/news/kooperation/"), serde_json::json!([0, [0], 0]));
    assert_eq!(combo("/impressum/"), serde_json::json!([2, [], -1]));
    assert_eq!(facets["association"][0][0], "itk");
    assert_eq!(facets["year"][0][0], "2025");
}

#[test]
fn a_word_in_the_title_weighs_more_than_the_same_word_in_the_body() {
    let site = TestSite::new()
        .file("content/news/_index.md", NEWS_DE)
        .file("content/news/2025-01-20-a.md", &news("Haushalt beschlossen", "date: 2025-01-20\n"))
        .file(
            "content/news/2025-01-21-b.md",
            "---\ntitle: \"Anderes Thema\"\ndate: 2025-01-21\nassociations: [itk]\ncontact: presse\n---\n\nAuch der Haushalt kam vor.\n",
        )
        .built();
    let urls: Vec<_> = indexed(&site, "de")
        .iter()
        .map(|r| r["url"].as_str().unwrap_or_default().to_string())
        .collect();
    let (_, _, postings) = words(&site, "de")
        .into_iter()
        .find(|(w, _, _)| w == "haushalt")
        .expect("haushalt");
    let mut weight_of = std::collections::HashMap::new();
    let mut page = 0;
    for pair in postings.chunks(2) {
        page += pair[0] as usize;
        weight_of.insert(urls[page].clone(), pair[1]);
    }
    assert!(
        weight_of["/news/a/"] > weight_of["/news/b/"],
        "{weight_of:?}"
    );
}

#[test]
fn the_excerpt_text_is_the_body_without_markup_contacts_or_boilerplate() {
    let site = site().built();
    let records = indexed(&site, "de");
    let release = records
        .iter()
        .find(|r| r["url"] == "/news/kooperation/")
        .expect("release");
    assert_eq!(release["title"], "Enge Zusammenarbeit");
    assert_eq!(
        release["text"].as_str().map(str::trim),
        Some("Beide Verbände unterzeichnen eine Kooperation.")
    );
    assert_eq!(release["date"], "2025-01-20");
    let standard = records
        .iter()
        .find(|r| r["url"] == "/standards/hub-std-0001/")
        .expect("standard");
    assert!(
        standard["kind"]
            .as_str()
            .is_some_and(|k| k.contains("HUB-STD-0001")),
        "{standard}"
    );
    assert_eq!(
        standard["text"].as_str().map(str::trim),
        Some("Die geltende Fassung.")
    );
}

#[test]
fn releases_pages_and_current_standards_are_indexed_but_not_listings_redirects_or_404() {
    let site = site().built();
    let de = indexed_urls(&site, "de");
    assert_eq!(
        de.iter().map(String::as_str).collect::<Vec<_>>(),
        [
            "/impressum/",
            "/news/kooperation/",
            "/news/nur-deutsch/",
            "/standards/hub-std-0001/",
        ],
    );
    let en = indexed_urls(&site, "en");
    assert_eq!(
        en.iter().map(String::as_str).collect::<Vec<_>>(),
        ["/en/news/kooperation/"]
    );
    assert_eq!(meta(&site, "de")["pages"], 4);
    // What exists but must not be found: home, listings, the register, the
    // version pages, the redirect and the 404 page.
    for exists in [
        "public/index.html",
        "public/news/index.html",
        "public/standards/index.html",
        "public/standards/hub-std-0001/1.0/index.html",
        "public/standards/hub-std-0001/1.1/index.html",
        "public/alt/kooperation/index.html",
        "public/404.html",
    ] {
        assert!(site.exists(exists), "{exists}");
    }
}

#[test]
fn result_urls_carry_the_base_path_of_a_preview_deployment() {
    let site = site();
    site.build_with(|options| {
        options.base_url = Some("https://preview.example.org/pr-7".parse().expect("url"));
    })
    .unwrap();
    assert!(indexed_urls(&site, "en").contains("/pr-7/en/news/kooperation/"));
}

#[test]
fn a_theme_with_search_html_gets_a_search_page_per_language_linked_as_site_search_url() {
    let site = site()
        .file(
            "themes/hub/templates/search.html",
            "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1><form data-bundle=\"{{ page.bundle_url }}\"></form><p class=\"link\">{{ site.search_url }}</p>{% for g in page.facet_links %}<ul class=\"{{ g.name }}\">{% for l in g.links %}<li><a href=\"{{ l.url }}\">{{ l.title }}</a></li>{% endfor %}</ul>{% endfor %}{% endblock content %}",
        )
        .file("themes/hub/i18n/de.yaml", &format!("{}search_title: Suche\n", fixture_strings("de")))
        .file("themes/hub/i18n/en.yaml", &format!("{}search_title: Search\n", fixture_strings("en")))
        .built();
    let de = site.main_of("public/suche/index.html");
    assert!(de.contains("<h1>Suche</h1>"), "{de}");
    assert!(de.contains("data-bundle=\"/search-index/de/\""), "{de}");
    assert!(de.contains("<p class=\"link\">/suche/</p>"), "{de}");
    // Without JavaScript, the filters are links to the listings.
    assert!(
        de.contains("<ul class=\"year\"><li><a href=\"/news/2025/\">2025</a></li></ul>"),
        "{de}"
    );
    assert!(
        de.contains("<ul class=\"association\"><li><a href=\"/news/"),
        "{de}"
    );
    let en = site.read("public/en/search/index.html");
    assert!(en.contains("<h1>Search</h1>"), "{en}");
    assert!(en.contains("data-bundle=\"/search-index/en/\""), "{en}");
    assert!(
        en.contains("hreflang=\"de\" href=\"https://hub.example.org/suche/\""),
        "{en}"
    );
    // The search page itself is not indexed.
    assert!(!indexed_urls(&site, "de").contains("/suche/"));
}

#[test]
fn a_theme_without_search_html_gets_no_search_page() {
    let site = site().built();
    assert!(!site.exists("public/suche/index.html"));
    assert!(!site.exists("public/en/search/index.html"));
}

#[test]
fn a_file_in_the_bundle_folder_is_a_conflict() {
    let problems = site()
        .file("themes/hub/static/search-index/de/engine.js", "// not ours")
        .errors();
    assert!(
        problems.iter().any(|p| p.code == Code::OutputConflict),
        "{}",
        crate::support::report(&problems)
    );
}

/// The fixture theme's strings of `lang`, to add keys to.
fn fixture_strings(lang: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/fixtures/theme/i18n/{lang}.yaml"));
    let mut text = std::fs::read_to_string(path).expect("fixture strings");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}
