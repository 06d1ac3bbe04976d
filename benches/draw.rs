//! Rounds on realistic pools: the fast path against the naive reference, and its scaling.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion};
use eesim::{
    CandidateId, Categories, Cohort, CrsScore, DrawSpec, Eligibility, Pool, Program, Target,
    Timestamp,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

#[path = "../tests/integration/oracle.rs"]
mod oracle;

/// A pool of `n` named candidates shaped like IRCC's 2025-2026 snapshots: most between 300
/// and 550, a thin tail above 600 (provincial nominees), submissions spread over 12 months,
/// and overlapping program and category eligibility.
pub(crate) fn realistic_pool(n: usize, seed: u64) -> (Pool, Categories) {
    let cats = Categories::ircc_2026();
    let shares = [
        ("french", 0.08),
        ("healthcare", 0.10),
        ("trades", 0.06),
        ("education", 0.03),
        ("stem", 0.12),
        ("transport", 0.03),
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let body: Normal<f64> = Normal::new(440.0, 55.0).unwrap();
    let start = Timestamp::from_second(1_740_000_000).unwrap().as_second();
    let mut pool = Pool::new();
    for i in 0..n {
        let mut e = Eligibility::none();
        if rng.random_bool(0.45) {
            e = e.with_program(Program::Cec);
        }
        if rng.random_bool(0.75) {
            e = e.with_program(Program::Fsw);
        }
        if rng.random_bool(0.03) || e == Eligibility::none() {
            e = e.with_program(Program::Fst);
        }
        for (name, p) in shares {
            if rng.random_bool(p) {
                e = e.with_category(cats.id(name).unwrap());
            }
        }
        let mut score = body.sample(&mut rng).clamp(150.0, 590.0) as u16;
        if rng.random_bool(0.004) {
            e = e.with_nomination();
            score += 600;
        }
        pool.add(Cohort {
            score: CrsScore::new(score.min(1200)).unwrap(),
            submitted_at: Timestamp::from_second(start + rng.random_range(0..31_536_000)).unwrap(),
            id: CandidateId(i as u64),
            eligibility: e,
            count: 1,
        })
        .unwrap();
    }
    (pool, cats)
}

pub(crate) fn define(c: &mut Criterion) {
    let at = Timestamp::from_second(1_775_000_000).unwrap();
    let mut group = c.benchmark_group("draw");
    for n in [25_000_usize, 250_000, 2_500_000] {
        let (pool, cats) = realistic_pool(n, 1);
        let label = match n {
            25_000 => "25k",
            250_000 => "250k",
            _ => "2.5M",
        };
        let healthcare = Target::Category(cats.id("healthcare").unwrap());
        let cohorts: Vec<Cohort> = pool.cohorts().collect();
        for (name, target) in [("all", Target::All), ("category", healthcare)] {
            let spec = DrawSpec::new(at, target, 5_000);
            let fast = pool.preview(&spec);
            let expected = fast.invited;
            // 25k holds fewer than 5,000 healthcare candidates: that round invites them all.
            assert!(expected == 5_000 || fast.is_short());
            // The fast path: the cut-off, the tie-break and the count, which fix who is invited.
            group.bench_function(BenchmarkId::new(format!("select/{name}"), label), |b| {
                b.iter(|| {
                    let sel = black_box(&pool).select(black_box(&spec));
                    assert_eq!(sel.invited(), expected);
                    (sel.cutoff(), sel.tie_break())
                })
            });
            if n <= 250_000 {
                let naive = oracle::naive_draw(&cohorts, target, 5_000);
                assert_eq!(naive.invitees, fast.invitees);
                group.bench_function(BenchmarkId::new(format!("naive/{name}"), label), |b| {
                    b.iter(|| {
                        let out = oracle::naive_draw(black_box(&cohorts), target, 5_000);
                        assert_eq!(out.invited, expected);
                        out
                    })
                });
            }
            if n == 250_000 {
                // The same, plus the list of invitees in rank order.
                group.bench_function(BenchmarkId::new(format!("preview/{name}"), label), |b| {
                    b.iter(|| black_box(&pool).preview(black_box(&spec)).invited)
                });
                // The full round: select, remove the invited, then put them back (as declines
                // do), so every iteration starts from the same pool.
                let mut live = pool.clone();
                group.bench_function(
                    BenchmarkId::new(format!("draw_and_return/{name}"), label),
                    |b| {
                        b.iter(|| {
                            let out = live.draw(black_box(&spec));
                            for inv in &out.invitees {
                                live.add(*inv).unwrap();
                            }
                            out.invited
                        })
                    },
                );
                assert_eq!(live.len(), pool.len());
            }
        }
    }
    group.finish();
}
