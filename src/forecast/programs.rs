//! `Calibration`: the program families' parameters (the snapshot's density, each program's
//! share, schedules, arrivals) inferred from the rounds and snapshots dated before a date.
//!
//! Nothing dated on or after the "as of" date is read: [`Calibration::as_of`] first cuts the
//! history with [`History::before`], so adding later rounds cannot change an earlier
//! calibration (tested in `tests/integration/feed_calibration.rs`).

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::density::{DensityModel, ScoreDensity};
use crate::family::Family;
use crate::feed::{DrawRecord, History, RANGES};
use crate::score::CrsScore;
use crate::time::Timestamp;

/// How many of a family's latest rounds its eligible share is averaged over.
const SHARE_WINDOW: usize = 3;
/// How many of the latest all-program rounds the decay inside 501-600 is fitted on.
const DECAY_WINDOW: usize = 20;
/// The trailing window, in days, of the round schedule statistics.
const SCHEDULE_DAYS: i64 = 182;
/// How many snapshot intervals the arrival rates are averaged over.
const ARRIVAL_INTERVALS: usize = 8;
/// The decay rates tried, per CRS point: 0.005 to 0.2.
const RATES: std::ops::RangeInclusive<u16> = 1..=40;
const RATE_STEP: f64 = 0.005;

/// The share of the pool eligible for a family's rounds, inferred from its past rounds:
/// `size / candidates at or above the cut-off`, in the pool as modelled when each was held.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShareEstimate {
    /// The mean share over the family's latest rounds.
    pub mean: f64,
    /// The sample standard deviation of those shares (0 with a single round).
    pub spread: f64,
    /// How many rounds the estimate rests on.
    pub rounds: usize,
}

/// A family's recent schedule: gaps between its rounds and their sizes, over a trailing
/// window of 182 days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FamilySchedule {
    /// Days between consecutive rounds of the family inside the window.
    pub gaps_days: Vec<i64>,
    /// The sizes of its rounds inside the window, oldest first.
    pub sizes: Vec<u32>,
}

/// Parameters calibrated from the history known before a date.
///
/// # Example
/// ```
/// use eesim::Family;
/// use eesim::feed::FeedReader;
/// use eesim::forecast::{Calibration, DensityModel};
///
/// let json = r#"{"rounds": [
///   {"drawNumber": "1", "drawDate": "2024-03-05", "drawName": "Canadian Experience Class",
///    "drawSize": "1,000", "drawCRS": "1100", "drawDistributionAsOn": "March 4, 2024",
///    "dd1": "6,000", "dd2": "0", "dd3": "0", "dd4": "0", "dd5": "0", "dd6": "0", "dd7": "0",
///    "dd8": "0", "dd9": "0", "dd10": "0", "dd11": "0", "dd12": "0", "dd13": "0",
///    "dd14": "0", "dd15": "0", "dd16": "0", "dd17": "0", "dd18": "6,000"}]}"#;
/// let (history, _) = FeedReader::new().read_str(json)?;
/// let date = jiff::civil::Date::new(2024, 4, 1)?;
/// let calibration = Calibration::as_of_with(&history, date, DensityModel::Flat);
/// // 1,000 invited down to 1100, where the flat top range holds 1,010 candidates.
/// let share = calibration.share(&Family::CEC).unwrap();
/// assert!((share.mean - 1_000.0 / 1_010.0).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    as_of: Date,
    model: DensityModel,
    shares: BTreeMap<Family, ShareEstimate>,
    schedules: BTreeMap<Family, FamilySchedule>,
    arrivals: Option<[f64; 15]>,
}

impl Calibration {
    /// The calibration from `history` as known before `date`.
    #[must_use]
    pub fn as_of(history: &History, date: Date) -> Calibration {
        let known = history.before(date);
        let model = fit_decay(&known);
        Calibration::with_model(&known, date, model)
    }

    /// The calibration before `date` with a given density model (shares are inferred under
    /// it; no decay is fitted).
    #[must_use]
    pub fn as_of_with(history: &History, date: Date, model: DensityModel) -> Calibration {
        Calibration::with_model(&history.before(date), date, model)
    }

    fn with_model(known: &History, date: Date, model: DensityModel) -> Calibration {
        // Newest first, keeping only each family's latest few shares.
        let mut per_family: BTreeMap<Family, Vec<f64>> = BTreeMap::new();
        for draw in known.draws().iter().rev() {
            let seen = per_family.get(draw.family()).map_or(0, Vec::len);
            if seen >= SHARE_WINDOW {
                continue;
            }
            if let Some(share) = observed_share(known, draw, model) {
                per_family
                    .entry(draw.family().clone())
                    .or_default()
                    .insert(0, share);
            }
        }
        let shares = per_family
            .into_iter()
            .filter_map(|(f, v)| summarise(&v).map(|s| (f, s)))
            .collect();
        Calibration {
            as_of: date,
            model,
            shares,
            schedules: schedules(known, date),
            arrivals: arrivals_per_week(known, model),
        }
    }

