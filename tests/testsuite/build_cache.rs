//! The build cache (issue 17): a build after edits renders only the units
//! whose inputs changed, keeps the published files of the others, and
//! writes exactly the site a build from scratch writes, byte for byte,
//! precompressed siblings, search index and all. A cache that cannot be
//! trusted is ignored with a note.

use std::path::{Path, PathBuf};

use kommhub::{BuildOptions, BuildReport};

use crate::support::{Hub, tree};

fn build(hub: &Hub, adjust: impl FnOnce(&mut BuildOptions)) -> BuildReport {
    let mut options = hub.options();
    adjust(&mut options);
    kommhub::build(&options).unwrap_or_else(|failure| panic!("the build fails: {failure:?}"))
}

/// Builds with the cache into `public/`, then from scratch into `clean/`,
/// and compares the two folders whole.
fn step(hub: &Hub, what: &str) -> BuildReport {
    let report = build(hub, |_| {});
    build(hub, |options| {
        options.output = Some(hub.root().join("clean"));
        options.cache = false;
    });
    assert_same_tree(&hub.root().join("public"), &hub.root().join("clean"), what);
    report
}

fn assert_same_tree(a: &Path, b: &Path, what: &str) {
    let (a, b) = (tree(a), tree(b));
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "{what}: other files");
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{what}: {name} differs from a build from scratch");
    }
}

const RELEASE: &str = "content/news/2024-09-03-ausbildungsstart.md";

#[test]
fn every_kind_of_edit_builds_what_a_build_from_scratch_builds() {
    let hub = Hub::new();
    let first = build(&hub, |_| {});
    assert!(!first.resumed);
    assert!(first.notes.iter().any(|n| n.contains("no build cache")));
    let again = build(&hub, |_| {});
    assert!(again.resumed && again.notes.is_empty(), "{:?}", again.notes);
    assert_eq!((again.rendered, again.written.written), (0, 0));

    hub.edit(RELEASE, "## Ausbildung", "Ein neuer Satz.\n\n## Ausbildung");
    let report = step(&hub, "body");
    assert!(report.resumed);
    assert!(
        report.rendered < first.rendered / 4,
        "a body edit rendered {} of {}",
        report.rendered,
        first.rendered
    );
    hub.edit(RELEASE, "title: \"Neue", "title: \"Zwei neue");
    step(&hub, "title");
    let old = "content/news/2024-11-12-informationssicherheit-workshop";
    let dated = "content/news/2026-11-30-informationssicherheit-workshop.md";
    hub.rename(&format!("{old}.md"), dated);
    hub.rename(
        &format!("{old}.en.md"),
        "content/news/2026-11-30-informationssicherheit-workshop.en.md",
    );
    step(&hub, "date");
    hub.edit(dated, "tags: [\"", "tags: [\"Messwert\", \"");
    step(&hub, "tag added");
    assert!(
        hub.root()
            .join("public/presse/themen/messwert/index.html")
            .is_file()
    );
    hub.edit(dated, "tags: [\"Messwert\", ", "tags: [");
    step(&hub, "tag removed");
    assert!(!hub.root().join("public/presse/themen/messwert").exists());

    let text = hub.read(dated);
    hub.write("content/news/2026-12-01-neu-im-hub.md", &text);
    step(&hub, "new file");
    hub.rename(
        "content/news/2026-12-01-neu-im-hub.md",
        "content/news/2026-12-01-umbenannt.md",
    );
    step(&hub, "renamed file");
    hub.remove("content/news/2026-12-01-umbenannt.md");
    step(&hub, "deleted file");
    site_wide(&hub);
}

/// Strings, a template, a static file, a standard and site.yaml.
fn site_wide(hub: &Hub) {
    hub.edit("content/news/_index.md", "title: ", "title: Aktuelles – ");
    step(hub, "_index.md");
    hub.edit(
        "themes/hub/i18n/de.yaml",
        "nav_home: \"Startseite\"",
        "nav_home: \"Start\"",
    );
    step(hub, "i18n string");
    hub.edit(
        "themes/hub/templates/news.html",
        "{% block content %}",
        "{% block content %}<!-- geändert -->",
    );
    step(hub, "template");
    let css = hub.root().join("themes/hub/static/style.css");
    let mut style = std::fs::read_to_string(&css).expect("style.css");
    style.push_str("\n/* geändert */\n");
    std::fs::write(&css, style).expect("write");
    step(hub, "static file");
    hub.edit(
        "content/standards/passwortrichtlinie/1.0.md",
        "title: \"",
        "title: \"Neu – ",
    );
    step(hub, "standard");
    hub.edit("site.yaml", "de: \"", "de: \"Neu: ");
    let report = step(hub, "site.yaml");
    assert!(!report.resumed, "a new site.yaml renders everything");
    assert!(report.notes.iter().any(|n| n.contains("site.yaml")));
}

