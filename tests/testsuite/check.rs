//! `kommhub check`: a fixture site with one instance of every fault, each
//! found with its code, file and line; the JSON report; silencing; and the
//! repository's own site, which passes.

use std::path::Path;

use jiff::Timestamp;
use kommhub::check::{self, Report};
use kommhub::{BuildOptions, Code};

use crate::support::{BUILD_DATE, TestSite, git, news};

const SITE_YAML: &str = r#"title: { de: "Testhub", en: "Test hub" }
base_url: "http://hub.example.org"
default_language: de
languages:
  de: { name: "Deutsch" }
  en: { name: "English" }
associations:
  itk: { name: "ITK", url: "https://itk.example" }
contacts:
  presse: { name: "Presse", role: "Pressestelle", email: "presse@itk.example", association: itk }
"#;

/// Links the Impressum and the privacy policy but not the accessibility
/// statement; loads a script from another host; links a missing page.
const BASE_HTML: &str = r#"<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<title>{{ page.title }}</title>
<link rel="canonical" href="{{ canonical }}">
<link rel="stylesheet" href="{{ url(path='/style.css') }}">
<script src="https://cdn.example.net/tracker.js"></script>
<script src="{{ url(path='/app.js') }}"></script>
</head>
<body>
<nav>{% for entry in switcher %}<a href="{{ entry.url }}" hreflang="{{ entry.lang }}">{{ entry.name }}</a>{% endfor %}</nav>
<main>
{% block content %}{% endblock content %}
</main>
<footer><a href="{{ site.roles.impressum.url }}">Impressum</a> <a href="{{ site.roles.privacy.url }}">Datenschutz</a> <a href="/kontakt/">Kontakt</a></footer>
</body>
</html>
"#;

/// A page of its own, without `lang`.
const NOT_FOUND_HTML: &str = r#"<!DOCTYPE html>
<html>
<head><title>{{ t(key="not_found") }}</title></head>
<body><main><h1>{{ t(key="not_found") }}</h1></main>
<footer><a href="{{ site.roles.impressum.url }}">Impressum</a> <a href="{{ site.roles.privacy.url }}">Datenschutz</a> <a href="{{ site.roles.accessibility.url }}">Barrierefreiheit</a></footer>
</body>
</html>
"#;

const ALLOW_UNTRANSLATED: &str =
    "check:\n  allow:\n    translation/missing: \"Testseite, nur auf Deutsch\"\n";

const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\"></svg>\n";

