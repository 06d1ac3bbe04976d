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

/// A family silent this many days at the start holds no round in a run.
pub(crate) const INACTIVE_AFTER_DAYS: i64 = 365;
/// Later gaps and sizes are drawn with weights halving every this many rounds back.
pub(crate) const RECENCY_HALF_LIFE: f64 = 4.0;
/// The first gap comes from the family's own gaps with weight `n / (n + SHRINK)`, `n` being
/// how many of them are longer than the time already elapsed, else from the gaps of every
/// family pooled.
const SHRINK: f64 = 2.0;

/// One of `v` (oldest first) with weights halving every `RECENCY_HALF_LIFE` back.
fn pick_recent(v: &[u32], rng: &mut ChaCha8Rng) -> u32 {
    let n = v.len();
    let w = |i: usize| 0.5_f64.powf((n - 1 - i) as f64 / RECENCY_HALF_LIFE);
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
            let own = longer(gaps_days);
            let pooled = longer(pooled_gaps);
            // The gap's distribution is the family's own gaps (weight n / (n + SHRINK)) mixed
            // with every family's (weight SHRINK / (n + SHRINK)); given that it is longer than
            // the time elapsed, each part keeps its share of the gaps that long.
            let n = gaps_days.len() as f64;
            let survive = |longer: usize, all: usize| longer as f64 / all.max(1) as f64;
            let a = n / (n + SHRINK) * survive(own.len(), gaps_days.len());
            let b = SHRINK / (n + SHRINK) * survive(pooled.len(), pooled_gaps.len());
            if a + b <= 0.0 {
                // Longer than every gap seen anywhere: paused until a round says otherwise.
                return out;
            }
            let first = if rng.random::<f64>() * (a + b) < a {
                own[rng.random_range(0..own.len())]
            } else {
                pooled[rng.random_range(0..pooled.len())]
            };
            let mut at = last_at.plus_days(i64::from(first));
            while at <= end {
                if at >= start {
                    out.push((at.date(), pick_recent(sizes, rng)));
                }
                at = at.plus_days(i64::from(pick_recent(gaps_days, rng)));
            }
            out
        }
    }
}
