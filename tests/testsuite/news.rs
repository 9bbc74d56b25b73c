//! Press releases end to end: listings, numbers, feeds, sitemap,
//! redirects, scheduling and `kommhub new`.

use std::collections::{BTreeMap, BTreeSet};

use kommhub::Code;

use crate::support::{BUILD_DATE, SITE_YAML, TestSite, jpeg};

fn release(title: &str, date: &str, extra: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndate: {date}\nassociations: [itk]\ncontact: presse\n{extra}---\n\nErster Absatz von {title}.\n"
    )
}

/// A site with two releases per page and news sections in both languages.
fn news_site(releases: usize) -> TestSite {
    let mut site = TestSite::new()
        .file("site.yaml", &format!("{SITE_YAML}news_per_page: 2\n"))
        .file("content/_index.en.md", "---\ntitle: Home\n---\n")
        .file("content/news/_index.md", "---\ntitle: Presse\n---\n")
        .file("content/news/_index.en.md", "---\ntitle: News\n---\n");
    for n in 1..=releases {
        let date = format!("2025-0{n}-10");
        site = site
            .file(
                &format!("content/news/m{n}.md"),
                &release(&format!("Meldung {n}"), &date, ""),
            )
            .file(
                &format!("content/news/m{n}.en.md"),
                &release(&format!("Release {n}"), &date, ""),
            );
    }
    site.built()
}

#[test]
fn pagination_boundaries_in_both_languages() {
    for (releases, pages) in [(0, 1), (1, 1), (2, 1), (3, 2)] {
        let site = news_site(releases);
        for (prefix, word) in [("", "seite"), ("en/", "page")] {
            let first = site.read(&format!("public/{prefix}news/index.html"));
            assert!(
                first.contains(&format!("1/{pages}")),
                "{releases} releases: {first}"
            );
            assert_eq!(first.matches("<li><a").count(), releases.min(2), "{first}");
            let second = format!("public/{prefix}news/{word}/2/index.html");
            assert_eq!(
                site.exists(&second),
                pages == 2,
                "{second} with {releases} releases"
            );
            assert!(!site.exists(&format!("public/{prefix}news/{word}/3/index.html")));
            if pages == 2 {
                assert!(
                    first.contains(&format!(
                        "<a rel=\"next\" href=\"/{prefix}news/{word}/2/\">"
                    )),
                    "{first}"
                );
                let second = site.read(&second);
                assert!(
                    second.contains(&format!("<a rel=\"prev\" href=\"/{prefix}news/\">")),
                    "{second}"
                );
                assert!(second.contains("Meldung 1") || second.contains("Release 1"));
                assert!(!second.contains("rel=\"next\""));
            } else {
                assert!(!first.contains("rel=\"next\""));
            }
        }
    }
}

#[test]
fn year_tag_and_association_listings_in_both_languages() {
    let site = TestSite::new()
        .file("content/_index.en.md", "---\ntitle: Home\n---\n")
        .file("content/news/_index.md", "---\ntitle: Presse\n---\n")
        .file("content/news/_index.en.md", "---\ntitle: News\n---\n")
        .file(
            "content/news/a.md",
            &release("Alt", "2024-05-01", "tags: [Datenschutz]\n"),
        )
        .file(
            "content/news/a.en.md",
            &release("Old", "2024-05-01", "tags: [Data protection]\n"),
        )
        .file(
            "content/news/b.md",
            &release("Neu", "2025-05-01", "tags: [Datenschutz, Bürgerbüro]\n"),
        )
        .built();
    let y2024 = site.read("public/news/2024/index.html");
    assert!(y2024.contains("Alt") && !y2024.contains("Neu"), "{y2024}");
    assert!(site.read("public/news/2025/index.html").contains("Neu"));
    assert!(site.read("public/en/news/2024/index.html").contains("Old"));
    assert!(!site.exists("public/en/news/2025/index.html"));
    let tag = site.read("public/news/themen/datenschutz/index.html");
    assert!(tag.contains("Alt") && tag.contains("Neu"), "{tag}");
    assert!(site.exists("public/news/themen/buergerbuero/index.html"));
    assert!(
        site.read("public/en/news/tags/data-protection/index.html")
            .contains("Old")
    );
    let tags = site.read("public/news/themen/index.html");
    assert!(
        tags.contains("<a href=\"/news/themen/datenschutz/\">Datenschutz</a> 2"),
        "{tags}"
    );
    let association = site.read("public/news/verband/itk/index.html");
    assert!(association.contains("Alt") && association.contains("Neu"));
    assert!(
        site.read("public/en/news/association/itk/index.html")
            .contains("Old")
    );
    // Listings that exist in both languages point at each other.
    assert!(
        y2024.contains("hreflang=\"en\" href=\"https://hub.example.org/en/news/2024/\""),
        "{y2024}"
    );
}

