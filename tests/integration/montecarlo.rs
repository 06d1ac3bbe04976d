//! Monte Carlo estimates: analytic answers, coverage, monotonicity, reproducibility.

use eesim::montecarlo::{Interval, MonteCarlo, ProbeProfile, Probes, RunModel, Tally};
use eesim::{
    Candidate, CandidateId, Cohort, CrsScore, DrawSpec, Eligibility, Event, Focal, FocalResponse,
    Pool, Program, ResponseModel, RunReport, Simulation, SimulationBuilder, Target, Timestamp,
};
use proptest::prelude::*;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Poisson};

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn cec() -> Eligibility {
    Eligibility::none().with_program(Program::Cec)
}

fn block(id: u64, score: u16, at: &str, count: u32) -> Cohort {
    Cohort {
        score: CrsScore::new(score).unwrap(),
        submitted_at: t(at),
        id: CandidateId(id),
        eligibility: cec(),
        count,
    }
}

fn focal(score: u16) -> Focal {
    Focal {
        candidate: Candidate {
            id: CandidateId(0),
            score: CrsScore::new(score).unwrap(),
            submitted_at: t("2026-01-02T00:00:00Z"),
            eligibility: cec(),
        },
        response: FocalResponse::Apply,
    }
}

/// 20 candidates above the focal one, then Poisson(15) arrivals above it before one round of
/// 40: the focal candidate is invited exactly when at most 19 arrive.
struct PoissonArrivals;

const LAMBDA: f64 = 15.0;

impl RunModel for PoissonArrivals {
    fn start(&self) -> Timestamp {
        t("2026-01-01T00:00:00Z")
    }
    fn horizon_days(&self) -> u32 {
        90
    }
    fn sample(&self, rng: &mut ChaCha8Rng) -> RunReport {
        let mut pool = Pool::new();
        pool.add(block(1, 550, "2025-12-01T00:00:00Z", 20)).unwrap();
        let n = Poisson::new(LAMBDA).unwrap().sample(rng) as u32;
        let mut b = SimulationBuilder::new(pool, self.start(), t("2026-04-01T00:00:00Z"))
            .event(Event::Draw(DrawSpec::new(
                t("2026-02-01T12:00:00Z"),
                Target::All,
                40,
            )))
            .focal(focal(500));
        if n > 0 {
            b = b.event(Event::Arrival(block(2, 560, "2026-01-20T00:00:00Z", n)));
        }
        b.build().unwrap().run(rng)
    }
}

fn poisson_cdf(k: u32, lambda: f64) -> f64 {
    let mut term = (-lambda).exp();
    let mut sum = term;
    for i in 1..=k {
        term *= lambda / f64::from(i);
        sum += term;
    }
    sum
}

#[test]
fn a_single_round_with_poisson_arrivals_has_the_exact_answer() {
    let exact = poisson_cdf(19, LAMBDA);
    let tally = MonteCarlo::new(2_000, 7).estimate(&PoissonArrivals);
    let c = tally.chance();
    assert!(c.contains(exact), "{c:?} vs {exact}");
    // The round is on day 31: nobody is invited before it.
    assert_eq!(tally.chance_within(30).successes, 0);
    assert_eq!(tally.chance_within(31).successes, c.successes);
}

/// Heavy: `.ci/run` runs it in release mode (`cargo test --release -- --ignored`).
#[test]
#[ignore = "statistical: 400 estimates of 400 runs; run with --release -- --ignored"]
fn intervals_cover_the_exact_answer_about_95_percent_of_the_time() {
    let exact = poisson_cdf(19, LAMBDA);
    let seeds = 400_u64;
    let covered = (0..seeds)
        .filter(|seed| {
            MonteCarlo::new(400, 1_000 + seed)
                .estimate(&PoissonArrivals)
                .chance()
                .contains(exact)
        })
        .count() as f64;
    // Binomial(400, 0.95): mean 380, sd 4.36; accept within 4 sd.
    assert!(
        (380.0 - 4.0 * 4.36..=380.0 + 4.0 * 4.36).contains(&covered),
        "covered {covered} of {seeds}"
    );
}

