//! [`BaseUrl`]: the site's address, checked once.
//!
//! The base URL goes into every canonical link, feed, sitemap entry and
//! share tag. It comes from site.yaml or from `--base-url` (previews), and
//! both go through [`BaseUrl::parse`]: a value that is not a plain `http(s)`
//! address (`javascript:alert(1)//`, quotes, spaces, a query) is refused
//! wherever it is written, and code that holds a `BaseUrl` need not check
//! it again.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

/// An `http://` or `https://` address with a host, an optional port and an
/// optional path of plain characters, without trailing slash:
/// `https://hub.example.org` or `https://preview.example.org/pr-7`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

/// Why a value is not a base URL, and how to write one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadBaseUrl {
    /// What is wrong, to follow the value: "is not a web address".
    pub problem: String,
    pub help: String,
}

impl fmt::Display for BadBaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n  help: {}", self.problem, self.help)
    }
}

impl std::error::Error for BadBaseUrl {}

const EXAMPLE: &str =
    "write the full address, e.g. `https://www.example.org` or `https://preview.example.org/pr-7`";

impl BaseUrl {
    /// Checks `text`; the one check for site.yaml and the command line.
    pub fn parse(text: &str) -> Result<BaseUrl, BadBaseUrl> {
        let bad = |problem: &str| BadBaseUrl {
            problem: problem.to_string(),
            help: EXAMPLE.to_string(),
        };
        let trimmed = text.trim_end_matches('/');
        let (scheme, rest) = trimmed
            .split_once("://")
            .ok_or_else(|| bad("is not a web address (it must start with `https://`)"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(bad("is not a web address (it must start with `https://`)"));
        }
        let (authority, path) = match rest.find('/') {
            Some(index) => rest.split_at(index),
            None => (rest, ""),
        };
        check_authority(authority).map_err(|problem| bad(&problem))?;
        check_path(path).map_err(|problem| bad(&problem))?;
        Ok(BaseUrl(format!("{scheme}://{authority}{path}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `host` or `host:port`; a host is letters, digits, `-` and `.`, or an
/// IPv6 address in brackets.
fn check_authority(authority: &str) -> Result<(), String> {
    if authority.contains('@') {
        return Err("must not hold a user name or password (`…@`)".into());
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (authority, None),
    };
    let ipv6 = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit() || c == ':'));
    let name = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if !ipv6 && !name {
        return Err("has no valid host name (letters, digits, `-` and `.`; a domain with umlauts in its `xn--` form)".into());
    }
    if let Some(port) = port {
        if !matches!(port.parse::<u16>(), Ok(p) if p > 0) {
            return Err("has no valid port number after `:`".into());
        }
    }
    Ok(())
}

/// Empty or `/segment/segment` of letters, digits, `-`, `.`, `_`, `~` and
/// `%` escapes; no query, fragment, spaces, quotes or `..`.
fn check_path(path: &str) -> Result<(), String> {
    let plain = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._~%/".contains(c));
    if !plain {
        return Err("may hold only letters, digits, `-`, `.`, `_`, `~` and `/` after the host (no spaces, quotes, `?` or `#`)".into());
    }
    if path
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return Err("must not hold `.` or `..` as a folder".into());
    }
    Ok(())
}

impl FromStr for BaseUrl {
    type Err = BadBaseUrl;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        BaseUrl::parse(text)
    }
}

impl Deref for BaseUrl {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Result<&str, &str>) {
        let got = BaseUrl::parse(text);
        match expected {
            Ok(url) => assert_eq!(got.map(|u| u.0), Ok(url.to_string()), "{text}"),
            Err(start) => {
                let problem = got.err().map(|e| e.problem).unwrap_or_default();
                assert!(problem.starts_with(start), "{text}: {problem}");
            }
        }
    }

    #[test]
    fn plain_addresses_pass_without_trailing_slash() {
        check("https://hub.example.org/", Ok("https://hub.example.org"));
        check("HTTPS://hub.example.org", Ok("https://hub.example.org"));
        check(
            "https://preview.example.org/pr-7/",
            Ok("https://preview.example.org/pr-7"),
        );
        check("http://127.0.0.1:1111", Ok("http://127.0.0.1:1111"));
        check("http://[::1]:1111", Ok("http://[::1]:1111"));
        check(
            "https://xn--mnchen-3ya.example/a_b~c%20d",
            Ok("https://xn--mnchen-3ya.example/a_b~c%20d"),
        );
    }

    #[test]
    fn scripts_and_other_schemes_are_refused() {
        check("javascript:alert(1)//", Err("is not a web address"));
        check(
            "javascript://hub.example.org/%0aalert(1)",
            Err("is not a web address"),
        );
        check("data:text/html,x", Err("is not a web address"));
        check("ftp://hub.example.org", Err("is not a web address"));
        check("hub.example.org", Err("is not a web address"));
        check("", Err("is not a web address"));
    }

    #[test]
    fn hosts_ports_and_paths_must_be_plain() {
        check("https://", Err("is not a web address"));
        check("https://:443", Err("has no valid host"));
        check("https://hub example.org", Err("has no valid host"));
        check("https://\"onmouseover=\"x", Err("has no valid host"));
        check("https://münchen.example", Err("has no valid host"));
        check(
            "https://user:pw@hub.example.org",
            Err("must not hold a user"),
        );
        check("https://hub.example.org:99999", Err("has no valid port"));
        check("https://hub.example.org:", Err("has no valid port"));
        check("https://hub.example.org/a b", Err("may hold only"));
        check("https://hub.example.org/\"><script>", Err("may hold only"));
        check("https://hub.example.org/?x=1", Err("may hold only"));
        check("https://hub.example.org/#top", Err("may hold only"));
        check("https://hub.example.org/a\u{0}", Err("may hold only"));
        check("https://hub.example.org/../x", Err("must not hold"));
    }
}
