//! Share metadata (Open Graph) and structured data (JSON-LD) of the hub
//! site in this repository, built with its own theme.
//!
//! Every page's JSON-LD is held to schema.org's vocabulary as pinned in
//! `tests/fixtures/schema-org/vocabulary.json` (schema.org 30.0, made by
//! `extract.py` beside it): each type must exist, each property must be
//! defined on the type or one of its ancestors, each nested item's type
//! must be one the property expects. schema.org itself requires nothing,
//! so what each type must carry is pinned here ([`REQUIRED`]), from what
//! issue 19 asks of the hub's pages.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jiff::Timestamp;
use kommhub::BuildOptions;
use serde_json::Value;

use crate::support::{SITE_YAML, TestSite, copy_dir, describe, jpeg, news, png};

/// Properties each type must carry on this site.
const REQUIRED: &[(&str, &[&str])] = &[
    (
        "NewsArticle",
        &[
            "headline",
            "datePublished",
            "dateModified",
            "inLanguage",
            "publisher",
            "author",
            "isPartOf",
            "url",
        ],
    ),
    ("GovernmentOrganization", &["name", "url", "logo"]),
    ("BreadcrumbList", &["itemListElement"]),
    ("ListItem", &["position", "name", "item"]),
    (
        "DigitalDocument",
        &[
            "name",
            "identifier",
            "version",
            "creativeWorkStatus",
            "inLanguage",
            "url",
        ],
    ),
    ("WebSite", &["name", "url"]),
    ("WebPage", &["name", "url", "inLanguage", "isPartOf"]),
    ("CollectionPage", &["name", "url", "inLanguage", "isPartOf"]),
    ("ImageObject", &["url", "width", "height"]),
];

struct Vocabulary {
    classes: BTreeMap<String, Vec<String>>,
    /// Property → (domain, range).
    properties: BTreeMap<String, (Vec<String>, Vec<String>)>,
}

impl Vocabulary {
    fn load() -> Vocabulary {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-org/vocabulary.json");
        let json: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let names = |v: &Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect()
        };
        let classes = json["classes"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), names(v)))
            .collect();
        let properties = json["properties"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), (names(&v["domain"]), names(&v["range"]))))
            .collect();
        Vocabulary {
            classes,
            properties,
        }
    }

    /// `class` and every class above it.
    fn ancestors(&self, class: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![class.to_string()];
        while let Some(next) = todo.pop() {
            if let Some(parents) = self.classes.get(&next) {
                todo.extend(parents.iter().cloned());
            }
            seen.insert(next);
        }
        seen
    }

    /// What is wrong with `node` (an item with `@type`) and the items
    /// inside it; `at` says where, for the message.
    fn faults(&self, node: &Value, at: &str, faults: &mut Vec<String>) {
        let Some(object) = node.as_object() else {
            return;
        };
        let Some(kind) = object.get("@type").and_then(Value::as_str) else {
            // A reference (`{"@id": …}`) names an item described elsewhere.
            if !object.keys().all(|k| k == "@id") {
                faults.push(format!("{at}: an item without @type"));
            }
            return;
        };
        if !self.classes.contains_key(kind) {
            faults.push(format!("{at}: {kind} is no schema.org type"));
            return;
        }
        let ancestors = self.ancestors(kind);
        for (property, value) in object.iter().filter(|(k, _)| !k.starts_with('@')) {
            let Some((domain, range)) = self.properties.get(property) else {
                faults.push(format!("{at}: {property} is no schema.org property"));
                continue;
            };
            if !domain.iter().any(|d| ancestors.contains(d)) {
                faults.push(format!("{at}: {kind} has no property {property}"));
            }
            let values = match value {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for item in values {
                if let Some(inner) = item.get("@type").and_then(Value::as_str) {
                    let fits = self.ancestors(inner).iter().any(|a| range.contains(a));
                    if !fits {
                        faults.push(format!("{at}: {property} expects {range:?}, not {inner}"));
                    }
                }
                self.faults(item, &format!("{at} > {property}"), faults);
            }
        }
        for (class, required) in REQUIRED {
            if kind == *class {
                for property in *required {
                    if !object.contains_key(*property) {
                        faults.push(format!("{at}: {kind} without {property}"));
                    }
                }
            }
        }
    }
}

