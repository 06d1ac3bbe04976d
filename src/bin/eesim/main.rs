//! `eesim`: the command line over the library: parse, run in a thread pool, print.

mod args;
mod plot;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use eesim::backtest::{self, BacktestOptions};
use eesim::crs::{Profile, ScorePlan};
use eesim::feed::Replay;
use eesim::report::{ChanceReport, ChanceRequest, WhatIfReport};
use eesim::scenario::{Engine, Scenario};
use eesim::{CandidateList, Categories, HeldRound, Timestamp};
use indicatif::{ProgressBar, ProgressStyle};

use args::{Cli, Command, EstimateArgs};

type Outcome = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Writes to stdout; a closed pipe (`eesim ... | head`) ends the program quietly, as for any
/// well-behaved command, instead of panicking.
fn write_out(text: std::fmt::Arguments<'_>, newline: bool) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_fmt(text).and_then(|()| {
        if newline {
            stdout.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    if let Err(e) = written {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing the output: {e}");
        std::process::exit(1);
    }
}

macro_rules! out {
    ($($arg:tt)*) => { write_out(format_args!($($arg)*), false) };
}

macro_rules! outln {
    () => { write_out(format_args!(""), true) };
    ($($arg:tt)*) => { write_out(format_args!($($arg)*), true) };
}

// After the output macros, which they use.
mod data;
mod fetch;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let pool = match cli.threads {
        Some(n) => rayon::ThreadPoolBuilder::new().num_threads(n).build(),
        None => rayon::ThreadPoolBuilder::new().build(),
    };
    let result = match pool {
        Ok(pool) => pool.install(|| run(&cli)),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report_error(e.as_ref());
            ExitCode::FAILURE
        }
    }
}

