//! Property: any content file either builds or fails with diagnostics; the
//! build never panics and never hangs.
//!
//! A seeded generator writes front matter and Markdown from a small grammar
//! biased towards kommhub's own keys and towards values that have hurt
//! parsers before (control characters, huge numbers, impossible dates,
//! `..` paths, `---` lines, deep nesting, very long strings). Each case is
//! one file in a tiny site, rendered in-process with every stage but the
//! write (the write stage's OS errors are the output module's business).
//!
//! Inputs stay below the sizes where serde_yaml is known to crawl (nesting
//! about 20, front matter a few KB); the YAML limits of the parser guard
//! the rest. `KOMMHUB_PROPERTY_CASES` and `KOMMHUB_PROPERTY_SEED` run more
//! or other cases; a failure prints the seed that reproduces it.

use std::sync::mpsc;
use std::time::Duration;

use fastrand::Rng;
use kommhub::{BuildFailure, Diagnostic};

use crate::support::TestSite;

/// Enough to cover the grammar on every run while keeping the suite fast.
const DEFAULT_CASES: u64 = 64;
/// The first seed (`kommhub` in ASCII); case `n` uses `seed + n`, so
/// every run tries the same files.
const DEFAULT_SEED: u64 = 0x006b_6f6d_6d68_7562;
/// A tiny site renders in milliseconds; seconds mean a hang.
const TIME_LIMIT: Duration = Duration::from_secs(20);
/// Deeper nesting than this is the parser's limit to enforce, not ours.
const MAX_DEPTH: usize = 20;

/// Where a generated file may live: every kind of content file.
const PLACES: &[&str] = &[
    "content/news/2025-01-20-x.md",
    "content/news/2025-01-20-x.en.md",
    "content/news/x.md",
    "content/news/2025-03-18-b/index.md",
    "content/seite.md",
    "content/seite.en.md",
    "content/news/_index.md",
    "content/standards/s/1.0.md",
];

/// Front matter keys of all kinds, the common ones listed twice so that
/// they come up more often, and a few that exist nowhere.
const KEYS: &[&str] = &[
    "title",
    "title",
    "date",
    "date",
    "tags",
    "tags",
    "slug",
    "slug",
    "image",
    "image",
    "associations",
    "associations",
    "contact",
    "contact",
    "aliases",
    "aliases",
    "summary",
    "draft",
    "updated",
    "expires",
    "extra",
    "check",
    "place",
    "subtitle",
    "related",
    "correction",
    "number",
    "id",
    "version",
    "status",
    "adopted",
    "effective",
    "withdrawn",
    "supersedes",
    "downloads",
    "topics",
    "role",
    "conformance",
    "barriers",
    "titel",
    "",
    "\u{0}",
    "ä",
];

#[test]
fn any_content_file_builds_or_fails_with_diagnostics() {
    let cases = env_number("KOMMHUB_PROPERTY_CASES").unwrap_or(DEFAULT_CASES);
    let seed = env_number("KOMMHUB_PROPERTY_SEED").unwrap_or(DEFAULT_SEED);
    let mut built = 0;
    for case in 0..cases {
        let mut rng = Rng::with_seed(seed + case);
        let place = PLACES[rng.usize(..PLACES.len())];
        let text = content_file(&mut rng, place);
        match builds_or_explains(place, &text) {
            Ok(true) => built += 1,
            Ok(false) => {}
            Err(why) => panic!("seed {}: {why}\n{place}:\n{text:?}", seed + case),
        }
    }
    // A grammar whose every file fails would test only the parser's error
    // paths; one whose every file builds would test none of them.
    if cases >= DEFAULT_CASES {
        assert!(built > 0 && built < cases, "{built} of {cases} cases built");
    }
}

/// Builds (and writes) a site with `text` at `place`: `Ok(true)` when it built,
/// `Ok(false)` when it failed with diagnostics, `Err` says how the
/// property broke.
fn builds_or_explains(place: &str, text: &str) -> Result<bool, String> {
    let site = TestSite::new()
        .file("content/news/_index.md", "---\ntitle: Presse\n---\n")
        .file(
            "content/standards/_index.md",
            "---\ntitle: Standards\n---\n",
        )
        .file(place, text);
    let options = site.options();
    let (send, receive) = mpsc::channel();
    // A thread of its own, so a hang is a failure after TIME_LIMIT and a
    // panic is reported with the input instead of as a bare backtrace.
    std::thread::spawn(move || {
        let _ = send.send(kommhub::build(&options).map(|_| ()));
    });
    match receive.recv_timeout(TIME_LIMIT) {
        Ok(Ok(())) => Ok(true),
        Ok(Err(BuildFailure::Content(problems))) => explains(&problems).map(|()| false),
        Ok(Err(BuildFailure::Io(error))) => Err(format!("the write failed: {error}")),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("no answer in {TIME_LIMIT:?}")),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("the build panicked".to_string()),
    }
}

