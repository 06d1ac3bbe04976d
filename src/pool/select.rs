//! Holding a round on the pool: finding the cut-off, listing the invitees, removing them.

use std::cmp::Ordering;

use super::DrawOutcome;
use super::{Bucket, Cohort, Entry, Pool};
use crate::candidate::Eligibility;
use crate::draw::{DrawRecord, DrawSpec};
use crate::pool::rank::TieKey;
use crate::score::CrsScore;
use crate::time::Timestamp;

/// The order of two cohorts with the same score, as [`crate::RankKey`] defines it.
type WithinScore = (TieKey, Eligibility);

/// Who a round would invite, found without copying anyone.
///
/// A round invites every eligible candidate ranked before its last invitee, and part or all
/// of that last cohort; so the cut-off score, the last invitee's place and the number taken
/// from it say exactly who is invited. Finding them costs one step per score above the
/// cut-off (per-bucket counts answer "how many here are eligible?") and one pass over the
/// eligible cohorts at the cut-off score, however large the pool below it.
///
/// # Example
/// ```
/// use eesim::{CandidateId, Cohort, CrsScore, DrawSpec, Eligibility, Pool, Program, Target};
///
/// let mut pool = Pool::new();
/// let e = Eligibility::none().with_program(Program::Cec);
/// for (id, score) in [(1, 500), (2, 490), (3, 480)] {
///     pool.add(Cohort { score: CrsScore::new(score)?, submitted_at: "2025-01-01T00:00:00Z".parse()?, id: CandidateId(id), eligibility: e, count: 10 })?;
/// }
/// let selection = pool.select(&DrawSpec::new("2025-06-01T00:00:00Z".parse()?, Target::All, 15));
/// assert_eq!(selection.invited(), 15);
/// assert_eq!(selection.cutoff(), Some(CrsScore::new(490)?));
/// assert_eq!(selection.invitees()[1].count, 5); // half of the 490 cohort
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
#[must_use]
pub struct Selection<'a> {
    pool: &'a Pool,
    spec: DrawSpec,
    invited: u64,
    last: Option<Last>,
}

/// The last cohort a round invites, and how many of it.
#[derive(Clone, Copy, Debug)]
struct Last {
    score: CrsScore,
    key: WithinScore,
    taken: u32,
}

