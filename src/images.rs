//! Responsive variants of raster images in page bundles.
//!
//! For every JPEG or PNG asset we read its size from the header and make
//! narrower copies (480, 960 and 1440 pixels wide, never wider than the
//! original). The original and its variants are published without the
//! metadata that reveals more than the picture (GPS, serial numbers; see
//! [`crate::image_metadata`]): a cleaned original is written to the cache
//! beside the variants, which carry the kept metadata too. Encoding is slow, so variants are cached in
//! `<root>/.kommhub-cache/images/`, keyed by the SHA-256 of the original's
//! bytes and the width: an unchanged image is never encoded twice. This
//! stage reads and writes the disk; the model only gets [`ImageInfo`]s.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use image::ImageReader;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::diagnostics::{Code, Diagnostic};
use crate::image_metadata;
use crate::source::AssetFile;

/// Widths of the generated variants, in pixels.
pub const WIDTHS: [u32; 3] = [480, 960, 1440];

/// Where variants are kept between builds, relative to the site root.
pub const CACHE_DIR: &str = ".kommhub-cache/images";

/// An original image and its variants.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageInfo {
    pub width: u32,
    pub height: u32,
    /// Size of the original file.
    pub bytes: u64,
    /// "JPEG" or "PNG", for the download link.
    pub format: &'static str,
    /// Narrowest first.
    pub variants: Vec<Variant>,
    /// The file published as the original (and put in press kits): the
    /// source itself, or its copy without revealing metadata in the cache
    /// (see [`crate::image_metadata`]).
    pub original: PathBuf,
    /// The source file, relative to the site root, for messages.
    pub source: PathBuf,
    /// The SHA-256 of the source's bytes: a changed photo is a changed
    /// image to `serve`, also when it has no variants.
    pub digest: String,
    /// The source names the GPS position where it was taken.
    pub had_location: bool,
}

/// One narrower copy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    /// The cached file to publish.
    pub file: PathBuf,
}

/// `foto.jpg` → `foto-480w.jpg`: the published name of a variant.
pub fn variant_name(name: &str, width: u32) -> String {
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}-{width}w.{extension}"),
        None => format!("{name}-{width}w"),
    }
}

/// Whether variants are encoded into the cache (`build`, `serve`) or only
/// planned from the originals' sizes (`check`, which writes nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variants {
    Make,
    Plan,
}

/// Images by absolute source path, plus how many variants were encoded
/// in this run and how many came from the cache.
#[derive(Debug, Default)]
pub struct Images {
    pub by_source: HashMap<PathBuf, ImageInfo>,
    pub encoded: usize,
    pub cached: usize,
}

/// Prepares every raster image among `assets`.
pub fn prepare(root: &Path, assets: &[AssetFile], mode: Variants) -> (Images, Vec<Diagnostic>) {
    let mut sources: Vec<&AssetFile> = assets
        .iter()
        .filter(|a| format_of(&a.absolute).is_some())
        .collect();
    sources.sort_by(|a, b| a.absolute.cmp(&b.absolute));
    sources.dedup_by(|a, b| a.absolute == b.absolute);
    let cache = root.join(CACHE_DIR);
    if mode == Variants::Make && !sources.is_empty() {
        if let Err(problem) = cache_is_real(root) {
            return (Images::default(), vec![problem]);
        }
    }
    let encoded = AtomicUsize::new(0);
    let cached = AtomicUsize::new(0);
    let results: Vec<Result<(PathBuf, ImageInfo), Diagnostic>> = sources
        .par_iter()
        .map(|asset| {
            let counts = Counts {
                mode,
                encoded: &encoded,
                cached: &cached,
            };
            prepare_one(asset, &cache, counts).map(|info| (asset.absolute.clone(), info))
        })
        .collect();
    let mut images = Images::default();
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok((path, info)) => {
                images.by_source.insert(path, info);
            }
            Err(problem) => problems.push(problem),
        }
    }
    images.encoded = encoded.into_inner();
    images.cached = cached.into_inner();
    (images, problems)
}

/// The cache folder and its parent are kommhub's own: a symlink there
/// would make the build write variants wherever it points.
fn cache_is_real(root: &Path) -> Result<(), Diagnostic> {
    let mut folder = root.to_path_buf();
    for part in Path::new(CACHE_DIR).components() {
        folder.push(part);
        crate::output::refuse_link(&folder).map_err(|error| {
            let relative = folder.strip_prefix(root).unwrap_or(&folder);
            Diagnostic::error(
                Code::ImageCache,
                relative,
                "the image cache is a symlink, and kommhub does not write through links",
                error.help().unwrap_or("remove the link"),
            )
        })?;
    }
    Ok(())
}

/// How variants are handled, and the counters of what was done.
#[derive(Clone, Copy)]
struct Counts<'a> {
    mode: Variants,
    encoded: &'a AtomicUsize,
    cached: &'a AtomicUsize,
}

