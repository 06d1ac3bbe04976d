//! `Scenario`: every assumption about the future, explicit, validated and serialisable.

mod calibrate;
mod check;
mod read;
mod record;
mod run;
mod write;

use std::collections::BTreeMap;

use jiff::civil::Date;

pub use crate::forecast::{DrawPlan, Schedule};
pub use run::{Engine, FocalSpec, ScenarioRun};

use crate::candidate::Categories;
use crate::error::Result;
use crate::family::Family;
use crate::forecast::DensityModel;
use crate::ita::ResponseModel;
use crate::probability::Probability;

/// The default scenario's file, embedded: calibrated from IRCC's rounds feed as of the
/// newest snapshot in it (see the file's header for its date, source, and the command that
/// regenerates it).
pub const DEFAULT_TOML: &str = include_str!("../../scenarios/default.toml");

/// A share of the pool, known with a spread: each run samples it from a normal distribution
/// with this mean and standard deviation, clamped to `[0.0005, 1]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Share {
    /// The mean share.
    pub mean: f64,
    /// Its standard deviation across runs.
    pub spread: f64,
}

/// Where the runs start from: a published snapshot, or an explicit list of candidates.
#[derive(Clone, Debug, PartialEq)]
pub struct StartPool {
    /// Candidates in each of the feed's 15 disjoint score ranges, highest first (601-1200,
    /// 501-600, 491-500, ..., 301-350, 0-300). With a candidate list, its own counts (they
    /// also shape the arrivals inside each range).
    pub ranges: [u32; 15],
    /// The density inside each range.
    pub density: DensityModel,
    /// An explicit start pool: the candidate file as written in the scenario, and its
    /// candidates. Runs then start from exactly these candidates instead of a synthetic
    /// pool shaped like the snapshot (the fluid engine takes their scores and eligibility,
    /// and ages them like a snapshot's pool; the exact engine keeps every submission time).
    pub candidates: Option<(String, Vec<crate::candidate::Candidate>)>,
}

/// Every assumption about the future, as one validated value.
///
/// A scenario holds the start pool (a published snapshot and a density model), the share of
/// the pool eligible for each program and category (with spreads sampled per run), the
/// schedule of rounds per family, weekly arrivals by score range (provincial nominations are
/// the arrivals above 600), withdrawals, ITA responses, and the profile validity. It is read
/// from and written to TOML or JSON; a bad file reports every problem with its key path.
///
/// # Example
/// ```
/// use eesim::scenario::Scenario;
///
/// let s = Scenario::default_calibrated()?;
/// assert!(s.families().any(|f| *f == eesim::Family::CEC));
/// let again = Scenario::from_toml(&s.to_toml())?;
/// assert_eq!(again, s);
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub(crate) as_of: Date,
    pub(crate) source: String,
    pub(crate) validity_months: u32,
    pub(crate) pool: StartPool,
    pub(crate) shares: BTreeMap<Family, Share>,
    pub(crate) families: BTreeMap<Family, crate::forecast::FamilyPool>,
    pub(crate) draws: BTreeMap<Family, DrawPlan>,
    pub(crate) schedule: Schedule,
    pub(crate) combination: Option<crate::forecast::Combination>,
    pub(crate) arrivals_per_week: [f64; 15],
    pub(crate) arrival_spread: f64,
    pub(crate) withdrawal_per_week: Probability,
    pub(crate) responses: ResponseModel,
    pub(crate) categories: Categories,
    pub(crate) after_ita: crate::landing::AfterIta,
}

/// The withdrawal rate per day of a weekly withdrawal probability.
pub(crate) fn exit_per_day(weekly: Probability) -> f64 {
    -(1.0 - weekly.get().min(0.999_999)).ln() / 7.0
}

impl Scenario {
    /// The embedded default scenario ([`DEFAULT_TOML`]).
    ///
    /// # Errors
    /// None in practice: the embedded file is tested.
    pub fn default_calibrated() -> Result<Self> {
        Scenario::from_toml(DEFAULT_TOML)
    }

    /// The date the scenario starts: it knows nothing dated on or after it.
    #[must_use]
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    /// Where its figures come from.
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The start pool.
    #[must_use]
    pub fn pool(&self) -> &StartPool {
        &self.pool
    }

    /// The share of the pool eligible for a program (`cec`, `fsw`, `fst`) or category.
    #[must_use]
    pub fn share(&self, family: &Family) -> Option<Share> {
        self.shares.get(family).copied()
    }

    /// The refill pool of a family that draws from its own pool (provincial nominees and
    /// every category), if the scenario has one.
    #[must_use]
    pub fn family_pool(&self, family: &Family) -> Option<&crate::forecast::FamilyPool> {
        self.families.get(family)
    }

    /// Every family with its own pool, by name.
    pub fn family_pools(&self) -> impl Iterator<Item = (&Family, &crate::forecast::FamilyPool)> {
        self.families.iter()
    }

    /// The families with scheduled rounds.
    pub fn families(&self) -> impl Iterator<Item = &Family> {
        self.draws.keys()
    }

    /// The plan of a family's rounds.
    #[must_use]
    pub fn plan(&self, family: &Family) -> Option<&DrawPlan> {
        self.draws.get(family)
    }

    /// The gaps of every resampled plan, pooled: what a family's first gap is drawn from
    /// when its own are too short.
    pub(crate) fn pooled_gaps(&self) -> Vec<u32> {
        self.draws
            .values()
            .flat_map(|p| match p {
                DrawPlan::Resample { gaps_days, .. } => gaps_days.clone(),
                DrawPlan::Fixed(_) => Vec::new(),
            })
            .collect()
    }

