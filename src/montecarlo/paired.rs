//! Paired comparisons: hypothetical candidates judged on the same simulated rounds.

use serde::{Deserialize, Serialize};

use super::interval::Interval;
use super::{MonteCarlo, RunModel};
use crate::candidate::Eligibility;
use crate::draw::{DrawRecord, Standing};
use crate::score::CrsScore;
use crate::time::Timestamp;

/// A hypothetical candidate: what it is eligible for and its score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    /// What the candidate is eligible for.
    pub eligibility: Eligibility,
    /// Its score.
    pub score: CrsScore,
}

/// One variant against the base, over the same runs: how often each was invited within the
/// window, and how often only one of them was.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairedCounts {
    /// Runs.
    pub runs: u64,
    /// Runs in which the base candidate was invited.
    pub base: u64,
    /// Runs in which the variant was invited.
    pub variant: u64,
    /// Runs in which only the base candidate was invited.
    pub base_only: u64,
    /// Runs in which only the variant was invited.
    pub variant_only: u64,
}

/// A difference of two chances with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The estimate.
    pub d: f64,
    /// The lower end.
    pub lo: f64,
    /// The upper end.
    pub hi: f64,
}

const Z95: f64 = 1.959_963_984_540_054;

impl PairedCounts {
    /// The base candidate's chance.
    #[must_use]
    pub fn base_chance(&self) -> Interval {
        Interval::wilson(self.base, self.runs)
    }

    /// The variant's chance.
    #[must_use]
    pub fn variant_chance(&self) -> Interval {
        Interval::wilson(self.variant, self.runs)
    }

    /// The variant's chance minus the base's, with the Agresti-Min 95% interval for paired
    /// proportions (half a run added to each cell of the 2×2 table). Only the runs where the
    /// two differ carry information, which is why pairing on the same runs gives a far
    /// narrower interval than two independent estimates.
    #[must_use]
    pub fn difference(&self) -> Difference {
        if self.runs == 0 {
            return Difference {
                d: 0.0,
                lo: -1.0,
                hi: 1.0,
            };
        }
        let n = self.runs as f64;
        let d = (self.variant_only as f64 - self.base_only as f64) / n;
        let (b, c, m) = (
            self.base_only as f64 + 0.5,
            self.variant_only as f64 + 0.5,
            n + 2.0,
        );
        let centre = (c - b) / m;
        let var = ((b + c) - (c - b) * (c - b) / m) / (m * m);
        let half = Z95 * var.max(0.0).sqrt();
        Difference {
            d,
            lo: (centre - half).max(-1.0),
            hi: (centre + half).min(1.0),
        }
    }

    fn add(&mut self, o: &PairedCounts) {
        self.runs += o.runs;
        self.base += o.base;
        self.variant += o.variant;
        self.base_only += o.base_only;
        self.variant_only += o.variant_only;
    }
}

/// The first round of `draws` that invites `point`, submitted at `submitted` and valid
/// `validity`.
fn first_invitation(
    point: Point,
    submitted: Timestamp,
    expires: Timestamp,
    draws: &[DrawRecord],
) -> Option<Timestamp> {
    draws
        .iter()
        .find(|d| {
            d.invites(&Standing {
                eligibility: point.eligibility,
                score: point.score,
                submitted_at: submitted,
                expires,
            })
        })
        .map(|d| d.at)
}

/// The last second of day `day` of a model's runs: a window counted in days takes in the
/// rounds of its last day.
fn window_end<M: RunModel>(model: &M, day: u32) -> Timestamp {
    model.start().plus_days(i64::from(day)).plus_seconds(86_399)
}

/// The windows a comparison or a batch reads, in days of the runs: each opens at the start
/// of day `from` (today, when the runs start at the data's date) and closes at the end of one
/// day of `ends`. A candidate invited before `from` is not counted: the chances are those of
/// a candidate who has not been invited by then.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Windows {
    from: u32,
    ends: Vec<u32>,
}

