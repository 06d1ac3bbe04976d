//! One simulation run: event order, the focal candidate, conservation and reproducibility.

use eesim::{
    Candidate, CandidateId, Cohort, CrsScore, DrawSpec, Eligibility, Event, Focal, FocalFate,
    FocalResponse, Period, Pool, Probability, Program, ResponseModel, RunReport, Simulation,
    SimulationBuilder, Target, Timestamp,
};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn cec() -> Eligibility {
    Eligibility::none().with_program(Program::Cec)
}

fn cohort(id: u64, score: u16, at: &str, count: u32) -> Cohort {
    Cohort {
        score: CrsScore::new(score).unwrap(),
        submitted_at: t(at),
        id: CandidateId(id),
        eligibility: cec(),
        count,
    }
}

fn focal(score: u16, at: &str, response: FocalResponse) -> Focal {
    Focal {
        candidate: Candidate {
            id: CandidateId(0),
            score: CrsScore::new(score).unwrap(),
            submitted_at: t(at),
            eligibility: cec(),
        },
        response,
    }
}

fn draw(at: &str, size: u32) -> Event {
    Event::Draw(DrawSpec::new(t(at), Target::All, size))
}

fn run(sim: &Simulation, seed: u64) -> RunReport {
    sim.run(&mut ChaCha8Rng::seed_from_u64(seed))
}

#[test]
fn arrivals_come_before_rounds_at_the_same_instant_and_rounds_in_the_order_given() {
    let sim = SimulationBuilder::new(
        Pool::new(),
        t("2025-01-01T00:00:00Z"),
        t("2025-12-31T00:00:00Z"),
    )
    .event(draw("2025-03-01T12:00:00Z", 1))
    .event(Event::Draw(DrawSpec::new(
        t("2025-03-01T12:00:00Z"),
        Target::program(Program::Fsw),
        1,
    )))
    .event(Event::Arrival(cohort(1, 600, "2025-03-01T12:00:00Z", 1)))
    .build()
    .unwrap();
    let r = run(&sim, 1);
    assert_eq!(r.draws.len(), 2);
    assert_eq!(
        r.draws[0].invited, 1,
        "the arrival at the round's instant is in the pool"
    );
    assert_eq!(r.draws[0].target, Target::All);
    assert_eq!(r.draws[1].invited, 0);
    assert!(r.ledger.is_balanced());
}

#[test]
fn expiry_comes_before_a_round_at_the_same_instant() {
    let mut pool = Pool::new();
    pool.add(cohort(1, 600, "2024-03-01T12:00:00Z", 1)).unwrap();
    let sim = SimulationBuilder::new(pool, t("2025-01-01T00:00:00Z"), t("2025-12-31T00:00:00Z"))
        .event(draw("2025-03-01T12:00:00Z", 1))
        .build()
        .unwrap();
    let r = run(&sim, 1);
    assert_eq!(r.draws[0].invited, 0);
    assert_eq!(r.ledger.profile_expired, 1);
}

#[test]
fn the_focal_candidate_is_followed_through_rounds() {
    let mut pool = Pool::new();
    pool.add(cohort(1, 520, "2025-01-01T00:00:00Z", 100))
        .unwrap();
    let sim = SimulationBuilder::new(pool, t("2025-01-01T00:00:00Z"), t("2025-12-31T00:00:00Z"))
        .event(draw("2025-02-01T12:00:00Z", 100))
        .event(draw("2025-03-01T12:00:00Z", 1))
        .focal(focal(510, "2025-01-10T00:00:00Z", FocalResponse::Apply))
        .build()
        .unwrap();
    let r = run(&sim, 3);
    let f = r.focal.unwrap();
    assert_eq!(f.invitations.len(), 1);
    let first = f.first_invitation().unwrap();
    assert_eq!((first.at, first.draw), (t("2025-03-01T12:00:00Z"), 1));
    assert_eq!(
        (first.cutoff.get(), first.tie_break),
        (510, t("2025-01-10T00:00:00Z"))
    );
    assert_eq!(r.draws[0].cutoff, Some(CrsScore::new(520).unwrap()));
    assert_eq!(f.fate, FocalFate::Applied);
    assert_eq!(r.ledger.applied, 101);
}

#[test]
fn a_score_change_moves_the_focal_candidate() {
    let mut pool = Pool::new();
    pool.add(cohort(1, 500, "2025-01-01T00:00:00Z", 10))
        .unwrap();
    let base = SimulationBuilder::new(pool, t("2025-01-01T00:00:00Z"), t("2025-12-31T00:00:00Z"))
        .event(draw("2025-06-01T12:00:00Z", 5))
        .focal(focal(480, "2025-01-10T00:00:00Z", FocalResponse::Apply));
    let r = run(&base.clone().build().unwrap(), 1);
    assert!(r.focal.unwrap().invitations.is_empty());
    let r = run(
        &base
            .event(Event::ScoreChange {
                at: t("2025-05-01T00:00:00Z"),
                score: CrsScore::new(505).unwrap(),
            })
            .build()
            .unwrap(),
        1,
    );
    let f = r.focal.unwrap();
    assert_eq!(f.first_invitation().unwrap().score.get(), 505);
    assert_eq!(f.score.get(), 505);
}

