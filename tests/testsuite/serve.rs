//! `kommhub serve` on a free 127.0.0.1 port: edits show up, errors show
//! an overlay while the last good site keeps being served, fixes recover.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use kommhub::serve::{ServeOptions, run};

use crate::support::{BUILD_DATE, TestSite};

fn release(title: &str, date: &str, extra: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndate: {date}\nassociations: [itk]\ncontact: presse\n{extra}---\n\nText von {title}.\n"
    )
}

/// A running server that stops when dropped.
struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(site: &TestSite, drafts: bool) -> Server {
        let options = ServeOptions {
            root: site.root().to_path_buf(),
            bind: "127.0.0.1".into(),
            port: 0,
            drafts,
            open: false,
            build_date: Timestamp::from_second(BUILD_DATE).expect("date"),
        };
        let stop = Arc::new(AtomicBool::new(false));
        let (sender, receiver) = std::sync::mpsc::channel();
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                run(&options, stop, |port| {
                    let _ = sender.send(port);
                })
                .expect("serve");
            })
        };
        let port = receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("server ready");
        Server {
            port,
            stop,
            thread: Some(thread),
        }
    }

    /// Status and body of a GET.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).expect("read");
        let text = String::from_utf8_lossy(&response).to_string();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    /// Polls until `check` holds for the GET of `path`.
    fn eventually(&self, path: &str, what: &str, check: impl Fn(u16, &str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let (status, body) = self.get(path);
            if check(status, &body) {
                return body;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("{what}: {path} never matched; last status {status}:\n{body}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn site() -> TestSite {
    TestSite::new()
        .file("content/_index.en.md", "---\ntitle: Home\n---\n")
        .file("content/news/_index.md", "---\ntitle: Presse\n---\n")
        .file(
            "content/news/a.md",
            &release("Erste Fassung", "2025-01-10", ""),
        )
        .file(
            "content/other.md",
            "---\ntitle: Andere Seite\n---\nBleibt.\n",
        )
}

#[test]
fn edits_additions_renames_errors_and_recovery_are_served() {
    let site = site();
    let server = Server::start(&site, false);
    let (status, page) = server.get("/news/a/");
    assert_eq!(status, 200);
    assert!(
        page.contains("Erste Fassung") && page.contains("/__kommhub/live.js"),
        "{page}"
    );
    let (status, missing) = server.get("/en/gibt-es-nicht/");
    assert_eq!(status, 404);
    assert!(
        missing.contains("<html lang=\"en\">"),
        "the English 404 page"
    );

    // Edit a release's title.
    let site = site.file(
        "content/news/a.md",
        &release("Zweite Fassung", "2025-01-10", ""),
    );
    server.eventually("/news/a/", "edited title", |_, body| {
        body.contains("Zweite Fassung")
    });

    // Add a release: it appears in the listing and the feed.
    let site = site.file(
        "content/news/b.md",
        &release("Neue Meldung", "2025-02-01", ""),
    );
    server.eventually("/news/", "listing", |_, body| body.contains("Neue Meldung"));
    server.eventually("/atom.xml", "feed", |_, body| body.contains("Neue Meldung"));

    // Rename it.
    std::fs::rename(
        site.root().join("content/news/b.md"),
        site.root().join("content/news/c.md"),
    )
    .expect("rename");
    server.eventually("/news/c/", "renamed", |status, _| status == 200);
    server.eventually("/news/b/", "old name gone", |status, _| status == 404);

    // Break the front matter: the overlay appears, other pages still serve.
    let site = site.file("content/news/a.md", "---\ntitle: [kaputt\n---\n");
    let other = server.eventually("/other/", "overlay", |_, body| {
        body.contains("kommhub-overlay")
    });
    assert!(
        other.contains("Bleibt.") && other.contains("content/news/a.md:2"),
        "{other}"
    );
    let (status, last_good) = server.get("/news/a/");
    assert_eq!(status, 200);
    assert!(last_good.contains("Zweite Fassung"));

    // Fix it: the overlay goes away by itself.
    let _site = site.file(
        "content/news/a.md",
        &release("Dritte Fassung", "2025-01-10", ""),
    );
    server.eventually("/news/a/", "recovered", |_, body| {
        body.contains("Dritte Fassung") && !body.contains("kommhub-overlay")
    });
    server.eventually("/other/", "overlay gone", |_, body| {
        !body.contains("kommhub-overlay")
    });
}

#[test]
fn previews_show_drafts_and_scheduled_releases_with_banners_and_build_never_does() {
    let site = site()
        .file(
            "content/news/entwurf.md",
            &release("Entwurf A", "2025-01-11", "draft: true\n"),
        )
        .file(
            "content/news/geplant.md",
            &release("Geplant B", "2026-06-01", ""),
        );
    {
        let server = Server::start(&site, true);
        let draft = server.eventually("/news/entwurf/", "draft", |status, _| status == 200);
        assert!(draft.contains("<p class=\"banner\">Entwurf</p>"), "{draft}");
        let scheduled = server.eventually("/news/geplant/", "scheduled", |status, _| status == 200);
        assert!(
            scheduled.contains("<p class=\"banner\">geplant</p>"),
            "{scheduled}"
        );
    }
    let site = site.built();
    assert!(!site.exists("public/news/entwurf/index.html"));
    assert!(!site.exists("public/news/geplant/index.html"));
    for entry in walkdir::WalkDir::new(site.root().join("public")) {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).expect("read");
            assert!(
                !String::from_utf8_lossy(&bytes).contains("__kommhub"),
                "{}",
                entry.path().display()
            );
        }
    }
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let site = site();
    let options = ServeOptions {
        root: site.root().to_path_buf(),
        bind: "127.0.0.1".into(),
        port,
        drafts: false,
        open: false,
        build_date: Timestamp::from_second(BUILD_DATE).expect("date"),
    };
    let error = run(&options, Arc::new(AtomicBool::new(true)), |_| {}).expect_err("port is taken");
    let text = error.to_string();
    assert!(
        text.contains("already in use") && text.contains("--port"),
        "{text}"
    );
}

#[test]
fn a_session_re_renders_only_what_an_edit_touches() {
    let mut site = TestSite::new()
        .file("content/_index.en.md", "---\ntitle: Home\n---\n")
        .file("content/news/_index.md", "---\ntitle: Presse\n---\n");
    for n in 0..40 {
        site = site.file(
            &format!("content/news/m{n:02}.md"),
            &release(
                &format!("Meldung {n}"),
                &format!("2025-0{}-1{}", 1 + n % 9, n % 10),
                "tags: [Thema]\n",
            ),
        );
    }
    let out = site.root().join("preview");
    let mut session = kommhub::session::Session::new(site.options(), out.clone());
    let first = session
        .rebuild(&kommhub::session::Changes::everything())
        .expect("first run");
    assert!(first.rendered_pages > 50, "{}", first.rendered_pages);

    let site = site.file(
        "content/news/m17.md",
        &release("Meldung 17 neu", "2025-09-17", "tags: [Thema]\n"),
    );
    let second = edit(&mut session, "content/news/m17.md");
    assert_eq!(second.parsed, 1);
    // The release itself, the section page and the listings holding it.
    assert!(
        second.rendered_pages <= 8,
        "rendered {} pages",
        second.rendered_pages
    );
    assert!(
        std::fs::read_to_string(out.join("news/m17/index.html"))
            .expect("page")
            .contains("Meldung 17 neu")
    );
    assert!(
        second.changed.contains(&"/news/m17/".to_string()),
        "{:?}",
        second.changed
    );
    drop(site);
}

/// A session's folder after edits holds exactly what a full build of the
/// same files writes (the search index aside, which serve leaves out).
fn assert_matches_full_build(site: &TestSite, preview: &std::path::Path) {
    let full = site.root().join("full");
    let options = kommhub::pipeline::BuildOptions {
        output: Some(full.clone()),
        ..site.options()
    };
    kommhub::build(&options).expect("full build");
    let without_search = |files: Vec<(String, Vec<u8>)>| -> Vec<(String, Vec<u8>)> {
        files
            .into_iter()
            .filter(|(name, _)| !name.starts_with(kommhub::search::BUNDLE_DIR))
            .filter(|(name, _)| name != kommhub::output::MARKER)
            .collect()
    };
    let session = without_search(crate::support::tree(preview));
    let build = without_search(crate::support::tree(&full));
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&session), names(&build));
    for ((name, a), (_, b)) in session.iter().zip(&build) {
        assert!(
            a == b,
            "{name} differs from a full build:\n--- serve\n{}\n--- build\n{}",
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b)
        );
    }
}

