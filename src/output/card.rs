//! Share cards: an SVG (the theme's `share-card.svg`, filled in by
//! render) drawn to PNG with resvg in the theme's own fonts.
//!
//! Drawing a card costs about 1.6 ms of CPU on this project's two-core
//! machine: laying out its text 0.5 ms, drawing 0.4 ms (its text from
//! glyphs drawn once, see [`super::glyphs`]; resvg alone took 2 ms),
//! finding its palette 0.45 ms and deflating 0.25 ms (see `encode`;
//! 4 ms in all before December 2026). A site has one card
//! per release without a photo: 20,000 cards were most of a fresh build of
//! 10,000 releases per language, and are still the largest part of it.
//! So drawn cards are kept in
//! `<root>/.kommhub-cache/cards/`, like the image variants: a fresh
//! output folder (a CI build) takes them from there instead of drawing
//! 10,000 cards again. A card's file is named by the SHA-256 of everything
//! it is drawn from (the filled-in SVG, which holds the title,
//! date, number and marks; the card's size; the fonts' names and bytes;
//! kommhub's version), and the PNG itself carries, in a text chunk, the
//! fingerprint of its drawing (the same without the version but with the
//! name of the way it is drawn, `DRAWING`, so a new version that draws
//! the same pixels publishes the same bytes). A cache
//! entry is used only when it is a regular file that carries the
//! expected fingerprint and whose every PNG chunk has its right checksum;
//! anything else (missing, damaged, foreign, unreadable) is drawn again
//! and the entry replaced. The cache is never required: when it cannot be
//! written the card is still drawn and published.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use resvg::{tiny_skia, usvg};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::render::share_card::{HEIGHT, WIDTH};
use crate::render::{Card, FontSet};

/// The PNG text keyword of the card's fingerprint.
const KEYWORD: &[u8] = b"kommhub-card";

/// The first bytes of every card's fingerprint, named for how a card is
/// drawn: a new way of drawing that moves pixels gets a new name, so its
/// cards never pass for the old ones.
const DRAWING: &[u8] = b"kommhub share card, glyphs drawn once\0";

/// Where drawn cards are kept between builds, relative to the site root.
pub const CACHE_DIR: &str = ".kommhub-cache/cards";

/// The caches below the site root that the writer uses for one write:
/// drawn cards (`.kommhub-cache/cards/`) and photos' share crops (the
/// image cache, [`crate::images::share_crop`]), and how many cards it drew
/// and took from the cache (a test can read both; see
/// [`super::WriteReport`]).
#[derive(Debug, Default)]
pub struct Caches {
    /// The site root; `None`: no caches (every card is drawn, no photo
    /// can be cropped).
    root: Option<PathBuf>,
    /// `.kommhub-cache` or a cache folder in it that is a symlink.
    linked: Option<PathBuf>,
    drawn: AtomicUsize,
    cached: AtomicUsize,
}

impl Caches {
    /// The caches below `root`. When `.kommhub-cache` or a folder in it
    /// is a symlink, every card or crop is refused with an error when it
    /// is made (kommhub writes through no links); the build fails then,
    /// after the content's own errors, which name the image cache too.
    pub fn in_root(root: &Path) -> Caches {
        let mut linked = None;
        for dir in [CACHE_DIR, crate::images::CACHE_DIR] {
            let mut folder = root.to_path_buf();
            for part in Path::new(dir).components() {
                folder.push(part);
                if linked.is_none() && super::refuse_link(&folder).is_err() {
                    linked = Some(folder.clone());
                }
            }
        }
        Caches {
            root: Some(root.to_path_buf()),
            linked,
            ..Caches::default()
        }
    }

    /// The site root the caches are in, unless a cache folder is a link.
    pub fn root(&self) -> Result<Option<&Path>, Error> {
        if let Some(link) = &self.linked {
            super::refuse_link(link)?;
        }
        Ok(self.root.as_deref())
    }

    /// Cards drawn so far.
    pub fn drawn(&self) -> usize {
        self.drawn.load(Ordering::Relaxed)
    }

    /// Cards taken from the cache so far.
    pub fn cached(&self) -> usize {
        self.cached.load(Ordering::Relaxed)
    }
}