impl Pool {
    /// Finds who a round would invite, leaving the pool as it is (see [`Selection`]).
    pub fn select(&self, spec: &DrawSpec) -> Selection<'_> {
        let mut remaining = u64::from(spec.size);
        let mut last = None;
        let mut last_full = None;
        for score in CrsScore::descending() {
            if remaining == 0 {
                break;
            }
            let bucket = &self.buckets[score.index()];
            let eligible = bucket.eligible(spec.target);
            if eligible == 0 {
                continue;
            }
            if eligible <= remaining {
                remaining -= eligible;
                last_full = Some(score);
                continue;
            }
            last = bucket.nth_eligible(spec, score, remaining);
            remaining = 0;
        }
        if last.is_none() {
            // The round took whole buckets only: its last invitee is the last of the lowest.
            last =
                last_full.and_then(|score| self.buckets[score.index()].last_eligible(spec, score));
        }
        Selection {
            pool: self,
            spec: *spec,
            invited: u64::from(spec.size) - remaining,
            last,
        }
    }

    /// The outcome `spec` would have, leaving the pool as it is.
    pub fn preview(&self, spec: &DrawSpec) -> DrawOutcome {
        self.select(spec).to_outcome()
    }

    /// Holds a round: invites the top `spec.size` eligible candidates in rank order and
    /// removes them from the pool.
    ///
    /// Invited candidates are out of the pool from this instant; what happens next (apply,
    /// decline, let the invitation lapse) is the business of [`crate::Invitation`].
    ///
    /// # Example
    /// ```
    /// use eesim::{CandidateId, Cohort, CrsScore, DrawSpec, Eligibility, Pool, Program, Target};
    ///
    /// let mut pool = Pool::new();
    /// let e = Eligibility::none().with_program(Program::Fsw);
    /// let t = "2025-05-01T00:00:00Z".parse()?;
    /// pool.add(Cohort { score: CrsScore::new(480)?, submitted_at: t, id: CandidateId(1), eligibility: e, count: 50 })?;
    /// let out = pool.draw(&DrawSpec::new("2025-06-01T12:00:00Z".parse()?, Target::program(Program::Fsw), 20));
    /// assert_eq!(out.invited, 20);
    /// assert_eq!(out.invitees[0].count, 20); // part of the synthetic cohort
    /// assert_eq!(pool.len(), 30);
    /// # Ok::<(), eesim::Error>(())
    /// ```
    pub fn draw(&mut self, spec: &DrawSpec) -> DrawOutcome {
        let selection = self.select(spec);
        let outcome = selection.to_outcome();
        if let Some(last) = selection.last {
            self.remove_selected(spec, last, |_| {});
        }
        outcome
    }

    /// Holds a round like [`Pool::draw`], but hands each invited cohort to `invited` as it is
    /// removed instead of listing them in rank order: the fast path for simulations, which
    /// need who was invited but not in what order. Cohorts come lowest score first, in an
    /// order fixed by the pool's contents.
    ///
    /// # Example
    /// ```
    /// use eesim::{CandidateId, Cohort, CrsScore, DrawSpec, Eligibility, Pool, Target};
    ///
    /// let mut pool = Pool::new();
    /// let t = "2025-05-01T00:00:00Z".parse()?;
    /// for (id, score) in [(1, 500), (2, 480)] {
    ///     pool.add(Cohort { score: CrsScore::new(score)?, submitted_at: t, id: CandidateId(id), eligibility: Eligibility::none(), count: 10 })?;
    /// }
    /// let mut seen = 0;
    /// let summary = pool.draw_each(&DrawSpec::new(t, Target::All, 15), |c| seen += c.count);
    /// assert_eq!((seen, summary.invited, summary.cutoff.map(|s| s.get())), (15, 15, Some(480)));
    /// # Ok::<(), eesim::Error>(())
    /// ```
    pub fn draw_each(&mut self, spec: &DrawSpec, invited: impl FnMut(Cohort)) -> DrawRecord {
        let selection = self.select(spec);
        let record = DrawRecord {
            at: spec.at,
            target: spec.target,
            requested: spec.size,
            invited: selection.invited(),
            cutoff: selection.cutoff(),
            tie_break: selection.tie_break(),
        };
        if let Some(last) = selection.last {
            self.remove_selected(spec, last, invited);
        }
        record
    }

    /// Removes what [`Pool::select`] chose: every eligible cohort above the cut-off, and at
    /// the cut-off every eligible cohort ranked before the last invitee, plus what was taken
    /// of it.
    fn remove_selected(&mut self, spec: &DrawSpec, last: Last, mut invited: impl FnMut(Cohort)) {
        let mut removed = 0;
        for (index, bucket) in self.buckets.iter_mut().enumerate().skip(last.score.index()) {
            if bucket.eligible(spec.target) == 0 {
                continue;
            }
            let at_cutoff = index == last.score.index();
            let Some(score) = CrsScore::from_index(index) else {
                continue;
            };
            for gi in 0..bucket.groups.len() {
                let g = &mut bucket.groups[gi];
                if !spec.target.matches(g.eligibility) {
                    continue;
                }
                let mut gone = 0;
                if at_cutoff {
                    while let Some(front) = g.entries.front_mut() {
                        let order = TieKey::cmp_within_score((front.tie, g.eligibility), last.key);
                        let take = match order {
                            Ordering::Less => front.count,
                            Ordering::Equal => last.taken,
                            Ordering::Greater => break,
                        };
                        invited(front.into_cohort(score, g.eligibility).with_count(take));
                        front.count -= take;
                        gone += u64::from(take);
                        if front.count == 0 {
                            g.entries.pop_front();
                        }
                        if order == Ordering::Equal {
                            break;
                        }
                    }
                } else {
                    for e in &g.entries {
                        invited(e.into_cohort(score, g.eligibility));
                    }
                    gone = g.count;
                    g.entries.clear();
                }
                removed += bucket.take_from_group(gi, gone);
            }
            bucket.drop_empty_groups();
        }
        self.total -= removed;
    }
}

