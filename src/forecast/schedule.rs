//! The schedule of a family's rounds: a plan (resampled from its recent rounds, or fixed), and
//! the hazard that decides when the next round comes after a pause.

use jiff::civil::Date;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::time::Timestamp;

/// How a family's future rounds are scheduled.
#[derive(Clone, Debug, PartialEq)]
pub enum DrawPlan {
    /// Resampled from a trailing window of real rounds: after the last real round, each gap
    /// is drawn from `gaps_days` and each size from `sizes` (with replacement).
    Resample {
        /// The family's last real round before the scenario's start.
        last: Date,
        /// Observed gaps between its rounds, in days (a family seen once gets one gap: the
        /// length of the window, 182 days).
        gaps_days: Vec<u32>,
        /// Observed sizes.
        sizes: Vec<u32>,
    },
    /// An explicit list of rounds, for "what if IRCC does X".
    Fixed(Vec<(Date, u32)>),
}

/// How the runs draw each family's future rounds from its plan ([`DrawPlan::Resample`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    /// Later gaps and sizes are drawn with weights halving every this many rounds back (a
    /// large value draws them evenly).
    pub half_life_rounds: f64,
    /// The weight of a "pause" among the family's own gaps the first gap is drawn from, as if
    /// one more of its gaps had no end: a family silent for longer than most of its gaps is
    /// then more likely paused than about to hold a round. 0: no pause.
    pub own_pause: f64,
    /// The same among every family's gaps pooled, which the first gap is drawn from too
    /// (mostly once the time elapsed is longer than the family's own gaps).
    pub pooled_pause: f64,
    /// The first gap's own gaps are weighted halving every this many gaps back (`None`:
    /// equally).
    pub first_half_life_rounds: Option<f64>,
    /// The chance that a round of a run keeps the size of the family's previous round in the
    /// run, instead of a new draw (0: every size drawn anew).
    pub size_persistence: f64,
    /// Silences still open at the start, in days since each family's last round: added to
    /// the pooled gaps as gaps at least that long (a family silent for a year says that
    /// pauses that long happen).
    pub open_gaps: Vec<u32>,
}

impl Default for Schedule {
    /// Weights halving every 4 rounds, no pause.
    fn default() -> Self {
        Schedule {
            half_life_rounds: 4.0,
            own_pause: 0.0,
            pooled_pause: 0.0,
            first_half_life_rounds: None,
            size_persistence: 0.0,
            open_gaps: Vec::new(),
        }
    }
}

/// A family silent this many days at the start holds no round in a run.
pub(crate) const INACTIVE_AFTER_DAYS: i64 = 365;
/// The first gap comes from the family's own gaps with weight `n / (n + SHRINK)`, `n` being
/// how many of them are longer than the time already elapsed, else from the gaps of every
/// family pooled.
const SHRINK: f64 = 2.0;

/// One of `v` (oldest first) with weights halving every `half_life` back.
fn pick_recent(v: &[u32], half_life: f64, rng: &mut ChaCha8Rng) -> u32 {
    let n = v.len();
    let w = |i: usize| 0.5_f64.powf((n - 1 - i) as f64 / half_life);
    let total: f64 = (0..n).map(w).sum();
    let mut u = rng.random::<f64>() * total;
    for (i, x) in v.iter().enumerate() {
        u -= w(i);
        if u <= 0.0 {
            return *x;
        }
    }
    v[n - 1]
}

