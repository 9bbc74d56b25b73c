//! Which folder a build may write, decided before anything is written.
//!
//! kommhub owns its output folder and nothing else. An output folder is
//! claimed only when it is not the root, not a parent of it, not inside a
//! folder the site is read from, and either absent, empty or marked by an
//! earlier build with [`MARKER`]. A symlink given as the output folder is
//! followed (a web root is often linked into a project), and every rule is
//! applied to the folder it leads to; the link itself is never replaced.
//! The working folders beside it (staging, lock) must be real folders and
//! files: a symlink there is refused, because following it would write
//! where nobody asked for a write.

use std::path::{Component, Path, PathBuf};

use crate::Error;

/// The file every output folder kommhub writes carries, so a later build
/// knows the folder is its own.
pub const MARKER: &str = ".kommhub-output";

/// What the marker file says to a person who finds it.
pub const MARKER_TEXT: &str = "This folder is written by kommhub. Every build replaces it \
whole, so do not keep other files here.\n";

/// Folders below the root that are read as sources or kept by kommhub,
/// and so can never hold the output.
const SOURCE_FOLDERS: [&str; 5] = [
    "content",
    "themes",
    ".git",
    ".kommhub-cache",
    ".kommhub-serve",
];

/// An output folder this build may write, with its working folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The real output folder (symlinks resolved).
    pub out_dir: PathBuf,
    /// Where the next site is written before the swap.
    pub staging: PathBuf,
    /// Held while a build writes, so two builds do not mix.
    pub lock: PathBuf,
    /// The output folder holds files of someone else that `--force-output`
    /// gave to kommhub: they are moved aside, never deleted.
    pub foreign: bool,
}

/// Decides whether `requested` may be the output folder of the site at
/// `root`; `force` allows a non-empty folder kommhub did not write.
pub fn claim(root: &Path, requested: &Path, force: bool) -> Result<Claim, Error> {
    let root = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let out_dir = resolve(requested)?;
    refuse_source_folders(&root, &out_dir, requested)?;
    let foreign = match std::fs::metadata(&out_dir) {
        Ok(meta) if !meta.is_dir() => {
            return Err(refused(
                requested,
                "the output folder is a file",
                "choose a folder with `--output`",
            ));
        }
        Ok(_) => !is_own_or_empty(&out_dir).map_err(|e| Error::io(&out_dir, e))?,
        Err(_) => false,
    };
    if foreign && !force {
        return Err(refused(
            requested,
            "the output folder already holds files that kommhub did not write, and a build \
             replaces the whole folder",
            "choose an empty or new folder with `--output`, or, if these files may go, pass \
             `--force-output` once: kommhub then moves them aside into a folder beside it \
             instead of deleting them",
        ));
    }
    let (parent, name) = parent_and_name(&out_dir, requested)?;
    let staging = parent.join(format!(".{name}.staging"));
    let lock = parent.join(format!(".{name}.lock"));
    working_folder(&staging)?;
    refuse_link(&lock)?;
    Ok(Claim {
        out_dir,
        staging,
        lock,
        foreign,
    })
}

/// A working folder of kommhub (staging, cache, preview) must be absent, or
/// a real folder that is empty or carries the marker; never a symlink.
pub fn working_folder(path: &Path) -> Result<(), Error> {
    refuse_link(path)?;
    match std::fs::metadata(path) {
        Err(_) => Ok(()),
        Ok(meta) if !meta.is_dir() => Err(refused(
            path,
            "kommhub keeps a working folder here, but this is a file",
            "move the file away; kommhub makes the folder itself",
        )),
        Ok(_) if is_own_or_empty(path).map_err(|e| Error::io(path, e))? => Ok(()),
        Ok(_) => Err(refused(
            path,
            "kommhub keeps a working folder of this name, but this folder holds files that \
             kommhub did not write",
            "move the folder away or delete it if nothing in it is needed; kommhub makes a \
             new one",
        )),
    }
}

/// Refuses `path` when it is a symlink: kommhub's own folders and files
/// are never links, so a link there points where nobody meant to write.
pub fn refuse_link(path: &Path) -> Result<(), Error> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(refused(
            path,
            "this is a symlink, and kommhub does not follow links for its working files: \
             it would write wherever the link points",
            "remove the link; kommhub makes a real folder or file here itself",
        )),
        _ => Ok(()),
    }
}

/// True if `dir` is empty or carries the marker.
fn is_own_or_empty(dir: &Path) -> std::io::Result<bool> {
    if dir.join(MARKER).is_file() {
        return Ok(true);
    }
    Ok(std::fs::read_dir(dir)?.next().is_none())
}

/// The real path of `requested`, one component at a time: symlinks
/// resolved where the path exists, `..` dropping the last real component
/// (which holds no links, so this is what the file system would do).
fn resolve(requested: &Path) -> Result<PathBuf, Error> {
    let absolute = std::path::absolute(requested).map_err(|e| Error::io(requested, e))?;
    let mut real = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                real.pop();
            }
            Component::CurDir => {}
            Component::Normal(part) => {
                let next = real.join(part);
                real = match std::fs::symlink_metadata(&next) {
                    Ok(_) => std::fs::canonicalize(&next).map_err(|e| Error::io(&next, e))?,
                    Err(_) => next,
                };
            }
            other => real.push(other),
        }
    }
    Ok(real)
}

