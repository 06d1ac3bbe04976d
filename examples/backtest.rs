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

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use eesim::backtest::{self, BacktestOptions};
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
        report.write_csv(std::io::BufWriter::new(std::fs::File::create(path)?))?;
    }
    print!("{}", report.summary_table(&options));
    Ok(())
}
