//! Monte Carlo: many independent runs in parallel, reproducible, folded into exact tallies.

mod interval;
mod paired;
mod probe;
mod shard;
mod stream;
mod tally;

use std::ops::Range;

use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

pub use interval::Interval;
pub use paired::{Difference, Judged, JudgedCounts, PairedCounts, Point, Windows};
pub use probe::{ProbeProfile, Probes};
pub use shard::Shard;
pub use stream::run_rng;
pub use tally::Tally;

use crate::error::{ErrorKind, Result};
use crate::sim::{RunReport, Simulation};
use crate::time::Timestamp;

/// Something that produces one simulated future per call, from an RNG.
///
/// [`Simulation`] is one (a fixed pool and schedule; only responses and withdrawals are
/// random); a scenario that draws its schedule, arrivals and parameters at random is another.
/// `sample` must take all its randomness from `rng`, so that a run depends only on its
/// stream.
pub trait RunModel: Sync {
    /// When every run starts.
    fn start(&self) -> Timestamp;
    /// How many days every run covers.
    fn horizon_days(&self) -> u32;
    /// One run.
    fn sample(&self, rng: &mut ChaCha8Rng) -> RunReport;
    /// How long a profile stays in the pool: probes and paired comparisons judge profiles
    /// with it (12 months unless the model says otherwise).
    fn profile_validity(&self) -> crate::time::Period {
        crate::time::Period::TWELVE_MONTHS
    }
}

impl RunModel for Simulation {
    fn start(&self) -> Timestamp {
        self.start()
    }

    fn horizon_days(&self) -> u32 {
        let days = (self.end().as_second() - self.start().as_second()) / 86_400;
        u32::try_from(days).unwrap_or(u32::MAX)
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> RunReport {
        self.run(rng)
    }

    fn profile_validity(&self) -> crate::time::Period {
        self.pool().validity()
    }
}

/// Where a long run of simulations stands, given to every progress callback (estimate,
/// compare, judge) after each batch of runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// Runs done so far.
    pub done: u64,
    /// Runs planned at most.
    pub planned: u64,
    /// The chance followed so far, where there is one: the focal candidate's over the
    /// horizon (estimate), the base candidate's within the window (compare).
    pub chance: Option<Interval>,
}

/// Runs many simulations and tallies them.
///
/// Run `i` takes its randomness from [`run_rng`]`(seed, i)` and nothing else, and runs fold
/// into integer [`Tally`]s, so an estimate is **bit-identical for any number of threads**, any
/// batch size and any split into shards, and any run can be replayed alone
/// ([`MonteCarlo::replay`]). The library never builds a thread pool: parallel work runs in
/// the caller's rayon context (`ThreadPool::install` to choose the threads).
///
/// With [`MonteCarlo::stop_at_half_width`] the estimate runs in batches and stops early once
/// the 95% interval of the focal chance is narrow enough; batches are fixed ranges of run
/// indices, so where it stops is reproducible too.
///
/// # Example
/// ```
/// use eesim::montecarlo::MonteCarlo;
/// use eesim::{Candidate, CandidateId, CrsScore, DrawSpec, Eligibility, Event, Focal, FocalResponse, Pool, Program, ResponseModel, SimulationBuilder, Target};
///
/// let cec = Eligibility::none().with_program(Program::Cec);
/// let mut pool = Pool::new();
/// pool.add(eesim::Cohort { score: CrsScore::new(520)?, submitted_at: "2025-12-01T00:00:00Z".parse()?, id: CandidateId(1), eligibility: cec, count: 100 })?;
/// let focal = Candidate { id: CandidateId(0), score: CrsScore::new(510)?, submitted_at: "2026-01-02T00:00:00Z".parse()?, eligibility: cec };
/// // Half of those invited decline and come back some day within 60 days: whether they are
/// // back before the second round, and take its places, is random.
/// let sim = SimulationBuilder::new(pool, "2026-01-01T00:00:00Z".parse()?, "2026-04-01T00:00:00Z".parse()?)
///     .event(Event::Draw(DrawSpec::new("2026-01-15T12:00:00Z".parse()?, Target::All, 100)))
///     .event(Event::Draw(DrawSpec::new("2026-02-14T12:00:00Z".parse()?, Target::All, 30)))
///     .focal(Focal { candidate: focal, response: FocalResponse::Apply })
///     .responses(ResponseModel::new(0.5, 0.0)?)
///     .build()?;
/// let tally = MonteCarlo::new(2_000, 42).estimate(&sim);
/// let chance = tally.chance();
/// assert!(chance.lo < chance.p && chance.p < chance.hi);
/// assert!((0.35..0.65).contains(&chance.p), "{chance:?}");
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct MonteCarlo {
    runs: u64,
    seed: u64,
    probes: Option<Probes>,
    stop: Option<(f64, u64)>,
    from_day: u32,
}

impl MonteCarlo {
    /// At most `runs` runs under master seed `seed`.
    pub fn new(runs: u64, seed: u64) -> Self {
        MonteCarlo {
            runs,
            seed,
            probes: None,
            stop: None,
            from_day: 0,
        }
    }

