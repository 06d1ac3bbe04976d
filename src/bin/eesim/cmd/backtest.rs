//! `eesim backtest`: forecasts made without look-ahead, scored against IRCC's rounds.

use eesim::backtest::{self, BacktestOptions};

use crate::out::{check_writable, progress, writing};
use crate::{Outcome, args, data, plot};

pub(crate) fn backtest(a: &args::BacktestArgs) -> Outcome {
    if a.from >= a.to {
        return Err(crate::bad::BadArgument::new(
            "--to",
            format!("expected a date after --from ({}), found {}", a.from, a.to),
        )
        .into());
    }
    check_writable(a.csv.as_deref())?;
    check_writable(a.plot.as_deref())?;
    let feed = data::need_feed(a.feed.path())?;
    feed.warn_if_stale(data::today()?);
    // The first origin: --from itself with --every, else the first month start from it.
    let first = match (a.every, a.from.day()) {
        (Some(_), _) | (None, 1) => Some(a.from),
        _ => a
            .from
            .first_of_month()
            .checked_add(jiff::Span::new().months(1))
            .ok(),
    };
    if let Some(first) = first {
        data::check_start(&feed, "--from", first)?;
    }
    let history = &feed.history;
    let load = &feed.load;
    if load.records_failed() > 0 || !load.problems().is_empty() {
        eprint!("{load}");
    }
    let mut options = BacktestOptions::new(a.from, a.to, a.runs);
    options.seed = a.seed;
    options.every_days = a.every;
    options.horizon_days = a.horizon_days;
    options.split = a.split;
    options.model = a.model.clone();
    let bar = progress(0, "origins", a.run.quiet);
    let clock = std::time::Instant::now();
    let report = backtest::run(history, &options, |_, i, n| {
        bar.set_length(n as u64);
        bar.set_position(i as u64);
    })?;
    let seconds = clock.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let origins = report
        .forecasts
        .iter()
        .map(|f| f.origin)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    note!(
        "the backtest took {seconds:.1} s: {origins} origins of {} runs on {} threads",
        a.runs,
        rayon::current_num_threads()
    );
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
        let split = options.split.map(|split| {
            let half = |before: bool| {
                let profiles: serde_json::Map<String, serde_json::Value> = options
                    .profiles
                    .iter()
                    .map(|p| {
                        let g = report.group_scores(|f| {
                            f.closed_by(split) == before
                                && f.profile == p.name
                                && f.last_cutoff.is_some()
                        });
                        (p.name.clone(), serde_json::json!(g))
                    })
                    .collect();
                serde_json::json!({
                    "all": report.group_scores(|f| f.closed_by(split) == before),
                    "profiles": profiles,
                })
            };
            serde_json::json!({"date": split, "closed_by": half(true), "closed_after": half(false)})
        });
        let out = serde_json::json!({
            "feed": feed.to_json(),
            "horizon_days": options.horizon_days,
            "split": split,
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
