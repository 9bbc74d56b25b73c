//! The `.gz` and `.br` siblings a build writes beside its text files for
//! the web server, and only a build.

use std::io::Read as _;

use crate::support::{TestSite, news};

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("gzip");
    text
}

fn unbrotli(bytes: &[u8]) -> String {
    let mut text = String::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_string(&mut text)
        .expect("brotli");
    text
}

fn release(body: &str) -> String {
    format!("{}\n{body}\n", news("Lang", ""))
}

fn site_with_body(body: &str) -> TestSite {
    TestSite::new()
        .file("content/news/2025-01-20-lang.md", &release(body))
        .file("themes/hub/static/klein.css", "p { margin: 0 }\n")
        .built()
}

fn bytes(site: &TestSite, path: &str) -> Vec<u8> {
    std::fs::read(site.root().join(path)).expect(path)
}

#[test]
fn text_files_above_a_kilobyte_get_gzip_and_brotli_siblings_that_follow_changes() {
    let long = "Die Verbände digitalisieren gemeinsam. ".repeat(100);
    let site = site_with_body(&long);
    let page = "public/news/lang/index.html";
    let html = site.read(page);
    assert!(html.len() > 1024);
    assert_eq!(gunzip(&bytes(&site, &format!("{page}.gz"))), html);
    assert_eq!(unbrotli(&bytes(&site, &format!("{page}.br"))), html);
    // Small files and non-text files stay alone.
    assert!(!site.exists("public/klein.css.gz") && !site.exists("public/klein.css.br"));
    assert!(!site.exists("public/.kommhub-output.gz"));

    // A changed page gets new siblings; the build before's are not kept.
    let changed = long.replace("gemeinsam", "zusammen");
    let site = site
        .file("content/news/2025-01-20-lang.md", &release(&changed))
        .built();
    let html = site.read(page);
    assert!(html.contains("zusammen"));
    assert_eq!(gunzip(&bytes(&site, &format!("{page}.gz"))), html);
    assert_eq!(unbrotli(&bytes(&site, &format!("{page}.br"))), html);

    // A page that shrinks below the threshold loses them.
    let site = site
        .file("content/news/2025-01-20-lang.md", &release("Kurz."))
        .built();
    assert!(site.read(page).len() < 1024);
    assert!(!site.exists(&format!("{page}.gz")) && !site.exists(&format!("{page}.br")));
}

#[test]
fn a_published_file_named_like_a_sibling_is_kept_as_it_is() {
    let table = "jahr;wert\n".repeat(200);
    let site = TestSite::new()
        .file(
            "content/seite/index.md",
            "---\ntitle: Seite\n---\n\nText.\n",
        )
        .file("content/seite/daten.csv", &table)
        .bytes("content/seite/daten.csv.gz", b"not made by kommhub")
        .built();
    assert_eq!(site.read("public/seite/daten.csv"), table);
    assert_eq!(
        bytes(&site, "public/seite/daten.csv.gz"),
        b"not made by kommhub"
    );
    assert!(!site.exists("public/seite/daten.csv.br"));
    // And again into the folder of the build before.
    let site = site.built();
    assert_eq!(
        bytes(&site, "public/seite/daten.csv.gz"),
        b"not made by kommhub"
    );
}
