//! Whole-site tests: one integration binary over tiny fixture sites.
//!
//! Each case builds a throw-away site ([`TestSite`]) with the fixture theme
//! in `tests/fixtures/theme`, so the hub theme can change without touching
//! these snapshots. Large outputs are insta snapshots of `<main>` only.

// Test helpers may fail loudly; that is how a test reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod assets;
mod build;
mod build_cache;
mod check;
mod errors;
mod input_limits;
mod last_change;
mod links;
mod news;
mod output;
mod outside_root;
mod photos;
mod precompress;
mod press_kit;
mod preview;
mod property;
mod publication;
mod register;
mod repository;
mod root_causes;
mod search;
mod serve;
mod share;
mod support;
mod valid_output;