impl Windows {
    /// One window from the start of the runs to the end of day `days`.
    #[must_use]
    pub fn within(days: u32) -> Self {
        Windows {
            from: 0,
            ends: vec![days],
        }
    }

    /// Windows from day `from` to each day of `ends`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidSimulation`] unless `ends` is not empty, ascending, and
    /// each end is at least `from`.
    ///
    /// # Example
    /// ```
    /// use eesim::montecarlo::Windows;
    /// let w = Windows::new(30, vec![60, 120])?;
    /// assert_eq!((w.from(), w.ends()), (30, &[60, 120][..]));
    /// assert!(Windows::new(30, vec![20]).is_err());
    /// # Ok::<(), eesim::Error>(())
    /// ```
    pub fn new(from: u32, ends: Vec<u32>) -> crate::error::Result<Self> {
        if ends.is_empty() || ends[0] < from || ends.windows(2).any(|w| w[1] < w[0]) {
            return Err(crate::error::ErrorKind::InvalidSimulation {
                what: "windows",
                expected: format!("one or more ascending end days, each at least {from}"),
                found: format!("{ends:?}"),
            }
            .into());
        }
        Ok(Windows { from, ends })
    }

    /// The day the windows open on.
    #[must_use]
    pub fn from(&self) -> u32 {
        self.from
    }

    /// The days the windows close on, ascending.
    #[must_use]
    pub fn ends(&self) -> &[u32] {
        &self.ends
    }

    /// The last day of the longest window.
    #[must_use]
    pub fn last(&self) -> u32 {
        self.ends.last().copied().unwrap_or(self.from)
    }

    /// The index of the first round of `draws` held on or after the opening day of runs
    /// that start at `start`.
    fn opening(&self, start: Timestamp, draws: &[DrawRecord]) -> usize {
        let open = start.plus_days(i64::from(self.from));
        draws.partition_point(|d| d.at < open)
    }
}

impl MonteCarlo {
    /// The batch of compare and judge between progress calls: a twentieth of the runs, at
    /// least 500.
    fn pair_batch(&self) -> u64 {
        (self.runs / 20).max(500)
    }

    /// Compares hypothetical candidates on the same runs (common random numbers): `base` and
    /// each of `variants`, all submitted at `submitted` (valid as long as the model's
    /// profiles), judged as
    /// probes against each run's rounds; counts whether each is invited within `within_days`
    /// of the start. The counts are integers folded exactly, so the result is the same on
    /// any number of threads.
    ///
    /// # Example
    /// ```
    /// use eesim::montecarlo::{MonteCarlo, Point, RunModel};
    /// use eesim::scenario::{Scenario, ScenarioRun};
    /// use eesim::{CrsScore, Eligibility, Program};
    ///
    /// let scenario = Scenario::default_calibrated()?;
    /// let model = ScenarioRun::new(&scenario, None, 182)?;
    /// let cec = Eligibility::none().with_program(Program::Cec);
    /// let base = Point { eligibility: cec, score: CrsScore::new(495)? };
    /// let better = Point { eligibility: cec, score: CrsScore::new(510)? };
    /// let [c] = MonteCarlo::new(300, 1).compare(&model, model.start(), base, &[better], 182)[..] else { panic!() };
    /// assert!(c.difference().d >= 0.0 && c.base_only == 0);
    /// # Ok::<(), eesim::Error>(())
    /// ```
    pub fn compare<M: RunModel>(
        &self,
        model: &M,
        submitted: Timestamp,
        base: Point,
        variants: &[Point],
        within_days: u32,
    ) -> Vec<PairedCounts> {
        self.compare_windows(
            model,
            submitted,
            base,
            variants,
            &Windows::within(within_days),
            |_| {},
        )
        .into_iter()
        .map(|w| w[0])
        .collect()
    }

