//! Fuzz target: arbitrary bytes as one press release.
//!
//! The pipeline reads its input from a site folder, so the target writes a
//! small site once per process (the repository's `site.yaml` and
//! `themes/hub`, a home page and the news section) and overwrites one file,
//! `content/news/2025-01-20-x.md`, with each input. The date in the file
//! name makes a release out of any front matter, so inputs reach the model
//! and the templates, not only the parser. `render_site` runs every stage
//! but writing; it must return pages or diagnostics, never panic or hang.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kommhub::{BuildOptions, Diagnostic};
use libfuzzer_sys::fuzz_target;

/// The file every input becomes, relative to the site root.
const INPUT: &str = "content/news/2025-01-20-x.md";

/// 2026-01-01 00:00 UTC, the same build date as the test suite's.
const BUILD_DATE: i64 = 1_767_225_600;

fuzz_target!(|data: &[u8]| {
    let root = site();
    std::fs::write(root.join(INPUT), data).expect("write the input file");
    let options = BuildOptions::new(
        root,
        jiff::Timestamp::from_second(BUILD_DATE).expect("build date"),
    );
    if let Err(problems) = kommhub::render_site(&options) {
        // A failure must say why, and where.
        assert!(
            problems.iter().any(Diagnostic::is_error),
            "the build failed without an error: {problems:?}"
        );
    }
});

/// The site folder of this process, written on first use.
fn site() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let root = std::env::temp_dir().join(format!("kommhub-fuzz-{}", std::process::id()));
        // A previous process with the same id may have left its folder.
        let _ = std::fs::remove_dir_all(&root);
        copy_dir(&repository.join("themes/hub"), &root.join("themes/hub"));
        std::fs::copy(repository.join("site.yaml"), root.join("site.yaml")).expect("site.yaml");
        for file in ["content/_index.md", "content/news/_index.md"] {
            std::fs::create_dir_all(root.join(file).parent().expect("folder")).expect("mkdir");
            std::fs::copy(repository.join(file), root.join(file)).expect(file);
        }
        root
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read theme") {
        let entry = entry.expect("theme entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy theme file");
        }
    }
}
