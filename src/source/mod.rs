//! Disk → source files. The only stage that reads `content/`.
//!
//! Walks `content/` in file-name order (walkdir), applies the file-name
//! grammar of SPEC.md ([`name`]), decides once what part each file plays
//! ([`role`]), reads Markdown as UTF-8 and lists every other file as an
//! asset to publish. Symlinks are followed only while they
//! stay inside the site root ([`crate::root`] decides). Unreadable or
//! non-UTF-8 files become diagnostics; the walk goes on. Pipes, sockets
//! and devices are never opened (reading a FIFO would wait forever): they
//! are skipped with a warning.

pub mod fingerprint;
pub mod history;
pub mod name;
pub mod role;

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::Lang;
use crate::diagnostics::{Code, Diagnostic};
use crate::root::SiteRoot;
pub use name::{FileKind, FileName};
pub use role::FileRole;

/// The folder under the root that holds Markdown.
pub const CONTENT_DIR: &str = "content";

/// One Markdown file, read (or, in a build, to be read when it is parsed).
#[derive(Debug, Clone)]
pub struct ContentFile {
    /// Relative to the site root with `/` separators, for messages.
    pub path: PathBuf,
    /// Folder relative to `content/` with `/` separators; `""` at the top.
    pub folder: String,
    pub name: FileName,
    /// What the file is, decided here once from `folder` and `name`.
    pub role: FileRole,
    pub text: String,
    /// The walk left the text to be read when the file is parsed
    /// ([`Texts::Later`]); `text` is empty until [`ContentFile::read`].
    pub unread: bool,
}

/// When the walk reads the Markdown files' texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Texts {
    /// As it finds them: `serve` and `check` keep the texts.
    Now,
    /// When each file is parsed ([`ContentFile::read`]): a build needs
    /// each text only for its parse, and 100,000 releases per language
    /// are 1.8 GB of Markdown, which the walk would otherwise hold at once.
    Later,
}

impl ContentFile {
    /// The file with its text, read from below `root` now (an unreadable
    /// or non-UTF-8 file is the same error the walk would have given).
    pub fn read(&self, root: &Path) -> Result<ContentFile, Diagnostic> {
        let text = read_text(&root.join(&self.path), &self.path)?;
        Ok(ContentFile {
            text,
            unread: false,
            ..self.clone()
        })
    }

    /// The path written in `@/…` links: relative to `content/`.
    pub fn link_path(&self) -> String {
        let file = self
            .path
            .file_name()
            .map(|f| f.to_string_lossy())
            .unwrap_or_default();
        if self.folder.is_empty() {
            file.to_string()
        } else {
            format!("{}/{}", self.folder, file)
        }
    }
}

/// A file that is published as it is (bundle images, PDFs).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AssetFile {
    /// Relative to the site root, for messages.
    pub path: PathBuf,
    /// Where to read it.
    pub absolute: PathBuf,
    /// Folder relative to `content/` with `/` separators.
    pub folder: String,
    /// Path below that folder with `/` separators (`img/foto.jpg`).
    pub relative: String,
    /// Size and SHA-256, for the downloads of standards only.
    pub fingerprint: Option<fingerprint::Fingerprint>,
}

/// Everything found under `content/`, in file-name order.
#[derive(Debug, Default)]
pub struct SourceTree {
    pub files: Vec<ContentFile>,
    pub assets: Vec<AssetFile>,
}

impl SourceTree {
    /// Lets go of the files' texts, once they are parsed and no later
    /// run compares them: a build of 10,000 releases per language holds
    /// 216 MB of Markdown otherwise until it ends.
    pub fn forget_texts(&mut self) {
        for file in &mut self.files {
            file.text = String::new();
        }
    }
}

