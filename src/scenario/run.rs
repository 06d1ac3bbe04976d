//! `ScenarioRun`: a scenario and a focal candidate, sampled into one simulated future per run.

use jiff::civil::Date;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use super::{DrawPlan, Scenario};
use crate::candidate::{Candidate, CandidateId, Categories, Eligibility, Program};
use crate::draw::DrawSpec;
use crate::error::{ErrorKind, Result};
use crate::family::{Family, Membership};
use crate::feed::RANGES;
use crate::forecast::ScoreDensity;
use crate::montecarlo::RunModel;
use crate::pool::{Cohort, Pool};
use crate::probability::Probability;
use crate::score::CrsScore;
use crate::sim::fluid::{FLOOR, FluidFocal, FluidRun, NOMINEE_FROM};
use crate::sim::{Event, Focal, FocalResponse, RunReport, SimulationBuilder};
use crate::time::{Period, Timestamp};

/// Rounds are held at 14:00 UTC (mid-morning in Ottawa).
const ROUND_SECOND_OF_DAY: i64 = 14 * 3600;

/// The candidate whose chance a scenario estimates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FocalSpec {
    /// The score at the scenario's start.
    pub score: CrsScore,
    /// Later changes of score (a birthday, a new test result), in date order.
    pub changes: Vec<(Date, CrsScore)>,
    /// The candidate's programs, categories and nomination.
    pub membership: Membership,
    /// When the profile was submitted.
    pub submitted_at: Timestamp,
    /// How the candidate answers an invitation.
    pub response: FocalResponse,
}

impl FocalSpec {
    /// A candidate at `score` with `membership`, submitted at `submitted_at`, whose score
    /// does not change and who applies when invited.
    ///
    /// # Example
    /// ```
    /// use eesim::scenario::FocalSpec;
    /// use eesim::{CrsScore, FocalResponse, Membership};
    ///
    /// let focal = FocalSpec::new(CrsScore::new(505)?, Membership::from_names(["cec"], ["french"])?, "2026-01-22T00:00:00Z".parse()?)
    ///     .response(FocalResponse::Decline);
    /// assert_eq!(focal.response, FocalResponse::Decline);
    /// # Ok::<(), eesim::Error>(())
    /// ```
    #[must_use]
    pub fn new(score: CrsScore, membership: Membership, submitted_at: Timestamp) -> Self {
        FocalSpec {
            score,
            changes: Vec::new(),
            membership,
            submitted_at,
            response: FocalResponse::Apply,
        }
    }

    /// The same candidate answering invitations with `response`.
    #[must_use]
    pub fn response(mut self, response: FocalResponse) -> Self {
        self.response = response;
        self
    }

    /// The same candidate with later changes of score, in date order.
    #[must_use]
    pub fn changes(mut self, changes: Vec<(Date, CrsScore)>) -> Self {
        self.changes = changes;
        self
    }

    /// Takes the score from a CRS score path: the score on `start` (the scenario's start
    /// date), and every later change as a change of score, so that a birthday during the wait
    /// really lowers the score in the simulation.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSimulation`] when the path does not cover `start`.
    pub fn with_score_path(mut self, path: &crate::crs::ScorePath, start: Date) -> Result<Self> {
        self.score = path
            .score_on(start)
            .ok_or_else(|| ErrorKind::InvalidSimulation {
                what: "score path",
                expected: format!("a path covering {start}"),
                found: format!(
                    "a path from {:?} to {}",
                    path.points().first().map(|p| p.0),
                    path.until()
                ),
            })?;
        self.changes = path
            .points()
            .iter()
            .filter(|(d, _)| *d > start)
            .copied()
            .collect();
        Ok(self)
    }
}

