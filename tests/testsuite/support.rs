//! [`TestSite`]: a site in a temporary folder, built in-process or through
//! the binary.

use std::path::{Path, PathBuf};
use std::process::Output;

use jiff::Timestamp;
use kommhub::{BuildFailure, BuildOptions, BuildReport, Diagnostic};

/// The build date of every test build: 2026-01-01 00:00 UTC.
pub const BUILD_DATE: i64 = 1_767_225_600;

pub const SITE_YAML: &str = r#"title: { de: "Testhub", en: "Test hub" }
base_url: "https://hub.example.org"
default_language: de
languages:
  de: { name: "Deutsch" }
  en: { name: "English" }
associations:
  itk: { name: "ITK", url: "https://itk.example" }
contacts:
  presse: { name: "Presse", role: "Pressestelle", email: "presse@itk.example", association: itk }
"#;

pub struct TestSite {
    dir: tempfile::TempDir,
}

impl TestSite {
    /// A site with site.yaml, the fixture theme and a German home page.
    pub fn new() -> Self {
        let site = TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        copy_dir(&fixture_theme(), &site.root().join("themes/hub"));
        site.file("site.yaml", SITE_YAML)
            .file("content/_index.md", "---\ntitle: Start\n---\nWillkommen.\n")
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` to `path` below the root.
    pub fn file(self, path: &str, contents: &str) -> Self {
        self.bytes(path, contents.as_bytes())
    }

    pub fn bytes(self, path: &str, contents: &[u8]) -> Self {
        let target = self.root().join(path);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(target, contents).expect("write");
        self
    }

    pub fn remove(self, path: &str) -> Self {
        std::fs::remove_file(self.root().join(path)).expect("remove");
        self
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions::new(
            self.root(),
            Timestamp::from_second(BUILD_DATE).expect("date"),
        )
    }

    pub fn build(&self) -> Result<BuildReport, BuildFailure> {
        kommhub::build(&self.options())
    }

    pub fn build_with(
        &self,
        adjust: impl FnOnce(&mut BuildOptions),
    ) -> Result<BuildReport, BuildFailure> {
        let mut options = self.options();
        adjust(&mut options);
        kommhub::build(&options)
    }

    /// Builds and expects success.
    pub fn built(self) -> Self {
        if let Err(failure) = self.build() {
            panic!("build failed: {}", describe(&failure));
        }
        self
    }

    /// Builds and expects content errors; returns them.
    pub fn errors(&self) -> Vec<Diagnostic> {
        match self.build() {
            Ok(_) => panic!("the build succeeded but errors were expected"),
            Err(BuildFailure::Content(problems)) => problems,
            Err(BuildFailure::Io(error)) => panic!("io error: {error}"),
        }
    }

    /// Runs the kommhub binary in the site's folder.
    pub fn run(&self, args: &[&str]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_kommhub"))
            .args(args)
            .current_dir(self.root())
            .env("SOURCE_DATE_EPOCH", BUILD_DATE.to_string())
            .output()
            .expect("run kommhub")
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.root().join(path).exists()
    }

    /// The `<main>` element of an output page.
    pub fn main_of(&self, path: &str) -> String {
        let html = self.read(path);
        let start = html.find("<main>").expect("<main>");
        let end = html.find("</main>").expect("</main>");
        html[start..end + "</main>".len()].to_string()
    }
}

pub fn describe(failure: &BuildFailure) -> String {
    match failure {
        BuildFailure::Content(problems) => kommhub::diagnostics::render_report(problems),
        BuildFailure::Io(error) => error.to_string(),
    }
}

/// Every problem's `file:line:col: …` line, for assertions and snapshots.
pub fn report(problems: &[Diagnostic]) -> String {
    kommhub::diagnostics::render_report(problems)
}

fn fixture_theme() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/theme")
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("prefix"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file below `dir` with its bytes, sorted by path.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e
                .path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .to_string();
            (name, std::fs::read(e.path()).expect("read"))
        })
        .collect();
    files.sort();
    files
}

pub fn news(title: &str, extra: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\nassociations: [itk]\ncontact: presse\n{extra}---\n\nText der Meldung.\n"
    )
}

/// A JPEG of the given size with a colour gradient.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    encoded(image, image::ImageFormat::Jpeg)
}

/// `image` as a PNG file.
pub fn png(image: image::RgbImage) -> Vec<u8> {
    encoded(image, image::ImageFormat::Png)
}

fn encoded(image: image::RgbImage, format: image::ImageFormat) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut std::io::Cursor::new(&mut bytes), format)
        .expect("encode");
    bytes
}

/// Builds `options` in full and asserts that `preview` holds the same
/// files with the same bytes (the search index and the compressed
/// siblings aside, which `serve` leaves out); `what` names the step in a failure.
pub fn assert_preview_equals_build(options: BuildOptions, preview: &Path, what: &str) {
    let full = options.output_dir();
    // A build from scratch: the build cache would render only changes.
    let options = BuildOptions {
        cache: false,
        ..options
    };
    kommhub::build(&options).unwrap_or_else(|_| panic!("{what}: the full build fails"));
    let keep = |files: Vec<(String, Vec<u8>)>| -> Vec<(String, Vec<u8>)> {
        files
            .into_iter()
            .filter(|(name, _)| !name.starts_with(kommhub::search::BUNDLE_DIR))
            .filter(|(name, _)| name != kommhub::output::MARKER)
            // Only a build writes the precompressed siblings of its text
            // files, for the web server (output/precompress.rs); the
            // preview is served uncompressed on the same machine.
            .filter(|(name, _)| !name.ends_with(".gz") && !name.ends_with(".br"))
            .collect()
    };
    let served = keep(tree(preview));
    let built = keep(tree(&full));
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&served), names(&built), "{what}: other files");
    for ((name, a), (_, b)) in served.iter().zip(&built) {
        assert!(
            a == b,
            "{what}: {name} differs from a full build:\n--- serve\n{}\n--- build\n{}",
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b)
        );
    }
}

/// The repository's hub (content, theme, site.yaml), copied into a
/// temporary folder, with the edits the preview and build-cache tests make.
pub struct Hub {
    dir: tempfile::TempDir,
}

impl Hub {
    pub fn new() -> Self {
        let hub = Hub {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&repo.join("content"), &hub.root().join("content"));
        copy_dir(&repo.join("themes"), &hub.root().join("themes"));
        std::fs::copy(repo.join("site.yaml"), hub.root().join("site.yaml")).expect("site.yaml");
        hub
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn options(&self) -> BuildOptions {
        // After every dated release of the hub, so none is withheld.
        BuildOptions::new(
            self.root(),
            Timestamp::from_second(1_796_000_000).expect("date"),
        )
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.root().join(path)).expect(path)
    }

    pub fn write(&self, path: &str, text: &str) -> PathBuf {
        let target = self.root().join(path);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(&target, text).expect("write");
        target
    }

    /// `path` with its first `from` replaced by `to`.
    pub fn edit(&self, path: &str, from: &str, to: &str) -> PathBuf {
        let text = self.read(path);
        assert!(text.contains(from), "{path} has no `{from}`");
        self.write(path, &text.replacen(from, to, 1))
    }

    pub fn remove(&self, path: &str) -> PathBuf {
        let target = self.root().join(path);
        std::fs::remove_file(&target).expect("remove");
        target
    }

    pub fn rename(&self, from: &str, to: &str) -> Vec<PathBuf> {
        let (a, b) = (self.root().join(from), self.root().join(to));
        std::fs::rename(&a, &b).expect("rename");
        vec![a, b]
    }
}

/// Runs git in `root` with a fixed author and the given commit time.
pub fn git(root: &Path, args: &[&str], time: &str) {
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", time)
        .env("GIT_COMMITTER_DATE", time)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}
