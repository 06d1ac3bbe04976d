//! `ScenarioRun`: a scenario and a focal candidate, sampled into one simulated future per run.

use jiff::civil::Date;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use super::{DrawPlan, Scenario};
use crate::candidate::{Candidate, CandidateId, Categories, Eligibility, Program};
use crate::draw::{DrawSpec, ProgramSet};
use crate::error::{ErrorKind, Result};
use crate::feed::{RANGES, ScoreDensity};
use crate::montecarlo::RunModel;
use crate::pool::{Cohort, Pool};
use crate::probability::Probability;
use crate::score::CrsScore;
use crate::sim::{Event, Focal, FocalResponse, RunReport, SimulationBuilder};
use crate::time::{Period, Timestamp};

/// The lowest score modelled: candidates at 300 or below are left out of the synthetic pool,
/// since no round in the calibrated schedules reaches them.
pub(super) const FLOOR: u16 = 301;
/// The first score of provincial nominees (a nomination adds 600 points).
pub(super) const NOMINEE_FROM: u16 = 601;
/// Rounds are held at 14:00 UTC (mid-morning in Ottawa).
const ROUND_SECOND_OF_DAY: i64 = 14 * 3600;

/// The candidate whose chance a scenario estimates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FocalSpec {
    /// The score at the scenario's start.
    pub score: CrsScore,
    /// Later changes of score (a birthday, a new test result), in date order.
    pub changes: Vec<(Date, CrsScore)>,
    /// The programs the candidate is eligible for.
    pub programs: ProgramSet,
    /// Whether the candidate holds a provincial nomination.
    pub nominee: bool,
    /// The categories the candidate qualifies for.
    pub categories: Vec<String>,
    /// When the profile was submitted.
    pub submitted_at: Timestamp,
    /// How the candidate answers an invitation.
    pub response: FocalResponse,
}

