//! What a published photo may tell besides its picture.
//!
//! Cameras and phones write the place a photo was taken (GPS), the
//! camera's and lens's serial numbers, the owner's name, editing history
//! and thumbnails into a file's EXIF, XMP and IPTC blocks. A press photo
//! taken at someone's home publishes that home with it. So every JPEG and
//! PNG the site publishes, original and variants, keeps only
//! - what it needs to be shown right: the JPEG and PNG structure, the
//!   colour profile (ICC), the Adobe colour transform, the EXIF
//!   orientation;
//! - whom it belongs to: EXIF `Artist` and `Copyright`, PNG `Author` and
//!   `Copyright` texts (the credit § 13 UrhG asks for).
//!
//! Everything else goes: the rest of EXIF (GPS, serial numbers, maker
//! notes, thumbnails), XMP, IPTC and comments. [`clean`] does it, and
//! says whether the file carried a position, which `kommhub check`
//! reports (`privacy/image-location`). Pure: bytes in, bytes out. Files
//! this module cannot read are given back unchanged; the images stage
//! reports those when it cannot decode them.

/// A file with only what may be published, and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    /// The file without the blocks that go (the same bytes when there
    /// were none).
    pub bytes: Vec<u8>,
    /// The kept blocks alone, to put into the file's variants, which the
    /// encoder writes without any.
    pub kept: Kept,
    /// The same without the orientation, for a copy whose pixels were
    /// turned upright already (the share crop).
    pub upright: Kept,
    /// The file named a GPS position (EXIF GPS latitude or longitude, or
    /// an XMP `GPSLatitude`/`GPSLongitude`).
    pub had_location: bool,
}

/// The blocks a variant takes over from its original.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kept {
    /// JPEG: whole APPn segments (EXIF, ICC). PNG: whole chunks.
    blocks: Vec<Vec<u8>>,
}

/// The published form of `bytes`, a JPEG or PNG file.
pub fn clean(bytes: &[u8]) -> Cleaned {
    let parsed = if bytes.starts_with(&[0xFF, 0xD8]) {
        clean_jpeg(bytes)
    } else if bytes.starts_with(PNG_SIGNATURE) {
        clean_png(bytes)
    } else {
        None
    };
    parsed.unwrap_or_else(|| Cleaned {
        bytes: bytes.to_vec(),
        kept: Kept::default(),
        upright: Kept::default(),
        had_location: false,
    })
}

/// `encoded` (a variant, as the encoder wrote it) with the kept blocks
/// of its original: after the JFIF header or the start of a JPEG, after
/// the header chunk of a PNG.
pub fn carry(kept: &Kept, encoded: Vec<u8>) -> Vec<u8> {
    if kept.blocks.is_empty() {
        return encoded;
    }
    let at = if encoded.starts_with(&[0xFF, 0xD8]) {
        match encoded.get(2..4) {
            Some([0xFF, 0xE0]) => 4 + segment_length(&encoded, 4).unwrap_or(0),
            _ => 2,
        }
    } else if encoded.starts_with(PNG_SIGNATURE) {
        // The signature and the IHDR chunk (13 bytes of data).
        8 + 12 + 13
    } else {
        return encoded;
    };
    if at > encoded.len() {
        return encoded;
    }
    let mut out =
        Vec::with_capacity(encoded.len() + kept.blocks.iter().map(Vec::len).sum::<usize>());
    out.extend_from_slice(&encoded[..at]);
    for block in &kept.blocks {
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&encoded[at..]);
    out
}

// ------------------------------------------------------------------------
// JPEG

/// The big-endian length of the segment whose length field is at `at`.
fn segment_length(bytes: &[u8], at: usize) -> Option<usize> {
    let field = bytes.get(at..at + 2)?;
    Some(usize::from(u16::from_be_bytes([field[0], field[1]])))
}

