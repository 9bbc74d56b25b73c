//! The build cache: what `kommhub build` keeps between builds in
//! `<root>/.kommhub-cache/build/`, so that the next build renders only the
//! output units whose inputs changed and keeps the files of the others.
//!
//! A cache file holds the engine's memory of the last build (per unit:
//! the inputs it read, each with its version, the files it made and its
//! warnings; see `memory.rs`), the files of the search index, and a
//! [`Stamp`] of everything a version does not cover: kommhub's own binary,
//! the site and output folders, site.yaml with the build's options, the
//! theme settings, and the identity of the output folder the build
//! published. A cache is used only when all of it matches; anything else
//! (missing, unreadable, written by another binary, for another folder,
//! after another site.yaml, or an output folder that is not the one that
//! build published) is ignored with a one-line note, and the build renders
//! everything. The file is written whole under a temporary name and
//! renamed, and only after the new site was swapped in, so a build killed
//! at any moment leaves a cache that either describes the published site
//! or is refused (the output folder's identity no longer matches).
//!
//! One cache file per output folder, named by a fingerprint of its path:
//! a preview build into another folder keeps its own.

use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::BuildOptions;
use super::memory::{Memory, Stored};
use crate::render::theme::ThemeSettings;
use crate::site_path::SitePath;

/// The folder below the site root.
pub const DIR: &str = ".kommhub-cache/build";

/// Raised when the file's layout changes.
const FORMAT: u32 = 1;

/// What must be the same for a cache to describe this build's inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    format: u32,
    /// kommhub's version and a fingerprint of its executable: another
    /// build of kommhub may render the same inputs differently.
    kommhub: String,
    binary: u64,
    root: PathBuf,
    output: PathBuf,
    /// site.yaml's text and the options that change what it says.
    config: u64,
    /// `--drafts`, `--future`, `--expired`.
    publication: (bool, bool, bool),
}

/// One cache file.
#[derive(Serialize, Deserialize)]
struct CacheFile {
    stamp: Stamp,
    settings: ThemeSettings,
    /// Device and inode of the output folder the build published.
    published: (u64, u64),
    search: Vec<SitePath>,
    memory: Stored,
}

/// A [`CacheFile`] as a build writes it: the same fields, borrowed, so
/// saving copies nothing.
#[derive(Serialize)]
struct SavedFile<'a> {
    stamp: &'a Stamp,
    settings: &'a ThemeSettings,
    published: (u64, u64),
    search: &'a [SitePath],
    memory: &'a Stored,
}

/// What a usable cache gives the next build.
pub struct Resumed {
    pub memory: Memory,
    pub settings: ThemeSettings,
    /// The search index's files in the published site.
    pub search: Vec<SitePath>,
}

/// The cache of one output folder.
pub struct Cache {
    file: PathBuf,
    stamp: Stamp,
}

impl Cache {
    /// The cache for `options`' site and output folder; `None` (with the
    /// reason) when kommhub cannot say what it would be stamped with.
    pub fn of(options: &BuildOptions, config_text: &str) -> Result<Cache, String> {
        let root = std::fs::canonicalize(&options.root)
            .map_err(|e| format!("the site folder cannot be resolved: {e}"))?;
        let output = absolute(&options.output_dir())?;
        let binary = crate::own_binary::print()?;
        let mut config = config_text.to_string();
        config.push('\0');
        config.push_str(options.base_url.as_ref().map_or("", |url| url.as_str()));
        config.push(if options.noindex { '1' } else { '0' });
        let publication = &options.publication;
        let name = format!(
            "{:016x}.json",
            super::fingerprint(output.as_os_str().as_encoded_bytes())
        );
        Ok(Cache {
            file: root.join(DIR).join(name),
            stamp: Stamp {
                format: FORMAT,
                kommhub: env!("CARGO_PKG_VERSION").to_string(),
                binary,
                root,
                output,
                config: super::fingerprint(config.as_bytes()),
                publication: (publication.drafts, publication.future, publication.expired),
            },
        })
    }

    /// The cache's file, relative to the site root, for notes.
    pub fn shown(&self) -> String {
        self.file
            .strip_prefix(&self.stamp.root)
            .unwrap_or(&self.file)
            .display()
            .to_string()
    }

    /// What the last build into this output folder left, or why it cannot
    /// be used.
    pub fn load(&self) -> Result<Resumed, String> {
        let text = match std::fs::read(&self.file) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err("there is no build cache for this output folder yet".to_string());
            }
            Err(e) => return Err(format!("the build cache cannot be read: {e}")),
        };
        let cached: CacheFile = serde_json::from_slice(&text)
            .map_err(|e| format!("the build cache is damaged ({e})"))?;
        self.usable(&cached.stamp)?;
        if identity(&self.stamp.output) != Some(cached.published) {
            return Err("the output folder is not the one the last build published".to_string());
        }
        Ok(Resumed {
            memory: Memory::from_stored(cached.memory)
                .map_err(|e| format!("the build cache is damaged ({e})"))?,
            settings: cached.settings,
            search: cached.search,
        })
    }

    /// Why a cache stamped `cached` does not describe this build.
    fn usable(&self, cached: &Stamp) -> Result<(), String> {
        let now = &self.stamp;
        if cached.format != now.format
            || cached.kommhub != now.kommhub
            || cached.binary != now.binary
        {
            return Err("the build cache was written by another build of kommhub".to_string());
        }
        if cached.root != now.root || cached.output != now.output {
            return Err("the build cache belongs to another site or output folder".to_string());
        }
        if cached.config != now.config || cached.publication != now.publication {
            return Err(
                "site.yaml or the build's options changed since the last build".to_string(),
            );
        }
        Ok(())
    }

    /// Keeps what this build rendered, after its site was published.
    pub fn save(
        &self,
        memory: &Stored,
        settings: &ThemeSettings,
        search: &[SitePath],
    ) -> Result<(), String> {
        let published = identity(&self.stamp.output)
            .ok_or("the output folder cannot be found after the build")?;
        let cached = SavedFile {
            stamp: &self.stamp,
            settings,
            published,
            search,
            memory,
        };
        let folder = self.file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        let mut partial = self.file.clone().into_os_string();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let failed = |e: &dyn std::fmt::Display| format!("{}: {e}", partial.display());
        // Written as it is serialised: at 100,000 releases the text is
        // hundreds of megabytes.
        let file = std::fs::File::create(&partial).map_err(|e| failed(&e))?;
        let mut writer = std::io::BufWriter::new(file);
        serde_json::to_writer(&mut writer, &cached).map_err(|e| failed(&e))?;
        std::io::Write::flush(&mut writer).map_err(|e| failed(&e))?;
        std::fs::rename(&partial, &self.file).map_err(|e| format!("{}: {e}", self.file.display()))
    }

    /// Removes the cache file, so no later build trusts it (a build that
    /// published without one, or failed to write it).
    pub fn forget(&self) {
        let _ = std::fs::remove_file(&self.file);
    }
}

/// `path` made absolute, its parent resolved (the folder itself may not
/// exist yet).
fn absolute(path: &Path) -> Result<PathBuf, String> {
    let absolute = std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))?;
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => match std::fs::canonicalize(parent) {
            Ok(parent) => Ok(parent.join(name)),
            Err(_) => Ok(absolute),
        },
        _ => Ok(absolute),
    }
}

/// Device and inode of `folder` (not following a symlink there).
fn identity(folder: &Path) -> Option<(u64, u64)> {
    let meta = std::fs::symlink_metadata(folder).ok()?;
    meta.is_dir().then(|| (meta.dev(), meta.ino()))
}