    /// [`MonteCarlo::compare`] over several windows that open on the same day, in batches of
    /// a twentieth of the runs (at least 500), calling `progress` after each; for each
    /// variant, the counts of each window. Only the runs in which `base` is not invited
    /// before the windows open are counted (the candidate has not been invited by today),
    /// and a variant is judged on the rounds from that day on (an improvement made today
    /// cannot reach an earlier round). Run `i` draws from the same stream whatever the
    /// batch, so the counts are those of one pass.
    pub fn compare_windows<M: RunModel>(
        &self,
        model: &M,
        submitted: Timestamp,
        base: Point,
        variants: &[Point],
        windows: &Windows,
        mut progress: impl FnMut(&super::Progress),
    ) -> Vec<Vec<PairedCounts>> {
        let expires = model.profile_validity().after(submitted);
        let limits: Vec<Timestamp> = windows.ends.iter().map(|d| window_end(model, *d)).collect();
        let n = limits.len();
        let empty = || vec![PairedCounts::default(); variants.len() * n];
        let counts = self.fold_runs(
            model,
            0..self.runs,
            self.pair_batch(),
            &empty,
            &|counts, report| {
                let open = windows.opening(model.start(), &report.draws);
                if first_invitation(base, submitted, expires, &report.draws[..open]).is_some() {
                    return;
                }
                let from_today = &report.draws[open..];
                let b = first_invitation(base, submitted, expires, from_today);
                for (k, v) in variants.iter().enumerate() {
                    let x = first_invitation(*v, submitted, expires, from_today);
                    for (w, limit) in limits.iter().enumerate() {
                        let b = b.is_some_and(|t| t <= *limit);
                        let x = x.is_some_and(|t| t <= *limit);
                        counts[k * n + w].add(&PairedCounts {
                            runs: 1,
                            base: u64::from(b),
                            variant: u64::from(x),
                            base_only: u64::from(b && !x),
                            variant_only: u64::from(x && !b),
                        });
                    }
                }
            },
            &|a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    x.add(y);
                }
            },
            |total, done| {
                progress(&super::Progress {
                    done,
                    planned: self.runs,
                    chance: total.get(n - 1).map(PairedCounts::base_chance),
                });
                false
            },
        );
        counts.chunks(n.max(1)).map(<[_]>::to_vec).collect()
    }
}

/// A candidate judged as a probe by [`MonteCarlo::judge`]: what it is eligible for, its
/// score, and when its profile was submitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judged {
    /// Eligibility and score.
    pub point: Point,
    /// When the profile was submitted.
    pub submitted: Timestamp,
}

/// What [`MonteCarlo::judge`] counts over the runs.
///
/// Integer counts: the counts of any split of the runs ([`MonteCarlo::judge_runs`] on each
/// [`super::Shard`]) merge ([`JudgedCounts::merge`]) into exactly the counts of all the runs.
/// They serialise (the targets as a list of pairs, since JSON keys must be strings), so
/// shards computed apart can be combined.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgedCounts {
    /// Runs.
    pub runs: u64,
    /// The windows read.
    pub windows: Windows,
    /// For each candidate, in order, the runs in which it was invited before the windows
    /// open (those runs are not counted in its chances).
    pub before: Vec<u64>,
    /// For candidate `i` and window `w`, at `i * windows + w`: the runs in which it was
    /// invited within the window.
    pub invited: Vec<u64>,
    /// For each target that held a round within the longest window in some run, the runs in
    /// which it held at least one (the others had none).
    #[serde(with = "target_counts")]
    pub with_round: std::collections::BTreeMap<crate::draw::Target, u64>,
}

/// (De)serialises counts by target as a list of `[target, count]` pairs.
mod target_counts {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::draw::Target;