/// Reads `<root>/content`. `languages` decides which suffixes are language
/// suffixes; the first is the default language.
pub fn read_content(
    root: &Path,
    languages: &[Lang],
    texts: Texts,
) -> (SourceTree, Vec<Diagnostic>) {
    let content = root.join(CONTENT_DIR);
    let site_root = match open_content(root, &content) {
        Ok(site_root) => site_root,
        Err(problem) => return (SourceTree::default(), vec![problem]),
    };
    let mut walk = Walk {
        root,
        content: &content,
        languages,
        texts,
        site_root,
        bundles: Vec::new(),
        tree: SourceTree::default(),
        problems: Vec::new(),
    };
    let mut walker = WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        match entry {
            Ok(entry) => {
                if walk.visit(&entry) == Next::SkipFolder {
                    walker.skip_current_dir();
                }
            }
            Err(error) => walk.problems.push(unreadable_entry(&error, root)),
        }
    }
    (walk.tree, walk.problems)
}

/// The site root, once `content/` is known to be a folder and the root
/// can be resolved; else the error that stops the walk before it starts.
fn open_content(root: &Path, content: &Path) -> Result<SiteRoot, Diagnostic> {
    if !content.is_dir() {
        return Err(Diagnostic::error(
            Code::SourceNoContent,
            CONTENT_DIR,
            "there is no `content/` folder",
            "create `content/_index.md` with the home page's title",
        ));
    }
    SiteRoot::new(root).map_err(|error| {
        Diagnostic::error(
            Code::SourceUnreadable,
            root,
            format!("the site root cannot be read: {error}"),
            "check that the folder exists and is readable",
        )
    })
}

/// The error for an entry the walk could not read (or a symlink loop).
fn unreadable_entry(error: &walkdir::Error, root: &Path) -> Diagnostic {
    let path = error
        .path()
        .map(|p| relative_to(p, root))
        .unwrap_or_default();
    Diagnostic::error(
        Code::SourceUnreadable,
        path,
        format!("this cannot be read: {error}"),
        "check permissions, and remove symlinks that point back into their own folder",
    )
}

/// What the walk does after an entry.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    Go,
    /// Leave out everything below this folder.
    SkipFolder,
}

/// One walk over `content/`: what it knows and what it has found so far.
struct Walk<'a> {
    root: &'a Path,
    content: &'a Path,
    languages: &'a [Lang],
    texts: Texts,
    site_root: SiteRoot,
    /// Bundle folders seen so far (relative to `content/`), outermost first.
    bundles: Vec<String>,
    tree: SourceTree,
    problems: Vec<Diagnostic>,
}

impl Walk<'_> {
    /// Sorts one entry: ignored, refused, skipped, a folder, a content file
    /// or an asset.
    fn visit(&mut self, entry: &walkdir::DirEntry) -> Next {
        let path = entry.path();
        let relative = relative_to(path, self.root);
        let is_dir = entry.file_type().is_dir();
        let leave = if is_dir { Next::SkipFolder } else { Next::Go };
        if entry.depth() > 0 && is_ignored(&entry.file_name().to_string_lossy()) {
            return leave;
        }
        if entry.path_is_symlink() && !self.site_root.contains(path) {
            self.problems.push(crate::root::refused(
                Code::SourceSymlinkOutside,
                &relative,
                &relative,
            ));
            return leave;
        }
        if !is_dir && !entry.file_type().is_file() {
            // Opening a FIFO blocks until someone writes to it, and a device
            // may never end: such files are named and never opened.
            self.problems.push(special_file(&relative));
            return Next::Go;
        }
        if is_dir {
            if has_bundle_index(path, self.languages) {
                self.bundles.push(content_relative(path, self.content));
            }
            return Next::Go;
        }
        let folder = path
            .parent()
            .map(|p| content_relative(p, self.content))
            .unwrap_or_default();
        let file_name = entry.file_name().to_string_lossy().to_string();
        let folder_name = folder.rsplit('/').next().unwrap_or("").to_string();
        match FileName::parse(&file_name, self.languages)
            .map(|n| n.with_bundle_folder(&folder_name))
        {
            Some(name) => self.content_file(path, relative, folder, name),
            None => self.asset(path, relative, folder),
        }
        Next::Go
    }

    /// Reads a Markdown file (unless its text is read [`Texts::Later`])
    /// and decides its role.
    fn content_file(&mut self, path: &Path, relative: PathBuf, folder: String, name: FileName) {
        let text = match self.texts {
            Texts::Now => match read_text(path, &relative) {
                Ok(text) => text,
                Err(problem) => return self.problems.push(problem),
            },
            Texts::Later => String::new(),
        };
        self.tree.files.push(ContentFile {
            path: relative,
            role: FileRole::of(&folder, name.kind),
            folder,
            name,
            text,
            unread: self.texts == Texts::Later,
        });
    }

    /// Lists a file to publish as it is, owned by the innermost bundle
    /// around it (else by its own folder).
    fn asset(&mut self, path: &Path, relative: PathBuf, folder: String) {
        let owner = self
            .bundles
            .iter()
            .rev()
            .find(|b| folder == **b || folder.starts_with(&format!("{b}/")))
            .cloned()
            .unwrap_or(folder);
        let below = content_relative(path, &self.content.join(&owner));
        let fingerprint = fingerprint::of_download(&owner, path, &relative, &mut self.problems);
        self.tree.assets.push(AssetFile {
            path: relative,
            absolute: path.to_path_buf(),
            folder: owner,
            relative: below,
            fingerprint,
        });
    }
}

