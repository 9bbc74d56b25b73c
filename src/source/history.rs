//! When each content file last changed, by the site's git history.
//!
//! Two things need it: a plain page without `updated` shows its file's
//! last commit as "Stand" (`model::Page::updated`), and `kommhub check`
//! warns when a page in the default language changed after its
//! translation (`translation/outdated`). "Changed" means the last commit
//! that touched the file, which survives checkouts and CI clones (file
//! times do not) and is the same in every build of that commit, so builds
//! stay reproducible; the clock is never read. One `git log` over
//! `content/` gives every file's last commit, newest first; the engine
//! runs it once per walk of `content/`. Outside a repository, or without
//! git, there is no history: pages show only what their front matter
//! says, and `check` compares the pages' `updated` dates instead.
//!
//! A shallow clone (CI's default) ends in a commit that seems to add
//! every file it has; the files whose last change lies beyond that edge
//! get no date rather than a wrong one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The last commit time (seconds since 1970) of each content file, by its
/// path relative to the site root.
pub type History = HashMap<PathBuf, i64>;

/// The history of `root/content`, or none when `root` is not inside a git
/// work tree (or git cannot be run). Only `content/` below the root is
/// asked for.
pub fn last_changes(root: &Path) -> Option<History> {
    let output = git(
        root,
        &[
            "log",
            "--no-renames",
            "--relative",
            "--format=%x00%ct %P",
            "--name-only",
            "--",
            "content",
        ],
    )?;
    let log = String::from_utf8_lossy(&output.stdout);
    // Only a log with a commit without parents can be cut off; whether
    // it is, only git knows.
    let shallow = log.split('\0').any(parentless)
        && git(root, &["rev-parse", "--is-shallow-repository"])
            .is_some_and(|o| o.stdout.starts_with(b"true"));
    Some(parse_log(&log, shallow))
}

/// Runs git in `root`; `None` when it cannot run or fails.
fn git(root: &Path, args: &[&str]) -> Option<Output> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        // A repository's configuration must not run programs of its own
        // for a read (fsmonitor is the one `git log` could start).
        .args(["-c", "core.fsmonitor=false", "-c", "core.quotepath=off"])
        .args(args)
        .output()
        .ok()?;
    output.status.success().then_some(output)
}

/// Whether a commit of the log (`time parents…` and its files) has no
/// parent.
fn parentless(commit: &str) -> bool {
    let head = commit.lines().next().unwrap_or_default();
    let mut fields = head.split_whitespace();
    fields.next().is_some() && fields.next().is_none()
}

/// Reads `git log --format=%x00%ct %P --name-only`: per commit, newest
/// first, a NUL, the commit time and its parents, then the files it
/// touched, one a line. A file's first appearance is its last change; in
/// a `shallow` clone, an appearance in a commit without parents (the
/// clone's edge) says nothing and the file gets no entry.
fn parse_log(log: &str, shallow: bool) -> History {
    let mut history = History::new();
    let mut beyond_edge = std::collections::HashSet::new();
    for commit in log.split('\0').filter(|c| !c.trim().is_empty()) {
        let mut lines = commit.lines();
        let head = lines.next().unwrap_or_default();
        let Some(time) = head.split_whitespace().next().and_then(|t| t.parse().ok()) else {
            continue;
        };
        let edge = shallow && parentless(commit);
        for file in lines.map(str::trim).filter(|l| !l.is_empty()) {
            let file = PathBuf::from(file);
            if history.contains_key(&file) || beyond_edge.contains(&file) {
                continue;
            }
            if edge {
                beyond_edge.insert(file);
            } else {
                history.insert(file, time);
            }
        }
    }
    history
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_of_each_file_counts() {
        let log = "\u{0}200 bbb\n\ncontent/a.md\n\u{0}100\n\ncontent/a.md\ncontent/a.en.md\n";
        let history = parse_log(log, false);
        assert_eq!(history[Path::new("content/a.md")], 200);
        assert_eq!(history[Path::new("content/a.en.md")], 100);
        assert_eq!(history.len(), 2);
    }

    #[test]
    fn the_edge_of_a_shallow_clone_dates_nothing() {
        let log = "\u{0}200 bbb\n\ncontent/a.md\n\u{0}100\n\ncontent/a.md\ncontent/a.en.md\n";
        let history = parse_log(log, true);
        assert_eq!(history[Path::new("content/a.md")], 200);
        assert!(!history.contains_key(Path::new("content/a.en.md")));
        assert!(parentless("100\n\ncontent/a.md"));
        assert!(!parentless("100 aaa\n\ncontent/a.md"));
    }
}
