//! The output folder is kommhub's alone: folders it did not write are
//! refused, symlinks never lead a write or a delete elsewhere, the swap
//! is one step (also under `kill -9`), and two builds at once wait for
//! each other. Most cases run the binary, as an administrator would.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use kommhub::Code;

use crate::support::{BUILD_DATE, TestSite, jpeg, news, tree};

const MARKER: &str = kommhub::output::MARKER;

fn site() -> TestSite {
    TestSite::new().file(
        "content/news/2025-01-20-kooperation.md",
        &news("Kooperation", ""),
    )
}

/// A site with a photo wide enough to get image variants.
fn site_with_photo() -> TestSite {
    site()
        .bytes("content/ueber/foto.jpg", &jpeg(1000, 500))
        .file(
            "content/ueber/index.md",
            "---\ntitle: Über uns\n---\n![Ein Foto](foto.jpg)\n",
        )
}

fn assert_refused(output: &std::process::Output, words: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(words), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
}

#[test]
fn output_into_content_is_refused_and_the_sources_stay() {
    let site = site();
    let before = tree(&site.root().join("content"));
    for _ in 0..2 {
        assert_refused(
            &site.run(&["build", "--output", "content"]),
            "inside content/",
        );
        assert_refused(
            &site.run(&["build", "--output", "content", "--force-output"]),
            "inside content/",
        );
    }
    assert_eq!(tree(&site.root().join("content")), before);
    assert!(!site.exists(".content.staging"));
    assert_refused(
        &site.run(&["build", "--output", "themes"]),
        "inside themes/",
    );
}

#[test]
fn output_equal_to_the_root_or_a_parent_is_refused_even_when_forced() {
    let site = site();
    let before = tree(site.root());
    for output in [".", "..", "content/.."] {
        for force in [false, true] {
            let mut args = vec!["build", "--output", output];
            if force {
                args.push("--force-output");
            }
            let result = site.run(&args);
            assert_eq!(result.status.code(), Some(2), "{output}");
            assert!(String::from_utf8_lossy(&result.stderr).contains("root folder"));
        }
    }
    assert_eq!(tree(site.root()), before);
}

#[test]
fn a_folder_with_foreign_files_is_refused_and_forced_files_are_kept_aside() {
    let site = site();
    let html = site.root().join("srv/html");
    std::fs::create_dir_all(html.join("uploads")).unwrap();
    std::fs::write(html.join("uploads/satzung.pdf"), "%PDF satzung").unwrap();
    for _ in 0..2 {
        assert_refused(
            &site.run(&["build", "--output", "srv/html"]),
            "did not write",
        );
        assert_eq!(
            std::fs::read(html.join("uploads/satzung.pdf")).unwrap(),
            b"%PDF satzung"
        );
    }
    assert!(!site.exists("srv/.html.staging"));
    let forced = site.run(&["build", "--output", "srv/html", "--force-output"]);
    assert!(forced.status.success(), "{forced:?}");
    assert!(String::from_utf8_lossy(&forced.stdout).contains(".html.before-kommhub"));
    for _ in 0..2 {
        let again = site.run(&["build", "--output", "srv/html"]);
        assert!(again.status.success(), "{again:?}");
    }
    let kept = site.read("srv/.html.before-kommhub/uploads/satzung.pdf");
    assert_eq!(kept, "%PDF satzung");
    assert!(site.exists("srv/html/index.html"));
    assert!(site.exists(&format!("srv/html/{MARKER}")));
}

#[test]
fn a_home_folder_as_output_is_never_touched() {
    let site = site();
    let home = site.root().join("home/anna");
    std::fs::create_dir_all(home.join("Dokumente")).unwrap();
    std::fs::write(home.join(".bashrc"), "export EDITOR=nano\n").unwrap();
    std::fs::write(home.join("Dokumente/brief.odt"), "brief").unwrap();
    let before = tree(&home);
    for _ in 0..2 {
        assert_refused(
            &site.run(&["build", "--output", "home/anna"]),
            "did not write",
        );
    }
    assert_eq!(tree(&home), before);
}

