//! The preview's HTTP server: files from the preview folder with pretty
//! URLs, the 404 page of the right language, correct content types, the
//! live-reload script put into every HTML page on the way out, and the
//! server-sent-events stream of [`super::live`].
//!
//! Built on hyper 1.x (HTTP/1.1 only) with a single-threaded tokio runtime,
//! because a browser opens several connections at once, keeps one open for
//! the event stream, and a careless or hostile client must not stall or
//! bloat the server. hyper parses requests into a buffer of bounded size
//! (`READ_BUFFER`), answers a head over [`MAX_HEAD`] with 431, and gives
//! up on heads that trickle in slower than [`HEAD_TIMEOUT`]. Weighed
//! against it: `tiny_http` (and `rouille`, built on it) is smaller but
//! reads a request line into a buffer without any limit and had no release
//! since 2022; `axum` is hyper plus routing we do not need. tokio and hyper
//! are kept by the tokio-rs and hyperium projects and released often
//! (tokio 1.54.1 in October 2026, hyper-util 0.1.21 in September 2026);
//! with `hyper-util` and `http-body-util` they add 13 crates to the 156 of
//! the tree and, measured on the shared build machine, about 45 s of crate
//! compile time (tokio 24 s, hyper 6 s) to the roughly 900 s of all crates.
//!
//! What the server refuses: methods other than GET and HEAD (405), request
//! targets longer than [`MAX_TARGET`] (414), and any path that would leave
//! the preview folder, be it by `..`, an encoded `%2e%2e`, a backslash or a
//! symlink pointing out (404, as if the file did not exist).

use std::convert::Infallible;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{Either, Full, channel::Channel};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{oneshot, watch};

use super::live::{self, LiveState};
use crate::site_path::percent_decode;

/// What the server shares with the rebuild loop.
pub struct Shared {
    /// The folder served.
    pub dir: PathBuf,
    /// Language prefixes other than the default (`["en"]`), for 404 pages.
    pub prefixes: Vec<String>,
    /// The rebuild loop sends each new state; every event stream waits on
    /// it, so a rebuild wakes them and nothing polls.
    pub live: watch::Sender<LiveState>,
    /// The pages open in browsers, which a rebuild writes first.
    pub shown: live::Shown,
}

/// The largest request head (request line and headers) answered; a larger
/// one gets 431. Browsers send a few hundred bytes; cookies other local
/// tools set for `127.0.0.1` can add a few kilobytes.
pub const MAX_HEAD: usize = 32 * 1024;

/// How much of a request is read into memory at most, per connection. A
/// head that does not end within it gets 431 and the connection is closed
/// with the rest unread (the client may then see a reset instead). Twice
/// [`MAX_HEAD`], so a head just over the limit is read whole and its 431
/// arrives for sure.
const READ_BUFFER: usize = 2 * MAX_HEAD;

/// The longest request target (path and query) answered; longer ones get
/// 414. No page of a site comes near it.
pub const MAX_TARGET: usize = 8 * 1024;

/// A client that has not sent its whole request head by then is dropped.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// A response body: a whole file or page, or an open event stream.
pub type Body = Either<Full<Bytes>, Channel<Bytes>>;

/// The running server; stopping it (or dropping it) closes every
/// connection, open event streams included.
pub struct Server {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Serves `shared.dir` on `listener` from a thread of its own.
    pub fn start(listener: TcpListener, shared: Arc<Shared>) -> std::io::Result<Server> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()?;
        listener.set_nonblocking(true)?;
        let listener = {
            let _context = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                tokio::spawn(accept(listener, shared));
                // Either a stop or the `Server` gone: both end the server.
                let _ = stopped.await;
            });
            // Dropping the tasks closes their connections; file reads under
            // way get a moment to finish.
            runtime.shutdown_timeout(Duration::from_secs(1));
        });
        Ok(Server {
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Closes every connection and waits until the server has stopped.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// Accepts connections, each served by a task of its own, so a slow or
/// huge request holds up nobody else.
async fn accept(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(connection(stream, Arc::clone(&shared)));
            }
            // Out of file descriptors, say: let connections close first
            // instead of retrying at once.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

async fn connection(stream: tokio::net::TcpStream, shared: Arc<Shared>) {
    let service = service_fn(move |request| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, Infallible>(answer(request, shared).await) }
    });
    // Errors here are the client's (a reset, a malformed or too-large
    // request that hyper has already answered); nothing to report.
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_header_size(MAX_HEAD)
        .max_buf_size(READ_BUFFER)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// One request, one response.
async fn answer(request: Request<Incoming>, shared: Arc<Shared>) -> Response<Body> {
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if target > MAX_TARGET {
        return plain(StatusCode::URI_TOO_LONG, "the address is too long");
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let raw_path = request.uri().path().to_string();
    let path = percent_decode(&raw_path);
    if path == live::EVENTS_PATH {
        let page = request.uri().query().and_then(shown_page);
        return live::events(shared, page);
    }
    if path == live::SCRIPT_PATH {
        return full(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            live::SCRIPT,
        );
    }
    // Reading files blocks; the blocking pool keeps other clients going.
    tokio::task::spawn_blocking(move || answer_file(&shared, &raw_path, &path))
        .await
        .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "the server failed"))
}

/// The page an event stream's query names (`page=%2Fnews%2F`), as a
/// site URL; anything else is no page.
fn shown_page(query: &str) -> Option<String> {
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))?;
    let page = percent_decode(value);
    (page.starts_with('/') && page.len() <= MAX_TARGET).then_some(page)
}

