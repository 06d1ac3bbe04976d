//! `Tally`: integer counts from many runs, merged exactly in any order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::interval::Interval;
use super::probe::Probes;
use crate::draw::Target;
use crate::error::{ErrorKind, Result};
use crate::landing::Stage;
use crate::sim::RunReport;
use crate::time::Timestamp;

const SECONDS_PER_DAY: i64 = 86_400;

/// Rounds counted by (target, month of the horizon, cut-off).
type CutoffCounts = BTreeMap<(Target, u32, u16), u64>;

/// What many runs produced, as integer counts.
///
/// Integer addition is associative and commutative, so tallies of any split of the runs (per
/// thread, per batch, per machine) merge into exactly the same bits. Tallies serialise, so
/// shards computed apart can be combined; probabilities are computed once, at the end.
///
/// Memory does not grow with the number of runs: a tally holds one counter per day of the
/// horizon, one per probe and week, and one per (round target, month, cut-off) seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawTally")]
pub struct Tally {
    seed: u64,
    start: Timestamp,
    horizon_days: u32,
    /// The day of the horizon the reader's window opens on (today): landing and stages count
    /// only the runs with no invitation before it, rounds held only from it.
    #[serde(default)]
    from_day: u32,
    runs: u64,
    /// Runs whose focal candidate was first invited on day `d` of the horizon.
    focal_first_day: Vec<u64>,
    /// Runs with no invitation before `from_day` whose focal candidate landed on day `d`.
    #[serde(default)]
    landed_day: Vec<u64>,
    /// Runs with no invitation before `from_day`, by the focal candidate's stage at the
    /// horizon ([`Stage::ALL`] order).
    #[serde(default)]
    stages: Vec<u64>,
    /// The probe layout: profile names and the score range.
    probe_profiles: Vec<String>,
    probe_min: u16,
    probe_scores: usize,
    /// Runs with no invitation of the focal candidate before `from_day` in which probe `i`
    /// was first invited in week `w` by the rounds from `from_day` on: index `i * weeks + w`.
    probe_first_week: Vec<u64>,
    /// Rounds by target, month of the horizon (0 = the start's month) and cut-off.
    #[serde(with = "cutoff_entries")]
    cutoffs: CutoffCounts,
    /// Per round target: the runs in which it held at least one round from `from_day` to the
    /// horizon.
    #[serde(default)]
    runs_with_round: Vec<(Target, u64)>,
}

impl Tally {
    /// An empty tally for runs from `start` over `horizon_days`, read from day `from_day`,
    /// with `probes` (if any).
    pub(crate) fn new(
        seed: u64,
        start: Timestamp,
        horizon_days: u32,
        from_day: u32,
        probes: Option<&Probes>,
    ) -> Self {
        let weeks = weeks(horizon_days);
        Tally {
            seed,
            start,
            horizon_days,
            from_day: from_day.min(horizon_days),
            runs: 0,
            focal_first_day: vec![0; horizon_days as usize + 1],
            landed_day: vec![0; horizon_days as usize + 1],
            stages: vec![0; Stage::ALL.len()],
            probe_profiles: probes.map_or_else(Vec::new, |p| {
                p.profiles().iter().map(|q| q.name.clone()).collect()
            }),
            probe_min: probes.map_or(0, |p| p.scores().0.get()),
            probe_scores: probes.map_or(0, Probes::scores_len),
            probe_first_week: vec![0; probes.map_or(0, Probes::len) * weeks],
            cutoffs: BTreeMap::new(),
            runs_with_round: Vec::new(),
        }
    }

