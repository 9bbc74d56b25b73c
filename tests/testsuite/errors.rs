//! Bad input: every problem reported at once, with file, line and column,
//! never a panic, and the previous output left as it was.

use kommhub::Code;

use crate::support::{TestSite, news, report, tree};

#[test]
fn yaml_error_has_md_line_exit_1_and_keeps_previous_output() {
    let site = TestSite::new()
        .file("content/news/2025-01-20-a.md", &news("A", ""))
        .built();
    let before = tree(&site.root().join("public"));
    let site = site.file(
        "content/news/2025-01-20-a.md",
        "---\ntitle: \"A\"\nassociations: [itk]\ntags: [a, b\ncontact: presse\n---\nText\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("content/news/2025-01-20-a.md:5:"),
        "{stderr}"
    );
    assert!(stderr.contains("help:"), "{stderr}");
    assert_eq!(tree(&site.root().join("public")), before);
}

#[test]
fn every_broken_file_is_reported_in_one_run() {
    let site = TestSite::new()
        .file("content/a.md", "---\ntitle: A\nfarbe: rot\n---\n")
        .file("content/b.md", "---\ntitle: [\n---\n")
        .file("content/c.md", "---\ntitle: C\n---\nfine\n");
    let problems = site.errors();
    let files: Vec<_> = problems
        .iter()
        .map(|p| p.file.to_string_lossy().to_string())
        .collect();
    assert_eq!(files, ["content/a.md", "content/b.md"]);
    insta::assert_snapshot!(report(&problems));
}

#[test]
fn unknown_keys_are_named_with_the_nearest_known_one() {
    let page = TestSite::new().file("content/a.md", "---\ntitel: A\n---\n");
    let problems = page.errors();
    assert_eq!(problems[0].message, "unknown key `titel`");
    assert!(problems[0].help.starts_with("did you mean `title`?"));
    assert_eq!((problems[0].line, problems[0].column), (2, 1));

    let config = TestSite::new();
    let yaml = config.read("site.yaml").replace("base_url:", "base_ulr:");
    let config = config.file("site.yaml", &yaml);
    let problems = config.errors();
    insta::assert_snapshot!(report(&problems));
}

#[test]
fn wrong_references_and_missing_alt_text_point_at_their_keys() {
    let site = TestSite::new().file(
        "content/news/2025-01-20-a.md",
        "---\ntitle: A\nassociations: [itx]\ncontact: presse\nimage: { src: a.jpg }\n---\n",
    );
    let problems = site.errors();
    insta::assert_snapshot!(report(&problems));
}

#[test]
fn url_conflicts_name_both_files() {
    let site = TestSite::new()
        .file("content/a.md", "---\ntitle: A\nslug: gleich\n---\n")
        .file("content/gleich.md", "---\ntitle: B\n---\n");
    let problems = site.errors();
    assert_eq!(problems.len(), 1);
    let text = report(&problems);
    assert!(
        text.contains("content/a.md") && text.contains("content/gleich.md"),
        "{text}"
    );
    assert!(text.contains("/gleich/"), "{text}");
}

#[test]
fn slugs_and_aliases_with_dot_dot_are_refused_and_nothing_escapes() {
    let site = TestSite::new()
        .file(
            "content/a.md",
            "---\ntitle: A\nslug: \"../../ausbruch\"\n---\n",
        )
        .file(
            "content/b.md",
            "---\ntitle: B\naliases: [\"/../../ausbruch2/\"]\n---\n",
        )
        .file("content/c.md", "---\ntitle: C\nslug: \"..\"\n---\n");
    let problems = site.errors();
    let codes: Vec<_> = problems.iter().map(|p| p.code).collect();
    assert_eq!(
        codes,
        [
            Code::FrontMatterUnsafeSlug,
            Code::FrontMatterUnsafeAlias,
            Code::FrontMatterUnsafeSlug
        ]
    );
    let parent = site.root().parent().expect("parent");
    assert!(!parent.join("ausbruch").exists() && !parent.join("ausbruch2").exists());
    assert!(!site.exists("public"));
}

#[test]
fn no_input_makes_it_panic() {
    let site = TestSite::new()
        .file("content/leer.md", "")
        .file("content/offen.md", "---\ntitle: Offen\n")
        .file("content/ohne.md", "Nur Text, keine Kopfdaten.\n")
        .bytes("content/latin1.md", b"---\ntitle: Gr\xfc\xdfe\n---\n")
        .bytes(
            "content/binaer.md",
            &[0xff, 0xfe, 0x00, 0x01, 0x89, b'P', b'N', b'G'],
        )
        .bytes("content/bild.png", &[0x89, b'P', b'N', b'G', 0, 0, 0xff]);
    let problems = site.errors();
    insta::assert_snapshot!(report(&problems));
    let run = site.run(&["build"]);
    assert_eq!(run.status.code(), Some(1));
}

#[test]
fn a_template_error_names_the_template_and_line() {
    let site = TestSite::new().file(
        "themes/hub/templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title | nosuchfilter }}\n{% endblock content %}\n",
    ).file("content/a.md", "---\ntitle: A\n---\n");
    let problems = site.errors();
    assert_eq!(
        problems[0].file.to_string_lossy(),
        "themes/hub/templates/page.html"
    );
    assert_eq!(problems[0].line, 3, "{}", report(&problems));
}

#[test]
fn a_missing_translation_string_is_an_error() {
    let site = TestSite::new().file("themes/hub/i18n/en.yaml", "home: \"Home\"\n");
    let problems = site.errors();
    let text = report(&problems);
    assert!(text.contains("themes/hub/i18n/en.yaml"), "{text}");
    assert!(text.contains("`not_found`"), "{text}");
}

#[test]
fn a_mistyped_theme_setting_is_an_error_at_its_line() {
    let site = TestSite::new().file(
        "themes/hub/theme.yaml",
        "# Settings\nimage_size: \"100vw\"\n",
    );
    let problems = site.errors();
    let text = report(&problems);
    assert_eq!(
        problems[0].file.to_string_lossy(),
        "themes/hub/theme.yaml",
        "{text}"
    );
    assert_eq!(problems[0].line, 2, "{text}");
    assert!(text.contains("image_sizes"), "{text}");
}

#[test]
fn a_missing_string_used_by_a_template_is_an_error_at_its_line() {
    let site = TestSite::new().file(
        "themes/hub/templates/404.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ t(key=\"gibt_es_nicht\") }}{% endblock content %}\n",
    );
    let problems = site.errors();
    let text = report(&problems);
    assert!(text.contains("themes/hub/templates/404.html:2:"), "{text}");
    assert!(text.contains("gibt_es_nicht"), "{text}");
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_refused() {
    let outside = tempfile::tempdir().expect("temp");
    std::fs::write(
        outside.path().join("geheim.md"),
        "---\ntitle: Geheim\n---\n",
    )
    .expect("write");
    let site = TestSite::new();
    std::os::unix::fs::symlink(
        outside.path().join("geheim.md"),
        site.root().join("content/geheim.md"),
    )
    .expect("symlink");
    let problems = site.errors();
    assert_eq!(problems[0].code, Code::SourceSymlinkOutside);
    assert_eq!(problems[0].file.to_string_lossy(), "content/geheim.md");
}
