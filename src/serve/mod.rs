//! `kommhub serve`: build, serve on 127.0.0.1, watch, rebuild, reload.
//!
//! Three parts: the HTTP server ([`http`]) serves the preview folder and
//! streams reload events; the watcher (notify) turns file events into
//! [`Changes`]; the rebuild loop feeds them to a [`Session`] and publishes
//! the result ([`live`]). While the content is broken the last good site
//! stays online with an error overlay; a fix clears it by itself.

pub mod http;
pub mod live;
mod session;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::config::BaseUrl;
use crate::model::Publication;
use crate::pipeline::BuildOptions;
use crate::pipeline::{self, Changes};
use http::Shared;
use live::LiveState;
pub use session::{Rebuilt, Session};

/// What `kommhub serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    pub drafts: bool,
    pub open: bool,
    /// Print each rebuild's stages and how long they took.
    pub timings: bool,
    pub build_date: jiff::Timestamp,
}

/// Why the server could not run.
#[derive(Debug)]
pub enum ServeError {
    /// The port is taken or the address cannot be used.
    Bind {
        address: String,
        source: std::io::Error,
    },
    /// The file watcher could not start.
    Watch(String),
    /// The HTTP server could not start (its runtime or its socket).
    Server(std::io::Error),
    Io(crate::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::Bind { address, source }
                if source.kind() == std::io::ErrorKind::AddrInUse =>
            {
                write!(
                    f,
                    "{address} is already in use (is another `kommhub serve` running?)\n  help: stop the other server, or pick another port with `--port`"
                )
            }
            ServeError::Bind { address, source } => write!(
                f,
                "cannot listen on {address}: {source}\n  help: use `--bind 127.0.0.1`"
            ),
            ServeError::Watch(message) => write!(f, "cannot watch the site's files: {message}"),
            ServeError::Server(error) => write!(f, "cannot start the preview server: {error}"),
            ServeError::Io(error) => write!(f, "{error}"),
        }
    }
}

/// The folder `serve` writes its preview into, below the root.
pub const PREVIEW_DIR: &str = ".kommhub-serve";

/// How long the preview server keeps memory it freed before handing it
/// back to the system: longer than a staff member pauses between saves.
const KEEP_FREED_MINUTES: u32 = 10;

/// Runs until Ctrl-C (or until `stop` is set, for tests).
pub fn run(
    options: &ServeOptions,
    stop: Arc<AtomicBool>,
    ready: impl FnOnce(u16),
) -> Result<(), ServeError> {
    crate::alloc::keep_freed_memory(KEEP_FREED_MINUTES);
    let address = format!("{}:{}", options.bind, options.port);
    let listener = TcpListener::bind(&address).map_err(|source| ServeError::Bind {
        address: address.clone(),
        source,
    })?;
    let port = listener
        .local_addr()
        .map(|a| a.port())
        .unwrap_or(options.port);
    let out_dir = options.root.join(PREVIEW_DIR);
    crate::output::refuse_link(&out_dir).map_err(ServeError::Io)?;
    std::fs::create_dir_all(&out_dir).map_err(|e| ServeError::Io(crate::Error::io(&out_dir, e)))?;
    let base_url = preview_url(&options.bind, port, &address)?;
    let mut session = Session::new(preview_options(options, base_url), out_dir.clone());
    let first = session.rebuild(&Changes::everything(), &[], &mut |_| {});
    let shared = shared_state(&session, out_dir);
    publish(&shared, first, &Changes::everything(), options.timings);
    let theme = session
        .engine
        .config()
        .map(|c| c.theme.clone())
        .unwrap_or_else(|| "hub".into());
    let (receiver, watcher) = watch(&options.root, &theme)?;
    let server = http::Server::start(listener, Arc::clone(&shared)).map_err(ServeError::Server)?;
    let url = format!("http://{}:{port}/", options.bind);
    println!(
        "serving {} at {url} (Ctrl-C to stop)",
        options.root.display()
    );
    if options.open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }
    ready(port);
    rebuild_loop(
        &options.root,
        &theme,
        &mut session,
        &shared,
        &receiver,
        &stop,
        options.timings,
    );
    drop(watcher);
    server.stop();
    println!("stopped");
    Ok(())
}