    /// Adds one run.
    pub(crate) fn record(
        &mut self,
        report: &RunReport,
        probes: Option<&Probes>,
        scratch: &mut Vec<Option<Timestamp>>,
    ) {
        self.runs += 1;
        let first = report.focal.as_ref().and_then(|f| f.first_invitation());
        let first_day = first.and_then(|i| self.day_of(i.at));
        if let Some(day) = first_day {
            self.focal_first_day[day as usize] += 1;
        }
        let invited_before = first_day.is_some_and(|d| d < self.from_day);
        if let Some(f) = report.focal.as_ref().filter(|_| !invited_before) {
            // The stage at the end of the horizon's last day, as the daily counts count it.
            let end = self
                .start
                .plus_days(i64::from(self.horizon_days) + 1)
                .plus_seconds(-1);
            self.stages[f.stage_at(end).index()] += 1;
            let landed = f
                .application
                .and_then(|a| a.landed_at)
                .and_then(|t| self.day_of(t));
            if let Some(day) = landed {
                self.landed_day[day as usize] += 1;
            }
        }
        // Probes are the candidate at other scores from the reader's day on: judged on the
        // rounds from that day, in the runs in which the candidate was not invited before it.
        if let Some(probes) = probes.filter(|_| !invited_before) {
            let open = self.start.plus_days(i64::from(self.from_day));
            let first = report.draws.partition_point(|d| d.at < open);
            probes.first_invitations(&report.draws[first..], scratch);
            let weeks = weeks(self.horizon_days);
            for (i, at) in scratch.iter().enumerate() {
                if let Some(day) = at.and_then(|t| self.day_of(t)) {
                    self.probe_first_week[i * weeks + day as usize / 7] += 1;
                }
            }
        }
        let mut held: Vec<Target> = report
            .draws
            .iter()
            .filter(|d| d.requested > 0 && self.day_of(d.at).is_some_and(|x| x >= self.from_day))
            .map(|d| d.target)
            .collect();
        held.sort_unstable();
        held.dedup();
        for t in held {
            self.count_round(t, 1);
        }
        let start_month = month_number(self.start);
        for d in &report.draws {
            if let (Some(cutoff), Some(_)) = (d.cutoff, self.day_of(d.at)) {
                let month = u32::try_from(month_number(d.at) - start_month).unwrap_or(0);
                *self
                    .cutoffs
                    .entry((d.target, month, cutoff.get()))
                    .or_insert(0) += 1;
            }
        }
    }

    /// The day of the horizon (0-based) of an instant, if inside it.
    fn day_of(&self, at: Timestamp) -> Option<u32> {
        let days = (at.as_second() - self.start.as_second()).div_euclid(SECONDS_PER_DAY);
        u32::try_from(days).ok().filter(|d| *d <= self.horizon_days)
    }

    /// Adds another tally of the same estimate (other runs).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSimulation`] when the two differ in seed, start, horizon or probes.
    pub fn merge(&mut self, other: &Tally) -> Result<()> {
        let same = self.seed == other.seed
            && self.start == other.start
            && self.horizon_days == other.horizon_days
            && self.from_day == other.from_day
            && self.probe_profiles == other.probe_profiles
            && self.probe_min == other.probe_min
            && self.probe_scores == other.probe_scores;
        if !same {
            return Err(ErrorKind::InvalidSimulation {
                what: "tally merge",
                expected: format!(
                    "seed {}, start {}, horizon {} days read from day {} and the same probes",
                    self.seed, self.start, self.horizon_days, self.from_day
                ),
                found: format!(
                    "seed {}, start {}, horizon {} days read from day {}",
                    other.seed, other.start, other.horizon_days, other.from_day
                ),
            }
            .into());
        }
        self.add(other);
        Ok(())
    }

    /// Adds counts, the layouts being known equal.
    pub(crate) fn add(&mut self, other: &Tally) {
        self.runs += other.runs;
        for (a, b) in self.focal_first_day.iter_mut().zip(&other.focal_first_day) {
            *a += b;
        }
        for (a, b) in self.landed_day.iter_mut().zip(&other.landed_day) {
            *a += b;
        }
        for (a, b) in self.stages.iter_mut().zip(&other.stages) {
            *a += b;
        }
        for (a, b) in self
            .probe_first_week
            .iter_mut()
            .zip(&other.probe_first_week)
        {
            *a += b;
        }
        for (k, v) in &other.cutoffs {
            *self.cutoffs.entry(*k).or_insert(0) += v;
        }
        for (t, n) in &other.runs_with_round {
            self.count_round(*t, *n);
        }
    }

