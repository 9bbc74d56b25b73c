//! The search stage: one Pagefind bundle per language below `pagefind/`,
//! holding press releases, plain pages and each standard's current version
//! at its permanent address, and nothing else (no listings, version pages,
//! redirects or 404 pages); the search page of a theme that has one.

use std::collections::BTreeSet;
use std::io::Read;

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

/// The URLs in the search index of `lang`, read from its fragments.
fn indexed_urls(site: &TestSite, lang: &str) -> BTreeSet<String> {
    let folder = site.root().join(format!("public/pagefind/{lang}/fragment"));
    std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(std::fs::File::open(entry.unwrap().path()).unwrap())
                .read_to_string(&mut text)
                .unwrap();
            let json = text
                .strip_prefix("pagefind_dcd")
                .expect("Pagefind's signature");
            let fragment: serde_json::Value = serde_json::from_str(json).unwrap();
            fragment["url"].as_str().expect("url").to_string()
        })
        .collect()
}

fn entry(site: &TestSite, lang: &str) -> serde_json::Value {
    serde_json::from_str(&site.read(&format!("public/pagefind/{lang}/pagefind-entry.json")))
        .expect("pagefind-entry.json")
}

#[test]
fn each_language_gets_its_own_index_with_its_stemmer() {
    let site = site().built();
    for lang in ["de", "en"] {
        let entry = entry(&site, lang);
        let languages = entry["languages"].as_object().expect("languages");
        assert_eq!(languages.keys().collect::<Vec<_>>(), [lang], "{entry}");
        assert_eq!(languages[lang]["wasm"], lang, "stemming for {lang}");
        for file in [
            "pagefind.js",
            "pagefind-worker.js",
            &format!("wasm.{lang}.pagefind"),
        ] {
            assert!(
                site.exists(&format!("public/pagefind/{lang}/{file}")),
                "{lang}: {file}"
            );
        }
        // Only the search API is published, not Pagefind's ready-made UIs.
        assert!(!site.exists(&format!("public/pagefind/{lang}/pagefind-ui.js")));
        assert!(!site.exists(&format!("public/pagefind/{lang}/wasm.unknown.pagefind")));
    }
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
    assert_eq!(entry(&site, "de")["languages"]["de"]["page_count"], 4);
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
        options.base_url = Some("https://preview.example.org/pr-7".to_string());
    })
    .unwrap();
    assert!(indexed_urls(&site, "en").contains("/pr-7/en/news/kooperation/"));
}

#[test]
fn a_theme_with_search_html_gets_a_search_page_per_language_linked_as_site_search_url() {
    let site = site()
        .file(
            "themes/hub/templates/search.html",
            "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1><form data-bundle=\"{{ page.bundle_url }}\"></form><p class=\"link\">{{ site.search_url }}</p>{% endblock content %}",
        )
        .file("themes/hub/i18n/de.yaml", &format!("{}search_title: Suche\n", fixture_strings("de")))
        .file("themes/hub/i18n/en.yaml", &format!("{}search_title: Search\n", fixture_strings("en")))
        .built();
    let de = site.main_of("public/suche/index.html");
    assert!(de.contains("<h1>Suche</h1>"), "{de}");
    assert!(de.contains("data-bundle=\"/pagefind/de/\""), "{de}");
    assert!(de.contains("<p class=\"link\">/suche/</p>"), "{de}");
    let en = site.read("public/en/search/index.html");
    assert!(en.contains("<h1>Search</h1>"), "{en}");
    assert!(en.contains("data-bundle=\"/pagefind/en/\""), "{en}");
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
        .file(
            "themes/hub/static/pagefind/de/pagefind.js",
            "// not Pagefind",
        )
        .errors();
    assert!(
        problems.iter().any(|p| p.code == "output/conflict"),
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
