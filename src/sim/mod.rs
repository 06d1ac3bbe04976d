//! One simulation run: a clock advanced through events, tracking one focal candidate.

pub(crate) mod fluid;
mod report;
mod run;

pub use report::{FocalFate, FocalInvitation, FocalReport, Ledger, RunReport};

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::candidate::Candidate;
use crate::draw::DrawSpec;
use crate::error::Result;
use crate::ita::ResponseModel;
use crate::pool::{Cohort, Pool};
use crate::probability::Probability;
use crate::score::CrsScore;
use crate::time::{Period, Timestamp};

/// Something that happens at an instant of a run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Profiles enter the pool; the instant is the cohort's submission time.
    Arrival(Cohort),
    /// A round of invitations.
    Draw(DrawSpec),
    /// Every waiting candidate but the focal one withdraws with this probability.
    Withdrawals {
        /// When.
        at: Timestamp,
        /// Each candidate's chance of withdrawing.
        probability: Probability,
    },
    /// What is left of a cohort leaves the pool (its residence in a family's pool has ended);
    /// those invited or gone already are not touched. Counted as withdrawn.
    Departure {
        /// When.
        at: Timestamp,
        /// The cohort as it arrived.
        cohort: Cohort,
    },
    /// The focal candidate's score changes (a birthday, a new test result, a nomination).
    ScoreChange {
        /// When.
        at: Timestamp,
        /// The new score.
        score: CrsScore,
    },
}

impl Event {
    /// When the event happens.
    #[must_use]
    pub fn at(&self) -> Timestamp {
        match self {
            Event::Arrival(c) => c.submitted_at,
            Event::Draw(d) => d.at,
            Event::Withdrawals { at, .. }
            | Event::ScoreChange { at, .. }
            | Event::Departure { at, .. } => *at,
        }
    }

    /// The place of this kind of event among those at one instant (see [`Simulation`]).
    fn rank(&self) -> u8 {
        match self {
            Event::Withdrawals { .. } | Event::Departure { .. } => 3,
            Event::ScoreChange { .. } => 4,
            Event::Arrival(_) => 5,
            Event::Draw(_) => 6,
        }
    }
}

/// How the focal candidate answers an invitation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FocalResponse {
    /// Applies (the default: the candidate wants permanent residence).
    #[default]
    Apply,
    /// Declines, returning to the pool while the profile is valid.
    Decline,
    /// Responds as the simulation's [`ResponseModel`] says for everyone.
    LikeOthers,
}

/// The candidate a run follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Focal {
    /// The candidate, as at submission.
    pub candidate: Candidate,
    /// How the candidate answers an invitation.
    pub response: FocalResponse,
}

/// A prepared simulation: a start pool, a schedule of events and the rules for invitations.
///
/// One `Simulation` serves any number of runs; each [`Simulation::run`] starts from a copy of
/// the pool and takes its randomness only from the RNG it is given.
///
/// # Order of events
/// At each instant of a run, in this order:
/// 1. profiles whose validity has ended by that instant leave the pool (expiry);
/// 2. invitation responses due then: applications, declines (the candidate returns to the
///    pool if the profile is still valid at that instant), and lapses at a deadline;
/// 3. withdrawals;
/// 4. score changes of the focal candidate;
/// 5. arrivals;
/// 6. rounds.
///
/// Events of one kind at one instant happen in the order they were given. Responses fall
/// strictly after the round that invited (uniformly over the open window between the round
/// and its deadline) and lapses exactly at the deadline, so nobody invited by a round comes
/// back before another round at the same instant. Events after the end are not run; at the
/// end, profiles that expired by then leave the pool.
///
/// # Example
/// ```
/// use eesim::{Candidate, CandidateId, CrsScore, DrawSpec, Eligibility, Event, Focal,
///     FocalResponse, Pool, Program, SimulationBuilder, Target};
/// use rand::SeedableRng;
///
/// let cec = Eligibility::none().with_program(Program::Cec);
/// let focal = Candidate {
///     id: CandidateId(0),
///     score: CrsScore::new(530)?,
///     submitted_at: "2026-01-15T00:00:00Z".parse()?,
///     eligibility: cec,
/// };
/// let sim = SimulationBuilder::new(Pool::new(), "2026-01-01T00:00:00Z".parse()?, "2026-07-01T00:00:00Z".parse()?)
///     .event(Event::Draw(DrawSpec::new("2026-02-01T12:00:00Z".parse()?, Target::program(eesim::Program::Cec), 3000)))
///     .focal(Focal { candidate: focal, response: FocalResponse::Apply })
///     .build()?;
/// let report = sim.run(&mut rand_chacha::ChaCha8Rng::seed_from_u64(7));
/// let first = report.focal.as_ref().and_then(|f| f.first_invitation()).expect("invited");
/// assert_eq!(first.at.to_string(), "2026-02-01T12:00:00Z");
/// assert!(report.ledger.is_balanced());
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Simulation {
    pool: Pool,
    start: Timestamp,
    end: Timestamp,
    events: Vec<Event>,
    focal: Option<Focal>,
    deadline: Period,
    responses: ResponseModel,
}

