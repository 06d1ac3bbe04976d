//! CRS score paths: birthdays, planned changes and rule changes, and their use in a simulation.

use eesim::crs::{
    ClbLevels, Language, LanguageResult, LanguageTest, PlannedChange, Profile, ScorePath, ScorePlan,
};
use eesim::{
    Candidate, CandidateId, Cohort, CrsScore, DrawSpec, Eligibility, Event, Focal, FocalResponse,
    Pool, Program, SimulationBuilder, Target, Timestamp,
};
use jiff::civil::{Date, date};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Born 1995-06-15; 30 on 2026-01-10. Bachelor's, IELTS CLB 9, one Canadian year, an
/// other-TEER offer (worth 50 until 2025-03-24).
const PROFILE: &str = r#"
    assessed_on = "2025-01-10"
    birth_date = "1995-06-15"
    education = "bachelors"
    first_language = { test = "ielts", listening = 8.0, reading = 7.0, writing = 7.0, speaking = 7.0 }
    canadian_work_years = 1
    job_offer = "other_teer_0_to_3"
"#;

fn points(path: &ScorePath) -> Vec<(String, u16)> {
    path.points()
        .iter()
        .map(|(d, s)| (d.to_string(), s.get()))
        .collect()
}

fn plan() -> ScorePlan {
    ScorePlan::new(Profile::from_toml(PROFILE).unwrap()).unwrap()
}

#[test]
fn birthdays_and_the_rule_change_alone() {
    let path = plan().path(date(2027, 1, 1)).unwrap();
    // Start, age 29: 110 + 120 + 124 + 40 = 394 core; (a) E1 × L2 25 + (b) E1 × C1 13 = 38;
    // job offer 50. Total 482.
    // 2025-03-25: job offer removed → 432. 2025-06-15: 30 → 105 → 427. 2026-06-15: 31 → 99 → 421.
    assert_eq!(
        points(&path),
        [
            ("2025-01-10".into(), 482),
            ("2025-03-25".into(), 432),
            ("2025-06-15".into(), 427),
            ("2026-06-15".into(), 421),
        ]
    );
    assert_eq!(
        path.score_on(date(2025, 6, 14)).map(CrsScore::get),
        Some(432)
    );
    assert_eq!(
        path.score_on(date(2025, 6, 15)).map(CrsScore::get),
        Some(427)
    );
    assert_eq!(path.score_on(date(2027, 1, 2)), None);
    assert_eq!(path.score_on(date(2025, 1, 9)), None);
}

#[test]
fn planned_language_result_work_and_nomination() {
    let french = LanguageResult::new(
        LanguageTest::Tef(eesim::crs::TefScale::Current),
        [503.0, 503.0, 512.0, 518.0],
    )
    .unwrap();
    let path = plan()
        .with(date(2025, 5, 1), PlannedChange::SecondLanguage(french))
        .with(date(2026, 1, 10), PlannedChange::CanadianWorkAccruing)
        .with(date(2026, 9, 1), PlannedChange::ProvincialNomination)
        .path(date(2027, 3, 1))
        .unwrap();
    // From 432 on 2025-03-25 (as above):
    // 2025-05-01 French NCLC 9 × 4: second language 4 × 6 = 24; French 50 (English CLB 9) → 506.
    // 2025-06-15 age 30: −5 → 501.
    // 2026-01-10 second Canadian year: 40 → 53 (+13); (b) 13 → 25 (+12) → 526.
    // 2026-06-15 age 31: −6 → 520. 2026-09-01 nomination: additional 600 + 50 = 650, capped
    // at 600 (+550) → 1070. 2027-01-10 third Canadian year: 53 → 64 (+11) → 1081.
    assert_eq!(
        points(&path),
        [
            ("2025-01-10".into(), 482),
            ("2025-03-25".into(), 432),
            ("2025-05-01".into(), 506),
            ("2025-06-15".into(), 501),
            ("2026-01-10".into(), 526),
            ("2026-06-15".into(), 520),
            ("2026-09-01".into(), 1070),
            ("2027-01-10".into(), 1081),
        ]
    );
}

#[test]
fn a_new_first_language_result_replaces_the_old_one() {
    let clb10 = LanguageResult::from_levels(Language::English, ClbLevels::all(10).unwrap());
    let path = plan()
        .with(date(2024, 12, 1), PlannedChange::FirstLanguage(clb10))
        .path(date(2025, 2, 1))
        .unwrap();
    // A change before the start applies from the start: CLB 10 → 4 × 34 = 136 (+12), (a) still
    // E1 × L2 = 25. 482 + 12 = 494.
    assert_eq!(points(&path), [("2025-01-10".into(), 494)]);
}

#[test]
fn err_score_paths() {
    let p =
        Profile::from_toml(&PROFILE.replace("birth_date = \"1995-06-15\"", "age = 29")).unwrap();
    assert_eq!(
        ScorePlan::new(p).unwrap_err().to_string(),
        "score path: profile: expected a birth date, found an age (29)"
    );
    assert_eq!(
        plan().path(date(2024, 1, 1)).unwrap_err().to_string(),
        "score path: until: expected a date on or after the profile's assessed_on (2025-01-10), found 2024-01-01"
    );
}

fn ts(d: Date) -> Timestamp {
    Timestamp::start_of_day(d)
}

#[test]
fn a_birthday_during_the_wait_lowers_the_score_in_the_simulation() {
    let path = plan().path(date(2025, 12, 31)).unwrap();
    let events = eesim::Event::score_changes(&path);
    assert_eq!(
        events,
        [
            Event::ScoreChange {
                at: ts(date(2025, 3, 25)),
                score: CrsScore::new(432).unwrap()
            },
            Event::ScoreChange {
                at: ts(date(2025, 6, 15)),
                score: CrsScore::new(427).unwrap()
            },
        ]
    );
    // A rival at 430 and a one-invitation round on 2025-07-02: the focal candidate (432 before
    // the birthday) is invited only if the birthday is ignored.
    let submitted = ts(date(2025, 1, 10));
    let mut pool = Pool::new();
    let cec = Eligibility::none().with_program(Program::Cec);
    pool.add(Cohort {
        score: CrsScore::new(430).unwrap(),
        submitted_at: "2025-01-01T00:00:00Z".parse().unwrap(),
        id: CandidateId(1),
        eligibility: cec,
        count: 1,
    })
    .unwrap();
    let focal = Focal {
        candidate: Candidate {
            id: CandidateId(0),
            score: path.initial().unwrap(),
            submitted_at: submitted,
            eligibility: cec,
        },
        response: FocalResponse::Apply,
    };
    let round = Event::Draw(DrawSpec::new(
        "2025-07-02T14:00:00Z".parse().unwrap(),
        Target::All,
        1,
    ));
    let build = |with_path: bool| {
        let mut b = SimulationBuilder::new(pool.clone(), submitted, ts(date(2025, 12, 31)))
            .focal(focal)
            .event(round)
            .event(Event::ScoreChange {
                at: ts(date(2025, 3, 25)),
                score: CrsScore::new(432).unwrap(),
            });
        if with_path {
            b = b.events(eesim::Event::score_changes(&path));
        }
        b.build().unwrap()
    };
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let ignored = build(false).run(&mut rng).focal.unwrap();
    assert_eq!(ignored.first_invitation().map(|i| i.score.get()), Some(432));
    let with_birthday = build(true).run(&mut rng).focal.unwrap();
    assert!(with_birthday.invitations.is_empty(), "{with_birthday:?}");
    assert_eq!(with_birthday.score.get(), 427);
}
