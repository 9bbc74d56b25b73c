//! `kommhub serve` on a free 127.0.0.1 port: edits show up, errors show
//! an overlay while the last good site keeps being served, fixes recover.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use kommhub::Code;
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
            timings: false,
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
        let (status, response) = self.exchange(
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    /// Sends `request` as it is; the status and the whole response (head
    /// and body) that came back until the server closed.
    fn exchange(&self, request: &[u8]) -> (u16, String) {
        let mut stream = self.connect();
        stream.write_all(request).expect("send");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).expect("read");
        let text = String::from_utf8_lossy(&response).to_string();
        (status_of(&text), text)
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream
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

/// The status code of a response's first line, 0 if there is none.
fn status_of(response: &str) -> u16 {
    response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
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
        timings: false,
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
    let mut session = kommhub::serve::Session::new(site.options(), out.clone());
    let first = session
        .rebuild(&kommhub::pipeline::Changes::everything(), &[], &mut |_| {})
        .expect("first run");
    assert!(first.rendered > 50, "{}", first.rendered);

    let site = site.file(
        "content/news/m17.md",
        &release("Meldung 17 neu", "2025-09-17", "tags: [Thema]\n"),
    );
    let second = edit(&mut session, "content/news/m17.md");
    assert_eq!(second.parsed, 1);
    // The release itself, the section page and the listings holding it.
    assert!(second.rendered <= 8, "rendered {} pages", second.rendered);
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
    let options = kommhub::pipeline::BuildOptions {
        output: Some(site.root().join("full")),
        ..site.options()
    };
    crate::support::assert_preview_equals_build(options, preview, "after the edits");
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
fn started(site: &crate::support::TestSite) -> (kommhub::serve::Session, std::path::PathBuf) {
    let out = site.root().join("preview");
    let mut session = kommhub::serve::Session::new(site.options(), out.clone());
    session
        .rebuild(&kommhub::pipeline::Changes::everything(), &[], &mut |_| {})
        .expect("first run");
    (session, out)
}

/// What the watcher reports when `paths` were saved.
fn saved(paths: &[&str]) -> kommhub::pipeline::Changes {
    kommhub::pipeline::Changes {
        content: paths.iter().map(std::path::PathBuf::from).collect(),
        ..Default::default()
    }
}

fn edit(session: &mut kommhub::serve::Session, path: &str) -> kommhub::serve::Rebuilt {
    session
        .rebuild(&saved(&[path]), &[], &mut |_| {})
        .expect("rebuild")
}

#[test]
fn patched_edits_write_what_a_full_build_writes() {
    let site = patch_site();
    let (mut session, out) = started(&site);

    // A new title: the page, the section, the listings (year, tag), the
    // feeds and the home page's teaser show it, and the site files list
    // every page; nothing else is rendered.
    let site = site.file(
        "content/news/m11.md",
        &release("Meldung elf neu", "2025-12-10", "tags: [Thema]\n"),
    );
    let rebuilt = edit(&mut session, "content/news/m11.md");
    assert!(rebuilt.rendered <= 8, "{}", rebuilt.rendered);
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
        .rebuild(&saved(&["content/about/links.md"]), &[], &mut |_| {})
        .expect_err("broken link");
    assert!(
        problems.iter().any(|p| p.code == Code::LinkBroken),
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
        .rebuild(
            &saved(&["content/about/links.md", "content/news/m03.md"]),
            &[],
            &mut |_| {},
        )
        .expect_err("lost anchor");
    assert!(
        problems.iter().any(|p| p.code == Code::LinkBrokenAnchor),
        "{problems:?}"
    );
    let site = site.file(
        "content/about/links.md",
        "---\ntitle: Links\n---\nSiehe [die Meldung](@/news/m03.md).\n",
    );
    edit(&mut session, "content/about/links.md");
    assert_matches_full_build(&site, &out);
}

/// A header of `name` in a response, whatever its case.
fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split("\r\n\r\n").next().unwrap_or("");
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

fn request(method: &str, target: &str) -> Vec<u8> {
    format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .into_bytes()
}

#[test]
fn only_get_and_head_are_answered() {
    let site = site();
    let server = Server::start(&site, false);
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"] {
        let (status, response) = server.exchange(&request(method, "/news/a/"));
        assert_eq!(status, 405, "{method}: {response}");
        assert_eq!(header(&response, "allow"), Some("GET, HEAD"), "{response}");
    }
    let (status, response) = server.exchange(&request("HEAD", "/news/a/"));
    assert_eq!(status, 200, "{response}");
    let length: usize = header(&response, "content-length")
        .and_then(|l| l.parse().ok())
        .expect("a length");
    assert!(length > 0, "{response}");
    assert!(
        response.ends_with("\r\n\r\n"),
        "HEAD sends no body: {response}"
    );
}

#[test]
fn pretty_urls_redirects_types_and_the_script_are_served_as_before() {
    let site = site();
    let server = Server::start(&site, false);
    for target in ["/news", "//news"] {
        let (status, response) = server.exchange(&request("GET", target));
        assert_eq!(status, 301, "{target}: {response}");
        assert_eq!(header(&response, "location"), Some("/news/"), "{response}");
    }
    let types = [
        ("/news/a/", "text/html; charset=utf-8"),
        ("/news/a/index.html", "text/html; charset=utf-8"),
        ("/atom.xml", "application/xml"),
        ("/__kommhub/live.js", "text/javascript; charset=utf-8"),
    ];
    for (target, kind) in types {
        let (status, response) = server.exchange(&request("GET", target));
        assert_eq!(status, 200, "{target}: {response}");
        assert_eq!(header(&response, "content-type"), Some(kind), "{target}");
    }
    let (status, missing) = server.get("/gibt-es-nicht/");
    assert_eq!(status, 404);
    assert!(
        missing.contains("<html lang=\"de\">") && missing.contains("/__kommhub/live.js"),
        "the German 404 page with the script: {missing}"
    );
}

#[test]
fn over_long_targets_and_headers_are_refused() {
    let site = site();
    let server = Server::start(&site, false);
    let long = format!("/{}", "a".repeat(kommhub::serve::http::MAX_TARGET));
    let (status, response) = server.exchange(&request("GET", &long));
    assert_eq!(status, 414, "{response}");
    let big_header = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "b".repeat(kommhub::serve::http::MAX_HEAD)
    );
    let (status, response) = server.exchange(big_header.as_bytes());
    assert_eq!(status, 431, "{response}");
    assert_eq!(server.get("/news/a/").0, 200, "still serving");
}

/// Sends 16 MB of request line without a newline; returns how the server
/// answered (a status, or 0 when it closed the connection) and how long
/// that took.
fn send_endless_request_line(port: u16) -> (u16, Duration) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let started = Instant::now();
    let chunk = vec![b'a'; 1024 * 1024];
    // The server may close before everything is sent: that is an answer.
    let _ = stream.write_all(b"GET /");
    for _ in 0..16 {
        if stream.write_all(&chunk).is_err() {
            break;
        }
    }
    let mut response = Vec::new();
    match stream.read_to_end(&mut response) {
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(error) => panic!("no answer and no close: {error}"),
    }
    (
        status_of(&String::from_utf8_lossy(&response)),
        started.elapsed(),
    )
}