    pub(super) fn serialize<S: Serializer>(
        map: &BTreeMap<Target, u64>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        map.iter().collect::<Vec<_>>().serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<Target, u64>, D::Error> {
        Ok(Vec::<(Target, u64)>::deserialize(d)?.into_iter().collect())
    }
}

impl JudgedCounts {
    /// No runs yet, for `candidates` candidates over `windows`.
    fn empty(candidates: usize, windows: &Windows) -> Self {
        JudgedCounts {
            runs: 0,
            windows: windows.clone(),
            before: vec![0; candidates],
            invited: vec![0; candidates * windows.ends.len()],
            with_round: std::collections::BTreeMap::new(),
        }
    }

    /// Adds the counts of other runs of the same judgement (the same candidates, seed, model
    /// and windows: the caller knows the candidates and the model; the windows and the number
    /// of candidates are checked here).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidSimulation`] when the two read other windows or count
    /// different numbers of candidates, or a count exceeds its runs.
    ///
    /// # Example
    /// ```
    /// use eesim::montecarlo::{Judged, MonteCarlo, Point, RunModel, Shard, Windows};
    /// use eesim::scenario::{Scenario, ScenarioRun};
    /// use eesim::{CrsScore, Eligibility, Program};
    ///
    /// let scenario = Scenario::default_calibrated()?;
    /// let model = ScenarioRun::new(&scenario, None, 91)?;
    /// let who = [Judged {
    ///     point: Point { eligibility: Eligibility::none().with_program(Program::Cec), score: CrsScore::new(500)? },
    ///     submitted: model.start().plus_days(-30),
    /// }];
    /// let (mc, windows) = (MonteCarlo::new(200, 3), Windows::new(0, vec![30, 91])?);
    /// let mut shards = Shard::all(3)?.map(|s| mc.judge_runs(&model, &who, &windows, s.runs(200)));
    /// let mut merged = shards.next().unwrap();
    /// for part in shards {
    ///     merged.merge(&part)?;
    /// }
    /// assert_eq!(merged, mc.judge(&model, &who, &windows, |_| {}));
    /// # Ok::<(), eesim::Error>(())
    /// ```
    pub fn merge(&mut self, other: &JudgedCounts) -> crate::error::Result<()> {
        let fits = |c: &JudgedCounts| {
            c.invited.iter().chain(&c.before).all(|n| *n <= c.runs)
                && c.with_round.values().all(|n| *n <= c.runs)
                && c.invited.len() == c.before.len() * c.windows.ends.len()
        };
        if self.windows != other.windows || self.before.len() != other.before.len() || !fits(other)
        {
            return Err(crate::error::invalid_simulation(
                "judged counts merge",
                format!(
                    "counts of {} candidates over the windows {:?} from day {}, each at most its runs",
                    self.before.len(),
                    self.windows.ends,
                    self.windows.from
                ),
                format!(
                    "counts of {} candidates over the windows {:?} from day {}, {} runs",
                    other.before.len(),
                    other.windows.ends,
                    other.windows.from,
                    other.runs
                ),
            ));
        }
        self.add(other);
        Ok(())
    }

    fn add(&mut self, o: &JudgedCounts) {
        self.runs += o.runs;
        for (a, b) in self.before.iter_mut().zip(&o.before) {
            *a += b;
        }
        for (a, b) in self.invited.iter_mut().zip(&o.invited) {
            *a += b;
        }
        for (t, n) in &o.with_round {
            *self.with_round.entry(*t).or_insert(0) += n;
        }
    }

    /// The runs in which candidate `i` was not invited before the windows open: those its
    /// chances are shares of (`None` past the end).
    #[must_use]
    pub fn conditioned_runs(&self, i: usize) -> Option<u64> {
        self.before.get(i).map(|b| self.runs - b)
    }

    /// The chance that candidate `i` is invited within window `w`, among the runs in which
    /// it was not invited before the window opens (`None` past the end).
    #[must_use]
    pub fn chance(&self, i: usize, w: usize) -> Option<Interval> {
        let n = self.windows.ends.len();
        if w >= n {
            return None;
        }
        let k = self.invited.get(i * n + w)?;
        Some(Interval::wilson(*k, self.conditioned_runs(i)?))
    }

