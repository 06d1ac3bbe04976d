//! What should I improve? Each improvement a candidate can act on, with its new score and the
//! change in the chance of an invitation, estimated on the same simulated futures as the
//! baseline (common random numbers), sorted by gain.
//!
//! ```text
//! cargo run --release --example what_if -- PROFILE.toml [--programs cec] [--categories healthcare]
//!     [--submitted 2026-01-15] [--horizon-days 182] [--runs 10000] [--seed 42] [--scenario FILE] [--json]
//! ```
//!
//! The profile file is the CRS profile format (see the `crs` example). French at NCLC 7 in
//! all abilities also opens the French category; a provincial nomination makes the candidate
//! a nominee. The interval on each change is the paired one (Agresti-Min), which only the runs
//! where the two candidates fare differently widen.
//!
//! What it shows: `report::WhatIfReport` over `crs::improvements` and `MonteCarlo::compare`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use eesim::crs::Profile;
use eesim::report::{ChanceRequest, WhatIfReport};
use eesim::scenario::Scenario;

/// Which improvements would raise the chance of an invitation most.
#[derive(Parser, Debug)]
struct Args {
    /// The CRS profile (TOML or JSON).
    profile: PathBuf,
    /// Programs the candidate is eligible for, comma-separated.
    #[arg(long, default_value = "cec", value_delimiter = ',')]
    programs: Vec<String>,
    /// Occupation categories the candidate qualifies for, comma-separated.
    #[arg(long, value_delimiter = ',')]
    categories: Vec<String>,
    /// When the profile was submitted (default: 30 days before the scenario starts).
    #[arg(long)]
    submitted: Option<jiff::civil::Date>,
    /// How many days to look ahead.
    #[arg(long, default_value_t = 182)]
    horizon_days: u32,
    /// Simulated futures.
    #[arg(long, default_value_t = 10_000)]
    runs: u64,
    /// The master seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// A scenario file instead of the embedded default.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
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

fn run(args: &Args) -> Result<(), eesim::Error> {
    let profile = Profile::from_path(&args.profile)?;
    let scenario = match &args.scenario {
        Some(p) => Scenario::from_path(p)?,
        None => Scenario::default_calibrated()?,
    };
    let request = ChanceRequest {
        membership: eesim::Membership::from_names(&args.programs, &args.categories)?,
        submitted: args.submitted,
        horizon_days: args.horizon_days,
        runs: args.runs,
        seed: args.seed,
        ..ChanceRequest::default()
    };
    let timer = std::time::Instant::now();
    let report = WhatIfReport::run(&scenario, &profile, &request)?;
    eprintln!(
        "{} runs in {:.2} s",
        args.runs,
        timer.elapsed().as_secs_f64()
    );
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.to_text());
    }
    Ok(())
}