#[test]
fn a_decline_after_the_profile_expired_ends_it() {
    // The round is one second before the focal profile's 12 months end; with a 1-day
    // deadline every response falls at or after the expiry.
    let sim = SimulationBuilder::new(
        Pool::new(),
        t("2025-01-01T00:00:00Z"),
        t("2026-03-01T00:00:00Z"),
    )
    .event(draw("2026-01-09T23:59:59Z", 1))
    .event(draw("2026-02-01T00:00:00Z", 1))
    .focal(focal(450, "2025-01-10T00:00:00Z", FocalResponse::Decline))
    .ita_deadline(Period::days(1).unwrap())
    .build()
    .unwrap();
    for seed in 0..20 {
        let r = run(&sim, seed);
        let f = r.focal.unwrap();
        assert_eq!(f.invitations.len(), 1);
        assert_eq!(f.fate, FocalFate::ProfileExpired);
        assert_eq!(r.draws[1].invited, 0);
        assert!(r.ledger.is_balanced());
    }
}

#[test]
fn a_decline_in_time_returns_the_focal_candidate_for_another_round() {
    let sim = SimulationBuilder::new(
        Pool::new(),
        t("2025-01-01T00:00:00Z"),
        t("2025-12-31T00:00:00Z"),
    )
    .event(draw("2025-02-01T00:00:00Z", 1))
    .event(draw("2025-05-01T00:00:00Z", 1))
    .focal(focal(450, "2025-01-10T00:00:00Z", FocalResponse::Decline))
    .build()
    .unwrap();
    let r = run(&sim, 9);
    let f = r.focal.unwrap();
    assert_eq!(f.invitations.len(), 2);
    assert_eq!(r.ledger.returned, 2);
    assert_eq!(f.fate, FocalFate::Waiting);
}

#[test]
fn err_invalid_set_ups_are_refused() {
    let start = t("2025-01-01T00:00:00Z");
    let e = SimulationBuilder::new(Pool::new(), start, t("2024-01-01T00:00:00Z"))
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "simulation: end: expected at or after the start 2025-01-01T00:00:00Z, found 2024-01-01T00:00:00Z"
    );
    let e = SimulationBuilder::new(Pool::new(), start, t("2025-06-01T00:00:00Z"))
        .event(draw("2025-07-01T00:00:00Z", 1))
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "simulation: event time: expected from 2025-01-01T00:00:00Z to 2025-06-01T00:00:00Z, found 2025-07-01T00:00:00Z (event 0)"
    );
    let e = SimulationBuilder::new(Pool::new(), start, t("2025-06-01T00:00:00Z"))
        .event(Event::ScoreChange {
            at: start,
            score: CrsScore::new(1).unwrap(),
        })
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "simulation: score change: expected a focal candidate, found none (event 0)"
    );
    let mut pool = Pool::new();
    pool.add(cohort(0, 400, "2024-12-01T00:00:00Z", 1)).unwrap();
    let e = SimulationBuilder::new(pool, start, t("2025-06-01T00:00:00Z"))
        .focal(focal(450, "2025-01-10T00:00:00Z", FocalResponse::Apply))
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "simulation: focal candidate: expected an id used by nobody else, found 0"
    );
}

/// A fixed, busy scenario: pool, weekly arrivals, rounds, withdrawals, declines and lapses.
fn busy_simulation() -> Simulation {
    let mut pool = Pool::new();
    for (i, score) in (380_u16..560).step_by(3).enumerate() {
        let day = (i % 300) as i64;
        pool.add(Cohort {
            score: CrsScore::new(score).unwrap(),
            submitted_at: t("2024-09-01T00:00:00Z").plus_days(day),
            id: CandidateId(1000 + i as u64),
            eligibility: if i % 3 == 0 {
                cec()
            } else {
                Eligibility::none().with_program(Program::Fsw)
            },
            count: 40 + (i as u32 % 7) * 10,
        })
        .unwrap();
    }
    let start = t("2025-06-01T00:00:00Z");
    let mut events = Vec::new();
    for week in 0..52_i64 {
        let at = start.plus_days(7 * week + 2);
        events.push(Event::Arrival(Cohort {
            score: CrsScore::new(430 + (week as u16 * 7) % 120).unwrap(),
            submitted_at: at,
            id: CandidateId(10_000 + week as u64),
            eligibility: cec(),
            count: 150,
        }));
        if week % 2 == 0 {
            events.push(Event::Draw(DrawSpec::new(
                at.plus_days(3),
                Target::program(Program::Cec),
                300,
            )));
        } else {
            events.push(Event::Draw(DrawSpec::new(
                at.plus_days(3),
                Target::All,
                200,
            )));
        }
        if week % 4 == 0 {
            events.push(Event::Withdrawals {
                at: at.plus_days(1),
                probability: Probability::new(0.01).unwrap(),
            });
        }
    }
    SimulationBuilder::new(pool, start, start.plus_days(365))
        .events(events)
        .focal(focal(
            488,
            "2025-06-20T08:00:00Z",
            FocalResponse::LikeOthers,
        ))
        .responses(ResponseModel::new(0.08, 0.04).unwrap())
        .build()
        .unwrap()
}

