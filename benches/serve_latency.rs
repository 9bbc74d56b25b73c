//! Save-to-written-file latency of `kommhub serve`, for every kind of edit.
//!
//! Usage: `cargo bench --bench serve_latency -- <site root> [edits per kind] [kind …]`
//! (a corpus from `python3 ../shared/bench/gen_corpus.py --format kommhub`,
//! see `benches/README.md`). Starts the real server on a free port, then
//! makes each kind of edit a number of times (default 5) and measures,
//! per edit, two times from writing the source file:
//!
//! - **shown page**: until the preview folder shows its effect (a page
//!   holding the new text, a page that appears or one that disappears).
//!   Like a staff member's browser, the benchmark keeps the page whose
//!   text it checks open (a live-reload event stream names it), and serve
//!   writes open, edited and new pages before the rest of a rebuild;
//! - **all files**: until serve says the rebuild is over (every file
//!   written; the event stream's `settled`).
//!
//! Prints median, minimum and maximum of both per kind. Every edit is
//! undone at the end. A benchmark, not a test: it asserts nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// What an edit's effect looks like in the preview folder.
enum Effect {
    /// The file (relative to the preview folder) holds the text.
    Holds(String, String),
    /// The file exists.
    Appears(String),
    /// The file no longer exists.
    Disappears(String),
    /// The file exists and does not hold the text.
    Lacks(String, String),
}

/// One change to the sources and the effect it must have.
struct Step {
    writes: Vec<(PathBuf, Option<String>)>,
    renames: Vec<(PathBuf, PathBuf)>,
    effect: Effect,
}

/// The corpus' facts the edits are made from.
struct Corpus {
    root: PathBuf,
    release: PathBuf,
    stem: String,
    original: String,
    standard_dir: PathBuf,
    standard_version: String,
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(root) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench serve_latency -- <site root> [edits] [kind …]");
        std::process::exit(2);
    };
    let edits: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(5);
    let only: Vec<&str> = args.iter().skip(2).map(String::as_str).collect();
    let corpus = Corpus::read(&root);
    let preview = root.join(kommhub::serve::PREVIEW_DIR);
    let (stop, server, first_build, port) = start(&root);
    println!(
        "first build: {:.2} s; release edited: {}",
        first_build.as_secs_f64(),
        corpus.release.display()
    );
    std::thread::sleep(Duration::from_millis(500));
    println!(
        "{:<16} {:>26} {:>26} {:>4}",
        "", "shown page (ms)", "all files (ms)", ""
    );
    println!(
        "{:<16} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>4}",
        "edit", "median", "min", "max", "median", "min", "max", "n"
    );
    for (name, make) in KINDS {
        if !only.is_empty() && !only.contains(name) {
            continue;
        }
        let (mut shown, mut settled) = (Vec::new(), Vec::new());
        for n in 1..=edits {
            for step in make(&corpus, n) {
                if let Some((page, all)) = run(&root, &preview, port, step) {
                    shown.push(page);
                    settled.push(all);
                }
            }
        }
        report(name, &mut shown, &mut settled);
    }
    corpus.restore();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = server.join();
}

type Make = fn(&Corpus, usize) -> Vec<Step>;

/// Every kind of edit, in the order the table prints them.
const KINDS: &[(&str, Make)] = &[
    ("body", body),
    ("title", title),
    ("summary", summary),
    ("date", date),
    ("tags", tags),
    ("new file", new_file),
    ("deleted file", deleted_file),
    ("new, newest", new_newest),
    ("deleted, newest", deleted_newest),
    ("renamed file", renamed_file),
    ("translation", translation),
    ("standard", standard),
    ("_index.md", section_index),
    ("i18n string", i18n),
    ("template", template),
    ("static file", static_file),
    ("site.yaml", site_yaml),
];

fn page(stem: &str) -> String {
    format!("news/{stem}/index.html")
}

fn marker(kind: &str, n: usize) -> String {
    format!("Messung{kind}{n}x{}", std::process::id())
}

fn body(c: &Corpus, n: usize) -> Vec<Step> {
    let text = marker("Text", n);
    let edited = c.original.replacen("\n\n", &format!("\n\n{text} "), 1);
    vec![c.release_step(edited, Effect::Holds(page(&c.stem), text))]
}