/// The root, its parents and the folders the site is read from are
/// never an output folder, with or without `--force-output`.
fn refuse_source_folders(root: &Path, out_dir: &Path, requested: &Path) -> Result<(), Error> {
    if out_dir == root {
        return Err(refused(
            requested,
            "the output folder is the site's root folder; a build replaces its whole output \
             folder, so this would remove site.yaml, content/ and the theme",
            "leave out `--output` to build into public/, or name a new folder",
        ));
    }
    if root.starts_with(out_dir) {
        return Err(refused(
            requested,
            "the output folder holds the site's root folder; a build replaces its whole output \
             folder, so this would remove the site's sources",
            "leave out `--output` to build into public/, or name a new folder",
        ));
    }
    for folder in SOURCE_FOLDERS {
        let source = root.join(folder);
        let source = std::fs::canonicalize(&source).unwrap_or(source);
        if out_dir.starts_with(&source) {
            return Err(refused(
                requested,
                &format!("the output folder is inside {folder}/, which kommhub reads or keeps"),
                "leave out `--output` to build into public/, or name a folder outside it",
            ));
        }
    }
    Ok(())
}

fn parent_and_name<'a>(out_dir: &'a Path, requested: &Path) -> Result<(&'a Path, String), Error> {
    match (out_dir.parent(), out_dir.file_name()) {
        (Some(parent), Some(name)) => Ok((parent, name.to_string_lossy().into_owned())),
        _ => Err(refused(
            requested,
            "the output folder is the top of the file system",
            "name a new folder with `--output`",
        )),
    }
}

fn refused(path: &Path, message: &str, help: &str) -> Error {
    Error::Refused {
        path: path.to_path_buf(),
        message: message.to_string(),
        help: help.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp");
        std::fs::create_dir_all(dir.path().join("site/content/news")).expect("content");
        std::fs::create_dir_all(dir.path().join("site/themes/hub")).expect("theme");
        dir
    }

    fn refusal(result: Result<Claim, Error>) -> String {
        match result {
            Err(Error::Refused { message, .. }) => message,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn the_root_its_parents_and_source_folders_are_refused_even_with_force() {
        let dir = site();
        let root = dir.path().join("site");
        assert!(refusal(claim(&root, &root, true)).contains("root folder"));
        assert!(refusal(claim(&root, dir.path(), true)).contains("holds the site's root"));
        assert!(refusal(claim(&root, &root.join("content"), true)).contains("content/"));
        assert!(refusal(claim(&root, &root.join("content/neu"), true)).contains("content/"));
        assert!(refusal(claim(&root, &root.join("themes/hub"), true)).contains("themes/"));
        assert!(refusal(claim(&root, &root.join("public/.."), true)).contains("root folder"));
    }

    #[test]
    fn a_folder_with_foreign_files_is_refused_unless_forced() {
        let dir = site();
        let root = dir.path().join("site");
        let html = dir.path().join("html");
        std::fs::create_dir_all(html.join("uploads")).expect("mkdir");
        std::fs::write(html.join("uploads/satzung.pdf"), "pdf").expect("write");
        assert!(refusal(claim(&root, &html, false)).contains("did not write"));
        let forced = claim(&root, &html, true).expect("forced");
        assert!(forced.foreign);
        std::fs::write(html.join(MARKER), MARKER_TEXT).expect("marker");
        assert!(!claim(&root, &html, false).expect("marked").foreign);
    }

    #[test]
    fn new_and_empty_folders_are_claimed_with_working_files_beside_them() {
        let dir = site();
        let root = dir.path().join("site");
        let claimed = claim(&root, &root.join("public"), false).expect("claim");
        let real_root = std::fs::canonicalize(&root).expect("root");
        assert_eq!(claimed.out_dir, real_root.join("public"));
        assert_eq!(claimed.staging, real_root.join(".public.staging"));
        assert_eq!(claimed.lock, real_root.join(".public.lock"));
        std::fs::create_dir(root.join("empty")).expect("mkdir");
        assert!(
            !claim(&root, &root.join("empty"), false)
                .expect("empty")
                .foreign
        );
    }

    #[test]
    fn a_symlinked_output_is_judged_by_the_folder_it_leads_to() {
        let dir = site();
        let root = dir.path().join("site");
        let web = dir.path().join("www");
        std::fs::create_dir(&web).expect("mkdir");
        std::fs::write(web.join("index.html"), "their site").expect("write");
        std::os::unix::fs::symlink(&web, root.join("public")).expect("link");
        assert!(refusal(claim(&root, &root.join("public"), false)).contains("did not write"));
        std::fs::write(web.join(MARKER), MARKER_TEXT).expect("marker");
        let claimed = claim(&root, &root.join("public"), false).expect("claim");
        assert_eq!(claimed.out_dir, std::fs::canonicalize(&web).expect("web"));
    }

    #[test]
    fn symlinked_working_files_are_refused() {
        let dir = site();
        let root = dir.path().join("site");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).expect("mkdir");
        std::os::unix::fs::symlink(&elsewhere, root.join(".public.staging")).expect("link");
        assert!(refusal(claim(&root, &root.join("public"), false)).contains("symlink"));
        std::fs::remove_file(root.join(".public.staging")).expect("unlink");
        std::os::unix::fs::symlink(elsewhere.join("l"), root.join(".public.lock")).expect("link");
        assert!(refusal(claim(&root, &root.join("public"), false)).contains("symlink"));
    }
}
