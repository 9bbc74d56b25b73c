//! One preview: the engine that keeps the site current and the writer
//! that keeps the folder current. It sequences nothing itself: the
//! [`Engine`] runs the stages, [`Preview`] writes.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::diagnostics::{Code, Diagnostic};
use crate::output::{Preview, Updated};
use crate::pipeline::{BuildOptions, Changes, Early, Engine, Purpose};
use crate::render::OutputFile;
use crate::site_path::SitePath;

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Rebuilt {
    /// Site URLs whose files were (re)written or removed: `/news/a/`, `/style.css`.
    pub changed: Vec<String>,
    /// Those of them written or removed in the first part of the run
    /// ([`Session::rebuild`]), before the rest was rendered.
    pub early: Vec<String>,
    pub parsed: usize,
    /// Output units rendered (the rest of the folder was current).
    pub rendered: usize,
    pub written: usize,
    pub removed: usize,
    pub took: Duration,
    /// The engine's stages and the write, with how long each took.
    pub stages: Vec<(&'static str, Duration)>,
    pub warnings: Vec<Diagnostic>,
}

/// The engine and the folder it previews into.
pub struct Session {
    pub engine: Engine,
    preview: Preview,
    /// The folder holds a whole run (after the first successful one).
    filled: bool,
}

impl Session {
    /// A session that writes into `out_dir`; nothing is read yet.
    pub fn new(options: BuildOptions, out_dir: PathBuf) -> Self {
        Session {
            preview: Preview::new(out_dir, options.root.clone()),
            engine: Engine::new(options, Purpose::Serve),
            filled: false,
        }
    }

    /// Brings the folder up to date with `changes`. On content errors
    /// nothing more is written and the folder keeps the last good site
    /// (but for pages handed over early, which the next run puts right).
    /// The pages of `shown` (site URLs browsers have open), the edited
    /// and the new pages are written first; `early` hears what that
    /// changed before the rest is rendered.
    pub fn rebuild(
        &mut self,
        changes: &Changes,
        shown: &[String],
        early: &mut dyn FnMut(&Updated),
    ) -> Result<Rebuilt, Vec<Diagnostic>> {
        let start = Instant::now();
        let mut first: Result<Updated, crate::Error> = Ok(Updated::default());
        let mut hand_over = |files: &[OutputFile], removed: &[SitePath]| {
            first = self.preview.update(files, removed);
            if let Ok(updated) = &first {
                early(updated);
            }
        };
        let early = self.filled.then_some(Early {
            shown,
            hand_over: &mut hand_over,
        });
        let run = self.engine.run_early(changes, early)?;
        let first = first.map_err(|error| self.unwritable(error))?;
        if run.failed() {
            return Err(run.problems);
        }
        let writing = Instant::now();
        let written = match self.filled {
            true => self.preview.update(&run.files, &run.removed),
            false => self.preview.fill(run.files),
        };
        let updated = written.map_err(|error| self.unwritable(error))?;
        self.filled = true;
        let mut stages = run.timings.stages;
        stages.push(("write", writing.elapsed()));
        let mut changed = [first.changed.as_slice(), &updated.changed].concat();
        changed.sort();
        changed.dedup();
        Ok(Rebuilt {
            early: first.changed,
            changed,
            parsed: run.parsed,
            rendered: run.rendered,
            written: first.written + updated.written,
            removed: first.removed + updated.removed,
            took: start.elapsed(),
            stages,
            warnings: run.problems,
        })
    }

    /// The error for a preview that cannot be written; what the folder
    /// holds is unknown then, so the next run fills it whole.
    fn unwritable(&mut self, error: crate::Error) -> Vec<Diagnostic> {
        self.filled = false;
        vec![Diagnostic::error(
            Code::OutputIo,
            self.preview.dir(),
            format!("the preview cannot be written: {error}"),
            "check that the folder is writable and the disk not full",
        )]
    }
}
