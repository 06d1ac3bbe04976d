//! A scenario calibrated from the rounds feed as of a date, with no look-ahead.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::{DrawPlan, Scenario, Share, StartPool};
use crate::candidate::Categories;
use crate::error::{ErrorKind, Result};
use crate::family::Family;
use crate::feed::History;
use crate::forecast::{self, Calibration};
use crate::ita::ResponseModel;
use crate::probability::Probability;
use crate::time::Timestamp;

/// Assumed, not in the feed: the weekly chance that a waiting candidate withdraws.
pub(crate) const WITHDRAWAL_PER_WEEK: f64 = 0.002;
/// Assumed: the share of invited candidates who decline.
pub(crate) const ITA_DECLINE: f64 = 0.05;
/// Assumed: the share of invited candidates who let the ITA lapse.
pub(crate) const ITA_NO_RESPONSE: f64 = 0.03;
/// Assumed: the relative spread of the weekly arrival rate between runs.
pub(crate) const ARRIVAL_SPREAD: f64 = 0.15;
/// The smallest relative spread given to a calibrated share (a family seen in one or two
/// rounds has no measured spread worth the name).
const MIN_RELATIVE_SPREAD: f64 = 0.15;
/// The gap given to a family with one round in the window.
const LONE_ROUND_GAP: u32 = 182;

impl Scenario {
    /// A scenario calibrated from `history` as known before `as_of`: the newest snapshot
    /// before it, the density and shares of [`Calibration::as_of`], each family's rounds of
    /// the trailing 182 days, and arrivals from the accounting between snapshots.
    ///
    /// Arrivals in the feed are net of expiries and withdrawals, which the simulation models
    /// itself, so they are made gross: net + (range count) × (1/52 + weekly withdrawal).
    /// Withdrawals, ITA declines and lapses are not in the feed: they are assumptions (0.2%
    /// a week, 5%, 3%), written as such in the scenario.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidScenario`] when the history has no snapshot before `as_of`, or too
    /// few to measure arrivals.
    pub fn calibrated(history: &History, as_of: Date) -> Result<Scenario> {
        Scenario::calibrated_with(history, as_of, &forecast::ModelOptions::default())
    }

    /// As [`Scenario::calibrated`], with the model's `options` (the default is the model
    /// eesim ships; the others are for measuring what each choice is worth).
    ///
    /// # Errors
    /// As [`Scenario::calibrated`].
    pub fn calibrated_with(
        history: &History,
        as_of: Date,
        options: &forecast::ModelOptions,
    ) -> Result<Scenario> {
        Scenario::calibrated_with_records(history, as_of, options, &mut forecast::Records::new())
    }

    /// As [`Scenario::calibrated_with`], keeping the combination's record in `records`: the
    /// windows it scores are kept for the next calibration (a backtest's next origin, the
    /// next `chance` on the same feed), and the ones already there are not scored again.
    ///
    /// # Errors
    /// As [`Scenario::calibrated`].
    pub fn calibrated_with_records(
        history: &History,
        as_of: Date,
        options: &forecast::ModelOptions,
        records: &mut forecast::Records,
    ) -> Result<Scenario> {
        let mut scenario = Scenario::simulation_only(history, as_of, options)?;
        let fixed = match options.combine {
            forecast::Combine::Off => return Ok(scenario),
            forecast::Combine::Record => None,
            forecast::Combine::Fixed(w) => Some(w),
        };
        scenario.combination = Some(super::record::combination(
            history, &scenario, as_of, options, fixed, records,
        ));
        Ok(scenario)
    }