/// One instance of every fault `check` knows.
fn faulty_site() -> TestSite {
    TestSite::new()
        .file("site.yaml", SITE_YAML)
        .file("themes/hub/templates/base.html", BASE_HTML)
        .file("themes/hub/templates/404.html", NOT_FOUND_HTML)
        .file(
            "themes/hub/templates/home.html",
            "{% extends \"base.html\" %}\n{% block content %}<h1>{{ page.title }}</h1>\n{{ page.content | safe }}\n<ul>{% for item in page.pages %}<li><a href=\"{{ item.url }}\">{{ item.title }}</a></li>{% endfor %}</ul>{% endblock content %}\n",
        )
        .file(
            "themes/hub/static/style.css",
            "@import url(\"//fonts.example.com/font.css\");\nbody { color: black; }\n",
        )
        .file(
            "themes/hub/static/app.js",
            "// Remembers the reader's choice (not allowed).\nlocalStorage.setItem(\"theme\", \"dark\");\n",
        )
        .file("content/_index.md", "---\ntitle: Start\n---\nWillkommen.\n")
        .file(
            "content/_index.en.md",
            "---\ntitle: Home\n---\nWelcome.\n",
        )
        .file(
            "content/impressum.md",
            "---\ntitle: Impressum\nrole: impressum\n---\n\nAngaben gemäß § 5 TMG.\n",
        )
        .file(
            "content/datenschutz.md",
            "---\ntitle: Datenschutz\nrole: privacy\n---\n\nKeine Cookies, daher keine Einwilligung nach § 25 TTDSG.\n",
        )
        .file(
            "content/datenschutz.en.md",
            "---\ntitle: Privacy\nrole: privacy\n---\n\nNo cookies.\n",
        )
        .file(
            "content/barrierefreiheit.md",
            "---\ntitle: Barrierefreiheit\nrole: accessibility\nconformance: partial\nprepared: 2024-06-01\nreviewed: 2024-06-01\n---\n\nErklärung.\n",
        )
        .file(
            "content/barrierefreiheit.en.md",
            "---\ntitle: Accessibility\nrole: accessibility\nconformance: partial\nreviewed: 2025-12-01\n---\n\nStatement.\n",
        )
        .file(
            "content/leichte-sprache.md",
            "---\ntitle: Leichte Sprache\nrole: easy-language\n---\n\nDiese Seite ist in Leichter Sprache.\n",
        )
        .file(
            "content/ueber-uns.md",
            "---\ntitle: Über uns\n---\n\n## Ziele\n\nWir arbeiten zusammen.\n",
        )
        .file(
            "content/ueber-uns.en.md",
            "---\ntitle: About us\nslug: about-us\ncheck:\n  allow:\n    a11y/link-text: \"Wording of the signed agreement, quoted as it is\"\n    a11y/img-alternative: \"misspelt code\"\n---\n\n## Goals\n\nFor the agreement [click here](@/ueber-uns.md).\n",
        )
        .file(
            "content/links.md",
            &format!(
                "---\ntitle: Links\n{ALLOW_UNTRANSLATED}---\n\nDer [Bericht](/berichte/2025/) fehlt.\n\nDie [Ziele](/ueber-uns/#ziele-2030) sind verlinkt.\n\nDer [Termin](/termine/) ist noch nicht veröffentlicht.\n\nDie [englische Seite](/en/about-us/) gibt es auch auf Deutsch.\n\nMehr dazu [hier](@/ueber-uns.md).\n\nLeer: [](@/ueber-uns.md)\n\nQuelle: [https://www.ldi.nrw.de/](https://www.ldi.nrw.de/)\n\nDer [Entwurf](@/entwurf.md) ist geheim.\n"
            ),
        )
        .file(
            "content/termine.md",
            &format!("---\ntitle: Termine\ndate: 2026-06-01\n{ALLOW_UNTRANSLATED}---\n\nBald.\n"),
        )
        .file(
            "content/entwurf.md",
            &format!("---\ntitle: Entwurf\ndraft: true\n{ALLOW_UNTRANSLATED}---\n\nGeheim.\n"),
        )
        .file(
            "content/veranstaltungen.md",
            &format!("---\ntitle: Veranstaltungen\n{ALLOW_UNTRANSLATED}---\n\nDieses Jahr.\n"),
        )
        .file(
            "content/veranstaltungen-2025.md",
            &format!("---\ntitle: Veranstaltungen\n{ALLOW_UNTRANSLATED}---\n\nLetztes Jahr.\n"),
        )
        .file("content/projekte.md", "---\ntitle: Projekte\n---\n\nNur auf Deutsch.\n")
        .file(
            "content/aktuelles/index.md",
            &format!(
                "---\ntitle: Aktuelles\n{ALLOW_UNTRANSLATED}---\n\n## Überblick\n\n<img src=\"karte.svg\">\n\n![grafik-01.svg](grafik-01.svg)\n\n#### Einzelheiten\n\n# Noch ein Titel\n\n<table><tr><td>1</td><td>2</td></tr></table>\n\n<img src=\"https://www.youtube.com/vi/abc/0.jpg\" alt=\"Video\">\n\n<iframe src=\"https://www.youtube.com/embed/abc\" title=\"Video\"></iframe>\n"
            ),
        )
        .file("content/aktuelles/karte.svg", SVG)
        .file("content/aktuelles/grafik-01.svg", SVG)
        .file(
            "content/standards/_index.md",
            &format!("---\ntitle: Standards\n{ALLOW_UNTRANSLATED}---\n\nDas Register.\n"),
        )
        .file(
            "content/standards/beteiligung/1.0.md",
            &format!(
                "---\ntitle: Beteiligung\nid: HUB-STD-0042\nversion: \"1.0\"\nstatus: consultation\ncomments_until: 2025-10-31\nsupersedes: HUB-STD-9999\nassociations: [itk]\n{ALLOW_UNTRANSLATED}---\n\nText.\n"
            ),
        )
}

