//! Calibrates a scenario from IRCC's rounds feed and prints it as TOML (or JSON).
//!
//! ```text
//! cargo run --release --example calibrate -- FEED.json [--as-of 2026-02-16] > scenario.toml
//! ```
//!
//! Without `--as-of` the scenario starts the day after the feed's last round, so no published
//! round is left out (`scenarios/default.toml` was made with `--as-of 2026-02-16`, the day
//! after the newest pool snapshot of the feed it came from). The calibration reads nothing
//! dated on or after that day.
//!
//! What it shows: reading the feed, `Scenario::calibrated`, writing a scenario file.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use eesim::feed::FeedReader;
use eesim::scenario::Scenario;

/// Calibrate an eesim scenario from the rounds feed.
#[derive(Parser, Debug)]
struct Args {
    /// IRCC's rounds feed (ee_rounds_123_en.json).
    feed: PathBuf,
    /// The date the scenario starts: only what is dated before it is used (default: the day
    /// after the feed's last round).
    #[arg(long)]
    as_of: Option<jiff::civil::Date>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let run = || -> Result<String, eesim::Error> {
        let (history, _) = FeedReader::new().read_path(&args.feed)?;
        let as_of =
            match args.as_of {
                Some(d) => d,
                // The day after the last round: no published round is left out.
                None => history.day_after_last_round().ok_or_else(|| {
                    eesim::ErrorKind::InvalidScenario {
                        source_name: args.feed.display().to_string(),
                        problems: vec![eesim::Problem::new(
                            "rounds",
                            "expected a round in the feed, found none",
                        )],
                    }
                })?,
            };
        let scenario = Scenario::calibrated(&history, as_of)?;
        // Round-trip check: what we write reads back to the same scenario.
        let text = scenario.to_toml();
        assert_eq!(
            Scenario::from_toml(&text)?,
            scenario,
            "scenario files round-trip"
        );
        Ok(text)
    };
    match run() {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
