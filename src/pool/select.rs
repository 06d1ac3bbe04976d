//! Holding a round on the pool: selecting the invitees in rank order, then removing them.

use super::{Bucket, Pool};
use crate::draw::{DrawOutcome, DrawSpec, Target};
use crate::pool::rank::TieKey;
use crate::score::CrsScore;

impl Pool {
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
        let outcome = self.preview(spec);
        for invitee in &outcome.invitees {
            // Each invitee is the front of its group at the time it is removed, so this is a
            // pop; `preview` found it in this very pool, so it cannot be missing.
            let removed = self.remove(invitee);
            debug_assert!(removed.is_ok(), "an invitee vanished: {removed:?}");
        }
        outcome
    }

    /// The outcome `spec` would have, leaving the pool as it is.
    pub fn preview(&self, spec: &DrawSpec) -> DrawOutcome {
        let mut outcome = DrawOutcome {
            requested: spec.size,
            ..DrawOutcome::default()
        };
        let mut remaining = u64::from(spec.size);
        let mut cursors: Vec<Cursor> = Vec::new();
        for score in CrsScore::descending() {
            if remaining == 0 {
                break;
            }
            let bucket = &self.buckets[score.index()];
            if !bucket.may_hold(spec.target) {
                continue;
            }
            cursors.clear();
            cursors.extend(
                bucket
                    .groups
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| spec.target.matches(g.eligibility))
                    .map(|(group, _)| Cursor { group, entry: 0 }),
            );
            remaining = take_in_order(bucket, score, &mut cursors, remaining, &mut outcome);
        }
        outcome.invited = u64::from(spec.size) - remaining;
        if let Some(last) = outcome.invitees.last() {
            outcome.cutoff = Some(last.score);
            outcome.tie_break = Some(last.submitted_at);
        }
        outcome
    }
}

impl Bucket {
    /// Whether a round for `target` might find anyone here.
    fn may_hold(&self, target: Target) -> bool {
        match target.mask() {
            None => self.total > 0,
            Some(mask) => self.union & mask != 0,
        }
    }
}

/// The next cohort of one eligible group in a bucket.
#[derive(Clone, Copy, Debug)]
struct Cursor {
    group: usize,
    entry: usize,
}

/// Takes up to `remaining` candidates from the groups under `cursors`, merging them in rank
/// order; returns how many are still to take.
fn take_in_order(
    bucket: &Bucket,
    score: CrsScore,
    cursors: &mut Vec<Cursor>,
    mut remaining: u64,
    outcome: &mut DrawOutcome,
) -> u64 {
    let key = |c: &Cursor| {
        let g = &bucket.groups[c.group];
        (g.entries[c.entry].tie, g.eligibility)
    };
    while remaining > 0 && !cursors.is_empty() {
        let mut best = 0;
        for i in 1..cursors.len() {
            if TieKey::cmp_within_score(key(&cursors[i]), key(&cursors[best])).is_lt() {
                best = i;
            }
        }
        let cursor = &mut cursors[best];
        let group = &bucket.groups[cursor.group];
        let entry = group.entries[cursor.entry];
        let take = u64::from(entry.count).min(remaining);
        remaining -= take;
        // take <= entry.count, a u32.
        let taken = u32::try_from(take).unwrap_or(entry.count);
        outcome.invitees.push(
            entry
                .into_cohort(score, group.eligibility)
                .with_count(taken),
        );
        cursor.entry += 1;
        if cursor.entry == group.entries.len() {
            cursors.swap_remove(best);
        }
    }
    remaining
}
