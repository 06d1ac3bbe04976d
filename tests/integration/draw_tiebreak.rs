//! Rounds select exactly what the naive reference selects, with IRCC's tie-break.

use eesim::{
    CandidateId, Categories, Cohort, CrsScore, DrawSpec, Eligibility, Pool, Program, ProgramSet,
    Target, Timestamp,
};
use proptest::prelude::*;

use crate::oracle::{naive_draw, naive_remove};

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn cohort(id: u64, score: u16, at: &str, e: Eligibility, count: u32) -> Cohort {
    Cohort {
        score: CrsScore::new(score).unwrap(),
        submitted_at: t(at),
        id: CandidateId(id),
        eligibility: e,
        count,
    }
}

fn cec() -> Eligibility {
    Eligibility::none().with_program(Program::Cec)
}

#[test]
fn tie_at_the_cutoff_goes_to_the_earliest_submission_then_the_lowest_id() {
    let mut pool = Pool::new();
    let noon = "2025-06-01T12:00:00Z";
    for c in [
        cohort(5, 500, noon, cec(), 1),
        cohort(3, 500, noon, cec(), 1),
        cohort(9, 500, "2025-05-01T00:00:00Z", cec(), 1),
        cohort(1, 501, "2025-07-01T00:00:00Z", cec(), 1),
        cohort(2, 499, "2025-01-01T00:00:00Z", cec(), 1),
    ] {
        pool.add(c).unwrap();
    }
    let out = pool.draw(&DrawSpec::new(t("2025-08-01T00:00:00Z"), Target::All, 3));
    let ids: Vec<u64> = out.invitees.iter().map(|c| c.id.0).collect();
    // 501 first; then at 500 the May profile; then, at the same second, id 3 before id 5.
    assert_eq!(ids, vec![1, 9, 3]);
    assert_eq!(out.cutoff, Some(CrsScore::new(500).unwrap()));
    assert_eq!(out.tie_break, Some(t(noon)));
    // Candidate 5 sits exactly at the cut-off with a submission time equal to the tie-break,
    // and is not invited: the id decides within the second.
    let left: Vec<u64> = pool.cohorts().map(|c| c.id.0).collect();
    assert_eq!(left, vec![5, 2]);
}

#[test]
fn size_zero_empty_pool_and_short_rounds_are_defined() {
    let mut pool = Pool::new();
    let at = t("2025-08-01T00:00:00Z");
    let out = pool.draw(&DrawSpec::new(at, Target::All, 100));
    assert_eq!((out.invited, out.cutoff, out.tie_break), (0, None, None));
    assert!(out.is_short());

    pool.add(cohort(1, 480, "2025-01-01T00:00:00Z", cec(), 4))
        .unwrap();
    let out = pool.draw(&DrawSpec::new(at, Target::All, 0));
    assert_eq!((out.invited, out.cutoff, out.tie_break), (0, None, None));
    assert!(!out.is_short());
    assert_eq!(pool.len(), 4);

    let out = pool.draw(&DrawSpec::new(at, Target::All, 10));
    assert_eq!(out.invited, 4);
    assert!(out.is_short());
    assert_eq!(out.cutoff, Some(CrsScore::new(480).unwrap()));
    assert!(pool.is_empty());
}

#[test]
fn category_round_skips_the_ineligible_above_the_cutoff() {
    let cats = Categories::ircc_2026();
    let french = cats.id("french").unwrap();
    let fr = cec().with_category(french);
    let mut pool = Pool::new();
    pool.add(cohort(1, 560, "2025-01-01T00:00:00Z", cec(), 500))
        .unwrap();
    pool.add(cohort(2, 420, "2025-02-01T00:00:00Z", fr, 30))
        .unwrap();
    pool.add(cohort(3, 420, "2025-01-15T00:00:00Z", fr, 30))
        .unwrap();
    let out = pool.draw(&DrawSpec::new(
        t("2025-08-01T00:00:00Z"),
        Target::Category(french),
        40,
    ));
    assert_eq!(out.cutoff, Some(CrsScore::new(420).unwrap()));
    assert_eq!(out.tie_break, Some(t("2025-02-01T00:00:00Z")));
    assert_eq!(
        out.invitees
            .iter()
            .map(|c| (c.id.0, c.count))
            .collect::<Vec<_>>(),
        vec![(3, 30), (2, 10)]
    );
    assert_eq!(pool.len(), 520);
    pool.audit().unwrap();
}

#[test]
fn two_rounds_at_one_instant_run_in_turn() {
    let mut pool = Pool::new();
    for (id, score) in [(1, 520), (2, 510), (3, 500)] {
        pool.add(cohort(id, score, "2025-01-01T00:00:00Z", cec(), 1))
            .unwrap();
    }
    let at = t("2025-08-01T12:00:00Z");
    let first = pool.draw(&DrawSpec::new(at, Target::program(Program::Cec), 1));
    let second = pool.draw(&DrawSpec::new(at, Target::All, 1));
    assert_eq!(first.invitees[0].id.0, 1);
    assert_eq!(second.invitees[0].id.0, 2);
    assert_eq!(second.cutoff, Some(CrsScore::new(510).unwrap()));
}

