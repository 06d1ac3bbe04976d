//! Calibrating a family's refill from its own past rounds, by one-step-ahead cut-off error.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::refill::{RefillPool, RefillShape, day_of};
use crate::family::Family;
use crate::feed::{DrawRecord, History};
use crate::time::Timestamp;

/// The kind of pool a family's rounds draw from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PoolKind {
    /// A category: scores 301 to 600, shape centred on 450.
    Category,
    /// Provincial nominees: scores 601 to 1,200, shape centred on 750.
    Nominees,
    /// A program (general, CEC, FSW) on the refill dynamics: scores 301 to 600, shaped like
    /// the snapshot's density, tilted above 450.
    Program,
}

impl PoolKind {
    /// The kind of a family's pool: `None` for the program families (general, CEC, FSW, FST),
    /// which draw from the snapshot's pool.
    #[must_use]
    pub fn of(family: &Family) -> Option<PoolKind> {
        if family.is_nominees() {
            Some(PoolKind::Nominees)
        } else if family.is_category() {
            Some(PoolKind::Category)
        } else {
            None
        }
    }

    /// The lowest and highest score and the shape's centre of a family whose rounds went down
    /// to `lowest_cutoff`: categories hold scores from 40 below their lowest cut-off (a
    /// round that reaches it runs short there) to 600, flat below that cut-off; nominees 601
    /// to 1,200, flat below 750.
    #[must_use]
    pub fn scores(self, lowest_cutoff: Option<u16>) -> (u16, u16, f64) {
        match self {
            PoolKind::Category => {
                let lowest = lowest_cutoff.map_or(450, |c| c.min(560));
                (
                    lowest.saturating_sub(LOW_MARGIN).max(1),
                    600,
                    f64::from(lowest),
                )
            }
            PoolKind::Nominees => (601, 1200, 750.0),
            PoolKind::Program => (301, 600, 450.0),
        }
    }

    /// The kind of a family's pool when the program families are on the refill dynamics.
    fn of_refill(family: &Family) -> PoolKind {
        PoolKind::of(family).unwrap_or(PoolKind::Program)
    }

    fn betas(self) -> &'static [f64] {
        match self {
            PoolKind::Category => &[0.0, 0.01, 0.02, 0.03, 0.045, 0.06, 0.08],
            PoolKind::Nominees => &[-0.02, -0.01, 0.0, 0.005, 0.01, 0.02, 0.04],
            PoolKind::Program => &[0.0, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05],
        }
    }
}

/// A category's pool holds scores down to this far below its lowest cut-off.
const LOW_MARGIN: u16 = 40;
/// Residence times tried, in days.
const RESIDENCES: [f64; 8] = [30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 270.0, 365.0];
/// Half-lives of the level filter tried, in rounds.
const HALF_LIVES: [f64; 5] = [0.5, 1.0, 2.0, 4.0, 8.0];
/// Rounds older than this many days before the calibration date are not fitted on: the
/// regime changes (sizes, categories' definitions), and a family silent this long is inactive.
pub(crate) const FIT_WINDOW_DAYS: i64 = 730;
/// A family needs this many one-step-ahead errors to choose its own shape and residence.
const MIN_OWN_ERRORS: usize = 4;
/// The largest level spread: a family's level is rarely known worse than to a factor of
/// e (a general round's residuals reached 1.5, which with the four spreads a run may draw
/// made pools of billions).
const MAX_LEVEL_SPREAD: f64 = 1.0;
/// The level spread given to a family with fewer than three residuals: a guess.
pub(crate) const PRIOR_LEVEL_SPREAD: f64 = 0.5;

/// One published round as the refill sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoundObs {
    /// When it was held, as a day number.
    pub day: f64,
    /// Invitations issued.
    pub size: f64,
    /// Its cut-off.
    pub cutoff: u16,
    /// Its tie-break, as a day number, when published.
    pub tie_break_day: Option<f64>,
    /// Whether it is a round of the family (`false`: a round of another family that empties
    /// this family's pool too, as a general round empties the CEC's: observed, not predicted).
    pub own: bool,
}

impl RoundObs {
    /// The round as the refill sees it; held at 14:00 UTC when the feed gives no time.
    #[must_use]
    pub fn of(d: &DrawRecord) -> RoundObs {
        let held = d
            .held_at()
            .unwrap_or_else(|| Timestamp::start_of_day(d.date()).plus_seconds(14 * 3600));
        RoundObs {
            day: day_of(held),
            size: f64::from(d.size()),
            cutoff: d.cutoff().get(),
            tie_break_day: d.tie_break().map(day_of),
            own: true,
        }
    }
}