fn check_of(root: &Path, date: i64, strict: bool) -> Report {
    let options = BuildOptions::new(root, Timestamp::from_second(date).expect("date"));
    match kommhub::pipeline::check_input(&options) {
        Ok((input, _)) => check::run(&input, strict),
        Err(problems) => Report::of_failure(problems, strict),
    }
}

/// `code file:line` of every finding, for assertions.
fn places(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .map(|d| format!("{} {}:{}", d.code, d.file.display(), d.line))
        .collect()
}

#[test]
fn every_fault_is_found_with_its_code_file_and_line() {
    let site = faulty_site();
    let report = check_of(site.root(), BUILD_DATE, false);
    let found = places(&report);
    for expected in [
        "link/broken content/links.md:8",
        "link/broken-anchor content/links.md:10",
        "link/unpublished content/links.md:12",
        "link/other-language content/links.md:14",
        "a11y/link-text content/links.md:16",
        "a11y/link-empty content/links.md:18",
        "a11y/link-text content/links.md:20",
        "link/unpublished content/links.md:22",
        "link/broken themes/hub/templates/base.html:15",
        "a11y/img-alt content/aktuelles/index.md:10",
        "a11y/img-alt-filename content/aktuelles/index.md:12",
        "a11y/heading-order content/aktuelles/index.md:14",
        "a11y/multiple-h1 content/aktuelles/index.md:16",
        "a11y/table-headers content/aktuelles/index.md:18",
        "privacy/external-resource content/aktuelles/index.md:20",
        "markdown/unsafe-html content/aktuelles/index.md:22",
        "a11y/lang themes/hub/templates/404.html:2",
        "a11y/duplicate-title content/veranstaltungen.md:2",
        "privacy/external-resource themes/hub/templates/base.html:7",
        "privacy/external-resource themes/hub/static/style.css:1",
        "privacy/storage themes/hub/static/app.js:2",
        "register/consultation-closed content/standards/beteiligung/1.0.md:6",
        "standard/unknown-supersedes content/standards/beteiligung/1.0.md:7",
        "legal/missing-page content/impressum.md:0",
        "legal/missing-page content:0",
        "legal/not-linked themes/hub/templates/base.html:15",
        "legal/not-linked content/_index.en.md:0",
        "a11y/link-text themes/hub/templates/standard.html:5",
        "legal/statement-review content/barrierefreiheit.md:6",
        "legal/outdated-law content/impressum.md:6",
        "legal/outdated-law content/datenschutz.md:6",
        "legal/https site.yaml:2",
        "translation/missing content/projekte.md:0",
        "check/allow content/ueber-uns.en.md:7",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected} not found in:\n{}",
            found.join("\n")
        );
    }
    assert_eq!(report.silenced.len(), 7, "{:#?}", report.silenced);
    assert!(
        report
            .silenced
            .iter()
            .any(|s| s.diagnostic.code == Code::A11yLinkText)
    );
    insta::assert_snapshot!("check_human", check::report::human(&report));
    insta::assert_snapshot!("check_json", check::report::json(&report));
}