    /// The chance that `target` holds no round within the longest window.
    #[must_use]
    pub fn no_round(&self, target: crate::draw::Target) -> Interval {
        let with = self.with_round.get(&target).copied().unwrap_or(0);
        Interval::wilson(self.runs - with.min(self.runs), self.runs)
    }
}

impl MonteCarlo {
    /// Judges many candidates on the same runs (common random numbers): each run is sampled
    /// once, from the same stream as [`MonteCarlo::estimate`] and [`MonteCarlo::compare`]
    /// use, and every candidate is judged as a probe against its rounds (as `compare`
    /// judges its variants: invited by a round that targets it, held while its profile is
    /// valid, that reaches its score). So a thousand candidates cost one set of runs, and
    /// each candidate's counts are the same whoever else is judged with it. A candidate's
    /// chances in `windows` are shares of the runs in which it was not invited before they
    /// open. Also counts, for each target, the runs with a round within the longest window.
    /// `progress` gets the runs done after each batch (a twentieth of the runs, at least
    /// 500); the counts are integers folded exactly, the same on any number of threads.
    ///
    /// # Example
    /// ```
    /// use eesim::montecarlo::{Judged, MonteCarlo, Point, RunModel, Windows};
    /// use eesim::scenario::{Scenario, ScenarioRun};
    /// use eesim::{CrsScore, Eligibility, Program};
    ///
    /// let scenario = Scenario::default_calibrated()?;
    /// let model = ScenarioRun::new(&scenario, None, 182)?;
    /// let cec = Eligibility::none().with_program(Program::Cec);
    /// let at = |s| Ok::<_, eesim::Error>(Judged {
    ///     point: Point { eligibility: cec, score: CrsScore::new(s)? },
    ///     submitted: model.start().plus_days(-30),
    /// });
    /// let windows = Windows::new(0, vec![91, 182])?;
    /// let counts = MonteCarlo::new(300, 1).judge(&model, &[at(480)?, at(520)?], &windows, |_| {});
    /// assert!(counts.invited[0] <= counts.invited[2]);
    /// assert!(counts.chance(1, 0).unwrap().p <= counts.chance(1, 1).unwrap().p);
    /// assert_eq!(counts.runs, 300);
    /// # Ok::<(), eesim::Error>(())
    /// ```
    pub fn judge<M: RunModel>(
        &self,
        model: &M,
        candidates: &[Judged],
        windows: &Windows,
        progress: impl FnMut(&super::Progress),
    ) -> JudgedCounts {
        self.judge_within(model, candidates, windows, 0..self.runs, progress)
    }

    /// [`MonteCarlo::judge`] on the runs with indices in `runs` only: one shard of a
    /// judgement, to be merged with the others ([`JudgedCounts::merge`]) into exactly the
    /// counts of all the runs.
    pub fn judge_runs<M: RunModel>(
        &self,
        model: &M,
        candidates: &[Judged],
        windows: &Windows,
        runs: std::ops::Range<u64>,
    ) -> JudgedCounts {
        self.judge_within(model, candidates, windows, runs, |_| {})
    }