fn title(c: &Corpus, n: usize) -> Vec<Step> {
    let text = marker("Titel", n);
    let edited = c
        .original
        .replacen("title: \"", &format!("title: \"{text} "), 1);
    vec![c.release_step(edited, Effect::Holds(page(&c.stem), text))]
}

fn summary(c: &Corpus, n: usize) -> Vec<Step> {
    let text = marker("Vorspann", n);
    let edited = c
        .original
        .replacen("\ntitle:", &format!("\nsummary: \"{text}\"\ntitle:"), 1);
    vec![c.release_step(edited, Effect::Holds(page(&c.stem), text))]
}

/// Moved to the newest date (the first listing page shows it), then back.
fn date(c: &Corpus, _: usize) -> Vec<Step> {
    let newest = replace_line(&c.original, "date:", "date: 2026-12-31T10:00:00+01:00");
    let url = format!("/news/{}/", c.stem);
    vec![
        c.release_step(newest, Effect::Holds("news/index.html".into(), url.clone())),
        c.release_step(
            c.original.clone(),
            Effect::Lacks("news/index.html".into(), url),
        ),
    ]
}

/// A new tag (its page appears), then removed again (its page goes).
fn tags(c: &Corpus, n: usize) -> Vec<Step> {
    let tag = format!("messwert{n}");
    let edited = c
        .original
        .replacen("tags: [", &format!("tags: [\"{tag}\", "), 1);
    let tag_page = format!("news/themen/{tag}/index.html");
    vec![
        c.release_step(edited, Effect::Appears(tag_page.clone())),
        c.release_step(c.original.clone(), Effect::Disappears(tag_page)),
    ]
}

fn new_release(c: &Corpus, name: &str, title: &str) -> String {
    let front = c.original.split("\n---\n").next().unwrap_or("---");
    let front = replace_line(front, "title:", &format!("title: \"{title}\""));
    format!("{front}\n---\n\nNeue Meldung für die Messung.\n").replace(
        &format!("slug: \"{}\"", c.stem),
        &format!("slug: \"{name}\""),
    )
}

fn new_file(c: &Corpus, n: usize) -> Vec<Step> {
    let name = format!("messung-neu-{n}");
    let file = c.root.join(format!("content/news/{name}.md"));
    vec![Step::write(
        file,
        new_release(c, &name, &marker("Neu", n)),
        Effect::Appears(page(&name)),
    )]
}

/// A new release dated the day before the build, as `kommhub new` makes
/// one: the newest, so no other release's running number moves (the
/// `new file` kind copies the edited release's date and so renumbers
/// every later release of that year).
fn new_newest(c: &Corpus, n: usize) -> Vec<Step> {
    let name = format!("messung-heute-{n}");
    let file = c.root.join(format!("content/news/{name}.md"));
    let yesterday = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24);
    let text = replace_line(
        &new_release(c, &name, &marker("Heute", n)),
        "date:",
        &format!("date: {}", yesterday.strftime("%Y-%m-%dT%H:%M:%SZ")),
    );
    vec![Step::write(file, text, Effect::Appears(page(&name)))]
}

fn deleted_newest(c: &Corpus, n: usize) -> Vec<Step> {
    let name = format!("messung-heute-{n}");
    let file = c.root.join(format!("content/news/{name}.md"));
    vec![Step::remove(vec![file], Effect::Disappears(page(&name)))]
}

fn deleted_file(c: &Corpus, n: usize) -> Vec<Step> {
    let name = format!("messung-neu-{n}");
    let file = c.root.join(format!("content/news/{name}.md"));
    vec![Step::remove(vec![file], Effect::Disappears(page(&name)))]
}

/// A new file, renamed: the page moves to the new name's address.
fn renamed_file(c: &Corpus, n: usize) -> Vec<Step> {
    let (from, to) = (format!("messung-alt-{n}"), format!("messung-umbenannt-{n}"));
    let (from_file, to_file) = (
        c.root.join(format!("content/news/{from}.md")),
        c.root.join(format!("content/news/{to}.md")),
    );
    vec![
        Step::write(
            from_file.clone(),
            new_release(c, &from, &marker("Alt", n)),
            Effect::Appears(page(&from)),
        ),
        Step {
            writes: Vec::new(),
            renames: vec![(from_file, to_file.clone())],
            effect: Effect::Appears(page(&to)),
        },
        Step::remove(vec![to_file], Effect::Disappears(page(&to))),
    ]
}

