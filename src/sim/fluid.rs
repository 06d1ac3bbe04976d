//! The fluid engine: the pool as masses per score and eligibility class, for fast scenarios.
//!
//! The exact engine moves integer cohorts through [`crate::Pool`]; a realistic scenario then
//! adds and removes some hundred thousand cohorts per run. Here each (class, score) cell holds
//! a real number of candidates instead, in two layers: the start pool (submitted uniformly
//! over the validity before the start, so it expires at a steady rate) and the arrivals since.
//! Expiry and withdrawals are scalar factors applied on reading (a cell stores its mass
//! divided by them), so time passes at no cost; a round walks the scores from the top and
//! empties the cells it reaches, taking the start pool before the arrivals at the cut-off
//! score, as the tie-break rule does. The focal candidate is followed individually against
//! each round's cut-off and tie-break, as a probe is (it takes no invitation from anyone).

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::candidate::Eligibility;
use crate::draw::{DrawRecord, DrawSpec, Target};
use crate::forecast::RefillPool;
use crate::ita::ResponseModel;
use crate::score::CrsScore;
use crate::sim::{FocalFate, FocalInvitation, FocalReport, FocalResponse, RunReport};
use crate::time::{Period, Timestamp};

/// The lowest score modelled: candidates at 300 or below are left out of the pool, since no
/// round in the calibrated schedules reaches them.
pub(crate) const FLOOR: u16 = 301;
/// The first score of provincial nominees (a nomination adds 600 points).
pub(crate) const NOMINEE_FROM: u16 = 601;

/// One run's input to the fluid engine, every random parameter of the run already drawn.
#[derive(Clone, Debug)]
pub(crate) struct FluidRun<'a> {
    /// When the run starts.
    pub(crate) start: Timestamp,
    /// The last second of its last day.
    pub(crate) end: Timestamp,
    /// How long a profile stays in the pool.
    pub(crate) validity: Period,
    /// The programs' eligibility classes, each with its weight in the start pool and among
    /// arrivals.
    pub(crate) classes: Vec<(Eligibility, f64, f64)>,
    /// Expected candidates per score in the start pool (scores 0 to 1,200).
    pub(crate) density: &'a [f64],
    /// Expected arrivals per week at each score.
    pub(crate) weekly: &'a [f64],
    /// This run's multiplier of the arrival rate.
    pub(crate) arrival_rate: f64,
    /// The families with a pool of their own: the target of their rounds, and their pool.
    pub(crate) families: Vec<(Target, RefillPool)>,
    /// Every round of the run, in any order.
    pub(crate) rounds: Vec<DrawSpec>,
    /// The targets whose rounds follow their previous cut-off in this run, and that cut-off
    /// (the scenario's combination): they keep their date and size and cut there.
    pub(crate) combined: Vec<(Target, u16)>,
    /// The weekly chance that a waiting candidate withdraws.
    pub(crate) withdrawal_per_week: f64,
    /// How invited candidates respond.
    pub(crate) responses: ResponseModel,
    /// The candidate followed, if any.
    pub(crate) focal: Option<FluidFocal>,
}

/// The candidate a fluid run follows.
#[derive(Clone, Debug)]
pub(crate) struct FluidFocal {
    /// The score at the start.
    pub(crate) score: CrsScore,
    /// Later changes of score.
    pub(crate) changes: Vec<(Timestamp, CrsScore)>,
    /// What the candidate is eligible for.
    pub(crate) eligibility: Eligibility,
    /// When the profile was submitted.
    pub(crate) submitted_at: Timestamp,
    /// How the candidate answers an invitation.
    pub(crate) response: FocalResponse,
}

const WEEK: i64 = 7 * 86_400;
/// Nominees (601 to 1,200) are kept in blocks of this many points: only provincial rounds
/// cut among them, and a walk down from 1,200 then takes 60 steps instead of 600.
const NOMINEE_BLOCK: usize = 10;
/// Rows of cells: one per score from 301 to 600, then the nominee blocks.
const ROWS: usize =
    (NOMINEE_FROM - FLOOR) as usize + (1200 - NOMINEE_FROM as usize + 1) / NOMINEE_BLOCK;

