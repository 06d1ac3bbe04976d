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
//! the horizon). Wall time and runs per second go to stderr.
//!
//! What it shows: `Scenario`, `ScenarioRun`, `MonteCarlo` with probes, reading a `Tally`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use eesim::montecarlo::{Interval, MonteCarlo, ProbeProfile, Probes, RunModel, Tally};
use eesim::scenario::{Engine, FocalSpec, Scenario, ScenarioRun};
use eesim::{CrsScore, FocalResponse, Period, Program, ProgramSet, Target, Timestamp};
use serde_json::json;

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
    /// Simulate with the exact cohort pool instead of the fluid engine (about 20 times slower).
    #[arg(long)]
    exact: bool,
    /// Follow each run past the ITA to landing, and print the chance of permanent residence
    /// too (give a horizon long enough for processing, such as --horizon-days 540).
    #[arg(long)]
    to_landing: bool,
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
    let scenario = match &args.scenario {
        Some(path) => Scenario::from_path(path)?,
        None => Scenario::default_calibrated()?,
    };
    let score = CrsScore::new(args.crs)?;
    let mut programs = ProgramSet::EMPTY;
    for name in &args.programs {
        let p = Program::ALL
            .into_iter()
            .find(|p| p.name() == name.trim())
            .ok_or_else(|| eesim::ErrorKind::UnknownProgram {
                found: name.clone(),
            })?;
        programs = programs.with(p);
    }
    let start = Timestamp::start_of_day(scenario.as_of());
    let submitted = args
        .submitted
        .map_or(start.plus_days(-30), Timestamp::start_of_day);
    let focal = FocalSpec {
        score,
        changes: Vec::new(),
        programs,
        nominee: false,
        categories: args
            .categories
            .iter()
            .map(|c| c.trim().to_string())
            .collect(),
        submitted_at: submitted,
        response: FocalResponse::Apply,
    };
    let engine = if args.exact {
        Engine::Exact
    } else {
        Engine::Fluid
    };
    let model = ScenarioRun::new(&scenario, Some(focal), args.horizon_days)?
        .engine(engine)
        .to_landing(args.to_landing);
    let eligibility = model.focal_eligibility()?.unwrap_or_default();
    let probes = Probes::new(
        vec![ProbeProfile {
            name: "you".into(),
            eligibility,
            submitted_at: submitted,
        }],
        CrsScore::new(300)?,
        CrsScore::new(600)?,
    )?;
    let timer = Instant::now();
    let tally = MonteCarlo::new(args.runs, args.seed)
        .probes(probes)
        .estimate(&model);
    let wall = timer.elapsed().as_secs_f64();
    eprintln!(
        "{} runs in {wall:.2} s ({:.0} runs/s)",
        tally.runs(),
        tally.runs() as f64 / wall.max(1e-9)
    );

    let months: Vec<(u32, u32)> = [1, 3, 6, 12]
        .into_iter()
        .filter_map(|m| {
            let days =
                (Period::months(m).ok()?.after(start).as_second() - start.as_second()) / 86_400;
            let days = u32::try_from(days).ok()?;
            (days <= args.horizon_days).then_some((m, days))
        })
        .collect();
    let families: Vec<(String, Target)> = tally
        .targets()
        .into_iter()
        .filter(|t| t.matches(eligibility))
        .filter_map(|t| scenario_family(&model, &scenario, t).map(|f| (f, t)))
        .collect();
    let tally = &tally;
    let chance = tally.chance();
    let p50 = tally.score_for("you", 0.5);
    let p90 = tally.score_for("you", 0.9);
    if args.json {
        let interval = |i: Interval| json!({"p": i.p, "lo": i.lo, "hi": i.hi});
        let fans: Vec<_> = families
            .iter()
            .flat_map(|(name, t)| {
                tally.cutoff_months(*t).into_iter().filter_map(move |m| {
                    let (rounds, q) =
                        tally.cutoff_quantiles(*t, m, &[0.1, 0.25, 0.5, 0.75, 0.9])?;
                    Some(
                        json!({"family": name, "month": month_label(start, m), "rounds": rounds,
                        "p10": q[0], "p25": q[1], "p50": q[2], "p75": q[3], "p90": q[4]}),
                    )
                })
            })
            .collect();
        let out = json!({
            "p": chance.p, "lo": chance.lo, "hi": chance.hi, "runs": tally.runs(), "seed": tally.seed(),
            "horizon_days": args.horizon_days,
            "as_of": scenario.as_of().to_string(),
            "candidate": {"crs": args.crs, "programs": args.programs, "categories": args.categories, "submitted": submitted.date().to_string()},
            "by_month": months.iter().map(|(m, d)| { let i = tally.chance_within(*d); json!({"months": m, "days": d, "p": i.p, "lo": i.lo, "hi": i.hi}) }).collect::<Vec<_>>(),
            "curve": (0..=args.horizon_days).step_by(7).chain(std::iter::once(args.horizon_days)).map(|d| json!({"day": d, "chance": interval(tally.chance_within(d))})).collect::<Vec<_>>(),
            "fans": fans,
            "score_for": {"p50": p50, "p90": p90},
            "landing": if args.to_landing {
                let l = tally.landing();
                json!({"p": l.p, "lo": l.lo, "hi": l.hi,
                       "curve": (0..=args.horizon_days).step_by(7).chain(std::iter::once(args.horizon_days)).map(|d| json!({"day": d, "chance": interval(tally.landing_within(d))})).collect::<Vec<_>>(),
                       "stages": tally.stages().into_iter().map(|(s, n)| (format!("{s:?}").to_lowercase(), n)).collect::<std::collections::BTreeMap<_, _>>()})
            } else {
                serde_json::Value::Null
            },
            "wall_seconds": wall,
        });
        println!("{out}");
        return Ok(());
    }
    println!(
        "Chance of an Express Entry invitation, scenario as of {}",
        scenario.as_of()
    );
    println!("  {}", scenario.source());
    let cats = if args.categories.is_empty() {
        "none".to_string()
    } else {
        args.categories.join(", ")
    };
    println!(
        "Candidate: CRS {}, programs {}, categories {cats}, submitted {}",
        args.crs,
        args.programs.join(", "),
        submitted.date()
    );
    println!(
        "{} simulated futures (seed {}), horizon {} days\n",
        tally.runs(),
        tally.seed(),
        args.horizon_days
    );
    println!("  within      chance    95% interval");
    for (m, d) in &months {
        let i = tally.chance_within(*d);
        println!(
            "  {m:>2} month{} {:>7.1}%    [{:.1}%, {:.1}%]",
            if *m == 1 { " " } else { "s" },
            100.0 * i.p,
            100.0 * i.lo,
            100.0 * i.hi
        );
    }
    println!(
        "  {:>3} days  {:>7.1}%    [{:.1}%, {:.1}%]",
        args.horizon_days,
        100.0 * chance.p,
        100.0 * chance.lo,
        100.0 * chance.hi
    );
    if args.to_landing {
        println!("\n  landed as a permanent resident within");
        for (m, d) in &months {
            let i = tally.landing_within(*d);
            println!(
                "  {m:>2} month{} {:>7.1}%    [{:.1}%, {:.1}%]",
                if *m == 1 { " " } else { "s" },
                100.0 * i.p,
                100.0 * i.lo,
                100.0 * i.hi
            );
        }
        let l = tally.landing();
        println!(
            "  {:>3} days  {:>7.1}%    [{:.1}%, {:.1}%]",
            args.horizon_days,
            100.0 * l.p,
            100.0 * l.lo,
            100.0 * l.hi
        );
        let stages: Vec<String> = tally
            .stages()
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{s:?} {:.1}%", 100.0 * n as f64 / tally.runs() as f64))
            .collect();
        println!("  where you stand at the horizon: {}", stages.join(", "));
    }
    println!("\nSimulated cut-offs of the rounds that can reach you (10% / 50% / 90% of rounds):");
    println!("  family        month     rounds   p10   p50   p90");
    for (name, t) in &families {
        for m in tally.cutoff_months(*t) {
            if let Some((rounds, q)) = tally.cutoff_quantiles(*t, m, &[0.1, 0.5, 0.9]) {
                println!(
                    "  {name:<12}  {}  {rounds:>7}  {:>4}  {:>4}  {:>4}",
                    month_label(start, m),
                    q[0],
                    q[1],
                    q[2]
                );
            }
        }
    }
    let show = |s: Option<u16>| s.map_or_else(|| "above 600".to_string(), |s| s.to_string());
    println!(
        "\nScore giving this profile a chance within {} days of 50%: {}; of 90%: {}",
        args.horizon_days,
        show(p50),
        show(p90)
    );
    println!(
        "(Each figure is the share of simulated futures; the interval is the Monte Carlo uncertainty of"
    );
    println!("that share, not of the model's assumptions: see the scenario file for those.)");
    Ok(())
}

fn scenario_family(
    _model: &ScenarioRun<'_>,
    scenario: &Scenario,
    target: Target,
) -> Option<String> {
    match target {
        Target::Category(c) => Some(_model.categories().name(c).to_string()),
        other => scenario.family_of(other),
    }
}

fn month_label(start: Timestamp, month: u32) -> String {
    let d = start.date();
    let total = i32::from(d.year()) * 12 + i32::from(d.month()) - 1 + month as i32;
    format!("{:04}-{:02}", total / 12, total % 12 + 1)
}

#[allow(dead_code)]
fn _uses(t: &Tally, m: &ScenarioRun<'_>) -> u32 {
    t.horizon_days() + m.horizon_days()
}
