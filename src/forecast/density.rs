//! `ScoreDensity`: candidates per CRS score, modelled inside each published range of a snapshot.
//!
//! A snapshot gives 15 range counts; a cut-off needs counts per score. We model the density
//! of each range as a curve over the range that integrates to its published count (so every
//! range sum is reproduced exactly, to rounding) and meets its neighbours' curves at the range
//! edges (so the density is continuous). The edge values ("knots") come from the neighbouring
//! ranges' means; each range between two knots gets a quadratic bump, or, for the 501-600 range
//! under [`DensityModel::Decay`], an exponential decay with a calibrated rate.
//!
//! Non-negativity: a quadratic with end values `a`, `b` and mean `m` is non-negative whenever
//! `a + b <= 3m`, so knots are lowered until every range satisfies it.

use crate::feed::{PoolSnapshot, RANGES};
use crate::score::CrsScore;

/// How the density inside each published range is modelled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DensityModel {
    /// Uniform inside each range: the naive baseline (not continuous across edges).
    Flat,
    /// Continuous and parameter-free: edge values from the neighbouring ranges' means
    /// (a weighted harmonic mean, as in monotone cubic interpolation), a quadratic inside.
    Smooth,
    /// As [`DensityModel::Smooth`], but inside 501-600 the density decays exponentially from
    /// 501 at `rate` per CRS point (calibrated from earlier rounds).
    Decay {
        /// The decay rate per CRS point (0.05 halves the density every 14 points).
        rate: f64,
    },
}

/// The index, in [`RANGES`], of the 501-600 range.
const DECAY_RANGE: usize = 1;

/// Candidates per CRS score, from a snapshot and a [`DensityModel`].
///
/// # Example
/// ```
/// use eesim::CrsScore;
/// use eesim::feed::PoolSnapshot;
/// use eesim::forecast::{DensityModel, ScoreDensity};
///
/// let counts = [300, 16_000, 13_500, 13_000, 16_500, 15_000, 15_000, 14_000, 14_000, 12_000,
///               12_000, 11_000, 53_000, 19_000, 8_000];
/// let snapshot = PoolSnapshot::new(jiff::civil::Date::new(2026, 2, 15)?, counts);
/// let density = ScoreDensity::new(&snapshot, DensityModel::Decay { rate: 0.06 });
/// // Every published range count is reproduced.
/// let in_501_600: f64 = (501..=600).map(|s| density.at(CrsScore::new(s).unwrap())).sum();
/// assert!((in_501_600 - 16_000.0).abs() < 1e-6);
/// // The cut-off that 3,000 invitations from the top would reach.
/// let cutoff = density.cutoff_for(3_000.0);
/// assert!((520..=560).contains(&cutoff.get()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreDensity {
    counts: Vec<f64>,
}

impl ScoreDensity {
    /// The density of `snapshot` under `model`.
    #[must_use]
    pub fn new(snapshot: &PoolSnapshot, model: DensityModel) -> Self {
        Self::from_counts(snapshot.counts(), model)
    }

    /// The density of 15 range counts (highest range first, as [`RANGES`]) under `model`.
    #[must_use]
    pub fn from_counts(counts: &[u32; 15], model: DensityModel) -> Self {
        let means: Vec<f64> = RANGES
            .iter()
            .zip(counts)
            .map(|(r, &c)| f64::from(c) / f64::from(r.width()))
            .collect();
        let mut out = vec![0.0; CrsScore::COUNT];
        if model == DensityModel::Flat {
            for (r, m) in RANGES.iter().zip(&means) {
                fill(&mut out, r.low, r.high, |_| *m);
            }
            return ScoreDensity { counts: out };
        }
        let rate = match model {
            DensityModel::Decay { rate } if rate.is_finite() && rate > 1e-6 => Some(rate),
            _ => None,
        };
        let (upper, lower, decay_ok) = knots(&means, rate);
        for (i, r) in RANGES.iter().enumerate() {
            let (a, b, m) = (lower[i], upper[i], means[i]);
            let w = f64::from(r.width());
            let shape = match rate {
                Some(p) if i == DECAY_RANGE && decay_ok => Shape::decay(a, b, m, p * w),
                _ => Shape::quadratic(a, b, m),
            };
            let low = f64::from(r.low) - 0.5;
            fill(&mut out, r.low, r.high, |s| {
                let t0 = (f64::from(s) - 0.5 - low) / w;
                w * (shape.integral(t0 + 1.0 / w) - shape.integral(t0))
            });
        }
        ScoreDensity { counts: out }
    }

