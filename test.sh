#!/usr/bin/env bash
# Every check CI runs, in order: formatting, lints, unit and whole-site
# tests, API docs, then the hub site built and tested in a real browser.
# Needs Chromium, Node.js and Java for the browser tests and nginx with its
# brotli module for the last step (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")"

cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps

# The site itself: links, accessibility, privacy and legal pages (issue 6).
cargo run --release -- check

site=target/browser-site
cargo run --release -- build --output "$site"
tests/browser/run.sh "$site"

# The same site behind nginx with deploy/nginx/: addresses, redirects,
# security headers, caching, compression, and the browser tests under the
# Content-Security-Policy (issue 18). Needs nginx (.ci/run installs it).
tests/deploy/run.sh "$site"