/// Assembles a [`Simulation`]; [`SimulationBuilder::build`] validates it.
#[derive(Clone, Debug)]
#[must_use]
pub struct SimulationBuilder {
    sim: Simulation,
}

impl SimulationBuilder {
    /// A simulation from `start` to `end` over `pool`, with no events yet, a 60-day ITA
    /// deadline and every invited candidate applying.
    pub fn new(pool: Pool, start: Timestamp, end: Timestamp) -> Self {
        SimulationBuilder {
            sim: Simulation {
                pool,
                start,
                end,
                events: Vec::new(),
                focal: None,
                deadline: Period::SIXTY_DAYS,
                responses: ResponseModel::ALL_APPLY,
            },
        }
    }

    /// Adds an event.
    pub fn event(mut self, event: Event) -> Self {
        self.sim.events.push(event);
        self
    }

    /// Adds events.
    pub fn events(mut self, events: impl IntoIterator<Item = Event>) -> Self {
        self.sim.events.extend(events);
        self
    }

    /// Follows `focal`: it enters the pool at its submission time (or at the start, if it
    /// submitted before).
    pub fn focal(mut self, focal: Focal) -> Self {
        self.sim.focal = Some(focal);
        self
    }

    /// How long invited candidates have to respond (60 days unless set).
    pub fn ita_deadline(mut self, deadline: Period) -> Self {
        self.sim.deadline = deadline;
        self
    }

    /// How invited candidates other than the focal one respond (all apply unless set).
    pub fn responses(mut self, responses: ResponseModel) -> Self {
        self.sim.responses = responses;
        self
    }

