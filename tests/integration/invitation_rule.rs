//! The one invitation rule (`DrawRecord::invites`) against the exact pool's draws, and the
//! round short of its size that the fluid engine once got wrong.

use eesim::report::{ChanceReport, ChanceRequest};
use eesim::scenario::{Engine, Scenario};
use eesim::{
    CandidateId, Categories, Cohort, CrsScore, DrawSpec, Eligibility, Membership, Pool, Program,
    ProgramSet, Standing, Target, Timestamp,
};
use proptest::prelude::*;

/// The default scenario with French's pool empty (level 0) and one French round of 500 on
/// 2026-03-10 as the only round: a round that finds fewer eligible candidates than its size.
fn short_round_scenario() -> Scenario {
    let text = eesim::scenario::DEFAULT_TOML;
    let mut out = String::new();
    let mut section = "";
    for line in text.lines() {
        if line.starts_with('[') {
            section = if line.starts_with("[draws") {
                "draws"
            } else if line == "[families.french]" {
                "french"
            } else {
                ""
            };
            if line == "[draws]" {
                out.push_str(
                    "[draws]\n[draws.french]\nfixed = [{ date = \"2026-03-10\", size = 500 }]\n",
                );
            }
            if section == "draws" {
                continue;
            }
        } else if section == "draws" {
            continue;
        } else if section == "french" && line.starts_with("level =") {
            out.push_str("level = 0.0\n");
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    // The simulation alone: the combination would have some runs cut at French's previous
    // cut-off instead.
    Scenario::from_toml(&out).unwrap().with_combination(None)
}

#[test]
fn a_round_short_of_its_size_invites_the_focal_candidate_on_both_engines() {
    let scenario = short_round_scenario();
    let request = |engine| ChanceRequest {
        membership: Membership::from_names(Vec::<&str>::new(), ["french"]).unwrap(),
        runs: 200,
        engine,
        ..ChanceRequest::new(CrsScore::new(450).unwrap())
    };
    let fluid = ChanceReport::run(&scenario, &request(Engine::Fluid), |_| {}).unwrap();
    let exact = ChanceReport::run(&scenario, &request(Engine::Exact), |_| {}).unwrap();
    let table_at_450 = fluid
        .by_score
        .iter()
        .find(|(s, _)| *s == 450)
        .map(|(_, c)| c.p)
        .unwrap();
    assert_eq!(fluid.chance.p, 1.0, "fluid engine: {:?}", fluid.chance);
    assert_eq!(exact.chance.p, 1.0, "exact engine: {:?}", exact.chance);
    assert_eq!(table_at_450, 1.0, "by-score table");
    // Every score is invited by a round that took everyone eligible.
    assert!(fluid.by_score.iter().all(|(_, c)| c.p == 1.0));
}

fn at(second: i64) -> Timestamp {
    Timestamp::from_second(1_750_000_000 + second).unwrap()
}

/// Eligibility classes: CEC, FSW, both, FST, a French CEC candidate, a nominee.
fn eligibility(k: u8, french: eesim::CategoryId) -> Eligibility {
    let p = |x| Eligibility::none().with_program(x);
    match k % 6 {
        0 => p(Program::Cec),
        1 => p(Program::Fsw),
        2 => p(Program::Cec).with_program(Program::Fsw),
        3 => p(Program::Fst),
        4 => p(Program::Cec).with_category(french),
        _ => p(Program::Fst).with_nomination(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// On tie-heavy generated pools (scores from a span of six points), every candidate is
    /// invited by the exact pool's round exactly when the rule says so, including rounds
    /// short of their size, of size 0, and candidates the round does not target or who
    /// submitted after it.
    #[test]
    fn the_rule_agrees_with_the_exact_pools_draws(
        people in prop::collection::vec((495u16..501, 0i64..400, 0u8..6), 0..60),
        late in prop::collection::vec((495u16..501, 0u8..6), 0..4),
        target in 0u8..6,
        size in 0u32..70,
    ) {
        let cats = Categories::ircc_2026();
        let french = cats.id("french").unwrap();
        let target = match target {
            0 => Target::All,
            1 => Target::program(Program::Cec),
            2 => Target::Programs(ProgramSet::EMPTY.with(Program::Fsw).with(Program::Fst)),
            3 => Target::Category(french),
            4 => Target::ProvincialNominees,
            _ => Target::Programs(ProgramSet::ALL),
        };
        let round_at = at(1_000);
        let mut pool = Pool::new();
        let mut everyone = Vec::new();
        // Distinct submission seconds: the id never has to break a tie within a second.
        for (i, (score, second, k)) in people.iter().enumerate() {
            let c = Cohort {
                score: CrsScore::new(*score).unwrap(),
                submitted_at: at(second * 1_000 + i as i64 - 500_000),
                id: CandidateId(i as u64),
                eligibility: eligibility(*k, french),
                count: 1,
            };
            pool.add(c).unwrap();
            everyone.push(c);
        }
        let mut invited = Vec::new();
        let record = pool.draw_each(&DrawSpec::new(round_at, target, size), |c| invited.push(c.id));
        // Candidates who submit after the round: never invited by it.
        let after: Vec<Cohort> = late
            .iter()
            .enumerate()
            .map(|(i, (score, k))| Cohort {
                score: CrsScore::new(*score).unwrap(),
                submitted_at: at(2_000 + i as i64),
                id: CandidateId(10_000 + i as u64),
                eligibility: eligibility(*k, french),
                count: 1,
            })
            .collect();
        for c in everyone.iter().chain(&after) {
            let who = Standing {
                eligibility: c.eligibility,
                score: c.score,
                submitted_at: c.submitted_at,
                expires: Timestamp::MAX,
            };
            prop_assert_eq!(record.invites(&who), invited.contains(&c.id), "{:?} in {:?}", c, record);
        }
    }
}