/// The cache file of the hub's `public/`.
fn cache_file(hub: &Hub) -> PathBuf {
    let dir = hub.root().join(".kommhub-cache/build");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("cache folder")
        .map(|entry| entry.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.remove(0)
}

#[test]
fn a_cache_that_cannot_be_trusted_is_ignored_with_a_note() {
    let hub = Hub::new();
    build(&hub, |_| {});
    let file = cache_file(&hub);
    let text = std::fs::read_to_string(&file).expect("cache");

    std::fs::write(&file, &text[..text.len() / 2]).expect("truncate");
    let report = step(&hub, "damaged cache");
    assert!(!report.resumed);
    assert!(
        report.notes.iter().any(|n| n.contains("damaged")),
        "{:?}",
        report.notes
    );

    let text = std::fs::read_to_string(&file).expect("cache");
    let version = format!("\"kommhub\":\"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(text.contains(&version));
    std::fs::write(&file, text.replace(&version, "\"kommhub\":\"0.0.1\"")).expect("write");
    let report = step(&hub, "other version");
    assert!(!report.resumed);
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("another build of kommhub"))
    );

    // A cache whose unit claims a file outside the site is refused whole.
    let text = std::fs::read_to_string(&file).expect("cache");
    let escaping = text.replacen("\"files\":[\"", "\"files\":[\"../../outside/", 1);
    assert_ne!(escaping, text);
    std::fs::write(&file, escaping).expect("write");
    let report = step(&hub, "escaping path");
    assert!(!report.resumed);
    assert!(!hub.root().join("outside").exists());

    // An output folder someone replaced is not the one the cache describes.
    build(&hub, |_| {});
    std::fs::rename(hub.root().join("public"), hub.root().join("aside")).expect("rename");
    crate::support::copy_dir(&hub.root().join("aside"), &hub.root().join("public"));
    let report = step(&hub, "replaced output folder");
    assert!(!report.resumed);
    assert!(report.notes.iter().any(|n| n.contains("output folder")));

    let report = build(&hub, |options| options.cache = false);
    assert!(
        !report.resumed && report.notes.is_empty(),
        "{:?}",
        report.notes
    );
    assert!(
        build(&hub, |_| {}).resumed,
        "--no-cache leaves a fresh cache"
    );

    // A site copied with its cache, built into the same output folder:
    // the cache names the other site folder.
    let copy = tempfile::tempdir().expect("temp");
    crate::support::copy_dir(hub.root(), copy.path());
    let moved = BuildOptions {
        output: Some(hub.root().join("public")),
        ..BuildOptions::new(copy.path(), hub.options().publication.build_date)
    };
    let report = kommhub::build(&moved).expect("build");
    assert!(!report.resumed);
    assert!(
        report.notes.iter().any(|n| n.contains("another site")),
        "{:?}",
        report.notes
    );
}

/// The staging folder shares the published files by hard links; a changed
/// file must be a new file there, never the published one written over.
#[test]
fn a_published_file_is_never_written_through_a_link() {
    let hub = Hub::new();
    build(&hub, |_| {});
    build(&hub, |_| {});
    let page = hub.root().join("public/presse/index.html");
    let before = std::fs::read(&page).expect("page");
    let keep = hub.root().join("kept.html");
    std::fs::hard_link(&page, &keep).expect("link");
    hub.edit(RELEASE, "title: \"Neue", "title: \"Zwei neue");
    assert!(build(&hub, |_| {}).resumed);
    assert_ne!(
        std::fs::read(&page).expect("page"),
        before,
        "the listing shows the new title"
    );
    assert_eq!(
        std::fs::read(&keep).expect("kept"),
        before,
        "written through a link"
    );
}

/// A build keeps its parsed bodies in a spill file below `.kommhub-cache/`
/// between parse and render (`parse::spill`); `render_site` keeps them in
/// memory. Both must make the same pages, feeds, search index and press
/// kits (whose Markdown copy comes from the spill too), and the spill
/// must leave no file behind.
#[test]
fn bodies_read_back_from_the_spill_render_as_bodies_kept_in_memory() {
    let hub = Hub::new();
    let report = build(&hub, |_| {});
    assert!(
        !report.notes.iter().any(|n| n.contains("stay in memory")),
        "{:?}",
        report.notes
    );
    let rendered = kommhub::pipeline::render_site(&hub.options()).expect("renders");
    let public = hub.root().join("public");
    let mut compared = 0;
    for file in &rendered.output.files {
        let built = public.join(file.path.as_str());
        match &file.content {
            kommhub::render::Content::Bytes(bytes) => {
                let on_disk = std::fs::read(&built).expect("built");
                assert!(on_disk == *bytes, "{} differs", file.path.as_str());
                compared += 1;
            }
            kommhub::render::Content::Zip(entries) => {
                let archive = std::fs::File::open(&built).expect("press kit");
                let mut archive = zip::ZipArchive::new(archive).expect("a ZIP");
                for entry in entries {
                    let kommhub::render::Content::Bytes(bytes) = &entry.content else {
                        continue;
                    };
                    let mut packed = Vec::new();
                    let mut found = archive.by_name(&entry.name).expect("entry");
                    std::io::Read::read_to_end(&mut found, &mut packed).expect("read");
                    assert!(packed == *bytes, "{} in {}", entry.name, file.path.as_str());
                    compared += 1;
                }
            }
            _ => {}
        }
    }
    assert!(compared > 100, "only {compared} files compared");
    let cache: Vec<_> = std::fs::read_dir(hub.root().join(".kommhub-cache"))
        .expect("cache folder")
        .map(|entry| entry.expect("entry").file_name())
        .filter(|name| !["build", "cards", "images"].contains(&name.to_str().unwrap_or("")))
        .collect();
    assert!(cache.is_empty(), "left in .kommhub-cache: {cache:?}");
}