/// A scenario with a focal candidate and a horizon: a [`RunModel`] for
/// [`crate::montecarlo::MonteCarlo`].
///
/// Each run samples the uncertain parameters (shares, the arrival rate), builds a synthetic
/// pool of cohorts from the snapshot (one cohort per score and eligibility class, each with
/// its own random submission time within the profile validity), schedules arrivals every
/// `arrival_batch_days`, rounds per family, withdrawals every four weeks, and runs the
/// simulation.
///
/// Eligibility classes: programs split into CEC only, FSW only, both, and neither (FST), from
/// the CEC and FSW shares; categories are taken as mutually exclusive (each candidate in at
/// most one), each with its share; candidates above 600 are provincial nominees. Only the
/// categories that hold rounds, or that the focal candidate belongs to, get a class, and
/// classes no round or focal candidate tells apart are merged: the others cannot change any
/// round.
#[derive(Clone, Debug)]
pub struct ScenarioRun<'a> {
    scenario: &'a Scenario,
    focal: Option<FocalSpec>,
    horizon_days: u32,
    arrival_batch_days: u32,
    start: Timestamp,
    categories: Categories,
    /// Expected candidates per score in the start pool.
    density: Vec<f64>,
    /// The families with a pool of their own: the target of their rounds, their eligibility
    /// bit in the exact engine's pool, and their name in the scenario.
    families: Vec<(crate::draw::Target, Eligibility, Family)>,
    /// Each family's pool at the start (before its run's level shock) and its level spread,
    /// in the order of `families`: built once, copied per run.
    family_starts: Vec<(crate::forecast::RefillPool, f64)>,
    /// Every family's gaps between rounds, pooled: the first gap's table to shrink toward.
    pooled_gaps: Vec<u32>,
    /// The eligibility bits some round or the focal candidate looks at.
    relevant: u64,
    /// Whether runs follow the focal candidate's application past the ITA.
    to_landing: bool,
    /// Expected arrivals per week at each score.
    weekly: Vec<f64>,
    engine: Engine,
}

/// How a [`ScenarioRun`] simulates each run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// Candidates as masses per score and eligibility class (see `scenario::fluid`): about
    /// 30 times faster than [`Engine::Exact`], and close to it (a release-only test compares
    /// the chances). The start pool is taken as submitted evenly over the validity before the
    /// start, and returned decliners age with it; the focal candidate is followed
    /// individually but, like a probe, takes no invitation from anyone; runs keep no
    /// candidate ledger. A scenario with an explicit candidate list always runs exactly.
    #[default]
    Fluid,
    /// Integer cohorts in the exact [`Pool`], through [`crate::Simulation`]: the reference
    /// for the pool's mechanics. It runs the simulation alone: a scenario's combination with
    /// the previous cut-off ([`crate::forecast::Combination`]) is the fluid engine's. A
    /// program on the refill dynamics is a family's cohorts with the program's bit (the
    /// snapshot's classes lose that bit), which a general round reaches too.
    Exact,
}

