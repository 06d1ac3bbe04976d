//! The backtest: forecasts made month by month with only what was known then, scored against
//! the rounds IRCC actually held.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::candidate::{Categories, Program, ProgramSet};
use crate::draw::{DrawRecord, Standing};
use crate::error::{ErrorKind, Result};
use crate::family::Family;
use crate::feed::History;
use crate::montecarlo::{MonteCarlo, ProbeProfile, Probes};
use crate::scenario::{Scenario, ScenarioRun};
use crate::score::CrsScore;
use crate::time::Timestamp;

/// A kind of candidate the backtest forecasts for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BacktestProfile {
    /// Its name (`cec`, `cec_french`, ...).
    pub name: String,
    /// Its programs and categories.
    pub membership: crate::family::Membership,
}

impl BacktestProfile {
    /// The four standard profiles: `cec` (CEC), `fsw` (FSW only), `cec_french` (CEC and
    /// French), `cec_healthcare` (CEC and healthcare).
    #[must_use]
    pub fn standard() -> Vec<BacktestProfile> {
        let p = |name: &str, program: Program, category: Option<Family>| BacktestProfile {
            name: name.to_string(),
            membership: category.into_iter().fold(
                crate::family::Membership::new(ProgramSet::EMPTY.with(program), false),
                crate::family::Membership::add_category,
            ),
        };
        vec![
            p("cec", Program::Cec, None),
            p("fsw", Program::Fsw, None),
            p("cec_french", Program::Cec, Some(Family::FRENCH)),
            p("cec_healthcare", Program::Cec, Some(Family::HEALTHCARE)),
        ]
    }

    /// Whether a round of `family` can invite this profile: all-program rounds, its programs'
    /// rounds and its categories' rounds.
    #[must_use]
    pub fn reached_by(&self, family: &Family) -> bool {
        self.membership.is_in(family)
    }
}

/// How to run a backtest.
#[derive(Clone, Debug, PartialEq)]
pub struct BacktestOptions {
    /// The first origin (a month start is taken at or after it).
    pub from: Date,
    /// Origins are month starts before this date.
    pub to: Date,
    /// Runs per origin.
    pub runs: u64,
    /// The master seed (each origin uses it).
    pub seed: u64,
    /// How far each forecast looks (90 days).
    pub horizon_days: u32,
    /// How long before each origin the profiles were submitted (60 days).
    pub lead_days: u32,
    /// The forecast scores: from, to, step (300 to 600 by 10).
    pub scores: (u16, u16, u16),
    /// The profiles.
    pub profiles: Vec<BacktestProfile>,
    /// Origins every this many days from `from` (`None`: month starts, the default).
    pub every_days: Option<u32>,
    /// The protocol's split date: choices are made on the windows that closed by it
    /// (`origin + horizon <= split`) and judged on those that closed after it; the summary
    /// reports both apart (`None`: not split).
    pub split: Option<Date>,
    /// The model's options (the default: the model eesim ships).
    pub model: crate::forecast::ModelOptions,
}

impl BacktestOptions {
    /// The standard backtest from `from` to `to` with `runs` runs per origin.
    #[must_use]
    pub fn new(from: Date, to: Date, runs: u64) -> Self {
        BacktestOptions {
            from,
            to,
            runs,
            seed: 2026,
            horizon_days: 90,
            lead_days: 60,
            scores: (300, 600, 10),
            profiles: BacktestProfile::standard(),
            every_days: None,
            split: None,
            model: crate::forecast::ModelOptions::default(),
        }
    }
}

/// One forecast and what happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// The forecast's origin: it used only what was dated before it.
    pub origin: Date,
    /// The profile.
    pub profile: String,
    /// The score.
    pub crs: u16,
    /// The forecast horizon.
    pub horizon_days: u32,
    /// The forecast chance of an invitation within the horizon, with its 95% interval.
    pub p: f64,
    /// Lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
    /// Whether a real round invited such a candidate (`None`: the feed ends too early).
    pub outcome: Option<bool>,
    /// The previous-cut-off baseline's reference score (`None`: none of the profile's families
    /// drew in the year before the origin).
    pub last_cutoff: Option<u16>,
}

