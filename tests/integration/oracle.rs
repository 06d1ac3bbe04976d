//! The naive reference for rounds: expand the pool, keep the eligible, sort, take the top.
//!
//! Shared with the benches (`benches/draw.rs` includes this file), so the fast path is
//! measured against exactly the code it is tested against.

use eesim::pool::RankKey;
use eesim::{Cohort, CrsScore, Target, Timestamp};

/// What the naive reference says a round does.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct NaiveOutcome {
    /// Invited cohorts in rank order (consecutive candidates of one cohort merged).
    pub(crate) invitees: Vec<Cohort>,
    /// The lowest score invited.
    pub(crate) cutoff: Option<CrsScore>,
    /// The submission time of the last invited.
    pub(crate) tie_break: Option<Timestamp>,
    /// How many were invited.
    pub(crate) invited: u64,
}

/// Collects every eligible candidate one by one, sorts them by the rank order, takes `size`.
pub(crate) fn naive_draw(pool: &[Cohort], target: Target, size: u32) -> NaiveOutcome {
    let mut eligible: Vec<(RankKey, Cohort)> = Vec::new();
    for c in pool {
        if target.matches(c.eligibility) {
            for _ in 0..c.count {
                eligible.push((c.rank_key(), c.with_count(1)));
            }
        }
    }
    eligible.sort_by_key(|e| e.0);
    eligible.truncate(size as usize);
    let mut invitees: Vec<Cohort> = Vec::new();
    for (_, c) in &eligible {
        match invitees.last_mut() {
            Some(last) if last.rank_key() == c.rank_key() => last.count += 1,
            _ => invitees.push(*c),
        }
    }
    NaiveOutcome {
        cutoff: invitees.last().map(|c| c.score),
        tie_break: invitees.last().map(|c| c.submitted_at),
        invited: eligible.len() as u64,
        invitees,
    }
}

/// Removes `invitees` from a naive pool (a list of cohorts), keeping it normalised.
#[allow(dead_code)]
pub(crate) fn naive_remove(pool: &mut Vec<Cohort>, invitees: &[Cohort]) {
    for inv in invitees {
        let i = pool
            .iter()
            .position(|c| c.rank_key() == inv.rank_key())
            .expect("invitee in the naive pool");
        assert!(pool[i].count >= inv.count);
        pool[i].count -= inv.count;
        if pool[i].count == 0 {
            pool.remove(i);
        }
    }
}
