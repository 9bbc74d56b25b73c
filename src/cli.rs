//! The command line: clap types only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Static site generator for the joint news and standards hub of ITK
/// Rheinland and kdvz Rhein-Erft-Rur.
#[derive(Debug, Parser)]
#[command(name = "kommhub", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render the site into the output folder (default: <root>/public).
    Build(BuildArgs),
    /// Create a new press release or page with its front matter filled in.
    New(NewArgs),
    /// Build, serve on 127.0.0.1, rebuild on every change and reload the browser.
    Serve(ServeArgs),
    /// Check everything `build` checks, plus links, accessibility, privacy,
    /// the register and the legal pages; writes nothing.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site's folder, holding site.yaml, content/ and themes/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Treat warnings as errors (exit code 1 on any finding).
    #[arg(long)]
    pub strict: bool,
    /// `human` (grouped by file), `json` (stable, for CI tools), `gitlab`
    /// (GitLab's Code Quality report) or `github` (workflow annotations,
    /// for GitHub and Forgejo Actions).
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Print how long each stage took, to standard error.
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Gitlab,
    Github,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site's folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Address to listen on; keep 127.0.0.1 unless you know why not.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Show pages marked `draft: true` (with a banner).
    #[arg(long)]
    pub drafts: bool,
    /// Open the preview in the browser.
    #[arg(long)]
    pub open: bool,
    /// Print how long each stage of every rebuild took.
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// What to create.
    #[arg(value_enum)]
    pub kind: NewKindArg,
    /// The title; the file name is made from it ("Straße" → strasse).
    pub title: String,
    /// The site's folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Language of the new file (default: the site's default language).
    #[arg(long)]
    pub lang: Option<String>,
    /// Publishing association of a release (a key from site.yaml).
    #[arg(long)]
    pub association: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum NewKindArg {
    /// A press release in content/news/.
    News,
    /// A plain page in content/.
    Page,
    /// A standard in content/standards/: the next free id, version 1.0, a draft.
    Standard,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site's folder, holding site.yaml, content/ and themes/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site (default: <root>/public). kommhub owns this
    /// folder: each build replaces it whole.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Take over an output folder that holds files kommhub did not write;
    /// they are moved aside into `.<name>.before-kommhub`, not deleted.
    #[arg(long)]
    pub force_output: bool,
    /// Use this address instead of `base_url` from site.yaml (previews);
    /// checked like site.yaml's, a bad one is a usage error (exit 2).
    #[arg(long)]
    pub base_url: Option<kommhub::config::BaseUrl>,
    /// Render everything instead of only what changed since the last
    /// build (the cache in .kommhub-cache/build/ is not read, and a fresh
    /// one is written).
    #[arg(long)]
    pub no_cache: bool,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include pages dated after the build date.
    #[arg(long)]
    pub future: bool,
    /// Include pages whose `expires` date has passed.
    #[arg(long)]
    pub expired: bool,
    /// Print how long each stage took.
    #[arg(long)]
    pub timings: bool,
    /// A preview build: robots.txt keeps search engines out and every
    /// page says `noindex` (for merge-request previews with --base-url).
    #[arg(long)]
    pub noindex: bool,
    /// Print only when the next build is due (a scheduled release or an
    /// expiry, as RFC 3339 in UTC, or `none`) on standard output, for CI
    /// schedules; the usual summary goes to standard error.
    #[arg(long)]
    pub print_next_due: bool,
}