    fn simulation_only(
        history: &History,
        as_of: Date,
        options: &forecast::ModelOptions,
    ) -> Result<Scenario> {
        // Each problem is written `key: expected ..., found ...`.
        let problem = |p: String| -> crate::error::Error {
            let (path, message) = p.split_once(": ").unwrap_or(("scenario", p.as_str()));
            ErrorKind::InvalidScenario {
                source_name: String::new(),
                problems: vec![crate::error::Problem::new(path, message)],
            }
            .into()
        };
        let known = history.before(as_of);
        let snapshot = known
            .snapshots()
            .iter()
            .max_by_key(|s| s.date())
            .ok_or_else(|| {
                problem(format!(
                    "pool: expected a snapshot dated before {as_of}, found none"
                ))
            })?;
        let calibration = Calibration::as_of(history, as_of);
        let net = calibration.arrivals_per_week().ok_or_else(|| {
            problem(format!(
                "arrivals: expected two snapshots before {as_of}, found fewer"
            ))
        })?;
        let mut arrivals = [0.0; 15];
        for (i, a) in arrivals.iter_mut().enumerate() {
            let count = f64::from(snapshot.count(i));
            *a = round3((net[i] + count * (1.0 / 52.0 + WITHDRAWAL_PER_WEEK)).max(0.0));
        }
        let mut shares = BTreeMap::new();
        let mut draws = BTreeMap::new();
        let mut categories = Categories::new();
        let exit = super::exit_per_day(Probability::new(WITHDRAWAL_PER_WEEK)?);
        let ranges = match options.start {
            forecast::StartPool::Snapshot => *snapshot.counts(),
            forecast::StartPool::LessRounds => less_rounds(&known, snapshot, calibration.model()),
        };
        let rounds = forecast::family_rounds_with(history, as_of, &options.refill);
        // The programs on the refill dynamics are shaped like the start pool, as the runs
        // will shape them.
        let start = forecast::ScoreDensity::from_counts(&ranges, calibration.model());
        let density: Vec<f64> = (0..crate::score::CrsScore::COUNT)
            .map(|i| {
                crate::score::CrsScore::from_index(i)
                    .filter(|s| s.get() <= 600)
                    .map_or(0.0, |s| start.at(s))
            })
            .collect();
        let fits = forecast::fit_families_with(
            &rounds,
            exit,
            &mut forecast::FitCache::new(),
            Some(&density),
        );
        let mut families = BTreeMap::new();
        for (family, obs) in &rounds {
            let Some(fit) = fits.get(family) else {
                continue;
            };
            families.insert(family.clone(), family_pool(&known, family, obs, fit, as_of));
        }
        for draw in known.draws() {
            let family = draw.family();
            if *family == Family::OTHER || draws.contains_key(family) {
                continue;
            }
            if family.has_own_pool() && !families.contains_key(family) {
                continue;
            }
            // The family's rounds: its gaps for the hazard of the next round and for later
            // gaps, and its sizes, each over the options' memory.
            let all: Vec<(Date, u32)> = known
                .draws()
                .iter()
                .filter(|d| d.family() == family)
                .map(|d| (d.date(), d.size()))
                .collect();
            let Some(&(last, _)) = all.last() else {
                continue;
            };
            let remembered = |memory: forecast::Memory| -> &[(Date, u32)] {
                let within = |days: i64| {
                    let since = as_of
                        .checked_sub(jiff::Span::new().days(days))
                        .unwrap_or(as_of);
                    all.partition_point(|d| d.0 < since)
                };
                let from = match memory {
                    forecast::Memory::Rounds(n) => {
                        within(forecast::fit::FIT_WINDOW_DAYS).max(all.len().saturating_sub(n))
                    }
                    forecast::Memory::Days(n) => within(i64::from(n)),
                };
                &all[from..]
            };
            let silent = (Timestamp::start_of_day(as_of).as_second()
                - Timestamp::start_of_day(last).as_second())
                / 86_400;
            if silent > forecast::INACTIVE_AFTER_DAYS {
                continue;
            }
            let mut gaps: Vec<u32> = remembered(options.gaps)
                .windows(2)
                .filter_map(|w| {
                    let days = (Timestamp::start_of_day(w[1].0).as_second()
                        - Timestamp::start_of_day(w[0].0).as_second())
                        / 86_400;
                    u32::try_from(days).ok().filter(|g| *g > 0)
                })
                .collect();
            if gaps.is_empty() {
                gaps.push(LONE_ROUND_GAP);
            }
            let sizes: Vec<u32> = remembered(options.sizes).iter().map(|d| d.1).collect();
            if sizes.is_empty() {
                continue;
            }
            draws.insert(
                family.clone(),
                DrawPlan::Resample {
                    last,
                    gaps_days: gaps,
                    sizes,
                },
            );
        }
        // A program on the refill dynamics that holds no round any more needs no pool.
        families.retain(|family, _| !options.refill.contains(family) || draws.contains_key(family));
        // The programs decide who program rounds reach.
        for family in [Family::CEC, Family::FSW] {
            if let Some(s) = calibration.share(&family) {
                shares.insert(family.clone(), share_of(s));
            }
        }
        // The same registry order as reading the file back: families, then rounds.
        for family in families.keys().chain(draws.keys()) {
            if family.is_category() {
                categories.register(family.as_str())?;
            }
        }
        let last_round = known.draws().iter().map(|d| d.date()).max();
        let source = format!(
            "IRCC rounds feed (ee_rounds_123_en.json): {} rounds up to {}; pool snapshot of {}; calibrated as of {as_of} by `eesim calibrate FEED.json --as-of {as_of}`",
            known.draws().len(),
            last_round.map_or_else(|| "-".to_string(), |d| d.to_string()),
            snapshot.date(),
        );
        Ok(Scenario {
            as_of,
            source,
            validity_months: 12,
            pool: StartPool {
                candidates: None,
                ranges,
                density: calibration.model(),
            },
            shares,
            families,
            draws,
            combination: None,
            schedule: super::Schedule {
                open_gaps: open_gaps(&known, as_of, options.open_gaps_days),
                ..options.schedule()
            },
            arrivals_per_week: arrivals,
            arrival_spread: ARRIVAL_SPREAD,
            withdrawal_per_week: Probability::new(WITHDRAWAL_PER_WEEK)?,
            responses: ResponseModel::new(ITA_DECLINE, ITA_NO_RESPONSE)?,
            categories,
            after_ita: crate::landing::AfterIta::default(),
        })
    }

    /// The day after the newest snapshot in `history`: the default "as of" date, so that the
    /// scenario starts from the freshest published pool.
    #[must_use]
    pub fn newest_snapshot_day_after(history: &History) -> Option<Date> {
        history
            .snapshots()
            .iter()
            .map(|s| s.date())
            .max()
            .and_then(|d| d.tomorrow().ok())
    }
}

