//! `eesim calibrate`: a scenario file from IRCC's feed as of a date.

use crate::out::{check_writable, writing};
use crate::{Outcome, args, data};

pub(crate) fn calibrate(a: &args::CalibrateArgs) -> Outcome {
    check_writable(a.out.as_deref())?;
    let feed = data::need_feed(a.feed.path())?;
    let history = &feed.history;
    let load = &feed.load;
    if load.records_failed() > 0 || !load.problems().is_empty() {
        eprint!("{load}");
    }
    let as_of = match a.as_of {
        Some(d) => {
            data::check_start(&feed, "--as-of", d)?;
            d
        }
        None => {
            feed.warn_if_stale(data::today()?);
            data::day_after_last_round(&feed)?
        }
    };
    let scenario = data::calibrate(&feed, as_of, &a.model)?;
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
