//! Nothing is read from outside the site root: symlinks that lead out of it
//! (theme, site.yaml, strings, templates, static files, bundle files) and
//! `theme:` values that climb out are errors naming the file, and paths
//! written in content that leave the page's folder are errors at their
//! line. A secret in the place outside must appear in no output file and
//! no message.
#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::Path;

use kommhub::Diagnostic;
use kommhub::check::{self, Report};

use crate::support::{TestSite, copy_dir, news, report, tree};

/// What the place outside the root holds; must never show up.
const SECRET: &str = "GEHEIM-7f3a9c-NICHT-VEROEFFENTLICHEN";

/// A folder outside the site root holding the secret in a theme (its
/// templates, strings and style sheet), a site.yaml, a passwd-like file
/// and an image.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp");
    let theme = dir.path().join("theme");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/theme"),
        &theme,
    );
    let page = theme.join("templates/page.html");
    let text = std::fs::read_to_string(&page).expect("read");
    std::fs::write(&page, text.replace("<h1>", &format!("<h1>{SECRET} "))).expect("write");
    std::fs::write(theme.join("static/style.css"), format!("/* {SECRET} */\n")).expect("write");
    let site_yaml = crate::support::SITE_YAML.replace("Testhub", SECRET);
    std::fs::write(dir.path().join("site.yaml"), site_yaml).expect("write");
    std::fs::write(
        dir.path().join("passwd"),
        format!("root:x:0:0:{SECRET}:/root:/bin/bash\n"),
    )
    .expect("write");
    std::fs::write(dir.path().join("geheim.css"), format!("/* {SECRET} */\n")).expect("write");
    std::fs::write(dir.path().join("geheim.pdf"), SECRET).expect("write");
    dir
}

fn link(target: &Path, site: &TestSite, at: &str) {
    let at = site.root().join(at);
    if at.exists() || at.symlink_metadata().is_ok() {
        if at.is_dir() && !at.symlink_metadata().expect("meta").is_symlink() {
            std::fs::remove_dir_all(&at).expect("remove");
        } else {
            std::fs::remove_file(&at).expect("remove");
        }
    }
    std::fs::create_dir_all(at.parent().expect("parent")).expect("mkdir");
    symlink(target, &at).expect("symlink");
}

/// Builds, expects errors, and checks that the secret is in no message
/// and no file written below the root. Returns the errors.
fn refused(site: &TestSite) -> Vec<Diagnostic> {
    let problems = site.errors();
    let text = report(&problems);
    assert!(!text.contains(SECRET), "{text}");
    let run = site.run(&["build"]);
    assert_eq!(run.status.code(), Some(1));
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!printed.contains(SECRET), "{printed}");
    let check = site.run(&["check"]);
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(!printed.contains(SECRET), "{printed}");
    assert_secret_not_published(site);
    problems
}

fn assert_secret_not_published(site: &TestSite) {
    for dir in ["public", ".kommhub-cache"] {
        let path = site.root().join(dir);
        if path.exists() {
            for (name, bytes) in tree(&path) {
                assert!(
                    !String::from_utf8_lossy(&bytes).contains(SECRET),
                    "{dir}/{name} holds the secret"
                );
            }
        }
    }
}

/// `code file` of every problem.
fn codes(problems: &[Diagnostic]) -> Vec<String> {
    problems
        .iter()
        .map(|p| format!("{} {}", p.code, p.file.display()))
        .collect()
}

#[test]
fn a_theme_folder_linked_out_of_the_root_is_refused() {
    let away = outside();
    let site = TestSite::new();
    link(&away.path().join("theme"), &site, "themes/hub");
    let problems = refused(&site);
    assert_eq!(
        codes(&problems),
        ["theme/symlink-outside themes/hub"],
        "{}",
        report(&problems)
    );
}

#[test]
fn a_theme_that_climbs_out_with_dot_dot_is_refused_at_its_line() {
    let away = outside();
    let site = TestSite::new();
    // themes/../../<outside>/theme: both temporary folders share a parent.
    let name = away.path().file_name().expect("name").to_string_lossy();
    let yaml = format!(
        "{}theme: \"../../{name}/theme\"\n",
        crate::support::SITE_YAML
    );
    let site = site.file("site.yaml", &yaml);
    let problems = refused(&site);
    assert_eq!(codes(&problems), ["config/unsafe-theme site.yaml"]);
    assert_eq!((problems[0].line, problems[0].column), (11, 1));
    assert!(
        problems[0].help.contains("theme: hub"),
        "{}",
        problems[0].help
    );
}

