//! How long assembling the model takes, on its own.
//!
//! Usage: `cargo bench --bench assemble -- <site root> [rounds]`. Reads and
//! parses the site once, then assembles the model `rounds` times (default
//! 20) from the same documents, as `serve` does after a structural edit,
//! and prints the median, minimum and maximum. The minimum is the figure
//! to compare while other work shares the machine. A benchmark, not a
//! test: it asserts nothing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use kommhub::model::{self, Publication};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(root) = args.first().map(std::path::PathBuf::from) else {
        eprintln!("usage: cargo bench --bench assemble -- <site root> [rounds]");
        std::process::exit(2);
    };
    let rounds: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(20);
    let config = match kommhub::pipeline::load_config(&root) {
        Ok(config) => config,
        Err(problems) => {
            eprint!("{}", kommhub::diagnostics::render_report(&problems));
            std::process::exit(1);
        }
    };
    let languages: Vec<_> = config.languages.iter().map(|l| l.code.clone()).collect();
    let (tree, _) = kommhub::source::read_content(&root, &languages, kommhub::source::Texts::Now);
    let (images, _) =
        kommhub::images::prepare(&root, &tree.assets, kommhub::images::Variants::Plan);
    let settings = kommhub::parse::ParseSettings::of(&config);
    let documents: Vec<Arc<_>> = tree
        .files
        .iter()
        .filter_map(|file| kommhub::parse::parse_file(file, &settings).0)
        .map(Arc::new)
        .collect();
    let publication = Publication::at(jiff::Timestamp::now());
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            let (site, _) = model::assemble(
                config.clone(),
                documents.clone(),
                &tree.assets,
                &images,
                &Default::default(),
                publication,
            );
            let took = start.elapsed();
            drop(site);
            took
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} documents, {rounds} assemblies: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        documents.len(),
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1])
    );
}