impl FocalSpec {
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
    pub(super) scenario: &'a Scenario,
    pub(super) focal: Option<FocalSpec>,
    pub(super) horizon_days: u32,
    arrival_batch_days: u32,
    pub(super) start: Timestamp,
    categories: Categories,
    /// Expected candidates per score in the start pool.
    pub(super) density: Vec<f64>,
    /// Each score's share of its range's weekly arrivals.
    /// Category classes: name and eligibility bit.
    class_categories: Vec<(String, Eligibility)>,
    /// The eligibility bits some round or the focal candidate looks at.
    pub(super) relevant: u64,
    /// Whether runs follow the focal candidate's application past the ITA.
    to_landing: bool,
    /// Per category class: the share of weekly arrivals its rounds take each week.
    throughput: Vec<f64>,
    /// Expected arrivals per week at each score.
    pub(super) weekly: Vec<f64>,
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
    /// Integer cohorts in the exact [`Pool`], through [`crate::Simulation`]: the reference.
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
        // Both engines count candidates as 32-bit cohorts and 64-bit totals; a scenario whose
        // pool and arrivals (with four spreads of margin) pass 4 billion is refused here
        // rather than failing inside a run.
        let expected = scenario.pool.ranges.map(f64::from).iter().sum::<f64>()
            + scenario.arrivals_per_week.iter().sum::<f64>() * f64::from(horizon_days) / 7.0
                * (1.0 + 4.0 * scenario.arrival_spread);
        if expected > 4.0e9 {
            return Err(invalid(
                "size",
                "at most 4 billion candidates in a run".into(),
                format!("about {expected:.0}"),
            ));
        }
        let start = Timestamp::start_of_day(scenario.as_of);
        let end = start.plus_days(i64::from(horizon_days));
        // A run must end (the last second of its last day) before the end of time, where
        // instants saturate and a schedule of rounds would never pass the end.
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
            for c in &f.categories {
                categories.id(c)?;
            }
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
        let mut class_categories = Vec::new();
        for name in scenario.categories.names() {
            let drawn = scenario.draws.contains_key(name);
            let focal_in = focal
                .as_ref()
                .is_some_and(|f| f.categories.iter().any(|c| c == name));
            if drawn || focal_in {
                class_categories.push((
                    name.to_string(),
                    Eligibility::none().with_category(categories.id(name)?),
                ));
            }
        }
        let counts = scenario.pool.ranges;
        let density = ScoreDensity::from_counts(&counts, scenario.pool.density);
        let per_score: Vec<f64> = (0..CrsScore::COUNT)
            .map(|i| CrsScore::from_index(i).map_or(0.0, |s| density.at(s)))
            .collect();
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
        let mut relevant = class_categories
            .iter()
            .fold(Eligibility::none().with_nomination().bits(), |m, c| {
                m | c.1.bits()
            });
        for p in Program::ALL {
            if scenario.draws.contains_key(p.name())
                || focal.as_ref().is_some_and(|f| f.programs.contains(p))
            {
                relevant |= Eligibility::none().with_program(p).bits();
            }
        }
        let weekly = (0..CrsScore::COUNT)
            .map(|s| {
                RANGES
                    .iter()
                    .position(|r| usize::from(r.low) <= s && s <= usize::from(r.high))
                    .map_or(0.0, |r| scenario.arrivals_per_week[r] * arrival_shape[s])
            })
            .collect();
        let arrivals_per_week: f64 = scenario.arrivals_per_week.iter().sum();
        let throughput = class_categories
            .iter()
            .map(|(name, _)| {
                let weekly_invitations = match scenario.draws.get(name) {
                    Some(DrawPlan::Resample {
                        gaps_days, sizes, ..
                    }) if !gaps_days.is_empty() && !sizes.is_empty() => {
                        let size =
                            sizes.iter().map(|s| f64::from(*s)).sum::<f64>() / sizes.len() as f64;
                        let gap = gaps_days.iter().map(|g| f64::from(*g)).sum::<f64>()
                            / gaps_days.len() as f64;
                        size * 7.0 / gap
                    }
                    Some(DrawPlan::Fixed(rounds)) => {
                        rounds.iter().map(|r| f64::from(r.1)).sum::<f64>() * 7.0
                            / f64::from(horizon_days)
                    }
                    _ => 0.0,
                };
                if arrivals_per_week > 0.0 {
                    (weekly_invitations / arrivals_per_week).min(0.5)
                } else {
                    0.0
                }
            })
            .collect();
        Ok(ScenarioRun {
            to_landing: false,
            throughput,
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
            class_categories,
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
        let mut e = Program::ALL
            .into_iter()
            .filter(|p| f.programs.contains(*p))
            .fold(Eligibility::none(), Eligibility::with_program);
        if f.nominee {
            e = e.with_nomination();
        }
        for c in &f.categories {
            e = e.with_category(self.categories.id(c)?);
        }
        Ok(Some(e))
    }

    /// The eligibility classes of one run, with their weights (summing to 1).
    /// The eligibility classes of one run, with their weights in the start pool and among
    /// arrivals (each summing to 1), from shares sampled for this run.
    ///
    /// A category's share of arrivals is at least its share of the pool, and at least what its
    /// rounds take each week over all weekly arrivals: a category drawn deep every month (as
    /// French was in 2024-2026) is refilled faster than its share of the pool suggests, or its
    /// rounds could not keep their size.
    pub(super) fn classes(&self, rng: &mut ChaCha8Rng) -> Vec<(Eligibility, f64, f64)> {
        let share = |name: &str, rng: &mut ChaCha8Rng| {
            self.scenario.shares.get(name).map_or(0.0, |s| {
                let x = Normal::new(s.mean, s.spread.max(1e-12)).map_or(s.mean, |n| n.sample(rng));
                x.clamp(0.0005, 1.0)
            })
        };
        let cec = share("cec", rng);
        let fsw = share("fsw", rng);
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
        let mut cats: Vec<(Eligibility, f64, f64)> = self
            .class_categories
            .iter()
            .zip(&self.throughput)
            .map(|((n, e), flow)| {
                let s = share(n, rng);
                (*e, s, s.max(*flow))
            })
            .collect();
        for pick in [1, 2] {
            let total: f64 = cats.iter().map(|c| if pick == 1 { c.1 } else { c.2 }).sum();
            if total > 0.95 {
                for c in &mut cats {
                    if pick == 1 {
                        c.1 *= 0.95 / total
                    } else {
                        c.2 *= 0.95 / total
                    }
                }
            }
        }
        let none = (1.0 - cats.iter().map(|c| c.1).sum::<f64>()).max(0.0);
        let none_arriving = (1.0 - cats.iter().map(|c| c.2).sum::<f64>()).max(0.0);
        let program_total: f64 = programs.iter().map(|p| p.1).sum();
        // Classes that no round, focal candidate or probe tells apart are merged: it keeps the
        // pool small without changing any round.
        let mut out: Vec<(Eligibility, f64, f64)> = Vec::new();
        for (pe, pw) in programs {
            let base = std::iter::once((Eligibility::none(), none, none_arriving));
            for (ce, cw, aw) in base.chain(cats.iter().copied()) {
                let (w, a) = (pw / program_total * cw, pw / program_total * aw);
                let e = Eligibility::from_bits((pe.bits() | ce.bits()) & self.relevant);
                match out.iter_mut().find(|c| c.0 == e) {
                    Some(c) => {
                        c.1 += w;
                        c.2 += a;
                    }
                    None if w > 0.0 || a > 0.0 => out.push((e, w, a)),
                    None => {}
                }
            }
        }
        out
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
            (Engine::Fluid, false) => super::fluid::sample(self, rng),
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
    pub(super) fn end(&self) -> Timestamp {
        self.start
            .plus_days(i64::from(self.horizon_days) + 1)
            .plus_seconds(-1)
    }

    /// The rounds of one run, every family's, in family order then time: from the day after
    /// the scenario's date (it knows nothing dated on or after it, and a round that day has
    /// already happened or not) to the end of its last day.
    pub(super) fn rounds_of_run(&self, rng: &mut ChaCha8Rng) -> Vec<DrawSpec> {
        let sc = self.scenario;
        let end = self.end();
        let first_day = self.start.plus_days(1);
        let mut out = Vec::new();
        for (family, plan) in &sc.draws {
            let target = match sc.target(family) {
                Ok(crate::Target::Category(_)) => match self.categories.id(family) {
                    Ok(id) => crate::Target::Category(id),
                    Err(_) => continue,
                },
                Ok(other) => other,
                Err(_) => continue,
            };
            for (date, size) in rounds(plan, self.start, end, rng) {
                let at = Timestamp::start_of_day(date).plus_seconds(ROUND_SECOND_OF_DAY);
                if at >= first_day && at <= end {
                    out.push(DrawSpec::new(at, target, size));
                }
            }
        }
        out
    }

    /// This run's multiplier of the arrival rate, at most four spreads above 1 (the margin
    /// `ScenarioRun::new`'s size guard allows, so that no run passes it).
    pub(super) fn arrival_rate(&self, rng: &mut ChaCha8Rng) -> f64 {
        let z = Normal::new(0.0, 1.0).map_or(0.0, |n| n.sample(rng));
        let spread = self.scenario.arrival_spread;
        (1.0 + spread * z).max(0.0).min(1.0 + 4.0 * spread)
    }

    /// One run through the exact pool.
    fn sample_exact(&self, rng: &mut ChaCha8Rng) -> RunReport {
        let sc = self.scenario;
        let start = self.start;
        let end = self.end();
        let validity = Period::months(sc.validity_months).unwrap_or(Period::TWELVE_MONTHS);
        let span = start.as_second() - validity.latest_start_ended_by(start).as_second();
        let classes = self.classes(rng);
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

/// The rounds of one family in a run: resampled after its last real round, or fixed.
fn rounds(
    plan: &DrawPlan,
    start: Timestamp,
    end: Timestamp,
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
            let mut at = Timestamp::start_of_day(*last);
            let pick = |v: &[u32], rng: &mut ChaCha8Rng| v[rng.random_range(0..v.len())];
            if gaps_days.is_empty() || sizes.is_empty() {
                return out;
            }
            while at <= end {
                at = at.plus_days(i64::from(pick(gaps_days, rng)));
                if at >= start && at <= end {
                    out.push((at.date(), pick(sizes, rng)));
                }
            }
            out
        }
    }
}
