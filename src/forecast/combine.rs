//! Combining each family's simulated rounds with the previous-cut-off rule, weighted by each
//! one's record on the family's windows that had closed by the calibration date.
//!
//! In a share `1 - w` of the runs a family's rounds keep their simulated dates and sizes but
//! cut at its previous cut-off, moved by a logistic draw of scale [`SPREAD`] (one per run and
//! family): the smoothed previous-cut-off rule with the simulated schedule. `w` comes from
//! the record: at weekly origins whose 90-day windows closed in the year before the
//! calibration date, the simulation's chance that the family's lowest cut-off in the window
//! is at or below each score near its previous cut-off, and the rule's, are scored against
//! what happened (Brier, over the scores from 60 below to 60 above the previous cut-off, by
//! 5); `w = B / (A + B)` for summed squared errors `A` (simulation) and `B` (rule), shrunk
//! toward a stated prior of 0.5 by the weight of 4 windows. The weights are written in the
//! scenario with their record, and every run draws its choice per family, so that probes,
//! what-if pairs, the batch and landing all see the same combined rounds.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::family::Family;
use crate::feed::History;
use crate::time::Timestamp;

/// The scale of the logistic draw around the previous cut-off, in CRS points (the smoothed
/// baseline's `logistic((crs - last) / 5)`).
pub const SPREAD: f64 = 5.0;
/// The record's windows: this many days after each origin.
pub const RECORD_HORIZON_DAYS: u32 = 90;
/// The record covers the windows that closed in this many days before the calibration date.
pub const RECORD_DAYS: i64 = 365;
/// Record origins are Mondays, this many days apart.
pub const RECORD_STEP_DAYS: i64 = 7;
/// Simulated futures per record origin.
pub const RECORD_RUNS: u64 = 400;
/// The master seed of the record's runs.
pub(crate) const RECORD_SEED: u64 = 2026;
/// The weight of the simulation for a family with no scored window: a stated prior.
pub const PRIOR_SIMULATION: f64 = 0.5;
/// The prior counts as this many windows (of the record's weight) unless the model's options
/// say otherwise.
pub const PRIOR_WINDOWS: f64 = 4.0;
/// The scores of a window's record: from this far below the previous cut-off to as far above.
const GRID_HALF: i32 = 60;
/// ... by this step.
const GRID_STEP: i32 = 5;

/// One family's weight between its simulated cut-offs and its previous cut-off.
#[derive(Clone, Debug, PartialEq)]
pub struct FamilyWeight {
    /// The share of runs whose rounds of the family keep their simulated cut-offs.
    pub simulation: f64,
    /// The family's previous cut-off, which the other runs follow.
    pub last_cutoff: u16,
    /// How many of its windows the weight was measured on (0: the prior).
    pub windows: u32,
    /// The simulation's mean Brier score over those windows' scores.
    pub brier_simulation: Option<f64>,
    /// The previous-cut-off rule's.
    pub brier_last_cutoff: Option<f64>,
}

/// Each family's weight between the simulation and its previous cut-off, and where they came
/// from.
#[derive(Clone, Debug, PartialEq)]
pub struct Combination {
    /// Where the weights came from.
    pub source: String,
    /// The logistic scale of the draw around the previous cut-off.
    pub spread: f64,
    /// In a run that follows a family's previous cut-off, the family holds a round within
    /// this many days of the start even when the simulated schedule gives it none (`None`:
    /// the simulated schedule alone).
    pub round_within_days: Option<u32>,
    /// The record weighs a window closed this many days before the calibration half as much
    /// as one just closed (`None`: equally).
    pub record_half_life_days: Option<f64>,
    /// By family.
    pub families: BTreeMap<Family, FamilyWeight>,
    /// How the combined forecasts fared on the record, by tenth of the forecast: every
    /// family's window and score, with the weights as of the calibration date.
    pub reliability: Vec<ReliabilityBin>,
}

/// The forecasts of a record between two chances, and how often they came true.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// The lowest forecast of the bin.
    pub from: f64,
    /// The highest (excluded, but for the last bin).
    pub to: f64,
    /// The mean forecast in the bin.
    pub forecast: f64,
    /// The share that came true.
    pub observed: f64,
    /// How many forecasts.
    pub n: u32,
}