#[test]
fn the_command_exits_1_on_errors_and_prints_json_for_ci() {
    let site = faulty_site();
    let output = site.run(&["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["format"], 1);
    assert!(json["summary"]["errors"].as_u64().expect("errors") > 10);
    assert!(
        json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["code"] == Code::A11yImgAlt.as_str())
    );
    assert!(!site.exists("public"), "check wrote the site");
}

#[test]
fn warnings_pass_and_strict_turns_them_into_errors() {
    let site = TestSite::new().file(
        "content/seite.md",
        "---\ntitle: Seite\n---\n\nMehr [hier](@/seite.md).\n",
    );
    let lenient = check_of(site.root(), BUILD_DATE, false);
    assert!(
        lenient
            .findings
            .iter()
            .any(|d| d.code == Code::A11yLinkText && !d.is_error()),
        "{}",
        check::report::human(&lenient)
    );
    let strict = check_of(site.root(), BUILD_DATE, true);
    assert!(strict.findings.iter().all(|d| d.is_error()));
    assert!(check::report::human(&strict).ends_with("--strict: warnings count as errors)\n"));
}

#[test]
fn allow_refuses_a_build_code_as_it_refuses_an_unknown_one() {
    let site = TestSite::new().file(
        "content/seite.md",
        "---\ntitle: Seite\ncheck:\n  allow:\n    yaml/unknown-key: \"ein Build-Fehler\"\n    link/brokn: \"vertippt\"\n---\n\nText.\n",
    );
    let report = check_of(site.root(), BUILD_DATE, false);
    let refused: Vec<String> = report
        .findings
        .iter()
        .filter(|d| d.code == Code::CheckAllow)
        .map(|d| format!("{}:{} {} / {}", d.line, d.column, d.message, d.help))
        .collect();
    assert_eq!(
        refused,
        [
            "5:5 `yaml/unknown-key` is not a code of kommhub check / name one of the codes kommhub check reports, e.g. `a11y/link-text`",
            "6:5 `link/brokn` is not a code of kommhub check / did you mean `link/broken`?",
        ],
        "{}",
        check::report::human(&report)
    );
}

/// A press release of a theme without `news.html` is rendered by
/// `page.html`; a fault in it is traced to `page.html`, the template render
/// used, even where another template holds the very same line.
#[test]
fn a_fault_is_blamed_on_the_template_that_rendered_the_page() {
    let template = "{% extends \"base.html\" %}\n{% block content %}<h1>{{ page.title }}</h1>\n<img src=\"/logo.svg\">\n{{ page.content | safe }}{% endblock content %}\n";
    let site = TestSite::new()
        .remove("themes/hub/templates/news.html")
        .file("themes/hub/templates/another.html", template)
        .file("themes/hub/templates/page.html", template)
        .file("content/news/2025-01-10-meldung.md", &news("Meldung", ""));
    let report = check_of(site.root(), BUILD_DATE, false);
    let missing_alt: Vec<String> = places(&report)
        .into_iter()
        .filter(|place| place.starts_with("a11y/img-alt "))
        .collect();
    assert_eq!(
        missing_alt,
        ["a11y/img-alt themes/hub/templates/page.html:3"],
        "{}",
        check::report::human(&report)
    );
}

#[test]
fn the_repository_site_passes_with_only_intended_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // 2026-11-25: within a year of the statement's last review.
    let report = check_of(root, 1_795_608_000, false);
    let human = check::report::human(&report);
    assert_eq!(report.errors(), 0, "{human}");
    for warning in &report.findings {
        assert_eq!(
            warning.code,
            Code::TranslationMissing,
            "unexpected warning:\n{human}"
        );
    }
    assert!(
        human.contains("does not say that the site is accessible"),
        "{human}"
    );
}

