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

/// The last second of day `within_days` of a model's runs: a window counted in days takes
/// in the rounds of its last day.
fn window_end<M: RunModel>(model: &M, within_days: u32) -> Timestamp {
    model
        .start()
        .plus_days(i64::from(within_days))
        .plus_seconds(86_399)
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
        self.compare_with_progress(model, submitted, base, variants, within_days, |_| {})
    }

    /// [`MonteCarlo::compare`] in batches of a twentieth of the runs (at least 500), calling
    /// `progress` after each. The counts are the same as `compare`'s: run `i` draws from the
    /// same stream whatever the batch.
    pub fn compare_with_progress<M: RunModel>(
        &self,
        model: &M,
        submitted: Timestamp,
        base: Point,
        variants: &[Point],
        within_days: u32,
        mut progress: impl FnMut(&super::Progress),
    ) -> Vec<PairedCounts> {
        let expires = model.profile_validity().after(submitted);
        let limit = window_end(model, within_days);
        let empty = || vec![PairedCounts::default(); variants.len()];
        self.fold_runs(
            model,
            0..self.runs,
            self.pair_batch(),
            &empty,
            &|counts, report| {
                let invited = |p: Point| {
                    first_invitation(p, submitted, expires, &report.draws)
                        .is_some_and(|t| t <= limit)
                };
                let b = invited(base);
                for (c, v) in counts.iter_mut().zip(variants) {
                    let x = invited(*v);
                    c.add(&PairedCounts {
                        runs: 1,
                        base: u64::from(b),
                        variant: u64::from(x),
                        base_only: u64::from(b && !x),
                        variant_only: u64::from(x && !b),
                    });
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
                    chance: total.first().map(PairedCounts::base_chance),
                });
                false
            },
        )
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgedCounts {
    /// Runs.
    pub runs: u64,
    /// For each candidate, in order, the runs in which it was invited within the window.
    pub invited: Vec<u64>,
    /// For each target that held a round within the window in some run, the runs in which
    /// it held at least one (the others had none).
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
    /// Adds the counts of other runs of the same judgement (the same candidates, seed, model
    /// and window: the caller knows those; only the number of candidates can be checked
    /// here).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidSimulation`] when the two count different numbers of
    /// candidates, or a count exceeds its runs.
    ///
    /// # Example
    /// ```
    /// use eesim::montecarlo::{Judged, MonteCarlo, Point, RunModel, Shard};
    /// use eesim::scenario::{Scenario, ScenarioRun};
    /// use eesim::{CrsScore, Eligibility, Program};
    ///
    /// let scenario = Scenario::default_calibrated()?;
    /// let model = ScenarioRun::new(&scenario, None, 91)?;
    /// let who = [Judged {
    ///     point: Point { eligibility: Eligibility::none().with_program(Program::Cec), score: CrsScore::new(500)? },
    ///     submitted: model.start().plus_days(-30),
    /// }];
    /// let mc = MonteCarlo::new(200, 3);
    /// let mut merged = eesim::montecarlo::JudgedCounts::default();
    /// for shard in Shard::all(3)? {
    ///     merged.merge(&mc.judge_runs(&model, &who, 91, shard.runs(200)))?;
    /// }
    /// assert_eq!(merged, mc.judge(&model, &who, 91, |_| {}));
    /// # Ok::<(), eesim::Error>(())
    /// ```
    pub fn merge(&mut self, other: &JudgedCounts) -> crate::error::Result<()> {
        let fits = |c: &JudgedCounts| {
            c.invited.iter().all(|n| *n <= c.runs) && c.with_round.values().all(|n| *n <= c.runs)
        };
        let empty = self.runs == 0 && self.invited.is_empty() && self.with_round.is_empty();
        if (!empty && self.invited.len() != other.invited.len()) || !fits(other) {
            return Err(crate::error::invalid_simulation(
                "judged counts merge",
                format!(
                    "counts of {} candidates, each at most its runs",
                    if empty {
                        other.invited.len()
                    } else {
                        self.invited.len()
                    }
                ),
                format!(
                    "counts of {} candidates over {} runs",
                    other.invited.len(),
                    other.runs
                ),
            ));
        }
        self.add(other);
        Ok(())
    }

    fn add(&mut self, o: &JudgedCounts) {
        self.runs += o.runs;
        if self.invited.len() < o.invited.len() {
            self.invited.resize(o.invited.len(), 0);
        }
        for (a, b) in self.invited.iter_mut().zip(&o.invited) {
            *a += b;
        }
        for (t, n) in &o.with_round {
            *self.with_round.entry(*t).or_insert(0) += n;
        }
    }

    /// The chance that candidate `i` is invited within the window (`None` past the end).
    #[must_use]
    pub fn chance(&self, i: usize) -> Option<Interval> {
        self.invited.get(i).map(|k| Interval::wilson(*k, self.runs))
    }

    /// The chance that `target` holds no round within the window.
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
    /// each candidate's counts are the same whoever else is judged with it. Also counts, for
    /// each target, the runs with a round within the window. `progress` gets the runs done
    /// after each batch (a twentieth of the runs, at least 500); the counts are integers
    /// folded exactly, the same on any number of threads.
    ///
    /// # Example
    /// ```
    /// use eesim::montecarlo::{Judged, MonteCarlo, Point, RunModel};
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
    /// let counts = MonteCarlo::new(300, 1).judge(&model, &[at(480)?, at(520)?], 182, |_| {});
    /// assert!(counts.invited[0] <= counts.invited[1]);
    /// assert_eq!(counts.runs, 300);
    /// # Ok::<(), eesim::Error>(())
    /// ```
    pub fn judge<M: RunModel>(
        &self,
        model: &M,
        candidates: &[Judged],
        within_days: u32,
        progress: impl FnMut(&super::Progress),
    ) -> JudgedCounts {
        self.judge_within(model, candidates, within_days, 0..self.runs, progress)
    }

    /// [`MonteCarlo::judge`] on the runs with indices in `runs` only: one shard of a
    /// judgement, to be merged with the others ([`JudgedCounts::merge`]) into exactly the
    /// counts of all the runs.
    pub fn judge_runs<M: RunModel>(
        &self,
        model: &M,
        candidates: &[Judged],
        within_days: u32,
        runs: std::ops::Range<u64>,
    ) -> JudgedCounts {
        self.judge_within(model, candidates, within_days, runs, |_| {})
    }

    fn judge_within<M: RunModel>(
        &self,
        model: &M,
        candidates: &[Judged],
        within_days: u32,
        runs: std::ops::Range<u64>,
        mut progress: impl FnMut(&super::Progress),
    ) -> JudgedCounts {
        let planned = runs.end.saturating_sub(runs.start);
        let validity = model.profile_validity();
        let limit = window_end(model, within_days);
        let empty = || JudgedCounts {
            invited: vec![0; candidates.len()],
            ..JudgedCounts::default()
        };
        self.fold_runs(
            model,
            runs,
            self.pair_batch(),
            &empty,
            &|counts, report| {
                // Only the rounds within the window can count.
                let k = report.draws.partition_point(|d| d.at <= limit);
                let draws = &report.draws[..k];
                let mut seen: Vec<crate::draw::Target> = Vec::new();
                for d in draws {
                    if !seen.contains(&d.target) {
                        seen.push(d.target);
                    }
                }
                for t in seen {
                    *counts.with_round.entry(t).or_insert(0) += 1;
                }
                for (n, c) in counts.invited.iter_mut().zip(candidates) {
                    let expires = validity.after(c.submitted);
                    let invited = first_invitation(c.point, c.submitted, expires, draws);
                    *n += u64::from(invited.is_some());
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
        let whole = mc.judge(&model, &who, 120, |_| {});
        assert_eq!(whole.runs, 250);
        for count in [1, 2, 3, 7] {
            let mut merged = JudgedCounts::default();
            // In reverse: the order of the merge does not matter.
            let shards: Vec<Shard> = Shard::all(count).unwrap().collect();
            for s in shards.iter().rev() {
                let part = mc.judge_runs(&model, &who, 120, s.runs(250));
                // Through JSON, as shard files carry them.
                let part: JudgedCounts =
                    serde_json::from_str(&serde_json::to_string(&part).unwrap()).unwrap();
                merged.merge(&part).unwrap();
            }
            assert_eq!(merged, whole, "{count} shards");
        }
    }

    #[test]
    fn err_merging_counts_of_other_candidates() {
        let mut a = JudgedCounts {
            runs: 3,
            invited: vec![1, 2],
            ..JudgedCounts::default()
        };
        let b = JudgedCounts {
            runs: 3,
            invited: vec![1],
            ..JudgedCounts::default()
        };
        let e = a.merge(&b).unwrap_err().to_string();
        assert!(e.contains("expected counts of 2 candidates"), "{e}");
        let over = JudgedCounts {
            runs: 1,
            invited: vec![2, 0],
            ..JudgedCounts::default()
        };
        assert!(a.merge(&over).is_err());
        assert_eq!(a.runs, 3, "a refused merge leaves the counts alone");
    }
}
