//! `Pool`: the candidates waiting for an invitation, bucketed by score, as cohorts.

mod select;

pub use rank::RankKey;
pub use select::Selection;

pub(crate) mod rank;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

use crate::candidate::{Candidate, CandidateId, Eligibility};
use crate::draw::Target;
use crate::error::{ErrorKind, Result};
use crate::probability::Probability;
use crate::score::CrsScore;
use crate::time::{Period, Timestamp};
use rank::TieKey;

/// What a round did.
///
/// When fewer candidates were eligible than the round's size, all of them are invited and
/// [`DrawOutcome::is_short`] says so. When nobody is invited (size 0, an empty pool, nobody
/// eligible) there is no cut-off and no tie-break.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[must_use]
pub struct DrawOutcome {
    /// The size the round asked for.
    pub requested: u32,
    /// How many were invited (at most `requested`).
    pub invited: u64,
    /// The lowest score invited.
    pub cutoff: Option<CrsScore>,
    /// The submission time of the last candidate invited: candidates at the cut-off who
    /// submitted at or before it were invited (up to the id order at that very second).
    pub tie_break: Option<Timestamp>,
    /// Who was invited, in rank order; a synthetic cohort may be invited in part, and then
    /// appears with the number taken.
    pub invitees: Vec<Cohort>,
}

impl DrawOutcome {
    /// Whether fewer were eligible than the round's size, so that every eligible candidate
    /// was invited.
    #[must_use]
    pub fn is_short(&self) -> bool {
        self.invited < u64::from(self.requested)
    }
}

/// Candidates who share a score, a submission second, an id and an eligibility: one named
/// candidate (`count == 1`), or a synthetic group such as a week of arrivals in one score.
///
/// # Example
/// ```
/// use eesim::{CandidateId, Cohort, CrsScore, Eligibility, Program};
///
/// let week = Cohort {
///     score: CrsScore::new(470)?,
///     submitted_at: "2026-01-05T00:00:00Z".parse()?,
///     id: CandidateId(1_000_000),
///     eligibility: Eligibility::none().with_program(Program::Fsw),
///     count: 120,
/// };
/// assert_eq!(week.count, 120);
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cohort {
    /// The members' CRS score.
    pub score: CrsScore,
    /// When their profiles were submitted.
    pub submitted_at: Timestamp,
    /// The cohort's id (a named candidate's own id).
    pub id: CandidateId,
    /// What the members are eligible for.
    pub eligibility: Eligibility,
    /// How many candidates (at least 1).
    pub count: u32,
}

impl Cohort {
    /// The cohort's place in the rank order.
    #[must_use]
    pub fn rank_key(&self) -> RankKey {
        RankKey::new(self.score, self.submitted_at, self.id, self.eligibility)
    }

    /// The same cohort with another count.
    #[must_use]
    pub fn with_count(self, count: u32) -> Self {
        Cohort { count, ..self }
    }
}

impl From<Candidate> for Cohort {
    fn from(c: Candidate) -> Self {
        Cohort {
            score: c.score,
            submitted_at: c.submitted_at,
            id: c.id,
            eligibility: c.eligibility,
            count: 1,
        }
    }
}

