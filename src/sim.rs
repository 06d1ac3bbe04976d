//! One simulation run: a clock advanced through events, tracking one focal candidate.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::candidate::Candidate;
use crate::draw::{DrawSpec, Target};
use crate::error::{ErrorKind, Result};
use crate::ita::{Invitation, Resolution, Response, ResponseModel};
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
            Event::Withdrawals { at, .. } | Event::ScoreChange { at, .. } => *at,
        }
    }

    /// The place of this kind of event among those at one instant (see [`Simulation`]).
    fn rank(&self) -> u8 {
        match self {
            Event::Withdrawals { .. } => 3,
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
    /// [`ErrorKind::InvalidSimulation`] when the end precedes the start, an event falls
    /// outside `[start, end]`, an arrival is empty, a score change comes without a focal
    /// candidate or before its submission, the focal candidate's id is already used in the
    /// pool or by an arrival, or the pool and arrivals together pass `u32::MAX` candidates.
    pub fn build(self) -> Result<Simulation> {
        let mut sim = self.sim;
        let invalid = |what, expected: String, found: String| -> crate::Error {
            ErrorKind::InvalidSimulation {
                what,
                expected,
                found,
            }
            .into()
        };
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
                Event::Draw(_) | Event::Withdrawals { .. } => {}
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
            let clash = sim.pool.cohorts().any(|c| c.id == id)
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

/// A summary of one round held in a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawRecord {
    /// When.
    pub at: Timestamp,
    /// Who it targeted.
    pub target: Target,
    /// The size asked for.
    pub requested: u32,
    /// How many were invited.
    pub invited: u64,
    /// The lowest score invited.
    pub cutoff: Option<CrsScore>,
    /// The submission time of the last invited.
    pub tie_break: Option<Timestamp>,
}

impl DrawRecord {
    /// Whether fewer were eligible than the round's size, so that it invited every eligible
    /// candidate in the pool.
    #[must_use]
    pub fn is_short(&self) -> bool {
        self.invited < u64::from(self.requested)
    }
}

/// An invitation the focal candidate received.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FocalInvitation {
    /// When.
    pub at: Timestamp,
    /// The round's index in [`RunReport::draws`].
    pub draw: usize,
    /// The focal candidate's score then.
    pub score: CrsScore,
    /// The round's cut-off.
    pub cutoff: CrsScore,
    /// The round's tie-break time.
    pub tie_break: Timestamp,
}

/// Where the focal candidate stands at the end of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FocalFate {
    /// The profile was submitted after the end.
    NotArrived,
    /// In the pool, waiting.
    Waiting,
    /// Invited, with the response still to come.
    AwaitingResponse,
    /// Applied for permanent residence.
    Applied,
    /// The profile expired (in the pool, or before a decline).
    ProfileExpired,
    /// The invitation lapsed unanswered.
    ItaLapsed,
}

/// What happened to the focal candidate in a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FocalReport {
    /// Every invitation received, in time order.
    pub invitations: Vec<FocalInvitation>,
    /// Where the candidate stands at the end.
    pub fate: FocalFate,
    /// The candidate's score at the end.
    pub score: CrsScore,
}

impl FocalReport {
    /// The first invitation, if any.
    #[must_use]
    pub fn first_invitation(&self) -> Option<&FocalInvitation> {
        self.invitations.first()
    }
}

/// Where every candidate of a run went: its counts always balance (see
/// [`Ledger::is_balanced`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    /// Candidates in the start pool plus every arrival.
    pub arrived: u64,
    /// In the pool at the end.
    pub in_pool: u64,
    /// Invited, with the response still to come at the end.
    pub awaiting_response: u64,
    /// Applied for permanent residence.
    pub applied: u64,
    /// Profiles that expired (in the pool, or before a decline).
    pub profile_expired: u64,
    /// Invitations that lapsed unanswered.
    pub ita_lapsed: u64,
    /// Withdrew from the pool.
    pub withdrawn: u64,
    /// Invitations issued (a candidate who declined may be invited again).
    pub invited: u64,
    /// Declines that returned a candidate to the pool.
    pub returned: u64,
}

impl Ledger {
    /// Whether `arrived = in_pool + awaiting_response + applied + profile_expired +
    /// ita_lapsed + withdrawn`.
    #[must_use]
    pub fn is_balanced(&self) -> bool {
        self.arrived
            == self.in_pool
                + self.awaiting_response
                + self.applied
                + self.profile_expired
                + self.ita_lapsed
                + self.withdrawn
    }
}

/// Everything a run produced.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[must_use]
pub struct RunReport {
    /// Every round held, in order.
    pub draws: Vec<DrawRecord>,
    /// The focal candidate's story, when the run follows one.
    pub focal: Option<FocalReport>,
    /// Where every candidate went.
    pub ledger: Ledger,
}