impl ReliabilityBin {
    /// `forecasts of 80% to 90% came true 84% of the time (n = 412)`.
    #[must_use]
    pub fn describe(&self) -> String {
        format!(
            "forecasts of {:.0}% to {:.0}% came true {:.0}% of the time (n = {})",
            100.0 * self.from,
            100.0 * self.to,
            100.0 * self.observed,
            self.n
        )
    }
}

impl Combination {
    /// One run's choice per family, in name order: `None` where the run keeps the simulated
    /// cut-offs, else the cut-off every round of the family takes in this run,
    /// `ceil(last + spread * L)` with `L` logistic. Two random numbers per family.
    pub fn draw(&self, rng: &mut ChaCha8Rng) -> Vec<(&Family, Option<u16>)> {
        self.families
            .iter()
            .map(|(name, w)| {
                let u: f64 = rng.random();
                let v: f64 = rng.random::<f64>().clamp(1e-12, 1.0 - 1e-12);
                let fixed = (u >= w.simulation).then(|| {
                    let x = f64::from(w.last_cutoff) + self.spread * (v / (1.0 - v)).ln();
                    x.ceil().clamp(1.0, 1200.0) as u16
                });
                (name, fixed)
            })
            .collect()
    }

    /// The bin of the record's reliability table that holds the chance `p`, if any forecast
    /// of the record fell there.
    #[must_use]
    pub fn reliability_at(&self, p: f64) -> Option<&ReliabilityBin> {
        let k = ((p * 10.0) as usize).min(9) as f64 / 10.0;
        self.reliability.iter().find(|b| (b.from - k).abs() < 1e-9)
    }

    /// The sentence `chance` shows for a family: `simulation 70%, last cut-off 30%, from ...`.
    #[must_use]
    pub fn describe(&self, family: &Family) -> Option<String> {
        let w = self.families.get(family)?;
        let from = if w.windows == 0 {
            "a stated prior: no window of the family had closed".to_string()
        } else {
            let recent = self.record_half_life_days.map_or_else(String::new, |h| {
                format!(", the latest weighing most: half-life {h} days")
            });
            format!(
                "from the past year's record ({} windows of {RECORD_HORIZON_DAYS} days{recent})",
                w.windows
            )
        };
        Some(format!(
            "simulation {:.0}%, last cut-off ({}) {:.0}%, {from}",
            100.0 * w.simulation,
            w.last_cutoff,
            100.0 * (1.0 - w.simulation)
        ))
    }
}

/// One family's forecast at one record origin, scored over the grid of scores around its
/// previous cut-off.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WindowScore {
    /// The simulation's squared errors, summed over the grid.
    pub simulation: f64,
    /// The previous-cut-off rule's (with the simulated chance of a round).
    pub last_cutoff: f64,
    /// `sum (rule - y) (rule - simulation)`: with [`WindowScore::apart`], the weight of the
    /// simulation that minimises the combined forecast's squared errors is `cross / apart`.
    pub cross: f64,
    /// `sum (simulation - rule)^2`.
    pub apart: f64,
    /// How many scores.
    pub points: u32,
    /// Each score's forecasts and outcome: the simulation's chance and the rule's, in
    /// thousandths, and whether a round cut at or below it (for the reliability table).
    pub forecasts: Vec<(u16, u16, bool)>,
}

/// The record: scored windows by origin and family, kept across calibrations (a backtest
/// calibrates at many dates, `chance` keeps it in the cache directory by the feed's hash).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Records {
    /// The model the windows were scored with: a record of another model is dropped.
    key: String,
    /// By origin (as 2025-01-06), then family.
    windows: BTreeMap<String, BTreeMap<String, WindowScore>>,
}

impl Records {
    /// An empty record.
    #[must_use]
    pub fn new() -> Self {
        Records::default()
    }

    /// How many origins are scored.
    #[must_use]
    pub fn len(&self) -> usize {
        self.windows.len()
    }

    /// Whether no origin is scored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    /// The scores of one origin's windows.
    #[must_use]
    pub fn at(&self, origin: Date) -> Option<&BTreeMap<String, WindowScore>> {
        self.windows.get(&origin.to_string())
    }

    /// Empties the record unless it was scored with the model of `key`.
    pub(crate) fn keep_if(&mut self, key: &str) {
        if self.key != key {
            *self = Records {
                key: key.to_string(),
                windows: BTreeMap::new(),
            };
        }
    }