#[test]
fn an_absolute_theme_path_is_refused_at_its_line() {
    let away = outside();
    let yaml = format!(
        "{}theme: \"{}\"\n",
        crate::support::SITE_YAML,
        away.path().join("theme").display()
    );
    let site = TestSite::new().file("site.yaml", &yaml);
    let problems = refused(&site);
    assert_eq!(codes(&problems), ["config/unsafe-theme site.yaml"]);
    assert_eq!(problems[0].line, 11);
}

#[test]
fn a_site_yaml_linked_out_of_the_root_is_refused() {
    let away = outside();
    let site = TestSite::new();
    link(&away.path().join("site.yaml"), &site, "site.yaml");
    let problems = refused(&site);
    assert_eq!(codes(&problems), ["config/symlink-outside site.yaml"]);
}

#[test]
fn a_strings_file_linked_to_a_secret_file_is_not_read() {
    let away = outside();
    let site = TestSite::new();
    link(
        &away.path().join("passwd"),
        &site,
        "themes/hub/i18n/de.yaml",
    );
    let problems = refused(&site);
    assert_eq!(
        codes(&problems),
        ["theme/symlink-outside themes/hub/i18n/de.yaml"],
        "{}",
        report(&problems)
    );
}

#[test]
fn a_template_linked_out_of_the_root_is_refused() {
    let away = outside();
    let site = TestSite::new();
    link(
        &away.path().join("theme/templates/page.html"),
        &site,
        "themes/hub/templates/page.html",
    );
    let problems = refused(&site);
    assert!(
        codes(&problems).contains(&"theme/symlink-outside themes/hub/templates/page.html".into()),
        "{}",
        report(&problems)
    );
}

#[test]
fn a_static_file_linked_out_of_the_root_is_refused() {
    let away = outside();
    let site = TestSite::new();
    link(
        &away.path().join("geheim.css"),
        &site,
        "themes/hub/static/geheim.css",
    );
    let problems = refused(&site);
    assert_eq!(
        codes(&problems),
        ["theme/symlink-outside themes/hub/static/geheim.css"]
    );
}

#[test]
fn a_bundle_file_linked_out_of_the_root_is_refused() {
    let away = outside();
    let site = TestSite::new().file(
        "content/news/2025-01-20-a/index.md",
        &news("A", "date: 2025-01-20\n"),
    );
    link(
        &away.path().join("geheim.pdf"),
        &site,
        "content/news/2025-01-20-a/geheim.pdf",
    );
    let problems = refused(&site);
    assert_eq!(
        codes(&problems),
        ["source/symlink-outside content/news/2025-01-20-a/geheim.pdf"]
    );
}

#[test]
fn symlinks_that_stay_inside_the_root_are_followed() {
    let site = TestSite::new();
    let root = site.root().to_path_buf();
    std::fs::rename(root.join("themes/hub"), root.join("themes/echt")).expect("move");
    symlink(root.join("themes/echt"), root.join("themes/hub")).expect("symlink");
    link(
        &root.join("themes/echt/static/style.css"),
        &site,
        "themes/echt/static/kopie.css",
    );
    link(
        &root.join("themes/echt/templates/page.html"),
        &site,
        "themes/echt/templates/section.html",
    );
    std::fs::create_dir_all(root.join("config")).expect("mkdir");
    std::fs::rename(root.join("site.yaml"), root.join("config/site.yaml")).expect("move");
    symlink(root.join("config/site.yaml"), root.join("site.yaml")).expect("symlink");
    let site = site.built();
    assert_eq!(
        site.read("public/kopie.css"),
        site.read("themes/echt/static/style.css")
    );
    assert!(site.read("public/index.html").contains("Start"));
}

/// A press release whose template shows `page.image_url`, as the hub
/// theme's partial does, so a bad `src` would reach the output.
fn site_showing_image_url() -> TestSite {
    let site = TestSite::new();
    let template = site.read("themes/hub/templates/news.html").replace(
        "{% if page.image_set %}",
        "{% if page.image_url %}<img src=\"{{ page.image_url }}\" alt=\"{{ page.image.alt }}\">{% endif %}{% if page.image_set %}",
    );
    site.file("themes/hub/templates/news.html", &template)
}

