//! The standards register: version order, the current version and its
//! permanent address, supersessions, filters, exports, the feed, and every
//! register error at its file and line.

use std::collections::BTreeMap;

use kommhub::Code;

use crate::support::{TestSite, report, tree};

const REGISTER_DE: &str = "---\ntitle: Standards\n---\nDas Register.\n";
const REGISTER_EN: &str = "---\ntitle: Standards\nslug: standards\n---\nThe register.\n";

/// A version file; `extra` holds further front matter lines.
fn version(id: &str, version: &str, status: &str, extra: &str, body: &str) -> String {
    format!(
        "---\ntitle: \"Standard {id}\"\nid: {id}\nversion: \"{version}\"\nstatus: {status}\nassociations: [itk]\n{extra}---\n\n{body}\n"
    )
}

fn adopted(id: &str, v: &str, date: &str, body: &str) -> String {
    version(id, v, "adopted", &format!("adopted: {date}\n"), body)
}

/// A register with one standard in three versions: 1.0 superseded, 1.1
/// adopted, 2.0 in consultation.
fn three_versions() -> TestSite {
    TestSite::new()
        .file("content/standards/_index.md", REGISTER_DE)
        .file(
            "content/standards/ozg/1.0.md",
            &version(
                "HUB-STD-0001",
                "1.0",
                "superseded",
                "adopted: 2025-03-01\ndate: 2025-02-01\n",
                "## Zweck\n\nDie Schnittstelle verbindet Online-Dienste mit dem Fachverfahren.\n\nAntworten kommen als JSON.",
            ),
        )
        .file(
            "content/standards/ozg/1.1.md",
            &version(
                "HUB-STD-0001",
                "1.1",
                "adopted",
                "adopted: 2025-09-01\ndate: 2025-08-01\nchanges: \"Fehlercodes ergänzt\"\n",
                "## Zweck\n\nDie Schnittstelle verbindet Online-Dienste sicher mit dem Fachverfahren.\n\nAntworten kommen als JSON.\n\nFehler tragen einen Code.",
            ),
        )
        .file(
            "content/standards/ozg/2.0.md",
            &version(
                "HUB-STD-0001",
                "2.0",
                "consultation",
                "comments_until: 2026-03-31\ndate: 2025-12-01\n",
                "## Zweck\n\nDie Schnittstelle verbindet Online-Dienste sicher mit dem Fachverfahren.\n\nAntworten kommen als JSON oder XML.",
            ),
        )
}

#[test]
fn versions_are_ordered_by_number_1_2_before_1_10_before_2_0() {
    let site = TestSite::new()
        .file("content/standards/_index.md", REGISTER_DE)
        .file(
            "content/standards/x/1.10.md",
            &adopted("HUB-STD-0009", "1.10", "2025-05-01", "Zehn."),
        )
        .file(
            "content/standards/x/2.0.md",
            &version("HUB-STD-0009", "2.0", "draft", "", "Zwei."),
        )
        .file(
            "content/standards/x/1.2.md",
            &adopted("HUB-STD-0009", "1.2", "2025-01-01", "Zwei."),
        )
        .built();
    let page = site.read("public/standards/hub-std-0009/2.0/index.html");
    let history = &page[page.find("<ol class=\"history\">").expect("history")..];
    let order: Vec<usize> = ["2.0", "1.10", "1.2"]
        .iter()
        .map(|v| history.find(&format!(">{v}</a>")).expect(v))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{history}");
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/standards/standards.json")).expect("json");
    let versions: Vec<&str> = json
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["version"].as_str().expect("version"))
        .collect();
    assert_eq!(versions, ["1.2", "1.10", "2.0"]);
    // 1.10 is the highest adopted version, so it is current, not 2.0.
    let current = site.read("public/standards/hub-std-0009/index.html");
    assert!(
        current.contains("HUB-STD-0009 Version 1.10: verabschiedet"),
        "{current}"
    );
}

