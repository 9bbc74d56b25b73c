//! Content-hashed names of the theme's style sheets, scripts and fonts
//! (`asset()` in templates), which a server may cache for a year.

use crate::support::TestSite;

/// The fixture's base template with its style sheet named through `asset()`.
const BASE: &str = r#"<!DOCTYPE html>
<html lang="{{ lang }}">
<head><title>{{ page.title }}</title><link rel="stylesheet" href="{{ asset(path='/css/site.css') }}"></head>
<body><main>{% block content %}{% endblock content %}</main></body>
</html>
"#;

const CSS: &str = "@font-face { src: url(\"../fonts/a.woff2\"); }\nbody { color: black; }\n";

fn site_with_assets(font: &[u8]) -> TestSite {
    TestSite::new()
        .file("themes/hub/templates/base.html", BASE)
        .file("themes/hub/static/css/site.css", CSS)
        .bytes("themes/hub/static/fonts/a.woff2", font)
        .built()
}

/// The address in `html` of the page's style sheet, without the slash.
fn sheet_of(html: &str) -> String {
    let start = html.find("href=\"/css/").expect("a style sheet link") + 7;
    let end = start + html[start..].find('"').expect("closing quote");
    html[start..end].to_string()
}

#[test]
fn pages_name_the_fingerprinted_sheet_and_the_sheet_the_fingerprinted_font() {
    let site = site_with_assets(b"font one");
    let sheet = sheet_of(&site.read("public/index.html"));
    assert!(
        sheet.len() == "css/site.0123456789.css".len() && sheet.ends_with(".css"),
        "{sheet}"
    );
    let css = site.read(&format!("public/{sheet}"));
    let font_at = css.find("../fonts/a.").expect("the font's new name") + 3;
    let font = &css[font_at..font_at + "fonts/a.0123456789.woff2".len()];
    assert_eq!(site.read(&format!("public/{font}")), "font one");
    // The plain names stay published, as they were.
    assert_eq!(site.read("public/css/site.css"), CSS);
    assert!(site.exists("public/fonts/a.woff2"));

    // A new font renames the font and the sheet that names it.
    let other = site_with_assets(b"font two");
    assert_ne!(sheet_of(&other.read("public/index.html")), sheet);
}

#[test]
fn an_unknown_asset_is_a_template_error_that_names_it() {
    let site = TestSite::new().file(
        "themes/hub/templates/base.html",
        &BASE.replace("/css/site.css", "/css/fehlt.css"),
    );
    let errors = crate::support::report(&site.errors());
    assert!(errors.contains("css/fehlt.css"), "{errors}");
    assert!(errors.contains("url(path="), "{errors}");
}