fn number_of(site: &TestSite, path: &str) -> String {
    let html = site.read(path);
    let start = html.find("<p class=\"number\">").expect("number") + "<p class=\"number\">".len();
    html[start..].split('<').next().expect("text").to_string()
}

#[test]
fn running_numbers_follow_the_date_and_fixed_numbers_stay() {
    let site = TestSite::new()
        .file("content/news/a.md", &release("A", "2025-02-01", ""))
        .file("content/news/a.en.md", &release("A en", "2025-02-01", ""))
        .file("content/news/b.md", &release("B", "2025-03-01", ""))
        .file("content/news/c.md", &release("C", "2024-12-31", ""))
        .built();
    assert_eq!(number_of(&site, "public/news/a/index.html"), "1/2025");
    assert_eq!(number_of(&site, "public/en/news/a/index.html"), "1/2025");
    assert_eq!(number_of(&site, "public/news/b/index.html"), "2/2025");
    assert_eq!(number_of(&site, "public/news/c/index.html"), "1/2024");

    // Published releases carry their numbers (as `kommhub new` writes
    // them); an older release inserted later takes the next free number.
    let site = TestSite::new()
        .file(
            "content/news/a.md",
            &release("A", "2025-02-01", "number: 1\n"),
        )
        .file(
            "content/news/b.md",
            &release("B", "2025-03-01", "number: 2\n"),
        )
        .built();
    let before = (
        number_of(&site, "public/news/a/index.html"),
        number_of(&site, "public/news/b/index.html"),
    );
    let site = site
        .file("content/news/alt.md", &release("Alt", "2025-01-15", ""))
        .built();
    let after = (
        number_of(&site, "public/news/a/index.html"),
        number_of(&site, "public/news/b/index.html"),
    );
    assert_eq!(before, after);
    assert_eq!(number_of(&site, "public/news/alt/index.html"), "3/2025");
}

#[test]
fn duplicate_fixed_numbers_are_errors() {
    let site = TestSite::new()
        .file(
            "content/news/a.md",
            &release("A", "2025-02-01", "number: 1\n"),
        )
        .file(
            "content/news/b.md",
            &release("B", "2025-03-01", "number: 1\n"),
        );
    let problems = site.errors();
    assert_eq!(problems[0].code, Code::NewsDuplicateNumber);
    assert_eq!(problems[0].line, 6);
}

struct Entry {
    id: String,
    title: String,
}