/// Walks the segments before the image data and keeps what may stay.
fn clean_jpeg(bytes: &[u8]) -> Option<Cleaned> {
    let mut cleaned = Cleaned {
        bytes: vec![0xFF, 0xD8],
        kept: Kept::default(),
        upright: Kept::default(),
        had_location: false,
    };
    let mut at = 2;
    loop {
        // Markers may be padded with 0xFF fill bytes.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        if bytes.get(at) != Some(&0xFF) {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        if marker == 0xDA || marker == 0xD9 {
            // Start of scan (or an image without one): the rest is image data.
            cleaned.bytes.extend_from_slice(&bytes[at..]);
            return Some(cleaned);
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            cleaned.bytes.extend_from_slice(&bytes[at..at + 2]);
            at += 2;
            continue;
        }
        let end = at + 2 + segment_length(bytes, at + 2)?;
        cleaned.add_segment(marker, bytes.get(at..end)?)?;
        at = end;
    }
}

impl Cleaned {
    /// Takes the JPEG segment `segment` (marker, length and payload) or
    /// what of it may stay, and notes a location it names.
    fn add_segment(&mut self, marker: u8, segment: &[u8]) -> Option<()> {
        let payload = segment.get(4..)?;
        match marker {
            0xE1 if payload.starts_with(b"Exif\0\0") => {
                let exif = read_exif(&payload[6..]);
                self.had_location |= exif.as_ref().is_some_and(|e| e.location);
                let segment =
                    |tiff: Vec<u8>| jpeg_segment(0xE1, &[b"Exif\0\0".as_slice(), &tiff].concat());
                if let Some(exif) = exif {
                    if let Some(tiff) = exif.kept_tiff() {
                        let segment = segment(tiff)?;
                        self.bytes.extend_from_slice(&segment);
                        self.kept.blocks.push(segment);
                    }
                    if let Some(tiff) = exif.upright().kept_tiff() {
                        self.upright.blocks.push(segment(tiff)?);
                    }
                }
            }
            0xE1 => self.had_location |= xmp_location(payload),
            0xE2 if payload.starts_with(b"ICC_PROFILE\0") => {
                self.bytes.extend_from_slice(segment);
                self.kept.blocks.push(segment.to_vec());
                self.upright.blocks.push(segment.to_vec());
            }
            0xE0 if payload.starts_with(b"JFIF\0") => self.bytes.extend_from_slice(segment),
            // Adobe's colour transform: needed to decode CMYK and YCCK.
            0xEE => self.bytes.extend_from_slice(segment),
            // Other application blocks (IPTC, maker data) and comments.
            0xE0..=0xEF | 0xFE => {}
            _ => self.bytes.extend_from_slice(segment),
        }
        Some(())
    }
}

/// An APPn segment of `payload`, if it fits in one.
fn jpeg_segment(marker: u8, payload: &[u8]) -> Option<Vec<u8>> {
    let length = u16::try_from(payload.len() + 2).ok()?;
    let mut segment = vec![0xFF, marker];
    segment.extend_from_slice(&length.to_be_bytes());
    segment.extend_from_slice(payload);
    Some(segment)
}

/// Whether an XMP packet (or any text block) names a GPS position.
fn xmp_location(text: &[u8]) -> bool {
    let has = |needle: &[u8]| text.windows(needle.len()).any(|w| w == needle);
    has(b"GPSLatitude") || has(b"GPSLongitude")
}

// ------------------------------------------------------------------------
// EXIF (a TIFF structure)

const ORIENTATION: u16 = 0x0112;
const ARTIST: u16 = 0x013B;
const COPYRIGHT: u16 = 0x8298;
const GPS_IFD: u16 = 0x8825;
const GPS_LATITUDE: u16 = 0x0002;
const GPS_LONGITUDE: u16 = 0x0004;

/// What an EXIF block holds that matters here.
#[derive(Debug, Default)]
struct Exif {
    orientation: Option<u16>,
    artist: Option<Vec<u8>>,
    copyright: Option<Vec<u8>>,
    location: bool,
}

/// A TIFF structure's byte order.
#[derive(Clone, Copy)]
struct Order {
    little: bool,
}

