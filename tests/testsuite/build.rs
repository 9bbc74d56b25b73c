//! Successful builds: URLs, slugs, translations, output folder handling.

use crate::support::{TestSite, news, tree};

#[test]
fn slugs_are_transliterated_the_german_way() {
    let site = TestSite::new()
        .file("content/Bürgerbüro.md", "---\ntitle: Bürgerbüro\n---\n")
        .file("content/Straße.md", "---\ntitle: Straße\n---\n")
        .file(
            "content/Öffnungszeiten.md",
            "---\ntitle: Öffnungszeiten\n---\n",
        )
        .file("content/Jüchen.md", "---\ntitle: Jüchen\n---\n")
        .file("content/Café.md", "---\ntitle: Café\n---\n")
        .built();
    for slug in [
        "buergerbuero",
        "strasse",
        "oeffnungszeiten",
        "juechen",
        "cafe",
    ] {
        assert!(site.exists(&format!("public/{slug}/index.html")), "{slug}");
    }
}

#[test]
fn languages_sections_and_date_prefixes_shape_urls() {
    let site = TestSite::new()
        .file("content/_index.en.md", "---\ntitle: Home\n---\n")
        .file(
            "content/news/_index.md",
            "---\ntitle: Presse\nslug: presse\n---\n",
        )
        .file(
            "content/news/_index.en.md",
            "---\ntitle: News\nslug: news\n---\n",
        )
        .file(
            "content/news/2025-01-20-kooperation.md",
            &news("Kooperation", ""),
        )
        .file(
            "content/news/2025-01-20-kooperation.en.md",
            &news("Cooperation", ""),
        )
        .file(
            "content/news/2025-02-01-nur-deutsch.md",
            &news("Nur deutsch", "slug: eigene-adresse\n"),
        )
        .built();
    assert!(site.exists("public/presse/kooperation/index.html"));
    assert!(site.exists("public/en/news/kooperation/index.html"));
    assert!(site.exists("public/presse/eigene-adresse/index.html"));
    assert!(
        site.read("public/index.html")
            .contains("<html lang=\"de\">")
    );
    assert!(
        site.read("public/en/index.html")
            .contains("<html lang=\"en\">")
    );

    let german = site.read("public/presse/kooperation/index.html");
    for needle in [
        r#"<link rel="canonical" href="https://hub.example.org/presse/kooperation/">"#,
        r#"<link rel="alternate" hreflang="de" href="https://hub.example.org/presse/kooperation/">"#,
        r#"<link rel="alternate" hreflang="en" href="https://hub.example.org/en/news/kooperation/">"#,
        r#"<link rel="alternate" hreflang="x-default" href="https://hub.example.org/presse/kooperation/">"#,
        r#"<time datetime="2025-01-20">20. Januar 2025</time>"#,
    ] {
        assert!(german.contains(needle), "{needle} missing in\n{german}");
    }
    // A page without translation: only its own alternate, and the switcher
    // leads to the English home page and says so.
    let only = site.read("public/presse/eigene-adresse/index.html");
    assert!(!only.contains("hreflang=\"en\" href=\"https"));
    assert!(
        only.contains(r#"<a href="/en/" hreflang="en">English (Startseite)</a>"#),
        "{only}"
    );
    // The section lists newest first.
    let listing = site.read("public/presse/index.html");
    assert!(listing.find("Nur deutsch") < listing.find("Kooperation"));
    insta::assert_snapshot!(site.main_of("public/en/news/kooperation/index.html"));
}

#[test]
fn markdown_features_heading_ids_and_german_quotes() {
    let site = TestSite::new()
        .file(
            "content/seite.md",
            "---\ntitle: Seite\n---\n\n## Über uns\n\nSie sagte \"Hallo\" und ging's an.\n\n## Über uns\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n~~alt~~ neu[^1]\n\n[^1]: Fußnote.\n\n- [x] erledigt\n",
        )
        .file("content/seite.en.md", "---\ntitle: Page\n---\n\nShe said \"hello\".\n")
        .built();
    insta::assert_snapshot!(site.main_of("public/seite/index.html"));
    assert!(
        site.read("public/en/seite/index.html")
            .contains("She said “hello”.")
    );
}

#[test]
fn two_builds_with_the_same_date_are_byte_identical() {
    let site = TestSite::new()
        .file("content/_index.en.md", "---\ntitle: Home\n---\n")
        .file("content/news/2025-01-20-a.md", &news("A", ""))
        .file("content/news/2025-01-21-b.md", &news("B", ""))
        .file("content/news/2025-01-21-b.en.md", &news("B en", ""))
        .file(
            "content/ueber/index.md",
            "---\ntitle: Über\naliases: [\"/alt/ueber/\"]\n---\n![Logo](logo.svg)\n",
        )
        .file(
            "content/ueber/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        );
    let first = site.root().join("out-1");
    let second = site.root().join("out-2");
    site.build_with(|o| o.output = Some(first.clone()))
        .expect("first build");
    site.build_with(|o| o.output = Some(second.clone()))
        .expect("second build");
    let (a, b) = (tree(&first), tree(&second));
    assert!(
        a.len() > 8,
        "{:?}",
        a.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert_eq!(a, b);
}

#[test]
fn bundle_assets_static_files_and_redirects_are_published() {
    let site = TestSite::new()
        .file(
            "content/ueber/index.md",
            "---\ntitle: Über\naliases: [\"/alt/ueber/\"]\n---\n",
        )
        .file(
            "content/ueber/index.en.md",
            "---\ntitle: About\nslug: about\n---\n",
        )
        .file(
            "content/ueber/bild.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .built();
    assert!(site.exists("public/ueber/bild.svg"));
    assert!(site.exists("public/en/about/bild.svg"));
    assert!(site.exists("public/style.css"));
    let redirect = site.read("public/alt/ueber/index.html");
    assert!(
        redirect.contains("url=https://hub.example.org/ueber/"),
        "{redirect}"
    );
}

#[test]
fn stale_files_disappear_and_other_folders_are_untouched() {
    let site = TestSite::new()
        .file("content/alt.md", "---\ntitle: Alt\n---\n")
        .built();
    assert!(site.exists("public/alt/index.html"));
    let site = site
        .remove("content/alt.md")
        .file("content/neu.md", "---\ntitle: Neu\n---\n")
        .built();
    assert!(!site.exists("public/alt/index.html"));
    assert!(site.exists("public/neu/index.html"));
    assert!(!site.exists(".public.old"));
    // The staging folder keeps the build before for the next build to
    // update; a third build must not bring the removed page back.
    let site = site.built();
    assert!(!site.exists("public/alt/index.html"));
    assert!(site.exists("public/neu/index.html"));
}

#[test]
fn base_url_override_reaches_canonical_links() {
    let site = TestSite::new();
    site.build_with(|o| {
        o.base_url = Some("https://preview.example.org/pr-7/".parse().expect("url"))
    })
    .expect("build");
    let home = site.read("public/index.html");
    assert!(
        home.contains(r#"<link rel="canonical" href="https://preview.example.org/pr-7/">"#),
        "{home}"
    );
}

#[test]
fn binary_prints_help_version_and_exits_2_on_usage_errors() {
    let site = TestSite::new();
    let help = site.run(&["build", "--help"]);
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in ["--root", "--output", "--base-url", "--drafts", "--future"] {
        assert!(text.contains(flag), "{flag} in {text}");
    }
    let version = site.run(&["--version"]);
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("kommhub "));
    assert_eq!(site.run(&["build", "--nonsense"]).status.code(), Some(2));
    assert_eq!(site.run(&["publish"]).status.code(), Some(2));
    let built = site.run(&["build"]);
    assert_eq!(
        built.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
}

#[test]
fn a_dated_bundle_folder_gives_date_and_name() {
    let site = TestSite::new()
        .file(
            "content/news/2025-03-18-workshop/index.md",
            &news("Workshop", ""),
        )
        .file(
            "content/news/2025-03-18-workshop/bild.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .built();
    let page = site.read("public/news/workshop/index.html");
    assert!(page.contains("<time datetime=\"2025-03-18\">"), "{page}");
    assert!(site.exists("public/news/workshop/bild.svg"));
}

/// A merge request's preview (`--noindex`): crawlers are kept out and the
/// theme learns it through `site.noindex`; a normal build is unchanged.
#[test]
fn a_noindex_preview_keeps_search_engines_out() {
    let site = TestSite::new().file(
        "themes/hub/templates/home.html",
        "{% extends \"base.html\" %}{% block content %}[noindex={{ site.noindex }}]{% endblock content %}",
    );
    let normal = site.run(&["build"]);
    assert!(normal.status.success());
    assert!(site.read("public/robots.txt").contains("Sitemap: "));
    assert!(site.read("public/index.html").contains("[noindex=false]"));
    let preview = site.run(&[
        "build",
        "--noindex",
        "--base-url",
        "https://preview.example.org/mr-7",
    ]);
    assert!(preview.status.success(), "{preview:?}");
    assert_eq!(
        site.read("public/robots.txt"),
        "User-agent: *\nDisallow: /\n"
    );
    assert!(site.read("public/index.html").contains("[noindex=true]"));
}
