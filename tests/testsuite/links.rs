//! `@/…` links: resolved per language, checked with their anchors.

use crate::support::{TestSite, report};

#[test]
fn internal_links_resolve_to_the_same_language() {
    let site = TestSite::new()
        .file(
            "content/ziel.md",
            "---\ntitle: Ziel\n---\n## Öffnungszeiten\n",
        )
        .file(
            "content/ziel.en.md",
            "---\ntitle: Target\nslug: target\n---\n## Öffnungszeiten\n",
        )
        .file(
            "content/quelle.md",
            "---\ntitle: Quelle\n---\nSiehe [Zeiten](@/ziel.md#oeffnungszeiten).\n",
        )
        .file(
            "content/quelle.en.md",
            "---\ntitle: Source\n---\nSee [times](@/ziel.md#oeffnungszeiten).\n",
        )
        .built();
    assert!(
        site.read("public/quelle/index.html")
            .contains(r#"<a href="/ziel/#oeffnungszeiten">Zeiten</a>"#)
    );
    assert!(
        site.read("public/en/quelle/index.html")
            .contains(r#"<a href="/en/target/#oeffnungszeiten">times</a>"#)
    );
}

#[test]
fn broken_targets_and_anchors_are_errors_at_the_links_line() {
    let site = TestSite::new()
        .file("content/ziel.md", "---\ntitle: Ziel\n---\n## Ziele\n")
        .file(
            "content/quelle.md",
            "---\ntitle: Quelle\n---\n\nErst [kaputt](@/gibt-es-nicht.md).\n\nDann [Anker](@/ziel.md#ziel).\n",
        );
    let problems = site.errors();
    insta::assert_snapshot!(report(&problems));
    assert_eq!((problems[0].line, problems[1].line), (5, 7));
}

#[test]
fn links_to_drafts_are_errors_that_say_why() {
    let site = TestSite::new()
        .file(
            "content/entwurf.md",
            "---\ntitle: Entwurf\ndraft: true\n---\n",
        )
        .file(
            "content/quelle.md",
            "---\ntitle: Quelle\n---\n[E](@/entwurf.md)\n",
        );
    let problems = site.errors();
    assert!(
        problems[0].message.contains("is a draft"),
        "{}",
        report(&problems)
    );
}
