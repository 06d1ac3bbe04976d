//! The cut-off replay: every round with a usable snapshot nowcast without look-ahead, scored.

use std::collections::BTreeMap;
use std::io;

use jiff::civil::Date;

use super::density::DensityModel;
use super::programs::{self as calibrate, Calibration};
use crate::error::{ErrorKind, Result};
use crate::family::Family;
use crate::feed::{DrawNumber, History};
use crate::score::CrsScore;

/// One round's nowcast beside its actual cut-off and two baselines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nowcast {
    /// The round.
    pub draw: DrawNumber,
    /// The day it was held.
    pub date: Date,
    /// Its family.
    pub family: Family,
    /// Its size.
    pub size: u32,
    /// The published cut-off.
    pub actual: CrsScore,
    /// The nowcast: calibrated density and shares as of the round's date.
    pub predicted: CrsScore,
    /// The flat-density baseline (same shares method, uniform density inside ranges).
    pub flat: CrsScore,
    /// The smooth parameter-free density (same shares method, no calibrated decay).
    pub smooth: CrsScore,
    /// The previous-cut-off baseline: the family's previous round's cut-off, if any.
    pub previous: Option<CrsScore>,
}

impl Nowcast {
    /// `predicted - actual`.
    #[must_use]
    pub fn error(&self) -> i32 {
        i32::from(self.predicted.get()) - i32::from(self.actual.get())
    }
}

/// Every round of a history with a usable snapshot, nowcast from its snapshot, the rounds
/// held since, its size and family, and the calibration as of its date.
///
/// # Example
/// ```
/// use eesim::feed::FeedReader;
/// use eesim::forecast::Replay;
///
/// let dist = r#""dd1": "6,000", "dd2": "0", "dd3": "0", "dd4": "0", "dd5": "0", "dd6": "0",
///   "dd7": "0", "dd8": "0", "dd9": "0", "dd10": "0", "dd11": "0", "dd12": "0", "dd13": "0",
///   "dd14": "0", "dd15": "0", "dd16": "0", "dd17": "0", "dd18": "6,000""#;
/// let json = format!(r#"{{"rounds": [
///   {{"drawNumber": "1", "drawDate": "2024-03-05", "drawName": "General", "drawSize": "100",
///    "drawCRS": "1191", "drawDistributionAsOn": "March 4, 2024", {dist}}}]}}"#);
/// let (history, _) = FeedReader::new().read_str(&json)?;
/// let replay = Replay::run(&history);
/// let nowcast = &replay.nowcasts()[0];
/// // Flat: 10 candidates per score from 601 to 1200, so 100 invitations reach 1191.
/// assert_eq!(nowcast.flat.get(), 1191);
/// // Smooth: with empty neighbours the density is a parabola, thinner near 1200.
/// assert_eq!(nowcast.predicted.get(), 1155);
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replay {
    nowcasts: Vec<Nowcast>,
}

impl Replay {
    /// Replays `history`, calibrating once per round date on what came before it.
    #[must_use]
    pub fn run(history: &History) -> Replay {
        let mut calibrations: BTreeMap<Date, [Calibration; 3]> = BTreeMap::new();
        let mut nowcasts = Vec::new();
        let mut previous: BTreeMap<Family, CrsScore> = BTreeMap::new();
        let mut fits: BTreeMap<usize, DensityModel> = BTreeMap::new();
        let mut refills: BTreeMap<Date, _> = BTreeMap::new();
        let mut cache = crate::forecast::FitCache::new();
        for draw in history.draws() {
            let prev = previous.insert(draw.family().clone(), draw.cutoff());
            if calibrate::pool_at(history, draw, DensityModel::Flat).is_none() {
                continue;
            }
            let [cal, flat_cal, smooth_cal] =
                calibrations.entry(draw.date()).or_insert_with(|| {
                    // The decay fit depends only on the all-program rounds before the date, so it
                    // is refitted only when one more of them is known.
                    let known = history.before(draw.date());
                    let general = known
                        .draws()
                        .iter()
                        .filter(|d| d.family() == &Family::GENERAL)
                        .count();
                    let model = *fits
                        .entry(general)
                        .or_insert_with(|| calibrate::fit_decay(&known));
                    [
                        Calibration::as_of_with(history, draw.date(), model),
                        Calibration::as_of_with(history, draw.date(), DensityModel::Flat),
                        Calibration::as_of_with(history, draw.date(), DensityModel::Smooth),
                    ]
                });
            let refill = crate::forecast::PoolKind::of(draw.family()).and_then(|_| {
                let (rounds, fitted) = refills.entry(draw.date()).or_insert_with(|| {
                    let rounds = crate::forecast::family_rounds(history, draw.date());
                    let fitted = crate::forecast::fit_families(
                        &rounds,
                        crate::forecast::EXIT_PER_DAY,
                        &mut cache,
                    );
                    (rounds, fitted)
                });
                crate::forecast::nowcast(draw, fitted, rounds)
                    .and_then(|(c, _)| CrsScore::new(c).ok())
            });
            let (Some(predicted), Some(flat), Some(smooth)) = (
                refill.or_else(|| cal.nowcast(history, draw)),
                flat_cal.nowcast(history, draw),
                smooth_cal.nowcast(history, draw),
            ) else {
                continue;
            };
            nowcasts.push(Nowcast {
                draw: draw.number().clone(),
                date: draw.date(),
                family: draw.family().clone(),
                size: draw.size(),
                actual: draw.cutoff(),
                predicted,
                flat,
                smooth,
                previous: prev,
            });
        }
        Replay { nowcasts }
    }

