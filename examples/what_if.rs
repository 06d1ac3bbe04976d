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
//! What it shows: `crs::improvements`, `MonteCarlo::compare`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use eesim::crs::{Profile, improvements, qualifies_for_french};
use eesim::montecarlo::{MonteCarlo, Point, RunModel};
use eesim::scenario::{Scenario, ScenarioRun};
use eesim::{Eligibility, Program, Timestamp};
use serde_json::json;

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
    let model = ScenarioRun::new(&scenario, None, args.horizon_days)?;
    let mut base_eligibility = Eligibility::none();
    for name in &args.programs {
        let p = Program::ALL
            .into_iter()
            .find(|p| p.name() == name.trim())
            .ok_or_else(|| eesim::ErrorKind::UnknownProgram {
                found: name.clone(),
            })?;
        base_eligibility = base_eligibility.with_program(p);
    }
    for c in &args.categories {
        base_eligibility = base_eligibility.with_category(model.categories().id(c.trim())?);
    }
    let french = model.categories().id("french")?;
    let eligibility_of = |p: &Profile| {
        let mut e = base_eligibility;
        if qualifies_for_french(p) {
            e = e.with_category(french);
        }
        if p.provincial_nomination {
            e = e.with_nomination();
        }
        e
    };
    let base_score = profile.breakdown()?.total;
    let base = Point {
        eligibility: eligibility_of(&profile),
        score: base_score,
    };
    let options = improvements(&profile)?;
    let mut variants = Vec::new();
    for o in &options {
        variants.push(Point {
            eligibility: eligibility_of(&o.profile),
            score: o.profile.breakdown()?.total,
        });
    }
    let start = Timestamp::start_of_day(scenario.as_of());
    let submitted = args
        .submitted
        .map_or(start.plus_days(-30), Timestamp::start_of_day);
    let timer = std::time::Instant::now();
    let counts = MonteCarlo::new(args.runs, args.seed).compare(
        &model,
        submitted,
        base,
        &variants,
        args.horizon_days,
    );
    eprintln!(
        "{} runs in {:.2} s",
        args.runs,
        timer.elapsed().as_secs_f64()
    );
    let mut rows: Vec<(usize, f64)> = counts
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.difference().d))
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let base_chance = counts.first().map(|c| c.base_chance());
    if args.json {
        let items: Vec<_> = rows
            .iter()
            .map(|(i, _)| {
                let c = counts[*i];
                let d = c.difference();
                let v = c.variant_chance();
                json!({"improvement": options[*i].label, "crs": variants[*i].score.get(),
                       "p": v.p, "lo": v.lo, "hi": v.hi, "gain": d.d, "gain_lo": d.lo, "gain_hi": d.hi})
            })
            .collect();
        let b = base_chance.unwrap_or(eesim::montecarlo::Interval::wilson(0, 0));
        println!(
            "{}",
            json!({"crs": base_score.get(), "p": b.p, "lo": b.lo, "hi": b.hi, "runs": args.runs, "seed": args.seed,
            "horizon_days": args.horizon_days, "as_of": scenario.as_of().to_string(), "improvements": items})
        );
        return Ok(());
    }
    println!(
        "What would change your chance of an invitation within {} days (scenario as of {})",
        args.horizon_days,
        scenario.as_of()
    );
    if let Some(b) = base_chance {
        println!(
            "Now: CRS {base_score}, chance {:.1}% [{:.1}%, {:.1}%] ({} runs, seed {})\n",
            100.0 * b.p,
            100.0 * b.lo,
            100.0 * b.hi,
            args.runs,
            args.seed
        );
    }
    println!(
        "  {:<44} {:>5} {:>8}  {:>8}   {:<17}",
        "improvement", "CRS", "chance", "change", "95% interval"
    );
    for (i, _) in rows {
        let c = counts[i];
        let d = c.difference();
        let v = c.variant_chance();
        println!(
            "  {:<44} {:>5} {:>7.1}%  {:>+7.1}%   [{:+.1}%, {:+.1}%]",
            options[i].label,
            variants[i].score.get(),
            100.0 * v.p,
            100.0 * d.d,
            100.0 * d.lo,
            100.0 * d.hi
        );
    }
    println!("\n(Changes are paired: both chances come from the same simulated futures.)");
    Ok(())
}

#[allow(dead_code)]
fn _start<M: RunModel>(m: &M) -> Timestamp {
    m.start()
}