/// The Express Entry pool: every profile waiting for an invitation.
///
/// Candidates sit in 1,201 score buckets; inside a bucket, cohorts are grouped by eligibility
/// and kept in submission order. A round therefore never sorts: it walks the buckets from
/// 1,200 down and, at the cut-off score, takes the earliest eligible cohorts. Its cost is the
/// buckets above the cut-off plus the cohorts it invites, never the whole pool, and the same
/// code is exact for a list of named candidates and cheap for a synthetic pool of 250,000.
///
/// Profiles expire a fixed [`Period`] after submission (12 months unless set otherwise).
///
/// # Example
/// ```
/// use eesim::{Candidate, CandidateId, CrsScore, DrawSpec, Eligibility, Pool, Program, Target};
///
/// let mut pool = Pool::new();
/// for (id, score, at) in [(1, 520, "2025-01-02T00:00:00Z"), (2, 510, "2025-01-01T00:00:00Z")] {
///     pool.add_candidate(Candidate {
///         id: CandidateId(id),
///         score: CrsScore::new(score)?,
///         submitted_at: at.parse()?,
///         eligibility: Eligibility::none().with_program(Program::Cec),
///     })?;
/// }
/// let outcome = pool.draw(&DrawSpec::new("2025-03-01T12:00:00Z".parse()?, Target::All, 1));
/// assert_eq!(outcome.cutoff, Some(CrsScore::new(520)?));
/// assert_eq!(pool.len(), 1);
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Pool {
    buckets: Vec<Bucket>,
    total: u64,
    validity: Period,
    /// Scores by the oldest submission they may hold (lazily updated: an entry is current
    /// when it matches its bucket's `oldest`), so an expiry sweep visits only the scores
    /// with something due.
    expiry_queue: BinaryHeap<Reverse<(Timestamp, u16)>>,
    /// When the queue's first profile expires (computed lazily): nothing expires before.
    next_expiry: Option<Timestamp>,
}

/// The candidates at one score.
#[derive(Clone, Debug)]
struct Bucket {
    total: u64,
    /// The union of the groups' eligibility bits, to skip buckets a round cannot reach.
    union: u64,
    /// No cohort here was submitted before this (a lower bound), to skip expiry sweeps.
    oldest: Timestamp,
    /// How many candidates have each eligibility bit: a round for one program, category or
    /// the nominees counts its eligible here in one step, whatever the mix of groups.
    bit_counts: [u64; 64],
    groups: Vec<Group>,
}

impl Default for Bucket {
    fn default() -> Self {
        Bucket {
            total: 0,
            union: 0,
            oldest: Timestamp::MAX,
            bit_counts: [0; 64],
            groups: Vec::new(),
        }
    }
}

/// The candidates at one score with one eligibility, in rank order.
#[derive(Clone, Debug)]
struct Group {
    eligibility: Eligibility,
    count: u64,
    entries: VecDeque<Entry>,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    tie: TieKey,
    count: u32,
}

impl Default for Pool {
    fn default() -> Self {
        Self::new()
    }
}

impl Pool {
    /// An empty pool whose profiles expire 12 months after submission.
    #[must_use]
    pub fn new() -> Self {
        Self::with_validity(Period::TWELVE_MONTHS)
    }

    /// An empty pool whose profiles expire `validity` after submission.
    #[must_use]
    pub fn with_validity(validity: Period) -> Self {
        Pool {
            buckets: vec![Bucket::default(); CrsScore::COUNT],
            total: 0,
            validity,
            expiry_queue: BinaryHeap::new(),
            next_expiry: None,
        }
    }

    /// A pool with no buckets, standing in for one moved out; never operated on.
    pub(crate) fn placeholder() -> Self {
        Pool {
            buckets: Vec::new(),
            total: 0,
            validity: Period::TWELVE_MONTHS,
            expiry_queue: BinaryHeap::new(),
            next_expiry: None,
        }
    }

    /// How long a profile stays in the pool after submission.
    #[must_use]
    pub fn validity(&self) -> Period {
        self.validity
    }

    /// When a profile submitted at `submitted_at` expires: from that instant on it is gone.
    #[must_use]
    pub fn expires_at(&self, submitted_at: Timestamp) -> Timestamp {
        self.validity.after(submitted_at)
    }

    /// The number of candidates in the pool.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Whether the pool is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The number of candidates at `score`.
    #[must_use]
    pub fn count_at(&self, score: CrsScore) -> u64 {
        self.buckets[score.index()].total
    }