    /// The modelled number of candidates at `score`.
    #[must_use]
    pub fn at(&self, score: CrsScore) -> f64 {
        self.counts.get(score.index()).copied().unwrap_or(0.0)
    }

    /// The modelled number of candidates at `score` or above.
    #[must_use]
    pub fn at_or_above(&self, score: CrsScore) -> f64 {
        self.counts.iter().skip(score.index()).sum()
    }

    /// The modelled pool size.
    #[must_use]
    pub fn total(&self) -> f64 {
        self.counts.iter().sum()
    }

    /// The highest score `s` with at least `target` candidates at `s` or above: the cut-off a
    /// round inviting `target` eligible candidates from the top would reach (0 when the whole
    /// pool is smaller than `target`).
    #[must_use]
    pub fn cutoff_for(&self, target: f64) -> CrsScore {
        let mut seen = 0.0;
        for (i, c) in self.counts.iter().enumerate().rev() {
            seen += c;
            if seen >= target {
                return u16::try_from(i)
                    .ok()
                    .and_then(|v| CrsScore::new(v).ok())
                    .unwrap_or(CrsScore::MIN);
            }
        }
        CrsScore::MIN
    }

    /// Removes `invited` candidates from the scores at `cutoff` and above, in proportion to
    /// their numbers: the invitations of a round that has left the pool.
    pub fn remove_invited(&mut self, cutoff: CrsScore, invited: f64) {
        let above = self.at_or_above(cutoff);
        if above <= 0.0 {
            return;
        }
        let keep = (1.0 - invited / above).max(0.0);
        for c in self.counts.iter_mut().skip(cutoff.index()) {
            *c *= keep;
        }
    }
}

fn fill(out: &mut [f64], low: u16, high: u16, f: impl Fn(u16) -> f64) {
    for s in low..=high {
        if let Some(slot) = out.get_mut(usize::from(s)) {
            *slot = f(s);
        }
    }
}

