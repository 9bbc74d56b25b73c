//! The press kit of a release and the contacts' vCards.

use std::collections::BTreeMap;
use std::io::Read;

use crate::support::{self, SITE_YAML, TestSite, jpeg, news};

/// The name and bytes of every file in a ZIP archive, in archive order.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP archive");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            assert_eq!(file.last_modified(), Some(zip::DateTime::default()));
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            (file.name().to_string(), content)
        })
        .collect()
}

/// The properties of a vCard 4.0 (RFC 6350), held to its rules: CRLF,
/// lines of at most 75 octets, BEGIN, VERSION:4.0 right after it, FN, END.
fn vcard(text: &str) -> BTreeMap<String, String> {
    assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{text}");
    assert!(text.ends_with("END:VCARD\r\n"));
    for line in text.split("\r\n") {
        assert!(!line.contains('\n') && line.len() <= 75, "{line:?}");
    }
    let unfolded = icalendar::parser::unfold(text);
    let components = icalendar::parser::read_components(&unfolded).expect("parses");
    assert_eq!(components.len(), 1);
    assert_eq!(components[0].name.as_str(), "VCARD");
    let properties: BTreeMap<String, String> = components[0]
        .properties
        .iter()
        .map(|p| (p.name.as_str().to_string(), p.val.as_str().to_string()))
        .collect();
    assert!(properties.contains_key("FN"));
    properties
}

fn site_with_release() -> TestSite {
    let config = SITE_YAML.replace(
        "  presse: { name: \"Presse\", role: \"Pressestelle\", email: \"presse@itk.example\", association: itk }\n",
        "  presse: { name: \"Presse\", role: \"Pressestelle\", email: \"presse@itk.example\", phone: \"+49 2131 123-45\", association: itk }\n  zweite: { name: \"Anna Beispiel, Sprecherin\", role: \"Sprecherin; Leitung\", email: \"anna@itk.example\", association: itk }\n",
    );
    assert_ne!(config, SITE_YAML);
    let release = news(
        "Vertrag unterzeichnet",
        "date: 2025-03-01\nplace: Neuss\ncontact: [presse, zweite]\nimage: { src: foto.jpg, alt: \"Vier Menschen\", caption: \"Die Unterzeichnung\", credit: \"Foto: ITK/Beispiel\" }\n",
    )
    .replace("contact: presse\n", "")
    .replace(
        "Text der Meldung.",
        "Erster Absatz mit [Link](@/ueber.md) und **fett**.\n\n![Karte](karte.png)\n\n- Punkt eins\n- Punkt zwei",
    );
    TestSite::new()
        .file("site.yaml", &config)
        .file("content/ueber.md", "---\ntitle: Über uns\n---\nText.\n")
        .file("content/news/2025-03-01-vertrag/index.md", &release)
        .bytes("content/news/2025-03-01-vertrag/foto.jpg", &jpeg(1600, 900))
        .bytes("content/news/2025-03-01-vertrag/karte.png", &png())
}

fn png() -> Vec<u8> {
    support::png(image::RgbImage::from_pixel(
        40,
        30,
        image::Rgb([10, 20, 30]),
    ))
}

#[test]
fn a_release_has_a_press_kit_with_text_photos_credits_and_vcards() {
    let site = site_with_release().built();
    let bytes = std::fs::read(site.root().join("public/news/vertrag/vertrag.zip")).unwrap();
    let files = unzip(&bytes);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "vertrag.md",
            "vertrag.txt",
            "foto.jpg",
            "karte.png",
            "credits.txt",
            "presse.vcf",
            "zweite.vcf"
        ]
    );
    let file = |name: &str| -> &[u8] { &files.iter().find(|(n, _)| n == name).unwrap().1 };
    let text = |name: &str| String::from_utf8(file(name).to_vec()).unwrap();

    let markdown = text("vertrag.md");
    assert!(
        markdown.starts_with("# Vertrag unterzeichnet\n\nNeuss, 1. März 2025 (1/2025)\n\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains("[Link](https://hub.example.org/ueber/)"),
        "{markdown}"
    );
    assert!(markdown.contains("![Karte](karte.png)"));
    assert!(markdown.contains("https://hub.example.org/news/vertrag/\n"));

    let plain = text("vertrag.txt");
    assert!(
        plain.contains("Erster Absatz mit Link <https://hub.example.org/ueber/> und fett."),
        "{plain}"
    );
    assert!(plain.contains("– Punkt eins\n– Punkt zwei"), "{plain}");
    assert!(!plain.contains('<') || !plain.contains("<p>"));

    // Photos in full size, byte for byte as published.
    assert_eq!(
        file("foto.jpg"),
        std::fs::read(site.root().join("public/news/vertrag/foto.jpg")).unwrap()
    );
    let credits = text("credits.txt");
    assert!(
        credits.contains("foto.jpg (1600 × 900 px)\n  Foto: ITK/Beispiel\n  Die Unterzeichnung"),
        "{credits}"
    );
    assert!(credits.contains("karte.png (40 × 30 px)"));

    let first = vcard(&text("presse.vcf"));
    assert_eq!(first["FN"], "Presse");
    assert_eq!(first["ORG"], "ITK");
    assert_eq!(first["TEL"], "tel:+49213112345");
    assert_eq!(first["EMAIL"], "presse@itk.example");
    let second = vcard(&text("zweite.vcf"));
    assert_eq!(second["FN"], "Anna Beispiel\\, Sprecherin");
    assert_eq!(second["TITLE"], "Sprecherin\\; Leitung");

    // Each contact's own vCard is published too, the same as in the kit.
    assert_eq!(site.read("public/vcard/zweite.vcf"), text("zweite.vcf"));
}

#[test]
fn press_kits_are_the_same_bytes_in_every_build() {
    let first = site_with_release().built();
    let second = site_with_release().built();
    let kit = "public/news/vertrag/vertrag.zip";
    let a = std::fs::read(first.root().join(kit)).unwrap();
    let b = std::fs::read(second.root().join(kit)).unwrap();
    assert_eq!(a, b);
}