    fn count_round(&mut self, target: Target, n: u64) {
        match self.runs_with_round.binary_search_by(|e| e.0.cmp(&target)) {
            Ok(i) => self.runs_with_round[i].1 += n,
            Err(i) => self.runs_with_round.insert(i, (target, n)),
        }
    }

    /// The share of runs in which no round of `target` was held from the reader's day
    /// ([`Tally::from_day`]) to the horizon, with its Wilson interval: most of what remains
    /// uncertain for a candidate, who should see it.
    #[must_use]
    pub fn no_round(&self, target: Target) -> super::Interval {
        let held = self
            .runs_with_round
            .iter()
            .find(|e| e.0 == target)
            .map_or(0, |e| e.1);
        super::Interval::wilson(self.runs.saturating_sub(held), self.runs)
    }

    /// The number of runs.
    #[must_use]
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// The master seed.
    #[must_use]
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The horizon in days.
    #[must_use]
    pub fn horizon_days(&self) -> u32 {
        self.horizon_days
    }

    /// The start of the runs.
    #[must_use]
    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// The day of the horizon the reader's window opens on (0 unless
    /// [`super::MonteCarlo::read_from_day`] said otherwise).
    #[must_use]
    pub fn from_day(&self) -> u32 {
        self.from_day
    }

    /// The runs with no invitation of the focal candidate before [`Tally::from_day`]: those
    /// in which a candidate asking that day (and not invited yet) can be.
    #[must_use]
    pub fn conditioned_runs(&self) -> u64 {
        let before: u64 = self.focal_first_day[..self.from_day as usize].iter().sum();
        self.runs - before
    }

    /// The chance that the focal candidate was first invited within `days` days of the
    /// start (days past the horizon count as the horizon).
    #[must_use]
    pub fn chance_within(&self, days: u32) -> Interval {
        let last = days.min(self.horizon_days) as usize;
        let k: u64 = self.focal_first_day[..=last].iter().sum();
        Interval::wilson(k, self.runs)
    }

    /// The chance of a first invitation on days `from` to `to` of the horizon among the runs
    /// with none before day `from`, and how many runs that is: what a candidate who has not
    /// been invited by day `from` can expect. With `from` 0 it is [`Tally::chance_within`].
    #[must_use]
    pub fn chance_between(&self, from: u32, to: u32) -> (Interval, u64) {
        let from = (from.min(self.horizon_days)) as usize;
        let to = (to.min(self.horizon_days) as usize).max(from);
        let before: u64 = self.focal_first_day[..from].iter().sum();
        let k: u64 = self.focal_first_day[from..=to].iter().sum();
        let n = self.runs - before;
        (Interval::wilson(k, n), n)
    }

    /// The chance over the whole horizon.
    #[must_use]
    pub fn chance(&self) -> Interval {
        self.chance_within(self.horizon_days)
    }

    /// The chance that the focal candidate landed as a permanent resident within `days` days
    /// of the start (runs that follow the stages after the ITA; 0 otherwise), among the runs
    /// with no invitation before [`Tally::from_day`].
    #[must_use]
    pub fn landing_within(&self, days: u32) -> Interval {
        let last = days.min(self.horizon_days) as usize;
        Interval::wilson(
            self.landed_day[..=last].iter().sum(),
            self.conditioned_runs(),
        )
    }

    /// The chance of landing within the horizon.
    #[must_use]
    pub fn landing(&self) -> Interval {
        self.landing_within(self.horizon_days)
    }

    /// Runs by the focal candidate's stage at the horizon, among the runs with no invitation
    /// before [`Tally::from_day`]. Every such run is in exactly one stage, so the counts add
    /// up to [`Tally::conditioned_runs`]; those of the invited add up to the runs invited from
    /// that day on.
    #[must_use]
    pub fn stages(&self) -> Vec<(Stage, u64)> {
        Stage::ALL
            .iter()
            .copied()
            .zip(self.stages.iter().copied())
            .collect()
    }

    /// The names of the probe profiles.
    #[must_use]
    pub fn probe_profiles(&self) -> &[String] {
        &self.probe_profiles
    }