/// The parameters chosen for one family, and how they were chosen.
#[derive(Clone, Debug, PartialEq)]
pub struct FamilyFit {
    /// The shape and residence time.
    pub shape: RefillShape,
    /// The level's half-life, in rounds.
    pub half_life_rounds: f64,
    /// The family's pool after its last round, at the filtered level (`pool.level()`).
    pub pool: RefillPool,
    /// The spread (standard deviation) of the log level's one-step residuals.
    pub level_spread: f64,
    /// How many of the family's rounds the fit saw.
    pub rounds: usize,
    /// The mean absolute one-step-ahead error of the chosen parameters (`None` with fewer
    /// than two rounds).
    pub one_step_mae: Option<f64>,
    /// Whether shape and residence were borrowed from the families pooled (too few rounds of
    /// its own), or the level spread is a prior: the parameters are partly a guess.
    pub borrowed: bool,
}

/// The filtered log level with half-life `h` rounds: a recency-weighted mean.
fn filtered(logs: &[f64], h: f64) -> Option<f64> {
    if logs.is_empty() {
        return None;
    }
    let n = logs.len();
    let (mut num, mut den) = (0.0, 0.0);
    for (i, l) in logs.iter().enumerate() {
        let w = 0.5_f64.powf((n - 1 - i) as f64 / h);
        num += w * l;
        den += w;
    }
    Some(num / den)
}

/// The one-step-ahead pass of a family's rounds under `shape` and half-life `h`: the errors of
/// each round predicted from the ones before it, the residuals of the log level, and the pool
/// after the last round (at the filtered level).
pub(crate) struct Pass {
    pub(crate) errors: Vec<i32>,
    pub(crate) residuals: Vec<f64>,
    pub(crate) pool: RefillPool,
}

pub(crate) fn pass(
    rounds: &[RoundObs],
    shape: RefillShape,
    h: f64,
    density: Option<&[f64]>,
) -> Pass {
    let mut passes = passes(rounds, shape, &[h], density);
    passes.swap_remove(0)
}

/// A pool of `shape`: shaped like `density` (candidates per score) when given.
pub(crate) fn new_pool(shape: RefillShape, level: f64, density: Option<&[f64]>) -> RefillPool {
    match density {
        Some(d) => RefillPool::with_density(shape, level, |s| {
            d.get(usize::from(s)).copied().unwrap_or(0.0)
        }),
        None => RefillPool::new(shape, level),
    }
}

/// [`pass`] for several half-lives at once: the pool's state follows the published cut-offs,
/// whatever the level, so only the predictions differ.
fn passes(
    rounds: &[RoundObs],
    shape: RefillShape,
    halves: &[f64],
    density: Option<&[f64]>,
) -> Vec<Pass> {
    let mut pool = new_pool(shape, 1.0, density);
    let mut logs: Vec<f64> = Vec::new();
    let mut seen_clean = false;
    let mut errors = vec![Vec::new(); halves.len()];
    let mut residuals = vec![Vec::new(); halves.len()];
    for r in rounds {
        if !r.own {
            pool.observe(r.day, r.cutoff, r.tie_break_day);
            continue;
        }
        let priors: Vec<Option<f64>> = halves.iter().map(|h| filtered(&logs, *h)).collect();
        for (k, prior) in priors.iter().enumerate() {
            if let Some(l) = prior {
                pool.set_level(l.exp());
                // A prediction at the lowest score means the pool ran dry.
                let predicted = pool.cutoff_for(r.day, r.size).unwrap_or(shape.lo);
                errors[k].push(i32::from(predicted) - i32::from(r.cutoff));
            }
        }
        let m = pool.taken_per_level(r.day, r.cutoff, r.tie_break_day);
        // A round that drew from scores never emptied before measures the level times an
        // unknown age: it stands in only until a round from an emptied pool is seen.
        let fresh = pool.emptied(r.cutoff).is_none();
        if m > 1e-9 && r.size > 0.0 {
            let l = (r.size / m).ln();
            for (k, prior) in priors.iter().enumerate() {
                if let Some(p) = prior {
                    residuals[k].push(l - p);
                }
            }
            if fresh && seen_clean {
                // Keep the clean levels only.
            } else if !fresh && !seen_clean {
                logs.clear();
                seen_clean = true;
                logs.push(l);
            } else {
                logs.push(l);
            }
        }
        pool.observe(r.day, r.cutoff, r.tie_break_day);
    }
    halves
        .iter()
        .zip(errors.into_iter().zip(residuals))
        .map(|(h, (errors, residuals))| {
            let mut pool = pool.clone();
            if let Some(l) = filtered(&logs, *h) {
                pool.set_level(l.exp());
            }
            Pass {
                errors,
                residuals,
                pool,
            }
        })
        .collect()
}

