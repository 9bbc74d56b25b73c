//! The serve engine against a full build, byte for byte, after every kind
//! of edit a staff member makes (issue 16).
//!
//! The site is a copy of the repository's own hub (its content, theme and
//! site.yaml), so every template and view of the real theme takes part.
//! Each step changes files, hands the engine what the watcher would report,
//! and then compares the preview folder with a fresh `build` of the same
//! files; a stale or missing file fails the step that caused it.

use std::path::PathBuf;

use kommhub::pipeline::{BuildOptions, Changes, classify};
use kommhub::serve::{Rebuilt, Session};

use crate::support::{Hub, assert_preview_equals_build};

/// Pages a browser has open during every step: the home pages and the
/// press listing, which a structural edit reaches.
const SHOWN: &[&str] = &["/", "/presse/", "/en/"];

/// Runs the session after `paths` changed (as the watcher reports them),
/// with [`SHOWN`] open, and compares the preview with a full build.
fn step(hub: &Hub, session: &mut Session, what: &str, paths: &[PathBuf]) -> usize {
    stepped(hub, session, what, paths).rendered
}

/// [`step`], returning what the run did.
fn stepped(hub: &Hub, session: &mut Session, what: &str, paths: &[PathBuf]) -> Rebuilt {
    let changes: Changes = classify(hub.root(), "hub", paths, &[]);
    assert!(!changes.is_empty(), "{what}: nothing to do for {paths:?}");
    let shown: Vec<String> = SHOWN.iter().map(|page| page.to_string()).collect();
    let rebuilt = session
        .rebuild(&changes, &shown, &mut |_| {})
        .unwrap_or_else(|problems| {
            panic!("{what}: {}", kommhub::diagnostics::render_report(&problems))
        });
    assert_same_as_build(hub, what);
    rebuilt
}

fn assert_same_as_build(hub: &Hub, what: &str) {
    let options = BuildOptions {
        output: Some(hub.root().join("full")),
        ..hub.options()
    };
    assert_preview_equals_build(options, &hub.root().join("preview"), what);
}

/// An edit that leaves the site's structure alone is patched into the
/// last model, not assembled again (what keeps a body edit fast).
fn assert_patched(run: &Rebuilt, what: &str) {
    let stages: Vec<&str> = run.stages.iter().map(|(name, _)| *name).collect();
    assert!(
        stages.contains(&"patch") && !stages.contains(&"assemble"),
        "{what}: the edit was not patched in; stages {stages:?}"
    );
}

const RELEASE: &str = "content/news/2024-09-03-ausbildungsstart.md";
const TITLE: &str = "title: \"Neue Auszubildende starten bei der kdvz Rhein-Erft-Rur\"";