/// A site with a home page teasing the latest releases, a section of
/// plain pages (ordered by title) and releases that link to each other.
fn patch_site() -> TestSite {
    let mut site = TestSite::new()
        .file(
            "themes/hub/templates/home.html",
            "{% extends \"base.html\" %}\n{% block content %}<h1>{{ page.title }}</h1>\n<ul>{% for item in page.latest_news %}<li class=\"latest\">{{ item.title }}</li>{% endfor %}</ul>{% endblock content %}\n",
        )
        .file("content/_index.en.md", "---\ntitle: Home\n---\n")
        .file("content/news/_index.md", "---\ntitle: Presse\n---\n")
        .file("content/about/_index.md", "---\ntitle: Über uns\n---\n")
        .file("content/about/anna.md", "---\ntitle: Anna\n---\nA.\n")
        .file("content/about/berta.md", "---\ntitle: Berta\n---\nB.\n")
        .file(
            "content/about/links.md",
            "---\ntitle: Links\n---\nSiehe [die Meldung](@/news/m03.md#stand).\n",
        );
    for n in 0..12 {
        site = site.file(
            &format!("content/news/m{n:02}.md"),
            &release(
                &format!("Meldung {n}"),
                &format!("2025-{:02}-10", 1 + n % 12),
                "tags: [Thema]\n",
            ),
        );
    }
    site.file(
        "content/news/m03.md",
        "---\ntitle: \"Meldung 3\"\ndate: 2025-04-10\nassociations: [itk]\ncontact: presse\ntags: [Thema]\n---\n\n## Stand\n\nText von Meldung 3.\n",
    )
}