#[test]
fn a_symlinked_output_is_followed_and_a_foreign_web_root_refused() {
    let site = site();
    let outside = tempfile::tempdir().unwrap();
    let web_root = outside.path().join("www");
    std::fs::create_dir(&web_root).unwrap();
    std::fs::write(web_root.join("index.html"), "the server's own page").unwrap();
    std::os::unix::fs::symlink(&web_root, site.root().join("public")).unwrap();
    for _ in 0..2 {
        assert_refused(&site.run(&["build"]), "did not write");
    }
    assert_eq!(
        tree(&web_root),
        vec![("index.html".into(), b"the server's own page".to_vec())]
    );

    // An empty web root becomes kommhub's: written through the link, and
    // the link itself stays a link.
    std::fs::remove_file(web_root.join("index.html")).unwrap();
    for _ in 0..2 {
        let built = site.run(&["build"]);
        assert!(built.status.success(), "{built:?}");
    }
    let link = std::fs::symlink_metadata(site.root().join("public")).unwrap();
    assert!(link.file_type().is_symlink());
    assert!(web_root.join("index.html").is_file());
    assert!(web_root.join(MARKER).is_file());
}

#[test]
fn a_symlinked_staging_folder_is_refused_and_its_target_kept() {
    let site = site().built();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("wichtig.txt"), "keep me").unwrap();
    std::fs::remove_dir_all(site.root().join(".public.staging")).ok();
    std::os::unix::fs::symlink(outside.path(), site.root().join(".public.staging")).unwrap();
    for _ in 0..2 {
        assert_refused(&site.run(&["build"]), "symlink");
    }
    assert_eq!(
        tree(outside.path()),
        vec![("wichtig.txt".into(), b"keep me".to_vec())]
    );
}

#[test]
fn links_planted_inside_the_staging_folder_are_removed_not_followed() {
    let site = site().built().built();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("index.html"), "outside").unwrap();
    let staging = site.root().join(".public.staging");
    std::fs::remove_dir_all(staging.join("news")).unwrap();
    std::os::unix::fs::symlink(outside.path(), staging.join("news")).unwrap();
    let site = site.built();
    assert_eq!(
        tree(outside.path()),
        vec![("index.html".into(), b"outside".to_vec())]
    );
    assert!(site.exists("public/news/kooperation/index.html"));
}

#[test]
fn a_symlinked_image_cache_is_refused_and_nothing_is_written_through_it() {
    let site = site_with_photo();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), site.root().join(".kommhub-cache")).unwrap();
    let errors = site.errors();
    assert!(
        errors.iter().any(|d| d.code == Code::ImageCache),
        "{errors:?}"
    );
    assert!(tree(outside.path()).is_empty());
    assert!(!site.exists("public"));
}

#[test]
fn a_symlinked_preview_folder_is_refused_by_serve() {
    let site = site();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), site.root().join(".kommhub-serve")).unwrap();
    let options = kommhub::serve::ServeOptions {
        root: site.root().to_path_buf(),
        bind: "127.0.0.1".into(),
        port: 0,
        drafts: false,
        open: false,
        timings: false,
        build_date: jiff::Timestamp::from_second(BUILD_DATE).unwrap(),
    };
    let stop = Arc::new(AtomicBool::new(true));
    let result = kommhub::serve::run(&options, stop, |_| {});
    let message = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("symlink"), "{message}");
    assert!(tree(outside.path()).is_empty());
}

#[test]
fn check_writes_nothing_not_even_image_variants() {
    let site = site_with_photo();
    let before = tree(site.root());
    let checked = site.run(&["check"]);
    assert!(checked.status.code().is_some(), "{checked:?}");
    assert_eq!(tree(site.root()), before, "check wrote files");
    assert!(!site.exists(".kommhub-cache"));
}

#[test]
fn a_file_in_the_way_of_the_output_folder_gets_a_help_line() {
    let site = site();
    let result = site.run(&["build", "--output", "site.yaml/public"]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success());
    assert!(stderr.contains("help:"), "{stderr}");
}

/// A site whose build takes long enough to be killed half-way.
fn larger_site(version: &str) -> TestSite {
    let mut site = TestSite::new();
    site = rewrite(site, version);
    site
}

fn rewrite(mut site: TestSite, version: &str) -> TestSite {
    for n in 0..40 {
        site = site.file(
            &format!("content/news/2025-02-{:02}-meldung-{n}.md", n % 28 + 1),
            &news(
                &format!("Meldung {n}"),
                &format!("summary: \"{version}\"\n"),
            ),
        );
    }
    site
}