#[test]
fn every_kind_of_edit_leaves_the_preview_equal_to_a_full_build() {
    let hub = Hub::new();
    let mut session = Session::new(hub.options(), hub.root().join("preview"));
    let first = session
        .rebuild(&Changes::everything(), &[], &mut |_| {})
        .expect("first run");
    assert_same_as_build(&hub, "first run");
    let everything = first.rendered;

    let body = hub.edit(RELEASE, "## Ausbildung", "Ein neuer Satz.\n\n## Ausbildung");
    let run = stepped(&hub, &mut session, "body", &[body]);
    assert_patched(&run, "body");
    assert!(
        run.rendered < everything / 4,
        "a body edit rendered {} of {everything}",
        run.rendered
    );
    let title = hub.edit(RELEASE, TITLE, "title: \"Ausbildungsstart 2024\"");
    assert_patched(&stepped(&hub, &mut session, "title", &[title]), "title");
    let summary = hub.edit(RELEASE, "summary: \"Zum 1.", "summary: \"Seit dem 1.");
    assert_patched(
        &stepped(&hub, &mut session, "summary", &[summary]),
        "summary",
    );

    // A date written into the front matter moves the release to the top
    // of the listings and numbers two years again, without assembling
    // the model again; taken out, it moves back.
    let dated_here = hub.edit(
        RELEASE,
        "place: \"Frechen\"",
        "date: 2026-11-29\nplace: \"Frechen\"",
    );
    let run = stepped(
        &hub,
        &mut session,
        "date in the front matter",
        &[dated_here],
    );
    assert_patched(&run, "date in the front matter");
    assert!(
        run.early.contains(&"/presse/".to_string()),
        "written first: {:?}",
        run.early
    );
    let undated = hub.edit(RELEASE, "date: 2026-11-29\n", "");
    assert_patched(
        &stepped(&hub, &mut session, "date taken out", &[undated]),
        "date taken out",
    );

    // From 2024 to the newest date, with its translation: listings
    // reorder, running numbers shift in both years.
    let old = "content/news/2024-11-12-informationssicherheit-workshop";
    let dated = "content/news/2026-11-30-informationssicherheit-workshop.md";
    let mut moved = hub.rename(&format!("{old}.md"), dated);
    moved.extend(hub.rename(
        &format!("{old}.en.md"),
        "content/news/2026-11-30-informationssicherheit-workshop.en.md",
    ));
    let dated_run = stepped(&hub, &mut session, "date", &moved);
    // The listing a browser shows is written before the rest of the run.
    assert!(
        dated_run.early.contains(&"/presse/".to_string()),
        "written first: {:?}",
        dated_run.early
    );

    let tagged = hub.edit(
        dated,
        "tags: [\"Informationssicherheit\"",
        "tags: [\"Messwert\", \"Informationssicherheit\"",
    );
    let run = stepped(&hub, &mut session, "tag added", &[tagged]);
    assert_patched(&run, "tag added");
    let rendered = run.rendered;
    // A new tag makes the listings again; what did not change is not
    // rendered again (an input that differs on every run would fail this).
    assert!(
        rendered < everything / 4,
        "a tag rendered {rendered} of {everything}"
    );
    assert!(
        hub.root()
            .join("preview/presse/themen/messwert/index.html")
            .is_file()
    );
    let untagged = hub.edit(dated, "tags: [\"Messwert\", ", "tags: [");
    assert_patched(
        &stepped(&hub, &mut session, "tag removed", &[untagged]),
        "tag removed",
    );
    assert!(
        !hub.root()
            .join("preview/presse/themen/messwert/index.html")
            .exists()
    );

    let text = hub.read(dated).replacen(
        "title: \"Informationssicherheit: kdvz Rhein-Erft-Rur lädt Kommunen zum Fachtag\"",
        "title: \"Neu im Hub\"",
        1,
    );
    assert!(text.contains("Neu im Hub"));
    let new = hub.write("content/news/2026-12-01-neu-im-hub.md", &text);
    step(&hub, &mut session, "new file", &[new]);
    let renamed = hub.rename(
        "content/news/2026-12-01-neu-im-hub.md",
        "content/news/2026-12-01-umbenannt.md",
    );
    step(&hub, &mut session, "renamed file", &renamed);
    let english = hub.write(
        "content/news/2026-12-01-umbenannt.en.md",
        &text.replacen("title: \"Neu im Hub\"", "title: \"New at the hub\"", 1),
    );
    step(&hub, &mut session, "translation", &[english]);
    let deleted = vec![
        hub.remove("content/news/2026-12-01-umbenannt.md"),
        hub.remove("content/news/2026-12-01-umbenannt.en.md"),
    ];
    step(&hub, &mut session, "deleted files", &deleted);

    standards(&hub, &mut session);
    site_wide(&hub, &mut session);
}