/// The row of a score (at least 301).
fn row_of(s: usize) -> usize {
    let (floor, nominee) = (usize::from(FLOOR), usize::from(NOMINEE_FROM));
    if s < nominee {
        s.saturating_sub(floor)
    } else {
        nominee - floor + (s - nominee) / NOMINEE_BLOCK
    }
}

/// The lowest and highest score of a row.
fn row_scores(r: usize) -> (usize, usize) {
    let (floor, nominee) = (usize::from(FLOOR), usize::from(NOMINEE_FROM));
    if r < nominee - floor {
        (floor + r, floor + r)
    } else {
        let lo = nominee + (r - (nominee - floor)) * NOMINEE_BLOCK;
        (lo, lo + NOMINEE_BLOCK - 1)
    }
}

/// One run through the fluid engine.
pub(crate) fn run(input: FluidRun<'_>, rng: &mut ChaCha8Rng) -> RunReport {
    let FluidRun {
        start,
        end,
        validity,
        classes,
        density,
        weekly,
        arrival_rate: rate,
        families,
        mut rounds,
        combined,
        withdrawal_per_week,
        responses,
        focal,
    } = input;
    let span = (start.as_second() - validity.latest_start_ended_by(start).as_second()).max(1);
    let (targets, mut families): (Vec<Target>, Vec<RefillPool>) = families.into_iter().unzip();
    // A general round empties the pools of the programs on the refill dynamics too.
    let programs: Vec<usize> = (0..targets.len())
        .filter(|k| matches!(targets[*k], Target::Programs(s) if s != crate::candidate::ProgramSet::ALL))
        .collect();
    let emptied_by = |t: Target| -> &[usize] {
        if t == Target::Programs(crate::candidate::ProgramSet::ALL) {
            &programs
        } else {
            &[]
        }
    };
    rounds.sort_by_key(|d| d.at);

    let mut state = State {
        classes: classes.iter().map(|c| c.0).collect(),
        weights: classes.iter().map(|c| c.2).collect(),
        weekly: rows(weekly),
        init: vec![0.0; classes.len() * ROWS],
        cut: vec![0.0; classes.len() * ROWS],
        arrived: 0.0,
        expired_upto: 0.0,
        next_to_expire: 0,
        validity,
        batches: Vec::new(),
        start: start.as_second(),
        span: span as f64,
        withdrawal: withdrawal_per_week,
    };
    let density = rows(density);
    for (c, (_, weight, _)) in classes.iter().enumerate() {
        for (r, d) in density.iter().enumerate() {
            state.init[r * classes.len() + c] = d * weight;
        }
    }
    let mut focal = focal.map(|f| Follow::new(f, validity));
    let mut report = RunReport::default();
    let mut returns: Vec<(Timestamp, Vec<(usize, f64)>)> = Vec::new();
    let decline = responses.decline();
    let mut next_round = 0;
    let mut week = 0_i64;
    loop {
        let arrival_at = start.plus_seconds(week * WEEK + 6 * 3600);
        let arrival_due = arrival_at < end;
        let return_at = returns.iter().map(|r| r.0).min();
        let round_at = rounds.get(next_round).map(|d| d.at);
        let Some(now) = [return_at, arrival_due.then_some(arrival_at), round_at]
            .into_iter()
            .flatten()
            .min()
        else {
            break;
        };
        if now > end {
            break;
        }
        state.expire_arrivals(now);
        // Responses, then arrivals, then rounds, as in the exact engine.
        if return_at == Some(now) {
            while let Some(k) = returns.iter().position(|r| r.0 == now) {
                let (_, cells) = returns.swap_remove(k);
                state.give_back(now, &cells);
            }
            continue;
        }
        if arrival_due && arrival_at == now {
            let days = (end.as_second() - now.as_second()).min(WEEK) as f64 / 86_400.0;
            state.arrive(now, rate * days / 7.0);
            week += 1;
            continue;
        }
        let spec = rounds[next_round];
        next_round += 1;
        if let Some(k) = targets.iter().position(|t| *t == spec.target) {
            let mut record = family_round(&mut families[k], &spec);
            empty(&mut families, emptied_by(spec.target), &record);
            combine(&mut record, &combined);
            if let Some(f) = focal.as_mut() {
                f.round(&record, report.draws.len(), rng, responses);
            }
            report.draws.push(record);
            continue;
        }
        let (mut record, removed) = state.draw(&spec, decline);
        empty(&mut families, emptied_by(spec.target), &record);
        combine(&mut record, &combined);
        if let Some(f) = focal.as_mut() {
            f.round(&record, report.draws.len(), rng, responses);
        }
        if !removed.is_empty() {
            let delay = rng.random_range(1..60);
            returns.push((spec.at.plus_days(delay), removed));
        }
        report.draws.push(record);
    }
    if let Some(f) = focal {
        report.focal = Some(f.finish(end));
    }
    report
}