#[test]
fn an_image_src_with_dot_dot_is_an_error_at_its_line_and_check_reports_it_once() {
    let site = site_showing_image_url().file(
        "content/news/2025-01-20-a/index.md",
        &news(
            "A",
            "date: 2025-01-20\nimage:\n  src: \"../../geheim.jpg\"\n  alt: \"Foto\"\n  credit: \"Presse\"\n",
        ),
    );
    let problems = refused(&site);
    assert_eq!(
        codes(&problems),
        ["front-matter/unsafe-path content/news/2025-01-20-a/index.md"]
    );
    assert_eq!((problems[0].line, problems[0].column), (7, 9));
    assert_one_finding_at_the_content_line(
        site.root(),
        "front-matter/unsafe-path content/news/2025-01-20-a/index.md:7",
    );
}

/// `check` reports the path once, at the content line, and blames no
/// template and no link for it.
fn assert_one_finding_at_the_content_line(root: &Path, expected: &str) {
    let report = check_of(root);
    let found: Vec<String> = report
        .findings
        .iter()
        .filter(|d| {
            d.code.as_str().ends_with("unsafe-path")
                || d.code.as_str().starts_with("link/")
                || d.file.starts_with("themes")
        })
        .map(|d| format!("{} {}:{}", d.code, d.file.display(), d.line))
        .collect();
    assert_eq!(found, [expected]);
}

#[test]
fn an_absolute_image_src_is_an_error_at_its_line() {
    let site = site_showing_image_url().file(
        "content/news/2025-01-20-a.md",
        &news(
            "A",
            "image: { src: \"/etc/geheim.jpg\", alt: \"Foto\", credit: \"Presse\" }\n",
        ),
    );
    let problems = refused(&site);
    assert_eq!(
        codes(&problems),
        ["front-matter/unsafe-path content/news/2025-01-20-a.md"]
    );
    assert_eq!((problems[0].line, problems[0].column), (5, 16));
}

#[test]
fn a_markdown_image_with_dot_dot_is_an_error_at_its_line() {
    let site = TestSite::new().file(
        "content/ueber.md",
        "---\ntitle: Über\n---\n\nText.\n\nDie Karte: ![Karte](../../geheim.png)\n",
    );
    let problems = refused(&site);
    assert_eq!(codes(&problems), ["markdown/unsafe-path content/ueber.md"]);
    assert_eq!((problems[0].line, problems[0].column), (7, 12));
    assert_one_finding_at_the_content_line(site.root(), "markdown/unsafe-path content/ueber.md:7");
}

#[test]
fn a_markdown_link_climbing_out_with_dot_dot_is_an_error_at_its_line() {
    let site = TestSite::new().file(
        "content/ueber.md",
        "---\ntitle: Über\n---\n\n[Satzung](../../../geheim.pdf)\n",
    );
    let problems = refused(&site);
    assert_eq!(codes(&problems), ["markdown/unsafe-path content/ueber.md"]);
    assert_eq!((problems[0].line, problems[0].column), (5, 1));
    assert!(problems[0].help.contains("@/"), "{}", problems[0].help);
}

#[test]
fn a_download_with_dot_dot_is_an_error_at_its_line() {
    let site = TestSite::new()
        .file("content/standards/_index.md", "---\ntitle: Standards\n---\n")
        .file(
            "content/standards/meta/1.0.md",
            "---\ntitle: \"Metadaten\"\nid: HUB-STD-0004\nversion: \"1.0\"\nstatus: draft\nassociations: [itk]\ndownloads:\n  - felder.csv\n  - \"../../../geheim.pdf\"\n---\n\nText.\n",
        )
        .file("content/standards/meta/felder.csv", "feld\n");
    let problems = refused(&site);
    assert_eq!(
        codes(&problems),
        ["front-matter/unsafe-path content/standards/meta/1.0.md"],
        "{}",
        report(&problems)
    );
    assert_eq!((problems[0].line, problems[0].column), (9, 6));
}

fn check_of(root: &Path) -> Report {
    let options = kommhub::BuildOptions::new(
        root,
        jiff::Timestamp::from_second(crate::support::BUILD_DATE).expect("date"),
    );
    match kommhub::pipeline::check_input(&options) {
        Ok((input, _)) => check::run(&input, false),
        Err(problems) => Report::of_failure(problems, false),
    }
}