impl Order {
    fn u16(self, bytes: &[u8], at: usize) -> Option<u16> {
        let b = bytes.get(at..at + 2)?;
        Some(if self.little {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    }

    fn u32(self, bytes: &[u8], at: usize) -> Option<u32> {
        let b = bytes.get(at..at + 4)?;
        Some(if self.little {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        } else {
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        })
    }
}

/// Reads IFD0 of a TIFF structure (and the GPS IFD it points to).
fn read_exif(tiff: &[u8]) -> Option<Exif> {
    let order = match tiff.get(0..2)? {
        b"II" => Order { little: true },
        b"MM" => Order { little: false },
        _ => return None,
    };
    let ifd = usize::try_from(order.u32(tiff, 4)?).ok()?;
    let mut exif = Exif::default();
    for (tag, kind, count, value_at) in entries(tiff, order, ifd)? {
        match tag {
            ORIENTATION if kind == 3 => exif.orientation = order.u16(tiff, value_at),
            ARTIST | COPYRIGHT if kind == 2 => {
                let start = if count <= 4 {
                    value_at
                } else {
                    usize::try_from(order.u32(tiff, value_at)?).ok()?
                };
                let text = tiff.get(start..start.checked_add(count)?)?;
                let text: Vec<u8> = text.iter().copied().take_while(|b| *b != 0).collect();
                if tag == ARTIST {
                    exif.artist = Some(text);
                } else {
                    exif.copyright = Some(text);
                }
            }
            GPS_IFD => {
                let gps = order
                    .u32(tiff, value_at)
                    .and_then(|o| usize::try_from(o).ok());
                exif.location = gps
                    .and_then(|gps| entries(tiff, order, gps))
                    .is_some_and(|gps| {
                        gps.iter()
                            .any(|(tag, ..)| *tag == GPS_LATITUDE || *tag == GPS_LONGITUDE)
                    });
            }
            _ => {}
        }
    }
    Some(exif)
}

/// The entries of the IFD at `at`: tag, type, count and where the value
/// (or its offset) stands.
fn entries(tiff: &[u8], order: Order, at: usize) -> Option<Vec<(u16, u16, usize, usize)>> {
    let count = usize::from(order.u16(tiff, at)?);
    (0..count)
        .map(|i| {
            let entry = at + 2 + 12 * i;
            Some((
                order.u16(tiff, entry)?,
                order.u16(tiff, entry + 2)?,
                usize::try_from(order.u32(tiff, entry + 4)?).ok()?,
                entry + 8,
            ))
        })
        .collect()
}

impl Exif {
    /// The same fields without the orientation.
    fn upright(&self) -> Exif {
        Exif {
            orientation: None,
            artist: self.artist.clone(),
            copyright: self.copyright.clone(),
            location: self.location,
        }
    }

    /// A little-endian TIFF structure with only the orientation, artist
    /// and copyright; none when none of them was there.
    fn kept_tiff(&self) -> Option<Vec<u8>> {
        let mut fields: Vec<(u16, u16, Vec<u8>)> = Vec::new();
        if let Some(orientation) = self.orientation {
            fields.push((ORIENTATION, 3, orientation.to_le_bytes().to_vec()));
        }
        for (tag, text) in [(ARTIST, &self.artist), (COPYRIGHT, &self.copyright)] {
            if let Some(text) = text.as_ref().filter(|t| !t.is_empty()) {
                let mut value = text.clone();
                value.push(0);
                fields.push((tag, 2, value));
            }
        }
        if fields.is_empty() {
            return None;
        }
        let mut out = b"II*\0".to_vec();
        out.extend_from_slice(&8u32.to_le_bytes());
        out.extend_from_slice(&(fields.len() as u16).to_le_bytes());
        let mut data_at = 8 + 2 + 12 * fields.len() + 4;
        let mut data = Vec::new();
        for (tag, kind, value) in &fields {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&kind.to_le_bytes());
            let count = if *kind == 3 { 1 } else { value.len() };
            out.extend_from_slice(&(count as u32).to_le_bytes());
            if value.len() <= 4 {
                let mut inline = value.clone();
                inline.resize(4, 0);
                out.extend_from_slice(&inline);
            } else {
                out.extend_from_slice(&(data_at as u32).to_le_bytes());
                data.extend_from_slice(value);
                if value.len() % 2 == 1 {
                    data.push(0);
                }
                data_at = 8 + 2 + 12 * fields.len() + 4 + data.len();
            }
        }
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&data);
        Some(out)
    }
}

// ------------------------------------------------------------------------
// PNG

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Chunks a PNG keeps as they are: the picture, its colours and its
/// pixel size, and animation.
const PNG_KEPT: [&[u8; 4]; 15] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
    b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT",
];

