//! Drafts, scheduled and expired pages against the build date.

use crate::support::{BUILD_DATE, TestSite, news};

fn site() -> TestSite {
    // BUILD_DATE is 2026-01-01 00:00 UTC.
    TestSite::new()
        .file(
            "content/news/2025-12-01-entwurf.md",
            &news("Entwurf", "draft: true\n"),
        )
        .file("content/news/2026-03-01-geplant.md", &news("Geplant", ""))
        .file(
            "content/news/2025-06-01-abgelaufen.md",
            &news("Abgelaufen", "expires: 2025-12-31\n"),
        )
        .file(
            "content/news/2025-06-01-laeuft.md",
            &news("Läuft", "expires: 2026-06-30\n"),
        )
}

#[test]
fn withheld_pages_are_absent_by_default() {
    let site = site().built();
    assert!(!site.exists("public/news/entwurf/index.html"));
    assert!(!site.exists("public/news/geplant/index.html"));
    assert!(!site.exists("public/news/abgelaufen/index.html"));
    assert!(site.exists("public/news/laeuft/index.html"));
}

/// The one assembly knows where each withheld page would live (below a
/// section's own `slug:` too); nothing renders them.
#[test]
fn the_model_knows_where_withheld_pages_would_live() {
    let site = site()
        .file(
            "content/projekte/_index.md",
            "---\ntitle: Projekte\nslug: vorhaben\n---\n",
        )
        .file(
            "content/projekte/bau.md",
            "---\ntitle: Bau\ndate: 2026-02-01\n---\n\nBald.\n",
        );
    let rendered = kommhub::pipeline::render_site(&site.options()).expect("render");
    let mut withheld: Vec<String> = rendered
        .site
        .withheld
        .iter()
        .map(|w| format!("{} {} {:?}", w.url, w.path.display(), w.reason))
        .collect();
    withheld.sort();
    assert_eq!(
        withheld,
        [
            "/news/abgelaufen/ content/news/2025-06-01-abgelaufen.md Expired",
            "/news/entwurf/ content/news/2025-12-01-entwurf.md Draft",
            "/news/geplant/ content/news/2026-03-01-geplant.md Scheduled",
            "/vorhaben/bau/ content/projekte/bau.md Scheduled",
        ]
    );
    assert!(
        rendered
            .output
            .files
            .iter()
            .all(|f| !f.path.as_str().starts_with("vorhaben/bau/"))
    );
}

#[test]
fn flags_bring_them_back() {
    let site = site();
    site.build_with(|o| {
        o.publication.drafts = true;
        o.publication.future = true;
        o.publication.expired = true;
    })
    .expect("build");
    for name in ["entwurf", "geplant", "abgelaufen", "laeuft"] {
        assert!(
            site.exists(&format!("public/news/{name}/index.html")),
            "{name}"
        );
    }
}

#[test]
fn the_build_date_comes_from_source_date_epoch_and_the_next_release_is_announced() {
    let site = site();
    let run = site.run(&["build"]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains("next scheduled release: content/news/2026-03-01-geplant.md"),
        "{stdout}"
    );
    let later = std::process::Command::new(env!("CARGO_BIN_EXE_kommhub"))
        .args(["build"])
        .current_dir(site.root())
        .env("SOURCE_DATE_EPOCH", (BUILD_DATE + 90 * 86_400).to_string())
        .output()
        .expect("run");
    assert!(later.status.success());
    assert!(site.exists("public/news/geplant/index.html"));
    // Three months later the release expiring on 2026-06-30 is still there.
    assert!(site.exists("public/news/laeuft/index.html"));
}

/// What a CI schedule reads: one line on standard output, the moment of
/// the next scheduled release or expiry (whichever comes first), else
/// `none`.
#[test]
fn print_next_due_names_the_next_release_then_the_next_expiry_then_none() {
    let site = site();
    let due_at = |days: i64| {
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_kommhub"))
            .args(["build", "--print-next-due"])
            .current_dir(site.root())
            .env(
                "SOURCE_DATE_EPOCH",
                (BUILD_DATE + days * 86_400).to_string(),
            )
            .output()
            .expect("run");
        assert!(run.status.success());
        let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
        assert!(
            stderr.contains("built "),
            "the summary goes to stderr: {stderr}"
        );
        String::from_utf8(run.stdout).expect("utf-8")
    };
    // 2026-03-01 00:00 in Berlin (CET) is 23:00 UTC the day before.
    assert_eq!(due_at(0), "2026-02-28T23:00:00Z\n");
    // Once it is out, the release that expires on 2026-06-30 (CEST).
    assert_eq!(due_at(90), "2026-06-29T22:00:00Z\n");
    assert_eq!(due_at(200), "none\n");
}