fn mae(errors: &[i32]) -> f64 {
    errors
        .iter()
        .map(|e| f64::from(e.unsigned_abs()))
        .sum::<f64>()
        / errors.len().max(1) as f64
}

fn spread(residuals: &[f64]) -> Option<f64> {
    let recent = &residuals[residuals.len().saturating_sub(12)..];
    if recent.len() < 3 {
        return None;
    }
    let n = recent.len() as f64;
    let mean = recent.iter().sum::<f64>() / n;
    let var = recent.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0);
    Some(var.sqrt())
}

/// Every parameter choice of a kind of pool: (beta, residence, half-life), half-lives fastest.
fn grid(kind: PoolKind) -> impl Iterator<Item = (f64, f64, f64)> {
    kind.betas().iter().flat_map(|&b| {
        RESIDENCES
            .iter()
            .flat_map(move |&t| HALF_LIVES.iter().map(move |&h| (b, t, h)))
    })
}

/// Per grid point, a family's summed absolute one-step errors and their count.
type GridErrors = Vec<(f64, usize)>;

/// The one-step errors of a family's rounds at every grid point.
fn grid_errors(
    kind: PoolKind,
    obs: &[RoundObs],
    exit_per_day: f64,
    density: Option<&[f64]>,
) -> GridErrors {
    let mut out = Vec::new();
    for &b in kind.betas() {
        for &t in &RESIDENCES {
            let shape = shape_of(kind, obs, b, t, exit_per_day);
            for p in passes(obs, shape, &HALF_LIVES, density) {
                let sum = p
                    .errors
                    .iter()
                    .map(|e| f64::from(e.unsigned_abs()))
                    .sum::<f64>();
                out.push((sum, p.errors.len()));
            }
        }
    }
    out
}

/// Remembers each family's grid errors by the rounds they were computed on, so that a replay
/// or backtest calibrating at many dates refits a family only when its rounds change.
#[derive(Debug, Default)]
pub struct FitCache {
    grids: BTreeMap<(Family, usize, u64), GridErrors>,
}

impl FitCache {
    /// An empty cache.
    #[must_use]
    pub fn new() -> Self {
        FitCache::default()
    }

    fn grid(
        &mut self,
        family: &Family,
        kind: PoolKind,
        obs: &[RoundObs],
        exit: f64,
        density: Option<&[f64]>,
    ) -> &GridErrors {
        let first = obs.first().map_or(0, |o| o.day.to_bits());
        self.grids
            .entry((family.clone(), obs.len(), first))
            .or_insert_with(|| grid_errors(kind, obs, exit, density))
    }
}

fn shape_of(
    kind: PoolKind,
    obs: &[RoundObs],
    beta: f64,
    residence: f64,
    exit_per_day: f64,
) -> RefillShape {
    let (lo, hi, center) = kind.scores(obs.iter().filter(|o| o.own).map(|o| o.cutoff).min());
    RefillShape {
        lo,
        hi,
        center,
        beta,
        residence_days: residence,
        exit_per_day,
    }
}

/// The rounds of every refill family known before `as_of`, by family, oldest first.
#[must_use]
pub fn family_rounds(history: &History, as_of: Date) -> BTreeMap<Family, Vec<RoundObs>> {
    family_rounds_with(history, as_of, &[])
}