    /// The nowcasts, in round order.
    #[must_use]
    pub fn nowcasts(&self) -> &[Nowcast] {
        &self.nowcasts
    }

    /// Writes one CSV row per nowcast, with the header `draw,date,family,size,actual,predicted`.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when writing fails.
    pub fn write_csv<W: io::Write>(&self, out: W) -> Result<()> {
        let io_err = |e: csv::Error| ErrorKind::Io {
            context: "writing replay CSV".to_string(),
            source: crate::error::Cause::new(e),
        };
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["draw", "date", "family", "size", "actual", "predicted"])
            .map_err(io_err)?;
        for n in &self.nowcasts {
            w.write_record([
                n.draw.to_string(),
                n.date.to_string(),
                n.family.as_str().to_string(),
                n.size.to_string(),
                n.actual.to_string(),
                n.predicted.to_string(),
            ])
            .map_err(io_err)?;
        }
        w.flush().map_err(|e| ErrorKind::Io {
            context: "writing replay CSV".to_string(),
            source: crate::error::Cause::new(e),
        })?;
        Ok(())
    }
}

/// The density models compared alone: all-program rounds nowcast with share 1 (everyone is
/// eligible), so that only the density inside ranges differs. The decay is calibrated as of
/// each round's date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DensityStudy {
    /// Uniform inside each range.
    pub flat: ErrorStats,
    /// The smooth parameter-free density.
    pub smooth: ErrorStats,
    /// [`DensityModel::Decay`] with the rate fitted on earlier all-program rounds.
    pub decay: ErrorStats,
}

impl DensityStudy {
    /// The study over the all-program rounds of `history` with a usable snapshot; `None`
    /// when there are none.
    #[must_use]
    pub fn run(history: &History) -> Option<DensityStudy> {
        let mut errors: [Vec<i32>; 3] = Default::default();
        let mut fits: BTreeMap<usize, DensityModel> = BTreeMap::new();
        let mut general = 0;
        for draw in history.draws() {
            if draw.family() != &Family::GENERAL {
                continue;
            }
            general += 1;
            if calibrate::pool_at(history, draw, DensityModel::Flat).is_none() {
                continue;
            }
            let decay = *fits
                .entry(general)
                .or_insert_with(|| calibrate::fit_decay(&history.before(draw.date())));
            let models = [DensityModel::Flat, DensityModel::Smooth, decay];
            for (errs, model) in errors.iter_mut().zip(models) {
                if let Some(p) = calibrate::nowcast_with(history, draw, model, 1.0) {
                    errs.push(i32::from(p.get()) - i32::from(draw.cutoff().get()));
                }
            }
        }
        let [flat, smooth, decay] = errors;
        Some(DensityStudy {
            flat: ErrorStats::of(flat)?,
            smooth: ErrorStats::of(smooth)?,
            decay: ErrorStats::of(decay)?,
        })
    }
}

/// Accuracy of a set of predictions: errors are `predicted - actual`, in CRS points.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ErrorStats {
    /// How many predictions.
    pub count: usize,
    /// Mean absolute error.
    pub mae: f64,
    /// Median absolute error.
    pub median: f64,
    /// Mean error (positive: predictions too high).
    pub bias: f64,
    /// Share of predictions within 5 points.
    pub within_5: f64,
}

impl ErrorStats {
    /// The statistics of `errors`, or `None` when there are none.
    ///
    /// # Example
    /// ```
    /// use eesim::forecast::ErrorStats;
    ///
    /// let s = ErrorStats::of([2, -4, 10]).unwrap();
    /// assert_eq!((s.count, s.mae, s.median, s.bias), (3, 16.0 / 3.0, 4.0, 8.0 / 3.0));
    /// assert!((s.within_5 - 2.0 / 3.0).abs() < 1e-12);
    /// ```
    #[must_use]
    pub fn of(errors: impl IntoIterator<Item = i32>) -> Option<ErrorStats> {
        let errors: Vec<i32> = errors.into_iter().collect();
        if errors.is_empty() {
            return None;
        }
        let n = errors.len() as f64;
        let mut abs: Vec<u32> = errors.iter().map(|e| e.unsigned_abs()).collect();
        abs.sort_unstable();
        let mid = abs.len() / 2;
        let median = if abs.len() % 2 == 1 {
            f64::from(abs.get(mid).copied().unwrap_or(0))
        } else {
            let lo = abs.get(mid.saturating_sub(1)).copied().unwrap_or(0);
            let hi = abs.get(mid).copied().unwrap_or(0);
            (f64::from(lo) + f64::from(hi)) / 2.0
        };
        Some(ErrorStats {
            count: errors.len(),
            mae: abs.iter().map(|&a| f64::from(a)).sum::<f64>() / n,
            median,
            bias: errors.iter().map(|&e| f64::from(e)).sum::<f64>() / n,
            within_5: abs.iter().filter(|&&a| a <= 5).count() as f64 / n,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_stats_with_an_even_count() {
        let s = ErrorStats::of([-1, 3, -8, 6]).unwrap();
        assert_eq!(s.count, 4);
        assert_eq!(s.mae, 4.5);
        assert_eq!(s.median, 4.5);
        assert_eq!(s.bias, 0.0);
        assert_eq!(s.within_5, 0.5);
    }

    #[test]
    fn an_empty_history_replays_to_nothing() {
        let history = History::default();
        assert!(Replay::run(&history).nowcasts().is_empty());
        assert!(DensityStudy::run(&history).is_none());
        let mut out = Vec::new();
        Replay::run(&history).write_csv(&mut out).unwrap();
        assert_eq!(out, b"draw,date,family,size,actual,predicted\n");
    }
}