/// The text of a Markdown file the tree already has, saved again: `None`
/// when it is no longer a regular file inside the root or not UTF-8 (a
/// walk then reports why).
pub fn read_saved(root: &Path, relative: &Path) -> Option<String> {
    let path = root.join(relative);
    let inside = SiteRoot::new(root).is_ok_and(|site_root| site_root.contains(&path));
    if !inside || !std::fs::symlink_metadata(&path).ok()?.is_file() {
        return None;
    }
    read_text(&path, relative).ok()
}

/// A Markdown file that is new since the last walk, read as the walk
/// would: `None` when only a walk can tell what the file is (it is not a
/// Markdown file, a bundle's `index.md`, in a folder the tree does not know
/// or one that is a bundle, not a regular file, outside the root, or not
/// readable as UTF-8, which the walk reports).
pub fn read_new(
    root: &Path,
    relative: &Path,
    languages: &[Lang],
    tree: &SourceTree,
) -> Option<ContentFile> {
    let content = root.join(CONTENT_DIR);
    let path = root.join(relative);
    let file_name = path.file_name()?.to_string_lossy().to_string();
    let meta = std::fs::symlink_metadata(&path).ok()?;
    let inside = SiteRoot::new(root).is_ok_and(|site_root| site_root.contains(&path));
    if is_ignored(&file_name) || !meta.is_file() || !inside {
        return None;
    }
    let folder = content_relative(path.parent()?, &content);
    let folder_name = folder.rsplit('/').next().unwrap_or("").to_string();
    let name = FileName::parse(&file_name, languages)?.with_bundle_folder(&folder_name);
    let mut neighbours = tree.files.iter().filter(|f| f.folder == folder).peekable();
    let known_plain_folder = neighbours.peek().is_some()
        && neighbours.all(|f| f.name.kind != FileKind::BundleIndex)
        && tree.assets.iter().all(|a| a.folder != folder);
    if name.kind == FileKind::BundleIndex || !known_plain_folder {
        return None;
    }
    let text = read_text(&path, relative).ok()?;
    Some(ContentFile {
        path: relative_to(&path, root),
        role: FileRole::of(&folder, name.kind),
        folder,
        name,
        text,
        unread: false,
    })
}

/// Where `path` goes among paths in walk order: the walk visits each
/// folder's entries by name, so its order is that of the paths' component
/// lists.
pub fn walk_position(files: &[ContentFile], path: &Path) -> usize {
    files.partition_point(|file| file.path.components().lt(path.components()))
}

