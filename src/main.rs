//! `kommhub`: command line → library call → diagnostics → exit code
//! (0 success, 1 content or template errors, 2 usage errors).

mod cli;

use std::process::ExitCode;

use clap::Parser;
use jiff::Timestamp;

use cli::{BuildArgs, Cli, Command};
use kommhub::diagnostics::render_report;
use kommhub::model::Publication;
use kommhub::{BuildFailure, BuildOptions};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => run_build(args),
    }
}

/// The build date: `SOURCE_DATE_EPOCH` (seconds since 1970) when set, so
/// builds are reproducible, else now.
fn build_date() -> Result<Timestamp, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => text
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|seconds| Timestamp::from_second(seconds).ok())
            .ok_or_else(|| {
                format!("SOURCE_DATE_EPOCH={text} is not a number of seconds since 1970")
            }),
        Err(_) => Ok(Timestamp::now()),
    }
}

fn run_build(args: BuildArgs) -> ExitCode {
    let build_date = match build_date() {
        Ok(date) => date,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let options = BuildOptions {
        root: args.root.clone(),
        output: args.output.clone(),
        base_url: args.base_url.clone(),
        publication: Publication {
            build_date,
            drafts: args.drafts,
            future: args.future,
            expired: args.expired,
        },
    };
    match kommhub::build(&options) {
        Ok(report) => {
            eprint!("{}", render_report(&report.warnings));
            println!(
                "built {} pages ({} files) into {}",
                report.pages,
                report.files,
                options.output_dir().display()
            );
            if let Some((when, path)) = &report.next_scheduled {
                println!(
                    "next scheduled release: {} becomes due at {} (build again then)",
                    path.display(),
                    when.to_zoned_datetime(kommhub::parse::dates::berlin())
                        .strftime("%Y-%m-%d %H:%M %Z")
                );
            }
            if args.timings {
                for (stage, took) in &report.timings.stages {
                    println!("  {stage:<9} {:>8.1} ms", took.as_secs_f64() * 1000.0);
                }
            }
            ExitCode::SUCCESS
        }
        Err(BuildFailure::Content(problems)) => {
            eprint!("{}", render_report(&problems));
            eprintln!("nothing was written; the previous site is unchanged");
            ExitCode::from(1)
        }
        Err(BuildFailure::Io(error)) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}