impl Forecast {
    /// The last day of the forecast's window: `origin + horizon_days` (a round on that day
    /// counts).
    #[must_use]
    pub fn window_end(&self) -> Date {
        self.origin
            .checked_add(jiff::Span::new().days(i64::from(self.horizon_days)))
            .unwrap_or(Date::MAX)
    }

    /// Whether the forecast's window had closed by `date`: every round it is scored on is
    /// dated before `date` (`window_end < date`) or on it. The protocol chooses on windows
    /// closed by the split date (`window_end <= split`) and judges on the others.
    #[must_use]
    pub fn closed_by(&self, date: Date) -> bool {
        self.window_end() <= date
    }

    /// The hard baseline: 1 at or above the last cut-off, else 0.
    #[must_use]
    pub fn hard_baseline(&self) -> f64 {
        self.last_cutoff
            .map_or(0.0, |l| if self.crs >= l { 1.0 } else { 0.0 })
    }

    /// The smoothed baseline: `logistic((score - last) / 5)`.
    #[must_use]
    pub fn smooth_baseline(&self) -> f64 {
        self.last_cutoff.map_or(0.0, |l| {
            1.0 / (1.0 + (-(f64::from(self.crs) - f64::from(l)) / 5.0).exp())
        })
    }
}

/// Brier score and log loss of some forecasts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// How many forecasts.
    pub n: usize,
    /// Mean squared error of the probabilities.
    pub brier: f64,
    /// Mean negative log-likelihood, with probabilities clipped to [0.001, 0.999].
    pub log_loss: f64,
}

impl Scores {
    /// Scores of `(p, outcome)` pairs.
    #[must_use]
    pub fn of(pairs: impl IntoIterator<Item = (f64, bool)>) -> Scores {
        let (mut n, mut brier, mut log) = (0, 0.0, 0.0);
        for (p, y) in pairs {
            let y = if y { 1.0 } else { 0.0 };
            let q = p.clamp(0.001, 0.999);
            n += 1;
            brier += (p - y) * (p - y);
            log -= y * q.ln() + (1.0 - y) * (1.0 - q).ln();
        }
        if n == 0 {
            return Scores::default();
        }
        Scores {
            n,
            brier: brier / n as f64,
            log_loss: log / n as f64,
        }
    }
}

/// The scores of one forecaster (the model or a baseline) over some forecasts, as defined in
/// the forecast notes: Brier score, log loss (probabilities clipped to [0.001, 0.999]), the
/// Brier score of the rows within 30 points of the profile's last cut-off, and the CRPS in
/// points (per origin and profile, 10 x the sum of squared errors over the score grid,
/// averaged).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// How many forecasts.
    pub n: usize,
    /// Mean squared error of the probabilities (`None` with no forecast).
    pub brier: Option<f64>,
    /// Mean negative log-likelihood.
    pub log_loss: Option<f64>,
    /// How many forecasts are within 30 points of the last cut-off.
    pub near_n: usize,
    /// The Brier score of those.
    pub near_brier: Option<f64>,
    /// The CRPS in CRS points, per origin and profile.
    pub crps: Option<f64>,
}

/// The backtest's scores over some forecasts: the model beside the two previous-cut-off
/// baselines, and the model's skill over the better of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupScores {
    /// The model.
    pub model: Metrics,
    /// 1 at or above the last cut-off, else 0.
    pub hard_baseline: Metrics,
    /// `logistic((crs - last) / 5)`.
    pub smooth_baseline: Metrics,
    /// `1 - model Brier / the better baseline's Brier`, with its 90% bootstrap interval over
    /// origins (`None` when a Brier score is 0 or missing).
    pub skill: Option<[f64; 3]>,
}

/// How close to the last cut-off a row must be to count as near it.
const NEAR: i32 = 30;
/// Bootstrap replicates of the skill's interval.
const BOOTSTRAP: usize = 1000;