/// The repository's site, built once for the tests of this file.
fn public() -> &'static Path {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, public) = BUILT.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = tempfile::tempdir().unwrap();
        let mut options = BuildOptions::new(root, Timestamp::from_second(1_795_000_000).unwrap());
        options.output = Some(out.path().join("public"));
        options.base_url = Some("https://hub.example.org".parse().unwrap());
        if let Err(failure) = kommhub::build(&options) {
            panic!("{}", describe(&failure));
        }
        let public = out.path().join("public");
        (out, public)
    });
    public
}

fn page(path: &str) -> String {
    std::fs::read_to_string(public().join(path)).unwrap()
}

/// The JSON-LD block of a page, parsed.
fn linked_data(html: &str) -> Option<Value> {
    let start = html.find("<script type=\"application/ld+json\">")?;
    let rest = &html[start..];
    let body = &rest[rest.find('>')? + 1..rest.find("</script>")?];
    Some(serde_json::from_str(body).unwrap())
}

/// The `content` of `<meta property="…">` (or `name="…"`), every one.
fn meta(html: &str, property: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["property", "name"] {
        let needle = format!("<meta {attribute}=\"{property}\" content=\"");
        let mut rest = html;
        while let Some(at) = rest.find(&needle) {
            rest = &rest[at + needle.len()..];
            found.push(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    found
}

/// The items of a page's graph by type.
fn items<'a>(data: &'a Value, kind: &str) -> Vec<&'a Value> {
    data["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["@type"] == kind)
        .collect()
}

#[test]
fn every_page_has_json_ld_that_fits_schema_org() {
    let vocabulary = Vocabulary::load();
    let mut faults = Vec::new();
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(public()) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let name = entry.path().strip_prefix(public()).unwrap().display();
        if html.contains("http-equiv=\"refresh\"") || name.to_string().ends_with("404.html") {
            continue;
        }
        let Some(data) = linked_data(&html) else {
            faults.push(format!("{name}: no JSON-LD"));
            continue;
        };
        assert_eq!(data["@context"], "https://schema.org", "{name}");
        for (i, item) in data["@graph"].as_array().unwrap().iter().enumerate() {
            vocabulary.faults(item, &format!("{name} @graph[{i}]"), &mut faults);
        }
        let is_home = name.to_string() == "index.html" || name.to_string() == "en/index.html";
        assert_eq!(
            items(&data, "BreadcrumbList").len(),
            usize::from(!is_home),
            "{name}: a breadcrumb on every page below the home, none on the home"
        );
        pages += 1;
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
    assert!(pages > 40, "only {pages} pages checked");
}

#[test]
fn a_release_is_a_news_article_by_both_associations_in_each_language() {
    for (path, lang, locale, other) in [
        ("presse/kooperation/index.html", "de", "de_DE", "en_GB"),
        ("en/news/kooperation/index.html", "en", "en_GB", "de_DE"),
    ] {
        let html = page(path);
        let data = linked_data(&html).unwrap();
        let article = items(&data, "NewsArticle")[0];
        assert_eq!(article["inLanguage"], lang);
        assert_eq!(article["datePublished"], "2025-01-20");
        let publishers: Vec<&str> = article["publisher"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(publishers, ["ITK Rheinland", "kdvz Rhein-Erft-Rur"]);
        assert_eq!(
            article["publisher"][0]["logo"],
            "https://hub.example.org/logos/itk-rheinland.svg"
        );
        assert_eq!(meta(&html, "og:type"), ["article"]);
        assert_eq!(meta(&html, "og:locale"), [locale]);
        assert_eq!(meta(&html, "og:locale:alternate"), [other]);
        assert_eq!(
            meta(&html, "og:url"),
            [article["url"].as_str().unwrap().to_string()]
        );
        assert_eq!(meta(&html, "article:published_time"), ["2025-01-20"]);
        assert_eq!(
            meta(&html, "og:title"),
            [article["headline"].as_str().unwrap()]
        );
        assert_eq!(meta(&html, "og:description").len(), 1);
    }
}

#[test]
fn a_plain_page_is_a_web_page_with_breadcrumbs_in_each_language() {
    for (path, lang, title) in [
        ("impressum/index.html", "de", "Impressum"),
        ("en/legal-notice/index.html", "en", "Legal notice"),
    ] {
        let html = page(path);
        let data = linked_data(&html).unwrap();
        let web_page = items(&data, "WebPage")[0];
        assert_eq!(web_page["inLanguage"], lang);
        assert_eq!(web_page["name"], title);
        let crumbs = &items(&data, "BreadcrumbList")[0]["itemListElement"];
        let last = crumbs.as_array().unwrap().last().unwrap();
        assert_eq!(last["name"], title);
        assert_eq!(last["item"], web_page["url"]);
        assert_eq!(meta(&html, "og:type"), ["website"]);
        assert_eq!(meta(&html, "og:title"), [title]);
        assert!(meta(&html, "article:published_time").is_empty());
    }
}

#[test]
fn a_standard_names_its_id_version_status_and_dates_in_each_language() {
    for (path, lang) in [
        ("standards/hub-std-0002/index.html", "de"),
        ("en/standards/hub-std-0002/index.html", "en"),
    ] {
        let html = page(path);
        let data = linked_data(&html).unwrap();
        let document = items(&data, "DigitalDocument")[0];
        assert_eq!(document["identifier"], "HUB-STD-0002");
        assert_eq!(document["inLanguage"], lang);
        assert!(document["version"].is_string());
        assert!(document["creativeWorkStatus"].is_string());
        assert!(document["datePublished"].is_string(), "adopted date");
        let crumbs = items(&data, "BreadcrumbList")[0]["itemListElement"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(crumbs, 3, "home, register, standard");
        assert_eq!(meta(&html, "og:locale").len(), 1);
    }
}

#[test]
fn the_home_page_names_the_site_and_both_associations() {
    let html = page("index.html");
    let data = linked_data(&html).unwrap();
    assert_eq!(items(&data, "WebSite").len(), 1);
    let names: Vec<&str> = items(&data, "GovernmentOrganization")
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ITK Rheinland", "kdvz Rhein-Erft-Rur"]);
}

/// A test site with the hub theme of this repository instead of the
/// fixture theme.
pub fn with_hub_theme() -> TestSite {
    let site = TestSite::new();
    std::fs::remove_dir_all(site.root().join("themes/hub")).unwrap();
    let hub = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/hub");
    copy_dir(&hub, &site.root().join("themes/hub"));
    site
}

#[test]
fn a_release_with_a_lead_image_shares_it_with_size_and_alt_text() {
    let release = news(
        "Neues Rechenzentrum",
        "date: 2025-03-01\nimage: { src: foto.jpg, alt: \"Serverraum mit Racks\", credit: \"ITK\" }\n",
    );
    let config = SITE_YAML.replace(
        "url: \"https://itk.example\"",
        "url: \"https://itk.example\", logo: \"/logos/itk-rheinland.svg\"",
    );
    assert_ne!(config, SITE_YAML);
    let site = with_hub_theme()
        .file("site.yaml", &config)
        .file("content/news/_index.md", "---\ntitle: Presse\n---\n")
        .file("content/news/2025-03-01-rechenzentrum/index.md", &release)
        .bytes(
            "content/news/2025-03-01-rechenzentrum/foto.jpg",
            &jpeg(2000, 1000),
        )
        .built();
    let html = site.read("public/news/rechenzentrum/index.html");
    let image = "https://hub.example.org/news/rechenzentrum/foto-1200x630.jpg";
    assert_eq!(meta(&html, "og:image"), [image]);
    assert_eq!(meta(&html, "og:image:type"), ["image/jpeg"]);
    assert_eq!(meta(&html, "og:image:width"), ["1200"]);
    assert_eq!(meta(&html, "og:image:height"), ["630"]);
    assert_eq!(meta(&html, "og:image:alt"), ["Serverraum mit Racks"]);
    assert_eq!(meta(&html, "twitter:card"), ["summary_large_image"]);
    let crop = std::fs::read(
        site.root()
            .join("public/news/rechenzentrum/foto-1200x630.jpg"),
    )
    .unwrap();
    let picture = image::load_from_memory(&crop).unwrap();
    assert_eq!((picture.width(), picture.height()), (1200, 630));
    assert!(
        !site.exists("public/news/rechenzentrum/share.png"),
        "no card beside a photo"
    );
    let data = linked_data(&html).unwrap();
    let article = items(&data, "NewsArticle")[0];
    assert_eq!(article["image"]["url"], image);
    assert_eq!(article["image"]["width"], 1200);
    assert_eq!(article["image"]["height"], 630);
    let mut faults = Vec::new();
    Vocabulary::load().faults(article, "release", &mut faults);
    assert!(faults.is_empty(), "{faults:?}");
}

#[test]
fn a_release_without_a_photo_is_shared_with_its_card_the_same_in_every_build() {
    let site = |title: &str| {
        with_hub_theme()
            .file("content/news/_index.md", "---\ntitle: Presse\n---\n")
            .file(
                "content/news/2025-03-01-vertrag.md",
                &news(title, "date: 2025-03-01\n"),
            )
            .built()
    };
    let first = site("Vertrag & Zusammenarbeit <unterzeichnet>");
    let html = first.read("public/news/vertrag/index.html");
    let card = "https://hub.example.org/news/vertrag/share.png";
    assert_eq!(meta(&html, "og:image"), [card]);
    assert_eq!(meta(&html, "og:image:width"), ["1200"]);
    assert_eq!(meta(&html, "og:image:height"), ["630"]);
    assert_eq!(meta(&html, "og:image:type"), ["image/png"]);
    assert_eq!(
        meta(&html, "og:image:alt"),
        ["Vertrag &amp; Zusammenarbeit &lt;unterzeichnet&gt;"]
    );
    let png = std::fs::read(first.root().join("public/news/vertrag/share.png")).unwrap();
    let image = image::load_from_memory(&png).unwrap();
    assert_eq!((image.width(), image.height()), (1200, 630));
    // The title is drawn: dark text on the light card where the title
    // stands (below the dark header band), not an empty card.
    let rgb = image.to_rgb8();
    let dark = rgb
        .enumerate_pixels()
        .filter(|(_, y, p)| (180..460).contains(y) && p.0[0] < 60 && p.0[2] < 110)
        .count();
    assert!(dark > 5_000, "{dark} dark pixels");

    let second = site("Vertrag & Zusammenarbeit <unterzeichnet>");
    let again = std::fs::read(second.root().join("public/news/vertrag/share.png")).unwrap();
    assert!(png == again, "two builds draw the same card");
    // A build over the last one keeps the card it drew.
    second.build().unwrap();
    let kept = std::fs::read(second.root().join("public/news/vertrag/share.png")).unwrap();
    assert!(kept == again, "a build over the last one keeps its card");
    let other = site("Ein anderer Titel");
    let changed = std::fs::read(other.root().join("public/news/vertrag/share.png")).unwrap();
    assert!(changed != png, "another title, another card");
}

#[test]
fn cards_come_from_the_cache_and_only_an_edited_release_is_drawn_again() {
    let release = |title: &str| news(title, "date: 2025-03-01\n");
    let site = with_hub_theme()
        .file("content/news/_index.md", "---\ntitle: Presse\n---\n")
        .file("content/news/2025-03-01-vertrag.md", &release("Vertrag"))
        .file("content/news/2025-03-02-termin.md", &release("Termin"));
    let root = site.root().to_path_buf();
    let card =
        |name: &str| std::fs::read(root.join(format!("public/news/{name}/share.png"))).unwrap();
    let first = site.build().unwrap();
    assert_eq!(
        (first.written.cards_drawn, first.written.cards_cached),
        (2, 0)
    );
    let (vertrag, termin) = (card("vertrag"), card("termin"));

    // A fresh output folder (a CI build) draws nothing: the cache below
    // the root has both cards.
    std::fs::remove_dir_all(site.root().join("public")).unwrap();
    let _ = std::fs::remove_dir_all(site.root().join(".public.staging"));
    let fresh = site.build().unwrap();
    assert_eq!(
        (fresh.written.cards_drawn, fresh.written.cards_cached),
        (0, 2)
    );
    assert!(card("vertrag") == vertrag && card("termin") == termin);

    // An edited title draws that card and no other.
    let site = site.file(
        "content/news/2025-03-01-vertrag.md",
        &release("Vertrag unterzeichnet"),
    );
    let edited = site.build().unwrap();
    // (The other card is taken from the cache, or, when the build cache
    // renders only the edited release, not made at all.)
    assert_eq!(edited.written.cards_drawn, 1);
    assert!(card("vertrag") != vertrag);
    assert!(card("termin") == termin);
}

/// A PNG of `width` × `height` in three upright bands: red, green, blue.
fn bands(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, _| match 3 * x / width {
        0 => image::Rgb([255, 0, 0]),
        1 => image::Rgb([0, 255, 0]),
        _ => image::Rgb([0, 0, 255]),
    });
    png(picture)
}

/// The hub theme and one release whose lead photo is 2400 × 630 in
/// three bands.
fn with_wide_photo() -> TestSite {
    with_hub_theme()
        .file("content/news/_index.md", "---\ntitle: Presse\n---\n")
        .file(
            "content/news/2025-03-01-breit/index.md",
            &news(
                "Breit",
                "date: 2025-03-01\nimage: { src: bild.png, alt: \"Bänder\", credit: \"ITK\" }\n",
            ),
        )
        .bytes("content/news/2025-03-01-breit/bild.png", &bands(2400, 630))
}

#[test]
fn a_lead_photo_is_cut_from_its_middle_the_same_in_every_build_and_a_small_one_gets_a_card() {
    let site = || {
        with_wide_photo()
            .file(
                "content/news/2025-03-02-klein/index.md",
                &news(
                    "Klein",
                    "date: 2025-03-02\nimage: { src: bild.jpg, alt: \"Klein\", credit: \"ITK\" }\n",
                ),
            )
            .bytes("content/news/2025-03-02-klein/bild.jpg", &jpeg(500, 300))
            .built()
    };
    let first = site();
    let crop_path = "public/news/breit/bild-1200x630.png";
    let crop = std::fs::read(first.root().join(crop_path)).unwrap();
    let picture = image::load_from_memory(&crop).unwrap().to_rgb8();
    assert_eq!(picture.dimensions(), (1200, 630));
    // From x = 600 to 1800 of the 2400 pixels: red, green, blue again,
    // the red and blue edges equally wide.
    assert_eq!(picture.get_pixel(100, 300).0, [255, 0, 0]);
    assert_eq!(picture.get_pixel(600, 300).0, [0, 255, 0]);
    assert_eq!(picture.get_pixel(1100, 300).0, [0, 0, 255]);
    let html = first.read("public/news/breit/index.html");
    assert_eq!(
        meta(&html, "og:image"),
        ["https://hub.example.org/news/breit/bild-1200x630.png"]
    );
    assert_eq!(meta(&html, "og:image:type"), ["image/png"]);

    // Another site folder without a cache makes the same bytes, and a
    // build from the cache too.
    let second = site();
    assert!(std::fs::read(second.root().join(crop_path)).unwrap() == crop);
    std::fs::remove_dir_all(second.root().join("public")).unwrap();
    second.build().unwrap();
    assert!(std::fs::read(second.root().join(crop_path)).unwrap() == crop);

    // 500 × 300 would be enlarged more than twofold: the card instead.
    let small = first.read("public/news/klein/index.html");
    assert_eq!(
        meta(&small, "og:image"),
        ["https://hub.example.org/news/klein/share.png"]
    );
    assert!(first.exists("public/news/klein/share.png"));
    assert!(!first.exists("public/news/klein/bild-1200x630.jpg"));
}

#[test]
fn serve_cuts_a_changed_lead_photo_again_as_a_build_does() {
    use kommhub::pipeline::{Changes, classify};
    use kommhub::serve::Session;

    let site = with_wide_photo();
    let preview = site.root().join("preview");
    let compare = |what: &str| {
        let options = BuildOptions {
            output: Some(site.root().join("full")),
            ..site.options()
        };
        crate::support::assert_preview_equals_build(options, &preview, what);
    };
    let mut session = Session::new(site.options(), preview.clone());
    session
        .rebuild(&Changes::everything(), &[], &mut |_| {})
        .expect("first run");
    compare("first run");
    let crop = std::fs::read(preview.join("news/breit/bild-1200x630.png")).unwrap();
    let photo = site.root().join("content/news/2025-03-01-breit/bild.png");
    std::fs::write(&photo, bands(1800, 900)).unwrap();
    let changes = classify(site.root(), "hub", &[photo], &[]);
    session
        .rebuild(&changes, &[], &mut |_| {})
        .expect("photo replaced");
    compare("photo replaced");
    assert!(std::fs::read(preview.join("news/breit/bild-1200x630.png")).unwrap() != crop);
}