    /// Reads the tally from day `day` of the runs (today, when the runs start at the data's
    /// date): landing and stages count the runs with no invitation before it, and a family's
    /// rounds count from it ([`Tally::from_day`]). The runs themselves are the same.
    pub fn read_from_day(mut self, day: u32) -> Self {
        self.from_day = day;
        self
    }

    /// Also tallies `probes` against every run's rounds.
    pub fn probes(mut self, probes: Probes) -> Self {
        self.probes = Some(probes);
        self
    }

    /// Runs batches of `batch` runs and stops once the half-width of the focal chance's 95%
    /// interval is below `half_width` (or the runs are spent).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSimulation`] unless `0 < half_width < 0.5` and `batch >= 1`.
    pub fn stop_at_half_width(mut self, half_width: f64, batch: u64) -> Result<Self> {
        if !(half_width > 0.0 && half_width < 0.5) || batch == 0 {
            return Err(ErrorKind::InvalidSimulation {
                what: "stopping rule",
                expected: "a half-width between 0 and 0.5 and a batch of at least 1 run".into(),
                found: format!("half-width {half_width}, batch {batch}"),
            }
            .into());
        }
        self.stop = Some((half_width, batch));
        Ok(self)
    }

    /// The master seed.
    #[must_use]
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Runs the estimate.
    pub fn estimate<M: RunModel>(&self, model: &M) -> Tally {
        self.estimate_with_progress(model, |_| {})
    }

    /// Runs the estimate, calling `progress` after each batch (every twentieth of the runs but
    /// at least 2,000 runs, or the stopping rule's batch).
    pub fn estimate_with_progress<M: RunModel>(
        &self,
        model: &M,
        mut progress: impl FnMut(&Progress),
    ) -> Tally {
        let batch = self.stop.map_or((self.runs / 20).max(2_000), |s| s.1);
        let probes = self.probes.as_ref();
        self.fold_runs(
            model,
            0..self.runs,
            batch,
            &|| (self.empty(model), Vec::new()),
            &|(tally, scratch), report| tally.record(&report, probes, scratch),
            &|a, b| a.0.add(&b.0),
            |(total, _), done| {
                let chance = total.chance();
                progress(&Progress {
                    done,
                    planned: self.runs,
                    chance: Some(chance),
                });
                self.stop.is_some_and(|(hw, _)| chance.half_width() < hw)
            },
        )
        .0
    }

    /// Tallies the runs with indices in `runs`, in parallel: one shard of an estimate, to be
    /// merged with the others ([`Tally::merge`]).
    pub fn tally_runs<M: RunModel>(&self, model: &M, runs: Range<u64>) -> Tally {
        let probes = self.probes.as_ref();
        let len = runs.end.saturating_sub(runs.start).max(1);
        self.fold_runs(
            model,
            runs,
            len,
            &|| (self.empty(model), Vec::new()),
            &|(tally, scratch), report| tally.record(&report, probes, scratch),
            &|a, b| a.0.add(&b.0),
            |_, _| false,
        )
        .0
    }

    /// The one Monte Carlo loop behind [`MonteCarlo::estimate`], [`MonteCarlo::compare`] and
    /// [`MonteCarlo::judge`]: the runs of `runs` in batches of `batch` run indices; inside a
    /// batch, in parallel, run `i` is sampled from [`run_rng`]`(seed, i)` and folded into a
    /// per-thread accumulator by `record`; accumulators merge with `merge` (which must be
    /// exact, so that the result is the same on any number of threads). After each batch
    /// `after` sees the total and the runs done, and stops the loop by returning `true`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fold_runs<M: RunModel, A: Send>(
        &self,
        model: &M,
        runs: Range<u64>,
        batch: u64,
        empty: &(dyn Fn() -> A + Sync),
        record: &(dyn Fn(&mut A, RunReport) + Sync),
        merge: &(dyn Fn(&mut A, &A) + Sync),
        mut after: impl FnMut(&A, u64) -> bool,
    ) -> A {
        let mut total = empty();
        let mut done = runs.start;
        while done < runs.end {
            let end = done.saturating_add(batch.max(1)).min(runs.end);
            let part = (done..end)
                .into_par_iter()
                .fold(empty, |mut acc, i| {
                    record(&mut acc, model.sample(&mut run_rng(self.seed, i)));
                    acc
                })
                .reduce(empty, |mut a, b| {
                    merge(&mut a, &b);
                    a
                });
            merge(&mut total, &part);
            done = end;
            if after(&total, done - runs.start) {
                break;
            }
        }
        total
    }

    /// Run `run` alone, exactly as the estimate ran it.
    pub fn replay<M: RunModel>(&self, model: &M, run: u64) -> RunReport {
        model.sample(&mut run_rng(self.seed, run))
    }

    fn empty<M: RunModel>(&self, model: &M) -> Tally {
        Tally::new(
            self.seed,
            model.start(),
            model.horizon_days(),
            self.from_day,
            self.probes.as_ref(),
        )
    }
}