fn metrics(rows: &[(&Forecast, bool)], p: impl Fn(&Forecast) -> f64) -> Metrics {
    if rows.is_empty() {
        return Metrics::default();
    }
    let n = rows.len() as f64;
    let sq = |f: &Forecast, y: bool| (p(f) - if y { 1.0 } else { 0.0 }).powi(2);
    let brier = rows.iter().map(|(f, y)| sq(f, *y)).sum::<f64>() / n;
    let log_loss = rows
        .iter()
        .map(|(f, y)| {
            let q = p(f).clamp(0.001, 0.999);
            if *y { -q.ln() } else { -(1.0 - q).ln() }
        })
        .sum::<f64>()
        / n;
    let near: Vec<f64> = rows
        .iter()
        .filter(|(f, _)| {
            f.last_cutoff
                .is_some_and(|l| (i32::from(f.crs) - i32::from(l)).abs() <= NEAR)
        })
        .map(|(f, y)| sq(f, *y))
        .collect();
    let mut groups: std::collections::BTreeMap<(Date, &str), f64> =
        std::collections::BTreeMap::new();
    for (f, y) in rows {
        *groups.entry((f.origin, f.profile.as_str())).or_insert(0.0) += sq(f, *y);
    }
    let step = rows
        .windows(2)
        .find(|w| w[0].0.origin == w[1].0.origin && w[0].0.profile == w[1].0.profile)
        .map_or(10.0, |w| f64::from(w[1].0.crs.abs_diff(w[0].0.crs)));
    Metrics {
        n: rows.len(),
        brier: Some(brier),
        log_loss: Some(log_loss),
        near_n: near.len(),
        near_brier: (!near.is_empty()).then(|| near.iter().sum::<f64>() / near.len() as f64),
        crps: Some(step * groups.values().sum::<f64>() / groups.len() as f64),
    }
}

/// `1 - model / best baseline` over per-origin sums of squared errors.
fn skill_of(per_origin: &[(f64, f64, f64, usize)]) -> Option<f64> {
    let (m, h, s) = per_origin
        .iter()
        .fold((0.0, 0.0, 0.0), |a, o| (a.0 + o.0, a.1 + o.1, a.2 + o.2));
    let best = h.min(s);
    (best > 0.0).then(|| 1.0 - m / best)
}

/// All the forecasts of a backtest.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BacktestReport {
    /// Every forecast, by origin, profile and score.
    pub forecasts: Vec<Forecast>,
    /// Origins whose horizon runs past the feed's last round: forecast, not scored.
    pub unscored_origins: Vec<Date>,
}

impl BacktestReport {
    /// Model, hard-baseline and smoothed-baseline scores of the scored forecasts that `keep`
    /// selects.
    #[must_use]
    pub fn scores(&self, keep: impl Fn(&Forecast) -> bool) -> (Scores, Scores, Scores) {
        let scored: Vec<(&Forecast, bool)> = self
            .forecasts
            .iter()
            .filter(|f| keep(f))
            .filter_map(|f| f.outcome.map(|y| (f, y)))
            .collect();
        (
            Scores::of(scored.iter().map(|(f, y)| (f.p, *y))),
            Scores::of(scored.iter().map(|(f, y)| (f.hard_baseline(), *y))),
            Scores::of(scored.iter().map(|(f, y)| (f.smooth_baseline(), *y))),
        )
    }
}