    /// Keeps one origin's scored windows, by family name.
    pub(crate) fn insert(&mut self, origin: Date, windows: BTreeMap<String, WindowScore>) {
        self.windows.insert(origin.to_string(), windows);
    }
}

/// The record origins whose windows closed in the year before `as_of`: Mondays `o` with
/// `o + 90 days < as_of` and `o + 90 days >= as_of - 365 days`.
#[must_use]
pub fn record_origins(as_of: Date) -> Vec<Date> {
    let day = |d: Date| Timestamp::start_of_day(d).as_second().div_euclid(86_400);
    let last = day(as_of) - 1 - i64::from(RECORD_HORIZON_DAYS);
    let first = day(as_of) - RECORD_DAYS - i64::from(RECORD_HORIZON_DAYS);
    // 1970-01-05, day 4, was a Monday.
    let mut d = first + (4 - first).rem_euclid(RECORD_STEP_DAYS);
    let mut out = Vec::new();
    while d <= last {
        if let Ok(t) = Timestamp::from_second(d * 86_400) {
            out.push(t.date());
        }
        d += RECORD_STEP_DAYS;
    }
    out
}

/// Scores one family's window: `lowest` holds each run's lowest simulated cut-off in the
/// window (`None`: no round), `last` is the family's previous cut-off and `outcome` the lowest
/// cut-off of its real rounds in the window. At each score `s` from `last - 60` to `last + 60`
/// by 5, the event is "a round cut at or below `s`"; the simulation's chance is the share of
/// runs, the rule's `q * logistic((s - last) / 5)`, `q` being the share of runs with a round,
/// or 1 when the rule holds a round for sure (`round_certain`).
///
/// # Example
/// ```
/// use eesim::forecast::score_window;
///
/// // Every run cut at 500, as the real round did: the simulation makes no error.
/// let w = score_window(&[Some(500); 10], 510, Some(500), true);
/// assert_eq!(w.simulation, 0.0);
/// assert!(w.last_cutoff > 0.0);
/// assert_eq!(w.points, 25);
/// ```
#[must_use]
pub fn score_window(
    lowest: &[Option<u16>],
    last: u16,
    outcome: Option<u16>,
    round_certain: bool,
) -> WindowScore {
    let runs = lowest.len().max(1) as f64;
    let held = if round_certain {
        1.0
    } else {
        lowest.iter().filter(|l| l.is_some()).count() as f64 / runs
    };
    let mut score = WindowScore {
        simulation: 0.0,
        last_cutoff: 0.0,
        cross: 0.0,
        apart: 0.0,
        points: 0,
        forecasts: Vec::new(),
    };
    let mut s = i32::from(last) - GRID_HALF;
    while s <= i32::from(last) + GRID_HALF {
        let y = if outcome.is_some_and(|m| i32::from(m) <= s) {
            1.0
        } else {
            0.0
        };
        let sim = lowest
            .iter()
            .filter(|l| l.is_some_and(|c| i32::from(c) <= s))
            .count() as f64
            / runs;
        let rule = held * logistic((f64::from(s) - f64::from(last)) / SPREAD);
        score.simulation += (sim - y) * (sim - y);
        score.last_cutoff += (rule - y) * (rule - y);
        score.cross += (rule - y) * (rule - sim);
        score.apart += (sim - rule) * (sim - rule);
        score.points += 1;
        let milli = |p: f64| (p * 1000.0).round().clamp(0.0, 1000.0) as u16;
        score.forecasts.push((milli(sim), milli(rule), y > 0.5));
        s += GRID_STEP;
    }
    score
}

/// The simulation's weight from a family's scored windows, each with its age (days from its
/// close to the calibration date): the weight of the linear combination that minimises the
/// squared errors over the windows, each window counting `0.5^(age / half_life_days)` (1
/// without a half-life), shrunk toward [`PRIOR_SIMULATION`] by [`PRIOR_WINDOWS`] windows'
/// worth, within [0, 1]; the prior with no window, or when the two never differed.
///
/// ```text
/// w = (cross + k * PRIOR_SIMULATION) / (apart + k),   k = PRIOR_WINDOWS * apart / (windows' weight)
/// ```
#[must_use]
pub fn simulation_weight(windows: &[(f64, WindowScore)], half_life_days: Option<f64>) -> f64 {
    simulation_weight_with(windows, half_life_days, PRIOR_WINDOWS)
}

