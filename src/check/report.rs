//! A [`Report`] for people (grouped by file, ending with a summary line)
//! or for CI tools (JSON whose shape is kept stable: fields are only ever
//! added, and `format` changes if that promise must be broken), and in
//! the two shapes CI servers show at the file and line of each finding:
//! GitLab's Code Quality report ([`gitlab`]) and GitHub's (and Forgejo's)
//! workflow commands ([`github`]).

use serde::Serialize;

use super::{NOT_CHECKED, Report, SectionCoverage, Silenced};
use crate::diagnostics::{Diagnostic, Severity};

/// The version of the JSON shape.
pub const JSON_FORMAT: u32 = 1;

/// The word a severity is printed as.
fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The diagnostic's file with `/` separators.
fn file_name(diagnostic: &Diagnostic) -> String {
    diagnostic.file.to_string_lossy().replace('\\', "/")
}

/// `line:column: `, `line: ` or nothing.
fn position(diagnostic: &Diagnostic) -> String {
    match (diagnostic.line, diagnostic.column) {
        (0, _) => String::new(),
        (line, 0) => format!("{line}: "),
        (line, column) => format!("{line}:{column}: "),
    }
}

/// `1 error`, `2 errors`.
fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
}

/// The report as text: findings grouped by file, silenced findings, the
/// translation coverage, what the checks cannot see, and a summary line.
pub fn human(report: &Report) -> String {
    let mut out = findings_by_file(&report.findings);
    if !report.silenced.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&silenced_list(&report.silenced));
    }
    if !report.coverage.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&coverage_table(&report.coverage));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(
        "Automated checks find only part of what WCAG 2.1 (BITV NRW) asks. They cannot judge:\n",
    );
    for item in NOT_CHECKED {
        out.push_str(&format!("  - {item}\n"));
    }
    out.push_str("This report does not say that the site is accessible; test with people and assistive technology too.\n");
    out.push_str(&summary(report));
    out.push('\n');
    out
}

/// The findings under the name of their file, each with its help line;
/// files apart by an empty line.
fn findings_by_file(findings: &[Diagnostic]) -> String {
    let mut out = String::new();
    let mut current: Option<String> = None;
    for finding in findings {
        let file = file_name(finding);
        if current.as_deref() != Some(file.as_str()) {
            if current.is_some() {
                out.push('\n');
            }
            out.push_str(&file);
            out.push('\n');
            current = Some(file);
        }
        out.push_str(&format!(
            "  {}{}[{}]: {}\n",
            position(finding),
            severity_name(finding.severity),
            finding.code,
            finding.message
        ));
        if !finding.help.is_empty() {
            out.push_str(&format!("    help: {}\n", finding.help));
        }
    }
    out
}

/// The findings silenced by front matter, one line each with its reason.
fn silenced_list(silenced: &[Silenced]) -> String {
    let mut out = format!("Silenced by front matter ({}):\n", silenced.len());
    for silenced in silenced {
        let d = &silenced.diagnostic;
        out.push_str(&format!(
            "  {}:{} [{}] {} — allowed: {}\n",
            file_name(d),
            if d.line > 0 {
                d.line.to_string()
            } else {
                String::new()
            },
            d.code,
            d.message,
            silenced.reason
        ));
    }
    out
}

/// The translation coverage: one row per section, one column per language.
fn coverage_table(coverage: &[SectionCoverage]) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header = vec!["section".to_string()];
    if let Some(first) = coverage.first() {
        header.extend(first.languages.iter().map(|l| l.lang.clone()));
    }
    rows.push(header);
    for section in coverage {
        let mut row = vec![if section.section.is_empty() {
            "(top level)".to_string()
        } else {
            section.section.clone()
        }];
        row.extend(section.languages.iter().map(|l| match l.outdated {
            0 => format!("{}/{}", l.pages, section.pages),
            n => format!("{}/{} ({n} outdated)", l.pages, section.pages),
        }));
        rows.push(row);
    }
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::from("Translations (pages per language):\n");
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let pad = widths[c].saturating_sub(cell.chars().count());
                if c == 0 {
                    format!("{cell}{}", " ".repeat(pad))
                } else {
                    format!("{}{cell}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(&format!("  {}\n", cells.join("  ").trim_end()));
    }
    out
}