/// Walks the chunks and keeps what may stay.
fn clean_png(bytes: &[u8]) -> Option<Cleaned> {
    let mut out = PNG_SIGNATURE.to_vec();
    let mut kept = Kept::default();
    let mut upright = Kept::default();
    let mut had_location = false;
    let mut at = PNG_SIGNATURE.len();
    while at < bytes.len() {
        let length =
            usize::try_from(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?)).ok()?;
        let end = at.checked_add(12)?.checked_add(length)?;
        let chunk = bytes.get(at..end)?;
        let kind = &chunk[4..8];
        let data = &chunk[8..8 + length];
        if kind == b"eXIf" {
            let exif = read_exif(data);
            had_location |= exif.as_ref().is_some_and(|e| e.location);
            if let Some(exif) = exif {
                if let Some(tiff) = exif.kept_tiff() {
                    let chunk = png_chunk(b"eXIf", &tiff);
                    out.extend_from_slice(&chunk);
                    kept.blocks.push(chunk);
                }
                if let Some(tiff) = exif.upright().kept_tiff() {
                    upright.blocks.push(png_chunk(b"eXIf", &tiff));
                }
            }
        } else if matches!(kind, b"tEXt" | b"iTXt" | b"zTXt") {
            had_location |= xmp_location(data);
            let keyword = data.split(|b| *b == 0).next().unwrap_or_default();
            if keyword == b"Author" || keyword == b"Copyright" {
                out.extend_from_slice(chunk);
                kept.blocks.push(chunk.to_vec());
                upright.blocks.push(chunk.to_vec());
            }
        } else if PNG_KEPT.iter().any(|k| k.as_slice() == kind) {
            out.extend_from_slice(chunk);
            if kind == b"iCCP" {
                kept.blocks.push(chunk.to_vec());
                upright.blocks.push(chunk.to_vec());
            }
        }
        at = end;
    }
    Some(Cleaned {
        bytes: out,
        kept,
        upright,
        had_location,
    })
}

