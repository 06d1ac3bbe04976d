//! Scores a CRS profile file and prints the breakdown by section and factor.
//!
//! ```text
//! cargo run --release --example crs -- PROFILE.toml [--json] [--until DATE]
//! ```
//!
//! - `PROFILE` is TOML, or JSON when its name ends in `.json` (see [`eesim::crs`] for the
//!   fields; `examples/data/profile.toml` and `examples/data/profile_spouse.json` are samples).
//! - Without `--json` it prints a readable table; with `--json`, one JSON object with
//!   `total`, `core`, `spouse`, `transferability` and `additional` (section totals),
//!   `assessed_on`, and `detail`, the per-factor breakdown.
//! - `--until DATE` (a profile with `birth_date`) also prints the score path to that date: the
//!   dates on which the score changes as birthdays pass and the rules change.
//! - A bad profile prints every problem with its field path, one a line, and exits with
//!   status 1.
//!
//! What it shows: reading a profile, the dated rules, the breakdown, a score path.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use eesim::crs::{Profile, ScorePlan};

/// Score an Express Entry profile with the Comprehensive Ranking System.
#[derive(Parser, Debug)]
struct Args {
    /// The profile file (TOML, or JSON when it ends in .json).
    profile: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// Also print the score path from the assessment date to this date (needs birth_date).
    #[arg(long)]
    until: Option<jiff::civil::Date>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            match e.kind() {
                // One problem a line: a profile may have many.
                eesim::ErrorKind::InvalidProfile {
                    source_name,
                    problems,
                } => {
                    eprintln!("error: CRS profile {source_name}:");
                    for p in problems {
                        eprintln!("  {p}");
                    }
                }
                _ => eprintln!("error: {e}"),
            }
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<String, eesim::Error> {
    let profile = Profile::from_path(&args.profile)?;
    let b = profile.breakdown()?;
    // The sections add up to the total (the caps are applied inside each section).
    assert_eq!(
        b.core_and_spouse() + b.transferability.total + b.additional.total,
        b.total.get()
    );
    let path = match args.until {
        Some(until) => Some(ScorePlan::new(profile)?.path(until)?),
        None => None,
    };
    if args.json {
        let mut out = b.to_json();
        if let Some(path) = &path {
            out["path"] = path
                .points()
                .iter()
                .map(|(d, s)| serde_json::json!({ "date": d, "score": s }))
                .collect();
        }
        return Ok(out.to_string());
    }
    let mut text = b.to_string();
    if let Some(path) = &path {
        text.push_str(&format!("\n\nScore path to {}:", path.until()));
        for (d, s) in path.points() {
            text.push_str(&format!("\n  {d}  {s}"));
        }
    }
    Ok(text)
}