/// A standard's new version, and a status that changes.
fn standards(hub: &Hub, session: &mut Session) {
    let draft = hub
        .read("content/standards/passwortrichtlinie/1.0.md")
        .lines()
        .filter(|line| {
            ![
                "adopted:",
                "effective:",
                "decided_by:",
                "decision:",
                "valid_until:",
                "withdrawn:",
            ]
            .iter()
            .any(|key| line.starts_with(key))
        })
        .map(|line| match line {
            l if l.starts_with("version:") => "version: \"2.0\"".to_string(),
            l if l.starts_with("status:") => "status: draft".to_string(),
            l => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let version = hub.write(
        "content/standards/passwortrichtlinie/2.0.md",
        &format!("{draft}\n"),
    );
    step(hub, session, "standard version", &[version]);
    let status = hub.edit(
        "content/standards/passwortrichtlinie/2.0.md",
        "status: draft",
        "status: consultation\ncomments_until: 2027-03-31",
    );
    step(hub, session, "standard status", &[status]);
}

/// Section, role page, strings, template, static file and site.yaml.
fn site_wide(hub: &Hub, session: &mut Session) {
    let section = hub.edit("content/news/_index.md", "title: ", "title: Aktuelles – ");
    step(hub, session, "_index.md", &[section]);
    let role = hub.edit("content/impressum.md", "title: ", "title: Angaben – ");
    step(hub, session, "role page", &[role]);
    let strings = hub.edit(
        "themes/hub/i18n/de.yaml",
        "nav_home: \"Startseite\"",
        "nav_home: \"Start\"",
    );
    step(hub, session, "i18n string", &[strings]);
    let template = hub.edit(
        "themes/hub/templates/news.html",
        "{% block content %}",
        "{% block content %}<!-- geändert -->",
    );
    step(hub, session, "template", &[template]);
    let css = hub.root().join("themes/hub/static/style.css");
    let mut style = std::fs::read_to_string(&css).expect("style.css");
    style.push_str("\n/* geändert */\n");
    std::fs::write(&css, style).expect("write");
    step(hub, session, "static file", &[css]);
    let config = hub.edit("site.yaml", "de: \"", "de: \"Neu: ");
    step(hub, session, "site.yaml", &[config]);
}

/// A run that writes the shown page first and then fails (a template
/// error in a page nobody shows) leaves files the memory does not know:
/// a new release's page, a listing in its new order, a deleted release's
/// page gone. The next good run must put all of them right.
#[test]
fn a_run_that_fails_after_writing_the_shown_page_is_put_right_by_the_next() {
    let hub = Hub::new();
    let mut session = Session::new(hub.options(), hub.root().join("preview"));
    session
        .rebuild(&Changes::everything(), &[], &mut |_| {})
        .expect("first run");
    let shown = vec!["/presse/".to_string()];
    let standard = "themes/hub/templates/standard.html";
    let template = hub.read(standard);
    let gone = "content/news/2026-02-10-schulung-barrierefreie-redaktion.md";
    let deleted = hub.read(gone);

    let mut changed = vec![
        hub.edit(
            standard,
            "{% block content %}",
            "{% block content %}{{ nichts.da }}",
        ),
        hub.write(
            "content/news/2026-11-20-zwischenstand.md",
            &hub.read(RELEASE)
                .replacen(TITLE, "title: \"Zwischenstand\"", 1),
        ),
        hub.remove(gone),
    ];
    let mut early = Vec::new();
    let failed = session.rebuild(
        &classify(hub.root(), "hub", &changed, &[]),
        &shown,
        &mut |updated| early.extend(updated.changed.clone()),
    );
    assert!(failed.is_err(), "the broken template must fail the run");
    assert!(early.contains(&"/presse/".to_string()), "{early:?}");
    assert!(
        hub.root()
            .join("preview/presse/zwischenstand/index.html")
            .is_file(),
        "the new page was written first: {early:?}"
    );

    changed = vec![
        hub.write(standard, &template),
        hub.remove("content/news/2026-11-20-zwischenstand.md"),
        hub.write(gone, &deleted),
    ];
    session
        .rebuild(
            &classify(hub.root(), "hub", &changed, &[]),
            &shown,
            &mut |_| {},
        )
        .unwrap_or_else(|problems| panic!("{}", kommhub::diagnostics::render_report(&problems)));
    assert_same_as_build(&hub, "after the failed run");
}
