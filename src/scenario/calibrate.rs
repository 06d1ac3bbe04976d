//! A scenario calibrated from the rounds feed as of a date, with no look-ahead.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::{DrawPlan, Scenario, Share, StartPool};
use crate::candidate::Categories;
use crate::error::{ErrorKind, Result};
use crate::feed::{Calibration, DrawFamily, History};
use crate::ita::ResponseModel;
use crate::probability::Probability;

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
/// The gap given to a family with one round in the 182-day window.
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
        let problem = |p: String| -> crate::Error {
            ErrorKind::InvalidScenario {
                source_name: String::new(),
                problems: vec![p],
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
        for draw in known.draws() {
            let family = draw.family();
            let name = family.as_str();
            if matches!(family, DrawFamily::Other(_)) || draws.contains_key(name) {
                continue;
            }
            let Some(schedule) = calibration.schedule(family).filter(|s| !s.sizes.is_empty())
            else {
                continue;
            };
            let last = known
                .draws()
                .iter()
                .filter(|d| d.family() == family)
                .map(|d| d.date())
                .max()
                .unwrap_or(as_of);
            let mut gaps: Vec<u32> = schedule
                .gaps_days
                .iter()
                .filter_map(|g| u32::try_from(*g).ok())
                .filter(|g| *g > 0)
                .collect();
            if gaps.is_empty() {
                gaps.push(LONE_ROUND_GAP);
            }
            draws.insert(
                name.to_string(),
                DrawPlan::Resample {
                    last,
                    gaps_days: gaps,
                    sizes: schedule.sizes.clone(),
                },
            );
            if !matches!(family, DrawFamily::General | DrawFamily::Pnp)
                && let Some(s) = calibration.share(family)
            {
                shares.insert(name.to_string(), share_of(s));
            }
        }
        // Programs without recent rounds still decide who program rounds reach.
        for family in [DrawFamily::Cec, DrawFamily::Fsw] {
            if let (false, Some(s)) = (
                shares.contains_key(family.as_str()),
                calibration.share(&family),
            ) {
                shares.insert(family.as_str().to_string(), share_of(s));
            }
        }
        // The same registry order as reading the file back: shares, then families.
        for name in shares.keys().chain(draws.keys()) {
            if !super::PROGRAM_FAMILIES.contains(&name.as_str()) && name != "fst" {
                categories.register(name)?;
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

/// A calibrated share, with its spread floored at 15% of the mean.
fn share_of(s: &crate::feed::ShareEstimate) -> Share {
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
