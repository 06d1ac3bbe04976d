//! The clock of one run: events in their documented order, ITA responses, the focal candidate.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::{Rng, RngExt};

use super::report::{FocalFate, FocalInvitation, FocalReport, Ledger, RunReport};
use super::{Event, FocalResponse, Simulation};
use crate::candidate::Candidate;
use crate::draw::{DrawRecord, DrawSpec};
use crate::ita::{Invitation, Resolution, Response, ResponseModel};
use crate::pool::{Cohort, Pool, systematic};
use crate::score::CrsScore;
use crate::time::Timestamp;

/// What falls due at a pending instant.
#[derive(Clone, Copy, Debug)]
enum Due {
    /// The appliers of one round (they leave for good; only the ledger needs them).
    Applied(u64),
    /// The non-responders of one round, at its deadline.
    Lapsed(u64),
    /// Decliners, who return to the pool if their profile is still valid.
    Declined(Invitation),
    /// The focal candidate's response (`None`: none, at the deadline).
    Focal(Invitation, Option<Response>),
}

impl Due {
    fn count(&self) -> u64 {
        match self {
            Due::Applied(n) | Due::Lapsed(n) => *n,
            Due::Declined(i) | Due::Focal(i, _) => u64::from(i.cohort.count),
        }
    }
}

/// A response waiting for its instant; pending responses fall due in (instant, sequence)
/// order.
#[derive(Clone, Copy, Debug)]
struct Pending {
    at: Timestamp,
    seq: u64,
    due: Due,
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

/// The state of one run.
pub(super) struct Run<'a> {
    sim: &'a Simulation,
    pool: Pool,
    pending: BinaryHeap<Reverse<Pending>>,
    seq: u64,
    report: RunReport,
    focal: Option<(Candidate, FocalState)>,
    /// Scratch: the cohorts a round invites.
    invitees: Vec<Cohort>,
}

impl<'a> Run<'a> {
    /// A run of `sim` from `pool` (the simulation's start pool, or a copy of it).
    pub(super) fn new(sim: &'a Simulation, pool: Pool) -> Self {
        let focal = sim.focal.map(|f| {
            let state = if f.candidate.submitted_at <= sim.start {
                FocalState::InPool
            } else {
                FocalState::Outside(FocalFate::NotArrived)
            };
            (f.candidate, state)
        });
        let arrived = pool.len();
        Run {
            sim,
            pool,
            pending: BinaryHeap::new(),
            seq: 0,
            report: RunReport {
                ledger: Ledger {
                    arrived,
                    ..Ledger::default()
                },
                ..RunReport::default()
            },
            focal,
            invitees: Vec::new(),
        }
    }