/// What the server and the rebuild loop share: the folder, the language
/// prefixes of pretty URLs, and the live-reload state.
fn shared_state(session: &Session, dir: PathBuf) -> Arc<Shared> {
    let prefixes = session
        .engine
        .config()
        .map(|c| {
            c.languages
                .iter()
                .skip(1)
                .map(|l| l.code.to_string())
                .collect()
        })
        .unwrap_or_default();
    Arc::new(Shared {
        dir,
        prefixes,
        live: tokio::sync::watch::Sender::new(LiveState::default()),
        shown: live::Shown::default(),
    })
}

/// What the preview is built with: the site as `options` says, at the
/// preview's own address, drafts if asked, scheduled releases always.
fn preview_options(options: &ServeOptions, base_url: BaseUrl) -> BuildOptions {
    BuildOptions {
        root: options.root.clone(),
        output: Some(options.root.join(PREVIEW_DIR)),
        base_url: Some(base_url),
        publication: Publication {
            build_date: options.build_date,
            drafts: options.drafts,
            future: true,
            expired: false,
        },
        force_output: false,
        noindex: false,
        cache: false,
        // `serve` prints its own line per rebuild.
        progress: crate::progress::Progress::default(),
    }
}

/// Watches what the site is made of (not the whole root: that would also
/// watch the preview folder, one directory per page). Reading a file (as
/// every rebuild does with the theme) is reported as an access; only
/// writes, renames and removals are changes.
fn watch(
    root: &Path,
    theme: &str,
) -> Result<(Receiver<Vec<PathBuf>>, notify::RecommendedWatcher), ServeError> {
    let (sender, receiver) = channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        let change = matches!(
            event.kind,
            notify::EventKind::Create(_)
                | notify::EventKind::Remove(_)
                | notify::EventKind::Modify(
                    notify::event::ModifyKind::Data(_)
                        | notify::event::ModifyKind::Name(_)
                        | notify::event::ModifyKind::Any
                )
                | notify::EventKind::Any
        );
        if change {
            let _ = sender.send(event.paths);
        }
    })
    .map_err(|e| ServeError::Watch(e.to_string()))?;
    let watched = [
        (root.to_path_buf(), RecursiveMode::NonRecursive),
        (
            root.join(crate::source::CONTENT_DIR),
            RecursiveMode::Recursive,
        ),
        (root.join("themes").join(theme), RecursiveMode::Recursive),
    ];
    for (path, mode) in &watched {
        if path.exists() {
            watcher
                .watch(path, *mode)
                .map_err(|e| ServeError::Watch(format!("{}: {e}", path.display())))?;
        }
    }
    Ok((receiver, watcher))
}

/// Rebuilds after every batch of changes until `stop` is set.
fn rebuild_loop(
    root: &Path,
    theme: &str,
    session: &mut Session,
    shared: &Shared,
    receiver: &Receiver<Vec<PathBuf>>,
    stop: &AtomicBool,
    timings: bool,
) {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let ignored = vec![
        PathBuf::from(PREVIEW_DIR),
        PathBuf::from("public"),
        PathBuf::from("target"),
    ];
    while !stop.load(Ordering::Relaxed) {
        let Some(paths) = next_batch(receiver, stop) else {
            continue;
        };
        let paths: Vec<PathBuf> = paths
            .iter()
            .map(|p| relative(p, root, &canonical_root))
            .collect();
        let changes = pipeline::classify(Path::new(""), theme, &paths, &ignored);
        if changes.is_empty() {
            continue;
        }
        let shown = shared.shown.pages();
        let result = session.rebuild(&changes, &shown, &mut |early| {
            announce(shared, early.changed.clone(), &changes, false);
        });
        publish(shared, result, &changes, timings);
    }
}