/// The same check, small enough for a debug build: 40 estimates, a loose bound.
#[test]
fn intervals_mostly_cover_the_exact_answer() {
    let exact = poisson_cdf(19, LAMBDA);
    let covered = (0..40_u64)
        .filter(|seed| {
            MonteCarlo::new(200, 5_000 + seed)
                .estimate(&PoissonArrivals)
                .chance()
                .contains(exact)
        })
        .count();
    // Binomial(40, 0.95): P(covered < 33) is about 0.001.
    assert!(covered >= 33, "covered {covered} of 40");
}

fn deterministic_sim(focal_score: u16, scale: u32) -> Simulation {
    let mut pool = Pool::new();
    for (i, score) in (480_u16..560).step_by(5).enumerate() {
        pool.add(block(10 + i as u64, score, "2025-10-01T00:00:00Z", 30))
            .unwrap();
    }
    let mut b = SimulationBuilder::new(pool, t("2026-01-01T00:00:00Z"), t("2026-07-01T00:00:00Z"))
        .focal(focal(focal_score));
    for (k, size) in [100_u32, 80, 120, 90].into_iter().enumerate() {
        let at = t("2026-01-15T12:00:00Z").plus_days(30 * k as i64);
        b = b.event(Event::Draw(DrawSpec::new(at, Target::All, size * scale)));
        b = b.event(Event::Arrival(block(
            100 + k as u64,
            530,
            &at.plus_days(5).to_string(),
            40,
        )));
    }
    b.build().unwrap()
}

#[test]
fn no_randomness_gives_exactly_zero_or_one() {
    let high = MonteCarlo::new(200, 1)
        .estimate(&deterministic_sim(540, 1))
        .chance();
    let low = MonteCarlo::new(200, 1)
        .estimate(&deterministic_sim(300, 1))
        .chance();
    assert_eq!((high.p, high.successes), (1.0, 200));
    assert_eq!((low.p, low.successes), (0.0, 0));
}

/// The deterministic world plus random declines (half come back), so outcomes vary by run.
struct Declines {
    focal_score: u16,
    scale: u32,
}

impl RunModel for Declines {
    fn start(&self) -> Timestamp {
        t("2026-01-01T00:00:00Z")
    }
    fn horizon_days(&self) -> u32 {
        181
    }
    fn sample(&self, rng: &mut ChaCha8Rng) -> RunReport {
        let decline = rng.random_range(0.1..0.6);
        let mut pool = Pool::new();
        for (i, score) in (480_u16..560).step_by(5).enumerate() {
            pool.add(block(10 + i as u64, score, "2025-10-01T00:00:00Z", 30))
                .unwrap();
        }
        let mut b = SimulationBuilder::new(pool, self.start(), t("2026-07-01T00:00:00Z"))
            .focal(focal(self.focal_score))
            .responses(ResponseModel::new(decline, 0.0).unwrap());
        for (k, size) in [100_u32, 80, 120, 90].into_iter().enumerate() {
            let at = t("2026-01-15T12:00:00Z").plus_days(30 * k as i64);
            b = b.event(Event::Draw(DrawSpec::new(
                at,
                Target::All,
                size * self.scale,
            )));
        }
        b.build().unwrap().run(rng)
    }
}

fn probes() -> Probes {
    Probes::new(
        vec![ProbeProfile {
            name: "cec".into(),
            eligibility: cec(),
            submitted_at: t("2026-01-02T00:00:00Z"),
        }],
        CrsScore::new(400).unwrap(),
        CrsScore::new(600).unwrap(),
    )
    .unwrap()
}