/// The knots: for range `i`, its density at its upper and at its lower edge; and whether the
/// decay range can keep its exponential shape.
fn knots(means: &[f64], rate: Option<f64>) -> (Vec<f64>, Vec<f64>, bool) {
    let n = RANGES.len();
    // edge[i] is the density at the lower edge of range i (= upper edge of range i + 1);
    // edge[n] is at the bottom (-0.5), and the top (1200.5) is 0.
    let mut edge = vec![0.0; n + 1];
    for i in 0..n.saturating_sub(1) {
        let (h_up, h_low) = (
            f64::from(RANGES[i].width()),
            f64::from(RANGES[i + 1].width()),
        );
        let (d_up, d_low) = (means[i], means[i + 1]);
        edge[i] = if d_up > 0.0 && d_low > 0.0 {
            let (w_low, w_up) = (2.0 * h_up + h_low, h_up + 2.0 * h_low);
            (w_low + w_up) / (w_low / d_low + w_up / d_up)
        } else {
            0.0
        };
    }
    edge[n - 1] = means[n - 1];
    let mut top = 0.0;
    let pinned = rate.is_some();
    if let Some(p) = rate {
        let lam = p * f64::from(RANGES[DECAY_RANGE].width());
        let a = means[DECAY_RANGE] * lam / (1.0 - (-lam).exp());
        edge[DECAY_RANGE] = a;
        edge[DECAY_RANGE - 1] = a * (-lam).exp();
    }
    // Lower knots until every range (but the decay one) satisfies a + b <= 3m, lowering the
    // knot the decay range does not own first.
    for i in 0..n {
        if pinned && i == DECAY_RANGE {
            continue;
        }
        let cap = 3.0 * means[i];
        let upper = if i == 0 { top } else { edge[i - 1] };
        let lower = edge[i];
        if upper + lower <= cap {
            continue;
        }
        let upper_pinned = pinned && i == DECAY_RANGE + 1;
        let lower_pinned = pinned && i + 1 == DECAY_RANGE;
        let (new_upper, new_lower) = if upper_pinned {
            (upper.min(cap), (cap - upper).max(0.0))
        } else if lower_pinned {
            ((cap - lower).max(0.0), lower.min(cap))
        } else {
            let k = cap / (upper + lower);
            (upper * k, lower * k)
        };
        if i == 0 {
            top = new_upper;
        } else {
            edge[i - 1] = new_upper;
        }
        edge[i] = new_lower;
    }
    // The decay range keeps its exponential if its (possibly lowered) knots allow a
    // non-negative one; otherwise it falls back to a valid quadratic.
    let mut decay_ok = false;
    if let Some(p) = rate {
        let i = DECAY_RANGE;
        let lam = p * f64::from(RANGES[i].width());
        decay_ok = Shape::decay(edge[i], edge[i - 1], means[i], lam).non_negative();
        let cap = 3.0 * means[i];
        let (upper, lower) = (edge[i - 1], edge[i]);
        if !decay_ok && upper + lower > cap {
            let k = cap / (upper + lower);
            edge[i - 1] = upper * k;
            edge[i] = lower * k;
        }
    }
    let upper: Vec<f64> = (0..n)
        .map(|i| if i == 0 { top } else { edge[i - 1] })
        .collect();
    let lower: Vec<f64> = edge.iter().take(n).copied().collect();
    (upper, lower, decay_ok)
}

/// A density over a range, in `t` from 0 (lower edge) to 1 (upper edge), with mean `m`.
#[derive(Debug, Clone, Copy)]
struct Shape {
    a: f64,
    b: f64,
    k: f64,
    /// `None` for the quadratic bump, `Some(lambda)` for the exponential.
    lam: Option<f64>,
}

impl Shape {
    /// `a(1-t) + bt + 6k t(1-t)` with `k = m - (a+b)/2`.
    fn quadratic(a: f64, b: f64, m: f64) -> Shape {
        Shape {
            a,
            b,
            k: m - (a + b) / 2.0,
            lam: None,
        }
    }

    /// `a(1-t) + bt + k psi(t)`, `psi(t) = e^{-lt} - (1-t) - t e^{-l}`, with the mean `m`.
    fn decay(a: f64, b: f64, m: f64, lam: f64) -> Shape {
        let e = (-lam).exp();
        let psi_mean = (1.0 - e) / lam - (1.0 + e) / 2.0;
        Shape {
            a,
            b,
            k: (m - (a + b) / 2.0) / psi_mean,
            lam: Some(lam),
        }
    }

    fn value(&self, t: f64) -> f64 {
        let chord = self.a * (1.0 - t) + self.b * t;
        match self.lam {
            None => chord + 6.0 * self.k * t * (1.0 - t),
            Some(l) => chord + self.k * ((-l * t).exp() - (1.0 - t) - t * (-l).exp()),
        }
    }

    /// The integral of the density from 0 to `t`.
    fn integral(&self, t: f64) -> f64 {
        let chord = self.a * (t - t * t / 2.0) + self.b * t * t / 2.0;
        match self.lam {
            None => chord + 6.0 * self.k * (t * t / 2.0 - t * t * t / 3.0),
            Some(l) => {
                let psi = (1.0 - (-l * t).exp()) / l - (t - t * t / 2.0) - (-l).exp() * t * t / 2.0;
                chord + self.k * psi
            }
        }
    }

