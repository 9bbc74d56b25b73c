//! The only module that knows which YAML library kommhub uses.
//!
//! serde_yaml is deprecated upstream; everything YAML goes through
//! [`from_str`] and [`Value`], so moving to a maintained fork
//! (serde_yaml_ng, serde-saphyr) changes this file and nothing else.
//! Errors come back as [`YamlError`] with a 1-based line and column inside
//! the YAML text and a sentence on how to fix the input; serde's
//! "unknown field" messages gain the nearest known key as a suggestion.
//! Text larger than [`MAX_BYTES`] or nested deeper than [`MAX_DEPTH`] is
//! refused before serde_yaml reads it, so no file can keep a build busy;
//! `layout` finds those places and the line of a duplicate key.

mod layout;

use serde::de::DeserializeOwned;

use crate::diagnostics::Code;

/// The most YAML read in one block (a front matter, site.yaml, a theme's
/// strings). Real front matter is a few hundred bytes; the bound keeps
/// the work on a hostile file small.
pub const MAX_BYTES: usize = 64 * 1024;

/// The deepest nesting read (indentation, `- ` items and brackets
/// together). Real files nest three or four levels; deep flow lists
/// (`[[[[…`) made serde_yaml work for seconds per kilobyte.
pub const MAX_DEPTH: usize = 32;

/// A free-form YAML value (for `extra:` and other untyped data).
pub type Value = serde_yaml::Value;

/// Separates message and help in errors raised by kommhub's own
/// `Deserialize` impls: `format!("what{HELP_SEPARATOR}how to fix")`. A
/// third part, when present, is text to look for in the YAML to find the
/// line (serde_yaml places such errors at the start of the mapping).
pub const HELP_SEPARATOR: char = '\u{1f}';

/// A YAML document that did not fit the expected shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line inside the YAML text, 0 when unknown.
    pub line: usize,
    /// 1-based column inside the YAML text, 0 when unknown.
    pub column: usize,
    pub code: Code,
    pub message: String,
    pub help: String,
}

/// Parses `text` into `T`, mapping every failure to a [`YamlError`].
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    // An empty document is `null`, which would give a confusing message
    // for a struct; parse an empty mapping instead so "missing field" shows.
    let text = if text.trim().is_empty() { "{}" } else { text };
    check_bounds(text)?;
    serde_yaml::from_str(text).map_err(|error| {
        let (line, column) = error
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        let message = strip_position(&error.to_string());
        // serde_yaml places errors raised inside a value at the start of
        // the whole mapping; when it names the key path, find the key.
        let (message, line, column) = match split_key_path(&message) {
            Some((path, rest)) => {
                let key = path.rsplit('.').next().unwrap_or(path);
                let key = key.split('[').next().unwrap_or(key);
                let (key_line, key_column) = position_of_key(text, key);
                let found = key_line > 0;
                (
                    format!("`{path}`: {rest}"),
                    if found { key_line } else { line },
                    if found { key_column } else { column },
                )
            }
            None => (message, line, column),
        };
        let (line, column) = match message.split(HELP_SEPARATOR).nth(2) {
            Some(needle) => position_of_text(text, needle).unwrap_or((line, column)),
            None => (line, column),
        };
        // serde_yaml places a duplicate key at the start of its mapping;
        // the line to fix is the second copy.
        let (line, column) = duplicated_key(&message)
            .and_then(|key| layout::duplicate_of(text, &key))
            .unwrap_or((line, column));
        explain(&message, line, column)
    })
}

/// Refuses text too large or too deeply nested before serde_yaml reads it.
fn check_bounds(text: &str) -> Result<(), YamlError> {
    if text.len() > MAX_BYTES {
        return Err(YamlError {
            line: 1,
            column: 1,
            code: Code::YamlTooLarge,
            message: format!(
                "this YAML block is {} KB long; kommhub reads at most {} KB",
                text.len().div_ceil(1024),
                MAX_BYTES / 1024
            ),
            help: "front matter holds short values: move long text into the body below the closing `---`".to_string(),
        });
    }
    match layout::too_deep(text, MAX_DEPTH) {
        Some((line, column)) => Err(YamlError {
            line,
            column,
            code: Code::YamlTooDeep,
            message: format!("the YAML nests more than {MAX_DEPTH} levels deep here"),
            help: "write lists and keys at most a few levels deep, e.g. `tags: [a, b]`; check for brackets `[` or `{` that are never closed".to_string(),
        }),
        None => Ok(()),
    }
}

/// The key serde names in "duplicate field `k`" or "duplicate entry with
/// key \"k\"".
fn duplicated_key(message: &str) -> Option<String> {
    if let Some(rest) = find_after(message, "duplicate field `") {
        return Some(split_backticked(rest).0);
    }
    let rest = find_after(message, "duplicate entry with key \"")?;
    rest.split('"').next().map(str::to_string)
}

/// serde_yaml appends " at line L column C"; we report the position apart.
fn strip_position(message: &str) -> String {
    let cut = [" at line ", " at position "]
        .iter()
        .filter_map(|marker| message.find(marker))
        .min()
        .unwrap_or(message.len());
    message[..cut].to_string()
}

/// Where `needle` first occurs in `text`, as 1-based line and column.
fn position_of_text(text: &str, needle: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(index, line)| {
        line.find(needle)
            .map(|byte| (index + 1, line[..byte].chars().count() + 1))
    })
}

/// Splits serde_yaml's "path.to.key: message" into its two parts.
fn split_key_path(message: &str) -> Option<(&str, &str)> {
    let (path, rest) = message.split_once(": ")?;
    let is_path = !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_alphanumeric() || "_-.[]".contains(c));
    is_path.then_some((path, rest))
}