impl BacktestReport {
    /// The scores of the scored forecasts that `keep` selects: the model, both baselines,
    /// and the skill with a 90% bootstrap interval over origins (seeded, so reproducible).
    #[must_use]
    pub fn group_scores(&self, keep: impl Fn(&Forecast) -> bool) -> GroupScores {
        let rows: Vec<(&Forecast, bool)> = self
            .forecasts
            .iter()
            .filter(|f| keep(f))
            .filter_map(|f| f.outcome.map(|y| (f, y)))
            .collect();
        let mut per_origin: std::collections::BTreeMap<Date, (f64, f64, f64, usize)> =
            std::collections::BTreeMap::new();
        for (f, y) in &rows {
            let y = if *y { 1.0 } else { 0.0 };
            let e = per_origin.entry(f.origin).or_default();
            e.0 += (f.p - y).powi(2);
            e.1 += (f.hard_baseline() - y).powi(2);
            e.2 += (f.smooth_baseline() - y).powi(2);
            e.3 += 1;
        }
        let origins: Vec<(f64, f64, f64, usize)> = per_origin.into_values().collect();
        let skill = skill_of(&origins).map(|point| {
            use rand::{RngExt, SeedableRng};
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(90);
            let mut reps: Vec<f64> = (0..BOOTSTRAP)
                .filter_map(|_| {
                    let sample: Vec<(f64, f64, f64, usize)> = (0..origins.len())
                        .map(|_| origins[rng.random_range(0..origins.len())])
                        .collect();
                    skill_of(&sample)
                })
                .collect();
            reps.sort_by(f64::total_cmp);
            let q = |x: f64| {
                reps.get(((reps.len() as f64 - 1.0) * x).round() as usize)
                    .copied()
                    .unwrap_or(point)
            };
            [point, q(0.05), q(0.95)]
        });
        GroupScores {
            model: metrics(&rows, |f| f.p),
            hard_baseline: metrics(&rows, Forecast::hard_baseline),
            smooth_baseline: metrics(&rows, Forecast::smooth_baseline),
            skill,
        }
    }

