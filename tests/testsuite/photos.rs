//! Published photos keep their picture, orientation and credit, and lose
//! the GPS position and the camera's serial number; `check` names the
//! source file that still has a position.

use crate::support::{TestSite, jpeg, news};

/// A little-endian EXIF block: orientation 1, artist, copyright, the
/// camera body's serial number (in the Exif IFD) and a GPS IFD with a
/// latitude and longitude.
fn camera_exif() -> Vec<u8> {
    fn entry(out: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32) {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&value.to_le_bytes());
    }
    let artist = b"Anna Fotografin\0";
    let copyright = b"ITK Rheinland 2025\0";
    let serial = b"SN-0042-7731\0\0";
    // IFD0 at 8 with 5 entries: 2 + 60 + 4 = 66 bytes, data from 74.
    let artist_at = 74;
    let copyright_at = artist_at + artist.len() as u32;
    let exif_ifd = copyright_at + copyright.len() as u32 + 1;
    let serial_at = exif_ifd + 18;
    let gps_ifd = serial_at + serial.len() as u32 + 1;
    let mut t = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    t.extend_from_slice(&5u16.to_le_bytes());
    entry(&mut t, 0x0112, 3, 1, 1);
    entry(&mut t, 0x013B, 2, artist.len() as u32, artist_at);
    entry(&mut t, 0x8298, 2, copyright.len() as u32, copyright_at);
    entry(&mut t, 0x8769, 4, 1, exif_ifd);
    entry(&mut t, 0x8825, 4, 1, gps_ifd);
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(artist);
    t.extend_from_slice(copyright);
    t.push(0);
    assert_eq!(t.len() as u32, exif_ifd);
    t.extend_from_slice(&1u16.to_le_bytes());
    entry(&mut t, 0xA431, 2, serial.len() as u32, serial_at);
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(serial);
    t.push(0);
    assert_eq!(t.len() as u32, gps_ifd);
    // GPS IFD: latitude N 50° 57' 0", longitude E 6° 57' 0".
    let rationals_at = gps_ifd + 2 + 4 * 12 + 4;
    t.extend_from_slice(&4u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, u32::from(b'N'));
    entry(&mut t, 0x0002, 5, 3, rationals_at);
    entry(&mut t, 0x0003, 2, 2, u32::from(b'E'));
    entry(&mut t, 0x0004, 5, 3, rationals_at + 24);
    t.extend_from_slice(&0u32.to_le_bytes());
    for value in [50u32, 57, 0, 6, 57, 0] {
        t.extend_from_slice(&value.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
    }
    t
}

/// A 2000 × 1200 JPEG with the camera's EXIF block after the JFIF header.
fn camera_jpeg() -> Vec<u8> {
    let plain = jpeg(2000, 1200);
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(camera_exif());
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
    segment.extend(payload);
    let at = 2 + 2 + usize::from(u16::from_be_bytes([plain[4], plain[5]]));
    assert_eq!(&plain[2..4], &[0xFF, 0xE0], "a JFIF header first");
    [&plain[..at], &segment, &plain[at..]].concat()
}

fn fields(bytes: &[u8]) -> Vec<(exif::Tag, String)> {
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .expect("an EXIF block");
    exif.fields()
        .map(|f| (f.tag, f.display_value().to_string()))
        .collect()
}

fn site() -> TestSite {
    TestSite::new()
        .file(
            "content/news/2025-03-01-termin/index.md",
            &news(
                "Termin",
                "date: 2025-03-01\nimage: { src: foto.jpg, alt: \"Zwei Menschen\", credit: \"Anna\" }\n",
            ),
        )
        .bytes("content/news/2025-03-01-termin/foto.jpg", &camera_jpeg())
}

#[test]
fn a_photo_with_a_gps_position_is_published_without_it_and_with_its_credit() {
    let source = fields(&camera_jpeg());
    assert!(source.iter().any(|(t, _)| *t == exif::Tag::GPSLatitude));
    assert!(
        source
            .iter()
            .any(|(t, _)| *t == exif::Tag::BodySerialNumber)
    );

    let site = site().built();
    for file in [
        "foto.jpg",
        "foto-480w.jpg",
        "foto-960w.jpg",
        "foto-1440w.jpg",
    ] {
        let bytes = std::fs::read(site.root().join("public/news/termin").join(file)).unwrap();
        image::load_from_memory(&bytes).expect("still a picture");
        let fields = fields(&bytes);
        let tags: Vec<exif::Tag> = fields.iter().map(|(t, _)| *t).collect();
        assert_eq!(
            tags,
            [
                exif::Tag::Orientation,
                exif::Tag::Artist,
                exif::Tag::Copyright
            ],
            "{file}: {fields:?}"
        );
        assert!(fields[1].1.contains("Anna Fotografin"), "{fields:?}");
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("SN-0042"), "{file} keeps the serial number");
    }
    // The share crop is turned upright (the camera held it sideways):
    // 1200 × 630 as stored, without an orientation to apply again, with
    // the creator's fields.
    let crop = std::fs::read(site.root().join("public/news/termin/foto-1200x630.jpg")).unwrap();
    let picture = image::load_from_memory(&crop).unwrap();
    assert_eq!((picture.width(), picture.height()), (1200, 630));
    let tags: Vec<exif::Tag> = fields(&crop).iter().map(|(t, _)| *t).collect();
    assert_eq!(tags, [exif::Tag::Artist, exif::Tag::Copyright]);
    assert!(!String::from_utf8_lossy(&crop).contains("SN-0042"));
    // The press kit holds the published original.
    let kit = std::fs::read(site.root().join("public/news/termin/termin.zip")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(kit)).unwrap();
    let mut photo = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name("foto.jpg").unwrap(), &mut photo).unwrap();
    assert!(
        !fields(&photo)
            .iter()
            .any(|(t, _)| *t == exif::Tag::GPSLatitude)
    );
}

#[test]
fn check_names_a_photo_that_carries_a_gps_position() {
    let site = site();
    let output = site.run(&["check", "--format", "json"]);
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains("privacy/image-location"), "{report}");
    assert!(
        report.contains("content/news/2025-03-01-termin/foto.jpg"),
        "{report}"
    );
    // The same photo without a position is not reported.
    let clean = TestSite::new()
        .file(
            "content/news/2025-03-01-termin/index.md",
            &news(
                "Termin",
                "date: 2025-03-01\nimage: { src: foto.jpg, alt: \"Zwei Menschen\", credit: \"Anna\" }\n",
            ),
        )
        .bytes("content/news/2025-03-01-termin/foto.jpg", &jpeg(2000, 1200));
    let output = clean.run(&["check", "--format", "json"]);
    assert!(!String::from_utf8_lossy(&output.stdout).contains("privacy/image-location"));
}
