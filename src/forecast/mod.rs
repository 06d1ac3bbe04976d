//! The forecast model: each family's own pool, calibrated from its past rounds.
//!
//! Every family that holds rounds has its own eligible pool by score. The program families
//! (general, CEC, FSW, FST) draw from the pool snapshot IRCC publishes, with the density of
//! [`crate::forecast::ScoreDensity`] and a calibrated share; every other family (provincial
//! nominees and each category, as data, so next year's list needs no code) draws from a
//! [`RefillPool`]: a shape by score, a level filtered from its past rounds, a residence time,
//! and per score the time it was last emptied. The parameters are chosen at each date from
//! earlier rounds only, by one-step-ahead cut-off error ([`fit_families`]).
//!
//! This module holds the model and its calibration; the scenario file (`crate::scenario`)
//! stores the parameters, and the two engines run them.

mod density;
pub(crate) mod fit;
pub(crate) mod programs;
mod refill;
mod replay;
mod schedule;
mod summary;

pub use density::{DensityModel, ScoreDensity};
pub use fit::{
    FamilyFit, FitCache, PoolKind, Prior, RoundObs, family_rounds, fit_families, nowcast,
};
pub use programs::{Calibration, FamilySchedule, ShareEstimate};
pub(crate) use refill::{DAY, day_of};
pub use refill::{RefillPool, RefillShape, Taken};
pub use replay::{DensityStudy, ErrorStats, Nowcast, Replay};
pub use schedule::DrawPlan;
pub(crate) use schedule::{INACTIVE_AFTER_DAYS, rounds_of_plan};
pub use summary::SummaryRow;

/// The withdrawal rate per day the calibration assumes (0.2% a week, as the scenario's
/// `exits.withdrawal_per_week`).
pub const EXIT_PER_DAY: f64 = 0.000_286_2;

/// One family's pool in a scenario: the refill model's parameters, the recent rounds that
/// emptied it, and where they came from.
///
/// # Example
/// ```
/// use eesim::forecast::{FamilyPool, RefillShape};
///
/// let pool = FamilyPool {
///     shape: RefillShape { lo: 301, hi: 600, center: 450.0, beta: 0.03, residence_days: 120.0, exit_per_day: 0.0 },
///     level: 2.0,
///     level_spread: 0.3,
///     rounds: vec![("2026-02-06T14:00:00Z".parse()?, 400, None)],
///     source: "hand-made".into(),
///     guess: None,
/// };
/// // On the round's day everything from 401 up is gone; 30 days later it has refilled.
/// let day = |t: &str| t.parse::<eesim::Timestamp>().map(|t| t.as_second() as f64 / 86_400.0);
/// let start = pool.start_pool(1.0);
/// assert!(start.at_or_above(401, day("2026-02-06T14:00:00Z")?) < 1e-9);
/// assert!(start.at(401, day("2026-03-08T14:00:00Z")?) > 0.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FamilyPool {
    /// Scores, shape and residence time (the withdrawal rate comes from the scenario).
    pub shape: RefillShape,
    /// New eligible candidates per day per unit of shape.
    pub level: f64,
    /// The spread (standard deviation) of the log level between runs: one shock per run.
    pub level_spread: f64,
    /// The family's recent rounds, oldest first: when, the cut-off, and the tie-break.
    pub rounds: Vec<(crate::time::Timestamp, u16, Option<crate::time::Timestamp>)>,
    /// Where the parameters came from.
    pub source: String,
    /// Why the parameters are a guess, when they are (one round or none).
    pub guess: Option<String>,
}

impl FamilyPool {
    /// The pool at the scenario's start with its level multiplied by `shock`: every listed
    /// round observed.
    #[must_use]
    pub fn start_pool(&self, shock: f64) -> RefillPool {
        let mut pool = RefillPool::new(self.shape, self.level * shock);
        for (at, cutoff, tie) in &self.rounds {
            pool.observe(day_of(*at), *cutoff, tie.map(day_of));
        }
        pool
    }
}