impl<'a> ScenarioRun<'a> {
    /// Runs of `scenario` over `horizon_days` following `focal` (or no one).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSimulation`] for a horizon of 0 or over 3,650 days (or reaching
    /// the end of time, [`Timestamp::MAX`]), a focal
    /// profile already expired at the start, or a change of score outside the horizon;
    /// [`ErrorKind::UnknownCategory`] for a focal category neither the scenario nor IRCC's
    /// 2026 list knows.
    pub fn new(
        scenario: &'a Scenario,
        focal: Option<FocalSpec>,
        horizon_days: u32,
    ) -> Result<Self> {
        let invalid = crate::error::invalid_simulation;
        if !(1..=3650).contains(&horizon_days) {
            return Err(invalid(
                "horizon",
                "1 to 3650 days".into(),
                horizon_days.to_string(),
            ));
        }
        let counts = scenario.pool.ranges;
        let density = ScoreDensity::from_counts(&counts, scenario.pool.density);
        // The snapshot's pool is the programs' pool up to 600; nominees have a pool of their own.
        let per_score: Vec<f64> = (0..CrsScore::COUNT)
            .map(|i| {
                CrsScore::from_index(i)
                    .filter(|s| s.get() < NOMINEE_FROM)
                    .map_or(0.0, |s| density.at(s))
            })
            .collect();
        // Both engines count candidates as 32-bit cohorts and 64-bit totals; a scenario whose
        // pool and arrivals (with four spreads of margin) pass 4 billion is refused here
        // rather than failing inside a run.
        let expected = scenario.pool.ranges.map(f64::from).iter().sum::<f64>()
            + scenario.arrivals_per_week.iter().sum::<f64>() * f64::from(horizon_days) / 7.0
                * (1.0 + 4.0 * scenario.arrival_spread);
        // The families' own pools: at most a full residence at the start plus the horizon's
        // arrivals, each with a level shock of four spreads.
        let expected = expected
            + scenario
                .families
                .values()
                .map(|f| {
                    // A pool shaped like the snapshot is weighed by its own start.
                    let per_day: f64 = if f.snapshot_shape {
                        let pool = f.start_pool_with(1.0, &per_score);
                        (f.shape.lo..=f.shape.hi).map(|s| pool.weight(s)).sum()
                    } else {
                        (f.shape.lo..=f.shape.hi).map(|s| f.shape.shape(s)).sum()
                    };
                    f.level
                        * per_day
                        * (f.shape.residence_days + f64::from(horizon_days))
                        * (4.0 * f.level_spread).exp()
                })
                .sum::<f64>();
        if expected.is_nan() || expected > 4.0e9 {
            return Err(invalid(
                "size",
                "at most 4 billion candidates in a run".into(),
                format!("about {expected:.0}"),
            ));
        }
        let start = Timestamp::start_of_day(scenario.as_of);
        let end = start.plus_days(i64::from(horizon_days));
        // A run must end (the last second of its last day) before the end of time, where
        // instants saturate: a run would be cut short, or refuse its own events.
        if start.plus_days(i64::from(horizon_days) + 1) >= Timestamp::MAX {
            return Err(invalid(
                "horizon",
                format!("a run ending before {}", Timestamp::MAX),
                format!("{horizon_days} days from {}", scenario.as_of),
            ));
        }
        let validity = Period::months(scenario.validity_months)?;
        let mut categories = scenario.categories.clone();
        for name in Categories::IRCC_2026 {
            categories.register(name)?;
        }
        if let Some(f) = &focal {
            if validity.after(f.submitted_at) <= start {
                return Err(invalid(
                    "focal submission",
                    format!("within {validity} before the start {start}"),
                    f.submitted_at.to_string(),
                ));
            }
            f.membership.eligibility(&categories)?;
            for (date, _) in &f.changes {
                let at = Timestamp::start_of_day(*date);
                let from = start.max(f.submitted_at);
                if at < from || at > end {
                    return Err(invalid(
                        "score change",
                        format!("from {from} to {end}"),
                        at.to_string(),
                    ));
                }
            }
        }
        let mut families = Vec::new();
        for name in scenario.families.keys() {
            let (target, bit) = if name.is_nominees() {
                (
                    crate::draw::Target::ProvincialNominees,
                    Eligibility::none().with_nomination(),
                )
            } else if let Some(p) = name.program() {
                // A program on the refill dynamics (CEC, FSW).
                (
                    crate::draw::Target::program(p),
                    Eligibility::none().with_program(p),
                )
            } else if *name == Family::GENERAL {
                // General rounds on the refill dynamics: their cohorts in the exact engine
                // hold the FST bit, which only general and FST rounds reach.
                (
                    crate::draw::Target::Programs(crate::candidate::ProgramSet::ALL),
                    Eligibility::none().with_program(Program::Fst),
                )
            } else {
                let id = categories.id(name.as_str())?;
                (
                    crate::draw::Target::Category(id),
                    Eligibility::none().with_category(id),
                )
            };
            families.push((target, bit, name.clone()));
        }
        let mut arrival_shape = vec![0.0; CrsScore::COUNT];
        for range in RANGES {
            let scores = usize::from(range.low)..=usize::from(range.high);
            let total: f64 = per_score[scores.clone()].iter().sum();
            let width = f64::from(range.high - range.low + 1);
            for s in scores {
                arrival_shape[s] = if total > 0.0 {
                    per_score[s] / total
                } else {
                    1.0 / width
                };
            }
        }
        let mut relevant = 0;
        for p in Program::ALL {
            if scenario.draws.contains_key(&Family::of_program(p))
                || focal
                    .as_ref()
                    .is_some_and(|f| f.membership.programs().contains(p))
            {
                relevant |= Eligibility::none().with_program(p).bits();
            }
        }
        let weekly = (0..CrsScore::COUNT)
            .map(|s| {
                RANGES
                    .iter()
                    .position(|r| usize::from(r.low) <= s && s <= usize::from(r.high))
                    .filter(|_| s < usize::from(NOMINEE_FROM))
                    .map_or(0.0, |r| scenario.arrivals_per_week[r] * arrival_shape[s])
            })
            .collect();
        Ok(ScenarioRun {
            to_landing: false,
            family_starts: families
                .iter()
                .filter_map(|(_, _, name)| scenario.families.get(name))
                .map(|f| {
                    // Nobody stays longer than a profile is valid.
                    let mut f = f.clone();
                    let validity_days = f64::from(scenario.validity_months) * 30.44;
                    f.shape.residence_days = f.shape.residence_days.min(validity_days);
                    (f.start_pool_with(1.0, &per_score), f.level_spread)
                })
                .collect(),
            pooled_gaps: scenario.pooled_gaps(),
            families,
            weekly,
            relevant,
            engine: Engine::default(),
            scenario,
            focal,
            horizon_days,
            arrival_batch_days: 14,
            start,
            categories,
            density: per_score,
        })
    }