    /// The date the calibration is as of: it saw only what is dated before it.
    #[must_use]
    pub fn date(&self) -> Date {
        self.as_of
    }

    /// The density model: [`DensityModel::Decay`] with the fitted rate, or
    /// [`DensityModel::Smooth`] before any all-program round had a cut-off in 501-600.
    #[must_use]
    pub fn model(&self) -> DensityModel {
        self.model
    }

    /// The eligible share of `family`, if it held a round with a usable snapshot.
    #[must_use]
    pub fn share(&self, family: &Family) -> Option<&ShareEstimate> {
        self.shares.get(family)
    }

    /// The schedule of `family` over the trailing window (empty if it held no round there).
    #[must_use]
    pub fn schedule(&self, family: &Family) -> Option<&FamilySchedule> {
        self.schedules.get(family)
    }

    /// Net arrivals per week in each of the 15 [`RANGES`] (highest first): the change in
    /// the range between consecutive snapshots plus the invitations issued from it in
    /// between, averaged over the latest 8 intervals. Net of expiries and withdrawals; may be
    /// negative. `None` with fewer than two snapshots.
    #[must_use]
    pub fn arrivals_per_week(&self) -> Option<&[f64; 15]> {
        self.arrivals.as_ref()
    }

    /// The cut-off this calibration predicts for `draw`: its snapshot, less the rounds held
    /// since, invited down to `size / share` candidates. `None` without a usable snapshot.
    ///
    /// A family never seen before is assumed fully eligible (share 1). All-program rounds
    /// reach everyone, but their share is still calibrated: it absorbs what the snapshot
    /// misses (arrivals and score changes since it was taken, the density model's own bias),
    /// which measurably lowers their error (3.3 against 4.0 points on the shared feed).
    #[must_use]
    pub fn nowcast(&self, history: &History, draw: &DrawRecord) -> Option<CrsScore> {
        let share = self.share(draw.family()).map_or(1.0, |s| s.mean);
        nowcast_with(history, draw, self.model, share)
    }

    /// As [`Calibration::nowcast`], with a given eligible `share` (such as 1 for an
    /// all-program round, to measure the density model alone).
    #[must_use]
    pub fn nowcast_with_share(
        &self,
        history: &History,
        draw: &DrawRecord,
        share: f64,
    ) -> Option<CrsScore> {
        nowcast_with(history, draw, self.model, share)
    }
}

/// The pool as modelled when `draw` was held: its snapshot less the rounds since.
pub(crate) fn pool_at(
    history: &History,
    draw: &DrawRecord,
    model: DensityModel,
) -> Option<ScoreDensity> {
    let snapshot = history.snapshot_on(draw.snapshot_date()?)?;
    if snapshot.total() == 0 {
        return None;
    }
    let mut density = ScoreDensity::new(snapshot, model);
    for earlier in history.between_snapshot_and(draw) {
        density.remove_invited(earlier.cutoff(), f64::from(earlier.size()));
    }
    Some(density)
}

/// The cut-off predicted for `draw` under `model` with eligible share `share`.
pub(crate) fn nowcast_with(
    history: &History,
    draw: &DrawRecord,
    model: DensityModel,
    share: f64,
) -> Option<CrsScore> {
    let pool = pool_at(history, draw, model)?;
    (share > 0.0).then(|| pool.cutoff_for(f64::from(draw.size()) / share))
}

/// `size / candidates at or above the cut-off` for a past round.
fn observed_share(history: &History, draw: &DrawRecord, model: DensityModel) -> Option<f64> {
    let above = pool_at(history, draw, model)?.at_or_above(draw.cutoff());
    (above > 0.0).then(|| f64::from(draw.size()) / above)
}