/// As [`simulation_weight`], with the prior counting as `prior_windows` windows.
#[must_use]
pub fn simulation_weight_with(
    windows: &[(f64, WindowScore)],
    half_life_days: Option<f64>,
    prior_windows: f64,
) -> f64 {
    let (mut cross, mut apart, mut weights) = (0.0, 0.0, 0.0);
    for (age, w) in windows {
        let k = half_life_days.map_or(1.0, |h| 0.5_f64.powf(age / h));
        cross += k * w.cross;
        apart += k * w.apart;
        weights += k;
    }
    weight(cross, apart, weights, prior_windows)
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The latest cut-off of `family` before `as_of`, within the year before it.
pub(crate) fn last_cutoff(history: &History, family: &Family, as_of: Date) -> Option<u16> {
    let year_before = as_of.checked_sub(jiff::Span::new().years(1)).ok()?;
    history
        .draws()
        .iter()
        .rev()
        .find(|d| d.family() == family && d.date() < as_of && d.date() >= year_before)
        .map(|d| d.cutoff().get())
}

/// The key of a record scored with `options`: a record of another model (or of another
/// eesim) is not reused.
pub(crate) fn record_key(options: &super::ModelOptions) -> String {
    format!(
        "{}; rule round {:?}; runs {RECORD_RUNS}, seed {RECORD_SEED}, eesim {}",
        options.without_combination(),
        options.rule_round_days,
        env!("CARGO_PKG_VERSION")
    )
}

/// Each of `families`' weight as of `as_of`, from the windows of `records` (which must hold
/// the origins of [`record_origins`] that could be scored), or `fixed` for every family.
pub(crate) fn weights<'a>(
    history: &History,
    families: impl Iterator<Item = &'a Family>,
    as_of: Date,
    options: &super::ModelOptions,
    fixed: Option<f64>,
    records: &Records,
) -> Combination {
    let round = options.rule_round_days;
    let origins = record_origins(as_of);
    let mut weights = BTreeMap::new();
    // By tenth of the combined forecast: the sum of forecasts, the rounds that came, the count.
    let mut bins = [(0.0_f64, 0_u32, 0_u32); 10];
    for name in families {
        let Some(last) = last_cutoff(history, name, as_of) else {
            continue;
        };
        let mut scored: Vec<(f64, WindowScore)> = Vec::new();
        if fixed.is_none() {
            for o in &origins {
                if let Some(w) = records.at(*o).and_then(|m| m.get(name.as_str())) {
                    // Days from the window's close to the calibration date.
                    let age = (Timestamp::start_of_day(as_of).as_second()
                        - Timestamp::start_of_day(*o).as_second())
                        as f64
                        / 86_400.0
                        - f64::from(RECORD_HORIZON_DAYS);
                    scored.push((age, w.clone()));
                }
            }
        }
        let a: f64 = scored.iter().map(|w| w.1.simulation).sum();
        let b: f64 = scored.iter().map(|w| w.1.last_cutoff).sum();
        let points: u32 = scored.iter().map(|w| w.1.points).sum();
        let windows = scored.len() as u32;
        let simulation = match fixed {
            Some(w) => w,
            None => simulation_weight_with(
                &scored,
                options.record_half_life_days,
                options.record_prior_windows,
            ),
        };
        // The combined forecasts of the record, with the weight as of the calibration date.
        for (_, w) in &scored {
            for &(sim, rule, y) in &w.forecasts {
                let p =
                    (simulation * f64::from(sim) + (1.0 - simulation) * f64::from(rule)) / 1000.0;
                let b = ((p * 10.0) as usize).min(9);
                bins[b].0 += p;
                bins[b].1 += u32::from(y);
                bins[b].2 += 1;
            }
        }
        let per = |x: f64| (points > 0).then(|| round4(x / f64::from(points)));
        weights.insert(
            name.clone(),
            FamilyWeight {
                simulation: round4(simulation),
                last_cutoff: last,
                windows,
                brier_simulation: per(a),
                brier_last_cutoff: per(b),
            },
        );
    }
    let source = match fixed {
        Some(w) => format!("a fixed weight of {w} for every family"),
        None => format!(
            "each family's record on the {RECORD_HORIZON_DAYS}-day windows from Mondays that closed in the {RECORD_DAYS} days before {as_of} ({} origins, {RECORD_RUNS} runs each): the simulation's weight is the one that minimises the combined forecast's squared errors over the scores {GRID_HALF} below to {GRID_HALF} above each window's previous cut-off by {GRID_STEP}, shrunk toward {PRIOR_SIMULATION} by {} windows{}",
            origins.len(),
            options.record_prior_windows,
            options
                .record_half_life_days
                .map_or_else(String::new, |h| format!(
                    "; a window closed {h} days before counts half as much as one just closed"
                ))
        ),
    };
    let reliability = bins
        .iter()
        .enumerate()
        .filter(|(_, b)| b.2 > 0)
        .map(|(k, b)| ReliabilityBin {
            from: k as f64 / 10.0,
            to: (k + 1) as f64 / 10.0,
            forecast: round4(b.0 / f64::from(b.2)),
            observed: round4(f64::from(b.1) / f64::from(b.2)),
            n: b.2,
        })
        .collect();
    Combination {
        source,
        spread: SPREAD,
        round_within_days: round,
        record_half_life_days: options.record_half_life_days,
        families: weights,
        reliability,
    }
}

