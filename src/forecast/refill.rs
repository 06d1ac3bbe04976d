//! The refill model of one family's pool: who is eligible for the family's rounds, by score.
//!
//! For a family `f` and a score `s`, the candidates waiting on day `t` are
//!
//! ```text
//! N_f(s, t) = lambda_f * g_f(s) * W(min(t - L_f(s), T_f))
//! ```
//!
//! where `g_f(s) = exp(-beta_f * max(s - center_f, 0))` is the family's shape by score, `lambda_f` the
//! new eligible candidates per day per unit of shape, `L_f(s)` the submission time up to which
//! score `s` was last emptied by a round, `T_f` how long a candidate stays eligible if not
//! invited, and `W(a) = (1 - exp(-k a)) / k` the arrivals of an age window `a` still there
//! after withdrawals at rate `k` per day (`W(a) = a` without withdrawals).
//!
//! A round takes from the top down, oldest submission first at its cut-off score (IRCC's
//! tie-break), and moves `L_f` to its tie-break at the cut-off and to its day above. The same
//! code nowcasts a published round (calibration and replay) and holds a simulated one (the
//! fluid engine), so the two cannot drift apart.

/// Seconds in a day.
pub(crate) const DAY: f64 = 86_400.0;

/// The parameters of a family's refill, without its level.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RefillShape {
    /// The lowest score the family's pool holds.
    pub lo: u16,
    /// The highest score the family's pool holds.
    pub hi: u16,
    /// The score below which the shape is flat (1).
    pub center: f64,
    /// The shape's decay per CRS point (negative: denser at higher scores).
    pub beta: f64,
    /// How long, in days, a candidate stays eligible if no round invites them.
    pub residence_days: f64,
    /// Withdrawals: the rate per day at which waiting candidates leave (0 for none).
    pub exit_per_day: f64,
}

impl RefillShape {
    /// The shape at score `s`: `exp(-beta (s - center))` above the centre, 1 below it (rounds
    /// never reached below a category's centre, so nothing there says how it slopes).
    #[must_use]
    pub fn shape(&self, s: u16) -> f64 {
        (-self.beta * (f64::from(s) - self.center).max(0.0)).exp()
    }

    /// The arrivals of an age window of `age` days still waiting, per unit of level and shape.
    #[must_use]
    pub fn window(&self, age: f64) -> f64 {
        let a = age.clamp(0.0, self.residence_days);
        if self.exit_per_day > 1e-12 {
            -(-self.exit_per_day * a).exp_m1() / self.exit_per_day
        } else {
            a
        }
    }

    /// The submission time (in days) that splits a window starting at `from` and ending at
    /// `now` so that `take` (per unit of level and shape) of its oldest arrivals come before it.
    fn split(&self, from: f64, now: f64, take: f64) -> f64 {
        let k = self.exit_per_day;
        let at = if k > 1e-12 {
            // The weight of an arrival at u is exp(-k (now - u)).
            let x = (-k * (now - from)).exp() + k * take;
            now + x.ln() / k
        } else {
            from + take
        };
        at.clamp(from, now)
    }
}

/// What a round took from a family's pool.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Taken {
    /// The lowest score invited (`None`: the pool was empty).
    pub cutoff: Option<u16>,
    /// The tie-break, as a day number (days since 1970-01-01): candidates at the cut-off
    /// submitted at or before it were invited.
    pub tie_break_day: f64,
    /// How many were invited (less than the size when the pool ran short).
    pub invited: f64,
}

/// One family's pool under the refill model: its shape, its level, and per score the time
/// (a day number) up to which the score was last emptied.
#[derive(Clone, Debug, PartialEq)]
pub struct RefillPool {
    shape: RefillShape,
    level: f64,
    /// Per score from `lo` to `hi`: emptied up to this day; `f64::NEG_INFINITY` when never.
    emptied: Vec<f64>,
    /// `shape(s)` per score, cached.
    weights: Vec<f64>,
    /// `cum[i]`: the sum of `weights[..i]`.
    cum: Vec<f64>,
}