/// An English translation of a new German release.
fn translation(c: &Corpus, n: usize) -> Vec<Step> {
    let name = format!("messung-uebersetzt-{n}");
    let german = c.root.join(format!("content/news/{name}.md"));
    let english = c.root.join(format!("content/news/{name}.en.md"));
    let text = new_release(c, &name, &marker("Translated", n));
    vec![
        Step::write(german.clone(), text.clone(), Effect::Appears(page(&name))),
        Step::write(
            english.clone(),
            text,
            Effect::Appears(format!("en/{}", page(&name))),
        ),
        Step::remove(vec![english, german], Effect::Disappears(page(&name))),
    ]
}

/// A new draft version of a standard (its page appears), then removed.
fn standard(c: &Corpus, n: usize) -> Vec<Step> {
    let version = format!("9.{n}");
    let file = c.standard_dir.join(format!("{version}.md"));
    let text = replace_line(
        &c.standard_version,
        "version:",
        &format!("version: \"{version}\""),
    );
    let text = replace_line(&text, "status:", "status: \"draft\"");
    // A draft has no decision yet: dates and references of one go.
    let decided = [
        "adopted:",
        "effective:",
        "withdrawn:",
        "decided_by:",
        "decision:",
        "valid_until:",
    ];
    let text: String = text
        .lines()
        .filter(|line| !decided.iter().any(|key| line.starts_with(key)))
        .map(|line| format!("{line}\n"))
        .collect();
    let folder = c
        .standard_dir
        .file_name()
        .map(|f| f.to_string_lossy().to_string());
    let target = format!(
        "standards/{}/{version}/index.html",
        folder.unwrap_or_default()
    );
    vec![
        Step::write(file.clone(), text, Effect::Appears(target.clone())),
        Step::remove(vec![file], Effect::Disappears(target)),
    ]
}

fn section_index(c: &Corpus, n: usize) -> Vec<Step> {
    let file = c.root.join("content/news/_index.md");
    let text = marker("Sektion", n);
    let edited = with_original(&file, |t| {
        t.replacen("title: \"", &format!("title: \"{text} "), 1)
    });
    vec![Step::write(
        file,
        edited,
        Effect::Holds("news/index.html".into(), text),
    )]
}

fn i18n(c: &Corpus, n: usize) -> Vec<Step> {
    let file = c.root.join("themes/hub/i18n/de.yaml");
    let text = marker("Start", n);
    let edited = with_original(&file, |t| {
        replace_line(t, "nav_home:", &format!("nav_home: \"{text}\""))
    });
    vec![Step::write(
        file,
        edited,
        Effect::Holds(page(&c.stem), text),
    )]
}

fn template(c: &Corpus, n: usize) -> Vec<Step> {
    let file = c.root.join("themes/hub/templates/news.html");
    let text = marker("Vorlage", n);
    let edited = with_original(&file, |t| {
        t.replacen(
            "{% block content %}",
            &format!("{{% block content %}}<!-- {text} -->"),
            1,
        )
    });
    vec![Step::write(
        file,
        edited,
        Effect::Holds(page(&c.stem), text),
    )]
}

fn static_file(c: &Corpus, n: usize) -> Vec<Step> {
    let file = c.root.join("themes/hub/static/style.css");
    let text = marker("Stil", n);
    let edited = with_original(&file, |t| format!("{t}\n/* {text} */\n"));
    vec![Step::write(
        file,
        edited,
        Effect::Holds("style.css".into(), text),
    )]
}

fn site_yaml(c: &Corpus, n: usize) -> Vec<Step> {
    let file = c.root.join("site.yaml");
    let text = marker("Hub", n);
    let edited = with_original(&file, |t| {
        t.replacen("de: \"", &format!("de: \"{text} "), 1)
    });
    vec![Step::write(
        file,
        edited,
        Effect::Holds("index.html".into(), text),
    )]
}

