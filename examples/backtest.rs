//! Backtests the forecasts against IRCC's history: calibrate at each month start with only
//! what was known then, forecast 90 days, and score against the rounds that followed.
//!
//! ```text
//! cargo run --release --example backtest -- FEED.json --from 2024-01-01 --to 2026-05-01
//!     [--runs 2000] [--seed 2026] [--csv OUT.csv]
//! ```
//!
//! It prints the Brier score and log loss per year and per profile, beside the
//! previous-cut-off baselines (hard and smoothed), and lists the origins whose 90 days run past
//! the feed's last round (forecast and written to the CSV, but not scored). The CSV has one row
//! per forecast: `origin,profile,crs,horizon_days,p,lo,hi`.
//!
//! What it shows: `backtest::run`, `Scenario::calibrated` without look-ahead, probes.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use eesim::backtest::{self, BacktestOptions, BacktestReport, Forecast};
use eesim::feed::FeedReader;

/// Score eesim's forecasts against the rounds IRCC held.
#[derive(Parser, Debug)]
struct Args {
    /// IRCC's rounds feed (ee_rounds_123_en.json).
    feed: PathBuf,
    /// The first origin (month starts from here).
    #[arg(long)]
    from: jiff::civil::Date,
    /// Origins are month starts before this date.
    #[arg(long)]
    to: jiff::civil::Date,
    /// Simulated futures per origin.
    #[arg(long, default_value_t = 2_000)]
    runs: u64,
    /// The master seed.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Write every forecast to this CSV file.
    #[arg(long)]
    csv: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let (history, _) = FeedReader::new().read_path(&args.feed)?;
    let mut options = BacktestOptions::new(args.from, args.to, args.runs);
    options.seed = args.seed;
    let timer = Instant::now();
    let report = backtest::run(&history, &options, |origin, i, n| {
        eprintln!("origin {origin} ({}/{n})", i + 1)
    })?;
    let wall = timer.elapsed().as_secs_f64();
    eprintln!("{} forecasts in {wall:.1} s", report.forecasts.len());
    if let Some(path) = &args.csv {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        writeln!(out, "origin,profile,crs,horizon_days,p,lo,hi")?;
        for f in &report.forecasts {
            writeln!(
                out,
                "{},{},{},{},{:.6},{:.6},{:.6}",
                f.origin, f.profile, f.crs, f.horizon_days, f.p, f.lo, f.hi
            )?;
        }
    }
    print_summary(&report, &options);
    Ok(())
}

fn print_summary(report: &BacktestReport, options: &BacktestOptions) {
    println!(
        "Backtest: {} origins from {} to {}, {} runs each, {} days ahead",
        report
            .forecasts
            .iter()
            .map(|f| f.origin)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        options.from,
        options.to,
        options.runs,
        options.horizon_days
    );
    println!("Brier score (lower is better) and log loss, beside the previous-cut-off baselines\n");
    println!(
        "  {:<16} {:>6} | {:>7} {:>7} | {:>10} {:>10} | {:>10} {:>10}",
        "group", "n", "Brier", "logloss", "hard Brier", "hard log", "smooth Br.", "smooth log"
    );
    let line = |name: &str, keep: &dyn Fn(&Forecast) -> bool| {
        let (m, h, s) = report.scores(keep);
        if m.n > 0 {
            println!(
                "  {name:<16} {:>6} | {:>7.4} {:>7.4} | {:>10.4} {:>10.4} | {:>10.4} {:>10.4}",
                m.n, m.brier, m.log_loss, h.brier, h.log_loss, s.brier, s.log_loss
            );
        }
    };
    line("all", &|_| true);
    for p in &options.profiles {
        line(&format!("profile {}", p.name), &|f| f.profile == p.name);
    }
    let years: std::collections::BTreeSet<i16> =
        report.forecasts.iter().map(|f| f.origin.year()).collect();
    for y in years {
        line(&format!("year {y}"), &|f| f.origin.year() == y);
    }
    if !report.unscored_origins.is_empty() {
        let list: Vec<String> = report
            .unscored_origins
            .iter()
            .map(ToString::to_string)
            .collect();
        println!(
            "\nNot scored (their {} days run past the feed's last round): {}",
            options.horizon_days,
            list.join(", ")
        );
    }
}