fn summarise(shares: &[f64]) -> Option<ShareEstimate> {
    let recent = shares.get(shares.len().saturating_sub(SHARE_WINDOW)..)?;
    if recent.is_empty() {
        return None;
    }
    let n = recent.len() as f64;
    let mean = recent.iter().sum::<f64>() / n;
    let var = if recent.len() > 1 {
        recent.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    Some(ShareEstimate {
        mean,
        spread: var.sqrt(),
        rounds: recent.len(),
    })
}

/// The decay rate inside 501-600 that best predicts the latest all-program rounds' cut-offs
/// (share 1), or the smooth model when none of them had its cut-off in 501-600.
pub(crate) fn fit_decay(known: &History) -> DensityModel {
    let general: Vec<&DrawRecord> = known
        .draws()
        .iter()
        .filter(|d| d.family() == &Family::GENERAL && d.snapshot_date().is_some())
        .collect();
    let recent = general
        .get(general.len().saturating_sub(DECAY_WINDOW)..)
        .unwrap_or(&[]);
    if !recent
        .iter()
        .any(|d| (501..=600).contains(&d.cutoff().get()))
    {
        return DensityModel::Smooth;
    }
    let mut best = (u64::MAX, DensityModel::Smooth);
    for step in RATES {
        let model = DensityModel::Decay {
            rate: f64::from(step) * RATE_STEP,
        };
        let error: u64 = recent
            .iter()
            .filter_map(|d| {
                let predicted = nowcast_with(known, d, model, 1.0)?;
                Some(u64::from(predicted.get().abs_diff(d.cutoff().get())))
            })
            .sum();
        if error < best.0 {
            best = (error, model);
        }
    }
    best.1
}

fn days_between(a: Date, b: Date) -> i64 {
    (Timestamp::start_of_day(b).as_second() - Timestamp::start_of_day(a).as_second()) / 86_400
}

fn schedules(known: &History, date: Date) -> BTreeMap<Family, FamilySchedule> {
    let mut out: BTreeMap<Family, FamilySchedule> = BTreeMap::new();
    let mut last: BTreeMap<Family, Date> = BTreeMap::new();
    for d in known.draws() {
        if days_between(d.date(), date) > SCHEDULE_DAYS {
            continue;
        }
        let entry = out.entry(d.family().clone()).or_default();
        if let Some(prev) = last.insert(d.family().clone(), d.date()) {
            entry.gaps_days.push(days_between(prev, d.date()));
        }
        entry.sizes.push(d.size());
    }
    out
}

/// Net arrivals per week per range over the latest snapshot intervals.
fn arrivals_per_week(known: &History, model: DensityModel) -> Option<[f64; 15]> {
    let snaps = known.snapshots();
    let pairs: Vec<_> = snaps.windows(2).collect();
    let recent = pairs.get(pairs.len().saturating_sub(ARRIVAL_INTERVALS)..)?;
    let mut change = [0.0; 15];
    let mut days = 0;
    for pair in recent {
        let [s1, s2] = pair else { continue };
        let density = ScoreDensity::new(s1, model);
        for (i, slot) in change.iter_mut().enumerate() {
            *slot += f64::from(s2.count(i)) - f64::from(s1.count(i));
        }
        // Invitations issued between the two snapshots, spread over the ranges at or above
        // each round's cut-off in proportion to the first snapshot's density.
        for d in known.draws() {
            if d.date() < s1.date() || d.date() >= s2.date() {
                continue;
            }
            let above = density.at_or_above(d.cutoff());
            if above <= 0.0 {
                continue;
            }
            for (slot, r) in change.iter_mut().zip(RANGES) {
                let low = r.low.max(d.cutoff().get());
                let in_range: f64 = (low..=r.high)
                    .filter_map(|s| CrsScore::new(s).ok())
                    .map(|s| density.at(s))
                    .sum();
                *slot += f64::from(d.size()) * in_range / above;
            }
        }
        days += days_between(s1.date(), s2.date());
    }
    (days > 0).then(|| change.map(|c| c * 7.0 / days as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_summarise_the_latest_window() {
        let s = summarise(&[0.9, 0.2, 0.4, 0.6]).unwrap();
        assert_eq!(s.rounds, 3);
        assert!((s.mean - 0.4).abs() < 1e-12);
        assert!((s.spread - 0.2).abs() < 1e-12);
        let one = summarise(&[0.7]).unwrap();
        assert_eq!((one.mean, one.spread, one.rounds), (0.7, 0.0, 1));
        assert!(summarise(&[]).is_none());
    }

    #[test]
    fn days_between_dates() {
        let d = |y, m, d| Date::new(y, m, d).unwrap();
        assert_eq!(days_between(d(2024, 2, 28), d(2024, 3, 1)), 2);
        assert_eq!(days_between(d(2025, 3, 1), d(2025, 2, 28)), -1);
    }

    #[test]
    fn an_empty_history_calibrates_to_defaults() {
        let cal = Calibration::as_of(&History::default(), Date::new(2025, 1, 1).unwrap());
        assert_eq!(cal.model(), DensityModel::Smooth);
        assert!(cal.share(&Family::CEC).is_none());
        assert!(cal.schedule(&Family::CEC).is_none());
        assert!(cal.arrivals_per_week().is_none());
    }
}
