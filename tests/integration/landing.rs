//! After the invitation: stages, conservation, exact and analytic landing dates.

use eesim::landing::{AfterIta, Duration, Stage};
use eesim::montecarlo::{MonteCarlo, RunModel};
use eesim::scenario::{DrawPlan, FocalSpec, Scenario, ScenarioRun};
use eesim::{CrsScore, FocalResponse, Timestamp};
use proptest::prelude::*;

fn scenario_with(after: &AfterIta) -> Scenario {
    let s = Scenario::default_calibrated().unwrap();
    let mut table = toml::map::Map::new();
    table.insert("after_ita".into(), toml::Value::try_from(after).unwrap());
    let text = s.to_toml();
    let cut = text.find("\n# After an ITA").unwrap();
    Scenario::from_toml(&format!(
        "{}\n{}",
        &text[..cut],
        toml::to_string(&table).unwrap()
    ))
    .unwrap()
}

fn focal(s: &Scenario, score: u16, response: FocalResponse) -> FocalSpec {
    FocalSpec::new(
        CrsScore::new(score).unwrap(),
        eesim::Membership::from_names(["cec"], Vec::<&str>::new()).unwrap(),
        Timestamp::start_of_day(s.as_of()).plus_days(-30),
    )
    .response(response)
}

/// Invited for sure on the first day at 14:00: one CEC round of 100,000.
fn invited_on_day_one(after: &AfterIta, horizon: u32) -> (Scenario, Timestamp) {
    let s = scenario_with(after);
    let day = s.as_of().tomorrow().unwrap();
    let s = s
        .with_plan(
            &eesim::Family::new("cec").unwrap(),
            DrawPlan::Fixed(vec![(day, 100_000)]),
        )
        .unwrap();
    let _ = horizon;
    (s, Timestamp::start_of_day(day).plus_seconds(14 * 3600))
}

#[test]
fn fixed_durations_give_the_exact_landing_day() {
    let after = AfterIta {
        submit_days: Duration::Fixed(30.0),
        biometrics_days: Duration::Fixed(10.0),
        processing_days: Duration::Fixed(100.0),
        approval: 1.0,
        in_canada: 1.0,
        landing_days: Duration::Fixed(9.0),
        ..AfterIta::default()
    };
    let (s, _) = invited_on_day_one(&after, 300);
    let model = ScenarioRun::new(&s, Some(focal(&s, 540, FocalResponse::Apply)), 300)
        .unwrap()
        .to_landing(true);
    let t = MonteCarlo::new(50, 1).estimate(&model);
    // ITA on day 1; landing 1 + 30 + 100 + 9 = day 140.
    assert_eq!(t.landing_within(139).successes, 0);
    assert_eq!(t.landing_within(140).successes, 50);
    assert_eq!(
        t.stages().iter().find(|s| s.0 == Stage::Landed).unwrap().1,
        50
    );
}

#[test]
fn exponential_processing_matches_the_closed_form() {
    let mean = 60.0;
    let after = AfterIta {
        submit_days: Duration::Fixed(0.0),
        biometrics_days: Duration::Fixed(0.0),
        processing_days: Duration::Exponential(mean),
        approval: 1.0,
        in_canada: 1.0,
        landing_days: Duration::Fixed(0.0),
        ..AfterIta::default()
    };
    let (s, _) = invited_on_day_one(&after, 200);
    let model = ScenarioRun::new(&s, Some(focal(&s, 540, FocalResponse::Apply)), 200)
        .unwrap()
        .to_landing(true);
    let t = MonteCarlo::new(3_000, 9).estimate(&model);
    for day in [20_u32, 60, 120] {
        // Landed by the end of day `day` when the exponential is below day - 14/24 days
        // (the ITA is at 14:00 on day 1).
        let exact = 1.0 - (-(f64::from(day) - 14.0 / 24.0) / mean).exp();
        let got = t.landing_within(day);
        assert!(got.contains(exact), "day {day}: {got:?} vs {exact}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Every invited run is in exactly one stage at the horizon.
    #[test]
    fn prop_every_invited_run_ends_in_one_stage(
        seed in any::<u64>(),
        approval in 0.0_f64..=1.0,
        in_canada in 0.0_f64..=1.0,
        processing in 10.0_f64..400.0,
        score in 480_u16..530,
        response in 0_u8..3,
    ) {
        let after = AfterIta { approval, in_canada, processing_days: Duration::Exponential(processing), ..AfterIta::default() };
        let s = scenario_with(&after);
        let response = [FocalResponse::Apply, FocalResponse::Decline, FocalResponse::LikeOthers][usize::from(response)];
        let model = ScenarioRun::new(&s, Some(focal(&s, score, response)), 300).unwrap().to_landing(true);
        let t = MonteCarlo::new(40, seed).estimate(&model);
        let stages = t.stages();
        let total: u64 = stages.iter().map(|s| s.1).sum();
        prop_assert_eq!(total, t.runs());
        let invited: u64 = stages.iter().filter(|s| s.0 != Stage::NotInvited).map(|s| s.1).sum();
        prop_assert_eq!(invited, t.chance().successes);
        prop_assert!(t.landing().successes <= stages.iter().find(|s| s.0 == Stage::Landed).unwrap().1);
    }
}

#[test]
fn err_bad_after_ita_parameters_are_named() {
    let s = Scenario::default_calibrated().unwrap();
    let text = s.to_toml().replace("approval = 0.95", "approval = 1.5");
    let e = Scenario::from_toml(&text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "scenario: 1 problem: after_ita.approval: expected a number from 0 to 1, found 1.5"
    );
    let text = s.to_toml().replace(
        "[after_ita.processing_days]\nquantiles = [[0.0, 45.0], [0.5, 130.0]",
        "[after_ita.processing_days]\nquantiles = [[0.0, 45.0], [0.5, 30.0]",
    );
    let e = Scenario::from_toml(&text).unwrap_err();
    assert!(
        e.to_string()
            .contains("processing_days: quantiles from probability 0 to 1 in increasing order"),
        "{e}"
    );
    // Every problem, each with its key path.
    let text = s
        .to_toml()
        .replace("approval = 0.95", "approval = \"high\"")
        .replace("in_canada = 0.6", "in_canada = 2");
    assert_eq!(
        Scenario::from_toml(&text).unwrap_err().to_string(),
        "scenario: 2 problems: after_ita.approval: expected a number from 0 to 1, found \"high\"; \
         after_ita.in_canada: expected a number from 0 to 1, found 2"
    );
    let e = Scenario::from_toml("version = 1\nversion = 2\n").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("scenario: 1 problem: TOML, line 2, column 1: "),
        "{e}"
    );
    let m = ScenarioRun::new(&s, None, 10).unwrap();
    assert_eq!(m.horizon_days(), 10);
}