fn feed_entries(xml: &str) -> Vec<Entry> {
    let doc = roxmltree::Document::parse(xml).expect("feed is XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "feed");
    for required in ["title", "id", "updated"] {
        assert!(
            root.children().any(|c| c.tag_name().name() == required),
            "feed lacks {required}"
        );
    }
    root.children()
        .filter(|c| c.tag_name().name() == "entry")
        .map(|entry| {
            let text = |name: &str| {
                entry
                    .children()
                    .find(|c| c.tag_name().name() == name)
                    .and_then(|c| c.text())
                    .unwrap_or_else(|| panic!("entry without {name}"))
                    .to_string()
            };
            let link = entry
                .children()
                .find(|c| c.tag_name().name() == "link")
                .expect("link");
            assert!(
                link.attribute("href")
                    .is_some_and(|h| h.starts_with("https://"))
            );
            let content = text("content");
            assert!(
                content.contains("<p>Erster Absatz") || content.contains("<p>"),
                "{content}"
            );
            text("updated");
            Entry {
                id: text("id"),
                title: text("title"),
            }
        })
        .collect()
}

#[test]
fn feeds_parse_and_their_ids_are_stable() {
    let site = news_site(3);
    let de = feed_entries(&site.read("public/atom.xml"));
    let en = feed_entries(&site.read("public/en/atom.xml"));
    assert_eq!(
        de.iter().map(|e| e.title.as_str()).collect::<Vec<_>>(),
        ["Meldung 3", "Meldung 2", "Meldung 1"]
    );
    assert_eq!(en.len(), 3);
    let association = feed_entries(&site.read("public/news/verband/itk/atom.xml"));
    assert_eq!(association.len(), 3);
    let html = site.read("public/news/index.html");
    assert!(!html.is_empty());

    // Another build, with a changed slug: the same ids.
    let site = site
        .file(
            "content/news/m1.md",
            &release("Meldung 1", "2025-01-10", "slug: neue-adresse\n"),
        )
        .built();
    let again = feed_entries(&site.read("public/atom.xml"));
    let ids = |entries: &[Entry]| entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&de), ids(&again));
    assert_eq!(ids(&de).iter().collect::<BTreeSet<_>>().len(), 3);
}