/// A round of a family with a pool of its own: the refill pool takes from the top down.
fn family_round(pool: &mut RefillPool, spec: &DrawSpec) -> DrawRecord {
    let taken = pool.take(crate::forecast::day_of(spec.at), f64::from(spec.size));
    let invited = (taken.invited.round().max(0.0) as u64).min(u64::from(spec.size));
    let tie = (taken.tie_break_day * crate::forecast::DAY).floor() as i64;
    DrawRecord {
        at: spec.at,
        target: spec.target,
        requested: spec.size,
        invited,
        cutoff: taken
            .cutoff
            .and_then(|c| CrsScore::new(c).ok())
            .filter(|_| invited > 0),
        tie_break: Timestamp::from_second(tie.min(spec.at.as_second()))
            .ok()
            .filter(|_| invited > 0),
    }
}

/// A round's cut-off and tie-break empty the family pools `emptied` too (a general round, the
/// programs' pools on the refill dynamics).
fn empty(families: &mut [crate::forecast::RefillPool], emptied: &[usize], record: &DrawRecord) {
    if let (Some(c), Some(tie)) = (record.cutoff, record.tie_break) {
        let day = crate::forecast::day_of(record.at);
        for &k in emptied {
            families[k].observe(day, c.get(), Some(crate::forecast::day_of(tie)));
        }
    }
}

/// A round of a family that follows its previous cut-off in this run: it keeps its date and
/// size, and cuts at the run's cut-off, inviting everyone at it (its tie-break is the round).
fn combine(record: &mut DrawRecord, combined: &[(Target, u16)]) {
    if let Some(&(_, c)) = combined.iter().find(|f| f.0 == record.target) {
        record.cutoff = CrsScore::new(c).ok();
        record.tie_break = Some(record.at);
        record.invited = u64::from(record.requested);
    }
}

/// Per-score values summed into rows.
fn rows(per_score: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; ROWS];
    for (s, v) in per_score.iter().enumerate().skip(usize::from(FLOOR)) {
        out[row_of(s)] += v;
    }
    out
}

/// The pool as masses.
///
/// Arrivals keep one shape (a class's weight times the weekly arrivals at a score) and only
/// their amount grows, so they are one cumulative number, `arrived` (weeks of arrivals, each
/// divided by the withdrawal factor of its instant); a cell holds the arrivals after its own
/// `cut` in that count (a round that empties a cell moves its cut to `arrived`). An arrival
/// batch then costs nothing per cell.
struct State {
    classes: Vec<Eligibility>,
    weights: Vec<f64>,
    /// Weekly arrivals per row.
    weekly: Vec<f64>,
    /// Start-pool mass per (class, score), divided by the expiry and withdrawal factors.
    init: Vec<f64>,
    /// Per (class, score): the arrivals counted up to here have left the cell.
    cut: Vec<f64>,
    arrived: f64,
    /// Arrivals counted up to here have expired (their batch's validity has ended).
    expired_upto: f64,
    /// The first batch not yet expired.
    next_to_expire: usize,
    validity: Period,
    /// `arrived` after each batch, the batch's instant (for tie-breaks), and its expiry.
    batches: Vec<(f64, Timestamp, Timestamp)>,
    start: i64,
    span: f64,
    withdrawal: f64,
}

