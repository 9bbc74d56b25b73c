//! "Stand" from git: a plain page without `updated` shows its file's last
//! commit; `updated` wins; releases show only their own `updated`; a site
//! outside git shows no date it was not given.

use crate::share::with_hub_theme;
use crate::support::{TestSite, git, news};

/// A German and an English plain page, a plain page with `updated` and
/// a release, none of them committed.
fn site() -> TestSite {
    with_hub_theme()
        .file("content/_index.en.md", "---\ntitle: Home\n---\nWelcome.\n")
        .file(
            "content/ueber-uns.md",
            "---\ntitle: Über uns\n---\n\nWir.\n",
        )
        .file(
            "content/ueber-uns.en.md",
            "---\ntitle: About us\nslug: about-us\n---\n\nUs.\n",
        )
        .file(
            "content/kontakt.md",
            "---\ntitle: Kontakt\nupdated: 2025-05-05\n---\n\nSo.\n",
        )
        .file("content/news/_index.md", "---\ntitle: Presse\n---\n")
        .file(
            "content/news/2025-03-01-vertrag.md",
            &news("Vertrag", "date: 2025-03-01\n"),
        )
}

/// The `Stand`/`Last updated` line of a page's header, if it has one.
fn stand(site: &TestSite, path: &str) -> Option<String> {
    let html = site.read(path);
    let start = html.find("<p class=\"meta\">")?;
    let end = start + html[start..].find("</p>")?;
    Some(html[start..end].to_string())
}

/// Commits everything at 2025-10-10 09:00 UTC, then the German page
/// alone at 2025-11-20 15:30 UTC.
fn committed(site: TestSite) -> TestSite {
    git(site.root(), &["init", "-q"], "2025-10-10T09:00:00Z");
    git(site.root(), &["add", "."], "2025-10-10T09:00:00Z");
    git(
        site.root(),
        &["commit", "-q", "-m", "first"],
        "2025-10-10T09:00:00Z",
    );
    let site = site.file(
        "content/ueber-uns.md",
        "---\ntitle: Über uns\n---\n\nWir, neu.\n",
    );
    git(
        site.root(),
        &["commit", "-q", "-am", "second"],
        "2025-11-20T15:30:00Z",
    );
    site
}

#[test]
fn a_plain_page_shows_its_last_commit_in_each_language() {
    let site = committed(site()).built();
    assert_eq!(
        stand(&site, "public/ueber-uns/index.html").as_deref(),
        Some(
            "<p class=\"meta\">Stand: <time datetime=\"2025-11-20T16:30:00+01:00\">20. November 2025</time>"
        )
    );
    assert_eq!(
        stand(&site, "public/en/about-us/index.html").as_deref(),
        Some(
            "<p class=\"meta\">Last updated: <time datetime=\"2025-10-10T11:00:00+02:00\">10 October 2025</time>"
        )
    );
    // The same date is the page's dateModified and its sitemap entry's.
    let html = site.read("public/ueber-uns/index.html");
    assert!(
        html.contains("\"dateModified\":\"2025-11-20T16:30:00+01:00\""),
        "{html}"
    );
    let sitemap = site.read("public/sitemap.xml");
    let entry = &sitemap[sitemap.find("/ueber-uns/</loc>").unwrap()..];
    assert!(
        entry[..entry.find("</url>").unwrap()].contains("<lastmod>2025-11-20</lastmod>"),
        "{sitemap}"
    );
}

#[test]
fn updated_wins_over_the_commit_and_a_release_keeps_its_own() {
    let site = committed(site()).built();
    assert_eq!(
        stand(&site, "public/kontakt/index.html").as_deref(),
        Some("<p class=\"meta\">Stand: <time datetime=\"2025-05-05\">5. Mai 2025</time>")
    );
    let release = site.read("public/news/vertrag/index.html");
    assert!(!release.contains("Stand:"), "{release}");
    assert!(
        release.contains("<meta property=\"article:modified_time\" content=\"2025-03-01\">"),
        "{release}"
    );
    assert!(
        release.contains("\"dateModified\":\"2025-03-01\""),
        "{release}"
    );
}

#[test]
fn outside_git_a_plain_page_shows_no_date_it_was_not_given() {
    let site = site().built();
    assert_eq!(stand(&site, "public/ueber-uns/index.html"), None);
    assert_eq!(stand(&site, "public/en/about-us/index.html"), None);
    assert!(stand(&site, "public/kontakt/index.html").is_some());
    let html = site.read("public/ueber-uns/index.html");
    assert!(!html.contains("dateModified"), "{html}");
}

#[test]
fn serve_shows_the_committed_date_after_a_save_as_a_build_does() {
    use kommhub::pipeline::{BuildOptions, Changes, classify};
    use kommhub::serve::Session;

    let site = committed(site());
    let preview = site.root().join("preview");
    let mut session = Session::new(site.options(), preview.clone());
    session
        .rebuild(&Changes::everything(), &[], &mut |_| {})
        .expect("first run");
    let compare = |what: &str| {
        let options = BuildOptions {
            output: Some(site.root().join("full")),
            ..site.options()
        };
        crate::support::assert_preview_equals_build(options, &preview, what);
    };
    compare("first run");
    // A save is no commit: the page keeps its last commit's date.
    let page = site.root().join("content/ueber-uns.md");
    std::fs::write(&page, "---\ntitle: Über uns\n---\n\nWir, ungespeichert.\n").unwrap();
    let changes = classify(site.root(), "hub", &[page], &[]);
    session.rebuild(&changes, &[], &mut |_| {}).expect("saved");
    compare("saved");
    let shown = std::fs::read_to_string(preview.join("ueber-uns/index.html")).unwrap();
    assert!(shown.contains("ungespeichert"), "{shown}");
    assert!(
        shown.contains("datetime=\"2025-11-20T16:30:00+01:00\""),
        "{shown}"
    );
}

#[test]
fn a_build_from_the_build_cache_shows_a_commit_made_after_the_last_build() {
    let site = committed(site());
    // Saved after the last commit and built: the page shows that commit.
    let site = site.file(
        "content/ueber-uns.md",
        "---\ntitle: Über uns\n---\n\nWir, später.\n",
    );
    site.build().unwrap();
    let before = stand(&site, "public/ueber-uns/index.html").unwrap();
    assert!(before.contains("2025-11-20T16:30:00+01:00"), "{before}");
    // Committed later, no text changed: the cached build renders the
    // page again with the new date.
    git(
        site.root(),
        &["commit", "-q", "-am", "third"],
        "2025-12-01T08:00:00Z",
    );
    let report = site.build().unwrap();
    assert!(report.resumed, "{:?}", report.notes);
    let after = stand(&site, "public/ueber-uns/index.html").unwrap();
    assert!(after.contains("2025-12-01T09:00:00+01:00"), "{after}");
}