    fn judge_within<M: RunModel>(
        &self,
        model: &M,
        candidates: &[Judged],
        windows: &Windows,
        runs: std::ops::Range<u64>,
        mut progress: impl FnMut(&super::Progress),
    ) -> JudgedCounts {
        let planned = runs.end.saturating_sub(runs.start);
        let validity = model.profile_validity();
        let limits: Vec<Timestamp> = windows.ends.iter().map(|d| window_end(model, *d)).collect();
        let n = limits.len();
        let last = limits.last().copied().unwrap_or(model.start());
        let open_at = model.start().plus_days(i64::from(windows.from));
        let empty = || JudgedCounts::empty(candidates.len(), windows);
        self.fold_runs(
            model,
            runs,
            self.pair_batch(),
            &empty,
            &|counts, report| {
                // Only the rounds up to the longest window's end can count.
                let k = report.draws.partition_point(|d| d.at <= last);
                let draws = &report.draws[..k];
                let open = windows.opening(model.start(), draws);
                let mut seen: Vec<crate::draw::Target> = Vec::new();
                for d in &draws[open..] {
                    if !seen.contains(&d.target) {
                        seen.push(d.target);
                    }
                }
                for t in seen {
                    *counts.with_round.entry(t).or_insert(0) += 1;
                }
                for (i, c) in candidates.iter().enumerate() {
                    let expires = validity.after(c.submitted);
                    match first_invitation(c.point, c.submitted, expires, draws) {
                        Some(t) if t < open_at => {
                            counts.before[i] += 1;
                        }
                        Some(t) => {
                            for (w, limit) in limits.iter().enumerate() {
                                counts.invited[i * n + w] += u64::from(t <= *limit);
                            }
                        }
                        None => {}
                    }
                }
                counts.runs += 1;
            },
            &JudgedCounts::add,
            |_, done| {
                progress(&super::Progress {
                    done,
                    planned,
                    chance: None,
                });
                false
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::Program;
    use crate::montecarlo::Shard;
    use crate::scenario::{Scenario, ScenarioRun};

    fn candidates(model: &ScenarioRun<'_>) -> Vec<Judged> {
        let cec = Eligibility::none().with_program(Program::Cec);
        let fsw = Eligibility::none().with_program(Program::Fsw);
        [(cec, 480), (cec, 510), (fsw, 530)]
            .into_iter()
            .map(|(eligibility, s)| Judged {
                point: Point {
                    eligibility,
                    score: CrsScore::new(s).unwrap(),
                },
                submitted: model.start().plus_days(-30),
            })
            .collect()
    }

    #[test]
    fn merged_shards_of_a_judgement_equal_the_whole() {
        let scenario = Scenario::default_calibrated().unwrap();
        let model = ScenarioRun::new(&scenario, None, 120).unwrap();
        let who = candidates(&model);
        let mc = MonteCarlo::new(250, 11);
        let windows = Windows::new(20, vec![50, 120]).unwrap();
        let whole = mc.judge(&model, &who, &windows, |_| {});
        assert_eq!(whole.runs, 250);
        for count in [1, 2, 3, 7] {
            // In reverse: the order of the merge does not matter.
            let shards: Vec<Shard> = Shard::all(count).unwrap().collect();
            let mut merged: Option<JudgedCounts> = None;
            for s in shards.iter().rev() {
                let part = mc.judge_runs(&model, &who, &windows, s.runs(250));
                // Through JSON, as shard files carry them.
                let part: JudgedCounts =
                    serde_json::from_str(&serde_json::to_string(&part).unwrap()).unwrap();
                match &mut merged {
                    None => merged = Some(part),
                    Some(m) => m.merge(&part).unwrap(),
                }
            }
            assert_eq!(merged.unwrap(), whole, "{count} shards");
        }
    }

    #[test]
    fn err_merging_counts_of_other_candidates_or_windows() {
        let windows = Windows::new(0, vec![10]).unwrap();
        let mut a = JudgedCounts::empty(2, &windows);
        a.runs = 3;
        let b = JudgedCounts::empty(1, &windows);
        let e = a.merge(&b).unwrap_err().to_string();
        assert!(e.contains("expected counts of 2 candidates"), "{e}");
        let other = JudgedCounts::empty(2, &Windows::new(0, vec![20]).unwrap());
        assert!(a.merge(&other).is_err());
        let mut over = JudgedCounts::empty(2, &windows);
        over.runs = 1;
        over.invited[0] = 2;
        assert!(a.merge(&over).is_err());
        assert_eq!(a.runs, 3, "a refused merge leaves the counts alone");
    }
}
