//! `eesim chance`: one candidate's chance by date, or a batch of candidates on the same runs.

use std::path::Path;

use eesim::crs::Profile;
use eesim::report::{Batch, ChanceReport, ChanceRequest};
use eesim::scenario::{Engine, Scenario};

use crate::args::EstimateArgs;
use crate::bad::BadArgument;
use crate::out::{check_writable, progress, writing};
use crate::{Outcome, args, data, parse, plot};

/// The request of the estimate arguments: lists flattened, categories checked against the
/// scenario's (ignoring case, with a "did you mean").
pub(crate) fn request(e: &EstimateArgs, scenario: &Scenario) -> Result<ChanceRequest, BadArgument> {
    let mut programs = parse::flatten(&e.programs);
    if programs.is_empty() {
        programs.push("cec".into());
    }
    let (categories, dormant) =
        eesim::report::split_categories(scenario, &parse::flatten(&e.categories))
            .map_err(|m| BadArgument::new("--categories", m.to_string()))?;
    let membership = eesim::Membership::from_names(&programs, &categories)
        .map_err(|err| BadArgument::from_error("--programs", &err))?;
    let membership = membership
        .clone()
        .with_nominee(membership.nominee() || e.nominee);
    let request = ChanceRequest {
        membership,
        dormant,
        submitted: e.submitted,
        today: Some(data::today()?),
        horizon_days: e.horizon_days,
        runs: e.runs,
        seed: e.seed,
        ..ChanceRequest::default()
    };
    // A submission the scenario cannot follow is the argument's fault: exit 2.
    request
        .submitted_at(scenario)
        .map_err(|err| BadArgument::from_error("--submitted", &err))?;
    Ok(request)
}

pub(crate) fn chance(a: &args::ChanceArgs) -> Outcome {
    let data = data::scenario(&a.estimate)?;
    let scenario = &data.scenario;
    if let Some(path) = &a.batch {
        if let (Some(shard), Some(out)) = (a.shard, &a.tally_out) {
            return crate::cmd::merge::write_batch_shard(a, path, &data, shard, out);
        }
        return chance_batch(a, path, &data);
    }
    check_writable(a.plot.as_deref())?;
    check_writable(a.tally_out.as_deref())?;
    if a.crs.is_none() && a.profile.is_none() {
        note!("no --crs or --profile given: estimating for a CRS score of 500");
    }
    if a.exact && scenario.combination().is_some() {
        note!(
            "--exact runs the simulation alone: the scenario's combination with the previous cut-off is the fluid engine's"
        );
    }
    let profile = a.profile.as_deref().map(Profile::from_path).transpose()?;
    if let (Some(shard), Some(out)) = (a.shard, &a.tally_out) {
        let (request, (score_path, born)) = chance_request(a, scenario, profile.as_ref())?;
        return crate::cmd::merge::write_chance_shard(
            &data, &request, score_path, born, shard, out,
        );
    }
    let bar = progress(a.estimate.runs, "runs", a.estimate.run.quiet);
    let estimate = chance_estimate(a, scenario, profile.as_ref(), |p| {
        bar.set_position(p.done);
    })?;
    bar.finish_and_clear();
    print_chance(
        &data,
        &estimate,
        a.estimate.json,
        a.plot.as_deref(),
        a.by_score,
    )
}

