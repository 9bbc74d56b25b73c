//! The one step in which a new site replaces the old, and the lock that
//! keeps two builds from writing the same folder at once.
//!
//! On Linux the staging folder and the output folder are exchanged with
//! one `renameat2(RENAME_EXCHANGE)`: at every moment the output folder's
//! name holds a complete site, the old one or the new one, and a process
//! killed at any point leaves one of them. Afterwards the staging name
//! holds the previous site, which the next build updates in place.
//! Where the file system cannot exchange, two renames are the fallback,
//! with a moment in which the output folder is missing.

use std::fs::File;
use std::path::Path;

use crate::Error;

/// Held while a build writes; released when dropped.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Takes the lock at `path`, waiting (and saying so) while another build
/// holds it. The caller has made sure `path` is not a symlink.
pub fn lock(path: &Path, waiting: impl FnOnce()) -> Result<Lock, Error> {
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    use rustix::fs::{FlockOperation, flock};
    match flock(&file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => {}
        Err(rustix::io::Errno::WOULDBLOCK) => {
            waiting();
            flock(&file, FlockOperation::LockExclusive).map_err(|e| Error::io(path, e.into()))?;
        }
        Err(errno) => return Err(Error::io(path, errno.into())),
    }
    // The lock goes with the file descriptor when the process ends, also
    // when it is killed.
    Ok(Lock { _file: file })
}

/// Makes `staging` the output folder `out_dir` in one step; the previous
/// output (if any) ends up at `staging`.
pub fn publish(staging: &Path, out_dir: &Path) -> Result<(), Error> {
    if std::fs::symlink_metadata(out_dir).is_err() {
        return std::fs::rename(staging, out_dir).map_err(|e| Error::io(out_dir, e));
    }
    match exchange(staging, out_dir) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::Unsupported => {
            two_renames(staging, out_dir)
        }
        Err(error) => Err(Error::io(out_dir, error)),
    }
}

/// Exchanges two folders; `Unsupported` where the kernel or the file
/// system cannot (EINVAL, ENOSYS, EOPNOTSUPP).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {
            Err(std::io::ErrorKind::Unsupported.into())
        }
        Err(errno) => Err(errno.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// The fallback: output → `.old`, staging → output, `.old` → staging.
fn two_renames(staging: &Path, out_dir: &Path) -> Result<(), Error> {
    let mut old = staging.as_os_str().to_os_string();
    old.push(".old");
    let old = Path::new(&old);
    if std::fs::symlink_metadata(old).is_ok() {
        // Left by a fallback swap that was interrupted; removed only when
        // it is kommhub's own (marked or empty, not a link).
        super::claim::working_folder(old)?;
        std::fs::remove_dir_all(old).map_err(|e| Error::io(old, e))?;
    }
    std::fs::rename(out_dir, old).map_err(|e| Error::io(out_dir, e))?;
    if let Err(error) = std::fs::rename(staging, out_dir) {
        let _ = std::fs::rename(old, out_dir);
        return Err(Error::io(out_dir, error));
    }
    std::fs::rename(old, staging).map_err(|e| Error::io(old, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_exchanges_the_two_folders() {
        let dir = tempfile::tempdir().expect("temp");
        let (staging, out) = (
            dir.path().join(".public.staging"),
            dir.path().join("public"),
        );
        std::fs::create_dir(&staging).expect("mkdir");
        std::fs::write(staging.join("index.html"), "new").expect("write");
        publish(&staging, &out).expect("first");
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).expect("read"),
            "new"
        );
        assert!(!staging.exists());
        std::fs::create_dir(&staging).expect("mkdir");
        std::fs::write(staging.join("index.html"), "newer").expect("write");
        publish(&staging, &out).expect("second");
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).expect("read"),
            "newer"
        );
        assert_eq!(
            std::fs::read_to_string(staging.join("index.html")).expect("read"),
            "new"
        );
    }

    #[test]
    fn the_fallback_clears_its_own_leftover_but_never_a_foreign_folder() {
        let dir = tempfile::tempdir().expect("temp");
        let (staging, out) = (
            dir.path().join(".public.staging"),
            dir.path().join("public"),
        );
        let old = dir.path().join(".public.staging.old");
        for folder in [&staging, &out, &old] {
            std::fs::create_dir(folder).expect("mkdir");
        }
        std::fs::write(staging.join("index.html"), "new").expect("write");
        std::fs::write(old.join(super::super::MARKER), "").expect("marker");
        two_renames(&staging, &out).expect("an own leftover is cleared");
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).expect("read"),
            "new"
        );
        std::fs::create_dir(&old).expect("mkdir");
        std::fs::write(old.join("brief.odt"), "theirs").expect("write");
        assert!(two_renames(&staging, &out).is_err());
        assert_eq!(
            std::fs::read_to_string(old.join("brief.odt")).expect("read"),
            "theirs"
        );
    }

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let dir = tempfile::tempdir().expect("temp");
        let path = dir.path().join(".public.lock");
        let first = lock(&path, || panic!("the first lock must not wait")).expect("lock");
        let (sender, receiver) = std::sync::mpsc::channel();
        let waiter = {
            let path = path.clone();
            std::thread::spawn(move || {
                let _second = lock(&path, || sender.send(()).expect("send")).expect("lock");
            })
        };
        receiver.recv().expect("the second build said it waits");
        drop(first);
        waiter.join().expect("the second build got the lock");
    }
}
