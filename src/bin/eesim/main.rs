//! `eesim`: the command line over the library: parse, run in a thread pool, print.

mod args;
mod batch;
mod parse;
mod plot;
mod style;

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches};
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
        eprintln!("{} writing the output: {e}", style::error());
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
#[cfg(feature = "serve")]
mod serve;
/// A note on stderr.
macro_rules! note {
    ($($arg:tt)*) => { eprintln!("{} {}", style::note(), format_args!($($arg)*)) };
}

/// The date the embedded scenario starts on, read from its `as_of` line.
fn embedded_as_of() -> &'static str {
    eesim::scenario::DEFAULT_TOML
        .lines()
        .find_map(|l| l.strip_prefix("as_of = \""))
        .and_then(|l| l.split('"').next())
        .unwrap_or("unknown")
}

/// The command line, with a version that names the embedded scenario's date.
fn command() -> clap::Command {
    let version = format!(
        "{} (embedded scenario as of {})",
        env!("CARGO_PKG_VERSION"),
        embedded_as_of()
    );
    Cli::command().version(version.leak() as &'static str)
}

fn main() -> ExitCode {
    let cli = match command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let threads = match &cli.command {
        Command::Chance(a) => a.estimate.run.threads,
        Command::WhatIf(a) => a.estimate.run.threads,
        Command::Backtest(a) => a.run.threads,
        _ => None,
    };
    let pool = match threads {
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

/// A bad argument: a value our parsers refused is said in the project's style (`error: --runs:
/// expected ..., found ...`); clap's own errors (an unknown option, --help) as clap says them.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() == ErrorKind::ValueValidation
        && let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg)
        && let Some(why) = std::error::Error::source(e)
    {
        let name = arg.split_whitespace().next().unwrap_or(arg);
        eprintln!("{} {name}: {why}", style::error());
        eprintln!("For more information, try '--help'.");
        return ExitCode::from(2);
    }
    let _ = e.print();
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}

/// Prints an error to stderr; a profile or scenario with several problems gets one a line.
fn report_error(e: &(dyn std::error::Error + 'static)) {
    let error = style::error();
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
                eprintln!("{error} {what}{source}: {} problem{plural}", problems.len());
                for p in problems {
                    eprintln!("  {p}");
                }
                return;
            }
            _ => {}
        }
    }
    eprintln!("{error} {e}");
}

fn run(cli: &Cli) -> Outcome {
    match &cli.command {
        Command::Chance(a) => chance(a),
        Command::Crs(a) => crs(a),
        Command::WhatIf(a) => what_if(a),
        Command::Replay(a) => replay(a),
        Command::Calibrate(a) => calibrate(a),
        Command::Backtest(a) => backtest_cmd(a),
        Command::Draw(a) => draw(a),
        Command::Fetch(a) => fetch::fetch(a),
        #[cfg(feature = "serve")]
        Command::Serve(a) => serve::serve(a),
        Command::Completions(a) => {
            let mut out = Vec::new();
            clap_complete::generate(a.shell, &mut command(), "eesim", &mut out);
            out!("{}", String::from_utf8_lossy(&out));
            Ok(())
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(command()).render(&mut out)?;
            out!("{}", String::from_utf8_lossy(&out));
            Ok(())
        }
    }
}