impl RefillPool {
    /// A pool never emptied, with level `level` (new eligible per day per unit of shape).
    #[must_use]
    pub fn new(shape: RefillShape, level: f64) -> Self {
        let n = usize::from(shape.hi.saturating_sub(shape.lo)) + 1;
        let weights: Vec<f64> = (0..n)
            .map(|i| shape.shape(shape.lo.saturating_add(i as u16)))
            .collect();
        let mut cum = Vec::with_capacity(n + 1);
        cum.push(0.0);
        for w in &weights {
            cum.push(cum.last().copied().unwrap_or(0.0) + w);
        }
        RefillPool {
            shape,
            level,
            emptied: vec![f64::NEG_INFINITY; n],
            weights,
            cum,
        }
    }

    /// A pool never emptied whose shape by score is `density(s) / density(center)` tilted by
    /// `exp(-beta max(s - center, 0))`, as [`RefillShape::shape`]: a program family's pool,
    /// shaped like the snapshot's (`density` gives candidates per score).
    #[must_use]
    pub fn with_density(shape: RefillShape, level: f64, density: impl Fn(u16) -> f64) -> Self {
        let mut pool = RefillPool::new(shape, level);
        let c = shape.center.round().clamp(0.0, 1200.0) as u16;
        let at_center = density(c).max(1e-12);
        let mut cum = 0.0;
        for (i, w) in pool.weights.iter_mut().enumerate() {
            let s = shape.lo.saturating_add(i as u16);
            *w = density(s).max(0.0) / at_center * shape.shape(s);
            cum += *w;
            pool.cum[i + 1] = cum;
        }
        pool
    }

    /// The shape at score `s` (0 outside the pool).
    #[must_use]
    pub fn weight(&self, s: u16) -> f64 {
        self.index(s).map_or(0.0, |i| self.weights[i])
    }

    /// The shape parameters.
    #[must_use]
    pub fn shape(&self) -> &RefillShape {
        &self.shape
    }

    /// The level.
    #[must_use]
    pub fn level(&self) -> f64 {
        self.level
    }

    /// Sets the level (a run's shock, a new calibration).
    pub fn set_level(&mut self, level: f64) {
        self.level = level.max(0.0);
    }

    /// The day up to which score `s` was last emptied (`None` when never, or outside the pool).
    #[must_use]
    pub fn emptied(&self, s: u16) -> Option<f64> {
        self.index(s)
            .map(|i| self.emptied[i])
            .filter(|d| d.is_finite())
    }

    fn index(&self, s: u16) -> Option<usize> {
        (self.shape.lo..=self.shape.hi)
            .contains(&s)
            .then(|| usize::from(s - self.shape.lo))
    }

    /// The start of the window still waiting at score index `i` on day `now`.
    fn from(&self, i: usize, now: f64) -> f64 {
        self.emptied[i].max(now - self.shape.residence_days)
    }

    /// Candidates waiting at score `s` on day `now`.
    #[must_use]
    pub fn at(&self, s: u16, now: f64) -> f64 {
        self.index(s).map_or(0.0, |i| {
            self.level * self.weights[i] * self.shape.window(now - self.from(i, now))
        })
    }

    /// Candidates waiting at or above score `s` on day `now`.
    #[must_use]
    pub fn at_or_above(&self, s: u16, now: f64) -> f64 {
        (s.max(self.shape.lo)..=self.shape.hi)
            .map(|x| self.at(x, now))
            .sum()
    }

    /// Candidates a published round took per unit of level: everyone strictly above its
    /// cut-off, and at the cut-off those submitted up to its tie-break (half the score
    /// without one). This is what the level is filtered from.
    #[must_use]
    pub fn taken_per_level(&self, now: f64, cutoff: u16, tie_break_day: Option<f64>) -> f64 {
        let mut m = 0.0;
        for s in cutoff.saturating_add(1).max(self.shape.lo)..=self.shape.hi {
            if let Some(i) = self.index(s) {
                m += self.weights[i] * self.shape.window(now - self.from(i, now));
            }
        }
        if let Some(i) = self.index(cutoff) {
            let from = self.from(i, now);
            let part = match tie_break_day {
                Some(tie) if tie > from => {
                    self.shape.window(now - from) - self.shape.window(now - tie.min(now))
                }
                Some(_) => 0.0,
                None => self.shape.window(now - from) / 2.0,
            };
            m += self.weights[i] * part;
        }
        m
    }

