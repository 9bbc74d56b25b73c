//! Share cards: an SVG (the theme's `share-card.svg`, filled in by
//! render) drawn to PNG with resvg in the theme's own fonts.
//!
//! Drawing a card takes far longer than writing it, and a site has a card
//! per release, so the PNG carries a text chunk with the SHA-256 of what
//! it was drawn from (the SVG and the font files' names; a font changed
//! under the same name is not noticed): when the file
//! the output folder already holds names the same, it is kept and nothing
//! is drawn. The staging folder keeps the previous build, so a build
//! draws only the cards whose release changed.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use resvg::{tiny_skia, usvg};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::render::Card;

/// The PNG text keyword of the card's fingerprint.
const KEYWORD: &[u8] = b"kommhub-card";

/// The card's PNG: the one at `existing` when it was drawn from the same
/// SVG and fonts, else drawn now.
pub fn bytes<'a>(card: &Card, existing: Option<&Path>) -> Result<Cow<'a, [u8]>, Error> {
    let print = fingerprint(card);
    if let Some(old) = existing.and_then(|path| std::fs::read(path).ok()) {
        if marked(&old).is_some_and(|mark| mark == print.as_bytes()) {
            return Ok(Cow::Owned(old));
        }
    }
    draw(card, &print).map(Cow::Owned)
}

fn fingerprint(card: &Card) -> String {
    let mut hasher = Sha256::new();
    hasher.update(card.svg.as_bytes());
    // By name, not path: the same site in another folder makes the same
    // card, byte for byte.
    for font in &card.fonts.files {
        let name = font.file_name().unwrap_or_default();
        hasher.update(name.to_string_lossy().as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn failed(what: &str) -> Error {
    Error::io(
        Path::new("(share card)"),
        std::io::Error::other(what.to_string()),
    )
}

/// Draws the card and marks it with `print`.
fn draw(card: &Card, print: &str) -> Result<Vec<u8>, Error> {
    let fonts = &card.fonts;
    let options = usvg::Options {
        fontdb: fonts
            .loaded
            .get_or_init(|| Arc::new(load_fonts(&fonts.files)))
            .clone(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&card.svg, &options)
        .map_err(|e| failed(&format!("the share card's SVG cannot be read: {e}")))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| failed("the share card has no size"))?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    let png =
        encode(&pixmap).map_err(|e| failed(&format!("the share card cannot be encoded: {e}")))?;
    Ok(mark(png, print))
}

/// The font files unpacked into one database; a file that cannot be
/// read or unpacked is left out (the card then falls back to another
/// font of the set).
/// The drawn card as PNG, quickly: deflate's first level and one filter
/// for every row, without an alpha channel when every pixel is opaque, as
/// a card's background makes it. tiny-skia's own encoder tries every
/// filter per row at the default level: about two fifths of a fresh
/// 1,000-release build's CPU (perf), for cards of about 30 kB. Level 1
/// makes about 50 kB at half of level 6's time (the corpus's cards
/// re-encoded with zlib; fdeflate's fast mode made 100–120 kB).
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, image::ImageError> {
    use image::ImageEncoder as _;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let pixels = pixmap.pixels();
    let opaque = pixels.iter().all(|pixel| pixel.alpha() == u8::MAX);
    let (data, color) = match opaque {
        // Premultiplied and straight colour are the same when opaque.
        true => (
            pixels
                .iter()
                .flat_map(|p| [p.red(), p.green(), p.blue()])
                .collect::<Vec<u8>>(),
            image::ExtendedColorType::Rgb8,
        ),
        false => (
            pixels
                .iter()
                .flat_map(|p| {
                    let c = p.demultiply();
                    [c.red(), c.green(), c.blue(), c.alpha()]
                })
                .collect(),
            image::ExtendedColorType::Rgba8,
        ),
    };
    let mut png = Vec::with_capacity(data.len() / 8);
    let encoder =
        PngEncoder::new_with_quality(&mut png, CompressionType::Level(1), FilterType::Sub);
    encoder.write_image(&data, pixmap.width(), pixmap.height(), color)?;
    Ok(png)
}

fn load_fonts(files: &[std::path::PathBuf]) -> usvg::fontdb::Database {
    let mut fonts = usvg::fontdb::Database::new();
    for file in files {
        let Ok(data) = std::fs::read(file) else {
            continue;
        };
        let name = file.to_string_lossy().to_ascii_lowercase();
        let unpacked = if name.ends_with(".woff2") {
            wuff::decompress_woff2(&data).ok()
        } else if name.ends_with(".woff") {
            wuff::decompress_woff1(&data).ok()
        } else {
            Some(data)
        };
        if let Some(font) = unpacked {
            fonts.load_font_data(font);
        }
    }
    fonts
}

/// `png` with a `tEXt` chunk `kommhub-card: print` after its header.
fn mark(png: Vec<u8>, print: &str) -> Vec<u8> {
    let mut data = KEYWORD.to_vec();
    data.push(0);
    data.extend_from_slice(print.as_bytes());
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(b"tEXt");
    chunk.extend_from_slice(&data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(b"tEXt");
    crc.update(&data);
    chunk.extend_from_slice(&crc.finalize().to_be_bytes());
    // Signature (8) and IHDR (4 + 4 + 13 + 4).
    let at = 33.min(png.len());
    [&png[..at], &chunk, &png[at..]].concat()
}

/// The fingerprint a card PNG carries, if any.
fn marked(png: &[u8]) -> Option<&[u8]> {
    let chunk = png.get(33..)?;
    let length = u32::from_be_bytes(chunk.get(0..4)?.try_into().ok()?) as usize;
    if chunk.get(4..8)? != b"tEXt" {
        return None;
    }
    let data = chunk.get(8..8 + length)?;
    data.strip_prefix(KEYWORD)?.strip_prefix(&[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_is_drawn_once_and_then_recognised() {
        let card = Card {
            svg: r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="63"><rect width="120" height="63" fill="#13294b"/></svg>"##.to_string(),
            fonts: Arc::default(),
        };
        let drawn = bytes(&card, None).unwrap().into_owned();
        let decoded = image::load_from_memory(&drawn).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (120, 63));
        assert_eq!(marked(&drawn), Some(fingerprint(&card).as_bytes()));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("card.png");
        // A file drawn from something else is drawn again.
        std::fs::write(&path, b"old").unwrap();
        assert_eq!(bytes(&card, Some(&path)).unwrap(), drawn);
        std::fs::write(&path, &drawn).unwrap();
        assert_eq!(bytes(&card, Some(&path)).unwrap(), drawn);
    }
}
