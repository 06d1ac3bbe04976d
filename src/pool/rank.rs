//! `RankKey`: the one total order in which rounds invite candidates.

use std::cmp::Ordering;

use crate::candidate::{CandidateId, Eligibility};
use crate::score::CrsScore;
use crate::time::Timestamp;

/// The position of a cohort in IRCC's ranking; smaller keys are invited first.
///
/// The order, defined here and nowhere else:
/// 1. CRS score, highest first;
/// 2. profile submission time, earliest first (IRCC's tie-break rule);
/// 3. candidate id, lowest first (submission times are published to the second and do tie);
/// 4. eligibility bits, lowest first: this only separates two cohorts that share a score, a
///    second and an id (the same id added twice with different eligibility), so that the
///    order stays total whatever the caller adds.
///
/// # Example
/// ```
/// use eesim::pool::RankKey;
/// use eesim::{CandidateId, CrsScore, Eligibility};
///
/// let t = "2025-01-01T00:00:00Z".parse()?;
/// let high = RankKey::new(CrsScore::new(520)?, t, CandidateId(9), Eligibility::none());
/// let low = RankKey::new(CrsScore::new(510)?, t, CandidateId(1), Eligibility::none());
/// assert!(high < low); // the higher score ranks first
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RankKey {
    score: CrsScore,
    tie: TieKey,
    eligibility: Eligibility,
}

impl RankKey {
    /// The key of a cohort.
    #[must_use]
    pub fn new(
        score: CrsScore,
        submitted_at: Timestamp,
        id: CandidateId,
        eligibility: Eligibility,
    ) -> Self {
        RankKey {
            score,
            tie: TieKey { submitted_at, id },
            eligibility,
        }
    }
}

impl Ord for RankKey {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .cmp(&self.score)
            .then_with(|| self.tie.cmp(&other.tie))
            .then_with(|| self.eligibility.cmp(&other.eligibility))
    }
}

impl PartialOrd for RankKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The order of cohorts that share a score: [`RankKey`] without the score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct TieKey {
    pub(crate) submitted_at: Timestamp,
    pub(crate) id: CandidateId,
}

impl TieKey {
    /// The full order of two same-score cohorts, as [`RankKey`] defines it.
    pub(crate) fn cmp_within_score(a: (TieKey, Eligibility), b: (TieKey, Eligibility)) -> Ordering {
        a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(score: u16, second: i64, id: u64, bits: u64) -> RankKey {
        let mut e = Eligibility::none();
        if bits & 1 != 0 {
            e = e.with_program(crate::candidate::Program::Cec);
        }
        RankKey::new(
            CrsScore::new(score).unwrap(),
            Timestamp::from_second(second).unwrap(),
            CandidateId(id),
            e,
        )
    }

    #[test]
    fn order_is_score_then_time_then_id_then_eligibility() {
        let mut keys = vec![
            key(500, 10, 1, 0),
            key(501, 99, 9, 0),
            key(500, 5, 7, 0),
            key(500, 10, 0, 1),
            key(500, 10, 0, 0),
        ];
        keys.sort();
        assert_eq!(
            keys,
            vec![
                key(501, 99, 9, 0),
                key(500, 5, 7, 0),
                key(500, 10, 0, 0),
                key(500, 10, 0, 1),
                key(500, 10, 1, 0),
            ]
        );
    }

    #[test]
    fn within_score_agrees_with_rank_key() {
        let (a, b) = (key(500, 10, 0, 1), key(500, 10, 0, 0));
        let within = TieKey::cmp_within_score((a.tie, a.eligibility), (b.tie, b.eligibility));
        assert_eq!(within, a.cmp(&b));
    }
}
