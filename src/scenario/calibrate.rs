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
/// How many of a family's latest rounds its sizes are drawn from.
const RECENT_SIZES: usize = 12;
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
        let exit = crate::scenario::exit_per_day(Probability::new(WITHDRAWAL_PER_WEEK)?);
        let rounds = forecast::family_rounds(history, as_of);
        let fits = forecast::fit_families(&rounds, exit, &mut forecast::FitCache::new());
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
            // The family's rounds of the last two years: its gaps for the hazard of the
            // next round and for later gaps, its latest sizes.
            let since = as_of
                .checked_sub(jiff::Span::new().days(forecast::fit::FIT_WINDOW_DAYS))
                .unwrap_or(as_of);
            let dates: Vec<(Date, u32)> = known
                .draws()
                .iter()
                .filter(|d| d.family() == family && d.date() >= since)
                .map(|d| (d.date(), d.size()))
                .collect();
            let Some(&(last, _)) = dates.last() else {
                continue;
            };
            let silent = (Timestamp::start_of_day(as_of).as_second()
                - Timestamp::start_of_day(last).as_second())
                / 86_400;
            if silent > forecast::INACTIVE_AFTER_DAYS {
                continue;
            }
            let mut gaps: Vec<u32> = dates
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
            let sizes: Vec<u32> = dates[dates.len().saturating_sub(RECENT_SIZES)..]
                .iter()
                .map(|d| d.1)
                .collect();
            draws.insert(
                family.clone(),
                DrawPlan::Resample {
                    last,
                    gaps_days: gaps,
                    sizes,
                },
            );
        }
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
                ranges: *snapshot.counts(),
                density: calibration.model(),
            },
            shares,
            families,
            draws,
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
) -> crate::forecast::FamilyPool {
    let start = crate::time::Timestamp::start_of_day(as_of);
    let since = start.plus_seconds(-(fit.shape.residence_days * 86_400.0) as i64 - 86_400);
    let rounds: Vec<_> = known
        .draws()
        .iter()
        .filter(|d| d.family() == family)
        .filter_map(|d| {
            let at = d.held_at().unwrap_or_else(|| {
                crate::time::Timestamp::start_of_day(d.date()).plus_seconds(14 * 3600)
            });
            (at >= since).then_some((at, d.cutoff().get(), d.tie_break()))
        })
        .collect();
    let last = obs.last();
    let mut pool = crate::forecast::FamilyPool {
        shape: fit.shape,
        level: fit.pool.level(),
        level_spread: round4(fit.level_spread),
        rounds,
        source: String::new(),
        guess: None,
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
        let mut probe = crate::forecast::RefillPool::new(fit.shape, 1.0);
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