    /// Validates and prepares the simulation.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSimulation`](crate::ErrorKind::InvalidSimulation) when the end precedes the start, an event falls
    /// outside `[start, end]`, an arrival is empty, a score change comes without a focal
    /// candidate or before its submission, the focal candidate's id is already used in the
    /// pool or by an arrival, or the pool and arrivals together pass `u32::MAX` candidates.
    pub fn build(self) -> Result<Simulation> {
        let mut sim = self.sim;
        let invalid = crate::error::invalid_simulation;
        if sim.end < sim.start {
            return Err(invalid(
                "end",
                format!("at or after the start {}", sim.start),
                sim.end.to_string(),
            ));
        }
        let mut total = sim.pool.len();
        for (i, e) in sim.events.iter().enumerate() {
            if e.at() < sim.start || e.at() > sim.end {
                return Err(invalid(
                    "event time",
                    format!("from {} to {}", sim.start, sim.end),
                    format!("{} (event {i})", e.at()),
                ));
            }
            match e {
                Event::Arrival(c) if c.count == 0 => {
                    return Err(invalid(
                        "arrival",
                        "at least 1 candidate".into(),
                        format!("0 (event {i})"),
                    ));
                }
                Event::Arrival(c) => total += u64::from(c.count),
                Event::ScoreChange { at, .. } => match &sim.focal {
                    None => {
                        return Err(invalid(
                            "score change",
                            "a focal candidate".into(),
                            format!("none (event {i})"),
                        ));
                    }
                    Some(f) if *at < f.candidate.submitted_at => {
                        return Err(invalid(
                            "score change",
                            format!(
                                "at or after the focal submission {}",
                                f.candidate.submitted_at
                            ),
                            format!("{at} (event {i})"),
                        ));
                    }
                    Some(_) => {}
                },
                Event::Draw(_) | Event::Withdrawals { .. } | Event::Departure { .. } => {}
            }
        }
        if total + 1 > u64::from(u32::MAX) {
            return Err(invalid(
                "size",
                "at most 4294967294 candidates".into(),
                total.to_string(),
            ));
        }
        if let Some(f) = sim.focal {
            let id = f.candidate.id;
            let clash = sim.pool.contains_id(id)
                || sim
                    .events
                    .iter()
                    .any(|e| matches!(e, Event::Arrival(c) if c.id == id));
            if clash {
                return Err(invalid(
                    "focal candidate",
                    "an id used by nobody else".into(),
                    id.to_string(),
                ));
            }
            if f.candidate.submitted_at <= sim.start {
                sim.pool.add_candidate(f.candidate)?;
            } else if f.candidate.submitted_at <= sim.end {
                sim.events.push(Event::Arrival(Cohort::from(f.candidate)));
            }
        }
        // A stable sort keeps events of one kind at one instant in the order given.
        sim.events.sort_by_key(|e| (e.at(), e.rank()));
        Ok(sim)
    }
}

impl Simulation {
    /// Runs the simulation once, taking all randomness from `rng`.
    pub fn run<R: Rng + ?Sized>(&self, rng: &mut R) -> RunReport {
        run::Run::new(self, self.pool.clone()).go(rng)
    }

    /// Runs the simulation once, consuming it: saves copying the start pool when a
    /// simulation is built for one run only.
    pub fn into_run<R: Rng + ?Sized>(mut self, rng: &mut R) -> RunReport {
        let pool = std::mem::replace(&mut self.pool, Pool::placeholder());
        run::Run::new(&self, pool).go(rng)
    }

    /// When the run starts.
    #[must_use]
    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// When the run ends.
    #[must_use]
    pub fn end(&self) -> Timestamp {
        self.end
    }

    /// The start pool (including the focal candidate, if submitted by the start).
    #[must_use]
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The events, in the order they happen.
    #[must_use]
    pub fn events(&self) -> &[Event] {
        &self.events
    }
}

impl Event {
    /// The changes after the start as simulation events, each at UTC midnight
    /// ([`Timestamp::start_of_day`]) of its date. The starting score is the focal
    /// candidate's score at submission, so it is not an event.
    ///
    /// # Example
    /// ```
    /// use eesim::Event;
    /// use eesim::crs::{Profile, ScorePlan};
    /// use jiff::civil::date;
    ///
    /// let profile = Profile::from_toml(r#"
    ///     assessed_on = "2026-03-01"
    ///     birth_date = "1996-03-10"
    ///     education = "bachelors"
    ///     first_language = { test = "clb", listening = 9, reading = 9, writing = 9, speaking = 9 }
    /// "#)?;
    /// let path = ScorePlan::new(profile)?.path(date(2026, 12, 31))?;
    /// let events = Event::score_changes(&path);
    /// // 110 + 120 + 124 + (a) 25 = 379 at the start; 105 from the 30th birthday: 374.
    /// assert_eq!(events.len(), 1);
    /// let Event::ScoreChange { at, score } = events[0] else { unreachable!() };
    /// assert_eq!((at.to_string(), score.get()), ("2026-03-10T00:00:00Z".to_string(), 374));
    /// # Ok::<(), eesim::Error>(())
    /// ```
    #[must_use]
    pub fn score_changes(path: &crate::crs::ScorePath) -> Vec<Event> {
        path.points()
            .iter()
            .skip(1)
            .map(|(d, score)| Event::ScoreChange {
                at: Timestamp::start_of_day(*d),
                score: *score,
            })
            .collect()
    }
}
