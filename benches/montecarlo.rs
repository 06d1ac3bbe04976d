//! Monte Carlo on the embedded default scenario: runs per second, fluid against exact, and
//! the scaling from one thread to two.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion};
use eesim::montecarlo::{MonteCarlo, ProbeProfile, Probes, RunModel};
use eesim::scenario::{Engine, FocalSpec, Scenario, ScenarioRun};
use eesim::{CrsScore, Timestamp};

fn model(scenario: &Scenario, engine: Engine) -> ScenarioRun<'_> {
    let focal = FocalSpec::new(
        CrsScore::new(505).unwrap(),
        eesim::Membership::from_names(["cec"], ["french"]).unwrap(),
        Timestamp::start_of_day(scenario.as_of()).plus_days(-30),
    );
    ScenarioRun::new(scenario, Some(focal), 182)
        .unwrap()
        .engine(engine)
}

fn probes(model: &ScenarioRun<'_>) -> Probes {
    let e = model.focal_eligibility().unwrap().unwrap();
    let you = ProbeProfile {
        name: "you".into(),
        eligibility: e,
        submitted_at: model.start().plus_days(-30),
    };
    Probes::new(
        vec![you],
        CrsScore::new(300).unwrap(),
        CrsScore::new(600).unwrap(),
    )
    .unwrap()
}

pub(crate) fn define(c: &mut Criterion) {
    let scenario = Scenario::default_calibrated().unwrap();
    let mut group = c.benchmark_group("montecarlo");
    group.sample_size(10);
    for threads in [1_usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let fluid = model(&scenario, Engine::Fluid);
        let mc = MonteCarlo::new(1_000, 42).probes(probes(&fluid));
        group.bench_function(
            BenchmarkId::new("fluid_1000_runs_26_weeks", format!("{threads}_threads")),
            |b| b.iter(|| pool.install(|| black_box(mc.estimate(black_box(&fluid))).runs())),
        );
        let exact = model(&scenario, Engine::Exact);
        let mc = MonteCarlo::new(50, 42).probes(probes(&exact));
        group.bench_function(
            BenchmarkId::new("exact_50_runs_26_weeks", format!("{threads}_threads")),
            |b| b.iter(|| pool.install(|| black_box(mc.estimate(black_box(&exact))).runs())),
        );
    }
    // One run of the default scenario, each engine: what a simulated future costs.
    for engine in [Engine::Fluid, Engine::Exact] {
        let run = model(&scenario, engine);
        let mut stream = 0_u64;
        group.bench_function(
            BenchmarkId::new("one_run_26_weeks", format!("{engine:?}")),
            |b| {
                b.iter(|| {
                    stream += 1;
                    black_box(
                        run.sample(&mut eesim::montecarlo::run_rng(42, stream))
                            .draws
                            .len(),
                    )
                })
            },
        );
    }
    group.finish();
    // Calibrating a scenario from the shared feed, as `chance --feed` does on the fly.
    if let Some(path) = std::env::var_os("EESIM_FEED") {
        let (history, _) = eesim::feed::FeedReader::new().read_path(path).unwrap();
        let as_of = jiff::civil::Date::new(2026, 2, 21).unwrap();
        let mut group = c.benchmark_group("calibrate");
        group.sample_size(10);
        // With the combination's record kept (the cache directory), as on every command
        // after the first on a feed; and scoring the record anew, as on the first.
        let options = eesim::forecast::ModelOptions::default();
        let mut records = eesim::forecast::Records::new();
        let _ = Scenario::calibrated_with_records(&history, as_of, &options, &mut records);
        group.bench_function("scenario_from_the_shared_feed", |b| {
            b.iter(|| {
                black_box(
                    Scenario::calibrated_with_records(&history, as_of, &options, &mut records)
                        .unwrap(),
                )
            })
        });
        group.bench_function("scenario_and_its_record_from_the_shared_feed", |b| {
            b.iter(|| black_box(Scenario::calibrated(&history, as_of).unwrap()))
        });
        group.finish();
    }
}