#[test]
fn an_endless_request_line_is_cut_off_and_others_are_served_meanwhile() {
    let site = site();
    let server = Server::start(&site, false);
    let port = server.port;
    let huge = std::thread::spawn(move || send_endless_request_line(port));
    assert_eq!(server.get("/news/a/").0, 200, "served meanwhile");
    let (status, took) = huge.join().expect("client");
    assert!(
        [0, 414, 431].contains(&status),
        "a refusal or a closed connection, not {status}"
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert_eq!(server.get("/news/a/").0, 200, "served afterwards");
}

#[test]
fn a_stalled_client_holds_up_nobody() {
    let site = site();
    let server = Server::start(&site, false);
    let stalled: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut stream = server.connect();
            stream
                .write_all(b"GET /news/a/ HTTP/1.1\r\nHost: loc")
                .expect("send half");
            stream
        })
        .collect();
    let events = {
        let mut stream = server.connect();
        stream
            .write_all(&request("GET", "/__kommhub/events"))
            .expect("open events");
        stream
    };
    let started = Instant::now();
    let (status, page) = server.get("/news/a/");
    assert_eq!(status, 200, "{page}");
    assert!(started.elapsed() < Duration::from_secs(2));
    drop((stalled, events));
}

/// The first `count` server-sent events' versions that arrive on `stream`.
fn read_versions(stream: &mut TcpStream, seen: &mut String, count: usize) -> Vec<u64> {
    let mut buffer = [0u8; 4096];
    loop {
        let versions: Vec<u64> = seen
            .match_indices("data: {\"version\":")
            .filter_map(|(at, prefix)| {
                let rest = &seen[at + prefix.len()..];
                let end = rest.find(',')?;
                rest[..end].parse().ok()
            })
            .collect();
        if versions.len() >= count {
            return versions;
        }
        let read = stream.read(&mut buffer).expect("an event");
        assert!(read > 0, "the stream ended early: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
}

#[test]
fn event_streams_wake_on_a_rebuild_and_end_when_the_server_stops() {
    let site = site();
    let server = Server::start(&site, false);
    let mut stream = server.connect();
    stream
        .write_all(&request("GET", "/__kommhub/events"))
        .expect("open events");
    let mut seen = String::new();
    let first = read_versions(&mut stream, &mut seen, 1)[0];
    assert!(
        header(&seen, "content-type") == Some("text/event-stream"),
        "{seen}"
    );
    let _site = site.file(
        "content/news/a.md",
        &release("Zweite Fassung", "2025-01-10", ""),
    );
    let versions = read_versions(&mut stream, &mut seen, 2);
    assert!(versions[1] > first, "{versions:?}");
    assert!(
        seen.contains("/news/a/"),
        "the changed page is named: {seen}"
    );

    let stopping = Instant::now();
    drop(server);
    assert!(stopping.elapsed() < Duration::from_secs(5));
    let mut rest = Vec::new();
    let closed = match stream.read_to_end(&mut rest) {
        Ok(_) => true,
        Err(error) => error.kind() == std::io::ErrorKind::ConnectionReset,
    };
    assert!(
        closed && stopping.elapsed() < Duration::from_secs(5),
        "the stream closes with the server"
    );
}

#[test]
fn files_outside_the_preview_folder_are_never_served() {
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("index.html"), "GEHEIMNIS-0815").expect("write");
    let site = site().file("geheim.txt", "GEHEIMNIS-4711");
    let server = Server::start(&site, false);
    let preview = site.root().join(kommhub::serve::PREVIEW_DIR);
    let secret = site.root().join("geheim.txt");
    std::os::unix::fs::symlink(&secret, preview.join("leak.txt")).expect("link");
    std::os::unix::fs::symlink(outside.path(), preview.join("leakdir")).expect("link");
    std::os::unix::fs::symlink(preview.join("news/a/index.html"), preview.join("same.html"))
        .expect("link");

    let absolute = secret.display().to_string();
    let targets = [
        "/../geheim.txt".to_string(),
        "/news/../../geheim.txt".to_string(),
        "/%2e%2e/geheim.txt".to_string(),
        "/%2E%2E%2Fgeheim.txt".to_string(),
        "/..%5Cgeheim.txt".to_string(),
        "/..\\geheim.txt".to_string(),
        format!("/{absolute}"),
        format!("/%2F{}", absolute.trim_start_matches('/')),
        "/leak.txt".to_string(),
        "/leakdir/".to_string(),
        "/leakdir/index.html".to_string(),
        "/leakdir".to_string(),
    ];
    for target in &targets {
        let (status, response) = server.exchange(&request("GET", target));
        assert!(
            status != 200 && status != 301 && !response.contains("GEHEIMNIS"),
            "{target}: {response}"
        );
    }
    // A link that stays inside the folder is followed.
    let (status, same) = server.get("/same.html");
    assert_eq!(status, 200);
    assert!(same.contains("Erste Fassung"), "{same}");
}

/// `kommhub serve` as a child process, for what only a process shows;
/// killed when dropped.
struct ServeProcess {
    child: std::process::Child,
    port: u16,
}

impl ServeProcess {
    fn start(site: &TestSite) -> ServeProcess {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kommhub"))
            .args(["serve", "--port", "0"])
            .current_dir(site.root())
            .env("SOURCE_DATE_EPOCH", BUILD_DATE.to_string())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start kommhub serve");
        let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
        let port = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                let after = line.split("http://127.0.0.1:").nth(1)?;
                after.split('/').next()?.parse().ok()
            })
            .expect("the address it serves");
        // Keep reading, so the server never writes into a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        ServeProcess { child, port }
    }

    /// The most memory the process has held so far, in KiB.
    fn peak_memory(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("process status");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM")
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn endless_request_lines_do_not_grow_the_server() {
    let site = site();
    let server = ServeProcess::start(&site);
    let port = server.port;
    let before = server.peak_memory();
    let clients: Vec<_> = (0..4)
        .map(|_| std::thread::spawn(move || send_endless_request_line(port)))
        .collect();
    for client in clients {
        let (status, _) = client.join().expect("client");
        assert!([0, 414, 431].contains(&status), "{status}");
    }
    let grown = server.peak_memory().saturating_sub(before);
    assert!(
        grown < 8 * 1024,
        "4 × 16 MB requests grew the server by {grown} KiB"
    );
}

/// A new site.yaml parses nothing again unless it changes what parsing
/// checks (the associations and contacts a release may name, the
/// languages): a new title keeps every parse, a new association clears
/// the error of a release that names it.
#[test]
fn site_yaml_parses_again_only_when_parsing_reads_what_changed() {
    let site = TestSite::new()
        .file("content/news/_index.md", "---\ntitle: Presse\n---\n")
        .file(
            "content/news/a.md",
            &release("Meldung A", "2025-03-01", "").replace("[itk]", "[neu]"),
        )
        .file("content/news/b.md", &release("Meldung B", "2025-03-02", ""));
    let (mut session, out) = started_with_errors(&site);
    let config = kommhub::pipeline::Changes {
        config: true,
        ..Default::default()
    };

    let retitled = crate::support::SITE_YAML.replace("Testhub", "Neuer Hub");
    let site = site.file("site.yaml", &retitled);
    let problems = session
        .rebuild(&config, &[], &mut |_| {})
        .expect_err("`neu` is still unknown");
    assert!(
        problems.iter().any(|p| p.message.contains("neu")),
        "{problems:?}"
    );

    let added = retitled.replace(
        "associations:\n",
        "associations:\n  neu: { name: \"Neu\", url: \"https://neu.example\" }\n",
    );
    let site = site.file("site.yaml", &added);
    let rebuilt = session
        .rebuild(&config, &[], &mut |_| {})
        .unwrap_or_else(|p| panic!("{}", kommhub::diagnostics::render_report(&p)));
    assert!(rebuilt.parsed >= 3, "parsed {}", rebuilt.parsed);
    assert!(out.join("news/a/index.html").is_file());
    let feed = std::fs::read_to_string(out.join("atom.xml")).expect("feed");
    assert!(feed.contains("Neuer Hub"), "{feed}");

    let site = site.file("site.yaml", &added.replace("Neuer Hub", "Hub"));
    let rebuilt = session
        .rebuild(&config, &[], &mut |_| {})
        .unwrap_or_else(|p| panic!("{}", kommhub::diagnostics::render_report(&p)));
    assert_eq!(rebuilt.parsed, 0, "a new title parses nothing again");
    // The feed's title is the site's: the new site.yaml reached it.
    let feed = std::fs::read_to_string(out.join("atom.xml")).expect("feed");
    assert!(
        feed.contains("Hub") && !feed.contains("Neuer Hub"),
        "{feed}"
    );
    drop(site);
}

/// A session whose first run has errors (its folder stays empty).
fn started_with_errors(site: &TestSite) -> (kommhub::serve::Session, std::path::PathBuf) {
    let out = site.root().join("preview");
    let mut session = kommhub::serve::Session::new(site.options(), out.clone());
    let first = session.rebuild(&kommhub::pipeline::Changes::everything(), &[], &mut |_| {});
    assert!(first.is_err(), "the unknown association is an error");
    (session, out)
}

/// An editor's temporary file (or `sed -i`'s) that is gone by the time
/// the rebuild looks is nothing to do: it does not walk `content/` again,
/// which at 20,000 files takes the better part of a second. (A file added
/// without an event stays unseen, which shows that no walk happened.)
#[test]
fn a_temporary_file_that_is_gone_walks_nothing() {
    let site = TestSite::new()
        .file("content/news/_index.md", "---\ntitle: Presse\n---\n")
        .file("content/news/a.md", &release("Meldung A", "2025-03-01", ""));
    let (mut session, out) = started(&site);
    let site = site.file("content/news/b.md", &release("Meldung B", "2025-03-02", ""));
    let rebuilt = session
        .rebuild(&saved(&["content/news/sedX1b2c3"]), &[], &mut |_| {})
        .expect("rebuild");
    assert_eq!(rebuilt.parsed, 0);
    assert!(
        !out.join("news/b/index.html").exists(),
        "no walk found b.md"
    );
    // A folder that held known files is different: it walks.
    let rebuilt = session
        .rebuild(&saved(&["content/news"]), &[], &mut |_| {})
        .expect("rebuild");
    assert_eq!(rebuilt.parsed, 1, "the walk found b.md");
    drop(site);
}