    /// Adds a named candidate.
    ///
    /// # Errors
    /// As [`Pool::add`].
    pub fn add_candidate(&mut self, candidate: Candidate) -> Result<()> {
        self.add(Cohort::from(candidate))
    }

    /// Adds a cohort; one with the same rank key as a cohort already there joins it.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidCohortSize`] for a count of 0, or when joining would pass
    /// `u32::MAX`. The pool is unchanged on error.
    pub fn add(&mut self, cohort: Cohort) -> Result<()> {
        if cohort.count == 0 {
            return Err(cohort_size(0));
        }
        let bucket = &mut self.buckets[cohort.score.index()];
        let gi = match bucket.find_group(cohort.eligibility) {
            Ok(gi) => gi,
            Err(gi) => {
                bucket.groups.insert(
                    gi,
                    Group {
                        eligibility: cohort.eligibility,
                        count: 0,
                        entries: VecDeque::new(),
                    },
                );
                bucket.union |= cohort.eligibility.bits();
                gi
            }
        };
        let group = &mut bucket.groups[gi];
        let tie = TieKey {
            submitted_at: cohort.submitted_at,
            id: cohort.id,
        };
        let position = match group.entries.back() {
            Some(last) if last.tie < tie => Err(group.entries.len()),
            None => Err(0),
            Some(_) => group.entries.binary_search_by(|e| e.tie.cmp(&tie)),
        };
        match position {
            Ok(i) => {
                let entry = &mut group.entries[i];
                entry.count = entry
                    .count
                    .checked_add(cohort.count)
                    .ok_or_else(|| cohort_size(u64::from(entry.count) + u64::from(cohort.count)))?;
            }
            Err(i) => group.entries.insert(
                i,
                Entry {
                    tie,
                    count: cohort.count,
                },
            ),
        }
        let n = u64::from(cohort.count);
        group.count += n;
        bucket.credit(cohort.eligibility, n);
        // `Timestamp::MAX` also marks an empty bucket: a cohort submitted then is queued too.
        if cohort.submitted_at < bucket.oldest || cohort.submitted_at == Timestamp::MAX {
            bucket.oldest = cohort.submitted_at;
            self.expiry_queue
                .push(Reverse((cohort.submitted_at, cohort.score.get())));
            if self
                .expiry_queue
                .peek()
                .is_some_and(|top| top.0.0 == cohort.submitted_at)
            {
                self.next_expiry = None;
            }
        }
        self.total += n;
        Ok(())
    }

    /// Removes `cohort.count` candidates of exactly this cohort (score, submission time, id
    /// and eligibility), for example a named candidate whose score changes.
    ///
    /// # Errors
    /// [`ErrorKind::NotInPool`] when the pool holds fewer than `cohort.count` of it; the pool
    /// is then unchanged.
    pub fn remove(&mut self, cohort: &Cohort) -> Result<()> {
        match self.remove_up_to(cohort) {
            (removed, _) if removed == u64::from(cohort.count) => Ok(()),
            (_, have) => Err(ErrorKind::NotInPool {
                id: cohort.id.0,
                score: cohort.score.get(),
                submitted_at: cohort.submitted_at.to_string(),
                expected: u64::from(cohort.count),
                found: have,
            }
            .into()),
        }
    }

    /// Removes up to `cohort.count` candidates of exactly this cohort, as many as the pool
    /// holds (those invited meanwhile are gone already), for example a cohort whose residence
    /// in a family's pool has ended. Returns `(removed, held before)`; when the pool holds fewer
    /// than `cohort.count` and `exact` would fail, nothing is removed by [`Pool::remove`].
    pub fn remove_available(&mut self, cohort: &Cohort) -> u64 {
        let (_, have) = self.remove_up_to(&cohort.with_count(0));
        let n = have.min(u64::from(cohort.count));
        if n == 0 {
            return 0;
        }
        let part = cohort.with_count(u32::try_from(n).unwrap_or(cohort.count));
        self.remove_up_to(&part).0
    }