    /// The summary as a table for people: Brier score and log loss overall, per profile and
    /// per year, beside the hard and smoothed previous-cut-off baselines; then the origins not
    /// scored.
    #[must_use]
    pub fn summary_table(&self, options: &BacktestOptions) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let origins: std::collections::BTreeSet<Date> =
            self.forecasts.iter().map(|f| f.origin).collect();
        let _ = writeln!(
            s,
            "Backtest: {} origins from {} to {}, {} runs each, {} days ahead",
            origins.len(),
            options.from,
            options.to,
            options.runs,
            options.horizon_days
        );
        if options.model != crate::forecast::ModelOptions::default() {
            let _ = writeln!(s, "Model options: {}", options.model);
        }
        let _ = writeln!(
            s,
            "Lower is better, but for skill; every column is defined under the table.\n"
        );
        let _ = writeln!(
            s,
            "  {:<26} {:>6} | {:>6} {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>21}",
            "group",
            "n",
            "Brier",
            "log",
            "near",
            "CRPS",
            "hard",
            "near",
            "CRPS",
            "smooth",
            "near",
            "CRPS",
            "skill [90%]"
        );
        let f4 = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |v| format!("{v:.4}"));
        let f1 = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |v| format!("{v:.1}"));
        let row = |name: &str, keep: &dyn Fn(&Forecast) -> bool| -> String {
            let mut s = String::new();
            let g = self.group_scores(keep);
            let skill = g.skill.map_or_else(
                || "-".to_string(),
                |[p, lo, hi]| format!("{p:+.3} [{lo:+.3}, {hi:+.3}]"),
            );
            if g.model.n > 0 {
                let _ = writeln!(
                    s,
                    "  {name:<26} {:>6} | {:>6} {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6} | {skill:>21}",
                    g.model.n,
                    f4(g.model.brier),
                    f4(g.model.log_loss),
                    f4(g.model.near_brier),
                    f1(g.model.crps),
                    f4(g.hard_baseline.brier),
                    f4(g.hard_baseline.near_brier),
                    f1(g.hard_baseline.crps),
                    f4(g.smooth_baseline.brier),
                    f4(g.smooth_baseline.near_brier),
                    f1(g.smooth_baseline.crps),
                );
            } else {
                let _ = writeln!(s, "  {name:<26} no scored origins");
            }
            s
        };
        s += &row("all", &|_| true);
        s += &row("all with a round in the year", &|f| f.last_cutoff.is_some());
        for p in &options.profiles {
            s += &row(&format!("profile {}", p.name), &|f| {
                f.profile == p.name && f.last_cutoff.is_some()
            });
            if self
                .forecasts
                .iter()
                .any(|f| f.profile == p.name && f.last_cutoff.is_none() && f.outcome.is_some())
            {
                s += &row(&format!("{} (no round in the year)", p.name), &|f| {
                    f.profile == p.name && f.last_cutoff.is_none()
                });
            }
        }
        let years: std::collections::BTreeSet<i16> =
            self.forecasts.iter().map(|f| f.origin.year()).collect();
        for y in years {
            s += &row(&format!("year {y}"), &|f| f.origin.year() == y);
        }
        if let Some(split) = options.split {
            for (label, before) in [("closed by", true), ("closed after", false)] {
                let _ = writeln!(
                    s,
                    "  windows {label} {split}{}",
                    if before {
                        " (choose on these)"
                    } else {
                        " (judge on these)"
                    }
                );
                let half = move |f: &Forecast| f.closed_by(split) == before;
                s += &row("  all", &|f| half(f));
                for p in &options.profiles {
                    s += &row(&format!("  profile {}", p.name), &|f| {
                        half(f) && f.profile == p.name && f.last_cutoff.is_some()
                    });
                }
            }
        }
        s += &legend(options);
        if !self.unscored_origins.is_empty() {
            let list: Vec<String> = self
                .unscored_origins
                .iter()
                .map(ToString::to_string)
                .collect();
            let _ = writeln!(
                s,
                "\nNot scored (their {} days run past the feed's last round): {}",
                options.horizon_days,
                list.join(", ")
            );
        }
        s
    }

    /// Forecasts binned by probability (tenths): `(mean forecast, observed frequency, n)` per
    /// non-empty bin, for a reliability diagram.
    #[must_use]
    pub fn reliability(&self) -> Vec<(f64, f64, usize)> {
        let mut bins = [(0.0, 0.0, 0_usize); 10];
        for f in &self.forecasts {
            if let Some(y) = f.outcome {
                let b = ((f.p * 10.0) as usize).min(9);
                bins[b].0 += f.p;
                bins[b].1 += if y { 1.0 } else { 0.0 };
                bins[b].2 += 1;
            }
        }
        bins.iter()
            .filter(|b| b.2 > 0)
            .map(|b| (b.0 / b.2 as f64, b.1 / b.2 as f64, b.2))
            .collect()
    }

    /// Writes one CSV row per forecast: `origin,profile,crs,horizon_days,p,lo,hi`.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when writing fails.
    pub fn write_csv(&self, mut out: impl std::io::Write) -> Result<()> {
        let io = |e: std::io::Error| -> crate::error::Error {
            ErrorKind::Io {
                context: "writing the backtest CSV".into(),
                source: crate::error::Cause::new(e),
            }
            .into()
        };
        writeln!(out, "origin,profile,crs,horizon_days,p,lo,hi").map_err(io)?;
        for f in &self.forecasts {
            writeln!(
                out,
                "{},{},{},{},{:.6},{:.6},{:.6}",
                f.origin, f.profile, f.crs, f.horizon_days, f.p, f.lo, f.hi
            )
            .map_err(io)?;
        }
        Ok(())
    }
}

