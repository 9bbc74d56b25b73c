//! When each content file last changed, by the site's git history.
//!
//! `kommhub check` warns when a page in the default language changed after
//! its translation (`translation/outdated`); in a git repository "changed"
//! means the last commit that touched the file, which survives checkouts
//! and CI clones (file times do not). One `git log` over `content/` gives
//! every file's last commit, newest first. Outside a repository, or
//! without git, there is no history and `check` compares the pages'
//! `updated` dates instead.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The last commit time (seconds since 1970) of each content file, by its
/// path relative to the site root.
pub type History = HashMap<PathBuf, i64>;

/// The history of `root/content`, or none when `root` is not inside a git
/// work tree (or git cannot be run).
pub fn last_changes(root: &Path) -> Option<History> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        // A repository's configuration must not run programs of its own
        // for a read (fsmonitor is the one `git log` could start).
        .args(["-c", "core.fsmonitor=false", "-c", "core.quotepath=off"])
        .args([
            "log",
            "--no-renames",
            "--relative",
            "--format=%x00%ct",
            "--name-only",
        ])
        .args(["--", "content"])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    Some(parse_log(&String::from_utf8_lossy(&output.stdout)))
}

/// Reads `git log --format=%x00%ct --name-only`: per commit, newest first,
/// a NUL and the commit time, then the files it touched, one a line. A
/// file's first appearance is its last change.
fn parse_log(log: &str) -> History {
    let mut history = History::new();
    for commit in log.split('\0').filter(|c| !c.trim().is_empty()) {
        let mut lines = commit.lines();
        let Some(time) = lines.next().and_then(|t| t.trim().parse::<i64>().ok()) else {
            continue;
        };
        for file in lines.map(str::trim).filter(|l| !l.is_empty()) {
            history.entry(PathBuf::from(file)).or_insert(time);
        }
    }
    history
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_of_each_file_counts() {
        let log = "\u{0}200\n\ncontent/a.md\n\u{0}100\n\ncontent/a.md\ncontent/a.en.md\n";
        let history = parse_log(log);
        assert_eq!(history[Path::new("content/a.md")], 200);
        assert_eq!(history[Path::new("content/a.en.md")], 100);
        assert_eq!(history.len(), 2);
    }
}