/// Turns serde's wording into a message and a fix for non-programmers.
fn explain(message: &str, line: usize, column: usize) -> YamlError {
    let error = |code, message: String, help: String| YamlError {
        line,
        column,
        code,
        message,
        help,
    };
    // Our own Deserialize impls (dates, versions) say what and how to fix,
    // separated by HELP_SEPARATOR; serde may prefix the key path.
    let mut parts = message.split(HELP_SEPARATOR);
    if let (Some(what), Some(help)) = (parts.next(), parts.next()) {
        return error(Code::YamlInvalidValue, what.to_string(), help.to_string());
    }
    if let Some(rest) = find_after(message, "unknown field `") {
        let (key, expected) = split_backticked(rest);
        let known = backticked_list(expected);
        let help = match nearest(&key, &known) {
            Some(best) => format!(
                "did you mean `{best}`? Known keys here: {}",
                known.join(", ")
            ),
            None if known.is_empty() => "remove this key".to_string(),
            None => format!(
                "remove it, or use one of the known keys: {}; free-form values belong under `extra:`",
                known.join(", ")
            ),
        };
        return error(Code::YamlUnknownKey, format!("unknown key `{key}`"), help);
    }
    if let Some(key) = duplicated_key(message) {
        return error(
            Code::YamlDuplicateKey,
            format!("the key `{key}` is written a second time here"),
            format!(
                "a key may appear only once in one block: keep one `{key}:` line and delete the other"
            ),
        );
    }
    if let Some(rest) = find_after(message, "missing field `") {
        let (key, _) = split_backticked(rest);
        return error(
            Code::YamlMissingKey,
            format!("the required key `{key}` is missing"),
            format!("add a line `{key}: …`"),
        );
    }
    if message.contains("invalid type") || message.contains("invalid value") {
        return error(
            Code::YamlWrongType,
            message.to_string(),
            "check the value's form: text in quotes, lists in [brackets] or as `- ` lines, dates as 2025-01-20".to_string(),
        );
    }
    error(
        Code::YamlSyntax,
        format!("this is not valid YAML: {message}"),
        "check indentation and colons; put values with `:` or `#` in quotes".to_string(),
    )
}

fn find_after<'a>(haystack: &'a str, marker: &str) -> Option<&'a str> {
    haystack.find(marker).map(|i| &haystack[i + marker.len()..])
}

/// Splits "key`, rest" into ("key", ", rest").
fn split_backticked(rest: &str) -> (String, &str) {
    match rest.find('`') {
        Some(end) => (rest[..end].to_string(), &rest[end + 1..]),
        None => (rest.to_string(), ""),
    }
}

/// All `quoted` words in serde's "expected one of `a`, `b`" tail.
fn backticked_list(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The known key closest to `key`, if it is close enough to be a typo.
pub fn nearest(key: &str, known: &[String]) -> Option<String> {
    known
        .iter()
        .map(|candidate| (strsim::jaro_winkler(key, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate.clone())
}

/// Line and column (1-based) of the first line that sets the top-level or
/// nested `key`, for problems found after parsing; (0, 0) when not found.
pub fn position_of_key(text: &str, key: &str) -> (usize, usize) {
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let unquoted = trimmed.trim_start_matches(['"', '\'']);
        if let Some(rest) = unquoted.strip_prefix(key) {
            let rest = rest.trim_start_matches(['"', '\'']);
            if rest.starts_with(':') {
                return (index + 1, line.len() - trimmed.len() + 1);
            }
        }
    }
    (0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        title: String,
        base_url: Option<String>,
    }

    #[test]
    fn unknown_key_suggests_nearest() {
        let err = from_str::<Sample>("title: a\ntitel: b\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1));
        assert_eq!(err.message, "unknown key `titel`");
        assert!(
            err.help.starts_with("did you mean `title`?"),
            "{}",
            err.help
        );
    }

    #[test]
    fn unrelated_unknown_key_lists_known_keys() {
        let err = from_str::<Sample>("title: a\nfarbe: rot\n").unwrap_err();
        assert!(err.help.contains("title, base_url"), "{}", err.help);
    }

    #[test]
    fn missing_key_is_named() {
        let err = from_str::<Sample>("").unwrap_err();
        assert_eq!(err.message, "the required key `title` is missing");
    }

    #[test]
    fn a_duplicate_key_is_reported_at_its_second_line() {
        let err = from_str::<Sample>("title: a\nbase_url: b\ntitle: c\n").unwrap_err();
        assert_eq!(err.code, Code::YamlDuplicateKey);
        assert_eq!((err.line, err.column), (3, 1));
        assert_eq!(err.message, "the key `title` is written a second time here");
    }

    #[test]
    fn huge_and_deep_yaml_is_refused_before_parsing() {
        let huge = format!("title: \"{}\"\n", "a".repeat(MAX_BYTES));
        assert_eq!(
            from_str::<Sample>(&huge).unwrap_err().code,
            Code::YamlTooLarge
        );
        let deep = format!("title: a\nbase_url: {}\n", "[".repeat(50_000));
        let err = from_str::<Sample>(&deep).unwrap_err();
        assert_eq!((err.code, err.line), (Code::YamlTooDeep, 2));
    }

    #[test]
    fn syntax_error_has_position() {
        let err = from_str::<Sample>("title: \"a\nbase_url: b\n").unwrap_err();
        assert_eq!(err.code, Code::YamlSyntax);
        assert!(err.line >= 1);
        assert!(!err.message.contains(" at line "));
    }
}