/// As [`family_rounds`], with the program families of `programs` too: a program's own
/// rounds, and the general rounds that empty its pool (observed, not predicted).
#[must_use]
pub fn family_rounds_with(
    history: &History,
    as_of: Date,
    programs: &[Family],
) -> BTreeMap<Family, Vec<RoundObs>> {
    let mut out: BTreeMap<Family, Vec<RoundObs>> = BTreeMap::new();
    let since = as_of
        .checked_sub(jiff::Span::new().days(FIT_WINDOW_DAYS))
        .unwrap_or(as_of);
    for d in history
        .draws()
        .iter()
        .filter(|d| d.date() < as_of && d.date() >= since)
    {
        if PoolKind::of(d.family()).is_some() && *d.family() != Family::OTHER {
            out.entry(d.family().clone())
                .or_default()
                .push(RoundObs::of(d));
        }
        if programs.contains(d.family()) {
            out.entry(d.family().clone())
                .or_default()
                .push(RoundObs::of(d));
        }
        if d.family() == &Family::GENERAL {
            for p in programs.iter().filter(|p| **p != Family::GENERAL) {
                out.entry(p.clone()).or_default().push(RoundObs {
                    own: false,
                    ..RoundObs::of(d)
                });
            }
        }
    }
    // A program whose only rounds are another family's has nothing to fit.
    out.retain(|_, v| v.iter().any(|o| o.own));
    out
}

/// Fits every refill family of `rounds`: each family with enough rounds chooses its own shape,
/// residence and half-life by one-step-ahead error on its own rounds; the others borrow the
/// choice that does best pooled over every family of their kind. `exit_per_day` is the
/// withdrawal rate the simulation applies.
#[must_use]
pub fn fit_families(
    rounds: &BTreeMap<Family, Vec<RoundObs>>,
    exit_per_day: f64,
    cache: &mut FitCache,
) -> BTreeMap<Family, FamilyFit> {
    fit_families_with(rounds, exit_per_day, cache, None)
}

/// As [`fit_families`], with program families on the refill dynamics shaped like `density`
/// (the snapshot's candidates per score, 0 to 1,200).
#[must_use]
pub fn fit_families_with(
    rounds: &BTreeMap<Family, Vec<RoundObs>>,
    exit_per_day: f64,
    cache: &mut FitCache,
    density: Option<&[f64]>,
) -> BTreeMap<Family, FamilyFit> {
    let mut pooled: BTreeMap<PoolKind, Vec<(f64, usize)>> = BTreeMap::new();
    let mut own: BTreeMap<&Family, Vec<f64>> = BTreeMap::new();
    for (family, obs) in rounds {
        let kind = PoolKind::of_refill(family);
        let dens = (kind == PoolKind::Program).then_some(density).flatten();
        if kind == PoolKind::Program && dens.is_none() {
            continue;
        }
        let errors = cache.grid(family, kind, obs, exit_per_day, dens);
        let slots = pooled
            .entry(kind)
            .or_insert_with(|| vec![(0.0, 0); errors.len()]);
        for (slot, e) in slots.iter_mut().zip(errors) {
            slot.0 += e.0;
            slot.1 += e.1;
        }
        own.insert(
            family,
            errors
                .iter()
                .map(|(sum, n)| {
                    if *n >= MIN_OWN_ERRORS {
                        sum / *n as f64
                    } else {
                        f64::INFINITY
                    }
                })
                .collect(),
        );
    }
    let best = |scores: &[f64]| {
        scores
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_finite())
            .min_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, _)| i)
    };
    let mut out = BTreeMap::new();
    for (family, obs) in rounds {
        let kind = PoolKind::of_refill(family);
        let dens = (kind == PoolKind::Program).then_some(density).flatten();
        let Some(kind_scores) = pooled.get(&kind) else {
            continue;
        };
        let pooled_scores: Vec<f64> = kind_scores
            .iter()
            .map(|(sum, n)| {
                if *n > 0 {
                    sum / *n as f64
                } else {
                    f64::INFINITY
                }
            })
            .collect();
        let (choice, borrowed) = match own.get(family).and_then(|m| best(m)) {
            Some(i) => (i, false),
            None => (best(&pooled_scores).unwrap_or(0), true),
        };
        let Some((b, t, h)) = grid(kind).nth(choice) else {
            continue;
        };
        let shape = shape_of(kind, obs, b, t, exit_per_day);
        let p = pass(obs, shape, h, dens);
        let spread = spread(&p.residuals);
        out.insert(
            family.clone(),
            FamilyFit {
                shape,
                half_life_rounds: h,
                pool: p.pool,
                level_spread: spread.map_or(PRIOR_LEVEL_SPREAD, |s| s.min(MAX_LEVEL_SPREAD)),
                rounds: obs.len(),
                one_step_mae: (!p.errors.is_empty()).then(|| mae(&p.errors)),
                borrowed: borrowed || spread.is_none(),
            },
        );
    }
    out
}

