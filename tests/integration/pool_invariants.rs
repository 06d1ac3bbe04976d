//! The pool's bookkeeping: expiry, removal and withdrawals keep every count consistent.

use eesim::{
    CandidateId, Cohort, CrsScore, DrawSpec, Eligibility, Period, Pool, Probability, Program,
    Target, Timestamp,
};
use proptest::prelude::*;
use rand::SeedableRng;

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn cohort(id: u64, score: u16, at: Timestamp, count: u32) -> Cohort {
    Cohort {
        score: CrsScore::new(score).unwrap(),
        submitted_at: at,
        id: CandidateId(id),
        eligibility: Eligibility::none().with_program(Program::Fsw),
        count,
    }
}

#[test]
fn profiles_expire_twelve_calendar_months_after_submission() {
    let mut pool = Pool::new();
    pool.add(cohort(1, 450, t("2025-03-15T10:00:00Z"), 2))
        .unwrap();
    pool.add(cohort(2, 460, t("2025-03-15T10:00:01Z"), 3))
        .unwrap();
    assert_eq!(
        pool.expires_at(t("2025-03-15T10:00:00Z")),
        t("2026-03-15T10:00:00Z")
    );
    assert_eq!(pool.expire(t("2026-03-15T09:59:59Z")), 0);
    assert_eq!(pool.expire(t("2026-03-15T10:00:00Z")), 2);
    assert_eq!(pool.len(), 3);
    assert_eq!(pool.expire(t("2026-03-15T10:00:01Z")), 3);
    assert!(pool.is_empty());
    pool.audit().unwrap();
}

#[test]
fn the_validity_period_is_a_parameter() {
    let mut pool = Pool::with_validity(Period::days(30).unwrap());
    pool.add(cohort(1, 450, t("2025-03-01T00:00:00Z"), 1))
        .unwrap();
    assert_eq!(pool.expire(t("2025-03-30T23:59:59Z")), 0);
    assert_eq!(pool.expire(t("2025-03-31T00:00:00Z")), 1);
}

#[test]
fn err_removing_what_is_not_there_leaves_the_pool_alone() {
    let mut pool = Pool::new();
    let c = cohort(7, 480, t("2025-01-01T00:00:00Z"), 2);
    pool.add(c).unwrap();
    let e = pool.remove(&c.with_count(3)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "candidate 7 (CRS 480, submitted 2025-01-01T00:00:00Z): expected 3 in the pool, found 2"
    );
    assert_eq!(pool.len(), 2);
    let e = pool.add(c.with_count(0)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "cohort size: expected 1 to 4294967295, found 0"
    );
    pool.remove(&c).unwrap();
    assert!(pool.is_empty());
    pool.audit().unwrap();
}

#[derive(Clone, Debug)]
enum Op {
    Add(Cohort),
    RemoveOne(usize),
    Expire(i64),
    Draw(u32),
    Withdraw(u64),
}

fn arb_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (480_u16..490, 0_i64..400, 0_u64..20, 1_u32..5, any::<bool>()).prop_map(|(s, day, id, n, cec)| {
            let mut c = cohort(id, s, Timestamp::from_second(1_700_000_000 + day * 86_400).unwrap(), n);
            if cec {
                c.eligibility = c.eligibility.with_program(Program::Cec);
            }
            Op::Add(c)
        }),
        1 => any::<usize>().prop_map(Op::RemoveOne),
        1 => (0_i64..800).prop_map(Op::Expire),
        1 => (0_u32..10).prop_map(Op::Draw),
        1 => any::<u64>().prop_map(Op::Withdraw),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn prop_any_sequence_of_operations_keeps_the_books(ops in proptest::collection::vec(arb_op(), 0..60)) {
        let mut pool = Pool::new();
        let mut naive: Vec<Cohort> = Vec::new();
        for op in ops {
            match op {
                Op::Add(c) => {
                    pool.add(c).unwrap();
                    match naive.iter_mut().find(|n| n.rank_key() == c.rank_key()) {
                        Some(n) => n.count += c.count,
                        None => naive.push(c),
                    }
                }
                Op::RemoveOne(i) => {
                    if !naive.is_empty() {
                        let i = i % naive.len();
                        let one = naive[i].with_count(1);
                        pool.remove(&one).unwrap();
                        crate::oracle::naive_remove(&mut naive, &[one]);
                    }
                }
                Op::Expire(day) => {
                    let now = Timestamp::from_second(1_700_000_000 + day * 86_400).unwrap();
                    let gone = pool.expire(now);
                    let before: u64 = naive.iter().map(|c| u64::from(c.count)).sum();
                    naive.retain(|c| pool.expires_at(c.submitted_at) > now);
                    let after: u64 = naive.iter().map(|c| u64::from(c.count)).sum();
                    prop_assert_eq!(gone, before - after);
                }
                Op::Draw(size) => {
                    let out = pool.draw(&DrawSpec::new(Timestamp::from_second(1_800_000_000).unwrap(), Target::program(Program::Cec), size));
                    crate::oracle::naive_remove(&mut naive, &out.invitees);
                }
                Op::Withdraw(seed) => {
                    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
                    let before = pool.len();
                    let gone = pool.withdraw_random(Probability::new(0.3).unwrap(), Some(CandidateId(0)), &mut rng);
                    prop_assert_eq!(pool.len() + gone, before);
                    // Candidate 0 is exempt.
                    let zero_before: u64 = naive.iter().filter(|c| c.id.0 == 0).map(|c| u64::from(c.count)).sum();
                    let zero_after: u64 = pool.cohorts().filter(|c| c.id.0 == 0).map(|c| u64::from(c.count)).sum();
                    prop_assert_eq!(zero_before, zero_after);
                    naive = pool.cohorts().collect();
                }
            }
            pool.audit().unwrap();
            let mut sorted = naive.clone();
            sorted.sort_by_key(Cohort::rank_key);
            prop_assert_eq!(pool.cohorts().collect::<Vec<_>>(), sorted);
        }
    }
}