/// Replaces the first line starting with `key` by `line`.
fn replace_line(text: &str, key: &str, line: &str) -> String {
    let mut done = false;
    let lines: Vec<&str> = text
        .lines()
        .map(|l| {
            if !done && l.starts_with(key) {
                done = true;
                line
            } else {
                l
            }
        })
        .collect();
    lines.join("\n") + "\n"
}

/// The text of `file` before the benchmark touched it, edited.
fn with_original(file: &Path, edit: impl FnOnce(&str) -> String) -> String {
    let mut originals = ORIGINALS.lock().unwrap_or_else(|e| e.into_inner());
    let text = originals
        .entry(file.to_path_buf())
        .or_insert_with(|| std::fs::read_to_string(file).unwrap_or_default());
    edit(text)
}

/// Files the benchmark edits, as they were, to put back at the end.
static ORIGINALS: std::sync::Mutex<std::collections::BTreeMap<PathBuf, String>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

impl Step {
    fn write(file: PathBuf, text: String, effect: Effect) -> Step {
        Step {
            writes: vec![(file, Some(text))],
            renames: Vec::new(),
            effect,
        }
    }

    fn remove(files: Vec<PathBuf>, effect: Effect) -> Step {
        Step {
            writes: files.into_iter().map(|file| (file, None)).collect(),
            renames: Vec::new(),
            effect,
        }
    }
}

impl Corpus {
    fn read(root: &Path) -> Corpus {
        let release = pick(&root.join("content/news"), |name| {
            name.ends_with(".md") && !name.starts_with('_') && name.matches('.').count() == 1
        });
        let original = with_original(&release, str::to_string);
        let stem = release
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let standard_dir = pick(&root.join("content/standards"), |name| {
            name.starts_with("hub-std")
        });
        let version_file = pick(&standard_dir, |name| {
            name.ends_with(".md") && name.matches('.').count() == 2
        });
        let standard_version = std::fs::read_to_string(&version_file).unwrap_or_default();
        Corpus {
            root: root.to_path_buf(),
            release,
            stem,
            original,
            standard_dir,
            standard_version,
        }
    }

    fn release_step(&self, text: String, effect: Effect) -> Step {
        Step::write(self.release.clone(), text, effect)
    }

    /// Puts every edited file back as it was.
    fn restore(&self) {
        let originals = ORIGINALS.lock().unwrap_or_else(|e| e.into_inner());
        for (file, text) in originals.iter() {
            let _ = std::fs::write(file, text);
        }
    }
}

/// The middle entry (by name) of `folder` that `fits`: neither the newest
/// release nor an edge case.
fn pick(folder: &Path, fits: impl Fn(&str) -> bool) -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.file_name().is_some_and(|n| fits(&n.to_string_lossy())))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
        .get(found.len() / 2)
        .cloned()
        .unwrap_or_else(|| folder.join("missing"))
}

/// Starts the preview server; returns its stop flag, thread and the time
/// its first build took.
fn start(root: &Path) -> (Arc<AtomicBool>, std::thread::JoinHandle<()>, Duration, u16) {
    let options = kommhub::serve::ServeOptions {
        root: root.to_path_buf(),
        bind: "127.0.0.1".into(),
        port: 0,
        drafts: false,
        open: false,
        timings: false,
        build_date: jiff::Timestamp::now(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let (ready_send, ready) = std::sync::mpsc::channel();
    let server = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let started = Instant::now();
            let result = kommhub::serve::run(&options, stop, |port| {
                let _ = ready_send.send((started.elapsed(), port));
            });
            if let Err(error) = result {
                eprintln!("serve failed: {error}");
            }
        })
    };
    let Ok((first_build, port)) = ready.recv_timeout(Duration::from_secs(600)) else {
        eprintln!("the server did not start");
        std::process::exit(1);
    };
    (stop, server, first_build, port)
}