impl State {
    /// The share of the start pool not yet expired at `t`.
    fn unexpired(&self, t: Timestamp) -> f64 {
        (1.0 - (t.as_second() - self.start) as f64 / self.span).max(0.0)
    }

    /// The share not yet withdrawn at `t` of what was in the pool at the start.
    fn kept(&self, t: Timestamp) -> f64 {
        (1.0 - self.withdrawal).powf((t.as_second() - self.start) as f64 / WEEK as f64)
    }

    /// A batch of `weeks` weeks of arrivals at `t`.
    fn arrive(&mut self, t: Timestamp, weeks: f64) {
        self.arrived += weeks / self.kept(t);
        self.batches.push((self.arrived, t, self.validity.after(t)));
    }

    /// Arrival batches whose validity has ended by `now` leave every cell at once: the
    /// arrivals of a cell are those after both its cut and `expired_upto`.
    fn expire_arrivals(&mut self, now: Timestamp) {
        while let Some(&(upto, _, expires)) = self.batches.get(self.next_to_expire) {
            if expires > now {
                break;
            }
            self.expired_upto = upto;
            self.next_to_expire += 1;
        }
    }

    /// Where the arrivals still in cell `i` begin, in the running count.
    fn base(&self, i: usize) -> f64 {
        self.cut[i].max(self.expired_upto)
    }

    /// The arrival mass of class `c` in row `r`, divided by the withdrawal factor. Cells are
    /// stored row-major (`r * classes + c`), so a round reads each row's classes together.
    fn arrivals(&self, c: usize, r: usize) -> f64 {
        self.weights[c]
            * self.weekly[r]
            * (self.arrived - self.base(r * self.weights.len() + c)).max(0.0)
    }

    /// The instant of the batch that holds arrival count `x`.
    fn batch_time(&self, x: f64) -> Option<Timestamp> {
        self.batches.iter().find(|b| b.0 >= x - 1e-12).map(|b| b.1)
    }

    /// Takes `mass` (real candidates) of arrivals from the cells of `matching` in row `r`,
    /// earliest first across the cells: finds the count `x` up to which arrivals leave,
    /// `sum_c slope_c * max(0, x - base_c) = mass`, moves every cut to at least `x`, and
    /// returns `x` (the tie-break is the batch that holds it).
    fn take_arrivals(&mut self, matching: &[usize], r: usize, mass: f64, w: f64) -> f64 {
        let row = r * self.weights.len();
        let mut cells: Vec<(f64, f64)> = matching
            .iter()
            .map(|&c| (self.base(row + c), self.weights[c] * self.weekly[r] * w))
            .filter(|(b, slope)| *slope > 0.0 && *b < self.arrived)
            .collect();
        cells.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (mut x, mut slope, mut left) = (cells.first().map_or(self.arrived, |c| c.0), 0.0, mass);
        for k in 0..cells.len() {
            slope += cells[k].1;
            let next = cells.get(k + 1).map_or(self.arrived, |c| c.0);
            let room = slope * (next - x);
            if room >= left {
                x += left / slope;
                left = 0.0;
                break;
            }
            left -= room;
            x = next;
        }
        if left > 0.0 {
            x = self.arrived;
        }
        for &c in matching {
            let i = row + c;
            self.cut[i] = self.base(i).max(x);
        }
        x
    }

    /// Decliners back in the pool at `t`, with the start pool's expiry.
    fn give_back(&mut self, t: Timestamp, cells: &[(usize, f64)]) {
        let factor = self.unexpired(t) * self.kept(t);
        if factor <= 1e-12 {
            return;
        }
        for &(i, mass) in cells {
            self.init[i] += mass / factor;
        }
    }

