//! Content-hashed names for the theme's style sheets, scripts and fonts.
//!
//! A web server may tell browsers to keep such a file for a year without
//! asking again only when its address changes whenever its bytes do. So
//! every `.css`, `.js`, `.mjs`, `.woff2` and `.woff` file of the theme's
//! `static/` is published a second time under a name that carries the
//! first ten hex digits of its SHA-256 (`style.css` →
//! `style.3f2a1b9c0d.css`), and templates ask for that name with
//! `asset(path="/style.css")`. The plain name stays published for
//! addresses outside the theme (bookmarks, other sites), and the server
//! revalidates it like any page.
//!
//! A style sheet names its fonts and images itself (`url("fonts/a.woff2")`),
//! so its fingerprinted copy names their fingerprinted copies: fonts are
//! named first, and a style sheet's hash is taken after its addresses are
//! rewritten, so a new font gives the style sheet a new name too.
//!
//! Pure: [`crate::render::theme`] reads the bytes and hands them in.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::site_path::SitePath;

/// How many hex digits of the SHA-256 a name carries: 40 bits, so two
/// versions of one file collide about once in a trillion.
const HASH_DIGITS: usize = 10;

/// The published copy of one fingerprinted static file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprinted {
    /// Where the copy is published (`style.3f2a1b9c0d.css`).
    pub path: SitePath,
    /// The copy's bytes when they differ from the file's (a style sheet
    /// whose addresses were rewritten); `None`: the file as it is.
    pub rewritten: Option<Vec<u8>>,
}

/// Every fingerprinted static file, by its plain published path
/// (`style.css`, `fonts/a.woff2`).
pub type Assets = BTreeMap<String, Fingerprinted>;

/// Whether a static file gets a fingerprinted copy, by its name.
pub fn is_fingerprinted(path: &str) -> bool {
    let extension = path.rsplit_once('.').map(|(_, ext)| ext);
    matches!(
        extension.map(str::to_ascii_lowercase).as_deref(),
        Some("css" | "js" | "mjs" | "woff2" | "woff")
    )
}

/// The fingerprinted copies of `files` (plain published path and bytes;
/// only those [`is_fingerprinted`] accepts): everything but style sheets
/// first, then the style sheets with their addresses rewritten.
pub fn fingerprint(files: &[(SitePath, Vec<u8>)]) -> Assets {
    let mut assets = Assets::new();
    let (sheets, others): (Vec<_>, Vec<_>) = files
        .iter()
        .partition(|(path, _)| path.as_str().to_ascii_lowercase().ends_with(".css"));
    for (path, bytes) in others {
        assets.insert(path.as_str().to_string(), copy_of(path, bytes, None));
    }
    let names: BTreeMap<String, String> = assets
        .iter()
        .map(|(plain, copy)| (plain.clone(), copy.path.as_str().to_string()))
        .collect();
    for (path, bytes) in sheets {
        let rewritten = match std::str::from_utf8(bytes) {
            Ok(css) => rewrite_css(css, path.as_str(), &names).map(String::into_bytes),
            Err(_) => None,
        };
        let hashed = rewritten.as_deref().unwrap_or(bytes);
        let copy = copy_of(path, hashed, rewritten.clone());
        assets.insert(path.as_str().to_string(), copy);
    }
    assets
}

/// The copy of `path` whose name carries the hash of `bytes`.
fn copy_of(path: &SitePath, bytes: &[u8], rewritten: Option<Vec<u8>>) -> Fingerprinted {
    let name = hashed_name(path.as_str(), bytes);
    Fingerprinted {
        // Hex digits and a dot added to a valid path keep it valid; should
        // that ever fail, the plain name is still a working address.
        path: SitePath::new(&name).unwrap_or_else(|_| path.clone()),
        rewritten,
    }
}

/// `path` with the first digits of the SHA-256 of `bytes` before its
/// extension: `fonts/a.woff2` → `fonts/a.0123456789.woff2`.
pub fn hashed_name(path: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest
        .iter()
        .flat_map(|byte| [byte >> 4, byte & 0xf])
        .take(HASH_DIGITS)
        .map(|nibble| char::from_digit(u32::from(nibble), 16).unwrap_or('0'))
        .collect();
    let (folder, file) = match path.rsplit_once('/') {
        Some((folder, file)) => (format!("{folder}/"), file),
        None => (String::new(), path),
    };
    match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{folder}{stem}.{hex}.{ext}"),
        _ => format!("{folder}{file}.{hex}"),
    }
}

