//! The bytes of a [`Content`]: rendered, copied, a ZIP archive assembled
//! from its entries, or a share card drawn (`card.rs`).
//!
//! A ZIP archive is made here, by the writer, because its entries may be
//! files on disk (a press kit's photos) that render does not read. The
//! archive is the same for the same entries: entries in the order given,
//! every time stamp the format's earliest (1980-01-01 00:00), the same
//! permissions for every file, deflate at a fixed level.

use std::borrow::Cow;
use std::io::Write;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::card::Caches;
use crate::Error;
use crate::render::{Content, Crop, ZipEntry};

/// The bytes `content` stands for; a share card comes from `cards`, the
/// card cache, or is drawn.
pub fn bytes_of<'a>(content: &'a Content, cards: &Caches) -> Result<Cow<'a, [u8]>, Error> {
    Ok(match content {
        Content::Bytes(bytes) => Cow::Borrowed(bytes.as_slice()),
        Content::Copy(from) => Cow::Owned(std::fs::read(from).map_err(|e| Error::io(from, e))?),
        Content::Zip(entries) => Cow::Owned(archive(entries, cards)?),
        Content::Card(card) => super::card::bytes(card, cards)?,
        Content::Crop(crop) => Cow::Owned(share_crop(crop, cards)?),
    })
}

/// A photo's share crop, from the image cache or made now.
fn share_crop(crop: &Crop, caches: &Caches) -> Result<Vec<u8>, Error> {
    let failed = |what: String| Error::io(&crop.original, std::io::Error::other(what));
    let root = caches
        .root()?
        .ok_or_else(|| failed("there is no image cache to crop in".to_string()))?;
    crate::images::share_crop(root, &crop.original, &crop.digest).map_err(failed)
}

/// A ZIP archive of `entries`.
fn archive(entries: &[ZipEntry], cards: &Caches) -> Result<Vec<u8>, Error> {
    let mut writer = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let failed = |e: &dyn std::fmt::Display| {
        Error::io(
            std::path::Path::new("(zip)"),
            std::io::Error::other(e.to_string()),
        )
    };
    for entry in entries {
        let bytes = bytes_of(&entry.content, cards)?;
        // Photos are compressed already; deflating them again only costs time.
        let method = if is_compressed(&entry.name) {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .compression_level(if method == CompressionMethod::Deflated {
                Some(6)
            } else {
                None
            })
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644);
        writer
            .start_file(entry.name.as_str(), options)
            .map_err(|e| failed(&e))?;
        writer.write_all(&bytes).map_err(|e| failed(&e))?;
    }
    let cursor = writer.finish().map_err(|e| failed(&e))?;
    Ok(cursor.into_inner())
}

fn is_compressed(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".zip", ".pdf"]
        .iter()
        .any(|extension| name.ends_with(extension))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, text: &str) -> ZipEntry {
        ZipEntry {
            name: name.to_string(),
            content: Content::Bytes(text.as_bytes().to_vec()),
        }
    }

    #[test]
    fn the_same_entries_make_the_same_bytes() {
        let entries = vec![entry("a.txt", "Text"), entry("b.jpg", "not really")];
        let first = archive(&entries, &Caches::default()).unwrap();
        assert_eq!(first, archive(&entries, &Caches::default()).unwrap());
        let mut read = zip::ZipArchive::new(std::io::Cursor::new(first)).unwrap();
        assert_eq!(read.len(), 2);
        let names: Vec<&str> = read.file_names().collect();
        assert!(names.contains(&"a.txt") && names.contains(&"b.jpg"));
        assert_eq!(
            read.by_index(0).unwrap().last_modified(),
            Some(DateTime::default())
        );
    }
}