/// A response waiting for its instant.
#[derive(Clone, Copy, Debug)]
struct Pending {
    at: Timestamp,
    seq: u64,
    invitation: Invitation,
    response: Option<Response>,
    focal: bool,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// The focal candidate's state during a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FocalState {
    Outside(FocalFate),
    InPool,
    Invited,
}

impl Simulation {
    /// Runs the simulation once, taking all randomness from `rng`.
    pub fn run<R: Rng + ?Sized>(&self, rng: &mut R) -> RunReport {
        Run::new(self).go(rng)
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

/// The state of one run.
struct Run<'a> {
    sim: &'a Simulation,
    pool: Pool,
    pending: BinaryHeap<Reverse<Pending>>,
    seq: u64,
    report: RunReport,
    focal: Option<(Candidate, FocalState)>,
}

impl<'a> Run<'a> {
    fn new(sim: &'a Simulation) -> Self {
        let focal = sim.focal.map(|f| {
            let state = if f.candidate.submitted_at <= sim.start {
                FocalState::InPool
            } else {
                FocalState::Outside(FocalFate::NotArrived)
            };
            (f.candidate, state)
        });
        Run {
            sim,
            pool: sim.pool.clone(),
            pending: BinaryHeap::new(),
            seq: 0,
            report: RunReport {
                ledger: Ledger {
                    arrived: sim.pool.len(),
                    ..Ledger::default()
                },
                ..RunReport::default()
            },
            focal,
        }
    }

    fn go<R: Rng + ?Sized>(mut self, rng: &mut R) -> RunReport {
        let events = &self.sim.events;
        let mut next_event = 0;
        loop {
            let event_at = events.get(next_event).map(Event::at);
            let response_at = self.pending.peek().map(|p| p.0.at);
            let now = match (event_at, response_at) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => break,
            };
            if now > self.sim.end {
                break;
            }
            self.expire(now);
            while let Some(p) = self.pending.peek().filter(|p| p.0.at == now).map(|p| p.0) {
                self.pending.pop();
                self.resolve(p);
            }
            while let Some(event) = events.get(next_event).filter(|e| e.at() == now) {
                next_event += 1;
                self.apply(event, rng);
            }
        }
        self.expire(self.sim.end);
        self.finish()
    }

    fn expire(&mut self, now: Timestamp) {
        let focal = &mut self.focal;
        let expired = self.pool.expire_with(now, |c| {
            if let Some((f, state)) = focal.as_mut()
                && c.id == f.id
                && *state == FocalState::InPool
            {
                *state = FocalState::Outside(FocalFate::ProfileExpired);
            }
        });
        self.report.ledger.profile_expired += expired;
    }

    fn apply<R: Rng + ?Sized>(&mut self, event: &Event, rng: &mut R) {
        match *event {
            Event::Arrival(cohort) => {
                if let Some((f, state)) = self.focal.as_mut()
                    && cohort.id == f.id
                {
                    *state = FocalState::InPool;
                    // The focal candidate arrives with its current score.
                    let score = f.score;
                    self.add(cohort.with_count(1).rescored(score));
                    self.report.ledger.arrived += 1;
                    return;
                }
                self.add(cohort);
                self.report.ledger.arrived += u64::from(cohort.count);
            }
            Event::Withdrawals { probability, .. } => {
                let keep = self.focal.map(|(f, _)| f.id);
                self.report.ledger.withdrawn += self.pool.withdraw_random(probability, keep, rng);
            }
            Event::ScoreChange { score, .. } => self.rescore_focal(score),
            Event::Draw(spec) => self.draw(&spec, rng),
        }
    }

    fn add(&mut self, cohort: Cohort) {
        // `build` bounds the candidates of a run below u32::MAX, so no cohort can overflow.
        let added = self.pool.add(cohort);
        debug_assert!(added.is_ok(), "{added:?}");
    }

    fn rescore_focal(&mut self, score: CrsScore) {
        let Some((f, state)) = self.focal.as_mut() else {
            return;
        };
        let before = Cohort::from(*f);
        f.score = score;
        if *state == FocalState::InPool {
            let moved = self.pool.remove(&before);
            debug_assert!(
                moved.is_ok(),
                "the focal candidate is in the pool: {moved:?}"
            );
            let after = Cohort::from(*f);
            self.add(after);
        }
    }