/// GitLab's Code Quality report, held to the fields GitLab documents for a
/// merge request to show a finding: `description`, `check_name`,
/// `fingerprint` (unique), `severity` (one of five words),
/// `location.path` (a file of the repository, relative) and
/// `location.lines.begin` (a line, from 1).
#[test]
fn the_gitlab_report_has_the_documented_fields_for_every_finding() {
    let site = faulty_site();
    let output = site.run(&["check", "--format", "gitlab"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let entries = json.as_array().expect("an array");
    assert!(entries.len() > 10, "{json}");
    let mut fingerprints = std::collections::HashSet::new();
    for entry in entries {
        let text = |key: &str| entry[key].as_str().unwrap_or_default().to_string();
        assert!(!text("description").is_empty(), "{entry}");
        assert!(
            Code::ALL.iter().any(|c| c.as_str() == text("check_name")),
            "{entry}"
        );
        assert!(
            fingerprints.insert(text("fingerprint")),
            "repeated: {entry}"
        );
        assert!(
            ["info", "minor", "major", "critical", "blocker"].contains(&text("severity").as_str()),
            "{entry}"
        );
        let path = entry["location"]["path"].as_str().expect("location.path");
        assert!(
            !path.starts_with('/') && site.root().join(path).exists(),
            "{entry}"
        );
        let begin = entry["location"]["lines"]["begin"]
            .as_u64()
            .expect("lines.begin");
        assert!(begin >= 1, "{entry}");
    }
    assert!(
        entries
            .iter()
            .any(|e| e["check_name"] == Code::A11yImgAlt.as_str() && e["severity"] == "critical")
    );
    // The same site gives the same fingerprints: GitLab compares them
    // between the target branch and the merge request.
    let again = site.run(&["check", "--format", "gitlab"]);
    assert_eq!(output.stdout, again.stdout);
}

#[test]
fn github_annotations_name_file_and_line() {
    let site = faulty_site();
    let output = site.run(&["check", "--format", "github"]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).expect("utf-8");
    let commands: Vec<&str> = text.lines().filter(|l| l.starts_with("::")).collect();
    assert!(commands.len() > 10, "{text}");
    assert!(
        commands
            .iter()
            .all(|c| c.starts_with("::error file=") || c.starts_with("::warning file=")),
        "{text}"
    );
    assert!(
        commands
            .iter()
            .any(|c| c.contains(",line=") && c.contains("title=a11y/img-alt")),
        "{text}"
    );
    assert!(
        text.lines().last().unwrap_or_default().contains("error"),
        "{text}"
    );
}

fn outdated(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|d| d.code == Code::TranslationOutdated)
        .map(|d| d.file.display().to_string())
        .collect()
}

#[test]
fn a_translation_older_than_its_german_page_in_git_is_outdated() {
    let site = TestSite::new()
        .file("content/_index.en.md", "---\ntitle: Home\n---\nWelcome.\n")
        .file(
            "content/seite.md",
            "---\ntitle: Seite\n---\n\nErster Text.\n",
        )
        .file(
            "content/seite.en.md",
            "---\ntitle: Page\n---\n\nFirst text.\n",
        );
    git(site.root(), &["init", "-q"], "2026-01-01T10:00:00Z");
    git(site.root(), &["add", "."], "2026-01-01T10:00:00Z");
    git(
        site.root(),
        &["commit", "-q", "-m", "first"],
        "2026-01-01T10:00:00Z",
    );
    let both = check_of(site.root(), BUILD_DATE, false);
    assert!(
        outdated(&both).is_empty(),
        "{}",
        check::report::human(&both)
    );

    // The German page changes in a second commit; the English one does not.
    let site = site.file(
        "content/seite.md",
        "---\ntitle: Seite\n---\n\nNeuer Text.\n",
    );
    git(
        site.root(),
        &["commit", "-q", "-am", "second"],
        "2026-02-01T10:00:00Z",
    );
    let report = check_of(site.root(), BUILD_DATE, false);
    assert_eq!(outdated(&report), ["content/seite.en.md"]);
    let human = check::report::human(&report);
    assert!(
        human.contains("content/seite.md changed after this translation (last commit: 2026-02-01 against 2026-01-01)"),
        "{human}"
    );
    assert!(human.contains("(1 outdated)"), "{human}");
    let json = check::report::json(&report);
    assert!(json.contains("\"outdated\": 1"), "{json}");

    // --strict makes it an error; translating and committing ends it.
    let strict = check_of(site.root(), BUILD_DATE, true);
    assert!(
        strict
            .findings
            .iter()
            .any(|d| d.code == Code::TranslationOutdated && d.is_error())
    );
    let site = site.file(
        "content/seite.en.md",
        "---\ntitle: Page\n---\n\nNew text.\n",
    );
    git(
        site.root(),
        &["commit", "-q", "-am", "third"],
        "2026-02-02T10:00:00Z",
    );
    assert!(outdated(&check_of(site.root(), BUILD_DATE, false)).is_empty());
}

#[test]
fn outside_git_the_updated_dates_tell_an_outdated_translation() {
    let site = TestSite::new()
        .file("content/_index.en.md", "---\ntitle: Home\n---\nWelcome.\n")
        .file(
            "content/neu.md",
            "---\ntitle: Neu\nupdated: 2025-06-01\n---\n\nText.\n",
        )
        .file(
            "content/neu.en.md",
            "---\ntitle: New\nupdated: 2025-03-01\n---\n\nText.\n",
        )
        .file(
            "content/gleich.md",
            "---\ntitle: Gleich\nupdated: 2025-06-01\n---\n\nText.\n",
        )
        .file(
            "content/gleich.en.md",
            "---\ntitle: Same\nupdated: 2025-06-01\n---\n\nText.\n",
        );
    let report = check_of(site.root(), BUILD_DATE, false);
    assert_eq!(outdated(&report), ["content/neu.en.md"]);
    assert!(check::report::human(&report).contains("(`updated`: 2025-06-01 against 2025-03-01)"));
}