/// A file of the preview folder, a redirect to the folder's address, or
/// the 404 page.
fn answer_file(shared: &Shared, raw_path: &str, path: &str) -> Response<Body> {
    match resolve(&shared.dir, path) {
        Resolved::File(file, bytes) => {
            let kind = content_type(&file);
            let body = if kind.starts_with("text/html") {
                inject(&bytes, shared)
            } else {
                bytes
            };
            full(StatusCode::OK, kind, body)
        }
        Resolved::AddSlash => {
            // Built from the request's own (still encoded, so header-safe)
            // path; one leading slash, so it never names another host.
            let location = format!("/{}/", raw_path.trim_start_matches('/'));
            let mut response = full(StatusCode::MOVED_PERMANENTLY, "text/plain", "");
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Resolved::Missing => {
            let bytes = not_found_page(&shared.dir, path, &shared.prefixes)
                .unwrap_or_else(|| b"<!DOCTYPE html><title>404</title><p>404".to_vec());
            full(
                StatusCode::NOT_FOUND,
                "text/html; charset=utf-8",
                inject(&bytes, shared),
            )
        }
    }
}

fn full(status: StatusCode, kind: &'static str, body: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(Either::Left(Full::new(body.into())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    full(status, "text/plain; charset=utf-8", text)
}

enum Resolved {
    File(PathBuf, Vec<u8>),
    AddSlash,
    Missing,
}

/// Maps a URL path to a file below `dir` and reads it, refusing anything
/// outside it.
fn resolve(dir: &Path, path: &str) -> Resolved {
    let Some(relative) = preview_path(path) else {
        return Resolved::Missing;
    };
    let candidate = dir.join(relative);
    let index = candidate.join("index.html");
    // The type follows the name asked for, not a symlink's target.
    let (named, real) = if path.ends_with('/') {
        let real = inside(dir, &index);
        (index, real)
    } else if let Some(real) = inside(dir, &candidate) {
        (candidate, Some(real))
    } else if inside(dir, &index).is_some() {
        return Resolved::AddSlash;
    } else {
        return Resolved::Missing;
    };
    real.and_then(|real| std::fs::read(real).ok())
        .map_or(Resolved::Missing, |bytes| Resolved::File(named, bytes))
}

/// The relative file path a decoded URL path names, or `None` when it
/// could leave the folder: a `.` or `..` segment, a backslash (a separator
/// elsewhere), or a NUL. Empty segments are dropped, so `//etc/passwd` is
/// `etc/passwd` below the folder, never an absolute path.
fn preview_path(path: &str) -> Option<PathBuf> {
    let mut relative = PathBuf::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." || segment.contains(['\\', '\0']) {
            return None;
        }
        relative.push(segment);
    }
    Some(relative)
}

/// The real place of `file` (symlinks followed) if it is a file and lies
/// inside the real `dir`; a symlink pointing out of the folder is `None`.
fn inside(dir: &Path, file: &Path) -> Option<PathBuf> {
    let real_dir = dir.canonicalize().ok()?;
    let real_file = file.canonicalize().ok()?;
    (real_file.starts_with(&real_dir) && real_file.is_file()).then_some(real_file)
}

/// `/en/…` gets `en/404.html`, everything else the default language's.
fn not_found_page(dir: &Path, path: &str, prefixes: &[String]) -> Option<Vec<u8>> {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    prefixes
        .iter()
        .find(|p| p.as_str() == first)
        .and_then(|p| inside(dir, &dir.join(p).join("404.html")))
        .or_else(|| inside(dir, &dir.join("404.html")))
        .and_then(|file| std::fs::read(file).ok())
}

/// Adds the live-reload script (and the error overlay while the content is
/// broken) just before `</body>`.
fn inject(html: &[u8], shared: &Shared) -> Vec<u8> {
    let addition = live::injection(&shared.live.borrow());
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{addition}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{addition}").into_bytes(),
    }
}

/// Content types of the files a site holds.
pub fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" | "map" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_page_comes_from_the_stream_query() {
        assert_eq!(shown_page("page=%2Fpresse%2F").as_deref(), Some("/presse/"));
        assert_eq!(shown_page("x=1&page=/en/").as_deref(), Some("/en/"));
        assert_eq!(shown_page("page=presse"), None);
        assert_eq!(shown_page("other=1"), None);
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("/b%C3%BCro/"), "/büro/");
        assert_eq!(percent_decode("/100%"), "/100%");
    }

    #[test]
    fn types_by_extension() {
        assert_eq!(
            content_type(Path::new("a/index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("atom.xml")), "application/xml");
    }

    #[test]
    fn preview_paths_never_leave_the_folder() {
        let check = |path: &str, expected: Option<&str>| {
            assert_eq!(
                preview_path(&percent_decode(path)),
                expected.map(PathBuf::from),
                "{path}"
            );
        };
        check("/news/a/", Some("news/a"));
        check("/", Some(""));
        check("//etc/passwd", Some("etc/passwd"));
        check("/%2Fetc/passwd", Some("etc/passwd"));
        check("/../site.yaml", None);
        check("/news/../../x", None);
        check("/%2e%2e/site.yaml", None);
        check("/%2E%2E%2Fsite.yaml", None);
        check("/..%5c..%5csite.yaml", None);
        check("/a\\b", None);
        check("/./index.html", None);
        check("/a%00.html", None);
    }
}