    /// Arrivals come in batches this many days apart (14 unless set): fewer batches are
    /// cheaper, more follow the weekly flow more closely.
    #[must_use]
    pub fn arrival_batch_days(mut self, days: u32) -> Self {
        self.arrival_batch_days = days.max(1);
        self
    }

    /// Follows the focal candidate past the ITA, through the scenario's
    /// [`crate::landing::AfterIta`] stages, to landing (off unless set).
    #[must_use]
    pub fn to_landing(mut self, on: bool) -> Self {
        self.to_landing = on;
        self
    }

    /// Simulates with `engine` ([`Engine::Fluid`] unless set).
    #[must_use]
    pub fn engine(mut self, engine: Engine) -> Self {
        self.engine = engine;
        self
    }

    /// The category registry runs use (the scenario's, plus IRCC's 2026 list).
    #[must_use]
    pub fn categories(&self) -> &Categories {
        &self.categories
    }

    /// The focal candidate's eligibility.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownCategory`] (checked by [`ScenarioRun::new`], so never here).
    pub fn focal_eligibility(&self) -> Result<Option<Eligibility>> {
        let Some(f) = &self.focal else {
            return Ok(None);
        };
        Ok(Some(f.membership.eligibility(&self.categories)?))
    }

    /// The program classes of one run's snapshot pool, with their weights in the start pool
    /// and among arrivals (each summing to 1), from the program shares sampled for this run:
    /// CEC only, FSW only, both, and neither (FST). Categories and nominees have pools of
    /// their own ([`ScenarioRun::family_pools`]). Classes that no round or focal candidate
    /// tells apart are merged: it keeps the pool small without changing any round.
    fn classes(&self, rng: &mut ChaCha8Rng) -> Vec<(Eligibility, f64, f64)> {
        let share = |family: &Family, rng: &mut ChaCha8Rng| {
            self.scenario.shares.get(family).map_or(0.0, |s| {
                let x = Normal::new(s.mean, s.spread.max(1e-12)).map_or(s.mean, |n| n.sample(rng));
                x.clamp(0.0005, 1.0)
            })
        };
        let cec = share(&Family::CEC, rng);
        let fsw = share(&Family::FSW, rng);
        let both = (cec + fsw - 1.0).max(0.0);
        let programs = [
            (Eligibility::none().with_program(Program::Cec), cec - both),
            (Eligibility::none().with_program(Program::Fsw), fsw - both),
            (
                Eligibility::none()
                    .with_program(Program::Cec)
                    .with_program(Program::Fsw),
                both,
            ),
            (
                Eligibility::none().with_program(Program::Fst),
                (1.0 - cec - fsw + both).max(0.0),
            ),
        ];
        let total: f64 = programs.iter().map(|p| p.1).sum();
        let mut out: Vec<(Eligibility, f64, f64)> = Vec::new();
        for (pe, pw) in programs {
            let w = if total > 0.0 { pw / total } else { 0.0 };
            // A class no program bit tells apart still holds program candidates: keep the
            // FST bit so that all-program rounds (which target every program) reach it.
            let bits = pe.bits() & self.relevant;
            let e = if bits == 0 {
                Eligibility::none().with_program(Program::Fst)
            } else {
                Eligibility::from_bits(bits)
            };
            match out.iter_mut().find(|c| c.0 == e) {
                Some(c) => {
                    c.1 += w;
                    c.2 += w;
                }
                None if w > 0.0 => out.push((e, w, w)),
                None => {}
            }
        }
        out
    }