/// `css` (published at `sheet`) with every relative `url(…)` that names a
/// fingerprinted file pointing at its copy instead; `None` when nothing
/// changed.
fn rewrite_css(css: &str, sheet: &str, names: &BTreeMap<String, String>) -> Option<String> {
    let folder = sheet.rsplit_once('/').map_or("", |(folder, _)| folder);
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    let mut changed = false;
    while let Some(start) = rest.find("url(") {
        let (before, after) = rest.split_at(start + 4);
        out.push_str(before);
        let Some(end) = after.find(')') else {
            rest = after;
            break;
        };
        let inner = &after[..end];
        let quote = inner
            .trim()
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'');
        let address = inner.trim().trim_matches(['"', '\'']);
        match resolve(folder, address).and_then(|plain| names.get(&plain)) {
            Some(copy) => {
                let relative = relative_to(folder, copy);
                let q = quote.map(String::from).unwrap_or_default();
                out.push_str(&format!("{q}{relative}{q}"));
                changed = true;
            }
            None => out.push_str(inner),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The published path a relative address in a file of `folder` names;
/// `None` for absolute addresses, other hosts, data and fragments.
fn resolve(folder: &str, address: &str) -> Option<String> {
    if address.is_empty()
        || address.starts_with('/')
        || address.starts_with('#')
        || address.contains(':')
        || address.contains(['?', '#'])
    {
        return None;
    }
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in address.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// `target` (a published path) as written from a file in `folder`.
fn relative_to(folder: &str, target: &str) -> String {
    if folder.is_empty() {
        return target.to_string();
    }
    let depth = folder.split('/').count();
    match target.strip_prefix(&format!("{folder}/")) {
        Some(below) => below.to_string(),
        None => format!("{}{target}", "../".repeat(depth)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> SitePath {
        SitePath::new(text).unwrap()
    }

    #[test]
    fn names_carry_ten_hex_digits_before_the_extension() {
        // SHA-256 of the empty input starts with e3b0c44298.
        assert_eq!(hashed_name("style.css", b""), "style.e3b0c44298.css");
        assert_eq!(
            hashed_name("fonts/a.woff2", b""),
            "fonts/a.e3b0c44298.woff2"
        );
        assert_eq!(hashed_name("LICENSE", b""), "LICENSE.e3b0c44298");
        assert_ne!(hashed_name("a.js", b"1"), hashed_name("a.js", b"2"));
    }

    #[test]
    fn only_styles_scripts_and_fonts_are_fingerprinted() {
        for yes in ["a.css", "b/c.js", "d.mjs", "fonts/e.woff2", "F.WOFF"] {
            assert!(is_fingerprinted(yes), "{yes}");
        }
        for no in ["favicon.svg", "OFL.txt", "a.json", "css"] {
            assert!(!is_fingerprinted(no), "{no}");
        }
    }

    #[test]
    fn a_style_sheet_names_the_fingerprinted_fonts() {
        let font = b"font bytes".to_vec();
        let css = b"@font-face { src: url(\"fonts/a.woff2\") format(\"woff2\"); }\n\
                    .x { background: url(img.png); } .y { background: url('https://e.org/a.woff2'); }"
            .to_vec();
        let assets = fingerprint(&[
            (path("style.css"), css.clone()),
            (path("fonts/a.woff2"), font.clone()),
        ]);
        let font_copy = &assets["fonts/a.woff2"];
        assert_eq!(font_copy.path.as_str(), hashed_name("fonts/a.woff2", &font));
        assert_eq!(font_copy.rewritten, None);
        let sheet = &assets["style.css"];
        let text = String::from_utf8(sheet.rewritten.clone().unwrap()).unwrap();
        assert!(
            text.contains(&format!("url(\"{}\")", font_copy.path.as_str())),
            "{text}"
        );
        assert!(text.contains("url(img.png)") && text.contains("https://e.org/a.woff2"));
        // The hash is the rewritten text's, so a new font renames the sheet.
        assert_eq!(
            sheet.path.as_str(),
            hashed_name("style.css", text.as_bytes())
        );
        let other = fingerprint(&[
            (path("style.css"), css),
            (path("fonts/a.woff2"), b"new".to_vec()),
        ]);
        assert_ne!(other["style.css"].path, sheet.path);
    }

    #[test]
    fn addresses_resolve_relative_to_the_sheet() {
        assert_eq!(
            resolve("css", "../fonts/a.woff2").as_deref(),
            Some("fonts/a.woff2")
        );
        assert_eq!(resolve("", "./a.woff2").as_deref(), Some("a.woff2"));
        assert_eq!(resolve("", "../a.woff2"), None);
        assert_eq!(resolve("", "/a.woff2"), None);
        assert_eq!(resolve("", "data:font/woff2;base64,AA"), None);
        assert_eq!(relative_to("css", "fonts/a.1.woff2"), "../fonts/a.1.woff2");
        assert_eq!(relative_to("css", "css/b.1.woff2"), "b.1.woff2");
    }
}