/// Prints a `chance` estimate on `data` (as text, or JSON), its warnings on stderr, and draws
/// its chart to `plot` (over time, or `by_score`): `eesim chance` and `eesim merge` print
/// with this same code.
pub(crate) fn print_chance(
    data: &data::Data,
    estimate: &ChanceEstimate,
    json: bool,
    plot: Option<&Path>,
    by_score: bool,
) -> Outcome {
    let warnings = all_warnings(estimate, &data.warnings);
    for w in &warnings {
        eprintln!("{} {w}", crate::style::warning());
    }
    let ChanceEstimate {
        report,
        score_path,
        born,
    } = estimate;
    // The chart first: a closed pipe cutting the printed report short cannot lose it.
    if let Some(path) = plot {
        let drawn = if by_score {
            plot::chance_by_score(path, report)
        } else {
            plot::chance_over_time(path, report, score_path)
        };
        drawn.map_err(|e| writing(path, e))?;
    }
    if json {
        outln!(
            "{}",
            chance_json(estimate, data.json.clone(), &data.warnings)
        );
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
    profile: Option<&Profile>,
    progress: impl FnMut(&eesim::montecarlo::Progress),
) -> Result<ChanceEstimate, Box<dyn std::error::Error + Send + Sync>> {
    let (request, (score_path, born)) = chance_request(a, scenario, profile)?;
    let report = ChanceReport::run(scenario, &request, progress)?;
    Ok(ChanceEstimate {
        report,
        score_path,
        born,
    })
}

/// A profile's score path and birth date, as `chance` reports them.
type ScorePath = (
    Vec<(jiff::civil::Date, eesim::CrsScore)>,
    Option<jiff::civil::Date>,
);

/// The request of `chance` for `a` (and `profile`), with the profile's score path.
pub(crate) fn chance_request(
    a: &args::ChanceArgs,
    scenario: &Scenario,
    profile: Option<&Profile>,
) -> Result<(ChanceRequest, ScorePath), Box<dyn std::error::Error + Send + Sync>> {
    let mut request = ChanceRequest {
        crs: eesim::CrsScore::new(a.crs.unwrap_or(500))?,
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
        let taken = request.apply_profile(profile, scenario.as_of())?;
        score_path = taken.path;
        born = taken.born;
    }
    crate::bad::nominee_score(&request, a.crs.is_some(), a.profile.as_deref())?;
    Ok((request, (score_path, born)))
}

/// The document of `chance --json` (and of `/api/chance`): the report, the data it ran on,
/// and the score path of a profile.
pub(crate) fn chance_json(
    estimate: &ChanceEstimate,
    data: serde_json::Value,
    data_warnings: &[String],
) -> serde_json::Value {
    let mut v = estimate.report.to_json();
    v["data"] = data;
    v["warnings"] = all_warnings(estimate, data_warnings).into();
    if !estimate.score_path.is_empty() {
        v["score_path"] = estimate
            .score_path
            .iter()
            .map(|(d, s)| serde_json::json!({"date": d.to_string(), "score": s.get()}))
            .collect();
    }
    v
}

/// The warnings of the data (the embedded scenario, an `--as-of` after today), then the
/// estimate's own.
fn all_warnings(estimate: &ChanceEstimate, data_warnings: &[String]) -> Vec<String> {
    data_warnings
        .iter()
        .chain(&estimate.report.warnings)
        .cloned()
        .collect()
}

/// The months of a batch's windows: `--months`, or 1, 3, 6 and 12 as fit the horizon.
pub(crate) fn batch_months(
    a: &args::ChanceArgs,
    scenario: &Scenario,
    request: &ChanceRequest,
) -> Result<Vec<u32>, eesim::Error> {
    Ok(match &a.months {
        Some(m) => m.0.clone(),
        None => request
            .windows(scenario, &[1, 3, 6, 12])?
            .iter()
            .filter_map(|w| w.months)
            .collect(),
    })
}

/// `chance --batch FILE.csv`: every candidate on the same runs, each row with its status;
/// the time the runs took on stderr, then the failed rows, and exit 1 when a row failed.
fn chance_batch(a: &args::ChanceArgs, path: &Path, data: &data::Data) -> Outcome {
    let scenario = &data.scenario;
    let request = request(&a.estimate, scenario)?;
    let entries = Batch::read(path, scenario, &request)?;
    let months = batch_months(a, scenario, &request)?;
    let n = entries.len();
    let bar = progress(request.runs, "runs", a.estimate.run.quiet);
    let clock = std::time::Instant::now();
    let done = Batch::run(scenario, entries, &request, &months, |p| {
        bar.set_position(p.done);
    })?;
    let seconds = clock.elapsed().as_secs_f64();
    bar.finish_and_clear();
    note!(
        "{n} row{} judged on the same {} simulated futures in {:.2} s",
        if n == 1 { "" } else { "s" },
        request.runs,
        seconds
    );
    print_batch(
        &done,
        data,
        &request,
        a.estimate.json,
        seconds,
        &path.display().to_string(),
    )
}

/// Prints a batch as CSV, or JSON with the data it ran on and the `seconds` its runs took,
/// the data's warnings on stderr, then the failed rows of `file`; exit 1 when a row failed:
/// `chance --batch` and `eesim merge` print with this same code.
pub(crate) fn print_batch(
    done: &Batch,
    data: &data::Data,
    request: &ChanceRequest,
    json: bool,
    seconds: f64,
    file: &str,
) -> Outcome {
    for w in &data.warnings {
        eprintln!("{} {w}", crate::style::warning());
    }
    if json {
        let mut json = done.to_json(request);
        json["data"] = data.json.clone();
        json["warnings"] = data.warnings.clone().into();
        json["seconds"] = seconds.into();
        outln!("{json}");
    } else {
        out!("{}", done.to_csv());
    }
    let failed = done.failures();
    if failed.is_empty() {
        return Ok(());
    }
    for (_, id, message) in &failed {
        let id = if id.is_empty() { "(no id)" } else { id };
        eprintln!("{} {file}, row {id}: {message}", crate::style::error());
    }
    Err(format!(
        "{} of {} rows of {file} failed (listed above); the others are judged",
        failed.len(),
        done.entries.len()
    )
    .into())
}