    /// Removes `cohort.count` of the cohort when the pool holds that many (else nothing);
    /// returns `(removed, held before)`.
    fn remove_up_to(&mut self, cohort: &Cohort) -> (u64, u64) {
        let bucket = &mut self.buckets[cohort.score.index()];
        let tie = TieKey {
            submitted_at: cohort.submitted_at,
            id: cohort.id,
        };
        let found = bucket.find_group(cohort.eligibility).ok().and_then(|gi| {
            let i = bucket.groups[gi]
                .entries
                .binary_search_by(|e| e.tie.cmp(&tie))
                .ok()?;
            Some((gi, i))
        });
        let have = found.map_or(0, |(gi, i)| bucket.groups[gi].entries[i].count);
        let (Some((gi, i)), true) = (found, have >= cohort.count) else {
            return (0, u64::from(have));
        };
        if cohort.count == 0 {
            return (0, u64::from(have));
        }
        let group = &mut bucket.groups[gi];
        let entry = &mut group.entries[i];
        entry.count -= cohort.count;
        if entry.count == 0 {
            group.entries.remove(i);
        }
        let n = u64::from(cohort.count);
        group.count -= n;
        bucket.debit(cohort.eligibility, n);
        self.total -= n;
        bucket.drop_empty_groups();
        (n, u64::from(have))
    }

    /// Removes every profile that has expired by `now` (submitted at least one validity
    /// period before), returning how many left.
    pub fn expire(&mut self, now: Timestamp) -> u64 {
        self.expire_with(now, |_| {})
    }

    /// As [`Pool::expire`], calling `on_expired` with each cohort removed.
    ///
    /// Cheap when nothing is due: the pool keeps its scores in a queue by oldest submission,
    /// so most calls end after one comparison and a sweep visits only the scores with
    /// something due.
    pub fn expire_with(&mut self, now: Timestamp, mut on_expired: impl FnMut(&Cohort)) -> u64 {
        let validity = self.validity;
        let Some(&Reverse((first, _))) = self.expiry_queue.peek() else {
            return 0;
        };
        if now
            < *self
                .next_expiry
                .get_or_insert_with(|| validity.after(first))
        {
            return 0;
        }
        let last_expired = self.validity.latest_start_ended_by(now);
        let mut removed = 0;
        while let Some(&Reverse((oldest, s))) = self.expiry_queue.peek() {
            if oldest > last_expired {
                break;
            }
            self.expiry_queue.pop();
            let Some(score) = CrsScore::from_index(usize::from(s)) else {
                continue;
            };
            let bucket = &mut self.buckets[score.index()];
            if bucket.oldest != oldest {
                continue; // a stale entry: the bucket was swept since
            }
            for gi in 0..bucket.groups.len() {
                let group = &mut bucket.groups[gi];
                let mut gone = 0;
                while let Some(front) = group.entries.front().copied() {
                    if front.tie.submitted_at > last_expired {
                        break;
                    }
                    group.entries.pop_front();
                    gone += u64::from(front.count);
                    on_expired(&front.into_cohort(score, group.eligibility));
                }
                removed += bucket.take_from_group(gi, gone);
            }
            bucket.drop_empty_groups();
            let left = bucket
                .groups
                .iter()
                .filter_map(|g| g.entries.front().map(|e| e.tie.submitted_at))
                .min();
            bucket.oldest = left.unwrap_or(Timestamp::MAX);
            if let Some(oldest) = left {
                self.expiry_queue.push(Reverse((oldest, s)));
            }
        }
        self.total -= removed;
        self.next_expiry = None;
        removed
    }