/// A PNG chunk with its length and CRC.
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(kind);
    hasher.update(data);
    chunk.extend_from_slice(&hasher.finalize().to_be_bytes());
    chunk
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A big-endian TIFF with orientation 6, an artist, a serial number
    /// (0xA431, in IFD0 for brevity) and a GPS IFD with a latitude.
    fn camera_tiff() -> Vec<u8> {
        let mut t = b"MM\0*".to_vec();
        t.extend_from_slice(&8u32.to_be_bytes());
        t.extend_from_slice(&4u16.to_be_bytes());
        let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
            t.extend_from_slice(&tag.to_be_bytes());
            t.extend_from_slice(&kind.to_be_bytes());
            t.extend_from_slice(&count.to_be_bytes());
            t.extend_from_slice(&value.to_be_bytes());
        };
        // IFD0 at 8: 2 + 4 * 12 + 4 = 54 bytes; data from 62.
        entry(&mut t, ORIENTATION, 3, 1, 6 << 16);
        entry(&mut t, ARTIST, 2, 11, 62);
        entry(&mut t, GPS_IFD, 4, 1, 74);
        entry(&mut t, 0xA431, 2, 4, u32::from_be_bytes(*b"123\0"));
        t.extend_from_slice(&0u32.to_be_bytes());
        t.extend_from_slice(b"Anna Foto\0\0\0");
        // GPS IFD at 74: one entry, latitude (offset irrelevant here).
        t.extend_from_slice(&1u16.to_be_bytes());
        entry(&mut t, GPS_LATITUDE, 5, 3, 0);
        t.extend_from_slice(&0u32.to_be_bytes());
        t
    }

    fn jpeg_with(segments: &[Vec<u8>]) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8];
        for segment in segments {
            bytes.extend_from_slice(segment);
        }
        bytes.extend_from_slice(&[0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]);
        bytes
    }

    #[test]
    fn a_jpeg_loses_gps_serials_xmp_and_comments_and_keeps_orientation_artist_and_icc() {
        let exif = jpeg_segment(0xE1, &[b"Exif\0\0".as_slice(), &camera_tiff()].concat()).unwrap();
        let xmp = jpeg_segment(
            0xE1,
            b"http://ns.adobe.com/xap/1.0/\0<x exif:GPSLatitude=\"1\"/>",
        )
        .unwrap();
        let icc = jpeg_segment(0xE2, b"ICC_PROFILE\0\x01\x01profile").unwrap();
        let comment = jpeg_segment(0xFE, b"Kamera 123").unwrap();
        let iptc = jpeg_segment(0xED, b"Photoshop 3.0\0Ort: Zuhause").unwrap();
        let bytes = jpeg_with(&[exif, xmp, icc.clone(), comment, iptc]);
        let cleaned = clean(&bytes);
        assert!(cleaned.had_location);
        let again = clean(&cleaned.bytes);
        assert!(!again.had_location, "no position left");
        assert_eq!(again.bytes, cleaned.bytes, "cleaning twice changes nothing");
        let text = String::from_utf8_lossy(&cleaned.bytes);
        assert!(!text.contains("123") && !text.contains("Zuhause") && !text.contains("Kamera"));
        assert!(text.contains("Anna Foto") && text.contains("profile"));
        let tiff = &cleaned.kept.blocks[0][10..];
        let exif = read_exif(tiff).unwrap();
        assert_eq!(exif.orientation, Some(6));
        assert_eq!(exif.artist.as_deref(), Some(b"Anna Foto".as_slice()));
        assert!(!exif.location);
        assert_eq!(cleaned.kept.blocks[1], icc);
        assert!(
            cleaned
                .bytes
                .ends_with(&[0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9])
        );
    }

    #[test]
    fn an_upright_copy_keeps_everything_but_the_orientation() {
        let exif = jpeg_segment(0xE1, &[b"Exif\0\0".as_slice(), &camera_tiff()].concat()).unwrap();
        let icc = jpeg_segment(0xE2, b"ICC_PROFILE\0\x01\x01profile").unwrap();
        let cleaned = clean(&jpeg_with(&[exif, icc.clone()]));
        let upright = read_exif(&cleaned.upright.blocks[0][10..]).unwrap();
        assert_eq!(upright.orientation, None);
        assert_eq!(upright.artist.as_deref(), Some(b"Anna Foto".as_slice()));
        assert_eq!(cleaned.upright.blocks[1], icc);
        assert_eq!(cleaned.upright.blocks.len(), cleaned.kept.blocks.len());
    }

    #[test]
    fn variants_get_the_kept_blocks_after_the_jfif_header() {
        let kept = Kept {
            blocks: vec![vec![0xFF, 0xE1, 0, 3, 9]],
        };
        let jfif = jpeg_segment(0xE0, b"JFIF\0\x01\x01").unwrap();
        let encoded = jpeg_with(std::slice::from_ref(&jfif));
        let carried = carry(&kept, encoded);
        assert_eq!(&carried[2..2 + jfif.len()], jfif.as_slice());
        assert_eq!(
            &carried[2 + jfif.len()..2 + jfif.len() + 5],
            &[0xFF, 0xE1, 0, 3, 9]
        );
    }

    #[test]
    fn a_png_keeps_its_picture_and_author_and_loses_other_texts() {
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend(png_chunk(b"IHDR", &[0; 13]));
        png.extend(png_chunk(b"tEXt", b"Author\0Anna"));
        png.extend(png_chunk(b"tEXt", b"Comment\0Zuhause"));
        png.extend(png_chunk(b"eXIf", &camera_tiff()));
        png.extend(png_chunk(b"IDAT", b"pixels"));
        png.extend(png_chunk(b"IEND", b""));
        let cleaned = clean(&png);
        assert!(cleaned.had_location);
        let text = String::from_utf8_lossy(&cleaned.bytes);
        assert!(text.contains("Anna") && text.contains("pixels") && !text.contains("Zuhause"));
        assert!(!clean(&cleaned.bytes).had_location);
    }

    #[test]
    fn damaged_files_come_back_unchanged() {
        for bytes in [
            b"\xFF\xD8\xFF\xE1\xFF".to_vec(),
            // A segment whose length (0, 1) cannot even hold itself: this
            // panicked before it was checked.
            b"\xFF\xD8\xFF\xE1\x00\x00\xFF\xDA\x00".to_vec(),
            b"\xFF\xD8\xFF\xFE\x00\x01\x00\xFF\xD9".to_vec(),
            b"not an image".to_vec(),
            Vec::new(),
        ] {
            assert_eq!(clean(&bytes).bytes, bytes);
        }
    }
}