/// The simulation's weight from a family's record: the least-squares weight of the linear
/// combination, `cross / apart`, shrunk toward the prior by `PRIOR_WINDOWS` windows' worth of
/// `apart`, within [0, 1]; the prior when no window was scored or the two never differed.
///
/// ```text
/// w = (cross + k * PRIOR_SIMULATION) / (apart + k),   k = PRIOR_WINDOWS * apart / windows
/// ```
fn weight(cross: f64, apart: f64, windows: f64, prior_windows: f64) -> f64 {
    if windows <= 0.0 || apart <= 1e-12 {
        return PRIOR_SIMULATION;
    }
    let k = prior_windows * apart / windows;
    ((cross + k * PRIOR_SIMULATION) / (apart + k)).clamp(0.0, 1.0)
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A family's windows over a year, weekly: the real lowest cut-off of each (`None`: no
    /// round), and the simulation's runs.
    fn windows(
        sim: impl Fn(Option<u16>) -> Vec<Option<u16>>,
        outcome: impl Fn(usize) -> Option<u16>,
    ) -> Vec<(f64, WindowScore)> {
        (0..52)
            .map(|k| {
                let y = outcome(k);
                (f64::from(7 * k as u32), score_window(&sim(y), 500, y, true))
            })
            .collect()
    }

    /// The record's weight: the sum of `0.5^(age / half-life)` over the windows.
    fn record_weight(w: &[(f64, WindowScore)], half_life: Option<f64>) -> f64 {
        w.iter()
            .map(|(age, _)| half_life.map_or(1.0, |h| 0.5_f64.powf(age / h)))
            .sum()
    }

    #[test]
    fn a_simulation_always_right_gets_a_weight_near_one() {
        // The real cut-off wanders around the previous one; every run has it exactly.
        let outcome = |k: usize| Some(480 + (k as u16 * 7) % 40);
        let right = windows(|y| vec![y; 20], outcome);
        for half_life in [None, Some(30.0)] {
            let w = simulation_weight(&right, half_life);
            // Exactly the prior's pull: (W + 2) / (W + 4) for a record of weight W; a year
            // of windows weighs 52 evenly (0.96), 6.2 with a half-life of 30 days (0.80).
            let big_w = record_weight(&right, half_life);
            let expect = (big_w + PRIOR_WINDOWS * PRIOR_SIMULATION) / (big_w + PRIOR_WINDOWS);
            assert!((w - expect).abs() < 1e-9, "{half_life:?}: {w} vs {expect}");
            assert!(w > if half_life.is_some() { 0.79 } else { 0.95 }, "{w}");
        }
    }

    #[test]
    fn a_simulation_always_wrong_gets_a_weight_near_zero() {
        // Rounds cut near the previous cut-off; the simulation holds none, or cuts far off.
        let outcome = |k: usize| Some(498 + (k as u16 % 5));
        let none = windows(|_| vec![None; 20], outcome);
        let far = windows(|_| vec![Some(420); 20], outcome);
        for half_life in [None, Some(30.0)] {
            for (name, record) in [("none", &none), ("far", &far)] {
                let w = simulation_weight(record, half_life);
                // At most the prior's pull, 2 / (W + 4), and a little of the rule's own error.
                let big_w = record_weight(record, half_life);
                let pull = PRIOR_WINDOWS * PRIOR_SIMULATION / (big_w + PRIOR_WINDOWS);
                assert!(w < pull + 0.02, "{name} {half_life:?}: {w} vs {pull}");
                assert!(w < if half_life.is_some() { 0.22 } else { 0.06 }, "{w}");
            }
        }
    }

    #[test]
    fn a_family_with_no_window_takes_the_stated_prior() {
        assert_eq!(simulation_weight(&[], None), PRIOR_SIMULATION);
        assert_eq!(simulation_weight(&[], Some(30.0)), PRIOR_SIMULATION);
        // Nor do windows where the two forecasts never differ say anything.
        let same = score_window(&[None; 10], 500, None, false);
        assert_eq!(same.apart, 0.0);
        assert_eq!(simulation_weight(&[(7.0, same)], None), PRIOR_SIMULATION);
    }

    #[test]
    fn the_least_squares_weight_is_recovered() {
        // One window scored by hand: the weight minimising the combined squared errors.
        let lowest: Vec<Option<u16>> = vec![Some(490), Some(520), None, Some(505)];
        let w = score_window(&lowest, 500, Some(503), false);
        let k = PRIOR_WINDOWS * w.apart;
        let expect = ((w.cross + k * PRIOR_SIMULATION) / (w.apart + k)).clamp(0.0, 1.0);
        assert!((simulation_weight(&[(0.0, w.clone())], None) - expect).abs() < 1e-12);
        // Without the prior (the limit of many identical windows), it minimises the squared
        // errors of the combined forecast: check against a fine search.
        let many: Vec<(f64, WindowScore)> = (0..10_000).map(|_| (0.0, w.clone())).collect();
        let got = simulation_weight(&many, None);
        let error = |x: f64| {
            // sum over the grid of (x sim + (1 - x) rule - y)^2, expanded from the record.
            x * x * w.apart - 2.0 * x * w.cross + w.last_cutoff
        };
        let best = (0..=1000)
            .map(|i| f64::from(i) / 1000.0)
            .min_by(|a, b| error(*a).total_cmp(&error(*b)))
            .unwrap();
        assert!((got - best).abs() < 2e-3, "{got} vs {best}");
        assert!(w.cross.is_finite() && w.apart > 0.0);
    }

    #[test]
    fn record_origins_are_mondays_whose_windows_closed_in_the_year() {
        let as_of = Date::new(2025, 6, 1).unwrap();
        let o = record_origins(as_of);
        assert_eq!(o.len(), 52);
        for d in &o {
            assert_eq!(d.weekday(), jiff::civil::Weekday::Monday);
            let close = d.checked_add(jiff::Span::new().days(90)).unwrap();
            assert!(close < as_of, "{d}");
            assert!(close >= as_of.checked_sub(jiff::Span::new().days(365)).unwrap());
        }
    }

    #[test]
    fn a_run_follows_the_previous_cut_off_in_one_minus_the_weight() {
        let comb = Combination {
            source: "test".into(),
            spread: SPREAD,
            round_within_days: None,
            record_half_life_days: None,
            reliability: Vec::new(),
            families: [(
                Family::FRENCH,
                FamilyWeight {
                    simulation: 0.3,
                    last_cutoff: 420,
                    windows: 10,
                    brier_simulation: None,
                    brier_last_cutoff: None,
                },
            )]
            .into_iter()
            .collect(),
        };
        let n = 20_000;
        let mut fixed = Vec::new();
        let mut rng = <ChaCha8Rng as rand::SeedableRng>::seed_from_u64(1);
        for _ in 0..n {
            let d = comb.draw(&mut rng);
            assert_eq!(d.len(), 1);
            if let Some(c) = d[0].1 {
                fixed.push(c);
            }
        }
        let share = fixed.len() as f64 / n as f64;
        assert!((share - 0.7).abs() < 0.02, "{share}");
        // Around the previous cut-off: P(cut-off <= s) = logistic((s - 420) / 5).
        for s in [410_u16, 420, 430] {
            let p = fixed.iter().filter(|c| **c <= s).count() as f64 / fixed.len() as f64;
            let expect = logistic((f64::from(s) - 420.0) / SPREAD);
            assert!((p - expect).abs() < 0.02, "{s}: {p} vs {expect}");
        }
    }
}
