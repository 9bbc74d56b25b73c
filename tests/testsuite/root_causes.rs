//! Errors that say where and why: one root cause gives one error at the
//! line to fix, never follow-up errors blamed on the theme or on files
//! that are fine.

use crate::support::{TestSite, report};

#[test]
fn a_duplicate_key_is_reported_at_the_duplicate_line() {
    let site = TestSite::new().file(
        "content/a.md",
        "---\ntitle: A\nsummary: Kurz\ntags: [x]\ntitle: B\n---\nText\n",
    );
    let problems = site.errors();
    assert_eq!(problems.len(), 1, "{}", report(&problems));
    assert_eq!(problems[0].code, "yaml/duplicate-key");
    assert_eq!((problems[0].line, problems[0].column), (5, 1));
    insta::assert_snapshot!(report(&problems));
}