/// The rounds of one family in a run: after its last real round, or fixed.
///
/// The first gap is drawn among the gaps longer than the time already elapsed since the
/// family's last round (its own, shrunk toward every family's pooled), so that a family in a
/// pause is less likely to hold a round soon than its mean gap says; later gaps and sizes come
/// from its recent rounds with recency weights; a family silent for a year holds none.
pub(crate) fn rounds_of_plan(
    plan: &DrawPlan,
    start: Timestamp,
    end: Timestamp,
    pooled_gaps: &[u32],
    schedule: &Schedule,
    rng: &mut ChaCha8Rng,
) -> Vec<(Date, u32)> {
    match plan {
        DrawPlan::Fixed(list) => list.clone(),
        DrawPlan::Resample {
            last,
            gaps_days,
            sizes,
        } => {
            let mut out = Vec::new();
            if gaps_days.is_empty() || sizes.is_empty() {
                return out;
            }
            let last_at = Timestamp::start_of_day(*last);
            let elapsed = (start.as_second() - last_at.as_second()).div_euclid(86_400);
            if elapsed > INACTIVE_AFTER_DAYS {
                return out;
            }
            let longer = |v: &[u32]| -> Vec<u32> {
                v.iter()
                    .copied()
                    .filter(|g| i64::from(*g) > elapsed)
                    .collect()
            };
            let pooled = longer(pooled_gaps);
            // The family's own gaps longer than the time elapsed, with their weights: equal,
            // or halving every `first_half_life_rounds` gaps back.
            let n_own = gaps_days.len();
            let weight = |i: usize| {
                schedule
                    .first_half_life_rounds
                    .map_or(1.0, |h| 0.5_f64.powf((n_own - 1 - i) as f64 / h))
            };
            let own: Vec<(u32, f64)> = gaps_days
                .iter()
                .enumerate()
                .filter(|(_, g)| i64::from(**g) > elapsed)
                .map(|(i, g)| (*g, weight(i)))
                .collect();
            let all_weight: f64 = (0..n_own).map(weight).sum();
            let own_weight: f64 = own.iter().map(|g| g.1).sum();
            // A pause counts as one gap of the mean weight.
            let own_pause = schedule.own_pause * all_weight / n_own.max(1) as f64;
            // Silences still open at the calibration, longer than this one: pauses that long
            // happen, and how they end is not known yet.
            let open = schedule
                .open_gaps
                .iter()
                .filter(|g| i64::from(**g) > elapsed)
                .count() as f64;
            // The gap's distribution is the family's own gaps (weight n / (n + SHRINK)) mixed
            // with every family's (weight SHRINK / (n + SHRINK)); given that it is longer than
            // the time elapsed, each part keeps its share of the gaps that long. A pause (a
            // gap that never ends, with the schedule's weight in each list, and the open
            // silences in the pooled one) outlasts any time.
            let n = n_own as f64;
            let a =
                n / (n + SHRINK) * (own_weight + own_pause) / (all_weight.max(1e-300) + own_pause);
            let pooled_pause = schedule.pooled_pause + open;
            let all_pooled = (pooled_gaps.len() + schedule.open_gaps.len()).max(1) as f64;
            let b = SHRINK / (n + SHRINK) * (pooled.len() as f64 + pooled_pause)
                / (all_pooled + pooled_pause);
            if a + b <= 0.0 {
                // Longer than every gap seen anywhere: paused until a round says otherwise.
                return out;
            }
            let first = if rng.random::<f64>() * (a + b) < a {
                if schedule.first_half_life_rounds.is_none() && own_pause <= 0.0 {
                    own[rng.random_range(0..own.len())].0
                } else {
                    let mut x = rng.random::<f64>() * (own_weight + own_pause);
                    match own.iter().find(|g| {
                        x -= g.1;
                        x < 0.0
                    }) {
                        Some(g) => g.0,
                        // The pause: no round in this run.
                        None => return out,
                    }
                }
            } else if pooled_pause > 0.0 {
                let x = rng.random::<f64>() * (pooled.len() as f64 + pooled_pause);
                match pooled.get(x as usize) {
                    Some(g) => *g,
                    // The pause: no round in this run.
                    None => return out,
                }
            } else {
                pooled[rng.random_range(0..pooled.len())]
            };
            let half = schedule.half_life_rounds;
            let mut at = last_at.plus_days(i64::from(first));
            let mut size: Option<u32> = None;
            while at <= end {
                if at >= start {
                    // A round keeps the run's previous size with the schedule's persistence.
                    let keep = schedule.size_persistence > 0.0
                        && size.is_some()
                        && rng.random::<f64>() < schedule.size_persistence;
                    let n = match size {
                        Some(n) if keep => n,
                        _ => pick_recent(sizes, half, rng),
                    };
                    size = Some(n);
                    out.push((at.date(), n));
                }
                at = at.plus_days(i64::from(pick_recent(gaps_days, half, rng)));
            }
            out
        }
    }
}
