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

/// Brotli's quality, 0–11. On the pages of a 1,000-release site (300
/// pages, 5.4 MB, on this two-core machine under load) quality 5 made
/// 24.4 % of the size at about 22 MB/s, quality 9 24.2 % at 1.8 MB/s and
/// quality 11 21.0 % at 0.3 MB/s. A fresh build of the 10,000-release
/// corpus compresses about 900 MB of pages and index: at quality 5 and
/// gzip's best level its write stage took 43 s of a 57 s build, so
/// quality 4 and gzip's default level (see [`gzip`]).
const BROTLI_QUALITY: u32 = 4;
/// Brotli's window: 2^22 bytes, more than any file of the site.
const BROTLI_WINDOW: u32 = 22;

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

/// `bytes` gzipped at the default level (the best level costs about
/// three times the time for a percent or two), with neither time nor
/// name in the header.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// `bytes` compressed with brotli.
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    {
        let mut writer =
            brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, BROTLI_WINDOW);
        // Writing into a Vec cannot fail.
        let _ = writer.write_all(bytes);
    }
    out
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
}
