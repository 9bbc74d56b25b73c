//! `kommhub`: command line → library call → diagnostics → exit code
//! (0 success, 1 content or template errors, 2 usage errors).

mod cli;

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use jiff::Timestamp;

use cli::{BuildArgs, CheckArgs, CheckFormat, Cli, Command, NewArgs, NewKindArg, ServeArgs};
use kommhub::diagnostics::render_report;
use kommhub::model::Publication;
use kommhub::scaffold::{NewKind, NewRequest};
use kommhub::{BuildFailure, BuildOptions, BuildReport};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => run_build(args),
        Command::New(args) => run_new(args),
        Command::Serve(args) => run_serve(args),
        Command::Check(args) => run_check(args),
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

/// `kommhub build`: renders and writes the site, then says what it did.
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
        force_output: args.force_output,
        noindex: args.noindex,
        cache: !args.no_cache,
        progress: kommhub::progress::Progress::on_terminal(),
    };
    let built = kommhub::build(&options);
    options.progress.clear();
    match built {
        Ok(report) => {
            print_built(&report, &options, &args);
            ExitCode::SUCCESS
        }
        Err(BuildFailure::Content(problems)) => {
            eprint!("{}", render_report(&problems));
            eprintln!("nothing was written; the previous site is unchanged");
            ExitCode::from(1)
        }
        Err(BuildFailure::Io(error @ kommhub::Error::Refused { .. })) => {
            eprintln!("error: {error}");
            eprintln!("nothing was written");
            ExitCode::from(2)
        }
        Err(BuildFailure::Io(error)) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

/// The warnings and summary of a successful build: pages and files, files
/// set aside, image variants, the next scheduled release and expiry and,
/// when asked, the time each stage took. With `--print-next-due` the
/// summary goes to standard error and standard output gets one line only:
/// when a build is next due (RFC 3339, UTC) or `none`, for CI schedules.
fn print_built(report: &BuildReport, options: &BuildOptions, args: &BuildArgs) {
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    eprint!("{}", render_report(&report.warnings));
    let summary = summary_lines(report, options, args.timings);
    if args.print_next_due {
        eprint!("{summary}");
        match report.next_due() {
            Some(when) => println!("{when}"),
            None => println!("none"),
        }
    } else {
        print!("{summary}");
    }
}

/// The lines `build` prints when it succeeds.
fn summary_lines(report: &BuildReport, options: &BuildOptions, timings: bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "built {} pages ({} files) into {}",
        report.pages,
        report.files,
        options.output_dir().display()
    );
    if report.resumed {
        let written = &report.written;
        let _ = writeln!(
            out,
            "only what changed since the last build: {} units rendered, {} files written, {} removed",
            report.rendered, written.written, written.removed
        );
    }
    if let Some(kept) = &report.set_aside {
        let _ = writeln!(
            out,
            "the files that were in the output folder were moved to {} (nothing was deleted)",
            kept.display()
        );
    }
    if report.images_encoded + report.images_cached > 0 {
        let _ = writeln!(
            out,
            "image variants: {} encoded, {} reused from the cache",
            report.images_encoded, report.images_cached
        );
    }
    if report.written.cards_drawn + report.written.cards_cached > 0 {
        let _ = writeln!(
            out,
            "share cards: {} drawn, {} reused from the cache",
            report.written.cards_drawn, report.written.cards_cached
        );
    }
    schedule_lines(report, &mut out);
    if timings {
        timing_lines(report, &mut out);
    }
    out
}

/// When the site changes by itself next: the next scheduled release and
/// the next expiry, in Berlin time.
fn schedule_lines(report: &BuildReport, out: &mut String) {
    use std::fmt::Write as _;
    let berlin = |when: &Timestamp| {
        when.to_zoned_datetime(kommhub::parse::dates::berlin())
            .strftime("%Y-%m-%d %H:%M %Z")
            .to_string()
    };
    if let Some((when, path)) = &report.next_scheduled {
        let _ = writeln!(
            out,
            "next scheduled release: {} becomes due at {} (build again then)",
            path.display(),
            berlin(when)
        );
    }
    if let Some((when, path)) = &report.next_expiring {
        let _ = writeln!(
            out,
            "next expiry: {} goes offline at {} (build again then)",
            path.display(),
            berlin(when)
        );
    }
}

/// `--timings`: each stage's time, then the peak memory.
fn timing_lines(report: &BuildReport, out: &mut String) {
    use std::fmt::Write as _;
    for (stage, took) in &report.timings.stages {
        let _ = writeln!(out, "  {stage:<9} {:>8.1} ms", took.as_secs_f64() * 1000.0);
    }
    if let Some(peak) = peak_memory() {
        let _ = writeln!(out, "  peak memory {:.0} MB", peak as f64 / 1e6);
    }
}