#[test]
fn a_higher_score_never_gives_a_lower_chance_on_the_same_streams() {
    let mc = MonteCarlo::new(400, 5).probes(probes());
    let tally = mc.estimate(&Declines {
        focal_score: 500,
        scale: 1,
    });
    let mut previous = 0;
    for score in 400..=600 {
        let k = tally.probe_chance("cec", score).unwrap().successes;
        assert!(k >= previous, "score {score}: {k} < {previous}");
        previous = k;
    }
    let chances: Vec<u64> = [495_u16, 505, 515, 525]
        .iter()
        .map(|s| {
            MonteCarlo::new(400, 5)
                .estimate(&Declines {
                    focal_score: *s,
                    scale: 1,
                })
                .chance()
                .successes
        })
        .collect();
    assert!(chances.windows(2).all(|w| w[0] <= w[1]), "{chances:?}");
    assert!(
        chances[0] < chances[3],
        "the test world must discriminate: {chances:?}"
    );
}

#[test]
fn doubling_every_round_never_lowers_the_chance() {
    for score in [485_u16, 500, 515] {
        let one = MonteCarlo::new(300, 9)
            .estimate(&Declines {
                focal_score: score,
                scale: 1,
            })
            .chance();
        let two = MonteCarlo::new(300, 9)
            .estimate(&Declines {
                focal_score: score,
                scale: 2,
            })
            .chance();
        assert!(
            two.successes >= one.successes,
            "score {score}: {one:?} vs {two:?}"
        );
    }
    let det = |scale| {
        MonteCarlo::new(10, 1)
            .estimate(&deterministic_sim(495, scale))
            .chance()
            .p
    };
    assert!(det(2) >= det(1));
}

#[test]
fn identical_on_one_thread_two_threads_repeated_calls_and_shards() {
    let model = Declines {
        focal_score: 505,
        scale: 1,
    };
    let mc = MonteCarlo::new(300, 11).probes(probes());
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let one = pool(1).install(|| mc.estimate(&model));
    let two = pool(2).install(|| mc.estimate(&model));
    assert_eq!(one, two);
    assert_eq!(one, mc.estimate(&model));
    let mut shards = mc.tally_runs(&model, 0..250);
    shards.merge(&mc.tally_runs(&model, 250..300)).unwrap();
    assert_eq!(shards, one);
    // A run replays alone.
    assert_eq!(mc.replay(&model, 17), mc.replay(&model, 17));
    // Tallies survive a file.
    let json = serde_json::to_string(&one).unwrap();
    assert_eq!(serde_json::from_str::<Tally>(&json).unwrap(), one);
}

#[test]
fn montecarlo_stability() {
    // Pinned result for a fixed seed (Reproducibility-breaking if it changes).
    let tally = MonteCarlo::new(1_000, 2026)
        .probes(probes())
        .estimate(&Declines {
            focal_score: 505,
            scale: 1,
        });
    let c = tally.chance();
    let p500 = tally.probe_chance("cec", 500).unwrap().successes;
    let fan = tally.cutoff_quantiles(Target::All, 1, &[0.1, 0.5, 0.9]);
    assert_eq!(
        format!(
            "{} {} {:?} {:?}",
            c.successes,
            p500,
            tally.score_for("cec", 0.5),
            fan
        ),
        GOLDEN
    );
}

const GOLDEN: &str = "307 36 Some(506) Some((1000, [530, 530, 535]))";

#[test]
fn err_tallies_of_other_estimates_do_not_merge() {
    let model = Declines {
        focal_score: 505,
        scale: 1,
    };
    let mut a = MonteCarlo::new(10, 1).estimate(&model);
    let b = MonteCarlo::new(10, 2).estimate(&model);
    let e = a.merge(&b).unwrap_err();
    assert_eq!(
        e.to_string(),
        "simulation: tally merge: expected seed 1, start 2026-01-01T00:00:00Z, horizon 181 days read from day 0 and the same probes, found seed 2, start 2026-01-01T00:00:00Z, horizon 181 days read from day 0"
    );
    let bad = serde_json::to_string(&a)
        .unwrap()
        .replace("\"horizon_days\":181", "\"horizon_days\":182");
    assert!(serde_json::from_str::<Tally>(&bad).is_err());
}