/// What the columns and groups of [`BacktestReport::summary_table`] mean, printed under it.
fn legend(options: &BacktestOptions) -> String {
    let (lo, hi, step) = options.scores;
    let names: Vec<&str> = options.profiles.iter().map(|p| p.name.as_str()).collect();
    format!(
        "
n: the forecasts scored, one per origin, profile and CRS score: the chance of an invitation in
  the {} days after the origin for a profile submitted {} days before it, made with only the
  rounds before the origin, against whether IRCC's rounds invited it.
  Profiles: {}; scores {lo} to {hi} by {step}.
Brier: the mean squared error of the chance (0 to 1); log: the log loss (chances clipped to
  [0.001, 0.999]); near: the Brier score of the rows within {NEAR} points of the profile's last
  cut-off, where it is hard; CRPS: per origin and profile, the squared errors summed over the
  scores times their step, averaged: how many points the whole curve is off.
hard, smooth: the previous-cut-off baselines, scored alike, from the lowest of the latest
  cut-offs of the profile's families in the year before the origin: hard says 1 at or above it,
  else 0; smooth says logistic((score - it) / 5); with no round in that year both say 0.
skill: 1 - the model's Brier / the better baseline's, with its 90% bootstrap interval over
  origins: above 0, the model beats both baselines.
Groups: all rows; those with a round in the year (where the baselines say something); each
  profile with one, and apart without one; origins by year; with --split, the windows closed by
  the date (choose on these) and after it (judge on these).
",
        options.horizon_days,
        options.lead_days,
        names.join(", "),
    )
}

/// Runs the backtest: at each month start from `options.from` to before `options.to`,
/// calibrates a scenario from the rounds dated before it, forecasts each profile and score
/// over the horizon, and records what the real rounds did. `progress` is told each origin.
///
/// # Errors
/// [`ErrorKind::InvalidScenario`] when an origin has no snapshot or too few to calibrate.
pub fn run(
    history: &History,
    options: &BacktestOptions,
    mut progress: impl FnMut(Date, usize, usize),
) -> Result<BacktestReport> {
    let last_round = history.draws().iter().map(|d| d.date()).max();
    let origins = match options.every_days {
        Some(n) => every(options.from, options.to, n.max(1)),
        None => month_starts(options.from, options.to),
    };
    let (categories, rounds) = held_rounds(history)?;
    let mut eligibility = Vec::new();
    for p in &options.profiles {
        eligibility.push(p.membership.eligibility(&categories)?);
    }
    let mut report = BacktestReport::default();
    let mut records = crate::forecast::Records::new();
    for (i, origin) in origins.iter().enumerate() {
        progress(*origin, i, origins.len());
        let scenario =
            Scenario::calibrated_with_records(history, *origin, &options.model, &mut records)?;
        let start = Timestamp::start_of_day(*origin);
        let submitted = start.plus_days(-i64::from(options.lead_days));
        let model = ScenarioRun::new(&scenario, None, options.horizon_days)?;
        let mut probe_profiles = Vec::new();
        for p in &options.profiles {
            probe_profiles.push(ProbeProfile {
                name: p.name.clone(),
                eligibility: p.membership.eligibility(model.categories())?,
                submitted_at: submitted,
            });
        }
        let (lo, hi, step) = options.scores;
        let probes = Probes::new(probe_profiles, CrsScore::new(lo)?, CrsScore::new(hi)?)?
            .with_validity(crate::montecarlo::RunModel::profile_validity(&model));
        let tally = MonteCarlo::new(options.runs, options.seed)
            .probes(probes)
            .estimate(&model);
        let end = origin
            .checked_add(jiff::Span::new().days(i64::from(options.horizon_days)))
            .map_err(|e| ErrorKind::InvalidSimulation {
                what: "backtest horizon",
                expected: "a date in range".into(),
                found: e.to_string(),
            })?;
        let scored = last_round.is_some_and(|l| l >= end);
        if !scored {
            report.unscored_origins.push(*origin);
        }
        for (p, e) in options.profiles.iter().zip(&eligibility) {
            let last = last_cutoff(history, p, *origin);
            for crs in (lo..=hi).step_by(usize::from(step.max(1))) {
                let chance = tally
                    .probe_chance(&p.name, crs)
                    .unwrap_or(crate::montecarlo::Interval::wilson(0, 0));
                let score = CrsScore::new(crs)?;
                let outcome = scored.then(|| {
                    let who = Standing {
                        eligibility: *e,
                        score,
                        submitted_at: submitted,
                        expires: Timestamp::MAX,
                    };
                    invited(&rounds, *origin, end, &who)
                });
                report.forecasts.push(Forecast {
                    origin: *origin,
                    profile: p.name.clone(),
                    crs,
                    horizon_days: options.horizon_days,
                    p: chance.p,
                    lo: chance.lo,
                    hi: chance.hi,
                    outcome,
                    last_cutoff: last,
                });
            }
        }
    }
    Ok(report)
}