/// The cut-off the refill model predicts for `draw` from `rounds` (the rounds before its
/// date) and `fits` made on them: the family's pool rolled forward to the round at its
/// filtered level. `None` for a program round (general, CEC, FSW, FST).
///
/// A family with fewer than two earlier rounds has no level the model can trust (its first
/// round drew from a pool of unknown age), and falls back to a stated prior
/// ([`Prior`]): its previous cut-off, or with no round at all the median of the latest
/// cut-offs of the other families of its kind.
#[must_use]
pub fn nowcast(
    draw: &DrawRecord,
    fits: &BTreeMap<Family, FamilyFit>,
    rounds: &BTreeMap<Family, Vec<RoundObs>>,
) -> Option<(u16, Option<Prior>)> {
    let kind = PoolKind::of(draw.family())?;
    let obs = rounds.get(draw.family()).map_or(&[][..], Vec::as_slice);
    if obs.len() < MIN_FITTED_ROUNDS {
        return prior_cutoff(kind, draw.family(), rounds).map(|(c, p)| (c, Some(p)));
    }
    let fit = fits.get(draw.family())?;
    let r = RoundObs::of(draw);
    Some((
        fit.pool.cutoff_for(r.day, r.size).unwrap_or(fit.shape.lo),
        None,
    ))
}

/// A family needs this many rounds in the window before its level is trusted.
pub(crate) const MIN_FITTED_ROUNDS: usize = 2;

/// The stated prior of a family too young for the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prior {
    /// One earlier round: its cut-off repeats.
    PreviousCutoff,
    /// No earlier round: the median of the latest cut-offs of the families of its kind.
    KindMedian,
}

impl Prior {
    /// The prior in words, for output.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Prior::PreviousCutoff => "a guess: one round only, so its cut-off is assumed to repeat",
            Prior::KindMedian => {
                "a guess: no round yet, so the median of the latest cut-offs of similar families"
            }
        }
    }
}

/// The prior cut-off of a young family.
pub(crate) fn prior_cutoff(
    kind: PoolKind,
    family: &Family,
    rounds: &BTreeMap<Family, Vec<RoundObs>>,
) -> Option<(u16, Prior)> {
    if let Some(last) = rounds.get(family).and_then(|o| o.last()) {
        return Some((last.cutoff, Prior::PreviousCutoff));
    }
    let mut latest: Vec<u16> = rounds
        .iter()
        .filter(|(f, _)| PoolKind::of(f) == Some(kind))
        .filter_map(|(_, o)| o.last().map(|r| r.cutoff))
        .collect();
    latest.sort_unstable();
    latest
        .get(latest.len() / 2)
        .map(|c| (*c, Prior::KindMedian))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_family_is_nowcast_exactly() {
        // Rounds every 14 days of 140 from a flat pool refilled at 1 a day per score:
        // each takes the 14 days' arrivals of the top 10 scores, down to 591.
        let shape = shape_of(PoolKind::Category, &[], 0.0, 365.0, 0.0);
        let mut truth = RefillPool::new(shape, 1.0);
        truth.observe(0.0, 301, Some(0.0));
        // A first round that empties every score on day 0.
        let first = RoundObs {
            day: 0.0,
            size: 0.0,
            cutoff: 301,
            tie_break_day: Some(0.0),
            own: true,
        };
        let rounds: Vec<RoundObs> = std::iter::once(first)
            .chain((1..=10).map(|k| {
                let day = 14.0 * f64::from(k);
                let t = truth.take(day, 140.0);
                RoundObs {
                    day,
                    size: 140.0,
                    cutoff: t.cutoff.unwrap(),
                    tie_break_day: Some(t.tie_break_day),
                    own: true,
                }
            }))
            .collect();
        assert!(rounds[1..].iter().all(|r| r.cutoff == 591));
        let p = pass(&rounds, shape, 2.0, None);
        assert!(p.residuals.iter().all(|r| r.abs() < 1e-9));
        assert_eq!(p.errors.len(), 9);
        assert!(p.errors.iter().all(|e| *e == 0), "{:?}", p.errors);
        assert!((p.pool.level() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn filtering_weights_recent_levels() {
        assert_eq!(filtered(&[], 1.0), None);
        let l = filtered(&[0.0, 1.0], 1.0).unwrap();
        assert!((l - 2.0 / 3.0).abs() < 1e-12);
    }
}
