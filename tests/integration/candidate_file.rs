//! The example candidate file reads, and a round on it gives the hand-worked answer.

use eesim::{CandidateList, Categories, CrsScore, DrawSpec, Period, Target, Timestamp};

fn list() -> CandidateList {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/candidates.csv");
    CandidateList::from_path(path, Categories::ircc_2026()).unwrap()
}

#[test]
fn all_program_round_on_the_example_file() {
    let list = list();
    let mut pool = list.to_pool(Period::TWELVE_MONTHS).unwrap();
    let out = pool.draw(&DrawSpec::new(
        Timestamp::from_second(0).unwrap(),
        Target::All,
        4,
    ));
    let names: Vec<&str> = out
        .invitees
        .iter()
        .map(|c| list.name(c.id).unwrap())
        .collect();
    // gia 530; then three at 512: chen (April) before ana and eva (same second; "ana" < "eva").
    assert_eq!(names, ["gia", "chen", "ana", "eva"]);
    assert_eq!(out.cutoff, Some(CrsScore::new(512).unwrap()));
    assert_eq!(out.tie_break, Some("2025-06-01T12:00:00Z".parse().unwrap()));
}

#[test]
fn program_and_nominee_rounds_on_the_example_file() {
    let list = list();
    let mut pool = list.to_pool(Period::TWELVE_MONTHS).unwrap();
    let at = Timestamp::from_second(0).unwrap();
    let pnp = pool.draw(&DrawSpec::new(
        at,
        Target::parse("pnp", list.categories()).unwrap(),
        5,
    ));
    assert_eq!(
        pnp.invitees
            .iter()
            .map(|c| list.name(c.id).unwrap())
            .collect::<Vec<_>>(),
        ["ben"]
    );
    let fst_fsw = pool.draw(&DrawSpec::new(
        at,
        Target::parse("fst;fsw", list.categories()).unwrap(),
        2,
    ));
    // ana (512, fsw), then hugo and dev at 505: hugo submitted first.
    assert_eq!(
        fst_fsw
            .invitees
            .iter()
            .map(|c| list.name(c.id).unwrap())
            .collect::<Vec<_>>(),
        ["ana", "hugo"]
    );
}

#[test]
fn err_missing_file_is_named() {
    let e = CandidateList::from_path("/nonexistent/x.csv", Categories::new()).unwrap_err();
    assert!(
        e.to_string().starts_with("reading /nonexistent/x.csv: "),
        "{e}"
    );
}