    /// The pools of the families with a pool of their own at the start of one run, each with
    /// its own level shock `exp(level_spread * z)` (`z` at most 4, the margin of the size
    /// guard in `ScenarioRun::new`), in the order of [`ScenarioRun::families`].
    fn family_pools(&self, rng: &mut ChaCha8Rng) -> Vec<crate::forecast::RefillPool> {
        self.family_starts
            .iter()
            .map(|(pool, spread)| {
                let z = Normal::new(0.0, 1.0).map_or(0.0, |n| n.sample(rng));
                let mut pool = pool.clone();
                pool.set_level(pool.level() * (spread * f64::min(z, 4.0)).exp());
                pool
            })
            .collect()
    }
}

/// Adds, for each class, `expected(score) × weight` candidates per score as cohorts, rounded
/// systematically (one random offset per class, so totals are kept to within one).
fn add_cohorts(
    mut sink: impl FnMut(Cohort),
    classes: &[(Eligibility, f64)],
    expected: impl Fn(usize) -> f64,
    rng: &mut ChaCha8Rng,
    next_id: &mut u64,
    mut submitted: impl FnMut(&mut ChaCha8Rng) -> Timestamp,
) {
    for &(e, w) in classes {
        // `acc` stays non-negative, so truncating casts are floors (and cheaper than `floor`).
        let mut acc: f64 = rng.random();
        for s in usize::from(FLOOR)..CrsScore::COUNT {
            let before = acc as u64;
            acc += expected(s) * w;
            let n = (acc as u64 - before) as f64;
            if n < 1.0 {
                continue;
            }
            let Some(score) = CrsScore::from_index(s) else {
                continue;
            };
            let eligibility = if s >= usize::from(NOMINEE_FROM) {
                e.with_nomination()
            } else {
                e
            };
            *next_id += 1;
            let cohort = Cohort {
                score,
                submitted_at: submitted(rng),
                id: CandidateId(*next_id),
                eligibility,
                count: n.min(f64::from(u32::MAX)) as u32,
            };
            sink(cohort);
        }
    }
}

impl RunModel for ScenarioRun<'_> {
    fn start(&self) -> Timestamp {
        self.start
    }

    fn horizon_days(&self) -> u32 {
        self.horizon_days
    }

    fn profile_validity(&self) -> Period {
        Period::months(self.scenario.validity_months).unwrap_or(Period::TWELVE_MONTHS)
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> RunReport {
        // An explicit candidate list keeps each candidate's own submission time, which only
        // the exact engine follows.
        let mut report = match (self.engine, self.scenario.pool.candidates.is_some()) {
            (Engine::Fluid, false) => self.sample_fluid(rng),
            _ => self.sample_exact(rng),
        };
        // The stages after the ITA touch no pool, so they are drawn once the run is over.
        if self.to_landing
            && let Some(f) = report.focal.as_mut()
            && f.fate == crate::sim::FocalFate::Applied
            && let Some(last) = f.invitations.last()
        {
            f.application = Some(self.scenario.after_ita.follow(last.at, rng));
        }
        report
    }
}