    fn non_negative(&self) -> bool {
        (0..=200).all(|i| self.value(f64::from(i) / 200.0) >= -1e-9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNTS: [u32; 15] = [
        280, 16_559, 13_504, 13_248, 16_531, 15_426, 14_900, 14_142, 14_239, 12_425, 12_183,
        11_316, 53_650, 19_009, 8_283,
    ];

    fn models() -> [DensityModel; 4] {
        [
            DensityModel::Flat,
            DensityModel::Smooth,
            DensityModel::Decay { rate: 0.06 },
            DensityModel::Decay { rate: 0.5 },
        ]
    }

    #[test]
    fn every_range_count_is_reproduced_and_non_negative() {
        for model in models() {
            let d = ScoreDensity::from_counts(&COUNTS, model);
            for (r, &c) in RANGES.iter().zip(&COUNTS) {
                let sum: f64 = (r.low..=r.high).map(|s| d.counts[usize::from(s)]).sum();
                assert!((sum - f64::from(c)).abs() < 1e-6, "{model:?} {r:?}: {sum}");
            }
            assert!(d.counts.iter().all(|&c| c >= -1e-9), "{model:?}");
        }
    }

    #[test]
    fn smooth_density_is_continuous_across_edges() {
        for model in [DensityModel::Smooth, DensityModel::Decay { rate: 0.06 }] {
            let d = ScoreDensity::from_counts(&COUNTS, model);
            for r in &RANGES[..14] {
                // Across an edge the density changes no more than it does within the ranges.
                let (below, at) = (
                    d.counts[usize::from(r.low) - 1],
                    d.counts[usize::from(r.low)],
                );
                let (inner, outer) = (
                    d.counts[usize::from(r.low) + 1],
                    d.counts[usize::from(r.low) - 2],
                );
                let step = (at - below).abs();
                let local = (inner - at).abs().max((below - outer).abs());
                assert!(
                    step <= 2.0 * local + 1e-6,
                    "{model:?} at {}: {below} {at}",
                    r.low
                );
            }
        }
    }

    #[test]
    fn decay_is_exponential_inside_501_600() {
        let d = ScoreDensity::from_counts(&COUNTS, DensityModel::Decay { rate: 0.06 });
        // Exactly exponential near 501; the 601-1200 range is too thin for the exponential's
        // end value at 600, so that knot is lowered and the shape bends slightly there.
        let ratio = d.counts[511] / d.counts[510];
        assert!((ratio - (-0.06f64).exp()).abs() < 0.002, "{ratio}");
        assert!(d.counts[501] > 5.0 * d.counts[540]);
    }

    proptest::proptest! {
        #[test]
        fn prop_any_snapshot_is_reproduced_and_non_negative(
            counts in proptest::array::uniform15(0u32..200_000),
            rate in 0.0f64..0.3,
        ) {
            for model in [DensityModel::Smooth, DensityModel::Decay { rate }] {
                let d = ScoreDensity::from_counts(&counts, model);
                for (r, &c) in RANGES.iter().zip(&counts) {
                    let sum: f64 = (r.low..=r.high).map(|s| d.counts[usize::from(s)]).sum();
                    proptest::prop_assert!((sum - f64::from(c)).abs() <= 1e-6 * f64::from(c).max(1.0));
                }
                proptest::prop_assert!(d.counts.iter().all(|&c| c >= -1e-6));
            }
        }
    }

    #[test]
    fn cutoff_and_removal_by_hand() {
        // 10 candidates at each of 601..=700: 1,000 in the top range, none elsewhere.
        let mut counts = [0; 15];
        counts[0] = 6_000; // 601-1200, flat: 10 per score
        let mut d = ScoreDensity::from_counts(&counts, DensityModel::Flat);
        assert_eq!(d.cutoff_for(10.0).get(), 1200);
        assert_eq!(d.cutoff_for(25.0).get(), 1198);
        assert_eq!(d.cutoff_for(1e9).get(), 0);
        d.remove_invited(CrsScore::new(1191).unwrap(), 50.0);
        assert!((d.at_or_above(CrsScore::new(1191).unwrap()) - 50.0).abs() < 1e-9);
        assert!((d.total() - 5_950.0).abs() < 1e-6);
    }
}