    /// Withdraws candidates with probability `p` each (profiles taken down by their owners),
    /// except the candidate `keep`; returns how many left.
    ///
    /// The withdrawals are spread systematically along the pool (by score, then eligibility,
    /// then submission): with one random offset `u`, the `j`-th candidate leaves when
    /// `floor((j + 1)·p + u) > floor(j·p + u)`. Each candidate leaves with probability `p`,
    /// the number leaving is `p` times the pool rounded at random, and a sweep costs one
    /// random number, not one per cohort.
    pub fn withdraw_random<R: Rng + ?Sized>(
        &mut self,
        p: Probability,
        keep: Option<CandidateId>,
        rng: &mut R,
    ) -> u64 {
        if p.get() == 0.0 {
            return 0;
        }
        let mut removed = 0;
        let u: f64 = rng.random();
        let mut seen = 0_u64;
        for bucket in &mut self.buckets {
            if bucket.total == 0 {
                continue;
            }
            for gi in 0..bucket.groups.len() {
                let mut gone = 0;
                bucket.groups[gi].entries.retain_mut(|e| {
                    if Some(e.tie.id) == keep {
                        return true;
                    }
                    let n = u64::from(e.count);
                    let k = systematic(seen, n, p.get(), u);
                    seen += n;
                    // k <= e.count, which is a u32.
                    e.count -= u32::try_from(k).unwrap_or(e.count);
                    gone += k;
                    e.count > 0
                });
                removed += bucket.take_from_group(gi, gone);
            }
            bucket.drop_empty_groups();
        }
        self.total -= removed;
        removed
    }

    /// The number of candidates a round for `target` could invite at `score` or above.
    #[must_use]
    pub fn count_eligible_at_or_above(&self, target: Target, score: CrsScore) -> u64 {
        self.buckets[score.index()..]
            .iter()
            .flat_map(|b| &b.groups)
            .filter(|g| target.matches(g.eligibility))
            .map(|g| g.count)
            .sum()
    }

    /// Whether any cohort in the pool has the id `id` (a scan of the whole pool).
    #[must_use]
    pub fn contains_id(&self, id: CandidateId) -> bool {
        self.buckets
            .iter()
            .flat_map(|b| &b.groups)
            .any(|g| g.entries.iter().any(|e| e.tie.id == id))
    }

    /// Every cohort in the pool, in rank order.
    pub fn cohorts(&self) -> impl Iterator<Item = Cohort> + '_ {
        CrsScore::descending().flat_map(move |score| {
            let bucket = &self.buckets[score.index()];
            let mut here: Vec<Cohort> = bucket
                .groups
                .iter()
                .flat_map(|g| {
                    g.entries
                        .iter()
                        .map(|e| e.into_cohort(score, g.eligibility))
                })
                .collect();
            here.sort_by_key(Cohort::rank_key);
            here
        })
    }

    /// Checks the pool's bookkeeping: the total equals the sum of the buckets, each bucket the
    /// sum of its groups, each group the sum of its cohorts; cohorts are non-empty and in rank
    /// order; no group is empty or repeated. Meant for tests and debugging.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSimulation`] describing the first broken invariant (a bug in
    /// eesim).
    pub fn audit(&self) -> Result<()> {
        let broken = |what: String| {
            Err(ErrorKind::InvalidSimulation {
                what: "pool audit",
                expected: "consistent bookkeeping".to_string(),
                found: what,
            }
            .into())
        };
        let mut total = 0;
        for (score, bucket) in self.buckets.iter().enumerate() {
            let mut sum = 0;
            let mut union = 0;
            for (gi, g) in bucket.groups.iter().enumerate() {
                let entries: u64 = g.entries.iter().map(|e| u64::from(e.count)).sum();
                if entries != g.count || g.count == 0 {
                    return broken(format!(
                        "score {score}: group count {} vs {entries}",
                        g.count
                    ));
                }
                if g.entries.iter().any(|e| e.count == 0) {
                    return broken(format!("score {score}: an empty cohort"));
                }
                if g.entries
                    .iter()
                    .zip(g.entries.iter().skip(1))
                    .any(|(a, b)| a.tie >= b.tie)
                {
                    return broken(format!("score {score}: cohorts out of order"));
                }
                if bucket.groups[..gi]
                    .iter()
                    .any(|o| o.eligibility == g.eligibility)
                {
                    return broken(format!("score {score}: a repeated group"));
                }
                sum += g.count;
                union |= g.eligibility.bits();
            }
            if sum != bucket.total || union != bucket.union {
                return broken(format!(
                    "score {score}: bucket total {} vs {sum}",
                    bucket.total
                ));
            }
            total += sum;
        }
        if total != self.total {
            return broken(format!("pool total {} vs {total}", self.total));
        }
        Ok(())
    }
}

