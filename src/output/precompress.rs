//! `name.gz` and `name.br` beside every text file of a build above
//! [`THRESHOLD`], so a web server can send them as they are (nginx's
//! `gzip_static` and `brotli_static`, see deploy/nginx/) instead of
//! compressing every response again, and can use brotli's best levels,
//! which are too slow to run per request.
//!
//! Only `build` writes them: `serve`'s preview answers on the same
//! machine, where compression saves nothing. Both encodings are
//! deterministic: gzip's header carries no time and no file name, so the
//! same input gives the same bytes.

use std::io::Write as _;

/// Files at least this large are compressed; below, the headers of a
/// second request cost more than compression saves.
pub const THRESHOLD: usize = 1024;

/// Brotli's quality, 0–11. Measured on 3,000 pages of the
/// 10,000-release corpus (58 MB, this two-core machine; issue 17): quality
/// 3 makes 27.4 % of the size at about 95 MB/s, quality 4 26.1 % at
/// 70 MB/s, quality 5 24.8 % at 45 MB/s (quality 9 and 11 are slower by
/// ten and a hundred times). A fresh build of that corpus compresses about
/// 900 MB of pages and index, and compressing was two thirds of its CPU
/// time at quality 4 with a 4 MiB window and gzip's default level: brotli
/// alone took 38 %. Quality 3 saves a third of that for 5 % more bytes.
const BROTLI_QUALITY: u32 = 3;
/// Brotli's window is at most 2^22 bytes, more than any page of the site.
const BROTLI_MAX_WINDOW: u32 = 22;

/// The file name extensions of text the site writes.
const TEXT: [&str; 12] = [
    "html",
    "css",
    "js",
    "mjs",
    "json",
    "xml",
    "csv",
    "ics",
    "svg",
    "txt",
    "vcf",
    "webmanifest",
];

/// Whether a file published at `path` with `len` bytes gets siblings.
pub fn wants(path: &str, len: usize) -> bool {
    let extension = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    len >= THRESHOLD && extension.is_some_and(|ext| TEXT.contains(&ext.as_str()))
}

/// What a file's name gets for its siblings, gzip's and brotli's.
pub const SUFFIXES: [&str; 2] = [".gz", ".br"];

/// `bytes` gzipped at the fastest level, with neither time nor name in
/// the header. Every browser of the last years asks for brotli, so the
/// gzip sibling serves only old clients and tools; nginx's own gzip
/// would send them level 1 too. Level 1 made 36 % of the pages' size at
/// 300 MB/s, the default level (6) 26.5 % at 120 MB/s (same sample as
/// `BROTLI_QUALITY`).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// `bytes` compressed with brotli.
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    {
        let mut writer =
            brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, window(bytes.len()));
        // Writing into a Vec cannot fail.
        let _ = writer.write_all(bytes);
    }
    out
}

/// Brotli's window for `len` bytes: the smallest that holds them
/// (between 2^10 and 2^22 bytes). The encoder clears tables the size of
/// its window for every file, which made quality 3 twice as slow on
/// pages of 20 kB with a 4 MiB window.
fn window(len: usize) -> u32 {
    let bits = usize::BITS - len.saturating_sub(1).leading_zeros();
    bits.clamp(10, BROTLI_MAX_WINDOW)
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    #[test]
    fn text_above_the_threshold_only() {
        assert!(wants("index.html", THRESHOLD));
        assert!(wants("a/b.XML", 5000));
        assert!(wants("standards.csv", 2000) && wants("dates.ics", 2000));
        assert!(!wants("index.html", THRESHOLD - 1));
        assert!(!wants("fonts/a.woff2", 50_000));
        assert!(!wants("bild.jpg", 50_000));
        assert!(!wants("redirects.map", 50_000));
    }

    #[test]
    fn both_encodings_give_back_the_text_and_repeat_exactly() {
        let text = "<p>Kooperation der Zweckverbände</p>\n".repeat(200);
        let gz = gzip(text.as_bytes());
        // No time (bytes 4–7) and no name flag (bit 3 of byte 3).
        assert_eq!(&gz[4..8], &[0, 0, 0, 0]);
        assert_eq!(gz[3] & 0b1000, 0);
        assert_eq!(gz, gzip(text.as_bytes()));
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);

        let br = brotli(text.as_bytes());
        assert!(br.len() < text.len() / 10);
        assert_eq!(br, brotli(text.as_bytes()));
        let mut back = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
    }

    #[test]
    fn the_window_holds_the_file_within_brotlis_limits() {
        assert_eq!([window(0), window(1024), window(1025)], [10, 10, 11]);
        assert_eq!([window(20_000), window(1 << 22)], [15, 22]);
        assert_eq!(window(usize::MAX), 22);
        // Larger than the largest window: still whole.
        let text: Vec<u8> = (0..(5u32 << 20))
            .map(|n| (n.wrapping_mul(2_654_435_761) >> 27) as u8 + b'a')
            .collect();
        let mut back = Vec::new();
        brotli::Decompressor::new(&brotli(&text)[..], 4096)
            .read_to_end(&mut back)
            .unwrap();
        assert!(back == text);
    }
}