#[test]
fn the_current_version_is_the_highest_adopted_and_lives_at_the_standards_address() {
    let site = three_versions().built();
    let current = site.read("public/standards/hub-std-0001/index.html");
    assert!(
        current.contains("HUB-STD-0001 Version 1.1: verabschiedet"),
        "{current}"
    );
    assert!(
        current.contains(
            r#"<link rel="canonical" href="https://hub.example.org/standards/hub-std-0001/">"#
        ),
        "{current}"
    );
    assert!(
        current.contains("this version: <a href=\"/standards/hub-std-0001/1.1/\">"),
        "{current}"
    );
    assert!(!current.contains("class=\"banner\""), "{current}");
    // Every version keeps its own address; those that are not current say
    // so and link the current one.
    for v in ["1.0", "2.0"] {
        let page = site.read(&format!("public/standards/hub-std-0001/{v}/index.html"));
        assert!(
            page.contains(r#"<p class="banner">not current; current: <a href="/standards/hub-std-0001/1.1/">1.1</a> (adopted)</p>"#),
            "{v}: {page}"
        );
    }
    insta::assert_snapshot!(site.main_of("public/standards/hub-std-0001/2.0/index.html"));
}

#[test]
fn without_an_adopted_version_the_highest_is_current() {
    let site = TestSite::new()
        .file("content/standards/_index.md", REGISTER_DE)
        .file(
            "content/standards/neu/0.1.md",
            &version("HUB-STD-0002", "0.1", "draft", "", "Erster Entwurf."),
        )
        .file(
            "content/standards/neu/0.2.md",
            &version(
                "HUB-STD-0002",
                "0.2",
                "consultation",
                "comments_until: 2026-02-28\n",
                "Zweiter Entwurf.",
            ),
        )
        .built();
    let current = site.read("public/standards/hub-std-0002/index.html");
    assert!(
        current.contains("Version 0.2: in Kommentierung"),
        "{current}"
    );
    assert!(current.contains("Zweiter Entwurf."), "{current}");
    let old = site.read("public/standards/hub-std-0002/0.1/index.html");
    assert!(
        old.contains("current: <a href=\"/standards/hub-std-0002/0.2/\">0.2</a>"),
        "{old}"
    );
}

#[test]
fn version_addresses_do_not_change_when_a_version_is_added() {
    let site = TestSite::new()
        .file("content/standards/_index.md", REGISTER_DE)
        .file(
            "content/standards/ozg/1.0.md",
            &adopted("HUB-STD-0001", "1.0", "2025-03-01", "Erste Fassung."),
        )
        .file(
            "content/standards/ozg/1.0.en.md",
            &adopted("HUB-STD-0001", "1.0", "2025-03-01", "First version."),
        )
        .built();
    let before: Vec<String> = version_pages(&site);
    assert_eq!(
        before,
        [
            "en/standards/hub-std-0001/1.0/index.html",
            "en/standards/hub-std-0001/index.html",
            "standards/hub-std-0001/1.0/index.html",
            "standards/hub-std-0001/index.html",
        ]
    );
    let old_canonical = canonical(&site.read("public/standards/hub-std-0001/1.0/index.html"));
    let site = site
        .file(
            "content/standards/ozg/1.0.md",
            &version(
                "HUB-STD-0001",
                "1.0",
                "superseded",
                "adopted: 2025-03-01\n",
                "Erste Fassung.",
            ),
        )
        .file(
            "content/standards/ozg/1.0.en.md",
            &version(
                "HUB-STD-0001",
                "1.0",
                "superseded",
                "adopted: 2025-03-01\n",
                "First version.",
            ),
        )
        .file(
            "content/standards/ozg/1.1.md",
            &adopted("HUB-STD-0001", "1.1", "2025-10-01", "Zweite Fassung."),
        )
        .built();
    let after = version_pages(&site);
    for path in &before {
        assert!(after.contains(path), "{path} disappeared: {after:?}");
    }
    assert!(after.contains(&"standards/hub-std-0001/1.1/index.html".to_string()));
    assert_eq!(
        canonical(&site.read("public/standards/hub-std-0001/1.0/index.html")),
        old_canonical
    );
    // The standard's address now shows 1.1 in German. In English, where
    // 1.1 is not translated, it keeps showing the newest English version,
    // which says that the (German) version 1.1 is current.
    assert!(
        site.read("public/standards/hub-std-0001/index.html")
            .contains("Zweite Fassung.")
    );
    for path in [
        "public/en/standards/hub-std-0001/index.html",
        "public/en/standards/hub-std-0001/1.0/index.html",
    ] {
        let english = site.read(path);
        assert!(english.contains("First version."), "{english}");
        assert!(
            english.contains("current: <a href=\"/standards/hub-std-0001/1.1/\">1.1</a>"),
            "{english}"
        );
    }
}

fn version_pages(site: &TestSite) -> Vec<String> {
    tree(&site.root().join("public"))
        .into_iter()
        .map(|(path, _)| path)
        .filter(|p| p.contains("hub-std-0001/") && p.ends_with(".html"))
        .collect()
}

fn canonical(html: &str) -> String {
    html.split("<link rel=\"canonical\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("canonical")
        .to_string()
}

#[test]
fn superseded_by_is_derived_from_supersedes() {
    let site = TestSite::new()
        .file("content/standards/_index.md", REGISTER_DE)
        .file(
            "content/standards/alt/1.0.md",
            &version(
                "HUB-STD-0003",
                "1.0",
                "superseded",
                "adopted: 2025-01-10\n",
                "Alt.",
            ),
        )
        .file(
            "content/standards/neu/1.0.md",
            &adopted("HUB-STD-0004", "1.0", "2025-11-25", "Neu.")
                .replace("status:", "supersedes: HUB-STD-0003\nstatus:"),
        )
        .built();
    let old = site.read("public/standards/hub-std-0003/index.html");
    assert!(
        old.contains(r#"<p class="superseded-by">superseded by <a href="/standards/hub-std-0004/">HUB-STD-0004</a></p>"#),
        "{old}"
    );
    let new = site.read("public/standards/hub-std-0004/index.html");
    assert!(
        new.contains(r#"<p class="supersedes">supersedes <a href="/standards/hub-std-0003/">HUB-STD-0003</a></p>"#),
        "{new}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/standards/standards.json")).expect("json");
    assert_eq!(json[0]["id"], "HUB-STD-0003");
    assert_eq!(
        json[0]["superseded_by"],
        serde_json::json!(["HUB-STD-0004"])
    );
    assert_eq!(json[1]["supersedes"], "HUB-STD-0003");
    // The register shows the superseded standard, marked.
    let register = site.read("public/standards/index.html");
    assert!(
        register.contains(r#"<tr data-status="superseded" class="inactive">"#),
        "{register}"
    );
}

#[test]
fn exports_parse_list_every_version_and_agree() {
    let site = three_versions()
        .file("content/standards/_index.en.md", REGISTER_EN)
        .file(
            "content/standards/ozg/1.1.en.md",
            &version(
                "HUB-STD-0001",
                "1.1",
                "adopted",
                "adopted: 2025-09-01\ntopics: [OZG, \"Schnittstellen, REST\"]\n",
                "English.",
            ),
        )
        .file(
            "content/standards/passwort/1.0.md",
            &version(
                "HUB-STD-0005",
                "1.0",
                "withdrawn",
                "adopted: 2025-02-01\nwithdrawn: 2025-12-01\nlegal_basis: [\"BSI IT-Grundschutz\"]\n",
                "Passwörter.",
            ),
        )
        .built();
    for (lang, prefix) in [("de", ""), ("en", "en/")] {
        let json: Vec<serde_json::Value> =
            serde_json::from_str(&site.read(&format!("public/{prefix}standards/standards.json")))
                .expect("json");
        let csv_text = site.read(&format!("public/{prefix}standards/standards.csv"));
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(String::from)
            .collect();
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("csv row")).collect();
        let ids: Vec<(String, String)> = json
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().into(),
                    r["version"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(
            ids,
            [
                ("HUB-STD-0001".into(), "1.0".into()),
                ("HUB-STD-0001".into(), "1.1".into()),
                ("HUB-STD-0001".into(), "2.0".into()),
                ("HUB-STD-0005".into(), "1.0".into()),
            ],
            "{lang}"
        );
        assert_eq!(rows.len(), json.len(), "{lang}");
        for (object, row) in json.iter().zip(&rows) {
            let object = object.as_object().expect("object");
            let mut keys: Vec<String> = object.keys().cloned().collect();
            let mut columns = header.clone();
            keys.sort();
            columns.sort();
            assert_eq!(columns, keys, "{lang}");
            for (index, column) in header.iter().enumerate() {
                let expected = match &object[column] {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    serde_json::Value::Array(items) => items
                        .iter()
                        .map(|i| i.as_str().unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join("; "),
                    other => other.to_string(),
                };
                assert_eq!(row[index], expected, "{lang} {column}");
            }
        }
        let current: Vec<bool> = json
            .iter()
            .map(|r| r["current"].as_bool().unwrap())
            .collect();
        assert_eq!(current, [false, true, false, true]);
    }
    let en: Vec<serde_json::Value> =
        serde_json::from_str(&site.read("public/en/standards/standards.json")).expect("json");
    assert_eq!(en[1]["language"], "en");
    assert_eq!(
        en[1]["url"],
        "https://hub.example.org/en/standards/hub-std-0001/1.1/"
    );
    assert_eq!(en[0]["language"], "de");
    assert_eq!(en[3]["withdrawn"], "2025-12-01");
    assert_eq!(
        en[1]["topics"],
        serde_json::json!(["OZG", "Schnittstellen, REST"])
    );
}

#[test]
fn filter_pages_work_without_javascript() {
    let site = three_versions()
        .file(
            "content/standards/formulare/1.0.md",
            &adopted("HUB-STD-0002", "1.0", "2025-11-25", "Formulare.")
                .replace("status:", "topics: [Barrierefreiheit]\nstatus:"),
        )
        .built();
    let register = site.read("public/standards/index.html");
    assert!(
        register.contains("<a href=\"/standards/status/verabschiedet/\">adopted</a> (2)"),
        "{register}"
    );
    assert!(
        register
            .contains("<a href=\"/standards/thema/barrierefreiheit/\">Barrierefreiheit</a> (1)"),
        "{register}"
    );
    assert!(
        register.contains("<a href=\"/standards/verband/itk/\">ITK</a> (2)"),
        "{register}"
    );
    let topic = site.read("public/standards/thema/barrierefreiheit/index.html");
    assert!(
        topic.contains("HUB-STD-0002") && !topic.contains(">HUB-STD-0001<"),
        "{topic}"
    );
    assert!(
        topic.contains("<title>Standards – Thema: Barrierefreiheit</title>"),
        "{topic}"
    );
    assert!(
        topic.contains("aria-current=\"page\">Barrierefreiheit</a>"),
        "{topic}"
    );
    assert!(site.exists("public/standards/verband/itk/index.html"));
    insta::assert_snapshot!(site.main_of("public/standards/status/verabschiedet/index.html"));
}

#[test]
fn the_atom_feed_lists_register_changes_newest_first() {
    let site = three_versions().built();
    let xml = site.read("public/standards/atom.xml");
    let document = roxmltree::Document::parse(&xml).expect("well-formed Atom");
    let entries: Vec<(String, String)> = document
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .map(|entry| {
            let child = |name: &str| {
                entry
                    .children()
                    .find(|c| c.has_tag_name(name))
                    .and_then(|c| c.text())
                    .unwrap_or_default()
                    .to_string()
            };
            (child("updated"), child("title"))
        })
        .collect();
    let titles: Vec<&str> = entries.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        titles,
        [
            "HUB-STD-0001 Version 2.0: neue Fassung veröffentlicht",
            "HUB-STD-0001 Version 1.1: verabschiedet",
            "HUB-STD-0001 Version 1.1: neue Fassung veröffentlicht",
            "HUB-STD-0001 Version 1.0: verabschiedet",
            "HUB-STD-0001 Version 1.0: neue Fassung veröffentlicht",
        ]
    );
    assert_eq!(entries[1].0, "2025-09-01T00:00:00+02:00");
}

#[test]
fn downloads_show_size_and_sha256_and_are_published() {
    let site = TestSite::new()
        .file("content/standards/_index.md", REGISTER_DE)
        .file(
            "content/standards/meta/1.0.md",
            &adopted("HUB-STD-0004", "1.0", "2025-11-25", "Metadaten.")
                .replace("status:", "downloads: [felder.csv]\nstatus:"),
        )
        .file(
            "content/standards/meta/felder.csv",
            "feld,pflicht\naktenzeichen,ja\n",
        )
        .built();
    let page = site.read("public/standards/hub-std-0004/1.0/index.html");
    assert!(
        page.contains(
            "<a href=\"/standards/hub-std-0004/felder.csv\">felder.csv</a> CSV 29 Bytes fa495862b705036cad2262721e977af7d412c0ab76fe87a2d3ee0d65594ac516"
        ),
        "{page}"
    );
    let bytes = std::fs::read(site.root().join("public/standards/hub-std-0004/felder.csv"))
        .expect("published");
    assert_eq!(bytes.len(), 29);
}

#[test]
fn english_register_falls_back_to_german_pages_and_says_so() {
    let site = three_versions()
        .file("content/_index.en.md", "---\ntitle: Home\n---\n")
        .file("content/standards/_index.en.md", REGISTER_EN)
        .built();
    let register = site.read("public/en/standards/index.html");
    assert!(
        register.contains("<a href=\"/standards/hub-std-0001/\" hreflang=\"de\">HUB-STD-0001</a>"),
        "{register}"
    );
    assert!(
        register.contains("in consultation") || register.contains("adopted"),
        "{register}"
    );
    assert!(site.exists("public/en/standards/atom.xml"));
}

#[test]
fn every_register_error_is_reported_at_its_file_and_line() {
    let site = TestSite::new()
        .file("content/standards/_index.md", REGISTER_DE)
        .file(
            "content/standards/a/1.0.md",
            &adopted("HUB-STD-0001", "1.0", "2025-01-01", "A."),
        )
        // The same id and version again, in the same folder.
        .file(
            "content/standards/a/kopie.md",
            &adopted("HUB-STD-0001", "1.0", "2025-01-01", "Kopie."),
        )
        // A version of the same id in another folder.
        .file(
            "content/standards/b/1.1.md",
            &adopted("HUB-STD-0001", "1.1", "2025-02-01", "B."),
        )
        // `supersedes` naming an id that does not exist.
        .file(
            "content/standards/c/1.0.md",
            &adopted("HUB-STD-0003", "1.0", "2025-01-01", "C.")
                .replace("status:", "supersedes: HUB-STD-0300\nstatus:"),
        )
        // Statuses without the dates they need.
        .file(
            "content/standards/d/1.0.md",
            &version("HUB-STD-0004", "1.0", "adopted", "", "D."),
        )
        .file(
            "content/standards/d/2.0.md",
            &version("HUB-STD-0004", "2.0", "consultation", "", "D2."),
        )
        .file(
            "content/standards/e/1.0.md",
            &version(
                "HUB-STD-0005",
                "1.0",
                "withdrawn",
                "adopted: 2025-01-01\n",
                "E.",
            ),
        )
        // A status that does not exist.
        .file(
            "content/standards/f/1.0.md",
            &version("HUB-STD-0006", "1.0", "beschlossen", "", "F."),
        );
    let problems = site.errors();
    let found: Vec<(String, usize, Code)> = problems
        .iter()
        .map(|p| (p.file.to_string_lossy().replace('\\', "/"), p.line, p.code))
        .collect();
    for expected in [
        (
            "content/standards/a/kopie.md",
            4,
            Code::StandardDuplicateVersion,
        ),
        ("content/standards/b/1.1.md", 3, Code::StandardSplitFolders),
        (
            "content/standards/c/1.0.md",
            5,
            Code::StandardUnknownSupersedes,
        ),
        ("content/standards/d/1.0.md", 5, Code::StandardMissingDate),
        ("content/standards/d/2.0.md", 5, Code::StandardMissingDate),
        ("content/standards/e/1.0.md", 5, Code::StandardMissingDate),
        ("content/standards/f/1.0.md", 5, Code::YamlInvalidValue),
    ] {
        let expected = (expected.0.to_string(), expected.1, expected.2);
        assert!(
            found.contains(&expected),
            "{expected:?} not in\n{}",
            report(&problems)
        );
    }
    let text = report(&problems);
    assert!(
        text.contains("use one of: draft (Entwurf), consultation (in Kommentierung), adopted (verabschiedet), superseded (ersetzt), withdrawn (zurückgezogen)"),
        "{text}"
    );
    assert!(
        text.contains("did you mean `HUB-STD-0003`?")
            || text.contains("HUB-STD-0001, HUB-STD-0003"),
        "{text}"
    );
    insta::assert_snapshot!(text);
    let run = site.run(&["build"]);
    assert_eq!(run.status.code(), Some(1));
}

#[test]
fn a_page_at_a_standards_address_is_a_conflict() {
    let site = TestSite::new()
        .file("content/standards/_index.md", REGISTER_DE)
        .file(
            "content/standards/ozg/1.0.md",
            &adopted("HUB-STD-0001", "1.0", "2025-01-01", "A."),
        )
        .file(
            "content/standards/ozg/_index.md",
            "---\ntitle: Ordner\n---\n",
        );
    let problems = site.errors();
    assert_eq!(
        problems[0].code,
        Code::StandardUrlConflict,
        "{}",
        report(&problems)
    );
    assert_eq!(
        problems[0].file.to_string_lossy(),
        "content/standards/ozg/_index.md"
    );
}

#[test]
fn kommhub_new_standard_takes_the_next_id_and_builds_as_a_draft() {
    let site = three_versions().file(
        "content/standards/archiv/1.0.md",
        &adopted("HUB-STD-0007", "1.0", "2025-01-01", "Text."),
    );
    let created = site.run(&["new", "standard", "Löschfristen für E-Akten"]);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let path = String::from_utf8_lossy(&created.stdout).trim().to_string();
    assert_eq!(path, "content/standards/loeschfristen-fuer-e-akten/1.0.md");
    let text = site.read(&path);
    for line in [
        "id: HUB-STD-0008\n",
        "version: \"1.0\"\n",
        "status: draft\n",
        "draft: true\n",
        "associations: [itk]\n",
        "date: 2026-01-01\n",
    ] {
        assert!(text.contains(line), "{line:?} missing in\n{text}");
    }

    // Without --drafts the new standard stays off the site; with it, it
    // is in the register as a draft, and nothing in the build complains.
    site.build().expect("builds without drafts");
    assert!(!site.exists("public/standards/hub-std-0008/index.html"));
    site.build_with(|o| o.publication.drafts = true)
        .expect("builds with drafts");
    let page = site.read("public/standards/hub-std-0008/index.html");
    assert!(page.contains("Löschfristen für E-Akten"), "{page}");
    let json = site.read("public/standards/standards.json");
    assert!(json.contains("\"HUB-STD-0008\""), "{json}");

    // A second standard counts on from the draft.
    let next = site.run(&["new", "standard", "Noch ein Standard", "--lang", "en"]);
    let next_path = String::from_utf8_lossy(&next.stdout).trim().to_string();
    assert_eq!(next_path, "content/standards/noch-ein-standard/1.0.en.md");
    assert!(site.read(&next_path).contains("id: HUB-STD-0009\n"));
}

/// RFC 5545's rules this test holds a calendar to beyond what the parser
/// checks: CRLF line ends, lines of at most 75 octets, one PRODID and
/// VERSION, and in every event one UID, DTSTAMP and DTSTART, with DATE
/// values and an end after the start. Returns each event's properties.
fn strict_events(text: &str) -> Vec<BTreeMap<String, String>> {
    assert!(text.ends_with("\r\n"));
    for line in text.split("\r\n") {
        assert!(!line.contains('\n'), "a bare LF in {line:?}");
        assert!(line.len() <= 75, "{line:?} is {} octets long", line.len());
    }
    let unfolded = icalendar::parser::unfold(text);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("parses");
    let count = |name: &str| {
        calendar
            .properties
            .iter()
            .filter(|p| p.name.as_str() == name)
            .count()
    };
    assert_eq!((count("PRODID"), count("VERSION")), (1, 1));
    let mut events = Vec::new();
    for component in &calendar.components {
        assert_eq!(component.name.as_str(), "VEVENT");
        let mut properties = BTreeMap::new();
        for property in &component.properties {
            let repeated = properties.insert(
                property.name.as_str().to_string(),
                property.val.as_str().to_string(),
            );
            assert!(repeated.is_none(), "{} twice", property.name.as_str());
        }
        for required in ["UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"] {
            assert!(properties.contains_key(required), "no {required}");
        }
        let (start, end) = (&properties["DTSTART"], &properties["DTEND"]);
        assert!(start.len() == 8 && start.bytes().all(|b| b.is_ascii_digit()));
        assert!(end > start, "{start} .. {end}");
        assert!(properties["DTSTAMP"].ends_with('Z'));
        events.push(properties);
    }
    events
}

#[test]
fn the_register_calendar_holds_its_dates_with_stable_uids_in_each_language() {
    let site = three_versions()
        .file("content/standards/_index.en.md", REGISTER_EN)
        .file(
            "content/standards/ozg/1.1.en.md",
            &adopted("HUB-STD-0001", "1.1", "2025-09-01", "The interface.").replace(
                "\"Standard HUB-STD-0001\"",
                "\"Online services, interface\"",
            ),
        )
        .file(
            "content/standards/akten/1.0.md",
            &adopted(
                "HUB-STD-0002",
                "1.0",
                "2025-05-01",
                "Text; mit Semikolon, Komma \\ und Backslash.",
            )
            .replace(
                "adopted: 2025-05-01\n",
                "adopted: 2025-05-01\neffective: 2025-07-01\nvalid_until: 2027-06-30\n",
            ),
        )
        .built();
    let german = site.read("public/standards/calendar.ics");
    let events = strict_events(&german);
    let uids: Vec<&str> = events.iter().map(|e| e["UID"].as_str()).collect();
    assert_eq!(
        uids,
        [
            "hub-std-0002-1.0-effective@hub.example.org",
            "hub-std-0001-2.0-comments-until@hub.example.org",
            "hub-std-0002-1.0-valid-until@hub.example.org",
        ]
    );
    let consultation = &events[1];
    assert_eq!(consultation["DTSTART"], "20260331");
    assert_eq!(consultation["DTEND"], "20260401");
    assert!(
        consultation["SUMMARY"].starts_with("Ende der Kommentierungsfrist: Standard HUB-STD-0001"),
        "{}",
        consultation["SUMMARY"]
    );
    assert_eq!(
        consultation["URL"],
        "https://hub.example.org/standards/hub-std-0001/2.0/"
    );

    let english = site.read("public/en/standards/calendar.ics");
    let english_events = strict_events(&english);
    let english_uids: Vec<&str> = english_events.iter().map(|e| e["UID"].as_str()).collect();
    assert_eq!(english_uids, uids, "the same events in both languages");
    assert!(english_events[1]["SUMMARY"].starts_with("End of consultation: "));

    // Another day's build, with a title changed, keeps every UID and
    // every event's stamp.
    let later = site.file(
        "content/standards/akten/1.0.md",
        &adopted("HUB-STD-0002", "1.0", "2025-05-01", "Neuer Text.")
            .replace("Standard HUB-STD-0002", "Akten, neu benannt")
            .replace(
                "adopted: 2025-05-01\n",
                "adopted: 2025-05-01\neffective: 2025-07-01\nvalid_until: 2027-06-30\n",
            ),
    );
    later
        .build_with(|o| {
            o.publication.build_date = jiff::Timestamp::from_second(1_800_000_000).unwrap()
        })
        .expect("builds");
    let again = strict_events(&later.read("public/standards/calendar.ics"));
    let again_uids: Vec<&str> = again.iter().map(|e| e["UID"].as_str()).collect();
    assert_eq!(again_uids, uids);
    assert!(again[0]["SUMMARY"].contains("Akten, neu benannt"));
    assert_eq!(again[1]["DTSTAMP"], events[1]["DTSTAMP"]);

    // With the hub theme, the register page and the standard with dates
    // link the calendar of their language.
    let hub = crate::share::with_hub_theme();
    crate::support::copy_dir(&later.root().join("content"), &hub.root().join("content"));
    let hub = hub.built();
    let register = hub.read("public/en/standards/index.html");
    let standard = hub.read("public/standards/hub-std-0002/index.html");
    assert!(register.contains("href=\"/en/standards/calendar.ics\" type=\"text/calendar\""));
    assert!(standard.contains("href=\"/standards/calendar.ics\" type=\"text/calendar\""));
}