impl Bucket {
    /// Counts `n` more candidates with eligibility `e`.
    fn credit(&mut self, e: Eligibility, n: u64) {
        self.total += n;
        for_each_bit(e, |b| self.bit_counts[b] += n);
    }

    /// Counts `n` fewer candidates with eligibility `e`.
    fn debit(&mut self, e: Eligibility, n: u64) {
        self.total -= n;
        for_each_bit(e, |b| self.bit_counts[b] -= n);
    }

    /// Books `n` candidates already taken out of group `gi`'s entries; returns `n`.
    fn take_from_group(&mut self, gi: usize, n: u64) -> u64 {
        if n > 0 {
            let group = &mut self.groups[gi];
            group.count -= n;
            let e = group.eligibility;
            self.debit(e, n);
        }
        n
    }

    /// How many here a round for `target` can invite.
    fn eligible(&self, target: Target) -> u64 {
        match target.mask() {
            None => self.total,
            Some(mask) if mask.is_power_of_two() => self.bit_counts[mask.trailing_zeros() as usize],
            Some(mask) => self
                .groups
                .iter()
                .filter(|g| g.eligibility.bits() & mask != 0)
                .map(|g| g.count)
                .sum(),
        }
    }

    /// Where the group for `eligibility` is (`Ok`) or belongs (`Err`): groups are kept in
    /// eligibility order, so a bucket with many groups finds one in a few steps.
    fn find_group(&self, eligibility: Eligibility) -> std::result::Result<usize, usize> {
        self.groups
            .binary_search_by_key(&eligibility, |g| g.eligibility)
    }

    fn drop_empty_groups(&mut self) {
        if self.groups.iter().any(|g| g.count == 0) {
            self.groups.retain(|g| g.count > 0);
            self.union = self.groups.iter().fold(0, |u, g| u | g.eligibility.bits());
        }
    }
}

impl Entry {
    fn into_cohort(self, score: CrsScore, eligibility: Eligibility) -> Cohort {
        Cohort {
            score,
            submitted_at: self.tie.submitted_at,
            id: self.tie.id,
            eligibility,
            count: self.count,
        }
    }
}

/// How many of the candidates `seen..seen + n` a systematic sample with share `p` and offset
/// `u` (in `[0, 1)`) picks: candidate `j` is picked when `floor((j + 1)·p + u) > floor(j·p +
/// u)`, so each is picked with probability `p`.
pub(crate) fn systematic(seen: u64, n: u64, p: f64, u: f64) -> u64 {
    if p <= 0.0 || n == 0 {
        return 0;
    }
    // The values are non-negative, so truncating casts are floors.
    let at = |j: u64| (j as f64 * p + u) as u64;
    (at(seen + n).saturating_sub(at(seen))).min(n)
}

/// Calls `f` with the index of each bit set in `e`.
fn for_each_bit(e: Eligibility, mut f: impl FnMut(usize)) {
    let mut bits = e.bits();
    while bits != 0 {
        f(bits.trailing_zeros() as usize);
        bits &= bits - 1;
    }
}

fn cohort_size(found: u64) -> crate::error::Error {
    ErrorKind::InvalidCohortSize {
        max: u32::MAX,
        found,
    }
    .into()
}
