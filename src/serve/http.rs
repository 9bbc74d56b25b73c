//! A small HTTP/1.1 server for previews: files from one folder with pretty
//! URLs, the 404 page of the right language, correct content types, the
//! live-reload script put into every HTML page on the way out, and a
//! server-sent-events stream that tells the browser when to reload.
//!
//! Written on `std::net` because the need is small: GET and HEAD of local
//! files for one person's browser on 127.0.0.1.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::live::{self, LiveState};

/// What the server shares with the rebuild loop.
pub struct Shared {
    /// The folder served.
    pub dir: PathBuf,
    /// Language prefixes other than the default (`["en"]`), for 404 pages.
    pub prefixes: Vec<String>,
    pub live: Mutex<LiveState>,
    pub stop: AtomicBool,
}

/// Accepts connections until `shared.stop` is set.
pub fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let _ = listener.set_nonblocking(true);
    while !shared.stop.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok((stream, _)) => {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let _ = handle(stream, &shared);
                });
            }
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

fn handle(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let mut stream = stream;
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            b"only GET and HEAD",
            method == "HEAD",
        );
    }
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    if path == live::EVENTS_PATH {
        return live::stream_events(stream, shared);
    }
    if path == live::SCRIPT_PATH {
        return respond(
            &mut stream,
            "200 OK",
            "text/javascript; charset=utf-8",
            live::SCRIPT.as_bytes(),
            method == "HEAD",
        );
    }
    match resolve(&shared.dir, &path) {
        Resolved::File(file) => {
            let bytes = std::fs::read(&file).unwrap_or_default();
            let kind = content_type(&file);
            let body = if kind.starts_with("text/html") {
                inject(&bytes, shared)
            } else {
                bytes
            };
            respond(&mut stream, "200 OK", kind, &body, method == "HEAD")
        }
        Resolved::AddSlash => {
            let location = format!("{path}/");
            let head = format!(
                "HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            stream.write_all(head.as_bytes())
        }
        Resolved::Missing => {
            let not_found = not_found_page(&shared.dir, &path, &shared.prefixes);
            let bytes = not_found
                .and_then(|f| std::fs::read(f).ok())
                .unwrap_or_else(|| b"<!DOCTYPE html><title>404</title><p>404".to_vec());
            let body = inject(&bytes, shared);
            respond(
                &mut stream,
                "404 Not Found",
                "text/html; charset=utf-8",
                &body,
                method == "HEAD",
            )
        }
    }
}

enum Resolved {
    File(PathBuf),
    AddSlash,
    Missing,
}

/// Maps a URL path to a file below `dir`, refusing anything outside it.
fn resolve(dir: &Path, path: &str) -> Resolved {
    let relative = path.trim_start_matches('/');
    if relative
        .split('/')
        .any(|s| s == ".." || s == "." || s.contains('\\'))
    {
        return Resolved::Missing;
    }
    let candidate = dir.join(relative);
    if path.ends_with('/') || relative.is_empty() {
        let index = candidate.join("index.html");
        return if index.is_file() {
            Resolved::File(index)
        } else {
            Resolved::Missing
        };
    }
    if candidate.is_file() {
        Resolved::File(candidate)
    } else if candidate.join("index.html").is_file() {
        Resolved::AddSlash
    } else {
        Resolved::Missing
    }
}

/// `/en/…` gets `en/404.html`, everything else the default language's.
fn not_found_page(dir: &Path, path: &str, prefixes: &[String]) -> Option<PathBuf> {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let localized = prefixes
        .iter()
        .find(|p| p.as_str() == first)
        .map(|p| dir.join(p).join("404.html"));
    localized
        .filter(|f| f.is_file())
        .or_else(|| Some(dir.join("404.html")).filter(|f| f.is_file()))
}

/// Adds the live-reload script (and the error overlay while the content is
/// broken) just before `</body>`.
fn inject(html: &[u8], shared: &Shared) -> Vec<u8> {
    let addition = shared
        .live
        .lock()
        .map(|state| live::injection(&state))
        .unwrap_or_default();
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{addition}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{addition}").into_bytes(),
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
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

/// Decodes `%C3%BC` and friends in a URL path.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
