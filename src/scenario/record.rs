//! The combination's record: at each record origin, the scenario calibrated then (the
//! simulation alone) run over its 90-day window and each family's forecast scored against
//! what happened ([`crate::forecast::score_window`]); then each family's weight from it.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rayon::prelude::*;

use super::{Scenario, ScenarioRun};
use crate::error::Result;
use crate::family::Family;
use crate::feed::History;
use crate::forecast::{
    self, Combination, RECORD_HORIZON_DAYS, RECORD_RUNS, Records, WindowScore, record_origins,
    score_window,
};
use crate::montecarlo::{RunModel, run_rng};

/// The combination of `scenario` (calibrated as of `as_of` with `options`): each of its
/// families' weight from the record (scoring, and keeping in `records`, the origins it lacks),
/// or `fixed` for every family.
pub(super) fn combination(
    history: &History,
    scenario: &Scenario,
    as_of: Date,
    options: &forecast::ModelOptions,
    fixed: Option<f64>,
    records: &mut Records,
) -> Combination {
    let plain = options.without_combination();
    let round = options.rule_round_days;
    if fixed.is_none() {
        records.keep_if(&forecast::record_key(options));
        let missing: Vec<Date> = record_origins(as_of)
            .into_iter()
            .filter(|o| records.at(*o).is_none())
            .collect();
        let scored: Vec<(Date, Result<BTreeMap<String, WindowScore>>)> = missing
            .par_iter()
            .map(|o| (*o, score_origin(history, *o, &plain, round)))
            .collect();
        for (o, s) in scored {
            // An origin the model cannot calibrate (no snapshot yet) has no window.
            records.insert(o, s.unwrap_or_default());
        }
    }
    forecast::weights(history, scenario.families(), as_of, options, fixed, records)
}

/// The scored windows of one record origin: the scenario calibrated as of `origin` with
/// `options` (no combination), `RECORD_RUNS` runs of 90 days, and each family's real rounds
/// in the window. Reads nothing dated after `origin + 90 days`.
fn score_origin(
    history: &History,
    origin: Date,
    options: &forecast::ModelOptions,
    round_within_days: Option<u32>,
) -> Result<BTreeMap<String, WindowScore>> {
    let scenario = Scenario::calibrated_with(history, origin, options)?;
    let run = ScenarioRun::new(&scenario, None, RECORD_HORIZON_DAYS)?;
    let names: Vec<&Family> = scenario.families().collect();
    // Per family, each run's lowest cut-off (None: no round).
    let mut lowest: Vec<Vec<Option<u16>>> =
        vec![Vec::with_capacity(RECORD_RUNS as usize); names.len()];
    for i in 0..RECORD_RUNS {
        let report = run.sample(&mut run_rng(forecast::RECORD_SEED, i));
        let mut low: Vec<Option<u16>> = vec![None; names.len()];
        for d in &report.draws {
            let Some(c) = d.cutoff else { continue };
            let name = Family::of_target(d.target, run.categories());
            if let Some(k) = name.and_then(|n| names.iter().position(|m| **m == n)) {
                low[k] = Some(low[k].map_or(c.get(), |l| l.min(c.get())));
            }
        }
        for (k, l) in low.into_iter().enumerate() {
            lowest[k].push(l);
        }
    }
    let end = origin
        .checked_add(jiff::Span::new().days(i64::from(RECORD_HORIZON_DAYS)))
        .unwrap_or(origin);
    let mut out = BTreeMap::new();
    for (k, name) in names.iter().enumerate() {
        let Some(last) = forecast::last_cutoff(history, name, origin) else {
            continue;
        };
        let outcome = history
            .draws()
            .iter()
            .filter(|d| d.family() == *name && d.date() > origin && d.date() <= end)
            .map(|d| d.cutoff().get())
            .min();
        let certain = round_within_days.is_some_and(|d| d <= RECORD_HORIZON_DAYS);
        let score = score_window(&lowest[k], last, outcome, certain);
        out.insert(name.as_str().to_string(), score);
    }
    Ok(out)
}