/// A failed build must name at least one error, and every error must say
/// where, what and how to fix it.
fn explains(problems: &[Diagnostic]) -> Result<(), String> {
    let errors: Vec<&Diagnostic> = problems.iter().filter(|p| p.is_error()).collect();
    if errors.is_empty() {
        return Err(format!("failed without an error: {problems:?}"));
    }
    match errors.iter().find(|e| {
        e.file.as_os_str().is_empty() || e.message.trim().is_empty() || e.help.trim().is_empty()
    }) {
        Some(vague) => Err(format!("an error without file, message or help: {vague:?}")),
        None => Ok(()),
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.parse().ok()
}

/// A whole content file for `place`: front matter (mostly), then a body.
fn content_file(rng: &mut Rng, place: &str) -> String {
    let mut text = String::new();
    match rng.u8(..12) {
        // No front matter at all.
        0 => {}
        // An opening line and no closing one.
        1 => text.push_str(&format!("---\n{}", front_matter(rng, place))),
        // A byte order mark before the opening `---`.
        2 => text.push_str(&format!("\u{feff}---\n{}---\n", front_matter(rng, place))),
        _ => text.push_str(&format!("---\n{}---\n", front_matter(rng, place))),
    }
    for _ in 0..rng.usize(..8) {
        text.push_str(&block(rng));
    }
    text
}

/// The keys `place`'s kind requires, with good values (mostly), then a few
/// more: half the files get well-formed values of our keys, so that they
/// reach the model and the templates; the others get anything.
fn front_matter(rng: &mut Rng, place: &str) -> String {
    let mut yaml = String::new();
    for line in required(place) {
        if rng.u8(..12) > 0 {
            yaml.push_str(line);
        }
    }
    let gentle = rng.u8(..3) > 0;
    for _ in 0..rng.usize(..5) {
        yaml.push_str(&if gentle {
            good_entry(rng)
        } else {
            any_entry(rng)
        });
    }
    if rng.u8(..12) == 0 {
        // A `---` in the middle ends the front matter early.
        yaml.push_str("---\nsummary: danach\n");
    }
    yaml
}

/// The front matter lines a file at `place` needs to build.
fn required(place: &str) -> &'static [&'static str] {
    if place.ends_with("_index.md") {
        &["title: Presse\n"]
    } else if place.starts_with("content/standards/") {
        &[
            "title: Standard\n",
            "id: HUB-STD-0001\n",
            "version: \"1.0\"\n",
            "status: adopted\n",
            "adopted: 2025-03-01\n",
            "associations: [itk]\n",
        ]
    } else if place.starts_with("content/news/") {
        &[
            "title: Meldung\n",
            "date: 2025-01-20\n",
            "associations: [itk]\n",
            "contact: presse\n",
        ]
    } else {
        &["title: Seite\n"]
    }
}

/// One of our keys with a value of the right shape, awkward inside.
fn good_entry(rng: &mut Rng) -> String {
    let text = escaped(&awkward_text(rng));
    match rng.u8(..8) {
        0 => format!("tags: [{text}, {}]\n", escaped(&awkward_text(rng))),
        1 => format!("slug: {text}\n"),
        2 => format!("summary: {text}\n"),
        3 => format!("aliases: [{text}]\n"),
        4 => format!("image: {{ src: {text}, alt: {text} }}\n"),
        5 => format!("draft: {}\n", rng.bool()),
        6 => format!(
            "updated: {}\n",
            ["2025-01-21", "2025-02-30", "2025-01-21T10:00:00+01:00"][rng.usize(..3)]
        ),
        _ => format!("extra: {{ {text}: {} }}\n", value(rng, 1)),
    }
}

/// Any key, any value, block or flow style, sometimes a broken line.
fn any_entry(rng: &mut Rng) -> String {
    let key = KEYS[rng.usize(..KEYS.len())];
    match rng.u8(..12) {
        0 => format!("{key}:\n{}", block_value(rng, 1)),
        1 => format!("{key}: {}", awkward_text(rng)),
        _ => format!("{key}: {}\n", value(rng, 0)),
    }
}