    /// The chance that probe `profile` at `score` was invited within `weeks` whole weeks
    /// (`None` for an unknown profile or a score outside the probed range).
    #[must_use]
    pub fn probe_chance_within_weeks(
        &self,
        profile: &str,
        score: u16,
        weeks_in: u32,
    ) -> Option<Interval> {
        self.probe_chance_between(profile, score, 0, weeks_in.saturating_mul(7))
    }

    /// The chance a probe is first invited in the weeks of days `from` to `to` among the runs
    /// in which it was not invited in an earlier week (probes are counted by week, so the
    /// condition is on the weeks before the week of `from`). Read from a day
    /// ([`Tally::from_day`]), a probe is the candidate at another score from that day on: it
    /// is judged on the rounds from that day, among the runs with no invitation of the
    /// candidate before it.
    #[must_use]
    pub fn probe_chance_between(
        &self,
        profile: &str,
        score: u16,
        from: u32,
        to: u32,
    ) -> Option<Interval> {
        let p = self.probe_profiles.iter().position(|n| n == profile)?;
        let offset = usize::from(score.checked_sub(self.probe_min)?);
        if offset >= self.probe_scores {
            return None;
        }
        let w = weeks(self.horizon_days);
        let row = &self.probe_first_week[(p * self.probe_scores + offset) * w..][..w];
        let first = (from as usize / 7).min(w - 1);
        let last = (to as usize / 7).clamp(first, w - 1);
        let before: u64 = row[..first].iter().sum();
        Some(Interval::wilson(
            row[first..=last].iter().sum(),
            self.conditioned_runs() - before,
        ))
    }

    /// The chance a probe was invited within the horizon.
    #[must_use]
    pub fn probe_chance(&self, profile: &str, score: u16) -> Option<Interval> {
        self.probe_chance_within_weeks(profile, score, u32::MAX)
    }

    /// The lowest probed score whose chance within the horizon is at least `p` (`None` if no
    /// probed score reaches it, or for an unknown profile).
    #[must_use]
    pub fn score_for(&self, profile: &str, p: f64) -> Option<u16> {
        (0..self.probe_scores)
            .filter_map(|o| u16::try_from(o).ok())
            .map(|o| self.probe_min + o)
            .find(|s| self.probe_chance(profile, *s).is_some_and(|i| i.p >= p))
    }

    /// The targets of the rounds seen, each once, in order.
    #[must_use]
    pub fn targets(&self) -> Vec<Target> {
        let mut t: Vec<Target> = self.cutoffs.keys().map(|k| k.0).collect();
        t.dedup();
        t
    }

    /// The cut-off quantiles (`qs`, each in 0..=1) of the rounds for `target` in month
    /// `month` of the horizon, with the number of rounds (`None` when there were none).
    #[must_use]
    pub fn cutoff_quantiles(
        &self,
        target: Target,
        month: u32,
        qs: &[f64],
    ) -> Option<(u64, Vec<u16>)> {
        let cells: Vec<(u16, u64)> = self
            .cutoffs
            .range((target, month, 0)..=(target, month, u16::MAX))
            .map(|(k, v)| (k.2, *v))
            .collect();
        let n: u64 = cells.iter().map(|c| c.1).sum();
        if n == 0 {
            return None;
        }
        let quantile = |q: f64| {
            // The smallest cut-off whose cumulative count reaches q·n (at least one round).
            let need = ((q.clamp(0.0, 1.0) * n as f64).ceil() as u64).max(1);
            let mut acc = 0;
            cells
                .iter()
                .find(|c| {
                    acc += c.1;
                    acc >= need
                })
                .map_or(0, |c| c.0)
        };
        Some((n, qs.iter().map(|q| quantile(*q)).collect()))
    }

    /// The months of the horizon in which `target` held rounds.
    #[must_use]
    pub fn cutoff_months(&self, target: Target) -> Vec<u32> {
        let mut m: Vec<u32> = self
            .cutoffs
            .keys()
            .filter(|k| k.0 == target)
            .map(|k| k.1)
            .collect();
        m.dedup();
        m
    }
}