/// A progress bar on stderr, drawn at once and ticking, with the time left; hidden when
/// stderr is not a terminal or with --quiet.
fn progress(len: u64, unit: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    let template =
        format!("{{spinner}} {{bar:40}} {{pos}}/{{len}} {unit}, {{elapsed}} so far, {{eta}} left");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Checks that `path` can be written before a long run, leaving nothing behind: an existing
/// file is opened without truncating it, a new one is created and removed.
fn check_writable(path: Option<&Path>) -> Outcome {
    let Some(path) = path else { return Ok(()) };
    let existed = path.exists();
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| writing(path, e))?;
    if !existed {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

/// The scenario of `--scenario`, or the embedded one; IRCC's rounds feed given in its place
/// is recognised and named as such.
pub(crate) fn load_scenario(
    path: Option<&Path>,
) -> Result<Scenario, Box<dyn std::error::Error + Send + Sync>> {
    let Some(path) = path else {
        return Ok(Scenario::default_calibrated()?);
    };
    Scenario::from_path(path).map_err(|e| {
        let is_feed = std::fs::read_to_string(path)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .is_some_and(|v| v.get("rounds").is_some_and(serde_json::Value::is_array));
        if is_feed {
            format!(
                "{}: expected a scenario, found IRCC's rounds feed: make a scenario from it with `eesim calibrate {} --out scenario.toml`",
                path.display(),
                path.display()
            )
            .into()
        } else {
            e.into()
        }
    })
}

/// The request of the estimate arguments: lists flattened, categories checked against the
/// scenario's (ignoring case, with a "did you mean").
fn request(e: &EstimateArgs, scenario: &Scenario) -> Result<ChanceRequest, String> {
    let mut programs = parse::flatten(&e.programs);
    if programs.is_empty() {
        programs.push("cec".into());
    }
    let names: Vec<&str> = scenario.categories().names().collect();
    let categories = parse::flatten(&e.categories)
        .iter()
        .map(|c| {
            parse::known(c, &names, &format!("one of {}", names.join(", ")))
                .map(str::to_string)
                .map_err(|m| format!("--categories: {m}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ChanceRequest {
        programs,
        categories,
        nominee: e.nominee,
        submitted: e.submitted,
        horizon_days: e.horizon_days,
        runs: e.runs,
        seed: e.seed,
        ..ChanceRequest::default()
    })
}

fn chance(a: &args::ChanceArgs) -> Outcome {
    let data = data::scenario(&a.estimate)?;
    let scenario = &data.scenario;
    if let Some(path) = &a.batch {
        return chance_batch(a, path, scenario);
    }
    check_writable(a.plot.as_deref())?;
    if a.crs.is_none() && a.profile.is_none() {
        note!("no --crs or --profile given: estimating for a CRS score of 500");
    }
    let profile = a.profile.as_deref().map(Profile::from_path).transpose()?;
    let bar = progress(a.estimate.runs, "runs", a.estimate.run.quiet);
    let estimate = chance_estimate(a, scenario, profile, |p| bar.set_position(p.done))?;
    bar.finish_and_clear();
    let ChanceEstimate {
        report,
        score_path,
        born,
    } = &estimate;
    // The chart first: a closed pipe cutting the printed report short cannot lose it.
    if let Some(path) = &a.plot {
        let drawn = if a.by_score {
            plot::chance_by_score(path, report)
        } else {
            plot::chance_over_time(path, report)
        };
        drawn.map_err(|e| writing(path, e))?;
    }
    if a.estimate.json {
        outln!("{}", chance_json(&estimate, data.json));
    } else {
        outln!("{}", data.line);
        out!("{}", report.to_text());
        if let Some(((first, score), rest)) = score_path.split_first() {
            outln!("\nScore path simulated: {score} as assessed on {first}");
            for (d, s) in rest {
                let birthday = born.is_some_and(|b| (b.month(), b.day()) == (d.month(), d.day()));
                outln!(
                    "  from {d}: {s}{}",
                    if birthday { " (a birthday)" } else { "" }
                );
            }
        }
    }
    Ok(())
}

/// One `chance` estimate: the report, and the profile's score path when a profile was given.
pub(crate) struct ChanceEstimate {
    pub(crate) report: ChanceReport,
    pub(crate) score_path: Vec<(jiff::civil::Date, eesim::CrsScore)>,
    pub(crate) born: Option<jiff::civil::Date>,
}

/// Runs `chance` for `a` (and `profile`, read from `--profile` or given by `eesim serve`) on
/// `scenario`: the command line and the web API's `/api/chance` run this same code.
pub(crate) fn chance_estimate(
    a: &args::ChanceArgs,
    scenario: &Scenario,
    profile: Option<Profile>,
    progress: impl FnMut(&eesim::montecarlo::Progress),
) -> Result<ChanceEstimate, Box<dyn std::error::Error + Send + Sync>> {
    let mut request = ChanceRequest {
        crs: a.crs.unwrap_or(500),
        engine: if a.exact {
            Engine::Exact
        } else {
            Engine::Fluid
        },
        to_landing: a.to_landing,
        ..request(&a.estimate, scenario)?
    };
    // The profile is scored on its own `assessed_on`, as `eesim crs` scores it; its score
    // path (birthdays, rule changes) runs from there to the horizon.
    let mut score_path = Vec::new();
    let mut born = None;
    if let Some(profile) = profile {
        if let eesim::crs::Age::BornOn(b) = profile.age {
            born = Some(b);
        }
        let days = i64::from(a.estimate.horizon_days);
        let until = scenario
            .as_of()
            .checked_add(jiff::Span::new().days(days))?
            .max(profile.assessed_on);
        let total = profile.breakdown()?.total;
        request.crs = total.get();
        request.nominee |= profile.provincial_nomination;
        if eesim::crs::qualifies_for_french(&profile)
            && !request.categories.iter().any(|c| c == "french")
        {
            request.categories.push("french".into());
        }
        if born.is_some() {
            let path = ScorePlan::new(profile)?.path(until)?;
            request.crs = path.initial().unwrap_or(total).get();
            request.changes = path.points().iter().skip(1).copied().collect();
            score_path = path.points().to_vec();
        } else {
            // An age without a birth date: the score stays as assessed.
            score_path = vec![(profile.assessed_on, total)];
        }
    }
    let report = ChanceReport::run(scenario, &request, progress)?;
    Ok(ChanceEstimate {
        report,
        score_path,
        born,
    })
}

/// The document of `chance --json` (and of `/api/chance`): the report, the data it ran on,
/// and the score path of a profile.
pub(crate) fn chance_json(estimate: &ChanceEstimate, data: serde_json::Value) -> serde_json::Value {
    let mut v = estimate.report.to_json();
    v["data"] = data;
    if !estimate.score_path.is_empty() {
        v["score_path"] = estimate
            .score_path
            .iter()
            .map(|(d, s)| serde_json::json!({"date": d.to_string(), "score": s.get()}))
            .collect();
    }
    v
}

/// `chance --batch FILE.csv`: every candidate on the same runs; the time the runs took on
/// stderr.
fn chance_batch(a: &args::ChanceArgs, path: &Path, scenario: &Scenario) -> Outcome {
    let request = request(&a.estimate, scenario)?;
    let rows = batch::read(path, scenario, &request)?;
    let n = rows.len();
    let bar = progress(request.runs, "runs", a.estimate.run.quiet);
    let done = batch::run(scenario, rows, &request, |d| bar.set_position(d))?;
    bar.finish_and_clear();
    note!(
        "{n} candidate{} judged on the same {} simulated futures in {:.2} s",
        if n == 1 { "" } else { "s" },
        request.runs,
        done.seconds
    );
    if a.estimate.json {
        outln!("{}", done.to_json(scenario, &request));
    } else {
        out!("{}", done.to_csv());
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
    let scenario = &data.scenario;
    let request = request(&a.estimate, scenario)?;
    let bar = progress(a.estimate.runs, "runs", a.estimate.run.quiet);
    let report = WhatIfReport::run_with_progress(scenario, &profile, &request, |done| {
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
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
    check_writable(a.csv.as_deref())?;
    check_writable(a.plot.as_deref())?;
    let feed = data::need_feed(a.feed.path())?;
    let history = match a.as_of {
        Some(as_of) => feed.history.before(as_of),
        None => {
            feed.warn_if_stale(data::today()?);
            feed.history.clone()
        }
    };
    let load = &feed.load;
    // What the reader noticed goes to stderr, never into the table.
    eprint!("{load}");
    let replay = Replay::run(&history);
    // Files first: a closed pipe cutting the printed table short cannot lose them.
    if let Some(path) = &a.csv {
        let file = std::fs::File::create(path).map_err(|e| writing(path, e))?;
        replay
            .write_csv(std::io::BufWriter::new(file))
            .map_err(|e| writing(path, e))?;
    }
    if let Some(path) = &a.plot {
        plot::replay(path, &replay).map_err(|e| writing(path, e))?;
    }
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
        out!("{}", replay.summary_table());
    }
    Ok(())
}

fn calibrate(a: &args::CalibrateArgs) -> Outcome {
    check_writable(a.out.as_deref())?;
    let feed = data::need_feed(a.feed.path())?;
    let history = &feed.history;
    let load = &feed.load;
    if load.records_failed() > 0 || !load.problems().is_empty() {
        eprint!("{load}");
    }
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
        note!(
            "the newest pool snapshot before {as_of} is of {newest}: the scenario starts from a stale pool"
        );
    }
    match &a.out {
        Some(path) => std::fs::write(path, text).map_err(|e| writing(path, e))?,
        None => out!("{text}"),
    }
    Ok(())
}

fn backtest_cmd(a: &args::BacktestArgs) -> Outcome {
    if a.from >= a.to {
        return Err(format!(
            "backtest: expected --from before --to, found {} and {}",
            a.from, a.to
        )
        .into());
    }
    check_writable(a.csv.as_deref())?;
    check_writable(a.plot.as_deref())?;
    let feed = data::need_feed(a.feed.path())?;
    feed.warn_if_stale(data::today()?);
    let history = &feed.history;
    let load = &feed.load;
    if load.records_failed() > 0 || !load.problems().is_empty() {
        eprint!("{load}");
    }
    let mut options = BacktestOptions::new(a.from, a.to, a.runs);
    options.seed = a.seed;
    options.every_days = a.every;
    let bar = progress(0, "origins", a.run.quiet);
    let report = backtest::run(history, &options, |_, i, n| {
        bar.set_length(n as u64);
        bar.set_position(i as u64);
    })?;
    bar.finish_and_clear();
    // Files first: a closed pipe cutting the printed table short cannot lose them.
    if let Some(path) = &a.csv {
        let file = std::fs::File::create(path).map_err(|e| writing(path, e))?;
        report
            .write_csv(std::io::BufWriter::new(file))
            .map_err(|e| writing(path, e))?;
    }
    if let Some(path) = &a.plot {
        plot::reliability(path, &report, &options).map_err(|e| writing(path, e))?;
    }
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
    if report.forecasts.iter().all(|f| f.outcome.is_none()) {
        return Err(format!(
            "backtest: no scored origins from {} to {}: expected an origin whose horizon ends by the feed's last round",
            a.from, a.to
        )
        .into());
    }
    Ok(())
}

fn draw(a: &args::DrawArgs) -> Outcome {
    let list = CandidateList::from_path(&a.candidates, Categories::ircc_2026())?;
    let at = a.at.as_deref().map(str::parse::<Timestamp>).transpose()?;
    // Programs in a target are separated by `;` or `,`, as everywhere.
    let target = if a.target.starts_with("category:") {
        a.target.clone()
    } else {
        a.target.replace(',', ";")
    };
    let round = list.hold_round(&target, a.size, at)?;
    for n in round.notes() {
        note!("{n}");
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
