//! What a long `kommhub build` shows on a terminal while it runs: the
//! stage it is in and, while it renders, how many pages and listings are
//! done (indicatif draws it). A build over in less than a second shows
//! nothing; so does every build whose standard error is not a terminal
//! or that runs in CI (`CI` set, as every CI service sets it), where a
//! redrawn line would only fill the log.
//!
//! The pipeline reports through [`crate::pipeline::Timings`]: every timed
//! stage names itself here, and the render stage counts its units.

use std::io::IsTerminal as _;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a build runs before its progress shows.
const DELAY: Duration = Duration::from_secs(1);

/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(120);

/// A handle on the progress line; cloning shares it. The default shows
/// nothing.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<ProgressBar>>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(on)"
        } else {
            "Progress(off)"
        })
    }
}

impl Progress {
    /// Progress on standard error when it is a terminal outside CI,
    /// shown once the build has run for a second; else none.
    pub fn on_terminal() -> Progress {
        let ci = std::env::var_os("CI").is_some_and(|value| !value.is_empty());
        if ci || !std::io::stderr().is_terminal() {
            return Progress::default();
        }
        Progress::shown_after(DELAY, ProgressDrawTarget::stderr())
    }

    /// Progress drawn to `target` from `delay` on, unless it is cleared
    /// before.
    pub fn shown_after(delay: Duration, target: ProgressDrawTarget) -> Progress {
        let bar = Arc::new(ProgressBar::with_draw_target(
            None,
            ProgressDrawTarget::hidden(),
        ));
        bar.set_style(spinner());
        let later = Arc::downgrade(&bar);
        std::thread::spawn(move || {
            std::thread::sleep(delay);
            if let Some(bar) = later.upgrade().filter(|bar| !bar.is_finished()) {
                bar.set_draw_target(target);
                bar.enable_steady_tick(TICK);
            }
        });
        Progress(Some(bar))
    }

    /// The build entered `stage` (a name `--timings` prints too).
    pub fn stage(&self, stage: &'static str) {
        if let Some(bar) = &self.0 {
            bar.set_style(spinner());
            bar.set_length(0);
            bar.set_position(0);
            bar.set_message(stage);
        }
    }

    /// The current stage has `total` things to do, counted with
    /// [`Progress::advance`].
    pub fn expect(&self, total: usize) {
        if let Some(bar) = &self.0 {
            bar.set_style(counter());
            bar.set_length(total as u64);
            bar.set_position(0);
        }
    }

    /// One more thing of the current stage is done.
    pub fn advance(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    /// The build is over: the line goes, and the summary is printed in
    /// its place.
    pub fn clear(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

fn spinner() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn counter() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} {elapsed}")
        .map(|style| style.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::InMemoryTerm;

    fn drawn_into(term: &InMemoryTerm, delay: Duration) -> Progress {
        Progress::shown_after(delay, ProgressDrawTarget::term_like(Box::new(term.clone())))
    }

    /// Waits until `term` shows `wanted` (the bar is drawn by a thread).
    fn shows(term: &InMemoryTerm, wanted: &str) -> bool {
        (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(20));
            term.contents().contains(wanted)
        })
    }

    #[test]
    fn a_long_stage_shows_its_name_and_count() {
        let term = InMemoryTerm::new(4, 100);
        let progress = drawn_into(&term, Duration::ZERO);
        progress.stage("render");
        progress.expect(3);
        progress.advance();
        progress.advance();
        assert!(shows(&term, "2/3"), "{:?}", term.contents());
        assert!(term.contents().contains("render"));
        progress.clear();
        assert!(term.contents().trim().is_empty(), "{:?}", term.contents());
    }

    #[test]
    fn a_build_done_before_the_delay_shows_nothing() {
        let term = InMemoryTerm::new(4, 100);
        let progress = drawn_into(&term, Duration::from_millis(200));
        progress.stage("walk");
        progress.clear();
        std::thread::sleep(Duration::from_millis(400));
        assert_eq!(term.contents(), "");
    }

    #[test]
    fn the_default_shows_nothing_anywhere() {
        let progress = Progress::default();
        progress.stage("render");
        progress.expect(2);
        progress.advance();
        progress.clear();
        assert_eq!(format!("{progress:?}"), "Progress(off)");
    }
}