/// The warning for a FIFO, socket or device file, which is skipped.
pub fn special_file(relative: &Path) -> Diagnostic {
    Diagnostic::warning(
        Code::SourceSpecialFile,
        relative,
        "this is not a regular file (a pipe, socket or device), so it is skipped without being read",
        "remove it from the site folder; content and theme files must be ordinary files",
    )
}

/// Hidden files, editor swap and backup files are never content.
pub fn is_ignored(file_name: &str) -> bool {
    file_name.starts_with('.')
        || file_name.ends_with('~')
        || file_name.ends_with(".swp")
        || file_name.ends_with(".swx")
        || (file_name.starts_with('#') && file_name.ends_with('#'))
}

/// Whether the folder holds a bundle's `index.md` (in any language).
fn has_bundle_index(dir: &Path, languages: &[Lang]) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.filter_map(Result::ok).any(|e| {
                FileName::parse(&e.file_name().to_string_lossy(), languages)
                    .is_some_and(|n| n.kind == FileKind::BundleIndex)
            })
        })
        .unwrap_or(false)
}

/// The file's text, or an error at the first byte that is not UTF-8.
fn read_text(path: &Path, relative: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|error| {
        Diagnostic::error(
            Code::SourceUnreadable,
            relative,
            format!("this file cannot be read: {error}"),
            "check the file's permissions",
        )
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        Diagnostic::error(
            Code::SourceNotUtf8,
            relative,
            "this file is not UTF-8 text (is it a binary file, or saved as Latin-1?)",
            "save it as UTF-8 in your editor; images and PDFs belong next to an `index.md` in a page bundle",
        )
        .at(line, column)
    })
}

/// `path` relative to `base` with `/` separators.
fn content_relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `path` relative to the site root, for messages.
fn relative_to(path: &Path, root: &Path) -> PathBuf {
    PathBuf::from(content_relative(path, root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_goes_where_the_walk_would_put_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let names = [
            "_index.md",
            "news/_index.md",
            "news/b.md",
            "news/b/index.md",
            "news/b.en.md",
            "news/ba.md",
            "news/B.md",
            "news/a-b.md",
            "z.md",
        ];
        for name in names {
            let path = dir.path().join("content").join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, "---\ntitle: x\n---\n").expect("write");
        }
        let languages = [Lang::new("de"), Lang::new("en")];
        let (tree, _) = read_content(dir.path(), &languages, Texts::Now);
        assert_eq!(tree.files.len(), names.len());
        for (at, file) in tree.files.iter().enumerate() {
            let mut others = tree.files.clone();
            others.remove(at);
            assert_eq!(
                walk_position(&others, &file.path),
                at,
                "{}",
                file.path.display()
            );
        }
    }

    /// A build's walk reads no text; each file is read when asked, with
    /// the walk's own error for a file that is not UTF-8.
    #[test]
    fn texts_left_for_later_are_read_when_asked() {
        let dir = tempfile::tempdir().expect("temp dir");
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).expect("mkdir");
        std::fs::write(content.join("a.md"), "---\ntitle: A\n---\nText\n").expect("write");
        std::fs::write(content.join("b.md"), b"---\ntitle: B\n---\n\xfc\n").expect("write");
        let languages = [Lang::new("de")];
        let (now, problems) = read_content(dir.path(), &languages, Texts::Now);
        assert_eq!(now.files.len(), 1);
        let (later, none) = read_content(dir.path(), &languages, Texts::Later);
        assert!(none.is_empty(), "{none:?}");
        assert_eq!(later.files.len(), 2);
        assert!(later.files.iter().all(|f| f.unread && f.text.is_empty()));
        let a = later.files[0].read(dir.path()).expect("a.md");
        assert_eq!(
            (a.text.as_str(), a.unread),
            (now.files[0].text.as_str(), false)
        );
        let refused = later.files[1].read(dir.path()).expect_err("not UTF-8");
        assert_eq!(refused, problems[0]);
    }

    #[test]
    fn swap_and_hidden_files_are_ignored() {
        for name in [".git", "x.md~", ".x.md.swp", "#x.md#", "a.swx"] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("x.md"));
    }
}
