//! Errors that say where and why: one root cause gives one error at the
//! line to fix, never follow-up errors blamed on the theme or on files
//! that are fine.

use kommhub::Code;

use crate::support::{TestSite, copy_dir, news, report};

#[test]
fn a_duplicate_key_is_reported_at_the_duplicate_line() {
    let site = TestSite::new().file(
        "content/a.md",
        "---\ntitle: A\nsummary: Kurz\ntags: [x]\ntitle: B\n---\nText\n",
    );
    let problems = site.errors();
    assert_eq!(problems.len(), 1, "{}", report(&problems));
    assert_eq!(problems[0].code, Code::YamlDuplicateKey);
    assert_eq!((problems[0].line, problems[0].column), (5, 1));
    insta::assert_snapshot!(report(&problems));
}

#[test]
fn impossible_dates_are_named_as_such() {
    let site = TestSite::new()
        .file("content/news/2025-02-30-x.md", &news("X", ""))
        .file("content/news/2025-13-01-y/index.md", &news("Y", ""))
        .file("content/news/z.md", &news("Z", "date: 2024-04-31\n"));
    let problems = site.errors();
    let text = report(&problems);
    assert!(!text.contains("needs a date"), "{text}");
    let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "2025-02-30 does not exist: February 2025 has 28 days",
            "2025-13-01 does not exist: a year has 12 months",
            "2024-04-31 does not exist: April 2024 has 30 days",
        ],
        "{text}"
    );
    assert_eq!(problems[2].line, 5, "{text}");
    insta::assert_snapshot!(text);
}

/// The repository's own theme, in place of the fixture theme.
fn with_hub_theme(site: TestSite) -> TestSite {
    let theme = site.root().join("themes/hub");
    std::fs::remove_dir_all(&theme).unwrap();
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/hub"),
        &theme,
    );
    site
}

#[test]
fn a_release_without_a_date_is_one_error_not_a_template_error_too() {
    for real_theme in [false, true] {
        let site = TestSite::new().file("content/news/ohne-datum.md", &news("Ohne Datum", ""));
        let site = if real_theme {
            with_hub_theme(site)
        } else {
            site
        };
        let problems = site.errors();
        let text = report(&problems);
        let codes: Vec<_> = problems.iter().map(|p| p.code).collect();
        assert_eq!(codes, [Code::FrontMatterNoDate], "{text}");
        assert_eq!(
            problems[0].file.to_string_lossy(),
            "content/news/ohne-datum.md"
        );
    }
}

#[test]
fn a_slug_conflict_is_one_error_on_the_file_whose_slug_claims_the_address() {
    let link = "Siehe [Kooperation](@/news/2025-01-20-kooperation.md).\n";
    let site = TestSite::new()
        .file(
            "content/news/2025-01-20-kooperation.md",
            &news("Kooperation", ""),
        )
        .file(
            "content/news/2025-01-01-neu.md",
            &news("Neu", "slug: kooperation\n"),
        )
        .file("content/a.md", &format!("---\ntitle: A\n---\n{link}"))
        .file("content/b.md", &format!("---\ntitle: B\n---\n{link}"))
        .file(
            "content/news/2025-02-01-c.md",
            &news("C", "").replace("Text der Meldung.", link),
        );
    let problems = site.errors();
    let text = report(&problems);
    assert_eq!(problems.len(), 1, "{text}");
    assert_eq!(problems[0].code, Code::UrlConflict);
    assert_eq!(
        problems[0].file.to_string_lossy(),
        "content/news/2025-01-01-neu.md"
    );
    assert_eq!(problems[0].line, 5, "{text}");
    assert!(
        text.contains("content/news/2025-01-20-kooperation.md"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}
