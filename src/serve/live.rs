//! Live reload: the script `serve` adds to every page, the event stream
//! it listens to, and the error overlay.
//!
//! Nothing here reaches `build` output: the script is added to HTML as
//! the server sends it, never written to disk.

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{Either, channel::Channel};
use hyper::Response;
use hyper::body::Bytes;
use hyper::header::{self, HeaderValue};

use super::http::{Body, Shared};
use crate::diagnostics::Diagnostic;
use crate::render::escape_attribute;

/// Where the script is served.
pub const SCRIPT_PATH: &str = "/__kommhub/live.js";
/// The server-sent-events stream.
pub const EVENTS_PATH: &str = "/__kommhub/events";

/// What the browser learns after each rebuild.
#[derive(Debug, Clone, Default)]
pub struct LiveState {
    /// Counts rebuilds; a change tells open pages to look.
    pub version: u64,
    /// URLs whose page changed in the last rebuild (`*` for all).
    pub changed: Vec<String>,
    /// Only stylesheets changed: swap them without reloading.
    pub css_only: bool,
    /// The error overlay while the content is broken.
    pub overlay: Option<String>,
    /// The rebuild is over; `false` while only the pages browsers show
    /// (and the edited and new ones) are written.
    pub settled: bool,
}

/// The pages browsers have open, by site URL, with how many event
/// streams show each: a rebuild renders them before the rest.
#[derive(Debug, Default)]
pub struct Shown(std::sync::Mutex<std::collections::BTreeMap<String, usize>>);

impl Shown {
    pub fn pages(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    fn open(&self, page: &str) {
        *self.lock().entry(page.to_string()).or_default() += 1;
    }

    fn close(&self, page: &str) {
        let mut pages = self.lock();
        if let Some(count) = pages.get_mut(page) {
            *count -= 1;
            if *count == 0 {
                pages.remove(page);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::BTreeMap<String, usize>> {
        // A panic while holding the lock leaves a plain map behind.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The script, loaded from the page; EventSource reconnects by itself.
pub const SCRIPT: &str = r#"(function () {
  var source = new EventSource("/__kommhub/events?page=" + encodeURIComponent(location.pathname));
  var seen = null;
  function showOverlay(html) {
    var old = document.getElementById("kommhub-overlay");
    if (old) { old.remove(); }
    if (!html) { return; }
    var holder = document.createElement("div");
    holder.innerHTML = html;
    document.body.appendChild(holder.firstElementChild);
  }
  source.onmessage = function (event) {
    var data = JSON.parse(event.data);
    if (seen === null) { seen = data.version; showOverlay(data.overlay); return; }
    if (data.version === seen) { return; }
    seen = data.version;
    if (data.overlay) { showOverlay(data.overlay); return; }
    showOverlay(null);
    if (data.css) {
      document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
        var url = new URL(link.href);
        url.searchParams.set("v", String(data.version));
        link.href = url.toString();
      });
      return;
    }
    var here = location.pathname;
    if (data.changed.indexOf("*") >= 0 || data.changed.indexOf(here) >= 0) {
      location.reload();
    }
  };
})();
"#;

/// What is added before `</body>` of every served page.
pub fn injection(state: &LiveState) -> String {
    let mut out = format!("<script src=\"{SCRIPT_PATH}\"></script>");
    if let Some(overlay) = &state.overlay {
        out.push_str(overlay);
    }
    out
}

/// The overlay listing every error: file, line, message and fix.
pub fn overlay(problems: &[Diagnostic]) -> String {
    let mut html = String::from(
        "<div id=\"kommhub-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:99999;overflow:auto;background:#fff;color:#1a1a1a;padding:2rem;font:1rem/1.5 system-ui,sans-serif;border:6px solid #b00020\"><h2 style=\"color:#b00020;margin-top:0\">kommhub: the site cannot be built</h2><p>The last good version is still served. Fix the file below and save; this page reloads by itself.</p><ul>",
    );
    for problem in problems.iter().filter(|p| p.is_error()) {
        let place = if problem.line > 0 {
            format!(
                "{}:{}:{}",
                problem.file.display(),
                problem.line,
                problem.column
            )
        } else {
            problem.file.display().to_string()
        };
        html.push_str(&format!(
            "<li><p><strong><code>{}</code></strong><br>{}</p><p>Fix: {}</p></li>",
            escape_attribute(&place),
            escape_attribute(&problem.message),
            escape_attribute(&problem.help)
        ));
    }
    html.push_str("</ul></div>");
    html
}

/// How long an event stream may stay silent: a comment then notices
/// browsers that left, so their task ends.
const PING: Duration = Duration::from_secs(15);

/// Opens an event stream that keeps one browser informed until it goes
/// away or the server stops. It sends the current state at once, then
/// each new one; between rebuilds its task sleeps until the rebuild loop
/// wakes it (or `PING` passes).
/// `page` is the site URL the browser shows, from the stream's query.
pub fn events(shared: Arc<Shared>, page: Option<String>) -> Response<Body> {
    let mut states = shared.live.subscribe();
    states.mark_changed();
    let (mut sender, body) = Channel::<Bytes>::new(1);
    if let Some(page) = &page {
        shared.shown.open(page);
    }
    tokio::spawn(async move {
        loop {
            let message = match tokio::time::timeout(PING, states.changed()).await {
                Ok(Ok(())) => format!("data: {}\n\n", event_json(&states.borrow_and_update())),
                // The rebuild loop is gone: so is the server.
                Ok(Err(_)) => break,
                Err(_) => ": ping\n\n".to_string(),
            };
            if sender.send_data(Bytes::from(message)).await.is_err() {
                break;
            }
        }
        if let Some(page) = &page {
            shared.shown.close(page);
        }
    });
    let mut response = Response::new(Either::Right(body));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The event's JSON. `<` is written as `\u003c` so that an overlay's
/// markup can never close a script element; outside strings JSON has no
/// `<`, so replacing it after serde_json is safe.
fn event_json(state: &LiveState) -> String {
    #[derive(serde::Serialize)]
    struct Event<'a> {
        version: u64,
        changed: &'a [String],
        css: bool,
        overlay: Option<&'a str>,
        settled: bool,
    }
    let event = Event {
        version: state.version,
        changed: &state.changed,
        css: state.css_only,
        overlay: state.overlay.as_deref(),
        settled: state.settled,
    };
    serde_json::to_string(&event)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_shown_while_any_stream_shows_it() {
        let shown = Shown::default();
        shown.open("/presse/");
        shown.open("/presse/");
        shown.open("/");
        shown.close("/presse/");
        assert_eq!(shown.pages(), ["/", "/presse/"]);
        shown.close("/presse/");
        shown.close("/");
        shown.close("/never-opened/");
        assert!(shown.pages().is_empty());
    }

    #[test]
    fn events_are_json() {
        let state = LiveState {
            version: 3,
            changed: vec!["/a/".into()],
            css_only: false,
            overlay: Some("<p>\"x\"</p>".into()),
            settled: true,
        };
        assert_eq!(
            event_json(&state),
            r#"{"version":3,"changed":["/a/"],"css":false,"overlay":"\u003cp>\"x\"\u003c/p>","settled":true}"#
        );
    }
}