    /// Records a published round: scores above the cut-off emptied on `now`, the cut-off up
    /// to its tie-break (to `now` without one).
    pub fn observe(&mut self, now: f64, cutoff: u16, tie_break_day: Option<f64>) {
        for s in cutoff.saturating_add(1).max(self.shape.lo)..=self.shape.hi {
            if let Some(i) = self.index(s) {
                self.emptied[i] = self.emptied[i].max(now);
            }
        }
        if let Some(i) = self.index(cutoff) {
            let to = tie_break_day.unwrap_or(now).min(now);
            self.emptied[i] = self.emptied[i].max(to);
        }
    }

    /// The block of scores just below index `i` (exclusive) whose windows start together on
    /// day `now`: `(j, from)` with every index in `j..i` starting at `from`. Rounds empty
    /// whole ranges of scores at once, so a pool holds few blocks and a round walks blocks,
    /// not scores.
    fn block_below(&self, i: usize, now: f64) -> (usize, f64) {
        let from = self.from(i - 1, now);
        let mut j = i - 1;
        while j > 0 && self.from(j - 1, now) == from {
            j -= 1;
        }
        (j, from)
    }

    /// Holds a round of `size` on day `now`: takes from the top down, oldest first at the
    /// cut-off score, and empties what it took.
    pub fn take(&mut self, now: f64, size: f64) -> Taken {
        let eps = 1e-9 * size.max(1.0);
        let mut left = size;
        let mut cutoff = None;
        let mut tie = now;
        let mut i = self.emptied.len();
        while i > 0 && left > 0.0 {
            let (j, from) = self.block_below(i, now);
            let per = self.level * self.shape.window(now - from);
            let mass = per * (self.cum[i] - self.cum[j]);
            if per <= 0.0 || mass <= 1e-12 {
                i = j;
                continue;
            }
            if mass <= left + eps {
                left = if left - mass <= eps { 0.0 } else { left - mass };
                self.emptied[j..i].iter_mut().for_each(|e| *e = now);
                cutoff = Some(self.shape.lo + j as u16);
                tie = now;
                i = j;
                continue;
            }
            // The round ends inside this block.
            for k in (j..i).rev() {
                let here = per * self.weights[k];
                if here <= 1e-12 {
                    continue;
                }
                cutoff = Some(self.shape.lo + k as u16);
                if here <= left + eps {
                    left = if left - here <= eps { 0.0 } else { left - here };
                    self.emptied[k] = now;
                    tie = now;
                    if left <= 0.0 {
                        break;
                    }
                } else {
                    let unit = self.level * self.weights[k];
                    let at = self.shape.split(from, now, left / unit);
                    self.emptied[k] = at;
                    tie = at;
                    left = 0.0;
                    break;
                }
            }
            break;
        }
        Taken {
            cutoff,
            tie_break_day: tie,
            invited: size - left.max(0.0),
        }
    }

    /// The cut-off a round of `size` on day `now` would have, without changing the pool.
    #[must_use]
    pub fn cutoff_for(&self, now: f64, size: f64) -> Option<u16> {
        let eps = 1e-9 * size.max(1.0);
        let mut left = size;
        let mut i = self.emptied.len();
        while i > 0 {
            let (j, from) = self.block_below(i, now);
            let per = self.level * self.shape.window(now - from);
            let mass = per * (self.cum[i] - self.cum[j]);
            if per > 0.0 && mass > 1e-12 {
                if mass < left - eps {
                    left -= mass;
                } else {
                    for k in (j..i).rev() {
                        let here = per * self.weights[k];
                        if here <= 1e-12 {
                            continue;
                        }
                        left -= here;
                        // Within rounding of the size: the round ends at this score.
                        if left <= eps {
                            return Some(self.shape.lo + k as u16);
                        }
                    }
                }
            }
            i = j;
        }
        // The pool runs short: everyone was invited, down to the lowest score held.
        (left < size).then_some(self.shape.lo)
    }
}

