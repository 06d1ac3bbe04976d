//! The forecast model: each family's own pool, calibrated from its past rounds.
//!
//! Every family that holds rounds has its own eligible pool by score. Provincial nominees and
//! each category (as data, so next year's list needs no code) draw from a [`RefillPool`]: a
//! shape by score, a level filtered from its past rounds, a residence time, and per score the
//! time it was last emptied. So do CEC and general rounds in the model eesim ships, with the
//! snapshot's density as their shape ([`ModelOptions::refill`]); FSW and FST rounds draw from
//! the pool snapshot IRCC publishes, with the density of [`crate::forecast::ScoreDensity`] and
//! a calibrated share. The parameters are chosen at each date from earlier rounds only, by
//! one-step-ahead cut-off error ([`fit_families`]). Each family's rounds are combined with its
//! previous cut-off by their record ([`Combination`]), and the model's choices are options
//! ([`ModelOptions`]) so that each can be measured alone.
//!
//! This module holds the model and its calibration; the scenario file (`crate::scenario`)
//! stores the parameters, and the two engines run them.

mod combine;
mod density;
pub(crate) mod fit;
mod options;
pub(crate) mod programs;
mod refill;
mod replay;
mod schedule;
mod summary;

pub use combine::{
    Combination, FamilyWeight, PRIOR_SIMULATION, PRIOR_WINDOWS, RECORD_DAYS, RECORD_HORIZON_DAYS,
    RECORD_RUNS, RECORD_STEP_DAYS, Records, ReliabilityBin, SPREAD, WindowScore, record_origins,
    score_window, simulation_weight, simulation_weight_with,
};
pub(crate) use combine::{RECORD_SEED, last_cutoff, record_key, weights};
pub use density::{DensityModel, ScoreDensity};
pub use fit::{
    FamilyFit, FitCache, PoolKind, Prior, RoundObs, family_rounds, family_rounds_with,
    fit_families, fit_families_with, nowcast,
};
pub use options::{Combine, Memory, ModelOptions, StartPool};
pub use programs::{Calibration, FamilySchedule, ShareEstimate};
pub(crate) use refill::{DAY, day_of};
pub use refill::{RefillPool, RefillShape, Taken};
pub use replay::{DensityStudy, ErrorStats, Nowcast, Replay};
pub use schedule::{DrawPlan, PlanChange, Schedule};
pub(crate) use schedule::{INACTIVE_AFTER_DAYS, plan_warning, rounds_of_plan};
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
///     snapshot_shape: false,
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
    /// Whether the shape by score is the snapshot's density (relative to its value at the
    /// centre) times `exp(-beta max(s - center, 0))`, a program family on the refill
    /// dynamics, and not that exponential alone.
    pub snapshot_shape: bool,
}

impl FamilyPool {
    /// The pool at the scenario's start with its level multiplied by `shock`: every listed
    /// round observed.
    #[must_use]
    pub fn start_pool(&self, shock: f64) -> RefillPool {
        self.start_pool_with(shock, &[])
    }

    /// As [`FamilyPool::start_pool`], with the snapshot's candidates per score (0 to 1,200)
    /// for a pool shaped like it ([`FamilyPool::snapshot_shape`]).
    #[must_use]
    pub fn start_pool_with(&self, shock: f64, density: &[f64]) -> RefillPool {
        let level = self.level * shock;
        let mut pool = if self.snapshot_shape {
            fit::new_pool(self.shape, level, Some(density))
        } else {
            RefillPool::new(self.shape, level)
        };
        for (at, cutoff, tie) in &self.rounds {
            pool.observe(day_of(*at), *cutoff, tie.map(day_of));
        }
        pool
    }
}
