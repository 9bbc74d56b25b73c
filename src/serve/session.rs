//! One preview: the engine that keeps the site current and the writer
//! that keeps the folder current. It sequences nothing itself: the
//! [`Engine`] runs the stages, [`Preview`] writes.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::diagnostics::{Code, Diagnostic};
use crate::output::Preview;
use crate::pipeline::{BuildOptions, Changes, Engine, Purpose};

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Rebuilt {
    /// Site URLs whose files were (re)written or removed: `/news/a/`, `/style.css`.
    pub changed: Vec<String>,
    pub parsed: usize,
    /// Output units rendered (the rest of the folder was current).
    pub rendered: usize,
    pub written: usize,
    pub removed: usize,
    pub took: Duration,
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
            engine: Engine::new(options, Purpose::Serve),
            preview: Preview::new(out_dir),
            filled: false,
        }
    }

    /// Brings the folder up to date with `changes`. On content errors
    /// nothing is written and the folder keeps the last good site.
    pub fn rebuild(&mut self, changes: &Changes) -> Result<Rebuilt, Vec<Diagnostic>> {
        let start = Instant::now();
        let run = self.engine.run(changes)?;
        if run.failed() {
            return Err(run.problems);
        }
        let written = match self.filled {
            true => self.preview.update(&run.files, &run.removed),
            false => self.preview.fill(run.files),
        };
        let updated = written.map_err(|error| {
            // What the folder holds is unknown now: fill it whole next time.
            self.filled = false;
            vec![Diagnostic::error(
                Code::OutputIo,
                self.preview.dir(),
                format!("the preview cannot be written: {error}"),
                "check that the folder is writable and the disk not full",
            )]
        })?;
        self.filled = true;
        Ok(Rebuilt {
            changed: updated.changed,
            parsed: run.parsed,
            rendered: run.rendered,
            written: updated.written,
            removed: updated.removed,
            took: start.elapsed(),
            warnings: run.problems,
        })
    }
}