/// Prints an error to stderr; a profile or scenario with several problems gets one a line.
fn report_error(e: &(dyn std::error::Error + 'static)) {
    if let Some(eesim_error) = e.downcast_ref::<eesim::Error>() {
        match eesim_error.kind() {
            eesim::ErrorKind::InvalidProfile {
                source_name,
                problems,
            }
            | eesim::ErrorKind::InvalidScenario {
                source_name,
                problems,
            } => {
                let what = if matches!(eesim_error.kind(), eesim::ErrorKind::InvalidProfile { .. })
                {
                    "CRS profile"
                } else {
                    "scenario"
                };
                let source = if source_name.is_empty() {
                    String::new()
                } else {
                    format!(" {source_name}")
                };
                let plural = if problems.len() == 1 { "" } else { "s" };
                eprintln!("error: {what}{source}: {} problem{plural}", problems.len());
                for p in problems {
                    eprintln!("  {p}");
                }
                return;
            }
            _ => {}
        }
    }
    eprintln!("error: {e}");
}

fn run(cli: &Cli) -> Outcome {
    match &cli.command {
        Command::Chance(a) => chance(a, cli.quiet),
        Command::Crs(a) => crs(a),
        Command::WhatIf(a) => what_if(a),
        Command::Replay(a) => replay(a),
        Command::Calibrate(a) => calibrate(a),
        Command::Backtest(a) => backtest_cmd(a, cli.quiet),
        Command::Draw(a) => draw(a),
        Command::Fetch(a) => fetch::fetch(a),
    }
}

/// A progress bar on stderr, hidden when stderr is not a terminal or with --quiet.
fn progress(len: u64, unit: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    let template = format!("{{bar:40}} {{pos}}/{{len}} {unit} ({{eta}} left)");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}

fn request(e: &EstimateArgs) -> ChanceRequest {
    ChanceRequest {
        programs: e.programs.clone(),
        categories: e.categories.clone(),
        submitted: e.submitted,
        horizon_days: e.horizon_days,
        runs: e.runs,
        seed: e.seed,
        ..ChanceRequest::default()
    }
}

fn chance(a: &args::ChanceArgs, quiet: bool) -> Outcome {
    let data = data::scenario(&a.estimate)?;
    let scenario = &data.scenario;
    let mut request = ChanceRequest {
        crs: a.crs.unwrap_or(500),
        engine: if a.exact {
            Engine::Exact
        } else {
            Engine::Fluid
        },
        to_landing: a.to_landing,
        ..request(&a.estimate)
    };
    if let Some(path) = &a.profile {
        let mut profile = Profile::from_path(path)?;
        profile.assessed_on = scenario.as_of();
        if matches!(profile.age, eesim::crs::Age::Years(_)) {
            // An age without a birth date: the score stays as assessed.
            request.crs = profile.breakdown()?.total.get();
        } else {
            let days = i64::from(a.estimate.horizon_days);
            let until = scenario.as_of().checked_add(jiff::Span::new().days(days))?;
            let path = ScorePlan::new(profile)?.path(until)?;
            request.crs = path.initial().map_or(request.crs, |s| s.get());
            request.changes = path.points().iter().skip(1).copied().collect();
        }
        request.nominee = profile.provincial_nomination;
        if eesim::crs::qualifies_for_french(&profile)
            && !request.categories.iter().any(|c| c == "french")
        {
            request.categories.push("french".into());
        }
    }
    let bar = progress(a.estimate.runs, "runs", quiet);
    let report = ChanceReport::run(scenario, &request, |p| bar.set_position(p.done))?;
    bar.finish_and_clear();
    if a.estimate.json {
        let mut json = report.to_json();
        json["data"] = data.json;
        outln!("{json}");
    } else {
        outln!("{}", data.line);
        out!("{}", report.to_text());
    }
    if let Some(path) = &a.plot {
        let drawn = if a.by_score {
            plot::chance_by_score(path, &report)
        } else {
            plot::chance_over_time(path, &report)
        };
        drawn.map_err(|e| writing(path, e))?;
    }
    Ok(())
}

/// An error writing `path`, naming it.
fn writing(
    path: &std::path::Path,
    e: impl std::fmt::Display,
) -> Box<dyn std::error::Error + Send + Sync> {
    format!("writing {}: {e}", path.display()).into()
}

fn crs(a: &args::CrsArgs) -> Outcome {
    let profile = Profile::from_path(&a.profile)?;
    let b = profile.breakdown()?;
    let path = a
        .until
        .map(|until| ScorePlan::new(profile)?.path(until))
        .transpose()?;
    if a.json {
        let mut out = b.to_json();
        if let Some(path) = &path {
            out["path"] = path
                .points()
                .iter()
                .map(|(d, s)| serde_json::json!({"date": d, "score": s}))
                .collect();
        }
        outln!("{out}");
    } else {
        outln!("{b}");
        if let Some(path) = &path {
            outln!("\nScore path to {}:", path.until());
            for (d, s) in path.points() {
                outln!("  {d}  {s}");
            }
        }
    }
    Ok(())
}

fn what_if(a: &args::WhatIfArgs) -> Outcome {
    let profile = Profile::from_path(&a.profile)?;
    let data = data::scenario(&a.estimate)?;
    let report = WhatIfReport::run(&data.scenario, &profile, &request(&a.estimate))?;
    if a.estimate.json {
        let mut json = report.to_json();
        json["source"] = data.scenario.source().into();
        json["data"] = data.json;
        outln!("{json}");
    } else {
        outln!("{}", data.line);
        out!("{}", report.to_text());
    }
    Ok(())
}

fn replay(a: &args::ReplayArgs) -> Outcome {
    let feed = data::need_feed(a.feed.path())?;
    let history = match a.as_of {
        Some(as_of) => feed.history.before(as_of),
        None => {
            feed.warn_if_stale(data::today()?);
            feed.history.clone()
        }
    };
    let load = &feed.load;
    let replay = Replay::run(&history);
    if a.json {
        let out = serde_json::json!({
            "feed": feed.to_json(),
            "as_of": a.as_of.map(|d| d.to_string()),
            "rounds": history.draws().len(),
            "failed": load.records_failed(),
            "warnings": load.warnings().len(),
            "nowcasts": replay.nowcasts().len(),
            "summary": replay.summary(),
        });
        outln!("{out}");
    } else {
        outln!("Data: {}", feed.describe());
        if let Some(as_of) = a.as_of {
            outln!("Rounds before {as_of}: {}", history.draws().len());
        }
        out!("{load}");
        out!("{}", replay.summary_table());
    }
    if let Some(path) = &a.csv {
        let file = std::fs::File::create(path).map_err(|e| writing(path, e))?;
        replay.write_csv(file).map_err(|e| writing(path, e))?;
    }
    if let Some(path) = &a.plot {
        plot::replay(path, &replay).map_err(|e| writing(path, e))?;
    }
    Ok(())
}

fn calibrate(a: &args::CalibrateArgs) -> Outcome {
    let feed = data::need_feed(a.feed.path())?;
    let history = &feed.history;
    let as_of = match a.as_of {
        Some(d) => d,
        None => {
            feed.warn_if_stale(data::today()?);
            data::day_after_last_round(&feed)?
        }
    };
    let scenario = Scenario::calibrated(history, as_of)?;
    if a.as_of.is_some() {
        data::note_rounds_left_out(history, as_of);
    }
    let json = a.json
        || a.out
            .as_ref()
            .is_some_and(|p| p.extension().is_some_and(|e| e == "json"));
    let text = if json {
        scenario.to_json()
    } else {
        scenario.to_toml()
    };
    let newest = history
        .snapshots()
        .iter()
        .map(|s| s.date())
        .filter(|d| *d < as_of)
        .max();
    if let Some(newest) = newest
        && (as_of - newest).get_days() > 60
    {
        eprintln!(
            "note: the newest pool snapshot before {as_of} is of {newest}: the scenario starts from a stale pool"
        );
    }
    match &a.out {
        Some(path) => std::fs::write(path, text).map_err(|e| writing(path, e))?,
        None => out!("{text}"),
    }
    Ok(())
}

fn backtest_cmd(a: &args::BacktestArgs, quiet: bool) -> Outcome {
    if a.from >= a.to {
        return Err(format!(
            "backtest: expected --from before --to, found {} and {}",
            a.from, a.to
        )
        .into());
    }
    let feed = data::need_feed(a.feed.path())?;
    feed.warn_if_stale(data::today()?);
    let history = &feed.history;
    let mut options = BacktestOptions::new(a.from, a.to, a.runs);
    options.seed = a.seed;
    options.every_days = a.every;
    let bar = progress(0, "origins", quiet);
    let report = backtest::run(history, &options, |_, i, n| {
        bar.set_length(n as u64);
        bar.set_position(i as u64);
    })?;
    bar.finish_and_clear();
    if a.json {
        let profiles: serde_json::Map<String, serde_json::Value> = options
            .profiles
            .iter()
            .map(|p| {
                let g = report.group_scores(|f| f.profile == p.name && f.last_cutoff.is_some());
                let apart =
                    report.group_scores(|f| f.profile == p.name && f.last_cutoff.is_none());
                (
                    p.name.clone(),
                    serde_json::json!({"with_a_round_in_the_year": g, "no_round_in_the_year": apart}),
                )
            })
            .collect();
        let out = serde_json::json!({
            "feed": feed.to_json(),
            "forecasts": report.forecasts.len(),
            "unscored_origins": report.unscored_origins,
            "all": report.group_scores(|_| true),
            "all_with_a_round_in_the_year": report.group_scores(|f| f.last_cutoff.is_some()),
            "profiles": profiles,
            "reliability": report.reliability(),
        });
        outln!("{out}");
    } else {
        outln!("Data: {}", feed.describe());
        out!("{}", report.summary_table(&options));
    }
    if let Some(path) = &a.csv {
        let file = std::fs::File::create(path).map_err(|e| writing(path, e))?;
        report
            .write_csv(std::io::BufWriter::new(file))
            .map_err(|e| writing(path, e))?;
    }
    if let Some(path) = &a.plot {
        plot::reliability(path, &report, &options).map_err(|e| writing(path, e))?;
    }
    Ok(())
}

fn draw(a: &args::DrawArgs) -> Outcome {
    let list = CandidateList::from_path(&a.candidates, Categories::ircc_2026())?;
    let at = a.at.as_deref().map(str::parse::<Timestamp>).transpose()?;
    let round = list.hold_round(&a.target, a.size, at)?;
    for note in round.notes() {
        eprintln!("note: {note}");
    }
    let HeldRound {
        outcome, invited, ..
    } = &round;
    if a.json {
        outln!("{}", round.to_json());
        return Ok(());
    }
    let show = |x: Option<String>| x.unwrap_or_else(|| "none".into());
    outln!(
        "Invited {} of {} (cut-off {}, tie-break {})",
        outcome.invited,
        a.size,
        show(outcome.cutoff.map(|c| c.to_string())),
        show(outcome.tie_break.map(|t| t.to_string()))
    );
    outln!("  rank  id                    CRS  submitted");
    for (i, (c, name)) in outcome.invitees.iter().zip(invited).enumerate() {
        outln!(
            "  {:>4}  {name:<20} {:>4}  {}",
            i + 1,
            c.score,
            c.submitted_at
        );
    }
    Ok(())
}