/// The last line: `2 errors, 5 warnings, 1 silenced in 126 pages (…)`.
pub fn summary(report: &Report) -> String {
    let mut line = format!(
        "{}, {}, {} silenced",
        plural(report.errors(), "error"),
        plural(report.warnings(), "warning"),
        report.silenced.len()
    );
    if report.pages > 0 {
        line.push_str(&format!(" in {}", plural(report.pages, "page")));
    }
    if !report.build_date.is_empty() {
        line.push_str(&format!(" (build date {}", report.build_date));
        if report.strict {
            line.push_str(", --strict: warnings count as errors");
        }
        line.push(')');
    }
    line
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format: u32,
    build_date: &'a str,
    strict: bool,
    summary: JsonSummary,
    findings: Vec<JsonFinding<'a>>,
    silenced: Vec<JsonSilenced<'a>>,
    translations: &'a [SectionCoverage],
    not_checked: &'a [&'a str],
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    silenced: usize,
    pages: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    severity: &'static str,
    file: String,
    /// 1-based; 0 when the finding concerns the whole file.
    line: usize,
    /// 1-based; 0 when unknown.
    column: usize,
    message: &'a str,
    help: &'a str,
}

#[derive(Serialize)]
struct JsonSilenced<'a> {
    #[serde(flatten)]
    finding: JsonFinding<'a>,
    reason: &'a str,
}

fn json_finding(diagnostic: &Diagnostic) -> JsonFinding<'_> {
    JsonFinding {
        code: diagnostic.code.as_str(),
        severity: severity_name(diagnostic.severity),
        file: file_name(diagnostic),
        line: diagnostic.line,
        column: diagnostic.column,
        message: &diagnostic.message,
        help: &diagnostic.help,
    }
}

/// The report as pretty-printed JSON (see the module docs).
pub fn json(report: &Report) -> String {
    let value = JsonReport {
        format: JSON_FORMAT,
        build_date: &report.build_date,
        strict: report.strict,
        summary: JsonSummary {
            errors: report.errors(),
            warnings: report.warnings(),
            silenced: report.silenced.len(),
            pages: report.pages,
        },
        findings: report.findings.iter().map(json_finding).collect(),
        silenced: report
            .silenced
            .iter()
            .map(|s| JsonSilenced {
                finding: json_finding(&s.diagnostic),
                reason: &s.reason,
            })
            .collect(),
        translations: &report.coverage,
        not_checked: NOT_CHECKED,
    };
    serde_json::to_string_pretty(&value).unwrap_or_else(|error| {
        // Serialising plain strings and numbers cannot fail; say so if it does.
        format!("{{\"format\": {JSON_FORMAT}, \"error\": \"{error}\"}}")
    })
}

/// One entry of GitLab's Code Quality report, with the fields GitLab's
/// documentation names (a subset of Code Climate's format).
#[derive(Serialize)]
struct CodeQuality<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: CodeQualityLocation,
}

#[derive(Serialize)]
struct CodeQualityLocation {
    path: String,
    lines: CodeQualityLines,
}

#[derive(Serialize)]
struct CodeQualityLines {
    begin: usize,
}