/// The card's PNG: from the cache when it holds this card intact, else
/// drawn now (and put into the cache).
pub fn bytes<'a>(card: &Card, cards: &Caches) -> Result<Cow<'a, [u8]>, Error> {
    let key = Key::of(card);
    let entry = cards
        .root()?
        .map(|root| root.join(CACHE_DIR).join(format!("{}.png", key.name)));
    if let Some(png) = entry.as_deref().and_then(|path| cached(path, &key.print)) {
        cards.cached.fetch_add(1, Ordering::Relaxed);
        return Ok(Cow::Owned(png));
    }
    let png = draw(card, &key.print)?;
    cards.drawn.fetch_add(1, Ordering::Relaxed);
    if let Some(path) = entry {
        // A cache that cannot be written costs time, not correctness.
        let _ = keep(&path, &png);
    }
    Ok(Cow::Owned(png))
}

/// A card's two hashes.
struct Key {
    /// What the drawing depends on, carried in the PNG.
    print: String,
    /// The cache entry's name: `print` and the build of kommhub.
    name: String,
}

impl Key {
    fn of(card: &Card) -> Key {
        let mut hasher = Sha256::new();
        hasher.update(DRAWING);
        hasher.update(format!("{WIDTH}x{HEIGHT}\0"));
        hasher.update(fonts_digest(&card.fonts));
        hasher.update(card.svg.as_bytes());
        let print = hex(&hasher.finalize());
        let mut hasher = Sha256::new();
        hasher.update(print.as_bytes());
        // Another build of kommhub may draw the same card otherwise.
        match crate::own_binary::print() {
            Ok(binary) => hasher.update(binary.to_le_bytes()),
            Err(_) => hasher.update(env!("CARGO_PKG_VERSION").as_bytes()),
        }
        Key {
            name: hex(&hasher.finalize()),
            print,
        }
    }
}

