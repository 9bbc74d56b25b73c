//! Edit-to-written-file latency of `kommhub serve`.
//!
//! Usage: `cargo bench --bench serve_latency -- <site root> [edits]`
//! (a corpus from `python3 ../shared/bench/gen_corpus.py --format kommhub`,
//! see `benches/README.md`). Starts the real server on a free port, then
//! rewrites the title of one press release N times (default 25) and
//! measures, per edit, the time from writing the Markdown file until the
//! release's preview HTML on disk holds the new title. Prints median,
//! minimum and maximum. A benchmark, not a test: it asserts nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(root) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench serve_latency -- <site root> [edits]");
        std::process::exit(2);
    };
    let edits: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(25);
    let release = pick_release(&root.join("content/news"));
    let original = std::fs::read_to_string(&release).unwrap_or_default();
    let stem = release
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let output = root
        .join(kommhub::serve::PREVIEW_DIR)
        .join("news")
        .join(&stem)
        .join("index.html");

    let options = kommhub::serve::ServeOptions {
        root: root.clone(),
        bind: "127.0.0.1".into(),
        port: 0,
        drafts: false,
        open: false,
        build_date: jiff::Timestamp::now(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let (ready_send, ready) = std::sync::mpsc::channel();
    let server = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let started = Instant::now();
            let result = kommhub::serve::run(&options, stop, |_| {
                let _ = ready_send.send(started.elapsed());
            });
            if let Err(error) = result {
                eprintln!("serve failed: {error}");
            }
        })
    };
    let Ok(first_build) = ready.recv_timeout(Duration::from_secs(600)) else {
        eprintln!("the server did not start");
        std::process::exit(1);
    };
    println!(
        "first build: {:.2} s; editing {}",
        first_build.as_secs_f64(),
        release.display()
    );
    std::thread::sleep(Duration::from_millis(500));

    let mut times = Vec::with_capacity(edits);
    for n in 1..=edits {
        let marker = format!("Fassung {n} {}", std::process::id());
        let edited = original.replacen("title: \"", &format!("title: \"{marker} "), 1);
        let start = Instant::now();
        if std::fs::write(&release, edited).is_err() {
            eprintln!("cannot write {}", release.display());
            break;
        }
        loop {
            if std::fs::read_to_string(&output).is_ok_and(|html| html.contains(&marker)) {
                times.push(start.elapsed());
                break;
            }
            if start.elapsed() > Duration::from_secs(60) {
                eprintln!("edit {n} never reached {}", output.display());
                break;
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        // Let the watcher settle so edits do not merge.
        std::thread::sleep(Duration::from_millis(150));
    }
    let _ = std::fs::write(&release, &original);
    stop.store(true, Ordering::Relaxed);
    let _ = server.join();

    times.sort();
    if times.is_empty() {
        std::process::exit(1);
    }
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    println!(
        "edit-to-written-file over {} edits: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        times.len(),
        ms(&times[times.len() / 2]),
        ms(&times[0]),
        ms(&times[times.len() - 1])
    );
}

/// A release from the middle of the list, so it is neither the newest
/// (shown on every page's home teaser) nor an edge case.
fn pick_release(news: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(news)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    let name = p
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default();
                    name.ends_with(".md")
                        && !name.starts_with('_')
                        && name.matches('.').count() == 1
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .get(files.len() / 2)
        .cloned()
        .unwrap_or_else(|| news.join("missing.md"))
}