impl ScenarioRun<'_> {
    /// The end of a run: the last second of its last day, so that "within 90 days" takes in
    /// the rounds of day 90, as the tallies count days.
    fn end(&self) -> Timestamp {
        self.start
            .plus_days(i64::from(self.horizon_days) + 1)
            .plus_seconds(-1)
    }

    /// The rounds of one run, every family's, in family order then time: from the day after
    /// the scenario's date (it knows nothing dated on or after it, and a round that day has
    /// already happened or not) to the end of its last day.
    fn rounds_of_run(&self, rng: &mut ChaCha8Rng) -> Vec<DrawSpec> {
        let sc = self.scenario;
        let end = self.end();
        let first_day = self.start.plus_days(1);
        let mut out = Vec::new();
        for (family, plan) in &sc.draws {
            // An all-program round draws from the programs' pool; the families with a pool of
            // their own are not in it (their candidates are, as program candidates).
            let Ok(target) = family.target(&self.categories) else {
                continue;
            };
            for (date, size) in crate::forecast::rounds_of_plan(
                plan,
                self.start,
                end,
                &self.pooled_gaps,
                &sc.schedule,
                rng,
            ) {
                let at = Timestamp::start_of_day(date).plus_seconds(ROUND_SECOND_OF_DAY);
                if at >= first_day && at <= end {
                    out.push(DrawSpec::new(at, target, size));
                }
            }
        }
        out
    }

    /// This run's cut-offs of the families whose rounds follow their previous cut-off (the
    /// scenario's [`crate::forecast::Combination`]), by the target of their rounds; empty
    /// without a combination (and then no random number is drawn).
    fn combined_cutoffs(&self, rng: &mut ChaCha8Rng) -> Vec<(crate::draw::Target, u16)> {
        let Some(comb) = &self.scenario.combination else {
            return Vec::new();
        };
        // A family given a fixed list of rounds (a what-if) keeps its simulated cut-offs: the
        // previous-cut-off rule knows nothing of the sizes asked. Its numbers are drawn all
        // the same, so that the other families' choices do not move.
        comb.draw(rng)
            .into_iter()
            .filter(|(family, _)| {
                !matches!(self.scenario.draws.get(*family), Some(DrawPlan::Fixed(_)))
            })
            .filter_map(|(family, fixed)| Some((family.target(&self.categories).ok()?, fixed?)))
            .collect()
    }

    /// A family that follows its previous cut-off in this run and has no round within the
    /// combination's `round_within_days` gets one, on a day drawn evenly in that span, of
    /// its plan's latest size: the previous-cut-off rule expects a round.
    fn rule_rounds(
        &self,
        combined: &[(crate::draw::Target, u16)],
        rounds: &mut Vec<DrawSpec>,
        rng: &mut ChaCha8Rng,
    ) {
        let Some(days) = self
            .scenario
            .combination
            .as_ref()
            .and_then(|c| c.round_within_days)
        else {
            return;
        };
        let days = days.min(self.horizon_days).max(1);
        let by = self.start.plus_days(i64::from(days) + 1);
        for &(target, _) in combined {
            if rounds.iter().any(|r| r.target == target && r.at < by) {
                continue;
            }
            let Some(size) = self
                .scenario
                .draws
                .iter()
                .find(|(family, _)| family.target(&self.categories).ok() == Some(target))
                .and_then(|(_, plan)| match plan {
                    DrawPlan::Resample { sizes, .. } => sizes.last().copied(),
                    DrawPlan::Fixed(list) => list.last().map(|r| r.1),
                })
            else {
                continue;
            };
            let day = rng.random_range(1..=i64::from(days));
            let at = self.start.plus_days(day).plus_seconds(ROUND_SECOND_OF_DAY);
            rounds.push(DrawSpec::new(at, target, size));
        }
    }

    /// The exact engine's program classes when programs draw from refill pools of their own:
    /// those candidates are the refill pool's cohorts (with the program's bit), so the
    /// snapshot's classes lose that program's bit, and a class left with none is dropped.
    fn without_refill_programs(
        &self,
        classes: Vec<(Eligibility, f64, f64)>,
    ) -> Vec<(Eligibility, f64, f64)> {
        let mut strip = 0_u64;
        for (target, bit, _) in &self.families {
            if matches!(target, crate::draw::Target::Programs(s) if *s != crate::candidate::ProgramSet::ALL)
            {
                strip |= bit.bits();
            }
        }
        if strip == 0 {
            return classes;
        }
        let mut out: Vec<(Eligibility, f64, f64)> = Vec::new();
        for (e, a, b) in classes {
            let bits = e.bits() & !strip;
            if bits == 0 {
                continue;
            }
            let e = Eligibility::from_bits(bits);
            match out.iter_mut().find(|c| c.0 == e) {
                Some(c) => {
                    c.1 += a;
                    c.2 += b;
                }
                None => out.push((e, a, b)),
            }
        }
        out
    }

    /// This run's multiplier of the arrival rate, at most four spreads above 1 (the margin
    /// `ScenarioRun::new`'s size guard allows, so that no run passes it).
    fn arrival_rate(&self, rng: &mut ChaCha8Rng) -> f64 {
        let z = Normal::new(0.0, 1.0).map_or(0.0, |n| n.sample(rng));
        let spread = self.scenario.arrival_spread;
        (1.0 + spread * z).max(0.0).min(1.0 + 4.0 * spread)
    }

    /// One run through the fluid engine: this run's parameters drawn (in this order: the
    /// program classes, the arrival rate, the family pools, the rounds, the combination's
    /// choices and the rounds its runs hold), then the engine run.
    fn sample_fluid(&self, rng: &mut ChaCha8Rng) -> RunReport {
        let sc = self.scenario;
        let classes = self.classes(rng);
        let arrival_rate = self.arrival_rate(rng);
        let families = self
            .families
            .iter()
            .map(|f| f.0)
            .zip(self.family_pools(rng))
            .collect();
        let mut rounds = self.rounds_of_run(rng);
        let combined = self.combined_cutoffs(rng);
        self.rule_rounds(&combined, &mut rounds, rng);
        let focal = match (&self.focal, self.focal_eligibility()) {
            (Some(f), Ok(Some(eligibility))) => Some(FluidFocal {
                score: f.score,
                changes: f
                    .changes
                    .iter()
                    .map(|(d, s)| (Timestamp::start_of_day(*d), *s))
                    .collect(),
                eligibility,
                submitted_at: f.submitted_at,
                response: f.response,
            }),
            _ => None,
        };
        crate::sim::fluid::run(
            FluidRun {
                start: self.start,
                end: self.end(),
                validity: Period::months(sc.validity_months).unwrap_or(Period::TWELVE_MONTHS),
                classes,
                density: &self.density,
                weekly: &self.weekly,
                arrival_rate,
                families,
                rounds,
                combined,
                withdrawal_per_week: sc.withdrawal_per_week.get(),
                responses: sc.responses,
                focal,
            },
            rng,
        )
    }

    /// One run through the exact pool.
    fn sample_exact(&self, rng: &mut ChaCha8Rng) -> RunReport {
        let sc = self.scenario;
        let start = self.start;
        let end = self.end();
        let validity = Period::months(sc.validity_months).unwrap_or(Period::TWELVE_MONTHS);
        let span = start.as_second() - validity.latest_start_ended_by(start).as_second();
        let classes = self.without_refill_programs(self.classes(rng));
        let pool_classes: Vec<(Eligibility, f64)> = classes.iter().map(|c| (c.0, c.1)).collect();
        let arriving: Vec<(Eligibility, f64)> = classes.iter().map(|c| (c.0, c.2)).collect();
        let arrival_rate = self.arrival_rate(rng);

        let mut pool = Pool::with_validity(validity);
        let mut next_id = 0;
        if let Some((_, list)) = &sc.pool.candidates {
            // The explicit pool, in id order so that new ids keep the file's order.
            let mut list = list.clone();
            list.sort_by_key(|c| c.id);
            for c in list {
                next_id += 1;
                let added = pool.add(Cohort::from(Candidate {
                    id: CandidateId(next_id),
                    ..c
                }));
                debug_assert!(added.is_ok(), "{added:?}");
            }
        } else {
            add_cohorts(
                |c| {
                    let added = pool.add(c);
                    debug_assert!(added.is_ok(), "{added:?}");
                },
                &pool_classes,
                |s| self.density[s],
                rng,
                &mut next_id,
                |rng| start.plus_seconds(-rng.random_range(1..span.max(2))),
            );
        }

        let mut events = Vec::new();
        let families = self.family_pools(rng);
        for (k, fam) in families.iter().enumerate() {
            // An explicit candidate list is the programs' whole pool.
            if sc.pool.candidates.is_some()
                && matches!(self.families[k].0, crate::draw::Target::Programs(_))
            {
                continue;
            }
            family_cohorts(
                fam,
                self.families[k].1,
                start,
                end,
                rng,
                &mut next_id,
                |c| {
                    let added = pool.add(c);
                    debug_assert!(added.is_ok(), "{added:?}");
                },
                &mut events,
            );
        }
        let weekly = &self.weekly;
        let batch = i64::from(self.arrival_batch_days);
        let mut day = 0;
        while day < i64::from(self.horizon_days) {
            let at = start.plus_days(day).plus_seconds(6 * 3600);
            let days = batch.min(i64::from(self.horizon_days) - day) as f64;
            add_cohorts(
                |c| events.push(Event::Arrival(c)),
                &arriving,
                |s| weekly[s] * days / 7.0 * arrival_rate,
                rng,
                &mut next_id,
                |_| at,
            );
            day += batch;
        }
        events.extend(self.rounds_of_run(rng).into_iter().map(Event::Draw));
        let weekly_withdrawal = sc.withdrawal_per_week.get();
        if weekly_withdrawal > 0.0 {
            let p = Probability::new(1.0 - (1.0 - weekly_withdrawal).powi(4))
                .unwrap_or(Probability::ZERO);
            let mut week = 4;
            while i64::from(week) * 7 <= i64::from(self.horizon_days) {
                events.push(Event::Withdrawals {
                    at: start.plus_days(i64::from(week) * 7),
                    probability: p,
                });
                week += 4;
            }
        }
        let mut builder = SimulationBuilder::new(pool, start, end)
            .responses(sc.responses)
            .ita_deadline(Period::SIXTY_DAYS);
        if let (Some(f), Ok(Some(eligibility))) = (&self.focal, self.focal_eligibility()) {
            for (date, score) in &f.changes {
                events.push(Event::ScoreChange {
                    at: Timestamp::start_of_day(*date),
                    score: *score,
                });
            }
            builder = builder.focal(Focal {
                candidate: Candidate {
                    id: CandidateId(0),
                    score: f.score,
                    submitted_at: f.submitted_at,
                    eligibility,
                },
                response: f.response,
            });
        }
        match builder.events(events).build() {
            Ok(sim) => sim.into_run(rng),
            // `ScenarioRun::new` checks what `build` would refuse (sizes, with the arrival
            // rate capped at its margin; score changes), and every event is generated inside
            // the horizon: tests/integration/limits.rs runs a scenario at the size limit.
            Err(e) => {
                debug_assert!(false, "a scenario run failed to build: {e}");
                RunReport::default()
            }
        }
    }
}