// ---- property tests against the naive reference ----

/// Pools with many ties: few scores, few seconds, few ids, cohorts of several.
fn arb_cohort() -> impl Strategy<Value = Cohort> {
    (495_u16..=505, 0_i64..4, 0_u64..6, 0_u64..128, 1_u32..4).prop_map(|(s, sec, id, bits, n)| {
        let mut e = Eligibility::none();
        for (i, p) in Program::ALL.into_iter().enumerate() {
            if bits & (1 << i) != 0 {
                e = e.with_program(p);
            }
        }
        if bits & 8 != 0 {
            e = e.with_nomination();
        }
        let mut cats = Categories::new();
        for i in 0..3 {
            let id = cats.register(&format!("c{i}")).unwrap();
            if bits & (16 << i) != 0 {
                e = e.with_category(id);
            }
        }
        Cohort {
            score: CrsScore::new(s).unwrap(),
            submitted_at: Timestamp::from_second(1_700_000_000 + sec).unwrap(),
            id: CandidateId(id),
            eligibility: e,
            count: n,
        }
    })
}

fn arb_target() -> impl Strategy<Value = Target> {
    let mut cats = Categories::new();
    let ids: Vec<_> = (0..3)
        .map(|i| cats.register(&format!("c{i}")).unwrap())
        .collect();
    prop_oneof![
        Just(Target::All),
        (1_u8..8).prop_map(|m| {
            Target::Programs(
                Program::ALL
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| m & (1 << i) != 0)
                    .map(|(_, p)| p)
                    .collect::<ProgramSet>(),
            )
        }),
        proptest::sample::select(ids).prop_map(Target::Category),
        Just(Target::ProvincialNominees),
    ]
}

fn pool_of(cohorts: &[Cohort]) -> Pool {
    let mut pool = Pool::new();
    for c in cohorts {
        pool.add(*c).unwrap();
    }
    pool
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn prop_draw_matches_the_naive_reference(
        cohorts in proptest::collection::vec(arb_cohort(), 0..40),
        target in arb_target(),
        size in 0_u32..80,
    ) {
        let mut pool = pool_of(&cohorts);
        let before: Vec<Cohort> = pool.cohorts().collect();
        let expected = naive_draw(&before, target, size);
        let preview = pool.preview(&DrawSpec::new(Timestamp::from_second(1_800_000_000).unwrap(), target, size));
        let out = pool.draw(&DrawSpec::new(Timestamp::from_second(1_800_000_000).unwrap(), target, size));
        prop_assert_eq!(&preview, &out);
        prop_assert_eq!(&out.invitees, &expected.invitees);
        prop_assert_eq!(out.cutoff, expected.cutoff);
        prop_assert_eq!(out.tie_break, expected.tie_break);
        prop_assert_eq!(out.invited, expected.invited);
        prop_assert!(out.invited <= u64::from(size));
        // Conservation: the pool before = the pool after + the invited.
        let mut naive_after = before.clone();
        naive_remove(&mut naive_after, &out.invitees);
        prop_assert_eq!(pool.cohorts().collect::<Vec<_>>(), naive_after);
        prop_assert_eq!(before.iter().map(|c| u64::from(c.count)).sum::<u64>(), pool.len() + out.invited);
        pool.audit().unwrap();
        // Every invitee outranks every eligible candidate left behind (the rest of a cohort
        // taken in part shares the last invitee's key).
        if let Some(last) = out.invitees.last() {
            prop_assert!(pool.cohorts().filter(|c| target.matches(c.eligibility)).all(|c| c.rank_key() >= last.rank_key()));
        }
    }

    #[test]
    fn prop_successive_rounds_match_the_naive_reference(
        cohorts in proptest::collection::vec(arb_cohort(), 0..30),
        rounds in proptest::collection::vec((arb_target(), 0_u32..25), 1..6),
    ) {
        let mut pool = pool_of(&cohorts);
        let mut naive: Vec<Cohort> = pool.cohorts().collect();
        for (target, size) in rounds {
            let expected = naive_draw(&naive, target, size);
            let out = pool.draw(&DrawSpec::new(Timestamp::from_second(1_800_000_000).unwrap(), target, size));
            prop_assert_eq!(&out.invitees, &expected.invitees);
            naive_remove(&mut naive, &expected.invitees);
            prop_assert_eq!(pool.cohorts().collect::<Vec<_>>(), naive.clone());
            pool.audit().unwrap();
        }
    }

    #[test]
    fn prop_eligible_counts_match_a_scan(
        cohorts in proptest::collection::vec(arb_cohort(), 0..40),
        target in arb_target(),
        score in 490_u16..510,
    ) {
        let pool = pool_of(&cohorts);
        let score = CrsScore::new(score).unwrap();
        let naive: u64 = cohorts
            .iter()
            .filter(|c| c.score >= score && target.matches(c.eligibility))
            .map(|c| u64::from(c.count))
            .sum();
        prop_assert_eq!(pool.count_eligible_at_or_above(target, score), naive);
    }
}