#[test]
fn the_stopping_rule_stops_early_and_reproducibly() {
    let model = Declines {
        focal_score: 505,
        scale: 1,
    };
    let mc = MonteCarlo::new(100_000, 3)
        .stop_at_half_width(0.05, 100)
        .unwrap();
    let mut seen = Vec::new();
    let tally = mc.estimate_with_progress(&model, |p| seen.push(p.done));
    assert!(
        tally.runs() < 100_000 && tally.runs().is_multiple_of(100),
        "{}",
        tally.runs()
    );
    assert!(tally.chance().half_width() < 0.05);
    assert_eq!(seen.last(), Some(&tally.runs()));
    assert_eq!(mc.estimate(&model), tally);
    assert!(MonteCarlo::new(1, 1).stop_at_half_width(0.0, 10).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A probe differs from the same candidate counted in the pool by at most one rank: if the
    /// probe (judged on the round without the candidate) is invited but the candidate in the
    /// pool is not, the candidate was the first one left out.
    #[test]
    fn prop_a_probe_is_within_one_rank_of_a_focal_candidate(
        cohorts in proptest::collection::vec((495_u16..506, 0_i64..3, 1_u32..4), 0..25),
        score in 495_u16..506,
        second in 0_i64..3,
        size in 0_u32..40,
    ) {
        let base = Timestamp::from_second(1_760_000_000).unwrap();
        let at = base.plus_days(30);
        let mut without = Pool::new();
        for (i, (s, sec, n)) in cohorts.iter().enumerate() {
            without.add(Cohort { score: CrsScore::new(*s).unwrap(), submitted_at: base.plus_seconds(*sec), id: CandidateId(1 + i as u64), eligibility: cec(), count: *n }).unwrap();
        }
        let f = Candidate { id: CandidateId(0), score: CrsScore::new(score).unwrap(), submitted_at: base.plus_seconds(second), eligibility: cec() };
        let mut with = without.clone();
        with.add_candidate(f).unwrap();
        let ahead = with.cohorts().filter(|c| c.rank_key() < Cohort::from(f).rank_key()).map(|c| u64::from(c.count)).sum::<u64>();
        let spec = DrawSpec::new(at, Target::All, size);
        let focal_invited = with.draw(&spec).invitees.iter().any(|c| c.id == f.id);
        let out = without.draw(&spec);
        let record = eesim::DrawRecord { at, target: Target::All, requested: size, invited: out.invited, cutoff: out.cutoff, tie_break: out.tie_break };
        let probe = Probes::new(vec![ProbeProfile { name: "p".into(), eligibility: cec(), submitted_at: f.submitted_at }], f.score, f.score).unwrap();
        let model = Replay(vec![record]);
        let probe_invited = MonteCarlo::new(1, 0).probes(probe).estimate(&model).probe_chance("p", score).unwrap().successes == 1;
        if focal_invited {
            prop_assert!(probe_invited);
        } else if probe_invited {
            prop_assert_eq!(ahead, u64::from(size), "the focal candidate was the first left out");
        }
    }
}

/// A model that replays fixed rounds, to judge probes against them.
struct Replay(Vec<eesim::DrawRecord>);

impl RunModel for Replay {
    fn start(&self) -> Timestamp {
        Timestamp::from_second(1_760_000_000).unwrap()
    }
    fn horizon_days(&self) -> u32 {
        60
    }
    fn sample(&self, _rng: &mut ChaCha8Rng) -> RunReport {
        RunReport {
            draws: self.0.clone(),
            ..RunReport::default()
        }
    }
}

#[allow(dead_code)]
fn _interval_is_public(i: Interval) -> f64 {
    i.half_width()
}