#[test]
fn run_stability() {
    // Pins the exact outcome of one seed: if this changes, results are not reproducible
    // across versions and the change needs a "Reproducibility-breaking" CHANGELOG line.
    let sim = busy_simulation();
    let r = run(&sim, 42);
    assert_eq!(r, run(&sim, 42), "the same seed gives the same run");
    let cutoffs: Vec<u16> = r
        .draws
        .iter()
        .take(8)
        .map(|d| d.cutoff.unwrap().get())
        .collect();
    let l = r.ledger;
    let f = r.focal.as_ref().unwrap();
    let first = f
        .first_invitation()
        .map(|i| (i.at.to_string(), i.draw, i.cutoff.get()));
    let golden = format!("{cutoffs:?} {l:?} {first:?} {:?}", f.fate);
    assert_eq!(golden, GOLDEN_RUN_42);
    assert!(l.is_balanced());
}

const GOLDEN_RUN_42: &str = "[515, 545, 479, 536, 458, 521, 465, 503] Ledger { arrived: 11941, in_pool: 0, awaiting_response: 835, applied: 8475, profile_expired: 2093, ita_lapsed: 364, withdrawn: 174, invited: 10468, returned: 782 } Some((\"2025-07-04T00:00:00Z\", 4, 458)) Applied";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn prop_every_run_balances_its_ledger(
        cohorts in proptest::collection::vec((380_u16..560, 0_i64..360, 1_u32..30, 0_u8..3), 0..30),
        events in proptest::collection::vec((0_i64..400, 0_u8..4, 0_u16..700, 0_u32..60), 0..40),
        decline in 0.0_f64..0.5,
        lapse in 0.0_f64..0.5,
        focal_score in 380_u16..600,
        focal_day in 0_i64..200,
        seed in any::<u64>(),
    ) {
        let start = t("2025-01-01T00:00:00Z");
        let mut pool = Pool::new();
        let elig = |k: u8| match k {
            0 => cec(),
            1 => Eligibility::none().with_program(Program::Fsw),
            _ => Eligibility::none().with_program(Program::Fst).with_nomination(),
        };
        for (i, (score, day, n, k)) in cohorts.into_iter().enumerate() {
            pool.add(Cohort {
                score: CrsScore::new(score).unwrap(),
                submitted_at: start.plus_days(day - 360),
                id: CandidateId(1 + i as u64),
                eligibility: elig(k),
                count: n,
            }).unwrap();
        }
        let mut evs = Vec::new();
        for (i, (day, kind, x, n)) in events.into_iter().enumerate() {
            let at = start.plus_days(day);
            evs.push(match kind {
                0 => Event::Arrival(Cohort {
                    score: CrsScore::new(350 + x % 300).unwrap(),
                    submitted_at: at,
                    id: CandidateId(100 + i as u64),
                    eligibility: elig((x % 3) as u8),
                    count: n + 1,
                }),
                1 => Event::Draw(DrawSpec::new(at, [Target::All, Target::program(Program::Cec), Target::ProvincialNominees][usize::from(x % 3)], n * 3)),
                2 => Event::Withdrawals { at, probability: Probability::new(f64::from(x % 10) / 40.0).unwrap() },
                _ => Event::ScoreChange { at: at.max(start.plus_days(focal_day)), score: CrsScore::new(350 + x % 300).unwrap() },
            });
        }
        let sim = SimulationBuilder::new(pool, start, start.plus_days(400))
            .events(evs)
            .focal(Focal {
                candidate: Candidate { id: CandidateId(0), score: CrsScore::new(focal_score).unwrap(), submitted_at: start.plus_days(focal_day), eligibility: cec() },
                response: FocalResponse::LikeOthers,
            })
            .responses(ResponseModel::new(decline, lapse).unwrap())
            .build()
            .unwrap();
        let r = sim.run(&mut ChaCha8Rng::seed_from_u64(seed));
        prop_assert!(r.ledger.is_balanced(), "{:?}", r.ledger);
        prop_assert_eq!(r.ledger.invited, r.draws.iter().map(|d| d.invited).sum::<u64>());
        let f = r.focal.unwrap();
        match f.fate {
            FocalFate::Applied | FocalFate::ItaLapsed | FocalFate::AwaitingResponse => prop_assert!(!f.invitations.is_empty()),
            _ => {}
        }
        for inv in &f.invitations {
            prop_assert!(inv.score >= inv.cutoff);
            prop_assert_eq!(r.draws[inv.draw].at, inv.at);
        }
    }
}
