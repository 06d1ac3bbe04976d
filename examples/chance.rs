//! The main job: a candidate's chance of an Invitation to Apply by date, with intervals.
//!
//! ```text
//! cargo run --release --example chance -- [--crs 505] [--programs cec] [--categories french]
//!     [--submitted 2026-01-15] [--horizon-days 182] [--runs 10000] [--seed 42]
//!     [--scenario FILE] [--json] [--exact] [--to-landing]
//! ```
//!
//! It runs the embedded default scenario (or `--scenario FILE`) many times in parallel and
//! prints the chance of a first invitation within 1, 3, 6 and 12 months (those inside the
//! horizon) with Wilson 95% intervals, the cut-off fans of the rounds that can reach the
//! candidate, and the scores that would give 50% and 90% by the horizon. With `--json` it
//! prints one JSON object instead (`p`, `lo`, `hi`, `runs`, `seed` at the top level are for
//! the horizon). With `--to-landing` it follows each run to landing as a permanent resident.
//! Wall time and runs per second go to stderr.
//!
//! What it shows: `report::ChanceReport` over `Scenario`, `ScenarioRun` and `MonteCarlo`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use eesim::report::{ChanceReport, ChanceRequest};
use eesim::scenario::{Engine, Scenario};

/// Estimate the chance of an Express Entry invitation.
#[derive(Parser, Debug)]
struct Args {
    /// The candidate's CRS score.
    #[arg(long, default_value_t = 500)]
    crs: u16,
    /// Programs the candidate is eligible for, comma-separated (cec, fsw, fst).
    #[arg(long, default_value = "cec", value_delimiter = ',')]
    programs: Vec<String>,
    /// Categories the candidate qualifies for, comma-separated (french, healthcare, ...).
    #[arg(long, value_delimiter = ',')]
    categories: Vec<String>,
    /// When the profile was submitted (default: 30 days before the scenario starts).
    #[arg(long)]
    submitted: Option<jiff::civil::Date>,
    /// How many days to look ahead from the scenario's start.
    #[arg(long, default_value_t = 182)]
    horizon_days: u32,
    /// How many simulated futures.
    #[arg(long, default_value_t = 10_000)]
    runs: u64,
    /// The master seed: the same seed gives the same answer on any number of threads.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// A scenario file (TOML or JSON) instead of the embedded default.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
    /// Simulate with the exact cohort pool instead of the fluid engine (about 30 times slower).
    #[arg(long)]
    exact: bool,
    /// Follow each run past the ITA to landing (use a long horizon, such as 540 days).
    #[arg(long)]
    to_landing: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let run = || -> Result<(), eesim::Error> {
        let scenario = match &args.scenario {
            Some(path) => Scenario::from_path(path)?,
            None => Scenario::default_calibrated()?,
        };
        let request = ChanceRequest {
            crs: eesim::CrsScore::new(args.crs)?,
            membership: eesim::Membership::from_names(&args.programs, &args.categories)?,
            submitted: args.submitted,
            horizon_days: args.horizon_days,
            runs: args.runs,
            seed: args.seed,
            engine: if args.exact {
                Engine::Exact
            } else {
                Engine::Fluid
            },
            to_landing: args.to_landing,
            ..ChanceRequest::default()
        };
        let timer = Instant::now();
        let report = ChanceReport::run(&scenario, &request, |_| {})?;
        let wall = timer.elapsed().as_secs_f64();
        eprintln!(
            "{} runs in {wall:.2} s ({:.0} runs/s)",
            args.runs,
            args.runs as f64 / wall.max(1e-9)
        );
        if args.json {
            println!("{}", report.to_json());
        } else {
            print!("{}", report.to_text());
        }
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