    fn draw<R: Rng + ?Sized>(&mut self, spec: &DrawSpec, rng: &mut R) {
        let outcome = self.pool.draw(spec);
        let index = self.report.draws.len();
        self.report.draws.push(DrawRecord {
            at: spec.at,
            target: spec.target,
            requested: spec.size,
            invited: outcome.invited,
            cutoff: outcome.cutoff,
            tie_break: outcome.tie_break,
        });
        self.report.ledger.invited += outcome.invited;
        let focal_id = self.focal.map(|(f, _)| f.id);
        for &invitee in &outcome.invitees {
            let invitation = Invitation::issue(invitee, spec.at, self.sim.deadline);
            if Some(invitee.id) == focal_id {
                self.invite_focal(invitation, index, &outcome, rng);
                continue;
            }
            let split = self.sim.responses.split(invitee.count, rng);
            for (count, response) in [
                (split.apply, Some(Response::Apply)),
                (split.decline, Some(Response::Decline)),
                (split.no_response, None),
            ] {
                if count > 0 {
                    let part = Invitation {
                        cohort: invitee.with_count(count),
                        ..invitation
                    };
                    self.schedule(part, response, false, rng);
                }
            }
        }
    }

    fn invite_focal<R: Rng + ?Sized>(
        &mut self,
        invitation: Invitation,
        draw: usize,
        outcome: &crate::DrawOutcome,
        rng: &mut R,
    ) {
        let Some((f, state)) = self.focal.as_mut() else {
            return;
        };
        *state = FocalState::Invited;
        let focal = self.report.focal.get_or_insert_with(|| FocalReport {
            invitations: Vec::new(),
            fate: FocalFate::AwaitingResponse,
            score: f.score,
        });
        if let (Some(cutoff), Some(tie_break)) = (outcome.cutoff, outcome.tie_break) {
            focal.invitations.push(FocalInvitation {
                at: invitation.issued_at,
                draw,
                score: f.score,
                cutoff,
                tie_break,
            });
        }
        let response = match self.sim.focal.map(|f| f.response).unwrap_or_default() {
            FocalResponse::Apply => Some(Response::Apply),
            FocalResponse::Decline => Some(Response::Decline),
            FocalResponse::LikeOthers => {
                let s = self.sim.responses.split(1, rng);
                if s.apply == 1 {
                    Some(Response::Apply)
                } else if s.decline == 1 {
                    Some(Response::Decline)
                } else {
                    None
                }
            }
        };
        self.schedule(invitation, response, true, rng);
    }

    fn schedule<R: Rng + ?Sized>(
        &mut self,
        invitation: Invitation,
        response: Option<Response>,
        focal: bool,
        rng: &mut R,
    ) {
        let at = match response {
            Some(_) => ResponseModel::response_time(&invitation, rng),
            None => invitation.deadline,
        };
        self.seq += 1;
        self.pending.push(Reverse(Pending {
            at,
            seq: self.seq,
            invitation,
            response,
            focal,
        }));
    }

    fn resolve(&mut self, p: Pending) {
        let mut invitation = p.invitation;
        if p.focal
            && let Some((f, _)) = self.focal
        {
            // A score change while invited applies when the candidate returns.
            invitation.cohort = invitation.cohort.rescored(f.score);
        }
        let resolution = match p.response {
            None => invitation.lapse(),
            Some(r) => invitation
                .respond(r, p.at, &mut self.pool)
                .unwrap_or_else(|_| invitation.lapse()),
        };
        let n = u64::from(invitation.cohort.count);
        let ledger = &mut self.report.ledger;
        let fate = match resolution {
            Resolution::Applied => {
                ledger.applied += n;
                FocalState::Outside(FocalFate::Applied)
            }
            Resolution::ReturnedToPool => {
                ledger.returned += n;
                FocalState::InPool
            }
            Resolution::ProfileExpired => {
                ledger.profile_expired += n;
                FocalState::Outside(FocalFate::ProfileExpired)
            }
            Resolution::Lapsed => {
                ledger.ita_lapsed += n;
                FocalState::Outside(FocalFate::ItaLapsed)
            }
        };
        if p.focal
            && let Some((_, state)) = self.focal.as_mut()
        {
            *state = fate;
        }
    }

    fn finish(mut self) -> RunReport {
        let ledger = &mut self.report.ledger;
        ledger.in_pool = self.pool.len();
        ledger.awaiting_response = self
            .pending
            .iter()
            .map(|p| u64::from(p.0.invitation.cohort.count))
            .sum();
        if let Some((f, state)) = self.focal {
            let fate = match state {
                FocalState::Outside(fate) => fate,
                FocalState::InPool => FocalFate::Waiting,
                FocalState::Invited => FocalFate::AwaitingResponse,
            };
            let report = self.report.focal.get_or_insert_with(|| FocalReport {
                invitations: Vec::new(),
                fate,
                score: f.score,
            });
            report.fate = fate;
            report.score = f.score;
        }
        self.report
    }
}

impl Cohort {
    /// The same cohort at another score.
    fn rescored(self, score: CrsScore) -> Self {
        Cohort { score, ..self }
    }
}