fn spawn_build(root: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_kommhub"))
        .args(["build", "--root"])
        .arg(root)
        .env("SOURCE_DATE_EPOCH", BUILD_DATE.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Watches `public/index.html` from another thread until dropped and
/// counts the moments it was missing.
struct Poller {
    stop: Arc<AtomicBool>,
    misses: Arc<AtomicUsize>,
    looks: Arc<AtomicUsize>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Poller {
    fn start(index: std::path::PathBuf) -> Poller {
        let stop = Arc::new(AtomicBool::new(false));
        let misses = Arc::new(AtomicUsize::new(0));
        let looks = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (stop, misses, looks) = (stop.clone(), misses.clone(), looks.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if !index.is_file() {
                        misses.fetch_add(1, Ordering::Relaxed);
                    }
                    looks.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        Poller {
            stop,
            misses,
            looks,
            thread: Some(thread),
        }
    }

    /// (moments missing, looks)
    fn finish(mut self) -> (usize, usize) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
        (
            self.misses.load(Ordering::Relaxed),
            self.looks.load(Ordering::Relaxed),
        )
    }
}

#[test]
fn readers_never_find_the_site_missing_during_good_builds() {
    let mut site = larger_site("eins").built();
    let poller = Poller::start(site.root().join("public/index.html"));
    for round in 0..20 {
        site = rewrite(site, if round % 2 == 0 { "zwei" } else { "eins" });
        let status = spawn_build(site.root()).wait().unwrap();
        assert!(status.success());
    }
    let (misses, looks) = poller.finish();
    assert!(looks > 1000, "the poller looked only {looks} times");
    assert_eq!(
        misses, 0,
        "public/index.html was missing {misses} of {looks} times"
    );
}

#[test]
fn kill_9_at_any_moment_leaves_the_old_or_the_new_site_complete() {
    let mut site = larger_site("eins").built();
    let first = tree(&site.root().join("public"));
    site = rewrite(site, "zwei").built();
    let second = tree(&site.root().join("public"));
    assert_ne!(first, second);
    // Kills spread evenly over a whole build's run, swap included.
    let started = std::time::Instant::now();
    assert!(spawn_build(site.root()).wait().unwrap().success());
    let whole = started.elapsed();
    let poller = Poller::start(site.root().join("public/index.html"));
    let rounds = 30;
    for round in 0..rounds {
        site = rewrite(site, if round % 2 == 0 { "eins" } else { "zwei" });
        let mut child = spawn_build(site.root());
        let delay = whole * (round + 1) / rounds;
        std::thread::sleep(delay);
        let _ = child.kill();
        child.wait().unwrap();
        let now = tree(&site.root().join("public"));
        assert!(
            now == first || now == second,
            "after a kill at {delay:?} public/ is neither site"
        );
    }
    let (misses, _) = poller.finish();
    assert_eq!(misses, 0, "public/index.html went missing");
    // And the next build after all those kills is a clean one.
    let site = rewrite(site, "zwei").built();
    assert_eq!(tree(&site.root().join("public")), second);
}

#[test]
fn two_builds_at_once_wait_for_each_other() {
    let site = larger_site("eins").built();
    let expected = tree(&site.root().join("public"));
    for _ in 0..8 {
        let (a, b) = (spawn_build(site.root()), spawn_build(site.root()));
        for child in [a, b] {
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "{stderr}");
        }
        assert_eq!(tree(&site.root().join("public")), expected);
    }
}

/// `build --timings` names every stage and the peak memory, so a
/// regression in either shows in one run.
#[test]
fn timings_name_the_stages_and_the_peak_memory() {
    let site = TestSite::new().file("content/news/_index.md", "---\ntitle: Presse\n---\n");
    let out = Command::new(env!("CARGO_BIN_EXE_kommhub"))
        .args(["build", "--timings", "--root"])
        .arg(site.root())
        .env("SOURCE_DATE_EPOCH", BUILD_DATE.to_string())
        .output()
        .expect("kommhub runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for stage in [
        "load", "staging", "walk", "parse", "assemble", "render", "write",
    ] {
        assert!(text.contains(&format!("  {stage} ")), "{stage} in {text}");
    }
    let peak = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("peak memory "))
        .and_then(|rest| rest.strip_suffix(" MB"))
        .and_then(|mb| mb.parse::<u64>().ok())
        .expect("a peak memory line");
    assert!(peak > 0, "{text}");
}