/// A YAML value in flow style, nested at most [`MAX_DEPTH`] deep.
fn value(rng: &mut Rng, depth: usize) -> String {
    let nested = depth < MAX_DEPTH && rng.u8(..4) == 0;
    match (nested, rng.u8(..3)) {
        (true, 0) => {
            let items: Vec<String> = (0..rng.usize(..4)).map(|_| value(rng, depth + 1)).collect();
            format!("[{}]", items.join(", "))
        }
        (true, _) => {
            let entries: Vec<String> = (0..rng.usize(..4))
                .map(|_| {
                    let key = KEYS[rng.usize(..KEYS.len())];
                    format!("{}: {}", quoted(key), value(rng, depth + 1))
                })
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        _ => scalar(rng),
    }
}

/// A value in block style: a list or a map, indented.
fn block_value(rng: &mut Rng, depth: usize) -> String {
    let indent = "  ".repeat(depth);
    let mut yaml = String::new();
    for _ in 0..rng.usize(1..4) {
        match rng.u8(..4) {
            0 if depth < MAX_DEPTH => {
                yaml.push_str(&format!("{indent}-\n{}", block_value(rng, depth + 1)))
            }
            1 => yaml.push_str(&format!(
                "{indent}{}: {}\n",
                KEYS[rng.usize(..KEYS.len())],
                scalar(rng)
            )),
            _ => yaml.push_str(&format!("{indent}- {}\n", scalar(rng))),
        }
    }
    yaml
}

/// One scalar: ours (keys of the fixture site), dates, numbers, text.
fn scalar(rng: &mut Rng) -> String {
    const SCALARS: &[&str] = &[
        "itk",
        "presse",
        "itk-rheinland",
        "2025-01-20",
        "2025-02-30",
        "2025-13-01",
        "0000-00-00",
        "9999-12-31T23:59:59+14:00",
        "2025-01-20T25:61:00",
        "true",
        "false",
        "null",
        "~",
        "0",
        "-1",
        "4294967296",
        "18446744073709551616",
        "1e400",
        ".nan",
        "-.inf",
        "0x7fffffff",
        "1.10",
        "draft",
        "adopted",
        "HUB-STD-0001",
        "'@/news/2025-01-20-x.md'",
        "\"@/seite.md#anker\"",
        "../../etc/passwd",
        "/absolut.jpg",
        "bild.jpg",
        "!!binary aGFsbG8=",
        "&anker x",
        "*anker",
        "<<",
        "|",
        ">",
        "'",
        "\"",
        "[",
        "{",
        "}",
        "]",
        "a: b",
        "#kommentar",
        "% x",
        "@",
        "`",
    ];
    match rng.u8(..3) {
        0 => quoted(&awkward_text(rng)),
        _ => SCALARS[rng.usize(..SCALARS.len())].to_string(),
    }
}

/// Text that has hurt parsers before.
fn awkward_text(rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "Grüße aus Köln",
        "ẞtraße",
        "\u{202e}rtl",
        "e\u{301}",
        "👩‍👩‍👧",
        "\u{fffe}",
        "\u{0}",
        "\u{b}",
        "\u{1b}[31m",
        "\u{7f}",
        "\u{85}",
        "\u{2028}",
        "\r",
        "\t",
        "..",
        "../",
        "/",
        "\\",
        "---",
        "...",
        "<script>alert(1)</script>",
        "javascript:alert(1)",
        "&amp;",
        "{{ x }}",
        "{% raw %}",
        "%",
        "#",
        ":",
        "\n",
        " ",
        "x",
    ];
    let mut text = String::new();
    for _ in 0..rng.usize(1..6) {
        text.push_str(PIECES[rng.usize(..PIECES.len())]);
    }
    if rng.u8(..10) == 0 {
        text.push_str(&"lang".repeat(rng.usize(64..1024)));
    }
    text
}

/// A double-quoted YAML string; escapes only what YAML requires, so the
/// control characters reach the parser as written.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A double-quoted YAML string with control characters escaped, so that
/// they pass the YAML parser and reach the model and the templates.
fn escaped(text: &str) -> String {
    let mut yaml = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => yaml.push_str("\\\\"),
            '"' => yaml.push_str("\\\""),
            c if c.is_control() || c == '\u{feff}' || c == '\u{fffe}' => {
                yaml.push_str(&format!("\\u{:04x}", u32::from(c)))
            }
            c => yaml.push(c),
        }
    }
    yaml.push('"');
    yaml
}

/// One Markdown block.
fn block(rng: &mut Rng) -> String {
    let text = awkward_text(rng);
    match rng.u8(..12) {
        0 => format!("# {text} {{#{}}}\n\n", text.replace(['}', '\n'], "")),
        1 => format!("[{text}](@/news/2025-01-20-x.md#{text})\n\n"),
        2 => format!("![{text}](../../{text}.jpg)\n\n"),
        3 => format!("```{text}\n{text}\n```\n\n"),
        4 => format!("| {text} | b |\n|---|---|\n| c | {text} |\n\n"),
        5 => format!("Text[^1].\n\n[^1]: {text}\n\n"),
        6 => "---\ntitle: zweite\n---\n\n".to_string(),
        7 => format!("<div onclick=\"x\">{text}</div>\n\n"),
        8 => format!("{}{text}\n\n", "> ".repeat(rng.usize(..MAX_DEPTH))),
        9 => format!("{}- {text}\n", "  ".repeat(rng.usize(..MAX_DEPTH))),
        _ => format!("{text}\n\n"),
    }
}