/// The SHA-256 of the fonts' names and bytes, read once per font set: a
/// font changed under the same name is another card. By name, not path:
/// the same site in another folder makes the same card. An unreadable
/// file counts as empty (the card is drawn without it, too).
fn fonts_digest(fonts: &FontSet) -> &[u8; 32] {
    fonts.digest.get_or_init(|| {
        let mut hasher = Sha256::new();
        for file in &fonts.files {
            let name = file.file_name().unwrap_or_default();
            hasher.update(name.to_string_lossy().as_bytes());
            hasher.update([0]);
            let bytes = std::fs::read(file).unwrap_or_default();
            hasher.update((bytes.len() as u64).to_be_bytes());
            hasher.update(&bytes);
        }
        hasher.finalize().into()
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The cache entry at `path` when it is a regular file holding an intact
/// PNG marked with `print`.
fn cached(path: &Path, print: &str) -> Option<Vec<u8>> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let png = std::fs::read(path).ok()?;
    (marked(&png) == Some(print.as_bytes()) && intact(&png)).then_some(png)
}

/// Puts a drawn card into the cache under a temporary name first, so a
/// killed build never leaves half a card under a trusted name.
fn keep(path: &Path, png: &[u8]) -> std::io::Result<()> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let temporary = path.with_extension(format!(
        "tmp-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&temporary, png)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// Whether `png` is a PNG whose chunks all carry the right checksum and
/// end with `IEND` at the end of the file: a truncated or damaged entry
/// is not.
fn intact(png: &[u8]) -> bool {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    let Some(mut rest) = png.strip_prefix(SIGNATURE) else {
        return false;
    };
    loop {
        let Some(length) = rest.get(0..4).and_then(|b| b.try_into().ok()) else {
            return false;
        };
        let length = u32::from_be_bytes(length) as usize;
        let Some(stored) = rest.get(8 + length..12 + length) else {
            return false;
        };
        let mut crc = crc32fast::Hasher::new();
        crc.update(&rest[4..8 + length]);
        if crc.finalize().to_be_bytes() != stored {
            return false;
        }
        let kind = &rest[4..8];
        rest = &rest[12 + length..];
        if kind == b"IEND" {
            return rest.is_empty();
        }
    }
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
    let loaded = fonts
        .loaded
        .get_or_init(|| Arc::new(load_fonts(&fonts.files)));
    let options = usvg::Options {
        fontdb: loaded.clone(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&card.svg, &options)
        .map_err(|e| failed(&format!("the share card's SVG cannot be read: {e}")))?;
    let size = tree.size().to_int_size();
    let mut pixmap = canvas(size.width(), size.height())?;
    if Arc::ptr_eq(tree.fontdb(), loaded) {
        super::glyphs::render(&tree, &fonts.glyphs, &mut pixmap.as_mut());
    } else {
        // The glyphs drawn so far name fonts of the set's own database.
        resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    }
    let png = encode(&pixmap);
    CANVAS.set(Some(pixmap));
    let png = png.map_err(|e| failed(&format!("the share card cannot be encoded: {e}")))?;
    Ok(mark(png, print))
}

thread_local! {
    /// The last card's pixmap of this thread, cleared and drawn on again
    /// by the next card of its size: a new pixmap of 3 MB is new memory
    /// that the kernel has to clear page by page first.
    static CANVAS: std::cell::Cell<Option<tiny_skia::Pixmap>> = const { std::cell::Cell::new(None) };
}

/// A clear pixmap of `width` × `height`, this thread's last one if it fits.
fn canvas(width: u32, height: u32) -> Result<tiny_skia::Pixmap, Error> {
    match CANVAS.take() {
        Some(mut pixmap) if (pixmap.width(), pixmap.height()) == (width, height) => {
            pixmap.fill(tiny_skia::Color::TRANSPARENT);
            Ok(pixmap)
        }
        _ => tiny_skia::Pixmap::new(width, height)
            .ok_or_else(|| failed("the share card has no size")),
    }
}

/// The drawn card as PNG, quickly: a palette when the card is opaque and
/// has at most 256 colours, as the hub theme's cards have (flat colours
/// and the shades of their text's edges: 140–180 colours), each row
/// filtered with `Paeth` and deflated by fdeflate (the png crate's fastest
/// setting, made for filtered image rows). The palette is exact, not a
/// reduction: the pixels are the drawn ones. Other cards are stored as RGB
/// (opaque) or RGBA, filtered and deflated the same way. Measured on a
/// card with a three-line title: the palette takes 0.45 ms and shrinks
/// the card from about 67 kB to 35 kB; fdeflate after `Paeth` takes
/// 0.25 ms, against 0.95 ms for zlib's first level on unfiltered indices
/// (36 kB), 0.14 ms after `Up` (43 kB) and 0.3 ms trying each filter per
/// row (33 kB). tiny-skia's own encoder tries every filter per row at the
/// default level: about two fifths of a fresh 1,000-release build's CPU.
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let (data, color, palette) = match indexed(pixmap) {
        Some((indices, palette)) => (indices, png::ColorType::Indexed, Some(palette)),
        None => {
            let (data, color) = straight(pixmap);
            (data, color, None)
        }
    };
    let mut png = Vec::with_capacity(data.len() / 16);
    let mut encoder = png::Encoder::new(&mut png, pixmap.width(), pixmap.height());
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(png::DeflateCompression::FdeflateUltraFast);
    encoder.set_filter(png::Filter::Paeth);
    if let Some(palette) = palette {
        encoder.set_palette(palette);
    }
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&data)?;
    writer.finish()?;
    Ok(png)
}

/// The card as palette indices and the palette (RGB triples), when every
/// pixel is opaque and there are at most 256 colours. The card is read in
/// runs of one colour (a background's row is one run), and only a run's
/// first pixel looks its colour up.
fn indexed(pixmap: &tiny_skia::Pixmap) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut pixels = pixmap.pixels();
    let mut indices = Vec::with_capacity(pixels.len());
    let mut index: rustc_hash::FxHashMap<[u8; 3], u8> = rustc_hash::FxHashMap::default();
    let mut palette = Vec::new();
    while let Some(&colour) = pixels.first() {
        if colour.alpha() != u8::MAX {
            return None;
        }
        let run = pixels
            .iter()
            .position(|pixel| *pixel != colour)
            .unwrap_or(pixels.len());
        let rgb = [colour.red(), colour.green(), colour.blue()];
        let at = match index.get(&rgb) {
            Some(&at) => at,
            None => {
                let at = u8::try_from(index.len()).ok()?;
                index.insert(rgb, at);
                palette.extend_from_slice(&rgb);
                at
            }
        };
        indices.resize(indices.len() + run, at);
        pixels = &pixels[run..];
    }
    Some((indices, palette))
}

/// The card as RGB when every pixel is opaque (premultiplied and straight
/// colour are the same then), else as straight RGBA.
fn straight(pixmap: &tiny_skia::Pixmap) -> (Vec<u8>, png::ColorType) {
    let pixels = pixmap.pixels();
    if pixels.iter().all(|pixel| pixel.alpha() == u8::MAX) {
        let rgb = pixels
            .iter()
            .flat_map(|p| [p.red(), p.green(), p.blue()])
            .collect();
        return (rgb, png::ColorType::Rgb);
    }
    let rgba = pixels
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    (rgba, png::ColorType::Rgba)
}

/// The font files unpacked into one database; a file that cannot be
/// read or unpacked is left out (the card then falls back to another
/// font of the set).
pub(super) fn load_fonts(files: &[std::path::PathBuf]) -> usvg::fontdb::Database {
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

    fn card(fill: &str) -> Card {
        Card {
            svg: format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="63"><rect width="120" height="63" fill="{fill}"/></svg>"##
            ),
            fonts: Arc::default(),
        }
    }

    /// The one entry of the cache below `root`.
    fn entry(root: &Path) -> PathBuf {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(root.join(CACHE_DIR))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(entries.len(), 1, "{entries:?}");
        entries.remove(0)
    }

    #[test]
    fn a_card_is_drawn_once_and_then_taken_from_the_cache() {
        let root = tempfile::tempdir().unwrap();
        let card = card("#13294b");
        let cards = Caches::in_root(root.path());
        let drawn = bytes(&card, &cards).unwrap().into_owned();
        let decoded = image::load_from_memory(&drawn).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (120, 63));
        assert_eq!(marked(&drawn), Some(Key::of(&card).print.as_bytes()));
        assert!(intact(&drawn));
        let again = bytes(&card, &cards).unwrap().into_owned();
        assert_eq!(again, drawn);
        assert_eq!((cards.drawn(), cards.cached()), (1, 1));
        assert_eq!(std::fs::read(entry(root.path())).unwrap(), drawn);
    }

    #[test]
    fn a_damaged_or_foreign_entry_is_drawn_again() {
        let root = tempfile::tempdir().unwrap();
        let card = card("#13294b");
        let cards = Caches::in_root(root.path());
        let drawn = bytes(&card, &cards).unwrap().into_owned();
        let path = entry(root.path());
        // Cut short, a pixel byte changed, another card under its name,
        // not a PNG at all: each is drawn again and the entry replaced.
        let mut flipped = drawn.clone();
        let last = flipped.len() - 20;
        flipped[last] ^= 0x40;
        let other = bytes(&self::card("#ffffff"), &Caches::default())
            .unwrap()
            .into_owned();
        for (n, damage) in [
            drawn[..drawn.len() - 12].to_vec(),
            flipped,
            other,
            b"old".to_vec(),
        ]
        .into_iter()
        .enumerate()
        {
            std::fs::write(&path, &damage).unwrap();
            let cards = Caches::in_root(root.path());
            assert_eq!(bytes(&card, &cards).unwrap(), drawn, "damage {n}");
            assert_eq!(cards.drawn(), 1, "damage {n}");
            assert_eq!(std::fs::read(&path).unwrap(), drawn, "damage {n}");
        }
    }

    /// The pixels of `png` as RGBA, and its colour type.
    fn decoded(png: &[u8]) -> (Vec<u8>, png::ColorType) {
        let colour = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap()
            .info()
            .color_type;
        (
            image::load_from_memory(png).unwrap().to_rgba8().into_raw(),
            colour,
        )
    }

    #[test]
    fn a_palette_is_used_only_when_it_keeps_every_pixel() {
        // One colour: a palette. 600 colours: RGB. Both decode to exactly
        // the drawn pixels.
        let mut few = tiny_skia::Pixmap::new(40, 3).unwrap();
        few.fill(tiny_skia::Color::from_rgba8(19, 41, 75, 255));
        let mut many = tiny_skia::Pixmap::new(300, 2).unwrap();
        for (n, pixel) in many.pixels_mut().iter_mut().enumerate() {
            let [low, high, ..] = (n as u32).to_le_bytes();
            *pixel = tiny_skia::PremultipliedColorU8::from_rgba(low, high, 7, 255).unwrap();
        }
        // Runs of seven pixels in three colours, across the rows' ends.
        let mut striped = tiny_skia::Pixmap::new(40, 3).unwrap();
        for (n, pixel) in striped.pixels_mut().iter_mut().enumerate() {
            let shade = [19, 200, 90][n / 7 % 3];
            *pixel = tiny_skia::PremultipliedColorU8::from_rgba(shade, 41, 75, 255).unwrap();
        }
        for (pixmap, colour) in [
            (few, png::ColorType::Indexed),
            (striped, png::ColorType::Indexed),
            (many, png::ColorType::Rgb),
        ] {
            let (pixels, stored) = decoded(&encode(&pixmap).unwrap());
            assert_eq!(stored, colour);
            assert_eq!(pixels, pixmap.data());
        }
    }

    fn tree_is_empty(dir: &Path) -> bool {
        std::fs::read_dir(dir).unwrap().next().is_none()
    }

    #[test]
    fn a_linked_cache_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), root.path().join(".kommhub-cache")).unwrap();
        let caches = Caches::in_root(root.path());
        assert!(bytes(&card("#13294b"), &caches).is_err());
        assert!(tree_is_empty(elsewhere.path()));
    }
}