/// Tells open pages what changed; `settled`: the rebuild is over. Event
/// streams wake only when the state a browser sees has changed.
fn announce(shared: &Shared, changed: Vec<String>, changes: &Changes, settled: bool) {
    shared.live.send_if_modified(|state| {
        let was_broken = state.overlay.take().is_some();
        if changed.is_empty() && !was_broken && state.settled == settled {
            return false;
        }
        state.version += 1;
        state.settled = settled;
        state.css_only = !was_broken && changes.only_css(&changed);
        state.changed = if was_broken {
            vec!["*".to_string()]
        } else {
            changed
        };
        true
    });
}

/// One line per stage of a rebuild, for `--timings`.
fn print_stages(stages: &[(&'static str, Duration)]) {
    let line: Vec<String> = stages
        .iter()
        .map(|(stage, took)| format!("{stage} {:.1} ms", took.as_secs_f64() * 1000.0))
        .collect();
    println!("  {}", line.join(", "));
}

/// How long no further event must arrive before a batch is rebuilt. The
/// events of one save (truncate and write, or temp file and rename) come
/// within a millisecond of each other, and the time from save to page
/// counts against serve's latency goal (50 ms), so it is short; a batch
/// cut in two is merely rebuilt twice.
const QUIET: Duration = Duration::from_millis(5);

/// The preview's base URL, checked like any other; an IPv6 address goes
/// in brackets.
fn preview_url(bind: &str, port: u16, address: &str) -> Result<BaseUrl, ServeError> {
    let host = if bind.contains(':') {
        format!("[{bind}]")
    } else {
        bind.to_string()
    };
    BaseUrl::parse(&format!("http://{host}:{port}")).map_err(|bad| ServeError::Bind {
        address: address.to_string(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, bad.problem),
    })
}

/// Waits for file events and gathers those that follow within a short
/// quiet period ([`QUIET`]), so one save (temp file, rename) is one rebuild.
fn next_batch(receiver: &Receiver<Vec<PathBuf>>, stop: &AtomicBool) -> Option<Vec<PathBuf>> {
    let mut paths = match receiver.recv_timeout(Duration::from_millis(100)) {
        Ok(paths) => paths,
        Err(RecvTimeoutError::Timeout) => return None,
        Err(RecvTimeoutError::Disconnected) => {
            stop.store(true, Ordering::Relaxed);
            return None;
        }
    };
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(300) {
        match receiver.recv_timeout(QUIET) {
            Ok(more) => paths.extend(more),
            Err(_) => break,
        }
    }
    paths.sort();
    paths.dedup();
    Some(paths)
}

fn relative(path: &Path, root: &Path, canonical_root: &Path) -> PathBuf {
    path.strip_prefix(canonical_root)
        .or_else(|_| path.strip_prefix(root))
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Tells the terminal and the browsers what a rebuild did. Open event
/// streams wake only when the state a browser sees has changed.
fn publish(
    shared: &Shared,
    result: Result<Rebuilt, Vec<crate::Diagnostic>>,
    changes: &Changes,
    timings: bool,
) {
    match result {
        Ok(rebuilt) => {
            if !rebuilt.warnings.is_empty() {
                eprint!("{}", crate::diagnostics::render_report(&rebuilt.warnings));
            }
            println!(
                "rebuilt in {:.0} ms: {} parsed, {} written, {} removed",
                rebuilt.took.as_secs_f64() * 1000.0,
                rebuilt.parsed,
                rebuilt.written,
                rebuilt.removed
            );
            if timings {
                print_stages(&rebuilt.stages);
            }
            // Browsers heard of the first part already.
            let rest = rebuilt
                .changed
                .into_iter()
                .filter(|url| !rebuilt.early.contains(url))
                .collect();
            announce(shared, rest, changes, true);
        }
        Err(problems) => {
            eprint!("{}", crate::diagnostics::render_report(&problems));
            eprintln!("the last good version is still served");
            shared.live.send_modify(|state| {
                state.version += 1;
                state.css_only = false;
                state.settled = true;
                state.changed = Vec::new();
                state.overlay = Some(live::overlay(&problems));
            });
        }
    }
}
