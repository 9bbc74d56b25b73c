//! The hub site in this repository builds, and its language links hold.

use std::path::Path;

use jiff::Timestamp;
use kommhub::BuildOptions;

use crate::support::describe;

#[test]
fn the_repository_site_builds_and_every_hreflang_target_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("temp");
    let mut options = BuildOptions::new(root, Timestamp::from_second(1_795_000_000).expect("date"));
    options.output = Some(out.path().join("public"));
    let base_url = "https://hub.example.org";
    options.base_url = Some(base_url.parse().expect("url"));
    if let Err(failure) = kommhub::build(&options) {
        panic!("{}", describe(&failure));
    }
    let public = out.path().join("public");
    let home = std::fs::read_to_string(public.join("index.html")).expect("home");
    assert!(home.contains("<html lang=\"de\""));
    let en = std::fs::read_to_string(public.join("en/index.html")).expect("en home");
    assert!(en.contains("<html lang=\"en\""));

    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.expect("walk");
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).expect("read");
        if html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        assert!(
            html.contains("hreflang=\"x-default\""),
            "{}",
            entry.path().display()
        );
        for href in alternates(&html) {
            let path = href.strip_prefix(base_url).expect("same host");
            let file = if path.ends_with('/') {
                public.join(path.trim_start_matches('/')).join("index.html")
            } else {
                public.join(path.trim_start_matches('/'))
            };
            assert!(
                file.exists(),
                "{} links {href}, which was not built",
                entry.path().display()
            );
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} alternates checked");
}

fn alternates(html: &str) -> Vec<String> {
    html.split("<link rel=\"alternate\" hreflang=\"")
        .skip(1)
        .filter_map(|rest| rest.split("href=\"").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}