#[test]
fn sitemap_alternates_are_reciprocal() {
    let site = news_site(3);
    let xml = site.read("public/sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("sitemap is XML");
    let mut alternates: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for url in doc
        .root_element()
        .children()
        .filter(|c| c.tag_name().name() == "url")
    {
        let loc = url
            .children()
            .find(|c| c.tag_name().name() == "loc")
            .and_then(|c| c.text())
            .expect("loc")
            .to_string();
        let links: BTreeSet<String> = url
            .children()
            .filter(|c| c.tag_name().name() == "link")
            .filter_map(|c| c.attribute("href"))
            .map(str::to_string)
            .collect();
        alternates.insert(loc, links);
    }
    assert!(alternates.contains_key("https://hub.example.org/news/m1/"));
    let mut pairs = 0;
    for (loc, links) in &alternates {
        if links.is_empty() {
            continue;
        }
        assert!(links.contains(loc), "{loc} lists itself");
        for other in links {
            assert_eq!(alternates.get(other), Some(links), "{loc} ↔ {other}");
            pairs += 1;
        }
    }
    assert!(pairs > 10);
    assert!(
        site.read("public/robots.txt")
            .contains("Sitemap: https://hub.example.org/sitemap.xml")
    );
}

#[test]
fn aliases_redirect_and_appear_in_the_server_map() {
    let site = TestSite::new()
        .file(
            "content/news/a.md",
            &release(
                "A",
                "2025-02-01",
                "aliases: [\"/presse/2025/a.html/\", \"/index.php?id=42\"]\n",
            ),
        )
        .built();
    assert!(
        site.read("public/presse/2025/a.html/index.html")
            .contains("url=https://hub.example.org/news/a/")
    );
    let map = site.read("public/redirects.map");
    assert!(
        map.contains("\"/presse/2025/a.html/\" \"https://hub.example.org/news/a/\";"),
        "{map}"
    );
    assert!(
        map.contains("\"/index.php?id=42\" \"https://hub.example.org/news/a/\";"),
        "{map}"
    );
}

#[test]
fn a_minute_decides_and_expired_releases_vanish_everywhere() {
    // BUILD_DATE is 2026-01-01T00:00:00Z = 01:00 in Berlin.
    let site = TestSite::new()
        .file("content/news/_index.md", "---\ntitle: Presse\n---\n")
        .file(
            "content/news/vorher.md",
            &release("Vorher", "2026-01-01T00:59:00+01:00", ""),
        )
        .file(
            "content/news/nachher.md",
            &release("Nachher", "2026-01-01T01:01:00+01:00", ""),
        )
        .file(
            "content/news/weg.md",
            &release("Weg", "2025-06-01", "expires: 2025-12-31\ntags: [Weg]\n"),
        )
        .built();
    assert!(site.exists("public/news/vorher/index.html"));
    assert!(!site.exists("public/news/nachher/index.html"));
    assert!(!site.exists("public/news/weg/index.html"));
    let everywhere = [
        "public/news/index.html",
        "public/atom.xml",
        "public/sitemap.xml",
        "public/news/verband/itk/index.html",
        "public/news/2025/index.html",
    ];
    for path in everywhere {
        if site.exists(path) {
            let text = site.read(path);
            assert!(
                !text.contains("Weg") && !text.contains("/weg/") && !text.contains("Nachher"),
                "{path}"
            );
        }
    }
    assert!(!site.exists("public/news/themen/weg/index.html"));
    assert!(!site.exists("public/news/2025/index.html"));
    assert_eq!(BUILD_DATE, 1_767_225_600);
}

#[test]
fn kommhub_new_creates_a_release_that_builds_and_refuses_to_overwrite() {
    let site = TestSite::new().file("content/news/alt.md", &release("Alt", "2026-01-01", ""));
    let created = site.run(&["new", "news", "Neue Straße für Jüchen"]);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let path = String::from_utf8_lossy(&created.stdout).trim().to_string();
    assert_eq!(path, "content/news/2026-01-01-neue-strasse-fuer-juechen.md");
    let text = site.read(&path);
    assert!(
        text.contains("number: 2\n") && text.contains("draft: true\n"),
        "{text}"
    );
    let english = site.run(&["new", "news", "Neue Straße für Jüchen", "--lang", "en"]);
    assert!(english.status.success());
    let page = site.run(&["new", "page", "Über uns"]);
    assert_eq!(
        String::from_utf8_lossy(&page.stdout).trim(),
        "content/ueber-uns.md"
    );

    site.build_with(|o| o.publication.drafts = true)
        .expect("the new files build");
    assert!(site.exists("public/news/neue-strasse-fuer-juechen/index.html"));
    assert!(site.exists("public/en/news/neue-strasse-fuer-juechen/index.html"));
    assert!(site.exists("public/ueber-uns/index.html"));

    let again = site.run(&["new", "news", "Neue Straße für Jüchen"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(site.read(&path), text);
}

#[test]
fn lead_and_body_images_get_variants_once() {
    let site = TestSite::new()
        .file(
            "content/news/2025-05-05-foto/index.md",
            &release(
                "Foto",
                "2025-05-05",
                "image: { src: \"foto.jpg\", alt: \"Zwei Menschen unterschreiben\", caption: \"Unterzeichnung\", credit: \"Foto: Presse\" }\n",
            )
            .replace("Erster Absatz von Foto.", "![Karte des Verbandsgebiets](karte.jpg)"),
        )
        .bytes("content/news/2025-05-05-foto/foto.jpg", &jpeg(2000, 1000))
        .bytes("content/news/2025-05-05-foto/karte.jpg", &jpeg(700, 700));
    let first = kommhub::render_site(&site.options()).expect("render");
    assert_eq!((first.images_encoded, first.images_cached), (4, 0));
    site.build().expect("build");
    for (name, width, height) in [
        ("foto-480w.jpg", 480, 240),
        ("foto-960w.jpg", 960, 480),
        ("foto-1440w.jpg", 1440, 720),
        ("karte-480w.jpg", 480, 480),
    ] {
        let path = site.root().join("public/news/foto").join(name);
        assert_eq!(
            image::image_dimensions(&path).expect(name),
            (width, height),
            "{name}"
        );
    }
    assert!(
        !site.exists("public/news/foto/karte-960w.jpg"),
        "never wider than the original"
    );
    let html = site.read("public/news/foto/index.html");
    assert!(html.contains("<img src=\"/news/foto/foto-960w.jpg\" srcset=\"/news/foto/foto-480w.jpg 480w, /news/foto/foto-960w.jpg 960w, /news/foto/foto-1440w.jpg 1440w, /news/foto/foto.jpg 2000w\" width=\"2000\" height=\"1000\""), "{html}");
    assert!(
        html.contains("<a href=\"/news/foto/foto.jpg\">JPEG, "),
        "{html}"
    );
    assert!(
        html.contains("<img src=\"/news/foto/karte-480w.jpg\" srcset=\"/news/foto/karte-480w.jpg 480w, /news/foto/karte.jpg 700w\" sizes=\"(max-width: 50rem) 100vw, 50rem\" width=\"700\" height=\"700\" alt=\"Karte des Verbandsgebiets\""),
        "{html}"
    );
    let second = kommhub::render_site(&site.options()).expect("render");
    assert_eq!(
        (second.images_encoded, second.images_cached),
        (0, 4),
        "a second build encodes nothing"
    );
}

/// The `<loc>`s of a sitemap file, and its root element's name.
fn sitemap_locs(xml: &str) -> (String, Vec<String>) {
    let doc = roxmltree::Document::parse(xml).expect("sitemap is XML");
    let root = doc.root_element();
    let locs = root
        .descendants()
        .filter(|c| c.tag_name().name() == "loc")
        .filter_map(|c| c.text())
        .map(str::to_string)
        .collect();
    (root.tag_name().name().to_string(), locs)
}

/// Above the protocol's 50,000 URLs per file (here 4, so that a test site
/// is enough) the sitemap becomes an index of parts that together list
/// exactly what the one file listed, none holding more than the limit.
#[test]
fn a_sitemap_too_long_for_one_file_becomes_an_index_of_parts() {
    let site = news_site(3);
    let rendered = kommhub::pipeline::render_site(&site.options()).expect("renders");
    let whole = kommhub::render::news::sitemap(&rendered.site);
    assert_eq!(whole.len(), 1, "a small site keeps one sitemap.xml");
    let text = |file: &kommhub::render::OutputFile| match &file.content {
        kommhub::render::Content::Bytes(bytes) => String::from_utf8(bytes.clone()).expect("utf-8"),
        _ => panic!("a sitemap is text"),
    };
    let (_, all) = sitemap_locs(&text(&whole[0]));
    assert!(all.len() > 8, "{} URLs", all.len());

    let parts = kommhub::render::news::sitemap_in_parts(&rendered.site, 4);
    let index = parts.last().expect("index");
    assert_eq!(index.path.as_str(), "sitemap.xml");
    let (root, listed) = sitemap_locs(&text(index));
    assert_eq!(root, "sitemapindex");
    let mut found = Vec::new();
    for (at, part) in parts[..parts.len() - 1].iter().enumerate() {
        let name = format!("sitemap-{}.xml", at + 1);
        assert_eq!(part.path.as_str(), name);
        assert_eq!(listed[at], format!("https://hub.example.org/{name}"));
        let (root, locs) = sitemap_locs(&text(part));
        assert_eq!(root, "urlset");
        assert!(!locs.is_empty(), "{name} is empty");
        let urls = roxmltree::Document::parse(&text(part))
            .expect("xml")
            .root_element()
            .children()
            .filter(|c| c.tag_name().name() == "url")
            .count();
        assert!((1..=4).contains(&urls), "{name}: {urls} URLs");
        found.extend(locs);
    }
    assert_eq!(listed.len(), parts.len() - 1);
    assert_eq!(found, all, "the parts list what the one file listed");
}