/// A tally as read from a file, before its layout is checked.
#[derive(Deserialize)]
struct RawTally {
    seed: u64,
    start: Timestamp,
    horizon_days: u32,
    #[serde(default)]
    from_day: u32,
    runs: u64,
    focal_first_day: Vec<u64>,
    #[serde(default)]
    landed_day: Vec<u64>,
    #[serde(default)]
    stages: Vec<u64>,
    probe_profiles: Vec<String>,
    probe_min: u16,
    probe_scores: usize,
    probe_first_week: Vec<u64>,
    #[serde(with = "cutoff_entries")]
    cutoffs: CutoffCounts,
    #[serde(default)]
    runs_with_round: Vec<(Target, u64)>,
}

impl TryFrom<RawTally> for Tally {
    type Error = crate::error::Error;

    fn try_from(mut r: RawTally) -> Result<Self> {
        let days = r.horizon_days as usize + 1;
        // Tallies written before landing was followed have no landing counts: zeros.
        if r.landed_day.is_empty() {
            r.landed_day = vec![0; days];
        }
        if r.stages.is_empty() {
            r.stages = vec![0; Stage::ALL.len()];
        }
        let landed: u64 = r.landed_day.iter().sum();
        let staged: u64 = r.stages.iter().sum();
        let probes = r.probe_profiles.len() * r.probe_scores * weeks(r.horizon_days);
        let counted: u64 = r.focal_first_day.iter().sum();
        let landing_ok = r.from_day <= r.horizon_days
            && r.landed_day.len() == days
            && r.stages.len() == Stage::ALL.len()
            && landed <= r.runs
            && staged <= r.runs
            && r.runs_with_round.iter().all(|e| e.1 <= r.runs);
        if r.focal_first_day.len() != days
            || r.probe_first_week.len() != probes
            || counted > r.runs
            || !landing_ok
        {
            return Err(ErrorKind::InvalidSimulation {
                what: "tally",
                expected: format!(
                    "{days} daily counts summing to at most {} runs, {probes} probe counts and landing counts of the same shape",
                    r.runs
                ),
                found: format!(
                    "{} daily counts summing to {counted} and {} probe counts",
                    r.focal_first_day.len(),
                    r.probe_first_week.len()
                ),
            }
            .into());
        }
        Ok(Tally {
            seed: r.seed,
            start: r.start,
            horizon_days: r.horizon_days,
            from_day: r.from_day,
            runs: r.runs,
            focal_first_day: r.focal_first_day,
            landed_day: r.landed_day,
            stages: r.stages,
            probe_profiles: r.probe_profiles,
            probe_min: r.probe_min,
            probe_scores: r.probe_scores,
            probe_first_week: r.probe_first_week,
            cutoffs: r.cutoffs,
            runs_with_round: r.runs_with_round,
        })
    }
}

/// Weeks of probe counters: one per started week of the horizon.
fn weeks(horizon_days: u32) -> usize {
    horizon_days as usize / 7 + 1
}

/// Months since year 0 of an instant's UTC date.
fn month_number(t: Timestamp) -> i64 {
    let d = t.date();
    i64::from(d.year()) * 12 + i64::from(d.month()) - 1
}

/// (De)serialises the cut-off counts as a list, since JSON keys must be strings.
mod cutoff_entries {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::CutoffCounts;
    use crate::draw::Target;

    #[derive(Serialize, Deserialize)]
    struct Cell {
        target: Target,
        month: u32,
        cutoff: u16,
        rounds: u64,
    }

    pub(super) fn serialize<S: Serializer>(map: &CutoffCounts, s: S) -> Result<S::Ok, S::Error> {
        let cells: Vec<Cell> = map
            .iter()
            .map(|(k, v)| Cell {
                target: k.0,
                month: k.1,
                cutoff: k.2,
                rounds: *v,
            })
            .collect();
        cells.serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<CutoffCounts, D::Error> {
        let cells = Vec::<Cell>::deserialize(d)?;
        Ok(cells
            .into_iter()
            .map(|c| ((c.target, c.month, c.cutoff), c.rounds))
            .collect())
    }
}