    /// Holds a round; returns its record and the masses that will decline and come back.
    fn draw(&mut self, spec: &DrawSpec, decline: f64) -> (DrawRecord, Vec<(usize, f64)>) {
        let t = spec.at;
        let e = self.unexpired(t);
        let w = self.kept(t);
        let below: Vec<usize> = (0..self.classes.len())
            .filter(|c| spec.target.matches(self.classes[*c]))
            .collect();
        let above: Vec<usize> = (0..self.classes.len())
            .filter(|c| spec.target.matches(self.classes[*c].with_nomination()))
            .collect();
        let mut remaining = f64::from(spec.size);
        // Per class: the mass invited and its score-weighted sum, so that decliners can come
        // back at the class's mean invited score (one cell per class, not one per score).
        let mut taken = vec![(0.0_f64, 0.0_f64); self.classes.len()];
        let mut cutoff = None;
        let mut tie_break = None;
        for r in (0..ROWS).rev() {
            if remaining <= 0.0 {
                break;
            }
            let (lo_score, hi_score) = row_scores(r);
            let nominees = lo_score >= usize::from(NOMINEE_FROM);
            if spec.target == Target::ProvincialNominees && !nominees {
                break;
            }
            let matching = if nominees { &above } else { &below };
            let row = r * self.weights.len();
            let old: f64 = matching.iter().map(|c| self.init[row + c]).sum::<f64>() * e * w;
            let new: f64 = matching.iter().map(|c| self.arrivals(*c, r)).sum::<f64>() * w;
            if old + new <= 1e-9 {
                continue;
            }
            let mid = (lo_score + hi_score) as f64 / 2.0;
            cutoff = CrsScore::from_index(lo_score);
            if old + new <= remaining {
                remaining -= old + new;
                tie_break = Some(t);
                for &c in matching {
                    let i = row + c;
                    let mass = (self.init[i] * e + self.arrivals(c, r)) * w;
                    taken[c].0 += mass;
                    taken[c].1 += mass * mid;
                    self.init[i] = 0.0;
                    self.cut[i] = self.arrived;
                }
                continue;
            }
            if hi_score > lo_score {
                // A nominee block: the top share f of it, taken evenly from both layers.
                let f = remaining / (old + new);
                let width = (hi_score - lo_score + 1) as f64;
                cutoff = CrsScore::from_index(
                    hi_score - ((f * width) as usize).min(hi_score - lo_score),
                );
                for &c in matching {
                    let i = row + c;
                    let mass = (self.init[i] * e + self.arrivals(c, r)) * w * f;
                    taken[c].0 += mass;
                    taken[c].1 += mass * mid;
                    self.init[i] *= 1.0 - f;
                    let base = self.base(i);
                    self.cut[i] = base + f * (self.arrived - base).max(0.0);
                }
                tie_break = Some(t);
                remaining = 0.0;
                break;
            }
            // The cut-off score: the start pool first (older), then the arrivals.
            let lo = (t.as_second() - self.span as i64).max(self.start - self.span as i64);
            if remaining <= old {
                let q = remaining / old;
                for &c in matching {
                    let i = row + c;
                    let mass = self.init[i] * e * w * q;
                    taken[c].0 += mass;
                    taken[c].1 += mass * mid;
                    self.init[i] *= 1.0 - q;
                }
                tie_break = Some(
                    Timestamp::from_second(lo + (q * (self.start - lo) as f64) as i64).unwrap_or(t),
                );
            } else {
                for &c in matching {
                    let i = row + c;
                    let mass = self.init[i] * e * w;
                    taken[c].0 += mass;
                    taken[c].1 += mass * mid;
                    self.init[i] = 0.0;
                }
                // The arrivals, earliest first across the cells.
                let before: Vec<f64> = matching.iter().map(|c| self.arrivals(*c, r) * w).collect();
                let x = self.take_arrivals(matching, r, remaining - old, w);
                for (&c, was) in matching.iter().zip(before) {
                    let mass = was - self.arrivals(c, r) * w;
                    taken[c].0 += mass;
                    taken[c].1 += mass * mid;
                }
                tie_break = Some(self.batch_time(x).unwrap_or(t));
            }
            remaining = 0.0;
        }
        let invited = (f64::from(spec.size) - remaining.max(0.0)).round() as u64;
        let record = DrawRecord {
            at: t,
            target: spec.target,
            requested: spec.size,
            invited: invited.min(u64::from(spec.size)),
            cutoff: cutoff.filter(|_| invited > 0),
            tie_break: tie_break.filter(|_| invited > 0),
        };
        let classes = self.classes.len();
        let removed = if decline > 0.0 {
            taken
                .iter()
                .enumerate()
                .filter(|(_, t)| t.0 > 0.0)
                .map(|(c, t)| {
                    (
                        row_of((t.1 / t.0).round() as usize) * classes + c,
                        t.0 * decline,
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        (record, removed)
    }
}

/// The focal candidate, followed against each round.
struct Follow {
    score: CrsScore,
    changes: Vec<(Timestamp, CrsScore)>,
    eligibility: Eligibility,
    submitted: Timestamp,
    expires: Timestamp,
    response: FocalResponse,
    /// `None` while waiting; the instant it can be invited again after a decline; or done.
    state: FollowState,
    invitations: Vec<FocalInvitation>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FollowState {
    Waiting,
    Away(Timestamp),
    Done(FocalFate),
}

impl Follow {
    fn new(f: FluidFocal, validity: Period) -> Self {
        Follow {
            score: f.score,
            changes: f.changes,
            eligibility: f.eligibility,
            submitted: f.submitted_at,
            expires: validity.after(f.submitted_at),
            response: f.response,
            state: FollowState::Waiting,
            invitations: Vec::new(),
        }
    }

    fn round(
        &mut self,
        d: &DrawRecord,
        index: usize,
        rng: &mut ChaCha8Rng,
        model: crate::ita::ResponseModel,
    ) {
        let t = d.at;
        for &(at, score) in &self.changes {
            if at <= t {
                self.score = score;
            }
        }
        if let FollowState::Away(back) = self.state {
            if back > t {
                return;
            }
            self.state = if back < self.expires {
                FollowState::Waiting
            } else {
                FollowState::Done(FocalFate::ProfileExpired)
            };
        }
        let who = crate::draw::Standing {
            eligibility: self.eligibility,
            score: self.score,
            submitted_at: self.submitted,
            expires: self.expires,
        };
        if self.state != FollowState::Waiting || !d.invites(&who) {
            return;
        }
        // In a short round the focal candidate may be below everyone else invited (or the
        // only one): then they are its last invitee, as in the exact engine's pool.
        let (cutoff, tie_break) = match (d.cutoff, d.tie_break) {
            (Some(c), Some(tie)) if c <= self.score => (c, tie),
            _ => (self.score, self.submitted),
        };
        self.invitations.push(FocalInvitation {
            at: t,
            draw: index,
            score: self.score,
            cutoff,
            tie_break,
        });
        // Only a random response draws a number, so that candidates who differ only in score
        // share their runs' streams up to their invitation.
        let response = match self.response {
            FocalResponse::Apply => 2,
            FocalResponse::Decline => 0,
            FocalResponse::LikeOthers => {
                let u: f64 = rng.random();
                if u < model.decline() {
                    0
                } else if u < model.decline() + model.no_response() {
                    1
                } else {
                    2
                }
            }
        };
        self.state = match response {
            0 => FollowState::Away(t.plus_days(rng.random_range(1..60))),
            1 => FollowState::Done(FocalFate::ItaLapsed),
            _ => FollowState::Done(FocalFate::Applied),
        };
    }

    fn finish(self, end: Timestamp) -> FocalReport {
        let fate = match self.state {
            FollowState::Done(f) => f,
            _ if end >= self.expires => FocalFate::ProfileExpired,
            _ if end < self.submitted => FocalFate::NotArrived,
            // Declined: the candidate is back in the pool (or soon will be).
            FollowState::Away(_) => FocalFate::Waiting,
            FollowState::Waiting => FocalFate::Waiting,
        };
        FocalReport {
            invitations: self.invitations,
            fate,
            score: self.score,
            application: None,
        }
    }
}