/// The findings as GitLab's Code Quality report (a JSON array), so a merge
/// request shows each at its file and line. Errors are `critical`,
/// warnings `minor`. A finding's fingerprint is the same in every run
/// while its code, file and message stay (not its line, so a finding
/// that only moves is not reported as new); equal findings in one file
/// are told apart by their order.
pub fn gitlab(report: &Report) -> String {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let entries: Vec<CodeQuality> = report
        .findings
        .iter()
        .map(|finding| {
            let path = file_name(finding);
            let key = format!("{}\n{path}\n{}", finding.code, finding.message);
            let count = seen.entry(key.clone()).or_insert(0);
            *count += 1;
            CodeQuality {
                description: with_help(finding),
                check_name: finding.code.as_str(),
                fingerprint: fingerprint(&format!("{key}\n{count}")),
                severity: match finding.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "minor",
                },
                location: CodeQualityLocation {
                    path,
                    // GitLab needs a line; a finding about the whole file
                    // is shown at its first.
                    lines: CodeQualityLines {
                        begin: finding.line.max(1),
                    },
                },
            }
        })
        .collect();
    serde_json::to_string_pretty(&entries).unwrap_or_else(|_| "[]".to_string())
}

/// "message (help: …)", or the message alone.
fn with_help(finding: &Diagnostic) -> String {
    match finding.help.is_empty() {
        true => finding.message.clone(),
        false => format!("{} (help: {})", finding.message, finding.help),
    }
}

/// The first 32 hex digits of the SHA-256 of `text`.
fn fingerprint(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The findings as workflow commands, one line each, which GitHub Actions
/// and Forgejo Actions show as annotations at the file and line
/// (`::error file=content/a.md,line=3,col=1,title=link/broken::…`),
/// then the summary line.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        let mut properties = vec![format!("file={}", escape_property(&file_name(finding)))];
        if finding.line > 0 {
            properties.push(format!("line={}", finding.line));
        }
        if finding.column > 0 {
            properties.push(format!("col={}", finding.column));
        }
        properties.push(format!("title={}", escape_property(finding.code.as_str())));
        let mut text = finding.message.clone();
        if !finding.help.is_empty() {
            text.push_str(&format!("\nhelp: {}", finding.help));
        }
        out.push_str(&format!(
            "::{} {}::{}\n",
            severity_name(finding.severity),
            properties.join(","),
            escape_data(&text)
        ));
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

/// A workflow command's message: `%`, CR and LF encoded, so a message
/// stays one command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`, which would end
/// the value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;

    fn report_of(findings: Vec<Diagnostic>) -> Report {
        let mut report = Report::of_failure(findings, false);
        report.build_date = "2026-01-01".to_string();
        report
    }

    #[test]
    fn github_commands_keep_each_finding_on_one_line() {
        let report = report_of(vec![
            Diagnostic::error(
                Code::LinkBroken,
                "content/a,b.md",
                "50% of\nthe link: gone",
                "fix it",
            )
            .at(3, 7),
            Diagnostic::warning(Code::TranslationMissing, "content/c.md", "no English", ""),
        ]);
        let text = github(&report);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "::error file=content/a%2Cb.md,line=3,col=7,title=link/broken::50%25 of%0Athe link: gone%0Ahelp: fix it"
        );
        assert_eq!(
            lines[1],
            "::warning file=content/c.md,title=translation/missing::no English"
        );
        assert!(lines[2].starts_with("1 error, 1 warning"), "{}", lines[2]);
    }

    #[test]
    fn gitlab_fingerprints_are_stable_and_unique() {
        let finding = |line| {
            Diagnostic::warning(Code::A11yLinkText, "content/a.md", "link text „hier“", "")
                .at(line, 1)
        };
        let one = gitlab(&report_of(vec![finding(3), finding(9)]));
        let moved = gitlab(&report_of(vec![finding(4), finding(12)]));
        let parsed: serde_json::Value = serde_json::from_str(&one).unwrap();
        let again: serde_json::Value = serde_json::from_str(&moved).unwrap();
        assert_ne!(parsed[0]["fingerprint"], parsed[1]["fingerprint"]);
        assert_eq!(parsed[0]["fingerprint"], again[0]["fingerprint"]);
        assert_eq!(parsed[1]["location"]["lines"]["begin"], 9);
        assert_eq!(parsed[0]["severity"], "minor");
        assert_eq!(parsed[0]["check_name"], "a11y/link-text");
    }
}