impl Selection<'_> {
    /// How many the round invites.
    #[must_use]
    pub fn invited(&self) -> u64 {
        self.invited
    }

    /// The lowest score invited (`None` when nobody is).
    #[must_use]
    pub fn cutoff(&self) -> Option<CrsScore> {
        self.last.map(|l| l.score)
    }

    /// The submission time of the last candidate invited (`None` when nobody is).
    #[must_use]
    pub fn tie_break(&self) -> Option<Timestamp> {
        self.last.map(|l| l.key.0.submitted_at)
    }

    /// Whether fewer were eligible than the round's size.
    #[must_use]
    pub fn is_short(&self) -> bool {
        self.invited < u64::from(self.spec.size)
    }

    /// The invitees, in rank order.
    #[must_use]
    pub fn invitees(&self) -> Vec<Cohort> {
        let Some(last) = self.last else {
            return Vec::new();
        };
        let target = self.spec.target;
        let mut out = Vec::new();
        for score in CrsScore::descending().take(CrsScore::COUNT - last.score.index()) {
            let bucket = &self.pool.buckets[score.index()];
            if bucket.eligible(target) == 0 {
                continue;
            }
            let start = out.len();
            let mut groups = 0;
            for g in bucket
                .groups
                .iter()
                .filter(|g| target.matches(g.eligibility))
            {
                groups += 1;
                out.extend(
                    g.entries
                        .iter()
                        .map(|e| e.into_cohort(score, g.eligibility)),
                );
            }
            // One group is already in rank order; several interleave in time.
            if groups > 1 {
                out[start..].sort_unstable_by(|a, b| {
                    TieKey::cmp_within_score(within_score(a), within_score(b))
                });
            }
            if score == last.score {
                let keep = out[start..]
                    .iter()
                    .position(|c| within_score(c) == last.key)
                    .map_or(out.len(), |i| start + i + 1);
                out.truncate(keep);
                if let Some(c) = out.last_mut() {
                    c.count = last.taken;
                }
            }
        }
        out
    }

    /// The outcome: what [`Pool::preview`] returns.
    pub fn to_outcome(&self) -> DrawOutcome {
        DrawOutcome {
            requested: self.spec.size,
            invited: self.invited,
            cutoff: self.cutoff(),
            tie_break: self.tie_break(),
            invitees: self.invitees(),
        }
    }
}

fn within_score(c: &Cohort) -> WithinScore {
    (
        TieKey {
            submitted_at: c.submitted_at,
            id: c.id,
        },
        c.eligibility,
    )
}

impl Bucket {
    /// The eligible cohort holding the `n`-th eligible candidate here (1-based, `n` at most
    /// the eligible count), and how many of it come up to `n`.
    fn nth_eligible(&self, spec: &DrawSpec, score: CrsScore, n: u64) -> Option<Last> {
        let mut items: Vec<(WithinScore, u32)> = self
            .groups
            .iter()
            .filter(|g| spec.target.matches(g.eligibility))
            .flat_map(|g| {
                g.entries
                    .iter()
                    .map(|e: &Entry| ((e.tie, g.eligibility), e.count))
            })
            .collect();
        let (key, taken) = weighted_select(&mut items, n)?;
        Some(Last { score, key, taken })
    }

    /// The last eligible cohort here, taken whole.
    fn last_eligible(&self, spec: &DrawSpec, score: CrsScore) -> Option<Last> {
        self.groups
            .iter()
            .filter(|g| spec.target.matches(g.eligibility))
            .filter_map(|g| g.entries.back().map(|e| ((e.tie, g.eligibility), e.count)))
            .max_by(|a, b| TieKey::cmp_within_score(a.0, b.0))
            .map(|(key, taken)| Last { score, key, taken })
    }
}

/// In `items` (keys with weights), the item where the running weight in key order reaches
/// `n`, and the part of its weight needed to reach it (`None` if the items weigh less than
/// `n`). Expected linear time (quickselect).
fn weighted_select(items: &mut [(WithinScore, u32)], mut n: u64) -> Option<(WithinScore, u32)> {
    let by_key =
        |a: &(WithinScore, u32), b: &(WithinScore, u32)| TieKey::cmp_within_score(a.0, b.0);
    let mut slice = items;
    loop {
        if slice.is_empty() {
            return None;
        }
        let mid = slice.len() / 2;
        let (left, pivot, right) = slice.select_nth_unstable_by(mid, by_key);
        let below: u64 = left.iter().map(|i| u64::from(i.1)).sum();
        if n <= below {
            slice = left;
        } else if n <= below + u64::from(pivot.1) {
            // n - below <= pivot.1, a u32.
            return Some((pivot.0, u32::try_from(n - below).unwrap_or(pivot.1)));
        } else {
            n -= below + u64::from(pivot.1);
            slice = right;
        }
    }
}
