//! Problems in the user's input, collected rather than thrown.
//!
//! Every stage returns its value together with the [`Diagnostic`]s it found,
//! so one run reports every fault. A diagnostic names the file (relative to
//! the site root), the line and column where there is one, what is wrong and
//! how to fix it. Infrastructure failures (a disk that cannot be written)
//! are not diagnostics; they are [`crate::Error`]s.

mod code;

use std::fmt;
use std::path::{Path, PathBuf};

pub use code::{Code, UnknownCode};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

/// One finding in the user's input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// File relative to the site root, with `/` separators.
    pub file: PathBuf,
    /// 1-based line, 0 when the fault concerns the whole file.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    pub severity: Severity,
    /// What kind of finding it is; its string (`yaml/unknown-key`) is stable.
    pub code: Code,
    pub message: String,
    /// One sentence on how to fix it.
    pub help: String,
}

impl Diagnostic {
    /// An error about `file` as a whole; add a position with [`Diagnostic::at`].
    pub fn error(
        code: Code,
        file: impl AsRef<Path>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.as_ref().to_path_buf(),
            line: 0,
            column: 0,
            severity: Severity::Error,
            code,
            message: message.into(),
            help: help.into(),
        }
    }

    /// The same finding as a warning.
    pub fn warning(
        code: Code,
        file: impl AsRef<Path>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, message, help)
        }
    }

    /// Places the finding at a 1-based line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:col: error[code]: message` and an indented `help:` line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.to_string_lossy().replace('\\', "/");
        write!(f, "{file}")?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {severity}[{}]: {}", self.code, self.message)?;
        if !self.help.is_empty() {
            write!(f, "\n  help: {}", self.help)?;
        }
        Ok(())
    }
}

/// Sorts diagnostics by file and position and drops exact repeats, so
/// reports are stable from run to run.
pub fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort();
    diagnostics.dedup();
    diagnostics
}

/// Renders a whole report: every diagnostic, then a one-line summary.
pub fn render_report(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&diagnostic.to_string());
        out.push('\n');
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if !diagnostics.is_empty() {
        out.push_str(&format!(
            "{errors} error{}, {warnings} warning{}\n",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_position_code_and_help() {
        let d = Diagnostic::error(Code::YamlSyntax, "content/a.md", "bad", "fix it").at(3, 7);
        assert_eq!(
            d.to_string(),
            "content/a.md:3:7: error[yaml/syntax]: bad\n  help: fix it"
        );
    }

    #[test]
    fn display_without_position_names_only_the_file() {
        let d = Diagnostic::warning(Code::LinkBroken, "site.yaml", "m", "");
        assert_eq!(d.to_string(), "site.yaml: warning[link/broken]: m");
    }
}