/// Every `n` days from `from` to the last before `to`.
fn every(from: Date, to: Date, n: u32) -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = Some(from);
    while let Some(o) = d.filter(|o| *o < to) {
        out.push(o);
        d = o.checked_add(jiff::Span::new().days(i64::from(n))).ok();
    }
    out
}

/// Month starts from the first at or after `from` to the last before `to`.
fn month_starts(from: Date, to: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = if from.day() == 1 {
        Some(from)
    } else {
        from.last_of_month().tomorrow().ok()
    };
    while let Some(m) = d.filter(|m| *m < to) {
        out.push(m);
        d = m.checked_add(jiff::Span::new().months(1)).ok();
    }
    out
}

/// The rounds of `history` as records the invitation rule reads ([`DrawRecord::invites`]),
/// each with its date, and the registry of their categories: a published round invited its
/// whole size, down to its cut-off and tie-break.
fn held_rounds(history: &History) -> Result<(Categories, Vec<(Date, DrawRecord)>)> {
    let mut categories = Categories::ircc_2026();
    for d in history.draws() {
        if d.family().is_category() {
            categories.register(d.family().as_str())?;
        }
    }
    let mut rounds = Vec::new();
    for d in history.draws() {
        rounds.push((
            d.date(),
            DrawRecord {
                at: Timestamp::start_of_day(d.date()),
                target: d.family().target(&categories)?,
                requested: d.size(),
                invited: u64::from(d.size()),
                cutoff: Some(d.cutoff()),
                tie_break: d.tie_break(),
            },
        ));
    }
    Ok((categories, rounds))
}

/// Whether a real round after `origin` and by `end` invited `who`.
fn invited(rounds: &[(Date, DrawRecord)], origin: Date, end: Date, who: &Standing) -> bool {
    rounds
        .iter()
        .any(|(date, d)| *date > origin && *date <= end && d.invites(who))
}

/// The lowest of the latest cut-offs of the profile's families in the year before `origin`.
fn last_cutoff(history: &History, profile: &BacktestProfile, origin: Date) -> Option<u16> {
    let year_before = origin.checked_sub(jiff::Span::new().years(1)).ok()?;
    let mut latest: std::collections::BTreeMap<&str, (Date, u16)> =
        std::collections::BTreeMap::new();
    for d in history.draws() {
        let date = d.date();
        if date >= year_before && date < origin && profile.reached_by(d.family()) {
            let entry = latest
                .entry(d.family().as_str())
                .or_insert((date, d.cutoff().get()));
            if date >= entry.0 {
                *entry = (date, d.cutoff().get());
            }
        }
    }
    latest.values().map(|v| v.1).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_of_the_table_is_defined_under_it() {
        let options = BacktestOptions::new(
            jiff::civil::date(2025, 1, 1),
            jiff::civil::date(2025, 3, 1),
            10,
        );
        let table = BacktestReport::default().summary_table(&options);
        let header = table.lines().find(|l| l.contains("skill [90%]")).unwrap();
        let legend = table.split_once(header).unwrap().1;
        for column in header
            .split(['|', ' ', '[', ']'])
            .filter(|c| !c.is_empty() && !["group", "90%"].contains(c))
        {
            assert!(legend.contains(column), "{column} undefined in\n{legend}");
        }
        for defined in [
            "n: ",
            "Brier: ",
            "log: ",
            "near: ",
            "CRPS: ",
            "hard, smooth: ",
            "skill: ",
            "Groups: ",
            "submitted 60 days before",
            "scores 300 to 600 by 10",
            "within 30 points",
        ] {
            assert!(legend.contains(defined), "{defined}");
        }
    }
}