/// Applies one step and waits for its effect; the time from the first
/// write until the preview shows it, and until the rebuild is over, or
/// `None` after a minute. While it runs, a browser shows the page whose
/// text the step checks (an event stream names it, as the live-reload
/// script does), so serve writes that page first.
fn run(root: &Path, preview: &Path, port: u16, step: Step) -> Option<(Duration, Duration)> {
    let page = match &step.effect {
        Effect::Holds(path, _) | Effect::Lacks(path, _) => page_url(path),
        Effect::Appears(_) | Effect::Disappears(_) => None,
    };
    let browser = Browser::open(port, page.as_deref())?;
    let start = Instant::now();
    for (file, text) in &step.writes {
        let _ = match text {
            Some(text) => std::fs::write(file, text),
            None => std::fs::remove_file(file),
        };
    }
    for (from, to) in &step.renames {
        let _ = std::fs::rename(from, to);
    }
    let shown = |path: &str| preview.join(path);
    let took = loop {
        let done = match &step.effect {
            Effect::Holds(path, text) => {
                std::fs::read_to_string(shown(path)).is_ok_and(|t| t.contains(text.as_str()))
            }
            Effect::Lacks(path, text) => {
                std::fs::read_to_string(shown(path)).is_ok_and(|t| !t.contains(text.as_str()))
            }
            Effect::Appears(path) => shown(path).is_file(),
            Effect::Disappears(path) => !shown(path).exists(),
        };
        if done {
            break start.elapsed();
        }
        if start.elapsed() > Duration::from_secs(60) {
            eprintln!("an edit in {} never showed", root.display());
            return None;
        }
        std::thread::sleep(Duration::from_micros(500));
    };
    let settled = browser.settled(start)?;
    // Let the watcher settle so edits do not merge.
    std::thread::sleep(Duration::from_millis(150));
    Some((took, settled.max(took)))
}

/// The site URL of a preview file that is a page (`news/a/index.html` →
/// `/news/a/`); `None` for other files.
fn page_url(path: &str) -> Option<String> {
    path.strip_suffix("index.html")
        .map(|folder| format!("/{folder}"))
}

/// A browser's live-reload event stream: what it learns of rebuilds.
struct Browser {
    /// The last event's rebuild count and whether it said the rebuild is
    /// over, with when it came.
    last: Arc<std::sync::Mutex<(u64, bool, Instant)>>,
    /// The count when the stream opened.
    opened: u64,
}

impl Browser {
    /// Opens the stream (showing `page`) and waits for its first event.
    fn open(port: u16, page: Option<&str>) -> Option<Browser> {
        use std::io::{BufRead, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
        let query = page
            .map(|p| format!("?page={}", p.replace('/', "%2F")))
            .unwrap_or_default();
        let request = format!("GET /__kommhub/events{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        stream.write_all(request.as_bytes()).ok()?;
        let last = Arc::new(std::sync::Mutex::new((u64::MAX, false, Instant::now())));
        let (first, got_first) = std::sync::mpsc::channel();
        let shared = Arc::clone(&last);
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                let Some(version) = event_version(&line) else {
                    continue;
                };
                let settled = line.contains("\"settled\":true");
                if let Ok(mut last) = shared.lock() {
                    *last = (version, settled, Instant::now());
                }
                let _ = first.send(version);
            }
        });
        let opened = got_first.recv_timeout(Duration::from_secs(10)).ok()?;
        Some(Browser { last, opened })
    }

    /// Waits for the event that says the rebuild after `start` is over;
    /// the time from `start` until it came. The stream closes on drop.
    fn settled(&self, start: Instant) -> Option<Duration> {
        while start.elapsed() < Duration::from_secs(60) {
            if let Ok(last) = self.last.lock() {
                let (version, settled, at) = *last;
                if version > self.opened && version != u64::MAX && settled {
                    return Some(at.duration_since(start));
                }
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        eprintln!("a rebuild never ended");
        None
    }
}

/// The rebuild count of an event line (`data: {"version":3,…}`).
fn event_version(line: &str) -> Option<u64> {
    let rest = line.split("\"version\":").nth(1)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn report(name: &str, shown: &mut [Duration], settled: &mut [Duration]) {
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    let columns = |times: &mut [Duration]| {
        times.sort();
        match (times.first(), times.last()) {
            (Some(min), Some(max)) => format!(
                "{:>8.1} {:>8.1} {:>8.1}",
                ms(&times[times.len() / 2]),
                ms(min),
                ms(max)
            ),
            _ => format!("{:>8} {:>8} {:>8}", "-", "-", "-"),
        }
    };
    println!(
        "{name:<16} {} {} {:>4}",
        columns(shown),
        columns(settled),
        shown.len()
    );
}
