//! Calibration as of a date: hand-checked values, and no look-ahead (later rounds change
//! nothing).

use eesim::Family;
use eesim::feed::{FeedReader, History};
use eesim::forecast::{Calibration, DensityModel};
use jiff::civil::Date;

use crate::feed_reader::fixture;

fn date(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).unwrap()
}

/// The feed's JSON with every record dated on or after `from` removed.
fn without_rounds_from(json: &str, from: &str) -> String {
    let mut feed: serde_json::Value = serde_json::from_str(json).unwrap();
    let rounds = feed["rounds"].as_array_mut().unwrap();
    rounds.retain(|r| r["drawDate"].as_str().is_some_and(|d| d < from));
    feed.to_string()
}

fn read(json: &str) -> History {
    FeedReader::new().read_str(json).unwrap().0
}

#[test]
fn calibration_by_hand() {
    let json = std::fs::read_to_string(fixture("replay.json")).unwrap();
    let history = read(&json);
    let cal = Calibration::as_of(&history, date(2024, 3, 11));
    // No all-program round had its cut-off in 501-600: no decay to fit.
    assert_eq!(cal.model(), DensityModel::Smooth);
    // CEC: round 1, 1500 / A(901) = 0.5; round 2 (after round 1 halved 901+),
    // 600 / (A(945) / 2) with A(945) = 6000 (1 - G(344/600)) = 2365.6.
    let cec = cal.share(&Family::CEC).unwrap();
    let a945 = 6000.0 * (1.0 - (3.0 * 0.5733f64.powi(2) - 2.0 * 0.5733f64.powi(3)));
    let second = 600.0 / (a945 / 2.0);
    assert_eq!(cec.rounds, 2);
    assert!((cec.mean - (0.5 + second) / 2.0).abs() < 2e-3, "{cec:?}");
    // Schedules over the trailing 182 days.
    let s = cal.schedule(&Family::CEC).unwrap();
    assert_eq!(
        (s.gaps_days.clone(), s.sizes.clone()),
        (vec![1], vec![1500, 600])
    );
    let g = cal.schedule(&Family::GENERAL).unwrap();
    assert_eq!(
        (g.gaps_days.clone(), g.sizes.clone()),
        (vec![19], vec![500, 300])
    );
    // Arrivals: the two snapshots (March 1 and 10) both hold 6,000 in 601-1200, and rounds
    // 1 and 2 invited 2,100 from it in between: 2100 * 7 / 9 per week.
    let arrivals = cal.arrivals_per_week().unwrap();
    assert!(
        (arrivals[0] - 2100.0 * 7.0 / 9.0).abs() < 1e-6,
        "{arrivals:?}"
    );
    assert!(arrivals[1..].iter().all(|a| a.abs() < 1e-9));
}

#[test]
fn later_rounds_do_not_change_an_earlier_calibration() {
    let json = std::fs::read_to_string(fixture("replay.json")).unwrap();
    let full = read(&json);
    let cut = read(&without_rounds_from(&json, "2024-03-10"));
    assert!(cut.draws().len() < full.draws().len());
    for day in [date(2024, 3, 2), date(2024, 3, 10)] {
        assert_eq!(
            Calibration::as_of(&full, day),
            Calibration::as_of(&cut, day)
        );
    }
    // A date after the cut sees the difference.
    let later = date(2024, 3, 13);
    assert_ne!(
        Calibration::as_of(&full, later),
        Calibration::as_of(&cut, later)
    );
}

#[test]
fn later_rounds_of_the_shared_feed_do_not_change_an_earlier_calibration() {
    let Some(path) = std::env::var_os("EESIM_FEED") else {
        eprintln!("note: EESIM_FEED is not set; skipping");
        return;
    };
    let json = std::fs::read_to_string(path).unwrap();
    let full = read(&json);
    for (cut_from, as_of) in [
        ("2024-06-01", date(2024, 5, 1)),
        ("2025-09-01", date(2025, 9, 1)),
    ] {
        let cut = read(&without_rounds_from(&json, cut_from));
        let a = Calibration::as_of(&full, as_of);
        assert_eq!(a, Calibration::as_of(&cut, as_of));
        assert!(matches!(a.model(), DensityModel::Decay { .. }));
        assert!(a.share(&Family::FRENCH).is_some());
    }
}