/// The exact engine's cohorts of a family with a pool of its own: its pool at the start, in
/// slices of `FAMILY_SLICE_DAYS` by submission time, and its arrivals over the run in slices of
/// the same length (each cohort submitted at its slice's middle); each leaves at the end of
/// its residence, as the refill model says. Counts are rounded systematically per family.
#[allow(clippy::too_many_arguments)]
fn family_cohorts(
    fam: &crate::forecast::RefillPool,
    eligibility: Eligibility,
    start: Timestamp,
    end: Timestamp,
    rng: &mut ChaCha8Rng,
    next_id: &mut u64,
    mut add: impl FnMut(Cohort),
    events: &mut Vec<Event>,
) {
    use crate::forecast::{DAY, day_of};
    let shape = *fam.shape();
    let t0 = day_of(start);
    let t1 = day_of(end);
    let mut acc: f64 = rng.random();
    let mut emit = |s: u16, mass: f64, mid: f64, arrival: bool, acc: &mut f64| {
        let before = *acc as u64;
        *acc += mass.max(0.0);
        let n = *acc as u64 - before;
        let Ok(score) = CrsScore::new(s) else {
            return;
        };
        if n == 0 {
            return;
        }
        let Ok(at) = Timestamp::from_second((mid * DAY) as i64) else {
            return;
        };
        *next_id += 1;
        let cohort = Cohort {
            score,
            submitted_at: at,
            id: CandidateId(*next_id),
            eligibility,
            count: u32::try_from(n).unwrap_or(u32::MAX),
        };
        if arrival {
            events.push(Event::Arrival(cohort));
        } else {
            add(cohort);
        }
        let leaves = at.plus_seconds((shape.residence_days * DAY) as i64);
        if leaves <= end {
            events.push(Event::Departure { at: leaves, cohort });
        }
    };
    for s in shape.lo..=shape.hi {
        let unit = fam.level() * fam.weight(s);
        let from = fam
            .emptied(s)
            .unwrap_or(f64::NEG_INFINITY)
            .max(t0 - shape.residence_days);
        let mut b = t0;
        while b > from + 1e-9 {
            let a = (b - FAMILY_SLICE_DAYS).max(from);
            let mass = unit * (shape.window(t0 - a) - shape.window(t0 - b));
            emit(s, mass, (a + b) / 2.0, false, &mut acc);
            b = a;
        }
        let mut a = t0;
        while a < t1 {
            let b = (a + FAMILY_SLICE_DAYS).min(t1);
            emit(s, unit * (b - a), (a + b) / 2.0, true, &mut acc);
            a = b;
        }
    }
}

/// The exact engine slices a family's pool and arrivals by this many days of submission.
const FAMILY_SLICE_DAYS: f64 = 7.0;
