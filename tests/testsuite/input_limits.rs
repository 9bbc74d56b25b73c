//! Bounded work on any input: files that are not files, YAML too big or
//! too deep, names too long for a file system. Each build must finish with
//! an error or warning at the input's line instead of hanging or failing
//! with an OS error.

use std::sync::mpsc;
use std::time::Duration;

use kommhub::{BuildFailure, Code, Diagnostic};

use crate::support::{TestSite, report};

/// Builds on another thread, so a build that hangs fails the test instead
/// of blocking the whole suite. The bound is generous: it only catches
/// "never", it does not measure speed.
fn build_finishing(site: &TestSite) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let options = site.options();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(kommhub::build(&options));
    });
    match receiver.recv_timeout(Duration::from_secs(120)) {
        Ok(Ok(report)) => Ok(report.warnings),
        Ok(Err(BuildFailure::Content(problems))) => Err(problems),
        Ok(Err(BuildFailure::Io(error))) => panic!("io error: {error}"),
        Err(_) => panic!("the build did not finish"),
    }
}

/// (file, line, code) of every problem, in order.
fn places(problems: &[Diagnostic]) -> Vec<(String, usize, Code)> {
    problems
        .iter()
        .map(|p| (p.file.to_string_lossy().to_string(), p.line, p.code))
        .collect()
}

fn mkfifo(site: &TestSite, path: &str) {
    let target = site.root().join(path);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(&target)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

#[test]
fn a_fifo_in_content_or_theme_is_skipped_with_a_warning() {
    let site = TestSite::new().file("content/a.md", "---\ntitle: A\n---\nText\n");
    mkfifo(&site, "content/x.md");
    mkfifo(&site, "content/news/bild.jpg");
    mkfifo(&site, "themes/hub/static/pipe.css");
    mkfifo(&site, "themes/hub/templates/pipe.html");
    let warnings = build_finishing(&site).unwrap_or_else(|e| panic!("{}", report(&e)));
    let named: Vec<_> = warnings
        .iter()
        .filter(|w| w.code == Code::SourceSpecialFile)
        .map(|w| w.file.to_string_lossy().to_string())
        .collect();
    assert_eq!(
        named,
        [
            "content/news/bild.jpg",
            "content/x.md",
            "themes/hub/static/pipe.css",
            "themes/hub/templates/pipe.html"
        ]
    );
    assert!(site.exists("public/a/index.html"));
    assert!(!site.exists("public/pipe.css"));
}

#[test]
fn a_fifo_as_site_yaml_or_strings_file_is_an_error_not_a_hang() {
    let site = TestSite::new();
    std::fs::remove_file(site.root().join("themes/hub/i18n/en.yaml")).unwrap();
    mkfifo(&site, "themes/hub/i18n/en.yaml");
    let errors = build_finishing(&site).expect_err("a strings file that is a pipe");
    assert!(
        errors
            .iter()
            .any(|e| e.code == Code::ThemeI18nMissing && e.message.contains("not a regular file")),
        "{}",
        report(&errors)
    );
    std::fs::remove_file(site.root().join("site.yaml")).unwrap();
    mkfifo(&site, "site.yaml");
    let errors = build_finishing(&site).expect_err("a site.yaml that is a pipe");
    assert_eq!(errors.len(), 1, "{}", report(&errors));
    assert_eq!(errors[0].code, Code::ConfigMissing);
    assert!(errors[0].message.contains("not a regular file"));
}

#[test]
fn deep_and_huge_front_matter_is_refused_at_its_line() {
    let flow_list = |bytes| format!("---\ntitle: Tief\ntags: {}\n---\nText\n", "[".repeat(bytes));
    let huge = format!(
        "---\ntitle: Groß\ntags: [{}]\n---\nText\n",
        "a, ".repeat(30_000)
    );
    let nested_blocks: String = (0..40)
        .map(|level| format!("{}k{level}:\n", "  ".repeat(level)))
        .collect();
    let site = TestSite::new()
        .file("content/tief.md", &flow_list(60 * 1024))
        .file("content/riesig.md", &flow_list(200 * 1024))
        .file("content/gross.md", &huge)
        .file(
            "content/stufen.md",
            &format!("---\ntitle: Stufen\nextra:\n{nested_blocks}---\n"),
        );
    let problems = build_finishing(&site).expect_err("the build must fail");
    let found = places(&problems);
    assert_eq!(
        found,
        [
            ("content/gross.md".to_string(), 2, Code::YamlTooLarge),
            ("content/riesig.md".to_string(), 2, Code::YamlTooLarge),
            ("content/stufen.md".to_string(), 36, Code::YamlTooDeep),
            ("content/tief.md".to_string(), 3, Code::YamlTooDeep),
        ]
    );
    insta::assert_snapshot!(report(&problems));
}

#[test]
fn over_long_slugs_tags_aliases_and_file_names_are_errors_at_their_line() {
    let long = "a".repeat(300);
    let file_name = format!("content/{}.md", "b".repeat(230));
    let site = TestSite::new()
        .file(
            "content/slug.md",
            &format!("---\ntitle: Slug\nslug: {long}\n---\n"),
        )
        .file(
            "content/news/2025-01-20-tag.md",
            &crate::support::news("Tag", &format!("tags: [kurz, \"{long}\"]\n")),
        )
        .file(
            "content/alias.md",
            &format!("---\ntitle: Alias\naliases: [\"/alt/{long}/\"]\n---\n"),
        )
        .file(&file_name, "---\ntitle: Name\n---\n");
    let problems = build_finishing(&site).expect_err("the build must fail");
    let found = places(&problems);
    assert_eq!(
        found,
        [
            ("content/alias.md".to_string(), 3, Code::FrontMatterTooLong),
            (file_name, 0, Code::SourceNameTooLong),
            (
                "content/news/2025-01-20-tag.md".to_string(),
                5,
                Code::FrontMatterTooLong
            ),
            ("content/slug.md".to_string(), 3, Code::FrontMatterTooLong),
        ],
        "{}",
        report(&problems)
    );
    assert!(problems.iter().all(|p| p.help.contains("255 bytes")));
    insta::assert_snapshot!(report(&problems));
}

#[test]
fn kommhub_new_with_a_300_character_title_makes_a_short_file_name() {
    let site = TestSite::new();
    let title = "Verbandsversammlung beschließt Haushalt ".repeat(8);
    let run = site.run(&["new", "news", title.trim()]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let created: Vec<_> = std::fs::read_dir(site.root().join("content/news"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(created.len(), 1);
    let name = &created[0];
    // Cut after the last whole word within 80 characters.
    assert_eq!(
        name,
        "2026-01-01-verbandsversammlung-beschliesst-haushalt-verbandsversammlung-beschliesst.md"
    );
    let text = site.read(&format!("content/news/{name}"));
    assert!(text.contains(title.trim()), "the title is kept whole");

    let word = "x".repeat(300);
    let refused = site.run(&["new", "news", &word]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("first word is longer than 80"), "{stderr}");
    assert!(!stderr.contains("too long (os error"), "{stderr}");
}