/// A session that has built `site` once into its `preview/` folder.
fn started(site: &crate::support::TestSite) -> (kommhub::session::Session, std::path::PathBuf) {
    let out = site.root().join("preview");
    let mut session = kommhub::session::Session::new(site.options(), out.clone());
    session
        .rebuild(&kommhub::session::Changes::everything())
        .expect("first run");
    (session, out)
}

/// What the watcher reports when `paths` were saved.
fn saved(paths: &[&str]) -> kommhub::session::Changes {
    kommhub::session::Changes {
        content: paths.iter().map(std::path::PathBuf::from).collect(),
        ..Default::default()
    }
}

fn edit(session: &mut kommhub::session::Session, path: &str) -> kommhub::session::Rebuilt {
    session.rebuild(&saved(&[path])).expect("rebuild")
}

#[test]
fn patched_edits_write_what_a_full_build_writes() {
    let site = patch_site();
    let (mut session, out) = started(&site);

    // A new title: the page, the section, the listings, the feed and the
    // home page's teaser show it; nothing else is rendered.
    let site = site.file(
        "content/news/m11.md",
        &release("Meldung elf neu", "2025-12-10", "tags: [Thema]\n"),
    );
    let rebuilt = edit(&mut session, "content/news/m11.md");
    assert!(rebuilt.rendered_pages <= 6, "{}", rebuilt.rendered_pages);
    for file in [
        "news/m11/index.html",
        "news/index.html",
        "atom.xml",
        "index.html",
    ] {
        let text = std::fs::read_to_string(out.join(file)).expect(file);
        assert!(text.contains("Meldung elf neu"), "{file}: {text}");
    }
    assert_matches_full_build(&site, &out);

    // The body of the page that links to a release, with a second link
    // to another release: both resolve.
    let site = site.file(
        "content/about/links.md",
        "---\ntitle: Links\n---\nSiehe [die Meldung](@/news/m03.md#stand) und [jene](@/news/m05.md).\n",
    );
    edit(&mut session, "content/about/links.md");
    let links = std::fs::read_to_string(out.join("about/links/index.html")).expect("links");
    assert!(
        links.contains("href=\"/news/m03/#stand\"") && links.contains("href=\"/news/m05/\""),
        "{links}"
    );
    assert_matches_full_build(&site, &out);

    // The linked release gets a new title and body; the link still leads there.
    let site = site.file(
        "content/news/m03.md",
        "---\ntitle: \"Meldung drei\"\ndate: 2025-04-10\nassociations: [itk]\ncontact: presse\ntags: [Thema]\n---\n\n## Stand\n\nNeuer Text.\n",
    );
    edit(&mut session, "content/news/m03.md");
    assert_matches_full_build(&site, &out);

    // A plain page's title decides its place in its section.
    let site = site.file("content/about/anna.md", "---\ntitle: Zora\n---\nA.\n");
    edit(&mut session, "content/about/anna.md");
    let section = std::fs::read_to_string(out.join("about/index.html")).expect("section");
    let (berta, zora) = (section.find("Berta"), section.find("Zora"));
    assert!(berta.is_some() && berta < zora, "{section}");
    assert_matches_full_build(&site, &out);

    // A new date is structural: the listing order changes.
    let site = site.file(
        "content/news/m00.md",
        &release("Meldung 0", "2026-01-01", "tags: [Thema]\n"),
    );
    edit(&mut session, "content/news/m00.md");
    let listing = std::fs::read_to_string(out.join("news/index.html")).expect("listing");
    let (m00, m11) = (listing.find("Meldung 0<"), listing.find("Meldung elf neu"));
    assert!(m00.is_some() && m00 < m11, "{listing}");
    assert_matches_full_build(&site, &out);
}

#[test]
fn a_broken_link_in_an_edit_is_reported_and_its_fix_recovers() {
    let site = patch_site();
    let (mut session, out) = started(&site);
    let site = site.file(
        "content/about/links.md",
        "---\ntitle: Links\n---\nSiehe [die Meldung](@/news/fehlt.md).\n",
    );
    let problems = session
        .rebuild(&saved(&["content/about/links.md"]))
        .expect_err("broken link");
    assert!(
        problems.iter().any(|p| p.code == "link/broken"),
        "{problems:?}"
    );
    // An anchor that the target lost is reported too.
    let site = site
        .file(
            "content/about/links.md",
            "---\ntitle: Links\n---\nSiehe [die Meldung](@/news/m03.md#stand).\n",
        )
        .file(
            "content/news/m03.md",
            &release("Meldung 3", "2025-04-10", "tags: [Thema]\n"),
        );
    let problems = session
        .rebuild(&saved(&["content/about/links.md", "content/news/m03.md"]))
        .expect_err("lost anchor");
    assert!(
        problems.iter().any(|p| p.code == "link/broken-anchor"),
        "{problems:?}"
    );
    let site = site.file(
        "content/about/links.md",
        "---\ntitle: Links\n---\nSiehe [die Meldung](@/news/m03.md).\n",
    );
    edit(&mut session, "content/about/links.md");
    assert_matches_full_build(&site, &out);
}
