//! `Interval`: a proportion with its Wilson 95% score interval.

use serde::{Deserialize, Serialize};

/// The 97.5% quantile of the standard normal distribution.
const Z95: f64 = 1.959_963_984_540_054;

/// An estimated probability: `successes` out of `trials`, with a Wilson 95% interval.
///
/// The Wilson score interval keeps its coverage near 95% even for probabilities close to 0
/// or 1, where the textbook `p ± 1.96·sd` interval collapses to a point.
///
/// # Example
/// ```
/// use eesim::montecarlo::Interval;
///
/// let i = Interval::wilson(0, 100);
/// assert_eq!(i.p, 0.0);
/// assert!(i.hi > 0.03 && i.hi < 0.04); // "none in 100" still allows up to ~3.7%
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The estimate, `successes / trials` (0 when there are no trials).
    pub p: f64,
    /// The lower end of the 95% interval.
    pub lo: f64,
    /// The upper end of the 95% interval.
    pub hi: f64,
    /// How many runs had the event.
    pub successes: u64,
    /// How many runs.
    pub trials: u64,
}

impl Interval {
    /// The Wilson 95% interval for `successes` out of `trials` (`[0, 1]` with no trials).
    #[must_use]
    pub fn wilson(successes: u64, trials: u64) -> Self {
        if trials == 0 {
            return Interval {
                p: 0.0,
                lo: 0.0,
                hi: 1.0,
                successes,
                trials,
            };
        }
        let n = trials as f64;
        let p = successes as f64 / n;
        let z2 = Z95 * Z95;
        let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
        let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
        // At 0 or all successes the bound is exactly 0 or 1; rounding must not move it.
        Interval {
            p,
            lo: if successes == 0 {
                0.0
            } else {
                (centre - half).max(0.0)
            },
            hi: if successes >= trials {
                1.0
            } else {
                (centre + half).min(1.0)
            },
            successes,
            trials,
        }
    }

    /// Half the interval's width.
    #[must_use]
    pub fn half_width(&self) -> f64 {
        (self.hi - self.lo) / 2.0
    }

    /// Whether `p` lies in the interval.
    #[must_use]
    pub fn contains(&self, p: f64) -> bool {
        self.lo <= p && p <= self.hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_hand_computed_values() {
        // 50/100: centre = (0.5 + 1.9208/100) / 1.038415 = 0.5; half = 1.96/1.038415 *
        // sqrt(0.0025 + 0.0000960) = 0.09617.
        let i = Interval::wilson(50, 100);
        assert!(
            (i.lo - 0.4038).abs() < 1e-4 && (i.hi - 0.5962).abs() < 1e-4,
            "{i:?}"
        );
        // 10/10: lo = 1 / (1 + 3.8415/10) = 0.7225.
        let i = Interval::wilson(10, 10);
        assert!((i.lo - 0.7225).abs() < 1e-4 && i.hi == 1.0, "{i:?}");
    }

    #[test]
    fn no_trials_means_no_knowledge() {
        let i = Interval::wilson(0, 0);
        assert_eq!((i.lo, i.hi), (0.0, 1.0));
    }
}