    pub(super) fn go<R: Rng + ?Sized>(mut self, rng: &mut R) -> RunReport {
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
            Event::Departure { cohort, .. } => {
                self.report.ledger.withdrawn += self.pool.remove_available(&cohort);
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

    /// Holds a round and decides how its invitees respond.
    ///
    /// Responses are spread along the invitees systematically: with a decline share `d`,
    /// the `j`-th invitee of the round declines when `floor((j + 1)·d + u) > floor(j·d + u)`
    /// for one uniform `u` per round; likewise for non-responses among the rest. Each
    /// candidate thus declines with probability `d`, and a round of any number of cohorts
    /// costs two random numbers, not a binomial draw per cohort.
    fn draw<R: Rng + ?Sized>(&mut self, spec: &DrawSpec, rng: &mut R) {
        let mut invitees = std::mem::take(&mut self.invitees);
        invitees.clear();
        let record = self.pool.draw_each(spec, |c| invitees.push(c));
        let index = self.report.draws.len();
        self.report.draws.push(record);
        self.report.ledger.invited += record.invited;
        let focal_id = self.focal.map(|(f, _)| f.id);
        let model = self.sim.responses;
        let (d, lapse) = (model.decline(), conditional_lapse(&model));
        let (u_d, u_l): (f64, f64) = if d > 0.0 || lapse > 0.0 {
            (rng.random(), rng.random())
        } else {
            (0.0, 0.0)
        };
        let (mut seen_d, mut seen_l, mut applied, mut lapsed) = (0, 0, 0, 0);
        for &c in &invitees {
            let invitation = Invitation::issue(c, spec.at, self.sim.deadline);
            if Some(c.id) == focal_id {
                self.invite_focal(invitation, index, &record, rng);
                continue;
            }
            let n = u64::from(c.count);
            let declined = systematic(seen_d, n, d, u_d);
            seen_d += n;
            let rest = n - declined;
            let gone = systematic(seen_l, rest, lapse, u_l);
            seen_l += rest;
            applied += rest - gone;
            lapsed += gone;
            if let Ok(k) = u32::try_from(declined)
                && k > 0
            {
                let part = Invitation {
                    cohort: c.with_count(k),
                    ..invitation
                };
                let at = ResponseModel::response_time(&part, rng);
                self.schedule(at, Due::Declined(part));
            }
        }
        let deadline = self.sim.deadline.after(spec.at);
        if applied > 0 {
            let window = Invitation::issue(invitees[0], spec.at, self.sim.deadline);
            let at = ResponseModel::response_time(&window, rng);
            self.schedule(at, Due::Applied(applied));
        }
        if lapsed > 0 {
            self.schedule(deadline, Due::Lapsed(lapsed));
        }
        self.invitees = invitees;
    }

    fn invite_focal<R: Rng + ?Sized>(
        &mut self,
        invitation: Invitation,
        draw: usize,
        record: &DrawRecord,
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
            application: None,
        });
        if let (Some(cutoff), Some(tie_break)) = (record.cutoff, record.tie_break) {
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
        let at = match response {
            Some(_) => ResponseModel::response_time(&invitation, rng),
            None => invitation.deadline,
        };
        self.schedule(at, Due::Focal(invitation, response));
    }

    fn schedule(&mut self, at: Timestamp, due: Due) {
        self.seq += 1;
        self.pending.push(Reverse(Pending {
            at,
            seq: self.seq,
            due,
        }));
    }

    fn resolve(&mut self, p: Pending) {
        let ledger = &mut self.report.ledger;
        let (mut invitation, response, focal) = match p.due {
            Due::Applied(n) => {
                ledger.applied += n;
                return;
            }
            Due::Lapsed(n) => {
                ledger.ita_lapsed += n;
                return;
            }
            Due::Declined(i) => (i, Some(Response::Decline), false),
            Due::Focal(i, r) => (i, r, true),
        };
        if focal && let Some((f, _)) = self.focal {
            // A score change while invited applies when the candidate returns.
            invitation.cohort = invitation.cohort.rescored(f.score);
        }
        let resolution = match response {
            None => invitation.lapse(),
            Some(r) => invitation
                .respond(r, p.at, &mut self.pool)
                .unwrap_or_else(|_| invitation.lapse()),
        };
        let n = u64::from(invitation.cohort.count);
        let ledger = &mut self.report.ledger;
        let state = match resolution {
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
        if focal && let Some((_, s)) = self.focal.as_mut() {
            *s = state;
        }
    }

    fn finish(mut self) -> RunReport {
        let ledger = &mut self.report.ledger;
        ledger.in_pool = self.pool.len();
        ledger.awaiting_response = self.pending.iter().map(|p| p.0.due.count()).sum();
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
                application: None,
            });
            report.fate = fate;
            report.score = f.score;
        }
        self.report
    }
}

/// The chance of no response among those who do not decline.
fn conditional_lapse(model: &ResponseModel) -> f64 {
    let rest = model.apply() + model.no_response();
    if rest > 0.0 {
        model.no_response() / rest
    } else {
        0.0
    }
}

impl Cohort {
    /// The same cohort at another score.
    fn rescored(self, score: CrsScore) -> Self {
        Cohort { score, ..self }
    }
}