/// The format name of a JPEG or PNG file, by its extension.
fn format_of(path: &Path) -> Option<&'static str> {
    let extension = path.extension()?.to_string_lossy().to_ascii_lowercase();
    match extension.as_str() {
        "jpg" | "jpeg" => Some("JPEG"),
        "png" => Some("PNG"),
        _ => None,
    }
}

/// Reads one image's size and plans (or, for a build, makes) its
/// variants.
fn prepare_one(asset: &AssetFile, cache: &Path, counts: Counts) -> Result<ImageInfo, Diagnostic> {
    let bytes = std::fs::read(&asset.absolute).map_err(|e| unreadable(asset, e))?;
    let format = format_of(&asset.absolute).unwrap_or("JPEG");
    let reader = ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| unreadable(asset, e))?;
    let (width, height) = reader.into_dimensions().map_err(|e| unreadable(asset, e))?;
    let digest = hex(&Sha256::digest(&bytes));
    let extension = asset
        .absolute
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let cleaned = image_metadata::clean(&bytes);
    let original = if cleaned.bytes == bytes {
        asset.absolute.clone()
    } else {
        cache.join(format!("{digest}-original.{extension}"))
    };
    if counts.mode == Variants::Make && original != asset.absolute && !original.exists() {
        write_atomically(&original, &cleaned.bytes)
            .map_err(|e| cache_failure(asset, &original, &e))?;
    }
    let mut variants = Vec::new();
    let mut decoded: Option<image::DynamicImage> = None;
    for target in WIDTHS.into_iter().filter(|w| *w < width) {
        let variant = Variant {
            width: target,
            height: scaled_height(width, height, target),
            // `-clean`: variants carry the original's kept metadata since
            // issue 19; older cached ones (without any) are not reused.
            file: cache.join(format!("{digest}-{target}-clean.{extension}")),
        };
        // `check` (Plan) needs the variant's name and size, not its pixels.
        if counts.mode == Variants::Make {
            let source = Source {
                asset,
                bytes: &bytes,
                kept: &cleaned.kept,
            };
            make_variant(&source, &mut decoded, &variant, counts)?;
        }
        variants.push(variant);
    }
    Ok(ImageInfo {
        width,
        height,
        bytes: cleaned.bytes.len() as u64,
        format,
        variants,
        original,
        source: asset.path.clone(),
        digest,
        had_location: cleaned.had_location,
    })
}

/// An image being prepared: its file, bytes and the metadata its
/// variants keep.
struct Source<'a> {
    asset: &'a AssetFile,
    bytes: &'a [u8],
    kept: &'a image_metadata::Kept,
}

/// The error for a file of the cache that could not be written.
fn cache_failure(asset: &AssetFile, file: &Path, error: &str) -> Diagnostic {
    Diagnostic::error(
        Code::ImageCache,
        &asset.path,
        format!(
            "a copy of this image could not be written to {}: {error}",
            file.display()
        ),
        "check that the site folder is writable",
    )
}

/// The error for an image that cannot be read or decoded.
fn unreadable(asset: &AssetFile, what: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        Code::ImageUnreadable,
        &asset.path,
        format!("this image cannot be read: {what}"),
        "save it again as JPEG or PNG; the file may be damaged or have the wrong extension",
    )
}

/// The height of a `target` pixels wide copy of a `width` × `height`
/// image, rounded, at least 1.
fn scaled_height(width: u32, height: u32, target: u32) -> u32 {
    ((u64::from(height) * u64::from(target) + u64::from(width) / 2) / u64::from(width)).max(1)
        as u32
}