/// A timestamp as a day number (days since 1970-01-01, with the time of day as a fraction).
#[must_use]
pub(crate) fn day_of(t: crate::time::Timestamp) -> f64 {
    t.as_second() as f64 / DAY
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(beta: f64, t: f64, k: f64) -> RefillShape {
        RefillShape {
            lo: 400,
            hi: 500,
            center: 450.0,
            beta,
            residence_days: t,
            exit_per_day: k,
        }
    }

    #[test]
    fn a_never_emptied_pool_is_saturated() {
        let p = RefillPool::new(shape(0.0, 100.0, 0.0), 2.0);
        // 2 a day for 100 days at every score.
        assert!((p.at(450, 1000.0) - 200.0).abs() < 1e-9);
        assert!((p.at_or_above(491, 1000.0) - 2_000.0).abs() < 1e-9);
        assert_eq!(p.at(399, 1000.0), 0.0);
    }

    #[test]
    fn a_round_of_the_mass_above_s_has_cutoff_s() {
        let mut p = RefillPool::new(shape(0.02, 120.0, 0.0), 3.0);
        let above = p.at_or_above(470, 500.0);
        assert_eq!(p.cutoff_for(500.0, above), Some(470));
        let t = p.take(500.0, above);
        assert_eq!(t.cutoff, Some(470));
        assert!((t.invited - above).abs() < 1e-6);
        // Emptied: nothing left at or above 470 that day; 10 days later, 10 days' worth.
        assert!(p.at_or_above(470, 500.0) < 1e-6);
        let ten: f64 = (470..=500)
            .map(|s| 3.0 * (-0.02 * (f64::from(s) - 450.0)).exp() * 10.0)
            .sum();
        assert!((p.at_or_above(470, 510.0) - ten).abs() < 1e-6);
    }

    #[test]
    fn a_partial_score_splits_by_submission_time() {
        let mut p = RefillPool::new(shape(0.0, 100.0, 0.0), 1.0);
        // 100 at each score; a round of 150 takes 500 and half of 499, oldest first.
        let t = p.take(1000.0, 150.0);
        assert_eq!(t.cutoff, Some(499));
        assert!((t.tie_break_day - 950.0).abs() < 1e-9);
        assert!((p.at(499, 1000.0) - 50.0).abs() < 1e-9);
        // The round's observed mass per level is its size.
        let mut q = RefillPool::new(shape(0.0, 100.0, 0.0), 1.0);
        assert!((q.taken_per_level(1000.0, 499, Some(950.0)) - 150.0).abs() < 1e-9);
        q.observe(1000.0, 499, Some(950.0));
        assert_eq!(q.emptied, p.emptied);
    }

    #[test]
    fn withdrawals_thin_the_window() {
        let s = shape(0.0, 365.0, 0.01);
        let w = s.window(100.0);
        assert!((w - (1.0 - (-1.0_f64).exp()) / 0.01).abs() < 1e-9);
        // The split takes exactly the oldest arrivals' weight.
        let at = s.split(0.0, 100.0, 20.0);
        let took = s.window(100.0) - s.window(100.0 - at);
        assert!((took - 20.0).abs() < 1e-9);
    }

    #[test]
    fn a_short_round_takes_everyone() {
        let mut p = RefillPool::new(shape(0.0, 10.0, 0.0), 1.0);
        let total = p.at_or_above(400, 50.0);
        let t = p.take(50.0, total * 2.0);
        assert_eq!(t.cutoff, Some(400));
        assert!((t.invited - total).abs() < 1e-9);
        assert_eq!(p.cutoff_for(50.0, 1.0), None);
    }
}