/// The most memory this process has held (resident, in bytes), where the
/// system tells it (Linux: `VmHWM` in /proc/self/status).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// `kommhub new`: makes a new release, standard or page file and prints its path.
fn run_new(args: NewArgs) -> ExitCode {
    let today = match build_date() {
        Ok(date) => date
            .to_zoned_datetime(kommhub::parse::dates::berlin())
            .date(),
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let config = match kommhub::pipeline::load_config(&args.root) {
        Ok(config) => config,
        Err(problems) => {
            eprint!("{}", render_report(&problems));
            return ExitCode::from(1);
        }
    };
    let kind = match args.kind {
        NewKindArg::News => NewKind::News,
        NewKindArg::Page => NewKind::Page,
        NewKindArg::Standard => NewKind::Standard,
    };
    let (number, standard_id) = match scaffold_facts(kind, &args.root, today.year()) {
        Ok(facts) => facts,
        Err(problems) => {
            eprint!("{}", render_report(&problems));
            return ExitCode::from(1);
        }
    };
    let lang = args
        .lang
        .as_deref()
        .map(kommhub::config::Lang::new)
        .unwrap_or_else(|| config.default_language().clone());
    let request = NewRequest {
        kind,
        title: &args.title,
        lang: &lang,
        association: args.association.as_deref(),
        today,
        number,
        standard_id: &standard_id,
    };
    match kommhub::scaffold::new_file(&config, &request) {
        Ok((path, text)) => write_new_file(&args.root, &path, &text),
        Err(error) => {
            eprintln!("error: {}", error.0);
            ExitCode::from(2)
        }
    }
}

/// What a new file of `kind` takes from the site: a release's running
/// number, a standard's id.
fn scaffold_facts(
    kind: NewKind,
    root: &Path,
    year: i16,
) -> Result<(u32, String), Vec<kommhub::Diagnostic>> {
    Ok(match kind {
        NewKind::News => (
            kommhub::pipeline::next_running_number(root, year)?,
            String::new(),
        ),
        NewKind::Standard => (0, kommhub::pipeline::next_standard_id(root)?),
        NewKind::Page => (0, String::new()),
    })
}

/// Writes a new file at `path` below `root`, never over an existing one.
fn write_new_file(root: &Path, path: &str, text: &str) -> ExitCode {
    let target = root.join(path);
    if let Some(folder) = target.parent() {
        if let Err(error) = std::fs::create_dir_all(folder) {
            eprintln!("error: {}: {error}", folder.display());
            return ExitCode::from(1);
        }
    }
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&target);
    let written = file.and_then(|mut file| std::io::Write::write_all(&mut file, text.as_bytes()));
    match written {
        Ok(()) => {
            println!("{path}");
            ExitCode::SUCCESS
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!("error: {path} already exists; nothing was changed");
            eprintln!("  help: choose another title, or edit the existing file");
            ExitCode::from(1)
        }
        Err(error) => {
            eprintln!("error: {}: {error}", target.display());
            ExitCode::from(1)
        }
    }
}

/// `kommhub serve`: the live preview.
fn run_serve(args: ServeArgs) -> ExitCode {
    let build_date = match build_date() {
        Ok(date) => date,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let options = kommhub::serve::ServeOptions {
        root: args.root,
        bind: args.bind,
        port: args.port,
        drafts: args.drafts,
        open: args.open,
        timings: args.timings,
        build_date,
    };
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let on_signal = std::sync::Arc::clone(&stop);
    if let Err(error) =
        ctrlc::set_handler(move || on_signal.store(true, std::sync::atomic::Ordering::Relaxed))
    {
        eprintln!("warning: Ctrl-C will not stop the server cleanly: {error}");
    }
    match kommhub::serve::run(&options, stop, |_| {}) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

/// `kommhub check`: the lints, printed for people, as JSON, or for a CI
/// server to show at their lines (GitLab, GitHub/Forgejo).
fn run_check(args: CheckArgs) -> ExitCode {
    let build_date = match build_date() {
        Ok(date) => date,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let options = kommhub::BuildOptions::new(&args.root, build_date);
    let report = match kommhub::pipeline::check_input(&options) {
        Ok((input, mut timings)) => {
            let start = std::time::Instant::now();
            let report = kommhub::check::run(&input, args.strict);
            timings.stages.push(("lints", start.elapsed()));
            if args.timings {
                for (stage, took) in &timings.stages {
                    eprintln!("  {stage:<11} {:>8.1} ms", took.as_secs_f64() * 1000.0);
                }
                if let Some(peak) = peak_memory() {
                    eprintln!("  peak memory {:.0} MB", peak as f64 / 1e6);
                }
            }
            report
        }
        Err(problems) => kommhub::check::Report::of_failure(problems, args.strict),
    };
    match args.format {
        CheckFormat::Human => print!("{}", kommhub::check::report::human(&report)),
        CheckFormat::Json => println!("{}", kommhub::check::report::json(&report)),
        CheckFormat::Gitlab => println!("{}", kommhub::check::report::gitlab(&report)),
        CheckFormat::Github => print!("{}", kommhub::check::report::github(&report)),
    }
    if report.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
