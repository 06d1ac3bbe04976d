//! The answer from today: windows that start today, the chance given no invitation before
//! today, submissions up to today plus the horizon, and warnings as data.

use eesim::report::{ChanceReport, ChanceRequest};
use eesim::scenario::{DrawPlan, Scenario};
use eesim::{CrsScore, Date, Family, Membership};

fn days(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap()
}

/// The default scenario whose only rounds are CEC rounds of 100,000 on the given days after
/// its date: whoever is in the CEC pool then is invited, for sure.
fn sure_rounds(after: &[i64]) -> Scenario {
    let s = Scenario::default_calibrated().unwrap();
    let mut plain = s.clone();
    for f in s.families().cloned().collect::<Vec<_>>() {
        plain = plain.with_plan(&f, DrawPlan::Fixed(Vec::new())).unwrap();
    }
    let rounds = after
        .iter()
        .map(|n| (days(s.as_of(), *n), 100_000))
        .collect();
    plain
        .with_plan(&Family::CEC, DrawPlan::Fixed(rounds))
        .unwrap()
}

fn request(today: Option<Date>, runs: u64) -> ChanceRequest {
    ChanceRequest {
        today,
        runs,
        horizon_days: 90,
        membership: Membership::from_names(["cec"], Vec::<&str>::new()).unwrap(),
        // High enough that a round of 100,000 reaches it whatever the run's CEC pool (the
        // CEC's own pool holds some 3,000 candidates a score below its last cut-off, 508).
        ..ChanceRequest::new(CrsScore::new(510).unwrap())
    }
}

#[test]
fn today_on_the_datas_date_changes_nothing() {
    let s = Scenario::default_calibrated().unwrap();
    let a = ChanceReport::run(&s, &request(None, 400), |_| {}).unwrap();
    let b = ChanceReport::run(&s, &request(Some(s.as_of()), 400), |_| {}).unwrap();
    assert_eq!(a.chance, b.chance);
    assert_eq!(a.by_month, b.by_month);
    assert_eq!(a.by_score, b.by_score);
    assert_eq!(b.conditioned_runs, 400);
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
    assert_eq!(b.to_json()["today"], s.as_of().to_string());
    assert_eq!(b.to_json()["warnings"], serde_json::json!([]));
}

#[test]
fn windows_start_today_and_count_only_runs_without_an_invitation_before_it() {
    // Rounds on days 10 and 60 invite everyone: asking on day 30, one who was in the pool
    // on day 10 was invited then, so no run is left; one who submitted on day 20 is
    // invited on day 60, within 3 months of today for sure.
    let s = sure_rounds(&[10, 60]);
    let today = days(s.as_of(), 30);
    let early = ChanceReport::run(&s, &request(Some(today), 200), |_| {}).unwrap();
    assert_eq!(early.conditioned_runs, 0);
    assert!(
        early.warnings.iter().any(|w| w.contains("0 of 200")),
        "{:?}",
        early.warnings
    );
    let late = ChanceRequest {
        submitted: Some(days(s.as_of(), 20)),
        ..request(Some(today), 200)
    };
    let late = ChanceReport::run(&s, &late, |_| {}).unwrap();
    assert_eq!(late.conditioned_runs, 200);
    assert_eq!(late.today, today);
    let month = &late.by_month[0];
    assert_eq!((month.months, month.until), (1, days(today, 31)));
    // Day 60 is 30 days after today: inside one month, and so in every longer window.
    assert_eq!(month.chance.p, 1.0);
    assert!(late.by_month.iter().all(|w| w.chance.p == 1.0));
    let json = late.to_json();
    assert_eq!(json["by_month"][0]["until"], days(today, 31).to_string());
    assert_eq!(json["conditioned_runs"], 200);
    // The curve is on days from today: nothing before day 30 from today.
    assert!(
        late.curve
            .iter()
            .filter(|(d, _)| *d < 30)
            .all(|(_, c)| c.p == 0.0)
    );
}

#[test]
fn a_submission_after_the_datas_date_up_to_today_plus_the_horizon_is_followed() {
    let s = Scenario::default_calibrated().unwrap();
    let today = days(s.as_of(), 200);
    // Submitted 100 days after the data's date: refused before (past the horizon from the
    // data's date), followed now.
    let r = ChanceRequest {
        submitted: Some(days(s.as_of(), 250)),
        ..request(Some(today), 100)
    };
    let report = ChanceReport::run(&s, &r, |_| {}).unwrap();
    assert_eq!(report.submitted, days(s.as_of(), 250));
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("200 days before today"))
    );
    let too_late = ChanceRequest {
        submitted: Some(days(today, 91)),
        ..request(Some(today), 100)
    };
    let e = ChanceReport::run(&s, &too_late, |_| {}).unwrap_err();
    assert!(e.to_string().contains("submission"), "{e}");
}

#[test]
fn a_family_that_holds_no_round_is_a_warning() {
    let s = sure_rounds(&[10]);
    let r = ChanceRequest {
        membership: Membership::from_names(["cec"], ["french"]).unwrap(),
        ..request(Some(s.as_of()), 100)
    };
    let report = ChanceReport::run(&s, &r, |_| {}).unwrap();
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.starts_with("the french family holds no round")),
        "{:?}",
        report.warnings
    );
}