/// The snapshot's counts by range less the rounds held on or after its date (each taken from
/// the scores at and above its cut-off in proportion to their numbers, as the shares are
/// calibrated).
fn less_rounds(
    known: &History,
    snapshot: &crate::feed::PoolSnapshot,
    model: forecast::DensityModel,
) -> [u32; 15] {
    let mut density = forecast::ScoreDensity::new(snapshot, model);
    for d in known.draws().iter().filter(|d| d.date() >= snapshot.date()) {
        density.remove_invited(d.cutoff(), f64::from(d.size()));
    }
    let mut out = *snapshot.counts();
    for (slot, r) in out.iter_mut().zip(crate::feed::RANGES) {
        let n: f64 = (r.low..=r.high)
            .filter_map(|s| crate::score::CrsScore::new(s).ok())
            .map(|s| density.at(s))
            .sum();
        *slot = n.round().max(0.0) as u32;
    }
    out
}

/// The silences still open on `as_of`, in days, of every family whose last round is at most
/// `days` old.
fn open_gaps(known: &History, as_of: Date, days: u32) -> Vec<u32> {
    let mut last: BTreeMap<&Family, Date> = BTreeMap::new();
    for d in known.draws() {
        if *d.family() != Family::OTHER {
            last.insert(d.family(), d.date());
        }
    }
    last.values()
        .filter_map(|d| {
            let open = (Timestamp::start_of_day(as_of).as_second()
                - Timestamp::start_of_day(*d).as_second())
                / 86_400;
            u32::try_from(open).ok().filter(|g| *g >= 1 && *g <= days)
        })
        .collect()
}

/// A young family's level: a round of its last size `PRIOR_GAP_DAYS` after its last round
/// repeats its cut-off.
const PRIOR_GAP_DAYS: f64 = 30.0;

/// The scenario's pool of one family, from its fit and its rounds before `as_of`.
fn family_pool(
    known: &History,
    family: &Family,
    obs: &[forecast::RoundObs],
    fit: &forecast::FamilyFit,
    as_of: Date,
) -> forecast::FamilyPool {
    let start = crate::time::Timestamp::start_of_day(as_of);
    let since = start.plus_seconds(-(fit.shape.residence_days * 86_400.0) as i64 - 86_400);
    let rounds: Vec<_> = known
        .draws()
        .iter()
        // A program's pool is emptied by general rounds too.
        .filter(|d| {
            d.family() == family
                || (forecast::PoolKind::of(family).is_none() && *d.family() == Family::GENERAL)
        })
        .filter_map(|d| {
            let at = d.held_at().unwrap_or_else(|| {
                crate::time::Timestamp::start_of_day(d.date()).plus_seconds(14 * 3600)
            });
            (at >= since).then_some((at, d.cutoff().get(), d.tie_break()))
        })
        .collect();
    let last = obs.last();
    let mut pool = forecast::FamilyPool {
        shape: fit.shape,
        level: fit.pool.level(),
        level_spread: round4(fit.level_spread),
        rounds,
        source: String::new(),
        guess: None,
        snapshot_shape: forecast::PoolKind::of(family).is_none(),
    };
    let mae = fit
        .one_step_mae
        .map_or_else(|| "-".to_string(), |m| format!("{m:.1}"));
    pool.source = format!(
        "refill fitted on {} {family} rounds of the {} days before {as_of} (one-step-ahead cut-off MAE {mae}); beta, residence and half-life {} rounds {}",
        fit.rounds,
        forecast::fit::FIT_WINDOW_DAYS,
        fit.half_life_rounds,
        if fit.borrowed {
            "borrowed from the families pooled (too few rounds of its own)"
        } else {
            "chosen on its own rounds"
        },
    );
    if let (true, Some(last)) = (obs.len() < forecast::fit::MIN_FITTED_ROUNDS, last) {
        let mut probe = forecast::RefillPool::new(fit.shape, 1.0);
        probe.observe(last.day, last.cutoff, last.tie_break_day);
        let per_level = probe.taken_per_level(last.day + PRIOR_GAP_DAYS, last.cutoff, None);
        if per_level > 0.0 {
            pool.level = last.size / per_level;
        }
        pool.level_spread = forecast::fit::PRIOR_LEVEL_SPREAD;
        pool.guess = Some(format!(
            "one {family} round only: its level is set so that a round of its size {PRIOR_GAP_DAYS} days later repeats its cut-off of {}, with a wide spread",
            last.cutoff
        ));
    }
    pool.level = round4(pool.level);
    pool
}

/// A calibrated share, with its spread floored at 15% of the mean.
fn share_of(s: &forecast::ShareEstimate) -> Share {
    let mean = s.mean.clamp(0.0, 1.0);
    let spread = s.spread.max(MIN_RELATIVE_SPREAD * mean).min(1.0);
    Share {
        mean: round4(mean),
        spread: round4(spread),
    }
}

fn round3(x: f64) -> f64 {
    (x * 1e3).round() / 1e3
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}