    /// The families whose plans can hold no round in runs of `days` days from the scenario's
    /// date (silent over a year, no gap longer than the time since their last round, a first
    /// round past the end, fixed rounds all outside the runs), or whose first round cannot
    /// come from their own gaps, each with why, as a sentence.
    ///
    /// # Example
    /// ```
    /// use eesim::scenario::Scenario;
    ///
    /// let scenario = Scenario::default_calibrated()?;
    /// for (family, why) in scenario.plan_warnings(182) {
    ///     println!("{family}: {why}");
    /// }
    /// # Ok::<(), eesim::Error>(())
    /// ```
    #[must_use]
    pub fn plan_warnings(&self, days: u32) -> Vec<(Family, String)> {
        let start = crate::time::Timestamp::start_of_day(self.as_of);
        let end = start.plus_days(i64::from(days) + 1).plus_seconds(-1);
        let pooled = self.pooled_gaps();
        self.draws
            .iter()
            .filter_map(|(f, plan)| {
                crate::forecast::plan_warning(plan, start, end, &pooled, &self.schedule)
                    .map(|why| (f.clone(), why))
            })
            .collect()
    }

    /// How the runs draw future rounds from the plans.
    #[must_use]
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// Each family's weight between its simulated cut-offs and its previous cut-off, when the
    /// scenario combines them.
    #[must_use]
    pub fn combination(&self) -> Option<&crate::forecast::Combination> {
        self.combination.as_ref()
    }

    /// Replaces the combination with the previous cut-off (`None`: the simulation alone, as
    /// the exact engine runs it).
    #[must_use]
    pub fn with_combination(mut self, combination: Option<crate::forecast::Combination>) -> Self {
        self.combination = combination;
        self
    }

    /// Replaces (or adds) the plan of a family's rounds: "what if IRCC does X".
    ///
    /// # Errors
    /// As [`Scenario::from_toml`] for an invalid plan (a size of 0, a gap of 0 days, no sizes).
    pub fn with_plan(mut self, family: &Family, plan: DrawPlan) -> Result<Self> {
        let path = format!("draws.{family}");
        let mut c = crate::check::Check::new("scenario");
        let (sizes, gaps): (Vec<u32>, Vec<u32>) = match &plan {
            DrawPlan::Resample {
                gaps_days, sizes, ..
            } => (sizes.clone(), gaps_days.clone()),
            DrawPlan::Fixed(rounds) => (rounds.iter().map(|r| r.1).collect(), Vec::new()),
        };
        if matches!(plan, DrawPlan::Resample { .. }) && sizes.is_empty() {
            c.push(
                &format!("{path}.sizes"),
                "expected at least one value, found an empty list",
            );
        }
        for (i, n) in sizes
            .iter()
            .enumerate()
            .filter(|(_, n)| !(1..=100_000).contains(*n))
        {
            c.push(
                &format!("{path}.sizes[{i}]"),
                format!("expected a positive integer, found {n}"),
            );
        }
        for (i, g) in gaps
            .iter()
            .enumerate()
            .filter(|(_, g)| !(1..=3650).contains(*g))
        {
            c.push(
                &format!("{path}.gaps_days[{i}]"),
                format!("expected an integer from 1 to 3650, found {g}"),
            );
        }
        if family.has_own_pool() && !self.families.contains_key(family) {
            c.push(
                &format!("families.{family}"),
                "expected the pool of a family that holds rounds, found nothing",
            );
        }
        if !c.problems.is_empty() {
            return Err(crate::error::ErrorKind::InvalidScenario {
                source_name: String::new(),
                problems: c.problems,
            }
            .into());
        }
        if family.is_category() {
            self.categories.register(family.as_str())?;
        }
        self.draws.insert(family.clone(), plan);
        Ok(self)
    }

    /// Multiplies every future round's size by `factor` (rounded, at least 1).
    #[must_use]
    pub fn with_sizes_scaled(mut self, factor: f64) -> Self {
        let scale = |n: &mut u32| *n = ((f64::from(*n) * factor).round() as u32).max(1);
        for plan in self.draws.values_mut() {
            match plan {
                DrawPlan::Resample { sizes, .. } => sizes.iter_mut().for_each(scale),
                DrawPlan::Fixed(rounds) => rounds.iter_mut().for_each(|r| scale(&mut r.1)),
            }
        }
        self
    }

    /// Weekly arrivals by score range (gross: before expiries and withdrawals).
    #[must_use]
    pub fn arrivals_per_week(&self) -> &[f64; 15] {
        &self.arrivals_per_week
    }

    /// The weekly chance that a waiting candidate withdraws.
    #[must_use]
    pub fn withdrawal_per_week(&self) -> Probability {
        self.withdrawal_per_week
    }

    /// How invited candidates respond.
    #[must_use]
    pub fn responses(&self) -> ResponseModel {
        self.responses
    }

    /// The stages after an ITA.
    #[must_use]
    pub fn after_ita(&self) -> &crate::landing::AfterIta {
        &self.after_ita
    }

    /// The category names the scenario knows (from its shares and families).
    #[must_use]
    pub fn categories(&self) -> &Categories {
        &self.categories
    }

    /// The target of `family`'s rounds in this scenario ([`Family::target`] with the
    /// scenario's categories).
    ///
    /// # Errors
    /// [`crate::ErrorKind::UnknownCategory`] for a category the scenario does not know.
    pub fn target(&self, family: &Family) -> Result<crate::draw::Target> {
        family.target(&self.categories)
    }
}