/// Reuses the variant's cached file, else decodes the image (once for
/// all its variants) and writes it; counts which it was.
fn make_variant(
    source: &Source,
    decoded: &mut Option<image::DynamicImage>,
    variant: &Variant,
    counts: Counts,
) -> Result<(), Diagnostic> {
    let file = &variant.file;
    if file.exists() {
        counts.cached.fetch_add(1, Ordering::Relaxed);
        return Ok(());
    }
    if decoded.is_none() {
        *decoded =
            Some(image::load_from_memory(source.bytes).map_err(|e| unreadable(source.asset, e))?);
    }
    if let Some(image) = decoded {
        let encoded = encode_variant(image, variant.width, variant.height, file)
            .map_err(|e| cache_failure(source.asset, file, &e))?;
        let bytes = image_metadata::carry(source.kept, encoded);
        write_atomically(file, &bytes).map_err(|e| cache_failure(source.asset, file, &e))?;
    }
    counts.encoded.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

/// The bytes of a `width` × `height` copy, in the format `file`'s
/// extension names.
fn encode_variant(
    image: &image::DynamicImage,
    width: u32,
    height: u32,
    file: &Path,
) -> Result<Vec<u8>, String> {
    let resized = image.resize_exact(width, height, image::imageops::FilterType::Lanczos3);
    let format = image::ImageFormat::from_path(file).map_err(|e| e.to_string())?;
    let resized = match format {
        image::ImageFormat::Jpeg => image::DynamicImage::ImageRgb8(resized.to_rgb8()),
        _ => resized,
    };
    let mut bytes = Vec::new();
    resized
        .write_to(&mut std::io::Cursor::new(&mut bytes), format)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Writes through a temporary name, so an interrupted build never leaves
/// a half-written file that a later build would trust. The name is the
/// writer's own, also between threads: both languages of a release may
/// make the same share crop at once.
fn write_atomically(file: &Path, bytes: &[u8]) -> Result<(), String> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    if let Some(folder) = file.parent() {
        std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
    }
    let temporary = file.with_extension(format!(
        "tmp-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&temporary, bytes).map_err(|e| e.to_string())?;
    std::fs::rename(&temporary, file).map_err(|e| e.to_string())
}

/// The size of a release's share image, what link previews ask for
/// (1.91 : 1).
pub const SHARE_WIDTH: u32 = 1200;
pub const SHARE_HEIGHT: u32 = 630;

/// `foto.jpg` → `foto-1200x630.jpg`: the published name of a photo's
/// share crop.
pub fn share_name(name: &str) -> String {
    let size = format!("{SHARE_WIDTH}x{SHARE_HEIGHT}");
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}-{size}.{extension}"),
        None => format!("{name}-{size}"),
    }
}

/// The largest box of the share image's proportions in the middle of a
/// `width` × `height` picture: left, top, width, height.
fn share_box(width: u32, height: u32) -> (u32, u32, u32, u32) {
    let (w, h) = (u64::from(width), u64::from(height));
    let (sw, sh) = (u64::from(SHARE_WIDTH), u64::from(SHARE_HEIGHT));
    let (cw, ch) = if w * sh > h * sw {
        ((h * sw + sh / 2) / sh, h)
    } else {
        (w, (w * sh + sw / 2) / sw)
    };
    let (cw, ch) = (cw.clamp(1, w.max(1)), ch.clamp(1, h.max(1)));
    let narrow = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    (
        narrow((w - cw) / 2),
        narrow((h - ch) / 2),
        narrow(cw),
        narrow(ch),
    )
}

/// Whether a photo of `width` × `height` pixels (as stored) is shared as
/// its own crop: the box cut from its middle is at least half the share
/// size each way, so it is enlarged at most twofold. A smaller photo
/// would be a blur, and the release is shared with its card instead.
pub fn shares_well(width: u32, height: u32) -> bool {
    let (_, _, w, h) = share_box(width, height);
    w >= SHARE_WIDTH / 2 && h >= SHARE_HEIGHT / 2
}

/// The share crop of a published photo (`original`, whose source has the
/// SHA-256 `digest`): the middle of the picture in the share image's
/// proportions, turned upright and scaled to 1200 × 630, in the photo's
/// format, with the metadata the other variants keep (less the
/// orientation, which its pixels have taken in). Kept in the image cache
/// below `root` and made only when the cache lacks it.
pub fn share_crop(root: &Path, original: &Path, digest: &str) -> Result<Vec<u8>, String> {
    let extension = original
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let cached = root.join(CACHE_DIR).join(format!(
        "{digest}-share-{SHARE_WIDTH}x{SHARE_HEIGHT}.{extension}"
    ));
    if let Ok(bytes) = std::fs::read(&cached) {
        return Ok(bytes);
    }
    let bytes = std::fs::read(original).map_err(|e| format!("{}: {e}", original.display()))?;
    let upright = upright_image(&bytes)?;
    let (left, top, width, height) = share_box(upright.width(), upright.height());
    let cropped = upright.crop_imm(left, top, width, height);
    let encoded = encode_variant(&cropped, SHARE_WIDTH, SHARE_HEIGHT, &cached)?;
    let bytes = image_metadata::carry(&image_metadata::clean(&bytes).upright, encoded);
    write_atomically(&cached, &bytes)?;
    Ok(bytes)
}

/// The picture of an image file as it is meant to be seen: turned by its
/// EXIF orientation.
fn upright_image(bytes: &[u8]) -> Result<image::DynamicImage, String> {
    use image::ImageDecoder;
    let mut decoder = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?
        .into_decoder()
        .map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().map_err(|e| e.to_string())?;
    let mut picture = image::DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    picture.apply_orientation(orientation);
    Ok(picture)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_box_is_the_middle_in_1200_to_630() {
        assert_eq!(share_box(2400, 630), (600, 0, 1200, 630));
        assert_eq!(share_box(2000, 2000), (0, 475, 2000, 1050));
        assert_eq!(share_box(1200, 630), (0, 0, 1200, 630));
        assert!(shares_well(1200, 630) && shares_well(600, 315));
        assert!(!shares_well(500, 300), "enlarged more than twofold");
        assert!(!shares_well(2000, 200));
        assert_eq!(share_name("foto.jpg"), "foto-1200x630.jpg");
    }

    #[test]
    fn variant_names_keep_the_extension() {
        assert_eq!(variant_name("foto.jpg", 480), "foto-480w.jpg");
        assert_eq!(variant_name("a.b.png", 960), "a.b-960w.png");
    }
}
